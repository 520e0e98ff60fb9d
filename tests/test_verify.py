"""Tests of chain building and validation in purepki.verify."""

from __future__ import annotations

import datetime
import subprocess
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import pytest

from purepki.asn1.oids import ExtendedKeyUsageOID
from purepki.backend import ENVIRONMENT_VARIABLE, Backend
from purepki.certificate import Certificate, CertificateBuilder
from purepki.errors import BackendNotFound
from purepki.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    ExtendedKeyUsage,
    KeyUsage,
    NameConstraints,
    NetscapeCertType,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
)
from purepki.general_names import DNSName, IPAddress, IPNetwork
from purepki.keys import ECPrivateKey, generate_ec_key
from purepki.name import Name
from purepki.verify import (
    APPLIANCE,
    WEB_PKI,
    CertificatePool,
    Policy,
    Purpose,
    Reason,
    TrustStore,
    VerificationError,
    verify_chain,
)

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 1, 1, tzinfo=UTC)
AT = datetime.datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys() -> list[ECPrivateKey]:
    """Eight P-256 keys shared by the tests of this module."""
    return [generate_ec_key() for _ in range(8)]


def make_cert(
    subject: str,
    key: ECPrivateKey,
    issuer_key: ECPrivateKey,
    issuer: Optional[Certificate] = None,
    *,
    ca: Optional[bool] = True,
    path_length: Optional[int] = None,
    sans: Sequence[Any] = (),
    key_usage: Optional[set[str]] = None,
    eku: Optional[Sequence[str]] = None,
    start: datetime.datetime = START,
    days: int = 365,
    extra: Sequence[tuple[Any, bool]] = (),
    aki: Optional[bytes] = None,
    backend: Any = None,
) -> Certificate:
    """Build and sign a certificate with the web PKI's usual extensions."""
    name = Name.from_rfc4514(subject)
    public = key.public_key()
    builder = (
        CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(public)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
    )
    if ca is not None:
        builder = builder.add_extension(
            BasicConstraints(ca=ca, path_length=path_length), True
        )
    if key_usage is None:
        key_usage = (
            {"key_cert_sign", "crl_sign"} if ca else {"digital_signature"}
        )
    if key_usage:
        builder = builder.add_extension(KeyUsage(frozenset(key_usage)), True)
    if eku is None and not ca:
        eku = (ExtendedKeyUsageOID.SERVER_AUTH,)
    if eku:
        builder = builder.add_extension(ExtendedKeyUsage(tuple(eku)), False)
    ski = SubjectKeyIdentifier.from_public_key(public)
    builder = builder.add_extension(ski, False)
    issuer_ski = SubjectKeyIdentifier.from_public_key(issuer_key.public_key())
    builder = builder.add_extension(
        AuthorityKeyIdentifier(key_identifier=aki or issuer_ski.digest), False
    )
    if sans:
        builder = builder.add_extension(
            SubjectAlternativeName(tuple(sans)), False
        )
    for value, critical in extra:
        builder = builder.add_extension(value, critical)
    return builder.sign(issuer_key, backend=backend)


@pytest.fixture(scope="module")
def chain(
    keys: list[ECPrivateKey],
) -> tuple[Certificate, Certificate, Certificate]:
    """A root, an intermediate and a leaf for www.example.test."""
    root = make_cert("CN=Test Root", keys[0], keys[0])
    intermediate = make_cert(
        "CN=Test Intermediate", keys[1], keys[0], root, path_length=0
    )
    leaf = make_cert(
        "CN=www.example.test",
        keys[2],
        keys[1],
        intermediate,
        ca=False,
        sans=[DNSName("www.example.test"), IPAddress(_ip("192.0.2.25"))],
    )
    return root, intermediate, leaf


def _ip(text: str) -> Any:
    import ipaddress

    return ipaddress.ip_address(text)


def test_chain_verifies(chain: Any, backend: Backend) -> None:
    root, intermediate, leaf = chain
    result = verify_chain(
        leaf,
        [intermediate],
        [root],
        dns_name="www.example.test",
        at=AT,
        backend=backend,
    )
    assert result.chain == (leaf, intermediate, root)
    assert result.anchor == root


def test_explain_lists_each_step(chain: Any, backend: Backend) -> None:
    root, intermediate, leaf = chain
    result = verify_chain(
        leaf,
        [intermediate],
        [root],
        dns_name="www.example.test",
        at=AT,
        backend=backend,
    )
    steps = [check.step for check in result.checks]
    assert "signature" in steps
    assert "validity" in steps
    assert "basicConstraints" in steps
    assert "host name" in steps
    assert all(check.passed for check in result.checks)
    text = result.explain()
    assert "RFC 5280 6.1.3 (a)(1)" in text
    assert "trust anchor" in text


def test_explain_json_has_same_checks(chain: Any, backend: Backend) -> None:
    import json

    root, intermediate, leaf = chain
    result = verify_chain(leaf, [intermediate], [root], at=AT, backend=backend)
    data = json.loads(json.dumps(result.to_json()))
    assert data["valid"] is True
    assert len(data["checks"]) == len(result.checks)
    assert data["chain"][0] == "CN=www.example.test"


def test_missing_intermediate_names_link(chain: Any, backend: Backend) -> None:
    root, _, leaf = chain
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [], [root], at=AT, backend=backend)
    assert caught.value.reason is Reason.NO_ISSUER
    assert "no issuer found for CN=Test Intermediate" in str(caught.value)


def test_intermediates_any_order_duplicates(
    chain: Any, keys: list[ECPrivateKey], backend: Backend
) -> None:
    root, intermediate, leaf = chain
    unrelated = make_cert("CN=Unrelated", keys[5], keys[5])
    pool = [unrelated, intermediate, root, intermediate, leaf]
    result = verify_chain(leaf, pool, [root], at=AT, backend=backend)
    assert result.chain == (leaf, intermediate, root)


def test_host_name_mismatch(chain: Any, backend: Backend) -> None:
    root, intermediate, leaf = chain
    with pytest.raises(VerificationError) as caught:
        verify_chain(
            leaf,
            [intermediate],
            [root],
            dns_name="other.test",
            at=AT,
            backend=backend,
        )
    assert caught.value.reason is Reason.NAME_MISMATCH
    assert caught.value.position == "leaf"


def test_ip_address_matches_san(chain: Any, backend: Backend) -> None:
    root, intermediate, leaf = chain
    result = verify_chain(
        leaf,
        [intermediate],
        [root],
        ip_address="192.0.2.25",
        at=AT,
        backend=backend,
    )
    assert result.chain[0] == leaf


def test_ip_address_not_matched_by_dns(chain: Any, backend: Backend) -> None:
    root, intermediate, leaf = chain
    with pytest.raises(VerificationError):
        verify_chain(
            leaf,
            [intermediate],
            [root],
            ip_address="192.0.2.26",
            at=AT,
            backend=backend,
        )


def test_expired_leaf(chain: Any, backend: Backend) -> None:
    root, intermediate, leaf = chain
    late = START + datetime.timedelta(days=400)
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [intermediate], [root], at=late, backend=backend)
    assert caught.value.reason is Reason.EXPIRED


def test_not_yet_valid(chain: Any, backend: Backend) -> None:
    root, intermediate, leaf = chain
    early = START - datetime.timedelta(days=1)
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [intermediate], [root], at=early, backend=backend)
    assert caught.value.reason is Reason.NOT_YET_VALID


def test_naive_validation_time_rejected(chain: Any) -> None:
    root, intermediate, leaf = chain
    with pytest.raises(ValueError, match="time zone"):
        verify_chain(
            leaf, [intermediate], [root], at=datetime.datetime(2026, 6, 1)
        )


def test_untrusted_root_fails(
    chain: Any, keys: list[ECPrivateKey], backend: Backend
) -> None:
    root, intermediate, leaf = chain
    other = make_cert("CN=Other Root", keys[6], keys[6])
    with pytest.raises(VerificationError) as caught:
        verify_chain(
            leaf, [intermediate, root], [other], at=AT, backend=backend
        )
    assert caught.value.reason is Reason.NO_ISSUER


def test_pinned_leaf_is_anchor(chain: Any, backend: Backend) -> None:
    _, _, leaf = chain
    result = verify_chain(leaf, [], [leaf], at=AT, backend=backend)
    assert result.chain == (leaf,)


def test_pinned_intermediate_is_anchor(chain: Any, backend: Backend) -> None:
    _, intermediate, leaf = chain
    result = verify_chain(leaf, [], [intermediate], at=AT, backend=backend)
    assert result.chain == (leaf, intermediate)


def test_key_rotation_same_subject(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    old = make_cert("CN=Rotating CA", keys[3], keys[3])
    new = make_cert("CN=Rotating CA", keys[4], keys[4])
    leaf = make_cert(
        "CN=rotated.example.test",
        keys[2],
        keys[4],
        new,
        ca=False,
        sans=[DNSName("rotated.example.test")],
    )
    result = verify_chain(leaf, [], [old, new], at=AT, backend=backend)
    assert result.anchor == new


def test_key_rotation_wrong_aki_warns(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    old = make_cert("CN=Rotating CA", keys[3], keys[3])
    new = make_cert("CN=Rotating CA", keys[4], keys[4])
    wrong = SubjectKeyIdentifier.from_public_key(keys[3].public_key()).digest
    leaf = make_cert(
        "CN=rotated.example.test",
        keys[2],
        keys[4],
        new,
        ca=False,
        sans=[DNSName("rotated.example.test")],
        aki=wrong,
    )
    result = verify_chain(leaf, [], [old, new], at=AT, backend=backend)
    assert result.anchor == new
    assert any("differs" in warning for warning in result.warnings)


def test_expired_cross_sign_beside_root(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    old_root = make_cert("CN=Old Root", keys[5], keys[5])
    root = make_cert("CN=New Root", keys[0], keys[0])
    expired_cross = make_cert(
        "CN=New Root",
        keys[0],
        keys[5],
        old_root,
        start=START - datetime.timedelta(days=800),
    )
    intermediate = make_cert("CN=Issuing CA", keys[1], keys[0], root)
    leaf = make_cert(
        "CN=cross.example.test",
        keys[2],
        keys[1],
        intermediate,
        ca=False,
        sans=[DNSName("cross.example.test")],
    )
    result = verify_chain(
        leaf,
        [expired_cross, intermediate],
        [old_root, root],
        at=AT,
        backend=backend,
    )
    assert result.anchor == root


def test_cross_signed_root_reaches_old_anchor(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    old_root = make_cert("CN=Old Root", keys[5], keys[5])
    cross = make_cert("CN=New Root", keys[0], keys[5], old_root)
    intermediate = make_cert("CN=Issuing CA", keys[1], keys[0], cross)
    leaf = make_cert(
        "CN=cross.example.test",
        keys[2],
        keys[1],
        intermediate,
        ca=False,
        sans=[DNSName("cross.example.test")],
    )
    result = verify_chain(
        leaf, [intermediate, cross], [old_root], at=AT, backend=backend
    )
    assert result.chain[-1] == old_root
    assert len(result.chain) == 4


def test_intermediate_without_basic_constraints(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=Test Root", keys[0], keys[0])
    intermediate = make_cert(
        "CN=Bare Intermediate",
        keys[1],
        keys[0],
        root,
        ca=None,
        key_usage=set(),
    )
    leaf = make_cert(
        "CN=bare.example.test",
        keys[2],
        keys[1],
        intermediate,
        ca=False,
        sans=[DNSName("bare.example.test")],
    )
    for policy in (WEB_PKI, APPLIANCE):
        with pytest.raises(VerificationError) as caught:
            verify_chain(
                leaf,
                [intermediate],
                [root],
                at=AT,
                policy=policy,
                backend=backend,
            )
        assert caught.value.reason is Reason.NOT_A_CA
        assert "issuer CN=Bare Intermediate is not a CA" in str(caught.value)


def test_path_length_exceeded(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=Test Root", keys[0], keys[0])
    first = make_cert("CN=First CA", keys[1], keys[0], root, path_length=0)
    second = make_cert("CN=Second CA", keys[3], keys[1], first)
    leaf = make_cert(
        "CN=deep.example.test",
        keys[2],
        keys[3],
        second,
        ca=False,
        sans=[DNSName("deep.example.test")],
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [first, second], [root], at=AT, backend=backend)
    assert caught.value.reason is Reason.PATH_LENGTH
    assert caught.value.position == "intermediate 2"


def test_max_depth_limits_chain(chain: Any, backend: Backend) -> None:
    root, intermediate, leaf = chain
    with pytest.raises(VerificationError):
        verify_chain(
            leaf, [intermediate], [root], at=AT, max_depth=0, backend=backend
        )


def test_issuer_without_key_cert_sign(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=Test Root", keys[0], keys[0])
    intermediate = make_cert(
        "CN=No Sign CA", keys[1], keys[0], root, key_usage={"crl_sign"}
    )
    leaf = make_cert(
        "CN=nosign.example.test",
        keys[2],
        keys[1],
        intermediate,
        ca=False,
        sans=[DNSName("nosign.example.test")],
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [intermediate], [root], at=AT, backend=backend)
    assert caught.value.reason is Reason.KEY_USAGE


def test_unknown_critical_extension(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    from purepki.extensions import UnrecognizedExtension

    root = make_cert("CN=Test Root", keys[0], keys[0])
    strange = UnrecognizedExtension("1.3.6.1.4.1.55738.666.1", b"\x05\x00")
    leaf = make_cert(
        "CN=strange.example.test",
        keys[2],
        keys[0],
        root,
        ca=False,
        sans=[DNSName("strange.example.test")],
        extra=[(strange, True)],
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [], [root], at=AT, backend=backend)
    assert caught.value.reason is Reason.UNKNOWN_CRITICAL_EXTENSION


def test_client_purpose_needs_client_auth(
    chain: Any, backend: Backend
) -> None:
    root, intermediate, leaf = chain
    with pytest.raises(VerificationError) as caught:
        verify_chain(
            leaf,
            [intermediate],
            [root],
            purpose=Purpose.CLIENT,
            at=AT,
            backend=backend,
        )
    assert caught.value.reason is Reason.EXTENDED_KEY_USAGE


def test_issuer_eku_must_allow_purpose(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=Test Root", keys[0], keys[0])
    mail_ca = make_cert(
        "CN=Mail CA",
        keys[1],
        keys[0],
        root,
        eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION],
    )
    leaf = make_cert(
        "CN=mail.example.test",
        keys[2],
        keys[1],
        mail_ca,
        ca=False,
        sans=[DNSName("mail.example.test")],
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [mail_ca], [root], at=AT, backend=backend)
    assert caught.value.reason is Reason.EXTENDED_KEY_USAGE


def test_netscape_type_without_ssl_server(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=Test Root", keys[0], keys[0])
    client_only = NetscapeCertType(frozenset({"ssl_client"}))
    leaf = make_cert(
        "CN=ns.example.test",
        keys[2],
        keys[0],
        root,
        ca=False,
        sans=[DNSName("ns.example.test")],
        extra=[(client_only, False)],
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(
            leaf, [], [root], at=AT, policy=APPLIANCE, backend=backend
        )
    assert caught.value.reason is Reason.NETSCAPE_CERT_TYPE


def test_key_usage_for_server(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=Test Root", keys[0], keys[0])
    leaf = make_cert(
        "CN=ku.example.test",
        keys[2],
        keys[0],
        root,
        ca=False,
        sans=[DNSName("ku.example.test")],
        key_usage={"content_commitment"},
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(
            leaf, [], [root], at=AT, policy=APPLIANCE, backend=backend
        )
    assert caught.value.reason is Reason.KEY_USAGE


def test_common_name_fallback_only_in_appliance(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=Test Root", keys[0], keys[0])
    leaf = make_cert(
        "CN=cn-only.example.test", keys[2], keys[0], root, ca=False
    )
    result = verify_chain(
        leaf,
        [],
        [root],
        dns_name="cn-only.example.test",
        at=AT,
        policy=APPLIANCE,
        backend=backend,
    )
    assert result.chain[0] == leaf
    with pytest.raises(VerificationError) as caught:
        verify_chain(
            leaf,
            [],
            [root],
            dns_name="cn-only.example.test",
            at=AT,
            policy=WEB_PKI,
            backend=backend,
        )
    assert caught.value.reason is Reason.NAME_MISMATCH


@pytest.mark.parametrize(
    ("presented", "reference", "expected"),
    [
        ("*.example.test", "a.example.test", True),
        ("*.example.test", "a.b.example.test", False),
        ("*.example.test", "example.test", False),
        ("f*o.example.test", "foo.example.test", False),
        ("WWW.Example.TEST", "www.example.test", True),
        ("www.example.test", "www.example.test.", True),
        ("*.test", "a.test", False),
    ],
)
def test_dns_matching(presented: str, reference: str, expected: bool) -> None:
    from purepki.verify.names import dns_matches

    assert dns_matches(presented, reference) is expected


def _constrained_chain(
    keys: list[ECPrivateKey], constraints: NameConstraints, sans: list[Any]
) -> tuple[Certificate, Certificate, Certificate]:
    root = make_cert("CN=Test Root", keys[0], keys[0])
    intermediate = make_cert(
        "CN=Constrained CA",
        keys[1],
        keys[0],
        root,
        extra=[(constraints, True)],
    )
    leaf = make_cert(
        "CN=nc.example.test",
        keys[2],
        keys[1],
        intermediate,
        ca=False,
        sans=sans,
    )
    return root, intermediate, leaf


def test_name_constraints_permit(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    constraints = NameConstraints(
        permitted=(DNSName("example.test"),), excluded=()
    )
    root, intermediate, leaf = _constrained_chain(
        keys, constraints, [DNSName("nc.example.test")]
    )
    result = verify_chain(leaf, [intermediate], [root], at=AT, backend=backend)
    assert result.chain[0] == leaf


def test_name_constraints_reject_outside(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    constraints = NameConstraints(
        permitted=(DNSName("example.test"),), excluded=()
    )
    root, intermediate, leaf = _constrained_chain(
        keys,
        constraints,
        [DNSName("nc.example.test"), DNSName("evil.invalid")],
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [intermediate], [root], at=AT, backend=backend)
    assert caught.value.reason is Reason.NAME_CONSTRAINTS


def test_name_constraints_excluded_wildcard(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    constraints = NameConstraints(
        permitted=(), excluded=(DNSName("bar.example.test"),)
    )
    root, intermediate, leaf = _constrained_chain(
        keys, constraints, [DNSName("*.example.test")]
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [intermediate], [root], at=AT, backend=backend)
    assert caught.value.reason is Reason.NAME_CONSTRAINTS


def test_name_constraints_ip(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    import ipaddress

    constraints = NameConstraints(
        permitted=(IPNetwork(ipaddress.ip_network("192.0.2.0/24")),),
        excluded=(),
    )
    root, intermediate, leaf = _constrained_chain(
        keys, constraints, [IPAddress(_ip("198.51.100.1"))]
    )
    with pytest.raises(VerificationError) as caught:
        verify_chain(leaf, [intermediate], [root], at=AT, backend=backend)
    assert caught.value.reason is Reason.NAME_CONSTRAINTS


def test_large_pool_of_unrelated(
    chain: Any, keys: list[ECPrivateKey], backend: Backend
) -> None:
    root, intermediate, leaf = chain
    filler = make_cert("CN=Filler", keys[7], keys[7])
    pool = CertificatePool([filler, intermediate])
    store = TrustStore([root])
    result = verify_chain(leaf, pool, store, at=AT, backend=backend)
    assert result.chain == (leaf, intermediate, root)


def test_signature_budget_ends_search(
    keys: list[ECPrivateKey], backend: Backend
) -> None:
    root = make_cert("CN=Loop Root", keys[0], keys[0])
    # Many certificates share the issuer's subject but none has its key.
    impostors = [
        make_cert(
            "CN=Loop CA",
            keys[3 + i % 4],
            keys[3 + i % 4],
            start=START + datetime.timedelta(seconds=i),
        )
        for i in range(12)
    ]
    real = make_cert("CN=Loop CA", keys[1], keys[0], root)
    leaf = make_cert(
        "CN=loop.example.test",
        keys[2],
        keys[1],
        real,
        ca=False,
        sans=[DNSName("loop.example.test")],
    )
    tight = Policy(name="tight", signature_budget=3)
    with pytest.raises(VerificationError) as caught:
        verify_chain(
            leaf, impostors, [root], at=AT, policy=tight, backend=backend
        )
    assert caught.value.reason in (
        Reason.BUDGET,
        Reason.NO_ISSUER,
        Reason.SIGNATURE,
    )


def _openssl_sha1_chain(tmp: Path) -> tuple[bytes, bytes]:
    """Make a root and a leaf signed with SHA-1 by the openssl command."""

    def run(*args: str) -> None:
        subprocess.run(
            ["openssl", *args], check=True, capture_output=True, cwd=tmp
        )

    run(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "root.key",
        "-out",
        "root.pem",
        "-subj",
        "/CN=SHA1 Root",
        "-days",
        "3650",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    run(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=sha1.example.test",
    )
    (tmp / "ext.cnf").write_text(
        "subjectAltName=DNS:sha1.example.test\n"
        "extendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\n"
    )
    run(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "root.pem",
        "-CAkey",
        "root.key",
        "-CAcreateserial",
        "-sha1",
        "-days",
        "30",
        "-out",
        "leaf.pem",
        "-extfile",
        "ext.cnf",
    )
    return (tmp / "root.pem").read_bytes(), (tmp / "leaf.pem").read_bytes()


def test_sha1_rejected_unless_allowed(
    openssl: str, tmp_path: Path, backend: Backend
) -> None:
    root_pem, leaf_pem = _openssl_sha1_chain(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root = Certificate.from_pem(root_pem)
        leaf = Certificate.from_pem(leaf_pem)
    for policy in (WEB_PKI, APPLIANCE):
        with pytest.raises(VerificationError) as caught:
            verify_chain(leaf, [], [root], policy=policy, backend=backend)
        assert caught.value.reason is Reason.WEAK_ALGORITHM
    result = verify_chain(
        leaf, [], [root], policy=APPLIANCE.with_sha1(), backend=backend
    )
    assert result.chain == (leaf, root)


# --- Backend that is not installed -------------------------------------------
#
# A signature check that cannot run must raise, never read as a signature
# that does not verify: the search would then reject every issuer, or
# accept a leaf pinned in the trust store.


def test_unknown_backend_argument_raises(chain: Any) -> None:
    root, intermediate, leaf = chain
    with pytest.raises(BackendNotFound, match="'nope'"):
        verify_chain(leaf, [intermediate], [root], at=AT, backend="nope")


def test_unknown_backend_variable_raises(
    chain: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, intermediate, leaf = chain
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "nope")
    with pytest.raises(BackendNotFound):
        verify_chain(leaf, [intermediate], [root], at=AT)


def test_unknown_backend_with_pinned_leaf_raises(chain: Any) -> None:
    _, _, leaf = chain
    with pytest.raises(BackendNotFound):
        verify_chain(leaf, [], [leaf], at=AT, backend="nope")
