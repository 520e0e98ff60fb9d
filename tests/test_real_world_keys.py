"""Key, PEM, DER and signature files shaped the way real tools write them:
explicit EC parameters, RSA-PSS keys, text from Windows tools, combined
files, DER next to PEM, malformed ECDSA signatures in a certificate and
hostile DER."""

from __future__ import annotations

import re
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any

import pyasn1
import pytest
from pyasn1_modules import rfc2986, rfc4055, rfc5280

from purepki import pem
from purepki.algorithms import (
    ECDSA_SHA256,
    RSA_PKCS1_SHA256,
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.asn1 import der
from purepki.backend import Backend
from purepki.curves import P256
from purepki.errors import (
    DecodeError,
    InvalidSignature,
    PurePKIWarning,
    UnsupportedAlgorithm,
    UnsupportedReason,
    WrongObjectType,
)
from purepki.keys import (
    ECPrivateKey,
    ECPublicKey,
    PrivateFormat,
    RSAPrivateKey,
    RSAPublicKey,
    load_private_key,
    load_public_key,
    public_key_from_spki,
)
from purepki.signatures import decode_ecdsa_signature

MESSAGE = b"real-world key test\n"


def run(openssl: str, *args: str, cwd: Path | None = None) -> bytes:
    result = subprocess.run(
        [openssl, *args], capture_output=True, check=False, cwd=cwd
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(octets)]) + octets + content


def certificate_der(path: Path) -> bytes:
    data = path.read_bytes()
    if pem.looks_like_pem(data):
        return pem.read_blocks(data)[0].der
    return data


def split_certificate(data: bytes) -> tuple[bytes, bytes, bytes]:
    """Return the tbsCertificate, signatureAlgorithm and signature value."""
    root = der.scan(data)
    tbs, algorithm, signature = root.children
    return (
        data[tbs.offset : tbs.end],
        data[algorithm.offset : algorithm.end],
        signature.content(data)[1:],
    )


def subject_key(data: bytes) -> Any:
    certificate = der.decode(data, rfc5280.Certificate())
    spki = certificate["tbsCertificate"]["subjectPublicKeyInfo"]
    return public_key_from_spki(spki)


@pytest.fixture(scope="module")
def made(openssl: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files from the openssl commands that administrators run."""
    out = tmp_path_factory.mktemp("real-world")

    def make(*args: str) -> None:
        run(openssl, *args, cwd=out)

    make(
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-param_enc",
        "explicit",
        "-noout",
        "-out",
        "xk.pem",
    )
    make(
        "req",
        "-x509",
        "-new",
        "-key",
        "xk.pem",
        "-subj",
        "/CN=explicit",
        "-out",
        "x.pem",
    )
    make(
        "ec",
        "-in",
        "xk.pem",
        "-pubout",
        "-param_enc",
        "explicit",
        "-out",
        "xk-pub.pem",
    )
    make(
        "ec",
        "-in",
        "xk.pem",
        "-param_enc",
        "named_curve",
        "-out",
        "xk-named.pem",
    )
    make(
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-param_enc",
        "explicit",
        "-conv_form",
        "compressed",
        "-noout",
        "-out",
        "xk-compressed.pem",
    )
    make(
        "ecparam",
        "-name",
        "secp256k1",
        "-genkey",
        "-param_enc",
        "explicit",
        "-noout",
        "-out",
        "k1.pem",
    )
    make(
        "ec",
        "-in",
        "k1.pem",
        "-pubout",
        "-param_enc",
        "explicit",
        "-out",
        "k1-pub.pem",
    )
    make(
        "genpkey",
        "-algorithm",
        "RSA-PSS",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        "pss.key",
    )
    make(
        "genpkey",
        "-algorithm",
        "RSA-PSS",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-pkeyopt",
        "rsa_pss_keygen_md:sha256",
        "-out",
        "pss-sha256.key",
    )
    make(
        "genpkey",
        "-algorithm",
        "RSA-PSS",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-pkeyopt",
        "rsa_pss_keygen_md:sha384",
        "-pkeyopt",
        "rsa_pss_keygen_mgf1_md:sha384",
        "-pkeyopt",
        "rsa_pss_keygen_saltlen:48",
        "-out",
        "pss-sha384.key",
    )
    for name in ("pss", "pss-sha256", "pss-sha384"):
        make(
            "pkey", "-in", f"{name}.key", "-pubout", "-out", f"{name}-pub.pem"
        )
    make(
        "req",
        "-x509",
        "-new",
        "-key",
        "pss.key",
        "-subj",
        "/CN=pss",
        "-sha256",
        "-out",
        "pss.pem",
    )
    return out


def load_quietly(data: bytes, backend: Backend) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PurePKIWarning)
        return load_private_key(data, backend=backend)


# --- Explicit EC parameters --------------------------------------------------


def test_explicit_p256_private_key_loads_as_p256(
    backend: Backend, made: Path
) -> None:
    data = (made / "xk.pem").read_bytes()
    with pytest.warns(PurePKIWarning, match="explicit curve parameters"):
        key = load_private_key(data, backend=backend)
    assert isinstance(key, ECPrivateKey)
    assert key.curve == P256
    named = load_private_key((made / "xk-named.pem").read_bytes())
    assert key == named


def test_explicit_p256_public_key_loads_as_p256(made: Path) -> None:
    with pytest.warns(PurePKIWarning, match="P-256"):
        public = load_public_key((made / "xk-pub.pem").read_bytes())
    assert isinstance(public, ECPublicKey)
    assert public.curve == P256
    assert public.explicit_parameters is True
    named = load_private_key((made / "xk-named.pem").read_bytes())
    assert public == named.public_key()


def test_explicit_compressed_base_point(backend: Backend, made: Path) -> None:
    with pytest.warns(PurePKIWarning):
        key = load_private_key(
            (made / "xk-compressed.pem").read_bytes(), backend=backend
        )
    assert key.curve == P256


def test_explicit_certificate_key_and_signature(
    backend: Backend, made: Path
) -> None:
    data = certificate_der(made / "x.pem")
    with pytest.warns(PurePKIWarning):
        public = subject_key(data)
    assert public.curve == P256
    assert public.explicit_parameters is True
    tbs, _, signature = split_certificate(data)
    public.verify(signature, tbs, ECDSA_SHA256, backend=backend)


def test_explicit_key_written_with_named_curve(
    backend: Backend, openssl: str, made: Path, tmp_path: Path
) -> None:
    """purepki writes the named curve that RFC 5480 section 2.1.1 requires
    for, never the explicit parameters it read."""
    key = load_quietly((made / "xk.pem").read_bytes(), backend)
    path = tmp_path / "named.pem"
    path.write_text(key.to_pem(PrivateFormat.TRADITIONAL))
    assert path.read_text() == (made / "xk-named.pem").read_text()
    run(openssl, "pkey", "-in", str(path), "-check", "-noout")


@pytest.mark.parametrize("name", ["k1.pem", "k1-pub.pem"])
def test_explicit_other_curve_unsupported(
    backend: Backend, made: Path, name: str
) -> None:
    data = (made / name).read_bytes()
    loader = load_public_key if "pub" in name else load_private_key
    with pytest.raises(UnsupportedAlgorithm) as info:
        if loader is load_private_key:
            load_private_key(data, backend=backend)
        else:
            load_public_key(data)
    assert info.value.reason is UnsupportedReason.CURVE
    assert "explicit parameters" in str(info.value)


# --- RSA-PSS keys ------------------------------------------------------------


def test_pss_key_without_restrictions(backend: Backend, made: Path) -> None:
    key = load_private_key((made / "pss.key").read_bytes(), backend=backend)
    assert isinstance(key, RSAPrivateKey)
    assert key.pss_only is True
    assert key.pss is None
    assert key.public_key().pss_only is True
    assert key.public_key().algorithm_name == "RSA-PSS"


@pytest.mark.parametrize(
    ("name", "hash_name", "mgf_name", "salt"),
    [
        ("pss-sha256", "sha256", "sha1", 20),
        ("pss-sha384", "sha384", "sha384", 48),
    ],
)
def test_pss_key_restrictions(
    backend: Backend,
    openssl: str,
    made: Path,
    name: str,
    hash_name: str,
    mgf_name: str,
    salt: int,
) -> None:
    key = load_private_key(
        (made / f"{name}.key").read_bytes(), backend=backend
    )
    assert key.pss_only is True
    assert key.pss is not None
    assert key.pss.hash is HashAlgorithm.from_name(hash_name)
    assert key.pss.mgf_hash is HashAlgorithm.from_name(mgf_name)
    assert key.pss.salt_length == salt
    text = run(
        openssl, "pkey", "-in", str(made / f"{name}.key"), "-text", "-noout"
    ).decode()
    assert re.search(rf"Minimum Salt Length: (0x)?{salt:X}\b|{salt}\b", text)


@pytest.mark.parametrize("name", ["pss", "pss-sha256", "pss-sha384"])
def test_pss_public_key_matches_private(made: Path, name: str) -> None:
    public = load_public_key((made / f"{name}-pub.pem").read_bytes())
    private = load_private_key((made / f"{name}.key").read_bytes())
    assert isinstance(public, RSAPublicKey)
    assert public == private.public_key()
    assert public.to_pem() == (made / f"{name}-pub.pem").read_text()


@pytest.mark.parametrize("name", ["pss", "pss-sha256", "pss-sha384"])
def test_pss_key_written_like_openssl(
    backend: Backend, openssl: str, made: Path, tmp_path: Path, name: str
) -> None:
    key = load_private_key(
        (made / f"{name}.key").read_bytes(), backend=backend
    )
    assert key.to_pem() == (made / f"{name}.key").read_text()
    path = tmp_path / "pss.key"
    path.write_text(key.to_pem())
    run(openssl, "pkey", "-in", str(path), "-check", "-noout")


def test_pss_key_has_no_pkcs1_form(backend: Backend, made: Path) -> None:
    """PKCS#1 cannot mark a key PSS-only; openssl pkey -traditional also
    rejects such keys."""
    key = load_private_key((made / "pss.key").read_bytes(), backend=backend)
    with pytest.raises(UnsupportedAlgorithm) as info:
        key.to_der(PrivateFormat.TRADITIONAL)
    assert info.value.reason is UnsupportedReason.FORMAT


@pytest.mark.parametrize(
    ("name", "digest"),
    [("pss", "sha256"), ("pss-sha256", "sha256"), ("pss-sha384", "sha384")],
)
def test_pss_key_signature_verifies_in_openssl(
    backend: Backend,
    openssl: str,
    made: Path,
    tmp_path: Path,
    name: str,
    digest: str,
) -> None:
    key = load_private_key(
        (made / f"{name}.key").read_bytes(), backend=backend
    )
    signature = key.sign(MESSAGE, backend=backend)
    (tmp_path / "sig").write_bytes(signature)
    (tmp_path / "msg").write_bytes(MESSAGE)
    out = run(
        openssl,
        "dgst",
        f"-{digest}",
        "-verify",
        str(made / f"{name}-pub.pem"),
        "-sigopt",
        "rsa_padding_mode:pss",
        "-signature",
        str(tmp_path / "sig"),
        str(tmp_path / "msg"),
    )
    assert out.strip() == b"Verified OK"


def test_pss_key_refuses_pkcs1_signing(backend: Backend, made: Path) -> None:
    key = load_private_key((made / "pss.key").read_bytes(), backend=backend)
    with pytest.raises(UnsupportedAlgorithm) as info:
        key.sign(MESSAGE, RSA_PKCS1_SHA256, backend=backend)
    assert info.value.reason is UnsupportedReason.SIGNATURE_ALGORITHM


def test_pss_key_refuses_other_hash(backend: Backend, made: Path) -> None:
    key = load_private_key(
        (made / "pss-sha384.key").read_bytes(), backend=backend
    )
    sha256 = SignatureAlgorithm(SignatureScheme.RSA_PSS, HashAlgorithm.SHA256)
    with pytest.raises(UnsupportedAlgorithm):
        key.sign(MESSAGE, sha256, backend=backend)


def test_pss_public_key_rejects_pkcs1_signature(
    backend: Backend, openssl: str, made: Path, tmp_path: Path
) -> None:
    (tmp_path / "msg").write_bytes(MESSAGE)
    pkcs1 = run(
        openssl,
        "dgst",
        "-sha256",
        "-sign",
        str(made / "pss.key"),
        "-sigopt",
        "rsa_padding_mode:pss",
        str(tmp_path / "msg"),
    )
    public = load_public_key((made / "pss-pub.pem").read_bytes())
    pss = SignatureAlgorithm(
        SignatureScheme.RSA_PSS,
        HashAlgorithm.SHA256,
        salt_length=len(pkcs1) - 32 - 2,
    )
    public.verify(pkcs1, MESSAGE, pss, backend=backend)
    with pytest.raises(InvalidSignature):
        public.verify(pkcs1, MESSAGE, RSA_PKCS1_SHA256, backend=backend)


def test_pss_certificate_signature_verifies(
    backend: Backend, made: Path
) -> None:
    data = certificate_der(made / "pss.pem")
    public = subject_key(data)
    assert public.pss_only is True
    tbs, algorithm_der, signature = split_certificate(data)
    algorithm = der.decode(algorithm_der, rfc5280.AlgorithmIdentifier())
    assert str(algorithm["algorithm"]) == "1.2.840.113549.1.1.10"
    params = der.decode(
        bytes(algorithm["parameters"]), rfc4055.RSASSA_PSS_params()
    )
    mgf = der.decode(
        bytes(params["maskGenAlgorithm"]["parameters"]),
        rfc5280.AlgorithmIdentifier(),
    )
    pss = SignatureAlgorithm(
        SignatureScheme.RSA_PSS,
        HashAlgorithm.from_oid(str(params["hashAlgorithm"]["algorithm"])),
        salt_length=int(params["saltLength"]),
        mgf_hash=HashAlgorithm.from_oid(str(mgf["algorithm"])),
    )
    public.verify(signature, tbs, pss, backend=backend)


# --- Text from Windows tools -------------------------------------------------


def test_certificate_after_utf8_bom(openssl_fixtures: Path) -> None:
    data = b"\xef\xbb\xbf" + (openssl_fixtures / "server.crt").read_bytes()
    (block,) = pem.read_blocks(data)
    assert block.label == "CERTIFICATE"
    der.decode(block.der, rfc5280.Certificate())


def test_csr_in_utf16le_with_bom(openssl_fixtures: Path) -> None:
    text = (openssl_fixtures / "server.csr").read_text()
    data = b"\xff\xfe" + text.encode("utf-16-le")
    with pytest.warns(PurePKIWarning, match="ASCII or UTF-8"):
        (block,) = pem.read_blocks(data, "server.csr")
    assert block.label == "CERTIFICATE REQUEST"
    der.decode(block.der, rfc2986.CertificationRequest())


def test_key_in_utf16le_with_bom(
    backend: Backend, openssl_fixtures: Path
) -> None:
    text = (openssl_fixtures / "server.key").read_text()
    data = b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")
    with pytest.warns(PurePKIWarning):
        key = load_private_key(data, backend=backend)
    expected = (openssl_fixtures / "server.key").read_bytes()
    assert key == load_private_key(expected, backend=backend)


def test_key_after_utf8_bom(backend: Backend, openssl_fixtures: Path) -> None:
    data = b"\xef\xbb\xbf" + (openssl_fixtures / "webbridge3.key").read_bytes()
    key = load_private_key(data, backend=backend)
    assert isinstance(key, RSAPrivateKey)


def test_new_certificate_request_label(openssl_fixtures: Path) -> None:
    text = (openssl_fixtures / "webbridge3.csr").read_text()
    text = text.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
    (block,) = pem.read_blocks(text)
    assert block.label in pem.CSR_LABELS
    der.decode(block.der, rfc2986.CertificationRequest())


# --- Combined files ----------------------------------------------------------


def combined(fixtures: Path, *names: str) -> bytes:
    return b"".join((fixtures / name).read_bytes() for name in names)


@pytest.mark.parametrize(
    "order",
    [
        ("server.key", "server.crt", "intermediate.crt", "root.crt"),
        ("server.crt", "intermediate.crt", "root.crt", "server.key"),
        ("server.crt", "server.key", "bundle.pem"),
    ],
    ids=["key-first", "key-last", "key-between"],
)
def test_combined_file_key_found(
    backend: Backend, openssl_fixtures: Path, order: tuple[str, ...]
) -> None:
    data = combined(openssl_fixtures, *order)
    key = load_private_key(data, backend=backend)
    expected = (openssl_fixtures / "server.key").read_bytes()
    assert key == load_private_key(expected, backend=backend)


def test_combined_file_key_matches_leaf(
    backend: Backend, openssl_fixtures: Path
) -> None:
    data = combined(openssl_fixtures, "fullchain.pem", "server.key")
    key = load_private_key(data, backend=backend)
    blocks = [b for b in pem.read_blocks(data) if b.label == "CERTIFICATE"]
    subjects = [subject_key(block.der) for block in blocks]
    assert [s == key.public_key() for s in subjects] == [True, False, False]


def test_pkcs12_nodes_output_key_and_leaf(
    backend: Backend, openssl: str, openssl_fixtures: Path
) -> None:
    out = run(
        openssl,
        "pkcs12",
        "-in",
        str(openssl_fixtures / "server.p12"),
        "-nodes",
        "-passin",
        "pass:secret",
    )
    assert b"Bag Attributes" in out
    assert b"subject=" in out
    key = load_private_key(out, backend=backend)
    certificates = [
        block.der
        for block in pem.read_blocks(out)
        if block.label == "CERTIFICATE"
    ]
    assert key.public_key() in [subject_key(c) for c in certificates]


def test_combined_file_without_public_key(openssl_fixtures: Path) -> None:
    data = combined(openssl_fixtures, "server.key", "server.crt")
    with pytest.raises(WrongObjectType) as info:
        load_public_key(data)
    assert "'CERTIFICATE'" in info.value.reason
    assert "'EC PRIVATE KEY'" in info.value.reason


def test_certificates_only_file_as_key(
    backend: Backend, openssl_fixtures: Path
) -> None:
    data = (openssl_fixtures / "fullchain.pem").read_bytes()
    with pytest.raises(WrongObjectType) as info:
        load_private_key(data, source="fullchain.pem", backend=backend)
    assert "'CERTIFICATE'" in info.value.reason
    assert "fullchain.pem" in str(info.value)


# --- DER, PEM and concatenated DER -------------------------------------------


def test_der_key_told_by_content(
    backend: Backend, openssl_fixtures: Path, tmp_path: Path
) -> None:
    misnamed = tmp_path / "server.pem"
    misnamed.write_bytes((openssl_fixtures / "server-key.der").read_bytes())
    assert misnamed.read_bytes()[:1] == b"\x30"
    key = load_private_key(misnamed.read_bytes(), backend=backend)
    assert key.curve == P256


def test_pem_key_in_der_named_file(
    backend: Backend, openssl_fixtures: Path, tmp_path: Path
) -> None:
    misnamed = tmp_path / "server.der"
    misnamed.write_bytes((openssl_fixtures / "server.key").read_bytes())
    key = load_private_key(misnamed.read_bytes(), backend=backend)
    assert key.curve == P256


def test_concatenated_der_keys_report_rest(
    backend: Backend, openssl_fixtures: Path
) -> None:
    first = (openssl_fixtures / "server-key.der").read_bytes()
    data = first + first
    with pytest.raises(DecodeError) as info:
        load_private_key(data, backend=backend)
    assert info.value.offset == len(first)
    assert f"{len(first)} bytes after the end" in info.value.reason


def test_concatenated_der_certificates(openssl_fixtures: Path) -> None:
    """Both certificates are read by scanning with trailing bytes allowed;
    a single-certificate decode reports where the second starts."""
    leaf = (openssl_fixtures / "server-der.cer").read_bytes()
    root = (openssl_fixtures / "root-der.crt").read_bytes()
    data = leaf + root
    with pytest.raises(DecodeError) as info:
        der.decode(data, rfc5280.Certificate())
    assert info.value.offset == len(leaf)
    found = []
    position = 0
    while position < len(data):
        node = der.scan(data[position:], allow_trailing=True)
        found.append(data[position : position + node.end])
        position += node.end
    assert found == [leaf, root]


def test_junk_after_der_certificate(openssl_fixtures: Path) -> None:
    leaf = (openssl_fixtures / "server-der.cer").read_bytes()
    with pytest.raises(DecodeError) as info:
        der.decode(leaf + b"\x01\x02\x03", rfc5280.Certificate())
    assert info.value.offset == len(leaf)
    assert "3 bytes after the end" in info.value.reason


# --- Malformed ECDSA signatures on a certificate -----------------------------


def with_signature(data: bytes, signature: bytes) -> bytes:
    """Rebuild a certificate around another signature value, with the
    BIT STRING and outer lengths fixed."""
    tbs, algorithm, _ = split_certificate(data)
    return tlv(0x30, tbs + algorithm + tlv(0x03, b"\x00" + signature))


def leaf_signature_cases(signature: bytes, order: int) -> dict[str, bytes]:
    r, s = decode_ecdsa_signature(signature, order)

    def integer(value: bytes) -> bytes:
        return tlv(0x02, value)

    def octets(value: int) -> bytes:
        return value.to_bytes(value.bit_length() // 8 + 1, "big")

    r_der, s_der = integer(octets(r)), integer(octets(s))
    r_top = r.to_bytes(32, "big")
    body = r_der + s_der
    return {
        "extra-zero-before-r": tlv(0x30, integer(b"\x00" + octets(r)) + s_der),
        "r-top-bit-without-zero": tlv(0x30, integer(r_top) + s_der)
        if r_top[0] >= 0x80
        else tlv(0x30, integer(bytes([r_top[0] | 0x80]) + r_top[1:]) + s_der),
        "byte-after-s-inside": tlv(0x30, body + b"\x00"),
        "byte-after-sequence": tlv(0x30, body) + b"\x00",
        "long-form-length": b"\x30\x81" + bytes([len(body)]) + body,
        "r-zero": tlv(0x30, integer(b"\x00") + s_der),
        "s-zero": tlv(0x30, r_der + integer(b"\x00")),
        "s-at-least-n": tlv(0x30, r_der + integer(octets(s + order))),
        "r-at-least-n": tlv(0x30, integer(octets(r + order)) + s_der),
    }


LEAF_CASES = [
    "extra-zero-before-r",
    "r-top-bit-without-zero",
    "byte-after-s-inside",
    "byte-after-sequence",
    "long-form-length",
    "r-zero",
    "s-zero",
    "s-at-least-n",
    "r-at-least-n",
]


@pytest.fixture(scope="module")
def leaf(openssl_fixtures: Path) -> tuple[bytes, ECPublicKey]:
    """The P-256 server certificate and its issuer's public key."""
    data = certificate_der(openssl_fixtures / "server.crt")
    issuer = subject_key(
        certificate_der(openssl_fixtures / "intermediate.crt")
    )
    return data, issuer


def test_leaf_signature_verifies(
    backend: Backend, leaf: tuple[bytes, ECPublicKey]
) -> None:
    data, issuer = leaf
    tbs, _, signature = split_certificate(data)
    issuer.verify(signature, tbs, backend=backend)


@pytest.mark.parametrize("name", LEAF_CASES)
def test_leaf_malformed_signature_rejected(
    backend: Backend, leaf: tuple[bytes, ECPublicKey], name: str
) -> None:
    data, issuer = leaf
    _, _, signature = split_certificate(data)
    bad = leaf_signature_cases(signature, issuer.curve.n)[name]
    rebuilt = with_signature(data, bad)
    der.decode(rebuilt, rfc5280.Certificate())
    tbs, _, extracted = split_certificate(rebuilt)
    assert extracted == bad
    with pytest.raises(InvalidSignature):
        issuer.verify(extracted, tbs, backend=backend)


# --- Hostile DER -------------------------------------------------------------


def assert_malformed_quickly(data: bytes) -> DecodeError:
    start = time.perf_counter()
    with pytest.raises(DecodeError) as info:
        der.decode(data, rfc5280.Certificate())
    assert time.perf_counter() - start < 1.0
    assert "malformed DER" in str(info.value)
    return info.value


def test_pyasn1_version_is_safe() -> None:
    """pyasn1 before 0.6.4 raises the wrong exceptions or runs unbounded
    on the inputs below."""
    version = tuple(int(part) for part in pyasn1.__version__.split(".")[:3])
    assert version >= (0, 6, 4)


def test_octet_string_length_all_ff() -> None:
    assert_malformed_quickly(bytes.fromhex("0488ffffffffffffffff"))


def test_primitive_bit_string_indefinite() -> None:
    assert_malformed_quickly(bytes.fromhex("0380600000"))


def test_5000_nested_sequences_pem_certificate() -> None:
    inner = b""
    for _ in range(5000):
        inner = tlv(0x30, inner)
    text = pem.encode("CERTIFICATE", inner)
    assert 15_000 < len(inner) < 25_000
    (block,) = pem.read_blocks(text)
    assert_malformed_quickly(block.der)


def test_certificate_with_50000_arc_oid(openssl_fixtures: Path) -> None:
    data = certificate_der(openssl_fixtures / "server.crt")
    tbs, _, signature = split_certificate(data)
    oid = tlv(0x06, b"\x2a" + b"\x01" * 49_999)
    hostile = tlv(0x30, tbs + tlv(0x30, oid) + tlv(0x03, b"\x00" + signature))
    error = assert_malformed_quickly(hostile)
    assert error.path == "signatureAlgorithm.algorithm"
    assert error.offset == len(hostile) - len(signature) - 3 - len(oid)
