"""Certificate parsing and chain verification against their floors.

- Parsing: ``Certificate.from_der`` (strict DER checks, structure rules,
  validity times) against a bare pyasn1 decode of the same bytes with the
  ``rfc5280.Certificate`` schema. Target: at most 1.25x. Parsing calls no
  backend, so it has one purepki row; ``cryptography``'s
  ``x509.load_der_x509_certificate`` is shown for context.
- Verifying a three-certificate chain, P-256 and RSA-2048, with the leaf
  and the intermediate given as DER on each call and the trust store
  parsed once. The pure rows are divided by the work that cannot be
  avoided: two bare pyasn1 certificate decodes and two raw ``ecdsa`` or
  ``rsa`` verifications. Target: at most 1.3x for both chains. The
  cryptography rows are divided by ``cryptography``'s own chain
  verification (``x509.verification``, web PKI policy) of the same DER,
  for context: it checks fewer rules than purepki.
- The same P-256 verification with 1,000 unrelated intermediates in the
  pool (a ``CertificatePool`` built once) against an empty pool, with the
  pure backend. Target: at most 2x.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from typing import Any, Callable

import ecdsa
import ecdsa.util
import pytest
import rsa
from chains import AT, HOST, Chain, certificate, make_chain
from pyasn1.codec.der import decoder
from pyasn1_modules import rfc5280

from purepki.backend import BackendLike
from purepki.certificate import Certificate
from purepki.keys import RSAPublicKey, generate_ec_key, generate_rsa_key
from purepki.name import Name
from purepki.verify import CertificatePool, TrustStore, verify_chain

DescribeRow = Callable[..., None]

SLICE_TIME = 0.4
UNRELATED = 1000
PURE = "purepki (pure)"
VIA_CRYPTOGRAPHY = "purepki (cryptography)"
CRYPTOGRAPHY_CHAIN = "cryptography x509.verification"


def _group(name: str) -> pytest.MarkDecorator:
    return pytest.mark.benchmark(
        group=name, timer=time.process_time, max_time=SLICE_TIME
    )


@pytest.fixture(scope="module")
def p256_chain() -> Chain:
    """A P-256 root, intermediate and leaf."""
    return make_chain(*(generate_ec_key(backend="pure") for _ in range(3)))


@pytest.fixture(scope="module")
def rsa_chain() -> Chain:
    """An RSA-2048 root, intermediate and leaf."""
    keys = (generate_rsa_key(2048, backend="pure") for _ in range(3))
    return make_chain(*keys)


@pytest.fixture(scope="module")
def unrelated() -> list[Certificate]:
    """1,000 self-signed CAs that issued nothing in the chains."""
    key = generate_ec_key(backend="pure")
    return [
        certificate(
            f"CN=Unrelated CA {index}",
            key,
            key,
            Name.from_rfc4514(f"CN=Unrelated CA {index}"),
            True,
        )
        for index in range(UNRELATED)
    ]


def _verify(
    chain: Chain,
    store: TrustStore,
    backend: BackendLike,
    pool_extra: Any = (),
) -> None:
    leaf = Certificate.from_der(chain.leaf_der)
    intermediate = Certificate.from_der(chain.intermediate_der)
    verify_chain(
        leaf,
        [intermediate, *pool_extra],
        store,
        dns_name=HOST,
        at=AT,
        backend=backend,
    )


def _cryptography_verifier(chain: Chain) -> Callable[[], None]:
    """Return a call that parses the leaf and the intermediate DER with
    ``cryptography`` and verifies them against the root."""
    from cryptography import x509
    from cryptography.x509.verification import PolicyBuilder, Store

    store = Store([x509.load_der_x509_certificate(chain.root.to_der())])
    leaf_der, intermediate_der = chain.leaf_der, chain.intermediate_der
    moment = AT.replace(tzinfo=None)
    host = x509.DNSName(HOST)

    def verify() -> None:
        leaf = x509.load_der_x509_certificate(leaf_der)
        intermediate = x509.load_der_x509_certificate(intermediate_der)
        verifier = (
            PolicyBuilder()
            .store(store)
            .time(moment)
            .build_server_verifier(host)
        )
        verifier.verify(leaf, [intermediate])

    return verify


# --- parse certificate -----------------------------------------------------


@_group("parse certificate")
def test_parse_purepki(
    benchmark: Any, describe: DescribeRow, p256_chain: Chain
) -> None:
    describe("purepki", floor="pyasn1 decode", target=1.25)
    data = p256_chain.leaf_der
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = benchmark(Certificate.from_der, data)
    assert parsed.to_der() == data


@_group("parse certificate")
def test_parse_pyasn1(
    benchmark: Any, describe: DescribeRow, p256_chain: Chain
) -> None:
    describe("pyasn1 decode")
    data = p256_chain.leaf_der
    _, rest = benchmark(decoder.decode, data, asn1Spec=rfc5280.Certificate())
    assert not rest


@_group("parse certificate")
def test_parse_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    p256_chain: Chain,
    cryptography_backend: str,
) -> None:
    """``load_der_x509_certificate`` checks the outer structure and
    decodes fields when they are read."""
    from cryptography import x509

    describe("cryptography x509", floor="pyasn1 decode")
    data = p256_chain.leaf_der
    parsed = benchmark(x509.load_der_x509_certificate, data)
    assert parsed.serial_number == p256_chain.leaf.serial_number


# --- verify P-256 chain of 3 -----------------------------------------------


@_group("verify P-256 chain of 3")
def test_verify_p256_purepki(
    benchmark: Any, describe: DescribeRow, p256_chain: Chain
) -> None:
    describe(
        PURE,
        floor="2 decodes + 2 ecdsa",
        target=1.3,
        backend="pure",
        through_purepki=True,
    )
    store = TrustStore([p256_chain.root])
    benchmark(_verify, p256_chain, store, "pure")


@_group("verify P-256 chain of 3")
def test_verify_p256_floor(
    benchmark: Any, describe: DescribeRow, p256_chain: Chain
) -> None:
    describe("2 decodes + 2 ecdsa", backend="pure")
    leaf, intermediate = p256_chain.leaf, p256_chain.intermediate
    intermediate_key = ecdsa.VerifyingKey.from_der(
        intermediate.public_key.to_der()
    )
    root_key = ecdsa.VerifyingKey.from_der(p256_chain.root.public_key.to_der())
    leaf_der, intermediate_der = (
        p256_chain.leaf_der,
        p256_chain.intermediate_der,
    )

    def floor() -> None:
        decoder.decode(leaf_der, asn1Spec=rfc5280.Certificate())
        decoder.decode(intermediate_der, asn1Spec=rfc5280.Certificate())
        intermediate_key.verify(
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


@_group("verify P-256 chain of 3")
def test_verify_p256_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    p256_chain: Chain,
    cryptography_backend: str,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor=CRYPTOGRAPHY_CHAIN,
        backend=cryptography_backend,
        through_purepki=True,
    )
    store = TrustStore([p256_chain.root])
    benchmark(_verify, p256_chain, store, cryptography_backend)


@_group("verify P-256 chain of 3")
def test_verify_p256_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    p256_chain: Chain,
    cryptography_backend: str,
) -> None:
    describe(CRYPTOGRAPHY_CHAIN, backend=cryptography_backend)
    benchmark(_cryptography_verifier(p256_chain))


# --- verify RSA-2048 chain of 3 --------------------------------------------


@_group("verify RSA-2048 chain of 3")
def test_verify_rsa_purepki(
    benchmark: Any, describe: DescribeRow, rsa_chain: Chain
) -> None:
    describe(
        PURE,
        floor="2 decodes + 2 rsa.verify",
        target=1.3,
        backend="pure",
        through_purepki=True,
    )
    store = TrustStore([rsa_chain.root])
    benchmark(_verify, rsa_chain, store, "pure")


@_group("verify RSA-2048 chain of 3")
def test_verify_rsa_floor(
    benchmark: Any, describe: DescribeRow, rsa_chain: Chain
) -> None:
    describe("2 decodes + 2 rsa.verify", backend="pure")
    leaf, intermediate = rsa_chain.leaf, rsa_chain.intermediate
    intermediate_public = intermediate.public_key
    root_public = rsa_chain.root.public_key
    assert isinstance(intermediate_public, RSAPublicKey)
    assert isinstance(root_public, RSAPublicKey)
    intermediate_key = rsa.PublicKey(
        intermediate_public.n, intermediate_public.e
    )
    root_key = rsa.PublicKey(root_public.n, root_public.e)
    leaf_der, intermediate_der = rsa_chain.leaf_der, rsa_chain.intermediate_der

    def floor() -> None:
        decoder.decode(leaf_der, asn1Spec=rfc5280.Certificate())
        decoder.decode(intermediate_der, asn1Spec=rfc5280.Certificate())
        rsa.verify(leaf.tbs_der, leaf.signature, intermediate_key)
        rsa.verify(intermediate.tbs_der, intermediate.signature, root_key)

    benchmark(floor)


@_group("verify RSA-2048 chain of 3")
def test_verify_rsa_via_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    rsa_chain: Chain,
    cryptography_backend: str,
) -> None:
    describe(
        VIA_CRYPTOGRAPHY,
        floor=CRYPTOGRAPHY_CHAIN,
        backend=cryptography_backend,
        through_purepki=True,
    )
    store = TrustStore([rsa_chain.root])
    benchmark(_verify, rsa_chain, store, cryptography_backend)


@_group("verify RSA-2048 chain of 3")
def test_verify_rsa_cryptography(
    benchmark: Any,
    describe: DescribeRow,
    rsa_chain: Chain,
    cryptography_backend: str,
) -> None:
    describe(CRYPTOGRAPHY_CHAIN, backend=cryptography_backend)
    benchmark(_cryptography_verifier(rsa_chain))


# --- verify with 1,000 unrelated intermediates -----------------------------


@_group("verify with 1,000 unrelated intermediates")
def test_verify_large_pool(
    benchmark: Any,
    describe: DescribeRow,
    p256_chain: Chain,
    unrelated: list[Certificate],
) -> None:
    describe("1,000 unrelated", floor="no unrelated", target=2.0)
    store = TrustStore([p256_chain.root])
    pool = CertificatePool(unrelated)
    benchmark(_verify, p256_chain, store, "pure", pool)


@_group("verify with 1,000 unrelated intermediates")
def test_verify_empty_pool(
    benchmark: Any, describe: DescribeRow, p256_chain: Chain
) -> None:
    describe("no unrelated")
    store = TrustStore([p256_chain.root])
    benchmark(_verify, p256_chain, store, "pure")
