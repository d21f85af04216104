"""The rules' view of a document: indexes built once, unit parsing cache, shared values, lexical helpers."""

from __future__ import annotations

import ovfkit
from ovfkit.model import Envelope
from ovfkit.validate.context import Context, attribute_lexical, extension_nodes, leaf_lexicals
from tests.unit.validate.documents import VALID, changed


def context(data: bytes) -> Context:
    model = ovfkit.loads(data)
    assert isinstance(model, Envelope)
    return Context(model, source="t", dialect="vmware", profile="relaxed", version="1.x", xsd_checked=True)


def test_indexes() -> None:
    ctx = context(VALID.encode())
    assert [f.id for f in ctx.files] == ["file1"] and list(ctx.disk_ids) == ["vmdisk1"]
    assert list(ctx.networks) == ["VM Network"] and ctx.has_network_section
    assert [s.id for s in ctx.systems] == ["vm"] and len(ctx.items) == 5
    index = ctx.item_index
    assert sorted(k for k in index.by_type if k is not None) == [3, 4, 6, 10, 17]
    assert [e.item.instance_id for e in index.with_parent] == ["4"]
    assert index.parent_of(index.with_parent[0]) is not None
    assert [e.item.instance_id for e in index.of_types(3, 4)] == ["1", "2"]
    assert [e.item.instance_id for e in ctx.nics] == ["5"]
    assert index.repeated_ids == [] and index.odd_numbers == [] and index.with_lexical == []


def test_units_are_parsed_once_and_errors_are_values() -> None:
    ctx = context(VALID.encode())
    units, problem = ctx.units("byte * 2^20")
    assert units is not None and units.multiplier == 2**20 and problem is None
    assert ctx.units("byte * 2^20")[0] is units
    assert ctx.units("block")[0] is None and "unknown unit" in (ctx.units("block")[1] or "")


def test_shared_values_are_computed_once() -> None:
    ctx = context(VALID.encode())
    calls: list[int] = []
    assert ctx.shared("k", lambda c: calls.append(1) or 42) == 42
    assert ctx.shared("k", lambda c: calls.append(1) or 0) == 42
    assert calls == [1]


def test_lexical_helpers() -> None:
    data = changed('ovf:size="1048576"', 'ovf:size="1_0"')
    data = data.replace(b"<rasd:VirtualQuantity>1024<", b"<rasd:VirtualQuantity>12.0<")
    ctx = context(data)
    assert attribute_lexical(ctx.files[0], "size") == "1_0"
    assert attribute_lexical(ctx.files[0], "id") is None
    memory = ctx.items[1].item
    assert leaf_lexicals(memory) == [("VirtualQuantity", 0, "12.0")]
    assert ctx.item_index.with_lexical[0].item is memory
    assert extension_nodes(memory) == []


def test_the_index_copies_out_what_the_parent_host_and_adapter_rules_read() -> None:
    data = changed("<rasd:Parent>3</rasd:Parent>", "<rasd:Parent> 3 </rasd:Parent>")
    index = context(data).item_index
    ((disk, parent, iid, address, bound),) = index.parents
    assert (parent, iid, address, bound) == ("3", "4", "0", None)
    ((linked, text, target),) = index.parent_links
    assert linked is disk and text == "3" and target is not None and target.item.instance_id == "3"
    assert [(e.item.instance_id, hosts) for e, hosts in index.host_resources] == [
        ("4", ["ovf:/disk/vmdisk1"])
    ]
    assert [(e.item.instance_id, c, a) for e, c, a in index.adapters] == [
        ("5", ["VM Network"], "00:50:56:01:02:03")
    ]


def test_a_blank_parent_is_looked_up_like_parent_of_does() -> None:
    data = changed("<rasd:Parent>3</rasd:Parent>", "<rasd:Parent> </rasd:Parent>")
    index = context(data).item_index
    ((entry, parent, target),) = index.parent_links
    assert parent == "" and target is None and index.parent_of(entry) is None


def test_units_are_grouped_and_quantities_summarised() -> None:
    data = changed(
        "<rasd:VirtualQuantity>1</rasd:VirtualQuantity>", "<rasd:VirtualQuantity>0</rasd:VirtualQuantity>"
    )
    index = context(data).item_index
    assert sorted((k, len(v)) for k, v in index.unit_groups.items()) == [
        ((3, "hertz * 10^6", None), 1),
        ((4, "byte * 2^20", None), 1),
    ]
    assert index.largest_quantity == 1024
    assert [e.item.instance_id for e in index.zero_quantity] == ["1"]


def test_adapters_follow_the_order_of_nics_whatever_the_types() -> None:
    data = changed(
        "<rasd:ResourceType>17</rasd:ResourceType>",
        "<rasd:ResourceType>11</rasd:ResourceType><rasd:Connection>B</rasd:Connection>",
    )
    ctx = context(data)
    assert [e.item.instance_id for e in ctx.nics] == ["4", "5"]
    assert [(e.item.instance_id, c) for e, c, _ in ctx.adapters] == [("4", ["B"]), ("5", ["VM Network"])]
