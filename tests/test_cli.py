"""The ``purepki`` command, run in-process through ``main([...])``: the
appliance workflow, argument rules, exit codes and output streams."""

from __future__ import annotations

import datetime
import ipaddress
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from purepki.backend import Backend
from purepki.certificate import load_certificates
from purepki.cli import main
from purepki.cli.common import parse_attributes, parse_moment
from purepki.csr import load_csr
from purepki.general_names import DNSName, IPAddress

REPOSITORY = Path(__file__).resolve().parents[1]


def run(
    capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str, str]:
    """Run ``purepki`` with ``arguments``; return code, stdout, stderr."""
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def in_a_day() -> str:
    moment = datetime.datetime.now(datetime.timezone.utc)
    moment += datetime.timedelta(days=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def ec_ca(
    tmp_path: Path, backend: Backend, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A folder holding a self-signed EC CA named ``ca``."""
    code, _, err = run(
        capsys,
        "selfsigned",
        "ca",
        "CN:Test CA",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
    assert code == 0, err
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
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, reason: str
) -> None:
    code, _, err = run(
        capsys,
        "csr",
        name,
        "CN:www.example.com",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
    )
    assert code == 2
    assert reason in err
    assert not list(tmp_path.iterdir())


def test_csr_requires_cn(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "csr", "web", "O:Example", "--dir", str(tmp_path)
    )
    assert code == 2
    assert "csr needs CN:NAME" in err


def test_bad_country_is_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:www.example.com",
        "C:USA",
        "--dir",
        str(tmp_path),
    )
    assert code == 2
    assert "two-letter country code" in err


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "inspect", "--no-such-option", "x")
    assert code == 2
    assert "unrecognized arguments" in err


def test_help_lists_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "3  input error" in out


def test_help_lists_unlock(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--help")
    assert "unlock" in out
    assert "pkcs12-to-ssh" in out


def test_missing_file_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "inspect", str(tmp_path / "absent.crt"))
    assert code == 3
    assert "No such file or directory" in err
    assert "Traceback" not in err


def test_garbage_file_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "notes.crt"
    path.write_bytes(b"hello, this is not a certificate\n")
    code, _, err = run(capsys, "verify", str(path), str(path))
    assert code == 3
    assert "not PEM" in err


def test_unknown_backend_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "backends", "--backend", "no-such-backend")
    assert code == 2
    assert "is not installed" in err


def test_backends_marks_active(
    capsys: pytest.CaptureFixture[str], backend: Backend
) -> None:
    code, out, _ = run(capsys, "backends", "--backend", backend.name)
    assert code == 0
    assert f"* {backend.name} (active)" in out


# --- csr, selfsigned, sign ---------------------------------------------------


def test_csr_appends_cn_to_san(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, backend: Backend
) -> None:
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:www.example.com",
        "subjectAltName:a.example.com,192.0.2.25",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
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
    capsys: pytest.CaptureFixture[str], tmp_path: Path, backend: Backend
) -> None:
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:a.example.com",
        "subjectAltName:a.example.com, b.example.com",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert "removed spaces" in err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    assert request.subject_alternative_name is not None
    assert DNSName("b.example.com") in request.subject_alternative_name.names


def test_csr_empty_san_has_no_extension(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, backend: Backend
) -> None:
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:www.example.com",
        "subjectAltName:",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert "no subjectAltName extension" in err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    assert request.subject_alternative_name is None


def test_key_file_mode_0600(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    mode = stat.S_IMODE((ec_ca / "ca.key").stat().st_mode)
    assert mode == 0o600


def test_certificate_file_not_private(ec_ca: Path) -> None:
    mode = stat.S_IMODE((ec_ca / "ca.crt").stat().st_mode)
    assert mode & 0o044


def test_no_overwrite_without_force(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    before = (ec_ca / "ca.crt").read_bytes()
    code, _, err = run(
        capsys,
        "selfsigned",
        "ca",
        "CN:Other CA",
        "--key-type",
        "ec",
        "--dir",
        str(ec_ca),
        "--backend",
        backend.name,
    )
    assert code == 2
    assert "--force" in err
    assert (ec_ca / "ca.crt").read_bytes() == before


def test_overwrite_with_force(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    before = (ec_ca / "ca.crt").read_bytes()
    code, _, _ = run(
        capsys,
        "selfsigned",
        "ca",
        "CN:Other CA",
        "--key-type",
        "ec",
        "--dir",
        str(ec_ca),
        "--force",
        "--backend",
        backend.name,
    )
    assert code == 0
    assert (ec_ca / "ca.crt").read_bytes() != before


def test_selfsigned_defaults_cn_to_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, backend: Backend
) -> None:
    code, _, err = run(
        capsys,
        "selfsigned",
        "labca",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert "using CN:labca" in err
    (certificate,) = load_certificates((tmp_path / "labca.crt").read_bytes())
    assert certificate.subject.common_names == ("labca",)


def test_selfsigned_with_san(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, backend: Backend
) -> None:
    code, _, _ = run(
        capsys,
        "selfsigned",
        "lab",
        "CN:lab.example.test",
        "subjectAltName:lab2.example.test",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
    assert code == 0
    (certificate,) = load_certificates((tmp_path / "lab.crt").read_bytes())
    san = certificate.subject_alternative_name
    assert san is not None
    assert san.dns_names == ("lab2.example.test", "lab.example.test")
    assert certificate.is_ca


def test_sign_purpose_ca_with_path_length(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    place = ["--dir", str(ec_ca), "--backend", backend.name]
    run(capsys, "csr", "sub", "CN:Sub CA", "--key-type", "ec", *place)
    code, _, err = run(
        capsys,
        "sign",
        "sub",
        "ca",
        "--purpose",
        "ca",
        "--path-length",
        "0",
        *place,
    )
    assert code == 0, err
    (certificate,) = load_certificates((ec_ca / "sub.crt").read_bytes())
    constraints = certificate.basic_constraints
    assert constraints is not None
    assert constraints.ca
    assert constraints.path_length == 0


def test_sign_path_length_needs_purpose_ca(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    place = ["--dir", str(ec_ca), "--backend", backend.name]
    run(capsys, "csr", "web", "CN:www.example.com", "--key-type", "ec", *place)
    code, _, err = run(
        capsys, "sign", "web", "ca", "--path-length", "0", *place
    )
    assert code == 2
    assert "only to --purpose ca" in err


def test_sign_server_purpose_eku(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    place = ["--dir", str(ec_ca), "--backend", backend.name]
    run(capsys, "csr", "web", "CN:www.example.com", "--key-type", "ec", *place)
    code, _, _ = run(
        capsys, "sign", "web", "ca", "--purpose", "server", *place
    )
    assert code == 0
    (certificate,) = load_certificates((ec_ca / "web.crt").read_bytes())
    eku = certificate.extended_key_usage
    assert eku is not None
    assert eku.server_auth
    assert not eku.client_auth


def test_sign_missing_csr_exits_3(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    code, _, err = run(
        capsys,
        "sign",
        "absent",
        "ca",
        "--dir",
        str(ec_ca),
        "--backend",
        backend.name,
    )
    assert code == 3
    assert "absent.csr" in err


def test_sign_with_non_ca_exits_3(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    place = ["--dir", str(ec_ca), "--backend", backend.name]
    run(
        capsys,
        "csr",
        "leaf",
        "CN:leaf.example.com",
        "--key-type",
        "ec",
        *place,
    )
    run(capsys, "sign", "leaf", "ca", "--purpose", "server", *place)
    run(capsys, "csr", "web", "CN:www.example.com", "--key-type", "ec", *place)
    code, _, err = run(capsys, "sign", "web", "leaf", *place)
    assert code == 3
    assert "is not a CA" in err
    assert not (ec_ca / "web.crt").exists()


def test_bits_checked_before_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:www.example.com",
        "--key-type",
        "ec",
        "--bits",
        "521",
        "--dir",
        str(tmp_path),
    )
    assert code == 2
    assert "use 256 (P-256) or 384 (P-384)" in err


# --- Failure midway ----------------------------------------------------------


def test_failed_signing_leaves_no_files(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from purepki.csr import CSRBuilder, InvalidRequest

    def broken_sign(*args: object, **kwargs: object) -> None:
        raise InvalidRequest("signing failed on purpose")

    monkeypatch.setattr(CSRBuilder, "sign", broken_sign)
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:www.example.com",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
    assert code == 3
    assert "signing failed on purpose" in err
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_rolls_back_first_file(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_replace = os.replace
    calls: list[object] = []

    def failing_replace(source: object, target: object) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing_replace)
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:www.example.com",
        "--key-type",
        "ec",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
    assert code == 3
    assert "No space left on device" in err
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_restores_replaced_file(
    capsys: pytest.CaptureFixture[str],
    ec_ca: Path,
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key_before = (ec_ca / "ca.key").read_bytes()
    real_replace = os.replace
    calls: list[object] = []

    def failing_replace(source: object, target: object) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(5, "Input/output error", str(target))
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing_replace)
    code, _, _ = run(
        capsys,
        "selfsigned",
        "ca",
        "CN:New CA",
        "--key-type",
        "ec",
        "--dir",
        str(ec_ca),
        "--force",
        "--backend",
        backend.name,
    )
    assert code == 3
    assert (ec_ca / "ca.key").read_bytes() == key_before
    assert stat.S_IMODE((ec_ca / "ca.key").stat().st_mode) == 0o600
    assert sorted(path.name for path in ec_ca.iterdir()) == [
        "ca.crt",
        "ca.key",
    ]


def test_rsa_progress_on_terminal(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    from purepki.cli import issuing
    from purepki.keys import generate_ec_key

    def slow_key(bits: int) -> object:
        time.sleep(0.7)
        return generate_ec_key(backend=backend)

    monkeypatch.setattr(issuing, "generate_rsa_key", slow_key)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:www.example.com",
        "--bits",
        "4096",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert "generating an RSA 4096 key" in err
    assert "done in" in err


def test_rsa_no_progress_when_not_terminal(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from purepki.cli import issuing
    from purepki.keys import generate_ec_key

    monkeypatch.setattr(
        issuing,
        "generate_rsa_key",
        lambda bits: generate_ec_key(backend=backend),
    )
    code, _, err = run(
        capsys,
        "csr",
        "web",
        "CN:www.example.com",
        "--bits",
        "4096",
        "--dir",
        str(tmp_path),
        "--backend",
        backend.name,
    )
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


def test_database_recipe_openssl_verify(
    database_cluster: Path, openssl: str
) -> None:
    result = subprocess.run(
        [
            openssl,
            "verify",
            "-CAfile",
            "dbca.crt",
            "dbserver.crt",
            "dbclient.crt",
        ],
        cwd=database_cluster,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "dbserver.crt: OK" in result.stdout
    assert "dbclient.crt: OK" in result.stdout


def test_database_recipe_cn_in_san(
    database_cluster: Path, openssl: str
) -> None:
    result = subprocess.run(
        [openssl, "x509", "-in", "dbserver.crt", "-noout", "-text"],
        cwd=database_cluster,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "DNS:server2.db.example.com, DNS:server1.db.example.com"
        in result.stdout
    )


def test_database_recipe_csr_san_in_openssl(
    database_cluster: Path, openssl: str
) -> None:
    result = subprocess.run(
        [openssl, "req", "-in", "dbserver.csr", "-noout", "-text", "-verify"],
        cwd=database_cluster,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Requested Extensions" in result.stdout
    assert "DNS:server1.db.example.com" in result.stdout


def test_database_recipe_rsa_keys(
    capsys: pytest.CaptureFixture[str], database_cluster: Path
) -> None:
    code, out, _ = run(capsys, "inspect", str(database_cluster / "dbca.key"))
    assert code == 0
    assert "RSA 2048 bits" in out


@pytest.mark.parametrize(
    ("name", "purpose"),
    [("dbserver", "server"), ("dbclient", "client")],
)
def test_database_recipe_check(
    capsys: pytest.CaptureFixture[str],
    database_cluster: Path,
    name: str,
    purpose: str,
) -> None:
    code, out, _ = run(
        capsys,
        "check",
        str(database_cluster / f"{name}.crt"),
        str(database_cluster / "dbca.crt"),
        "--purpose",
        purpose,
    )
    assert code == 0
    assert f"OK: usable as a TLS {purpose}" in out


def test_database_recipe_verify_client(
    capsys: pytest.CaptureFixture[str], database_cluster: Path
) -> None:
    code, out, _ = run(
        capsys,
        "verify",
        str(database_cluster / "dbclient.crt"),
        str(database_cluster / "dbca.crt"),
        "--purpose",
        "client",
    )
    assert code == 0
    assert "CN=postgres" in out


def test_database_recipe_match(
    capsys: pytest.CaptureFixture[str], database_cluster: Path
) -> None:
    code, out, _ = run(
        capsys,
        "match",
        str(database_cluster / "dbserver.key"),
        str(database_cluster / "dbserver.crt"),
    )
    assert code == 0
    assert out.startswith("MATCH:")


# --- check -------------------------------------------------------------------


def test_check_client_certificate_as_server_fails(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    place = ["--dir", str(ec_ca), "--backend", backend.name]
    run(
        capsys,
        "csr",
        "cl",
        "CN:client.example.com",
        "--key-type",
        "ec",
        *place,
    )
    run(capsys, "sign", "cl", "ca", "--purpose", "client", *place)
    code, out, err = run(
        capsys, "check", str(ec_ca / "cl.crt"), "--purpose", "server"
    )
    assert code == 1
    assert "FAIL  leaf      extendedKeyUsage includes serverAuth" in out
    assert "serverAuth" in err


def test_check_host_mismatch(
    capsys: pytest.CaptureFixture[str], ec_ca: Path, backend: Backend
) -> None:
    place = ["--dir", str(ec_ca), "--backend", backend.name]
    run(capsys, "csr", "web", "CN:www.example.com", "--key-type", "ec", *place)
    run(capsys, "sign", "web", "ca", *place)
    code, out, _ = run(
        capsys,
        "check",
        str(ec_ca / "web.crt"),
        str(ec_ca / "ca.crt"),
        "--host",
        "other.example.com",
    )
    assert code == 1
    assert "subjectAltName matches other.example.com" in out


def test_check_expired_fails(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    code, out, _ = run(
        capsys, "check", str(ec_ca / "ca.crt"), "--at", "2100-01-01T00:00:00Z"
    )
    assert code == 1
    assert "EXPIRED" in out


# --- inspect expiry ----------------------------------------------------------


def test_inspect_expired_banner(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    code, out, _ = run(
        capsys,
        "inspect",
        str(ec_ca / "ca.crt"),
        "--at",
        "2100-01-01T00:00:00Z",
    )
    assert code == 0
    assert out.count("*** EXPIRED") == 2
    assert "!!! block 1 (line 1): CN=Test CA: EXPIRED" in out


def test_inspect_expiring_soon_banner(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    (certificate,) = load_certificates((ec_ca / "ca.crt").read_bytes())
    soon = certificate.not_after - datetime.timedelta(days=10)
    at = soon.strftime("%Y-%m-%dT%H:%M:%SZ")
    code, out, _ = run(capsys, "inspect", str(ec_ca / "ca.crt"), "--at", at)
    assert code == 0
    assert "*** EXPIRES SOON" in out


def test_inspect_valid_has_no_banner(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    code, out, _ = run(capsys, "inspect", str(ec_ca / "ca.crt"))
    assert code == 0
    assert "***" not in out


def test_list_marks_expired(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    code, out, _ = run(
        capsys, "list", str(ec_ca), "--at", "2100-01-01T00:00:00Z"
    )
    assert code == 0
    assert "!!! ca.crt: CN=Test CA: EXPIRED" in out


def test_inspect_json(capsys: pytest.CaptureFixture[str], ec_ca: Path) -> None:
    import json

    code, out, _ = run(
        capsys,
        "inspect",
        "--json",
        str(ec_ca / "ca.crt"),
        str(ec_ca / "ca.key"),
    )
    assert code == 0
    reports = json.loads(out)
    assert reports[0]["elements"][0]["subject"] == "CN=Test CA"
    assert reports[1]["elements"][0]["key"] == "EC P-256"


def test_bare_command_lists_current_folder(
    capsys: pytest.CaptureFixture[str],
    ec_ca: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ec_ca)
    code, out, _ = run(capsys)
    assert code == 0
    assert "ca.key matches certificate ca.crt" in out


# --- asn1 --------------------------------------------------------------------


def test_asn1_names_fields(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    code, out, _ = run(capsys, "asn1", str(ec_ca / "ca.crt"))
    assert code == 0
    assert "tbsCertificate.subject (rdnSequence)" in out
    assert "tbsCertificate.validity.notAfter (utcTime)" in out


def test_asn1_oid_display_names(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    _, out, _ = run(capsys, "asn1", str(ec_ca / "ca.crt"))
    assert "1.2.840.10045.4.3.2 (ecdsa-with-SHA256)" in out
    assert "2.5.29.19 (basicConstraints)" in out


def test_asn1_offsets_and_lengths(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    _, out, _ = run(capsys, "asn1", str(ec_ca / "ca.crt"))
    first = out.splitlines()[2].split()
    (certificate,) = load_certificates((ec_ca / "ca.crt").read_bytes())
    size = len(certificate.to_der())
    assert 260 <= size < 65536
    assert first[0] == "0"
    assert first[1] == f"4+{size - 4}"
    assert first[2:4] == ["UNIV", "16"]


def test_asn1_encapsulated_extension(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    _, out, _ = run(capsys, "asn1", str(ec_ca / "ca.crt"))
    assert "BasicConstraints (encapsulated in" in out
    assert "BasicConstraints.cA: TRUE" in out


def test_asn1_private_key_warns(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    code, out, err = run(capsys, "asn1", str(ec_ca / "ca.key"))
    assert code == 0
    assert "secret numbers" in err
    assert "OneAsymmetricKey" in out


# --- demo --------------------------------------------------------------------


def test_demo_runs_workflow(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, backend: Backend
) -> None:
    folder = tmp_path / "demo"
    code, out, err = run(
        capsys, "demo", str(folder), "--backend", backend.name
    )
    assert code == 0, err
    assert "Step 8 of 8" in out
    assert "OK: " in out
    assert (folder / "demo-server-fullchain.pem").is_file()


def test_demo_default_folder(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "purepki-demo").mkdir()
    code, _, _ = run(capsys, "demo", "--backend", backend.name)
    assert code == 0
    assert (tmp_path / "purepki-demo-2" / "demo-root.crt").is_file()


def test_demo_failure_removes_folder(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from purepki.cli import issuing
    from purepki.profiles import SigningError

    def refuse(*args: object, **kwargs: object) -> None:
        raise SigningError("refused on purpose")

    monkeypatch.setattr(issuing, "sign_request", refuse)
    folder = tmp_path / "demo"
    code, out, _ = run(capsys, "demo", str(folder), "--backend", backend.name)
    assert code == 3
    assert "stopped at step 3" in out
    assert not folder.exists()


def test_demo_refuses_folder_with_files(
    capsys: pytest.CaptureFixture[str], ec_ca: Path
) -> None:
    code, _, err = run(capsys, "demo", str(ec_ca))
    assert code == 2
    assert "not an empty folder" in err


# --- Subprocess --------------------------------------------------------------


def test_module_runs_as_subprocess(tmp_path: Path) -> None:
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "purepki",
            "selfsigned",
            "ca",
            "CN:Sub CA",
            "--key-type",
            "ec",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "purepki",
            "verify",
            str(tmp_path / "ca.crt"),
            str(tmp_path / "ca.key"),
        ],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert again.returncode == 3
    assert "no CERTIFICATE block found" in again.stderr
    assert "Traceback" not in again.stderr
