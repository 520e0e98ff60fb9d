"""Files made by the openssl command (tests/make-openssl-fixtures.sh)
through ``inspect``, ``list``, ``match`` and ``verify``."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from purepki.backend import Backend
from purepki.cli import main

ENCRYPTED = [
    "server-pkcs8-enc.key",
    "webbridge3-legacy-aes.key",
    "webbridge3-legacy-3des.key",
    "server-legacy-aes.key",
]

# (file, kinds of its elements, in order).
CONTENTS = [
    ("webbridge3.key", ["private key"]),
    ("webbridge3-pkcs1.key", ["private key"]),
    ("webbridge3.csr", ["certificate request"]),
    ("callbridge.key", ["private key"]),
    ("callbridge.crt", ["certificate"]),
    ("root.key", ["EC parameters", "private key"]),
    ("root.crt", ["certificate"]),
    ("root-der.crt", ["certificate"]),
    ("intermediate.key", ["EC parameters", "private key"]),
    ("intermediate.csr", ["certificate request"]),
    ("intermediate.crt", ["certificate"]),
    ("server.key", ["EC parameters", "private key"]),
    ("server-pkcs8.key", ["private key"]),
    ("server-key.der", ["private key"]),
    ("server.csr", ["certificate request"]),
    ("server.crt", ["certificate"]),
    ("server-der.cer", ["certificate"]),
    ("bundle.pem", ["certificate", "certificate"]),
    ("fullchain.pem", ["certificate", "certificate", "certificate"]),
    ("dbca.key", ["private key"]),
    ("dbca.csr", ["certificate request"]),
    ("dbca.crt", ["certificate"]),
    ("dbserver.crt", ["certificate"]),
    ("dbclient.crt", ["certificate"]),
    ("server.p12", ["PKCS#12"]),
]

MATCHING = [
    ("webbridge3.key", "webbridge3.csr"),
    ("webbridge3-pkcs1.key", "webbridge3.csr"),
    ("callbridge.key", "callbridge.crt"),
    ("root.key", "root.crt"),
    ("root.key", "root-der.crt"),
    ("intermediate.key", "intermediate.crt"),
    ("intermediate.key", "bundle.pem"),
    ("server.key", "server.crt"),
    ("server-pkcs8.key", "server-der.cer"),
    ("server-key.der", "fullchain.pem"),
    ("server.key", "server.csr"),
    ("dbca.key", "dbca.crt"),
    ("dbserver.key", "dbserver.crt"),
    ("dbclient.key", "dbclient.crt"),
]

NOT_MATCHING = [
    ("root.key", "server.crt"),
    ("webbridge3.key", "callbridge.crt"),
    ("dbserver.key", "dbclient.crt"),
]

# (arguments after "verify", expected exit code, expected text).
VERIFY = [
    (["server.crt", "bundle.pem"], 0, "trust anchor         CN=Example Root"),
    (["fullchain.pem", "root.crt"], 0, "intermediate 1       CN=Example Int"),
    (["server-der.cer", "intermediate.crt", "root-der.crt"], 0, "OK:"),
    (
        [
            "fullchain.pem",
            "root.crt",
            "--purpose",
            "server",
            "--host",
            "join.example.com",
        ],
        0,
        "purpose server",
    ),
    (["fullchain.pem", "root.crt", "--ip", "192.0.2.25"], 0, "OK:"),
    (["server.crt", "intermediate.crt"], 0, "pinned certificate"),
    (["callbridge.crt", "callbridge.crt"], 0, "OK:"),
    (["dbserver.crt", "dbca.crt", "--purpose", "server"], 0, "OK:"),
    (["dbclient.crt", "dbca.crt", "--purpose", "client"], 0, "CN=postgres"),
    (
        ["server.crt", "root.crt"],
        1,
        "no issuer found for CN=Example Intermediate CA",
    ),
    (["dbserver.crt", "root.crt"], 1, "no issuer found for CN=example db"),
    (
        ["fullchain.pem", "root.crt", "--host", "other.example.com"],
        1,
        "other.example.com matches none of",
    ),
    (
        [
            "fullchain.pem",
            "root.crt",
            "--policy",
            "web-pki",
            "--host",
            "join.example.com",
        ],
        0,
        "policy web-pki",
    ),
]


def tomorrow() -> str:
    moment = datetime.datetime.now(datetime.timezone.utc)
    moment += datetime.timedelta(days=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def run(
    capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("name", "kinds"), CONTENTS, ids=[name for name, _ in CONTENTS]
)
def test_inspect_fixture(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    backend: Backend,
    name: str,
    kinds: list[str],
) -> None:
    code, out, err = run(
        capsys,
        "inspect",
        "--json",
        str(openssl_fixtures / name),
        "--at",
        tomorrow(),
        "--backend",
        backend.name,
    )
    assert code == 0, err
    (report,) = json.loads(out)
    assert [element["kind"] for element in report["elements"]] == kinds
    assert not any("error" in element for element in report["elements"])


@pytest.mark.parametrize("name", ENCRYPTED)
def test_inspect_encrypted_key(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    backend: Backend,
    name: str,
) -> None:
    code, out, _ = run(
        capsys,
        "inspect",
        str(openssl_fixtures / name),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert "encrypted private key" in out
    assert "private key is encrypted" in out


def test_inspect_legacy_cipher_named(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    _, out, _ = run(
        capsys, "inspect", str(openssl_fixtures / "webbridge3-legacy-3des.key")
    )
    assert "DES-EDE3-CBC" in out


def test_inspect_pkcs12_reported(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, out, _ = run(capsys, "inspect", str(openssl_fixtures / "server.p12"))
    assert code == 0
    assert "PKCS#12 (PFX) container" in out


def test_inspect_certificate_text(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    backend: Backend,
) -> None:
    code, out, _ = run(
        capsys,
        "inspect",
        str(openssl_fixtures / "server.crt"),
        "--at",
        tomorrow(),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert (
        "Subject: C = GB, ST = London, L = London, O = Example, OU = "
        "Video, CN = join.example.com" in out
    )
    assert (
        "DNS:join.example.com, DNS:webbridge3.example.com, IP "
        "Address:192.0.2.25" in out
    )
    assert "TLS Web Server Authentication" in out


def test_inspect_combined_key_matches_certificate(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    combined = tmp_path / "server-combined.pem"
    combined.write_bytes(
        (openssl_fixtures / "server.key").read_bytes()
        + (openssl_fixtures / "fullchain.pem").read_bytes()
    )
    code, out, _ = run(
        capsys, "inspect", str(combined), "--backend", backend.name
    )
    assert code == 0
    assert "Matches the certificate in block 3 (line" in out


def test_list_fixtures(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    backend: Backend,
) -> None:
    code, out, err = run(
        capsys,
        "list",
        str(openssl_fixtures),
        "--at",
        tomorrow(),
        "--backend",
        backend.name,
    )
    assert code == 0, err
    for key, partner in MATCHING:
        if partner.endswith(".pem"):
            continue
        assert f"{key}" in out
        assert f"matches certificate {partner} " in out or (
            f"matches certificate request {partner} " in out
        ), (key, partner)


def test_list_fixtures_json_pairs(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    backend: Backend,
) -> None:
    code, out, _ = run(
        capsys,
        "list",
        "--json",
        str(openssl_fixtures),
        "--backend",
        backend.name,
    )
    assert code == 0
    report = json.loads(out)
    pairs = {
        (
            Path(match["key"].split(",")[0]).name,
            Path(match["match"].split(",")[0]).name,
        )
        for match in report["matches"]
    }
    for key, partner in MATCHING:
        assert (key, partner) in pairs


def test_list_shows_encrypted_and_pkcs12(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    _, out, _ = run(capsys, "list", str(openssl_fixtures))
    lines = {line.split()[0]: line for line in out.splitlines() if line}
    assert "encrypted private key" in lines["server-pkcs8-enc.key"]
    assert "PKCS#12" in lines["server.p12"]


@pytest.mark.parametrize(
    ("key", "partner"),
    MATCHING,
    ids=[f"{key}-{partner}" for key, partner in MATCHING],
)
def test_match_fixture_pairs(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    backend: Backend,
    key: str,
    partner: str,
) -> None:
    code, out, _ = run(
        capsys,
        "match",
        str(openssl_fixtures / key),
        str(openssl_fixtures / partner),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert out.startswith("MATCH:")


@pytest.mark.parametrize(
    ("key", "partner"),
    NOT_MATCHING,
    ids=[f"{key}-{partner}" for key, partner in NOT_MATCHING],
)
def test_match_fixture_mismatch(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    backend: Backend,
    key: str,
    partner: str,
) -> None:
    code, out, _ = run(
        capsys,
        "match",
        str(openssl_fixtures / key),
        str(openssl_fixtures / partner),
        "--backend",
        backend.name,
    )
    assert code == 1
    assert "the certificate and key do not match" in out
    assert out.count("public key SHA-256") == 2


def test_match_encrypted_key_exits_3(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, _, err = run(
        capsys,
        "match",
        str(openssl_fixtures / "server-pkcs8-enc.key"),
        str(openssl_fixtures / "server.crt"),
    )
    assert code == 3
    assert "private key is encrypted" in err


def test_match_json(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, out, _ = run(
        capsys,
        "match",
        "--json",
        str(openssl_fixtures / "server.key"),
        str(openssl_fixtures / "fullchain.pem"),
    )
    assert code == 0
    report = json.loads(out)
    assert report["match"] is True
    assert report["pairs"][0]["match"]["where"].endswith("block 1 (line 1)")


@pytest.mark.parametrize(
    ("arguments", "expected_code", "expected"),
    VERIFY,
    ids=[
        "-".join(arguments[:2]) + f"-{index}"
        for index, (arguments, _, _) in enumerate(VERIFY)
    ],
)
def test_verify_fixture(
    capsys: pytest.CaptureFixture[str],
    openssl_fixtures: Path,
    backend: Backend,
    arguments: list[str],
    expected_code: int,
    expected: str,
) -> None:
    files = [
        str(openssl_fixtures / argument)
        if (openssl_fixtures / argument).is_file()
        else argument
        for argument in arguments
    ]
    code, out, err = run(
        capsys, "verify", *files, "--at", tomorrow(), "--backend", backend.name
    )
    assert code == expected_code, err
    assert expected in out + err


def test_verify_failure_one_stderr_line(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, _, err = run(
        capsys,
        "verify",
        str(openssl_fixtures / "server.crt"),
        str(openssl_fixtures / "root.crt"),
    )
    assert code == 1
    assert len(err.strip().splitlines()) == 1


def test_verify_explain_lists_checks(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, out, _ = run(
        capsys,
        "verify",
        "--explain",
        str(openssl_fixtures / "fullchain.pem"),
        str(openssl_fixtures / "root.crt"),
    )
    assert code == 0
    assert "ok   signature" in out
    assert "ok   path length" in out


def test_verify_failure_shows_failing_check(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, out, _ = run(
        capsys,
        "verify",
        str(openssl_fixtures / "fullchain.pem"),
        str(openssl_fixtures / "root.crt"),
        "--at",
        "2040-01-01T00:00:00Z",
    )
    assert code == 1
    assert "Failing check: FAIL validity" in out


def test_verify_json_failure(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, out, _ = run(
        capsys,
        "verify",
        "--json",
        str(openssl_fixtures / "server.crt"),
        str(openssl_fixtures / "root.crt"),
    )
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False
    assert report["reason"] == "NO_ISSUER"


def test_verify_key_as_certificate(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, _, err = run(
        capsys,
        "verify",
        str(openssl_fixtures / "server.key"),
        str(openssl_fixtures / "root.crt"),
    )
    assert code == 3
    assert "no CERTIFICATE block found" in err


def test_check_fixture_server(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, out, _ = run(
        capsys,
        "check",
        str(openssl_fixtures / "server.crt"),
        str(openssl_fixtures / "bundle.pem"),
        "--purpose",
        "both",
        "--at",
        tomorrow(),
    )
    assert code == 0
    assert "Issuer 2: CN=Example Root CA" in out
    assert "n/a   leaf      Netscape certificate type" in out


def test_asn1_der_fixture(
    capsys: pytest.CaptureFixture[str], openssl_fixtures: Path
) -> None:
    code, out, _ = run(
        capsys, "asn1", str(openssl_fixtures / "server-der.cer")
    )
    assert code == 0
    assert "tbsCertificate.subjectPublicKeyInfo.algorithm.algorithm" in out
    assert "SubjectAltName[2] (iPAddress): 192.0.2.25" in out
