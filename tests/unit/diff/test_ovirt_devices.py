"""Devices of the oVirt flavour: the device block, the disk's image group, the NIC's name and MAC."""

from __future__ import annotations

import ovfkit
from ovfkit.diff.device import Device
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.items import Resources
from ovfkit.diff.values import Address
from ovfkit.model.envelope import Envelope
from tests.unit.diff.builders import OVIRT


def devices(name: str) -> dict[str, Device]:
    model = ovfkit.load(OVIRT / name)
    assert isinstance(model, Envelope)
    side = Inventory(model, model.virtual_systems()[0], None, Resources(model))
    assert side.is_ovirt
    found = [side.device(i) for i in range(len(side.items))]
    return {d.label: d for d in found}


def test_labels() -> None:
    assert list(devices("base.ovf")) == [
        'disk "db01_Disk1"',
        'disk "db01_data"',
        'nic "nic1"',
        'nic "nic2"',
        'usb policy "USB Controller"',
        'video "video0"',
        'cdrom "ide0-1-0"',
        'controller "usb"',
        'controller "ide"',
        'controller "scsi0"',
        'controller "virtio-serial0"',
        'channel "channel0"',
        'channel "channel1"',
        'channel "channel2"',
        'balloon "balloon0"',
        'rng "rng0"',
    ]


def test_disk_identity_is_the_image_group_not_the_volume() -> None:
    before = devices("base.ovf")['disk "db01_Disk1"']
    after = devices("snapshot-volume.ovf")['disk "db01_Disk1"']
    assert before.keys["image"] == after.keys["image"]
    assert "instance" not in before.keys and "uuid" not in before.keys
    assert before.fields == after.fields
    assert before.fields["capacity"] == 30 * 2**30
    assert before.fields["interface"] == "VirtIO_SCSI"
    assert before.fields["boot"] is True
    assert before.fields["boot_order"] == 1
    assert "alias" not in before.fields


def test_nic() -> None:
    nic = devices("base.ovf")['nic "nic1"']
    assert nic.keys["nic_name"] == "nic1" and nic.keys["mac"] == "56:6f:3b:0b:00:01"
    assert nic.fields["adapter"] == "virtio"
    assert nic.fields["network"] == "ovirtmgmt"
    assert nic.fields["linked"] is True
    assert nic.fields["speed"] == 1000
    assert nic.fields["address"] == Address("{type=pci, slot=0x03, bus=0x00, domain=0x0000, function=0x0}")


def test_other_devices() -> None:
    found = devices("base.ovf")
    video = found['video "video0"']
    assert video.keys["alias"] == "video0"
    assert video.fields["device"] == "qxl"
    assert video.fields["spec_params"] == {"heads": 1, "vgamem": 16384, "vram": 32768}
    assert video.fields["read_only"] is True
    assert found['usb policy "USB Controller"'].fields["usb_policy"] == "DISABLED"
    assert found['cdrom "ide0-1-0"'].fields["spec_params"] == {"path": None}


def test_address_key_order_gives_equal_devices() -> None:
    assert devices("base.ovf") == devices("noise.ovf")
