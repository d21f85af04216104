"""OVF section models (DSP0243 1.x and 2.x), one class per ``*Section_Type`` of DSP8023.

A section is found by its element name (``DiskSection``) or, in OVF 0.9 and the oVirt flavour, by
``<Section xsi:type="ovf:DiskSection_Type">``; both read into the same class, and ``xml.name``
remembers which form was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from ovfkit.model.base import Attr, Child, Leaf, OvfModel, Text
from ovfkit.model.cim import EthernetPortItem, Item, StorageItem, System

__all__ = [
    "AnnotationSection",
    "BootDeviceSection",
    "Configuration",
    "DeploymentOptionSection",
    "Disk",
    "DiskSection",
    "EncryptionSection",
    "EnvironmentFile",
    "EnvironmentFilesSection",
    "EulaSection",
    "Icon",
    "InstallSection",
    "InstanceCount",
    "Msg",
    "Network",
    "NetworkSection",
    "OperatingSystemSection",
    "PlacementGroupSection",
    "PlacementSection",
    "ProductSection",
    "Property",
    "PropertyValue",
    "ResourceAllocationSection",
    "ScaleOutSection",
    "Section",
    "SharedDisk",
    "SharedDiskSection",
    "StartupItem",
    "StartupSection",
    "VirtualHardwareSection",
]


class Msg(OvfModel):
    """A localizable message (``Msg_Type``): text plus an optional ``ovf:msgid`` into ``Strings``."""

    xsd_type = "Msg_Type"

    value: Annotated[str, Text()] = ""
    msgid: Annotated[str | None, Attr("msgid")] = None

    def __str__(self) -> str:
        return self.value


class Section(OvfModel):
    """What every section has: ``ovf:required`` and an ``Info`` message."""

    xsd_type = "Section_Type"

    required: Annotated[bool | None, Attr("required")] = None
    info: Annotated[Msg | None, Child("Info")] = None


class Disk(OvfModel):
    """A virtual disk (``VirtualDiskDesc_Type``). ``capacity`` stays text: it may be ``${property}``."""

    xsd_type = "VirtualDiskDesc_Type"

    capacity: Annotated[str | None, Attr("capacity")] = None
    capacity_allocation_units: Annotated[str | None, Attr("capacityAllocationUnits")] = None
    disk_id: Annotated[str | None, Attr("diskId")] = None
    file_ref: Annotated[str | None, Attr("fileRef")] = None
    format: Annotated[str | None, Attr("format")] = None
    parent_ref: Annotated[str | None, Attr("parentRef")] = None
    populated_size: Annotated[int | None, Attr("populatedSize")] = None


class SharedDisk(Disk):
    """A disk shared between virtual systems (``SharedVirtualDiskDesc_Type``, OVF 2)."""

    xsd_type = "SharedVirtualDiskDesc_Type"

    read_only: Annotated[bool | None, Attr("readOnly")] = None


class DiskSection(Section):
    """The virtual disks of the package."""

    xsd_type = "DiskSection_Type"
    kind: Literal["DiskSection"] = "DiskSection"
    disks: Annotated[list[Disk], Child("Disk")] = Field(default_factory=list)


class Network(OvfModel):
    """A logical network the package's systems connect to."""

    name: Annotated[str | None, Attr("name")] = None
    description: Annotated[Msg | None, Child("Description")] = None


class NetworkSection(Section):
    """The logical networks of the package."""

    xsd_type = "NetworkSection_Type"
    kind: Literal["NetworkSection"] = "NetworkSection"
    networks: Annotated[list[Network], Child("Network")] = Field(default_factory=list)


class Configuration(OvfModel):
    """A deployment option (profile) that Items and properties may be limited to."""

    id: Annotated[str | None, Attr("id")] = None
    default: Annotated[bool | None, Attr("default")] = None
    label: Annotated[Msg | None, Child("Label")] = None
    description: Annotated[Msg | None, Child("Description")] = None


class DeploymentOptionSection(Section):
    """The deployment options (profiles) a consumer chooses from."""

    xsd_type = "DeploymentOptionSection_Type"
    kind: Literal["DeploymentOptionSection"] = "DeploymentOptionSection"
    configurations: Annotated[list[Configuration], Child("Configuration")] = Field(default_factory=list)


class StartupItem(OvfModel):
    """The power-on order of one system of a collection."""

    id: Annotated[str | None, Attr("id")] = None
    order: Annotated[int | None, Attr("order")] = None
    start_delay: Annotated[int | None, Attr("startDelay")] = None
    wait_for_guest: Annotated[bool | None, Attr("waitingForGuest")] = None
    stop_delay: Annotated[int | None, Attr("stopDelay")] = None
    start_action: Annotated[str | None, Attr("startAction")] = None
    stop_action: Annotated[str | None, Attr("stopAction")] = None


class StartupSection(Section):
    """Power-on and power-off order of a collection's systems."""

    xsd_type = "StartupSection_Type"
    kind: Literal["StartupSection"] = "StartupSection"
    items: Annotated[list[StartupItem], Child("Item")] = Field(default_factory=list)


class ResourceAllocationSection(Section):
    """Resources reserved for a collection."""

    xsd_type = "ResourceAllocationSection_Type"
    kind: Literal["ResourceAllocationSection"] = "ResourceAllocationSection"
    items: Annotated[list[Item], Child("Item")] = Field(default_factory=list)
    ethernet_port_items: Annotated[list[EthernetPortItem], Child("EthernetPortItem")] = Field(
        default_factory=list
    )
    storage_items: Annotated[list[StorageItem], Child("StorageItem")] = Field(default_factory=list)


class EulaSection(Section):
    """A licence agreement."""

    xsd_type = "EulaSection_Type"
    kind: Literal["EulaSection"] = "EulaSection"
    license: Annotated[Msg | None, Child("License")] = None


class AnnotationSection(Section):
    """A free-form annotation."""

    xsd_type = "AnnotationSection_Type"
    kind: Literal["AnnotationSection"] = "AnnotationSection"
    annotation: Annotated[Msg | None, Child("Annotation")] = None


class Icon(OvfModel):
    """An icon of a product."""

    height: Annotated[int | None, Attr("height")] = None
    width: Annotated[int | None, Attr("width")] = None
    mime_type: Annotated[str | None, Attr("mimeType")] = None
    file_ref: Annotated[str | None, Attr("fileRef")] = None


class PropertyValue(OvfModel):
    """A property's value for one deployment option (``PropertyConfigurationValue_Type``)."""

    xsd_type = "PropertyConfigurationValue_Type"

    value: Annotated[str | None, Attr("value")] = None
    configuration: Annotated[str | None, Attr("configuration")] = None


class Property(OvfModel):
    """A customization property (``ovf:key``, ``ovf:type``, ``ovf:value``, ...)."""

    key: Annotated[str | None, Attr("key")] = None
    type: Annotated[str | None, Attr("type")] = None
    qualifiers: Annotated[str | None, Attr("qualifiers")] = None
    user_configurable: Annotated[bool | None, Attr("userConfigurable")] = None
    value: Annotated[str | None, Attr("value")] = None
    password: Annotated[bool | None, Attr("password")] = None
    label: Annotated[Msg | None, Child("Label")] = None
    description: Annotated[Msg | None, Child("Description")] = None
    values: Annotated[list[PropertyValue], Child("Value")] = Field(default_factory=list)


class ProductSection(Section):
    """Product information and customization properties.

    ``categories`` and ``properties`` interleave in the document (a Category heads the properties
    after it); ``grouped()`` gives them back together.
    """

    xsd_type = "ProductSection_Type"
    kind: Literal["ProductSection"] = "ProductSection"
    class_: Annotated[str | None, Attr("class")] = None
    instance: Annotated[str | None, Attr("instance")] = None
    product: Annotated[Msg | None, Child("Product")] = None
    vendor: Annotated[Msg | None, Child("Vendor")] = None
    version: Annotated[str | None, Leaf("Version")] = None
    full_version: Annotated[str | None, Leaf("FullVersion")] = None
    product_url: Annotated[str | None, Leaf("ProductUrl")] = None
    vendor_url: Annotated[str | None, Leaf("VendorUrl")] = None
    app_url: Annotated[str | None, Leaf("AppUrl")] = None
    icons: Annotated[list[Icon], Child("Icon")] = Field(default_factory=list)
    categories: Annotated[list[Msg], Child("Category")] = Field(default_factory=list)
    properties: Annotated[list[Property], Child("Property")] = Field(default_factory=list)

    def full_key(self, prop: Property) -> str:
        """The fully qualified key of one of this section's properties (``class.key.instance``)."""
        key = prop.key or ""
        if self.class_:
            key = f"{self.class_}.{key}"
        if self.instance:
            key = f"{key}.{self.instance}"
        return key

    def grouped(self) -> list[tuple[str | None, list[Property]]]:
        """Return ``(category, properties)`` pairs in document order (category None before the first)."""
        groups: list[tuple[str | None, list[Property]]] = [(None, [])]
        if self.xml is None:
            groups[0][1].extend(self.properties)
            for category in self.categories:
                groups.append((category.value, []))
            return [g for g in groups if g[0] is not None or g[1]]
        categories = iter(self.categories)
        properties = iter(self.properties)
        for entry in self.xml.children:
            local = entry.rpartition(":")[2]
            if local == "Category":
                heading = next(categories, None)
                groups.append((heading.value if heading else None, []))
            elif local == "Property":
                prop = next(properties, None)
                if prop is not None:
                    groups[-1][1].append(prop)
        groups[-1][1].extend(properties)
        return [g for g in groups if g[0] is not None or g[1]]


class OperatingSystemSection(Section):
    """The guest operating system (``ovf:id`` is a CIM_OperatingSystem OsType number)."""

    xsd_type = "OperatingSystemSection_Type"
    kind: Literal["OperatingSystemSection"] = "OperatingSystemSection"
    id: Annotated[int | None, Attr("id")] = None
    version: Annotated[str | None, Attr("version")] = None
    description: Annotated[Msg | None, Child("Description")] = None


class InstallSection(Section):
    """The system must boot once to install before it is usable."""

    xsd_type = "InstallSection_Type"
    kind: Literal["InstallSection"] = "InstallSection"
    initial_boot_stop_delay: Annotated[int | None, Attr("initialBootStopDelay")] = None


class EnvironmentFile(OvfModel):
    """A file handed to the guest with the OVF environment (OVF 2)."""

    xsd_type = "EnvironmentFile_Type"

    file_ref: Annotated[str | None, Attr("fileRef")] = None
    path: Annotated[str | None, Attr("path")] = None


class EnvironmentFilesSection(Section):
    """Files handed to the guest with the OVF environment (OVF 2)."""

    xsd_type = "EnvironmentFilesSection_Type"
    kind: Literal["EnvironmentFilesSection"] = "EnvironmentFilesSection"
    transport: Annotated[str | None, Attr("transport")] = None
    files: Annotated[list[EnvironmentFile], Child("File")] = Field(default_factory=list)


class BootDeviceSection(Section):
    """Boot device order (OVF 2); its ``CIM_BootConfigSetting`` is kept as a generic node."""

    xsd_type = "BootDeviceSection_Type"
    kind: Literal["BootDeviceSection"] = "BootDeviceSection"


class SharedDiskSection(Section):
    """Disks shared between systems (OVF 2)."""

    xsd_type = "SharedDiskSection_Type"
    kind: Literal["SharedDiskSection"] = "SharedDiskSection"
    shared_disks: Annotated[list[SharedDisk], Child("SharedDisk")] = Field(default_factory=list)


class InstanceCount(OvfModel):
    """How many instances of a scaled-out system to deploy (OVF 2)."""

    default: Annotated[int | None, Attr("default")] = None
    minimum: Annotated[int | None, Attr("minimum")] = None
    maximum: Annotated[int | None, Attr("maximum")] = None


class ScaleOutSection(Section):
    """A system deployed as several instances (OVF 2)."""

    xsd_type = "ScaleOutSection_Type"
    kind: Literal["ScaleOutSection"] = "ScaleOutSection"
    id: Annotated[str | None, Attr("id")] = None
    description: Annotated[Msg | None, Child("Description")] = None
    instance_counts: Annotated[list[InstanceCount], Child("InstanceCount")] = Field(default_factory=list)


class PlacementGroupSection(Section):
    """A group of systems placed together or apart (OVF 2)."""

    xsd_type = "PlacementGroupSection_Type"
    kind: Literal["PlacementGroupSection"] = "PlacementGroupSection"
    id: Annotated[str | None, Attr("id")] = None
    policy: Annotated[str | None, Attr("policy")] = None
    description: Annotated[Msg | None, Child("Description")] = None


class PlacementSection(Section):
    """The placement group a system belongs to (OVF 2)."""

    xsd_type = "PlacementSection_Type"
    kind: Literal["PlacementSection"] = "PlacementSection"
    group: Annotated[str | None, Attr("group")] = None


class EncryptionSection(Section):
    """Encryption of package files (OVF 2); its XML Encryption content is kept as generic nodes."""

    xsd_type = "EncryptionSection_Type"
    kind: Literal["EncryptionSection"] = "EncryptionSection"


class VirtualHardwareSection(Section):
    """The virtual hardware of a system: ``System`` (vssd) and its Items."""

    xsd_type = "VirtualHardwareSection_Type"
    kind: Literal["VirtualHardwareSection"] = "VirtualHardwareSection"
    id: Annotated[str | None, Attr("id")] = None
    transport: Annotated[str | None, Attr("transport")] = None
    system: Annotated[System | None, Child("System")] = None
    items: Annotated[list[Item], Child("Item")] = Field(default_factory=list)
    ethernet_port_items: Annotated[list[EthernetPortItem], Child("EthernetPortItem")] = Field(
        default_factory=list
    )
    storage_items: Annotated[list[StorageItem], Child("StorageItem")] = Field(default_factory=list)

    @property
    def all_items(self) -> list[Item | EthernetPortItem | StorageItem]:
        """Every Item, EthernetPortItem and StorageItem, in document order."""
        found: list[Item | EthernetPortItem | StorageItem] = []
        if self.xml is None:
            return [*self.items, *self.ethernet_port_items, *self.storage_items]
        iters: dict[str, Iterator[Item | EthernetPortItem | StorageItem]] = {
            "Item": iter(self.items),
            "EthernetPortItem": iter(self.ethernet_port_items),
            "StorageItem": iter(self.storage_items),
        }
        for entry in self.xml.children:
            source = iters.get(entry.rpartition(":")[2])
            if source is not None:
                item = next(source, None)
                if item is not None:
                    found.append(item)
        for source in iters.values():
            found.extend(source)
        return found
