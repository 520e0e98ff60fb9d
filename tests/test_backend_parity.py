"""The cryptography backend next to the pure one: the same signature bytes
where the scheme is deterministic, each verifying the other's signatures,
the same rejections, and generated keys that OpenSSL accepts.

The whole module is skipped when the purepki-cryptography distribution
(backends/cryptography) is not installed.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

import pytest

from purepki.algorithms import (
    ECDSA_SHA256,
    ECDSA_SHA384,
    ECDSA_SHA512,
    RSA_PKCS1_SHA256,
    RSA_PSS_SHA256,
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.backend import (
    ENVIRONMENT_VARIABLE,
    Backend,
    available_backends,
    get_backend,
    use_backend,
)
from purepki.curves import P256, P384, P521, Curve, curve_from_name
from purepki.errors import (
    InvalidSignature,
    KeyFormatError,
    PurePKIError,
    UnsupportedAlgorithm,
    UnsupportedReason,
)
from purepki.keys import (
    ECPrivateKey,
    ECPublicKey,
    PrivateFormat,
    RSAPrivateKey,
    generate_ec_key,
    generate_rsa_key,
    load_private_key,
    load_public_key,
)
from purepki.signatures import (
    decode_ecdsa_signature,
    encode_ecdsa_signature,
)

purepki_cryptography = pytest.importorskip("purepki_cryptography")

MESSAGE = b"a message signed by both backends"


def pss(
    hash_algorithm: HashAlgorithm,
    salt_length: Optional[int] = None,
    mgf_hash: Optional[HashAlgorithm] = None,
) -> SignatureAlgorithm:
    return SignatureAlgorithm(
        SignatureScheme.RSA_PSS,
        hash_algorithm,
        salt_length=salt_length,
        mgf_hash=mgf_hash,
    )


def pkcs1(hash_algorithm: HashAlgorithm) -> SignatureAlgorithm:
    return SignatureAlgorithm(SignatureScheme.RSA_PKCS1V15, hash_algorithm)


def ecdsa(hash_algorithm: HashAlgorithm) -> SignatureAlgorithm:
    return SignatureAlgorithm(SignatureScheme.ECDSA, hash_algorithm)


@dataclass(frozen=True)
class Rfc6979Vector:
    """A published deterministic ECDSA signature of the message "sample"."""

    curve: Curve
    algorithm: SignatureAlgorithm
    secret: int
    x: int
    y: int
    r: int
    s: int


# RFC 6979 appendix A.2.5 (P-256) and A.2.6 (P-384).
RFC6979_SAMPLE = {
    "P-256-SHA-256": Rfc6979Vector(
        P256,
        ECDSA_SHA256,
        secret=int(
            "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
            16,
        ),
        x=int(
            "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
            16,
        ),
        y=int(
            "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
            16,
        ),
        r=int(
            "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
            16,
        ),
        s=int(
            "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
            16,
        ),
    ),
    "P-384-SHA-384": Rfc6979Vector(
        P384,
        ECDSA_SHA384,
        secret=int(
            "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA"
            "9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
            16,
        ),
        x=int(
            "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E"
            "06AAE5286B300C64DEF8F0EA9055866064A254515480BC13",
            16,
        ),
        y=int(
            "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9"
            "F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720",
            16,
        ),
        r=int(
            "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA7"
            "3D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
            16,
        ),
        s=int(
            "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526"
            "203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8",
            16,
        ),
    ),
}

RSA_SIGNING_ALGORITHMS = {
    "pkcs1-sha224": pkcs1(HashAlgorithm.SHA224),
    "pkcs1-sha256": RSA_PKCS1_SHA256,
    "pkcs1-sha384": pkcs1(HashAlgorithm.SHA384),
    "pkcs1-sha512": pkcs1(HashAlgorithm.SHA512),
    "pss-sha256": RSA_PSS_SHA256,
    "pss-sha256-salt0": pss(HashAlgorithm.SHA256, salt_length=0),
    "pss-sha256-salt20": pss(HashAlgorithm.SHA256, salt_length=20),
    "pss-sha256-mgf1-sha512": pss(
        HashAlgorithm.SHA256, mgf_hash=HashAlgorithm.SHA512
    ),
    "pss-sha384": pss(HashAlgorithm.SHA384),
    "pss-sha512": pss(HashAlgorithm.SHA512),
}

PKCS1_ALGORITHMS = {
    name: algorithm
    for name, algorithm in RSA_SIGNING_ALGORITHMS.items()
    if algorithm.scheme is SignatureScheme.RSA_PKCS1V15
}

ECDSA_HASHES = {
    "sha256": ECDSA_SHA256,
    "sha384": ECDSA_SHA384,
    "sha512": ECDSA_SHA512,
}


@pytest.fixture(scope="module")
def native() -> Backend:
    """The cryptography backend, the one every other backend is compared
    with."""
    return get_backend("cryptography")


@pytest.fixture(scope="module")
def rsa_key() -> RSAPrivateKey:
    return generate_rsa_key(2048, backend="cryptography")


@pytest.fixture(scope="module")
def odd_rsa_key() -> RSAPrivateKey:
    """A 2049-bit key: its PSS encoding is one octet shorter than the
    modulus (RFC 8017 section 9.1.1, emLen for emBits = 2048)."""
    return get_backend("cryptography").generate_rsa_key(2049, 65537)


@pytest.fixture(scope="module", params=[P256, P384], ids=["P-256", "P-384"])
def ec_key(request: pytest.FixtureRequest) -> ECPrivateKey:
    curve: Curve = request.param
    return generate_ec_key(curve, backend="cryptography")


@pytest.fixture(scope="module", params=["RSA-2048", "P-256", "P-384"])
def generated_key(
    request: pytest.FixtureRequest, rsa_key: RSAPrivateKey
) -> Union[RSAPrivateKey, ECPrivateKey]:
    """Each kind of key the cryptography backend generates for purepki."""
    if request.param == "RSA-2048":
        return rsa_key
    curve = curve_from_name(request.param)
    return generate_ec_key(curve, backend="cryptography")


@pytest.fixture(scope="module")
def p521_key() -> ECPrivateKey:
    # purepki signs only on P-256 and P-384, so the backend is called
    # directly to make a P-521 key and its signatures.
    return get_backend("cryptography").generate_ec_key(P521)


@pytest.fixture()
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)


# --- Selecting the backend -------------------------------------------------


def test_cryptography_listed() -> None:
    assert "cryptography" in available_backends()


def test_name_selects_cryptography() -> None:
    backend = get_backend("cryptography")
    assert isinstance(backend, purepki_cryptography.CryptographyBackend)
    assert backend.name == "cryptography"


def test_environment_selects_cryptography(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "cryptography")
    backend = get_backend()
    assert isinstance(backend, purepki_cryptography.CryptographyBackend)
    assert backend is get_backend("cryptography")


def test_use_backend_selects_cryptography(no_environment: None) -> None:
    with use_backend("cryptography") as active:
        assert isinstance(active, purepki_cryptography.CryptographyBackend)
        assert get_backend() is active
    assert get_backend().name == "pure"


def test_backend_implements_protocol(native: Backend) -> None:
    assert isinstance(native, Backend)


# --- Deterministic signatures: the same bytes ------------------------------


@pytest.mark.parametrize(
    "vector", RFC6979_SAMPLE.values(), ids=list(RFC6979_SAMPLE)
)
def test_rfc6979_public_point(backend: Backend, vector: Rfc6979Vector) -> None:
    point = backend.ec_public_point(vector.curve, vector.secret)
    assert point == (vector.x, vector.y)


@pytest.mark.parametrize(
    "vector", RFC6979_SAMPLE.values(), ids=list(RFC6979_SAMPLE)
)
def test_rfc6979_sample_signature(
    backend: Backend, vector: Rfc6979Vector
) -> None:
    key = ECPrivateKey(vector.curve, vector.secret, vector.x, vector.y)
    signature = key.sign(b"sample", vector.algorithm, backend=backend)
    assert signature == encode_ecdsa_signature(vector.r, vector.s)


@pytest.mark.parametrize(
    "algorithm", ECDSA_HASHES.values(), ids=list(ECDSA_HASHES)
)
def test_ecdsa_same_bytes(
    backend: Backend,
    native: Backend,
    ec_key: ECPrivateKey,
    algorithm: SignatureAlgorithm,
) -> None:
    for data in (b"", MESSAGE, bytes(range(256)) * 40):
        ours = ec_key.sign(data, algorithm, backend=backend)
        theirs = ec_key.sign(data, algorithm, backend=native)
        assert ours == theirs


def test_ecdsa_sha1_same_bytes(
    backend: Backend, native: Backend, ec_key: ECPrivateKey
) -> None:
    # purepki's key API does not sign with SHA-1, but both backends can,
    # and RFC 6979 fixes the nonce for it too.
    algorithm = ecdsa(HashAlgorithm.SHA1)
    ours = backend.sign(ec_key, MESSAGE, algorithm)
    assert ours == native.sign(ec_key, MESSAGE, algorithm)


def test_p521_same_bytes(
    backend: Backend, native: Backend, p521_key: ECPrivateKey
) -> None:
    ours = backend.sign(p521_key, MESSAGE, ECDSA_SHA512)
    assert ours == native.sign(p521_key, MESSAGE, ECDSA_SHA512)


@pytest.mark.parametrize(
    "algorithm", PKCS1_ALGORITHMS.values(), ids=list(PKCS1_ALGORITHMS)
)
def test_rsa_pkcs1_same_bytes(
    backend: Backend,
    native: Backend,
    rsa_key: RSAPrivateKey,
    algorithm: SignatureAlgorithm,
) -> None:
    ours = rsa_key.sign(MESSAGE, algorithm, backend=backend)
    assert ours == rsa_key.sign(MESSAGE, algorithm, backend=native)


@pytest.mark.parametrize("curve", [P256, P384, P521], ids=lambda c: c.name)
def test_ec_public_point_same(
    backend: Backend, native: Backend, curve: Curve
) -> None:
    for secret in (1, 2, 3, curve.n // 3, curve.n - 2, curve.n - 1):
        ours = backend.ec_public_point(curve, secret)
        assert ours == native.ec_public_point(curve, secret)


# --- Each backend verifies the other's signatures --------------------------


@pytest.mark.parametrize(
    "algorithm",
    RSA_SIGNING_ALGORITHMS.values(),
    ids=list(RSA_SIGNING_ALGORITHMS),
)
def test_rsa_cross_verify(
    backend: Backend,
    native: Backend,
    rsa_key: RSAPrivateKey,
    algorithm: SignatureAlgorithm,
) -> None:
    public = rsa_key.public_key()
    ours = rsa_key.sign(MESSAGE, algorithm, backend=backend)
    theirs = rsa_key.sign(MESSAGE, algorithm, backend=native)
    public.verify(ours, MESSAGE, algorithm, backend=native)
    public.verify(theirs, MESSAGE, algorithm, backend=backend)


@pytest.mark.parametrize(
    "algorithm",
    [RSA_PSS_SHA256, pss(HashAlgorithm.SHA512, salt_length=0)],
    ids=["sha256", "sha512-salt0"],
)
def test_pss_odd_modulus_cross_verify(
    backend: Backend,
    native: Backend,
    odd_rsa_key: RSAPrivateKey,
    algorithm: SignatureAlgorithm,
) -> None:
    public = odd_rsa_key.public_key()
    ours = odd_rsa_key.sign(MESSAGE, algorithm, backend=backend)
    theirs = odd_rsa_key.sign(MESSAGE, algorithm, backend=native)
    public.verify(ours, MESSAGE, algorithm, backend=native)
    public.verify(theirs, MESSAGE, algorithm, backend=backend)


@pytest.mark.parametrize(
    "algorithm", ECDSA_HASHES.values(), ids=list(ECDSA_HASHES)
)
def test_ecdsa_cross_verify(
    backend: Backend,
    native: Backend,
    ec_key: ECPrivateKey,
    algorithm: SignatureAlgorithm,
) -> None:
    public = ec_key.public_key()
    ours = ec_key.sign(MESSAGE, algorithm, backend=backend)
    theirs = ec_key.sign(MESSAGE, algorithm, backend=native)
    public.verify(ours, MESSAGE, algorithm, backend=native)
    public.verify(theirs, MESSAGE, algorithm, backend=backend)


def test_p521_cross_verify(
    backend: Backend, native: Backend, p521_key: ECPrivateKey
) -> None:
    public = p521_key.public_key()
    ours = backend.sign(p521_key, MESSAGE, ECDSA_SHA512)
    theirs = native.sign(p521_key, MESSAGE, ECDSA_SHA512)
    public.verify(ours, MESSAGE, backend=native)
    public.verify(theirs, MESSAGE, backend=backend)


def test_rsa_sha1_cross_verify(
    backend: Backend, native: Backend, rsa_key: RSAPrivateKey
) -> None:
    # purepki verifies SHA-1 signatures of old certificates but does not
    # make them, so the backends are called directly to sign.
    algorithm = pkcs1(HashAlgorithm.SHA1)
    public = rsa_key.public_key()
    ours = backend.sign(rsa_key, MESSAGE, algorithm)
    theirs = native.sign(rsa_key, MESSAGE, algorithm)
    assert ours == theirs
    public.verify(ours, MESSAGE, algorithm, backend=native)
    public.verify(theirs, MESSAGE, algorithm, backend=backend)


def test_ecdsa_sha1_cross_verify(
    backend: Backend, native: Backend, ec_key: ECPrivateKey
) -> None:
    algorithm = ecdsa(HashAlgorithm.SHA1)
    public = ec_key.public_key()
    ours = backend.sign(ec_key, MESSAGE, algorithm)
    theirs = native.sign(ec_key, MESSAGE, algorithm)
    public.verify(ours, MESSAGE, algorithm, backend=native)
    public.verify(theirs, MESSAGE, algorithm, backend=backend)


def test_ecdsa_high_s_twin_accepted(
    backend: Backend, native: Backend, ec_key: ECPrivateKey
) -> None:
    # ECDSA verification uses only the x coordinate of R, so (r, n - s)
    # is valid whenever (r, s) is. X.509 has no low-s rule.
    public = ec_key.public_key()
    signature = ec_key.sign(MESSAGE, backend=native)
    r, s = _ecdsa_numbers(signature, public)
    twin = encode_ecdsa_signature(r, ec_key.curve.n - s)
    public.verify(twin, MESSAGE, backend=backend)


# --- Both backends reject the same signatures ------------------------------


def _ecdsa_numbers(signature: bytes, key: ECPublicKey) -> tuple[int, int]:
    return decode_ecdsa_signature(signature, key.curve.n)


def _der_integer(value: int, padding: bytes = b"") -> bytes:
    content = padding + value.to_bytes(value.bit_length() // 8 + 1, "big")
    return b"\x02" + bytes([len(content)]) + content


def _pad_r(signature: bytes, key: ECPublicKey) -> bytes:
    # r with a superfluous leading zero octet (X.690 section 8.3.2).
    r, s = _ecdsa_numbers(signature, key)
    body = _der_integer(r, padding=b"\x00") + _der_integer(s)
    return b"\x30" + bytes([len(body)]) + body


def _long_form_length(signature: bytes, key: ECPublicKey) -> bytes:
    # The sequence length in two octets where one suffices (X.690
    # section 10.1).
    return b"\x30\x81" + signature[1:]


def _raw_r_s(signature: bytes, key: ECPublicKey) -> bytes:
    # The fixed-length r || s form of IEEE P1363, which X.509 does not use.
    r, s = _ecdsa_numbers(signature, key)
    size = key.curve.coordinate_size
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _replace_numbers(
    replace: Callable[[int, int, int], tuple[int, int]],
) -> Callable[[bytes, ECPublicKey], bytes]:
    """Make a mutation that re-encodes (r, s) as replace(r, s, n)."""

    def mutate(signature: bytes, key: ECPublicKey) -> bytes:
        r, s = _ecdsa_numbers(signature, key)
        return encode_ecdsa_signature(*replace(r, s, key.curve.n))

    return mutate


EcdsaMutation = Callable[[bytes, ECPublicKey], bytes]

ENCODING = InvalidSignature.ENCODING
NO_MATCH = InvalidSignature.MESSAGE

ECDSA_MALFORMED: dict[str, tuple[EcdsaMutation, str]] = {
    "empty": (lambda sig, key: b"", ENCODING),
    "truncated": (lambda sig, key: sig[:-1], ENCODING),
    "trailing-byte": (lambda sig, key: sig + b"\x00", ENCODING),
    "padded-r": (_pad_r, ENCODING),
    "long-form-length": (_long_form_length, ENCODING),
    "raw-r-s": (_raw_r_s, ENCODING),
    "r-zero": (_replace_numbers(lambda r, s, n: (0, s)), ENCODING),
    "s-equals-n": (_replace_numbers(lambda r, s, n: (r, n)), ENCODING),
    "r-plus-n": (_replace_numbers(lambda r, s, n: (r + n, s)), ENCODING),
    "r-bit-flipped": (_replace_numbers(lambda r, s, n: (r ^ 1, s)), NO_MATCH),
    "s-bit-flipped": (_replace_numbers(lambda r, s, n: (r, s ^ 1)), NO_MATCH),
    "r-s-swapped": (_replace_numbers(lambda r, s, n: (s, r)), NO_MATCH),
    "s-one": (_replace_numbers(lambda r, s, n: (r, 1)), NO_MATCH),
    "r-one": (_replace_numbers(lambda r, s, n: (1, s)), NO_MATCH),
}


@pytest.mark.parametrize(
    ("mutate", "message"), ECDSA_MALFORMED.values(), ids=list(ECDSA_MALFORMED)
)
def test_ecdsa_malformed_rejected(
    backend: Backend,
    native: Backend,
    ec_key: ECPrivateKey,
    mutate: EcdsaMutation,
    message: str,
) -> None:
    public = ec_key.public_key()
    signature = mutate(ec_key.sign(MESSAGE, backend=native), public)
    with pytest.raises(InvalidSignature) as caught:
        public.verify(signature, MESSAGE, backend=backend)
    assert str(caught.value) == message


def test_ecdsa_other_message_rejected(
    backend: Backend, native: Backend, ec_key: ECPrivateKey
) -> None:
    signature = ec_key.sign(MESSAGE, backend=native)
    with pytest.raises(InvalidSignature) as caught:
        ec_key.public_key().verify(signature, MESSAGE + b".", backend=backend)
    assert str(caught.value) == InvalidSignature.MESSAGE


def test_ecdsa_other_hash_rejected(
    backend: Backend, native: Backend, ec_key: ECPrivateKey
) -> None:
    signature = ec_key.sign(MESSAGE, ECDSA_SHA256, backend=native)
    with pytest.raises(InvalidSignature):
        ec_key.public_key().verify(
            signature, MESSAGE, ECDSA_SHA512, backend=backend
        )


@pytest.mark.parametrize(
    "signature",
    [b"", b"\x30", b"\x30\x00", b"\x02\x01\x01", b"\xff" * 72],
    ids=["empty", "sequence-tag", "empty-sequence", "integer", "ff"],
)
def test_backend_verify_garbage_ecdsa(
    backend: Backend, ec_key: ECPrivateKey, signature: bytes
) -> None:
    # The backend itself, without purepki's DER check in front of it.
    with pytest.raises(InvalidSignature):
        backend.verify(ec_key.public_key(), signature, MESSAGE, ECDSA_SHA256)


RsaMutation = Callable[[bytes, int], bytes]

RSA_MALFORMED: dict[str, tuple[RsaMutation, str]] = {
    "one-byte-short": (lambda sig, n: sig[1:], InvalidSignature.ENCODING),
    "one-byte-long": (
        lambda sig, n: b"\x00" + sig,
        InvalidSignature.ENCODING,
    ),
    "zero": (lambda sig, n: bytes(len(sig)), InvalidSignature.MESSAGE),
    "one": (
        lambda sig, n: (1).to_bytes(len(sig), "big"),
        InvalidSignature.MESSAGE,
    ),
    "n-minus-one": (
        lambda sig, n: (n - 1).to_bytes(len(sig), "big"),
        InvalidSignature.MESSAGE,
    ),
    "equals-n": (
        lambda sig, n: n.to_bytes(len(sig), "big"),
        InvalidSignature.MESSAGE,
    ),
    "all-ones": (lambda sig, n: b"\xff" * len(sig), InvalidSignature.MESSAGE),
    "last-bit-flipped": (
        lambda sig, n: sig[:-1] + bytes([sig[-1] ^ 1]),
        InvalidSignature.MESSAGE,
    ),
    "first-bit-flipped": (
        lambda sig, n: bytes([sig[0] ^ 0x40]) + sig[1:],
        InvalidSignature.MESSAGE,
    ),
}


@pytest.mark.parametrize(
    "algorithm",
    [RSA_PKCS1_SHA256, RSA_PSS_SHA256],
    ids=["pkcs1", "pss"],
)
@pytest.mark.parametrize(
    ("mutate", "message"), RSA_MALFORMED.values(), ids=list(RSA_MALFORMED)
)
def test_rsa_malformed_rejected(
    backend: Backend,
    native: Backend,
    rsa_key: RSAPrivateKey,
    algorithm: SignatureAlgorithm,
    mutate: RsaMutation,
    message: str,
) -> None:
    signature = rsa_key.sign(MESSAGE, algorithm, backend=native)
    bad = mutate(signature, rsa_key.n)
    with pytest.raises(InvalidSignature) as caught:
        rsa_key.public_key().verify(bad, MESSAGE, algorithm, backend=backend)
    assert str(caught.value) == message


# Pairs of (algorithm signed with, algorithm verified with) that differ.
RSA_MISMATCHED = {
    "pkcs1-as-pss": (RSA_PKCS1_SHA256, RSA_PSS_SHA256),
    "pss-as-pkcs1": (RSA_PSS_SHA256, RSA_PKCS1_SHA256),
    "pkcs1-other-hash": (RSA_PKCS1_SHA256, pkcs1(HashAlgorithm.SHA384)),
    "pss-other-hash": (RSA_PSS_SHA256, pss(HashAlgorithm.SHA384)),
    "pss-shorter-salt": (
        RSA_PSS_SHA256,
        pss(HashAlgorithm.SHA256, salt_length=20),
    ),
    "pss-longer-salt": (
        pss(HashAlgorithm.SHA256, salt_length=20),
        RSA_PSS_SHA256,
    ),
    "pss-no-salt": (RSA_PSS_SHA256, pss(HashAlgorithm.SHA256, salt_length=0)),
    "pss-other-mgf1-hash": (
        RSA_PSS_SHA256,
        pss(HashAlgorithm.SHA256, mgf_hash=HashAlgorithm.SHA384),
    ),
    "pss-salt-too-long-for-key": (
        RSA_PSS_SHA256,
        pss(HashAlgorithm.SHA256, salt_length=300),
    ),
}


@pytest.mark.parametrize(
    ("signed", "verified"), RSA_MISMATCHED.values(), ids=list(RSA_MISMATCHED)
)
def test_rsa_mismatched_algorithm_rejected(
    backend: Backend,
    native: Backend,
    rsa_key: RSAPrivateKey,
    signed: SignatureAlgorithm,
    verified: SignatureAlgorithm,
) -> None:
    signature = rsa_key.sign(MESSAGE, signed, backend=native)
    with pytest.raises(InvalidSignature) as caught:
        rsa_key.public_key().verify(
            signature, MESSAGE, verified, backend=backend
        )
    assert str(caught.value) == InvalidSignature.MESSAGE


def test_pss_salt_too_long_to_sign(
    backend: Backend, rsa_key: RSAPrivateKey
) -> None:
    # emLen 256 < hLen 64 + sLen 200 + 2 (RFC 8017 section 9.1.1, step 3).
    algorithm = pss(HashAlgorithm.SHA512, salt_length=200)
    with pytest.raises(UnsupportedAlgorithm) as caught:
        rsa_key.sign(MESSAGE, algorithm, backend=backend)
    assert caught.value.reason is UnsupportedReason.KEY_SIZE


# --- Keys made by the cryptography backend ---------------------------------


def _openssl(
    openssl: str, *arguments: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [openssl, *arguments], capture_output=True, text=True, check=False
    )


def test_generated_rsa_key_shape(rsa_key: RSAPrivateKey) -> None:
    assert rsa_key.key_size == 2048
    assert rsa_key.e == 65537
    # FIPS 186-5 appendix A.1.1: d > 2^(nlen/2).
    assert rsa_key.d.bit_length() > 1024


@pytest.mark.parametrize(
    "private_format", list(PrivateFormat), ids=lambda f: f.name
)
def test_generated_key_round_trip(
    generated_key: Union[RSAPrivateKey, ECPrivateKey],
    private_format: PrivateFormat,
) -> None:
    pem = generated_key.to_pem(private_format).encode()
    der = generated_key.to_der(private_format)
    assert load_private_key(pem) == generated_key
    assert load_private_key(der) == generated_key
    public = generated_key.public_key()
    assert load_public_key(public.to_pem().encode()) == public
    assert load_public_key(public.to_der()) == public


@pytest.mark.parametrize(
    "private_format", list(PrivateFormat), ids=lambda f: f.name
)
def test_generated_key_passes_openssl_check(
    openssl: str,
    tmp_path: Path,
    generated_key: Union[RSAPrivateKey, ECPrivateKey],
    private_format: PrivateFormat,
) -> None:
    path = tmp_path / "key.pem"
    path.write_text(generated_key.to_pem(private_format))
    checked = _openssl(openssl, "pkey", "-in", str(path), "-check", "-noout")
    assert checked.returncode == 0, checked.stderr
    assert "Key is valid" in checked.stdout

    public = _openssl(openssl, "pkey", "-in", str(path), "-pubout")
    assert public.returncode == 0, public.stderr
    assert public.stdout == generated_key.public_key().to_pem()


def test_generated_key_signs_for_openssl(
    openssl: str,
    tmp_path: Path,
    backend: Backend,
    generated_key: Union[RSAPrivateKey, ECPrivateKey],
) -> None:
    message = tmp_path / "message"
    message.write_bytes(MESSAGE)
    public = tmp_path / "public.pem"
    public.write_text(generated_key.public_key().to_pem())
    signature = tmp_path / "signature"
    signature.write_bytes(generated_key.sign(MESSAGE, backend=backend))

    # The default hashes: SHA-256 for RSA and P-256, SHA-384 for P-384.
    digest = "-sha384" if generated_key.key_size == 384 else "-sha256"
    arguments = ["dgst", digest, "-verify", str(public)]
    arguments += ["-signature", str(signature), str(message)]
    verified = _openssl(openssl, *arguments)
    assert verified.returncode == 0, verified.stderr


# --- What only the cryptography backend does -------------------------------


def test_deterministic_ecdsa_unavailable(
    monkeypatch: pytest.MonkeyPatch, native: Backend, ec_key: ECPrivateKey
) -> None:
    # Simulates cryptography on OpenSSL before 3.2, or in FIPS mode. The
    # package cryptography.hazmat.backends.openssl exports the OpenSSL
    # backend object as "backend", and ec.ECDSA calls this method on it.
    monkeypatch.setattr(
        "cryptography.hazmat.backends.openssl.backend"
        ".ecdsa_deterministic_supported",
        lambda: False,
    )
    table = purepki_cryptography._deterministic_ecdsa_table()
    assert table == {}

    monkeypatch.setattr(purepki_cryptography, "_ECDSA_SIGNING", table)
    with pytest.raises(UnsupportedAlgorithm) as caught:
        ec_key.sign(MESSAGE, backend=native)
    assert caught.value.reason is UnsupportedReason.OPERATION
    assert "RFC 6979" in str(caught.value)
    assert "PUREPKI_BACKEND=pure" in str(caught.value)


def test_verify_without_deterministic_ecdsa(
    monkeypatch: pytest.MonkeyPatch, native: Backend, ec_key: ECPrivateKey
) -> None:
    signature = ec_key.sign(MESSAGE, backend="pure")
    monkeypatch.setattr(purepki_cryptography, "_ECDSA_SIGNING", {})
    ec_key.public_key().verify(signature, MESSAGE, backend=native)


@pytest.mark.parametrize(
    "algorithm", [ECDSA_SHA256, RSA_PSS_SHA256], ids=["ecdsa", "pss"]
)
def test_wrong_scheme_for_key(
    native: Backend,
    rsa_key: RSAPrivateKey,
    ec_key: ECPrivateKey,
    algorithm: SignatureAlgorithm,
) -> None:
    # purepki checks the scheme before calling a backend. The backend
    # checks again rather than pass OpenSSL a mismatched request.
    key: Union[RSAPrivateKey, ECPrivateKey] = ec_key
    if algorithm.scheme is SignatureScheme.ECDSA:
        key = rsa_key
    with pytest.raises(UnsupportedAlgorithm) as caught:
        native.sign(key, MESSAGE, algorithm)
    assert caught.value.reason is UnsupportedReason.SIGNATURE_ALGORITHM
    with pytest.raises(UnsupportedAlgorithm):
        native.verify(key.public_key(), bytes(256), MESSAGE, algorithm)


def test_rsa_exponent_over_64_bits(native: Backend) -> None:
    # OpenSSL rejects public exponents over 64 bits for moduli over 3072
    # bits (OPENSSL_RSA_MAX_PUBEXP_BITS in rsa.h). The pure backend
    # verifies such keys.
    base = native.generate_rsa_key(3104, 65537)
    lam = (base.p - 1) * (base.q - 1) // math.gcd(base.p - 1, base.q - 1)
    exponent = 2**64 + 1
    while math.gcd(exponent, lam) != 1:
        exponent += 2
    key = RSAPrivateKey.from_primes(base.p, base.q, exponent)
    signature = key.sign(MESSAGE, backend="pure")

    key.public_key().verify(signature, MESSAGE, backend="pure")
    with pytest.raises(UnsupportedAlgorithm) as caught:
        key.public_key().verify(signature, MESSAGE, backend=native)
    assert caught.value.reason is UnsupportedReason.KEY_SIZE
    assert "65-bit public exponent" in str(caught.value)


def test_openssl_rejects_composite_factor(
    native: Backend, rsa_key: RSAPrivateKey
) -> None:
    # The numbers pass every check purepki makes, but p is the product of
    # two primes. OpenSSL's key check tests primality and rejects it.
    small = native.generate_rsa_key(1024, 65537)
    composite = small.p * small.q
    key = RSAPrivateKey.from_primes(composite, rsa_key.q, 65537)
    with pytest.raises(KeyFormatError) as caught:
        native.sign(key, MESSAGE, RSA_PKCS1_SHA256)
    assert "OpenSSL rejected" in str(caught.value)


def test_pure_rejects_composite_factor(
    native: Backend, rsa_key: RSAPrivateKey
) -> None:
    small = native.generate_rsa_key(1024, 65537)
    composite = small.p * small.q
    key = RSAPrivateKey.from_primes(composite, rsa_key.q, 65537)
    with pytest.raises(PurePKIError):
        key.sign(MESSAGE, backend="pure")


def test_native_key_cache_alternating_keys() -> None:
    """Alternating keys, and an equal copy of one, each sign with their
    own native key: the cache of the last key matches by identity."""
    first = generate_ec_key(backend="pure")
    second = generate_ec_key(backend="pure")
    copy = ECPrivateKey(first.curve, first.d, first.x, first.y)
    for key in (first, second, first, copy, second):
        signature = key.sign(MESSAGE, backend="cryptography")
        expected = key.sign(MESSAGE, backend="pure")
        assert signature == expected
        key.public_key().verify(signature, MESSAGE, backend="cryptography")
    with pytest.raises(InvalidSignature):
        second.public_key().verify(
            first.sign(MESSAGE, backend="cryptography"),
            MESSAGE,
            backend="cryptography",
        )
