"""Certificates: parsing ``.cert`` files, checking RSA signatures, expiry, key size, chains, signing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from ovfkit.ova import OvaPackError, OvaTrustError
from ovfkit.ova.certificate import check_signature, load_trust_anchors, parse_certificate_file, sign_manifest
from tests.unit.ova.builders import (
    NOW,
    Signer,
    authority,
    certificate,
    ec_key,
    key_pem,
    pem,
    rsa_key,
    self_signed,
)

MANIFEST = b"SHA256(vm.ovf)= " + b"0" * 64 + b"\n"


def check(cert_file: bytes, manifest: bytes = MANIFEST, **options: object) -> list[tuple[str, str]]:
    parsed, problems = parse_certificate_file(cert_file, "vm.cert")
    assert parsed is not None, problems
    result = check_signature(parsed, manifest, name="vm.cert", **options)  # type: ignore[arg-type]
    return [(f.code, f.severity) for f in problems + result.findings]


class TestParse:
    def test_ovftool_layout(self) -> None:
        signer = self_signed()
        parsed, problems = parse_certificate_file(signer.sign(MANIFEST), "vm.cert")
        assert problems == []
        assert parsed is not None
        assert (parsed.algorithm, parsed.target, len(parsed.signature), len(parsed.certificates)) == (
            "SHA256",
            "vm.mf",
            256,
            1,
        )

    def test_spaced_variant_and_crlf(self) -> None:
        data = (
            self_signed()
            .sign(MANIFEST)
            .replace(b"SHA256(vm.mf)= ", b"SHA256 (vm.mf) = ")
            .replace(b"\n", b"\r\n")
        )
        parsed, problems = parse_certificate_file(data)
        assert parsed is not None and problems == []

    def test_chain_is_kept_in_order(self) -> None:
        parsed, _ = parse_certificate_file(authority().signer.sign(MANIFEST))
        assert parsed is not None and len(parsed.certificates) == 2

    @pytest.mark.parametrize(
        ("mutate", "message"),
        [
            (lambda d: d.split(b"\n", 1)[1], "no signature line"),
            (lambda d: d.replace(b"SHA256(", b"MD5(", 1), "MD5"),
            (lambda d: d.replace(b"SHA256(", b"SHA384(", 1), "unsupported"),
            (lambda d: d.replace(b"= ", b"= zz", 1), "hex"),
            (lambda d: d[: d.index(b"-----BEGIN")], "no PEM certificate"),
            (lambda d: d + b"SHA256(other.mf)= 00\n", "2 signature lines"),
            (lambda d: b"\xff\xfe" + d, "UTF-8"),
        ],
    )
    def test_unusable_files(self, mutate: object, message: str) -> None:
        parsed, problems = parse_certificate_file(mutate(self_signed().sign(MANIFEST)))  # type: ignore[operator]
        assert parsed is None
        assert any(message in f.message for f in problems), problems
        assert all(f.code == "OVA301" for f in problems)

    def test_stray_text_is_an_error(self) -> None:
        _, problems = parse_certificate_file(self_signed().sign(MANIFEST) + b"hello\n")
        assert [f.code for f in problems] == ["OVA301"]

    def test_private_key_in_the_file(self) -> None:
        signer = self_signed()
        data = signer.sign(MANIFEST) + key_pem(signer.key)
        _, problems = parse_certificate_file(data)
        assert [f.code for f in problems] == ["OVA310"]

    def test_sha1_signature_is_a_warning(self) -> None:
        _, problems = parse_certificate_file(self_signed().sign(MANIFEST, algorithm="SHA1"))
        assert [(f.code, f.severity) for f in problems] == [("OVA307", "warning")]


class TestCheck:
    @pytest.mark.parametrize("algorithm", ["SHA1", "SHA256", "SHA512"])
    def test_good_signature_without_trust(self, algorithm: str) -> None:
        found = check(self_signed().sign(MANIFEST, algorithm=algorithm))
        assert ("OVA308", "warning") in found
        assert not [c for c, s in found if s == "error"]

    def test_tampered_manifest(self) -> None:
        data = self_signed().sign(MANIFEST)
        assert ("OVA303", "error") in check(data, MANIFEST.replace(b"0", b"1", 1))

    def test_signed_by_another_key(self) -> None:
        other = Signer(rsa_key(2048, "other"), self_signed().chain)
        assert ("OVA303", "error") in check(other.sign(MANIFEST))

    def test_expired(self) -> None:
        signer = self_signed(
            "Old", not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=10)
        )
        found = check(signer.sign(MANIFEST), anchors=list(signer.chain))
        assert ("OVA304", "error") in found

    def test_not_yet_valid(self) -> None:
        signer = self_signed(
            "Future", not_before=NOW + dt.timedelta(days=10), not_after=NOW + dt.timedelta(days=20)
        )
        assert ("OVA304", "error") in check(signer.sign(MANIFEST))

    def test_time_can_be_given(self) -> None:
        data = self_signed().sign(MANIFEST)
        assert ("OVA304", "error") in check(data, at=NOW + dt.timedelta(days=365))

    def test_short_rsa_key(self) -> None:
        signer = self_signed("Short", bits=1024)
        assert ("OVA305", "error") in check(signer.sign(MANIFEST))

    def test_non_rsa_key(self) -> None:
        key = ec_key()
        signer = Signer(key, [certificate("EC", key)])
        assert ("OVA305", "error") in check(signer.sign(MANIFEST))

    def test_key_usage_without_signatures(self) -> None:
        signer = self_signed("Encipher only", digital_signature=False)
        assert ("OVA312", "error") in check(signer.sign(MANIFEST))

    def test_self_signed_pinned(self) -> None:
        signer = self_signed()
        assert ("OVA309", "info") in check(signer.sign(MANIFEST), anchors=list(signer.chain))

    def test_self_signed_not_pinned(self) -> None:
        signer = self_signed()
        found = check(signer.sign(MANIFEST), anchors=[authority().root])
        assert ("OVA306", "error") in found

    def test_self_signed_lookalike_is_not_pinned(self) -> None:
        # same subject, another key: only that very certificate is pinned
        signer = self_signed()
        impostor = Signer(rsa_key(2048, "impostor"), [certificate("Test Signer", rsa_key(2048, "impostor"))])
        assert ("OVA306", "error") in check(impostor.sign(MANIFEST), anchors=list(signer.chain))

    def test_signer_names_are_escaped(self) -> None:
        signer = self_signed("Evil\x1b[2J\u202eSigner")
        parsed, _ = parse_certificate_file(signer.sign(MANIFEST))
        assert parsed is not None
        result = check_signature(parsed, MANIFEST, anchors=[authority().root])
        assert result.signer == "CN=Evil\\x1b[2J\\u202eSigner"
        assert all("\x1b" not in f.message and "\u202e" not in f.message for f in result.findings)

    def test_chain_to_root(self) -> None:
        pki = authority()
        found = check(pki.signer.sign(MANIFEST), anchors=[pki.root])
        assert ("OVA309", "info") in found and not [c for c, s in found if s == "error"]

    def test_chain_to_intermediate_anchor(self) -> None:
        pki = authority()
        assert ("OVA309", "info") in check(pki.signer.sign(MANIFEST), anchors=[pki.intermediate])

    def test_chain_without_the_intermediate(self) -> None:
        pki = authority()
        signer = Signer(pki.signer.key, pki.signer.chain[:1])
        assert ("OVA306", "error") in check(signer.sign(MANIFEST), anchors=[pki.root])

    def test_intermediate_that_is_not_a_ca(self) -> None:
        pki = authority()
        fake_ca_key = rsa_key(2048, "fake-ca")
        fake_ca = certificate("Fake CA", fake_ca_key, issuer=pki.root, issuer_key=pki.root_key, ca=False)
        leaf_key = rsa_key(2048, "fake-leaf")
        leaf = certificate("Leaf", leaf_key, issuer=fake_ca, issuer_key=fake_ca_key)  # type: ignore[arg-type]
        found = check(Signer(leaf_key, [leaf, fake_ca]).sign(MANIFEST), anchors=[pki.root])
        assert ("OVA306", "error") in found

    def test_expired_anchor(self) -> None:
        root_key = rsa_key(2048, "old-root")
        root = certificate(
            "Old Root",
            root_key,
            ca=True,
            not_before=NOW - dt.timedelta(days=99),
            not_after=NOW - dt.timedelta(days=1),
        )
        leaf_key = rsa_key(2048, "old-root-leaf")
        leaf = certificate("Leaf", leaf_key, issuer=root, issuer_key=root_key)
        assert ("OVA306", "error") in check(Signer(leaf_key, [leaf]).sign(MANIFEST), anchors=[root])


class TestTrustFile:
    def test_pem_bundle(self, tmp_path: Path) -> None:
        pki = authority()
        path = tmp_path / "trust.pem"
        path.write_bytes(b"# comment\n" + pem(pki.root, pki.intermediate))
        assert [c.subject for c in load_trust_anchors(path)] == [pki.root.subject, pki.intermediate.subject]

    def test_der(self) -> None:
        from cryptography.hazmat.primitives.serialization import Encoding

        root = authority().root
        assert load_trust_anchors(root.public_bytes(Encoding.DER)) == [root]

    @pytest.mark.parametrize(
        "data", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
    )
    def test_unreadable(self, data: bytes) -> None:
        with pytest.raises(OvaTrustError):
            load_trust_anchors(data)

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(OvaTrustError, match="cannot read"):
            load_trust_anchors(tmp_path / "absent.pem")


class TestSign:
    @pytest.mark.parametrize("algorithm", ["SHA256", "SHA512"])
    def test_signature_verifies_like_openssl(self, algorithm: str) -> None:
        signer = self_signed()
        data = sign_manifest(MANIFEST, "vm.mf", key_pem(signer.key), pem(*signer.chain), algorithm=algorithm)
        parsed, problems = parse_certificate_file(data)
        assert parsed is not None and problems == [] and parsed.algorithm == algorithm
        chosen = hashes.SHA256() if algorithm == "SHA256" else hashes.SHA512()
        signer.chain[0].public_key().verify(parsed.signature, MANIFEST, padding.PKCS1v15(), chosen)  # type: ignore[call-arg, union-attr]

    def test_refusals(self) -> None:
        signer = self_signed()
        small = self_signed("Small", bits=1024)
        other = self_signed("Other")
        expired = self_signed(
            "Expired", not_before=NOW - dt.timedelta(days=9), not_after=NOW - dt.timedelta(days=1)
        )
        ec = ec_key()
        cases = [
            (key_pem(signer.key, b"secret"), pem(*signer.chain), "encrypted"),
            (b"nonsense", pem(*signer.chain), "not a PEM private key"),
            (key_pem(ec), pem(certificate("EC", ec)), "not an RSA key"),
            (key_pem(small.key), pem(*small.chain), "at least 2048"),
            (key_pem(signer.key), pem(*other.chain), "does not belong"),
            (key_pem(expired.key), pem(*expired.chain), "not valid now"),
            (key_pem(signer.key), b"nothing", "cannot be read"),
        ]
        for key_data, cert_data, message in cases:
            with pytest.raises(OvaPackError, match=message):
                sign_manifest(MANIFEST, "vm.mf", key_data, cert_data)

    def test_only_sha256_or_sha512(self) -> None:
        signer = self_signed()
        with pytest.raises(ValueError):
            sign_manifest(MANIFEST, "vm.mf", key_pem(signer.key), pem(*signer.chain), algorithm="SHA1")
