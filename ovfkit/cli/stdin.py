"""Standard input for the commands that take ``-``: read up to the size limit, never to the end."""

from __future__ import annotations

import sys

from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits, read_source

__all__ = ["STDIN", "read_stdin"]

#: The name standard input goes by in messages and reports.
STDIN = "<stdin>"


def read_stdin(limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes on standard input; more than ``limits.max_bytes`` is an ``OvfSecurityError``."""
    data, _ = read_source(sys.stdin.buffer, limits, name=STDIN)
    return data
