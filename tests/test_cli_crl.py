"""``purepki verify --crl``: revocation checking from the command line,
against CRLs made by ``openssl ca`` and beside ``openssl verify``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_support import BackendCLI
from test_crl import openssl_ca  # noqa: F401 - shared fixture


def _verify(
    backend_cli: BackendCLI, files: dict[str, Path], *options: str
) -> tuple[int, str, str]:
    return backend_cli.run(
        "verify",
        str(files["leaf.pem"]),
        str(files["ca.pem"]),
        "--host",
        "www.example.test",
        *options,
    )


def _openssl_reports_revoked(
    openssl: str, files: dict[str, Path], crl: str
) -> bool:
    completed = subprocess.run(
        [
            openssl, "verify", "-crl_check", "-CAfile", str(files["ca.pem"]),
            "-CRLfile", str(files[crl]), str(files["leaf.pem"]),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    return "revoked" in completed.stdout + completed.stderr


def test_crl_not_revoked(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
    openssl: str,
) -> None:
    code, out, _ = _verify(
        backend_cli, openssl_ca, "--crl", str(openssl_ca["before.crl"])
    )
    assert code == 0
    assert "revocation leaf" in out
    assert not _openssl_reports_revoked(openssl, openssl_ca, "before.crl")


def test_crl_revoked_exit_code(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
    openssl: str,
) -> None:
    code, out, err = _verify(
        backend_cli, openssl_ca, "--crl", str(openssl_ca["after.crl"])
    )
    assert code == 1
    assert "revoked" in out
    assert "keyCompromise" in out
    assert "RFC 5280 section 6.3" in err
    assert _openssl_reports_revoked(openssl, openssl_ca, "after.crl")


def test_crl_revoked_json(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    code, out, _ = _verify(
        backend_cli,
        openssl_ca,
        "--crl",
        str(openssl_ca["after.crl"]),
        "--json",
    )
    data = json.loads(out)
    assert code == 1
    assert data["reason"] == "REVOKED"
    assert data["checks"][-1]["step"] == "revocation"


def test_crl_explain_lists_revocation(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    code, out, _ = _verify(
        backend_cli,
        openssl_ca,
        "--crl",
        str(openssl_ca["before.crl"]),
        "--explain",
    )
    lines = [line for line in out.splitlines() if "revocation" in line]
    assert code == 0
    assert any(line.startswith("ok") for line in lines)


def test_crl_several_files(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    """A revoked entry in any of the files given counts."""
    code, out, _ = _verify(
        backend_cli,
        openssl_ca,
        "--crl",
        str(openssl_ca["before.crl"]),
        "--crl",
        str(openssl_ca["after.crl"]),
    )
    assert code == 1
    assert "revoked" in out


def test_chain_mode_root_needs_no_crl(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    """The trust anchor is never checked, so a two-certificate chain
    checks only the leaf in chain mode too."""
    code, out, _ = _verify(
        backend_cli,
        openssl_ca,
        "--crl",
        str(openssl_ca["before.crl"]),
        "--revocation",
        "chain",
    )
    assert code == 0
    assert "revocation chain" in out


def test_revocation_without_crl_is_usage_error(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    code, _, err = _verify(backend_cli, openssl_ca, "--revocation", "leaf")
    assert code == 2
    assert "--crl FILE" in err


def test_revocation_none_ignores_crl(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    code, out, _ = _verify(
        backend_cli,
        openssl_ca,
        "--crl",
        str(openssl_ca["after.crl"]),
        "--revocation",
        "none",
    )
    assert code == 0
    assert "revocation" not in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
         "no X509 CRL block"),
        (b"\x30\x03\x02\x01\x01", "crl"),
    ],
    ids=["empty", "certificate", "bad-der"],
)  # fmt: skip
def test_bad_crl_file_is_input_error(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
    tmp_path: Path,
    content: bytes,
    message: str,
) -> None:
    bad = tmp_path / "bad.crl"
    bad.write_bytes(content)
    code, _, err = _verify(backend_cli, openssl_ca, "--crl", str(bad))
    assert code == 3
    assert str(bad) in err
    assert message in err.lower() or message in err
    assert "Traceback" not in err


def test_missing_crl_file_is_input_error(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    missing = tmp_path / "missing.crl"
    code, _, err = _verify(backend_cli, openssl_ca, "--crl", str(missing))
    assert code == 3
    assert str(missing) in err


def test_der_certificate_as_crl_named(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
    openssl: str,
    tmp_path: Path,
) -> None:
    der = tmp_path / "leaf.der"
    subprocess.run(
        [
            openssl, "x509", "-in", str(openssl_ca["leaf.pem"]),
            "-outform", "DER", "-out", str(der),
        ],
        check=True,
    )  # fmt: skip
    code, _, err = _verify(backend_cli, openssl_ca, "--crl", str(der))
    assert code == 3
    assert "contains no certificate revocation list" in err
    assert "found: certificate" in err


# --- inspect and list -------------------------------------------------------


def test_inspect_crl_shows_entries(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    code, out, _ = backend_cli.run("inspect", str(openssl_ca["after.crl"]))
    assert code == 0
    assert "CRL Number  : 2" in out
    assert "Revoked     : 1 certificate" in out
    assert "0x1000" in out
    assert "keyCompromise" in out


def test_inspect_crl_json_entries(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    code, out, _ = backend_cli.run(
        "inspect", "--json", str(openssl_ca["after.crl"])
    )
    element = json.loads(out)[0]["elements"][0]
    assert code == 0
    assert element["crl_number"] == 2
    assert element["revoked_certificates"][0]["reason"] == "keyCompromise"
    assert element["revoked_certificates"][0]["serial"] == "0x1000"
    assert element["strict_error"] is None


def test_list_crl_status(
    backend_cli: BackendCLI,
    openssl_ca: dict[str, Path],  # noqa: F811
) -> None:
    folder = str(openssl_ca["after.crl"].parent)
    code, out, _ = backend_cli.run("list", folder)
    assert code == 0
    assert "1 revoked certificate, next update by" in out
    code, out, _ = backend_cli.run(
        "list", folder, "--at", "2099-01-01T00:00:00Z"
    )
    assert "OUT OF DATE since" in out
