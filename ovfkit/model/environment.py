"""The OVF environment document (DSP8027, ``ovf-env.xml``) that a platform hands to a guest."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ovfkit.model.base import Attr, Child, Leaf, OvfModel
from ovfkit.model.envelope import Document

__all__ = ["Entity", "Environment", "EnvironmentProperty", "PlatformSection", "PropertySection"]


class PlatformSection(OvfModel):
    """The deployment platform: kind, version, vendor, locale, timezone."""

    xsd_type = "PlatformSection_Type"

    kind: Annotated[str | None, Leaf("Kind", "env")] = None
    version: Annotated[str | None, Leaf("Version", "env")] = None
    vendor: Annotated[str | None, Leaf("Vendor", "env")] = None
    locale: Annotated[str | None, Leaf("Locale", "env")] = None
    timezone: Annotated[int | None, Leaf("Timezone", "env")] = None


class EnvironmentProperty(OvfModel):
    """A property's deployed value (``oe:key``, ``oe:value``)."""

    key: Annotated[str | None, Attr("key", "env")] = None
    value: Annotated[str | None, Attr("value", "env")] = None


class PropertySection(OvfModel):
    """The deployed values of the descriptor's properties."""

    xsd_type = "PropertySection_Type"

    properties: Annotated[list[EnvironmentProperty], Child("Property", "env")] = Field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        """The properties as a key to value mapping (later keys win)."""
        return {p.key: p.value or "" for p in self.properties if p.key is not None}


class Entity(OvfModel):
    """The environment of another system of the same collection."""

    xsd_type = "Entity_Type"

    id: Annotated[str | None, Attr("id", "env")] = None
    platform: Annotated[PlatformSection | None, Child("PlatformSection", "env")] = None
    property_section: Annotated[PropertySection | None, Child("PropertySection", "env")] = None


class Environment(OvfModel):
    """An OVF environment document (``ovf-env.xml``)."""

    xsd_type = "Environment_Type"

    id: Annotated[str | None, Attr("id", "env")] = None
    platform: Annotated[PlatformSection | None, Child("PlatformSection", "env")] = None
    property_section: Annotated[PropertySection | None, Child("PropertySection", "env")] = None
    entities: Annotated[list[Entity], Child("Entity", "env")] = Field(default_factory=list)
    document: Document = Field(default_factory=Document)

    @property
    def properties(self) -> dict[str, str]:
        """The deployed property values as a mapping."""
        return self.property_section.as_dict() if self.property_section else {}
