"""CIM settings models: RASD (Item), SASD (StorageItem), EPASD (EthernetPortItem) and VSSD (System).

Fields follow the bundled DMTF XSDs (DSP8023 2.0.1 and its CIM schemas): one field per CIM property, in
the schema's (alphabetical) order, typed as the schema types it. ``tests/unit/model/test_xsd_binding.py``
proves the names, order, cardinality and types against the XSDs. Properties whose schema type is
complex (``cimDateTime``, ``xs:anyType``) are kept as generic nodes in ``extensions``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ovfkit.model.base import Attr, Leaf, OvfModel
from ovfkit.model.values import ResourceType

__all__ = ["EthernetPortItem", "Item", "ResourceItem", "StorageItem", "System"]


class ResourceItem(OvfModel):
    """What every hardware Item has: the OVF attributes and the CIM properties shared by all kinds."""

    required: Annotated[bool | None, Attr("required")] = None
    configuration: Annotated[list[str], Attr("configuration")] = Field(default_factory=list)
    bound: Annotated[str | None, Attr("bound")] = None

    # Properties every kind of Item has; the subclasses bind them to their own namespace.
    address: str | None = None
    address_on_parent: str | None = None
    allocation_units: str | None = None
    automatic_allocation: bool | None = None
    automatic_deallocation: bool | None = None
    caption: str | None = None
    connection: list[str] = Field(default_factory=list)
    description: str | None = None
    element_name: str | None = None
    host_resource: list[str] = Field(default_factory=list)
    instance_id: str | None = None
    limit: int | None = None
    other_resource_type: str | None = None
    parent: str | None = None
    pool_id: str | None = None
    reservation: int | None = None
    resource_sub_type: str | None = None
    resource_type: ResourceType | None = None
    virtual_quantity: int | None = None
    virtual_quantity_units: str | None = None
    weight: int | None = None


class Item(ResourceItem):
    """An ``Item``: a CIM_ResourceAllocationSettingData (``rasd:``) resource."""

    xsd_type = "RASD_Type"

    address: Annotated[str | None, Leaf("Address", "rasd")] = None
    address_on_parent: Annotated[str | None, Leaf("AddressOnParent", "rasd")] = None
    allocation_units: Annotated[str | None, Leaf("AllocationUnits", "rasd")] = None
    automatic_allocation: Annotated[bool | None, Leaf("AutomaticAllocation", "rasd")] = None
    automatic_deallocation: Annotated[bool | None, Leaf("AutomaticDeallocation", "rasd")] = None
    caption: Annotated[str | None, Leaf("Caption", "rasd")] = None
    changeable_type: Annotated[int | None, Leaf("ChangeableType", "rasd")] = None
    # ComponentSetting: anyType kept as a generic node
    configuration_name: Annotated[str | None, Leaf("ConfigurationName", "rasd")] = None
    connection: Annotated[list[str], Leaf("Connection", "rasd")] = Field(default_factory=list)
    consumer_visibility: Annotated[int | None, Leaf("ConsumerVisibility", "rasd")] = None
    description: Annotated[str | None, Leaf("Description", "rasd")] = None
    element_name: Annotated[str | None, Leaf("ElementName", "rasd")] = None
    generation: Annotated[int | None, Leaf("Generation", "rasd")] = None
    host_resource: Annotated[list[str], Leaf("HostResource", "rasd")] = Field(default_factory=list)
    instance_id: Annotated[str | None, Leaf("InstanceID", "rasd", aliases=("InstanceId",))] = None
    limit: Annotated[int | None, Leaf("Limit", "rasd")] = None
    mapping_behavior: Annotated[int | None, Leaf("MappingBehavior", "rasd")] = None
    other_resource_type: Annotated[str | None, Leaf("OtherResourceType", "rasd")] = None
    parent: Annotated[str | None, Leaf("Parent", "rasd")] = None
    pool_id: Annotated[str | None, Leaf("PoolID", "rasd")] = None
    reservation: Annotated[int | None, Leaf("Reservation", "rasd")] = None
    resource_sub_type: Annotated[str | None, Leaf("ResourceSubType", "rasd")] = None
    resource_type: Annotated[ResourceType | None, Leaf("ResourceType", "rasd")] = None
    so_id: Annotated[str | None, Leaf("SoID", "rasd")] = None
    so_org_id: Annotated[str | None, Leaf("SoOrgID", "rasd")] = None
    virtual_quantity: Annotated[int | None, Leaf("VirtualQuantity", "rasd")] = None
    virtual_quantity_units: Annotated[str | None, Leaf("VirtualQuantityUnits", "rasd")] = None
    weight: Annotated[int | None, Leaf("Weight", "rasd")] = None


class StorageItem(ResourceItem):
    """A ``StorageItem``: a CIM_StorageAllocationSettingData (``sasd:``) resource (OVF 2)."""

    xsd_type = "SASD_Type"

    access: Annotated[int | None, Leaf("Access", "sasd")] = None
    address: Annotated[str | None, Leaf("Address", "sasd")] = None
    address_on_parent: Annotated[str | None, Leaf("AddressOnParent", "sasd")] = None
    allocation_units: Annotated[str | None, Leaf("AllocationUnits", "sasd")] = None
    automatic_allocation: Annotated[bool | None, Leaf("AutomaticAllocation", "sasd")] = None
    automatic_deallocation: Annotated[bool | None, Leaf("AutomaticDeallocation", "sasd")] = None
    caption: Annotated[str | None, Leaf("Caption", "sasd")] = None
    changeable_type: Annotated[int | None, Leaf("ChangeableType", "sasd")] = None
    # ComponentSetting: anyType kept as a generic node
    configuration_name: Annotated[str | None, Leaf("ConfigurationName", "sasd")] = None
    connection: Annotated[list[str], Leaf("Connection", "sasd")] = Field(default_factory=list)
    consumer_visibility: Annotated[int | None, Leaf("ConsumerVisibility", "sasd")] = None
    description: Annotated[str | None, Leaf("Description", "sasd")] = None
    element_name: Annotated[str | None, Leaf("ElementName", "sasd")] = None
    generation: Annotated[int | None, Leaf("Generation", "sasd")] = None
    host_extent_name: Annotated[str | None, Leaf("HostExtentName", "sasd")] = None
    host_extent_name_format: Annotated[int | None, Leaf("HostExtentNameFormat", "sasd")] = None
    host_extent_name_namespace: Annotated[int | None, Leaf("HostExtentNameNamespace", "sasd")] = None
    host_extent_starting_address: Annotated[int | None, Leaf("HostExtentStartingAddress", "sasd")] = None
    host_resource: Annotated[list[str], Leaf("HostResource", "sasd")] = Field(default_factory=list)
    host_resource_block_size: Annotated[int | None, Leaf("HostResourceBlockSize", "sasd")] = None
    instance_id: Annotated[str | None, Leaf("InstanceID", "sasd", aliases=("InstanceId",))] = None
    limit: Annotated[int | None, Leaf("Limit", "sasd")] = None
    mapping_behavior: Annotated[int | None, Leaf("MappingBehavior", "sasd")] = None
    other_host_extent_name_format: Annotated[str | None, Leaf("OtherHostExtentNameFormat", "sasd")] = None
    other_host_extent_name_namespace: Annotated[str | None, Leaf("OtherHostExtentNameNamespace", "sasd")] = (
        None
    )
    other_resource_type: Annotated[str | None, Leaf("OtherResourceType", "sasd")] = None
    parent: Annotated[str | None, Leaf("Parent", "sasd")] = None
    pool_id: Annotated[str | None, Leaf("PoolID", "sasd")] = None
    reservation: Annotated[int | None, Leaf("Reservation", "sasd")] = None
    resource_sub_type: Annotated[str | None, Leaf("ResourceSubType", "sasd")] = None
    resource_type: Annotated[ResourceType | None, Leaf("ResourceType", "sasd")] = None
    so_id: Annotated[str | None, Leaf("SoID", "sasd")] = None
    so_org_id: Annotated[str | None, Leaf("SoOrgID", "sasd")] = None
    virtual_quantity: Annotated[int | None, Leaf("VirtualQuantity", "sasd")] = None
    virtual_quantity_units: Annotated[str | None, Leaf("VirtualQuantityUnits", "sasd")] = None
    virtual_resource_block_size: Annotated[int | None, Leaf("VirtualResourceBlockSize", "sasd")] = None
    weight: Annotated[int | None, Leaf("Weight", "sasd")] = None


class EthernetPortItem(ResourceItem):
    """An ``EthernetPortItem``: a CIM_EthernetPortAllocationSettingData (``epasd:``) resource (OVF 2)."""

    xsd_type = "EPASD_Type"

    address: Annotated[str | None, Leaf("Address", "epasd")] = None
    address_on_parent: Annotated[str | None, Leaf("AddressOnParent", "epasd")] = None
    allocation_units: Annotated[str | None, Leaf("AllocationUnits", "epasd")] = None
    allowed_priorities: Annotated[list[int], Leaf("AllowedPriorities", "epasd")] = Field(default_factory=list)
    allowed_to_receive_mac_addresses: Annotated[list[str], Leaf("AllowedToReceiveMACAddresses", "epasd")] = (
        Field(default_factory=list)
    )
    allowed_to_receive_vlans: Annotated[list[int], Leaf("AllowedToReceiveVLANs", "epasd")] = Field(
        default_factory=list
    )
    allowed_to_transmit_mac_addresses: Annotated[
        list[str], Leaf("AllowedToTransmitMACAddresses", "epasd")
    ] = Field(default_factory=list)
    allowed_to_transmit_vlans: Annotated[list[int], Leaf("AllowedToTransmitVLANs", "epasd")] = Field(
        default_factory=list
    )
    automatic_allocation: Annotated[bool | None, Leaf("AutomaticAllocation", "epasd")] = None
    automatic_deallocation: Annotated[bool | None, Leaf("AutomaticDeallocation", "epasd")] = None
    caption: Annotated[str | None, Leaf("Caption", "epasd")] = None
    changeable_type: Annotated[int | None, Leaf("ChangeableType", "epasd")] = None
    # ComponentSetting: anyType kept as a generic node
    configuration_name: Annotated[str | None, Leaf("ConfigurationName", "epasd")] = None
    connection: Annotated[list[str], Leaf("Connection", "epasd")] = Field(default_factory=list)
    consumer_visibility: Annotated[int | None, Leaf("ConsumerVisibility", "epasd")] = None
    default_port_vid: Annotated[int | None, Leaf("DefaultPortVID", "epasd")] = None
    default_priority: Annotated[int | None, Leaf("DefaultPriority", "epasd")] = None
    description: Annotated[str | None, Leaf("Description", "epasd")] = None
    desired_vlan_endpoint_mode: Annotated[int | None, Leaf("DesiredVLANEndpointMode", "epasd")] = None
    element_name: Annotated[str | None, Leaf("ElementName", "epasd")] = None
    generation: Annotated[int | None, Leaf("Generation", "epasd")] = None
    group_id: Annotated[int | None, Leaf("GroupID", "epasd")] = None
    host_resource: Annotated[list[str], Leaf("HostResource", "epasd")] = Field(default_factory=list)
    instance_id: Annotated[str | None, Leaf("InstanceID", "epasd", aliases=("InstanceId",))] = None
    limit: Annotated[int | None, Leaf("Limit", "epasd")] = None
    manager_id: Annotated[int | None, Leaf("ManagerID", "epasd")] = None
    mapping_behavior: Annotated[int | None, Leaf("MappingBehavior", "epasd")] = None
    network_port_profile_id: Annotated[str | None, Leaf("NetworkPortProfileID", "epasd")] = None
    network_port_profile_id_type: Annotated[int | None, Leaf("NetworkPortProfileIDType", "epasd")] = None
    other_endpoint_mode: Annotated[str | None, Leaf("OtherEndpointMode", "epasd")] = None
    other_network_port_profile_id_type_info: Annotated[
        str | None, Leaf("OtherNetworkPortProfileIDTypeInfo", "epasd")
    ] = None
    other_resource_type: Annotated[str | None, Leaf("OtherResourceType", "epasd")] = None
    parent: Annotated[str | None, Leaf("Parent", "epasd")] = None
    pool_id: Annotated[str | None, Leaf("PoolID", "epasd")] = None
    port_correlation_id: Annotated[str | None, Leaf("PortCorrelationID", "epasd")] = None
    port_vid: Annotated[int | None, Leaf("PortVID", "epasd")] = None
    promiscuous: Annotated[bool | None, Leaf("Promiscuous", "epasd")] = None
    receive_bandwidth_limit: Annotated[int | None, Leaf("ReceiveBandwidthLimit", "epasd")] = None
    receive_bandwidth_reservation: Annotated[int | None, Leaf("ReceiveBandwidthReservation", "epasd")] = None
    reservation: Annotated[int | None, Leaf("Reservation", "epasd")] = None
    resource_sub_type: Annotated[str | None, Leaf("ResourceSubType", "epasd")] = None
    resource_type: Annotated[ResourceType | None, Leaf("ResourceType", "epasd")] = None
    so_id: Annotated[str | None, Leaf("SoID", "epasd")] = None
    so_org_id: Annotated[str | None, Leaf("SoOrgID", "epasd")] = None
    source_mac_filtering_enabled: Annotated[bool | None, Leaf("SourceMACFilteringEnabled", "epasd")] = None
    vsi_type_id: Annotated[int | None, Leaf("VSITypeID", "epasd")] = None
    vsi_type_id_version: Annotated[int | None, Leaf("VSITypeIDVersion", "epasd")] = None
    virtual_quantity: Annotated[int | None, Leaf("VirtualQuantity", "epasd")] = None
    virtual_quantity_units: Annotated[str | None, Leaf("VirtualQuantityUnits", "epasd")] = None
    weight: Annotated[int | None, Leaf("Weight", "epasd")] = None


class System(OvfModel):
    """The ``System`` element: CIM_VirtualSystemSettingData (``vssd:``) of a VirtualHardwareSection."""

    xsd_type = "VSSD_Type"

    automatic_recovery_action: Annotated[int | None, Leaf("AutomaticRecoveryAction", "vssd")] = None
    automatic_shutdown_action: Annotated[int | None, Leaf("AutomaticShutdownAction", "vssd")] = None
    automatic_startup_action: Annotated[int | None, Leaf("AutomaticStartupAction", "vssd")] = None
    # AutomaticStartupActionDelay: cimDateTime kept as a generic node
    automatic_startup_action_sequence_number: Annotated[
        int | None, Leaf("AutomaticStartupActionSequenceNumber", "vssd")
    ] = None
    caption: Annotated[str | None, Leaf("Caption", "vssd")] = None
    changeable_type: Annotated[int | None, Leaf("ChangeableType", "vssd")] = None
    # ComponentSetting: anyType kept as a generic node
    configuration_data_root: Annotated[str | None, Leaf("ConfigurationDataRoot", "vssd")] = None
    configuration_file: Annotated[str | None, Leaf("ConfigurationFile", "vssd")] = None
    configuration_id: Annotated[str | None, Leaf("ConfigurationID", "vssd")] = None
    configuration_name: Annotated[str | None, Leaf("ConfigurationName", "vssd")] = None
    # CreationTime: cimDateTime kept as a generic node
    description: Annotated[str | None, Leaf("Description", "vssd")] = None
    element_name: Annotated[str | None, Leaf("ElementName", "vssd")] = None
    generation: Annotated[int | None, Leaf("Generation", "vssd")] = None
    instance_id: Annotated[str | None, Leaf("InstanceID", "vssd", aliases=("InstanceId",))] = None
    log_data_root: Annotated[str | None, Leaf("LogDataRoot", "vssd")] = None
    notes: Annotated[list[str], Leaf("Notes", "vssd")] = Field(default_factory=list)
    recovery_file: Annotated[str | None, Leaf("RecoveryFile", "vssd")] = None
    snapshot_data_root: Annotated[str | None, Leaf("SnapshotDataRoot", "vssd")] = None
    so_id: Annotated[str | None, Leaf("SoID", "vssd")] = None
    so_org_id: Annotated[str | None, Leaf("SoOrgID", "vssd")] = None
    suspend_data_root: Annotated[str | None, Leaf("SuspendDataRoot", "vssd")] = None
    swap_file_data_root: Annotated[str | None, Leaf("SwapFileDataRoot", "vssd")] = None
    virtual_system_identifier: Annotated[str | None, Leaf("VirtualSystemIdentifier", "vssd")] = None
    virtual_system_type: Annotated[str | None, Leaf("VirtualSystemType", "vssd")] = None
