"""Verification purposes and the named policies that tune the checks.

Two policies ship:

``WEB_PKI``
    RFC 5280 plus the CA/Browser Forum Baseline Requirements rules that the
    x509-limbo suite expects of a web PKI verifier (the rules pyca/
    cryptography applies): CA certificates carry a critical
    basicConstraints and a subjectKeyIdentifier; leaf certificates carry
    an authorityKeyIdentifier, are not CAs, are version 3 and have a
    subjectAltName, which alone is matched against the host name; RSA keys
    have at least 2048 bits in a whole number of octets; curves are named;
    serial numbers are positive and at most 20 octets.

``APPLIANCE``
    The rules of the appliance workflow that purepki's CLI reproduces:
    RFC 5280 path validation, then the usage rules for the peer (keyUsage,
    extendedKeyUsage and Netscape certificate type, each only when
    present), every certificate above the leaf a CA by each of those marks
    that is present, and a host name matched against the SAN, or against
    the CN when there is no SAN. Certificates made by hand with openssl
    (without SKI or AKI, RSA keys of odd sizes, a v1 leaf) pass.

The differences, rule by rule, are listed in the README section
"Verification policies".
"""

from __future__ import annotations

import enum

from purepki._record import dataclass, replace


class Purpose(enum.Enum):
    """The role the leaf certificate is verified for."""

    SERVER = "server"
    CLIENT = "client"
    ANY = "any"


@dataclass(frozen=True)
class Policy:
    """Switches for the checks that differ between profiles.

    Attributes:
        name: The policy's name, shown in explanations.
        allow_sha1: Accept SHA-1 signatures below the trust anchor
            (legacy private PKIs only; RFC 9155 and CA/B Forum rules
            forbid them).
        common_name_fallback: Match the host name against the CN when
            the leaf has no subjectAltName (RFC 6125 section 6.4.4).
        web_pki_profile: Apply the CA/Browser Forum certificate profile
            listed in the module documentation.
        max_depth: Default maximum number of certificates above the leaf.
        signature_budget: Signature checks path building may make before
            it gives up; bounds the work a hostile certificate pool causes.
    """

    name: str
    allow_sha1: bool = False
    common_name_fallback: bool = False
    web_pki_profile: bool = True
    max_depth: int = 8
    signature_budget: int = 200

    def with_sha1(self) -> Policy:
        """Return this policy with SHA-1 accepted below the anchor."""
        return replace(self, name=f"{self.name}+sha1", allow_sha1=True)


WEB_PKI = Policy(name="web-pki")
APPLIANCE = Policy(
    name="appliance", common_name_fallback=True, web_pki_profile=False
)

POLICIES = {policy.name: policy for policy in (WEB_PKI, APPLIANCE)}
