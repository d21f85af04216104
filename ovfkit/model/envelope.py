"""The OVF envelope: References, Strings, virtual systems and collections, and the document around them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ovfkit.model.base import Attr, Child, Comment, OvfModel, ProcessingInstruction, _Base
from ovfkit.model.sections import (
    AnnotationSection,
    BootDeviceSection,
    DeploymentOptionSection,
    DiskSection,
    EncryptionSection,
    EnvironmentFilesSection,
    EulaSection,
    InstallSection,
    Msg,
    NetworkSection,
    OperatingSystemSection,
    PlacementGroupSection,
    PlacementSection,
    ProductSection,
    ResourceAllocationSection,
    ScaleOutSection,
    Section,
    SharedDiskSection,
    StartupSection,
    VirtualHardwareSection,
)

__all__ = [
    "AnySection",
    "Content",
    "Document",
    "Envelope",
    "File",
    "References",
    "Strings",
    "VirtualSystem",
    "VirtualSystemCollection",
    "SECTION_CLASSES",
]

AnySection = Annotated[
    (
        AnnotationSection
        | BootDeviceSection
        | DeploymentOptionSection
        | DiskSection
        | EncryptionSection
        | EnvironmentFilesSection
        | EulaSection
        | InstallSection
        | NetworkSection
        | OperatingSystemSection
        | PlacementGroupSection
        | PlacementSection
        | ProductSection
        | ResourceAllocationSection
        | ScaleOutSection
        | SharedDiskSection
        | StartupSection
        | VirtualHardwareSection
    ),
    Field(discriminator="kind"),
]

#: Section classes by element local name; ``xsi:type`` names are these plus ``_Type``.
SECTION_CLASSES: dict[str, type[Section]] = {
    cls.__name__: cls
    for cls in (
        AnnotationSection,
        BootDeviceSection,
        DeploymentOptionSection,
        DiskSection,
        EncryptionSection,
        EnvironmentFilesSection,
        EulaSection,
        InstallSection,
        NetworkSection,
        OperatingSystemSection,
        PlacementGroupSection,
        PlacementSection,
        ProductSection,
        ResourceAllocationSection,
        ScaleOutSection,
        SharedDiskSection,
        StartupSection,
        VirtualHardwareSection,
    )
}


class File(OvfModel):
    """A file of the package (``File_Type``): a disk image, ISO, or other payload."""

    xsd_type = "File_Type"

    id: Annotated[str | None, Attr("id")] = None
    href: Annotated[str | None, Attr("href")] = None
    size: Annotated[int | None, Attr("size")] = None
    compression: Annotated[str | None, Attr("compression")] = None
    chunk_size: Annotated[int | None, Attr("chunkSize")] = None


class References(OvfModel):
    """The files the package consists of."""

    xsd_type = "References_Type"

    files: Annotated[list[File], Child("File")] = Field(default_factory=list)

    def by_id(self, file_id: str) -> File | None:
        """Return the File with this ``ovf:id``, or None."""
        for file in self.files:
            if file.id == file_id:
                return file
        return None


class Strings(OvfModel):
    """Localized messages for one language, inline or in an external file (``ovf:fileRef``)."""

    xsd_type = "Strings_Type"

    lang: Annotated[str | None, Attr("lang", "xml")] = None
    file_ref: Annotated[str | None, Attr("fileRef")] = None
    messages: Annotated[list[Msg], Child("Msg")] = Field(default_factory=list)


class _ContentBase(OvfModel):
    """What virtual systems and collections share (``Content_Type``)."""

    xsd_type = "Content_Type"

    id: Annotated[str | None, Attr("id")] = None
    info: Annotated[Msg | None, Child("Info")] = None
    name: Annotated[Msg | None, Child("Name")] = None
    sections: Annotated[list[AnySection], Child("Section", polymorphic="section")] = Field(
        default_factory=list
    )

    def section(self, cls: type[Section]) -> Section | None:
        """Return this system's first section of the given class, or None."""
        for section in self.sections:
            if isinstance(section, cls):
                return section
        return None


class VirtualSystem(_ContentBase):
    """One virtual machine."""

    xsd_type = "VirtualSystem_Type"
    kind: Literal["VirtualSystem"] = "VirtualSystem"


class VirtualSystemCollection(_ContentBase):
    """A group of virtual systems and collections, nested to any depth."""

    xsd_type = "VirtualSystemCollection_Type"
    kind: Literal["VirtualSystemCollection"] = "VirtualSystemCollection"
    # The member types are spelled out (not the ``Content`` alias below) so that pydantic resolves the
    # annotation when the class is created: with deferred schema building, a forward reference would
    # leave this field without its binding metadata and nested content would not be read.
    contents: Annotated[
        list[Annotated[VirtualSystem | VirtualSystemCollection, Field(discriminator="kind")]],
        Child("Content", polymorphic="content"),
    ] = Field(default_factory=list)


Content = Annotated[VirtualSystem | VirtualSystemCollection, Field(discriminator="kind")]

#: Content classes by element local name.
CONTENT_CLASSES: dict[str, type[_ContentBase]] = {
    "VirtualSystem": VirtualSystem,
    "VirtualSystemCollection": VirtualSystemCollection,
}


class Document(_Base):
    """The bytes around the root element: BOM, XML declaration, comments and PIs before and after.

    ``declaration`` is the XML declaration exactly as written (None when absent); ``encoding`` the
    encoding the bytes really were in; ``prolog``/``epilog`` the comments, processing instructions
    and whitespace (as plain strings) before and after the root; ``newline`` is ``"\\r\\n"`` when the
    document used CRLF line ends. ``warnings`` records what the reader had to tolerate.
    ``root_tag`` is the root element's start tag as written (line ends as ``\n``): written back in
    place of the rendered one while the root's name, declarations and attributes are unchanged.
    ``empty_tag_end`` is how the document ends its empty-element tags: ``/>``, or `` />`` as .NET,
    Java and some vCenter writers do.
    """

    bom: bool = False
    declaration: str | None = None
    encoding: str = "utf-8"
    newline: str = "\n"
    prolog: list[str | Comment | ProcessingInstruction] = Field(default_factory=list)
    epilog: list[str | Comment | ProcessingInstruction] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    root_tag: str | None = None
    empty_tag_end: Literal["/>", " />"] = "/>"


class Envelope(OvfModel):
    """An OVF descriptor: References, sections, the virtual system (or collection) and Strings."""

    xsd_type = "EnvelopeType"

    version: Annotated[str | None, Attr("version")] = None
    lang: Annotated[str | None, Attr("lang", "xml")] = None
    references: Annotated[References | None, Child("References")] = None
    sections: Annotated[list[AnySection], Child("Section", polymorphic="section")] = Field(
        default_factory=list
    )
    content: Annotated[Content | None, Child("Content", polymorphic="content")] = None
    strings: Annotated[list[Strings], Child("Strings")] = Field(default_factory=list)
    document: Document = Field(default_factory=Document)

    @property
    def namespace(self) -> str | None:
        """The envelope's namespace URI as written (None for a model not read from a document)."""
        if self.xml is None:
            return None
        prefix, _, _ = self.xml.name.rpartition(":")
        for declared, uri in self.xml.ns:
            if declared == prefix:
                return uri
        return None

    def contents(self) -> list[VirtualSystem | VirtualSystemCollection]:
        """Every VirtualSystem and VirtualSystemCollection in document order (depth first: a
        collection before what it holds)."""
        found: list[VirtualSystem | VirtualSystemCollection] = []
        stack: list[VirtualSystem | VirtualSystemCollection] = []
        if self.content is not None:
            stack.append(self.content)
        while stack:
            current = stack.pop()
            found.append(current)
            if isinstance(current, VirtualSystemCollection):
                stack.extend(reversed(current.contents))
        return found

    def virtual_systems(self) -> list[VirtualSystem]:
        """Every VirtualSystem, depth first through nested collections."""
        return [content for content in self.contents() if isinstance(content, VirtualSystem)]
