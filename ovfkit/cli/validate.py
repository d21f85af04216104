"""``ovfkit validate PATH...``: check descriptors (and OVA packages) with the DMTF XSD and the rule catalogue.

Exit 0 when no input has an error (warnings allowed), 1 when any input has one (an unreadable,
not-OVF or hostile file counts), 2 for usage errors, missing files or an internal failure.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ovfkit.cli import exitcodes

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help="check descriptors against the DMTF XSD and the semantic rules",
        description="Validate OVF descriptors (.ovf, .ova, ovf-env.xml) with the bundled DMTF XSD and the "
        "rule catalogue (`ovfkit rules` lists it). Exit 0: no errors (warnings allowed); 1: errors found; "
        "2: usage error, missing file or internal failure.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files to check; - reads one from stdin")
    parser.add_argument(
        "--profile",
        choices=("strict", "relaxed", "ovirt"),
        default="relaxed",
        help="strict: the DMTF XSD as written; relaxed (default): DSP0243's extension allowance; "
        "ovirt: the oVirt flavour",
    )
    parser.add_argument("--select", metavar="CODES", help="only these rule codes or prefixes (R101,S,H1)")
    parser.add_argument("--ignore", metavar="CODES", help="leave out these rule codes or prefixes")
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="text (default), json (a list of diagnostics), sarif (2.1.0) or github (workflow annotations)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``ovfkit validate``."""
    from ovfkit.cli.stdin import STDIN
    from ovfkit.errors import OvfError
    from ovfkit.validate.api import validate
    from ovfkit.validate.registry import select_codes
    from ovfkit.validate.reporters import render

    select_codes(args.select, args.ignore)  # a bad code is a usage error before any file is read
    reports = []
    failures: list[tuple[str, str]] = []
    for path in args.paths:
        try:
            if path == "-":
                # a file object: read up to the size limit, not to the end; too much is an X002 finding
                report = validate(sys.stdin.buffer, args.profile, args.select, args.ignore, name=STDIN)
            else:
                report = validate(path, args.profile, args.select, args.ignore)
        except OvfError as exc:
            print(f"ovfkit: error: {exc}", file=sys.stderr)
            failures.append((path, str(exc)))
            continue
        reports.append(report)
    sys.stdout.write(render(reports, args.format, failures))
    if failures:
        return exitcodes.ERROR
    return exitcodes.FINDINGS if any(not r.ok for r in reports) else exitcodes.OK
