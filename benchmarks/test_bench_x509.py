"""Building and signing a CSR and a certificate through each backend.

Each timed call runs the whole builder chain, signs with a P-256 key and
parses the result, as ``CSRBuilder.sign`` and ``CertificateBuilder.sign``
return parsed objects. The pure rows are divided by the ``ecdsa``
signature of the same CertificationRequestInfo or tbsCertificate, the
arithmetic that cannot be avoided, so the ratio is the cost of building
and parsing. The cryptography rows are divided by ``cryptography``'s own
``x509`` builders making the same request or certificate with RFC 6979
nonces. Both are context: no target is set.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any, Callable

import ecdsa
import ecdsa.util
import pytest
from chains import END, HOST, START, leaf_extensions

from purepki.certificate import CertificateBuilder
from purepki.csr import CSRBuilder
from purepki.general_names import DNSName
from purepki.keys import ECPrivateKey, generate_ec_key
from purepki.name import Name

DescribeRow = Callable[..., None]

SLICE_TIME = 0.3
PURE = "purepki (pure)"
VIA_CRYPTOGRAPHY = "purepki (cryptography)"
SUBJECT = f"CN={HOST},O=Bench"
ISSUER = "CN=Bench Intermediate"
SERIAL = 0x1234


def _group(name: str) -> pytest.MarkDecorator:
    return pytest.mark.benchmark(
        group=name, timer=time.process_time, max_time=SLICE_TIME
    )


@pytest.fixture(scope="module")
def issuer_key() -> ECPrivateKey:
    """The P-256 key of the certificate issuer."""
    return generate_ec_key(backend="pure")


def _ecdsa_signer(key: ECPrivateKey) -> Callable[[bytes], bytes]:
    signing = ecdsa.SigningKey.from_secret_exponent(
        key.d, curve=ecdsa.NIST256p
    )

    def sign(data: bytes) -> bytes:
        signature: bytes = signing.sign_deterministic(
            data,
            hashfunc=hashlib.sha256,
            sigencode=ecdsa.util.sigencode_der,
        )
        return signature

    return sign


# --- CSR build and sign ----------------------------------------------------


def _build_csr(key: ECPrivateKey, backend: str) -> Any:
    return (
        CSRBuilder()
        .subject_name(Name.from_rfc4514(SUBJECT))
        .subject_alternative_names([DNSName(HOST)])
        .sign(key, backend=backend)
    )


@_group("CSR build and sign")
def test_csr_purepki(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe(PURE, floor="ecdsa", backend="pure", through_purepki=True)

    request = benchmark(_build_csr, ec_key, "pure")

    request.verify_signature(backend="pure")


@_group("CSR build and sign")
def test_csr_ecdsa(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe("ecdsa", backend="pure")
    request = _build_csr(ec_key, "pure")
    sign = _ecdsa_signer(ec_key)

    signature = benchmark(sign, request.info_der)

    assert signature == request.signature


@_group("CSR build and sign")
def test_csr_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    cryptography_backend: str,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor="cryptography",
        backend=cryptography_backend,
        through_purepki=True,
    )
    _build_csr(ec_key, cryptography_backend)

    request = benchmark(_build_csr, ec_key, cryptography_backend)

    assert request.to_der() == _build_csr(ec_key, "pure").to_der()


@_group("CSR build and sign")
def test_csr_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    cryptography_backend: str,
) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    describe("cryptography", backend=cryptography_backend)
    native = ec.derive_private_key(ec_key.d, ec.SECP256R1())
    sha256 = hashes.SHA256()

    def build() -> Any:
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, HOST),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bench"),
            ]
        )
        san = x509.SubjectAlternativeName([x509.DNSName(HOST)])
        return (
            x509.CertificateSigningRequestBuilder()
            .subject_name(name)
            .add_extension(san, critical=False)
            .sign(native, sha256, ecdsa_deterministic=True)
        )

    request = benchmark(build)

    assert request.is_signature_valid


# --- certificate sign ------------------------------------------------------


def _build_certificate(
    key: ECPrivateKey, issuer_key: ECPrivateKey, backend: str
) -> Any:
    public = key.public_key()
    return (
        CertificateBuilder()
        .subject_name(Name.from_rfc4514(SUBJECT))
        .issuer_name(Name.from_rfc4514(ISSUER))
        .public_key(public)
        .serial_number(SERIAL)
        .not_valid_before(START)
        .not_valid_after(END)
        .add_extensions(leaf_extensions(public, issuer_key))
        .sign(issuer_key, backend=backend)
    )


@_group("certificate sign")
def test_certificate_purepki(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    issuer_key: ECPrivateKey,
) -> None:
    describe(PURE, floor="ecdsa", backend="pure", through_purepki=True)

    made = benchmark(_build_certificate, ec_key, issuer_key, "pure")

    made.verify_signature(issuer_key.public_key(), backend="pure")


@_group("certificate sign")
def test_certificate_ecdsa(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    issuer_key: ECPrivateKey,
) -> None:
    describe("ecdsa", backend="pure")
    made = _build_certificate(ec_key, issuer_key, "pure")
    sign = _ecdsa_signer(issuer_key)

    signature = benchmark(sign, made.tbs_der)

    assert signature == made.signature


@_group("certificate sign")
def test_certificate_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    issuer_key: ECPrivateKey,
    cryptography_backend: str,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor="cryptography",
        backend=cryptography_backend,
        through_purepki=True,
    )
    _build_certificate(ec_key, issuer_key, cryptography_backend)

    made = benchmark(
        _build_certificate, ec_key, issuer_key, cryptography_backend
    )

    expected = _build_certificate(ec_key, issuer_key, "pure")
    assert made.to_der() == expected.to_der()


@_group("certificate sign")
def test_certificate_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    issuer_key: ECPrivateKey,
    cryptography_backend: str,
) -> None:
    describe("cryptography", backend=cryptography_backend)
    build = _cryptography_certificate_builder(ec_key, issuer_key)

    made = benchmark(build)

    assert made.serial_number == SERIAL


def _cryptography_certificate_builder(
    key: ECPrivateKey, issuer_key: ECPrivateKey
) -> Callable[[], Any]:
    """Return a call that builds and signs the certificate of
    :func:`_build_certificate` with ``cryptography``'s builder."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    native_issuer = ec.derive_private_key(issuer_key.d, ec.SECP256R1())
    public = ec.derive_private_key(key.d, ec.SECP256R1()).public_key()
    sha256 = hashes.SHA256()

    def build() -> Any:
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, HOST),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bench"),
            ]
        )
        issuer = x509.Name(
            [x509.NameAttribute(NameOID.COMMON_NAME, "Bench Intermediate")]
        )
        usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        )
        issuer_id = x509.SubjectKeyIdentifier.from_public_key(
            native_issuer.public_key()
        )
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public)
            .serial_number(SERIAL)
            .not_valid_before(START)
            .not_valid_after(END)
            .add_extension(
                x509.BasicConstraints(ca=False, path_length=None), True
            )
            .add_extension(usage, True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(public), False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier(issuer_id.digest, None, None),
                False,
            )
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                False,
            )
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName(HOST)]), False
            )
            .sign(native_issuer, sha256, ecdsa_deterministic=True)
        )

    return build
