"""Password-based encryption schemes: PBES2, PBES1 and the PKCS#12
schemes as :class:`PasswordEncryption` values, their object identifiers,
their AlgorithmIdentifier encoding, and the builders of schemes to write.

Import the public names from :mod:`purepki.pbe`.
"""

from __future__ import annotations

import enum
import os
from typing import Optional

from pyasn1.type import univ

from purepki import ciphers
from purepki._pbe_kdf import (
    PKCS12_IV,
    PKCS12_KEY,
    Password,
    _pbkdf1,
    bmp_password,
    pbkdf2,
    pkcs12_kdf,
    scrypt,
    utf8_password,
)
from purepki._record import dataclass, field
from purepki.algorithms import HashAlgorithm
from purepki.asn1 import der
from purepki.ciphers import Cipher

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

#: Salt length written, in bytes. RFC 8018 section 4.1 recommends at
#: least 8.
SALT_SIZE = 16


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
