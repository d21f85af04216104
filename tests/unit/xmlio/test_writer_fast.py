"""The compiled fast path writes exactly the bytes of the general writer, or declines."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovfkit
from bench.generate import descriptor
from ovfkit.model import Envelope, Item, Node, VirtualHardwareSection, VirtualSystem
from ovfkit.namespaces import Ns
from ovfkit.testing import descriptor_documents, edits
from ovfkit.xmlio import write_fast
from tests.conftest import FIXTURES, corpus_documents, corpus_id, needs_corpus
from tests.property.profiles import COMMON, examples

Model = Envelope | ovfkit.model.Environment


@pytest.fixture(autouse=True)
def fresh_compiled_layouts() -> Iterator[None]:
    """Each test starts and ends without compiled layouts."""
    write_fast.clear()
    yield
    write_fast.clear()


@contextlib.contextmanager
def compiling_after(work: int, per_name: int) -> Iterator[None]:
    """Layouts compile after this much work (0 and 0: at first sight), with no compiled layouts kept."""
    saved = write_fast.COMPILE_AFTER, write_fast.COMPILE_PER_NAME
    write_fast.clear()
    write_fast.COMPILE_AFTER, write_fast.COMPILE_PER_NAME = work, per_name
    try:
        yield
    finally:
        write_fast.COMPILE_AFTER, write_fast.COMPILE_PER_NAME = saved


def general(model: Model) -> bytes:
    """Written without the fast path (no layout is ever compiled)."""
    with compiling_after(10**9, 0):
        written = ovfkit.dumps(model)
    write_fast.clear()
    return written


def fast(model: Model) -> bytes:
    """Written with every layout compiled at first sight (twice: compiling, then compiled)."""
    with compiling_after(0, 0):
        first = ovfkit.dumps(model)
        second = ovfkit.dumps(model)
    assert first == second
    return first


FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*.ovf") if "invalid" not in p.name)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(Path(p).relative_to(FIXTURES)))
def test_fixture_files_are_written_alike_by_both_paths(path: Path) -> None:
    try:
        model = ovfkit.loads(path.read_bytes())
    except ovfkit.OvfError:
        pytest.skip("not a readable document")
    assert fast(model) == general(model)


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_documents(well_formed=True), ids=corpus_id)
def test_corpus_files_are_written_alike_by_both_paths(path: Path) -> None:
    model = ovfkit.loads(path.read_bytes())
    assert fast(model) == general(model)


def test_the_benchmark_descriptor_is_written_by_compiled_layouts() -> None:
    data = descriptor(60, 6)
    model = ovfkit.loads(data)
    assert fast(model) == data
    compiled = {key[1].__name__ for key, function in write_fast._compiled.items() if callable(function)}
    assert {"Item", "Disk", "File", "VirtualHardwareSection", "DiskSection", "References"} <= compiled


def test_a_changed_element_is_declined_and_written_in_general() -> None:
    data = descriptor(30, 3)
    model = ovfkit.loads(data)
    assert isinstance(model.content, VirtualSystem)
    hardware = model.content.section(VirtualHardwareSection)
    assert isinstance(hardware, VirtualHardwareSection)
    hardware.items[4].description = "a & b <c>"  # needs escaping: the compiled Item writer declines
    hardware.items[5].caption = "new"  # a value the layout has no slot for
    hardware.items[6].host_resource.append("ovf:/disk/more")  # a longer list
    del hardware.items[7].extensions[:]  # fewer extensions
    hardware.items.insert(8, Item(instance_id="new"))  # a model not read from a document
    model.content.extensions.append(Node(name="vmw:Extra", namespace=Ns.VMW.value))
    written = fast(model)
    assert written == general(model)
    assert ovfkit.loads(written) == model


def test_empty_and_special_values_are_declined_and_written_in_general() -> None:
    data = descriptor(9, 3)
    model = ovfkit.loads(data)
    assert isinstance(model.content, VirtualSystem)
    hardware = model.content.section(VirtualHardwareSection)
    assert isinstance(hardware, VirtualHardwareSection)
    hardware.items[1].element_name = ""
    hardware.items[4].extensions[0].attributes[1] = ("vmw:key", 'say "hi"')  # type: ignore[union-attr]
    written = fast(model)
    assert written == general(model)
    assert b"<rasd:ElementName/>" in written and b'vmw:key="say &quot;hi&quot;"' in written


def test_compiled_layouts_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_fast, "MAX_COMPILED", 3)
    model = ovfkit.loads(descriptor(30, 3))
    fast(model)
    assert len(write_fast._compiled) == 3


@settings(max_examples=examples(30), **COMMON)
@given(descriptor_documents(), st.data())
def test_an_edited_model_is_written_alike_by_both_paths(document: bytes, data: st.DataObject) -> None:
    model = ovfkit.loads(document)
    unchanged = general(model)
    assert fast(model) == unchanged
    edit = data.draw(edits(model), label="edit")
    edit.apply()
    try:
        expected = general(model)
    except ovfkit.OvfWriteError:
        with pytest.raises(ovfkit.OvfWriteError):
            fast(model)
        return
    assert fast(model) == expected


def test_a_layout_is_compiled_only_once_the_general_writer_did_as_much_work_with_it() -> None:
    few = ovfkit.loads(descriptor(3, 1))
    ovfkit.dumps(few)
    assert not any(key[1] is Item for key in write_fast._compiled)
    many = ovfkit.loads(descriptor(300, 3))
    ovfkit.dumps(many)
    assert any(key[1] is Item and callable(function) for key, function in write_fast._compiled.items())
