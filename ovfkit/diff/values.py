"""Normalized field values for the hardware diff: what counts as the same value, and how to show it.

Values are compared with ``==`` after normalization, so noise never shows as a change: whitespace
is collapsed, MAC addresses are lower-cased, sizes are bytes, oVirt device addresses compare as
key/value maps (``DeviceAddress``) whatever their key order, and typed numbers and booleans already
lost their lexical form when the model was read.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from ovfkit.errors import OvfError
from ovfkit.model.values import parse_bool, parse_int
from ovfkit.units import format_bytes, parse_units

__all__ = [
    "Address",
    "Size",
    "display",
    "json_value",
    "normalize_mac",
    "normalize_text",
    "parse_address",
    "scalar",
    "size_in_bytes",
]


class Size(int):
    """A size in bytes: compares as the integer, shows as ``10 GiB``."""

    __slots__ = ()

    def __str__(self) -> str:
        return format_bytes(int(self))


class Address:
    """An oVirt device address (``{slot=0x06, bus=0x00, type=pci}``): equal when the key/value maps are.

    Keys are compared case-insensitively and numeric values by value (``0x06`` equals ``0x6``);
    ``str()`` gives back the original text. Text that is not a ``{...}`` map compares as text.
    """

    __slots__ = ("key", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.key: frozenset[tuple[str, object]] | str = _address_key(text)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Address):
            return self.key == other.key
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.key)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Address({self.text!r})"


_HEX = re.compile(r"0[xX][0-9a-fA-F]{1,16}", re.ASCII)


def _address_value(value: str) -> object:
    """A value of an address map, with numeric forms compared by value."""
    value = value.strip()
    if _HEX.fullmatch(value):
        return int(value, 16)
    number = parse_int(value)
    return number if number is not None else value


def _pairs_from_ovirt(text: str) -> list[tuple[str, str]] | None:
    """The address's key/value pairs as ``ovfkit.ovirt.address.DeviceAddress`` parses them, when available."""
    parse = _device_address_parser()
    if parse is None:
        return None
    try:
        parsed = parse(text)
    except OvfError:
        return None
    if isinstance(parsed, Mapping):
        return [(str(k), str(v)) for k, v in parsed.items()]
    items = getattr(parsed, "items", None)
    if callable(items):
        return [(str(k), str(v)) for k, v in items()]
    return None


@functools.lru_cache(maxsize=1)
def _device_address_parser() -> Callable[[str], Any] | None:
    """``DeviceAddress.parse`` from the oVirt dialect package, or None when this build has none."""
    try:
        module = importlib.import_module("ovfkit.ovirt.address")
    except ImportError:
        return None
    device_address = getattr(module, "DeviceAddress", None)
    parse = getattr(device_address, "parse", None)
    return parse if callable(parse) else None


def _pairs_builtin(text: str) -> list[tuple[str, str]] | None:
    """Split ``{k=v, k=v}`` the way the engine does: on ``,`` then on the first ``=``, trimmed."""
    inner = text.strip()
    if not (inner.startswith("{") and inner.endswith("}")):
        return None
    inner = inner[1:-1].strip()
    if not inner:
        return []
    pairs = []
    for part in inner.split(","):
        key, _, value = part.partition("=")
        if key.strip() or value.strip():
            pairs.append((key.strip(), value.strip()))
    return pairs


@functools.lru_cache(maxsize=4096)
def _address_key(text: str) -> frozenset[tuple[str, object]] | str:
    stripped = text.strip()
    as_text = " ".join(stripped.split())
    if not stripped.startswith("{"):
        return as_text
    pairs = _pairs_from_ovirt(stripped)
    if pairs is None:
        pairs = _pairs_builtin(stripped)
    if pairs is None:
        return as_text
    return frozenset((key.lower(), _address_value(value)) for key, value in pairs)


def parse_address(text: str | None) -> Address | None:
    """An address value for comparison, or None for absent or empty text (``{}`` is empty too)."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped or stripped == "{}":
        return None
    return Address(stripped)


def normalize_text(text: str | None) -> str | None:
    """Text with runs of whitespace collapsed to one space and trimmed; None when nothing is left."""
    if text is None:
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


_MAC_SEPARATORS = re.compile(r"[-.]")


def normalize_mac(text: str | None) -> str | None:
    """A MAC address lower-cased with ``:`` separators (``00-1A-4A-...`` equals ``00:1a:4a:...``)."""
    value = normalize_text(text)
    if value is None:
        return None
    if len(value) == 17:
        value = _MAC_SEPARATORS.sub(":", value)
    return value.lower()


def scalar(text: str | None) -> object:
    """Free text typed as what it looks like: an int, a boolean, or collapsed text (None when empty)."""
    value = normalize_text(text)
    if value is None:
        return None
    number = parse_int(value)
    if number is not None:
        return number
    flag = parse_bool(value)
    if flag is not None:
        return flag
    return value


@functools.lru_cache(maxsize=256)
def _byte_multiplier(units: str) -> int | None:
    try:
        parsed = parse_units(units)
    except OvfError:
        return None
    return parsed.multiplier if parsed.base == "byte" else None


def size_in_bytes(quantity: int | None, units: str | None, default: str = "byte * 2^20") -> Size | None:
    """``quantity`` in ``units`` (programmatic units, ``MegaBytes``, ...) as bytes; None when unknown."""
    if quantity is None:
        return None
    multiplier = _byte_multiplier(units.strip() if units and units.strip() else default)
    if multiplier is None:
        return None
    return Size(quantity * multiplier)


def display(value: object) -> str:
    """A value for people: sizes in GiB/MiB, ``true``/``false``, lists joined, None as ``(none)``."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ", ".join(display(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={display(v)}" for k, v in value.items()) if value else "(none)"
    return str(value)


def json_value(value: object) -> Any:
    """A value as JSON data: sizes as integers (bytes), addresses as their text, tuples as lists."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (tuple, list)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)
