"""The result of validating one document: its diagnostics, whether it is valid, and counts by severity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ovfkit.validate.diagnostic import Diagnostic, Severity

__all__ = ["Report"]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything ``ovfkit.validate`` found in one document.

    ``ok`` is True when no diagnostic is an error (warnings and infos are allowed). ``profile`` is the
    validation profile used, ``dialect`` and ``ovf_version`` what was detected (None when the input
    could not be read), ``schema`` the bundled XSD key it was checked against (None when none applied).
    """

    file: str | None
    profile: str
    diagnostics: tuple[Diagnostic, ...] = ()
    dialect: str | None = None
    ovf_version: str | None = None
    schema: str | None = None

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings and infos allowed)."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics of severity ``error``."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The diagnostics of severity ``warning``."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def infos(self) -> list[Diagnostic]:
        """The diagnostics of severity ``info``."""
        return [d for d in self.diagnostics if d.severity is Severity.INFO]

    @property
    def counts(self) -> dict[str, int]:
        """Diagnostics per severity name: ``{"error": 1, "warning": 0, "info": 2}``."""
        found = dict.fromkeys((s.value for s in Severity), 0)
        for diagnostic in self.diagnostics:
            found[diagnostic.severity.value] += 1
        return found

    def codes(self) -> list[str]:
        """The codes found, in document order, with repeats."""
        return [d.code for d in self.diagnostics]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping: file, profile, detection facts, ok, counts and diagnostics."""
        return {
            "file": self.file,
            "profile": self.profile,
            "dialect": self.dialect,
            "ovf_version": self.ovf_version,
            "schema": self.schema,
            "ok": self.ok,
            "counts": self.counts,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }
