"""DER encoders of the key structures: PKCS#1, SEC 1, PKCS#8 and
encrypted PKCS#8, with the format enumerations that select them.

The decoders of :mod:`purepki._key_decoding` share the ``ECPrivateKey``
schema and the constants defined here. This module imports the key
classes for type checking only, so :mod:`purepki._key_types` can import
it without an import cycle. Import the public names from
:mod:`purepki.keys`.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Optional, Union

from pyasn1.type import namedtype, tag, univ
from pyasn1_modules import rfc5280

from purepki.algorithms import HashAlgorithm
from purepki.asn1 import der, schemas
from purepki.backend import BackendLike

if TYPE_CHECKING:
    from purepki._key_types import (
        ECPrivateKey,
        PrivateKey,
        PSSRestrictions,
        RSAPrivateKey,
    )
    from purepki.curves import Curve
    from purepki.pbe import PasswordEncryption

#: A password: text, or bytes taken as UTF-8.
Password = Union[str, bytes]


class Encoding(enum.Enum):
    """File encodings of keys."""

    PEM = "PEM"
    DER = "DER"


class PrivateFormat(enum.Enum):
    """Private key structures."""

    PKCS8 = "PKCS#8"
    #: PKCS#1 for RSA keys, SEC 1 for EC keys (OpenSSL's "traditional").
    TRADITIONAL = "traditional"


class PublicFormat(enum.Enum):
    """Public key structures."""

    SUBJECT_PUBLIC_KEY_INFO = "SubjectPublicKeyInfo"
    #: PKCS#1 ``RSAPublicKey``; RSA keys only.
    PKCS1 = "PKCS#1"


# --- ASN.1 schemas not in pyasn1-modules in the needed form ----------------


class _ECPrivateKeySchema(univ.Sequence):
    """ECPrivateKey (RFC 5915 section 3), with parameters that may be
    explicit (RFC 3279's EcpkParameters) as OpenSSL writes them."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("version", univ.Integer()),
        namedtype.NamedType("privateKey", univ.OctetString()),
        namedtype.OptionalNamedType(
            "parameters",
            schemas.EcpkParameters().subtype(
                explicitTag=tag.Tag(
                    tag.tagClassContext, tag.tagFormatConstructed, 0
                )
            ),
        ),
        namedtype.OptionalNamedType(
            "publicKey",
            univ.BitString().subtype(
                explicitTag=tag.Tag(
                    tag.tagClassContext, tag.tagFormatConstructed, 1
                )
            ),
        ),
    )


_NULL_DER = b"\x05\x00"

#: The saltLength DEFAULT of RSASSA-PSS-params (RFC 4055 section 3.1).
_PSS_DEFAULT_SALT_LENGTH = 20


# --- Encoding --------------------------------------------------------------


def _algorithm_identifier(oid: str, parameters: Optional[bytes]) -> Any:
    algorithm = rfc5280.AlgorithmIdentifier()
    algorithm["algorithm"] = univ.ObjectIdentifier(oid)
    if parameters is not None:
        algorithm["parameters"] = univ.Any(parameters)
    return algorithm


def _encode_named_curve(curve: Curve) -> bytes:
    return der.encode(univ.ObjectIdentifier(curve.oid.dotted))


def _encode_rsa_public(n: int, e: int) -> bytes:
    value = schemas.RSAPublicKey()
    value["modulus"] = n
    value["publicExponent"] = e
    return der.encode(value)


def _encode_pss_params(restrictions: PSSRestrictions) -> bytes:
    """Encode RSASSA-PSS-params as OpenSSL writes them.

    Fields equal to their DEFAULT (SHA-1, MGF1 with SHA-1, salt length 20,
    trailer field 1) are omitted, as X.690 section 11.5 requires, and each
    hash AlgorithmIdentifier carries NULL parameters (RFC 4055 section 2.1).
    """
    from pyasn1_modules import rfc4055

    params = rfc4055.RSASSA_PSS_params()
    if restrictions.hash is not HashAlgorithm.SHA1:
        hash_algorithm = params["hashAlgorithm"].clone()
        hash_algorithm["algorithm"] = restrictions.hash.oid.dotted
        hash_algorithm["parameters"] = univ.Any(_NULL_DER)
        params["hashAlgorithm"] = hash_algorithm
    if restrictions.mgf_hash is not HashAlgorithm.SHA1:
        mgf = params["maskGenAlgorithm"].clone()
        mgf["algorithm"] = rfc4055.id_mgf1
        mgf_hash = _algorithm_identifier(
            restrictions.mgf_hash.oid.dotted, _NULL_DER
        )
        mgf["parameters"] = univ.Any(der.encode(mgf_hash))
        params["maskGenAlgorithm"] = mgf
    if restrictions.salt_length != _PSS_DEFAULT_SALT_LENGTH:
        params["saltLength"] = restrictions.salt_length
    return der.encode(params)


def _encode_rsa_private(key: RSAPrivateKey) -> bytes:
    value = schemas.RSAPrivateKey()
    value["version"] = 0
    value["modulus"] = key.n
    value["publicExponent"] = key.e
    value["privateExponent"] = key.d
    value["prime1"] = key.p
    value["prime2"] = key.q
    value["exponent1"] = key.dp
    value["exponent2"] = key.dq
    value["coefficient"] = key.qinv
    return der.encode(value)


def _encode_ec_private(key: ECPrivateKey, with_parameters: bool) -> bytes:
    schema = _ECPrivateKeySchema()
    schema["version"] = 1
    size = (key.curve.n.bit_length() + 7) // 8
    schema["privateKey"] = key.d.to_bytes(size, "big")
    if with_parameters:
        parameters = schema["parameters"].clone()
        parameters["namedCurve"] = univ.ObjectIdentifier(key.curve.oid.dotted)
        schema["parameters"] = parameters
    point = key.public_key().point()
    schema["publicKey"] = schema["publicKey"].clone(hexValue=point.hex())
    return der.encode(schema)


def _encode_pkcs8(algorithm: Any, body: bytes) -> bytes:
    info = schemas.OneAsymmetricKey()
    info["version"] = 0
    info["privateKeyAlgorithm"] = algorithm
    info["privateKey"] = body
    return der.encode(info)


def encrypt_private_key(
    key: PrivateKey,
    password: Password,
    *,
    scheme: Optional[PasswordEncryption] = None,
    backend: BackendLike = None,
) -> bytes:
    """Encode a key as encrypted PKCS#8 DER (RFC 5958 section 3).

    Args:
        key: The key.
        password: The password, as text or UTF-8 bytes; not empty.
        scheme: From :func:`purepki.pbe.pbes2` or
            :func:`purepki.pbe.pbes2_scrypt`; defaults to PBES2 with
            PBKDF2-HMAC-SHA256 (600,000 iterations) and AES-256-CBC.
        backend: See :func:`purepki.backend.get_backend`.

    Raises:
        ValueError: The password is empty.
    """
    from purepki import pbe

    if not password:
        raise ValueError(
            "the password of an encrypted key must not be empty; write an "
            "unencrypted key with to_pem() instead"
        )
    return pbe.encrypt_pkcs8(
        key.to_der(PrivateFormat.PKCS8), password, scheme, backend=backend
    )
