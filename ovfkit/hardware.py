"""A normalized, dialect-independent view of one virtual system's hardware (``ovfkit.hardware``).

Both oVirt flavours are read the oVirt way (see ``ovfkit.ovirt``): CPUs from sockets * cores *
threads, disks identified by their oVirt disk (image group) id with the ``ovf:disk-interface`` as
interface, NIC models from ``rasd:ResourceSubType`` numbers, controllers from the device blocks
(``Type`` controller), and ResourceType 20 (video), 23 (USB policy), 26 (graphics) and 0 (other
devices) not taken for storage or USB controllers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from ovfkit.dialects import OVIRT_DIALECTS, detect_dialect
from ovfkit.errors import OvfError, OvfUnitError
from ovfkit.model.base import Node
from ovfkit.model.cim import ResourceItem
from ovfkit.model.envelope import Envelope, File, VirtualSystem
from ovfkit.model.sections import (
    DeploymentOptionSection,
    Disk,
    DiskSection,
    OperatingSystemSection,
    VirtualHardwareSection,
)
from ovfkit.model.values import ResourceType, parse_int
from ovfkit.units import parse_units

__all__ = [
    "ControllerView",
    "DeviceView",
    "DiskView",
    "HardwareView",
    "NicView",
    "default_profile",
    "disk_capacity_bytes",
    "hardware",
    "hardware_views",
]

_OVIRT_NIC_MODELS = {
    "0": "rtl8139_pv",
    "1": "rtl8139",
    "2": "e1000",
    "3": "virtio",
    "4": "spapr-vlan",
    "5": "pci-passthrough",
    "6": "e1000e",
}

_CONTROLLER_TYPES = {
    ResourceType.IDE_CONTROLLER: "ide",
    ResourceType.PARALLEL_SCSI_HBA: "scsi",
    ResourceType.FC_HBA: "fc",
    ResourceType.ISCSI_HBA: "iscsi",
    ResourceType.OTHER_STORAGE_DEVICE: "other",
    ResourceType.USB_CONTROLLER: "usb",
}

_DISK_TYPES = {ResourceType.DISK_DRIVE, ResourceType.LOGICAL_DISK, ResourceType.STORAGE_VOLUME}
#: How a HostResource names a Disk of the DiskSection (DSP0243's form first, then the ones writers use).
_DISK_REFERENCES = ("ovf:/disk/", "ovf://disk/", "/disk/")
_NIC_TYPES = {ResourceType.ETHERNET_ADAPTER, ResourceType.OTHER_NETWORK_ADAPTER}


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class DiskView(_View):
    """A virtual disk drive: its identity, size, backing file, bus interface and where it is attached.

    For oVirt, ``id`` is the oVirt disk (image group) id, stable across snapshots, and ``file`` the
    current volume (``imageGroupId/volumeId``).
    """

    id: str
    name: str | None = None
    capacity_bytes: int | None = None
    file: str | None = None
    controller: str | None = None
    address: str | None = None
    interface: str | None = None


class NicView(_View):
    """A network adapter: identity, network, adapter model and MAC address."""

    id: str
    name: str | None = None
    network: str | None = None
    adapter: str | None = None
    mac: str | None = None


class ControllerView(_View):
    """A disk or bus controller."""

    id: str
    type: str
    name: str | None = None
    model: str | None = None


class DeviceView(_View):
    """Any hardware Item."""

    id: str
    resource_type: int
    name: str | None = None


class HardwareView(_View):
    """The hardware of one virtual system under one deployment profile."""

    system: str | None = None
    profile: str | None = None
    name: str | None = None
    os: str | None = None
    cpus: int | None = None
    cores_per_socket: int | None = None
    memory_bytes: int | None = None
    disks: list[DiskView] = Field(default_factory=list)
    nics: list[NicView] = Field(default_factory=list)
    controllers: list[ControllerView] = Field(default_factory=list)
    devices: list[DeviceView] = Field(default_factory=list)


def default_profile(envelope: Envelope) -> str | None:
    """The deployment option marked default, else the first one, else None."""
    for section in envelope.sections:
        if isinstance(section, DeploymentOptionSection) and section.configurations:
            for configuration in section.configurations:
                if configuration.default:
                    return configuration.id
            return section.configurations[0].id
    return None


def _tidy(value: str | None) -> str | None:
    """A value as a view shows it: runs of whitespace (a pretty-printer's line breaks) as one space,
    none at the ends; None when nothing is left."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def _extension_text(item: ResourceItem, local_name: str) -> str | None:
    for node in item.extensions:
        if isinstance(node, Node) and node.local_name == local_name:
            return _tidy(node.text) or ""
    return None


def _without_overridden(items: list[ResourceItem]) -> list[ResourceItem]:
    """Drop the unlimited Items that a profile's own Item with the same InstanceID replaces."""
    overridden = {item.instance_id for item in items if item.configuration and item.instance_id is not None}
    if not overridden:
        return items
    return [item for item in items if item.configuration or item.instance_id not in overridden]


def _applies(item: ResourceItem, profile: str | None) -> bool:
    if item.bound not in (None, "normal"):
        return False
    if not item.configuration or profile is None:
        return True
    return profile in item.configuration


def _select_system(envelope: Envelope, system: str | int | None) -> VirtualSystem:
    systems = envelope.virtual_systems()
    if not systems:
        raise OvfError("the descriptor has no VirtualSystem")
    if system is None:
        return systems[0]
    if isinstance(system, int):
        if 0 <= system < len(systems):
            return systems[system]
        raise OvfError(f"there is no virtual system number {system}; the descriptor has {len(systems)}")
    for candidate in systems:
        if candidate.id == system:
            return candidate
    known = ", ".join(repr(s.id) for s in systems)
    raise OvfError(f"no virtual system has the id {system!r}; known: {known}")


def _os_name(vs: VirtualSystem) -> str | None:
    section = vs.section(OperatingSystemSection)
    if not isinstance(section, OperatingSystemSection):
        return None
    description = _tidy(section.description.value) if section.description is not None else None
    if description:
        return description
    for name, value in section.attributes.items():
        if name.rpartition(":")[2] == "osType":
            return value
    if section.id is not None:
        return f"CIM OS type {section.id}"
    return None


def _disk_sections(envelope: Envelope) -> dict[str, Disk]:
    disks: dict[str, Disk] = {}
    for section in envelope.sections:
        if isinstance(section, DiskSection):
            for disk in section.disks:
                if disk.disk_id is not None:
                    disks.setdefault(disk.disk_id, disk)
    return disks


def disk_capacity_bytes(disk: Disk) -> int | None:
    """A Disk's capacity in bytes: ``ovf:capacity`` with its units, or oVirt's ``ovf:size`` in GiB."""
    capacity = parse_int(disk.capacity) if disk.capacity is not None else None
    if capacity is not None:
        try:
            parsed = parse_units(disk.capacity_allocation_units or "byte")
        except OvfUnitError:
            return None
        return capacity * parsed.multiplier if parsed.base == "byte" else None
    ovirt_size = disk.attributes.get("ovf:size")
    if ovirt_size is not None:
        gib = parse_int(ovirt_size)
        if gib is not None:
            return gib * 2**30
    return None


def _memory_bytes(item: ResourceItem) -> int | None:
    if item.virtual_quantity is None:
        return None
    units = item.allocation_units or "byte * 2^20"
    try:
        parsed = parse_units(units)
    except OvfUnitError:
        return None
    if parsed.base != "byte":
        return None
    return item.virtual_quantity * parsed.multiplier


def _cpu_counts(item: ResourceItem) -> tuple[int | None, int | None]:
    """(virtual CPUs, cores per socket): oVirt's sockets * cores * threads, else VirtualQuantity."""
    sockets = parse_int(_extension_text(item, "num_of_sockets") or "")
    per_socket = parse_int(_extension_text(item, "cpu_per_socket") or "")
    threads = parse_int(_extension_text(item, "threads_per_cpu") or "") or 1
    if sockets is not None and per_socket is not None:
        return sockets * per_socket * threads, per_socket
    cores = parse_int(_extension_text(item, "CoresPerSocket") or "")
    return item.virtual_quantity, cores


def hardware(envelope: Envelope, system: str | int | None = None, profile: str | None = None) -> HardwareView:
    """Return the normalized hardware of one virtual system.

    ``system`` is a VirtualSystem ``ovf:id`` or index (default: the first); ``profile`` a deployment
    option id (default: the default option, if the descriptor has any). Items limited to other
    profiles, and ``ovf:bound`` min/max Items, are left out. Both oVirt flavours are read the oVirt
    way (see the module docstring).
    """
    return _system_view(_select_system(envelope, system), _Shared.of(envelope, profile))


def hardware_views(envelope: Envelope, profile: str | None = None) -> list[HardwareView]:
    """Return the normalized hardware of every virtual system, in document order.

    The same views as ``hardware(envelope, index, profile)`` for each index, in time linear in the
    descriptor (what the systems share is read once).
    """
    shared = _Shared.of(envelope, profile)
    return [_system_view(vs, shared) for vs in envelope.virtual_systems()]


@dataclass(frozen=True)
class _Shared:
    """What every system's view reads from the envelope: profile, flavour, disks and files."""

    profile: str | None
    ovirt: bool
    disk_descs: dict[str, Disk]
    files: dict[str, File]

    @classmethod
    def of(cls, envelope: Envelope, profile: str | None) -> _Shared:
        files: dict[str, File] = {}
        if envelope.references:
            for file in envelope.references.files:
                if file.id is not None:
                    files.setdefault(file.id, file)
        return cls(
            profile if profile is not None else default_profile(envelope),
            detect_dialect(envelope) in OVIRT_DIALECTS,
            _disk_sections(envelope),
            files,
        )


def _system_view(vs: VirtualSystem, shared: _Shared) -> HardwareView:
    """The hardware view of one virtual system."""
    profile, ovirt, disk_descs, files = shared.profile, shared.ovirt, shared.disk_descs, shared.files
    name = (_tidy(vs.name.value) if vs.name is not None else None) or vs.id
    hardware_section = vs.section(VirtualHardwareSection)
    items: list[ResourceItem] = []
    if isinstance(hardware_section, VirtualHardwareSection):
        items = _without_overridden([i for i in hardware_section.all_items if _applies(i, profile)])
    by_id = {item.instance_id.strip(): item for item in items if item.instance_id is not None}
    cpus: int | None = None
    cores: int | None = None
    memory: int | None = None
    disks: list[DiskView] = []
    nics: list[NicView] = []
    controllers: list[ControllerView] = []
    devices: list[DeviceView] = []
    for index, item in enumerate(items):
        rtype = item.resource_type
        item_id = item.instance_id or f"#{index}"
        label = _tidy(item.element_name) or _tidy(item.caption)
        if ovirt and not label:
            label = _ovirt_device_label(item)
        devices.append(
            DeviceView(id=item_id, resource_type=int(rtype) if rtype is not None else 0, name=label)
        )
        if rtype == ResourceType.PROCESSOR:
            count, per_socket = _cpu_counts(item)
            if count is not None:
                cpus = (cpus or 0) + count
            cores = per_socket if per_socket is not None else cores
        elif rtype == ResourceType.MEMORY:
            size = _memory_bytes(item)
            if size is not None:
                memory = (memory or 0) + size
        elif rtype in _DISK_TYPES or (rtype == ResourceType.STORAGE_EXTENT and _names_a_disk(item)):
            if ovirt:
                disks.append(_ovirt_disk_view(item, item_id, label, disk_descs, files))
            else:
                disks.append(_disk_view(item, item_id, label, by_id, disk_descs, files))
        elif rtype in _NIC_TYPES:
            nics.append(_ovirt_nic_view(item, item_id, label) if ovirt else _nic_view(item, item_id, label))
        elif ovirt:
            controller = _ovirt_controller_view(item, item_id)
            if controller is not None:
                controllers.append(controller)
        elif rtype in _CONTROLLER_TYPES:
            controllers.append(
                ControllerView(
                    id=item_id,
                    type=_CONTROLLER_TYPES[rtype],
                    name=label,
                    model=_tidy(item.resource_sub_type),
                )
            )
    return HardwareView(
        system=vs.id,
        profile=profile,
        name=name,
        os=_os_name(vs),
        cpus=cpus,
        cores_per_socket=cores,
        memory_bytes=memory,
        disks=disks,
        nics=nics,
        controllers=controllers,
        devices=devices,
    )


def _names_a_disk(item: ResourceItem) -> bool:
    """Whether an Item's HostResource names a Disk of the DiskSection (XenCenter's storage extents do)."""
    return any(ref.strip().startswith(_DISK_REFERENCES) for ref in item.host_resource)


def _nic_view(item: ResourceItem, item_id: str, label: str | None) -> NicView:
    """A NIC as DMTF (and VMware, VirtualBox) write it: the MAC in ``rasd:Address``."""
    network = _tidy(item.connection[0]) if item.connection else None
    mac = _extension_text(item, "MACAddress") or _tidy(item.address)
    name = _extension_text(item, "Name") or label
    return NicView(
        id=item_id, name=name, network=network, adapter=_tidy(item.resource_sub_type), mac=mac or None
    )


def _disk_view(
    item: ResourceItem,
    item_id: str,
    label: str | None,
    by_id: dict[str, ResourceItem],
    disk_descs: dict[str, Disk],
    files: Mapping[str, File],
) -> DiskView:
    disk: Disk | None = None
    file_href: str | None = None
    capacity: int | None = None
    for resource in item.host_resource:
        ref = resource.strip()
        for prefix in _DISK_REFERENCES:
            if ref.startswith(prefix):
                disk = disk_descs.get(ref[len(prefix) :])
                break
        else:
            for prefix in ("ovf:/file/", "/file/"):
                if ref.startswith(prefix):
                    file = files.get(ref[len(prefix) :])
                    if file is not None:
                        file_href, capacity = file.href, file.size
                    break
        if disk is not None:
            break
    if disk is not None:
        capacity = disk_capacity_bytes(disk)
        file = files.get(disk.file_ref) if disk.file_ref is not None else None
        file_href = file.href if file is not None else file_href
    controller: str | None = None
    interface: str | None = None
    parent = by_id.get(item.parent.strip()) if item.parent else None
    if parent is not None and parent.resource_type in _CONTROLLER_TYPES:
        kind = _CONTROLLER_TYPES[parent.resource_type]
        interface = kind
        parent_address, parent_model = _tidy(parent.address), _tidy(parent.resource_sub_type)
        controller = f"{kind} {parent_address}" if parent_address else kind
        if parent_model:
            controller += f" ({parent_model})"
    address = _tidy(item.address_on_parent) or _tidy(item.address)
    disk_id = disk.disk_id if disk is not None and disk.disk_id else item_id
    return DiskView(
        id=disk_id,
        name=label,
        capacity_bytes=capacity,
        file=file_href,
        controller=controller,
        address=address or None,
        interface=interface,
    )


# -- oVirt -----------------------------------------------------------------------------------------


def _device_block_text(item: ResourceItem, name: str) -> str | None:
    """The text of the first untyped child with this literal name (the engine compares literally)."""
    for node in item.extensions:
        if isinstance(node, Node) and node.name == name:
            return node.text.strip()
    return None


def _ovirt_device_label(item: ResourceItem) -> str | None:
    kind = _device_block_text(item, "Type")
    device = _device_block_text(item, "Device")
    parts = [part for part in (kind, device) if part]
    return " ".join(parts) or None


def _ovirt_address(item: ResourceItem) -> str | None:
    """The first non-empty ``rasd:Address`` of an Item (typed first, then duplicates)."""
    if item.address and item.address.strip():
        return item.address.strip()
    for node in item.extensions:
        if isinstance(node, Node) and node.name == "rasd:Address" and node.text.strip():
            return node.text.strip()
    return None


def _ovirt_disk_view(
    item: ResourceItem,
    item_id: str,
    label: str | None,
    disk_descs: dict[str, Disk],
    files: Mapping[str, File],
) -> DiskView:
    """An oVirt disk: ``rasd:HostResource`` is ``imageGroupId/volumeId`` (oVirt flavour) or
    ``ovf:/disk/<diskId>`` (OVA flavour); the Disk gives size, alias and interface.
    """
    disk: Disk | None = None
    group: str | None = None
    href: str | None = None
    for resource in item.host_resource:
        ref = resource.strip()
        if ref.startswith(("ovf:/disk/", "/disk/")):
            disk_id = ref.rpartition("/")[2]
            disk = disk_descs.get(disk_id)
            group = disk_id
        elif "/" in ref:
            group, _, volume = ref.partition("/")
            disk = disk_descs.get(volume) or disk_descs.get(item.instance_id or "")
            href = ref
        else:
            disk = disk_descs.get(ref) or next((d for d in disk_descs.values() if d.file_ref == ref), None)
            href = ref
        if disk is not None:
            break
    if disk is None and item.instance_id:
        disk = disk_descs.get(item.instance_id)
    capacity: int | None = None
    interface: str | None = None
    name = label
    if disk is not None:
        capacity = disk_capacity_bytes(disk)
        interface = disk.attributes.get("ovf:disk-interface") or None
        name = disk.attributes.get("ovf:disk-alias") or label
        if disk.file_ref:
            if group is None and "/" in disk.file_ref:
                group = disk.file_ref.partition("/")[0]
            file = files.get(disk.file_ref)
            href = file.href if file is not None and file.href else (href or disk.file_ref)
    return DiskView(
        id=group or item_id,
        name=name,
        capacity_bytes=capacity,
        file=href,
        controller=interface,
        address=_ovirt_address(item),
        interface=interface,
    )


def _ovirt_nic_view(item: ResourceItem, item_id: str, label: str | None) -> NicView:
    """An oVirt NIC: ``rasd:Name``, ``rasd:Connection``, ``rasd:MACAddress``, model by number."""
    subtype = (item.resource_sub_type or "").strip()
    adapter = _OVIRT_NIC_MODELS.get(subtype, subtype) or None
    network = next((c.strip() for c in item.connection if c.strip()), None)
    mac = _device_block_text(item, "rasd:MACAddress") or None
    name = _device_block_text(item, "rasd:Name") or label
    return NicView(id=item_id, name=name, network=network, adapter=adapter, mac=mac)


def _ovirt_controller_view(item: ResourceItem, item_id: str) -> ControllerView | None:
    """A device block with ``Type`` controller (ide, usb, virtio-scsi, virtio-serial, sata, scsi, ...)."""
    if _device_block_text(item, "Type") != "controller":
        return None
    device = _device_block_text(item, "Device") or "other"
    model: str | None = None
    for node in item.extensions:
        if isinstance(node, Node) and node.name == "SpecParams":
            spec = next((child for child in node.elements() if child.local_name == "model"), None)
            if spec is not None and spec.text.strip():
                model = spec.text.strip()
            break
    alias = _device_block_text(item, "Alias") or None
    return ControllerView(id=item_id, type=device, name=alias, model=model)
