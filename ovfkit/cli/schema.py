"""``ovfkit schema json|list|coverage``: the JSON Schema, the bundled XSDs, and the model's XSD coverage."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ovfkit.cli import exitcodes
from ovfkit.cli.convert import spaces

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``schema`` subcommand and its three actions."""
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema, list the bundled XSDs, or show the model's XSD coverage",
        description="Schemas ovfkit knows: the JSON Schema of its JSON form (json), the bundled DMTF XSDs "
        "(list), and which XSD attributes and elements the model types and which it keeps as generic nodes "
        "(coverage).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    json_parser = actions.add_parser("json", help="print the JSON Schema (draft 2020-12) of the JSON form")
    json_parser.add_argument("--indent", type=spaces, default=2, metavar="N", help="indentation (default 2)")
    list_parser = actions.add_parser("list", help="list the bundled XSDs with their versions and namespaces")
    list_parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    coverage_parser = actions.add_parser(
        "coverage",
        help="which XSD attributes and elements the model types, and which it keeps generic",
        description="Compare the model with the bundled XSDs. Exit code 1 when the model drifts from them.",
    )
    coverage_parser.add_argument(
        "--schema",
        action="append",
        metavar="KEY",
        help="a bundled schema key (see 'ovfkit schema list'); repeatable; default: the envelope 1.1.1 and "
        "2.0.1 and the environment 1.1.0 schemas",
    )
    coverage_parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(run=run)


def _print_json(data: Any, indent: int | None) -> None:
    json.dump(data, sys.stdout, indent=indent, ensure_ascii=False)
    sys.stdout.write("\n")


def _list(args: argparse.Namespace) -> int:
    from ovfkit.schema import BUNDLED

    rows = [
        {
            "key": schema.key,
            "version": schema.folder,
            "namespace": schema.namespace,
            "file": f"{schema.folder}/{schema.filename}",
            "title": schema.title,
        }
        for schema in BUNDLED.values()
    ]
    if args.format == "json":
        _print_json(rows, 2)
        return exitcodes.OK
    header = {"key": "KEY", "version": "VERSION", "namespace": "NAMESPACE", "title": "TITLE"}
    table = [header, *rows]
    widths = {column: max(len(row[column]) for row in table) for column in header}
    for row in table:
        sys.stdout.write("  ".join(row[c].ljust(widths[c]) for c in header).rstrip() + "\n")
    return exitcodes.OK


def _coverage(args: argparse.Namespace) -> int:
    from ovfkit.errors import OvfError
    from ovfkit.schema import BUNDLED
    from ovfkit.schema.coverage import DEFAULT_SCHEMAS, DEVIATIONS, coverage

    keys = tuple(args.schema or DEFAULT_SCHEMAS)
    for key in keys:
        if key not in BUNDLED:
            raise OvfError(f"no bundled schema {key!r}; see 'ovfkit schema list'")
    report = coverage(keys)
    if args.format == "json":
        _print_json(
            {
                "schemas": list(keys),
                "types": [
                    {
                        "schema": item.schema,
                        "xsd_type": item.xsd_type,
                        "model": item.model,
                        "typed": {m.name: m.field for m in item.typed},
                        "generic": [m.name for m in item.generic],
                        "model_only": list(item.model_only),
                    }
                    for item in report.types
                ],
                "drift": [str(d) for d in report.drift],
                "deviations": [
                    {"model": model, "field": field, "reason": reason}
                    for (model, field), reason in DEVIATIONS.items()
                ],
            },
            2,
        )
        return exitcodes.FINDINGS if report.drift else exitcodes.OK
    out: list[str] = []
    typed_total = generic_total = 0
    for key in keys:
        out.append(f"{key}  ({BUNDLED[key].title})")
        for item in (t for t in report.types if t.schema == key):
            typed = [m.name for m in item.typed]
            generic = [m.name for m in item.generic]
            typed_total += len(typed)
            generic_total += len(generic)
            out.append(f"  {item.xsd_type} -> {item.model}: {len(typed)} typed, {len(generic)} generic")
            out.append("    typed:   " + (", ".join(typed) or "-"))
            out.append("    generic: " + (", ".join(generic) or "-"))
            if item.model_only:
                out.append(
                    "    model only (not in this XSD version, or a deviation): " + ", ".join(item.model_only)
                )
    out.append("Deliberate deviations:")
    for (model, field), reason in DEVIATIONS.items():
        out.append(f"  {model}.{field}: {reason}")
    for drift in report.drift:
        out.append(f"drift: {drift}")
    out.append(
        f"{len(report.types)} type comparisons: {typed_total} XSD attributes and elements typed, "
        f"{generic_total} kept generic; " + (f"{len(report.drift)} drift" if report.drift else "no drift")
    )
    sys.stdout.write("\n".join(out) + "\n")
    return exitcodes.FINDINGS if report.drift else exitcodes.OK


def run(args: argparse.Namespace) -> int:
    """Run ``ovfkit schema``."""
    if args.action == "json":
        from ovfkit.convert import json_schema

        _print_json(json_schema(), args.indent or None)
        return exitcodes.OK
    if args.action == "list":
        return _list(args)
    return _coverage(args)
