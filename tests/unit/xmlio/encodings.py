"""The encodings a hostile document is written in, for the tests that repeat a case in each of them."""

from __future__ import annotations

import codecs
from collections.abc import Callable

from tests.unit.xmlio.hostile import with_declared_encoding


def _utf7_hiding_markup(text: str) -> bytes:
    """UTF-7 as an attacker writes it: every ``<``, ``>`` and ``&`` after the declaration base64-coded."""
    declaration, rest = text.split("?>", 1)
    rest = rest.replace("&", "+ACY-").replace("<", "+ADw-").replace(">", "+AD4-")
    return (with_declared_encoding(declaration + "?>", "UTF-7") + rest).encode("ascii")


def _wide(codec: str, label: str, bom: bytes = b"") -> Callable[[str], bytes]:
    return lambda text: bom + with_declared_encoding(text, label).encode(codec)


#: name -> how to turn a UTF-8-declared document text into bytes in that encoding.
ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-8-undeclared": lambda text: text.replace(' encoding="UTF-8"', "", 1).encode("utf-8"),
    "utf-16-le-bom": _wide("utf-16-le", "UTF-16", codecs.BOM_UTF16_LE),
    "utf-16-be-bom": _wide("utf-16-be", "UTF-16", codecs.BOM_UTF16_BE),
    "utf-16-le-no-bom": _wide("utf-16-le", "UTF-16"),
    "utf-16-be-no-bom": _wide("utf-16-be", "UTF-16"),
    "utf-32-le-bom": _wide("utf-32-le", "UTF-32", codecs.BOM_UTF32_LE),
    "utf-32-be-bom": _wide("utf-32-be", "UTF-32", codecs.BOM_UTF32_BE),
    "utf-32-le-no-bom": _wide("utf-32-le", "UTF-32"),
    "utf-32-be-no-bom": _wide("utf-32-be", "UTF-32"),
    "utf-7": _utf7_hiding_markup,
    "utf-7-declared-plain": lambda text: with_declared_encoding(text, "UTF-7").encode("ascii"),
    "ebcdic-cp037": _wide("cp037", "IBM037"),
    "ebcdic-cp500": _wide("cp500", "IBM500"),
    "ebcdic-declared-ascii-bytes": lambda text: with_declared_encoding(text, "IBM037").encode("ascii"),
    "utf-16-declared-8-bit-bytes": lambda text: with_declared_encoding(text, "UTF-16").encode("utf-8"),
    "latin-1": lambda text: with_declared_encoding(text, "ISO-8859-1").encode("latin-1"),
}

#: Encodings ovfkit reads (the others it refuses whatever the document says).
READABLE = tuple(name for name in ENCODINGS if not name.startswith(("utf-7", "ebcdic-cp")))
#: Encodings refused as such: UTF-7 as hostile, real EBCDIC bytes as unsupported.
REFUSED_AS_HOSTILE = ("utf-7", "utf-7-declared-plain")
REFUSED_AS_UNSUPPORTED = ("ebcdic-cp037", "ebcdic-cp500")
