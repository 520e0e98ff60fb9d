"""Pickling and copying purepki's values: keys, OIDs, certificates,
requests, verification results and password schemes."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

import pytest
from test_verify import AT, chain, keys  # noqa: F401 - shared fixtures

from purepki import pbe
from purepki.asn1.oids import HashOID
from purepki.backend import Backend
from purepki.csr import CSRBuilder
from purepki.keys import ECPrivateKey, generate_ec_key, load_private_key
from purepki.name import Name
from purepki.verify import verify_chain


def _round_trip(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value))


def test_oid_keeps_display_name() -> None:
    loaded = _round_trip(HashOID.SHA256)
    assert loaded == HashOID.SHA256
    assert loaded.display == HashOID.SHA256.display
    assert copy.deepcopy(HashOID.SHA256).display == "sha256"


def test_ec_key_round_trip(backend: Backend) -> None:
    key = generate_ec_key(backend=backend)
    assert _round_trip(key) == key
    assert _round_trip(key.public_key()) == key.public_key()
    assert copy.deepcopy(key) == key


def test_rsa_key_round_trip(openssl_fixtures: Path) -> None:
    key = load_private_key((openssl_fixtures / "webbridge3.key").read_bytes())
    assert _round_trip(key) == key
    assert copy.deepcopy(key.public_key()) == key.public_key()


def test_certificate_round_trip(chain: Any) -> None:  # noqa: F811
    root, intermediate, leaf = chain
    for certificate in (root, intermediate, leaf):
        loaded = _round_trip(certificate)
        assert loaded == certificate
        assert loaded.to_der() == certificate.to_der()
        assert loaded.subject == certificate.subject
        assert copy.deepcopy(certificate) is certificate
        assert copy.copy(certificate) is certificate


def test_csr_round_trip(backend: Backend) -> None:
    key: ECPrivateKey = generate_ec_key(backend=backend)
    request = (
        CSRBuilder()
        .subject_name(Name.from_rfc4514("CN=pickle.example.test"))
        .sign(key, backend=backend)
    )
    assert _round_trip(request) == request
    assert copy.deepcopy(request) is request


def test_verification_result_round_trip(
    chain: Any,  # noqa: F811
    backend: Backend,
) -> None:
    root, intermediate, leaf = chain
    result = verify_chain(leaf, [intermediate], [root], at=AT, backend=backend)
    loaded = _round_trip(result)
    assert loaded.chain == result.chain
    assert loaded.checks == result.checks
    assert copy.deepcopy(result).chain == result.chain


@pytest.mark.parametrize(
    "scheme",
    [pbe.pbes2(), pbe.pbes2_scrypt(), pbe.pkcs12_pbe()],
    ids=["pbes2", "scrypt", "pkcs12"],
)
def test_password_scheme_round_trip(scheme: Any) -> None:
    assert _round_trip(scheme) == scheme
    assert copy.deepcopy(scheme) == scheme
