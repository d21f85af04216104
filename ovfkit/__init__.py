"""ovfkit: read, write, validate, convert and diff OVF descriptors and OVA packages, losslessly.

The public API is what ``__all__`` lists; everything else is private and may change. Names are
imported on first use, so ``import ovfkit`` (and ``ovfkit --version``) stays fast.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ovfkit._version import __version__

if TYPE_CHECKING:
    from ovfkit import ova as ova
    from ovfkit import ovirt as ovirt
    from ovfkit.api import dump as dump
    from ovfkit.api import dumps as dumps
    from ovfkit.api import load as load
    from ovfkit.api import loads as loads
    from ovfkit.convert import OvfJsonError as OvfJsonError
    from ovfkit.convert import OvfJsonLimitError as OvfJsonLimitError
    from ovfkit.convert import from_json as from_json
    from ovfkit.convert import json_schema as json_schema
    from ovfkit.convert import to_json as to_json
    from ovfkit.convert import to_summary as to_summary
    from ovfkit.dialects import detect_dialect as detect_dialect
    from ovfkit.dialects import ovf_version as ovf_version
    from ovfkit.diff.api import diff as diff
    from ovfkit.diff.errors import OvfDiffError as OvfDiffError
    from ovfkit.diff.model import Change as Change
    from ovfkit.diff.model import HardwareDiff as HardwareDiff
    from ovfkit.diff.model import Scope as Scope
    from ovfkit.diff.model import SystemDiff as SystemDiff
    from ovfkit.diff.snapshots import diff_snapshots as diff_snapshots
    from ovfkit.errors import OvfError as OvfError
    from ovfkit.errors import OvfParseError as OvfParseError
    from ovfkit.errors import OvfSecurityError as OvfSecurityError
    from ovfkit.errors import OvfUnitError as OvfUnitError
    from ovfkit.errors import OvfWriteError as OvfWriteError
    from ovfkit.hardware import HardwareView as HardwareView
    from ovfkit.hardware import hardware as hardware
    from ovfkit.model import *  # noqa: F403
    from ovfkit.units import Units as Units
    from ovfkit.units import parse_units as parse_units
    from ovfkit.validate.api import is_valid as is_valid
    from ovfkit.validate.api import iter_diagnostics as iter_diagnostics
    from ovfkit.validate.api import validate as validate
    from ovfkit.validate.diagnostic import Diagnostic as Diagnostic
    from ovfkit.validate.diagnostic import Severity as Severity
    from ovfkit.validate.report import Report as Report
    from ovfkit.xmlio.safe import Limits as Limits

#: Where each public name lives.
_EXPORTS: dict[str, str] = {
    "dump": "ovfkit.api",
    "dumps": "ovfkit.api",
    "load": "ovfkit.api",
    "loads": "ovfkit.api",
    "detect_dialect": "ovfkit.dialects",
    "ovf_version": "ovfkit.dialects",
    "OvfError": "ovfkit.errors",
    "OvfParseError": "ovfkit.errors",
    "OvfSecurityError": "ovfkit.errors",
    "OvfUnitError": "ovfkit.errors",
    "OvfWriteError": "ovfkit.errors",
    "HardwareView": "ovfkit.hardware",
    "hardware": "ovfkit.hardware",
    "Units": "ovfkit.units",
    "parse_units": "ovfkit.units",
    "Limits": "ovfkit.xmlio.safe",
    "validate": "ovfkit.validate.api",
    "is_valid": "ovfkit.validate.api",
    "iter_diagnostics": "ovfkit.validate.api",
    "Diagnostic": "ovfkit.validate.diagnostic",
    "Severity": "ovfkit.validate.diagnostic",
    "Report": "ovfkit.validate.report",
    "diff": "ovfkit.diff.api",
    "HardwareDiff": "ovfkit.diff.model",
    "Change": "ovfkit.diff.model",
    "SystemDiff": "ovfkit.diff.model",
    "Scope": "ovfkit.diff.model",
    "OvfDiffError": "ovfkit.diff.errors",
    "diff_snapshots": "ovfkit.diff.snapshots",
    "to_json": "ovfkit.convert",
    "from_json": "ovfkit.convert",
    "json_schema": "ovfkit.convert",
    "to_summary": "ovfkit.convert",
    "OvfJsonError": "ovfkit.convert",
    "OvfJsonLimitError": "ovfkit.convert",
}

_MODEL_NAMES = (
    "AnnotationSection",
    "BootDeviceSection",
    "Comment",
    "Configuration",
    "DeploymentOptionSection",
    "Disk",
    "DiskSection",
    "Document",
    "EncryptionSection",
    "Entity",
    "Envelope",
    "Environment",
    "EnvironmentFile",
    "EnvironmentFilesSection",
    "EnvironmentProperty",
    "EthernetPortItem",
    "EulaSection",
    "File",
    "Icon",
    "InstallSection",
    "InstanceCount",
    "Item",
    "Msg",
    "Network",
    "NetworkSection",
    "Node",
    "OperatingSystemSection",
    "OvfModel",
    "PlacementGroupSection",
    "PlacementSection",
    "PlatformSection",
    "ProcessingInstruction",
    "ProductSection",
    "Property",
    "PropertySection",
    "PropertyValue",
    "References",
    "ResourceAllocationSection",
    "ResourceItem",
    "ResourceType",
    "ScaleOutSection",
    "Section",
    "SharedDisk",
    "SharedDiskSection",
    "StartupItem",
    "StartupSection",
    "Strings",
    "System",
    "VirtualHardwareSection",
    "VirtualSystem",
    "VirtualSystemCollection",
    "XmlInfo",
)
_EXPORTS.update({name: "ovfkit.model" for name in _MODEL_NAMES})

__all__ = ["__version__", "ova", "ovirt", *sorted(_EXPORTS)]


#: Public functions named like the module that holds them: ``ovfkit.hardware`` is the function.
_SHADOWED = frozenset({"hardware", "validate", "diff"})


class _Package(types.ModuleType):
    """The ``ovfkit`` module object: keeps public functions visible over same-named submodules.

    Importing ``ovfkit.hardware`` (the module) makes Python bind the submodule as the package
    attribute ``hardware``, which would hide the function ``ovfkit.hardware()``; the binding is
    redirected to the function of that name.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType) and hasattr(value, name):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


#: Subpackages reachable as attributes (``ovfkit.ovirt.load_snapshots``), imported on first use.
_SUBPACKAGES = frozenset({"ovirt", "ova", "validate", "diff", "schema", "model"})


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES and name not in _EXPORTS:
        return importlib.import_module(f"ovfkit.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ovfkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
