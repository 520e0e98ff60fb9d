"""RSA prime generation: a sieve of small primes, then Miller-Rabin.

The procedure follows FIPS 186-5 appendix A.1.3 (random probable primes):
each prime p has its top two bits set so that p >= sqrt(2) * 2^(k-1) holds
for the product (the standard's bound, rounded up to the nearest value the
bits can express), gcd(p - 1, e) = 1, and |p - q| > 2^(nlen/2 - 100). A
window of odd candidates that follows a random start is sieved by the
primes below :data:`SIEVE_LIMIT` before any Miller-Rabin round runs. By
Mertens' third theorem about 1.12 / ln(SIEVE_LIMIT) of the odd candidates
survive the sieve, which is 9.5% for the limit below. A survivor then
gets one Miller-Rabin round with base 2, which is cheaper than a round
with a random base, and only a candidate that passes it gets the full
count of rounds with random bases listed below.
"""

from __future__ import annotations

import functools
import itertools
import math
import secrets
from array import array

#: Small primes up to this bound sieve candidates before Miller-Rabin.
#: Sieving costs one interpreted loop step per small prime, and one
#: Miller-Rabin round on a 1024-bit candidate costs as much as several
#: thousand of those steps. Measured with CPython 3.11 for 1024-bit
#: primes, the expected time per prime is lowest from 2^17 to 2^18, and
#: 2^16 and 2^19 are within 5% of it. The smaller bound keeps the tables
#: at about 100 KB.
SIEVE_LIMIT = 1 << 17

#: Odd candidates sieved per window. A 1024-bit window of this size
#: contains no prime with probability about exp(-2 * _WINDOW / 710),
#: which is 0.3%, and then a new random start is drawn.
_WINDOW = 2048

# Rounds of Miller-Rabin for primes p and q of each size, from FIPS 186-5
# table B.1 (M-R tests only): 5 rounds for 1024-bit factors (error
# probability 2^-112), 4 for 1536-bit (2^-128) and 2048-bit (2^-144).
_ROUNDS = {1024: 5, 1536: 4, 2048: 4}


@functools.lru_cache(maxsize=1)
def _sieve_tables() -> tuple[array[int], array[int], array[int], array[int]]:
    """Return the odd primes below :data:`SIEVE_LIMIT` with 2^-1 mod each.

    The result is four arrays: the primes below ``_WINDOW`` and their
    halves, then the primes from ``_WINDOW`` up and their halves. The
    tables are built on first use, so importing purepki stays cheap.
    """
    sieve = bytearray([1]) * SIEVE_LIMIT
    sieve[0:3] = b"\x00\x00\x00"
    for number in range(3, math.isqrt(SIEVE_LIMIT) + 1, 2):
        if sieve[number]:
            start = number * number
            sieve[start::number] = bytes(
                len(range(start, SIEVE_LIMIT, number))
            )
    odd_numbers = range(1, SIEVE_LIMIT, 2)
    primes = list(itertools.compress(odd_numbers, sieve[1::2]))
    small = array("I", (p for p in primes if p < _WINDOW))
    large = array("I", (p for p in primes if p >= _WINDOW))
    small_halves = array("I", ((p + 1) // 2 for p in small))
    large_halves = array("I", ((p + 1) // 2 for p in large))
    return small, small_halves, large, large_halves


def small_primes() -> list[int]:
    """Return the odd primes below :data:`SIEVE_LIMIT`, in order."""
    small, _, large, _ = _sieve_tables()
    return [*small, *large]


def miller_rabin_rounds(bits: int) -> int:
    """Return the Miller-Rabin rounds for a prime of ``bits`` bits."""
    for size in sorted(_ROUNDS):
        if bits <= size:
            return _ROUNDS[size]
    return _ROUNDS[max(_ROUNDS)]


def is_probable_prime(candidate: int, rounds: int) -> bool:
    """Run ``rounds`` rounds of Miller-Rabin with random bases
    (FIPS 186-5 appendix B.3.1) on an odd ``candidate`` > 3."""
    d, shift = _split_even_part(candidate - 1)
    for _ in range(rounds):
        base = secrets.randbelow(candidate - 3) + 2
        if not _is_strong_probable_prime(candidate, base, d, shift):
            return False
    return True


def passes_base_2(candidate: int) -> bool:
    """Run one Miller-Rabin round with base 2 on an odd ``candidate`` > 3.

    Prime generation runs this before :func:`is_probable_prime` to reject
    composites sooner. With a base this small the precomputed powers in
    CPython's ``pow`` are small integers, so on 1024-bit candidates this
    round took 83% of the time of a random-base round (measured with
    CPython 3.11).
    """
    d, shift = _split_even_part(candidate - 1)
    return _is_strong_probable_prime(candidate, 2, d, shift)


def _split_even_part(number: int) -> tuple[int, int]:
    """Return (d, s) with number = d * 2^s and d odd."""
    shift = (number & -number).bit_length() - 1
    return number >> shift, shift


def _is_strong_probable_prime(
    candidate: int, base: int, d: int, shift: int
) -> bool:
    x = pow(base, d, candidate)
    if x in (1, candidate - 1):
        return True
    for _ in range(shift - 1):
        x = x * x % candidate
        if x == candidate - 1:
            return True
    return False


def _sieve_window(start: int) -> bytearray:
    """Mark the odd candidates start + 2k, 0 <= k < window, that a small
    prime divides."""
    small, small_halves, large, large_halves = _sieve_tables()
    marks = bytearray(_WINDOW)

    # start + 2k = 0 (mod p)  <=>  k = -start * 2^-1 (mod p).
    for prime, half in zip(small, small_halves):
        first = (prime - start % prime) * half % prime
        marks[first::prime] = b"\x01" * len(range(first, _WINDOW, prime))

    # A prime of at least the window size divides one candidate at most.
    for prime, half in zip(large, large_halves):
        first = (prime - start % prime) * half % prime
        if first < _WINDOW:
            marks[first] = 1
    return marks


def generate_prime(bits: int, public_exponent: int) -> int:
    """Return a random probable prime p of ``bits`` bits with
    gcd(p - 1, e) = 1 and the top two bits set."""
    rounds = miller_rabin_rounds(bits)
    while True:
        start = secrets.randbits(bits) | (3 << (bits - 2)) | 1
        marks = _sieve_window(start)
        step = marks.find(0)
        while step >= 0:
            candidate = start + 2 * step
            if candidate.bit_length() != bits:
                break
            if (
                math.gcd(candidate - 1, public_exponent) == 1
                and passes_base_2(candidate)
                and is_probable_prime(candidate, rounds)
            ):
                return candidate
            step = marks.find(0, step + 1)


def generate_rsa_primes(bits: int, public_exponent: int) -> tuple[int, int]:
    """Return primes p > q whose product has exactly ``bits`` bits and
    |p - q| > 2^(bits/2 - 100) (FIPS 186-5 appendix A.1.3 step 5.4)."""
    half = bits // 2
    while True:
        p = generate_prime(bits - half, public_exponent)
        q = generate_prime(half, public_exponent)
        if p == q or abs(p - q) <= 1 << (half - 100):
            continue
        if (p * q).bit_length() != bits:
            continue
        return max(p, q), min(p, q)
