"""PKCS#10 requests: the appliance SAN rules, the builder, the parser, and
requests made by or checked with the openssl command."""

from __future__ import annotations

import ipaddress
import subprocess
from pathlib import Path

import pytest

from purepki import pem, sigalg, signatures
from purepki._encoding import encode_extension, encode_oid
from purepki.asn1 import der
from purepki.asn1.oids import AttributeOID, ExtensionOID
from purepki.backend import Backend
from purepki.csr import (
    CertificateSigningRequest,
    CSRBuilder,
    InvalidRequest,
    load_csr,
    parse_san_items,
    with_common_name,
)
from purepki.errors import DecodeError, InvalidSignature, WrongObjectType
from purepki.extensions import BasicConstraints, SubjectAlternativeName
from purepki.general_names import DNSName, IPAddress
from purepki.keys import (
    ECPrivateKey,
    RSAPrivateKey,
    generate_ec_key,
    generate_rsa_key,
)
from purepki.name import Name


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


def subject(common_name: str) -> Name:
    return Name.build([("CN", common_name)])


# --- SAN items -------------------------------------------------------------


def test_san_items_strip_spaces_after_commas() -> None:
    names = parse_san_items("a.example.com, b.example.com")
    assert names == (DNSName("a.example.com"), DNSName("b.example.com"))


def test_san_items_never_keep_leading_space() -> None:
    names = parse_san_items(["a.example.com", " b.example.com "])
    values = [name.value for name in names if isinstance(name, DNSName)]
    assert values == ["a.example.com", "b.example.com"]


def test_san_items_ip_addresses() -> None:
    names = parse_san_items("callbridge1.example.com,192.0.2.25,2001:db8::1")
    assert names == (
        DNSName("callbridge1.example.com"),
        IPAddress(ipaddress.ip_address("192.0.2.25")),
        IPAddress(ipaddress.ip_address("2001:db8::1")),
    )


def test_san_items_skip_empty_and_repeated() -> None:
    names = parse_san_items("a.example.com,,a.example.com, ")
    assert names == (DNSName("a.example.com"),)


def test_san_items_empty_list() -> None:
    assert parse_san_items("") == ()
    assert parse_san_items([]) == ()


def test_san_items_wildcard_first_label() -> None:
    assert parse_san_items("*.example.com") == (DNSName("*.example.com"),)
    with pytest.raises(InvalidRequest, match="neither a valid DNS name"):
        parse_san_items("www.*.example.com")


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("a b.example.com", "contains a space"),
        ("bad_name.example.com", "neither a valid DNS name"),
        ("-lead.example.com", "neither a valid DNS name"),
        ("m\u00fcller.example.com", "not ASCII"),
        ("a" * 64 + ".example.com", "neither a valid DNS name"),
    ],
    ids=["inner-space", "underscore", "leading-hyphen", "unicode", "long"],
)
def test_san_items_reject(item: str, reason: str) -> None:
    with pytest.raises(InvalidRequest, match=reason):
        parse_san_items(item)


def test_common_name_appended_to_san() -> None:
    names = parse_san_items("callbridge1.example.com,192.0.2.25")
    combined = with_common_name(names, "www.example.com")
    assert combined[-1] == DNSName("www.example.com")
    assert len(combined) == 3


def test_common_name_not_repeated() -> None:
    names = parse_san_items("WWW.example.com,192.0.2.25")
    assert with_common_name(names, "www.example.com.") == names
    assert with_common_name(names, "192.0.2.25") == names


def test_common_name_ip_becomes_ip_entry() -> None:
    combined = with_common_name(parse_san_items("a.example.com"), "192.0.2.7")
    assert combined[-1] == IPAddress(ipaddress.ip_address("192.0.2.7"))


def test_common_name_not_added_without_san() -> None:
    assert with_common_name((), "www.example.com") == ()


def test_common_name_not_host_name_rejected() -> None:
    names = parse_san_items("a.example.com")
    with pytest.raises(InvalidRequest, match="commonName 'My Server'"):
        with_common_name(names, "My Server")


# --- Builder ---------------------------------------------------------------


def test_builder_puts_san_in_extension_request(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    names = with_common_name(
        parse_san_items("a.example.test,b.example.test,192.0.2.25"),
        "www.example.test",
    )
    request = (
        CSRBuilder()
        .subject_name(subject("www.example.test"))
        .subject_alternative_names(names)
        .sign(ec_key, backend=backend)
    )
    san = request.subject_alternative_name
    extension = request.extensions.get(SubjectAlternativeName)
    assert san is not None
    assert san.names == names
    assert extension is not None
    assert not extension.critical
    oids = [attribute.oid for attribute in request.attributes]
    assert oids == [AttributeOID.EXTENSION_REQUEST]


def test_builder_empty_san_list_gives_no_extension(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(subject("www.example.test"))
        .subject_alternative_names(parse_san_items(""))
        .sign(ec_key, backend=backend)
    )
    assert len(request.extensions) == 0
    assert request.attributes == ()
    info = der.scan(request.info_der)
    assert request.info_der[info.children[3].offset :] == b"\xa0\x00"


def test_builder_empty_subject_makes_san_critical(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_alternative_names(parse_san_items("only.example.test"))
        .sign(ec_key, backend=backend)
    )
    extension = request.extensions.get(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    assert request.subject.is_empty
    assert extension is not None
    assert extension.critical


def test_builder_san_critical_whatever_call_order(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_alternative_names(parse_san_items("x.example.test"))
        .subject_name(subject("x.example.test"))
        .sign(ec_key, backend=backend)
    )
    extension = request.extensions.get(SubjectAlternativeName)
    assert extension is not None
    assert not extension.critical


def test_builder_needs_subject_or_san(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    with pytest.raises(InvalidRequest, match="needs a subject or"):
        CSRBuilder().sign(ec_key, backend=backend)


def test_builder_rejects_subject_twice() -> None:
    builder = CSRBuilder().subject_name(subject("a.example.test"))
    with pytest.raises(InvalidRequest, match="subject is already set"):
        builder.subject_name(subject("b.example.test"))


def test_builder_rejects_second_san() -> None:
    builder = CSRBuilder().subject_alternative_names(
        parse_san_items("a.example.test")
    )
    with pytest.raises(
        InvalidRequest, match=r"duplicate extension 2\.5\.29\.17"
    ):
        builder.subject_alternative_names(parse_san_items("b.example.test"))


def test_builder_routes_san_through_its_setter() -> None:
    value = SubjectAlternativeName(parse_san_items("a.example.test"))
    with pytest.raises(InvalidRequest, match="subject_alternative_names"):
        CSRBuilder().add_extension(value, critical=False)


def test_builder_rejects_duplicate_extension() -> None:
    builder = CSRBuilder().add_extension(
        BasicConstraints(ca=False), critical=True
    )
    with pytest.raises(
        InvalidRequest, match=r"duplicate extension 2\.5\.29\.19"
    ):
        builder.add_extension(BasicConstraints(ca=False), critical=False)


def test_builder_is_immutable() -> None:
    empty = CSRBuilder()
    empty.subject_name(subject("a.example.test"))
    assert empty.subject.is_empty


def test_request_signature_verifies(
    rsa_key: RSAPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(subject("rsa.example.test"))
        .sign(rsa_key, backend=backend)
    )
    request.verify_signature(backend=backend)
    assert request.public_key == rsa_key.public_key()


def test_tampered_request_fails_verification(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    request = (
        CSRBuilder()
        .subject_name(subject("tamper.example.test"))
        .sign(ec_key, backend=backend)
    )
    data = request.to_der().replace(b"tamper", b"tamped")
    with pytest.raises(InvalidSignature):
        CertificateSigningRequest.from_der(data).verify_signature(
            backend=backend
        )


# --- Interoperability with openssl -----------------------------------------


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_openssl_accepts_request(
    tmp_path: Path,
    openssl: str,
    rsa_key: RSAPrivateKey,
    ec_key: ECPrivateKey,
    backend: Backend,
    kind: str,
) -> None:
    key = rsa_key if kind == "rsa" else ec_key
    names = with_common_name(
        parse_san_items("a.example.test, 192.0.2.25, 2001:db8::5"),
        "www.example.test",
    )
    name = Name.build(
        [
            ("C", "US"),
            ("ST", "California"),
            ("L", "San Jose"),
            ("O", "My Office"),
            ("OU", "My Desk"),
            ("CN", "www.example.test"),
        ]
    )
    request = (
        CSRBuilder()
        .subject_name(name)
        .subject_alternative_names(names)
        .sign(key, backend=backend)
    )
    path = tmp_path / "request.csr"
    path.write_text(request.to_pem())
    run(openssl, "req", "-verify", "-noout", "-in", str(path))
    out = run(openssl, "req", "-in", str(path), "-noout", "-text")
    assert "Requested Extensions:" in out
    assert (
        "DNS:a.example.test, IP Address:192.0.2.25, "
        "IP Address:2001:DB8:0:0:0:0:0:5, DNS:www.example.test"
    ) in out
    assert "ST = California, L = San Jose, O = My Office" in out


def test_openssl_empty_subject_request(
    tmp_path: Path, openssl: str, backend: Backend
) -> None:
    path = tmp_path / "empty.csr"
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
        "-subj",
        "/",
        "-addext",
        "subjectAltName=DNS:only.example.test",
        "-out",
        str(path),
    )
    request = load_csr(path.read_bytes())
    request.verify_signature(backend=backend)
    san = request.subject_alternative_name
    assert request.subject.is_empty
    assert san is not None
    assert san.dns_names == ("only.example.test",)


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


def test_parser_keeps_attributes(
    attributes_request: Path, backend: Backend
) -> None:
    request = load_csr(attributes_request.read_bytes())
    request.verify_signature(backend=backend)
    names = [attribute.name for attribute in request.attributes]
    assert names == [
        "challengePassword",
        "unstructuredName",
        "extensionRequest",
    ]
    assert request.challenge_password == "s3cret-pass"
    assert request.attributes[1].text == ("Example Unit",)
    assert request.subject_alternative_name is not None


def test_new_certificate_request_label(
    openssl_fixtures: Path, backend: Backend
) -> None:
    original = load_csr((openssl_fixtures / "server.csr").read_bytes())
    armoured = pem.encode("NEW CERTIFICATE REQUEST", original.to_der())
    request = load_csr(armoured.encode())
    request.verify_signature(backend=backend)
    assert request == original


def test_der_request_loads(openssl_fixtures: Path) -> None:
    original = load_csr((openssl_fixtures / "server.csr").read_bytes())
    assert load_csr(original.to_der()) == original
    assert CertificateSigningRequest.from_pem(original.to_pem()) == original


@pytest.mark.parametrize(
    "name",
    [
        "webbridge3.csr",
        "intermediate.csr",
        "server.csr",
        "dbca.csr",
        "dbserver.csr",
        "dbclient.csr",
    ],
)
def test_openssl_request_verifies(
    openssl_fixtures: Path, backend: Backend, name: str
) -> None:
    request = load_csr((openssl_fixtures / name).read_bytes(), source=name)
    request.verify_signature(backend=backend)
    assert request.subject.common_names


def test_openssl_request_extensions(openssl_fixtures: Path) -> None:
    request = load_csr((openssl_fixtures / "intermediate.csr").read_bytes())
    oids = [extension.oid for extension in request.extensions]
    assert oids == [ExtensionOID.BASIC_CONSTRAINTS, ExtensionOID.KEY_USAGE]


def test_certificate_file_is_not_request(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server.crt").read_bytes()
    with pytest.raises(WrongObjectType, match="no CERTIFICATE REQUEST"):
        load_csr(data)


def duplicate_extension_request(key: ECPrivateKey, backend: Backend) -> bytes:
    """A request whose extensionRequest lists subjectAltName twice, with
    different content, signed properly."""
    first = CSRBuilder().subject_alternative_names(
        parse_san_items("a.example.test")
    )
    second = CSRBuilder().subject_alternative_names(
        parse_san_items("b.example.test")
    )
    extensions = der.encode_sequence(
        encode_extension(first.extensions[0]),
        encode_extension(second.extensions[0]),
    )
    attribute = der.encode_sequence(
        encode_oid(AttributeOID.EXTENSION_REQUEST),
        der.encode_tlv(0x31, extensions),
    )
    info = der.encode_sequence(
        der.encode_integer(0),
        subject("dup.example.test").to_der(),
        key.public_key().to_der(),
        der.encode_tlv(0xA0, attribute),
    )
    algorithm = signatures.default_algorithm(key)
    signature = key.sign(info, algorithm, backend=backend)
    return der.encode_sequence(
        info,
        sigalg.to_der(algorithm),
        der.encode_tlv(0x03, b"\x00" + signature),
    )


def test_duplicate_requested_extension_rejected(
    ec_key: ECPrivateKey, backend: Backend
) -> None:
    data = duplicate_extension_request(ec_key, backend)
    with pytest.raises(DecodeError, match=r"duplicate extension 2\.5\.29\.17"):
        load_csr(data)
