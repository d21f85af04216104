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


def test_context_names_disk_and_controller() -> None:
    inventory = side(
        envelope([scsi(), disk_item("8", "d1", 0, "Hard disk 1"), nic("9", "n", 7, "nic")], [disk("d1", "1")])
    )
    controller, hard_disk, network = inventory.items
    assert inventory.contextual == [1]
    assert inventory.context_key(network) is None
    key = inventory.context_key(hard_disk)
    assert key == (("ovf:/disk/d1",), "3", None)
    assert inventory.context(key) == inventory.context(key)
    other = side(envelope([scsi(), disk_item("8", "d1", 0, "Hard disk 1")], [disk("d1", "2")]))
    assert inventory.context(key) != other.context(key)
    assert fingerprint(controller) == fingerprint(other.items[0])


def test_ovirt_disks_are_contextual_through_their_volume() -> None:
    model = ovfkit.load(OVIRT / "base.ovf")
    assert isinstance(model, Envelope)
    inventory = Inventory(model, model.virtual_systems()[0], None, Resources(model))
    assert inventory.is_ovirt and inventory.dialect == "ovirt"
    disks = [inventory.items[i] for i in inventory.contextual]
    assert [d.caption for d in disks] == ["db01_Disk1", "db01_data"]
    key = inventory.context_key(disks[0])
    assert key is not None and key[2] == disks[0].instance_id
