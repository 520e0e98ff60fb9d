"""DES (FIPS 46-3) and TDEA / DES-EDE3 (NIST SP 800-67) in CBC mode.

The permutations and S-boxes are the tables of FIPS 46-3. For speed the
initial and final permutations are done with one 256-entry table per
input byte, and each S-box is merged with the permutation P into a table
of 64 words, so a round costs eight lookups. The tables are computed on
first use from the FIPS 46-3 tables below.

NOTE: table lookups indexed by secret bits are not constant time; see the
note in :mod:`purepki.ciphers.aes`.
"""

from __future__ import annotations

import functools
import struct

BLOCK_SIZE = 8

# FIPS 46-3: initial permutation IP, bit numbers from 1 (most significant).
_IP = (
    58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
    62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
    57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
    61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
)  # fmt: skip

# FIPS 46-3: the permutation P applied to the S-box outputs.
_P = (
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
    2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
)  # fmt: skip

# FIPS 46-3: permuted choice 1 and 2 of the key schedule.
_PC1 = (
    57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
    10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
    63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
    14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
)  # fmt: skip
_PC2 = (
    14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10,
    23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
    41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48,
    44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
)  # fmt: skip
_SHIFTS = (1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1)

# FIPS 46-3: S-boxes S1 to S8, each four rows of sixteen.
_SBOXES = (
    (
        14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
        0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
        4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
        15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
    ),
    (
        15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
        3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
        0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
        13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
    ),
    (
        10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
        13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
        13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
        1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
    ),
    (
        7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
        13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
        10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
        3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
    ),
    (
        2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
        14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
        4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
        11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
    ),
    (
        12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
        10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
        9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
        4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
    ),
    (
        4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
        13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
        1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
        6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
    ),
    (
        13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
        1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
        7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
        2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
    ),
)  # fmt: skip


def _permute(value: int, table: tuple[int, ...], width: int) -> int:
    """Apply a FIPS 46-3 bit table to a ``width``-bit value."""
    out = 0
    for position in table:
        out = (out << 1) | ((value >> (width - position)) & 1)
    return out


def _byte_tables(table: tuple[int, ...]) -> list[list[int]]:
    """Split a 64-bit permutation into one lookup table per input byte."""
    # The output of each single input bit; an entry ORs those of its bits.
    masks = [_permute(1 << (63 - bit), table, 64) for bit in range(64)]
    tables = []
    for byte_index in range(8):
        entries = [0] * 256
        for b in range(1, 256):
            low = b & -b
            bit = 8 * byte_index + 8 - low.bit_length()
            entries[b] = entries[b ^ low] | masks[bit]
        tables.append(entries)
    return tables


def _inverse(table: tuple[int, ...]) -> tuple[int, ...]:
    inverse = [0] * len(table)
    for index, position in enumerate(table):
        inverse[position - 1] = index + 1
    return tuple(inverse)


def _sp_tables() -> list[list[int]]:
    """Merge each S-box with P: entry v of table i is P(S_i(v) placed in
    the i-th nibble of the 32-bit S-box output)."""
    tables = []
    for index, box in enumerate(_SBOXES):
        entries = []
        for v in range(64):
            row = ((v >> 4) & 2) | (v & 1)
            column = (v >> 1) & 0xF
            nibble = box[16 * row + column] << (28 - 4 * index)
            entries.append(_permute(nibble, _P, 32))
        tables.append(entries)
    return tables


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
    """Build the IP, FP and SP tables on first use, not at import."""
    return _byte_tables(_IP), _byte_tables(_inverse(_IP)), _sp_tables()


def _apply(tables: list[list[int]], block: int) -> int:
    t0, t1, t2, t3, t4, t5, t6, t7 = tables
    return (
        t0[block >> 56]
        | t1[(block >> 48) & 0xFF]
        | t2[(block >> 40) & 0xFF]
        | t3[(block >> 32) & 0xFF]
        | t4[(block >> 24) & 0xFF]
        | t5[(block >> 16) & 0xFF]
        | t6[(block >> 8) & 0xFF]
        | t7[block & 0xFF]
    )


def key_schedule(key: bytes) -> list[tuple[int, ...]]:
    """Return the 16 round keys, each as eight 6-bit S-box inputs.

    Parity bits are ignored, as FIPS 46-3 allows.

    Raises:
        ValueError: The key is not 8 bytes.
    """
    if len(key) != 8:
        raise ValueError(f"DES key of {len(key)} bytes; expected 8")
    permuted = _permute(int.from_bytes(key, "big"), _PC1, 64)
    c, d = permuted >> 28, permuted & 0xFFFFFFF
    rounds = []
    for shift in _SHIFTS:
        c = ((c << shift) | (c >> (28 - shift))) & 0xFFFFFFF
        d = ((d << shift) | (d >> (28 - shift))) & 0xFFFFFFF
        subkey = _permute((c << 28) | d, _PC2, 56)
        rounds.append(tuple((subkey >> (42 - 6 * i)) & 0x3F for i in range(8)))
    return rounds


def _feistel(block: int, schedule: list[tuple[int, ...]]) -> int:
    """Run the 16 rounds on an IP-permuted block; return R16 L16."""
    sp0, sp1, sp2, sp3, sp4, sp5, sp6, sp7 = _tables()[2]
    left, right = block >> 32, block & 0xFFFFFFFF
    for k0, k1, k2, k3, k4, k5, k6, k7 in schedule:
        # The expansion E as 34 bits: R32, R1 ... R32, R1.
        x = ((right & 1) << 33) | (right << 1) | (right >> 31)
        f = (
            sp0[((x >> 28) & 0x3F) ^ k0]
            | sp1[((x >> 24) & 0x3F) ^ k1]
            | sp2[((x >> 20) & 0x3F) ^ k2]
            | sp3[((x >> 16) & 0x3F) ^ k3]
            | sp4[((x >> 12) & 0x3F) ^ k4]
            | sp5[((x >> 8) & 0x3F) ^ k5]
            | sp6[((x >> 4) & 0x3F) ^ k6]
            | sp7[(x & 0x3F) ^ k7]
        )
        left, right = right, left ^ f
    return (right << 32) | left


def _crypt_block(block: int, schedules: list[list[tuple[int, ...]]]) -> int:
    # Between two DES operations the final permutation of one and the
    # initial permutation of the next cancel out, so TDEA applies IP and
    # FP once.
    initial, final, _ = _tables()
    block = _apply(initial, block)
    for schedule in schedules:
        block = _feistel(block, schedule)
    return _apply(final, block)


def _schedules(key: bytes, decrypt: bool) -> list[list[tuple[int, ...]]]:
    if len(key) == 8:
        parts = [key_schedule(key)]
    elif len(key) == 24:
        # SP 800-67 section 3: encrypt with K1, decrypt with K2, encrypt
        # with K3; decryption runs the steps backwards.
        k1, k2, k3 = (key_schedule(key[i : i + 8]) for i in (0, 8, 16))
        parts = [k1, k2[::-1], k3]
    else:
        raise ValueError(
            f"DES key of {len(key)} bytes; expected 8 (DES) or 24 (TDEA)"
        )
    if decrypt:
        parts = [schedule[::-1] for schedule in reversed(parts)]
    return parts


def _check_lengths(iv: bytes, data: bytes) -> None:
    if len(iv) != BLOCK_SIZE:
        raise ValueError(f"DES-CBC IV of {len(iv)} bytes; expected 8")
    if len(data) % BLOCK_SIZE:
        raise ValueError(
            f"DES-CBC data of {len(data)} bytes is not a whole number of "
            "8-byte blocks"
        )


def cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Encrypt whole blocks with DES (8-byte key) or TDEA (24-byte key).

    Raises:
        ValueError: The key, IV or data length is invalid.
    """
    _check_lengths(iv, data)
    schedules = _schedules(key, decrypt=False)
    blocks = struct.unpack(f">{len(data) // 8}Q", data)
    previous = int.from_bytes(iv, "big")
    out: list[int] = []
    for block in blocks:
        previous = _crypt_block(block ^ previous, schedules)
        out.append(previous)
    return struct.pack(f">{len(out)}Q", *out)


def cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Decrypt whole blocks with DES (8-byte key) or TDEA (24-byte key).

    Raises:
        ValueError: The key, IV or data length is invalid.
    """
    _check_lengths(iv, data)
    schedules = _schedules(key, decrypt=True)
    blocks = struct.unpack(f">{len(data) // 8}Q", data)
    previous = int.from_bytes(iv, "big")
    out: list[int] = []
    for block in blocks:
        out.append(_crypt_block(block, schedules) ^ previous)
        previous = block
    return struct.pack(f">{len(out)}Q", *out)
