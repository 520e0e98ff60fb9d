"""Key derivations and password-based encryption schemes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from purepki import ciphers, pbe
from purepki._record import replace
from purepki.algorithms import HashAlgorithm
from purepki.asn1 import der
from purepki.backend import Backend
from purepki.errors import DecodeError
from purepki.pbe import (
    BadPassword,
    EncryptionParameterError,
    SchemeKind,
    UnsupportedScheme,
)

# --- PBKDF2: RFC 6070 section 2 (HMAC-SHA1) ----------------------------------


@pytest.mark.parametrize(
    ("iterations", "expected"),
    [
        (1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        (2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        (4096, "4b007901b765489abead49d926f721d065a429c1"),
    ],
)
def test_pbkdf2_rfc6070(iterations: int, expected: str) -> None:
    derived = pbe.pbkdf2(
        HashAlgorithm.SHA1, b"password", b"salt", iterations, 20
    )
    assert derived.hex() == expected


def test_pbkdf2_sha256_matches_openssl(openssl: str) -> None:
    # openssl kdf prints the derived key as colon-separated hex.
    output = subprocess.run(
        [
            openssl,
            "kdf",
            "-keylen",
            "32",
            "-kdfopt",
            "digest:SHA512",
            "-kdfopt",
            "pass:secret",
            "-kdfopt",
            "salt:saltsalt",
            "-kdfopt",
            "iter:1000",
            "PBKDF2",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    expected = output.strip().replace(":", "").lower()
    derived = pbe.pbkdf2(
        HashAlgorithm.SHA512, b"secret", b"saltsalt", 1000, 32
    )
    assert derived.hex() == expected


# --- scrypt: RFC 7914 section 12 ---------------------------------------------


def test_scrypt_rfc7914() -> None:
    derived = pbe.scrypt(b"password", b"NaCl", 1024, 8, 16, 64)
    assert derived.hex() == (
        "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
        "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
    )


def test_scrypt_memory_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        pbe.scrypt(b"p", b"s", 1 << 20, 8, 1, 32)


# --- EVP_BytesToKey ----------------------------------------------------------


@pytest.mark.parametrize(
    ("key_length", "cipher"),
    [(16, "aes-128-cbc"), (32, "aes-256-cbc"), (24, "des-ede3-cbc")],
)
def test_evp_bytes_to_key_matches_openssl(
    openssl: str, key_length: int, cipher: str
) -> None:
    salt = "0102030405060708"
    output = subprocess.run(
        [
            openssl,
            "enc",
            f"-{cipher}",
            "-md",
            "md5",
            "-pass",
            "pass:secret",
            "-S",
            salt,
            "-P",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fields = dict(line.split("=", 1) for line in output.split() if "=" in line)
    derived = pbe.evp_bytes_to_key(b"secret", bytes.fromhex(salt), key_length)
    assert derived.hex().upper() == fields["key"]


# --- PKCS#12 key derivation (RFC 7292 appendix B.2) --------------------------


def test_bmp_password_encoding() -> None:
    assert pbe.bmp_password("ab") == b"\x00a\x00b\x00\x00"
    assert pbe.bmp_password("") == b"\x00\x00"
    assert pbe.bmp_password(None) == b""
    assert pbe.bmp_password("é".encode()) == b"\x00\xe9\x00\x00"


@pytest.mark.parametrize(
    "digest", ["sha1", "sha224", "sha256", "sha384", "sha512"]
)
def test_pkcs12_kdf_mac_matches_openssl(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    digest: str,
) -> None:
    # The MAC key of RFC 7292 appendix B.3 ID 3: a file made by openssl
    # with each MAC hash verifies only if the derivation is right, for
    # block sizes v = 64 and v = 128 alike.
    from purepki.pkcs12 import load_pkcs12

    out = tmp_path / "mac.p12"
    subprocess.run(
        [
            openssl,
            "pkcs12",
            "-export",
            "-in",
            str(openssl_fixtures / "server.crt"),
            "-inkey",
            str(openssl_fixtures / "server.key"),
            "-macalg",
            digest,
            "-passout",
            "pass:secret",
            "-out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    contents = load_pkcs12(out.read_bytes(), "secret", backend=backend)
    assert contents.mac is not None
    assert digest.upper() in contents.mac


def test_pkcs12_kdf_lengths_and_purposes() -> None:
    secret = pbe.bmp_password("secret")
    salt = bytes(8)
    key = pbe.pkcs12_kdf(HashAlgorithm.SHA1, secret, salt, 1, 1, 24)
    iv = pbe.pkcs12_kdf(HashAlgorithm.SHA1, secret, salt, 2, 1, 8)
    longer = pbe.pkcs12_kdf(HashAlgorithm.SHA1, secret, salt, 1, 1, 50)
    assert len(key) == 24
    assert key != iv[: len(key)]
    assert longer[:24] == key


# --- Scheme parsing and round trips ------------------------------------------


def test_pbes2_default_describes_itself() -> None:
    scheme = pbe.pbes2()
    assert scheme.describe() == (
        "PBES2 (PBKDF2-HMAC-SHA256, 600000 iterations, AES-256-CBC)"
    )


@pytest.mark.parametrize(
    "scheme",
    [
        pytest.param(pbe.pbes2(iterations=10), id="pbes2-aes256"),
        pytest.param(
            pbe.pbes2(
                ciphers.AES_128_CBC, hash=HashAlgorithm.SHA1, iterations=10
            ),
            id="pbes2-sha1-aes128",
        ),
        pytest.param(
            pbe.pbes2(ciphers.DES_EDE3_CBC, iterations=10), id="pbes2-3des"
        ),
        pytest.param(
            pbe.pbes2(ciphers.RC2_40_CBC, iterations=10), id="pbes2-rc2-40"
        ),
        pytest.param(pbe.pbes2_scrypt(n=1024), id="pbes2-scrypt"),
        pytest.param(pbe.pkcs12_pbe(iterations=10), id="pkcs12-3des"),
        pytest.param(
            pbe.pkcs12_pbe(ciphers.RC2_40_CBC, iterations=10),
            id="pkcs12-rc2-40",
        ),
        pytest.param(
            pbe.pkcs12_pbe(ciphers.RC2_128_CBC, iterations=10),
            id="pkcs12-rc2-128",
        ),
    ],
)
def test_scheme_round_trip(
    backend: Backend, scheme: pbe.PasswordEncryption
) -> None:
    parsed = pbe.parse_algorithm(scheme.to_der())
    assert parsed == scheme
    encrypted = pbe.encrypt(scheme, "pässword", b"data" * 9, backend=backend)
    decrypted = pbe.decrypt(parsed, "pässword", encrypted, backend=backend)
    assert decrypted == b"data" * 9


def test_wrong_password_is_bad_password(backend: Backend) -> None:
    scheme = pbe.pbes2(iterations=10, salt=bytes(16), iv=bytes(16))
    encrypted = pbe.encrypt(scheme, "right", b"payload", backend=backend)
    with pytest.raises(BadPassword, match="bad password"):
        pbe.decrypt(scheme, "wrong", encrypted, backend=backend)


def test_truncated_ciphertext_is_parameter_error(backend: Backend) -> None:
    scheme = pbe.pbes2(iterations=10)
    encrypted = pbe.encrypt(scheme, "pw", b"payload", backend=backend)
    with pytest.raises(EncryptionParameterError, match="whole number"):
        pbe.decrypt(scheme, "pw", encrypted[:-3], backend=backend)


def _pkcs12_rc4_algorithm() -> bytes:
    params = der.encode_sequence(
        der.encode_tlv(0x04, bytes(8)), der.encode_integer(2048)
    )
    oid = bytes.fromhex("060a2a864886f70d010c0102")  # 1.2.840.113549.1.12.1.2
    return der.encode_sequence(oid, params)


def test_rc4_is_unsupported_scheme() -> None:
    with pytest.raises(UnsupportedScheme) as info:
        pbe.parse_algorithm(_pkcs12_rc4_algorithm())
    assert info.value.scheme_name == "RC4-40"
    assert "pbeWithSHAAnd40BitRC4" in str(info.value)


def test_unsupported_is_not_bad_password() -> None:
    assert not issubclass(UnsupportedScheme, BadPassword)
    assert not issubclass(BadPassword, UnsupportedScheme)
    assert not issubclass(BadPassword, DecodeError)


def test_huge_iteration_count_rejected() -> None:
    scheme = replace(pbe.pbes2(iterations=10), iterations=10**9)
    encoded = scheme.to_der()
    with pytest.raises(EncryptionParameterError, match="iteration count"):
        pbe.parse_algorithm(encoded)


def test_malformed_parameters_are_decode_errors() -> None:
    encoded = pbe.pbes2(iterations=10).to_der()
    with pytest.raises(DecodeError):
        pbe.parse_algorithm(encoded[:-5])


def test_describe_algorithm_names_unsupported() -> None:
    described = pbe.describe_algorithm(_pkcs12_rc4_algorithm())
    assert described.startswith("unsupported")


def test_pbes1_reads_openssl(
    openssl: str, openssl_fixtures: Path, tmp_path: Path, backend: Backend
) -> None:
    out = tmp_path / "pbes1.der"
    subprocess.run(
        [
            openssl,
            "pkcs8",
            "-topk8",
            "-provider",
            "legacy",
            "-provider",
            "default",
            "-v1",
            "PBE-SHA1-DES",
            "-in",
            str(openssl_fixtures / "server.key"),
            "-outform",
            "DER",
            "-passout",
            "pass:secret",
            "-out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    scheme, _ = pbe.read_encrypted_pkcs8(out.read_bytes())
    assert scheme.kind is SchemeKind.PBES1
    assert scheme.name == "pbeWithSHA1AndDES-CBC"
    plain = pbe.decrypt_pkcs8(out.read_bytes(), "secret", backend=backend)
    assert plain[:1] == b"\x30"


def test_legacy_pem_unknown_cipher() -> None:
    with pytest.raises(UnsupportedScheme, match="unsupported DEK-Info cipher"):
        pbe.legacy_pem_cipher(
            "CAMELLIA-256-CBC,00112233445566778899AABBCCDDEEFF"
        )


@pytest.mark.parametrize(
    "header", [None, "AES-128-CBC", "AES-128-CBC,XYZ", "AES-128-CBC,0011"]
)
def test_legacy_pem_malformed_header(header: object) -> None:
    with pytest.raises(EncryptionParameterError):
        pbe.legacy_pem_cipher(header)  # type: ignore[arg-type]
