"""The root element's start tag as written, so that a write of an unchanged root gives it back byte for byte.

lxml tells the reader a start tag's attributes and namespace declarations, but not where each
declaration stood among the attributes, nor the spacing and quoting between them. The reader keeps
the root's start tag text (``Document.root_tag``); the writer puts it in place of the one it renders
when both say the same thing: the same name, declarations and attributes with the same values.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["empty_tag_end", "first_start_tag", "same_start_tag", "start_tag_at"]

#: A start tag: its name, then attributes with quoted values (no "<" can be inside a value).
_START = re.compile(r"<[^\s/>!?]+(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*\s*/?>")
#: Markup that can stand before the root: comments, processing instructions, a start tag.
_BEFORE_ROOT = re.compile(r"<!--.*?-->|<\?.*?\?>|(" + _START.pattern + ")", re.DOTALL)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
#: How many elements the reader looks through for an empty one, and how many lines down the text.
_EMPTY_LOOK_ELEMENTS = 64
_EMPTY_LOOK_LINES = 4096


def start_tag_at(text: str, position: int) -> str | None:
    """The start tag that begins at ``position`` of ``text``, or None."""
    match = _START.match(text, position)
    return match.group(0) if match else None


def first_start_tag(text: str) -> tuple[int, int] | None:
    """Where the first start tag of a document is (after its declaration, comments and PIs)."""
    for match in _BEFORE_ROOT.finditer(text):
        if match.group(1) is not None:
            return match.start(1), match.end(1)
    return None


def _facts(tag: str) -> tuple[object, ...] | None:
    """Name, prefix, declarations and attributes (in order) of a start tag; None when it does not parse."""
    if not _START.fullmatch(tag):
        return None
    closed = tag if tag.endswith("/>") else tag[:-1].rstrip() + "/>"
    try:
        el = etree.fromstring(closed.encode("utf-8", "surrogatepass"), _PARSER)
    except etree.XMLSyntaxError:
        return None
    return (el.tag, el.prefix, sorted(el.nsmap.items(), key=repr), el.items(), tag.endswith("/>"))


def same_start_tag(written: str, rendered: str) -> bool:
    """Whether a start tag as written says what the rendered one says (spacing, order of declarations
    among attributes, quotes and escapes aside)."""
    facts = _facts(written)
    return facts is not None and facts == _facts(rendered)


def _line_end(text: str, line: int) -> int:
    """The offset just past line ``line`` (1-based) of ``text``."""
    position = -1
    for _ in range(line):
        position = text.find("\n", position + 1)
        if position < 0:
            return len(text)
    return position


def empty_tag_end(root: etree._Element, text: str) -> str:
    """How the document ends its empty-element tags, ``/>`` or `` />``: from the first one it wrote.

    The first empty element (among the first few) is found in the tree, and its start tag in the
    text, ending on the line libxml2 gives: a ``/>`` in a comment or an attribute value cannot
    mislead it. An element written ``<a></a>`` is passed over; with none found, ``/>``.
    """
    for count, el in enumerate(root.iter()):
        if count >= _EMPTY_LOOK_ELEMENTS:
            break
        tag = el.tag
        if not isinstance(tag, str) or len(el) or el.text is not None:
            continue
        line = el.sourceline
        if not isinstance(line, int) or line > _EMPTY_LOOK_LINES:
            break
        local = tag.rpartition("}")[2]
        opening = f"<{el.prefix}:{local}" if el.prefix else f"<{local}"
        end = _line_end(text, line)
        start = text.rfind(opening, 0, end)
        while start >= 0 and text[start + len(opening) : start + len(opening) + 1] not in (
            "/",
            ">",
            " ",
            "\t",
            "\n",
            "\r",
        ):
            start = text.rfind(opening, 0, start)  # a longer name that starts alike
        written = start_tag_at(text, start) if start >= 0 else None
        if written is not None and written.endswith("/>"):
            return " />" if written[-3:-2].isspace() else "/>"
    return "/>"
