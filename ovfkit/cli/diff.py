"""``ovfkit diff A B``: what changed in the hardware between two descriptors, or along oVirt snapshots.

``ovfkit diff A B [--format text|json|markdown] [--system ID] [--profile ID]`` compares two
descriptors; ``ovfkit diff --snapshots SOURCE [--from ID] [--to ID]`` walks an oVirt VM's snapshots
(a REST API document with All-Content, XML or JSON, or a full VM OVF). Exit codes follow diff(1):
0 the hardware is the same, 1 it differs, 2 usage or input error. Colour only on a terminal, never
when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ovfkit.cli import exitcodes

__all__ = ["register", "run", "use_color"]


def register(subparsers: Any) -> None:
    """Add the ``diff`` subcommand."""
    parser = subparsers.add_parser(
        "diff",
        help="compare the hardware of two descriptors, or along an oVirt VM's snapshots",
        description="Compare the virtual hardware of two descriptors (CPUs, memory, firmware, disks, "
        "NICs, controllers, ...), matching devices by stable identity: Item order, address key order, "
        "whitespace, prefixes, lexical forms and units are not changes. With --snapshots, compare "
        "each snapshot of an oVirt VM with the next, ending at the active configuration.",
        epilog="Exit codes: 0 the hardware is the same, 1 it differs, 2 usage or input error.",
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="the old and the new descriptor (- for stdin)"
    )
    parser.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format (default text)"
    )
    parser.add_argument("--system", metavar="ID", help="compare only this virtual system (ovf:id)")
    parser.add_argument("--profile", metavar="ID", help="compare only under this deployment option")
    parser.add_argument(
        "--snapshots",
        metavar="SOURCE",
        help="an oVirt REST API snapshots document (XML or JSON, All-Content) or a full VM OVF",
    )
    parser.add_argument(
        "--from", dest="from_id", metavar="ID", help="with --snapshots: the snapshot to start at"
    )
    parser.add_argument("--to", dest="to_id", metavar="ID", help="with --snapshots: the snapshot to end at")
    parser.set_defaults(run=run)


def use_color(stream: Any = None) -> bool:
    """True when output goes to a terminal and ``NO_COLOR`` is not set (https://no-color.org)."""
    stream = sys.stdout if stream is None else stream
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _usage(message: str) -> int:
    print(f"ovfkit diff: error: {message}", file=sys.stderr)
    return exitcodes.ERROR


def _load(path: str) -> tuple[Any, str]:
    from ovfkit.diff.api import load_envelope

    if path == "-":
        from ovfkit.api import loads
        from ovfkit.cli.stdin import STDIN, read_stdin
        from ovfkit.diff.errors import OvfDiffError
        from ovfkit.model.envelope import Envelope

        model = loads(read_stdin(), source=STDIN)
        if not isinstance(model, Envelope):
            raise OvfDiffError("this is an OVF environment document, not a descriptor", source=STDIN)
        return model, STDIN
    envelope, name = load_envelope(path)
    return envelope, name or path


def run(args: argparse.Namespace) -> int:
    """Run ``ovfkit diff``; return 0 (same), 1 (different) or 2 (error)."""
    if args.snapshots is not None:
        if args.files:
            return _usage("give either --snapshots SOURCE or two files A B, not both")
        if args.system is not None:
            return _usage("--system does not apply to --snapshots (a VM has one system)")
        return _run_snapshots(args)
    if args.from_id is not None or args.to_id is not None:
        return _usage("--from and --to need --snapshots SOURCE")
    if len(args.files) != 2:
        return _usage(f"expected two files A and B, got {len(args.files)}")
    if args.files.count("-") > 1:
        return _usage("only one side can be read from stdin (-)")
    from ovfkit.diff.api import diff_envelopes, gc_paused
    from ovfkit.diff.render import render

    with gc_paused():
        envelope_a, name_a = _load(args.files[0])
        envelope_b, name_b = _load(args.files[1])
        result = diff_envelopes(
            envelope_a, envelope_b, system=args.system, profile=args.profile, a_name=name_a, b_name=name_b
        )
    sys.stdout.write(render(result, args.format, color=args.format == "text" and use_color()))
    sys.stdout.flush()
    return exitcodes.OK if result.same else exitcodes.FINDINGS


def _run_snapshots(args: argparse.Namespace) -> int:
    from ovfkit.diff.render import render_snapshots
    from ovfkit.diff.snapshots import diff_snapshots

    source: Any = args.snapshots
    if source == "-":
        import io

        from ovfkit.cli.stdin import STDIN, read_stdin

        source = io.BytesIO(read_stdin())
        source.name = STDIN
    result = diff_snapshots(source, args.from_id, args.to_id, profile=args.profile)
    sys.stdout.write(render_snapshots(result, args.format, color=args.format == "text" and use_color()))
    sys.stdout.flush()
    return exitcodes.OK if result.same else exitcodes.FINDINGS
