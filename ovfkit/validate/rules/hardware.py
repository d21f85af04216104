"""H rules: hardware values make sense: units parse, numbers fit, types are known, sizes agree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ovfkit.model.base import OvfModel
from ovfkit.model.cim import ResourceItem
from ovfkit.model.sections import Disk
from ovfkit.model.values import ResourceType, parse_int
from ovfkit.validate.context import UNSIGNED_LONG_MAX, Context, HardwareItem, attribute_lexical, leaf_lexicals
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import rule
from ovfkit.validate.rules._common import PROPERTY_REFERENCE, describe, q, qs

__all__ = ["disk_capacity"]

#: Item properties that are counts or sizes (``xs:unsignedLong`` or ``xs:unsignedInt``).
_ITEM_NUMBERS = {
    "VirtualQuantity": "virtual_quantity",
    "Reservation": "reservation",
    "Limit": "limit",
    "Weight": "weight",
}
_STORAGE_DEVICES = (
    ResourceType.FLOPPY_DRIVE,
    ResourceType.CD_DRIVE,
    ResourceType.DVD_DRIVE,
    ResourceType.DISK_DRIVE,
)
_CPU_AND_MEMORY = (ResourceType.PROCESSOR, ResourceType.MEMORY)
_CONTROLLERS = frozenset(
    int(t)
    for t in (
        ResourceType.OTHER,
        ResourceType.IDE_CONTROLLER,
        ResourceType.PARALLEL_SCSI_HBA,
        ResourceType.FC_HBA,
        ResourceType.ISCSI_HBA,
        ResourceType.IB_HCA,
        ResourceType.IO_SLOT,
        ResourceType.IO_DEVICE,
        ResourceType.OTHER_STORAGE_DEVICE,
        ResourceType.USB_CONTROLLER,
        ResourceType.IEEE_1394_CONTROLLER,
    )
)
#: What ``parse_units`` says of a multiplier beyond 2^80: an overflow (H103), not a malformed unit (H101).
_UNIT_TOO_LARGE = "is too large"
#: The ResourceType oVirt writes for video devices.
_OVIRT_VIDEO = 32768


def _capacity_number(text: str) -> int | None:
    """``ovf:capacity`` as an integer (None when it is not one): plain digits skip the general parser."""
    if len(text) < 20 and text.isascii() and text.isdigit():
        return int(text)
    return parse_int(text)


def disk_capacity(ctx: Context, disk: Disk) -> int | None:
    """A Disk's capacity in bytes (``ovf:capacity`` times its units), None when it cannot be computed."""
    if disk.capacity is None:
        return None
    capacity = _capacity_number(disk.capacity)
    if capacity is None or capacity < 0:
        return None
    units, _ = ctx.units(disk.capacity_allocation_units or "byte")
    if units is None or units.base != "byte":
        return None
    return capacity * units.multiplier


def _collect_disk_sizes(ctx: Context) -> list[tuple[Disk, int | None]]:
    return [(disk, disk_capacity(ctx, disk)) for disk in ctx.disks]


def _disk_sizes(ctx: Context) -> list[tuple[Disk, int | None]]:
    """``(Disk, capacity in bytes or None)`` of every Disk, computed once per document."""
    return ctx.shared("disk-sizes", _collect_disk_sizes)


UnitGroup = tuple[int | None, str | None, str | None, list[HardwareItem]]


def _allocation_unit_groups(ctx: Context) -> list[UnitGroup]:
    """The Items with units, grouped by (ResourceType, AllocationUnits, VirtualQuantityUnits).

    The VirtualHardwareSection groups come from the Item index; the few ResourceAllocationSection
    Items are grouped here.
    """
    groups = [(key[0], key[1], key[2], entries) for key, entries in ctx.item_index.unit_groups.items()]
    extra: dict[tuple[int | None, str | None, str | None], list[HardwareItem]] = {}
    for entry in ctx.allocation_items:
        item = entry.item
        if item.allocation_units is not None or item.virtual_quantity_units is not None:
            rtype = None if item.resource_type is None else int(item.resource_type)
            key = (rtype, item.allocation_units, item.virtual_quantity_units)
            extra.setdefault(key, []).append(entry)
    groups.extend((key[0], key[1], key[2], entries) for key, entries in extra.items())
    return groups


def _unit_groups(ctx: Context) -> list[UnitGroup]:
    """Every Item with units (VirtualHardwareSection and ResourceAllocationSection), grouped once."""
    return ctx.shared("unit-groups", _allocation_unit_groups)


#: Units written as words only (``Processor Cores``, ``Disk``): what XenCenter writes for what it counts.
_UNIT_WORDS = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*", re.ASCII)


def _collect_unit_problems(ctx: Context) -> list[tuple[ResourceItem, str, str, bool]]:
    found: list[tuple[ResourceItem, str, str, bool]] = []
    for rtype, units_text, quantity_units_text, entries in _unit_groups(ctx):
        for leaf, text in (("AllocationUnits", units_text), ("VirtualQuantityUnits", quantity_units_text)):
            if text is not None and text.strip():
                problem = ctx.units(text)[1]
                if problem is not None:
                    counted = rtype != ResourceType.MEMORY and bool(_UNIT_WORDS.fullmatch(text.strip()))
                    found.extend((entry.item, leaf, problem, counted) for entry in entries)
    return found


def _unit_problems(ctx: Context) -> list[tuple[ResourceItem, str, str, bool]]:
    """``(Item, leaf, why, counted)`` of every AllocationUnits or VirtualQuantityUnits that fails to parse.

    ``counted``: the units are words naming what an Item other than memory counts (``Processor
    Cores``), which H113 reports as a warning; every other unreadable unit is H101's.
    """
    return ctx.shared("unit-problems", _collect_unit_problems)


def _is_reference(text: str) -> bool:
    return bool(PROPERTY_REFERENCE.fullmatch(text.strip()))


def _all_items(ctx: Context, group: list[HardwareItem]) -> list[HardwareItem]:
    """A group of VirtualHardwareSection Items plus every ResourceAllocationSection Item (they are few)."""
    return [*group, *ctx.allocation_items] if ctx.allocation_items else group


@rule(
    "H101",
    "malformed-allocation-units",
    Severity.ERROR,
    "AllocationUnits, VirtualQuantityUnits or capacityAllocationUnits is not a programmatic unit "
    "(byte * 2^20).",
)
def malformed_allocation_units(ctx: Context) -> Iterator[Diagnostic]:
    """Units follow DSP0004 Annex C: a base unit and ``* 2^N``, ``* 10^N`` or integer modifiers."""
    for item, leaf, problem, counted in _unit_problems(ctx):
        if _UNIT_TOO_LARGE not in problem and not counted:
            yield ctx.emit("H101", item, f"{describe(item)} {leaf}: {problem}", leaf=leaf)
    for disk, size in _disk_sizes(ctx):
        if size is not None:
            continue  # its units parsed
        units_text = disk.capacity_allocation_units
        if units_text is not None and units_text.strip():
            _, disk_problem = ctx.units(units_text)
            if disk_problem is not None and _UNIT_TOO_LARGE not in disk_problem:
                yield ctx.emit(
                    "H101",
                    disk,
                    f'Disk "{q(disk.disk_id)}" capacityAllocationUnits: {disk_problem}',
                    attribute="capacityAllocationUnits",
                )


_ASCII_INTEGER = re.compile(r"[+]?[0-9]+", re.ASCII)


@dataclass(frozen=True, slots=True)
class _Number:
    """A size or quantity as written: where it is, its text, and its typed value (None if untyped)."""

    obj: OvfModel
    label: str
    text: str
    value: int | None
    where: dict[str, Any]


def _collect_numbers(ctx: Context) -> list[_Number]:
    found: list[_Number] = []
    limit = UNSIGNED_LONG_MAX
    for file in ctx.files:
        size, chunk_size = file.size, file.chunk_size
        if (
            (size is None or 0 <= size <= limit)
            and (chunk_size is None or 0 <= chunk_size <= limit)
            and (file.xml is None or not file.xml.lexical or (size is not None and chunk_size is not None))
        ):
            continue  # typed, in range, or absent: nothing to say
        for local, value in (("size", size), ("chunkSize", chunk_size)):
            text = attribute_lexical(file, local) if value is None else _odd(value)
            if text is not None:
                found.append(
                    _Number(file, f'File "{q(file.id)}" ovf:{local}', text, value, {"attribute": local})
                )
    for disk in ctx.disks:
        text = disk.capacity
        plain = text is None or (len(text) < 20 and text.isascii() and text.isdigit())
        if text is not None and not plain and not _is_reference(text):
            capacity = parse_int(text)
            if capacity is None or _odd(capacity) is not None:
                label = f'Disk "{q(disk.disk_id)}" ovf:capacity'
                found.append(_Number(disk, label, text, capacity, {"attribute": "capacity"}))
        value = disk.populated_size
        if value is None:
            if disk.xml is None or not disk.xml.lexical:
                continue
            text = attribute_lexical(disk, "populatedSize")
        else:
            text = _odd(value)
        if text is not None:
            label = f'Disk "{q(disk.disk_id)}" ovf:populatedSize'
            found.append(_Number(disk, label, text, value, {"attribute": "populatedSize"}))
    index = ctx.item_index
    for entry in _all_items(ctx, index.with_lexical):
        item = entry.item
        for local, occurrence, text in leaf_lexicals(item):
            field = _ITEM_NUMBERS.get(local)
            if field is not None and getattr(item, field) is None and not _is_reference(text):
                where = {"leaf": local, "occurrence": occurrence}
                found.append(_Number(item, f"{describe(item)} {local}", text, None, where))
    for entry in _all_items(ctx, index.odd_numbers):
        item = entry.item
        for local, field in _ITEM_NUMBERS.items():
            value = getattr(item, field)
            if value is not None and (value < 0 or value > UNSIGNED_LONG_MAX):
                found.append(_Number(item, f"{describe(item)} {local}", str(value), value, {"leaf": local}))
    return found


def _odd(value: int) -> str | None:
    """The text of a typed value outside ``xs:unsignedLong`` (negative or 2^64 and more), else None."""
    return str(value) if value < 0 or value > UNSIGNED_LONG_MAX else None


def _numbers(ctx: Context) -> list[_Number]:
    """Sizes and quantities that are untyped or out of range, as written (collected once per document)."""
    return ctx.shared("numbers", _collect_numbers)


def _too_large(number: _Number) -> bool:
    """True for an integer beyond ``xs:unsignedLong`` (typed, or with too many digits to be typed)."""
    if number.value is not None:
        return number.value > UNSIGNED_LONG_MAX
    digits = number.text.strip()
    return bool(_ASCII_INTEGER.fullmatch(digits)) and len(digits.lstrip("+").lstrip("0")) > 20


def _not_integer(number: _Number) -> bool:
    """True for text that is not a non-negative integer (a sign, separator, fraction or other digits)."""
    if number.value is not None:
        return number.value < 0
    return not _too_large(number)


def _shown(text: str) -> str:
    stripped = text.strip()
    if len(stripped) > 60:
        return f"a {len(stripped)}-character value"
    return repr(q(stripped, 60))


@rule(
    "H102",
    "invalid-number",
    Severity.ERROR,
    "A size, capacity or quantity is not a non-negative integer (-1, 1_000, 12.0, non-ASCII digits).",
)
def invalid_number(ctx: Context) -> Iterator[Diagnostic]:
    """Sizes and quantities are ``xs:unsignedLong`` lexical forms: ASCII digits only."""
    for number in _numbers(ctx):
        if _not_integer(number):
            yield ctx.emit(
                "H102",
                number.obj,
                f"{number.label}: {_shown(number.text)} is not an integer "
                "(only ASCII digits, no sign, separator or fraction)",
                **number.where,
            )


@rule(
    "H103",
    "size-overflow",
    Severity.ERROR,
    "A size, capacity, quantity or unit multiplier is 2^64 or more, alone or once multiplied by its units.",
)
def size_overflow(ctx: Context) -> Iterator[Diagnostic]:
    """Sizes in bytes and quantities fit in 64 bits, and so do unit multipliers (``byte * 2^4294967296``)."""
    reported: set[int] = set()
    for number in _numbers(ctx):
        if _too_large(number):
            reported.add(id(number.obj))
            yield ctx.emit(
                "H103", number.obj, f"{number.label}: {_shown(number.text)} is 2^64 or more", **number.where
            )
    for disk, size in _disk_sizes(ctx):
        if size is not None and size <= UNSIGNED_LONG_MAX:
            continue  # its units parsed and the size fits
        units_text = disk.capacity_allocation_units
        problem = ctx.units(units_text)[1] if units_text else None
        if problem is not None and _UNIT_TOO_LARGE in problem:
            yield ctx.emit(
                "H103",
                disk,
                f'Disk "{q(disk.disk_id)}" capacityAllocationUnits: {problem}',
                attribute="capacityAllocationUnits",
            )
            continue
        if size is not None and id(disk) not in reported:
            yield ctx.emit(
                "H103",
                disk,
                f'Disk "{q(disk.disk_id)}" capacity {q(disk.capacity, 50)} x '
                f"{q(disk.capacity_allocation_units or 'byte', 50)} is 2^64 bytes or more",
                attribute="capacity",
            )
    for item, leaf, problem, _ in _unit_problems(ctx):
        if _UNIT_TOO_LARGE in problem:
            yield ctx.emit("H103", item, f"{describe(item)} {leaf}: {problem}", leaf=leaf)
    quantities = [e.item.virtual_quantity or 0 for e in ctx.allocation_items]
    largest = max([ctx.item_index.largest_quantity, *quantities])
    for _, units_text, _, entries in _unit_groups(ctx):
        if units_text is None:
            continue
        units, _ = ctx.units(units_text)
        if units is None or units.base != "byte" or units.multiplier <= 0:
            continue
        ceiling = UNSIGNED_LONG_MAX // units.multiplier  # the largest quantity that fits
        if largest <= ceiling:
            continue  # no Item asks for that much
        for entry in entries:
            item = entry.item
            quantity = item.virtual_quantity
            if quantity is None or quantity < 0 or quantity > UNSIGNED_LONG_MAX or quantity <= ceiling:
                continue
            yield ctx.emit(
                "H103",
                item,
                f"{describe(item)} VirtualQuantity {quantity} x {q(units_text, 50)} is 2^64 bytes or more",
                leaf="VirtualQuantity",
            )


def _unknown_types(ctx: Context) -> Iterator[tuple[HardwareItem, int]]:
    """Items whose ResourceType is outside CIM's 1..33 (except what the oVirt flavour writes by design)."""
    for rtype, entries in ctx.item_index.by_type.items():
        if rtype is None or 1 <= rtype <= 33:
            continue
        if ctx.is_ovirt and rtype == 0:
            continue  # the oVirt flavour writes 0 for every device without a CIM type
        if ctx.dialect.startswith("ovirt") and rtype == _OVIRT_VIDEO:
            continue  # oVirt writes its video device as 32768
        for entry in entries:
            yield entry, rtype


@rule(
    "H104",
    "unknown-resource-type",
    Severity.WARNING,
    "A required Item has a ResourceType CIM does not define (0, 34 to 32767, or a vendor value).",
)
def unknown_resource_type(ctx: Context) -> Iterator[Diagnostic]:
    """A consumer must refuse a required Item it does not understand (ResourceType outside 1..33)."""
    for entry, rtype in _unknown_types(ctx):
        if entry.item.required is not False:
            kind = "a vendor value" if rtype >= 0x8000 else "not a CIM ResourceType"
            yield ctx.emit(
                "H104",
                entry.item,
                f"{describe(entry.item)} has ResourceType {rtype} ({kind}) and is required; "
                'mark it ovf:required="false" if the system works without it',
                leaf="ResourceType",
            )


@rule(
    "H105",
    "optional-unknown-resource-type",
    Severity.INFO,
    'An Item marked ovf:required="false" has a ResourceType CIM does not define; consumers may drop it.',
)
def optional_unknown_resource_type(ctx: Context) -> Iterator[Diagnostic]:
    """An optional Item of unknown type is allowed and may be ignored by consumers."""
    for entry, rtype in _unknown_types(ctx):
        if entry.item.required is False:
            yield ctx.emit(
                "H105",
                entry.item,
                f"{describe(entry.item)} has ResourceType {rtype}, which consumers that do not "
                "know it will skip",
                leaf="ResourceType",
            )


@rule(
    "H106",
    "missing-resource-type",
    Severity.ERROR,
    "An Item has no ResourceType, or one that is not an integer from 0 to 65535.",
)
def missing_resource_type(ctx: Context) -> Iterator[Diagnostic]:
    """Every Item says what kind of device it is (an Item overriding another for some profiles need not)."""
    untyped = ctx.item_index.by_type.get(None, [])
    others = [e for e in ctx.allocation_items if e.item.resource_type is None]
    for entry in [*untyped, *others]:
        item = entry.item
        written = [text for local, _, text in leaf_lexicals(item) if local == "ResourceType"]
        if written:
            yield ctx.emit(
                "H106",
                item,
                f"{describe(item)} has ResourceType {qs(written[0], 60)}, not an integer from 0 to 65535",
                leaf="ResourceType",
            )
        elif item.bound in (None, "normal") and not item.configuration:
            yield ctx.emit("H106", item, f"{describe(item)} has no ResourceType")


@rule(
    "H107",
    "populated-size-exceeds-capacity",
    Severity.ERROR,
    "A Disk's ovf:populatedSize is larger than its capacity.",
)
def populated_size_exceeds_capacity(ctx: Context) -> Iterator[Diagnostic]:
    """The data written to a disk cannot exceed the disk."""
    for disk, capacity in _disk_sizes(ctx):
        if capacity is None or disk.populated_size is None:
            continue
        if disk.populated_size > capacity:
            yield ctx.emit(
                "H107",
                disk,
                f'Disk "{q(disk.disk_id)}" has populatedSize {disk.populated_size} bytes, more '
                "than its capacity "
                f"of {capacity} bytes",
                attribute="populatedSize",
            )


#: How much larger than the capacity a disk image file may be (format overhead) before H108 speaks.
_FILE_SLACK = 2**20


@rule(
    "H108",
    "file-larger-than-capacity",
    Severity.WARNING,
    "A Disk's file is larger than the disk's capacity (beyond 1% plus 1 MiB of format overhead).",
)
def file_larger_than_capacity(ctx: Context) -> Iterator[Diagnostic]:
    """A disk image is at most its capacity plus format overhead; more means a wrong capacity or file."""
    file_ids = ctx.file_ids
    for disk, capacity in _disk_sizes(ctx):
        if capacity is None or not disk.file_ref:
            continue
        file = file_ids.get(disk.file_ref)
        if file is None or file.size is None:
            continue
        if file.size > capacity + capacity // 100 + _FILE_SLACK:
            yield ctx.emit(
                "H108",
                disk,
                f'Disk "{q(disk.disk_id)}" has capacity {capacity} bytes, but its File "{q(disk.file_ref)}" '
                f"is {file.size} bytes",
                attribute="capacity",
            )


@rule(
    "H109",
    "zero-quantity",
    Severity.WARNING,
    "A processor or memory Item asks for 0 of its resource.",
)
def zero_quantity(ctx: Context) -> Iterator[Diagnostic]:
    """A system needs at least one CPU and some memory (ovf:bound="min" Items may say 0)."""
    for entry in ctx.item_index.zero_quantity:
        item = entry.item
        if item.resource_type in _CPU_AND_MEMORY and item.bound in (None, "normal"):
            yield ctx.emit("H109", item, f"{describe(item)} has VirtualQuantity 0", leaf="VirtualQuantity")


@rule(
    "H110",
    "parent-not-controller",
    Severity.WARNING,
    "A disk, CD, DVD or floppy drive's Parent is an Item that is not a controller.",
)
def parent_not_controller(ctx: Context) -> Iterator[Diagnostic]:
    """Drives hang off controllers (IDE, SCSI, SATA, USB, ...), not off NICs or memory."""
    if ctx.is_ovirt:
        return  # oVirt disk Parents are volumes, not Items
    by_type = ctx.item_index.by_type
    controllers = {id(entry) for rtype in _CONTROLLERS for entry in by_type.get(rtype, ())}
    for entry, _, parent_entry in ctx.item_index.parent_links:
        if parent_entry is None or id(parent_entry) in controllers:
            continue
        parent = parent_entry.item
        if parent.resource_type is None or not 1 <= int(parent.resource_type) <= 33:
            continue
        item = entry.item
        if item.resource_type in _STORAGE_DEVICES:
            yield ctx.emit(
                "H110",
                item,
                f"{describe(item)} has Parent {describe(parent)}, which is not a controller "
                f"(ResourceType {int(parent.resource_type)}, {parent.resource_type.label})",
                leaf="Parent",
            )


def _applies_together(first: list[str], second: list[str]) -> bool:
    if not first or not second:
        return True
    return bool(set(first) & set(second))


@rule(
    "H111",
    "address-on-parent-clash",
    Severity.WARNING,
    "Two devices sit at the same AddressOnParent of the same controller in the same configuration.",
)
def address_on_parent_clash(ctx: Context) -> Iterator[Diagnostic]:
    """Each slot of a controller holds one device."""
    groups: dict[tuple[int, str, str], list[HardwareItem]] = {}
    for entry, parent, _, address, bound in ctx.item_index.parents:
        if address is None:
            continue
        address = address.strip()
        if not address or bound not in (None, "normal"):
            continue
        key = (id(entry.section), parent, address)
        group = groups.get(key)
        if group is None:
            groups[key] = [entry]
        else:
            group.append(entry)
    for (_, parent, address), entries in groups.items():
        if len(entries) < 2:
            continue
        for index, later in enumerate(entries[1:], start=1):
            for earlier in entries[:index]:
                same_id = earlier.item.instance_id == later.item.instance_id
                if not same_id and _applies_together(earlier.item.configuration, later.item.configuration):
                    yield ctx.emit(
                        "H111",
                        later.item,
                        f"{describe(later.item)} and {describe(earlier.item)} both sit at AddressOnParent "
                        f"{q(address, 40)} of controller {q(parent, 40)}",
                        leaf="AddressOnParent",
                    )
                    break


@rule(
    "H112",
    "wrong-unit-kind",
    Severity.ERROR,
    "Units of the wrong kind: memory not in bytes, processors in bytes, a disk capacity not in bytes.",
)
def wrong_unit_kind(ctx: Context) -> Iterator[Diagnostic]:
    """Memory and disk capacity are sizes (byte base); processor units are hertz or a count."""
    for (rtype, units_text, _), entries in ctx.item_index.unit_groups.items():
        if units_text is None or rtype not in (ResourceType.MEMORY, ResourceType.PROCESSOR):
            continue
        units, _ = ctx.units(units_text)
        if units is None:
            continue
        problem = None
        if rtype == ResourceType.MEMORY and units.base != "byte":
            problem = f"memory is measured in bytes, but AllocationUnits is {qs(units_text, 60)}"
        elif rtype == ResourceType.PROCESSOR and units.base not in ("hertz", "count"):
            problem = (
                f"processors are counted or measured in hertz, but AllocationUnits is {qs(units_text, 60)}"
            )
        if problem is not None:
            for entry in entries:
                yield ctx.emit(
                    "H112", entry.item, f"{describe(entry.item)}: {problem}", leaf="AllocationUnits"
                )
    for disk, size in _disk_sizes(ctx):
        if size is not None or not disk.capacity_allocation_units:
            continue  # a size in bytes, or no units
        units, _ = ctx.units(disk.capacity_allocation_units)
        if units is not None and units.base != "byte":
            yield ctx.emit(
                "H112",
                disk,
                f'Disk "{q(disk.disk_id)}" capacityAllocationUnits {qs(disk.capacity_allocation_units, 60)} '
                "is not a size in bytes",
                attribute="capacityAllocationUnits",
            )


@rule(
    "H113",
    "count-units-as-words",
    Severity.WARNING,
    "An Item other than memory gives its units as words ('Processor Cores', 'Disk') instead of a "
    "programmatic unit.",
)
def count_units_as_words(ctx: Context) -> Iterator[Diagnostic]:
    """XenCenter writes what an Item counts as its units; DSP0004 knows ``count`` for that."""
    for item, leaf, _, counted in _unit_problems(ctx):
        if counted:
            text = item.allocation_units if leaf == "AllocationUnits" else item.virtual_quantity_units
            yield ctx.emit(
                "H113",
                item,
                f"{describe(item)} {leaf} {qs(text or '', 60)} is not a programmatic unit; "
                "consumers that read units may not know it (write 'count' for a number of things)",
                leaf=leaf,
            )
