"""Programmatic units: what real writers use parses, anything else is a clear error."""

from __future__ import annotations

import time

import pytest

from ovfkit.errors import OvfUnitError
from ovfkit.units import format_bytes, parse_units, to_bytes


@pytest.mark.parametrize(
    ("text", "base", "multiplier"),
    [
        ("byte", "byte", 1),
        ("byte * 2^20", "byte", 2**20),
        ("byte * 2 ^ 30", "byte", 2**30),
        ("byte*1024*1024", "byte", 2**20),
        ("byte * 4 * 2^10", "byte", 4 * 2**10),
        ("byte * 10^9", "byte", 10**9),
        ("MegaBytes", "byte", 2**20),
        ("MB", "byte", 2**20),
        ("GigaBytes", "byte", 2**30),
        ("GB", "byte", 2**30),
        ("KB", "byte", 2**10),
        ("hertz * 10^6", "hertz", 10**6),
        ("MegaHertz", "hertz", 10**6),
        ("  byte  *  2^20  ", "byte", 2**20),
    ],
)
def test_units_real_writers_use(text: str, base: str, multiplier: int) -> None:
    units = parse_units(text)
    assert (units.base, units.multiplier) == (base, multiplier)


@pytest.mark.parametrize(
    "text",
    [
        "block",
        "byte + 2^10",
        "byte * 2^",
        "byte * two",
        "byte * 2^-3",
        "byte * 0",
        "",
        "byte * 2^20 * ",
        "* 2^20",
    ],
)
def test_malformed_units_are_errors(text: str) -> None:
    with pytest.raises(OvfUnitError):
        parse_units(text)


def test_huge_exponent_is_refused_without_computing_it() -> None:
    start = time.perf_counter()
    with pytest.raises(OvfUnitError, match="too large"):
        parse_units("byte * 2^4294967296")
    with pytest.raises(OvfUnitError, match="too large"):
        parse_units("byte * 2^60 * 2^60")
    assert time.perf_counter() - start < 0.1


def test_to_bytes_and_format() -> None:
    assert to_bytes(10, "byte * 2^30") == 10 * 2**30
    assert to_bytes(512, None, default="byte * 2^20") == 512 * 2**20
    with pytest.raises(OvfUnitError, match="not a size"):
        to_bytes(1, "hertz * 10^6")
    assert format_bytes(10 * 2**30) == "10 GiB"
    assert format_bytes(1536 * 2**10) == "1.5 MiB"
    assert format_bytes(512) == "512 B"
