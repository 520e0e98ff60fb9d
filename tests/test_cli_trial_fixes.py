"""The ``purepki`` command's input limits and messages: validity and path
length limits, OpenSSH public keys in a folder, a check BUNDLE without
CERT's issuer, the default validity under a CA, empty passwords, and
wording."""

from __future__ import annotations

import datetime
import io
import sys
from pathlib import Path

import pytest
from cli_support import CLI, BackendCLI

from purepki import ssh
from purepki.certificate import (
    BuilderError,
    Certificate,
    CertificateBuilder,
    load_certificates,
)
from purepki.cli import _COMMANDS, issuing
from purepki.csr import CSRBuilder, InvalidRequest
from purepki.curves import P256
from purepki.keys import generate_ec_key, generate_rsa_key, load_private_key
from purepki.name import Name
from purepki.profiles import (
    SigningError,
    ValidityError,
    max_validity_days,
    self_signed_ca,
    sign_request,
    validity_period,
)
from purepki.x509time import UTC

EC = ("--key-type", "ec")


def make_root(
    cli: CLI, folder: Path, name: str = "root", *options: str
) -> None:
    code, _, err = cli.run(
        "selfsigned", name, *EC, "--dir", str(folder), *options
    )
    assert code == 0, err


def read_certificate(path: Path) -> Certificate:
    (certificate,) = load_certificates(path.read_bytes())
    return certificate


def make_request(cli: CLI, folder: Path, name: str = "www") -> None:
    code, _, err = cli.run(
        "csr", name, f"CN:{name}.example.com", *EC, "--dir", str(folder)
    )
    assert code == 0, err


# --- --days and --path-length limits -----------------------------------------


def test_max_validity_days_ends_in_9999() -> None:
    start = datetime.datetime(2026, 1, 1, tzinfo=UTC)
    days = max_validity_days(start)
    latest = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    end = start + datetime.timedelta(days=days)
    assert end <= latest
    assert latest - end < datetime.timedelta(days=1)


@pytest.mark.parametrize("days", [2920000, 999999999, 10**12])
def test_validity_period_too_long(days: int) -> None:
    start = datetime.datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValidityError) as caught:
        validity_period(days, start)
    assert caught.value.max_days == max_validity_days(start)
    assert "9999-12-31T23:59:59Z" in str(caught.value)


def test_validity_period_last_allowed_day() -> None:
    start = datetime.datetime(2026, 1, 1, tzinfo=UTC)
    _, end = validity_period(max_validity_days(start), start)
    assert end.year == 9999


def test_self_signed_ca_huge_days() -> None:
    key = generate_ec_key(P256)
    subject = Name.build([("CN", "big")])
    with pytest.raises(ValidityError):
        self_signed_ca(key, subject, days=99999999)


def test_builder_time_out_of_range() -> None:
    zone = datetime.timezone(datetime.timedelta(hours=-5))
    late = datetime.datetime(9999, 12, 31, 22, 0, tzinfo=zone)
    with pytest.raises(BuilderError, match="notAfter"):
        CertificateBuilder().not_valid_after(late)


@pytest.mark.parametrize("days", ["99999999", "2920000"])
def test_selfsigned_days_too_large(
    cli: CLI, tmp_path: Path, days: str
) -> None:
    code, _, err = cli.run(
        "selfsigned", "big", "CN:big", *EC, "--days", days,
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 2
    assert f"--days {days} is too large" in err
    today = max_validity_days(datetime.datetime.now(UTC))
    assert f"largest value allowed today is {today}" in err
    assert "Traceback" not in err
    assert not (tmp_path / "big.key").exists()


def test_sign_days_too_large(cli: CLI, tmp_path: Path) -> None:
    make_root(cli, tmp_path)
    make_request(cli, tmp_path)
    code, _, err = cli.run(
        "sign", "www", "root", "--days", "999999999", "--force",
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 2
    assert "--days 999999999 is too large" in err
    assert not (tmp_path / "www.crt").exists()


def test_sign_days_checked_again_by_library(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command's own check passes, so the library's error is reworded.
    make_root(cli, tmp_path)
    make_request(cli, tmp_path)
    monkeypatch.setattr(issuing, "max_validity_days", lambda start: 10**12)
    code, _, err = cli.run(
        "sign", "www", "root", "--days", "2920000", "--dir", str(tmp_path)
    )
    assert code == 2
    assert "--days 2920000 is too large" in err


def test_selfsigned_san_days_checked_by_library(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(issuing, "max_validity_days", lambda start: 10**12)
    code, _, err = cli.run(
        "selfsigned", "lab", "CN:lab", "subjectAltName:lab.example.com",
        *EC, "--days", "2920000", "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 2
    assert "--days 2920000 is too large" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("days", ["0", "-5"])
def test_days_not_positive(cli: CLI, tmp_path: Path, days: str) -> None:
    code, _, err = cli.run(
        "selfsigned", "r", *EC, "--days", days, "--dir", str(tmp_path)
    )
    assert code == 2
    assert f"--days {days}; give a whole number of at least 1" in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "--path-length -1; give a whole number of 0 or more"),
        (str(2**63), f"--path-length {2**63} is too large"),
    ],
)
def test_path_length_out_of_range(
    cli: CLI, tmp_path: Path, value: str, message: str
) -> None:
    code, _, err = cli.run(
        "selfsigned", "r", *EC, "--path-length", value, "--dir",
        str(tmp_path),
    )  # fmt: skip
    assert code == 2
    assert message in err
    make_root(cli, tmp_path, "ca")
    make_request(cli, tmp_path, "inter")
    code, _, err = cli.run(
        "sign", "inter", "ca", "--purpose", "ca", "--path-length", value,
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 2
    assert message in err


# --- Default validity under a CA ---------------------------------------------


def test_sign_default_days_capped(cli: CLI, tmp_path: Path) -> None:
    make_root(cli, tmp_path, "root", "--days", "100")
    make_request(cli, tmp_path, "inter")
    code, out, err = cli.run(
        "sign", "inter", "root", "--purpose", "ca", "--dir", str(tmp_path)
    )
    assert code == 0, err
    root = read_certificate(tmp_path / "root.crt")
    inter = read_certificate(tmp_path / "inter.crt")
    assert inter.not_after == root.not_after
    assert "notAfter capped at root's notAfter" in out
    assert "after root expires" not in err


def test_sign_explicit_days_warns(cli: CLI, tmp_path: Path) -> None:
    make_root(cli, tmp_path, "root", "--days", "100")
    make_request(cli, tmp_path, "inter")
    code, out, err = cli.run(
        "sign", "inter", "root", "--purpose", "ca", "--days", "3650",
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    root = read_certificate(tmp_path / "root.crt")
    inter = read_certificate(tmp_path / "inter.crt")
    assert inter.not_after > root.not_after
    assert "capped" not in out
    assert "after root expires" in err


def test_sign_default_days_within_ca(cli: CLI, tmp_path: Path) -> None:
    make_root(cli, tmp_path)
    make_request(cli, tmp_path)
    code, out, err = cli.run("sign", "www", "root", "--dir", str(tmp_path))
    assert code == 0, err
    www = read_certificate(tmp_path / "www.crt")
    assert www.not_after - www.not_before == datetime.timedelta(days=365)
    assert "capped" not in out


def test_sign_request_days_and_not_after() -> None:
    key = generate_ec_key(P256)
    subject = Name.build([("CN", "ca")])
    ca = self_signed_ca(key, subject)
    request = CSRBuilder().subject_name(subject).sign(key)
    with pytest.raises(SigningError, match="pass one of them"):
        sign_request(request, ca, key, days=5, not_after=ca.not_after)
    signed = sign_request(request, ca, key, not_after=ca.not_after)
    assert signed.not_after == ca.not_after


# --- check with a BUNDLE that lacks CERT's issuer ----------------------------


def make_chain(cli: CLI, folder: Path) -> None:
    """Make root, the intermediate inter signed by it, and www signed by
    inter, all in ``folder``."""
    make_root(cli, folder)
    make_request(cli, folder, "inter")
    code, _, err = cli.run(
        "sign", "inter", "root", "--purpose", "ca", "--dir", str(folder)
    )
    assert code == 0, err
    make_request(cli, folder)
    code, _, err = cli.run("sign", "www", "inter", "--dir", str(folder))
    assert code == 0, err


def test_check_bundle_with_same_name(cli: CLI, tmp_path: Path) -> None:
    make_chain(cli, tmp_path)
    code, _, err = cli.run(
        "selfsigned", "fake", "CN:inter.example.com", *EC,
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    code, out, err = cli.run(
        "check", str(tmp_path / "www.crt"), str(tmp_path / "fake.crt"),
        "--purpose", "server",
    )  # fmt: skip
    assert code == 1
    assert "OK:" not in out
    assert "FAIL  leaf      issuer found in BUNDLE" in out
    assert "looked for issuer CN=inter.example.com" in out
    assert "fake.crt signed CERT" in out
    assert "its key does not verify CERT's signature" in out
    assert "FAILED: 1 rule not met" in out
    assert "issuer found in BUNDLE" in err


def test_check_bundle_unrelated(cli: CLI, tmp_path: Path) -> None:
    make_chain(cli, tmp_path)
    make_root(cli, tmp_path, "other")
    code, out, _ = cli.run(
        "check", str(tmp_path / "www.crt"), str(tmp_path / "other.crt")
    )
    assert code == 1
    assert "none there is named CN=inter.example.com" in out


def test_check_bundle_with_issuer(cli: CLI, tmp_path: Path) -> None:
    make_chain(cli, tmp_path)
    code, out, err = cli.run(
        "check", str(tmp_path / "www.crt"), str(tmp_path / "inter.crt")
    )
    assert code == 0, out + err
    assert "issuer found in BUNDLE" not in out
    assert "OK: usable as a TLS server" in out


def test_check_self_signed_bundle(cli: CLI, tmp_path: Path) -> None:
    make_root(cli, tmp_path)
    make_root(cli, tmp_path, "other")
    _, out, _ = cli.run(
        "check", str(tmp_path / "root.crt"), str(tmp_path / "other.crt"),
        "--at", "2030-01-01T00:00:00Z",
    )  # fmt: skip
    assert "issuer found in BUNDLE" not in out


# --- OpenSSH public key files in list and inspect ----------------------------

#: An ssh-ed25519 line, a key type purepki does not read.
ED25519_LINE = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0"
    "dh2l9GKJl ed@host\n"
)


def make_ssh_key(cli: CLI, folder: Path) -> str:
    """Make alice.key and alice.csr, write alice.pub as the OpenSSH line
    of the key, and return the key's OpenSSH fingerprint."""
    make_request(cli, folder, "alice")
    key = load_private_key((folder / "alice.key").read_bytes())
    line = ssh.public_key_line(key, "alice@example")
    (folder / "alice.pub").write_text(line + "\n")
    return ssh.fingerprint(key)


def test_list_openssh_public_key(cli: CLI, tmp_path: Path) -> None:
    fingerprint = make_ssh_key(cli, tmp_path)
    (tmp_path / "notes.txt").write_text("not a key\n")
    code, out, err = cli.run("list", str(tmp_path))
    assert code == 0, err
    assert err == ""
    assert "alice.pub" in out
    assert "public key, EC P-256, OpenSSH" in out
    assert fingerprint in out
    assert "alice.key matches public key alice.pub (alice@example)" in out
    assert "(1 other file is not a PKI file and is not shown)" in out


def test_list_unsupported_ssh_key(cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "ed.pub").write_text(ED25519_LINE)
    code, out, err = cli.run("list", str(tmp_path))
    assert code == 0, err
    assert "ed.pub" in out
    assert "ssh-ed25519, OpenSSH: key type not read by purepki" in out


def test_list_json_openssh_key(cli: CLI, tmp_path: Path) -> None:
    fingerprint = make_ssh_key(cli, tmp_path)
    code, out, err = cli.run("list", str(tmp_path), "--json")
    assert code == 0, err
    assert f'"ssh_fingerprint": "{fingerprint}"' in out
    assert '"ssh_comment": "alice@example"' in out
    assert "alice.pub" in out.split('"matches"')[1]


def test_inspect_openssh_public_key(cli: CLI, tmp_path: Path) -> None:
    fingerprint = make_ssh_key(cli, tmp_path)
    code, out, err = cli.run("inspect", str(tmp_path / "alice.pub"))
    assert code == 0, err
    assert "1 element (OpenSSH)" in out
    assert "line 1: public key, EC P-256, OpenSSH" in out
    assert "OpenSSH type      : ecdsa-sha2-nistp256" in out
    assert f"SSH fingerprint   : {fingerprint}" in out
    assert "Comment           : alice@example" in out


def test_inspect_openssh_rsa_lines(cli: CLI, tmp_path: Path) -> None:
    rsa_key = generate_rsa_key(2048)
    ec_key = generate_ec_key(P256)
    lines = [
        "# keys of the backup users",
        ssh.public_key_line(rsa_key),
        "",
        ssh.public_key_line(ec_key, "second key"),
    ]
    path = tmp_path / "authorized_keys"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = cli.run("inspect", str(path))
    assert code == 0, err
    assert "2 elements (OpenSSH)" in out
    assert "line 2: public key, RSA 2048 bits, OpenSSH" in out
    assert "line 4: public key, EC P-256, OpenSSH" in out
    assert f"SSH fingerprint   : {ssh.fingerprint(rsa_key)}" in out
    assert "Comment           : (none)" in out


def test_inspect_broken_ssh_line(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "bad.pub"
    path.write_text("ssh-rsa AAAA!!notbase64 comment\n")
    code, out, err = cli.run("inspect", str(path))
    assert code == 3
    assert "INVALID: key blob is not valid base64" in out
    assert "bad.pub, line 1: key blob is not valid base64" in err


# --- Empty PKCS#12 passwords -------------------------------------------------


def make_signed(cli: CLI, folder: Path) -> None:
    make_root(cli, folder)
    make_request(cli, folder)
    code, _, err = cli.run("sign", "www", "root", "--dir", str(folder))
    assert code == 0, err


@pytest.mark.parametrize("text", ["", "\n", "\r\n"])
def test_pkcs12_empty_stdin_password(
    cli: CLI, tmp_path: Path, text: str
) -> None:
    make_signed(cli, tmp_path)
    code, _, err = cli.run_with_input(
        text, "pkcs12", "www", "--force", "--password-stdin",
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 2
    assert "the password read from --password-stdin is empty" in err
    assert "press Enter at both prompts" in err
    assert not (tmp_path / "www.p12").exists()


def test_pkcs12_empty_password_file(cli: CLI, tmp_path: Path) -> None:
    make_signed(cli, tmp_path)
    password_file = tmp_path / "password"
    password_file.write_text("\n")
    code, _, err = cli.run(
        "pkcs12", "www", "--password-file", str(password_file),
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 2
    assert f"--password-file {password_file} is empty" in err
    assert not (tmp_path / "www.p12").exists()


def test_pkcs12_empty_prompted_password(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    make_signed(cli, tmp_path)
    answers = ["", ""]
    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr(
        getpass, "getpass", lambda prompt="", stream=None: answers.pop(0)
    )
    code, _, err = cli.run("pkcs12", "www", "--dir", str(tmp_path))
    assert code == 0, err
    assert "password of" in err
    assert "is empty" in err
    assert (tmp_path / "www.p12").exists()


class _Terminal(io.StringIO):
    """Standard input that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


# --- Wording -----------------------------------------------------------------


def test_bundle_one_certificate(cli: CLI, tmp_path: Path) -> None:
    make_signed(cli, tmp_path)
    target = tmp_path / "chain.pem"
    code, out, err = cli.run(
        "bundle", str(tmp_path / "www.crt"), str(tmp_path / "root.crt"),
        "-o", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert "1 certificate in chain order" in out


def test_list_of_a_file(cli: CLI, tmp_path: Path) -> None:
    make_root(cli, tmp_path)
    path = tmp_path / "root.crt"
    code, _, err = cli.run("list", str(path))
    assert code == 2
    assert f"{path} is a file, not a folder" in err
    assert f"'purepki inspect {path}'" in err
    assert "not found" not in err


def test_list_missing_folder(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run("list", str(tmp_path / "missing"))
    assert code == 3
    assert "not found" in err


def test_inspect_error_prefix(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a key\n")
    code, _, err = cli.run("inspect", str(path))
    assert code == 3
    assert err.startswith(f"purepki inspect: error: {path}")


def test_inspect_invalid_element_prefix(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "bad.pub"
    path.write_text("ssh-rsa AAAA!! comment\n")
    _, _, err = cli.run("inspect", str(path))
    assert err.startswith(f"purepki inspect: error: {path}, line 1")


def test_pkcs12_dir_help(cli: CLI) -> None:
    code, out, _ = cli.run("pkcs12", "--help")
    assert code == 0
    assert "NAME.csr" not in out
    assert "NAME.p12" in out


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_help_exit_codes_wrong_password(cli: CLI, command: str) -> None:
    code, out, _ = cli.run(command, "--help")
    assert code == 0
    assert "a wrong\n     password" in out


def test_demo_no_order_warning(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run("demo", str(tmp_path / "demo"))
    assert code == 0, err
    assert "out of order" not in err


def test_csr_library_message() -> None:
    with pytest.raises(InvalidRequest) as caught:
        CSRBuilder().sign(generate_ec_key(P256))
    assert "CN:NAME" not in str(caught.value)
    assert "subject_name()" in str(caught.value)


def test_self_signed_ca_message() -> None:
    with pytest.raises(SigningError) as caught:
        self_signed_ca(generate_ec_key(P256), Name.from_der(b"\x30\x00"))
    assert "CN:NAME" not in str(caught.value)
    assert "needs a subject" in str(caught.value)


def test_selfsigned_ca_name_needs_no_host_note(
    backend_cli: BackendCLI, tmp_path: Path
) -> None:
    """A CA's CN names the CA, so selfsigned does not warn that TLS
    clients cannot match it."""
    code, _, err = backend_cli.run(
        "selfsigned",
        "root",
        "CN:Example Root CA",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
    )
    assert code == 0
    assert "not a DNS name" not in err
