"""The one hardened path from untrusted bytes to an lxml tree.

Bytes are read by ovfkit under a size cap (never by libxml2 from a path, which would gunzip them),
decoded by Python from the BOM or the XML declaration (a declaration the bytes contradict is
tolerated and recorded), refused outright when they carry a DOCTYPE, counted against the node
limits before any tree is built, and parsed from memory with entities, DTD loading and network
access off. Only UTF-8 ever reaches libxml2, and libxml2 never gets to open anything.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
from dataclasses import dataclass, field
from typing import IO, Any, AnyStr, Union

from lxml import etree

from ovfkit.errors import OvfParseError, OvfSecurityError, quote

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "Parsed",
    "occurrences",
    "parse_bytes",
    "parse_text",
    "read_source",
]

Source = Union[str, bytes, "os.PathLike[str]", IO[bytes]]


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for reading one document. Every limit has a safe default.

    - ``max_bytes``: the largest input read (64 MiB).
    - ``max_depth``: the deepest element nesting, the root counting as 1 (128; real OVF nests about
      10 deep). libxml2 refuses more than 256 levels whatever this says.
    - ``max_text``: the longest text node or attribute value, in characters (8 MiB). libxml2 refuses
      more than 10,000,000 bytes whatever this says.
    - ``max_elements``: the most elements in one document (500,000; the largest real descriptor we
      know has about 2,100 and a generated 5,000-Item one about 43,000).
    - ``max_nodes``: the most nodes of every kind in one document: elements, attributes, namespace
      declarations, comments and processing instructions (1,000,000).
    - ``max_attributes``: the most attributes in one start tag, namespace declarations included
      (1,000; the most in the real descriptors we know is 21).
    - ``max_namespace_declarations``: the most namespace declarations (``xmlns`` and ``xmlns:p``
      attributes) in one document (10,000; the most in the real descriptors we know is 63).

    All but ``max_depth`` and ``max_text`` are checked before libxml2 builds a tree, so a flood of
    tiny elements, attributes, declarations or comments, also one crammed into a single start tag,
    is refused without the memory it would take to hold it.
    """

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 128
    max_text: int = 8 * 1024 * 1024
    max_elements: int = 500_000
    max_nodes: int = 1_000_000
    max_attributes: int = 1_000
    max_namespace_declarations: int = 10_000

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Limits.{name} must be a whole number of at least 0, not {value!r:.40}")


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class Parsed:
    """A parsed document: its root element and the facts about the bytes around it."""

    root: etree._Element
    text: str
    bom: bool
    encoding: str
    declaration: str | None
    prolog_end: int
    warnings: list[str] = field(default_factory=list)
    #: How often ``xmlns`` occurs in the document, when the loader counted it (see _check_counts).
    xmlns_seen: int | None = None


_COMPRESSED = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"BZh", "bzip2"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x04\x22\x4d\x18", "lz4"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: "<?xm" in the EBCDIC code pages libxml2 would sniff.
_EBCDIC_START = b"\x4c\x6f\xa7\x94"

#: Codecs Python knows that are not character sets a document can be written in.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"})
#: IANA names of UTF-7 that Python's codec registry does not know.
_UTF7_NAMES = frozenset({"utf7", "unicode11utf7", "csunicode11utf7"})

_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_TEXT_DECL_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARATION = re.compile(r"<\?xml[ \t\r\n][^>]*\?>")
# A processing instruction may contain ">" but never "?>"; a comment never contains "--".
_PROLOG_ITEM = re.compile(r"[ \t\r\n]+|<!--.*?-->|<\?.*?\?>", re.DOTALL)


class _RefuseResolver(etree.Resolver):
    """Answers every request libxml2 could make for an external resource with nothing.

    With DTDs refused before parsing and entities, DTD loading and network off, libxml2 never asks;
    this resolver is the second lock in case it ever does.
    """

    # lxml calls resolve(system_url, public_id, context); lxml-stubs 0.5 leave out the context.
    def resolve(self, system_url: str, public_id: str, context: object) -> object:  # type: ignore[override]
        """Return an empty document instead of reading ``system_url``."""
        return self.resolve_string("", context, base_url=None)


#: The hardened libxml2 options of every parse (the count and the parse proper).
_PARSER_OPTIONS: dict[str, Any] = {
    "encoding": "utf-8",
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "no_network": True,
    "huge_tree": False,
    "remove_blank_text": False,
    "remove_comments": False,
    "remove_pis": False,
    "strip_cdata": True,
    "collect_ids": False,
}
_CHUNK = 1 << 16
#: The fewest bytes a node can take: ``<a/>``.
_MIN_NODE_BYTES = 4
#: The smallest block worth a search for ``<`` (for smaller attribute limits, ``=`` are counted).
_MIN_BLOCK = 256
#: The fewest bytes an attribute takes (`` a=""``), and a namespace declaration (`` xmlns=""``).
_MIN_ATTRIBUTE_BYTES = 5
_MIN_DECLARATION_BYTES = 9


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    parser.resolvers.add(_RefuseResolver())
    return parser


def read_source(
    source: Source, limits: Limits = DEFAULT_LIMITS, *, name: str | None = None
) -> tuple[bytes, str]:
    """Return the bytes of a path, bytes, str or binary file object, and a name for messages.

    At most ``limits.max_bytes`` are read; more is an ``OvfSecurityError``. A path is opened and
    read by ovfkit itself (never handed to libxml2, which would decompress it). ``name`` overrides
    the name a file object or bytes get (its ``name`` attribute, ``<stream>``, ``<bytes>``).
    """
    data, found = _read_bytes(source, limits)
    name = name or found
    _check_size(len(data), name, limits)
    return data, name


def _read_bytes(source: Source, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        data, name = source, "<bytes>"
    elif isinstance(source, str) and source.lstrip("\ufeff \t\r\n").startswith("<"):
        data, name = source.encode("utf-8", "surrogatepass"), "<string>"
    elif isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            with open(name, "rb") as handle:
                data = handle.read(limits.max_bytes + 1)
        except OSError as exc:
            raise OvfParseError(f"cannot read file: {exc.strerror or exc}", source=name) from None
    elif hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        data = source.read(limits.max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        if not isinstance(data, bytes):
            raise OvfParseError("the file object did not return bytes", source=name)
    else:
        raise TypeError(f"cannot load OVF from {type(source).__name__}")
    return data, name


def _check_size(size: int, name: str, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise OvfSecurityError(
            f"input is larger than the limit of {limits.max_bytes} bytes", source=name, line=1, column=1
        )


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _family(codec: str) -> str:
    """``utf-16`` for ``utf-16-le``, ``utf-8`` for ``utf-8-sig``: what a declaration can say."""
    for wide in ("utf-16", "utf-32"):
        if codec.startswith(wide):
            return wide
    return "utf-8" if codec == "utf-8-sig" else codec


def _squeeze(label: str) -> str:
    return label.lower().replace("-", "").replace("_", "")


def _charset(declared: str, name: str) -> str:
    """The Python codec for an encoding name from an XML declaration; refuse what is no charset."""
    try:
        info = codecs.lookup(declared)
    except LookupError:
        info = None
    if (info is not None and info.name == "utf-7") or _squeeze(declared) in _UTF7_NAMES:
        raise OvfSecurityError(
            "UTF-7 documents are refused (UTF-7 hides markup from byte scanners)",
            source=name,
            line=1,
            column=1,
        )
    if info is None:
        raise OvfParseError(
            f"unknown encoding {quote(declared, 40)!r} in the XML declaration", source=name, line=1, column=1
        )
    if info.name in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        raise OvfParseError(
            f"encoding {quote(declared, 40)!r} in the XML declaration is not a character set",
            source=name,
            line=1,
            column=1,
        )
    return "utf-8" if info.name == "utf-8-sig" else info.name


def _ascii_compatible(codec: str) -> bool:
    try:
        return '<?xml version="1.0"?>'.encode(codec) == b'<?xml version="1.0"?>'
    except (UnicodeError, LookupError):
        return False


def _sniff_wide(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a BOM, recognised by the zero bytes around ASCII markup."""
    head = data[:4]
    if len(head) < 4:
        return None
    if head[0] and not head[1] and not head[2] and not head[3]:
        return "utf-32-le"
    if not head[0] and not head[1] and not head[2] and head[3]:
        return "utf-32-be"
    if head[0] and not head[1] and head[2] and not head[3]:
        return "utf-16-le"
    if not head[0] and head[1] and not head[2] and head[3]:
        return "utf-16-be"
    return None


def _decode(data: bytes, name: str) -> tuple[str, bool, str, list[str]]:
    """Decode the bytes: (text without BOM, had BOM, encoding used, warnings)."""
    warnings: list[str] = []
    for magic, kind in _COMPRESSED:
        if data.startswith(magic):
            raise OvfParseError(
                f"input is {kind}-compressed, not XML; decompress it first", source=name, line=1, column=1
            )
    if data[257:262] == b"ustar" and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        # A tar header starts with a member name; a document that starts with markup is read as XML
        # even when "ustar" happens to stand at offset 257.
        raise OvfParseError(
            "input is a tar archive (an OVA?), not XML; load the .ova path instead",
            source=name,
            line=1,
            column=1,
        )
    if data.startswith(_EBCDIC_START):
        raise OvfParseError("EBCDIC-encoded documents are not supported", source=name, line=1, column=1)
    bom = False
    encoding: str | None = None
    for mark, enc in _BOMS:
        if data.startswith(mark):
            bom, encoding = True, enc
            data = data[len(mark) :]
            break
    sniffed = encoding or _sniff_wide(data)
    declared_match = _DECL_ENCODING.match(data) if sniffed is None else None
    if sniffed is not None:
        encoding = sniffed
    else:
        declared = declared_match.group(1).decode("ascii") if declared_match else "utf-8"
        encoding = _charset(declared, name)
        if not _ascii_compatible(encoding):
            # The declaration was readable as ASCII, so the bytes are not in the declared encoding.
            warnings.append(
                f"the XML declaration says {quote(declared, 40)} but the bytes are 8-bit; read as UTF-8"
            )
            encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _bad_bytes(data, exc, name, encoding) from None
    if sniffed is not None:
        warnings.extend(_contradiction(text, encoding, "byte order mark" if bom else "bytes"))
    return text, bom, encoding, warnings


def _contradiction(text: str, encoding: str, evidence: str) -> list[str]:
    """A warning when the declaration names another encoding than the one the bytes are in."""
    match = _DECLARATION.match(text)
    if match is None:
        return []
    declared = _TEXT_DECL_ENCODING.search(match.group(0))
    if declared is None:
        return []
    try:
        codec = codecs.lookup(declared.group(1)).name
    except LookupError:
        codec = declared.group(1).lower()
    if _family(codec) == _family(encoding):
        return []
    return [
        f"the XML declaration says {quote(declared.group(1), 40)} but the {evidence} say {encoding}; "
        f"read as {encoding}"
    ]


def _bad_bytes(data: bytes, exc: UnicodeDecodeError, name: str, encoding: str = "utf-8") -> OvfParseError:
    prefix = data[: exc.start].decode(encoding, "replace")
    line, column = _position(prefix, len(prefix))
    return OvfParseError(
        f"bytes are not valid {encoding}: {data[exc.start : exc.start + 4]!r}",
        source=name,
        line=line,
        column=column,
    )


def _scan_prolog(text: str, name: str) -> tuple[str | None, int]:
    """Return (XML declaration, end of the prolog); refuse a DOCTYPE."""
    declaration = None
    pos = 0
    match = _DECLARATION.match(text)
    if match:
        declaration = match.group(0)
        pos = match.end()
    while True:
        item = _PROLOG_ITEM.match(text, pos)
        if item is None:
            break
        pos = item.end()
    if text.startswith(("<!DOCTYPE", "<!doctype"), pos):
        line, column = _position(text, pos)
        raise OvfSecurityError(
            "documents with a DOCTYPE are refused (no OVF needs a DTD or entities)",
            source=name,
            line=line,
            column=column,
        )
    return declaration, pos


def _check_counts(payload: bytes, name: str, limits: Limits) -> int | None:
    """Refuse more attributes, elements, nodes or declarations than the limits allow, before parsing.

    Cheap bounds from the bytes (searches for ``<``, counts) pass a document well within the
    limits. Only when a bound is over a limit (``=`` may be in text, ``<`` in comments) is the
    measure taken exactly, by scans that hold nothing but counters. The attributes of one start
    tag come first: libxml2 holds a whole start tag before anything can count it.

    Returns how often ``xmlns`` occurs in the payload when it was counted (up to the limit on
    declarations plus one), else None.
    """
    size = len(payload)
    attributes = limits.max_attributes
    if size > _MIN_ATTRIBUTE_BYTES * (attributes + 1) and _may_hold_a_crowded_tag(payload, attributes):
        _check_attributes_exactly(payload, name, attributes)
    if size > _MIN_NODE_BYTES * min(limits.max_elements, limits.max_nodes):
        _check_node_bounds(payload, name, limits)
    declarations = limits.max_namespace_declarations
    if size <= _MIN_DECLARATION_BYTES * declarations:
        return None
    seen = occurrences(payload, b"xmlns", declarations)
    if seen > declarations:
        _check_declarations_exactly(payload, name, declarations)
    return seen


def _may_hold_a_crowded_tag(payload: bytes, limit: int) -> bool:
    """Whether a start tag in the payload might have more than ``limit`` attributes.

    Such a tag spans at least ``5 * (limit + 1)`` bytes with no ``<`` after its first, so it covers
    a whole block of half that size that has no ``<``, and lies within the run of such blocks and
    the block on either side: only there are the ``=`` counted (every attribute has one).
    """
    block = _MIN_ATTRIBUTE_BYTES * (limit + 1) // 2
    if block < _MIN_BLOCK:
        return payload.count(b"=") > limit
    find = payload.find
    size = len(payload)
    start = 0
    while start < size:
        if find(b"<", start, start + block) >= 0:
            start += block
            continue
        end = start + block
        while end < size and find(b"<", end, end + block) < 0:
            end += block
        if payload.count(b"=", max(0, start - block), end + block) > limit:
            return True
        start = end
    return False


def _check_node_bounds(payload: bytes, name: str, limits: Limits) -> None:
    """Every element, comment and PI starts with ``<``; every attribute or declaration has an ``=``
    and takes at least 5 bytes."""
    opens = payload.count(b"<")
    if opens <= limits.max_elements and opens + len(payload) // _MIN_ATTRIBUTE_BYTES <= limits.max_nodes:
        return
    equals = payload.count(b"=")
    if opens <= limits.max_elements and opens + equals <= limits.max_nodes:
        return
    closes = payload.count(b"</")
    starts = opens - closes - payload.count(b"<!") - payload.count(b"<?")
    if starts <= limits.max_elements and opens - closes + equals <= limits.max_nodes:
        return
    _count_exactly(payload, name, limits)


def occurrences(payload: AnyStr, needle: AnyStr, limit: int) -> int:
    """How often ``needle`` (which cannot overlap itself) occurs, counted up to ``limit + 1``.

    Searching backwards is a few times faster than ``count`` here, and stops at ``limit + 1``.
    """
    end = len(payload)
    for found in range(limit + 1):
        end = payload.rfind(needle, 0, end)
        if end < 0:
            return found
    return limit + 1


# The exact scans read the bytes as a tokenizer does, with regular expressions that are supersets of
# the XML grammar: every attribute libxml2 accepts is counted, and where they accept more, libxml2
# stops at the malformed spot before it holds more than the limit. ``<`` outside comments, CDATA
# sections and PIs always opens markup (attribute values cannot hold it), and those three are
# skipped whole (to the end of input when unterminated, so that every scan is linear). Each skip
# pattern reads one run of markup and text at a time and stops, at a ``<``, only where the Python
# loop around it has something to look at.
_NAME = rb"""[^\s<>/="']++"""
_VALUE = rb"""\s*+=\s*+(?:"[^"]*+"|'[^']*+')"""
_ATTRIBUTE = _NAME + _VALUE
_TAG_START = rb"""<[^\s<>/=!?"'][^\s<>/="']*+"""
_DECLARATION_NAME = rb"xmlns(?=[\s:=])"
_NOT_MARKUP = rb"[^<]++|<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)"
_OTHER_ATTRIBUTES = rb"(?:\s++(?!" + _DECLARATION_NAME + rb")" + _ATTRIBUTE + rb")*+"
#: Skip to the next start tag that declares a namespace (a start tag without one, other text and
#: markup are read whole).
_SKIP_TO_DECLARATION = re.compile(
    rb"(?:"
    + (_TAG_START + _OTHER_ATTRIBUTES + rb"(?!\s++" + _DECLARATION_NAME + rb")")
    + (rb"|" + _NOT_MARKUP)
    + rb"""|<(?=[\s<>/=!?"']|\Z))*+""",
    re.DOTALL,
)
_TAG_NAME = re.compile(rb"<(" + _TAG_START[1:] + rb")")
#: The next namespace declaration in a start tag, after the other attributes before it.
_NEXT_DECLARATION = re.compile(
    _OTHER_ATTRIBUTES + rb"\s++(" + _DECLARATION_NAME + rb"[^\s<>/=\"']*+)" + _VALUE
)


@functools.lru_cache(maxsize=8)
def _attribute_scanners(limit: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Two scanners for an attribute limit.

    The first skips to the next ``<`` whose run up to the next ``<`` holds more than ``limit``
    ``=`` (start and end tags come first, being the most common); the second matches a start tag's
    name and first ``limit`` attributes when another one follows.
    """
    uncrowded = rb"[^<=]*+(?:=[^<=]*+){0,%d}+(?!=)" % limit
    skip = re.compile(
        rb"(?:<[^<=!?]" + uncrowded + rb"|" + _NOT_MARKUP + rb"|<" + uncrowded + rb")*+", re.DOTALL
    )
    over = re.compile(
        _TAG_NAME.pattern + rb"(?:\s++" + _ATTRIBUTE + rb"){%d}\s++(?=" % limit + _NAME + rb"\s*+=)"
    )
    return skip, over


def _check_attributes_exactly(payload: bytes, name: str, limit: int) -> None:
    """Refuse the first start tag with more than ``limit`` attributes, at the first one over."""
    skip, over = _attribute_scanners(limit)
    size = len(payload)
    pos = 0
    while True:
        pos = _end(skip.match(payload, pos))
        if pos >= size:
            return
        tag = over.match(payload, pos)
        if tag is not None:
            element = tag.group(1).decode("utf-8", "replace")
            raise _refusal(
                f"element {quote(element, 80)} has more attributes than the limit of {limit} "
                "(namespace declarations count as attributes)",
                payload,
                tag.end(),
                name,
            )
        pos += 1


def _check_declarations_exactly(payload: bytes, name: str, limit: int) -> None:
    """Refuse the namespace declaration that goes over ``limit``, where it is written."""
    size = len(payload)
    declared = 0
    pos = 0
    while True:
        pos = _end(_SKIP_TO_DECLARATION.match(payload, pos))
        if pos >= size:
            return
        pos = _end(_TAG_NAME.match(payload, pos))
        declaration = _NEXT_DECLARATION.match(payload, pos)
        if declaration is None:
            return  # a malformed declaration: libxml2 stops there, the parse says where
        while declaration is not None:
            declared += 1
            if declared > limit:
                raise _refusal(
                    f"more namespace declarations than the limit of {limit}",
                    payload,
                    declaration.start(1),
                    name,
                )
            pos = declaration.end()
            declaration = _NEXT_DECLARATION.match(payload, pos)


def _end(match: re.Match[bytes] | None) -> int:
    assert match is not None  # the scanners match the empty string
    return match.end()


def _refusal(message: str, payload: bytes, offset: int, name: str) -> OvfSecurityError:
    """An ``OvfSecurityError`` at a byte offset of the UTF-8 payload, in lines and characters."""
    line_start = payload.rfind(b"\n", 0, offset) + 1
    line = payload.count(b"\n", 0, line_start) + 1
    column = len(payload[line_start:offset].decode("utf-8", "replace")) + 1
    return OvfSecurityError(message, source=name, line=line, column=column)


def _count_exactly(payload: bytes, name: str, limits: Limits) -> None:
    # The pull parser's tree is not pruned: it stops one node past the limits, so it never holds
    # more than a document the limits accept would.
    parser = etree.XMLPullParser(events=("start", "comment", "pi", "start-ns"), **_PARSER_OPTIONS)
    parser.resolvers.add(_RefuseResolver())
    elements = nodes = 0
    for offset in range(0, len(payload), _CHUNK):
        try:
            parser.feed(payload[offset : offset + _CHUNK])
        except etree.XMLSyntaxError:
            return  # not well formed: the parse proper says where
        for event, node in parser.read_events():
            if not isinstance(node, etree._Element):
                nodes += 1  # a namespace declaration
                continue
            nodes += 1
            if event == "start":
                elements += 1
                nodes += len(node.attrib)
                if elements > limits.max_elements:
                    raise OvfSecurityError(
                        f"more elements than the limit of {limits.max_elements}",
                        source=name,
                        line=_line(node),
                    )
            if nodes > limits.max_nodes:
                raise OvfSecurityError(
                    "more nodes (elements, attributes, namespace declarations, comments, processing "
                    f"instructions) than the limit of {limits.max_nodes}",
                    source=name,
                    line=_line(node),
                )


def _line(node: etree._Element) -> int | None:
    line = node.sourceline
    return line if isinstance(line, int) else None


def parse_bytes(data: bytes, name: str = "<bytes>", limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse untrusted bytes into an lxml tree, safely. Raises ``OvfParseError``/``OvfSecurityError``."""
    _check_size(len(data), name, limits)
    if not data or data.isspace():  # isspace() stops at the first other byte; strip() copies
        raise OvfParseError("input is empty", source=name, line=1, column=1)
    text, bom, encoding, warnings = _decode(data, name)
    payload = data if encoding == "utf-8" and not bom else text.encode("utf-8", "surrogatepass")
    return _parse(text, payload, bom, encoding, warnings, name, limits)


def parse_text(text: str, name: str = "<string>", limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse an untrusted, already decoded document (a ``str``) into an lxml tree, safely.

    The XML declaration does not say how to decode a ``str``; it names the encoding the document
    is written back in (UTF-8 when it names one that cannot be, such as an EBCDIC code page).
    """
    payload = text.encode("utf-8", "surrogatepass")
    _check_size(len(payload), name, limits)
    if not text or text.isspace():
        raise OvfParseError("input is empty", source=name, line=1, column=1)
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
        payload = payload[3:]
    warnings: list[str] = []
    encoding = "utf-8"
    match = _DECLARATION.match(text)
    declared = _TEXT_DECL_ENCODING.search(match.group(0)) if match else None
    if declared is not None:
        encoding = _charset(declared.group(1), name)
        if not _ascii_compatible(encoding) and _family(encoding) not in ("utf-16", "utf-32"):
            warnings.append(
                f"the XML declaration says {quote(declared.group(1), 40)}, which ovfkit does not write; "
                "it will be written as UTF-8"
            )
            encoding = "utf-8"
    return _parse(text, payload, bom, encoding, warnings, name, limits)


def _parse(
    text: str, payload: bytes, bom: bool, encoding: str, warnings: list[str], name: str, limits: Limits
) -> Parsed:
    if text.startswith("\ufeff"):
        # libxml2 would skip this one as the BOM of the UTF-8 it is given, and the prolog scan with it
        raise OvfParseError(
            "the document starts with a second byte order mark", source=name, line=1, column=1
        )
    declaration, prolog_end = _scan_prolog(text, name)
    xmlns_seen = _check_counts(payload, name, limits)
    parser = _parser()
    try:
        root = etree.fromstring(payload, parser)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, name) from None
    _check_namespace_errors(parser, name)
    docinfo = root.getroottree().docinfo
    doctype = getattr(docinfo, "doctype", "")  # lxml-stubs 0.5 do not know DocInfo.doctype
    if doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise OvfSecurityError("documents with a DOCTYPE are refused", source=name, line=1, column=1)
    return Parsed(root, text, bom, encoding, declaration, prolog_end, warnings, xmlns_seen)


def _check_namespace_errors(parser: etree.XMLParser, name: str) -> None:
    """Refuse a document that is well formed but not namespace-well-formed (an undeclared prefix).

    libxml2 reports such errors without failing the parse when it also logged a warning (a
    relative namespace URI, say); the element or attribute would then keep a prefix nothing
    declares, which no writer can give back.
    """
    for entry in parser.error_log:
        if entry.domain == etree.ErrorDomains.NAMESPACE and entry.level >= etree.ErrorLevels.ERROR:
            raise OvfParseError(
                f"not namespace-well-formed XML: {quote(entry.message, 200)}",
                source=name,
                line=entry.line or None,
                column=entry.column or None,
            )


_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+\s*$")
#: libxml2 messages that mean a hardening limit held, not that the document is malformed.
_LIMIT_MESSAGES = (
    "Resource limit exceeded",
    "XML_PARSE_HUGE",
    "Excessive depth",
    "huge text node",
    "too big",
    "too long",
    "Memory allocation failed",
)
_ENTITY_MESSAGES = ("entity reference loop", "amplification")


def _syntax_error(exc: etree.XMLSyntaxError, name: str) -> OvfParseError:
    message = " ".join(_POSITION_SUFFIX.sub("", str(exc.msg or exc)).split())
    line, column = exc.position if exc.position else (None, None)
    if any(marker in message for marker in _LIMIT_MESSAGES):
        return OvfSecurityError(
            f"document exceeds a parser limit: {quote(message)}", source=name, line=line, column=column
        )
    if any(marker in message for marker in _ENTITY_MESSAGES):
        return OvfSecurityError(
            f"entity expansion refused: {quote(message)}", source=name, line=line, column=column
        )
    return OvfParseError(f"not well-formed XML: {quote(message)}", source=name, line=line, column=column)
