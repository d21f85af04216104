"""One side of a diff: the Items it compares, parent look-ups, what a device takes from outside."""

from __future__ import annotations

import ovfkit
from ovfkit.diff.inventory import Inventory, fingerprint
from ovfkit.diff.items import Resources
from ovfkit.model.envelope import Envelope
from tests.unit.diff.builders import OVIRT, cpu, disk, disk_item, envelope, memory, nic, scsi


def side(data: bytes, profile: str | None = None) -> Inventory:
    model = ovfkit.loads(data)
    assert isinstance(model, Envelope)
    return Inventory(model, model.virtual_systems()[0], profile, Resources(model))


def test_processors_and_memory_are_not_devices() -> None:
    inventory = side(envelope([cpu(), memory(), scsi(), nic("9", "net", 7, "nic")]))
    assert [i.instance_id for i in inventory.items] == ["3", "9"]
    assert inventory.system["cpus"] == 2
    assert inventory.levels[0] == "uuid"


def test_parent_lookup_scans_then_indexes() -> None:
    items = [scsi("3"), *(nic(str(10 + i), "net", i, f"nic {i}") for i in range(20)), scsi("99", address="1")]
    inventory = side(envelope(items))
    assert inventory.parent("3") is inventory.items[0]
    assert inventory.parent("99") is inventory.items[-1]
    assert inventory.parent("missing") is None
    assert inventory.parent("15") is inventory.items[6]


def test_identical_items_have_equal_fingerprints() -> None:
    inventory = side(envelope([scsi(), disk_item("8", "d1", 0, "Hard disk 1")], [disk("d1", "1")]))
    other = side(envelope([scsi(), disk_item("8", "d1", 1, "Hard disk 1")], [disk("d1", "2")]))
    assert fingerprint(inventory.items[0]) == fingerprint(other.items[0])
    assert fingerprint(inventory.items[1]) != fingerprint(other.items[1])


def test_parent_lookup_keeps_the_first_of_two_items_with_one_instance_id() -> None:
    items = [nic(str(10 + i), "net", i, f"nic {i}") for i in range(5)]
    inventory = side(envelope([scsi("3"), *items, scsi("3", address="1"), scsi("7")]))
    assert inventory.parent("7") is inventory.items[-1]  # found by scanning...
    assert inventory.parent("missing") is None  # ...which then indexes every Item
    assert inventory.parent("3") is inventory.items[0]


def test_ovirt_disks_are_contextual_through_their_volume() -> None:
    model = ovfkit.load(OVIRT / "base.ovf")
    assert isinstance(model, Envelope)
    inventory = Inventory(model, model.virtual_systems()[0], None, Resources(model))
    assert inventory.is_ovirt and inventory.dialect == "ovirt"
    disks = [inventory.items[i] for i in inventory.contextual]
    assert [d.caption for d in disks] == ["db01_Disk1", "db01_data"]
