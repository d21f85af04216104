"""Pairing device Items: identical Items at once (in place or moved), the others by identity."""

from __future__ import annotations

from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

import ovfkit
from ovfkit.diff import diff
from ovfkit.diff.compare import compare_inventories
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.items import Resources
from ovfkit.diff.pairing import pair_devices
from ovfkit.model.envelope import Envelope
from ovfkit.model.sections import VirtualHardwareSection
from ovfkit.testing import envelopes
from tests.property.profiles import COMMON, examples
from tests.unit.diff.builders import OVIRT, VMWARE, disk, disk_item, envelope, nic, scsi


def side(data: bytes) -> Inventory:
    model = ovfkit.loads(data)
    assert isinstance(model, Envelope)
    return Inventory(model, model.virtual_systems()[0], None, Resources(model))


def nics(count: int) -> list[str]:
    return [nic(str(10 + i), "VM Network", i, f"nic {i}") for i in range(count)]


def test_identical_sides_pair_without_building_devices() -> None:
    data = envelope([scsi(), *nics(50), disk_item("8", "d1", 0, "disk")], [disk("d1", "1")])
    a, b = side(data), side(data)
    assert pair_devices(a, b) == ([], [], [])
    assert a._devices == {} and b._devices == {}


def test_a_moved_item_pairs_at_once() -> None:
    items = nics(40)
    a, b = side(envelope(items)), side(envelope(items[1:] + items[:1]))
    assert pair_devices(a, b) == ([], [], [])
    assert a._devices == {} and b._devices == {}
    assert compare_inventories(a, b) == []


def test_a_moved_and_changed_item_pairs_by_identity() -> None:
    items = nics(20)
    changed = nic("10", "Backup", 0, "nic 0")
    a, b = side(envelope(items)), side(envelope([*items[1:], changed]))
    pairs, removed, added = pair_devices(a, b)
    assert (pairs, removed, added) == ([(0, 19)], [], [])
    assert [(c.device, c.field, c.new) for c in compare_inventories(a, b)] == [
        ('nic "nic 0"', "network", "Backup")
    ]
    assert len(a._devices) == 1 and len(b._devices) == 1


def test_identical_twins_that_moved_pair_in_order() -> None:
    twin = nic("7", "VM Network", 3, "twin")
    a = side(envelope([twin, twin, *nics(5)]))
    b = side(envelope([*nics(5)[::-1], twin, twin]))
    assert pair_devices(a, b) == ([], [], [])
    assert a._devices == {} and b._devices == {}


def test_items_sharing_a_key_but_not_identical_pair_by_identity() -> None:
    # The two disks have the same InstanceID, name and unit, on different controllers.
    controllers = [scsi("3"), scsi("4", address="1")]
    on_3, on_4 = disk_item("8", "d1", 0, "disk", parent="3"), disk_item("8", "d1", 0, "disk", parent="4")
    grown = disk_item("8", "d2", 0, "disk", parent="3")
    disks = [disk("d1", "1"), disk("d2", "2")]
    a = side(envelope([*controllers, on_3, on_4, *nics(5)], disks))
    b = side(envelope([*controllers, *nics(5)[::-1], on_4, grown], disks))
    assert pair_devices(a, b) == ([(2, 8), (3, 7)], [], [])
    assert [(c.field, c.old, c.new) for c in compare_inventories(a, b)] == [("capacity", 2**30, 2 * 2**30)]


def test_a_moved_controller_sharing_an_instance_id_changes_the_disks_parent() -> None:
    # Two controllers share InstanceID 3; they swap places, so rasd:Parent 3 names the other one.
    first, second = scsi("3", address="0"), scsi("3", address="1")
    hard_disk = disk_item("8", "d1", 0, "Hard disk 1", parent="3")
    a = side(envelope([first, second, *nics(3), hard_disk], [disk("d1", "1")]))
    b = side(envelope([second, first, *nics(3), hard_disk], [disk("d1", "1")]))
    changes = [(c.device, c.field, c.old, c.new) for c in compare_inventories(a, b)]
    assert changes == [('disk "Hard disk 1"', "controller", "scsi controller 0", "scsi controller 1")]


def test_ovirt_and_other_dialects_pair_by_identity_only() -> None:
    ovirt = ovfkit.load(OVIRT / "base.ovf")
    vmware = ovfkit.load(VMWARE / "base.ovf")
    assert isinstance(ovirt, Envelope) and isinstance(vmware, Envelope)
    a = Inventory(ovirt, ovirt.virtual_systems()[0], None, Resources(ovirt))
    b = Inventory(vmware, vmware.virtual_systems()[0], None, Resources(vmware))
    pair_devices(a, b)
    assert len(a._devices) == len(a.items) and len(b._devices) == len(b.items)


@settings(max_examples=examples(30), **COMMON)
@given(envelopes(), st.randoms(use_true_random=False))
def test_reordered_items_are_not_a_change(model: Envelope, random: Random) -> None:
    reordered = model.model_copy(deep=True)
    for vs in reordered.virtual_systems():
        for section in vs.sections:
            if isinstance(section, VirtualHardwareSection):
                items = list(section.items)
                random.shuffle(items)
                section.items = items
    assert diff(model, reordered).changes == []
