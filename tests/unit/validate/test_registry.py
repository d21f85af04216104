from __future__ import annotations

import re

import pytest

from ovfkit.validate import FAMILIES, Severity, ValidationUsageError, all_rules, get_rule, select_codes
from ovfkit.validate.registry import declare, parse_codes, rule


def test_catalogue_has_at_least_40_rules_with_stable_shapes() -> None:
    rules = all_rules()
    assert len(rules) >= 40
    assert len({r.code for r in rules}) == len(rules) == len({r.name for r in rules})
    for entry in rules:
        assert re.fullmatch(r"[XSRHNPOK]\d{3}", entry.code)
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", entry.name)
        assert entry.summary.endswith(".") and "\n" not in entry.summary
        assert entry.family in FAMILIES
        assert (entry.check is None) == (entry.stage != "model")
    assert {r.family for r in rules} == set(FAMILIES)
    assert [r.family for r in rules] == sorted((r.family for r in rules), key=list(FAMILIES).index)


def test_issue_requirements_are_covered() -> None:
    names = {r.name for r in all_rules()}
    assert {
        "dangling-file-ref",
        "dangling-disk-host-resource",
        "dangling-parent",
        "parent-cycle",
        "duplicate-instance-id",
        "undefined-configuration",
        "malformed-allocation-units",
        "invalid-number",
        "size-overflow",
        "unknown-resource-type",
        "optional-unknown-resource-type",
        "unknown-required-section",
        "undeclared-network",
        "malformed-mac",
        "multicast-mac",
        "zero-mac",
        "undefined-property-reference",
        "property-type-mismatch",
        "property-qualifier-violation",
        "absolute-href",
        "url-href",
        "href-escapes-package",
        "populated-size-exceeds-capacity",
        "missing-virtual-hardware",
        "missing-info",
        "malformed-device-address",
        "pci-slot-clash",
        "disk-volume-without-file",
        "unknown-snapshot",
        "boot-order-clash",
    } <= names


def test_get_rule_is_case_insensitive_and_rejects_unknown_codes() -> None:
    assert get_rule(" r101 ").name == "dangling-file-ref"
    with pytest.raises(ValidationUsageError, match="no rule 'Q1'"):
        get_rule("Q1")


def test_parse_codes() -> None:
    assert parse_codes(None) == []
    assert parse_codes("r1, S,,H102 ") == ["R1", "S", "H102"]
    assert parse_codes(["R1,S", "K"]) == ["R1", "S", "K"]


def test_select_defaults_to_everything() -> None:
    assert select_codes() == {r.code for r in all_rules()}


def test_select_and_ignore_by_prefix_with_the_more_specific_winning() -> None:
    r_codes = {r.code for r in all_rules() if r.family == "R"}
    assert select_codes("R") == r_codes
    assert select_codes("R", "R105") == r_codes - {"R105"}
    assert select_codes("R105", "R") == {"R105"}
    assert select_codes(None, "R,S,X,H,N,P,O,K") == set()
    assert select_codes("ALL", "R1") == {r.code for r in all_rules()} - {
        c for c in r_codes if c.startswith("R1")
    }


def test_unknown_select_or_ignore_is_a_usage_error() -> None:
    with pytest.raises(ValidationUsageError, match="select 'R9'"):
        select_codes("R9")
    with pytest.raises(ValidationUsageError, match="ignore 'Z'"):
        select_codes(None, "Z")


def test_registration_guards_codes_names_and_duplicates() -> None:
    with pytest.raises(ValueError, match="family letter"):
        declare("R12", "bad-code", Severity.ERROR, "x.", stage="load")
    with pytest.raises(ValueError, match="kebab-case"):
        declare("R998", "Bad_Name", Severity.ERROR, "x.", stage="load")
    with pytest.raises(ValueError, match="twice"):
        rule("R101", "dangling-file-ref", Severity.ERROR, "x.")(lambda ctx: [])
    with pytest.raises(ValueError, match="one-line"):
        declare("R997", "no-summary", Severity.ERROR, "", stage="load")
