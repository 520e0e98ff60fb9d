"""``verify`` (chain verification) and ``check`` (the appliance's usage
rules, rule by rule).

``verify CERT FILE2 [CA]`` reads trust anchors and intermediates the way
the appliance's ``pki verify`` does, with one difference from ``openssl
verify``: every certificate after the first in CERT's own file is used as
an intermediate, so a full-chain file verifies against the root alone.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

from purepki._record import dataclass
from purepki.asn1.oids import ExtendedKeyUsageOID
from purepki.certificate import Certificate
from purepki.cli.bundling import is_self_signed, order_chain
from purepki.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    UsageError,
    count_of,
    note,
    now_or,
    out,
    parse_moment,
    print_json,
)
from purepki.cli.loading import (
    describe_name,
    load_certificate_list,
    load_crl_list,
)
from purepki.text import expiry_status
from purepki.verify import (
    POLICIES,
    Purpose,
    TrustStore,
    VerificationError,
    verify_chain,
)
from purepki.verify.names import host_matches
from purepki.verify.result import describe_position

# --- verify ------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """The certificates of a ``verify`` command line.

    Attributes:
        leaf: The first certificate of CERT.
        intermediates: Untrusted certificates that may complete the chain.
        anchors: The trust anchors.
        pinned: Whether the anchors are pinned certificates (FILE2 held no
            self-signed certificate).
    """

    leaf: Certificate
    intermediates: tuple[Certificate, ...]
    anchors: tuple[Certificate, ...]
    pinned: bool


def read_inputs(cert: Path, second: Path, ca: Optional[Path]) -> Inputs:
    """Sort the certificates of the two or three files by role.

    With two files, the self-signed certificates of the second are the
    trust anchors and the others intermediates. When it contains none, all
    of its certificates are trust anchors (pinned). With three, the second
    file contains intermediates and the third the trust anchors.

    Raises:
        WrongObjectType: A file contains no certificate.
        DecodeError: A certificate is malformed.
        OSError: A file cannot be read.
    """
    own = load_certificate_list(cert)
    leaf, extra = own[0], tuple(own[1:])
    listed = tuple(load_certificate_list(second))
    if ca is not None:
        anchors = tuple(load_certificate_list(ca))
        return Inputs(leaf, extra + listed, anchors, False)
    roots = tuple(c for c in listed if is_self_signed(c))
    if not roots:
        return Inputs(leaf, extra, listed, True)
    others = tuple(c for c in listed if c not in roots)
    return Inputs(leaf, extra + others, roots, False)


def _host_options(args: argparse.Namespace) -> dict[str, Any]:
    if args.host and args.ip:
        raise UsageError("give --host or --ip, not both")
    if args.ip:
        import ipaddress

        try:
            ipaddress.ip_address(args.ip)
        except ValueError:
            raise UsageError(
                f"--ip {args.ip!r} is not an IPv4 or IPv6 address"
            ) from None
        return {"ip_address": args.ip}
    if args.host is None:
        return {}
    return {"dns_name": _checked_host(args.host)}


def _checked_host(host: str) -> str:
    """Check a --host value: a DNS name, or an address given as a name."""
    from purepki.general_names import is_valid_dns_name
    from purepki.verify.names import parse_reference_ip

    if parse_reference_ip(host) is not None:
        return host
    if not is_valid_dns_name(host.rstrip(".") if host != "." else host):
        raise UsageError(
            f"--host {host!r} is not a valid DNS name (letters, digits and "
            "hyphens in dot-separated labels); give the name the peer is "
            "reached by, or --ip ADDRESS"
        )
    return host


def _revocation_options(args: argparse.Namespace) -> dict[str, Any]:
    """Read the --crl files and choose the revocation mode: the one given,
    else ``leaf`` with CRLs (as ``openssl verify -crl_check``) and
    ``none`` without.

    Raises:
        UsageError: A mode other than none without any --crl file.
        InputError, DecodeError, UnsupportedCRL, OSError: A --crl file
            cannot be read as CRLs.
    """
    files = args.crl or []
    mode = args.revocation or ("leaf" if files else "none")
    if mode != "none" and not files:
        raise UsageError(
            f"--revocation {mode} needs the CRLs to check against: give "
            "each CRL file with --crl FILE"
        )
    crls = [crl for name in files for crl in load_crl_list(Path(name))]
    return {"crls": crls, "revocation": mode}


def run_verify(args: argparse.Namespace) -> int:
    """Verify CERT's chain and print it, or the failing check."""
    at = parse_moment(args.at)
    ca = Path(args.ca) if args.ca else None
    revocation = _revocation_options(args)
    inputs = read_inputs(Path(args.cert), Path(args.bundle), ca)
    policy = POLICIES[args.policy]
    purpose = Purpose(args.purpose)
    try:
        result = verify_chain(
            inputs.leaf,
            inputs.intermediates,
            TrustStore(inputs.anchors),
            purpose=purpose,
            at=at,
            policy=policy,
            **revocation,
            **_host_options(args),
        )
    except VerificationError as error:
        return _print_failure(args, error)
    for warning in result.warnings:
        note(f"warning: {warning}")
    if args.json:
        print_json({"file": args.cert, **result.to_json()})
        return EXIT_OK
    anchor = "pinned certificate" if inputs.pinned else "trust anchor"
    checked = (
        ""
        if revocation["revocation"] == "none"
        else f", revocation {revocation['revocation']}"
    )
    out(
        f"OK: {args.cert} verified (policy {policy.name}, purpose "
        f"{purpose.value}{checked}, {anchor} from "
        f"{args.ca or args.bundle})"
    )
    _print_chain(result.chain)
    if args.explain:
        out("Checks:")
        out(result.explain())
    return EXIT_OK


def _print_chain(chain: Sequence[Certificate]) -> None:
    out("Chain:")
    for index, certificate in enumerate(chain):
        position = describe_position(index, len(chain), True)
        out(f"  {position:<20} {describe_name(certificate.subject)}")


def _print_failure(args: argparse.Namespace, error: VerificationError) -> int:
    where = "; ".join(part for part in (error.position, error.rule) if part)
    detail = f" [{where}]" if where else ""
    note(f"purepki verify: {error}{detail}")
    if args.json:
        print_json({"file": args.cert, **error.to_json()})
        return EXIT_CHECK_FAILED
    out(f"FAILED: {args.cert}: {error}")
    failing = [check for check in error.checks if not check.passed]
    if failing:
        out(f"Failing check: {failing[-1].line()}")
    if args.explain:
        explanation = error.explain()
        if explanation:
            out("Checks:")
            out(explanation)
    return EXIT_CHECK_FAILED


# --- check -------------------------------------------------------------------


@dataclass(frozen=True)
class RuleOutcome:
    """One usage rule applied to one certificate.

    Attributes:
        position: ``leaf`` or ``issuer 1`` and so on.
        rule: The rule's requirement.
        state: ``pass``, ``FAIL``, ``n/a`` (the extension is absent) or
            ``warn`` (advice that fails nothing).
        detail: What was found.
    """

    position: str
    rule: str
    state: str
    detail: str

    def line(self) -> str:
        """Format the outcome as one line."""
        return f"  {self.state:<5} {self.position:<9} {self.rule}: " + (
            self.detail
        )


_SERVER_KU = ("digital_signature", "key_encipherment", "key_agreement")
_CLIENT_KU = ("digital_signature", "key_agreement")


def _eku_rule(certificate: Certificate, role: str) -> RuleOutcome:
    oid = (
        ExtendedKeyUsageOID.SERVER_AUTH
        if role == "server"
        else ExtendedKeyUsageOID.CLIENT_AUTH
    )
    name = "serverAuth" if role == "server" else "clientAuth"
    rule = f"extendedKeyUsage includes {name}"
    eku = certificate.extended_key_usage
    if eku is None:
        return RuleOutcome(
            "leaf", rule, "n/a", "no extendedKeyUsage: valid for every use"
        )
    if oid in eku.usages:
        return RuleOutcome("leaf", rule, "pass", f"{name} listed")
    if ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in eku.usages:
        return RuleOutcome("leaf", rule, "pass", "anyExtendedKeyUsage listed")
    return RuleOutcome("leaf", rule, "FAIL", f"{name} not listed")


def _ku_rule(certificate: Certificate, role: str) -> RuleOutcome:
    wanted = _SERVER_KU if role == "server" else _CLIENT_KU
    shown = " or ".join(_camel(flag) for flag in wanted)
    rule = f"keyUsage has {shown}"
    usage = certificate.key_usage
    if usage is None:
        return RuleOutcome("leaf", rule, "n/a", "no keyUsage extension")
    present = [flag for flag in wanted if getattr(usage, flag)]
    if present:
        listed = ", ".join(_camel(flag) for flag in present)
        return RuleOutcome("leaf", rule, "pass", f"has {listed}")
    return RuleOutcome("leaf", rule, "FAIL", f"has none of {shown}")


def _camel(flag: str) -> str:
    head, *rest = flag.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _netscape_rule(certificate: Certificate, role: str) -> RuleOutcome:
    label = "SSL Server" if role == "server" else "SSL Client"
    rule = f"Netscape certificate type has {label}"
    cert_type = certificate.netscape_cert_type
    if cert_type is None:
        return RuleOutcome("leaf", rule, "n/a", "no Netscape certificate type")
    flag = "ssl_server" if role == "server" else "ssl_client"
    if getattr(cert_type, flag):
        return RuleOutcome("leaf", rule, "pass", f"{label} set")
    return RuleOutcome("leaf", rule, "FAIL", f"{label} not set")


def _webrtc_rule(certificate: Certificate) -> RuleOutcome:
    rule = "keyUsage has digitalSignature (needed for WebRTC services)"
    usage = certificate.key_usage
    if usage is None or usage.digital_signature:
        detail = "no keyUsage" if usage is None else "present"
        return RuleOutcome("leaf", rule, "pass", detail)
    return RuleOutcome("leaf", rule, "warn", "digitalSignature not set")


def _validity_rule(
    certificate: Certificate, position: str, now: datetime.datetime
) -> RuleOutcome:
    state, phrase = expiry_status(
        certificate.not_before, certificate.not_after, now
    )
    outcome = {"valid": "pass", "expiring": "warn"}.get(state, "FAIL")
    return RuleOutcome(position, "valid now", outcome, phrase)


def _host_rule(certificate: Certificate, host: str) -> RuleOutcome:
    san = certificate.subject_alternative_name
    names = san.names if san is not None else ()
    matched = host_matches(
        names,
        certificate.subject.common_names,
        host,
        common_name_fallback=True,
    )
    source = "subjectAltName" if names else "CN (no subjectAltName)"
    rule = f"{source} matches {host}"
    if matched:
        return RuleOutcome("leaf", rule, "pass", "matched")
    shown = (
        ", ".join(str(name) for name in names)
        or ", ".join(certificate.subject.common_names)
        or "no names"
    )
    return RuleOutcome("leaf", rule, "FAIL", f"certificate names: {shown}")


def _issuer_rules(
    certificate: Certificate, position: str
) -> list[RuleOutcome]:
    outcomes = []
    usage = certificate.key_usage
    if usage is not None:
        state = "pass" if usage.key_cert_sign else "FAIL"
        outcomes.append(
            RuleOutcome(position, "keyUsage has keyCertSign", state, "checked")
        )
    constraints = certificate.basic_constraints
    if constraints is not None:
        state = "pass" if constraints.ca else "FAIL"
        outcomes.append(
            RuleOutcome(
                position,
                "basicConstraints cA is TRUE",
                state,
                f"cA={constraints.ca}",
            )
        )
    cert_type = certificate.netscape_cert_type
    if cert_type is not None:
        state = "pass" if cert_type.ssl_ca else "FAIL"
        outcomes.append(
            RuleOutcome(position, "Netscape type has SSL CA", state, "checked")
        )
    if not outcomes:
        outcomes.append(
            RuleOutcome(
                position,
                "is a CA",
                "warn",
                "no keyUsage, basicConstraints or Netscape type marks it "
                "as a CA; verification accepts it only as a trust anchor",
            )
        )
    return outcomes


def usage_rules(
    chain: Sequence[Certificate],
    roles: Sequence[str],
    now: datetime.datetime,
    host: Optional[str] = None,
) -> list[RuleOutcome]:
    """Apply the appliance's usage rules to a leaf and its issuers.

    The leaf rules (EKU, KU, Netscape certificate type) apply only when
    the extension is present. Every certificate above the leaf must be a
    CA by each of keyUsage, basicConstraints and Netscape certificate type
    that it carries. Signatures are not checked here (``verify`` does).
    """
    leaf = chain[0]
    outcomes = [_validity_rule(leaf, "leaf", now)]
    for role in roles:
        outcomes.append(_eku_rule(leaf, role))
        outcomes.append(_ku_rule(leaf, role))
        outcomes.append(_netscape_rule(leaf, role))
    outcomes.append(_webrtc_rule(leaf))
    if host is not None:
        outcomes.append(_host_rule(leaf, host))
    for index, issuer in enumerate(chain[1:], start=1):
        position = f"issuer {index}"
        outcomes.append(_validity_rule(issuer, position, now))
        outcomes.extend(_issuer_rules(issuer, position))
    return outcomes


def _missing_issuer(
    leaf: Certificate, candidates: Sequence[Certificate], bundle: str
) -> RuleOutcome:
    """Return the failed rule for a BUNDLE without CERT's issuer, whose
    chain rules could therefore not be checked."""
    issuer = describe_name(leaf.issuer)
    named = sum(
        1 for candidate in candidates if candidate.subject.matches(leaf.issuer)
    )
    if named == 0:
        found = f"none there is named {issuer}"
    elif named == 1:
        found = (
            f"1 certificate there is named {issuer}, but its key does not "
            "verify CERT's signature"
        )
    else:
        found = (
            f"{named} certificates there are named {issuer}, but no key of "
            "them verifies CERT's signature"
        )
    return RuleOutcome(
        "leaf",
        "issuer found in BUNDLE",
        "FAIL",
        f"looked for issuer {issuer}: no certificate in {bundle} signed "
        f"CERT ({found}), so the chain rules were not checked",
    )


def run_check(args: argparse.Namespace) -> int:
    """Show each usage rule's outcome for CERT (and its chain)."""
    now = now_or(parse_moment(args.at))
    own = load_certificate_list(Path(args.cert))
    candidates = list(own[1:])
    if args.bundle:
        candidates.extend(load_certificate_list(Path(args.bundle)))
    ordered = order_chain(own[0], candidates)
    roles = ["server", "client"] if args.purpose == "both" else [args.purpose]
    host = args.host or args.ip
    outcomes = usage_rules(ordered.chain, roles, now, host)
    if args.bundle and len(ordered.chain) == 1 and not ordered.complete:
        outcomes.insert(0, _missing_issuer(own[0], candidates, args.bundle))
    out(f"Certificate: {describe_name(own[0].subject)} ({args.cert})")
    for index, issuer in enumerate(ordered.chain[1:], start=1):
        out(f"Issuer {index}: {describe_name(issuer.subject)}")
    for extra in ordered.extra:
        note(f"not in the chain, not checked: {describe_name(extra.subject)}")
    out(f"Rules for use as a TLS {' and '.join(roles)}:")
    for outcome in outcomes:
        out(outcome.line())
    failed = [outcome for outcome in outcomes if outcome.state == "FAIL"]
    if failed:
        out(f"FAILED: {count_of(len(failed), 'rule')} not met")
        note(
            f"purepki check: {failed[0].position}: {failed[0].rule}: "
            f"{failed[0].detail}"
        )
        return EXIT_CHECK_FAILED
    out(f"OK: usable as a TLS {' and '.join(roles)}")
    return EXIT_OK
