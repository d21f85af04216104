"""The model is proved against the bundled XSDs: a drifting name, order, cardinality or type fails here.

``ovfkit.schema.coverage`` compares every model class with the XSD type it stands for; the first
test is the proof for the real model, the others show that each kind of drift is caught, using
made-up model classes against real XSD types.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

import pytest
from pydantic import Field

import ovfkit.model as model_package
from ovfkit.model.base import Attr, Child, Leaf, OvfModel, Text
from ovfkit.model.sections import Disk, Msg
from ovfkit.schema import xmlschema_schema
from ovfkit.schema.coverage import DEVIATIONS, CoverageReport, compare, coverage


@functools.lru_cache(maxsize=1)
def report() -> CoverageReport:
    return coverage()


def test_the_model_matches_the_bundled_xsds() -> None:
    drift = [str(d) for d in report().drift]
    assert drift == [], "\n".join(drift)


def test_every_deviation_is_needed_and_has_a_reason() -> None:
    assert report().unused_deviations == ()
    for pair, reason in DEVIATIONS.items():
        assert len(reason) > 40, pair


def test_every_model_class_is_compared() -> None:
    compared = {t.model for t in report().types}
    abstract = {"OvfModel", "Section", "ResourceItem"}
    expected = {
        name
        for name in model_package.__all__
        if isinstance(getattr(model_package, name), type)
        and issubclass(getattr(model_package, name), OvfModel)
        and name not in abstract
    }
    assert len(expected) >= 44
    assert expected <= compared, sorted(expected - compared)


def test_nested_collections_are_bound() -> None:
    """A field whose annotation pydantic could not resolve would have no binding (and not be read)."""
    collection = next(t for t in report().types if t.model == "VirtualSystemCollection")
    typed = {m.name: m.field for m in collection.typed}
    assert typed["ovf:Content"] == typed["ovf:VirtualSystem"] == "contents"


# -- each kind of drift is caught ------------------------------------------------------------------


@functools.cache
def schema() -> Any:
    return xmlschema_schema("dsp8023_2.0.1")


def problems(cls: type[OvfModel], xsd_type: str) -> list[str]:
    _, found, _ = compare(cls, schema(), schema().types[xsd_type], "dsp8023_2.0.1")
    return [f"{d.field}: {d.problem}" for d in found]


class GoodDisk(OvfModel):
    xsd_type = "VirtualDiskDesc_Type"

    capacity: Annotated[str | None, Attr("capacity")] = None
    populated_size: Annotated[int | None, Attr("populatedSize")] = None


class MisnamedDisk(OvfModel):
    xsd_type = "VirtualDiskDesc_Type"

    capacity: Annotated[str | None, Attr("capacityy")] = None


class MistypedDisk(OvfModel):
    xsd_type = "VirtualDiskDesc_Type"

    capacity: Annotated[int | None, Attr("capacity")] = None
    populated_size: Annotated[str | None, Attr("populatedSize")] = None


class SingleDiskSection(OvfModel):
    xsd_type = "DiskSection_Type"

    info: Annotated[Msg | None, Child("Info")] = None
    disks: Annotated[Disk | None, Child("Disk")] = None


class ManyInfosDiskSection(OvfModel):
    xsd_type = "DiskSection_Type"

    info: Annotated[list[Msg], Child("Info")] = Field(default_factory=list)


class WrongModelDiskSection(OvfModel):
    xsd_type = "DiskSection_Type"

    disks: Annotated[list[Msg], Child("Disk")] = Field(default_factory=list)


class ReorderedProductSection(OvfModel):
    xsd_type = "ProductSection_Type"

    vendor: Annotated[Msg | None, Child("Vendor")] = None
    product: Annotated[Msg | None, Child("Product")] = None


class InterleavedProductSection(OvfModel):
    """Property before Category: the two share one repeated choice, so either order is the XSD's."""

    xsd_type = "ProductSection_Type"

    properties: Annotated[list[GoodDisk], Child("Property")] = Field(default_factory=list)
    categories: Annotated[list[Msg], Child("Category")] = Field(default_factory=list)


class UnsortedCimItem(OvfModel):
    """Not a CIM class for the binding (no RASD_Type), so its fields keep the declared order."""

    xsd_type = "UnsortedRASD"

    weight: Annotated[int | None, Leaf("Weight", "rasd")] = None
    address: Annotated[str | None, Leaf("Address", "rasd")] = None


class MistypedCimItem(OvfModel):
    xsd_type = "RASD_Type"

    virtual_quantity: Annotated[str | None, Leaf("VirtualQuantity", "rasd")] = None
    automatic_allocation: Annotated[int | None, Leaf("AutomaticAllocation", "rasd")] = None
    host_resource: Annotated[str | None, Leaf("HostResource", "rasd")] = None
    caption: Annotated[str | None, Leaf("Caption", "rasd", aliases=("Title",))] = None


class WrongNamespaceItem(OvfModel):
    xsd_type = "RASD_Type"

    address: Annotated[str | None, Leaf("Address", "vssd")] = None


class UnboundField(OvfModel):
    xsd_type = "VirtualDiskDesc_Type"

    capacity: str | None = None


class TextlessMsg(OvfModel):
    xsd_type = "Msg_Type"

    msgid: Annotated[str | None, Attr("msgid")] = None


class TextDisk(OvfModel):
    xsd_type = "VirtualDiskDesc_Type"

    value: Annotated[str, Text()] = ""


class TextlessInfoSection(OvfModel):
    xsd_type = "DiskSection_Type"

    info: Annotated[TextlessMsg | None, Child("Info")] = None


def test_a_model_that_matches_has_no_problem() -> None:
    assert problems(GoodDisk, "VirtualDiskDesc_Type") == []
    assert problems(InterleavedProductSection, "ProductSection_Type") == []


def test_a_name_the_xsd_does_not_declare() -> None:
    assert problems(MisnamedDisk, "VirtualDiskDesc_Type") == [
        "capacity: attribute ovf:capacityy is not declared in this XSD type"
    ]
    assert problems(WrongNamespaceItem, "RASD_Type") == [
        "address: element vssd:Address is not declared in this XSD type"
    ]


def test_a_simple_type_that_differs() -> None:
    assert problems(MistypedDisk, "VirtualDiskDesc_Type") == [
        "capacity: typed as integer, but the XSD type of ovf:capacity is string",
        "populated_size: typed as string, but the XSD type of ovf:populatedSize is integer",
    ]


def test_cim_types_and_cardinality() -> None:
    assert problems(MistypedCimItem, "RASD_Type") == [
        "automatic_allocation: typed as integer, but the XSD type of rasd:AutomaticAllocation is boolean",
        "caption: an alias element rasd:Title is not declared in this XSD type",
        "host_resource: a single field, but rasd:HostResource may occur unbounded times",
        "virtual_quantity: typed as string, but the XSD type of rasd:VirtualQuantity is integer",
    ]


def test_cardinality_that_differs() -> None:
    assert problems(SingleDiskSection, "DiskSection_Type") == [
        "disks: a single field, but ovf:Disk may occur unbounded times"
    ]
    assert problems(ManyInfosDiskSection, "DiskSection_Type") == [
        "info: a list field, but ovf:Info occurs at most 1 time"
    ]


def test_a_child_model_of_another_xsd_type() -> None:
    assert problems(WrongModelDiskSection, "DiskSection_Type") == [
        "disks: binds Msg (Msg_Type), but ovf:Disk is of type VirtualDiskDesc_Type"
    ]
    assert problems(TextlessInfoSection, "DiskSection_Type") == [
        "info: binds TextlessMsg, which has no text, but ovf:Info has simple content"
    ]
    assert problems(TextDisk, "VirtualDiskDesc_Type") == [
        "value: typed as the element's text, but the XSD type has no simple content"
    ]


def test_order_that_differs_from_the_sequence() -> None:
    assert problems(ReorderedProductSection, "ProductSection_Type") == [
        "product: comes after vendor in the model, but before it in the XSD sequence"
    ]
    assert problems(UnsortedCimItem, "RASD_Type") == [
        "address: comes after weight in the model, but before it in the XSD sequence"
    ]


def test_a_field_without_binding() -> None:
    assert problems(UnboundField, "VirtualDiskDesc_Type") == [
        "capacity: has no XML binding (Attr, Leaf, Child or Text): it would be neither read nor written"
    ]


@pytest.mark.parametrize("cls", [GoodDisk, MistypedDisk])
def test_typed_and_generic_members_are_reported(cls: type[OvfModel]) -> None:
    result, _, _ = compare(cls, schema(), schema().types["VirtualDiskDesc_Type"], "dsp8023_2.0.1")
    assert {m.name for m in result.typed} == {"ovf:capacity", "ovf:populatedSize"}
    assert "ovf:diskId" in {m.name for m in result.generic}
