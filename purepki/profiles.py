"""Certificate profiles: a self-signed CA, an intermediate CA, and service
certificates signed from a CSR.

The service profile follows the appliance rules: by default one
certificate serves as both TLS server and TLS client (keyUsage
digitalSignature plus keyEncipherment for RSA keys or keyAgreement for EC
keys; extendedKeyUsage serverAuth and clientAuth), with server-only and
client-only variants. CA profiles carry a critical basicConstraints with
cA TRUE and a critical keyUsage with keyCertSign, cRLSign and
digitalSignature. Every certificate carries a subjectKeyIdentifier (RFC
5280 section 4.2.1.2, method 1) and an authorityKeyIdentifier with the
issuer's key identifier.
"""

from __future__ import annotations

import datetime
import enum
from typing import Optional

from purepki.algorithms import SignatureAlgorithm
from purepki.asn1.oids import ExtendedKeyUsageOID, ExtensionOID
from purepki.backend import BackendLike
from purepki.certificate import Certificate, CertificateBuilder
from purepki.csr import (
    CertificateSigningRequest,
    InvalidRequest,
    parse_san_items,
)
from purepki.errors import PurePKIError
from purepki.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    ExtendedKeyUsage,
    Extension,
    ExtensionValue,
    KeyUsage,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
)
from purepki.keys import ECPublicKey, PrivateKey, PublicKey
from purepki.name import Name
from purepki.x509time import NO_EXPIRATION, UTC

DEFAULT_CA_DAYS = 3650
DEFAULT_SERVICE_DAYS = 365


class Purpose(enum.Enum):
    """Use of a signed certificate."""

    SERVER = "server"
    CLIENT = "client"
    BOTH = "both"
    CA = "ca"


class SigningError(PurePKIError, ValueError):
    """A signing request that the profile rules reject."""


def _now() -> datetime.datetime:
    return datetime.datetime.now(UTC).replace(microsecond=0)


class ValidityError(SigningError):
    """A validity period that no certificate can carry.

    Attributes:
        days: The requested number of days.
        max_days: The largest number of days allowed from the same
            notBefore, or 0 when ``days`` was not a whole number.
    """

    def __init__(self, message: str, days: object, max_days: int) -> None:
        super().__init__(message)
        self.days = days
        self.max_days = max_days


def max_validity_days(not_before: datetime.datetime) -> int:
    """Return the largest number of days a certificate valid from
    ``not_before`` may last: notAfter may not pass 9999-12-31T23:59:59Z,
    the largest GeneralizedTime (RFC 5280 section 4.1.2.5)."""
    return (NO_EXPIRATION - not_before.astimezone(UTC)).days


def _validity_start(
    not_before: Optional[datetime.datetime],
) -> datetime.datetime:
    """Return ``not_before`` in UTC and whole seconds, or now.

    Raises:
        SigningError: ``not_before`` is naive, or its UTC value is
            outside the range of datetime.
    """
    if not_before is not None and not_before.tzinfo is None:
        raise SigningError(
            f"not_before {not_before.isoformat()} has no time zone; pass an "
            "aware datetime such as datetime.now(timezone.utc)"
        )
    start = not_before or _now()
    try:
        return start.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise SigningError(
            f"not_before {start.isoformat()} is outside the years 1950 to "
            "9999 that a certificate can hold (RFC 5280 section 4.1.2.5)"
        ) from None


def validity_period(
    days: int, not_before: Optional[datetime.datetime] = None
) -> tuple[datetime.datetime, datetime.datetime]:
    """Return notBefore and notAfter of a certificate valid for ``days``
    days from ``not_before`` (now, in whole seconds, when ``None``).

    Raises:
        ValidityError: ``days`` is not a positive whole number, or
            notAfter would pass 9999-12-31T23:59:59Z.
        SigningError: ``not_before`` is naive.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValidityError(
            f"validity of {days!r} days; give a whole number, at least 1 day",
            days,
            0,
        )
    start = _validity_start(not_before)
    max_days = max_validity_days(start)
    if days > max_days:
        # Checked before the addition, which raises OverflowError past
        # year 9999.
        raise ValidityError(
            f"validity of {days} days from {start.isoformat()} ends after "
            "9999-12-31T23:59:59Z, the latest notAfter that RFC 5280 "
            f"section 4.1.2.5 allows; give at most {max_days} days",
            days,
            max_days,
        )
    return start, start + datetime.timedelta(days=days)


def _validity(
    builder: CertificateBuilder,
    days: int,
    not_before: Optional[datetime.datetime],
) -> CertificateBuilder:
    start, end = validity_period(days, not_before)
    return builder.not_valid_before(start).not_valid_after(end)


def _ca_extensions(
    key: PublicKey, path_length: Optional[int]
) -> list[tuple[ExtensionValue, bool]]:
    usage = KeyUsage(
        frozenset({"key_cert_sign", "crl_sign", "digital_signature"})
    )
    return [
        (BasicConstraints(ca=True, path_length=path_length), True),
        (usage, True),
        (SubjectKeyIdentifier.from_public_key(key), False),
    ]


def _service_usage(key: PublicKey) -> KeyUsage:
    flags = {"digital_signature"}
    if isinstance(key, ECPublicKey):
        flags.add("key_agreement")
    else:
        flags.add("key_encipherment")
    return KeyUsage(frozenset(flags))


_PURPOSE_EKU = {
    Purpose.SERVER: (ExtendedKeyUsageOID.SERVER_AUTH,),
    Purpose.CLIENT: (ExtendedKeyUsageOID.CLIENT_AUTH,),
    Purpose.BOTH: (
        ExtendedKeyUsageOID.SERVER_AUTH,
        ExtendedKeyUsageOID.CLIENT_AUTH,
    ),
}

#: Extensions that the profiles write themselves; a CSR's request for one
#: of them is replaced by the profile's value.
PROFILE_EXTENSIONS = frozenset(
    {
        ExtensionOID.BASIC_CONSTRAINTS,
        ExtensionOID.KEY_USAGE,
        ExtensionOID.EXTENDED_KEY_USAGE,
        ExtensionOID.SUBJECT_KEY_IDENTIFIER,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
    }
)


def self_signed_ca(
    private_key: PrivateKey,
    subject: Name,
    *,
    days: int = DEFAULT_CA_DAYS,
    path_length: Optional[int] = None,
    serial_number: Optional[int] = None,
    not_before: Optional[datetime.datetime] = None,
    algorithm: Optional[SignatureAlgorithm] = None,
    backend: BackendLike = None,
) -> Certificate:
    """Make a self-signed CA certificate that can sign others.

    The certificate carries a critical basicConstraints (cA TRUE, with
    ``path_length`` as pathLenConstraint), a critical keyUsage
    (keyCertSign, cRLSign, digitalSignature), a subjectKeyIdentifier and
    an authorityKeyIdentifier equal to it, as ``openssl req -x509`` writes.

    Args:
        private_key: The CA's key; it signs its own certificate.
        subject: The CA's name, used as issuer too.
        days: Validity in days from ``not_before``.
        path_length: pathLenConstraint, or ``None`` for no limit.
        serial_number: A positive serial; random when ``None``.
        not_before: Start of validity; now (whole seconds) when ``None``.
        algorithm: The signature algorithm; SHA-256 by default.
        backend: See :func:`purepki.backend.get_backend`.

    Raises:
        ValidityError: ``days`` is not positive or ends after
            9999-12-31T23:59:59Z.
        SigningError: ``not_before`` is naive or ``subject`` is empty.
        BuilderError: ``serial_number`` is not positive or too long.
    """
    if subject.is_empty:
        raise SigningError(
            "a CA certificate needs a subject (RFC 5280 section 4.1.2.6); "
            "pass a non-empty Name, for example Name.build([('CN', "
            "'Example CA')])"
        )
    public = private_key.public_key()
    builder = CertificateBuilder().subject_name(subject).issuer_name(subject)
    builder = builder.public_key(public)
    if serial_number is not None:
        builder = builder.serial_number(serial_number)
    builder = _validity(builder, days, not_before)
    ski = SubjectKeyIdentifier.from_public_key(public)
    extensions = _ca_extensions(public, path_length)
    extensions.append((AuthorityKeyIdentifier.from_issuer_ski(ski), False))
    builder = builder.add_extensions(extensions)
    return builder.sign(private_key, algorithm, backend=backend)


def _check_issuer(
    ca_certificate: Certificate, ca_key: PrivateKey, purpose: Purpose
) -> None:
    subject = ca_certificate.subject.rfc4514() or "with an empty subject"
    if not ca_certificate.is_ca:
        raise SigningError(
            f"issuer {subject} is not a CA (basicConstraints missing or "
            "cA=false); sign with a certificate made by 'selfsigned' or "
            "'sign --purpose ca'"
        )
    usage = ca_certificate.key_usage
    if usage is not None and not usage.key_cert_sign:
        raise SigningError(
            f"issuer {subject} has a keyUsage without keyCertSign, so it "
            "may not sign certificates (RFC 5280 section 4.2.1.3)"
        )
    constraints = ca_certificate.basic_constraints
    if (
        purpose is Purpose.CA
        and constraints is not None
        and constraints.path_length == 0
    ):
        raise SigningError(
            f"issuer {subject} has pathLenConstraint 0, so it may not sign "
            "CA certificates (RFC 5280 section 4.2.1.9); sign with its "
            "issuer instead"
        )
    if ca_key.public_key() != ca_certificate.public_key:
        raise SigningError(
            f"the CA key does not match the CA certificate {subject}; pass "
            "the private key that belongs to that certificate"
        )


def _authority_key_id(ca_certificate: Certificate) -> AuthorityKeyIdentifier:
    """The AKI of certificates the CA signs: its SKI, or the method 1
    digest of its key when it has no SKI."""
    ski = ca_certificate.subject_key_identifier
    if ski is not None:
        return AuthorityKeyIdentifier.from_issuer_ski(ski)
    return AuthorityKeyIdentifier.from_issuer_public_key(
        ca_certificate.public_key
    )


def _subject_alternative_name(
    request: CertificateSigningRequest, purpose: Purpose
) -> Optional[SubjectAlternativeName]:
    """The SAN to write: the CSR's, or for server certificates one made
    from a CN that is a DNS name or address, since TLS clients match the
    SAN only (RFC 6125 section 6.4.4)."""
    requested = request.subject_alternative_name
    if requested is not None:
        return requested
    common_names = request.subject.common_names
    if not common_names or purpose not in (Purpose.SERVER, Purpose.BOTH):
        return None
    try:
        names = parse_san_items([common_names[-1]])
    except InvalidRequest:
        return None
    return SubjectAlternativeName(names) if names else None


def default_days(purpose: Purpose) -> int:
    """Return the validity in days that :func:`sign_request` uses when
    given neither ``days`` nor ``not_after``."""
    if purpose is Purpose.CA:
        return DEFAULT_CA_DAYS
    return DEFAULT_SERVICE_DAYS


def ignored_request_extensions(
    request: CertificateSigningRequest,
) -> tuple[Extension, ...]:
    """Return the requested extensions that :func:`sign_request` leaves
    out: every one but subjectAltName and those in
    :data:`PROFILE_EXTENSIONS`, which the profile writes itself."""
    kept = PROFILE_EXTENSIONS | {ExtensionOID.SUBJECT_ALTERNATIVE_NAME}
    return tuple(ext for ext in request.extensions if ext.oid not in kept)


def _profile_extensions(
    key: PublicKey, purpose: Purpose, path_length: Optional[int]
) -> list[tuple[ExtensionValue, bool]]:
    if purpose is Purpose.CA:
        return _ca_extensions(key, path_length)
    return [
        (BasicConstraints(ca=False, path_length=None), True),
        (_service_usage(key), True),
        (ExtendedKeyUsage(_PURPOSE_EKU[purpose]), False),
        (SubjectKeyIdentifier.from_public_key(key), False),
    ]


def sign_request(
    request: CertificateSigningRequest,
    ca_certificate: Certificate,
    ca_key: PrivateKey,
    *,
    purpose: Purpose = Purpose.BOTH,
    days: Optional[int] = None,
    path_length: Optional[int] = None,
    serial_number: Optional[int] = None,
    not_before: Optional[datetime.datetime] = None,
    not_after: Optional[datetime.datetime] = None,
    algorithm: Optional[SignatureAlgorithm] = None,
    backend: BackendLike = None,
) -> Certificate:
    """Sign a CSR with a CA under one of the profiles.

    The subject and public key come from the CSR, and the issuer name is
    copied byte for byte from the CA certificate's subject.

    Requested extensions:

    - subjectAltName is copied, critical when the subject is empty. A
      server certificate from a CSR without one gets a SAN made from the
      CN when the CN is a DNS name or IP address.
    - basicConstraints, keyUsage, extendedKeyUsage and the key
      identifiers are written by the profile; a requested value for them
      is ignored, so none appears twice.
    - Every other requested extension (for example a certificate policy
      or an unknown critical extension) is left out, as ``openssl x509
      -req`` does without ``-copy_extensions``, because a CA must not
      vouch for content it did not check.
      :func:`ignored_request_extensions` lists them, so a caller can tell
      the user.

    Args:
        request: The CSR; its signature is checked first.
        ca_certificate: The issuing CA's certificate.
        ca_key: The issuing CA's private key.
        purpose: ``BOTH`` (serverAuth and clientAuth), ``SERVER``,
            ``CLIENT``, or ``CA`` for an intermediate CA.
        days: Validity in days: 3650 for a CA, 365 otherwise by default.
        path_length: pathLenConstraint of an intermediate CA.
        serial_number: A positive serial; random when ``None``.
        not_before: Start of validity; now (whole seconds) when ``None``.
        not_after: End of validity, in place of ``days``, for example
            the CA certificate's own notAfter.
        algorithm: The signature algorithm; the CA key's default (SHA-256
            for RSA and P-256) when ``None``.
        backend: See :func:`purepki.backend.get_backend`.

    Raises:
        SigningError: The CA certificate is not a CA, may not sign
            certificates or CAs, or its key does not match ``ca_key``;
            ``path_length`` is given without ``Purpose.CA``; a CA request
            has an empty subject; the request has neither a subject nor a
            subjectAltName; both ``days`` and ``not_after`` are given.
        ValidityError: ``days`` is not positive or ends after
            9999-12-31T23:59:59Z.
        BuilderError: ``not_after`` is before notBefore.
        InvalidSignature: The CSR's own signature does not verify.
    """
    _check_issuer(ca_certificate, ca_key, purpose)
    request.verify_signature(backend=backend)
    if path_length is not None and purpose is not Purpose.CA:
        raise SigningError(
            "a path length applies only to CA certificates; use "
            "purpose=Purpose.CA or drop path_length"
        )
    if purpose is Purpose.CA and request.subject.is_empty:
        raise SigningError(
            "a CA certificate needs a subject (RFC 5280 section 4.1.2.6); "
            "the request's subject is empty"
        )
    if days is not None and not_after is not None:
        raise SigningError(
            f"both days ({days!r}) and not_after ({not_after.isoformat()}) "
            "given; pass one of them"
        )
    if days is None:
        days = default_days(purpose)
    key = request.public_key
    builder = CertificateBuilder().subject_name(request.subject)
    builder = builder.issuer_name(ca_certificate.subject).public_key(key)
    if serial_number is not None:
        builder = builder.serial_number(serial_number)
    # NOTE: the validity is not clipped to the CA's own notAfter, so a
    # certificate may outlive its issuer, as with openssl x509 -req,
    # unless the caller passes that notAfter.
    if not_after is None:
        builder = _validity(builder, days, not_before)
    else:
        start = _validity_start(not_before)
        builder = builder.not_valid_before(start).not_valid_after(not_after)
    extensions = _profile_extensions(key, purpose, path_length)
    extensions.append((_authority_key_id(ca_certificate), False))
    san = _subject_alternative_name(request, purpose)
    if san is not None:
        extensions.append((san, request.subject.is_empty))
    elif request.subject.is_empty:
        raise SigningError(
            "the request has an empty subject and no subjectAltName; RFC "
            "5280 section 4.1.2.6 requires one of them"
        )
    builder = builder.add_extensions(extensions)
    return builder.sign(ca_key, algorithm, backend=backend)
