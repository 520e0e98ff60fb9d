"""``unlock``, ``pkcs12-to-ssh`` and ``pkcs12`` run in-process through
``main([...])`` on files made by openssl, and ``inspect`` and ``list`` on
encrypted keys and PKCS#12 files. Files that a command must not change
are compared byte for byte, with their mode, mtime and inode."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
from cli_support import CLI, BackendCLI, Result

from purepki import pem, ssh
from purepki.backend import Backend
from purepki.certificate import load_certificates
from purepki.keys import (
    PrivateKey,
    RSAPublicKey,
    load_private_key,
    private_key_encryption,
)
from purepki.pkcs12 import describe_pkcs12, load_pkcs12

PASSWORD = "secret"

# (encrypted fixture, the unencrypted key it was made from, PEM label
# that unlock writes, scheme that inspect shows).
FIXTURE_KEYS = [
    (
        "server-pkcs8-enc.key",
        "server.key",
        "PRIVATE KEY",
        "PKCS#8, PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)",
    ),
    (
        "webbridge3-legacy-aes.key",
        "webbridge3.key",
        "RSA PRIVATE KEY",
        "legacy PEM, AES-128-CBC",
    ),
    (
        "webbridge3-legacy-3des.key",
        "webbridge3.key",
        "RSA PRIVATE KEY",
        "legacy PEM, DES-EDE3-CBC",
    ),
    (
        "server-legacy-aes.key",
        "server.key",
        "EC PRIVATE KEY",
        "legacy PEM, AES-256-CBC",
    ),
]
FIXTURE_IDS = [name for name, *_ in FIXTURE_KEYS]

# Legacy PEM keys made in this module: (file, PEM label, DEK-Info cipher).
MADE_KEYS = [
    ("rsa-aes128.pem", "RSA PRIVATE KEY", "AES-128-CBC"),
    ("ec-aes256.pem", "EC PRIVATE KEY", "AES-256-CBC"),
    ("ec-des3.pem", "EC PRIVATE KEY", "DES-EDE3-CBC"),
]

# (PKCS#12 file, OpenSSH key type of the key inside).
PKCS12_FILES = [
    pytest.param("server.p12", "ecdsa-sha2-nistp256", id="p256"),
    pytest.param("rsa.p12", "ssh-rsa", id="rsa-2048"),
    pytest.param("callbridge-legacy.p12", "ssh-rsa", id="legacy-rsa"),
]

#: A fixed old time, so that a rewrite shows in the mtime.
OLD_TIME_NS = 1_000_000_000 * 1_000_000_000


# --- Helpers -----------------------------------------------------------------


class FakeTerminal(io.StringIO):
    """Standard input that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


class Prompts:
    """A stand-in for :func:`getpass.getpass` that returns the given
    answers in turn and records each prompt and its stream."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, object]] = []

    def __call__(self, prompt: str = "", stream: object = None) -> str:
        self.calls.append((prompt, stream))
        return self.answers.pop(0)


def use_terminal(cli: CLI, *answers: str) -> Prompts:
    """Make standard input a terminal and answer password prompts with
    ``answers`` in turn. Return the :class:`Prompts` that records the
    prompts."""
    import getpass

    prompts = Prompts(*answers)
    cli.monkeypatch.setattr(sys, "stdin", FakeTerminal())
    cli.monkeypatch.setattr(getpass, "getpass", prompts)
    return prompts


def age(path: Path) -> Path:
    """Give a file mode 0640 and an old mtime, so that any rewrite
    shows."""
    path.chmod(0o640)
    os.utime(path, ns=(OLD_TIME_NS, OLD_TIME_NS))
    return path


def copy(source: Path, target: Path) -> Path:
    """Copy a file and :func:`age` the copy."""
    shutil.copyfile(source, target)
    return age(target)


def snapshot(path: Path) -> tuple[bytes, int, int, int]:
    """Return a file's bytes, mode, mtime and inode."""
    info = path.stat()
    return (
        path.read_bytes(),
        stat.S_IMODE(info.st_mode),
        info.st_mtime_ns,
        info.st_ino,
    )


def write_aged(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new file and :func:`age` it."""
    path.write_bytes(data)
    return age(path)


def write_password_file(path: Path, content: str) -> Path:
    """Write ``content`` as it is, line ends included, to a password
    file."""
    path.write_bytes(content.encode())
    return path


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def openssl_run(
    openssl: str, *arguments: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [openssl, *arguments], capture_output=True, text=True, check=False
    )


def openssl_ok(openssl: str, *arguments: str) -> str:
    result = openssl_run(openssl, *arguments)
    assert result.returncode == 0, result.stderr
    return result.stdout


def key_of(path: Path, backend: Backend) -> PrivateKey:
    return load_private_key(path.read_bytes(), backend=backend)


def pkcs12_key(path: Path, backend: Backend) -> PrivateKey:
    """Return the private key of a PKCS#12 file with password
    ``secret``."""
    contents = load_pkcs12(path.read_bytes(), PASSWORD, backend=backend)
    assert contents.key is not None
    return contents.key


def first_label(path: Path) -> str:
    line = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    return line.removeprefix("-----BEGIN ").removesuffix("-----")


@pytest.fixture(scope="module")
def made_keys(
    tmp_path_factory: pytest.TempPathFactory,
    openssl: str,
    openssl_fixtures: Path,
) -> Path:
    """Keys made here with openssl, password ``secret``: legacy PEM with
    AES-128 (RSA), AES-256 and 3DES (EC) and Camellia-256 (EC, which
    purepki does not read), encrypted PKCS#8 DER, and PKCS#8 PEM with
    PBES2 and Camellia-256."""
    folder = tmp_path_factory.mktemp("made-keys")
    server_key = str(openssl_fixtures / "server.key")
    passout = f"pass:{PASSWORD}"
    openssl_ok(
        openssl, "genrsa", "-aes128", "-traditional", "-passout", passout,
        "-out", str(folder / "rsa-aes128.pem"), "2048",
    )  # fmt: skip
    for cipher, name in (
        ("-aes256", "ec-aes256.pem"),
        ("-des3", "ec-des3.pem"),
        ("-camellia256", "ec-camellia.pem"),
    ):
        openssl_ok(
            openssl, "ec", "-in", server_key, cipher, "-passout", passout,
            "-out", str(folder / name),
        )  # fmt: skip
    openssl_ok(
        openssl, "pkcs8", "-topk8", "-in", server_key, "-outform", "DER",
        "-v2", "aes-256-cbc", "-passout", passout,
        "-out", str(folder / "server-enc.der"),
    )  # fmt: skip
    openssl_ok(
        openssl, "pkcs8", "-topk8", "-in", server_key,
        "-v2", "camellia-256-cbc", "-passout", passout,
        "-out", str(folder / "pkcs8-camellia.pem"),
    )  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def pkcs12_files(
    tmp_path_factory: pytest.TempPathFactory,
    openssl: str,
    openssl_fixtures: Path,
) -> Path:
    """PKCS#12 files, password ``secret``: the fixtures' P-256 and legacy
    RSA files, an RSA-2048 file in openssl's default form, a P-384 file,
    and two files with certificates only."""
    folder = tmp_path_factory.mktemp("pkcs12")
    for name in ("server.p12", "callbridge-legacy.p12"):
        if (openssl_fixtures / name).exists():
            shutil.copyfile(openssl_fixtures / name, folder / name)
    passout = f"pass:{PASSWORD}"
    openssl_ok(
        openssl, "pkcs12", "-export",
        "-inkey", str(openssl_fixtures / "callbridge.key"),
        "-in", str(openssl_fixtures / "callbridge.crt"),
        "-out", str(folder / "rsa.p12"), "-passout", passout,
    )  # fmt: skip
    openssl_ok(
        openssl, "req", "-x509", "-nodes", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:secp384r1", "-subj", "/CN=p384",
        "-days", "30", "-keyout", str(folder / "p384.key"),
        "-out", str(folder / "p384.crt"),
    )  # fmt: skip
    openssl_ok(
        openssl, "pkcs12", "-export",
        "-inkey", str(folder / "p384.key"), "-in", str(folder / "p384.crt"),
        "-out", str(folder / "p384.p12"), "-passout", passout,
    )  # fmt: skip
    openssl_ok(
        openssl, "pkcs12", "-export", "-nokeys",
        "-in", str(openssl_fixtures / "server.crt"),
        "-out", str(folder / "certificate-only.p12"), "-passout", passout,
    )  # fmt: skip
    openssl_ok(
        openssl, "pkcs12", "-export", "-nokeys",
        "-in", str(openssl_fixtures / "fullchain.pem"),
        "-out", str(folder / "chain-only.p12"), "-passout", passout,
    )  # fmt: skip
    return folder


@pytest.fixture(scope="session")
def ssh_keygen() -> str:
    """Path of ssh-keygen; skips the test when it is missing."""
    path = shutil.which("ssh-keygen")
    if path is None:
        pytest.skip("ssh-keygen not found")
    return path


def pkcs12_path(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.exists():
        pytest.skip("this openssl has no legacy provider")
    return path


@pytest.fixture
def encrypted_key(tmp_path: Path, openssl_fixtures: Path) -> Path:
    """An aged copy of the fixtures' PKCS#8 key encrypted with
    ``secret``, at ``k.key`` in ``tmp_path``."""
    return copy(openssl_fixtures / "server-pkcs8-enc.key", tmp_path / "k.key")


def unlock(cli: CLI, path: Path, password: str) -> Result:
    """Run ``unlock`` on ``path`` with ``password`` on standard input."""
    return cli.run_with_input(
        password, "unlock", str(path), "--password-stdin"
    )


# --- unlock ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "original", "label", "scheme"), FIXTURE_KEYS, ids=FIXTURE_IDS
)
def test_unlock_fixture(
    backend_cli: BackendCLI,
    tmp_path: Path,
    openssl: str,
    openssl_fixtures: Path,
    name: str,
    original: str,
    label: str,
    scheme: str,
) -> None:
    backend = backend_cli.backend
    path = copy(openssl_fixtures / name, tmp_path / name)
    code, out, err = unlock(backend_cli, path, f"{PASSWORD}\n")
    assert code == 0, err
    assert f"wrote {path}: unlocked private key" in out
    assert f"removed encryption: {scheme}" in out
    assert first_label(path) == label
    assert mode_of(path) == 0o600
    assert private_key_encryption(path.read_bytes()) is None
    assert key_of(path, backend) == key_of(
        openssl_fixtures / original, backend
    )
    openssl_ok(openssl, "pkey", "-check", "-noout", "-in", str(path))


@pytest.mark.parametrize(
    ("name", "original", "label", "scheme"), FIXTURE_KEYS, ids=FIXTURE_IDS
)
def test_unlock_wrong_password_leaves_file(
    backend_cli: BackendCLI,
    tmp_path: Path,
    openssl_fixtures: Path,
    name: str,
    original: str,
    label: str,
    scheme: str,
) -> None:
    path = copy(openssl_fixtures / name, tmp_path / name)
    before = snapshot(path)
    code, out, err = unlock(backend_cli, path, "wrong\n")
    assert code == 1
    assert "bad password" in err
    assert out == ""
    assert snapshot(path) == before
    assert sorted(os.listdir(tmp_path)) == [name]


@pytest.mark.parametrize(
    ("name", "label", "cipher"), MADE_KEYS, ids=[n for n, *_ in MADE_KEYS]
)
def test_unlock_openssl_legacy_pem(
    backend_cli: BackendCLI,
    tmp_path: Path,
    openssl: str,
    made_keys: Path,
    name: str,
    label: str,
    cipher: str,
) -> None:
    source = made_keys / name
    expected = openssl_ok(
        openssl, "pkey", "-in", str(source), "-passin", f"pass:{PASSWORD}"
    )
    path = copy(source, tmp_path / name)
    code, out, err = unlock(backend_cli, path, PASSWORD)
    assert code == 0, err
    assert f"legacy PEM, {cipher}" in out
    assert first_label(path) == label
    assert mode_of(path) == 0o600
    assert key_of(path, backend_cli.backend) == load_private_key(
        expected.encode()
    )
    openssl_ok(openssl, "pkey", "-check", "-noout", "-in", str(path))


@pytest.mark.parametrize(
    ("name", "label", "cipher"), MADE_KEYS, ids=[n for n, *_ in MADE_KEYS]
)
def test_unlock_openssl_legacy_pem_wrong_password(
    backend_cli: BackendCLI,
    tmp_path: Path,
    made_keys: Path,
    name: str,
    label: str,
    cipher: str,
) -> None:
    path = copy(made_keys / name, tmp_path / name)
    before = snapshot(path)
    code, _, err = unlock(backend_cli, path, "Secret\n")
    assert code == 1
    assert "bad password" in err
    assert cipher in err
    assert snapshot(path) == before


def test_unlock_der_stays_der(
    backend_cli: BackendCLI,
    tmp_path: Path,
    openssl: str,
    made_keys: Path,
    openssl_fixtures: Path,
) -> None:
    backend = backend_cli.backend
    path = copy(made_keys / "server-enc.der", tmp_path / "server.der")
    code, out, err = unlock(backend_cli, path, f"{PASSWORD}\n")
    assert code == 0, err
    assert "PKCS#8 DER" in out
    assert path.read_bytes()[:1] == b"\x30"
    assert mode_of(path) == 0o600
    assert key_of(path, backend) == key_of(
        openssl_fixtures / "server.key", backend
    )
    openssl_ok(
        openssl, "pkey", "-check", "-noout", "-inform", "DER",
        "-in", str(path),
    )  # fmt: skip


def test_unlock_encrypted_pkcs8_under_plain_label(
    backend_cli: BackendCLI, tmp_path: Path, openssl_fixtures: Path
) -> None:
    text = (openssl_fixtures / "server-pkcs8-enc.key").read_text()
    path = tmp_path / "relabelled.key"
    path.write_text(text.replace("ENCRYPTED PRIVATE KEY", "PRIVATE KEY"))
    code, _, err = unlock(backend_cli, path, PASSWORD)
    assert code == 0, err
    assert first_label(path) == "PRIVATE KEY"
    assert private_key_encryption(path.read_bytes()) is None


@pytest.mark.parametrize(
    "content",
    [f"{PASSWORD}\n", f"{PASSWORD}\r\n", PASSWORD],
    ids=["lf", "crlf", "no-line-end"],
)
def test_unlock_password_file(
    backend_cli: BackendCLI, tmp_path: Path, encrypted_key: Path, content: str
) -> None:
    password_file = write_password_file(tmp_path / "password", content)
    code, _, err = backend_cli.run(
        "unlock", str(encrypted_key), "--password-file", str(password_file)
    )
    assert code == 0, err
    assert private_key_encryption(encrypted_key.read_bytes()) is None


def test_unlock_password_file_strips_one_line_end(
    backend_cli: BackendCLI, tmp_path: Path, encrypted_key: Path
) -> None:
    before = snapshot(encrypted_key)
    password_file = write_password_file(
        tmp_path / "password", f"{PASSWORD}\n\n"
    )
    code, _, err = backend_cli.run(
        "unlock", str(encrypted_key), "--password-file", str(password_file)
    )
    assert code == 1
    assert "bad password" in err
    assert snapshot(encrypted_key) == before


def test_unlock_missing_password_file(
    cli: CLI, tmp_path: Path, encrypted_key: Path
) -> None:
    before = snapshot(encrypted_key)
    absent = tmp_path / "absent"
    code, _, err = cli.run(
        "unlock", str(encrypted_key), "--password-file", str(absent)
    )
    assert code == 3
    assert str(absent) in err
    assert snapshot(encrypted_key) == before


def test_unlock_password_options_exclusive(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run(
        "unlock", "k.key", "--password-stdin",
        "--password-file", str(tmp_path / "p"),
    )  # fmt: skip
    assert code == 2
    assert "not allowed with argument" in err


def test_unlock_prompts_on_stderr(
    backend_cli: BackendCLI, tmp_path: Path, openssl_fixtures: Path
) -> None:
    path = copy(openssl_fixtures / "server-legacy-aes.key", tmp_path / "k.key")
    prompts = use_terminal(backend_cli, PASSWORD)
    code, _, err = backend_cli.run("unlock", str(path))
    assert code == 0, err
    assert len(prompts.calls) == 1
    prompt, stream = prompts.calls[0]
    assert prompt == f"Password for {path}: "
    assert stream is sys.stderr
    assert first_label(path) == "EC PRIVATE KEY"


def test_unlock_without_terminal_needs_option(
    cli: CLI, encrypted_key: Path
) -> None:
    before = snapshot(encrypted_key)
    code, _, err = cli.run_with_input(
        f"{PASSWORD}\n", "unlock", str(encrypted_key)
    )
    assert code == 2
    assert "standard input is not a terminal" in err
    assert "--password-file FILE or --password-stdin" in err
    assert snapshot(encrypted_key) == before


def test_unlock_unencrypted_key_unchanged(
    backend_cli: BackendCLI, tmp_path: Path, openssl_fixtures: Path
) -> None:
    path = copy(openssl_fixtures / "server-pkcs8.key", tmp_path / "k.key")
    before = snapshot(path)
    code, out, err = backend_cli.run_with_input("", "unlock", str(path))
    assert code == 0, err
    assert "is not password-protected (EC P-256); nothing to do" in out
    assert snapshot(path) == before


def test_unlock_unsupported_cipher_before_prompt(
    backend_cli: BackendCLI, tmp_path: Path, made_keys: Path
) -> None:
    path = copy(made_keys / "ec-camellia.pem", tmp_path / "k.key")
    before = snapshot(path)
    prompts = use_terminal(backend_cli)
    code, _, err = backend_cli.run("unlock", str(path))
    assert code == 3
    assert "unsupported DEK-Info cipher CAMELLIA-256-CBC" in err
    assert prompts.calls == []
    assert snapshot(path) == before


def test_unlock_unsupported_pkcs8_cipher_before_prompt(
    backend_cli: BackendCLI, tmp_path: Path, made_keys: Path
) -> None:
    path = copy(made_keys / "pkcs8-camellia.pem", tmp_path / "k.key")
    before = snapshot(path)
    prompts = use_terminal(backend_cli)
    code, _, err = backend_cli.run("unlock", str(path))
    assert code == 3
    assert "unsupported PBES2 cipher" in err
    assert "bad password" not in err
    assert prompts.calls == []
    assert snapshot(path) == before


def test_unlock_truncated_key_exits_3(
    backend_cli: BackendCLI, tmp_path: Path, openssl_fixtures: Path
) -> None:
    (block,) = pem.read_blocks(
        (openssl_fixtures / "server-pkcs8-enc.key").read_bytes()
    )
    path = write_aged(
        tmp_path / "k.key", pem.encode(block.label, block.der[:-16]).encode()
    )
    before = snapshot(path)
    code, _, err = unlock(backend_cli, path, PASSWORD)
    assert code == 3
    assert str(path) in err
    assert snapshot(path) == before


def test_unlock_garbage_exits_3(cli: CLI, tmp_path: Path) -> None:
    path = write_aged(tmp_path / "k.key", b"this is not a key\n")
    before = snapshot(path)
    code, _, err = unlock(cli, path, PASSWORD)
    assert code == 3
    assert "not PEM" in err
    assert snapshot(path) == before


def test_unlock_missing_file_exits_3(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run("unlock", str(tmp_path / "absent.key"))
    assert code == 3
    assert "No such file or directory" in err


def test_unlock_pkcs12_rejected(
    cli: CLI, tmp_path: Path, pkcs12_files: Path
) -> None:
    path = copy(pkcs12_files / "server.p12", tmp_path / "server.p12")
    before = snapshot(path)
    code, _, err = cli.run("unlock", str(path))
    assert code == 3
    assert "is a PKCS#12 file, not a private key" in err
    assert snapshot(path) == before


def test_unlock_combined_file_rejected(
    backend_cli: BackendCLI, tmp_path: Path, openssl_fixtures: Path
) -> None:
    path = write_aged(
        tmp_path / "combo.pem",
        (openssl_fixtures / "server-pkcs8-enc.key").read_bytes()
        + (openssl_fixtures / "server.crt").read_bytes(),
    )
    before = snapshot(path)
    code, _, err = unlock(backend_cli, path, PASSWORD)
    assert code == 2
    assert "copy the key block into a file of its own" in err
    assert snapshot(path) == before


def test_unlock_through_symbolic_link(
    backend_cli: BackendCLI, tmp_path: Path, openssl_fixtures: Path
) -> None:
    target = copy(
        openssl_fixtures / "server-pkcs8-enc.key", tmp_path / "real.key"
    )
    link = tmp_path / "link.key"
    link.symlink_to(target.name)
    code, _, err = unlock(backend_cli, link, PASSWORD)
    assert code == 0, err
    assert link.is_symlink()
    assert private_key_encryption(target.read_bytes()) is None


# --- pkcs12-to-ssh -----------------------------------------------------------


def convert(
    cli: CLI, folder: Path, password: str = PASSWORD, user: str = "alice"
) -> Result:
    """Run ``pkcs12-to-ssh`` for ``user`` in ``folder`` with
    ``password`` on standard input."""
    return cli.run_with_input(
        f"{password}\n",
        "pkcs12-to-ssh", user, "--dir", str(folder), "--password-stdin",
    )  # fmt: skip


@pytest.mark.parametrize(("name", "kind"), PKCS12_FILES)
def test_pkcs12_to_ssh(
    backend_cli: BackendCLI,
    tmp_path: Path,
    pkcs12_files: Path,
    name: str,
    kind: str,
) -> None:
    source = pkcs12_path(pkcs12_files, name)
    key = pkcs12_key(source, backend_cli.backend)
    public = key.public_key()
    path = copy(source, tmp_path / "alice.pub")
    code, out, err = convert(backend_cli, tmp_path)
    assert code == 0, err
    text = path.read_text()
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert text.startswith(f"{kind} ")
    assert text.rstrip("\n").endswith(" alice")
    assert ssh.load_public_key_line(text) == public
    assert f"fingerprint {ssh.fingerprint(public)}" in out


def test_pkcs12_to_ssh_rsa_mpint_zero_prefix(
    backend_cli: BackendCLI, tmp_path: Path, pkcs12_files: Path
) -> None:
    path = copy(pkcs12_files / "rsa.p12", tmp_path / "alice.pub")
    code, _, err = convert(backend_cli, tmp_path)
    assert code == 0, err
    public = ssh.load_public_key_line(path.read_text())
    assert isinstance(public, RSAPublicKey)
    assert public.n.bit_length() == 2048
    # The blob is string "ssh-rsa", mpint e, mpint n. The modulus has its
    # top bit set, so its mpint is 257 bytes starting with 00 (RFC 4251
    # section 5).
    blob = base64.b64decode(path.read_text().split()[1])
    e_length = int.from_bytes(blob[11:15], "big")
    n_start = 15 + e_length
    assert int.from_bytes(blob[n_start : n_start + 4], "big") == 257
    assert blob[n_start + 4] == 0
    assert int.from_bytes(blob[n_start + 4 :], "big") == public.n


def _fingerprint(ssh_keygen: str, path: Path) -> str:
    # ssh-keygen -l prints "BITS SHA256:... COMMENT (TYPE)".
    result = subprocess.run(
        [ssh_keygen, "-l", "-f", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()[1]


@pytest.mark.parametrize(("name", "kind"), PKCS12_FILES)
def test_pkcs12_to_ssh_matches_ssh_keygen(
    backend_cli: BackendCLI,
    tmp_path: Path,
    pkcs12_files: Path,
    ssh_keygen: str,
    name: str,
    kind: str,
) -> None:
    source = pkcs12_path(pkcs12_files, name)
    key = pkcs12_key(source, backend_cli.backend)
    private_path = tmp_path / "id"
    private_path.write_text(key.to_pem())
    private_path.chmod(0o600)
    derived = subprocess.run(
        [ssh_keygen, "-y", "-f", str(private_path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    derived_path = tmp_path / "derived.pub"
    derived_path.write_text(derived)
    folder = tmp_path / "users"
    folder.mkdir()
    path = copy(source, folder / "alice.pub")
    code, out, err = convert(backend_cli, folder)
    assert code == 0, err
    printed = _fingerprint(ssh_keygen, path)
    assert printed == _fingerprint(ssh_keygen, derived_path)
    assert f"fingerprint {printed}" in out
    assert path.read_text().split()[:2] == derived.split()[:2]


@pytest.mark.parametrize(("name", "kind"), PKCS12_FILES)
def test_pkcs12_to_ssh_wrong_password_leaves_file(
    backend_cli: BackendCLI,
    tmp_path: Path,
    pkcs12_files: Path,
    name: str,
    kind: str,
) -> None:
    path = copy(pkcs12_path(pkcs12_files, name), tmp_path / "alice.pub")
    before = snapshot(path)
    code, out, err = convert(backend_cli, tmp_path, password="wrong")
    assert code == 1
    assert "bad password" in err
    assert out == ""
    assert snapshot(path) == before
    assert sorted(os.listdir(tmp_path)) == ["alice.pub"]


def test_pkcs12_to_ssh_p384_unsupported(
    backend_cli: BackendCLI, tmp_path: Path, pkcs12_files: Path
) -> None:
    path = copy(pkcs12_files / "p384.p12", tmp_path / "alice.pub")
    before = snapshot(path)
    code, _, err = convert(backend_cli, tmp_path)
    assert code == 3
    assert "unsupported key type EC P-384" in err
    assert "ssh-rsa and ecdsa-sha2-nistp256" in err
    assert snapshot(path) == before


def test_pkcs12_to_ssh_certificate_only(
    backend_cli: BackendCLI,
    tmp_path: Path,
    pkcs12_files: Path,
    openssl_fixtures: Path,
) -> None:
    path = copy(pkcs12_files / "certificate-only.p12", tmp_path / "alice.pub")
    code, _, err = convert(backend_cli, tmp_path)
    assert code == 0, err
    assert "contains no private key; using the public key" in err
    key = key_of(openssl_fixtures / "server.key", backend_cli.backend)
    assert ssh.load_public_key_line(path.read_text()) == key.public_key()


def test_pkcs12_to_ssh_chain_without_key(
    backend_cli: BackendCLI, tmp_path: Path, pkcs12_files: Path
) -> None:
    path = copy(pkcs12_files / "chain-only.p12", tmp_path / "alice.pub")
    before = snapshot(path)
    code, _, err = convert(backend_cli, tmp_path)
    assert code == 3
    assert "contains no private key and 3 certificates" in err
    assert snapshot(path) == before


def test_pkcs12_to_ssh_prompts_on_stderr(
    backend_cli: BackendCLI, tmp_path: Path, pkcs12_files: Path
) -> None:
    path = copy(pkcs12_files / "server.p12", tmp_path / "alice.pub")
    prompts = use_terminal(backend_cli, PASSWORD)
    code, _, err = backend_cli.run(
        "pkcs12-to-ssh", "alice", "--dir", str(tmp_path)
    )
    assert code == 0, err
    assert prompts.calls == [(f"Password for {path}: ", sys.stderr)]
    assert path.read_text().startswith("ecdsa-sha2-nistp256 ")


def test_pkcs12_to_ssh_without_terminal_needs_option(
    cli: CLI, tmp_path: Path, pkcs12_files: Path
) -> None:
    path = copy(pkcs12_files / "server.p12", tmp_path / "alice.pub")
    before = snapshot(path)
    code, _, err = cli.run_with_input(
        PASSWORD, "pkcs12-to-ssh", "alice", "--dir", str(tmp_path)
    )
    assert code == 2
    assert "standard input is not a terminal" in err
    assert snapshot(path) == before


def test_pkcs12_to_ssh_already_converted(
    backend_cli: BackendCLI, tmp_path: Path, pkcs12_files: Path
) -> None:
    path = copy(pkcs12_files / "server.p12", tmp_path / "alice.pub")
    code, _, err = convert(backend_cli, tmp_path)
    assert code == 0, err
    age(path)
    before = snapshot(path)
    code, out, err = convert(backend_cli, tmp_path)
    assert code == 0, err
    assert "already contains an OpenSSH public key" in out
    assert snapshot(path) == before


def test_pkcs12_to_ssh_certificate_rejected(
    backend_cli: BackendCLI, tmp_path: Path, openssl_fixtures: Path
) -> None:
    path = copy(openssl_fixtures / "server.crt", tmp_path / "alice.pub")
    before = snapshot(path)
    code, _, err = convert(backend_cli, tmp_path)
    assert code == 3
    assert "is not a PKCS#12 file (found: certificate)" in err
    assert snapshot(path) == before


def test_pkcs12_to_ssh_missing_file(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run("pkcs12-to-ssh", "bob", "--dir", str(tmp_path))
    assert code == 3
    assert "bob.pub" in err


@pytest.mark.parametrize("user", ["../alice", "alice.pub", "-alice", ""])
def test_pkcs12_to_ssh_invalid_user(
    cli: CLI, tmp_path: Path, user: str
) -> None:
    code, _, err = cli.run("pkcs12-to-ssh", user, "--dir", str(tmp_path))
    assert code == 2
    assert "USER" in err


# --- pkcs12 ------------------------------------------------------------------


@pytest.fixture
def export_folder(tmp_path: Path, openssl_fixtures: Path) -> Path:
    """A folder with srv.key (P-256), srv.crt and bundle.pem."""
    shutil.copyfile(openssl_fixtures / "server.key", tmp_path / "srv.key")
    shutil.copyfile(openssl_fixtures / "server.crt", tmp_path / "srv.crt")
    shutil.copyfile(openssl_fixtures / "bundle.pem", tmp_path / "bundle.pem")
    return tmp_path


def export(cli: CLI, folder: Path, *options: str) -> Result:
    """Run ``pkcs12 srv`` in ``folder`` with the password ``p12
    password`` on standard input."""
    return cli.run_with_input(
        "p12 password\n",
        "pkcs12", "srv", "--dir", str(folder), "--password-stdin", *options,
    )  # fmt: skip


EXPORT_FORMS = [
    pytest.param(
        [],
        [],
        [
            "MAC: HMAC-SHA256",
            "encrypted safe contents: PBES2 (PBKDF2-HMAC-SHA256",
            "key: PBES2 (PBKDF2-HMAC-SHA256",
            "AES-256-CBC)",
        ],
        id="modern",
    ),
    pytest.param(
        ["--legacy"],
        ["-legacy"],
        [
            "MAC: HMAC-SHA1",
            "encrypted safe contents: pbeWithSHAAnd40BitRC2-CBC",
            "key: pbeWithSHAAnd3-KeyTripleDES-CBC",
        ],
        id="legacy",
    ),
]


@pytest.mark.parametrize(
    ("options", "openssl_options", "schemes"), EXPORT_FORMS
)
def test_pkcs12_export(
    backend_cli: BackendCLI,
    export_folder: Path,
    openssl: str,
    openssl_fixtures: Path,
    options: list[str],
    openssl_options: list[str],
    schemes: list[str],
) -> None:
    backend = backend_cli.backend
    code, out, err = export(
        backend_cli, export_folder,
        "--bundle", str(export_folder / "bundle.pem"), *options,
    )  # fmt: skip
    assert code == 0, err
    path = export_folder / "srv.p12"
    assert f"wrote {path}: PKCS#12 file (mode 0600)" in out
    assert mode_of(path) == 0o600
    openssl_ok(
        openssl, "pkcs12", "-info", "-noout", *openssl_options,
        "-in", str(path), "-passin", "pass:p12 password",
    )  # fmt: skip
    description = "\n".join(describe_pkcs12(path.read_bytes()))
    for scheme in schemes:
        assert scheme in description
        assert scheme in out
    contents = load_pkcs12(path.read_bytes(), "p12 password", backend=backend)
    assert contents.key == key_of(openssl_fixtures / "server.key", backend)
    certificates = load_certificates(
        (openssl_fixtures / "fullchain.pem").read_bytes()
    )
    assert contents.certificate == certificates[0]
    assert list(contents.additional_certificates) == certificates[1:]
    assert contents.friendly_name == "srv"


def test_pkcs12_export_no_overwrite(
    backend_cli: BackendCLI, export_folder: Path
) -> None:
    path = write_aged(export_folder / "srv.p12", b"old")
    before = snapshot(path)
    code, _, err = export(backend_cli, export_folder)
    assert code == 2
    assert "pass --force to replace it" in err
    assert snapshot(path) == before


def test_pkcs12_export_force_replaces(
    backend_cli: BackendCLI, export_folder: Path
) -> None:
    path = export_folder / "srv.p12"
    path.write_bytes(b"old")
    code, _, err = export(backend_cli, export_folder, "--legacy", "--force")
    assert code == 0, err
    assert mode_of(path) == 0o600
    assert describe_pkcs12(path.read_bytes())[0].startswith("MAC: HMAC-SHA1")


def test_pkcs12_export_encrypted_key(
    backend_cli: BackendCLI, export_folder: Path, openssl_fixtures: Path
) -> None:
    shutil.copyfile(
        openssl_fixtures / "server-pkcs8-enc.key", export_folder / "srv.key"
    )
    key_password = write_password_file(
        export_folder / "key-password", f"{PASSWORD}\n"
    )
    code, _, err = export(
        backend_cli, export_folder, "--legacy",
        "--key-password-file", str(key_password),
    )  # fmt: skip
    assert code == 0, err
    contents = load_pkcs12(
        (export_folder / "srv.p12").read_bytes(), "p12 password"
    )
    assert contents.key == key_of(
        openssl_fixtures / "server.key", backend_cli.backend
    )


def test_pkcs12_export_wrong_key_password(
    backend_cli: BackendCLI, export_folder: Path, openssl_fixtures: Path
) -> None:
    shutil.copyfile(
        openssl_fixtures / "webbridge3-legacy-aes.key",
        export_folder / "srv.key",
    )
    key_password = write_password_file(
        export_folder / "key-password", "wrong\n"
    )
    code, _, err = export(
        backend_cli, export_folder, "--key-password-file", str(key_password)
    )
    assert code == 1
    assert "bad password" in err
    assert not (export_folder / "srv.p12").exists()


def test_pkcs12_export_encrypted_key_needs_password(
    backend_cli: BackendCLI, export_folder: Path, openssl_fixtures: Path
) -> None:
    shutil.copyfile(
        openssl_fixtures / "server-pkcs8-enc.key", export_folder / "srv.key"
    )
    code, _, err = export(backend_cli, export_folder)
    assert code == 2
    assert "--key-password-file FILE" in err
    assert not (export_folder / "srv.p12").exists()


def test_pkcs12_export_unsupported_key_scheme(
    backend_cli: BackendCLI, export_folder: Path, made_keys: Path
) -> None:
    shutil.copyfile(made_keys / "ec-camellia.pem", export_folder / "srv.key")
    code, _, err = export(backend_cli, export_folder)
    assert code == 3
    assert "unsupported DEK-Info cipher CAMELLIA-256-CBC" in err
    assert not (export_folder / "srv.p12").exists()


def test_pkcs12_export_prompts_twice(
    backend_cli: BackendCLI, export_folder: Path
) -> None:
    prompts = use_terminal(backend_cli, "p12 password", "p12 password")
    code, _, err = backend_cli.run(
        "pkcs12", "srv", "--dir", str(export_folder), "--legacy"
    )
    assert code == 0, err
    assert len(prompts.calls) == 2
    assert all(stream is sys.stderr for _, stream in prompts.calls)
    path = export_folder / "srv.p12"
    assert load_pkcs12(path.read_bytes(), "p12 password").key is not None


def test_pkcs12_export_prompted_passwords_differ(
    backend_cli: BackendCLI, export_folder: Path
) -> None:
    use_terminal(backend_cli, "one", "two")
    code, _, err = backend_cli.run(
        "pkcs12", "srv", "--dir", str(export_folder)
    )
    assert code == 2
    assert "the two passwords differ" in err
    assert not (export_folder / "srv.p12").exists()


def test_pkcs12_export_certificate_mismatch(
    backend_cli: BackendCLI, export_folder: Path, openssl_fixtures: Path
) -> None:
    shutil.copyfile(
        openssl_fixtures / "callbridge.crt", export_folder / "srv.crt"
    )
    code, _, err = export(backend_cli, export_folder)
    assert code == 1
    assert "contains no certificate for the key" in err
    assert not (export_folder / "srv.p12").exists()


def test_pkcs12_export_missing_certificate(
    backend_cli: BackendCLI, export_folder: Path
) -> None:
    (export_folder / "srv.crt").unlink()
    code, _, err = export(backend_cli, export_folder)
    assert code == 3
    assert "srv.crt" in err
    assert not (export_folder / "srv.p12").exists()


def test_pkcs12_export_invalid_name(cli: CLI) -> None:
    code, _, err = cli.run("pkcs12", "srv.p12")
    assert code == 2
    assert "'.' is not allowed" in err


# --- inspect and list --------------------------------------------------------


NO_PROMPT = "inspect and list must not ask for a password"


def forbid_prompts(cli: CLI) -> None:
    """Fail the test if anything prompts for a password."""
    import getpass

    def fail(prompt: str = "", stream: Optional[object] = None) -> str:
        raise AssertionError(NO_PROMPT)

    cli.monkeypatch.setattr(sys, "stdin", FakeTerminal())
    cli.monkeypatch.setattr(getpass, "getpass", fail)


@pytest.mark.parametrize(
    ("name", "original", "label", "scheme"), FIXTURE_KEYS, ids=FIXTURE_IDS
)
def test_inspect_encrypted_key_scheme(
    backend_cli: BackendCLI,
    openssl_fixtures: Path,
    name: str,
    original: str,
    label: str,
    scheme: str,
) -> None:
    forbid_prompts(backend_cli)
    code, out, err = backend_cli.run("inspect", str(openssl_fixtures / name))
    assert code == 0, err
    assert f"    Encryption: {scheme}\n" in out
    assert f"'purepki unlock {openssl_fixtures / name}'" in out


def test_inspect_encrypted_der_key_scheme(cli: CLI, made_keys: Path) -> None:
    code, out, err = cli.run("inspect", str(made_keys / "server-enc.der"))
    assert code == 0, err
    assert "offset 0: encrypted private key" in out
    assert "Encryption: PKCS#8, PBES2 (PBKDF2-HMAC-SHA256" in out


def test_inspect_unsupported_key_scheme(cli: CLI, made_keys: Path) -> None:
    code, out, _ = cli.run("inspect", str(made_keys / "ec-camellia.pem"))
    assert code == 3
    assert "unsupported DEK-Info cipher CAMELLIA-256-CBC" in out


PKCS12_SCHEMES = [
    pytest.param(
        "server.p12",
        [
            "    MAC: HMAC-SHA256, 2048 iterations\n",
            "    encrypted safe contents: PBES2 (PBKDF2-HMAC-SHA256, 2048 "
            "iterations, AES-256-CBC)\n",
            "    key: PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, "
            "AES-256-CBC)\n",
        ],
        id="modern",
    ),
    pytest.param(
        "callbridge-legacy.p12",
        [
            "    MAC: HMAC-SHA1, 2048 iterations\n",
            "    encrypted safe contents: pbeWithSHAAnd40BitRC2-CBC (2048 "
            "iterations)\n",
            "    key: pbeWithSHAAnd3-KeyTripleDES-CBC (2048 iterations)\n",
        ],
        id="legacy",
    ),
]


@pytest.mark.parametrize(("name", "lines"), PKCS12_SCHEMES)
def test_inspect_pkcs12_schemes(
    backend_cli: BackendCLI, pkcs12_files: Path, name: str, lines: list[str]
) -> None:
    forbid_prompts(backend_cli)
    path = pkcs12_path(pkcs12_files, name)
    code, out, err = backend_cli.run("inspect", str(path))
    assert code == 0, err
    assert "PKCS#12 (PFX) container" in out
    for line in lines:
        assert line in out


def test_inspect_pkcs12_json(cli: CLI, pkcs12_files: Path) -> None:
    code, out, err = cli.run(
        "inspect", "--json", str(pkcs12_files / "server.p12")
    )
    assert code == 0, err
    (report,) = json.loads(out)
    (element,) = report["elements"]
    assert element["kind"] == "PKCS#12"
    assert element["encryption"][0] == "MAC: HMAC-SHA256, 2048 iterations"
    assert "key: PBES2 (PBKDF2-HMAC-SHA256" in element["encryption"][-1]


def test_inspect_encrypted_key_json(cli: CLI, openssl_fixtures: Path) -> None:
    path = openssl_fixtures / "webbridge3-legacy-aes.key"
    code, out, err = cli.run("inspect", "--json", str(path))
    assert code == 0, err
    (report,) = json.loads(out)
    (element,) = report["elements"]
    assert element["kind"] == "encrypted private key"
    assert element["encryption"] == ["legacy PEM, AES-128-CBC"]


def test_list_shows_schemes(
    backend_cli: BackendCLI, openssl_fixtures: Path
) -> None:
    forbid_prompts(backend_cli)
    code, out, err = backend_cli.run("list", str(openssl_fixtures))
    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines() if line}
    for name, _, _, scheme in FIXTURE_KEYS:
        assert f"encrypted private key: {scheme}" in lines[name]
    assert "PKCS#12: MAC: HMAC-SHA256, 2048 iterations;" in lines["server.p12"]
    assert "key: PBES2 (PBKDF2-HMAC-SHA256" in lines["server.p12"]


def test_list_shows_legacy_pkcs12_schemes(
    cli: CLI, pkcs12_files: Path
) -> None:
    pkcs12_path(pkcs12_files, "callbridge-legacy.p12")
    code, out, err = cli.run("list", str(pkcs12_files))
    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines() if line}
    line = lines["callbridge-legacy.p12"]
    assert "MAC: HMAC-SHA1" in line
    assert "pbeWithSHAAnd40BitRC2-CBC" in line
    assert "pbeWithSHAAnd3-KeyTripleDES-CBC" in line


def test_help_lists_container_commands(cli: CLI) -> None:
    code, out, _ = cli.run("--help")
    assert code == 0
    for command in ("unlock", "pkcs12-to-ssh", "pkcs12 "):
        assert command in out
