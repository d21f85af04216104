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

__all__ = [
    "OvfError",
    "OvfParseError",
    "OvfSecurityError",
    "OvfUnitError",
    "OvfWriteError",
]

#: The longest piece of input an error message may quote.
MAX_QUOTE = 200


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    """Return ``text`` shortened to at most ``limit`` characters, for use in messages."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


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
