"""The exception tree of ovfkit: every failure it raises is an ``OvfError``.

::

    OvfError                                  root: catch this to catch everything ovfkit raises
    ├── OvfParseError(OvfError, ValueError)   input is not a readable OVF document (not well formed,
    │                                         not OVF, wrong shape); carries file, line and column
    ├── OvfSecurityError(OvfParseError)       input was refused as hostile (DOCTYPE, entities, limits)
    ├── OvfUnitError(OvfError, ValueError)    a programmatic unit string ("byte * 2^30") is malformed
    └── OvfWriteError(OvfError, ValueError)   a model cannot be written as well-formed XML

Findings about a readable document (a dangling reference, a bad MAC) are not exceptions: they are
``Diagnostic`` values produced by validation.
"""

from __future__ import annotations

import re

__all__ = [
    "OvfError",
    "OvfParseError",
    "OvfSecurityError",
    "OvfUnitError",
    "OvfWriteError",
]

#: The longest piece of input an error message may quote.
MAX_QUOTE = 200


#: Characters a message must not carry to a terminal: C0 and C1 controls, DEL, and the invisible
#: and direction-changing marks (zero-width, bidirectional embeddings, overrides and isolates, BOM).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    """Return ``text`` shortened to ``limit`` characters, control and invisible characters escaped.

    For use in messages: what a document says reaches a terminal only as printable text.
    """
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _UNSAFE.sub(_escape, text)


class OvfError(Exception):
    """Root of every exception ovfkit raises.

    ``source`` names the file (or ``<bytes>``), ``line`` and ``column`` are 1-based when known, and
    ``path`` is the element path (``/Envelope/VirtualSystem/...``) when known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
    ) -> None:
        # One line, bounded: a message may quote hostile input.
        one_line = " ".join(message.split()) if "\n" in message or "\r" in message else message
        self.message = quote(one_line, 1000)
        self.source = source
        self.line = line
        self.column = column
        self.path = path
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.path:
            text += f" (at {self.path})"
        return text


class OvfParseError(OvfError, ValueError):
    """The input is not a readable OVF document: not well formed, not OVF, or of the wrong shape."""


class OvfSecurityError(OvfParseError):
    """The input was refused because it is hostile or exceeds a configured limit."""


class OvfUnitError(OvfError, ValueError):
    """A programmatic unit string such as ``byte * 2^30`` is malformed or out of range."""


class OvfWriteError(OvfError, ValueError):
    """A model cannot be written as well-formed XML (bad name, control character, unknown prefix)."""
