"""oVirt device addresses: the ``{key=value, key=value}`` text of ``rasd:Address`` in device blocks.

``DeviceAddress.parse("{slot=0x06, bus=0x00, domain=0x0000, type=pci, function=0x0}")`` gives a
read-only mapping of the keys to their text values. Two addresses are equal (and hash alike) when
their key/value maps are equal, whatever the order of the keys: engines before 4.2 wrote Java
HashMap order, 4.2 and later write ``type, slot, bus, domain, function, ...``. ``str()`` gives back
the exact original text, so an address read from a document writes back unchanged.

The syntax is the engine's: the text between the braces is split on ``,`` then on ``=``, and each
part is trimmed; a key without ``=`` maps to an empty value. Empty text (or only whitespace) and
``{}`` are the empty address. Anything else that the engine would misread (no braces, an empty
entry, an empty key, a key with inner whitespace, a second ``=``, a brace inside, a repeated key)
raises ``OvfAddressError`` naming the text and the 0-based position of the problem.

Typed views per libvirt address type (``pci``, ``drive``, ``virtio-serial``, ``usb``, ``ccid``,
``dimm``, ``spapr-vio``, ``ccw``, ``isa``, ``virtio-mmio``) read the numbers: a value written with
``0x`` is hexadecimal (``slot=0x06`` is 6), any other is decimal (``bus=1``), as libvirt reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ovfkit.ovirt.errors import OvfAddressError

__all__ = [
    "ADDRESS_KEY_ORDER",
    "AnyTypedAddress",
    "CcidAddress",
    "CcwAddress",
    "DeviceAddress",
    "DimmAddress",
    "DriveAddress",
    "IsaAddress",
    "OvfAddressError",
    "PciAddress",
    "SpaprVioAddress",
    "UsbAddress",
    "VirtioMmioAddress",
    "VirtioSerialAddress",
]

#: The key order engines 4.2 and later write; other keys follow in their own order.
ADDRESS_KEY_ORDER = (
    "type",
    "slot",
    "bus",
    "domain",
    "function",
    "controller",
    "target",
    "unit",
    "port",
    "multifunction",
    "base",
)

_WHITESPACE = " \t\r\n"
_NUMBER = re.compile(r"(?:0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})", re.ASCII)


@dataclass(frozen=True, slots=True)
class PciAddress:
    """A ``type=pci`` address: domain, bus, slot and function (hexadecimal), multifunction on/off."""

    domain: int | None
    bus: int | None
    slot: int | None
    function: int | None
    multifunction: bool | None


@dataclass(frozen=True, slots=True)
class DriveAddress:
    """A ``type=drive`` address: controller, bus, target and unit (decimal)."""

    controller: int | None
    bus: int | None
    target: int | None
    unit: int | None


@dataclass(frozen=True, slots=True)
class VirtioSerialAddress:
    """A ``type=virtio-serial`` address: controller, bus and port."""

    controller: int | None
    bus: int | None
    port: int | None


@dataclass(frozen=True, slots=True)
class UsbAddress:
    """A ``type=usb`` address: bus, and port as text (hubs make it dotted, ``1.2``)."""

    bus: int | None
    port: str | None


@dataclass(frozen=True, slots=True)
class CcidAddress:
    """A ``type=ccid`` (smartcard) address: controller and slot."""

    controller: int | None
    slot: int | None


@dataclass(frozen=True, slots=True)
class DimmAddress:
    """A ``type=dimm`` (memory module) address: slot and base (the guest physical address)."""

    slot: int | None
    base: int | None


@dataclass(frozen=True, slots=True)
class SpaprVioAddress:
    """A ``type=spapr-vio`` (POWER) address: reg."""

    reg: int | None


@dataclass(frozen=True, slots=True)
class CcwAddress:
    """A ``type=ccw`` (s390) address: cssid, ssid and devno."""

    cssid: int | None
    ssid: int | None
    devno: int | None


@dataclass(frozen=True, slots=True)
class IsaAddress:
    """A ``type=isa`` address: iobase and irq."""

    iobase: int | None
    irq: int | None


@dataclass(frozen=True, slots=True)
class VirtioMmioAddress:
    """A ``type=virtio-mmio`` address (it has no keys)."""


AnyTypedAddress = (
    PciAddress
    | DriveAddress
    | VirtioSerialAddress
    | UsbAddress
    | CcidAddress
    | DimmAddress
    | SpaprVioAddress
    | CcwAddress
    | IsaAddress
    | VirtioMmioAddress
)


class DeviceAddress(Mapping[str, str]):
    """An oVirt device address: an immutable key/value map that remembers its original text.

    Build one with ``DeviceAddress.parse(text)`` (from a document) or ``DeviceAddress.from_mapping``
    (new text, in the engine 4.2+ key order). Mapping access (``addr["slot"]``, ``addr.get``,
    iteration in written order, ``len``) gives the text values; ``type`` the address type (None for
    the empty address); ``pci``, ``drive``, ... the typed view when the address is of that type.
    """

    __slots__ = ("_hash", "_pairs", "_positions", "_text", "_values")

    def __init__(self, text: str = "") -> None:
        """Parse ``text``; the same as ``DeviceAddress.parse(text)``."""
        pairs, positions = _parse(text)
        self._text = text
        self._pairs = pairs
        self._values = dict(pairs)
        self._positions = positions
        self._hash: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> DeviceAddress:
        """Parse address text as written in ``rasd:Address``; None reads as the empty address.

        Raises ``OvfAddressError`` for text the engine would misread.
        """
        return cls(text or "")

    @classmethod
    def from_mapping(cls, values: Mapping[str, str | int]) -> DeviceAddress:
        """A new address with these keys, written as engines 4.2+ write it (``{type=pci, slot=0x06}``).

        Integers are written in decimal; give text (``"0x06"``) for the hexadecimal PCI form. An
        empty mapping gives the empty address (empty text).
        """
        known = [key for key in ADDRESS_KEY_ORDER if key in values]
        others = [key for key in values if key not in ADDRESS_KEY_ORDER]
        parts = []
        for key in [*known, *others]:
            value = values[key]
            parts.append(f"{key}={value}" if value != "" else key)
        text = "{" + ", ".join(parts) + "}" if parts else ""
        return cls(text)

    # -- text ------------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The address exactly as written."""
        return self._text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"DeviceAddress({self._text!r})"

    @property
    def is_empty(self) -> bool:
        """True for empty text and ``{}``: no address assigned."""
        return not self._pairs

    def __bool__(self) -> bool:
        return bool(self._pairs)

    # -- mapping ---------------------------------------------------------------------------------

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def items_in_order(self) -> tuple[tuple[str, str], ...]:
        """The ``(key, value)`` pairs in written order."""
        return self._pairs

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeviceAddress):
            return self._values == other._values
        if isinstance(other, Mapping):
            return self._values == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._values.items()))
        return self._hash

    # -- typed access ----------------------------------------------------------------------------

    @property
    def type(self) -> str | None:
        """The address type (``pci``, ``drive``, ``virtio-serial``, ... or any other text); None if absent."""
        value = self._values.get("type")
        return value or None

    def position(self, key: str) -> int | None:
        """The 0-based offset of a key's value in the text, or None when the key is absent."""
        return self._positions.get(key)

    def number(self, key: str) -> int | None:
        """A key's value as an integer (``0x`` hexadecimal, else decimal); None when absent or empty.

        Raises ``OvfAddressError`` when the value is not a number.
        """
        value = self._values.get(key)
        if value is None or value == "":
            return None
        if not _NUMBER.fullmatch(value):
            raise OvfAddressError(f"{key}={value!r} is not a number", self._text, self._positions.get(key, 0))
        return int(value, 16) if value[:2].lower() == "0x" else int(value, 10)

    def flag(self, key: str) -> bool | None:
        """A key's on/off (or yes/no, true/false) value as a bool; None when absent.

        Raises ``OvfAddressError`` for any other value.
        """
        value = self._values.get(key)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in ("on", "yes", "true"):
            return True
        if lowered in ("off", "no", "false"):
            return False
        raise OvfAddressError(f"{key}={value!r} is not on or off", self._text, self._positions.get(key, 0))

    @property
    def pci(self) -> PciAddress | None:
        """The PCI view of a ``type=pci`` address, else None."""
        if self.type != "pci":
            return None
        return PciAddress(
            domain=self.number("domain"),
            bus=self.number("bus"),
            slot=self.number("slot"),
            function=self.number("function"),
            multifunction=self.flag("multifunction"),
        )

    @property
    def drive(self) -> DriveAddress | None:
        """The drive view of a ``type=drive`` address, else None."""
        if self.type != "drive":
            return None
        return DriveAddress(
            controller=self.number("controller"),
            bus=self.number("bus"),
            target=self.number("target"),
            unit=self.number("unit"),
        )

    @property
    def virtio_serial(self) -> VirtioSerialAddress | None:
        """The view of a ``type=virtio-serial`` address, else None."""
        if self.type != "virtio-serial":
            return None
        return VirtioSerialAddress(
            controller=self.number("controller"), bus=self.number("bus"), port=self.number("port")
        )

    @property
    def usb(self) -> UsbAddress | None:
        """The view of a ``type=usb`` address, else None."""
        if self.type != "usb":
            return None
        port = self._values.get("port")
        return UsbAddress(bus=self.number("bus"), port=port or None)

    @property
    def ccid(self) -> CcidAddress | None:
        """The view of a ``type=ccid`` address, else None."""
        if self.type != "ccid":
            return None
        return CcidAddress(controller=self.number("controller"), slot=self.number("slot"))

    @property
    def dimm(self) -> DimmAddress | None:
        """The view of a ``type=dimm`` address, else None."""
        if self.type != "dimm":
            return None
        return DimmAddress(slot=self.number("slot"), base=self.number("base"))

    @property
    def spapr_vio(self) -> SpaprVioAddress | None:
        """The view of a ``type=spapr-vio`` address, else None."""
        if self.type != "spapr-vio":
            return None
        return SpaprVioAddress(reg=self.number("reg"))

    @property
    def ccw(self) -> CcwAddress | None:
        """The view of a ``type=ccw`` address, else None."""
        if self.type != "ccw":
            return None
        return CcwAddress(cssid=self.number("cssid"), ssid=self.number("ssid"), devno=self.number("devno"))

    @property
    def isa(self) -> IsaAddress | None:
        """The view of a ``type=isa`` address, else None."""
        if self.type != "isa":
            return None
        return IsaAddress(iobase=self.number("iobase"), irq=self.number("irq"))

    @property
    def virtio_mmio(self) -> VirtioMmioAddress | None:
        """The view of a ``type=virtio-mmio`` address, else None."""
        if self.type != "virtio-mmio":
            return None
        return VirtioMmioAddress()

    def typed(self) -> AnyTypedAddress | None:
        """The typed view for this address's type; None for the empty address or another type."""
        attribute = _TYPED_VIEWS.get(self.type or "")
        if attribute is None:
            return None
        view: AnyTypedAddress | None = getattr(self, attribute)
        return view


#: The typed view attribute of each address type.
_TYPED_VIEWS = {
    "pci": "pci",
    "drive": "drive",
    "virtio-serial": "virtio_serial",
    "usb": "usb",
    "ccid": "ccid",
    "dimm": "dimm",
    "spapr-vio": "spapr_vio",
    "ccw": "ccw",
    "isa": "isa",
    "virtio-mmio": "virtio_mmio",
}


def _parse(text: str) -> tuple[tuple[tuple[str, str], ...], dict[str, int]]:
    """Split address text into ``(key, value)`` pairs and each value's position; raise when malformed."""
    if not isinstance(text, str):
        raise TypeError(f"a device address is text, not {type(text).__name__}")
    start = 0
    end = len(text)
    while start < end and text[start] in _WHITESPACE:
        start += 1
    while end > start and text[end - 1] in _WHITESPACE:
        end -= 1
    if start == end:
        return (), {}
    if text[start] != "{":
        raise OvfAddressError("expected '{' at the start", text, start)
    if end - start < 2 or text[end - 1] != "}":
        raise OvfAddressError("expected '}' at the end", text, end - 1 if end - start >= 2 else end)
    inner_start, inner_end = start + 1, end - 1
    if not text[inner_start:inner_end].strip(_WHITESPACE):
        return (), {}
    pairs: list[tuple[str, str]] = []
    positions: dict[str, int] = {}
    piece_start = inner_start
    while piece_start <= inner_end:
        comma = text.find(",", piece_start, inner_end)
        piece_end = inner_end if comma < 0 else comma
        key, value, value_at = _entry(text, piece_start, piece_end)
        if key in positions:
            where = _skip_space(text, piece_start, piece_end)
            raise OvfAddressError(f"key {key!r} appears twice", text, where)
        positions[key] = value_at
        pairs.append((key, value))
        if comma < 0:
            break
        piece_start = comma + 1
    return tuple(pairs), positions


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start] in _WHITESPACE:
        start += 1
    return start


def _entry(text: str, start: int, end: int) -> tuple[str, str, int]:
    """Read one ``key=value`` entry from ``text[start:end]``: (key, value, position of the value)."""
    for index in range(start, end):
        if text[index] in "{}":
            raise OvfAddressError(f"unexpected {text[index]!r}", text, index)
    key_start = _skip_space(text, start, end)
    if key_start == end:
        raise OvfAddressError("empty entry (two commas, or a comma at an end)", text, start)
    equals = text.find("=", start, end)
    key_end = end if equals < 0 else equals
    key = text[key_start:key_end].strip(_WHITESPACE)
    if not key:
        raise OvfAddressError("empty key before '='", text, key_start)
    for index in range(key_start, key_start + len(key)):
        if text[index] in _WHITESPACE:
            raise OvfAddressError(f"whitespace inside key {key!r}", text, index)
    if equals < 0:
        return key, "", end
    second = text.find("=", equals + 1, end)
    if second >= 0:
        raise OvfAddressError("a second '=' in one entry", text, second)
    value_start = _skip_space(text, equals + 1, end)
    value = text[value_start:end].strip(_WHITESPACE)
    return key, value, value_start
