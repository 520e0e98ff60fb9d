"""Unlocking password-protected keys, and block cipher throughput.

Per backend (pure, and cryptography when installed):

- unlocking one RSA-2048 key from each format openssl writes: encrypted
  PKCS#8 (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), legacy PEM with
  AES-128-CBC and with DES-EDE3-CBC, and PKCS#12 in its default (PBES2,
  AES-256) and legacy (3DES key bag, RC2-40 certificate bag) forms; the
  floor is the pure backend's time for the same file, so each
  cryptography row shows the ratio between backends;
- AES-256-CBC and DES-EDE3-CBC encryption of 16 KiB through
  ``purepki.ciphers.encrypt``, the cryptography rows beside the raw
  ``cryptography`` cipher with the same PKCS#7 padding as their floor.

The files are made once per session by the openssl command, as
administrators make them, with openssl's own iteration counts.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from purepki import ciphers
from purepki.backend import available_backends
from purepki.keys import load_private_key
from purepki.pkcs12 import load_pkcs12

DescribeRow = Callable[..., None]

PASSWORD = "bench-secret"
PAYLOAD = bytes(range(256)) * 64

KEY_FILES = {
    "PKCS#8 AES-256": "pkcs8-aes256.pem",
    "legacy PEM AES-128": "legacy-aes128.pem",
    "legacy PEM 3DES": "legacy-3des.pem",
    "PKCS#12 default": "default.p12",
    "PKCS#12 legacy": "legacy.p12",
}

BACKENDS = available_backends()
PURE = "purepki (pure)"


def _openssl(folder: Path, *args: str) -> None:
    subprocess.run(
        ["openssl", *args], cwd=folder, check=True, capture_output=True
    )


@pytest.fixture(scope="session")
def key_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """One RSA-2048 key in each protected format, made by openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not found")

    folder = tmp_path_factory.mktemp("unlock")
    passout = f"pass:{PASSWORD}"

    _openssl(folder, "genrsa", "-out", "plain.pem", "2048")

    _openssl(
        folder,
        "req",
        "-x509",
        "-new",
        "-key",
        "plain.pem",
        "-subj",
        "/CN=bench.example.test",
        "-days",
        "30",
        "-out",
        "cert.pem",
    )

    _openssl(
        folder,
        "pkcs8",
        "-topk8",
        "-in",
        "plain.pem",
        "-v2",
        "aes-256-cbc",
        "-passout",
        passout,
        "-out",
        "pkcs8-aes256.pem",
    )

    _openssl(
        folder,
        "rsa",
        "-in",
        "plain.pem",
        "-aes128",
        "-traditional",
        "-passout",
        passout,
        "-out",
        "legacy-aes128.pem",
    )

    _openssl(
        folder,
        "rsa",
        "-in",
        "plain.pem",
        "-des3",
        "-traditional",
        "-passout",
        passout,
        "-out",
        "legacy-3des.pem",
    )

    _openssl(
        folder,
        "pkcs12",
        "-export",
        "-inkey",
        "plain.pem",
        "-in",
        "cert.pem",
        "-passout",
        passout,
        "-out",
        "default.p12",
    )

    # OpenSSL 3 writes RC2-40 only with its legacy provider.
    with contextlib.suppress(subprocess.CalledProcessError):
        _openssl(
            folder,
            "pkcs12",
            "-export",
            "-legacy",
            "-inkey",
            "plain.pem",
            "-in",
            "cert.pem",
            "-passout",
            passout,
            "-out",
            "legacy.p12",
        )

    return {
        label: (folder / name).read_bytes()
        for label, name in KEY_FILES.items()
        if (folder / name).exists()
    }


def _unlock(data: bytes, label: str, backend: str) -> Any:
    if label.startswith("PKCS#12"):
        return load_pkcs12(data, PASSWORD, backend=backend).key
    return load_private_key(data, password=PASSWORD, backend=backend)


def _grouped(name: str, value: Any) -> Any:
    """Return a parameter marked with its benchmark group, so that the
    suite's conftest orders its rows slice by slice with the other rows
    of the group, as the groups named in a decorator are."""
    mark = pytest.mark.benchmark(group=name, timer=time.process_time)
    return pytest.param(value, marks=mark, id=str(value))


@pytest.mark.parametrize(
    "label",
    [_grouped(f"unlock RSA-2048 key: {label}", label) for label in KEY_FILES],
)
@pytest.mark.parametrize("backend_name", BACKENDS)
def test_unlock(
    benchmark: Any,
    describe: DescribeRow,
    key_files: dict[str, bytes],
    label: str,
    backend_name: str,
) -> None:
    if backend_name == "pure":
        describe(PURE, backend="pure", through_purepki=True)
    else:
        describe(
            f"purepki ({backend_name})",
            floor=PURE,
            backend=backend_name,
            through_purepki=True,
        )

    if label not in key_files:
        pytest.skip(f"this openssl cannot write {label} files")

    data = key_files[label]
    key = benchmark.pedantic(
        _unlock, args=(data, label, backend_name), rounds=3, iterations=1
    )

    assert key.key_size == 2048


_CIPHERS = [
    _grouped(f"encrypt 16 KiB: {cipher}", cipher)
    for cipher in (ciphers.AES_256_CBC, ciphers.DES_EDE3_CBC)
]


@pytest.mark.parametrize("cipher", _CIPHERS)
@pytest.mark.parametrize("backend_name", BACKENDS)
def test_cipher_throughput(
    benchmark: Any,
    describe: DescribeRow,
    cipher: ciphers.Cipher,
    backend_name: str,
) -> None:
    if backend_name == "pure":
        describe(PURE, backend="pure", through_purepki=True)
    else:
        # The raw cryptography rows are the floor of the cryptography
        # backend; any other backend is compared with the pure one.
        floor = "cryptography" if backend_name == "cryptography" else PURE
        describe(
            f"purepki ({backend_name})",
            floor=floor,
            backend=backend_name,
            through_purepki=True,
        )

    key = bytes(range(cipher.key_size))
    iv = bytes(cipher.block_size)
    rounds = 3 if backend_name == "pure" else 20
    result = benchmark.pedantic(
        ciphers.encrypt,
        args=(cipher, key, iv, PAYLOAD),
        kwargs={"backend": backend_name},
        rounds=rounds,
        iterations=1,
    )

    assert ciphers.decrypt(cipher, key, iv, result) == PAYLOAD


@pytest.mark.parametrize("cipher", _CIPHERS)
def test_cipher_throughput_cryptography(
    benchmark: Any, describe: DescribeRow, cipher: ciphers.Cipher
) -> None:
    """The same encryption with ``cryptography`` called directly: PKCS#7
    padding, then CBC, as ``purepki.ciphers.encrypt`` does."""
    if "cryptography" not in BACKENDS:
        pytest.skip("the cryptography backend is not installed")
    from cryptography.hazmat.decrepit.ciphers import algorithms as decrepit
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import (
        Cipher,
        algorithms,
        modes,
    )

    describe("cryptography", backend="cryptography")

    key = bytes(range(cipher.key_size))
    iv = bytes(cipher.block_size)
    algorithm: Any = (
        algorithms.AES(key)
        if cipher.family is ciphers.CipherFamily.AES
        else decrepit.TripleDES(key)
    )

    def encrypt() -> bytes:
        padder = padding.PKCS7(cipher.block_size * 8).padder()
        padded = padder.update(PAYLOAD) + padder.finalize()
        encryptor = Cipher(algorithm, modes.CBC(iv)).encryptor()
        return encryptor.update(padded) + encryptor.finalize()

    result = benchmark.pedantic(encrypt, rounds=20, iterations=1)

    assert result == ciphers.encrypt(cipher, key, iv, PAYLOAD, backend="pure")
