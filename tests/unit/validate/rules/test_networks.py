"""N rules over the adapters gathered once: connections grouped by name, MACs in document order."""

from __future__ import annotations

from tests.unit.validate.rules.helpers import document, found, with_items

CONNECTION = "<rasd:Connection>VM Network</rasd:Connection>"


def nic(iid: str, connection: str = "VM Network", address: str = "", rtype: int = 10) -> str:
    mac = f"<rasd:Address>{address}</rasd:Address>" if address else ""
    return (
        f"{mac}<rasd:Connection>{connection}</rasd:Connection><rasd:InstanceID>{iid}</rasd:InstanceID>"
        f"<rasd:ResourceType>{rtype}</rasd:ResourceType>"
    )


def test_every_adapter_on_an_undeclared_or_empty_connection() -> None:
    messages = found(with_items(nic("6", "Other"), nic("7", "Other"), nic("8", " ")), "N101")
    assert sorted(messages) == [
        'Item (InstanceID 6) is connected to network "Other", but the NetworkSection does not declare it',
        'Item (InstanceID 7) is connected to network "Other", but the NetworkSection does not declare it',
        "Item (InstanceID 8) has an empty Connection",
    ]


def test_a_duplicate_mac_is_reported_on_the_later_adapter_whatever_its_type() -> None:
    data = with_items(nic("6", address="00:50:56:01:02:03", rtype=11))
    (message,) = found(data, "N105")
    assert message.startswith("Item (InstanceID 6) has MAC address 00:50:56:01:02:03, like Item")


def test_a_network_used_by_no_adapter() -> None:
    assert found(document((CONNECTION, "<rasd:Connection>Other</rasd:Connection>")), "N106") == [
        'network "VM Network" is declared but no adapter connects to it'
    ]
    assert found(document((CONNECTION, "<rasd:Connection> VM Network </rasd:Connection>")), "N106") == []
