"""The default backend: Python integers for RSA, the ``ecdsa`` package for EC.

RSA signing uses the Chinese Remainder Theorem with multiplicative
blinding (RFC 8017 section 5.1.2, note 2), and checks the result with the
public exponent before returning it, so a fault in one CRT half cannot
leak a factor. Each key keeps a blinding pair that is squared after every
signature and replaced by a fresh random one at intervals. RSA
verification computes the encoded message that a valid signature must
produce and compares the two in constant time; it never parses padding
(RFC 8017 section 8.2.2 step 3 and 4).

ECDSA uses ``ecdsa``'s RFC 6979 deterministic nonces. Native ``ecdsa`` key
objects are built once per key value and cached, with the verifying keys
precomputed on first use.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import threading
from typing import Any, Callable, Optional

import ecdsa
import ecdsa.curves
import ecdsa.ellipticcurve
import ecdsa.util

from purepki import _primes
from purepki.algorithms import (
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.curves import P256, P384, P521, Curve
from purepki.errors import (
    InvalidSignature,
    KeyFormatError,
    UnsupportedAlgorithm,
    UnsupportedReason,
)
from purepki.keys import (
    ECPrivateKey,
    ECPublicKey,
    PrivateKey,
    PublicKey,
    RSAPrivateKey,
    RSAPublicKey,
)

_ECDSA_CURVES = {
    P256.name: ecdsa.NIST256p,
    P384.name: ecdsa.NIST384p,
    P521.name: ecdsa.NIST521p,
}


def _ecdsa_curve(curve: Curve) -> Any:
    try:
        return _ECDSA_CURVES[curve.name]
    except KeyError:
        raise UnsupportedAlgorithm(
            f"the pure backend does not support curve {curve.name}",
            UnsupportedReason.CURVE,
        ) from None


def _hash_function(algorithm: HashAlgorithm) -> Callable[..., Any]:
    constructor: Callable[..., Any] = getattr(hashlib, algorithm.hashlib_name)
    return constructor


@functools.lru_cache(maxsize=128)
def _signing_key(key: ECPrivateKey) -> Any:
    return ecdsa.SigningKey.from_secret_exponent(
        key.d, curve=_ecdsa_curve(key.curve)
    )


class _VerifyingEntry:
    """A native verifying key and how often it was used.

    The table that speeds up ``ecdsa`` verification costs about as much
    to build as several verifications, so it is built on a key's second
    use: a one-shot check (one run of ``purepki verify``) skips it, and a
    trust anchor that verifies many certificates gets it.
    """

    __slots__ = ("key", "uses")

    def __init__(self, key: Any) -> None:
        self.key = key
        self.uses = 0


_PRECOMPUTE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=512)
def _verifying_entry(key: ECPublicKey) -> _VerifyingEntry:
    curve = _ecdsa_curve(key.curve)
    point = ecdsa.ellipticcurve.PointJacobi(
        curve.curve, key.x, key.y, 1, curve.order, generator=False
    )
    verifying = ecdsa.VerifyingKey.from_public_point(
        point, curve=curve, validate_point=False
    )
    return _VerifyingEntry(verifying)


#: ECDSA verifications on each curve that multiply the base point without
#: ecdsa's precomputed table. ecdsa builds the table of a curve's base
#: point on its first multiplication by it. For P-256 with ecdsa 0.19.2 on
#: a 2-core AMD EPYC machine, building it took about 25 ms, and a
#: verification took about 7 ms without it and 2 ms with it. A one-shot
#: ``purepki verify`` of a three-certificate chain makes two
#: verifications, so the first four skip the table, and later ones build
#: it once it pays off. At worst this costs under twice the table.
PLAIN_BASE_POINT_VERIFICATIONS = 4

# Threads that race on the counts only change how many verifications skip
# the table, never a result.
_plain_verifications: dict[str, int] = {}
_plain_curves: dict[str, Any] = {}


def _plain_curve(curve: Curve) -> Any:
    """Return ``curve`` as an ``ecdsa`` curve whose base point ecdsa
    multiplies without building its precomputed table."""
    plain = _plain_curves.get(curve.name)
    if plain is None:
        native = _ecdsa_curve(curve)
        base = native.generator
        point = ecdsa.ellipticcurve.PointJacobi(
            base.curve(), base.x(), base.y(), 1, base.order(), generator=False
        )
        plain = ecdsa.curves.Curve(
            native.name, native.curve, point, native.oid, native.openssl_name
        )
        _plain_curves[curve.name] = plain
    return plain


def _plain_verifying_key(key: ECPublicKey) -> Optional[Any]:
    """Return a verifying key on :func:`_plain_curve` while the curve's
    :data:`PLAIN_BASE_POINT_VERIFICATIONS` last, else ``None``."""
    done = _plain_verifications.get(key.curve.name, 0)
    if done >= PLAIN_BASE_POINT_VERIFICATIONS:
        return None
    _plain_verifications[key.curve.name] = done + 1
    curve = _plain_curve(key.curve)
    point = ecdsa.ellipticcurve.PointJacobi(
        curve.curve, key.x, key.y, 1, curve.order, generator=False
    )
    return ecdsa.VerifyingKey.from_public_point(
        point, curve=curve, validate_point=False
    )


def _verifying_key(key: ECPublicKey) -> Any:
    plain = _plain_verifying_key(key)
    if plain is not None:
        return plain

    entry = _verifying_entry(key)
    entry.uses += 1
    if entry.uses == 2:
        with _PRECOMPUTE_LOCK:
            entry.key.precompute()
    return entry.key


# --- RSA arithmetic --------------------------------------------------------


def emsa_pkcs1_v15(
    digest: bytes, algorithm: HashAlgorithm, size: int
) -> bytes:
    """Encode a digest as EMSA-PKCS1-v1_5 (RFC 8017 section 9.2).

    Raises:
        InvalidSignature: The modulus is too short for the encoding.
    """
    digest_info = algorithm.digest_info_prefix + digest
    padding = size - len(digest_info) - 3
    if padding < 8:
        raise InvalidSignature()
    return b"\x00\x01" + b"\xff" * padding + b"\x00" + digest_info


def _mgf1(seed: bytes, length: int, algorithm: HashAlgorithm) -> bytes:
    """MGF1 (RFC 8017 appendix B.2.1)."""
    output = bytearray()
    counter = 0
    while len(output) < length:
        output += algorithm.digest(seed + counter.to_bytes(4, "big"))
        counter += 1
    return bytes(output[:length])


def emsa_pss_encode(
    digest: bytes, em_bits: int, algorithm: SignatureAlgorithm
) -> bytes:
    """Encode a digest as EMSA-PSS with a random salt (RFC 8017 9.1.1)."""
    hash_length = algorithm.hash.digest_size
    salt_length = algorithm.pss_salt_length
    em_length = (em_bits + 7) // 8
    if em_length < hash_length + salt_length + 2:
        raise UnsupportedAlgorithm(
            "RSA key too short for this PSS salt length",
            UnsupportedReason.KEY_SIZE,
        )
    salt = secrets.token_bytes(salt_length)
    h = algorithm.hash.digest(b"\x00" * 8 + digest + salt)
    padding = b"\x00" * (em_length - salt_length - hash_length - 2)
    db = padding + b"\x01" + salt
    mask = _mgf1(h, em_length - hash_length - 1, algorithm.pss_mgf_hash)
    masked = bytearray(a ^ b for a, b in zip(db, mask))
    masked[0] &= 0xFF >> (8 * em_length - em_bits)
    return bytes(masked) + h + b"\xbc"


def emsa_pss_verify(
    digest: bytes, encoded: bytes, em_bits: int, algorithm: SignatureAlgorithm
) -> bool:
    """Check an EMSA-PSS encoding (RFC 8017 section 9.1.2)."""
    hash_length = algorithm.hash.digest_size
    salt_length = algorithm.pss_salt_length
    em_length = (em_bits + 7) // 8
    if len(encoded) != em_length:
        return False
    if em_length < hash_length + salt_length + 2 or encoded[-1] != 0xBC:
        return False
    masked = encoded[: em_length - hash_length - 1]
    h = encoded[em_length - hash_length - 1 : -1]
    top_bits = 8 * em_length - em_bits
    if top_bits and masked[0] >> (8 - top_bits):
        return False
    mask = _mgf1(h, len(masked), algorithm.pss_mgf_hash)
    db = bytearray(a ^ b for a, b in zip(masked, mask))
    db[0] &= 0xFF >> top_bits
    zeros = em_length - hash_length - salt_length - 2
    if any(db[:zeros]) or db[zeros] != 1:
        return False
    salt = bytes(db[len(db) - salt_length :]) if salt_length else b""
    expected = algorithm.hash.digest(b"\x00" * 8 + digest + salt)
    return hmac.compare_digest(expected, h)


#: Signatures made from one blinding pair, squared after each use, before
#: a fresh random factor replaces it. OpenSSL 1.1.1 does the same, with
#: the same count (BN_BLINDING_update and BN_BLINDING_COUNTER in
#: crypto/bn/bn_blind.c).
BLINDING_REFRESH_INTERVAL = 32

#: Maximum number of RSA keys whose blinding pair is kept. The least
#: recently used pair is dropped first, and its key signs with a fresh
#: pair next time.
MAX_BLINDING_KEYS = 64


class _BlindingCache:
    """Blinding pairs (r^e mod n, r^-1 mod n) per RSA key, safe to share
    between threads.

    Each signature takes the stored pair and leaves both values squared
    for the next one, which is still a valid pair for r^2. This costs two
    modular squarings where a fresh pair costs an exponentiation with e
    and a modular inverse. The cache is keyed by (n, e) and stores none
    of d, p and q.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (n, e) -> (r^e mod n, r^-1 mod n, signatures made so far).
        self._pairs: dict[tuple[int, int], tuple[int, int, int]] = {}

    def take(self, n: int, e: int) -> tuple[int, int]:
        """Return a blinding pair for the key (n, e), used only once."""
        with self._lock:
            stored = self._pairs.pop((n, e), None)
            if stored is not None and stored[2] < BLINDING_REFRESH_INTERVAL:
                factor, inverse, uses = stored
                self._store(n, e, factor, inverse, uses + 1)
                return factor, inverse

        # The exponentiation runs outside the lock so that other keys can
        # sign meanwhile.
        factor, inverse = _fresh_blinding_pair(n, e)
        with self._lock:
            self._store(n, e, factor, inverse, 1)
        return factor, inverse

    def _store(
        self, n: int, e: int, factor: int, inverse: int, uses: int
    ) -> None:
        self._pairs[n, e] = (factor * factor % n, inverse * inverse % n, uses)
        while len(self._pairs) > MAX_BLINDING_KEYS:
            del self._pairs[next(iter(self._pairs))]

    def __len__(self) -> int:
        with self._lock:
            return len(self._pairs)

    def reset_after_fork(self) -> None:
        """Forget every pair in a forked child, so that it does not repeat
        the parent's factors.

        The lock is replaced, not acquired, because another thread of the
        parent may have held it at the fork.
        """
        self._lock = threading.Lock()
        self._pairs = {}


def _fresh_blinding_pair(n: int, e: int) -> tuple[int, int]:
    while True:
        r = secrets.randbelow(n - 2) + 2
        try:
            return pow(r, e, n), pow(r, -1, n)
        except ValueError:  # pragma: no cover - r shares a factor with n
            continue


_BLINDING = _BlindingCache()
if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_BLINDING.reset_after_fork)


def rsa_private_operation(key: RSAPrivateKey, message: int) -> int:
    """Compute message^d mod n through the CRT, with blinding.

    The input is blinded as message * A with A = r^e mod n for a secret
    random r, so the timing of the exponentiations does not depend on
    ``message``, and the result is multiplied by A^-1 = r^-1 mod n. Each
    key keeps its pair (A, A^-1) between calls and squares both after
    each use, with a fresh r every :data:`BLINDING_REFRESH_INTERVAL`
    signatures. The result is checked with the public exponent.

    Raises:
        KeyFormatError: The check failed: a "prime" of the key is not
            prime, or the arithmetic was faulty. No signature is returned.
    """
    n = key.n
    factor, inverse = _BLINDING.take(n, key.e)
    blinded = message * factor % n
    s1 = pow(blinded, key.dp, key.p)
    s2 = pow(blinded, key.dq, key.q)
    h = key.qinv * (s1 - s2) % key.p
    signature = (s2 + h * key.q) * inverse % n
    if pow(signature, key.e, n) != message:
        raise KeyFormatError(
            "RSA private key failed the signature consistency check "
            "(s^e mod n differs from the message), so a factor is not "
            "prime or a CRT value is wrong; generate a new key"
        )
    return signature


class PureBackend:
    """Backend on Python integers and the ``ecdsa`` package."""

    name = "pure"

    def generate_rsa_key(
        self, bits: int, public_exponent: int
    ) -> RSAPrivateKey:
        """Generate an RSA key as FIPS 186-5 appendix A.1.3 describes."""
        while True:
            p, q = _primes.generate_rsa_primes(bits, public_exponent)
            key = RSAPrivateKey.from_primes(p, q, public_exponent)
            # FIPS 186-5 appendix A.1.1: d > 2^(nlen/2).
            if key.d.bit_length() > bits // 2:
                return key

    def generate_ec_key(self, curve: Curve) -> ECPrivateKey:
        """Generate an EC key with a uniform secret in 1 to n-1."""
        secret = secrets.randbelow(curve.n - 1) + 1
        x, y = self.ec_public_point(curve, secret)
        return ECPrivateKey(curve, secret, x, y)

    def ec_public_point(self, curve: Curve, secret: int) -> tuple[int, int]:
        """Return secret * G in affine coordinates."""
        point = _ecdsa_curve(curve).generator * secret
        return int(point.x()), int(point.y())

    def sign(
        self, key: PrivateKey, data: bytes, algorithm: SignatureAlgorithm
    ) -> bytes:
        """Sign with RSA PKCS#1 v1.5 or PSS, or deterministic ECDSA."""
        if isinstance(key, ECPrivateKey):
            return _signing_key(key).sign_deterministic(  # type: ignore[no-any-return]
                data,
                hashfunc=_hash_function(algorithm.hash),
                sigencode=ecdsa.util.sigencode_der,
            )
        size = (key.n.bit_length() + 7) // 8
        digest = algorithm.hash.digest(data)
        if algorithm.scheme is SignatureScheme.RSA_PSS:
            encoded = emsa_pss_encode(
                digest, key.n.bit_length() - 1, algorithm
            )
        else:
            encoded = emsa_pkcs1_v15(digest, algorithm.hash, size)
        message = int.from_bytes(encoded, "big")
        return rsa_private_operation(key, message).to_bytes(size, "big")

    def verify(
        self,
        key: PublicKey,
        signature: bytes,
        data: bytes,
        algorithm: SignatureAlgorithm,
    ) -> None:
        """Verify an RSA or ECDSA signature; raise InvalidSignature."""
        if isinstance(key, ECPublicKey):
            self._verify_ecdsa(key, signature, data, algorithm)
        else:
            self._verify_rsa(key, signature, data, algorithm)

    @staticmethod
    def _verify_ecdsa(
        key: ECPublicKey,
        signature: bytes,
        data: bytes,
        algorithm: SignatureAlgorithm,
    ) -> None:
        digest = algorithm.hash.digest(data)
        try:
            valid = _verifying_key(key).verify_digest(
                signature,
                digest,
                sigdecode=ecdsa.util.sigdecode_der,
                allow_truncate=True,
            )
        except (ecdsa.BadSignatureError, ecdsa.der.UnexpectedDER):
            raise InvalidSignature() from None
        if not valid:  # pragma: no cover - ecdsa raises instead
            raise InvalidSignature()

    @staticmethod
    def _verify_rsa(
        key: RSAPublicKey,
        signature: bytes,
        data: bytes,
        algorithm: SignatureAlgorithm,
    ) -> None:
        size = (key.n.bit_length() + 7) // 8
        s = int.from_bytes(signature, "big")
        if s >= key.n:
            raise InvalidSignature()
        encoded = pow(s, key.e, key.n).to_bytes(size, "big")
        digest = algorithm.hash.digest(data)
        if algorithm.scheme is SignatureScheme.RSA_PSS:
            em_bits = key.n.bit_length() - 1
            if len(encoded) > (em_bits + 7) // 8:
                if encoded[0]:
                    raise InvalidSignature()
                encoded = encoded[1:]
            if not emsa_pss_verify(digest, encoded, em_bits, algorithm):
                raise InvalidSignature()
            return
        expected = emsa_pkcs1_v15(digest, algorithm.hash, size)
        if not hmac.compare_digest(expected, encoded):
            raise InvalidSignature()

    # The cipher methods take ``cipher: Any`` because the module imports
    # nothing from purepki.ciphers; the argument is a
    # purepki.ciphers.Cipher, as in the Backend protocol.

    def cbc_encrypt(
        self, cipher: Any, key: bytes, iv: bytes, data: bytes
    ) -> bytes:
        """Encrypt whole blocks with the pure-Python ciphers of
        :mod:`purepki.ciphers`."""
        from purepki.ciphers import cbc_encrypt_blocks

        return cbc_encrypt_blocks(cipher, key, iv, data)

    def cbc_decrypt(
        self, cipher: Any, key: bytes, iv: bytes, data: bytes
    ) -> bytes:
        """Decrypt whole blocks with the pure-Python ciphers of
        :mod:`purepki.ciphers`."""
        from purepki.ciphers import cbc_decrypt_blocks

        return cbc_decrypt_blocks(cipher, key, iv, data)
