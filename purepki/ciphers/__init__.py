"""Block ciphers in CBC mode for password-protected keys and PKCS#12.

:class:`Cipher` names a cipher with its key and block sizes. The
functions :func:`encrypt` and :func:`decrypt` add and check PKCS#7
padding (RFC 5652 section 6.3) here, the same for every backend, and ask
the active backend to run the cipher on whole blocks. The pure backend
uses :func:`cbc_encrypt_blocks` and :func:`cbc_decrypt_blocks`, which run
the pure-Python ciphers of this package.
"""

from __future__ import annotations

import enum
import hmac
from typing import Optional

from purepki._record import dataclass
from purepki.backend import BackendLike, get_backend
from purepki.ciphers import aes, des, rc2
from purepki.errors import PurePKIError


class CipherFamily(enum.Enum):
    """Block cipher algorithms."""

    AES = "AES"
    DES = "DES"
    DES_EDE3 = "DES-EDE3"
    RC2 = "RC2"


@dataclass(frozen=True)
class Cipher:
    """A block cipher in CBC mode with a fixed key size.

    Attributes:
        name: The OpenSSL name (``AES-256-CBC``, ``DES-EDE3-CBC``,
            ``RC2-40-CBC``).
        family: The algorithm.
        key_size: Key length in bytes.
        block_size: Block and IV length in bytes.
        effective_key_bits: For RC2, the effective key length of RFC 2268
            section 2; ``None`` for the others.
    """

    name: str
    family: CipherFamily
    key_size: int
    block_size: int
    effective_key_bits: Optional[int] = None

    def __str__(self) -> str:
        return self.name


AES_128_CBC = Cipher("AES-128-CBC", CipherFamily.AES, 16, 16)
AES_192_CBC = Cipher("AES-192-CBC", CipherFamily.AES, 24, 16)
AES_256_CBC = Cipher("AES-256-CBC", CipherFamily.AES, 32, 16)
DES_CBC = Cipher("DES-CBC", CipherFamily.DES, 8, 8)
DES_EDE3_CBC = Cipher("DES-EDE3-CBC", CipherFamily.DES_EDE3, 24, 8)
RC2_40_CBC = Cipher("RC2-40-CBC", CipherFamily.RC2, 5, 8, 40)
RC2_64_CBC = Cipher("RC2-64-CBC", CipherFamily.RC2, 8, 8, 64)
RC2_128_CBC = Cipher("RC2-CBC", CipherFamily.RC2, 16, 8, 128)

#: Ciphers by OpenSSL name, as ``DEK-Info`` headers give them.
BY_NAME = {
    cipher.name: cipher
    for cipher in (
        AES_128_CBC,
        AES_192_CBC,
        AES_256_CBC,
        DES_CBC,
        DES_EDE3_CBC,
        RC2_40_CBC,
        RC2_64_CBC,
        RC2_128_CBC,
    )
}


def rc2_cbc(key_size: int, effective_key_bits: int) -> Cipher:
    """Return RC2-CBC with a given key length and effective key length.

    Raises:
        ValueError: A length is out of the range of RFC 2268.
    """
    if not 1 <= key_size <= 128 or not 1 <= effective_key_bits <= 1024:
        raise ValueError(
            f"RC2 key of {key_size} bytes with {effective_key_bits} "
            "effective bits; expected 1 to 128 bytes and 1 to 1024 bits"
        )
    for cipher in BY_NAME.values():
        if (
            cipher.family is CipherFamily.RC2
            and cipher.key_size == key_size
            and cipher.effective_key_bits == effective_key_bits
        ):
            return cipher
    name = f"RC2-CBC ({key_size * 8}-bit key, {effective_key_bits} effective)"
    return Cipher(name, CipherFamily.RC2, key_size, 8, effective_key_bits)


class PaddingError(PurePKIError, ValueError):
    """Decrypted data whose PKCS#7 padding is invalid.

    With CBC this almost always means that the key, and so the password,
    was wrong. The message does not contain the bytes found.
    """


def pad(data: bytes, block_size: int) -> bytes:
    """Append PKCS#7 padding (RFC 5652 section 6.3): 1 to ``block_size``
    bytes, each holding the padding length."""
    count = block_size - len(data) % block_size
    return data + bytes([count]) * count


def unpad(data: bytes, block_size: int) -> bytes:
    """Remove PKCS#7 padding, checking every padding byte.

    Raises:
        PaddingError: The data is empty, not whole blocks, or the padding
            is not 1 to ``block_size`` copies of its length.
    """
    if not data or len(data) % block_size:
        raise PaddingError("invalid padding")
    count = data[-1]
    valid = 1 <= count <= block_size
    expected = bytes([count]) * count if valid else b"\x00"
    tail = data[-count:] if valid else data[-1:]
    if not valid or not hmac.compare_digest(tail, expected):
        raise PaddingError("invalid padding")
    return data[:-count]


def _check(cipher: Cipher, key: bytes, iv: bytes) -> None:
    if len(key) != cipher.key_size:
        raise ValueError(
            f"{cipher.name} key of {len(key)} bytes; expected "
            f"{cipher.key_size}"
        )
    if len(iv) != cipher.block_size:
        raise ValueError(
            f"{cipher.name} IV of {len(iv)} bytes; expected "
            f"{cipher.block_size}"
        )


def encrypt(
    cipher: Cipher,
    key: bytes,
    iv: bytes,
    plaintext: bytes,
    *,
    backend: BackendLike = None,
) -> bytes:
    """Pad ``plaintext`` with PKCS#7 and encrypt it in CBC mode.

    Raises:
        ValueError: The key or IV length does not fit the cipher.
    """
    _check(cipher, key, iv)
    padded = pad(plaintext, cipher.block_size)
    return get_backend(backend).cbc_encrypt(cipher, key, iv, padded)


def decrypt(
    cipher: Cipher,
    key: bytes,
    iv: bytes,
    ciphertext: bytes,
    *,
    backend: BackendLike = None,
) -> bytes:
    """Decrypt CBC ``ciphertext`` and remove its PKCS#7 padding.

    Raises:
        ValueError: The key or IV length does not fit the cipher, or the
            ciphertext is not a whole number of blocks.
        PaddingError: The padding is invalid (usually a wrong key).
    """
    _check(cipher, key, iv)
    if not ciphertext or len(ciphertext) % cipher.block_size:
        raise ValueError(
            f"{cipher.name} ciphertext of {len(ciphertext)} bytes is not "
            f"a whole number of {cipher.block_size}-byte blocks"
        )
    padded = get_backend(backend).cbc_decrypt(cipher, key, iv, ciphertext)
    return unpad(padded, cipher.block_size)


def cbc_encrypt_blocks(
    cipher: Cipher, key: bytes, iv: bytes, data: bytes
) -> bytes:
    """Encrypt whole blocks with the pure-Python ciphers (no padding).

    Raises:
        ValueError: A length does not fit the cipher.
    """
    if cipher.family is CipherFamily.AES:
        return aes.cbc_encrypt(key, iv, data)
    if cipher.family is CipherFamily.RC2:
        bits = cipher.effective_key_bits or 8 * len(key)
        return rc2.cbc_encrypt(key, bits, iv, data)
    return des.cbc_encrypt(key, iv, data)


def cbc_decrypt_blocks(
    cipher: Cipher, key: bytes, iv: bytes, data: bytes
) -> bytes:
    """Decrypt whole blocks with the pure-Python ciphers (no padding).

    Raises:
        ValueError: A length does not fit the cipher.
    """
    if cipher.family is CipherFamily.AES:
        return aes.cbc_decrypt(key, iv, data)
    if cipher.family is CipherFamily.RC2:
        bits = cipher.effective_key_bits or 8 * len(key)
        return rc2.cbc_decrypt(key, bits, iv, data)
    return des.cbc_decrypt(key, iv, data)


__all__ = [
    "AES_128_CBC",
    "AES_192_CBC",
    "AES_256_CBC",
    "BY_NAME",
    "DES_CBC",
    "DES_EDE3_CBC",
    "RC2_40_CBC",
    "RC2_64_CBC",
    "RC2_128_CBC",
    "Cipher",
    "CipherFamily",
    "PaddingError",
    "decrypt",
    "encrypt",
    "pad",
    "rc2_cbc",
    "unpad",
]
