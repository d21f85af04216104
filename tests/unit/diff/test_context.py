"""What a device takes from outside its Item: which identical Items are compared all the same."""

from __future__ import annotations

import ovfkit
from ovfkit.diff.compare import compare_inventories
from ovfkit.diff.context import changed_context, controller_facts, own_volume_id
from ovfkit.diff.inventory import Inventory
from ovfkit.diff.items import Resources
from ovfkit.diff.pairing import pair_devices
from ovfkit.model.envelope import Envelope
from tests.unit.diff.builders import OVIRT, disk, disk_item, envelope, item, nic, scsi


def side(data: bytes) -> Inventory:
    model = ovfkit.loads(data)
    assert isinstance(model, Envelope)
    return Inventory(model, model.virtual_systems()[0], None, Resources(model))


def rows(a: Inventory, b: Inventory) -> list[tuple[str, str, str | None, object, object]]:
    return [(c.kind, c.device, c.field, c.old, c.new) for c in compare_inventories(a, b)]


def test_nothing_changed_outside_the_items() -> None:
    items = [scsi(), disk_item("8", "d1", 0, "Hard disk 1"), nic("9", "n", 7, "nic")]
    a, b = side(envelope(items, [disk("d1", "1")])), side(envelope(items, [disk("d1", "1")]))
    assert a.contextual == [1]
    assert changed_context(a, b, a.contextual, [], []) == []
    assert changed_context(a, b, [], [], []) == []


def test_a_changed_disk_reaches_only_its_users() -> None:
    items = [
        scsi(),
        disk_item("8", "d1", 0, "one"),
        disk_item("9", "d2", 1, "two"),
        disk_item("10", "d1", 2, "three"),
    ]
    a = side(envelope(items, [disk("d1", "1"), disk("d2", "1")]))
    b = side(envelope(items, [disk("d1", "1"), disk("d2", "5")]))
    assert changed_context(a, b, a.contextual, [], []) == [2]
    assert rows(a, b) == [("changed", 'disk "two"', "capacity", 2**30, 5 * 2**30)]


def test_a_removed_disk_reaches_its_users() -> None:
    items = [scsi(), disk_item("8", "d1", 0, "one"), disk_item("9", "d2", 1, "two")]
    a = side(envelope(items, [disk("d1", "1"), disk("d2", "1")]))
    b = side(envelope(items, [disk("d1", "1")]))
    assert changed_context(a, b, a.contextual, [], []) == [2]
    assert rows(a, b) == [
        ("changed", 'disk "two"', "capacity", 2**30, None),
        ("changed", 'disk "two"', "host_resource", None, "ovf:/disk/d2"),  # it names nothing now
    ]


def _with_file(href: str) -> bytes:
    cdrom = item("5", 15, "ElementName>cd", "HostResource>ovf:/file/f1")
    return envelope([cdrom]).replace(
        b"<References/>", f'<References><File ovf:id="f1" ovf:href="{href}"/></References>'.encode()
    )


def test_a_changed_file_reaches_the_media_that_uses_it() -> None:
    a, b = side(_with_file("old.iso")), side(_with_file("new.iso"))
    assert changed_context(a, b, a.contextual, [], []) == [0]
    assert rows(a, b) == [("changed", 'cdrom "cd"', "media", "old.iso", "new.iso")]


def test_a_controller_inserted_before_with_the_same_instance_id_is_the_new_parent() -> None:
    # b's first Item with InstanceID 3 is a new controller at address 5: the disk now sits on it.
    items = [scsi("3", address="0"), nic("9", "n", 7, "nic"), disk_item("8", "d1", 0, "Hard disk 1")]
    a = side(envelope(items, [disk("d1", "1")]))
    b = side(envelope([scsi("3", address="5"), *items], [disk("d1", "1")]))
    pairs, removed, added = pair_devices(a, b)
    assert (pairs, removed, added) == ([(2, 3)], [], [0])
    assert controller_facts(b.parent("3")) != controller_facts(a.parent("3"))
    assert rows(a, b)[0] == (
        "changed",
        'disk "Hard disk 1"',
        "controller",
        "scsi controller 0",
        "scsi controller 5",
    )


def test_a_parent_named_only_in_the_middle_is_looked_up_on_both_sides() -> None:
    # The controller with InstanceID 4 appears in the middle of b: the disk that names it changes
    # controller, though its Item is identical and at the same distance from the end.
    disk_on_4 = disk_item("8", "d1", 0, "Hard disk 1", parent="4")
    a = side(envelope([scsi("3"), nic("9", "n", 7, "nic"), disk_on_4], [disk("d1", "1")]))
    b = side(
        envelope([scsi("3"), scsi("4", address="2"), nic("9", "n", 7, "nic"), disk_on_4], [disk("d1", "1")])
    )
    changes = rows(a, b)
    assert ("changed", 'disk "Hard disk 1"', "controller", "4", "scsi controller 2") in changes


def test_ovirt_volume_of_a_disk_without_host_resource() -> None:
    base = OVIRT.joinpath("base.ovf").read_bytes()
    volume = b"3298e78a-0b85-5128-a6e5-e6c0565abc0c"
    # The disk Item names its volume by InstanceId only; then the volume grows.
    host_resource = (
        b"<rasd:HostResource>b77ec41e-e3fa-5a92-9176-0654297950da/" + volume + b"</rasd:HostResource>"
    )
    assert host_resource in base
    old = base.replace(host_resource, b"")
    new = old.replace(
        b'ovf:diskId="' + volume + b'" ovf:size="30"', b'ovf:diskId="' + volume + b'" ovf:size="40"'
    )
    assert new != old
    a, b = side(old), side(new)
    disk_position = next(p for p in a.contextual if own_volume_id(a.items[p]) == volume.decode())
    assert changed_context(a, b, a.contextual, [], []) == [disk_position]
    assert [(c.field, c.old, c.new) for c in compare_inventories(a, b)] == [
        ("capacity", 30 * 2**30, 40 * 2**30)
    ]


def test_own_volume_only_for_disk_drives() -> None:
    inventory = side(envelope([scsi(), disk_item("8", "d1", 0, "disk")], [disk("d1", "1")]))
    assert own_volume_id(inventory.items[0]) is None
    assert own_volume_id(inventory.items[1]) == "8"
    assert controller_facts(None) is None
