"""Locate the bundled DMTF XSDs and compile them offline, for libxml2 and for xmlschema.

Every ``http://schemas.dmtf.org/...`` and ``http://www.w3.org/...`` schema location (also with
``%2B`` for ``+``) maps to the file of the same name in the version's own folder; any other
location is refused, so compiling a schema never touches the network or files outside the bundle.
Compiled schemas are cached per process.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ovfkit.errors import OvfError
from ovfkit.namespaces import Ns

__all__ = [
    "BUNDLED",
    "BundledSchema",
    "lxml_schema",
    "schema_for_namespace",
    "schemas_dir",
    "xmlschema_schema",
]


@dataclass(frozen=True, slots=True)
class BundledSchema:
    """One bundled schema: its key (``dsp8023_1.1.1``), folder, main file and target namespace."""

    key: str
    folder: str
    filename: str
    namespace: str
    title: str


BUNDLED: dict[str, BundledSchema] = {
    s.key: s
    for s in (
        BundledSchema("dsp8023_1.0.0", "1.0.0", "dsp8023_1.0.0.xsd", Ns.OVF1.value, "OVF envelope 1.0.0"),
        BundledSchema("dsp8023_1.1.0", "1.1.0", "dsp8023_1.1.0.xsd", Ns.OVF1.value, "OVF envelope 1.1.0"),
        BundledSchema("dsp8023_1.1.1", "1.1.1", "dsp8023_1.1.1.xsd", Ns.OVF1.value, "OVF envelope 1.1.1"),
        BundledSchema("dsp8023_2.0.1", "2.0.1", "dsp8023_2.0.1.xsd", Ns.OVF2.value, "OVF envelope 2.0.1"),
        BundledSchema(
            "dsp8023_2.0.0c",
            "2.0.0c-wip",
            "dsp8023_2.0.0c.xsd",
            Ns.OVF1.value,
            "OVF envelope 2.0.0c (work in progress)",
        ),
        BundledSchema("dsp8027_1.0.0", "1.0.0", "dsp8027_1.0.0.xsd", Ns.ENV.value, "OVF environment 1.0.0"),
        BundledSchema("dsp8027_1.1.0", "1.1.0", "dsp8027_1.1.0.xsd", Ns.ENV.value, "OVF environment 1.1.0"),
    )
}

#: The schema a document in each namespace is checked against by default.
DEFAULT_FOR_NAMESPACE = {
    Ns.OVF1.value: "dsp8023_1.1.1",
    Ns.OVF2.value: "dsp8023_2.0.1",
    Ns.ENV.value: "dsp8027_1.1.0",
}

_HOSTS = ("schemas.dmtf.org", "www.w3.org")


def schemas_dir() -> Path:
    """The folder holding the bundled XSDs: inside the installed package, else the source tree's.

    The wheel ships them as ``ovfkit/schemas`` (found through ``importlib.resources``); a source
    checkout keeps them in the top-level ``schemas/``.
    """
    packaged = importlib.resources.files("ovfkit").joinpath("schemas")
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "schemas"
    if source_tree.is_dir():
        return source_tree
    raise OvfError("the bundled DMTF schemas are missing from this installation")


def schema_for_namespace(namespace: str | None) -> BundledSchema | None:
    """The default bundled schema for an envelope or environment namespace, or None."""
    if namespace is None:
        return None
    key = DEFAULT_FOR_NAMESPACE.get(namespace.rstrip("/"))
    return BUNDLED[key] if key else None


def local_path(url: str, folder: Path) -> Path | None:
    """The bundled file a schema location stands for, or None when it is not a bundled one."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("http", "https") and parsed.hostname not in _HOSTS:
        return None
    if parsed.scheme not in ("", "file", "http", "https"):
        return None
    name = os.path.basename(urllib.parse.unquote(parsed.path))
    candidate = folder / name
    return candidate if candidate.is_file() else None


class _BundleResolver(etree.Resolver):
    """Resolve schema imports to files of one bundled folder; refuse everything else."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, url: str | None, pubid: str | None, context: object) -> object:  # type: ignore[override]  # lxml passes a context the stubs omit
        if url is None:
            return None
        path = local_path(url, self.folder)
        if path is None:
            raise OvfError(f"schema import {url!r} is not a bundled schema")
        resolved: object = self.resolve_filename(str(path), context)  # type: ignore[attr-defined]  # missing from lxml-stubs
        return resolved


@functools.cache
def lxml_schema(key: str) -> etree.XMLSchema:
    """The libxml2 validator of a bundled schema, compiled once per process."""
    schema = BUNDLED[key]
    folder = schemas_dir() / schema.folder
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_BundleResolver(folder))
    document = etree.parse(str(folder / schema.filename), parser)
    try:
        return etree.XMLSchema(document)
    except etree.XMLSchemaParseError as exc:
        raise OvfError(f"bundled schema {key} does not compile: {exc}") from None


@functools.cache
def xmlschema_schema(key: str) -> object:
    """The xmlschema (introspectable) form of a bundled schema, built once per process.

    Imports resolve to bundled files only; an import that fails is an error, not a warning.
    """
    import xmlschema

    schema = BUNDLED[key]
    folder = schemas_dir() / schema.folder

    def mapper(url: str) -> str:
        path = local_path(url, folder)
        return str(path) if path is not None else url

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return xmlschema.XMLSchema(
                str(folder / schema.filename), allow="sandbox", defuse="nonlocal", uri_mapper=mapper
            )
        except (Warning, xmlschema.XMLSchemaException) as exc:
            raise OvfError(f"bundled schema {key} does not load: {exc}") from None
