"""``ovfkit snapshots SOURCE``: an oVirt VM's snapshots, oldest first, each with its hardware summary.

SOURCE is an oVirt REST API response (``GET .../vms/{id}/snapshots`` or ``.../snapshots/{id}``,
XML or JSON, API v3 or v4, with or without ``All-Content: true``), a full VM OVF with a
SnapshotsSection, or ``-`` for stdin. A snapshot without a configuration is listed with no
hardware (JSON ``"hardware": null``). Dates are printed in ISO 8601, in UTC.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ovfkit.cli import exitcodes

if TYPE_CHECKING:
    from ovfkit.ovirt.snapshots import Snapshot

__all__ = ["register", "run", "snapshot_record"]


def register(subparsers: Any) -> None:
    """Add the ``snapshots`` subcommand."""
    parser = subparsers.add_parser(
        "snapshots",
        help="list an oVirt VM's snapshots with their hardware (REST API XML/JSON or VM OVF)",
        description="List the snapshots of an oVirt/RHV VM, oldest first, with each one's hardware. "
        "SOURCE is a REST API response (GET .../vms/{id}/snapshots, with All-Content: true for the "
        "hardware; XML or JSON, API v3 or v4), a single snapshot, or a full VM OVF with a "
        "SnapshotsSection.",
        epilog="Exit codes: 0 listed, 2 unreadable or malformed input.",
    )
    parser.add_argument("source", metavar="SOURCE", help="a REST API response or VM OVF file, or - for stdin")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.set_defaults(run=run)


def snapshot_record(snapshot: Snapshot) -> dict[str, Any]:
    """The JSON object ``ovfkit snapshots --format json`` prints for one snapshot."""
    hardware = snapshot.hardware()
    return {
        "id": snapshot.id,
        "type": snapshot.type.value if snapshot.type is not None else None,
        "date": _iso(snapshot.date),
        "description": snapshot.description,
        "status": snapshot.status.value if snapshot.status is not None else None,
        "persist_memorystate": snapshot.persist_memorystate,
        "hardware": hardware.model_dump(mode="json") if hardware is not None else None,
    }


def _iso(value: datetime | None) -> str | None:
    """An aware datetime as ISO 8601 in UTC, with milliseconds only when it has them."""
    if value is None:
        return None
    utc = value.astimezone(timezone.utc)
    if not utc.microsecond:
        return utc.isoformat(timespec="seconds")
    return utc.isoformat(timespec="milliseconds" if utc.microsecond % 1000 == 0 else "microseconds")


def _size(value: int | None) -> str:
    from ovfkit.units import format_bytes

    return format_bytes(value) if value is not None else "?"


def _render_text(records: list[dict[str, Any]], source: str) -> str:
    if not records:
        return f"no snapshots in {source}"
    lines: list[str] = []
    for record in records:
        memory = ", with memory" if record["persist_memorystate"] else ""
        status = f" [{record['status']}]" if record["status"] else ""
        lines.append(
            f"Snapshot {record['id']}  {record['type'] or '?'}  {record['date'] or 'no date'}{status}{memory}"
        )
        if record["description"]:
            lines.append(f"  Description: {record['description']}")
        hw = record["hardware"]
        if hw is None:
            lines.append("  Hardware: (no configuration)")
            continue
        cpus = str(hw["cpus"]) if hw["cpus"] is not None else "?"
        if hw["cores_per_socket"]:
            cpus += f" ({hw['cores_per_socket']} per socket)"
        lines.append(f"  Name:     {hw['name'] or '-'}   OS: {hw['os'] or '-'}")
        lines.append(f"  CPUs:     {cpus}")
        lines.append(f"  Memory:   {_size(hw['memory_bytes'])}")
        for disk in hw["disks"]:
            where = ", ".join(x for x in (disk["interface"], disk["address"]) if x)
            lines.append(
                f"  Disk:     {disk['name'] or disk['id']}  {_size(disk['capacity_bytes'])}"
                + (f"  on {where}" if where else "")
                + (f"  ({disk['file']})" if disk["file"] else "")
            )
        for nic in hw["nics"]:
            details = ", ".join(x for x in (nic["adapter"], nic["mac"]) if x)
            lines.append(
                f"  NIC:      {nic['name'] or nic['id']}  on {nic['network'] or '-'}"
                + (f"  ({details})" if details else "")
            )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run ``ovfkit snapshots``."""
    from ovfkit.ovirt.rest import load_snapshots
    from ovfkit.ovirt.snapshots import oldest_first

    if args.source == "-":
        from ovfkit.cli.stdin import STDIN, read_stdin

        source: Any = read_stdin()
        name = STDIN
    else:
        source = name = args.source
    snapshots = oldest_first(load_snapshots(source))
    records = [snapshot_record(snapshot) for snapshot in snapshots]
    if args.format == "json":
        json.dump(records, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_render_text(records, name) + "\n")
    return exitcodes.OK
