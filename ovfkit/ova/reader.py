"""Streaming, strict reading of OVA packages: members in archive order, each checked before use.

``open_package(path)`` (``ovfkit.ova.open``) reads the tar stream once, front to back, never listing
or extracting it. Each member is exposed only after its header passed every check: a regular file
with one safe relative name (see ``names.name_problem``), not a duplicate, not sparse, not larger
than what remains of the archive. The first ``.ovf``, ``.mf`` and ``.cert`` are read into memory
(under ``OvaLimits``); other members are streams, valid until the iteration moves on. A truncated
archive raises ``OvaTruncatedError``; the iteration only ends normally at the end-of-archive marker,
and data after that marker is refused.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import stat
import zlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import IO, TYPE_CHECKING, Union, cast

from ovfkit.errors import quote
from ovfkit.ova.errors import (
    OvaCompressedError,
    OvaError,
    OvaFormatError,
    OvaLimitError,
    OvaReadError,
    OvaTruncatedError,
    OvaUnsafeError,
)
from ovfkit.ova.hashing import Readable
from ovfkit.ova.limits import DEFAULT_OVA_LIMITS, OvaLimits
from ovfkit.ova.names import member_kind, name_problem, same_name_key
from ovfkit.ova.ustar import (
    BLOCK,
    Header,
    HeaderError,
    PaxError,
    end_of_archive,
    padding,
    parse_header,
    parse_pax,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

    from ovfkit.xmlio.safe import Limits

__all__ = [
    "COMPRESSION_MAGIC",
    "PADDING_NAME",
    "MemberInfo",
    "OvaMember",
    "OvaPackage",
    "PackageDescriptor",
    "ProgressCallback",
    "Source",
    "open_package",
    "read_descriptor",
    "read_package_descriptor",
    "sniff_compression",
]

Source = Union[str, "os.PathLike[str]", IO[bytes]]

#: Called with (bytes of the archive read so far, size of the archive file when known).
ProgressCallback = Callable[[int, int | None], None]

#: Leading bytes of compressed files, and the name of the compression.
COMPRESSION_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"BZh", "bzip2"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_DECOMPRESSORS = ("gzip", "xz", "bzip2")
_REGULAR = (b"0", b"\x00", b"7")
_REFUSED_TYPES = {
    b"1": "a hard link",
    b"2": "a symbolic link",
    b"3": "a character device",
    b"4": "a block device",
    b"5": "a directory",
    b"6": "a FIFO",
    b"S": "a GNU sparse file",
    b"V": "a tape volume label",
    b"M": "a multi-volume continuation",
    b"D": "a GNU directory dump",
    b"N": "an old GNU long-name entry",
    b"X": "a Solaris extended header",
}
_EXTENDED = (b"x", b"g", b"L", b"K")
_MAX_EXTENDED_HEADERS = 8
_BUFFERED_KINDS = ("descriptor", "manifest", "certificate")
#: oVirt pads disks to 4 KiB with zero-filled members all named ``pad``: the only name that may repeat.
PADDING_NAME = "pad"
_MAX_PADDING = 64 * 1024


def sniff_compression(prefix: bytes) -> str | None:
    """The compression whose magic ``prefix`` starts with, or None."""
    for magic, kind in COMPRESSION_MAGIC:
        if prefix.startswith(magic):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """One member's header facts: name, size, kind, position in the archive."""

    name: str
    size: int
    kind: str
    index: int
    offset: int
    data_offset: int


class _Prefixed(io.RawIOBase):
    """A stream that first returns ``prefix``, then the rest of ``inner`` (for unseekable input)."""

    def __init__(self, prefix: bytes, inner: IO[bytes]) -> None:
        super().__init__()
        self._prefix = prefix
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            count = min(len(view), len(self._prefix))
            view[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        reader = getattr(self._inner, "readinto", None)
        if reader is not None:
            return int(reader(view) or 0)
        data = self._inner.read(len(view))
        view[: len(data)] = data
        return len(data)


class _Input:
    """The archive bytes in order: counts the position, maps I/O failures to typed errors."""

    def __init__(
        self,
        stream: IO[bytes],
        package: str,
        size: int | None,
        seekable: bool,
        compressed: bool,
        progress: ProgressCallback | None,
        progress_position: Callable[[], int] | None,
        progress_total: int | None,
    ) -> None:
        self.stream = stream
        self.package = package
        self.size = size
        self.seekable = seekable
        self.compressed = compressed
        self.position = 0
        self._progress = progress
        self._progress_position = progress_position
        self._progress_total = progress_total
        self._scratch: memoryview | None = None

    def _fail(self, exc: BaseException) -> OvaError:
        if isinstance(exc, OSError) and exc.errno is not None:
            return OvaReadError(f"cannot read the package: {exc.strerror or exc}", package=self.package)
        if isinstance(exc, EOFError):
            return OvaTruncatedError(f"the compressed stream ends early: {exc}", package=self.package)
        return OvaFormatError(f"the compressed stream is corrupt: {exc}", package=self.package)

    def readinto(self, view: memoryview) -> int:
        """Read at most ``len(view)`` bytes; 0 only at the end of the input."""
        try:
            count = cast(Readable, self.stream).readinto(view)
        except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
            raise self._fail(exc) from None
        count = int(count or 0)
        self.position += count
        if self._progress is not None and count:
            done = self._progress_position() if self._progress_position is not None else self.position
            self._progress(done, self._progress_total)
        return count

    def read_upto(self, count: int) -> bytes:
        """Read up to ``count`` bytes, fewer only at the end of the input."""
        buffer = bytearray(count)
        view = memoryview(buffer)
        got = 0
        while got < count:
            step = self.readinto(view[got:])
            if not step:
                break
            got += step
        return bytes(buffer[:got])

    def read_exact(self, count: int, what: str, member: str | None = None) -> bytes:
        """Read exactly ``count`` bytes or raise ``OvaTruncatedError``."""
        data = self.read_upto(count)
        if len(data) != count:
            raise OvaTruncatedError(
                f"the archive ends inside {what} ({len(data)} of {count} bytes)",
                package=self.package,
                member=member,
            )
        return data

    def skip(self, count: int, what: str, member: str | None = None) -> None:
        """Move ``count`` bytes forward (seeking when possible) or raise ``OvaTruncatedError``."""
        if count <= 0:
            return
        if self.seekable and self.size is not None and not self.compressed:
            if self.position + count > self.size:
                raise OvaTruncatedError(
                    f"the archive ends inside {what}", package=self.package, member=member
                )
            try:
                self.stream.seek(count, os.SEEK_CUR)
            except OSError as exc:
                raise self._fail(exc) from None
            self.position += count
            if self._progress is not None:
                self._progress(self.position, self._progress_total)
            return
        if self._scratch is None:
            self._scratch = memoryview(bytearray(64 * 1024))
        left = count
        while left:
            step = self.readinto(self._scratch[: min(left, len(self._scratch))])
            if not step:
                raise OvaTruncatedError(
                    f"the archive ends inside {what}", package=self.package, member=member
                )
            left -= step


class OvaMember(io.RawIOBase):
    """One member of an OVA package, as a read-only stream of its bytes.

    The first ``.ovf``, ``.mf`` and ``.cert`` of a package are held in memory (``data``); every
    other member streams from the archive and can only be read until the package moves to the next
    member (reading it later raises ``ValueError``).
    """

    def __init__(self, package: OvaPackage, info: MemberInfo, data: bytes | None) -> None:
        super().__init__()
        self.info = info
        self._package = package
        self._data = data
        self._position = 0
        self._remaining = info.size

    @property
    def name(self) -> str:
        """The member's name (a single safe file name)."""
        return self.info.name

    @property
    def size(self) -> int:
        """The member's size in bytes."""
        return self.info.size

    @property
    def kind(self) -> str:
        """``descriptor``, ``manifest``, ``certificate``, ``file`` or ``padding`` (oVirt's zero filler)."""
        return self.info.kind

    @property
    def index(self) -> int:
        """The member's position in the archive, from 0."""
        return self.info.index

    @property
    def data(self) -> bytes | None:
        """The member's bytes when the package holds them in memory, else None."""
        return self._data

    def readable(self) -> bool:
        """Members are readable."""
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Read the member's next bytes into ``buffer``; 0 at its end."""
        if self.closed:
            raise ValueError(
                f"member {self.info.name!r} is closed: the package has moved past it (read members in order)"
            )
        view = memoryview(buffer).cast("B")
        if self._data is not None:
            count = min(len(view), len(self._data) - self._position)
            view[:count] = self._data[self._position : self._position + count]
            self._position += count
            return count
        want = min(len(view), self._remaining)
        if want <= 0:
            return 0
        count = self._package._input.readinto(view[:want])
        if not count:
            raise OvaTruncatedError(
                f"the archive ends inside the member's data ({self.info.size - self._remaining} of "
                f"{self.info.size} bytes)",
                package=self._package.name,
                member=self.info.name,
            )
        self._remaining -= count
        self._position += count
        return count

    def _finish(self) -> None:
        """Skip what was not read of the member and its padding (called by the package)."""
        if self._data is None:
            source = self._package._input
            source.skip(self._remaining, "the member's data", self.info.name)
            self._remaining = 0
            source.skip(padding(self.info.size), "the member's padding", self.info.name)
        self.close()


def _open_input(source: Source, name: str | None) -> tuple[IO[bytes], str, int | None, bool, bool]:
    """(stream, name, size, seekable, owned) for a path or a binary file object."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        label = name or path
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        flags |= getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise OvaReadError(f"cannot open the package: {exc.strerror or exc}", package=label) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise OvaReadError("not a regular file", package=label)
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return io.FileIO(fd, "rb", closefd=True), label, info.st_size, True, True
    if not hasattr(source, "read"):
        raise TypeError(f"cannot read an OVA package from {type(source).__name__}")
    label = name or str(getattr(source, "name", "<stream>"))
    seekable = False
    size = None
    try:
        seekable = bool(source.seekable())
        if seekable:
            start = source.tell()
            size = source.seek(0, os.SEEK_END) - start
            source.seek(start)
    except (OSError, AttributeError, ValueError):
        seekable, size = False, None
    return source, label, size, seekable, False


class OvaPackage:
    """An OVA package being read, member by member (returned by ``ovfkit.ova.open``).

    Iterate it once for the members in archive order (``OvaMember``). ``descriptor``,
    ``manifest`` and ``certificate`` are the first member of each kind seen so far (held in
    memory), ``members`` the facts of every member seen so far, and ``complete`` tells whether the
    end of the archive was reached and checked. ``hold`` names the kinds whose first member is held
    in memory (default all three); a kind left out is streamed like any file and its attribute
    stays None.
    """

    def __init__(
        self,
        source: Source,
        *,
        limits: OvaLimits = DEFAULT_OVA_LIMITS,
        allow_compressed: bool = False,
        progress: ProgressCallback | None = None,
        name: str | None = None,
        hold: Collection[str] = _BUFFERED_KINDS,
    ) -> None:
        unknown = set(hold) - set(_BUFFERED_KINDS)
        if unknown:
            raise ValueError(f"hold takes {', '.join(_BUFFERED_KINDS)}, not {', '.join(sorted(unknown))}")
        self._hold = frozenset(hold)
        stream, label, size, seekable, owned = _open_input(source, name)
        self.name = label
        self.limits = limits
        self.size = size
        self.compression: str | None = None
        self.descriptor: OvaMember | None = None
        self.manifest: OvaMember | None = None
        self.certificate: OvaMember | None = None
        self.members: list[MemberInfo] = []
        self.complete = False
        self._owned = [stream] if owned else []
        self._current: OvaMember | None = None
        self._done = False
        self._started = False
        self._keys: dict[str, str] = {}
        try:
            self._input = self._prepare(stream, size, seekable, allow_compressed, progress)
        except BaseException:
            self.close()
            raise

    def _prepare(
        self,
        stream: IO[bytes],
        size: int | None,
        seekable: bool,
        allow_compressed: bool,
        progress: ProgressCallback | None,
    ) -> _Input:
        probe = _Input(stream, self.name, size, seekable, False, None, None, None)
        head = probe.read_upto(6)
        if not head:
            raise OvaFormatError("the file is empty, not an OVA package", package=self.name)
        if seekable:
            try:
                stream.seek(-len(head), os.SEEK_CUR)
            except OSError as exc:
                raise OvaReadError(
                    f"cannot read the package: {exc.strerror or exc}", package=self.name
                ) from None
            base: IO[bytes] = stream
        else:
            base = io.BufferedReader(_Prefixed(head, stream))
        kind = sniff_compression(head)
        if kind is None:
            return _Input(base, self.name, size, seekable, False, progress, None, size)
        if kind not in _DECOMPRESSORS:
            raise OvaCompressedError(
                f"the package is a {kind} file, not a tar archive; an OVA package is a plain tar archive",
                package=self.name,
            )
        if not allow_compressed:
            raise OvaCompressedError(
                f"the package is {kind}-compressed; an OVA package is a plain tar archive "
                "(decompress it first, or allow compressed input: --allow-compressed)",
                package=self.name,
            )
        self.compression = kind
        decompressed: IO[bytes]
        # closed by close(), with the file under it
        if kind == "gzip":
            decompressed = gzip.GzipFile(fileobj=base, mode="rb")  # type: ignore[assignment]
        elif kind == "xz":
            decompressed = lzma.LZMAFile(base, "rb")  # noqa: SIM115
        else:
            decompressed = bz2.BZ2File(base, "rb")
        self._owned.insert(0, decompressed)
        position = (lambda: base.tell()) if seekable else None
        return _Input(
            decompressed, self.name, None, False, True, progress, position, size if seekable else None
        )

    # -- context manager and iteration -------------------------------------------------------------

    def __enter__(self) -> OvaPackage:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the package and the file it opened."""
        if self._current is not None:
            self._current.close()
            self._current = None
        for stream in self._owned:
            with contextlib.suppress(OSError, EOFError, lzma.LZMAError, zlib.error):
                stream.close()
        self._owned = []

    def __iter__(self) -> Iterator[OvaMember]:
        if self._started:
            raise ValueError("an OVA package is read once, in order; open it again to read it again")
        self._started = True
        while True:
            member = self._next_member()
            if member is None:
                return
            yield member

    # -- headers -----------------------------------------------------------------------------------

    def _header_block(self) -> bytes | None:
        block = self._input.read_upto(BLOCK)
        if not block:
            return None
        if len(block) < BLOCK:
            raise OvaTruncatedError("the archive ends inside a header", package=self.name)
        return block

    def _read_extended(self, header: Header, offset: int) -> bytes:
        self._check_room(header.size, offset, "an extended header")
        data = self._input.read_exact(header.size, "an extended header")
        self._input.skip(padding(header.size), "an extended header's padding")
        return data

    def _check_room(self, size: int, data_offset: int, what: str, member: str | None = None) -> None:
        if self._input.size is None:
            return
        room = self._input.size - data_offset
        needed = size + padding(size)
        if needed > room:
            padded = f" ({needed} with its padding to a 512-byte block)" if needed != size else ""
            raise OvaTruncatedError(
                f"{what} declares {size} bytes{padded} but only {max(room, 0)} remain in the archive",
                package=self.name,
                member=member,
            )

    def _pax_records(self, data: bytes, offset: int, global_header: bool) -> dict[str, bytes]:
        try:
            records = parse_pax(data)
        except PaxError as exc:
            raise OvaFormatError(f"bad pax header at offset {offset}: {exc}", package=self.name) from None
        values: dict[str, bytes] = {}
        for key, value in records:
            if key.startswith("GNU.sparse"):
                raise OvaUnsafeError(
                    "a pax header declares a sparse member (GNU.sparse)", package=self.name, code="OVA103"
                )
            if key in values and key in ("path", "size", "linkpath", "hdrcharset"):
                raise OvaUnsafeError(f"a pax header sets {key!r} twice", package=self.name)
            values[key] = value
        if global_header:
            for key in ("path", "size", "linkpath", "hdrcharset"):
                if key in values:
                    raise OvaUnsafeError(
                        f"a global pax header sets {key!r} for every member (refused)", package=self.name
                    )
        return values

    def _decode_name(self, raw: bytes, label: str) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            shown = raw.decode("utf-8", "backslashreplace")
            raise OvaUnsafeError(f"the {label} is not valid UTF-8", package=self.name, member=shown) from None

    def _next_member(self) -> OvaMember | None:
        if self._current is not None:
            current, self._current = self._current, None
            current._finish()
        if self._done:
            return None
        pax: dict[str, bytes] = {}
        long_name: bytes | None = None
        extended = 0
        header_bytes = 0
        while True:
            offset = self._input.position
            block = self._header_block()
            if block is None:
                if offset == 0:
                    raise OvaFormatError("the file is empty, not an OVA package", package=self.name)
                raise OvaTruncatedError(
                    "the archive ends without its end-of-archive marker (truncated?)", package=self.name
                )
            if end_of_archive(block):
                if extended:
                    raise OvaFormatError("an extended header is not followed by a member", package=self.name)
                if not self.members:
                    raise OvaFormatError(
                        "the archive holds no members (an empty or all-zero tar is not an OVA package)",
                        package=self.name,
                    )
                self._finish_archive()
                return None
            try:
                header = parse_header(block)
            except HeaderError as exc:
                raise OvaFormatError(f"bad tar header at offset {offset}: {exc}", package=self.name) from None
            if header.typeflag not in _EXTENDED:
                break
            extended += 1
            header_bytes += header.size
            if extended > _MAX_EXTENDED_HEADERS or header_bytes > self.limits.max_header_bytes:
                raise OvaLimitError(
                    f"extended headers before one member exceed the limit ({_MAX_EXTENDED_HEADERS} headers, "
                    f"{self.limits.max_header_bytes} bytes)",
                    package=self.name,
                )
            data = self._read_extended(header, offset + BLOCK)
            if header.typeflag == b"x":
                pax.update(self._pax_records(data, offset, global_header=False))
            elif header.typeflag == b"g":
                self._pax_records(data, offset, global_header=True)
            elif header.typeflag == b"L":
                long_name = data.split(b"\x00", 1)[0]
            else:
                raise OvaUnsafeError("a GNU long link name header (links are refused)", package=self.name)
        return self._member(header, offset, pax, long_name)

    def _member(
        self, header: Header, offset: int, pax: dict[str, bytes], long_name: bytes | None
    ) -> OvaMember:
        header_name = self._decode_name(header.name, "name")
        name = header_name
        candidates = [header_name]
        if long_name is not None:
            name = self._decode_name(long_name, "GNU long name")
            candidates.append(name)
        if "path" in pax:
            if pax.get("hdrcharset", b"ISO-IEC 10646 2000 UTF-8") != b"ISO-IEC 10646 2000 UTF-8":
                raise OvaUnsafeError("the pax header declares binary (non-UTF-8) names", package=self.name)
            name = self._decode_name(pax["path"], "pax path")
            candidates.append(name)
        kind_of_entry = _REFUSED_TYPES.get(header.typeflag)
        if kind_of_entry is None and header.typeflag not in _REGULAR:
            kind_of_entry = f"an entry of unknown type {header.typeflag!r}"
        if kind_of_entry is None and name.endswith("/"):
            kind_of_entry = "a directory"
        if kind_of_entry is not None:
            detail = ""
            if header.typeflag in (b"1", b"2") and header.linkname:
                target = header.linkname.decode("utf-8", "backslashreplace")
                detail = f" to {target[:120]!r}"
            code = "OVA103" if header.typeflag == b"S" else "OVA101"
            raise OvaUnsafeError(
                f"is {kind_of_entry}{detail}; only regular files are accepted",
                package=self.name,
                member=name,
                code=code,
            )
        for candidate in dict.fromkeys(candidates):
            problem = name_problem(candidate)
            if problem is not None:
                raise OvaUnsafeError(problem, package=self.name, member=candidate)
        size = header.size
        if "size" in pax:
            if not pax["size"].isdigit():
                raise OvaFormatError("the pax size is not a decimal number", package=self.name, member=name)
            size = int(pax["size"])
        kind = "padding" if name == PADDING_NAME and size <= _MAX_PADDING else member_kind(name)
        key = same_name_key(name)
        if key in self._keys and kind != "padding":
            earlier = self._keys[key]
            detail = "appears twice" if earlier == name else f"differs from {earlier!r} only in case"
            raise OvaUnsafeError(f"the name {detail}", package=self.name, member=name, code="OVA102")
        if len(self.members) >= self.limits.max_members:
            raise OvaLimitError(
                f"the archive holds more than {self.limits.max_members} members",
                package=self.name,
                member=name,
            )
        data_offset = self._input.position
        self._check_room(size, data_offset, "the member", name)
        if kind != "padding":
            self._keys[key] = name
        info = MemberInfo(name, size, kind, len(self.members), offset, data_offset)
        self.members.append(info)
        data = None
        if kind == "padding" or (kind in self._hold and getattr(self, kind) is None):
            data = self._read_whole(info)
        member = OvaMember(self, info, data)
        if data is not None and kind in self._hold:
            setattr(self, kind, member)
        elif data is None:
            self._current = member
        return member

    def _read_whole(self, info: MemberInfo) -> bytes:
        """Read a member held in memory (under its limit); padding members must be all zero."""
        cap = {
            "descriptor": self.limits.max_descriptor_bytes,
            "manifest": self.limits.max_manifest_bytes,
            "certificate": self.limits.max_certificate_bytes,
            "padding": _MAX_PADDING,
        }[info.kind]
        if info.size > cap:
            raise OvaLimitError(
                f"the {info.kind} is {info.size} bytes, more than the limit of {cap} bytes",
                package=self.name,
                member=info.name,
            )
        data = self._input.read_exact(info.size, "the member's data", info.name)
        self._input.skip(padding(info.size), "the member's padding", info.name)
        if info.kind == "padding" and data.count(0) != len(data):
            raise OvaUnsafeError(
                "a padding member (as oVirt writes between disks) holds data that is not zero",
                package=self.name,
                member=info.name,
            )
        return data

    def _finish_archive(self) -> None:
        """After the first zero block: only zero bytes may follow (a lone zero block is accepted)."""
        while True:
            chunk = self._input.read_upto(64 * 1024)
            if not chunk:
                break
            if chunk.count(0) != len(chunk):
                raise OvaFormatError(
                    "data follows the end-of-archive marker (hidden members or a concatenated archive)",
                    package=self.name,
                )
        self._done = True
        self.complete = True


def open_package(
    source: Source,
    *,
    limits: OvaLimits = DEFAULT_OVA_LIMITS,
    allow_compressed: bool = False,
    progress: ProgressCallback | None = None,
    name: str | None = None,
    hold: Collection[str] = _BUFFERED_KINDS,
) -> OvaPackage:
    """Open an OVA package for streaming (``with ovfkit.ova.open(path) as package: for m in package``).

    ``source`` is a path or a binary file object (read from its current position). Compressed
    packages raise ``OvaCompressedError`` unless ``allow_compressed`` (gzip, xz, bzip2). ``progress``
    is called with (bytes read, archive size) as the archive is read. ``hold`` names the kinds
    (``descriptor``, ``manifest``, ``certificate``) whose first member is held in memory. Raises
    ``OvaReadError`` when the file cannot be opened and ``OvaFormatError`` when it is empty or
    compressed.
    """
    return OvaPackage(
        source, limits=limits, allow_compressed=allow_compressed, progress=progress, name=name, hold=hold
    )


@dataclass(frozen=True, slots=True)
class PackageDescriptor:
    """The descriptor of a package whose every header was checked (``read_package_descriptor``).

    ``data`` is the ``.ovf`` member's bytes, ``name`` the name for messages (``x.ova!vm.ovf``),
    ``member`` the member's name, ``index`` its position in the archive, ``members`` how many members
    the archive holds, and ``notes`` what was tolerated (the descriptor is not the first member).
    The digests and the signature are not checked: that is ``verify``'s work.
    """

    data: bytes
    name: str
    member: str
    index: int
    members: int
    notes: tuple[str, ...] = ()


def read_package_descriptor(source: Source, limits: Limits | None = None) -> PackageDescriptor:
    """Read a package's ``.ovf`` descriptor, after checking the header of every member of the archive.

    The archive is read to its end marker, seeking over the data of the other members (only the
    descriptor, read under ``limits.max_bytes``, and oVirt's small zero-filled ``pad`` members are
    read; an unseekable stream is read and discarded in 64 KiB pieces instead), so an unsafe member
    anywhere in the package (a link, a device, a ``..`` or absolute name, a duplicate, a sparse
    member, an oversize header, a declared size beyond the archive, truncation, data after the end)
    raises instead of passing unnoticed; a second ``.ovf`` raises too, since which descriptor applies
    would be ambiguous. Raises ``OvaError`` subclasses (all
    ``OvfError``): ``OvaUnsafeError``/``OvaLimitError`` (``OvfSecurityError``) and ``OvaFormatError``
    (``OvfParseError``).
    """
    max_bytes = limits.max_bytes if limits is not None else DEFAULT_OVA_LIMITS.max_descriptor_bytes
    found: OvaMember | None = None
    with open_package(
        source, limits=OvaLimits(max_descriptor_bytes=max_bytes), hold=("descriptor",)
    ) as package:
        for member in package:
            if member.kind != "descriptor":
                continue
            if found is not None:
                raise OvaUnsafeError(
                    f"a second .ovf descriptor (the first is {found.name!r}); which one applies is ambiguous",
                    package=package.name,
                    member=member.name,
                    code="OVA113",
                )
            found = member
        if found is None or found.data is None:
            raise OvaFormatError("the package holds no .ovf descriptor", package=package.name)
        notes = []
        if found.index != 0:
            first = package.members[0].name
            notes.append(
                f"the descriptor {found.name!r} is member {found.index + 1} of the package, not the first "
                f"(the first is {quote(first, 120)!r}); OVF requires it first"
            )
        return PackageDescriptor(
            found.data,
            f"{package.name}!{found.name}",
            found.name,
            found.index,
            len(package.members),
            tuple(notes),
        )


def read_descriptor(source: Source, limits: Limits | None = None) -> tuple[bytes, str]:
    """The bytes of a package's ``.ovf`` descriptor and a name for messages (``x.ova!vm.ovf``).

    ``read_package_descriptor(source, limits)`` without the facts: every member's header is checked
    (seeking over the data of the others), and a package with an unsafe member anywhere, a second
    ``.ovf`` or no ``.ovf`` raises an ``OvaError`` (all ``OvfError``).
    """
    found = read_package_descriptor(source, limits)
    return found.data, found.name
