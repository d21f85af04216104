"""What must hold for every input, however broken: the fuzzers' oracles.

Only ``OvfError`` subclasses may escape ``loads``, ``validate``, ``to_json``/``from_json`` and
``diff``; anything that loads must write back losslessly (C14N-equal, same prefixes and attribute
order) and a second round trip must be byte-identical; messages must stay short whatever the input.
The hypothesis tests (``tests/fuzz``) and the atheris harnesses (``fuzz/``) share these functions, so a
finding of one is reproduced by the other.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from lxml import etree

import ovfkit
from ovfkit.errors import OvfError
from tests.helpers import assert_same_document, element_names, model_difference, parse_text

#: The longest message an exception or a diagnostic may carry (a few hundred characters of quoted
#: input plus the file name, position, element path and the explanation).
MAX_MESSAGE = 2000


class OracleViolationError(AssertionError):
    """An input broke an oracle: an exception that is no ``OvfError``, a lossy round trip, a long message."""


def validate_function() -> Callable[..., Any]:
    """``ovfkit.validate`` when the package exports it, else ``ovfkit.validate.validate``."""
    function = getattr(ovfkit, "validate", None)
    if callable(function):
        return function  # type: ignore[no-any-return]
    from ovfkit.validate import validate

    return validate


def convert_functions() -> tuple[Callable[..., str], Callable[..., Any]]:
    """``(to_json, from_json)``: from ``ovfkit`` when exported, else from ``ovfkit.convert``."""
    to_json = getattr(ovfkit, "to_json", None)
    from_json = getattr(ovfkit, "from_json", None)
    if callable(to_json) and callable(from_json):
        return to_json, from_json
    from ovfkit.convert import from_json as from_json_function
    from ovfkit.convert import to_json as to_json_function

    return to_json_function, from_json_function


def diff_function() -> Callable[..., Any]:
    """``ovfkit.diff`` when the package exports it, else ``ovfkit.diff.diff``."""
    function = getattr(ovfkit, "diff", None)
    if callable(function):
        return function  # type: ignore[no-any-return]
    from ovfkit.diff import diff

    return diff


def check_error(exc: OvfError) -> None:
    """An ``OvfError`` is short and prints without failing."""
    text = str(exc)
    if len(text) > MAX_MESSAGE:
        raise OracleViolationError(
            f"{type(exc).__name__} message is {len(text)} characters long: {text[:300]!r}"
        )


def guarded(entry: str, call: Callable[[], Any]) -> Any:
    """``call()``; an ``OvfError`` gives None (checked for length), any other exception is a violation."""
    try:
        return call()
    except OvfError as exc:
        check_error(exc)
        return None
    except OracleViolationError:
        raise
    except RecursionError as exc:
        raise OracleViolationError(f"{entry}: RecursionError escaped: {exc}") from exc
    except Exception as exc:
        raise OracleViolationError(f"{entry}: {type(exc).__name__} escaped: {str(exc)[:300]}") from exc


def _utf8(data: bytes, encoding: str) -> bytes:
    """``data`` (in ``encoding``, maybe with a BOM) as UTF-8 bytes without a BOM, for comparison."""
    return data.decode(encoding, "surrogatepass").removeprefix("\ufeff").encode("utf-8", "surrogatepass")


def _nodes(root: etree._Element) -> list[tuple[Any, ...]]:
    """Every node in document order with what C14N would compare, plus prefixes and attribute order."""
    found: list[tuple[Any, ...]] = []
    for node in root.iter():
        namespaces = (
            sorted(node.nsmap.items(), key=lambda item: item[0] or "") if isinstance(node.tag, str) else []
        )
        found.append((str(node.tag), node.text, node.tail, list(node.attrib.items()), namespaces))
    found.append(("names", element_names(root)))
    return found


def check_round_trip(data: bytes, model: Any) -> bytes:
    """``dumps(model)`` is the document ``data`` (C14N, prefixes, attribute order), and stable."""
    try:
        out = ovfkit.dumps(model)
    except Exception as exc:
        raise OracleViolationError(
            f"a loaded document cannot be written: {type(exc).__name__}: {exc}"
        ) from exc
    try:
        again = ovfkit.dumps(ovfkit.loads(out))
    except Exception as exc:
        raise OracleViolationError(
            f"written output does not load again: {type(exc).__name__}: {exc}"
        ) from exc
    encoding = model.document.encoding
    before, after = _utf8(data, encoding), _utf8(out, encoding)
    try:
        assert_same_document(before, after)
    except etree.C14NError:
        # C14N refuses some documents lxml reads (a relative namespace URI): compare node by node.
        if _nodes(parse_text(before)) != _nodes(parse_text(after)):
            raise OracleViolationError("the round trip is lossy (node by node)") from None
    except AssertionError as exc:
        raise OracleViolationError(f"the round trip is lossy: {str(exc)[:500]}") from exc
    if again != out:
        raise OracleViolationError("the second round trip is not byte-identical")
    return out


def check_load(data: bytes) -> Any:
    """``loads(data)`` raises only ``OvfError``; a loaded document round-trips. Returns the model or None."""
    model = guarded("loads", lambda: ovfkit.loads(data))
    if model is not None:
        check_round_trip(data, model)
    return model


def check_compiled_layouts(data: bytes, limits: ovfkit.Limits | None = None) -> None:
    """The reader's compiled layouts, forced on for every layout of every size, read what the
    general reader reads: the same model (values, fields set, layout, written bytes) or the same
    error. The name caches of the compiled read are left for the caller to look at."""
    from ovfkit.xmlio import reader

    saved = (reader._COMPILE_AFTER, reader._COMPILE_MIN_CHARS)

    def read(compile_after: int) -> tuple[Any, OvfError | None]:
        reader._NAMES.clear()
        reader._COMPILE_AFTER, reader._COMPILE_MIN_CHARS = compile_after, 0
        try:
            return ovfkit.loads(data, limits=limits or ovfkit.Limits()), None
        except OvfError as exc:
            return None, exc

    try:
        general, error = read(10**9)
        compiled, compiled_error = read(1)
    finally:
        reader._COMPILE_AFTER, reader._COMPILE_MIN_CHARS = saved
    if (type(error), str(error)) != (type(compiled_error), str(compiled_error)):
        raise OracleViolationError(f"compiled layouts: {compiled_error!r} where the reader says {error!r}")
    difference = model_difference(general, compiled)
    if difference is not None:
        raise OracleViolationError(f"compiled layouts read another model: {difference[:300]}")
    if compiled is not None and ovfkit.dumps(compiled) != ovfkit.dumps(general):
        raise OracleViolationError("compiled layouts read a model that writes other bytes")


def check_load_entry_points(data: bytes) -> None:
    """bytes, str and binary file object give the same outcome class as ``loads(bytes)``."""
    guarded("load(file object)", lambda: ovfkit.load(io.BytesIO(data)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    guarded("loads(str)", lambda: ovfkit.loads(text))


def check_json(model: Any) -> None:
    """``to_json`` works on a loaded model, and ``from_json`` gives back a model writing the same XML."""
    to_json, from_json = convert_functions()
    text = guarded("to_json", lambda: to_json(model))
    if text is None:
        raise OracleViolationError("to_json raised an OvfError for a model that loaded")
    back = guarded("from_json", lambda: from_json(text))
    if back is None:
        raise OracleViolationError("from_json refused what to_json wrote")
    if ovfkit.dumps(back) != ovfkit.dumps(model):
        raise OracleViolationError("the JSON round trip does not write the same XML")


def check_from_json(data: bytes) -> None:
    """``from_json`` on arbitrary (mutated) JSON raises only ``OvfError``; what it accepts can be written."""
    _, from_json = convert_functions()
    model = guarded("from_json", lambda: from_json(data))
    if model is not None:
        guarded("dumps(from_json)", lambda: ovfkit.dumps(model))


def check_validate(data: bytes) -> None:
    """``validate`` returns a report (unreadable input is an X finding) with short messages."""
    validate = validate_function()
    report = guarded("validate", lambda: validate(data))
    if report is None:
        return
    for diagnostic in report.diagnostics:
        if len(diagnostic.message) > MAX_MESSAGE:
            raise OracleViolationError(
                f"{diagnostic.code} message is {len(diagnostic.message)} characters long"
            )


def check_diff(old: Any, new: Any) -> None:
    """``diff`` of two loaded envelopes raises only ``OvfError``; a document equals itself."""
    if not isinstance(new, ovfkit.Envelope):
        return
    diff = diff_function()
    same = guarded("diff(new, new)", lambda: diff(new, new))
    if same is not None and not same.same:
        raise OracleViolationError("a document differs from itself")
    if isinstance(old, ovfkit.Envelope):
        guarded("diff(old, new)", lambda: diff(old, new))


def check_all(data: bytes, seed_model: Any = None) -> None:
    """Every oracle on one input: load (all forms), round trip, JSON, validate, diff against its seed."""
    model = check_load(data)
    check_load_entry_points(data)
    if model is not None:
        check_json(model)
        check_diff(seed_model, model)
    check_validate(data)
