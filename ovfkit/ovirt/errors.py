"""Errors of the oVirt dialect: malformed device addresses, field values and REST API documents.

::

    OvfParseError (ovfkit.errors)
    ├── OvfAddressError   a device address (``{key=value, ...}``) is malformed; names text and position
    ├── OvfValueError     an oVirt field (Content child, Disk attribute, device block) is not of its type
    └── OvfRestError      an oVirt REST API document is not a snapshot, snapshots collection or VM OVF

Security refusals inside embedded OVF stay ``OvfSecurityError`` (the safe loader's own error).
"""

from __future__ import annotations

from ovfkit.errors import OvfParseError, quote

__all__ = ["OvfAddressError", "OvfRestError", "OvfValueError"]


class OvfAddressError(OvfParseError):
    """A device address text is malformed.

    ``text`` is the whole address text, ``position`` the 0-based offset in it where the problem is,
    and ``reason`` says what is wrong there. ``source``, ``line`` and ``path`` name the document and
    element the text came from, when known.
    """

    def __init__(
        self,
        reason: str,
        text: str,
        position: int,
        *,
        source: str | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        self.reason = reason
        self.text = text
        self.position = position
        super().__init__(
            f"malformed device address {quote(text)!r}: {reason} at position {position}",
            source=source,
            line=line,
            path=path,
        )

    def __reduce__(self) -> tuple[object, ...]:
        state = (self.reason, self.text, self.position, self.source, self.line, self.path)
        return (_rebuild_address_error, state)


def _rebuild_address_error(
    reason: str, text: str, position: int, source: str | None, line: int | None, path: str | None
) -> OvfAddressError:
    return OvfAddressError(reason, text, position, source=source, line=line, path=path)


class OvfValueError(OvfParseError):
    """An oVirt field holds text that is not a value of its type (a date, a number, a boolean)."""


class OvfRestError(OvfParseError):
    """An oVirt REST API response is not a snapshot, a snapshots collection or a VM OVF."""
