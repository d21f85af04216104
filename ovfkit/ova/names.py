"""Which member names and hrefs are safe: single, relative, printable, NFC file names."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

__all__ = ["MAX_NAME_BYTES", "href_problem", "member_kind", "name_problem", "same_name_key"]

#: The longest member name accepted (NAME_MAX of common file systems).
MAX_NAME_BYTES = 255

#: Unicode categories refused in names: controls, format (bidi overrides, zero-width), surrogates,
#: line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"^[A-Za-z]:")


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a safe member name, or None when it is.

    A safe name is one relative file name: not empty, no ``/`` or ``\\``, not ``.`` or ``..``, no
    drive letter, no control or invisible characters, in Unicode NFC, at most 255 bytes of UTF-8.
    """
    if not name:
        return "the name is empty"
    if name.startswith("/"):
        return "the name is an absolute path"
    if "\\" in name:
        return "the name contains a backslash"
    if ".." in name.split("/"):
        return "the name contains a '..' component"
    if "/" in name:
        return "the name is a path; OVA members must be single file names"
    if name in (".", ".."):
        return f"the name is {name!r}"
    if _DRIVE.match(name):
        return "the name starts with a drive letter"
    for char in name:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            if char == "\x00":
                return "the name contains a NUL character"
            return f"the name contains a control or invisible character (U+{ord(char):04X})"
    if not unicodedata.is_normalized("NFC", name):
        return "the name is not in Unicode normal form C (NFC)"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"the name is longer than {MAX_NAME_BYTES} bytes"
    return None


def same_name_key(name: str) -> str:
    """The key under which two names collide on a case-insensitive file system."""
    return unicodedata.normalize("NFC", name).casefold()


def member_kind(name: str) -> str:
    """``descriptor``, ``manifest``, ``certificate`` or ``file``, from the name's extension."""
    lowered = name.lower()
    if lowered.endswith(".ovf"):
        return "descriptor"
    if lowered.endswith(".mf"):
        return "manifest"
    if lowered.endswith(".cert"):
        return "certificate"
    return "file"


def href_problem(href: str | None) -> tuple[str, str] | None:
    """Why an ``ovf:href`` cannot name a member of the package, or None when it can.

    Returns ``("external", reason)`` for http(s) URLs (a file outside the package) and
    ``("unsafe", reason)`` for absolute paths, other URLs, ``..``, backslashes, paths and bad names.
    """
    if href is None or href == "":
        return ("unsafe", "the File has no href")
    if _SCHEME.match(href):
        scheme = href.split(":", 1)[0].lower()
        if scheme in ("http", "https") and not _DRIVE.match(href):
            return ("external", "the href is an external URL, not a file of the package")
        return ("unsafe", f"the href is a {scheme!r} URL or drive path")
    problem = name_problem(href)
    if problem is None and "%" in href:
        problem = name_problem(unquote(href))
    if problem is not None:
        return ("unsafe", problem.replace("the name", "the href", 1))
    return None
