"""Minimal reproductions of what the fuzzers found; each fails until its owner fixes the bug.

Found by the atheris campaign (``fuzz/``) and the hypothesis fuzzer (``tests/fuzz``), minimized by
hand. Each test states the oracle that broke: ``dumps(loads(x))`` must be the document ``x``
(C14N-equal, same prefixes and attribute order) and must load again.
"""

from __future__ import annotations

import ovfkit
from tests.fuzz import oracles
from tests.helpers import assert_same_document

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"


def _item(body: str) -> bytes:
    return (
        f'<Envelope xmlns="{OVF1}" xmlns:rasd="{RASD}"><VirtualSystem><Info>i</Info>'
        f"<VirtualHardwareSection><Info>h</Info><Item><rasd:InstanceID>1</rasd:InstanceID>{body}</Item>"
        "</VirtualHardwareSection></VirtualSystem></Envelope>"
    ).encode()


def _round_trip(data: bytes) -> bytes:
    out = ovfkit.dumps(ovfkit.loads(data))
    ovfkit.loads(out)  # what ovfkit writes, ovfkit reads
    assert_same_document(data, out)
    return out


# -- the writer does not escape text between the children of a typed element (xmlio/writer.py) -----------


def test_regression_escaped_less_than_between_children_is_written_escaped() -> None:
    # found by fuzz_load: "&lt;" before a child of Envelope is written back as a raw "<"
    _round_trip(f'<Envelope xmlns="{OVF1}">&lt;<References/></Envelope>'.encode())


def test_regression_escaped_ampersand_between_children_is_written_escaped() -> None:
    # "&amp;x;" comes back as "&x;", an entity reference to an undefined entity
    _round_trip(f'<Envelope xmlns="{OVF1}">&amp;x;<References/></Envelope>'.encode())


def test_regression_escaped_text_inside_item_is_written_escaped() -> None:
    _round_trip(_item("&lt;"))


# -- typed leaf elements whose text is not a value of their type vanish on writing (xmlio) ------------------


def test_regression_empty_resource_type_is_kept() -> None:
    # found by the hypothesis fuzzer: <rasd:ResourceType></rasd:ResourceType> is not written back
    _round_trip(_item("<rasd:ResourceType></rasd:ResourceType>"))


def test_regression_non_numeric_virtual_quantity_is_kept() -> None:
    # found by the hypothesis fuzzer: any text that is not a number ("abc") drops the element
    _round_trip(_item("<rasd:VirtualQuantity>abc</rasd:VirtualQuantity>"))


def test_regression_non_boolean_automatic_allocation_is_kept() -> None:
    _round_trip(_item("<rasd:AutomaticAllocation>maybe</rasd:AutomaticAllocation>"))


def test_regression_self_closed_virtual_quantity_is_kept() -> None:
    _round_trip(_item("<rasd:VirtualQuantity/>"))


def test_regression_blank_resource_type_is_kept() -> None:
    _round_trip(_item("<rasd:ResourceType> </rasd:ResourceType>"))


# -- an envelope namespace that only starts like DMTF's loses child order (xmlio/reader.py) -----------------


def test_regression_look_alike_namespace_keeps_child_order() -> None:
    # found by fuzz_load: under "http://schemas.dmtf.org/ovf/envelopeX" the unknown child <X/> moves
    # in front of <Info>, and the whitespace between children moves with it
    _round_trip(
        b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelopeX">'
        b"<VirtualSystem><Info>i</Info><X/></VirtualSystem></Envelope>"
    )


def test_regression_look_alike_namespace_keeps_attribute_namespaces() -> None:
    # under ".../envelope/0" with ovf: bound to the same URI, ovf:id is written in the OVF 1 namespace
    _round_trip(
        b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/0" '
        b'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/0">'
        b'<VirtualSystemCollection ovf:id="a"><Info>i</Info></VirtualSystemCollection></Envelope>'
    )


# -- a section in another envelope namespace cannot be written back (xmlio/writer.py) -----------------------


def test_regression_section_in_other_envelope_namespace_can_be_written() -> None:
    # found by the hypothesis fuzzer: loads, then dumps raises OvfWriteError
    # "prefix 'ns0' of 'ns0:DiskSection' is not declared" (the declaration on the section is lost)
    _round_trip(
        f'<ovf:Envelope xmlns:ovf="{OVF1}"><ns0:DiskSection xmlns:ns0="http://schemas.dmtf.org/ovf/envelope/2">'
        "<ns0:Info/></ns0:DiskSection></ovf:Envelope>".encode()
    )


# -- to_json refuses documents the loader accepts (convert.py) ----------------------------------------


def test_regression_to_json_handles_every_depth_the_loader_accepts() -> None:
    # found by the hypothesis fuzzer: 85 nested extension elements (document depth 86, under
    # Limits.max_depth 128) load, but to_json raises OvfWriteError "Maximum serialization depth exceeded"
    depth = ovfkit.Limits().max_depth - 1
    data = (
        f'<Envelope xmlns="{OVF1}"><x:n xmlns:x="urn:x">'
        + "<x:n>" * (depth - 1)
        + "</x:n>" * depth
        + "</Envelope>"
    ).encode()
    oracles.check_json(ovfkit.loads(data))


def test_regression_from_json_reads_a_typed_element_declaring_its_own_prefix() -> None:
    # found by the hypothesis fuzzer: dumps writes this back fine, but from_json(to_json(...)) raises
    # OvfJsonError "the prefix 'ns0' of 'ns0:Item' is not declared"
    data = (
        f'<Envelope xmlns="{OVF1}"><VirtualSystem><Info>i</Info><VirtualHardwareSection><Info>h</Info>'
        f'<ns0:Item xmlns:ns0="{OVF1}"/></VirtualHardwareSection></VirtualSystem></Envelope>'
    ).encode()
    _round_trip(data)
    oracles.check_json(ovfkit.loads(data))


# -- diff of a document with itself finds differences (diff/api.py) -----------------------------------------


def _collection(*systems: str) -> bytes:
    body = "".join(
        f"<VirtualSystem{attrs}><Info>i</Info><Name>{name}</Name>"
        "<VirtualHardwareSection><Info>h</Info></VirtualHardwareSection></VirtualSystem>"
        for name, attrs in ((f"vm{i}", attrs) for i, attrs in enumerate(systems))
    )
    return (
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}"><VirtualSystemCollection ovf:id="c"><Info>c</Info>'
        f"{body}</VirtualSystemCollection></Envelope>"
    ).encode()


def test_regression_diff_of_systems_without_ids_with_themselves_is_empty() -> None:
    # found by the hypothesis fuzzer: diff(m, m) reports 'removed/added virtual system "vm1"'
    model = ovfkit.loads(_collection("", ""))
    result = oracles.diff_function()(model, model)
    assert result.changes == []
    assert [scope.system_index for scope in result.compared] == [0, 1]  # paired in document order...
    assert result.notes  # ...and the result says so


def test_regression_diff_of_systems_sharing_an_id_with_themselves_is_empty() -> None:
    model = ovfkit.loads(_collection(' ovf:id="a"', ' ovf:id="a"'))
    result = oracles.diff_function()(model, model)
    assert result.changes == []
    assert [scope.system_index for scope in result.compared] == [0, 1]


# -- a typed leaf that redeclares its prefix moves and is renamed (xmlio) ------------------------------


def test_regression_leaf_redeclaring_its_prefix_keeps_place_and_prefix() -> None:
    # found by the hypothesis fuzzer (a corpus file whose root rasd URI a mutation broke): the leaf
    # <rasd:ElementName xmlns:rasd="...RASD"> is written after <rasd:Other> as <rasd2:ElementName>
    _round_trip(
        f'<Envelope xmlns="{OVF1}" xmlns:rasd="urn:not-rasd"><VirtualSystem><Info>i</Info>'
        f'<VirtualHardwareSection><Info>h</Info><Item><rasd:ElementName xmlns:rasd="{RASD}">x'
        "</rasd:ElementName><rasd:Other>y</rasd:Other></Item></VirtualHardwareSection></VirtualSystem>"
        "</Envelope>".encode()
    )


def test_regression_oracle_accepts_fixed_documents() -> None:
    # the oracle itself: a plain document passes every check (guards the tests above against a broken helper)
    oracles.check_all(_item("<rasd:ResourceType>3</rasd:ResourceType>"))


# -- elements in the xml namespace (xmlio/reader.py, convert_check.py) ------------------------------------


def test_regression_element_with_the_xml_prefix_keeps_it() -> None:
    # found by fuzz_load (second session): <xml:File> under References was read as "File" (its URI is in
    # scope without a declaration), which the writer then refused; from_json refused "xml:File"
    data = (
        f'<Envelope xmlns="{OVF1}"><References><xml:File/></References><VirtualSystem><Info>x</Info>'
        "<VirtualHardwareSection><Info>i</Info><Item><xml:Config/></Item></VirtualHardwareSection>"
        "</VirtualSystem></Envelope>"
    ).encode()
    assert _round_trip(data) == data
    oracles.check_load(data)


def test_regression_undeclared_prefix_is_refused_even_beside_a_namespace_warning() -> None:
    # found by fuzz_load (second session): libxml2 logs an undeclared attribute prefix without failing the
    # parse when it also warned (a relative namespace URI); the model then kept "v:href", which no writer
    # can give back
    data = f'<Envelope xmlns="{OVF1}" xmlns:w="web"><References><File v:href="x"/></References></Envelope>'
    try:
        ovfkit.loads(data.encode())
    except ovfkit.OvfParseError as exc:
        assert "v" in str(exc) and exc.line == 1
    else:
        raise AssertionError("an undeclared prefix was accepted")


def test_regression_property_with_both_key_spellings_survives_json() -> None:
    # found by fuzz_load (second session): a Property with ovf:key and key read (the second kept untyped)
    # was written by to_json and refused by from_json as "the typed field key"
    data = (
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}"><References/><VirtualSystem ovf:id="v"><Info>x</Info>'
        '<ProductSection><Info>p</Info><Property ovf:key="a" key="b" ovf:type="string"/></ProductSection>'
        "</VirtualSystem></Envelope>"
    ).encode()
    assert _round_trip(data) == data
    oracles.check_load(data)


def test_regression_document_with_ustar_at_offset_257_is_xml() -> None:
    # found by fuzz_load (second session): a document whose bytes 257-261 read "ustar" was refused as a tar
    # archive although it starts with markup
    head = f'<Envelope xmlns="{OVF1}"><References/><!--'
    data = (head + "x" * (257 - len(head)) + "ustar--></Envelope>").encode()
    assert data[257:262] == b"ustar"
    assert _round_trip(data) == data


def test_regression_xml_id_that_is_not_an_ncname_round_trips() -> None:
    # found by fuzz_load (second session): the loader accepts xml:id="05f1..." (xml:id errors are not
    # well-formedness errors); the comparison helper refused it
    data = f'<Envelope xmlns="{OVF1}"><References xml:id="05f1"/></Envelope>'.encode()
    assert _round_trip(data) == data
