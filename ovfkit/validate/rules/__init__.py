"""The rule families; importing this package registers every rule of the catalogue."""

from ovfkit.validate.rules import hardware, networks, ovirt, packages, product, references, schema, syntax

__all__ = ["hardware", "networks", "ovirt", "packages", "product", "references", "schema", "syntax"]
