"""One side of a diff: a virtual system's system-level fields and devices under one deployment profile.

Devices are built lazily (``device(i)``): a large descriptor compared with a near copy of itself only
normalizes the Items that are not identical on both sides (see ``ovfkit.diff.compare``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from ovfkit.dialects import detect_dialect
from ovfkit.diff import devices as standard
from ovfkit.diff import ovirt_devices as ovirt
from ovfkit.diff.device import Device
from ovfkit.diff.items import Resources, select_items
from ovfkit.diff.system import system_fields
from ovfkit.model.cim import ResourceItem
from ovfkit.model.envelope import Envelope, VirtualSystem
from ovfkit.model.values import ResourceType

__all__ = ["ContextKey", "Inventory", "fingerprint", "fingerprint_getter"]

#: Names of what a device takes from outside its Item: (HostResources, parent id, oVirt own volume).
ContextKey = tuple[tuple[str, ...], str | None, str | None]

_GETTERS: dict[tuple[type, tuple[str, ...]], Callable[[dict[str, Any]], tuple[Any, ...]]] = {}


def fingerprint_getter(
    cls: type, item: ResourceItem, exclude: tuple[str, ...] = ("xml",)
) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function from an Item's ``__dict__`` to all it says but ``exclude`` (its layout), as a tuple."""
    getter = _GETTERS.get((cls, exclude))
    if getter is None:
        names = [name for name in item.__dict__ if name not in exclude]
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
        self._parents_complete = False
        self._parents_scanned = 0

    def parent(self, instance_id: str) -> ResourceItem | None:
        """The device Item with this InstanceID (what ``rasd:Parent`` names), or None.

        Controllers come before their devices, so the first few look-ups scan from the start and
        stop early; once scanning has cost a whole pass, every Item is indexed instead.
        """
        found = self._parents.get(instance_id)
        if found is not None or self._parents_complete:
            return found
        if self._parents_scanned < len(self.items):
            for position, item in enumerate(self.items):
                if item.instance_id == instance_id:
                    self._parents_scanned += position + 1
                    self._parents[instance_id] = item
                    return item
            self._parents_scanned += len(self.items)
        if not self._parents_complete:
            for item in reversed(self.items):
                self._parents[item.instance_id] = item
            self._parents_complete = True
        return self._parents.get(instance_id)

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

    def context_key(self, item: ResourceItem) -> ContextKey | None:
        """What a device's fields take from outside its Item, named: the HostResources (a Disk or File),
        the parent controller, and an oVirt disk's own volume. None when it takes nothing."""
        own_disk = (
            item.instance_id if self.is_ovirt and item.resource_type == ResourceType.DISK_DRIVE else None
        )
        if not item.host_resource and item.parent is None and own_disk is None:
            return None
        return (tuple(item.host_resource), item.parent, own_disk)

    def context(self, key: ContextKey) -> _Context:
        """The models a ``context_key`` names, compared with ``==``: identical Items with equal
        contexts give identical devices."""
        host_resources, parent_id, own_disk = key
        referenced: list[object] = []
        for resource in host_resources:
            referenced.append(self.resources.disk_for(resource))
            referenced.append(self.resources.file_for(resource))
        if own_disk is not None:
            referenced.append(self.resources.disks.get(own_disk.strip()))
        parent = self.parent(parent_id) if parent_id is not None and not self.is_ovirt else None
        referenced.append(_controller_facts(parent) if parent is not None else None)
        return _Context(referenced)


def _controller_facts(parent: ResourceItem) -> tuple[object, ...]:
    """What a device takes from its controller: its type, address and name (``standard_device``)."""
    return (parent.resource_type, parent.address, parent.element_name, parent.caption, parent.instance_id)


class _Context:
    """A list of referenced models compared with ``==`` (models are not hashable)."""

    __slots__ = ("values",)

    def __init__(self, values: list[object]) -> None:
        self.values = values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Context) and self.values == other.values

    __hash__ = None  # type: ignore[assignment]
