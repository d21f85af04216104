#!/usr/bin/env python3
"""atheris harness: ovfkit.loads (bytes, str, file object), the lossless round trip, the JSON form and diff.

Run it as ``fuzz/README.md`` says, e.g. ``python fuzz/fuzz_load.py -max_total_time=60 CORPUS_DIR``.
"""

from __future__ import annotations

import harness

harness.import_instrumented()

import targets  # noqa: E402

if __name__ == "__main__":
    harness.run(targets.load_target)
