"""Every well-formed corpus file reads and writes back losslessly."""

from __future__ import annotations

from pathlib import Path

import pytest

import ovfkit
from tests.conftest import corpus_documents, corpus_id, needs_corpus
from tests.helpers import assert_same_document

pytestmark = [needs_corpus, pytest.mark.corpus]

WELL_FORMED = corpus_documents(well_formed=True)
BROKEN = corpus_documents(well_formed=False)


@pytest.mark.parametrize("path", WELL_FORMED, ids=corpus_id)
def test_round_trip_is_lossless(path: Path) -> None:
    data = path.read_bytes()
    model = ovfkit.loads(data)
    out = ovfkit.dumps(model)
    assert_same_document(data, out)
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
