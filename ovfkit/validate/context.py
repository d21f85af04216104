"""What a rule sees: the loaded envelope, how it was read, indexes over it, and a way to report findings."""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from ovfkit.errors import OvfUnitError
from ovfkit.model.base import Node, OvfModel
from ovfkit.model.cim import ResourceItem
from ovfkit.model.envelope import Envelope, File, VirtualSystem, VirtualSystemCollection
from ovfkit.model.sections import (
    Configuration,
    DeploymentOptionSection,
    Disk,
    DiskSection,
    Network,
    NetworkSection,
    ProductSection,
    Property,
    ResourceAllocationSection,
    Section,
    VirtualHardwareSection,
)
from ovfkit.units import Units, parse_units
from ovfkit.validate.diagnostic import Diagnostic
from ovfkit.validate.locate import Locator
from ovfkit.validate.registry import get_rule

__all__ = [
    "ADAPTER_TYPES",
    "UNSIGNED_LONG_MAX",
    "AdapterUse",
    "Context",
    "HardwareItem",
    "ItemIndex",
    "ParentUse",
    "attribute_lexical",
    "extension_nodes",
    "leaf_lexicals",
]

Owner = Envelope | VirtualSystem | VirtualSystemCollection
T = TypeVar("T")


class HardwareItem:
    """An Item and where it sits: its system and its VirtualHardwareSection (or ResourceAllocationSection)."""

    __slots__ = ("item", "section", "system")

    def __init__(
        self,
        item: ResourceItem,
        section: VirtualHardwareSection | ResourceAllocationSection,
        system: VirtualSystem | VirtualSystemCollection,
    ) -> None:
        self.item = item
        self.section = section
        self.system = system


#: The largest value of the ``xs:unsignedLong`` counts and sizes.
UNSIGNED_LONG_MAX = 2**64 - 1


#: The Item fields that hold counts and sizes (``xs:unsignedLong`` and ``xs:unsignedInt``).
_NUMBER_FIELDS = ("virtual_quantity", "reservation", "limit", "weight")


#: ``(Item, its Parent stripped, InstanceID, AddressOnParent, ovf:bound)``, the last three as written.
ParentUse = tuple[HardwareItem, str, str | None, str | None, str | None]
#: ``(network adapter, its Connections, its Address)``.
AdapterUse = tuple[HardwareItem, list[str], str | None]
#: The network adapter ResourceTypes (Ethernet and other network adapters).
ADAPTER_TYPES = (10, 11)
#: The Item fields the index reads of every Item, fetched in one call.
_INDEXED_FIELDS = operator.itemgetter(
    "resource_type",
    "instance_id",
    "parent",
    "host_resource",
    "allocation_units",
    "virtual_quantity_units",
    "configuration",
    "xml",
    "virtual_quantity",
    "reservation",
    "limit",
    "weight",
)


class ItemIndex:
    """The Items of the VirtualHardwareSections sorted once into the groups the rules look at.

    One pass over the Items fills every group, so that each rule visits only the Items it is about:
    a descriptor with thousands of Items is checked in linear time with a small constant. The pass
    also copies out the fields that the rules about Parents, HostResources and network adapters
    read, while the Item is in the processor's cache: a model of thousands of Items does not fit
    in it, and each later visit of an Item costs a cache miss per field.
    """

    __slots__ = (
        "_ids",
        "_links",
        "adapters",
        "by_type",
        "host_resources",
        "largest_quantity",
        "odd_numbers",
        "parents",
        "repeated_ids",
        "unit_groups",
        "with_configuration",
        "with_host_resource",
        "with_lexical",
        "with_parent",
        "with_units",
        "zero_quantity",
    )

    def __init__(self, items: list[HardwareItem]) -> None:
        #: Per section (by id): the first Item of each InstanceID (stripped).
        self._ids: dict[int, dict[str, HardwareItem]] = {}
        self._links: list[tuple[HardwareItem, str, HardwareItem | None]] | None = None
        #: Items by ResourceType (an int; None when absent or unreadable).
        self.by_type: dict[int | None, list[HardwareItem]] = {}
        #: Items whose VirtualQuantity, Reservation, Limit or Weight is negative or 2^64 or more.
        self.odd_numbers: list[HardwareItem] = []
        #: Groups of Items of one section sharing an InstanceID (only groups of two or more).
        self.repeated_ids: list[list[HardwareItem]] = []
        self.with_configuration: list[HardwareItem] = []
        #: Items with a HostResource, and ``(Item, its HostResources)`` for each of them.
        self.with_host_resource: list[HardwareItem] = []
        self.host_resources: list[tuple[HardwareItem, list[str]]] = []
        #: Items with a value written differently from its typed form (or not typeable).
        self.with_lexical: list[HardwareItem] = []
        #: Items with a (non-empty) Parent, in document order, and a ``ParentUse`` for each.
        self.with_parent: list[HardwareItem] = []
        self.parents: list[ParentUse] = []
        #: An ``AdapterUse`` for each Item of ResourceType 10 or 11, in document order.
        self.adapters: list[AdapterUse] = []
        #: Items with AllocationUnits or VirtualQuantityUnits.
        self.with_units: list[HardwareItem] = []
        #: The Items of ``with_units`` grouped by (ResourceType, AllocationUnits, VirtualQuantityUnits):
        #: the rules about units check each distinct group once.
        self.unit_groups: dict[tuple[int | None, str | None, str | None], list[HardwareItem]] = {}
        #: The largest VirtualQuantity of any Item (0 when none has one).
        self.largest_quantity = 0
        #: Items with VirtualQuantity 0.
        self.zero_quantity: list[HardwareItem] = []
        self._read(items)

    def _read(self, items: list[HardwareItem]) -> None:
        """The one pass over the Items (locals stand in for attributes: this loop is the hot path)."""
        by_type = self.by_type
        unit_groups = self.unit_groups
        with_parent = self.with_parent.append
        parents = self.parents.append
        with_host_resource = self.with_host_resource.append
        host_resources = self.host_resources.append
        adapters = self.adapters.append
        with_units = self.with_units.append
        with_configuration = self.with_configuration.append
        with_lexical = self.with_lexical.append
        odd_numbers = self.odd_numbers.append
        zero_quantity = self.zero_quantity.append
        as_int = operator.index
        fields = _INDEXED_FIELDS
        largest = 0
        first_of: dict[str, HardwareItem] = {}
        repeats: dict[tuple[int, str], list[HardwareItem]] = {}
        section: object = None
        limit = UNSIGNED_LONG_MAX
        for entry in items:
            if entry.section is not section:
                section = entry.section
                first_of = self._ids.setdefault(id(section), {})
            (
                rtype,
                iid,
                parent,
                hosts,
                units,
                quantity_units,
                configuration,
                info,
                quantity,
                reservation,
                cap,
                weight,
            ) = fields(entry.item.__dict__)
            key = None if rtype is None else as_int(rtype)
            group = by_type.get(key)
            if group is None:
                by_type[key] = [entry]
            else:
                group.append(entry)
            if parent:
                data = entry.item.__dict__
                with_parent(entry)
                parents((entry, parent.strip(), iid, data["address_on_parent"], data["bound"]))
            if hosts:
                with_host_resource(entry)
                host_resources((entry, hosts))
            if key in ADAPTER_TYPES:
                data = entry.item.__dict__
                adapters((entry, data["connection"], data["address"]))
            if units is not None or quantity_units is not None:
                with_units(entry)
                unit_key = (key, units, quantity_units)
                same_units = unit_groups.get(unit_key)
                if same_units is None:
                    unit_groups[unit_key] = [entry]
                else:
                    same_units.append(entry)
            if configuration:
                with_configuration(entry)
            if info is not None and info.lexical:
                with_lexical(entry)
            if quantity is not None:
                if quantity > largest:
                    largest = quantity
                elif quantity == 0:
                    zero_quantity(entry)
            if (
                (quantity is not None and not 0 <= quantity <= limit)
                or (reservation is not None and not 0 <= reservation <= limit)
                or (cap is not None and not 0 <= cap <= limit)
                or (weight is not None and not 0 <= weight <= limit)
            ):
                odd_numbers(entry)
            if iid is not None:
                iid = iid.strip()
                first = first_of.get(iid)
                if first is None:
                    first_of[iid] = entry
                else:
                    repeated = repeats.get((id(section), iid))
                    if repeated is None:
                        repeats[(id(section), iid)] = [first, entry]
                    else:
                        repeated.append(entry)
        self.repeated_ids = list(repeats.values())
        self.largest_quantity = largest

    def of_types(self, *types: int) -> list[HardwareItem]:
        """The Items of these ResourceTypes, in document order."""
        groups = [self.by_type[t] for t in types if t in self.by_type]
        if len(groups) <= 1:
            return groups[0] if groups else []
        return sorted([entry for group in groups for entry in group], key=_document_order)

    def parent_of(self, entry: HardwareItem) -> HardwareItem | None:
        """The Item that an Item's Parent names in its section, or None."""
        parent = entry.item.parent
        if not parent:
            return None
        return self._ids.get(id(entry.section), {}).get(parent.strip())

    @property
    def parent_links(self) -> list[tuple[HardwareItem, str, HardwareItem | None]]:
        """``(Item, Parent stripped, the Item it names or None)`` for each Item of ``with_parent``.

        In document order; resolved once and shared by the rules about Parents. A blank Parent is
        looked up as the empty InstanceID, as ``parent_of`` does.
        """
        if self._links is None:
            ids = self._ids
            links: list[tuple[HardwareItem, str, HardwareItem | None]] = []
            section: object = None
            first_of: dict[str, HardwareItem] = {}
            for entry, parent, _, _, _ in self.parents:
                if entry.section is not section:
                    section = entry.section
                    first_of = ids.get(id(section), {})
                links.append((entry, parent, first_of.get(parent)))
            self._links = links
        return self._links


def _document_order(entry: HardwareItem) -> int:
    return entry.item.line or 0


class Context:
    """One document under validation, as the rules see it.

    ``envelope`` is the loaded model; ``source`` names the document; ``dialect`` is what
    ``ovfkit.detect_dialect`` says; ``profile`` is ``strict``, ``relaxed`` or ``ovirt``; ``version`` is
    the OVF version of the envelope namespace; ``is_ovirt`` is True when oVirt rules apply;
    ``xsd_checked`` is True when a DMTF XSD checked the document's structure. Indexes are computed
    on first use and shared by all rules. ``emit`` builds a located ``Diagnostic``.
    """

    def __init__(
        self,
        envelope: Envelope,
        *,
        source: str | None,
        dialect: str,
        profile: str,
        version: str,
        xsd_checked: bool,
        locator: Locator | None = None,
    ) -> None:
        self.envelope = envelope
        self.source = source
        self.dialect = dialect
        self.profile = profile
        self.version = version
        self.is_ovirt = profile == "ovirt" or dialect == "ovirt"
        self.xsd_checked = xsd_checked
        self.locator = locator or Locator(None, None)
        self._units: dict[str, tuple[Units | None, str | None]] = {}
        self._shared: dict[str, Any] = {}

    # -- reporting ---------------------------------------------------------------------------

    def emit(
        self,
        code: str,
        at: OvfModel | Node | None,
        message: str,
        *,
        leaf: str | None = None,
        occurrence: int = 0,
        attribute: str | None = None,
    ) -> Diagnostic:
        """A diagnostic of rule ``code`` about ``at``, its ``occurrence``-th ``leaf`` child or ``attribute``.

        ``leaf`` and ``attribute`` are local names; the diagnostic points at that child element when
        it is written (else at ``at``), and names the attribute at the end of its path.
        """
        entry = get_rule(code)
        line = column = None
        path = None
        if at is not None:
            line, column, path = self.locator.of_model(at, self.envelope, leaf, occurrence, attribute)
        return Diagnostic(entry.code, entry.name, entry.severity, message, self.source, line, column, path)

    # -- structure ---------------------------------------------------------------------------

    @cached_property
    def contents(self) -> list[VirtualSystem | VirtualSystemCollection]:
        """Every VirtualSystem and VirtualSystemCollection, depth first (``Envelope.contents``)."""
        return self.envelope.contents()

    @cached_property
    def systems(self) -> list[VirtualSystem]:
        """Every VirtualSystem."""
        return [c for c in self.contents if isinstance(c, VirtualSystem)]

    @cached_property
    def sections(self) -> list[tuple[Owner, Section]]:
        """Every typed section with the envelope or content it belongs to."""
        found: list[tuple[Owner, Section]] = [(self.envelope, s) for s in self.envelope.sections]
        for content in self.contents:
            found.extend((content, s) for s in content.sections)
        return found

    def sections_of(self, cls: type[Section]) -> list[Section]:
        """Every section of one class, in document order."""
        return [s for _, s in self.sections if isinstance(s, cls)]

    # -- references --------------------------------------------------------------------------

    @cached_property
    def files(self) -> list[File]:
        """The Files of References."""
        return list(self.envelope.references.files) if self.envelope.references is not None else []

    @cached_property
    def file_ids(self) -> dict[str, File]:
        """Files by ``ovf:id`` (the first of duplicates)."""
        found: dict[str, File] = {}
        for file in self.files:
            if file.id is not None:
                found.setdefault(file.id, file)
        return found

    @cached_property
    def disks(self) -> list[Disk]:
        """Every Disk of every DiskSection."""
        return [d for s in self.sections_of(DiskSection) if isinstance(s, DiskSection) for d in s.disks]

    @cached_property
    def disk_ids(self) -> dict[str, Disk]:
        """Disks by ``ovf:diskId`` (the first of duplicates)."""
        found: dict[str, Disk] = {}
        for disk in self.disks:
            if disk.disk_id is not None:
                found.setdefault(disk.disk_id, disk)
        return found

    @cached_property
    def configurations(self) -> dict[str, Configuration]:
        """Deployment options by id (empty when there is no DeploymentOptionSection)."""
        found: dict[str, Configuration] = {}
        for section in self.sections_of(DeploymentOptionSection):
            assert isinstance(section, DeploymentOptionSection)
            for configuration in section.configurations:
                if configuration.id is not None:
                    found.setdefault(configuration.id, configuration)
        return found

    @cached_property
    def networks(self) -> dict[str, Network]:
        """Declared networks by ``ovf:name``."""
        found: dict[str, Network] = {}
        for section in self.sections_of(NetworkSection):
            assert isinstance(section, NetworkSection)
            for network in section.networks:
                if network.name is not None:
                    found.setdefault(network.name, network)
        return found

    @cached_property
    def has_network_section(self) -> bool:
        """True when the document declares a NetworkSection."""
        return bool(self.sections_of(NetworkSection))

    @cached_property
    def properties(self) -> list[tuple[ProductSection, Property]]:
        """Every Property with its ProductSection."""
        found: list[tuple[ProductSection, Property]] = []
        for section in self.sections_of(ProductSection):
            assert isinstance(section, ProductSection)
            found.extend((section, prop) for prop in section.properties)
        return found

    @cached_property
    def property_keys(self) -> set[str]:
        """Keys a ``${...}`` reference may use: each property's key and its fully qualified key."""
        keys: set[str] = set()
        for section, prop in self.properties:
            if prop.key:
                keys.add(prop.key)
                keys.add(section.full_key(prop))
        return keys

    # -- hardware ----------------------------------------------------------------------------

    @cached_property
    def hardware_sections(
        self,
    ) -> list[tuple[VirtualSystem | VirtualSystemCollection, VirtualHardwareSection]]:
        """Every VirtualHardwareSection with its system."""
        return [
            (content, s)
            for content in self.contents
            for s in content.sections
            if isinstance(s, VirtualHardwareSection)
        ]

    @cached_property
    def items(self) -> list[HardwareItem]:
        """Every Item, StorageItem and EthernetPortItem of every VirtualHardwareSection, in document order."""
        found: list[HardwareItem] = []
        for system, section in self.hardware_sections:
            plain = not section.ethernet_port_items and not section.storage_items
            found.extend(
                HardwareItem(item, section, system)
                for item in (section.items if plain else section.all_items)
            )
        return found

    def shared(self, key: str, compute: Callable[[Context], T]) -> T:
        """A value computed once per document and shared by the rules that need it (``key`` names it)."""
        if key not in self._shared:
            self._shared[key] = compute(self)
        found: T = self._shared[key]
        return found

    @cached_property
    def item_index(self) -> ItemIndex:
        """The Items of the VirtualHardwareSections, grouped for the rules (computed once)."""
        return ItemIndex(self.items)

    @cached_property
    def nics(self) -> list[HardwareItem]:
        """Network adapters: Items of ResourceType 10 or 11, and EthernetPortItems, in document order."""
        found = self.item_index.of_types(10, 11)
        extra = [
            HardwareItem(item, section, system)
            for system, section in self.hardware_sections
            for item in section.ethernet_port_items
            if item.resource_type is None or int(item.resource_type) not in (10, 11)
        ]
        if extra:
            found = sorted([*found, *extra], key=_document_order)
        return found

    @cached_property
    def adapters(self) -> list[AdapterUse]:
        """``(adapter, its Connections, its Address)`` of every network adapter, in the order of ``nics``."""
        index = self.item_index
        nics = self.nics
        if len(nics) == len(index.adapters) and sum(t in index.by_type for t in ADAPTER_TYPES) <= 1:
            return index.adapters  # one group, no EthernetPortItems of other types: the same order
        fields = {id(entry): (connection, address) for entry, connection, address in index.adapters}
        found: list[AdapterUse] = []
        for entry in nics:
            known = fields.get(id(entry))
            if known is None:
                found.append((entry, entry.item.connection, entry.item.address))
            else:
                found.append((entry, *known))
        return found

    def units(self, text: str) -> tuple[Units | None, str | None]:
        """Parse programmatic units once per distinct text: ``(units, None)`` or ``(None, why not)``."""
        found = self._units.get(text)
        if found is None:
            try:
                found = (parse_units(text), None)
            except OvfUnitError as exc:
                found = (None, exc.message)
            self._units[text] = found
        return found

    @cached_property
    def allocation_items(self) -> list[HardwareItem]:
        """Items of ResourceAllocationSections (resources reserved for a collection)."""
        found: list[HardwareItem] = []
        for content in self.contents:
            for section in content.sections:
                if isinstance(section, ResourceAllocationSection):
                    for item in [*section.items, *section.ethernet_port_items, *section.storage_items]:
                        found.append(HardwareItem(item, section, content))
        return found


def attribute_lexical(obj: OvfModel, local_name: str) -> str | None:
    """The original text of a typed attribute when it differs from the typed value (None otherwise)."""
    if obj.xml is None or not obj.xml.lexical:
        return None
    for key, text in obj.xml.lexical.items():
        if not key.isdigit() and key.rpartition(":")[2] == local_name:
            return text
    return None


def leaf_lexicals(obj: OvfModel) -> list[tuple[str, int, str]]:
    """``(local name, occurrence, original text)`` of typed leaf children written unlike their value."""
    info = obj.xml
    if info is None or not info.lexical:
        return []
    found: list[tuple[str, int, str]] = []
    for key, text in info.lexical.items():
        if key.isdigit() and int(key) < len(info.children):
            index = int(key)
            local = info.children[index].rpartition(":")[2]
            occurrence = sum(1 for name in info.children[:index] if name.rpartition(":")[2] == local)
            found.append((local, occurrence, text))
    return found


def extension_nodes(obj: OvfModel | Node, local_name: str | None = None) -> list[Node]:
    """The untyped child elements of a model or node, optionally only those with one local name."""
    children = obj.extensions if isinstance(obj, OvfModel) else obj.children
    return [c for c in children if isinstance(c, Node) and (local_name is None or c.local_name == local_name)]
