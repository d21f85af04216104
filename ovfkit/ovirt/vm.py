"""The VM or template configuration in an oVirt ``Content``: name, dates, types, and every other field.

``VmConfiguration`` is a view over one ``VirtualSystem`` read from an oVirt OVF (either flavour):
the engine's Content children (``CreationDate``, ``VmType``, ``BiosType``, ...) are ``Node``s in
``VirtualSystem.extensions`` and ``Name`` is ``VirtualSystem.name``; the view reads and writes them
there, by their literal names as the engine does. Fields the view does not know stay available, in
document order, through ``fields()`` and ``unknown_fields()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from ovfkit.model.base import Node
from ovfkit.model.envelope import Envelope, VirtualSystem
from ovfkit.model.sections import Msg, OperatingSystemSection
from ovfkit.ovirt import _layout
from ovfkit.ovirt._fields import DATE, FLAG, NUMBER, TEXT, Field, int_enum
from ovfkit.ovirt.values import BiosType, DisplayType, MigrationSupport, OriginType, VmType, parse_number

__all__ = ["KNOWN_FIELDS", "ContentField", "VmConfiguration", "vm_configuration"]

_MIB = 2**20


@dataclass(frozen=True, slots=True)
class ContentField:
    """One simple child element of ``Content`` as written: its name, text and source line."""

    name: str
    text: str
    line: int | None


class VmConfiguration:
    """Typed view of the oVirt VM (or template) configuration held by one ``VirtualSystem``.

    Reading a field converts the element's text; assigning writes the text back into the same
    element (or adds the element after the other fields, or removes it for None), so
    ``ovfkit.dumps`` changes only that element. Booleans are written ``true``/``false`` and dates
    ``yyyy/MM/dd HH:mm:ss`` in UTC, as the engine writes them.
    """

    def __init__(self, system: VirtualSystem, envelope: Envelope | None = None) -> None:
        self.system = system
        self.envelope = envelope

    def __repr__(self) -> str:
        return f"<VmConfiguration {self.name!r}>"

    # -- field host ------------------------------------------------------------------------------

    def _where(self) -> str:
        return "Content"

    def _nodes(self, key: str) -> list[Node]:
        return _layout.find_nodes(self.system, lambda node: node.name == key and not node.elements())

    def _read(self, key: str) -> tuple[str | None, int | None]:
        if key == "Name":
            name = self.system.name
            if name is None:
                return None, None
            return name.value, name.line
        nodes = self._nodes(key)
        if not nodes:
            return None, None
        return nodes[0].text, nodes[0].line

    def _write(self, key: str, text: str | None) -> None:
        if key == "Name":
            if text is None:
                self.system.name = None
            elif self.system.name is not None:
                self.system.name.value = text
            else:
                self.system.name = Msg(value=text)
            return
        nodes = self._nodes(key)
        if text is None:
            for node in nodes:
                _layout.remove_node(self.system, node)
        elif nodes:
            _layout.set_text(nodes[0], text)
        else:
            fields = [n for n in self.system.extensions if isinstance(n, Node) and not n.elements()]
            node = _layout.new_node(key, self._default_namespace(), text)
            _layout.insert_node(self.system, node, after=fields[-1] if fields else None)

    def _default_namespace(self) -> str | None:
        """The namespace unprefixed elements are in here: none (oVirt flavour) or OVF (OVA flavour)."""
        for node in self.system.extensions:
            if isinstance(node, Node) and ":" not in node.name:
                return node.namespace
        if self.envelope is not None and self.envelope.xml is not None:
            return dict(self.envelope.xml.ns).get("")
        return None

    # -- identity --------------------------------------------------------------------------------

    name = Field("Name", TEXT, "``Name``: the VM or template name.")
    description = Field("Description", TEXT, "``Description``.")
    comment = Field("Comment", TEXT, "``Comment``.")
    template_id = Field("TemplateId", TEXT, "``TemplateId``: the template GUID (all zeros: Blank).")
    template_name = Field("TemplateName", TEXT, "``TemplateName``.")
    original_template_id = Field("OriginalTemplateId", TEXT, "``OriginalTemplateId``.")
    original_template_name = Field("OriginalTemplateName", TEXT, "``OriginalTemplateName``.")
    instance_type_id = Field("InstanceTypeId", TEXT, "``InstanceTypeId``.")
    image_type_id = Field("ImageTypeId", TEXT, "``ImageTypeId``.")
    created_by_user_id = Field("CreatedByUserId", TEXT, "``CreatedByUserId``.")
    quota_id = Field("quota_id", TEXT, "``quota_id``.")
    cluster_name = Field("ClusterName", TEXT, "``ClusterName``.")
    domain = Field("Domain", TEXT, "``Domain`` (legacy).")
    app_list = Field("app_list", TEXT, "``app_list``: guest applications, comma-separated.")

    # -- dates -----------------------------------------------------------------------------------

    creation_date = Field("CreationDate", DATE, "``CreationDate`` as an aware UTC datetime.")
    export_date = Field("ExportDate", DATE, "``ExportDate`` as an aware UTC datetime.")
    stop_time = Field("StopTime", DATE, "``StopTime`` as an aware UTC datetime.")
    boot_time = Field("BootTime", DATE, "``BootTime`` as an aware UTC datetime.")

    # -- types and versions ----------------------------------------------------------------------

    vm_type = Field("VmType", int_enum(VmType), "``VmType``: desktop, server or high performance.")
    bios_type = Field("BiosType", int_enum(BiosType), "``BiosType`` as written (the engine's value minus 1).")
    origin = Field("Origin", int_enum(OriginType), "``Origin``: where the VM came from.")
    migration_support = Field("MigrationSupport", int_enum(MigrationSupport), "``MigrationSupport``.")
    cluster_compatibility_version = Field(
        "ClusterCompatibilityVersion", TEXT, "``ClusterCompatibilityVersion``."
    )
    custom_compatibility_version = Field(
        "CustomCompatibilityVersion", TEXT, "``CustomCompatibilityVersion``."
    )
    custom_emulated_machine = Field("CustomEmulatedMachine", TEXT, "``CustomEmulatedMachine``.")
    custom_cpu_name = Field("CustomCpuName", TEXT, "``CustomCpuName``.")
    generation = Field("Generation", NUMBER, "``Generation``: the configuration's revision.")
    resume_behavior = Field("ResumeBehavior", TEXT, "``ResumeBehavior``.")
    sso_method = Field("SsoMethod", TEXT, "``SsoMethod``.")
    time_zone = Field("TimeZone", TEXT, "``TimeZone``.")
    default_boot_sequence = Field("default_boot_sequence", NUMBER, "``default_boot_sequence``.")
    priority = Field("Priority", NUMBER, "``Priority``.")
    num_of_io_threads = Field("NumOfIoThreads", NUMBER, "``NumOfIoThreads``.")
    serial_number_policy = Field("SerialNumberPolicy", NUMBER, "``SerialNumberPolicy``.")
    custom_serial_number = Field("CustomSerialNumber", TEXT, "``CustomSerialNumber``.")
    vnc_keyboard_layout = Field("VncKeyboardLayout", TEXT, "``VncKeyboardLayout``.")
    console_disconnect_action = Field("ConsoleDisconnectAction", TEXT, "``ConsoleDisconnectAction``.")
    migration_policy_id = Field("MigrationPolicyId", TEXT, "``MigrationPolicyId``.")
    migration_downtime = Field("MigrationDowntime", NUMBER, "``MigrationDowntime`` (ms).")
    lease_domain_id = Field("LeaseDomainId", TEXT, "``LeaseDomainId``: storage domain of the VM lease.")
    predefined_properties = Field("PredefinedProperties", TEXT, "``PredefinedProperties``.")
    user_defined_properties = Field("UserDefinedProperties", TEXT, "``UserDefinedProperties``.")
    kernel_url = Field("kernel_url", TEXT, "``kernel_url``.")
    kernel_params = Field("kernel_params", TEXT, "``kernel_params``.")
    initrd_url = Field("initrd_url", TEXT, "``initrd_url``.")
    cpu_pinning = Field("CpuPinning", TEXT, "``CpuPinning``.")
    downtime = Field("Downtime", NUMBER, "``Downtime``.")

    # -- memory ----------------------------------------------------------------------------------

    min_allocated_memory_mb = Field("MinAllocatedMem", NUMBER, "``MinAllocatedMem`` in MiB.")
    max_memory_size_mb = Field("MaxMemorySizeMb", NUMBER, "``MaxMemorySizeMb`` in MiB.")

    @property
    def min_allocated_memory_bytes(self) -> int | None:
        """``MinAllocatedMem`` in bytes."""
        value = self.min_allocated_memory_mb
        return None if value is None else value * _MIB

    @property
    def max_memory_size_bytes(self) -> int | None:
        """``MaxMemorySizeMb`` in bytes."""
        value = self.max_memory_size_mb
        return None if value is None else value * _MIB

    # -- flags -----------------------------------------------------------------------------------

    is_stateless = Field("IsStateless", FLAG, "``IsStateless``.")
    is_run_and_pause = Field("IsRunAndPause", FLAG, "``IsRunAndPause``.")
    auto_startup = Field("AutoStartup", FLAG, "``AutoStartup`` (highly available).")
    delete_protected = Field("DeleteProtected", FLAG, "``DeleteProtected``.")
    is_smartcard_enabled = Field("IsSmartcardEnabled", FLAG, "``IsSmartcardEnabled``.")
    is_boot_menu_enabled = Field("IsBootMenuEnabled", FLAG, "``IsBootMenuEnabled``.")
    is_spice_file_transfer_enabled = Field(
        "IsSpiceFileTransferEnabled", FLAG, "``IsSpiceFileTransferEnabled``."
    )
    is_spice_copy_paste_enabled = Field("IsSpiceCopyPasteEnabled", FLAG, "``IsSpiceCopyPasteEnabled``.")
    allow_console_reconnect = Field("AllowConsoleReconnect", FLAG, "``AllowConsoleReconnect``.")
    is_auto_converge = Field("IsAutoConverge", FLAG, "``IsAutoConverge``.")
    is_migrate_compressed = Field("IsMigrateCompressed", FLAG, "``IsMigrateCompressed``.")
    tunnel_migration = Field("TunnelMigration", FLAG, "``TunnelMigration``.")
    is_initialized = Field("IsInitilized", FLAG, "``IsInitilized`` (sic): the guest was initialized.")
    is_auto_suspend = Field("IsAutoSuspend", FLAG, "``IsAutoSuspend`` (legacy).")
    trusted_service = Field("TrustedService", FLAG, "``TrustedService``.")
    use_latest_version = Field("UseLatestVersion", FLAG, "``UseLatestVersion`` (of the template).")
    use_host_cpu = Field("UseHostCpu", FLAG, "``UseHostCpu``.")

    # -- templates -------------------------------------------------------------------------------

    template_type = Field("TemplateType", TEXT, "``TemplateType`` (templates).")
    is_disabled = Field("IsDisabled", FLAG, "``IsDisabled`` (templates).")
    base_template_id = Field("BaseTemplateId", TEXT, "``BaseTemplateId`` (template versions).")
    template_version_number = Field("TemplateVersionNumber", NUMBER, "``TemplateVersionNumber``.")
    template_version_name = Field("TemplateVersionName", TEXT, "``TemplateVersionName``.")

    @property
    def is_template(self) -> bool:
        """True when the configuration is a template's (it carries template-only fields)."""
        return any(self._nodes(key) for key in _TEMPLATE_ONLY)

    @property
    def default_display_type(self) -> DisplayType | None:
        """``DefaultDisplayType`` (VMs) or ``default_display_type`` (templates): the video model."""
        key = self._display_key()
        return Field(key, int_enum(DisplayType)).read(self)

    @default_display_type.setter
    def default_display_type(self, value: DisplayType | None) -> None:
        self._write(self._display_key(), None if value is None else str(int(value)))

    def _display_key(self) -> str:
        if self._nodes("DefaultDisplayType"):
            return "DefaultDisplayType"
        if self._nodes("default_display_type") or self.is_template:
            return "default_display_type"
        return "DefaultDisplayType"

    @property
    def dedicated_hosts(self) -> list[str]:
        """Every ``DedicatedVmForVds`` (the hosts the VM is pinned to), in order."""
        return [node.text for node in self._nodes("DedicatedVmForVds")]

    # -- operating system and id -----------------------------------------------------------------

    @property
    def os_section(self) -> OperatingSystemSection | None:
        """The ``OperatingSystemSection`` of the system."""
        section = self.system.section(OperatingSystemSection)
        return section if isinstance(section, OperatingSystemSection) else None

    @property
    def os(self) -> str | None:
        """The guest OS as oVirt names it (``rhel_7x64``): the OperatingSystemSection's Description."""
        section = self.os_section
        if section is None or section.description is None:
            return None
        return section.description.value.strip() or None

    @property
    def os_id(self) -> int | None:
        """The oVirt OS number of the OVA flavour (``ovirt:id`` on OperatingSystemSection), else None."""
        section = self.os_section
        if section is None:
            return None
        for name, value in section.attributes.items():
            if name.rpartition(":")[2] == "id" and not name.startswith(("xsi:", "ovf:")):
                return parse_number(value)
        return None

    @property
    def vm_id(self) -> str | None:
        """The VM (or template) GUID: the OperatingSystemSection's ``ovf:id`` in the oVirt flavour
        (Content's own id is ``out``), the VirtualSystem's ``ovf:id`` in the OVA flavour.
        """
        section = self.os_section
        if section is not None and section.xml is not None:
            raw = section.xml.lexical.get("ovf:id")
            if raw and parse_number(raw) is None:
                return raw.strip()
        if self.system.id and self.system.id != "out":
            return self.system.id
        return None

    # -- everything ------------------------------------------------------------------------------

    def fields(self) -> list[ContentField]:
        """Every simple child element of Content (``Name`` included), in document order."""
        found: list[ContentField] = []
        extensions = iter(self.system.extensions)
        info = self.system.xml
        if info is None:
            if self.system.name is not None:
                found.append(ContentField("Name", self.system.name.value, None))
            found.extend(_content_field(n) for n in self.system.extensions if _is_field(n))
            return found
        for entry in info.children:
            if entry == "*":
                node = next(extensions, None)
                if _is_field(node):
                    found.append(_content_field(node))
            elif entry.rpartition(":")[2] == "Name" and self.system.name is not None:
                name = self.system.name
                found.append(ContentField("Name", name.value, name.line))
        found.extend(_content_field(n) for n in extensions if _is_field(n))
        return found

    def unknown_fields(self) -> list[ContentField]:
        """The Content fields this view has no typed property for, in document order."""
        return [field for field in self.fields() if field.name not in KNOWN_FIELDS]

    def text(self, name: str) -> str | None:
        """The text of the first Content field with this literal name, or None."""
        return self._read(name)[0]

    def extra_sections(self) -> list[tuple[str, Node]]:
        """Sections ovfkit does not type (``SnapshotsSection_Type``, ``AffinityGroupsSection_Type``,
        ``UserDomainsSection_Type``, ...): ``(type name, node)`` pairs in document order.
        """
        found = []
        for node in self.system.extensions:
            if isinstance(node, Node) and node.local_name == "Section":
                kind = (node.get("type") or "").rpartition(":")[2]
                found.append((kind, node))
            elif isinstance(node, Node) and node.local_name.endswith("Section"):
                found.append((node.local_name + "_Type", node))
        return found


def _is_field(node: object) -> TypeGuard[Node]:
    return isinstance(node, Node) and not node.local_name.endswith("Section") and not node.elements()


def _content_field(node: Node) -> ContentField:
    return ContentField(node.name, node.text, node.line)


#: Content fields that only templates carry.
_TEMPLATE_ONLY = (
    "TemplateType",
    "IsDisabled",
    "default_display_type",
    "TemplateVersionNumber",
    "BaseTemplateId",
)

#: Every Content field name the view types.
KNOWN_FIELDS = frozenset(
    {value.key for value in vars(VmConfiguration).values() if isinstance(value, Field)}
    | {"DefaultDisplayType", "default_display_type", "DedicatedVmForVds"}
)


def vm_configuration(envelope: Envelope, system: str | int | None = None) -> VmConfiguration:
    """The configuration view of one virtual system (default: the first) of an oVirt OVF.

    ``system`` is a VirtualSystem ``ovf:id`` (``out`` in the oVirt flavour) or an index.
    """
    from ovfkit.errors import OvfError

    systems = envelope.virtual_systems()
    if not systems:
        raise OvfError("the descriptor has no virtual system (oVirt: no Content)")
    if system is None:
        return VmConfiguration(systems[0], envelope)
    if isinstance(system, int):
        if 0 <= system < len(systems):
            return VmConfiguration(systems[system], envelope)
        raise OvfError(f"there is no virtual system number {system}; the descriptor has {len(systems)}")
    for candidate in systems:
        if candidate.id == system:
            return VmConfiguration(candidate, envelope)
    raise OvfError(f"no virtual system has the id {system!r}")
