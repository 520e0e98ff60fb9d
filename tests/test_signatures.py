"""Signature checks shared by every backend: exact DER for ECDSA, exact
length for RSA, no signing with SHA-1 or MD5."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from purepki.algorithms import (
    ECDSA_SHA256,
    ECDSA_SHA384,
    RSA_PKCS1_SHA256,
    RSA_PKCS1_SHA384,
    RSA_PSS_SHA256,
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.backend import Backend, get_backend
from purepki.curves import P384
from purepki.errors import (
    InvalidSignature,
    UnsupportedAlgorithm,
    UnsupportedReason,
)
from purepki.keys import (
    ECPrivateKey,
    RSAPrivateKey,
    generate_ec_key,
    load_private_key,
)
from purepki.signatures import (
    decode_ecdsa_signature,
    default_algorithm,
    encode_ecdsa_signature,
)

MESSAGE = b"purepki signature test message\n"


@pytest.fixture(scope="module")
def rsa_key(openssl_fixtures: Path) -> RSAPrivateKey:
    key = load_private_key((openssl_fixtures / "webbridge3.key").read_bytes())
    assert isinstance(key, RSAPrivateKey)
    return key


@pytest.fixture(scope="module")
def ec_key(openssl_fixtures: Path) -> ECPrivateKey:
    key = load_private_key((openssl_fixtures / "server.key").read_bytes())
    assert isinstance(key, ECPrivateKey)
    return key


@pytest.fixture(scope="module")
def p384_key() -> ECPrivateKey:
    return generate_ec_key(P384, backend="pure")


def integer(content: bytes) -> bytes:
    return b"\x02" + bytes([len(content)]) + content


def sequence(body: bytes) -> bytes:
    return b"\x30" + bytes([len(body)]) + body


def minimal(value: int) -> bytes:
    """Big-endian octets of a positive value, with a 00 before a high bit."""
    return value.to_bytes(value.bit_length() // 8 + 1, "big")


def high_r_message(key: ECPrivateKey, backend: Backend) -> bytes:
    for counter in range(64):
        if key.sign(b"%d" % counter, backend=backend)[3] == 33:
            return b"%d" % counter
    raise AssertionError("no signature with a 33-octet r in 64 tries")


# --- ECDSA encodings ---------------------------------------------------------


def malformed_ecdsa(signature: bytes, order: int) -> dict[str, bytes]:
    r, s = decode_ecdsa_signature(signature, order)
    r_octets, s_octets = minimal(r), minimal(s)
    assert r_octets[0] == 0, "the cases below need r with its top bit set"
    body = integer(r_octets) + integer(s_octets)
    return {
        "extra-zero-before-r": sequence(
            integer(b"\x00" + r_octets) + integer(s_octets)
        ),
        "r-high-bit-without-zero": sequence(
            integer(r_octets[1:]) + integer(s_octets)
        ),
        "byte-after-s-inside": sequence(body + b"\x00"),
        "byte-after-sequence": signature + b"\x00",
        "long-form-sequence-length": b"\x30\x81" + bytes([len(body)]) + body,
        "long-form-integer-length": sequence(
            b"\x02\x81" + bytes([len(r_octets)]) + r_octets + integer(s_octets)
        ),
        "r-zero": sequence(integer(b"\x00") + integer(s_octets)),
        "s-zero": sequence(integer(r_octets) + integer(b"\x00")),
        "s-equals-n": sequence(integer(r_octets) + integer(minimal(order))),
        "s-plus-n": sequence(integer(r_octets) + integer(minimal(s + order))),
        "r-plus-n": sequence(integer(minimal(r + order)) + integer(s_octets)),
        "negative-s": sequence(integer(r_octets) + integer(b"\xff")),
        "r-of-70-octets": sequence(integer(b"\x01" * 70) + integer(s_octets)),
        "empty": b"",
        "sequence-only": b"\x30\x00",
        "one-integer": sequence(integer(r_octets)),
        "wrong-outer-tag": b"\x31" + signature[1:],
        "wrong-integer-tag": sequence(
            b"\x03" + integer(r_octets)[1:] + integer(s_octets)
        ),
        "short-sequence-length": signature[:1]
        + bytes([signature[1] - 1])
        + signature[2:],
        "truncated": signature[:-1],
        "raw-r-and-s": r.to_bytes(32, "big") + s.to_bytes(32, "big"),
    }


MALFORMED_ECDSA_NAMES = [
    "extra-zero-before-r",
    "r-high-bit-without-zero",
    "byte-after-s-inside",
    "byte-after-sequence",
    "long-form-sequence-length",
    "long-form-integer-length",
    "r-zero",
    "s-zero",
    "s-equals-n",
    "s-plus-n",
    "r-plus-n",
    "negative-s",
    "r-of-70-octets",
    "empty",
    "sequence-only",
    "one-integer",
    "wrong-outer-tag",
    "wrong-integer-tag",
    "short-sequence-length",
    "truncated",
    "raw-r-and-s",
]


def test_high_r_signature_verifies(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    message = high_r_message(ec_key, backend)
    signature = ec_key.sign(message, backend=backend)
    ec_key.public_key().verify(signature, message, backend=backend)


@pytest.mark.parametrize("name", MALFORMED_ECDSA_NAMES)
def test_malformed_ecdsa_rejected(
    backend: Backend, ec_key: ECPrivateKey, name: str
) -> None:
    message = high_r_message(ec_key, backend)
    signature = ec_key.sign(message, backend=backend)
    bad = malformed_ecdsa(signature, ec_key.curve.n)[name]
    with pytest.raises(InvalidSignature):
        ec_key.public_key().verify(bad, message, backend=backend)


def test_malformed_ecdsa_message_is_constant(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    message = high_r_message(ec_key, backend)
    signature = ec_key.sign(message, backend=backend)
    bad = malformed_ecdsa(signature, ec_key.curve.n)["r-high-bit-without-zero"]
    with pytest.raises(InvalidSignature) as info:
        ec_key.public_key().verify(bad, message, backend=backend)
    assert str(info.value) == InvalidSignature.ENCODING


def test_ecdsa_high_s_twin_is_valid(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    """(r, n - s) is the other valid signature (ECDSA is malleable); exact
    DER checks keep its encoding strict but accept the value."""
    signature = ec_key.sign(MESSAGE, backend=backend)
    r, s = decode_ecdsa_signature(signature, ec_key.curve.n)
    twin = encode_ecdsa_signature(r, ec_key.curve.n - s)
    ec_key.public_key().verify(twin, MESSAGE, backend=backend)


def test_ecdsa_wrong_message_rejected(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    signature = ec_key.sign(MESSAGE, backend=backend)
    with pytest.raises(InvalidSignature) as info:
        ec_key.public_key().verify(signature, MESSAGE + b"!", backend=backend)
    assert str(info.value) == InvalidSignature.MESSAGE


def test_ecdsa_other_key_rejected(
    backend: Backend, ec_key: ECPrivateKey, openssl_fixtures: Path
) -> None:
    other = load_private_key((openssl_fixtures / "root.key").read_bytes())
    signature = ec_key.sign(MESSAGE, backend=backend)
    with pytest.raises(InvalidSignature):
        other.public_key().verify(signature, MESSAGE, backend=backend)


def test_ecdsa_is_deterministic(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    first = ec_key.sign(MESSAGE, backend=backend)
    second = ec_key.sign(MESSAGE, backend=backend)
    assert first == second


def test_ecdsa_same_bytes_as_pure_backend(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    signature = ec_key.sign(MESSAGE, backend=backend)
    assert signature == ec_key.sign(MESSAGE, backend=get_backend("pure"))


def test_ecdsa_p384_round_trip(
    backend: Backend, p384_key: ECPrivateKey
) -> None:
    signature = p384_key.sign(MESSAGE, backend=backend)
    p384_key.public_key().verify(signature, MESSAGE, backend=backend)


def test_ecdsa_default_hash_follows_curve(
    ec_key: ECPrivateKey, p384_key: ECPrivateKey
) -> None:
    assert default_algorithm(ec_key) == ECDSA_SHA256
    assert default_algorithm(p384_key) == ECDSA_SHA384


def test_ecdsa_hash_mismatch_rejected(
    backend: Backend, p384_key: ECPrivateKey
) -> None:
    signature = p384_key.sign(MESSAGE, ECDSA_SHA384, backend=backend)
    with pytest.raises(InvalidSignature):
        p384_key.public_key().verify(
            signature, MESSAGE, ECDSA_SHA256, backend=backend
        )


def test_encode_ecdsa_rejects_negative() -> None:
    with pytest.raises(ValueError):
        encode_ecdsa_signature(-1, 1)


def test_encode_ecdsa_long_form_for_p521_sizes() -> None:
    r = s = 2**520 + 1
    signature = encode_ecdsa_signature(r, s)
    assert signature[:2] == b"\x30\x81"
    assert decode_ecdsa_signature(signature, 2**521) == (r, s)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "replace"]))
    position = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        bit = draw(st.integers(0, 7))
        changed = data[position] ^ (1 << bit)
        return data[:position] + bytes([changed]) + data[position + 1 :]
    if kind == "truncate":
        return data[:position]
    inserted = draw(st.binary(min_size=1, max_size=3))
    if kind == "insert":
        return data[:position] + inserted + data[position:]
    return data[:position] + inserted + data[position + len(inserted) :]


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(choice=st.data())
def test_mutated_ecdsa_only_exact_der(
    backend: Backend, ec_key: ECPrivateKey, choice: st.DataObject
) -> None:
    message = high_r_message(ec_key, backend)
    signature = ec_key.sign(message, backend=backend)
    candidate = choice.draw(mutated(signature))
    try:
        ec_key.public_key().verify(candidate, message, backend=backend)
    except InvalidSignature:
        return
    assert candidate == signature


# --- RSA ---------------------------------------------------------------------


def test_rsa_round_trip(backend: Backend, rsa_key: RSAPrivateKey) -> None:
    signature = rsa_key.sign(MESSAGE, backend=backend)
    assert len(signature) == 256
    rsa_key.public_key().verify(signature, MESSAGE, backend=backend)


def test_rsa_pkcs1_is_deterministic(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    signature = rsa_key.sign(MESSAGE, backend=backend)
    assert signature == rsa_key.sign(MESSAGE, backend=get_backend("pure"))


def test_rsa_one_byte_short(backend: Backend, rsa_key: RSAPrivateKey) -> None:
    signature = rsa_key.sign(MESSAGE, backend=backend)
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(signature[1:], MESSAGE, backend=backend)


def test_rsa_leading_zero_stripped(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    """A signature value below 2^(8(k-1)) still has k octets; one without
    its leading zero octets is rejected (RFC 8017 section 8.2.2)."""
    signature = rsa_key.sign(MESSAGE, backend=backend)
    stripped = signature.lstrip(b"\x00")
    if stripped == signature:
        stripped = signature[1:]
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(stripped, MESSAGE, backend=backend)


def test_rsa_one_byte_long(backend: Backend, rsa_key: RSAPrivateKey) -> None:
    signature = rsa_key.sign(MESSAGE, backend=backend)
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(
            b"\x00" + signature, MESSAGE, backend=backend
        )


def test_rsa_other_hash_rejected(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    signature = rsa_key.sign(MESSAGE, RSA_PKCS1_SHA256, backend=backend)
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(
            signature, MESSAGE, RSA_PKCS1_SHA384, backend=backend
        )


@pytest.mark.parametrize("offset", [0, 1, 2**16])
def test_rsa_s_not_below_n(
    backend: Backend, rsa_key: RSAPrivateKey, offset: int
) -> None:
    value = rsa_key.n + offset
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(
            value.to_bytes(256, "big"), MESSAGE, backend=backend
        )


def test_rsa_all_ones_rejected(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(b"\xff" * 256, MESSAGE, backend=backend)


def test_rsa_zero_rejected(backend: Backend, rsa_key: RSAPrivateKey) -> None:
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(b"\x00" * 256, MESSAGE, backend=backend)


def test_rsa_bit_flip_rejected(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    signature = bytearray(rsa_key.sign(MESSAGE, backend=backend))
    signature[100] ^= 0x01
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(bytes(signature), MESSAGE, backend=backend)


def test_rsa_pss_round_trip(backend: Backend, rsa_key: RSAPrivateKey) -> None:
    signature = rsa_key.sign(MESSAGE, RSA_PSS_SHA256, backend=backend)
    rsa_key.public_key().verify(
        signature, MESSAGE, RSA_PSS_SHA256, backend=backend
    )


def test_rsa_pss_is_randomised(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    first = rsa_key.sign(MESSAGE, RSA_PSS_SHA256, backend=backend)
    second = rsa_key.sign(MESSAGE, RSA_PSS_SHA256, backend=backend)
    assert first != second


def test_rsa_pss_salt_length_mismatch(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    salt_zero = SignatureAlgorithm(
        SignatureScheme.RSA_PSS, HashAlgorithm.SHA256, salt_length=0
    )
    signature = rsa_key.sign(MESSAGE, salt_zero, backend=backend)
    rsa_key.public_key().verify(signature, MESSAGE, salt_zero, backend=backend)
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(
            signature, MESSAGE, RSA_PSS_SHA256, backend=backend
        )


def test_rsa_pss_signature_as_pkcs1(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    signature = rsa_key.sign(MESSAGE, RSA_PSS_SHA256, backend=backend)
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(
            signature, MESSAGE, RSA_PKCS1_SHA256, backend=backend
        )


def test_rsa_pkcs1_signature_as_pss(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    signature = rsa_key.sign(MESSAGE, RSA_PKCS1_SHA256, backend=backend)
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(
            signature, MESSAGE, RSA_PSS_SHA256, backend=backend
        )


# --- Weak hashes and wrong schemes -------------------------------------------


@pytest.mark.parametrize("weak", [HashAlgorithm.SHA1, HashAlgorithm.MD5])
def test_rsa_sign_weak_hash_rejected(
    backend: Backend, rsa_key: RSAPrivateKey, weak: HashAlgorithm
) -> None:
    algorithm = SignatureAlgorithm(SignatureScheme.RSA_PKCS1V15, weak)
    with pytest.raises(UnsupportedAlgorithm) as info:
        rsa_key.sign(MESSAGE, algorithm, backend=backend)
    assert info.value.reason is UnsupportedReason.HASH


@pytest.mark.parametrize("weak", [HashAlgorithm.SHA1, HashAlgorithm.MD5])
def test_ecdsa_sign_weak_hash_rejected(
    backend: Backend, ec_key: ECPrivateKey, weak: HashAlgorithm
) -> None:
    algorithm = SignatureAlgorithm(SignatureScheme.ECDSA, weak)
    with pytest.raises(UnsupportedAlgorithm) as info:
        ec_key.sign(MESSAGE, algorithm, backend=backend)
    assert info.value.reason is UnsupportedReason.HASH


def test_rsa_pss_sign_sha1_rejected(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    algorithm = SignatureAlgorithm(SignatureScheme.RSA_PSS, HashAlgorithm.SHA1)
    with pytest.raises(UnsupportedAlgorithm):
        rsa_key.sign(MESSAGE, algorithm, backend=backend)


def test_rsa_md5_verify_rejected(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    algorithm = SignatureAlgorithm(
        SignatureScheme.RSA_PKCS1V15, HashAlgorithm.MD5
    )
    with pytest.raises(UnsupportedAlgorithm) as info:
        rsa_key.public_key().verify(
            b"\x01" * 256, MESSAGE, algorithm, backend=backend
        )
    assert info.value.reason is UnsupportedReason.HASH


def test_ecdsa_md5_verify_rejected(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    algorithm = SignatureAlgorithm(SignatureScheme.ECDSA, HashAlgorithm.MD5)
    signature = ec_key.sign(MESSAGE, backend=backend)
    with pytest.raises(UnsupportedAlgorithm):
        ec_key.public_key().verify(signature, MESSAGE, algorithm)


def openssl_sign(
    openssl: str, key: Path, digest: str, data: Path, *options: str
) -> bytes:
    return subprocess.run(
        [
            openssl,
            "dgst",
            f"-{digest}",
            "-sign",
            str(key),
            *options,
            str(data),
        ],
        check=True,
        capture_output=True,
    ).stdout


def test_sha1_rsa_signature_verifies(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    rsa_key: RSAPrivateKey,
    tmp_path: Path,
) -> None:
    data = tmp_path / "message.txt"
    data.write_bytes(MESSAGE)
    signature = openssl_sign(
        openssl, openssl_fixtures / "webbridge3.key", "sha1", data
    )
    algorithm = SignatureAlgorithm(
        SignatureScheme.RSA_PKCS1V15, HashAlgorithm.SHA1
    )
    rsa_key.public_key().verify(signature, MESSAGE, algorithm, backend=backend)


def test_sha1_ecdsa_signature_verifies(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    ec_key: ECPrivateKey,
    tmp_path: Path,
) -> None:
    data = tmp_path / "message.txt"
    data.write_bytes(MESSAGE)
    signature = openssl_sign(
        openssl, openssl_fixtures / "server.key", "sha1", data
    )
    algorithm = SignatureAlgorithm(SignatureScheme.ECDSA, HashAlgorithm.SHA1)
    ec_key.public_key().verify(signature, MESSAGE, algorithm, backend=backend)


def test_ecdsa_scheme_with_rsa_key(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    with pytest.raises(UnsupportedAlgorithm) as info:
        rsa_key.sign(MESSAGE, ECDSA_SHA256, backend=backend)
    assert info.value.reason is UnsupportedReason.SIGNATURE_ALGORITHM


def test_rsa_scheme_with_ec_key(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    signature = ec_key.sign(MESSAGE, backend=backend)
    with pytest.raises(UnsupportedAlgorithm):
        ec_key.public_key().verify(
            signature, MESSAGE, RSA_PKCS1_SHA256, backend=backend
        )


def test_pss_parameters_only_for_pss() -> None:
    with pytest.raises(ValueError):
        SignatureAlgorithm(
            SignatureScheme.ECDSA, HashAlgorithm.SHA256, salt_length=32
        )


def test_rsa_default_is_pkcs1_sha256(rsa_key: RSAPrivateKey) -> None:
    assert default_algorithm(rsa_key) == RSA_PKCS1_SHA256
