"""Readable text and JSON for certificates and CSRs, compared with what
``openssl x509 -text`` and ``openssl req -text`` print."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
from pathlib import Path

import pytest

from purepki.backend import Backend
from purepki.certificate import Certificate
from purepki.csr import CSRBuilder, load_csr, parse_san_items
from purepki.keys import (
    ECPrivateKey,
    RSAPrivateKey,
    generate_ec_key,
    generate_rsa_key,
)
from purepki.name import Name
from purepki.profiles import Purpose, self_signed_ca, sign_request
from purepki.text import (
    certificate_json,
    certificate_text,
    csr_json,
    csr_text,
    expiry_status,
)

UTC = datetime.timezone.utc
START = datetime.datetime(2030, 1, 1, tzinfo=UTC)
END = datetime.datetime(2031, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def ec_key() -> ECPrivateKey:
    return generate_ec_key()


@pytest.fixture(scope="session")
def rsa_key() -> RSAPrivateKey:
    return generate_rsa_key()


def run(openssl: str, *args: str) -> str:
    """Run openssl; fail the test with its stderr when it exits non-zero."""
    result = subprocess.run(
        [openssl, *args], capture_output=True, check=False, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def strip_trailing(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


@pytest.fixture
def leaf(
    ec_key: ECPrivateKey, rsa_key: RSAPrivateKey, backend: Backend
) -> Certificate:
    root = self_signed_ca(
        rsa_key,
        Name.build([("CN", "Text Root")]),
        not_before=START,
        backend=backend,
    )
    request = (
        CSRBuilder()
        .subject_name(Name.build([("O", "Example"), ("CN", "t.example.test")]))
        .subject_alternative_names(parse_san_items("t.example.test,192.0.2.9"))
        .sign(ec_key, backend=backend)
    )
    return sign_request(
        request,
        root,
        rsa_key,
        purpose=Purpose.BOTH,
        not_before=START,
        days=365,
        serial_number=0x1F2E,
        backend=backend,
    )


# --- Expiry ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "state", "phrase"),
    [
        (START - datetime.timedelta(days=2), "not yet valid", "starts in 2"),
        (START + datetime.timedelta(days=1), "valid", "expires in 364 days"),
        (END - datetime.timedelta(days=29), "expiring", "EXPIRES SOON"),
        (END - datetime.timedelta(days=10), "expiring", "expires in 10 days"),
        (END + datetime.timedelta(days=3), "expired", "EXPIRED 3 days ago"),
        (END + datetime.timedelta(days=1), "expired", "EXPIRED 1 day ago"),
        (END + datetime.timedelta(hours=5), "expired", "less than 1 day"),
    ],
    ids=[
        "not-yet",
        "valid",
        "soon",
        "soon-days",
        "expired",
        "one-day",
        "hours",
    ],
)
def test_expiry_status(
    now: datetime.datetime, state: str, phrase: str
) -> None:
    found_state, found_phrase = expiry_status(START, END, now)
    assert found_state == state
    assert phrase in found_phrase


def test_thirty_days_left_is_not_soon() -> None:
    state, phrase = expiry_status(START, END, END - datetime.timedelta(30))
    assert state == "valid"
    assert phrase == "valid, expires in 30 days"


def test_text_rejects_naive_time(leaf: Certificate) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        certificate_text(leaf, datetime.datetime(2030, 5, 1))


# --- Certificate text ------------------------------------------------------


def test_certificate_text_facts(leaf: Certificate) -> None:
    text = certificate_text(leaf, END + datetime.timedelta(days=12))
    assert "Version: 3 (0x2)" in text
    assert "Serial Number: 7982 (0x1f2e)" in text
    assert "Signature Algorithm: sha256WithRSAEncryption" in text
    assert "Issuer: CN = Text Root" in text
    assert "Not Before: Jan  1 00:00:00 2030 GMT" in text
    assert "Status    : EXPIRED 12 days ago" in text
    assert "Subject: O = Example, CN = t.example.test" in text
    assert "Public-Key: (256 bit)" in text
    assert "NIST CURVE: P-256" in text


def test_certificate_text_extensions(leaf: Certificate) -> None:
    lines = strip_trailing(certificate_text(leaf, START))
    for title in (
        "X509v3 Basic Constraints: critical",
        "X509v3 Key Usage: critical",
        "X509v3 Extended Key Usage:",
        "X509v3 Subject Key Identifier:",
        "X509v3 Authority Key Identifier:",
        "X509v3 Subject Alternative Name:",
    ):
        assert f"            {title}" in lines
    assert "                DNS:t.example.test, IP Address:192.0.2.9" in lines


def test_certificate_text_rsa_key(
    rsa_key: RSAPrivateKey, backend: Backend
) -> None:
    root = self_signed_ca(
        rsa_key, Name.build([("CN", "RSA Text Root")]), backend=backend
    )
    text = certificate_text(root, START)
    assert "Public Key Algorithm: rsaEncryption" in text
    assert "Public-Key: (2048 bit)" in text
    assert "Exponent: 65537 (0x10001)" in text


def test_certificate_text_matches_openssl(
    tmp_path: Path, openssl: str, leaf: Certificate
) -> None:
    path = tmp_path / "leaf.pem"
    path.write_text(leaf.to_pem())
    expected = strip_trailing(
        run(openssl, "x509", "-in", str(path), "-noout", "-text")
    )
    ours = [
        line
        for line in strip_trailing(certificate_text(leaf, START))
        if not line.startswith("            Status")
    ]
    assert ours[: len(expected)] == expected


@pytest.mark.parametrize("algorithm", ["sha256", "sha1"])
def test_fingerprints_match_openssl(
    tmp_path: Path, openssl: str, leaf: Certificate, algorithm: str
) -> None:
    path = tmp_path / "leaf.pem"
    path.write_text(leaf.to_pem())
    out = run(
        openssl,
        "x509",
        "-in",
        str(path),
        "-noout",
        "-fingerprint",
        f"-{algorithm}",
    )
    fingerprint = out.strip().split("=", 1)[1]
    label = {"sha256": "SHA256: ", "sha1": "SHA1:   "}[algorithm]
    assert f"{label}{fingerprint}" in certificate_text(leaf, START)
    facts = certificate_json(leaf, START)
    expected = fingerprint.replace(":", "").lower()
    assert facts[f"{algorithm}_fingerprint"] == expected


def test_openssl_fixture_text_matches(
    openssl: str, openssl_fixtures: Path
) -> None:
    path = openssl_fixtures / "server.crt"
    certificate = Certificate.from_pem(path.read_bytes())
    expected = strip_trailing(
        run(openssl, "x509", "-in", str(path), "-noout", "-text")
    )
    ours = [
        line
        for line in strip_trailing(certificate_text(certificate))
        if not line.startswith("            Status")
    ]
    assert ours[: len(expected)] == expected


def test_random_serial_shown_like_openssl(
    tmp_path: Path, openssl: str, ec_key: ECPrivateKey, backend: Backend
) -> None:
    root = self_signed_ca(
        ec_key, Name.build([("CN", "Serial Root")]), backend=backend
    )
    path = tmp_path / "root.pem"
    path.write_text(root.to_pem())
    expected = strip_trailing(
        run(openssl, "x509", "-in", str(path), "-noout", "-text")
    )
    ours = strip_trailing(certificate_text(root, START))
    start = expected.index("        Serial Number:")
    assert ours[start : start + 2] == expected[start : start + 2]
    assert re.fullmatch(r" {12}([0-9a-f]{2}:){19}[0-9a-f]{2}", ours[start + 1])


# --- Certificate JSON ------------------------------------------------------


def test_certificate_json_facts(leaf: Certificate) -> None:
    now = END - datetime.timedelta(days=5)
    facts = json.loads(json.dumps(certificate_json(leaf, now)))
    names = [extension["name"] for extension in facts["extensions"]]
    assert facts["version"] == 3
    assert facts["serial_number"] == "0x1f2e"
    assert facts["issuer"] == "CN=Text Root"
    assert facts["subject"] == "CN=t.example.test,O=Example"
    assert facts["status"] == "expiring"
    assert "EXPIRES SOON" in facts["status_text"]
    assert facts["days_left"] == 5
    assert facts["public_key"]["curve"] == "P-256"
    assert facts["public_key"]["bits"] == 256
    assert names == [
        "basicConstraints",
        "keyUsage",
        "extendedKeyUsage",
        "subjectKeyIdentifier",
        "authorityKeyIdentifier",
        "subjectAltName",
    ]
    assert facts["extensions"][0]["critical"] is True


# --- CSR text and JSON -----------------------------------------------------

ATTRIBUTES_CONFIG = """\
[req]
distinguished_name = dn
attributes = attrs
req_extensions = ext
prompt = no
[dn]
CN = attrs.example.test
[attrs]
challengePassword = s3cret-pass
unstructuredName = Example Unit
[ext]
subjectAltName = DNS:attrs.example.test
keyUsage = critical, digitalSignature
"""


@pytest.fixture
def attributes_request(tmp_path: Path, openssl: str) -> Path:
    config = tmp_path / "req.conf"
    config.write_text(ATTRIBUTES_CONFIG)
    path = tmp_path / "attrs.csr"
    run(
        openssl,
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        str(tmp_path / "k.pem"),
        "-config",
        str(config),
        "-out",
        str(path),
    )
    return path


def test_csr_text_matches_openssl(
    openssl: str, attributes_request: Path
) -> None:
    request = load_csr(attributes_request.read_bytes())
    expected = strip_trailing(
        run(openssl, "req", "-in", str(attributes_request), "-noout", "-text")
    )
    assert strip_trailing(csr_text(request)) == expected


def test_csr_text_shows_attributes(attributes_request: Path) -> None:
    text = csr_text(load_csr(attributes_request.read_bytes()))
    assert "challengePassword        :s3cret-pass" in text
    assert "unstructuredName         :Example Unit" in text
    assert "X509v3 Key Usage: critical" in text


def test_csr_text_unknown_attribute(tmp_path: Path, openssl: str) -> None:
    config = tmp_path / "req.conf"
    config.write_text(
        "oid_section = oids\n[oids]\nexampleAttr = 1.3.6.1.4.1.55555.7\n"
        "[req]\ndistinguished_name = dn\nattributes = attrs\nprompt = no\n"
        "[dn]\nCN = unknown.example.test\n[attrs]\nexampleAttr = hello\n"
    )
    path = tmp_path / "unknown.csr"
    run(
        openssl,
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        str(tmp_path / "k.pem"),
        "-config",
        str(config),
        "-out",
        str(path),
    )
    request = load_csr(path.read_bytes())
    facts = csr_json(request)
    assert [a.oid for a in request.attributes] == ["1.3.6.1.4.1.55555.7"]
    assert "1.3.6.1.4.1.55555.7" in csr_text(request)
    assert "hello" in csr_text(request)
    assert facts["attributes"][0]["values"] == ["hello"]


def test_csr_text_without_attributes(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "bare.example.test")]))
        .sign(ec_key, backend=backend)
    )
    text = csr_text(request)
    assert "        Attributes:\n            (none)\n" in text
    assert "Requested Extensions" not in text


def test_csr_json_facts(
    attributes_request: Path,
) -> None:
    facts = json.loads(
        json.dumps(csr_json(load_csr(attributes_request.read_bytes())))
    )
    names = [attribute["name"] for attribute in facts["attributes"]]
    extensions = [extension["name"] for extension in facts["extensions"]]
    assert facts["subject"] == "CN=attrs.example.test"
    assert names == ["challengePassword", "unstructuredName"]
    assert facts["attributes"][0]["values"] == ["s3cret-pass"]
    assert extensions == ["subjectAltName", "keyUsage"]
    assert facts["extensions"][1]["critical"] is True
    assert facts["signature_algorithm"] == "ecdsa-with-SHA256"
    assert facts["public_key"]["type"] == "EC"


def test_pss_certificate_text_matches_openssl(
    tmp_path: Path, openssl: str, backend: Backend
) -> None:
    key = tmp_path / "pss.key"
    path = tmp_path / "pss.pem"
    run(
        openssl,
        "genpkey",
        "-algorithm",
        "RSA-PSS",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        str(key),
    )
    run(
        openssl,
        "req",
        "-x509",
        "-new",
        "-key",
        str(key),
        "-subj",
        "/CN=pss.example.test",
        "-sha256",
        "-sigopt",
        "rsa_pss_saltlen:32",
        "-days",
        "30",
        "-out",
        str(path),
    )
    certificate = Certificate.from_pem(path.read_bytes())
    certificate.verify_signature(certificate.public_key, backend=backend)
    expected = strip_trailing(
        run(openssl, "x509", "-in", str(path), "-noout", "-text")
    )
    ours = [
        line
        for line in strip_trailing(certificate_text(certificate))
        if not line.startswith("            Status")
    ]
    assert ours[: len(expected)] == expected
    assert "         Salt Length: 0x20" in ours


DISTRIBUTION_POINTS_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3
[dn]
CN = dp.example.test
[v3]
crlDistributionPoints = dp1, dp2
[dp1]
fullname = URI:http://crl1.example.test/a.crl
[dp2]
fullname = URI:http://crl2.example.test/b.crl
"""


def test_two_distribution_points_match_openssl(
    tmp_path: Path, openssl: str
) -> None:
    config = tmp_path / "dp.conf"
    config.write_text(DISTRIBUTION_POINTS_CONFIG)
    path = tmp_path / "dp.pem"
    run(
        openssl,
        "req",
        "-x509",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        str(tmp_path / "k.pem"),
        "-config",
        str(config),
        "-days",
        "3",
        "-out",
        str(path),
    )
    certificate = Certificate.from_pem(path.read_bytes())
    expected = strip_trailing(
        run(openssl, "x509", "-in", str(path), "-noout", "-text")
    )
    ours = [
        line
        for line in strip_trailing(certificate_text(certificate))
        if not line.startswith("            Status")
    ]
    assert ours[: len(expected)] == expected
