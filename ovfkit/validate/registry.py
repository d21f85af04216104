"""The rule catalogue: each rule's stable code, kebab-case name, default severity and one-line summary.

Semantic rules register their check function with the ``rule`` decorator; the codes produced while
reading (``X``) and by the XSD (``S0xx``) are declared with ``declare``. ``select_codes`` resolves
ruff-like ``select``/``ignore`` lists of codes and code prefixes (``S``, ``R1``, ``H102``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ovfkit.errors import OvfError, quote
from ovfkit.validate.diagnostic import Diagnostic, Severity

if TYPE_CHECKING:
    from ovfkit.validate.context import Context

__all__ = [
    "FAMILIES",
    "Check",
    "Rule",
    "ValidationUsageError",
    "all_rules",
    "declare",
    "get_rule",
    "parse_codes",
    "rule",
    "select_codes",
]

#: The rule families, by code letter.
FAMILIES: dict[str, str] = {
    "X": "syntax and security",
    "S": "schema and structure",
    "R": "references",
    "H": "hardware",
    "N": "networks",
    "P": "product and properties",
    "O": "oVirt",
    "K": "packages",
}

#: Where a rule's findings come from: reading the bytes, the XSD, or a check of the model.
Stage = Literal["load", "xsd", "model"]
#: Which documents a model rule looks at: all, standard-shaped ones only, or the oVirt flavour only.
Scope = Literal["any", "standard", "ovirt"]

Check = Callable[["Context"], Iterable[Diagnostic]]

_CODE = re.compile(r"[XSRHNPOK][0-9]{3}")
_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


class ValidationUsageError(OvfError, ValueError):
    """Validation was asked for something that does not exist: a profile, a rule code or prefix."""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the catalogue. ``check`` is None for codes reported while reading or by the XSD."""

    code: str
    name: str
    severity: Severity
    summary: str
    stage: Stage = "model"
    scope: Scope = "any"
    check: Check | None = None

    @property
    def family(self) -> str:
        """The family letter (``R``)."""
        return self.code[0]

    @property
    def family_title(self) -> str:
        """The family's name (``references``)."""
        return FAMILIES[self.code[0]]


_RULES: dict[str, Rule] = {}
_NAMES: set[str] = set()


def _register(entry: Rule) -> Rule:
    if not _CODE.fullmatch(entry.code):
        raise ValueError(f"rule code {entry.code!r} is not a family letter followed by three digits")
    if not _NAME.fullmatch(entry.name):
        raise ValueError(f"rule name {entry.name!r} is not kebab-case")
    if entry.code in _RULES or entry.name in _NAMES:
        raise ValueError(f"rule {entry.code} {entry.name} is registered twice")
    if not entry.summary or "\n" in entry.summary:
        raise ValueError(f"rule {entry.code} needs a one-line summary")
    _RULES[entry.code] = entry
    _NAMES.add(entry.name)
    return entry


def declare(code: str, name: str, severity: Severity, summary: str, *, stage: Stage) -> Rule:
    """Declare a code that reading (``load``) or the XSD (``xsd``) reports; it has no check function."""
    return _register(Rule(code, name, severity, summary, stage=stage))


def rule(
    code: str, name: str, severity: Severity, summary: str, *, scope: Scope = "any"
) -> Callable[[Check], Check]:
    """Register the decorated function as the check of a model rule; returns the function unchanged."""

    def decorate(check: Check) -> Check:
        _register(Rule(code, name, severity, summary, stage="model", scope=scope, check=check))
        return check

    return decorate


def _load_catalogue() -> None:
    import ovfkit.validate.rules  # noqa: F401  (importing the families registers their rules)


def all_rules() -> list[Rule]:
    """Every rule of the catalogue, by family (in ``FAMILIES`` order) and code."""
    _load_catalogue()
    order = {letter: position for position, letter in enumerate(FAMILIES)}
    return sorted(_RULES.values(), key=lambda r: (order[r.family], r.code))


def get_rule(code: str) -> Rule:
    """The rule with this code (case-insensitive); ``ValidationUsageError`` when there is none."""
    _load_catalogue()
    found = _RULES.get(code.strip().upper())
    if found is None:
        raise ValidationUsageError(f"there is no rule '{quote(code, 40)}'; `ovfkit rules` lists them")
    return found


def parse_codes(value: str | Iterable[str] | None) -> list[str]:
    """Split ``"R1, S001"`` or ``["R1", "S001"]`` into upper-case codes and prefixes (empty for None)."""
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    return [p.strip().upper() for p in parts if p.strip()]


def _longest_match(code: str, prefixes: list[str]) -> int:
    """The length of the longest prefix matching the code (``ALL`` matches with length 0), or -1."""
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def _check_known(prefixes: list[str], codes: list[str], option: str) -> None:
    for prefix in prefixes:
        if prefix != "ALL" and not any(code.startswith(prefix) for code in codes):
            raise ValidationUsageError(
                f"{option} '{quote(prefix, 40)}' matches no rule code; `ovfkit rules` lists them"
            )


def select_codes(
    select: str | Iterable[str] | None = None, ignore: str | Iterable[str] | None = None
) -> frozenset[str]:
    """The codes enabled by ``select`` (default: all) minus ``ignore``, the more specific prefix winning.

    As in ruff, ``select=["R"], ignore=["R105"]`` keeps every R rule but R105, and
    ``select=["R105"], ignore=["R"]`` keeps R105. An entry matching no code is a usage error.
    """
    codes = [r.code for r in all_rules()]
    selected = parse_codes(select) or ["ALL"]
    ignored = parse_codes(ignore)
    _check_known(selected, codes, "select")
    _check_known(ignored, codes, "ignore")
    enabled = set()
    for code in codes:
        chosen = _longest_match(code, selected)
        if chosen >= 0 and chosen > _longest_match(code, ignored):
            enabled.add(code)
    return frozenset(enabled)


def iter_model_rules(enabled: frozenset[str]) -> Iterator[Rule]:
    """The enabled rules that check the model, by code."""
    for entry in all_rules():
        if entry.stage == "model" and entry.code in enabled:
            yield entry
