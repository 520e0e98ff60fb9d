"""OpenSSH public key lines and fingerprints, checked with ssh-keygen."""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

from purepki import ssh
from purepki.backend import Backend
from purepki.curves import P384
from purepki.errors import DecodeError, UnsupportedAlgorithm
from purepki.keys import (
    ECPrivateKey,
    PrivateFormat,
    PrivateKey,
    RSAPublicKey,
    generate_ec_key,
    load_private_key,
)
from purepki.pkcs12 import load_pkcs12


@pytest.fixture(scope="session")
def ssh_keygen() -> str:
    """Path of ssh-keygen; skips the test when it is missing."""
    path = shutil.which("ssh-keygen")
    if path is None:
        pytest.skip("ssh-keygen not found")
    return path


def _keygen(ssh_keygen: str, *args: str) -> str:
    result = subprocess.run(
        [ssh_keygen, *args], check=True, capture_output=True, text=True
    )
    return result.stdout


def _fingerprint_of(ssh_keygen: str, path: Path) -> str:
    # ssh-keygen -l prints "BITS SHA256:... COMMENT (TYPE)".
    return _keygen(ssh_keygen, "-l", "-f", str(path)).split()[1]


def _key(directory: Path, name: str, backend: Backend) -> PrivateKey:
    return load_private_key((directory / name).read_bytes(), backend=backend)


def _blob_fields(line: str) -> list[bytes]:
    blob = base64.b64decode(line.split()[1])
    fields = []
    while blob:
        (length,) = struct.unpack(">I", blob[:4])
        fields.append(blob[4 : 4 + length])
        blob = blob[4 + length :]
    return fields


KEYS = [
    pytest.param("webbridge3.key", "ssh-rsa", id="rsa-2048"),
    pytest.param("server.key", "ecdsa-sha2-nistp256", id="p256"),
]


@pytest.mark.parametrize(("name", "kind"), KEYS)
def test_line_format(
    backend: Backend, openssl_fixtures: Path, name: str, kind: str
) -> None:
    key = _key(openssl_fixtures, name, backend)
    line = ssh.public_key_line(key, "user@example.test")
    assert line.startswith(f"{kind} ")
    assert line.endswith(" user@example.test")
    assert ssh.load_public_key_line(line) == key.public_key()


def test_rsa_mpint_has_zero_prefix(
    backend: Backend, openssl_fixtures: Path
) -> None:
    key = _key(openssl_fixtures, "webbridge3.key", backend)
    public = key.public_key()
    assert isinstance(public, RSAPublicKey)
    # A 2048-bit modulus has its top bit set, so its mpint needs a 00
    # byte to stay positive (RFC 4251 section 5).
    assert public.n.bit_length() % 8 == 0
    name, e, n = _blob_fields(ssh.public_key_line(key))
    assert name == b"ssh-rsa"
    assert e == b"\x01\x00\x01"
    assert n[:1] == b"\x00"
    assert len(n) == 257
    assert int.from_bytes(n, "big") == public.n


def test_p256_blob_fields(backend: Backend, openssl_fixtures: Path) -> None:
    key = _key(openssl_fixtures, "server.key", backend)
    assert isinstance(key, ECPrivateKey)
    name, curve, point = _blob_fields(ssh.public_key_line(key))
    assert name == b"ecdsa-sha2-nistp256"
    assert curve == b"nistp256"
    assert point == key.public_key().point()
    assert point[:1] == b"\x04"


@pytest.mark.parametrize(("name", "kind"), KEYS)
def test_fingerprint_matches_ssh_keygen(
    backend: Backend,
    ssh_keygen: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    name: str,
    kind: str,
) -> None:
    key = _key(openssl_fixtures, name, backend)
    line_path = tmp_path / "key.pub"
    line_path.write_text(ssh.public_key_line(key, "purepki") + "\n")
    assert _fingerprint_of(ssh_keygen, line_path) == ssh.fingerprint(key)


@pytest.mark.parametrize(("name", "kind"), KEYS)
@pytest.mark.parametrize(
    "form", [PrivateFormat.PKCS8, PrivateFormat.TRADITIONAL]
)
def test_ssh_keygen_reads_written_private_key(
    backend: Backend,
    ssh_keygen: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    name: str,
    kind: str,
    form: PrivateFormat,
) -> None:
    key = _key(openssl_fixtures, name, backend)
    private_path = tmp_path / "id"
    private_path.write_text(key.to_pem(form))
    private_path.chmod(0o600)
    derived = _keygen(ssh_keygen, "-y", "-f", str(private_path)).strip()
    assert derived.split()[:2] == ssh.public_key_line(key).split()[:2]
    derived_path = tmp_path / "derived.pub"
    derived_path.write_text(derived + "\n")
    assert _fingerprint_of(ssh_keygen, derived_path) == ssh.fingerprint(key)


@pytest.mark.parametrize(("name", "kind"), KEYS)
def test_matches_ssh_keygen_import(
    backend: Backend,
    ssh_keygen: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    name: str,
    kind: str,
) -> None:
    key = _key(openssl_fixtures, name, backend)
    pub_pem = tmp_path / "pub.pem"
    pub_pem.write_text(key.public_key().to_pem())
    imported = _keygen(ssh_keygen, "-i", "-m", "PKCS8", "-f", str(pub_pem))
    assert imported.split()[:2] == ssh.public_key_line(key).split()[:2]


@pytest.mark.parametrize("name", ["server.p12", "callbridge-legacy.p12"])
def test_pkcs12_to_ssh(
    backend: Backend,
    ssh_keygen: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    name: str,
) -> None:
    path = openssl_fixtures / name
    if not path.exists():
        pytest.skip("this openssl has no legacy provider")
    contents = load_pkcs12(path.read_bytes(), "secret", backend=backend)
    assert contents.key is not None
    assert contents.certificate is not None
    line = ssh.public_key_line(contents.certificate.public_key)
    line_path = tmp_path / "user.pub"
    line_path.write_text(line + "\n")
    assert _fingerprint_of(ssh_keygen, line_path) == ssh.fingerprint(
        contents.key
    )


def test_p384_line(backend: Backend) -> None:
    key = generate_ec_key(P384, backend=backend)
    line = ssh.public_key_line(key)
    assert line.startswith("ecdsa-sha2-nistp384 ")
    assert ssh.load_public_key_line(line) == key.public_key()


def test_rsa_pss_key_unsupported(
    backend: Backend, openssl_fixtures: Path
) -> None:
    key = _key(openssl_fixtures, "webbridge3.key", backend)
    public = key.public_key()
    assert isinstance(public, RSAPublicKey)
    pss = RSAPublicKey(public.n, public.e, pss_only=True)
    with pytest.raises(UnsupportedAlgorithm, match="RSA-PSS"):
        ssh.public_key_line(pss)


def test_other_object_unsupported() -> None:
    with pytest.raises(UnsupportedAlgorithm, match="unsupported key type"):
        ssh.public_key_line("not a key")  # type: ignore[arg-type]


def test_comment_must_be_one_line(
    backend: Backend, openssl_fixtures: Path
) -> None:
    key = _key(openssl_fixtures, "server.key", backend)
    with pytest.raises(ValueError):
        ssh.public_key_line(key, "two\nlines")


@pytest.mark.parametrize(
    "line",
    [
        "ssh-rsa",
        "ssh-rsa !!!!",
        "ssh-rsa " + base64.b64encode(b"\x00\x00\x00\x07ssh-dss").decode(),
        "ssh-rsa " + base64.b64encode(b"\x00\x00\x00\x07ssh-rsa\x00").decode(),
        "ssh-rsa "
        + base64.b64encode(
            b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x01\x81"
        ).decode(),
    ],
)
def test_malformed_line(line: str) -> None:
    with pytest.raises(DecodeError):
        ssh.load_public_key_line(line)


def test_unknown_type_unsupported() -> None:
    blob = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519").decode()
    with pytest.raises(UnsupportedAlgorithm, match="ssh-ed25519"):
        ssh.load_public_key_line(f"ssh-ed25519 {blob}")


# --- authorized_keys options (sshd(8), AUTHORIZED_KEYS FILE FORMAT) ----------


@pytest.mark.parametrize(
    "options",
    [
        'from="10.0.0.1",no-pty',
        'command="echo \\"a b\\"",no-agent-forwarding',
        'environment="NAME=two words"',
        "restrict",
    ],
)
def test_authorized_keys_options_skipped(
    backend: Backend,
    ssh_keygen: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    options: str,
) -> None:
    key = _key(openssl_fixtures, "server.key", backend)
    line = f"{options} {ssh.public_key_line(key, 'me@host')}"
    assert ssh.load_public_key_line(line) == key.public_key()
    authorized = tmp_path / "authorized_keys"
    authorized.write_text(line + "\n")
    assert _fingerprint_of(ssh_keygen, authorized) == ssh.fingerprint(key)


def test_line_without_options_unchanged() -> None:
    line = "ssh-rsa AAAA comment with spaces"
    assert ssh.without_options(line) == line


@pytest.mark.parametrize("line", ['from="a b"', "restrict", "restrict x"])
def test_options_only_line_rejected(line: str) -> None:
    with pytest.raises(DecodeError, match="TYPE BASE64"):
        ssh.load_public_key_line(line)


def test_openssh_private_key_named_not_read(
    ssh_keygen: str, tmp_path: Path, cli: Any
) -> None:
    key = tmp_path / "id_ecdsa"
    subprocess.run(
        [ssh_keygen, "-q", "-t", "ecdsa", "-N", "", "-f", str(key)],
        check=True,
    )
    code, out, err = cli.run("inspect", str(key))
    assert code == 0
    assert "openssh-key-v1" in out
    assert "ssh-keygen -p -m PEM" in out
    assert "INVALID" not in out + err
