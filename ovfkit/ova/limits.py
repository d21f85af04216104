"""Resource limits for reading OVA packages; every limit has a safe default."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_OVA_LIMITS", "OvaLimits"]


@dataclass(frozen=True, slots=True)
class OvaLimits:
    """Limits for reading one OVA package.

    - ``max_members``: the most members an archive may hold (10,000; real packages hold a handful,
      chunked disks a few hundred).
    - ``max_header_bytes``: the most extended-header data (pax records, GNU long names) before one
      member (64 KiB; real pax headers are under 1 KiB).
    - ``max_descriptor_bytes``: the largest ``.ovf`` read into memory (64 MiB, as ``Limits.max_bytes``).
    - ``max_manifest_bytes``: the largest ``.mf`` read into memory (4 MiB).
    - ``max_certificate_bytes``: the largest ``.cert`` read into memory (1 MiB).
    - ``buffer_size``: the size of each read while hashing or copying (1 MiB; memory use does not
      grow with the size of the disks).
    """

    max_members: int = 10_000
    max_header_bytes: int = 64 * 1024
    max_descriptor_bytes: int = 64 * 1024 * 1024
    max_manifest_bytes: int = 4 * 1024 * 1024
    max_certificate_bytes: int = 1024 * 1024
    buffer_size: int = 1024 * 1024


DEFAULT_OVA_LIMITS = OvaLimits()
