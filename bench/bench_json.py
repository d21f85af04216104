"""Benchmark the JSON form: ``python -m bench.bench_json [--items N] [--repeats N]``.

OVF -> JSON text (``to_json`` of a loaded model) and JSON -> model (``from_json``) on the generated
descriptor, as ratios to ``lxml.etree.fromstring`` of the same XML bytes, timed alternately with it
(medians of the per-repeat ratios). The indented lines break them down: ``to_json`` pretty-printed,
and where ``from_json`` spends its time:
the strict pydantic validation, the scan for characters XML cannot carry, and the XML writability and
``Limits`` check. The two reference lines write and validate the same document with no layout at all
(every ``xml`` left out, which loses how the XML was written): what the typed data alone costs, the
most any encoding of the layout could save.
"""

from __future__ import annotations

import argparse
import gc
import json
from pathlib import Path

import ovfkit
from bench.common import measure, raw_parse
from bench.generate import descriptor
from ovfkit.convert import _adapter, check_writable, from_json, to_json, to_summary
from ovfkit.convert_check import may_hold_illegal_characters
from ovfkit.model.base import READING_LAYOUTS, LayoutTable

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "corpus" / "ovirt" / "rhv-rest-api-guide-snapshot-all-content.ovf"


def _validate_only(text: str) -> object:
    """Strict pydantic validation alone, with the collector off as ``from_json`` has it."""
    gc.disable()
    token = READING_LAYOUTS.set(LayoutTable())
    try:
        return _adapter().validate_json(text, strict=True)
    finally:
        READING_LAYOUTS.reset(token)
        gc.enable()


def _without_layout(data: object) -> object:
    """JSON data with every ``xml`` key left out (a reference only: the XML layout is lost)."""
    if isinstance(data, dict):
        return {key: _without_layout(value) for key, value in data.items() if key not in ("xml", "layouts")}
    if isinstance(data, list):
        return [_without_layout(value) for value in data]
    return data


def main() -> None:
    """Print the benchmark report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--disks", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    data = descriptor(args.items, args.disks)
    model = ovfkit.loads(data)
    assert isinstance(model, ovfkit.Envelope)
    text = to_json(model)
    read_back = from_json(text)
    print(
        f"generated descriptor: {args.items} Items, {args.disks} Disks, {len(data):,} bytes of XML, "
        f"{len(text):,} bytes of JSON"
    )
    floor = lambda: raw_parse(data)  # noqa: E731
    results = [
        measure("OVF -> JSON text (to_json, loaded)", lambda: to_json(model), floor, args.repeats, 1.5),
        measure("  to_json(indent=2)", lambda: to_json(model, indent=2), floor, args.repeats),
        measure("JSON -> model (from_json)", lambda: from_json(text), floor, args.repeats, 4.0),
        measure("  of which strict validation", lambda: _validate_only(text), floor, args.repeats),
        measure(
            "  of which the character scan", lambda: may_hold_illegal_characters(text), floor, args.repeats
        ),
        measure(
            "  of which the writability and limits check",
            lambda: check_writable(read_back, scan_characters=False, text=text),
            floor,
            args.repeats,
        ),
        measure("summary (to_summary)", lambda: to_summary(model), floor, args.repeats),
    ]
    # Built after the measurements above, so that they run in the same memory state as without them.
    bare_text = json.dumps(_without_layout(json.loads(text)), ensure_ascii=False, separators=(",", ":"))
    bare_model = _validate_only(bare_text).document  # type: ignore[attr-defined]
    results.append(
        measure("reference: to_json, no layout at all", lambda: to_json(bare_model), floor, args.repeats)
    )
    results.append(
        measure(
            "reference: validation, no layout at all", lambda: _validate_only(bare_text), floor, args.repeats
        )
    )
    if SEED.is_file():
        seed = SEED.read_bytes()
        seed_model = ovfkit.loads(seed)
        seed_text = to_json(seed_model)
        seed_floor = lambda: raw_parse(seed)  # noqa: E731
        results.append(
            measure(f"to_json {SEED.name}", lambda: to_json(seed_model), seed_floor, args.repeats * 20)
        )
        results.append(
            measure(f"from_json {SEED.name}", lambda: from_json(seed_text), seed_floor, args.repeats * 20)
        )
    for result in results:
        print(result.line())


if __name__ == "__main__":
    main()
