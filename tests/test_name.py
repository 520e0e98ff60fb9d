"""Tests of purepki.name: parsing, building, text forms and comparison.

Names made by ``openssl req`` are parsed and compared byte for byte, and
the text forms are compared with what ``openssl x509 -subject`` prints.
Names the openssl command cannot make are encoded by hand and spliced into
a certificate it made (``openssl x509 -noout -subject`` does not check the
signature).
"""

from __future__ import annotations

import re
import subprocess
import warnings
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyasn1_modules import rfc5280

from purepki.asn1 import der
from purepki.asn1.oids import NameOID
from purepki.errors import DecodeError, PurePKIWarning
from purepki.name import (
    InvalidName,
    Name,
    NameAttribute,
    StringType,
    prepare_string,
)

CN = "2.5.4.3"
O = "2.5.4.10"  # noqa: E741
OU = "2.5.4.11"
C = "2.5.4.6"

ROUND_TRIP_SUBJECTS = {
    "appliance": [
        "-subj",
        "/C=GB/ST=London/L=London/O=Example/OU=Video/CN=join.example.com"
        "/emailAddress=a@example.test",
    ],
    "multivalue": ["-multivalue-rdn", "-subj", "/CN=a+OU=b/O=c"],
    "utf8": ["-utf8", "-subj", "/O=Müller"],
    "specials": ["-subj", r'/CN=a\,b;c"d\\e<f>g\+h/O= lead/OU=trail /L=#x'],
    "single": ["-subj", "/CN=callbridge.example.com"],
}

BMP_CONFIG = """\
[req]
distinguished_name = dn
string_mask = MASK:0x0800
[dn]
"""

T61_CONFIG = """\
[req]
distinguished_name = dn
string_mask = nombstr
utf8 = yes
[dn]
"""


# --- Helpers -----------------------------------------------------------------


def tlv(identifier: int, content: bytes) -> bytes:
    """Encode one DER element."""
    length = len(content)
    if length < 0x80:
        return bytes([identifier, length]) + content
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([identifier, 0x80 | len(octets)]) + octets + content


def encode_oid(dotted: str) -> bytes:
    """Encode an OBJECT IDENTIFIER."""
    arcs = [int(arc) for arc in dotted.split(".")]
    content = bytearray()
    for arc in (40 * arcs[0] + arcs[1], *arcs[2:]):
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        content += bytes(reversed(chunk))
    return tlv(0x06, bytes(content))


def atv(oid: str, tag: int, content: bytes) -> bytes:
    """Encode an AttributeTypeAndValue with a primitive value."""
    return tlv(0x30, encode_oid(oid) + tlv(tag, content))


def atv_raw(oid: str, value: bytes) -> bytes:
    """Encode an AttributeTypeAndValue from the DER of its value."""
    return tlv(0x30, encode_oid(oid) + value)


def name_der(*rdns: list[bytes]) -> bytes:
    """Encode a Name with each RDN's elements in the order given."""
    return tlv(0x30, b"".join(tlv(0x31, b"".join(rdn)) for rdn in rdns))


def parse_quietly(data: bytes) -> Name:
    """Parse a name whose deviations are tested elsewhere."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PurePKIWarning)
        return Name.from_der(data)


@pytest.fixture(scope="session")
def ec_key(openssl: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A P-256 key for the certificates that openssl makes."""
    path = tmp_path_factory.mktemp("name-key") / "key.pem"
    subprocess.run(
        [
            openssl,
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


def make_certificate(
    openssl: str,
    key: Path,
    folder: Path,
    args: list[str],
    config: Optional[str] = None,
) -> bytes:
    """Make a self-signed DER certificate with ``openssl req -x509``."""
    command = [
        openssl,
        "req",
        "-x509",
        "-new",
        "-key",
        str(key),
        "-days",
        "1",
        "-outform",
        "DER",
        *args,
    ]
    if config is not None:
        config_path = folder / "req.cnf"
        config_path.write_text(config)
        command += ["-config", str(config_path)]
    result = subprocess.run(command, check=True, capture_output=True)
    return result.stdout


def subject_index(tbs: der.Node) -> int:
    """Return the position of the subject in a TBSCertificate's fields; a
    version 1 certificate has no [0] version field."""
    has_version = tbs.children[0].tag_class == der.CLASS_CONTEXT
    return 5 if has_version else 4


def subject_of(certificate: bytes) -> bytes:
    """Slice the subject Name out of a DER certificate."""
    root = der.decode_tree(certificate, rfc5280.Certificate())
    tbs = root.children[0]
    subject = tbs.children[subject_index(tbs)]
    return certificate[subject.offset : subject.end]


def with_subject(certificate: bytes, subject: bytes) -> bytes:
    """Return ``certificate`` with its subject replaced, not re-signed."""
    root = der.scan(certificate)
    tbs = root.children[0]
    fields = [certificate[node.offset : node.end] for node in tbs.children]
    fields[subject_index(tbs)] = subject
    rest = b"".join(
        certificate[node.offset : node.end] for node in root.children[1:]
    )
    return tlv(0x30, tlv(0x30, b"".join(fields)) + rest)


def openssl_subject(
    openssl: str, certificate: bytes, nameopt: str = "oneline"
) -> str:
    """Return what ``openssl x509 -subject`` prints after ``subject=``."""
    result = subprocess.run(
        [
            openssl,
            "x509",
            "-inform",
            "DER",
            "-noout",
            "-subject",
            "-nameopt",
            nameopt,
        ],
        input=certificate,
        check=True,
        capture_output=True,
    )
    line = result.stdout.decode("utf-8").rstrip("\n")
    assert line.startswith("subject=")
    return line[len("subject=") :]


@pytest.fixture(scope="session")
def template_certificate(
    openssl: str, ec_key: Path, tmp_path_factory: pytest.TempPathFactory
) -> bytes:
    """A certificate whose subject the tests replace."""
    folder = tmp_path_factory.mktemp("name-template")
    return make_certificate(openssl, ec_key, folder, ["-subj", "/CN=template"])


# --- Round trips of openssl names -------------------------------------------


@pytest.mark.parametrize(
    "args", ROUND_TRIP_SUBJECTS.values(), ids=ROUND_TRIP_SUBJECTS.keys()
)
def test_openssl_name_round_trip(
    openssl: str, ec_key: Path, tmp_path: Path, args: list[str]
) -> None:
    subject = subject_of(make_certificate(openssl, ec_key, tmp_path, args))
    assert Name.from_der(subject).to_der() == subject


@pytest.mark.parametrize(
    "args", ROUND_TRIP_SUBJECTS.values(), ids=ROUND_TRIP_SUBJECTS.keys()
)
def test_from_pyasn1_equals_from_der(
    openssl: str, ec_key: Path, tmp_path: Path, args: list[str]
) -> None:
    certificate = make_certificate(openssl, ec_key, tmp_path, args)
    value = der.decode(certificate, rfc5280.Certificate())
    subject = subject_of(certificate)
    name = Name.from_pyasn1(value["tbsCertificate"]["subject"], subject)
    assert name == Name.from_der(subject)
    assert name.to_der() == subject


def test_appliance_name_values(
    openssl: str, ec_key: Path, tmp_path: Path
) -> None:
    args = ROUND_TRIP_SUBJECTS["appliance"]
    name = Name.from_der(
        subject_of(make_certificate(openssl, ec_key, tmp_path, args))
    )
    values = [(a.short_name, a.value) for a in name.attributes]
    assert values == [
        ("C", "GB"),
        ("ST", "London"),
        ("L", "London"),
        ("O", "Example"),
        ("OU", "Video"),
        ("CN", "join.example.com"),
        ("emailAddress", "a@example.test"),
    ]
    assert name.common_names == ("join.example.com",)
    assert name.get(NameOID.EMAIL_ADDRESS) == ("a@example.test",)


def test_appliance_name_string_types(
    openssl: str, ec_key: Path, tmp_path: Path
) -> None:
    args = ROUND_TRIP_SUBJECTS["appliance"]
    name = Name.from_der(
        subject_of(make_certificate(openssl, ec_key, tmp_path, args))
    )
    types = {a.short_name: a.string_type for a in name.attributes}
    # OpenSSL's default string_mask utf8only writes PrintableString where
    # the value fits and IA5String for emailAddress.
    assert types["C"] == StringType.PRINTABLE_STRING
    assert types["emailAddress"] == StringType.IA5_STRING


def test_multivalue_rdn_structure(
    openssl: str, ec_key: Path, tmp_path: Path
) -> None:
    args = ROUND_TRIP_SUBJECTS["multivalue"]
    name = Name.from_der(
        subject_of(make_certificate(openssl, ec_key, tmp_path, args))
    )
    assert len(name.rdns) == 2
    assert [a.value for a in name.rdns[0]] == ["a", "b"]
    assert [a.value for a in name.rdns[1]] == ["c"]


def test_utf8_name_value(openssl: str, ec_key: Path, tmp_path: Path) -> None:
    args = ROUND_TRIP_SUBJECTS["utf8"]
    name = Name.from_der(
        subject_of(make_certificate(openssl, ec_key, tmp_path, args))
    )
    (attribute,) = name.attributes
    assert attribute.value == "Müller"
    assert attribute.string_type == StringType.UTF8_STRING


def test_bmp_name_round_trip(
    openssl: str, ec_key: Path, tmp_path: Path
) -> None:
    args = ["-utf8", "-subj", "/CN=bmp.example.test/O=Ünïcode"]
    certificate = make_certificate(openssl, ec_key, tmp_path, args, BMP_CONFIG)
    subject = subject_of(certificate)
    name = Name.from_der(subject)
    assert [a.string_type for a in name.attributes] == [
        StringType.BMP_STRING,
        StringType.BMP_STRING,
    ]
    assert name.get(O) == ("Ünïcode",)
    assert name.to_der() == subject


def test_t61_name_round_trip(
    openssl: str, ec_key: Path, tmp_path: Path
) -> None:
    args = ["-utf8", "-subj", "/O=Müller"]
    certificate = make_certificate(openssl, ec_key, tmp_path, args, T61_CONFIG)
    subject = subject_of(certificate)
    name = Name.from_der(subject)
    (attribute,) = name.attributes
    assert attribute.string_type == StringType.TELETEX_STRING
    assert attribute.raw == tlv(StringType.TELETEX_STRING, b"M\xfcller")
    assert attribute.value == "Müller"
    assert name.to_der() == subject


def test_t61_name_matches_utf8_name() -> None:
    t61 = Name.from_der(name_der([atv(O, 20, b"M\xfcller")]))
    utf8 = Name.build([("O", "Müller")])
    assert t61.matches(utf8)
    assert t61 != utf8


def test_non_canonical_set_order_kept(
    openssl: str, template_certificate: bytes
) -> None:
    # DER sorts SET OF elements (X.690 11.6); this RDN lists them reversed.
    rdn = [atv(OU, 12, b"video"), atv(CN, 12, b"a")]
    encoded = name_der(rdn)
    name = Name.from_der(encoded)
    assert name.to_der() == encoded
    assert name.openssl_oneline() == "OU = video + CN = a"
    certificate = with_subject(template_certificate, encoded)
    assert openssl_subject(openssl, certificate) == "OU = video + CN = a"


def test_to_pyasn1_round_trip() -> None:
    name = Name.build([("C", "GB"), ("O", "Example"), ("CN", "a")])
    assert der.encode(name.to_pyasn1()) == name.to_der()


# --- openssl_oneline ---------------------------------------------------------

ONELINE_SUBJECTS = {
    "appliance": ROUND_TRIP_SUBJECTS["appliance"],
    "multivalue": ROUND_TRIP_SUBJECTS["multivalue"],
    "utf8": ROUND_TRIP_SUBJECTS["utf8"],
    "specials": ROUND_TRIP_SUBJECTS["specials"],
    "equals-and-hash": ["-subj", r"/CN=a=b#c/O=#/OU=x y  z"],
}


@pytest.mark.parametrize(
    "args", ONELINE_SUBJECTS.values(), ids=ONELINE_SUBJECTS.keys()
)
def test_oneline_matches_openssl_req(
    openssl: str, ec_key: Path, tmp_path: Path, args: list[str]
) -> None:
    certificate = make_certificate(openssl, ec_key, tmp_path, args)
    name = Name.from_der(subject_of(certificate))
    assert name.openssl_oneline() == openssl_subject(openssl, certificate)


def test_oneline_matches_openssl_default(
    openssl: str, ec_key: Path, tmp_path: Path
) -> None:
    # OpenSSL 3.0 prints the oneline form when -nameopt is not given.
    args = ROUND_TRIP_SUBJECTS["specials"]
    certificate = make_certificate(openssl, ec_key, tmp_path, args)
    name = Name.from_der(subject_of(certificate))
    result = subprocess.run(
        [openssl, "x509", "-inform", "DER", "-noout", "-subject"],
        input=certificate,
        check=True,
        capture_output=True,
    )
    printed = result.stdout.decode().rstrip("\n")
    assert printed == "subject=" + name.openssl_oneline()


@pytest.mark.parametrize(
    "args", [["-utf8", "-subj", "/CN=bmp/O=Ünïcode"]], ids=["bmp"]
)
def test_oneline_matches_openssl_bmp(
    openssl: str, ec_key: Path, tmp_path: Path, args: list[str]
) -> None:
    certificate = make_certificate(openssl, ec_key, tmp_path, args, BMP_CONFIG)
    name = Name.from_der(subject_of(certificate))
    assert name.openssl_oneline() == openssl_subject(openssl, certificate)


def test_oneline_matches_openssl_t61(
    openssl: str, ec_key: Path, tmp_path: Path
) -> None:
    args = ["-utf8", "-subj", "/O=Müller"]
    certificate = make_certificate(openssl, ec_key, tmp_path, args, T61_CONFIG)
    name = Name.from_der(subject_of(certificate))
    assert name.openssl_oneline() == openssl_subject(openssl, certificate)


HAND_MADE_NAMES = {
    "controls": name_der([atv(CN, 12, bytes(range(0x20)) + b"\x7f")]),
    "quotes-backslash": name_der(
        [atv(CN, 12, b'"')], [atv(CN, 12, b"\\")], [atv(CN, 12, b'a\\"')]
    ),
    "edge-spaces": name_der(
        [atv(CN, 12, b" ")], [atv(CN, 12, b"#")], [atv(CN, 12, b"#a#")]
    ),
    "empty-value": name_der([atv(CN, 12, b"")]),
    "punctuation": name_der([atv(CN, 12, b"a=b!$%&'()*-./:?@[]^_`{|}~")]),
    "printable-deviation": name_der([atv(CN, 19, b"a_b@c*d&e")]),
    "printable-latin1": name_der([atv(CN, 19, b"\xfc")]),
    "t61-utf8-bytes": name_der([atv(O, 20, "Müller".encode())]),
    "universal": name_der([atv(CN, 28, "Ü😀".encode("utf-32-be"))]),
    "ia5": name_der([atv("1.2.840.113549.1.9.1", 22, b"a@b.test")]),
    "numeric": name_der([atv(CN, 18, b"0123 45")]),
    "bit-string": name_der([atv(CN, 3, b"\x00Hi")]),
    "sequence-value": name_der([atv_raw(CN, tlv(0x30, tlv(0x02, b"\x01")))]),
    "unknown-oid": name_der([atv("1.2.3.4", 12, b"x")]),
    "extra-names": name_der(
        [
            atv("2.5.4.13", 12, b"d"),
            atv("2.5.4.41", 12, b"n"),
            atv("1.3.6.1.4.1.311.60.2.1.1", 12, b"l"),
            atv("1.3.6.1.4.1.311.60.2.1.2", 12, b"s"),
            atv("2.5.4.18", 12, b"p"),
            atv("2.5.4.54", 12, b"m"),
            atv("1.2.840.113549.1.9.8", 12, b"u"),
        ]
    ),
    "nameoid-names": name_der(
        [atv("2.5.4.4", 12, b"sn")],
        [atv("2.5.4.42", 12, b"gn")],
        [atv("2.5.4.5", 19, b"1234")],
        [atv("2.5.4.9", 12, b"street")],
        [atv("2.5.4.97", 12, b"VATGB-1")],
        [atv("0.9.2342.19200300.100.1.25", 22, b"test")],
        [atv("0.9.2342.19200300.100.1.1", 12, b"jsmith")],
        [atv("1.3.6.1.4.1.311.60.2.1.3", 19, b"GB")],
    ),
    "empty-name": name_der(),
}


@pytest.mark.filterwarnings("ignore::purepki.errors.PurePKIWarning")
@pytest.mark.parametrize(
    "encoded", HAND_MADE_NAMES.values(), ids=HAND_MADE_NAMES.keys()
)
def test_oneline_matches_openssl_hand_made(
    openssl: str, template_certificate: bytes, encoded: bytes
) -> None:
    certificate = with_subject(template_certificate, encoded)
    name = Name.from_der(encoded)
    assert name.openssl_oneline() == openssl_subject(openssl, certificate)


def test_oneline_lone_surrogate_escaped() -> None:
    # OpenSSL 3.0 rejects this certificate; the name still displays.
    encoded = name_der([atv(CN, 30, b"\xd8\x00\x00a")])
    with pytest.warns(PurePKIWarning, match="surrogate"):
        name = Name.from_der(encoded)
    assert name.openssl_oneline() == "CN = \\UD800a"


# --- RFC 4514 output ---------------------------------------------------------

RFC4514_OUTPUT = {
    "reversed": (
        [("C", "GB"), ("O", "Example"), ("CN", "join.example.com")],
        "CN=join.example.com,O=Example,C=GB",
    ),
    "specials": (
        [("CN", 'James "Jim" Smith, III'), ("O", "a+b;c<d>e\\f")],
        'O=a\\+b\\;c\\<d\\>e\\\\f,CN=James \\"Jim\\" Smith\\, III',
    ),
    "edge-spaces-hash": (
        [("CN", " lead"), ("O", "trail "), ("OU", "#x#"), ("L", "a = b")],
        "L=a = b,OU=\\#x#,O=trail\\ ,CN=\\ lead",
    ),
    "control": ([("CN", "Before\rAfter")], "CN=Before\\0DAfter"),
    "non-ascii": ([("CN", "Lučić")], "CN=Lučić"),
    "zero-width": ([("CN", "a\u200bb\u00a0c")], "CN=a\\E2\\80\\8Bb\\C2\\A0c"),
    "email": (
        [("emailAddress", "a@example.test")],
        "emailAddress=a@example.test",
    ),
}


@pytest.mark.parametrize(
    ("attributes", "expected"),
    RFC4514_OUTPUT.values(),
    ids=RFC4514_OUTPUT.keys(),
)
def test_rfc4514_output(
    attributes: list[tuple[str, str]], expected: str
) -> None:
    assert Name.build(attributes).rfc4514() == expected


def test_rfc4514_multivalue_keeps_encoded_order() -> None:
    name = Name.from_der(
        name_der(
            [atv(OU, 12, b"Sales"), atv(CN, 12, b"J.  Smith")],
            [atv("0.9.2342.19200300.100.1.25", 22, b"example")],
        )
    )
    assert name.rfc4514() == "DC=example,OU=Sales+CN=J.  Smith"


def test_rfc4514_unknown_type_as_hex() -> None:
    name = Name.from_der(name_der([atv("1.2.3.4", 12, b"x")]))
    assert name.rfc4514() == "1.2.3.4=#0c0178"


def test_rfc4514_non_string_value_as_hex() -> None:
    with pytest.warns(PurePKIWarning, match="not a string type"):
        name = Name.from_der(name_der([atv(CN, 4, b"Hi")]))
    assert name.rfc4514() == "CN=#04024869"


def test_rfc4514_surrogate_value_as_hex() -> None:
    with pytest.warns(PurePKIWarning, match="surrogate"):
        name = Name.from_der(name_der([atv(CN, 30, b"\xdc\x00")]))
    assert name.rfc4514() == "CN=#1e02dc00"


def test_repr_shows_rfc4514() -> None:
    name = Name.build([("O", "Example"), ("CN", "a")])
    assert repr(name) == "Name('CN=a,O=Example')"


RFC2253_SUBJECTS = {
    "appliance": ROUND_TRIP_SUBJECTS["appliance"],
    "specials": ROUND_TRIP_SUBJECTS["specials"],
    "utf8": ["-utf8", "-subj", "/C=GB/O=Müller  Ltd/CN=é.example"],
}


@pytest.mark.parametrize(
    "args", RFC2253_SUBJECTS.values(), ids=RFC2253_SUBJECTS.keys()
)
def test_rfc4514_matches_openssl_rfc2253(
    openssl: str, ec_key: Path, tmp_path: Path, args: list[str]
) -> None:
    # OpenSSL's RFC 2253 form without \XX escapes of UTF-8 octets is RFC
    # 4514 for single-valued RDNs of these attribute types.
    certificate = make_certificate(openssl, ec_key, tmp_path, args)
    name = Name.from_der(subject_of(certificate))
    printed = openssl_subject(openssl, certificate, "RFC2253,-esc_msb")
    assert name.rfc4514() == printed


# --- RFC 4514 input ----------------------------------------------------------


def values(name: Name) -> list[list[tuple[str, str]]]:
    """Return each RDN as (short name, value) pairs, in encoded order."""
    return [[(a.short_name, a.value) for a in rdn] for rdn in name.rdns]


def test_parse_rfc4514_uid_dc() -> None:
    name = Name.from_rfc4514("UID=jsmith,DC=example,DC=net")
    assert values(name) == [
        [("DC", "net")],
        [("DC", "example")],
        [("UID", "jsmith")],
    ]


def test_parse_rfc4514_multivalue() -> None:
    name = Name.from_rfc4514("OU=Sales+CN=J.  Smith,DC=example,DC=net")
    assert len(name.rdns) == 3
    assert sorted(values(name)[2]) == [("CN", "J.  Smith"), ("OU", "Sales")]


def test_parse_rfc4514_escapes() -> None:
    text = 'CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net'
    name = Name.from_rfc4514(text)
    assert name.common_names == ('James "Jim" Smith, III',)


def test_parse_rfc4514_hex_escape() -> None:
    name = Name.from_rfc4514("CN=Before\\0dAfter,DC=example,DC=net")
    assert name.common_names == ("Before\rAfter",)


def test_parse_rfc4514_ber_value() -> None:
    name = Name.from_rfc4514("1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com")
    attribute = name.rdns[2].attributes[0]
    assert attribute.oid == "1.3.6.1.4.1.1466.0"
    assert attribute.raw == b"\x04\x02Hi"
    assert attribute.string_type == 4


def test_parse_rfc4514_utf8_octets() -> None:
    name = Name.from_rfc4514("CN=Lu\\C4\\8Di\\C4\\87")
    assert name.common_names == ("Lučić",)


def test_parse_rfc4514_string_types() -> None:
    name = Name.from_rfc4514(
        "CN=a,emailAddress=a@example.test,DC=example,C=GB"
    )
    types = [a.string_type for a in name.attributes]
    assert types == [
        StringType.PRINTABLE_STRING,
        StringType.IA5_STRING,
        StringType.IA5_STRING,
        StringType.UTF8_STRING,
    ]


def test_parse_rfc4514_names_case_insensitive() -> None:
    name = Name.from_rfc4514("commonName=a,o=b,2.5.4.11=c")
    assert [a.oid for a in name.attributes] == [OU, O, CN]


def test_parse_rfc4514_space_after_comma() -> None:
    name = Name.from_rfc4514("CN=a, O=b")
    assert values(name) == [[("O", "b")], [("CN", "a")]]


def test_parse_rfc4514_empty_string() -> None:
    assert Name.from_rfc4514("").is_empty


RFC4514_ROUND_TRIPS = [
    "CN=join.example.com,OU=Video,O=Example,L=London,ST=London,C=GB",
    'CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net',
    "CN=\\ lead\\ ,O=\\#x#",
    "CN=Before\\0DAfter",
    "1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com",
    "CN=Lučić",
]


@pytest.mark.parametrize("text", RFC4514_ROUND_TRIPS)
def test_rfc4514_text_round_trip(text: str) -> None:
    assert Name.from_rfc4514(text).rfc4514() == text


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1, max_size=64).filter(
        lambda text: not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    )
)
def test_rfc4514_round_trip_any_text(text: str) -> None:
    name = Name.build([("CN", text), ("O", text)])
    assert Name.from_rfc4514(name.rfc4514()) == name


RFC4514_SYNTAX_ERRORS = {
    "trailing-space": ("CN=a ,O=b", "end of a value"),
    "leading-space": ("CN= a", "leading space"),
    "bad-escape": ("CN=a\\x", "backslash"),
    "unescaped-quote": ('CN=a"b', "escaped"),
    "unescaped-semicolon": ("CN=a;O=b", "escaped"),
    "unknown-type": ("XYZ=a", "unknown attribute type 'XYZ'"),
    "missing-equals": ("CN", "expected '='"),
    "trailing-comma": ("CN=a,", "expected an attribute type"),
    "odd-hex": ("CN=#0c0", "pairs of hex digits"),
    "hex-not-der": ("CN=#0c05", "not one DER element"),
    "hex-then-text": ("CN=#0c0178x", "expected ',' or '+'"),
    "invalid-utf8": ("CN=\\C4", "not valid UTF-8"),
    "bad-oid": ("2.5.04.3=a", "invalid OID"),
}


@pytest.mark.parametrize(
    ("text", "message"),
    RFC4514_SYNTAX_ERRORS.values(),
    ids=RFC4514_SYNTAX_ERRORS.keys(),
)
def test_parse_rfc4514_rejects(text: str, message: str) -> None:
    with pytest.raises(DecodeError, match=re.escape(message)):
        Name.from_rfc4514(text)


def test_parse_rfc4514_error_offset() -> None:
    with pytest.raises(DecodeError) as caught:
        Name.from_rfc4514("CN=a,XYZ=b")
    assert caught.value.offset == 5


def test_parse_rfc4514_applies_builder_rules() -> None:
    with pytest.raises(InvalidName, match="two-letter"):
        Name.from_rfc4514("CN=a,C=USA")


# --- Comparison --------------------------------------------------------------


def test_matches_ignores_case_and_spaces() -> None:
    first = Name.build([("O", "Example  Inc."), ("CN", "Host.Example")])
    second = Name.build([("O", " example inc. "), ("CN", "host.example")])
    assert first.matches(second)


def test_matches_printable_and_utf8() -> None:
    printable = Name.from_der(name_der([atv(CN, 19, b"Example CA")]))
    utf8 = Name.from_der(name_der([atv(CN, 12, b"Example CA")]))
    assert printable.matches(utf8)
    assert printable != utf8


def test_matches_bmp_and_utf8() -> None:
    bmp = Name.from_der(name_der([atv(CN, 30, "Ünï".encode("utf-16-be"))]))
    assert bmp.matches(Name.build([("CN", "ünï")]))


def test_matches_rejects_other_rdn_order() -> None:
    first = Name.build([("C", "GB"), ("O", "Example")])
    second = Name.build([("O", "Example"), ("C", "GB")])
    assert not first.matches(second)


def test_matches_rejects_other_value() -> None:
    first = Name.build([("CN", "a.example")])
    assert not first.matches(Name.build([("CN", "b.example")]))


def test_matches_rejects_other_type() -> None:
    first = Name.build([("CN", "Example")])
    assert not first.matches(Name.build([("O", "Example")]))


def test_matches_rejects_extra_rdn() -> None:
    first = Name.build([("CN", "a")])
    assert not first.matches(Name.build([("CN", "a"), ("CN", "a")]))


def test_matches_multivalue_any_order() -> None:
    forward = Name.from_der(
        name_der([atv(CN, 12, b"a"), atv(OU, 12, b"Video")])
    )
    backward = Name.from_der(
        name_der([atv(OU, 12, b"video"), atv(CN, 12, b"A")])
    )
    assert forward.matches(backward)


def test_matches_multivalue_not_split() -> None:
    joined = Name.from_der(name_der([atv(CN, 12, b"a"), atv(OU, 12, b"b")]))
    split = Name.from_der(name_der([atv(CN, 12, b"a")], [atv(OU, 12, b"b")]))
    assert not joined.matches(split)


def test_matches_non_string_by_der() -> None:
    oid = "1.2.3.4"
    first = Name.from_der(name_der([atv(oid, 4, b"ab")]))
    same = Name.from_der(name_der([atv(oid, 4, b"ab")]))
    upper = Name.from_der(name_der([atv(oid, 4, b"AB")]))
    assert first.matches(same)
    assert not first.matches(upper)


COMPARISON_PAIRS = [
    ([("CN", "Example CA")], [("CN", "example   ca")], True),
    ([("C", "GB"), ("O", "X")], [("O", "X"), ("C", "GB")], False),
    ([("CN", "straße")], [("CN", "STRASSE")], True),
    # Fullwidth letters fold to ASCII under NFKC.
    ([("CN", "\uff46\uff55\uff4c\uff4c")], [("CN", "full")], True),
    ([("CN", "soft\u00adhyphen")], [("CN", "softhyphen")], True),
    ([("CN", "tab\there")], [("CN", "tab here")], True),
    ([("CN", "a")], [("CN", "b")], False),
]


@pytest.mark.parametrize(("first", "second", "expected"), COMPARISON_PAIRS)
def test_comparison_key_consistent_with_matches(
    first: list[tuple[str, str]],
    second: list[tuple[str, str]],
    expected: bool,
) -> None:
    one, other = Name.build(first), Name.build(second)
    assert one.matches(other) is expected
    assert (one.comparison_key == other.comparison_key) is expected
    assert (hash(one.comparison_key) == hash(other.comparison_key)) or (
        not expected
    )


def test_comparison_key_indexes_issuers() -> None:
    issuer = Name.build([("C", "GB"), ("CN", "Example Root CA")])
    index = {issuer.comparison_key: "root"}
    lookup = Name.from_der(
        name_der(
            [atv(C, 19, b"gb")],
            [atv(CN, 30, "EXAMPLE ROOT CA".encode("utf-16-be"))],
        )
    )
    assert index.get(lookup.comparison_key) == "root"


def test_prepare_string_steps() -> None:
    assert prepare_string("  Foo \t BAR\u200b  ") == "foo bar"


def test_equality_by_der() -> None:
    first = Name.build([("CN", "a")])
    second = Name.from_der(first.to_der())
    assert first == second
    assert hash(first) == hash(second)


# --- Builder -----------------------------------------------------------------


def value_tags(name: Name) -> list[int]:
    """Return the tag octet of each AttributeValue, read with pyasn1."""
    decoded = der.decode(name.to_der(), rfc5280.Name())
    return [
        bytes(attribute["value"])[0]
        for rdn in decoded["rdnSequence"]
        for attribute in rdn
    ]


def test_build_string_types() -> None:
    name = Name.build(
        [
            ("C", "GB"),
            ("ST", "London"),
            ("L", "London"),
            ("O", "Example"),
            ("OU", "Video"),
            ("CN", "join.example.com"),
            ("emailAddress", "a@example.test"),
        ]
    )
    assert value_tags(name) == [19, 12, 12, 12, 12, 12, 22]


def test_build_keeps_order_one_rdn_each() -> None:
    name = Name.build([("CN", "a"), ("O", "b"), ("CN", "c")])
    assert [len(rdn) for rdn in name.rdns] == [1, 1, 1]
    assert name.common_names == ("a", "c")


def test_build_long_names_and_oids() -> None:
    name = Name.build(
        [("countryName", "GB"), ("organizationName", "X"), ("2.5.4.3", "h")]
    )
    assert [a.oid for a in name.attributes] == [C, O, CN]


def test_build_openssl_reads_it(
    openssl: str, template_certificate: bytes
) -> None:
    name = Name.build(
        [
            ("C", "GB"),
            ("O", "Example Inc."),
            ("CN", "www.example.com"),
            ("emailAddress", "a@example.test"),
        ]
    )
    certificate = with_subject(template_certificate, name.to_der())
    assert openssl_subject(openssl, certificate) == name.openssl_oneline()


BUILDER_REJECTIONS = {
    "country-three-letters": ([("C", "USA")], "'USA' is not a two-letter"),
    "country-digits": ([("C", "1A")], "two-letter"),
    "empty-value": ([("O", "")], "O value is empty"),
    "unknown-attribute": (
        [("XX", "a")],
        "unknown name attribute 'XX'; use one of CN, OU, O, L, ST, C, "
        "emailAddress",
    ),
    "long-cn": (
        [("CN", "a" * 65)],
        "65 characters is longer than the maximum of 64",
    ),
    "long-locality": ([("L", "a" * 129)], "maximum of 128"),
    "long-email": ([("emailAddress", "a" * 256)], "maximum of 255"),
    "email-not-ascii": ([("emailAddress", "ü@example.test")], "not ASCII"),
    "surrogate": ([("CN", "a\ud800")], "unpaired surrogate"),
}


@pytest.mark.parametrize(
    ("attributes", "message"),
    BUILDER_REJECTIONS.values(),
    ids=BUILDER_REJECTIONS.keys(),
)
def test_build_rejects(
    attributes: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(InvalidName, match=re.escape(message)):
        Name.build(attributes)


def test_build_accepts_upper_bound() -> None:
    name = Name.build([("CN", "a" * 64), ("ST", "s" * 128)])
    assert name.common_names == ("a" * 64,)


def test_invalid_name_is_value_error() -> None:
    with pytest.raises(ValueError):
        Name.build([("C", "USA")])


def test_build_empty_name() -> None:
    name = Name.build([])
    assert name.is_empty
    assert name.to_der() == b"\x30\x00"


# --- Reading deviations ------------------------------------------------------


@pytest.mark.parametrize("character", ["_", "@", "*", "&"])
def test_printable_deviation_warns(character: str) -> None:
    encoded = name_der([atv(CN, 19, f"a{character}b".encode())])
    with pytest.warns(PurePKIWarning, match="PrintableString"):
        name = Name.from_der(encoded)
    assert name.common_names == (f"a{character}b",)


def test_printable_warning_names_field() -> None:
    encoded = name_der([atv(C, 19, b"GB")], [atv(CN, 19, b"a_b")])
    with pytest.warns(PurePKIWarning, match=r"name, \[1\]\[0\]\.value \(CN\)"):
        Name.from_der(encoded)


def test_teletex_utf8_warns() -> None:
    encoded = name_der([atv(O, 20, "Müller".encode())])
    with pytest.warns(PurePKIWarning, match="TeletexString contains UTF-8"):
        name = Name.from_der(encoded)
    assert name.get(O) == ("MÃ¼ller",)


def test_teletex_latin1_no_warning() -> None:
    encoded = name_der([atv(O, 20, b"M\xfcller")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        name = Name.from_der(encoded)
    assert name.get(O) == ("Müller",)


def test_non_string_value_warns() -> None:
    encoded = name_der([atv(CN, 4, b"Hi")])
    with pytest.warns(PurePKIWarning, match="OCTET STRING, not a string"):
        name = Name.from_der(encoded)
    assert name.common_names == ("#04024869",)


def test_unknown_type_non_string_no_warning() -> None:
    encoded = name_der([atv("1.3.6.1.4.1.1466.0", 4, b"Hi")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        name = Name.from_der(encoded)
    assert name.attributes[0].value == "#04024869"


def test_clean_name_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Name.build([("C", "GB"), ("CN", "a_b@c")])


def test_universal_string_decoded() -> None:
    encoded = name_der([atv(CN, 28, "Ü😀".encode("utf-32-be"))])
    assert Name.from_der(encoded).common_names == ("Ü😀",)


def test_numeric_and_visible_strings_decoded() -> None:
    encoded = name_der([atv(CN, 18, b"0123")], [atv(O, 26, b"Vis ible")])
    name = Name.from_der(encoded)
    assert [a.value for a in name.attributes] == ["0123", "Vis ible"]


def test_odd_bmp_string_rejected_with_path() -> None:
    encoded = name_der([atv(C, 19, b"GB")], [atv(CN, 30, b"\x00a\x00")])
    with pytest.raises(DecodeError, match="odd length") as caught:
        Name.from_der(encoded, source="leaf.pem")
    assert caught.value.path == "[1][0].value"
    assert str(caught.value).startswith("leaf.pem, [1][0].value, offset")


def test_universal_string_above_unicode_rejected() -> None:
    encoded = name_der([atv(CN, 28, b"\x00\x11\x00\x00")])
    with pytest.raises(DecodeError, match="above the last Unicode"):
        Name.from_der(encoded)


def test_from_pyasn1_error_carries_path() -> None:
    encoded = name_der([atv(CN, 28, b"\x00\x11\x00\x00")])
    value = der.decode(encoded, rfc5280.Name())
    with pytest.raises(DecodeError) as caught:
        Name.from_pyasn1(
            value, encoded, path="tbsCertificate.subject", offset=100
        )
    assert caught.value.path == "tbsCertificate.subject[0][0].value"
    # The value follows the headers of Name, RDN and AttributeTypeAndValue
    # (2 octets each) and the 5 octets of the OID.
    assert caught.value.offset == 100 + 11


def test_from_pyasn1_der_error_carries_path() -> None:
    valid = name_der([atv(CN, 30, b"\x00a")])
    odd = name_der([atv(CN, 30, b"\x00a\x00")])
    value = der.decode(valid, rfc5280.Name())
    with pytest.raises(DecodeError, match="odd length") as caught:
        Name.from_pyasn1(value, odd, path="tbsCertificate.issuer")
    assert caught.value.path == "tbsCertificate.issuer[0][0].value"


def test_from_pyasn1_rejects_other_bytes() -> None:
    value = der.decode(name_der([atv(CN, 12, b"a")]), rfc5280.Name())
    other = name_der([atv(CN, 12, b"a")], [atv(O, 12, b"b")])
    with pytest.raises(ValueError, match="pass the bytes"):
        Name.from_pyasn1(value, other)


def test_build_rejects_non_text_value() -> None:
    with pytest.raises(InvalidName, match="must be text, not int"):
        Name.build([("CN", 5)])  # type: ignore[list-item]


def test_empty_rdn_rejected() -> None:
    with pytest.raises(DecodeError, match="empty RelativeDistinguishedName"):
        Name.from_der(b"\x30\x02\x31\x00")


def test_trailing_bytes_rejected() -> None:
    encoded = Name.build([("CN", "a")]).to_der()
    with pytest.raises(DecodeError, match="after the end"):
        Name.from_der(encoded + b"\x00")


def test_display_never_fails() -> None:
    encoded = name_der(
        [atv(CN, 30, b"\xd8\x3d\x00a\xdc\x00")],
        [atv(CN, 28, b"\x00\x00\xdf\xff")],
        [atv(CN, 12, "\u202eevil\x00\x1b[31m".encode())],
    )
    name = parse_quietly(encoded)
    oneline = name.openssl_oneline()
    text = name.rfc4514()
    assert oneline.isascii()
    assert oneline.isprintable()
    assert text.isprintable()


def test_rfc4514_escapes_bidi_override() -> None:
    name = Name.build([("CN", "\u202eevil")])
    assert name.rfc4514() == "CN=\\E2\\80\\AEevil"


# --- Value objects -----------------------------------------------------------


def test_attribute_short_name_unknown_oid() -> None:
    attribute = NameAttribute("1.2.3.4", "x", 12, b"\x0c\x01x")
    assert attribute.short_name == "1.2.3.4"


def test_name_is_immutable() -> None:
    name = Name.build([("CN", "a")])
    with pytest.raises(AttributeError):
        name.rdns = ()  # type: ignore[misc]
