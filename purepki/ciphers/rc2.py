"""RC2 (RFC 2268) in CBC mode, with any effective key length.

PKCS#12 files from older Windows and OpenSSL versions encrypt their
certificates with RC2 and 40 effective key bits (RFC 7292 appendix C).

NOTE: the key expansion and the mashing rounds index tables with secret
values, so this code is not constant time; see :mod:`purepki.ciphers.aes`.
"""

from __future__ import annotations

import struct

BLOCK_SIZE = 8

#: RFC 2268 section 2: PITABLE, a permutation of 0 to 255 derived from the
#: digits of pi.
_PITABLE = bytes.fromhex(
    "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2"
    "179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82"
    "54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626"
    "6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7"
    "08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec"
    "c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731"
    "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9"
    "0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad"
)

#: Rotation amounts of the four words in a mixing round (RFC 2268 3.1).
_ROTATIONS = (1, 2, 3, 5)


def expand_key(key: bytes, effective_bits: int) -> list[int]:
    """Expand a key into the 64 words K[0..63] (RFC 2268 section 2).

    Raises:
        ValueError: The key is empty or longer than 128 bytes, or
            ``effective_bits`` is outside 1 to 1024.
    """
    if not 1 <= len(key) <= 128:
        raise ValueError(f"RC2 key of {len(key)} bytes; expected 1 to 128")
    if not 1 <= effective_bits <= 1024:
        raise ValueError(
            f"RC2 effective key bits {effective_bits}; expected 1 to 1024"
        )
    t = len(key)
    t8 = (effective_bits + 7) // 8
    tm = 0xFF >> (8 * t8 - effective_bits)
    expanded = bytearray(key) + bytearray(128 - t)
    for i in range(t, 128):
        expanded[i] = _PITABLE[(expanded[i - 1] + expanded[i - t]) & 0xFF]
    expanded[128 - t8] = _PITABLE[expanded[128 - t8] & tm]
    for i in range(127 - t8, -1, -1):
        expanded[i] = _PITABLE[expanded[i + 1] ^ expanded[i + t8]]
    return list(struct.unpack("<64H", bytes(expanded)))


def _encrypt_block(r: list[int], k: list[int]) -> None:
    j = 0
    for rounds in (5, 6, 5):
        for _ in range(rounds):
            for i in range(4):
                value = (
                    r[i]
                    + k[j]
                    + (r[i - 1] & r[i - 2])
                    + (~r[i - 1] & r[i - 3])
                ) & 0xFFFF
                s = _ROTATIONS[i]
                r[i] = ((value << s) | (value >> (16 - s))) & 0xFFFF
                j += 1
        if j < 64:
            for i in range(4):
                r[i] = (r[i] + k[r[i - 1] & 63]) & 0xFFFF


def _decrypt_block(r: list[int], k: list[int]) -> None:
    j = 63
    for rounds in (5, 6, 5):
        for _ in range(rounds):
            for i in (3, 2, 1, 0):
                s = _ROTATIONS[i]
                value = ((r[i] >> s) | (r[i] << (16 - s))) & 0xFFFF
                r[i] = (
                    value
                    - k[j]
                    - (r[i - 1] & r[i - 2])
                    - (~r[i - 1] & r[i - 3])
                ) & 0xFFFF
                j -= 1
        if j >= 0:
            for i in (3, 2, 1, 0):
                r[i] = (r[i] - k[r[i - 1] & 63]) & 0xFFFF


def _check_lengths(iv: bytes, data: bytes) -> None:
    if len(iv) != BLOCK_SIZE:
        raise ValueError(f"RC2-CBC IV of {len(iv)} bytes; expected 8")
    if len(data) % BLOCK_SIZE:
        raise ValueError(
            f"RC2-CBC data of {len(data)} bytes is not a whole number of "
            "8-byte blocks"
        )


def cbc_encrypt(
    key: bytes, effective_bits: int, iv: bytes, data: bytes
) -> bytes:
    """Encrypt whole blocks in CBC mode.

    Raises:
        ValueError: The key, IV, effective bits or data length is invalid.
    """
    _check_lengths(iv, data)
    k = expand_key(key, effective_bits)
    previous = list(struct.unpack("<4H", iv))
    out = bytearray()
    for offset in range(0, len(data), 8):
        words = struct.unpack_from("<4H", data, offset)
        r = [w ^ p for w, p in zip(words, previous)]
        _encrypt_block(r, k)
        out += struct.pack("<4H", *r)
        previous = r
    return bytes(out)


def cbc_decrypt(
    key: bytes, effective_bits: int, iv: bytes, data: bytes
) -> bytes:
    """Decrypt whole blocks in CBC mode.

    Raises:
        ValueError: The key, IV, effective bits or data length is invalid.
    """
    _check_lengths(iv, data)
    k = expand_key(key, effective_bits)
    previous = list(struct.unpack("<4H", iv))
    out = bytearray()
    for offset in range(0, len(data), 8):
        words = list(struct.unpack_from("<4H", data, offset))
        r = list(words)
        _decrypt_block(r, k)
        out += struct.pack("<4H", *(w ^ p for w, p in zip(r, previous)))
        previous = words
    return bytes(out)
