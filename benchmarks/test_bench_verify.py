"""Certificate parsing and chain verification against their floors.

- Parsing: ``Certificate.from_der`` (strict DER checks, structure rules,
  validity times) against a bare pyasn1 decode of the same bytes with the
  ``rfc5280.Certificate`` schema. Target: at most 1.25x.
- Verifying a three-certificate P-256 chain, with the leaf and the
  intermediate given as bytes on each call and the trust store parsed
  once, against the work that cannot be avoided: two bare pyasn1
  certificate decodes and two raw ``ecdsa`` verifications. Target: at
  most 1.3x.
- The same verification with 1,000 unrelated intermediates in the pool
  (a ``CertificatePool`` built once) against an empty pool. Target: at
  most 2x.
"""

from __future__ import annotations

import datetime
import hashlib
import time
import warnings
from typing import Any, Callable

import ecdsa
import ecdsa.util
import pytest
from pyasn1.codec.der import decoder
from pyasn1_modules import rfc5280

from purepki.asn1.oids import ExtendedKeyUsageOID
from purepki.certificate import Certificate, CertificateBuilder
from purepki.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    ExtendedKeyUsage,
    KeyUsage,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
)
from purepki.general_names import DNSName
from purepki.keys import ECPrivateKey, generate_ec_key
from purepki.name import Name
from purepki.verify import CertificatePool, TrustStore, verify_chain

DescribeRow = Callable[..., None]

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 1, 1, tzinfo=UTC)
AT = datetime.datetime(2026, 6, 1, tzinfo=UTC)
HOST = "bench.example.test"
SLICE_TIME = 0.4
UNRELATED = 1000


def _group(name: str) -> pytest.MarkDecorator:
    return pytest.mark.benchmark(
        group=name, timer=time.process_time, max_time=SLICE_TIME
    )


def _certificate(
    subject: str,
    key: ECPrivateKey,
    issuer_key: ECPrivateKey,
    issuer_name: Name,
    ca: bool,
) -> Certificate:
    name = Name.from_rfc4514(subject)
    public = key.public_key()
    ski = SubjectKeyIdentifier.from_public_key(public)
    aki = SubjectKeyIdentifier.from_public_key(issuer_key.public_key())
    extensions: list[tuple[Any, bool]] = [
        (BasicConstraints(ca=ca, path_length=None), True),
        (
            KeyUsage(
                frozenset({"key_cert_sign", "crl_sign"})
                if ca
                else frozenset({"digital_signature"})
            ),
            True,
        ),
        (ski, False),
        (AuthorityKeyIdentifier(key_identifier=aki.digest), False),
    ]
    if not ca:
        extensions.append(
            (ExtendedKeyUsage((ExtendedKeyUsageOID.SERVER_AUTH,)), False)
        )
        extensions.append((SubjectAlternativeName((DNSName(HOST),)), False))
    builder = (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(public)
        .not_valid_before(START)
        .not_valid_after(START + datetime.timedelta(days=365))
        .add_extensions(extensions)
    )
    return builder.sign(issuer_key, backend="pure")


@pytest.fixture(scope="module")
def p256_chain() -> dict[str, Any]:
    """A P-256 root, intermediate and leaf, and 1,000 unrelated CAs."""
    root_key, int_key, leaf_key = (generate_ec_key() for _ in range(3))
    root_name = Name.from_rfc4514("CN=Bench Root")
    root = _certificate("CN=Bench Root", root_key, root_key, root_name, True)
    intermediate = _certificate(
        "CN=Bench Intermediate", int_key, root_key, root.subject, True
    )
    leaf = _certificate(
        f"CN={HOST}", leaf_key, int_key, intermediate.subject, False
    )
    filler_key = generate_ec_key()
    unrelated = [
        _certificate(
            f"CN=Unrelated CA {index}",
            filler_key,
            filler_key,
            Name.from_rfc4514(f"CN=Unrelated CA {index}"),
            True,
        )
        for index in range(UNRELATED)
    ]
    return {
        "root": root,
        "intermediate": intermediate,
        "leaf": leaf,
        "leaf_der": leaf.to_der(),
        "intermediate_der": intermediate.to_der(),
        "store": TrustStore([root]),
        "unrelated": unrelated,
    }


def _verify(chain: dict[str, Any], pool_extra: Any = ()) -> None:
    leaf = Certificate.from_der(chain["leaf_der"])
    intermediate = Certificate.from_der(chain["intermediate_der"])
    verify_chain(
        leaf,
        [intermediate, *pool_extra],
        chain["store"],
        dns_name=HOST,
        at=AT,
        backend="pure",
    )


@_group("parse certificate")
def test_parse_purepki(
    benchmark: Any, describe: DescribeRow, p256_chain: dict[str, Any]
) -> None:
    describe("purepki", floor="pyasn1 decode", target=1.25)
    data = p256_chain["leaf_der"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = benchmark(Certificate.from_der, data)
    assert parsed.to_der() == data


@_group("parse certificate")
def test_parse_pyasn1(
    benchmark: Any, describe: DescribeRow, p256_chain: dict[str, Any]
) -> None:
    describe("pyasn1 decode")
    data = p256_chain["leaf_der"]
    _, rest = benchmark(decoder.decode, data, asn1Spec=rfc5280.Certificate())
    assert not rest


@_group("verify P-256 chain of 3")
def test_verify_purepki(
    benchmark: Any, describe: DescribeRow, p256_chain: dict[str, Any]
) -> None:
    describe("purepki (pure)", floor="2 decodes + 2 ecdsa", target=1.3)
    benchmark(_verify, p256_chain)


@_group("verify P-256 chain of 3")
def test_verify_floor(
    benchmark: Any, describe: DescribeRow, p256_chain: dict[str, Any]
) -> None:
    describe("2 decodes + 2 ecdsa")
    leaf = p256_chain["leaf"]
    intermediate = p256_chain["intermediate"]
    root = p256_chain["root"]
    int_key = ecdsa.VerifyingKey.from_der(intermediate.public_key.to_der())
    root_key = ecdsa.VerifyingKey.from_der(root.public_key.to_der())
    leaf_der = p256_chain["leaf_der"]
    int_der = p256_chain["intermediate_der"]

    def floor() -> None:
        decoder.decode(leaf_der, asn1Spec=rfc5280.Certificate())
        decoder.decode(int_der, asn1Spec=rfc5280.Certificate())
        int_key.verify(
            leaf.signature,
            leaf.tbs_der,
            hashfunc=hashlib.sha256,
            sigdecode=ecdsa.util.sigdecode_der,
        )
        root_key.verify(
            intermediate.signature,
            intermediate.tbs_der,
            hashfunc=hashlib.sha256,
            sigdecode=ecdsa.util.sigdecode_der,
        )

    benchmark(floor)


@_group("verify with 1,000 unrelated intermediates")
def test_verify_large_pool(
    benchmark: Any, describe: DescribeRow, p256_chain: dict[str, Any]
) -> None:
    describe("1,000 unrelated", floor="no unrelated", target=2.0)
    pool = CertificatePool(p256_chain["unrelated"])
    benchmark(_verify, p256_chain, pool)


@_group("verify with 1,000 unrelated intermediates")
def test_verify_empty_pool(
    benchmark: Any, describe: DescribeRow, p256_chain: dict[str, Any]
) -> None:
    describe("no unrelated")
    benchmark(_verify, p256_chain)
