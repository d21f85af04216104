"""Characters and names for the writer: escaping, XML name rules, and checks of the finished output.

The writer builds XML text itself, so everything a reader would take differently from what the model
says must be caught here: names that are not XML names, declarations a namespace-aware parser refuses,
comments and processing instructions a parser would cut short or change, and characters XML 1.0
cannot carry at all.
"""

from __future__ import annotations

import codecs
import functools
import re

from lxml import etree

from ovfkit.errors import OvfWriteError, quote
from ovfkit.namespaces import Ns

__all__ = [
    "XMLNS_URI",
    "check_comment",
    "check_declaration",
    "check_pi",
    "check_tokens",
    "encode_output",
    "escape_attr",
    "escape_text",
    "is_name",
    "illegal_character",
    "namespace_uri_ok",
    "shown",
]

XMLNS_URI = "http://www.w3.org/2000/xmlns/"

# XML 1.0 (fifth edition) name characters, as libxml2 checks them; ``:`` only as a prefix separator.
_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHAR = _START + "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NCNAME = f"[{_START}][{_CHAR}]*"
# Most names are ASCII: their patterns compile in no time, the full ones only when first needed.
_ASCII_NCNAME = "[A-Z_a-z][-.0-9A-Z_a-z]*"
_ASCII_QNAME_RE = re.compile(f"(?:{_ASCII_NCNAME}:)?{_ASCII_NCNAME}")
_ASCII_NCNAME_RE = re.compile(_ASCII_NCNAME)


@functools.cache
def _full_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The qualified-name and NCName patterns over all of Unicode (slow to compile: done once, late)."""
    return re.compile(f"(?:{_NCNAME}:)?{_NCNAME}"), re.compile(_NCNAME)


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))


def shown(value: object) -> str:
    """A value for a message: quoted, at most 100 characters, nothing a terminal would act on."""
    return repr(quote(value if isinstance(value, str) else repr(value), 100))


def escape_text(text: str) -> str:
    """Character data: ``&``, ``<``, ``>`` and CR (which a parser would turn into LF) as references."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def escape_attr(text: str) -> str:
    """An attribute value in double quotes; whitespace a parser would normalize as references."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\t" in text:
        text = text.replace("\t", "&#9;")
    return text


def is_name(name: str, qualified: bool = True) -> bool:
    """Whether ``name`` is an XML qualified name (``prefix:local`` or ``local``), or an NCName."""
    if name.isascii():
        return (_ASCII_QNAME_RE if qualified else _ASCII_NCNAME_RE).fullmatch(name) is not None
    return _full_patterns()[0 if qualified else 1].fullmatch(name) is not None


def check_declaration(prefix: str, uri: str, where: str) -> None:
    """Refuse a namespace declaration that a namespace-aware parser would refuse."""
    if prefix:
        if not is_name(prefix, qualified=False):
            raise OvfWriteError(f"{shown(prefix)} is not a valid namespace prefix", path=where)
        if prefix == "xmlns":
            raise OvfWriteError("the prefix 'xmlns' cannot be declared", path=where)
        if not uri:
            raise OvfWriteError(
                f"the prefix {shown(prefix)} cannot be bound to an empty namespace", path=where
            )
    if (prefix == "xml") != (uri == Ns.XML.value):
        raise OvfWriteError("only the prefix 'xml' may be bound to the XML namespace", path=where)
    if uri == XMLNS_URI:
        raise OvfWriteError("the xmlns namespace cannot be declared", path=where)
    if uri and prefix != "xml" and not namespace_uri_ok(uri):
        raise OvfWriteError(f"{shown(uri)} is not a namespace URI an XML parser accepts", path=where)


_URI_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@functools.lru_cache(maxsize=4096)
def namespace_uri_ok(uri: str) -> bool:
    """Whether libxml2 accepts a namespace name (it refuses what is not an RFC 3986 URI reference)."""
    try:
        etree.fromstring(f'<a xmlns:a="{escape_attr(uri)}"/>'.encode("utf-8", "surrogatepass"), _URI_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return False
    return True


def check_comment(text: str, where: str) -> None:
    """Refuse a comment that would end early or come back changed."""
    if "--" in text or text.endswith("-"):
        raise OvfWriteError("a comment may not contain '--' or end with '-'", path=where)
    if "\r" in text:
        raise OvfWriteError(
            "a comment may not contain a carriage return (it reads back as a line feed)", path=where
        )


def check_pi(target: str, text: str, where: str) -> None:
    """Refuse a processing instruction that would end early or come back changed."""
    if not is_name(target, qualified=False) or target.lower() == "xml":
        raise OvfWriteError(f"{shown(target)} is not a valid processing instruction target", path=where)
    if "?>" in text:
        raise OvfWriteError("a processing instruction may not contain '?>'", path=where)
    if "\r" in text:
        raise OvfWriteError(
            "a processing instruction may not contain a carriage return (it reads back as a line feed)",
            path=where,
        )
    if text[:1] in (" ", "\t", "\n"):
        raise OvfWriteError("a processing instruction's text may not start with whitespace", path=where)


def check_tokens(tokens: list[str], where: str) -> str:
    """A token list as an attribute value; refused when a token is empty or holds whitespace."""
    for token in tokens:
        if not isinstance(token, str):
            raise OvfWriteError(f"a token list holds a {type(token).__name__}, not a string", path=where)
    text = " ".join(tokens)
    if text.split() != list(tokens):
        raise OvfWriteError(
            "a token list entry is empty or contains whitespace, so it would not read back as one token",
            path=where,
        )
    return text


def illegal_character(text: str) -> int:
    """The offset of the first character XML 1.0 cannot carry, or -1."""
    found = _ILLEGAL.search(text)
    return -1 if found is None else found.start()


def _illegal_error(text: str, offset: int) -> OvfWriteError:
    return OvfWriteError(
        f"character U+{ord(text[offset]):04X} cannot be written in XML 1.0 (at offset {offset} of the output)"
    )


def encode_output(text: str, encoding: str) -> bytes:
    """Check the finished document for characters XML cannot carry, then encode it strictly.

    Raises ``UnicodeEncodeError`` when a character has no form in ``encoding`` (the caller then
    writes again with character references), ``OvfWriteError`` for characters XML 1.0 forbids.
    """
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise OvfWriteError(f"unknown output encoding {shown(encoding)}") from None
    if codec == "utf-8":
        # Scans of the encoded bytes are much faster than a regular expression over the text: C0
        # controls are single bytes in UTF-8, U+FFFE and U+FFFF have fixed forms, and a lone
        # surrogate cannot be encoded at all.
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            data = b""
        if (
            data
            and len(data.translate(None, _CONTROL_BYTES)) == len(data)
            and (data.isascii() or (b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data))
        ):
            return data
    offset = illegal_character(text)
    if offset >= 0:
        raise _illegal_error(text, offset)
    return text.encode(encoding)
