"""Checks and encodings around signatures that every backend shares.

Key objects call these before handing a signature to a backend, so the
rules below hold whichever backend does the arithmetic:

- An ECDSA signature is accepted only as exact DER ``Ecdsa-Sig-Value``
  (RFC 3279 section 2.2.3) with 0 < r, s < n: minimal lengths, minimal
  non-negative INTEGERs and no trailing byte, so no BER variant slips
  through.
- An RSA signature must be exactly as long as the modulus (RFC 8017
  section 8.2.2 step 1).
- Nothing is signed with MD5 or SHA-1; MD5 signatures are not verified.
- An id-RSASSA-PSS key is used only with PSS and within its parameters
  (RFC 4055 section 3.1).
"""

from __future__ import annotations

import functools
from typing import Union

from purepki._key_types import (
    ECPrivateKey,
    ECPublicKey,
    PSSRestrictions,
    RSAPrivateKey,
    RSAPublicKey,
)
from purepki.algorithms import (
    ECDSA_SHA256,
    ECDSA_SHA384,
    ECDSA_SHA512,
    RSA_PKCS1_SHA256,
    RSA_PSS_SHA256,
    WEAK_HASHES,
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.errors import (
    InvalidSignature,
    UnsupportedAlgorithm,
    UnsupportedReason,
)

Key = Union[RSAPrivateKey, RSAPublicKey, ECPrivateKey, ECPublicKey]

#: The default algorithm of each curve: ECDSA with the hash that matches
#: the curve (RFC 5480 section 4). SignatureAlgorithm is frozen, so one
#: instance serves every call.
_CURVE_ALGORITHMS = {
    "P-256": ECDSA_SHA256,
    "P-384": ECDSA_SHA384,
    "P-521": ECDSA_SHA512,
}


def default_algorithm(key: Key) -> SignatureAlgorithm:
    """Return the algorithm a key signs with when none is given: SHA-256
    for RSA (PKCS#1 v1.5, or PSS for a PSS-only key), and the hash that
    matches the curve for ECDSA (RFC 5480 section 4)."""
    if isinstance(key, (ECPrivateKey, ECPublicKey)):
        return _CURVE_ALGORITHMS[key.curve.name]
    # A private key carries the same pss_only and pss as its public key.
    if not key.pss_only:
        return RSA_PKCS1_SHA256
    if key.pss is None:
        return RSA_PSS_SHA256
    return _pss_default(key.pss)


@functools.lru_cache(maxsize=32)
def _pss_default(pss: PSSRestrictions) -> SignatureAlgorithm:
    return SignatureAlgorithm(
        SignatureScheme.RSA_PSS,
        pss.hash,
        salt_length=pss.salt_length,
        mgf_hash=pss.mgf_hash,
    )


def _check_scheme(key: Key, algorithm: SignatureAlgorithm) -> None:
    is_ec = isinstance(key, (ECPrivateKey, ECPublicKey))
    wants_ec = algorithm.scheme is SignatureScheme.ECDSA
    if is_ec != wants_ec:
        kind = "EC" if is_ec else "RSA"
        raise UnsupportedAlgorithm(
            f"{algorithm.scheme.value} cannot be used with an {kind} key",
            UnsupportedReason.SIGNATURE_ALGORITHM,
        )


def check_sign(key: Key, algorithm: SignatureAlgorithm) -> None:
    """Check that ``key`` may sign with ``algorithm``.

    Raises:
        UnsupportedAlgorithm: Wrong scheme for the key, a weak hash, or a
            curve that purepki only verifies on.
    """
    _check_scheme(key, algorithm)
    if algorithm.hash in WEAK_HASHES:
        raise UnsupportedAlgorithm(
            f"purepki does not sign with {algorithm.hash.display}; use "
            "SHA-256 or stronger",
            UnsupportedReason.HASH,
        )
    if isinstance(key, ECPrivateKey):
        if not key.curve.can_sign:
            raise UnsupportedAlgorithm(
                f"purepki verifies but does not sign on {key.curve.name}",
                UnsupportedReason.CURVE,
            )
    elif isinstance(key, RSAPrivateKey):
        _check_rsa_sign(key, algorithm)


def _check_rsa_sign(key: RSAPrivateKey, algorithm: SignatureAlgorithm) -> None:
    if key.key_size < 2048:
        raise UnsupportedAlgorithm(
            f"purepki does not sign with {key.key_size}-bit RSA keys; "
            "use 2048 bits or more",
            UnsupportedReason.KEY_SIZE,
        )
    if key.pss_only:
        _check_pss_sign(key.public_key(), algorithm)


def _check_pss_sign(key: RSAPublicKey, algorithm: SignatureAlgorithm) -> None:
    if not _pss_allowed(key, algorithm):
        raise UnsupportedAlgorithm(
            f"this RSA-PSS key cannot sign with {algorithm}; "
            f"{_pss_limits(key)} (RFC 4055 section 3.1)",
            UnsupportedReason.SIGNATURE_ALGORITHM,
        )


def _pss_limits(key: RSAPublicKey) -> str:
    if key.pss is None:
        return "it signs only with RSASSA-PSS"
    return (
        f"it signs only with RSASSA-PSS with {key.pss.hash.display}, MGF1 "
        f"{key.pss.mgf_hash.display} and a salt of at least "
        f"{key.pss.salt_length} octets"
    )


def _check_verify_hash(algorithm: SignatureAlgorithm) -> None:
    if algorithm.hash is HashAlgorithm.MD5:
        raise UnsupportedAlgorithm(
            "MD5 signatures are not verified (RFC 6151 section 2)",
            UnsupportedReason.HASH,
        )


def check_rsa_verify(
    key: RSAPublicKey, signature: bytes, algorithm: SignatureAlgorithm
) -> None:
    """Check what can be checked of an RSA signature before arithmetic.

    Raises:
        InvalidSignature: The signature has the wrong length, or a PSS key
            is used outside its parameters.
        UnsupportedAlgorithm: Wrong scheme for the key, or MD5.
    """
    _check_scheme(key, algorithm)
    _check_verify_hash(algorithm)
    if len(signature) != (key.n.bit_length() + 7) // 8:
        raise InvalidSignature(InvalidSignature.ENCODING)
    if key.pss_only and not _pss_allowed(key, algorithm):
        raise InvalidSignature()


def _pss_allowed(key: RSAPublicKey, algorithm: SignatureAlgorithm) -> bool:
    if algorithm.scheme is not SignatureScheme.RSA_PSS:
        return False
    if key.pss is None:
        return True
    return (
        algorithm.hash is key.pss.hash
        and algorithm.pss_mgf_hash is key.pss.mgf_hash
        and algorithm.pss_salt_length >= key.pss.salt_length
    )


def check_ecdsa_verify(
    key: ECPublicKey, signature: bytes, algorithm: SignatureAlgorithm
) -> None:
    """Check the scheme, the hash and the exact DER of an ECDSA signature.

    Raises:
        InvalidSignature: The signature is not exact DER or r or s is out
            of range.
        UnsupportedAlgorithm: Wrong scheme for the key, or MD5.
    """
    _check_scheme(key, algorithm)
    _check_verify_hash(algorithm)
    decode_ecdsa_signature(signature, key.curve.n)


def _read_der_integer(data: bytes, position: int) -> tuple[int, int]:
    """Read one non-negative INTEGER in minimal DER at ``position``.

    Returns:
        The value and the position after it.

    Raises:
        InvalidSignature: Not an INTEGER, a long-form length, a value past
            the end of ``data``, or contents that are not the minimal
            two's complement of a non-negative value.
        IndexError: ``data`` ends inside the tag or length.
    """
    if data[position] != 0x02:
        raise InvalidSignature(InvalidSignature.ENCODING)
    length = data[position + 1]
    start = position + 2
    end = start + length
    # Neither r nor s of a curve up to P-521 needs a long-form length.
    if length >= 0x80 or end > len(data):
        raise InvalidSignature(InvalidSignature.ENCODING)
    value = int.from_bytes(data[start:end], "big")
    # The minimal two's complement of a value >= 0 has exactly this many
    # octets (X.690 sections 8.3.2 and 8.3.3), as _der_integer writes it.
    # More octets mean a redundant leading 00, fewer a high bit set (a
    # negative value), and none an empty INTEGER.
    if length != value.bit_length() // 8 + 1:
        raise InvalidSignature(InvalidSignature.ENCODING)
    return value, end


def _sequence_body_start(signature: bytes) -> int:
    """Return where the body of the outer SEQUENCE starts, after checking
    that its tag and its minimal length cover exactly ``signature``.

    Raises:
        InvalidSignature: Another tag, a length that is not minimal or
            not one or two octets, or a length other than the rest of
            ``signature``.
        IndexError: ``signature`` ends inside the tag or length.
    """
    if signature[0] != 0x30:
        raise InvalidSignature(InvalidSignature.ENCODING)
    length = signature[1]
    start = 2
    if length >= 0x80:
        # The long form is minimal only with one octet of 0x80 or more:
        # the body of an Ecdsa-Sig-Value is below 256 octets.
        if length != 0x81 or signature[2] < 0x80:
            raise InvalidSignature(InvalidSignature.ENCODING)
        length = signature[2]
        start = 3
    if start + length != len(signature):
        raise InvalidSignature(InvalidSignature.ENCODING)
    return start


def decode_ecdsa_signature(signature: bytes, order: int) -> tuple[int, int]:
    """Decode a DER ``Ecdsa-Sig-Value`` strictly.

    The parse accepts exactly the encodings that
    :func:`encode_ecdsa_signature` writes for some r and s in range:
    minimal lengths and minimal non-negative INTEGERs, with nothing
    before, between or after them.

    Args:
        signature: The encoded signature.
        order: The curve order n.

    Returns:
        (r, s), each in 1 to n-1.

    Raises:
        InvalidSignature: The encoding is not exact DER, or r or s is out
            of range.
    """
    try:
        position = _sequence_body_start(signature)
        r, position = _read_der_integer(signature, position)
        s, position = _read_der_integer(signature, position)
    except IndexError:
        raise InvalidSignature(InvalidSignature.ENCODING) from None
    if position != len(signature):
        raise InvalidSignature(InvalidSignature.ENCODING)
    if not (0 < r < order and 0 < s < order):
        raise InvalidSignature(InvalidSignature.ENCODING)
    return r, s


def _der_integer(value: int) -> bytes:
    content = value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True)
    return b"\x02" + bytes([len(content)]) + content


def encode_ecdsa_signature(r: int, s: int) -> bytes:
    """Encode (r, s) as a DER ``Ecdsa-Sig-Value``.

    Raises:
        ValueError: r or s is negative or too large for any supported
            curve.
    """
    if r < 0 or s < 0 or max(r, s).bit_length() > 528:
        raise ValueError("ECDSA r and s must be non-negative and fit P-521")
    body = _der_integer(r) + _der_integer(s)
    if len(body) < 0x80:
        return b"\x30" + bytes([len(body)]) + body
    return b"\x30\x81" + bytes([len(body)]) + body
