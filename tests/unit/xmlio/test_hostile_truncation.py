"""Truncated documents: cut anywhere before the root's end tag, every one is a located ``OvfParseError``.

Corpus files are cut at every byte (through ``loads``) and at a stride of points through every entry
point; a non-ASCII document is cut in UTF-8, UTF-16 (mid code unit) and UTF-32 as well.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import ovfkit
from tests.conftest import CORPUS, needs_corpus
from tests.unit.xmlio.hostile import ENTRY_POINTS, assert_error_shape, assert_refused, attempt, envelope

CORPUS_FILES = [
    "govmomi/deploymentoption.ovf",
    "vsphere-provisioning/ovf-env.xml",
    "ovirt/rhv-rest-api-guide-snapshot-all-content.ovf",
]

NON_ASCII = envelope(
    info="Caf\u00e9 \u2603 \U0001f600",
    body='<x:Note xmlns:x="urn:x" x:lang="\u65e5\u672c">\u00fcber</x:Note>',
)


def root_end(data: bytes, codec: str = "utf-8") -> int:
    """The offset where the root's end tag ends (every shorter prefix is not well formed)."""
    close, gt = "</".encode(codec), ">".encode(codec)
    return data.index(gt, data.rindex(close)) + len(gt)


def assert_truncation_refused(data: bytes, cut: int, source: str = "<bytes>") -> None:
    with pytest.raises(ovfkit.OvfParseError) as caught:
        ovfkit.loads(data[:cut])
    error = assert_error_shape(caught.value, source)
    assert type(error) is ovfkit.OvfParseError, f"cut at {cut}: {error}"


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_a_corpus_file_cut_at_every_byte(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    stride = 1 if len(data) < 5000 else 7
    for cut in range(0, root_end(data), stride):
        assert_truncation_refused(data, cut)


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_a_corpus_file_cut_through_every_entry_point(name: str, tmp_path: Path) -> None:
    data = (CORPUS / name).read_bytes()
    for cut in range(0, root_end(data), 97 if len(data) < 5000 else 293):
        assert_refused([attempt(entry, data[:cut], tmp_path) for entry in ENTRY_POINTS], ovfkit.OvfParseError)


#: name -> (the document's bytes, the codec of its body)
ENCODED: dict[str, tuple[bytes, str]] = {
    "utf-8": (NON_ASCII.encode("utf-8"), "utf-8"),
    "utf-16-le-bom": (
        codecs.BOM_UTF16_LE + NON_ASCII.replace("UTF-8", "UTF-16").encode("utf-16-le"),
        "utf-16-le",
    ),
    "utf-16-be-no-bom": (NON_ASCII.replace("UTF-8", "UTF-16").encode("utf-16-be"), "utf-16-be"),
    "utf-32-le-bom": (
        codecs.BOM_UTF32_LE + NON_ASCII.replace("UTF-8", "UTF-32").encode("utf-32-le"),
        "utf-32-le",
    ),
}


@pytest.mark.parametrize("encoding", ENCODED)
def test_a_non_ascii_document_cut_at_every_byte(encoding: str) -> None:
    data, codec = ENCODED[encoding]
    assert ovfkit.loads(data).virtual_systems()[0].info.value == "Caf\u00e9 \u2603 \U0001f600"
    for cut in range(0, root_end(data, codec)):
        assert_truncation_refused(data, cut)


@pytest.mark.parametrize("encoding", ENCODED)
def test_a_non_ascii_document_cut_through_every_entry_point(encoding: str, tmp_path: Path) -> None:
    data, codec = ENCODED[encoding]
    for cut in range(0, root_end(data, codec), 61):
        outcomes = [
            attempt(entry, data[:cut], tmp_path) for entry in ENTRY_POINTS if entry.name != "loads-str"
        ]
        assert_refused(outcomes, ovfkit.OvfParseError)
        for outcome in outcomes:
            assert type(outcome.error) is ovfkit.OvfParseError
