"""ovfkit.schema.coverage: reading XSD types, and what the model types or keeps generic."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from ovfkit.schema import BUNDLED, xmlschema_schema
from ovfkit.schema.coverage import CoverageReport, TypeCoverage, XsdMember, coverage, simple_kind, xsd_members


@functools.cache
def schema(key: str = "dsp8023_2.0.1") -> Any:
    return xmlschema_schema(key)


@functools.lru_cache(maxsize=1)
def report() -> CoverageReport:
    return coverage()


def members(type_name: str, key: str = "dsp8023_2.0.1") -> dict[str, XsdMember]:
    return {m.name: m for m in xsd_members(schema(key), schema(key).types[type_name])}


def entry(model: str, xsd_type: str, key: str = "dsp8023_2.0.1") -> TypeCoverage:
    return next(t for t in report().types if (t.model, t.xsd_type, t.schema) == (model, xsd_type, key))


def rasd_type(local: str) -> Any:
    found = members("RASD_Type")[f"rasd:{local}"]
    return found.element.type


@pytest.mark.parametrize(
    ("local", "kind"),
    [
        ("Address", "string"),  # cimString
        ("Caption", "string"),  # an anonymous restriction of cimString
        ("AutomaticAllocation", "boolean"),  # cimBoolean
        ("VirtualQuantity", "integer"),  # cimUnsignedLong
        ("ChangeableType", "integer"),  # an enumeration restricting cimUnsignedShort
        ("ResourceType", "integer"),  # a union of unsignedShort ranges
        ("ComponentSetting", "any"),  # xs:anyType
    ],
)
def test_simple_kinds_of_cim_properties(local: str, kind: str) -> None:
    assert simple_kind(rasd_type(local)) == kind


def test_attributes_elements_and_wildcards_of_a_type() -> None:
    disk = members("VirtualDiskDesc_Type")
    assert disk["ovf:capacity"].kind == "attribute" and disk["ovf:capacity"].simple == "string"
    assert disk["ovf:populatedSize"].simple == "integer"
    kinds = {m.kind for m in disk.values()}
    assert {"attribute", "any-attribute", "any-element"} <= kinds


def test_text_content_of_a_simple_content_type() -> None:
    msg = members("Msg_Type")
    assert msg["(text)"].kind == "text" and msg["(text)"].simple == "string"
    assert msg["ovf:msgid"].kind == "attribute"


def test_cardinality_and_positions_follow_the_content_model() -> None:
    product = members("ProductSection_Type")
    assert product["ovf:Info"].max_occurs == 1
    assert product["ovf:Icon"].max_occurs is None
    # Category and Property are one repeated choice: both repeat, at the same position
    assert product["ovf:Category"].max_occurs is None and product["ovf:Property"].max_occurs is None
    assert product["ovf:Category"].position == product["ovf:Property"].position
    assert product["ovf:Info"].position < product["ovf:Product"].position < product["ovf:Icon"].position
    assert product["ovf:Icon"].position < product["ovf:Category"].position


def test_substitution_group_members_stand_in_for_their_head() -> None:
    envelope = members("EnvelopeType")
    head = envelope["ovf:Section"]
    assert envelope["ovf:DiskSection"].position == head.position
    assert envelope["ovf:DiskSection"].type_name == "DiskSection_Type"
    assert envelope["ovf:VirtualSystem"].position == envelope["ovf:Content"].position


def test_typed_and_generic_members_of_the_cim_types() -> None:
    item = entry("Item", "RASD_Type")
    typed = {m.name: m.field for m in item.typed}
    assert typed["rasd:InstanceID"] == "instance_id"
    assert typed["rasd:ResourceType"] == "resource_type"
    assert typed["ovf:configuration"] == "configuration"
    generic = {m.name for m in item.generic}
    assert "rasd:ComponentSetting" in generic  # xs:anyType: kept as a generic node
    assert item.model_only == ("rasd:InstanceId",)  # the alias the XSD does not declare
    system = entry("System", "VSSD_Type")
    assert {"vssd:CreationTime", "vssd:AutomaticStartupActionDelay"} <= {m.name for m in system.generic}


def test_anonymous_types_are_named_after_their_parent() -> None:
    network = entry("Network", "NetworkSection_Type/Network")
    assert {m.name for m in network.typed} == {"ovf:name", "ovf:Description"}
    assert {"ovf:NetworkPortProfile", "ovf:NetworkPortProfileURI"} <= {m.name for m in network.generic}


def test_older_schema_versions_are_compared_too() -> None:
    item = entry("Item", "RASD_Type", "dsp8023_1.1.1")
    assert "rasd:Generation" in item.model_only  # a CIM property of the 2.x schemas only
    assert not any(t.model == "StorageItem" for t in report().types if t.schema == "dsp8023_1.1.1")


def test_environment_models() -> None:
    environment = entry("Environment", "Environment_Type", "dsp8027_1.1.0")
    typed = {m.name: m.field for m in environment.typed}
    assert typed == {
        "env:id": "id",
        "env:PlatformSection": "platform",
        "env:PropertySection": "property_section",
        "env:Entity": "entities",
    }


def test_the_report_compares_each_schema_it_is_given() -> None:
    only = coverage(("dsp8027_1.1.0",))
    assert {t.schema for t in only.types} == {"dsp8027_1.1.0"}
    assert only.drift == ()


@pytest.mark.parametrize("key", list(BUNDLED))
def test_every_bundled_schema_compares_without_drift(key: str) -> None:
    """Alone, a version lists the names it lacks (as model_only) instead of calling them drift."""
    alone = coverage((key,))
    assert alone.types and alone.drift == ()
