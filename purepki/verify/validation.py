"""Path validation: RFC 5280 section 6.1, then the usage rules.

:func:`validate_path` takes a candidate chain from the leaf to a trust
anchor whose signatures path building has already checked, and walks it
from the anchor down, as section 6.1 does. Each step is one function named
after its section; every step records a :class:`Check`, and the first
failure raises :class:`PathFailure`.

Not implemented: certificate policy processing (RFC 5280 section 6.1.3
steps (d) to (f) and 6.1.4 steps (a), (b), (h) to (j)). The policy
extensions are recognised, so a critical one does not fail the chain, and
no policy is required of it. Revocation (step (a)(3)) is checked against
the CRLs given, for the certificates the revocation mode selects (see
:mod:`purepki.verify.revocation`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

from purepki._record import dataclass, field
from purepki.algorithms import HashAlgorithm
from purepki.asn1.oids import (
    ExtendedKeyUsageOID,
    ExtensionOID,
    NameOID,
)
from purepki.backend import BackendLike
from purepki.certificate import Certificate
from purepki.errors import PurePKIError
from purepki.general_names import (
    DirectoryName,
    DNSName,
    GeneralName,
    RFC822Name,
    is_valid_dns_name,
)
from purepki.keys import ECPublicKey, RSAPublicKey
from purepki.verify.names import (
    ConstraintError,
    check_constraints,
    host_matches,
    parse_reference_ip,
)
from purepki.verify.policy import Policy, Purpose
from purepki.verify.result import Check, Reason, describe_position
from purepki.verify.revocation import (
    RULE as REVOCATION_RULE,
)
from purepki.verify.revocation import (
    Revocation,
    SignatureCache,
    crl_status,
    good_detail,
    revoked_detail,
    unknown_detail,
)

# NOTE: certificate policy processing (RFC 5280 section 6.1.3 (d) to (f)
# and 6.1.4 (a), (b), (h) to (j)) is not implemented. The policy
# extensions below are accepted, even when critical, and no chain can be
# required to assert a policy.

if TYPE_CHECKING:
    from purepki.crl import CertificateRevocationList

#: Extensions whose semantics purepki processes or deliberately accepts.
#: Certificate policy extensions are recognised without policy
#: processing (see the module documentation).
RECOGNISED_EXTENSIONS = frozenset(
    {
        ExtensionOID.BASIC_CONSTRAINTS,
        ExtensionOID.KEY_USAGE,
        ExtensionOID.EXTENDED_KEY_USAGE,
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
        ExtensionOID.ISSUER_ALTERNATIVE_NAME,
        ExtensionOID.NAME_CONSTRAINTS,
        ExtensionOID.SUBJECT_KEY_IDENTIFIER,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.CRL_DISTRIBUTION_POINTS,
        ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
        ExtensionOID.CERTIFICATE_POLICIES,
        ExtensionOID.POLICY_CONSTRAINTS,
        ExtensionOID.POLICY_MAPPINGS,
        ExtensionOID.INHIBIT_ANY_POLICY,
        ExtensionOID.NETSCAPE_CERT_TYPE,
    }
)

#: Maximum comparisons of a name with a name constraint in one chain. A
#: chain of ordinary certificates needs a few hundred. Hostile certificates
#: with thousands of names and constraints would need millions, because the
#: work grows with names times constraints.
NAME_CONSTRAINT_BUDGET = 1 << 16

_WEB_PKI_HASHES = frozenset(
    {HashAlgorithm.SHA256, HashAlgorithm.SHA384, HashAlgorithm.SHA512}
)


@dataclass(frozen=True)
class Options:
    """Purpose and settings of one verification.

    Attributes:
        purpose: TLS server, TLS client or any use.
        host: DNS name or IP address to match, if any.
        emails: Email addresses the leaf must carry (client certificates).
        moment: The validation time.
        policy: The policy's switches.
        max_depth: Maximum number of certificates between leaf and anchor.
        required_ekus: Key purposes the leaf's EKU must list when present.
        revocation: Which certificates have their revocation checked.
        crls: The CRLs to check revocation against.
        backend: Crypto backend for the CRL signatures.
        crl_signatures: CRL signature results, shared by the candidate
            chains of one verification.
    """

    purpose: Purpose
    host: Optional[str]
    emails: tuple[str, ...]
    moment: datetime.datetime
    policy: Policy
    max_depth: int
    required_ekus: tuple[str, ...] = ()
    revocation: Revocation = Revocation.NONE
    crls: tuple[CertificateRevocationList, ...] = ()
    backend: BackendLike = None
    crl_signatures: SignatureCache = field(default_factory=dict)


class PathFailure(PurePKIError):
    """A candidate chain that broke a rule."""

    def __init__(
        self, message: str, reason: Reason, rule: str, position: str
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.rule = rule
        self.position = position
        self.checks: tuple[Check, ...] = ()


class _Walk:
    """The state of one validation run over one chain."""

    def __init__(self, chain: Sequence[Certificate], options: Options) -> None:
        self.chain = chain
        self.options = options
        self.checks: list[Check] = []
        self.warnings: list[str] = []
        self.constraint_comparisons = 0
        self._subjects: dict[int, str] = {}

    def position(self, index: int) -> str:
        return describe_position(index, len(self.chain), True)

    def _subject(self, index: int) -> str:
        """Return the RFC 4514 subject of certificate ``index``, rendered
        once per chain, or "" for checks on the whole chain."""
        if index < 0:
            return ""
        cached = self._subjects.get(index)
        if cached is None:
            rendered = self.chain[index].subject.rfc4514()
            cached = rendered or "empty subject"
            self._subjects[index] = cached
        return cached

    def record(
        self,
        index: int,
        step: str,
        rule: str,
        passed: bool,
        detail: str,
        reason: Reason = Reason.POLICY,
    ) -> None:
        """Record a check; raise PathFailure when it failed."""
        position = self.position(index) if index >= 0 else ""
        subject = self._subject(index)
        self.checks.append(
            Check(
                step,
                position,
                subject,
                rule,
                passed,
                detail,
            )
        )
        if not passed:
            where = f"{position} {subject}: " if position else ""
            raise PathFailure(f"{where}{detail}", reason, rule, position)


# --- RFC 5280 section 6.1.3: basic certificate processing --------------------


def _step_signature(walk: _Walk, index: int) -> None:
    """6.1.3 (a)(1): the signature, checked by path building over the
    received tbsCertificate bytes; here its hash is judged."""
    certificate = walk.chain[index]
    if index == len(walk.chain) - 1:
        return

    try:
        algorithm = certificate.signature_algorithm
    except PurePKIError as error:
        walk.record(
            index,
            "signature algorithm",
            "RFC 5280 4.1.1.2",
            False,
            str(error),
            Reason.UNSUPPORTED_ALGORITHM,
        )
        return

    weak = algorithm.hash in (HashAlgorithm.MD5, HashAlgorithm.SHA1)
    allowed = not weak or (
        algorithm.hash is HashAlgorithm.SHA1 and walk.options.policy.allow_sha1
    )
    walk.record(
        index,
        "signature hash",
        "RFC 9155; CA/B Forum BR 7.1.3.2",
        allowed,
        f"signed with {algorithm}"
        + ("" if allowed else "; MD5 and SHA-1 are rejected"),
        Reason.WEAK_ALGORITHM,
    )

    issuer = walk.chain[index + 1].subject.rfc4514() or "empty subject"
    walk.record(
        index,
        "signature",
        "RFC 5280 6.1.3 (a)(1)",
        True,
        f"verified with the key of {issuer}",
        Reason.SIGNATURE,
    )


def _note_key_identifiers(walk: _Walk, index: int) -> None:
    """Warn when authorityKeyIdentifier names another key than the
    issuer's subjectKeyIdentifier. The signature decided the issuer, so
    the CA rotated keys or wrote a wrong identifier (RFC 5280 4.2.1.1)."""
    if index == len(walk.chain) - 1:
        return
    aki = walk.chain[index].authority_key_identifier
    ski = walk.chain[index + 1].subject_key_identifier
    if aki is None or aki.key_identifier is None or ski is None:
        return
    if aki.key_identifier != ski.digest:
        position = walk.position(index)
        walk.warnings.append(
            f"{position}: authorityKeyIdentifier "
            f"{aki.key_identifier.hex()} differs from the issuer's "
            f"subjectKeyIdentifier {ski.digest.hex()}; the issuer was "
            "chosen by name and its signature verified"
        )


def _step_validity(walk: _Walk, index: int) -> None:
    """6.1.3 (a)(2): the validation time lies in notBefore..notAfter."""
    certificate = walk.chain[index]
    moment = walk.options.moment
    stamp = _stamp(moment)
    rule = "RFC 5280 6.1.3 (a)(2)"

    if moment < certificate.not_before:
        start = _stamp(certificate.not_before)
        walk.record(
            index,
            "validity",
            rule,
            False,
            f"not valid before {start} (validation time {stamp})",
            Reason.NOT_YET_VALID,
        )

    if moment > certificate.not_after:
        end = _stamp(certificate.not_after)
        walk.record(
            index,
            "validity",
            rule,
            False,
            f"expired at {end} (validation time {stamp})",
            Reason.EXPIRED,
        )

    walk.record(
        index,
        "validity",
        rule,
        True,
        f"valid until {_stamp(certificate.not_after)}",
    )


def _stamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _step_revocation(walk: _Walk, index: int) -> None:
    """6.1.3 (a)(3): the certificate is not revoked at the validation
    time, by the CRL procedure of section 6.3."""
    options = walk.options
    if not options.revocation.covers(index, len(walk.chain)):
        return
    certificate = walk.chain[index]
    status = crl_status(
        certificate,
        walk.chain[index + 1],
        options.crls,
        options.moment,
        options.policy,
        options.backend,
        options.crl_signatures,
    )
    if status.entry is not None:
        walk.record(
            index,
            "revocation",
            REVOCATION_RULE,
            False,
            revoked_detail(status, certificate),
            Reason.REVOKED,
        )
    if not status.known:
        walk.record(
            index,
            "revocation",
            REVOCATION_RULE,
            False,
            unknown_detail(status, certificate),
            Reason.REVOCATION_UNKNOWN,
        )
    walk.record(
        index,
        "revocation",
        REVOCATION_RULE,
        True,
        good_detail(status, certificate),
    )


def _step_issuer_name(walk: _Walk, index: int) -> None:
    """6.1.3 (a)(4): the issuer name matches the next certificate's
    subject."""
    if index == len(walk.chain) - 1:
        return
    issuer = walk.chain[index + 1]
    walk.record(
        index,
        "issuer name",
        "RFC 5280 6.1.3 (a)(4)",
        walk.chain[index].issuer.matches(issuer.subject),
        "issuer matches the subject of the next certificate",
        Reason.NO_ISSUER,
    )


def _subject_names(walk: _Walk, certificate: Certificate) -> list[GeneralName]:
    """Collect the names that name constraints apply to (RFC 5280
    section 4.2.1.10)."""
    names: list[GeneralName] = []
    san = certificate.subject_alternative_name
    if san is not None:
        names.extend(san.names)
    subject = certificate.subject
    if not subject.is_empty:
        names.append(DirectoryName(subject))
        names.extend(
            RFC822Name(email) for email in subject.get(NameOID.EMAIL_ADDRESS)
        )
    if san is None and walk.options.policy.common_name_fallback:
        names.extend(
            DNSName(cn)
            for cn in subject.common_names
            if is_valid_dns_name(cn, allow_wildcard=True)
        )
    return names


def _step_name_constraints(walk: _Walk, index: int) -> None:
    """6.1.3 (b) and (c): the subject and subjectAltName lie within the
    permitted subtrees and outside the excluded ones of every CA above.
    Skipped for self-issued certificates other than the leaf."""
    certificate = walk.chain[index]
    if index > 0 and certificate.is_self_issued:
        return

    names = _subject_names(walk, certificate)
    for above in range(len(walk.chain) - 1, index, -1):
        constraints = walk.chain[above].name_constraints
        if constraints is None:
            continue

        permitted = constraints.permitted or None
        cost = len(names) * (
            len(constraints.permitted) + len(constraints.excluded)
        )
        walk.constraint_comparisons += cost
        walk.record(
            index,
            "name constraint work",
            "denial-of-service limit",
            walk.constraint_comparisons <= NAME_CONSTRAINT_BUDGET,
            f"{walk.constraint_comparisons} name comparisons, at most "
            f"{NAME_CONSTRAINT_BUDGET}",
            Reason.BUDGET,
        )

        try:
            problem = check_constraints(names, permitted, constraints.excluded)
        except ConstraintError as error:
            problem = str(error)
        owner = walk.position(above)
        walk.record(
            index,
            "name constraints",
            "RFC 5280 6.1.3 (b), (c)",
            problem is None,
            f"names checked against the constraints of {owner}"
            if problem is None
            else f"{problem} (constraints of {owner})",
            Reason.NAME_CONSTRAINTS,
        )


# --- RFC 5280 section 6.1.4: preparation for certificate i+1 -----------------


def _step_ca(walk: _Walk, index: int) -> None:
    """6.1.4 (k): an issuer is a version 3 certificate with
    basicConstraints cA TRUE."""
    certificate = walk.chain[index]
    subject = certificate.subject.rfc4514()

    walk.record(
        index,
        "basicConstraints",
        "RFC 5280 6.1.4 (k)",
        certificate.is_ca,
        "cA is TRUE"
        if certificate.is_ca
        else f"issuer {subject} is not a CA (basicConstraints missing or "
        "cA=false)",
        Reason.NOT_A_CA,
    )

    walk.record(
        index,
        "version",
        "RFC 5280 6.1.4 (k)",
        certificate.version == 3,
        f"version {certificate.version}"
        + (
            ""
            if certificate.version == 3
            else "; a CA certificate must be version 3"
        ),
        Reason.NOT_A_CA,
    )


def _step_path_length(walk: _Walk, index: int) -> None:
    """6.1.4 (l), (m): no more non-self-issued intermediates below a CA
    than its pathLenConstraint allows; the leaf does not count."""
    constraints = walk.chain[index].basic_constraints
    if constraints is None or constraints.path_length is None:
        return
    below = sum(1 for cert in walk.chain[1:index] if not cert.is_self_issued)
    limit = constraints.path_length
    walk.record(
        index,
        "path length",
        "RFC 5280 6.1.4 (l), (m)",
        below <= limit,
        f"{below} intermediate CAs below, pathLenConstraint {limit}",
        Reason.PATH_LENGTH,
    )


def _step_key_cert_sign(walk: _Walk, index: int) -> None:
    """6.1.4 (n): a keyUsage, when present, asserts keyCertSign."""
    usage = walk.chain[index].key_usage
    if usage is None:
        return
    walk.record(
        index,
        "keyUsage keyCertSign",
        "RFC 5280 6.1.4 (n)",
        usage.key_cert_sign,
        "keyUsage allows keyCertSign"
        if usage.key_cert_sign
        else "keyUsage lacks keyCertSign, so the key may not sign "
        "certificates",
        Reason.KEY_USAGE,
    )


def _step_netscape_ca(walk: _Walk, index: int) -> None:
    """Appliance rule: a Netscape certificate type above the leaf, when
    present, has SSL CA."""
    cert_type = walk.chain[index].netscape_cert_type
    if cert_type is None:
        return
    walk.record(
        index,
        "Netscape cert type",
        "appliance CA rule",
        cert_type.ssl_ca,
        "nsCertType must include SSL CA",
        Reason.NETSCAPE_CERT_TYPE,
    )


def _step_ca_eku(walk: _Walk, index: int) -> None:
    """Check that an issuer's extendedKeyUsage, when present, allows the
    purpose. RFC 5280 section 4.2.1.12 leaves an issuer's EKU undefined,
    so a restricting one is honoured for the whole chain below it."""
    eku = walk.chain[index].extended_key_usage
    wanted = _PURPOSE_EKU.get(walk.options.purpose)
    if eku is None or wanted is None:
        return
    listed = set(eku.usages)
    allowed = (
        wanted in listed
        or ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in listed
    )
    walk.record(
        index,
        "issuer extendedKeyUsage",
        "RFC 5280 4.2.1.12",
        allowed,
        f"extendedKeyUsage of an issuer must allow {_eku_name(wanted)}",
        Reason.EXTENDED_KEY_USAGE,
    )


def _step_critical_extensions(walk: _Walk, index: int) -> None:
    """6.1.4 (o) and 6.1.5 (f): no critical extension left unprocessed."""
    unknown = [
        ext.oid
        for ext in walk.chain[index].extensions
        if ext.critical and ext.oid not in RECOGNISED_EXTENSIONS
    ]
    walk.record(
        index,
        "critical extensions",
        "RFC 5280 6.1.4 (o), 6.1.5 (f)",
        not unknown,
        "every critical extension is recognised"
        if not unknown
        else "unknown critical extension " + ", ".join(unknown),
        Reason.UNKNOWN_CRITICAL_EXTENSION,
    )


# --- Web PKI profile (CA/Browser Forum Baseline Requirements) ---------------


def _web_pki_common(walk: _Walk, index: int) -> None:
    certificate = walk.chain[index]
    anchor = index == len(walk.chain) - 1
    walk.record(
        index,
        "version 3",
        "CA/B Forum BR 7.1.1",
        certificate.version == 3,
        f"certificate is version {certificate.version}",
        Reason.POLICY,
    )

    serial = certificate.serial_number
    octets = len(certificate.serial_number_bytes)
    # Several roots in use have serial number 0, so a trust anchor may;
    # no certificate may have a negative one.
    lowest = 0 if anchor else 1
    walk.record(
        index,
        "serial number",
        "RFC 5280 4.1.2.2",
        serial >= lowest and octets <= 20,
        f"serial number of {octets} octets"
        + ("" if serial > 0 else ", not positive"),
        Reason.MALFORMED,
    )

    walk.record(
        index,
        "issuer not empty",
        "RFC 5280 4.1.2.4",
        not certificate.issuer.is_empty,
        "issuer name is present",
        Reason.MALFORMED,
    )

    _web_pki_key(walk, index)

    for ext_oid, label in (
        (ExtensionOID.SUBJECT_KEY_IDENTIFIER, "subjectKeyIdentifier"),
        (ExtensionOID.AUTHORITY_KEY_IDENTIFIER, "authorityKeyIdentifier"),
        (ExtensionOID.AUTHORITY_INFORMATION_ACCESS, "authorityInfoAccess"),
    ):
        extension = certificate.extensions.get(ext_oid)
        if extension is not None:
            walk.record(
                index,
                f"{label} not critical",
                "RFC 5280 4.2.1.1, 4.2.1.2, 4.2.2.1",
                not extension.critical,
                f"{label} must not be critical",
                Reason.POLICY,
            )

    if not anchor and not certificate.is_self_issued:
        aki = certificate.authority_key_identifier
        walk.record(
            index,
            "authorityKeyIdentifier",
            "RFC 5280 4.2.1.1",
            aki is not None and aki.key_identifier is not None,
            "authorityKeyIdentifier with keyIdentifier is required",
            Reason.POLICY,
        )


def _web_pki_key(walk: _Walk, index: int) -> None:
    certificate = walk.chain[index]
    try:
        key = certificate.public_key
    except PurePKIError as error:
        walk.record(
            index,
            "public key",
            "CA/B Forum BR 6.1.5",
            False,
            str(error),
            Reason.UNSUPPORTED_ALGORITHM,
        )
        return

    if isinstance(key, RSAPublicKey):
        size = key.key_size
        walk.record(
            index,
            "RSA key size",
            "CA/B Forum BR 6.1.5",
            size >= 2048 and size % 8 == 0,
            f"{size}-bit modulus (at least 2048, a multiple of 8)",
            Reason.UNSUPPORTED_ALGORITHM,
        )

    if isinstance(key, ECPublicKey):
        walk.record(
            index,
            "named curve",
            "RFC 5480 2.1.1",
            not key.explicit_parameters,
            f"curve {key.curve.name}"
            + (
                " given by explicit parameters"
                if key.explicit_parameters
                else ""
            ),
            Reason.UNSUPPORTED_ALGORITHM,
        )

    if index == len(walk.chain) - 1:
        return

    try:
        algorithm = certificate.signature_algorithm
    except PurePKIError:
        return

    allowed = algorithm.hash in _WEB_PKI_HASHES or (
        walk.options.policy.allow_sha1 and algorithm.hash is HashAlgorithm.SHA1
    )
    walk.record(
        index,
        "signature algorithm",
        "CA/B Forum BR 7.1.3.2",
        allowed,
        f"{algorithm}",
        Reason.WEAK_ALGORITHM,
    )


def _web_pki_ca(walk: _Walk, index: int) -> None:
    certificate = walk.chain[index]
    anchor = index == len(walk.chain) - 1

    walk.record(
        index,
        "subject not empty",
        "RFC 5280 4.1.2.6",
        not certificate.subject.is_empty,
        "a CA certificate has a subject",
        Reason.MALFORMED,
    )

    extension = certificate.extensions.get(ExtensionOID.BASIC_CONSTRAINTS)
    walk.record(
        index,
        "basicConstraints critical",
        "RFC 5280 4.2.1.9",
        extension is not None and extension.critical,
        "basicConstraints of a CA certificate must be critical",
        Reason.NOT_A_CA,
    )

    ski = certificate.subject_key_identifier
    walk.record(
        index,
        "subjectKeyIdentifier",
        "RFC 5280 4.2.1.2",
        ski is not None,
        "a CA certificate carries a subjectKeyIdentifier",
        Reason.POLICY,
    )

    aki = certificate.authority_key_identifier
    if anchor and aki is not None and certificate.is_self_issued:
        consistent = (
            aki.key_identifier is not None
            and aki.authority_cert_issuer is None
            and aki.authority_cert_serial_number is None
            and (ski is None or aki.key_identifier == ski.digest)
        )
        walk.record(
            index,
            "self-signed authorityKeyIdentifier",
            "RFC 5280 4.2.1.1",
            consistent,
            "a root's authorityKeyIdentifier holds only its own keyIdentifier",
            Reason.POLICY,
        )


def _web_pki_leaf(walk: _Walk) -> None:
    leaf = walk.chain[0]
    if len(walk.chain) == 1:
        return

    walk.record(
        0,
        "leaf is not a CA",
        "CA/B Forum BR 7.1.2.7.8",
        not leaf.is_ca,
        "basicConstraints cA must be FALSE",
        Reason.POLICY,
    )

    usage = leaf.key_usage
    walk.record(
        0,
        "leaf keyUsage",
        "CA/B Forum BR 7.1.2.7.11",
        usage is None or not usage.key_cert_sign,
        "a leaf may not assert keyCertSign",
        Reason.KEY_USAGE,
    )

    walk.record(
        0,
        "no name constraints in leaf",
        "RFC 5280 4.2.1.10",
        leaf.name_constraints is None,
        "nameConstraints appear only in CA certificates",
        Reason.POLICY,
    )

    extension = leaf.extensions.get(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    walk.record(
        0,
        "subjectAltName present",
        "CA/B Forum BR 7.1.2.7.12",
        extension is not None,
        "a leaf carries a subjectAltName",
        Reason.NAME_MISMATCH,
    )

    assert extension is not None
    must_be_critical = leaf.subject.is_empty
    walk.record(
        0,
        "subjectAltName criticality",
        "RFC 5280 4.2.1.6",
        extension.critical == must_be_critical,
        "critical exactly when the subject is empty",
        Reason.POLICY,
    )

    walk.record(
        0,
        "extendedKeyUsage present",
        "CA/B Forum BR 7.1.2.7.6",
        leaf.extended_key_usage is not None,
        "a leaf carries an extendedKeyUsage",
        Reason.POLICY,
    )

    _web_pki_common_names(walk)


def _web_pki_common_names(walk: _Walk) -> None:
    """CA/B Forum BR 7.1.4.3: a CN holding an IP address writes it in its
    canonical text form (RFC 3986 section 3.2.2, RFC 5952 section 4)."""
    for common_name in walk.chain[0].subject.common_names:
        if not _IP_LIKE.match(common_name):
            continue

        address = parse_reference_ip(common_name)
        canonical = address is not None and str(address) == common_name
        walk.record(
            0,
            "common name address form",
            "CA/B Forum BR 7.1.4.3",
            canonical,
            f"CN {common_name!r} must be an address in canonical form",
            Reason.NAME_MISMATCH,
        )


_IP_LIKE = re.compile(r"[0-9]+(\.[0-9]+){3}\Z|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\Z")


# --- Usage rules for the leaf ----------------------------------------------


_PURPOSE_EKU = {
    Purpose.SERVER: ExtendedKeyUsageOID.SERVER_AUTH,
    Purpose.CLIENT: ExtendedKeyUsageOID.CLIENT_AUTH,
}
_PURPOSE_KU = {
    Purpose.SERVER: ("digital_signature", "key_encipherment", "key_agreement"),
    Purpose.CLIENT: ("digital_signature", "key_agreement"),
}


def _step_usage(walk: _Walk) -> None:
    """Check the peer usage rules: EKU, KU and Netscape certificate type,
    each only when present."""
    leaf = walk.chain[0]
    purpose = walk.options.purpose
    wanted = list(walk.options.required_ekus)
    if purpose in _PURPOSE_EKU and _PURPOSE_EKU[purpose] not in wanted:
        wanted.append(_PURPOSE_EKU[purpose])

    eku = leaf.extended_key_usage
    if eku is not None and wanted:
        listed = set(eku.usages)
        accept_any = not walk.options.policy.web_pki_profile
        missing = [
            oid
            for oid in wanted
            if oid not in listed
            and not (
                accept_any
                and ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in listed
            )
        ]
        walk.record(
            0,
            "extendedKeyUsage",
            "RFC 5280 4.2.1.12",
            not missing,
            "extendedKeyUsage lists "
            + ", ".join(_eku_name(oid) for oid in wanted)
            if not missing
            else "extendedKeyUsage lacks "
            + ", ".join(_eku_name(oid) for oid in missing),
            Reason.EXTENDED_KEY_USAGE,
        )

    if purpose not in _PURPOSE_KU:
        return

    usage = leaf.key_usage
    if usage is not None:
        names = _PURPOSE_KU[purpose]
        allowed = any(getattr(usage, name) for name in names)
        walk.record(
            0,
            "keyUsage",
            "RFC 5280 4.2.1.3; appliance rule",
            allowed,
            "keyUsage must include one of " + ", ".join(names),
            Reason.KEY_USAGE,
        )

    cert_type = leaf.netscape_cert_type
    if cert_type is not None:
        flag = "ssl_server" if purpose is Purpose.SERVER else "ssl_client"
        walk.record(
            0,
            "Netscape cert type",
            "appliance rule",
            bool(getattr(cert_type, flag)),
            f"nsCertType must include {flag.replace('_', ' ')}",
            Reason.NETSCAPE_CERT_TYPE,
        )


def _eku_name(oid: str) -> str:
    from purepki.asn1.oids import display_name

    return display_name(oid)


def _step_host(walk: _Walk) -> None:
    """RFC 6125 section 6: the reference identity matches the leaf."""
    host = walk.options.host
    leaf = walk.chain[0]
    san = leaf.subject_alternative_name
    names = san.names if san is not None else ()

    if host is not None:
        matched = host_matches(
            names,
            leaf.subject.common_names,
            host,
            common_name_fallback=walk.options.policy.common_name_fallback,
        )
        shown = ", ".join(str(name) for name in names) or ("no subjectAltName")
        walk.record(
            0,
            "host name",
            "RFC 6125 6.4",
            matched,
            f"{host} matches the certificate"
            if matched
            else f"{host} matches none of {shown}",
            Reason.NAME_MISMATCH,
        )

    for email in walk.options.emails:
        present = any(
            isinstance(name, RFC822Name) and name.value == email
            for name in names
        )
        walk.record(
            0,
            "email address",
            "RFC 5280 4.2.1.6",
            present,
            f"{email} is in the subjectAltName"
            if present
            else f"{email} is not in the subjectAltName",
            Reason.NAME_MISMATCH,
        )


def _step_depth(walk: _Walk) -> None:
    between = max(len(walk.chain) - 2, 0)
    limit = walk.options.max_depth
    walk.record(
        -1,
        "chain depth",
        "maximum depth option",
        between <= limit,
        f"{between} intermediates, at most {limit} allowed",
        Reason.DEPTH,
    )


def validate_path(
    chain: Sequence[Certificate], options: Options
) -> tuple[list[Check], list[str]]:
    """Validate a chain from the leaf to its trust anchor.

    The signatures must already be verified (path building does it).

    Returns:
        The checks made and the warnings.

    Raises:
        PathFailure: A rule is broken; its checks end with the failing
            one.
    """
    walk = _Walk(chain, options)
    try:
        _run_steps(walk)
    except PathFailure as failure:
        failure.checks = tuple(walk.checks)
        raise
    return walk.checks, walk.warnings


def _run_steps(walk: _Walk) -> None:
    web = walk.options.policy.web_pki_profile
    last = len(walk.chain) - 1

    _step_depth(walk)

    for index in range(last, -1, -1):
        is_issuer = index > 0
        if web:
            _web_pki_common(walk, index)
        _step_signature(walk, index)
        _note_key_identifiers(walk, index)
        _step_validity(walk, index)
        _step_revocation(walk, index)
        _step_issuer_name(walk, index)
        _step_name_constraints(walk, index)
        if is_issuer:
            _step_ca(walk, index)
            _step_path_length(walk, index)
            _step_key_cert_sign(walk, index)
            _step_netscape_ca(walk, index)
            _step_ca_eku(walk, index)
            if web:
                _web_pki_ca(walk, index)
        _step_critical_extensions(walk, index)

    if web:
        _web_pki_leaf(walk)

    _step_usage(walk)
    _step_host(walk)
