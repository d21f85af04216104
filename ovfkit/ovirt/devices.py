"""oVirt hardware Items: the device block (``Type``, ``Device``, ``rasd:Address``, ...) and ``rasd:`` extras.

After its ``rasd:`` children each oVirt Item carries an unqualified device block: ``Type``,
``Device``, ``rasd:Address``, ``BootOrder``, ``IsPlugged``, ``IsReadOnly``, ``Alias``, ``SpecParams``
and sometimes ``CustomProperties`` and ``SnapshotId``. The engine also writes ``rasd:`` children
that CIM does not define (``rasd:MACAddress``, ``rasd:num_of_sockets``, ``rasd:UsbPolicy``, ...).
All of these are ``Node``s in ``Item.extensions`` (the first ``rasd:Address`` is ``Item.address``);
``OvirtDevice`` reads and writes them there by their literal names, as the engine does.
Duplicates (two ``rasd:Address``) are all kept: ``addresses`` lists them, ``address`` is the first,
which is the one the engine reads.
"""

from __future__ import annotations

from typing import TypeAlias

from ovfkit.model.base import Node
from ovfkit.model.cim import ResourceItem
from ovfkit.model.envelope import Envelope, VirtualSystem
from ovfkit.model.sections import VirtualHardwareSection
from ovfkit.namespaces import Ns
from ovfkit.ovirt import _layout
from ovfkit.ovirt._fields import DATE, FLAG, NUMBER, TEXT, Field, str_enum
from ovfkit.ovirt.address import DeviceAddress, OvfAddressError
from ovfkit.ovirt.values import DiskStorageType, NicModel, UsbPolicy, is_null_guid, parse_number

__all__ = ["DEVICE_BLOCK", "OvirtDevice", "SpecValue", "ovirt_devices"]

SpecValue: TypeAlias = "str | dict[str, SpecValue]"

#: The device block's element names, in the order the engine writes them.
DEVICE_BLOCK = (
    "Type",
    "Device",
    "rasd:Address",
    "BootOrder",
    "IsPlugged",
    "IsReadOnly",
    "Alias",
    "SpecParams",
    "CustomProperties",
    "SnapshotId",
)

_ADDRESS = "rasd:Address"


class OvirtDevice:
    """Typed view of one oVirt hardware Item: its device block and the engine's ``rasd:`` extras.

    ``default_namespace`` is the namespace unprefixed elements are in (None in the oVirt flavour,
    the OVF namespace in the OVA flavour); it is used only for elements this view adds.
    """

    def __init__(self, item: ResourceItem, default_namespace: str | None = None) -> None:
        self.item = item
        self.default_namespace = default_namespace

    def __repr__(self) -> str:
        return f"<OvirtDevice {self.item.instance_id!r} {self.type or self.kind}>"

    # -- field host ------------------------------------------------------------------------------

    def _where(self) -> str:
        return f"Item {self.item.instance_id or '?'}"

    def elements(self, name: str) -> list[Node]:
        """The Item's untyped children with this literal qualified name (``Alias``, ``rasd:Name``)."""
        return _layout.find_nodes(self.item, lambda node: node.name == name)

    def values(self, name: str) -> list[str]:
        """The text of every untyped child with this literal name, in document order (duplicates too)."""
        return [node.text for node in self.elements(name)]

    def _read(self, key: str) -> tuple[str | None, int | None]:
        nodes = self.elements(key)
        if not nodes:
            return None, None
        return nodes[0].text, nodes[0].line

    def _write(self, key: str, text: str | None) -> None:
        nodes = self.elements(key)
        if text is None:
            for node in nodes:
                _layout.remove_node(self.item, node)
        elif nodes:
            _layout.set_text(nodes[0], text)
        else:
            namespace = Ns.RASD.value if key.startswith("rasd:") else self.default_namespace
            _layout.insert_node(
                self.item, _layout.new_node(key, namespace, text), after=self._anchor_for(key)
            )

    def _anchor_for(self, key: str) -> Node | None:
        """The element a new ``key`` element goes after: its predecessor in the device block, else last."""
        if key in DEVICE_BLOCK:
            for previous in reversed(DEVICE_BLOCK[: DEVICE_BLOCK.index(key)]):
                nodes = self.elements(previous)
                if nodes:
                    return nodes[-1]
        return None

    # -- device block ----------------------------------------------------------------------------

    type = Field(
        "Type", TEXT, "``Type``: disk, interface, video, graphics, controller, channel, balloon, ..."
    )
    device = Field("Device", TEXT, "``Device``: disk, cdrom, bridge, qxl, usb, ide, virtio-scsi, ...")
    boot_order = Field("BootOrder", NUMBER, "``BootOrder`` (0: not bootable).")
    is_plugged = Field("IsPlugged", FLAG, "``IsPlugged``.")
    is_read_only = Field("IsReadOnly", FLAG, "``IsReadOnly``.")
    alias = Field("Alias", TEXT, "``Alias``: libvirt's device alias (empty until the VM ran).")
    custom_properties = Field("CustomProperties", TEXT, "``CustomProperties`` as written.")
    snapshot_id = Field("SnapshotId", TEXT, "``SnapshotId``: the snapshot a disk device is attached from.")

    @property
    def has_device_block(self) -> bool:
        """True when the Item has a ``Type`` or ``Device`` element."""
        return bool(self.elements("Type") or self.elements("Device"))

    def address_texts(self) -> list[tuple[str, int | None]]:
        """Every ``rasd:Address`` text with its source line, in document order."""
        found: list[tuple[str, int | None]] = []
        item = self.item
        info = item.xml
        if info is None:
            if item.address is not None:
                found.append((item.address, None))
            found.extend((node.text, node.line) for node in self.elements(_ADDRESS))
            return found
        extensions = iter(item.extensions)
        typed_done = False
        for entry in info.children:
            if entry == "*":
                node = next(extensions, None)
                if isinstance(node, Node) and node.name == _ADDRESS:
                    found.append((node.text, node.line))
            elif entry.rpartition(":")[2] == "Address" and not typed_done and item.address is not None:
                typed_done = True
                found.append((item.address, item.line))
        if not typed_done and item.address is not None:
            found.insert(0, (item.address, item.line))
        found.extend(
            (node.text, node.line) for node in extensions if isinstance(node, Node) and node.name == _ADDRESS
        )
        return found

    @property
    def addresses(self) -> list[DeviceAddress]:
        """Every ``rasd:Address`` of the Item, parsed, in document order (empty ones too)."""
        return [self._parse_address(text, line) for text, line in self.address_texts()]

    @property
    def address(self) -> DeviceAddress | None:
        """The first ``rasd:Address`` (the one the engine reads), parsed; None when there is none."""
        texts = self.address_texts()
        return self._parse_address(*texts[0]) if texts else None

    @address.setter
    def address(self, value: DeviceAddress | str | None) -> None:
        text = None if value is None else str(value)
        if text is not None:
            DeviceAddress.parse(text)  # refuse malformed text before writing it
        if self.item.address is not None:
            self.item.address = text
            return
        nodes = self.elements(_ADDRESS)
        if text is None:
            if nodes:
                _layout.remove_node(self.item, nodes[0])
        elif nodes:
            _layout.set_text(nodes[0], text)
        else:
            node = _layout.new_node(_ADDRESS, Ns.RASD.value, text)
            _layout.insert_node(self.item, node, after=self._anchor_for(_ADDRESS))

    def _parse_address(self, text: str, line: int | None) -> DeviceAddress:
        try:
            return DeviceAddress.parse(text)
        except OvfAddressError as error:
            raise OvfAddressError(
                error.reason, error.text, error.position, line=line, path=self._where()
            ) from None

    @property
    def spec_params(self) -> dict[str, SpecValue]:
        """``SpecParams`` as a dict: each child element's text, or a nested dict for nested elements.

        Empty when there is no ``SpecParams``; a repeated key keeps its first value.
        """
        nodes = self.elements("SpecParams")
        return _spec_map(nodes[0]) if nodes else {}

    @property
    def custom_properties_map(self) -> dict[str, str]:
        """``CustomProperties`` (``key=value;key=value``) as a dict; empty when absent."""
        text = self.custom_properties or ""
        found: dict[str, str] = {}
        for part in text.split(";"):
            key, _, value = part.partition("=")
            if key.strip():
                found.setdefault(key.strip(), value.strip())
        return found

    # -- oVirt rasd extras -----------------------------------------------------------------------

    mac_address = Field("rasd:MACAddress", TEXT, "``rasd:MACAddress`` (NICs).")
    nic_name = Field("rasd:Name", TEXT, "``rasd:Name``: the NIC name in the VM (``nic1``).")
    linked = Field("rasd:Linked", FLAG, "``rasd:Linked`` (NICs): the link is up.")
    speed = Field("rasd:speed", NUMBER, "``rasd:speed`` (NICs), Mbps.")
    num_of_sockets = Field("rasd:num_of_sockets", NUMBER, "``rasd:num_of_sockets`` (CPU).")
    cpu_per_socket = Field("rasd:cpu_per_socket", NUMBER, "``rasd:cpu_per_socket`` (CPU).")
    threads_per_cpu = Field("rasd:threads_per_cpu", NUMBER, "``rasd:threads_per_cpu`` (CPU).")
    max_num_of_vcpus = Field("rasd:max_num_of_vcpus", NUMBER, "``rasd:max_num_of_vcpus`` (CPU).")
    usb_policy = Field("rasd:UsbPolicy", str_enum(UsbPolicy), "``rasd:UsbPolicy`` (USB).")
    single_pci_qxl = Field("rasd:SinglePciQxl", FLAG, "``rasd:SinglePciQxl`` (video).")
    template_id = Field("rasd:Template", TEXT, "``rasd:Template`` (disks): the template's volume.")
    storage_id = Field("rasd:StorageId", TEXT, "``rasd:StorageId`` (disks): the storage domain.")
    storage_pool_id = Field("rasd:StoragePoolId", TEXT, "``rasd:StoragePoolId`` (disks): the data center.")
    disk_storage_type = Field("rasd:DiskStorageType", str_enum(DiskStorageType), "``rasd:DiskStorageType``.")
    application_list = Field("rasd:ApplicationList", TEXT, "``rasd:ApplicationList`` (disks).")
    creation_date = Field("rasd:CreationDate", DATE, "``rasd:CreationDate`` (disks), UTC.")
    last_modified = Field("rasd:LastModified", DATE, "``rasd:LastModified`` (disks), UTC.")
    last_modified_date = Field("rasd:last_modified_date", DATE, "``rasd:last_modified_date`` (disks), UTC.")

    # -- derived ---------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """What the Item is, the oVirt way: cpu, memory, disk, cdrom, nic, usb, video, graphics, or
        the device block's ``Type`` (controller, channel, balloon, rng, sound, ...), else ``other``.
        """
        rtype = self.item.resource_type
        number = int(rtype) if rtype is not None else None
        kind = _KINDS.get(number) if number is not None else None
        if kind is not None:
            return kind
        return (self.type or "").strip() or "other"

    @property
    def nic_model(self) -> NicModel | None:
        """The NIC model from ``rasd:ResourceSubType`` (NICs); None when absent or not a number."""
        number = parse_number(self.item.resource_sub_type or "")
        return None if number is None else NicModel(number)

    @property
    def network(self) -> str | None:
        """The network a NIC is connected to (``rasd:Connection``); None when empty."""
        return next((c.strip() for c in self.item.connection if c.strip()), None)

    @property
    def vnic_profile(self) -> str | None:
        """The vNIC profile name (``rasd:OtherResourceType`` on NICs)."""
        return (self.item.other_resource_type or "").strip() or None

    @property
    def image_group_id(self) -> str | None:
        """The disk id (image group) from ``rasd:HostResource`` ``imageGroupId/volumeId``."""
        for resource in self.item.host_resource:
            group, slash, _ = resource.strip().partition("/")
            if slash and group and not resource.startswith("ovf:"):
                return group
        return None

    @property
    def volume_id(self) -> str | None:
        """The volume id from ``rasd:HostResource`` ``imageGroupId/volumeId``."""
        for resource in self.item.host_resource:
            group, slash, volume = resource.strip().partition("/")
            if slash and group and volume and not resource.startswith("ovf:"):
                return volume
        return None

    @property
    def parent_volume_id(self) -> str | None:
        """The parent volume (``rasd:Parent``); None for a base volume (the all-zero GUID)."""
        parent = self.item.parent
        return None if is_null_guid(parent) else (parent or "").strip()

    @property
    def cpus(self) -> int | None:
        """Virtual CPUs: sockets * cores per socket * threads per core (threads default to 1), or
        ``rasd:VirtualQuantity`` when the topology is absent.
        """
        sockets, cores = self.num_of_sockets, self.cpu_per_socket
        if sockets is not None and cores is not None:
            return sockets * cores * (self.threads_per_cpu or 1)
        return self.item.virtual_quantity


_KINDS = {3: "cpu", 4: "memory", 10: "nic", 15: "cdrom", 17: "disk", 20: "video", 23: "usb", 26: "graphics"}


def _spec_map(node: Node) -> dict[str, SpecValue]:
    found: dict[str, SpecValue] = {}
    for child in node.elements():
        if child.local_name in found:
            continue
        found[child.local_name] = _spec_map(child) if child.elements() else child.text
    return found


def _default_namespace(envelope: Envelope) -> str | None:
    if envelope.xml is None:
        return None
    return dict(envelope.xml.ns).get("")


def ovirt_devices(envelope: Envelope, system: VirtualSystem | None = None) -> list[OvirtDevice]:
    """Every hardware Item of a virtual system (default: the first) as an ``OvirtDevice``, in order."""
    if system is None:
        systems = envelope.virtual_systems()
        if not systems:
            return []
        system = systems[0]
    namespace = _default_namespace(envelope)
    section = system.section(VirtualHardwareSection)
    if not isinstance(section, VirtualHardwareSection):
        return []
    return [OvirtDevice(item, namespace) for item in section.all_items]
