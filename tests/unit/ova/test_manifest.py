"""Manifest parsing and writing: the variants seen in the wild, and every refused line."""

from __future__ import annotations

import hashlib

import pytest

from ovfkit.ova.manifest import format_manifest, parse_manifest
from tests.conftest import CORPUS, needs_corpus

SHA1 = hashlib.sha1(b"x").hexdigest()
SHA256 = hashlib.sha256(b"x").hexdigest()
SHA512 = hashlib.sha512(b"x").hexdigest()


def codes(data: bytes) -> list[str]:
    return [f.code for f in parse_manifest(data, "vm.mf").findings]


class TestAccepted:
    def test_ovftool_lines(self) -> None:
        manifest = parse_manifest(f"SHA256(vm.ovf)= {SHA256}\nSHA256(disk.vmdk)= {SHA256}\n".encode())
        assert [(e.algorithm, e.name, e.digest, e.line) for e in manifest.entries] == [
            ("SHA256", "vm.ovf", SHA256, 1),
            ("SHA256", "disk.vmdk", SHA256, 2),
        ]
        assert manifest.findings == []
        assert manifest.algorithms == ["SHA256"]

    def test_spaced_variant_crlf_and_upper_case_hex(self) -> None:
        data = f"SHA1 (vm.ovf) = {SHA1.upper()}\r\nSHA512 (disk.vmdk) = {SHA512}\r\n".encode()
        manifest = parse_manifest(data)
        assert [(e.algorithm, e.name, e.digest) for e in manifest.entries] == [
            ("SHA1", "vm.ovf", SHA1),
            ("SHA512", "disk.vmdk", SHA512),
        ]

    def test_each_line_keeps_its_algorithm(self) -> None:
        data = f"SHA1(a)= {SHA1}\nSHA256(b)= {SHA256}\nSHA512(c)= {SHA512}\n".encode()
        manifest = parse_manifest(data)
        assert [manifest.algorithms_for(n) for n in "abc"] == [{"SHA1"}, {"SHA256"}, {"SHA512"}]

    def test_names_with_parentheses_and_spaces(self) -> None:
        manifest = parse_manifest(f"SHA256(My Disk (1).vmdk)= {SHA256}\n".encode())
        assert manifest.entries[0].name == "My Disk (1).vmdk"

    def test_bom_and_blank_lines(self) -> None:
        manifest = parse_manifest(b"\xef\xbb\xbf\n" + f"SHA256(a)= {SHA256}\n\n\n".encode())
        assert [e.name for e in manifest.entries] == ["a"] and manifest.findings == []

    def test_sha1_is_a_warning_once(self) -> None:
        manifest = parse_manifest(f"SHA1(a)= {SHA1}\nSHA1(b)= {SHA1}\n".encode())
        assert [(f.code, f.severity) for f in manifest.findings] == [("OVA203", "warning")]
        assert "line 1, 2" in manifest.findings[0].message

    @needs_corpus
    @pytest.mark.parametrize(
        "name", ["govmomi/ttylinux-pc_i486-16.1.mf", "cot/input.mf", "cot/ubuntu.2.0.mf", "ganeti/ganeti.mf"]
    )
    def test_corpus_manifests(self, name: str) -> None:
        manifest = parse_manifest((CORPUS / name).read_bytes(), name)
        assert manifest.entries
        assert {f.code for f in manifest.findings} <= {"OVA203"}


class TestRefused:
    @pytest.mark.parametrize(
        ("line", "code"),
        [
            (f"MD5(a)= {hashlib.md5(b'x').hexdigest()}", "OVA202"),
            (f"SHA384(a)= {hashlib.sha384(b'x').hexdigest()}", "OVA202"),
            (f"SHA256(a)= {SHA1}", "OVA204"),
            (f"SHA256(a)= {SHA256[:-1]}g", "OVA204"),
            ("SHA256(a)= ", "OVA204"),
            (f"SHA256(../a)= {SHA256}", "OVA205"),
            (f"SHA256(dir/a)= {SHA256}", "OVA205"),
            (f"SHA256(/etc/a)= {SHA256}", "OVA205"),
            (f"SHA256(a\\b)= {SHA256}", "OVA205"),
            (f"{SHA256}  a", "OVA201"),
            ("garbage", "OVA201"),
        ],
    )
    def test_bad_lines(self, line: str, code: str) -> None:
        manifest = parse_manifest((line + "\n").encode(), "vm.mf")
        assert [f.code for f in manifest.findings] == [code]
        assert manifest.entries == []
        assert manifest.findings[0].member == "vm.mf"

    def test_refused_line_still_lists_its_name(self) -> None:
        manifest = parse_manifest(f"MD5(a)= {hashlib.md5(b'x').hexdigest()}\n".encode())
        assert "a" in manifest.listed

    def test_duplicates(self) -> None:
        assert codes(f"SHA256(a)= {SHA256}\nSHA256(a)= {SHA256}\n".encode()) == ["OVA206"]
        assert codes(f"SHA256(a)= {SHA256}\nSHA512(a)= {SHA512}\n".encode()) == ["OVA206"]

    def test_not_utf8(self) -> None:
        manifest = parse_manifest(b"SHA256(\xff)= 00\n")
        assert not manifest.readable and [f.code for f in manifest.findings] == ["OVA201"]

    def test_long_garbage_is_quoted_short(self) -> None:
        manifest = parse_manifest(b"x" * 10_000)
        assert len(manifest.findings[0].message) < 200


class TestFormat:
    def test_ovftool_format(self) -> None:
        data = format_manifest([("vm.ovf", SHA256), ("disk.vmdk", SHA256.upper())], "sha256")
        assert data == f"SHA256(vm.ovf)= {SHA256}\nSHA256(disk.vmdk)= {SHA256}\n".encode()
        assert parse_manifest(data).findings == []

    @pytest.mark.parametrize(
        ("digests", "algorithm"),
        [([("a", SHA256)], "md5"), ([("../a", SHA256)], "SHA256"), ([("a", SHA1)], "SHA256")],
    )
    def test_refuses_bad_input(self, digests: list[tuple[str, str]], algorithm: str) -> None:
        with pytest.raises(ValueError):
            format_manifest(digests, algorithm)
