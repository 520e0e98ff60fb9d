"""Key generation, signing and verification through each backend.

Each group times one operation through purepki with the ``pure`` backend
and with the ``cryptography`` backend, each beside its floor: the
cheapest way to get the same result from the library that backend is
built on. The pure rows are divided by raw ``pow``, ``rsa`` or ``ecdsa``
calls, the cryptography rows by the same ``cryptography`` call made
directly on a native key built once. Other rows are context. Times are
CPU time of the benchmark process (``time.process_time``), so time spent
waiting for a core does not count. Each row runs in slices interleaved
with the other rows of its group (see conftest.py), because the speed of
a shared machine still changes from second to second.
"""

from __future__ import annotations

import functools
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
VIA_CRYPTOGRAPHY = "purepki (cryptography)"
CRYPTOGRAPHY = "cryptography"

#: The largest ratio of a sign or verify call through purepki with the
#: cryptography backend to the direct cryptography call.
THIN_INTERFACE = 1.25

#: Seconds that pytest-benchmark spends on one slice of a fast operation.
SLICE_TIME = 0.2

#: Rounds of RSA key generation in each slice, by modulus size. One key
#: takes a random number of prime candidates, so a median of few rounds
#: varies widely from run to run. rsa.newkeys takes seconds per key,
#: which bounds its rounds, and at 3072 bits it runs in
#: RSA_NEWKEYS_3072_SLICES slices only.
PUREPKI_KEYGEN_ROUNDS = {2048: 3, 3072: 1}
RSA_NEWKEYS_ROUNDS = 1
RSA_NEWKEYS_3072_SLICES = 4
CRYPTOGRAPHY_KEYGEN_ROUNDS = 2


def _group(name: str) -> pytest.MarkDecorator:
    return pytest.mark.benchmark(
        group=name, timer=time.process_time, max_time=SLICE_TIME
    )


def _sizes(operation: str) -> pytest.MarkDecorator:
    """Run a test once for RSA-2048 and once for RSA-3072, each in the
    group ``RSA-<bits> <operation>``."""
    return pytest.mark.parametrize(
        "bits",
        [
            pytest.param(bits, marks=_group(f"RSA-{bits} {operation}"))
            for bits in (2048, 3072)
        ],
        ids=lambda bits: f"rsa{bits}",
    )


@functools.cache
def _native_rsa(key: RSAPrivateKey) -> Any:
    """Build the native key once: cryptography checks both primes."""
    from cryptography.hazmat.primitives.asymmetric import rsa as native_rsa

    public = native_rsa.RSAPublicNumbers(key.e, key.n)
    numbers = native_rsa.RSAPrivateNumbers(
        key.p, key.q, key.d, key.dp, key.dq, key.qinv, public
    )
    return numbers.private_key()


def _native_ec(key: ECPrivateKey) -> Any:
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


# --- RSA sign --------------------------------------------------------------


@_sizes("sign")
def test_rsa_sign_purepki(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    bits: int,
) -> None:
    describe(
        PURE,
        floor="raw CRT pow",
        target=1.15,
        backend="pure",
        through_purepki=True,
    )
    key = rsa_keys[bits]

    signature = benchmark(key.sign, MESSAGE, backend="pure")

    rsa.verify(MESSAGE, signature, rsa.PublicKey(key.n, key.e))


@_sizes("sign")
def test_rsa_sign_raw_crt(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    bits: int,
) -> None:
    """Two half-size exponentiations and Garner's recombination, as RFC
    8017 section 5.1.2 (RSADP) gives them for the CRT form of the key,
    without blinding or the final check."""
    describe("raw CRT pow", backend="pure")
    key = rsa_keys[bits]
    digest = hashlib.sha256(MESSAGE).digest()
    encoded = emsa_pkcs1_v15(digest, HashAlgorithm.SHA256, bits // 8)
    message = int.from_bytes(encoded, "big")
    p, q, dp, dq, qinv = key.p, key.q, key.dp, key.dq, key.qinv

    def private_operation() -> int:
        s1 = pow(message, dp, p)
        s2 = pow(message, dq, q)
        return s2 + qinv * (s1 - s2) % p * q

    signature = benchmark(private_operation)

    expected = key.sign(MESSAGE, backend="pure")
    assert signature == int.from_bytes(expected, "big")


@_sizes("sign")
def test_rsa_sign_rsa_package(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    bits: int,
) -> None:
    """The ``rsa`` package exponentiates with d mod n and no CRT."""
    describe("rsa.sign", floor="raw CRT pow", backend="pure")
    key = rsa_keys[bits]
    private = _rsa_package_key(key)

    signature = benchmark(rsa.sign, MESSAGE, private, "SHA-256")

    assert signature == key.sign(MESSAGE, backend="pure")


@_sizes("sign")
def test_rsa_sign_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    cryptography_backend: str,
    bits: int,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor=CRYPTOGRAPHY,
        target=THIN_INTERFACE,
        backend=cryptography_backend,
        through_purepki=True,
    )
    key = rsa_keys[bits]
    key.sign(MESSAGE, backend=cryptography_backend)

    signature = benchmark(key.sign, MESSAGE, backend=cryptography_backend)

    assert signature == key.sign(MESSAGE, backend="pure")


@_sizes("sign")
def test_rsa_sign_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    cryptography_backend: str,
    bits: int,
) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    describe(CRYPTOGRAPHY, backend=cryptography_backend)
    key = rsa_keys[bits]
    private = _native_rsa(key)
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

    signature = benchmark(private.sign, MESSAGE, pkcs1, sha256)

    assert signature == key.sign(MESSAGE, backend="pure")


# --- RSA key generation ----------------------------------------------------


@_sizes("key generation")
def test_rsa_keygen_purepki(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    bits: int,
) -> None:
    # The rsa_keys fixture has built the sieve tables already.
    describe(
        PURE,
        floor="rsa.newkeys",
        target=0.25,
        ratio_of="medians",
        backend="pure",
        through_purepki=True,
    )

    key = benchmark.pedantic(
        purepki.generate_rsa_key,
        args=(bits,),
        kwargs={"backend": "pure"},
        rounds=PUREPKI_KEYGEN_ROUNDS[bits],
    )

    assert key.key_size == bits


@_group("RSA-2048 key generation")
def test_rsa_keygen_rsa_package(benchmark: Any, describe: DescribeRow) -> None:
    _rsa_newkeys(benchmark, describe, 2048)


@pytest.mark.slices(RSA_NEWKEYS_3072_SLICES)
@_group("RSA-3072 key generation")
def test_rsa_keygen_rsa_package_3072(
    benchmark: Any, describe: DescribeRow
) -> None:
    _rsa_newkeys(benchmark, describe, 3072)


def _rsa_newkeys(benchmark: Any, describe: DescribeRow, bits: int) -> None:
    describe("rsa.newkeys", backend="pure")

    public, _ = benchmark.pedantic(
        rsa.newkeys, args=(bits,), rounds=RSA_NEWKEYS_ROUNDS
    )

    assert public.n.bit_length() == bits


@_sizes("key generation")
def test_rsa_keygen_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    cryptography_backend: str,
    bits: int,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor=CRYPTOGRAPHY,
        ratio_of="medians",
        backend=cryptography_backend,
        through_purepki=True,
    )

    key = benchmark.pedantic(
        purepki.generate_rsa_key,
        args=(bits,),
        kwargs={"backend": cryptography_backend},
        rounds=CRYPTOGRAPHY_KEYGEN_ROUNDS,
    )

    assert key.key_size == bits


@_sizes("key generation")
def test_rsa_keygen_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    cryptography_backend: str,
    bits: int,
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa as native_rsa

    describe(CRYPTOGRAPHY, ratio_of="medians", backend=cryptography_backend)

    key = benchmark.pedantic(
        native_rsa.generate_private_key,
        args=(65537, bits),
        rounds=CRYPTOGRAPHY_KEYGEN_ROUNDS,
    )

    assert key.key_size == bits


# --- RSA verify ------------------------------------------------------------


@_sizes("verify")
def test_rsa_verify_purepki(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    bits: int,
) -> None:
    describe(
        PURE,
        floor="rsa.verify",
        target=1.2,
        backend="pure",
        through_purepki=True,
    )
    key = rsa_keys[bits]
    public = key.public_key()
    signature = key.sign(MESSAGE, backend="pure")

    benchmark(public.verify, signature, MESSAGE, backend="pure")


@_sizes("verify")
def test_rsa_verify_rsa_package(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    bits: int,
) -> None:
    describe("rsa.verify", backend="pure")
    key = rsa_keys[bits]
    public = rsa.PublicKey(key.n, key.e)
    signature = key.sign(MESSAGE, backend="pure")

    hash_name = benchmark(rsa.verify, MESSAGE, signature, public)

    assert hash_name == "SHA-256"


@_sizes("verify")
def test_rsa_verify_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    cryptography_backend: str,
    bits: int,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor=CRYPTOGRAPHY,
        target=THIN_INTERFACE,
        backend=cryptography_backend,
        through_purepki=True,
    )
    key = rsa_keys[bits]
    public = key.public_key()
    signature = key.sign(MESSAGE, backend="pure")
    public.verify(signature, MESSAGE, backend=cryptography_backend)

    benchmark(public.verify, signature, MESSAGE, backend=cryptography_backend)


@_sizes("verify")
def test_rsa_verify_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    rsa_keys: dict[int, RSAPrivateKey],
    cryptography_backend: str,
    bits: int,
) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    describe(CRYPTOGRAPHY, backend=cryptography_backend)
    key = rsa_keys[bits]
    public = _native_rsa(key).public_key()
    signature = key.sign(MESSAGE, backend="pure")
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

    benchmark(public.verify, signature, MESSAGE, pkcs1, sha256)


# --- P-256 key generation --------------------------------------------------


@_group("P-256 key generation")
def test_ec_keygen_purepki(benchmark: Any, describe: DescribeRow) -> None:
    describe(PURE, floor="ecdsa", backend="pure", through_purepki=True)

    key = benchmark(purepki.generate_ec_key, backend="pure")

    assert key.curve.name == "P-256"


@_group("P-256 key generation")
def test_ec_keygen_ecdsa(benchmark: Any, describe: DescribeRow) -> None:
    """A random secret and its public point, without the table of
    multiples that purepki's pure backend builds on first use of a key."""
    describe("ecdsa", backend="pure")

    key = benchmark(ecdsa.SigningKey.generate, curve=ecdsa.NIST256p)

    assert key.curve is ecdsa.NIST256p


@_group("P-256 key generation")
def test_ec_keygen_via_cryptography(
    benchmark: Any, describe: DescribeRow, cryptography_backend: str
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor=CRYPTOGRAPHY,
        backend=cryptography_backend,
        through_purepki=True,
    )

    key = benchmark(purepki.generate_ec_key, backend=cryptography_backend)

    assert key.curve.name == "P-256"


@_group("P-256 key generation")
def test_ec_keygen_cryptography(
    benchmark: Any, describe: DescribeRow, cryptography_backend: str
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    describe(CRYPTOGRAPHY, backend=cryptography_backend)
    curve = ec.SECP256R1()

    key = benchmark(ec.generate_private_key, curve)

    assert key.curve.name == "secp256r1"


# --- P-256 sign ------------------------------------------------------------


@_group("P-256 sign")
def test_ec_sign_purepki(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe(
        PURE, floor="ecdsa", target=1.1, backend="pure", through_purepki=True
    )
    ec_key.sign(MESSAGE, backend="pure")

    signature = benchmark(ec_key.sign, MESSAGE, backend="pure")

    ec_key.public_key().verify(signature, MESSAGE, backend="pure")


@_group("P-256 sign")
def test_ec_sign_ecdsa(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe("ecdsa", backend="pure")
    signing = _ecdsa_signing_key(ec_key)

    signature = benchmark(
        signing.sign_deterministic,
        MESSAGE,
        hashfunc=hashlib.sha256,
        sigencode=ecdsa.util.sigencode_der,
    )

    assert signature == ec_key.sign(MESSAGE, backend="pure")


@_group("P-256 sign")
def test_ec_sign_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    cryptography_backend: str,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor=CRYPTOGRAPHY,
        target=THIN_INTERFACE,
        backend=cryptography_backend,
        through_purepki=True,
    )
    ec_key.sign(MESSAGE, backend=cryptography_backend)

    signature = benchmark(ec_key.sign, MESSAGE, backend=cryptography_backend)

    assert signature == ec_key.sign(MESSAGE, backend="pure")


@_group("P-256 sign")
def test_ec_sign_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    cryptography_backend: str,
) -> None:
    """OpenSSL's ECDSA with RFC 6979 nonces, as the backend signs."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    describe(CRYPTOGRAPHY, backend=cryptography_backend)
    private = _native_ec(ec_key)
    algorithm = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)

    signature = benchmark(private.sign, MESSAGE, algorithm)

    assert signature == ec_key.sign(MESSAGE, backend="pure")


# --- P-256 verify ----------------------------------------------------------


@_group("P-256 verify")
def test_ec_verify_purepki(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe(
        PURE, floor="ecdsa", target=1.1, backend="pure", through_purepki=True
    )
    public = ec_key.public_key()
    signature = ec_key.sign(MESSAGE, backend="pure")
    public.verify(signature, MESSAGE, backend="pure")

    benchmark(public.verify, signature, MESSAGE, backend="pure")


@_group("P-256 verify")
def test_ec_verify_ecdsa(
    benchmark: Any, describe: DescribeRow, ec_key: ECPrivateKey
) -> None:
    describe("ecdsa", backend="pure")
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
def test_ec_verify_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    cryptography_backend: str,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor=CRYPTOGRAPHY,
        target=THIN_INTERFACE,
        backend=cryptography_backend,
        through_purepki=True,
    )
    public = ec_key.public_key()
    signature = ec_key.sign(MESSAGE, backend="pure")
    public.verify(signature, MESSAGE, backend=cryptography_backend)

    benchmark(public.verify, signature, MESSAGE, backend=cryptography_backend)


@_group("P-256 verify")
def test_ec_verify_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    ec_key: ECPrivateKey,
    cryptography_backend: str,
) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    describe(CRYPTOGRAPHY, backend=cryptography_backend)
    public = _native_ec(ec_key).public_key()
    algorithm = ec.ECDSA(hashes.SHA256())
    signature = ec_key.sign(MESSAGE, backend="pure")

    benchmark(public.verify, signature, MESSAGE, algorithm)
