"""AES (FIPS 197) in CBC mode, table-driven.

The round function uses four 256-entry "T-tables" that merge SubBytes,
ShiftRows and MixColumns into one lookup per byte. FIPS 197 section 5.1
describes the steps, and the table form is the one of Daemen and
Rijmen's reference implementation. The tables are computed on first use
from the field arithmetic of FIPS 197 section 4, not copied.

NOTE: table lookups indexed by secret bytes are not constant time. This
module decrypts key files at rest; do not use it where an attacker can
time many operations under one key.
"""

from __future__ import annotations

import functools
import struct

BLOCK_SIZE = 16
KEY_SIZES = (16, 24, 32)


def _multiply(a: int, b: int) -> int:
    """Multiply in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 4.2)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        a <<= 1
        if a & 0x100:
            a ^= 0x11B
        b >>= 1
    return product


def _build_sbox() -> tuple[list[int], list[int]]:
    """Build the S-box of FIPS 197 section 5.1.1 and its inverse."""
    # Powers of the generator 3 list every nonzero field element, so the
    # inverse of 3^i is 3^(255 - i).
    powers = [1] * 255
    for i in range(1, 255):
        powers[i] = _multiply(powers[i - 1], 3)
    logarithm = [0] * 256
    for i, power in enumerate(powers):
        logarithm[power] = i
    sbox = [0] * 256
    inverse = [0] * 256
    for value in range(256):
        b = powers[(255 - logarithm[value]) % 255] if value else 0
        s = b
        for shift in range(1, 5):
            s ^= ((b << shift) | (b >> (8 - shift))) & 0xFF
        s ^= 0x63
        sbox[value] = s
        inverse[s] = value
    return sbox, inverse


def _rotate_right(word: int, bits: int) -> int:
    return ((word >> bits) | (word << (32 - bits))) & 0xFFFFFFFF


def _build_tables(
    sbox: list[int], inverse: list[int]
) -> tuple[list[list[int]], list[list[int]]]:
    encrypt0 = []
    decrypt0 = []
    for value in range(256):
        s = sbox[value]
        encrypt0.append(
            (_multiply(s, 2) << 24) | (s << 16) | (s << 8) | _multiply(s, 3)
        )
        t = inverse[value]
        decrypt0.append(
            (_multiply(t, 14) << 24)
            | (_multiply(t, 9) << 16)
            | (_multiply(t, 13) << 8)
            | _multiply(t, 11)
        )
    encrypt = [encrypt0] + [
        [_rotate_right(word, 8 * n) for word in encrypt0] for n in (1, 2, 3)
    ]
    decrypt = [decrypt0] + [
        [_rotate_right(word, 8 * n) for word in decrypt0] for n in (1, 2, 3)
    ]
    return encrypt, decrypt


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[list[int], list[int], list[list[int]], list[list[int]]]:
    """Build the S-boxes and T-tables on first use, not at import."""
    sbox, inverse = _build_sbox()
    encrypt, decrypt = _build_tables(sbox, inverse)
    return sbox, inverse, encrypt, decrypt


def _check_key(key: bytes) -> None:
    if len(key) not in KEY_SIZES:
        raise ValueError(f"AES key of {len(key)} bytes; expected 16, 24 or 32")


def expand_key(key: bytes) -> list[int]:
    """Expand a key into the round-key words (FIPS 197 section 5.2)."""
    _check_key(key)
    nk = len(key) // 4
    rounds = nk + 6
    words = list(struct.unpack(f">{nk}I", key))
    rcon = 1
    sbox = _tables()[0]
    for i in range(nk, 4 * (rounds + 1)):
        temp = words[i - 1]
        if i % nk == 0:
            temp = ((temp << 8) | (temp >> 24)) & 0xFFFFFFFF
            temp = _sub_word(temp, sbox) ^ (rcon << 24)
            rcon = _multiply(rcon, 2)
        elif nk > 6 and i % nk == 4:
            temp = _sub_word(temp, sbox)
        words.append(words[i - nk] ^ temp)
    return words


def _sub_word(word: int, sbox: list[int]) -> int:
    return (
        (sbox[word >> 24] << 24)
        | (sbox[(word >> 16) & 0xFF] << 16)
        | (sbox[(word >> 8) & 0xFF] << 8)
        | sbox[word & 0xFF]
    )


def _decryption_key(words: list[int]) -> list[int]:
    """Reorder round keys for the equivalent inverse cipher (FIPS 197
    section 5.3.5), applying InvMixColumns to the middle rounds."""
    rounds = len(words) // 4 - 1
    out: list[int] = []
    sbox, _, _, td = _tables()
    for r in range(rounds, -1, -1):
        block = words[4 * r : 4 * r + 4]
        if 0 < r < rounds:
            block = [
                td[0][sbox[w >> 24]]
                ^ td[1][sbox[(w >> 16) & 0xFF]]
                ^ td[2][sbox[(w >> 8) & 0xFF]]
                ^ td[3][sbox[w & 0xFF]]
                for w in block
            ]
        out.extend(block)
    return out


def cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Encrypt whole blocks in CBC mode (NIST SP 800-38A section 6.2).

    Raises:
        ValueError: The key, IV or data length is invalid.
    """
    _check_lengths(iv, data)
    rk = expand_key(key)
    rounds = len(rk) // 4 - 1
    sbox, _, te, _ = _tables()
    te0, te1, te2, te3 = te
    words = struct.unpack(f">{len(data) // 4}I", data)
    c0, c1, c2, c3 = struct.unpack(">4I", iv)
    out: list[int] = []
    for i in range(0, len(words), 4):
        s0 = words[i] ^ c0 ^ rk[0]
        s1 = words[i + 1] ^ c1 ^ rk[1]
        s2 = words[i + 2] ^ c2 ^ rk[2]
        s3 = words[i + 3] ^ c3 ^ rk[3]
        k = 4
        for _ in range(rounds - 1):
            t0 = (
                te0[s0 >> 24]
                ^ te1[(s1 >> 16) & 0xFF]
                ^ te2[(s2 >> 8) & 0xFF]
                ^ te3[s3 & 0xFF]
                ^ rk[k]
            )
            t1 = (
                te0[s1 >> 24]
                ^ te1[(s2 >> 16) & 0xFF]
                ^ te2[(s3 >> 8) & 0xFF]
                ^ te3[s0 & 0xFF]
                ^ rk[k + 1]
            )
            t2 = (
                te0[s2 >> 24]
                ^ te1[(s3 >> 16) & 0xFF]
                ^ te2[(s0 >> 8) & 0xFF]
                ^ te3[s1 & 0xFF]
                ^ rk[k + 2]
            )
            t3 = (
                te0[s3 >> 24]
                ^ te1[(s0 >> 16) & 0xFF]
                ^ te2[(s1 >> 8) & 0xFF]
                ^ te3[s2 & 0xFF]
                ^ rk[k + 3]
            )
            s0, s1, s2, s3 = t0, t1, t2, t3
            k += 4
        c0 = _last_round(sbox, s0, s1, s2, s3) ^ rk[k]
        c1 = _last_round(sbox, s1, s2, s3, s0) ^ rk[k + 1]
        c2 = _last_round(sbox, s2, s3, s0, s1) ^ rk[k + 2]
        c3 = _last_round(sbox, s3, s0, s1, s2) ^ rk[k + 3]
        out += (c0, c1, c2, c3)
    return struct.pack(f">{len(out)}I", *out)


def cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Decrypt whole blocks in CBC mode (NIST SP 800-38A section 6.2).

    Raises:
        ValueError: The key, IV or data length is invalid.
    """
    _check_lengths(iv, data)
    dk = _decryption_key(expand_key(key))
    rounds = len(dk) // 4 - 1
    _, inverse, _, td = _tables()
    td0, td1, td2, td3 = td
    words = struct.unpack(f">{len(data) // 4}I", data)
    p0, p1, p2, p3 = struct.unpack(">4I", iv)
    out: list[int] = []
    for i in range(0, len(words), 4):
        w0, w1, w2, w3 = words[i : i + 4]
        s0, s1, s2, s3 = w0 ^ dk[0], w1 ^ dk[1], w2 ^ dk[2], w3 ^ dk[3]
        k = 4
        for _ in range(rounds - 1):
            t0 = (
                td0[s0 >> 24]
                ^ td1[(s3 >> 16) & 0xFF]
                ^ td2[(s2 >> 8) & 0xFF]
                ^ td3[s1 & 0xFF]
                ^ dk[k]
            )
            t1 = (
                td0[s1 >> 24]
                ^ td1[(s0 >> 16) & 0xFF]
                ^ td2[(s3 >> 8) & 0xFF]
                ^ td3[s2 & 0xFF]
                ^ dk[k + 1]
            )
            t2 = (
                td0[s2 >> 24]
                ^ td1[(s1 >> 16) & 0xFF]
                ^ td2[(s0 >> 8) & 0xFF]
                ^ td3[s3 & 0xFF]
                ^ dk[k + 2]
            )
            t3 = (
                td0[s3 >> 24]
                ^ td1[(s2 >> 16) & 0xFF]
                ^ td2[(s1 >> 8) & 0xFF]
                ^ td3[s0 & 0xFF]
                ^ dk[k + 3]
            )
            s0, s1, s2, s3 = t0, t1, t2, t3
            k += 4
        out += (
            _last_round(inverse, s0, s3, s2, s1) ^ dk[k] ^ p0,
            _last_round(inverse, s1, s0, s3, s2) ^ dk[k + 1] ^ p1,
            _last_round(inverse, s2, s1, s0, s3) ^ dk[k + 2] ^ p2,
            _last_round(inverse, s3, s2, s1, s0) ^ dk[k + 3] ^ p3,
        )
        p0, p1, p2, p3 = w0, w1, w2, w3
    return struct.pack(f">{len(out)}I", *out)


def _last_round(box: list[int], a: int, b: int, c: int, d: int) -> int:
    return (
        (box[a >> 24] << 24)
        | (box[(b >> 16) & 0xFF] << 16)
        | (box[(c >> 8) & 0xFF] << 8)
        | box[d & 0xFF]
    )


def _check_lengths(iv: bytes, data: bytes) -> None:
    if len(iv) != BLOCK_SIZE:
        raise ValueError(f"AES-CBC IV of {len(iv)} bytes; expected 16")
    if len(data) % BLOCK_SIZE:
        raise ValueError(
            f"AES-CBC data of {len(data)} bytes is not a whole number of "
            "16-byte blocks"
        )
