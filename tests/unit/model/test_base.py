"""The base models: source lines and layout facts say how a document was written, not what it says."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import ovfkit
from ovfkit.model import Item, VirtualHardwareSection, XmlInfo

DOCUMENT = b"""<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" \
xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <VirtualSystem>
    <Info>vm</Info>
    <VirtualHardwareSection>
      <Info>hardware</Info>
      <Item>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"""


def _item(envelope: object) -> Item:
    assert isinstance(envelope, ovfkit.Envelope)
    section = envelope.virtual_systems()[0].section(VirtualHardwareSection)
    assert isinstance(section, VirtualHardwareSection)
    (item,) = section.items
    return item


def test_a_read_model_knows_the_line_of_its_start_tag() -> None:
    envelope = ovfkit.loads(DOCUMENT)
    assert envelope.line == 1
    assert _item(envelope).line == 6


def test_the_line_is_neither_data_nor_json() -> None:
    item = _item(ovfkit.loads(DOCUMENT))
    moved = item.model_copy(update={"line": 60})
    assert moved == item
    assert "line" not in item.model_dump(mode="json")
    assert '"line"' not in ovfkit.to_json(ovfkit.loads(DOCUMENT))


def test_a_model_built_in_code_has_no_line() -> None:
    assert Item(instance_id="1", resource_type=3).line is None


def test_layout_facts_are_frozen_and_not_hashable() -> None:
    info = XmlInfo(name="Item", children=("rasd:InstanceID",), gaps=["\n  ", "\n"])
    assert info.gaps == ("\n  ", "\n")
    with pytest.raises(ValidationError, match="frozen"):
        info.name = "rasd:Item"  # type: ignore[misc]
    with pytest.raises(TypeError, match="unhashable"):
        hash(info)
    changed = info.model_copy(update={"name": "ovf:Item"})
    assert (changed.name, info.name) == ("ovf:Item", "Item")
