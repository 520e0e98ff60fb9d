"""RSA prime generation: a sieve of small primes, then Miller-Rabin.

The procedure follows FIPS 186-5 appendix A.1.3 (random probable primes):
each prime p has its top two bits set so that p >= sqrt(2) * 2^(k-1) holds
for the product (the standard's bound, rounded up to the nearest value the
bits can express), gcd(p - 1, e) = 1, and |p - q| > 2^(nlen/2 - 100). A
window of odd candidates is sieved by the primes below
:data:`SIEVE_LIMIT` before any Miller-Rabin round runs, which removes
about 90% of the candidates at the cost of one division per small prime.
"""

from __future__ import annotations

import math
import secrets

#: Small primes up to this bound sieve candidates before Miller-Rabin.
SIEVE_LIMIT = 1 << 16

#: Odd candidates sieved per window.
_WINDOW = 4096

# Rounds of Miller-Rabin for primes p and q of each size, from FIPS 186-5
# table B.1 (M-R tests only): 5 rounds for 1024-bit factors (error
# probability 2^-112), 4 for 1536-bit (2^-128) and 2048-bit (2^-144).
_ROUNDS = {1024: 5, 1536: 4, 2048: 4}


def _small_primes(limit: int) -> list[int]:
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for number in range(2, int(limit**0.5) + 1):
        if sieve[number]:
            start = number * number
            sieve[start::number] = bytes(len(range(start, limit, number)))
    return [number for number in range(3, limit) if sieve[number]]


_SMALL_PRIMES = _small_primes(SIEVE_LIMIT)
# 2^-1 mod p for each small prime, to step over odd candidates only.
_HALVES = [(p + 1) // 2 for p in _SMALL_PRIMES]


def miller_rabin_rounds(bits: int) -> int:
    """Return the Miller-Rabin rounds for a prime of ``bits`` bits."""
    for size in sorted(_ROUNDS):
        if bits <= size:
            return _ROUNDS[size]
    return _ROUNDS[max(_ROUNDS)]


def is_probable_prime(candidate: int, rounds: int) -> bool:
    """Run ``rounds`` rounds of Miller-Rabin with random bases
    (FIPS 186-5 appendix B.3.1) on an odd ``candidate`` > 3."""
    d = candidate - 1
    shift = (d & -d).bit_length() - 1
    d >>= shift
    for _ in range(rounds):
        base = secrets.randbelow(candidate - 3) + 2
        x = pow(base, d, candidate)
        if x in (1, candidate - 1):
            continue
        for _ in range(shift - 1):
            x = x * x % candidate
            if x == candidate - 1:
                break
        else:
            return False
    return True


def _sieve_window(start: int) -> bytearray:
    """Mark the odd candidates start + 2k, 0 <= k < window, that a small
    prime divides."""
    marks = bytearray(_WINDOW)
    for prime, half in zip(_SMALL_PRIMES, _HALVES):
        # start + 2k = 0 (mod p)  <=>  k = -start * 2^-1 (mod p).
        first = (-start * half) % prime
        if first < _WINDOW:
            marks[first::prime] = b"\x01" * len(range(first, _WINDOW, prime))
    return marks


def generate_prime(bits: int, public_exponent: int) -> int:
    """Return a random probable prime p of ``bits`` bits with
    gcd(p - 1, e) = 1 and the top two bits set."""
    rounds = miller_rabin_rounds(bits)
    while True:
        start = secrets.randbits(bits) | (3 << (bits - 2)) | 1
        marks = _sieve_window(start)
        for step in range(_WINDOW):
            if marks[step]:
                continue
            candidate = start + 2 * step
            if candidate.bit_length() != bits:
                break
            if math.gcd(candidate - 1, public_exponent) != 1:
                continue
            if is_probable_prime(candidate, rounds):
                return candidate


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
