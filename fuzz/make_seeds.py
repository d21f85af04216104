"""Write the seed corpora of the fuzz targets into a folder: ``python fuzz/make_seeds.py OUT``.

``OUT/xml``: the XML fixtures and the shared corpus (when present) as they are; ``OUT/json``: their
JSON form (``ovfkit.to_json``); ``OUT/ova``: small OVA packages (descriptor, SHA256/SHA1 manifest,
a certificate, a disk) built from them. Nothing is written into the repository.
"""

from __future__ import annotations

import hashlib
import io
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ovfkit  # noqa: E402
from tests.fuzz.seeds import corpus_seeds, fixture_seeds  # noqa: E402

#: Seeds bigger than this are left out (libFuzzer's -max_len is set from the biggest seed).
MAX_SEED = 128 * 1024


def _tar(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _ova(descriptor: bytes, algorithm: str) -> bytes:
    disk = b"disk data\n" * 8
    manifest = "".join(
        f"{algorithm.upper()}({name})= {hashlib.new(algorithm, data).hexdigest()}\n"
        for name, data in (("vm.ovf", descriptor), ("disk1.vmdk", disk))
    ).encode()
    return _tar([("vm.ovf", descriptor), ("vm.mf", manifest), ("disk1.vmdk", disk)])


def main(out: Path) -> int:
    """Write the three seed folders under ``out``; return 0."""
    for kind in ("xml", "json", "ova"):
        (out / kind).mkdir(parents=True, exist_ok=True)
    from ovfkit.convert import to_json

    count = 0
    for index, path in enumerate(fixture_seeds() + corpus_seeds()):
        data = path.read_bytes()
        if len(data) > MAX_SEED:
            continue
        count += 1
        (out / "xml" / f"{index:03d}-{path.name}").write_bytes(data)
        try:
            model = ovfkit.loads(data)
        except ovfkit.OvfError:
            continue
        (out / "json" / f"{index:03d}-{path.stem}.json").write_text(to_json(model), encoding="utf-8")
        if len(data) < 16 * 1024:
            algorithm = "sha1" if index % 3 == 0 else "sha256"
            (out / "ova" / f"{index:03d}-{path.stem}.ova").write_bytes(_ova(data, algorithm))
    print(f"wrote seeds of {count} documents under {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: make_seeds.py OUT", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
