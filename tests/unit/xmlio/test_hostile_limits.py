"""Compressed, oversized, giant, deep and flooding input: refused by the limits, through every entry point.

Small ``Limits`` keep the edge tests fast; a few tests check the defaults and libxml2's own limits
with real sizes. Every refusal is an ``OvfSecurityError`` naming the source and the line.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import zipfile
from pathlib import Path

import pytest

import ovfkit
from tests.unit.xmlio.hostile import (
    BYTE_ENTRY_POINTS,
    ENTRY_POINTS,
    OVF1,
    Outcome,
    Trap,
    assert_loaded,
    assert_refused,
    envelope,
    everywhere,
)

MiB = 1024 * 1024
CLEAN = envelope().encode()
HOSTILE = envelope(head='<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "{canary_url}">]>\n', info="&xxe;")


# -- compressed input -----------------------------------------------------------------------------


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vm.ovf", data)
    return buffer.getvalue()


COMPRESSORS = {
    "gzip": gzip.compress,
    "xz": lzma.compress,
    "bzip2": bz2.compress,
    "zip": _zip,
    "zstd": lambda data: b"\x28\xb5\x2f\xfd" + data,  # the frame magic is what ovfkit looks at
    "7z": lambda data: b"7z\xbc\xaf\x27\x1c" + data,
    "lz4": lambda data: b"\x04\x22\x4d\x18" + data,
}


@pytest.mark.parametrize("kind", COMPRESSORS)
def test_compressed_input_is_never_decompressed(kind: str, trap: Trap, tmp_path: Path) -> None:
    for document in (CLEAN, trap.fill(HOSTILE).encode()):
        data = COMPRESSORS[kind](document)
        outcomes = everywhere(data, tmp_path, entries=BYTE_ENTRY_POINTS)
        assert_refused(outcomes, ovfkit.OvfParseError, mentions=f"{kind}-compressed")
        trap.assert_clean(*(outcome.error for outcome in outcomes))


def test_a_gzip_bomb_is_refused_without_inflating(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<Envelope>" + b" " * (64 * MiB), compresslevel=9)
    assert len(bomb) < 100_000
    path = tmp_path / "bomb.ovf"
    path.write_bytes(bomb)
    for target in (bomb, path):
        with pytest.raises(ovfkit.OvfParseError, match="gzip-compressed"):
            ovfkit.loads(target) if isinstance(target, bytes) else ovfkit.load(target)


def test_a_tar_archive_is_named_as_such(tmp_path: Path) -> None:
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo("vm.ovf")
        info.size = len(CLEAN)
        archive.addfile(info, io.BytesIO(CLEAN))
    outcomes = everywhere(buffer.getvalue(), tmp_path, entries=BYTE_ENTRY_POINTS)
    assert_refused(outcomes, ovfkit.OvfParseError, mentions="tar archive")


# -- oversized input ----------------------------------------------------------------------------


def assert_oversized(outcomes: list[Outcome], limit: int) -> None:
    """Refused for the size: by the XML reader, or (in an OVA) by the package reader, which has no line."""
    from_xml = [outcome for outcome in outcomes if outcome.entry.name != "load-ova-member"]
    assert_refused(from_xml, ovfkit.OvfSecurityError, mentions=f"larger than the limit of {limit} bytes")
    for outcome in outcomes:
        if outcome.entry.name == "load-ova-member":
            assert isinstance(outcome.error, ovfkit.OvfSecurityError)
            assert f"more than the limit of {limit} bytes" in str(outcome.error)
            assert str(outcome.error).startswith(outcome.source.split("!")[0])


def test_the_default_size_limit_is_64_mib() -> None:
    assert ovfkit.Limits().max_bytes == 64 * MiB


def test_the_size_limit_edge(tmp_path: Path) -> None:
    exact = CLEAN + b" " * (4096 - len(CLEAN))
    assert len(exact) == 4096
    limits = ovfkit.Limits(max_bytes=4096)
    assert_loaded(everywhere(exact, tmp_path, limits))
    assert_oversized(everywhere(exact + b" ", tmp_path, limits), 4096)


def test_input_over_64_mib_is_refused_by_default(tmp_path: Path) -> None:
    data = b"<Envelope>" + b" " * (64 * MiB)
    assert_oversized(everywhere(data, tmp_path, entries=BYTE_ENTRY_POINTS), 64 * MiB)


class _Endless(io.RawIOBase):
    """A binary stream that never ends, recording how much it was asked for."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        assert size >= 0, "an unbounded read of an endless stream"
        return b"<" + b" " * (size - 1) if size else b""


def test_an_endless_stream_is_read_only_up_to_the_limit() -> None:
    stream = _Endless()
    with pytest.raises(ovfkit.OvfSecurityError, match="limit of 1000 bytes"):
        ovfkit.load(stream, limits=ovfkit.Limits(max_bytes=1000))
    assert stream.asked == [1001]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_read_only_up_to_the_limit() -> None:
    with pytest.raises(ovfkit.OvfSecurityError, match="limit of 100000 bytes"):
        ovfkit.load("/dev/zero", limits=ovfkit.Limits(max_bytes=100_000))


# -- giant text and attributes ------------------------------------------------------------------

#: name -> document text with ``@@`` where the long value goes
TEXT_PLACES = {
    "typed-leaf-text": envelope(info="@@"),
    "extension-text": envelope(body='<x:a xmlns:x="urn:x">@@</x:a>'),
    "tail-text": envelope(body='<x:a xmlns:x="urn:x"/>@@<x:b xmlns:x="urn:x"/>'),
    "typed-attribute": envelope().replace('ovf:id="vm"', 'ovf:id="@@"'),
    "untyped-attribute": envelope(body='<x:a xmlns:x="urn:x" x:v="@@"/>'),
    "nested-extension-text": envelope(body='<x:a xmlns:x="urn:x"><x:b>@@</x:b></x:a>'),
}


@pytest.mark.parametrize("place", TEXT_PLACES)
def test_the_text_limit_edge(place: str, tmp_path: Path) -> None:
    limits = ovfkit.Limits(max_text=1000)
    template = TEXT_PLACES[place]
    assert_loaded(everywhere(template.replace("@@", "a" * 1000).encode(), tmp_path, limits))
    outcomes = everywhere(template.replace("@@", "a" * 1001).encode(), tmp_path, limits)
    assert_refused(outcomes, ovfkit.OvfSecurityError, column=False, mentions="limit of 1000 characters")


def test_the_default_text_limit_is_8_mib_and_holds(tmp_path: Path) -> None:
    assert ovfkit.Limits().max_text == 8 * MiB
    data = TEXT_PLACES["extension-text"].replace("@@", "a" * (9 * MiB)).encode()
    outcomes = everywhere(data, tmp_path, entries=BYTE_ENTRY_POINTS[:2])
    assert_refused(outcomes, ovfkit.OvfSecurityError, column=False)


@pytest.mark.parametrize("place", ["extension-text", "untyped-attribute", "typed-leaf-text"])
def test_beyond_libxml2s_own_limit_is_a_security_error(place: str, tmp_path: Path) -> None:
    data = TEXT_PLACES[place].replace("@@", "a" * (12 * MiB)).encode()
    outcomes = everywhere(data, tmp_path, ovfkit.Limits(max_text=64 * MiB))
    assert_refused(outcomes, ovfkit.OvfSecurityError, mentions="parser limit")


@pytest.mark.parametrize(
    "markup",
    [
        "<!--" + "c" * (12 * MiB) + "-->",
        "<?pi " + "p" * (12 * MiB) + "?>",
        "<![CDATA[" + "d" * (12 * MiB) + "]]>",
        "<x:" + "n" * 60_000 + ' xmlns:x="urn:x"/>',
    ],
    ids=["comment", "pi", "cdata", "name"],
)
def test_giant_markup_is_a_security_error(markup: str, tmp_path: Path) -> None:
    data = envelope(body=markup).encode()
    outcomes = everywhere(data, tmp_path, entries=BYTE_ENTRY_POINTS[:2])
    assert_refused(outcomes, ovfkit.OvfSecurityError)


# -- deep nesting ---------------------------------------------------------------------------------


def _nested(levels: int) -> bytes:
    """An Envelope with ``levels`` levels of elements in all, the Envelope counting as one."""
    inner = levels - 1
    return (
        f'<Envelope xmlns="{OVF1}" xmlns:x="urn:x">'.encode()
        + b"<x:a>" * inner
        + b"</x:a>" * inner
        + b"</Envelope>"
    )


def test_the_depth_limit_edge(tmp_path: Path) -> None:
    limits = ovfkit.Limits(max_depth=20)
    assert_loaded(everywhere(_nested(20), tmp_path, limits))
    outcomes = everywhere(_nested(21), tmp_path, limits)
    assert_refused(outcomes, ovfkit.OvfSecurityError, column=False, mentions="deeper than the limit of 20")


def test_the_default_depth_limit_is_128_and_holds(tmp_path: Path) -> None:
    assert ovfkit.Limits().max_depth == 128
    assert_loaded(everywhere(_nested(128), tmp_path))
    assert_refused(everywhere(_nested(129), tmp_path), ovfkit.OvfSecurityError, column=False)


@pytest.mark.parametrize("levels", [257, 5_000, 100_000])
def test_nesting_beyond_libxml2s_limit_is_a_security_error(levels: int, tmp_path: Path) -> None:
    outcomes = everywhere(_nested(levels), tmp_path, ovfkit.Limits(max_depth=10_000_000))
    assert_refused(outcomes, ovfkit.OvfSecurityError, mentions="Excessive depth")


def test_typed_nesting_counts_too(tmp_path: Path) -> None:
    # Envelope / VirtualSystemCollection / ... : typed models nest under the same limit
    collections = 30
    data = (
        f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}"><References/>'
        + "".join(f'<VirtualSystemCollection ovf:id="c{i}"><Info>x</Info>' for i in range(collections))
        + "</VirtualSystemCollection>" * collections
        + "</Envelope>"
    ).encode()
    assert_loaded(everywhere(data, tmp_path, ovfkit.Limits(max_depth=32)))
    outcomes = everywhere(data, tmp_path, ovfkit.Limits(max_depth=25))
    assert_refused(outcomes, ovfkit.OvfSecurityError, column=False, mentions="deeper than the limit of 25")


# -- too many elements and nodes --------------------------------------------------------------------


def _flood(unit: str, count: int) -> bytes:
    return envelope(body=unit * count).encode()


FLOODS = {
    "elements": ('<x:a xmlns:x="urn:x"/>', "elements"),
    "comments": ("<!---->", "nodes"),
    "processing-instructions": ("<?a?>", "nodes"),
    "attributes": ('<x:a xmlns:x="urn:x" ' + " ".join(f'b{i}=""' for i in range(50)) + "/>", "nodes"),
    "namespace-declarations": ("<a " + " ".join(f'xmlns:p{i}="urn:p"' for i in range(50)) + "/>", "nodes"),
}


@pytest.mark.parametrize("flood", FLOODS)
def test_floods_are_refused_before_a_tree_is_built(flood: str, tmp_path: Path) -> None:
    unit, limit_name = FLOODS[flood]
    limits = ovfkit.Limits(max_elements=50, max_nodes=200)
    outcomes = everywhere(_flood(unit, 300), tmp_path, limits)
    assert_refused(outcomes, ovfkit.OvfSecurityError, column=False, mentions=f"more {limit_name}")
    for outcome in outcomes:
        assert outcome.error is not None and outcome.error.line == 8


def test_the_default_element_and_node_limits() -> None:
    limits = ovfkit.Limits()
    assert (limits.max_elements, limits.max_nodes) == (500_000, 1_000_000)


def test_a_default_element_flood_is_refused_quickly(tmp_path: Path) -> None:
    data = f'<Envelope xmlns="{OVF1}">'.encode() + b"<a/>" * 600_000 + b"</Envelope>"
    outcomes = everywhere(data, tmp_path, entries=ENTRY_POINTS[:1])
    assert_refused(outcomes, ovfkit.OvfSecurityError, column=False, mentions="limit of 500000")


def test_a_comment_flood_over_the_byte_bound_is_counted_exactly(tmp_path: Path) -> None:
    limits = ovfkit.Limits(max_nodes=100_000)
    data = f'<Envelope xmlns="{OVF1}">'.encode() + b"<!---->" * 120_000 + b"</Envelope>"
    outcomes = everywhere(data, tmp_path, limits, entries=BYTE_ENTRY_POINTS[:2])
    assert_refused(outcomes, ovfkit.OvfSecurityError, column=False, mentions="limit of 100000")


def test_lt_and_equals_in_comments_and_text_do_not_count(tmp_path: Path) -> None:
    # the byte counts say "maybe too many"; the exact count says no
    limits = ovfkit.Limits(max_elements=20, max_nodes=40)
    data = envelope(info="=" * 500, body="<!--" + "<" * 500 + "-->").encode()
    assert_loaded(everywhere(data, tmp_path, limits))
