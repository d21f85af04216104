"""X rules: the document cannot be read as OVF (syntax, encoding, hostile input), or was read with tolerance.

These codes are reported while reading, before any model exists; they have no check function.
"""

from __future__ import annotations

from ovfkit.validate.diagnostic import Severity
from ovfkit.validate.registry import declare

__all__: list[str] = []

declare(
    "X001",
    "not-well-formed",
    Severity.ERROR,
    "The input is not well-formed XML (or is empty).",
    stage="load",
)
declare(
    "X002",
    "hostile-input",
    Severity.ERROR,
    "The input was refused as hostile: a DOCTYPE or entities, or beyond a size, depth or count limit.",
    stage="load",
)
declare(
    "X003",
    "not-an-ovf-document",
    Severity.ERROR,
    "The XML is not an OVF envelope or OVF environment document that ovfkit can read.",
    stage="load",
)
declare(
    "X004",
    "invalid-encoding",
    Severity.ERROR,
    "The bytes are not valid in the document's encoding, or the encoding is unknown.",
    stage="load",
)
declare(
    "X005",
    "compressed-input",
    Severity.ERROR,
    "The input is compressed (gzip, xz, bzip2, zip, zstd) rather than an XML descriptor.",
    stage="load",
)
declare(
    "X006",
    "tolerated-input",
    Severity.WARNING,
    "The reader had to tolerate a fault: a wrong encoding declaration, an envelope namespace "
    "DSP0243 never had, or an OVA whose descriptor is not its first member.",
    stage="load",
)
