"""OvirtDisk: the ovf: attributes of oVirt Disks typed, sizes in bytes, writes into Disk.attributes."""

from __future__ import annotations

import pytest

import ovfkit
from ovfkit.ovirt import DiskInterface, DiskStorageType, OvfValueError, VolumeFormat, VolumeType, ovirt_disks
from tests.unit.ovirt.samples import changed_lines, load_fixture, ova_flavour

DISK_A = "f94e81d2-39b8-5390-8513-51530050d360"
DISK_B = "fb4c9eb7-8b16-502f-ac61-4aa2f0936299"
GIB = 2**30


def test_typed_attributes() -> None:
    disk_a, disk_b = ovirt_disks(load_fixture("configs/web01-snapshot-2.ovf"))
    assert disk_a.disk_id == "b3f7fb0a-6034-59f1-8a26-a8ce4139306a"
    assert disk_a.volume_id == disk_a.disk_id
    assert disk_a.image_group_id == DISK_A
    assert disk_a.file_ref == f"{DISK_A}/b3f7fb0a-6034-59f1-8a26-a8ce4139306a"
    assert disk_a.size_gib == 20
    assert disk_a.size_bytes == 20 * GIB
    assert disk_a.capacity_bytes == 20 * GIB
    assert disk_a.actual_size_gib == 5
    assert disk_a.actual_size_bytes == 5 * GIB
    assert disk_a.vm_snapshot_id == "57fc5fd2-a139-5158-bb25-48acf5c9cc9e"
    assert disk_a.parent_ref == f"{DISK_A}/dc3617e4-62ae-5f32-bbb4-cff05f18053f"
    assert disk_a.volume_format is VolumeFormat.COW
    assert disk_a.volume_type is VolumeType.SPARSE
    assert disk_a.disk_interface is DiskInterface.VIRTIO_SCSI
    assert disk_a.format_url == "http://www.gnome.org/~markmc/qcow-image-format.html"
    assert disk_a.boot is True
    assert disk_a.read_only is False
    assert disk_a.shareable is False
    assert disk_a.pass_discard is False
    assert disk_a.wipe_after_delete is False
    assert disk_a.disk_alias == "web01_Disk1"
    assert disk_a.disk_description == ""
    assert disk_a.plugged is None
    assert disk_a.is_lun is False
    assert disk_b.image_group_id == DISK_B
    assert disk_b.volume_format is VolumeFormat.RAW
    assert disk_b.volume_type is VolumeType.PREALLOCATED
    assert disk_b.disk_interface is DiskInterface.VIRTIO
    assert disk_b.boot is False
    assert disk_b.parent_ref == ""
    assert repr(disk_b) == "<OvirtDisk 'd7928960-3be8-5e74-8204-45db7f201d84'>"


def test_ova_flavour_capacity_with_units() -> None:
    (disk,) = ovirt_disks(ova_flavour())
    assert disk.size_gib is None
    assert disk.capacity_bytes == 16 * GIB
    assert disk.image_group_id is None
    assert disk.volume_id == "0d6b2a1c-5f3e-4b8e-8a61-1c7e9f2d3b44"
    assert disk.disk_interface is DiskInterface.VIRTIO_SCSI


def test_get_any_attribute() -> None:
    (disk,) = ovirt_disks(load_fixture("configs/web01-snapshot-1.ovf"))
    assert disk.get("disk-alias") == "web01_Disk1"
    assert disk.get("lun_id") is None


def test_lun_disk_connections() -> None:
    envelope = load_fixture("configs/web01-snapshot-1.ovf")
    (disk,) = ovirt_disks(envelope)
    disk.lun_id = "36001405bb1b5071cfb44a4e9576aef7c"
    assert disk.is_lun
    assert disk.connections == []
    assert disk.disk_storage_type is None
    disk.disk_storage_type = DiskStorageType.LUN
    assert disk.get("disk_storage_type") == "LUN"


def test_bad_size_is_a_typed_error() -> None:
    envelope = load_fixture("configs/web01-snapshot-1.ovf")
    (disk,) = ovirt_disks(envelope)
    disk.disk.attributes["ovf:size"] = "twenty"
    with pytest.raises(OvfValueError, match=r"Disk dc3617e4.*: size 'twenty' is not an integer"):
        _ = disk.size_bytes


def test_setting_an_attribute_changes_only_that_attribute() -> None:
    envelope = load_fixture("configs/web01-snapshot-1.ovf")
    before = ovfkit.dumps(envelope)
    (disk,) = ovirt_disks(envelope)
    disk.size_gib = 40
    disk.wipe_after_delete = True
    disk.volume_type = VolumeType.PREALLOCATED
    after = ovfkit.dumps(envelope)
    removed, added = changed_lines(before, after)
    assert len(removed) == len(added) == 1
    expected = (
        removed[0]
        .replace('ovf:size="20"', 'ovf:size="40"')
        .replace('ovf:wipe-after-delete="false"', 'ovf:wipe-after-delete="true"')
        .replace('ovf:volume-type="Sparse"', 'ovf:volume-type="Preallocated"')
    )
    assert added[0] == expected
    (again,) = ovirt_disks(ovfkit.loads(after))
    assert again.size_bytes == 40 * GIB


def test_new_attribute_goes_last_and_none_removes_it() -> None:
    envelope = load_fixture("configs/web01-snapshot-1.ovf")
    before = ovfkit.dumps(envelope)
    (disk,) = ovirt_disks(envelope)
    disk.plugged = True
    removed, added = changed_lines(before, ovfkit.dumps(envelope))
    assert added[0] == removed[0].replace("/>", ' ovf:plugged="true"/>')
    disk.plugged = None
    assert ovfkit.dumps(envelope) == before


def test_model_fields_write_through() -> None:
    envelope = load_fixture("configs/web01-snapshot-1.ovf")
    (disk,) = ovirt_disks(envelope)
    disk.file_ref = "g/v"
    disk.disk_id = "v"
    assert disk.disk.file_ref == "g/v"
    assert disk.image_group_id == "g"
    assert disk.volume_id == "v"
    assert b'ovf:fileRef="g/v"' in ovfkit.dumps(envelope)


LUN_OVF = b"""<?xml version="1.0" encoding="UTF-8"?>
<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References/>
  <Section xsi:type="ovf:DiskSection_Type">
    <Info>List of Virtual Disks</Info>
    <Disk ovf:diskId="a1" ovf:disk-alias="lun1" ovf:fileRef="a1" ovf:shareable="true" ovf:lun_id="3600a098"
          ovf:disk-interface="VirtIO_SCSI" ovf:scsi_reservation="false">
      <Connection ovf:connection="192.0.2.10" ovf:iqn="iqn.2023-01.example:t1" ovf:port="3260"
                  xsi:storage_type="ISCSI" xsi:portal="1"/>
    </Disk>
  </Section>
  <Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type"><Name>x</Name></Content>
</ovf:Envelope>
"""


def test_lun_connections_by_local_name() -> None:
    envelope = ovfkit.loads(LUN_OVF)
    assert isinstance(envelope, ovfkit.Envelope)
    (disk,) = ovirt_disks(envelope)
    assert disk.is_lun
    assert disk.lun_id == "3600a098"
    assert disk.shareable is True
    assert disk.scsi_reservation is False
    assert disk.size_bytes is None
    assert disk.capacity_bytes is None
    assert disk.image_group_id is None
    assert disk.connections == [
        {
            "connection": "192.0.2.10",
            "iqn": "iqn.2023-01.example:t1",
            "port": "3260",
            "storage_type": "ISCSI",
            "portal": "1",
        }
    ]
