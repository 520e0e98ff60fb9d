"""RSA and EC key objects: generation, loading, saving, signing, verifying.

Key objects are immutable values that compare and hash by their numbers.
They know nothing of any crypto library: generating, signing and verifying
go through the active backend (:mod:`purepki.backend`).

Formats read and written, each as PEM or DER:

========================  =====================  ===========================
format                    PEM label              standard
========================  =====================  ===========================
PKCS#8                    ``PRIVATE KEY``        RFC 5208, RFC 5958
PKCS#1 private            ``RSA PRIVATE KEY``    RFC 8017 appendix A.1.2
SEC 1                     ``EC PRIVATE KEY``     RFC 5915
SubjectPublicKeyInfo      ``PUBLIC KEY``         RFC 5280 section 4.1
PKCS#1 public             ``RSA PUBLIC KEY``     RFC 8017 appendix A.1.1
========================  =====================  ===========================

Password-protected keys are read with the ``password`` argument of
:func:`load_private_key`: encrypted PKCS#8 (RFC 5958 section 3, under the
``ENCRYPTED PRIVATE KEY`` label, a plain ``PRIVATE KEY`` label or as DER)
with the schemes of :mod:`purepki.pbe`, and legacy OpenSSL PEM with
``Proc-Type: 4,ENCRYPTED`` and ``DEK-Info`` headers. Without a password
they raise :class:`~purepki.errors.EncryptedKeyError` naming the scheme.
:func:`encrypt_private_key` and the ``to_encrypted_der`` and
``to_encrypted_pem`` methods write encrypted PKCS#8, by default with
PBES2, PBKDF2-HMAC-SHA256 and AES-256-CBC.

This module re-exports the public names of the modules that implement
it. :mod:`purepki._key_types` contains the key classes,
:mod:`purepki._key_encoding` and :mod:`purepki._key_decoding` the DER
encoders and decoders, :mod:`purepki._key_loading` the file loaders and
:mod:`purepki._key_generation` key generation.
"""

from __future__ import annotations

from purepki._key_decoding import public_key_from_spki
from purepki._key_encoding import (
    Encoding,
    PrivateFormat,
    PublicFormat,
    encrypt_private_key,
)
from purepki._key_encoding import Password as Password
from purepki._key_generation import (
    DEFAULT_RSA_KEY_SIZE as DEFAULT_RSA_KEY_SIZE,
)
from purepki._key_generation import RSA_KEY_SIZES as RSA_KEY_SIZES
from purepki._key_generation import (
    RSA_PUBLIC_EXPONENT as RSA_PUBLIC_EXPONENT,
)
from purepki._key_generation import generate_ec_key, generate_rsa_key
from purepki._key_loading import (
    load_private_key,
    load_public_key,
    private_key_encryption,
)
from purepki._key_types import MAX_RSA_LOAD_SIZE as MAX_RSA_LOAD_SIZE
from purepki._key_types import MIN_RSA_LOAD_SIZE as MIN_RSA_LOAD_SIZE
from purepki._key_types import (
    ECPrivateKey,
    ECPublicKey,
    PrivateKey,
    PSSRestrictions,
    PublicKey,
    RSAPrivateKey,
    RSAPublicKey,
)
from purepki._key_types import is_private_key as is_private_key
from purepki.algorithms import SignatureScheme

__all__ = [
    "ECPrivateKey",
    "ECPublicKey",
    "Encoding",
    "PSSRestrictions",
    "PrivateFormat",
    "PrivateKey",
    "PublicFormat",
    "PublicKey",
    "RSAPrivateKey",
    "RSAPublicKey",
    "SignatureScheme",
    "encrypt_private_key",
    "generate_ec_key",
    "generate_rsa_key",
    "load_private_key",
    "load_public_key",
    "private_key_encryption",
    "public_key_from_spki",
]
