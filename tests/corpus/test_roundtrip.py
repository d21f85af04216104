"""Every well-formed corpus file reads and writes back losslessly."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import ovfkit
from tests.conftest import corpus_documents, corpus_id, needs_corpus

pytestmark = [needs_corpus, pytest.mark.corpus]

WELL_FORMED = corpus_documents(well_formed=True)
BROKEN = corpus_documents(well_formed=False)


def parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, encoding="utf-8")
    text = data.decode("utf-8-sig") if data[:3] == b"\xef\xbb\xbf" else data.decode("utf-8")
    # parse the text itself so that a declared encoding does not matter
    return etree.fromstring(text.encode("utf-8"), parser)


def c14n(root: etree._Element) -> bytes:
    return etree.tostring(root.getroottree(), method="c14n", with_comments=True)


def names(root: etree._Element) -> list[tuple[str | None, str, list[str]]]:
    """(prefix, tag, attribute names in order) for every element."""
    return [(el.prefix, el.tag, list(el.attrib)) for el in root.iter() if isinstance(el.tag, str)]


@pytest.mark.parametrize("path", WELL_FORMED, ids=corpus_id)
def test_round_trip_is_lossless(path: Path) -> None:
    data = path.read_bytes()
    model = ovfkit.loads(data)
    out = ovfkit.dumps(model)
    before, after = parse(data), parse(out)
    assert c14n(after) == c14n(before)
    assert names(after) == names(before)
    # the bytes before the root element (BOM, declaration, comments) are kept exactly
    head = data[: data.index(b"<", data.index(b"<") + 1)] if data.lstrip().startswith(b"<?xml") else b""
    assert out.startswith(head)


@pytest.mark.parametrize("path", WELL_FORMED, ids=corpus_id)
def test_second_round_trip_is_identical(path: Path) -> None:
    first = ovfkit.dumps(ovfkit.loads(path.read_bytes()))
    assert ovfkit.dumps(ovfkit.loads(first)) == first


@pytest.mark.parametrize("path", BROKEN, ids=corpus_id)
def test_broken_files_raise_located_parse_errors(path: Path) -> None:
    with pytest.raises(ovfkit.OvfParseError) as caught:
        ovfkit.load(path)
    assert caught.value.line is not None
    assert caught.value.column is not None
    assert str(path) in str(caught.value)
