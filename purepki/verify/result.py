"""The outcome of a chain verification: the chain, every check made, and
the reason a chain was rejected."""

from __future__ import annotations

import enum
from typing import Any, Optional

from purepki._record import asdict, dataclass
from purepki.certificate import Certificate
from purepki.errors import PurePKIError


class Reason(enum.Enum):
    """Why a chain was rejected; tests and the CLI read this, not the
    message text."""

    NO_ISSUER = "no issuer found"
    UNTRUSTED = "chain does not end at a trust anchor"
    SIGNATURE = "signature does not verify"
    UNSUPPORTED_ALGORITHM = "unsupported or forbidden algorithm"
    WEAK_ALGORITHM = "signature hash is too weak"
    EXPIRED = "certificate expired"
    NOT_YET_VALID = "certificate not yet valid"
    NOT_A_CA = "issuer is not a CA"
    PATH_LENGTH = "path length constraint exceeded"
    KEY_USAGE = "key usage does not allow this use"
    EXTENDED_KEY_USAGE = "extended key usage does not allow this use"
    NETSCAPE_CERT_TYPE = "Netscape certificate type does not allow this use"
    NAME_CONSTRAINTS = "name constraints violated"
    UNKNOWN_CRITICAL_EXTENSION = "unknown critical extension"
    NAME_MISMATCH = "name does not match"
    MALFORMED = "malformed certificate"
    POLICY = "profile rule broken"
    DEPTH = "chain longer than the maximum depth"
    BUDGET = "path building gave up after too much work"
    REVOKED = "certificate revoked"
    REVOCATION_UNKNOWN = "revocation status unknown"


@dataclass(frozen=True)
class Check:
    """One check made during verification.

    Attributes:
        step: Short name of the check (``signature``, ``validity``).
        position: The certificate's place: ``leaf``, ``intermediate 1``,
            ``trust anchor``; empty for checks on the whole chain.
        subject: The certificate's subject in RFC 4514 form.
        rule: The rule's source: an RFC section or a policy rule.
        passed: The outcome.
        detail: What was compared, in words.
    """

    step: str
    position: str
    subject: str
    rule: str
    passed: bool
    detail: str

    def line(self) -> str:
        """Format the check as one line of an explanation."""
        mark = "ok  " if self.passed else "FAIL"
        where = (
            f"{self.position} ({self.subject})" if self.position else ("chain")
        )
        return f"{mark} {self.step:<22} {where}: {self.detail} [{self.rule}]"

    def to_json(self) -> dict[str, Any]:
        """Return the check as JSON-ready data."""
        return asdict(self)


def describe_position(index: int, length: int, anchored: bool) -> str:
    """Name position ``index`` of a chain of ``length`` from the leaf."""
    if index == 0:
        return "leaf" if length > 1 or not anchored else "leaf (trust anchor)"
    if anchored and index == length - 1:
        return "trust anchor"
    return f"intermediate {index}"


@dataclass(frozen=True)
class VerificationResult:
    """A verified chain.

    Attributes:
        chain: From the leaf to the trust anchor.
        checks: Every check made on this chain, in order.
        warnings: Deviations that did not fail the chain.
    """

    chain: tuple[Certificate, ...]
    checks: tuple[Check, ...]
    warnings: tuple[str, ...] = ()

    @property
    def anchor(self) -> Certificate:
        """The trust anchor that ends the chain."""
        return self.chain[-1]

    def explain(self) -> str:
        """Return every check, one per line, in the order made."""
        lines = [check.line() for check in self.checks]
        lines.extend(f"warn {warning}" for warning in self.warnings)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Return the chain and checks as JSON-ready data."""
        return {
            "valid": True,
            "chain": [cert.subject.rfc4514() for cert in self.chain],
            "checks": [check.to_json() for check in self.checks],
            "warnings": list(self.warnings),
        }


class VerificationError(PurePKIError):
    """A chain that failed verification.

    Attributes:
        reason: Why, as a :class:`Reason`.
        position: The failing certificate's place (``intermediate 1``).
        rule: The rule broken (an RFC section or policy rule).
        checks: The checks made on the best candidate chain, ending with
            the failing one.
        tried: One line per candidate issuer or chain that was rejected.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: Reason,
        position: str = "",
        rule: str = "",
        checks: tuple[Check, ...] = (),
        tried: tuple[str, ...] = (),
        certificate: Optional[Certificate] = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.position = position
        self.rule = rule
        self.checks = checks
        self.tried = tried
        self.certificate = certificate

    def explain(self) -> str:
        """Return the checks made and the candidates tried."""
        lines = [check.line() for check in self.checks]
        if self.tried:
            lines.append("candidates rejected:")
            lines.extend(f"  - {entry}" for entry in self.tried)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Return the failure as JSON-ready data."""
        return {
            "valid": False,
            "reason": self.reason.name,
            "message": str(self),
            "position": self.position,
            "rule": self.rule,
            "checks": [check.to_json() for check in self.checks],
            "tried": list(self.tried),
        }
