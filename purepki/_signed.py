"""The part that certificates, requests and CRLs share: a signed DER
structure kept with its received bytes.

Each is a SEQUENCE of the signed part, a signatureAlgorithm and a
signature BIT STRING (RFC 5280 sections 4.1.1 and 5.1.1, RFC 2986
section 4.2). The signature covers the signed part's bytes as received,
never a re-encoding. Values compare and hash by their DER, pickle as it
(parsed and checked again on load, because the pyasn1 values inside do
not pickle), and copy as themselves, because they are immutable.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from purepki import sigalg
from purepki.algorithms import SignatureAlgorithm
from purepki.asn1 import der
from purepki.backend import BackendLike
from purepki.keys import PublicKey

_Signed = TypeVar("_Signed", bound="SignedStructure")


class SignedStructure:
    """A parsed signed structure with its DER, pyasn1 value and parse
    tree; subclasses check their own fields in ``__init__``."""

    def __init__(
        self, data: bytes, value: Any, tree: der.Node, source: str
    ) -> None:
        self._der = data
        self._value = value
        self._tree = tree
        self._source = source

    @classmethod
    def from_der(cls: type[_Signed], data: bytes, *, source: str) -> _Signed:
        """Parse the DER of one structure; each subclass decodes its
        schema."""
        raise NotImplementedError

    def to_der(self) -> bytes:
        """Return the DER, exactly as received."""
        return self._der

    @functools.cached_property
    def tbs_der(self) -> bytes:
        """The signed part's bytes as received, which the signature
        covers."""
        node = self._tree.children[0]
        return self._der[node.offset : node.end]

    @functools.cached_property
    def signature(self) -> bytes:
        """The signature value."""
        return bytes(self._value["signature"].asOctets())

    @functools.cached_property
    def signature_algorithm_oid(self) -> str:
        """The dotted OID of the signature algorithm."""
        return str(self._value["signatureAlgorithm"]["algorithm"])

    @functools.cached_property
    def signature_algorithm(self) -> SignatureAlgorithm:
        """The signature algorithm.

        Raises:
            UnsupportedAlgorithm: purepki does not verify this algorithm.
        """
        return sigalg.from_pyasn1(
            self._value["signatureAlgorithm"], source=self._source
        )

    def _verify_with(self, key: PublicKey, backend: BackendLike) -> None:
        key.verify(
            self.signature,
            self.tbs_der,
            self.signature_algorithm,
            backend=backend,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, SignedStructure)
        return self._der == other._der

    def __hash__(self) -> int:
        return hash(self._der)

    def __reduce__(self) -> tuple[Any, ...]:
        load = functools.partial(type(self).from_der, source=self._source)
        return (load, (self._der,))

    def __copy__(self: _Signed) -> _Signed:
        return self

    def __deepcopy__(self: _Signed, memo: dict[int, Any]) -> _Signed:
        return self
