"""``verify``: valid packages verify; every OVA, manifest and certificate class of the threat model fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

import ovfkit
from ovfkit.ova import OvaReadError, OvaTrustError, VerifyResult, verify
from tests.unit.ova.builders import (
    NOW,
    Package,
    archive,
    authority,
    descriptor,
    manifest_for,
    pem,
    regular,
    self_signed,
)


def run(tmp_path: Path, package: Package | bytes, **options: object) -> VerifyResult:
    path = tmp_path / "x.ova"
    path.write_bytes(package if isinstance(package, bytes) else package.bytes())
    return verify(path, **options)  # type: ignore[arg-type]


def errors(result: VerifyResult) -> list[str]:
    return [f.code for f in result.errors]


def warnings(result: VerifyResult) -> list[str]:
    return [f.code for f in result.warnings]


class TestValid:
    @pytest.mark.parametrize("algorithm", ["SHA256", "SHA512"])
    def test_unsigned(self, tmp_path: Path, algorithm: str) -> None:
        result = run(tmp_path, Package(algorithm=algorithm))
        assert result.ok and result.complete, result.findings
        assert errors(result) == [] and warnings(result) == []
        assert [f.code for f in result.findings] == ["OVA300"]
        assert [m.verified for m in result.members] == [True, None, True, True]
        assert result.manifest == "vm.mf" and result.manifest_algorithms == [algorithm]

    def test_sha1_manifest_is_a_warning(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(algorithm="SHA1"))
        assert result.ok and warnings(result) == ["OVA203"]

    def test_sha1_manifest_fails_strictly(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(algorithm="SHA1"), strict=True)
        assert not result.ok and errors(result) == ["OVA203"]

    @pytest.mark.parametrize("algorithm", ["SHA256", "SHA512"])
    def test_signed_and_trusted(self, tmp_path: Path, algorithm: str) -> None:
        pki = authority()
        result = run(
            tmp_path,
            Package(signer=pki.signer, algorithm=algorithm, sign_algorithm=algorithm),
            trust=[pki.root],
        )
        assert result.ok, result.findings
        assert result.signed and result.trusted and result.signer == "CN=Test Code Signer"
        assert result.certificate == "vm.cert"

    def test_signed_trust_file(self, tmp_path: Path) -> None:
        signer = self_signed()
        trust = tmp_path / "trust.pem"
        trust.write_bytes(pem(*signer.chain))
        assert run(tmp_path, Package(signer=signer), trust=trust).ok

    def test_signed_without_trust_is_a_warning(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(signer=self_signed()))
        assert result.ok and warnings(result) == ["OVA308"] and result.trusted is None

    def test_each_line_uses_its_own_algorithm(self, tmp_path: Path) -> None:
        package = Package()
        members = package.members()
        lines = [
            f"SHA1({members[0][0]})= {hashlib.sha1(members[0][1]).hexdigest()}",
            f"SHA512(disk1.vmdk)= {hashlib.sha512(package.files['disk1.vmdk']).hexdigest()}",
            f"SHA256(data.iso)= {hashlib.sha256(b'iso').hexdigest()}",
        ]
        result = run(tmp_path, Package(manifest_bytes=("\n".join(lines) + "\n").encode()))
        assert result.ok and warnings(result) == ["OVA203"]

    def test_manifest_and_certificate_last(self, tmp_path: Path) -> None:
        package = Package(
            signer=self_signed(), order=["vm.ovf", "disk1.vmdk", "data.iso", "vm.mf", "vm.cert"]
        )
        result = run(tmp_path, package)
        assert result.ok, result.findings
        assert [m.verified for m in result.members] == [True, True, True, None, None]

    def test_gnu_and_pax_archives(self, tmp_path: Path) -> None:
        for fmt in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
            assert run(tmp_path, Package().bytes(fmt)).ok

    def test_chunked_file(self, tmp_path: Path) -> None:
        chunks = {"disk.vmdk.000000000": b"a" * 10, "disk.vmdk.000000001": b"b" * 5}
        ovf = descriptor([("file1", "disk.vmdk", 15)], chunk_size=10)
        assert run(tmp_path, Package(files=chunks, descriptor_bytes=ovf)).ok

    def test_file_object(self, tmp_path: Path) -> None:
        path = tmp_path / "x.ova"
        path.write_bytes(Package().bytes())
        with path.open("rb") as handle:
            assert verify(handle).ok

    def test_result_as_json_data(self, tmp_path: Path) -> None:
        data = run(tmp_path, Package()).to_dict()
        assert data["verified"] is True and data["errors"] == 0
        assert data["members"][0]["name"] == "vm.ovf" and data["findings"][0]["code"] == "OVA300"


class TestArchiveClasses:
    @pytest.mark.parametrize(
        ("data", "code"),
        [
            (archive(regular("vm.ovf", b"x"), regular("../evil", b"x")), "OVA101"),
            (archive(regular("vm.ovf", b"x"), regular("vm.ovf", b"y")), "OVA102"),
            (archive(regular("vm.ovf", b"x"), marker=False), "OVA104"),
            (b"\x1f\x8b\x08" + bytes(100), "OVA107"),
            (bytes(10240), "OVA105"),
        ],
        ids=["traversal", "duplicate", "truncated", "gzip", "all-zero"],
    )
    def test_unsafe_archive_is_a_finding(self, tmp_path: Path, data: bytes, code: str) -> None:
        result = run(tmp_path, data)
        assert not result.ok and not result.complete
        assert errors(result) == [code]

    def test_unreadable_file_raises(self, tmp_path: Path) -> None:
        with pytest.raises(OvaReadError):
            verify(tmp_path / "absent.ova")

    def test_bad_trust_file_raises(self, tmp_path: Path) -> None:
        with pytest.raises(OvaTrustError):
            run(tmp_path, Package(), trust=tmp_path / "absent.pem")

    def test_descriptor_not_first(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(order=["disk1.vmdk", "vm.ovf", "vm.mf", "data.iso"]))
        assert "OVA110" in errors(result)

    def test_two_descriptors(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(extra=[("other.ovf", descriptor())]))
        assert "OVA113" in errors(result)

    def test_no_descriptor(self, tmp_path: Path) -> None:
        result = run(tmp_path, archive(regular("disk.vmdk", b"x")))
        assert errors(result)[:1] == ["OVA115"]

    def test_manifest_in_the_middle(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(order=["vm.ovf", "disk1.vmdk", "vm.mf", "data.iso"]))
        assert errors(result) == ["OVA111"]

    def test_certificate_not_after_manifest(self, tmp_path: Path) -> None:
        package = Package(
            signer=self_signed(), order=["vm.ovf", "vm.mf", "disk1.vmdk", "data.iso", "vm.cert"]
        )
        assert "OVA112" in errors(run(tmp_path, package))

    def test_files_out_of_references_order(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(order=["vm.ovf", "vm.mf", "data.iso", "disk1.vmdk"]))
        assert result.ok and warnings(result) == ["OVA114"]

    def test_companion_names(self, tmp_path: Path) -> None:
        members = Package().members()
        data = archive(
            regular("vm.ovf", members[0][1]),
            regular("other.mf", members[1][1]),
            *(regular(n, d) for n, d in members[2:]),
        )
        assert warnings(run(tmp_path, data)) == ["OVA116"]


class TestManifestClasses:
    def test_no_manifest(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(with_manifest=False))
        assert result.ok and warnings(result) == ["OVA200"]
        assert not run(tmp_path, Package(with_manifest=False), strict=True).ok

    def test_digest_mismatch(self, tmp_path: Path) -> None:
        package = Package()
        manifest = manifest_for([*package.members()[:1], ("disk1.vmdk", b"other"), ("data.iso", b"iso")])
        result = run(tmp_path, Package(manifest_bytes=manifest))
        assert errors(result) == ["OVA207"]
        assert result.errors[0].member == "disk1.vmdk"
        assert result.member("disk1.vmdk").verified is False  # type: ignore[union-attr]

    def test_tampered_descriptor(self, tmp_path: Path) -> None:
        package = Package()
        manifest = manifest_for(package.members()[:1] + list(package.files.items()))
        tampered = descriptor([("file1", "disk1.vmdk", 800), ("file2", "data.iso", 3)]).replace(
            b"A virtual", b"An evil"
        )
        result = run(tmp_path, Package(manifest_bytes=manifest, descriptor_bytes=tampered))
        assert errors(result) == ["OVA207"] and result.errors[0].member == "vm.ovf"

    def test_member_missing_from_manifest(self, tmp_path: Path) -> None:
        package = Package()
        manifest = manifest_for([*package.members()[:1], ("disk1.vmdk", package.files["disk1.vmdk"])])
        result = run(tmp_path, Package(manifest_bytes=manifest))
        assert errors(result) == ["OVA208"] and result.errors[0].member == "data.iso"

    def test_unreferenced_member_missing_from_manifest(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(extra=[("smuggled.bin", b"payload")]))
        assert errors(result) == ["OVA208"] and warnings(result) == ["OVA403"]

    def test_manifest_entry_for_a_missing_file(self, tmp_path: Path) -> None:
        package = Package()
        manifest = manifest_for([*package.members()[:1], *package.files.items(), ("ghost.vmdk", b"")])
        assert errors(run(tmp_path, Package(manifest_bytes=manifest))) == ["OVA209"]

    def test_duplicate_entries(self, tmp_path: Path) -> None:
        package = Package()
        base = manifest_for([*package.members()[:1], *package.files.items()])
        assert "OVA206" in errors(run(tmp_path, Package(manifest_bytes=base + base.splitlines(True)[1])))

    def test_md5(self, tmp_path: Path) -> None:
        package = Package()
        manifest = manifest_for([*package.members()[:1], *package.files.items()], "MD5")
        result = run(tmp_path, Package(manifest_bytes=manifest))
        assert set(errors(result)) == {"OVA202"}

    @pytest.mark.parametrize(
        ("line", "code"),
        [("SHA256(disk1.vmdk)= abc", "OVA204"), ("SHA256(../disk1.vmdk)= " + "0" * 64, "OVA205")],
    )
    def test_bad_lines(self, tmp_path: Path, line: str, code: str) -> None:
        package = Package()
        manifest = manifest_for([package.members()[0], ("data.iso", b"iso")]) + line.encode() + b"\n"
        assert code in errors(run(tmp_path, Package(manifest_bytes=manifest)))

    def test_manifest_after_the_files_is_hashed_with_every_algorithm(self, tmp_path: Path) -> None:
        package = Package(algorithm="SHA512", order=["vm.ovf", "disk1.vmdk", "data.iso", "vm.mf"])
        result = run(tmp_path, package)
        assert result.ok
        assert set(result.member("disk1.vmdk").digests) == {"SHA1", "SHA256", "SHA512"}  # type: ignore[union-attr]


class TestCertificateClasses:
    def test_bad_signature(self, tmp_path: Path) -> None:
        signer = self_signed()
        package = Package(signer=signer)
        certificate_data = signer.sign(package.members()[1][1] + b"\n")
        assert "OVA303" in errors(run(tmp_path, Package(signer=signer, certificate_bytes=certificate_data)))

    def test_certificate_without_manifest(self, tmp_path: Path) -> None:
        package = Package(with_manifest=False, certificate_bytes=self_signed().sign(b"x"))
        assert "OVA302" in errors(run(tmp_path, package))

    def test_certificate_names_another_file(self, tmp_path: Path) -> None:
        signer = self_signed()
        manifest = Package().members()[1][1]
        result = run(tmp_path, Package(certificate_bytes=signer.sign(manifest, target="other.mf")))
        assert errors(result) == ["OVA302"]

    def test_expired(self, tmp_path: Path) -> None:
        signer = self_signed(
            "Expired", not_before=NOW - dt.timedelta(days=60), not_after=NOW - dt.timedelta(days=1)
        )
        assert "OVA304" in errors(run(tmp_path, Package(signer=signer), trust=list(signer.chain)))

    def test_weak_key(self, tmp_path: Path) -> None:
        signer = self_signed("Weak", bits=1024)
        assert "OVA305" in errors(run(tmp_path, Package(signer=signer), trust=list(signer.chain)))

    def test_not_chained_to_the_given_anchor(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(signer=self_signed()), trust=[authority().root])
        assert errors(result) == ["OVA306"] and result.trusted is False

    def test_unsigned_but_trust_given(self, tmp_path: Path) -> None:
        assert errors(run(tmp_path, Package(), trust=[authority().root])) == ["OVA311"]

    def test_sha1_signature(self, tmp_path: Path) -> None:
        signer = self_signed()
        result = run(tmp_path, Package(signer=signer, sign_algorithm="SHA1"), trust=list(signer.chain))
        assert result.ok and warnings(result) == ["OVA307"]
        assert errors(
            run(
                tmp_path, Package(signer=signer, sign_algorithm="SHA1"), trust=list(signer.chain), strict=True
            )
        ) == ["OVA307"]


class TestReferencesClasses:
    def test_referenced_file_missing(self, tmp_path: Path) -> None:
        ovf = descriptor(
            [("file1", "disk1.vmdk", 800), ("file2", "data.iso", 3), ("file3", "ghost.vmdk", None)]
        )
        assert errors(run(tmp_path, Package(descriptor_bytes=ovf))) == ["OVA401"]

    def test_size_mismatch(self, tmp_path: Path) -> None:
        ovf = descriptor([("file1", "disk1.vmdk", 801), ("file2", "data.iso", 3)])
        result = run(tmp_path, Package(descriptor_bytes=ovf))
        assert errors(result) == ["OVA404"] and "801" in result.errors[0].message

    @pytest.mark.parametrize(
        ("href", "code"),
        [
            ("/etc/passwd", "OVA405"),
            ("../../disk.vmdk", "OVA405"),
            ("file:///etc/shadow", "OVA405"),
            ("sub/disk.vmdk", "OVA405"),
            ("http://example.com/disk.vmdk", "OVA402"),
        ],
    )
    def test_hrefs(self, tmp_path: Path, href: str, code: str) -> None:
        ovf = descriptor([("file1", "disk1.vmdk", 800), ("file2", "data.iso", 3), ("file3", href, None)])
        result = run(tmp_path, Package(descriptor_bytes=ovf))
        assert code in [f.code for f in result.findings]

    def test_duplicate_reference(self, tmp_path: Path) -> None:
        ovf = descriptor([("file1", "disk1.vmdk", 800), ("file2", "data.iso", 3), ("file3", "data.iso", 3)])
        assert errors(run(tmp_path, Package(descriptor_bytes=ovf))) == ["OVA406"]

    def test_unreadable_descriptor(self, tmp_path: Path) -> None:
        result = run(tmp_path, Package(descriptor_bytes=b"<Envelope"))
        assert errors(result) == ["OVA400"] and "x.ova!vm.ovf" in result.errors[0].message

    def test_hostile_descriptor(self, tmp_path: Path) -> None:
        hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
        result = run(tmp_path, Package(descriptor_bytes=hostile))
        assert errors(result) == ["OVA400"] and "DOCTYPE" in result.errors[0].message


class TestOtherTools:
    def _ovirt(self, pad: bytes = bytes(1536)) -> bytes:
        """The layout oVirt's pack_ova.py writes: vm.ovf, then a zero 'pad' member before each disk."""
        ovf = descriptor([("d1", "disk-one", 1000), ("d2", "disk-two", 700)])
        return archive(
            regular("vm.ovf", ovf),
            regular("pad", pad),
            regular("disk-one", b"1" * 1000),
            regular("pad", pad),
            regular("disk-two", b"2" * 700),
        )

    def test_ovirt_padding_members(self, tmp_path: Path) -> None:
        result = run(tmp_path, self._ovirt())
        assert result.ok and warnings(result) == ["OVA200"]
        assert [m.kind for m in result.members] == ["descriptor", "padding", "file", "padding", "file"]

    def test_padding_must_be_zero(self, tmp_path: Path) -> None:
        result = run(tmp_path, self._ovirt(pad=b"\x00" * 1000 + b"evil"))
        assert errors(result) == ["OVA101"] and "not zero" in result.errors[0].message

    def test_large_pad_is_an_ordinary_file(self, tmp_path: Path) -> None:
        assert errors(run(tmp_path, self._ovirt(pad=bytes(100_000)))) == ["OVA102"]

    def test_virtualbox_layout(self, tmp_path: Path) -> None:
        # VirtualBox writes the manifest last, with spaced SHA256 lines
        package = Package(order=["vm.ovf", "disk1.vmdk", "data.iso", "vm.mf"])
        members = dict(package.members())
        spaced = members["vm.mf"].replace(b"SHA256(", b"SHA256 (").replace(b")= ", b") = ")
        assert run(tmp_path, Package(order=package.order, manifest_bytes=spaced)).ok

    def test_gnu_tar_layout(self, tmp_path: Path) -> None:
        # VMware's mkova.sh: `tar cf x.ova *.ovf *.mf *.vmdk`, manifest listing the disk before the ovf
        package = Package(files={"x-disk1.vmdk": b"d" * 5000})
        members = dict(package.members())
        lines = members["vm.mf"].splitlines(keepends=True)
        reordered = Package(files=package.files, manifest_bytes=b"".join(reversed(lines)))
        assert run(tmp_path, reordered.bytes(tarfile.GNU_FORMAT)).ok


@pytest.mark.skipif(shutil.which("tar") is None, reason="no tar program")
class TestMadeByTarPrograms:
    """Packages made by the ``tar`` program (as VMware's and other vendors' scripts do) verify."""

    @pytest.mark.parametrize("fmt", ["gnu", "ustar", "pax", "posix", "oldgnu", "v7"])
    def test_tar_formats(self, tmp_path: Path, fmt: str) -> None:
        source = tmp_path / "src"
        source.mkdir()
        package = Package(
            files={"vm-disk1.vmdk": b"d" * 70_000, "vm-file1.iso": b"iso"}, signer=self_signed()
        )
        names = [name for name, _ in package.members()]
        for name, data in package.members():
            (source / name).write_bytes(data)
        out = tmp_path / "vm.ova"
        made = subprocess.run(
            ["tar", f"--format={fmt}", "-cf", str(out), "-C", str(source), *names],
            capture_output=True,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        result = verify(out)
        assert result.ok, result.findings
        assert [m.name for m in result.members] == names
        assert all(m.verified for m in result.members if m.kind == "file")
        envelope = ovfkit.load(out)
        assert envelope.document.warnings == []
