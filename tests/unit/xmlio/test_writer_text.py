"""The writer's character rules (``ovfkit.xmlio.write_text``): escaping, names, declarations, checks."""

from __future__ import annotations

import pytest
from lxml import etree

from ovfkit import OvfWriteError
from ovfkit.namespaces import Ns
from ovfkit.xmlio.write_text import (
    XMLNS_URI,
    check_comment,
    check_declaration,
    check_pi,
    check_tokens,
    encode_output,
    escape_attr,
    escape_text,
    illegal_character,
    is_name,
    namespace_uri_ok,
)


def test_text_escaping_keeps_markup_and_carriage_returns_out() -> None:
    assert escape_text('a & b < c > d "e"\r\n\t') == 'a &amp; b &lt; c &gt; d "e"&#13;\n\t'
    assert escape_text("plain") == "plain"


def test_attribute_escaping_keeps_quotes_and_whitespace_from_being_normalized() -> None:
    assert escape_attr('a & b < c > "d"\r\n\t') == "a &amp; b &lt; c > &quot;d&quot;&#13;&#10;&#9;"


@pytest.mark.parametrize("text", ['a & b < c > "d"', "\r\n\t x \r", "]]>", "é€\U0001f600"])
def test_escaped_values_read_back_as_written(text: str) -> None:
    root = etree.fromstring(f'<a b="{escape_attr(text)}">{escape_text(text)}</a>'.encode())
    assert root.get("b") == text
    assert root.text == text


@pytest.mark.parametrize(
    "name", ["a", "vmw:Config", "_x.y-z", "a\u00b7b", "\u00c0", "\U00010000x", "ovf:\u0370"]
)
def test_xml_names(name: str) -> None:
    assert is_name(name)
    etree.fromstring(f"<{name} xmlns:ovf='u' xmlns:vmw='v'/>".encode())


@pytest.mark.parametrize(
    "name",
    ["", "1a", "-a", "a b", "a:b:c", ":a", "a:", "a\u00aa", "a\u00d7", "a\u00f7b", "a'", "a{", "\ud800"],
)
def test_not_xml_names(name: str) -> None:
    assert not is_name(name)


def test_a_prefix_is_an_ncname() -> None:
    assert is_name("ovf", qualified=False)
    assert not is_name("a:b", qualified=False)


@pytest.mark.parametrize(
    ("prefix", "uri"),
    [
        ("p", "urn:x"),
        ("", ""),
        ("", "urn:x"),
        ("xml", Ns.XML.value),
        ("p", "#"),
        ("p", "a:b:c"),
        ("p", "http://example.com/a?b=c&d"),
    ],
)
def test_declarations_a_parser_accepts(prefix: str, uri: str) -> None:
    check_declaration(prefix, uri, "/")


@pytest.mark.parametrize(
    ("prefix", "uri", "message"),
    [
        ("1p", "urn:x", "prefix"),
        ("xmlns", "urn:x", "xmlns"),
        ("p", "", "empty"),
        ("xml", "urn:x", "XML namespace"),
        ("p", Ns.XML.value, "XML namespace"),
        ("p", XMLNS_URI, "xmlns namespace"),
        ("p", ":", "URI"),
        ("p", "a b", "URI"),
        ("", "caf\u00e9", "URI"),
        ("p", "%zz", "URI"),
    ],
)
def test_declarations_a_parser_refuses(prefix: str, uri: str, message: str) -> None:
    with pytest.raises(OvfWriteError, match=message):
        check_declaration(prefix, uri, "/")


def test_namespace_uris_are_checked_by_the_parser_itself() -> None:
    assert namespace_uri_ok("http://schemas.dmtf.org/ovf/envelope/1")
    assert not namespace_uri_ok("http://a b")


@pytest.mark.parametrize("text", ["a--b", "a-", "a\rb"])
def test_comments_that_would_not_read_back(text: str) -> None:
    with pytest.raises(OvfWriteError):
        check_comment(text, "/")


def test_a_comment_that_reads_back() -> None:
    check_comment(" a - b\n ", "/")


@pytest.mark.parametrize(
    ("target", "text"),
    [
        ("xml", ""),
        ("XmL", "a"),
        ("a:b", ""),
        ("1a", ""),
        ("a", "?>"),
        ("a", "x\ry"),
        ("a", " b"),
        ("a", "\nb"),
    ],
)
def test_processing_instructions_that_would_not_read_back(target: str, text: str) -> None:
    with pytest.raises(OvfWriteError):
        check_pi(target, text, "/")


def test_a_processing_instruction_that_reads_back() -> None:
    check_pi("xml-stylesheet", 'href="a" ', "/")


def test_token_lists() -> None:
    assert check_tokens(["a", "b"], "/") == "a b"
    assert check_tokens([], "/") == ""
    for tokens in (["a b"], [""], ["a\u2028b"], [" a"], ["a", ""]):
        with pytest.raises(OvfWriteError, match="token"):
            check_tokens(tokens, "/")
    with pytest.raises(OvfWriteError, match="not a string"):
        check_tokens([1], "/")  # type: ignore[list-item]


@pytest.mark.parametrize("text", ["\x00", "\x1fa", "\ufffe", "\uffff", "\ud800", "\x0bb"])
def test_characters_xml_cannot_carry(text: str) -> None:
    assert illegal_character("ok " + text) == 3
    for encoding in ("utf-8", "utf-16", "latin-1"):
        with pytest.raises(OvfWriteError, match="offset 3"):
            encode_output("ok " + text, encoding)


@pytest.mark.parametrize("text", ["<a/>", "<a>\t\r\n</a>", "<a>é\U0001f600\u2028\ud7ff\ue000\ufffd</a>"])
def test_text_xml_can_carry_is_encoded(text: str) -> None:
    assert illegal_character(text) == -1
    assert encode_output(text, "utf-8") == text.encode("utf-8")
    assert encode_output(text, "UTF-16") == text.encode("utf-16")


def test_a_character_the_encoding_lacks_is_left_to_the_caller() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode_output("<a>é</a>", "ascii")
    with pytest.raises(OvfWriteError, match="unknown output encoding"):
        encode_output("<a/>", "no-such-codec")
