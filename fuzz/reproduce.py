"""Run one fuzz target on saved inputs without atheris: ``python fuzz/reproduce.py load FILE...``.

Prints, per file, ``ok`` or the violation with its traceback; exits 1 when any input fails.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import targets


def main(argv: list[str]) -> int:
    """Reproduce: ``TARGET FILE...``; returns 1 when any file breaks the target's oracles."""
    if len(argv) < 2 or argv[0] not in targets.TARGETS:
        print(f"usage: reproduce.py {{{','.join(targets.TARGETS)}}} FILE...", file=sys.stderr)
        return 2
    target = targets.TARGETS[argv[0]]
    failed = False
    for name in argv[1:]:
        try:
            target(Path(name).read_bytes())
        except Exception:
            failed = True
            print(f"{name}: FAILED")
            traceback.print_exc(limit=8, file=sys.stdout)
        else:
            print(f"{name}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
