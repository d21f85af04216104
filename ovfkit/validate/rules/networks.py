"""N rules: network adapters connect to declared networks and carry usable MAC addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ovfkit.model.cim import ResourceItem
from ovfkit.model.sections import NetworkSection
from ovfkit.validate.context import Context, HardwareItem, extension_nodes
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import rule
from ovfkit.validate.rules._common import describe, q, qs

__all__ = ["mac_bytes"]

_SEPARATED = re.compile(r"[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}", re.ASCII)
_PLAIN = re.compile(r"[0-9A-Fa-f]{12}", re.ASCII)
_DOTTED = re.compile(r"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}", re.ASCII)


def mac_bytes(text: str) -> bytes | None:
    """The bytes of a MAC: ``00:50:56:aa:bb:cc``, ``00-50-56-...``, ``005056aabbcc`` or ``0050.56aa.bbcc``."""
    value = text.strip()
    if _SEPARATED.fullmatch(value) or _PLAIN.fullmatch(value) or _DOTTED.fullmatch(value):
        return bytes.fromhex(re.sub(r"[:.\-]", "", value))
    return None


def _macs(ctx: Context, item: ResourceItem) -> Iterator[tuple[str, str]]:
    """``(leaf local name, MAC text)`` of a NIC: oVirt's MACAddress, else the CIM Address."""
    if ctx.is_ovirt:
        for node in extension_nodes(item, "MACAddress"):
            if node.text.strip():
                yield "MACAddress", node.text.strip()
        return
    if item.address is not None and item.address.strip():
        yield "Address", item.address.strip()


@dataclass(frozen=True, slots=True)
class _Adapters:
    """What the N rules look at, gathered from the network adapters in one pass.

    ``connections`` maps each Connection (stripped) to the ``(adapter, occurrence)`` that name it,
    in document order; ``macs`` lists ``(adapter, leaf, MAC text, its bytes or None)``.
    """

    connections: dict[str, list[tuple[HardwareItem, int]]]
    macs: list[tuple[HardwareItem, str, str, bytes | None]]


def _collect_adapters(ctx: Context) -> _Adapters:
    connections: dict[str, list[tuple[HardwareItem, int]]] = {}
    macs: list[tuple[HardwareItem, str, str, bytes | None]] = []
    is_ovirt = ctx.is_ovirt
    for entry, adapter_connections, address in ctx.adapters:
        for index, connection in enumerate(adapter_connections):
            name = connection.strip()
            uses = connections.get(name)
            if uses is None:
                connections[name] = [(entry, index)]
            else:
                uses.append((entry, index))
        if is_ovirt or address is not None:
            macs.extend((entry, leaf, text, mac_bytes(text)) for leaf, text in _macs(ctx, entry.item))
    return _Adapters(connections, macs)


def _adapters(ctx: Context) -> _Adapters:
    """The network adapters' connections and MAC addresses (gathered once per document)."""
    return ctx.shared("adapters", _collect_adapters)


@rule(
    "N101",
    "undeclared-network",
    Severity.ERROR,
    "A network adapter's Connection names a network the NetworkSection does not declare.",
    scope="standard",
)
def undeclared_network(ctx: Context) -> Iterator[Diagnostic]:
    """rasd:Connection names a Network of the NetworkSection."""
    for name, uses in _adapters(ctx).connections.items():
        if name in ctx.networks:
            continue
        for entry, index in uses:
            if not name:
                yield ctx.emit(
                    "N101",
                    entry.item,
                    f"{describe(entry.item)} has an empty Connection",
                    leaf="Connection",
                    occurrence=index,
                )
            else:
                where = (
                    "the NetworkSection does not declare it"
                    if ctx.has_network_section
                    else "there is no NetworkSection"
                )
                yield ctx.emit(
                    "N101",
                    entry.item,
                    f'{describe(entry.item)} is connected to network "{q(name, 60)}", but {where}',
                    leaf="Connection",
                    occurrence=index,
                )


@rule(
    "N102",
    "malformed-mac",
    Severity.ERROR,
    "A network adapter's MAC address is not six hexadecimal bytes.",
)
def malformed_mac(ctx: Context) -> Iterator[Diagnostic]:
    """MAC addresses are written 00:50:56:aa:bb:cc (or with dashes, or as 12 hex digits)."""
    for entry, leaf, text, mac in _adapters(ctx).macs:
        if mac is None:
            yield ctx.emit(
                "N102",
                entry.item,
                f"{describe(entry.item)} has MAC address {qs(text, 60)}, not six hex bytes",
                leaf=leaf,
            )


@rule(
    "N103",
    "multicast-mac",
    Severity.ERROR,
    "A network adapter's MAC address is a multicast (or broadcast) address, which no adapter may use.",
)
def multicast_mac(ctx: Context) -> Iterator[Diagnostic]:
    """The lowest bit of the first byte marks a group address; an adapter needs an individual one."""
    for entry, leaf, text, mac in _adapters(ctx).macs:
        if mac is not None and mac[0] & 1:
            yield ctx.emit(
                "N103",
                entry.item,
                f"{describe(entry.item)} has multicast MAC address {q(text, 60)}",
                leaf=leaf,
            )


@rule("N104", "zero-mac", Severity.ERROR, "A network adapter's MAC address is 00:00:00:00:00:00.")
def zero_mac(ctx: Context) -> Iterator[Diagnostic]:
    """The all-zero MAC is not an address; leave Address out to let the platform assign one."""
    for entry, leaf, _, mac in _adapters(ctx).macs:
        if mac == bytes(6):
            yield ctx.emit(
                "N104", entry.item, f"{describe(entry.item)} has the all-zero MAC address", leaf=leaf
            )


@rule(
    "N105",
    "duplicate-mac",
    Severity.WARNING,
    "Two network adapters have the same MAC address in the same configuration.",
)
def duplicate_mac(ctx: Context) -> Iterator[Diagnostic]:
    """Each adapter on a network needs its own MAC address."""
    seen: dict[bytes, list[HardwareItem]] = {}
    for entry, leaf, text, mac in _adapters(ctx).macs:
        if mac is None or mac == bytes(6):
            continue
        earlier = seen.setdefault(mac, [])
        for other in earlier:
            both = (
                not other.item.configuration
                or not entry.item.configuration
                or set(other.item.configuration) & set(entry.item.configuration)
            )
            if both and other.item.instance_id != entry.item.instance_id:
                yield ctx.emit(
                    "N105",
                    entry.item,
                    f"{describe(entry.item)} has MAC address {q(text, 60)}, like {describe(other.item)}",
                    leaf=leaf,
                )
                break
        earlier.append(entry)


@rule(
    "N106",
    "unused-network",
    Severity.INFO,
    "A network of the NetworkSection is used by no network adapter.",
    scope="standard",
)
def unused_network(ctx: Context) -> Iterator[Diagnostic]:
    """Declared networks are meant to be connected to; an unused one may be a misspelt Connection."""
    if not ctx.networks:
        return
    used = _adapters(ctx).connections
    for name, network in ctx.networks.items():
        if name not in used:
            yield ctx.emit(
                "N106", network, f'network "{q(name, 60)}" is declared but no adapter connects to it'
            )


@rule(
    "N107",
    "duplicate-network-name",
    Severity.ERROR,
    "Two Networks of the NetworkSection have the same ovf:name.",
)
def duplicate_network_name(ctx: Context) -> Iterator[Diagnostic]:
    """Network names are how adapters refer to networks, so they are unique."""
    seen: set[str] = set()
    for section in ctx.sections_of(NetworkSection):
        assert isinstance(section, NetworkSection)
        for network in section.networks:
            if network.name is None:
                continue
            if network.name in seen:
                yield ctx.emit(
                    "N107", network, f'network "{q(network.name, 60)}" is declared twice', attribute="name"
                )
            seen.add(network.name)
