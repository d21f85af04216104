"""Encodings, wrong encoding declarations, invalid bytes and invalid characters, through every entry point.

A clean document reads the same in every encoding ovfkit accepts and is written back byte for byte;
UTF-7 is refused as hostile and EBCDIC as unsupported; a declaration the bytes contradict is read by
trusting the bytes, with a warning; bytes or characters XML does not allow are a located parse error.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import ovfkit
from tests.unit.xmlio.encodings import ENCODINGS, READABLE, REFUSED_AS_HOSTILE, REFUSED_AS_UNSUPPORTED
from tests.unit.xmlio.hostile import (
    BYTE_ENTRY_POINTS,
    Trap,
    as_text,
    assert_loaded,
    assert_refused,
    envelope,
    everywhere,
    with_declared_encoding,
)

CLEAN = envelope(body='<x:Note xmlns:x="urn:example">plain</x:Note>')
NON_ASCII = envelope(info="Caf\u00e9 \u00fcber alles")


@pytest.mark.parametrize("encoding", READABLE)
def test_a_clean_document_reads_and_round_trips_in_every_readable_encoding(
    encoding: str, tmp_path: Path
) -> None:
    data = ENCODINGS[encoding](CLEAN)
    outcomes = everywhere(data, tmp_path)
    for model, outcome in zip(assert_loaded(outcomes), outcomes, strict=True):
        assert model.virtual_systems()[0].info.value == "A virtual machine"
        if outcome.entry.name != "loads-str":
            assert ovfkit.dumps(model) == data


@pytest.mark.parametrize("encoding", REFUSED_AS_HOSTILE)
def test_utf7_is_refused_as_hostile(encoding: str, trap: Trap, tmp_path: Path) -> None:
    outcomes = everywhere(ENCODINGS[encoding](CLEAN), tmp_path)
    assert_refused(outcomes, ovfkit.OvfSecurityError, mentions="UTF-7")


@pytest.mark.parametrize("encoding", REFUSED_AS_UNSUPPORTED)
def test_ebcdic_is_refused_as_unsupported(encoding: str, tmp_path: Path) -> None:
    outcomes = everywhere(ENCODINGS[encoding](CLEAN), tmp_path, entries=BYTE_ENTRY_POINTS)
    assert_refused(outcomes, ovfkit.OvfParseError, mentions="EBCDIC")


# -- wrong encoding declarations --------------------------------------------------------------

#: name -> (document bytes, what the warning must say)
WRONG_DECLARATIONS: dict[str, tuple[bytes, str]] = {
    "utf-16-declared-utf-8-bytes": (with_declared_encoding(NON_ASCII, "UTF-16").encode("utf-8"), "UTF-16"),
    "utf-16le-declared-utf-8-bytes": (
        with_declared_encoding(NON_ASCII, "UTF-16LE").encode("utf-8"),
        "UTF-16LE",
    ),
    "utf-32-declared-utf-8-bytes": (with_declared_encoding(NON_ASCII, "UTF-32").encode("utf-8"), "UTF-32"),
    "ebcdic-declared-utf-8-bytes": (with_declared_encoding(NON_ASCII, "IBM037").encode("utf-8"), "IBM037"),
    "utf-16-declared-behind-a-utf-8-bom": (
        codecs.BOM_UTF8 + with_declared_encoding(NON_ASCII, "UTF-16").encode("utf-8"),
        "UTF-16",
    ),
    "latin-1-declared-behind-a-utf-16-bom": (
        codecs.BOM_UTF16_LE + with_declared_encoding(NON_ASCII, "ISO-8859-1").encode("utf-16-le"),
        "ISO-8859-1",
    ),
    "utf-8-declared-utf-16-bytes-without-bom": (NON_ASCII.encode("utf-16-be"), "UTF-8"),
}


@pytest.mark.parametrize("case", WRONG_DECLARATIONS)
def test_a_wrong_declaration_is_read_by_trusting_the_bytes_with_a_warning(case: str, tmp_path: Path) -> None:
    data, declared = WRONG_DECLARATIONS[case]
    outcomes = everywhere(data, tmp_path, entries=BYTE_ENTRY_POINTS)
    for model in assert_loaded(outcomes):
        assert model.virtual_systems()[0].info.value == "Caf\u00e9 \u00fcber alles"
        (warning,) = model.document.warnings
        assert f"declaration says {declared}" in warning
        out = ovfkit.dumps(model)
        assert out == data
        again = ovfkit.loads(out)
        assert again.document.warnings == model.document.warnings
        assert ovfkit.dumps(again) == data


# A str that declares an 8-bit charset other than UTF-8 is test_lead_repros.py's business.
@pytest.mark.parametrize("case", [c for c in WRONG_DECLARATIONS if "latin-1" not in c])
def test_a_wrong_declaration_in_a_str_keeps_the_text(case: str) -> None:
    data, _ = WRONG_DECLARATIONS[case]
    model = ovfkit.loads(as_text(data))
    assert model.virtual_systems()[0].info.value == "Caf\u00e9 \u00fcber alles"
    assert as_text(ovfkit.dumps(model)) == as_text(data)


def test_a_right_declaration_gives_no_warning(tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-no-bom", "utf-32-be-bom", "latin-1"):
        for model in assert_loaded(
            everywhere(ENCODINGS[encoding](NON_ASCII), tmp_path, entries=BYTE_ENTRY_POINTS)
        ):
            assert model.document.warnings == []
            assert model.virtual_systems()[0].info.value == "Caf\u00e9 \u00fcber alles"


# -- invalid bytes and characters ---------------------------------------------------------------

#: name -> raw bytes put into the Info text of a UTF-8 document
INVALID_BYTES: dict[str, bytes] = {
    "stray-continuation-byte": b"\x80",
    "ff-byte": b"\xff",
    "overlong-slash": b"\xc0\xaf",
    "encoded-surrogate": b"\xed\xa0\x80",
    "beyond-u10ffff": b"\xf4\x90\x80\x80",
    "latin-1-e-acute": b"caf\xe9",
    "truncated-sequence": b"\xe2\x82",
}

#: name -> text put into the document (raw control characters and references to forbidden characters)
INVALID_CHARACTERS: dict[str, str] = {
    "nul": "\x00",
    "soh": "\x01",
    "vertical-tab": "\x0b",
    "escape": "\x1b",
    "ref-to-nul": "&#0;",
    "hex-ref-to-nul": "&#x0;",
    "ref-to-control": "&#1;",
    "ref-to-fffe": "&#xFFFE;",
    "ref-to-ffff": "&#xFFFF;",
    "ref-to-surrogate": "&#xD800;",
    "ref-beyond-unicode": "&#x110000;",
    "ref-huge-number": "&#99999999999999999999;",
}


def _placed(template: str, raw: bytes) -> tuple[bytes, int]:
    """The document with ``raw`` where ``@@`` is, and the line that is on."""
    line = template[: template.index("@@")].count("\n") + 1
    return template.encode().replace(b"@@", raw), line


def _in_text(raw: bytes) -> tuple[bytes, int]:
    return _placed(envelope(info="@@"), raw)


def _in_attribute(raw: bytes) -> tuple[bytes, int]:
    return _placed(envelope(body='<x:a xmlns:x="urn:x" v="@@"/>'), raw)


def _in_name(raw: bytes) -> tuple[bytes, int]:
    return _placed(envelope(body='<x:a@@ xmlns:x="urn:x"/>'), raw)


PLACES = {"text": _in_text, "attribute": _in_attribute, "element-name": _in_name}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("case", INVALID_BYTES)
def test_invalid_bytes_are_a_located_parse_error(case: str, place: str, tmp_path: Path) -> None:
    data, line = PLACES[place](INVALID_BYTES[case])
    outcomes = everywhere(data, tmp_path)
    assert_refused(outcomes, ovfkit.OvfParseError)
    for outcome in outcomes:
        assert not isinstance(outcome.error, ovfkit.OvfSecurityError)
        assert outcome.error is not None and outcome.error.line == line


@pytest.mark.parametrize("place", ["text", "attribute"])
@pytest.mark.parametrize("case", INVALID_CHARACTERS)
def test_invalid_characters_are_a_located_parse_error(case: str, place: str, tmp_path: Path) -> None:
    data, line = PLACES[place](INVALID_CHARACTERS[case].encode())
    outcomes = everywhere(data, tmp_path)
    assert_refused(outcomes, ovfkit.OvfParseError)
    for outcome in outcomes:
        assert outcome.error is not None and outcome.error.line == line


@pytest.mark.parametrize(
    "raw", [b"\x00\xd8", b"\x00\xdc", b"\x00\xd8A\x00"], ids=["lone-high", "lone-low", "high-then-ascii"]
)
def test_a_lone_surrogate_in_utf16_is_a_located_parse_error(raw: bytes, tmp_path: Path) -> None:
    text = with_declared_encoding(envelope(info="@@"), "UTF-16")
    before, after = text.split("@@")
    data = codecs.BOM_UTF16_LE + before.encode("utf-16-le") + raw + after.encode("utf-16-le")
    outcomes = everywhere(data, tmp_path, entries=BYTE_ENTRY_POINTS)
    assert_refused(outcomes, ovfkit.OvfParseError, mentions="utf-16")
    for outcome in outcomes:
        assert outcome.error is not None and outcome.error.line == 5


@pytest.mark.parametrize(
    "declared", ["rot13", "base64", "hex", "zlib", "unicode_escape", "idna", "undefined", "x-no-such-charset"]
)
def test_a_declared_encoding_that_is_no_charset_is_a_parse_error(declared: str, tmp_path: Path) -> None:
    data = with_declared_encoding(CLEAN, declared).encode()
    outcomes = everywhere(data, tmp_path, entries=BYTE_ENTRY_POINTS)
    assert_refused(outcomes, ovfkit.OvfParseError, mentions=declared)
