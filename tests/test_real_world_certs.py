"""Certificate shapes found in the wild, rebuilt by rewriting the
tbsCertificate of a purepki-made certificate with pyasn1 and signing the
new bytes again with the issuer's key: negative serial numbers, unusual
validity times, legacy string types, duplicate extensions, version 1
certificates with extensions, and dates around 1950 and 2050."""

from __future__ import annotations

import datetime
import hashlib
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pyasn1.codec.der import decoder as der_decoder
from pyasn1.codec.der import encoder as der_encoder
from pyasn1.type import univ, useful
from pyasn1_modules import rfc5280

from purepki.asn1 import der
from purepki.backend import Backend
from purepki.certificate import (
    Certificate,
    CertificateBuilder,
    assemble,
    load_certificates,
)
from purepki.csr import CSRBuilder, parse_san_items
from purepki.errors import DecodeError, PurePKIWarning
from purepki.extensions import (
    AuthorityKeyIdentifier,
    SubjectAlternativeName,
)
from purepki.keys import ECPrivateKey, generate_ec_key
from purepki.name import Name
from purepki.profiles import self_signed_ca, sign_request
from purepki.text import certificate_json, certificate_text

UTC = datetime.timezone.utc
NOW = datetime.datetime(2031, 6, 1, tzinfo=UTC)
START = datetime.datetime(2030, 1, 1, tzinfo=UTC)

TBSEdit = Callable[[Any], None]


@pytest.fixture(scope="session")
def root_key() -> ECPrivateKey:
    return generate_ec_key()


@pytest.fixture(scope="session")
def root(root_key: ECPrivateKey) -> Certificate:
    return self_signed_ca(
        root_key, Name.build([("CN", "Test Root")]), not_before=START
    )


@pytest.fixture(scope="session")
def leaf(root: Certificate, root_key: ECPrivateKey) -> Certificate:
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "host.example.test")]))
        .subject_alternative_names(parse_san_items("host.example.test"))
        .sign(root_key)
    )
    return sign_request(request, root, root_key, not_before=START)


def rewrite(
    certificate: Certificate,
    issuer_key: ECPrivateKey,
    edit: TBSEdit,
    backend: Backend,
) -> bytes:
    """Apply ``edit`` to the tbsCertificate and sign the new bytes."""
    value, _ = der_decoder.decode(
        certificate.to_der(), asn1Spec=rfc5280.Certificate()
    )
    tbs = value["tbsCertificate"]
    edit(tbs)
    return resign(certificate, issuer_key, der_encoder.encode(tbs), backend)


def resign(
    certificate: Certificate,
    issuer_key: ECPrivateKey,
    tbs_der: bytes,
    backend: Backend,
) -> bytes:
    """Sign new tbsCertificate bytes with the certificate's algorithm."""
    algorithm = certificate.signature_algorithm
    signature = issuer_key.sign(tbs_der, algorithm, backend=backend)
    return assemble(tbs_der, algorithm, signature)


def replace_not_after(tbs_der: bytes, element: bytes) -> bytes:
    """Swap notAfter for ``element``, which pyasn1 refuses to encode, and
    fix the length octets of the enclosing SEQUENCEs."""
    tbs = der.scan(tbs_der)
    fields = [tbs_der[child.offset : child.end] for child in tbs.children]
    validity = tbs.children[4]
    not_before = validity.children[0]
    fields[4] = der.encode_sequence(
        tbs_der[not_before.offset : not_before.end], element
    )
    return der.encode_sequence(*fields)


def set_serial(serial: int) -> TBSEdit:
    def edit(tbs: Any) -> None:
        tbs["serialNumber"] = serial

    return edit


def set_time(field: str, kind: str, text: str) -> TBSEdit:
    def edit(tbs: Any) -> None:
        time = rfc5280.Time()
        if kind == "utcTime":
            time["utcTime"] = useful.UTCTime(text)
        else:
            time["generalTime"] = useful.GeneralizedTime(text)
        tbs["validity"][field] = time

    return edit


def set_subject(raw: bytes) -> TBSEdit:
    def edit(tbs: Any) -> None:
        name, _ = der_decoder.decode(raw, asn1Spec=rfc5280.Name())
        tbs["subject"] = name

    return edit


def add_extension(oid: str, value: bytes) -> TBSEdit:
    def edit(tbs: Any) -> None:
        extension = rfc5280.Extension()
        extension["extnID"] = univ.ObjectIdentifier(oid)
        extension["critical"] = False
        extension["extnValue"] = value
        tbs["extensions"].append(extension)

    return edit


def common_name(tag: int, content: bytes) -> bytes:
    value = der.encode_tlv(tag, content)
    atv = der.encode_sequence(b"\x06\x03\x55\x04\x03", value)
    return der.encode_sequence(der.encode_tlv(0x31, atv))


# --- Serial numbers --------------------------------------------------------

NEGATIVE_SERIAL_OCTETS = bytes.fromhex("9a0102030405060f")
NEGATIVE_SERIAL = int.from_bytes(NEGATIVE_SERIAL_OCTETS, "big", signed=True)


@pytest.fixture
def negative_serial_der(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> bytes:
    return rewrite(leaf, root_key, set_serial(NEGATIVE_SERIAL), backend)


def test_negative_serial_parses_with_warning(
    negative_serial_der: bytes,
) -> None:
    with pytest.warns(PurePKIWarning, match="is not positive"):
        certificate = Certificate.from_der(negative_serial_der)
    assert certificate.serial_number == NEGATIVE_SERIAL
    assert certificate.serial_number_bytes == NEGATIVE_SERIAL_OCTETS


def test_negative_serial_shown_negative(negative_serial_der: bytes) -> None:
    with pytest.warns(PurePKIWarning):
        certificate = Certificate.from_der(negative_serial_der)
    shown = f"-0x{-NEGATIVE_SERIAL:x}"
    assert shown.startswith("-0x65fe")
    assert shown in certificate_text(certificate, NOW)
    assert certificate_json(certificate, NOW)["serial_number"] == shown
    assert shown in repr(certificate)


def test_negative_serial_fingerprint_uses_received_bytes(
    tmp_path: Path, openssl: str, negative_serial_der: bytes
) -> None:
    with pytest.warns(PurePKIWarning):
        certificate = Certificate.from_der(negative_serial_der)
    path = tmp_path / "negative.der"
    path.write_bytes(negative_serial_der)
    out = subprocess.run(
        [
            openssl,
            "x509",
            "-inform",
            "DER",
            "-in",
            str(path),
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    expected = hashlib.sha256(negative_serial_der).digest()
    assert certificate.fingerprint("sha256") == expected
    assert expected.hex(":").upper() in out


def test_negative_serial_signature_still_verifies(
    negative_serial_der: bytes, root: Certificate, backend: Backend
) -> None:
    with pytest.warns(PurePKIWarning):
        certificate = Certificate.from_der(negative_serial_der)
    certificate.verify_signature(root.public_key, backend=backend)


def test_zero_and_long_serials_warn(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    zero = rewrite(leaf, root_key, set_serial(0), backend)
    with pytest.warns(PurePKIWarning, match="0x0 is not positive"):
        Certificate.from_der(zero)
    long = rewrite(leaf, root_key, set_serial(2**200), backend)
    with pytest.warns(PurePKIWarning, match="26 octets is longer than 20"):
        Certificate.from_der(long)


def test_builder_never_writes_negative_serial(
    root: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    for _ in range(50):
        request = (
            CSRBuilder()
            .subject_name(Name.build([("CN", "s.example.test")]))
            .sign(root_key, backend=backend)
        )
        certificate = sign_request(request, root, root_key, backend=backend)
        assert certificate.serial_number > 0
        assert certificate.serial_number_bytes[0] < 0x80


# --- Validity times --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "shown"),
    [
        ("utcTime", "2406010000Z", "'2406010000Z'"),
        (
            "utcTime",
            "240812233616+0200",
            "(which is 2024-08-12 21:36:16Z)",
        ),
        ("generalTime", "2058060302194113Z", "'2058060302194113Z'"),
    ],
    ids=["no-seconds", "offset", "extra-digits"],
)
def test_unusual_validity_time_rejected(
    leaf: Certificate,
    root_key: ECPrivateKey,
    backend: Backend,
    kind: str,
    text: str,
    shown: str,
) -> None:
    tag = 0x17 if kind == "utcTime" else 0x18
    element = der.encode_tlv(tag, text.encode("ascii"))
    tbs = replace_not_after(leaf.tbs_der, element)
    data = resign(leaf, root_key, tbs, backend)
    with pytest.raises(DecodeError) as info:
        Certificate.from_der(data)
    assert info.value.path == "tbsCertificate.validity.notAfter"
    assert "notAfter" in str(info.value)
    assert shown in str(info.value)
    assert "malformed DER" in str(info.value)


def test_utctime_50_reads_as_1950(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    edit = set_time("notBefore", "utcTime", "500101000000Z")
    certificate = Certificate.from_der(rewrite(leaf, root_key, edit, backend))
    assert certificate.not_before == datetime.datetime(1950, 1, 1, tzinfo=UTC)


def test_utctime_49_reads_as_2049(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    edit = set_time("notAfter", "utcTime", "491231235959Z")
    certificate = Certificate.from_der(rewrite(leaf, root_key, edit, backend))
    assert certificate.not_after == datetime.datetime(
        2049, 12, 31, 23, 59, 59, tzinfo=UTC
    )


def test_generalized_time_before_2050_flagged(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    edit = set_time("notAfter", "generalTime", "20400101000000Z")
    data = rewrite(leaf, root_key, edit, backend)
    with pytest.warns(PurePKIWarning, match="GeneralizedTime before 2050"):
        certificate = Certificate.from_der(data)
    assert not certificate.validity_types_proper
    assert certificate.not_after.year == 2040


def test_generalized_time_fraction_rejected(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    edit = set_time("notAfter", "generalTime", "20600101000000.5Z")
    data = rewrite(leaf, root_key, edit, backend)
    with pytest.raises(DecodeError, match="fractional seconds") as info:
        Certificate.from_der(data)
    assert info.value.path == "tbsCertificate.validity.notAfter"


@pytest.mark.parametrize(
    ("end", "tag"),
    [
        (datetime.datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC), 0x17),
        (datetime.datetime(2050, 1, 1, tzinfo=UTC), 0x18),
    ],
    ids=["2049", "2050"],
)
def test_profiles_write_2050_boundary(
    tmp_path: Path,
    openssl: str,
    root_key: ECPrivateKey,
    backend: Backend,
    end: datetime.datetime,
    tag: int,
) -> None:
    days = 1000
    start = end - datetime.timedelta(days=days)
    ca = self_signed_ca(
        root_key,
        Name.build([("CN", "Boundary Root")]),
        days=days,
        not_before=start,
        backend=backend,
    )
    tbs = der.scan(ca.to_der()).children[0]
    not_after = tbs.children[4].children[1]
    assert ca.to_der()[not_after.offset] == tag
    assert ca.not_after == end
    path = tmp_path / "ca.pem"
    path.write_text(ca.to_pem())
    out = subprocess.run(
        [openssl, "x509", "-in", str(path), "-noout", "-enddate"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert out.strip() == f"notAfter={end:%b %e %H:%M:%S %Y} GMT"


# --- String types in names -------------------------------------------------


def test_teletex_with_utf8_bytes_reads(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    raw = common_name(0x14, "M\u00fcller".encode())
    data = rewrite(leaf, root_key, set_subject(raw), backend)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PurePKIWarning)
        certificate = Certificate.from_der(data)
    text = certificate_text(certificate, NOW)
    assert certificate.subject.to_der() == raw
    assert "Subject: CN = " in text


def test_odd_length_bmpstring_rejected(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    raw = common_name(0x1E, b"\x00A\x00")
    data = rewrite(leaf, root_key, set_subject(raw), backend)
    with pytest.raises(DecodeError, match="BMPString") as info:
        Certificate.from_der(data)
    assert "tbsCertificate.subject" in str(info.value)


def test_bmp_subject_kept_as_issuer(
    root_key: ECPrivateKey, backend: Backend
) -> None:
    raw = common_name(0x1E, "BMP CA".encode("utf-16-be"))
    name = Name.from_der(raw)
    ca = self_signed_ca(root_key, name, backend=backend)
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "x.example.test")]))
        .sign(root_key, backend=backend)
    )
    issued = sign_request(request, ca, root_key, backend=backend)
    assert issued.issuer.to_der() == raw
    assert issued.issuer.common_names == ("BMP CA",)


# --- Duplicate extensions --------------------------------------------------


def test_second_aki_rejected(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    other = AuthorityKeyIdentifier(key_identifier=b"\x01" * 20).to_der()
    edit = add_extension("2.5.29.35", other)
    data = rewrite(leaf, root_key, edit, backend)
    with pytest.raises(DecodeError, match=r"duplicate extension 2\.5\.29\.35"):
        Certificate.from_der(data)


def test_second_san_rejected(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    other = SubjectAlternativeName(parse_san_items("evil.example.test"))
    edit = add_extension("2.5.29.17", other.to_der())
    data = rewrite(leaf, root_key, edit, backend)
    with pytest.raises(DecodeError, match=r"duplicate extension 2\.5\.29\.17"):
        load_certificates(data)


# --- Versions --------------------------------------------------------------


def test_v1_with_extensions_rejected(
    leaf: Certificate, root_key: ECPrivateKey, backend: Backend
) -> None:
    def to_v1(tbs: Any) -> None:
        tbs["version"] = 0

    data = rewrite(leaf, root_key, to_v1, backend)
    assert data[4:9] != b"\xa0\x03\x02\x01\x02"
    with pytest.raises(DecodeError, match="version 1 certificate with ext"):
        Certificate.from_der(data)


def test_v1_without_extensions_parses(
    root_key: ECPrivateKey, backend: Backend
) -> None:
    name = Name.build([("CN", "v1.example.test")])
    v3 = (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(root_key.public_key())
        .not_valid_before(START)
        .not_valid_after(START + datetime.timedelta(days=9))
        .sign(root_key, backend=backend)
    )

    def to_v1(tbs: Any) -> None:
        tbs["version"] = 0

    certificate = Certificate.from_der(rewrite(v3, root_key, to_v1, backend))
    assert certificate.version == 1
    assert len(certificate.extensions) == 0
    assert not certificate.is_ca
