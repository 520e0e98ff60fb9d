"""x509-limbo conformance: a fixed sample of the suite on every backend.

The suite file is not part of the repository. Set ``PUREPKI_LIMBO_JSON``
to an x509-limbo JSON file to run this module; ``.ci/run`` sets it when
the file lies beside the checkout. The sample is every
:data:`SAMPLE_STEP`-th case plus every case outside the large
``bettertls`` namespace, which keeps the run near a minute per backend.
The full run is ``python benchmarks/limbo.py LIMBO_JSON``.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from purepki.backend import Backend

SAMPLE_STEP = 10

#: Cases the web PKI policy rejects although the suite expects success,
#: each with the reason. Rejecting a valid chain is the safe failure.
KNOWN_REJECTIONS = {
    "pathlen::validation-ignores-pathlen-in-leaf": (
        "a CA certificate in leaf position is rejected under the CA/B "
        "Forum profile; the suite's webpki::ca-as-leaf case expects that"
    ),
}

_LIMBO = os.environ.get("PUREPKI_LIMBO_JSON")

pytestmark = pytest.mark.skipif(
    not _LIMBO or not Path(_LIMBO).is_file(),
    reason="PUREPKI_LIMBO_JSON does not name an x509-limbo JSON file",
)


@pytest.fixture(scope="module")
def harness() -> Any:
    """The benchmarks/limbo.py module."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import limbo

    return limbo


@pytest.fixture(scope="module")
def sample() -> list[dict[str, Any]]:
    """The sampled test cases."""
    assert _LIMBO is not None
    cases = json.loads(Path(_LIMBO).read_text())["testcases"]
    bettertls = [c for c in cases if c["id"].startswith("bettertls::")]
    others = [c for c in cases if not c["id"].startswith("bettertls::")]
    return others + bettertls[::SAMPLE_STEP]


def test_limbo_sample(
    harness: Any, sample: list[dict[str, Any]], backend: Backend
) -> None:
    accepted_bad = []
    rejected_good = []
    skipped = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in sample:
            actual, context = harness.run_case(case, "web-pki", backend.name)
            expected = case["expected_result"]
            if actual == "SKIPPED":
                skipped += 1
            elif actual == "SUCCESS" and expected == "FAILURE":
                accepted_bad.append(case["id"])
            elif (
                actual == "FAILURE"
                and expected == "SUCCESS"
                and case["id"] not in KNOWN_REJECTIONS
            ):
                rejected_good.append(f"{case['id']}: {context}")
    assert accepted_bad == []
    assert rejected_good == []
    assert skipped <= 30
