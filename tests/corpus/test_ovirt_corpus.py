"""The oVirt views on the real oVirt files of ../shared/corpus/ovirt: sizes, dates, addresses, snapshots."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

import ovfkit
from ovfkit.model.envelope import Envelope
from ovfkit.ovirt import (
    BiosType,
    DeviceAddress,
    DiskInterface,
    DisplayType,
    OriginType,
    OvfValueError,
    SnapshotType,
    VmType,
    VolumeFormat,
    VolumeType,
    load_snapshots,
    ovirt_devices,
    ovirt_disks,
    snapshots_of,
    vm_configuration,
)
from ovfkit.ovirt.address import DriveAddress, PciAddress, VirtioSerialAddress
from tests.conftest import CORPUS, needs_corpus
from tests.helpers import assert_same_document

pytestmark = [needs_corpus, pytest.mark.corpus]

OVIRT = CORPUS / "ovirt"
FILES = sorted(OVIRT.glob("*.ovf")) if OVIRT.is_dir() else []
UTC = timezone.utc
GIB = 2**30


def load(name: str) -> Envelope:
    model = ovfkit.load(OVIRT / name)
    assert isinstance(model, Envelope)
    return model


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reading_every_view_changes_nothing(path: Path) -> None:
    envelope = ovfkit.load(path)
    assert isinstance(envelope, Envelope)
    before = ovfkit.dumps(envelope)
    vm = vm_configuration(envelope)
    _ = (vm.name, vm.fields(), vm.unknown_fields(), vm.extra_sections(), vm.vm_id, vm.os)
    for disk in ovirt_disks(envelope):
        _ = (disk.size_bytes, disk.vm_snapshot_id, disk.connections, disk.disk_interface)
    for device in ovirt_devices(envelope):
        _ = (device.kind, device.addresses, device.spec_params, device.alias)
    _ = ovfkit.hardware(envelope)
    _ = snapshots_of(envelope)
    assert ovfkit.dumps(envelope) == before
    assert_same_document(path.read_bytes(), before)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_address_parses_and_writes_back(path: Path) -> None:
    envelope = ovfkit.load(path)
    assert isinstance(envelope, Envelope)
    count = 0
    for device in ovirt_devices(envelope):
        for text, _ in device.address_texts():
            address = DeviceAddress.parse(text)
            assert str(address) == text
            assert DeviceAddress.parse(str(address)) == address
            typed = address.typed()
            assert (typed is None) == (address.type is None)
            count += 1
    assert count >= 0


class TestRhvGuide:
    NAME = "rhv-rest-api-guide-snapshot-all-content.ovf"

    def test_configuration(self) -> None:
        vm = vm_configuration(load(self.NAME))
        assert vm.name == "VM_01"
        assert vm.vm_id == "42ec2621-7ad6-4ca2-bd68-973a44b2562e"
        assert vm.creation_date == datetime(2015, 2, 9, 13, 53, 53, tzinfo=UTC)
        assert vm.export_date == datetime(2015, 2, 10, 0, 39, 24, tzinfo=UTC)
        assert vm.vm_type is VmType.SERVER
        assert vm.origin is OriginType.OVIRT
        assert vm.default_display_type is DisplayType.QXL
        assert vm.min_allocated_memory_bytes == GIB
        assert vm.is_stateless is False
        assert vm.is_initialized is True
        assert vm.template_name == "Blank"
        assert vm.os == "other"
        assert vm.time_zone == "Etc/GMT"
        assert vm.created_by_user_id == "fdfc627c-d875-11e0-90f0-83df133b58cc"
        assert vm.unknown_fields() == []

    def test_disk(self) -> None:
        (disk,) = ovirt_disks(load(self.NAME))
        assert disk.size_bytes == 10 * GIB
        assert disk.actual_size_bytes == 0
        assert disk.vm_snapshot_id == "a209216d-2909-4802-8886-02aad55dccc8"
        assert disk.image_group_id == "ad353554-f668-46cf-aa3c-e57383de2c92"
        assert disk.volume_id == "40456d92-3687-4a85-bab3-87b4cc7af459"
        assert disk.volume_format is VolumeFormat.RAW
        assert disk.volume_type is VolumeType.PREALLOCATED
        assert disk.disk_interface is DiskInterface.VIRTIO
        assert disk.boot is True
        assert disk.disk_alias == "VM_01_Disk1"

    def test_devices_and_addresses(self) -> None:
        devices = {device.alias: device for device in ovirt_devices(load(self.NAME)) if device.alias}
        disk = devices["virtio-disk0"]
        assert disk.address is not None and disk.address.pci == PciAddress(0, 0, 6, 0, None)
        assert devices["ide0-1-0"].address is not None
        assert devices["ide0-1-0"].address.drive == DriveAddress(controller=0, bus=1, target=0, unit=0)
        channel = devices["channel2"].address
        assert channel is not None and channel.virtio_serial == VirtioSerialAddress(
            controller=0, bus=0, port=3
        )
        assert devices["video0"].spec_params == {"vram": "32768", "heads": "1"}
        assert devices["net0"].mac_address == "00:1a:4a:87:cb:00"

    def test_hardware(self) -> None:
        view = ovfkit.hardware(load(self.NAME))
        assert (view.cpus, view.memory_bytes) == (1, GIB)
        assert [(d.capacity_bytes, d.interface) for d in view.disks] == [(10 * GIB, "VirtIO")]
        assert [(n.mac, n.adapter, n.network) for n in view.nics] == [
            ("00:1a:4a:87:cb:00", "virtio", "ovirtmgmt")
        ]
        assert "other" not in {c.type for c in view.controllers}

    def test_no_snapshots_section(self) -> None:
        assert load_snapshots(OVIRT / self.NAME) == []


class TestEngine33:
    NAME = "engine-3.3-vm-lun-affinity-snapshots.ovf"

    def test_snapshots(self) -> None:
        active, regular = load_snapshots(OVIRT / self.NAME)
        assert (active.id, active.type) == ("b60fcbad-d65a-4248-ae32-7f9411276df0", SnapshotType.ACTIVE)
        assert active.date == datetime(2013, 5, 27, 14, 44, 12, tzinfo=UTC)
        assert (regular.id, regular.type) == ("22eab740-c6ec-4edb-b417-c4ad9efe628a", SnapshotType.REGULAR)
        assert regular.date == datetime(2017, 9, 10, 13, 22, 45, tzinfo=UTC)
        assert regular.description == "snap"
        assert len(regular.memory) == 6
        assert regular.memory[0] == "44b6c877-d062-47a8-82e2-93972d262546"
        assert regular.persist_memorystate is True
        assert regular.application_list == ""
        assert not regular.has_configuration  # <VmConfiguration /> is empty
        assert regular.envelope is None
        assert regular.vm_id == "70f24c82-a7b8-4e0b-9192-cffd5705cf5c"

    def test_disks_link_to_snapshots(self) -> None:
        envelope = load(self.NAME)
        image, lun = ovirt_disks(envelope)
        snapshot_ids = {s.id for s in snapshots_of(envelope)}
        assert image.vm_snapshot_id in snapshot_ids
        assert image.size_bytes == GIB
        assert image.actual_size_bytes == 0
        assert image.volume_type is VolumeType.SPARSE
        assert lun.is_lun
        assert lun.vm_snapshot_id is None
        assert lun.disk_interface is DiskInterface.VIRTIO_SCSI
        assert lun.lun_id == "36001405bb1b5071cfb44a4e9576aef7c"
        assert lun.connections == [
            {"connection": "10.35.16.55", "iqn": "iqn.2015-07.com.mlipchuk5.redhat:444", "port": "3260",
             "storage_type": "ISCSI", "portal": "1"},
        ]  # fmt: skip

    def test_content(self) -> None:
        vm = vm_configuration(load(self.NAME))
        assert vm.description == "fsdf"
        assert vm.domain == ""
        assert vm.is_auto_suspend is False
        assert vm.vm_type is VmType.DESKTOP
        assert vm.origin is OriginType.RHEV
        assert vm.generation == 2
        assert vm.quota_id == "00000000-0000-0000-0000-000000000000"
        kinds = [kind for kind, _ in vm.extra_sections()]
        assert kinds == ["AffinityGroupsSection_Type", "AffinityLabelsSection_Type", "SnapshotsSection_Type"]

    def test_empty_addresses(self) -> None:
        for device in ovirt_devices(load(self.NAME)):
            for address in device.addresses:
                assert address.is_empty


class TestHostedEngine:
    NAME = "engine-3.6-hosted-engine.ovf"

    def test_configuration(self) -> None:
        vm = vm_configuration(load(self.NAME))
        assert vm.name == "HostedEngine"
        assert vm.origin is OriginType.MANAGED_HOSTED_ENGINE
        assert vm.default_display_type is DisplayType.CIRRUS
        assert vm.custom_emulated_machine == "rhel6.5.0"
        assert vm.custom_cpu_name == "SandyBridge"
        assert vm.min_allocated_memory_bytes == 4096 * 2**20
        assert vm.app_list == "rhevm-guest-agent-common-1.0.10-2.el6ev,kernel-2.6.32-504.16.2.el6"
        assert vm.use_host_cpu is False

    def test_disk(self) -> None:
        (disk,) = ovirt_disks(load(self.NAME))
        assert disk.size_bytes == 50 * GIB
        assert disk.actual_size_bytes == 2 * GIB
        assert disk.disk_interface is DiskInterface.IDE

    def test_duplicate_addresses_and_key_order(self) -> None:
        devices = ovirt_devices(load(self.NAME))
        nics = [device for device in devices if device.kind == "nic"]
        assert [[str(a) for a in nic.addresses] for nic in nics] == [
            ["{slot=0x03, bus=0x00, domain=0x0000, type=pci, function=0x0}", ""],
            ["{slot=0x04, bus=0x00, domain=0x0000, type=pci, function=0x0}", ""],
        ]
        disk = next(device for device in devices if device.kind == "disk")
        scsi = next(device for device in devices if device.device == "virtio-scsi")
        assert disk.address is not None and scsi.address is not None
        assert str(disk.address) != str(scsi.address)
        assert disk.address == scsi.address  # {slot=0x06, bus=0x00, ...} and {bus=0x00, slot=0x06, ...}

    def test_snapshots_and_truncated_configuration(self) -> None:
        active, next_run = load_snapshots(OVIRT / self.NAME, lazy=True)
        assert (active.type, next_run.type) == (SnapshotType.ACTIVE, SnapshotType.NEXT_RUN)
        assert next_run.id == "04d0a7b2-17b9-4b19-a749-6715e353d9c6"
        assert next_run.date == datetime(2015, 6, 13, 20, 3, 58, tzinfo=UTC)
        assert next_run.has_configuration
        with pytest.raises(ovfkit.OvfParseError) as caught:
            _ = next_run.envelope  # the test file's base64 is cut short: an unfinished OVF
        assert "snapshot 04d0a7b2-17b9-4b19-a749-6715e353d9c6" in caught.value.message
        assert caught.value.source == str(OVIRT / self.NAME)
        with pytest.raises(ovfkit.OvfParseError):
            load_snapshots(OVIRT / self.NAME)

    def test_hardware(self) -> None:
        view = ovfkit.hardware(load(self.NAME))
        assert [n.mac for n in view.nics] == ["00:16:3e:43:ed:b5", "00:16:3e:43:ed:b6"]
        assert sorted(c.type for c in view.controllers) == ["ide", "usb", "virtio-scsi", "virtio-serial"]


class TestVirtV2v:
    def test_export_domain_flavour(self) -> None:
        envelope = load("virt-v2v-2.3.4-export-domain-flavour.ovf")
        vm = vm_configuration(envelope)
        assert vm.bios_type is BiosType.Q35_OVMF
        assert vm.origin is OriginType.VMWARE
        assert vm.default_display_type is DisplayType.VGA
        assert vm.is_initialized is True  # written True
        assert vm.is_stateless is False  # written False
        assert vm.creation_date == datetime(2023, 10, 26, 20, 56, 35, tzinfo=UTC)
        assert vm.os == "windows_2019x64"
        (disk,) = ovirt_disks(envelope)
        assert disk.size_bytes == 200 * GIB
        assert disk.capacity_bytes == 214748364800
        assert disk.boot is True
        assert disk.disk_type == "System"
        view = ovfkit.hardware(envelope)
        assert (view.cpus, view.cores_per_socket, view.memory_bytes) == (8, 8, 16 * GIB)
        assert [(n.adapter, n.network) for n in view.nics] == [("rtl8139", "DPG_VMNetwork")]
        assert view.controllers == []

    def test_template_with_placeholders(self) -> None:
        envelope = load("virt-v2v-ovirt-flavour-template.ovf")
        vm = vm_configuration(envelope)
        assert vm.bios_type is BiosType.Q35_SEA_BIOS
        assert vm.os_id == 37
        assert vm.vm_id == "VM"
        with pytest.raises(OvfValueError, match="CreationDate '#DATE#' is not a date"):
            _ = vm.creation_date
        view = ovfkit.hardware(envelope)
        assert view.disks[0].capacity_bytes == 536870912


def test_api_model_example_without_disks() -> None:
    envelope = load("api-model-doc-3.5-no-disks.ovf")
    vm = vm_configuration(envelope)
    assert vm.name == "VM_export"
    assert vm.creation_date == datetime(2014, 12, 3, 4, 25, 45, tzinfo=UTC)
    assert ovirt_disks(envelope) == []
    view = ovfkit.hardware(envelope)
    assert (view.cpus, view.memory_bytes, view.disks, view.controllers) == (1, GIB, [], [])
