"""Encrypt and decrypt under a password with any
:class:`PasswordEncryption`, as encrypted PKCS#8 (RFC 5958 section 3)
and as legacy OpenSSL PEM with ``Proc-Type: 4,ENCRYPTED``. A password
that does not decrypt raises :class:`BadPassword`.

Import the public names from :mod:`purepki.pbe`.
"""

from __future__ import annotations

from typing import Optional

from purepki import ciphers
from purepki._pbe_kdf import Password, evp_bytes_to_key, utf8_password
from purepki._pbe_parsing import (
    EncryptionParameterError,
    UnsupportedScheme,
    parse_algorithm,
)
from purepki._pbe_schemes import PasswordEncryption, _octets, pbes2
from purepki.asn1 import der, schemas
from purepki.backend import BackendLike
from purepki.ciphers import Cipher, PaddingError
from purepki.errors import PurePKIError


class BadPassword(PurePKIError, ValueError):
    """A password that does not decrypt the data or verify its MAC."""


# --- Encrypting and decrypting ---------------------------------------------


def encrypt(
    scheme: PasswordEncryption,
    password: Optional[Password],
    plaintext: bytes,
    *,
    backend: BackendLike = None,
) -> bytes:
    """Encrypt ``plaintext`` under a password with ``scheme``.

    Returns:
        The ciphertext; ``scheme.to_der()`` is its AlgorithmIdentifier.
    """
    key, iv = scheme.derive(password)
    return ciphers.encrypt(
        scheme.block_cipher, key, iv, plaintext, backend=backend
    )


def decrypt(
    scheme: PasswordEncryption,
    password: Optional[Password],
    ciphertext: bytes,
    *,
    label: str = "data",
    source: str = "",
    backend: BackendLike = None,
) -> bytes:
    """Decrypt ``ciphertext`` under a password with ``scheme``.

    A wrong password shows as invalid padding, the only check CBC
    offers. When the padding happens to be valid, the caller's parse of
    the plaintext fails instead, and the caller should report a bad
    password too.

    Args:
        scheme: From :func:`parse_algorithm`.
        password: The password.
        ciphertext: The encrypted bytes.
        label: Name of the data in messages (``private key``).
        source: File name for messages.
        backend: See :func:`purepki.backend.get_backend`.

    Raises:
        BadPassword: The padding is invalid after decryption.
        EncryptionParameterError: The ciphertext is not whole blocks.
    """
    size = scheme.cipher.block_size
    if not ciphertext or len(ciphertext) % size:
        raise EncryptionParameterError(
            f"encrypted {label} of {len(ciphertext)} bytes is not a whole "
            f"number of {size}-byte {scheme.cipher.name} blocks (truncated "
            "or corrupt file?)",
            source=source,
        )
    key, iv = scheme.derive(password)
    try:
        return ciphers.decrypt(
            scheme.block_cipher, key, iv, ciphertext, backend=backend
        )
    except PaddingError:
        raise bad_password(label, scheme, source) from None


def bad_password(
    label: str, scheme: PasswordEncryption, source: str = ""
) -> BadPassword:
    """Return the :class:`BadPassword` error for data that did not
    decrypt."""
    where = f"{source}: " if source else ""
    return BadPassword(
        f"{where}bad password: cannot decrypt the {label} "
        f"({scheme.describe()}); check the password and try again"
    )


# --- Encrypted private key containers --------------------------------------


def read_encrypted_pkcs8(
    data: bytes, *, source: str = ""
) -> tuple[PasswordEncryption, bytes]:
    """Read an EncryptedPrivateKeyInfo (RFC 5958 section 3) without
    decrypting it.

    Returns:
        The scheme and the encrypted bytes.

    Raises:
        DecodeError: The structure or its parameters are malformed.
        UnsupportedScheme: The scheme is not supported.
    """
    value = der.decode(data, schemas.EncryptedPrivateKeyInfo(), source=source)
    algorithm = der.encode(value["encryptionAlgorithm"])
    scheme = parse_algorithm(
        algorithm, source=source, path="encryptionAlgorithm"
    )
    return scheme, bytes(value["encryptedData"])


def decrypt_pkcs8(
    data: bytes,
    password: Optional[Password],
    *,
    source: str = "",
    backend: BackendLike = None,
) -> bytes:
    """Decrypt an EncryptedPrivateKeyInfo into its PrivateKeyInfo DER.

    The result is not parsed. A caller that fails to parse it should
    report :func:`bad_password`, because a wrong password passes the
    padding check about once in 256 tries.

    Raises:
        DecodeError: The structure or its parameters are malformed.
        UnsupportedScheme: The scheme is not supported.
        BadPassword: The password does not decrypt the key.
    """
    scheme, encrypted = read_encrypted_pkcs8(data, source=source)
    return decrypt(
        scheme,
        password,
        encrypted,
        label="private key",
        source=source,
        backend=backend,
    )


def encrypt_pkcs8(
    private_key_info: bytes,
    password: Password,
    scheme: Optional[PasswordEncryption] = None,
    *,
    backend: BackendLike = None,
) -> bytes:
    """Encrypt a PrivateKeyInfo DER into an EncryptedPrivateKeyInfo.

    Args:
        private_key_info: The unencrypted PKCS#8 DER.
        password: The password.
        scheme: Defaults to :func:`pbes2`: PBKDF2-HMAC-SHA256 with
            :data:`DEFAULT_ITERATIONS` and AES-256-CBC.
        backend: See :func:`purepki.backend.get_backend`.
    """
    scheme = scheme or pbes2()
    encrypted = encrypt(scheme, password, private_key_info, backend=backend)
    return der.encode_sequence(scheme.to_der(), _octets(encrypted))


#: Ciphers of legacy PEM ``DEK-Info`` headers (RFC 1423 section 1.1 and
#: the names OpenSSL writes).
LEGACY_PEM_CIPHERS = {
    cipher.name: cipher
    for cipher in (
        ciphers.AES_128_CBC,
        ciphers.AES_192_CBC,
        ciphers.AES_256_CBC,
        ciphers.DES_EDE3_CBC,
        ciphers.DES_CBC,
    )
}


def legacy_pem_cipher(
    dek_info: Optional[str], *, source: str = ""
) -> tuple[Cipher, bytes]:
    """Read a ``DEK-Info: CIPHER,IV`` header of a legacy encrypted PEM.

    Returns:
        The cipher and the IV.

    Raises:
        UnsupportedScheme: The cipher is not one of
            :data:`LEGACY_PEM_CIPHERS`.
        EncryptionParameterError: The header is missing or malformed.
    """
    where = f"{source}: " if source else ""
    if not dek_info:
        raise EncryptionParameterError(
            "legacy encrypted PEM key has no DEK-Info header",
            source=source,
        )
    name, _, iv_hex = dek_info.partition(",")
    name = name.strip().upper()
    cipher = LEGACY_PEM_CIPHERS.get(name)
    if cipher is None:
        known = ", ".join(LEGACY_PEM_CIPHERS)
        raise UnsupportedScheme(
            f"{where}unsupported DEK-Info cipher {name}; purepki reads "
            f"{known}; convert the key with 'openssl pkey' first",
            name,
        )
    try:
        iv = bytes.fromhex(iv_hex.strip())
    except ValueError:
        iv = b""
    if len(iv) != cipher.block_size:
        raise EncryptionParameterError(
            f"DEK-Info IV {iv_hex.strip()[:40]!r} is not "
            f"{cipher.block_size} bytes of hex",
            source=source,
        )
    return cipher, iv


def decrypt_legacy_pem(
    dek_info: Optional[str],
    body: bytes,
    password: Optional[Password],
    *,
    source: str = "",
    backend: BackendLike = None,
) -> bytes:
    """Decrypt the body of a ``Proc-Type: 4,ENCRYPTED`` PEM block.

    The key is :func:`evp_bytes_to_key` of the password with the first 8
    IV bytes as salt, as OpenSSL's PEM_do_header does.

    Raises:
        UnsupportedScheme: The DEK-Info cipher is not supported.
        EncryptionParameterError: The header or body is malformed.
        BadPassword: The password does not decrypt the key.
    """
    cipher, iv = legacy_pem_cipher(dek_info, source=source)
    if len(body) % cipher.block_size:
        raise EncryptionParameterError(
            f"encrypted PEM body of {len(body)} bytes is not a whole "
            f"number of {cipher.block_size}-byte blocks (truncated or "
            "corrupt file?)",
            source=source,
        )
    key = evp_bytes_to_key(utf8_password(password), iv[:8], cipher.key_size)
    try:
        return ciphers.decrypt(cipher, key, iv, body, backend=backend)
    except PaddingError:
        raise legacy_bad_password(cipher, source) from None


def legacy_bad_password(cipher: Cipher, source: str = "") -> BadPassword:
    """Return the :class:`BadPassword` error of a legacy PEM key."""
    where = f"{source}: " if source else ""
    return BadPassword(
        f"{where}bad password: cannot decrypt the private key (legacy PEM, "
        f"{cipher.name}); check the password and try again"
    )
