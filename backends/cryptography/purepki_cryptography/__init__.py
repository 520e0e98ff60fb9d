"""A purepki crypto backend on ``cryptography``, which runs OpenSSL.

purepki keeps its own key objects and calls this backend for arithmetic
only. Each purepki key is turned into a native ``cryptography`` key once
and cached by its value. A repeated sign or verify then costs one cache
lookup on top of the OpenSSL call.

ECDSA signatures use RFC 6979 deterministic nonces
(``ec.ECDSA(hash, deterministic_signing=True)``), which ``cryptography``
42 and later offer when linked against OpenSSL 3.2 or later outside FIPS
mode. They are then byte-identical to those of the ``pure`` backend.
Without that support, ECDSA signing raises
:class:`~purepki.errors.UnsupportedAlgorithm` instead of signing with
random nonces. Verification and RSA still work.

Exceptions from ``cryptography`` are translated into purepki errors:
``InvalidSignature`` into :class:`purepki.errors.InvalidSignature`, keys
that OpenSSL rejects into :class:`purepki.errors.KeyFormatError`, and
unsupported algorithms into :class:`purepki.errors.UnsupportedAlgorithm`.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from cryptography import exceptions as native_errors
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher as NativeCipher
from cryptography.hazmat.primitives.ciphers import algorithms, modes

from purepki.algorithms import (
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.ciphers import CipherFamily
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

if TYPE_CHECKING:
    from purepki.ciphers import Cipher

__all__ = ["CryptographyBackend"]

#: The ``cryptography`` hash for each purepki hash. Hash objects hold no
#: state, so one instance serves every call.
_HASHES: Mapping[HashAlgorithm, hashes.HashAlgorithm] = {
    HashAlgorithm.MD5: hashes.MD5(),
    HashAlgorithm.SHA1: hashes.SHA1(),
    HashAlgorithm.SHA224: hashes.SHA224(),
    HashAlgorithm.SHA256: hashes.SHA256(),
    HashAlgorithm.SHA384: hashes.SHA384(),
    HashAlgorithm.SHA512: hashes.SHA512(),
}

_CURVES: Mapping[str, ec.EllipticCurve] = {
    P256.name: ec.SECP256R1(),
    P384.name: ec.SECP384R1(),
    P521.name: ec.SECP521R1(),
}

# OpenSSL rejects RSA public exponents longer than 64 bits when the
# modulus is longer than 3072 bits (OPENSSL_RSA_MAX_PUBEXP_BITS and
# OPENSSL_RSA_SMALL_MODULUS_BITS in OpenSSL's rsa.h).
_OPENSSL_SMALL_MODULUS_BITS = 3072
_OPENSSL_MAX_PUBLIC_EXPONENT_BITS = 64

#: Native RSA keys made by :meth:`CryptographyBackend.generate_rsa_key`,
#: by their purepki key. Building a native RSA private key from numbers
#: runs OpenSSL's key check, which tests both primes. That took about
#: 75 ms for 2048 bits and 0.5 s for 4096 bits, measured once with
#: OpenSSL 4.0 on an AMD EPYC server core. A key that OpenSSL has just
#: generated does not need the check. An entry is removed on first use,
#: or when the purepki key is garbage-collected.
_generated_rsa_keys: weakref.WeakKeyDictionary[
    RSAPrivateKey, rsa.RSAPrivateKey
] = weakref.WeakKeyDictionary()


def _native_curve(curve: Curve) -> ec.EllipticCurve:
    try:
        return _CURVES[curve.name]
    except KeyError:
        raise UnsupportedAlgorithm(
            f"the cryptography backend does not support curve {curve.name}",
            UnsupportedReason.CURVE,
        ) from None


def _rejected_key(kind: str, error: Exception) -> KeyFormatError:
    return KeyFormatError(
        f"{kind}: OpenSSL rejected the key ({error}); check the key file "
        "with 'openssl pkey -check -in FILE'"
    )


def _unsupported_hash(algorithm: SignatureAlgorithm) -> UnsupportedAlgorithm:
    return UnsupportedAlgorithm(
        f"the cryptography backend's OpenSSL does not support {algorithm}; "
        "use SHA-256 or stronger, or choose PUREPKI_BACKEND=pure",
        UnsupportedReason.HASH,
    )


def _wrong_scheme(
    algorithm: SignatureAlgorithm, kind: str
) -> UnsupportedAlgorithm:
    return UnsupportedAlgorithm(
        f"{algorithm.scheme.value} cannot be used with an {kind} key",
        UnsupportedReason.SIGNATURE_ALGORITHM,
    )


def _deterministic_unavailable() -> UnsupportedAlgorithm:
    from cryptography import __version__
    from cryptography.hazmat.backends.openssl.backend import backend

    return UnsupportedAlgorithm(
        "the cryptography backend cannot sign ECDSA with RFC 6979 "
        f"deterministic nonces: cryptography {__version__} on "
        f"{backend.openssl_version_text()} does not offer them (they need "
        "cryptography 42 or later, OpenSSL 3.2 or later and no FIPS "
        "mode); upgrade cryptography, or sign with PUREPKI_BACKEND=pure",
        UnsupportedReason.OPERATION,
    )


# --- Signature parameters ------------------------------------------------
#
# sign() and verify() find ECDSA and PKCS#1 v1.5 parameters with at most
# one dictionary lookup keyed by an enum member. PSS paddings are cached
# by SignatureAlgorithm.


def _deterministic_ecdsa_table() -> dict[HashAlgorithm, ec.ECDSA]:
    """Build the RFC 6979 ECDSA parameters for each hash, or an empty
    table when this cryptography and OpenSSL cannot make them."""
    try:
        return {
            member: ec.ECDSA(native, deterministic_signing=True)
            for member, native in _HASHES.items()
        }
    except (native_errors.UnsupportedAlgorithm, TypeError):
        # TypeError: cryptography before 42 has no deterministic_signing.
        return {}


_ECDSA_SIGNING = _deterministic_ecdsa_table()

_ECDSA_VERIFYING: Mapping[HashAlgorithm, ec.ECDSA] = {
    member: ec.ECDSA(native) for member, native in _HASHES.items()
}

_PKCS1V15 = padding.PKCS1v15()


@functools.lru_cache(maxsize=32)
def _pss_padding(algorithm: SignatureAlgorithm) -> padding.PSS:
    if algorithm.scheme is not SignatureScheme.RSA_PSS:
        raise _wrong_scheme(algorithm, "RSA")

    # An exact salt length: OpenSSL then checks that the salt of a
    # signature has that length, as RFC 8017 section 9.1.2 does.
    mgf = padding.MGF1(_HASHES[algorithm.pss_mgf_hash])
    return padding.PSS(mgf=mgf, salt_length=algorithm.pss_salt_length)


def _rsa_padding(algorithm: SignatureAlgorithm) -> padding.AsymmetricPadding:
    if algorithm.scheme is SignatureScheme.RSA_PKCS1V15:
        return _PKCS1V15
    return _pss_padding(algorithm)


# --- Native keys, cached by purepki key ------------------------------------


_Key = TypeVar("_Key")
_Native = TypeVar("_Native")


def _cached_native(
    maxsize: int,
) -> Callable[[Callable[[_Key], _Native]], Callable[[_Key], _Native]]:
    """Cache native keys by purepki key, the key used last by identity.

    The ``functools.lru_cache`` lookup hashes the purepki key, which means
    all its integers and its curve, on every call. A signer or verifier
    usually repeats one key object, and the identity check skips that
    hash. Threads share the last entry, a tuple replaced in one
    assignment, so a reader sees a whole entry.
    """

    def decorate(
        build: Callable[[_Key], _Native],
    ) -> Callable[[_Key], _Native]:
        cached = functools.lru_cache(maxsize=maxsize)(build)
        last: list[tuple[Any, Any]] = [(None, None)]

        @functools.wraps(build)
        def lookup(key: _Key) -> _Native:
            entry = last[0]
            if entry[0] is key:
                return entry[1]  # type: ignore[no-any-return]
            native = cached(key)
            last[0] = (key, native)
            return native

        return lookup

    return decorate


@_cached_native(maxsize=128)
def _ec_private_key(key: ECPrivateKey) -> ec.EllipticCurvePrivateKey:
    curve = _native_curve(key.curve)
    public = ec.EllipticCurvePublicNumbers(key.x, key.y, curve)
    try:
        return ec.EllipticCurvePrivateNumbers(key.d, public).private_key()
    except ValueError as error:
        raise _rejected_key("EC private key", error) from None


@_cached_native(maxsize=512)
def _ec_public_key(key: ECPublicKey) -> ec.EllipticCurvePublicKey:
    curve = _native_curve(key.curve)
    try:
        return ec.EllipticCurvePublicNumbers(key.x, key.y, curve).public_key()
    except ValueError as error:
        raise _rejected_key("EC public key", error) from None


@_cached_native(maxsize=128)
def _rsa_private_key(key: RSAPrivateKey) -> rsa.RSAPrivateKey:
    generated = _generated_rsa_keys.pop(key, None)
    if generated is not None:
        return generated

    public = rsa.RSAPublicNumbers(key.e, key.n)
    numbers = rsa.RSAPrivateNumbers(
        p=key.p,
        q=key.q,
        d=key.d,
        dmp1=key.dp,
        dmq1=key.dq,
        iqmp=key.qinv,
        public_numbers=public,
    )
    try:
        return numbers.private_key()
    except ValueError as error:
        raise _rejected_key("RSA private key", error) from None


@_cached_native(maxsize=512)
def _rsa_public_key(key: RSAPublicKey) -> rsa.RSAPublicKey:
    modulus_bits = key.n.bit_length()
    exponent_bits = key.e.bit_length()
    if (
        modulus_bits > _OPENSSL_SMALL_MODULUS_BITS
        and exponent_bits > _OPENSSL_MAX_PUBLIC_EXPONENT_BITS
    ):
        raise UnsupportedAlgorithm(
            f"the cryptography backend cannot use a {modulus_bits}-bit RSA "
            f"key with a {exponent_bits}-bit public exponent: OpenSSL "
            f"accepts at most {_OPENSSL_MAX_PUBLIC_EXPONENT_BITS} bits "
            f"above {_OPENSSL_SMALL_MODULUS_BITS}-bit moduli; verify with "
            "PUREPKI_BACKEND=pure",
            UnsupportedReason.KEY_SIZE,
        )

    try:
        return rsa.RSAPublicNumbers(key.e, key.n).public_key()
    except ValueError as error:
        raise _rejected_key("RSA public key", error) from None


def _key_too_short(
    key: RSAPrivateKey, algorithm: SignatureAlgorithm
) -> UnsupportedAlgorithm:
    return UnsupportedAlgorithm(
        f"a {key.key_size}-bit RSA key is too short for {algorithm}; use "
        "a shorter hash or PSS salt, or a larger key",
        UnsupportedReason.KEY_SIZE,
    )


# --- Signing and verifying ------------------------------------------------


def _sign_ecdsa(
    key: ECPrivateKey, data: bytes, algorithm: SignatureAlgorithm
) -> bytes:
    if algorithm.scheme is not SignatureScheme.ECDSA:
        raise _wrong_scheme(algorithm, "EC")
    ecdsa = _ECDSA_SIGNING.get(algorithm.hash)
    if ecdsa is None:
        raise _deterministic_unavailable()

    native = _ec_private_key(key)
    try:
        return native.sign(data, ecdsa)
    except native_errors.UnsupportedAlgorithm:
        raise _unsupported_hash(algorithm) from None


def _sign_rsa(
    key: RSAPrivateKey, data: bytes, algorithm: SignatureAlgorithm
) -> bytes:
    native = _rsa_private_key(key)
    rsa_padding = _rsa_padding(algorithm)
    try:
        return native.sign(data, rsa_padding, _HASHES[algorithm.hash])
    except native_errors.UnsupportedAlgorithm:
        raise _unsupported_hash(algorithm) from None
    except ValueError:
        # cryptography raises ValueError when the encoded digest does not
        # fit the modulus (RFC 8017 section 9.1.1 step 3 for PSS, with
        # its salt, and section 9.2 step 3 for PKCS#1 v1.5).
        raise _key_too_short(key, algorithm) from None


def _verify_ecdsa(
    key: ECPublicKey,
    signature: bytes,
    data: bytes,
    algorithm: SignatureAlgorithm,
) -> None:
    if algorithm.scheme is not SignatureScheme.ECDSA:
        raise _wrong_scheme(algorithm, "EC")

    native = _ec_public_key(key)
    try:
        native.verify(signature, data, _ECDSA_VERIFYING[algorithm.hash])
    except native_errors.InvalidSignature:
        raise InvalidSignature() from None
    except native_errors.UnsupportedAlgorithm:
        raise _unsupported_hash(algorithm) from None


def _verify_rsa(
    key: RSAPublicKey,
    signature: bytes,
    data: bytes,
    algorithm: SignatureAlgorithm,
) -> None:
    native = _rsa_public_key(key)
    rsa_padding = _rsa_padding(algorithm)
    try:
        native.verify(signature, data, rsa_padding, _HASHES[algorithm.hash])
    except native_errors.InvalidSignature:
        raise InvalidSignature() from None
    except native_errors.UnsupportedAlgorithm:
        raise _unsupported_hash(algorithm) from None


class CryptographyBackend:
    """Backend on ``cryptography`` (OpenSSL), registered as
    ``cryptography``."""

    name = "cryptography"

    def generate_rsa_key(
        self, bits: int, public_exponent: int
    ) -> RSAPrivateKey:
        """Generate an RSA key with OpenSSL.

        Args:
            bits: Modulus size in bits.
            public_exponent: 65537 (or 3, which ``cryptography`` also
                accepts).

        Returns:
            The key with the CRT values OpenSSL computed.

        Raises:
            UnsupportedAlgorithm: ``cryptography`` rejects the size or the
                exponent.
        """
        try:
            native = rsa.generate_private_key(public_exponent, bits)
        except ValueError as error:
            raise UnsupportedAlgorithm(
                f"the cryptography backend cannot generate a {bits}-bit RSA "
                f"key with public exponent {public_exponent} ({error}); use "
                "2048, 3072 or 4096 bits and exponent 65537",
                UnsupportedReason.KEY_SIZE,
            ) from None

        numbers = native.private_numbers()
        key = RSAPrivateKey(
            n=numbers.public_numbers.n,
            e=numbers.public_numbers.e,
            d=numbers.d,
            p=numbers.p,
            q=numbers.q,
            dp=numbers.dmp1,
            dq=numbers.dmq1,
            qinv=numbers.iqmp,
        )
        _generated_rsa_keys[key] = native
        return key

    def generate_ec_key(self, curve: Curve) -> ECPrivateKey:
        """Generate an EC key on ``curve`` with OpenSSL.

        Raises:
            UnsupportedAlgorithm: The curve is not P-256, P-384 or P-521.
        """
        native = ec.generate_private_key(_native_curve(curve))
        numbers = native.private_numbers()
        point = numbers.public_numbers
        return ECPrivateKey(curve, numbers.private_value, point.x, point.y)

    def ec_public_point(self, curve: Curve, secret: int) -> tuple[int, int]:
        """Return the affine coordinates of ``secret`` times the base point.

        Raises:
            KeyFormatError: ``secret`` is outside 1 to n-1.
            UnsupportedAlgorithm: The curve is not P-256, P-384 or P-521.
        """
        if not 1 <= secret < curve.n:
            raise KeyFormatError(
                "EC private key: private value is outside 1 to n-1 for "
                f"curve {curve.name}"
            )

        native = ec.derive_private_key(secret, _native_curve(curve))
        point = native.public_key().public_numbers()
        return point.x, point.y

    def sign(
        self, key: PrivateKey, data: bytes, algorithm: SignatureAlgorithm
    ) -> bytes:
        """Sign with RSA PKCS#1 v1.5 or PSS, or with deterministic ECDSA.

        Returns:
            The signature: as long as the modulus for RSA, a DER
            ``Ecdsa-Sig-Value`` for ECDSA.

        Raises:
            UnsupportedAlgorithm: The scheme does not fit the key, the PSS
                salt does not fit the modulus, OpenSSL lacks the hash, or
                OpenSSL cannot make deterministic ECDSA nonces.
            KeyFormatError: OpenSSL rejects the key.
        """
        if isinstance(key, ECPrivateKey):
            return _sign_ecdsa(key, data, algorithm)
        return _sign_rsa(key, data, algorithm)

    def verify(
        self,
        key: PublicKey,
        signature: bytes,
        data: bytes,
        algorithm: SignatureAlgorithm,
    ) -> None:
        """Verify an RSA PKCS#1 v1.5, RSA-PSS or ECDSA signature.

        The signature encoding (exact DER for ECDSA, the modulus length
        for RSA) is checked by purepki before this call. This method
        relies on OpenSSL to reject anything else.

        Raises:
            InvalidSignature: The signature does not verify.
            UnsupportedAlgorithm: The scheme does not fit the key, OpenSSL
                lacks the hash, or OpenSSL rejects the RSA key's size.
            KeyFormatError: OpenSSL rejects the key.
        """
        if isinstance(key, ECPublicKey):
            _verify_ecdsa(key, signature, data, algorithm)
        else:
            _verify_rsa(key, signature, data, algorithm)

    def cbc_encrypt(
        self, cipher: Cipher, key: bytes, iv: bytes, data: bytes
    ) -> bytes:
        """Encrypt whole blocks in CBC mode with OpenSSL.

        ``cryptography`` runs RC2 only with a 128-bit key and 128
        effective bits, so other RC2 variants (RC2-40 of legacy PKCS#12
        files) run on purepki's pure-Python RC2.

        Raises:
            UnsupportedAlgorithm: OpenSSL lacks the cipher.
        """
        if _needs_pure_rc2(cipher, key):
            from purepki.ciphers import cbc_encrypt_blocks

            return cbc_encrypt_blocks(cipher, key, iv, data)
        encryptor = self._native_cbc(cipher, key, iv).encryptor()
        return encryptor.update(data) + encryptor.finalize()

    def cbc_decrypt(
        self, cipher: Cipher, key: bytes, iv: bytes, data: bytes
    ) -> bytes:
        """Decrypt whole blocks in CBC mode with OpenSSL, leaving the
        padding for purepki to check. RC2 variants run as in
        :meth:`cbc_encrypt`.

        Raises:
            UnsupportedAlgorithm: OpenSSL lacks the cipher.
        """
        if _needs_pure_rc2(cipher, key):
            from purepki.ciphers import cbc_decrypt_blocks

            return cbc_decrypt_blocks(cipher, key, iv, data)
        decryptor = self._native_cbc(cipher, key, iv).decryptor()
        return decryptor.update(data) + decryptor.finalize()

    @staticmethod
    def _native_cbc(cipher: Cipher, key: bytes, iv: bytes) -> Any:
        family = cipher.family
        algorithm: Any
        if family is CipherFamily.AES:
            algorithm = algorithms.AES(key)
        elif family is CipherFamily.DES_EDE3:
            algorithm = _decrepit().TripleDES(key)
        elif family is CipherFamily.DES:
            # TDEA with K1 = K2 = K3 is single DES (SP 800-67 section 3.3).
            algorithm = _decrepit().TripleDES(key * 3)
        else:
            algorithm = _decrepit().RC2(key)
        try:
            return NativeCipher(algorithm, modes.CBC(iv))
        except native_errors.UnsupportedAlgorithm as error:
            raise UnsupportedAlgorithm(
                f"the cryptography backend's OpenSSL does not offer "
                f"{cipher.name} ({error}); use PUREPKI_BACKEND=pure",
                UnsupportedReason.OPERATION,
            ) from None


@functools.cache
def _decrepit() -> Any:
    """Return cryptography's module of the DES and RC2 classes.

    Imported on first use, once: the module exists since cryptography 43,
    so AES works with 42 too, and a function-level import on every call
    cost a few microseconds per encryption.
    """
    from cryptography.hazmat.decrepit.ciphers import algorithms as decrepit

    return decrepit


def _needs_pure_rc2(cipher: Cipher, key: bytes) -> bool:
    return cipher.family is CipherFamily.RC2 and (
        len(key) != 16 or cipher.effective_key_bits != 128
    )
