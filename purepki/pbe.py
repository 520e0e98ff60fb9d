"""Password-based encryption: the key derivations and the PBE schemes of
encrypted PKCS#8 keys, legacy PEM keys and PKCS#12 files.

Key derivations:

* PBKDF2 with HMAC-SHA-1, -SHA-224, -SHA-256, -SHA-384 or -SHA-512
  (RFC 8018 section 5.2), and scrypt (RFC 7914), both through
  :mod:`hashlib`;
* the PKCS#12 key derivation (RFC 7292 appendix B.2);
* OpenSSL's ``EVP_BytesToKey`` with MD5 and one iteration, which derives
  the key of legacy ``Proc-Type: 4,ENCRYPTED`` PEM files.

Schemes, read from their AlgorithmIdentifier by :func:`parse_algorithm`:

* PBES2 (RFC 8018 section 6.2) with PBKDF2 or scrypt, and AES-CBC,
  DES-EDE3-CBC, DES-CBC or RC2-CBC;
* PBES1 (RFC 8018 section 6.1): pbeWithMD5AndDES-CBC,
  pbeWithSHA1AndDES-CBC, pbeWithMD5AndRC2-CBC, pbeWithSHA1AndRC2-CBC;
* the PKCS#12 schemes of RFC 7292 appendix C with 3-key and 2-key
  TDEA and 128-bit and 40-bit RC2.

Three kinds of failure stay apart: :class:`BadPassword` for a password
that does not decrypt, :class:`UnsupportedScheme` for a scheme purepki
does not implement (found before any password is tried), and
:class:`~purepki.errors.DecodeError` for malformed parameters.

Passwords are ``str`` or ``bytes``. PBES1 and PBES2 use the UTF-8 bytes,
as OpenSSL does. The PKCS#12 schemes use the BMPString form of RFC 7292
appendix B.1, UTF-16BE with two zero bytes at the end. ``None`` is the
absent password, which the PKCS#12 schemes encode as no bytes at all
(OpenSSL's NULL password), and PBES1 and PBES2 as the empty string.

This module re-exports the public names of the modules that implement
it. :mod:`purepki._pbe_kdf` contains the key derivations,
:mod:`purepki._pbe_schemes` the scheme values and their encoding,
:mod:`purepki._pbe_parsing` the AlgorithmIdentifier parser and
:mod:`purepki._pbe_encryption` encryption, decryption and the encrypted
key containers.
"""

from __future__ import annotations

from purepki._pbe_encryption import (
    LEGACY_PEM_CIPHERS,
    BadPassword,
    bad_password,
    decrypt,
    decrypt_legacy_pem,
    decrypt_pkcs8,
    encrypt,
    encrypt_pkcs8,
    legacy_bad_password,
    legacy_pem_cipher,
    read_encrypted_pkcs8,
)
from purepki._pbe_kdf import (
    MAX_SCRYPT_MEMORY,
    bmp_password,
    evp_bytes_to_key,
    pbkdf2,
    pkcs12_kdf,
    scrypt,
    utf8_password,
)
from purepki._pbe_kdf import PKCS12_IV as PKCS12_IV
from purepki._pbe_kdf import PKCS12_KEY as PKCS12_KEY
from purepki._pbe_kdf import PKCS12_MAC as PKCS12_MAC
from purepki._pbe_kdf import Password as Password
from purepki._pbe_parsing import (
    EncryptionParameterError,
    UnsupportedScheme,
    describe_algorithm,
    parse_algorithm,
)
from purepki._pbe_schemes import (
    DEFAULT_ITERATIONS,
    DEFAULT_PKCS12_ITERATIONS,
    MAX_ITERATIONS,
    PasswordEncryption,
    SchemeKind,
    ScryptParameters,
    hmac_hash,
    pbes2,
    pbes2_scrypt,
    pkcs12_pbe,
)
from purepki._pbe_schemes import PBES2 as PBES2
from purepki._pbe_schemes import PBKDF2 as PBKDF2
from purepki._pbe_schemes import PBMAC1 as PBMAC1
from purepki._pbe_schemes import SALT_SIZE as SALT_SIZE
from purepki._pbe_schemes import SCRYPT as SCRYPT

__all__ = [
    "DEFAULT_ITERATIONS",
    "DEFAULT_PKCS12_ITERATIONS",
    "LEGACY_PEM_CIPHERS",
    "MAX_ITERATIONS",
    "MAX_SCRYPT_MEMORY",
    "BadPassword",
    "EncryptionParameterError",
    "PasswordEncryption",
    "SchemeKind",
    "ScryptParameters",
    "UnsupportedScheme",
    "bad_password",
    "bmp_password",
    "decrypt",
    "decrypt_legacy_pem",
    "decrypt_pkcs8",
    "describe_algorithm",
    "encrypt",
    "encrypt_pkcs8",
    "evp_bytes_to_key",
    "hmac_hash",
    "legacy_bad_password",
    "legacy_pem_cipher",
    "parse_algorithm",
    "pbes2",
    "pbes2_scrypt",
    "pbkdf2",
    "pkcs12_kdf",
    "pkcs12_pbe",
    "read_encrypted_pkcs8",
    "scrypt",
    "utf8_password",
]
