"""ovfkit.diff on pairs with known differences: matched by identity, noise is not a change."""

from __future__ import annotations

import gc
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovfkit
from ovfkit.diff import HardwareDiff, OvfDiffError, diff
from ovfkit.errors import OvfParseError, OvfSecurityError
from ovfkit.model.envelope import Envelope
from ovfkit.testing import envelopes
from tests.conftest import CORPUS, corpus_documents, corpus_id, needs_corpus
from tests.property.profiles import COMMON, examples
from tests.unit.diff.builders import (
    COT,
    OVIRT,
    VMWARE,
    cpu,
    disk,
    disk_item,
    envelope,
    memory,
    nic,
    scsi,
    system_xml,
)


def rows(result: HardwareDiff) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """(kind, device, field, old text, new text) of each change, for changed fields; (kind, device) else."""
    return [
        (c.kind, c.device, c.field, c.old_text, c.new_text)
        if c.kind == "changed"
        else (c.kind, c.device, None, None, None)
        for c in result.changes
    ]


# -- noise is not a change --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (VMWARE / "base.ovf", VMWARE / "noise.ovf"),
        (OVIRT / "base.ovf", OVIRT / "noise.ovf"),
        (OVIRT / "base.ovf", OVIRT / "snapshot-volume.ovf"),
        (COT / "csr1000v.ovf", COT / "csr1000v.ovf"),
    ],
    ids=[
        "vmware-reordered-units-prefixes",
        "ovirt-reordered-address-keys",
        "ovirt-new-snapshot-volume",
        "same-file",
    ],
)
def test_noise_is_not_a_change(old: Path, new: Path) -> None:
    result = diff(old, new)
    assert result.changes == []
    assert result.same
    assert result.compared


def test_new_snapshot_volume_keeps_the_disk() -> None:
    before = ovfkit.load(OVIRT / "base.ovf")
    after = ovfkit.load(OVIRT / "snapshot-volume.ovf")
    volumes_before = {d.disk_id for s in before.sections if hasattr(s, "disks") for d in s.disks}
    volumes_after = {d.disk_id for s in after.sections if hasattr(s, "disks") for d in s.disks}
    assert volumes_before != volumes_after  # the volume ids did change...
    assert diff(before, after).same  # ...and that is not a change of hardware


# -- VMware (DMTF) pairs ------------------------------------------------------------------------------


def test_vmware_memory_and_cpu() -> None:
    assert rows(diff(VMWARE / "base.ovf", VMWARE / "memory-cpu.ovf")) == [
        ("changed", "system", "cpus", "2", "4"),
        ("changed", "system", "cores_per_socket", "1", "2"),
        ("changed", "system", "memory", "8 GiB", "16 GiB"),
    ]


def test_vmware_disk_resized_and_added() -> None:
    result = diff(VMWARE / "base.ovf", VMWARE / "disks.ovf")
    assert rows(result) == [
        ("changed", 'disk "Hard disk 1"', "capacity", "32 GiB", "40 GiB"),
        ("added", 'disk "Hard disk 2"', None, None, None),
    ]
    resized, added = result.changes
    assert (resized.old, resized.new) == (32 * 2**30, 40 * 2**30)
    assert added.new is not None and added.new["capacity"] == 16 * 2**30  # type: ignore[index,call-overload]
    assert added.new_text is not None and "capacity 16 GiB" in added.new_text


def test_vmware_disk_removed() -> None:
    assert rows(diff(VMWARE / "disks.ovf", VMWARE / "base.ovf")) == [
        ("changed", 'disk "Hard disk 1"', "capacity", "40 GiB", "32 GiB"),
        ("removed", 'disk "Hard disk 2"', None, None, None),
    ]


def test_vmware_nic_network_mac_and_adapter() -> None:
    assert rows(diff(VMWARE / "base.ovf", VMWARE / "nics.ovf")) == [
        ("changed", 'nic "Network adapter 1"', "adapter", "VmxNet3", "E1000e"),
        (
            "changed",
            'nic "Network adapter 1"',
            "network",
            "vxw-dvs-34-virtualwire-3-sid-1300002-sc2-01-tr-build01-vc30-dynamic",
            "VM Network",
        ),
        ("changed", 'nic "Network adapter 1"', "mac", "(none)", "00:50:56:ab:cd:ef"),
    ]


def test_vmware_mac_change_alone() -> None:
    assert rows(diff(VMWARE / "nics.ovf", VMWARE / "nics-mac.ovf")) == [
        ("changed", 'nic "Network adapter 1"', "mac", "00:50:56:ab:cd:ef", "00:50:56:ab:cd:01"),
    ]


def test_vmware_firmware_and_machine_type() -> None:
    assert rows(diff(VMWARE / "base.ovf", VMWARE / "firmware.ovf")) == [
        ("changed", "system", "machine_type", "vmx-20", "vmx-21"),
        ("changed", "system", "firmware", "efi", "bios"),
    ]


# -- oVirt pairs -----------------------------------------------------------------------------------


def test_ovirt_memory_and_cpu() -> None:
    assert rows(diff(OVIRT / "base.ovf", OVIRT / "memory-cpu.ovf")) == [
        ("changed", "system", "cpus", "4", "8"),
        ("changed", "system", "sockets", "2", "4"),
        ("changed", "system", "memory", "4 GiB", "8 GiB"),
        ("changed", "system", "memory_guaranteed", "2 GiB", "4 GiB"),
        ("changed", "system", "memory_max", "16 GiB", "32 GiB"),
    ]


def test_ovirt_disk_resized_and_added() -> None:
    result = diff(OVIRT / "base.ovf", OVIRT / "disks.ovf")
    assert rows(result) == [
        ("changed", 'disk "db01_data"', "capacity", "20 GiB", "50 GiB"),
        ("added", 'disk "db01_logs"', None, None, None),
    ]
    assert all(c.category == "disk" for c in result.changes)
    assert result.changes[0].identity is not None and result.changes[0].identity.startswith("image group ")


def test_ovirt_disk_removed() -> None:
    assert rows(diff(OVIRT / "base.ovf", OVIRT / "disk-removed.ovf")) == [
        ("removed", 'disk "db01_data"', None, None, None)
    ]


def test_ovirt_nic_mac_and_network() -> None:
    assert rows(diff(OVIRT / "base.ovf", OVIRT / "nics.ovf")) == [
        ("changed", 'nic "nic1"', "mac", "56:6f:3b:0b:00:01", "56:6f:3b:0b:00:99"),
        ("changed", 'nic "nic2"', "network", "storage", "backend"),
    ]


def test_ovirt_firmware() -> None:
    assert rows(diff(OVIRT / "base.ovf", OVIRT / "firmware.ovf")) == [
        ("changed", "system", "firmware", "q35_sea_bios", "q35_secure_boot"),
        ("changed", "system", "emulated_machine", "(none)", "pc-q35-rhel8.6.0"),
    ]


# -- deployment profiles --------------------------------------------------------------------------


def test_each_profile_is_compared_and_removed_profiles_reported() -> None:
    result = diff(COT / "csr1000v.ovf", COT / "csr1000v-profiles.ovf")
    assert [s.profile for s in result.compared] == ["1CPU-4GB", "2CPU-4GB", "4CPU-8GB"]
    assert rows(result) == [
        ("removed", 'profile "4CPU-4GB"', None, None, None),
        ("changed", "system", "memory", "8 GiB", "16 GiB"),
    ]
    assert result.changes[1].profile == "4CPU-8GB"
    assert [c.device for c in result.descriptor_changes] == ['profile "4CPU-4GB"']
    assert [len(g.changes) for g in result.systems] == [0, 0, 1]


def test_profile_limits_the_comparison() -> None:
    assert diff(COT / "csr1000v.ovf", COT / "csr1000v-profiles.ovf", profile="2CPU-4GB").same
    result = diff(COT / "csr1000v.ovf", COT / "csr1000v-profiles.ovf", profile="4CPU-8GB")
    assert rows(result) == [("changed", "system", "memory", "8 GiB", "16 GiB")]


def test_profile_items_replace_the_unlimited_item_with_the_same_instance_id() -> None:
    base = COT / "csr1000v.ovf"
    one = diff(base, base, profile="1CPU-4GB")
    assert one.same
    two_cpus = envelope([cpu(1), cpu(2, attrs='ovf:configuration="big"'), memory()], options=["small", "big"])
    four_cpus = envelope(
        [cpu(1), cpu(4, attrs='ovf:configuration="big"'), memory()], options=["small", "big"]
    )
    result = diff(two_cpus, four_cpus)
    assert rows(result) == [("changed", "system", "cpus", "2", "4")]
    assert result.changes[0].profile == "big"


def test_unknown_profile_is_an_error() -> None:
    with pytest.raises(OvfDiffError, match="no deployment option 'huge'"):
        diff(COT / "csr1000v.ovf", COT / "csr1000v.ovf", profile="huge")


def test_bound_items_are_ranges_not_devices() -> None:
    old = envelope([cpu(2), memory(2048), memory(1024, instance="2", attrs='ovf:bound="min"')])
    new = envelope([cpu(2), memory(2048), memory(512, instance="2", attrs='ovf:bound="min"')])
    assert diff(old, new).same


# -- identity -----------------------------------------------------------------------------------------


def test_renumbered_instance_ids_are_not_changes() -> None:
    old = envelope(
        [
            cpu(),
            memory(),
            scsi("3"),
            disk_item("8", "d1", 0, "Hard disk 1", "3"),
            nic("9", "VM Network", 7, "nic 1"),
        ],
        [disk("d1", "10")],
    )
    new = envelope(
        [
            cpu(),
            memory(),
            scsi("30"),
            disk_item("80", "d1", 0, "Hard disk 1", "30"),
            nic("90", "VM Network", 7, "nic 1"),
        ],
        [disk("d1", "10")],
    )
    assert diff(old, new).same


def test_a_disk_inserted_before_others_does_not_shift_them() -> None:
    old = envelope(
        [scsi(), disk_item("8", "d1", 0, "Hard disk 1"), disk_item("9", "d2", 1, "Hard disk 2")],
        [disk("d1", "10"), disk("d2", "20")],
    )
    new = envelope(
        [
            scsi(),
            disk_item("8", "d0", 2, "Hard disk 0"),
            disk_item("9", "d1", 0, "Hard disk 1"),
            disk_item("10", "d2", 1, "Hard disk 2"),
        ],
        [disk("d0", "5"), disk("d1", "10"), disk("d2", "20")],
    )
    assert rows(diff(old, new)) == [("added", 'disk "Hard disk 0"', None, None, None)]


def test_units_and_lexical_forms() -> None:
    old = envelope([cpu(2), memory(2048, "byte * 2^20")], [])
    new = envelope([cpu(2), memory(2, "byte * 2^30")], [])
    assert diff(old, new).same
    new_lexical = old.replace(b"<rasd:VirtualQuantity>2048<", b"<rasd:VirtualQuantity>02048<")
    assert diff(old, new_lexical).same


def test_prefix_and_whitespace_are_noise() -> None:
    old = envelope([cpu(), memory(), nic("9", "VM Network", 7, "nic 1")])
    new = (
        old.replace(b"xmlns:rasd=", b"xmlns:r=")
        .replace(b"rasd:", b"r:")
        .replace(b"<r:ElementName>nic 1<", b"<r:ElementName>\n   nic   1  <")
    )
    assert diff(old, new).same


def test_two_identical_devices_only_one_removed() -> None:
    twin = nic("9", "VM Network", 7, "nic")
    old = envelope([twin, twin.replace(">9<", ">10<").replace(">7<", ">8<")])
    new = envelope([twin])
    result = diff(old, new)
    assert [c.kind for c in result.changes] == ["removed"]


# -- systems -----------------------------------------------------------------------------------------


def test_systems_pair_by_id_and_added_or_removed_are_reported() -> None:
    old = envelope([cpu(2), memory()], extra_systems=[system_xml("db", [cpu(1), memory()])])
    new = envelope([cpu(4), memory()], extra_systems=[system_xml("cache", [cpu(1), memory()])])
    result = diff(old, new)
    assert rows(result) == [
        ("removed", 'virtual system "db"', None, None, None),
        ("added", 'virtual system "cache"', None, None, None),
        ("changed", "system", "cpus", "2", "4"),
    ]
    assert [s.system for s in result.compared] == ["vm"]


def test_one_system_each_pairs_whatever_the_ids() -> None:
    old = envelope([cpu(2), memory()], system="a")
    new = envelope([cpu(2), memory()], system="b")
    result = diff(old, new)
    assert result.same
    assert result.compared[0].system == "a" and result.compared[0].other_system == "b"


def _without_ids(data: bytes, *ids: str) -> bytes:
    for system_id in ids:
        data = data.replace(f'<VirtualSystem ovf:id="{system_id}"'.encode(), b"<VirtualSystem")
    return data


def _two_systems(first_id: str, second_id: str, second_cpus: int = 1) -> bytes:
    return envelope(
        [cpu(2), memory()],
        system=first_id,
        name="web",
        extra_systems=[system_xml(second_id, [cpu(second_cpus), memory()], name="db")],
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (_without_ids(_two_systems("x", "y"), "x", "y"), _without_ids(_two_systems("x", "y", 3), "x", "y")),
        (_two_systems("a", "a"), _two_systems("a", "a", 3)),
    ],
    ids=["without-ids", "sharing-an-id"],
)
def test_systems_without_a_unique_id_pair_in_document_order(old: bytes, new: bytes) -> None:
    assert diff(old, old).changes == []
    result = diff(old, new)
    assert rows(result) == [("changed", "system", "cpus", "1", "3")]
    assert result.changes[0].system_index == 1
    assert [s.system_index for s in result.compared] == [0, 1]
    assert [len(group.changes) for group in result.systems] == [0, 1]
    assert result.descriptor_changes == []
    assert result.notes == [
        "2 pair(s) of virtual systems without an ovf:id, or sharing one, were paired in document order "
        "(system_index gives their positions)"
    ]


def test_systems_with_a_unique_id_pair_by_id_the_others_in_order() -> None:
    old = _without_ids(_two_systems("x", "y"), "y")
    swapped = envelope(
        [cpu(1), memory()],
        system="y",
        name="db",
        extra_systems=[system_xml("x", [cpu(2), memory()], name="web")],
    )
    result = diff(old, _without_ids(swapped, "y"))
    assert result.same
    assert [(s.system, s.system_index, s.other_system_index) for s in result.compared] == [
        ("x", None, None),
        (None, 1, 0),
    ]
    assert len(result.notes) == 1


def test_a_system_without_an_id_left_over_is_added_with_its_position() -> None:
    one = _without_ids(envelope([cpu(2), memory()], name="web"), "vm")
    two = _without_ids(_two_systems("x", "y"), "x", "y")
    result = diff(one, two)
    assert rows(result) == [("added", 'virtual system "db #2"', None, None, None)]
    assert result.changes[0].system_index == 1
    assert result.descriptor_changes == result.changes
    assert rows(diff(two, one)) == [("removed", 'virtual system "db #2"', None, None, None)]


def test_system_argument() -> None:
    old = envelope([cpu(2), memory()], extra_systems=[system_xml("db", [cpu(1), memory()])])
    new = envelope([cpu(2), memory()], extra_systems=[system_xml("db", [cpu(3), memory()])])
    assert rows(diff(old, new, system="db")) == [("changed", "system", "cpus", "1", "3")]
    assert rows(diff(old, new, system=1)) == [("changed", "system", "cpus", "1", "3")]
    assert diff(old, new, system="vm").same
    with pytest.raises(OvfDiffError, match="no virtual system with the id 'web'"):
        diff(old, new, system="web")
    with pytest.raises(OvfDiffError, match="no virtual system number 5"):
        diff(old, new, system=5)


def test_system_level_fields() -> None:
    old = envelope([cpu(2), memory()], name="alpha", vssd_type="vmx-13 vmx-14", os_id=101)
    new = envelope([cpu(2), memory()], name="beta", vssd_type="vmx-13,  vmx-14", os_id=80)
    assert rows(diff(old, new)) == [
        ("changed", "system", "name", "alpha", "beta"),
        ("changed", "system", "os_id", "101", "80"),
    ]


# -- sources and errors -------------------------------------------------------------------------------


def test_sources_of_every_kind() -> None:
    path = VMWARE / "base.ovf"
    data = path.read_bytes()
    for source in (path, str(path), data, data.decode("utf-8"), io.BytesIO(data), ovfkit.load(path)):
        assert diff(source, VMWARE / "memory-cpu.ovf").changes  # type: ignore[arg-type]
    assert diff(path, data).a == str(path)
    assert diff(data, path).a == "<bytes>"


def test_result_is_json_data() -> None:
    result = diff(OVIRT / "base.ovf", OVIRT / "disks.ovf")
    data = json.loads(result.model_dump_json())
    assert data["same"] is False
    assert {"kind", "device", "field", "old", "new"} <= set(data["changes"][0])
    assert data["changes"][0]["old"] == 20 * 2**30
    assert HardwareDiff.model_validate(result.model_dump()) == result


def test_unreadable_side_raises_the_loading_error() -> None:
    good = VMWARE / "base.ovf"
    with pytest.raises(OvfParseError) as caught:
        diff(good, b"<Envelope><oops></Envelope>")
    assert caught.value.line == 1
    with pytest.raises(OvfParseError, match="cannot read file"):
        diff("/nonexistent/a.ovf", good)
    with pytest.raises(OvfSecurityError):
        diff(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Envelope/>', good)


def test_environment_document_is_refused() -> None:
    environment = (
        b'<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" '
        b'xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" oe:id="vm"/>'
    )
    with pytest.raises(OvfDiffError, match="environment document"):
        diff(environment, VMWARE / "base.ovf")


def test_garbage_collector_state_is_restored() -> None:
    assert gc.isenabled()
    diff(VMWARE / "base.ovf", VMWARE / "base.ovf")
    assert gc.isenabled()
    gc.disable()
    try:
        diff(VMWARE / "base.ovf", VMWARE / "base.ovf")
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- the corpus ----------------------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("path", corpus_documents(well_formed=True), ids=corpus_id)
def test_every_corpus_descriptor_equals_itself_written_back(path: Path) -> None:
    model = ovfkit.load(path)
    if not isinstance(model, ovfkit.Envelope):
        pytest.skip("an OVF environment document has no hardware")
    assert diff(model, ovfkit.loads(ovfkit.dumps(model))).same


@needs_corpus
def test_two_real_ovirt_vms() -> None:
    old = CORPUS / "ovirt" / "rhv-rest-api-guide-snapshot-all-content.ovf"
    new = CORPUS / "ovirt" / "engine-3.3-vm-lun-affinity-snapshots.ovf"
    result = diff(old, new)
    assert ("changed", "system", "name", "VM_01", "exporttedVM") in rows(result)
    assert ("removed", 'nic "nic1"', None, None, None) in rows(result)
    assert ("added", 'disk "exporttedVM_Disk1"', None, None, None) in rows(result)


def test_an_ova_is_read_by_its_descriptor(tmp_path: Path) -> None:
    import tarfile

    package = tmp_path / "appliance.ova"
    with tarfile.open(package, "w", format=tarfile.USTAR_FORMAT) as archive:
        archive.add(VMWARE / "base.ovf", arcname="appliance.ovf")
    assert diff(package, VMWARE / "noise.ovf").same
    assert rows(diff(package, VMWARE / "firmware.ovf"))[1] == ("changed", "system", "firmware", "efi", "bios")


# -- a descriptor equals itself ------------------------------------------------------------------------


def _with_system_ids(model: Envelope, mode: str) -> Envelope:
    """The model with its virtual systems' ids kept, removed, or all the same."""
    if mode != "keep":
        for vs in model.virtual_systems():
            vs.id = None if mode == "none" else "shared"
    return model


@settings(max_examples=examples(40), **COMMON)
@given(envelopes(), st.sampled_from(["keep", "none", "same"]))
def test_a_generated_descriptor_equals_itself(model: Envelope, mode: str) -> None:
    model = _with_system_ids(model, mode)
    assert diff(model, model).changes == []
    assert diff(model, model.model_copy(deep=True)).changes == []


@needs_corpus
@pytest.mark.parametrize("path", corpus_documents(well_formed=True), ids=corpus_id)
def test_every_corpus_descriptor_equals_itself(path: Path) -> None:
    model = ovfkit.load(path)
    if not isinstance(model, ovfkit.Envelope):
        pytest.skip("an OVF environment document has no hardware")
    assert diff(model, model).changes == []
    assert diff(path, path).changes == []
