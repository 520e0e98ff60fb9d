"""Host names and name constraints.

Host name matching follows RFC 6125 section 6: a DNS reference identity
matches a dNSName of the subjectAltName, case-insensitively, where a
wildcard may only be the whole left-most label and matches exactly one
label (section 6.4.3); an IP reference matches an iPAddress exactly. The
CN is consulted only when the policy allows it and the certificate has no
subjectAltName (section 6.4.4).

Name constraints follow RFC 5280 section 4.2.1.10 for dNSName, iPAddress,
rfc822Name and directoryName. A DNS constraint matches a name that equals
it or ends with it on a label boundary; a wildcard name ``*.b`` is judged
by ``b``. Constraints of other types cannot be evaluated: a chain that
carries both such a constraint and a name of that type is rejected.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Optional, Union

from purepki.general_names import (
    DirectoryName,
    DNSName,
    GeneralName,
    IPAddress,
    IPNetwork,
    RFC822Name,
    is_valid_dns_name,
    normalize_dns,
)
from purepki.name import Name

IPValue = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


def dns_matches(presented: str, reference: str) -> bool:
    """Tell whether a presented dNSName matches a reference host name
    (RFC 6125 section 6.4)."""
    presented = normalize_dns(presented)
    reference = normalize_dns(reference)
    if not is_valid_dns_name(presented, allow_wildcard=True):
        return False
    if presented.startswith("*."):
        head, _, rest = reference.partition(".")
        return bool(head) and rest == presented[2:]
    return presented == reference


def parse_reference_ip(text: str) -> Optional[IPValue]:
    """Parse a reference IP address in its canonical text form, rejecting
    IPv4 octets with leading zeros (RFC 3986 section 3.2.2)."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def host_matches(
    names: Sequence[GeneralName],
    common_names: Sequence[str],
    host: str,
    *,
    common_name_fallback: bool,
) -> bool:
    """Tell whether a certificate's names match a host name or address.

    Args:
        names: The subjectAltName entries (empty when there is none).
        common_names: The subject's CN values.
        host: The DNS name or IP address the peer was reached by.
        common_name_fallback: Consult the CN when ``names`` is empty.
    """
    address = parse_reference_ip(host)
    if names:
        if address is not None:
            return any(
                isinstance(name, IPAddress) and name.value == address
                for name in names
            )
        return any(
            isinstance(name, DNSName) and dns_matches(name.value, host)
            for name in names
        )
    if not common_name_fallback or not common_names:
        return False
    # RFC 6125 section 6.4.4: the most specific CN is the last one.
    common_name = common_names[-1]
    if address is not None:
        return parse_reference_ip(common_name) == address
    return dns_matches(common_name, host)


# --- Name constraints ------------------------------------------------------


class ConstraintError(ValueError):
    """A name constraint that cannot be evaluated or is malformed."""


def _dns_within(name: str, constraint: str) -> bool:
    name = normalize_dns(name)
    constraint = normalize_dns(constraint)
    if not constraint:
        return True
    return name == constraint or name.endswith("." + constraint)


def _check_dns_constraint(constraint: str) -> None:
    if constraint and not is_valid_dns_name(constraint):
        raise ConstraintError(
            f"malformed dNSName constraint {constraint!r} (RFC 5280 section "
            "4.2.1.10: a DNS name, without wildcard or leading period)"
        )


def _dns_name_in(name: str, constraint: str, excluding: bool) -> bool:
    """Tell whether a dNSName lies within a DNS subtree.

    A wildcard ``*.b`` lies within a permitted subtree only when every
    name it can match does, that is when ``b`` does. For an excluded
    subtree it counts as within when any name it can match does. So it
    is also excluded when the constraint is one label below ``b``,
    because the wildcard matches that name.
    """
    _check_dns_constraint(constraint)
    if not is_valid_dns_name(name, allow_wildcard=True):
        raise ConstraintError(
            f"subjectAltName dNSName {name!r} is malformed, so no name "
            "constraint can be satisfied"
        )
    if not name.startswith("*."):
        return _dns_within(name, constraint)
    base = name[2:]
    if _dns_within(base, constraint):
        return True
    if not excluding:
        return False
    _, _, parent = normalize_dns(constraint).partition(".")
    return parent == normalize_dns(base)


def _mailbox_parts(address: str) -> Optional[tuple[str, str]]:
    local, at, domain = address.rpartition("@")
    if not at or not local or "@" in local or not domain:
        return None
    if not is_valid_dns_name(domain):
        return None
    return local, domain


def _email_in(address: str, constraint: str) -> bool:
    """RFC 5280 section 4.2.1.10: a mailbox, a host, or (with a leading
    period) every host in a domain. Every character is literal."""
    mailbox = _mailbox_parts(address)
    if mailbox is None:
        raise ConstraintError(f"malformed rfc822Name {address!r}")
    local, domain = mailbox
    if "@" in constraint:
        parts = _mailbox_parts(constraint)
        if parts is None:
            raise ConstraintError(
                f"malformed rfc822Name constraint {constraint!r}"
            )
        return local == parts[0] and domain.lower() == parts[1].lower()
    if constraint.startswith("."):
        if not is_valid_dns_name(constraint[1:]):
            raise ConstraintError(
                f"malformed rfc822Name constraint {constraint!r}"
            )
        return domain.lower().endswith(constraint.lower())
    if not is_valid_dns_name(constraint):
        raise ConstraintError(
            f"malformed rfc822Name constraint {constraint!r}"
        )
    return domain.lower() == constraint.lower()


def _directory_in(name: Name, constraint: Name) -> bool:
    """Tell whether the constraint's RDNs are a prefix of the name's RDNs
    (RFC 5280 section 7.1 comparison)."""
    wanted = constraint.comparison_key
    return name.comparison_key[: len(wanted)] == wanted


def name_within(
    name: GeneralName, subtree: GeneralName, excluding: bool = False
) -> Optional[bool]:
    """Tell whether ``name`` lies within ``subtree``.

    Returns:
        ``None`` when the subtree has another type than the name, so it
        does not apply to it.

    Raises:
        ConstraintError: The constraint or the name is malformed, or of a
            type purepki cannot evaluate.
    """
    if isinstance(subtree, DNSName):
        if isinstance(name, DNSName):
            return _dns_name_in(name.value, subtree.value, excluding)
        return None
    if isinstance(subtree, IPNetwork):
        if isinstance(name, IPAddress):
            network = subtree.value
            if name.value.version != network.version:
                return False
            return name.value in network
        return None
    if isinstance(subtree, RFC822Name):
        if isinstance(name, RFC822Name):
            return _email_in(name.value, subtree.value)
        return None
    if isinstance(subtree, DirectoryName):
        if isinstance(name, DirectoryName):
            return _directory_in(name.value, subtree.value)
        return None
    if type(name) is type(subtree):
        raise ConstraintError(
            f"name constraints of type {type(subtree).__name__} are not "
            "supported, and the chain carries such a name"
        )
    return None


def check_constraints(
    names: Iterable[GeneralName],
    permitted: Optional[Sequence[GeneralName]],
    excluded: Sequence[GeneralName],
) -> Optional[str]:
    """Check names against permitted and excluded subtrees.

    Args:
        names: The subject's names: SAN entries, the subject DN as a
            directoryName, subject email addresses.
        permitted: Permitted subtrees, or ``None`` when no certificate
            restricted them.
        excluded: Excluded subtrees.

    Returns:
        ``None`` when every name passes, else the reason.

    Raises:
        ConstraintError: A constraint or name cannot be evaluated.
    """
    for name in names:
        for subtree in excluded:
            if name_within(name, subtree, excluding=True):
                return f"{name} is in excluded subtree {subtree}"
        if permitted is None:
            continue
        applicable = [
            result
            for result in (name_within(name, subtree) for subtree in permitted)
            if result is not None
        ]
        if applicable and not any(applicable):
            return f"{name} is outside every permitted subtree of its type"
        if not applicable and _restricted_type(name, permitted):
            return f"{name} is outside every permitted subtree of its type"
    return None


def _restricted_type(
    name: GeneralName, permitted: Sequence[GeneralName]
) -> bool:
    kinds = {
        DNSName: DNSName,
        IPAddress: IPNetwork,
        RFC822Name: RFC822Name,
        DirectoryName: DirectoryName,
    }
    wanted = kinds.get(type(name))
    return wanted is not None and any(
        isinstance(subtree, wanted) for subtree in permitted
    )
