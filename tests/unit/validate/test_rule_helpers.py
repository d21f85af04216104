"""The parsers the rules rely on: host references, MACs, property types and qualifiers, GUIDs."""

from __future__ import annotations

import pytest

from ovfkit.validate import validate
from ovfkit.validate.rules._common import host_reference, is_guid, qs
from ovfkit.validate.rules.networks import mac_bytes
from ovfkit.validate.rules.product import Qualifier, parse_qualifiers, qualifier_problem, type_problem
from tests.unit.validate.documents import changed


def test_host_reference_forms() -> None:
    assert host_reference(" ovf:/disk/vmdisk1 ") is not None
    standard = host_reference("ovf:/file/iso")
    assert standard is not None and (standard.kind, standard.target, standard.standard) == (
        "file",
        "iso",
        True,
    )
    typo = host_reference("ovf://disk/d")
    assert typo is not None and (typo.kind, typo.standard) == ("disk", False)
    bare = host_reference("/disk/d")
    assert bare is not None and bare.kind == "disk" and not bare.standard
    malformed = host_reference("ovf:/net/x")
    assert malformed is not None and malformed.kind == "malformed"
    assert host_reference("a1b2/c3d4") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("00:50:56:aa:BB:cc", bytes.fromhex("005056aabbcc")),
        ("00-50-56-aa-bb-cc", bytes.fromhex("005056aabbcc")),
        ("005056aabbcc", bytes.fromhex("005056aabbcc")),
        ("0050.56aa.bbcc", bytes.fromhex("005056aabbcc")),
        ("00:50-56:aa:bb:cc", None),
        ("00:50:56:aa:bb", None),
        ("00:50:56:aa:bb:cg", None),
        ("", None),
    ],
)
def test_mac_bytes(text: str, value: bytes | None) -> None:
    assert mac_bytes(text) == value


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        ("uint8", "255", True),
        ("uint8", "256", False),
        ("sint8", "-128", True),
        ("uint64", "-1", False),
        ("int", "12", True),
        ("int", "1_000", False),
        ("boolean", "True", True),
        ("boolean", "yes", False),
        ("real64", "-1.5e3", True),
        ("real32", "one", False),
        ("ip", "10.0.0.1", True),
        ("ip:VM Network", "fe80::1", True),
        ("ip", "10.0.0.300", False),
        ("string[dhcp,static]", "static", True),
        ("string[dhcp,static]", "manual", False),
        ("string", "anything", True),
        ("password", "", True),
        ("colour", "red", True),
    ],
)
def test_type_problem(kind: str, value: str, ok: bool) -> None:
    assert (type_problem(kind, value) is None) is ok


def test_parse_qualifiers() -> None:
    found, problem = parse_qualifiers('MinLen(1),MaxLen(253) ValueMap{"a","b, c"}, Ip(Management)')
    assert problem is None
    assert found == [
        Qualifier("MinLen", "1"),
        Qualifier("MaxLen", "253"),
        Qualifier("ValueMap", None, ("a", "b, c")),
        Qualifier("Ip", "Management"),
    ]
    assert parse_qualifiers("MinValue(10) MaxValue(1000)")[1] is None
    assert "integer argument" in (parse_qualifiers("MaxLen(abc)")[1] or "")
    assert "braces" in (parse_qualifiers("ValueMap(1)")[1] or "")
    assert parse_qualifiers("MinLen(1)MaxLen(2)")[1] is not None
    assert parse_qualifiers("MaxLen(2) ???")[1] is not None


def test_qualifier_problem() -> None:
    qualifiers, _ = parse_qualifiers("MinLen(2),MaxLen(3)")
    assert qualifier_problem("string", qualifiers, "ab") is None
    assert "less than MinLen(2)" in (qualifier_problem("string", qualifiers, "a") or "")
    values, _ = parse_qualifiers("ValueMap{1,2,3}")
    assert qualifier_problem("uint8", values, "02") is None
    assert qualifier_problem("uint8", values, "4") is not None
    bounds, _ = parse_qualifiers("MinValue(10) MaxValue(20)")
    assert "more than MaxValue(20)" in (qualifier_problem("int", bounds, "21") or "")


def test_real_bounds_as_vcenter_honours_them() -> None:
    """Found on a VMware import test descriptor: ``real32`` with ``MinValue(1.0) MaxValue(10.67)``."""
    bounds, malformed = parse_qualifiers("MinValue(1.0) MaxValue(10.67)")
    assert malformed is None
    assert qualifier_problem("real32", bounds, "10.67") is None
    assert qualifier_problem("real32", bounds, "1") is None
    assert qualifier_problem("real32", bounds, "10.68") == "is 10.68, more than MaxValue(10.67)"
    assert qualifier_problem("real64", bounds, "0.5e0") == "is 0.5e0, less than MinValue(1.0)"
    assert qualifier_problem("real32", bounds, "NaN") is None  # not a bound comparison P103 makes
    whole, _ = parse_qualifiers("MaxValue(10)")
    assert qualifier_problem("real32", whole, "10.54") == "is 10.54, more than MaxValue(10)"
    assert qualifier_problem("uint8", parse_qualifiers("MaxValue(10.5)")[0], "11") is not None
    assert qualifier_problem("string", whole, "11") is None  # text is not compared as a number
    assert "needs a number" in (parse_qualifiers("MinValue(ten)")[1] or "")
    assert parse_qualifiers("MaxValue(1e99999)")[1] is not None  # exponents stay small


def test_is_guid() -> None:
    assert is_guid("00000000-0000-0000-0000-000000000000")
    assert not is_guid("#UUID#") and not is_guid("0000000-0000-0000-0000-000000000000")


def test_quoted_values_show_backslashes_as_written() -> None:
    """A UNC href is shown as written: one backslash each, not Python's repr of it."""
    assert qs("\\\\server\\share\\disk.vmdk") == "'\\\\server\\share\\disk.vmdk'"
    data = changed('ovf:href="disk1.vmdk"', 'ovf:href="\\\\server\\share\\disk1.vmdk"')
    (found,) = [d for d in validate(data, select="K101").diagnostics]
    assert "'\\\\server\\share\\disk1.vmdk'" in found.message
