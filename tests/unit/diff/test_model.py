"""The result models: pure data, grouped per system and profile, JSON-serializable."""

from __future__ import annotations

import json

from ovfkit.diff.model import Change, HardwareDiff, Scope


def change(
    kind: str = "changed", system: str | None = "vm", profile: str | None = None, **extra: object
) -> Change:
    return Change.model_validate(
        {
            "kind": kind,
            "device": "system",
            "category": "system",
            "system": system,
            "profile": profile,
            **extra,
        }
    )


def test_same_and_grouping() -> None:
    scopes = [Scope(system="vm", profile="small"), Scope(system="vm", profile="large")]
    profile_change = Change(kind="removed", device='profile "tiny"', category="profile", profile="tiny")
    large = change(profile="large", field="memory", old=1, new=2)
    result = HardwareDiff(compared=scopes, changes=[profile_change, large])
    assert not result.same
    assert [len(group.changes) for group in result.systems] == [0, 1]
    assert result.systems[0].same and not result.systems[1].same
    assert result.descriptor_changes == [profile_change]
    assert HardwareDiff(compared=scopes).same


def test_json_shape() -> None:
    result = HardwareDiff(
        a="a.ovf", b="b.ovf", compared=[Scope(system="vm")], changes=[change(field="cpus", old=1, new=2)]
    )
    data = json.loads(result.model_dump_json())
    assert list(data) == ["a", "b", "compared", "changes", "notes", "same"]
    assert data["changes"][0] == {
        "kind": "changed",
        "device": "system",
        "category": "system",
        "field": "cpus",
        "old": 1,
        "new": 2,
        "old_text": None,
        "new_text": None,
        "system": "vm",
        "profile": None,
        "identity": None,
        "system_index": None,
    }
    assert HardwareDiff.model_validate(data) == result


def test_results_are_frozen() -> None:
    result = HardwareDiff()
    try:
        result.a = "x"  # type: ignore[misc]
    except Exception as error:  # pydantic raises ValidationError for frozen models
        assert "frozen" in str(error)
    else:
        raise AssertionError("HardwareDiff should be frozen")
