"""Parse password-based encryption AlgorithmIdentifiers into
:class:`PasswordEncryption` values, and the errors the parser raises.

Iteration counts above ``MAX_ITERATIONS`` and scrypt costs above
``MAX_SCRYPT_MEMORY`` are rejected, which bounds the work a hostile file
can request.

Import the public names from :mod:`purepki.pbe`.
"""

from __future__ import annotations

from typing import Any, Optional

from pyasn1.type import univ
from pyasn1_modules import rfc5280, rfc7292, rfc7914, rfc8018

from purepki import ciphers
from purepki._pbe_kdf import MAX_SCRYPT_MEMORY
from purepki._pbe_schemes import (
    _HMAC_OIDS,
    _PBES1,
    _PBES1_UNSUPPORTED,
    _PBES2_CIPHERS,
    _PKCS12,
    _PKCS12_UNSUPPORTED,
    _RC2_CBC,
    _RC2_VERSIONS,
    _UNSUPPORTED_CIPHERS,
    MAX_ITERATIONS,
    PBES2,
    PBKDF2,
    SCRYPT,
    PasswordEncryption,
    SchemeKind,
    ScryptParameters,
)
from purepki._record import dataclass
from purepki.algorithms import HashAlgorithm
from purepki.asn1 import der
from purepki.asn1.oids import display_name
from purepki.ciphers import Cipher
from purepki.errors import DecodeError, UnsupportedAlgorithm, UnsupportedReason


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
