"""Certificate revocation by CRLs (RFC 5280 section 6.3).

:func:`crl_status` decides the status of one certificate from the CRLs
given, against the issuer certificate that path building chose. A CRL is
usable for the certificate when all of these hold:

- its issuer name matches the certificate's issuer (RFC 5280 section 7.1);
- it is a complete CRL: a delta CRL (deltaCRLIndicator) lists only changes
  and is never used alone;
- it has no critical extension that purepki does not process (RFC 5280
  section 5.2);
- its signature verifies with the issuer certificate's key, and the
  policy accepts the signature hash (RFC 5280 section 6.3.3 (f), (g));
- the issuer certificate's keyUsage, when present, asserts cRLSign
  (RFC 5280 section 6.3.3 (f));
- thisUpdate is at or before the validation time, and nextUpdate is
  present and later than it (RFC 5280 section 6.3.3 (a));
- its issuingDistributionPoint, when present, covers the certificate:
  the onlyContainsUserCerts, onlyContainsCACerts and
  onlyContainsAttributeCerts scopes, and a named distribution point that
  matches one in the certificate's cRLDistributionPoints (RFC 5280
  section 6.3.3 (b)(2)).

Not supported, and reported as the reason a CRL is not usable: indirect
CRLs (indirectCRL, or a cRLIssuer other than the issuer), CRLs that cover
only some reasons (onlySomeReasons), and delta CRLs. CRLs are never
fetched: the caller passes them.

A certificate listed on any usable CRL is revoked, unless the entry's
reasonCode is removeFromCRL (RFC 5280 section 6.3.3 (j)). A certificate
with no usable CRL has an unknown status, which fails verification.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional, Union

from purepki._record import dataclass, field
from purepki.algorithms import HashAlgorithm
from purepki.asn1 import der
from purepki.asn1.oids import ExtensionOID
from purepki.backend import BackendLike
from purepki.certificate import Certificate, hex_serial
from purepki.errors import InvalidSignature, PurePKIError
from purepki.extensions import CRLDistributionPoints
from purepki.general_names import DirectoryName, GeneralName
from purepki.name import Name
from purepki.verify.policy import Policy

if TYPE_CHECKING:
    # The CRL module is imported where CRLs are checked: the values come
    # from it, and a verification without CRLs does not need it.
    from purepki.crl import CertificateRevocationList, RevokedCertificate

#: The rule cited by every revocation check.
RULE = "RFC 5280 section 6.3"

#: Signature check results by (CRL DER, issuer SubjectPublicKeyInfo DER,
#: SHA-1 allowed): the reason the signature is not accepted, or ``None``.
SignatureCache = dict[tuple[bytes, bytes, bool], Optional[str]]


class Revocation(enum.Enum):
    """The revocation mode: the certificates of a chain whose revocation
    status is checked."""

    NONE = "none"
    LEAF = "leaf"
    CHAIN = "chain"

    @classmethod
    def parse(cls, value: Union[Revocation, str]) -> Revocation:
        """Return the mode for a member or its name (``none``, ``leaf``,
        ``chain``).

        Raises:
            ValueError: ``value`` names no mode.
        """
        if isinstance(value, Revocation):
            return value
        try:
            return cls(str(value).lower())
        except ValueError:
            choices = ", ".join(mode.value for mode in cls)
            raise ValueError(
                f"revocation mode {value!r} is unknown; use one of {choices}"
            ) from None

    def covers(self, index: int, length: int) -> bool:
        """Tell whether certificate ``index`` of a chain of ``length``,
        counted from the leaf, is checked. The trust anchor never is."""
        if index >= length - 1:
            return False
        if self is Revocation.CHAIN:
            return True
        return self is Revocation.LEAF and index == 0


@dataclass(frozen=True)
class Status:
    """The revocation status of one certificate.

    Attributes:
        entry: The CRL entry that revokes the certificate, if any.
        crl: The CRL that decided the status, or ``None`` when no CRL is
            usable.
        rejected: One line per CRL not used, with the reason.
        removed: The entry found with reasonCode removeFromCRL, if any.
    """

    entry: Optional[RevokedCertificate] = None
    crl: Optional[CertificateRevocationList] = None
    rejected: tuple[str, ...] = field(default=())
    removed: Optional[RevokedCertificate] = None

    @property
    def known(self) -> bool:
        """Whether a usable CRL decided the status."""
        return self.crl is not None


def _stamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def describe_crl(crl: CertificateRevocationList) -> str:
    """Name a CRL in messages: its issuer, thisUpdate and cRLNumber."""
    issuer = crl.issuer.rfc4514() or "empty issuer"
    number = "" if crl.crl_number is None else f", number {crl.crl_number}"
    return f"CRL of {issuer} (thisUpdate {_stamp(crl.this_update)}{number})"


def crl_status(
    certificate: Certificate,
    issuer: Certificate,
    crls: Sequence[CertificateRevocationList],
    moment: datetime.datetime,
    policy: Policy,
    backend: BackendLike = None,
    signature_cache: Optional[SignatureCache] = None,
) -> Status:
    """Decide the revocation status of ``certificate`` from ``crls``.

    Args:
        certificate: The certificate checked.
        issuer: Its issuer in the validated path, whose key must sign the
            CRL.
        crls: Every CRL given; those of other issuers are skipped.
        moment: The validation time.
        policy: Decides which signature hashes are accepted.
        backend: Crypto backend for the CRL signatures.
        signature_cache: Results of earlier CRL signature checks, which
            path building reuses across candidate chains.
    """
    cache = {} if signature_cache is None else signature_cache
    rejected: list[str] = []
    usable: list[CertificateRevocationList] = []
    for crl in crls:
        problem = _unusable_reason(
            crl, certificate, issuer, moment, policy, backend, cache
        )
        if problem is None:
            usable.append(crl)
        else:
            rejected.append(f"{describe_crl(crl)}: {problem}")
    from purepki.crl import RevocationReason

    usable = _newest_by_scope(usable)
    removed = None
    for crl in usable:
        entry = crl.find(certificate.serial_number)
        if entry is None:
            continue
        if entry.reason is RevocationReason.REMOVE_FROM_CRL:
            removed = entry
            continue
        return Status(entry, crl, tuple(rejected), removed)
    if usable:
        return Status(None, usable[0], tuple(rejected), removed)
    return Status(None, None, tuple(rejected), removed)


def _newest_by_scope(
    usable: list[CertificateRevocationList],
) -> list[CertificateRevocationList]:
    """Keep the newest usable CRL of each scope.

    A CRL that an issuer publishes later replaces the earlier ones of the
    same scope, so an entry that a later CRL drops (a released
    certificateHold) no longer counts. The cRLNumber orders an issuer's
    CRLs of one scope (RFC 5280 section 5.2.3); thisUpdate breaks ties and
    orders CRLs without one. The scope is the issuingDistributionPoint
    extension's DER, empty when it is absent. Every CRL here already
    passed the issuer and signature checks for the certificate.
    """
    newest: dict[bytes, CertificateRevocationList] = {}
    for crl in usable:
        scope = _scope_key(crl)
        current = newest.get(scope)
        if current is None or _recency(crl) > _recency(current):
            newest[scope] = crl
    return list(newest.values())


def _scope_key(crl: CertificateRevocationList) -> bytes:
    extension = crl.extensions.get(ExtensionOID.ISSUING_DISTRIBUTION_POINT)
    return b"" if extension is None else extension.der_value


def _recency(
    crl: CertificateRevocationList,
) -> tuple[int, datetime.datetime]:
    number = -1 if crl.crl_number is None else crl.crl_number
    return number, crl.this_update


def _unusable_reason(
    crl: CertificateRevocationList,
    certificate: Certificate,
    issuer: Certificate,
    moment: datetime.datetime,
    policy: Policy,
    backend: BackendLike,
    cache: SignatureCache,
) -> Optional[str]:
    """Return why ``crl`` cannot decide the status, or ``None``."""
    if not crl.issuer.matches(certificate.issuer):
        expected = certificate.issuer.rfc4514() or "an empty name"
        return f"its issuer is not the certificate's issuer {expected}"

    if crl.is_delta:
        return (
            f"it is a delta CRL (deltaCRLIndicator, base CRL number "
            f"{crl.delta_crl_indicator}), which lists only changes; purepki "
            "does not process delta CRLs, so give the complete CRL"
        )
    unknown = crl.unknown_critical_extensions()
    if unknown:
        names = ", ".join(ext.oid for ext in unknown)
        return (
            f"it has the unknown critical extension {names}, so RFC 5280 "
            "section 5.2 forbids using it"
        )

    key = (crl.to_der(), issuer.spki_der, policy.allow_sha1)
    if key not in cache:
        cache[key] = _signature_problem(crl, issuer, policy, backend)
    problem = cache[key]
    if problem is not None:
        return problem
    usage = issuer.key_usage
    if usage is not None and not usage.crl_sign:
        return (
            "the issuer certificate's keyUsage lacks cRLSign, so its key "
            "may not sign CRLs (RFC 5280 section 6.3.3 (f))"
        )

    problem = _freshness_problem(crl, moment)
    if problem is not None:
        return problem
    return _scope_problem(crl, certificate)


def _signature_problem(
    crl: CertificateRevocationList,
    issuer: Certificate,
    policy: Policy,
    backend: BackendLike,
) -> Optional[str]:
    label = issuer.subject.rfc4514() or "empty subject"
    try:
        algorithm = crl.signature_algorithm
        crl.verify_signature(issuer.public_key, backend=backend)
    except InvalidSignature:
        return (
            f"its signature does not verify with the key of {label} "
            "(RFC 5280 section 6.3.3 (g))"
        )
    except PurePKIError as error:
        return f"its signature cannot be checked: {error}"
    weak = algorithm.hash in (HashAlgorithm.MD5, HashAlgorithm.SHA1)
    if weak and not (
        algorithm.hash is HashAlgorithm.SHA1 and policy.allow_sha1
    ):
        return (
            f"it is signed with {algorithm}; MD5 and SHA-1 are rejected "
            "(RFC 9155)"
        )
    return None


def _freshness_problem(
    crl: CertificateRevocationList, moment: datetime.datetime
) -> Optional[str]:
    stamp = _stamp(moment)
    if crl.this_update > moment:
        return (
            f"its thisUpdate {_stamp(crl.this_update)} is after the "
            f"validation time {stamp}"
        )
    if crl.next_update is None:
        return (
            "it has no nextUpdate, so it cannot be shown to be current "
            "(RFC 5280 section 5.1.2.5 requires the field)"
        )
    if moment >= crl.next_update:
        return (
            f"it expired at its nextUpdate {_stamp(crl.next_update)} "
            f"(validation time {stamp}); fetch a newer CRL"
        )
    return None


def _scope_problem(
    crl: CertificateRevocationList, certificate: Certificate
) -> Optional[str]:
    """Check that the issuingDistributionPoint covers the certificate
    (RFC 5280 section 6.3.3 (b)(2)); return the reason when it does not."""
    point = crl.issuing_distribution_point
    if point is None:
        return None
    if point.indirect_crl:
        return (
            "it is an indirect CRL (issuingDistributionPoint indirectCRL), "
            "which purepki does not support"
        )
    if point.only_some_reasons is not None:
        reasons = ", ".join(sorted(point.only_some_reasons)) or "no reason"
        return (
            f"it covers only some revocation reasons ({reasons}); purepki "
            "does not combine partial CRLs, so give a CRL for all reasons"
        )
    if point.only_contains_attribute_certs:
        return "it covers attribute certificates only"
    if point.only_contains_user_certs and certificate.is_ca:
        return (
            "it covers end-entity certificates only "
            "(onlyContainsUserCerts), and the certificate is a CA"
        )
    if point.only_contains_ca_certs and not certificate.is_ca:
        return (
            "it covers CA certificates only (onlyContainsCACerts), and the "
            "certificate is not a CA"
        )
    if point.has_name:
        return _distribution_point_problem(crl, certificate)
    return None


def _distribution_point_problem(
    crl: CertificateRevocationList, certificate: Certificate
) -> Optional[str]:
    point = crl.issuing_distribution_point
    assert point is not None
    crl_names = _point_names(point.full_name, point.relative_name, crl.issuer)
    crl_names_text = ", ".join(str(name) for name in crl_names)
    extension = certificate.extensions.get(CRLDistributionPoints)
    value = extension.value if extension is not None else None
    if not isinstance(value, CRLDistributionPoints):
        return (
            f"its issuingDistributionPoint names {crl_names_text}, and the "
            "certificate has no cRLDistributionPoints, so the CRL does not "
            "cover it"
        )
    for cert_point in value.points:
        if cert_point.full_name is None and cert_point.relative_name is None:
            names = cert_point.crl_issuer or ()
        else:
            names = _point_names(
                cert_point.full_name,
                cert_point.relative_name,
                certificate.issuer,
            )
        if any(_same_name(a, b) for a in crl_names for b in names):
            return None
    return (
        f"its issuingDistributionPoint {crl_names_text} matches none of the "
        "certificate's cRLDistributionPoints (RFC 5280 section 6.3.3 "
        "(b)(2)(i))"
    )


def _point_names(
    full_name: Optional[tuple[GeneralName, ...]],
    relative_name: Optional[Name],
    issuer: Name,
) -> tuple[GeneralName, ...]:
    """Return a distribution point's names; nameRelativeToCRLIssuer is
    appended to the CRL issuer's name (RFC 5280 section 4.2.1.13)."""
    if full_name is not None:
        return full_name
    if relative_name is None:
        return ()
    issuer_der = issuer.to_der()
    relative_der = relative_name.to_der()
    rdns = der.scan(issuer_der).content(issuer_der)
    extra = der.scan(relative_der).content(relative_der)
    joined = Name.from_der(der.encode_tlv(0x30, rdns + extra))
    return (DirectoryName(joined),)


def _same_name(first: GeneralName, second: GeneralName) -> bool:
    if isinstance(first, DirectoryName) and isinstance(second, DirectoryName):
        return first.value.matches(second.value)
    return first == second


def revoked_detail(status: Status, certificate: Certificate) -> str:
    """Describe a revoked certificate: serial, date, reason and CRL."""
    entry = status.entry
    assert entry is not None and status.crl is not None
    reason = "no reasonCode" if entry.reason is None else entry.reason.label
    text = (
        f"serial {hex_serial(certificate.serial_number)} was revoked on "
        f"{_stamp(entry.revocation_date)} (reason {reason}"
    )
    if entry.invalidity_date is not None:
        text += f", invalid since {_stamp(entry.invalidity_date)}"
    return f"{text}) by the {describe_crl(status.crl)}"


def unknown_detail(status: Status, certificate: Certificate) -> str:
    """Explain why no CRL could decide the status."""
    issuer = certificate.issuer.rfc4514() or "an empty issuer name"
    serial = hex_serial(certificate.serial_number)
    if not status.rejected:
        return (
            f"revocation status of serial {serial} is unknown: no CRL was "
            f"given for its issuer {issuer}; pass the issuer's current CRL "
            "or verify without revocation checking"
        )
    reasons = "; ".join(status.rejected)
    return (
        f"revocation status of serial {serial} is unknown: no usable CRL "
        f"for its issuer {issuer}. {reasons}"
    )


def good_detail(status: Status, certificate: Certificate) -> str:
    """Describe a certificate that a usable CRL does not list."""
    assert status.crl is not None
    serial = hex_serial(certificate.serial_number)
    text = f"serial {serial} is not revoked according to the "
    text += describe_crl(status.crl)
    if status.removed is not None:
        text += " (its entry has reasonCode removeFromCRL)"
    return text
