"""Pairing the device Items of two sides: identical Items at once, the others by stable identity.

A large descriptor compared with a near copy of itself is almost all identical Items. They pair at once,
without building their devices: Items identical at the same distance from the start or the end of both
sides, then, between those ends, Items identical at the same position (devices changed in place) and
identical Items that moved (grouped by a few of their fields, then checked whole). Such a pair is only
compared when what its Items refer to (a Disk, File or controller) differs (``ovfkit.diff.context``).
The Items left over pair by identity (``ovfkit.diff.match``).
"""

from __future__ import annotations

import operator
from collections.abc import Hashable
from itertools import compress

from ovfkit.diff.context import changed_context
from ovfkit.diff.identical import identical_flags, identical_run
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.match import match_devices
from ovfkit.model.cim import ResourceItem

__all__ = ["pair_devices"]

#: A few fields that tell most Items apart; Items with equal values here are then compared whole.
_MOVED_KEY = operator.attrgetter(
    "instance_id", "resource_type", "element_name", "address_on_parent", "address"
)


def _levels(a: Inventory, b: Inventory) -> tuple[str, ...]:
    return a.levels + tuple(level for level in b.levels if level not in a.levels)


def _common_ends(a: Inventory, b: Inventory) -> tuple[int, int]:
    """How many Items are identical at the start and at the end of both sides (prefix, suffix)."""
    prefix = identical_run(a.items, b.items)
    shortest = min(len(a.items), len(b.items))
    if prefix == shortest:
        return prefix, 0
    suffix = identical_run(reversed(a.items[prefix:]), reversed(b.items[prefix:]))
    return prefix, min(suffix, shortest - prefix)


def _align_middle(
    a: Inventory, b: Inventory, middle_a: range, middle_b: range
) -> tuple[dict[int, int], list[int], list[int]]:
    """Between the identical ends, pair Items identical at the same position when both sides have as
    many (devices changed in place): (pairs, the other positions of a, the other positions of b)."""
    if len(middle_a) != len(middle_b):
        return {}, list(middle_a), list(middle_b)
    flags = identical_flags(a.items[middle_a.start : middle_a.stop], b.items[middle_b.start : middle_b.stop])
    aligned = dict(zip(compress(middle_a, flags), compress(middle_b, flags), strict=True))
    unequal = list(map(operator.not_, flags))
    return aligned, list(compress(middle_a, unequal)), list(compress(middle_b, unequal))


def _by_key(items: list[ResourceItem], positions: list[int]) -> dict[Hashable, list[int]]:
    """The positions of these Items grouped by their ``_MOVED_KEY``, in document order."""
    groups: dict[Hashable, list[int]] = {}
    for key, position in zip(map(_MOVED_KEY, (items[p] for p in positions)), positions, strict=True):
        group = groups.get(key)
        if group is None:
            groups[key] = [position]
        else:
            group.append(position)
    return groups


def _match_moved(
    a: Inventory, b: Inventory, rest_a: list[int], rest_b: list[int]
) -> tuple[dict[int, int], list[int], list[int]]:
    """Pair identical Items that moved: (pairs, the other positions of a, the other positions of b).

    Items with the same key pair in document order (the first with the first, ...) when identical.
    """
    if not rest_a or not rest_b:
        return {}, rest_a, rest_b
    groups_b = _by_key(b.items, rest_b)
    candidates = [
        pair
        for key, group_a in _by_key(a.items, rest_a).items()
        if key in groups_b
        for pair in zip(group_a, groups_b[key], strict=False)
    ]
    if not candidates:
        return {}, rest_a, rest_b
    flags = identical_flags([a.items[i] for i, _ in candidates], [b.items[j] for _, j in candidates])
    moved = dict(compress(candidates, flags))
    if not moved:
        return {}, rest_a, rest_b
    moved_b = set(moved.values())
    return moved, [i for i in rest_a if i not in moved], [j for j in rest_b if j not in moved_b]


def pair_devices(a: Inventory, b: Inventory) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair the device Items of both sides: (pairs to compare, removed Items of a, added Items of b).

    Identical Items pair at once (see the module docstring) and are only compared when what they refer
    to differs; the others pair by identity. Items of an oVirt VM and of another dialect only pair by
    identity, as their devices are built differently.
    """
    mixed = a.is_ovirt != b.is_ovirt
    prefix, suffix = (0, 0) if mixed else _common_ends(a, b)
    offset_a, offset_b = len(a.items) - suffix, len(b.items) - suffix
    middle_a, middle_b = range(prefix, offset_a), range(prefix, offset_b)
    aligned: dict[int, int] = {}
    moved: dict[int, int] = {}
    rest_a, rest_b = list(middle_a), list(middle_b)
    if not mixed:
        aligned, rest_a, rest_b = _align_middle(a, b, middle_a, middle_b)
        moved, rest_a, rest_b = _match_moved(a, b, rest_a, rest_b)
    at_once: list[tuple[int, int]] = []
    for position_a in a.contextual:
        if position_a < prefix:
            at_once.append((position_a, position_a))
        elif position_a >= offset_a:
            at_once.append((position_a, position_a - offset_a + offset_b))
        elif position_a in aligned:
            at_once.append((position_a, aligned[position_a]))
        elif position_a in moved:
            at_once.append((position_a, moved[position_a]))
    changed = set(
        changed_context(a, b, [pair[0] for pair in at_once], [*rest_a, *moved], [*rest_b, *moved.values()])
    )
    to_compare = [pair for pair in at_once if pair[0] in changed] if changed else []
    matching = match_devices(a.devices(rest_a), b.devices(rest_b), _levels(a, b))
    to_compare.extend((rest_a[i], rest_b[j]) for i, j in matching.pairs)
    to_compare.sort()
    return to_compare, [rest_a[i] for i in matching.removed], [rest_b[j] for j in matching.added]
