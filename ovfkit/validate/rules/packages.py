"""K rules: the package's files are named safely: relative, inside the package, literal, unique, readable.

ovfkit never opens, fetches or globs an href; these rules say which hrefs a consumer should refuse.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator

from ovfkit.model.envelope import File
from ovfkit.validate.context import Context
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import rule
from ovfkit.validate.rules._common import q, qs

__all__ = ["KNOWN_COMPRESSIONS"]

#: ``ovf:compression`` values DSP0243 names (``identity`` and empty mean none).
KNOWN_COMPRESSIONS = frozenset({"gzip", "identity", "", "bzip2", "none"})

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_GLOB = re.compile(r"[*?\[\]]")
#: An absolute path: from the root, a drive (``C:\\``, ``C:/``) or a ``file:`` URL.
_ABSOLUTE = re.compile(r"[/\\]|[A-Za-z]:[\\/]|[Ff][Ii][Ll][Ee]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _collect_hrefs(ctx: Context) -> list[tuple[File, str, str]]:
    return [(file, file.href, _decoded(file.href)) for file in ctx.files if file.href is not None]


def _hrefs(ctx: Context) -> list[tuple[File, str, str]]:
    """``(File, ovf:href, the href percent-decoded)`` of every File with an href (decoded once)."""
    return ctx.shared("hrefs", _collect_hrefs)


def _is_remote(href: str) -> bool:
    return bool(_SCHEME.match(href)) and not _DRIVE.match(href) and not href.lower().startswith("file:")


def _decoded(href: str) -> str:
    return urllib.parse.unquote(href) if "%" in href else href


@rule(
    "K101",
    "absolute-href",
    Severity.ERROR,
    "A File's ovf:href is an absolute path or a file: URL instead of a path relative to the descriptor.",
)
def absolute_href(ctx: Context) -> Iterator[Diagnostic]:
    """Package files are named relative to the descriptor, never by where they were on the author's disk."""
    for file, href, value in _hrefs(ctx):
        if _ABSOLUTE.match(value):
            yield ctx.emit(
                "K101", file, f'File "{q(file.id)}" has the absolute href {qs(href)}', attribute="href"
            )


@rule(
    "K102",
    "url-href",
    Severity.WARNING,
    "A File's ovf:href is a URL (http:, https:, ...): the package is not self-contained.",
)
def url_href(ctx: Context) -> Iterator[Diagnostic]:
    """A URL href makes the import download from elsewhere; an OVA cannot contain it."""
    for file, href, _ in _hrefs(ctx):
        if _is_remote(href):
            scheme = href.split(":", 1)[0].lower()
            yield ctx.emit(
                "K102",
                file,
                f'File "{q(file.id)}" is the {q(scheme, 20)} URL {qs(href)}, outside the package',
                attribute="href",
            )


@rule(
    "K103",
    "href-escapes-package",
    Severity.ERROR,
    "A File's ovf:href climbs out of the package's folder with '..'.",
)
def href_escapes_package(ctx: Context) -> Iterator[Diagnostic]:
    """A relative href that normalizes to ``../`` names a file outside the package."""
    for file, href, decoded in _hrefs(ctx):
        if ".." not in decoded or _is_remote(href):
            continue  # only '..' climbs out
        value = decoded.replace("\\", "/")
        normal = posixpath.normpath(value)
        if normal == ".." or normal.startswith("../"):
            yield ctx.emit(
                "K103",
                file,
                f'File "{q(file.id)}" has href {qs(href)}, which points outside the package',
                attribute="href",
            )


@rule(
    "K104",
    "glob-href",
    Severity.ERROR,
    "A File's ovf:href contains glob characters (* ? [ ]), which a careless consumer would expand.",
)
def glob_href(ctx: Context) -> Iterator[Diagnostic]:
    """Hrefs name one file literally."""
    for file, href, decoded in _hrefs(ctx):
        if _GLOB.search(decoded) and not _is_remote(href):
            yield ctx.emit(
                "K104",
                file,
                f'File "{q(file.id)}" has href {qs(href)} with glob characters',
                attribute="href",
            )


def _unsafe(value: str) -> str | None:
    """Why a (decoded) href is unsafe, or None."""
    if not value.strip():
        return "it is empty"
    if "\\" in value:
        return "it contains a backslash"
    if _CONTROL.search(value):
        return "it contains a control character"
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        return "it is not in Unicode NFC form (the same name can be spelt two ways)"
    return None


@rule(
    "K105",
    "unsafe-href",
    Severity.ERROR,
    "A File's ovf:href is empty, or contains a backslash, a control character or non-NFC text.",
)
def unsafe_href(ctx: Context) -> Iterator[Diagnostic]:
    """Hrefs are plain, portable relative paths."""
    for file, href, decoded in _hrefs(ctx):
        problem = _unsafe(decoded)
        if problem is not None:
            yield ctx.emit(
                "K105", file, f'File "{q(file.id)}" has href {qs(href)}: {problem}', attribute="href"
            )


@rule("K106", "duplicate-href", Severity.WARNING, "Two Files of References have the same ovf:href.")
def duplicate_href(ctx: Context) -> Iterator[Diagnostic]:
    """Each File names its own file; two Files on one href read the same bytes twice."""
    seen: dict[str, File] = {}
    for file, href, _ in _hrefs(ctx):
        first = seen.get(href)
        if first is not None:
            yield ctx.emit(
                "K106",
                file,
                f'File "{q(file.id)}" has the same href {qs(href)} as File "{q(first.id)}"',
                attribute="href",
            )
        else:
            seen[href] = file


@rule(
    "K107",
    "unknown-compression",
    Severity.WARNING,
    "A File's ovf:compression is not gzip or identity, so consumers may not be able to read it.",
)
def unknown_compression(ctx: Context) -> Iterator[Diagnostic]:
    """DSP0243 defines gzip (and identity for none)."""
    for file in ctx.files:
        if file.compression is not None and file.compression.strip().lower() not in KNOWN_COMPRESSIONS:
            yield ctx.emit(
                "K107",
                file,
                f'File "{q(file.id)}" has compression {qs(file.compression, 40)}; expected gzip',
                attribute="compression",
            )
