"""Which hardware Items a virtual system has under one deployment profile, and what they refer to.

An Item without ``ovf:configuration`` belongs to every profile; an Item limited to profiles belongs
to those only, and replaces an unlimited Item with the same InstanceID there (the way DSP0243
writers such as COT and ovftool give one device different values per profile). ``ovf:bound`` min
and max Items are ranges, not the device itself, and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ovfkit.diff.values import Size
from ovfkit.hardware import disk_capacity_bytes
from ovfkit.model.cim import ResourceItem
from ovfkit.model.envelope import Envelope, File, VirtualSystem
from ovfkit.model.sections import DeploymentOptionSection, Disk, DiskSection, VirtualHardwareSection
from ovfkit.model.values import ResourceType

__all__ = ["Resources", "Selection", "profiles_of", "select_items"]


def profiles_of(envelope: Envelope) -> list[str]:
    """The deployment option ids the descriptor declares, in document order."""
    found: list[str] = []
    for section in envelope.sections:
        if isinstance(section, DeploymentOptionSection):
            found.extend(c.id for c in section.configurations if c.id is not None and c.id not in found)
    return found


def _hardware_items(vs: VirtualSystem) -> list[ResourceItem]:
    items: list[ResourceItem] = []
    for section in vs.sections:
        if isinstance(section, VirtualHardwareSection):
            if section.ethernet_port_items or section.storage_items:
                items.extend(section.all_items)
            else:
                items.extend(section.items)
    return items


@dataclass
class Selection:
    """The Items that apply under one profile, split by role: processors and memory (system-level)
    and devices, with the positions of devices that refer to a Disk, File or parent (``contextual``)."""

    processors: list[ResourceItem] = field(default_factory=list)
    memory: list[ResourceItem] = field(default_factory=list)
    devices: list[ResourceItem] = field(default_factory=list)
    contextual: list[int] = field(default_factory=list)


def select_items(vs: VirtualSystem, profile: str | None, own_disk_context: bool = False) -> Selection:
    """The Items of the system's VirtualHardwareSection(s) that describe its hardware under ``profile``.

    ``own_disk_context`` counts disk drives as contextual even without a HostResource (oVirt, whose
    disk Item may name its volume by InstanceId only). One pass: this runs over every Item.
    """
    selection = Selection()
    processors, memory, devices, contextual = (
        selection.processors,
        selection.memory,
        selection.devices,
        selection.contextual,
    )
    overridden: set[str] = set()
    processor, memory_type, disk_drive = ResourceType.PROCESSOR, ResourceType.MEMORY, ResourceType.DISK_DRIVE
    for item in _hardware_items(vs):
        bound = item.bound
        if bound is not None and bound != "normal":
            continue
        configuration = item.configuration
        if configuration:
            if profile is None or profile not in configuration:
                continue
            if item.instance_id is not None:
                overridden.add(item.instance_id)
        rtype = item.resource_type
        if rtype is processor:
            processors.append(item)
        elif rtype is memory_type:
            memory.append(item)
        else:
            if item.host_resource or item.parent is not None or (own_disk_context and rtype is disk_drive):
                contextual.append(len(devices))
            devices.append(item)
    if overridden:
        return _without_overridden(selection, overridden, own_disk_context)
    return selection


def _without_overridden(selection: Selection, overridden: set[str], own_disk_context: bool) -> Selection:
    """Drop the unlimited Items that a profile's own Items with the same InstanceID replace."""

    def keep(item: ResourceItem) -> bool:
        return bool(item.configuration) or item.instance_id not in overridden

    devices = [i for i in selection.devices if keep(i)]
    contextual = [
        position
        for position, item in enumerate(devices)
        if item.host_resource
        or item.parent is not None
        or (own_disk_context and item.resource_type == ResourceType.DISK_DRIVE)
    ]
    return Selection(
        processors=[i for i in selection.processors if keep(i)],
        memory=[i for i in selection.memory if keep(i)],
        devices=devices,
        contextual=contextual,
    )


@dataclass
class Resources:
    """The disks and files of a descriptor, looked up by id, with disk capacities computed once."""

    envelope: Envelope
    disks: dict[str, Disk] = field(default_factory=dict)
    files: dict[str, File] = field(default_factory=dict)
    files_by_href: dict[str, File] = field(default_factory=dict)
    #: Disks by ``ovf:fileRef``: virt-v2v's ``-o vdsm`` output names a disk by its volume, the fileRef.
    disks_by_file: dict[str, Disk] = field(default_factory=dict)
    _capacity: dict[str, Size | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for section in self.envelope.sections:
            if isinstance(section, DiskSection):
                for disk in section.disks:
                    if disk.disk_id is not None:
                        self.disks.setdefault(disk.disk_id, disk)
                    if disk.file_ref is not None:
                        self.disks_by_file.setdefault(disk.file_ref, disk)
        if self.envelope.references is not None:
            for file in self.envelope.references.files:
                if file.id is not None:
                    self.files.setdefault(file.id, file)
                if file.href is not None:
                    self.files_by_href.setdefault(file.href, file)

    def capacity(self, disk: Disk) -> Size | None:
        """The disk's capacity in bytes (``ovf:capacity`` with its units, or oVirt's ``ovf:size`` in GiB)."""
        key = disk.disk_id or ""
        if key not in self._capacity:
            size = disk_capacity_bytes(disk)
            self._capacity[key] = Size(size) if size is not None else None
        return self._capacity[key]

    def disk_for(self, host_resource: str) -> Disk | None:
        """The Disk a HostResource names: ``ovf:/disk/ID``, ``/disk/ID``, ``ovf://disk/ID``, or oVirt's
        ``imageGroupId/volumeId`` (the Disk's id is the volume id), or a volume that is a Disk's fileRef."""
        ref = host_resource.strip()
        for prefix in ("ovf:/disk/", "ovf://disk/", "/disk/"):
            if ref.startswith(prefix):
                return self.disks.get(ref[len(prefix) :])
        if ref.startswith(("ovf:/file/", "/file/")):
            return None
        volume = ref.rpartition("/")[2]
        return (
            self.disks.get(volume)
            or self.disks.get(ref)
            or self.disks_by_file.get(ref)
            or self.disks_by_file.get(volume)
        )

    def file_for(self, host_resource: str) -> File | None:
        """The File a HostResource names (``ovf:/file/ID``, ``/file/ID``)."""
        ref = host_resource.strip()
        for prefix in ("ovf:/file/", "/file/"):
            if ref.startswith(prefix):
                return self.files.get(ref[len(prefix) :])
        return None
