"""ovfkit: read, write, validate, convert and diff OVF descriptors and OVA packages, losslessly.

The public API is what ``__all__`` lists; everything else is private and may change.
"""

from ovfkit._version import __version__
from ovfkit.api import dump, dumps, load, loads
from ovfkit.dialects import detect_dialect, ovf_version
from ovfkit.errors import OvfError, OvfParseError, OvfSecurityError, OvfUnitError, OvfWriteError
from ovfkit.hardware import HardwareView, hardware
from ovfkit.model import *  # noqa: F403
from ovfkit.model import __all__ as _model_all
from ovfkit.units import Units, parse_units
from ovfkit.xmlio.safe import Limits

__all__ = [
    "__version__",
    "HardwareView",
    "Limits",
    "OvfError",
    "OvfParseError",
    "OvfSecurityError",
    "OvfUnitError",
    "OvfWriteError",
    "Units",
    "detect_dialect",
    "dump",
    "dumps",
    "hardware",
    "load",
    "loads",
    "ovf_version",
    "parse_units",
    *_model_all,
]
