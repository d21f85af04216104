"""What validation finds: a ``Diagnostic`` (code, name, severity, message, location) and its ``Severity``."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

__all__ = ["Diagnostic", "Severity"]


class Severity(str, enum.Enum):
    """How bad a finding is: an ``error`` makes a document invalid; ``warning`` and ``info`` do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for infos (for sorting, most severe first)."""
        return _RANKS[self]


_RANKS = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about one document.

    ``code`` (``R101``) and ``name`` (``dangling-file-ref``) identify the rule; ``file`` names the
    document, ``line`` and ``column`` (1-based) locate the element's start tag, and ``path`` is the
    element path (``/Envelope/DiskSection/Disk[2]``). Location fields are None when unknown.
    """

    code: str
    name: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    @property
    def is_error(self) -> bool:
        """True for an error-severity finding."""
        return self.severity is Severity.ERROR

    def location(self) -> str:
        """``file:line:column`` with whatever parts are known (``<input>`` when the file is unnamed)."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        """One line for people: ``vm.ovf:87:9: R101 dangling-file-ref Disk "vmdisk1" names ...``."""
        return f"{self.location()}: {self.code} {self.name} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of every field (severity as its string value)."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
        }

    def sort_key(self) -> tuple[int, int, str, str]:
        """Document order: by line, then column, then code."""
        return (self.line or 0, self.column or 0, self.code, self.message)
