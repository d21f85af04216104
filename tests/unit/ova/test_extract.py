"""``extract``: only verified packages, only inside the folder, never over an existing file."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

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
    assert not (place / "out").exists()


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
    assert tree(place) == before  # the folder is not even made when the headers are bad
    assert not Path("/tmp/escaped.txt").exists()


def test_package_without_manifest_is_refused(place: Path) -> None:
    outcome = extract(save(place, Package(with_manifest=False).bytes()), place / "out")
    assert not outcome.ok and outcome.verify.ok
    assert outcome.refused is not None and "no manifest" in outcome.refused
    assert not (place / "out").exists()


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


def test_failure_removes_only_the_folders_it_made(place: Path) -> None:
    (place / "kept").mkdir()
    bad = Package(manifest_bytes=manifest_for([("vm.ovf", b"other")]))
    outcome = extract(save(place, bad.bytes()), place / "kept" / "new" / "deeper")
    assert not outcome.ok
    assert tree(place / "kept") == {}  # "new" and "deeper" are gone, "kept" (there before) stays


def test_failure_in_an_existing_folder_leaves_it_as_it_was(place: Path) -> None:
    out = place / "out"
    out.mkdir()
    (out / "notes.txt").write_bytes(b"mine")
    bad = Package(manifest_bytes=manifest_for([("vm.ovf", b"other")]))
    assert not extract(save(place, bad.bytes()), out).ok
    assert tree(out) == {"notes.txt": b"mine"}


def test_a_name_clash_leaves_the_folder_as_it_was(place: Path) -> None:
    out = place / "out"
    out.mkdir()
    (out / "data.iso").write_bytes(b"precious")
    with pytest.raises(OvaExtractError, match="already exists"):
        extract(save(place, Package().bytes()), out)
    assert tree(out) == {"data.iso": b"precious"}


def _failing_link(monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    """Make giving ``failing`` its name fail with an I/O error (after the others were given theirs)."""
    real_link = os.link

    def link(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        if target == failing:
            raise OSError(errno.EIO, "Input/output error")
        real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    monkeypatch.setattr(os, "supports_dir_fd", os.supports_dir_fd | {link})


def test_failure_while_naming_takes_everything_back(place: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_link(monkeypatch, "data.iso")
    with pytest.raises(OvaExtractError, match=r"cannot write 'data\.iso'"):
        extract(save(place, Package().bytes()), place / "a" / "out")
    assert not (place / "a").exists()


def test_failure_with_force_puts_replaced_files_back(place: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = place / "out"
    out.mkdir()
    victim = place / "victim.txt"
    victim.write_bytes(b"untouched")
    (out / "vm.ovf").write_bytes(b"old descriptor")
    (out / "disk1.vmdk").symlink_to(victim)
    before = tree(out)
    _failing_link(monkeypatch, "data.iso")
    with pytest.raises(OvaExtractError, match="Input/output error"):
        extract(save(place, Package().bytes()), out, force=True)
    assert tree(out) == before
    assert victim.read_bytes() == b"untouched"


def test_force_does_not_replace_a_folder(place: Path) -> None:
    out = place / "out"
    (out / "disk1.vmdk").mkdir(parents=True)
    (out / "disk1.vmdk" / "inside.txt").write_bytes(b"mine")
    before = tree(out)
    with pytest.raises(OvaExtractError, match="is a folder"):
        extract(save(place, Package().bytes()), out, force=True)
    assert tree(out) == before


def test_force_leaves_no_backup(place: Path) -> None:
    out = place / "out"
    out.mkdir()
    (out / "disk1.vmdk").write_bytes(b"old")
    assert extract(save(place, Package().bytes()), out, force=True).ok
    assert sorted(p.name for p in out.iterdir()) == ["data.iso", "disk1.vmdk", "vm.mf", "vm.ovf"]
