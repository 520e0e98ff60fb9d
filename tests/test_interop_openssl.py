"""Interoperability with the ``openssl`` command: keys purepki writes pass
``openssl pkey -check``, keys openssl writes load with the same numbers,
and signatures verify in both directions."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Union

import pytest

from purepki.algorithms import (
    ECDSA_SHA256,
    ECDSA_SHA384,
    ECDSA_SHA512,
    RSA_PKCS1_SHA256,
    RSA_PKCS1_SHA384,
    RSA_PKCS1_SHA512,
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.asn1 import der
from purepki.backend import Backend
from purepki.curves import P256, P384, P521
from purepki.errors import WrongObjectType
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

MESSAGE = b"signed by one tool, verified by the other\n"

FIXTURE_KEYS = [
    "webbridge3.key",
    "webbridge3-pkcs1.key",
    "callbridge.key",
    "dbca.key",
    "dbserver.key",
    "dbclient.key",
    "root.key",
    "intermediate.key",
    "server.key",
    "server-pkcs8.key",
    "server-key.der",
]


def run(openssl: str, *args: str, stdin: bytes = b"") -> bytes:
    """Run openssl; fail the test with its stderr when it exits non-zero."""
    result = subprocess.run(
        [openssl, *args], input=stdin, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def openssl_spki(openssl: str, path: Path, *options: str) -> bytes:
    """Return the SubjectPublicKeyInfo DER that openssl derives."""
    return run(
        openssl,
        "pkey",
        "-in",
        str(path),
        *options,
        "-pubout",
        "-outform",
        "DER",
    )


# Keys generated once per backend and module: RSA generation takes about a
# second with the pure backend.
_generated: dict[tuple[str, str], PrivateKey] = {}


def generated(backend: Backend, kind: str) -> PrivateKey:
    cache_key = (backend.name, kind)
    if cache_key not in _generated:
        if kind == "rsa":
            key: PrivateKey = generate_rsa_key(2048, backend=backend)
        elif kind == "p256":
            key = generate_ec_key(backend=backend)
        else:
            key = generate_ec_key(P384, backend=backend)
        _generated[cache_key] = key
    return _generated[cache_key]


def write(path: Path, content: Union[str, bytes]) -> Path:
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    return path


# --- Keys purepki writes -----------------------------------------------------


PRIVATE_CASES = [
    (kind, fmt, encoding)
    for kind in ("rsa", "p256", "p384")
    for fmt in (PrivateFormat.PKCS8, PrivateFormat.TRADITIONAL)
    for encoding in ("PEM", "DER")
]


@pytest.mark.parametrize(
    ("kind", "fmt", "encoding"),
    PRIVATE_CASES,
    ids=[f"{k}-{f.name}-{e}" for k, f, e in PRIVATE_CASES],
)
def test_written_private_key_passes_check(
    backend: Backend,
    openssl: str,
    tmp_path: Path,
    kind: str,
    fmt: PrivateFormat,
    encoding: str,
) -> None:
    key = generated(backend, kind)
    content = key.to_pem(fmt) if encoding == "PEM" else key.to_der(fmt)
    path = write(tmp_path / "key", content)
    run(
        openssl,
        "pkey",
        "-in",
        str(path),
        "-inform",
        encoding,
        "-check",
        "-noout",
    )
    spki = openssl_spki(openssl, path, "-inform", encoding)
    assert spki == key.public_key().to_der()


@pytest.mark.parametrize("kind", ["rsa", "p256", "p384"])
def test_written_traditional_pem_label(
    backend: Backend, openssl: str, tmp_path: Path, kind: str
) -> None:
    """openssl reads purepki's traditional file with the tool for its type
    (``openssl rsa`` or ``openssl ec``), which checks the label."""
    key = generated(backend, kind)
    path = write(tmp_path / "key.pem", key.to_pem(PrivateFormat.TRADITIONAL))
    tool = "rsa" if kind == "rsa" else "ec"
    run(openssl, tool, "-in", str(path), "-check", "-noout")


@pytest.mark.parametrize("kind", ["rsa", "p256", "p384"])
def test_written_pkcs8_equals_openssl_pkcs8(
    backend: Backend, openssl: str, tmp_path: Path, kind: str
) -> None:
    key = generated(backend, kind)
    traditional = write(
        tmp_path / "key.pem", key.to_pem(PrivateFormat.TRADITIONAL)
    )
    pkcs8 = run(
        openssl,
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        str(traditional),
        "-outform",
        "DER",
    )
    assert pkcs8 == key.to_der()


PUBLIC_CASES = [
    (kind, encoding)
    for kind in ("rsa", "p256", "p384")
    for encoding in ("PEM", "DER")
]


@pytest.mark.parametrize(
    ("kind", "encoding"),
    PUBLIC_CASES,
    ids=[f"{k}-{e}" for k, e in PUBLIC_CASES],
)
def test_written_spki_passes_pubcheck(
    backend: Backend, openssl: str, tmp_path: Path, kind: str, encoding: str
) -> None:
    public = generated(backend, kind).public_key()
    content = public.to_pem() if encoding == "PEM" else public.to_der()
    path = write(tmp_path / "pub", content)
    run(
        openssl,
        "pkey",
        "-pubin",
        "-in",
        str(path),
        "-inform",
        encoding,
        "-pubcheck",
        "-noout",
    )
    spki = run(
        openssl,
        "pkey",
        "-pubin",
        "-in",
        str(path),
        "-inform",
        encoding,
        "-outform",
        "DER",
    )
    assert spki == public.to_der()


@pytest.mark.parametrize("encoding", ["PEM", "DER"])
def test_written_rsa_pkcs1_public(
    backend: Backend, openssl: str, tmp_path: Path, encoding: str
) -> None:
    public = generated(backend, "rsa").public_key()
    assert isinstance(public, RSAPublicKey)
    fmt = PublicFormat.PKCS1
    content = public.to_pem(fmt) if encoding == "PEM" else public.to_der(fmt)
    path = write(tmp_path / "pub", content)
    spki = run(
        openssl,
        "rsa",
        "-RSAPublicKey_in",
        "-in",
        str(path),
        "-inform",
        encoding,
        "-pubout",
        "-outform",
        "DER",
    )
    assert spki == public.to_der()


def test_written_rsa_pkcs1_public_label(
    backend: Backend, openssl: str, tmp_path: Path
) -> None:
    public = generated(backend, "rsa").public_key()
    assert isinstance(public, RSAPublicKey)
    path = write(tmp_path / "pub.pem", public.to_pem(PublicFormat.PKCS1))
    written = run(
        openssl,
        "rsa",
        "-pubin",
        "-in",
        str(write(tmp_path / "spki.pem", public.to_pem())),
        "-RSAPublicKey_out",
    )
    assert written.decode() == path.read_text()


# --- Keys openssl writes -----------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_KEYS)
def test_fixture_key_loads_with_openssl_numbers(
    backend: Backend, openssl: str, openssl_fixtures: Path, name: str
) -> None:
    path = openssl_fixtures / name
    key = load_private_key(path.read_bytes(), source=name, backend=backend)
    inform = "DER" if name.endswith(".der") else "PEM"
    assert key.public_key().to_der() == openssl_spki(
        openssl, path, "-inform", inform
    )


@pytest.mark.parametrize(
    "name", [n for n in FIXTURE_KEYS if n.startswith(("web", "call", "db"))]
)
def test_fixture_rsa_modulus_matches(
    backend: Backend, openssl: str, openssl_fixtures: Path, name: str
) -> None:
    path = openssl_fixtures / name
    key = load_private_key(path.read_bytes(), backend=backend)
    assert isinstance(key, RSAPrivateKey)
    out = run(openssl, "rsa", "-in", str(path), "-modulus", "-noout")
    assert out.decode().strip() == f"Modulus={key.n:X}"


@pytest.mark.parametrize(
    "name", ["root.key", "intermediate.key", "server.key"]
)
def test_fixture_ec_private_value_matches(
    backend: Backend, openssl: str, openssl_fixtures: Path, name: str
) -> None:
    path = openssl_fixtures / name
    key = load_private_key(path.read_bytes(), backend=backend)
    assert isinstance(key, ECPrivateKey)
    text = run(openssl, "pkey", "-in", str(path), "-text", "-noout").decode()
    match = re.search(r"priv:\n((?:\s+[0-9a-f:]+\n)+)", text)
    assert match is not None
    digits = re.sub(r"[\s:]", "", match.group(1))
    assert int(digits, 16) == key.d


@pytest.mark.parametrize("name", FIXTURE_KEYS)
def test_fixture_key_round_trips_unchanged(
    backend: Backend, openssl_fixtures: Path, name: str
) -> None:
    key = load_private_key(
        (openssl_fixtures / name).read_bytes(), backend=backend
    )
    for fmt in PrivateFormat:
        assert load_private_key(key.to_der(fmt), backend=backend) == key
        pem_bytes = key.to_pem(fmt).encode()
        assert load_private_key(pem_bytes, backend=backend) == key


def test_fixture_pkcs8_bytes_equal_openssl(
    openssl_fixtures: Path, backend: Backend
) -> None:
    key = load_private_key(
        (openssl_fixtures / "server-pkcs8.key").read_bytes(), backend=backend
    )
    assert key.to_pem() == (openssl_fixtures / "server-pkcs8.key").read_text()


def test_fixture_pkcs1_bytes_equal_openssl(
    openssl_fixtures: Path, backend: Backend
) -> None:
    path = openssl_fixtures / "webbridge3-pkcs1.key"
    key = load_private_key(path.read_bytes(), backend=backend)
    assert key.to_pem(PrivateFormat.TRADITIONAL) == path.read_text()


@pytest.fixture(scope="module")
def openssl_made(
    openssl: str, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Keys made by openssl commands other than the fixture script uses."""
    out = tmp_path_factory.mktemp("openssl-made")

    def make(*args: str) -> None:
        run(openssl, *args)

    make(
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        str(out / "genpkey-rsa.key"),
    )
    make(
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        str(out / "genpkey-ec.key"),
    )
    make(
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-out",
        str(out / "ecparam.key"),
    )
    make(
        "ec",
        "-in",
        str(out / "ecparam.key"),
        "-no_public",
        "-out",
        str(out / "no-public.key"),
    )
    make(
        "ec",
        "-in",
        str(out / "ecparam.key"),
        "-no_public",
        "-outform",
        "DER",
        "-out",
        str(out / "no-public.der"),
    )
    make(
        "ec",
        "-in",
        str(out / "ecparam.key"),
        "-param_out",
        "-out",
        str(out / "param-out.pem"),
    )
    make("ec", "-in", str(out / "ecparam.key"), "-out", str(out / "sec1.key"))
    (out / "param-out.key").write_bytes(
        (out / "param-out.pem").read_bytes() + (out / "sec1.key").read_bytes()
    )
    make(
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        str(out / "no-public.key"),
        "-out",
        str(out / "no-public-pkcs8.key"),
    )
    make(
        "ecparam",
        "-name",
        "secp384r1",
        "-genkey",
        "-noout",
        "-out",
        str(out / "p384.key"),
    )
    make(
        "ecparam",
        "-name",
        "secp521r1",
        "-genkey",
        "-noout",
        "-out",
        str(out / "p521.key"),
    )
    for curve in ("p384", "p521"):
        make(
            "pkey",
            "-in",
            str(out / f"{curve}.key"),
            "-pubout",
            "-out",
            str(out / f"{curve}.pub"),
        )
        make(
            "pkey",
            "-in",
            str(out / f"{curve}.key"),
            "-pubout",
            "-outform",
            "DER",
            "-out",
            str(out / f"{curve}-pub.der"),
        )
        make(
            "ec",
            "-in",
            str(out / f"{curve}.key"),
            "-pubout",
            "-conv_form",
            "compressed",
            "-out",
            str(out / f"{curve}-compressed.pub"),
        )
    make(
        "rsa",
        "-in",
        str(out / "genpkey-rsa.key"),
        "-RSAPublicKey_out",
        "-out",
        str(out / "rsa-pkcs1.pub"),
    )
    return out


OPENSSL_MADE_PRIVATE = [
    "genpkey-rsa.key",
    "genpkey-ec.key",
    "ecparam.key",
    "no-public.key",
    "no-public.der",
    "param-out.key",
    "no-public-pkcs8.key",
    "p384.key",
    "p521.key",
]


@pytest.mark.parametrize("name", OPENSSL_MADE_PRIVATE)
def test_openssl_made_private_key_loads(
    backend: Backend, openssl: str, openssl_made: Path, name: str
) -> None:
    path = openssl_made / name
    key = load_private_key(path.read_bytes(), source=name, backend=backend)
    inform = "DER" if name.endswith(".der") else "PEM"
    assert key.public_key().to_der() == openssl_spki(
        openssl, path, "-inform", inform
    )


def test_ecparam_file_starts_with_parameters(openssl_made: Path) -> None:
    text = (openssl_made / "ecparam.key").read_text()
    assert text.startswith("-----BEGIN EC PARAMETERS-----")


def test_param_out_alone_is_not_a_key(
    backend: Backend, openssl_made: Path
) -> None:
    """``openssl ec -param_out`` writes only the EC PARAMETERS block."""
    data = (openssl_made / "param-out.pem").read_bytes()
    with pytest.raises(WrongObjectType) as info:
        load_private_key(data, backend=backend)
    assert "'EC PARAMETERS'" in info.value.reason


def test_no_public_key_file_lacks_point(openssl_made: Path) -> None:
    """The -no_public SEC 1 body has no [1] publicKey, so purepki derives
    the point; the derived key equals the one with the point."""
    data = (openssl_made / "no-public.der").read_bytes()
    tags = [(node.tag_class, node.number) for node in der.scan(data).children]
    assert tags == [(0, 2), (0, 4), (der.CLASS_CONTEXT, 0)]
    full = load_private_key((openssl_made / "ecparam.key").read_bytes())
    assert load_private_key(data) == full


def test_p521_private_key_loads_for_verify_only(
    openssl_made: Path, backend: Backend
) -> None:
    key = load_private_key(
        (openssl_made / "p521.key").read_bytes(), backend=backend
    )
    assert isinstance(key, ECPrivateKey)
    assert key.curve == P521


@pytest.mark.parametrize(
    ("name", "curve"),
    [
        ("p384.pub", P384),
        ("p384-pub.der", P384),
        ("p384-compressed.pub", P384),
        ("p521.pub", P521),
        ("p521-pub.der", P521),
        ("p521-compressed.pub", P521),
    ],
)
def test_openssl_public_key_loads(
    openssl: str, openssl_made: Path, name: str, curve: object
) -> None:
    path = openssl_made / name
    public = load_public_key(path.read_bytes(), source=name)
    assert isinstance(public, ECPublicKey)
    assert public.curve == curve
    private = openssl_made / (name.split("-")[0].split(".")[0] + ".key")
    assert public.to_der() == openssl_spki(openssl, private)


def test_openssl_rsa_pkcs1_public_loads(
    openssl: str, openssl_made: Path
) -> None:
    public = load_public_key((openssl_made / "rsa-pkcs1.pub").read_bytes())
    spki = openssl_spki(openssl, openssl_made / "genpkey-rsa.key")
    assert public.to_der() == spki


# --- Signatures in both directions -------------------------------------------


RSA_ALGORITHMS = {
    "sha256": RSA_PKCS1_SHA256,
    "sha384": RSA_PKCS1_SHA384,
    "sha512": RSA_PKCS1_SHA512,
}
PSS_OPTIONS = [
    "-sigopt",
    "rsa_padding_mode:pss",
    "-sigopt",
    "rsa_pss_saltlen:digest",
]


def pss(digest: str) -> SignatureAlgorithm:
    return SignatureAlgorithm(
        SignatureScheme.RSA_PSS, HashAlgorithm.from_name(digest)
    )


@pytest.fixture(scope="module")
def signing_keys(
    openssl_fixtures: Path, openssl_made: Path
) -> dict[str, Path]:
    return {
        "rsa": openssl_fixtures / "webbridge3.key",
        "p256": openssl_fixtures / "server.key",
        "p384": openssl_made / "p384.key",
    }


def verify_with_openssl(
    openssl: str,
    tmp_path: Path,
    key: PrivateKey,
    digest: str,
    signature: bytes,
    *options: str,
) -> None:
    public = write(tmp_path / "pub.pem", key.public_key().to_pem())
    data = write(tmp_path / "message", MESSAGE)
    sig = write(tmp_path / "signature", signature)
    out = run(
        openssl,
        "dgst",
        f"-{digest}",
        "-verify",
        str(public),
        *options,
        "-signature",
        str(sig),
        str(data),
    )
    assert out.strip() == b"Verified OK"


def sign_with_openssl(
    openssl: str, tmp_path: Path, key: Path, digest: str, *options: str
) -> bytes:
    data = write(tmp_path / "message", MESSAGE)
    return run(
        openssl, "dgst", f"-{digest}", "-sign", str(key), *options, str(data)
    )


@pytest.mark.parametrize("digest", sorted(RSA_ALGORITHMS))
def test_purepki_rsa_pkcs1_verifies_in_openssl(
    backend: Backend,
    openssl: str,
    signing_keys: dict[str, Path],
    tmp_path: Path,
    digest: str,
) -> None:
    key = load_private_key(signing_keys["rsa"].read_bytes(), backend=backend)
    signature = key.sign(MESSAGE, RSA_ALGORITHMS[digest], backend=backend)
    verify_with_openssl(openssl, tmp_path, key, digest, signature)


@pytest.mark.parametrize("digest", sorted(RSA_ALGORITHMS))
def test_openssl_rsa_pkcs1_verifies_in_purepki(
    backend: Backend,
    openssl: str,
    signing_keys: dict[str, Path],
    tmp_path: Path,
    digest: str,
) -> None:
    signature = sign_with_openssl(
        openssl, tmp_path, signing_keys["rsa"], digest
    )
    key = load_private_key(signing_keys["rsa"].read_bytes(), backend=backend)
    key.public_key().verify(
        signature, MESSAGE, RSA_ALGORITHMS[digest], backend=backend
    )


@pytest.mark.parametrize("digest", sorted(RSA_ALGORITHMS))
def test_purepki_rsa_pss_verifies_in_openssl(
    backend: Backend,
    openssl: str,
    signing_keys: dict[str, Path],
    tmp_path: Path,
    digest: str,
) -> None:
    key = load_private_key(signing_keys["rsa"].read_bytes(), backend=backend)
    signature = key.sign(MESSAGE, pss(digest), backend=backend)
    verify_with_openssl(
        openssl, tmp_path, key, digest, signature, *PSS_OPTIONS
    )


@pytest.mark.parametrize("digest", sorted(RSA_ALGORITHMS))
def test_openssl_rsa_pss_verifies_in_purepki(
    backend: Backend,
    openssl: str,
    signing_keys: dict[str, Path],
    tmp_path: Path,
    digest: str,
) -> None:
    signature = sign_with_openssl(
        openssl, tmp_path, signing_keys["rsa"], digest, *PSS_OPTIONS
    )
    key = load_private_key(signing_keys["rsa"].read_bytes(), backend=backend)
    key.public_key().verify(signature, MESSAGE, pss(digest), backend=backend)


ECDSA_CASES = [
    ("p256", "sha256", ECDSA_SHA256),
    ("p256", "sha384", ECDSA_SHA384),
    ("p256", "sha512", ECDSA_SHA512),
    ("p384", "sha384", ECDSA_SHA384),
    ("p384", "sha256", ECDSA_SHA256),
    ("p384", "sha512", ECDSA_SHA512),
]


@pytest.mark.parametrize(
    ("curve", "digest", "algorithm"),
    ECDSA_CASES,
    ids=[f"{c}-{d}" for c, d, _ in ECDSA_CASES],
)
def test_purepki_ecdsa_verifies_in_openssl(
    backend: Backend,
    openssl: str,
    signing_keys: dict[str, Path],
    tmp_path: Path,
    curve: str,
    digest: str,
    algorithm: SignatureAlgorithm,
) -> None:
    key = load_private_key(signing_keys[curve].read_bytes(), backend=backend)
    signature = key.sign(MESSAGE, algorithm, backend=backend)
    verify_with_openssl(openssl, tmp_path, key, digest, signature)


@pytest.mark.parametrize(
    ("curve", "digest", "algorithm"),
    ECDSA_CASES,
    ids=[f"{c}-{d}" for c, d, _ in ECDSA_CASES],
)
def test_openssl_ecdsa_verifies_in_purepki(
    backend: Backend,
    openssl: str,
    signing_keys: dict[str, Path],
    tmp_path: Path,
    curve: str,
    digest: str,
    algorithm: SignatureAlgorithm,
) -> None:
    signature = sign_with_openssl(
        openssl, tmp_path, signing_keys[curve], digest
    )
    key = load_private_key(signing_keys[curve].read_bytes(), backend=backend)
    key.public_key().verify(signature, MESSAGE, algorithm, backend=backend)


def test_openssl_p521_signature_verifies(
    backend: Backend, openssl: str, openssl_made: Path, tmp_path: Path
) -> None:
    signature = sign_with_openssl(
        openssl, tmp_path, openssl_made / "p521.key", "sha512"
    )
    public = load_public_key((openssl_made / "p521.pub").read_bytes())
    public.verify(signature, MESSAGE, backend=backend)


def test_generated_key_signature_verifies_in_openssl(
    backend: Backend, openssl: str, tmp_path: Path
) -> None:
    key = generated(backend, "p256")
    signature = key.sign(MESSAGE, backend=backend)
    verify_with_openssl(openssl, tmp_path, key, "sha256", signature)
    assert key.curve == P256
