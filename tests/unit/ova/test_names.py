"""Member names and hrefs: only single, relative, printable, NFC file names are safe."""

from __future__ import annotations

import pytest

from ovfkit.ova.names import href_problem, member_kind, name_problem, same_name_key


@pytest.mark.parametrize(
    "name",
    [
        "vm.ovf",
        "disk-1.vmdk",
        "Windows Server 2012 R2.ovf",
        "uivm-gconf,aes-xts-plain,256.key",
        "ñandú.iso",
        "a(1).vmdk",
    ],
)
def test_safe_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("/etc/passwd", "absolute"),
        ("../evil.vmdk", "'..'"),
        ("a/../../b", "'..'"),
        ("..", "'..'"),
        (".", "'.'"),
        ("dir/disk.vmdk", "single file names"),
        ("disk.vmdk/", "single file names"),
        ("..\\evil", "backslash"),
        ("C:evil", "drive letter"),
        ("a\x00b", "NUL"),
        ("a\nb", "U+000A"),
        ("a\x1b[31mb", "U+001B"),
        ("gpj\u202eexe.vmdk", "U+202E"),
        ("zero\u200bwidth", "U+200B"),
        ("line\u2028sep", "U+2028"),
        ("e\u0301.vmdk", "NFC"),
        ("x" * 256, "255 bytes"),
        ("é" * 128, "255 bytes"),
    ],
)
def test_unsafe_names(name: str, reason: str) -> None:
    problem = name_problem(name)
    assert problem is not None and reason in problem


def test_case_and_normalization_collide() -> None:
    assert same_name_key("Disk.VMDK") == same_name_key("disk.vmdk")
    assert same_name_key("\u00e9") == same_name_key("e\u0301")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("vm.ovf", "descriptor"),
        ("VM.OVF", "descriptor"),
        ("vm.mf", "manifest"),
        ("vm.cert", "certificate"),
        ("d.vmdk", "file"),
    ],
)
def test_member_kind(name: str, kind: str) -> None:
    assert member_kind(name) == kind


@pytest.mark.parametrize(
    ("href", "kind"),
    [
        ("http://example.com/disk.vmdk", "external"),
        ("https://example.com/disk.vmdk", "external"),
        ("file:///etc/passwd", "unsafe"),
        ("ftp://host/x", "unsafe"),
        ("/abs/disk.vmdk", "unsafe"),
        ("../../../vmdk/valid_disk.vmdk", "unsafe"),
        ("1b52d184/05f1031c", "unsafe"),
        ("C:\\disks\\a.vmdk", "unsafe"),
        ("%2e%2e%2fescape.vmdk", "unsafe"),
        (None, "unsafe"),
        ("", "unsafe"),
    ],
)
def test_hrefs_that_are_not_members(href: str | None, kind: str) -> None:
    problem = href_problem(href)
    assert problem is not None and problem[0] == kind


def test_plain_href_is_a_member_name() -> None:
    assert href_problem("disk1.vmdk") is None
