"""``pack``: ustar packages in ovftool's order that verify, files only from the descriptor's folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

import ovfkit
from ovfkit.errors import OvfParseError
from ovfkit.ova import OvaPackError, OvaReadError, pack, verify
from tests.unit.ova.builders import descriptor, key_pem, pem, self_signed

DISK = bytes(range(256)) * 40


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    (source / "vm.ovf").write_bytes(
        descriptor([("file1", "disk1.vmdk", len(DISK)), ("file2", "data.iso", None)])
    )
    (source / "disk1.vmdk").write_bytes(DISK)
    (source / "data.iso").write_bytes(b"iso")
    return source


def headers(path: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(path, "r:") as archive:
        return archive.getmembers()


def test_ovftool_layout(folder: Path, tmp_path: Path) -> None:
    output = tmp_path / "x.ova"
    result = pack(folder / "vm.ovf", output)
    assert result.members == [
        ("vm.ovf", len((folder / "vm.ovf").read_bytes())),
        ("vm.mf", 249),
        ("disk1.vmdk", len(DISK)),
        ("data.iso", 3),
    ]
    raw = output.read_bytes()
    assert raw[257:265] == b"ustar\x0000"
    assert len(raw) % 10240 == 0
    members = headers(output)
    assert [m.name for m in members] == ["vm.ovf", "vm.mf", "disk1.vmdk", "data.iso"]
    assert all(m.isreg() and m.mode == 0o644 for m in members)
    with tarfile.open(output) as archive:
        manifest = archive.extractfile("vm.mf").read()  # type: ignore[union-attr]
    assert (
        manifest
        == (
            f"SHA256(vm.ovf)= {hashlib.sha256((folder / 'vm.ovf').read_bytes()).hexdigest()}\n"
            f"SHA256(disk1.vmdk)= {hashlib.sha256(DISK).hexdigest()}\n"
            f"SHA256(data.iso)= {hashlib.sha256(b'iso').hexdigest()}\n"
        ).encode()
    )
    assert verify(output).ok


def test_descriptor_is_unchanged_without_update_sizes(folder: Path, tmp_path: Path) -> None:
    pack(folder / "vm.ovf", tmp_path / "x.ova")
    data, _ = ovfkit.ova.read_descriptor(tmp_path / "x.ova")
    assert data == (folder / "vm.ovf").read_bytes()


def test_sha512_and_signed(folder: Path, tmp_path: Path) -> None:
    signer = self_signed()
    (tmp_path / "key.pem").write_bytes(key_pem(signer.key))
    (tmp_path / "cert.pem").write_bytes(pem(*signer.chain))
    result = pack(
        folder / "vm.ovf",
        tmp_path / "x.ova",
        manifest="sha512",
        sign_key=tmp_path / "key.pem",
        sign_cert=tmp_path / "cert.pem",
    )
    assert result.signed and result.algorithm == "SHA512"
    assert [m.name for m in headers(tmp_path / "x.ova")] == [
        "vm.ovf",
        "vm.mf",
        "vm.cert",
        "disk1.vmdk",
        "data.iso",
    ]
    checked = verify(tmp_path / "x.ova", trust=tmp_path / "cert.pem")
    assert checked.ok and checked.trusted and checked.manifest_algorithms == ["SHA512"]


def test_wrong_size_is_refused_unless_updating(folder: Path, tmp_path: Path) -> None:
    text = (folder / "vm.ovf").read_bytes().replace(f'ovf:size="{len(DISK)}"'.encode(), b'ovf:size="99"')
    (folder / "vm.ovf").write_bytes(text)
    with pytest.raises(OvaPackError, match="--update-sizes") as caught:
        pack(folder / "vm.ovf", tmp_path / "x.ova")
    assert str(folder / "vm.ovf") in str(caught.value)
    assert not (tmp_path / "x.ova").exists()
    result = pack(folder / "vm.ovf", tmp_path / "x.ova", update_sizes=True)
    assert result.updated_sizes == ["file1", "file2"]
    data, _ = ovfkit.ova.read_descriptor(tmp_path / "x.ova")
    # only the two sizes changed: one value replaced, one attribute added, the rest byte for byte
    expected = text.replace(b'ovf:size="99"', f'ovf:size="{len(DISK)}"'.encode()).replace(
        b'ovf:id="file2"/>', b'ovf:id="file2" ovf:size="3"/>'
    )
    assert data == expected
    assert verify(tmp_path / "x.ova").ok
    assert (folder / "vm.ovf").read_bytes() == text


@pytest.mark.parametrize(
    "href",
    [
        "/etc/passwd",
        "../secret.txt",
        "file:///etc/passwd",
        "http://example.com/d.vmdk",
        "sub/disk.vmdk",
        "a\\b",
    ],
)
def test_hrefs_outside_the_folder_are_refused(folder: Path, tmp_path: Path, href: str) -> None:
    (folder / "vm.ovf").write_bytes(descriptor([("file1", href, None)]))
    with pytest.raises(OvaPackError, match="descriptor's folder"):
        pack(folder / "vm.ovf", tmp_path / "x.ova")


def test_symlink_out_of_the_folder_is_refused(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_bytes(b"secret")
    (folder / "link.vmdk").symlink_to(tmp_path / "secret.txt")
    (folder / "vm.ovf").write_bytes(descriptor([("file1", "link.vmdk", None)]))
    with pytest.raises(OvaPackError, match="symbolic link"):
        pack(folder / "vm.ovf", tmp_path / "x.ova")


def test_symlink_inside_the_folder_is_followed(folder: Path, tmp_path: Path) -> None:
    (folder / "link.vmdk").symlink_to("disk1.vmdk")
    (folder / "vm.ovf").write_bytes(descriptor([("file1", "link.vmdk", None)]))
    pack(folder / "vm.ovf", tmp_path / "x.ova")
    assert verify(tmp_path / "x.ova").ok


def test_missing_and_irregular_files(folder: Path, tmp_path: Path) -> None:
    (folder / "vm.ovf").write_bytes(descriptor([("file1", "absent.vmdk", None)]))
    with pytest.raises(OvaReadError, match=r"absent\.vmdk"):
        pack(folder / "vm.ovf", tmp_path / "x.ova")
    os.mkfifo(folder / "pipe.vmdk")
    (folder / "vm.ovf").write_bytes(descriptor([("file1", "pipe.vmdk", None)]))
    with pytest.raises(OvaPackError, match="not a regular file"):
        pack(folder / "vm.ovf", tmp_path / "x.ova")


def test_names_the_archive_cannot_hold(folder: Path, tmp_path: Path) -> None:
    for name in ("vm.mf", "VM.OVF"):
        (folder / "vm.ovf").write_bytes(descriptor([("file1", name, None)]))
        with pytest.raises(OvaPackError, match="already used"):
            pack(folder / "vm.ovf", tmp_path / "x.ova")
    long_name = "d" * 101
    (folder / long_name).write_bytes(b"x")
    (folder / "vm.ovf").write_bytes(descriptor([("file1", long_name, None)]))
    with pytest.raises(OvaPackError, match="100 bytes"):
        pack(folder / "vm.ovf", tmp_path / "x.ova")
    (folder / "vm.ovf").write_bytes(descriptor([("file1", "disk1.vmdk", None)], chunk_size=10))
    with pytest.raises(OvaPackError, match="chunk"):
        pack(folder / "vm.ovf", tmp_path / "x.ova")


def test_existing_output(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "x.ova").write_bytes(b"keep")
    with pytest.raises(OvaPackError, match="already exists"):
        pack(folder / "vm.ovf", tmp_path / "x.ova")
    assert (tmp_path / "x.ova").read_bytes() == b"keep"
    pack(folder / "vm.ovf", tmp_path / "x.ova", force=True)
    assert verify(tmp_path / "x.ova").ok


def test_output_never_replaces_an_input(folder: Path) -> None:
    with pytest.raises(OvaPackError, match="own files"):
        pack(folder / "vm.ovf", folder / "disk1.vmdk", force=True)
    assert (folder / "disk1.vmdk").read_bytes() == DISK


def test_no_temporary_file_is_left(folder: Path, tmp_path: Path) -> None:
    pack(folder / "vm.ovf", tmp_path / "x.ova")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src", "x.ova"]


def test_bad_descriptors(folder: Path, tmp_path: Path) -> None:
    (folder / "vm.ovf").write_bytes(b"<Envelope")
    with pytest.raises(OvfParseError):
        pack(folder / "vm.ovf", tmp_path / "x.ova")
    (folder / "vm.xml").write_bytes(descriptor())
    with pytest.raises(OvaPackError, match=r"\.ovf"):
        pack(folder / "vm.xml", tmp_path / "x.ova")


def test_misuse(folder: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sha256"):
        pack(folder / "vm.ovf", tmp_path / "x.ova", manifest="md5")
    with pytest.raises(ValueError, match="together"):
        pack(folder / "vm.ovf", tmp_path / "x.ova", sign_key=tmp_path / "key.pem")


def test_progress(folder: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    pack(folder / "vm.ovf", tmp_path / "x.ova", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2 * (len(DISK) + 3), 2 * (len(DISK) + 3))


@pytest.mark.skipif(shutil.which("tar") is None, reason="no tar program")
def test_gnu_tar_extracts_it(folder: Path, tmp_path: Path) -> None:
    pack(folder / "vm.ovf", tmp_path / "x.ova")
    out = tmp_path / "gnu"
    out.mkdir()
    subprocess.run(["tar", "xf", str(tmp_path / "x.ova"), "-C", str(out)], check=True)
    assert (out / "disk1.vmdk").read_bytes() == DISK
    assert (out / "vm.ovf").read_bytes() == (folder / "vm.ovf").read_bytes()
