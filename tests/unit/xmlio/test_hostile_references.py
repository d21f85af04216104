"""References that must stay text: XInclude, ``xsi:schemaLocation``, stylesheet PIs, ``xml:base``.

These documents are well formed and carry no DOCTYPE, so they load. What they name is never read or
fetched: an ``xi:include`` is an ordinary extension node, a schema location an ordinary attribute,
and both are written back unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import ovfkit
from ovfkit.model import VirtualHardwareSection
from tests.unit.xmlio.encodings import ENCODINGS
from tests.unit.xmlio.hostile import OVF1, Trap, as_text, assert_loaded, envelope, everywhere

XI = "http://www.w3.org/2001/XInclude"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: name -> (where it goes: "body" inside the VirtualHardwareSection, "root" attributes, "head"), markup
CASES: dict[str, tuple[str, str]] = {
    "xinclude-text-file-url": ("body", f'<xi:include xmlns:xi="{XI}" href="{{canary_url}}" parse="text"/>'),
    "xinclude-xml-relative": ("body", f'<xi:include xmlns:xi="{XI}" href="{{canary_rel}}" parse="xml"/>'),
    "xinclude-http": ("body", f'<xi:include xmlns:xi="{XI}" href="{{http}}/include.xml"/>'),
    "xinclude-with-fallback": (
        "body",
        f'<xi:include xmlns:xi="{XI}" href="{{http}}/a.xml"><xi:fallback>'
        f'<xi:include href="{{canary_url}}" parse="text"/></xi:fallback></xi:include>',
    ),
    "xinclude-2001-namespace-old": (
        "body",
        '<xi:include xmlns:xi="http://www.w3.org/2003/XInclude" href="{canary_url}" parse="text"/>',
    ),
    "schema-location-http": (
        "root",
        f' xmlns:xsi="{XSI}" xsi:schemaLocation="{OVF1} {{http}}/dsp8023.xsd '
        f'http://www.vmware.com/schema/ovf {{http}}/vmware.xsd"',
    ),
    "schema-location-file": ("root", f' xmlns:xsi="{XSI}" xsi:schemaLocation="{OVF1} {{canary_url}}"'),
    "no-namespace-schema-location": (
        "root",
        f' xmlns:xsi="{XSI}" xsi:noNamespaceSchemaLocation="{{canary_rel}}"',
    ),
    "schema-location-private-address": (
        "root",
        f' xmlns:xsi="{XSI}" xsi:schemaLocation="{OVF1} http://10.0.0.1/ovf.xsd '
        f'{OVF1} \\\\server\\share\\a.xsd"',
    ),
    "xml-stylesheet-pi": ("head", '<?xml-stylesheet type="text/xsl" href="{http}/steal.xsl"?>\n'),
    "xml-base": ("root", ' xml:base="{http}/base/"'),
}


def document(trap: Trap, case: str) -> str:
    """One case as document text, referencing this test's canary and listener."""
    where, markup = CASES[case]
    if where == "body":
        text = envelope(body=markup)
    elif where == "root":
        text = envelope(root_attrs=markup)
    else:
        text = envelope(head=markup)
    return trap.fill(text)


READ_IN = ["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-no-bom", "utf-32-le-bom", "latin-1"]


@pytest.mark.parametrize("encoding", READ_IN)
@pytest.mark.parametrize("case", CASES)
def test_references_are_kept_and_never_followed(
    case: str, encoding: str, trap: Trap, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ENCODINGS[encoding](document(trap, case))
    outcomes = everywhere(data, tmp_path)
    assert_loaded(outcomes)
    for outcome in outcomes:
        out = ovfkit.dumps(outcome.model)
        if outcome.entry.name == "loads-str":
            assert as_text(out) == as_text(data)  # a str has no bytes to give back, only its text
        else:
            assert out == data
        trap.assert_clean(outcome.model, out, outcome.model.document.warnings)
    captured = capsys.readouterr()
    trap.assert_clean(captured.out, captured.err)


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("xinclude")])
def test_xinclude_is_an_extension_node(case: str, trap: Trap, tmp_path: Path) -> None:
    models = assert_loaded(everywhere(document(trap, case).encode(), tmp_path))
    for model in models:
        hardware = model.virtual_systems()[0].section(VirtualHardwareSection)
        (include,) = hardware.extensions
        assert isinstance(include, ovfkit.Node)
        assert include.local_name == "include"
        assert include.name == "xi:include"
        assert dict(include.attributes)["href"].startswith(("file:", "canary", "http:"))
        assert hardware.items == []


@pytest.mark.parametrize(
    "case", ["schema-location-http", "schema-location-file", "no-namespace-schema-location"]
)
def test_schema_location_is_an_untyped_attribute(case: str, trap: Trap, tmp_path: Path) -> None:
    text = document(trap, case)
    for model in assert_loaded(everywhere(text.encode(), tmp_path)):
        (name,) = [key for key in model.attributes if "chemaLocation" in key]
        assert name.startswith("xsi:")
        assert model.attributes[name] in text


def test_stylesheet_pi_is_kept_in_the_prolog(trap: Trap, tmp_path: Path) -> None:
    for model in assert_loaded(everywhere(document(trap, "xml-stylesheet-pi").encode(), tmp_path)):
        pis = [item for item in model.document.prolog if isinstance(item, ovfkit.ProcessingInstruction)]
        assert [pi.target for pi in pis] == ["xml-stylesheet"]
        assert trap.listener.url in pis[0].text
