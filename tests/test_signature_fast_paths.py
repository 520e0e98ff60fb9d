"""The faster checks of the sign and verify path keep their behaviour.

``decode_ecdsa_signature`` used to decode r and s, check their range,
re-encode them and compare the bytes. It now checks minimal DER while
parsing. The hypothesis tests below feed both versions valid signatures
and mutations of them, and require the same result: the same (r, s), or
``InvalidSignature`` from both.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from purepki import backend as backend_module
from purepki.algorithms import (
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.backend import ENVIRONMENT_VARIABLE, available_backends
from purepki.curves import P256, P384, P521
from purepki.errors import BackendNotFound, InvalidSignature
from purepki.keys import ECPrivateKey, PSSRestrictions, RSAPublicKey
from purepki.signatures import (
    decode_ecdsa_signature,
    default_algorithm,
    encode_ecdsa_signature,
)

#: Orders the equivalence is checked for: the three curves, a small order
#: that rejects most values, and 2**528, the largest r and s that
#: encode_ecdsa_signature accepts. Beyond 2**528 the old decoder raised
#: ValueError from the encoder for large values.
ORDERS = (P256.n, P384.n, P521.n, 1000, 2**528)


def _reference_integer(data: bytes, position: int) -> tuple[int, int]:
    """Read an INTEGER as the re-encoding decoder did."""
    if data[position] != 0x02:
        raise InvalidSignature(InvalidSignature.ENCODING)
    length = data[position + 1]
    if length >= 0x80:
        raise InvalidSignature(InvalidSignature.ENCODING)
    start = position + 2
    end = start + length
    if length == 0 or end > len(data):
        raise InvalidSignature(InvalidSignature.ENCODING)
    return int.from_bytes(data[start:end], "big", signed=True), end


def reference_decode(signature: bytes, order: int) -> tuple[int, int]:
    """Decode as purepki 0.1.0 did: decode, range check, re-encode and
    compare the bytes."""
    try:
        if signature[0] != 0x30:
            raise InvalidSignature(InvalidSignature.ENCODING)
        position = 2 if signature[1] < 0x80 else 3
        r, position = _reference_integer(signature, position)
        s, position = _reference_integer(signature, position)
    except IndexError:
        raise InvalidSignature(InvalidSignature.ENCODING) from None
    if not (0 < r < order and 0 < s < order):
        raise InvalidSignature(InvalidSignature.ENCODING)
    if encode_ecdsa_signature(r, s) != signature:
        raise InvalidSignature(InvalidSignature.ENCODING)
    return r, s


def _outcome(decode: object, signature: bytes, order: int) -> object:
    try:
        return decode(signature, order)  # type: ignore[operator]
    except InvalidSignature:
        return "InvalidSignature"


def _assert_same(signature: bytes, order: int) -> None:
    expected = _outcome(reference_decode, signature, order)
    assert _outcome(decode_ecdsa_signature, signature, order) == expected


@st.composite
def valid_signatures(draw: st.DrawFn) -> tuple[bytes, int]:
    """An encoded (r, s) and an order, with r and s biased to the edges:
    1, n-1, and values whose top bit needs a 00 octet."""
    order = draw(st.sampled_from(ORDERS))
    edge = st.sampled_from(
        [1, order - 1, 0x80, 0x7F, 2 ** (order.bit_length() - 1)]
    )
    value = st.one_of(edge, st.integers(min_value=1, max_value=order - 1))
    r = min(draw(value), order - 1)
    s = min(draw(value), order - 1)
    return encode_ecdsa_signature(r, s), order


@st.composite
def mutated_signatures(draw: st.DrawFn) -> tuple[bytes, int]:
    """A valid signature with one octet replaced, inserted or removed,
    its end cut off, or octets appended."""
    signature, order = draw(valid_signatures())
    data = bytearray(signature)
    kind = draw(
        st.sampled_from(["replace", "insert", "delete", "cut", "append"])
    )
    index = draw(st.integers(min_value=0, max_value=len(data) - 1))
    octet = draw(
        st.sampled_from([0x00, 0x01, 0x02, 0x30, 0x7F, 0x80, 0x81, 0x82, 0xFF])
        | st.integers(0, 255)
    )
    if kind == "replace":
        data[index] = octet
    elif kind == "insert":
        data.insert(index, octet)
    elif kind == "delete":
        del data[index]
    elif kind == "cut":
        del data[index:]
    else:
        data += draw(st.binary(min_size=1, max_size=4))
    return bytes(data), order


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    return b"\x81" + bytes([length])


@st.composite
def variant_signatures(draw: st.DrawFn) -> tuple[bytes, int]:
    """BER variants of a signature: long-form or padded lengths, INTEGERs
    with redundant 00 or FF octets, negative values, and lengths that do
    not match the contents."""
    order = draw(st.sampled_from(ORDERS))
    integers = []
    for _ in range(2):
        value = draw(st.integers(min_value=-5, max_value=order + 5))
        width = max(1, value.bit_length() // 8 + 1)
        content = value.to_bytes(width, "big", signed=True)
        pad = draw(st.sampled_from([b"", b"", b"\x00", b"\xff", b"\x00\x00"]))
        content = pad + content
        length = _der_length(len(content))
        if draw(st.booleans()) and len(content) < 0x80:
            length = draw(st.sampled_from([b"\x81", b"\x82\x00"])) + bytes(
                [len(content)]
            )
        integers.append(b"\x02" + length + content)
    body = integers[0] + integers[1]
    outer = draw(st.sampled_from(["minimal", "long", "padded", "off by one"]))
    if outer == "minimal":
        header = _der_length(len(body))
    elif outer == "long":
        header = b"\x81" + bytes([len(body) % 256])
    elif outer == "padded":
        header = b"\x82" + len(body).to_bytes(2, "big")
    else:
        header = bytes([(len(body) + 1) % 256])
    return b"\x30" + header + body, order


@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow])
@given(valid_signatures())
def test_decode_matches_reference_on_valid(case: tuple[bytes, int]) -> None:
    signature, order = case
    _assert_same(signature, order)


@settings(max_examples=4000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_signatures())
def test_decode_matches_reference_on_mutations(
    case: tuple[bytes, int],
) -> None:
    signature, order = case
    _assert_same(signature, order)


@settings(max_examples=4000, suppress_health_check=[HealthCheck.too_slow])
@given(variant_signatures())
def test_decode_matches_reference_on_variants(
    case: tuple[bytes, int],
) -> None:
    signature, order = case
    _assert_same(signature, order)


@settings(max_examples=2000)
@given(st.binary(max_size=80), st.sampled_from(ORDERS))
def test_decode_matches_reference_on_random_bytes(
    signature: bytes, order: int
) -> None:
    _assert_same(signature, order)


@pytest.mark.parametrize(
    "signature",
    [
        b"",
        b"\x30",
        b"\x30\x00",
        b"\x30\x06\x02\x01\x01\x02\x01\x01",
        b"\x30\x06\x02\x01\x00\x02\x01\x01",
        b"\x30\x07\x02\x02\x00\x01\x02\x01\x01",
        b"\x30\x07\x02\x02\x00\x80\x02\x01\x01",
        b"\x30\x06\x02\x01\x80\x02\x01\x01",
        b"\x30\x81\x06\x02\x01\x01\x02\x01\x01",
        b"\x30\x06\x02\x01\x01\x02\x01\x01\x00",
        b"\x30\x07\x02\x01\x01\x02\x01\x01\x00",
        b"\x30\x06\x02\x81\x01\x01\x02\x01\x01",
    ],
    ids=[
        "empty",
        "tag only",
        "empty sequence",
        "r and s one",
        "r zero",
        "redundant 00",
        "needed 00",
        "negative r",
        "long outer length",
        "trailing octet",
        "octet inside sequence",
        "long integer length",
    ],
)
def test_decode_matches_reference_on_cases(signature: bytes) -> None:
    _assert_same(signature, P256.n)


@pytest.fixture(scope="module")
def ec_key() -> ECPrivateKey:
    """One P-256 key for the default-algorithm checks."""
    from purepki.keys import generate_ec_key

    return generate_ec_key()


def test_default_ec_algorithm_equals_fresh(ec_key: ECPrivateKey) -> None:
    fresh = SignatureAlgorithm(SignatureScheme.ECDSA, HashAlgorithm.SHA256)
    assert default_algorithm(ec_key) == fresh
    assert default_algorithm(ec_key.public_key()) == fresh


def test_default_pss_algorithm_uses_key_parameters() -> None:
    restrictions = PSSRestrictions(
        hash=HashAlgorithm.SHA384,
        mgf_hash=HashAlgorithm.SHA384,
        salt_length=48,
    )
    key = RSAPublicKey(2**2047 + 1, 65537, pss_only=True, pss=restrictions)
    expected = SignatureAlgorithm(
        SignatureScheme.RSA_PSS,
        HashAlgorithm.SHA384,
        salt_length=48,
        mgf_hash=HashAlgorithm.SHA384,
    )
    assert default_algorithm(key) == expected


def test_get_backend_follows_changed_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    assert backend_module.get_backend().name == "pure"
    for name in available_backends():
        monkeypatch.setenv(ENVIRONMENT_VARIABLE, f" {name} ")
        assert backend_module.get_backend().name == name
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    assert backend_module.get_backend().name == "pure"


def test_get_backend_rejects_unknown_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "no-such-backend")
    for _ in range(2):
        with pytest.raises(BackendNotFound):
            backend_module.get_backend()
