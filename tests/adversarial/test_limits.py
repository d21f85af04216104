"""Every resource limit at its edge, through every entry point that takes it.

``ovfkit.Limits`` (input size, depth, text size, element and node counts, attributes per element,
namespace declarations) is tried through
``loads`` (bytes and str), ``load`` (path, file object, ``.ova`` path), ``validate`` and, for the
limits it checks, ``from_json``; ``ovfkit.ova.OvaLimits`` (members, extended headers, descriptor,
manifest and certificate size) through ``ova.open``, ``ova.verify`` and ``read_descriptor``. Exactly
at a limit passes; one over is an ``OvfSecurityError`` (``OvaLimitError`` for OVA limits), or the
matching finding (``X002``, ``OVA106``) for the checkers. The defaults are the documented ones
(``docs/limits.md``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

import ovfkit
from ovfkit import ova
from ovfkit.convert import JSON_SIZE_FACTOR, from_json, to_json
from ovfkit.ova import OvaLimitError, OvaLimits
from ovfkit.validate import validate
from tests.adversarial.cases import DISK, DISK_NAME, end, manifest_for, member, pax_member, pax_record

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
MiB = 1024 * 1024

_HEAD = f'<Envelope xmlns="{OVF1}" xmlns:ovf="{OVF1}">'
_TAIL = "</Envelope>"


# -- documents exactly at a limit, and one over --------------------------------------------------------


def _sized(size: int) -> bytes:
    """A descriptor of exactly ``size`` bytes (padded with a comment)."""
    base = (_HEAD + "<VirtualSystem><Info>x</Info></VirtualSystem>" + _TAIL).encode()
    padding = size - len(base) - len("<!---->")
    assert padding >= 0
    return base + b"<!--" + b"x" * padding + b"-->"


def _deep(depth: int) -> bytes:
    """A descriptor whose deepest element is at ``depth``, the root counting as 1."""
    inner = depth - 1
    return (_HEAD + '<x:n xmlns:x="urn:x">' + "<x:n>" * (inner - 1) + "</x:n>" * inner + _TAIL).encode()


def _text(length: int) -> bytes:
    """A descriptor with one text node of ``length`` characters (non-ASCII, to count characters)."""
    return (_HEAD + "<VirtualSystem><Info>" + "\u00e9" * length + "</Info></VirtualSystem>" + _TAIL).encode()


def _attribute(length: int) -> bytes:
    """A descriptor with one attribute value of ``length`` characters."""
    return (
        _HEAD + '<VirtualSystem ovf:id="' + "v" * length + '"><Info>x</Info></VirtualSystem>' + _TAIL
    ).encode()


def _elements(count: int) -> bytes:
    """A descriptor of exactly ``count`` elements."""
    return (_HEAD + '<x:f xmlns:x="urn:x">' + "<a/>" * (count - 2) + "</x:f>" + _TAIL).encode()


def _nodes(count: int) -> bytes:
    """A descriptor of exactly ``count`` nodes: the root, its namespace declarations, comments."""
    return (f'<Envelope xmlns="{OVF1}">' + "<!---->" * (count - 2) + _TAIL).encode()


def _attributes(count: int) -> bytes:
    """A descriptor whose ``x:f`` element (on line 2) has exactly ``count`` attributes, its
    namespace declaration included; no other element has more than two."""
    names = "".join(f' a{i}=""' for i in range(count - 1))
    return (_HEAD + '\n<x:f xmlns:x="urn:x"' + names + "/>\n" + _TAIL).encode()


def _declarations(count: int) -> bytes:
    """A descriptor of exactly ``count`` namespace declarations, the last one on line ``count - 1``."""
    return (_HEAD + '\n<x:f xmlns:x="urn:x"/>' * (count - 2) + "\n" + _TAIL).encode()


#: limit name -> (document of a given measure, the measure used for the edge with small limits)
XML_EDGES: dict[str, tuple[Callable[[int], bytes], int]] = {
    "max_bytes": (_sized, 4096),
    "max_depth": (_deep, 24),
    "max_text": (_text, 1000),
    "max_elements": (_elements, 500),
    "max_nodes": (_nodes, 700),
    "max_attributes": (_attributes, 40),
    "max_namespace_declarations": (_declarations, 60),
}


def _limits(name: str, value: int) -> ovfkit.Limits:
    return ovfkit.Limits(**{name: value})


def _package(descriptor: bytes) -> bytes:
    manifest = manifest_for([("vm.ovf", descriptor), (DISK_NAME, DISK)])
    return member("vm.ovf", descriptor) + member("vm.mf", manifest) + member(DISK_NAME, DISK) + end()


def _entry_points(data: bytes, limits: ovfkit.Limits, folder: Path) -> dict[str, Callable[[], object]]:
    path = folder / "edge.ovf"
    path.write_bytes(data)
    package = folder / "edge.ova"
    package.write_bytes(_package(data))
    return {
        "loads(bytes)": lambda: ovfkit.loads(data, limits=limits),
        "loads(str)": lambda: ovfkit.loads(data.decode("utf-8"), limits=limits),
        "load(path)": lambda: ovfkit.load(path, limits=limits),
        "load(file)": lambda: ovfkit.load(io.BytesIO(data), limits=limits),
        "load(ova)": lambda: ovfkit.load(package, limits=limits),
    }


@pytest.mark.parametrize("name", sorted(XML_EDGES))
def test_xml_limit_edge_through_every_loader(name: str, tmp_path: Path) -> None:
    build, measure = XML_EDGES[name]
    limits = _limits(name, measure)
    for label, call in _entry_points(build(measure), limits, tmp_path).items():
        assert call() is not None, label
    for label, call in _entry_points(build(measure + 1), limits, tmp_path).items():
        with pytest.raises(ovfkit.OvfSecurityError) as caught:
            call()
        assert str(measure) in str(caught.value), f"{label}: {caught.value}"


def test_attribute_values_count_against_the_text_limit(tmp_path: Path) -> None:
    limits = _limits("max_text", 1000)
    assert ovfkit.loads(_attribute(1000), limits=limits) is not None
    with pytest.raises(ovfkit.OvfSecurityError):
        ovfkit.loads(_attribute(1001), limits=limits)


@pytest.mark.parametrize("name", sorted(XML_EDGES))
def test_xml_limit_edge_in_validate(name: str) -> None:
    build, measure = XML_EDGES[name]
    limits = _limits(name, measure)
    at_limit = validate(build(measure), limits=limits, select="X")
    assert at_limit.ok, [d.format() for d in at_limit.diagnostics]
    over = validate(build(measure + 1), limits=limits, select="X")
    assert [d.code for d in over.diagnostics] == ["X002"], [d.format() for d in over.diagnostics]


@pytest.mark.parametrize("name", ["max_depth", "max_elements"])
def test_from_json_holds_the_loaders_structural_limits(name: str) -> None:
    # the JSON form of a document at the limit converts back; one over is refused, as loads refuses it
    build, measure = XML_EDGES[name]
    wide = _limits(name, measure + 10)
    at_limit = to_json(ovfkit.loads(build(measure), limits=wide))
    over = to_json(ovfkit.loads(build(measure + 1), limits=wide))
    limits = _limits(name, measure)
    assert ovfkit.dumps(from_json(at_limit, limits=limits)) == ovfkit.dumps(ovfkit.loads(build(measure)))
    with pytest.raises(ovfkit.OvfParseError):
        from_json(over, limits=limits)


def test_from_json_size_edge() -> None:
    limits = ovfkit.Limits(max_bytes=4096)
    text = to_json(ovfkit.loads(_sized(2048)))
    allowed = limits.max_bytes * JSON_SIZE_FACTOR
    assert len(text) < allowed
    at_limit = text + " " * (allowed - len(text))
    assert from_json(at_limit, limits=limits) is not None
    with pytest.raises(ovfkit.OvfSecurityError):
        from_json(at_limit + " ", limits=limits)


def test_default_xml_limits_are_the_documented_ones() -> None:
    limits = ovfkit.Limits()
    assert (limits.max_bytes, limits.max_depth, limits.max_text) == (64 * MiB, 128, 8 * MiB)
    assert (limits.max_elements, limits.max_nodes) == (500_000, 1_000_000)
    assert (limits.max_attributes, limits.max_namespace_declarations) == (1_000, 10_000)
    assert JSON_SIZE_FACTOR == 4


def _first_over(name: str, data: bytes) -> tuple[int, int]:
    """Line and column of the first attribute or declaration over the limit in ``build(measure + 1)``."""
    text = data.decode("utf-8")
    measure = XML_EDGES[name][1]
    if name == "max_attributes":
        line = text.split("\n")[1]
        return 2, line.index(f" a{measure - 1}=") + 2
    offset = -1
    for _ in range(measure + 1):
        offset = text.index("xmlns", offset + 1)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


@pytest.mark.parametrize("name", ["max_attributes", "max_namespace_declarations"])
def test_markup_limits_name_the_line_and_column_over_them(name: str, tmp_path: Path) -> None:
    build, measure = XML_EDGES[name]
    limits = _limits(name, measure)
    data = build(measure + 1)
    where = _first_over(name, data)
    for label, call in _entry_points(data, limits, tmp_path).items():
        with pytest.raises(ovfkit.OvfSecurityError) as caught:
            call()
        assert (caught.value.line, caught.value.column) == where, f"{label}: {caught.value}"
    path = tmp_path / "edge.ovf"
    for source in (data, path):
        report = validate(source, limits=limits, select="X")
        found = [(d.code, d.line, d.column) for d in report.diagnostics]
        assert found == [("X002", *where)], [d.format() for d in report.diagnostics]
        assert f"limit of {measure}" in report.diagnostics[0].message


@pytest.mark.parametrize(
    ("name", "at_limit", "over"),
    [
        ("max_attributes", lambda: _attributes(1000), lambda: _attributes(1001)),
        ("max_namespace_declarations", lambda: _declarations(10_000), lambda: _declarations(10_001)),
    ],
    ids=["max_attributes", "max_namespace_declarations"],
)
def test_default_markup_limits_hold_at_their_edges(
    name: str, at_limit: Callable[[], bytes], over: Callable[[], bytes], tmp_path: Path
) -> None:
    path = tmp_path / "edge.ovf"
    path.write_bytes(over())
    assert ovfkit.loads(at_limit()) is not None
    assert validate(at_limit(), select="X").ok
    limit = getattr(ovfkit.Limits(), name)
    for call in (lambda: ovfkit.loads(over()), lambda: ovfkit.load(path)):
        with pytest.raises(ovfkit.OvfSecurityError, match=f"limit of {limit}"):
            call()
    assert [d.code for d in validate(path, select="X").diagnostics] == ["X002"]


def test_default_depth_and_text_limits_hold_at_their_edges() -> None:
    limits = ovfkit.Limits()
    assert ovfkit.loads(_deep(limits.max_depth)) is not None
    with pytest.raises(ovfkit.OvfSecurityError):
        ovfkit.loads(_deep(limits.max_depth + 1))
    assert ovfkit.loads(_attribute(limits.max_text)) is not None
    with pytest.raises(ovfkit.OvfSecurityError):
        ovfkit.loads(_attribute(limits.max_text + 1))


# -- OVA limits ---------------------------------------------------------------------------------------------


def _members(count: int) -> bytes:
    """A package of exactly ``count`` members: descriptor, manifest, then empty files."""
    descriptor = (_HEAD + "<VirtualSystem><Info>x</Info></VirtualSystem>" + _TAIL).encode()
    extra = [member(f"f{i:05d}.txt", b"") for i in range(count - 2)]
    return (
        member("vm.ovf", descriptor)
        + member("vm.mf", manifest_for([("vm.ovf", descriptor)]))
        + b"".join(extra)
        + end()
    )


def _pax_bytes(size: int) -> bytes:
    """A package whose disk member follows pax header data of exactly ``size`` bytes."""
    record = next(
        candidate
        for candidate in (pax_record("comment", "c" * length) for length in range(size, 0, -1))
        if len(candidate) == size
    )
    descriptor = (_HEAD + "<VirtualSystem><Info>x</Info></VirtualSystem>" + _TAIL).encode()
    return member("vm.ovf", descriptor) + pax_member(record) + member(DISK_NAME, DISK) + end()


def _descriptor_bytes(size: int) -> bytes:
    return _package(_sized(size))


def _manifest_bytes(size: int) -> bytes:
    descriptor = (_HEAD + "<VirtualSystem><Info>x</Info></VirtualSystem>" + _TAIL).encode()
    manifest = manifest_for([("vm.ovf", descriptor), (DISK_NAME, DISK)])
    manifest += b"\n" * (size - len(manifest))
    return member("vm.ovf", descriptor) + member("vm.mf", manifest) + member(DISK_NAME, DISK) + end()


def _certificate_bytes(size: int) -> bytes:
    descriptor = (_HEAD + "<VirtualSystem><Info>x</Info></VirtualSystem>" + _TAIL).encode()
    manifest = manifest_for([("vm.ovf", descriptor), (DISK_NAME, DISK)])
    cert = b"x" * size
    return (
        member("vm.ovf", descriptor)
        + member("vm.mf", manifest)
        + member("vm.cert", cert)
        + member(DISK_NAME, DISK)
        + end()
    )


#: limit name -> (package of a given measure, the measure used for the edge)
OVA_EDGES: dict[str, tuple[Callable[[int], bytes], int]] = {
    "max_members": (_members, 40),
    "max_header_bytes": (_pax_bytes, 2048),
    "max_descriptor_bytes": (_descriptor_bytes, 8192),
    "max_manifest_bytes": (_manifest_bytes, 1024),
    "max_certificate_bytes": (_certificate_bytes, 1024),
}


def _stream(data: bytes, limits: OvaLimits) -> int:
    with ova.open(io.BytesIO(data), limits=limits) as package:
        return sum(1 for _ in package)


@pytest.mark.parametrize("name", sorted(OVA_EDGES))
def test_ova_limit_edge_when_streaming(name: str) -> None:
    build, measure = OVA_EDGES[name]
    limits = OvaLimits(**{name: measure})
    assert _stream(build(measure), limits) > 0
    with pytest.raises(OvaLimitError) as caught:
        _stream(build(measure + 1), limits)
    assert isinstance(caught.value, ovfkit.OvfSecurityError)
    assert str(measure) in str(caught.value)


@pytest.mark.parametrize("name", sorted(OVA_EDGES))
def test_ova_limit_edge_in_verify(name: str) -> None:
    build, measure = OVA_EDGES[name]
    limits = OvaLimits(**{name: measure})
    at_limit = ova.verify(io.BytesIO(build(measure)), limits=limits)
    assert "OVA106" not in {f.code for f in at_limit.findings}
    over = ova.verify(io.BytesIO(build(measure + 1)), limits=limits)
    assert "OVA106" in {f.code for f in over.findings}
    assert not over.ok


def test_descriptor_limit_of_load_is_the_xml_size_limit(tmp_path: Path) -> None:
    package = tmp_path / "edge.ova"
    package.write_bytes(_descriptor_bytes(4096))
    assert ovfkit.load(package, limits=ovfkit.Limits(max_bytes=4096)) is not None
    package.write_bytes(_descriptor_bytes(4097))
    with pytest.raises(ovfkit.OvfSecurityError):
        ovfkit.load(package, limits=ovfkit.Limits(max_bytes=4096))


def test_default_ova_limits_are_the_documented_ones() -> None:
    limits = OvaLimits()
    assert (limits.max_members, limits.max_header_bytes) == (10_000, 64 * 1024)
    assert (limits.max_descriptor_bytes, limits.max_manifest_bytes, limits.max_certificate_bytes) == (
        64 * MiB,
        4 * MiB,
        MiB,
    )
    assert limits.buffer_size == MiB


def test_default_member_limit_holds_at_its_edge() -> None:
    limit = OvaLimits().max_members
    assert _stream(_members(limit), OvaLimits()) == limit
    with pytest.raises(OvaLimitError):
        _stream(_members(limit + 1), OvaLimits())


def test_more_than_eight_extended_headers_are_refused() -> None:
    # a fixed bound, not a setting: eight pax headers before a member pass, nine do not
    descriptor = (_HEAD + "<VirtualSystem><Info>x</Info></VirtualSystem>" + _TAIL).encode()

    def package(headers: int) -> bytes:
        extended = b"".join(pax_member(pax_record("comment", str(i))) for i in range(headers))
        return member("vm.ovf", descriptor) + extended + member(DISK_NAME, DISK) + end()

    assert _stream(package(8), OvaLimits()) == 2
    with pytest.raises(OvaLimitError):
        _stream(package(9), OvaLimits())
