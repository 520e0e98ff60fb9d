"""Certificate profiles: self-signed CA, intermediate CA, service
certificates from CSRs, the checks made before signing, and chains that
``openssl verify`` accepts."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest

from purepki.asn1.oids import ExtendedKeyUsageOID, ExtensionOID
from purepki.backend import Backend
from purepki.certificate import Certificate, CertificateBuilder
from purepki.csr import (
    CertificateSigningRequest,
    CSRBuilder,
    parse_san_items,
    with_common_name,
)
from purepki.errors import InvalidSignature
from purepki.extensions import (
    BasicConstraints,
    ExtendedKeyUsage,
    KeyUsage,
    UnrecognizedExtension,
)
from purepki.keys import (
    ECPrivateKey,
    PrivateKey,
    RSAPrivateKey,
    generate_ec_key,
    generate_rsa_key,
    load_private_key,
)
from purepki.name import Name
from purepki.profiles import (
    Purpose,
    SigningError,
    ignored_request_extensions,
    self_signed_ca,
    sign_request,
)

UTC = datetime.timezone.utc
START = datetime.datetime(2030, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def ec_key() -> ECPrivateKey:
    return generate_ec_key()


@pytest.fixture(scope="session")
def rsa_key() -> RSAPrivateKey:
    return generate_rsa_key()


@pytest.fixture(scope="session")
def ec_root(ec_key: ECPrivateKey) -> Certificate:
    return self_signed_ca(ec_key, Name.build([("CN", "Profile EC Root")]))


@pytest.fixture(scope="session")
def rsa_root(rsa_key: RSAPrivateKey) -> Certificate:
    return self_signed_ca(rsa_key, Name.build([("CN", "Profile RSA Root")]))


def run(openssl: str, *args: str) -> str:
    """Run openssl; fail the test with its stderr when it exits non-zero."""
    result = subprocess.run(
        [openssl, *args], capture_output=True, check=False, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def service_request(
    key: PrivateKey, backend: Backend, common_name: str = "svc.example.test"
) -> CertificateSigningRequest:
    names = with_common_name(
        parse_san_items("alt.example.test,192.0.2.25"), common_name
    )
    return (
        CSRBuilder()
        .subject_name(Name.build([("O", "Example"), ("CN", common_name)]))
        .subject_alternative_names(names)
        .sign(key, backend=backend)
    )


def oids(certificate: Certificate) -> list[str]:
    return [extension.oid for extension in certificate.extensions]


# --- Self-signed CA --------------------------------------------------------


def test_self_signed_ca_extensions(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    ca = self_signed_ca(
        ec_key, Name.build([("CN", "Lab Root")]), backend=backend
    )
    constraints = ca.extensions.get(BasicConstraints)
    usage = ca.extensions.get(KeyUsage)
    assert constraints is not None and constraints.critical
    assert constraints.value == BasicConstraints(ca=True)
    assert usage is not None and usage.critical
    assert usage.value == KeyUsage(
        frozenset({"key_cert_sign", "crl_sign", "digital_signature"})
    )
    assert ca.issuer == ca.subject
    assert ca.is_self_issued
    ca.verify_signature(ec_key.public_key(), backend=backend)


def test_self_signed_ca_validity(
    rsa_key: RSAPrivateKey, backend: Backend
) -> None:
    ca = self_signed_ca(
        rsa_key,
        Name.build([("CN", "Lab Root")]),
        days=3650,
        not_before=START,
        backend=backend,
    )
    assert ca.not_before == START
    assert ca.not_after == START + datetime.timedelta(days=3650)


def test_self_signed_ca_needs_subject(ec_key: ECPrivateKey) -> None:
    with pytest.raises(SigningError, match="needs a subject"):
        self_signed_ca(ec_key, Name.from_der(b"\x30\x00"))


@pytest.mark.parametrize("days", [0, -5])
def test_self_signed_ca_rejects_days(ec_key: ECPrivateKey, days: int) -> None:
    with pytest.raises(SigningError, match="at least 1 day"):
        self_signed_ca(ec_key, Name.build([("CN", "x")]), days=days)


def test_validity_rejects_naive_start(ec_key: ECPrivateKey) -> None:
    with pytest.raises(SigningError, match="no time zone"):
        self_signed_ca(
            ec_key,
            Name.build([("CN", "x")]),
            not_before=datetime.datetime(2030, 1, 1),
        )


# --- Intermediate CA -------------------------------------------------------


def test_intermediate_has_path_length_zero(
    rsa_root: Certificate,
    rsa_key: RSAPrivateKey,
    ec_key: ECPrivateKey,
    backend: Backend,
) -> None:
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "Profile Intermediate")]))
        .sign(ec_key, backend=backend)
    )
    intermediate = sign_request(
        request,
        rsa_root,
        rsa_key,
        purpose=Purpose.CA,
        path_length=0,
        backend=backend,
    )
    constraints = intermediate.extensions.get(BasicConstraints)
    usage = intermediate.key_usage
    assert constraints is not None and constraints.critical
    assert constraints.value == BasicConstraints(ca=True, path_length=0)
    assert usage is not None and usage.key_cert_sign and usage.crl_sign
    assert intermediate.extended_key_usage is None
    assert intermediate.issuer.to_der() == rsa_root.subject.to_der()
    days = (intermediate.not_after - intermediate.not_before).days
    assert days == 3650


def test_path_length_needs_ca_purpose(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = service_request(ec_key, backend)
    with pytest.raises(SigningError, match="path length applies only"):
        sign_request(request, ec_root, ec_key, path_length=1, backend=backend)


def test_path_length_zero_ca_cannot_sign_ca(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "Level 1")]))
        .sign(ec_key, backend=backend)
    )
    level_1 = sign_request(
        request,
        ec_root,
        ec_key,
        purpose=Purpose.CA,
        path_length=0,
        backend=backend,
    )
    with pytest.raises(SigningError, match="pathLenConstraint 0"):
        sign_request(
            request, level_1, ec_key, purpose=Purpose.CA, backend=backend
        )
    leaf = sign_request(
        service_request(ec_key, backend), level_1, ec_key, backend=backend
    )
    assert not leaf.is_ca


# --- Service certificates --------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "usages"),
    [
        (
            Purpose.BOTH,
            (ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH),
        ),
        (Purpose.SERVER, (ExtendedKeyUsageOID.SERVER_AUTH,)),
        (Purpose.CLIENT, (ExtendedKeyUsageOID.CLIENT_AUTH,)),
    ],
    ids=["both", "server", "client"],
)
def test_service_extended_key_usage(
    ec_root: Certificate,
    ec_key: ECPrivateKey,
    backend: Backend,
    purpose: Purpose,
    usages: tuple[str, ...],
) -> None:
    request = service_request(ec_key, backend)
    leaf = sign_request(
        request, ec_root, ec_key, purpose=purpose, backend=backend
    )
    assert leaf.extended_key_usage == ExtendedKeyUsage(usages)
    assert not leaf.is_ca
    assert (leaf.not_after - leaf.not_before).days == 365


def test_service_key_usage_rsa(
    ec_root: Certificate,
    ec_key: ECPrivateKey,
    rsa_key: RSAPrivateKey,
    backend: Backend,
) -> None:
    request = service_request(rsa_key, backend)
    leaf = sign_request(request, ec_root, ec_key, backend=backend)
    usage = leaf.extensions.get(KeyUsage)
    assert usage is not None and usage.critical
    assert usage.value == KeyUsage(
        frozenset({"digital_signature", "key_encipherment"})
    )


def test_service_key_usage_ec(
    rsa_root: Certificate,
    rsa_key: RSAPrivateKey,
    ec_key: ECPrivateKey,
    backend: Backend,
) -> None:
    request = service_request(ec_key, backend)
    leaf = sign_request(request, rsa_root, rsa_key, backend=backend)
    assert leaf.key_usage == KeyUsage(
        frozenset({"digital_signature", "key_agreement"})
    )


def test_service_copies_san_from_request(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = service_request(ec_key, backend)
    leaf = sign_request(request, ec_root, ec_key, backend=backend)
    assert leaf.subject_alternative_name == request.subject_alternative_name
    assert leaf.subject.to_der() == request.subject.to_der()
    assert leaf.public_key == ec_key.public_key()


def test_service_san_from_common_name(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "cn-only.example.test")]))
        .sign(ec_key, backend=backend)
    )
    leaf = sign_request(request, ec_root, ec_key, backend=backend)
    san = leaf.subject_alternative_name
    assert san is not None
    assert san.dns_names == ("cn-only.example.test",)


def test_client_certificate_keeps_exact_cn(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "postgres")]))
        .sign(ec_key, backend=backend)
    )
    leaf = sign_request(
        request, ec_root, ec_key, purpose=Purpose.CLIENT, backend=backend
    )
    assert leaf.subject.common_names == ("postgres",)
    assert leaf.subject_alternative_name is None


def test_requested_profile_extensions_not_doubled(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "greedy.example.test")]))
        .subject_alternative_names(parse_san_items("greedy.example.test"))
        .add_extension(BasicConstraints(ca=True), critical=True)
        .add_extension(KeyUsage(frozenset({"key_cert_sign"})), critical=True)
        .add_extension(
            ExtendedKeyUsage((ExtendedKeyUsageOID.CODE_SIGNING,)), False
        )
        .sign(ec_key, backend=backend)
    )
    leaf = sign_request(request, ec_root, ec_key, backend=backend)
    found = oids(leaf)
    assert len(found) == len(set(found))
    assert not leaf.is_ca
    assert leaf.key_usage is not None
    assert not leaf.key_usage.key_cert_sign
    assert leaf.extended_key_usage is not None
    assert ExtendedKeyUsageOID.CODE_SIGNING not in leaf.extended_key_usage


def test_other_requested_extensions_left_out(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    comment = UnrecognizedExtension("1.3.6.1.4.1.55555.1", b"\x0c\x05hello")
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "extra.example.test")]))
        .add_extension(comment, critical=True)
        .sign(ec_key, backend=backend)
    )
    leaf = sign_request(request, ec_root, ec_key, backend=backend)
    ignored = ignored_request_extensions(request)
    assert [extension.oid for extension in ignored] == ["1.3.6.1.4.1.55555.1"]
    assert "1.3.6.1.4.1.55555.1" not in oids(leaf)
    assert leaf.extensions.unknown_critical() == ()


def test_profile_extensions_not_reported_ignored(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "plain.example.test")]))
        .subject_alternative_names(parse_san_items("plain.example.test"))
        .add_extension(BasicConstraints(ca=False), critical=True)
        .sign(ec_key, backend=backend)
    )
    assert ignored_request_extensions(request) == ()


def test_service_extensions_in_order(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    leaf = sign_request(
        service_request(ec_key, backend), ec_root, ec_key, backend=backend
    )
    assert oids(leaf) == [
        ExtensionOID.BASIC_CONSTRAINTS,
        ExtensionOID.KEY_USAGE,
        ExtensionOID.EXTENDED_KEY_USAGE,
        ExtensionOID.SUBJECT_KEY_IDENTIFIER,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
    ]


def test_given_serial_and_start(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    leaf = sign_request(
        service_request(ec_key, backend),
        ec_root,
        ec_key,
        serial_number=4242,
        not_before=START,
        days=30,
        backend=backend,
    )
    assert leaf.serial_number == 4242
    assert leaf.not_after == START + datetime.timedelta(days=30)


# --- Checks before signing -------------------------------------------------


def test_non_ca_cannot_sign(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    leaf = sign_request(
        service_request(ec_key, backend), ec_root, ec_key, backend=backend
    )
    request = service_request(ec_key, backend, "other.example.test")
    expected = (
        r"issuer CN=svc\.example\.test,O=Example is not a CA "
        r"\(basicConstraints missing or cA=false\)"
    )
    with pytest.raises(SigningError, match=expected):
        sign_request(request, leaf, ec_key, backend=backend)


def test_ca_without_key_cert_sign_cannot_sign(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    name = Name.build([("CN", "No Cert Sign")])
    ca = (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ec_key.public_key())
        .not_valid_before(START)
        .not_valid_after(START + datetime.timedelta(days=9))
        .add_extension(BasicConstraints(ca=True), critical=True)
        .add_extension(KeyUsage(frozenset({"crl_sign"})), critical=True)
        .sign(ec_key, backend=backend)
    )
    request = service_request(ec_key, backend)
    with pytest.raises(SigningError, match="without keyCertSign"):
        sign_request(request, ca, ec_key, backend=backend)


def test_openssl_v1_intermediate_cannot_sign(
    tmp_path: Path,
    openssl: str,
    openssl_fixtures: Path,
    ec_key: ECPrivateKey,
    backend: Backend,
) -> None:
    # openssl x509 -req without -extfile writes a version 1 certificate
    # without basicConstraints.
    out = tmp_path / "int.pem"
    run(
        openssl,
        "x509",
        "-req",
        "-in",
        str(openssl_fixtures / "intermediate.csr"),
        "-CA",
        str(openssl_fixtures / "root.crt"),
        "-CAkey",
        str(openssl_fixtures / "root.key"),
        "-set_serial",
        "7",
        "-days",
        "30",
        "-out",
        str(out),
    )
    intermediate = Certificate.from_pem(out.read_bytes())
    key = load_private_key(
        (openssl_fixtures / "intermediate.key").read_bytes()
    )
    assert intermediate.basic_constraints is None
    request = service_request(ec_key, backend)
    with pytest.raises(SigningError, match="is not a CA"):
        sign_request(request, intermediate, key, backend=backend)


def test_ca_key_mismatch_rejected(
    ec_root: Certificate,
    rsa_key: RSAPrivateKey,
    ec_key: ECPrivateKey,
    backend: Backend,
) -> None:
    request = service_request(ec_key, backend)
    with pytest.raises(SigningError, match="CA key does not match"):
        sign_request(request, ec_root, rsa_key, backend=backend)


def test_bad_request_signature_rejected(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = service_request(ec_key, backend)
    data = request.to_der().replace(b"svc.example", b"bad.example")
    tampered = CertificateSigningRequest.from_der(data)
    with pytest.raises(InvalidSignature):
        sign_request(tampered, ec_root, ec_key, backend=backend)


def test_empty_subject_ca_request_rejected(
    ec_root: Certificate, ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_alternative_names(parse_san_items("ca.example.test"))
        .sign(ec_key, backend=backend)
    )
    with pytest.raises(SigningError, match="needs a subject"):
        sign_request(
            request, ec_root, ec_key, purpose=Purpose.CA, backend=backend
        )


def test_openssl_made_ca_signs(
    openssl_fixtures: Path, ec_key: ECPrivateKey, backend: Backend
) -> None:
    ca = Certificate.from_pem((openssl_fixtures / "root.crt").read_bytes())
    ca_key = load_private_key((openssl_fixtures / "root.key").read_bytes())
    leaf = sign_request(
        service_request(ec_key, backend), ca, ca_key, backend=backend
    )
    leaf.verify_signature(ca.public_key, backend=backend)
    assert leaf.issuer.to_der() == ca.subject.to_der()


# --- Chains checked by openssl ---------------------------------------------


def make_chain(
    root_key: PrivateKey,
    intermediate_key: PrivateKey,
    leaf_key: PrivateKey,
    backend: Backend,
) -> tuple[Certificate, Certificate, Certificate]:
    root = self_signed_ca(
        root_key, Name.build([("CN", "Chain Root")]), backend=backend
    )
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "Chain Intermediate")]))
        .sign(intermediate_key, backend=backend)
    )
    intermediate = sign_request(
        request,
        root,
        root_key,
        purpose=Purpose.CA,
        path_length=0,
        backend=backend,
    )
    leaf = sign_request(
        service_request(leaf_key, backend, "chain.example.test"),
        intermediate,
        intermediate_key,
        purpose=Purpose.SERVER,
        backend=backend,
    )
    return root, intermediate, leaf


@pytest.mark.parametrize("kind", ["rsa", "ec", "mixed"])
def test_openssl_verifies_chain(
    tmp_path: Path,
    openssl: str,
    rsa_key: RSAPrivateKey,
    ec_key: ECPrivateKey,
    backend: Backend,
    kind: str,
) -> None:
    keys: dict[str, tuple[PrivateKey, PrivateKey, PrivateKey]] = {
        "rsa": (rsa_key, rsa_key, rsa_key),
        "ec": (ec_key, ec_key, ec_key),
        "mixed": (rsa_key, ec_key, rsa_key),
    }
    root, intermediate, leaf = make_chain(*keys[kind], backend)
    for name, certificate in (
        ("root", root),
        ("int", intermediate),
        ("leaf", leaf),
    ):
        (tmp_path / f"{name}.pem").write_text(certificate.to_pem())
    out = run(
        openssl,
        "verify",
        "-CAfile",
        str(tmp_path / "root.pem"),
        "-untrusted",
        str(tmp_path / "int.pem"),
        "-purpose",
        "sslserver",
        str(tmp_path / "leaf.pem"),
    )
    assert out.strip() == f"{tmp_path / 'leaf.pem'}: OK"


def test_openssl_shows_profile_fields(
    tmp_path: Path, openssl: str, ec_key: ECPrivateKey, backend: Backend
) -> None:
    root, _, leaf = make_chain(ec_key, ec_key, ec_key, backend)
    path = tmp_path / "leaf.pem"
    path.write_text(leaf.to_pem())
    out = run(openssl, "x509", "-in", str(path), "-noout", "-text")
    assert "Subject: O = Example, CN = chain.example.test" in out
    assert "Issuer: CN = Chain Intermediate" in out
    assert (
        "DNS:alt.example.test, IP Address:192.0.2.25, DNS:chain.example.test"
    ) in out
    assert "X509v3 Key Usage: critical\n" in out
    assert "Digital Signature, Key Agreement" in out
    assert "TLS Web Server Authentication" in out
    assert (
        "X509v3 Basic Constraints: critical\n                CA:FALSE" in out
    )
    root_path = tmp_path / "root.pem"
    root_path.write_text(root.to_pem())
    root_out = run(openssl, "x509", "-in", str(root_path), "-noout", "-text")
    assert "CA:TRUE" in root_out
    assert "Certificate Sign, CRL Sign" in root_out
