"""Comparing two inventories: system-level fields, then devices paired by identity, into ``Change``s."""

from __future__ import annotations

from ovfkit.diff.device import Device
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.model import Change, ChangeKind
from ovfkit.diff.pairing import pair_devices
from ovfkit.diff.values import Size, display, json_value

__all__ = ["compare_inventories", "make_change", "summary"]

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


def compare_inventories(a: Inventory, b: Inventory) -> list[Change]:
    """The changes from ``a`` to ``b``: system fields first, then devices in a's order, then added ones."""
    system = a.system_id if a.system_id is not None else b.system_id
    profile = a.profile
    changes: list[Change] = []
    if a.system != b.system:
        changes.extend(_field_changes(a.system, b.system, "system", "system", system, profile, None))
    pairs, removed, added = pair_devices(a, b)
    a.devices([position_a for position_a, _ in pairs] + removed)
    b.devices([position_b for _, position_b in pairs] + added)
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
