"""Generated models and documents survive ``dumps``/``loads`` unchanged, and documents byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ovfkit
from ovfkit.model import (
    Envelope,
    Environment,
    Item,
    ProcessingInstruction,
    VirtualHardwareSection,
    VirtualSystem,
    XmlInfo,
)
from ovfkit.namespaces import Ns
from ovfkit.testing import (
    assert_lossless,
    assert_round_trips,
    descriptor_documents,
    envelopes,
    environment_documents,
    environments,
    layout_variants,
    lexical_variants,
)
from tests.conftest import ROOT, corpus_documents, needs_corpus
from tests.property.profiles import COMMON, examples

DOCUMENTS = descriptor_documents()
PLAIN_DOCUMENTS = envelopes(vendor=False, max_depth=1).map(ovfkit.dumps)

# A new model whose Envelope does not declare ``rasd``: the writer declares it on each leaf
# (``<rasd:InstanceID xmlns:rasd="...">``), and once could not write its own output back.
UNDECLARED_RASD = Envelope(
    content=VirtualSystem(sections=[VirtualHardwareSection(items=[Item(instance_id="1")])]),
    xml=XmlInfo(name="ovf:Envelope", ns=[("ovf", Ns.OVF1.value)]),
)


@settings(max_examples=examples(40), **COMMON)
@given(envelopes())
@example(UNDECLARED_RASD)
def test_envelopes_round_trip(model: Envelope) -> None:
    """``loads(dumps(m)) == m`` and ``dumps(loads(dumps(m))) == dumps(m)``, OVF 1.x and 2.x."""
    assert_round_trips(model)


@settings(max_examples=examples(15), **COMMON)
@given(envelopes("2.x", max_depth=1))
def test_ovf2_envelopes_round_trip(model: Envelope) -> None:
    assert ovfkit.ovf_version(model) == "2.x"
    assert_round_trips(model)


@settings(max_examples=examples(15), **COMMON)
@given(envelopes(vendor=False))
def test_envelopes_without_vendor_content_round_trip(model: Envelope) -> None:
    assert_round_trips(model)


@settings(max_examples=examples(30), **COMMON)
@given(environments())
def test_environments_round_trip(model: Environment) -> None:
    assert_round_trips(model)


@settings(max_examples=examples(25), **COMMON)
@given(DOCUMENTS)
def test_descriptor_documents_are_lossless(data: bytes) -> None:
    """Non-canonical values and any layout come back exactly (C14N, prefixes, attribute order)."""
    assert_lossless(data)


@settings(max_examples=examples(25), **COMMON)
@given(environment_documents())
def test_environment_documents_are_lossless(data: bytes) -> None:
    assert_lossless(data)


@settings(max_examples=examples(25), **COMMON)
@given(PLAIN_DOCUMENTS, st.data())
def test_non_canonical_values_read_as_the_same_values(written: bytes, data: st.DataObject) -> None:
    """``02048``, ``+5``, `` 5 ``, ``True``: same model, original text kept in ``xml.lexical``."""
    variant = data.draw(lexical_variants(written))
    model = assert_lossless(variant)
    assert model == ovfkit.loads(written)
    assert ovfkit.dumps(ovfkit.loads(ovfkit.dumps(model))) == ovfkit.dumps(model)


UNTYPEABLE_QUANTITY = b"""<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" \
xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <VirtualSystem>
    <VirtualHardwareSection>
      <Item>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:VirtualQuantity>${cpus}</rasd:VirtualQuantity>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"""


@settings(max_examples=examples(25), **COMMON)
@given(PLAIN_DOCUMENTS.flatmap(lambda d: lexical_variants(d, untypeable=True)))
@example(UNTYPEABLE_QUANTITY)
def test_untypeable_values_are_kept(data: bytes) -> None:
    """``${cpus}`` in an integer leaf reads as None but must be written back as it was."""
    assert_lossless(data)


CORPUS = corpus_documents()


@needs_corpus
@pytest.mark.corpus
@settings(max_examples=examples(30), **COMMON)
@given(st.sampled_from(CORPUS or [Path("absent")]), st.data())
def test_corpus_files_stay_lossless_in_other_layouts(path: Path, data: st.DataObject) -> None:
    """Re-indented (tabs, 4 spaces, none), CRLF and BOM variants of real files are kept exactly."""
    assert_lossless(data.draw(layout_variants(path.read_bytes())))


@needs_corpus
@pytest.mark.corpus
@settings(max_examples=examples(30), **COMMON)
@given(st.sampled_from(CORPUS or [Path("absent")]), st.data())
def test_corpus_files_keep_non_canonical_values(path: Path, data: st.DataObject) -> None:
    original = path.read_bytes()
    variant = data.draw(lexical_variants(original))
    model = assert_lossless(variant)
    assert model == ovfkit.loads(original)


# -- minimal reproductions of failures the properties found ---------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><VirtualSystem><VirtualHardwareSection>'
            b'<Item><rasd:InstanceID xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/'
            b'CIM_ResourceAllocationSettingData">1</rasd:InstanceID></Item>'
            b"</VirtualHardwareSection></VirtualSystem></Envelope>",
            id="leaf",
        ),
        pytest.param(
            b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><VirtualSystem>'
            b'<ovf:Info xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">x</ovf:Info>'
            b"</VirtualSystem></Envelope>",
            id="model",
        ),
    ],
)
def test_leaf_declaring_its_own_prefix_is_written_back(data: bytes) -> None:
    """A typed element whose prefix is declared on itself (found by the properties; fixed in ebe2b4e).

    The writer writes such leaves itself when the Envelope does not declare ``rasd``/``vssd``.
    """
    assert ovfkit.dumps(ovfkit.loads(data)) == data


def test_untypeable_leaf_value_is_written_back() -> None:
    """BUG (writer): a scalar leaf whose text is no value of its type is dropped on dump.

    ``<rasd:VirtualQuantity>${cpus}</rasd:VirtualQuantity>`` reads as None with the text in
    ``xml.lexical``; the writer skips a None leaf before looking at the lexical form. (Untypeable
    attribute values, such as ``ovf:size="big"``, are kept.)
    """
    assert ovfkit.dumps(ovfkit.loads(UNTYPEABLE_QUANTITY)) == UNTYPEABLE_QUANTITY


def test_attribute_prefix_is_kept_when_two_prefixes_share_a_namespace() -> None:
    """BUG (reader): with ``xmlns:p`` and ``xmlns:q`` bound to one URI, ``p:x`` is read back as ``q:x``.

    lxml does not keep attribute prefixes; the reader derives them from the URI (the last prefix
    declared for it wins), so the output differs in C14N.
    """
    data = (
        b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:p="urn:u" xmlns:q="urn:u">'
        b'<References><File p:x="1"/></References></Envelope>'
    )
    assert ovfkit.dumps(ovfkit.loads(data)) == data


@pytest.mark.parametrize(
    "after_root",
    [b"<!--c-->", b"\n\n<!--c-->\n", b"\n<!--c--><?p?>\n", b"\n\n", b"  "],
    ids=["no-space", "blank-lines", "adjacent", "two-newlines", "spaces"],
)
def test_whitespace_after_the_root_is_kept(after_root: bytes) -> None:
    """BUG (reader, minor): whitespace after the root element is normalized, not kept.

    The reader puts one LF before each trailing comment or PI and at most one at the end, whatever
    the input had. C14N does not see this; a byte comparison does.
    """
    data = b'<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>' + after_root
    assert ovfkit.dumps(ovfkit.loads(data)) == data


@settings(max_examples=examples(25), **COMMON)
@given(PLAIN_DOCUMENTS, st.data())
def test_text_between_children_is_kept(written: bytes, data: st.DataObject) -> None:
    """Text (with ``<`` and ``&``) between the children of typed elements comes back exactly.

    Fails: the writer copies the text between children of a typed element without escaping it, so
    ``<Item>a&lt;b<rasd:InstanceID>...`` is written as ``<Item>a<b<rasd:InstanceID>...``.
    """
    assert_lossless(data.draw(layout_variants(written, mixed_text=True)))


def test_escaped_text_between_children_is_written_escaped() -> None:
    """BUG (writer): minimal reproduction of the property above."""
    data = (
        b'<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
        b'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">'
        b"<VirtualSystem><VirtualHardwareSection><Item>a&lt;b<rasd:InstanceID>1</rasd:InstanceID></Item>"
        b"</VirtualHardwareSection></VirtualSystem></Envelope>"
    )
    assert ovfkit.dumps(ovfkit.loads(data)) == data


@pytest.mark.parametrize(
    "data",
    [
        b'<!--a\r\nb-->\r\n<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>\r\n',
        b'<?p a\r\nb?>\r\n<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>\r\n',
    ],
    ids=["comment", "pi"],
)
def test_multi_line_prolog_node_in_a_crlf_document_is_kept(data: bytes) -> None:
    """BUG (reader): a CRLF document's comment or PI before the root keeps its CR, and the writer adds one.

    The reader takes prolog comments and PIs from the undecoded-newline text (``a\\r\\nb``); the
    writer turns every LF into CRLF for such documents, giving ``a\\r\\r\\nb``: an extra line in C14N.
    Found by test_corpus_files_stay_lossless_in_other_layouts on nostalgia-vm-storage-policy.ovf.
    """
    assert ovfkit.dumps(ovfkit.loads(data)) == data


ENVIRONMENT = '<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>\n'


def test_prolog_pi_data_starting_with_a_unicode_space_is_kept() -> None:
    """BUG (reader): ``<?p \\x85a?>`` before the root reads as data ``a``: ``str.lstrip()`` strips U+0085
    (and U+2028, ...), which XML does not count as whitespace. Found by test_ovf2_envelopes_round_trip."""
    data = ("<?p \x85a?>\n" + ENVIRONMENT).encode()
    model = ovfkit.loads(data)
    assert model.document.prolog[0] == ProcessingInstruction(target="p", text="\x85a")
    assert ovfkit.dumps(model) == data


@pytest.mark.parametrize("separator", ["\t", "\n", "\r\n"], ids=["tab", "lf", "crlf"])
def test_prolog_pi_target_ends_at_any_xml_space(separator: str) -> None:
    """BUG (reader, model only): ``<?p\\ta?>`` before the root reads as target ``p\\ta`` with no data.

    The document still round trips byte for byte; the model is wrong.
    """
    model = ovfkit.loads(("<?p" + separator + "a?>\n" + ENVIRONMENT).encode())
    assert model.document.prolog[0] == ProcessingInstruction(target="p", text="a")


HANG_CHECK = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
import ovfkit
data = sys.stdin.buffer.read()
sys.stdout.buffer.write(ovfkit.dumps(ovfkit.loads(data)))
"""


def test_comment_starting_with_greater_than_before_the_root_is_read() -> None:
    """BUG (reader, denial of service): ``<!-->x-->`` before the root makes ``loads`` loop forever.

    ``_document`` finds the comment's end with ``text.index("-->", pos)`` from the ``<!--`` itself, so
    the ``-->`` inside ``<!-->`` ends it; the scan then stops on ``x`` and appends ``""`` to the
    prolog forever (hundreds of MB within seconds). An 80-byte file hangs ``ovfkit show``. Found by
    test_envelopes_round_trip under hypothesis's ``ci`` profile. Run in a capped subprocess.
    """
    data = b'<!-->x-->\n<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"/>\n'
    try:
        result = subprocess.run(
            [sys.executable, "-c", HANG_CHECK],
            input=data,
            capture_output=True,
            timeout=20,
            cwd=ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("ovfkit.loads did not return within 10 s")
    assert result.returncode == 0, result.stderr[-300:]
    assert result.stdout == data
