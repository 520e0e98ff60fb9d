"""Password-protected private keys: encrypted PKCS#8 and legacy PEM, read
from openssl's files and written for openssl."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from purepki import ciphers, pbe
from purepki.algorithms import HashAlgorithm
from purepki.backend import Backend
from purepki.errors import DecodeError, EncryptedKeyError, PurePKIError
from purepki.keys import (
    PrivateFormat,
    PrivateKey,
    load_private_key,
    private_key_encryption,
)
from purepki.pbe import BadPassword, UnsupportedScheme

PASSWORD = "secret"

# (file, unencrypted original, scheme description) for the encrypted keys
# that tests/make-openssl-fixtures.sh writes.
FIXTURES = [
    (
        "server-pkcs8-enc.key",
        "server.key",
        "PKCS#8, PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)",
    ),
    ("webbridge3-legacy-aes.key", "webbridge3.key", "legacy PEM, AES-128-CBC"),
    (
        "webbridge3-legacy-3des.key",
        "webbridge3.key",
        "legacy PEM, DES-EDE3-CBC",
    ),
    ("server-legacy-aes.key", "server.key", "legacy PEM, AES-256-CBC"),
]


def _openssl(openssl: str, *args: str, stdin: bytes = b"") -> bytes:
    result = subprocess.run(
        [openssl, *args], input=stdin, check=True, capture_output=True
    )
    return result.stdout


def _original(directory: Path, name: str, backend: Backend) -> PrivateKey:
    return load_private_key((directory / name).read_bytes(), backend=backend)


# --- The fixture files -------------------------------------------------------


@pytest.mark.parametrize(("name", "original", "scheme"), FIXTURES)
def test_fixture_opens_with_password(
    backend: Backend,
    openssl_fixtures: Path,
    name: str,
    original: str,
    scheme: str,
) -> None:
    data = (openssl_fixtures / name).read_bytes()
    key = load_private_key(data, password=PASSWORD, backend=backend)
    assert key == _original(openssl_fixtures, original, backend)


@pytest.mark.parametrize(("name", "original", "scheme"), FIXTURES)
def test_fixture_wrong_password(
    backend: Backend,
    openssl_fixtures: Path,
    name: str,
    original: str,
    scheme: str,
) -> None:
    data = (openssl_fixtures / name).read_bytes()
    with pytest.raises(BadPassword) as info:
        load_private_key(data, password="wrong", source=name, backend=backend)
    assert "bad password" in str(info.value)
    assert name in str(info.value)


@pytest.mark.parametrize(("name", "original", "scheme"), FIXTURES)
def test_fixture_without_password(
    backend: Backend,
    openssl_fixtures: Path,
    name: str,
    original: str,
    scheme: str,
) -> None:
    data = (openssl_fixtures / name).read_bytes()
    with pytest.raises(EncryptedKeyError) as info:
        load_private_key(data, source=name, backend=backend)
    assert "is encrypted" in str(info.value)
    assert scheme in str(info.value)


@pytest.mark.parametrize(("name", "original", "scheme"), FIXTURES)
def test_fixture_encryption_described(
    openssl_fixtures: Path, name: str, original: str, scheme: str
) -> None:
    data = (openssl_fixtures / name).read_bytes()
    assert private_key_encryption(data) == scheme


def test_unencrypted_key_has_no_encryption(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server.key").read_bytes()
    assert private_key_encryption(data) is None


def test_password_ignored_for_plain_key(
    backend: Backend, openssl_fixtures: Path
) -> None:
    data = (openssl_fixtures / "server.key").read_bytes()
    key = load_private_key(data, password="anything", backend=backend)
    assert key == _original(openssl_fixtures, "server.key", backend)


# --- Legacy PEM files made by openssl ----------------------------------------


@pytest.fixture(scope="session")
def legacy_files(
    openssl: str,
    openssl_fixtures: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """Legacy encrypted PEM keys as the openssl commands of the manuals
    make them, password "test"."""
    out = tmp_path_factory.mktemp("legacy-pem")
    ec_key = str(openssl_fixtures / "server.key")
    rsa_key = str(openssl_fixtures / "webbridge3.key")
    _openssl(
        openssl, "genrsa", "-aes128", "-traditional", "-passout",
        "pass:test", "-out", str(out / "enc.pem"), "2048",
    )  # fmt: skip
    _openssl(
        openssl, "ec", "-in", ec_key, "-aes256", "-passout", "pass:test",
        "-out", str(out / "ecenc.pem"),
    )  # fmt: skip
    _openssl(
        openssl, "ec", "-in", ec_key, "-des3", "-passout", "pass:test",
        "-out", str(out / "ec3des.pem"),
    )  # fmt: skip
    _openssl(
        openssl, "rsa", "-in", rsa_key, "-aes192", "-traditional",
        "-passout", "pass:test", "-out", str(out / "rsa192.pem"),
    )  # fmt: skip
    _openssl(
        openssl, "rsa", "-in", rsa_key, "-des", "-traditional",
        "-provider", "legacy", "-provider", "default",
        "-passout", "pass:test", "-out", str(out / "rsades.pem"),
    )  # fmt: skip
    return out


@pytest.mark.parametrize(
    ("name", "cipher"),
    [
        ("enc.pem", "AES-128-CBC"),
        ("ecenc.pem", "AES-256-CBC"),
        ("ec3des.pem", "DES-EDE3-CBC"),
        ("rsa192.pem", "AES-192-CBC"),
        ("rsades.pem", "DES-CBC"),
    ],
)
def test_legacy_pem_matches_openssl(
    backend: Backend, openssl: str, legacy_files: Path, name: str, cipher: str
) -> None:
    path = legacy_files / name
    data = path.read_bytes()
    assert private_key_encryption(data) == f"legacy PEM, {cipher}"
    key = load_private_key(data, password="test", backend=backend)
    plain = _openssl(
        openssl, "pkey", "-in", str(path), "-passin", "pass:test",
        "-provider", "legacy", "-provider", "default",
    )  # fmt: skip
    assert key == load_private_key(plain, backend=backend)
    with pytest.raises(BadPassword, match="bad password"):
        load_private_key(data, password="tset", backend=backend)


def test_legacy_pem_unknown_cipher(
    backend: Backend, legacy_files: Path
) -> None:
    text = (legacy_files / "ecenc.pem").read_text()
    changed = text.replace("AES-256-CBC", "CAMELLIA-256-CBC")
    for password in (None, "test"):
        with pytest.raises(UnsupportedScheme) as info:
            load_private_key(
                changed.encode(), password=password, backend=backend
            )
        assert "unsupported DEK-Info cipher CAMELLIA-256-CBC" in str(
            info.value
        )


def test_legacy_pem_bad_iv(backend: Backend, legacy_files: Path) -> None:
    lines = (legacy_files / "ecenc.pem").read_text().splitlines()
    lines = [
        "DEK-Info: AES-256-CBC,00FF" if line.startswith("DEK-Info") else line
        for line in lines
    ]
    with pytest.raises(DecodeError, match="DEK-Info IV"):
        load_private_key(
            "\n".join(lines).encode(), password="test", backend=backend
        )


def test_legacy_pem_truncated_body(
    backend: Backend, legacy_files: Path
) -> None:
    lines = (legacy_files / "ecenc.pem").read_text().splitlines()
    # Drop one base64 line of 48 bytes and 4 more bytes of the last one,
    # so the ciphertext is no longer whole blocks.
    body_end = len(lines) - 1
    lines[body_end - 1] = lines[body_end - 1][:-8] or "AAAA"
    data = "\n".join(lines).encode()
    with pytest.raises(PurePKIError) as info:
        load_private_key(data, password="test", backend=backend)
    assert not isinstance(info.value, UnsupportedScheme)


# --- Encrypted PKCS#8 made by openssl ----------------------------------------


PKCS8_VARIANTS = [
    pytest.param(["-v2", "aes-128-cbc"], "AES-128-CBC", id="pbes2-aes128"),
    pytest.param(["-v2", "aes-192-cbc"], "AES-192-CBC", id="pbes2-aes192"),
    pytest.param(["-v2", "des3"], "DES-EDE3-CBC", id="pbes2-des3"),
    pytest.param(
        ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512"],
        "PBKDF2-HMAC-SHA512",
        id="pbes2-sha512",
    ),
    pytest.param(
        ["-v2", "aes-256-cbc", "-scrypt"], "scrypt N=16384", id="scrypt"
    ),
    pytest.param(
        ["-v1", "PBE-MD5-DES"], "pbeWithMD5AndDES-CBC", id="pbes1-md5"
    ),
    pytest.param(
        ["-v1", "PBE-SHA1-DES"], "pbeWithSHA1AndDES-CBC", id="pbes1-sha1"
    ),
    pytest.param(
        ["-v1", "PBE-SHA1-3DES"],
        "pbeWithSHAAnd3-KeyTripleDES-CBC",
        id="pkcs12-3des",
    ),
    pytest.param(
        ["-v1", "PBE-SHA1-RC2-40"],
        "pbeWithSHAAnd40BitRC2-CBC",
        id="pkcs12-rc2-40",
    ),
    pytest.param(
        ["-v1", "PBE-SHA1-2DES"],
        "pbeWithSHAAnd2-KeyTripleDES-CBC",
        id="pkcs12-2des",
    ),
]


@pytest.mark.parametrize(("options", "described"), PKCS8_VARIANTS)
@pytest.mark.parametrize("form", ["PEM", "DER"])
def test_pkcs8_from_openssl(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    options: list[str],
    described: str,
    form: str,
) -> None:
    data = _openssl(
        openssl, "pkcs8", "-topk8", "-in",
        str(openssl_fixtures / "server.key"),
        "-provider", "legacy", "-provider", "default",
        *options, "-passout", "pass:secret", "-outform", form,
    )  # fmt: skip
    description = private_key_encryption(data)
    assert description is not None
    assert described in description
    key = load_private_key(data, password="secret", backend=backend)
    assert key == _original(openssl_fixtures, "server.key", backend)
    with pytest.raises(BadPassword):
        load_private_key(data, password="Secret", backend=backend)


def test_pkcs8_under_plain_label(
    backend: Backend, openssl_fixtures: Path
) -> None:
    text = (openssl_fixtures / "server-pkcs8-enc.key").read_text()
    relabelled = text.replace("ENCRYPTED PRIVATE KEY", "PRIVATE KEY")
    key = load_private_key(
        relabelled.encode(), password=PASSWORD, backend=backend
    )
    assert key == _original(openssl_fixtures, "server.key", backend)
    with pytest.raises(EncryptedKeyError, match="PKCS#8"):
        load_private_key(relabelled.encode(), backend=backend)


# --- Writing -----------------------------------------------------------------


@pytest.mark.parametrize("original", ["server.key", "webbridge3.key"])
def test_written_key_opens_in_openssl(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    original: str,
) -> None:
    key = _original(openssl_fixtures, original, backend)
    scheme = pbe.pbes2(iterations=2048)
    path = tmp_path / "enc.pem"
    path.write_text(
        key.to_encrypted_pem("pass phrase", scheme=scheme, backend=backend)
    )
    plain = _openssl(
        openssl, "pkey", "-in", str(path), "-passin", "pass:pass phrase"
    )
    assert load_private_key(plain, backend=backend) == key
    info = _openssl(openssl, "asn1parse", "-in", str(path))
    assert b"hmacWithSHA256" in info
    assert b"aes-256-cbc" in info


def test_default_scheme_is_pbes2_aes256(
    backend: Backend, openssl: str, openssl_fixtures: Path, tmp_path: Path
) -> None:
    key = _original(openssl_fixtures, "server.key", backend)
    der = key.to_encrypted_der("pw", backend=backend)
    assert private_key_encryption(der) == (
        "PKCS#8, PBES2 (PBKDF2-HMAC-SHA256, 600000 iterations, AES-256-CBC)"
    )
    path = tmp_path / "enc.der"
    path.write_bytes(der)
    plain = _openssl(
        openssl, "pkey", "-inform", "DER", "-in", str(path),
        "-passin", "pass:pw",
    )  # fmt: skip
    assert load_private_key(plain, backend=backend) == key


@pytest.mark.parametrize(
    "scheme",
    [
        pytest.param(
            pbe.pbes2(ciphers.DES_EDE3_CBC, iterations=2048), id="3des"
        ),
        pytest.param(
            pbe.pbes2(
                ciphers.AES_128_CBC, hash=HashAlgorithm.SHA512, iterations=2048
            ),
            id="aes128-sha512",
        ),
        pytest.param(pbe.pbes2_scrypt(n=1024), id="scrypt"),
    ],
)
def test_written_schemes_open_in_openssl(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    scheme: pbe.PasswordEncryption,
) -> None:
    key = _original(openssl_fixtures, "webbridge3.key", backend)
    path = tmp_path / "enc.pem"
    path.write_text(key.to_encrypted_pem("pw", scheme=scheme, backend=backend))
    plain = _openssl(openssl, "pkey", "-in", str(path), "-passin", "pass:pw")
    assert load_private_key(plain, backend=backend) == key
    reread = load_private_key(
        path.read_bytes(), password="pw", backend=backend
    )
    assert reread == key


def test_empty_password_not_written(
    backend: Backend, openssl_fixtures: Path
) -> None:
    key = _original(openssl_fixtures, "server.key", backend)
    with pytest.raises(ValueError, match="empty"):
        key.to_encrypted_pem("", backend=backend)


def test_written_traditional_roundtrip(
    backend: Backend, openssl_fixtures: Path
) -> None:
    key = _original(openssl_fixtures, "webbridge3.key", backend)
    scheme = pbe.pbes2(iterations=100)
    data = key.to_encrypted_der(b"bytes password", scheme=scheme)
    reread = load_private_key(data, password="bytes password", backend=backend)
    assert reread == key
    assert reread.to_der(PrivateFormat.TRADITIONAL) == key.to_der(
        PrivateFormat.TRADITIONAL
    )


# --- Corrupt input -----------------------------------------------------------


def test_flipped_ciphertext_is_bad_password_or_decode_error(
    backend: Backend, openssl_fixtures: Path
) -> None:
    key = _original(openssl_fixtures, "server.key", backend)
    data = bytearray(
        key.to_encrypted_der("pw", scheme=pbe.pbes2(iterations=10))
    )
    data[-1] ^= 0x01
    with pytest.raises((BadPassword, DecodeError)):
        load_private_key(bytes(data), password="pw", backend=backend)


def test_truncated_der_is_decode_error(
    backend: Backend, openssl_fixtures: Path
) -> None:
    key = _original(openssl_fixtures, "server.key", backend)
    data = key.to_encrypted_der("pw", scheme=pbe.pbes2(iterations=10))
    with pytest.raises(DecodeError):
        load_private_key(data[:-7], password="pw", backend=backend)


def test_unsupported_pkcs8_scheme(backend: Backend) -> None:
    # EncryptedPrivateKeyInfo with pbeWithSHAAnd128BitRC4.
    from purepki.asn1 import der

    params = der.encode_sequence(
        der.encode_tlv(0x04, bytes(8)), der.encode_integer(2048)
    )
    oid = bytes.fromhex("060a2a864886f70d010c0101")
    data = der.encode_sequence(
        der.encode_sequence(oid, params), der.encode_tlv(0x04, bytes(32))
    )
    for password in (None, "pw"):
        with pytest.raises(UnsupportedScheme, match="RC4"):
            load_private_key(data, password=password, backend=backend)
