"""Reporters for hardware diffs: a table for people (optionally coloured), Markdown, and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ovfkit.diff.model import Change, HardwareDiff, Scope
from ovfkit.diff.snapshots import SnapshotChainDiff, SnapshotInfo, SnapshotStep

__all__ = [
    "FORMATS",
    "render",
    "render_json",
    "render_markdown",
    "render_snapshots",
    "render_text",
]

#: The output formats, by name.
FORMATS = ("text", "json", "markdown")

#: The longest value a table cell shows before it is cut (JSON always has the whole value).
MAX_CELL = 80

_COLORS = {"added": "32", "removed": "31", "changed": "33", "heading": "1"}
_HEADER = ("CHANGE", "DEVICE", "FIELD", "OLD", "NEW")


def _paint(text: str, role: str, color: bool) -> str:
    return f"\x1b[{_COLORS[role]}m{text}\x1b[0m" if color else text


def _cell(text: str | None) -> str:
    value = " ".join((text or "").split())
    return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"


def _row(change: Change) -> tuple[str, str, str, str, str]:
    return (
        change.kind,
        _cell(change.device),
        _cell(change.field),
        _cell(change.old_text) if change.old_text is not None else "",
        _cell(change.new_text) if change.new_text is not None else "",
    )


def _scope_title(scope: Scope) -> str:
    title = f'virtual system "{scope.system}"' if scope.system is not None else "virtual system"
    if scope.system_index is not None:
        title += f" #{scope.system_index + 1}"
    if scope.other_system is not None or scope.other_system_index is not None:
        other = f'"{scope.other_system}"' if scope.other_system is not None else ""
        if scope.other_system_index is not None:
            other = f"{other} #{scope.other_system_index + 1}".strip()
        title += f" (b: {other})"
    if scope.name and scope.name != scope.system:
        title += f" ({scope.name})"
    if scope.profile is not None:
        title += f', profile "{scope.profile}"'
    return title


def _table(changes: list[Change], color: bool, indent: str = "  ") -> list[str]:
    rows = [_row(c) for c in changes]
    widths = [max(len(r[i]) for r in [_HEADER, *rows]) for i in range(len(_HEADER))]
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(_HEADER, widths, strict=True)).rstrip()]
    for row in rows:
        kind = _paint(row[0].ljust(widths[0]), row[0], color)
        rest = "  ".join(cell.ljust(w) for cell, w in zip(row[1:], widths[1:], strict=True))
        lines.append(f"{indent}{kind}  {rest}".rstrip())
    return lines


def _counts(changes: Iterable[Change]) -> str:
    counted = {"added": 0, "removed": 0, "changed": 0}
    total = 0
    for change in changes:
        counted[change.kind] += 1
        total += 1
    parts = ", ".join(f"{n} {kind}" for kind, n in counted.items() if n)
    return f"{total} change{'s' if total != 1 else ''} ({parts})"


def render_text(result: HardwareDiff, *, color: bool = False) -> str:
    """The diff as tables for people: one per compared system and profile that changed."""
    lines: list[str] = []
    if result.a or result.b:
        lines += [f"--- {result.a or '(a)'}", f"+++ {result.b or '(b)'}"]
    lines += [f"note: {note}" for note in result.notes]
    if result.same:
        compared = len(result.compared)
        lines.append(
            f"hardware is the same ({compared} system/profile scope{'s' if compared != 1 else ''} compared)"
        )
        return "\n".join(lines) + "\n"
    descriptor = result.descriptor_changes
    if descriptor:
        lines.append(_paint("descriptor:", "heading", color))
        lines += _table(descriptor, color)
    for group in result.systems:
        if group.same:
            continue
        lines.append(_paint(_scope_title(group.scope) + ":", "heading", color))
        lines += _table(group.changes, color)
    lines.append(_counts(result.changes))
    return "\n".join(lines) + "\n"


def _escape_md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")


def _md(text: str | None) -> str:
    return _escape_md(_cell(text))


def _md_table(changes: list[Change]) -> list[str]:
    lines = ["| Change | Device | Field | Old | New |", "|---|---|---|---|---|"]
    for change in changes:
        cells = (change.kind, change.device, change.field, change.old_text, change.new_text)
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return lines


def render_markdown(result: HardwareDiff, *, level: int = 2) -> str:
    """The diff as Markdown: a heading and a table per compared system and profile that changed."""
    hashes = "#" * level
    lines = [f"{hashes} Hardware diff: `{_md(result.a or 'a')}` → `{_md(result.b or 'b')}`", ""]
    if result.notes:
        lines += [*(f"> Note: {_escape_md(note)}" for note in result.notes), ""]
    if result.same:
        lines.append("The hardware is the same.")
        return "\n".join(lines) + "\n"
    if result.descriptor_changes:
        lines += [f"{hashes}# Descriptor", "", *_md_table(result.descriptor_changes), ""]
    for group in result.systems:
        if not group.same:
            lines += [f"{hashes}# {_md(_scope_title(group.scope))}", "", *_md_table(group.changes), ""]
    lines.append(_counts(result.changes) + ".")
    return "\n".join(lines) + "\n"


def render_json(result: HardwareDiff | SnapshotChainDiff) -> str:
    """The diff as JSON (``{"changes": [{"kind", "device", "field", "old", "new", ...}], ...}``)."""
    return json.dumps(result.model_dump(mode="json", by_alias=True), indent=2, ensure_ascii=False) + "\n"


def _snapshot_line(info: SnapshotInfo) -> str:
    line = f"  {info.label}"
    if info.note:
        line += f" — {info.note}"
    return line


def _step_title(step: SnapshotStep) -> str:
    title = f"{step.from_snapshot.label} → {step.to_snapshot.label}"
    if step.skipped:
        title += f" (skipping {', '.join(s.id[:8] for s in step.skipped)}: no configuration)"
    return title


def render_snapshots(result: SnapshotChainDiff, fmt: str = "text", *, color: bool = False) -> str:
    """A snapshot chain diff in ``text``, ``markdown`` or ``json``."""
    if fmt == "json":
        return render_json(result)
    if fmt == "markdown":
        lines = [f"## Hardware along the snapshots of `{_md(result.source or 'the VM')}`", ""]
        lines += [f"- {_md(_snapshot_line(s).strip())}" for s in result.snapshots] + [""]
        for step in result.steps:
            lines += [f"### {_md(_step_title(step))}", ""]
            groups = [g for g in step.diff.systems if not g.same]
            if step.diff.descriptor_changes:
                groups_changes = [step.diff.descriptor_changes, *(g.changes for g in groups)]
            else:
                groups_changes = [g.changes for g in groups]
            if not groups_changes:
                lines += ["No hardware change.", ""]
            for changes in groups_changes:
                lines += [*_md_table(changes), ""]
        return "\n".join(lines) + "\n"
    lines = [_paint(f"snapshots of {result.source or 'the VM'}, oldest first:", "heading", color)]
    lines += [_snapshot_line(s) for s in result.snapshots]
    for step in result.steps:
        lines.append("")
        lines.append(_paint(_step_title(step) + ":", "heading", color))
        if step.same:
            lines.append("  no hardware change")
            continue
        changes = step.diff.changes
        lines += _table(changes, color)
        lines.append("  " + _counts(changes))
    return "\n".join(lines) + "\n"


def render(result: HardwareDiff, fmt: str = "text", *, color: bool = False) -> str:
    """A two-descriptor diff in one of ``FORMATS``."""
    if fmt == "json":
        return render_json(result)
    if fmt == "markdown":
        return render_markdown(result)
    if fmt == "text":
        return render_text(result, color=color)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
