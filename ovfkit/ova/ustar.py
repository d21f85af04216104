"""Tar headers, byte by byte: strict decoding of ustar/GNU/pax headers and writing of ustar ones.

ovfkit decodes headers itself rather than through ``tarfile``: on CPython 3.11.7 a chain of a few
thousand pax headers makes ``tarfile`` raise ``RecursionError`` (measured), its pax parser has had
ReDoS and infinite-loop bugs (CVE-2024-6232, CVE-2025-8194), it reads any extended header whole into
memory, and in stream mode a header truncated mid-archive ends iteration silently. Here every
field is checked, numbers are octal or positive base-256 only, and the caller bounds every read.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BLOCK",
    "MAX_USTAR_NAME",
    "RECORD",
    "Header",
    "HeaderError",
    "PaxError",
    "end_of_archive",
    "padding",
    "parse_header",
    "parse_pax",
    "ustar_header",
]

BLOCK = 512
RECORD = 20 * BLOCK
MAX_USTAR_NAME = 100
_OCTAL_LIMIT = 8**11  # the largest size an 11-digit octal field holds, plus one
_ZERO_BLOCK = bytes(BLOCK)


class HeaderError(ValueError):
    """A 512-byte block is not a valid tar header."""


class PaxError(ValueError):
    """Extended (pax) header data is malformed."""


@dataclass(frozen=True, slots=True)
class Header:
    """The fields of one tar header that matter to a reader of packages."""

    name: bytes
    size: int
    typeflag: bytes
    linkname: bytes
    mode: int
    mtime: int
    format: str  # "ustar", "gnu" or "v7"


def padding(size: int) -> int:
    """The zero bytes after ``size`` bytes of member data, up to the next block."""
    return -size % BLOCK


def _field(block: bytes, start: int, length: int) -> bytes:
    raw = block[start : start + length]
    end = raw.find(b"\x00")
    return raw if end < 0 else raw[:end]


def _number(block: bytes, start: int, length: int, what: str, *, signed: bool = False) -> int:
    raw = block[start : start + length]
    if raw[0] == 0x80:
        return int.from_bytes(raw[1:], "big")
    if raw[0] == 0xFF and signed:  # GNU tar's base-256 for times before 1970
        return int.from_bytes(raw, "big", signed=True)
    if raw[0] & 0x80:
        raise HeaderError(f"the {what} field is a negative or malformed base-256 number")
    text = raw.split(b"\x00", 1)[0].strip(b" ")
    if not text:
        return 0
    if any(c not in b"01234567" for c in text):
        raise HeaderError(f"the {what} field is not an octal number")
    return int(text, 8)


def parse_header(block: bytes) -> Header:
    """Decode one non-zero 512-byte header block; raise ``HeaderError`` when it is not valid."""
    if len(block) != BLOCK:
        raise HeaderError("a header block is shorter than 512 bytes")
    stored = _number(block, 148, 8, "checksum")
    unsigned = sum(block[:148]) + 8 * 0x20 + sum(block[156:])
    signed = unsigned - 256 * sum(1 for b in block[:148] + block[156:] if b > 127)
    if stored not in (unsigned, signed):
        raise HeaderError("the header checksum is wrong (not a tar archive, or a corrupt header)")
    magic = block[257:265]
    if magic[:6] == b"ustar\x00":
        kind = "ustar"
    elif magic == b"ustar  \x00":
        kind = "gnu"
    elif magic == bytes(8):
        kind = "v7"
    else:
        raise HeaderError("the header has an unknown format magic")
    name = _field(block, 0, 100)
    if kind == "ustar":
        prefix = _field(block, 345, 155)
        if prefix:
            name = prefix + b"/" + name
    return Header(
        name=name,
        size=_number(block, 124, 12, "size"),
        typeflag=block[156:157],
        linkname=_field(block, 157, 100),
        mode=_number(block, 100, 8, "mode"),
        mtime=_number(block, 136, 12, "mtime", signed=True),
        format=kind,
    )


def end_of_archive(block: bytes) -> bool:
    """Whether ``block`` is an all-zero block, the tar end-of-archive marker."""
    return block == _ZERO_BLOCK


def parse_pax(data: bytes) -> list[tuple[str, bytes]]:
    """Decode pax extended-header records (``"%d %s=%s\\n"``), in order; raise ``PaxError``.

    Keys are returned as text and values as bytes (pax values are UTF-8 unless ``hdrcharset``
    says otherwise). Lengths must be plain decimal digits and records must end with a newline.
    """
    records: list[tuple[str, bytes]] = []
    pos = 0
    end = len(data)
    while pos < end:
        space = data.find(b" ", pos, min(end, pos + 21))
        if space <= pos:
            raise PaxError("a pax record does not start with its length")
        digits = data[pos:space]
        if not digits.isdigit():
            raise PaxError("a pax record length is not a decimal number")
        length = int(digits)
        if length <= space - pos + 1 or pos + length > end:
            raise PaxError("a pax record length is out of range")
        record = data[space + 1 : pos + length]
        if not record.endswith(b"\n"):
            raise PaxError("a pax record does not end with a newline")
        key, equals, value = record[:-1].partition(b"=")
        if not equals or not key:
            raise PaxError("a pax record has no keyword")
        try:
            keyword = key.decode("utf-8")
        except UnicodeDecodeError:
            raise PaxError("a pax keyword is not UTF-8") from None
        records.append((keyword, value))
        pos += length
    return records


def _octal(value: int, length: int) -> bytes:
    return b"%0*o\x00" % (length - 1, value)


def ustar_header(name: str, size: int, mtime: int, mode: int = 0o644) -> bytes:
    """A POSIX ustar header for a regular file; sizes of 8 GiB and more use base-256 (as GNU tar).

    Raises ``ValueError`` for names longer than 100 bytes of UTF-8 or negative sizes.
    """
    encoded = name.encode("utf-8")
    if not encoded or len(encoded) > MAX_USTAR_NAME:
        raise ValueError(f"ustar member names hold 1 to {MAX_USTAR_NAME} bytes, not {len(encoded)}")
    if size < 0:
        raise ValueError("a member size cannot be negative")
    size_field = _octal(size, 12) if size < _OCTAL_LIMIT else b"\x80" + size.to_bytes(11, "big")
    mtime = min(max(int(mtime), 0), _OCTAL_LIMIT - 1)
    header = bytearray(BLOCK)
    header[0 : len(encoded)] = encoded
    header[100:108] = _octal(mode & 0o7777, 8)
    header[108:116] = _octal(0, 8)
    header[116:124] = _octal(0, 8)
    header[124:136] = size_field
    header[136:148] = _octal(mtime, 12)
    header[148:156] = b" " * 8
    header[156:157] = b"0"
    header[257:265] = b"ustar\x0000"
    header[329:337] = _octal(0, 8)
    header[337:345] = _octal(0, 8)
    checksum = sum(header)
    header[148:156] = b"%06o\x00 " % checksum
    return bytes(header)
