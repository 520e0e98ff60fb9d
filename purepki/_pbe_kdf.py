"""Password-based key derivation functions: PBKDF2 and scrypt through
:mod:`hashlib`, PBKDF1, the PKCS#12 key derivation and OpenSSL's
``EVP_BytesToKey``, with the password encodings they take.

Import the public names from :mod:`purepki.pbe`.
"""

from __future__ import annotations

import hashlib
from typing import Optional, Union

from purepki.algorithms import HashAlgorithm

Password = Union[str, bytes]

#: Most memory an scrypt parameter set read from a file may take, in
#: bytes (128 * r * N). OpenSSL's default limit is 32 MiB too
#: (SCRYPT_MAX_MEM in crypto/evp/pbe_scrypt.c).
MAX_SCRYPT_MEMORY = 32 * 1024 * 1024


# --- Key derivation --------------------------------------------------------


def pbkdf2(
    hash: HashAlgorithm,
    password: bytes,
    salt: bytes,
    iterations: int,
    length: int,
) -> bytes:
    """Derive a key with PBKDF2 and HMAC-``hash`` (RFC 8018 section 5.2)."""
    return hashlib.pbkdf2_hmac(
        hash.hashlib_name, password, salt, iterations, length
    )


def scrypt(
    password: bytes, salt: bytes, n: int, r: int, p: int, length: int
) -> bytes:
    """Derive a key with scrypt (RFC 7914 section 6).

    Raises:
        ValueError: The parameters are invalid or need more than
            :data:`MAX_SCRYPT_MEMORY`.
    """
    memory = 128 * r * n
    if memory > MAX_SCRYPT_MEMORY:
        raise ValueError(
            f"scrypt N={n}, r={r} needs {memory} bytes, more than the "
            f"limit of {MAX_SCRYPT_MEMORY}"
        )
    # hashlib counts the p blocks and some overhead against maxmem too.
    limit = 2 * memory + 128 * r * p + (1 << 20)
    return hashlib.scrypt(
        password, salt=salt, n=n, r=r, p=p, maxmem=limit, dklen=length
    )


#: Hash block sizes v of RFC 7292 appendix B.2, in bytes.
_BLOCK_SIZES = {
    HashAlgorithm.MD5: 64,
    HashAlgorithm.SHA1: 64,
    HashAlgorithm.SHA224: 64,
    HashAlgorithm.SHA256: 64,
    HashAlgorithm.SHA384: 128,
    HashAlgorithm.SHA512: 128,
}

#: Purpose bytes (ID) of RFC 7292 appendix B.3.
PKCS12_KEY = 1
PKCS12_IV = 2
PKCS12_MAC = 3


def pkcs12_kdf(
    hash: HashAlgorithm,
    password: bytes,
    salt: bytes,
    purpose: int,
    iterations: int,
    length: int,
) -> bytes:
    """Derive bytes with the PKCS#12 key derivation (RFC 7292 B.2).

    Args:
        hash: The hash H.
        password: The password already in BMPString form (see
            :func:`bmp_password`), or empty for the absent password.
        salt: The salt S.
        purpose: ID: :data:`PKCS12_KEY`, :data:`PKCS12_IV` or
            :data:`PKCS12_MAC`.
        iterations: The iteration count r.
        length: The number of bytes n to derive.
    """
    u = hash.digest_size
    v = _BLOCK_SIZES[hash]
    d = bytes([purpose]) * v
    i = bytearray(_stretch(salt, v) + _stretch(password, v))
    new = hashlib.new
    name = hash.hashlib_name
    output = bytearray()
    while True:
        a = new(name, d + bytes(i)).digest()
        for _ in range(iterations - 1):
            a = new(name, a).digest()
        output += a
        if len(output) >= length:
            return bytes(output[:length])
        b = int.from_bytes((a * (v // u + 1))[:v], "big") + 1
        modulus = 1 << (8 * v)
        for start in range(0, len(i), v):
            block = int.from_bytes(i[start : start + v], "big")
            i[start : start + v] = ((block + b) % modulus).to_bytes(v, "big")


def _stretch(data: bytes, v: int) -> bytes:
    """Repeat ``data`` to a multiple of ``v`` bytes (RFC 7292 B.2 step 2
    and 3); empty input stays empty."""
    if not data:
        return b""
    size = v * ((len(data) + v - 1) // v)
    return (data * (size // len(data) + 1))[:size]


def evp_bytes_to_key(password: bytes, salt: bytes, key_length: int) -> bytes:
    """Derive a key as OpenSSL's ``EVP_BytesToKey`` with MD5 and one
    iteration does for legacy PEM encryption.

    D_1 = MD5(password || salt), D_i = MD5(D_(i-1) || password || salt),
    and the key is the first ``key_length`` bytes of D_1 D_2 ... (the
    EVP_BytesToKey(3) manual of OpenSSL).
    """
    output = b""
    block = b""
    while len(output) < key_length:
        block = hashlib.md5(block + password + salt).digest()
        output += block
    return output[:key_length]


def utf8_password(password: Optional[Password]) -> bytes:
    """Return the password bytes used by PBES1, PBES2 and legacy PEM."""
    if password is None:
        return b""
    if isinstance(password, str):
        return password.encode("utf-8")
    return bytes(password)


def bmp_password(password: Optional[Password]) -> bytes:
    """Encode a password for the PKCS#12 key derivation (RFC 7292 B.1):
    UTF-16BE with a two-byte zero terminator; ``None`` gives no bytes."""
    if password is None:
        return b""
    if isinstance(password, bytes):
        password = password.decode("utf-8", errors="replace")
    return password.encode("utf-16-be") + b"\x00\x00"


def _pbkdf1(
    hash: HashAlgorithm, password: bytes, salt: bytes, iterations: int
) -> bytes:
    """PBKDF1 (RFC 8018 section 5.1) with a 16-byte output."""
    block = hash.digest(password + salt)
    for _ in range(iterations - 1):
        block = hash.digest(block)
    return block[:16]
