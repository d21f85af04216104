"""The streaming reader: members in order, every hostile archive class refused with a typed error."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovfkit
import ovfkit.ova
from ovfkit.errors import OvfError, OvfParseError, OvfSecurityError
from ovfkit.ova import (
    OvaCompressedError,
    OvaFormatError,
    OvaLimitError,
    OvaLimits,
    OvaReadError,
    OvaTruncatedError,
    OvaUnsafeError,
    read_descriptor,
    read_package_descriptor,
)
from tests.unit.ova.builders import (
    Package,
    archive,
    descriptor,
    end,
    global_header,
    pax_record,
    regular,
    special,
    tar_members,
)

DISK = b"0123456789" * 1000


def write(tmp_path: Path, data: bytes, name: str = "x.ova") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def members_of(source: Path | io.BytesIO, **options: object) -> list[tuple[str, int, str]]:
    with ovfkit.ova.open(source, **options) as package:  # type: ignore[arg-type]
        return [(m.name, m.size, m.kind) for m in package]


def refusal(tmp_path: Path, data: bytes, error: type[Exception] = OvfError, **options: object) -> Exception:
    path = write(tmp_path, data)
    with pytest.raises(error) as caught:
        members_of(path, **options)
    return caught.value


class TestReading:
    def test_members_in_order_with_kinds(self, tmp_path: Path) -> None:
        path = write(tmp_path, Package().bytes())
        assert members_of(path) == [
            ("vm.ovf", len(Package().members()[0][1]), "descriptor"),
            ("vm.mf", len(Package().members()[1][1]), "manifest"),
            ("disk1.vmdk", 800, "file"),
            ("data.iso", 3, "file"),
        ]

    def test_each_file_is_a_stream(self, tmp_path: Path) -> None:
        path = write(tmp_path, archive(regular("vm.ovf", descriptor()), regular("disk.vmdk", DISK)))
        with ovfkit.ova.open(path) as package:
            found = {}
            for member in package:
                chunks = []
                while chunk := member.read(333):
                    chunks.append(chunk)
                found[member.name] = b"".join(chunks)
            assert package.complete
        assert found == {"vm.ovf": descriptor(), "disk.vmdk": DISK}

    def test_descriptor_manifest_certificate_are_held(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            archive(regular("vm.ovf", b"<ovf/>"), regular("vm.mf", b"mf"), regular("vm.cert", b"cert")),
        )
        with ovfkit.ova.open(path) as package:
            list(package)
            assert package.descriptor is not None and package.descriptor.data == b"<ovf/>"
            assert package.manifest is not None and package.manifest.data == b"mf"
            assert package.certificate is not None and package.certificate.data == b"cert"
            assert [m.name for m in package.members] == ["vm.ovf", "vm.mf", "vm.cert"]

    def test_hold_chooses_what_is_held(self, tmp_path: Path) -> None:
        path = write(tmp_path, archive(regular("vm.ovf", b"<ovf/>"), regular("vm.mf", b"mf")))
        with ovfkit.ova.open(path, hold=("descriptor",)) as package:
            found = {m.name: (m.data, m.read()) for m in package}
            assert found == {"vm.ovf": (b"<ovf/>", b"<ovf/>"), "vm.mf": (None, b"mf")}
            assert package.manifest is None and package.descriptor is not None
        with pytest.raises(ValueError, match="hold takes"):
            ovfkit.ova.open(path, hold=("disk",))

    def test_a_passed_member_cannot_be_read(self, tmp_path: Path) -> None:
        path = write(
            tmp_path, archive(regular("vm.ovf", b"x"), regular("a.vmdk", DISK), regular("b.vmdk", DISK))
        )
        with ovfkit.ova.open(path) as package:
            members = iter(package)
            next(members)
            first = next(members)
            first.read(10)
            second = next(members)
            with pytest.raises(ValueError, match="moved past"):
                first.read(10)
            assert second.read() == DISK

    def test_read_once(self, tmp_path: Path) -> None:
        path = write(tmp_path, Package().bytes())
        with ovfkit.ova.open(path) as package:
            list(package)
            with pytest.raises(ValueError, match="read once"):
                list(package)

    @pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
    def test_formats_written_by_tarfile(self, tmp_path: Path, fmt: int) -> None:
        package = Package(files={"ünïcode disk.vmdk": DISK})
        names = [n for n, _ in package.members()]
        assert [m[0] for m in members_of(write(tmp_path, package.bytes(fmt)))] == names

    def test_same_view_as_tarfile(self, tmp_path: Path) -> None:
        data = Package(files={"a" * 120 + ".vmdk": DISK, "b.iso": b"b"}).bytes(tarfile.PAX_FORMAT)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r|") as reference:
            expected = [(m.name, m.size) for m in reference]
        assert [(n, s) for n, s, _ in members_of(write(tmp_path, data))] == expected

    def test_file_object_and_unseekable_stream(self) -> None:
        data = Package().bytes()

        class Pipe(io.RawIOBase):
            def __init__(self) -> None:
                self.inner = io.BytesIO(data)

            def readable(self) -> bool:
                return True

            def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
                chunk = self.inner.read(min(len(buffer), 700))
                buffer[: len(chunk)] = chunk
                return len(chunk)

        expected = members_of(io.BytesIO(data))
        assert members_of(io.BufferedReader(Pipe())) == expected  # type: ignore[arg-type]

    def test_lone_zero_block_ends_the_archive(self, tmp_path: Path) -> None:
        path = write(tmp_path, regular("vm.ovf", b"x") + end(1))
        assert members_of(path) == [("vm.ovf", 1, "descriptor")]

    def test_zero_padding_to_a_record_is_fine(self, tmp_path: Path) -> None:
        path = write(tmp_path, archive(regular("vm.ovf", b"x")) + bytes(9000))
        assert members_of(path) == [("vm.ovf", 1, "descriptor")]

    def test_progress_reports_bytes(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x"), regular("d.vmdk", DISK))
        seen: list[tuple[int, int | None]] = []
        with ovfkit.ova.open(
            write(tmp_path, data), progress=lambda done, total: seen.append((done, total))
        ) as p:
            for member in p:
                member.read()
        assert seen[-1] == (len(data), len(data))


class TestUnsafeMembers:
    @pytest.mark.parametrize(
        ("name", "reason"),
        [
            ("../evil.vmdk", "'..'"),
            ("/etc/cron.d/evil", "absolute"),
            ("dir/disk.vmdk", "single file names"),
            ("..\\evil.vmdk", "backslash"),
            ("a\x1bb.vmdk", "U+001B"),
            ("e\u0301.vmdk", "NFC"),
            ("gpj\u202eexe.vmdk", "U+202E"),
        ],
    )
    def test_bad_names(self, tmp_path: Path, name: str, reason: str) -> None:
        error = refusal(tmp_path, archive(regular("vm.ovf", b"x"), regular(name, b"evil")), OvaUnsafeError)
        assert reason in str(error)
        assert "x.ova" in str(error)
        assert error.code == "OVA101"  # type: ignore[attr-defined]

    @pytest.mark.parametrize("name", ["../../evil", "/abs/evil", "a\x00b.vmdk", "ok/../../x"])
    def test_bad_names_through_pax_path(self, tmp_path: Path, name: str) -> None:
        data = archive(regular("vm.ovf", b"x"), regular("harmless.vmdk", b"evil", path=name))
        refusal(tmp_path, data, OvaUnsafeError)

    def test_bad_name_through_gnu_long_name(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x"), regular("../" * 40 + "evil", b"evil", fmt=tarfile.GNU_FORMAT))
        assert "'..'" in str(refusal(tmp_path, data, OvaUnsafeError))

    def test_unsafe_ustar_name_behind_a_safe_pax_path(self, tmp_path: Path) -> None:
        info = tarfile.TarInfo("../evil")
        info.size = 1
        info.pax_headers = {"path": "fine.vmdk"}
        raw = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "strict")
        refusal(tmp_path, archive(regular("vm.ovf", b"x"), raw + b"e" + bytes(511)), OvaUnsafeError)

    def test_global_pax_path_is_refused(self, tmp_path: Path) -> None:
        raw = global_header(pax_record("path", "../../evil"))
        assert "global" in str(refusal(tmp_path, archive(raw, regular("vm.ovf", b"x")), OvaUnsafeError))

    def test_harmless_global_header_is_ignored(self, tmp_path: Path) -> None:
        raw = global_header(pax_record("comment", "made by git archive"))
        assert members_of(write(tmp_path, archive(raw, regular("vm.ovf", b"x")))) == [
            ("vm.ovf", 1, "descriptor")
        ]

    @pytest.mark.parametrize(
        ("kind", "what"),
        [
            (tarfile.SYMTYPE, "symbolic link"),
            (tarfile.LNKTYPE, "hard link"),
            (tarfile.CHRTYPE, "character device"),
            (tarfile.BLKTYPE, "block device"),
            (tarfile.FIFOTYPE, "FIFO"),
            (tarfile.DIRTYPE, "directory"),
            (b"V", "volume label"),
            (b"Z", "unknown type"),
        ],
    )
    def test_non_regular_members(self, tmp_path: Path, kind: bytes, what: str) -> None:
        data = archive(regular("vm.ovf", b"x"), special("disk.vmdk", kind, linkname="vm.ovf"))
        error = refusal(tmp_path, data, OvaUnsafeError)
        assert what in str(error) and "disk.vmdk" in str(error)

    def test_symlink_message_names_its_target(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x"), special("disk.vmdk", tarfile.SYMTYPE, linkname="/etc/shadow"))
        assert "/etc/shadow" in str(refusal(tmp_path, data, OvaUnsafeError))

    def test_directory_named_like_a_disk(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x"), regular("disk.vmdk/", b""))
        assert "directory" in str(refusal(tmp_path, data, OvaUnsafeError))

    @pytest.mark.parametrize("second", ["vm.ovf", "VM.OVF"])
    def test_duplicates(self, tmp_path: Path, second: str) -> None:
        data = archive(regular("vm.ovf", b"x"), regular(second, b"evil"))
        error = refusal(tmp_path, data, OvaUnsafeError)
        assert error.code == "OVA102"  # type: ignore[attr-defined]

    def test_gnu_sparse_member(self, tmp_path: Path) -> None:
        data = archive(
            regular("vm.ovf", b"x"), special("disk.vmdk", tarfile.GNUTYPE_SPARSE, size=20 * 1024**3)
        )
        error = refusal(tmp_path, data, OvaUnsafeError)
        assert error.code == "OVA103" and "sparse" in str(error)  # type: ignore[attr-defined]

    def test_pax_sparse_member(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x"), regular("disk.vmdk", b"d", **{"GNU.sparse.major": "1"}))
        assert refusal(tmp_path, data, OvaUnsafeError).code == "OVA103"  # type: ignore[attr-defined]

    def test_unsafe_errors_are_security_errors(self, tmp_path: Path) -> None:
        error = refusal(tmp_path, archive(regular("../x", b"x")))
        assert isinstance(error, OvfSecurityError) and isinstance(error, OvfParseError)


class TestSizesAndTruncation:
    def test_declared_size_beyond_the_archive(self, tmp_path: Path) -> None:
        info = tarfile.TarInfo("disk.vmdk")
        info.size = 20 * 1024**3
        data = archive(regular("vm.ovf", b"x"), info.tobuf(tarfile.GNU_FORMAT))
        assert len(data) < 10_000
        error = refusal(tmp_path, data, OvaTruncatedError)
        assert "21474836480 bytes" in str(error) and "disk.vmdk" in str(error)

    def test_pax_size_beyond_the_archive(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x"), regular("disk.vmdk", b"", size=str(10**15)))
        refusal(tmp_path, data, OvaTruncatedError)

    def test_truncation_at_every_point(self) -> None:
        data = archive(
            regular("vm.ovf", b"<Envelope/>"), regular("disk.vmdk", DISK[:1500]), regular("b.iso", b"iso")
        )
        for cut in range(len(data) - 1024 + 1):  # every cut before the end marker, byte by byte
            with pytest.raises(OvaFormatError), ovfkit.ova.open(io.BytesIO(data[:cut])) as package:
                for member in package:
                    member.read()
        for cut in (len(data) - 512, len(data) - 100):  # a lone (or partial) second zero block is fine
            assert len(members_of(io.BytesIO(data[:cut]))) == 3

    def test_truncation_also_on_unseekable_input(self) -> None:
        data = archive(regular("vm.ovf", descriptor()), regular("disk.vmdk", DISK))
        for cut in (600, 2000, 9000, len(data) - 1024):
            with (
                pytest.raises(OvaTruncatedError),
                ovfkit.ova.open(io.BufferedReader(io.BytesIO(data[:cut]))) as p,
            ):  # type: ignore[arg-type]
                for member in p:
                    member.read()

    def test_missing_end_marker_is_truncation(self, tmp_path: Path) -> None:
        error = refusal(tmp_path, archive(regular("vm.ovf", b"x"), marker=False), OvaTruncatedError)
        assert "end-of-archive" in str(error)

    def test_empty_file(self, tmp_path: Path) -> None:
        assert "empty" in str(refusal(tmp_path, b"", OvaFormatError))

    @pytest.mark.parametrize("size", [512, 1024, 10240])
    def test_all_zero_file(self, tmp_path: Path, size: int) -> None:
        assert "no members" in str(refusal(tmp_path, bytes(size), OvaFormatError))

    def test_not_a_tar(self, tmp_path: Path) -> None:
        assert "checksum" in str(refusal(tmp_path, descriptor() + bytes(1024), OvaFormatError))

    @pytest.mark.parametrize(
        "tail",
        [b"junk", regular("hidden.vmdk", b"surprise") + end()],
        ids=["garbage", "concatenated-archive"],
    )
    def test_data_after_the_end(self, tmp_path: Path, tail: bytes) -> None:
        error = refusal(tmp_path, archive(regular("vm.ovf", b"x")) + tail, OvaFormatError)
        assert "end-of-archive" in str(error)

    def test_data_after_one_zero_block(self, tmp_path: Path) -> None:
        refusal(tmp_path, regular("vm.ovf", b"x") + end(1) + regular("hidden", b"x"), OvaFormatError)


class TestLimits:
    def test_member_flood(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x"), *(regular(f"f{i}", b"") for i in range(60)))
        error = refusal(tmp_path, data, OvaLimitError, limits=OvaLimits(max_members=50))
        assert "more than 50 members" in str(error)

    def test_default_member_limit(self, tmp_path: Path) -> None:
        flood = b"".join(regular(f"f{i}", b"") for i in range(10_001))
        refusal(tmp_path, archive(regular("vm.ovf", b"x"), flood), OvaLimitError)

    def test_huge_pax_header(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x", comment="x" * 100_000))
        assert "extended headers" in str(refusal(tmp_path, data, OvaLimitError))

    def test_chained_pax_headers(self, tmp_path: Path) -> None:
        one = regular("x", b"", comment="c")[:1024]  # a pax header and its data block
        data = archive(one * 3000 + regular("vm.ovf", b"x"))
        refusal(tmp_path, data, OvaLimitError)

    def test_declared_header_size_beyond_the_archive(self, tmp_path: Path) -> None:
        info = tarfile.TarInfo("././@PaxHeader")
        info.type = tarfile.XHDTYPE
        info.size = 50_000
        refusal(tmp_path, archive(info.tobuf(tarfile.USTAR_FORMAT)), OvaTruncatedError)

    def test_descriptor_too_large_to_hold(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x" * 5000))
        error = refusal(tmp_path, data, OvaLimitError, limits=OvaLimits(max_descriptor_bytes=4096))
        assert "limit of 4096 bytes" in str(error)

    def test_manifest_too_large_to_hold(self, tmp_path: Path) -> None:
        data = archive(regular("vm.ovf", b"x"), regular("vm.mf", b"x" * 5000))
        refusal(tmp_path, data, OvaLimitError, limits=OvaLimits(max_manifest_bytes=4096))


class TestCompressed:
    @pytest.mark.parametrize(
        ("compress", "kind"), [(gzip.compress, "gzip"), (lzma.compress, "xz"), (bz2.compress, "bzip2")]
    )
    def test_refused_unless_allowed(self, tmp_path: Path, compress: object, kind: str) -> None:
        data = compress(Package().bytes())  # type: ignore[operator]
        error = refusal(tmp_path, data, OvaCompressedError)
        assert kind in str(error) and error.code == "OVA107"  # type: ignore[attr-defined]
        assert members_of(write(tmp_path, data, "y.ova"), allow_compressed=True) == members_of(
            write(tmp_path, Package().bytes(), "plain.ova")
        )

    def test_zip_and_zstd_are_never_tar(self, tmp_path: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            out.writestr("vm.ovf", descriptor())
        for data in (buffer.getvalue(), b"\x28\xb5\x2f\xfd" + bytes(100)):
            error = refusal(tmp_path, data, OvaCompressedError, allow_compressed=True)
            assert "not a tar archive" in str(error)

    def test_truncated_compressed_stream(self, tmp_path: Path) -> None:
        data = gzip.compress(Package().bytes())[:-40]
        refusal(tmp_path, data, OvaFormatError, allow_compressed=True)

    def test_compressed_unseekable_stream(self) -> None:
        data = gzip.compress(Package().bytes())
        stream = io.BufferedReader(io.BytesIO(data))
        assert members_of(stream, allow_compressed=True)[0][0] == "vm.ovf"  # type: ignore[arg-type]


class TestOpening:
    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(OvaReadError, match="cannot open"):
            ovfkit.ova.open(tmp_path / "absent.ova")

    def test_directory(self, tmp_path: Path) -> None:
        with pytest.raises(OvaReadError, match="not a regular file"):
            ovfkit.ova.open(tmp_path)

    def test_fifo_does_not_block(self, tmp_path: Path) -> None:
        fifo = tmp_path / "fifo.ova"
        import os

        os.mkfifo(fifo)
        with pytest.raises(OvaReadError, match="not a regular file"):
            ovfkit.ova.open(fifo)

    def test_not_a_source(self) -> None:
        with pytest.raises(TypeError):
            ovfkit.ova.open(42)  # type: ignore[arg-type]


class _CountingStream(io.BytesIO):
    """A seekable in-memory package that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def readinto(self, buffer: Any) -> int:
        count = super().readinto(buffer)
        self.bytes_read += count
        return count

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


#: Members that must make reading the descriptor fail wherever they are in the package (here: after
#: the descriptor, the manifest and a disk), with the finding code of the error.
LATE_HOSTILE = {
    "dotdot": (regular("../../outside/evil.sh", b"evil"), "OVA101", "'..'"),
    "absolute": (regular("/etc/cron.d/evil", b"evil"), "OVA101", "absolute"),
    "pax-path-absolute": (regular("fine.txt", b"evil", path="/tmp/evil"), "OVA101", "absolute"),
    "backslash": (regular("..\\evil.bat", b"evil"), "OVA101", "backslash"),
    "control-character": (regular("disk\x1b[2J.vmdk", b"evil"), "OVA101", "control"),
    "symlink": (special("link.vmdk", b"2", linkname="/etc/passwd"), "OVA101", "symbolic link"),
    "hardlink": (special("link.vmdk", b"1", linkname="vm.ovf"), "OVA101", "hard link"),
    "character-device": (special("tty.vmdk", b"3"), "OVA101", "character device"),
    "block-device": (special("sda.vmdk", b"4"), "OVA101", "block device"),
    "fifo": (special("pipe.vmdk", b"6"), "OVA101", "FIFO"),
    "directory": (special("dir.vmdk/", b"5"), "OVA101", "directory"),
    "duplicate": (regular("disk.vmdk", b"evil"), "OVA102", "twice"),
    "duplicate-in-case": (regular("DISK.VMDK", b"evil"), "OVA102", "case"),
    "gnu-sparse": (special("sparse.vmdk", b"S", size=20 * 1024**3), "OVA103", "sparse"),
    "pax-sparse": (regular("sparse.vmdk", b"x", **{"GNU.sparse.major": "1"}), "OVA103", "sparse"),
    "oversize-pax-header": (regular("big.txt", b"x", comment="x" * (128 * 1024)), "OVA106", "exceed"),
}


def _late(member: bytes) -> bytes:
    return archive(
        regular("vm.ovf", descriptor()), regular("vm.mf", b"manifest"), regular("disk.vmdk", DISK), member
    )


class TestReadDescriptor:
    def test_reads_the_descriptor_and_skips_the_data_of_the_rest(self) -> None:
        disk = bytes(4 * 1024 * 1024)
        stream = _CountingStream(archive(regular("vm.ovf", descriptor()), regular("disk.vmdk", disk)))
        found = read_package_descriptor(stream)
        assert (found.data, found.member, found.index, found.members, found.notes) == (
            descriptor(),
            "vm.ovf",
            0,
            2,
            (),
        )
        # the headers and the descriptor, not the 4 MiB disk
        assert stream.bytes_read < 16 * 1024

    def test_the_manifest_is_not_read_either(self) -> None:
        manifest = b"SHA256(disk.vmdk)= " + b"0" * 64 + b"\n" * 100_000
        stream = _CountingStream(archive(regular("vm.ovf", descriptor()), regular("vm.mf", manifest)))
        assert read_descriptor(stream)[0] == descriptor()
        assert stream.bytes_read < 16 * 1024

    def test_name_for_messages(self, tmp_path: Path) -> None:
        path = write(tmp_path, archive(regular("vm.ovf", descriptor()), regular("disk.vmdk", DISK)))
        assert read_descriptor(path) == (descriptor(), f"{path}!vm.ovf")

    @pytest.mark.parametrize(("member", "code", "reason"), LATE_HOSTILE.values(), ids=list(LATE_HOSTILE))
    def test_unsafe_member_after_the_descriptor_is_refused(
        self, tmp_path: Path, member: bytes, code: str, reason: str
    ) -> None:
        path = write(tmp_path, _late(member))
        with pytest.raises(OvfSecurityError, match=reason) as caught:
            read_descriptor(path)
        assert caught.value.code == code  # type: ignore[attr-defined]
        with pytest.raises(OvfSecurityError, match=reason):
            ovfkit.load(path)

    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (_late(special("huge.vmdk", b"0", size=10 * 1024**3)), "10737418240 bytes but only"),
            (
                _late(regular("evil.txt", b"x" * 4000))[: -2 * 512 - 1000],
                r"4000 bytes \(4096 with its padding to a 512-byte block\) but only",
            ),
            (_late(regular("evil.txt", b"x"))[: -2 * 512], "end-of-archive marker"),
            (_late(regular("evil.txt", b"x")) + regular("hidden.sh", b"evil"), "follows the end"),
        ],
        ids=["declared-size-beyond-archive", "truncated-late", "no-end-marker", "data-after-the-end"],
    )
    def test_broken_archive_after_the_descriptor_is_refused(
        self, tmp_path: Path, data: bytes, reason: str
    ) -> None:
        with pytest.raises(OvaFormatError, match=reason):
            ovfkit.load(write(tmp_path, data))

    def test_member_flood_after_the_descriptor(self, tmp_path: Path) -> None:
        flood = b"".join(regular(f"f{i}", b"") for i in range(10_001))
        data = archive(regular("vm.ovf", descriptor()), flood)
        with pytest.raises(OvaLimitError, match="more than 10000 members"):
            read_descriptor(write(tmp_path, data))

    def test_unseekable_stream_is_checked_to_its_end_too(self) -> None:
        class Pipe(io.RawIOBase):
            def __init__(self, data: bytes) -> None:
                self.inner = io.BytesIO(data)

            def readable(self) -> bool:
                return True

            def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
                chunk = self.inner.read(len(buffer))
                buffer[: len(chunk)] = chunk
                return len(chunk)

        good = archive(regular("vm.ovf", descriptor()), regular("disk.vmdk", DISK))
        assert read_descriptor(io.BufferedReader(Pipe(good)))[0] == descriptor()  # type: ignore[arg-type]
        hostile = _late(special("link.vmdk", b"2", linkname="/etc/passwd"))
        with pytest.raises(OvaUnsafeError, match="symbolic link"):
            read_descriptor(io.BufferedReader(Pipe(hostile)))  # type: ignore[arg-type]

    def test_second_descriptor_is_ambiguous(self, tmp_path: Path) -> None:
        data = archive(
            regular("vm.ovf", descriptor()), regular("disk.vmdk", DISK), regular("evil.ovf", b"<x/>")
        )
        with pytest.raises(OvaUnsafeError, match=r"second \.ovf") as caught:
            ovfkit.load(write(tmp_path, data))
        assert caught.value.code == "OVA113" and caught.value.member == "evil.ovf"

    def test_descriptor_later_in_the_archive_is_noted(self, tmp_path: Path) -> None:
        data = archive(regular("disk.vmdk", DISK), regular("vm.ovf", descriptor()))
        found = read_package_descriptor(write(tmp_path, data))
        assert found.data == descriptor() and found.index == 1
        assert found.notes and "member 2" in found.notes[0] and "'disk.vmdk'" in found.notes[0]
        envelope = ovfkit.load(write(tmp_path, data))
        assert envelope.document.warnings == list(found.notes)

    def test_first_descriptor_gives_no_note(self, tmp_path: Path) -> None:
        assert ovfkit.load(write(tmp_path, Package().bytes())).document.warnings == []

    def test_no_descriptor(self, tmp_path: Path) -> None:
        with pytest.raises(OvaFormatError, match=r"no \.ovf descriptor"):
            read_descriptor(write(tmp_path, archive(regular("disk.vmdk", DISK))))

    def test_limit_is_the_xml_limit(self, tmp_path: Path) -> None:
        path = write(tmp_path, archive(regular("vm.ovf", descriptor())))
        with pytest.raises(OvfSecurityError, match="limit"):
            read_descriptor(path, ovfkit.Limits(max_bytes=100))

    def test_ovfkit_load_reads_a_package(self, tmp_path: Path) -> None:
        path = write(tmp_path, Package().bytes())
        envelope = ovfkit.load(path)
        assert isinstance(envelope, ovfkit.Envelope)
        assert envelope.references is not None
        assert [f.href for f in envelope.references.files] == ["disk1.vmdk", "data.iso"]

    def test_ovfkit_load_refuses_hostile_descriptor_in_a_package(self, tmp_path: Path) -> None:
        hostile = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>'
        path = write(tmp_path, archive(regular("vm.ovf", hostile)))
        with pytest.raises(OvfSecurityError, match="DOCTYPE") as caught:
            ovfkit.load(path)
        assert "x.ova!vm.ovf" in str(caught.value)

    def test_ovfkit_load_on_an_unsafe_package(self, tmp_path: Path) -> None:
        path = write(tmp_path, archive(regular("../vm.ovf", descriptor())))
        with pytest.raises(OvfError, match=r"x\.ova: member '\.\./vm\.ovf'"):
            ovfkit.load(path)

    def test_tarfile_made_package(self, tmp_path: Path) -> None:
        data = tar_members([("vm.ovf", descriptor()), ("disk.vmdk", DISK)], tarfile.GNU_FORMAT)
        assert read_descriptor(write(tmp_path, data))[0] == descriptor()


def _with_checksum(data: bytearray, start: int) -> bytes:
    block = data[start : start + 512]
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\x00 " % sum(block)
    data[start : start + 512] = block
    return bytes(data)


_SAMPLE = Package().bytes(tarfile.PAX_FORMAT)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.sampled_from([0, 1024, 2048]),
    edits=st.lists(st.tuples(st.integers(0, 511), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.integers(0, len(_SAMPLE))),
)
def test_corrupt_headers_with_valid_checksums_fail_cleanly(
    header: int, edits: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(_SAMPLE)
    for position, value in edits:
        data[header + position] = value
    mutated = _with_checksum(data, header)[:cut]
    try:
        with ovfkit.ova.open(io.BytesIO(mutated)) as package:
            for member in package:
                member.read()
            # an iteration that ends normally has reached and checked the end of the archive
            assert package.complete
    except OvfError as exc:
        assert 0 < len(str(exc)) < 1200
