"""K rules over hrefs decoded once: absolute paths, escapes, globs and unsafe characters."""

from __future__ import annotations

import pytest

from tests.unit.validate.rules.helpers import document, found

HREF = 'ovf:href="disk1.vmdk"'


def codes_for(href: str) -> set[str]:
    data = document((HREF, f'ovf:href="{href}"'))
    return {code for code in ("K101", "K102", "K103", "K104", "K105") if found(data, code)}


@pytest.mark.parametrize(
    ("href", "codes"),
    [
        ("sub/disk1.vmdk", set()),
        ("/abs/disk1.vmdk", {"K101"}),
        ("\\abs\\disk1.vmdk", {"K101", "K105"}),
        ("C:\\disk1.vmdk", {"K101", "K105"}),
        ("c:/disk1.vmdk", {"K101"}),
        ("FILE:disk1.vmdk", {"K101"}),
        ("%2Fabs", {"K101"}),
        ("C:disk1.vmdk", {"K102"}),
        ("http://example.com/disk1.vmdk", {"K102"}),
        ("a/../../disk1.vmdk", {"K103"}),
        ("a/../disk1.vmdk", set()),
        ("%2E%2E/disk1.vmdk", {"K103"}),
        ("disk*.vmdk", {"K104"}),
        ("disk%2A.vmdk", {"K104"}),
        ("disk%01.vmdk", {"K105"}),
        ("disk%7F.vmdk", {"K105"}),
        ("caf\u00e9.vmdk", set()),
        ("cafe\u0301.vmdk", {"K105"}),
        ("%20", {"K105"}),
    ],
)
def test_hrefs(href: str, codes: set[str]) -> None:
    assert codes_for(href) == codes
