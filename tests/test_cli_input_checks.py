"""Input checks of the ``purepki`` command.

They cover the attribute values of ``csr`` and ``selfsigned``, the
subjectAltName warning, files left from an earlier key, and file modes
under any umask. They also cover the messages for PKCS#12, PKCS#7 and
empty files, ``--at`` values, and the help of positional arguments.
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from purepki.certificate import load_certificates
from purepki.cli import build_parser, main
from purepki.csr import load_csr
from purepki.keys import load_private_key
from purepki.pkcs12 import dump_pkcs12

REPOSITORY = Path(__file__).resolve().parents[1]
EC = ("--key-type", "ec")


def run(
    capsys: pytest.CaptureFixture[str], *arguments: str
) -> tuple[int, str, str]:
    """Run ``purepki`` with ``arguments``; return code, stdout, stderr."""
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def csr(
    capsys: pytest.CaptureFixture[str], folder: Path, *attributes: str
) -> tuple[int, str, str]:
    return run(capsys, "csr", "web", *attributes, *EC, "--dir", str(folder))


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a CA (ca.key, ca.crt), web.key, web.csr, web.crt
    signed by the CA, and web.p12 (password ``secret``)."""
    folder = tmp_path_factory.mktemp("signed")
    common = (*EC, "--dir", str(folder))
    assert main(["selfsigned", "ca", "CN:Test CA", *common]) == 0
    assert main(["csr", "web", "CN:web.example.com", *common]) == 0
    assert main(["sign", "web", "ca", "--dir", str(folder)]) == 0
    key = load_private_key((folder / "web.key").read_bytes())
    (certificate,) = load_certificates((folder / "web.crt").read_bytes())
    # Few iterations keep the pure-Python key derivation fast.
    pkcs12 = dump_pkcs12(
        key, certificate, password="secret", iterations=1, mac_iterations=1
    )
    (folder / "web.p12").write_bytes(pkcs12)
    return folder


# --- Attribute values --------------------------------------------------------

CONTROL_CHARACTERS = [
    pytest.param("\x00", id="nul"),
    pytest.param("\x01", id="c0-soh"),
    pytest.param("\t", id="c0-tab"),
    pytest.param("\n", id="c0-newline"),
    pytest.param("\x1b", id="c0-escape"),
    pytest.param("\x1f", id="c0-last"),
    pytest.param("\x7f", id="del"),
    pytest.param("\x80", id="c1-first"),
    pytest.param("\x85", id="c1-next-line"),
    pytest.param("\x9b", id="c1-csi"),
    pytest.param("\x9f", id="c1-last"),
    pytest.param("\u2028", id="line-separator"),
]


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
def test_control_character_in_cn_rejected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, character: str
) -> None:
    value = f"www{character}.example.com"
    code, _, err = csr(capsys, tmp_path, f"CN:{value}")
    assert code == 2
    assert f"CN value {value!r}" in err
    assert f"U+{ord(character):04X}" in err
    assert "remove it" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("attribute", ["O", "OU", "L", "ST", "emailAddress"])
def test_control_character_in_attribute_rejected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, attribute: str
) -> None:
    value = "a\x07b"
    code, _, err = csr(
        capsys, tmp_path, "CN:www.example.com", f"{attribute}:{value}"
    )
    assert code == 2
    assert f"{attribute} value {value!r}" in err
    assert "U+0007" in err


def test_control_character_rejected_by_selfsigned(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "selfsigned", "ca", "CN:Test\x9bCA", *EC, "--dir",
        str(tmp_path),
    )  # fmt: skip
    assert code == 2
    assert "CN value 'Test\\x9bCA'" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "stripped"),
    [
        pytest.param(" www.example.com", "www.example.com", id="leading"),
        pytest.param("www.example.com ", "www.example.com", id="trailing"),
        pytest.param("  web  ", "web", id="both"),
        pytest.param("\u00a0web", "web", id="no-break-space"),
    ],
)
def test_edge_spaces_in_cn_rejected(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    value: str,
    stripped: str,
) -> None:
    code, _, err = csr(capsys, tmp_path, f"CN:{value}")
    assert code == 2
    assert f"CN value {value!r} starts or ends with white space" in err
    assert f'write CN:"{stripped}"' in err
    assert list(tmp_path.iterdir()) == []


def test_edge_spaces_in_organization_rejected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(
        capsys, tmp_path, "CN:www.example.com", "O:Example Inc. "
    )
    assert code == 2
    assert "O value 'Example Inc. '" in err
    assert 'write O:"Example Inc."' in err


def test_inner_spaces_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(
        capsys, tmp_path, "CN:www.example.com", "O:My  Office", "L:San Jose"
    )
    assert code == 0, err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    assert request.subject.rfc4514() == (
        "CN=www.example.com,O=My  Office,L=San Jose"
    )


@pytest.mark.parametrize(
    "argument",
    [
        pytest.param("CN:", id="cn-empty"),
        pytest.param("O:", id="o-empty"),
        pytest.param("O:   ", id="o-spaces"),
        pytest.param("emailAddress:", id="email-empty"),
    ],
)
def test_empty_value_rejected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argument: str
) -> None:
    attribute, value = argument.split(":", 1)
    extra = () if attribute == "CN" else ("CN:www.example.com",)
    code, _, err = csr(capsys, tmp_path, *extra, argument)
    assert code == 2
    assert f"{attribute} has an empty value ({value!r})" in err
    assert f"leave {attribute} out" in err


@pytest.mark.parametrize(
    ("value", "upper"),
    [("us", "US"), ("Gb", "GB"), ("dE", "DE")],
)
def test_lower_case_country_suggests_upper_case(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    value: str,
    upper: str,
) -> None:
    code, _, err = csr(capsys, tmp_path, "CN:www.example.com", f"C:{value}")
    assert code == 2
    assert f"C value {value!r} is not upper case" in err
    assert f"write C:{upper}" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("U", id="one-letter"),
        pytest.param("USA", id="alpha-3"),
        pytest.param("usa", id="alpha-3-lower"),
        pytest.param("U1", id="digit"),
        pytest.param("U-", id="punctuation"),
        pytest.param("ÜS", id="not-ascii"),
        pytest.param("840", id="numeric-code"),
    ],
)
def test_country_not_two_letters_rejected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, value: str
) -> None:
    code, _, err = csr(capsys, tmp_path, "CN:www.example.com", f"C:{value}")
    assert code == 2
    assert f"C value {value!r} is not a two-letter country code" in err
    assert "ISO 3166-1 alpha-2" in err
    assert "such as GB, US or DE" in err


def test_country_alpha_3_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, _, err = csr(capsys, tmp_path, "CN:www.example.com", "C:GBR")
    assert "not an alpha-3 code" in err


def test_country_uk_warns_gb(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(capsys, tmp_path, "CN:www.example.com", "C:UK")
    assert code == 0
    assert "warning: C value 'UK'" in err
    assert "GB" in err


def test_country_upper_case_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(capsys, tmp_path, "CN:www.example.com", "C:US")
    assert code == 0, err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    assert request.subject.rfc4514() == "CN=www.example.com,C=US"


# RFC 5280 appendix A upper bounds, which purepki.name enforces.
UPPER_BOUNDS = [
    ("CN", 64),
    ("O", 64),
    ("OU", 64),
    ("L", 128),
    ("ST", 128),
    ("emailAddress", 255),
]


@pytest.mark.parametrize(("attribute", "bound"), UPPER_BOUNDS)
def test_value_over_upper_bound_rejected(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    attribute: str,
    bound: int,
) -> None:
    value = "a" * (bound + 1)
    extra = () if attribute == "CN" else ("CN:www.example.com",)
    code, _, err = csr(capsys, tmp_path, *extra, f"{attribute}:{value}")
    assert code == 2
    assert err.startswith("purepki csr: error: ")
    assert f"{attribute} value of {bound + 1} characters" in err
    assert f"maximum of {bound}" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("attribute", "bound"), UPPER_BOUNDS)
def test_value_at_upper_bound_accepted(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    attribute: str,
    bound: int,
) -> None:
    value = "a" * bound
    extra = () if attribute == "CN" else ("CN:www.example.com",)
    code, _, err = csr(capsys, tmp_path, *extra, f"{attribute}:{value}")
    assert code == 0, err


def test_split_value_suggests_quotes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(capsys, tmp_path, "CN:My", "Server")
    assert code == 2
    assert "argument 'Server' is not ATTR:VALUE" in err
    assert 'CN:"My Server"' in err


def test_split_san_list_suggests_commas(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(
        capsys,
        tmp_path,
        "CN:a.example.com",
        "subjectAltName:b.example.com",
        "c.example.com",
    )
    assert code == 2
    assert "subjectAltName:b.example.com,c.example.com" in err


# --- CN and subjectAltName ---------------------------------------------------


def test_cn_not_dns_name_warns_about_san(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(
        capsys, tmp_path, "CN:My Server", "subjectAltName:a.example.com"
    )
    assert code == 0
    assert "warning: CN 'My Server' was not copied into subjectAltName" in err
    assert "not a DNS name or IP address" in err
    assert "only against subjectAltName" in err
    assert "RFC 6125 section 6.4.4" in err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    san = request.subject_alternative_name
    assert san is not None
    assert [str(name) for name in san.names] == ["DNS:a.example.com"]


def test_cn_not_dns_name_without_san_noted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(capsys, tmp_path, "CN:My Server")
    assert code == 0
    assert "CN 'My Server' is not a DNS name or IP address" in err
    assert "subjectAltName:HOST" in err


def test_cn_dns_name_without_san_silent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(capsys, tmp_path, "CN:www.example.com")
    assert code == 0
    assert err == ""


def test_cn_ip_address_copied_without_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(
        capsys, tmp_path, "CN:192.0.2.25", "subjectAltName:a.example.com"
    )
    assert code == 0
    assert "warning" not in err
    request = load_csr((tmp_path / "web.csr").read_bytes())
    san = request.subject_alternative_name
    assert san is not None
    assert [str(name) for name in san.names] == [
        "DNS:a.example.com",
        "IP Address:192.0.2.25",
    ]


# --- Files left from the previous key ----------------------------------------


def test_csr_force_warns_about_old_certificate(
    capsys: pytest.CaptureFixture[str], signed: Path, tmp_path: Path
) -> None:
    for name in ("web.key", "web.csr", "web.crt", "web.p12"):
        (tmp_path / name).write_bytes((signed / name).read_bytes())
    old_certificate = (tmp_path / "web.crt").read_bytes()
    code, _, err = csr(capsys, tmp_path, "CN:web.example.com", "--force")
    assert code == 0
    certificate = tmp_path / "web.crt"
    assert f"warning: {certificate} is from before this run" in err
    assert "does not match the new web.key" in err
    assert "sign the new web.csr" in err
    assert "'purepki sign web CA_NAME --force'" in err
    assert f"warning: {tmp_path / 'web.p12'} contains an earlier key" in err
    assert "'purepki pkcs12 web --force'" in err
    assert certificate.read_bytes() == old_certificate
    assert (tmp_path / "web.p12").exists()


def test_csr_without_old_files_silent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = csr(capsys, tmp_path, "CN:web.example.com")
    assert code == 0
    assert "warning" not in err


def test_csr_new_key_next_to_certificate_warns(
    capsys: pytest.CaptureFixture[str], signed: Path, tmp_path: Path
) -> None:
    # NAME.key was removed by hand, so no --force is needed.
    (tmp_path / "web.crt").write_bytes((signed / "web.crt").read_bytes())
    code, _, err = csr(capsys, tmp_path, "CN:web.example.com")
    assert code == 0
    assert f"warning: {tmp_path / 'web.crt'} is from before this run" in err


def test_selfsigned_force_warns_about_old_request(
    capsys: pytest.CaptureFixture[str], signed: Path, tmp_path: Path
) -> None:
    for name in ("web.key", "web.csr", "web.crt"):
        (tmp_path / name).write_bytes((signed / name).read_bytes())
    old_request = (tmp_path / "web.csr").read_bytes()
    code, _, err = run(
        capsys, "selfsigned", "web", *EC, "--dir", str(tmp_path), "--force"
    )
    assert code == 0
    assert f"warning: {tmp_path / 'web.csr'} is from before this run" in err
    assert "another public key than the new web.key" in err
    assert (tmp_path / "web.csr").read_bytes() == old_request


# --- File modes --------------------------------------------------------------


def _run_with_umask(umask: int, *arguments: str) -> None:
    """Run ``purepki`` in a child process with ``umask`` set."""
    script = (
        "import os, sys\n"
        f"os.umask({umask:#o})\n"
        "from purepki.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, *arguments],
        cwd=REPOSITORY,
        check=True,
        capture_output=True,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_umask_000_public_files_0644(tmp_path: Path) -> None:
    folder = str(tmp_path)
    _run_with_umask(0, "selfsigned", "ca", *EC, "--dir", folder)
    _run_with_umask(
        0, "csr", "web", "CN:web.example.com", *EC, "--dir", folder
    )
    _run_with_umask(0, "sign", "web", "ca", "--dir", folder)
    bundle = tmp_path / "bundle.pem"
    _run_with_umask(
        0, "bundle", str(tmp_path / "web.crt"), str(tmp_path / "ca.crt"),
        "-o", str(bundle),
    )  # fmt: skip
    for name in ("ca.crt", "web.csr", "web.crt", "bundle.pem"):
        assert _mode(tmp_path / name) == 0o644, name
    for name in ("ca.key", "web.key"):
        assert _mode(tmp_path / name) == 0o600, name


def test_umask_removes_more_bits(tmp_path: Path) -> None:
    _run_with_umask(0o077, "selfsigned", "ca", *EC, "--dir", str(tmp_path))
    assert _mode(tmp_path / "ca.crt") == 0o600
    assert _mode(tmp_path / "ca.key") == 0o600


def test_output_files_mode_under_umask_000(tmp_path: Path) -> None:
    from purepki.files import OutputFiles

    previous = os.umask(0)
    try:
        output = OutputFiles()
        output.add(tmp_path / "public.pem", b"public")
        output.add(tmp_path / "secret.key", b"secret", private=True)
        output.commit()
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "public.pem") == 0o644
    assert _mode(tmp_path / "secret.key") == 0o600


# --- PKCS#12, PKCS#7 and other files where certificates are expected ---------


def test_verify_pkcs12_as_cert_explained(
    capsys: pytest.CaptureFixture[str], signed: Path
) -> None:
    pkcs12 = signed / "web.p12"
    code, _, err = run(capsys, "verify", str(pkcs12), str(signed / "ca.crt"))
    assert code == 3
    assert f"{pkcs12} is a PKCS#12 (PFX) file" in err
    assert f"openssl pkcs12 -in {pkcs12} -nokeys" in err
    assert "malformed DER" not in err


def test_verify_pkcs12_as_bundle_explained(
    capsys: pytest.CaptureFixture[str], signed: Path
) -> None:
    pkcs12 = signed / "web.p12"
    code, _, err = run(capsys, "verify", str(signed / "web.crt"), str(pkcs12))
    assert code == 3
    assert f"{pkcs12} is a PKCS#12 (PFX) file" in err


@pytest.mark.skipif(
    shutil.which("openssl") is None, reason="openssl not installed"
)
def test_pkcs12_extraction_hint_works(
    capsys: pytest.CaptureFixture[str], signed: Path, tmp_path: Path
) -> None:
    """The openssl command of the message gives a file verify reads."""
    extracted = tmp_path / "web-certs.pem"
    subprocess.run(
        [
            "openssl", "pkcs12", "-in", str(signed / "web.p12"), "-nokeys",
            "-out", str(extracted), "-passin", "pass:secret",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    code, _, err = run(
        capsys, "verify", str(extracted), str(signed / "ca.crt")
    )
    assert code == 0, err


def test_verify_pem_pkcs7_explained(
    capsys: pytest.CaptureFixture[str], signed: Path, tmp_path: Path
) -> None:
    from purepki import pem

    (certificate,) = load_certificates((signed / "web.crt").read_bytes())
    # A certs-only signedData, as 'openssl crl2pkcs7 -nocrl' writes it.
    signed_data = _certs_only_signed_data(certificate.to_der())
    path = tmp_path / "web.p7b"
    path.write_text(pem.encode("PKCS7", signed_data))
    code, _, err = run(capsys, "verify", str(path), str(signed / "ca.crt"))
    assert code == 3
    assert f"{path} is a PKCS#7 file" in err
    assert "openssl pkcs7" in err


def _certs_only_signed_data(certificate: bytes) -> bytes:
    def tlv(tag: int, content: bytes) -> bytes:
        size = len(content)
        if size < 0x80:
            return bytes([tag, size]) + content
        length = size.to_bytes((size.bit_length() + 7) // 8, "big")
        return bytes([tag, 0x80 | len(length)]) + length + content

    data_oid = bytes.fromhex("06092a864886f70d010701")
    signed_data_oid = bytes.fromhex("06092a864886f70d010702")
    signed = tlv(
        0x30,
        bytes.fromhex("020101")  # version 1
        + tlv(0x31, b"")  # digestAlgorithms
        + tlv(0x30, data_oid)  # encapContentInfo
        + tlv(0xA0, certificate)  # certificates [0] IMPLICIT
        + tlv(0x31, b""),  # signerInfos
    )
    return tlv(0x30, signed_data_oid + tlv(0xA0, signed))


def test_verify_key_as_cert_names_kind(
    capsys: pytest.CaptureFixture[str], signed: Path, tmp_path: Path
) -> None:
    key = load_private_key((signed / "web.key").read_bytes())
    path = tmp_path / "web.der"
    path.write_bytes(key.to_der())
    code, _, err = run(capsys, "verify", str(path), str(signed / "ca.crt"))
    assert code == 3
    assert f"{path} contains no certificate (found: private key)" in err


def test_sign_with_pkcs12_ca_explained(
    capsys: pytest.CaptureFixture[str], signed: Path, tmp_path: Path
) -> None:
    (tmp_path / "web.csr").write_bytes((signed / "web.csr").read_bytes())
    (tmp_path / "ca.key").write_bytes((signed / "ca.key").read_bytes())
    (tmp_path / "ca.crt").write_bytes((signed / "web.p12").read_bytes())
    code, _, err = run(capsys, "sign", "web", "ca", "--dir", str(tmp_path))
    assert code == 3
    assert "is a PKCS#12 (PFX) file" in err


# --- Empty files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "detail"),
    [(b"", "0 bytes"), (b"\n  \r\n", "white space only")],
)
@pytest.mark.parametrize("command", ["verify-cert", "verify-ca", "inspect"])
def test_empty_file_reported(
    capsys: pytest.CaptureFixture[str],
    signed: Path,
    tmp_path: Path,
    content: bytes,
    detail: str,
    command: str,
) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_bytes(content)
    ca = str(signed / "ca.crt")
    arguments = {
        "verify-cert": ["verify", str(empty), ca],
        "verify-ca": ["verify", str(signed / "web.crt"), str(empty)],
        "inspect": ["inspect", str(empty)],
    }[command]
    code, _, err = run(capsys, *arguments)
    assert code == 3
    assert f"{empty} is empty ({detail})" in err
    assert "starts with nothing" not in err


def test_match_empty_key_reported(
    capsys: pytest.CaptureFixture[str], signed: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.key"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "match", str(empty), str(signed / "web.crt"))
    assert code == 3
    assert f"{empty} is empty (0 bytes)" in err


# --- --at --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-06-01", "is a date without a time and time zone"),
        ("2026-06-01Z", "is a date without a time and time zone"),
        ("2026-06-01+02:00", "is a date without a time and time zone"),
        ("2026-06-01T00:00:00", "has no time zone"),
        ("2026-06-01T00:00", "has no time zone"),
        ("2026-06-01 12:00:00", "has no time zone"),
        ("June 1st", "is not an ISO 8601 time"),
    ],
)
def test_at_without_zone_rejected(
    capsys: pytest.CaptureFixture[str],
    signed: Path,
    value: str,
    reason: str,
) -> None:
    code, _, err = run(
        capsys, "verify", str(signed / "web.crt"), str(signed / "ca.crt"),
        "--at", value,
    )  # fmt: skip
    assert code == 2
    assert f"--at {value!r} {reason}" in err
    assert "2026-06-01T00:00:00Z" in err


@pytest.mark.parametrize("suffix", ["Z", "z", "+00:00", "+02:00", "-05:00"])
def test_at_with_zone_accepted(
    capsys: pytest.CaptureFixture[str], signed: Path, suffix: str
) -> None:
    import datetime

    # One day after issue, in any zone, is inside every validity period.
    moment = datetime.datetime.now(datetime.timezone.utc)
    moment += datetime.timedelta(days=1)
    value = moment.strftime("%Y-%m-%dT%H:%M:%S") + suffix
    code, _, err = run(
        capsys, "verify", str(signed / "web.crt"), str(signed / "ca.crt"),
        "--at", value,
    )  # fmt: skip
    assert code == 0, err


# --- Help --------------------------------------------------------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("purepki has no subcommands")


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_positional_arguments_have_help(command: str) -> None:
    parser = _subcommands()[command]
    for action in parser._actions:
        if action.option_strings:
            continue
        assert action.help, f"{command} {action.metavar or action.dest}"


def test_verify_help_shows_cert_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "verify", "--help")
    assert code == 0
    assert "more certificates after" in out
    assert "the first are intermediates" in out
