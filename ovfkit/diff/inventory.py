"""One side of a diff: a virtual system's system-level fields and devices under one deployment profile.

Devices are built lazily (``device(i)``): a large descriptor compared with a near copy of itself only
normalizes the Items that are not identical on both sides (see ``ovfkit.diff.pairing``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, count
from typing import Any

from ovfkit.dialects import detect_dialect
from ovfkit.diff import devices as standard
from ovfkit.diff import ovirt_devices as ovirt
from ovfkit.diff.device import Device
from ovfkit.diff.items import Resources, select_items
from ovfkit.diff.system import system_fields
from ovfkit.model.base import LAYOUT_FIELDS, OvfModel
from ovfkit.model.cim import ResourceItem
from ovfkit.model.envelope import Envelope, VirtualSystem

__all__ = ["Inventory", "fingerprint", "fingerprint_getter"]

_INSTANCE_ID = operator.attrgetter("instance_id")

_GETTERS: dict[tuple[type, frozenset[str]], Callable[[dict[str, Any]], tuple[Any, ...]]] = {}


def fingerprint_getter(
    cls: type, model: OvfModel, exclude: frozenset[str] = LAYOUT_FIELDS
) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function from the ``__dict__`` of a model of class ``cls`` (an Item, a Disk, ...) to all it
    says but ``exclude`` (its layout), as a tuple; ``model`` is one of them."""
    getter = _GETTERS.get((cls, exclude))
    if getter is None:
        names = [name for name in model.__dict__ if name not in exclude]
        getter = _GETTERS[(cls, exclude)] = operator.itemgetter(*names)
    return getter


def fingerprint(item: ResourceItem) -> tuple[type, tuple[Any, ...]]:
    """Everything an Item says, layout left out: equal fingerprints mean identical Items."""
    return (item.__class__, fingerprint_getter(item.__class__, item)(item.__dict__))


class Inventory:
    """The hardware of one virtual system under one profile, ready to compare.

    ``system`` holds the system-level fields, ``items`` the device Items in document order;
    ``device(i)`` builds (once) the ``Device`` of ``items[i]``; ``levels`` is the order identity keys
    are tried in, which depends on the dialect.
    """

    def __init__(
        self, envelope: Envelope, vs: VirtualSystem, profile: str | None, resources: Resources
    ) -> None:
        self.envelope = envelope
        self.system_id = vs.id
        self.profile = profile
        self.resources = resources
        self.dialect = detect_dialect(envelope)
        self.is_ovirt = self.dialect == "ovirt"
        self.levels: tuple[str, ...] = ovirt.LEVELS if self.is_ovirt else standard.LEVELS
        selection = select_items(vs, profile, own_disk_context=self.is_ovirt)
        self.items: list[ResourceItem] = selection.devices
        #: Positions in ``items`` of the Items whose device depends on more than the Item itself.
        self.contextual: list[int] = selection.contextual
        self.system = system_fields(vs, selection.processors, selection.memory, self.dialect)
        self._devices: dict[int, Device] = {}
        self._parents: dict[str | None, ResourceItem] = {}
        self._absent: set[str] = set()
        self._parents_complete = False
        self._parents_scanned = 0

    def parent(self, instance_id: str) -> ResourceItem | None:
        """The first device Item with this InstanceID (what ``rasd:Parent`` names), or None."""
        found = self._parents.get(instance_id)
        if found is not None or self._parents_complete or instance_id in self._absent:
            return found
        self.find_parents((instance_id,))
        return self._parents.get(instance_id)

    def find_parents(self, instance_ids: Iterable[str | None]) -> None:
        """Look up the first device Item of each of these InstanceIDs, for ``parent``.

        Controllers come before their devices, so one scan from the start (at C speed) that stops
        when it has found them all usually stops early; once scanning has cost a whole pass, every
        Item is indexed instead.
        """
        if self._parents_complete:
            return
        parents, absent = self._parents, self._absent
        missing = {i for i in instance_ids if i is not None and i not in parents and i not in absent}
        if not missing:
            return
        items = self.items
        if self._parents_scanned >= len(items):
            # Reversed, so that the first of several Items with one InstanceID is the one kept.
            self._parents = dict(zip(map(_INSTANCE_ID, reversed(items)), reversed(items), strict=True))
            self._parents_complete = True
            return
        scanned = len(items)
        # ``missing`` shrinks as Items are found, so later Items with a found InstanceID do not match.
        for position in compress(count(), map(missing.__contains__, map(_INSTANCE_ID, items))):
            item = items[position]
            parents[item.instance_id] = item
            missing.discard(item.instance_id)
            if not missing:
                scanned = position + 1
                break
        absent.update(missing)
        self._parents_scanned += scanned

    def devices(self, positions: Sequence[int]) -> list[Device]:
        """The ``Device`` of each of these Items (see ``device``), their controllers looked up together."""
        if not self.is_ovirt:
            self.find_parents(self.items[p].parent for p in positions if p not in self._devices)
        return [self.device(p) for p in positions]

    def device(self, index: int) -> Device:
        """The ``Device`` of ``items[index]``, built on first use."""
        found = self._devices.get(index)
        if found is None:
            item = self.items[index]
            if self.is_ovirt:
                found = ovirt.ovirt_device(item, index, self.resources)
            else:
                found = standard.standard_device(item, index, self.resources, self.parent)
            self._devices[index] = found
        return found
