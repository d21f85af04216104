"""Validation of OVF documents: the bundled DMTF XSD and a catalogue of semantic rules, as located findings.

``validate(source, profile="relaxed")`` returns a ``Report``; ``is_valid`` answers yes or no;
``iter_diagnostics`` yields the findings. ``all_rules()`` lists the catalogue.
"""

from ovfkit.validate.api import PROFILES, is_valid, iter_diagnostics, validate
from ovfkit.validate.diagnostic import Diagnostic, Severity
from ovfkit.validate.registry import FAMILIES, Rule, ValidationUsageError, all_rules, get_rule, select_codes
from ovfkit.validate.report import Report

__all__ = [
    "FAMILIES",
    "PROFILES",
    "Diagnostic",
    "Report",
    "Rule",
    "Severity",
    "ValidationUsageError",
    "all_rules",
    "get_rule",
    "is_valid",
    "iter_diagnostics",
    "select_codes",
    "validate",
]
