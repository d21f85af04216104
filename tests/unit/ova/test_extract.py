"""``extract``: only verified packages, only inside the folder, never over an existing file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ovfkit.ova import OvaExtractError, extract
from tests.unit.ova.builders import Package, archive, manifest_for, regular, self_signed, special


def tree(root: Path) -> dict[str, bytes | str]:
    """Every entry under ``root``: file contents, or the target of symbolic links."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "dir"
    return found


@pytest.fixture
def place(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir()
    return tmp_path


def save(place: Path, data: bytes) -> Path:
    path = place / "in" / "x.ova"
    path.write_bytes(data)
    return path


def test_writes_a_verified_package(place: Path) -> None:
    package = Package(signer=self_signed())
    outcome = extract(save(place, package.bytes()), place / "out")
    assert outcome.ok
    assert outcome.written == ["vm.ovf", "vm.mf", "vm.cert", "disk1.vmdk", "data.iso"]
    assert tree(place / "out") == dict(package.members())


def test_unverified_package_writes_nothing(place: Path) -> None:
    package = Package()
    manifest = manifest_for([*package.members()[:1], ("disk1.vmdk", b"other"), ("data.iso", b"iso")])
    outcome = extract(save(place, Package(manifest_bytes=manifest).bytes()), place / "out")
    assert not outcome.ok and outcome.written == []
    assert tree(place / "out") == {}


@pytest.mark.parametrize(
    "hostile",
    [
        archive(regular("vm.ovf", b"x"), regular("../escaped.txt", b"evil")),
        archive(regular("vm.ovf", b"x"), regular("fine.txt", b"evil", path="/tmp/escaped.txt")),
        archive(
            regular("vm.ovf", b"x"), special("link", b"2", linkname="/etc/passwd"), regular("link", b"evil")
        ),
        archive(regular("vm.ovf", b"x"), regular("disk.vmdk", b"x" * 5000)[:1500]),
    ],
    ids=["traversal", "pax-absolute", "symlink", "truncated"],
)
def test_hostile_package_writes_nothing_anywhere(place: Path, hostile: bytes) -> None:
    path = save(place, hostile)
    before = tree(place)
    outcome = extract(path, place / "out")
    assert not outcome.ok
    after = tree(place)
    assert after.pop("out", "dir") == "dir"  # the folder is not even made when the headers are bad
    assert after == before
    assert not Path("/tmp/escaped.txt").exists()


def test_package_without_manifest_is_refused(place: Path) -> None:
    outcome = extract(save(place, Package(with_manifest=False).bytes()), place / "out")
    assert not outcome.ok and outcome.verify.ok
    assert outcome.refused is not None and "no manifest" in outcome.refused
    assert tree(place / "out") == {}


def test_never_over_an_existing_file(place: Path) -> None:
    out = place / "out"
    out.mkdir()
    (out / "disk1.vmdk").write_bytes(b"precious")
    with pytest.raises(OvaExtractError, match="already exists") as caught:
        extract(save(place, Package().bytes()), out)
    assert "x.ova" in str(caught.value)
    assert tree(out) == {"disk1.vmdk": b"precious"}


def test_force_overwrites(place: Path) -> None:
    out = place / "out"
    out.mkdir()
    (out / "disk1.vmdk").write_bytes(b"old")
    outcome = extract(save(place, Package().bytes()), out, force=True)
    assert outcome.ok and (out / "disk1.vmdk").read_bytes() == Package().files["disk1.vmdk"]


def test_symlink_in_the_folder_is_not_followed(place: Path) -> None:
    out = place / "out"
    out.mkdir()
    victim = place / "victim.txt"
    victim.write_bytes(b"untouched")
    (out / "data.iso").symlink_to(victim)
    with pytest.raises(OvaExtractError, match="already exists"):
        extract(save(place, Package().bytes()), out)
    outcome = extract(save(place, Package().bytes()), out, force=True)
    assert outcome.ok
    assert victim.read_bytes() == b"untouched"
    assert not (out / "data.iso").is_symlink() and (out / "data.iso").read_bytes() == b"iso"


def test_no_temporary_files_are_left(place: Path) -> None:
    out = place / "out"
    package = Package()
    manifest = manifest_for([*package.members()[:1], ("disk1.vmdk", b"other"), ("data.iso", b"iso")])
    extract(save(place, Package(manifest_bytes=manifest).bytes()), out)
    extract(save(place, package.bytes()), out)
    assert sorted(p.name for p in out.iterdir()) == ["data.iso", "disk1.vmdk", "vm.mf", "vm.ovf"]


def test_destination_that_is_a_file(place: Path) -> None:
    (place / "out").write_bytes(b"")
    with pytest.raises(OvaExtractError, match="destination"):
        extract(save(place, Package().bytes()), place / "out")
