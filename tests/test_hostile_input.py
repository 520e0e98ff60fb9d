"""Hostile and broken input: every case ends in a purepki DecodeError (or a
subclass) within one second, never a pyasn1 or other exception."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyasn1_modules import rfc5280

from purepki import pem
from purepki.asn1 import der
from purepki.backend import Backend
from purepki.errors import (
    DecodeError,
    PurePKIError,
    WrongObjectType,
)
from purepki.keys import (
    PrivateFormat,
    PublicFormat,
    load_private_key,
    load_public_key,
)

TIME_LIMIT = 1.0


def tlv(tag: int, content: bytes) -> bytes:
    """Encode one element with a minimal definite length."""
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets + content


def nested_sequences(depth: int) -> bytes:
    data = b""
    for _ in range(depth):
        data = tlv(0x30, data)
    return data


def expect_decode_error(call: Callable[[], object]) -> DecodeError:
    """Run ``call`` and check that it raises DecodeError in time."""
    start = time.perf_counter()
    with pytest.raises(DecodeError) as info:
        call()
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT
    return info.value


def decode_certificate(data: bytes) -> object:
    return der.decode(data, rfc5280.Certificate())


@pytest.fixture(scope="module")
def key_files(openssl_fixtures: Path) -> dict[str, bytes]:
    names = [
        "webbridge3.key",
        "webbridge3-pkcs1.key",
        "server.key",
        "server-pkcs8.key",
        "server-key.der",
    ]
    return {name: (openssl_fixtures / name).read_bytes() for name in names}


@pytest.fixture(scope="module")
def der_keys(key_files: dict[str, bytes]) -> dict[str, bytes]:
    """Unencrypted keys in each DER structure, from the openssl files."""
    rsa = load_private_key(key_files["webbridge3.key"])
    ec = load_private_key(key_files["server.key"])
    return {
        "rsa-pkcs8": rsa.to_der(),
        "rsa-pkcs1": rsa.to_der(PrivateFormat.TRADITIONAL),
        "ec-pkcs8": ec.to_der(),
        "ec-sec1": ec.to_der(PrivateFormat.TRADITIONAL),
    }


@pytest.fixture(scope="module")
def der_public_keys(key_files: dict[str, bytes]) -> dict[str, bytes]:
    rsa = load_private_key(key_files["webbridge3.key"]).public_key()
    ec = load_private_key(key_files["server.key"]).public_key()
    return {
        "rsa-spki": rsa.to_der(),
        "rsa-pkcs1": rsa.to_der(PublicFormat.PKCS1),
        "ec-spki": ec.to_der(),
    }


@pytest.fixture(scope="module")
def certificate(openssl_fixtures: Path) -> bytes:
    return (openssl_fixtures / "server-der.cer").read_bytes()


# --- Truncation and trailing bytes -------------------------------------------


@pytest.mark.parametrize(
    "name", ["rsa-pkcs8", "rsa-pkcs1", "ec-pkcs8", "ec-sec1"]
)
def test_truncated_der_key(
    backend: Backend, der_keys: dict[str, bytes], name: str
) -> None:
    data = der_keys[name]
    for size in range(0, len(data), max(1, len(data) // 97)):
        expect_decode_error(
            lambda size=size: load_private_key(data[:size], backend=backend)
        )


@pytest.mark.parametrize(
    "name", ["webbridge3.key", "webbridge3-pkcs1.key", "server.key"]
)
def test_truncated_pem_key(
    backend: Backend, key_files: dict[str, bytes], name: str
) -> None:
    data = key_files[name].rstrip(b"\n")
    end_line = data.rindex(b"\n")
    for size in range(0, end_line + 20, max(1, len(data) // 97)):
        expect_decode_error(
            lambda size=size: load_private_key(data[:size], backend=backend)
        )


@pytest.mark.parametrize("name", ["rsa-spki", "rsa-pkcs1", "ec-spki"])
def test_truncated_der_public_key(
    der_public_keys: dict[str, bytes], name: str
) -> None:
    data = der_public_keys[name]
    for size in range(0, len(data), max(1, len(data) // 61)):
        expect_decode_error(lambda size=size: load_public_key(data[:size]))


def test_trailing_bytes_after_der_key(
    backend: Backend, der_keys: dict[str, bytes]
) -> None:
    data = der_keys["ec-pkcs8"] + b"\x00"
    error = expect_decode_error(
        lambda: load_private_key(data, backend=backend)
    )
    assert error.offset == len(data) - 1
    assert "after the end" in error.reason


def test_trailing_bytes_after_der_public_key(
    der_public_keys: dict[str, bytes],
) -> None:
    data = der_public_keys["rsa-spki"] + b"junk"
    error = expect_decode_error(lambda: load_public_key(data))
    assert error.offset == len(der_public_keys["rsa-spki"])


def test_second_der_key_after_first(
    backend: Backend, der_keys: dict[str, bytes]
) -> None:
    first = der_keys["ec-sec1"]
    data = first + der_keys["rsa-pkcs1"]
    error = expect_decode_error(
        lambda: load_private_key(data, backend=backend)
    )
    assert error.offset == len(first)


# --- Objects of the wrong kind -----------------------------------------------


def test_public_key_as_private_pem(
    backend: Backend, der_public_keys: dict[str, bytes]
) -> None:
    data = pem.encode("PUBLIC KEY", der_public_keys["ec-spki"]).encode()
    error = expect_decode_error(
        lambda: load_private_key(data, backend=backend)
    )
    assert isinstance(error, WrongObjectType)
    assert "'PUBLIC KEY'" in error.reason


@pytest.mark.parametrize("name", ["rsa-spki", "rsa-pkcs1", "ec-spki"])
def test_public_key_as_private_der(
    backend: Backend, der_public_keys: dict[str, bytes], name: str
) -> None:
    data = der_public_keys[name]
    error = expect_decode_error(
        lambda: load_private_key(data, backend=backend)
    )
    assert isinstance(error, WrongObjectType)
    assert "public key" in error.reason


def test_private_key_as_public(der_keys: dict[str, bytes]) -> None:
    error = expect_decode_error(lambda: load_public_key(der_keys["ec-sec1"]))
    assert isinstance(error, WrongObjectType)


def test_certificate_pem_as_key(
    backend: Backend, openssl_fixtures: Path
) -> None:
    data = (openssl_fixtures / "server.crt").read_bytes()
    error = expect_decode_error(
        lambda: load_private_key(data, backend=backend)
    )
    assert isinstance(error, WrongObjectType)
    assert "'CERTIFICATE'" in error.reason


def test_certificate_der_as_key(backend: Backend, certificate: bytes) -> None:
    error = expect_decode_error(
        lambda: load_private_key(certificate, backend=backend)
    )
    assert isinstance(error, WrongObjectType)
    assert "certificate" in error.reason


def test_certificate_der_as_public_key(certificate: bytes) -> None:
    error = expect_decode_error(lambda: load_public_key(certificate))
    assert isinstance(error, WrongObjectType)


def test_neither_pem_nor_der(backend: Backend) -> None:
    data = b"this is a text file, not a key\n"
    error = expect_decode_error(
        lambda: load_private_key(data, source="notes.txt", backend=backend)
    )
    assert "not PEM" in error.reason
    assert "not DER" in error.reason
    assert str(error).startswith("notes.txt")


def test_empty_file(backend: Backend) -> None:
    error = expect_decode_error(
        lambda: load_private_key(b"", source="empty.key", backend=backend)
    )
    assert "empty" in error.reason


# --- Crafted DER -------------------------------------------------------------


HOSTILE_DER = {
    "length-2-to-the-64": bytes.fromhex("0488ffffffffffffffff"),
    "bit-string-indefinite": bytes.fromhex("0380600000"),
    "nested-10000": nested_sequences(10_000),
    "oid-100000-arcs": tlv(0x06, b"\x2a" + b"\x01" * 99_999),
    "oid-50000-arcs-in-algorithm": tlv(
        0x30, tlv(0x06, b"\x2a" + b"\x01" * 49_999) + b"\x05\x00"
    ),
    "non-minimal-length": bytes.fromhex("30810302010a"),
    "non-minimal-integer": bytes.fromhex("3003020200ff"),
    "boolean-01": bytes.fromhex("3003010101"),
    "indefinite-sequence": bytes.fromhex("308002010a0000"),
    "length-past-end": bytes.fromhex("3005020101"),
    "constructed-integer": bytes.fromhex("3005220302010a"),
    "set-instead-of-sequence": bytes.fromhex("3103020101"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_DER))
def test_hostile_der_as_certificate(name: str) -> None:
    data = HOSTILE_DER[name]
    error = expect_decode_error(lambda: decode_certificate(data))
    assert "malformed DER" in error.reason


@pytest.mark.parametrize("name", sorted(HOSTILE_DER))
def test_hostile_der_as_private_key(backend: Backend, name: str) -> None:
    data = HOSTILE_DER[name]
    expect_decode_error(lambda: load_private_key(data, backend=backend))


@pytest.mark.parametrize("name", sorted(HOSTILE_DER))
def test_hostile_der_as_public_key(name: str) -> None:
    expect_decode_error(lambda: load_public_key(HOSTILE_DER[name]))


@pytest.mark.parametrize("name", sorted(HOSTILE_DER))
def test_hostile_der_in_pem_certificate(name: str) -> None:
    text = pem.encode("CERTIFICATE", HOSTILE_DER[name])

    def parse() -> object:
        (block,) = pem.read_blocks(text)
        return decode_certificate(block.der)

    error = expect_decode_error(parse)
    assert "malformed DER" in error.reason


def test_huge_length_offset() -> None:
    error = expect_decode_error(
        lambda: decode_certificate(HOSTILE_DER["length-2-to-the-64"])
    )
    assert error.offset == 0
    assert str(2**64 - 1) in error.reason


def test_bit_string_indefinite_reason() -> None:
    error = expect_decode_error(
        lambda: decode_certificate(HOSTILE_DER["bit-string-indefinite"])
    )
    assert "indefinite length" in error.reason


def test_deep_nesting_stops_at_limit() -> None:
    error = expect_decode_error(
        lambda: decode_certificate(HOSTILE_DER["nested-10000"])
    )
    assert "nesting deeper" in error.reason
    assert error.offset is not None
    assert error.offset < 10 * der.MAX_DEPTH


def test_5000_nested_sequences_in_pem_certificate() -> None:
    inner = nested_sequences(5000)
    assert 15_000 < len(inner) < 25_000
    text = pem.encode("CERTIFICATE", inner)
    (block,) = pem.read_blocks(text)
    error = expect_decode_error(lambda: decode_certificate(block.der))
    assert "malformed DER" in error.reason


def test_oid_in_algorithm_identifier_path() -> None:
    data = HOSTILE_DER["oid-50000-arcs-in-algorithm"]
    error = expect_decode_error(
        lambda: der.decode(data, rfc5280.AlgorithmIdentifier())
    )
    assert error.path == "algorithm"
    assert "arcs" in error.reason


def test_oid_in_spki_of_certificate(certificate: bytes) -> None:
    """A certificate whose key algorithm OID has ~50,000 arcs."""
    value = der.decode(certificate, rfc5280.Certificate())
    spki = der.encode(value["tbsCertificate"]["subjectPublicKeyInfo"])
    bit_string = der.scan(spki).children[1]
    oid = tlv(0x06, b"\x2a" + b"\x01" * 49_999)
    hostile_spki = tlv(0x30, tlv(0x30, oid) + spki[bit_string.offset :])
    error = expect_decode_error(lambda: load_public_key(hostile_spki))
    assert "arcs" in error.reason


# --- Mutations ---------------------------------------------------------------


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """Flip a bit, truncate, or insert bytes somewhere in ``data``."""
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "replace"]))
    position = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        bit = draw(st.integers(0, 7))
        changed = data[position] ^ (1 << bit)
        return data[:position] + bytes([changed]) + data[position + 1 :]
    if kind == "truncate":
        return data[:position]
    inserted = draw(st.binary(min_size=1, max_size=4))
    if kind == "insert":
        return data[:position] + inserted + data[position:]
    return data[:position] + inserted + data[position + len(inserted) :]


MUTATION_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@MUTATION_SETTINGS
@given(choice=st.data())
def test_mutated_private_keys(
    backend: Backend, der_keys: dict[str, bytes], choice: st.DataObject
) -> None:
    name = choice.draw(st.sampled_from(sorted(der_keys)))
    data = choice.draw(mutations(der_keys[name]))
    start = time.perf_counter()
    with contextlib.suppress(PurePKIError):
        load_private_key(data, backend=backend)
    assert time.perf_counter() - start < TIME_LIMIT


@MUTATION_SETTINGS
@given(choice=st.data())
def test_mutated_public_keys(
    der_public_keys: dict[str, bytes], choice: st.DataObject
) -> None:
    name = choice.draw(st.sampled_from(sorted(der_public_keys)))
    data = choice.draw(mutations(der_public_keys[name]))
    start = time.perf_counter()
    with contextlib.suppress(PurePKIError):
        load_public_key(data)
    assert time.perf_counter() - start < TIME_LIMIT


@MUTATION_SETTINGS
@given(choice=st.data())
def test_mutated_certificates(
    certificate: bytes, choice: st.DataObject
) -> None:
    data = choice.draw(mutations(certificate))
    start = time.perf_counter()
    with contextlib.suppress(DecodeError):
        decode_certificate(data)
    assert time.perf_counter() - start < TIME_LIMIT


@MUTATION_SETTINGS
@given(choice=st.data())
def test_mutated_pem_keys(
    backend: Backend, key_files: dict[str, bytes], choice: st.DataObject
) -> None:
    name = choice.draw(st.sampled_from(["webbridge3.key", "server.key"]))
    data = choice.draw(mutations(key_files[name]))
    with contextlib.suppress(PurePKIError):
        load_private_key(data, backend=backend)
