"""Hypothesis strategies for valid OVF models and documents, and assertions for lossless round trips.

Strategies (each returns a ``hypothesis`` ``SearchStrategy``):

- ``envelopes()``: OVF 1.x and 2.x ``Envelope`` models with References, disks, networks, deployment
  options, products with categories and properties, operating systems, virtual hardware (System,
  Items with any ``ResourceType`` including 0 and vendor values from 32768, OVF 2 StorageItems and
  EthernetPortItems, ``ovf:configuration`` profiles and ``ovf:bound``), nested collections, Strings,
  and vendor extensions (generic ``Node`` trees, comments, processing instructions, vendor
  attributes) in namespaces declared on the Envelope or on the nodes themselves.
- ``environments()``: OVF environment documents (DSP8027).
- Building blocks: ``xml_text()``, ``xml_names()``, ``identifiers()``, ``resource_types()``,
  ``comments()``, ``processing_instructions()``, ``nodes()``, ``messages()``, ``models()``.
- Documents as bytes: ``descriptor_documents()``, ``environment_documents()``, and variants of a
  given document: ``lexical_variants()`` (non-canonical values such as ``02048``, ``True``, `` 5 ``,
  which exist only in a loaded model's ``xml.lexical``) and ``layout_variants()`` (indentation,
  line ends, byte order mark, text between children).
- ``edits(model)``: one change to one field of a loaded model, with where the output may change.

Assertions: ``assert_lossless(data)``, ``assert_round_trips(model)``, ``assert_edit_confined(...)``;
the comparison they use, ``tree_changes(before, after)`` and ``canonical(data)``; and for finding
things by their place in a document, ``located_models(model)``, ``model_at(model, path)`` and
``element_at(root, path)`` (paths are child indexes, as in ``XmlInfo.children``).

This module needs ``hypothesis`` (``pip install 'ovfkit[test]'``). It compares documents with lxml
directly, not through ovfkit's reader, so that it stays an independent witness of what was written.
"""

from __future__ import annotations

import difflib
import functools
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

try:
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy
except ImportError as _missing:  # pragma: no cover - depends on the environment
    raise ImportError(
        "ovfkit.testing needs hypothesis, which ships with the test extra: pip install 'ovfkit[test]'"
    ) from _missing

from lxml import etree

from ovfkit.api import dumps, loads
from ovfkit.model.base import Comment, Node, OvfModel, ProcessingInstruction, XmlInfo
from ovfkit.model.binding import ClassBinding, Codec, FieldSpec, binding_of
from ovfkit.model.cim import EthernetPortItem, Item, StorageItem, System
from ovfkit.model.envelope import (
    CONTENT_CLASSES,
    SECTION_CLASSES,
    Document,
    Envelope,
    File,
    References,
    Strings,
    VirtualSystem,
    VirtualSystemCollection,
)
from ovfkit.model.environment import (
    Entity,
    Environment,
    EnvironmentProperty,
    PlatformSection,
    PropertySection,
)
from ovfkit.model.sections import (
    AnnotationSection,
    BootDeviceSection,
    Configuration,
    DeploymentOptionSection,
    Disk,
    DiskSection,
    EncryptionSection,
    EnvironmentFile,
    EnvironmentFilesSection,
    EulaSection,
    Icon,
    InstallSection,
    InstanceCount,
    Msg,
    Network,
    NetworkSection,
    OperatingSystemSection,
    PlacementGroupSection,
    PlacementSection,
    ProductSection,
    Property,
    PropertyValue,
    ResourceAllocationSection,
    ScaleOutSection,
    Section,
    SharedDisk,
    SharedDiskSection,
    StartupItem,
    StartupSection,
    VirtualHardwareSection,
)
from ovfkit.model.values import ResourceType, parse_bool, parse_int
from ovfkit.namespaces import FAMILY_OF, Ns

__all__ = [
    "EDIT_KINDS",
    "VENDOR_NAMESPACES",
    "Edit",
    "TreeChange",
    "assert_edit_confined",
    "assert_lossless",
    "assert_round_trips",
    "canonical",
    "comments",
    "descriptor_documents",
    "edits",
    "element_at",
    "envelopes",
    "environment_documents",
    "environments",
    "identifiers",
    "layout_variants",
    "lexical_variants",
    "located_models",
    "messages",
    "model_at",
    "models",
    "nodes",
    "processing_instructions",
    "resource_types",
    "tree_changes",
    "xml_names",
    "xml_text",
]

#: Vendor namespaces real OVF writers use, with their usual prefixes.
VENDOR_NAMESPACES: tuple[tuple[str, str], ...] = (
    ("vmw", Ns.VMW.value),
    ("vbox", Ns.VBOX.value),
    ("ovirt", Ns.OVIRT.value),
    ("vcloud", "http://www.vmware.com/vcloud/v1.5"),
    ("xci", "http://www.citrix.com/xenclient/ovf/1"),
    ("gnt", "http://ganeti"),
)

#: The namespace VMware declares for its additions to the OVF environment.
_VMWARE_ENV = "http://www.vmware.com/schema/ovfenv"

#: A namespace scope: (prefix, URI) declarations in force, later ones winning; ``""`` is the default.
Scope = Sequence[tuple[str, str]]

# -- text and names ----------------------------------------------------------------------------------

_NOT_XML = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"
_PRINTABLE = string.ascii_letters + string.digits + " .,:;-_/'\"&<>=!?()[]{}$#@%*+\t\n"
_NAME_START = string.ascii_letters + "_" + "éßØñΩЖא名"
_NAME_REST = _NAME_START + string.digits + "-.·" + "\u0301"
_ID_START = string.ascii_letters + "_"
_ID_REST = _ID_START + string.digits + "-."


@functools.cache
def xml_text(*, min_size: int = 0, max_size: int = 16, carriage_returns: bool = True) -> SearchStrategy[str]:
    """Text XML 1.0 can carry: no C0 controls but tab, LF and CR, no surrogates, no U+FFFE/U+FFFF.

    Mostly printable ASCII (markup characters included: the writer must escape them), sometimes any
    allowed character. ``carriage_returns=False`` leaves out CR, which comments and processing
    instructions cannot carry (a parser turns it into LF, and they have no character references).
    """
    chars = st.characters(codec="utf-8", exclude_characters=_NOT_XML + ("" if carriage_returns else "\r"))
    return st.one_of(
        st.text(_PRINTABLE, min_size=min_size, max_size=max_size),
        st.text(chars, min_size=min_size, max_size=max_size),
    )


def _joined(first: str, rest: str) -> str:
    return first + rest


@functools.cache
def xml_names(max_size: int = 10) -> SearchStrategy[str]:
    """XML names without a colon (NCNames), some non-ASCII, none starting with ``xml``."""
    return st.builds(
        _joined, st.sampled_from(_NAME_START), st.text(_NAME_REST, max_size=max_size - 1)
    ).filter(lambda name: not name.lower().startswith("xml"))


@functools.cache
def identifiers(max_size: int = 10) -> SearchStrategy[str]:
    """ASCII identifiers (``vmdisk1``, ``file-2``) for ids, keys and configuration names."""
    return st.builds(_joined, st.sampled_from(_ID_START), st.text(_ID_REST, max_size=max_size - 1))


@functools.cache
def resource_types() -> SearchStrategy[ResourceType]:
    """CIM ResourceType values: the named ones, 0 (oVirt), other DMTF-reserved ones and vendor ones."""
    return st.one_of(
        st.sampled_from(list(ResourceType)),
        st.just(ResourceType(0)),
        st.integers(34, 0x7FFF).map(ResourceType),
        st.integers(0x8000, 0xFFFF).map(ResourceType),
    )


@functools.cache
def comments() -> SearchStrategy[Comment]:
    """XML comments that can be written: no ``--``, not ending with ``-``, no CR."""
    text = xml_text(carriage_returns=False).filter(lambda t: "--" not in t and not t.endswith("-"))
    return st.builds(Comment, text=text)


@functools.cache
def processing_instructions() -> SearchStrategy[ProcessingInstruction]:
    """Processing instructions with a valid target and data without ``?>`` or leading whitespace."""
    data = xml_text(carriage_returns=False).filter(lambda t: "?>" not in t and t[:1] not in (" ", "\t", "\n"))
    return st.builds(ProcessingInstruction, target=xml_names(), text=data)


def _pick(draw: st.DrawFn, values: Sequence[Any]) -> Any:
    """One of ``values`` (a cheap draw: no strategy is built)."""
    return values[draw(st.integers(0, len(values) - 1))]


def _chance(draw: st.DrawFn, one_in: int) -> bool:
    """True one time in ``one_in``."""
    return bool(draw(st.integers(1, one_in)) == 1)


def _pick_some(draw: st.DrawFn, values: Sequence[Any], max_size: int | None = None) -> list[Any]:
    """A few distinct entries of ``values``, in a drawn order."""
    if not values:
        return []
    limit = len(values) if max_size is None else min(max_size, len(values))
    indexes = draw(st.lists(st.integers(0, len(values) - 1), max_size=limit, unique=True))
    return [values[i] for i in indexes]


# -- namespaces and generic nodes --------------------------------------------------------------------


def _is_foreign(uri: str) -> bool:
    """True for a namespace ovfkit does not type (a vendor's)."""
    return uri not in FAMILY_OF and not uri.startswith("http://schemas.dmtf.org/")


def _foreign_prefixes(scope: dict[str, str]) -> list[str]:
    return sorted(prefix for prefix, uri in scope.items() if _is_foreign(uri))


def nodes(scope: Scope = VENDOR_NAMESPACES, max_depth: int = 2) -> SearchStrategy[Node]:
    """A generic element (vendor extension) whose every prefix is declared in ``scope`` or on itself.

    Sometimes the node declares a namespace itself (a new prefix, a new default namespace, or a
    prefix of ``scope`` rebound to another URI). No URI is ever bound to two prefixes at once.
    Attributes have unique expanded names; the text runs (``gaps``) around the children are laid
    out exactly as the reader records them.
    """
    return _nodes(tuple(scope), max_depth)


@functools.lru_cache(maxsize=1024)
def _nodes(scope: tuple[tuple[str, str], ...], max_depth: int) -> SearchStrategy[Node]:
    return _draw_node(scope, max_depth)


@st.composite
def _draw_node(draw: st.DrawFn, scope: tuple[tuple[str, str], ...], max_depth: int) -> Node:
    in_scope = dict(scope)
    own: list[tuple[str, str]] = []
    if not _foreign_prefixes(in_scope) or _chance(draw, 5):
        rebindable = sorted(p for p in in_scope if p and p != "xml")
        choice = draw(st.integers(0, 2))
        if choice == 0 or (choice == 2 and not rebindable):
            prefix = ""
        elif choice == 1:
            prefix = draw(xml_names(6).filter(lambda p: p not in in_scope))
        else:
            prefix = _pick(draw, rebindable)
        taken = set(in_scope.values())
        known = [uri for _, uri in VENDOR_NAMESPACES if uri not in taken]
        if known and _chance(draw, 2):
            uri = _pick(draw, known)
        else:
            uri = "urn:ovfkit-test:" + draw(
                identifiers().filter(lambda n: "urn:ovfkit-test:" + n not in taken)
            )
        own.append((prefix, uri))
    inner = dict(in_scope)
    inner.update(own)
    prefix = _pick(draw, _foreign_prefixes(inner))
    attributes: list[tuple[str, str]] = []
    seen: set[tuple[str | None, str]] = set()
    attr_prefixes = ["", *sorted(p for p in inner if p and p != "xml")]
    for _ in range(draw(st.integers(0, 3))):
        attr_prefix = _pick(draw, attr_prefixes)
        attr_local = draw(xml_names(6))
        key = (inner[attr_prefix] if attr_prefix else None, attr_local)
        if key not in seen:
            seen.add(key)
            attributes.append(
                (f"{attr_prefix}:{attr_local}" if attr_prefix else attr_local, draw(xml_text()))
            )
    children: list[Node | Comment | ProcessingInstruction] = []
    if max_depth > 0:
        inner_scope = tuple(inner.items())
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.integers(0, 3))
            if kind == 0:
                children.append(draw(comments()))
            elif kind == 1:
                children.append(draw(processing_instructions()))
            else:
                children.append(draw(_nodes(inner_scope, max_depth - 1)))
    if children:
        gaps = [draw(xml_text(max_size=6)) for _ in range(len(children) + 1)]
    else:
        text = draw(xml_text())
        gaps = [text] if text else []
    return Node(
        name=f"{prefix}:{draw(xml_names())}" if prefix else draw(xml_names()),
        namespace=inner[prefix],
        ns=own,
        attributes=attributes,
        children=children,
        gaps=gaps,
    )


@functools.lru_cache(maxsize=256)
def _extensions(
    scope: tuple[tuple[str, str], ...],
) -> SearchStrategy[list[Node | Comment | ProcessingInstruction]]:
    one: SearchStrategy[Node | Comment | ProcessingInstruction] = st.one_of(
        _nodes(scope, 1), comments(), processing_instructions()
    )
    return st.lists(one, min_size=1, max_size=2)


@functools.lru_cache(maxsize=256)
def _vendor_attributes(scope: tuple[tuple[str, str], ...]) -> SearchStrategy[dict[str, str]]:
    prefixes = [p for p in _foreign_prefixes(dict(scope)) if p]
    if not prefixes:
        return st.just({})
    names = st.tuples(st.sampled_from(prefixes), xml_names(8)).map(lambda pair: f"{pair[0]}:{pair[1]}")
    return st.dictionaries(names, xml_text(), min_size=1, max_size=2)


# -- typed models ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What the parts of one generated document share: version, namespaces and the ids to refer to."""

    version: Literal["1.x", "2.x"] = "1.x"
    scope: tuple[tuple[str, str], ...] = ()
    vendor: bool = False
    files: tuple[str, ...] = ()
    disks: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    configurations: tuple[str, ...] = ()


@functools.cache
def _scalar(codec: Codec) -> SearchStrategy[Any]:
    """Values of one simple type, as the model holds them."""
    if codec.name == "integer":
        return st.integers(0, 2**63 - 1)
    if codec.name == "boolean":
        return st.booleans()
    if codec.name == "ResourceType":
        return resource_types()
    if codec.name == "token list":
        return st.lists(identifiers(), min_size=1, max_size=3)
    return xml_text()


def messages(scope: Scope = (), msgid: str | None = None) -> SearchStrategy[Msg]:
    """A localizable message: text, sometimes an ``ovf:msgid`` (always ``msgid`` when given), rarely
    vendor attributes from ``scope``."""
    if msgid is None:
        return _messages(tuple(scope))
    return _messages(tuple(scope)).map(lambda msg: msg.model_copy(update={"msgid": msgid}))


@functools.lru_cache(maxsize=256)
def _messages(scope: tuple[tuple[str, str], ...]) -> SearchStrategy[Msg]:
    return _draw_message(scope)


@st.composite
def _draw_message(draw: st.DrawFn, scope: tuple[tuple[str, str], ...]) -> Msg:
    msgid = draw(identifiers()) if _chance(draw, 4) else None
    attributes = draw(_vendor_attributes(scope)) if _chance(draw, 8) else {}
    return Msg(value=draw(xml_text()), msgid=msgid, attributes=attributes)


@functools.lru_cache(maxsize=1024)
def _generic(
    cls: type[OvfModel], scope: tuple[tuple[str, str], ...], vendor: bool, skip: frozenset[str]
) -> SearchStrategy[dict[str, Any]]:
    """Keyword arguments for ``cls``: a few of its simple fields and messages (none in ``skip``).

    At most ``_MAX_FIELDS`` fields are drawn, so that classes with fifty CIM properties cost little;
    with ``vendor``, one model in six also gets vendor attributes and extensions.
    """
    binding = binding_of(cls)
    fields: dict[str, SearchStrategy[Any]] = {}
    for spec in (*binding.attr_fields, *binding.child_fields):
        if spec.name in skip:
            continue
        if spec.codec is not None:
            value = _scalar(spec.codec)
            fields[spec.name] = st.lists(value, min_size=1, max_size=3) if spec.is_list else value
        elif spec.model is Msg:
            message = _messages(scope)
            fields[spec.name] = st.lists(message, min_size=1, max_size=2) if spec.is_list else message
    extras: dict[str, SearchStrategy[Any]] = {}
    if vendor and "attributes" not in skip and any(_is_foreign(uri) and prefix for prefix, uri in scope):
        extras["attributes"] = _vendor_attributes(scope)
    if vendor and "extensions" not in skip:
        extras["extensions"] = _extensions(scope)
    return _draw_fields(tuple(fields.items()), tuple(extras.items()))


_MAX_FIELDS = 8


@st.composite
def _draw_fields(
    draw: st.DrawFn,
    fields: tuple[tuple[str, SearchStrategy[Any]], ...],
    extras: tuple[tuple[str, SearchStrategy[Any]], ...],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if fields:
        indexes = draw(
            st.lists(st.integers(0, len(fields) - 1), max_size=min(_MAX_FIELDS, len(fields)), unique=True)
        )
        for index in sorted(indexes):
            name, strategy = fields[index]
            values[name] = draw(strategy)
    if extras and _chance(draw, 6):
        for name, strategy in extras:
            if draw(st.booleans()):
                values[name] = draw(strategy)
    return values


def _build(draw: st.DrawFn, cls: type[OvfModel], ctx: _Context, **fields: Any) -> Any:
    """A ``cls`` with ``fields`` as given and any of its other simple fields drawn."""
    values = draw(_generic(cls, ctx.scope, ctx.vendor, frozenset(fields)))
    values.update(fields)
    return cls(**values)


ModelT = TypeVar("ModelT", bound=OvfModel)


def models(cls: type[ModelT], *, scope: Scope = (), vendor: bool = False) -> SearchStrategy[ModelT]:
    """Any model class with a random subset of its simple fields (attributes, leaves, messages) set.

    Child models other than messages are left empty. ``vendor=True`` sometimes adds vendor
    attributes and extensions in the vendor namespaces of ``scope``.
    """
    return _generic(cls, tuple(scope), vendor, frozenset()).map(lambda kwargs: cls(**kwargs))


_ITEM_CLASSES: dict[str, type[Item] | type[StorageItem] | type[EthernetPortItem]] = {
    "Item": Item,
    "StorageItem": StorageItem,
    "EthernetPortItem": EthernetPortItem,
}
_UNITS = ("byte * 2^20", "MegaBytes", "hertz * 10^6", "GB", "byte*1024*1024")


def _item(
    draw: st.DrawFn, cls: type[OvfModel], ctx: _Context, instance_id: str, parents: Sequence[str]
) -> Any:
    hosts = [f"ovf:/disk/{d}" for d in ctx.disks] + [f"ovf:/file/{f}" for f in ctx.files]
    return _build(
        draw,
        cls,
        ctx,
        instance_id=instance_id,
        resource_type=draw(resource_types()),
        configuration=_pick_some(draw, ctx.configurations) if _chance(draw, 3) else [],
        bound=_pick(draw, ("min", "max", "normal")) if _chance(draw, 4) else None,
        parent=_pick(draw, parents) if parents and _chance(draw, 2) else None,
        host_resource=_pick_some(draw, hosts, 2),
        connection=_pick_some(draw, ctx.networks, 2),
        allocation_units=_pick(draw, _UNITS) if _chance(draw, 3) else None,
    )


def _virtual_hardware(draw: st.DrawFn, ctx: _Context, index: int) -> VirtualHardwareSection:
    kinds = ["Item"] + (["StorageItem", "EthernetPortItem"] if ctx.version == "2.x" else [])
    found: dict[str, list[Any]] = {name: [] for name in _ITEM_CLASSES}
    ids: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        kind = _pick(draw, kinds)
        instance_id = str(len(ids) + 1)
        found[kind].append(_item(draw, _ITEM_CLASSES[kind], ctx, instance_id, ids))
        ids.append(instance_id)
    system = None
    if not _chance(draw, 5):
        system = _build(
            draw, System, ctx, virtual_system_type=_pick(draw, ("vmx-13", "virtualbox-2.2", "xen-3"))
        )
    return _build(  # type: ignore[no-any-return]
        draw,
        VirtualHardwareSection,
        ctx,
        info=draw(_messages(ctx.scope)),
        id=f"hw{index}" if index else None,
        transport=_pick(draw, ("iso", "com.vmware.guestInfo", "iso com.vmware.guestInfo"))
        if _chance(draw, 4)
        else None,
        system=system,
        items=found["Item"],
        storage_items=found["StorageItem"],
        ethernet_port_items=found["EthernetPortItem"],
    )


_PROPERTY_TYPES = ("string", "int", "boolean", "real", "ip", "password", "string(1..64)", "uint16")


def _product(draw: st.DrawFn, ctx: _Context) -> ProductSection:
    properties = []
    for key in draw(st.lists(identifiers(), max_size=4, unique=True)):
        values = []
        for configuration in _pick_some(draw, ctx.configurations, 2):
            values.append(_build(draw, PropertyValue, ctx, configuration=configuration))
        properties.append(
            _build(draw, Property, ctx, key=key, type=_pick(draw, _PROPERTY_TYPES), values=values)
        )
    icons = [_build(draw, Icon, ctx, mime_type="image/png") for _ in range(draw(st.integers(0, 1)))]
    categories = draw(st.lists(_messages(ctx.scope), max_size=2))
    return _build(  # type: ignore[no-any-return]
        draw,
        ProductSection,
        ctx,
        info=draw(_messages(ctx.scope)),
        properties=properties,
        icons=icons,
        categories=categories,
    )


def _section(draw: st.DrawFn, cls: type[Section], ctx: _Context, **fields: Any) -> Any:
    fields.setdefault("info", draw(_messages(ctx.scope)))
    return _build(draw, cls, ctx, **fields)


def _system_sections(draw: st.DrawFn, ctx: _Context) -> list[Any]:
    """The sections of one VirtualSystem, in the order real files use."""
    sections: list[Any] = []
    if draw(st.booleans()):
        sections.append(_section(draw, OperatingSystemSection, ctx, id=draw(st.integers(0, 120))))
    for index in range(draw(st.integers(1, 2))):
        sections.append(_virtual_hardware(draw, ctx, index))
    for _ in range(draw(st.integers(0, 2))):
        sections.append(_product(draw, ctx))
    if _chance(draw, 4):
        sections.append(_section(draw, EulaSection, ctx, license=draw(_messages(ctx.scope))))
    if _chance(draw, 4):
        sections.append(_section(draw, AnnotationSection, ctx, annotation=draw(_messages(ctx.scope))))
    if _chance(draw, 4):
        sections.append(_section(draw, InstallSection, ctx))
    if ctx.version == "2.x":
        if _chance(draw, 4):
            files = [_build(draw, EnvironmentFile, ctx, file_ref=f) for f in _pick_some(draw, ctx.files, 2)]
            sections.append(_section(draw, EnvironmentFilesSection, ctx, files=files))
        if _chance(draw, 4):
            boot = draw(_extensions(ctx.scope)) if ctx.vendor else []
            sections.append(_section(draw, BootDeviceSection, ctx, extensions=boot))
        if _chance(draw, 4):
            sections.append(_section(draw, PlacementSection, ctx, group=draw(identifiers())))
    return sections


def _collection_sections(draw: st.DrawFn, ctx: _Context, children: Sequence[str]) -> list[Any]:
    sections: list[Any] = []
    if children and _chance(draw, 2):
        startup = [
            _build(draw, StartupItem, ctx, id=child, order=draw(st.integers(0, 10)))
            for child in _pick_some(draw, children)
        ]
        sections.append(_section(draw, StartupSection, ctx, items=startup))
    if _chance(draw, 4):
        items = [_item(draw, Item, ctx, "1", ())]
        sections.append(_section(draw, ResourceAllocationSection, ctx, items=items))
    if ctx.version == "2.x" and _chance(draw, 4):
        counts = [_build(draw, InstanceCount, ctx)]
        sections.append(_section(draw, ScaleOutSection, ctx, id=draw(identifiers()), instance_counts=counts))
    if _chance(draw, 2):
        sections.append(_product(draw, ctx))
    return sections


def _contents(
    draw: st.DrawFn, ctx: _Context, ident: str, depth: int
) -> VirtualSystem | VirtualSystemCollection:
    info = draw(_messages(ctx.scope))
    name = draw(_messages(ctx.scope)) if _chance(draw, 2) else None
    if depth > 0 and _chance(draw, 3):
        contents = [_contents(draw, ctx, f"{ident}-{n}", depth - 1) for n in range(draw(st.integers(1, 3)))]
        sections = _collection_sections(draw, ctx, [c.id for c in contents if c.id])
        return _build(  # type: ignore[no-any-return]
            draw,
            VirtualSystemCollection,
            ctx,
            id=ident,
            info=info,
            name=name,
            sections=sections,
            contents=contents,
        )
    sections = _system_sections(draw, ctx)
    return _build(draw, VirtualSystem, ctx, id=ident, info=info, name=name, sections=sections)  # type: ignore[no-any-return]


_FORMAT = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"


def _envelope_sections(draw: st.DrawFn, ctx: _Context) -> list[Any]:
    sections: list[Any] = []
    if ctx.disks:
        disks = [
            _build(
                draw,
                Disk,
                ctx,
                disk_id=disk,
                file_ref=_pick(draw, ctx.files) if ctx.files and not _chance(draw, 4) else None,
                capacity=str(draw(st.integers(1, 2**44))) if not _chance(draw, 5) else "${disk.size}",
                capacity_allocation_units=_pick(draw, ("byte", "byte * 2^30", "GigaBytes"))
                if _chance(draw, 2)
                else None,
                format=_FORMAT,
            )
            for disk in ctx.disks
        ]
        sections.append(_section(draw, DiskSection, ctx, disks=disks))
    if ctx.networks:
        networks = [_build(draw, Network, ctx, name=name) for name in ctx.networks]
        sections.append(_section(draw, NetworkSection, ctx, networks=networks))
    if ctx.configurations:
        default = _pick(draw, ctx.configurations)
        configurations = [
            _build(
                draw,
                Configuration,
                ctx,
                id=name,
                default=True if name == default else None,
                label=draw(_messages(ctx.scope)),
                description=draw(_messages(ctx.scope)),
            )
            for name in ctx.configurations
        ]
        sections.append(_section(draw, DeploymentOptionSection, ctx, configurations=configurations))
    if ctx.version == "2.x":
        if _chance(draw, 4):
            shared = [
                _build(draw, SharedDisk, ctx, disk_id=draw(identifiers()))
                for _ in range(draw(st.integers(1, 2)))
            ]
            sections.append(_section(draw, SharedDiskSection, ctx, shared_disks=shared))
        if _chance(draw, 4):
            policy = _pick(draw, ("affinity", "availability", "affinity availability"))
            sections.append(_section(draw, PlacementGroupSection, ctx, id=draw(identifiers()), policy=policy))
        if ctx.vendor and _chance(draw, 6):
            sections.append(_section(draw, EncryptionSection, ctx, extensions=draw(_extensions(ctx.scope))))
    return sections


_DECLARATIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<?xml version='1.0' encoding='utf-8'?>",
    '<?xml version="1.0"?>',
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
)


def _document(draw: st.DrawFn) -> Document:
    """The bytes around the root, in the form the reader records them."""
    declaration = _pick(draw, _DECLARATIONS) if not _chance(draw, 4) else None
    prolog: list[Any] = []
    if declaration is not None:
        prolog.append("\n")
    for _ in range(draw(st.integers(0, 2))):
        extra = draw(comments()) if draw(st.booleans()) else draw(processing_instructions())
        prolog.extend([extra, "\n"])
    epilog: list[Any] = []
    if _chance(draw, 3):
        epilog.extend(["\n", draw(comments())])
    epilog.append("\n")
    return Document(declaration=declaration, bom=_chance(draw, 6), prolog=prolog, epilog=epilog)


def _ids(draw: st.DrawFn, max_size: int = 3) -> tuple[str, ...]:
    return tuple(draw(st.lists(identifiers(), max_size=max_size, unique=True)))


@st.composite
def envelopes(
    draw: st.DrawFn,
    version: Literal["1.x", "2.x"] | None = None,
    *,
    vendor: bool = True,
    max_depth: int = 2,
) -> Envelope:
    """A valid OVF descriptor model (not read from a document: no layout, so the writer lays it out).

    ``version`` picks OVF 1.x or 2.x (either when None); ``vendor=False`` leaves out vendor
    extensions and attributes; ``max_depth`` bounds how deep VirtualSystemCollections nest. The
    Envelope's ``xml`` holds only its name and namespace declarations (the version's OVF namespace
    as the default namespace or as ``ovf:`` only, CIM namespaces, and some vendor namespaces):
    that is how a new model declares the namespaces its content uses. A CIM namespace is sometimes
    left undeclared, so that the writer declares it on each element that uses it.
    """
    chosen: Literal["1.x", "2.x"] = version or _pick(draw, ("1.x", "2.x"))
    uri = Ns.OVF2.value if chosen == "2.x" else Ns.OVF1.value
    bare = draw(st.booleans())
    decls: list[tuple[str, str]] = [("", uri)] if bare else []
    decls.append(("ovf", uri))
    for ns in [Ns.RASD, Ns.VSSD, Ns.XSI] + ([Ns.SASD, Ns.EPASD] if chosen == "2.x" else []):
        if not _chance(draw, 5):  # else the writer declares it where it is used
            decls.append((ns.prefix, ns.value))
    if vendor:
        decls.extend(_pick_some(draw, VENDOR_NAMESPACES, 3))
    ctx = _Context(
        version=chosen,
        scope=tuple(decls),
        vendor=vendor,
        files=_ids(draw),
        disks=_ids(draw),
        networks=_ids(draw),
        configurations=_ids(draw),
    )
    references = None
    if ctx.files or _chance(draw, 2):
        files = [_build(draw, File, ctx, id=name, href=name + ".vmdk") for name in ctx.files]
        references = References(files=files)
    strings = []
    for _ in range(draw(st.integers(0, 2))):
        msgids = draw(st.lists(identifiers(), max_size=3, unique=True))
        texts = [draw(messages(ctx.scope, msgid=m)) for m in msgids]
        strings.append(
            _build(
                draw, Strings, ctx, lang=_pick(draw, ("en-US", "de-DE", "fr")), file_ref=None, messages=texts
            )
        )
    attributes: dict[str, str] = {}
    extensions: list[Any] = []
    if vendor:
        if _chance(draw, 3):
            attributes.update(draw(_vendor_attributes(ctx.scope)))
        if _chance(draw, 3):
            extensions = draw(_extensions(ctx.scope))
    if ("xsi", Ns.XSI.value) in decls and draw(st.booleans()):
        attributes["xsi:schemaLocation"] = f"{uri} {uri}/dsp8023.xsd"
    return Envelope(
        version=_pick(draw, ("2.0", "2.1") if chosen == "2.x" else ("1.0", "1.1")),
        lang=_pick(draw, ("en-US", "de-DE")) if _chance(draw, 2) else None,
        references=references,
        sections=_envelope_sections(draw, ctx),
        content=_contents(draw, ctx, "vm", max_depth),
        strings=strings,
        attributes=attributes,
        extensions=extensions,
        document=_document(draw),
        xml=XmlInfo(name="Envelope" if bare else "ovf:Envelope", ns=decls, gaps=["\n"]),
    )


@st.composite
def environments(draw: st.DrawFn, *, vendor: bool = True) -> Environment:
    """A valid OVF environment document model (DSP8027): platform, properties and other entities."""
    bare = draw(st.booleans())
    decls: list[tuple[str, str]] = [("", Ns.ENV.value)] if bare else []
    decls.append(("oe", Ns.ENV.value))
    if draw(st.booleans()):
        decls.append(("xsi", Ns.XSI.value))
    if vendor and draw(st.booleans()):
        decls.append(("ve", _VMWARE_ENV))
    ctx = _Context(scope=tuple(decls), vendor=vendor)

    def platform() -> PlatformSection:
        timezone = draw(st.integers(-720, 840)) if _chance(draw, 2) else None
        return _build(draw, PlatformSection, ctx, timezone=timezone)  # type: ignore[no-any-return]

    def properties() -> PropertySection:
        found = [_build(draw, EnvironmentProperty, ctx, key=key) for key in _ids(draw, 4)]
        return _build(draw, PropertySection, ctx, properties=found)  # type: ignore[no-any-return]

    entities = [
        _build(
            draw,
            Entity,
            ctx,
            id=ident,
            platform=platform() if _chance(draw, 2) else None,
            property_section=properties(),
        )
        for ident in _ids(draw, 2)
    ]
    return _build(  # type: ignore[no-any-return]
        draw,
        Environment,
        ctx,
        id=draw(identifiers()),
        platform=platform(),
        property_section=properties(),
        entities=entities,
        document=_document(draw),
        xml=XmlInfo(name="Environment" if bare else "oe:Environment", ns=decls, gaps=["\n"]),
    )


# -- documents and their variants --------------------------------------------------------------------


def _parser(encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False, encoding=encoding
    )


def _parse(data: bytes) -> etree._Element:
    """Parse a document for comparison; a declared encoding the bytes contradict is overridden."""
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as first:
        body = data[3:] if data[:3] == b"\xef\xbb\xbf" else data
        try:
            return etree.fromstring(body, _parser("utf-8"))
        except etree.XMLSyntaxError:
            raise AssertionError(f"not well-formed XML: {first}") from None


def canonical(data: bytes | etree._Element) -> bytes:
    """The C14N 1.0 form of a document, comments kept (prefixes are part of it)."""
    root = _parse(data) if isinstance(data, bytes) else data
    return etree.tostring(root.getroottree(), method="c14n", with_comments=True)


def _attributes(el: etree._Element) -> list[tuple[str, str]]:
    """An element's attributes in document order (lxml gives str for both)."""
    return [(str(name), str(value)) for name, value in el.attrib.items()]


def _names(root: etree._Element) -> list[tuple[str | None, str, list[str]]]:
    """(prefix, tag, attribute names in order) of every element."""
    return [
        (el.prefix, el.tag, [name for name, _ in _attributes(el)])
        for el in root.iter()
        if isinstance(el.tag, str)
    ]


def _declared(el: etree._Element) -> list[tuple[str | None, str]]:
    """The namespace declarations an element adds to its parent's scope."""
    parent = el.getparent()
    inherited = parent.nsmap if parent is not None else {}
    return sorted(
        ((p, u) for p, u in el.nsmap.items() if inherited.get(p) != u),
        key=lambda pair: (pair[0] or "", pair[1]),
    )


def _prolog(data: bytes) -> bytes:
    """The bytes before the root start tag (BOM, declaration, comments, PIs, whitespace).

    Only meaningful for ASCII-compatible encodings.
    """
    pos = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    while True:
        while data[pos : pos + 1] in (b" ", b"\t", b"\r", b"\n"):
            pos += 1
        if data.startswith(b"<?", pos):
            pos = data.index(b"?>", pos) + 2
        elif data.startswith(b"<!--", pos):
            pos = data.index(b"-->", pos) + 3
        else:
            return data[:pos]


def assert_lossless(data: bytes) -> Envelope | Environment:
    """Load, dump and check that nothing was lost; return the loaded model.

    The output must be C14N-equal to the input with comments kept, have the same prefix on every
    element, the same attribute order, the same namespace declarations on the same elements, and
    (for ASCII-compatible encodings) the same bytes before the root element. Comments and PIs after
    the root are compared through C14N, which ignores the whitespace between them.
    """
    model = loads(data)
    out = dumps(model)
    before, after = _parse(data), _parse(out)
    assert canonical(after) == canonical(before), "the output is not C14N-equal to the input"
    assert _names(after) == _names(before), "element prefixes or attribute order changed"
    declared_before = [_declared(el) for el in before.iter() if isinstance(el.tag, str)]
    declared_after = [_declared(el) for el in after.iter() if isinstance(el.tag, str)]
    assert declared_after == declared_before, "namespace declarations moved"
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff") and out[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        assert _prolog(out) == _prolog(data), "the bytes before the root element changed"
    return model


def assert_round_trips(model: Envelope | Environment) -> bytes:
    """Check ``loads(dumps(m)) == m`` and ``dumps(loads(dumps(m))) == dumps(m)``; return the bytes."""
    data = dumps(model)
    again = loads(data)
    assert again == model, "loads(dumps(model)) differs from the model"
    assert dumps(again) == data, "dumps(loads(dumps(model))) differs from dumps(model)"
    return data


def descriptor_documents(
    version: Literal["1.x", "2.x"] | None = None, *, vendor: bool = True
) -> SearchStrategy[bytes]:
    """Descriptor documents: generated Envelopes written out, with non-canonical values and layouts.

    The arguments are those of ``envelopes()``.
    """
    written = envelopes(version, vendor=vendor).map(dumps)
    return written.flatmap(lambda data: lexical_variants(data)).flatmap(lambda data: layout_variants(data))


def environment_documents(*, vendor: bool = True) -> SearchStrategy[bytes]:
    """OVF environment documents: generated Environments written out, in several layouts."""
    return environments(vendor=vendor).map(dumps).flatmap(lambda data: layout_variants(data))


# -- non-canonical lexical forms ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """A typed simple value in a parsed document: an element's text or one of its attributes."""

    element: etree._Element
    attribute: str | None
    codec: Codec
    text: str


def _family(uri: str | None) -> str | None:
    if uri is not None and uri.startswith("http://schemas.dmtf.org/ovf/envelope"):
        return "ovf"
    return FAMILY_OF.get(uri)


def _split(clark: str) -> tuple[str | None, str]:
    if clark[:1] == "{":
        uri, local = clark[1:].split("}", 1)
        return uri, local
    return None, clark


def _typed_child(binding: ClassBinding, el: etree._Element) -> tuple[FieldSpec | None, type[OvfModel] | None]:
    """The field a child element reads into (and its class for sections and content), as the reader does."""
    uri, local = _split(el.tag)
    family = _family(uri)
    spec = binding.children.get((family, local))
    if spec is not None or family != "ovf":
        return spec, spec.model if spec is not None else None
    xsi_type = (el.get("{" + Ns.XSI.value + "}type") or "").rpartition(":")[2].strip()
    named = xsi_type[:-5] if xsi_type.endswith("_Type") else ""
    if binding.sections is not None:
        if local in SECTION_CLASSES:
            return binding.sections, SECTION_CLASSES[local]
        if local == "Section" and named in SECTION_CLASSES:
            return binding.sections, SECTION_CLASSES[named]
    if binding.content is not None:
        if local in CONTENT_CLASSES:
            return binding.content, CONTENT_CLASSES[local]
        if local == "Content" and named in CONTENT_CLASSES:
            return binding.content, CONTENT_CLASSES[named]
    return None, None


def _parses(codec: Codec, text: str) -> bool:
    return codec.name == "token list" or codec.parse(text) is not None


def _slots(el: etree._Element, binding: ClassBinding, found: list[_Slot]) -> None:
    """Collect the typed non-string values of an element and its typed descendants."""
    done: set[str] = set()
    for clark, value in _attributes(el):
        uri, local = _split(clark)
        spec = binding.attrs.get((_family(uri), local))
        if spec is None or spec.name in done:
            continue
        done.add(spec.name)
        assert spec.codec is not None
        if not spec.codec.exact and _parses(spec.codec, value):
            found.append(_Slot(el, clark, spec.codec, value))
    seen: set[str] = set()
    for child in el:
        if not isinstance(child.tag, str):
            continue
        spec, cls = _typed_child(binding, child)
        if spec is None or (not spec.is_list and spec.name in seen):
            continue
        if spec.codec is not None:
            if len(child):
                continue
            text = child.text or ""
            if spec.is_list and not _parses(spec.codec, text):
                continue
            seen.add(spec.name)
            if not spec.codec.exact and _parses(spec.codec, text):
                found.append(_Slot(child, None, spec.codec, text))
            continue
        seen.add(spec.name)
        assert cls is not None
        _slots(child, binding_of(cls), found)


_SPACE = st.sampled_from(("", "", " ", "  ", "\t", "\n", " \n "))


@st.composite
def _variant(draw: st.DrawFn, codec: Codec, text: str) -> str:
    """Another lexical form of the same value (it may come out equal to ``text``)."""
    before, after = draw(_SPACE), draw(_SPACE)
    if codec.name == "boolean":
        value = parse_bool(text)
        forms = ("true", "True", "TRUE", "1") if value else ("false", "False", "FALSE", "0")
        return before + draw(st.sampled_from(forms)) + after
    if codec.name == "token list":
        separators = st.lists(
            st.sampled_from((" ", "  ", "\t", "\n")), min_size=len(text.split()), max_size=len(text.split())
        )
        joined = "".join(token + gap for token, gap in zip(text.split(), draw(separators), strict=True))
        return before + joined
    number = parse_int(text)
    assert number is not None
    sign = "-" if number < 0 else draw(st.sampled_from(("", "+")) if codec.name == "integer" else st.just(""))
    zeros = "0" * draw(st.integers(0, 3))
    return before + sign + zeros + str(abs(number)) + after


_UNTYPEABLE = {
    "integer": ("${count}", "", "12.0", "0x10", "1_000", "١٢"),
    "ResourceType": ("${type}", "", "-1", "65536", "disk"),
    "boolean": ("yes", "", "${flag}", "2"),
}


def _root_binding(root: etree._Element) -> ClassBinding:
    local = _split(root.tag)[1]
    return binding_of(Environment if local == "Environment" else Envelope)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)


@st.composite
def lexical_variants(draw: st.DrawFn, data: bytes, *, untypeable: bool = False) -> bytes:
    """The document with some typed values written in other lexical forms of the same value.

    Integers get leading zeros, a ``+`` sign or surrounding whitespace (``02048``, ``+5``, `` 5 ``),
    booleans ``True``, ``FALSE``, ``1`` or ``0``, ``ovf:configuration`` lists other whitespace; the
    model read from the result equals the one read from ``data``, and only ``xml.lexical`` tells
    them apart. ``untypeable=True`` also writes values that are no value of their type at all
    (``${count}``, ``12.0``, an empty element), as real files do; these read as None.
    """
    root = _parse(data)
    found: list[_Slot] = []
    _slots(root, _root_binding(root), found)
    if not found:
        return data
    chosen = draw(
        st.lists(st.integers(0, len(found) - 1), min_size=1, max_size=min(6, len(found)), unique=True)
    )
    for index in chosen:
        slot = found[index]
        bad = _UNTYPEABLE.get(slot.codec.name, ())
        if untypeable and bad and draw(st.booleans()):
            text = draw(st.sampled_from(bad))
        else:
            text = draw(_variant(slot.codec, slot.text))
        if slot.attribute is None:
            slot.element.text = text
        else:
            slot.element.set(slot.attribute, text)
    return _serialize(root)


def _relayout(el: etree._Element, indent: str | None, depth: int) -> None:
    """Re-indent whitespace-only text between children (None: remove it), leaving mixed content alone."""
    children = list(el)
    if not children:
        return
    gaps = [el.text, *(c.tail for c in children)]
    if all(g is None or not g.strip(" \t\r\n") for g in gaps):
        inner = None if indent is None else "\n" + indent * (depth + 1)
        el.text = inner
        for child in children:
            child.tail = inner
        children[-1].tail = None if indent is None else "\n" + indent * depth
    for child in children:
        if isinstance(child.tag, str):
            _relayout(child, indent, depth + 1)


@st.composite
def layout_variants(draw: st.DrawFn, data: bytes, *, mixed_text: bool = False) -> bytes:
    """The same document laid out differently: indentation, no whitespace at all, CRLF, a BOM.

    With ``mixed_text=True``, some runs of whitespace between child elements also become text
    (markup characters included), as in hand-edited files; that changes messages, not structure.
    """
    choice = draw(st.sampled_from(("same", "  ", "    ", "\t", " ", "compact")))
    result = data
    if choice != "same" or mixed_text:
        root = _parse(data)
        if choice != "same":
            _relayout(root, None if choice == "compact" else choice, 0)
        if mixed_text:
            parents = [el for el in root.iter() if isinstance(el.tag, str) and len(el)]
            for parent in _pick_some(draw, parents, 3):
                children = list(parent)
                index = draw(st.integers(0, len(children)))
                text = draw(xml_text(min_size=1, max_size=8, carriage_returns=False))
                if index == 0:
                    parent.text = text
                else:
                    children[index - 1].tail = text
        result = _serialize(root)
    if _chance(draw, 5):
        result = result.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if result[:3] != b"\xef\xbb\xbf" and _chance(draw, 6):
        result = b"\xef\xbb\xbf" + result
    return result


# -- tree comparison ---------------------------------------------------------------------------------

Aspect = Literal["name", "namespaces", "attributes", "text", "node", "inserted", "removed", "gaps"]


@dataclass(frozen=True, order=True)
class TreeChange:
    """One difference between two documents.

    ``path`` gives child indexes from the root (comments and processing instructions count, text
    does not: the indexes of ``XmlInfo.children``). ``aspect`` is what differs there: the element's
    ``name`` (prefix or tag), the ``namespaces`` it declares, its ``attributes`` (names, order,
    values), its ``text`` (a leaf's text, or the text before its first child), a comment's or
    PI's content (``node``), a child ``inserted`` at ``path`` (index in the new document) or
    ``removed`` from it (index in the old), or the whitespace between an element's children
    (``gaps``, reported on the parent).
    """

    path: tuple[int, ...]
    aspect: Aspect


def element_at(root: etree._Element, path: Sequence[int]) -> etree._Element:
    """The node at a child-index path (see ``TreeChange``)."""
    node = root
    for index in path:
        node = list(node)[index]
    return node


def _signature(node: etree._Element) -> bytes:
    if isinstance(node.tag, str):
        return etree.tostring(node, method="c14n", with_comments=True, with_tail=False)
    return etree.tostring(node, with_tail=False)


def _gaps(el: etree._Element) -> list[str]:
    return [el.text or "", *((c.tail or "") for c in el)]


def _diff(a: etree._Element, b: etree._Element, path: tuple[int, ...], out: list[TreeChange]) -> None:
    if not isinstance(a.tag, str) or not isinstance(b.tag, str):
        if _signature(a) != _signature(b):
            out.append(TreeChange(path, "node"))
        return
    if (a.prefix, a.tag) != (b.prefix, b.tag):
        out.append(TreeChange(path, "name"))
    if _declared(a) != _declared(b):
        out.append(TreeChange(path, "namespaces"))
    if _attributes(a) != _attributes(b):
        out.append(TreeChange(path, "attributes"))
    left, right = list(a), list(b)
    if not left and not right:
        if (a.text or "") != (b.text or ""):
            out.append(TreeChange(path, "text"))
        return
    if len(left) == len(right):
        if _gaps(a) != _gaps(b):
            out.append(TreeChange(path, "gaps" if left else "text"))
        for index, (x, y) in enumerate(zip(left, right, strict=True)):
            _diff(x, y, (*path, index), out)
        return
    matcher = difflib.SequenceMatcher(
        None, [_signature(x) for x in left], [_signature(y) for y in right], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for offset in range(i2 - i1):
                _diff(left[i1 + offset], right[j1 + offset], (*path, j1 + offset), out)
            continue
        out.extend(TreeChange((*path, i), "removed") for i in range(i1, i2))
        out.extend(TreeChange((*path, j), "inserted") for j in range(j1, j2))
    if not _gaps_follow(_gaps(a), _gaps(b)):
        out.append(TreeChange(path, "gaps"))


def _gaps_follow(before: list[str], after: list[str]) -> bool:
    """Whether the whitespace between children changed only as one insertion or removal must.

    One child more: the old runs with one run added, equal to a run beside it (the new child is
    indented like its neighbours); into an element that had no children, any whitespace. One child
    fewer: the old runs with one taken away.
    """
    if len(after) == len(before) + 1:
        if len(before) == 1 and not before[0].strip(" \t\r\n"):
            return not "".join(after).strip(" \t\r\n")
        for k in range(len(after)):
            beside = after[k - 1 : k] + after[k + 1 : k + 2]
            if after[:k] + after[k + 1 :] == before and after[k] in beside:
                return True
        return False
    if len(after) + 1 == len(before):
        return any(before[:k] + before[k + 1 :] == after for k in range(len(before)))
    return False


def tree_changes(before: bytes, after: bytes) -> list[TreeChange]:
    """Every difference between two documents' element trees, outermost first.

    Children are aligned by their canonical form, so one inserted or removed child shows as one
    ``inserted`` or ``removed`` change (plus ``gaps`` on the parent when the whitespace between the
    remaining children is not the old whitespace with one run added or taken away).
    """
    out: list[TreeChange] = []
    _diff(_parse(before), _parse(after), (), out)
    return sorted(out)


# -- edits -------------------------------------------------------------------------------------------

EditKind = Literal["attributes", "text", "inserted", "removed"]


class Edit:
    """One change to one field of one model of a loaded tree, and where the output may change.

    ``apply()`` sets ``target.<field> = value``. ``path`` and ``kind`` say what the written document
    may differ in: for ``attributes`` and ``text``, only that element's attributes (and namespace
    declarations) or text; for ``inserted``, one new child of the element at ``path``; for
    ``removed``, the child at ``path`` is gone. ``model_path`` is the path of ``target``'s own
    element (see ``model_at``).
    """

    __slots__ = ("description", "field", "kind", "model_path", "path", "target", "value")

    def __init__(
        self,
        target: OvfModel,
        field: str,
        value: Any,
        path: tuple[int, ...],
        kind: EditKind,
        description: str,
        model_path: tuple[int, ...],
    ) -> None:
        self.target = target
        self.field = field
        self.value = value
        self.path = path
        self.kind: EditKind = kind
        self.description = description
        self.model_path = model_path

    def apply(self) -> None:
        """Make the change on the model."""
        setattr(self.target, self.field, self.value)

    def __repr__(self) -> str:
        shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"<Edit {self.description} = {shown}: {self.kind} at {list(self.path)}>"


@dataclass
class _Located:
    """A model with the child-index path of its element, and where each leaf field's elements are."""

    model: OvfModel
    path: tuple[int, ...]
    leaves: dict[str, list[int]] = field(default_factory=dict)
    children: dict[str, list[int]] = field(default_factory=dict)
    extensions: list[int] = field(default_factory=list)


def _spec_for_entry(binding: ClassBinding, by_local: dict[str, FieldSpec], entry: str) -> FieldSpec | None:
    local = entry.rpartition(":")[2]
    spec = by_local.get(local)
    if spec is not None:
        return spec
    if binding.sections is not None and local.endswith("Section"):
        return binding.sections
    if binding.content is not None and local in ("Content", "VirtualSystem", "VirtualSystemCollection"):
        return binding.content
    return None


def _locate(model: OvfModel, path: tuple[int, ...]) -> Iterator[_Located]:
    """Every model read from a document, with the path of its element, root first."""
    located = _Located(model, path)
    info = model.xml
    if info is None:
        yield located
        return
    binding = binding_of(type(model))
    by_local = {local: spec for (_, local), spec in binding.children.items()}
    taken: dict[str, int] = {}
    data = model.__dict__
    below: list[Iterator[_Located]] = []
    for index, entry in enumerate(info.children):
        if entry == "*":
            located.extensions.append(index)
            continue
        spec = _spec_for_entry(binding, by_local, entry)
        if spec is None:
            continue
        position = taken.get(spec.name, 0)
        taken[spec.name] = position + 1
        value = data[spec.name]
        if spec.is_list:
            value = value[position] if position < len(value) else None
        elif position:
            value = None
        if spec.codec is not None:
            located.leaves.setdefault(spec.name, []).append(index)
        else:
            located.children.setdefault(spec.name, []).append(index)
            if isinstance(value, OvfModel):
                below.append(_locate(value, (*path, index)))
    yield located  # complete now: its leaves and children are placed
    for found in below:
        yield from found


def located_models(model: OvfModel) -> Iterator[tuple[OvfModel, tuple[int, ...]]]:
    """Every model of a tree read from a document with the child-index path of its element, root first."""
    for located in _locate(model, ()):
        yield located.model, located.path


def model_at(model: OvfModel, path: Sequence[int]) -> OvfModel:
    """The model of a tree read from a document whose element is at ``path``."""
    wanted = tuple(path)
    for found, where in located_models(model):
        if where == wanted:
            return found
    raise LookupError(f"no typed element at {list(wanted)}")


@st.composite
def _new_item(draw: st.DrawFn, cls: type[OvfModel]) -> Any:
    return _item(draw, cls, _Context(), "999", ())


@functools.cache
def _new_child(cls: type[OvfModel]) -> SearchStrategy[Any]:
    """A small new model of a class, to append to a list."""
    if cls in (Item, StorageItem, EthernetPortItem):
        return _new_item(cls)
    if cls is Msg:
        return _messages(())
    return models(cls)


def _other_than(values: SearchStrategy[Any], old: Any) -> SearchStrategy[Any]:
    """Values of a strategy that differ from ``old``."""

    def differs(value: Any) -> bool:
        return bool(value != old)

    return values.filter(differs)


def _appended_to(current: list[Any]) -> Callable[[Any], list[Any]]:
    def append(value: Any) -> list[Any]:
        return [*current, value]

    return append


def _with_entry(current: dict[str, str], key: str) -> Callable[[str], dict[str, str]]:
    def replace(value: str) -> dict[str, str]:
        return {**current, key: value}

    return replace


def _edits_of(located: _Located) -> Iterator[tuple[EditKind, SearchStrategy[Edit]]]:
    """(kind, strategy) for every edit one located model allows."""
    model = located.model
    path = located.path
    binding = binding_of(type(model))
    data = model.__dict__
    name = type(model).__name__

    def change(
        field_name: str, kind: EditKind, where: tuple[int, ...], values: SearchStrategy[Any], what: str
    ) -> tuple[EditKind, SearchStrategy[Edit]]:
        def make(value: Any) -> Edit:
            return Edit(model, field_name, value, where, kind, f"{name}.{field_name} {what}", path)

        return kind, values.map(make)

    def removal(field_name: str, rest: Any, where: tuple[int, ...]) -> tuple[EditKind, SearchStrategy[Edit]]:
        return change(field_name, "removed", where, st.just(rest), "remove")

    written = model.xml.attrs if model.xml is not None else []
    for spec in binding.attr_fields:
        assert spec.codec is not None
        current = data[spec.name]
        if current is None and any(a.rpartition(":")[2] in spec.binding.names for a in written):
            continue  # an untypeable value: its text is kept as it was, there is nothing to change
        yield change(spec.name, "attributes", path, _other_than(_scalar(spec.codec), current), "set")
    for qname, old in model.attributes.items():
        prefix, _, local = qname.rpartition(":")
        if prefix and local == "type":
            continue  # xsi:type (under whatever prefix) says which class a section is: not an edit of it
        if qname in written:
            values = _other_than(xml_text(), old).map(_with_entry(model.attributes, qname))
            yield change("attributes", "attributes", path, values, f"[{qname!r}] set")
    if binding.text is not None and not model.extensions:
        current_text = data[binding.text.name]
        yield change(binding.text.name, "text", path, _other_than(xml_text(), current_text), "set")
    for spec in binding.child_fields:
        value = data[spec.name]
        if spec.codec is not None:
            places = located.leaves.get(spec.name, [])
            if spec.is_list:
                yield change(
                    spec.name, "inserted", path, _scalar(spec.codec).map(_appended_to(value)), "append"
                )
                if value and len(places) == len(value):
                    for k in range(len(value)):
                        yield removal(spec.name, [*value[:k], *value[k + 1 :]], (*path, places[k]))
            elif value is None and not places:
                yield change(spec.name, "inserted", path, _scalar(spec.codec), "add")
            elif value is not None and places:
                where = (*path, places[0])
                yield change(spec.name, "text", where, _other_than(_scalar(spec.codec), value), "set")
                yield removal(spec.name, None, where)
            continue
        places = located.children.get(spec.name, [])
        if spec.is_list and spec.model is not None:
            yield change(
                spec.name, "inserted", path, _new_child(spec.model).map(_appended_to(value)), "append"
            )
        if spec.is_list and value and len(places) == len(value):
            for k in range(len(value)):
                yield removal(spec.name, [*value[:k], *value[k + 1 :]], (*path, places[k]))
    if binding.text is None:  # a new element inside a message would make its text mixed content
        yield change(
            "extensions", "inserted", path, _nodes((), 2).map(_appended_to(model.extensions)), "append"
        )
    if len(model.extensions) == len(located.extensions):
        for k in range(len(model.extensions)):
            rest = [*model.extensions[:k], *model.extensions[k + 1 :]]
            yield removal("extensions", rest, (*path, located.extensions[k]))


EDIT_KINDS: tuple[EditKind, ...] = ("attributes", "text", "inserted", "removed")


def edits(model: Envelope | Environment, kinds: Sequence[EditKind] = EDIT_KINDS) -> SearchStrategy[Edit]:
    """One change to one field of one model of a tree read from a document (see ``Edit``).

    Changes: a typed attribute set or changed, a vendor attribute changed (``attributes``); a
    leaf's or message's text changed (``text``); a leaf, a model or an extension appended or added
    (``inserted``) or removed (``removed``). The kind is drawn first, then the change, so that each
    kind is tried as often as the others; ``kinds`` limits the kinds. Draw inside the test
    (``data.draw(edits(model))``) from a freshly loaded model: applying an edit changes the model.
    """
    by_kind: dict[str, list[SearchStrategy[Edit]]] = {}
    for located in _locate(model, ()):
        for kind, strategy in _edits_of(located):
            if kind in kinds:
                by_kind.setdefault(kind, []).append(strategy)
    groups = [
        st.sampled_from(found).flatmap(lambda strategy: strategy) for _, found in sorted(by_kind.items())
    ]
    if not groups:
        return st.nothing()
    return st.sampled_from(groups).flatmap(lambda group: group)


def assert_edit_confined(before: bytes, after: bytes, edit: Edit) -> list[TreeChange]:
    """Check that the document changed only where ``edit`` allows; return the changes found."""
    changes = tree_changes(before, after)
    assert changes, f"{edit!r} changed nothing in the output"
    if edit.kind == "attributes":
        allowed = {TreeChange(edit.path, "attributes"), TreeChange(edit.path, "namespaces")}
        assert set(changes) <= allowed, f"{edit!r} changed {changes}"
    elif edit.kind == "text":
        assert changes == [TreeChange(edit.path, "text")], f"{edit!r} changed {changes}"
    elif edit.kind == "inserted":
        assert len(changes) == 1, f"{edit!r} changed {changes}"
        (change,) = changes
        assert change.aspect == "inserted" and change.path[:-1] == edit.path, f"{edit!r} changed {changes}"
    else:
        removals = [TreeChange(path, "removed") for path in _identical_run(before, edit.path)]
        assert len(changes) == 1 and changes[0] in removals, f"{edit!r} changed {changes}"
    return changes


def _identical_run(document: bytes, path: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The paths of the siblings next to ``path`` that are identical to it, itself included.

    Removing one of several identical siblings leaves the same document whichever of them went, so
    the tree comparison may report any of them as the one removed.
    """
    if not path:
        return [path]
    siblings = list(element_at(_parse(document), path[:-1]))
    index = path[-1]
    if index >= len(siblings):
        return [path]
    signature = _signature(siblings[index])
    first = last = index
    while first > 0 and _signature(siblings[first - 1]) == signature:
        first -= 1
    while last + 1 < len(siblings) and _signature(siblings[last + 1]) == signature:
        last += 1
    return [(*path[:-1], i) for i in range(first, last + 1)]
