#!/usr/bin/env python3
"""atheris harness: the reader's compiled layouts against its general reader (differential).

Run it as ``fuzz/README.md`` says, e.g. ``python fuzz/fuzz_layouts.py -max_total_time=60 CORPUS_DIR``.
"""

from __future__ import annotations

import harness

harness.import_instrumented()

import targets  # noqa: E402

if __name__ == "__main__":
    harness.run(targets.layouts_target)
