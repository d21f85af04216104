"""``ovfkit convert INPUT [-o OUTPUT] [--to json|ovf|summary]``: OVF to JSON and back, or a summary."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ovfkit.cli import exitcodes

__all__ = ["register", "run", "spaces"]

_JSON_SUFFIXES = (".json",)
_XML_SUFFIXES = (".ovf", ".xml")


def register(subparsers: Any) -> None:
    """Add the ``convert`` subcommand."""
    parser = subparsers.add_parser(
        "convert",
        help="convert OVF to JSON and back, or summarize as JSON",
        description="Convert an OVF descriptor (.ovf, .ova, ovf-env.xml) to ovfkit's lossless JSON form "
        "or to a compact summary, or JSON back to OVF. The input's form is recognized from its content; "
        "the output form is --to, else the output file's extension, else the other form of the input. "
        "See docs/json.md.",
        epilog="Exit codes: 0 converted, 2 unreadable input (bad JSON: with its JSON path) or usage error.",
    )
    parser.add_argument("input", help="an .ovf, .ova, .xml or .json file, or - for stdin")
    parser.add_argument(
        "-o", "--output", default="-", help="the file to write, or - for stdout (the default)"
    )
    parser.add_argument(
        "--to",
        choices=("json", "ovf", "summary"),
        help="output form: json (lossless), ovf (XML) or summary (people and dashboards)",
    )
    parser.add_argument(
        "--indent",
        type=spaces,
        default=2,
        metavar="N",
        help="JSON indentation in spaces (default 2; 0: one line)",
    )
    parser.add_argument("--profile", help="deployment option whose hardware the summary shows")
    parser.set_defaults(run=run)


def spaces(text: str) -> int:
    """An ``--indent`` value: a number of spaces, 0 or more (argparse reports anything else)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _output_form(args: argparse.Namespace, input_is_json: bool) -> str:
    if args.to:
        return str(args.to)
    output = args.output.lower()
    if output.endswith(_JSON_SUFFIXES):
        return "json"
    if output.endswith(_XML_SUFFIXES):
        return "ovf"
    return "ovf" if input_is_json else "json"


def _looks_like_json(data: bytes) -> bool:
    """JSON starts with ``{`` or ``[`` (after a UTF-8 BOM and whitespace); XML starts otherwise."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return head[:1] in (b"{", b"[")


def _read(path: str) -> tuple[Any, bool]:
    """Load the input through the hardened paths: (model, whether it was JSON)."""
    import ovfkit
    from ovfkit.convert import JSON_SIZE_FACTOR, from_json
    from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits, read_source

    if path != "-" and path.lower().endswith(".ova"):
        return ovfkit.load(path), False
    # Read up to the JSON size limit; an XML input is held to the XML limit when it is parsed.
    wide = Limits(max_bytes=DEFAULT_LIMITS.max_bytes * JSON_SIZE_FACTOR)
    if path == "-":
        from ovfkit.cli.stdin import STDIN, read_stdin

        data, name = read_stdin(wide), STDIN
    else:
        data, name = read_source(path, wide)
    if _looks_like_json(data):
        return from_json(data, source=name), True
    return ovfkit.loads(data, source=name), False


def _verify_xml(data: bytes) -> None:
    """Parse written XML back through the hardened parser: converting never emits what ovfkit refuses."""
    from ovfkit.errors import OvfParseError, OvfWriteError
    from ovfkit.xmlio.safe import parse_bytes

    try:
        parse_bytes(data, "<output>")
    except OvfParseError as exc:
        raise OvfWriteError(f"the JSON does not make a well-formed OVF document: {exc.message}") from None


def _write(target: str, data: bytes) -> None:
    from ovfkit.errors import OvfError

    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        with open(target, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise OvfError(f"cannot write the output: {exc.strerror or exc}", source=target) from None


def run(args: argparse.Namespace) -> int:
    """Run ``ovfkit convert``."""
    import json

    import ovfkit
    from ovfkit.convert import to_json, to_summary

    indent = args.indent or None
    model, input_is_json = _read(args.input)
    form = _output_form(args, input_is_json)
    if form == "ovf":
        data = ovfkit.dumps(model)
        if input_is_json:
            _verify_xml(data)
    elif form == "json":
        data = (to_json(model, indent=indent) + "\n").encode("utf-8")
    else:
        summary = to_summary(model, profile=args.profile)
        data = (json.dumps(summary, indent=indent, ensure_ascii=False) + "\n").encode("utf-8")
    _write(args.output, data)
    return exitcodes.OK
