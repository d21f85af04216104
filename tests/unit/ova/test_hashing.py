"""Streaming digests: the same as hashlib, in fixed chunks, copying to a sink when asked."""

from __future__ import annotations

import hashlib
import io

from ovfkit.ova.hashing import DIGEST_LENGTHS, digest_bytes, hash_stream

DATA = bytes(range(256)) * 5000


def test_matches_hashlib_for_every_algorithm() -> None:
    count, digests = hash_stream(io.BytesIO(DATA), ["SHA1", "SHA256", "SHA512"], buffer_size=4096)
    assert count == len(DATA)
    assert digests == {
        name: hashlib.new(name.lower(), DATA).hexdigest() for name in ("SHA1", "SHA256", "SHA512")
    }
    assert {name: len(value) for name, value in digests.items()} == DIGEST_LENGTHS


def test_sink_and_chunk_callback() -> None:
    sink = io.BytesIO()
    chunks: list[int] = []
    count, digests = hash_stream(
        io.BytesIO(DATA), ["SHA256"], buffer_size=100_000, sink=sink, on_chunk=chunks.append
    )
    assert sink.getvalue() == DATA and sum(chunks) == count == len(DATA)
    assert max(chunks) <= 100_000
    assert digests == digest_bytes(DATA, ["SHA256"])


def test_no_algorithm_just_drains() -> None:
    assert hash_stream(io.BytesIO(DATA), []) == (len(DATA), {})
