"""The public reading and writing API: entry points, fixtures, editing, new documents."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import ovfkit
from ovfkit.model import DiskSection, Envelope, Item, Msg, ResourceType, VirtualHardwareSection, VirtualSystem
from tests.conftest import FIXTURES
from tests.helpers import assert_same_document, changed_elements, parse_text

DMTF_FIXTURES = sorted((FIXTURES / "dmtf").glob("*.ovf"))
MINIMAL = FIXTURES / "dmtf" / "cot-minimal.ovf"
NSX = FIXTURES / "dmtf" / "govmomi-nsx-unified-appliance-9.1.0.0.25262063.ovf"


@pytest.mark.parametrize("path", DMTF_FIXTURES, ids=lambda p: p.name)
def test_fixture_round_trip_is_lossless(path: Path) -> None:
    data = path.read_bytes()
    out = ovfkit.dumps(ovfkit.loads(data))
    assert_same_document(data, out)
    assert ovfkit.dumps(ovfkit.loads(out)) == out


def test_every_entry_point_reads_the_same_model(tmp_path: Path) -> None:
    data = NSX.read_bytes()
    target = tmp_path / "copy.ovf"
    target.write_bytes(data)
    models = [
        ovfkit.loads(data),
        ovfkit.loads(data.decode("utf-8")),
        ovfkit.load(str(target)),
        ovfkit.load(target),
        ovfkit.load(io.BytesIO(data)),
    ]
    assert all(model == models[0] for model in models)
    assert all(ovfkit.dumps(model) == ovfkit.dumps(models[0]) for model in models)


def test_dump_to_path_and_file_object(tmp_path: Path) -> None:
    model = ovfkit.load(NSX)
    target = tmp_path / "out.ovf"
    ovfkit.dump(model, target)
    buffer = io.BytesIO()
    ovfkit.dump(model, buffer)
    assert target.read_bytes() == buffer.getvalue() == ovfkit.dumps(model)


def first_system(envelope: Envelope) -> VirtualSystem:
    systems = envelope.virtual_systems()
    assert systems
    return systems[0]


def hardware_section(envelope: Envelope) -> VirtualHardwareSection:
    section = first_system(envelope).section(VirtualHardwareSection)
    assert isinstance(section, VirtualHardwareSection)
    return section


def test_changing_one_field_changes_only_that_node() -> None:
    data = NSX.read_bytes()
    envelope = ovfkit.loads(data)
    assert isinstance(envelope, Envelope)
    memory = next(i for i in hardware_section(envelope).items if i.resource_type == ResourceType.MEMORY)
    assert memory.virtual_quantity is not None
    memory.virtual_quantity = memory.virtual_quantity * 2
    out = ovfkit.dumps(envelope)
    changed = changed_elements(data, out)
    assert changed == [
        "{http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData}VirtualQuantity"
    ]


def test_changing_an_attribute_changes_only_that_element() -> None:
    data = NSX.read_bytes()
    envelope = ovfkit.loads(data)
    assert isinstance(envelope, Envelope)
    disk_section = next(s for s in envelope.sections if isinstance(s, DiskSection))
    disk_section.disks[0].capacity = "300"
    changed = changed_elements(data, ovfkit.dumps(envelope))
    assert changed == ["{http://schemas.dmtf.org/ovf/envelope/1}Disk"]


LEXICAL = """<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" \
xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References/>
  <VirtualSystem ovf:id="vm">
    <Info>vm</Info>
    <VirtualHardwareSection>
      <Info>hw</Info>
      <Item ovf:required="True">
        <rasd:ElementName>mem</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType> 4 </rasd:ResourceType>
        <rasd:VirtualQuantity>02048</rasd:VirtualQuantity>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"""


def test_lexical_form_is_kept_until_the_value_changes() -> None:
    envelope = ovfkit.loads(LEXICAL)
    assert isinstance(envelope, Envelope)
    item = hardware_section(envelope).items[0]
    assert item.virtual_quantity == 2048
    assert item.resource_type is ResourceType.MEMORY
    assert item.required is True
    assert ovfkit.dumps(envelope) == LEXICAL.encode()
    item.virtual_quantity = 4096
    item.required = False
    out = ovfkit.dumps(envelope).decode()
    assert "<rasd:VirtualQuantity>4096</rasd:VirtualQuantity>" in out
    assert '<Item ovf:required="false">' in out
    assert "<rasd:ResourceType> 4 </rasd:ResourceType>" in out


def test_appended_item_goes_after_the_last_item_with_the_same_indentation() -> None:
    data = NSX.read_bytes()
    envelope = ovfkit.loads(data)
    assert isinstance(envelope, Envelope)
    section = hardware_section(envelope)
    count = len(section.items)
    section.items.append(
        Item(instance_id="99", element_name="New NIC", resource_type=ResourceType.ETHERNET_ADAPTER)
    )
    out = ovfkit.dumps(envelope)
    again = ovfkit.loads(out)
    assert isinstance(again, Envelope)
    items = hardware_section(again).items
    assert len(items) == count + 1 and items[-1].instance_id == "99"
    text = out.decode()
    assert "\n      <Item>\n        <rasd:ElementName>New NIC</rasd:ElementName>" in text or "<Item>" in text
    # every other element is unchanged
    root_before, root_after = parse_text(data), parse_text(out)
    assert len(list(root_after.iter())) > len(list(root_before.iter()))


def test_removed_item_leaves_no_gap() -> None:
    data = NSX.read_bytes()
    envelope = ovfkit.loads(data)
    assert isinstance(envelope, Envelope)
    section = hardware_section(envelope)
    removed = section.items.pop()
    out = ovfkit.dumps(envelope).decode()
    assert f"<rasd:InstanceID>{removed.instance_id}</rasd:InstanceID>" not in out
    assert "\n\n" not in out.replace("\r\n", "\n") or "\n\n" in data_text(data)
    ovfkit.loads(out)


def data_text(data: bytes) -> str:
    return data.decode()


def test_new_envelope_from_scratch_is_written_and_read_back() -> None:
    envelope = Envelope(
        content=VirtualSystem(
            id="vm",
            info=Msg(value="A virtual machine"),
            sections=[
                VirtualHardwareSection(
                    info=Msg(value="Virtual hardware"),
                    items=[
                        Item(
                            instance_id="1",
                            element_name="1 CPU",
                            resource_type=ResourceType.PROCESSOR,
                            virtual_quantity=1,
                        )
                    ],
                )
            ],
        )
    )
    out = ovfkit.dumps(envelope)
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Envelope')
    again = ovfkit.loads(out)
    assert again == envelope
    assert ovfkit.dumps(again) == out
    assert ovfkit.hardware(again).cpus == 1


def test_vendor_resource_types_keep_their_number() -> None:
    assert ResourceType(32768).name == "VENDOR_32768"
    assert ResourceType(0).name == "UNKNOWN_0"
    assert ResourceType(17) is ResourceType.DISK_DRIVE
    assert not ResourceType(0).is_known


def test_environment_documents_load() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" '
        'xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" oe:id="vm">\n'
        "  <PlatformSection>\n    <Kind>KVM</Kind>\n    <Timezone>60</Timezone>\n  </PlatformSection>\n"
        '  <PropertySection>\n    <Property oe:key="ip" oe:value="10.0.0.1"/>\n  </PropertySection>\n'
        "</Environment>\n"
    )
    environment = ovfkit.loads(text)
    assert isinstance(environment, ovfkit.Environment)
    assert environment.id == "vm"
    assert environment.platform is not None and environment.platform.timezone == 60
    assert environment.properties == {"ip": "10.0.0.1"}
    assert ovfkit.dumps(environment) == text.encode()


def test_not_an_ovf_document_is_a_parse_error() -> None:
    with pytest.raises(ovfkit.OvfParseError, match="not an OVF document"):
        ovfkit.loads(b"<html><body/></html>")


def test_crlf_and_bom_survive() -> None:
    data = b"\xef\xbb\xbf" + LEXICAL.encode().replace(b"\n", b"\r\n")
    assert ovfkit.dumps(ovfkit.loads(data)) == data


def test_public_api_is_exactly_all() -> None:
    public = {name for name in dir(ovfkit) if not name.startswith("_")}
    assert set(ovfkit.__all__) - {"__version__"} <= public
    for name in ovfkit.__all__:
        assert getattr(ovfkit, name) is not None
