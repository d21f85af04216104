"""Pairing devices by identity levels: unique keys only, weaker levels as fallback, categories apart."""

from __future__ import annotations

from collections.abc import Hashable

from ovfkit.diff.device import Device, is_uuid
from ovfkit.diff.match import match_devices


def device(category: str, label: str, **keys: Hashable) -> Device:
    return Device(category, label, dict(keys), {}, label)


LEVELS = ("nic_name", "mac", "instance")


def test_pairs_by_the_strongest_key() -> None:
    a = [device("nic", "nic1", nic_name="nic1", mac="m1"), device("nic", "nic2", nic_name="nic2", mac="m2")]
    b = [device("nic", "nic2", nic_name="nic2", mac="m2"), device("nic", "nic1", nic_name="nic1", mac="m1")]
    matching = match_devices(a, b, LEVELS)
    assert matching.pairs == [(0, 1), (1, 0)]
    assert matching.removed == [] and matching.added == []


def test_a_renamed_nic_pairs_by_its_mac() -> None:
    a = [device("nic", "nic1", nic_name="nic1", mac="m1")]
    b = [device("nic", "lan", nic_name="lan", mac="m1")]
    assert match_devices(a, b, LEVELS).pairs == [(0, 0)]


def test_ambiguous_keys_do_not_pair() -> None:
    a = [
        device("disk", "d", instance="1", name="Hard disk"),
        device("disk", "d", instance="2", name="Hard disk"),
    ]
    b = [device("disk", "d", instance="3", name="Hard disk")]
    matching = match_devices(a, b, ("name", "instance"))
    assert matching.pairs == []
    assert matching.removed == [0, 1] and matching.added == [0]


def test_categories_never_pair() -> None:
    a = [device("disk", "x", instance="8")]
    b = [device("cdrom", "x", instance="8")]
    matching = match_devices(a, b, ("instance",))
    assert matching.pairs == [] and matching.removed == [0] and matching.added == [0]


def test_devices_without_any_key_are_added_and_removed() -> None:
    matching = match_devices([device("video", "v")], [device("video", "v")], LEVELS)
    assert (matching.removed, matching.added) == ([0], [0])


def test_uuid_recognition() -> None:
    assert is_uuid("be14bfc8-3dbd-4ac1-ba02-c6dfa7fc707c")
    assert is_uuid("BE14BFC83DBD4AC1BA02C6DFA7FC707C")
    assert not is_uuid("00000000-0000-0000-0000-000000000000")
    assert not is_uuid("12")
    assert not is_uuid(None)
