"""``bundle LEAF CERTS... -o FILE``: write certificates in chain order.

A bundle lists the issuer of each certificate after it and the root last,
as PEM blocks back to back with one newline at the end of the file. The
chain is found from the leaf by issuer name and signature, so a shuffled
bundle is repaired; certificates that are not in the chain and duplicates
are reported and left out.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from purepki._record import dataclass
from purepki.certificate import Certificate
from purepki.cli.common import EXIT_OK, count_of, note, out
from purepki.cli.loading import describe_name, load_certificate_list
from purepki.errors import PurePKIError
from purepki.files import OutputFiles

#: Maximum chain length followed, leaf included. Real chains have 2 to 4.
MAX_CHAIN_LENGTH = 10


def is_self_signed(certificate: Certificate) -> bool:
    """Tell whether a certificate names itself as issuer and its own key
    verifies its signature (a root CA, or a self-signed leaf)."""
    if not certificate.is_self_issued:
        return False
    try:
        return certificate.is_signed_by(certificate.public_key)
    except PurePKIError:
        return False


def _signed_by(certificate: Certificate, issuer: Certificate) -> bool:
    try:
        return certificate.is_signed_by(issuer.public_key)
    except PurePKIError:
        return False


@dataclass(frozen=True)
class OrderedChain:
    """A chain put in order from the leaf.

    Attributes:
        chain: From the leaf up, as far as the inputs reach.
        complete: Whether the chain ends with a self-signed certificate.
        extra: Input certificates that are not in the chain.
        duplicates: Inputs given more than once (each listed once).
    """

    chain: tuple[Certificate, ...]
    complete: bool
    extra: tuple[Certificate, ...]
    duplicates: tuple[Certificate, ...]

    @property
    def missing_issuer(self) -> str:
        """The issuer name of the last certificate when the chain is
        incomplete; empty otherwise."""
        if self.complete:
            return ""
        return describe_name(self.chain[-1].issuer)


def order_chain(
    leaf: Certificate, candidates: Sequence[Certificate]
) -> OrderedChain:
    """Build the chain of ``leaf`` from ``candidates`` in any order.

    Each step takes a candidate whose subject matches the issuer name and
    whose key verifies the signature, so two CAs of one name (a key
    rollover) are told apart.
    """
    pool: list[Certificate] = []
    duplicates: list[Certificate] = []
    for certificate in candidates:
        if certificate in pool or certificate == leaf:
            if certificate not in duplicates:
                duplicates.append(certificate)
            continue
        pool.append(certificate)
    chain = [leaf]
    complete = is_self_signed(leaf)
    while not complete and len(chain) < MAX_CHAIN_LENGTH:
        current = chain[-1]
        issuer = next(
            (
                candidate
                for candidate in pool
                if candidate.subject.matches(current.issuer)
                and _signed_by(current, candidate)
            ),
            None,
        )
        if issuer is None:
            break
        chain.append(issuer)
        pool.remove(issuer)
        complete = is_self_signed(issuer)
    return OrderedChain(tuple(chain), complete, tuple(pool), tuple(duplicates))


def bundle_text(certificates: Sequence[Certificate]) -> str:
    """Join certificates as PEM blocks with nothing between them."""
    return "".join(certificate.to_pem() for certificate in certificates)


def run_bundle(args: argparse.Namespace) -> int:
    """Write LEAF's chain from the given certificates to ``-o FILE``."""
    output = OutputFiles(force=args.force)
    target = Path(args.output)
    output.check((target,))
    leaf_file = load_certificate_list(Path(args.leaf))
    leaf = leaf_file[0]
    given = list(leaf_file[1:])
    for name in args.certs:
        given.extend(load_certificate_list(Path(name)))
    ordered = order_chain(leaf, given)
    _report(ordered, given)
    chain = list(ordered.chain)
    if not args.full_chain:
        chain = chain[1:]
    if args.no_root and ordered.complete and len(chain) > 1:
        chain = chain[:-1]
    if not chain:
        from purepki.cli.common import InputError

        raise InputError(
            f"no issuer of {describe_name(leaf.subject)} among the inputs, "
            "so the bundle would be empty; give the intermediate and root "
            "certificates, or --full-chain to write the leaf alone"
        )
    output.add(target, bundle_text(chain).encode("ascii"))
    output.commit()
    out(
        f"wrote {target}: {count_of(len(chain), 'certificate')} in chain order"
    )
    for certificate in chain:
        out(f"  {describe_name(certificate.subject)}")
    return EXIT_OK


def _report(ordered: OrderedChain, given: Sequence[Certificate]) -> None:
    for certificate in ordered.duplicates:
        note(
            f"duplicate certificate left out: "
            f"{describe_name(certificate.subject)}"
        )
    for certificate in ordered.extra:
        note(
            "certificate not in the chain, left out: "
            f"{describe_name(certificate.subject)} (issuer "
            f"{describe_name(certificate.issuer)})"
        )
    if not ordered.complete:
        last = describe_name(ordered.chain[-1].subject)
        note(
            f"missing certificate: no issuer found for "
            f"{ordered.missing_issuer} (the chain ends at {last}); add "
            "that CA's certificate for a complete bundle"
        )
    chain_part = [
        certificate for certificate in given if certificate in ordered.chain
    ]
    distinct = list(dict.fromkeys(chain_part))
    if distinct != [c for c in ordered.chain if c in distinct]:
        note("certificates were out of order; wrote them in chain order")
