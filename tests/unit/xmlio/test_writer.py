"""The writer: unchanged documents come back byte for byte, edits change only their node and are laid
out like their neighbours, removed children take their own slot with them, and models that cannot be
written as XML that reads back the same raise ``OvfWriteError``."""

from __future__ import annotations

import pytest

import ovfkit
from bench.generate import descriptor
from ovfkit import OvfWriteError
from ovfkit.model import (
    Comment,
    Disk,
    DiskSection,
    Envelope,
    File,
    Item,
    Msg,
    Node,
    ProcessingInstruction,
    References,
    VirtualHardwareSection,
    VirtualSystem,
    XmlInfo,
)
from ovfkit.namespaces import Ns
from ovfkit.testing import TreeChange, tree_changes

OVF = Ns.OVF1.value
RASD = Ns.RASD.value
VMW = Ns.VMW.value
HEAD = f'<Envelope xmlns="{OVF}" xmlns:ovf="{OVF}" xmlns:rasd="{RASD}" xmlns:vmw="{VMW}">'


def hardware(model: Envelope) -> VirtualHardwareSection:
    """The first VirtualHardwareSection of the first virtual system."""
    assert isinstance(model.content, VirtualSystem)
    section = model.content.section(VirtualHardwareSection)
    assert isinstance(section, VirtualHardwareSection)
    return section


def indented(unit: str) -> bytes:
    """A small descriptor indented with ``unit`` per level."""
    lines = [
        HEAD,
        '<VirtualSystem ovf:id="vm">',
        "<Info>i</Info>",
        "<VirtualHardwareSection>",
        "<Info>h</Info>",
        "<Item>",
        "<rasd:ElementName>cpu</rasd:ElementName>",
        "<rasd:InstanceID>1</rasd:InstanceID>",
        "</Item>",
        "</VirtualHardwareSection>",
        "</VirtualSystem>",
        "</Envelope>",
    ]
    depths = [0, 1, 2, 2, 3, 3, 4, 4, 3, 2, 1, 0]
    return ("\n".join(unit * d + line for d, line in zip(depths, lines, strict=True)) + "\n").encode()


# -- unchanged documents -------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["  ", "    ", "\t", ""])
def test_an_unchanged_document_is_written_back_byte_for_byte(unit: str) -> None:
    data = indented(unit).replace(b"\n", b"") if not unit else indented(unit)
    assert ovfkit.dumps(ovfkit.loads(data)) == data


def test_the_generated_benchmark_descriptor_is_written_back_byte_for_byte() -> None:
    data = descriptor(300, 30)
    model = ovfkit.loads(data)
    assert ovfkit.dumps(model) == data
    assert ovfkit.dumps(model) == data  # again, now through compiled layouts


def test_a_crlf_document_keeps_its_line_ends() -> None:
    data = indented("  ").replace(b"\n", b"\r\n")
    assert ovfkit.dumps(ovfkit.loads(data)) == data


# -- new children are laid out like the document around them --------------------------------------------


@pytest.mark.parametrize("unit", ["  ", "    ", "\t"])
def test_an_appended_item_is_indented_inside_like_its_neighbour(unit: str) -> None:
    data = indented(unit)
    model = ovfkit.loads(data)
    hardware(model).items.append(Item(instance_id="2"))
    new_item = (
        f"{unit * 3}<Item>\n{unit * 4}<rasd:InstanceID>2</rasd:InstanceID>\n{unit * 3}</Item>\n"
    ).encode()
    closing = f"{unit * 2}</VirtualHardwareSection>".encode()
    assert ovfkit.dumps(model) == data.replace(closing, new_item + closing)


def test_a_new_item_in_a_document_without_whitespace_gets_none() -> None:
    data = indented("").replace(b"\n", b"")
    model = ovfkit.loads(data)
    hardware(model).items.append(Item(instance_id="2"))
    assert ovfkit.dumps(model) == data.replace(
        b"</Item>", b"</Item><Item><rasd:InstanceID>2</rasd:InstanceID></Item>"
    )


def test_a_new_item_in_a_section_without_items_is_indented_from_its_parent() -> None:
    data = (
        f'{HEAD}\n    <VirtualSystem ovf:id="vm">\n        <Info>i</Info>\n        <VirtualHardwareSection>\n'
        "            <Info>h</Info>\n            <vmw:Extra/>\n        </VirtualHardwareSection>\n"
        "    </VirtualSystem>\n</Envelope>\n"
    ).encode()
    model = ovfkit.loads(data)
    hardware(model).items.append(Item(instance_id="1"))
    # after the Info it follows in schema order, before the vendor element; its children one unit in
    expected = data.replace(
        b"<Info>h</Info>\n",
        b"<Info>h</Info>\n            <Item>\n                <rasd:InstanceID>1</rasd:InstanceID>\n"
        b"            </Item>\n",
    )
    assert ovfkit.dumps(model) == expected


def test_children_added_to_an_empty_element_get_their_parents_indentation_plus_one_unit() -> None:
    data = f"{HEAD}\n    <DiskSection/>\n</Envelope>\n".encode()
    model = ovfkit.loads(data)
    section = model.sections[0]
    assert isinstance(section, DiskSection)
    section.info = Msg(value="disks")
    section.disks.append(Disk(disk_id="d1", capacity="1"))
    assert (
        ovfkit.dumps(model)
        == (
            f"{HEAD}\n    <DiskSection>\n        <Info>disks</Info>\n"
            '        <Disk ovf:capacity="1" ovf:diskId="d1"/>\n    </DiskSection>\n</Envelope>\n'
        ).encode()
    )


def test_a_new_leaf_goes_where_the_schema_puts_it_with_its_neighbours_gap() -> None:
    data = indented("  ")
    model = ovfkit.loads(data)
    hardware(model).items[0].description = "the CPU"
    after = ovfkit.dumps(model)
    assert after == data.replace(
        b"        <rasd:ElementName>",
        b"        <rasd:Description>the CPU</rasd:Description>\n        <rasd:ElementName>",
    )


def test_a_new_item_between_two_read_ones_is_written_between_them() -> None:
    data = indented("  ")
    model = ovfkit.loads(data)
    items = hardware(model).items
    items.append(items[0].model_copy(update={"instance_id": "3"}))
    ovfkit.loads(ovfkit.dumps(model))
    items.insert(1, Item(instance_id="2"))
    reread = hardware(ovfkit.loads(ovfkit.dumps(model))).items
    assert [item.instance_id for item in reread] == ["1", "2", "3"]


def test_a_new_extension_is_the_last_child_with_the_gap_of_the_one_before() -> None:
    data = indented("  ")
    model = ovfkit.loads(data)
    assert isinstance(model.content, VirtualSystem)
    model.content.extensions.append(Node(name="vmw:Extra", namespace=VMW))
    after = ovfkit.dumps(model)
    assert after == data.replace(b"  </VirtualSystem>", b"    <vmw:Extra/>\n  </VirtualSystem>")


def test_a_new_document_is_indented_by_two_spaces() -> None:
    model = Envelope(
        references=References(files=[File(id="f", href="disk.vmdk")]),
        content=VirtualSystem(id="vm", info=Msg(value="i")),
    )
    text = ovfkit.dumps(model).decode()
    assert '\n  <References>\n    <File ovf:id="f" ovf:href="disk.vmdk"/>\n  </References>\n' in text
    assert ovfkit.loads(text.encode()) == model


# -- removals ----------------------------------------------------------------------------------------


def items_with_comments(*labels: str) -> bytes:
    body = "".join(
        f"\n    <!-- {label} -->\n    <Item>\n      <rasd:InstanceID>{n}</rasd:InstanceID>\n    </Item>"
        for n, label in enumerate(labels, 1)
    )
    return (
        f'{HEAD}\n<VirtualSystem ovf:id="vm"><Info>i</Info>\n  <VirtualHardwareSection><Info>h</Info>'
        f"{body}\n  </VirtualHardwareSection>\n</VirtualSystem>\n</Envelope>"
    ).encode()


@pytest.mark.parametrize("removed", [0, 1, 2])
def test_a_removed_item_takes_its_own_slot_and_leaves_the_comments_in_place(removed: int) -> None:
    data = items_with_comments("CPU", "memory", "disk")
    model = ovfkit.loads(data)
    del hardware(model).items[removed]
    path = (0, 1, 2 + 2 * removed)  # the Item after its comment, counting Info
    assert tree_changes(data, ovfkit.dumps(model)) == [TreeChange(path, "removed")]


def test_removing_two_items_apart_keeps_every_comment_in_place() -> None:
    data = items_with_comments("CPU", "memory", "disk", "network")
    model = ovfkit.loads(data)
    items = hardware(model).items
    del items[2]
    del items[0]
    changes = tree_changes(data, ovfkit.dumps(model))
    # (two runs of whitespace go too, which the comparison reports as changed gaps)
    assert [change for change in changes if change.aspect != "gaps"] == [
        TreeChange((0, 1, 2), "removed"),
        TreeChange((0, 1, 6), "removed"),
    ]


def test_start_tags_on_several_lines_do_not_move_a_removal_to_the_wrong_slot() -> None:
    data = (
        f"{HEAD}\n  <DiskSection>\n    <Info>d</Info>\n    <!-- a -->\n"
        '    <Disk ovf:diskId="a"\n          ovf:capacity="1"/>\n    <!-- b -->\n'
        '    <Disk ovf:diskId="b"\n          ovf:capacity="2"/>\n  </DiskSection>\n</Envelope>'
    ).encode()
    model = ovfkit.loads(data)
    section = model.sections[0]
    assert isinstance(section, DiskSection)
    del section.disks[1]
    assert tree_changes(data, ovfkit.dumps(model)) == [TreeChange((0, 4), "removed")]


def test_a_removed_leaf_read_in_a_non_canonical_form_is_gone() -> None:
    data = f"{HEAD}<VirtualSystem><Info>i</Info><VirtualHardwareSection><Info>h</Info><Item>" + (
        "<rasd:InstanceID>1</rasd:InstanceID><rasd:VirtualQuantity> 02 </rasd:VirtualQuantity>"
        "</Item></VirtualHardwareSection></VirtualSystem></Envelope>"
    )
    model = ovfkit.loads(data.encode())
    item = hardware(model).items[0]
    assert item.virtual_quantity == 2
    assert b"<rasd:VirtualQuantity> 02 </rasd:VirtualQuantity>" in ovfkit.dumps(model)
    item.virtual_quantity = None
    assert b"VirtualQuantity" not in ovfkit.dumps(model)


def test_an_untypeable_leaf_keeps_its_text() -> None:
    data = (
        f"{HEAD}<VirtualSystem><Info>i</Info><VirtualHardwareSection><Info>h</Info><Item>"
        "<rasd:InstanceID>1</rasd:InstanceID><rasd:VirtualQuantity>${{cpus}}</rasd:VirtualQuantity>"
        "</Item></VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()
    model = ovfkit.loads(data)
    assert hardware(model).items[0].virtual_quantity is None
    assert ovfkit.dumps(model) == data


# -- what the layout says about names and text ----------------------------------------------------------


def test_text_between_children_is_written_escaped() -> None:
    data = f"{HEAD}a &amp; b &lt;c&gt;<References/>\r&#13;</Envelope>".encode()
    out = ovfkit.dumps(ovfkit.loads(data))
    assert b"a &amp; b &lt;c&gt;<References/>" in out
    assert ovfkit.loads(out) == ovfkit.loads(data)


def test_a_leaf_that_declares_its_own_prefix_keeps_its_place_and_prefix() -> None:
    data = (
        f'<Envelope xmlns="{OVF}" xmlns:rasd="urn:not-rasd"><VirtualSystem><Info>i</Info>'
        f'<VirtualHardwareSection><Info>h</Info><Item><rasd:ElementName xmlns:rasd="{RASD}">x'
        "</rasd:ElementName><rasd:Other>y</rasd:Other></Item></VirtualHardwareSection></VirtualSystem>"
        "</Envelope>"
    ).encode()
    assert ovfkit.dumps(ovfkit.loads(data)) == data


def test_values_are_escaped_wherever_they_are() -> None:
    model = ovfkit.loads(indented("  "))
    item = hardware(model).items[0]
    item.element_name = 'a<b>&"c"\r'
    item.attributes["vmw:note"] = 'x"y\t\n<&'
    out = ovfkit.dumps(model)
    assert b'<rasd:ElementName>a&lt;b&gt;&amp;"c"&#13;</rasd:ElementName>' in out
    assert b'vmw:note="x&quot;y&#9;&#10;&lt;&amp;"' in out
    assert ovfkit.loads(out) == model


# -- encodings -----------------------------------------------------------------------------------------


def test_characters_an_encoding_lacks_become_references_in_values() -> None:
    model = ovfkit.loads(indented("  "))
    item = hardware(model).items[0]
    item.element_name = "café €"
    item.attributes["vmw:note"] = "ü"
    out = ovfkit.dumps(model, encoding="ascii")
    assert b"caf&#233; &#8364;" in out and b'vmw:note="&#252;"' in out
    assert ovfkit.loads(out) == model
    latin = ovfkit.dumps(model, encoding="latin-1")
    assert "café &#8364;".encode("latin-1") in latin


def test_a_name_an_encoding_lacks_is_refused() -> None:
    model = ovfkit.loads(indented("  "))
    assert isinstance(model.content, VirtualSystem)
    model.content.extensions.append(Node(name="vmw:café", namespace=VMW))
    ovfkit.loads(ovfkit.dumps(model))  # UTF-8 carries it
    with pytest.raises(OvfWriteError, match="name, comment or processing instruction"):
        ovfkit.dumps(model, encoding="ascii")


def test_an_unknown_output_encoding_is_refused() -> None:
    with pytest.raises(OvfWriteError, match="unknown output encoding"):
        ovfkit.dumps(ovfkit.loads(indented("  ")), encoding="no-such-codec")


# -- what cannot be written ---------------------------------------------------------------------------


def with_extension(extension: object) -> Envelope:
    model = ovfkit.loads(indented("  "))
    assert isinstance(model, Envelope) and isinstance(model.content, VirtualSystem)
    model.content.extensions.append(extension)  # type: ignore[arg-type]  # some are wrong on purpose
    return model


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: with_extension(Node(name="vmw:a", namespace=VMW, ns=[("p", "a b")])), "namespace URI"),
        (lambda: with_extension(Node(name="vmw:a", namespace=VMW, ns=[("p", "caf\u00e9")])), "namespace URI"),
        (lambda: with_extension(Node(name="vmw:a", namespace="urn:other")), "namespace"),
        (lambda: with_extension(Node(name="a")), "namespace"),
        (lambda: with_extension(Node(name="vmw:a", namespace=VMW, gaps=[""])), "text runs"),
        (lambda: with_extension(Node(name="vmw:a", namespace=VMW, gaps=["a", "b"])), "text runs"),
        (
            lambda: with_extension(Node(name="vmw:a", namespace=VMW, attributes=[("xmlns:p", "u")])),
            "declaration",
        ),
        (
            lambda: with_extension(Node(name="vmw:a", namespace=VMW, attributes=[("a", "1"), ("a", "2")])),
            "twice",
        ),
        (lambda: with_extension(ProcessingInstruction(target="XML", text="a")), "target"),
        (lambda: with_extension(ProcessingInstruction(target="a", text="\tb")), "whitespace"),
        (lambda: with_extension(Comment(text="a\rb")), "carriage return"),
        (lambda: with_extension("text"), "cannot write"),
    ],
)
def test_extensions_that_would_not_read_back_are_refused(make: object, message: str) -> None:
    assert callable(make)
    with pytest.raises(OvfWriteError, match=message):
        ovfkit.dumps(make())


def test_token_lists_that_would_not_read_back_are_refused() -> None:
    model = ovfkit.loads(indented("  "))
    item = hardware(model).items[0]
    for tokens in (["a b"], [""], ["a\u2028b"], ["x "]):
        item.configuration = tokens
        with pytest.raises(OvfWriteError, match="token"):
            ovfkit.dumps(model)
    item.configuration = ["a", "b"]
    assert b'ovf:configuration="a b"' in ovfkit.dumps(model)


def test_an_untyped_attribute_standing_for_a_typed_field_is_refused() -> None:
    model = ovfkit.loads(indented("  "))
    assert isinstance(model.content, VirtualSystem)
    model.content.attributes["ovf:id"] = "other"
    with pytest.raises(OvfWriteError, match="typed field"):
        ovfkit.dumps(model)


def test_a_value_of_the_wrong_type_put_into_a_list_is_refused() -> None:
    model = ovfkit.loads(indented("  "))
    item = hardware(model).items[0]
    item.host_resource.append(5)  # type: ignore[arg-type]  # lists are not validated on append
    with pytest.raises(OvfWriteError, match="not a string"):
        ovfkit.dumps(model)
    item.host_resource.clear()
    hardware(model).items.append(Disk())  # type: ignore[arg-type]
    with pytest.raises(OvfWriteError, match="not a Item"):
        ovfkit.dumps(model)


def test_characters_xml_cannot_carry_are_refused_with_their_offset() -> None:
    model = ovfkit.loads(indented("  "))
    hardware(model).items[0].element_name = "a\x01b"
    with pytest.raises(OvfWriteError, match=r"U\+0001 .*offset \d+"):
        ovfkit.dumps(model)
    hardware(model).items[0].element_name = "a\ufffeb"
    with pytest.raises(OvfWriteError, match=r"U\+FFFE"):
        ovfkit.dumps(model)


def test_a_new_document_declares_what_it_uses() -> None:
    model = Envelope(xml=XmlInfo(name="Envelope", ns=(("", OVF),)))
    model.content = VirtualSystem(id="vm", info=Msg(value="i"))
    out = ovfkit.dumps(model)
    assert b'xmlns:ovf="' in out  # declared on the element that first needs it
    assert ovfkit.loads(out) == model


@pytest.mark.parametrize("local", ["VirtualSystem", "DiskSection"])
def test_a_typed_child_that_declares_its_own_prefix_keeps_its_place(local: str) -> None:
    # found by the corpus fuzzer: the child's prefix is unknown to its parent, so its slot was lost
    data = (
        f'<ovf:Envelope xmlns:ovf="{OVF}"><ovf:References/>\n   <ns0:{local} xmlns:ns0="{OVF}/" ovf:id="a">'
        f"<ns0:Info>i</ns0:Info></ns0:{local}>\n</ovf:Envelope>"
    ).encode()
    assert ovfkit.dumps(ovfkit.loads(data)) == data


def test_an_error_inside_an_element_written_by_a_compiled_layout_names_its_path() -> None:
    model = ovfkit.loads(descriptor(300, 3))
    ovfkit.dumps(model)  # the Item layouts are compiled now
    items = hardware(model).items
    items[40].extensions.append(Comment(text="a--b"))
    with pytest.raises(OvfWriteError) as caught:
        ovfkit.dumps(model)
    assert caught.value.path == "/Envelope/VirtualSystem/VirtualHardwareSection/Item"
