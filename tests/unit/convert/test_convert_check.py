"""ovfkit.convert_check: from_json holds the loader's Limits exactly, and counts what the XML will hold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

import ovfkit
from ovfkit.convert import from_json, to_json
from ovfkit.convert_check import _walk, check_writable, may_hold_illegal_characters
from ovfkit.convert_errors import OvfJsonError, OvfJsonLimitError
from ovfkit.model import Envelope, Item, Node, VirtualHardwareSection, VirtualSystem
from tests.conftest import FIXTURES, corpus_documents, corpus_id, needs_corpus

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
_HEAD = f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:rasd="{RASD}">'

#: Small documents with a bit of everything: typed leaves, attributes, extensions, comments, oVirt.
DOCUMENTS = [
    FIXTURES / "dmtf" / "cot-minimal.ovf",
    FIXTURES / "ovirt" / "ovf" / "web01-full-vm.ovf",
    FIXTURES / "json" / "ovf-env.xml",
]
SMALL_CORPUS = [path for path in corpus_documents(well_formed=True) if path.stat().st_size < 40_000]


def xml_counts(data: bytes) -> tuple[int, int]:
    """(elements, nodes) of a document as the loader counts them (``xmlio.safe``)."""
    parser = etree.XMLPullParser(events=("start", "comment", "pi", "start-ns"), resolve_entities=False)
    parser.feed(data)
    parser.close()
    elements = nodes = 0
    for event, node in parser.read_events():
        nodes += 1
        if event == "start":
            elements += 1
            nodes += len(node.attrib)
    return elements, nodes


def loads_ok(data: bytes, limits: ovfkit.Limits) -> bool:
    try:
        ovfkit.loads(data, limits=limits)
    except ovfkit.OvfSecurityError:
        return False
    return True


def from_json_ok(text: str, limits: ovfkit.Limits) -> bool:
    try:
        from_json(text, limits=limits)
    except OvfJsonLimitError:
        return False
    return True


def smallest_passing(passes: Callable[[int], bool], high: int) -> int:
    """The smallest value from 1 to ``high`` for which ``passes`` holds (it holds for ``high``)."""
    low = 1
    while low < high:
        middle = (low + high) // 2
        if passes(middle):
            high = middle
        else:
            low = middle + 1
    return low


# -- the counts are the written XML's ---------------------------------------------------------------


def _check_counts(path: Path) -> None:
    model = ovfkit.load(path)
    elements, nodes = xml_counts(ovfkit.dumps(model))
    exact = _walk(model, ovfkit.Limits(), "x", False, exact=True)
    assert exact.elements <= elements <= exact.elements + exact.slack
    assert exact.nodes <= nodes <= exact.nodes + exact.slack
    bound = _walk(model, ovfkit.Limits(), "x", False, exact=False)
    assert bound.elements >= elements and bound.nodes >= nodes


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_counts_bracket_what_the_written_xml_holds(path: Path) -> None:
    _check_counts(path)


@needs_corpus
@pytest.mark.parametrize("path", corpus_documents(well_formed=True), ids=corpus_id)
def test_counts_bracket_what_the_written_xml_holds_in_the_corpus(path: Path) -> None:
    _check_counts(path)


def test_a_document_without_untypeable_values_is_counted_exactly() -> None:
    model = ovfkit.load(FIXTURES / "dmtf" / "cot-minimal.ovf")
    exact = _walk(model, ovfkit.Limits(), "x", False, exact=True)
    assert (exact.elements, exact.nodes) == xml_counts(ovfkit.dumps(model))


def test_a_new_document_counts_the_declarations_of_its_root() -> None:
    model = Envelope(content=VirtualSystem(id="vm"))
    exact = _walk(model, ovfkit.Limits(), "x", False, exact=True)
    elements, nodes = xml_counts(ovfkit.dumps(model))
    assert exact.elements == elements == 2
    assert exact.nodes <= nodes <= exact.nodes + exact.slack
    assert nodes == 2 + 5 + 1  # Envelope, VirtualSystem, five declarations, ovf:id


# -- from_json refuses exactly what loading the XML refuses -------------------------------------------


def _agrees_at_the_edges(data: bytes) -> None:
    text = to_json(ovfkit.loads(data))
    elements, nodes = xml_counts(ovfkit.dumps(ovfkit.loads(data)))
    for name, edge in (("max_elements", elements), ("max_nodes", nodes)):
        for value in (edge - 1, edge, edge + 1):
            limits = ovfkit.Limits(**{name: value})
            assert from_json_ok(text, limits) == loads_ok(data, limits) == (value >= edge), (name, value)
    for name, high in (("max_depth", 200), ("max_text", len(data))):
        edge = smallest_passing(lambda value, n=name: loads_ok(data, ovfkit.Limits(**{n: value})), high)
        assert from_json_ok(text, ovfkit.Limits(**{name: edge})), (name, edge)
        if edge > 1:
            assert not from_json_ok(text, ovfkit.Limits(**{name: edge - 1})), (name, edge)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_from_json_and_loads_agree_at_every_limit_edge(path: Path) -> None:
    _agrees_at_the_edges(ovfkit.dumps(ovfkit.load(path)))


@needs_corpus
@pytest.mark.parametrize("path", SMALL_CORPUS, ids=corpus_id)
def test_from_json_and_loads_agree_at_every_limit_edge_in_the_corpus(path: Path) -> None:
    _agrees_at_the_edges(ovfkit.dumps(ovfkit.load(path)))


def _untypeable(count: int) -> bytes:
    """Items whose VirtualQuantity is no integer: kept by its text, with the value None."""
    items = "".join(
        f"<Item><rasd:InstanceID>{n}</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType>"
        "<rasd:VirtualQuantity>lots</rasd:VirtualQuantity></Item>"
        for n in range(count)
    )
    return (
        _HEAD
        + "<VirtualSystem ovf:id='vm'><Info>i</Info><VirtualHardwareSection><Info>h</Info>"
        + items
        + "</VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()


def test_values_kept_only_by_their_text_are_decided_by_the_loader() -> None:
    data = _untypeable(3)
    model = ovfkit.loads(data)
    item = model.virtual_systems()[0].sections[0].items[0]  # type: ignore[union-attr]
    assert isinstance(item, Item) and item.virtual_quantity is None and item.xml is not None
    assert item.xml.lexical  # the text "lots" is what is written
    _agrees_at_the_edges(data)


def test_an_edited_document_is_held_to_what_it_writes() -> None:
    model = ovfkit.loads(_untypeable(2))
    hardware = model.virtual_systems()[0].sections[0]
    assert isinstance(hardware, VirtualHardwareSection)
    hardware.items.append(Item(instance_id="9", element_name="new", connection=["a", "b"]))
    hardware.items[0].description = "added"
    data = ovfkit.dumps(model)
    elements, nodes = xml_counts(data)
    text = to_json(model)
    for name, edge in (("max_elements", elements), ("max_nodes", nodes)):
        assert from_json_ok(text, ovfkit.Limits(**{name: edge}))
        assert not from_json_ok(text, ovfkit.Limits(**{name: edge - 1}))


def _deep(depth: int) -> str:
    """The JSON of a document whose deepest element is at ``depth`` (the root counting as 1)."""
    node = Node(name="x:n", namespace="urn:x")
    for _ in range(depth - 2):
        node = Node(name="x:n", namespace="urn:x", children=[node])
    node.ns = [("x", "urn:x")]  # declared on the outermost
    return to_json(Envelope(extensions=[node]))


def test_depth_edge() -> None:
    limits = ovfkit.Limits(max_depth=30)
    assert from_json(_deep(30), limits=limits) is not None
    with pytest.raises(OvfJsonLimitError, match="deeper than the limit of 30") as caught:
        from_json(_deep(31), limits=limits)
    assert caught.value.path == "$.document.extensions[0]" + ".children[0]" * 29  # depth 30, 0-based


def test_a_typed_leaf_is_not_counted_in_the_depth_as_the_reader_does_not() -> None:
    data = (_HEAD + "<VirtualSystem><Info>i</Info></VirtualSystem></Envelope>").encode()
    text = to_json(ovfkit.loads(data))
    # Envelope, VirtualSystem and Info (a typed model) are elements 1 to 3; Info's text has no element
    assert loads_ok(data, ovfkit.Limits(max_depth=3)) and from_json_ok(text, ovfkit.Limits(max_depth=3))
    assert not loads_ok(data, ovfkit.Limits(max_depth=2))
    assert not from_json_ok(text, ovfkit.Limits(max_depth=2))


def test_limit_errors_are_json_errors_and_security_errors() -> None:
    with pytest.raises(OvfJsonLimitError) as caught:
        from_json(_deep(10), limits=ovfkit.Limits(max_depth=5))
    assert isinstance(caught.value, OvfJsonError) and isinstance(caught.value, ovfkit.OvfSecurityError)
    assert isinstance(caught.value, ovfkit.OvfParseError)


def test_comments_around_the_root_count_as_nodes() -> None:
    comments = "".join(f"<!--{n}-->" for n in range(30))
    data = (comments + f'<Envelope xmlns="{OVF1}"/>' + comments).encode()
    text = to_json(ovfkit.loads(data))
    _elements, nodes = xml_counts(data)
    assert nodes == 62
    assert from_json_ok(text, ovfkit.Limits(max_nodes=62))
    assert not from_json_ok(text, ovfkit.Limits(max_nodes=61))


def test_long_text_is_measured_in_characters() -> None:
    data = (_HEAD + "<VirtualSystem><Info>" + "\u00e9" * 500 + "</Info></VirtualSystem></Envelope>").encode()
    text = to_json(ovfkit.loads(data))
    assert from_json_ok(text, ovfkit.Limits(max_text=500))
    assert not from_json_ok(text, ovfkit.Limits(max_text=499))
    assert from_json_ok(text.encode(), ovfkit.Limits(max_text=500))


def test_gaps_that_a_removed_child_joins_are_held_as_one_text() -> None:
    data = (_HEAD + "<VirtualSystem><Info>i</Info>" + " " * 40 + "<Name>n</Name>" + " " * 40).encode()
    data += b"</VirtualSystem></Envelope>"
    model = ovfkit.loads(data)
    model.virtual_systems()[0].name = None  # the two gaps around Name become one text node of 80
    text = to_json(model)
    written = ovfkit.dumps(model)
    edge = smallest_passing(lambda value: loads_ok(written, ovfkit.Limits(max_text=value)), len(written))
    assert from_json_ok(text, ovfkit.Limits(max_text=edge))
    assert not from_json_ok(text, ovfkit.Limits(max_text=edge - 1))


def test_check_writable_without_the_text_walks_the_strings() -> None:
    model = ovfkit.loads(
        (_HEAD + "<VirtualSystem><Info>" + "x" * 50 + "</Info></VirtualSystem></Envelope>").encode()
    )
    check_writable(model, limits=ovfkit.Limits(max_text=50))
    with pytest.raises(OvfJsonLimitError):
        check_writable(model, limits=ovfkit.Limits(max_text=49))


def test_a_node_in_another_namespace_than_its_prefix_is_refused() -> None:
    model = Envelope(extensions=[Node(name="x:n", namespace="urn:other", ns=[("x", "urn:x")])])
    with pytest.raises(OvfJsonError) as caught:
        check_writable(model)
    assert caught.value.path == "$.document.extensions[0].namespace"
    with pytest.raises(ovfkit.OvfWriteError):
        ovfkit.dumps(model)
    fixed = Envelope(extensions=[Node(name="x:n", namespace="urn:x", ns=[("x", "urn:x")])])
    check_writable(fixed)
    assert ovfkit.loads(ovfkit.dumps(fixed)) is not None


# -- elements written alike are checked once, and every one is still counted and walked -------------

_VMW = "http://www.vmware.com/schema/ovf"


def _alike(count: int) -> bytes:
    """``count`` Items laid out alike: typed leaves, a leaf list, and a vendor node each."""
    items = "".join(
        f"<Item><rasd:Connection>a</rasd:Connection><rasd:Connection>b</rasd:Connection>"
        f"<rasd:InstanceID>{n}</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType>"
        f'<vmw:Config ovf:required="false" vmw:key="k{n}" vmw:value="v"/></Item>'
        for n in range(count)
    )
    head = _HEAD.replace(">", f' xmlns:vmw="{_VMW}">', 1)
    return (
        head
        + "<VirtualSystem ovf:id='vm'><Info>i</Info><VirtualHardwareSection><Info>h</Info>"
        + items
        + "</VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()


def _hardware(model: Envelope) -> VirtualHardwareSection:
    section = model.virtual_systems()[0].sections[0]
    assert isinstance(section, VirtualHardwareSection)
    return section


def test_items_written_alike_are_counted_each() -> None:
    data = _alike(40)
    _check_counts_of(ovfkit.loads(data), data)
    _agrees_at_the_edges(data)


def _check_counts_of(model: Envelope, data: bytes) -> None:
    elements, nodes = xml_counts(data)
    bound = _walk(model, ovfkit.Limits(), "x", False, exact=False)
    exact = _walk(model, ovfkit.Limits(), "x", False, exact=True)
    assert bound.elements >= elements and bound.nodes >= nodes
    assert (exact.elements, exact.nodes) == (elements, nodes)


def test_the_vendor_node_of_a_later_item_written_alike_is_checked() -> None:
    model = ovfkit.loads(_alike(20))
    _hardware(model).items[15].extensions[0].name = "u:Config"  # type: ignore[union-attr]
    with pytest.raises(OvfJsonError, match="prefix 'u'") as caught:
        check_writable(model)
    assert caught.value.path == "$.document.content.sections[0].items[15].extensions[0].name"


def test_a_later_item_laid_out_otherwise_is_checked() -> None:
    model = ovfkit.loads(_alike(20))
    item = _hardware(model).items[12]
    assert item.xml is not None
    children = ("rasd:Connection", "rasd:Connection", "rasd:InstanceID", "u:ResourceType", "*")
    item.xml = item.xml.model_copy(update={"children": children})
    with pytest.raises(OvfJsonError, match="prefix 'u'") as caught:
        check_writable(model)
    assert caught.value.path == "$.document.content.sections[0].items[12].xml.children[3]"


def test_a_child_name_written_many_times_is_reported_where_it_first_is() -> None:
    model = ovfkit.loads(_alike(20))
    section = _hardware(model)
    assert section.xml is not None
    children = list(section.xml.children)
    children[5] = children[9] = "u:Item"
    section.xml = section.xml.model_copy(update={"children": tuple(children)})
    with pytest.raises(OvfJsonError, match="prefix 'u'") as caught:
        check_writable(model)
    assert caught.value.path == "$.document.content.sections[0].xml.children[5]"


def _vendor_nodes(*nodes: Node) -> Envelope:
    return Envelope(
        extensions=[Node(name="x:p", namespace="urn:x", ns=[("x", "urn:x")], children=list(nodes))]
    )


def test_nodes_written_alike_share_a_check_of_their_name_namespace_and_attributes() -> None:
    alike = [Node(name="x:n", namespace="urn:x", attributes=[("x:a", str(n))]) for n in range(3)]
    check_writable(_vendor_nodes(*alike))
    other_namespace = Node(name="x:n", namespace="urn:other", attributes=[("x:a", "3")])
    with pytest.raises(OvfJsonError) as caught:
        check_writable(_vendor_nodes(*alike, other_namespace))
    assert caught.value.path == "$.document.extensions[0].children[3].namespace"
    twice = Node(name="x:n", namespace="urn:x", attributes=[("x:a", "3"), ("x:a", "4")])
    with pytest.raises(OvfJsonError, match="written twice") as caught:
        check_writable(_vendor_nodes(*alike, twice))
    assert caught.value.path == "$.document.extensions[0].children[3].attributes[1][0]"
    undeclared = Node(name="x:n", namespace="urn:x", attributes=[("y:a", "3")])
    with pytest.raises(OvfJsonError, match="prefix 'y'") as caught:
        check_writable(_vendor_nodes(*alike, undeclared))
    assert caught.value.path == "$.document.extensions[0].children[3].attributes[0][0]"


# -- the character scan -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{"a": "plain\\nlines\\tand \\"quotes\\""}', False),
        ('{"a": "C:\\\\bin\\\\file"}', False),  # an escaped backslash before b and f
        ('{"a": "bell \\u0007"}', True),
        ('{"a": "\\b"}', True),
        ('{"a": "\\f"}', True),
        ('{"a": "\\uFFFE"}', True),
        ('{"a": "\ufffe"}', True),
        ('{"a": "\\u00e9 \\u2028"}', False),
    ],
)
def test_the_character_scan_finds_what_xml_cannot_carry(text: str, found: bool) -> None:
    assert may_hold_illegal_characters(text) is found
    assert may_hold_illegal_characters(text.encode()) is found
