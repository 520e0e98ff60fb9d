"""Key objects: immutable values, generation, number checks, encrypted and
unsupported keys."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Union

import pytest
from pyasn1.type import univ
from pyasn1_modules import rfc5208, rfc8017

from purepki.asn1 import der
from purepki.backend import Backend
from purepki.curves import P256, P384, P521
from purepki.errors import (
    DecodeError,
    EncryptedKeyError,
    KeyFormatError,
    UnsupportedAlgorithm,
    UnsupportedReason,
    WrongObjectType,
)
from purepki.keys import (
    ECPrivateKey,
    ECPublicKey,
    PrivateFormat,
    PublicFormat,
    RSAPrivateKey,
    RSAPublicKey,
    generate_ec_key,
    generate_rsa_key,
    load_private_key,
    load_public_key,
)

PrivateKey = Union[RSAPrivateKey, ECPrivateKey]


def run(openssl: str, *args: str) -> bytes:
    result = subprocess.run([openssl, *args], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


@pytest.fixture(scope="module")
def rsa_key(openssl_fixtures: Path) -> RSAPrivateKey:
    key = load_private_key((openssl_fixtures / "webbridge3.key").read_bytes())
    assert isinstance(key, RSAPrivateKey)
    return key


@pytest.fixture(scope="module")
def ec_key(openssl_fixtures: Path) -> ECPrivateKey:
    key = load_private_key((openssl_fixtures / "server.key").read_bytes())
    assert isinstance(key, ECPrivateKey)
    return key


# --- Values ------------------------------------------------------------------


@pytest.mark.parametrize("field", ["n", "e", "d", "p"])
def test_rsa_private_key_is_frozen(rsa_key: RSAPrivateKey, field: str) -> None:
    with pytest.raises(AttributeError):
        setattr(rsa_key, field, 3)


def test_rsa_public_key_is_frozen(rsa_key: RSAPrivateKey) -> None:
    with pytest.raises(AttributeError):
        rsa_key.public_key().n = 3  # type: ignore[misc]


def test_ec_keys_are_frozen(ec_key: ECPrivateKey) -> None:
    with pytest.raises(AttributeError):
        ec_key.d = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ec_key.public_key().x = 1  # type: ignore[misc]


def test_keys_equal_by_value(
    openssl_fixtures: Path, rsa_key: RSAPrivateKey, ec_key: ECPrivateKey
) -> None:
    rsa_again = load_private_key(
        (openssl_fixtures / "webbridge3-pkcs1.key").read_bytes()
    )
    ec_again = load_private_key(
        (openssl_fixtures / "server-key.der").read_bytes()
    )
    assert rsa_again == rsa_key
    assert rsa_again is not rsa_key
    assert ec_again == ec_key
    assert hash(rsa_again) == hash(rsa_key)
    assert hash(ec_again) == hash(ec_key)
    assert len({rsa_key, rsa_again, ec_key, ec_again}) == 2


def test_public_keys_equal_by_value(
    rsa_key: RSAPrivateKey, ec_key: ECPrivateKey
) -> None:
    rsa_public = load_public_key(rsa_key.public_key().to_pem().encode())
    ec_public = load_public_key(ec_key.public_key().to_der())
    assert rsa_public == rsa_key.public_key()
    assert ec_public == ec_key.public_key()
    assert hash(ec_public) == hash(ec_key.public_key())


def test_different_keys_differ(openssl_fixtures: Path) -> None:
    root = load_private_key((openssl_fixtures / "root.key").read_bytes())
    server = load_private_key((openssl_fixtures / "server.key").read_bytes())
    assert root != server
    assert root.public_key() != server.public_key()


def test_private_key_never_equals_public(ec_key: ECPrivateKey) -> None:
    assert ec_key != ec_key.public_key()


@pytest.mark.parametrize(
    "name", ["webbridge3.key", "server.key", "dbclient.key"]
)
def test_fingerprint_matches_openssl(
    openssl: str, openssl_fixtures: Path, name: str
) -> None:
    path = openssl_fixtures / name
    spki = run(openssl, "pkey", "-in", str(path), "-pubout", "-outform", "DER")
    key = load_private_key(path.read_bytes())
    assert key.public_key().fingerprint() == hashlib.sha256(spki).hexdigest()


def secret_texts(key: PrivateKey) -> list[str]:
    if isinstance(key, RSAPrivateKey):
        numbers = [key.d, key.p, key.q, key.dp, key.dq, key.qinv, key.n]
    else:
        numbers = [key.d, key.x, key.y]
    texts = []
    for number in numbers:
        texts += [str(number), f"{number:x}", f"{number:X}"]
    return [text[:12] for text in texts]


def test_rsa_repr_hides_numbers(rsa_key: RSAPrivateKey) -> None:
    text = repr(rsa_key) + str(rsa_key)
    assert "2048 bits" in text
    for secret in secret_texts(rsa_key):
        assert secret not in text


def test_ec_repr_hides_numbers(ec_key: ECPrivateKey) -> None:
    text = repr(ec_key) + str(ec_key) + repr(ec_key.public_key())
    assert "P-256" in text
    for secret in secret_texts(ec_key):
        assert secret not in text


def test_public_key_properties(
    rsa_key: RSAPrivateKey, ec_key: ECPrivateKey
) -> None:
    assert rsa_key.public_key().key_size == 2048
    assert rsa_key.public_key().algorithm_name == "RSA"
    assert ec_key.key_size == 256
    assert ec_key.public_key().algorithm_name == "EC"


# --- Generation --------------------------------------------------------------


# One key of each size per backend: 3072 and 4096-bit generation takes
# seconds with the pure backend.
_generated: dict[tuple[str, int], RSAPrivateKey] = {}


def generated_rsa(backend: Backend, bits: int) -> RSAPrivateKey:
    if (backend.name, bits) not in _generated:
        _generated[backend.name, bits] = generate_rsa_key(
            bits, backend=backend
        )
    return _generated[backend.name, bits]


@pytest.mark.parametrize("bits", [2048, 3072, 4096])
def test_rsa_generation_size(backend: Backend, bits: int) -> None:
    key = generated_rsa(backend, bits)
    assert key.n.bit_length() == bits
    assert key.e == 65537
    assert key.p.bit_length() == bits // 2
    assert key.q.bit_length() == bits // 2


@pytest.mark.parametrize("bits", [2048, 3072, 4096])
def test_rsa_generated_key_passes_openssl(
    backend: Backend, openssl: str, tmp_path: Path, bits: int
) -> None:
    path = tmp_path / "key.pem"
    path.write_text(generated_rsa(backend, bits).to_pem())
    run(openssl, "pkey", "-in", str(path), "-check", "-noout")


def test_rsa_generated_key_signs(backend: Backend) -> None:
    key = generated_rsa(backend, 2048)
    signature = key.sign(b"data", backend=backend)
    key.public_key().verify(signature, b"data", backend=backend)


def test_rsa_default_size_is_2048() -> None:
    from purepki.keys import DEFAULT_RSA_KEY_SIZE

    assert DEFAULT_RSA_KEY_SIZE == 2048


@pytest.mark.parametrize("bits", [0, 512, 1024, 2047, 2049, 8192])
def test_rsa_invalid_size_rejected(backend: Backend, bits: int) -> None:
    with pytest.raises(UnsupportedAlgorithm) as info:
        generate_rsa_key(bits, backend=backend)
    assert info.value.reason is UnsupportedReason.KEY_SIZE
    assert str(bits) in str(info.value)


def test_ec_default_curve_is_p256(backend: Backend) -> None:
    key = generate_ec_key(backend=backend)
    assert key.curve == P256
    assert key.public_key().point()[:1] == b"\x04"


def test_ec_p384_generation(backend: Backend) -> None:
    key = generate_ec_key(P384, backend=backend)
    assert key.curve == P384
    assert len(key.public_key().point()) == 97


def test_ec_p521_generation_rejected(backend: Backend) -> None:
    with pytest.raises(UnsupportedAlgorithm) as info:
        generate_ec_key(P521, backend=backend)
    assert info.value.reason is UnsupportedReason.CURVE


def test_ec_generated_keys_differ(backend: Backend) -> None:
    assert generate_ec_key(backend=backend) != generate_ec_key(backend=backend)


def test_ec_from_secret(backend: Backend, ec_key: ECPrivateKey) -> None:
    rebuilt = ECPrivateKey.from_secret(P256, ec_key.d, backend=backend)
    assert rebuilt == ec_key


def test_rsa_from_primes(rsa_key: RSAPrivateKey) -> None:
    rebuilt = RSAPrivateKey.from_primes(rsa_key.q, rsa_key.p, rsa_key.e)
    assert rebuilt.n == rsa_key.n
    assert rebuilt.p == max(rsa_key.p, rsa_key.q)
    assert rebuilt.public_key() == rsa_key.public_key()


def test_rsa_from_equal_primes_rejected(rsa_key: RSAPrivateKey) -> None:
    with pytest.raises(KeyFormatError):
        RSAPrivateKey.from_primes(rsa_key.p, rsa_key.p, 65537)


# --- Number checks -----------------------------------------------------------


def rsa_fields(key: RSAPrivateKey) -> dict[str, int]:
    names = ["n", "e", "d", "p", "q", "dp", "dq", "qinv"]
    return {name: getattr(key, name) for name in names}


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("n", "p * q differs"),
        ("p", "p * q differs"),
        ("dp", "CRT exponents"),
        ("dq", "CRT exponents"),
        ("qinv", "CRT coefficient"),
    ],
)
def test_inconsistent_rsa_rejected(
    rsa_key: RSAPrivateKey, field: str, words: str
) -> None:
    fields = rsa_fields(rsa_key)
    fields[field] += 2
    with pytest.raises(KeyFormatError) as info:
        RSAPrivateKey(**fields)
    assert words in info.value.reason


def test_rsa_wrong_d_rejected(rsa_key: RSAPrivateKey) -> None:
    fields = rsa_fields(rsa_key)
    d = fields["d"] + 2
    fields.update(d=d, dp=d % (rsa_key.p - 1), dq=d % (rsa_key.q - 1))
    with pytest.raises(KeyFormatError) as info:
        RSAPrivateKey(**fields)
    assert "not the inverse of e" in info.value.reason


def test_rsa_tiny_factor_rejected(rsa_key: RSAPrivateKey) -> None:
    fields = rsa_fields(rsa_key)
    fields.update(p=1, q=rsa_key.n)
    with pytest.raises(KeyFormatError):
        RSAPrivateKey(**fields)


def test_rsa_even_modulus_rejected(rsa_key: RSAPrivateKey) -> None:
    with pytest.raises(KeyFormatError):
        RSAPublicKey(rsa_key.n + 1, 65537)


@pytest.mark.parametrize("e", [1, 2, 65536, -3])
def test_rsa_bad_exponent_rejected(rsa_key: RSAPrivateKey, e: int) -> None:
    with pytest.raises(KeyFormatError):
        RSAPublicKey(rsa_key.n, e)


def test_rsa_small_modulus_rejected() -> None:
    with pytest.raises(UnsupportedAlgorithm) as info:
        RSAPublicKey(2**511 + 1, 65537)
    assert info.value.reason is UnsupportedReason.KEY_SIZE


def test_inconsistent_pkcs1_file_rejected(rsa_key: RSAPrivateKey) -> None:
    value = der.decode(
        rsa_key.to_der(PrivateFormat.TRADITIONAL), rfc8017.RSAPrivateKey()
    )
    value["coefficient"] = int(value["coefficient"]) + 1
    with pytest.raises(KeyFormatError):
        load_private_key(der.encode(value))


def test_ec_point_not_on_curve(ec_key: ECPrivateKey) -> None:
    with pytest.raises(KeyFormatError) as info:
        ECPublicKey(P256, ec_key.x, ec_key.y + 1)
    assert "not on curve P-256" in info.value.reason


def test_ec_point_outside_field(ec_key: ECPrivateKey) -> None:
    with pytest.raises(KeyFormatError):
        ECPublicKey(P256, ec_key.x + P256.p, ec_key.y)


def test_ec_spki_point_not_on_curve(ec_key: ECPrivateKey) -> None:
    spki = bytearray(ec_key.public_key().to_der())
    spki[-1] ^= 0x01
    with pytest.raises(KeyFormatError):
        load_public_key(bytes(spki))


def test_ec_private_point_not_on_curve(ec_key: ECPrivateKey) -> None:
    with pytest.raises(KeyFormatError):
        ECPrivateKey(P256, ec_key.d, ec_key.x, ec_key.y + 1)


@pytest.mark.parametrize("d", [0, P256.n, P256.n + 1, -1])
def test_ec_private_value_out_of_range(backend: Backend, d: int) -> None:
    with pytest.raises(KeyFormatError):
        ECPrivateKey.from_secret(P256, d, backend=backend)


def test_ec_stored_point_mismatch(
    backend: Backend, ec_key: ECPrivateKey, openssl_fixtures: Path
) -> None:
    other = load_private_key((openssl_fixtures / "root.key").read_bytes())
    sec1 = ec_key.to_der(PrivateFormat.TRADITIONAL)
    point = ec_key.public_key().point()
    forged = sec1.replace(point, other.public_key().point())
    with pytest.raises(KeyFormatError) as info:
        load_private_key(forged, backend=backend)
    assert info.value.path == "publicKey"


def test_ec_point_at_infinity() -> None:
    with pytest.raises(KeyFormatError):
        ECPublicKey.from_point(P256, b"\x00")


def test_ec_compressed_point(ec_key: ECPrivateKey) -> None:
    public = ec_key.public_key()
    compressed = public.point(compressed=True)
    assert len(compressed) == 33
    assert ECPublicKey.from_point(P256, compressed) == public


def test_ec_compressed_x_not_on_curve() -> None:
    # Find an x whose x^3 + ax + b is not a square modulo p (Euler's
    # criterion), so no point of P-256 has that x.
    x = 0
    while True:
        alpha = (x**3 + P256.a * x + P256.b) % P256.p
        if pow(alpha, (P256.p - 1) // 2, P256.p) == P256.p - 1:
            break
        x += 1
    with pytest.raises(KeyFormatError):
        ECPublicKey.from_point(P256, b"\x02" + x.to_bytes(32, "big"))


def test_ec_point_of_wrong_size() -> None:
    with pytest.raises(KeyFormatError):
        ECPublicKey.from_point(P256, b"\x04" + bytes(63))


def test_ec_pkcs1_public_rejected(ec_key: ECPrivateKey) -> None:
    with pytest.raises(ValueError):
        ec_key.public_key().to_der(PublicFormat.PKCS1)


# --- Formats -----------------------------------------------------------------


def test_rsa_pkcs1_public_round_trip(rsa_key: RSAPrivateKey) -> None:
    public = rsa_key.public_key()
    for data in (
        public.to_der(PublicFormat.PKCS1),
        public.to_pem(PublicFormat.PKCS1).encode(),
    ):
        assert load_public_key(data) == public


def test_pem_labels(rsa_key: RSAPrivateKey, ec_key: ECPrivateKey) -> None:
    traditional = PrivateFormat.TRADITIONAL
    assert rsa_key.to_pem().startswith("-----BEGIN PRIVATE KEY-----\n")
    assert rsa_key.to_pem(traditional).startswith(
        "-----BEGIN RSA PRIVATE KEY-----\n"
    )
    assert ec_key.to_pem(traditional).startswith(
        "-----BEGIN EC PRIVATE KEY-----\n"
    )
    assert (
        ec_key.public_key().to_pem().startswith("-----BEGIN PUBLIC KEY-----\n")
    )
    assert (
        rsa_key.public_key()
        .to_pem(PublicFormat.PKCS1)
        .startswith("-----BEGIN RSA PUBLIC KEY-----\n")
    )


def test_rsa_pkcs8_non_null_parameters_rejected(
    rsa_key: RSAPrivateKey,
) -> None:
    value = der.decode(rsa_key.to_der(), rfc5208.PrivateKeyInfo())
    value["privateKeyAlgorithm"]["parameters"] = univ.Any(b"\x02\x01\x00")
    with pytest.raises(KeyFormatError) as info:
        load_private_key(der.encode(value))
    assert info.value.path == "privateKeyAlgorithm.parameters"


def test_pkcs8_label_holding_public_key(ec_key: ECPrivateKey) -> None:
    from purepki import pem

    text = pem.encode("PRIVATE KEY", ec_key.public_key().to_der())
    with pytest.raises(DecodeError):
        load_private_key(text.encode())


def test_public_loader_rejects_private(ec_key: ECPrivateKey) -> None:
    with pytest.raises(WrongObjectType) as info:
        load_public_key(ec_key.to_pem().encode())
    assert "'PRIVATE KEY'" in info.value.reason


# --- Encrypted and unsupported keys ------------------------------------------


@pytest.mark.parametrize(
    ("name", "cipher"),
    [
        ("webbridge3-legacy-aes.key", "AES-128-CBC"),
        ("webbridge3-legacy-3des.key", "DES-EDE3-CBC"),
        ("server-legacy-aes.key", "AES-256-CBC"),
    ],
)
def test_legacy_encrypted_key_names_cipher(
    backend: Backend, openssl_fixtures: Path, name: str, cipher: str
) -> None:
    data = (openssl_fixtures / name).read_bytes()
    with pytest.raises(EncryptedKeyError) as info:
        load_private_key(data, source=name, backend=backend)
    message = str(info.value)
    assert cipher in message
    assert name in message
    assert "encrypted" in message


def test_pkcs8_encrypted_pem(backend: Backend, openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server-pkcs8-enc.key").read_bytes()
    with pytest.raises(EncryptedKeyError) as info:
        load_private_key(data, backend=backend)
    assert "PKCS#8" in str(info.value)


def test_pkcs8_encrypted_der(
    backend: Backend, openssl: str, openssl_fixtures: Path, tmp_path: Path
) -> None:
    path = tmp_path / "enc.der"
    run(
        openssl,
        "pkcs8",
        "-topk8",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:x",
        "-in",
        str(openssl_fixtures / "server.key"),
        "-outform",
        "DER",
        "-out",
        str(path),
    )
    with pytest.raises(EncryptedKeyError):
        load_private_key(path.read_bytes(), backend=backend)


def test_encrypted_key_error_is_not_decode_error() -> None:
    assert not issubclass(EncryptedKeyError, DecodeError)


def test_ed25519_key_unsupported(
    backend: Backend, openssl: str, tmp_path: Path
) -> None:
    path = tmp_path / "ed.key"
    run(openssl, "genpkey", "-algorithm", "ed25519", "-out", str(path))
    with pytest.raises(UnsupportedAlgorithm) as info:
        load_private_key(path.read_bytes(), backend=backend)
    assert info.value.reason is UnsupportedReason.PUBLIC_KEY_ALGORITHM
    assert "ED25519" in str(info.value)
    public = run(openssl, "pkey", "-in", str(path), "-pubout")
    with pytest.raises(UnsupportedAlgorithm):
        load_public_key(public)


def test_multi_prime_rsa_unsupported(
    backend: Backend, openssl: str, tmp_path: Path
) -> None:
    path = tmp_path / "three-primes.key"
    run(
        openssl,
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-pkeyopt",
        "rsa_keygen_primes:3",
        "-out",
        str(path),
    )
    with pytest.raises(UnsupportedAlgorithm) as info:
        load_private_key(path.read_bytes(), backend=backend)
    assert info.value.reason is UnsupportedReason.FORMAT


def test_unsupported_named_curve(
    backend: Backend, openssl: str, tmp_path: Path
) -> None:
    path = tmp_path / "k1.key"
    run(
        openssl,
        "ecparam",
        "-name",
        "secp256k1",
        "-genkey",
        "-noout",
        "-out",
        str(path),
    )
    with pytest.raises(UnsupportedAlgorithm) as info:
        load_private_key(path.read_bytes(), backend=backend)
    assert info.value.reason is UnsupportedReason.CURVE
    assert "secp256k1" in str(info.value)
