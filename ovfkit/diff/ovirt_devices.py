"""Devices of the oVirt flavour: the rasd Item plus its unqualified device block.

Identity, strongest first: a disk's image group (``imageGroupId`` of ``imageGroupId/volumeId``, so a
snapshot's new volume is the same disk); a NIC's name (``rasd:Name``); the device's ``Alias``; a NIC's
MAC; the device id (the UUID InstanceId, stable for every device but a disk, whose InstanceId is the
volume id); type, device and address; the InstanceId.

What is not compared, because it is storage or bookkeeping rather than hardware: the volume (id,
parent, format, allocation, actual size, owning snapshot), storage domain and pool, creation and
modification dates, template and application list.
"""

from __future__ import annotations

from collections.abc import Hashable

from ovfkit.diff.device import Device, is_uuid
from ovfkit.diff.devices import category_of
from ovfkit.diff.items import Resources
from ovfkit.diff.values import normalize_mac, normalize_text, parse_address, scalar
from ovfkit.model.base import LAYOUT_FIELDS, Node
from ovfkit.model.cim import ResourceItem
from ovfkit.model.values import ResourceType, parse_bool, parse_int

__all__ = ["LEVELS", "OVIRT_NIC_MODELS", "ovirt_device"]

#: Identity levels of oVirt devices, in matching order.
LEVELS = ("image", "nic_name", "alias", "mac", "uuid", "slot", "instance", "name")

#: ``rasd:ResourceSubType`` of oVirt NICs, by model name.
OVIRT_NIC_MODELS = {
    "0": "rtl8139_pv",
    "1": "rtl8139",
    "2": "e1000",
    "3": "virtio",
    "4": "spapr-vlan",
    "5": "pci-passthrough",
    "6": "e1000e",
}

#: rasd children oVirt adds that are storage or bookkeeping, not hardware (compared: all others).
_NOT_HARDWARE = frozenset(
    {
        "Template",
        "StorageId",
        "StoragePoolId",
        "CreationDate",
        "LastModified",
        "last_modified_date",
        "ApplicationList",
        "Name",
        "MACAddress",
        "num_of_sockets",
        "cpu_per_socket",
        "threads_per_cpu",
        "max_num_of_vcpus",
    }
)

#: Device block elements read into named fields.
_BLOCK_FIELDS = {
    "BootOrder": "boot_order",
    "IsPlugged": "plugged",
    "IsReadOnly": "read_only",
    "Alias": "alias",
    "CustomProperties": "custom_properties",
}

#: oVirt Disk attributes that describe the disk as the VM sees it.
_DISK_ATTRIBUTES = {
    "ovf:disk-interface": "interface",
    "ovf:boot": "boot",
    "ovf:read-only": "read_only",
    "ovf:shareable": "shareable",
    "ovf:pass-discard": "pass_discard",
}

_TYPED_NOT_COMPARED = LAYOUT_FIELDS | frozenset(
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
        "resource_sub_type",
        "address",
        "connection",
        "other_resource_type",
        "element_name",
    }
)


def _spec_params(node: Node, prefix: str = "") -> dict[str, object]:
    found: dict[str, object] = {}
    for child in node.elements():
        key = f"{prefix}{child.local_name}"
        if child.elements():
            found.update(_spec_params(child, key + "."))
        else:
            found[key] = scalar(child.text)
    return dict(sorted(found.items()))


def _block(item: ResourceItem) -> tuple[dict[str, Node], dict[str, Node], list[Node]]:
    """The device block (unqualified elements), the oVirt rasd extras, and extra ``rasd:Address``es."""
    block: dict[str, Node] = {}
    rasd: dict[str, Node] = {}
    extra_addresses: list[Node] = []
    for node in item.extensions:
        if not isinstance(node, Node):
            continue
        local = node.local_name
        if node.namespace is None:
            block.setdefault(local, node)
        elif local == "Address":
            extra_addresses.append(node)
        else:
            rasd.setdefault(local, node)
    return block, rasd, extra_addresses


def _category(item: ResourceItem, kind: str | None, device: str | None) -> str:
    rtype = item.resource_type
    if rtype in (ResourceType.DISK_DRIVE, ResourceType.CD_DRIVE, ResourceType.DVD_DRIVE) or kind == "disk":
        if device == "cdrom" or rtype in (ResourceType.CD_DRIVE, ResourceType.DVD_DRIVE):
            return "cdrom"
        if device in (None, "disk", "lun"):
            return "disk"
        return device
    if rtype in (ResourceType.ETHERNET_ADAPTER, ResourceType.OTHER_NETWORK_ADAPTER) or kind == "interface":
        return "nic"
    if kind:
        return kind
    if rtype == ResourceType.USB_CONTROLLER:
        return "usb policy"
    if rtype is not None and rtype.value in (20, 32768):
        return "video"
    return category_of(rtype)


def ovirt_device(item: ResourceItem, index: int, resources: Resources) -> Device:
    """The ``Device`` for one Item of the oVirt flavour."""
    block, rasd, extra_addresses = _block(item)
    kind_text = normalize_text(block["Type"].text) if "Type" in block else None
    kind = kind_text.lower() if kind_text is not None else None
    device_model = normalize_text(block["Device"].text) if "Device" in block else None
    category = _category(item, kind, device_model)
    instance = normalize_text(item.instance_id)
    caption = normalize_text(item.caption)
    alias = normalize_text(block["Alias"].text) if "Alias" in block else None
    fields: dict[str, object] = {}
    keys: dict[str, Hashable] = {}
    name: str | None = None
    identity = f"InstanceId {instance}" if instance is not None else f"item {index + 1}"

    if category == "disk":
        name, identity = _disk_fields(item, resources, fields, keys, identity)
    elif category == "nic":
        name = normalize_text(rasd["Name"].text) if "Name" in rasd else None
        mac = normalize_mac(rasd["MACAddress"].text) if "MACAddress" in rasd else None
        fields["name"] = name
        if item.connection:
            fields["network"] = normalize_text(item.connection[0])
        subtype = normalize_text(item.resource_sub_type)
        if subtype is not None:
            fields["adapter"] = OVIRT_NIC_MODELS.get(subtype, subtype)
        fields["mac"] = mac
        if name is not None:
            keys["nic_name"] = name
        if mac is not None:
            keys["mac"] = mac
    elif device_model is not None and kind is not None:
        fields["device"] = device_model
    if category != "nic" and item.resource_sub_type is not None:
        fields["model"] = normalize_text(item.resource_sub_type)

    address = parse_address(item.address)
    fields["address"] = address
    for index_extra, node in enumerate(extra_addresses, start=2):
        fields[f"address_{index_extra}"] = parse_address(node.text)
    for element, field_name in _BLOCK_FIELDS.items():
        if element in block:
            text = block[element].text
            if field_name in ("plugged", "read_only"):
                fields.setdefault(
                    field_name, parse_bool(text) if parse_bool(text) is not None else scalar(text)
                )
            elif field_name == "boot_order":
                number = parse_int(text)
                fields[field_name] = number if number is not None else scalar(text)
            elif field_name == "alias" and category in ("disk", "nic"):
                continue  # a runtime name given by libvirt; the disk and NIC have stronger identities
            else:
                fields[field_name] = normalize_text(text)
    if "SpecParams" in block:
        params = _spec_params(block["SpecParams"])
        if params:
            fields["spec_params"] = params
    for local, node in rasd.items():
        if local not in _NOT_HARDWARE:
            fields[_snake(local)] = scalar(node.text) if not node.elements() else _spec_params(node)
    for field_name, value in item.__dict__.items():
        if value is None or field_name in _TYPED_NOT_COMPARED or value == []:
            continue
        fields.setdefault(field_name, normalize_text(value) if isinstance(value, str) else value)

    if alias is not None:
        keys["alias"] = alias
    if is_uuid(instance) and category != "disk":
        keys["uuid"] = instance.lower()
    if address is not None:
        keys["slot"] = (kind, device_model, address)
    if instance is not None and category != "disk":
        keys["instance"] = instance
    if name is None:
        name = alias or device_model or caption or instance or f"item {index + 1}"
    keys["name"] = name
    return Device(category, name, keys, {k: v for k, v in fields.items() if v is not None}, identity)


def _disk_fields(
    item: ResourceItem,
    resources: Resources,
    fields: dict[str, object],
    keys: dict[str, Hashable],
    identity: str,
) -> tuple[str | None, str]:
    """Fill a disk's fields and keys; return its name (the disk alias) and identity text."""
    disk = None
    image_group: str | None = None
    for resource in item.host_resource:
        ref = resource.strip()
        if ref:
            image_group = ref.partition("/")[0] if "/" in ref else ref
            disk = resources.disk_for(ref)
            break
    if disk is None and item.instance_id is not None:
        disk = resources.disks.get(item.instance_id.strip())
    if image_group is None and disk is not None and disk.file_ref:
        image_group = disk.file_ref.partition("/")[0]
    name = normalize_text(item.caption)
    if disk is not None:
        name = normalize_text(disk.attributes.get("ovf:disk-alias")) or name
        fields["name"] = name
        fields["capacity"] = resources.capacity(disk)
        for attribute, field_name in _DISK_ATTRIBUTES.items():
            value = disk.attributes.get(attribute)
            if value is not None:
                fields[field_name] = scalar(value) if field_name != "interface" else normalize_text(value)
    else:
        fields["name"] = name
    if image_group:
        keys["image"] = image_group.lower()
        identity = f"image group {image_group}"
    return name, identity


def _snake(local_name: str) -> str:
    out = []
    for position, char in enumerate(local_name):
        if char.isupper() and position and not local_name[position - 1].isupper():
            out.append("_")
        out.append(char.lower())
    return "".join(out)
