"""The ``purepki`` command, run in-process through ``main([...])``: the
appliance workflow, argument rules, exit codes and output streams."""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import CLI, BackendCLI

from purepki.backend import Backend, available_backends
from purepki.certificate import Certificate, load_certificates
from purepki.cli import main
from purepki.cli.common import parse_attributes, parse_moment
from purepki.csr import load_csr
from purepki.general_names import DNSName, IPAddress

REPOSITORY = Path(__file__).resolve().parents[1]

#: A time after every certificate that these tests make has expired.
FAR_FUTURE = "2100-01-01T00:00:00Z"


def ec_options(folder: Path) -> tuple[str, ...]:
    """Options that make an EC key and write the files to ``folder``."""
    return ("--key-type", "ec", "--dir", str(folder))


def issue(
    cli: CLI, folder: Path, name: str, common_name: str, *options: str
) -> None:
    """Make the EC key and CSR ``name`` in ``folder`` and sign it with the
    CA ``ca`` there, passing ``options`` to ``sign``."""
    code, _, err = cli.run(
        "csr", name, f"CN:{common_name}", *ec_options(folder)
    )
    assert code == 0, err
    code, _, err = cli.run("sign", name, "ca", "--dir", str(folder), *options)
    assert code == 0, err


def read_certificate(path: Path) -> Certificate:
    """Return the certificate of a file that contains exactly one."""
    (certificate,) = load_certificates(path.read_bytes())
    return certificate


def fail_second_replace(
    monkeypatch: pytest.MonkeyPatch, error: int, message: str
) -> None:
    """Make the second :func:`os.replace` call raise ``OSError(error,
    message)``, after the first file of a command is in place."""
    real_replace = os.replace
    calls: list[object] = []

    def failing_replace(source: object, target: object) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(error, message, str(target))
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing_replace)


@pytest.fixture(scope="module")
def ec_ca_templates(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Path]:
    """For each installed backend name, a folder with a self-signed EC CA
    named ``ca`` made with that backend."""
    templates = {}
    for name in available_backends():
        folder = tmp_path_factory.mktemp(f"ec-ca-{name}")
        arguments = ["selfsigned", "ca", "CN:Test CA", *ec_options(folder)]
        assert main([*arguments, "--backend", name]) == 0, name
        templates[name] = folder
    return templates


@pytest.fixture
def ec_ca(
    tmp_path: Path, backend: Backend, ec_ca_templates: dict[str, Path]
) -> Path:
    """A folder with a copy of the self-signed EC CA named ``ca``.

    :func:`shutil.copy2` keeps each file's mode, so checks of the mode
    see what ``selfsigned`` wrote.
    """
    for path in ec_ca_templates[backend.name].iterdir():
        shutil.copy2(path, tmp_path / path.name)
    return tmp_path


# --- Arguments ---------------------------------------------------------------


def test_attributes_in_rdn_order() -> None:
    parsed = parse_attributes(["CN:www.example.com", "O:Example Inc.", "C:US"])
    assert parsed.subject == (
        ("C", "US"),
        ("O", "Example Inc."),
        ("CN", "www.example.com"),
    )


def test_attributes_san_list() -> None:
    parsed = parse_attributes(["subjectAltName:a.example.com,192.0.2.25"])
    assert parsed.san_items == ("a.example.com", "192.0.2.25")


def test_attributes_san_spaces_stripped_with_note() -> None:
    parsed = parse_attributes(["subjectAltName:a.example.com, b.example.com"])
    assert parsed.san_items == ("a.example.com", "b.example.com")
    assert parsed.notes


def test_attributes_san_split_by_shell_joined() -> None:
    parsed = parse_attributes(
        ["CN:a.example.com", "subjectAltName:a.example.com,", "b.example.com"]
    )
    assert parsed.san_items == ("a.example.com", "b.example.com")
    assert "joined" in parsed.notes[0]


def test_attributes_equals_sign_rejected() -> None:
    with pytest.raises(ValueError, match="write CN:VALUE, with a colon"):
        parse_attributes(["CN=www.example.com"])


def test_attributes_unknown_lists_accepted() -> None:
    with pytest.raises(ValueError, match="use one of C, ST, L, O, OU, CN"):
        parse_attributes(["State:California"])


def test_attributes_empty_value_rejected() -> None:
    with pytest.raises(ValueError, match="CN has an empty value"):
        parse_attributes(["CN:"])


def test_attributes_repeated_cn_rejected() -> None:
    with pytest.raises(ValueError, match="CN given twice"):
        parse_attributes(["CN:a.example.com", "CN:b.example.com"])


def test_moment_with_z() -> None:
    moment = parse_moment("2026-06-01T00:00:00Z")
    assert moment == datetime.datetime(
        2026, 6, 1, tzinfo=datetime.timezone.utc
    )


def test_moment_offset_converted_to_utc() -> None:
    moment = parse_moment("2026-06-01T02:00:00+02:00")
    assert moment is not None
    assert moment.hour == 0


def test_moment_without_zone_rejected() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        parse_moment("2026-06-01T00:00:00")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("web.server", "'.' is not allowed"),
        ("web_server", "'_' is not allowed"),
        ("../server", "path separators are not allowed"),
        ("web server", "spaces are not allowed"),
    ],
    ids=["dot", "underscore", "separator", "space"],
)
def test_name_rejected_with_reason(
    cli: CLI, tmp_path: Path, name: str, reason: str
) -> None:
    code, _, err = cli.run(
        "csr", name, "CN:www.example.com", *ec_options(tmp_path)
    )
    assert code == 2
    assert reason in err
    assert not list(tmp_path.iterdir())


def test_csr_requires_cn(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run("csr", "web", "O:Example", "--dir", str(tmp_path))
    assert code == 2
    assert "csr needs CN:NAME" in err


def test_bad_country_is_usage_error(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run(
        "csr", "web", "CN:www.example.com", "C:USA", "--dir", str(tmp_path)
    )
    assert code == 2
    assert "two-letter country code" in err


def test_unknown_option_exits_2(cli: CLI) -> None:
    code, _, err = cli.run("inspect", "--no-such-option", "x")
    assert code == 2
    assert "unrecognized arguments" in err


def test_help_lists_exit_codes(cli: CLI) -> None:
    code, out, _ = cli.run("--help")
    assert code == 0
    assert "3  input error" in out


def test_help_lists_unlock(cli: CLI) -> None:
    _, out, _ = cli.run("--help")
    assert "unlock" in out
    assert "pkcs12-to-ssh" in out


def test_missing_file_exits_3(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run("inspect", str(tmp_path / "absent.crt"))
    assert code == 3
    assert "No such file or directory" in err
    assert "Traceback" not in err


def test_garbage_file_exits_3(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "notes.crt"
    path.write_bytes(b"hello, this is not a certificate\n")
    code, _, err = cli.run("verify", str(path), str(path))
    assert code == 3
    assert "not PEM" in err


def test_unknown_backend_exits_2(cli: CLI) -> None:
    code, _, err = cli.run("backends", "--backend", "no-such-backend")
    assert code == 2
    assert "is not installed" in err


def test_backends_marks_active(backend_cli: BackendCLI) -> None:
    code, out, _ = backend_cli.run("backends")
    assert code == 0
    assert f"* {backend_cli.backend.name} (active)" in out


# --- csr, selfsigned, sign ---------------------------------------------------


def test_csr_appends_cn_to_san(
    backend_cli: BackendCLI, tmp_path: Path
) -> None:
    code, _, err = backend_cli.run(
        "csr", "web", "CN:www.example.com",
        "subjectAltName:a.example.com,192.0.2.25", *ec_options(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    san = request.subject_alternative_name
    assert san is not None
    assert san.names == (
        DNSName("a.example.com"),
        IPAddress(ipaddress.ip_address("192.0.2.25")),
        DNSName("www.example.com"),
    )


def test_csr_san_spaces_noted_on_stderr(
    backend_cli: BackendCLI, tmp_path: Path
) -> None:
    code, _, err = backend_cli.run(
        "csr", "web", "CN:a.example.com",
        "subjectAltName:a.example.com, b.example.com", *ec_options(tmp_path),
    )  # fmt: skip
    assert code == 0
    assert "removed spaces" in err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    assert request.subject_alternative_name is not None
    assert DNSName("b.example.com") in request.subject_alternative_name.names


def test_csr_empty_san_has_no_extension(
    backend_cli: BackendCLI, tmp_path: Path
) -> None:
    code, _, err = backend_cli.run(
        "csr", "web", "CN:www.example.com", "subjectAltName:",
        *ec_options(tmp_path),
    )  # fmt: skip
    assert code == 0
    assert "no subjectAltName extension" in err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    assert request.subject_alternative_name is None


def test_key_file_mode_0600(ec_ca: Path) -> None:
    mode = stat.S_IMODE((ec_ca / "ca.key").stat().st_mode)
    assert mode == 0o600


def test_certificate_file_not_private(ec_ca: Path) -> None:
    mode = stat.S_IMODE((ec_ca / "ca.crt").stat().st_mode)
    assert mode & 0o044


def test_no_overwrite_without_force(
    backend_cli: BackendCLI, ec_ca: Path
) -> None:
    before = (ec_ca / "ca.crt").read_bytes()
    code, _, err = backend_cli.run(
        "selfsigned", "ca", "CN:Other CA", *ec_options(ec_ca)
    )
    assert code == 2
    assert "--force" in err
    assert (ec_ca / "ca.crt").read_bytes() == before


def test_overwrite_with_force(backend_cli: BackendCLI, ec_ca: Path) -> None:
    before = (ec_ca / "ca.crt").read_bytes()
    code, _, _ = backend_cli.run(
        "selfsigned", "ca", "CN:Other CA", *ec_options(ec_ca), "--force"
    )
    assert code == 0
    assert (ec_ca / "ca.crt").read_bytes() != before


def test_selfsigned_defaults_cn_to_name(
    backend_cli: BackendCLI, tmp_path: Path
) -> None:
    code, _, err = backend_cli.run(
        "selfsigned", "labca", *ec_options(tmp_path)
    )
    assert code == 0
    assert "using CN:labca" in err
    certificate = read_certificate(tmp_path / "labca.crt")
    assert certificate.subject.common_names == ("labca",)


def test_selfsigned_with_san(backend_cli: BackendCLI, tmp_path: Path) -> None:
    code, _, _ = backend_cli.run(
        "selfsigned", "lab", "CN:lab.example.test",
        "subjectAltName:lab2.example.test", *ec_options(tmp_path),
    )  # fmt: skip
    assert code == 0
    certificate = read_certificate(tmp_path / "lab.crt")
    san = certificate.subject_alternative_name
    assert san is not None
    assert san.dns_names == ("lab2.example.test", "lab.example.test")
    assert certificate.is_ca


def test_sign_purpose_ca_with_path_length(
    backend_cli: BackendCLI, ec_ca: Path
) -> None:
    backend_cli.run("csr", "sub", "CN:Sub CA", *ec_options(ec_ca))
    code, _, err = backend_cli.run(
        "sign", "sub", "ca", "--purpose", "ca", "--path-length", "0",
        "--dir", str(ec_ca),
    )  # fmt: skip
    assert code == 0, err
    constraints = read_certificate(ec_ca / "sub.crt").basic_constraints
    assert constraints is not None
    assert constraints.ca
    assert constraints.path_length == 0


def test_sign_path_length_needs_purpose_ca(
    backend_cli: BackendCLI, ec_ca: Path
) -> None:
    backend_cli.run("csr", "web", "CN:www.example.com", *ec_options(ec_ca))
    code, _, err = backend_cli.run(
        "sign", "web", "ca", "--path-length", "0", "--dir", str(ec_ca)
    )
    assert code == 2
    assert "only to --purpose ca" in err


def test_sign_server_purpose_eku(backend_cli: BackendCLI, ec_ca: Path) -> None:
    backend_cli.run("csr", "web", "CN:www.example.com", *ec_options(ec_ca))
    code, _, _ = backend_cli.run(
        "sign", "web", "ca", "--purpose", "server", "--dir", str(ec_ca)
    )
    assert code == 0
    eku = read_certificate(ec_ca / "web.crt").extended_key_usage
    assert eku is not None
    assert eku.server_auth
    assert not eku.client_auth


def test_sign_missing_csr_exits_3(
    backend_cli: BackendCLI, ec_ca: Path
) -> None:
    code, _, err = backend_cli.run("sign", "absent", "ca", "--dir", str(ec_ca))
    assert code == 3
    assert "absent.csr" in err


def test_sign_with_non_ca_exits_3(
    backend_cli: BackendCLI, ec_ca: Path
) -> None:
    issue(
        backend_cli, ec_ca, "leaf", "leaf.example.com", "--purpose", "server"
    )
    backend_cli.run("csr", "web", "CN:www.example.com", *ec_options(ec_ca))
    code, _, err = backend_cli.run("sign", "web", "leaf", "--dir", str(ec_ca))
    assert code == 3
    assert "is not a CA" in err
    assert not (ec_ca / "web.crt").exists()


def test_bits_checked_before_work(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli.run(
        "csr", "web", "CN:www.example.com", *ec_options(tmp_path),
        "--bits", "521",
    )  # fmt: skip
    assert code == 2
    assert "use 256 (P-256) or 384 (P-384)" in err


# --- Failure midway ----------------------------------------------------------


def test_failed_signing_leaves_no_files(
    backend_cli: BackendCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from purepki.csr import CSRBuilder, InvalidRequest

    def broken_sign(*args: object, **kwargs: object) -> None:
        raise InvalidRequest("signing failed on purpose")

    monkeypatch.setattr(CSRBuilder, "sign", broken_sign)
    code, _, err = backend_cli.run(
        "csr", "web", "CN:www.example.com", *ec_options(tmp_path)
    )
    assert code == 3
    assert "signing failed on purpose" in err
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_rolls_back_first_file(
    backend_cli: BackendCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_second_replace(monkeypatch, 28, "No space left on device")
    code, _, err = backend_cli.run(
        "csr", "web", "CN:www.example.com", *ec_options(tmp_path)
    )
    assert code == 3
    assert "No space left on device" in err
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_restores_replaced_file(
    backend_cli: BackendCLI, ec_ca: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_before = (ec_ca / "ca.key").read_bytes()
    fail_second_replace(monkeypatch, 5, "Input/output error")
    code, _, _ = backend_cli.run(
        "selfsigned", "ca", "CN:New CA", *ec_options(ec_ca), "--force"
    )
    assert code == 3
    assert (ec_ca / "ca.key").read_bytes() == key_before
    assert stat.S_IMODE((ec_ca / "ca.key").stat().st_mode) == 0o600
    assert sorted(path.name for path in ec_ca.iterdir()) == [
        "ca.crt",
        "ca.key",
    ]


def test_rsa_progress_on_terminal(
    backend_cli: BackendCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from purepki.cli import issuing
    from purepki.keys import generate_ec_key

    def slow_key(bits: int) -> object:
        time.sleep(0.7)
        return generate_ec_key(backend=backend_cli.backend)

    monkeypatch.setattr(issuing, "generate_rsa_key", slow_key)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = backend_cli.run(
        "csr", "web", "CN:www.example.com", "--bits", "4096",
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 0
    assert "generating an RSA 4096 key" in err
    assert "done in" in err


def test_rsa_no_progress_when_not_terminal(
    backend_cli: BackendCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from purepki.cli import issuing
    from purepki.keys import generate_ec_key

    monkeypatch.setattr(
        issuing,
        "generate_rsa_key",
        lambda bits: generate_ec_key(backend=backend_cli.backend),
    )
    code, _, err = backend_cli.run(
        "csr", "web", "CN:www.example.com", "--bits", "4096",
        "--dir", str(tmp_path),
    )  # fmt: skip
    assert code == 0
    assert "generating" not in err


# --- The database cluster recipe ---------------------------------------------


@pytest.fixture(scope="module")
def database_cluster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The appliance's database recipe, with its default RSA keys."""
    folder = tmp_path_factory.mktemp("database")
    place = ["--dir", str(folder)]
    steps = [
        ["selfsigned", "dbca", "CN:Example DB CA", *place],
        [
            "csr",
            "dbserver",
            "CN:server1.db.example.com",
            "subjectAltName:server2.db.example.com",
            *place,
        ],
        ["csr", "dbclient", "CN:postgres", *place],
        ["sign", "dbserver", "dbca", *place],
        ["sign", "dbclient", "dbca", *place],
    ]
    for step in steps:
        assert main(step) == 0, step
    return folder


def openssl_in(
    folder: Path, openssl: str, *arguments: str
) -> subprocess.CompletedProcess[str]:
    """Run the openssl command in ``folder`` and capture its output."""
    return subprocess.run(
        [openssl, *arguments], cwd=folder, capture_output=True, text=True
    )


def test_database_recipe_openssl_verify(
    database_cluster: Path, openssl: str
) -> None:
    result = openssl_in(
        database_cluster, openssl,
        "verify", "-CAfile", "dbca.crt", "dbserver.crt", "dbclient.crt",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "dbserver.crt: OK" in result.stdout
    assert "dbclient.crt: OK" in result.stdout


def test_database_recipe_cn_in_san(
    database_cluster: Path, openssl: str
) -> None:
    result = openssl_in(
        database_cluster, openssl,
        "x509", "-in", "dbserver.crt", "-noout", "-text",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        "DNS:server2.db.example.com, DNS:server1.db.example.com"
        in result.stdout
    )


def test_database_recipe_csr_san_in_openssl(
    database_cluster: Path, openssl: str
) -> None:
    result = openssl_in(
        database_cluster, openssl,
        "req", "-in", "dbserver.csr", "-noout", "-text", "-verify",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Requested Extensions" in result.stdout
    assert "DNS:server1.db.example.com" in result.stdout


def test_database_recipe_rsa_keys(cli: CLI, database_cluster: Path) -> None:
    code, out, _ = cli.run("inspect", str(database_cluster / "dbca.key"))
    assert code == 0
    assert "RSA 2048 bits" in out


@pytest.mark.parametrize(
    ("name", "purpose"),
    [("dbserver", "server"), ("dbclient", "client")],
)
def test_database_recipe_check(
    cli: CLI, database_cluster: Path, name: str, purpose: str
) -> None:
    code, out, _ = cli.run(
        "check", str(database_cluster / f"{name}.crt"),
        str(database_cluster / "dbca.crt"), "--purpose", purpose,
    )  # fmt: skip
    assert code == 0
    assert f"OK: usable as a TLS {purpose}" in out


def test_database_recipe_verify_client(
    cli: CLI, database_cluster: Path
) -> None:
    code, out, _ = cli.run(
        "verify", str(database_cluster / "dbclient.crt"),
        str(database_cluster / "dbca.crt"), "--purpose", "client",
    )  # fmt: skip
    assert code == 0
    assert "CN=postgres" in out


def test_database_recipe_match(cli: CLI, database_cluster: Path) -> None:
    code, out, _ = cli.run(
        "match",
        str(database_cluster / "dbserver.key"),
        str(database_cluster / "dbserver.crt"),
    )
    assert code == 0
    assert out.startswith("MATCH:")


# --- check -------------------------------------------------------------------


def test_check_client_certificate_as_server_fails(
    cli: CLI, backend_cli: BackendCLI, ec_ca: Path
) -> None:
    issue(
        backend_cli, ec_ca, "cl", "client.example.com", "--purpose", "client"
    )
    code, out, err = cli.run(
        "check", str(ec_ca / "cl.crt"), "--purpose", "server"
    )
    assert code == 1
    assert "FAIL  leaf      extendedKeyUsage includes serverAuth" in out
    assert "serverAuth" in err


def test_check_host_mismatch(
    cli: CLI, backend_cli: BackendCLI, ec_ca: Path
) -> None:
    issue(backend_cli, ec_ca, "web", "www.example.com")
    code, out, _ = cli.run(
        "check", str(ec_ca / "web.crt"), str(ec_ca / "ca.crt"),
        "--host", "other.example.com",
    )  # fmt: skip
    assert code == 1
    assert "subjectAltName matches other.example.com" in out


def test_check_expired_fails(cli: CLI, ec_ca: Path) -> None:
    code, out, _ = cli.run("check", str(ec_ca / "ca.crt"), "--at", FAR_FUTURE)
    assert code == 1
    assert "EXPIRED" in out


# --- inspect expiry ----------------------------------------------------------


def test_inspect_expired_banner(cli: CLI, ec_ca: Path) -> None:
    code, out, _ = cli.run(
        "inspect", str(ec_ca / "ca.crt"), "--at", FAR_FUTURE
    )
    assert code == 0
    assert out.count("*** EXPIRED") == 2
    assert "!!! block 1 (line 1): CN=Test CA: EXPIRED" in out


def test_inspect_expiring_soon_banner(cli: CLI, ec_ca: Path) -> None:
    certificate = read_certificate(ec_ca / "ca.crt")
    soon = certificate.not_after - datetime.timedelta(days=10)
    at = soon.strftime("%Y-%m-%dT%H:%M:%SZ")
    code, out, _ = cli.run("inspect", str(ec_ca / "ca.crt"), "--at", at)
    assert code == 0
    assert "*** EXPIRES SOON" in out


def test_inspect_valid_has_no_banner(cli: CLI, ec_ca: Path) -> None:
    code, out, _ = cli.run("inspect", str(ec_ca / "ca.crt"))
    assert code == 0
    assert "***" not in out


def test_list_marks_expired(cli: CLI, ec_ca: Path) -> None:
    code, out, _ = cli.run("list", str(ec_ca), "--at", FAR_FUTURE)
    assert code == 0
    assert "!!! ca.crt: CN=Test CA: EXPIRED" in out


def test_inspect_json(cli: CLI, ec_ca: Path) -> None:
    import json

    code, out, _ = cli.run(
        "inspect", "--json", str(ec_ca / "ca.crt"), str(ec_ca / "ca.key")
    )
    assert code == 0
    reports = json.loads(out)
    assert reports[0]["elements"][0]["subject"] == "CN=Test CA"
    assert reports[1]["elements"][0]["key"] == "EC P-256"


def test_bare_command_lists_current_folder(
    cli: CLI, ec_ca: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ec_ca)
    code, out, _ = cli.run()
    assert code == 0
    assert "ca.key matches certificate ca.crt" in out


# --- asn1 --------------------------------------------------------------------


def test_asn1_names_fields(cli: CLI, ec_ca: Path) -> None:
    code, out, _ = cli.run("asn1", str(ec_ca / "ca.crt"))
    assert code == 0
    assert "tbsCertificate.subject (rdnSequence)" in out
    assert "tbsCertificate.validity.notAfter (utcTime)" in out


def test_asn1_oid_display_names(cli: CLI, ec_ca: Path) -> None:
    _, out, _ = cli.run("asn1", str(ec_ca / "ca.crt"))
    assert "1.2.840.10045.4.3.2 (ecdsa-with-SHA256)" in out
    assert "2.5.29.19 (basicConstraints)" in out


def test_asn1_offsets_and_lengths(cli: CLI, ec_ca: Path) -> None:
    _, out, _ = cli.run("asn1", str(ec_ca / "ca.crt"))
    first = out.splitlines()[2].split()
    size = len(read_certificate(ec_ca / "ca.crt").to_der())
    assert 260 <= size < 65536
    assert first[0] == "0"
    assert first[1] == f"4+{size - 4}"
    assert first[2:4] == ["UNIV", "16"]


def test_asn1_encapsulated_extension(cli: CLI, ec_ca: Path) -> None:
    _, out, _ = cli.run("asn1", str(ec_ca / "ca.crt"))
    assert "BasicConstraints (encapsulated in" in out
    assert "BasicConstraints.cA: TRUE" in out


def test_asn1_private_key_warns(cli: CLI, ec_ca: Path) -> None:
    code, out, err = cli.run("asn1", str(ec_ca / "ca.key"))
    assert code == 0
    assert "secret numbers" in err
    assert "OneAsymmetricKey" in out


# --- demo --------------------------------------------------------------------


def test_demo_runs_workflow(backend_cli: BackendCLI, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    code, out, err = backend_cli.run("demo", str(folder))
    assert code == 0, err
    assert "Step 8 of 8" in out
    assert "OK: " in out
    assert (folder / "demo-server-fullchain.pem").is_file()


def test_demo_default_folder(
    backend_cli: BackendCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "purepki-demo").mkdir()
    code, _, _ = backend_cli.run("demo")
    assert code == 0
    assert (tmp_path / "purepki-demo-2" / "demo-root.crt").is_file()


def test_demo_failure_removes_folder(
    backend_cli: BackendCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from purepki.cli import issuing
    from purepki.profiles import SigningError

    def refuse(*args: object, **kwargs: object) -> None:
        raise SigningError("refused on purpose")

    monkeypatch.setattr(issuing, "sign_request", refuse)
    folder = tmp_path / "demo"
    code, out, _ = backend_cli.run("demo", str(folder))
    assert code == 3
    assert "stopped at step 3" in out
    assert not folder.exists()


def test_demo_refuses_folder_with_files(cli: CLI, ec_ca: Path) -> None:
    code, _, err = cli.run("demo", str(ec_ca))
    assert code == 2
    assert "not an empty folder" in err


# --- Subprocess --------------------------------------------------------------


def run_module(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m purepki`` from this source tree in a subprocess."""
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    return subprocess.run(
        [sys.executable, "-m", "purepki", *arguments],
        capture_output=True,
        text=True,
        env=environment,
    )


def test_module_runs_as_subprocess(tmp_path: Path) -> None:
    result = run_module("selfsigned", "ca", "CN:Sub CA", *ec_options(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout
    again = run_module(
        "verify", str(tmp_path / "ca.crt"), str(tmp_path / "ca.key")
    )
    assert again.returncode == 3
    assert "no CERTIFICATE block found" in again.stderr
    assert "Traceback" not in again.stderr
