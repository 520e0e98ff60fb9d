"""The schemas of purepki.asn1.schemas against the pyasn1-modules
declarations of the same ASN.1, which purepki does not import."""

from __future__ import annotations

from typing import Any

import pytest
from pyasn1.type import univ
from pyasn1_modules import rfc3279, rfc5208, rfc5958, rfc8017

from purepki.asn1 import der, schemas

#: The universal pyasn1 types a declaration may derive from.
_BASE_TYPES = (
    univ.Any,
    univ.BitString,
    univ.Choice,
    univ.Integer,
    univ.Null,
    univ.ObjectIdentifier,
    univ.OctetString,
    univ.Sequence,
    univ.SequenceOf,
    univ.Set,
    univ.SetOf,
)


def _base_type(value: Any) -> type:
    for base in _BASE_TYPES:
        if isinstance(value, base):
            return base
    raise AssertionError(f"unexpected schema type {type(value)}")


def _assert_same_schema(ours: Any, theirs: Any, path: str) -> None:
    """Compare two schemas: base type, tags, and each component by name,
    optionality and type."""
    assert _base_type(ours) is _base_type(theirs), path
    assert ours.tagSet == theirs.tagSet, path
    if isinstance(ours, (univ.SequenceOf, univ.SetOf)):
        _assert_same_schema(
            ours.componentType, theirs.componentType, f"{path}[]"
        )
        return
    if not isinstance(ours, (univ.Sequence, univ.Set, univ.Choice)):
        return

    our_fields = ours.componentType.namedTypes
    their_fields = theirs.componentType.namedTypes
    assert [field.name for field in our_fields] == [
        field.name for field in their_fields
    ], path
    for mine, other in zip(our_fields, their_fields):
        where = f"{path}.{mine.name}"
        assert mine.isOptional == other.isOptional, where
        assert mine.isDefaulted == other.isDefaulted, where
        _assert_same_schema(mine.asn1Object, other.asn1Object, where)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (schemas.EcpkParameters, rfc3279.EcpkParameters),
        (schemas.ECParameters, rfc3279.ECParameters),
        (schemas.FieldID, rfc3279.FieldID),
        (schemas.RSAPublicKey, rfc8017.RSAPublicKey),
        (schemas.RSAPrivateKey, rfc8017.RSAPrivateKey),
        (schemas.OneAsymmetricKey, rfc5958.OneAsymmetricKey),
        (schemas.EncryptedPrivateKeyInfo, rfc5208.EncryptedPrivateKeyInfo),
    ],
    ids=lambda schema: schema.__name__,
)
def test_schema_matches_pyasn1_modules(ours: type, theirs: type) -> None:
    _assert_same_schema(ours(), theirs(), ours.__name__)


def test_ec_parameters_choice_decodes() -> None:
    # prime256v1 as a named curve, and implicitlyCA (NULL).
    named = der.decode(
        bytes.fromhex("06082a8648ce3d030107"), schemas.EcpkParameters()
    )
    assert named.getName() == "namedCurve"
    assert str(named["namedCurve"]) == "1.2.840.10045.3.1.7"
    implicit = der.decode(bytes.fromhex("0500"), schemas.EcpkParameters())
    assert implicit.getName() == "implicitlyCA"
