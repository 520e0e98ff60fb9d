"""The pure backend's own arithmetic: RSA blinding state, prime
generation, Miller-Rabin, and signatures checked by other libraries."""

from __future__ import annotations

import copy
import hashlib
import math
import os
import secrets
import signal
import threading
import time

import ecdsa
import ecdsa.util
import pytest
import rsa
import rsa.prime

from purepki import _primes, _pure
from purepki.algorithms import (
    ECDSA_SHA256,
    RSA_PKCS1_SHA256,
    RSA_PSS_SHA256,
    HashAlgorithm,
)
from purepki.backend import Backend
from purepki.curves import P256, P384, Curve
from purepki.errors import InvalidSignature, KeyFormatError
from purepki.keys import (
    RSA_PUBLIC_EXPONENT,
    ECPrivateKey,
    RSAPrivateKey,
    generate_ec_key,
    generate_rsa_key,
)

E = RSA_PUBLIC_EXPONENT

# Carmichael numbers with their prime factors. Each passes the Fermat test
# for every base coprime to it, so only the Miller-Rabin square-root step
# rejects them. 3215031751 is also a strong pseudoprime to bases 2, 3, 5
# and 7.
CARMICHAEL_NUMBERS = {
    561: (3, 11, 17),
    1105: (5, 13, 17),
    1729: (7, 13, 19),
    2465: (5, 17, 29),
    2821: (7, 13, 31),
    6601: (7, 23, 41),
    8911: (7, 19, 67),
    41041: (7, 11, 13, 41),
    825265: (5, 7, 17, 19, 73),
    3215031751: (151, 751, 28351),
}

# Mersenne primes 2^k - 1 for these k, and a prime just above 2^1024.
KNOWN_PRIMES = [
    *((1 << k) - 1 for k in (61, 89, 107, 127, 521, 607)),
    (1 << 1024) + 643,
]

# Rounds for fixed inputs: a composite survives with probability at most
# 4^-ROUNDS, here 2^-64.
ROUNDS = 32


@pytest.fixture(scope="module")
def rsa_key() -> RSAPrivateKey:
    return generate_rsa_key(2048, backend="pure")


def _pkcs1_message(key: RSAPrivateKey, data: bytes) -> int:
    digest = hashlib.sha256(data).digest()
    size = (key.n.bit_length() + 7) // 8
    encoded = _pure.emsa_pkcs1_v15(digest, HashAlgorithm.SHA256, size)
    return int.from_bytes(encoded, "big")


def _rsa_package_public(key: RSAPrivateKey) -> rsa.PublicKey:
    return rsa.PublicKey(key.n, key.e)


# --- RSA blinding ----------------------------------------------------------


def test_blinding_across_refreshes_verifies_with_rsa(
    rsa_key: RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_pure, "BLINDING_REFRESH_INTERVAL", 3)
    public = _rsa_package_public(rsa_key)
    for number in range(10):
        data = b"message %d" % number
        signature = _pure.PureBackend().sign(rsa_key, data, RSA_PKCS1_SHA256)
        assert rsa.verify(data, signature, public) == "SHA-256"


def test_blinding_gives_unblinded_result(rsa_key: RSAPrivateKey) -> None:
    message = _pkcs1_message(rsa_key, b"unblinded")
    expected = pow(message, rsa_key.d, rsa_key.n)
    for _ in range(5):
        assert _pure.rsa_private_operation(rsa_key, message) == expected


def test_blinding_signature_matches_rsa_sign(
    rsa_key: RSAPrivateKey,
) -> None:
    private = rsa.PrivateKey(
        rsa_key.n, rsa_key.e, rsa_key.d, rsa_key.p, rsa_key.q
    )
    signature = _pure.PureBackend().sign(rsa_key, b"data", RSA_PKCS1_SHA256)
    assert signature == rsa.sign(b"data", private, "SHA-256")


def test_blinding_pair_is_squared_after_use(rsa_key: RSAPrivateKey) -> None:
    cache = _pure._BlindingCache()
    n = rsa_key.n
    factor, inverse = cache.take(n, E)
    next_factor, next_inverse = cache.take(n, E)
    assert factor * pow(inverse, E, n) % n == 1
    assert next_factor == factor * factor % n
    assert next_inverse == inverse * inverse % n


def test_blinding_pair_refreshes_after_interval(
    rsa_key: RSAPrivateKey,
) -> None:
    cache = _pure._BlindingCache()
    n = rsa_key.n
    pairs = [
        cache.take(n, E) for _ in range(_pure.BLINDING_REFRESH_INTERVAL + 1)
    ]
    last_factor, _ = pairs[-2]
    fresh_factor, fresh_inverse = pairs[-1]
    assert fresh_factor != last_factor * last_factor % n
    assert fresh_factor * pow(fresh_inverse, E, n) % n == 1


def test_blinding_cache_is_bounded() -> None:
    cache = _pure._BlindingCache()
    moduli = _primes.small_primes()[-(_pure.MAX_BLINDING_KEYS + 5) :]
    for modulus in moduli:
        factor, inverse = cache.take(modulus, 3)
        assert factor * pow(inverse, 3, modulus) % modulus == 1
    assert len(cache) == _pure.MAX_BLINDING_KEYS


def test_blinding_from_threads_verifies(rsa_key: RSAPrivateKey) -> None:
    public = _rsa_package_public(rsa_key)
    failures: list[bytes] = []

    def sign_several(thread: int) -> None:
        for number in range(6):
            data = b"thread %d message %d" % (thread, number)
            signature = _pure.PureBackend().sign(
                rsa_key, data, RSA_PKCS1_SHA256
            )
            try:
                rsa.verify(data, signature, public)
            except rsa.VerificationError:
                failures.append(data)

    threads = [
        threading.Thread(target=sign_several, args=(thread,))
        for thread in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def _wait_for_child(child: int, timeout: float = 20.0) -> int:
    """Return the exit code of a forked child, killing it after
    ``timeout`` seconds (it then returns the negated signal number)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished, status = os.waitpid(child, os.WNOHANG)
        if finished:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(child, signal.SIGKILL)
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_blinding_cleared_in_forked_child(rsa_key: RSAPrivateKey) -> None:
    _pure.PureBackend().sign(rsa_key, b"before fork", RSA_PKCS1_SHA256)
    assert len(_pure._BLINDING) > 0
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child process
        os._exit(len(_pure._BLINDING))
    assert _wait_for_child(child) == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_blinding_lock_held_at_fork(rsa_key: RSAPrivateKey) -> None:
    # The parent holds the lock while it forks, as another thread could.
    with _pure._BLINDING._lock:
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child process
            _pure.PureBackend().sign(rsa_key, b"child", RSA_PKCS1_SHA256)
            os._exit(0)
    assert _wait_for_child(child) == 0


def test_private_operation_detects_fault(rsa_key: RSAPrivateKey) -> None:
    # A wrong dp simulates a computation fault in one CRT half. The
    # frozen key is copied and changed without its validation.
    faulty = copy.copy(rsa_key)
    object.__setattr__(faulty, "dp", rsa_key.dp ^ 2)
    message = _pkcs1_message(rsa_key, b"fault")
    with pytest.raises(KeyFormatError, match="consistency check"):
        _pure.rsa_private_operation(faulty, message)


# --- Signatures through the backend interface ------------------------------


def test_pkcs1_signature_verifies_with_rsa(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    signature = rsa_key.sign(b"pkcs1", backend=backend)
    public = _rsa_package_public(rsa_key)
    assert rsa.verify(b"pkcs1", signature, public) == "SHA-256"


def test_pss_round_trip(backend: Backend, rsa_key: RSAPrivateKey) -> None:
    signature = rsa_key.sign(b"pss", RSA_PSS_SHA256, backend=backend)
    public = rsa_key.public_key()
    public.verify(signature, b"pss", RSA_PSS_SHA256, backend=backend)
    with pytest.raises(InvalidSignature):
        public.verify(signature, b"other", RSA_PSS_SHA256, backend=backend)


def test_pss_signatures_differ(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    first = rsa_key.sign(b"pss", RSA_PSS_SHA256, backend=backend)
    second = rsa_key.sign(b"pss", RSA_PSS_SHA256, backend=backend)
    assert first != second


def test_pss_signature_verifies_with_cryptography(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.asymmetric import rsa as crypto_rsa

    signature = rsa_key.sign(b"pss", RSA_PSS_SHA256, backend=backend)
    public = crypto_rsa.RSAPublicNumbers(rsa_key.e, rsa_key.n).public_key()
    pss = padding.PSS(padding.MGF1(hashes.SHA256()), 32)
    public.verify(signature, b"pss", pss, hashes.SHA256())


def test_pkcs1_rejects_flipped_bit(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    signature = bytearray(rsa_key.sign(b"pkcs1", backend=backend))
    signature[-1] ^= 1
    with pytest.raises(InvalidSignature):
        rsa_key.public_key().verify(
            bytes(signature), b"pkcs1", backend=backend
        )


@pytest.fixture(scope="module")
def ec_key() -> ECPrivateKey:
    return generate_ec_key(backend="pure")


def test_ecdsa_matches_ecdsa_deterministic(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    signing = ecdsa.SigningKey.from_secret_exponent(
        ec_key.d, curve=ecdsa.NIST256p
    )
    for data in (b"", b"one", bytes(1000)):
        expected = signing.sign_deterministic(
            data,
            hashfunc=hashlib.sha256,
            sigencode=ecdsa.util.sigencode_der,
        )
        assert ec_key.sign(data, ECDSA_SHA256, backend=backend) == expected


def test_ecdsa_verifies_with_ecdsa(
    backend: Backend, ec_key: ECPrivateKey
) -> None:
    signature = ec_key.sign(b"ecdsa", backend=backend)
    verifying = ecdsa.SigningKey.from_secret_exponent(
        ec_key.d, curve=ecdsa.NIST256p
    ).verifying_key
    assert verifying.verify(
        signature,
        b"ecdsa",
        hashfunc=hashlib.sha256,
        sigdecode=ecdsa.util.sigdecode_der,
    )


# --- Prime generation ------------------------------------------------------


def test_generated_key_primes_pass_rsa_is_prime(backend: Backend) -> None:
    key = generate_rsa_key(2048, backend=backend)
    assert rsa.prime.is_prime(key.p)
    assert rsa.prime.is_prime(key.q)
    assert key.n.bit_length() == 2048
    assert key.d.bit_length() > 1024


def test_rsa_primes_meet_fips_186_5() -> None:
    p, q = _primes.generate_rsa_primes(2048, E)
    assert rsa.prime.is_prime(p)
    assert rsa.prime.is_prime(q)
    assert p > q
    assert (p * q).bit_length() == 2048
    assert p >> 1022 == 3
    assert q >> 1022 == 3
    assert abs(p - q) > 1 << (1024 - 100)
    assert math.gcd(p - 1, E) == 1
    assert math.gcd(q - 1, E) == 1


def test_generate_prime_sizes() -> None:
    for bits in (256, 512):
        prime = _primes.generate_prime(bits, E)
        assert prime.bit_length() == bits
        assert rsa.prime.is_prime(prime)


def test_small_primes_match_trial_division() -> None:
    expected = [
        number
        for number in range(3, _primes.SIEVE_LIMIT, 2)
        if all(number % d for d in range(3, math.isqrt(number) + 1, 2))
    ]
    assert _primes.small_primes() == expected


def test_sieve_marks_exactly_multiples_of_small_primes() -> None:
    primorial = math.prod(_primes.small_primes())
    start = secrets.randbits(1024) | (3 << 1022) | 1
    marks = _primes._sieve_window(start)
    for step in range(0, len(marks), 7):
        candidate = start + 2 * step
        has_small_factor = math.gcd(candidate, primorial) > 1
        assert marks[step] == has_small_factor, step


@pytest.mark.parametrize("number", sorted(CARMICHAEL_NUMBERS))
def test_miller_rabin_rejects_carmichael(number: int) -> None:
    factors = CARMICHAEL_NUMBERS[number]
    # Korselt's criterion: squarefree, and p - 1 divides n - 1.
    assert math.prod(factors) == number
    assert all((number - 1) % (p - 1) == 0 for p in factors)
    assert not _primes.is_probable_prime(number, ROUNDS)


def test_miller_rabin_rejects_strong_pseudoprime_to_base_2() -> None:
    # 2047 = 23 * 89 passes the strong test to base 2 only.
    assert not _primes.is_probable_prime(2047, ROUNDS)


@pytest.mark.parametrize(
    "prime", KNOWN_PRIMES, ids=lambda prime: f"{prime.bit_length()}-bit"
)
def test_miller_rabin_accepts_known_primes(prime: int) -> None:
    assert _primes.is_probable_prime(prime, ROUNDS)


@pytest.mark.parametrize(
    "prime", KNOWN_PRIMES, ids=lambda prime: f"{prime.bit_length()}-bit"
)
def test_base_2_round_accepts_known_primes(prime: int) -> None:
    assert _primes.passes_base_2(prime)


@pytest.mark.parametrize("number", [2047, 3215031751])
def test_base_2_round_passes_strong_pseudoprimes(number: int) -> None:
    # These pass base 2 only, which is why the random-base rounds follow.
    assert _primes.passes_base_2(number)
    assert not _primes.is_probable_prime(number, ROUNDS)


def test_base_2_round_rejects_carmichael_561() -> None:
    assert not _primes.passes_base_2(561)


def test_miller_rabin_rounds_follow_fips_table() -> None:
    assert _primes.miller_rabin_rounds(1024) == 5
    assert _primes.miller_rabin_rounds(1536) == 4
    assert _primes.miller_rabin_rounds(2048) == 4


@pytest.mark.parametrize("curve", [P256, P384])
def test_ecdsa_verify_before_and_after_table(
    monkeypatch: pytest.MonkeyPatch, curve: Curve
) -> None:
    """The first verifications on a curve skip ecdsa's base point table
    and the later ones use it; both accept and reject the same way."""
    monkeypatch.setattr(_pure, "_plain_verifications", {})
    key = generate_ec_key(curve, backend="pure")
    signature = key.sign(b"message", backend="pure")
    public = key.public_key()
    rounds = _pure.PLAIN_BASE_POINT_VERIFICATIONS + 3
    for _ in range(rounds):
        public.verify(signature, b"message", backend="pure")
        with pytest.raises(InvalidSignature):
            public.verify(signature, b"other message", backend="pure")
    assert _pure._plain_verifications[curve.name] == (
        _pure.PLAIN_BASE_POINT_VERIFICATIONS
    )
