"""Programmatic units (DSP0004 Annex C) as OVF writes them: ``byte * 2^30``, ``MegaBytes``, ``hertz * 10^6``.

``parse_units("byte * 2^30")`` gives ``Units(base="byte", multiplier=1073741824)``. The parser accepts
what real writers use (spaces anywhere, ``2 ^ 20``, ``byte*1024*1024``, ``byte * 4 * 2^10``, and the
names ``KB``, ``MB``, ``MegaBytes``, ``GigaBytes``, ``MegaHertz``, ...) and refuses anything else
with ``OvfUnitError``. Exponents are bounded before any power is computed, so a hostile
``byte * 2^4294967296`` costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ovfkit.errors import OvfUnitError, quote

__all__ = ["Units", "parse_units", "to_bytes", "format_bytes", "BYTE_UNITS"]

#: The largest multiplier ovfkit computes (2^80, beyond any real allocation).
MAX_EXPONENT_BITS = 80

_ALIASES: dict[str, tuple[str, int]] = {
    "byte": ("byte", 1),
    "bytes": ("byte", 1),
    "b": ("byte", 1),
    "kb": ("byte", 2**10),
    "kib": ("byte", 2**10),
    "kilobytes": ("byte", 2**10),
    "mb": ("byte", 2**20),
    "mib": ("byte", 2**20),
    "megabytes": ("byte", 2**20),
    "gb": ("byte", 2**30),
    "gib": ("byte", 2**30),
    "gigabytes": ("byte", 2**30),
    "tb": ("byte", 2**40),
    "tib": ("byte", 2**40),
    "terabytes": ("byte", 2**40),
    "bit": ("bit", 1),
    "hertz": ("hertz", 1),
    "hz": ("hertz", 1),
    "khz": ("hertz", 10**3),
    "kilohertz": ("hertz", 10**3),
    "mhz": ("hertz", 10**6),
    "megahertz": ("hertz", 10**6),
    "ghz": ("hertz", 10**9),
    "gigahertz": ("hertz", 10**9),
    "percent": ("percent", 1),
    "count": ("count", 1),
    "second": ("second", 1),
    "seconds": ("second", 1),
}

_TERM = re.compile(r"\s*(?:(\d{1,6})\s*\^\s*([+-]?\d{1,12})|(\d{1,20}))\s*", re.ASCII)

#: Units whose base is the byte, for sizes.
BYTE_UNITS = "byte"


@dataclass(frozen=True, slots=True)
class Units:
    """A parsed programmatic unit: base unit and integer multiplier (``byte``, ``2**30``)."""

    base: str
    multiplier: int
    text: str

    def apply(self, quantity: int) -> int:
        """Return ``quantity`` expressed in the base unit."""
        return quantity * self.multiplier


def parse_units(text: str) -> Units:
    """Parse a programmatic unit string; raise ``OvfUnitError`` when it is malformed or too large."""
    if len(text) > 200:
        raise OvfUnitError(f"unit string is too long: {quote(text, 60)!r}")
    parts = text.split("*")
    head = parts[0].strip()
    alias = _ALIASES.get(head.lower())
    if alias is None:
        raise OvfUnitError(
            f"unknown unit {quote(head, 60)!r} in {quote(text, 80)!r}; "
            "expected byte, bit, hertz, ... optionally followed by '* 2^N', '* 10^N' or '* N'"
        )
    base, multiplier = alias
    for part in parts[1:]:
        match = _TERM.fullmatch(part)
        if match is None:
            raise OvfUnitError(
                f"malformed unit modifier {quote(part.strip(), 60)!r} in {quote(text, 80)!r}; "
                "expected '2^N', '10^N' or an integer"
            )
        if match.group(3) is not None:
            factor = int(match.group(3))
        else:
            radix = int(match.group(1))
            exponent = int(match.group(2))
            if radix < 2 or exponent < 0:
                raise OvfUnitError(f"unit modifier {part.strip()!r} must be a positive power")
            if exponent * radix.bit_length() > MAX_EXPONENT_BITS:
                raise OvfUnitError(f"unit modifier {quote(part.strip(), 60)!r} is too large")
            factor = radix**exponent
        if factor < 1:
            raise OvfUnitError(f"unit modifier {part.strip()!r} must be at least 1")
        multiplier *= factor
        if multiplier.bit_length() > MAX_EXPONENT_BITS:
            raise OvfUnitError(f"unit {quote(text, 80)!r} is too large")
    return Units(base, multiplier, text)


def to_bytes(quantity: int, units: str | None, default: str = "byte") -> int:
    """Convert a quantity with optional programmatic units to bytes; units must be byte-based."""
    parsed = parse_units(units if units else default)
    if parsed.base != "byte":
        raise OvfUnitError(f"unit {quote(parsed.text, 80)!r} is not a size in bytes")
    return parsed.apply(quantity)


def format_bytes(size: int) -> str:
    """A size for people: ``10 GiB``, ``1.5 MiB``, ``512 B``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(value) < 1024 or unit == "PiB":
            if unit == "B":
                return f"{int(value)} B"
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        value /= 1024
    return f"{size} B"  # unreachable
