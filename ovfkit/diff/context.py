"""What a device takes from outside its Item, and which identical Items must be compared because of it.

A device's fields come from its Item and from what the Item names: the Disk or File of each
HostResource, the controller its ``rasd:Parent`` names (standard descriptors), and an oVirt disk's own
volume (the Disk whose id is the Item's InstanceId). Two identical Items give identical devices unless
one of those differs between the sides. Disks and Files are compared once each, and a name is
resolved once however many Items share it, so that a large descriptor whose references did not
change costs next to nothing here.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from ovfkit.diff.inventory import Inventory, fingerprint_getter
from ovfkit.diff.items import Resources
from ovfkit.model.base import OvfModel
from ovfkit.model.cim import ResourceItem
from ovfkit.model.values import ResourceType

__all__ = ["changed_context", "controller_facts", "own_volume_id"]

_HOST_RESOURCE = operator.attrgetter("host_resource")
_PARENT = operator.attrgetter("parent")
_INSTANCE_ID = operator.attrgetter("instance_id")


def controller_facts(parent: ResourceItem | None) -> tuple[object, ...] | None:
    """What a device takes from its controller: its type, address and name (``standard_device``)."""
    if parent is None:
        return None
    return (parent.resource_type, parent.address, parent.element_name, parent.caption, parent.instance_id)


def own_volume_id(item: ResourceItem) -> str | None:
    """The id of the Disk an oVirt disk Item names by its InstanceId (its volume), or None."""
    if item.resource_type is not ResourceType.DISK_DRIVE or item.instance_id is None:
        return None
    return item.instance_id.strip()


def _same_model(model_a: OvfModel, model_b: OvfModel) -> bool:
    """``model_a == model_b`` (layout left out) without the models' generic equality for each one."""
    cls = model_a.__class__
    if cls is not model_b.__class__:
        return False
    getter = fingerprint_getter(cls, model_a)
    return bool(getter(model_a.__dict__) == getter(model_b.__dict__))


def _changed_ids(models_a: Mapping[str, OvfModel], models_b: Mapping[str, OvfModel]) -> set[str]:
    """The ids whose model differs between the two maps, or that only one of them has."""
    changed = set(models_a.keys() ^ models_b.keys())
    changed.update(
        key for key, model in models_a.items() if key in models_b and not _same_model(model, models_b[key])
    )
    return changed


@dataclass(frozen=True)
class _ChangedResources:
    """The ids of the Disks and Files that differ between the sides."""

    disks: set[str]
    files: set[str]

    def same_reference(self, a: Resources, b: Resources, host_resource: str) -> bool:
        """Whether a HostResource names the same, equal Disk and File on both sides."""
        disk_a, disk_b = a.disk_for(host_resource), b.disk_for(host_resource)
        if disk_a is not None or disk_b is not None:
            if disk_a is None or disk_b is None or disk_a.disk_id != disk_b.disk_id:
                return False
            if disk_a.disk_id in self.disks:
                return False
        file_a, file_b = a.file_for(host_resource), b.file_for(host_resource)
        if file_a is None and file_b is None:
            return True
        if file_a is None or file_b is None or file_a.id != file_b.id:
            return False
        return file_a.id not in self.files


def _instance_ids(items: Sequence[ResourceItem]) -> set[str]:
    return {instance_id for instance_id in map(_INSTANCE_ID, items) if instance_id is not None}


def _controller(side: Inventory, parent_id: str) -> tuple[object, ...] | None:
    return controller_facts(side.parent(parent_id))


def changed_context(
    a: Inventory,
    b: Inventory,
    positions: Sequence[int],
    out_of_place_a: Sequence[int],
    out_of_place_b: Sequence[int],
) -> list[int]:
    """Of ``positions`` (in ``a.items``, of Items paired at once with identical Items of ``b``), those
    whose device takes something from outside its Item that differs between ``a`` and ``b``, in order.

    ``out_of_place_a`` and ``out_of_place_b`` are the positions of the Items that were not paired at
    the same distance from the start or the end of both sides, nor at the same position between those
    ends (``ovfkit.diff.pairing``): Items that moved, and Items left to identity matching. Only an
    InstanceID found there can name a different controller on each side: the first Item with any
    other InstanceID is, on both sides, one of two identical Items paired in place (or there is none
    on either side).
    """
    if not positions:
        return []
    changed = _ChangedResources(
        _changed_ids(a.resources.disks, b.resources.disks), _changed_ids(a.resources.files, b.resources.files)
    )
    suspects: set[str] = set()
    if not a.is_ovirt:
        suspects = _instance_ids([a.items[position] for position in out_of_place_a])
        suspects |= _instance_ids([b.items[position] for position in out_of_place_b])
    if not (changed.disks or changed.files or suspects):
        return []
    items = [a.items[position] for position in positions]
    changed_references: set[str] = set()
    changed_volumes: set[str] = set()
    if changed.disks or changed.files:
        references = set(chain.from_iterable(map(_HOST_RESOURCE, items)))
        changed_references = {
            ref for ref in references if not changed.same_reference(a.resources, b.resources, ref)
        }
        if a.is_ovirt:
            volumes = set(map(own_volume_id, items))
            changed_volumes = {volume for volume in volumes if volume is not None and volume in changed.disks}
    changed_parents: set[str] = set()
    if suspects:
        parents = suspects.intersection(map(_PARENT, items))
        a.find_parents(parents)
        b.find_parents(parents)
        changed_parents = {p for p in parents if _controller(a, p) != _controller(b, p)}
    if not (changed_references or changed_parents or changed_volumes):
        return []
    return [
        position
        for position, item in zip(positions, items, strict=True)
        if (changed_parents and item.parent in changed_parents)
        or (changed_references and not changed_references.isdisjoint(item.host_resource))
        or (changed_volumes and own_volume_id(item) in changed_volumes)
    ]
