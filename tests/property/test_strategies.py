"""The strategies of ``ovfkit.testing`` reach what they promise, and its assertions catch what they should."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

import ovfkit
import ovfkit.testing
from ovfkit.model import (
    Envelope,
    EthernetPortItem,
    Item,
    Node,
    ResourceType,
    StorageItem,
    VirtualHardwareSection,
    VirtualSystemCollection,
)
from ovfkit.testing import (
    TreeChange,
    assert_lossless,
    envelopes,
    layout_variants,
    lexical_variants,
    located_models,
    tree_changes,
    xml_names,
    xml_text,
)
from tests.conftest import ROOT
from tests.property.profiles import COMMON, examples

FIND = settings(max_examples=300, database=None, suppress_health_check=list(HealthCheck))


def models_in(envelope: Envelope) -> list[Any]:
    found: list[Any] = []
    stack: list[Any] = [envelope]
    while stack:
        current = stack.pop()
        found.append(current)
        for value in current.__dict__.values():
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, (ovfkit.model.OvfModel, Node)))
            elif isinstance(value, (ovfkit.model.OvfModel, Node)):
                stack.append(value)
    return found


def items_of(envelope: Envelope) -> list[Any]:
    return [m for m in models_in(envelope) if isinstance(m, (Item, StorageItem, EthernetPortItem))]


def nests(envelope: Envelope, depth: int) -> bool:
    def depth_of(content: Any) -> int:
        if isinstance(content, VirtualSystemCollection):
            return 1 + max((depth_of(c) for c in content.contents), default=0)
        return 0

    return depth_of(envelope.content) >= depth


REACHABLE: dict[str, Callable[[Envelope], bool]] = {
    "resource-type-0": lambda e: any(i.resource_type == 0 for i in items_of(e)),
    "vendor-resource-type": lambda e: any((i.resource_type or 0) >= 0x8000 for i in items_of(e)),
    "configuration-profiles": lambda e: any(i.configuration for i in items_of(e)),
    "bound": lambda e: any(i.bound for i in items_of(e)),
    "storage-item": lambda e: any(isinstance(i, StorageItem) for i in items_of(e)),
    "ethernet-port-item": lambda e: any(isinstance(i, EthernetPortItem) for i in items_of(e)),
    "nested-collections": lambda e: nests(e, 2),
    "vendor-node-declaring-its-namespace": lambda e: any(isinstance(m, Node) and m.ns for m in models_in(e)),
    "vendor-attribute": lambda e: any(
        any(":" in k for k in m.attributes) for m in models_in(e) if isinstance(m, ovfkit.model.OvfModel)
    ),
    "strings": lambda e: bool(e.strings and e.strings[0].messages),
    "property-values": lambda e: any(
        p.values for s in models_in(e) if isinstance(s, ovfkit.model.ProductSection) for p in s.properties
    ),
    "two-hardware-sections": lambda e: any(
        sum(isinstance(s, VirtualHardwareSection) for s in vs.sections) == 2 for vs in e.virtual_systems()
    ),
}


def test_envelopes_reach_every_feature() -> None:
    """Over a fixed (derandomized) run, every feature in REACHABLE shows up at least once."""
    seen: set[str] = set()

    @settings(
        max_examples=examples(60), derandomize=True, database=None, **{**COMMON, "phases": [Phase.generate]}
    )
    @given(envelopes())
    def record(envelope: Envelope) -> None:
        seen.update(name for name, predicate in REACHABLE.items() if predicate(envelope))

    record()
    assert seen == set(REACHABLE)


@settings(max_examples=examples(100), **COMMON)
@given(xml_text())
def test_text_is_xml_safe(text: str) -> None:
    assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in text)
    assert not any(0xD800 <= ord(c) <= 0xDFFF or c in "\ufffe\uffff" for c in text)


@settings(max_examples=examples(100), **COMMON)
@given(xml_names())
def test_names_are_xml_names(name: str) -> None:
    environment = "http://schemas.dmtf.org/ovf/environment/1"
    ovfkit.loads(f'<Environment xmlns="{environment}"><{name} xmlns="urn:x"/></Environment>')


def test_lexical_variants_write_non_canonical_forms() -> None:
    written = ovfkit.dumps(
        Envelope(
            content=ovfkit.model.VirtualSystem(
                sections=[VirtualHardwareSection(items=[Item(virtual_quantity=2048)])]
            )
        )
    )

    def has_lexical(data: bytes) -> bool:
        return any(m.xml is not None and m.xml.lexical for m, _ in located_models(ovfkit.loads(data)))

    found: list[bytes] = []

    @settings(
        max_examples=examples(20), derandomize=True, database=None, **{**COMMON, "phases": [Phase.generate]}
    )
    @given(lexical_variants(written))
    def record(variant: bytes) -> None:
        assert ovfkit.loads(variant) == ovfkit.loads(written)
        if has_lexical(variant):
            found.append(variant)

    record()
    assert found


def test_layout_variants_change_the_bytes_not_the_tree() -> None:
    written = ovfkit.dumps(Envelope(content=ovfkit.model.VirtualSystem(id="vm")))
    changed: list[bytes] = []

    @settings(
        max_examples=examples(20), derandomize=True, database=None, **{**COMMON, "phases": [Phase.generate]}
    )
    @given(layout_variants(written))
    def record(variant: bytes) -> None:
        assert ovfkit.loads(variant) == ovfkit.loads(written)
        if variant != written:
            changed.append(variant)

    record()
    assert changed


BASE = b'<a xmlns="urn:a"><b x="1">t</b>\n  <c/>\n</a>'


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (BASE, []),
        (b'<a xmlns="urn:a"><b x="2">t</b>\n  <c/>\n</a>', [TreeChange((0,), "attributes")]),
        (b'<a xmlns="urn:a"><b x="1">u</b>\n  <c/>\n</a>', [TreeChange((0,), "text")]),
        (b'<a xmlns="urn:a"><b x="1">t</b>\n  <c/>\n  <d/>\n</a>', [TreeChange((2,), "inserted")]),
        (b'<a xmlns="urn:a"><b x="1">t</b>\n</a>', [TreeChange((1,), "removed")]),
        (b'<a xmlns="urn:a"><b x="1">t</b>\n    <c/>\n</a>', [TreeChange((), "gaps")]),
        (
            b'<a xmlns="urn:a"><b x="1">t</b>\n  <c/><d/>\n</a>',
            [TreeChange((), "gaps"), TreeChange((2,), "inserted")],
        ),
        (b'<a xmlns="urn:a" xmlns:p="urn:p"><b x="1">t</b>\n  <c/>\n</a>', [TreeChange((), "namespaces")]),
        (
            b'<p:a xmlns:p="urn:a"><p:b x="1">t</p:b>\n  <p:c/>\n</p:a>',
            [
                TreeChange((), "name"),
                TreeChange((), "namespaces"),
                TreeChange((0,), "name"),
                TreeChange((1,), "name"),
            ],
        ),
    ],
    ids=[
        "same",
        "attribute",
        "text",
        "inserted",
        "removed",
        "gaps",
        "inserted-unindented",
        "namespace",
        "prefix",
    ],
)
def test_tree_changes_finds_each_kind_of_difference(after: bytes, expected: list[TreeChange]) -> None:
    assert tree_changes(BASE, after) == expected


def test_assert_lossless_catches_a_changed_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>'
    monkeypatch.setattr(
        ovfkit.testing,
        "dumps",
        lambda model: b'<oe:Environment xmlns:oe="http://schemas.dmtf.org/ovf/environment/1"/>',
    )
    with pytest.raises(AssertionError):
        assert_lossless(data)


def test_assert_lossless_returns_the_model() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!-- a --><Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>\n'
    )
    assert isinstance(assert_lossless(data), ovfkit.model.Environment)


def test_importing_without_hypothesis_says_what_to_install() -> None:
    code = "import sys; sys.modules['hypothesis'] = None; import ovfkit.testing"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode != 0
    assert "ImportError: ovfkit.testing needs hypothesis" in result.stderr
    assert "pip install 'ovfkit[test]'" in result.stderr


def test_resource_types_cover_zero_and_vendor_values() -> None:
    values = ovfkit.testing.resource_types()
    assert find(values, lambda v: v == 0, settings=FIND) == ResourceType(0)
    assert find(values, lambda v: v >= 0x8000, settings=FIND) >= 0x8000
