"""XSD validation: libxml2 errors as located S diagnostics; the relaxed profile prunes vendor elements."""

from __future__ import annotations

from lxml import etree

from ovfkit.schema.xsd import XsdError, foreign_elements, validate_tree
from ovfkit.validate import validate
from ovfkit.validate.xsd import MAX_EXPECTED, Prefixes, classify, rewrite
from ovfkit.xmlio.safe import parse_bytes
from tests.unit.validate.documents import VALID, changed, line_of

OVF = "http://schemas.dmtf.org/ovf/envelope/1"
VMW = "http://www.vmware.com/schema/ovf"


def error(message: str) -> XsdError:
    return XsdError(1, message, "SCHEMAV_ELEMENT_CONTENT", None)


def test_classify() -> None:
    assert classify(error("Element 'x': This element is not expected. Expected is ( y ).")) == "S001"
    assert classify(error("Element 'x': Missing child element(s). Expected is ( Info ).")) == "S002"
    assert classify(error("Element 'x': The attribute 'ovf:capacity' is required but missing.")) == "S003"
    assert classify(error("'-1' is not a valid value of the atomic type 'xs:unsignedShort'.")) == "S004"
    assert classify(error("[facet 'enumeration'] The value '40' is not an element of the set")) == "S004"
    assert classify(error("No matching global declaration available for the validation root.")) == "S005"


def test_rewrite_uses_the_document_prefixes_and_shortens_lists() -> None:
    expected = ", ".join(f"{{{OVF}}}E{i}" for i in range(MAX_EXPECTED + 3))
    message = f"Element '{{{VMW}}}X': This element is not expected. Expected is one of ( {expected} )."
    text = rewrite(message, {OVF: "", VMW: "vmw"})
    assert text.startswith("Element 'vmw:X': This element is not expected. Expected is one of ( E0, E1,")
    assert text.endswith("and 3 more ).")
    assert "{urn:other}Y" in rewrite("Element '{urn:other}Y': bad", {})


def test_valid_tree_has_no_errors() -> None:
    root = parse_bytes(VALID.encode()).root
    assert validate_tree(root, "dsp8023_1.1.1") == []
    assert validate_tree(root, "dsp8023_1.1.1", prune_foreign=True) == []


def test_pruning_removes_vendor_elements_on_a_copy_and_keeps_lines() -> None:
    data = changed("  <DiskSection>", '  <vmw:IpAssignmentSection ovf:required="false"/>\n  <DiskSection>')
    data = data.replace(
        b"<rasd:ResourceType>3</rasd:ResourceType>", b"<rasd:ResourceType>3</rasd:ResourceType><rasd:Z/>"
    )
    root = parse_bytes(data).root
    before = etree.tostring(root)
    strict = validate_tree(root, "dsp8023_1.1.1")
    relaxed = validate_tree(root, "dsp8023_1.1.1", prune_foreign=True)
    assert [(e.line, e.tag) for e in strict] == [(6, f"{{{VMW}}}IpAssignmentSection")]
    assert (
        len(relaxed) == 1 and relaxed[0].tag.endswith("}Z") and relaxed[0].line == line_of(data, "<rasd:Z/>")
    )
    assert etree.tostring(root) == before


def test_foreign_elements_are_the_outermost_ones() -> None:
    root = etree.fromstring(
        f'<e:Envelope xmlns:e="{OVF}" xmlns:v="{VMW}"><v:A><v:B/></v:A><e:C><v:D/></e:C>'
        '<x:E xmlns:x="urn:x"/></e:Envelope>'.encode()
    )
    assert [el.tag.rpartition("}")[2] for el in foreign_elements(root, OVF)] == ["A", "D", "E"]


def test_rewrite_gives_attributes_a_prefix_where_elements_use_the_default_namespace() -> None:
    message = f"Element '{{{OVF}}}Disk', attribute '{{{OVF}}}capacity': The value 'x' is not valid."
    text = rewrite(message, Prefixes(elements={OVF: ""}, attributes={OVF: "ovf"}))
    assert text == "Element 'Disk', attribute 'ovf:capacity': The value 'x' is not valid."


def test_messages_name_elements_as_the_document_writes_them() -> None:
    """VMware binds the envelope namespace as the default and to ``ovf``, and writes elements bare."""
    bare = (
        f'<Envelope xmlns="{OVF}" xmlns:ovf="{OVF}">'
        "<References/><DiskSection><Infox>x</Infox></DiskSection></Envelope>"
    ).encode()
    prefixed = bare.replace(b"<DiskSection><Infox>x</Infox></DiskSection>", b"<ovf:Infox/>")
    assert [d.message for d in validate(bare, profile="strict", select="S001").diagnostics] == [
        "Element 'Infox': This element is not expected. Expected is ( Info ). [dsp8023_1.1.1]"
    ]
    messages = [d.message for d in validate(prefixed, profile="strict", select="S001").diagnostics]
    assert messages and messages[0].startswith("Element 'ovf:Infox': This element is not expected.")
    odd_one = bare.replace(b"<Infox>x</Infox>", b"<ovf:Infox>x</ovf:Infox>")
    assert [d.message for d in validate(odd_one, profile="strict", select="S001").diagnostics] == [
        "Element 'ovf:Infox': This element is not expected. Expected is ( Info ). [dsp8023_1.1.1]"
    ]


def test_a_usual_prefix_the_document_binds_elsewhere_is_not_lent_to_a_message() -> None:
    """A document whose ovf prefix names another namespace: its envelope attributes stay Clark names."""
    document = (
        f'<Envelope xmlns="{OVF}" xmlns:ovf="urn:other"><References><File ovf:href="a" ovf:id="f"/>'
        "</References></Envelope>"
    ).encode()
    messages = [d.message for d in validate(document, profile="strict", select="S003").diagnostics]
    assert messages and all("'ovf:" not in message for message in messages)
    assert f"The attribute '{{{OVF}}}href' is required but missing" in messages[0]


def test_names_a_message_expects_are_written_as_the_parent_writes_its_namespace() -> None:
    document = (
        f'<Envelope xmlns="{OVF}" xmlns:ovf="{OVF}" xmlns:vmw="{VMW}">'
        "<References/><vmw:X/><VirtualSystem ovf:id='a'><Info>i</Info></VirtualSystem></Envelope>"
    ).encode()
    [message] = [d.message for d in validate(document, profile="strict", select="S001").diagnostics]
    assert message.startswith("Element 'vmw:X': This element is not expected. Expected is one of ( Section,")
