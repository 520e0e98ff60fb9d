"""Key generation, signing and verification: purepki against its floors.

Each group pairs a purepki operation with the cheapest way to get the same
result from the library it is built on (the floor), and with other
libraries for context. Times are CPU time of the benchmark process
(``time.process_time``), so time spent waiting for a core does not count.
Each row runs in slices interleaved with the other rows of its group (see
conftest.py), because the speed of a shared machine still changes from
second to second.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any, Callable

import ecdsa
import ecdsa.util
import pytest
import rsa

import purepki
from purepki import ECPrivateKey, RSAPrivateKey
from purepki._pure import emsa_pkcs1_v15
from purepki.algorithms import HashAlgorithm

#: The type of the ``describe`` fixture from conftest.py.
DescribeRow = Callable[..., None]

#: The signed message: about the size of a small certificate's TBS part.
MESSAGE = bytes(range(256)) * 4

PURE = "purepki (pure)"

#: Rounds of RSA key generation in each slice (conftest.SLICES of them).
#: One key takes a random number of prime candidates, so a median of few
#: rounds varies widely from run to run. rsa.newkeys takes seconds per
#: key, which bounds its rounds.
PUREPKI_KEYGEN_ROUNDS = 3
RSA_NEWKEYS_ROUNDS = 1
CRYPTOGRAPHY_KEYGEN_ROUNDS = 2

#: Seconds that pytest-benchmark spends on one slice of a fast operation.
SLICE_TIME = 0.2


def _group(name: str) -> pytest.MarkDecorator:
    return pytest.mark.benchmark(
        group=name, timer=time.process_time, max_time=SLICE_TIME
    )


def _cryptography_rsa(key: RSAPrivateKey) -> Any:
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.asymmetric import rsa as crypto_rsa

    public = crypto_rsa.RSAPublicNumbers(key.e, key.n)
    numbers = crypto_rsa.RSAPrivateNumbers(
        key.p, key.q, key.d, key.dp, key.dq, key.qinv, public
    )
    return numbers.private_key()


def _cryptography_ec(key: ECPrivateKey) -> Any:
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.derive_private_key(key.d, ec.SECP256R1())


def _rsa_package_key(key: RSAPrivateKey) -> rsa.PrivateKey:
    return rsa.PrivateKey(key.n, key.e, key.d, key.p, key.q)


def _ecdsa_signing_key(key: ECPrivateKey) -> Any:
    """Return an ``ecdsa`` signing key whose verifying key has its
    multiplication table precomputed, as purepki's cached keys do."""
    signing = ecdsa.SigningKey.from_secret_exponent(
        key.d, curve=ecdsa.NIST256p
    )
    signing.verifying_key.precompute()
    return signing


# --- RSA-2048 sign ---------------------------------------------------------


@_group("RSA-2048 sign")
def test_rsa_sign_purepki(
    benchmark: Any, describe: DescribeRow, rsa_key: RSAPrivateKey
) -> None:
    describe(PURE, floor="raw CRT pow", target=1.15)

    signature = benchmark(rsa_key.sign, MESSAGE, backend="pure")

    rsa.verify(MESSAGE, signature, rsa.PublicKey(rsa_key.n, rsa_key.e))


@_group("RSA-2048 sign")
def test_rsa_sign_raw_crt(
    benchmark: Any, describe: DescribeRow, rsa_key: RSAPrivateKey
) -> None:
    """Two half-size exponentiations and Garner's recombination, as RFC
    8017 section 5.1.2 (RSADP) gives them for the CRT form of the key,
    without blinding or the final check."""
    describe("raw CRT pow")
    digest = hashlib.sha256(MESSAGE).digest()
    encoded = emsa_pkcs1_v15(digest, HashAlgorithm.SHA256, 256)
    message = int.from_bytes(encoded, "big")
    p, q, dp, dq, qinv = (
        rsa_key.p,
        rsa_key.q,
        rsa_key.dp,
        rsa_key.dq,
        rsa_key.qinv,
    )

    def private_operation() -> int:
        s1 = pow(message, dp, p)
        s2 = pow(message, dq, q)
        return s2 + qinv * (s1 - s2) % p * q

    signature = benchmark(private_operation)

    expected = rsa_key.sign(MESSAGE, backend="pure")
    assert signature == int.from_bytes(expected, "big")


@_group("RSA-2048 sign")
def test_rsa_sign_rsa_package(
    benchmark: Any, describe: DescribeRow, rsa_key: RSAPrivateKey
) -> None:
    describe("rsa.sign", floor="raw CRT pow")
    private = _rsa_package_key(rsa_key)

    signature = benchmark(rsa.sign, MESSAGE, private, "SHA-256")

    assert signature == rsa_key.sign(MESSAGE, backend="pure")


@_group("RSA-2048 sign")
def test_rsa_sign_cryptography(
    benchmark: Any, describe: DescribeRow, rsa_key: RSAPrivateKey
) -> None:
    private = _cryptography_rsa(rsa_key)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    describe("cryptography", floor="raw CRT pow")

    signature = benchmark(
        private.sign, MESSAGE, padding.PKCS1v15(), hashes.SHA256()
    )

    assert signature == rsa_key.sign(MESSAGE, backend="pure")


# --- RSA-2048 key generation -----------------------------------------------


@_group("RSA-2048 key generation")
def test_rsa_keygen_purepki(
    benchmark: Any, describe: DescribeRow, rsa_key: RSAPrivateKey
) -> None:
    # The rsa_key fixture has built the sieve tables already.
    describe(PURE, floor="rsa.newkeys", target=0.25, ratio_of="medians")

    key = benchmark.pedantic(
        purepki.generate_rsa_key,
        args=(2048,),
        kwargs={"backend": "pure"},
        rounds=PUREPKI_KEYGEN_ROUNDS,
    )

    assert key.key_size == 2048


@_group("RSA-2048 key generation")
def test_rsa_keygen_rsa_package(benchmark: Any, describe: DescribeRow) -> None:
    describe("rsa.newkeys")

    public, _ = benchmark.pedantic(
        rsa.newkeys, args=(2048,), rounds=RSA_NEWKEYS_ROUNDS
    )

    assert public.n.bit_length() == 2048


@_group("RSA-2048 key generation")
def test_rsa_keygen_cryptography(
    benchmark: Any, describe: DescribeRow
) -> None:
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.asymmetric import rsa as crypto_rsa

    describe("cryptography", floor="rsa.newkeys", ratio_of="medians")

    key = benchmark.pedantic(
        crypto_rsa.generate_private_key,
        args=(65537, 2048),
        rounds=CRYPTOGRAPHY_KEYGEN_ROUNDS,
    )

    assert key.key_size == 2048


# --- RSA-2048 verify -------------------------------------------------------


@_group("RSA-2048 verify")
def test_rsa_verify_purepki(
    benchmark: Any, describe: DescribeRow, rsa_key: RSAPrivateKey
) -> None:
    describe(PURE, floor="rsa.verify", target=1.2)
    public = rsa_key.public_key()
    signature = rsa_key.sign(MESSAGE, backend="pure")

    benchmark(public.verify, signature, MESSAGE, backend="pure")


@_group("RSA-2048 verify")
def test_rsa_verify_rsa_package(
    benchmark: Any, describe: DescribeRow, rsa_key: RSAPrivateKey
) -> None:
    describe("rsa.verify")
    public = rsa.PublicKey(rsa_key.n, rsa_key.e)
    signature = rsa_key.sign(MESSAGE, backend="pure")

    hash_name = benchmark(rsa.verify, MESSAGE, signature, public)

    assert hash_name == "SHA-256"


@_group("RSA-2048 verify")
def test_rsa_verify_cryptography(
    benchmark: Any, describe: DescribeRow, rsa_key: RSAPrivateKey
) -> None:
    public = _cryptography_rsa(rsa_key).public_key()
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    describe("cryptography", floor="rsa.verify")
    signature = rsa_key.sign(MESSAGE, backend="pure")

    benchmark(
        public.verify,
        signature,
        MESSAGE,
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


# --- P-256 sign ------------------------------------------------------------


@_group("P-256 sign")
def test_ec_sign_purepki(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe(PURE, floor="ecdsa", target=1.1)
    ec_key.sign(MESSAGE, backend="pure")

    signature = benchmark(ec_key.sign, MESSAGE, backend="pure")

    ec_key.public_key().verify(signature, MESSAGE, backend="pure")


@_group("P-256 sign")
def test_ec_sign_ecdsa(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe("ecdsa")
    signing = _ecdsa_signing_key(ec_key)

    signature = benchmark(
        signing.sign_deterministic,
        MESSAGE,
        hashfunc=hashlib.sha256,
        sigencode=ecdsa.util.sigencode_der,
    )

    assert signature == ec_key.sign(MESSAGE, backend="pure")


@_group("P-256 sign")
def test_ec_sign_cryptography(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    """OpenSSL's ECDSA with a random nonce, for context."""
    private = _cryptography_ec(ec_key)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    describe("cryptography", floor="ecdsa")
    algorithm = ec.ECDSA(hashes.SHA256())

    signature = benchmark(private.sign, MESSAGE, algorithm)

    ec_key.public_key().verify(signature, MESSAGE, backend="pure")


# --- P-256 verify ----------------------------------------------------------


@_group("P-256 verify")
def test_ec_verify_purepki(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe(PURE, floor="ecdsa", target=1.1)
    public = ec_key.public_key()
    signature = ec_key.sign(MESSAGE, backend="pure")
    public.verify(signature, MESSAGE, backend="pure")

    benchmark(public.verify, signature, MESSAGE, backend="pure")


@_group("P-256 verify")
def test_ec_verify_ecdsa(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe("ecdsa")
    verifying = _ecdsa_signing_key(ec_key).verifying_key
    signature = ec_key.sign(MESSAGE, backend="pure")

    valid = benchmark(
        verifying.verify,
        signature,
        MESSAGE,
        hashfunc=hashlib.sha256,
        sigdecode=ecdsa.util.sigdecode_der,
    )

    assert valid


@_group("P-256 verify")
def test_ec_verify_cryptography(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    public = _cryptography_ec(ec_key).public_key()
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    describe("cryptography", floor="ecdsa")
    algorithm = ec.ECDSA(hashes.SHA256())
    signature = ec_key.sign(MESSAGE, backend="pure")

    benchmark(public.verify, signature, MESSAGE, algorithm)
