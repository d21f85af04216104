"""Hypothesis strategies that mutate seed documents: as bytes, as XML trees, and in other encodings.

Byte mutations: truncation, duplication and deletion of a slice, byte flips, insertion of hostile
tokens. Tree mutations (on a hardened lxml parse of the seed): attribute and text values replaced
with awkward ones, elements duplicated, deleted, moved, renamed to other OVF names or swapped into
look-alike namespaces, deep nesting, foreign elements. Encoding mutations: UTF-16/32 with and
without BOM, a BOM with a contradicting declaration, Latin-1, a wrong declaration.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from hypothesis import strategies as st
from lxml import etree

#: Values that break typed fields: signs, separators, non-ASCII digits, overflow, units, references.
AWKWARD_VALUES = (
    "",
    " ",
    "-1",
    "0",
    "1_000",
    "12.0",
    "1e3",
    "+5",
    "0x10",
    "\u0661\u0662\u0663",
    "\uff11\uff12",
    "18446744073709551615",
    "18446744073709551616",
    "9" * 400,
    "byte",
    "block",
    "byte * 2^",
    "byte + 2^10",
    "byte * 2^4294967296",
    "byte * 10^-3",
    "hertz * 10^6",
    "${nosuchproperty}",
    "${",
    "ovf:/disk/",
    "ovf:/file/../../etc/passwd",
    "/etc/passwd",
    "file:///etc/passwd",
    "http://127.0.0.1:9/x",
    "*",
    "true",
    "TRUE",
    "maybe",
    "01:00:5e:00:00:01",
    "00:00:00:00:00:00",
    "zz:zz",
    "{key=value, unbalanced",
    "\t\n",
    "a\u0301",
    "\U0001f600",
    "&",
    "<",
    "]]>",
)

#: Byte strings that hostile inputs are made of.
HOSTILE_TOKENS = (
    b"<!DOCTYPE Envelope [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
    b"<!DOCTYPE x>",
    b"<!ENTITY",
    b"&x;",
    b"&#0;",
    b"&#x1;",
    b"&#xD800;",
    b"&#1114112;",
    b"&lt;",
    b"&amp;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?pi x?>",
    b"<?xml version='1.0'?>",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\r",
    b"\x0c",
    b'xmlns="urn:x"',
    b'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/2"',
    b'xsi:type="ovf:SnapshotsSection_Type"',
    b'xsi:schemaLocation="http://127.0.0.1:9/x.xsd"',
    b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/>',
)

#: Envelope namespaces and look-alikes a tree may be moved into.
NAMESPACES = (
    "http://schemas.dmtf.org/ovf/envelope/1",
    "http://schemas.dmtf.org/ovf/envelope/1/",
    "http://schemas.dmtf.org/ovf/envelope/2",
    "http://schemas.dmtf.org/ovf/envelope/3",
    "http://schemas.dmtf.org/ovf/envelope",
    "http://schemas.dmtf.org/ovf/envelopeX",
    "http://schemas.dmtf.org/ovf/environment/1",
    "http://www.vmware.com/schema/ovf/1/envelope",
    "http://www.vmware.com/schema/ovf",
    "HTTP://SCHEMAS.DMTF.ORG/OVF/ENVELOPE/1",
    "urn:evil",
    "",
)

#: OVF local names an element may be renamed to.
OVF_NAMES = (
    "Envelope",
    "References",
    "File",
    "DiskSection",
    "Disk",
    "NetworkSection",
    "Network",
    "VirtualSystem",
    "VirtualSystemCollection",
    "VirtualHardwareSection",
    "Item",
    "StorageItem",
    "EthernetPortItem",
    "System",
    "ProductSection",
    "Property",
    "DeploymentOptionSection",
    "Configuration",
    "OperatingSystemSection",
    "Info",
    "Name",
    "Section",
    "Content",
    "Strings",
    "Msg",
    "Value",
)

_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}

#: Text lxml can hold (no control characters, no surrogates), for attribute and text values.
_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\t\n\r"), max_size=40)


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one to four byte-level mutations."""
    for _ in range(draw(st.integers(1, 4))):
        size = len(data)
        where = draw(st.integers(0, size))
        kind = draw(
            st.sampled_from(
                ("truncate", "duplicate", "delete", "flip", "insert-token", "insert-random", "swap")
            )
        )
        if kind == "truncate":
            data = data[:where]
        elif kind == "duplicate":
            length = draw(st.integers(1, max(1, min(4096, size - where))))
            data = data[: where + length] + data[where : where + length] + data[where + length :]
        elif kind == "delete":
            length = draw(st.integers(1, 256))
            data = data[:where] + data[where + length :]
        elif kind == "flip" and size:
            index = min(where, size - 1)
            data = data[:index] + bytes([data[index] ^ draw(st.integers(1, 255))]) + data[index + 1 :]
        elif kind == "insert-token":
            data = data[:where] + draw(st.sampled_from(HOSTILE_TOKENS)) + data[where:]
        elif kind == "insert-random":
            data = data[:where] + draw(st.binary(min_size=1, max_size=16)) + data[where:]
        elif kind == "swap" and size > 2:
            other = draw(st.integers(0, size - 1))
            low, high = sorted((where if where < size else size - 1, other))
            data = (
                data[:low]
                + data[high : high + 1]
                + data[low + 1 : high]
                + data[low : low + 1]
                + data[high + 1 :]
            )
    return data


def _parse(data: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError:
        return None


def _elements(root: etree._Element) -> list[etree._Element]:
    return [node for node in root.iter() if isinstance(node.tag, str)]


def _qualified(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}" if namespace else local


@st.composite
def tree_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` parsed, changed as a tree one to three times, serialized (unparsable: a byte mutation)."""
    root = _parse(data)
    if root is None:
        return draw(byte_mutation(data))
    for _ in range(draw(st.integers(1, 3))):
        elements = _elements(root)
        target = draw(st.sampled_from(elements))
        kind = draw(
            st.sampled_from(
                ("attribute", "text", "duplicate", "delete", "move", "rename", "namespace", "nest", "foreign")
            )
        )
        if kind == "attribute":
            names = list(target.attrib) or ["{http://schemas.dmtf.org/ovf/envelope/1}id"]
            name = draw(st.sampled_from(names))
            target.set(name, draw(st.sampled_from(AWKWARD_VALUES) | _TEXT))
        elif kind == "text":
            value = draw(st.sampled_from(AWKWARD_VALUES) | _TEXT)
            if draw(st.booleans()) or len(target) == 0:
                target.text = value
            else:
                target[draw(st.integers(0, len(target) - 1))].tail = value
        elif kind == "duplicate" and target is not root:
            parent = target.getparent()
            assert parent is not None
            parent.insert(parent.index(target), copy.deepcopy(target))
        elif kind == "delete" and target is not root:
            parent = target.getparent()
            assert parent is not None
            parent.remove(target)
        elif kind == "move" and target is not root:
            destination = draw(st.sampled_from(elements))
            if target not in destination.iterancestors() and destination is not target:
                destination.insert(draw(st.integers(0, len(destination))), target)
        elif kind == "rename":
            namespace = etree.QName(target).namespace or ""
            target.tag = _qualified(namespace, draw(st.sampled_from(OVF_NAMES)))
        elif kind == "namespace":
            target.tag = _qualified(draw(st.sampled_from(NAMESPACES)), etree.QName(target).localname)
        elif kind == "nest":
            depth = draw(st.sampled_from((2, 50, 127, 128, 129, 300)))
            holder = etree.SubElement(target, "{urn:nest}n")
            for _ in range(depth - 1):
                holder = etree.SubElement(holder, "{urn:nest}n")
        elif kind == "foreign":
            local = draw(st.sampled_from(OVF_NAMES))
            foreign = etree.SubElement(target, _qualified(draw(st.sampled_from(NAMESPACES)), local))
            foreign.text = draw(st.sampled_from(AWKWARD_VALUES))
    return etree.tostring(root, xml_declaration=draw(st.booleans()), encoding="utf-8")


_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


@st.composite
def encoding_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` re-encoded (when it is UTF-8): wide encodings with or without BOM, Latin-1, wrong labels."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    codec = draw(st.sampled_from((*_WIDE, "latin-1", "cp1252", "utf-8-sig", "utf-8")))
    label = draw(
        st.sampled_from(("UTF-8", "UTF-16", "UTF-32", "ISO-8859-1", "UTF-7", "EBCDIC-CP-US", "x-none", None))
    )
    if label is not None:
        if text.startswith("<?xml"):
            end = text.find("?>")
            text = f'<?xml version="1.0" encoding="{label}"?>' + text[end + 2 :]
        else:
            text = f'<?xml version="1.0" encoding="{label}"?>\n' + text
    try:
        encoded = text.encode(codec)
    except UnicodeEncodeError:
        encoded = text.encode(codec, "xmlcharrefreplace")
    if codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be") and draw(st.booleans()):
        encoded = "\ufeff".encode(codec) + encoded
    return encoded


def mutated(seeds: Sequence[bytes]) -> st.SearchStrategy[tuple[bytes, bytes]]:
    """(seed, mutated seed) pairs: a byte, tree or encoding mutation, sometimes two in a row."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[bytes, bytes]:
        seed = draw(st.sampled_from(seeds))
        first = draw(st.sampled_from((byte_mutation, tree_mutation, encoding_mutation)))
        data = draw(first(seed))
        if draw(st.integers(0, 3)) == 0:
            second = draw(st.sampled_from((byte_mutation, tree_mutation)))
            data = draw(second(data))
        return seed, data

    return build()
