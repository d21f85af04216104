"""Run ovfkit's library entry points on adversarial inputs, each call in its own forked process.

``python tests/adversarial/runner.py SPEC.json...`` reads one spec per case (the input files, the
canary token, the time limit, the entry points) and, for each entry point, forks a child that calls
the library once under ``signal.alarm`` and reports one JSON line: ``ok`` with a few facts about the result,
``error`` with the exception's class (and whether it is an ``OvfError``), or ``crash`` with the class
of any other exception. A child that dies (memory cap, time limit) is reported as ``killed``. The
parent is started by the test under an address-space cap that every child inherits. No traceback
is ever printed: the test checks that.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ovfkit  # noqa: E402
from ovfkit.errors import OvfError  # noqa: E402

#: How much of an exception message is reported (the test checks the full length separately).
_REPORTED = 2000


def _text_of(data: bytes) -> str:
    """The input as ``str``, decoded as a caller that has text would have it."""
    for bom, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    return data.decode("utf-8", "surrogateescape")  # bytes that are not UTF-8 stay as lone surrogates


def _model_facts(model: Any, token: str) -> dict[str, Any]:
    dumped = model.model_dump_json()
    return {"model": type(model).__name__, "canary_in_model": token in dumped}


def _load_bytes(spec: dict[str, Any]) -> dict[str, Any]:
    return _model_facts(ovfkit.loads(Path(spec["input"]).read_bytes()), spec["token"])


def _load_str(spec: dict[str, Any]) -> dict[str, Any]:
    return _model_facts(ovfkit.loads(_text_of(Path(spec["input"]).read_bytes())), spec["token"])


def _load_path(spec: dict[str, Any]) -> dict[str, Any]:
    return _model_facts(ovfkit.load(spec["input"]), spec["token"])


def _load_file(spec: dict[str, Any]) -> dict[str, Any]:
    with open(spec["input"], "rb") as handle:
        return _model_facts(ovfkit.load(handle), spec["token"])


def _load_ova_member(spec: dict[str, Any]) -> dict[str, Any]:
    return _model_facts(ovfkit.load(spec["wrapped"]), spec["token"])


def _validate(spec: dict[str, Any]) -> dict[str, Any]:
    from ovfkit.validate import validate

    report = validate(spec["input"])
    return {
        "valid": report.ok,
        "codes": sorted({d.code for d in report.diagnostics}),
        "longest_message": max((len(d.message) for d in report.diagnostics), default=0),
    }


def _to_json(spec: dict[str, Any]) -> dict[str, Any]:
    from ovfkit.convert import from_json, to_json

    model = ovfkit.load(spec["input"])
    text = to_json(model)
    back = from_json(text)
    return {"same_xml": ovfkit.dumps(back) == ovfkit.dumps(model), "bytes": len(text)}


def _from_json(spec: dict[str, Any]) -> dict[str, Any]:
    from ovfkit.convert import from_json

    model = from_json(Path(spec["input"]).read_bytes())
    written = ovfkit.dumps(model)
    reloaded = True
    try:
        ovfkit.loads(written)
    except OvfError:
        reloaded = False
    return {
        **_model_facts(model, spec["token"]),
        "doctype_written": b"<!DOCTYPE" in written,
        "reloads": reloaded,
    }


def _diff(spec: dict[str, Any]) -> dict[str, Any]:
    from ovfkit.diff import diff

    result = diff(spec["good"], spec["input"])
    return {"same": result.same}


def _verify(spec: dict[str, Any]) -> dict[str, Any]:
    from ovfkit import ova

    trust = spec["trust"] if "--trust" in spec.get("verify_args", []) else None
    result = ova.verify(spec["input"], trust=trust, strict="--strict" in spec.get("verify_args", []))
    return {"valid": result.ok, "codes": sorted({f.code for f in result.findings})}


ENTRIES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "load-bytes": _load_bytes,
    "load-str": _load_str,
    "load-path": _load_path,
    "load-file": _load_file,
    "load-ova-member": _load_ova_member,
    "validate": _validate,
    "to-json": _to_json,
    "from-json": _from_json,
    "diff": _diff,
    "verify": _verify,
}


def _call(entry: str, spec: dict[str, Any]) -> dict[str, Any]:
    try:
        facts = ENTRIES[entry](spec)
    except OvfError as exc:
        message = str(exc)
        return {
            "outcome": "error",
            "type": type(exc).__name__,
            "ovf_error": True,
            "message": message[:_REPORTED],
            "message_length": len(message),
            "line": exc.line,
            "column": exc.column,
        }
    except BaseException as exc:  # what must never happen: reported, never raised
        message = str(exc)
        return {
            "outcome": "crash",
            "type": type(exc).__name__,
            "ovf_error": False,
            "message": message[:_REPORTED],
            "message_length": len(message),
        }
    return {"outcome": "ok", **facts}


def _run_child(entry: str, spec: dict[str, Any]) -> dict[str, Any]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one call, one JSON line into the pipe, then gone
        os.close(reading)
        signal.alarm(int(spec["time_limit"]))
        result = _call(entry, spec)
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(json.dumps(result).encode())
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        data = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    peak = usage.ru_maxrss * 1024
    if data:
        return {**json.loads(data), "peak_rss": peak}
    reason = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
    return {"outcome": "killed", "type": reason, "ovf_error": False, "message": "", "peak_rss": peak}


def _warm_up(good: str) -> None:
    """Import and exercise everything once on the good descriptor, so that each forked child starts warm."""
    from ovfkit import ova  # noqa: F401
    from ovfkit.convert import from_json, to_json
    from ovfkit.diff import diff
    from ovfkit.validate import validate

    model = ovfkit.load(good)
    from_json(to_json(model))
    validate(good)
    diff(model, model)


def main(argv: list[str]) -> int:
    """Run every entry point of every spec and print one JSON line per case and entry point."""
    specs = [json.loads(Path(name).read_text(encoding="utf-8")) for name in argv]
    _warm_up(specs[0]["good"])
    for spec in specs:
        for entry in spec["entries"]:
            result = _run_child(entry, spec)
            print(json.dumps({"case": spec["case"], "entry": entry, **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
