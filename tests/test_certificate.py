"""The certificate builder and parser: builder rules, serial numbers,
validity encoding, key identifiers, issuer bytes, and certificates made
by the openssl command."""

from __future__ import annotations

import datetime
import hashlib
import subprocess
from pathlib import Path

import pytest
from pyasn1.codec.der import decoder as der_decoder
from pyasn1_modules import rfc5280

from purepki import profiles
from purepki.asn1 import der
from purepki.backend import Backend
from purepki.certificate import (
    BuilderError,
    Certificate,
    CertificateBuilder,
    load_certificates,
    random_serial_number,
)
from purepki.csr import CSRBuilder
from purepki.errors import DecodeError, PEMError, WrongObjectType
from purepki.extensions import (
    BasicConstraints,
    KeyUsage,
    SubjectKeyIdentifier,
)
from purepki.general_names import DNSName
from purepki.keys import (
    ECPrivateKey,
    RSAPrivateKey,
    generate_ec_key,
    generate_rsa_key,
    load_private_key,
)
from purepki.name import Name, StringType

UTC = datetime.timezone.utc
START = datetime.datetime(2030, 1, 1, tzinfo=UTC)
END = datetime.datetime(2031, 1, 1, tzinfo=UTC)
UTC_TIME_TAG = 0x17
GENERALIZED_TIME_TAG = 0x18


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


def complete_builder(key: ECPrivateKey) -> CertificateBuilder:
    name = Name.build([("CN", "builder.example.test")])
    return (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .not_valid_before(START)
        .not_valid_after(END)
    )


def validity_nodes(certificate: Certificate) -> list[der.Node]:
    tree = der.scan(certificate.to_der())
    tbs = tree.children[0]
    return tbs.children[4].children


# --- Builder rules ---------------------------------------------------------


def test_builder_setter_returns_new_builder(ec_key: ECPrivateKey) -> None:
    empty = CertificateBuilder()
    named = empty.subject_name(Name.build([("CN", "a.example.test")]))
    assert empty != named
    assert empty == CertificateBuilder()
    with pytest.raises(BuilderError, match="missing: subject, issuer"):
        empty.sign(ec_key)


@pytest.mark.parametrize("serial", [0, -1, -(2**64)])
def test_builder_rejects_non_positive_serial(serial: int) -> None:
    with pytest.raises(BuilderError, match="not positive"):
        CertificateBuilder().serial_number(serial)


def test_builder_serial_limit_is_20_octets() -> None:
    largest = 2**159 - 1
    assert len(der.encode_integer(largest)) - 2 == 20
    CertificateBuilder().serial_number(largest)
    with pytest.raises(BuilderError, match="21 octets"):
        CertificateBuilder().serial_number(2**159)


def test_builder_rejects_serial_set_twice() -> None:
    builder = CertificateBuilder().serial_number(5)
    with pytest.raises(BuilderError, match="serial number is already set"):
        builder.serial_number(6)


@pytest.mark.parametrize(
    ("method", "value", "label"),
    [
        ("subject_name", Name.build([("CN", "x")]), "subject"),
        ("issuer_name", Name.build([("CN", "x")]), "issuer"),
        ("not_valid_before", START, "notBefore"),
        ("not_valid_after", END, "notAfter"),
    ],
)
def test_builder_rejects_field_set_twice(
    method: str, value: object, label: str
) -> None:
    builder = getattr(CertificateBuilder(), method)(value)
    with pytest.raises(BuilderError, match=f"{label} is already set"):
        getattr(builder, method)(value)


def test_builder_rejects_public_key_set_twice(ec_key: ECPrivateKey) -> None:
    builder = CertificateBuilder().public_key(ec_key.public_key())
    with pytest.raises(BuilderError, match="public key is already set"):
        builder.public_key(ec_key.public_key())


def test_builder_rejects_private_key_as_public(ec_key: ECPrivateKey) -> None:
    with pytest.raises(BuilderError, match=r"private_key.public_key"):
        CertificateBuilder().public_key(ec_key)  # type: ignore[arg-type]


def test_builder_rejects_naive_datetime() -> None:
    naive = datetime.datetime(2030, 1, 1)
    with pytest.raises(BuilderError, match=r"notBefore: .*no time zone"):
        CertificateBuilder().not_valid_before(naive)


def test_builder_rejects_fractional_seconds() -> None:
    moment = START.replace(microsecond=5)
    with pytest.raises(BuilderError, match=r"notAfter: .*fractional"):
        CertificateBuilder().not_valid_after(moment)


def test_builder_rejects_not_before_after_not_after() -> None:
    builder = CertificateBuilder().not_valid_after(START)
    with pytest.raises(BuilderError, match=r"notBefore .* is after notAfter"):
        builder.not_valid_before(END)
    builder = CertificateBuilder().not_valid_before(END)
    with pytest.raises(BuilderError, match=r"notAfter .* is before"):
        builder.not_valid_after(START)


def test_builder_accepts_equal_validity_bounds() -> None:
    CertificateBuilder().not_valid_before(START).not_valid_after(START)


def test_builder_rejects_duplicate_extension() -> None:
    builder = CertificateBuilder().add_extension(
        BasicConstraints(ca=True), critical=True
    )
    with pytest.raises(
        BuilderError, match=r"duplicate extension 2\.5\.29\.19"
    ):
        builder.add_extension(BasicConstraints(ca=False), critical=True)


def test_builder_rejects_empty_subject_without_san(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    builder = (
        CertificateBuilder()
        .subject_name(Name.from_der(b"\x30\x00"))
        .issuer_name(Name.build([("CN", "issuer")]))
        .public_key(ec_key.public_key())
        .not_valid_before(START)
        .not_valid_after(END)
    )
    with pytest.raises(BuilderError, match="subject is empty"):
        builder.sign(ec_key, backend=backend)


def test_builder_writes_version_3(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    certificate = complete_builder(ec_key).sign(ec_key, backend=backend)
    tbs = der.scan(certificate.to_der()).children[0]
    version = tbs.children[0]
    assert certificate.version == 3
    assert certificate.to_der()[version.offset : version.end] == (
        b"\xa0\x03\x02\x01\x02"
    )


def test_builder_signature_verifies(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    certificate = complete_builder(ec_key).sign(ec_key, backend=backend)
    certificate.verify_signature(ec_key.public_key(), backend=backend)
    assert certificate.is_signed_by(ec_key.public_key(), backend=backend)


def test_builder_keeps_given_serial(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    builder = complete_builder(ec_key).serial_number(0x1234)
    certificate = builder.sign(ec_key, backend=backend)
    assert certificate.serial_number == 0x1234


# --- Random serial numbers -------------------------------------------------


def test_random_serial_positive_20_octets() -> None:
    for _ in range(200):
        serial = random_serial_number()
        assert serial > 0
        assert len(der.encode_integer(serial)) - 2 == 20


def test_random_serial_has_64_random_bits() -> None:
    # Only the top bit is fixed: the rest vary from draw to draw.
    serials = [random_serial_number() for _ in range(256)]
    varying = 0
    for bit in range(159):
        values = {(serial >> bit) & 1 for serial in serials}
        varying += len(values) == 2
    assert varying >= 64
    assert varying == 158


def test_signed_certificates_get_distinct_serials(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    builder = complete_builder(ec_key)
    first = builder.sign(ec_key, backend=backend)
    second = builder.sign(ec_key, backend=backend)
    assert first.serial_number != second.serial_number
    assert len(first.serial_number_bytes) == 20


# --- Validity encoding -----------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "tag"),
    [
        (datetime.datetime(1950, 1, 1, tzinfo=UTC), UTC_TIME_TAG),
        (
            datetime.datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC),
            UTC_TIME_TAG,
        ),
        (datetime.datetime(2050, 1, 1, tzinfo=UTC), GENERALIZED_TIME_TAG),
        (datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), 0x18),
    ],
    ids=["1950", "last-utctime", "first-generalizedtime", "no-expiry"],
)
def test_validity_time_type_by_date(
    ec_key: ECPrivateKey,
    backend: Backend,
    moment: datetime.datetime,
    tag: int,
) -> None:
    name = Name.build([("CN", "time.example.test")])
    certificate = (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ec_key.public_key())
        .not_valid_before(datetime.datetime(1950, 1, 1, tzinfo=UTC))
        .not_valid_after(moment)
        .sign(ec_key, backend=backend)
    )
    not_after = validity_nodes(certificate)[1]
    assert certificate.to_der()[not_after.offset] == tag
    assert certificate.not_after == moment
    assert certificate.validity_types_proper


def test_validity_converts_other_time_zones(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    zone = datetime.timezone(datetime.timedelta(hours=2))
    moment = datetime.datetime(2030, 6, 1, 12, 0, 0, tzinfo=zone)
    name = Name.build([("CN", "zone.example.test")])
    certificate = (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ec_key.public_key())
        .not_valid_before(moment)
        .not_valid_after(END.replace(year=2040))
        .sign(ec_key, backend=backend)
    )
    node = validity_nodes(certificate)[0]
    assert node.content(certificate.to_der()) == b"300601100000Z"


def test_builder_rejects_time_before_1950() -> None:
    moment = datetime.datetime(1949, 12, 31, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(BuilderError, match="before 1950"):
        CertificateBuilder().not_valid_before(moment)


# --- Key identifiers -------------------------------------------------------


def method_1_key_id(spki: bytes) -> bytes:
    value, _ = der_decoder.decode(
        spki, asn1Spec=rfc5280.SubjectPublicKeyInfo()
    )
    return hashlib.sha1(value["subjectPublicKey"].asOctets()).digest()


def test_ski_is_rfc5280_method_1(
    rsa_key: RSAPrivateKey, backend: Backend
) -> None:
    ca = profiles.self_signed_ca(
        rsa_key, Name.build([("CN", "SKI Root")]), backend=backend
    )
    ski = ca.subject_key_identifier
    assert ski is not None
    assert ski.digest == method_1_key_id(ca.spki_der)


def test_ski_matches_openssl_hash(
    tmp_path: Path, openssl: str, ec_key: ECPrivateKey, backend: Backend
) -> None:
    ca = profiles.self_signed_ca(
        ec_key, Name.build([("CN", "SKI Root")]), backend=backend
    )
    path = tmp_path / "ca.pem"
    path.write_text(ca.to_pem())
    out = run(
        openssl,
        "x509",
        "-in",
        str(path),
        "-noout",
        "-ext",
        "subjectKeyIdentifier",
    )
    ski = ca.subject_key_identifier
    assert ski is not None
    assert ski.digest.hex(":").upper() in out


def test_aki_is_issuer_ski(
    ec_key: ECPrivateKey, rsa_key: RSAPrivateKey, backend: Backend
) -> None:
    ca = profiles.self_signed_ca(
        rsa_key, Name.build([("CN", "AKI Root")]), backend=backend
    )
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "aki.example.test")]))
        .sign(ec_key, backend=backend)
    )
    leaf = profiles.sign_request(request, ca, rsa_key, backend=backend)
    aki = leaf.authority_key_identifier
    ca_ski = ca.subject_key_identifier
    assert aki is not None and ca_ski is not None
    assert aki.key_identifier == ca_ski.digest
    assert aki.authority_cert_issuer is None


# --- Issuer bytes ----------------------------------------------------------


def non_canonical_name() -> bytes:
    """A name whose one RDN lists CN before O although DER sorts a SET OF
    by encoding (X.690 section 11.6), which puts the shorter O first."""
    o = Name.build([("O", "Example")]).rdns[0].attributes[0].raw
    cn = Name.build([("CN", "Unsorted CA")]).rdns[0].attributes[0].raw

    def atv(oid: bytes, value: bytes) -> bytes:
        return der.encode_sequence(oid, value)

    o_atv = atv(b"\x06\x03\x55\x04\x0a", o)
    cn_atv = atv(b"\x06\x03\x55\x04\x03", cn)
    assert o_atv < cn_atv
    rdn = der.encode_tlv(0x31, cn_atv + o_atv)
    return der.encode_sequence(rdn)


def test_issuer_copies_non_canonical_set(
    tmp_path: Path,
    openssl: str,
    ec_key: ECPrivateKey,
    rsa_key: RSAPrivateKey,
    backend: Backend,
) -> None:
    raw = non_canonical_name()
    ca = profiles.self_signed_ca(ec_key, Name.from_der(raw), backend=backend)
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "leaf.example.test")]))
        .sign(rsa_key, backend=backend)
    )
    leaf = profiles.sign_request(request, ca, ec_key, backend=backend)
    assert ca.subject.to_der() == raw
    assert leaf.issuer.to_der() == raw
    (tmp_path / "ca.pem").write_text(ca.to_pem())
    (tmp_path / "leaf.pem").write_text(leaf.to_pem())
    out = run(
        openssl,
        "verify",
        "-CAfile",
        str(tmp_path / "ca.pem"),
        str(tmp_path / "leaf.pem"),
    )
    assert out.strip().endswith("OK")


STRING_MASK_CONFIGS = {
    "bmp": (
        "string_mask = MASK:0x0800\n",
        ["-subj", "/CN=BMP Root CA"],
        StringType.BMP_STRING,
    ),
    "t61": (
        "string_mask = nombstr\nutf8 = yes\n",
        ["-utf8", "-subj", "/O=M\u00fcller/CN=T61 Root"],
        StringType.TELETEX_STRING,
    ),
}


def openssl_ca(
    openssl: str, tmp_path: Path, mask: str, subject: list[str]
) -> tuple[Path, Path]:
    config = tmp_path / "ca.conf"
    config.write_text(
        "[req]\ndistinguished_name = dn\nprompt = no\n"
        f"x509_extensions = v3\n{mask}[dn]\n[v3]\n"
        "basicConstraints = critical, CA:TRUE\n"
        "keyUsage = critical, keyCertSign, cRLSign\n"
        "subjectKeyIdentifier = hash\n",
        encoding="utf-8",
    )
    key = tmp_path / "ca.key"
    cert = tmp_path / "ca.pem"
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
        str(key),
        "-config",
        str(config),
        "-days",
        "30",
        "-out",
        str(cert),
        *subject,
    )
    return key, cert


@pytest.mark.parametrize("kind", sorted(STRING_MASK_CONFIGS))
def test_issuer_copies_legacy_string_types(
    tmp_path: Path,
    openssl: str,
    ec_key: ECPrivateKey,
    backend: Backend,
    kind: str,
) -> None:
    mask, subject, string_type = STRING_MASK_CONFIGS[kind]
    key_path, cert_path = openssl_ca(openssl, tmp_path, mask, subject)
    ca = load_certificates(cert_path.read_bytes())[0]
    ca_key = load_private_key(key_path.read_bytes())
    types = {attribute.string_type for attribute in ca.subject.attributes}
    assert string_type in types
    request = (
        CSRBuilder()
        .subject_name(Name.build([("CN", "leaf.example.test")]))
        .sign(ec_key, backend=backend)
    )
    leaf = profiles.sign_request(request, ca, ca_key, backend=backend)
    assert leaf.issuer.to_der() == ca.subject.to_der()
    leaf_path = tmp_path / "leaf.pem"
    leaf_path.write_text(leaf.to_pem())
    out = run(openssl, "verify", "-CAfile", str(cert_path), str(leaf_path))
    assert out.strip().endswith("OK")


def test_t61_name_reads_as_latin1(tmp_path: Path, openssl: str) -> None:
    mask, subject, _ = STRING_MASK_CONFIGS["t61"]
    _, cert_path = openssl_ca(openssl, tmp_path, mask, subject)
    ca = load_certificates(cert_path.read_bytes())[0]
    attribute = ca.subject.attributes[0]
    assert attribute.string_type == StringType.TELETEX_STRING
    assert attribute.value == "M\u00fcller"
    assert b"\x14\x06M\xfcller" in ca.subject.to_der()


def test_bmp_name_reads_as_utf16(tmp_path: Path, openssl: str) -> None:
    mask, subject, _ = STRING_MASK_CONFIGS["bmp"]
    _, cert_path = openssl_ca(openssl, tmp_path, mask, subject)
    ca = load_certificates(cert_path.read_bytes())[0]
    assert ca.subject.common_names == ("BMP Root CA",)
    assert ca.subject.attributes[0].string_type == StringType.BMP_STRING


# --- Loading ---------------------------------------------------------------


OPENSSL_CERTIFICATES = [
    "callbridge.crt",
    "root.crt",
    "intermediate.crt",
    "server.crt",
    "dbca.crt",
    "dbserver.crt",
    "dbclient.crt",
    "server-der.cer",
    "root-der.crt",
]

# Each certificate and the file of the certificate that signed it.
OPENSSL_ISSUERS = {
    "callbridge.crt": "callbridge.crt",
    "root.crt": "root.crt",
    "intermediate.crt": "root.crt",
    "server.crt": "intermediate.crt",
    "dbca.crt": "dbca.crt",
    "dbserver.crt": "dbca.crt",
    "dbclient.crt": "dbca.crt",
    "server-der.cer": "intermediate.crt",
    "root-der.crt": "root.crt",
}


@pytest.mark.parametrize("name", OPENSSL_CERTIFICATES)
def test_openssl_certificate_verifies(
    openssl_fixtures: Path, backend: Backend, name: str
) -> None:
    data = (openssl_fixtures / name).read_bytes()
    certificate = load_certificates(data, source=name)[0]
    issuer_file = openssl_fixtures / OPENSSL_ISSUERS[name]
    issuer = load_certificates(issuer_file.read_bytes())[0]
    assert certificate.issuer.matches(issuer.subject)
    certificate.verify_signature(issuer.public_key, backend=backend)


def test_der_and_pem_files_agree(openssl_fixtures: Path) -> None:
    der_file = (openssl_fixtures / "server-der.cer").read_bytes()
    pem_file = (openssl_fixtures / "server.crt").read_bytes()
    assert der_file[:1] == b"\x30"
    assert load_certificates(der_file) == load_certificates(pem_file)


def test_openssl_server_certificate_fields(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server.crt").read_bytes()
    certificate = Certificate.from_pem(data)
    san = certificate.subject_alternative_name
    usage = certificate.key_usage
    eku = certificate.extended_key_usage
    assert certificate.subject.common_names == ("join.example.com",)
    assert san is not None
    assert san.dns_names == ("join.example.com", "webbridge3.example.com")
    assert [str(ip) for ip in san.ip_addresses] == ["192.0.2.25"]
    assert usage is not None
    assert usage.key_encipherment and usage.data_encipherment
    assert eku is not None and eku.server_auth and eku.client_auth


def test_openssl_intermediate_path_length(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "intermediate.crt").read_bytes()
    certificate = Certificate.from_pem(data)
    constraints = certificate.basic_constraints
    assert constraints is not None
    assert constraints.ca
    assert constraints.path_length == 0
    assert certificate.is_ca


def test_bundle_loads_in_order(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "fullchain.pem").read_bytes()
    subjects = [c.subject.common_names[0] for c in load_certificates(data)]
    assert subjects == [
        "join.example.com",
        "Example Intermediate CA",
        "Example Root CA",
    ]


def test_concatenated_der_loads_every_certificate(
    openssl_fixtures: Path,
) -> None:
    leaf = (openssl_fixtures / "server-der.cer").read_bytes()
    root = (openssl_fixtures / "root-der.crt").read_bytes()
    certificates = load_certificates(leaf + root)
    assert [c.to_der() for c in certificates] == [leaf, root]


def test_junk_after_der_reports_offset(openssl_fixtures: Path) -> None:
    leaf = (openssl_fixtures / "server-der.cer").read_bytes()
    with pytest.raises(DecodeError) as info:
        load_certificates(leaf + b"\x01\x02\x03")
    assert info.value.offset == len(leaf)
    assert "3 bytes after certificate 1" in str(info.value)


def test_key_file_is_not_certificate(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server-pkcs8.key").read_bytes()
    with pytest.raises(WrongObjectType, match="no CERTIFICATE block found"):
        load_certificates(data)


def test_text_that_is_neither_pem_nor_der() -> None:
    with pytest.raises(PEMError, match="starts with 0x68"):
        load_certificates(b"hello")


def test_certificate_value_semantics(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "root.crt").read_bytes()
    first = Certificate.from_pem(data)
    second = Certificate.from_der(first.to_der())
    assert first == second
    assert hash(first) == hash(second)
    assert "Example Root CA" in repr(first)
    assert Certificate.from_pem(first.to_pem()) == first


def test_fingerprint_covers_der(openssl_fixtures: Path) -> None:
    certificate = Certificate.from_pem(
        (openssl_fixtures / "root.crt").read_bytes()
    )
    expected = hashlib.sha256(certificate.to_der()).digest()
    assert certificate.fingerprint() == expected


def test_builder_output_matches_openssl_view(
    tmp_path: Path, openssl: str, ec_key: ECPrivateKey, backend: Backend
) -> None:
    name = Name.build([("O", "Example"), ("CN", "view.example.test")])
    certificate = (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ec_key.public_key())
        .serial_number(0xABCDEF)
        .not_valid_before(START)
        .not_valid_after(datetime.datetime(2050, 1, 1, tzinfo=UTC))
        .add_extension(BasicConstraints(ca=True, path_length=1), True)
        .add_extension(KeyUsage(frozenset({"key_cert_sign"})), True)
        .add_extension(SubjectKeyIdentifier.from_public_key(ec_key), False)
        .sign(ec_key, backend=backend)
    )
    path = tmp_path / "c.pem"
    path.write_text(certificate.to_pem())
    out = run(openssl, "x509", "-in", str(path), "-noout", "-text")
    assert "Serial Number: 11259375 (0xabcdef)" in out
    assert "Not After : Jan  1 00:00:00 2050 GMT" in out
    assert "CA:TRUE, pathlen:1" in out
    assert "Subject: O = Example, CN = view.example.test" in out


def test_dns_only_leaf_has_no_subject(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    ca = profiles.self_signed_ca(
        ec_key, Name.build([("CN", "Empty Subject Root")]), backend=backend
    )
    request = (
        CSRBuilder()
        .subject_alternative_names([DNSName("only.example.test")])
        .sign(ec_key, backend=backend)
    )
    leaf = profiles.sign_request(request, ca, ec_key, backend=backend)
    extension = leaf.extensions.get("2.5.29.17")
    assert leaf.subject.is_empty
    assert extension is not None
    assert extension.critical
