"""Locations: start tags (over several lines, or repeated on one line), leaf children, attributes, paths."""

from __future__ import annotations

from ovfkit.validate import validate
from ovfkit.validate.locate import Locator
from ovfkit.xmlio.safe import parse_bytes

ONE_LINE = (
    b'<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" '
    b'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><References/>'
    b'<Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type"><Name>vm</Name>'
    b'<Section xsi:type="ovf:VirtualHardwareSection_Type"><Info>hw</Info>'
    b"<Item><rasd:InstanceId>1</rasd:InstanceId><rasd:ResourceType>3</rasd:ResourceType><BootOrder>1</BootOrder></Item>"
    b"<Item><rasd:InstanceId>2</rasd:InstanceId><rasd:ResourceType>4</rasd:ResourceType><BootOrder>1</BootOrder></Item>"
    b"</Section></Content></ovf:Envelope>"
)


def test_repeated_elements_on_one_line_get_their_own_columns() -> None:
    (clash,) = validate(ONE_LINE, select="O105").diagnostics
    second_item = ONE_LINE.index(b"<Item>", ONE_LINE.index(b"<Item>") + 1)
    second_boot = ONE_LINE.index(b"<BootOrder>", second_item)
    assert (clash.line, clash.column) == (1, second_boot + 1)
    assert clash.path == "/ovf:Envelope/Content/Section/Item[2]/BootOrder"


def test_start_tags_over_several_lines_are_located_where_they_begin() -> None:
    data = (
        b'<?xml version="1.0"?>\n<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"\n'
        b'  xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">\n  <References>\n'
        b'    <File ovf:id="a"\n      ovf:href="/abs.vmdk"\n      ovf:size="1"/>\n  </References>\n'
        b'  <VirtualSystem ovf:id="vm"><Info>i</Info></VirtualSystem>\n</Envelope>\n'
    )
    found = validate(data, select="K101").diagnostics
    assert [(d.line, d.column, d.path) for d in found] == [(5, 5, "/Envelope/References/File/@ovf:href")]
    parsed = parse_bytes(data)
    file_element = parsed.root[0][0]
    assert file_element.sourceline == 7  # libxml2 counts where the start tag ends
    assert Locator(parsed.root, parsed.text).of_xsd_error(file_element) == (
        7,
        None,
        "/Envelope/References/File",
    )


def test_locator_without_a_tree_falls_back_to_model_lines() -> None:
    import ovfkit

    model = ovfkit.loads(ONE_LINE)
    assert Locator(None, None).of_model(model, model) == (1, None, None)
    assert Locator(None, None).element_at(1, "x") is None


def test_element_at_finds_the_first_element_of_a_tag_on_a_line() -> None:
    parsed = parse_bytes(ONE_LINE)
    locator = Locator(parsed.root, parsed.text)
    ovf = "{http://schemas.dmtf.org/ovf/envelope/1/}"
    assert locator.element_at(1, "Item") is parsed.root[1][1][1]  # Content/Section/Item: the first one
    assert locator.element_at(1, "BootOrder") is not None
    assert locator.element_at(2, "Item") is None
    assert locator.element_at(1, f"{ovf}Envelope") is parsed.root
    assert locator.element_at(1, "{urn:none}Item") is None
    assert locator.element_at(1, "{unbalanced") is None  # not a tag lxml can look for
