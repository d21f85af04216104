"""Digests of streams, computed in fixed-size chunks: memory does not depend on the size of a file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import IO, Protocol

__all__ = [
    "ALGORITHMS",
    "DIGEST_LENGTHS",
    "MultiHasher",
    "Readable",
    "digest_bytes",
    "hash_stream",
]

#: Manifest algorithm names (upper case, as written in ``.mf`` files) and their hashlib names.
ALGORITHMS: dict[str, str] = {"SHA1": "sha1", "SHA256": "sha256", "SHA512": "sha512"}

#: The length of each algorithm's digest in hexadecimal digits.
DIGEST_LENGTHS: dict[str, int] = {"SHA1": 40, "SHA256": 64, "SHA512": 128}


class Readable(Protocol):
    """What ``hash_stream`` reads from: anything with ``readinto``."""

    def readinto(self, buffer: memoryview, /) -> int | None:
        """Read into ``buffer``; return the count (0 at the end)."""


class MultiHasher:
    """Feeds the same bytes to one hash object per algorithm."""

    def __init__(self, algorithms: Iterable[str]) -> None:
        self._hashes = {name: hashlib.new(ALGORITHMS[name]) for name in sorted(set(algorithms))}
        self._only = next(iter(self._hashes.values())) if len(self._hashes) == 1 else None

    def update(self, data: bytes | memoryview) -> None:
        """Add ``data`` to every digest."""
        if self._only is not None:
            self._only.update(data)
            return
        for digest in self._hashes.values():
            digest.update(data)

    def hexdigests(self) -> dict[str, str]:
        """The lower-case hex digest of each algorithm."""
        return {name: digest.hexdigest() for name, digest in self._hashes.items()}


def digest_bytes(data: bytes, algorithms: Iterable[str]) -> dict[str, str]:
    """The hex digests of bytes already in memory."""
    hasher = MultiHasher(algorithms)
    hasher.update(data)
    return hasher.hexdigests()


def hash_stream(
    stream: Readable,
    algorithms: Iterable[str],
    *,
    buffer_size: int = 1024 * 1024,
    sink: IO[bytes] | None = None,
    on_chunk: Callable[[int], None] | None = None,
    buffer: bytearray | None = None,
) -> tuple[int, dict[str, str]]:
    """Read ``stream`` to its end in chunks; return (bytes read, hex digest per algorithm).

    Every chunk is also written to ``sink`` when given, and its length passed to ``on_chunk``.
    One buffer (``buffer``, or a new one of ``buffer_size`` bytes) is reused for the whole stream.
    """
    names = set(algorithms)
    hasher = MultiHasher(names)
    hashing = bool(names)
    view = memoryview(buffer if buffer is not None else bytearray(buffer_size))
    total = 0
    while True:
        count = stream.readinto(view)
        if not count:
            break
        chunk = view[:count]
        if hashing:
            hasher.update(chunk)
        if sink is not None:
            sink.write(chunk)
        if on_chunk is not None:
            on_chunk(count)
        total += count
    return total, hasher.hexdigests()
