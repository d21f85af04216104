"""Assertions the tests share: lossless round trips compared as C14N, prefixes and attribute order."""

from __future__ import annotations

from typing import Any

from lxml import etree


def parse_text(data: bytes) -> etree._Element:
    """Parse XML bytes for comparison, whatever their declared encoding (they are decoded first)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, encoding="utf-8", collect_ids=False
    )
    if data[:3] == b"\xef\xbb\xbf":
        text = data[3:].decode("utf-8")
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8")
    return etree.fromstring(text.encode("utf-8"), parser)


def c14n(root: etree._Element) -> bytes:
    """Canonical XML with comments."""
    return etree.tostring(root.getroottree(), method="c14n", with_comments=True)


def element_names(root: etree._Element) -> list[tuple[str | None, str, list[str]]]:
    """(prefix, tag, attribute names in order) of every element, in document order."""
    return [(el.prefix, el.tag, list(el.attrib)) for el in root.iter() if isinstance(el.tag, str)]


def assert_same_document(before: bytes, after: bytes) -> None:
    """The two documents are C14N-equal with the same prefixes and attribute order."""
    first, second = parse_text(before), parse_text(after)
    assert c14n(second) == c14n(first)
    assert element_names(second) == element_names(first)


def changed_elements(before: bytes, after: bytes) -> list[str]:
    """Tags of elements whose own start tag, text or tail differs (same-shape documents only)."""
    first, second = parse_text(before), parse_text(after)
    old = list(first.iter())
    new = list(second.iter())
    assert len(old) == len(new), "documents do not have the same number of nodes"
    changed = []
    for a, b in zip(old, new, strict=True):
        if (a.tag, a.text, a.tail, dict(a.attrib)) != (b.tag, b.text, b.tail, dict(b.attrib)):
            changed.append(a.tag if isinstance(a.tag, str) else "comment")
    return changed


def model_difference(first: Any, second: Any, path: str = "model") -> str | None:
    """Where two read models differ, comparing field values, key order and fields set; else None."""
    if type(first) is not type(second):
        return f"{path}: {type(first).__name__} != {type(second).__name__}"
    if hasattr(first, "__pydantic_fields_set__"):
        if first.__pydantic_fields_set__ != second.__pydantic_fields_set__:
            difference = first.__pydantic_fields_set__ ^ second.__pydantic_fields_set__
            return f"{path}: fields set differ in {difference}"
        return model_difference(first.__dict__, second.__dict__, path)
    if isinstance(first, dict):
        if list(first) != list(second):
            return f"{path}: keys {list(first)} != {list(second)}"
        for key in first:
            found = model_difference(first[key], second[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(first, (list, tuple)):
        if len(first) != len(second):
            return f"{path}: {len(first)} entries != {len(second)}"
        for index, (left, right) in enumerate(zip(first, second, strict=True)):
            found = model_difference(left, right, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if first == second else f"{path}: {first!r} != {second!r}"
