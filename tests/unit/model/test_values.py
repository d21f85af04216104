"""Typed simple values: XSD integers and booleans, and the ResourceType enum."""

from __future__ import annotations

import pytest

from ovfkit.model.values import ResourceType, parse_bool, parse_int


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("+7", 7),
        ("-1", -1),
        (" 12 ", 12),
        ("02048", 2048),
        ("18446744073709551616", 2**64),
    ],
)
def test_integers(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["1_000", "12.0", "١٢", "", "0x10", "1e3", "9" * 5000, "${size}"])
def test_not_integers(text: str) -> None:
    assert parse_int(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("false", False), ("1", True), ("0", False), ("True", True), ("FALSE", False)],
)
def test_booleans(text: str, value: bool) -> None:
    assert parse_bool(text) is value


def test_not_booleans() -> None:
    assert parse_bool("yes") is None


def test_resource_type_accepts_any_16_bit_number() -> None:
    assert ResourceType(3).label == "processor"
    assert ResourceType(32768).label == "vendor 32768"
    with pytest.raises(ValueError):
        ResourceType(70000)
    with pytest.raises(ValueError):
        ResourceType(-1)
