"""Strict DER decoding: each BER form X.690 section 10 forbids is rejected
with a DecodeError that names the offset and the field path."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pyasn1.codec.ber import encoder as ber_encoder
from pyasn1.codec.der import decoder as pyasn1_decoder
from pyasn1.type import univ, useful
from pyasn1_modules import rfc5280

from purepki import pem
from purepki.asn1 import der
from purepki.errors import DecodeError, LimitExceeded


def tlv(tag: int, content: bytes) -> bytes:
    """Encode one element with a minimal definite length."""
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets + content


def read_certificate(path: Path) -> bytes:
    return pem.read_blocks(path.read_bytes())[0].der


@pytest.fixture(scope="module")
def server_cert(openssl_fixtures: Path) -> bytes:
    return read_certificate(openssl_fixtures / "server.crt")


@pytest.fixture(scope="module")
def intermediate_cert(openssl_fixtures: Path) -> bytes:
    return read_certificate(openssl_fixtures / "intermediate.crt")


def with_not_after(cert: bytes, choice: str, value: str) -> bytes:
    """Re-encode ``cert`` with another notAfter value.

    pyasn1's DER encoder rejects malformed times, so the BER encoder
    writes the result; everything else re-encodes to the same bytes.
    """
    decoded, _ = pyasn1_decoder.decode(cert, asn1Spec=rfc5280.Certificate())
    time_type = (
        useful.UTCTime if choice == "utcTime" else (useful.GeneralizedTime)
    )
    validity = decoded["tbsCertificate"]["validity"]
    validity["notAfter"][choice] = time_type(value)
    return bytes(ber_encoder.encode(decoded))


def decode_error(data: bytes, schema: object) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        der.decode(data, schema)
    return info.value


# --- Framing -----------------------------------------------------------------


def test_integer_round_trip() -> None:
    value = der.decode(b"\x02\x02\x01\x00", univ.Integer())
    assert int(value) == 256


def test_certificate_decodes(server_cert: bytes) -> None:
    value = der.decode(server_cert, rfc5280.Certificate())
    assert der.encode(value) == server_cert


def test_non_minimal_length_rejected() -> None:
    error = decode_error(b"\x04\x81\x01\x00", univ.OctetString())
    assert "shortest form" in error.reason
    assert error.offset == 0


def test_length_with_leading_zero_rejected() -> None:
    data = b"\x04\x82\x00\x81" + b"\x00" * 0x81
    error = decode_error(data, univ.OctetString())
    assert "shortest form" in error.reason


def test_indefinite_length_rejected() -> None:
    data = b"\x30\x80\x02\x01\x01\x00\x00"
    error = decode_error(data, univ.SequenceOf(componentType=univ.Integer()))
    assert "indefinite length" in error.reason
    assert error.offset == 0


def test_reserved_length_octet_rejected() -> None:
    error = decode_error(b"\x04\xff", univ.OctetString())
    assert "reserved" in error.reason


def test_length_beyond_input_rejected() -> None:
    error = decode_error(b"\x04\x05abc", univ.OctetString())
    assert "exceeds" in error.reason


def test_empty_input_rejected() -> None:
    error = decode_error(b"", univ.Integer())
    assert "empty" in error.reason


def test_trailing_bytes_offset() -> None:
    error = decode_error(b"\x02\x01\x05\x00", univ.Integer())
    assert error.offset == 3
    assert "1 bytes after the end" in error.reason


def test_trailing_bytes_after_certificate(server_cert: bytes) -> None:
    error = decode_error(server_cert + b"\x01\x02\x03", rfc5280.Certificate())
    assert error.offset == len(server_cert)


def test_high_tag_number_non_minimal() -> None:
    data = b"\x9f\x05\x00"
    error = decode_error(data, univ.Null())
    assert "one-octet form" in error.reason


def test_end_of_contents_tag_rejected() -> None:
    error = decode_error(b"\x00\x00", univ.Null())
    assert "end-of-contents" in error.reason


def test_constructed_octet_string_rejected() -> None:
    data = b"\x24\x03\x04\x01\x00"
    error = decode_error(data, univ.OctetString())
    assert "primitive form" in error.reason


def test_primitive_sequence_rejected() -> None:
    error = decode_error(b"\x10\x00", univ.Sequence())
    assert "must be constructed" in error.reason


# --- Content rules -----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"\x00\x7f", b"\xff\x80", b"\x00\x00"],
    ids=["leading-zero", "leading-ff", "two-zeros"],
)
def test_non_minimal_integer_rejected(content: bytes) -> None:
    error = decode_error(tlv(0x02, content), univ.Integer())
    assert "INTEGER is not in its shortest form" in error.reason


def test_empty_integer_rejected() -> None:
    error = decode_error(b"\x02\x00", univ.Integer())
    assert "no content" in error.reason


def test_integer_with_needed_zero_accepted() -> None:
    value = der.decode(b"\x02\x02\x00\x80", univ.Integer())
    assert int(value) == 128


@pytest.mark.parametrize("octet", [b"\x01", b"\x7f", b"\xfe"])
def test_boolean_other_than_00_ff_rejected(octet: bytes) -> None:
    error = decode_error(b"\x01\x01" + octet, univ.Boolean())
    assert "BOOLEAN must be 00 or FF" in error.reason


def test_boolean_true_accepted() -> None:
    assert bool(der.decode(b"\x01\x01\xff", univ.Boolean())) is True


def test_boolean_of_two_octets_rejected() -> None:
    error = decode_error(b"\x01\x02\xff\xff", univ.Boolean())
    assert "expected 1" in error.reason


def test_null_with_content_rejected() -> None:
    error = decode_error(b"\x05\x01\x00", univ.Null())
    assert "NULL" in error.reason


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x08\xff", "unused bits, at most 7"),
        (b"\x01", "empty BIT STRING declares unused bits"),
        (b"\x01\x01", "nonzero unused bits"),
        (b"", "no content"),
    ],
)
def test_malformed_bit_string_rejected(content: bytes, words: str) -> None:
    error = decode_error(tlv(0x03, content), univ.BitString())
    assert words in error.reason


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x2a\x80\x01", "shortest form"),
        (b"\x2a\x86", "ends inside an arc"),
        (b"", "no content"),
        (b"\x2a" + b"\x81" * 21 + b"\x01", "longer than"),
    ],
)
def test_malformed_oid_rejected(content: bytes, words: str) -> None:
    error = decode_error(tlv(0x06, content), univ.ObjectIdentifier())
    assert words in error.reason


def test_oid_arc_limit() -> None:
    content = b"\x2a" + b"\x01" * der.MAX_OID_ARCS
    error = decode_error(tlv(0x06, content), univ.ObjectIdentifier())
    assert "more than the limit" in error.reason


def test_invalid_utf8_string_rejected() -> None:
    from pyasn1.type import char

    error = decode_error(tlv(0x0C, b"\xc3\x28"), char.UTF8String())
    assert "not valid UTF-8" in error.reason


def test_odd_bmp_string_rejected() -> None:
    from pyasn1.type import char

    error = decode_error(tlv(0x1E, b"\x00A\x00"), char.BMPString())
    assert "odd length" in error.reason


# --- Schema matching ---------------------------------------------------------


def test_wrong_tag_names_field(server_cert: bytes) -> None:
    # Byte 4 is the tag of tbsCertificate; 0x31 makes it a SET.
    data = server_cert[:4] + b"\x31" + server_cert[5:]
    error = decode_error(data, rfc5280.Certificate())
    assert error.offset == 4
    assert "found SET" in error.reason
    assert error.path == "tbsCertificate"


def test_integer_where_sequence_expected() -> None:
    error = decode_error(b"\x02\x01\x01", rfc5280.AlgorithmIdentifier())
    assert "expected SEQUENCE" in error.reason


def test_missing_required_field() -> None:
    data = tlv(0x30, b"")
    error = decode_error(data, rfc5280.AlgorithmIdentifier())
    assert "'algorithm' is missing" in error.reason
    assert error.path == "algorithm"


def test_unexpected_field_after_last() -> None:
    oid = tlv(0x06, b"\x2a\x03")
    data = tlv(0x30, oid + b"\x05\x00" + b"\x05\x00")
    error = decode_error(data, rfc5280.AlgorithmIdentifier())
    assert "after the last field" in error.reason


# --- Offsets and field paths in certificates ---------------------------------


@pytest.mark.parametrize(
    ("choice", "value"),
    [
        ("utcTime", "2406010000Z"),
        ("utcTime", "240812233616+0200"),
        ("utcTime", "991332000000Z"),
        ("generalTime", "2058060302194113Z"),
    ],
    ids=["no-seconds", "offset", "month-13", "extra-digits"],
)
def test_bad_not_after_path(
    server_cert: bytes, choice: str, value: str
) -> None:
    data = with_not_after(server_cert, choice, value)
    error = decode_error(data, rfc5280.Certificate())
    assert error.path.startswith("tbsCertificate.validity.notAfter")
    assert data[error.offset] in (0x17, 0x18)
    assert value.encode() in data[error.offset :]


def test_time_offset_shown_as_utc(server_cert: bytes) -> None:
    data = with_not_after(server_cert, "utcTime", "240812233616+0200")
    error = decode_error(data, rfc5280.Certificate())
    assert "2024-08-12 21:36:16Z" in error.reason


def test_error_message_names_path_and_offset(server_cert: bytes) -> None:
    data = with_not_after(server_cert, "utcTime", "2406010000Z")
    with pytest.raises(DecodeError) as info:
        der.decode(data, rfc5280.Certificate(), source="leaf.pem")
    message = str(info.value)
    assert message.startswith("leaf.pem, tbsCertificate.validity.notAfter")
    assert f"offset {info.value.offset}" in message


def test_boolean_01_offset_in_extension(intermediate_cert: bytes) -> None:
    position = intermediate_cert.find(b"\x01\x01\xff")
    data = (
        intermediate_cert[:position]
        + b"\x01\x01\x01"
        + intermediate_cert[position + 3 :]
    )
    error = decode_error(data, rfc5280.Certificate())
    assert error.offset == position
    assert error.path.startswith("tbsCertificate.extensions")


def test_boolean_01_path_names_critical(intermediate_cert: bytes) -> None:
    position = intermediate_cert.find(b"\x01\x01\xff")
    data = (
        intermediate_cert[:position]
        + b"\x01\x01\x01"
        + intermediate_cert[position + 3 :]
    )
    error = decode_error(data, rfc5280.Certificate())
    assert error.path.startswith("tbsCertificate.extensions[")
    assert error.path.endswith(".critical")


def test_truncated_certificate_offset(server_cert: bytes) -> None:
    error = decode_error(server_cert[:-1], rfc5280.Certificate())
    assert error.offset == 0
    assert "truncated" in error.reason


def test_nesting_limit_is_limit_exceeded() -> None:
    data = b""
    for _ in range(der.MAX_DEPTH + 1):
        data = tlv(0x30, data)
    with pytest.raises(LimitExceeded) as info:
        der.scan(data)
    assert "nesting deeper" in info.value.reason


def test_nesting_at_limit_accepted() -> None:
    data = b""
    for _ in range(der.MAX_DEPTH):
        data = tlv(0x30, data)
    node = der.scan(data)
    assert node.number == 16


def test_input_size_limit() -> None:
    with pytest.raises(LimitExceeded):
        der.scan(b"\x04\x01\x00", max_size=2)


def test_scan_allows_trailing_when_asked() -> None:
    node = der.scan(b"\x05\x00\xff\xff", allow_trailing=True)
    assert node.end == 2


def test_openssl_certificate_offsets_match_asn1parse(
    openssl: str, openssl_fixtures: Path
) -> None:
    """Element offsets from der.scan agree with ``openssl asn1parse``."""
    path = openssl_fixtures / "server-der.cer"
    data = path.read_bytes()
    out = subprocess.run(
        [openssl, "asn1parse", "-inform", "DER", "-in", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    openssl_offsets = [int(line.split(":")[0]) for line in out.splitlines()]
    offsets: list[int] = []

    def walk(node: der.Node) -> None:
        offsets.append(node.offset)
        for child in node.children:
            walk(child)

    walk(der.scan(data))
    assert offsets == openssl_offsets
