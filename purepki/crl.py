"""X.509 certificate revocation lists (RFC 5280 section 5): a strict parser.

The parser decodes against the pyasn1-modules ``rfc5280.CertificateList``
schema with the strict DER layer, keeps the bytes as received (the whole
CRL, the tbsCertList that the signature covers, and the issuer name) and
checks the CRL rules at once. Signatures are checked over the received
tbsCertList bytes.

Rules enforced when parsing (each a :class:`~purepki.errors.DecodeError`):

- the outer signatureAlgorithm equals tbsCertList.signature, byte for byte
  (RFC 5280 section 5.1.1.2);
- the version, when present, is v2, and it is present when the CRL or an
  entry has extensions (RFC 5280 section 5.1.2.1);
- no extension appears twice in the CRL or in one entry (RFC 5280 section
  4.2, which section 5.2 applies to CRLs);
- cRLNumber and deltaCRLIndicator are non-negative INTEGERs and cRLNumber
  is not critical (RFC 5280 sections 5.2.3 and 5.2.4);
- issuingDistributionPoint sets at most one of onlyContainsUserCerts,
  onlyContainsCACerts and onlyContainsAttributeCerts (RFC 5280 section
  5.2.5);
- reasonCode is a defined CRLReason, and invalidityDate a GeneralizedTime
  in whole seconds (RFC 5280 sections 5.3.1 and 5.3.2);
- the signature BIT STRING contains whole octets.

An entry with a certificateIssuer extension (indirect CRLs, RFC 5280
section 5.3.3) or with an unknown critical extension raises
:class:`UnsupportedCRL`: purepki cannot tell which certificates such an
entry covers. A CRL-level unknown critical extension is kept, and the
verifier does not use such a CRL (RFC 5280 section 5.2).
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Iterator
from typing import Any, Optional

from pyasn1_modules import rfc5280

from purepki import pem
from purepki._record import dataclass
from purepki._signed import SignedStructure
from purepki.asn1 import der
from purepki.asn1.oids import ExtensionOID, display_name
from purepki.backend import BackendLike
from purepki.errors import (
    DecodeError,
    PEMError,
    PurePKIError,
    WrongObjectType,
)
from purepki.extensions import (
    AuthorityKeyIdentifier,
    Extension,
    Extensions,
)
from purepki.general_names import (
    GeneralName,
    decode_with_tree,
    general_names_from_tree,
)
from purepki.keys import PublicKey
from purepki.name import Name
from purepki.x509time import UTC, parse_time

__all__ = [
    "CertificateRevocationList",
    "IssuingDistributionPoint",
    "RevocationReason",
    "RevokedCertificate",
    "UnsupportedCRL",
    "load_crls",
]

#: CRL extensions whose semantics purepki processes. freshestCRL only
#: points at delta CRLs, which the verifier does not fetch.
KNOWN_CRL_EXTENSIONS = frozenset(
    {
        ExtensionOID.CRL_NUMBER,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.ISSUING_DISTRIBUTION_POINT,
        ExtensionOID.DELTA_CRL_INDICATOR,
        ExtensionOID.FRESHEST_CRL,
        ExtensionOID.ISSUER_ALTERNATIVE_NAME,
    }
)

#: ReasonFlags bit names (RFC 5280 section 4.2.1.13), by bit position.
REASON_FLAGS = (
    "unused",
    "key_compromise",
    "ca_compromise",
    "affiliation_changed",
    "superseded",
    "cessation_of_operation",
    "certificate_hold",
    "privilege_withdrawn",
    "aa_compromise",
)


class UnsupportedCRL(PurePKIError, ValueError):
    """A well-formed CRL that uses a feature purepki does not process,
    such as an indirect CRL entry."""


class RevocationReason(enum.Enum):
    """CRLReason codes (RFC 5280 section 5.3.1); 7 is not assigned."""

    UNSPECIFIED = 0
    KEY_COMPROMISE = 1
    CA_COMPROMISE = 2
    AFFILIATION_CHANGED = 3
    SUPERSEDED = 4
    CESSATION_OF_OPERATION = 5
    CERTIFICATE_HOLD = 6
    REMOVE_FROM_CRL = 8
    PRIVILEGE_WITHDRAWN = 9
    AA_COMPROMISE = 10

    @property
    def label(self) -> str:
        """The ASN.1 name of the code, such as ``keyCompromise``."""
        return _REASON_LABELS[self]


_REASON_LABELS = {
    RevocationReason.UNSPECIFIED: "unspecified",
    RevocationReason.KEY_COMPROMISE: "keyCompromise",
    RevocationReason.CA_COMPROMISE: "cACompromise",
    RevocationReason.AFFILIATION_CHANGED: "affiliationChanged",
    RevocationReason.SUPERSEDED: "superseded",
    RevocationReason.CESSATION_OF_OPERATION: "cessationOfOperation",
    RevocationReason.CERTIFICATE_HOLD: "certificateHold",
    RevocationReason.REMOVE_FROM_CRL: "removeFromCRL",
    RevocationReason.PRIVILEGE_WITHDRAWN: "privilegeWithdrawn",
    RevocationReason.AA_COMPROMISE: "aACompromise",
}


@dataclass(frozen=True)
class RevokedCertificate:
    """One entry of revokedCertificates.

    Attributes:
        serial_number: The revoked certificate's serial number.
        revocation_date: When the CA revoked it, in UTC.
        reason: The reasonCode entry extension, if present.
        invalidity_date: The invalidityDate entry extension, if present.
        extensions: Every entry extension, as received.
    """

    serial_number: int
    revocation_date: datetime.datetime
    reason: Optional[RevocationReason]
    invalidity_date: Optional[datetime.datetime]
    extensions: Extensions


@dataclass(frozen=True)
class IssuingDistributionPoint:
    """The issuingDistributionPoint CRL extension (RFC 5280 section
    5.2.5): which certificates and reasons the CRL covers.

    Attributes:
        full_name: fullName of the distribution point, if given.
        relative_name: nameRelativeToCRLIssuer, as a Name of one RDN.
        only_contains_user_certs: The CRL covers end-entity certificates
            only.
        only_contains_ca_certs: The CRL covers CA certificates only.
        only_some_reasons: ReasonFlags names the CRL covers, or ``None``
            for every reason.
        indirect_crl: The CRL may list certificates of other issuers.
        only_contains_attribute_certs: The CRL covers attribute
            certificates only.
    """

    full_name: Optional[tuple[GeneralName, ...]] = None
    relative_name: Optional[Name] = None
    only_contains_user_certs: bool = False
    only_contains_ca_certs: bool = False
    only_some_reasons: Optional[frozenset[str]] = None
    indirect_crl: bool = False
    only_contains_attribute_certs: bool = False

    @property
    def has_name(self) -> bool:
        """Whether the extension names a distribution point."""
        return self.full_name is not None or self.relative_name is not None


def _child(node: der.Node, index: int) -> der.Node:
    return node.children[index]


class CertificateRevocationList(SignedStructure):
    """A parsed X.509 v1 or v2 CRL.

    Create one with :meth:`from_der`, :meth:`from_pem` or
    :func:`load_crls`; CRLs compare and hash by their DER.
    """

    def __init__(
        self, data: bytes, value: Any, tree: der.Node, source: str
    ) -> None:
        super().__init__(data, value, tree, source)
        self._check_structure()

    # --- Construction ------------------------------------------------------

    @classmethod
    def from_der(
        cls, data: bytes, *, source: str = "CRL"
    ) -> CertificateRevocationList:
        """Parse one DER CRL.

        Raises:
            DecodeError: The bytes are not a valid CRL, or carry trailing
                bytes.
            UnsupportedCRL: An entry needs indirect CRL processing or has
                an unknown critical extension.
        """
        data = bytes(data)
        value, tree = der.decode_with_tree(
            data, rfc5280.CertificateList(), source=source
        )
        return cls(data, value, tree, source)

    @classmethod
    def from_pem(
        cls, text: bytes | str, *, source: str = "CRL"
    ) -> CertificateRevocationList:
        """Parse the first ``X509 CRL`` block of PEM text.

        Raises:
            WrongObjectType: The text contains no CRL block.
            DecodeError: The block is not a valid CRL.
            UnsupportedCRL: As :meth:`from_der`.
        """
        crls = load_crls(
            text.encode() if isinstance(text, str) else text, source=source
        )
        return crls[0]

    # --- Structure checks --------------------------------------------------

    def _fail(
        self, reason: str, path: str, node: Optional[der.Node] = None
    ) -> DecodeError:
        offset = None if node is None else node.offset
        return DecodeError(
            reason, source=self._source, path=path, offset=offset
        )

    def _check_structure(self) -> None:
        tbs = self._value["tbsCertList"]
        tbs_node = _child(self._tree, 0)
        outer = _child(self._tree, 1)
        inner = _child(tbs_node, self._shift)
        if outer.content(self._der) != inner.content(self._der):
            raise self._fail(
                "signatureAlgorithm differs from tbsCertList.signature "
                "(RFC 5280 section 5.1.1.2 requires them to be equal)",
                "signatureAlgorithm",
                outer,
            )

        has_entry_extensions = any(
            entry["crlEntryExtensions"].isValue
            for entry in tbs["revokedCertificates"]
        )
        if tbs["version"].isValue:
            if int(tbs["version"]) != 1:
                raise self._fail(
                    f"unknown CRL version {int(tbs['version']) + 1}; RFC "
                    "5280 section 5.1.2.1 allows only v2 (encoded 1) when "
                    "the field is present",
                    "tbsCertList.version",
                    _child(tbs_node, 0),
                )
        elif tbs["crlExtensions"].isValue or has_entry_extensions:
            raise self._fail(
                "version 1 CRL with extensions; RFC 5280 section 5.1.2.1 "
                "requires version v2 when extensions are present",
                "tbsCertList.version",
            )

        if len(self._value["signature"]) % 8:
            raise self._fail(
                "signature is not a whole number of octets",
                "signature",
            )
        # Read every field now, so that a malformed CRL fails on loading.
        self.issuer  # noqa: B018
        self._times  # noqa: B018
        self.extensions  # noqa: B018
        self.crl_number  # noqa: B018
        self.delta_crl_indicator  # noqa: B018
        self.issuing_distribution_point  # noqa: B018
        self.revoked_certificates  # noqa: B018

    @functools.cached_property
    def _shift(self) -> int:
        """1 when the optional version field is present, else 0."""
        first = _child(_child(self._tree, 0), 0)
        is_integer = (
            first.tag_class == der.CLASS_UNIVERSAL and first.number == 2
        )
        return 1 if is_integer else 0

    # --- Raw parts ---------------------------------------------------------

    @property
    def source(self) -> str:
        """File name or description the CRL was read from."""
        return self._source

    def to_pem(self) -> str:
        """Return the CRL as a canonical ``X509 CRL`` PEM block."""
        return pem.encode("X509 CRL", self._der)

    # --- tbsCertList fields ------------------------------------------------

    @functools.cached_property
    def version(self) -> int:
        """The version as a number: 1 (field absent) or 2."""
        version = self._value["tbsCertList"]["version"]
        return int(version) + 1 if version.isValue else 1

    @functools.cached_property
    def issuer(self) -> Name:
        """The issuer name, with its bytes as received."""
        node = _child(_child(self._tree, 0), self._shift + 1)
        return Name.from_pyasn1(
            self._value["tbsCertList"]["issuer"],
            self._der[node.offset : node.end],
            source=self._source,
            path="tbsCertList.issuer",
            offset=node.offset,
        )

    @functools.cached_property
    def _times(
        self,
    ) -> tuple[datetime.datetime, Optional[datetime.datetime]]:
        tbs = self._value["tbsCertList"]
        this_update, _ = parse_time(
            tbs["thisUpdate"],
            source=self._source,
            path="tbsCertList.thisUpdate",
        )
        next_update = None
        if tbs["nextUpdate"].isValue:
            next_update, _ = parse_time(
                tbs["nextUpdate"],
                source=self._source,
                path="tbsCertList.nextUpdate",
            )
        return this_update, next_update

    @property
    def this_update(self) -> datetime.datetime:
        """When the CRL was issued, in UTC."""
        return self._times[0]

    @property
    def next_update(self) -> Optional[datetime.datetime]:
        """When the next CRL is due, in UTC; ``None`` when absent (RFC
        5280 section 5.1.2.5 requires it of conforming CAs)."""
        return self._times[1]

    @functools.cached_property
    def revoked_certificates(self) -> tuple[RevokedCertificate, ...]:
        """The revoked certificates, in the order listed."""
        entries = self._value["tbsCertList"]["revokedCertificates"]
        return tuple(
            self._read_entry(entry, index)
            for index, entry in enumerate(entries)
        )

    def _read_entry(self, entry: Any, index: int) -> RevokedCertificate:
        path = f"tbsCertList.revokedCertificates[{index}]"
        serial = int(entry["userCertificate"])
        revoked_at, _ = parse_time(
            entry["revocationDate"],
            source=self._source,
            path=f"{path}.revocationDate",
        )
        extensions = Extensions(())
        if entry["crlEntryExtensions"].isValue:
            extensions = Extensions.from_pyasn1(
                entry["crlEntryExtensions"], source=self._source
            )
        reason = None
        invalidity = None
        for extension in extensions:
            where = f"{path}.crlEntryExtensions[{extension.name}]"
            if extension.oid == ExtensionOID.CRL_REASON:
                reason = self._read_reason(extension.der_value, where)
            elif extension.oid == ExtensionOID.INVALIDITY_DATE:
                invalidity = self._read_invalidity(extension.der_value, where)
            elif extension.oid == ExtensionOID.CERTIFICATE_ISSUER:
                raise UnsupportedCRL(
                    f"{self._source}: {where}: the entry for serial "
                    f"{serial:#x} names another certificate issuer, which "
                    "only indirect CRLs do (RFC 5280 section 5.3.3); "
                    "purepki does not support indirect CRLs, so obtain the "
                    "CRL that the certificate's issuer signs"
                )
            elif extension.critical:
                raise UnsupportedCRL(
                    f"{self._source}: {where}: unknown critical entry "
                    f"extension {extension.oid} on serial {serial:#x}; RFC "
                    "5280 section 5.3 forbids using a CRL whose critical "
                    "extensions are not understood"
                )
        return RevokedCertificate(
            serial, revoked_at, reason, invalidity, extensions
        )

    def _read_reason(self, data: bytes, path: str) -> RevocationReason:
        value = der.decode(data, rfc5280.CRLReason(), source=self._source)
        code = int(value)
        try:
            return RevocationReason(code)
        except ValueError:
            raise self._fail(
                f"reasonCode {code} is not a CRLReason of RFC 5280 section "
                "5.3.1 (0 to 10, without 7)",
                path,
            ) from None

    def _read_invalidity(self, data: bytes, path: str) -> datetime.datetime:
        value = der.decode(data, rfc5280.InvalidityDate(), source=self._source)
        text = str(value)
        if "." in text:
            raise self._fail(
                f"invalidityDate {text!r} has fractional seconds, which RFC "
                "5280 section 5.3.2 forbids",
                path,
            )
        moment = datetime.datetime.strptime(text, "%Y%m%d%H%M%SZ")
        return moment.replace(tzinfo=UTC)

    # --- CRL extensions ------------------------------------------------------

    @functools.cached_property
    def extensions(self) -> Extensions:
        """The CRL extensions, in order; empty for version 1."""
        value = self._value["tbsCertList"]["crlExtensions"]
        if not value.isValue:
            return Extensions(())
        return Extensions.from_pyasn1(value, source=self._source)

    def _integer_extension(self, oid: str) -> Optional[int]:
        extension = self.extensions.get(oid)
        if extension is None:
            return None
        path = f"crlExtensions[{display_name(oid)}]"
        number = int(
            der.decode(
                extension.der_value, rfc5280.CRLNumber(), source=self._source
            )
        )
        if number < 0:
            raise self._fail(
                f"{display_name(oid)} {number} is negative; RFC 5280 "
                "section 5.2.3 requires 0 or more",
                path,
            )
        return number

    @functools.cached_property
    def crl_number(self) -> Optional[int]:
        """The cRLNumber, if present (RFC 5280 section 5.2.3)."""
        extension = self.extensions.get(ExtensionOID.CRL_NUMBER)
        if extension is not None and extension.critical:
            raise self._fail(
                "cRLNumber is marked critical; RFC 5280 section 5.2.3 "
                "requires it to be non-critical",
                "crlExtensions[crlNumber]",
            )
        return self._integer_extension(ExtensionOID.CRL_NUMBER)

    @functools.cached_property
    def delta_crl_indicator(self) -> Optional[int]:
        """The BaseCRLNumber of a delta CRL, or ``None`` for a complete
        CRL (RFC 5280 section 5.2.4)."""
        return self._integer_extension(ExtensionOID.DELTA_CRL_INDICATOR)

    @property
    def is_delta(self) -> bool:
        """Whether this is a delta CRL, which lists only changes since a
        base CRL."""
        return self.delta_crl_indicator is not None

    @property
    def authority_key_identifier(self) -> Optional[AuthorityKeyIdentifier]:
        """The authorityKeyIdentifier value, if present."""
        extension = self.extensions.get(AuthorityKeyIdentifier)
        if extension is None:
            return None
        value = extension.value
        return value if isinstance(value, AuthorityKeyIdentifier) else None

    @functools.cached_property
    def issuing_distribution_point(
        self,
    ) -> Optional[IssuingDistributionPoint]:
        """The issuingDistributionPoint value, if present."""
        extension = self.extensions.get(
            ExtensionOID.ISSUING_DISTRIBUTION_POINT
        )
        if extension is None:
            return None
        return _read_issuing_point(extension.der_value, self._source)

    def unknown_critical_extensions(self) -> tuple[Extension, ...]:
        """Return the critical CRL extensions purepki does not process;
        RFC 5280 section 5.2 forbids using such a CRL."""
        return tuple(
            extension
            for extension in self.extensions
            if extension.critical and extension.oid not in KNOWN_CRL_EXTENSIONS
        )

    # --- Lookup and signature -----------------------------------------------

    def find(self, serial_number: int) -> Optional[RevokedCertificate]:
        """Return the entry for ``serial_number``, if the CRL lists it."""
        for entry in self.revoked_certificates:
            if entry.serial_number == serial_number:
                return entry
        return None

    def __iter__(self) -> Iterator[RevokedCertificate]:
        return iter(self.revoked_certificates)

    def verify_signature(
        self, issuer_public_key: PublicKey, *, backend: BackendLike = None
    ) -> None:
        """Check the signature over the received tbsCertList bytes.

        Raises:
            InvalidSignature: The signature does not verify with the key.
            UnsupportedAlgorithm: The signature algorithm is unsupported.
        """
        self._verify_with(issuer_public_key, backend)

    # --- Value semantics ----------------------------------------------------

    def __repr__(self) -> str:
        return (
            f"CertificateRevocationList(issuer={self.issuer.rfc4514()!r}, "
            f"entries={len(self.revoked_certificates)})"
        )


def _read_issuing_point(data: bytes, source: str) -> IssuingDistributionPoint:
    path = "crlExtensions[issuingDistributionPoint]"
    value, tree = decode_with_tree(
        data, rfc5280.IssuingDistributionPoint(), source=source, path=path
    )
    full_name: Optional[tuple[GeneralName, ...]] = None
    relative_name: Optional[Name] = None
    flags: dict[int, bool] = {}
    reasons: Optional[frozenset[str]] = None
    for child in tree.children:
        if child.number == 0:
            inner = child.children[0]
            if inner.number == 0:
                full_name = general_names_from_tree(
                    value["distributionPoint"]["fullName"],
                    inner,
                    data,
                    path=f"{path}.distributionPoint.fullName",
                )
            else:
                rdn = der.encode_tlv(0x31, inner.content(data))
                relative_name = Name.from_der(
                    der.encode_sequence(rdn), source=source
                )
        elif child.number == 3:
            content = child.content(data)
            bits = "".join(f"{octet:08b}" for octet in content[1:])
            reasons = frozenset(
                REASON_FLAGS[i]
                for i, bit in enumerate(bits[: len(REASON_FLAGS)])
                if bit == "1"
            )
        else:
            if child.content(data) != b"\xff":
                raise DecodeError(
                    f"boolean [{child.number}] is FALSE; DER omits a "
                    "DEFAULT FALSE value (X.690 section 11.5)",
                    source=source,
                    path=path,
                    offset=child.offset,
                )
            flags[child.number] = True
    point = IssuingDistributionPoint(
        full_name=full_name,
        relative_name=relative_name,
        only_contains_user_certs=flags.get(1, False),
        only_contains_ca_certs=flags.get(2, False),
        only_some_reasons=reasons,
        indirect_crl=flags.get(4, False),
        only_contains_attribute_certs=flags.get(5, False),
    )
    scopes = (
        point.only_contains_user_certs,
        point.only_contains_ca_certs,
        point.only_contains_attribute_certs,
    )
    if sum(scopes) > 1:
        raise DecodeError(
            "more than one of onlyContainsUserCerts, onlyContainsCACerts "
            "and onlyContainsAttributeCerts is TRUE; RFC 5280 section "
            "5.2.5 allows at most one",
            source=source,
            path=path,
        )
    return point


def load_crls(
    data: bytes, *, source: str = "CRLs"
) -> list[CertificateRevocationList]:
    """Read every CRL of a file: ``X509 CRL`` PEM blocks, or one DER CRL.

    PEM and DER are recognized by content. Text outside the PEM armour is
    ignored, and blocks that are not CRLs are skipped.

    Raises:
        WrongObjectType: The file contains no ``X509 CRL`` block.
        DecodeError: A CRL is malformed.
        UnsupportedCRL: A CRL uses a feature purepki does not process.
    """
    data = pem.as_bytes(data, source)
    if pem.looks_like_pem(data):
        blocks = pem.read_blocks(data, source)
        found = [
            CertificateRevocationList.from_der(block.der, source=source)
            for block in blocks
            if block.label in pem.CRL_LABELS
        ]
        if not found:
            labels = sorted({block.label for block in blocks})
            found_labels = ", ".join(f"'{label}'" for label in labels)
            raise WrongObjectType(
                "no X509 CRL block found (the file contains "
                f"{found_labels or 'no block'})",
                source=source,
            )
        return found
    if not pem.looks_like_der(data):
        first = f"{data[0]:#04x}" if data else "nothing"
        raise PEMError(
            "not PEM (no '-----BEGIN' line) and not DER (starts with "
            f"{first}; a DER CRL starts with 0x30)",
            source=source,
        )
    return [CertificateRevocationList.from_der(data, source=source)]
