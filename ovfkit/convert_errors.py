"""Errors of the JSON form: ``OvfJsonError``, its resource-limit flavour, and JSON paths for messages."""

from __future__ import annotations

import json
import re

from ovfkit.errors import OvfParseError, OvfSecurityError

__all__ = ["OvfJsonError", "OvfJsonLimitError", "json_path"]


class OvfJsonError(OvfParseError):
    """JSON input cannot become a model: not JSON, the wrong shape, or it would not make well-formed XML.

    ``path`` is the JSON path of the offending value (``$.document.sections[2].disks[0].capacity``);
    ``line`` and ``column`` are set for JSON syntax errors.
    """


class OvfJsonLimitError(OvfJsonError, OvfSecurityError):
    """The document the JSON describes is over a ``Limits`` value the XML loader holds.

    Both an ``OvfJsonError`` (with the JSON path, when one element is to blame) and an
    ``OvfSecurityError``, as the loader's own limit errors are.
    """


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: What ``json.dumps`` leaves as it is but a message must not carry to a terminal (see ``errors.quote``).
_INVISIBLE = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: The longest key a JSON path quotes.
_KEY_QUOTE = 60


def json_path(parts: list[str | int]) -> str:
    """Format path parts as a JSON path: ``$.document.sections[2]["ovf:size"]``.

    A key that is not an identifier is a JSON string, shortened, with control and invisible
    characters as JSON escapes (``["a\\u000b"]``), so that the path stays printable and means the key.
    """
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif len(part) <= _KEY_QUOTE and _IDENTIFIER.fullmatch(part):
            out.append("." + part)
        else:
            key = part if len(part) <= _KEY_QUOTE else part[: _KEY_QUOTE - 1] + "\u2026"
            key = json.dumps(key, ensure_ascii=False)
            out.append("[" + _INVISIBLE.sub(lambda found: f"\\u{ord(found.group()):04x}", key) + "]")
    return "".join(out)
