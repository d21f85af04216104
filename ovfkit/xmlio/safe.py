"""The one hardened path from untrusted bytes to an lxml tree.

Bytes are read by ovfkit under a size cap (never by libxml2 from a path, which would gunzip them),
decoded by Python from the BOM or the XML declaration (a declaration the bytes contradict is
tolerated and recorded), refused outright when they carry a DOCTYPE, and parsed from memory with
entities, DTD loading and network access off. Only UTF-8 ever reaches libxml2.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from typing import IO, Union

from lxml import etree

from ovfkit.errors import OvfParseError, OvfSecurityError, quote

__all__ = ["Limits", "Parsed", "parse_bytes", "read_source", "DEFAULT_LIMITS"]

Source = Union[str, bytes, "os.PathLike[str]", IO[bytes]]


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for reading one document. Every limit has a safe default.

    - ``max_bytes``: the largest input read (64 MiB).
    - ``max_depth``: the deepest element nesting (128; real OVF nests about 10 deep).
    - ``max_text``: the longest text node or attribute value (8 MiB).
    - ``max_elements``: the most elements in one document (2,000,000).
    """

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 128
    max_text: int = 8 * 1024 * 1024
    max_elements: int = 2_000_000


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


_COMPRESSED = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"BZh", "bzip2"),
    (b"PK\x03\x04", "zip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARATION = re.compile(r"<\?xml[ \t\r\n][^>]*\?>")
_PROLOG_ITEM = re.compile(r"[ \t\r\n]+|<!--.*?-->|<\?[^>]*?\?>", re.DOTALL)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
        strip_cdata=True,
        collect_ids=False,
    )


def read_source(source: Source, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, str]:
    """Return the bytes of a path, bytes, str or binary file object, and a name for messages.

    At most ``limits.max_bytes`` are read; more is an ``OvfSecurityError``.
    """
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
    if len(data) > limits.max_bytes:
        raise OvfSecurityError(
            f"input is larger than the limit of {limits.max_bytes} bytes", source=name
        )
    return data, name


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _decode(data: bytes, name: str) -> tuple[str, bool, str, list[str]]:
    """Decode the bytes: (text without BOM, had BOM, encoding used, warnings)."""
    warnings: list[str] = []
    for magic, kind in _COMPRESSED:
        if data.startswith(magic):
            raise OvfParseError(
                f"input is {kind}-compressed, not XML; decompress it first", source=name, line=1
            )
    bom = False
    encoding: str | None = None
    for mark, enc in _BOMS:
        if data.startswith(mark):
            bom, encoding = True, enc
            data = data[len(mark) :]
            break
    if encoding is None:
        if data[:4] in (b"<\x00?\x00", b"<\x00\x00\x00"):
            encoding = "utf-16-le" if data[:4] == b"<\x00?\x00" else "utf-32-le"
        elif data[:4] in (b"\x00<\x00?", b"\x00\x00\x00<"):
            encoding = "utf-16-be" if data[:4] == b"\x00<\x00?" else "utf-32-be"
    declared_match = _DECL_ENCODING.match(data) if encoding is None else None
    if encoding is None:
        declared = declared_match.group(1).decode("ascii").lower() if declared_match else "utf-8"
        if declared.replace("-", "").replace("_", "") in {"utf7", "unicode11utf7", "csunicode11utf7"}:
            raise OvfSecurityError("UTF-7 documents are refused", source=name, line=1)
        try:
            info = codecs.lookup(declared)
        except LookupError:
            raise OvfParseError(
                f"unknown encoding {quote(declared, 40)!r} in the XML declaration", source=name, line=1
            ) from None
        encoding = info.name
        if encoding.startswith(("utf-16", "utf-32")):
            # The declaration was readable as 8-bit text, so the bytes are not UTF-16/32.
            warnings.append(
                f"the XML declaration says {declared} but the bytes are 8-bit; read as UTF-8"
            )
            encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8" and declared_match is None and not bom:
            raise _bad_bytes(data, exc, name) from None
        raise _bad_bytes(data, exc, name, encoding) from None
    return text, bom, encoding, warnings


def _bad_bytes(
    data: bytes, exc: UnicodeDecodeError, name: str, encoding: str = "utf-8"
) -> OvfParseError:
    prefix = data[: exc.start].decode(encoding, "replace")
    line, column = _position(prefix, len(prefix))
    return OvfParseError(
        f"bytes are not valid {encoding}: {data[exc.start:exc.start + 4]!r}",
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
    if text.startswith("<!DOCTYPE", pos) or text.startswith("<!doctype", pos):
        line, column = _position(text, pos)
        raise OvfSecurityError(
            "documents with a DOCTYPE are refused (no OVF needs a DTD or entities)",
            source=name,
            line=line,
            column=column,
        )
    return declaration, pos


def parse_bytes(data: bytes, name: str = "<bytes>", limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse untrusted bytes into an lxml tree, safely. Raises ``OvfParseError``/``OvfSecurityError``."""
    if len(data) > limits.max_bytes:
        raise OvfSecurityError(
            f"input is larger than the limit of {limits.max_bytes} bytes", source=name
        )
    if not data.strip():
        raise OvfParseError("input is empty", source=name, line=1, column=1)
    text, bom, encoding, warnings = _decode(data, name)
    declaration, prolog_end = _scan_prolog(text, name)
    if encoding == "utf-8" and not bom:
        payload = data
    else:
        payload = text.encode("utf-8", "surrogatepass")
    try:
        root = etree.fromstring(payload, _parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, name) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise OvfSecurityError("documents with a DOCTYPE are refused", source=name, line=1)
    return Parsed(root, text, bom, encoding, declaration, prolog_end, warnings)


_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+\s*$")


def _syntax_error(exc: etree.XMLSyntaxError, name: str) -> OvfParseError:
    message = _POSITION_SUFFIX.sub("", str(exc.msg or exc)).strip()
    line, column = exc.position if exc.position else (None, None)
    if "Excessive depth" in message or "xmlSAX2Characters: huge text node" in message:
        return OvfSecurityError(
            f"document exceeds a parser limit: {message}", source=name, line=line, column=column
        )
    if "Detected an entity reference loop" in message or "amplification" in message:
        return OvfSecurityError(
            f"entity expansion refused: {message}", source=name, line=line, column=column
        )
    return OvfParseError(
        f"not well-formed XML: {quote(message)}", source=name, line=line, column=column
    )
