#!/usr/bin/env python3
"""atheris harness: ovfkit.from_json on mutated JSON: only OvfError, and what it accepts can be written.

Run it as ``fuzz/README.md`` says, e.g. ``python fuzz/fuzz_json.py -max_total_time=60 CORPUS_DIR``.
"""

from __future__ import annotations

import harness

harness.import_instrumented()

import targets  # noqa: E402

if __name__ == "__main__":
    harness.run(targets.json_target)
