"""System-level fields: name, OS, machine type, firmware, CPU topology, memory."""

from __future__ import annotations

import ovfkit
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.items import Resources
from ovfkit.diff.system import OVIRT_BIOS_TYPES
from ovfkit.model.envelope import Envelope
from tests.unit.diff.builders import OVIRT, VMWARE, cpu, envelope, memory


def system_of(source: object) -> dict[str, object]:
    model = ovfkit.loads(source) if isinstance(source, bytes) else ovfkit.load(source)  # type: ignore[arg-type]
    assert isinstance(model, Envelope)
    return Inventory(model, model.virtual_systems()[0], None, Resources(model)).system


def test_vmware_system() -> None:
    fields = system_of(VMWARE / "base.ovf")
    assert {k: fields[k] for k in ("name", "os", "os_id", "machine_type", "firmware", "cpus", "memory")} == {
        "name": "esxvm-sb-62272164-rZ0",
        "os": "vmkernel8Guest",
        "os_id": 104,
        "machine_type": "vmx-20",
        "firmware": "efi",
        "cpus": 2,
        "memory": 8 * 2**30,
    }
    assert fields["cores_per_socket"] == 1 and fields["sockets"] == 2  # VMware's default topology
    assert fields["secure_boot"] is False
    assert fields["vmw:cpuHotAddEnabled"] is False
    assert fields["vmw:svga.maxWidth"] == 720


def test_ovirt_system() -> None:
    fields = system_of(OVIRT / "base.ovf")
    assert fields == {
        "name": "db01",
        "os": "rhel_8x64",
        "machine_type": "ENGINE 4.1.0.0",
        "firmware": "q35_sea_bios",
        "cpus": 4,
        "sockets": 2,
        "cores_per_socket": 2,
        "threads_per_core": 1,
        "max_vcpus": 16,
        "memory": 4 * 2**30,
        "memory_guaranteed": 2 * 2**30,
        "memory_max": 16 * 2**30,
    }


def test_bios_type_names() -> None:
    assert OVIRT_BIOS_TYPES[2] == "q35_ovmf"
    assert OVIRT_BIOS_TYPES[0] == "i440fx_sea_bios"


def test_memory_sums_items_in_their_units() -> None:
    data = envelope([cpu(), memory(1024, "byte * 2^20"), memory(1, "byte * 2^30", instance="3")])
    assert system_of(data)["memory"] == 2 * 2**30


def test_machine_type_separators_are_noise() -> None:
    assert system_of(envelope([cpu()], vssd_type="vmx-10,vmx-11"))["machine_type"] == "vmx-10 vmx-11"
    assert "cores_per_socket" not in system_of(envelope([cpu()]))  # plain DMTF: topology unknown
