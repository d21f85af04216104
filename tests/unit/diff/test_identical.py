"""Which Items are identical on both sides: all they say counts, their layout does not."""

from __future__ import annotations

import pytest

from ovfkit.diff.identical import identical_flags, identical_run
from ovfkit.diff.inventory import fingerprint
from ovfkit.model.base import Comment, Node, ProcessingInstruction, XmlInfo
from ovfkit.model.cim import EthernetPortItem, Item, ResourceItem, StorageItem


def nic(instance: str, network: str = "VM Network", *, line: int = 1, **fields: object) -> Item:
    return Item(
        instance_id=instance,
        resource_type=10,
        connection=[network],
        xml=XmlInfo(name="Item", gaps=("\n  ",) * 2),
        line=line,
        **fields,
    )


def config(value: str, *, line: int | None = None, children: list[Node] | None = None) -> Node:
    return Node(
        name="vmw:Config",
        attributes=[("vmw:key", "k"), ("vmw:value", value)],
        line=line,
        children=children or [],
    )


def test_layout_is_not_a_difference() -> None:
    a = [nic("1", line=10), nic("2", line=20, extensions=[config("x", line=21)])]
    b = [
        nic("1", line=99).model_copy(update={"xml": XmlInfo(name="rasd:Item"), "line": 5}),
        nic("2", line=50, extensions=[config("x", line=51)]),
    ]
    assert identical_flags(a, b) == [True, True]
    assert identical_run(a, b) == 2


def test_each_field_and_extension_counts() -> None:
    a = [nic("1"), nic("2"), nic("3", extensions=[config("x")]), nic("4", extensions=[config("x")]), nic("5")]
    b = [
        nic("1"),
        nic("2", "Backup"),
        nic("3", extensions=[config("y")]),
        nic("4", extensions=[config("x"), config("x")]),
        nic("5", attributes={"vmw:note": "n"}),
    ]
    assert identical_flags(a, b) == [True, False, False, False, False]
    assert identical_run(a, b) == 1
    assert [fingerprint(x) == fingerprint(y) for x, y in zip(a, b, strict=True)] == identical_flags(a, b)


def test_nested_children_and_other_extensions() -> None:
    nested = [config("x", children=[Node(name="vmw:Sub", gaps=["a"])])]
    other = [config("x", children=[Node(name="vmw:Sub", gaps=["b"])])]
    comment: list[Node | Comment | ProcessingInstruction] = [Comment(text="c"), config("x")]
    pi: list[Node | Comment | ProcessingInstruction] = [ProcessingInstruction(target="p"), config("x")]
    a = [nic("1", extensions=nested), nic("2", extensions=comment), nic("3", extensions=comment)]
    b = [nic("1", extensions=other), nic("2", extensions=list(comment)), nic("3", extensions=pi)]
    assert identical_flags(a, b) == [False, True, False]


def test_classes_count_even_with_equal_fields() -> None:
    a: list[ResourceItem] = [
        Item(instance_id="1"),
        StorageItem(instance_id="2"),
        EthernetPortItem(instance_id="3"),
    ]
    b: list[ResourceItem] = [Item(instance_id="1"), StorageItem(instance_id="2"), Item(instance_id="3")]
    assert identical_flags(a, b) == [True, True, False]
    assert identical_flags(a[:2], b[:2]) == [True, True]
    assert identical_run(a, b) == 2


def test_runs_stop_at_the_first_difference() -> None:
    a = [nic(str(i), extensions=[config(str(i))] if i % 2 else []) for i in range(300)]
    b = [nic(str(i), extensions=[config(str(i))] if i % 2 else []) for i in range(300)]
    assert identical_run(a, b) == 300
    assert identical_run(a, b[:-1]) == 299
    b[207] = nic("changed")
    assert identical_run(a, b) == 207
    assert identical_run(reversed(a), reversed(b)) == 92
    flags = identical_flags(a, b)
    assert flags.count(False) == 1 and not flags[207]
    assert identical_run([], b) == 0
    assert identical_flags([], []) == []
    assert identical_flags(a[:1], a[:1]) == [True]  # the same object


def test_lists_of_different_lengths_have_no_flags() -> None:
    with pytest.raises(ValueError, match="same length"):
        identical_flags([nic("1")], [])
