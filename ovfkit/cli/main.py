"""Entry point of the ``ovfkit`` command: argument parsing, dispatch, errors and exit codes.

Each subcommand lives in its own module under ``ovfkit.cli`` with ``register(subparsers)``; heavy
libraries are imported only when a command runs, so ``ovfkit --version`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ovfkit._version import __version__
from ovfkit.cli import exitcodes

__all__ = ["main", "build_parser"]

#: Subcommand modules, in the order ``ovfkit --help`` lists them.
COMMAND_MODULES = ("show", "validate", "rules", "convert", "schema", "diff", "snapshots", "ova")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with ``exitcodes.ERROR``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(exitcodes.ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every subcommand registered."""
    parser = _Parser(
        prog="ovfkit",
        description="Read, validate, convert and compare OVF descriptors and OVA packages.",
        epilog="Exit codes: 0 ok, 1 findings or differences, 2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=f"ovfkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"ovfkit.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ovfkit.cli.{name}":
                continue  # a command of this list that this build does not have yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ovfkit`` command and return its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list in (["--version"], ["-V"]):
        print(f"ovfkit {__version__}")
        return exitcodes.OK
    # The command line uses no pydantic plugins; looking for them scans every installed package's
    # metadata on the first model build (tens of milliseconds of cold start).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return exitcodes.ERROR
    from ovfkit.errors import OvfError

    try:
        code: int = args.run(args)
        return code
    except OvfError as exc:
        print(f"ovfkit: error: {exc}", file=sys.stderr)
        return exitcodes.ERROR
    except KeyboardInterrupt:
        print("ovfkit: interrupted", file=sys.stderr)
        return exitcodes.ERROR
    except BrokenPipeError:
        # The reader of our output went away (``ovfkit show x | head``): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exitcodes.OK
    except Exception as exc:  # an internal failure: one line, no traceback unless asked for
        if os.environ.get("OVFKIT_DEBUG"):
            raise
        print(
            f"ovfkit: internal error: {type(exc).__name__}: {str(exc)[:300]} "
            "(set OVFKIT_DEBUG=1 for a traceback, and please report it)",
            file=sys.stderr,
        )
        return exitcodes.ERROR


def run() -> None:
    """Console-script entry: exit with ``main()``'s code."""
    sys.exit(main())
