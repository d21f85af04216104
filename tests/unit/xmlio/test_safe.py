"""ovfkit.xmlio.safe: size cap, decoding, DOCTYPE refusal, node counts, the parser's locks, messages."""

from __future__ import annotations

import codecs
import dataclasses
import io
from pathlib import Path

import pytest
from lxml import etree

import ovfkit
from ovfkit.xmlio import safe
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits, parse_bytes, parse_text, read_source
from tests.unit.xmlio.hostile import OVF1, Trap, envelope, with_declared_encoding

CLEAN = envelope()

# -- limits ---------------------------------------------------------------------------------------


def test_the_default_limits() -> None:
    assert Limits() == DEFAULT_LIMITS
    assert dataclasses.asdict(DEFAULT_LIMITS) == {
        "max_bytes": 64 * 1024 * 1024,
        "max_depth": 128,
        "max_text": 8 * 1024 * 1024,
        "max_elements": 500_000,
        "max_nodes": 1_000_000,
        "max_attributes": 1_000,
        "max_namespace_declarations": 10_000,
    }
    assert ovfkit.Limits is Limits


def test_limits_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_LIMITS.max_bytes = 1  # type: ignore[misc]


# -- decoding -------------------------------------------------------------------------------------

#: name -> (bytes, BOM kept, encoding used)
DECODED = {
    "utf-8": (CLEAN.encode(), False, "utf-8"),
    "utf-8-bom": (codecs.BOM_UTF8 + CLEAN.encode(), True, "utf-8"),
    "utf-16-le-bom": (
        codecs.BOM_UTF16_LE + with_declared_encoding(CLEAN, "UTF-16").encode("utf-16-le"),
        True,
        "utf-16-le",
    ),
    "utf-16-be-no-bom": (with_declared_encoding(CLEAN, "UTF-16").encode("utf-16-be"), False, "utf-16-be"),
    "utf-16-le-undeclared": (CLEAN.split("?>\n", 1)[1].encode("utf-16-le"), False, "utf-16-le"),
    "utf-32-be-bom": (
        codecs.BOM_UTF32_BE + with_declared_encoding(CLEAN, "UTF-32").encode("utf-32-be"),
        True,
        "utf-32-be",
    ),
    "latin-1": (with_declared_encoding(CLEAN, "ISO-8859-1").encode("latin-1"), False, "iso8859-1"),
    "windows-1252": (with_declared_encoding(CLEAN, "windows-1252").encode("cp1252"), False, "cp1252"),
}


@pytest.mark.parametrize("case", DECODED)
def test_parse_bytes_records_how_the_bytes_were_decoded(case: str) -> None:
    data, bom, encoding = DECODED[case]
    parsed = parse_bytes(data)
    assert (parsed.bom, parsed.encoding, parsed.warnings) == (bom, encoding, [])
    assert parsed.root.tag == f"{{{OVF1}}}Envelope"
    assert not parsed.text.startswith("\ufeff")
    if parsed.declaration is not None:
        assert parsed.text.startswith(parsed.declaration)


def test_a_processing_instruction_with_a_gt_stays_in_the_prolog() -> None:
    head = "<?pi a > b?>\n<!-- c > d -->\n<?other?>\n"
    data = envelope(head=head).encode()
    parsed = parse_bytes(data)
    assert parsed.text[: parsed.prolog_end].endswith(head)
    model = ovfkit.loads(data)
    assert ovfkit.dumps(model) == data


@pytest.mark.parametrize(
    ("declared", "kind"),
    [
        ("UTF-7", ovfkit.OvfSecurityError),
        ("csUnicode11UTF7", ovfkit.OvfSecurityError),
        ("rot13", ovfkit.OvfParseError),
    ],
)
def test_encodings_that_are_refused(declared: str, kind: type[ovfkit.OvfError]) -> None:
    with pytest.raises(kind) as caught:
        parse_bytes(with_declared_encoding(CLEAN, declared).encode())
    assert (caught.value.line, caught.value.column) == (1, 1)


def test_an_unknown_encoding_name_is_quoted_short() -> None:
    data = with_declared_encoding(CLEAN, "x" * 5000).encode()
    with pytest.raises(ovfkit.OvfParseError, match="unknown encoding") as caught:
        parse_bytes(data)
    assert len(str(caught.value)) < 150


def test_empty_input_is_a_located_parse_error() -> None:
    for data in (b"", b"   \n\t"):
        with pytest.raises(ovfkit.OvfParseError, match="empty") as caught:
            parse_bytes(data)
        assert (caught.value.line, caught.value.column) == (1, 1)


# -- DOCTYPE --------------------------------------------------------------------------------------


def test_the_parsed_tree_is_checked_for_a_doctype_too(monkeypatch: pytest.MonkeyPatch, trap: Trap) -> None:
    """The second lock: were the prolog scan to miss a DOCTYPE, the parsed tree still shows it."""
    monkeypatch.setattr(safe, "_scan_prolog", lambda text, name: (None, 0))
    data = trap.fill(
        envelope(head='<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "{canary_url}">]>\n', info="x")
    ).encode()
    with pytest.raises(ovfkit.OvfSecurityError, match="DOCTYPE") as caught:
        parse_bytes(data)
    trap.assert_clean(caught.value)


@pytest.mark.parametrize(
    "prefix",
    [codecs.BOM_UTF8 + codecs.BOM_UTF8, codecs.BOM_UTF16_LE + "\ufeff".encode("utf-16-le")],
    ids=["utf-8", "utf-16"],
)
def test_a_doctype_behind_a_second_bom_is_refused_before_parsing(
    prefix: bytes, monkeypatch: pytest.MonkeyPatch, trap: Trap
) -> None:
    """libxml2 skips a BOM at the start of the UTF-8 it is given: a second BOM must not hide a DOCTYPE."""
    monkeypatch.setattr(safe, "_parser", lambda: pytest.fail("libxml2 was given the document"))
    text = trap.fill('<!DOCTYPE Envelope [<!ENTITY x SYSTEM "{canary_url}">]><Envelope>&x;</Envelope>')
    codec = "utf-8" if prefix.startswith(codecs.BOM_UTF8) else "utf-16-le"
    with pytest.raises(ovfkit.OvfParseError, match="second byte order mark") as caught:
        parse_bytes(prefix + text.encode(codec))
    trap.assert_clean(caught.value)
    with pytest.raises(ovfkit.OvfParseError, match="second byte order mark"):
        parse_text("\ufeff\ufeff" + text)


def test_the_resolver_answers_nothing(trap: Trap) -> None:
    """The third lock: a parser of ours that was told to load a DTD still gets nothing from disk."""
    parser = etree.XMLParser(load_dtd=True, resolve_entities=True, no_network=True)
    parser.resolvers.add(safe._RefuseResolver())
    data = trap.fill('<!DOCTYPE r SYSTEM "{dtd_url}"><r>&leak;</r>').encode()
    with pytest.raises(etree.XMLSyntaxError, match="leak"):
        etree.fromstring(data, parser)
    data = trap.fill('<!DOCTYPE r [<!ENTITY e SYSTEM "{canary_url}">]><r>&e;</r>').encode()
    root = etree.fromstring(data, parser)
    trap.assert_clean(etree.tostring(root))


def test_the_parser_options_are_the_hardened_ones() -> None:
    options = safe._PARSER_OPTIONS
    assert options["resolve_entities"] is False
    assert options["load_dtd"] is False
    assert options["no_network"] is True
    assert options["huge_tree"] is False
    assert options["encoding"] == "utf-8"


# -- node counts --------------------------------------------------------------------------------------


def _with(body: str) -> bytes:
    return f'<Envelope xmlns="{OVF1}">{body}</Envelope>'.encode()


@pytest.mark.parametrize(
    ("unit", "per_unit"),
    [("<a/>", 1), ('<a b="" c=""/>', 3), ("<!---->", 1), ("<?p?>", 1), ('<a xmlns:p="urn:p"/>', 2)],
    ids=["element", "attributes", "comment", "pi", "namespace-declaration"],
)
def test_the_node_limit_edge(unit: str, per_unit: int) -> None:
    units = 30
    nodes = 1 + 1 + units * per_unit  # the Envelope, its xmlns, the units
    parse_bytes(_with(unit * units), limits=Limits(max_nodes=nodes))
    with pytest.raises(ovfkit.OvfSecurityError, match=f"more nodes .* limit of {nodes - 1}") as caught:
        parse_bytes(_with(unit * units), limits=Limits(max_nodes=nodes - 1))
    assert caught.value.line == 1


def test_the_element_limit_edge() -> None:
    data = _with("\n<a/>" * 40)
    parse_bytes(data, limits=Limits(max_elements=41))
    with pytest.raises(ovfkit.OvfSecurityError, match="more elements than the limit of 40") as caught:
        parse_bytes(data, limits=Limits(max_elements=40))
    assert caught.value.line == 41


def test_a_malformed_document_over_the_byte_bound_is_left_to_the_parse() -> None:
    with pytest.raises(ovfkit.OvfParseError) as caught:
        parse_bytes(_with("<a/>" * 100 + "<b>"), limits=Limits(max_elements=10))
    assert not isinstance(caught.value, ovfkit.OvfSecurityError)


# -- read_source ----------------------------------------------------------------------------------------


def test_read_source_names_each_kind_of_source(tmp_path: Path) -> None:
    path = tmp_path / "a.ovf"
    path.write_bytes(b"<x/>")
    assert read_source(b"<x/>") == (b"<x/>", "<bytes>")
    assert read_source("\ufeff <x/>") == ("\ufeff <x/>".encode(), "<string>")
    assert read_source(str(path)) == (b"<x/>", str(path))
    assert read_source(path) == (b"<x/>", str(path))
    assert read_source(io.BytesIO(b"<x/>")) == (b"<x/>", "<stream>")
    assert read_source(io.StringIO("<x/>")) == (b"<x/>", "<stream>")
    with path.open("rb") as handle:
        assert read_source(handle) == (b"<x/>", str(path))
    assert read_source(io.BytesIO(b"<x/>"), name="<stdin>") == (b"<x/>", "<stdin>")


def test_read_source_reads_one_byte_past_the_limit_and_names_the_input_it_refuses() -> None:
    stream = io.BytesIO(b" " * 100)
    with pytest.raises(ovfkit.OvfSecurityError, match="larger than the limit of 10 bytes") as caught:
        read_source(stream, Limits(max_bytes=10), name="<stdin>")
    assert caught.value.source == "<stdin>"
    assert stream.tell() == 11


def test_read_source_failures_are_typed(tmp_path: Path) -> None:
    with pytest.raises(ovfkit.OvfParseError, match="cannot read file") as caught:
        read_source(tmp_path / "missing.ovf")
    assert caught.value.source == str(tmp_path / "missing.ovf")
    with pytest.raises(ovfkit.OvfParseError, match="cannot read file"):
        read_source(tmp_path)

    class Broken:
        def read(self, size: int) -> None:
            return None

    with pytest.raises(ovfkit.OvfParseError, match="did not return bytes"):
        read_source(Broken())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        read_source(42)  # type: ignore[arg-type]


# -- parse_text: a str is already decoded ----------------------------------------------------------------

NON_ASCII = envelope(info="Caf\u00e9")


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [("UTF-8", "utf-8"), ("ISO-8859-1", "iso8859-1"), ("UTF-16", "utf-16"), ("UTF-32", "utf-32")],
)
def test_parse_text_trusts_the_str_and_keeps_the_declared_encoding(declared: str, encoding: str) -> None:
    parsed = parse_text(with_declared_encoding(NON_ASCII, declared))
    assert (parsed.encoding, parsed.bom, parsed.warnings) == (encoding, False, [])
    assert parsed.root.find(f".//{{{OVF1}}}Info").text == "Caf\u00e9"


def test_parse_text_writes_ebcdic_declared_text_as_utf8() -> None:
    parsed = parse_text(with_declared_encoding(NON_ASCII, "IBM037"))
    assert parsed.encoding == "utf-8"
    (warning,) = parsed.warnings
    assert "IBM037" in warning


def test_parse_text_keeps_a_leading_bom_as_a_fact() -> None:
    parsed = parse_text("\ufeff" + NON_ASCII)
    assert parsed.bom and not parsed.text.startswith("\ufeff")


def test_parse_text_refuses_what_parse_bytes_refuses(trap: Trap) -> None:
    hostile = trap.fill(
        envelope(head='<!DOCTYPE Envelope [<!ENTITY x SYSTEM "{canary_url}">]>\n', info="&x;")
    )
    for text, kind in (
        (hostile, ovfkit.OvfSecurityError),
        (with_declared_encoding(hostile, "UTF-16"), ovfkit.OvfSecurityError),
        (with_declared_encoding(CLEAN, "UTF-7"), ovfkit.OvfSecurityError),
        (CLEAN + " " * 100, ovfkit.OvfSecurityError),
        (CLEAN.replace("A virtual", "A \ud800 virtual"), ovfkit.OvfParseError),
        ("", ovfkit.OvfParseError),
    ):
        with pytest.raises(kind) as caught:
            parse_text(text, limits=Limits(max_bytes=len(CLEAN.encode()) + 50))
        assert caught.value.line is not None
        trap.assert_clean(caught.value)


# -- messages ---------------------------------------------------------------------------------------------


def test_libxml2_limit_messages_are_one_line_security_errors() -> None:
    data = envelope(body='<x:a xmlns:x="urn:x" v="' + "v" * (11 * 1024 * 1024) + '"/>').encode()
    with pytest.raises(ovfkit.OvfSecurityError, match="parser limit") as caught:
        parse_bytes(data)
    assert "\n" not in str(caught.value)
    assert caught.value.column is not None


def test_a_syntax_error_message_is_short_even_for_a_long_name() -> None:
    name = "n" * 40_000
    data = envelope(body=f'<x:{name} xmlns:x="urn:x"></x:other>').encode()
    with pytest.raises(ovfkit.OvfParseError) as caught:
        parse_bytes(data)
    assert len(str(caught.value)) < 300
