"""Typed X.509 extensions: parsing certificates made by the openssl
command, rendering as ``openssl x509 -text`` does, round trips, and the
RFC 5280 rules that parsers and builders enforce."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pyasn1.type import char
from pyasn1_modules import rfc5280

from purepki import load_public_key
from purepki.asn1 import der
from purepki.asn1.oids import AccessMethodOID, ExtendedKeyUsageOID, PolicyOID
from purepki.errors import DecodeError, PurePKIWarning
from purepki.extensions import (
    AccessDescription,
    AuthorityInformationAccess,
    AuthorityKeyIdentifier,
    BasicConstraints,
    CertificatePolicies,
    CPSUri,
    CRLDistributionPoints,
    DistributionPoint,
    ExtendedKeyUsage,
    Extension,
    Extensions,
    ExtensionValue,
    ExtensionValueError,
    IssuerAlternativeName,
    KeyUsage,
    NameConstraints,
    NetscapeCertType,
    PolicyInformation,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
    UnrecognizedExtension,
    UserNotice,
    parse_extension,
)
from purepki.general_names import (
    DirectoryName,
    DNSName,
    IPAddress,
    IPNetwork,
    OtherName,
    RegisteredID,
    RFC822Name,
    UniformResourceIdentifier,
    encode_general_names,
    general_name_from_pyasn1,
    general_name_to_pyasn1,
    parse_general_names,
)
from purepki.name import Name

UPN = "1.3.6.1.4.1.311.20.2.3"

CONFIG = """\
[req]
distinguished_name = dn
[dn]
[dirsect]
C = GB
O = Example Org
CN = Dir Name
[polsect]
policyIdentifier = 1.2.3.4
CPS.1 = "http://cps.example.test/cps"
userNotice.1 = @notice
[notice]
explicitText = "Explicit notice text"
organization = "Example Org"
noticeNumbers = 1, 2
[anypolicy]
policyIdentifier = 2.5.29.32.0
userNotice.1 = @textonly
[textonly]
explicitText = "Only text"
[points]
fullname = URI:http://crl.example.test/a.crl, IP:192.0.2.1, dirName:dirsect
[relative]
relativename = rdn
reasons = keyCompromise, CACompromise, AACompromise
[rdn]
CN = Relative CRL
"""

MAIN_EXTENSIONS = (
    "basicConstraints=critical,CA:TRUE,pathlen:0",
    "keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment,"
    "keyCertSign,cRLSign",
    "extendedKeyUsage=serverAuth,clientAuth",
    "subjectAltName=DNS:a.example.test,IP:192.0.2.25,IP:2001:db8::1,"
    "email:a@example.test,URI:https://example.test/,dirName:dirsect,"
    f"otherName:{UPN};UTF8:u@example.test",
    "nameConstraints=permitted;DNS:example.test,"
    "permitted;IP:192.0.2.0/255.255.255.0,excluded;email:.bad.example.test",
    "crlDistributionPoints=URI:http://crl.example.test/ca.crl",
    "authorityInfoAccess=OCSP;URI:http://ocsp.example.test,"
    "caIssuers;URI:http://ca.example.test/ca.crt",
    "certificatePolicies=1.2.3.4,2.23.140.1.2.1",
    "nsCertType=server,client,sslCA",
)

POLICY_EXTENSIONS = (
    "certificatePolicies=ia5org,@polsect",
    "issuerAltName=DNS:issuer.example.test",
    "nameConstraints=critical,permitted;IP:2001:db8::/ffff:ffff::,"
    "excluded;dirName:dirsect,permitted;URI:.example.test",
    "authorityKeyIdentifier=keyid:always,issuer:always",
)

MORE_EXTENSIONS = (
    "authorityKeyIdentifier=keyid:always",
    "basicConstraints=CA:FALSE",
    "keyUsage=nonRepudiation,keyAgreement,encipherOnly,decipherOnly",
    "extendedKeyUsage=codeSigning,emailProtection,timeStamping,OCSPSigning,"
    "anyExtendedKeyUsage,1.2.3.4.5,msSGC,nsSGC",
    f"nameConstraints=permitted;otherName:{UPN};UTF8:u@example.test,"
    "excluded;RID:1.2.3.4,permitted;dirName:dirsect",
    "crlDistributionPoints=points,relative",
    "certificatePolicies=@anypolicy",
    "nsCertType=client,server,email,objsign,reserved,sslCA,emailCA,objCA",
    "subjectAltName=IP:::,IP:10.0.0.1,RID:2.5.29.32.0,"
    "otherName:1.2.3.4;UTF8:hello,otherName:1.2.3.5;INT:5",
    "authorityInfoAccess=1.2.3.4;DNS:x.example.test,OCSP;dirName:dirsect",
)


@dataclass(frozen=True)
class MadeCertificate:
    """A certificate from ``openssl req -x509`` and what openssl shows."""

    der: bytes
    text: str
    public_key_der: bytes
    folder: Path

    @property
    def extensions(self) -> Extensions:
        return extensions_of(self.der)


def extensions_of(certificate: bytes) -> Extensions:
    decoded = der.decode(certificate, rfc5280.Certificate())
    value = decoded["tbsCertificate"]["extensions"]
    return Extensions.from_pyasn1(value, source="test certificate")


def run(args: list[Any], **options: Any) -> bytes:
    result = subprocess.run(
        [str(arg) for arg in args], check=True, capture_output=True, **options
    )
    return result.stdout


def make_certificate(
    openssl: str, folder: Path, extensions: tuple[str, ...]
) -> MadeCertificate:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "openssl.cnf"
    config.write_text(CONFIG)
    key, cert = folder / "key.pem", folder / "cert.pem"
    args: list[Any] = [openssl, "req", "-x509", "-newkey", "ec"]
    args += ["-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    args += ["-subj", "/CN=x", "-config", config]
    args += ["-keyout", key, "-out", cert, "-days", "30"]
    for extension in extensions:
        args += ["-addext", extension]
    run(args)
    encoded = run([openssl, "x509", "-in", cert, "-outform", "DER"])
    text = run([openssl, "x509", "-in", cert, "-text", "-noout"]).decode()
    public = run([openssl, "pkey", "-in", key, "-pubout", "-outform", "DER"])
    return MadeCertificate(encoded, text, public, folder)


@pytest.fixture(scope="module")
def main_cert(
    tmp_path_factory: pytest.TempPathFactory, openssl: str
) -> MadeCertificate:
    folder = tmp_path_factory.mktemp("main")
    return make_certificate(openssl, folder, MAIN_EXTENSIONS)


@pytest.fixture(scope="module")
def policy_cert(
    tmp_path_factory: pytest.TempPathFactory, openssl: str
) -> MadeCertificate:
    folder = tmp_path_factory.mktemp("policy")
    return make_certificate(openssl, folder, POLICY_EXTENSIONS)


@pytest.fixture(scope="module")
def more_cert(
    tmp_path_factory: pytest.TempPathFactory, openssl: str
) -> MadeCertificate:
    folder = tmp_path_factory.mktemp("more")
    return make_certificate(openssl, folder, MORE_EXTENSIONS)


def openssl_blocks(text: str) -> dict[str, tuple[bool, list[str]]]:
    """Split the extensions section of ``x509 -text`` into title ->
    (critical, value lines without the 16-space indentation)."""
    lines = text.splitlines()
    start = next(
        i
        for i, line in enumerate(lines)
        if line.strip() == "X509v3 extensions:"
    )
    blocks: dict[str, tuple[bool, list[str]]] = {}
    current: list[str] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent <= 8:
            break
        if indent == 12:
            title, _, flag = line.strip().partition(":")
            current = []
            blocks[title] = (flag.strip() == "critical", current)
        else:
            current.append(line[16:].rstrip())
    return blocks


def value_of(extensions: Extensions, kind: type[Any]) -> Any:
    extension = extensions.get(kind)
    assert extension is not None, f"{kind.__name__} missing"
    assert isinstance(extension.value, kind)
    return extension.value


# --- Parsing what openssl made ----------------------------------------------


def test_basic_constraints_parsed(main_cert: MadeCertificate) -> None:
    extension = main_cert.extensions.get(BasicConstraints)
    assert extension is not None
    assert extension.critical
    assert extension.value == BasicConstraints(ca=True, path_length=0)


def test_key_usage_parsed(main_cert: MadeCertificate) -> None:
    usage = value_of(main_cert.extensions, KeyUsage)
    expected = {
        "digital_signature",
        "key_encipherment",
        "data_encipherment",
        "key_cert_sign",
        "crl_sign",
    }
    assert usage.flags == expected
    assert usage.key_cert_sign
    assert not usage.key_agreement
    assert main_cert.extensions.get(KeyUsage).critical  # type: ignore[union-attr]


def test_extended_key_usage_parsed(main_cert: MadeCertificate) -> None:
    usage = value_of(main_cert.extensions, ExtendedKeyUsage)
    assert usage.server_auth
    assert usage.client_auth
    assert not usage.any
    assert ExtendedKeyUsageOID.SERVER_AUTH in usage


def test_subject_alt_name_parsed(main_cert: MadeCertificate) -> None:
    san = value_of(main_cert.extensions, SubjectAlternativeName)
    assert san.dns_names == ("a.example.test",)
    assert san.ip_addresses == (
        ipaddress.ip_address("192.0.2.25"),
        ipaddress.ip_address("2001:db8::1"),
    )
    assert san.emails == ("a@example.test",)
    assert san.uris == ("https://example.test/",)
    assert [n.rfc4514() for n in san.directory_names] == [
        "CN=Dir Name,O=Example Org,C=GB"
    ]
    upn = [n for n in san.names if isinstance(n, OtherName)]
    assert [(n.type_id, n.text) for n in upn] == [(UPN, "u@example.test")]


def test_name_constraints_parsed(main_cert: MadeCertificate) -> None:
    constraints = value_of(main_cert.extensions, NameConstraints)
    assert constraints.permitted == (
        DNSName("example.test"),
        IPNetwork(ipaddress.ip_network("192.0.2.0/24")),
    )
    assert constraints.excluded == (RFC822Name(".bad.example.test"),)


def test_ipv6_name_constraint_parsed(policy_cert: MadeCertificate) -> None:
    constraints = value_of(policy_cert.extensions, NameConstraints)
    network = IPNetwork(ipaddress.ip_network("2001:db8::/32"))
    assert constraints.permitted[0] == network
    assert isinstance(constraints.excluded[0], DirectoryName)


def test_crl_distribution_points_parsed(main_cert: MadeCertificate) -> None:
    points = value_of(main_cert.extensions, CRLDistributionPoints)
    uri = UniformResourceIdentifier("http://crl.example.test/ca.crl")
    assert points.points == (DistributionPoint(full_name=(uri,)),)


def test_relative_distribution_point_parsed(
    more_cert: MadeCertificate,
) -> None:
    points = value_of(more_cert.extensions, CRLDistributionPoints).points
    assert len(points) == 2
    relative = points[1].relative_name
    assert relative is not None
    assert relative.rfc4514() == "CN=Relative CRL"
    assert points[1].reasons == {
        "key_compromise",
        "ca_compromise",
        "aa_compromise",
    }


def test_authority_info_access_parsed(main_cert: MadeCertificate) -> None:
    access = value_of(main_cert.extensions, AuthorityInformationAccess)
    ocsp = UniformResourceIdentifier("http://ocsp.example.test")
    issuers = UniformResourceIdentifier("http://ca.example.test/ca.crt")
    assert access.ocsp == (ocsp,)
    assert access.ca_issuers == (issuers,)


def test_certificate_policies_parsed(main_cert: MadeCertificate) -> None:
    policies = value_of(main_cert.extensions, CertificatePolicies)
    assert policies.policy_ids == ("1.2.3.4", "2.23.140.1.2.1")
    assert all(not p.qualifiers for p in policies.policies)


def test_policy_qualifiers_parsed(policy_cert: MadeCertificate) -> None:
    policies = value_of(policy_cert.extensions, CertificatePolicies)
    qualifiers = policies.policies[0].qualifiers
    assert qualifiers[0] == CPSUri("http://cps.example.test/cps")
    assert qualifiers[1] == UserNotice(
        "Example Org", (1, 2), "Explicit notice text"
    )


def test_netscape_cert_type_parsed(main_cert: MadeCertificate) -> None:
    cert_type = value_of(main_cert.extensions, NetscapeCertType)
    assert cert_type.flags == {"ssl_client", "ssl_server", "ssl_ca"}
    assert cert_type.ssl_server
    assert not cert_type.smime


def test_subject_key_identifier_method_one(
    main_cert: MadeCertificate,
) -> None:
    ski = value_of(main_cert.extensions, SubjectKeyIdentifier)
    from_bytes = SubjectKeyIdentifier.from_public_key(main_cert.public_key_der)
    key = load_public_key(main_cert.public_key_der)
    assert from_bytes == ski
    assert SubjectKeyIdentifier.from_public_key(key) == ski


def test_authority_key_identifier_parsed(
    policy_cert: MadeCertificate,
) -> None:
    extensions = policy_cert.extensions
    aki = value_of(extensions, AuthorityKeyIdentifier)
    ski = value_of(extensions, SubjectKeyIdentifier)
    decoded = der.decode(policy_cert.der, rfc5280.Certificate())
    serial = int(decoded["tbsCertificate"]["serialNumber"])
    assert aki.key_identifier == ski.digest
    assert aki.authority_cert_serial_number == serial
    issuer = aki.authority_cert_issuer
    assert issuer is not None
    assert [str(name) for name in issuer] == ["DirName:/CN=x"]


def test_unknown_extension_kept_raw(main_cert: MadeCertificate) -> None:
    data = bytes.fromhex("0403010203")
    extension = parse_extension("1.3.6.1.4.1.55555.1", False, data)
    assert extension.value == UnrecognizedExtension(
        "1.3.6.1.4.1.55555.1", data
    )
    assert extension.der_value == data


# --- Text as openssl x509 -text prints it ----------------------------------

CERTIFICATES = ("main_cert", "policy_cert", "more_cert")


@pytest.mark.parametrize("fixture_name", CERTIFICATES)
def test_text_lines_match_openssl(
    fixture_name: str, request: pytest.FixtureRequest
) -> None:
    certificate: MadeCertificate = request.getfixturevalue(fixture_name)
    blocks = openssl_blocks(certificate.text)
    extensions = certificate.extensions
    assert sorted(blocks) == sorted(e.title for e in extensions)
    for extension in extensions:
        critical, expected = blocks[extension.title]
        ours = [line for line in extension.value.text_lines() if line]
        assert ours == expected, extension.title
        assert extension.critical == critical, extension.title


def test_extension_text_has_title(main_cert: MadeCertificate) -> None:
    extension = main_cert.extensions.get(BasicConstraints)
    assert extension is not None
    assert extension.text_lines() == [
        "X509v3 Basic Constraints: critical",
        "    CA:TRUE, pathlen:0",
    ]


def test_ipv6_address_openssl_form() -> None:
    address = IPAddress(ipaddress.ip_address("2001:db8::1"))
    assert str(address) == "IP Address:2001:DB8:0:0:0:0:0:1"


def test_general_name_forms() -> None:
    name = Name.from_rfc4514("CN=Dir Name,O=Example Org,C=GB")
    assert str(DNSName("a.example.com")) == "DNS:a.example.com"
    assert str(RFC822Name("a@example.test")) == "email:a@example.test"
    assert str(RegisteredID("1.2.3.4")) == "Registered ID:1.2.3.4"
    assert (
        str(DirectoryName(name)) == "DirName:/C=GB/O=Example Org/CN=Dir Name"
    )
    assert DirectoryName(name).print_form() == (
        "DirName:C = GB, O = Example Org, CN = Dir Name"
    )


@pytest.mark.parametrize(
    "name",
    [
        DNSName("a.example.test"),
        RFC822Name("a@example.test"),
        UniformResourceIdentifier("https://example.test/"),
        IPAddress(ipaddress.ip_address("192.0.2.1")),
        DirectoryName(Name.from_rfc4514("CN=x,O=Example")),
        OtherName.from_utf8(UPN, "u@example.test"),
        RegisteredID("1.2.3.4"),
    ],
    ids=lambda name: type(name).__name__,
)
def test_general_name_pyasn1_round_trip(name: Any) -> None:
    value = general_name_to_pyasn1(name)
    assert general_name_from_pyasn1(value) == name


def test_ip_network_pyasn1_round_trip() -> None:
    network = IPNetwork(ipaddress.ip_network("2001:db8::/48"))
    value = general_name_to_pyasn1(network)
    again = general_name_from_pyasn1(value, in_name_constraints=True)
    assert again == network


def test_mutated_values_raise_decode_errors(
    main_cert: MadeCertificate,
) -> None:
    # Every octet of every value, flipped: the parsers either read the
    # result or raise DecodeError, never another exception.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PurePKIWarning)
        for extension in main_cert.extensions:
            data = extension.der_value
            for position in range(len(data)):
                for mask in (0x01, 0x80, 0xFF):
                    mutated = bytearray(data)
                    mutated[position] ^= mask
                    with contextlib.suppress(DecodeError):
                        parse_extension(extension.oid, False, bytes(mutated))


def test_to_json_is_plain_data(
    main_cert: MadeCertificate, more_cert: MadeCertificate
) -> None:
    for certificate in (main_cert, more_cert):
        data = certificate.extensions.to_json()
        assert json.loads(json.dumps(data)) == data


# --- Round trips ------------------------------------------------------------


@pytest.mark.parametrize("fixture_name", CERTIFICATES)
def test_values_round_trip(
    fixture_name: str, request: pytest.FixtureRequest
) -> None:
    certificate: MadeCertificate = request.getfixturevalue(fixture_name)
    for extension in certificate.extensions:
        value = extension.value
        if isinstance(value, UnrecognizedExtension):
            continue
        again = type(value).from_der(value.to_der())
        assert again == value, extension.name


# certificatePolicies is left out: openssl writes IA5String and
# VisibleString texts, and purepki writes UTF8String as RFC 5280
# section 4.2.1.4 recommends.
@pytest.mark.parametrize("fixture_name", CERTIFICATES)
def test_encoding_matches_openssl(
    fixture_name: str, request: pytest.FixtureRequest
) -> None:
    certificate: MadeCertificate = request.getfixturevalue(fixture_name)
    for extension in certificate.extensions:
        if isinstance(extension.value, CertificatePolicies):
            continue
        assert extension.value.to_der() == extension.der_value, extension.name


def test_extensions_round_trip(main_cert: MadeCertificate) -> None:
    extensions = main_cert.extensions
    again = Extensions.from_pyasn1(extensions.to_pyasn1())
    assert again == extensions


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"digital_signature"}, "03020780"),
        ({"key_cert_sign", "crl_sign"}, "03020106"),
        ({"key_agreement", "decipher_only"}, "0303070880"),
        ({"digital_signature", "key_encipherment"}, "030205a0"),
    ],
    ids=["bit0", "bits5-6", "bit8", "bits0-2"],
)
def test_key_usage_drops_trailing_zero_bits(
    flags: set[str], expected: str
) -> None:
    assert KeyUsage(frozenset(flags)).to_der().hex() == expected


def built_values() -> list[tuple[ExtensionValue, bool]]:
    """One built value of each type with its critical flag."""
    name = Name.from_rfc4514("CN=Built,O=Example,C=GB")
    san = SubjectAlternativeName(
        (
            DNSName("b.example.test"),
            IPAddress(ipaddress.ip_address("2001:db8::5")),
            RFC822Name("b@example.test"),
            UniformResourceIdentifier("https://b.example.test/"),
            DirectoryName(name),
            OtherName.from_utf8(UPN, "b@example.test"),
        )
    )
    constraints = NameConstraints(
        permitted=(IPNetwork(ipaddress.ip_network("10.0.0.0/8")),),
        excluded=(DNSName("bad.example.test"),),
    )
    points = CRLDistributionPoints(
        (
            DistributionPoint(
                full_name=(UniformResourceIdentifier("http://c.test/a.crl"),)
            ),
            DistributionPoint(
                relative_name=Name.from_rfc4514("CN=Part"),
                reasons=frozenset({"key_compromise", "superseded"}),
            ),
        )
    )
    access = AuthorityInformationAccess(
        (
            AccessDescription(
                AccessMethodOID.OCSP,
                UniformResourceIdentifier("http://ocsp.test"),
            ),
        )
    )
    policies = CertificatePolicies(
        (
            PolicyInformation(
                PolicyOID.ANY_POLICY,
                (CPSUri("http://cps.test/"), UserNotice("Org", (3,), "Hi")),
            ),
        )
    )
    return [
        (BasicConstraints(ca=True, path_length=2), True),
        (KeyUsage(frozenset({"digital_signature", "key_agreement"})), True),
        (ExtendedKeyUsage((ExtendedKeyUsageOID.CLIENT_AUTH,)), False),
        (san, False),
        (IssuerAlternativeName((DNSName("issuer.test"),)), False),
        (SubjectKeyIdentifier(bytes(range(20))), False),
        (
            AuthorityKeyIdentifier(bytes(20), (DirectoryName(name),), 0x8F01),
            False,
        ),
        (constraints, True),
        (points, False),
        (access, False),
        (policies, False),
        (NetscapeCertType(frozenset({"ssl_server", "smime"})), False),
    ]


def test_built_values_round_trip() -> None:
    for value, _ in built_values():
        again = type(value).from_der(value.to_der())
        assert again == value, type(value).__name__


def test_built_extensions_pass_asn1parse(openssl: str, tmp_path: Path) -> None:
    built = [
        Extension.build(value, critical) for value, critical in built_values()
    ]
    path = tmp_path / "extensions.der"
    path.write_bytes(Extensions(tuple(built)).to_der())
    run([openssl, "asn1parse", "-inform", "DER", "-in", path])
    for extension in built:
        single = tmp_path / "value.der"
        single.write_bytes(extension.der_value)
        run([openssl, "asn1parse", "-inform", "DER", "-in", single])


def test_openssl_prints_built_extensions(openssl: str, tmp_path: Path) -> None:
    built = [
        Extension.build(value, critical) for value, critical in built_values()
    ]
    options = []
    for extension in built:
        flag = "critical," if extension.critical else ""
        octets = ":".join(f"{b:02X}" for b in extension.der_value)
        options.append(f"{extension.oid}={flag}DER:{octets}")
    certificate = make_certificate(openssl, tmp_path, tuple(options))
    blocks = openssl_blocks(certificate.text)
    for extension in built:
        critical, expected = blocks[extension.title]
        ours = [line for line in extension.value.text_lines() if line]
        assert ours == expected, extension.title
        assert critical == extension.critical, extension.title


def test_built_extensions_decode_with_rfc5280() -> None:
    schemas = {
        BasicConstraints: rfc5280.BasicConstraints(),
        KeyUsage: rfc5280.KeyUsage(),
        ExtendedKeyUsage: rfc5280.ExtKeyUsageSyntax(),
        SubjectAlternativeName: rfc5280.SubjectAltName(),
        IssuerAlternativeName: rfc5280.IssuerAltName(),
        SubjectKeyIdentifier: rfc5280.SubjectKeyIdentifier(),
        AuthorityKeyIdentifier: rfc5280.AuthorityKeyIdentifier(),
        NameConstraints: rfc5280.NameConstraints(),
        CRLDistributionPoints: rfc5280.CRLDistributionPoints(),
        AuthorityInformationAccess: rfc5280.AuthorityInfoAccessSyntax(),
        CertificatePolicies: rfc5280.CertificatePolicies(),
    }
    for value, _ in built_values():
        schema = schemas.get(type(value))
        if schema is not None:
            der.decode(value.to_der(), schema)


# --- Rules of RFC 5280 ------------------------------------------------------


def extensions_der(*items: tuple[str, bool, bytes]) -> Any:
    """Return a pyasn1 rfc5280.Extensions of (oid, critical, value)."""
    parts = [
        Extension(oid, critical, UnrecognizedExtension(oid, data), data)
        for oid, critical, data in items
    ]
    encoded = der.encode_sequence(*(part.to_der() for part in parts))
    return der.decode(encoded, rfc5280.Extensions())


def test_duplicate_extension_rejected() -> None:
    first = DNSName("a.example.test").to_der()
    second = DNSName("b.example.test").to_der()
    value = extensions_der(
        ("2.5.29.17", False, der.encode_sequence(first)),
        ("2.5.29.19", True, b"\x30\x00"),
        ("2.5.29.17", False, der.encode_sequence(second)),
    )
    with pytest.raises(DecodeError) as info:
        Extensions.from_pyasn1(value)
    assert "duplicate extension 2.5.29.17 (RFC 5280 section 4.2)" in str(
        info.value
    )
    assert info.value.path == "extensions[2]"


def test_duplicate_in_certificate_rejected(main_cert: MadeCertificate) -> None:
    decoded = der.decode(main_cert.der, rfc5280.Certificate())
    extensions = decoded["tbsCertificate"]["extensions"]
    extensions.append(extensions[0])
    with pytest.raises(DecodeError) as info:
        Extensions.from_pyasn1(extensions)
    assert "duplicate extension 2.5.29.19" in str(info.value)


def test_builder_rejects_duplicates() -> None:
    extension = Extension.build(BasicConstraints(), True)
    with pytest.raises(ExtensionValueError, match="duplicate extension"):
        Extensions((extension, extension))


def test_unknown_critical_reported() -> None:
    value = extensions_der(
        ("1.3.6.1.4.1.55555.1", True, b"\x05\x00"),
        ("1.3.6.1.4.1.55555.2", False, b"\x05\x00"),
        ("2.5.29.19", True, b"\x30\x00"),
    )
    unknown = Extensions.from_pyasn1(value).unknown_critical()
    assert [extension.oid for extension in unknown] == ["1.3.6.1.4.1.55555.1"]


def test_empty_subject_alt_name_rejected() -> None:
    with pytest.raises(DecodeError) as info:
        parse_extension("2.5.29.17", False, b"\x30\x00")
    assert info.value.path == "extensions[subjectAltName]"
    assert "at least one name" in info.value.reason


def test_builder_rejects_empty_names() -> None:
    with pytest.raises(ExtensionValueError, match=r"4.2.1.6"):
        SubjectAlternativeName(())
    with pytest.raises(ExtensionValueError, match=r"4.2.1.6"):
        encode_general_names([])
    with pytest.raises(DecodeError, match="at least one name"):
        parse_general_names(b"\x30\x00")


def test_non_ascii_dns_name_rejected() -> None:
    data = bytes.fromhex("3005820361ff62")
    with pytest.raises(DecodeError) as info:
        parse_extension("2.5.29.17", False, data)
    assert info.value.path == "extensions[subjectAltName][0].dNSName"
    assert info.value.offset == 2
    assert "0xFF" in info.value.reason


def test_non_ascii_in_certificate_rejected(
    main_cert: MadeCertificate,
) -> None:
    # An unsigned rewrite: one octet of the dNSName becomes 0xFF.
    patched = main_cert.der.replace(b"a.example.test", b"a.ex\xffmple.test")
    with pytest.raises(DecodeError) as info:
        extensions_of(patched)
    assert info.value.path == "extensions[subjectAltName][0].dNSName"
    assert info.value.source == "test certificate"


def test_ia5_error_named_in_nested_field() -> None:
    uri = der.encode_tlv(0x86, b"http://\xfe")
    point = der.encode_sequence(
        der.encode_tlv(0xA0, der.encode_tlv(0xA0, uri))
    )
    with pytest.raises(DecodeError) as info:
        parse_extension("2.5.29.31", False, der.encode_sequence(point))
    assert info.value.path == (
        "extensions[crlDistributionPoints][0].distributionPoint.fullName"
        "[0].uniformResourceIdentifier"
    )


def test_der_names_offset_of_non_ascii_ia5() -> None:
    with pytest.raises(DecodeError) as info:
        der.decode(b"\x16\x02a\xff", char.IA5String())
    assert info.value.offset == 0


def test_path_length_without_ca_warns() -> None:
    data = der.encode_sequence(der.encode_integer(1))
    with pytest.warns(PurePKIWarning, match="pathLenConstraint"):
        value = BasicConstraints.from_der(data)
    assert value == BasicConstraints(ca=False, path_length=1)
    with pytest.raises(ExtensionValueError, match=r"4.2.1.9"):
        Extension.build(value, True)


def test_negative_path_length_rejected() -> None:
    data = der.encode_sequence(b"\x01\x01\xff", der.encode_integer(-1))
    with pytest.raises(DecodeError) as info:
        parse_extension("2.5.29.19", True, data)
    assert info.value.path == "extensions[basicConstraints].pathLenConstraint"
    assert info.value.offset == 5


def test_ca_basic_constraints_must_be_critical() -> None:
    with pytest.raises(ExtensionValueError, match="critical"):
        Extension.build(BasicConstraints(ca=True), False)


def test_key_usage_without_bits_rejected() -> None:
    with pytest.raises(DecodeError, match="no bit set"):
        KeyUsage.from_der(b"\x03\x01\x00")
    with pytest.raises(DecodeError, match="no bit set"):
        KeyUsage.from_der(b"\x03\x02\x00\x00")
    with pytest.raises(ExtensionValueError, match="at least one bit"):
        KeyUsage(frozenset())


def test_key_usage_trailing_zero_bits_warn() -> None:
    with pytest.warns(PurePKIWarning, match="11.2.2"):
        usage = KeyUsage.from_der(b"\x03\x02\x00\x80")
    assert usage.flags == {"digital_signature"}


def test_key_usage_unknown_flag_rejected() -> None:
    with pytest.raises(ExtensionValueError, match="key_cert_sign"):
        KeyUsage(frozenset({"cert_sign"}))


def test_key_usage_accepts_non_repudiation() -> None:
    usage = KeyUsage(frozenset({"non_repudiation"}))
    assert usage.content_commitment


def test_name_constraint_mask_must_be_contiguous() -> None:
    address = der.encode_tlv(0x87, bytes([192, 0, 2, 0, 255, 0, 255, 0]))
    subtrees = der.encode_tlv(0xA0, der.encode_sequence(address))
    with pytest.raises(DecodeError) as info:
        parse_extension("2.5.29.30", True, der.encode_sequence(subtrees))
    assert "not contiguous" in info.value.reason
    assert info.value.path == (
        "extensions[nameConstraints].permittedSubtrees[0].base.iPAddress"
    )


def test_name_constraints_need_a_subtree() -> None:
    with pytest.raises(DecodeError, match="neither"):
        parse_extension("2.5.29.30", True, b"\x30\x00")
    with pytest.raises(ExtensionValueError, match=r"4.2.1.10"):
        NameConstraints()


@pytest.mark.parametrize(
    ("distance", "field"),
    [
        (der.encode_tlv(0x80, b"\x01"), "minimum"),
        (der.encode_tlv(0x81, b"\x02"), "maximum"),
    ],
    ids=["minimum-1", "maximum-2"],
)
def test_name_constraint_distances_rejected(
    distance: bytes, field: str
) -> None:
    subtree = der.encode_sequence(DNSName("example.test").to_der(), distance)
    value = der.encode_sequence(der.encode_tlv(0xA1, subtree))
    with pytest.raises(DecodeError) as info:
        parse_extension("2.5.29.30", True, value)
    assert info.value.path.endswith(f"excludedSubtrees[0].{field}")


def test_name_constraint_host_bits_warn() -> None:
    address = der.encode_tlv(0x87, bytes([192, 0, 2, 7, 255, 255, 255, 0]))
    value = der.encode_sequence(
        der.encode_tlv(0xA0, der.encode_sequence(address))
    )
    with pytest.warns(PurePKIWarning, match="outside"):
        constraints = NameConstraints.from_der(value)
    network = IPNetwork(ipaddress.ip_network("192.0.2.0/24"))
    assert constraints.permitted == (network,)


def test_name_constraints_must_be_critical() -> None:
    value = NameConstraints(permitted=(DNSName("example.test"),))
    with pytest.raises(ExtensionValueError, match="critical"):
        Extension.build(value, False)


def test_name_constraints_reject_single_address() -> None:
    address = IPAddress(ipaddress.ip_address("192.0.2.1"))
    value = NameConstraints(permitted=(address,))
    with pytest.raises(ExtensionValueError, match="IPNetwork"):
        Extension.build(value, True)


def test_key_identifiers_must_not_be_critical() -> None:
    with pytest.raises(ExtensionValueError, match=r"4.2.1.2"):
        Extension.build(SubjectKeyIdentifier(b"\x01"), True)
    with pytest.raises(ExtensionValueError, match=r"4.2.1.1"):
        Extension.build(AuthorityKeyIdentifier(b"\x01"), True)


def test_alternative_name_address_length_checked() -> None:
    address = der.encode_tlv(0x87, b"\x01\x02\x03")
    with pytest.raises(DecodeError) as info:
        parse_extension("2.5.29.17", False, der.encode_sequence(address))
    assert info.value.path == "extensions[subjectAltName][0].iPAddress"
    assert "3 octets" in info.value.reason


@pytest.mark.parametrize(
    "name",
    [
        " b.example.com",
        "exa mple.com",
        "a..example.com",
        "-a.example.com",
        "a-.example.com",
        "a_b.example.com",
        "a.*.example.com",
        "*.com",
        "example.com.",
        "a" * 64 + ".example.com",
        "",
    ],
)
def test_builder_rejects_bad_dns_name(name: str) -> None:
    value = SubjectAlternativeName((DNSName(name),))
    with pytest.raises(ExtensionValueError, match="preferred name syntax"):
        Extension.build(value, False)


@pytest.mark.parametrize(
    "name",
    ["www.example.com", "*.example.com", "xn--bcher-kva.example", "a1-b.c"],
)
def test_builder_accepts_dns_name(name: str) -> None:
    value = SubjectAlternativeName((DNSName(name),))
    assert Extension.build(value, False).value == value


def test_builder_rejects_non_ascii_dns_name() -> None:
    with pytest.raises(ExtensionValueError, match="A-labels"):
        DNSName("bücher.example")


def test_distribution_point_needs_a_name() -> None:
    point = der.encode_sequence(der.encode_tlv(0x81, b"\x07\x80"))
    with pytest.raises(DecodeError, match=r"4.2.1.13"):
        parse_extension("2.5.29.31", False, der.encode_sequence(point))


def test_netscape_cert_type_bit_order() -> None:
    value = NetscapeCertType(frozenset({"ssl_client", "object_signing_ca"}))
    assert value.to_der().hex() == "03020081"


def test_long_explicit_text_warns() -> None:
    notice = der.encode_sequence(der.encode_tlv(0x0C, b"x" * 201))
    qualifier = der.encode_sequence(
        der.encode(rfc5280.PolicyQualifierId(PolicyOID.USER_NOTICE)), notice
    )
    policy = der.encode_sequence(
        der.encode(rfc5280.CertPolicyId("1.2.3.4")),
        der.encode_sequence(qualifier),
    )
    with pytest.warns(PurePKIWarning, match="200"):
        value = CertificatePolicies.from_der(der.encode_sequence(policy))
    notice_value = value.policies[0].qualifiers[0]
    assert isinstance(notice_value, UserNotice)
    assert notice_value.explicit_text == "x" * 201


def test_openssl_made_extensions_warn_nothing(
    main_cert: MadeCertificate,
    policy_cert: MadeCertificate,
    more_cert: MadeCertificate,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for certificate in (main_cert, policy_cert, more_cert):
            extensions_of(certificate.der)
