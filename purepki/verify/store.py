"""Trust stores and the pool of untrusted intermediates, indexed for path
building.

Certificates are indexed by the RFC 5280 section 7.1 comparison key of
their subject, so finding the candidate issuers of a certificate costs one
dictionary lookup however many unrelated certificates the pool holds.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Union

from purepki.certificate import Certificate, load_certificates


class CertificatePool:
    """Certificates indexed by subject, duplicates removed.

    Attributes:
        certificates: The distinct certificates, in the order given.
    """

    def __init__(self, certificates: Iterable[Certificate] = ()) -> None:
        self.certificates: tuple[Certificate, ...] = ()
        self._by_subject: dict[Hashable, list[Certificate]] = {}
        self._ders: set[bytes] = set()
        self.extend(certificates)

    def extend(self, certificates: Iterable[Certificate]) -> None:
        """Add certificates; ones already present are ignored."""
        added = []
        for certificate in certificates:
            der = certificate.to_der()
            if der in self._ders:
                continue
            self._ders.add(der)
            added.append(certificate)
            key = certificate.subject.comparison_key
            self._by_subject.setdefault(key, []).append(certificate)
        self.certificates += tuple(added)

    def with_subject(self, certificate: Certificate) -> Sequence[Certificate]:
        """Return the certificates whose subject matches the issuer of
        ``certificate``."""
        return self._by_subject.get(certificate.issuer.comparison_key, ())

    def __contains__(self, certificate: object) -> bool:
        return (
            isinstance(certificate, Certificate)
            and certificate.to_der() in self._ders
        )

    def __len__(self) -> int:
        return len(self.certificates)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.certificates)


class TrustStore(CertificatePool):
    """Trust anchors: CA certificates, or pinned intermediate or end-entity
    certificates, each trusted as given.

    A trust store is parsed once and can be reused for many verifications.
    """

    @classmethod
    def from_files(cls, paths: Sequence[Union[str, Path]]) -> TrustStore:
        """Load every certificate of the given PEM or DER files.

        Raises:
            DecodeError: A file holds a malformed certificate.
            WrongObjectType: A file holds no certificate.
        """
        found: list[Certificate] = []
        for path in paths:
            data = Path(path).read_bytes()
            found.extend(load_certificates(data, source=str(path)))
        return cls(found)
