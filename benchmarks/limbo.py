"""Run an x509-limbo path-validation suite through purepki's verifier.

Usage::

    python benchmarks/limbo.py LIMBO_JSON [--results FILE] [--backend NAME]
        [--policy web-pki|appliance] [--sample N] [--id-prefix PREFIX]

Reads a limbo JSON file (the full upstream ``limbo.json`` or any subset),
runs every test case, writes results in limbo's result format
(``{"version": 1, "harness": ..., "results": [...]}``) when ``--results``
is given, and prints, per id namespace, the passes, the chains accepted
that must fail, the chains rejected that must pass, and the skips. A case
is skipped only when it needs a feature listed in :data:`SKIPPED_FEATURES`
or :data:`SKIPPED_IDS`, each with its reason.

Exit status: 0 when no case was accepted that must fail, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from purepki.certificate import Certificate
from purepki.crl import CertificateRevocationList
from purepki.errors import PurePKIError
from purepki.verify import (
    POLICIES,
    CertificatePool,
    Purpose,
    TrustStore,
    VerificationError,
    verify_chain,
)

#: Features purepki does not implement, with the reason.
SKIPPED_FEATURES = {
    "pedantic-public-suffix-wildcard": (
        "wildcards under public suffixes need the Public Suffix List, "
        "which purepki does not ship"
    ),
    "rfc5280-incompatible-with-webpki": (
        "the web PKI policy follows the CA/Browser Forum where it departs "
        "from RFC 5280"
    ),
}

#: Individual cases skipped, with the reason.
SKIPPED_IDS: dict[str, str] = {}

_EKU_OIDS = {
    "serverAuth": "1.3.6.1.5.5.7.3.1",
    "clientAuth": "1.3.6.1.5.5.7.3.2",
    "codeSigning": "1.3.6.1.5.5.7.3.3",
    "emailProtection": "1.3.6.1.5.5.7.3.4",
    "timeStamping": "1.3.6.1.5.5.7.3.8",
    "OCSPSigning": "1.3.6.1.5.5.7.3.9",
    "anyExtendedKeyUsage": "2.5.29.37.0",
}


def _load(pem_text: str, label: str) -> Optional[Certificate]:
    try:
        return Certificate.from_pem(pem_text, source=label)
    except PurePKIError:
        return None


def _load_crl(pem_text: str) -> Optional[CertificateRevocationList]:
    # A CRL that does not parse is left out. Revocation is then checked
    # without it, and a certificate that it alone covered has an unknown
    # status, which fails the case.
    try:
        return CertificateRevocationList.from_pem(pem_text, source="CRL")
    except PurePKIError:
        return None


def _skip_reason(case: dict[str, Any]) -> Optional[str]:
    if case["id"] in SKIPPED_IDS:
        return SKIPPED_IDS[case["id"]]
    for feature in case.get("features") or ():
        if feature in SKIPPED_FEATURES:
            return f"{feature}: {SKIPPED_FEATURES[feature]}"
    return None


def run_case(
    case: dict[str, Any], policy_name: str, backend: Optional[str]
) -> tuple[str, str]:
    """Run one case; return (actual result, context)."""
    reason = _skip_reason(case)
    if reason is not None:
        return "SKIPPED", reason
    leaf = _load(case["peer_certificate"], "peer certificate")
    if leaf is None:
        return "FAILURE", "peer certificate does not parse"
    anchors = [
        cert
        for cert in (_load(text, "trusted") for text in case["trusted_certs"])
        if cert is not None
    ]
    pool = [
        cert
        for cert in (
            _load(text, "intermediate")
            for text in case["untrusted_intermediates"]
        )
        if cert is not None
    ]
    moment = None
    if case.get("validation_time"):
        moment = datetime.datetime.fromisoformat(case["validation_time"])
    purpose = (
        Purpose.CLIENT
        if case["validation_kind"] == "CLIENT"
        else Purpose.SERVER
    )
    peer = case.get("expected_peer_name") or {}
    dns_name = peer.get("value") if peer.get("kind") == "DNS" else None
    ip_address = peer.get("value") if peer.get("kind") == "IP" else None
    emails = [
        name["value"]
        for name in case.get("expected_peer_names") or ()
        if name.get("kind") == "RFC822"
    ]
    ekus = [_EKU_OIDS.get(name, name) for name in case["extended_key_usage"]]
    # A case with CRLs has every certificate below the trust anchor checked
    # against them. Cases without CRLs check no revocation.
    crl_texts = case.get("crls") or ()
    loaded = [_load_crl(text) for text in crl_texts]
    crls = [crl for crl in loaded if crl is not None]
    revocation = "chain" if crl_texts else "none"
    try:
        verify_chain(
            leaf,
            CertificatePool(pool),
            TrustStore(anchors),
            purpose=purpose,
            dns_name=dns_name,
            ip_address=ip_address,
            emails=emails,
            at=moment,
            max_depth=case.get("max_chain_depth"),
            policy=POLICIES[policy_name],
            required_ekus=ekus,
            backend=backend,
            crls=crls,
            revocation=revocation,
        )
    except VerificationError as error:
        return "FAILURE", f"{error.reason.name}: {error}"
    except (PurePKIError, ValueError) as error:
        return "FAILURE", f"error: {error}"
    return "SUCCESS", "chain verified"


def main(argv: Optional[list[str]] = None) -> int:
    """Run the suite and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("limbo_json", type=Path)
    parser.add_argument("--results", type=Path, help="write results here")
    parser.add_argument("--backend", help="crypto backend name")
    parser.add_argument(
        "--policy", default="web-pki", choices=sorted(POLICIES)
    )
    parser.add_argument(
        "--sample", type=int, help="run every Nth case only (for CI)"
    )
    parser.add_argument("--id-prefix", default="", help="run matching ids")
    parser.add_argument(
        "--show",
        choices=("wrong", "all", "none"),
        default="wrong",
        help="which case outcomes to print",
    )
    options = parser.parse_args(argv)

    data = json.loads(options.limbo_json.read_text())
    cases = [
        case
        for case in data["testcases"]
        if case["id"].startswith(options.id_prefix)
    ]
    if options.sample:
        cases = cases[:: options.sample]

    counts: dict[str, collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    results = []
    started = time.perf_counter()
    warnings.simplefilter("ignore")
    for case in cases:
        actual, context = run_case(case, options.policy, options.backend)
        expected = case["expected_result"]
        namespace = case["id"].split("::")[0]
        if actual == "SKIPPED":
            outcome = "skipped"
        elif actual == expected:
            outcome = "pass"
        elif actual == "SUCCESS":
            outcome = "accepted-but-must-fail"
        else:
            outcome = "rejected-but-must-pass"
        counts[namespace][outcome] += 1
        counts["TOTAL"][outcome] += 1
        show = options.show == "all" or (
            (options.show == "wrong" and outcome.endswith("must-pass"))
            or outcome.startswith("accepted")
        )
        if show and options.show != "none":
            print(f"{outcome}: {case['id']}: {context}")
        results.append(
            {"id": case["id"], "actual_result": actual, "context": context}
        )
    elapsed = time.perf_counter() - started

    if options.results:
        options.results.write_text(
            json.dumps(
                {"version": 1, "harness": "purepki", "results": results},
                indent=1,
            )
        )
    columns = (
        "pass",
        "accepted-but-must-fail",
        "rejected-but-must-pass",
        "skipped",
    )
    print(f"\n{'namespace':<14}" + "".join(f"{c:>24}" for c in columns))
    for namespace in sorted(counts, key=lambda n: (n == "TOTAL", n)):
        row = counts[namespace]
        print(f"{namespace:<14}" + "".join(f"{row[c]:>24}" for c in columns))
    print(f"\n{len(cases)} cases in {elapsed:.1f} s, policy {options.policy}")
    return 1 if counts["TOTAL"]["accepted-but-must-fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
