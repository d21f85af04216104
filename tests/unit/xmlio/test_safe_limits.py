"""ovfkit.xmlio.safe: the attribute and namespace-declaration limits, counted before libxml2 parses.

Exactly at a limit parses; one over is an ``OvfSecurityError`` at the line and column (in
characters) of the first attribute or declaration over it. ``=`` and ``xmlns`` in text, comments,
CDATA sections, processing instructions and attribute values do not count; a comment opener inside
a CDATA section hides nothing. Documents well within the limits never reach the exact scans.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import ovfkit
from ovfkit.xmlio import safe
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits, parse_bytes, parse_text
from tests.conftest import corpus_documents, needs_corpus
from tests.unit.xmlio.hostile import OVF1, envelope

CORPUS_ATTRIBUTES_MOST = 21
CORPUS_DECLARATIONS_MOST = 63


def _document(body: str) -> str:
    """The Envelope (one namespace declaration) on line 1, ``body`` from line 2."""
    return f'<Envelope xmlns="{OVF1}">\n{body}\n</Envelope>'


def _crowded_tag(count: int, *, prefix: str = "  ", separator: str = " ", assign: str = '=""') -> str:
    """A start tag of exactly ``count`` attributes, its namespace declaration included."""
    names = [f"a{i}{assign}" for i in range(count - 1)]
    return f'{prefix}<x:f xmlns:x="urn:x"{separator}' + separator.join(names) + "/>"


def _column_of(line: str, needle: str) -> int:
    return line.index(needle) + 1


@pytest.mark.parametrize("value", [-1, 1.5, True, "3", None])
@pytest.mark.parametrize("field", ["max_attributes", "max_namespace_declarations", "max_bytes"])
def test_a_limit_must_be_a_whole_number_of_at_least_zero(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"Limits.{field} must be a whole number"):
        Limits(**{field: value})  # type: ignore[arg-type]


def test_a_limit_of_zero_refuses_the_first_one() -> None:
    data = _document("<Info/>").encode()
    with pytest.raises(ovfkit.OvfSecurityError, match="limit of 0") as caught:
        parse_bytes(data, limits=Limits(max_attributes=0))
    assert (caught.value.line, caught.value.column) == (1, len("<Envelope ") + 1)
    with pytest.raises(ovfkit.OvfSecurityError, match="declarations than the limit of 0"):
        parse_bytes(data, limits=Limits(max_namespace_declarations=0))


# -- attributes in one start tag ------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 3, 50, 1000])
def test_the_attribute_limit_edge(limit: int) -> None:
    limits = Limits(max_attributes=limit)
    parse_bytes(_document(_crowded_tag(limit)).encode(), limits=limits)
    over = _crowded_tag(limit + 1)
    message = f"x:f has more attributes than the limit of {limit}"
    with pytest.raises(ovfkit.OvfSecurityError, match=message) as caught:
        parse_bytes(_document(over).encode(), name="edge.ovf", limits=limits)
    error = caught.value
    assert (error.source, error.line, error.column) == ("edge.ovf", 2, _column_of(over, f"a{limit - 1}="))


def test_the_default_attribute_limit_is_1000_and_holds() -> None:
    assert DEFAULT_LIMITS.max_attributes == 1000 > 40 * CORPUS_ATTRIBUTES_MOST
    parse_bytes(_document(_crowded_tag(1000)).encode())
    with pytest.raises(ovfkit.OvfSecurityError, match="limit of 1000") as caught:
        parse_bytes(_document(_crowded_tag(1001)).encode())
    assert caught.value.line == 2


def test_namespace_declarations_count_as_attributes() -> None:
    declarations = " ".join(f'xmlns:n{i}="urn:n"' for i in range(5))
    tag = f'<x:f xmlns:x="urn:x" {declarations}/>'
    parse_bytes(_document(tag).encode(), limits=Limits(max_attributes=6))
    with pytest.raises(ovfkit.OvfSecurityError) as caught:
        parse_bytes(_document(tag).encode(), limits=Limits(max_attributes=5))
    assert caught.value.column == _column_of(tag, "xmlns:n4=")


@pytest.mark.parametrize(
    ("separator", "assign"),
    [("\n\t", '=""'), ("  ", "='v'"), (" ", ' = "v"'), ("\r\n ", '="a > b"'), (" ", '="&amp;&#60;"')],
    ids=["newline-tab", "single-quotes", "spaces-around-equals", "gt-in-value", "references"],
)
def test_every_way_of_writing_an_attribute_counts(separator: str, assign: str) -> None:
    limits = Limits(max_attributes=40)
    parse_bytes(_document(_crowded_tag(40, separator=separator, assign=assign)).encode(), limits=limits)
    with pytest.raises(ovfkit.OvfSecurityError, match="limit of 40"):
        parse_bytes(_document(_crowded_tag(41, separator=separator, assign=assign)).encode(), limits=limits)


_EQUALS = "=" * 2000
_FAKE_TAG = "<a " + " ".join(f'b{i}=""' for i in range(200)) + "/>"


@pytest.mark.parametrize(
    "body",
    [
        f"<Info>{_EQUALS}</Info>",
        f"<Info><b>x</b>{_EQUALS}</Info>",
        f"<!--{_FAKE_TAG}{_EQUALS}-->",
        f"<Info><![CDATA[{_FAKE_TAG}{_EQUALS}]]></Info>",
        f"<?pi {_FAKE_TAG}{_EQUALS}?>",
        f'<x:f xmlns:x="urn:x" a="{_EQUALS}"/>',
    ],
    ids=["text", "text-after-an-end-tag", "comment", "cdata", "pi", "attribute-value"],
)
def test_equals_outside_start_tags_do_not_count(body: str) -> None:
    assert parse_bytes(_document(body).encode(), limits=Limits(max_attributes=3)).root is not None


def test_a_comment_opener_inside_cdata_hides_no_start_tag() -> None:
    tag = _crowded_tag(200, prefix="")
    body = "<Info><![CDATA[ <!-- ]]></Info>\n" + tag + "\n<!-- -->"
    with pytest.raises(ovfkit.OvfSecurityError, match="limit of 100") as caught:
        parse_bytes(_document(body).encode(), limits=Limits(max_attributes=100))
    assert (caught.value.line, caught.value.column) == (3, _column_of(tag, "a99="))


def test_an_unterminated_comment_before_a_crowded_tag_is_left_to_the_parse() -> None:
    body = "<!-- never closed\n" + _crowded_tag(200)
    with pytest.raises(ovfkit.OvfParseError) as caught:
        parse_bytes(_document(body).encode(), limits=Limits(max_attributes=100))
    assert not isinstance(caught.value, ovfkit.OvfSecurityError)


def test_a_malformed_attribute_before_the_limit_is_left_to_the_parse() -> None:
    tag = '<x:f xmlns:x="urn:x" a0=unquoted ' + " ".join(f'a{i}=""' for i in range(1, 300)) + "/>"
    with pytest.raises(ovfkit.OvfParseError) as caught:
        parse_bytes(_document(tag).encode(), limits=Limits(max_attributes=100))
    assert not isinstance(caught.value, ovfkit.OvfSecurityError)


def test_the_column_counts_characters_and_survives_other_encodings() -> None:
    tag = (
        '<x:f xmlns:x="urn:x" t="\u00e9\u00e9\u00e9\u4e2d" ' + " ".join(f'a{i}=""' for i in range(30)) + "/>"
    )
    text = _document(tag)
    expected = (2, _column_of(tag, "a28="))
    limits = Limits(max_attributes=30)
    for data in (
        text.encode("utf-8"),
        codecs.BOM_UTF8 + text.encode("utf-8"),
        codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        text.encode("utf-32-be"),
    ):
        with pytest.raises(ovfkit.OvfSecurityError) as caught:
            parse_bytes(data, limits=limits)
        assert (caught.value.line, caught.value.column) == expected
    with pytest.raises(ovfkit.OvfSecurityError) as caught:
        parse_text(text, limits=limits)
    assert (caught.value.line, caught.value.column) == expected


def test_a_long_element_name_is_quoted_short() -> None:
    name = "x:" + "n" * 5000
    tag = f'<{name} xmlns:x="urn:x" ' + " ".join(f'a{i}=""' for i in range(10)) + "/>"
    with pytest.raises(ovfkit.OvfSecurityError) as caught:
        parse_bytes(_document(tag).encode(), limits=Limits(max_attributes=5))
    assert len(str(caught.value)) < 300


# -- namespace declarations in one document ---------------------------------------------------------------


def _declarations(count: int) -> str:
    """A document of exactly ``count`` namespace declarations, the last on line ``count``."""
    lines = ['<x:f xmlns:x="urn:x"/>', "<f xmlns=''/>", '<x:f xmlns:x="urn:y" xmlns:y="urn:x"/>']
    body: list[str] = []
    declared = 1
    while declared < count:
        line = lines[len(body) % len(lines)]
        if declared + line.count("xmlns") > count:
            line = lines[0]
        body.append(line)
        declared += line.count("xmlns")
    return _document("\n".join(body))


def _position_of_declaration(document: str, number: int) -> tuple[int, int]:
    """Line and column of the ``number``-th ``xmlns`` (every one is a declaration in these documents)."""
    offset = -1
    for _ in range(number):
        offset = document.index("xmlns", offset + 1)
    line = document.count("\n", 0, offset) + 1
    return line, offset - document.rfind("\n", 0, offset)


@pytest.mark.parametrize("limit", [1, 2, 60, 700])
def test_the_namespace_declaration_limit_edge(limit: int) -> None:
    limits = Limits(max_namespace_declarations=limit)
    parse_bytes(_declarations(limit).encode(), limits=limits)
    document = _declarations(limit + 1)
    message = f"more namespace declarations than the limit of {limit}"
    with pytest.raises(ovfkit.OvfSecurityError, match=message) as caught:
        parse_bytes(document.encode(), name="edge.ovf", limits=limits)
    error = caught.value
    assert (error.source, error.line, error.column) == (
        "edge.ovf",
        *_position_of_declaration(document, limit + 1),
    )


def test_the_default_namespace_declaration_limit_is_10000_and_holds() -> None:
    assert DEFAULT_LIMITS.max_namespace_declarations == 10_000 > 100 * CORPUS_DECLARATIONS_MOST
    parse_bytes(_declarations(10_000).encode())
    with pytest.raises(ovfkit.OvfSecurityError, match="limit of 10000") as caught:
        parse_bytes(_declarations(10_001).encode())
    assert caught.value.line is not None and caught.value.column is not None


def test_xmlns_outside_declarations_does_not_count() -> None:
    filler = " ".join(["xmlns=", "xmlns:p=", 'xmlns="u"'] * 100)
    in_value = "xmlns='u' xmlns:p='v' " * 100
    body = (
        f"<Info>{filler}</Info><!-- {filler} --><![CDATA[ <a {filler}> ]]><?pi {filler}?>"
        f'<x:f xmlns:x="urn:x" a="{in_value}" xmlnsfoo="1" xmlns.x="2"/>'
    )
    parse_bytes(_document(body).encode(), limits=Limits(max_namespace_declarations=2))
    with pytest.raises(ovfkit.OvfSecurityError):
        parse_bytes(_document(body).encode(), limits=Limits(max_namespace_declarations=1))


def test_a_malformed_declaration_ends_the_count_and_is_left_to_the_parse() -> None:
    body = '<x:f xmlns:y=unquoted xmlns:x="urn:x"/>' + '<a xmlns:p="urn:p"/>' * 50
    with pytest.raises(ovfkit.OvfParseError) as caught:
        parse_bytes(_document(body).encode(), limits=Limits(max_namespace_declarations=10))
    assert not isinstance(caught.value, ovfkit.OvfSecurityError)
    assert (caught.value.line, caught.value.column) == (2, body.index("xmlns:y=") + 9)


def test_the_node_limit_is_checked_before_the_declaration_limit() -> None:
    # both are over; the node count (the older limit) names what is wrong, as before
    body = "".join(f'<a xmlns:p{i}="urn:p"/>' for i in range(300))
    with pytest.raises(ovfkit.OvfSecurityError, match="more nodes"):
        parse_bytes(_document(body).encode(), limits=Limits(max_nodes=200, max_namespace_declarations=100))


# -- the cheap path ----------------------------------------------------------------------------------------


def _refuse_exact_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("an exact scan ran on a document well within the limits")

    monkeypatch.setattr(safe, "_check_attributes_exactly", fail)
    monkeypatch.setattr(safe, "_check_declarations_exactly", fail)
    monkeypatch.setattr(safe, "_count_exactly", fail)


def test_a_large_ordinary_descriptor_needs_no_exact_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.generate import descriptor

    data = descriptor(items=5000, disks=500)
    _refuse_exact_scans(monkeypatch)
    assert parse_bytes(data).root is not None


@needs_corpus
def test_no_corpus_descriptor_needs_an_exact_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = list(corpus_documents(well_formed=True))
    assert documents
    _refuse_exact_scans(monkeypatch)
    for path in documents:
        assert parse_bytes(path.read_bytes(), name=str(path)).root is not None


def test_a_long_run_of_equals_in_text_is_scanned_exactly_and_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    data = envelope(info="=" * 5000).encode()
    parse_bytes(data)
    _refuse_exact_scans(monkeypatch)
    with pytest.raises(AssertionError, match="exact scan"):
        parse_bytes(data)


@pytest.mark.parametrize("limit", [50, 102, 200, 1000])
@pytest.mark.parametrize("filler", ["text", "tags"])
def test_the_block_search_finds_every_crowded_tag(limit: int, filler: str) -> None:
    tag = _crowded_tag(limit + 1, prefix="").encode()
    unit = b"<a/>" if filler == "tags" else b"x"
    block = 5 * (limit + 1) // 2
    for offset in (0, 1, block - 3, block - 1, block, block + 1, 3 * block - 7):
        data = unit * (offset // len(unit)) + tag + unit * (3 * block // len(unit))
        assert safe._may_hold_a_crowded_tag(data, limit), offset
        assert not safe._may_hold_a_crowded_tag(data.replace(b' a0=""', b"", 1), limit), offset


# -- the exact scans agree with what the document holds ---------------------------------------------------

_PIECES = [
    "",
    "a",
    "=",
    "x=y ",
    "xmlns=",
    ' xmlns:p="u" ',
    "<a b=''>",
    "&amp;",
    ">",
    "]]",
    "?",
    "!",
    "'",
    '"',
]


def _piece(forbidden: tuple[str, ...]) -> st.SearchStrategy[str]:
    text = st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)
    return text.filter(lambda value: not any(bad in value for bad in forbidden))


_TEXT = _piece(("<", "]]>")).map(lambda value: value.replace("&amp;", "&").replace("&", "&amp;"))
_COMMENT = _piece(("--",)).filter(lambda value: not value.endswith("-")).map(lambda v: f"<!--{v}-->")
_CDATA = _piece(("]]>",)).map(lambda value: f"<![CDATA[{value}]]>")
_PI = _piece(("?>",)).map(lambda value: f"<?pi {value}?>")
_VALUE = _piece(('"', "<", "&")).map(lambda value: f'"{value}"') | _piece(("'", "<", "&")).map(
    lambda value: f"'{value}'"
)


_URI = st.sampled_from(['"urn:u"', "'urn:x=y'", "\"urn:xmlns:p='q'\"", "'urn:a/b?c=d'"])


@st.composite
def _elements(draw: st.DrawFn, depth: int = 0) -> tuple[str, int, int]:
    """(markup, the most attributes and declarations on one element, all declarations)."""
    attributes = [f"a{i}={draw(_VALUE)}" for i in range(draw(st.integers(0, 5)))]
    declarations = [f"xmlns:p{i}={draw(_URI)}" for i in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        declarations.append('xmlns="urn:d"')
    items = draw(st.permutations(attributes + declarations))
    space = draw(st.sampled_from([" ", "\n", "\t ", " \r\n"]))
    tag = "<e" + "".join(space + item.replace("=", draw(st.sampled_from(["=", " = "])), 1) for item in items)
    widest, declared = len(items), len(declarations)
    if depth >= 3 or not draw(st.booleans()):
        return tag + draw(st.sampled_from(["/>", " />"])), widest, declared
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "comment", "cdata", "pi", "element"]))
        if kind == "element":
            markup, inner_widest, inner_declared = draw(_elements(depth + 1))
            widest, declared = max(widest, inner_widest), declared + inner_declared
            parts.append(markup)
        else:
            parts.append(draw({"text": _TEXT, "comment": _COMMENT, "cdata": _CDATA, "pi": _PI}[kind]))
    return tag + ">" + "".join(parts) + "</e>", widest, declared


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(document=_elements(), attribute_limit=st.integers(0, 6), declaration_limit=st.integers(0, 8))
def test_the_exact_scans_agree_with_the_document(
    document: tuple[str, int, int], attribute_limit: int, declaration_limit: int
) -> None:
    markup, widest, declared = document
    etree.fromstring(markup.encode())  # well formed, as generated
    data = (markup + "<!--" + "=" * 20 + " xmlns " * 10 + "-->").encode()
    limits = Limits(max_attributes=attribute_limit, max_namespace_declarations=declaration_limit)
    if widest > attribute_limit:
        with pytest.raises(
            ovfkit.OvfSecurityError, match=f"more attributes than the limit of {attribute_limit}"
        ):
            parse_bytes(data, limits=limits)
    elif declared > declaration_limit:
        with pytest.raises(
            ovfkit.OvfSecurityError, match=f"declarations than the limit of {declaration_limit}"
        ):
            parse_bytes(data, limits=limits)
    else:
        assert parse_bytes(data, limits=limits).root is not None
