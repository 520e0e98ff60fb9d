"""Tests of CRL parsing (purepki.crl) and revocation checking in
verify_chain."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import pytest

from purepki import sigalg, signatures
from purepki.algorithms import ECDSA_SHA384, SignatureAlgorithm
from purepki.asn1 import der
from purepki.asn1.oids import ExtendedKeyUsageOID, ExtensionOID
from purepki.backend import Backend
from purepki.certificate import Certificate, CertificateBuilder
from purepki.crl import (
    CertificateRevocationList,
    RevocationReason,
    UnsupportedCRL,
    load_crls,
)
from purepki.errors import DecodeError, InvalidSignature, WrongObjectType
from purepki.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    CRLDistributionPoints,
    DistributionPoint,
    ExtendedKeyUsage,
    KeyUsage,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
)
from purepki.general_names import (
    DNSName,
    UniformResourceIdentifier,
    encode_oid,
)
from purepki.keys import ECPrivateKey, generate_ec_key
from purepki.name import Name
from purepki.verify import (
    Reason,
    Revocation,
    VerificationError,
    verify_chain,
)
from purepki.x509time import encode_time

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 1, 1, tzinfo=UTC)
AT = datetime.datetime(2026, 6, 1, tzinfo=UTC)
DAY = datetime.timedelta(days=1)
CRL_URI = "http://crl.example.test/root.crl"

# --- Building certificates and CRLs ------------------------------------------


@pytest.fixture(scope="module")
def keys() -> list[ECPrivateKey]:
    """Four P-256 keys shared by the tests of this module."""
    return [generate_ec_key() for _ in range(4)]


def make_cert(
    subject: str,
    key: ECPrivateKey,
    issuer_key: ECPrivateKey,
    issuer: Optional[Certificate] = None,
    *,
    ca: bool = True,
    key_usage: Optional[set[str]] = None,
    distribution_point: Optional[str] = None,
    serial: Optional[int] = None,
) -> Certificate:
    """Build a certificate with the extensions the web PKI policy wants."""
    name = Name.from_rfc4514(subject)
    public = key.public_key()
    builder = (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(public)
        .not_valid_before(START)
        .not_valid_after(START + 365 * DAY)
        .add_extension(BasicConstraints(ca=ca), True)
        .add_extension(SubjectKeyIdentifier.from_public_key(public), False)
    )
    if serial is not None:
        builder = builder.serial_number(serial)
    if key_usage is None:
        key_usage = (
            {"key_cert_sign", "crl_sign"} if ca else {"digital_signature"}
        )
    builder = builder.add_extension(KeyUsage(frozenset(key_usage)), True)
    issuer_ski = SubjectKeyIdentifier.from_public_key(issuer_key.public_key())
    builder = builder.add_extension(
        AuthorityKeyIdentifier(key_identifier=issuer_ski.digest), False
    )
    if not ca:
        builder = builder.add_extension(
            ExtendedKeyUsage((ExtendedKeyUsageOID.SERVER_AUTH,)), False
        ).add_extension(
            SubjectAlternativeName((DNSName("www.example.test"),)), False
        )
    if distribution_point is not None:
        uri = UniformResourceIdentifier(distribution_point)
        point = DistributionPoint(full_name=(uri,))
        builder = builder.add_extension(CRLDistributionPoints((point,)), False)
    return builder.sign(issuer_key)


def encode_extension(oid: str, value: bytes, critical: bool = False) -> bytes:
    """Encode one Extension SEQUENCE."""
    parts = [encode_oid(oid)]
    if critical:
        parts.append(b"\x01\x01\xff")
    parts.append(der.encode_tlv(0x04, value))
    return der.encode_sequence(*parts)


def crl_number(number: int, critical: bool = False) -> bytes:
    return encode_extension(
        ExtensionOID.CRL_NUMBER, der.encode_integer(number), critical
    )


def reason_code(code: int) -> bytes:
    return encode_extension(
        ExtensionOID.CRL_REASON, der.encode_tlv(0x0A, bytes([code]))
    )


def issuing_point(
    *,
    uri: Optional[str] = None,
    user: bool = False,
    ca: bool = False,
    reasons: Optional[bytes] = None,
    indirect: bool = False,
) -> bytes:
    """Encode a critical issuingDistributionPoint extension."""
    parts = []
    if uri is not None:
        names = der.encode_tlv(0xA0, der.encode_tlv(0x86, uri.encode()))
        parts.append(der.encode_tlv(0xA0, names))
    if user:
        parts.append(der.encode_tlv(0x81, b"\xff"))
    if ca:
        parts.append(der.encode_tlv(0x82, b"\xff"))
    if reasons is not None:
        parts.append(der.encode_tlv(0x83, reasons))
    if indirect:
        parts.append(der.encode_tlv(0x84, b"\xff"))
    return encode_extension(
        ExtensionOID.ISSUING_DISTRIBUTION_POINT,
        der.encode_sequence(*parts),
        critical=True,
    )


def build_crl(
    issuer: Certificate,
    key: ECPrivateKey,
    *,
    revoked: Sequence[tuple[int, Sequence[bytes]]] = (),
    this_update: datetime.datetime = START,
    next_update: Optional[datetime.datetime] = AT + 30 * DAY,
    extensions: Optional[Sequence[bytes]] = None,
    version: Optional[int] = 1,
    outer_algorithm: Optional[SignatureAlgorithm] = None,
    backend: Any = None,
) -> bytes:
    """Encode and sign a CertificateList (RFC 5280 section 5.1).

    Args:
        revoked: (serial, entry extensions) pairs, revoked on START.
        extensions: CRL extensions; by default a cRLNumber of 1.
        version: The encoded version (1 is v2), or ``None`` to omit it.
        outer_algorithm: A signatureAlgorithm that differs from the
            signed one.
    """
    algorithm = signatures.default_algorithm(key)
    parts = []
    if version is not None:
        parts.append(der.encode_integer(version))
    parts.extend(
        [
            sigalg.to_der(algorithm),
            issuer.subject.to_der(),
            der.encode(encode_time(this_update)),
        ]
    )
    if next_update is not None:
        parts.append(der.encode(encode_time(next_update)))
    if revoked:
        entries = []
        for serial, entry_extensions in revoked:
            fields = [
                der.encode_integer(serial),
                der.encode(encode_time(START)),
            ]
            if entry_extensions:
                fields.append(der.encode_sequence(*entry_extensions))
            entries.append(der.encode_sequence(*fields))
        parts.append(der.encode_sequence(*entries))
    if extensions is None:
        extensions = [crl_number(1)]
    if extensions:
        encoded = der.encode_sequence(*extensions)
        parts.append(der.encode_tlv(0xA0, encoded))
    tbs = der.encode_sequence(*parts)
    signature = key.sign(tbs, algorithm, backend=backend)
    return der.encode_sequence(
        tbs,
        sigalg.to_der(outer_algorithm or algorithm),
        der.encode_tlv(0x03, b"\x00" + signature),
    )


@pytest.fixture(scope="module")
def pki(keys: list[ECPrivateKey]) -> dict[str, Any]:
    """A root, an intermediate and a leaf whose CRL distribution points
    name CRL_URI."""
    root = make_cert("CN=CRL Test Root", keys[0], keys[0])
    intermediate = make_cert(
        "CN=CRL Test Intermediate", keys[1], keys[0], root
    )
    leaf = make_cert(
        "CN=www.example.test",
        keys[2],
        keys[1],
        intermediate,
        ca=False,
        distribution_point=CRL_URI,
    )
    return {
        "root": root,
        "intermediate": intermediate,
        "leaf": leaf,
        "keys": keys,
    }


def verify(
    pki: dict[str, Any],
    crls: Sequence[bytes],
    backend: Backend,
    revocation: str = "leaf",
) -> Any:
    return verify_chain(
        pki["leaf"],
        [pki["intermediate"]],
        [pki["root"]],
        dns_name="www.example.test",
        at=AT,
        backend=backend,
        crls=[CertificateRevocationList.from_der(data) for data in crls],
        revocation=revocation,
    )


def intermediate_crl(
    pki: dict[str, Any], backend: Backend, **kw: Any
) -> bytes:
    return build_crl(
        pki["intermediate"], pki["keys"][1], backend=backend, **kw
    )


def unknown_status(
    pki: dict[str, Any], crls: Sequence[bytes], backend: Backend
) -> VerificationError:
    with pytest.raises(VerificationError) as caught:
        verify(pki, crls, backend)
    assert caught.value.reason is Reason.REVOCATION_UNKNOWN
    assert caught.value.position == "leaf"
    return caught.value


# --- CRLs made by the openssl command ----------------------------------------

_CA_CONFIG = """\
[ca]
default_ca = test_ca

[test_ca]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/issued
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 7
policy = any_name
unique_subject = no
crl_extensions = crl_ext

[any_name]
commonName = supplied

[crl_ext]
authorityKeyIdentifier = keyid:always

[req]
distinguished_name = req_name

[req_name]

[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _run(openssl: str, directory: Path, *args: str) -> None:
    subprocess.run(
        [openssl, *args], cwd=directory, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def openssl_ca(
    tmp_path_factory: pytest.TempPathFactory, openssl: str
) -> dict[str, Path]:
    """A CA made with ``openssl ca``: its certificate, a leaf, a CRL made
    before the leaf was revoked, and one made after."""
    directory = tmp_path_factory.mktemp("openssl-ca")
    (directory / "issued").mkdir()
    (directory / "index.txt").write_text("")
    (directory / "serial").write_text("1000\n")
    (directory / "crlnumber").write_text("01\n")
    config = directory / "ca.cnf"
    config.write_text(_CA_CONFIG.format(dir=directory))
    ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
    _run(openssl, directory, "genpkey", *ec, "-out", "ca.key")
    _run(openssl, directory, "genpkey", *ec, "-out", "leaf.key")
    common = ["-config", str(config)]
    _run(
        openssl, directory, "req", "-new", "-x509", *common,
        "-key", "ca.key", "-subj", "/CN=OpenSSL CRL Root", "-days", "30",
        "-extensions", "ca_ext", "-out", "ca.pem",
    )  # fmt: skip
    _run(
        openssl, directory, "req", "-new", *common, "-key", "leaf.key",
        "-subj", "/CN=www.example.test", "-out", "leaf.csr",
    )  # fmt: skip
    _run(
        openssl, directory, "ca", "-batch", *common, "-notext",
        "-extensions", "leaf_ext", "-in", "leaf.csr", "-out", "leaf.pem",
    )  # fmt: skip
    _run(openssl, directory, "ca", *common, "-gencrl", "-out", "before.crl")
    _run(
        openssl, directory, "ca", *common, "-revoke", "leaf.pem",
        "-crl_reason", "keyCompromise",
    )  # fmt: skip
    _run(openssl, directory, "ca", *common, "-gencrl", "-out", "after.crl")
    return {
        name: directory / name
        for name in ("ca.pem", "leaf.pem", "before.crl", "after.crl")
    }


def _now() -> datetime.datetime:
    return datetime.datetime.now(UTC) + datetime.timedelta(minutes=1)


def _openssl_verify(
    files: dict[str, Path], crl_file: str, backend: Backend
) -> Any:
    return verify_chain(
        Certificate.from_pem(files["leaf.pem"].read_bytes()),
        (),
        [Certificate.from_pem(files["ca.pem"].read_bytes())],
        dns_name="www.example.test",
        at=_now(),
        backend=backend,
        crls=load_crls(files[crl_file].read_bytes()),
        revocation=Revocation.LEAF,
    )


def test_openssl_crl_fields(openssl_ca: dict[str, Path]) -> None:
    ca = Certificate.from_pem(openssl_ca["ca.pem"].read_bytes())
    leaf = Certificate.from_pem(openssl_ca["leaf.pem"].read_bytes())
    before = CertificateRevocationList.from_pem(
        openssl_ca["before.crl"].read_text()
    )
    after = CertificateRevocationList.from_pem(
        openssl_ca["after.crl"].read_bytes()
    )
    assert before.version == 2
    assert before.issuer.matches(ca.subject)
    assert before.crl_number == 1
    assert after.crl_number == 2
    assert before.revoked_certificates == ()
    assert before.next_update is not None
    assert before.next_update - before.this_update == 7 * DAY
    aki = after.authority_key_identifier
    ski = ca.subject_key_identifier
    assert aki is not None and ski is not None
    assert aki.key_identifier == ski.digest
    entry = after.find(leaf.serial_number)
    assert entry is not None
    assert entry.reason is RevocationReason.KEY_COMPROMISE
    assert after.find(leaf.serial_number + 1) is None
    assert after.is_delta is False


def test_openssl_crl_round_trip(openssl_ca: dict[str, Path]) -> None:
    data = openssl_ca["after.crl"].read_bytes()
    crl = CertificateRevocationList.from_pem(data)
    assert CertificateRevocationList.from_der(crl.to_der()) == crl
    assert CertificateRevocationList.from_pem(crl.to_pem()) == crl
    both = openssl_ca["before.crl"].read_bytes() + data
    loaded = load_crls(both)
    assert [item.crl_number for item in loaded] == [1, 2]
    assert load_crls(crl.to_der()) == [crl]


def test_load_crls_without_crl_block(openssl_ca: dict[str, Path]) -> None:
    with pytest.raises(WrongObjectType, match="no X509 CRL block"):
        load_crls(openssl_ca["ca.pem"].read_bytes())


def test_openssl_crl_signature(
    openssl_ca: dict[str, Path], keys: list[ECPrivateKey], backend: Backend
) -> None:
    ca = Certificate.from_pem(openssl_ca["ca.pem"].read_bytes())
    crl = CertificateRevocationList.from_pem(
        openssl_ca["after.crl"].read_bytes()
    )
    crl.verify_signature(ca.public_key, backend=backend)
    with pytest.raises(InvalidSignature):
        crl.verify_signature(keys[3].public_key(), backend=backend)


def test_openssl_leaf_not_yet_revoked(
    openssl_ca: dict[str, Path], backend: Backend
) -> None:
    result = _openssl_verify(openssl_ca, "before.crl", backend)
    checks = [check for check in result.checks if check.step == "revocation"]
    assert len(checks) == 1
    assert checks[0].passed
    assert checks[0].position == "leaf"
    assert checks[0].rule == "RFC 5280 section 6.3"
    assert "not revoked" in checks[0].detail
    assert "revocation" in result.explain()
    steps = [check["step"] for check in result.to_json()["checks"]]
    assert "revocation" in steps


def test_openssl_leaf_revoked(
    openssl_ca: dict[str, Path], backend: Backend
) -> None:
    with pytest.raises(VerificationError) as caught:
        _openssl_verify(openssl_ca, "after.crl", backend)
    error = caught.value
    assert error.reason is Reason.REVOKED
    assert error.position == "leaf"
    assert error.rule == "RFC 5280 section 6.3"
    assert "keyCompromise" in str(error)
    assert "revoked on" in str(error)
    last = error.checks[-1]
    assert last.step == "revocation"
    assert not last.passed
    data = json.loads(json.dumps(error.to_json()))
    assert data["reason"] == "REVOKED"
    assert data["checks"][-1]["step"] == "revocation"


# --- Malformed and unsupported CRLs ------------------------------------------


def test_built_crl_parses(pki: dict[str, Any], backend: Backend) -> None:
    data = intermediate_crl(pki, backend, revoked=[(5, [reason_code(6)])])
    crl = CertificateRevocationList.from_der(data)
    assert crl.crl_number == 1
    assert crl.revoked_certificates[0].serial_number == 5
    reason = crl.revoked_certificates[0].reason
    assert reason is RevocationReason.CERTIFICATE_HOLD
    crl.verify_signature(pki["intermediate"].public_key, backend=backend)


def test_version_3_rejected(pki: dict[str, Any], backend: Backend) -> None:
    data = intermediate_crl(pki, backend, version=2)
    with pytest.raises(DecodeError, match="unknown CRL version 3"):
        CertificateRevocationList.from_der(data)


def test_v1_with_extensions_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = intermediate_crl(pki, backend, version=None)
    with pytest.raises(DecodeError, match="version 1 CRL with extensions"):
        CertificateRevocationList.from_der(data)


def test_v1_without_extensions_parses(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = intermediate_crl(pki, backend, version=None, extensions=[])
    crl = CertificateRevocationList.from_der(data)
    assert crl.version == 1
    assert crl.crl_number is None


def test_mismatched_algorithms_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = intermediate_crl(pki, backend, outer_algorithm=ECDSA_SHA384)
    with pytest.raises(DecodeError, match="signatureAlgorithm differs"):
        CertificateRevocationList.from_der(data)


def test_trailing_bytes_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = intermediate_crl(pki, backend) + b"\x00"
    with pytest.raises(DecodeError):
        CertificateRevocationList.from_der(data)


def test_duplicate_extension_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = intermediate_crl(
        pki, backend, extensions=[crl_number(1), crl_number(2)]
    )
    with pytest.raises(DecodeError, match=r"duplicate extension 2\.5\.29\.20"):
        CertificateRevocationList.from_der(data)


def test_duplicate_entry_extension_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    entry = [reason_code(1), reason_code(1)]
    data = intermediate_crl(pki, backend, revoked=[(7, entry)])
    with pytest.raises(DecodeError, match=r"duplicate extension 2\.5\.29\.21"):
        CertificateRevocationList.from_der(data)


def test_critical_crl_number_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = intermediate_crl(
        pki, backend, extensions=[crl_number(1, critical=True)]
    )
    with pytest.raises(DecodeError, match="cRLNumber is marked critical"):
        CertificateRevocationList.from_der(data)


def test_unassigned_reason_code_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = intermediate_crl(pki, backend, revoked=[(7, [reason_code(7)])])
    with pytest.raises(DecodeError, match="reasonCode 7"):
        CertificateRevocationList.from_der(data)


def test_unknown_critical_entry_extension(
    pki: dict[str, Any], backend: Backend
) -> None:
    unknown = encode_extension("1.3.6.1.4.1.55555.1", b"\x05\x00", True)
    data = intermediate_crl(pki, backend, revoked=[(7, [unknown])])
    with pytest.raises(UnsupportedCRL, match="unknown critical entry"):
        CertificateRevocationList.from_der(data)


def test_certificate_issuer_entry_unsupported(
    pki: dict[str, Any], backend: Backend
) -> None:
    names = der.encode_sequence(
        der.encode_tlv(0xA4, pki["root"].subject.to_der())
    )
    entry = encode_extension(ExtensionOID.CERTIFICATE_ISSUER, names, True)
    data = intermediate_crl(pki, backend, revoked=[(7, [entry])])
    with pytest.raises(UnsupportedCRL, match="indirect CRLs"):
        CertificateRevocationList.from_der(data)


def test_two_scope_flags_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    point = issuing_point(user=True, ca=True)
    data = intermediate_crl(pki, backend, extensions=[crl_number(1), point])
    with pytest.raises(DecodeError, match="at most one"):
        CertificateRevocationList.from_der(data)


# --- Revocation checking -----------------------------------------------------


def test_revocation_off_by_default(
    pki: dict[str, Any], backend: Backend
) -> None:
    revoking = intermediate_crl(
        pki, backend, revoked=[(pki["leaf"].serial_number, [])]
    )
    result = verify(pki, [revoking], backend, revocation="none")
    assert all(check.step != "revocation" for check in result.checks)


def test_leaf_not_on_crl(pki: dict[str, Any], backend: Backend) -> None:
    data = intermediate_crl(pki, backend, revoked=[(12345, [])])
    result = verify(pki, [data], backend)
    steps = [check for check in result.checks if check.step == "revocation"]
    assert [check.position for check in steps] == ["leaf"]
    assert steps[0].passed


def test_leaf_revoked_reports_reason(
    pki: dict[str, Any], backend: Backend
) -> None:
    entry = [reason_code(1)]
    data = intermediate_crl(
        pki, backend, revoked=[(pki["leaf"].serial_number, entry)]
    )
    with pytest.raises(VerificationError) as caught:
        verify(pki, [data], backend)
    assert caught.value.reason is Reason.REVOKED
    assert "keyCompromise" in str(caught.value)
    assert "2026-01-01T00:00:00Z" in str(caught.value)


def test_remove_from_crl_not_revoked(
    pki: dict[str, Any], backend: Backend
) -> None:
    entry = [reason_code(8)]
    data = intermediate_crl(
        pki, backend, revoked=[(pki["leaf"].serial_number, entry)]
    )
    result = verify(pki, [data], backend)
    assert "removeFromCRL" in result.explain()


def test_no_crl_fails_closed(pki: dict[str, Any], backend: Backend) -> None:
    error = unknown_status(pki, [], backend)
    assert "no CRL was given" in str(error)
    assert "CN=CRL Test Intermediate" in str(error)


def test_crl_of_other_issuer_ignored(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = build_crl(pki["root"], pki["keys"][0], backend=backend)
    error = unknown_status(pki, [data], backend)
    assert "not the certificate's issuer" in str(error)


def test_expired_crl_not_usable(pki: dict[str, Any], backend: Backend) -> None:
    data = intermediate_crl(pki, backend, next_update=AT - DAY)
    error = unknown_status(pki, [data], backend)
    assert "expired at its nextUpdate" in str(error)


def test_crl_without_next_update(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = intermediate_crl(pki, backend, next_update=None)
    error = unknown_status(pki, [data], backend)
    assert "no nextUpdate" in str(error)


def test_crl_from_the_future(pki: dict[str, Any], backend: Backend) -> None:
    data = intermediate_crl(pki, backend, this_update=AT + DAY)
    error = unknown_status(pki, [data], backend)
    assert "after the validation time" in str(error)


def test_crl_signed_by_wrong_key(
    pki: dict[str, Any], backend: Backend
) -> None:
    data = build_crl(pki["intermediate"], pki["keys"][3], backend=backend)
    error = unknown_status(pki, [data], backend)
    assert "does not verify" in str(error)


def test_stale_crl_beside_current(
    pki: dict[str, Any], backend: Backend
) -> None:
    stale = intermediate_crl(pki, backend, next_update=AT - DAY)
    current = intermediate_crl(pki, backend)
    result = verify(pki, [stale, current], backend)
    assert any(check.step == "revocation" for check in result.checks)


def test_delta_crl_alone_not_usable(
    pki: dict[str, Any], backend: Backend
) -> None:
    delta = encode_extension(
        ExtensionOID.DELTA_CRL_INDICATOR, der.encode_integer(1), True
    )
    data = intermediate_crl(pki, backend, extensions=[crl_number(2), delta])
    crl = CertificateRevocationList.from_der(data)
    assert crl.delta_crl_indicator == 1
    error = unknown_status(pki, [data], backend)
    assert "delta CRL" in str(error)


def test_unknown_critical_crl_extension(
    pki: dict[str, Any], backend: Backend
) -> None:
    unknown = encode_extension("1.3.6.1.4.1.55555.2", b"\x05\x00", True)
    data = intermediate_crl(pki, backend, extensions=[crl_number(1), unknown])
    crl = CertificateRevocationList.from_der(data)
    assert [ext.oid for ext in crl.unknown_critical_extensions()] == [
        "1.3.6.1.4.1.55555.2"
    ]
    error = unknown_status(pki, [data], backend)
    assert "unknown critical extension 1.3.6.1.4.1.55555.2" in str(error)


def test_issuer_without_crl_sign(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=CRL Test Root", keys[0], keys[0])
    issuer = make_cert(
        "CN=No CRL Sign", keys[1], keys[0], root, key_usage={"key_cert_sign"}
    )
    leaf = make_cert("CN=www.example.test", keys[2], keys[1], issuer, ca=False)
    data = build_crl(issuer, keys[1], backend=backend)
    pki = {"root": root, "intermediate": issuer, "leaf": leaf}
    error = unknown_status(pki, [data], backend)
    assert "lacks cRLSign" in str(error)


def test_only_user_certs_covers_leaf(
    pki: dict[str, Any], backend: Backend
) -> None:
    point = issuing_point(user=True)
    data = intermediate_crl(pki, backend, extensions=[crl_number(1), point])
    crl = CertificateRevocationList.from_der(data)
    scope = crl.issuing_distribution_point
    assert scope is not None and scope.only_contains_user_certs
    verify(pki, [data], backend)


def test_only_ca_certs_skips_leaf(
    pki: dict[str, Any], backend: Backend
) -> None:
    point = issuing_point(ca=True)
    data = intermediate_crl(pki, backend, extensions=[crl_number(1), point])
    error = unknown_status(pki, [data], backend)
    assert "onlyContainsCACerts" in str(error)


def test_only_some_reasons_unsupported(
    pki: dict[str, Any], backend: Backend
) -> None:
    point = issuing_point(reasons=b"\x06\x40")
    data = intermediate_crl(pki, backend, extensions=[crl_number(1), point])
    crl = CertificateRevocationList.from_der(data)
    scope = crl.issuing_distribution_point
    assert scope is not None
    assert scope.only_some_reasons == frozenset({"key_compromise"})
    error = unknown_status(pki, [data], backend)
    assert "only some revocation reasons" in str(error)


def test_indirect_crl_unsupported(
    pki: dict[str, Any], backend: Backend
) -> None:
    point = issuing_point(indirect=True)
    data = intermediate_crl(pki, backend, extensions=[crl_number(1), point])
    error = unknown_status(pki, [data], backend)
    assert "indirect CRL" in str(error)


def test_distribution_point_matches(
    pki: dict[str, Any], backend: Backend
) -> None:
    point = issuing_point(uri=CRL_URI)
    data = intermediate_crl(pki, backend, extensions=[crl_number(1), point])
    verify(pki, [data], backend)


def test_distribution_point_mismatch(
    pki: dict[str, Any], backend: Backend
) -> None:
    point = issuing_point(uri="http://crl.example.test/other.crl")
    data = intermediate_crl(pki, backend, extensions=[crl_number(1), point])
    error = unknown_status(pki, [data], backend)
    assert "matches none of the certificate's" in str(error)


def test_chain_mode_checks_intermediate(
    pki: dict[str, Any], backend: Backend
) -> None:
    leaf_crl = intermediate_crl(pki, backend)
    with pytest.raises(VerificationError) as caught:
        verify(pki, [leaf_crl], backend, revocation="chain")
    assert caught.value.reason is Reason.REVOCATION_UNKNOWN
    assert caught.value.position == "intermediate 1"
    root_crl = build_crl(pki["root"], pki["keys"][0], backend=backend)
    result = verify(pki, [leaf_crl, root_crl], backend, revocation="chain")
    positions = [
        check.position for check in result.checks if check.step == "revocation"
    ]
    assert positions == ["intermediate 1", "leaf"]


def test_chain_mode_revoked_intermediate(
    pki: dict[str, Any], backend: Backend
) -> None:
    serial = pki["intermediate"].serial_number
    root_crl = build_crl(
        pki["root"], pki["keys"][0], revoked=[(serial, [])], backend=backend
    )
    leaf_crl = intermediate_crl(pki, backend)
    with pytest.raises(VerificationError) as caught:
        verify(pki, [leaf_crl, root_crl], backend, revocation="chain")
    assert caught.value.reason is Reason.REVOKED
    assert caught.value.position == "intermediate 1"


def test_unknown_revocation_mode(pki: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="revocation mode 'all'"):
        verify_chain(pki["leaf"], (), [pki["root"]], revocation="all")


# --- Several CRLs of one issuer ----------------------------------------------


@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_newer_crl_releases_hold(
    pki: dict[str, Any], backend: Backend, order: str
) -> None:
    """A later CRL of the same scope replaces an earlier one: a serial
    on hold in CRL 1 and gone from CRL 2 is not revoked."""
    on_hold = [(pki["leaf"].serial_number, [reason_code(6)])]
    older = intermediate_crl(
        pki, backend, revoked=on_hold, extensions=[crl_number(1)]
    )
    newer = intermediate_crl(
        pki,
        backend,
        this_update=START + DAY,
        extensions=[crl_number(2)],
    )
    crls = [older, newer] if order == "older first" else [newer, older]
    result = verify(pki, crls, backend)
    assert "number 2" in result.explain()


def test_newer_crl_revocation_counts(
    pki: dict[str, Any], backend: Backend
) -> None:
    older = intermediate_crl(pki, backend, extensions=[crl_number(1)])
    newer = intermediate_crl(
        pki,
        backend,
        revoked=[(pki["leaf"].serial_number, [reason_code(1)])],
        this_update=START + DAY,
        extensions=[crl_number(2)],
    )
    with pytest.raises(VerificationError) as caught:
        verify(pki, [newer, older], backend)
    assert caught.value.reason is Reason.REVOKED
    assert "number 2" in str(caught.value)


def test_crl_number_orders_before_this_update(
    pki: dict[str, Any], backend: Backend
) -> None:
    """The cRLNumber decides which CRL is newer (RFC 5280 section
    5.2.3), even when the other CRL has the later thisUpdate."""
    numbered_later = intermediate_crl(pki, backend, extensions=[crl_number(5)])
    dated_later = intermediate_crl(
        pki,
        backend,
        revoked=[(pki["leaf"].serial_number, [reason_code(1)])],
        this_update=START + DAY,
        extensions=[crl_number(4)],
    )
    result = verify(pki, [dated_later, numbered_later], backend)
    assert "number 5" in result.explain()


def test_single_crl_argument_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    crl = CertificateRevocationList.from_der(intermediate_crl(pki, backend))
    with pytest.raises(TypeError, match=r"pass \[crl\]"):
        verify_chain(
            pki["leaf"],
            [pki["intermediate"]],
            [pki["root"]],
            at=AT,
            crls=crl,  # type: ignore[arg-type]
            revocation="leaf",
        )


def test_crl_bytes_argument_rejected(
    pki: dict[str, Any], backend: Backend
) -> None:
    with pytest.raises(TypeError, match="load_crls"):
        verify_chain(
            pki["leaf"],
            [pki["intermediate"]],
            [pki["root"]],
            at=AT,
            crls=[intermediate_crl(pki, backend)],  # type: ignore[list-item]
            revocation="leaf",
        )


def test_crl_pickle_and_copy(pki: dict[str, Any], backend: Backend) -> None:
    crl = CertificateRevocationList.from_der(intermediate_crl(pki, backend))
    loaded = pickle.loads(pickle.dumps(crl))
    assert loaded == crl
    assert loaded.crl_number == crl.crl_number
    assert copy.deepcopy(crl) is crl
