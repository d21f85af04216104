"""Tests of the reader's name recovery and of the name caches it shares between documents."""

from __future__ import annotations

import pytest

import ovfkit
from ovfkit.model import File, References, VirtualHardwareSection
from ovfkit.xmlio import reader

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"


def _item_document(rasd_prefix: str) -> bytes:
    return (
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}" xmlns:{rasd_prefix}="{RASD}">'
        '<VirtualSystem ovf:id="a"><Info>i</Info><VirtualHardwareSection><Info>h</Info><Item>'
        f"<{rasd_prefix}:ElementName>cpu</{rasd_prefix}:ElementName>"
        f"<{rasd_prefix}:InstanceID>1</{rasd_prefix}:InstanceID>"
        f"<{rasd_prefix}:ResourceType>3</{rasd_prefix}:ResourceType>"
        "</Item></VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()


def test_documents_with_other_prefixes_are_read_with_their_own_names() -> None:
    """The shared name caches are per namespace context: a second document with another prefix for
    the same URI is read and written with its own prefix."""
    first, second = _item_document("rasd"), _item_document("r")
    for data in (first, second, first, second):
        model = ovfkit.loads(data)
        assert ovfkit.dumps(model) == data
        hardware = model.virtual_systems()[0].sections[0]
        assert isinstance(hardware, VirtualHardwareSection)
        assert [(item.element_name, item.instance_id) for item in hardware.items] == [("cpu", "1")]


def test_name_caches_stay_bounded_across_many_contexts() -> None:
    for index in range(reader._MAX_CONTEXTS * 2):
        data = _item_document(f"p{index}")
        assert ovfkit.dumps(ovfkit.loads(data)) == data
    assert len(reader._NAMES) <= reader._MAX_CONTEXTS


def test_attribute_prefixes_are_read_from_the_text_when_two_share_a_namespace() -> None:
    """lxml does not keep attribute prefixes; with two prefixes for one URI the start tags tell them.

    A comment that looks like a start tag and a ``>`` inside an attribute value do not confuse it.
    """
    data = (
        f'<Envelope xmlns="{OVF1}" xmlns:p="urn:u" xmlns:q="urn:u"><!-- <File q:y="2"> -->'
        '<References><File q:y="a>b" p:x="1"/><File p:x="2"/></References></Envelope>'
    ).encode()
    model = ovfkit.loads(data)
    assert isinstance(model.references, References)
    files = model.references.files
    assert all(isinstance(file, File) for file in files)
    assert [list(file.attributes) for file in files] == [["q:y", "p:x"], ["p:x"]]
    assert ovfkit.dumps(model) == data


def test_long_whitespace_runs_after_the_root_are_kept() -> None:
    """The epilog is scanned backwards in chunks: runs longer than a chunk keep every character."""
    root = f'<Envelope xmlns="{OVF1}"><References/></Envelope>'
    for epilog in (" \n" * 5000, "\n<!--a-->" + "\t" * 9000 + "<?p x?>" + " " * 4096, "\n" * 4095):
        data = (root + epilog).encode()
        assert ovfkit.dumps(ovfkit.loads(data)) == data


def test_the_depth_limit_holds_for_the_last_level_of_typed_children() -> None:
    """A typed child one level below the limit is refused, as every element there is."""
    data = f'<Envelope xmlns="{OVF1}"><VirtualSystem><Info>i</Info></VirtualSystem></Envelope>'.encode()
    with pytest.raises(ovfkit.OvfSecurityError, match="deeper than the limit of 2"):
        ovfkit.loads(data, limits=ovfkit.Limits(max_depth=2))
    assert ovfkit.dumps(ovfkit.loads(data, limits=ovfkit.Limits(max_depth=3))) == data
    nested = f'<Envelope xmlns="{OVF1}">' + "<VirtualSystemCollection>" * 10
    nested += "</VirtualSystemCollection>" * 10 + "</Envelope>"
    with pytest.raises(ovfkit.OvfSecurityError, match="deeper than the limit of 10"):
        ovfkit.loads(nested.encode(), limits=ovfkit.Limits(max_depth=10))
    ovfkit.loads(nested.encode(), limits=ovfkit.Limits(max_depth=11))


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ('<x:Note xmlns:x="urn:x">n</x:Note>', "an element"),
        ('<vmw:Config vmw:value="xmlns"/>', "an attribute value"),
    ],
)
def test_declarations_below_the_root_are_found_in_large_documents(extra: str, where: str) -> None:
    """The loader counts ``xmlns`` in a large document before parsing; the reader trusts that count
    (one per root declaration: none below the root) and looks further when there are more."""
    item = (
        "<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>"
        "<rasd:ResourceType>3</rasd:ResourceType></Item>\n"
    )
    data = (
        '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf" '
        'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">'
        '<VirtualSystem ovf:id="a"><Info>i</Info><VirtualHardwareSection><Info>h</Info>'
        + item * 800
        + item.replace("</Item>", extra + "</Item>")
        + "</VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()
    assert len(data) > 9 * ovfkit.Limits().max_namespace_declarations, where
    assert ovfkit.dumps(ovfkit.loads(data)) == data


FILES = [
    '<File ovf:href="a.vmdk" ovf:id="a" ovf:size="100"/>',
    '<File ovf:href="b.vmdk" ovf:id="b" ovf:size="0100"/>',
    '<File ovf:id="c" ovf:href="c.vmdk"/>',
    '<File ovf:href="d.vmdk" ovf:id="d" ovf:size="100"/>',
    '<File ovf:href="e.vmdk" ovf:id="e" ovf:size="100" vmw:x="1"/>',
    '<File ovf:href="f.vmdk" ovf:id="f" ovf:size="100" o2:size="7"/>',
    '<File ovf:href="g.vmdk" ovf:id="g" ovf:size="not a number"/>',
    '<File ovf:href="h.vmdk" ovf:id="h" ovf:size="100"/>',
]


#: A File declaring the prefix of its own attribute (the document then has nested declarations).
OWN_PREFIX = '<File xmlns:v="http://www.vmware.com/schema/ovf" ovf:href="v.vmdk" ovf:id="v" v:x="1"/>'


def _references(files: list[str]) -> bytes:
    return (
        '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf" '
        'xmlns:o2="http://schemas.dmtf.org/ovf/envelope/2">'
        "<References>" + "".join(files) + "</References></Envelope>"
    ).encode()


@pytest.mark.parametrize("compile_after", [1, 10**9])
@pytest.mark.parametrize("extra", [[], [OWN_PREFIX]], ids=["root-declarations", "nested-declaration"])
def test_attributes_read_by_the_plan_of_the_element_before_are_read_as_alone(
    compile_after: int, extra: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Elements whose attributes have the names of the element before them reuse its reading plan;
    each File reads as it does alone in a document (values, untyped attributes, spellings), also
    where an element declares the prefix of an attribute itself."""
    monkeypatch.setattr(reader, "_COMPILE_AFTER", compile_after)
    monkeypatch.setattr(reader, "_COMPILE_MIN_CHARS", 0)
    reader._NAMES.clear()
    files = FILES + extra + FILES[::-1] + extra + FILES
    data = _references(files)
    model = ovfkit.loads(data)
    assert isinstance(model, ovfkit.Envelope) and model.references is not None
    for text, file in zip(files, model.references.files, strict=True):
        alone = ovfkit.loads(_references([text]))
        assert isinstance(alone, ovfkit.Envelope) and alone.references is not None
        (expected,) = alone.references.files
        assert (file, file.attributes, file.xml) == (expected, expected.attributes, expected.xml), text
    assert ovfkit.dumps(model) == data
    reader._NAMES.clear()


def test_children_written_with_either_prefix_of_one_namespace_keep_theirs() -> None:
    """The OVF namespace bound to two prefixes (the default one and ovf): each child is named by
    its own prefix, also when it repeats the tag of the child before it with the other one."""
    items = [
        "<Item><rasd:InstanceID>1</rasd:InstanceID></Item>",
        "<ovf:Item><rasd:InstanceID>2</rasd:InstanceID></ovf:Item>",
        "<ovf:Item><rasd:InstanceID>3</rasd:InstanceID></ovf:Item>",
        "<Item><rasd:InstanceID>4</rasd:InstanceID></Item>",
    ]
    data = (
        '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" '
        'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">'
        '<VirtualSystem ovf:id="a"><Info>i</Info><VirtualHardwareSection><Info>h</Info>'
        + "".join(items * 3)
        + "</VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()
    model = ovfkit.loads(data)
    section = model.virtual_systems()[0].section(VirtualHardwareSection)
    assert isinstance(section, VirtualHardwareSection)
    assert [item.xml.name for item in section.items if item.xml is not None][:4] == [
        "Item",
        "ovf:Item",
        "ovf:Item",
        "Item",
    ]
    assert ovfkit.dumps(model) == data
