"""Reading and writing OVF documents: ``load``, ``loads``, ``dump``, ``dumps``."""

from __future__ import annotations

import os
from typing import IO

from ovfkit.model.envelope import Envelope
from ovfkit.model.environment import Environment
from ovfkit.xmlio.reader import read_tree
from ovfkit.xmlio.safe import DEFAULT_LIMITS, Limits, parse_bytes, parse_text, read_source

__all__ = ["dump", "dumps", "load", "loads"]

Model = Envelope | Environment


def loads(data: bytes | str, *, limits: Limits = DEFAULT_LIMITS, source: str | None = None) -> Model:
    """Read an OVF descriptor or environment document from bytes or text.

    Returns an ``Envelope`` (DMTF 0.9, 1.x, 2.x and the oVirt flavour) or an ``Environment``
    (DSP8027). Raises ``OvfParseError`` (with line and column) for input that is not a readable
    OVF document and ``OvfSecurityError`` for hostile input or input beyond ``limits``.
    """
    if isinstance(data, str):
        name = source or "<string>"
        parsed = parse_text(data, name, limits)
    else:
        name = source or "<bytes>"
        parsed = parse_bytes(data, name, limits)
    return read_tree(parsed, name, limits)


def load(source: str | os.PathLike[str] | IO[bytes], *, limits: Limits = DEFAULT_LIMITS) -> Model:
    """Read an OVF descriptor or environment document from a path or a binary file object.

    A path ending in ``.ova`` is read as an OVA package: the header of every member is checked
    (the data of the others is skipped, not read) and only the descriptor is read; an unsafe member
    anywhere in the package raises an ``OvfSecurityError``. A layout the reader tolerates (a
    descriptor that is not the first member) is noted in ``document.warnings``. Digests and the
    signature are not checked: ``ovfkit.ova.verify`` does that.
    """
    if isinstance(source, (str, os.PathLike)) and os.fspath(source).lower().endswith(".ova"):
        from ovfkit.ova import read_package_descriptor

        found = read_package_descriptor(os.fspath(source), limits)
        model = read_tree(parse_bytes(found.data, found.name, limits), found.name, limits)
        model.document.warnings.extend(found.notes)
        return model
    data, name = read_source(source, limits)
    parsed = parse_bytes(data, name, limits)
    return read_tree(parsed, name, limits)


def dumps(model: Model, *, encoding: str | None = None) -> bytes:
    """Write a model as XML bytes; an unmodified loaded model gives its input back.

    ``encoding`` overrides the encoding the document was read in (UTF-8 for new models).
    Raises ``OvfWriteError`` when the model cannot be written as well-formed XML.
    """
    from ovfkit.xmlio.writer import write_document  # not imported by commands that only read

    return write_document(model, encoding=encoding)


def dump(model: Model, target: str | os.PathLike[str] | IO[bytes], *, encoding: str | None = None) -> None:
    """Write a model as XML to a path or a binary file object."""
    data = dumps(model, encoding=encoding)
    if isinstance(target, (str, os.PathLike)):
        with open(target, "wb") as handle:
            handle.write(data)
    else:
        target.write(data)
