"""Comparing two inventories: system-level fields, then devices paired by identity, into ``Change``s."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any

from ovfkit.diff.device import Device
from ovfkit.diff.inventory import ContextKey, Inventory, fingerprint_getter
from ovfkit.diff.match import match_devices
from ovfkit.diff.model import Change, ChangeKind
from ovfkit.diff.values import Size, display, json_value
from ovfkit.model.base import Node
from ovfkit.model.cim import ResourceItem

__all__ = ["compare_inventories", "make_change", "pair_devices", "summary"]

#: Fields that sum a device up in one line when it is added or removed, in this order.
_SUMMARY_FIELDS = (
    "capacity",
    "interface",
    "controller",
    "address_on_parent",
    "adapter",
    "network",
    "mac",
    "model",
    "device",
    "media",
)
_SUMMARY_LENGTH = 4


def _texts(old: object, new: object) -> tuple[str, str]:
    old_text, new_text = display(old), display(new)
    if old_text == new_text and isinstance(old, Size) and isinstance(new, Size):
        old_text, new_text = f"{old_text} ({int(old)} bytes)", f"{new_text} ({int(new)} bytes)"
    return old_text, new_text


def summary(fields: dict[str, object]) -> str:
    """One line describing a device for people: ``capacity 10 GiB, interface VirtIO, ...``."""
    chosen = [k for k in _SUMMARY_FIELDS if k in fields][:_SUMMARY_LENGTH]
    if not chosen:
        chosen = [k for k in fields if k != "name"][:_SUMMARY_LENGTH]
    return ", ".join(f"{k} {display(fields[k])}" for k in chosen)


def make_change(
    kind: ChangeKind,
    device: str,
    category: str,
    *,
    field: str | None = None,
    old: object = None,
    new: object = None,
    system: str | None = None,
    profile: str | None = None,
    identity: str | None = None,
) -> Change:
    """A ``Change`` with JSON values and texts for people derived from the normalized values."""
    old_text: str | None
    new_text: str | None
    if kind == "changed":
        old_text, new_text = _texts(old, new)
    else:
        old_text = summary(old) if isinstance(old, dict) else (display(old) if old is not None else None)
        new_text = summary(new) if isinstance(new, dict) else (display(new) if new is not None else None)
    return Change(
        kind=kind,
        device=device,
        category=category,
        field=field,
        old=json_value(old),
        new=json_value(new),
        old_text=old_text,
        new_text=new_text,
        system=system,
        profile=profile,
        identity=identity,
    )


def _field_changes(
    old: dict[str, object],
    new: dict[str, object],
    device: str,
    category: str,
    system: str | None,
    profile: str | None,
    identity: str | None,
) -> list[Change]:
    changes = []
    names = list(old) + [k for k in new if k not in old]
    for name in names:
        before, after = old.get(name), new.get(name)
        if before != after:
            changes.append(
                make_change(
                    "changed",
                    device,
                    category,
                    field=name,
                    old=before,
                    new=after,
                    system=system,
                    profile=profile,
                    identity=identity,
                )
            )
    return changes


def _levels(a: Inventory, b: Inventory) -> tuple[str, ...]:
    return a.levels + tuple(level for level in b.levels if level not in a.levels)


def _same_nodes(nodes_a: list[Any], nodes_b: list[Any]) -> bool:
    """Extension lists compared as ``==`` does, without the model's slow generic equality for plain Nodes."""
    if len(nodes_a) != len(nodes_b):
        return False
    for node_a, node_b in zip(nodes_a, nodes_b, strict=True):
        if node_a.__class__ is not node_b.__class__:
            return False
        if node_a.__class__ is Node:
            if _NODE_CONTENT(node_a.__dict__) != _NODE_CONTENT(node_b.__dict__):
                return False
        elif node_a != node_b:
            return False
    return True


#: What a Node says, its source line left out (nested children compare with the model's own equality).
_NODE_CONTENT = operator.itemgetter("kind", "name", "namespace", "ns", "attributes", "children", "gaps")


class _Identical:
    """Whether two Items say the same thing (``fingerprint`` equality, without building fingerprints)."""

    __slots__ = ("getter", "getter_class")

    def __init__(self) -> None:
        self.getter_class: type | None = None
        self.getter: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None

    def __call__(self, item_a: ResourceItem, item_b: ResourceItem) -> bool:
        if item_a is item_b:
            return True
        cls = item_a.__class__
        if cls is not item_b.__class__:
            return False
        getter = self.getter
        if cls is not self.getter_class or getter is None:
            getter = self.getter = fingerprint_getter(cls, item_a, exclude=("xml", "extensions"))
            self.getter_class = cls
        if getter(item_a.__dict__) != getter(item_b.__dict__):
            return False
        extensions_a, extensions_b = item_a.extensions, item_b.extensions
        return not (extensions_a or extensions_b) or _same_nodes(extensions_a, extensions_b)


def _same_run(items_a: Iterable[ResourceItem], items_b: Iterable[ResourceItem]) -> int:
    """How many Items at the start of both lists are identical."""
    count = 0
    identical = _Identical()
    for item_a, item_b in zip(items_a, items_b, strict=False):
        if not identical(item_a, item_b):
            break
        count += 1
    return count


def _common_ends(a: Inventory, b: Inventory) -> tuple[int, int]:
    """How many Items are identical at the start and at the end of both sides (prefix, suffix)."""
    if a.is_ovirt != b.is_ovirt:
        return 0, 0
    prefix = _same_run(a.items, b.items)
    shortest = min(len(a.items), len(b.items))
    if prefix == shortest:
        return prefix, 0
    suffix = _same_run(reversed(a.items[prefix:]), reversed(b.items[prefix:]))
    return prefix, min(suffix, shortest - prefix)


def _align_middle(
    a: Inventory, b: Inventory, middle_a: range, middle_b: range
) -> tuple[dict[int, int], list[int], list[int]]:
    """Between the identical ends, pair Items identical at the same position when both sides have as
    many (devices changed in place); the others are left to identity matching."""
    if len(middle_a) != len(middle_b) or a.is_ovirt != b.is_ovirt:
        return {}, list(middle_a), list(middle_b)
    aligned: dict[int, int] = {}
    rest_a: list[int] = []
    rest_b: list[int] = []
    identical = _Identical()
    items_a, items_b = a.items, b.items
    for position_a, position_b in zip(middle_a, middle_b, strict=True):
        if identical(items_a[position_a], items_b[position_b]):
            aligned[position_a] = position_b
        else:
            rest_a.append(position_a)
            rest_b.append(position_b)
    return aligned, rest_a, rest_b


def pair_devices(a: Inventory, b: Inventory) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair the device Items of both sides: (pairs to compare, removed Items of a, added Items of b).

    Items identical on both sides at the same distance from the start or the end pair at once (the
    common case of a large descriptor with few changes), and so do identical Items at the same
    position between them when both sides have as many; such pairs are only compared when what they
    refer to (disk, file, controller) differs. The other Items are paired by identity
    (``match_devices``).
    """
    prefix, suffix = _common_ends(a, b)
    offset_a, offset_b = len(a.items) - suffix, len(b.items) - suffix
    middle_a, middle_b = range(prefix, offset_a), range(prefix, offset_b)
    aligned, rest_a, rest_b = _align_middle(a, b, middle_a, middle_b)
    to_compare: list[tuple[int, int]] = []
    same_context: dict[ContextKey, bool] = {}
    for position_a in a.contextual:
        if position_a < prefix:
            position_b = position_a
        elif position_a >= offset_a:
            position_b = position_a - offset_a + offset_b
        elif position_a in aligned:
            position_b = aligned[position_a]
        else:
            continue
        key = a.context_key(a.items[position_a])
        if key is None:
            continue
        same = same_context.get(key)
        if same is None:
            same = same_context[key] = a.context(key) == b.context(key)
        if not same:
            to_compare.append((position_a, position_b))
    matching = match_devices([a.device(i) for i in rest_a], [b.device(j) for j in rest_b], _levels(a, b))
    to_compare.extend((rest_a[i], rest_b[j]) for i, j in matching.pairs)
    to_compare.sort()
    return to_compare, [rest_a[i] for i in matching.removed], [rest_b[j] for j in matching.added]


def compare_inventories(a: Inventory, b: Inventory) -> list[Change]:
    """The changes from ``a`` to ``b``: system fields first, then devices in a's order, then added ones."""
    system = a.system_id if a.system_id is not None else b.system_id
    profile = a.profile
    changes: list[Change] = []
    if a.system != b.system:
        changes.extend(_field_changes(a.system, b.system, "system", "system", system, profile, None))
    pairs, removed, added = pair_devices(a, b)
    by_position: list[tuple[int, list[Change]]] = []
    for position_a, position_b in pairs:
        device, counterpart = a.device(position_a), b.device(position_b)
        if device.fields != counterpart.fields:
            found = _field_changes(
                device.fields,
                counterpart.fields,
                device.label,
                device.category,
                system,
                profile,
                device.identity,
            )
            by_position.append((position_a, found))
    for position_a in removed:
        by_position.append((position_a, [_whole(a.device(position_a), "removed", system, profile)]))
    by_position.sort(key=lambda entry: entry[0])
    for _, found in by_position:
        changes.extend(found)
    for position_b in added:
        changes.append(_whole(b.device(position_b), "added", system, profile))
    return _disambiguate(changes)


def _disambiguate(changes: list[Change]) -> list[Change]:
    """Add the identity to device labels that more than one device of these changes share."""
    identities: dict[str, set[str | None]] = {}
    for change in changes:
        identities.setdefault(change.device, set()).add(change.identity)
    shared = {label for label, found in identities.items() if len(found) > 1}
    if not shared:
        return changes
    return [
        c.model_copy(update={"device": f"{c.device} ({c.identity})"})
        if c.device in shared and c.identity
        else c
        for c in changes
    ]


def _whole(device: Device, kind: ChangeKind, system: str | None, profile: str | None) -> Change:
    values = dict(device.fields)
    return make_change(
        kind,
        device.label,
        device.category,
        old=values if kind == "removed" else None,
        new=values if kind == "added" else None,
        system=system,
        profile=profile,
        identity=device.identity,
    )
