"""Block ciphers against published known-answer tests, PKCS#7 padding,
and CBC round trips through each backend."""

from __future__ import annotations

import os

import pytest

from purepki import ciphers
from purepki.backend import Backend
from purepki.ciphers import Cipher, PaddingError

ZERO_IV_8 = bytes(8)
ZERO_IV_16 = bytes(16)


def _one_block(backend: Backend, cipher: Cipher, key: str, block: str) -> str:
    """Encrypt one block: CBC with a zero IV equals the bare cipher."""
    iv = bytes(cipher.block_size)
    data = bytes.fromhex(block)
    return backend.cbc_encrypt(cipher, bytes.fromhex(key), iv, data).hex()


def _one_block_back(
    backend: Backend, cipher: Cipher, key: str, block: str
) -> str:
    iv = bytes(cipher.block_size)
    data = bytes.fromhex(block)
    return backend.cbc_decrypt(cipher, bytes.fromhex(key), iv, data).hex()


# --- AES: FIPS 197 appendix C.1 to C.3 ---------------------------------------

FIPS197_PLAINTEXT = "00112233445566778899aabbccddeeff"
FIPS197 = [
    pytest.param(
        ciphers.AES_128_CBC,
        "000102030405060708090a0b0c0d0e0f",
        "69c4e0d86a7b0430d8cdb78070b4c55a",
        id="C.1-AES-128",
    ),
    pytest.param(
        ciphers.AES_192_CBC,
        "000102030405060708090a0b0c0d0e0f1011121314151617",
        "dda97ca4864cdfe06eaf70a0ec0d7191",
        id="C.2-AES-192",
    ),
    pytest.param(
        ciphers.AES_256_CBC,
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "8ea2b7ca516745bfeafc49904b496089",
        id="C.3-AES-256",
    ),
]


@pytest.mark.parametrize(("cipher", "key", "expected"), FIPS197)
def test_aes_fips197_encrypt(
    backend: Backend, cipher: Cipher, key: str, expected: str
) -> None:
    assert _one_block(backend, cipher, key, FIPS197_PLAINTEXT) == expected


@pytest.mark.parametrize(("cipher", "key", "expected"), FIPS197)
def test_aes_fips197_decrypt(
    backend: Backend, cipher: Cipher, key: str, expected: str
) -> None:
    assert _one_block_back(backend, cipher, key, expected) == (
        FIPS197_PLAINTEXT
    )


def test_aes_cbc_sp800_38a(backend: Backend) -> None:
    # NIST SP 800-38A appendix F.2.1, CBC-AES128.Encrypt, first two blocks.
    key = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
    iv = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
    plaintext = bytes.fromhex(
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    )
    expected = (
        "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
    )
    cipher = ciphers.AES_128_CBC
    assert backend.cbc_encrypt(cipher, key, iv, plaintext).hex() == expected
    ciphertext = bytes.fromhex(expected)
    assert backend.cbc_decrypt(cipher, key, iv, ciphertext) == plaintext


# --- DES and TDEA: NIST SP 800-20 appendix A ---------------------------------
#
# SP 800-20 runs its known-answer tests on TDEA with K1 = K2 = K3, which
# equals single DES, so each vector checks DES-CBC and DES-EDE3-CBC.

SP800_20 = [
    # Table A.1, variable plaintext, key 01 01 ... 01: rounds 0, 1, 63.
    pytest.param(
        "0101010101010101", "8000000000000000", "95f8a5e5dd31d900", id="A.1-0"
    ),
    pytest.param(
        "0101010101010101", "4000000000000000", "dd7f121ca5015619", id="A.1-1"
    ),
    pytest.param(
        "0101010101010101", "0000000080000000", "e943d7568aec0c5c", id="A.1-32"
    ),
    # Table A.3, permutation operation, plaintext 0.
    pytest.param(
        "1046913489980131", "0000000000000000", "88d55e54f54c97b4", id="A.3-0"
    ),
    pytest.param(
        "1007103489988020", "0000000000000000", "0c0cc00c83ea48fd", id="A.3-1"
    ),
    pytest.param(
        "1002911698100101", "0000000000000000", "1aeac39a61f0a464", id="A.3-31"
    ),
    # Table A.4, substitution table.
    pytest.param(
        "7ca110454a1a6e57", "01a1d6d039776742", "690f5b0d9a26939b", id="A.4-0"
    ),
    pytest.param(
        "0131d9619dc1376e", "5cd54ca83def57da", "7a389d10354bd271", id="A.4-1"
    ),
    pytest.param(
        "07a1133e4a0b2686", "0248d43806f67172", "868ebb51cab4599a", id="A.4-2"
    ),
]


@pytest.mark.parametrize(("key", "plaintext", "expected"), SP800_20)
def test_des_sp800_20(
    backend: Backend, key: str, plaintext: str, expected: str
) -> None:
    assert _one_block(backend, ciphers.DES_CBC, key, plaintext) == expected
    assert _one_block_back(backend, ciphers.DES_CBC, key, expected) == (
        plaintext
    )


@pytest.mark.parametrize(("key", "plaintext", "expected"), SP800_20)
def test_tdea_sp800_20(
    backend: Backend, key: str, plaintext: str, expected: str
) -> None:
    cipher = ciphers.DES_EDE3_CBC
    assert _one_block(backend, cipher, key * 3, plaintext) == expected
    assert _one_block_back(backend, cipher, key * 3, expected) == plaintext


def test_tdea_three_distinct_keys(backend: Backend) -> None:
    # With distinct keys, EDE3 equals E_K3(D_K2(E_K1(x))) built from DES.
    k1, k2, k3 = os.urandom(8), os.urandom(8), os.urandom(8)
    block = os.urandom(8)
    des = ciphers.DES_CBC
    step1 = backend.cbc_encrypt(des, k1, ZERO_IV_8, block)
    step2 = backend.cbc_decrypt(des, k2, ZERO_IV_8, step1)
    step3 = backend.cbc_encrypt(des, k3, ZERO_IV_8, step2)
    tdea = ciphers.DES_EDE3_CBC
    assert backend.cbc_encrypt(tdea, k1 + k2 + k3, ZERO_IV_8, block) == step3


# --- RC2: RFC 2268 section 5 -------------------------------------------------

RFC2268 = [
    ("0000000000000000", 63, "0000000000000000", "ebb773f993278eff"),
    ("ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"),
    ("3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"),
    ("88", 64, "0000000000000000", "61a8a244adacccf0"),
    ("88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"),
    (
        "88bca90e90875a7f0f79c384627bafb2",
        64,
        "0000000000000000",
        "1a807d272bbe5db1",
    ),
    (
        "88bca90e90875a7f0f79c384627bafb2",
        128,
        "0000000000000000",
        "2269552ab0f85ca6",
    ),
    (
        "88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e",
        129,
        "0000000000000000",
        "5b78d3a43dfff1f1",
    ),
]


@pytest.mark.parametrize(("key", "bits", "plaintext", "expected"), RFC2268)
def test_rc2_rfc2268(
    backend: Backend, key: str, bits: int, plaintext: str, expected: str
) -> None:
    cipher = ciphers.rc2_cbc(len(key) // 2, bits)
    assert _one_block(backend, cipher, key, plaintext) == expected
    assert _one_block_back(backend, cipher, key, expected) == plaintext


@pytest.mark.parametrize(
    ("key_size", "bits", "cipher"),
    [
        (5, 40, ciphers.RC2_40_CBC),
        (8, 64, ciphers.RC2_64_CBC),
        (16, 128, ciphers.RC2_128_CBC),
    ],
)
def test_rc2_named_variants(key_size: int, bits: int, cipher: Cipher) -> None:
    assert ciphers.rc2_cbc(key_size, bits) is cipher


def test_rc2_rejects_bad_lengths() -> None:
    with pytest.raises(ValueError):
        ciphers.rc2_cbc(0, 40)
    with pytest.raises(ValueError):
        ciphers.rc2_cbc(5, 2000)


# --- CBC round trips with padding --------------------------------------------

ALL_CIPHERS = [
    pytest.param(cipher, id=cipher.name)
    for cipher in (
        ciphers.AES_128_CBC,
        ciphers.AES_192_CBC,
        ciphers.AES_256_CBC,
        ciphers.DES_CBC,
        ciphers.DES_EDE3_CBC,
        ciphers.RC2_40_CBC,
        ciphers.RC2_64_CBC,
        ciphers.RC2_128_CBC,
    )
]


@pytest.mark.parametrize("cipher", ALL_CIPHERS)
@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 1000])
def test_cbc_round_trip(backend: Backend, cipher: Cipher, size: int) -> None:
    key = os.urandom(cipher.key_size)
    iv = os.urandom(cipher.block_size)
    plaintext = os.urandom(size)
    encrypted = ciphers.encrypt(cipher, key, iv, plaintext, backend=backend)
    assert len(encrypted) % cipher.block_size == 0
    assert len(encrypted) > size
    decrypted = ciphers.decrypt(cipher, key, iv, encrypted, backend=backend)
    assert decrypted == plaintext


@pytest.mark.parametrize("cipher", ALL_CIPHERS)
def test_cbc_chains_blocks(backend: Backend, cipher: Cipher) -> None:
    key = os.urandom(cipher.key_size)
    iv = os.urandom(cipher.block_size)
    data = bytes(cipher.block_size) * 2
    encrypted = backend.cbc_encrypt(cipher, key, iv, data)
    size = cipher.block_size
    assert encrypted[:size] != encrypted[size:]


@pytest.mark.parametrize("cipher", ALL_CIPHERS)
def test_backends_agree(backend: Backend, cipher: Cipher) -> None:
    purepki_cryptography = pytest.importorskip("purepki_cryptography")
    other = purepki_cryptography.CryptographyBackend()
    key = os.urandom(cipher.key_size)
    iv = os.urandom(cipher.block_size)
    data = os.urandom(cipher.block_size * 5)
    encrypted = backend.cbc_encrypt(cipher, key, iv, data)
    assert other.cbc_encrypt(cipher, key, iv, data) == encrypted
    assert other.cbc_decrypt(cipher, key, iv, encrypted) == data


def test_wrong_key_is_padding_error(backend: Backend) -> None:
    cipher = ciphers.AES_256_CBC
    iv = bytes(range(16))
    encrypted = ciphers.encrypt(
        cipher, b"k" * 32, iv, b"secret data", backend=backend
    )
    with pytest.raises(PaddingError):
        ciphers.decrypt(cipher, b"K" * 32, iv, encrypted, backend=backend)


def test_decrypt_rejects_partial_block(backend: Backend) -> None:
    cipher = ciphers.AES_128_CBC
    with pytest.raises(ValueError, match="whole number"):
        ciphers.decrypt(cipher, bytes(16), ZERO_IV_16, bytes(20))


@pytest.mark.parametrize(
    ("key_size", "iv_size"), [(15, 16), (16, 8), (32, 16)]
)
def test_aes_128_rejects_wrong_lengths(
    backend: Backend, key_size: int, iv_size: int
) -> None:
    cipher = ciphers.AES_128_CBC
    with pytest.raises(ValueError):
        ciphers.encrypt(
            cipher, bytes(key_size), bytes(iv_size), b"x", backend=backend
        )


# --- PKCS#7 padding (RFC 5652 section 6.3) -----------------------------------


@pytest.mark.parametrize("size", range(0, 18))
def test_pad_unpad(size: int) -> None:
    data = bytes(range(size))
    padded = ciphers.pad(data, 8)
    assert len(padded) % 8 == 0
    assert 1 <= len(padded) - size <= 8
    assert ciphers.unpad(padded, 8) == data


def test_pad_full_block_when_aligned() -> None:
    assert ciphers.pad(bytes(8), 8) == bytes(8) + b"\x08" * 8


@pytest.mark.parametrize(
    "padded",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"abcdefg", id="partial-block"),
        pytest.param(b"abcdefg\x00", id="zero-count"),
        pytest.param(b"abcdefg\x09", id="count-above-block"),
        pytest.param(b"abcde\x02\x03\x03", id="inconsistent"),
        pytest.param(b"abcdef\x01\x02", id="last-two-differ"),
        pytest.param(b"ab" + b"\x07" * 6, id="seven-of-eight"),
    ],
)
def test_unpad_rejects(padded: bytes) -> None:
    with pytest.raises(PaddingError):
        ciphers.unpad(padded, 8)


def test_unpad_whole_block_of_padding() -> None:
    assert ciphers.unpad(b"\x08" * 8, 8) == b""
