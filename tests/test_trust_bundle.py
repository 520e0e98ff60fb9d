"""Every certificate of the system trust bundle parses, renders as text,
and its self-signature verifies with each backend."""

from __future__ import annotations

import datetime
import json
import warnings
from pathlib import Path

import pytest

from purepki.backend import Backend
from purepki.certificate import Certificate, load_certificates
from purepki.errors import PurePKIWarning
from purepki.text import certificate_json, certificate_text

BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def bundle() -> list[Certificate]:
    if not BUNDLE.is_file():
        pytest.skip(f"{BUNDLE} not found")
    data = BUNDLE.read_bytes()
    # Some anchors carry deviations that the parser reads with a warning
    # (a serial of 0, a GeneralizedTime before 2050).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PurePKIWarning)
        certificates = load_certificates(data, source=str(BUNDLE))
    assert len(certificates) == data.count(b"-----BEGIN CERTIFICATE-----")
    return certificates


def test_bundle_is_not_empty(bundle: list[Certificate]) -> None:
    assert len(bundle) > 10


def test_bundle_self_signatures_verify(
    bundle: list[Certificate], backend: Backend
) -> None:
    failures = [
        certificate.subject.rfc4514()
        for certificate in bundle
        if certificate.is_self_issued
        and not certificate.is_signed_by(
            certificate.public_key, backend=backend
        )
    ]
    assert failures == []


def test_bundle_anchors_are_self_issued(bundle: list[Certificate]) -> None:
    others = [c.subject.rfc4514() for c in bundle if not c.is_self_issued]
    assert others == []


def test_bundle_renders(bundle: list[Certificate]) -> None:
    for certificate in bundle:
        text = certificate_text(certificate, NOW)
        assert "Fingerprints:" in text
        json.dumps(certificate_json(certificate, NOW))


def test_bundle_anchors_are_cas(bundle: list[Certificate]) -> None:
    # Version 3 anchors say they are CAs; old version 1 roots cannot.
    not_ca = [
        certificate.subject.rfc4514()
        for certificate in bundle
        if certificate.version == 3 and not certificate.is_ca
    ]
    assert not_ca == []
