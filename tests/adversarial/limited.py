"""Exec a command under an address-space and CPU-time cap: ``python -S limited.py BYTES SECONDS -- ARGV...``.

The test process runs a listener thread, so the caps are set here, in a fresh single-threaded
interpreter that then replaces itself with the command, rather than in a ``preexec_fn``.
"""

import os
import resource
import sys


def main(argv: list[str]) -> None:
    """Set the caps and exec the command after ``--``."""
    memory, seconds, separator, *command = argv
    if separator != "--" or not command:
        sys.exit("usage: limited.py BYTES SECONDS -- ARGV...")
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    resource.setrlimit(resource.RLIMIT_CPU, (int(seconds), int(seconds) + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
