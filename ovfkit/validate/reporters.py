"""Reports as text for people, JSON, SARIF 2.1.0 for code scanners, and GitHub workflow annotations.

Each reporter takes the reports of one run (one per input) and returns the whole output as a string.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ovfkit._version import __version__
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import Rule, all_rules
from ovfkit.validate.report import Report

__all__ = ["FORMATS", "artifact", "render", "render_github", "render_json", "render_sarif", "render_text"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/ovfkit/ovfkit"
_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_text(reports: Sequence[Report]) -> str:
    """One line per diagnostic (``file:line:col: CODE name message``), then a summary line."""
    lines = [d.format() for report in reports for d in report.diagnostics]
    errors = sum(r.counts["error"] for r in reports)
    warnings = sum(r.counts["warning"] for r in reports)
    infos = sum(r.counts["info"] for r in reports)
    failed = sum(1 for r in reports if not r.ok)
    summary = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}, {_plural(infos, 'info')}"
    if failed:
        lines.append(f"Found {summary} ({failed} of {_plural(len(reports), 'file')} invalid).")
    else:
        lines.append(f"Found {summary}; {_plural(len(reports), 'file')} valid.")
    return "\n".join(lines) + "\n"


def render_json(reports: Sequence[Report]) -> str:
    """A JSON list of every diagnostic of every report."""
    return json.dumps([d.to_dict() for report in reports for d in report.diagnostics], indent=2) + "\n"


def artifact(name: str | None) -> str:
    """The file on disk a report names: ``x.ova`` for the descriptor ``x.ova!vm.ovf`` of a package."""
    if not name:
        return "stdin"
    package, bang, _ = name.rpartition("!")
    return package if bang and package.lower().endswith(".ova") else name


#: The base of the relative artifact URIs: the folder ovfkit ran in (``originalUriBaseIds`` says where).
SRCROOT = "%SRCROOT%"


def _location(path: str | None) -> dict[str, str]:
    """A SARIF ``artifactLocation`` for a file name as given.

    A file in or below the working folder gets a relative URI (percent-encoded, colons too, so that no
    name reads as a scheme) with ``uriBaseId`` ``%SRCROOT%``, as code scanners expect; a file elsewhere
    gets an absolute ``file:`` URI. An input that is no file
    (standard input, bytes) keeps its name, ``<stdin>`` percent-encoded.
    """
    name = artifact(path) if path else "<stdin>"
    if name.startswith("<") and name.endswith(">"):
        return {"uri": urllib.parse.quote(name, safe="")}
    absolute = os.path.abspath(name)
    here = os.getcwd()
    try:
        relative = os.path.relpath(absolute, here)
    except ValueError:  # another drive
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return {"uri": Path(absolute).as_uri()}
    return {"uri": urllib.parse.quote(relative.replace(os.sep, "/"), safe="/"), "uriBaseId": SRCROOT}


def _sarif_rule(entry: Rule) -> dict[str, Any]:
    from ovfkit.validate.docs import rule_page

    try:
        page = rule_page(entry.code)
    except Exception:  # a missing page must not break a report; the rule page test guards it
        page = None
    rule: dict[str, Any] = {
        "id": entry.code,
        "name": entry.name,
        "shortDescription": {"text": entry.summary},
        "defaultConfiguration": {"level": _SARIF_LEVELS[entry.severity]},
        "properties": {"family": entry.family_title, "tags": [entry.family_title]},
    }
    if page is not None:
        rule["help"] = {"text": entry.summary, "markdown": page}
    return rule


def _sarif_result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _location(diagnostic.file)}
    if diagnostic.line is not None and diagnostic.line >= 1:
        region: dict[str, Any] = {"startLine": diagnostic.line}
        if diagnostic.column is not None and diagnostic.column >= 1:
            region["startColumn"] = diagnostic.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if diagnostic.path:
        location["logicalLocations"] = [{"fullyQualifiedName": diagnostic.path, "kind": "element"}]
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [location],
    }


def render_sarif(reports: Sequence[Report], failures: Sequence[tuple[str, str]] = ()) -> str:
    """A SARIF 2.1.0 log of one run: the rule catalogue as rule metadata, one result per diagnostic.

    ``failures`` are the inputs that could not be validated at all (a missing file), as ``(name,
    message)``: the run is then not successful, and each is a tool execution notification.
    """
    rules = all_rules()
    index = {entry.code: position for position, entry in enumerate(rules)}
    artifacts = []
    seen: set[str] = set()
    for report in reports:
        location = _location(report.file)
        if location["uri"] not in seen:
            seen.add(location["uri"])
            artifacts.append({"location": location})
    invocation: dict[str, Any] = {"executionSuccessful": not failures}
    if failures:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "message": {"text": message},
                "locations": [{"physicalLocation": {"artifactLocation": _location(name)}}],
            }
            for name, message in failures
        ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ovfkit",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(entry) for entry in rules],
                    }
                },
                "artifacts": artifacts,
                "results": [
                    _sarif_result(d, index[d.code]) for report in reports for d in report.diagnostics
                ],
                "invocations": [invocation],
                "originalUriBaseIds": {SRCROOT: {"uri": Path(os.getcwd()).as_uri() + "/"}},
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: Sequence[Report]) -> str:
    """GitHub Actions workflow commands: ``::error file=vm.ovf,line=87,col=9,title=R101 ...::message``."""
    lines = []
    for report in reports:
        for d in report.diagnostics:
            properties = [f"file={_escape_property(artifact(d.file))}"]
            if d.line is not None:
                properties.append(f"line={d.line}")
                if d.column is not None:
                    properties.append(f"col={d.column}")
            properties.append(f"title={_escape_property(f'{d.code} {d.name}')}")
            lines.append(
                f"::{_GITHUB_COMMANDS[d.severity]} {','.join(properties)}::{_escape_data(d.message)}"
            )
    return "".join(line + "\n" for line in lines)


#: Reporters by ``--format`` name.
FORMATS: dict[str, Callable[[Sequence[Report]], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}


def render(reports: Sequence[Report], output_format: str, failures: Sequence[tuple[str, str]] = ()) -> str:
    """Render reports in one of ``FORMATS``; SARIF also records the inputs that could not be validated."""
    if output_format == "sarif":
        return render_sarif(reports, failures)
    return FORMATS[output_format](reports)
