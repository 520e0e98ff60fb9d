"""Key file loaders. They tell PEM from DER, find the key structure from
the DER outline, and decrypt encrypted keys through :mod:`purepki.pbe`.

:mod:`purepki.pbe` is imported inside the functions that need it, so
``import purepki`` and loading an unencrypted key do not import the PBE
modules. Import the public names from :mod:`purepki.keys`.
"""

from __future__ import annotations

import enum
from typing import Optional

from purepki import pem
from purepki._key_decoding import (
    _decode_ec_private,
    _decode_pkcs8,
    _decode_rsa_private,
    _decode_rsa_public,
    _decode_spki,
)
from purepki._key_encoding import Password
from purepki._key_types import PrivateKey, PublicKey
from purepki.asn1 import der
from purepki.backend import BackendLike
from purepki.errors import DecodeError, EncryptedKeyError, WrongObjectType

# --- Detecting what a DER blob is ------------------------------------------


class _Shape(enum.Enum):
    PKCS8 = "PKCS#8 private key"
    ENCRYPTED_PKCS8 = "encrypted PKCS#8 private key"
    PKCS1_PRIVATE = "PKCS#1 RSA private key"
    SEC1 = "SEC 1 EC private key"
    SPKI = "public key (SubjectPublicKeyInfo)"
    PKCS1_PUBLIC = "PKCS#1 RSA public key"
    CERTIFICATE = "certificate"
    CSR = "certificate request"
    EC_PARAMETERS = "EC parameters"
    UNKNOWN = "unknown structure"


def _universal(node: der.Node, number: int) -> bool:
    return node.tag_class == der.CLASS_UNIVERSAL and node.number == number


def _shape(data: bytes, source: str) -> _Shape:
    """Guess which key structure DER ``data`` contains from its outline."""
    root = der.scan(data)
    if _universal(root, 6):
        return _Shape.EC_PARAMETERS
    if not _universal(root, 16):
        return _Shape.UNKNOWN
    kids = root.children
    tags = [(k.tag_class, k.number) for k in kids]
    universal = der.CLASS_UNIVERSAL
    if len(kids) >= 9 and all(_universal(k, 2) for k in kids[:9]):
        return _Shape.PKCS1_PRIVATE
    if tags == [(universal, 2), (universal, 2)]:
        return _Shape.PKCS1_PUBLIC
    if len(kids) >= 3 and _universal(kids[0], 2):
        if _universal(kids[1], 16) and _universal(kids[2], 4):
            return _Shape.PKCS8
        if _universal(kids[1], 4):
            return _Shape.SEC1
    if tags == [(universal, 16), (universal, 4)]:
        return _Shape.ENCRYPTED_PKCS8
    if tags == [(universal, 16), (universal, 3)]:
        return _Shape.SPKI
    if len(kids) == 3 and _universal(kids[0], 16):
        first = kids[0].children
        if first and _universal(first[0], 2) and len(first) == 4:
            return _Shape.CSR
        return _Shape.CERTIFICATE
    return _Shape.UNKNOWN


_PRIVATE_SHAPES = {_Shape.PKCS8, _Shape.PKCS1_PRIVATE, _Shape.SEC1}
_PUBLIC_SHAPES = {_Shape.SPKI, _Shape.PKCS1_PUBLIC}


def _decode_private_der(
    data: bytes, shape: _Shape, source: str, backend: BackendLike
) -> PrivateKey:
    if shape is _Shape.PKCS8:
        return _decode_pkcs8(data, source, backend)
    if shape is _Shape.PKCS1_PRIVATE:
        return _decode_rsa_private(data, source)
    return _decode_ec_private(data, source, None, backend)


def _decode_public_der(data: bytes, shape: _Shape, source: str) -> PublicKey:
    if shape is _Shape.SPKI:
        return _decode_spki(data, source)
    return _decode_rsa_public(data, source, "")


_LABEL_SHAPES = {
    "PRIVATE KEY": _Shape.PKCS8,
    "RSA PRIVATE KEY": _Shape.PKCS1_PRIVATE,
    "EC PRIVATE KEY": _Shape.SEC1,
    "PUBLIC KEY": _Shape.SPKI,
    "RSA PUBLIC KEY": _Shape.PKCS1_PUBLIC,
}


def _legacy_encrypted(block: pem.PEMBlock) -> bool:
    proc_type = block.header("Proc-Type")
    return proc_type is not None and "ENCRYPTED" in proc_type.upper()


def _encrypted_error(source: str, scheme: str) -> EncryptedKeyError:
    return EncryptedKeyError(
        f"{source}: private key is encrypted ({scheme}); give its password, "
        "or run 'purepki unlock KEY' on the file, which replaces it with "
        "the unencrypted key"
    )


def _decrypt_legacy_block(
    block: pem.PEMBlock,
    password: Optional[Password],
    source: str,
    backend: BackendLike,
) -> PrivateKey:
    """Decrypt a ``Proc-Type: 4,ENCRYPTED`` block and decode the key."""
    from purepki import pbe

    dek_info = block.header("DEK-Info")
    cipher, _ = pbe.legacy_pem_cipher(dek_info, source=source)
    if password is None:
        raise _encrypted_error(source, f"legacy PEM, {cipher.name}")
    plain = pbe.decrypt_legacy_pem(
        dek_info, block.der, password, source=source, backend=backend
    )
    shape = _LABEL_SHAPES.get(block.label, _Shape.PKCS8)
    try:
        return _decode_private_der(plain, shape, source, backend)
    except DecodeError:
        raise pbe.legacy_bad_password(cipher, source) from None


def _decrypt_pkcs8(
    data: bytes,
    password: Optional[Password],
    source: str,
    backend: BackendLike,
) -> PrivateKey:
    """Decrypt an EncryptedPrivateKeyInfo and decode the key inside."""
    from purepki import pbe

    scheme, _ = pbe.read_encrypted_pkcs8(data, source=source)
    if password is None:
        raise _encrypted_error(source, f"PKCS#8, {scheme.describe()}")
    plain = pbe.decrypt_pkcs8(data, password, source=source, backend=backend)
    try:
        return _decode_pkcs8(plain, source, backend)
    except DecodeError:
        raise pbe.bad_password("private key", scheme, source) from None


def _load_private_block(
    block: pem.PEMBlock,
    password: Optional[Password],
    source: str,
    backend: BackendLike,
) -> PrivateKey:
    if _legacy_encrypted(block):
        return _decrypt_legacy_block(block, password, source, backend)
    encrypted = block.label == pem.ENCRYPTED_PRIVATE_KEY_LABEL or (
        block.label == "PRIVATE KEY"
        and _der_shape(block.der, source) is _Shape.ENCRYPTED_PKCS8
    )
    if encrypted:
        return _decrypt_pkcs8(block.der, password, source, backend)
    shape = _LABEL_SHAPES[block.label]
    return _decode_private_der(block.der, shape, source, backend)


def _what_is(blocks: list[pem.PEMBlock]) -> str:
    labels = sorted({block.label for block in blocks})
    return ", ".join(f"'{label}'" for label in labels) or "no PEM block"


def load_private_key(
    data: bytes,
    *,
    password: Optional[Password] = None,
    source: str = "private key",
    backend: BackendLike = None,
) -> PrivateKey:
    """Load a private key from PEM or DER, decrypting it if needed.

    PEM is told from DER by content. In a PEM file holding several blocks
    (a key next to certificates), the first private key block is used and
    other blocks are ignored, including the ``EC PARAMETERS`` block that
    ``openssl ecparam -genkey`` writes before the key.

    Args:
        data: File content.
        password: The password of an encrypted key, as text or UTF-8
            bytes. It is ignored when the key is not encrypted; use
            :func:`private_key_encryption` to tell the two apart.
        source: File name shown in errors.
        backend: Runs the cipher, and derives an EC public point when the
            file lacks it.

    Raises:
        DecodeError: The content is not a valid key, or its encryption
            parameters are malformed.
        WrongObjectType: The content is a public key, a certificate or
            another object.
        EncryptedKeyError: The key is password-protected and no password
            was given; the message names the scheme.
        purepki.pbe.BadPassword: The password does not decrypt the key.
        UnsupportedAlgorithm: The key type or curve is not supported, or
            the key is encrypted with a scheme purepki does not implement
            (:class:`purepki.pbe.UnsupportedScheme`), whether or not a
            password was given.
    """
    data = pem.as_bytes(data, source)
    if pem.looks_like_pem(data):
        blocks = pem.read_blocks(data, source)
        for block in blocks:
            if block.label in pem.PRIVATE_KEY_LABELS or (
                block.label == pem.ENCRYPTED_PRIVATE_KEY_LABEL
            ):
                return _load_private_block(block, password, source, backend)
        raise WrongObjectType(
            f"no private key found: the file contains {_what_is(blocks)}; "
            "expected a 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY' "
            "block",
            source=source,
        )
    shape = _der_shape(data, source)
    if shape is _Shape.ENCRYPTED_PKCS8:
        return _decrypt_pkcs8(data, password, source, backend)
    if shape not in _PRIVATE_SHAPES:
        raise WrongObjectType(
            f"expected a private key, found a {shape.value}", source=source
        )
    return _decode_private_der(data, shape, source, backend)


def private_key_encryption(
    data: bytes, *, source: str = "private key"
) -> Optional[str]:
    """Describe how a private key file is encrypted, without a password.

    Returns:
        ``None`` for an unencrypted key, else the scheme, such as
        ``PKCS#8, PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations,
        AES-256-CBC)`` or ``legacy PEM, AES-128-CBC``.

    Raises:
        DecodeError: The content is not a key file, or the encryption
            parameters are malformed.
        WrongObjectType: The content contains no private key.
        purepki.pbe.UnsupportedScheme: The key is encrypted with a scheme
            purepki does not implement.
    """
    from purepki import pbe

    if pem.looks_like_pem(data):
        for block in pem.read_blocks(data, source):
            if block.label in pem.PRIVATE_KEY_LABELS or (
                block.label == pem.ENCRYPTED_PRIVATE_KEY_LABEL
            ):
                return _block_encryption(block, source)
        raise WrongObjectType("no private key found", source=source)
    if _der_shape(data, source) is not _Shape.ENCRYPTED_PKCS8:
        return None
    scheme, _ = pbe.read_encrypted_pkcs8(data, source=source)
    return f"PKCS#8, {scheme.describe()}"


def _block_encryption(block: pem.PEMBlock, source: str) -> Optional[str]:
    from purepki import pbe

    if _legacy_encrypted(block):
        header = block.header("DEK-Info")
        cipher, _ = pbe.legacy_pem_cipher(header, source=source)
        return f"legacy PEM, {cipher.name}"
    if block.label == pem.ENCRYPTED_PRIVATE_KEY_LABEL or (
        block.label == "PRIVATE KEY"
        and _der_shape(block.der, source) is _Shape.ENCRYPTED_PKCS8
    ):
        scheme, _ = pbe.read_encrypted_pkcs8(block.der, source=source)
        return f"PKCS#8, {scheme.describe()}"
    return None


def load_public_key(data: bytes, *, source: str = "public key") -> PublicKey:
    """Load a public key from PEM or DER (SubjectPublicKeyInfo or PKCS#1).

    Raises:
        DecodeError: The content is not a valid public key.
        WrongObjectType: The content is a private key or another object.
        UnsupportedAlgorithm: The key type or curve is not supported.
    """
    data = pem.as_bytes(data, source)
    if pem.looks_like_pem(data):
        blocks = pem.read_blocks(data, source)
        for block in blocks:
            if block.label in pem.PUBLIC_KEY_LABELS:
                shape = _LABEL_SHAPES[block.label]
                return _decode_public_der(block.der, shape, source)
        raise WrongObjectType(
            f"no public key found: the file contains {_what_is(blocks)}; "
            "expected a 'PUBLIC KEY' or 'RSA PUBLIC KEY' block",
            source=source,
        )
    shape = _der_shape(data, source)
    if shape not in _PUBLIC_SHAPES:
        raise WrongObjectType(
            f"expected a public key, found a {shape.value}", source=source
        )
    return _decode_public_der(data, shape, source)


def _der_shape(data: bytes, source: str) -> _Shape:
    if not data:
        raise DecodeError(
            "input is empty; expected a PEM or DER key", source=source
        )
    if not pem.looks_like_der(data):
        first = f"{data[0]:#04x}"
        raise DecodeError(
            f"not PEM (no '-----BEGIN' line) and not DER (starts with "
            f"{first}, DER keys start with 0x30)",
            source=source,
        )
    try:
        return _shape(data, source)
    except DecodeError as error:
        raise error.relocate(source=source) from None
