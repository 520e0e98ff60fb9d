"""Path building: from the leaf to a trust anchor, best candidate first.

The candidate issuers of a certificate are the anchors and
intermediates whose subject matches its issuer name (RFC 5280 section
7.1). Those whose subjectKeyIdentifier equals the certificate's
authorityKeyIdentifier come first, then trust anchors before
intermediates, then certificates valid at the validation time. A
candidate whose key does not verify the signature is dropped, and a
complete chain that fails validation sends the search back to the next
candidate. A certificate
already in the chain is never added again, the depth is bounded, and so
is the number of signature checks, so hostile pools end quickly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

from purepki._record import dataclass, field
from purepki.backend import BackendLike
from purepki.certificate import Certificate
from purepki.errors import (
    BackendNotFound,
    DecodeError,
    InvalidSignature,
    PurePKIError,
)
from purepki.verify.result import Check, Reason
from purepki.verify.store import CertificatePool, TrustStore
from purepki.verify.validation import Options, PathFailure, validate_path

#: Most complete chains validated before the search gives up.
MAX_CANDIDATE_CHAINS = 64


class BudgetExhausted(Exception):
    """The signature budget ran out."""


@dataclass
class SearchState:
    """Record of the search, for the error report."""

    signatures_checked: int = 0
    chains_tried: int = 0
    rejected: list[str] = field(default_factory=list)
    best_failure: Optional[PathFailure] = None
    best_depth: int = -1
    dead_end: Optional[Certificate] = None


def _label(certificate: Certificate) -> str:
    return certificate.subject.rfc4514() or "empty subject"


class PathBuilder:
    """Searches for a valid chain for one leaf."""

    def __init__(
        self,
        trust_store: TrustStore,
        intermediates: CertificatePool,
        options: Options,
        backend: BackendLike,
    ) -> None:
        self.trust_store = trust_store
        self.intermediates = intermediates
        self.options = options
        self.backend = backend
        self.state = SearchState()
        self._signature_cache: dict[tuple[bytes, bytes], bool] = {}

    # --- Candidates -----------------------------------------------------

    def _candidates(
        self, certificate: Certificate
    ) -> list[tuple[Certificate, bool]]:
        """Return (candidate, is_anchor) pairs, best first."""
        aki = certificate.authority_key_identifier
        wanted_id = aki.key_identifier if aki is not None else None
        moment = self.options.moment
        found: list[tuple[tuple[int, int, int], Certificate, bool]] = []
        for is_anchor, pool in (
            (True, self.trust_store),
            (False, self.intermediates),
        ):
            for candidate in pool.with_subject(certificate):
                if not is_anchor and candidate in self.trust_store:
                    continue
                ski = _safe_key_id(candidate, authority=False)
                id_rank = 1
                if wanted_id is not None and ski is not None:
                    id_rank = 0 if ski == wanted_id else 2
                valid_rank = 0 if candidate.is_valid_at(moment) else 1
                rank = (id_rank, 0 if is_anchor else 1, valid_rank)
                found.append((rank, candidate, is_anchor))
        found.sort(key=lambda entry: entry[0])
        return [(candidate, anchor) for _, candidate, anchor in found]

    def _signed_by(self, child: Certificate, issuer: Certificate) -> bool:
        key = (child.to_der(), issuer.to_der())
        cached = self._signature_cache.get(key)
        if cached is not None:
            return cached
        if (
            self.state.signatures_checked
            >= self.options.policy.signature_budget
        ):
            raise BudgetExhausted
        self.state.signatures_checked += 1
        try:
            child.verify_signature(issuer.public_key, backend=self.backend)
        except BackendNotFound:
            raise
        except (InvalidSignature, PurePKIError):
            result = False
        else:
            result = True
        self._signature_cache[key] = result
        return result

    # --- Search ---------------------------------------------------------

    def search(
        self, leaf: Certificate
    ) -> Iterator[tuple[tuple[Certificate, ...], list[Check], list[str]]]:
        """Yield each valid chain found, with its checks and warnings."""
        if leaf in self.trust_store:
            yield from self._finish((leaf,))
            return
        yield from self._extend((leaf,))

    def _extend(
        self, chain: tuple[Certificate, ...]
    ) -> Iterator[tuple[tuple[Certificate, ...], list[Check], list[str]]]:
        current = chain[-1]
        candidates = self._candidates(current)
        if not candidates and self.state.dead_end is None:
            self.state.dead_end = current
        for candidate, is_anchor in candidates:
            if candidate in chain or any(
                candidate.subject.matches(c.subject)
                and candidate.spki_der == c.spki_der
                for c in chain
            ):
                continue
            if not self._signed_by(current, candidate):
                self.state.rejected.append(
                    f"{_label(candidate)} (serial {candidate.serial_number:#x}"
                    f"): its key does not verify the signature of "
                    f"{_label(current)}"
                )
                continue
            extended = (*chain, candidate)
            if is_anchor:
                yield from self._finish(extended)
            elif len(extended) - 1 <= self.options.max_depth:
                yield from self._extend(extended)
            else:
                self.state.rejected.append(
                    f"{_label(candidate)}: chain would exceed the maximum "
                    f"depth of {self.options.max_depth}"
                )

    def _finish(
        self, chain: tuple[Certificate, ...]
    ) -> Iterator[tuple[tuple[Certificate, ...], list[Check], list[str]]]:
        self.state.chains_tried += 1
        if self.state.chains_tried > MAX_CANDIDATE_CHAINS:
            raise BudgetExhausted
        try:
            checks, warnings = validate_path(chain, self.options)
        except DecodeError as error:
            failure = PathFailure(
                f"malformed certificate in the chain: {error}",
                Reason.MALFORMED,
                "RFC 5280 4.1",
                "",
            )
            self._remember(failure, len(chain))
            self.state.rejected.append(str(failure))
            return
        except PathFailure as failure:
            self._remember(failure, len(chain))
            names = " -> ".join(_label(cert) for cert in chain)
            self.state.rejected.append(f"chain {names}: {failure}")
            return
        yield chain, checks, warnings

    def _remember(self, failure: PathFailure, depth: int) -> None:
        # Report the failure of the longest chain tried: it got furthest.
        if depth > self.state.best_depth:
            self.state.best_failure = failure
            self.state.best_depth = depth


def _safe_key_id(certificate: Certificate, authority: bool) -> Optional[bytes]:
    """Return the authority or subject key identifier, or ``None`` when
    it is absent or malformed (validation reports malformed ones)."""
    try:
        if authority:
            aki = certificate.authority_key_identifier
            return aki.key_identifier if aki is not None else None
        ski = certificate.subject_key_identifier
        return ski.digest if ski is not None else None
    except DecodeError:
        return None


def no_path_reason(state: SearchState) -> Reason:
    """Pick the reason to report when no valid chain was found."""
    if state.best_failure is not None:
        return state.best_failure.reason
    if state.rejected:
        return Reason.SIGNATURE
    return Reason.NO_ISSUER
