"""Compiled layout readers build exactly the models the general reader builds, and stay bounded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings

import ovfkit
from bench.generate import descriptor
from ovfkit.model import Item, VirtualHardwareSection
from ovfkit.model.binding import binding_of
from ovfkit.testing import descriptor_documents
from ovfkit.xmlio import read_layouts, reader
from tests.conftest import FIXTURES, corpus_documents, corpus_id, needs_corpus
from tests.fuzz import oracles
from tests.property.profiles import COMMON, examples

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
OVF2 = "http://schemas.dmtf.org/ovf/envelope/2"
EPASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData"


@pytest.fixture(autouse=True)
def _fresh_names(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts and ends with empty shared name caches (compiled layouts live there), and
    reads documents of any size with compiled layouts."""
    monkeypatch.setattr(reader, "_COMPILE_MIN_CHARS", 0)
    reader._NAMES.clear()
    yield
    reader._NAMES.clear()


def _read(
    data: bytes, monkeypatch: pytest.MonkeyPatch, *, compile_after: int, limits: ovfkit.Limits | None = None
) -> Any:
    """Load ``data`` with fresh caches, compiling layouts on their ``compile_after``-th sighting."""
    reader._NAMES.clear()
    monkeypatch.setattr(reader, "_COMPILE_AFTER", compile_after)
    return ovfkit.loads(data, limits=limits or ovfkit.Limits())


def _assert_same_model(data: bytes, limits: ovfkit.Limits | None = None) -> None:
    """The same model (or error) with compiled layouts off and with every layout compiled at once."""
    oracles.check_compiled_layouts(data, limits)


def _compiled_count() -> int:
    return sum(names.compiled for names in reader._NAMES.values())


def _items(count: int, item: str) -> bytes:
    """A descriptor whose hardware section holds ``count`` copies of ``item``."""
    return (
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:rasd="{RASD}" xmlns:vmw="urn:v">'
        '<VirtualSystem ovf:id="a"><Info>i</Info><VirtualHardwareSection><Info>h</Info>'
        + item * count
        + "</VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()


PLAIN_ITEM = (
    "<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>"
    "<rasd:ResourceType>3</rasd:ResourceType></Item>"
)


@needs_corpus
@pytest.mark.parametrize("path", corpus_documents(well_formed=True), ids=corpus_id)
def test_corpus_files_read_the_same_compiled(path: Any) -> None:
    _assert_same_model(path.read_bytes())


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.ovf")), ids=lambda path: path.name)
def test_fixtures_read_the_same_compiled(path: Any) -> None:
    _assert_same_model(path.read_bytes())


def test_generated_benchmark_file_reads_the_same_compiled() -> None:
    _assert_same_model(descriptor(300, 30))
    assert _compiled_count() > 0


@settings(max_examples=examples(40), **COMMON)
@given(descriptor_documents())
def test_generated_documents_read_the_same_compiled(data: bytes) -> None:
    _assert_same_model(data)


def test_small_documents_are_read_without_compiled_layouts() -> None:
    """Below ``_COMPILE_MIN_CHARS`` the dispatch costs more than compiled layouts save."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(reader, "_COMPILE_MIN_CHARS", 100_000)
        monkeypatch.setattr(reader, "_COMPILE_AFTER", 1)
        small = _items(50, PLAIN_ITEM)
        assert len(small) < 100_000
        ovfkit.loads(small)
        assert _compiled_count() == 0
        large = _items(100_000 // len(PLAIN_ITEM) + 1, PLAIN_ITEM)
        ovfkit.loads(large)
        assert _compiled_count() > 0


@pytest.mark.parametrize(
    "odd_item",
    [
        # a leaf with an attribute, a leaf with a child, an untypeable list entry, a comment
        '<Item><rasd:ElementName a="b">cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>'
        "<rasd:ResourceType>3</rasd:ResourceType></Item>",
        "<Item><rasd:ElementName>cpu<x/></rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>"
        "<rasd:ResourceType>3</rasd:ResourceType></Item>",
        "<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>"
        "<rasd:ResourceType>x3</rasd:ResourceType></Item>",
        "<Item><rasd:ElementName>cpu</rasd:ElementName><!--c--><rasd:InstanceID>1</rasd:InstanceID>"
        "<rasd:ResourceType>3</rasd:ResourceType></Item>",
        '<Item ovf:required="false" ovf:configuration="a b" vmw:x="1">'
        "<rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>"
        "<rasd:ResourceType>3</rasd:ResourceType></Item>",
    ],
)
def test_an_odd_element_after_a_compiled_layout_reads_the_same(
    odd_item: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the layout is compiled, an element of it that the compiled reader cannot take (a leaf
    with attributes or children) is read by the general reader, and either way the model is the
    same as without compiled readers."""
    data = _items(3, PLAIN_ITEM)[: -len(b"</VirtualHardwareSection></VirtualSystem></Envelope>")]
    data += odd_item.encode() + PLAIN_ITEM.encode() + b"</VirtualHardwareSection></VirtualSystem></Envelope>"
    _assert_same_model(data)
    model = _read(data, monkeypatch, compile_after=1)
    hardware = model.virtual_systems()[0].sections[0]
    assert isinstance(hardware, VirtualHardwareSection)
    assert len(hardware.items) == 5
    assert _compiled_count() > 0


def test_an_untypeable_list_entry_stays_a_node_under_a_compiled_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``epasd:AllowedPriorities`` is a list of numbers: an entry it cannot type is kept as a node,
    which changes the layout, so the compiled reader hands that element over before reading on."""
    item = (
        "<EthernetPortItem><epasd:AllowedPriorities>{}</epasd:AllowedPriorities>"
        "<epasd:InstanceID>1</epasd:InstanceID></EthernetPortItem>"
    )
    items = item.format(1) * 3 + item.format("one") + item.format(2)
    data = (
        f'<Envelope xmlns="{OVF2}" xmlns:ovf="{OVF2}" xmlns:epasd="{EPASD}">'
        '<VirtualSystem ovf:id="a"><Info>i</Info><VirtualHardwareSection><Info>h</Info>'
        f"{items}</VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()
    _assert_same_model(data)
    model = _read(data, monkeypatch, compile_after=1)
    hardware = model.virtual_systems()[0].sections[0]
    assert isinstance(hardware, VirtualHardwareSection)
    assert [port.allowed_priorities for port in hardware.ethernet_port_items] == [[1], [1], [1], [], [2]]
    assert [len(port.extensions) for port in hardware.ethernet_port_items] == [0, 0, 0, 1, 0]


def test_layouts_are_compiled_only_once_common() -> None:
    """Compiling costs about a hundred element reads: a layout seen fewer than ``_COMPILE_AFTER``
    times (counted across documents sharing the namespace context) is never compiled."""
    few = _items(reader._COMPILE_AFTER // 2 - 1, PLAIN_ITEM)
    ovfkit.loads(few)
    assert _compiled_count() == 0
    ovfkit.loads(few)
    ovfkit.loads(few)
    assert _compiled_count() == 1
    model = ovfkit.loads(_items(reader._COMPILE_AFTER * 2, PLAIN_ITEM))
    hardware = model.virtual_systems()[0].sections[0]
    assert isinstance(hardware, VirtualHardwareSection)
    assert all(isinstance(item, Item) and item.resource_type == 3 for item in hardware.items)
    assert _compiled_count() == 1


def test_compiled_layouts_are_bounded_per_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many distinct layouts (every Item with its own children) compile at most ``_MAX_COMPILED``."""
    monkeypatch.setattr(reader, "_COMPILE_AFTER", 1)
    monkeypatch.setattr(reader, "_MAX_COMPILED", 5)
    leaves = ["ElementName", "Description", "Caption", "Address", "InstanceID", "ResourceSubType"]
    items = "".join(
        "<Item>" + "".join(f"<rasd:{leaf}>1</rasd:{leaf}>" for leaf in leaves[: 1 + index % 6]) + "</Item>"
        for index in range(12)
    )
    assert ovfkit.dumps(ovfkit.loads(_items(1, items))) == _items(1, items)
    assert _compiled_count() == 5
    # layouts common but over the budget are read in general from then on, without recounting
    (names,) = reader._NAMES.values()
    by_layout = names.layout_readers[id(binding_of(Item))]
    assert any(found is reader._GENERAL for found in by_layout.values())
    counts = dict(names.layout_counts)
    ovfkit.loads(_items(1, items))
    assert names.layout_counts == counts
    assert _compiled_count() == 5


def test_layouts_beyond_the_size_limit_are_read_in_general() -> None:
    many = "<Item>" + "<rasd:Connection>n</rasd:Connection>" * (read_layouts.MAX_CHILDREN + 1) + "</Item>"
    data = _items(3, many)
    _assert_same_model(data)
    (names,) = reader._NAMES.values()
    assert not names.layout_readers.get(id(binding_of(Item)))


@pytest.mark.parametrize(
    "node",
    [
        '<vmw:Config ovf:required="false" vmw:key="k" vmw:value="v"/>',
        "<vmw:Config>t<x/>u</vmw:Config>",
        "<x>y</x>",
    ],
)
def test_untyped_children_read_in_place_are_the_same_nodes(node: str) -> None:
    """An untyped child without children is read by the compiled reader itself; with children, or
    without a namespace, by ``read_other``: the nodes are the same either way."""
    item = (
        "<Item><rasd:ElementName>disk</rasd:ElementName>"
        f"<rasd:InstanceID>1</rasd:InstanceID>{node}<rasd:ResourceType>17</rasd:ResourceType></Item>"
    )
    _assert_same_model(_items(4, item))


def test_the_depth_limit_holds_for_children_of_compiled_layouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the Item's children just below the limit, the compiled reader hands over and the
    general reader refuses the document as it would without compiled layouts."""
    item = "<Item><rasd:InstanceID>1</rasd:InstanceID><vmw:Config/></Item>"
    data = _items(3, item)
    limits = ovfkit.Limits(max_depth=4)  # Envelope 0, VirtualSystem 1, section 2, Item 3, Config 4
    monkeypatch.setattr(reader, "_COMPILE_AFTER", 1)
    with pytest.raises(ovfkit.OvfSecurityError, match="deeper than the limit of 4") as compiled:
        ovfkit.loads(data, limits=limits)
    reader._NAMES.clear()
    monkeypatch.setattr(reader, "_COMPILE_AFTER", 10**9)
    with pytest.raises(ovfkit.OvfSecurityError) as general:
        ovfkit.loads(data, limits=limits)
    assert str(compiled.value) == str(general.value)


@pytest.mark.parametrize(
    "item",
    [
        PLAIN_ITEM,
        "<Item><rasd:ElementName>a long name</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID></Item>",
        "<Item>\n            <rasd:InstanceID>1</rasd:InstanceID></Item>",
        '<Item><rasd:InstanceID>1</rasd:InstanceID><vmw:Config vmw:value="a long value"/></Item>',
        "<Item><rasd:InstanceID>1</rasd:InstanceID><vmw:Config>a long text</vmw:Config></Item>",
        '<Item ovf:configuration="a long list"><rasd:InstanceID>1</rasd:InstanceID></Item>',
    ],
)
def test_text_limits_hold_the_same_under_compiled_layouts(item: str) -> None:
    """With ``max_text`` below the document's length, every text, tail and attribute value is
    checked: an over-long one is refused with the same message (the same element) either way."""
    _assert_same_model(_items(3, PLAIN_ITEM) + b"", ovfkit.Limits(max_text=8))
    data = _items(3, PLAIN_ITEM)
    data = data.replace(b"</VirtualHardwareSection>", item.encode() * 2 + b"</VirtualHardwareSection>")
    _assert_same_model(data, ovfkit.Limits(max_text=8))
    _assert_same_model(data, ovfkit.Limits(max_text=20))


def test_compiled_children_are_bounded_across_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled code takes about 1 KB per child: all contexts together compile at most
    ``_MAX_COMPILED_CHILDREN`` children."""
    monkeypatch.setattr(reader, "_COMPILE_AFTER", 1)
    monkeypatch.setattr(reader, "_MAX_COMPILED_CHILDREN", 10)
    for prefix in ("rasd", "r"):
        data = _items(3, PLAIN_ITEM).replace(b"rasd", prefix.encode())
        assert ovfkit.dumps(ovfkit.loads(data)) == data
    assert len(reader._NAMES) == 2
    assert 0 < reader._compiled_children() <= 10


def _hardware_items(model: Any) -> list[Item]:
    section = next(s for s in model.content.sections if isinstance(s, VirtualHardwareSection))
    return list(section.items)


def test_items_written_alike_share_one_layout_and_keep_their_own_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _items(6, "\n" + PLAIN_ITEM)
    model = _read(data, monkeypatch, compile_after=1)
    items = _hardware_items(model)
    assert len({id(item.xml) for item in items}) == 1
    assert [item.line for item in items] == [2, 3, 4, 5, 6, 7]
    assert ovfkit.dumps(model) == data


def test_an_item_with_its_own_spelling_gets_its_own_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    odd = PLAIN_ITEM.replace(">3<", ">03<")
    data = _items(1, PLAIN_ITEM * 3 + odd + PLAIN_ITEM)
    model = _read(data, monkeypatch, compile_after=1)
    items = _hardware_items(model)
    layouts = [item.xml for item in items]
    assert layouts[3] is not None and layouts[3].lexical == {"2": "03"}
    assert all(layout is layouts[0] for i, layout in enumerate(layouts) if i != 3)
    assert all(layout is not None and not layout.lexical for i, layout in enumerate(layouts) if i != 3)
    assert ovfkit.dumps(model) == data


def test_a_new_layout_for_one_item_leaves_the_items_that_shared_it(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _items(4, PLAIN_ITEM)
    model = _read(data, monkeypatch, compile_after=1)
    items = _hardware_items(model)
    shared = items[1].xml
    assert shared is not None
    with pytest.raises(ValueError, match="frozen"):
        shared.gaps = ("\n",) * 4  # type: ignore[misc]
    items[1].xml = shared.model_copy(update={"gaps": ("\n  ",) * 4})
    assert items[0].xml is shared and items[2].xml is shared
    written = ovfkit.dumps(model)
    assert written.count(b"<rasd:ElementName>") == 4
    assert written.count(b"\n  <rasd:") == 3  # the second Item's three children only
    assert ovfkit.dumps(ovfkit.loads(written)) == written


def test_untyped_leaves_with_other_attributes_in_turn_read_the_same() -> None:
    """The attribute names of one untyped leaf are reused for the next only when its Clark names
    are the same ones."""
    configs = [
        '<vmw:Config vmw:key="k" vmw:value="v"/>',
        '<vmw:Config ovf:required="false" vmw:key="k"/>',
        '<vmw:Config vmw:value="v" vmw:key="k"/>',
        "<vmw:Config/>",
        '<vmw:Config xml:lang="en" vmw:key="k"/>',
    ]
    items = "".join(
        f"<Item><rasd:InstanceID>{n}</rasd:InstanceID>{configs[n % len(configs)]}</Item>" for n in range(20)
    )
    _assert_same_model(_items(1, items))


def test_items_read_alike_share_a_fields_set_until_one_is_assigned(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _items(3, PLAIN_ITEM)
    model = _read(data, monkeypatch, compile_after=1)
    first, second, third = _hardware_items(model)
    assert first.model_fields_set is second.model_fields_set is third.model_fields_set
    assert first.model_fields_set == {"xml", "line", "element_name", "instance_id", "resource_type"}
    second.caption = "a new caption"
    assert "caption" in second.model_fields_set
    assert "caption" not in first.model_fields_set and "caption" not in third.model_fields_set
    assert first.model_fields_set is third.model_fields_set
    second.element_name = "renamed"  # a name the shared set already holds: nothing to copy
    written = ovfkit.dumps(model)
    assert written.count(b"<rasd:Caption>a new caption</rasd:Caption>") == 1
    assert b"renamed" in written
    assert ovfkit.loads(written) == model
