"""Adding and removing untyped children keeps every other byte of the document."""

from __future__ import annotations

import ovfkit
from ovfkit.model.base import Node
from ovfkit.model.envelope import Envelope
from ovfkit.ovirt import _layout

DOC = b"""<?xml version="1.0"?>
<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References/>
  <Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type">
    <Name>x</Name>
    <A>1</A>
    <B>2</B>
  </Content>
</ovf:Envelope>
"""

TIGHT = DOC.replace(b"\n    <", b"<").replace(b"\n  </Content>", b"</Content>")


def _load(data: bytes) -> Envelope:
    model = ovfkit.loads(data)
    assert isinstance(model, Envelope)
    return model


def _node(envelope: Envelope, name: str) -> Node:
    system = envelope.virtual_systems()[0]
    return next(n for n in system.extensions if isinstance(n, Node) and n.name == name)


def test_insert_after_a_node_repeats_its_indentation() -> None:
    envelope = _load(DOC)
    system = envelope.virtual_systems()[0]
    _layout.insert_node(system, _layout.new_node("C", None, "3"), after=_node(envelope, "A"))
    assert ovfkit.dumps(envelope) == DOC.replace(b"<A>1</A>\n", b"<A>1</A>\n    <C>3</C>\n")


def test_insert_last_keeps_the_closing_indentation() -> None:
    envelope = _load(DOC)
    system = envelope.virtual_systems()[0]
    _layout.insert_node(system, _layout.new_node("C", None, ""))
    assert ovfkit.dumps(envelope) == DOC.replace(b"<B>2</B>\n", b"<B>2</B>\n    <C/>\n")


def test_remove_first_middle_and_last() -> None:
    for name in ("A", "B"):
        envelope = _load(DOC)
        _layout.remove_node(envelope.virtual_systems()[0], _node(envelope, name))
        line = b"    <A>1</A>\n" if name == "A" else b"    <B>2</B>\n"
        assert ovfkit.dumps(envelope) == DOC.replace(line, b"")


def test_without_whitespace() -> None:
    envelope = _load(TIGHT)
    system = envelope.virtual_systems()[0]
    _layout.insert_node(system, _layout.new_node("C", None, "3"), after=_node(envelope, "A"))
    assert ovfkit.dumps(envelope) == TIGHT.replace(b"<A>1</A>", b"<A>1</A><C>3</C>")
    _layout.remove_node(system, _node(envelope, "B"))
    assert ovfkit.dumps(envelope) == TIGHT.replace(b"<A>1</A><B>2</B>", b"<A>1</A><C>3</C>")


def test_set_text_replaces_children() -> None:
    envelope = _load(DOC.replace(b"<A>1</A>", b"<A>1<!-- c --><i/></A>"))
    node = _node(envelope, "A")
    _layout.set_text(node, "9")
    assert b"<A>9</A>" in ovfkit.dumps(envelope)
    _layout.set_text(node, "")
    assert b"<A/>" in ovfkit.dumps(envelope)


def test_a_node_of_another_model_is_refused() -> None:
    envelope = _load(DOC)
    stranger = _layout.new_node("Z", None, "")
    try:
        _layout.remove_node(envelope.virtual_systems()[0], stranger)
    except ValueError as error:
        assert "Z is not a child" in str(error)
    else:
        raise AssertionError("expected ValueError")
