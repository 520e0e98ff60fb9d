"""File shapes that break other tools, through the ``purepki`` command:
combined files, DER, bundles in any order, Windows text, CRLs and PKCS#7.

The base chain is made by the openssl command: a root "Test Root", an
intermediate "Test Intermediate" and a leaf for host.example.test, all
with RSA 2048 keys.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from purepki.backend import Backend
from purepki.certificate import load_certificates
from purepki.cli import main

HOST = "host.example.test"


def run(
    capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _openssl(openssl: str, folder: Path, *arguments: str) -> None:
    subprocess.run(
        [openssl, *arguments], cwd=folder, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory, openssl: str) -> Path:
    """Root, intermediate and leaf, with variants, made by openssl."""
    folder = tmp_path_factory.mktemp("chain")
    ssl = lambda *arguments: _openssl(openssl, folder, *arguments)  # noqa: E731
    ssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "root.key",
        "-out",
        "root.pem",
        "-subj",
        "/CN=Test Root",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    ssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "root2.key",
        "-out",
        "root2.pem",
        "-subj",
        "/CN=Test Root",
        "-days",
        "30",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
    )
    (folder / "int.ext").write_text("basicConstraints=critical,CA:TRUE\n")
    (folder / "leaf.ext").write_text(f"subjectAltName=DNS:{HOST}\n")
    ssl(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "int.key",
        "-out",
        "int.csr",
        "-subj",
        "/CN=Test Intermediate",
    )
    ssl(
        "x509",
        "-req",
        "-in",
        "int.csr",
        "-CA",
        "root.pem",
        "-CAkey",
        "root.key",
        "-CAcreateserial",
        "-out",
        "int.pem",
        "-days",
        "30",
        "-extfile",
        "int.ext",
    )
    ssl(
        "x509",
        "-req",
        "-in",
        "int.csr",
        "-CA",
        "root.pem",
        "-CAkey",
        "root.key",
        "-CAcreateserial",
        "-out",
        "int-noext.pem",
        "-days",
        "30",
    )
    ssl(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        f"/CN={HOST}",
    )
    ssl(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "int.pem",
        "-CAkey",
        "int.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "30",
        "-extfile",
        "leaf.ext",
    )
    ssl(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "int-noext.pem",
        "-CAkey",
        "int.key",
        "-CAcreateserial",
        "-out",
        "leaf-noext.pem",
        "-days",
        "30",
        "-extfile",
        "leaf.ext",
    )
    ssl("x509", "-in", "leaf.pem", "-outform", "DER", "-out", "leaf.cer")
    ssl("x509", "-in", "int.pem", "-outform", "DER", "-out", "int.der")
    ssl(
        "pkcs12",
        "-export",
        "-inkey",
        "leaf.key",
        "-in",
        "leaf.pem",
        "-certfile",
        "int.pem",
        "-passout",
        "pass:test",
        "-out",
        "leaf.p12",
    )
    ssl(
        "pkcs12",
        "-in",
        "leaf.p12",
        "-nodes",
        "-passin",
        "pass:test",
        "-out",
        "bag.pem",
    )
    ssl(
        "crl2pkcs7",
        "-nocrl",
        "-certfile",
        "leaf.pem",
        "-certfile",
        "int.pem",
        "-out",
        "chain.p7b",
    )
    (folder / "ca.cnf").write_text(
        "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\n"
        "default_md = sha256\ndefault_crl_days = 30\n"
    )
    (folder / "index.txt").write_text("")
    ssl(
        "ca",
        "-gencrl",
        "-keyfile",
        "root.key",
        "-cert",
        "root.pem",
        "-config",
        "ca.cnf",
        "-out",
        "root.crl",
    )
    return folder


def read(folder: Path, *names: str) -> bytes:
    return b"".join((folder / name).read_bytes() for name in names)


@pytest.fixture
def combo(chain: Path, tmp_path: Path) -> Path:
    """``cat leaf.key leaf.pem int.pem root.pem > combo.pem``."""
    path = tmp_path / "combo.pem"
    path.write_bytes(
        read(chain, "leaf.key", "leaf.pem", "int.pem", "root.pem")
    )
    return path


# --- Combined files ----------------------------------------------------------


def test_list_combined_every_block(
    capsys: pytest.CaptureFixture[str], combo: Path, backend: Backend
) -> None:
    code, out, _ = run(
        capsys, "list", str(combo.parent), "--backend", backend.name
    )
    assert code == 0
    assert "combo.pem                4 elements:" in out
    assert f"certificate                CN={HOST}" in out
    assert "certificate (CA)           CN=Test Intermediate" in out
    assert "certificate (CA)           CN=Test Root" in out
    assert "combo.pem block 1 matches certificate combo.pem block 2" in out


def test_inspect_combined_in_order(
    capsys: pytest.CaptureFixture[str], combo: Path, backend: Backend
) -> None:
    code, out, _ = run(
        capsys, "inspect", str(combo), "--backend", backend.name
    )
    assert code == 0
    leaf = out.index(f"Subject: CN = {HOST}")
    intermediate = out.index("Subject: CN = Test Intermediate")
    root = out.index("Subject: CN = Test Root")
    assert leaf < intermediate < root


def test_match_combined_names_block(
    capsys: pytest.CaptureFixture[str], combo: Path, backend: Backend
) -> None:
    code, out, _ = run(
        capsys, "match", str(combo), str(combo), "--backend", backend.name
    )
    assert code == 0
    assert (
        "MATCH: private key combo.pem block 1 and certificate combo.pem "
        "block 2" in out
    )


def test_match_certificate_first(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    path = tmp_path / "certfirst.pem"
    path.write_bytes(read(chain, "leaf.pem", "leaf.key"))
    code, out, _ = run(
        capsys, "match", str(path), str(path), "--backend", backend.name
    )
    assert code == 0
    assert (
        "private key certfirst.pem block 2 and certificate "
        "certfirst.pem block 1" in out
    )


def test_bag_attributes_file(
    capsys: pytest.CaptureFixture[str], chain: Path, backend: Backend
) -> None:
    bag = chain / "bag.pem"
    assert b"Bag Attributes" in bag.read_bytes()
    code, out, _ = run(
        capsys, "match", str(bag), str(bag), "--backend", backend.name
    )
    assert code == 0
    assert f"({'CN=' + HOST})" in out


def test_bag_attributes_verify(
    capsys: pytest.CaptureFixture[str], chain: Path, backend: Backend
) -> None:
    code, out, _ = run(
        capsys,
        "verify",
        str(chain / "bag.pem"),
        str(chain / "root.pem"),
        "--backend",
        backend.name,
    )
    assert code == 0, out


def test_key_only_file_as_certificate(
    capsys: pytest.CaptureFixture[str], chain: Path
) -> None:
    code, _, err = run(
        capsys, "match", str(chain / "leaf.key"), str(chain / "leaf.key")
    )
    assert code == 3
    assert "no CERTIFICATE block found" in err


def test_key_only_file_verified(
    capsys: pytest.CaptureFixture[str], chain: Path
) -> None:
    code, _, err = run(
        capsys, "verify", str(chain / "leaf.key"), str(chain / "root.pem")
    )
    assert code == 3
    assert "no CERTIFICATE block found" in err


def test_certificate_given_as_key(
    capsys: pytest.CaptureFixture[str], chain: Path
) -> None:
    code, _, err = run(
        capsys, "match", str(chain / "leaf.pem"), str(chain / "leaf.pem")
    )
    assert code == 3
    assert "no private key found" in err


# --- DER ---------------------------------------------------------------------


def test_inspect_der_certificate(
    capsys: pytest.CaptureFixture[str], chain: Path, backend: Backend
) -> None:
    code, out, _ = run(
        capsys, "inspect", str(chain / "leaf.cer"), "--backend", backend.name
    )
    assert code == 0
    assert "1 element (DER)" in out
    assert f"Subject: CN = {HOST}" in out


def test_inspect_concatenated_der(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    path = tmp_path / "chain.der"
    path.write_bytes(read(chain, "leaf.cer", "int.der"))
    code, out, _ = run(capsys, "inspect", str(path), "--backend", backend.name)
    assert code == 0
    assert "2 elements (DER)" in out
    assert "Subject: CN = Test Intermediate" in out


def test_verify_concatenated_der(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    path = tmp_path / "chain.der"
    path.write_bytes(read(chain, "leaf.cer", "int.der"))
    code, _, err = run(
        capsys,
        "verify",
        str(path),
        str(chain / "root.pem"),
        "--backend",
        backend.name,
    )
    assert code == 0, err


def test_inspect_junk_after_der(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    der = (chain / "leaf.cer").read_bytes()
    path = tmp_path / "junk.cer"
    path.write_bytes(der + b"\x01\x02\x03")
    code, out, err = run(
        capsys, "inspect", str(path), "--backend", backend.name
    )
    assert code == 3
    assert f"3 bytes at offset {len(der)}" in err
    assert f"Subject: CN = {HOST}" in out


# --- Intermediates in the leaf's file ----------------------------------------


def test_fullchain_verifies_with_root_only(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    path = tmp_path / "fullchain.pem"
    path.write_bytes(read(chain, "leaf.pem", "int.pem"))
    code, out, _ = run(
        capsys,
        "verify",
        str(path),
        str(chain / "root.pem"),
        "--host",
        HOST,
        "--backend",
        backend.name,
    )
    assert code == 0
    assert "intermediate 1       CN=Test Intermediate" in out


def test_leaf_alone_names_missing_link(
    capsys: pytest.CaptureFixture[str], chain: Path, backend: Backend
) -> None:
    code, out, err = run(
        capsys,
        "verify",
        str(chain / "leaf.pem"),
        str(chain / "root.pem"),
        "--backend",
        backend.name,
    )
    assert code == 1
    assert "no issuer found for CN=Test Intermediate" in err
    assert "FAILED" in out


def test_intermediate_without_basic_constraints(
    capsys: pytest.CaptureFixture[str], chain: Path, backend: Backend
) -> None:
    code, _, err = run(
        capsys,
        "verify",
        str(chain / "leaf-noext.pem"),
        str(chain / "int-noext.pem"),
        str(chain / "root.pem"),
        "--backend",
        backend.name,
    )
    assert code == 1
    assert "intermediate 1 CN=Test Intermediate" in err


def test_intermediate_without_basic_constraints_message(
    capsys: pytest.CaptureFixture[str], chain: Path, backend: Backend
) -> None:
    code, _, err = run(
        capsys,
        "verify",
        str(chain / "leaf-noext.pem"),
        str(chain / "int-noext.pem"),
        str(chain / "root.pem"),
        "--backend",
        backend.name,
    )
    assert code == 1
    assert (
        "issuer CN=Test Intermediate is not a CA (basicConstraints missing "
        "or cA=false)" in err
    )


def test_rotated_root_picks_signing_key(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    roots = tmp_path / "roots.pem"
    roots.write_bytes(read(chain, "root2.pem", "root.pem"))
    code, _, err = run(
        capsys,
        "verify",
        str(chain / "leaf.pem"),
        str(chain / "int.pem"),
        str(roots),
        "--backend",
        backend.name,
    )
    assert code == 0, err


# --- Bundles -----------------------------------------------------------------


def test_bundle_repairs_order(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    output = tmp_path / "bundle.pem"
    code, _, err = run(
        capsys,
        "bundle",
        str(chain / "leaf.pem"),
        str(chain / "root.pem"),
        str(chain / "int.pem"),
        "-o",
        str(output),
        "--backend",
        backend.name,
    )
    assert code == 0, err
    assert "out of order" in err
    expected = [
        certificate.to_pem()
        for certificate in load_certificates(
            read(chain, "int.pem", "root.pem")
        )
    ]
    assert output.read_text() == "".join(expected)


def test_bundle_layout(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    output = tmp_path / "full.pem"
    code, _, _ = run(
        capsys,
        "bundle",
        str(chain / "leaf.pem"),
        str(chain / "int.pem"),
        str(chain / "root.pem"),
        "--full-chain",
        "-o",
        str(output),
        "--backend",
        backend.name,
    )
    assert code == 0
    text = output.read_text()
    assert "\n\n" not in text
    assert text.endswith("-----END CERTIFICATE-----\n")
    assert "-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----" in text
    assert text.count("BEGIN CERTIFICATE") == 3
    assert text.startswith(
        load_certificates(read(chain, "leaf.pem"))[0].to_pem()
    )


def test_bundle_accepted_by_openssl(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    openssl: str,
    backend: Backend,
) -> None:
    output = tmp_path / "bundle.pem"
    run(
        capsys,
        "bundle",
        str(chain / "leaf.pem"),
        str(chain / "int.pem"),
        str(chain / "root.pem"),
        "--no-root",
        "-o",
        str(output),
        "--backend",
        backend.name,
    )
    result = subprocess.run(
        [
            openssl,
            "verify",
            "-CAfile",
            str(chain / "root.pem"),
            "-untrusted",
            str(output),
            str(chain / "leaf.pem"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_bundle_reports_duplicates_and_extras(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    output = tmp_path / "bundle.pem"
    code, _, err = run(
        capsys,
        "bundle",
        str(chain / "leaf.pem"),
        str(chain / "int.pem"),
        str(chain / "int.pem"),
        str(chain / "root2.pem"),
        str(chain / "root.pem"),
        "-o",
        str(output),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert "duplicate certificate left out: CN=Test Intermediate" in err
    assert "not in the chain, left out: CN=Test Root" in err
    assert output.read_text().count("BEGIN CERTIFICATE") == 2


def test_bundle_reports_missing(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    output = tmp_path / "bundle.pem"
    code, _, err = run(
        capsys,
        "bundle",
        str(chain / "leaf.pem"),
        str(chain / "int.pem"),
        "-o",
        str(output),
        "--backend",
        backend.name,
    )
    assert code == 0
    assert "no issuer found for CN=Test Root" in err


def test_bundle_empty_is_input_error(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    output = tmp_path / "bundle.pem"
    code, _, err = run(
        capsys,
        "bundle",
        str(chain / "leaf.pem"),
        str(chain / "root.pem"),
        "-o",
        str(output),
        "--backend",
        backend.name,
    )
    assert code == 3
    assert "no issuer found for CN=Test Intermediate" in err
    assert not output.exists()


def test_bundle_no_overwrite(
    capsys: pytest.CaptureFixture[str], chain: Path, tmp_path: Path
) -> None:
    output = tmp_path / "bundle.pem"
    output.write_text("keep me\n")
    code, _, err = run(
        capsys,
        "bundle",
        str(chain / "leaf.pem"),
        str(chain / "int.pem"),
        "-o",
        str(output),
    )
    assert code == 2
    assert "pass --force to replace it" in err
    assert output.read_text() == "keep me\n"


def test_check_reads_bundle(
    capsys: pytest.CaptureFixture[str], chain: Path
) -> None:
    code, out, _ = run(
        capsys,
        "check",
        str(chain / "leaf.pem"),
        str(chain / "int.pem"),
        "--host",
        HOST,
    )
    assert code == 0
    assert "pass  issuer 1  basicConstraints cA is TRUE" in out
    assert f"pass  leaf      subjectAltName matches {HOST}" in out


# --- Windows text, CRLs, PKCS#7 ----------------------------------------------


def test_certificate_after_bom(
    capsys: pytest.CaptureFixture[str],
    chain: Path,
    tmp_path: Path,
    backend: Backend,
) -> None:
    path = tmp_path / "bom.crt"
    path.write_bytes(b"\xef\xbb\xbf" + read(chain, "leaf.pem"))
    code, out, _ = run(capsys, "inspect", str(path), "--backend", backend.name)
    assert code == 0
    assert f"Subject: CN = {HOST}" in out


def test_new_certificate_request_label_signed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, backend: Backend
) -> None:
    place = ["--dir", str(tmp_path), "--backend", backend.name]
    run(capsys, "selfsigned", "ca", "CN:Label CA", "--key-type", "ec", *place)
    run(capsys, "csr", "web", f"CN:{HOST}", "--key-type", "ec", *place)
    path = tmp_path / "web.csr"
    path.write_text(
        path.read_text().replace(
            "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"
        )
    )
    code, out, _ = run(capsys, "list", str(tmp_path))
    assert "web.csr                  certificate request" in out
    code, _, err = run(capsys, "sign", "web", "ca", *place)
    assert code == 0, err


def test_utf16_csr_read(
    capsys: pytest.CaptureFixture[str], chain: Path, tmp_path: Path
) -> None:
    text = (chain / "leaf.csr").read_text()
    path = tmp_path / "utf16.csr"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    code, out, err = run(capsys, "inspect", str(path))
    assert code == 0
    assert f"Subject: CN = {HOST}" in out
    assert "UTF-16" in err


def test_inspect_crl(capsys: pytest.CaptureFixture[str], chain: Path) -> None:
    code, out, _ = run(capsys, "inspect", str(chain / "root.crl"))
    assert code == 0
    assert "certificate revocation list" in out
    assert "Issuer      : CN=Test Root" in out
    assert "Revoked     : 0 certificates" in out


def test_inspect_pkcs7(
    capsys: pytest.CaptureFixture[str], chain: Path, backend: Backend
) -> None:
    code, out, _ = run(
        capsys, "inspect", str(chain / "chain.p7b"), "--backend", backend.name
    )
    assert code == 0
    assert "PKCS#7 signedData holding 2 certificates" in out
    assert "Subject: CN = Test Intermediate" in out


def test_inspect_pkcs12(
    capsys: pytest.CaptureFixture[str], chain: Path
) -> None:
    code, out, _ = run(capsys, "inspect", str(chain / "leaf.p12"))
    assert code == 0
    assert "PKCS#12 (PFX) container" in out


def test_list_pkcs7_and_crl(
    capsys: pytest.CaptureFixture[str], chain: Path, backend: Backend
) -> None:
    code, out, _ = run(capsys, "list", str(chain), "--backend", backend.name)
    assert code == 0
    assert "PKCS#7 with 2 certificates" in out
    assert "root.crl                 certificate revocation list" in out
