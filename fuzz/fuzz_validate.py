#!/usr/bin/env python3
"""atheris harness: ovfkit.validate on mutated descriptors: unreadable input is a finding, never an exception.

Run it as ``fuzz/README.md`` says, e.g. ``python fuzz/fuzz_validate.py -max_total_time=60 CORPUS_DIR``.
"""

from __future__ import annotations

import harness

harness.import_instrumented()

import targets  # noqa: E402

if __name__ == "__main__":
    harness.run(targets.validate_target)
