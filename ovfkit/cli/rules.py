"""``ovfkit rules [CODE]``: list the validation rule catalogue, or print one rule's page."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ovfkit.cli import exitcodes

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``rules`` subcommand."""
    parser = subparsers.add_parser(
        "rules",
        help="list the validation rules, or explain one",
        description="Without CODE, list every rule: code, name, default severity and summary. With CODE "
        "(R101), print that rule's page: what it checks, why, an example, the fix and the reference.",
    )
    parser.add_argument("code", nargs="?", metavar="CODE", help="a rule code such as R101")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``ovfkit rules``."""
    from ovfkit.validate.docs import rule_page
    from ovfkit.validate.registry import FAMILIES, all_rules, get_rule

    if args.code:
        entry = get_rule(args.code)
        if args.format == "json":
            data = _rule_dict(entry)
            data["page"] = rule_page(entry.code)
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
        else:
            sys.stdout.write(rule_page(entry.code))
        return exitcodes.OK
    rules = all_rules()
    if args.format == "json":
        sys.stdout.write(json.dumps([_rule_dict(r) for r in rules], indent=2) + "\n")
        return exitcodes.OK
    width = max(len(r.name) for r in rules)
    lines: list[str] = []
    family = None
    for entry in rules:
        if entry.family != family:
            family = entry.family
            if lines:
                lines.append("")
            lines.append(f"{family}: {FAMILIES[family]}")
        lines.append(f"  {entry.code}  {entry.name:<{width}}  {entry.severity.value:<7}  {entry.summary}")
    sys.stdout.write("\n".join(lines) + "\n")
    return exitcodes.OK


def _rule_dict(entry: Any) -> dict[str, Any]:
    return {
        "code": entry.code,
        "name": entry.name,
        "severity": entry.severity.value,
        "family": entry.family_title,
        "summary": entry.summary,
    }
