"""OvirtDevice: device blocks, duplicate addresses, SpecParams, oVirt rasd extras, writes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import ovfkit
from ovfkit.ovirt import DeviceAddress, NicModel, OvfAddressError, OvirtDevice, UsbPolicy, ovirt_devices
from ovfkit.ovirt.address import DriveAddress, PciAddress
from tests.unit.ovirt.samples import changed_lines, load_fixture, ova_flavour

NULL = "00000000-0000-0000-0000-000000000000"

DUPLICATES = b"""<?xml version="1.0" encoding="UTF-8"?>
<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" \
xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References/>
  <Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type">
    <Name>dup</Name>
    <Section xsi:type="ovf:VirtualHardwareSection_Type">
      <Info>1 CPU</Info>
      <Item>
        <rasd:Caption>Ethernet adapter on ovirtmgmt</rasd:Caption>
        <rasd:InstanceId>7442c4a6-c63d-4734-8a7e-3b2878efd7df</rasd:InstanceId>
        <rasd:ResourceType>10</rasd:ResourceType>
        <rasd:ResourceSubType>3</rasd:ResourceSubType>
        <rasd:Connection>ovirtmgmt</rasd:Connection>
        <rasd:MACAddress>00:16:3e:43:ed:b5</rasd:MACAddress>
        <rasd:Address>{slot=0x03, bus=0x00, domain=0x0000, type=pci, function=0x0}</rasd:Address>
        <Type>interface</Type>
        <Device>bridge</Device>
        <rasd:Address/>
        <BootOrder>0</BootOrder>
        <IsPlugged>true</IsPlugged>
        <IsReadOnly>false</IsReadOnly>
        <Alias/>
        <SpecParams>
          <outbound><average>1000</average><burst>2</burst></outbound>
          <model>virtio</model>
          <model>ignored</model>
        </SpecParams>
        <CustomProperties>queues=4;driver = vhost</CustomProperties>
      </Item>
      <Item>
        <rasd:ResourceType>0</rasd:ResourceType>
        <rasd:InstanceId>f00</rasd:InstanceId>
        <Type>channel</Type>
        <Device>unix</Device>
        <rasd:Address>{type=virtio-serial, port=1, port=2}</rasd:Address>
      </Item>
    </Section>
  </Content>
</ovf:Envelope>
"""


def _devices(path: str = "configs/web01-snapshot-3.ovf") -> list[OvirtDevice]:
    return ovirt_devices(load_fixture(path))


def _by_kind(devices: list[OvirtDevice], kind: str) -> list[OvirtDevice]:
    return [device for device in devices if device.kind == kind]


def _duplicates() -> ovfkit.Envelope:
    envelope = ovfkit.loads(DUPLICATES)
    assert isinstance(envelope, ovfkit.Envelope)
    return envelope


class TestRead:
    def test_kinds_in_document_order(self) -> None:
        kinds = [device.kind for device in _devices()]
        assert kinds == [
            "cpu", "memory", "disk", "disk", "nic", "usb", "video", "graphics", "cdrom",
            "controller", "controller", "controller", "channel", "balloon", "rng",
        ]  # fmt: skip

    def test_cpu_topology(self) -> None:
        (cpu,) = _by_kind(_devices(), "cpu")
        assert (cpu.num_of_sockets, cpu.cpu_per_socket, cpu.threads_per_cpu) == (2, 2, 2)
        assert cpu.max_num_of_vcpus == 32
        assert cpu.cpus == 8
        (legacy,) = _by_kind(_devices("configs/legacy-3.5-vm.ovf"), "cpu")
        assert legacy.threads_per_cpu is None
        assert legacy.cpus == 1

    def test_disk_device(self) -> None:
        disk, data = _by_kind(_devices(), "disk")
        assert disk.type == "disk"
        assert disk.device == "disk"
        assert disk.boot_order == 1
        assert disk.is_plugged is True
        assert disk.is_read_only is False
        assert disk.alias == "scsi0-0-0-0"
        assert disk.address is not None
        assert disk.address.drive == DriveAddress(controller=0, bus=0, target=0, unit=0)
        assert disk.image_group_id == "f94e81d2-39b8-5390-8513-51530050d360"
        assert disk.volume_id == "05bd0b4c-626a-58da-9262-e783b1283ba9"
        assert disk.parent_volume_id == "b3f7fb0a-6034-59f1-8a26-a8ce4139306a"
        assert disk.template_id == NULL
        assert disk.storage_pool_id == "9318f9ee-8714-5a11-9875-1c360d0d80d0"
        assert disk.application_list == ""
        assert disk.creation_date == datetime(2023, 2, 27, 9, 12, tzinfo=timezone.utc)
        assert disk.last_modified_date == datetime(2023, 5, 20, 8, 45, tzinfo=timezone.utc)
        assert data.address is not None and data.address.pci == PciAddress(0, 0, 8, 0, None)
        (base,) = _by_kind(_devices("configs/web01-snapshot-1.ovf"), "disk")
        assert base.parent_volume_id is None

    def test_nic(self) -> None:
        (nic,) = _by_kind(_devices(), "nic")
        assert nic.mac_address == "56:6f:1a:2b:00:99"
        assert nic.nic_model is NicModel.PV
        assert nic.nic_model.label == "virtio"
        assert nic.network == "ovirtmgmt"
        assert nic.vnic_profile == "ovirtmgmt"
        assert nic.nic_name == "nic1"
        assert nic.linked is True
        assert nic.speed == 1000
        assert nic.type == "interface"
        assert nic.device == "bridge"
        # written in HashMap order in this snapshot, in 4.2+ order in the others: the same address
        hashmap = nic.address
        (earlier,) = _by_kind(_devices("configs/web01-snapshot-1.ovf"), "nic")
        assert hashmap is not None and earlier.address is not None
        assert str(hashmap) != str(earlier.address)
        assert hashmap == earlier.address

    def test_usb_policy_video_graphics_cdrom(self) -> None:
        devices = _devices()
        (usb,) = _by_kind(devices, "usb")
        assert usb.usb_policy is UsbPolicy.DISABLED
        assert not usb.has_device_block
        (video,) = _by_kind(devices, "video")
        assert video.device == "vga"
        assert video.single_pci_qxl is False
        assert video.spec_params == {"vram": "16384", "heads": "1", "vgamem": "16384"}
        (graphics,) = _by_kind(devices, "graphics")
        assert graphics.address == DeviceAddress.parse("")
        assert graphics.alias == ""
        (cdrom,) = _by_kind(devices, "cdrom")
        assert cdrom.device == "cdrom"
        assert cdrom.is_read_only is True
        assert cdrom.spec_params == {"path": ""}

    def test_controllers_channels_custom_properties(self) -> None:
        devices = _devices()
        controllers = _by_kind(devices, "controller")
        assert [c.device for c in controllers] == ["virtio-scsi", "virtio-serial", "usb"]
        assert controllers[2].spec_params == {"index": "0", "model": "qemu-xhci"}
        (channel,) = _by_kind(devices, "channel")
        assert channel.address is not None
        assert channel.address.virtio_serial is not None and channel.address.virtio_serial.port == 1
        assert channel.custom_properties == "name=ovirt-guest-agent.0"
        assert channel.custom_properties_map == {"name": "ovirt-guest-agent.0"}
        assert channel.snapshot_id is None

    def test_duplicate_addresses_all_survive(self) -> None:
        nic = ovirt_devices(_duplicates())[0]
        assert [str(a) for a in nic.addresses] == [
            "{slot=0x03, bus=0x00, domain=0x0000, type=pci, function=0x0}",
            "",
        ]
        assert nic.address == nic.addresses[0]
        assert nic.values("rasd:Address") == [""]
        lines = [line for _, line in nic.address_texts()]
        assert lines[0] is not None and lines[1] is not None and lines[0] < lines[1]

    def test_nested_spec_params_and_first_value_wins(self) -> None:
        nic = ovirt_devices(_duplicates())[0]
        assert nic.spec_params == {"outbound": {"average": "1000", "burst": "2"}, "model": "virtio"}
        assert nic.custom_properties_map == {"queues": "4", "driver": "vhost"}

    def test_malformed_address_is_located(self) -> None:
        channel = ovirt_devices(_duplicates())[1]
        with pytest.raises(OvfAddressError) as caught:
            _ = channel.address
        assert caught.value.reason == "key 'port' appears twice"
        assert caught.value.line is not None
        assert caught.value.path == "Item f00"

    def test_ova_flavour(self) -> None:
        devices = ovirt_devices(ova_flavour())
        assert [d.kind for d in devices] == [
            "cpu",
            "memory",
            "disk",
            "nic",
            "usb",
            "video",
            "graphics",
            "controller",
        ]
        assert devices[0].cpus == 4
        assert devices[2].image_group_id is None
        assert devices[2].address is not None and devices[2].address.type == "drive"
        assert devices[3].nic_model is NicModel.E1000E
        assert devices[5].item.resource_type == 32768

    def test_no_hardware(self) -> None:
        envelope = ovfkit.loads(DUPLICATES.replace(b"VirtualHardwareSection_Type", b"OtherSection_Type"))
        assert isinstance(envelope, ovfkit.Envelope)
        assert ovirt_devices(envelope) == []


class TestWrite:
    def test_setting_device_fields_changes_only_their_lines(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        before = ovfkit.dumps(envelope)
        (nic,) = _by_kind(ovirt_devices(envelope), "nic")
        nic.mac_address = "56:6f:1a:2b:00:02"
        nic.is_plugged = False
        nic.address = DeviceAddress.from_mapping({"type": "pci", "slot": "0x09", "bus": "0x00"})
        removed, added = changed_lines(before, ovfkit.dumps(envelope))
        assert removed == [
            "        <rasd:MACAddress>56:6f:1a:2b:00:01</rasd:MACAddress>",
            "        <rasd:Address>{type=pci, slot=0x03, bus=0x00, domain=0x0000, function=0x0}"
            "</rasd:Address>",
            "        <IsPlugged>true</IsPlugged>",
        ]
        assert added == [
            "        <rasd:MACAddress>56:6f:1a:2b:00:02</rasd:MACAddress>",
            "        <rasd:Address>{type=pci, slot=0x09, bus=0x00}</rasd:Address>",
            "        <IsPlugged>false</IsPlugged>",
        ]

    def test_adding_a_device_block_element_goes_after_its_predecessor(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        before = ovfkit.dumps(envelope)
        (disk,) = _by_kind(ovirt_devices(envelope), "disk")
        disk.custom_properties = "iothread=1"
        after = ovfkit.dumps(envelope)
        removed, added = changed_lines(before, after)
        assert (removed, added) == ([], ["        <CustomProperties>iothread=1</CustomProperties>"])
        lines = after.decode().splitlines()
        assert lines[lines.index(added[0]) - 1] == "        <Alias>scsi0-0-0-0</Alias>"
        (again,) = _by_kind(ovirt_devices(ovfkit.loads(after)), "disk")
        assert again.custom_properties_map == {"iothread": "1"}

    def test_new_rasd_element_is_in_the_rasd_namespace(self) -> None:
        envelope = load_fixture("configs/legacy-3.5-vm.ovf")
        (cpu,) = _by_kind(ovirt_devices(envelope), "cpu")
        cpu.threads_per_cpu = 2
        after = ovfkit.dumps(envelope)
        assert b"<rasd:threads_per_cpu>2</rasd:threads_per_cpu>" in after
        (again,) = _by_kind(ovirt_devices(ovfkit.loads(after)), "cpu")
        assert again.cpus == 2

    def test_address_on_an_item_without_one(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        before = ovfkit.dumps(envelope)
        (usb,) = _by_kind(ovirt_devices(envelope), "usb")
        assert usb.address is None
        usb.address = "{type=usb, bus=0, port=1}"
        removed, added = changed_lines(before, ovfkit.dumps(envelope))
        assert (removed, added) == ([], ["        <rasd:Address>{type=usb, bus=0, port=1}</rasd:Address>"])
        usb.address = None
        assert ovfkit.dumps(envelope) == before

    def test_address_typed_leaf_removed_and_malformed_refused(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        (nic,) = _by_kind(ovirt_devices(envelope), "nic")
        with pytest.raises(OvfAddressError):
            nic.address = "{type=pci"
        assert nic.address is not None and nic.address.pci is not None
        nic.address = None
        assert nic.address is None
        assert (
            b"rasd:Address" not in ovfkit.dumps(envelope).split(b"56:6f:1a:2b:00:01")[1].split(b"</Item>")[0]
        )

    def test_duplicate_element_written_back_unchanged(self) -> None:
        envelope = _duplicates()
        nic = ovirt_devices(envelope)[0]
        _ = (nic.addresses, nic.spec_params, nic.alias)
        assert ovfkit.dumps(envelope) == DUPLICATES

    def test_remove_every_copy(self) -> None:
        envelope = load_fixture("configs/web01-snapshot-1.ovf")
        (nic,) = _by_kind(ovirt_devices(envelope), "nic")
        nic.alias = None
        assert nic.alias is None
        assert nic.elements("Alias") == []

    def test_repr(self) -> None:
        (nic,) = _by_kind(_devices(), "nic")
        assert repr(nic) == "<OvirtDevice 'f0d04db7-c535-5b00-94e2-c1c6229144cc' interface>"
