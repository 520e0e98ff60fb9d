"""Certificate chain verification: path building, RFC 5280 validation,
usage rules and explanations.

Use :func:`verify_chain`::

    store = TrustStore(load_certificates(root_pem))
    result = verify_chain(leaf, intermediates, store,
                          purpose=Purpose.SERVER, dns_name="example.com",
                          at=datetime(2026, 6, 1, tzinfo=timezone.utc))
    print(result.explain())

A failure raises :class:`VerificationError`, whose ``reason`` is a
:class:`Reason` and whose ``explain()`` lists the checks made and the
candidates rejected.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING, Optional, Union

from purepki.backend import BackendLike, get_backend
from purepki.certificate import Certificate
from purepki.verify.building import (
    BudgetExhausted,
    PathBuilder,
    SearchState,
    no_path_reason,
)
from purepki.verify.policy import APPLIANCE, POLICIES, WEB_PKI, Policy, Purpose
from purepki.verify.result import (
    Check,
    Reason,
    VerificationError,
    VerificationResult,
)
from purepki.verify.revocation import Revocation
from purepki.verify.store import CertificatePool, TrustStore
from purepki.verify.validation import Options

if TYPE_CHECKING:
    from purepki.crl import CertificateRevocationList

__all__ = [
    "APPLIANCE",
    "POLICIES",
    "WEB_PKI",
    "CertificatePool",
    "Check",
    "Policy",
    "Purpose",
    "Reason",
    "Revocation",
    "TrustStore",
    "VerificationError",
    "VerificationResult",
    "verify_chain",
]

IPValue = Union[ipaddress.IPv4Address, ipaddress.IPv6Address, str]


def _host(
    dns_name: Optional[str], ip_address: Optional[IPValue]
) -> Optional[str]:
    if dns_name is not None and ip_address is not None:
        raise ValueError("give dns_name or ip_address, not both")
    if ip_address is not None:
        return str(ipaddress.ip_address(ip_address))
    return dns_name


def _moment(at: Optional[datetime.datetime]) -> datetime.datetime:
    if at is None:
        return datetime.datetime.now(datetime.timezone.utc)
    if at.tzinfo is None:
        raise ValueError(
            f"validation time {at.isoformat()} has no time zone; pass an "
            "aware datetime such as datetime(2026, 6, 1, "
            "tzinfo=timezone.utc)"
        )
    return at.astimezone(datetime.timezone.utc)


def _checked_crls(
    crls: Iterable[CertificateRevocationList],
) -> tuple[CertificateRevocationList, ...]:
    """Return ``crls`` as a tuple after checking each item's type.

    Raises:
        TypeError: ``crls`` is one CRL, or contains something else, such as
            the bytes of a CRL.
    """
    if isinstance(crls, tuple) and not crls:
        # The default: no CRLs, and no need to import their module.
        return ()

    from purepki.crl import CertificateRevocationList

    if isinstance(crls, CertificateRevocationList):
        raise TypeError(
            "crls takes an iterable of CRLs, not one CRL; pass [crl]"
        )
    items = tuple(crls)
    for item in items:
        if not isinstance(item, CertificateRevocationList):
            raise TypeError(
                f"crls contains a {type(item).__name__}, not a "
                "CertificateRevocationList; read CRL files with "
                "purepki.crl.load_crls"
            )
    return items


def _no_path_error(
    leaf: Certificate, state: SearchState, budget: bool
) -> VerificationError:
    failure = state.best_failure
    tried = tuple(state.rejected)
    if budget:
        return VerificationError(
            f"path building gave up after {state.signatures_checked} "
            f"signature checks and {state.chains_tried} candidate chains",
            reason=Reason.BUDGET,
            tried=tried,
            certificate=leaf,
        )
    if failure is not None:
        return VerificationError(
            str(failure),
            reason=failure.reason,
            position=failure.position,
            rule=failure.rule,
            checks=failure.checks,
            tried=tried,
            certificate=leaf,
        )
    dead_end = state.dead_end or leaf
    issuer = dead_end.issuer.rfc4514() or "an empty issuer name"
    if state.rejected:
        message = f"no issuer found for {issuer}: every candidate was rejected"
    else:
        message = f"no issuer found for {issuer}"
    return VerificationError(
        message,
        reason=no_path_reason(state),
        rule="RFC 5280 6.1",
        tried=tried,
        certificate=dead_end,
    )


def verify_chain(
    leaf: Certificate,
    intermediates: Iterable[Certificate] = (),
    trust_store: Union[TrustStore, Iterable[Certificate]] = (),
    *,
    purpose: Purpose = Purpose.SERVER,
    dns_name: Optional[str] = None,
    ip_address: Optional[IPValue] = None,
    emails: Iterable[str] = (),
    at: Optional[datetime.datetime] = None,
    max_depth: Optional[int] = None,
    policy: Policy = WEB_PKI,
    required_ekus: Iterable[str] = (),
    backend: BackendLike = None,
    crls: Iterable[CertificateRevocationList] = (),
    revocation: Union[Revocation, str] = Revocation.NONE,
) -> VerificationResult:
    """Find and validate a chain from ``leaf`` to a trust anchor.

    Args:
        leaf: The end-entity certificate.
        intermediates: Untrusted certificates that may help build the
            chain, in any order; duplicates and unrelated ones are fine.
        trust_store: The trust anchors: CA certificates, or pinned
            intermediate or end-entity certificates.
        purpose: TLS server, TLS client or any use.
        dns_name: Host name the peer was reached by.
        ip_address: Address the peer was reached by.
        emails: Email addresses the leaf must carry.
        at: Validation time (aware datetime); default now.
        max_depth: Most intermediates between leaf and anchor; default
            from the policy.
        policy: :data:`WEB_PKI` (default) or :data:`APPLIANCE`.
        required_ekus: Extra key purposes the leaf's EKU must list.
        backend: Crypto backend for the signature checks.
        crls: CRLs to check revocation against, in any order; CRLs of
            other issuers are skipped.
        revocation: ``none`` (default), ``leaf``, or ``chain`` (every
            certificate but the trust anchor). Each checked certificate
            needs a usable CRL from its issuer, else verification fails
            with :attr:`Reason.REVOCATION_UNKNOWN`; a listed one fails
            with :attr:`Reason.REVOKED`.

    Returns:
        The chain found and every check made.

    Raises:
        VerificationError: No chain passes; the error carries the reason,
            the failing certificate's position and the rule broken.
        BackendNotFound: ``backend`` (or ``PUREPKI_BACKEND``) names a
            backend that is not installed.
        ValueError: Inconsistent arguments, or an unknown revocation
            mode.
        TypeError: ``crls`` is not an iterable of
            :class:`~purepki.crl.CertificateRevocationList`.
    """
    # Resolved first: a signature check that cannot run must not read as
    # a signature that does not verify.
    crypto = get_backend(backend)
    store = (
        trust_store
        if isinstance(trust_store, TrustStore)
        else TrustStore(trust_store)
    )
    pool = (
        intermediates
        if isinstance(intermediates, CertificatePool)
        else CertificatePool(intermediates)
    )
    options = Options(
        purpose=purpose,
        host=_host(dns_name, ip_address),
        emails=tuple(emails),
        moment=_moment(at),
        policy=policy,
        max_depth=policy.max_depth if max_depth is None else max_depth,
        required_ekus=tuple(required_ekus),
        revocation=Revocation.parse(revocation),
        crls=_checked_crls(crls),
        backend=crypto,
    )
    builder = PathBuilder(store, pool, options, crypto)
    try:
        for chain, checks, warnings in builder.search(leaf):
            return VerificationResult(chain, tuple(checks), tuple(warnings))
    except BudgetExhausted:
        raise _no_path_error(leaf, builder.state, budget=True) from None
    raise _no_path_error(leaf, builder.state, budget=False)
