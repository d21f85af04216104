"""O rules: the oVirt flavour's structure: device addresses, slots, boot order, volumes, snapshots, dates.

They run for documents in the oVirt flavour (``Section xsi:type``, ``Content``, no default namespace)
and for any document validated with the ``ovirt`` profile. Sources: the oVirt engine's OVF writer
and reader (``OvfWriter``, ``OvfReader``, ``VmDeviceCommonUtils``) and libvirt's address types.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from ovfkit.model.base import Node, OvfModel
from ovfkit.model.cim import ResourceItem
from ovfkit.model.envelope import VirtualSystem, VirtualSystemCollection
from ovfkit.model.values import ResourceType, parse_int
from ovfkit.ovirt.address import DeviceAddress
from ovfkit.ovirt.errors import OvfAddressError
from ovfkit.validate.context import Context, HardwareItem, extension_nodes
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import rule
from ovfkit.validate.rules._common import ALL_ZERO_GUID, describe, host_reference, is_guid, q, qs

__all__ = ["OVIRT_DATE_FORMATS", "snapshot_ids"]

#: The date forms the engine writes (UTC).
OVIRT_DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y.%m.%d %H:%M:%S")
_DATE_ELEMENTS = frozenset({"CreationDate", "ExportDate", "LastModified", "last_modified_date"})


def _addresses(item: ResourceItem) -> list[tuple[int, str]]:
    """``(occurrence, text)`` of each ``rasd:Address`` of an Item (the engine sometimes writes two)."""
    found: list[tuple[int, str]] = []
    if item.address is not None:
        found.append((0, item.address))
    for node in extension_nodes(item, "Address"):
        found.append((len(found), node.text))
    return found


def _parsed(text: str) -> tuple[DeviceAddress | None, str | None]:
    """The address and its typed view checked, or the reason it is malformed."""
    try:
        address = DeviceAddress.parse(text)
        address.typed()
    except OvfAddressError as exc:
        return None, exc.reason + f" at position {exc.position}"
    return address, None


def _is_plugged(item: ResourceItem) -> bool:
    for node in extension_nodes(item, "IsPlugged"):
        return node.text.strip().lower() != "false"
    return True


@rule(
    "O101",
    "malformed-device-address",
    Severity.ERROR,
    "A device's rasd:Address is not {key=value, ...} text the engine can read, or a number in it "
    "is not a number.",
    scope="ovirt",
)
def malformed_device_address(ctx: Context) -> Iterator[Diagnostic]:
    """Device addresses are libvirt addresses written {type=pci, slot=0x06, ...}."""
    for entry in ctx.items:
        for occurrence, text in _addresses(entry.item):
            _, problem = _parsed(text)
            if problem is not None:
                yield ctx.emit(
                    "O101",
                    entry.item,
                    f"{describe(entry.item)} has device address {qs(text.strip(), 100)}: {problem}",
                    leaf="Address",
                    occurrence=occurrence,
                )


def _slot_key(address: DeviceAddress) -> tuple[object, ...] | None:
    pci = address.pci
    if pci is not None and pci.slot is not None:
        return ("pci", pci.domain or 0, pci.bus or 0, pci.slot, pci.function or 0)
    drive = address.drive
    if drive is not None and drive.unit is not None:
        return ("drive", drive.controller or 0, drive.bus or 0, drive.target or 0, drive.unit)
    return None


def _clashes(ctx: Context, kind: str) -> Iterator[tuple[HardwareItem, HardwareItem, str]]:
    """Pairs of plugged devices of one section sharing a PCI slot (``pci``) or a drive address (``drive``)."""
    taken: dict[tuple[int, tuple[object, ...]], HardwareItem] = {}
    for entry in ctx.items:
        if not _is_plugged(entry.item):
            continue
        for _, text in _addresses(entry.item):
            address, problem = _parsed(text)
            if address is None or problem is not None:
                continue
            key = _slot_key(address)
            if key is None or key[0] != kind:
                continue
            first = taken.setdefault((id(entry.section), key), entry)
            if first is not entry and first.item.instance_id != entry.item.instance_id:
                yield first, entry, text.strip()


@rule(
    "O102",
    "pci-slot-clash",
    Severity.ERROR,
    "Two plugged devices have the same PCI domain, bus, slot and function.",
    scope="ovirt",
)
def pci_slot_clash(ctx: Context) -> Iterator[Diagnostic]:
    """One PCI function holds one device; libvirt refuses to start a VM with two on the same slot."""
    for first, later, text in _clashes(ctx, "pci"):
        yield ctx.emit(
            "O102",
            later.item,
            f"{describe(later.item)} has PCI address {q(text, 100)}, already used by {describe(first.item)}",
            leaf="Address",
        )


@rule(
    "O103",
    "disk-volume-without-file",
    Severity.ERROR,
    "A Disk volume's ovf:fileRef (imageGroupId/volumeId) matches no File of References.",
    scope="ovirt",
)
def disk_volume_without_file(ctx: Context) -> Iterator[Diagnostic]:
    """Every oVirt disk volume has its File: the engine looks volumes up by href."""
    hrefs = {f.href for f in ctx.files if f.href}
    for disk in ctx.disks:
        reference = (disk.file_ref or "").strip()
        if not reference:
            yield ctx.emit(
                "O103", disk, f'Disk "{q(disk.disk_id)}" has no ovf:fileRef naming its volume File'
            )
        elif reference not in hrefs and reference not in ctx.file_ids:
            yield ctx.emit(
                "O103",
                disk,
                f'Disk "{q(disk.disk_id)}" names volume {q(reference)}, which no File of References is',
                attribute="fileRef",
            )


def _snapshot_sections(content: VirtualSystem | VirtualSystemCollection) -> list[Node]:
    return [
        node
        for node in extension_nodes(content, "Section")
        if (node.get("type") or "").rpartition(":")[2] == "SnapshotsSection_Type"
    ]


def snapshot_ids(ctx: Context) -> set[str] | None:
    """The ids of the SnapshotsSection's snapshots, or None when the document has no SnapshotsSection."""
    found: set[str] | None = None
    for content in ctx.contents:
        for section in _snapshot_sections(content):
            found = found if found is not None else set()
            found.update((s.get("id") or "").strip() for s in section.elements("Snapshot"))
    return found


def _disk_attribute(attributes: dict[str, str], local: str) -> str | None:
    for name, value in attributes.items():
        if name.rpartition(":")[2] == local:
            return value
    return None


@rule(
    "O104",
    "unknown-snapshot",
    Severity.ERROR,
    "A Disk's ovf:vm_snapshot_id names no Snapshot of the SnapshotsSection.",
    scope="ovirt",
)
def unknown_snapshot(ctx: Context) -> Iterator[Diagnostic]:
    """Each volume belongs to a snapshot the VM has (checked when the document lists its snapshots)."""
    known = snapshot_ids(ctx)
    if known is None:
        return
    for disk in ctx.disks:
        snapshot = (_disk_attribute(disk.attributes, "vm_snapshot_id") or "").strip()
        if snapshot and snapshot != ALL_ZERO_GUID and snapshot not in known:
            yield ctx.emit(
                "O104",
                disk,
                f'Disk "{q(disk.disk_id)}" belongs to snapshot {q(snapshot)}, which the '
                "SnapshotsSection lacks",
                attribute="vm_snapshot_id",
            )


@rule(
    "O105",
    "boot-order-clash",
    Severity.ERROR,
    "Two plugged devices have the same BootOrder (a positive number).",
    scope="ovirt",
)
def boot_order_clash(ctx: Context) -> Iterator[Diagnostic]:
    """Boot order positions are unique; 0 means the device does not boot."""
    taken: dict[tuple[int, int], HardwareItem] = {}
    for entry in ctx.items:
        if not _is_plugged(entry.item):
            continue
        for node in extension_nodes(entry.item, "BootOrder"):
            order = parse_int(node.text)
            if order is None or order <= 0:
                continue
            first = taken.setdefault((id(entry.section), order), entry)
            if first is not entry and first.item.instance_id != entry.item.instance_id:
                yield ctx.emit(
                    "O105",
                    entry.item,
                    f"{describe(entry.item)} has BootOrder {order}, like {describe(first.item)}",
                    leaf="BootOrder",
                )


@rule(
    "O106",
    "drive-address-clash",
    Severity.ERROR,
    "Two plugged devices have the same drive address (controller, bus, target, unit).",
    scope="ovirt",
)
def drive_address_clash(ctx: Context) -> Iterator[Diagnostic]:
    """One drive address holds one disk or CD-ROM."""
    for first, later, text in _clashes(ctx, "drive"):
        yield ctx.emit(
            "O106",
            later.item,
            f"{describe(later.item)} has drive address {q(text, 100)}, already used by "
            f"{describe(first.item)}",
            leaf="Address",
        )


def _guid_fields(ctx: Context) -> Iterator[tuple[OvfModel | Node, str, str, dict[str, object]]]:
    """``(model or node, what, value, where)`` of every value the engine writes as a GUID."""
    for disk in ctx.disks:
        if disk.disk_id:
            yield disk, "Disk ovf:diskId", disk.disk_id, {"attribute": "diskId"}
        snapshot = _disk_attribute(disk.attributes, "vm_snapshot_id")
        if snapshot:
            yield disk, "Disk ovf:vm_snapshot_id", snapshot, {"attribute": "vm_snapshot_id"}
    for content in ctx.contents:
        for section in _snapshot_sections(content):
            for node in section.elements("Snapshot"):
                yield node, "Snapshot ovf:id", node.get("id") or "", {"attribute": "id"}
    for entry in ctx.items:
        if entry.item.resource_type == ResourceType.DISK_DRIVE:
            for index, text in enumerate(entry.item.host_resource):
                if host_reference(text) is not None:
                    continue  # ovf:/disk/ID names a Disk, not a volume
                for part in text.strip().split("/"):
                    yield entry.item, "disk HostResource", part, {"leaf": "HostResource", "occurrence": index}


@rule(
    "O107",
    "malformed-guid",
    Severity.WARNING,
    "A disk, volume or snapshot id is not a GUID (8-4-4-4-12 hexadecimal digits).",
    scope="ovirt",
)
def malformed_guid(ctx: Context) -> Iterator[Diagnostic]:
    """The engine identifies disks, volumes and snapshots by GUIDs and rejects anything else on import."""
    for obj, what, value, where in _guid_fields(ctx):
        if not is_guid(value.strip()):
            yield ctx.emit(
                "O107",
                obj,
                f"{what} {qs(value, 80)} is not a GUID",
                leaf=where.get("leaf"),  # type: ignore[arg-type]
                occurrence=where.get("occurrence", 0),  # type: ignore[arg-type]
                attribute=where.get("attribute"),  # type: ignore[arg-type]
            )


def _dates(ctx: Context) -> Iterator[Node]:
    for content in ctx.contents:
        yield from (n for n in extension_nodes(content) if n.local_name in _DATE_ELEMENTS)
        for section in _snapshot_sections(content):
            for snapshot in section.elements("Snapshot"):
                yield from snapshot.elements("CreationDate")
    for entry in ctx.items:
        yield from (n for n in extension_nodes(entry.item) if n.local_name in _DATE_ELEMENTS)


def _is_date(text: str) -> bool:
    for form in OVIRT_DATE_FORMATS:
        try:
            datetime.datetime.strptime(text, form)
        except ValueError:
            continue
        return True
    return False


@rule(
    "O108",
    "malformed-ovirt-date",
    Severity.WARNING,
    "A date is not written yyyy/MM/dd HH:mm:ss (the engine's form, UTC).",
    scope="ovirt",
)
def malformed_ovirt_date(ctx: Context) -> Iterator[Diagnostic]:
    """Dates in the oVirt flavour use the engine's fixed format."""
    for node in _dates(ctx):
        text = node.text.strip()
        if text and not _is_date(text):
            yield ctx.emit(
                "O108", node, f"{node.local_name} {qs(text, 60)} is not a date written yyyy/MM/dd HH:mm:ss"
            )


@rule(
    "O109",
    "missing-instance-id",
    Severity.ERROR,
    "A device Item has no rasd:InstanceId, so the engine cannot tell devices apart.",
    scope="ovirt",
)
def missing_instance_id(ctx: Context) -> Iterator[Diagnostic]:
    """Every oVirt Item carries an InstanceId (a device id, or 1 and 2 for CPU and memory)."""
    for entry in ctx.items:
        if entry.item.instance_id is None or not entry.item.instance_id.strip():
            yield ctx.emit("O109", entry.item, f"{describe(entry.item)} has no InstanceId")
