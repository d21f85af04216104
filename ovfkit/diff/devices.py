"""Devices of standard-shaped descriptors (DMTF, VMware, VirtualBox, Xen, oVirt OVA flavour).

Identity, strongest first: a UUID InstanceID (Xen, oVirt OVA); the device's type plus its controller
and its address on that controller (``scsi controller 0``, unit 1), or a controller's own type and
address; a NIC's MAC; the InstanceID (writers renumber these when devices are added, so it comes after
the address); the ElementName.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from ovfkit.diff.device import Device, is_uuid
from ovfkit.diff.items import Resources
from ovfkit.diff.values import normalize_mac, normalize_text, scalar
from ovfkit.model.base import LAYOUT_FIELDS, Node
from ovfkit.model.cim import ResourceItem
from ovfkit.model.values import ResourceType

__all__ = ["LEVELS", "category_of", "standard_device"]

#: Identity levels of standard devices, in matching order.
LEVELS = ("uuid", "slot", "mac", "instance", "name")

_CATEGORIES = {
    ResourceType.OTHER: "device",
    ResourceType.IDE_CONTROLLER: "ide controller",
    ResourceType.PARALLEL_SCSI_HBA: "scsi controller",
    ResourceType.FC_HBA: "fc controller",
    ResourceType.ISCSI_HBA: "iscsi controller",
    ResourceType.IB_HCA: "infiniband controller",
    ResourceType.ETHERNET_ADAPTER: "nic",
    ResourceType.OTHER_NETWORK_ADAPTER: "nic",
    ResourceType.FLOPPY_DRIVE: "floppy",
    ResourceType.CD_DRIVE: "cdrom",
    ResourceType.DVD_DRIVE: "cdrom",
    ResourceType.DISK_DRIVE: "disk",
    ResourceType.LOGICAL_DISK: "disk",
    ResourceType.STORAGE_VOLUME: "disk",
    ResourceType.OTHER_STORAGE_DEVICE: "storage controller",
    ResourceType.SERIAL_PORT: "serial port",
    ResourceType.PARALLEL_PORT: "parallel port",
    ResourceType.USB_CONTROLLER: "usb controller",
    ResourceType.GRAPHICS_CONTROLLER: "video",
    ResourceType.IEEE_1394_CONTROLLER: "firewire controller",
    ResourceType.ETHERNET_SWITCH_PORT: "nic",
    ResourceType.ETHERNET_CONNECTION: "nic",
}

#: Categories whose own ``Address`` places them (controllers, buses).
_ADDRESSED_BY_OWN_ADDRESS = frozenset(
    {
        "ide controller",
        "scsi controller",
        "fc controller",
        "iscsi controller",
        "infiniband controller",
        "storage controller",
        "usb controller",
        "firewire controller",
    }
)

#: Item fields that are identity, layout or free text about the device, not its hardware.
_NOT_COMPARED = LAYOUT_FIELDS | frozenset(
    {
        "attributes",
        "extensions",
        "instance_id",
        "description",
        "caption",
        "parent",
        "host_resource",
        "configuration",
        "bound",
        "required",
        "resource_type",
        "element_name",
        "resource_sub_type",
        "address",
        "address_on_parent",
        "connection",
        "automatic_allocation",
    }
)


def category_of(resource_type: ResourceType | None) -> str:
    """The diff's category for a CIM ResourceType (``disk``, ``nic``, ``scsi controller``, ...)."""
    if resource_type is None:
        return "device"
    found = _CATEGORIES.get(resource_type)
    if found is not None:
        return found
    return "device" if resource_type.value == 0 else resource_type.label


def item_name(item: ResourceItem, index: int) -> str:
    """A readable name for an Item: its ElementName, Caption, InstanceID, or its position."""
    return (
        normalize_text(item.element_name)
        or normalize_text(item.caption)
        or normalize_text(item.instance_id)
        or f"item {index + 1}"
    )


def _controller_slot(parent: ResourceItem, index_name: str) -> tuple[str, Hashable]:
    category = category_of(parent.resource_type)
    where = normalize_text(parent.address)
    return (category, where if where is not None else index_name)


def standard_device(
    item: ResourceItem,
    index: int,
    resources: Resources,
    parent_of: Callable[[str], ResourceItem | None],
) -> Device:
    """The ``Device`` for one Item of a standard-shaped descriptor."""
    category = category_of(item.resource_type)
    if item.resource_type == ResourceType.STORAGE_EXTENT and any(
        resources.disk_for(resource) is not None for resource in item.host_resource
    ):
        category = "disk"  # XenCenter describes its disks as storage extents that name a Disk
    name = item_name(item, index)
    fields: dict[str, object] = {"name": normalize_text(item.element_name) or normalize_text(item.caption)}
    keys: dict[str, Hashable] = {}
    instance = normalize_text(item.instance_id)
    model = normalize_text(item.resource_sub_type)
    if model is not None:
        fields["model" if category != "nic" else "adapter"] = model
    parent = parent_of(item.parent) if item.parent is not None else None
    controller_slot: tuple[str, Hashable] | None = None
    if parent is not None:
        parent_name = item_name(parent, -1)
        controller_slot = _controller_slot(parent, parent_name)
        # The controller by type and address, not by its name: renaming it is its own change only.
        where = normalize_text(parent.address)
        fields["controller"] = (
            f"{controller_slot[0]} {where}" if where else f'{controller_slot[0]} "{parent_name}"'
        )
    elif item.parent is not None:
        fields["controller"] = normalize_text(item.parent)
    position = normalize_text(item.address_on_parent)
    address = normalize_text(item.address)
    if category == "nic":
        mac = normalize_mac(item.address)
        if mac is not None:
            fields["mac"] = mac
            keys["mac"] = mac
    elif address is not None:
        fields["address"] = address
    if position is not None:
        fields["address_on_parent"] = position
        keys["slot"] = (controller_slot, position)
    elif category in _ADDRESSED_BY_OWN_ADDRESS and address is not None:
        keys["slot"] = (None, address)
    if item.connection:
        networks = tuple(n for n in (normalize_text(c) for c in item.connection) if n is not None)
        if networks:
            fields["network"] = networks[0] if len(networks) == 1 else networks
    if item.automatic_allocation is not None:
        fields["connected"] = item.automatic_allocation
    for resource in item.host_resource:
        disk = resources.disk_for(resource)
        if disk is not None:
            fields["capacity"] = resources.capacity(disk)
            break
        file = resources.file_for(resource)
        if file is not None:
            fields["media" if category != "disk" else "file"] = file.href
            if category == "disk" and file.size is not None:
                fields["file_size"] = file.size
            break
        if normalize_text(resource) is not None:
            fields["host_resource"] = normalize_text(resource)
    for field_name, value in item.__dict__.items():
        if value is None or field_name in _NOT_COMPARED or value == []:
            continue
        fields[field_name] = normalize_text(value) if isinstance(value, str) else _plain(value)
    for node in item.extensions:
        if isinstance(node, Node) and node.local_name in ("Config", "ExtraConfig"):
            key = node.get("key")
            if key:
                fields[f"vmw:{key}"] = scalar(node.get("value"))
    if is_uuid(instance):
        keys["uuid"] = instance.lower()
    if instance is not None:
        keys["instance"] = instance
    keys["name"] = name
    identity = f"InstanceID {instance}" if instance is not None else f"item {index + 1}"
    return Device(category, name, keys, {k: v for k, v in fields.items() if v is not None}, identity)


def _plain(value: object) -> object:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, ResourceType):
        return int(value)
    return value
