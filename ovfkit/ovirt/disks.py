"""oVirt disk volumes: the ``ovf:`` attributes of each ``Disk`` typed, sizes in bytes.

The engine writes one ``Disk`` per volume: ``ovf:diskId`` is the volume id, ``ovf:fileRef`` (and the
hardware Item's ``rasd:HostResource``) is ``imageGroupId/volumeId``, and ``ovf:size`` and
``ovf:actual_size`` are whole GiB. The attributes the DMTF model does not type live in
``Disk.attributes`` under their qualified names (``ovf:vm_snapshot_id``); ``OvirtDisk`` reads and
writes them there by their literal ``ovf:`` names, as the engine does.
"""

from __future__ import annotations

from ovfkit.errors import OvfUnitError
from ovfkit.model.base import Node
from ovfkit.model.envelope import Envelope
from ovfkit.model.sections import Disk, DiskSection
from ovfkit.ovirt._fields import FLAG, NUMBER, TEXT, Field, str_enum
from ovfkit.ovirt.values import DiskInterface, DiskStorageType, VolumeFormat, VolumeType, parse_number
from ovfkit.units import parse_units

__all__ = ["OvirtDisk", "ovirt_disks"]

_GIB = 2**30


class OvirtDisk:
    """Typed view of one oVirt ``Disk`` (a volume); assignments write back into the same ``Disk``.

    Attribute fields (``size_gib``, ``vm_snapshot_id``, ``volume_format``, ...) read and write
    ``Disk.attributes``; ``disk_id``, ``file_ref``, ``parent_ref`` and ``format_url`` are the
    ``Disk`` model's own fields.
    """

    def __init__(self, disk: Disk) -> None:
        self.disk = disk

    def __repr__(self) -> str:
        return f"<OvirtDisk {self.disk.disk_id!r}>"

    # -- field host ------------------------------------------------------------------------------

    def _where(self) -> str:
        return f"Disk {self.disk.disk_id or '?'}"

    def _read(self, key: str) -> tuple[str | None, int | None]:
        line = self.disk.line
        return self.disk.attributes.get("ovf:" + key), line

    def _write(self, key: str, text: str | None) -> None:
        attributes = dict(self.disk.attributes)
        if text is None:
            attributes.pop("ovf:" + key, None)
        else:
            attributes["ovf:" + key] = text
        self.disk.attributes = attributes

    def get(self, name: str) -> str | None:
        """Any ``ovf:`` attribute's text by its name without prefix (``lun_id``, ``product_id``)."""
        return self.disk.attributes.get("ovf:" + name)

    # -- identity --------------------------------------------------------------------------------

    @property
    def disk_id(self) -> str | None:
        """``ovf:diskId``: the volume id (the OVA flavour: the disk id)."""
        return self.disk.disk_id

    @disk_id.setter
    def disk_id(self, value: str | None) -> None:
        self.disk.disk_id = value

    @property
    def file_ref(self) -> str | None:
        """``ovf:fileRef``: ``imageGroupId/volumeId`` (the href of the volume's ``File``)."""
        return self.disk.file_ref

    @file_ref.setter
    def file_ref(self, value: str | None) -> None:
        self.disk.file_ref = value

    @property
    def parent_ref(self) -> str | None:
        """``ovf:parentRef`` as written (unreliable: the Item's ``rasd:Parent`` is the parent volume)."""
        return self.disk.parent_ref

    @property
    def format_url(self) -> str | None:
        """``ovf:format``: a URL naming RAW (vmdk ``#sparse``) or COW (qcow)."""
        return self.disk.format

    @property
    def image_group_id(self) -> str | None:
        """The oVirt disk id (image group): the part of ``ovf:fileRef`` before ``/``."""
        ref = self.disk.file_ref or ""
        group, slash, _ = ref.partition("/")
        return group if slash and group else None

    @property
    def volume_id(self) -> str | None:
        """The volume id: the part of ``ovf:fileRef`` after ``/``, else ``ovf:diskId``."""
        ref = self.disk.file_ref or ""
        _, slash, volume = ref.partition("/")
        return volume if slash and volume else self.disk.disk_id

    # -- sizes -----------------------------------------------------------------------------------

    size_gib = Field("size", NUMBER, "``ovf:size``: the virtual size in whole GiB.")
    actual_size_gib = Field("actual_size", NUMBER, "``ovf:actual_size``: the allocated size in whole GiB.")

    @property
    def size_bytes(self) -> int | None:
        """``ovf:size`` in bytes (the engine writes whole GiB)."""
        value = self.size_gib
        return None if value is None else value * _GIB

    @property
    def actual_size_bytes(self) -> int | None:
        """``ovf:actual_size`` in bytes (the engine writes whole GiB)."""
        value = self.actual_size_gib
        return None if value is None else value * _GIB

    @property
    def capacity_bytes(self) -> int | None:
        """The virtual size in bytes: ``ovf:capacity`` with its units when present (OVA flavour,
        virt-v2v), else ``ovf:size`` GiB.
        """
        if self.disk.capacity is not None:
            capacity = parse_number(self.disk.capacity)
            if capacity is not None:
                try:
                    units = parse_units(self.disk.capacity_allocation_units or "byte")
                except OvfUnitError:
                    units = None
                if units is not None and units.base == "byte":
                    return capacity * units.multiplier
        return self.size_bytes

    # -- volume ----------------------------------------------------------------------------------

    vm_snapshot_id = Field("vm_snapshot_id", TEXT, "``ovf:vm_snapshot_id``: the snapshot owning the volume.")
    volume_format = Field("volume-format", str_enum(VolumeFormat), "``ovf:volume-format``: RAW or COW.")
    volume_type = Field("volume-type", str_enum(VolumeType), "``ovf:volume-type``: Preallocated or Sparse.")
    disk_interface = Field("disk-interface", str_enum(DiskInterface), "``ovf:disk-interface``: the bus.")
    disk_storage_type = Field("disk_storage_type", str_enum(DiskStorageType), "``ovf:disk_storage_type``.")
    disk_alias = Field("disk-alias", TEXT, "``ovf:disk-alias``: the disk's name.")
    disk_description = Field("disk-description", TEXT, "``ovf:disk-description``.")
    description = Field("description", TEXT, "``ovf:description`` (the volume's).")
    disk_type = Field("disk-type", TEXT, "``ovf:disk-type`` (virt-v2v: ``System``).")
    cinder_volume_type = Field("cinder_volume_type", TEXT, "``ovf:cinder_volume_type``.")
    boot = Field("boot", FLAG, "``ovf:boot``: the boot disk.")
    read_only = Field("read-only", FLAG, "``ovf:read-only``.")
    shareable = Field("shareable", FLAG, "``ovf:shareable``.")
    pass_discard = Field("pass-discard", FLAG, "``ovf:pass-discard``.")
    wipe_after_delete = Field("wipe-after-delete", FLAG, "``ovf:wipe-after-delete``.")
    plugged = Field("plugged", FLAG, "``ovf:plugged`` (LUN disks).")
    scsi_reservation = Field("scsi_reservation", FLAG, "``ovf:scsi_reservation`` (LUN disks).")
    lun_id = Field("lun_id", TEXT, "``ovf:lun_id`` (LUN disks).")

    @property
    def is_lun(self) -> bool:
        """True for a direct LUN disk (it has ``ovf:lun_id`` or LUN connections)."""
        return self.get("lun_id") is not None or bool(self.connections)

    @property
    def connections(self) -> list[dict[str, str]]:
        """The LUN's storage connections (``<Connection>`` children): attributes by local name."""
        found = []
        for node in self.disk.extensions:
            if isinstance(node, Node) and node.local_name == "Connection":
                found.append({qname.rpartition(":")[2]: value for qname, value in node.attributes})
        return found


def ovirt_disks(envelope: Envelope) -> list[OvirtDisk]:
    """Every ``Disk`` of the envelope's DiskSections as an ``OvirtDisk``, in document order."""
    return [
        OvirtDisk(disk)
        for section in envelope.sections
        if isinstance(section, DiskSection)
        for disk in section.disks
    ]
