"""The bundled DMTF schemas: where they are, and compiled validators for them (never fetched)."""

from ovfkit.schema.bundled import (
    BUNDLED,
    BundledSchema,
    lxml_schema,
    schema_for_namespace,
    schemas_dir,
    xmlschema_schema,
)

__all__ = [
    "BUNDLED",
    "BundledSchema",
    "lxml_schema",
    "schema_for_namespace",
    "schemas_dir",
    "xmlschema_schema",
]
