"""DER decoders of the key structures: PKCS#1, SEC 1, PKCS#8 and
SubjectPublicKeyInfo. They reject the versions and algorithm parameters
that the RFCs of these structures forbid.

Import :func:`public_key_from_spki` from :mod:`purepki.keys`.
"""

from __future__ import annotations

import warnings
from typing import Any, Optional

from pyasn1.type import univ
from pyasn1_modules import rfc5280

from purepki._key_encoding import (
    _NULL_DER,
    _PSS_DEFAULT_SALT_LENGTH,
    _ECPrivateKeySchema,
    _encode_named_curve,
)
from purepki._key_types import (
    ECPrivateKey,
    ECPublicKey,
    PrivateKey,
    PSSRestrictions,
    PublicKey,
    RSAPrivateKey,
    RSAPublicKey,
    _decode_point,
)
from purepki.algorithms import HashAlgorithm
from purepki.asn1 import der, schemas
from purepki.asn1.oids import CurveOID, HashOID, PublicKeyOID, display_name
from purepki.backend import BackendLike
from purepki.curves import (
    CURVES,
    Curve,
    curve_from_oid,
    curve_from_parameters,
)
from purepki.errors import (
    DecodeError,
    KeyFormatError,
    PurePKIWarning,
    UnsupportedAlgorithm,
    UnsupportedReason,
)


def _decode_rsa_public(data: bytes, source: str, path: str) -> RSAPublicKey:
    try:
        value = der.decode(data, schemas.RSAPublicKey(), source=source)
    except DecodeError as error:
        raise error.relocate(path_prefix=path) from None
    return RSAPublicKey(int(value["modulus"]), int(value["publicExponent"]))


def _decode_pss_params(
    data: Optional[bytes], source: str
) -> Optional[PSSRestrictions]:
    """Read RSASSA-PSS-params (RFC 4055 section 3.1) of a PSS key."""
    if data is None:
        return None

    # Imported here: only RSASSA-PSS keys need rfc4055, which takes a few
    # milliseconds to import.
    from pyasn1_modules import rfc4055

    value = der.decode(data, rfc4055.RSASSA_PSS_params(), source=source)
    hash_algorithm = HashAlgorithm.SHA1
    if value["hashAlgorithm"].isValue:
        hash_algorithm = HashAlgorithm.from_oid(
            str(value["hashAlgorithm"]["algorithm"])
        )
    mgf_hash = HashAlgorithm.SHA1
    mgf = value["maskGenAlgorithm"]
    if mgf.isValue:
        if str(mgf["algorithm"]) != HashOID.MGF1:
            raise UnsupportedAlgorithm(
                f"{source}: unsupported PSS mask generation function "
                f"{mgf['algorithm']}",
                UnsupportedReason.SIGNATURE_ALGORITHM,
            )
        inner = der.decode(
            bytes(mgf["parameters"]),
            rfc5280.AlgorithmIdentifier(),
            source=source,
        )
        mgf_hash = HashAlgorithm.from_oid(str(inner["algorithm"]))
    salt = _PSS_DEFAULT_SALT_LENGTH
    if value["saltLength"].isValue:
        salt = int(value["saltLength"])
    trailer = value["trailerField"]
    if trailer.isValue and int(trailer) != 1:
        raise KeyFormatError(
            f"RSASSA-PSS trailerField is {int(trailer)}, expected 1 (RFC "
            "4055 section 3.1)",
            source=source,
            path="trailerField",
        )
    return PSSRestrictions(hash_algorithm, mgf_hash, salt)


#: The EcpkParameters DER of each supported named curve: its OID. Nearly
#: every EC key and certificate contains one of these, and matching the
#: bytes skips a pyasn1 decode, an estimated 4 to 7% of parsing an EC
#: certificate (cProfile of a 5,000-certificate inspect).
_NAMED_CURVE_PARAMETERS = {
    _encode_named_curve(curve): curve for curve in CURVES
}


def _ec_parameters(data: Optional[bytes], source: str) -> tuple[Curve, bool]:
    """Read EcpkParameters; return the curve and whether it was explicit."""
    if data is None:
        raise KeyFormatError(
            "EC key names no curve (parameters missing)", source=source
        )
    named = _NAMED_CURVE_PARAMETERS.get(data)
    if named is not None:
        return named, False

    value = der.decode(data, schemas.EcpkParameters(), source=source)
    kind = value.getName()
    if kind == "namedCurve":
        return curve_from_oid(str(value["namedCurve"])), False
    if kind == "implicitlyCA":
        raise UnsupportedAlgorithm(
            f"{source}: unsupported EC parameters implicitlyCA (RFC 5480 "
            "section 2.1.1 forbids them); use a named curve",
            UnsupportedReason.CURVE,
        )
    curve = _explicit_curve(value["ecParameters"], source)
    warnings.warn(
        f"{source}: EC key uses explicit curve parameters equal to "
        f"{curve.name}; RFC 5480 section 2.1.1 requires a named curve, so "
        "other tools may reject this file",
        PurePKIWarning,
        stacklevel=4,
    )
    return curve, True


def _explicit_curve(params: Any, source: str) -> Curve:
    field_type = str(params["fieldID"]["fieldType"])
    if field_type != PublicKeyOID.PRIME_FIELD:
        raise UnsupportedAlgorithm(
            f"{source}: unsupported elliptic curve over field type "
            f"{display_name(field_type)}; purepki supports P-256, P-384 "
            "and P-521",
            UnsupportedReason.CURVE,
        )
    prime = der.decode(
        bytes(params["fieldID"]["parameters"]), univ.Integer(), source=source
    )
    p = int(prime)
    a = int.from_bytes(bytes(params["curve"]["a"]), "big")
    b = int.from_bytes(bytes(params["curve"]["b"]), "big")
    order = int(params["order"])
    cofactor = int(params["cofactor"]) if params["cofactor"].isValue else None
    base = bytes(params["base"])
    # Decode the base point against a provisional curve with these numbers
    # so a compressed base point is accepted too.
    provisional = Curve(
        "explicit", "explicit", CurveOID.SECP256R1, p, a, b, 0, 0, order
    )
    gx, gy = _decode_point(provisional, base)
    return curve_from_parameters(p, a, b, gx, gy, order, cofactor)


def _decode_spki(data: bytes, source: str) -> PublicKey:
    value = der.decode(data, rfc5280.SubjectPublicKeyInfo(), source=source)
    return public_key_from_spki(value, source)


def public_key_from_spki(value: Any, source: str = "public key") -> PublicKey:
    """Build a key from a decoded pyasn1 SubjectPublicKeyInfo.

    Raises:
        DecodeError: The key is malformed.
        UnsupportedAlgorithm: The algorithm or curve is not supported.
    """
    oid = str(value["algorithm"]["algorithm"])
    params = value["algorithm"]["parameters"]
    raw_params = bytes(params) if params.isValue else None
    bits = value["subjectPublicKey"]
    if len(bits) % 8:
        raise KeyFormatError(
            "subjectPublicKey is not a whole number of octets",
            source=source,
            path="subjectPublicKey",
        )
    content = bits.asOctets()
    if oid == PublicKeyOID.RSA_ENCRYPTION:
        if raw_params not in (None, _NULL_DER):
            raise KeyFormatError(
                "rsaEncryption parameters must be NULL (RFC 3279 section "
                "2.3.1)",
                source=source,
                path="algorithm.parameters",
            )
        return _decode_rsa_public(content, source, "subjectPublicKey")
    if oid == PublicKeyOID.RSASSA_PSS:
        key = _decode_rsa_public(content, source, "subjectPublicKey")
        pss = _decode_pss_params(raw_params, source)
        return RSAPublicKey(key.n, key.e, pss_only=True, pss=pss)
    if oid == PublicKeyOID.EC_PUBLIC_KEY:
        curve, explicit = _ec_parameters(raw_params, source)
        x, y = _decode_point(curve, content)
        return ECPublicKey(curve, x, y, explicit_parameters=explicit)
    raise UnsupportedAlgorithm(
        f"{source}: unsupported public key algorithm {display_name(oid)} "
        f"({oid}); purepki supports RSA and EC keys",
        UnsupportedReason.PUBLIC_KEY_ALGORITHM,
    )


def _decode_rsa_private(
    data: bytes,
    source: str,
    pss_only: bool = False,
    pss: Optional[PSSRestrictions] = None,
) -> RSAPrivateKey:
    value = der.decode(data, schemas.RSAPrivateKey(), source=source)
    if int(value["version"]) != 0 or value["otherPrimeInfos"].isValue:
        raise UnsupportedAlgorithm(
            f"{source}: unsupported multi-prime RSA key (RFC 8017 "
            "appendix A.1.2 version 1)",
            UnsupportedReason.FORMAT,
        )
    return RSAPrivateKey(
        n=int(value["modulus"]),
        e=int(value["publicExponent"]),
        d=int(value["privateExponent"]),
        p=int(value["prime1"]),
        q=int(value["prime2"]),
        dp=int(value["exponent1"]),
        dq=int(value["exponent2"]),
        qinv=int(value["coefficient"]),
        pss_only=pss_only,
        pss=pss,
    )


def _decode_ec_private(
    data: bytes,
    source: str,
    outer_parameters: Optional[bytes],
    backend: BackendLike,
) -> ECPrivateKey:
    value = der.decode(data, _ECPrivateKeySchema(), source=source)
    if int(value["version"]) != 1:
        raise KeyFormatError(
            f"ECPrivateKey version {int(value['version'])}, expected 1 "
            "(RFC 5915 section 3)",
            source=source,
            path="version",
        )
    inner = value["parameters"]
    inner_der = der.encode(inner.getComponent()) if inner.isValue else None
    if (
        outer_parameters is not None
        and inner_der is not None
        and (inner_der != outer_parameters)
    ):
        raise KeyFormatError(
            "EC key names two different curves (PKCS#8 algorithm and "
            "ECPrivateKey parameters)",
            source=source,
            path="parameters",
        )
    curve, _ = _ec_parameters(outer_parameters or inner_der, source)
    secret = bytes(value["privateKey"])
    if len(secret) > (curve.n.bit_length() + 7) // 8:
        raise KeyFormatError(
            f"EC private key is longer than a {curve.name} scalar",
            source=source,
            path="privateKey",
        )
    d = int.from_bytes(secret, "big")
    key = ECPrivateKey.from_secret(curve, d, backend=backend)
    if value["publicKey"].isValue:
        stored = _decode_point(curve, value["publicKey"].asOctets())
        if stored != (key.x, key.y):
            raise KeyFormatError(
                "EC private key: stored public key does not match the "
                "private value",
                source=source,
                path="publicKey",
            )
    return key


def _decode_pkcs8(
    data: bytes, source: str, backend: BackendLike
) -> PrivateKey:
    value = der.decode(data, schemas.OneAsymmetricKey(), source=source)
    version = int(value["version"])
    if version not in (0, 1):
        raise KeyFormatError(
            f"PKCS#8 version {version}, expected 0 or 1 (RFC 5958 section 2)",
            source=source,
            path="version",
        )
    algorithm = value["privateKeyAlgorithm"]
    oid = str(algorithm["algorithm"])
    params = algorithm["parameters"]
    raw_params = bytes(params) if params.isValue else None
    body = bytes(value["privateKey"])
    if oid == PublicKeyOID.RSA_ENCRYPTION:
        if raw_params not in (None, _NULL_DER):
            raise KeyFormatError(
                "rsaEncryption parameters must be NULL (RFC 3279 section "
                "2.3.1)",
                source=source,
                path="privateKeyAlgorithm.parameters",
            )
        return _decode_rsa_private(body, source)
    if oid == PublicKeyOID.RSASSA_PSS:
        pss = _decode_pss_params(raw_params, source)
        return _decode_rsa_private(body, source, pss_only=True, pss=pss)
    if oid == PublicKeyOID.EC_PUBLIC_KEY:
        return _decode_ec_private(body, source, raw_params, backend)
    raise UnsupportedAlgorithm(
        f"{source}: unsupported private key algorithm {display_name(oid)} "
        f"({oid}); purepki supports RSA and EC keys",
        UnsupportedReason.PUBLIC_KEY_ALGORITHM,
    )
