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
"""

from __future__ import annotations

import enum
import hashlib
import os
from typing import Any, Optional, Union

from pyasn1.type import univ
from pyasn1_modules import rfc5280, rfc7292, rfc7914, rfc8018

from purepki import ciphers
from purepki._record import dataclass, field
from purepki.algorithms import HashAlgorithm
from purepki.asn1 import der, schemas
from purepki.asn1.oids import display_name
from purepki.backend import BackendLike
from purepki.ciphers import Cipher, PaddingError
from purepki.errors import (
    DecodeError,
    PurePKIError,
    UnsupportedAlgorithm,
    UnsupportedReason,
)

Password = Union[str, bytes]

#: Iterations written by default with PBKDF2-HMAC-SHA256. The OWASP
#: Password Storage Cheat Sheet (May 2023) recommends 600,000 or more.
DEFAULT_ITERATIONS = 600_000

#: Iterations written with the PKCS#12 key derivation, which runs in
#: Python here. ``openssl pkcs12 -export`` of OpenSSL 3.0 writes 2048 too.
DEFAULT_PKCS12_ITERATIONS = 2048

#: Largest iteration count read, which bounds the work a hostile file can
#: request. On one AMD EPYC core, 10 million iterations took about 7 s of
#: PBKDF2-HMAC-SHA256 through hashlib and about 20 s of the PKCS#12 key
#: derivation, which runs in Python.
MAX_ITERATIONS = 10_000_000

#: Most memory an scrypt parameter set read from a file may take, in
#: bytes (128 * r * N). OpenSSL's default limit is 32 MiB too
#: (SCRYPT_MAX_MEM in crypto/evp/pbe_scrypt.c).
MAX_SCRYPT_MEMORY = 32 * 1024 * 1024

#: Salt length written, in bytes. RFC 8018 section 4.1 recommends at
#: least 8.
SALT_SIZE = 16


class BadPassword(PurePKIError, ValueError):
    """A password that does not decrypt the data or verify its MAC."""


class UnsupportedScheme(UnsupportedAlgorithm):
    """A well-formed encryption scheme that purepki does not implement.

    Attributes:
        scheme_name: The short name of what is missing (``RC4-40``,
            ``CAMELLIA-256-CBC``), for messages that add context.
    """

    def __init__(self, message: str, scheme_name: str = "") -> None:
        self.scheme_name = scheme_name or message
        super().__init__(message, UnsupportedReason.FORMAT)


class EncryptionParameterError(DecodeError):
    """Encryption parameters that are malformed or out of range."""


# --- Object identifiers ----------------------------------------------------

_PKCS5 = "1.2.840.113549.1.5"
PBES2 = f"{_PKCS5}.13"
PBKDF2 = f"{_PKCS5}.12"
PBMAC1 = f"{_PKCS5}.14"
SCRYPT = "1.3.6.1.4.1.11591.4.11"

_HMAC_OIDS = {
    "1.2.840.113549.2.7": HashAlgorithm.SHA1,
    "1.2.840.113549.2.8": HashAlgorithm.SHA224,
    "1.2.840.113549.2.9": HashAlgorithm.SHA256,
    "1.2.840.113549.2.10": HashAlgorithm.SHA384,
    "1.2.840.113549.2.11": HashAlgorithm.SHA512,
}
_HMAC_OF_HASH = {value: key for key, value in _HMAC_OIDS.items()}


def hmac_hash(oid: str) -> Optional[HashAlgorithm]:
    """Return the hash of an HMAC OID (hmacWithSHA256, RFC 8018 B.1)."""
    return _HMAC_OIDS.get(oid)


# RFC 8018 appendix B.2 and RFC 3565 section 4.1.
_PBES2_CIPHERS = {
    "2.16.840.1.101.3.4.1.2": ciphers.AES_128_CBC,
    "2.16.840.1.101.3.4.1.22": ciphers.AES_192_CBC,
    "2.16.840.1.101.3.4.1.42": ciphers.AES_256_CBC,
    "1.2.840.113549.3.7": ciphers.DES_EDE3_CBC,
    "1.3.14.3.2.7": ciphers.DES_CBC,
}
_CIPHER_OIDS = {value: key for key, value in _PBES2_CIPHERS.items()}
_RC2_CBC = "1.2.840.113549.3.2"

# RFC 8018 appendix A.3: PBES1 schemes, by OID: (name, hash, cipher).
_PBES1 = {
    f"{_PKCS5}.3": ("pbeWithMD5AndDES-CBC", "md5", ciphers.DES_CBC),
    f"{_PKCS5}.10": ("pbeWithSHA1AndDES-CBC", "sha1", ciphers.DES_CBC),
    f"{_PKCS5}.6": ("pbeWithMD5AndRC2-CBC", "md5", ciphers.RC2_64_CBC),
    f"{_PKCS5}.11": ("pbeWithSHA1AndRC2-CBC", "sha1", ciphers.RC2_64_CBC),
}
_PBES1_UNSUPPORTED = {
    f"{_PKCS5}.1": "pbeWithMD2AndDES-CBC",
    f"{_PKCS5}.4": "pbeWithMD2AndRC2-CBC",
}

# RFC 7292 appendix C: PKCS#12 schemes, by OID: (name, cipher). A 16-byte
# TDEA key is K1 K2 and runs as K1 K2 K1.
_PKCS12_PBE = "1.2.840.113549.1.12.1"
_TWO_KEY_TDEA = Cipher("DES-EDE-CBC", ciphers.CipherFamily.DES_EDE3, 16, 8)
_PKCS12 = {
    f"{_PKCS12_PBE}.3": (
        "pbeWithSHAAnd3-KeyTripleDES-CBC",
        ciphers.DES_EDE3_CBC,
    ),
    f"{_PKCS12_PBE}.4": ("pbeWithSHAAnd2-KeyTripleDES-CBC", _TWO_KEY_TDEA),
    f"{_PKCS12_PBE}.5": ("pbeWithSHAAnd128BitRC2-CBC", ciphers.RC2_128_CBC),
    f"{_PKCS12_PBE}.6": ("pbeWithSHAAnd40BitRC2-CBC", ciphers.RC2_40_CBC),
}
_PKCS12_UNSUPPORTED = {
    f"{_PKCS12_PBE}.1": "pbeWithSHAAnd128BitRC4",
    f"{_PKCS12_PBE}.2": "pbeWithSHAAnd40BitRC4",
}
#: Short cipher names of the schemes purepki does not implement.
_UNSUPPORTED_CIPHERS = {
    f"{_PKCS12_PBE}.1": "RC4-128",
    f"{_PKCS12_PBE}.2": "RC4-40",
    f"{_PKCS5}.1": "DES-CBC with MD2",
    f"{_PKCS5}.4": "RC2-64-CBC with MD2",
}
_PKCS12_OIDS = {value[1]: key for key, value in _PKCS12.items()}

#: RC2 effective key bits by rc2ParameterVersion (RFC 8018 appendix
#: B.2.3); versions of 256 and more give the bits directly.
_RC2_VERSIONS = {160: 40, 120: 64, 58: 128}
_RC2_VERSION_OF_BITS = {
    bits: version for version, bits in _RC2_VERSIONS.items()
}


# --- Key derivation --------------------------------------------------------


def pbkdf2(
    hash: HashAlgorithm,
    password: bytes,
    salt: bytes,
    iterations: int,
    length: int,
) -> bytes:
    """Derive a key with PBKDF2 and HMAC-``hash`` (RFC 8018 section 5.2)."""
    return hashlib.pbkdf2_hmac(
        hash.hashlib_name, password, salt, iterations, length
    )


def scrypt(
    password: bytes, salt: bytes, n: int, r: int, p: int, length: int
) -> bytes:
    """Derive a key with scrypt (RFC 7914 section 6).

    Raises:
        ValueError: The parameters are invalid or need more than
            :data:`MAX_SCRYPT_MEMORY`.
    """
    memory = 128 * r * n
    if memory > MAX_SCRYPT_MEMORY:
        raise ValueError(
            f"scrypt N={n}, r={r} needs {memory} bytes, more than the "
            f"limit of {MAX_SCRYPT_MEMORY}"
        )
    # hashlib counts the p blocks and some overhead against maxmem too.
    limit = 2 * memory + 128 * r * p + (1 << 20)
    return hashlib.scrypt(
        password, salt=salt, n=n, r=r, p=p, maxmem=limit, dklen=length
    )


#: Hash block sizes v of RFC 7292 appendix B.2, in bytes.
_BLOCK_SIZES = {
    HashAlgorithm.MD5: 64,
    HashAlgorithm.SHA1: 64,
    HashAlgorithm.SHA224: 64,
    HashAlgorithm.SHA256: 64,
    HashAlgorithm.SHA384: 128,
    HashAlgorithm.SHA512: 128,
}

#: Purpose bytes (ID) of RFC 7292 appendix B.3.
PKCS12_KEY = 1
PKCS12_IV = 2
PKCS12_MAC = 3


def pkcs12_kdf(
    hash: HashAlgorithm,
    password: bytes,
    salt: bytes,
    purpose: int,
    iterations: int,
    length: int,
) -> bytes:
    """Derive bytes with the PKCS#12 key derivation (RFC 7292 B.2).

    Args:
        hash: The hash H.
        password: The password already in BMPString form (see
            :func:`bmp_password`), or empty for the absent password.
        salt: The salt S.
        purpose: ID: :data:`PKCS12_KEY`, :data:`PKCS12_IV` or
            :data:`PKCS12_MAC`.
        iterations: The iteration count r.
        length: The number of bytes n to derive.
    """
    u = hash.digest_size
    v = _BLOCK_SIZES[hash]
    d = bytes([purpose]) * v
    i = bytearray(_stretch(salt, v) + _stretch(password, v))
    new = hashlib.new
    name = hash.hashlib_name
    output = bytearray()
    while True:
        a = new(name, d + bytes(i)).digest()
        for _ in range(iterations - 1):
            a = new(name, a).digest()
        output += a
        if len(output) >= length:
            return bytes(output[:length])
        b = int.from_bytes((a * (v // u + 1))[:v], "big") + 1
        modulus = 1 << (8 * v)
        for start in range(0, len(i), v):
            block = int.from_bytes(i[start : start + v], "big")
            i[start : start + v] = ((block + b) % modulus).to_bytes(v, "big")


def _stretch(data: bytes, v: int) -> bytes:
    """Repeat ``data`` to a multiple of ``v`` bytes (RFC 7292 B.2 step 2
    and 3); empty input stays empty."""
    if not data:
        return b""
    size = v * ((len(data) + v - 1) // v)
    return (data * (size // len(data) + 1))[:size]


def evp_bytes_to_key(password: bytes, salt: bytes, key_length: int) -> bytes:
    """Derive a key as OpenSSL's ``EVP_BytesToKey`` with MD5 and one
    iteration does for legacy PEM encryption.

    D_1 = MD5(password || salt), D_i = MD5(D_(i-1) || password || salt),
    and the key is the first ``key_length`` bytes of D_1 D_2 ... (the
    EVP_BytesToKey(3) manual of OpenSSL).
    """
    output = b""
    block = b""
    while len(output) < key_length:
        block = hashlib.md5(block + password + salt).digest()
        output += block
    return output[:key_length]


def utf8_password(password: Optional[Password]) -> bytes:
    """Return the password bytes used by PBES1, PBES2 and legacy PEM."""
    if password is None:
        return b""
    if isinstance(password, str):
        return password.encode("utf-8")
    return bytes(password)


def bmp_password(password: Optional[Password]) -> bytes:
    """Encode a password for the PKCS#12 key derivation (RFC 7292 B.1):
    UTF-16BE with a two-byte zero terminator; ``None`` gives no bytes."""
    if password is None:
        return b""
    if isinstance(password, bytes):
        password = password.decode("utf-8", errors="replace")
    return password.encode("utf-16-be") + b"\x00\x00"


# --- Parsed schemes --------------------------------------------------------


class SchemeKind(enum.Enum):
    """Families of password-based encryption schemes."""

    PBES2 = "PBES2"
    PBES1 = "PBES1"
    PKCS12 = "PKCS#12 PBE"


@dataclass(frozen=True)
class ScryptParameters:
    """The scrypt cost parameters (RFC 7914 section 7.1)."""

    n: int
    r: int
    p: int


@dataclass(frozen=True)
class PasswordEncryption:
    """A password-based encryption scheme with its parameters.

    Build one with :func:`parse_algorithm`, :func:`pbes2` or
    :func:`pkcs12_pbe`.

    Attributes:
        kind: PBES2, PBES1 or a PKCS#12 scheme.
        name: The scheme's name (``PBES2``, ``pbeWithSHAAnd40BitRC2-CBC``).
        cipher: The block cipher.
        hash: The PBKDF2 PRF hash, or the hash of a PBES1 or PKCS#12
            scheme; ``None`` with scrypt.
        salt: The salt.
        iterations: The iteration count; 0 with scrypt.
        iv: The IV of a PBES2 scheme; PBES1 and PKCS#12 derive theirs.
        scrypt: The scrypt parameters, when PBES2 uses scrypt.
    """

    kind: SchemeKind
    name: str
    cipher: Cipher
    hash: Optional[HashAlgorithm]
    salt: bytes = field(repr=False)
    iterations: int
    iv: Optional[bytes] = field(default=None, repr=False)
    scrypt: Optional[ScryptParameters] = None

    def describe(self) -> str:
        """Return a one-line description for ``inspect`` and messages."""
        if self.kind is SchemeKind.PBES2:
            if self.scrypt is not None:
                s = self.scrypt
                kdf = f"scrypt N={s.n} r={s.r} p={s.p}"
            else:
                assert self.hash is not None
                kdf = (
                    f"PBKDF2-HMAC-{self.hash.name}, "
                    f"{self.iterations} iterations"
                )
            return f"PBES2 ({kdf}, {self.cipher.name})"
        return f"{self.name} ({self.iterations} iterations)"

    def __str__(self) -> str:
        return self.describe()

    @property
    def block_cipher(self) -> Cipher:
        """The cipher run on the derived key: 2-key TDEA runs as 3-key
        TDEA with K3 = K1."""
        if self.cipher is _TWO_KEY_TDEA:
            return ciphers.DES_EDE3_CBC
        return self.cipher

    def derive(self, password: Optional[Password]) -> tuple[bytes, bytes]:
        """Derive the cipher key and IV from a password."""
        size = self.cipher.key_size
        if self.kind is SchemeKind.PKCS12:
            assert self.hash is not None
            secret = bmp_password(password)
            key = pkcs12_kdf(
                self.hash, secret, self.salt, PKCS12_KEY, self.iterations, size
            )
            iv = pkcs12_kdf(
                self.hash, secret, self.salt, PKCS12_IV, self.iterations, 8
            )
            if self.cipher is _TWO_KEY_TDEA:
                # RFC 7292 appendix C: 2-key TDEA derives K1 K2 and
                # encrypts with K1 K2 K1.
                key += key[:8]
            return key, iv
        secret = utf8_password(password)
        if self.kind is SchemeKind.PBES1:
            assert self.hash is not None
            derived = _pbkdf1(self.hash, secret, self.salt, self.iterations)
            return derived[:8], derived[8:16]
        assert self.iv is not None
        if self.scrypt is not None:
            s = self.scrypt
            return scrypt(secret, self.salt, s.n, s.r, s.p, size), self.iv
        assert self.hash is not None
        key = pbkdf2(self.hash, secret, self.salt, self.iterations, size)
        return key, self.iv

    def to_der(self) -> bytes:
        """Encode the scheme as its AlgorithmIdentifier.

        Raises:
            ValueError: The scheme is PBES1, which purepki reads only.
        """
        if self.kind is SchemeKind.PKCS12:
            params = der.encode_sequence(
                _octets(self.salt), der.encode_integer(self.iterations)
            )
            return _algorithm(_PKCS12_OIDS[self.cipher], params)
        if self.kind is SchemeKind.PBES1:
            raise ValueError("purepki does not write PBES1; use PBES2")
        return _encode_pbes2(self)


def _pbkdf1(
    hash: HashAlgorithm, password: bytes, salt: bytes, iterations: int
) -> bytes:
    """PBKDF1 (RFC 8018 section 5.1) with a 16-byte output."""
    block = hash.digest(password + salt)
    for _ in range(iterations - 1):
        block = hash.digest(block)
    return block[:16]


# --- Encoding --------------------------------------------------------------


def _octets(data: bytes) -> bytes:
    return der.encode_tlv(0x04, data)


def _oid(dotted: str) -> bytes:
    return der.encode(univ.ObjectIdentifier(dotted))


def _algorithm(dotted: str, parameters: Optional[bytes]) -> bytes:
    if parameters is None:
        return der.encode_sequence(_oid(dotted))
    return der.encode_sequence(_oid(dotted), parameters)


def _encode_pbes2(scheme: PasswordEncryption) -> bytes:
    cipher = scheme.cipher
    assert scheme.iv is not None
    if scheme.scrypt is not None:
        s = scheme.scrypt
        kdf = _algorithm(
            SCRYPT,
            der.encode_sequence(
                _octets(scheme.salt),
                der.encode_integer(s.n),
                der.encode_integer(s.r),
                der.encode_integer(s.p),
            ),
        )
    else:
        assert scheme.hash is not None
        parts = [_octets(scheme.salt), der.encode_integer(scheme.iterations)]
        if cipher.family is ciphers.CipherFamily.RC2:
            parts.append(der.encode_integer(cipher.key_size))
        if scheme.hash is not HashAlgorithm.SHA1:
            hmac_oid = _HMAC_OF_HASH[scheme.hash]
            parts.append(_algorithm(hmac_oid, b"\x05\x00"))
        kdf = _algorithm(PBKDF2, der.encode_sequence(*parts))
    if cipher.family is ciphers.CipherFamily.RC2:
        bits = cipher.effective_key_bits or 8 * cipher.key_size
        version = _RC2_VERSION_OF_BITS.get(bits, bits)
        params = der.encode_sequence(
            der.encode_integer(version), _octets(scheme.iv)
        )
        encryption = _algorithm(_RC2_CBC, params)
    else:
        encryption = _algorithm(_CIPHER_OIDS[cipher], _octets(scheme.iv))
    return _algorithm(PBES2, der.encode_sequence(kdf, encryption))


# --- Building schemes for writing ------------------------------------------


def pbes2(
    cipher: Cipher = ciphers.AES_256_CBC,
    *,
    hash: HashAlgorithm = HashAlgorithm.SHA256,
    iterations: int = DEFAULT_ITERATIONS,
    salt: Optional[bytes] = None,
    iv: Optional[bytes] = None,
) -> PasswordEncryption:
    """Return a PBES2 scheme with PBKDF2, a random salt and a random IV.

    Raises:
        ValueError: The cipher, hash or iteration count is not one PBES2
            can carry.
    """
    if cipher not in _CIPHER_OIDS and cipher.family is not (
        ciphers.CipherFamily.RC2
    ):
        raise ValueError(f"PBES2 cannot carry the cipher {cipher.name}")
    if hash not in _HMAC_OF_HASH:
        raise ValueError(f"PBKDF2 has no PRF HMAC-{hash.display}")
    _check_write_iterations(iterations)
    return PasswordEncryption(
        kind=SchemeKind.PBES2,
        name="PBES2",
        cipher=cipher,
        hash=hash,
        salt=salt if salt is not None else os.urandom(SALT_SIZE),
        iterations=iterations,
        iv=iv if iv is not None else os.urandom(cipher.block_size),
    )


def pbes2_scrypt(
    cipher: Cipher = ciphers.AES_256_CBC,
    *,
    n: int = 16384,
    r: int = 8,
    p: int = 1,
) -> PasswordEncryption:
    """Return a PBES2 scheme with scrypt (RFC 7914 section 7), random salt
    and IV; the defaults are those of ``openssl pkcs8 -scrypt``.

    Raises:
        ValueError: The cipher is not one PBES2 can carry.
    """
    if cipher not in _CIPHER_OIDS:
        raise ValueError(f"PBES2 cannot carry the cipher {cipher.name}")
    return PasswordEncryption(
        kind=SchemeKind.PBES2,
        name="PBES2",
        cipher=cipher,
        hash=None,
        salt=os.urandom(SALT_SIZE),
        iterations=0,
        iv=os.urandom(cipher.block_size),
        scrypt=ScryptParameters(n, r, p),
    )


def pkcs12_pbe(
    cipher: Cipher = ciphers.DES_EDE3_CBC,
    *,
    iterations: int = DEFAULT_PKCS12_ITERATIONS,
    salt: Optional[bytes] = None,
) -> PasswordEncryption:
    """Return a legacy PKCS#12 scheme (RFC 7292 appendix C) with SHA-1.

    Args:
        cipher: ``DES_EDE3_CBC`` (pbeWithSHAAnd3-KeyTripleDES-CBC),
            ``RC2_40_CBC`` or ``RC2_128_CBC``.
        iterations: The iteration count.
        salt: The salt; random when omitted.

    Raises:
        ValueError: The cipher has no PKCS#12 scheme.
    """
    if cipher not in _PKCS12_OIDS:
        raise ValueError(f"no PKCS#12 PBE scheme uses {cipher.name}")
    _check_write_iterations(iterations)
    name = _PKCS12[_PKCS12_OIDS[cipher]][0]
    return PasswordEncryption(
        kind=SchemeKind.PKCS12,
        name=name,
        cipher=cipher,
        hash=HashAlgorithm.SHA1,
        salt=salt if salt is not None else os.urandom(8),
        iterations=iterations,
    )


def _check_write_iterations(iterations: int) -> None:
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise ValueError(
            f"iteration count {iterations} is outside 1 to {MAX_ITERATIONS}"
        )


# --- Parsing ---------------------------------------------------------------


def parse_algorithm(
    data: bytes, *, source: str = "", path: str = ""
) -> PasswordEncryption:
    """Read a password-based encryption AlgorithmIdentifier.

    Args:
        data: The DER AlgorithmIdentifier.
        source: File name shown in errors.
        path: Field path of the AlgorithmIdentifier, shown in errors.

    Raises:
        UnsupportedScheme: The scheme, KDF or cipher is not supported.
        DecodeError: The parameters are malformed or out of range.
    """
    value = _decode(data, rfc5280.AlgorithmIdentifier(), source, path)
    oid = str(value["algorithm"])
    params = value["parameters"]
    raw = bytes(params) if params.isValue else None
    where = _Where(source, path)
    if oid == PBES2:
        return _parse_pbes2(where.need(raw, "PBES2"), where)
    if oid in _PBES1:
        return _parse_pbes1(oid, where.need(raw, _PBES1[oid][0]), where)
    if oid in _PKCS12:
        return _parse_pkcs12(oid, where.need(raw, _PKCS12[oid][0]), where)
    name = (
        _PBES1_UNSUPPORTED.get(oid)
        or _PKCS12_UNSUPPORTED.get(oid)
        or display_name(oid)
    )
    raise UnsupportedScheme(
        f"{where}unsupported encryption scheme {name} ({oid}); purepki "
        "reads PBES2, PBES1 with MD5 or SHA-1, and the PKCS#12 TDEA and "
        "RC2 schemes",
        _UNSUPPORTED_CIPHERS.get(oid, name),
    )


def describe_algorithm(data: bytes) -> str:
    """Describe an encryption AlgorithmIdentifier without a password,
    including unsupported and malformed ones, for ``inspect``."""
    try:
        return parse_algorithm(data).describe()
    except UnsupportedScheme as error:
        return f"unsupported ({error})"
    except DecodeError:
        return "malformed encryption parameters"


@dataclass(frozen=True)
class _Where:
    source: str
    path: str

    def __str__(self) -> str:
        parts = [part for part in (self.source, self.path) if part]
        return ", ".join(parts) + ": " if parts else ""

    def need(self, raw: Optional[bytes], name: str) -> bytes:
        if raw is None:
            raise EncryptionParameterError(
                f"{name} has no parameters",
                source=self.source,
                path=self.path,
            )
        return raw

    def error(self, reason: str) -> EncryptionParameterError:
        return EncryptionParameterError(
            reason, source=self.source, path=self.path
        )


def _decode(data: bytes, schema: Any, source: str, path: str) -> Any:
    try:
        return der.decode(data, schema, source=source)
    except DecodeError as error:
        raise error.relocate(source=source, path_prefix=path) from None


def _check_iterations(iterations: int, where: _Where) -> int:
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise where.error(
            f"iteration count {iterations} is outside 1 to {MAX_ITERATIONS}"
        )
    return iterations


def _parse_pbes1(oid: str, raw: bytes, where: _Where) -> PasswordEncryption:
    name, hash_name, cipher = _PBES1[oid]
    value = _decode(raw, rfc8018.PBEParameter(), where.source, where.path)
    return PasswordEncryption(
        kind=SchemeKind.PBES1,
        name=name,
        cipher=cipher,
        hash=HashAlgorithm.from_name(hash_name),
        salt=bytes(value["salt"]),
        iterations=_check_iterations(int(value["iterationCount"]), where),
    )


def _parse_pkcs12(oid: str, raw: bytes, where: _Where) -> PasswordEncryption:
    name, cipher = _PKCS12[oid]
    value = _decode(raw, rfc7292.Pkcs_12PbeParams(), where.source, where.path)
    return PasswordEncryption(
        kind=SchemeKind.PKCS12,
        name=name,
        cipher=cipher,
        hash=HashAlgorithm.SHA1,
        salt=bytes(value["salt"]),
        iterations=_check_iterations(int(value["iterations"]), where),
    )


def _parse_pbes2(raw: bytes, where: _Where) -> PasswordEncryption:
    value = _decode(raw, rfc8018.PBES2_params(), where.source, where.path)
    kdf = value["keyDerivationFunc"]
    scheme = value["encryptionScheme"]
    cipher, iv, rc2_bits = _parse_pbes2_cipher(scheme, where)
    kdf_oid = str(kdf["algorithm"])
    kdf_params = kdf["parameters"]
    kdf_raw = where.need(
        bytes(kdf_params) if kdf_params.isValue else None, "the KDF"
    )
    if kdf_oid == PBKDF2:
        return _parse_pbkdf2(kdf_raw, cipher, iv, rc2_bits, where)
    if kdf_oid == SCRYPT:
        return _parse_scrypt(kdf_raw, cipher, iv, where)
    raise UnsupportedScheme(
        f"{where}unsupported PBES2 key derivation {display_name(kdf_oid)} "
        f"({kdf_oid}); purepki reads PBKDF2 and scrypt",
        display_name(kdf_oid),
    )


def _parse_pbes2_cipher(
    scheme: Any, where: _Where
) -> tuple[Cipher, bytes, Optional[int]]:
    oid = str(scheme["algorithm"])
    params = scheme["parameters"]
    raw = bytes(params) if params.isValue else None
    if oid in _PBES2_CIPHERS:
        cipher = _PBES2_CIPHERS[oid]
        iv_value = _decode(
            where.need(raw, cipher.name),
            univ.OctetString(),
            where.source,
            where.path,
        )
        iv = bytes(iv_value)
        if len(iv) != cipher.block_size:
            raise where.error(
                f"{cipher.name} IV of {len(iv)} bytes; expected "
                f"{cipher.block_size}"
            )
        return cipher, iv, None
    if oid == _RC2_CBC:
        value = _decode(
            where.need(raw, "RC2-CBC"),
            rfc8018.RC2_CBC_Parameter(),
            where.source,
            where.path,
        )
        version = value["rc2ParameterVersion"]
        bits = 32
        if version.isValue:
            number = int(version)
            bits = number if number >= 256 else _RC2_VERSIONS.get(number, 0)
            if not bits or bits > 1024:
                raise where.error(f"unknown rc2ParameterVersion {number}")
        return ciphers.RC2_128_CBC, bytes(value["iv"]), bits
    raise UnsupportedScheme(
        f"{where}unsupported PBES2 cipher {display_name(oid)} ({oid}); "
        "purepki reads AES-CBC, DES-EDE3-CBC, DES-CBC and RC2-CBC",
        display_name(oid),
    )


def _parse_pbkdf2(
    raw: bytes,
    cipher: Cipher,
    iv: bytes,
    rc2_bits: Optional[int],
    where: _Where,
) -> PasswordEncryption:
    value = _decode(raw, rfc8018.PBKDF2_params(), where.source, where.path)
    salt = value["salt"]
    if salt.getName() != "specified":
        raise UnsupportedScheme(
            f"{where}unsupported PBKDF2 salt source otherSource (RFC 8018 "
            "appendix A.2 reserves it); only a specified salt is read"
        )
    prf_oid = str(value["prf"]["algorithm"])
    if prf_oid not in _HMAC_OIDS:
        raise UnsupportedScheme(
            f"{where}unsupported PBKDF2 PRF {display_name(prf_oid)} "
            f"({prf_oid}); purepki reads HMAC with SHA-1 and SHA-2"
        )
    key_length = value["keyLength"]
    if rc2_bits is not None:
        size = int(key_length) if key_length.isValue else (rc2_bits + 7) // 8
        if not 1 <= size <= 128:
            raise where.error(f"RC2 key length {size} is outside 1 to 128")
        cipher = ciphers.rc2_cbc(size, rc2_bits)
    elif key_length.isValue and int(key_length) != cipher.key_size:
        raise where.error(
            f"PBKDF2 keyLength {int(key_length)} does not fit "
            f"{cipher.name} ({cipher.key_size} bytes)"
        )
    return PasswordEncryption(
        kind=SchemeKind.PBES2,
        name="PBES2",
        cipher=cipher,
        hash=_HMAC_OIDS[prf_oid],
        salt=bytes(salt["specified"]),
        iterations=_check_iterations(int(value["iterationCount"]), where),
        iv=iv,
    )


def _parse_scrypt(
    raw: bytes, cipher: Cipher, iv: bytes, where: _Where
) -> PasswordEncryption:
    value = _decode(raw, rfc7914.Scrypt_params(), where.source, where.path)
    n = int(value["costParameter"])
    r = int(value["blockSize"])
    p = int(value["parallelizationParameter"])
    if n < 2 or n & (n - 1):
        raise where.error(f"scrypt N={n} is not a power of 2 above 1")
    if 128 * r * n > MAX_SCRYPT_MEMORY or r * p >= 1 << 30:
        raise where.error(
            f"scrypt N={n} r={r} p={p} needs more than the "
            f"{MAX_SCRYPT_MEMORY}-byte limit"
        )
    key_length = value["keyLength"]
    if key_length.isValue and int(key_length) != cipher.key_size:
        raise where.error(
            f"scrypt keyLength {int(key_length)} does not fit {cipher.name}"
        )
    return PasswordEncryption(
        kind=SchemeKind.PBES2,
        name="PBES2",
        cipher=cipher,
        hash=None,
        salt=bytes(value["salt"]),
        iterations=0,
        iv=iv,
        scrypt=ScryptParameters(n, r, p),
    )


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
