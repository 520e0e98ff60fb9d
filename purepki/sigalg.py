"""Signature AlgorithmIdentifiers: read them into SignatureAlgorithm, write
them from one.

The parameters follow the RFCs that define each algorithm:

- sha*WithRSAEncryption: parameters NULL (RFC 4055 section 5). Absent
  parameters are read with a :class:`~purepki.errors.PurePKIWarning`,
  since some encoders drop them; they are never written.
- ecdsa-with-SHA*: parameters absent (RFC 5758 section 3.2). A NULL is read
  with a warning; anything else is rejected.
- id-RSASSA-PSS: RSASSA-PSS-params (RFC 4055 section 3.1) with MGF1 and a
  trailer field of 1.
"""

from __future__ import annotations

import warnings
from typing import Any, Optional

from pyasn1.type import univ
from pyasn1_modules import rfc5280

from purepki.algorithms import (
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.asn1 import der
from purepki.asn1.oids import SignatureAlgorithmOID, display_name
from purepki.errors import (
    DecodeError,
    PurePKIWarning,
    UnsupportedAlgorithm,
    UnsupportedReason,
)

_NULL = b"\x05\x00"

_RSA_PAIRS = (
    (SignatureAlgorithmOID.MD5_WITH_RSA, HashAlgorithm.MD5),
    (SignatureAlgorithmOID.SHA1_WITH_RSA, HashAlgorithm.SHA1),
    (SignatureAlgorithmOID.SHA224_WITH_RSA, HashAlgorithm.SHA224),
    (SignatureAlgorithmOID.SHA256_WITH_RSA, HashAlgorithm.SHA256),
    (SignatureAlgorithmOID.SHA384_WITH_RSA, HashAlgorithm.SHA384),
    (SignatureAlgorithmOID.SHA512_WITH_RSA, HashAlgorithm.SHA512),
)
_ECDSA_PAIRS = (
    (SignatureAlgorithmOID.ECDSA_WITH_SHA1, HashAlgorithm.SHA1),
    (SignatureAlgorithmOID.ECDSA_WITH_SHA224, HashAlgorithm.SHA224),
    (SignatureAlgorithmOID.ECDSA_WITH_SHA256, HashAlgorithm.SHA256),
    (SignatureAlgorithmOID.ECDSA_WITH_SHA384, HashAlgorithm.SHA384),
    (SignatureAlgorithmOID.ECDSA_WITH_SHA512, HashAlgorithm.SHA512),
)
_RSA_OIDS: dict[str, HashAlgorithm] = {o.dotted: h for o, h in _RSA_PAIRS}
_ECDSA_OIDS: dict[str, HashAlgorithm] = {o.dotted: h for o, h in _ECDSA_PAIRS}
_RSA_BY_HASH = {h: o for o, h in _RSA_PAIRS}
_ECDSA_BY_HASH = {h: o for o, h in _ECDSA_PAIRS}


def _warn(message: str) -> None:
    warnings.warn(message, PurePKIWarning, stacklevel=4)


def from_pyasn1(
    value: Any, *, source: str = "", path: str = "signatureAlgorithm"
) -> SignatureAlgorithm:
    """Read a decoded AlgorithmIdentifier as a signature algorithm.

    Args:
        value: An ``rfc5280.AlgorithmIdentifier`` value.
        source: File name shown in errors.
        path: Field path shown in errors.

    Raises:
        DecodeError: The parameters break the algorithm's RFC.
        UnsupportedAlgorithm: The algorithm is not RSA or ECDSA.
    """
    oid = str(value["algorithm"])
    params = value["parameters"]
    raw: Optional[bytes] = bytes(params) if params.isValue else None
    name = display_name(oid)
    if oid in _RSA_OIDS:
        if raw is None:
            _warn(f"{source or path}: {name} without NULL parameters")
        elif raw != _NULL:
            raise DecodeError(
                f"{name} parameters must be NULL (RFC 4055 section 5)",
                source=source,
                path=f"{path}.parameters",
            )
        return SignatureAlgorithm(SignatureScheme.RSA_PKCS1V15, _RSA_OIDS[oid])
    if oid in _ECDSA_OIDS:
        if raw == _NULL:
            _warn(f"{source or path}: {name} with NULL parameters")
        elif raw is not None:
            raise DecodeError(
                f"{name} parameters must be absent (RFC 5758 section 3.2)",
                source=source,
                path=f"{path}.parameters",
            )
        return SignatureAlgorithm(SignatureScheme.ECDSA, _ECDSA_OIDS[oid])
    if oid == SignatureAlgorithmOID.RSASSA_PSS:
        return _pss_from_der(raw, source, f"{path}.parameters")
    raise UnsupportedAlgorithm(
        f"{source + ': ' if source else ''}unsupported signature algorithm "
        f"{name} ({oid}); purepki verifies RSA and ECDSA signatures",
        UnsupportedReason.SIGNATURE_ALGORITHM,
    )


def from_der(
    data: bytes, *, source: str = "", path: str = "signatureAlgorithm"
) -> SignatureAlgorithm:
    """Read a DER AlgorithmIdentifier as a signature algorithm.

    Raises:
        DecodeError: Malformed DER or parameters.
        UnsupportedAlgorithm: The algorithm is not RSA or ECDSA.
    """
    try:
        value = der.decode(data, rfc5280.AlgorithmIdentifier(), source=source)
    except DecodeError as error:
        raise error.relocate(path_prefix=path) from None
    return from_pyasn1(value, source=source, path=path)


def _hash_of(value: Any, default: HashAlgorithm) -> HashAlgorithm:
    if not value.isValue:
        return default
    return HashAlgorithm.from_oid(str(value["algorithm"]))


def _pss_from_der(
    raw: Optional[bytes], source: str, path: str
) -> SignatureAlgorithm:
    if raw is None:
        raise DecodeError(
            "RSASSA-PSS signature algorithm without parameters",
            source=source,
            path=path,
        )
    # Imported here: only RSASSA-PSS signatures need rfc4055, which takes
    # a few milliseconds to import.
    from pyasn1_modules import rfc4055

    try:
        value = der.decode(raw, rfc4055.RSASSA_PSS_params(), source=source)
    except DecodeError as error:
        raise error.relocate(path_prefix=path) from None
    hash_algorithm = _hash_of(value["hashAlgorithm"], HashAlgorithm.SHA1)
    mgf_hash = HashAlgorithm.SHA1
    mgf = value["maskGenAlgorithm"]
    if mgf.isValue:
        if str(mgf["algorithm"]) != str(rfc4055.id_mgf1):
            raise UnsupportedAlgorithm(
                f"unsupported RSASSA-PSS mask generation function "
                f"{mgf['algorithm']}; only MGF1 is defined (RFC 8017)",
                UnsupportedReason.SIGNATURE_ALGORITHM,
            )
        if not mgf["parameters"].isValue:
            raise DecodeError(
                "MGF1 without its hash parameter",
                source=source,
                path=f"{path}.maskGenAlgorithm",
            )
        inner = der.decode(
            bytes(mgf["parameters"]),
            rfc5280.AlgorithmIdentifier(),
            source=source,
        )
        mgf_hash = HashAlgorithm.from_oid(str(inner["algorithm"]))
    salt = int(value["saltLength"]) if value["saltLength"].isValue else 20
    trailer = value["trailerField"]
    if trailer.isValue and int(trailer) != 1:
        raise DecodeError(
            f"RSASSA-PSS trailerField {int(trailer)}, expected 1 (RFC 4055 "
            "section 3.1)",
            source=source,
            path=f"{path}.trailerField",
        )
    return SignatureAlgorithm(
        SignatureScheme.RSA_PSS,
        hash_algorithm,
        salt_length=salt,
        mgf_hash=mgf_hash,
    )


def _hash_identifier(hash_algorithm: HashAlgorithm) -> Any:
    # RFC 4055 section 2.1 asks for absent parameters in the hash
    # AlgorithmIdentifiers of PSS; OpenSSL writes NULL, and reads both.
    identifier = rfc5280.AlgorithmIdentifier()
    identifier["algorithm"] = univ.ObjectIdentifier(hash_algorithm.oid.dotted)
    identifier["parameters"] = univ.Any(_NULL)
    return identifier


def _pss_parameters(algorithm: SignatureAlgorithm) -> bytes:
    from pyasn1_modules import rfc4055

    params = rfc4055.RSASSA_PSS_params()
    hash_field = params["hashAlgorithm"].clone()
    hash_field["algorithm"] = univ.ObjectIdentifier(algorithm.hash.oid.dotted)
    hash_field["parameters"] = univ.Any(_NULL)
    params["hashAlgorithm"] = hash_field
    mgf = params["maskGenAlgorithm"].clone()
    mgf["algorithm"] = rfc4055.id_mgf1
    mgf["parameters"] = univ.Any(
        der.encode(_hash_identifier(algorithm.pss_mgf_hash))
    )
    params["maskGenAlgorithm"] = mgf
    params["saltLength"] = algorithm.pss_salt_length
    return der.encode(params)


def to_pyasn1(algorithm: SignatureAlgorithm) -> Any:
    """Build the AlgorithmIdentifier of a signature algorithm.

    Raises:
        UnsupportedAlgorithm: No OID exists for the combination.
    """
    identifier = rfc5280.AlgorithmIdentifier()
    if algorithm.scheme is SignatureScheme.RSA_PKCS1V15:
        identifier["algorithm"] = univ.ObjectIdentifier(
            _RSA_BY_HASH[algorithm.hash].dotted
        )
        identifier["parameters"] = univ.Any(_NULL)
    elif algorithm.scheme is SignatureScheme.ECDSA:
        oid = _ECDSA_BY_HASH.get(algorithm.hash)
        if oid is None:
            raise UnsupportedAlgorithm(
                f"no ECDSA OID for {algorithm.hash.display}",
                UnsupportedReason.SIGNATURE_ALGORITHM,
            )
        identifier["algorithm"] = univ.ObjectIdentifier(oid.dotted)
    else:
        identifier["algorithm"] = univ.ObjectIdentifier(
            SignatureAlgorithmOID.RSASSA_PSS.dotted
        )
        identifier["parameters"] = univ.Any(_pss_parameters(algorithm))
    return identifier


def to_der(algorithm: SignatureAlgorithm) -> bytes:
    """Encode the AlgorithmIdentifier of a signature algorithm as DER."""
    return der.encode(to_pyasn1(algorithm))


def name_of(algorithm: SignatureAlgorithm) -> str:
    """Return the OpenSSL display name (``sha256WithRSAEncryption``)."""
    if algorithm.scheme is SignatureScheme.RSA_PKCS1V15:
        return _RSA_BY_HASH[algorithm.hash].display
    if algorithm.scheme is SignatureScheme.ECDSA:
        oid = _ECDSA_BY_HASH.get(algorithm.hash)
        return oid.display if oid else str(algorithm)
    return SignatureAlgorithmOID.RSASSA_PSS.display
