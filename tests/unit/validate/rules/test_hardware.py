"""H rules over the shared Item index: units checked once per group, quantities against their ceiling."""

from __future__ import annotations

from tests.unit.validate.rules.helpers import document, found, with_items

MEMORY_QUANTITY = "<rasd:VirtualQuantity>1024</rasd:VirtualQuantity>"


def test_memory_that_overflows_once_multiplied_by_its_units() -> None:
    fits = document((MEMORY_QUANTITY, f"<rasd:VirtualQuantity>{2**44 - 1}</rasd:VirtualQuantity>"))
    overflows = document((MEMORY_QUANTITY, f"<rasd:VirtualQuantity>{2**44}</rasd:VirtualQuantity>"))
    assert found(fits, "H103") == []
    (message,) = found(overflows, "H103")
    assert "VirtualQuantity 17592186044416 x byte * 2^20 is 2^64 bytes or more" in message


def test_wrong_units_are_reported_for_every_item_of_the_group() -> None:
    memory = (
        "<rasd:AllocationUnits>hertz</rasd:AllocationUnits><rasd:InstanceID>m2</rasd:InstanceID>"
        "<rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity>"
    )
    data = document(("<rasd:AllocationUnits>byte * 2^20", "<rasd:AllocationUnits>hertz"))
    assert len(found(data, "H112")) == 1
    assert len(found(with_items(memory, memory.replace("m2", "m3")), "H112")) == 2


def test_zero_quantity_of_memory_but_not_when_bound_min_nor_for_other_types() -> None:
    assert (
        len(found(document((MEMORY_QUANTITY, "<rasd:VirtualQuantity>0</rasd:VirtualQuantity>")), "H109")) == 1
    )
    bound = document(
        ("<rasd:AllocationUnits>byte * 2^20", "<rasd:AllocationUnits>byte * 2^20"),
        (MEMORY_QUANTITY, "<rasd:VirtualQuantity>0</rasd:VirtualQuantity>"),
        (
            "<Item>\n        <rasd:AllocationUnits>byte",
            '<Item ovf:bound="min">\n        <rasd:AllocationUnits>byte',
        ),
    )
    assert found(bound, "H109") == []
    disk = "<rasd:InstanceID>z</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType>"
    assert found(with_items(disk + "<rasd:VirtualQuantity>0</rasd:VirtualQuantity>"), "H109") == []


def test_a_drive_whose_parent_is_not_a_controller() -> None:
    (message,) = found(document(("<rasd:Parent>3</rasd:Parent>", "<rasd:Parent>5</rasd:Parent>")), "H110")
    assert "which is not a controller (ResourceType 10" in message
    assert found(document(), "H110") == []


def test_two_drives_in_one_slot_but_not_blank_or_bound_ones() -> None:
    drive = (
        "<rasd:AddressOnParent>{address}</rasd:AddressOnParent><rasd:InstanceID>{iid}</rasd:InstanceID>"
        "<rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType>"
    )
    (message,) = found(with_items(drive.format(address=" 0 ", iid="8")), "H111")
    assert "both sit at AddressOnParent 0 of controller 3" in message
    assert (
        found(with_items(drive.format(address=" ", iid="8"), drive.format(address="", iid="9")), "H111") == []
    )
