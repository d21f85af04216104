"""Pairing the devices of two sides by stable identity, never by position.

Identity levels are tried in order (see ``Device.keys``). At each level, a device takes part only when
its key is present and unique among the still unpaired devices of its category on its side; equal
keys on both sides pair the devices. A device whose strongest key changed (a renamed NIC) is still
paired by a weaker one (its MAC) at a later level.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from ovfkit.diff.device import Device

__all__ = ["Matching", "match_devices"]

_AMBIGUOUS = -1


class Matching:
    """The outcome of pairing: ``pairs`` (index in a, index in b) in a's order, and what is left."""

    __slots__ = ("added", "pairs", "removed")

    def __init__(self, pairs: list[tuple[int, int]], removed: list[int], added: list[int]) -> None:
        self.pairs = pairs
        self.removed = removed
        self.added = added


def _index(devices: Sequence[Device], free: set[int], level: str) -> dict[tuple[str, Hashable], int]:
    found: dict[tuple[str, Hashable], int] = {}
    for position in free:
        device = devices[position]
        key = device.keys.get(level)
        if key is None:
            continue
        scoped = (device.category, key)
        found[scoped] = _AMBIGUOUS if scoped in found else position
    return found


def match_devices(a: Sequence[Device], b: Sequence[Device], levels: Sequence[str]) -> Matching:
    """Pair the devices of ``a`` and ``b`` level by level (see the module docstring)."""
    free_a = set(range(len(a)))
    free_b = set(range(len(b)))
    paired: dict[int, int] = {}
    for level in levels:
        if not free_a or not free_b:
            break
        index_a = _index(a, free_a, level)
        if not index_a:
            continue
        index_b = _index(b, free_b, level)
        for key, position_a in index_a.items():
            if position_a == _AMBIGUOUS:
                continue
            position_b = index_b.get(key, _AMBIGUOUS)
            if position_b == _AMBIGUOUS:
                continue
            paired[position_a] = position_b
            free_a.discard(position_a)
            free_b.discard(position_b)
    pairs = sorted(paired.items())
    return Matching(pairs, sorted(free_a), sorted(free_b))
