"""``ovfkit show FILE``: a readable summary of a descriptor, like ovftool's probe mode, or JSON.

The text display is for a terminal: every value taken from the document has its control and
invisible characters escaped (a descriptor cannot move the cursor or hide text) and is cut after
``MAX_VALUE_CHARS`` characters with a marker saying how many were left out. ``--format json``
prints every value whole.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from typing import Any

from ovfkit.cli import exitcodes

__all__ = ["MAX_VALUE_CHARS", "register", "render_text", "shown", "summary"]

#: The most characters of one value the text display shows; the rest is replaced by a marker.
MAX_VALUE_CHARS = 200
#: The same for a reader warning (a sentence that may quote the document).
MAX_WARNING_CHARS = 500

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def register(subparsers: Any) -> None:
    """Add the ``show`` subcommand."""
    parser = subparsers.add_parser(
        "show",
        help="summarize a descriptor (.ovf, .ova or ovf-env.xml)",
        description="Print the OVF version, dialect, product, files, disks, networks, profiles, "
        "properties and each virtual system's hardware. The text display cuts values longer than "
        f"{MAX_VALUE_CHARS} characters and escapes control characters; --format json shows them whole.",
    )
    parser.add_argument("file", help="an .ovf or .ova file, an OVF environment document, or - for stdin")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument(
        "--profile", help="deployment option to show the hardware of (default: the default one)"
    )
    parser.set_defaults(run=run)


def _load(path: str) -> Any:
    import ovfkit

    if path == "-":
        from ovfkit.cli.stdin import STDIN, read_stdin

        return ovfkit.loads(read_stdin(), source=STDIN)
    return ovfkit.load(path)


def summary(model: Any, profile: str | None = None) -> dict[str, Any]:
    """The data ``ovfkit show --format json`` prints, for a loaded descriptor or environment."""
    from ovfkit.summary import summary_data

    return summary_data(model, profile)


def _escaped(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable() or unicodedata.category(char) == "Zs":
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``value`` as the text display shows it: control and invisible characters escaped (as in a
    Python literal), cut after ``limit`` characters with ``[... N more characters]``.
    """
    text = value if isinstance(value, str) else str(value)
    kept = text[:limit]
    if not kept.isprintable():
        kept = "".join(_escaped(char) for char in kept)
    if len(text) > limit:
        kept += f" [... {len(text) - limit:,} more characters]"
    return kept


def _size(value: int | None) -> str:
    from ovfkit.units import format_bytes

    return format_bytes(value) if value is not None else "?"


def _format_name(url: str | None) -> str:
    """The short name of a disk format URL: ``streamOptimized``, ``qcow-image-format.html``."""
    if not url:
        return "-"
    if "#" in url:
        return url.rpartition("#")[2] or url
    return url.rstrip("/").rpartition("/")[2] or url


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    if not rows:
        return []
    rows = [[shown(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def render_text(data: dict[str, Any]) -> str:
    """The text form of a ``summary``."""
    lines: list[str] = []
    if data["kind"] == "environment":
        for_id = f" for '{shown(data['id'])}'" if data["id"] else ""
        lines.append(f"OVF environment{for_id}")
        if data["platform"]:
            platform = {k: v for k, v in data["platform"].items() if v is not None}
            lines.append("Platform: " + ", ".join(f"{k} {shown(v)}" for k, v in platform.items()))
        lines.append("Properties:")
        lines.extend(_table([[k, v] for k, v in data["properties"].items()]) or ["  (none)"])
        return "\n".join(lines)
    lines.append(f"OVF version:  {shown(data['ovf_version'])}")
    lines.append(f"Dialect:      {data['dialect']}")
    for product in data["products"]:
        version = product["version"] or (product["full_version"] or "").strip().partition("\n")[0]
        parts = [p for p in (product["product"], version) if p]  # a long FullVersion: its first line
        if parts or product["vendor"]:
            lines.append(f"Product:      {' '.join(shown(part) for part in parts) or '-'}")
            if product["vendor"]:
                lines.append(f"Vendor:       {shown(product['vendor'])}")
    if data["files"]:
        lines.append("Files:")
        lines.extend(
            _table(
                [["ID", "Size", "Href"]]
                + [[f["id"] or "-", _size(f["size"]), f["href"] or "-"] for f in data["files"]]
            )
        )
    if data["disks"]:
        lines.append("Disks:")
        lines.extend(
            _table(
                [["ID", "Capacity", "File", "Format"]]
                + [
                    [
                        d["id"] or "-",
                        _size(d["capacity_bytes"])
                        if d["capacity_bytes"] is not None
                        else (d["capacity"] or "?"),
                        d["file"] or "-",
                        _format_name(d["format"]),
                    ]
                    for d in data["disks"]
                ]
            )
        )
    if data["networks"]:
        lines.append("Networks:")
        lines.extend(_table([[n["name"] or "-", n["description"] or ""] for n in data["networks"]]))
    if data["profiles"]:
        lines.append("Deployment options:")
        lines.extend(
            _table(
                [
                    [p["id"] or "-", "(default)" if p["default"] else "", p["label"] or ""]
                    for p in data["profiles"]
                ]
            )
        )
    for system in data["systems"]:
        hw = system["hardware"]
        title = f"Virtual system '{shown(system['id'])}'" if system["id"] else "Virtual system"
        if system["name"] and system["name"] != system["id"]:
            title += f" ({shown(system['name'])})"
        if hw["profile"]:
            title += f", profile '{shown(hw['profile'])}'"
        lines.append(title + ":")
        lines.append(f"  OS:       {shown(hw['os'] or '-')}")
        cpus = str(hw["cpus"]) if hw["cpus"] is not None else "?"
        if hw["cores_per_socket"]:
            cpus += f" ({hw['cores_per_socket']} per socket)"
        lines.append(f"  CPUs:     {cpus}")
        lines.append(f"  Memory:   {_size(hw['memory_bytes'])}")
        for disk in hw["disks"]:
            where = ", ".join(shown(x) for x in (disk["controller"], disk["address"]) if x)
            lines.append(
                f"  Disk:     {shown(disk['name'] or disk['id'])}  {_size(disk['capacity_bytes'])}"
                + (f"  on {where}" if where else "")
            )
        for nic in hw["nics"]:
            details = ", ".join(shown(x) for x in (nic["adapter"], nic["mac"]) if x)
            lines.append(
                f"  NIC:      {shown(nic['name'] or nic['id'])}  on {shown(nic['network'] or '-')}"
                + (f"  ({details})" if details else "")
            )
        for controller in hw["controllers"]:
            lines.append(
                f"  Bus:      {shown(controller['type'])}  {shown(controller['name'] or controller['id'])}"
                + (f" ({shown(controller['model'])})" if controller["model"] else "")
            )
        lines.append(f"  Items:    {len(hw['devices'])}")
    if data["properties"]:
        lines.append("Properties:")
        lines.extend(
            _table(
                [["Key", "Type", "Default", "Label"]]
                + [
                    [p["key"], p["type"] or "-", p["default"] or "", p["label"] or ""]
                    for p in data["properties"]
                ]
            )
        )
    for warning in data["warnings"]:
        lines.append(f"warning: {shown(warning, MAX_WARNING_CHARS)}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run ``ovfkit show``."""
    model = _load(args.file)
    data = summary(model, args.profile)
    if args.format == "json":
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(data) + "\n")
    return exitcodes.OK
