"""Normalized values: what counts as the same value, and how values are shown."""

from __future__ import annotations

import pytest

from ovfkit.diff.values import (
    Address,
    Size,
    display,
    json_value,
    normalize_mac,
    normalize_text,
    parse_address,
    scalar,
    size_in_bytes,
)


def test_size_compares_as_bytes_and_shows_binary_units() -> None:
    assert Size(2 * 2**30) == 2 * 2**30
    assert str(Size(2 * 2**30)) == "2 GiB"
    assert str(Size(1536 * 2**20)) == "1.5 GiB"
    assert display(Size(512)) == "512 B"


@pytest.mark.parametrize(
    ("quantity", "units", "expected"),
    [
        (2048, "byte * 2^20", 2 * 2**30),
        (2, "byte * 2^30", 2 * 2**30),
        (2, "byte * 2 ^ 30", 2 * 2**30),
        (2048, "MegaBytes", 2 * 2**30),
        (2048, None, 2 * 2**30),  # memory without units: MiB, as the writers mean it
        (1024, "byte*1024*1024", 2**30),
    ],
)
def test_sizes_in_any_units_are_equal_in_bytes(quantity: int, units: str | None, expected: int) -> None:
    assert size_in_bytes(quantity, units) == expected


def test_unknown_or_non_byte_units_give_no_size() -> None:
    assert size_in_bytes(4, "hertz * 10^6") is None
    assert size_in_bytes(4, "furlongs") is None
    assert size_in_bytes(None, "byte") is None


def test_address_key_order_is_not_a_difference() -> None:
    old = Address("{slot=0x06, bus=0x00, domain=0x0000, type=pci, function=0x0}")
    new = Address("{type=pci, slot=0x06, bus=0x00, domain=0x0000, function=0x0}")
    assert old == new
    assert hash(old) == hash(new)
    assert str(old) == "{slot=0x06, bus=0x00, domain=0x0000, type=pci, function=0x0}"


def test_address_values_compare_by_number() -> None:
    assert Address("{type=pci, slot=0x6}") == Address("{type=pci, slot=0x06}")
    assert Address("{bus=01, type=drive}") == Address("{type=drive, bus=1}")
    assert Address("{type=pci, slot=0x06}") != Address("{type=pci, slot=0x07}")


def test_plain_addresses_compare_as_text() -> None:
    assert Address(" 0 ") == Address("0")
    assert Address("0") != Address("1")
    assert Address("{slot=0x06") == Address("{slot=0x06")  # malformed: compared as text, no crash


def test_empty_addresses_are_absent() -> None:
    assert parse_address(None) is None
    assert parse_address("  ") is None
    assert parse_address("{}") is None
    assert parse_address("{type=spapr-vio}") == Address("{type=spapr-vio}")


def test_text_whitespace_is_noise() -> None:
    assert normalize_text("  Hard   disk\n 1 ") == "Hard disk 1"
    assert normalize_text(" \n ") is None
    assert normalize_text(None) is None


@pytest.mark.parametrize("mac", ["00:1A:4A:87:CB:00", "00-1a-4a-87-cb-00", " 00:1a:4a:87:cb:00 "])
def test_mac_forms_are_equal(mac: str) -> None:
    assert normalize_mac(mac) == "00:1a:4a:87:cb:00"


def test_scalar_types_free_text() -> None:
    assert scalar("01024") == 1024
    assert scalar("True") is True
    assert scalar("false") is False
    assert scalar(" virtio ") == "virtio"
    assert scalar("") is None


def test_display_and_json() -> None:
    assert display(None) == "(none)"
    assert display(True) == "true"
    assert display(("a", "b")) == "a, b"
    assert display({"heads": 1, "vram": 32768}) == "heads=1, vram=32768"
    assert json_value(Size(1024)) == 1024
    assert type(json_value(Size(1024))) is int
    assert json_value(Address("{type=pci}")) == "{type=pci}"
    assert json_value(("a", 1)) == ["a", 1]
    assert json_value({"k": Size(1)}) == {"k": 1}
