"""ovfkit.convert_write: the compiled serializers write what pydantic writes, only faster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

import ovfkit
from ovfkit import testing
from ovfkit.convert import to_json
from ovfkit.convert_write import _compiled, write_json, write_layouts, write_numbered
from ovfkit.model import (
    Comment,
    Disk,
    DiskSection,
    Envelope,
    Environment,
    Item,
    Msg,
    Node,
    ProcessingInstruction,
    ResourceType,
    SharedDisk,
    VirtualHardwareSection,
    VirtualSystem,
    VirtualSystemCollection,
)
from ovfkit.model.base import XmlInfo, _Base
from tests.conftest import FIXTURES, corpus_documents, corpus_id, needs_corpus

DOCUMENTS = [
    FIXTURES / "dmtf" / "cot-minimal.ovf",
    FIXTURES / "ovirt" / "ovf" / "web01-full-vm.ovf",
    FIXTURES / "json" / "ovf-env.xml",
]


def expected_json(model: BaseModel) -> tuple[Any, list[Any]]:
    """What ``write_numbered`` must write, made from pydantic's own JSON of the model.

    pydantic's data with every field whose default is an empty collection left out when it is empty,
    and every ``xml`` replaced by the number of its layout: layouts are numbered in the order the
    JSON meets them, equal ones once. Also the layouts, in that order.
    """
    data = json.loads(model.model_dump_json(exclude_none=True, serialize_as_any=True, warnings="error"))
    layouts: list[Any] = []

    def walk(value: Any, obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            out = {}
            fields = type(obj).model_fields
            for key, item in value.items():
                field, held = fields[key], getattr(obj, key)
                empty_default = field.default_factory in (list, dict) or (
                    field.default_factory is None and field.default in ((), [], {})
                )
                if empty_default and item in ([], {}):
                    continue
                if isinstance(held, XmlInfo):
                    layout = walk(item, held)
                    if layout not in layouts:
                        layouts.append(layout)
                    out[key] = layouts.index(layout)
                else:
                    out[key] = walk(item, held)
            return out
        if isinstance(obj, (list, tuple)):
            return [walk(item, held) for item, held in zip(value, obj, strict=True)]
        if isinstance(obj, dict):
            return {key: walk(item, obj[key]) for key, item in value.items()}
        return value

    return walk(data, model), layouts


def assert_written_as_expected(
    model: BaseModel, indents: tuple[int | None, ...] = (None, 0, 1, 2, 4)
) -> None:
    expected, layouts = expected_json(model)
    for indent in indents:
        text, numbered = write_numbered(model, indent)
        separators = (",", ":") if indent is None else (",", ": ")
        assert text == json.dumps(expected, indent=indent, ensure_ascii=False, separators=separators).encode()
        table = write_layouts(numbered, indent)
        assert table == json.dumps(layouts, indent=indent, ensure_ascii=False, separators=separators).encode()


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_fixtures_are_written_as_pydantic_writes_them(path: Path) -> None:
    assert_written_as_expected(ovfkit.load(path))


@needs_corpus
@pytest.mark.parametrize("path", corpus_documents(well_formed=True), ids=corpus_id)
def test_corpus_is_written_as_pydantic_writes_it(path: Path) -> None:
    assert_written_as_expected(ovfkit.load(path), (None, 2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=testing.envelopes())
def test_generated_envelopes_are_written_as_pydantic_writes_them(model: Envelope) -> None:
    assert_written_as_expected(model, (None, 3))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=testing.environments())
def test_generated_environments_are_written_as_pydantic_writes_them(model: Environment) -> None:
    assert_written_as_expected(model)


def test_every_kind_of_extension_and_pseudo_resource_type() -> None:
    items = [
        Item(instance_id="1", resource_type=ResourceType.PROCESSOR, virtual_quantity=2),
        Item(instance_id="2", resource_type=ResourceType(0)),
        Item(instance_id="3", resource_type=ResourceType(32768), required=False, configuration=["a", "b"]),
    ]
    items[0].extensions.extend(
        [
            Node(name="a", namespace="urn:a", attributes=[("b", "c")], gaps=["x", "y"], line=3),
            Comment(text=" c "),
            ProcessingInstruction(target="p", text="x=1"),
            ProcessingInstruction(target="q"),
            Node(name="e", children=[Node(name="f", children=[Comment(text="deep")])]),
        ]
    )
    model = Envelope(
        sections=[DiskSection(info=Msg(value="d"), disks=[Disk(disk_id="d1", capacity="1")])],
        content=VirtualSystemCollection(
            id="c",
            contents=[
                VirtualSystem(id="a", sections=[VirtualHardwareSection(items=items)]),
                VirtualSystemCollection(id="inner", contents=[VirtualSystem(id="b")]),
            ],
        ),
    )
    assert_written_as_expected(model)
    assert b'"line"' not in write_json(model)  # Node.line is never written
    assert (
        json.loads(write_json(model))["content"]["contents"][0]["sections"][0]["items"][2]["resource_type"]
        == 32768
    )


def test_only_the_classes_holding_sections_or_the_prolog_are_written_field_by_field() -> None:
    walked = {}
    stack: list[type] = [_Base]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("ovfkit.model") and cls.model_fields:
            found = _compiled(cls).walked
            if found:
                walked[cls.__name__] = found
    assert walked == {
        "_ContentBase": {"sections": True},
        "Envelope": {"sections": True, "content": False, "document": False},
        "Environment": {"document": False},
        "Document": {"prolog": True, "epilog": True},  # str | Comment | ProcessingInstruction
        "VirtualSystem": {"sections": True},
        "VirtualSystemCollection": {"sections": True, "contents": True},
    }


def test_union_members_are_written_the_same_once_their_classes_are_built() -> None:
    # A member of a union keeps its own class, whose own serializer knows nothing of the compiled
    # ones: with empty defaults left out it would drop a comment's "kind" and a PI's empty text.
    Comment(text="built")
    ProcessingInstruction(target="built")
    model = ovfkit.load(FIXTURES / "json" / "ovf-env.xml")
    assert isinstance(model, Environment)
    model.document.prolog.append(ProcessingInstruction(target="p"))
    model.document.epilog.append(Comment(text="c"))
    assert_written_as_expected(model)
    prolog = json.loads(write_numbered(model)[0])["document"]["prolog"]
    assert {"kind": "comment", "text": " written for ovfkit's JSON tests "} in prolog
    assert {"kind": "pi", "target": "p", "text": ""} in prolog


def test_a_value_of_another_class_is_written_as_its_field_declares() -> None:
    # DiskSection.disks holds Disk: a SharedDisk put there is written with Disk's fields, as
    # model_dump_json without serialize_as_any writes it (and as from_json, which forbids extra
    # keys, reads it back)
    section = DiskSection(disks=[Disk(disk_id="a")])
    section.disks.append(SharedDisk(disk_id="b", read_only=True))
    written = json.loads(write_json(section))
    assert written["disks"][1] == {"disk_id": "b"}
    assert written["disks"][1] == expected_json(DiskSection(disks=[Disk(disk_id="b")]))[0]["disks"][0]


def test_a_value_of_the_wrong_type_is_refused_as_dumps_refuses_it() -> None:
    item = Item.model_construct(instance_id=5)  # an int where a string belongs
    with pytest.raises(PydanticSerializationError):
        write_json(item)
    model = Envelope(content=VirtualSystem(sections=[VirtualHardwareSection(items=[item])]))
    with pytest.raises(ovfkit.OvfWriteError, match="cannot be written as JSON"):
        to_json(model)
    with pytest.raises(ovfkit.OvfWriteError):
        ovfkit.dumps(model)


def test_nesting_deeper_than_pydantic_serializes_still_gives_the_same_json() -> None:
    node = Node(name="n", namespace="urn:n")
    for _ in range(300):  # the loader reads at most 256 levels (libxml2), 128 by default
        node = Node(name="n", namespace="urn:n", children=[node])
    model = Envelope(extensions=[node])
    with pytest.raises(PydanticSerializationError, match="depth"):
        write_json(model)
    written = json.loads(to_json(model))["document"]
    innermost = written["extensions"][0]
    for _ in range(300):
        innermost = innermost["children"][0]
    assert innermost == {"kind": "element", "name": "n", "namespace": "urn:n"}
    deep: BaseModel = VirtualSystem(id="leaf")
    for level in range(150):
        deep = VirtualSystemCollection(id=f"c{level}", contents=[deep])
    collections = Envelope(content=deep)  # type: ignore[arg-type]
    assert (
        write_json(collections)
        == json.dumps(json.loads(to_json(collections))["document"], separators=(",", ":")).encode()
    )
