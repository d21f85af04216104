"""System-level hardware of one virtual system: name, OS, machine type, firmware, CPU topology, memory.

Field names are the ones ``Change.field`` reports for ``device == "system"``:

- ``name``, ``os`` (oVirt OS name, VMware ``vmw:osType``, else the OS description), ``os_id`` (CIM
  OsType number; not in the oVirt flavour, whose ``ovf:id`` is the VM id);
- ``machine_type`` (``vssd:VirtualSystemType``, tokens separated by single spaces), ``firmware``
  (VMware ``firmware`` config, oVirt ``BiosType`` by engine name), ``secure_boot`` (VMware),
  ``emulated_machine`` and ``cpu_model`` (oVirt ``CustomEmulatedMachine``, ``CustomCpuName``);
- ``cpus``, ``sockets``, ``cores_per_socket``, ``threads_per_core``, ``max_vcpus``;
- ``memory``, ``memory_guaranteed``, ``memory_max`` (bytes);
- ``vmw:KEY`` for each VMware ``vmw:Config``/``vmw:ExtraConfig`` of the VirtualHardwareSection.
"""

from __future__ import annotations

from collections.abc import Sequence

from ovfkit.diff.values import Size, normalize_text, scalar, size_in_bytes
from ovfkit.model.base import Node
from ovfkit.model.cim import ResourceItem
from ovfkit.model.envelope import VirtualSystem
from ovfkit.model.sections import OperatingSystemSection, VirtualHardwareSection
from ovfkit.model.values import parse_int

__all__ = ["OVIRT_BIOS_TYPES", "system_fields"]

#: oVirt ``BiosType`` as the engine writes it (its enum value minus 1), by engine name.
OVIRT_BIOS_TYPES = {
    -1: "cluster_default",
    0: "i440fx_sea_bios",
    1: "q35_sea_bios",
    2: "q35_ovmf",
    3: "q35_secure_boot",
}

_MIB = 2**20

#: VMware config keys that say whether UEFI secure boot is on.
_SECURE_BOOT_KEYS = ("bootOptions.efiSecureBootEnabled", "uefi.secureBoot.enabled")


def _node_text(nodes: Sequence[object], local_name: str) -> str | None:
    for node in nodes:
        if isinstance(node, Node) and node.local_name == local_name:
            return node.text
    return None


def _os_fields(vs: VirtualSystem, ovirt: bool) -> dict[str, object]:
    section = vs.section(OperatingSystemSection)
    if not isinstance(section, OperatingSystemSection):
        return {}
    fields: dict[str, object] = {}
    os_type = next((v for k, v in section.attributes.items() if k.rpartition(":")[2] == "osType"), None)
    description = normalize_text(section.description.value) if section.description is not None else None
    fields["os"] = normalize_text(os_type) or description
    if not ovirt and section.id is not None:
        fields["os_id"] = section.id
    return fields


def _hardware_config(vs: VirtualSystem) -> tuple[str | None, dict[str, object]]:
    """VirtualSystemType and the VMware config keys of the system's VirtualHardwareSection(s)."""
    machine: str | None = None
    config: dict[str, object] = {}
    for section in vs.sections:
        if not isinstance(section, VirtualHardwareSection):
            continue
        if section.system is not None and machine is None:
            machine = normalize_text((section.system.virtual_system_type or "").replace(",", " "))
        for node in section.extensions:
            if isinstance(node, Node) and node.local_name in ("Config", "ExtraConfig"):
                key = node.get("key")
                if key:
                    config[key] = scalar(node.get("value"))
    return machine, config


def _cpu_fields(cpu_items: list[ResourceItem], default_cores: int | None) -> dict[str, object]:
    cpus: int | None = None
    sockets = cores = threads = max_vcpus = None
    for item in cpu_items:
        ext = item.extensions
        per_socket = parse_int(_node_text(ext, "cpu_per_socket") or "")
        socket_count = parse_int(_node_text(ext, "num_of_sockets") or "")
        if socket_count is not None and per_socket is not None:
            threads = parse_int(_node_text(ext, "threads_per_cpu") or "") or 1
            count: int | None = socket_count * per_socket * threads
            sockets, cores = socket_count, per_socket
            max_vcpus = parse_int(_node_text(ext, "max_num_of_vcpus") or "")
        else:
            count = item.virtual_quantity
            cores = parse_int(_node_text(ext, "CoresPerSocket") or "") or cores
        if count is not None:
            cpus = (cpus or 0) + count
    fields: dict[str, object] = {"cpus": cpus}
    if cores is None and sockets is None and cpus is not None:
        cores = default_cores
    if cpus is not None and cores and sockets is None and cpus % cores == 0:
        sockets = cpus // cores
    if sockets is not None:
        fields["sockets"] = sockets
    if cores is not None:
        fields["cores_per_socket"] = cores
    if threads is not None:
        fields["threads_per_core"] = threads
    if max_vcpus is not None:
        fields["max_vcpus"] = max_vcpus
    return fields


def _memory(memory_items: list[ResourceItem]) -> Size | None:
    quantities: dict[str | None, int] = {}
    for item in memory_items:
        quantity = item.virtual_quantity
        if quantity is not None:
            units = item.allocation_units or item.virtual_quantity_units
            quantities[units] = quantities.get(units, 0) + quantity
    total: int | None = None
    for units, quantity in quantities.items():
        size = size_in_bytes(quantity, units)
        if size is not None:
            total = (total or 0) + size
    return Size(total) if total is not None else None


def _mib(text: str | None) -> Size | None:
    number = parse_int(text or "")
    return Size(number * _MIB) if number is not None else None


def system_fields(
    vs: VirtualSystem, cpu_items: list[ResourceItem], memory_items: list[ResourceItem], dialect: str
) -> dict[str, object]:
    """The system-level fields of ``vs`` given its processor and memory Items (see the module docstring).

    VMware's default of one core per socket applies when ``vmw:CoresPerSocket`` is absent.
    """
    ovirt = dialect == "ovirt"
    fields: dict[str, object] = {}
    name = normalize_text(vs.name.value) if vs.name is not None else None
    machine, config = _hardware_config(vs)
    if name is None:
        for section in vs.sections:
            if isinstance(section, VirtualHardwareSection) and section.system is not None:
                name = normalize_text(section.system.virtual_system_identifier)
                break
    fields["name"] = name
    fields.update(_os_fields(vs, ovirt))
    fields["machine_type"] = machine
    content = vs.extensions
    if ovirt:
        bios = parse_int(_node_text(content, "BiosType") or "")
        fields["firmware"] = OVIRT_BIOS_TYPES.get(bios, str(bios)) if bios is not None else None
        fields["emulated_machine"] = normalize_text(_node_text(content, "CustomEmulatedMachine"))
        fields["cpu_model"] = normalize_text(_node_text(content, "CustomCpuName"))
    else:
        if "firmware" in config:
            fields["firmware"] = config.pop("firmware")
        for key in _SECURE_BOOT_KEYS:
            if key in config:
                fields["secure_boot"] = config.pop(key)
    fields.update(_cpu_fields(cpu_items, 1 if dialect == "vmware" else None))
    fields["memory"] = _memory(memory_items)
    if ovirt:
        fields["memory_guaranteed"] = _mib(_node_text(content, "MinAllocatedMem"))
        fields["memory_max"] = _mib(_node_text(content, "MaxMemorySizeMb"))
    for key, value in config.items():
        fields[f"vmw:{key}"] = value
    return {k: v for k, v in fields.items() if v is not None}
