"""ovfkit.convert: the JSON form, its errors with JSON paths, the JSON Schema and the summary."""

from __future__ import annotations

import json
import os
import types
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

import ovfkit
from ovfkit import convert_check, testing
from ovfkit.convert import (
    FORMAT_VERSION,
    OvfJsonError,
    OvfJsonLimitError,
    check_writable,
    from_json,
    json_path,
    json_schema,
    summary_data,
    to_json,
    to_summary,
)
from ovfkit.errors import OvfParseError, OvfSecurityError
from ovfkit.model import (
    Comment,
    Disk,
    DiskSection,
    Document,
    Envelope,
    Environment,
    File,
    Item,
    Msg,
    Node,
    OvfModel,
    ProcessingInstruction,
    References,
    ResourceType,
    VirtualHardwareSection,
    VirtualSystem,
    VirtualSystemCollection,
    XmlInfo,
)
from ovfkit.model.base import _Base
from ovfkit.xmlio.safe import Limits
from tests.conftest import FIXTURES
from tests.helpers import assert_same_document

JSON_FIXTURES = FIXTURES / "json"
UPDATE_GOLDEN = os.environ.get("OVFKIT_UPDATE_GOLDEN") == "1"
OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"


def envelope_json(document: dict[str, Any]) -> str:
    return json.dumps({"ovfkit": "1", "kind": "envelope", "document": document})


def _ovf_node(name: str, **fields: Any) -> dict[str, Any]:
    """A generic element in the default namespace of a new document (OVF 1)."""
    return {"kind": "element", "name": name, "namespace": OVF1, **fields}


def new_envelope() -> Envelope:
    """A model built in code (no layout): one system with a disk and three Items."""
    return Envelope(
        version="1.0",
        references=References(files=[File(id="file1", href="disk1.vmdk", size=1_000_000)]),
        sections=[
            DiskSection(
                info=Msg(value="Virtual disks"),
                disks=[Disk(disk_id="vmdisk1", capacity="10", capacity_allocation_units="byte * 2^30")],
            )
        ],
        content=VirtualSystem(
            id="vm",
            info=Msg(value="A virtual machine"),
            sections=[
                VirtualHardwareSection(
                    info=Msg(value="Virtual hardware"),
                    items=[
                        Item(instance_id="1", resource_type=ResourceType.PROCESSOR, virtual_quantity=2),
                        Item(instance_id="2", resource_type=ResourceType(0), element_name="oVirt other"),
                        Item(instance_id="3", resource_type=ResourceType(32768), required=False),
                    ],
                )
            ],
        ),
    )


# -- the JSON form ---------------------------------------------------------------------------------


def test_compact_form_is_one_line_with_the_format_marker() -> None:
    text = to_json(new_envelope())
    assert "\n" not in text
    data = json.loads(text)
    assert list(data) == ["ovfkit", "kind", "layouts", "document"]
    assert data["ovfkit"] == FORMAT_VERSION == "2"
    assert data["kind"] == "envelope"


def test_typed_values_are_json_numbers_and_booleans_and_none_is_left_out() -> None:
    data = json.loads(to_json(new_envelope()))["document"]
    assert data["references"]["files"][0]["size"] == 1_000_000
    items = data["content"]["sections"][0]["items"]
    assert items[0]["resource_type"] == 3 and items[0]["virtual_quantity"] == 2
    assert items[1]["resource_type"] == 0
    assert items[2]["resource_type"] == 32768 and items[2]["required"] is False
    assert "xml" not in data and "lang" not in data  # None fields are not written
    assert data["content"]["kind"] == "VirtualSystem"
    assert data["sections"][0]["kind"] == "DiskSection"


def test_indented_form_holds_the_same_data() -> None:
    model = new_envelope()
    compact, pretty = to_json(model), to_json(model, indent=4)
    assert json.loads(pretty) == json.loads(compact)
    lines = pretty.splitlines()
    assert lines[0] == "{" and lines[1] == '    "ovfkit": "2",' and lines[-1] == "}"
    assert all(line.startswith("    ") for line in lines[1:-1])
    assert from_json(pretty) == model


def test_to_json_refuses_what_is_not_a_document() -> None:
    with pytest.raises(TypeError):
        to_json(Msg(value="x"))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        to_json(new_envelope(), indent=-1)


def test_a_model_built_in_code_round_trips() -> None:
    model = new_envelope()
    back = from_json(to_json(model))
    assert isinstance(back, Envelope)
    assert back == model
    assert ovfkit.dumps(back) == ovfkit.dumps(model)


def test_resource_type_pseudo_members_survive() -> None:
    back = from_json(to_json(new_envelope()))
    assert isinstance(back, Envelope)
    hardware = back.virtual_systems()[0].sections[0]
    assert isinstance(hardware, VirtualHardwareSection)
    kinds = [item.resource_type for item in hardware.items]
    assert kinds == [ResourceType.PROCESSOR, ResourceType(0), ResourceType(32768)]
    assert all(isinstance(kind, ResourceType) for kind in kinds)
    assert kinds[1] is not None and kinds[1].name == "UNKNOWN_0"
    assert kinds[2] is not None and kinds[2].name == "VENDOR_32768"


def test_nested_collections_and_section_kinds_round_trip() -> None:
    inner = VirtualSystemCollection(id="inner", contents=[VirtualSystem(id="b"), VirtualSystem(id="c")])
    model = Envelope(content=VirtualSystemCollection(id="outer", contents=[VirtualSystem(id="a"), inner]))
    back = from_json(to_json(model))
    assert back == model
    assert isinstance(back, Envelope)
    assert [vs.id for vs in back.virtual_systems()] == ["a", "b", "c"]
    assert isinstance(back.content, VirtualSystemCollection)
    assert isinstance(back.content.contents[1], VirtualSystemCollection)


@pytest.mark.parametrize(
    "path", [FIXTURES / "dmtf" / "cot-minimal.ovf", FIXTURES / "ovirt" / "ovf" / "web01-full-vm.ovf"], ids=str
)
def test_loaded_fixtures_round_trip_byte_identically(path: Path) -> None:
    data = path.read_bytes()
    model = ovfkit.loads(data)
    back = from_json(to_json(model))
    assert back == model
    assert ovfkit.dumps(back) == ovfkit.dumps(model)
    assert_same_document(data, ovfkit.dumps(back))


def test_layout_facts_survive_json() -> None:
    data = (JSON_FIXTURES / "ovf-env.xml").read_bytes()
    model = ovfkit.loads(data)
    back = from_json(to_json(model))
    assert isinstance(model, Environment) and isinstance(back, Environment)
    assert back.xml == model.xml  # ns pairs, attribute order, gaps
    assert back.platform is not None and back.platform.xml is not None
    assert back.platform.timezone == 60
    assert back.platform.xml.lexical == {"4": "+060"}  # keys are child indexes as strings
    assert back.document == model.document
    assert back.properties["motd"] == "line one\nline two & more"
    assert isinstance(back.extensions[0], Node) and back.extensions[0].name == "ve:EthernetAdapterSection"
    assert ovfkit.dumps(back) == ovfkit.dumps(model)


def test_bytes_and_a_byte_order_mark_are_accepted() -> None:
    text = to_json(new_envelope())
    assert (
        from_json(text.encode()) == from_json("\ufeff" + text) == from_json(b"\xef\xbb\xbf" + text.encode())
    )


@pytest.mark.parametrize("name", ["cot-minimal", "ovf-env"])
def test_golden_json(name: str) -> None:
    """The JSON form is stable: a change here needs a new FORMAT_VERSION or a deliberate update.

    Regenerate with ``OVFKIT_UPDATE_GOLDEN=1`` (never silently).
    """
    source = FIXTURES / "dmtf" / "cot-minimal.ovf" if name == "cot-minimal" else JSON_FIXTURES / "ovf-env.xml"
    golden = JSON_FIXTURES / f"{name}.json"
    text = to_json(ovfkit.load(source), indent=2) + "\n"
    if UPDATE_GOLDEN:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing; create it with OVFKIT_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def _optional_fields() -> list[tuple[str, str, Any]]:
    found = []
    stack: list[type[Any]] = [_Base]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("ovfkit.model"):
            continue
        for name, info in cls.model_fields.items():
            annotation = info.annotation
            members = typing.get_args(annotation)
            origin = typing.get_origin(annotation)
            if (origin is typing.Union or origin is types.UnionType) and type(None) in members:
                found.append((cls.__name__, name, info.default))
    return found


def test_every_nullable_field_defaults_to_none() -> None:
    """``to_json`` leaves None out, which is lossless only when None is every nullable field's default."""
    found = _optional_fields()
    assert len(found) > 100
    assert [(cls, name) for cls, name, default in found if default is not None] == []


# -- the layout table ------------------------------------------------------------------------------


def generated_descriptor(items: int = 60, disks: int = 6) -> Envelope:
    from bench.generate import descriptor

    model = ovfkit.loads(descriptor(items, disks))
    assert isinstance(model, Envelope)
    return model


def all_models(value: Any) -> list[OvfModel]:
    found: list[OvfModel] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, OvfModel):
            found.append(item)
            stack.extend(item.__dict__.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def to_format_1(text: str) -> str:
    """The same document as ovfkit wrote it before the layout table: each layout in place."""
    data = json.loads(text)
    layouts = data.pop("layouts")

    def inline(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: layouts[item] if key == "xml" and isinstance(item, int) else inline(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [inline(item) for item in value]
        return value

    return json.dumps({**inline(data), "ovfkit": "1"})


def test_each_layout_is_written_once_and_elements_name_it_by_number() -> None:
    model = generated_descriptor()
    data = json.loads(to_json(model))
    laid_out = [m for m in all_models(model) if m.xml is not None]
    distinct = {json.dumps(m.xml.model_dump(mode="json"), sort_keys=True) for m in laid_out if m.xml}
    assert len(data["layouts"]) == len(distinct) < len(laid_out)
    items = data["document"]["content"]["sections"][1]["items"]
    assert all(isinstance(item["xml"], int) for item in items)
    assert data["layouts"][items[0]["xml"]]["name"] == "Item"


def test_read_back_elements_of_one_layout_share_it() -> None:
    back = from_json(to_json(generated_descriptor()))
    items = [m for m in all_models(back) if isinstance(m, Item)]
    by_number: dict[str, XmlInfo] = {}
    for item in items:
        assert item.xml is not None
        known = by_number.setdefault(repr(item.xml), item.xml)
        assert known is item.xml  # equal layouts are one object
    assert len(by_number) < len(items)


def test_the_text_depends_only_on_the_values_not_on_sharing() -> None:
    model = generated_descriptor()
    unshared = model.model_copy(deep=True)
    for element in all_models(unshared):
        if element.xml is not None:
            element.xml = element.xml.model_copy(deep=True)  # equal, no longer shared
    assert to_json(unshared) == to_json(model)
    assert to_json(unshared, indent=2) == to_json(model, indent=2)


def test_empty_defaults_are_left_out_and_read_back() -> None:
    model = generated_descriptor()
    text = to_json(model)
    assert '"extensions":[]' not in text and '"attributes":{}' not in text and '"connection":[]' not in text
    assert '"ns":[]' not in text and '"lexical":{}' not in text
    back = from_json(text)
    assert back == model and ovfkit.dumps(back) == ovfkit.dumps(model)
    written = json.loads(text)["document"]["content"]["sections"][1]["items"]
    read = back.content.sections[1].items  # type: ignore[union-attr]
    assert "connection" not in written[0] and read[0].connection == [] and read[0].extensions == []


@pytest.mark.parametrize(
    "path", [FIXTURES / "ovirt" / "ovf" / "web01-full-vm.ovf", JSON_FIXTURES / "ovf-env.xml"]
)
def test_format_1_is_still_read(path: Path) -> None:
    model = ovfkit.load(path)
    old = to_format_1(to_json(model))
    assert json.loads(old)["ovfkit"] == "1"
    back = from_json(old)
    assert back == model and ovfkit.dumps(back) == ovfkit.dumps(model)


def test_the_table_may_come_after_the_document() -> None:
    model = generated_descriptor(10, 2)
    data = json.loads(to_json(model))
    moved = {key: data[key] for key in ("ovfkit", "kind", "document", "layouts")}
    assert ovfkit.dumps(from_json(json.dumps(moved))) == ovfkit.dumps(model)


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        (lambda d: d["document"].__setitem__("xml", 99), "$.document.xml", "layout 99 is not in"),
        (lambda d: d["document"].__setitem__("xml", -1), "$.document.xml", "layout -1 is not in"),
        (lambda d: d["document"].__setitem__("xml", True), "$.document.xml", "number of an entry"),
        (lambda d: d["document"].__setitem__("xml", "0"), "$.document.xml", "number of an entry"),
        (lambda d: d["document"].__setitem__("xml", d["layouts"][0]), "$.document.xml", "number of an entry"),
        (lambda d: d.__setitem__("layouts", []), "$.document.xml", "layout 0 is not in the document's 0"),
        (lambda d: d["layouts"][0].__setitem__("attrs", "x"), "$.layouts[0].attrs", "valid array (got"),
        (lambda d: d["layouts"][0].__setitem__("extra", 1), "$.layouts[0].extra", "not permitted"),
        (lambda d: d.__setitem__("ovfkit", "1"), "$.layouts", 'format "1" has no layout table'),
        # what the writer refuses
        (lambda d: d["layouts"][0]["ns"].append(["ve", "urn:other"]), "$.layouts[0].ns[3]", "declared twice"),
        (
            lambda d: d["document"]["extensions"][0].__setitem__("gaps", ["a", "b", "c"]),
            "$.document.extensions[0].gaps",
            "3 text runs around 1 children",
        ),
        (
            lambda d: d["document"]["extensions"][0]["children"][0].__setitem__("gaps", [""]),
            "$.document.extensions[0].children[0].gaps",
            "none at all when it is empty",
        ),
    ],
    ids=[
        "past-the-end",
        "negative",
        "boolean",
        "string",
        "object",
        "no-table",
        "entry",
        "extra",
        "format-1",
        "prefix-twice",
        "runs-over-children",
        "empty-run",
    ],
)
def test_wrong_layouts_and_what_the_writer_refuses_name_the_json_path(
    change: Any, path: str, fragment: str
) -> None:
    data = json.loads(to_json(ovfkit.load(JSON_FIXTURES / "ovf-env.xml")))
    change(data)
    with pytest.raises(OvfJsonError) as caught:
        from_json(json.dumps(data))
    assert caught.value.path == path
    assert fragment in caught.value.message


def test_a_character_xml_cannot_carry_in_a_layout_is_named_in_the_table() -> None:
    data = json.loads(to_json(ovfkit.load(JSON_FIXTURES / "ovf-env.xml")))
    number = data["document"]["platform"]["xml"]
    data["layouts"][number]["gaps"][1] = "\u0001"
    with pytest.raises(OvfJsonError) as caught:
        from_json(json.dumps(data))
    assert caught.value.path == f"$.layouts[{number}].gaps[1]"
    assert "(in the layout of $.document.platform)" in caught.value.message


def test_a_layout_many_elements_share_counts_for_each_of_them() -> None:
    data = json.loads(to_json(generated_descriptor(2, 1)))
    items = data["document"]["content"]["sections"][1]["items"]
    data["layouts"][items[0]["xml"]]["gaps"][0] = " " * 1000
    items[:] = [{**items[0], "instance_id": str(n)} for n in range(200)]
    text = json.dumps(data)
    assert len(text) < 50_000  # but its XML holds at least 200,000 characters
    with pytest.raises(OvfJsonLimitError, match="larger than the limit of 100000 bytes"):
        from_json(text, limits=Limits(max_bytes=100_000))
    back = from_json(text, limits=Limits(max_bytes=300_000))
    assert len(ovfkit.dumps(back)) > 200_000


def shared_by_items(change: Any, count: int) -> dict[str, Any]:
    """The JSON of a small descriptor whose first Item's layout, changed by ``change``, ``count`` Items
    share."""
    data = json.loads(to_json(generated_descriptor(2, 1)))
    items = data["document"]["content"]["sections"][1]["items"]
    change(data["layouts"][items[0]["xml"]])
    items[:] = [{**items[0], "instance_id": str(n)} for n in range(count)]
    return data


def test_a_shared_layout_over_the_limit_stops_the_walk_at_the_element_that_goes_over() -> None:
    data = shared_by_items(lambda layout: layout["gaps"].__setitem__(0, " " * 1000), 500)
    with pytest.raises(OvfJsonLimitError) as caught:
        from_json(json.dumps(data), limits=Limits(max_bytes=100_000))
    assert caught.value.path is not None
    assert caught.value.path.startswith("$.document.content.sections[1].items[")
    assert int(caught.value.path.rpartition("[")[2].rstrip("]")) < 100  # not all 500 walked


def test_entries_count_as_well_as_characters() -> None:
    many_entries = {str(n): "" for n in range(900)}
    data = shared_by_items(lambda layout: layout.__setitem__("lexical", many_entries), 300)
    with pytest.raises(OvfJsonLimitError):
        from_json(json.dumps(data), limits=Limits(max_bytes=100_000))


def test_a_shared_layout_declares_its_namespaces_once_per_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    declare_layout_ns = lambda layout: layout.__setitem__("ns", [["q", "urn:q"]])  # noqa: E731
    data = shared_by_items(declare_layout_ns, 300)
    calls = []
    original = convert_check._Checker.declare

    def counting(self: Any, pairs: Any, scope: Any) -> Any:
        calls.append(pairs)
        return original(self, pairs, scope)

    monkeypatch.setattr(convert_check._Checker, "declare", counting)
    back = from_json(json.dumps(data))
    assert len([m for m in all_models(back) if isinstance(m, Item)]) == 300
    assert len([pairs for pairs in calls if tuple(pairs) == (("q", "urn:q"),)]) == 1


def test_a_layout_number_outside_a_json_document_is_not_a_layout() -> None:
    with pytest.raises(ValueError):
        Item.model_validate({"xml": 0})
    assert Item.model_validate({"xml": {"name": "Item"}}).xml == XmlInfo(name="Item")


# -- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "fragment"),
    [
        ("[]", "$", "not ovfkit JSON"),
        ('{"kind": "envelope", "document": {}}', "$.ovfkit", "marker is missing"),
        ('{"ovfkit": "1", "document": {}}', "$.kind", "missing"),
        ('{"ovfkit": "1", "kind": "vm", "document": {}}', "$.kind", '"vm"'),
        ('{"ovfkit": "1", "kind": "summary", "systems": []}', "$.kind", "summary"),
        ('{"ovfkit": "3", "kind": "envelope", "document": {}}', "$.ovfkit", 'reads "1" and "2"'),
        ('{"ovfkit": "1", "kind": "envelope"}', "$.document", "required"),
        ('{"ovfkit": "1", "kind": "envelope", "document": {}, "x": 1}', "$.x", "not permitted"),
        (
            envelope_json({"sections": [{"kind": "DiskSection", "disks": [{"capacity": 5}]}]}),
            "$.document.sections[0].disks[0].capacity",
            "valid string",
        ),
        (
            envelope_json({"references": {"files": [{"size": "5"}]}}),
            "$.document.references.files[0].size",
            "valid integer",
        ),
        (
            envelope_json({"sections": [{"kind": "DiskSection", "required": "true"}]}),
            "$.document.sections[0].required",
            "valid boolean",
        ),
        (envelope_json({"sections": [{"kind": "NoSuchSection"}]}), "$.document.sections[0]", "NoSuchSection"),
        (envelope_json({"sections": [{"disks": []}]}), "$.document.sections[0]", "kind"),
        (
            envelope_json(
                {
                    "content": {
                        "kind": "VirtualSystem",
                        "sections": [{"kind": "VirtualHardwareSection", "items": [{"resource_type": 70000}]}],
                    }
                }
            ),
            "$.document.content.sections[0].items[0].resource_type",
            "0 to 65535",
        ),
        (
            envelope_json({"content": {"kind": "VirtualSystem", "bogus": 1}}),
            "$.document.content.bogus",
            "permitted",
        ),
        (envelope_json({"extensions": [{"kind": "element"}]}), "$.document.extensions[0].name", "required"),
        (
            envelope_json({"extensions": [{"kind": "element", "name": "a", "attributes": [["a"]]}]}),
            "$.document.extensions[0].attributes[0]",
            "",
        ),
        (envelope_json({"attributes": {"a": 1}}), "$.document.attributes.a", "valid string"),
        (
            envelope_json({"xml": {"name": "Envelope", "lexical": {"ovf:size": 5}}}),
            '$.document.xml.lexical["ovf:size"]',
            "valid string",
        ),
        (envelope_json({"document": {"prolog": [5]}}), "$.document.document.prolog[0]", ""),
    ],
)
def test_wrong_shapes_name_the_json_path(text: str, path: str, fragment: str) -> None:
    with pytest.raises(OvfJsonError) as caught:
        from_json(text)
    assert caught.value.path == path
    assert fragment in caught.value.message
    assert isinstance(caught.value, OvfParseError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("", 1, 0), ("{", 1, 1), ('{"ovfkit": "1",\n  "kind": nope}', 2, 12), ('{"a": "\x01"}', 1, 8)],
)
def test_invalid_json_has_a_line_and_column(text: str, line: int, column: int) -> None:
    with pytest.raises(OvfJsonError) as caught:
        from_json(text, source="input.json")
    assert caught.value.message.startswith("not valid JSON")
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value).startswith(f"input.json:{line}:{column}: ")


def _node(**fields: Any) -> dict[str, Any]:
    return {"kind": "element", "name": "vmw:Config", "namespace": _VMW[1], **fields}


_VMW = ["vmw", "http://www.vmware.com/schema/ovf"]
_OVF = ["ovf", "http://schemas.dmtf.org/ovf/envelope/1"]


@pytest.mark.parametrize(
    ("document", "path", "fragment"),
    [
        (
            {"extensions": [{"kind": "element", "name": "a b"}]},
            "$.document.extensions[0].name",
            "not a valid XML",
        ),
        (
            {"extensions": [{"kind": "element", "name": "1a"}]},
            "$.document.extensions[0].name",
            "not a valid XML",
        ),
        ({"extensions": [_node()]}, "$.document.extensions[0].name", "prefix 'vmw'"),
        (
            {"extensions": [_node(ns=[_VMW], attributes=[["x:y", "1"]])]},
            "$.document.extensions[0].attributes[0][0]",
            "prefix 'x'",
        ),
        (
            {"extensions": [_node(ns=[_VMW], attributes=[["vmw:a", "1"], ["vmw:a", "2"]])]},
            "$.document.extensions[0].attributes[1][0]",
            "twice",
        ),
        (
            {"extensions": [_node(ns=[_VMW, ["v2", _VMW[1]]], attributes=[["vmw:a", "1"], ["v2:a", "2"]])]},
            "$.document.extensions[0].attributes[1][0]",
            "twice",
        ),
        (
            {"extensions": [_node(ns=[_VMW], attributes=[["xmlns:q", "urn:q"]])]},
            "$.document.extensions[0].attributes[0][0]",
            "ns list",
        ),
        ({"extensions": [_node(ns=[["p", ""]])]}, "$.document.extensions[0].ns[0]", "empty namespace"),
        ({"extensions": [_node(ns=[["xml", "urn:x"]])]}, "$.document.extensions[0].ns[0]", "cannot be bound"),
        ({"extensions": [_node(ns=[["a:b", "urn:x"]])]}, "$.document.extensions[0].ns[0]", "prefix"),
        ({"extensions": [{"kind": "element", "name": "xmlns:a"}]}, "$.document.extensions[0].name", ""),
        (
            {"extensions": [_node(ns=[_VMW], children=[{"kind": "element", "name": "q:x"}])]},
            "$.document.extensions[0].children[0].name",
            "prefix 'q'",
        ),
        ({"extensions": [{"kind": "comment", "text": "a -- b"}]}, "$.document.extensions[0].text", "'--'"),
        ({"extensions": [{"kind": "comment", "text": "ends-"}]}, "$.document.extensions[0].text", "'-'"),
        (
            {"extensions": [{"kind": "pi", "target": "xml", "text": "x"}]},
            "$.document.extensions[0].target",
            "target",
        ),
        ({"extensions": [{"kind": "pi", "target": "a b"}]}, "$.document.extensions[0].target", "target"),
        (
            {"extensions": [{"kind": "pi", "target": "t", "text": "a?>b"}]},
            "$.document.extensions[0].text",
            "'?>'",
        ),
        ({"xml": {"name": "Envelope", "attrs": ["ovf:id"]}}, "$.document.xml.attrs[0]", "prefix 'ovf'"),
        (
            {"xml": {"name": "Envelope", "ns": [["ovf", "urn:o"]], "attrs": ["ovf:id", "ovf:id"]}},
            "$.document.xml.attrs[1]",
            "twice",
        ),
        (
            {"xml": {"name": "Envelope", "children": ["*", "bad name"]}},
            "$.document.xml.children[1]",
            "valid XML",
        ),
        (
            {"xml": {"name": "Envelope", "children": ["q:References"]}},
            "$.document.xml.children[0]",
            "prefix 'q'",
        ),
        (
            {"xml": {"name": "Envelope", "leaf_attrs": {"zero": []}}},
            "$.document.xml.leaf_attrs.zero",
            "index",
        ),
        (
            {
                "xml": {"name": "Envelope", "ns": [_OVF]},
                "attributes": {"ovf:version": "1.0"},
                "version": "2.0",
            },
            '$.document.attributes["ovf:version"]',
            "typed field 'version'",
        ),
        (
            {"attributes": {"ovf:version": "1.0"}, "version": "2.0"},  # a new document declares ovf: itself
            '$.document.attributes["ovf:version"]',
            "typed field 'version'",
        ),
        ({"attributes": {"q:a": "1"}}, '$.document.attributes["q:a"]', "prefix 'q'"),
        ({"attributes": {"xmlns": "urn:x"}}, "$.document.attributes.xmlns", "ns list"),
        (
            {
                "attributes": {"vmw:a": "1", "v:a": "2"},
                "xml": {"name": "Envelope", "ns": [_VMW, ["v", _VMW[1]]]},
            },
            '$.document.attributes["v:a"]',
            "twice",
        ),
        (
            {"document": {"declaration": '<?xml version="1.0"?><!DOCTYPE x>'}},
            "$.document.document.declaration",
            "",
        ),
        ({"document": {"prolog": ["<x/>"]}}, "$.document.document.prolog[0]", "whitespace"),
        (
            {"document": {"epilog": [{"kind": "comment", "text": "--"}]}},
            "$.document.document.epilog[0].text",
            "",
        ),
        ({"document": {"encoding": "utf-7"}}, "$.document.document.encoding", "cannot encode"),
        ({"document": {"encoding": "rot13"}}, "$.document.document.encoding", "cannot encode"),
        ({"document": {"encoding": "no-such-codec"}}, "$.document.document.encoding", "unknown"),
        ({"document": {"newline": "\r"}}, "$.document.document.newline", "newline"),
    ],
)
def test_what_would_not_be_well_formed_xml_names_the_json_path(
    document: dict[str, Any], path: str, fragment: str
) -> None:
    with pytest.raises(OvfJsonError) as caught:
        from_json(envelope_json(document))
    assert caught.value.path == path, str(caught.value)
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("escaped", "path"),
    [
        ("\\u0001", "$.document.extensions[0].gaps[0]"),
        ("\\b", "$.document.extensions[0].gaps[0]"),
        ("\\f", "$.document.extensions[0].gaps[0]"),
        ("\\uFFFE", "$.document.extensions[0].gaps[0]"),
        ("\uffff", "$.document.extensions[0].gaps[0]"),
    ],
)
def test_characters_xml_cannot_carry_are_found(escaped: str, path: str) -> None:
    text = envelope_json({"extensions": [_ovf_node("a", gaps=["GAP"])]}).replace("GAP", escaped)
    for form in (text, text.encode("utf-8")):
        with pytest.raises(OvfJsonError) as caught:
            from_json(form)
        assert caught.value.path == path
        assert "cannot be written in XML 1.0" in caught.value.message


def test_characters_in_keys_and_typed_fields_are_found() -> None:
    with pytest.raises(OvfJsonError) as caught:
        from_json(envelope_json({"content": {"kind": "VirtualSystem", "id": "a\u0002"}}))
    assert caught.value.path == "$.document.content.id"
    with pytest.raises(OvfJsonError) as caught:
        from_json(envelope_json({"xml": {"name": "Envelope", "lexical": {"a\u000b": "x"}}}))
    assert caught.value.path == '$.document.xml.lexical["a\\u000b"]'


def test_an_escaped_backslash_is_not_a_control_character() -> None:
    model = from_json(envelope_json({"extensions": [_ovf_node("a", gaps=["C:\\bin\\file"])]}))
    node = model.extensions[0]
    assert isinstance(node, Node) and node.gaps == ["C:\\bin\\file"]
    assert b"C:\\bin\\file" in ovfkit.dumps(model)


def test_limits_hold() -> None:
    deep: dict[str, Any] = _ovf_node("a")
    for _ in range(20):
        deep = _ovf_node("a", children=[deep])
    text = envelope_json({"extensions": [deep]})
    assert from_json(text) is not None
    with pytest.raises(OvfJsonError, match="deeper than the limit of 10"):
        from_json(text, limits=Limits(max_depth=10))
    many = envelope_json({"extensions": [_ovf_node("a")] * 50})
    with pytest.raises(OvfJsonError, match="more elements than the limit of 20"):
        from_json(many, limits=Limits(max_elements=20))
    with pytest.raises(OvfSecurityError, match="larger than the limit"):
        from_json(many, limits=Limits(max_bytes=100))


def test_messages_never_echo_much_input() -> None:
    long_name = "a b" * 50_000
    for text in (
        envelope_json({"extensions": [{"kind": "element", "name": long_name}]}),
        envelope_json({"references": {"files": [{"size": long_name}]}}),
        envelope_json({"xml": {"name": "Envelope", "attrs": [long_name]}}),
        '{"ovfkit": "1", "kind": "envelope", "document": {"' + long_name + '": 1}}',
        "[" + "1," * 100_000 + "}",
    ):
        with pytest.raises(OvfJsonError) as caught:
            from_json(text)
        assert len(str(caught.value)) < 700


def test_check_writable_agrees_with_dumps() -> None:
    """What check_writable passes, dumps writes and ovfkit reads back."""
    model = new_envelope()
    model.extensions.append(Node(name="vmw:Config", namespace=_VMW[1], ns=[(_VMW[0], _VMW[1])]))
    model.extensions.append(Comment(text=" ok "))
    model.extensions.append(ProcessingInstruction(target="app", text="x=1"))
    check_writable(model)
    assert isinstance(ovfkit.loads(ovfkit.dumps(model)), Envelope)
    model.extensions.append(Node(name="undeclared:Config"))
    with pytest.raises(OvfJsonError) as caught:
        check_writable(model)
    assert caught.value.path == "$.document.extensions[3].name"
    with pytest.raises(ovfkit.OvfWriteError):
        ovfkit.dumps(model)


def test_json_path_formatting() -> None:
    assert json_path([]) == "$"
    assert json_path(["document", "sections", 2, "disks", 0]) == "$.document.sections[2].disks[0]"
    assert json_path(["attributes", "ovf:size", "x-y", "_ok"]) == '$.attributes["ovf:size"]["x-y"]._ok'


# -- JSON Schema -----------------------------------------------------------------------------------


def test_json_schema_is_draft_2020_12() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_json_schema_types_resource_type_as_its_integer_range() -> None:
    resource_type = json_schema()["$defs"]["ResourceType"]
    assert resource_type["type"] == "integer"
    assert (resource_type["minimum"], resource_type["maximum"]) == (0, 65535)


def test_json_schema_requires_the_union_tags() -> None:
    defs = json_schema()["$defs"]
    for name in ("DiskSection", "VirtualSystem", "VirtualSystemCollection", "Node", "Comment"):
        assert "kind" in defs[name]["required"], name


def test_json_schema_accepts_outputs_and_refuses_wrong_shapes() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    model = new_envelope()
    model.extensions.append(Node(name="a", attributes=[("b", "c")], gaps=["t"]))
    validator.validate(json.loads(to_json(model)))
    validator.validate(json.loads(to_json(ovfkit.load(JSON_FIXTURES / "ovf-env.xml"))))
    wrong = json.loads(to_json(model))
    wrong["document"]["references"]["files"][0]["size"] = "big"
    assert not validator.is_valid(wrong)
    wrong = json.loads(to_json(model))
    wrong["document"]["content"]["sections"][0]["items"][0]["resource_type"] = 70000
    assert not validator.is_valid(wrong)
    assert not validator.is_valid({"ovfkit": "3", "kind": "envelope", "document": {}})
    wrong = json.loads(to_json(ovfkit.load(JSON_FIXTURES / "ovf-env.xml")))
    wrong["document"]["xml"] = wrong["layouts"][0]  # format 2 numbers its layouts
    assert not validator.is_valid(wrong)
    assert not validator.is_valid({"ovfkit": "1", "kind": "envelope", "document": {}})


def test_json_schema_is_a_fresh_copy() -> None:
    json_schema()["$defs"].clear()
    assert json_schema()["$defs"]


# -- summary ---------------------------------------------------------------------------------------


def test_summary_of_the_ovirt_fixture() -> None:
    model = ovfkit.load(FIXTURES / "ovirt" / "ovf" / "web01-full-vm.ovf")
    summary = to_summary(model)
    assert (summary["ovfkit"], summary["kind"], summary["summary_of"]) == ("1", "summary", "descriptor")
    assert summary["dialect"] == "ovirt"
    hardware = summary["systems"][0]["hardware"]
    assert set(hardware) >= {"cpus", "memory_bytes", "disks", "nics", "controllers", "devices", "os"}
    assert summary["disks"] and summary["networks"] is not None
    json.dumps(summary)  # plain JSON data


def test_summary_of_an_environment() -> None:
    summary = to_summary(ovfkit.load(JSON_FIXTURES / "ovf-env.xml"))
    assert summary["summary_of"] == "environment"
    assert summary["properties"] == {"hostname": "web01", "motd": "line one\nline two & more"}
    assert summary["platform"]["timezone"] == 60


def test_summary_data_is_what_show_prints() -> None:
    from ovfkit.cli.show import summary

    for path in (
        FIXTURES / "ovirt" / "ovf" / "web01-full-vm.ovf",
        *sorted((FIXTURES / "dmtf").glob("*.ovf")),
    ):
        model = ovfkit.load(path)
        assert summary_data(model) == summary(model), path


def test_a_collection_s_own_product_and_properties_come_first() -> None:
    """A vApp's ProductSection sits on its VirtualSystemCollection, before the systems' own."""
    model = ovfkit.loads(
        b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        b'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References/>'
        b'<VirtualSystemCollection ovf:id="app"><Info>a vApp</Info>'
        b"<ProductSection><Info>the app</Info><Product>App</Product><Version>2.0</Version>"
        b'<Property ovf:key="dns" ovf:type="string" ovf:value="1.1.1.1"/></ProductSection>'
        b'<VirtualSystem ovf:id="db"><Info>a VM</Info>'
        b"<ProductSection><Info>the database</Info><Product>MySQL</Product></ProductSection>"
        b"</VirtualSystem></VirtualSystemCollection></Envelope>"
    )
    summary = to_summary(model)
    assert [p["product"] for p in summary["products"]] == ["App", "MySQL"]
    assert [p["key"] for p in summary["properties"]] == ["dns"]


def test_a_summary_cannot_be_converted_back() -> None:
    text = json.dumps(to_summary(new_envelope()))
    with pytest.raises(OvfJsonError, match="summary"):
        from_json(text)


# -- properties ------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=testing.envelopes())
def test_generated_envelopes_round_trip(model: Envelope) -> None:
    back = from_json(to_json(model))
    assert back == model
    assert ovfkit.dumps(back) == ovfkit.dumps(model)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=testing.environments())
def test_generated_environments_round_trip(model: Environment) -> None:
    back = from_json(to_json(model, indent=1))
    assert back == model
    assert ovfkit.dumps(back) == ovfkit.dumps(model)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=testing.envelopes())
def test_generated_envelopes_read_back_from_xml_round_trip(model: Envelope) -> None:
    """A model read from XML (with its layout) survives JSON with every layout fact."""
    loaded = ovfkit.loads(ovfkit.dumps(model))
    text = to_json(loaded)
    back = from_json(text)
    assert back == loaded
    # the layout (xml, document) is compared too; key order follows how a model was built
    assert json.loads(to_json(back)) == json.loads(text)


def test_models_are_pydantic_models_of_the_package() -> None:
    """Guards the assumption the serializer relies on: every document part is an ovfkit model."""
    for cls in (Envelope, Environment, Document, XmlInfo, Node, Comment, ProcessingInstruction):
        assert issubclass(cls, _Base)
    assert issubclass(Item, OvfModel)


# -- what the loader reads, JSON carries: deep nesting, prefixes declared where they are used -------


def deep_nodes(depth: int) -> bytes:
    return (
        f'<Envelope xmlns="{OVF1}"><x:n xmlns:x="urn:x">'
        + "<x:n>" * (depth - 1)
        + "</x:n>" * depth
        + "</Envelope>"
    ).encode()


def deep_collections(depth: int) -> bytes:
    opening = "<VirtualSystemCollection><Info>i</Info>" * depth
    return (
        f'<Envelope xmlns="{OVF1}">' + opening + "</VirtualSystemCollection>" * depth + "</Envelope>"
    ).encode()


@pytest.mark.parametrize("data", [deep_nodes(127), deep_collections(126)], ids=["nodes", "collections"])
def test_every_depth_the_loader_reads_round_trips(data: bytes) -> None:
    """Deeper than pydantic serializes or parses JSON in one piece (about 80 and 100 levels)."""
    model = ovfkit.loads(data)
    for indent in (None, 2):
        back = from_json(to_json(model, indent=indent))
        assert back == model
        assert ovfkit.dumps(back) == ovfkit.dumps(model)


def test_errors_deep_inside_name_their_full_path() -> None:
    data = json.loads(to_json(ovfkit.loads(deep_nodes(120))))
    node = data["document"]["extensions"][0]
    for _ in range(110):
        node = node["children"][0]
    node["gaps"] = [5]
    with pytest.raises(OvfJsonError) as caught:
        from_json(json.dumps(data))
    assert caught.value.path == "$.document.extensions[0]" + ".children[0]" * 110 + ".gaps[0]"
    node["gaps"] = []
    node["name"] = "q:n"
    with pytest.raises(OvfJsonError) as caught:
        from_json(json.dumps(data))
    assert caught.value.path == "$.document.extensions[0]" + ".children[0]" * 110 + ".name"


def test_json_deeper_than_anything_is_refused() -> None:
    text = '{"ovfkit": "1", "kind": "envelope", "document": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    with pytest.raises(OvfJsonError):
        from_json(text)


def test_a_typed_element_declaring_its_own_prefix() -> None:
    data = (
        f'<Envelope xmlns="{OVF1}"><VirtualSystem><Info>i</Info><VirtualHardwareSection><Info>h</Info>'
        f'<ns0:Item xmlns:ns0="{OVF1}"/></VirtualHardwareSection></VirtualSystem></Envelope>'
    ).encode()
    model = ovfkit.loads(data)
    back = from_json(to_json(model))
    assert ovfkit.dumps(back) == ovfkit.dumps(model)
    broken = json.loads(to_json(model))
    broken["layouts"][broken["document"]["content"]["sections"][0]["items"][0]["xml"]]["ns"] = []
    with pytest.raises(OvfJsonError) as caught:
        from_json(json.dumps(broken))
    section_layout = broken["document"]["content"]["sections"][0]["xml"]
    assert caught.value.path == f"$.layouts[{section_layout}].children[1]"
    assert "(in the layout of $.document.content.sections[0])" in caught.value.message
