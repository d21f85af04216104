"""Failing reproductions of bugs in files the xmlio-safety work does not own (reader, writer, api).

Each test is named after the module that needs the fix; it fails until that fix lands, then passes
unchanged. The report to the lead has the same reproductions and the suggested fixes.
"""

from __future__ import annotations

import pytest

import ovfkit
from tests.unit.xmlio.hostile import OVF1, envelope, with_declared_encoding


def _extensions(count: int) -> bytes:
    return (
        f'<Envelope xmlns="{OVF1}"><References/>' + '<x:a xmlns:x="urn:x"/>' * count + "</Envelope>"
    ).encode()


def test_reader_counts_each_element_once_against_max_elements() -> None:
    """xmlio/reader.py: ``self.count += len(children)`` counts again every child that ``read_typed`` or
    ``read_other`` already counted, so a 10-element document is refused under ``max_elements=18``."""
    data = _extensions(8)  # Envelope + References + 8 extensions = 10 elements
    assert ovfkit.loads(data, limits=ovfkit.Limits(max_elements=10)).document is not None


def test_element_limit_error_has_a_line() -> None:
    """The "more elements than the limit" error names the line of the first element over the limit.

    The loader counts elements before libxml2 builds a tree; the reader relies on that count (it
    reads only trees parsed under the same limits) and does not count again.
    """
    with pytest.raises(ovfkit.OvfSecurityError, match="more elements") as caught:
        ovfkit.loads(_extensions(8), limits=ovfkit.Limits(max_elements=5))
    assert caught.value.line is not None, str(caught.value)


def test_api_loads_str_reads_an_8bit_declaration_without_mojibake() -> None:
    """api.py: ``loads(str)`` encodes the text as UTF-8, then the bytes are decoded as the declaration
    says (ISO-8859-1 here), so "Café" becomes "CafÃ©". Fix: for a str, call
    ``ovfkit.xmlio.safe.parse_text(data, name, limits)`` instead of ``parse_bytes``."""
    text = with_declared_encoding(envelope(info="Caf\u00e9"), "ISO-8859-1")
    model = ovfkit.loads(text)
    assert model.virtual_systems()[0].info.value == "Caf\u00e9"
    assert ovfkit.dumps(model) == text.encode("latin-1")


def test_writer_round_trips_an_unknown_dmtf_envelope_namespace() -> None:
    """writer.py: the reader accepts any ``http://schemas.dmtf.org/ovf/envelope...`` namespace as OVF
    (with a warning), but the writer only knows ``FAMILY_OF``'s, so ``ovf:id`` comes back as
    ``xmlns:ovf2="http://schemas.dmtf.org/ovf/envelope/1" ovf2:id``: not lossless."""
    uri = "http://schemas.dmtf.org/ovf/envelope/1x"
    data = (
        envelope().replace(f'xmlns="{OVF1}" xmlns:ovf="{OVF1}"', f'xmlns="{uri}" xmlns:ovf="{uri}"').encode()
    )
    model = ovfkit.loads(data)
    assert model.document.warnings
    assert ovfkit.dumps(model) == data
