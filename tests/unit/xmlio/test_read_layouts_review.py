"""Review probes of the compiled layout readers: edge-case documents read the same as the general reader.

Each probe reads a document once with compiled layouts off and once with every layout compiled on
first sight, and compares the models deeply (see ``test_read_layouts._assert_same_model``). The
last tests pin two bugs found in review and fixed: the depth limit once did not hold for typed model
children read by the general reader, and stored layout keys kept a copy of every child's tag.
"""

from __future__ import annotations

import gc
import threading
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovfkit
from ovfkit.xmlio import read_layouts, reader
from tests.helpers import model_difference as _difference
from tests.property.profiles import COMMON, examples
from tests.unit.xmlio.test_read_layouts import _assert_same_model, _compiled_count, _read

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
OVF2 = "http://schemas.dmtf.org/ovf/envelope/2"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
SASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_StorageAllocationSettingData"
EPASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData"
ENV = "http://schemas.dmtf.org/ovf/environment/1"

#: Root start tags of the namespace contexts probed: (start tag, root qname, OVF prefix, RASD prefix).
#: The first binds the OVF URI to the default namespace and to ``ovf:`` (names asked of each element);
#: the second has one prefix per URI (every layout compiles); the third binds one URI to two prefixes
#: (attribute spellings read from the text: compiled layouts off, the general reader reads).
HEADERS = [
    (
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:rasd="{RASD}" xmlns:vmw="urn:v">',
        "Envelope",
        "",
        "rasd",
    ),
    (f'<ovf:Envelope xmlns:ovf="{OVF1}" xmlns:r="{RASD}" xmlns:vmw="urn:v">', "ovf:Envelope", "ovf:", "r"),
    (
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:rasd="{RASD}" xmlns:vmw="urn:v" xmlns:w="urn:v">',
        "Envelope",
        "",
        "rasd",
    ),
]


@pytest.fixture(autouse=True)
def _fresh_names(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Empty shared name caches before and after each test; documents of any size use compiled layouts."""
    monkeypatch.setattr(reader, "_COMPILE_MIN_CHARS", 0)
    reader._NAMES.clear()
    yield
    reader._NAMES.clear()


def _envelope(items: str, header: int = 0, section: str = "VirtualHardwareSection") -> bytes:
    """A descriptor in namespace context ``HEADERS[header]`` whose ``section`` holds ``items``."""
    start, root, ovf, _ = HEADERS[header]
    ovf_attr = ovf or "ovf:"
    return (
        f'{start}<{ovf}VirtualSystem {ovf_attr}id="a"><{ovf}Info>i</{ovf}Info><{ovf}{section}>'
        f"<{ovf}Info>h</{ovf}Info>{items}</{ovf}{section}></{ovf}VirtualSystem></{root}>"
    ).encode()


def _item(children: str, attributes: str = "", ovf: str = "") -> str:
    return f"<{ovf}Item{attributes}>{children}</{ovf}Item>"


PLAIN = "<rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>"
RT = "<rasd:ResourceType>3</rasd:ResourceType>"

#: Items whose children or attributes the existing tests do not probe.
ODD_ITEMS = {
    "char and entity references": "<rasd:ElementName>a&lt;b&#65;&amp;</rasd:ElementName>" + RT,
    "cdata text": "<rasd:ElementName><![CDATA[<x>]]></rasd:ElementName>" + RT,
    "comment inside a leaf": "<rasd:ElementName>a<!--c-->b</rasd:ElementName>" + RT,
    "empty leaves": "<rasd:ElementName/><rasd:ResourceType/><rasd:Connection/>",
    "whitespace leaves": "<rasd:ElementName> </rasd:ElementName><rasd:ResourceType> 3 </rasd:ResourceType>",
    "mixed text": "x<rasd:ElementName>c</rasd:ElementName>y\n z" + RT + "w",
    "processing instruction": "<rasd:ElementName>c</rasd:ElementName><?p d?>" + RT,
    "xml attribute on a leaf": '<rasd:ElementName xml:lang="en">c</rasd:ElementName>' + RT,
    "list leaves interleaved": "<rasd:Connection>a</rasd:Connection><rasd:HostResource>h</rasd:HostResource>"
    "<rasd:Connection></rasd:Connection>" + RT + "<rasd:Connection>b</rasd:Connection>",
    "repeated single leaf": "<rasd:ElementName>a</rasd:ElementName><rasd:ElementName>b</rasd:ElementName>",
    "alias of a single leaf": "<rasd:InstanceID>1</rasd:InstanceID><rasd:InstanceId>2</rasd:InstanceId>",
    "non-canonical leaves": "<rasd:AutomaticAllocation>True</rasd:AutomaticAllocation>"
    "<rasd:VirtualQuantity>0010</rasd:VirtualQuantity><rasd:ResourceType>+3</rasd:ResourceType>",
    "untypeable single leaf": "<rasd:VirtualQuantity>x</rasd:VirtualQuantity><rasd:Limit></rasd:Limit>" + RT,
    "node with xml attribute": '<vmw:Config xml:space="preserve" a="1">t</vmw:Config>' + RT,
    "node without namespace": '<Config a="1"/>' + RT,
    "node in the OVF namespace": '<ovf:Config ovf:a="1"/><Config/>' + RT,
    "no children": "",
    "whitespace only": "\n  ",
}


@pytest.mark.parametrize("name", sorted(ODD_ITEMS))
@pytest.mark.parametrize("header", [0, 1], ids=["ambiguous-ovf", "one-prefix-each"])
def test_odd_items_read_the_same_compiled(name: str, header: int) -> None:
    children = ODD_ITEMS[name].replace("rasd:", HEADERS[header][3] + ":")
    ovf = HEADERS[header][2]
    odd = _item(children, ovf=ovf)
    plain = _item(PLAIN.replace("rasd:", HEADERS[header][3] + ":") + children, ovf=ovf)
    _assert_same_model(_envelope(odd * 3 + plain + odd, header))
    _assert_same_model(_envelope(plain * 3 + odd * 2, header))
    assert _compiled_count() > 0


def test_typed_attributes_with_odd_forms_read_the_same_compiled() -> None:
    """Non-canonical typed attributes, an unprefixed and a vendor attribute of the same local name, and
    ``xml:`` attributes on a compiled element."""
    attributes = (
        ' ovf:required="0" required="false" vmw:required="1" ovf:configuration=" a  b " xml:lang="en"'
    )
    items = _item(PLAIN, attributes) * 3 + _item(PLAIN, ' ovf:bound="max"') + _item(PLAIN)
    _assert_same_model(_envelope(items))
    assert _compiled_count() > 0


FRAGMENTS = [
    "<r:ElementName>c</r:ElementName>",
    "<r:InstanceID>1</r:InstanceID>",
    "<r:InstanceId>2</r:InstanceId>",
    "<r:ResourceType>+3</r:ResourceType>",
    "<r:VirtualQuantity>x</r:VirtualQuantity>",
    "<r:AutomaticAllocation>1</r:AutomaticAllocation>",
    "<r:Connection>n</r:Connection>",
    "<r:HostResource/>",
    '<r:Parent vmw:a="1">p</r:Parent>',
    "<r:Limit>1<!--c--></r:Limit>",
    '<vmw:Config vmw:key="k" xml:lang="en">t</vmw:Config>',
    "<vmw:C><vmw:D/></vmw:C>",
    "<!--x-->",
    "<?t d?>",
    " ",
    "\n t",
    '<Plain a="b"/>',
    '<ovf:Foo ovf:a="1"/>',
]
ITEM_ATTRIBUTES = ["", ' ovf:required="0"', ' ovf:configuration=" a b"', ' ovf:bound="max" vmw:z="1"']


@st.composite
def _item_documents(draw: st.DrawFn) -> bytes:
    """Descriptors of a few Item layouts (odd children included), repeated in any order."""
    header = draw(st.integers(0, len(HEADERS) - 1))
    rasd = HEADERS[header][3]
    shapes = draw(
        st.lists(
            st.tuples(st.sampled_from(ITEM_ATTRIBUTES), st.lists(st.sampled_from(FRAGMENTS), max_size=6)),
            min_size=1,
            max_size=4,
        )
    )
    order = draw(st.lists(st.integers(0, len(shapes) - 1), min_size=2, max_size=12))
    items = "".join(
        _item("".join(shapes[index][1]).replace("r:", rasd + ":"), shapes[index][0], HEADERS[header][2])
        for index in order
    )
    return _envelope(items, header)


@settings(max_examples=examples(150), **COMMON)
@given(_item_documents())
def test_generated_item_layouts_read_the_same_compiled(data: bytes) -> None:
    _assert_same_model(data)


PROPERTY_PARTS = [
    "<ovf:Label>l</ovf:Label>",
    '<ovf:Label ovf:msgid="m">l</ovf:Label>',
    "<ovf:Label/>",
    "<ovf:Description>d</ovf:Description>",
    '<ovf:Value ovf:value="v"/>',
    '<ovf:Value ovf:value="w" ovf:configuration="c"><ovf:Label>x</ovf:Label></ovf:Value>',
    "<!--c-->",
    "<vmw:X/>",
    "<vmw:X><vmw:Y/></vmw:X>",
    " ",
]
PROPERTY_ATTRIBUTES = ["", ' ovf:key="k" ovf:type="string"', ' ovf:userConfigurable="1"', ' vmw:q="1"']


@st.composite
def _property_documents(draw: st.DrawFn) -> bytes:
    """Product sections whose Properties nest typed models (Label, Description, Values) and nodes."""
    shapes = draw(
        st.lists(
            st.tuples(
                st.sampled_from(PROPERTY_ATTRIBUTES), st.lists(st.sampled_from(PROPERTY_PARTS), max_size=5)
            ),
            min_size=1,
            max_size=4,
        )
    )
    order = draw(st.lists(st.integers(0, len(shapes) - 1), min_size=2, max_size=10))
    properties = "".join(
        f"<ovf:Property{shapes[index][0]}>" + "".join(shapes[index][1]) + "</ovf:Property>" for index in order
    )
    return _envelope("<ovf:Category>c</ovf:Category>" + properties, 1, "ProductSection")


@settings(max_examples=examples(100), **COMMON)
@given(_property_documents())
def test_generated_nested_model_layouts_read_the_same_compiled(data: bytes) -> None:
    _assert_same_model(data)
    assert _compiled_count() > 0


@pytest.mark.parametrize("prefixed", [True, False], ids=["oe-prefix", "default-and-oe"])
def test_environment_documents_read_the_same_compiled(prefixed: bool) -> None:
    entity = (
        '<oe:Entity oe:id="x"><oe:PlatformSection><oe:Kind>k</oe:Kind><oe:Timezone>+060</oe:Timezone>'
        '</oe:PlatformSection><oe:PropertySection><oe:Property oe:key="a" oe:value="b&#10;c"/>'
        '<oe:Property oe:key="a" oe:value="" ve:x="1"/></oe:PropertySection></oe:Entity>'
    )
    if prefixed:
        start, end = f'<oe:Environment xmlns:oe="{ENV}" xmlns:ve="urn:ve" oe:id="e">', "</oe:Environment>"
    else:
        start, end = (
            f'<Environment xmlns="{ENV}" xmlns:oe="{ENV}" xmlns:ve="urn:ve" oe:id="e">',
            "</Environment>",
        )
        entity = entity.replace("<oe:", "<").replace("</oe:", "</")
    _assert_same_model((start + entity * 4 + end).encode())
    assert _compiled_count() > 0


def test_ovf2_storage_and_ethernet_items_read_the_same_compiled() -> None:
    items = (
        "<StorageItem><sasd:Connection>a</sasd:Connection><sasd:HostResource>b</sasd:HostResource>"
        "<sasd:HostResourceBlockSize>0512</sasd:HostResourceBlockSize><sasd:InstanceID>1</sasd:InstanceID>"
        "</StorageItem>"
        '<EthernetPortItem ovf:required="false"><epasd:AllowedPriorities>01</epasd:AllowedPriorities>'
        "<epasd:AllowedPriorities>2</epasd:AllowedPriorities><epasd:Connection>n</epasd:Connection>"
        "</EthernetPortItem>"
    )
    data = (
        f'<Envelope xmlns="{OVF2}" xmlns:ovf="{OVF2}" xmlns:sasd="{SASD}" xmlns:epasd="{EPASD}">'
        '<VirtualSystem ovf:id="a"><Info>i</Info><VirtualHardwareSection><Info>h</Info>'
        + items * 4
        + "</VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()
    _assert_same_model(data)
    assert _compiled_count() > 0


def test_documents_of_different_namespace_contexts_interleaved_read_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Compiled layouts live in caches shared by documents of one namespace context: reading documents
    of different contexts in turn gives each the model it gets alone, without compiled layouts."""
    documents = [
        _envelope(
            _item((PLAIN + RT).replace("rasd:", HEADERS[header][3] + ":"), ovf=HEADERS[header][2]) * 3, header
        )
        for header in range(len(HEADERS))
    ]
    general = [_read(data, monkeypatch, compile_after=10**9) for data in documents]
    reader._NAMES.clear()
    monkeypatch.setattr(reader, "_COMPILE_AFTER", 1)
    for _ in range(2):
        for data, expected in zip(documents, general, strict=True):
            assert _difference(expected, ovfkit.loads(data)) is None
    assert _compiled_count() > 0


def test_documents_read_in_threads_sharing_compiled_layouts_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Threads compiling and reading the same layouts at once build the models one thread builds."""
    data = _envelope(_item((PLAIN + RT).replace("rasd:", "r:"), ' ovf:required="0"', "ovf:") * 40, 1)
    expected = _read(data, monkeypatch, compile_after=10**9)
    reader._NAMES.clear()
    monkeypatch.setattr(reader, "_COMPILE_AFTER", 2)
    start = threading.Barrier(4)
    results: list[Any] = []

    def load() -> None:
        start.wait()
        for _ in range(5):
            results.append(ovfkit.loads(data))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    assert all(_difference(expected, model) is None for model in results)
    assert _compiled_count() > 0


def test_nothing_from_the_document_reaches_generated_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """Namespace URIs, names, attribute values and text with quotes, braces and newlines are passed to
    the compiled readers as values; the generated source holds only field names and indexes."""
    sources: list[str] = []
    real_compile = compile

    def capture(source: str, *args: Any) -> Any:
        sources.append(source)
        return real_compile(source, *args)

    monkeypatch.setattr(read_layouts, "compile", capture, raising=False)
    hostile = "x'\"}{\\n]);__import__"
    uri = "urn:x');__import__('os');#f"  # libxml2 refuses URIs with quotes or braces
    item = (
        f'<Item vmw:{"q"}="{hostile.replace(chr(34), "&quot;")}&#10;">'
        f"<rasd:ElementName>{hostile.replace(chr(34), '')}&#10;</rasd:ElementName>"
        f'<rasd:Connection>"</rasd:Connection><vmw:Zz_import a="{{0}}"/><!--{hostile}-->'
        f"<?pi {hostile}?></Item>"
    )
    start = f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:rasd="{RASD}" xmlns:vmw="{uri}">'
    data = _envelope(item * 3).replace(HEADERS[0][0].encode(), start.encode())
    _assert_same_model(data)
    assert sources
    for source in sources:
        assert "__import__" not in source and "Zz_import" not in source and "urn:" not in source
        assert "ElementName" not in source and "Connection" not in source


def _typed_children_at_depth_two() -> bytes:
    """Envelope (depth 1), DiskSection (2), its Info and Disks (3): deeper than ``max_depth=2``."""
    disk = '<ovf:Disk ovf:diskId="d" ovf:capacity="1"/>'
    return (
        f'<ovf:Envelope xmlns:ovf="{OVF1}"><ovf:DiskSection><ovf:Info>x</ovf:Info>'
        + disk * 3
        + "</ovf:DiskSection></ovf:Envelope>"
    ).encode()


def test_the_general_reader_refuses_typed_children_below_the_depth_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _typed_children_at_depth_two()
    monkeypatch.setattr(reader, "_COMPILE_AFTER", 10**9)
    with pytest.raises(ovfkit.OvfSecurityError, match="deeper than the limit of 2"):
        ovfkit.loads(data, limits=ovfkit.Limits(max_depth=2))


def test_compiled_and_general_readers_agree_at_the_depth_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _typed_children_at_depth_two()
    outcomes = []
    for compile_after in (10**9, 1):
        reader._NAMES.clear()
        monkeypatch.setattr(reader, "_COMPILE_AFTER", compile_after)
        try:
            ovfkit.loads(data, limits=ovfkit.Limits(max_depth=2))
            outcomes.append("read")
        except ovfkit.OvfSecurityError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


def test_layout_keys_do_not_keep_a_copy_of_every_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 101 KB document with real settings: two Item layouts of 64 children in a namespace with a
    100,000-character URI. Before the fix the reader kept 13 MB after the read (a copy of the URI per
    child of each kept layout); without compiled layouts it kept 0.53 MB."""
    monkeypatch.setattr(reader, "_COMPILE_MIN_CHARS", 100_000)
    uri = "urn:" + "u" * 100_000

    def item(index: int) -> str:
        return _item("".join("<p:a/>" if (index >> bit) & 1 else "<p:b/>" for bit in range(64)))

    start = f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:p="{uri}">'
    data = _envelope(item(0) + item(1)).replace(HEADERS[0][0].encode(), start.encode())
    assert len(data) >= reader._COMPILE_MIN_CHARS
    ovfkit.loads(_envelope(""))  # imports and first-use caches outside the measurement
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        model = ovfkit.loads(data)
        del model
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 20 * len(data)
