"""Devices of standard descriptors: categories, identity keys, fields."""

from __future__ import annotations

import ovfkit
from ovfkit.diff.devices import category_of
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.items import Resources
from ovfkit.model.envelope import Envelope
from ovfkit.model.values import ResourceType
from tests.unit.diff.builders import VMWARE, disk, disk_item, envelope, item, nic, scsi


def devices_of(source: object) -> Inventory:
    model = ovfkit.loads(source) if isinstance(source, bytes) else ovfkit.load(source)  # type: ignore[arg-type]
    assert isinstance(model, Envelope)
    return Inventory(model, model.virtual_systems()[0], None, Resources(model))


def test_categories() -> None:
    assert category_of(ResourceType.DISK_DRIVE) == "disk"
    assert category_of(ResourceType.ETHERNET_ADAPTER) == "nic"
    assert category_of(ResourceType.PARALLEL_SCSI_HBA) == "scsi controller"
    assert category_of(ResourceType.DVD_DRIVE) == "cdrom"
    assert category_of(ResourceType(0)) == "device"
    assert category_of(ResourceType(32768)) == "vendor 32768"
    assert category_of(None) == "device"


def test_disk_on_a_controller() -> None:
    side = devices_of(
        envelope([scsi(), disk_item("8", "d1", 1, "Hard disk 1")], [disk("d1", "2048", "byte * 2^20")])
    )
    controller, hard_disk = side.device(0), side.device(1)
    assert controller.label == 'scsi controller "SCSI Controller 0"'
    assert controller.keys["slot"] == (None, "0")
    assert hard_disk.label == 'disk "Hard disk 1"'
    assert hard_disk.keys["slot"] == (("scsi controller", "0"), "1")
    assert hard_disk.keys["instance"] == "8"
    assert hard_disk.fields == {
        "name": "Hard disk 1",
        "controller": "scsi controller 0",
        "address_on_parent": "1",
        "capacity": 2 * 2**30,
    }


def test_nic_fields_and_keys() -> None:
    side = devices_of(envelope([nic("9", "VM Network", 7, "Network adapter 1", mac="00:50:56:AB:CD:EF")]))
    device = side.device(0)
    assert device.keys["mac"] == "00:50:56:ab:cd:ef"
    assert device.fields["mac"] == "00:50:56:ab:cd:ef"
    assert device.fields["network"] == "VM Network"
    assert device.fields["adapter"] == "VmxNet3"
    assert device.fields["connected"] is True


def test_uuid_instance_ids_are_the_first_identity() -> None:
    side = devices_of(envelope([item("BE14BFC8-3DBD-4AC1-BA02-C6DFA7FC707C", 21, "ElementName>serial")]))
    assert side.device(0).keys["uuid"] == "be14bfc8-3dbd-4ac1-ba02-c6dfa7fc707c"


def test_vmware_item_config_is_compared() -> None:
    side = devices_of(VMWARE / "base.ovf")
    video = next(side.device(i) for i in range(len(side.items)) if side.device(i).category == "video")
    assert video.fields["vmw:videoRamSizeInKB"] == 4096
    assert video.fields["connected"] is False


def test_cdrom_media_from_a_file_reference() -> None:
    data = envelope([item("7", 15, "ElementName>CD-ROM 1", "HostResource>ovf:/file/iso")]).replace(
        b"<References/>", b'<References><File ovf:href="tools.iso" ovf:id="iso"/></References>'
    )
    assert devices_of(data).device(0).fields["media"] == "tools.iso"


def test_a_storage_extent_that_names_a_disk_is_compared_as_a_disk() -> None:
    """XenCenter's disks are ResourceType 19 Items whose HostResource names a Disk."""
    from ovfkit.diff import diff_envelopes
    from tests.unit.test_hardware import XEN_DISK

    old = ovfkit.loads(XEN_DISK)
    new = ovfkit.loads(XEN_DISK.replace(b'ovf:capacity="10485760"', b'ovf:capacity="20971520"'))
    assert isinstance(old, Envelope) and isinstance(new, Envelope)
    result = diff_envelopes(old, new)
    assert [(c.device, c.field, c.old, c.new) for c in result.changes] == [
        ('disk "Hard Disk Image"', "capacity", 10485760, 20971520)
    ]
