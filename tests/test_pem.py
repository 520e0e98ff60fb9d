"""PEM armour: the lax reading of RFC 7468 section 3 and the strict
writing of its section 2."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest

from purepki import pem
from purepki.backend import Backend
from purepki.errors import DecodeError, PEMError, PurePKIWarning
from purepki.keys import load_private_key

# 100 bytes: two full 64-column lines would need 96 base64 characters, so
# this gives one full line and one short one.
DER = bytes(range(100))


def armour(label: str, der: bytes, newline: str = "\n") -> str:
    body = base64.b64encode(der).decode()
    lines = [f"-----BEGIN {label}-----"]
    lines += [body[i : i + 64] for i in range(0, len(body), 64)]
    lines.append(f"-----END {label}-----")
    return newline.join(lines) + newline


def only_block(data: bytes | str) -> pem.PEMBlock:
    blocks = pem.read_blocks(data)
    assert len(blocks) == 1
    return blocks[0]


# --- Writing -----------------------------------------------------------------


def test_encode_is_canonical() -> None:
    text = pem.encode("CERTIFICATE", DER * 3)
    lines = text.split("\n")
    assert lines[0] == "-----BEGIN CERTIFICATE-----"
    assert lines[-2] == "-----END CERTIFICATE-----"
    assert lines[-1] == ""
    body = lines[1:-2]
    assert all(len(line) == 64 for line in body[:-1])
    assert 0 < len(body[-1]) <= 64


def test_encode_one_final_newline() -> None:
    text = pem.encode("PUBLIC KEY", DER)
    assert text.endswith("-----\n")
    assert not text.endswith("\n\n")


def test_encode_uses_lf_only() -> None:
    assert "\r" not in pem.encode("PRIVATE KEY", DER * 5)


def test_encode_matches_openssl(openssl: str, tmp_path: Path) -> None:
    """openssl writes the same canonical form for the same DER."""
    der_file = tmp_path / "data.der"
    der_file.write_bytes(DER * 4)
    out = subprocess.run(
        [openssl, "base64", "-in", str(der_file)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    expected = f"-----BEGIN DATA-----\n{out}-----END DATA-----\n"
    assert pem.encode("DATA", DER * 4) == expected


def test_encode_rejects_bad_label() -> None:
    with pytest.raises(ValueError):
        pem.encode("bad label", DER)


def test_encode_round_trip() -> None:
    assert only_block(pem.encode("X509 CRL", DER)).der == DER


def test_headers_round_trip() -> None:
    headers = (
        ("Proc-Type", "4,ENCRYPTED"),
        ("DEK-Info", "AES-128-CBC,0123456789ABCDEF0123456789ABCDEF"),
    )
    text = pem.encode("RSA PRIVATE KEY", DER, headers)
    block = only_block(text)
    assert block.headers == headers
    assert block.der == DER
    assert pem.encode(block.label, block.der, block.headers) == text


def test_header_lookup_ignores_case() -> None:
    text = pem.encode("RSA PRIVATE KEY", DER, (("Proc-Type", "4,ENCRYPTED"),))
    assert only_block(text).header("proc-type") == "4,ENCRYPTED"
    assert only_block(text).header("DEK-Info") is None


def test_legacy_encrypted_key_headers(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "webbridge3-legacy-aes.key").read_bytes()
    block = only_block(data)
    assert block.header("Proc-Type") == "4,ENCRYPTED"
    dek_info = block.header("DEK-Info")
    assert dek_info is not None
    assert re.fullmatch(r"AES-128-CBC,[0-9A-F]{32}", dek_info)


def test_header_continuation_line() -> None:
    body = base64.b64encode(DER).decode()
    text = (
        "-----BEGIN RSA PRIVATE KEY-----\n"
        "Comment: first part\n"
        "  second part\n"
        "\n"
        f"{body}\n"
        "-----END RSA PRIVATE KEY-----\n"
    )
    block = only_block(text)
    assert block.headers == (("Comment", "first partsecond part"),)


# --- Reading: line ends, byte-order marks, encodings -------------------------


def test_crlf() -> None:
    assert only_block(armour("CERTIFICATE", DER, "\r\n")).der == DER


def test_crlf_bytes() -> None:
    data = armour("CERTIFICATE", DER, "\r\n").encode()
    assert only_block(data).der == DER


def test_utf8_bom() -> None:
    data = b"\xef\xbb\xbf" + armour("CERTIFICATE", DER).encode()
    assert only_block(data).der == DER


def test_bom_in_text_input() -> None:
    assert only_block("\ufeff" + armour("CERTIFICATE", DER)).der == DER


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_warns(codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    data = bom + armour("CERTIFICATE REQUEST", DER, "\r\n").encode(codec)
    with pytest.warns(PurePKIWarning, match="UTF-16"):
        block = only_block(data)
    assert block.der == DER
    assert block.label == "CERTIFICATE REQUEST"


def test_broken_utf16_rejected() -> None:
    data = b"\xff\xfe" + "-----BEGIN X-----".encode("utf-16-le") + b"\x00"
    with pytest.raises(PEMError) as info:
        pem.read_blocks(data, "request.csr")
    assert "UTF-16" in info.value.reason
    assert info.value.source == "request.csr"


def test_trailing_whitespace() -> None:
    text = "\n".join(
        line + " \t" for line in armour("CERTIFICATE", DER).split("\n")
    )
    assert only_block(text).der == DER


def test_no_final_newline() -> None:
    assert only_block(armour("CERTIFICATE", DER).rstrip("\n")).der == DER


def test_leading_indentation() -> None:
    text = "\n".join(
        "    " + line for line in armour("CERTIFICATE", DER).split("\n")
    )
    assert only_block(text).der == DER


def test_base64_in_one_long_line() -> None:
    body = base64.b64encode(DER * 3).decode()
    text = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
    assert only_block(text).der == DER * 3


# --- Reading: several blocks and text between them ---------------------------


def test_blocks_in_order() -> None:
    text = armour("PRIVATE KEY", b"k" * 40) + armour("CERTIFICATE", DER)
    blocks = pem.read_blocks(text)
    assert [b.label for b in blocks] == ["PRIVATE KEY", "CERTIFICATE"]
    assert [b.line for b in blocks] == [1, 4]


def test_pkcs12_nodes_text_between_blocks() -> None:
    text = (
        "Bag Attributes\n"
        "    localKeyID: 01 02 03 04\n"
        "    friendlyName: server\n"
        "subject=C = GB, O = Example, CN = join.example.test\n"
        "issuer=C = GB, O = Example, CN = Example Intermediate CA\n"
        + armour("CERTIFICATE", DER)
        + "Key Attributes: <No Attributes>\n"
        + armour("PRIVATE KEY", b"k" * 40)
    )
    blocks = pem.read_blocks(text)
    assert [b.label for b in blocks] == ["CERTIFICATE", "PRIVATE KEY"]
    assert blocks[0].headers == ()
    assert blocks[0].der == DER


def test_openssl_pkcs12_nodes_output(
    openssl: str, openssl_fixtures: Path, backend: Backend
) -> None:
    out = subprocess.run(
        [
            openssl,
            "pkcs12",
            "-in",
            str(openssl_fixtures / "server.p12"),
            "-nodes",
            "-passin",
            "pass:secret",
        ],
        check=True,
        capture_output=True,
    ).stdout
    assert b"Bag Attributes" in out
    labels = [block.label for block in pem.read_blocks(out)]
    assert labels.count("CERTIFICATE") == 3
    assert labels.count("PRIVATE KEY") == 1
    key = load_private_key(out, backend=backend)
    expected = (openssl_fixtures / "server.key").read_bytes()
    assert key == load_private_key(expected, backend=backend)


def test_no_pem_gives_no_blocks() -> None:
    assert pem.read_blocks("just some text\nno armour here\n") == []


def test_new_certificate_request_label() -> None:
    block = only_block(armour("NEW CERTIFICATE REQUEST", DER))
    assert block.label == "NEW CERTIFICATE REQUEST"
    assert block.label in pem.CSR_LABELS


# --- Reading: malformed armour -----------------------------------------------


def test_mismatched_end_label() -> None:
    text = armour("CERTIFICATE", DER).replace(
        "END CERTIFICATE", "END PRIVATE KEY"
    )
    with pytest.raises(PEMError) as info:
        pem.read_blocks(text, "cert.pem")
    assert "'END PRIVATE KEY'" in info.value.reason
    assert str(info.value).startswith("cert.pem")


def test_missing_end_line() -> None:
    text = armour("CERTIFICATE", DER).rsplit("-----END", 1)[0]
    with pytest.raises(PEMError) as info:
        pem.read_blocks(text)
    assert "-----END CERTIFICATE-----" in info.value.reason
    assert "truncated" in info.value.reason


def test_begin_inside_block() -> None:
    text = armour("CERTIFICATE", DER).rsplit("-----END", 1)[0]
    text += armour("CERTIFICATE", DER)
    with pytest.raises(PEMError):
        pem.read_blocks(text)


def test_invalid_base64_character() -> None:
    lines = armour("CERTIFICATE", DER).split("\n")
    lines[1] = "*" + lines[1][1:]
    with pytest.raises(PEMError) as info:
        pem.read_blocks("\n".join(lines))
    assert "not base64" in info.value.reason


def test_base64_wrong_length() -> None:
    lines = armour("CERTIFICATE", DER).split("\n")
    lines[1] = lines[1][:-1]
    with pytest.raises(PEMError) as info:
        pem.read_blocks("\n".join(lines))
    assert "invalid base64" in info.value.reason


def test_empty_block() -> None:
    text = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
    with pytest.raises(PEMError) as info:
        pem.read_blocks(text)
    assert "empty" in info.value.reason


def test_pem_error_is_decode_error() -> None:
    assert issubclass(PEMError, DecodeError)


def test_neither_pem_nor_der_key(backend: Backend) -> None:
    with pytest.raises(DecodeError) as info:
        load_private_key(b"hello world\n", source="x.key", backend=backend)
    assert "not PEM" in info.value.reason
    assert "0x68" in info.value.reason


def test_looks_like_pem_and_der() -> None:
    assert pem.looks_like_pem(armour("CERTIFICATE", DER).encode())
    assert not pem.looks_like_pem(b"\x30\x03\x02\x01\x01")
    assert pem.looks_like_der(b"\x30\x03\x02\x01\x01")
    assert not pem.looks_like_der(b"-----BEGIN")
