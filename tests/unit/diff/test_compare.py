"""Comparing inventories: identical Items pair at once, and only what differs is normalized."""

from __future__ import annotations

import ovfkit
from ovfkit.diff.compare import compare_inventories, summary
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.items import Resources
from ovfkit.diff.pairing import pair_devices
from ovfkit.diff.values import Size
from ovfkit.model.envelope import Envelope
from tests.unit.diff.builders import cpu, disk, disk_item, envelope, memory, nic, scsi


def inventory(data: bytes) -> Inventory:
    model = ovfkit.loads(data)
    assert isinstance(model, Envelope)
    return Inventory(model, model.virtual_systems()[0], None, Resources(model))


def big(count: int, *, network_of: dict[int, str] | None = None, capacity: str = "10") -> bytes:
    items = [cpu(), memory(), scsi()]
    for i in range(count):
        if i % 2:
            network = (network_of or {}).get(i, "VM Network")
            items.append(nic(str(100 + i), network, i, f"nic {i}"))
        else:
            items.append(disk_item(str(100 + i), "d1", i, f"disk {i}"))
    return envelope(items, [disk("d1", capacity)])


def test_only_the_differing_item_is_normalized() -> None:
    a, b = inventory(big(2000)), inventory(big(2000, network_of={1001: "Backup"}))
    changes = compare_inventories(a, b)
    assert [(c.device, c.field, c.old, c.new) for c in changes] == [
        ('nic "nic 1001"', "network", "VM Network", "Backup")
    ]
    assert len(a._devices) == 1 and len(b._devices) == 1  # the fast path: 1 of 2,001 devices built


def test_a_change_in_the_first_item_still_pairs_the_rest_at_once() -> None:
    a, b = inventory(big(1000)), inventory(big(1000, network_of={1: "Backup"}))
    changes = compare_inventories(a, b)
    assert [(c.device, c.field) for c in changes] == [('nic "nic 1"', "network")]
    assert len(b._devices) <= 3  # the changed NIC and the two identical Items before it


def test_inserted_and_removed_items_between_identical_ends() -> None:
    old = inventory(big(500))
    new = inventory(
        big(500).replace(
            b"<rasd:ElementName>nic 251</rasd:ElementName>", b"<rasd:ElementName>x</rasd:ElementName>"
        )
    )
    assert [(c.kind, c.field) for c in compare_inventories(old, new)] == [("changed", "name")]
    fewer = inventory(envelope([cpu(), memory(), scsi(), nic("1", "a", 1, "n1"), nic("3", "c", 3, "n3")]))
    more = inventory(
        envelope(
            [cpu(), memory(), scsi(), nic("1", "a", 1, "n1"), nic("2", "b", 2, "n2"), nic("3", "c", 3, "n3")]
        )
    )
    assert [(c.kind, c.device) for c in compare_inventories(fewer, more)] == [("added", 'nic "n2"')]
    assert len(fewer._devices) == 0 and len(more._devices) == 1


def test_identical_items_that_refer_to_a_changed_disk_are_compared() -> None:
    a, b = inventory(big(10)), inventory(big(10, capacity="20"))
    pairs, removed, added = pair_devices(a, b)
    assert (removed, added) == ([], [])
    assert len(pairs) == 5  # the five disk Items using d1; the NICs and the controller are not looked at
    changes = compare_inventories(a, b)
    assert {c.field for c in changes} == {"capacity"}
    assert len(changes) == 5


def test_a_changed_controller_reaches_its_disks() -> None:
    old = envelope([scsi(address="0"), disk_item("8", "d1", 0, "Hard disk 1")], [disk("d1", "10")])
    new = envelope([scsi(address="1"), disk_item("8", "d1", 0, "Hard disk 1")], [disk("d1", "10")])
    changes = compare_inventories(inventory(old), inventory(new))
    assert [(c.device, c.field, c.old, c.new) for c in changes] == [
        ('scsi controller "SCSI Controller 0"', "address", "0", "1"),
        ('disk "Hard disk 1"', "controller", "scsi controller 0", "scsi controller 1"),
    ]


def test_a_renamed_controller_is_one_change() -> None:
    a = inventory(big(100))
    b = inventory(big(100).replace(b"SCSI Controller 0", b"SCSI Controller X"))
    changes = compare_inventories(a, b)
    assert [(c.device, c.field, c.new) for c in changes] == [
        ('scsi controller "SCSI Controller 0"', "name", "SCSI Controller X")
    ]


def test_removed_in_order_and_added_last() -> None:
    old = envelope([nic("1", "a", 1, "n1"), nic("2", "b", 2, "n2"), nic("3", "c", 3, "n3")])
    new = envelope([nic("3", "c", 3, "n3"), nic("4", "d", 4, "n4"), nic("1", "a", 1, "n1")])
    changes = compare_inventories(inventory(old), inventory(new))
    assert [(c.kind, c.device) for c in changes] == [("removed", 'nic "n2"'), ("added", 'nic "n4"')]


def test_shared_labels_get_the_identity() -> None:
    old = envelope([nic("1", "a", 1, "nic"), nic("2", "b", 2, "nic")])
    new = envelope([nic("1", "x", 1, "nic"), nic("2", "y", 2, "nic")])
    changes = compare_inventories(inventory(old), inventory(new))
    assert [c.device for c in changes] == ['nic "nic" (InstanceID 1)', 'nic "nic" (InstanceID 2)']


def test_equal_looking_sizes_show_their_bytes() -> None:
    old = envelope([scsi(), disk_item("8", "d1", 0, "disk")], [disk("d1", str(10 * 2**30), "byte")])
    new = envelope([scsi(), disk_item("8", "d1", 0, "disk")], [disk("d1", str(10 * 2**30 + 512), "byte")])
    (change,) = compare_inventories(inventory(old), inventory(new))
    assert change.old_text == "10 GiB (10737418240 bytes)"
    assert change.new_text == "10 GiB (10737418752 bytes)"


def test_summary_of_a_device() -> None:
    fields: dict[str, object] = {"name": "d", "capacity": Size(2**30), "interface": "VirtIO", "boot": True}
    assert summary(fields) == "capacity 1 GiB, interface VirtIO"
    assert summary({"name": "x", "boot_order": 1, "plugged": True}) == "boot_order 1, plugged true"


def test_scattered_changes_in_place_only_normalize_those_items() -> None:
    a = inventory(big(1000))
    b = inventory(big(1000, network_of={1: "x", 501: "y", 999: "z"}))
    changes = compare_inventories(a, b)
    assert [(c.device, c.new) for c in changes] == [
        ('nic "nic 1"', "x"),
        ('nic "nic 501"', "y"),
        ('nic "nic 999"', "z"),
    ]
    assert len(a._devices) == 3 and len(b._devices) == 3


def test_a_controller_change_that_its_disks_do_not_show_does_not_reach_them() -> None:
    a = inventory(big(100))
    b = inventory(big(100).replace(b"<rasd:ResourceSubType>lsilogic<", b"<rasd:ResourceSubType>pvscsi<"))
    changes = compare_inventories(a, b)
    assert [(c.device, c.field, c.new) for c in changes] == [
        ('scsi controller "SCSI Controller 0"', "model", "pvscsi")
    ]
    assert len(b._devices) == 1
