"""Key container and EC parameter schemas, declared here to keep imports
light.

pyasn1-modules defines these structures in modules that import much of
the CMS and PKIX family (``rfc5958`` loads ``rfc5652``, ``rfc3281`` and
``rfc3280``; ``rfc8017`` loads ``rfc2437`` and ``rfc2459``), which more
than doubled the time of ``import purepki``. The declarations below are
the same ASN.1, from the RFCs named on each class, with the
AlgorithmIdentifier of ``rfc5280``.
"""

from __future__ import annotations

from pyasn1.type import constraint, namedtype, tag, univ
from pyasn1_modules import rfc5280


class RSAPublicKey(univ.Sequence):
    """RSAPublicKey (RFC 8017 appendix A.1.1)."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("modulus", univ.Integer()),
        namedtype.NamedType("publicExponent", univ.Integer()),
    )


class _OtherPrimeInfo(univ.Sequence):
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("prime", univ.Integer()),
        namedtype.NamedType("exponent", univ.Integer()),
        namedtype.NamedType("coefficient", univ.Integer()),
    )


class _OtherPrimeInfos(univ.SequenceOf):
    componentType = _OtherPrimeInfo()
    sizeSpec = univ.SequenceOf.sizeSpec + constraint.ValueSizeConstraint(
        1, float("inf")
    )


class RSAPrivateKey(univ.Sequence):
    """RSAPrivateKey (RFC 8017 appendix A.1.2)."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("version", univ.Integer()),
        namedtype.NamedType("modulus", univ.Integer()),
        namedtype.NamedType("publicExponent", univ.Integer()),
        namedtype.NamedType("privateExponent", univ.Integer()),
        namedtype.NamedType("prime1", univ.Integer()),
        namedtype.NamedType("prime2", univ.Integer()),
        namedtype.NamedType("exponent1", univ.Integer()),
        namedtype.NamedType("exponent2", univ.Integer()),
        namedtype.NamedType("coefficient", univ.Integer()),
        namedtype.OptionalNamedType("otherPrimeInfos", _OtherPrimeInfos()),
    )


class _Attribute(univ.Sequence):
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("attrType", univ.ObjectIdentifier()),
        namedtype.NamedType("attrValues", univ.SetOf(univ.Any())),
    )


class OneAsymmetricKey(univ.Sequence):
    """OneAsymmetricKey (RFC 5958 section 2), which is PKCS#8's
    PrivateKeyInfo (RFC 5208) when version is 0."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("version", univ.Integer()),
        namedtype.NamedType(
            "privateKeyAlgorithm", rfc5280.AlgorithmIdentifier()
        ),
        namedtype.NamedType("privateKey", univ.OctetString()),
        namedtype.OptionalNamedType(
            "attributes",
            univ.SetOf(_Attribute()).subtype(
                implicitTag=tag.Tag(
                    tag.tagClassContext, tag.tagFormatConstructed, 0
                )
            ),
        ),
        namedtype.OptionalNamedType(
            "publicKey",
            univ.BitString().subtype(
                implicitTag=tag.Tag(
                    tag.tagClassContext, tag.tagFormatSimple, 1
                )
            ),
        ),
    )


class EncryptedPrivateKeyInfo(univ.Sequence):
    """EncryptedPrivateKeyInfo (RFC 5958 section 3)."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType(
            "encryptionAlgorithm", rfc5280.AlgorithmIdentifier()
        ),
        namedtype.NamedType("encryptedData", univ.OctetString()),
    )


# EC domain parameters. pyasn1-modules' rfc3279 declares them together
# with the DSA, Diffie-Hellman and KEA structures, and importing it took
# about 5 ms, for a CHOICE that every EC key and certificate reads.


class FieldID(univ.Sequence):
    """FieldID (RFC 3279 section 2.3.5): the field type OID and its
    parameters (the prime p for prime-field)."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("fieldType", univ.ObjectIdentifier()),
        namedtype.NamedType("parameters", univ.Any()),
    )


class _CurveCoefficients(univ.Sequence):
    """Curve (RFC 3279 section 2.3.5): the coefficients a and b as field
    elements (OCTET STRINGs) and an optional seed."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("a", univ.OctetString()),
        namedtype.NamedType("b", univ.OctetString()),
        namedtype.OptionalNamedType("seed", univ.BitString()),
    )


class ECParameters(univ.Sequence):
    """ECParameters (RFC 3279 section 2.3.5): explicit curve parameters,
    with the base point as an ECPoint OCTET STRING."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("version", univ.Integer()),
        namedtype.NamedType("fieldID", FieldID()),
        namedtype.NamedType("curve", _CurveCoefficients()),
        namedtype.NamedType("base", univ.OctetString()),
        namedtype.NamedType("order", univ.Integer()),
        namedtype.OptionalNamedType("cofactor", univ.Integer()),
    )


class EcpkParameters(univ.Choice):
    """EcpkParameters (RFC 3279 section 2.3.5): explicit parameters, a
    named curve OID, or implicitlyCA."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("ecParameters", ECParameters()),
        namedtype.NamedType("namedCurve", univ.ObjectIdentifier()),
        namedtype.NamedType("implicitlyCA", univ.Null()),
    )
