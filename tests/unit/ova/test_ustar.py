"""Tar header decoding and writing: checksums, number fields, formats, pax records, base-256 sizes."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from ovfkit.ova.ustar import (
    BLOCK,
    HeaderError,
    PaxError,
    end_of_archive,
    padding,
    parse_header,
    parse_pax,
    ustar_header,
)


def tar_header(name: str = "vm.ovf", size: int = 10, fmt: int = tarfile.USTAR_FORMAT) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    return info.tobuf(fmt)[:BLOCK]


class TestParseHeader:
    @pytest.mark.parametrize(("fmt", "kind"), [(tarfile.USTAR_FORMAT, "ustar"), (tarfile.GNU_FORMAT, "gnu")])
    def test_reads_what_tarfile_writes(self, fmt: int, kind: str) -> None:
        header = parse_header(tar_header("disk.vmdk", 12345, fmt))
        assert (header.name, header.size, header.typeflag, header.format) == (b"disk.vmdk", 12345, b"0", kind)

    def test_ustar_prefix_is_joined(self) -> None:
        header = parse_header(tar_header("d" * 120 + "/disk.vmdk"))
        assert header.name == b"d" * 120 + b"/disk.vmdk"

    def test_wrong_checksum_is_refused(self) -> None:
        block = bytearray(tar_header())
        block[0] ^= 1
        with pytest.raises(HeaderError, match="checksum"):
            parse_header(bytes(block))

    def test_random_bytes_are_not_a_header(self) -> None:
        with pytest.raises(HeaderError):
            parse_header(b"<?xml version='1.0'?>" + bytes(BLOCK - 21))

    def test_short_block_is_refused(self) -> None:
        with pytest.raises(HeaderError, match="shorter"):
            parse_header(tar_header()[:100])

    def test_negative_base256_size_is_refused(self) -> None:
        block = bytearray(tar_header())
        block[124:136] = b"\xff" * 12
        block[148:156] = b" " * 8
        block[148:156] = b"%06o\x00 " % sum(block)
        with pytest.raises(HeaderError, match="negative"):
            parse_header(bytes(block))

    def test_times_before_1970_are_accepted(self) -> None:
        info = tarfile.TarInfo("old.txt")
        info.mtime = -86400
        header = parse_header(info.tobuf(tarfile.GNU_FORMAT)[:BLOCK])
        assert header.mtime == -86400

    def test_non_octal_size_is_refused(self) -> None:
        block = bytearray(tar_header())
        block[124:136] = b"0000000009a\x00"
        block[148:156] = b" " * 8
        block[148:156] = b"%06o\x00 " % sum(block)
        with pytest.raises(HeaderError, match="octal"):
            parse_header(bytes(block))

    def test_unknown_magic_is_refused(self) -> None:
        block = bytearray(tar_header())
        block[257:265] = b"ustaR\x0000"
        block[148:156] = b" " * 8
        block[148:156] = b"%06o\x00 " % sum(block)
        with pytest.raises(HeaderError, match="magic"):
            parse_header(bytes(block))

    def test_zero_block_is_the_end_marker(self) -> None:
        assert end_of_archive(bytes(BLOCK))
        assert not end_of_archive(tar_header())


class TestPax:
    def test_records_in_order(self) -> None:
        assert parse_pax(b"15 path=vm.ovf\n11 size=42\n") == [("path", b"vm.ovf"), ("size", b"42")]

    def test_what_tarfile_writes(self) -> None:
        info = tarfile.TarInfo("vm.ovf")
        info.pax_headers = {"path": "überlang.ovf", "comment": "x=y"}
        raw = info.tobuf(tarfile.PAX_FORMAT)
        size = parse_header(raw[:BLOCK]).size
        assert dict(parse_pax(raw[BLOCK : BLOCK + size]))["path"] == "überlang.ovf".encode()

    @pytest.mark.parametrize(
        "data",
        [
            b"15 path=vm.ovfX",  # no newline
            b"99 path=vm.ovf\n",  # length beyond the data
            b"1_5 path=vm.ovf\n",  # not plain digits (int() would accept it)
            b"+15 path=vm.ovf\n",
            b"15 pathvm.ovf\n",  # no '='
            b"x",
            b"4 =\n",
        ],
    )
    def test_malformed_records_are_refused(self, data: bytes) -> None:
        with pytest.raises(PaxError):
            parse_pax(data)


class TestWrite:
    def test_header_reads_back_with_tarfile(self) -> None:
        block = ustar_header("vm.ovf", 1234, 1_700_000_000)
        info = tarfile.TarInfo.frombuf(block, "utf-8", "strict")
        assert (info.name, info.size, info.mtime, info.mode, info.type) == (
            "vm.ovf",
            1234,
            1_700_000_000,
            0o644,
            tarfile.REGTYPE,
        )
        assert block[257:265] == b"ustar\x0000"

    def test_sizes_of_8_gib_and_more_use_base256(self) -> None:
        size = 9 * 1024**3 + 7
        block = ustar_header("big.vmdk", size, 0)
        assert block[124] == 0x80
        assert tarfile.TarInfo.frombuf(block, "utf-8", "strict").size == size
        assert parse_header(block).size == size

    def test_largest_octal_size(self) -> None:
        assert parse_header(ustar_header("a", 8**11 - 1, 0)).size == 8**11 - 1

    @pytest.mark.parametrize("name", ["", "x" * 101])
    def test_names_must_fit_ustar(self, name: str) -> None:
        with pytest.raises(ValueError, match="ustar member names"):
            ustar_header(name, 0, 0)

    def test_negative_size_is_refused(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            ustar_header("a", -1, 0)

    def test_padding(self) -> None:
        assert [padding(n) for n in (0, 1, 511, 512, 513)] == [0, 511, 1, 0, 511]

    @pytest.mark.skipif(shutil.which("tar") is None, reason="no tar program")
    def test_gnu_tar_lists_it(self, tmp_path: Path) -> None:
        data = b"hello"
        raw = (
            ustar_header("hello.txt", len(data), 1_700_000_000)
            + data
            + bytes(padding(len(data)))
            + bytes(1024)
        )
        path = tmp_path / "a.tar"
        path.write_bytes(raw)
        listing = subprocess.run(["tar", "tvf", str(path)], capture_output=True, text=True, check=True)
        assert "hello.txt" in listing.stdout
        with tarfile.open(fileobj=io.BytesIO(raw)) as reference:
            assert reference.getnames() == ["hello.txt"]
