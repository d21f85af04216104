"""OVF manifests (``.mf``): one ``ALG(name)= hex`` line per file, read strictly, written as ovftool does.

Accepted on reading: ``SHA1``, ``SHA256`` and ``SHA512`` lines (each line's own algorithm is
honoured), the ``SHA1 (name) = hex`` spacing, CRLF line ends, upper-case hex and a UTF-8 BOM.
Refused, as findings: MD5 and unknown algorithms, digests that are not hex or of the wrong length,
names with a path, ``..`` or other unsafe characters, duplicate entries, unreadable lines. SHA1 is
reported as a warning (an error when verifying strictly).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ovfkit.errors import quote
from ovfkit.ova.findings import Finding, finding
from ovfkit.ova.hashing import ALGORITHMS, DIGEST_LENGTHS
from ovfkit.ova.names import name_problem

__all__ = ["Manifest", "ManifestEntry", "format_manifest", "parse_manifest"]

_LINE = re.compile(r"^\s*(?P<alg>[A-Za-z0-9_-]{1,16})\s*\((?P<name>.*)\)\s*=\s*(?P<digest>\S*)\s*$")
_HEX = re.compile(r"[0-9A-Fa-f]+")


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One valid manifest line: algorithm (``SHA256``), file name, lower-case hex digest, line number."""

    algorithm: str
    name: str
    digest: str
    line: int


@dataclass(slots=True)
class Manifest:
    """A parsed manifest: its valid entries, the names it lists, and what was wrong with it.

    ``listed`` holds every safe name a line names, also on lines refused for their algorithm or
    digest, so that a refused line is not reported a second time as a missing entry. ``readable``
    is False when the manifest is not UTF-8 text at all.
    """

    name: str
    entries: list[ManifestEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)
    readable: bool = True

    def entries_for(self, name: str) -> list[ManifestEntry]:
        """The valid entries naming ``name``, in line order."""
        return [entry for entry in self.entries if entry.name == name]

    def algorithms_for(self, name: str) -> set[str]:
        """The algorithms of the valid entries naming ``name``."""
        return {entry.algorithm for entry in self.entries if entry.name == name}

    @property
    def algorithms(self) -> list[str]:
        """The algorithms the valid entries use, sorted."""
        return sorted({entry.algorithm for entry in self.entries})


def _normalized_algorithm(text: str) -> str:
    return text.upper().replace("-", "").replace("_", "")


def parse_manifest(data: bytes, name: str = "manifest.mf") -> Manifest:
    """Parse the bytes of a ``.mf`` file; problems are ``findings`` of the result, never exceptions."""
    manifest = Manifest(name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        manifest.readable = False
        manifest.findings.append(
            finding("OVA201", f"the manifest is not UTF-8 text (byte {exc.start})", member=name)
        )
        return manifest
    sha1_lines: list[int] = []
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        where = f"line {number}"
        match = _LINE.match(line)
        if match is None:
            manifest.findings.append(
                finding("OVA201", f"{where} is not 'ALG(name)= digest': {quote(line, 80)!r}", member=name)
            )
            continue
        file_name = match["name"]
        algorithm = _normalized_algorithm(match["alg"])
        digest = match["digest"]
        problem = name_problem(file_name)
        if problem is not None:
            manifest.findings.append(
                finding("OVA205", f"{where} names {quote(file_name, 80)!r}: {problem}", member=name)
            )
            continue
        if file_name in manifest.listed:
            manifest.findings.append(finding("OVA206", f"{where} lists {file_name!r} again", member=name))
        manifest.listed.add(file_name)
        if algorithm == "MD5":
            manifest.findings.append(
                finding("OVA202", f"{where} uses MD5 for {file_name!r}; MD5 is refused", member=name)
            )
            continue
        if algorithm not in ALGORITHMS:
            manifest.findings.append(
                finding(
                    "OVA202",
                    f"{where} uses the unsupported algorithm {quote(match['alg'], 16)!r} for {file_name!r} "
                    "(SHA1, SHA256 or SHA512 expected)",
                    member=name,
                )
            )
            continue
        expected = DIGEST_LENGTHS[algorithm]
        if not _HEX.fullmatch(digest) or len(digest) != expected:
            what = "is not hexadecimal" if not _HEX.fullmatch(digest) else f"has {len(digest)} digits"
            manifest.findings.append(
                finding(
                    "OVA204",
                    f"{where}: the {algorithm} digest of {file_name!r} {what} "
                    f"({expected} hex digits expected)",
                    member=name,
                )
            )
            continue
        if algorithm == "SHA1":
            sha1_lines.append(number)
        manifest.entries.append(ManifestEntry(algorithm, file_name, digest.lower(), number))
    if sha1_lines:
        lines = ", ".join(str(n) for n in sha1_lines[:10]) + (", ..." if len(sha1_lines) > 10 else "")
        manifest.findings.append(
            finding(
                "OVA203",
                f"SHA1 digests (line {lines}): SHA1 is deprecated; use SHA256 or SHA512",
                member=name,
            )
        )
    return manifest


def format_manifest(digests: Iterable[tuple[str, str]], algorithm: str = "SHA256") -> bytes:
    """The bytes of a ``.mf`` file: ``ALG(name)= hex`` and LF for each (name, hex digest), as ovftool."""
    algorithm = _normalized_algorithm(algorithm)
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported manifest algorithm {algorithm!r} (SHA1, SHA256 or SHA512)")
    lines = []
    for name, digest in digests:
        if name_problem(name) is not None:
            raise ValueError(f"cannot list {name!r} in a manifest: {name_problem(name)}")
        if len(digest) != DIGEST_LENGTHS[algorithm] or not _HEX.fullmatch(digest):
            raise ValueError(f"{digest!r} is not a {algorithm} hex digest")
        lines.append(f"{algorithm}({name})= {digest.lower()}\n")
    return "".join(lines).encode("utf-8")
