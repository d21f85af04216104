"""``ovfkit ova``: exit codes, one-line reasons, no traceback, nothing written outside the target folder."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from ovfkit.cli.main import main
from tests.conftest import ROOT
from tests.unit.ova.builders import (
    Package,
    archive,
    key_pem,
    manifest_for,
    pem,
    regular,
    self_signed,
    special,
)


def write(tmp_path: Path, data: bytes, name: str = "x.ova") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def tampered_digest() -> bytes:
    package = Package()
    manifest = manifest_for([*package.members()[:1], ("disk1.vmdk", b"other"), ("data.iso", b"iso")])
    return Package(manifest_bytes=manifest).bytes()


def bad_signature() -> bytes:
    signer = self_signed()
    return Package(signer=signer, certificate_bytes=signer.sign(b"another manifest")).bytes()


HOSTILE = {
    "traversal": (archive(regular("vm.ovf", b"x"), regular("../../evil.sh", b"evil")), "'..'"),
    "absolute-pax": (archive(regular("vm.ovf", b"x"), regular("ok", b"evil", path="/etc/evil")), "absolute"),
    "symlink": (
        archive(regular("vm.ovf", b"x"), special("disk.vmdk", tarfile.SYMTYPE, linkname="/etc")),
        "symbolic link",
    ),
    "hardlink": (
        archive(regular("vm.ovf", b"x"), special("disk.vmdk", tarfile.LNKTYPE, linkname="vm.ovf")),
        "hard link",
    ),
    "duplicate": (archive(regular("vm.ovf", b"x"), regular("vm.ovf", b"evil")), "twice"),
    "truncated": (
        archive(regular("vm.ovf", b"x"), regular("disk.vmdk", b"d" * 4000))[:2048],
        "truncated-archive",
    ),
    "sparse": (
        archive(regular("vm.ovf", b"x"), special("disk.vmdk", tarfile.GNUTYPE_SPARSE, size=1 << 34)),
        "sparse",
    ),
    "flood": (archive(regular("vm.ovf", b"x"), *(regular(f"f{i}", b"") for i in range(10_001))), "members"),
    "hidden-after-end": (archive(regular("vm.ovf", b"x")) + archive(regular("evil", b"x")), "end-of-archive"),
    "gzip": (gzip.compress(Package().bytes()), "gzip"),
    "wrong-digest": (tampered_digest(), "digest does not match"),
    "bad-signature": (bad_signature(), "signature does not match"),
}


class TestVerify:
    def test_verified(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ova", "verify", str(write(tmp_path, Package().bytes()))]) == 0
        out, err = capsys.readouterr()
        assert err == ""
        assert out.splitlines()[-1].endswith(
            "verified (4 members, 3 digests matched, SHA256 manifest, unsigned)"
        )

    def test_quiet_success_prints_nothing(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ova", "verify", "--quiet", str(write(tmp_path, Package().bytes()))]) == 0
        assert capsys.readouterr() == ("", "")

    def test_json(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ova", "verify", "--format", "json", str(write(tmp_path, tampered_digest()))]) == 1
        data = json.loads(capsys.readouterr().out)
        assert data["verified"] is False and [
            f["code"] for f in data["findings"] if f["severity"] == "error"
        ] == ["OVA207"]

    @pytest.mark.parametrize("case", sorted(HOSTILE))
    def test_hostile_packages_exit_1_with_one_reason(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
    ) -> None:
        data, reason = HOSTILE[case]
        assert main(["ova", "verify", str(write(tmp_path, data))]) == 1
        out, err = capsys.readouterr()
        errors = [line for line in out.splitlines() if ": error " in line]
        assert len(errors) == 1, out
        assert reason in errors[0]
        assert "Traceback" not in out + err
        assert "verification failed (1 error," in out.splitlines()[-1]

    def test_trusted_signature(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        signer = self_signed()
        trust = write(tmp_path, pem(*signer.chain), "trust.pem")
        path = write(tmp_path, Package(signer=signer).bytes())
        assert main(["ova", "verify", str(path), "--trust", str(trust)]) == 0
        assert "signed by CN=Test Signer, trusted" in capsys.readouterr().out

    def test_untrusted_signature(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        trust = write(tmp_path, pem(*self_signed("Someone Else").chain), "trust.pem")
        path = write(tmp_path, Package(signer=self_signed()).bytes())
        assert main(["ova", "verify", str(path), "--trust", str(trust)]) == 1
        assert "OVA306 untrusted-certificate" in capsys.readouterr().out

    def test_signer_names_cannot_drive_the_terminal(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        signer = self_signed("Evil\x1b]0;owned\x07\x9b2J\u202eSigner")
        path = write(tmp_path, Package(signer=signer).bytes())
        assert main(["ova", "verify", str(path)]) == 0
        out = capsys.readouterr().out
        assert not any(char in out for char in "\x1b\x07\x9b\u202e")
        assert "signed by CN=Evil\\x1b]0\\;owned\\x07\\x9b2J\\u202eSigner" in out

    def test_strict(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = write(tmp_path, Package(algorithm="SHA1").bytes())
        assert main(["ova", "verify", str(path)]) == 0
        assert main(["ova", "verify", "--strict", str(path)]) == 1
        assert "error OVA203 manifest-sha1" in capsys.readouterr().out

    def test_allow_compressed(self, tmp_path: Path) -> None:
        path = write(tmp_path, gzip.compress(Package().bytes()))
        assert main(["ova", "verify", "--allow-compressed", str(path)]) == 0

    def test_missing_package_exit_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ova", "verify", str(tmp_path / "absent.ova")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "absent.ova" in err and "Traceback" not in err

    def test_unreadable_trust_file_exit_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        package = write(tmp_path, Package().bytes())
        assert main(["ova", "verify", str(package), "--trust", str(tmp_path / "absent.pem")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "trust file" in err

    @pytest.mark.parametrize("argv", [["ova", "verify"], ["ova", "verify", "x.ova", "--format", "xml"]])
    def test_usage_errors_exit_2(self, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        assert "usage:" in capsys.readouterr().err

    def test_no_action_exit_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ova"]) == 2
        assert "verify" in capsys.readouterr().err

    def test_no_progress_when_not_a_terminal(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        main(["ova", "verify", str(write(tmp_path, Package().bytes()))])
        assert "\r" not in capsys.readouterr().err

    @pytest.mark.parametrize("action", ["verify", "extract", "pack"])
    @pytest.mark.parametrize("quiet", [False, True])
    def test_progress_on_a_terminal(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, action: str, quiet: bool
    ) -> None:
        import ovfkit.ova.progress

        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        monkeypatch.setattr(ovfkit.ova.progress, "PROGRESS_THRESHOLD", 1)  # every package counts as large
        package = write(tmp_path, Package().bytes())
        argv = {
            "verify": ["ova", "verify", str(package)],
            "extract": ["ova", "extract", str(package), "-o", str(tmp_path / "out")],
            "pack": ["ova", "pack", str(_source(tmp_path)), "-o", str(tmp_path / "new.ova")],
        }[action]
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        assert main([*argv, "--quiet"] if quiet else argv) == 0
        drawn = terminal.getvalue()
        if quiet:
            assert drawn == ""
        else:
            assert drawn.startswith(f"\r{action}  [") and "100%" in drawn and drawn.endswith("\n")


class TestList:
    def test_members(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ova", "list", str(write(tmp_path, Package().bytes()))]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split() == ["#", "Size", "Kind", "Name"]
        assert [line.split()[-1] for line in lines[1:]] == ["vm.ovf", "vm.mf", "disk1.vmdk", "data.iso"]

    def test_json(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["ova", "list", "--format", "json", str(write(tmp_path, Package().bytes()))]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["complete"] and [m["kind"] for m in data["members"]] == [
            "descriptor",
            "manifest",
            "file",
            "file",
        ]

    def test_unsafe_member_stops_the_listing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        data, reason = HOSTILE["traversal"]
        assert main(["ova", "list", str(write(tmp_path, data))]) == 1
        out, err = capsys.readouterr()
        assert "vm.ovf" in out and "evil" not in out
        assert len(err.strip().splitlines()) == 1 and reason in err


class TestExtract:
    def test_extracts(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = write(tmp_path, Package().bytes())
        assert main(["ova", "extract", str(path), "-o", str(tmp_path / "out")]) == 0
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
            "data.iso",
            "disk1.vmdk",
            "vm.mf",
            "vm.ovf",
        ]
        assert "extracted 4 files" in capsys.readouterr().out

    @pytest.mark.parametrize("case", sorted(HOSTILE))
    def test_hostile_packages_write_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
    ) -> None:
        work = tmp_path / "work"
        work.mkdir()
        path = write(work, HOSTILE[case][0])
        before = sorted(str(p) for p in tmp_path.rglob("*"))
        assert main(["ova", "extract", str(path), "-o", str(work / "new" / "out")]) == 1
        after = sorted(str(p) for p in tmp_path.rglob("*"))
        assert after == before  # not even the destination folder is left behind
        out, err = capsys.readouterr()
        assert "nothing extracted" in out and "Traceback" not in out + err

    @pytest.mark.parametrize(
        "package",
        [tampered_digest(), Package(with_manifest=False).bytes()],
        ids=["wrong-digest", "no-manifest"],
    )
    def test_failure_leaves_no_destination_folder(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], package: bytes
    ) -> None:
        path = write(tmp_path, package)
        assert main(["ova", "extract", str(path), "-o", str(tmp_path / "a" / "b" / "out")]) == 1
        assert "nothing extracted" in capsys.readouterr().out
        assert sorted(p.name for p in tmp_path.iterdir()) == ["x.ova"]

    def test_existing_file_exit_2_untouched(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out_dir = tmp_path / "out"
        out_dir.mkdir()
        (out_dir / "vm.ovf").write_bytes(b"mine")
        path = write(tmp_path, Package().bytes())
        assert main(["ova", "extract", str(path), "-o", str(out_dir)]) == 2
        err = capsys.readouterr().err
        assert "already exists" in err and "--force" in err and len(err.strip().splitlines()) == 1
        assert sorted(p.name for p in out_dir.iterdir()) == ["vm.ovf"]
        assert (out_dir / "vm.ovf").read_bytes() == b"mine"
        assert main(["ova", "extract", str(path), "-o", str(out_dir), "--force"]) == 0
        assert (out_dir / "vm.ovf").read_bytes() != b"mine"


def _source(tmp_path: Path) -> Path:
    """A folder with a descriptor and its files, ready to pack."""
    source = tmp_path / "src"
    source.mkdir()
    for name, data in Package().members():
        if not name.endswith(".mf"):
            (source / name).write_bytes(data)
    return source / "vm.ovf"


class TestPack:
    def test_pack_then_verify(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        ovf = _source(tmp_path)
        assert main(["ova", "pack", str(ovf), "-o", str(tmp_path / "x.ova")]) == 0
        assert "wrote" in capsys.readouterr().out
        assert main(["ova", "verify", str(tmp_path / "x.ova")]) == 0

    def test_signed(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        ovf = _source(tmp_path)
        signer = self_signed()
        key = write(tmp_path, key_pem(signer.key), "key.pem")
        cert = write(tmp_path, pem(*signer.chain), "cert.pem")
        argv = ["ova", "pack", str(ovf), "-o", str(tmp_path / "x.ova"), "--manifest", "sha512"]
        assert main([*argv, "--sign", str(key), "--cert", str(cert)]) == 0
        assert main(["ova", "verify", str(tmp_path / "x.ova"), "--trust", str(cert), "--strict"]) == 0

    def test_sign_needs_cert(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        ovf = _source(tmp_path)
        assert main(["ova", "pack", str(ovf), "-o", str(tmp_path / "x.ova"), "--sign", "key.pem"]) == 2
        assert "--cert" in capsys.readouterr().err

    def test_refused_href_exit_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        ovf = _source(tmp_path)
        ovf.write_bytes(ovf.read_bytes().replace(b'"data.iso"', b'"../../etc/passwd"'))
        assert main(["ova", "pack", str(ovf), "-o", str(tmp_path / "x.ova")]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "'..'" in err
        assert not (tmp_path / "x.ova").exists()


def test_real_process(tmp_path: Path) -> None:
    good = write(tmp_path, Package().bytes(), "good.ova")
    bad = write(tmp_path, HOSTILE["traversal"][0], "bad.ova")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "ovfkit", "ova", "verify"]
    ok = subprocess.run(
        [*command, str(good)], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert ok.returncode == 0, ok.stderr
    failed = subprocess.run(
        [*command, str(bad)], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert failed.returncode == 1 and "'..'" in failed.stdout and "Traceback" not in failed.stderr
    missing = subprocess.run(
        [*command, "absent.ova"], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
