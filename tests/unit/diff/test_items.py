"""Which Items apply under a profile, and how HostResources name Disks and Files."""

from __future__ import annotations

import ovfkit
from ovfkit.diff.items import Resources, profiles_of, select_items
from ovfkit.model.envelope import Envelope
from tests.unit.diff.builders import COT, OVIRT, cpu, envelope, memory, nic


def load(source: object) -> Envelope:
    model = ovfkit.load(source) if not isinstance(source, bytes) else ovfkit.loads(source)  # type: ignore[arg-type]
    assert isinstance(model, Envelope)
    return model


def test_profiles_in_document_order() -> None:
    assert profiles_of(load(COT / "csr1000v.ovf")) == ["1CPU-4GB", "2CPU-4GB", "4CPU-4GB", "4CPU-8GB"]
    assert profiles_of(load(envelope([cpu()]))) == []


def test_profile_items_replace_unlimited_ones() -> None:
    vs = load(COT / "csr1000v.ovf").virtual_systems()[0]
    quantities = {
        profile: [i.virtual_quantity for i in select_items(vs, profile).processors]
        for profile in ("1CPU-4GB", "2CPU-4GB", "4CPU-8GB")
    }
    assert quantities == {"1CPU-4GB": [1], "2CPU-4GB": [2], "4CPU-8GB": [4]}
    memory_8gb = select_items(vs, "4CPU-8GB").memory
    assert [i.virtual_quantity for i in memory_8gb] == [8192]


def test_selection_roles() -> None:
    data = envelope(
        [cpu(), memory(), memory(512, instance="2", attrs='ovf:bound="max"'), nic("9", "net", 7, "nic")]
    )
    selection = select_items(load(data).virtual_systems()[0], None)
    assert len(selection.processors) == 1
    assert len(selection.memory) == 1  # the max bound is a range, not memory
    assert [i.instance_id for i in selection.devices] == ["9"]
    assert selection.contextual == []


def test_host_resource_forms() -> None:
    data = envelope([cpu()], ['<Disk ovf:capacity="1" ovf:diskId="vmdisk1"/>\n'])
    resources = Resources(load(data))
    for ref in ("ovf:/disk/vmdisk1", "/disk/vmdisk1", "ovf://disk/vmdisk1", " ovf:/disk/vmdisk1 "):
        found = resources.disk_for(ref)
        assert found is not None and found.disk_id == "vmdisk1", ref
    assert resources.disk_for("ovf:/disk/other") is None
    assert resources.disk_for("ovf:/file/vmdisk1") is None


def test_ovirt_host_resource_names_the_volume() -> None:
    envelope_model = load(OVIRT / "base.ovf")
    resources = Resources(envelope_model)
    disk = next(iter(resources.disks.values()))
    image_and_volume = disk.file_ref
    assert image_and_volume is not None
    assert resources.disk_for(image_and_volume) is disk
    assert resources.capacity(disk) == 30 * 2**30


def test_a_volume_that_is_a_disk_s_file_ref_names_that_disk() -> None:
    """virt-v2v's ``-o vdsm`` output names the disk by its volume, which is the Disk's fileRef."""
    data = envelope([cpu()], ['<Disk ovf:capacity="1" ovf:diskId="IMAGE" ovf:fileRef="VOL"/>\n'])
    resources = Resources(load(data))
    found = resources.disk_for("VOL")
    assert found is not None and found.disk_id == "IMAGE"
    assert resources.disk_for("OTHER") is None
