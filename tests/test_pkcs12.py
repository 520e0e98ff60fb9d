"""PKCS#12 files: openssl's modern and legacy forms read, purepki's files
read by openssl, and the errors for passwords, schemes and corruption."""

from __future__ import annotations

import base64
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

from purepki import pkcs12
from purepki.backend import Backend
from purepki.certificate import Certificate, load_certificates
from purepki.ciphers import Cipher, CipherFamily
from purepki.errors import (
    DecodeError,
    PurePKIWarning,
    UnsupportedAlgorithm,
    UnsupportedReason,
    WrongObjectType,
)
from purepki.keys import PrivateKey, load_private_key
from purepki.pbe import BadPassword, UnsupportedScheme
from purepki.pkcs12 import dump_pkcs12, load_pkcs12

PASSWORD = "secret"


def _openssl(openssl: str, *args: str) -> bytes:
    result = subprocess.run([openssl, *args], check=True, capture_output=True)
    return result.stdout


def _key(directory: Path, name: str, backend: Backend) -> PrivateKey:
    return load_private_key((directory / name).read_bytes(), backend=backend)


def _certificates(directory: Path, name: str) -> list[Certificate]:
    return load_certificates((directory / name).read_bytes())


def _export(openssl: str, directory: Path, out: Path, *options: str) -> bytes:
    """Run openssl pkcs12 -export on the P-256 server key, its
    certificate and the bundle of intermediate and root."""
    _openssl(
        openssl, "pkcs12", "-export",
        "-provider", "legacy", "-provider", "default",
        "-inkey", str(directory / "server.key"),
        "-in", str(directory / "server.crt"),
        "-certfile", str(directory / "bundle.pem"),
        "-out", str(out), *options,
    )  # fmt: skip
    return out.read_bytes()


def _check_server_contents(
    contents: pkcs12.PKCS12, directory: Path, backend: Backend
) -> None:
    assert contents.key == _key(directory, "server.key", backend)
    assert contents.certificate == _certificates(directory, "server.crt")[0]
    chain = _certificates(directory, "bundle.pem")
    assert list(contents.additional_certificates) == chain


# --- The fixture files -------------------------------------------------------


def test_default_fixture(backend: Backend, openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server.p12").read_bytes()
    contents = load_pkcs12(data, PASSWORD, backend=backend)
    _check_server_contents(contents, openssl_fixtures, backend)
    assert contents.mac is not None
    assert "HMAC-SHA256" in contents.mac
    assert "key: PBES2 (PBKDF2-HMAC-SHA256" in contents.schemes[1]


def test_legacy_fixture(backend: Backend, openssl_fixtures: Path) -> None:
    path = openssl_fixtures / "callbridge-legacy.p12"
    if not path.exists():
        pytest.skip("this openssl has no legacy provider")
    contents = load_pkcs12(path.read_bytes(), PASSWORD, backend=backend)
    assert contents.key == _key(openssl_fixtures, "callbridge.key", backend)
    expected = _certificates(openssl_fixtures, "callbridge.crt")[0]
    assert contents.certificate == expected
    assert contents.additional_certificates == ()
    assert contents.schemes == (
        "certificates: pbeWithSHAAnd40BitRC2-CBC (2048 iterations)",
        "key: pbeWithSHAAnd3-KeyTripleDES-CBC (2048 iterations)",
    )


@pytest.mark.parametrize("name", ["server.p12", "callbridge-legacy.p12"])
def test_fixture_wrong_password(
    backend: Backend, openssl_fixtures: Path, name: str
) -> None:
    path = openssl_fixtures / name
    if not path.exists():
        pytest.skip("this openssl has no legacy provider")
    with pytest.raises(BadPassword) as info:
        load_pkcs12(path.read_bytes(), "wrong", source=name, backend=backend)
    assert "bad password" in str(info.value)
    assert "MAC" in str(info.value)
    assert name in str(info.value)


@pytest.mark.parametrize("password", ["", None])
def test_fixture_missing_password(
    backend: Backend, openssl_fixtures: Path, password: Any
) -> None:
    data = (openssl_fixtures / "server.p12").read_bytes()
    with pytest.raises(BadPassword):
        load_pkcs12(data, password, backend=backend)


def test_fixture_described_without_password(openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server.p12").read_bytes()
    lines = pkcs12.describe_pkcs12(data)
    assert lines[0] == "MAC: HMAC-SHA256, 2048 iterations"
    assert lines[1].startswith("encrypted safe contents: PBES2")
    assert lines[2].startswith("key: PBES2")


# --- Files made by openssl with other options --------------------------------


LEGACY_VARIANTS = [
    pytest.param(["-legacy"], id="legacy"),
    pytest.param(
        ["-certpbe", "PBE-SHA1-RC2-40", "-keypbe", "PBE-SHA1-3DES"],
        id="rc2-40-3des",
    ),
    pytest.param(
        ["-certpbe", "PBE-SHA1-RC2-128", "-keypbe", "PBE-SHA1-2DES"],
        id="rc2-128-2des",
    ),
    pytest.param(["-macalg", "sha1", "-iter", "1"], id="one-iteration"),
    pytest.param(["-keypbe", "NONE", "-certpbe", "NONE"], id="unencrypted"),
    pytest.param(["-certpbe", "NONE"], id="plain-certificates"),
    pytest.param(["-macalg", "sha512"], id="sha512-mac"),
]


@pytest.mark.parametrize("options", LEGACY_VARIANTS)
def test_openssl_variants(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    options: list[str],
) -> None:
    data = _export(
        openssl, openssl_fixtures, tmp_path / "out.p12",
        "-passout", "pass:test", *options,
    )  # fmt: skip
    contents = load_pkcs12(data, "test", backend=backend)
    _check_server_contents(contents, openssl_fixtures, backend)
    with pytest.raises(BadPassword):
        load_pkcs12(data, "tset", backend=backend)


def test_friendly_name_and_local_key_id(
    backend: Backend, openssl: str, openssl_fixtures: Path, tmp_path: Path
) -> None:
    data = _export(
        openssl, openssl_fixtures, tmp_path / "out.p12",
        "-passout", "pass:test", "-name", "Server Ünïcode",
    )  # fmt: skip
    contents = load_pkcs12(data, "test", backend=backend)
    assert contents.friendly_name == "Server Ünïcode"
    assert contents.certificate is not None
    expected = contents.certificate.fingerprint("sha1")
    assert contents.local_key_id == expected


@pytest.mark.parametrize("options", [["-legacy"], []])
def test_empty_password(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    options: list[str],
) -> None:
    data = _export(
        openssl, openssl_fixtures, tmp_path / "out.p12",
        "-passout", "pass:", *options,
    )  # fmt: skip
    for password in ("", None):
        contents = load_pkcs12(data, password, backend=backend)
        _check_server_contents(contents, openssl_fixtures, backend)


def test_no_mac_warns(
    backend: Backend, openssl: str, openssl_fixtures: Path, tmp_path: Path
) -> None:
    data = _export(
        openssl, openssl_fixtures, tmp_path / "out.p12",
        "-passout", "pass:test", "-nomac",
    )  # fmt: skip
    with pytest.warns(PurePKIWarning, match="no MAC"):
        contents = load_pkcs12(data, "test", backend=backend)
    _check_server_contents(contents, openssl_fixtures, backend)
    assert contents.mac is None
    with (
        warnings.catch_warnings(),
        pytest.raises(BadPassword, match="bad password"),
    ):
        warnings.simplefilter("ignore", PurePKIWarning)
        load_pkcs12(data, "tset", backend=backend)


def test_rc4_is_unsupported_cipher(
    backend: Backend, openssl: str, openssl_fixtures: Path, tmp_path: Path
) -> None:
    data = _export(
        openssl, openssl_fixtures, tmp_path / "out.p12",
        "-passout", "pass:test", "-certpbe", "PBE-SHA1-RC4-40",
    )  # fmt: skip
    with pytest.raises(UnsupportedScheme) as info:
        load_pkcs12(data, "test", backend=backend)
    assert "unsupported cipher RC4-40 in certificate bag" in str(info.value)
    assert not isinstance(info.value, BadPassword)


class _WithoutRC2:
    """A backend that lacks RC2, as a build of OpenSSL without the legacy
    provider does; everything else goes to the wrapped backend."""

    def __init__(self, inner: Backend) -> None:
        self._inner = inner
        self.name = f"{inner.name}-without-rc2"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _check(self, cipher: Cipher) -> None:
        if cipher.family is CipherFamily.RC2:
            raise UnsupportedAlgorithm(
                f"{cipher.name} is not available",
                UnsupportedReason.OPERATION,
            )

    def cbc_encrypt(
        self, cipher: Cipher, key: bytes, iv: bytes, data: bytes
    ) -> bytes:
        self._check(cipher)
        return self._inner.cbc_encrypt(cipher, key, iv, data)

    def cbc_decrypt(
        self, cipher: Cipher, key: bytes, iv: bytes, data: bytes
    ) -> bytes:
        self._check(cipher)
        return self._inner.cbc_decrypt(cipher, key, iv, data)


def test_missing_rc2_names_certificate_bag(
    backend: Backend, openssl: str, openssl_fixtures: Path, tmp_path: Path
) -> None:
    data = _export(
        openssl, openssl_fixtures, tmp_path / "out.p12",
        "-passout", "pass:test", "-legacy",
    )  # fmt: skip
    limited: Any = _WithoutRC2(backend)
    with pytest.raises(UnsupportedScheme) as info:
        load_pkcs12(data, "test", backend=limited)
    message = str(info.value)
    assert "unsupported cipher RC2-40-CBC in certificate bag" in message
    # The MAC is checked first, so a wrong password still raises
    # BadPassword.
    with pytest.raises(BadPassword):
        load_pkcs12(data, "wrong", backend=limited)


# --- Files written by purepki ------------------------------------------------


@pytest.fixture()
def server_parts(
    backend: Backend, openssl_fixtures: Path
) -> tuple[PrivateKey, Certificate, list[Certificate]]:
    key = _key(openssl_fixtures, "server.key", backend)
    certificate = _certificates(openssl_fixtures, "server.crt")[0]
    chain = _certificates(openssl_fixtures, "bundle.pem")
    return key, certificate, chain


@pytest.mark.parametrize("legacy", [False, True])
def test_written_file_opens_in_openssl(
    backend: Backend,
    openssl: str,
    openssl_fixtures: Path,
    tmp_path: Path,
    server_parts: Any,
    legacy: bool,
) -> None:
    key, certificate, chain = server_parts
    data = dump_pkcs12(
        key, certificate, chain, password="pass word", legacy=legacy,
        friendly_name="server", iterations=2048, backend=backend,
    )  # fmt: skip
    path = tmp_path / "out.p12"
    path.write_bytes(data)
    extra = ["-legacy"] if legacy else []
    info = subprocess.run(
        [
            openssl, "pkcs12", "-info", "-nokeys", "-in", str(path),
            "-passin", "pass:pass word", *extra,
        ],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    report = info.stdout + info.stderr
    if legacy:
        assert "MAC: sha1" in report
        assert "pbeWithSHA1And40BitRC2-CBC" in report
        assert "pbeWithSHA1And3-KeyTripleDES-CBC" in report
    else:
        assert "MAC: sha256" in report
        assert "PBES2, PBKDF2, AES-256-CBC" in report
    assert report.count("BEGIN CERTIFICATE") == 3
    assert "friendlyName: server" in report
    key_pem = _openssl(
        openssl, "pkcs12", "-in", str(path), "-nocerts", "-nodes",
        "-passin", "pass:pass word", *extra,
    )  # fmt: skip
    assert load_private_key(key_pem, backend=backend) == key
    subprocess.run(
        [
            openssl, "pkcs12", "-info", "-noout", "-in", str(path),
            "-passin", "pass:pass word", *extra,
        ],
        check=True, capture_output=True,
    )  # fmt: skip


@pytest.mark.parametrize("legacy", [False, True])
def test_written_file_round_trip(
    backend: Backend, openssl_fixtures: Path, server_parts: Any, legacy: bool
) -> None:
    key, certificate, chain = server_parts
    data = dump_pkcs12(
        key, certificate, chain, password="pw", legacy=legacy,
        iterations=100, backend=backend,
    )  # fmt: skip
    contents = load_pkcs12(data, "pw", backend=backend)
    _check_server_contents(contents, openssl_fixtures, backend)


def test_written_default_is_modern(
    backend: Backend, server_parts: Any
) -> None:
    key, certificate, _ = server_parts
    data = dump_pkcs12(key, certificate, password="pw", backend=backend)
    lines = pkcs12.describe_pkcs12(data)
    assert lines[0] == "MAC: HMAC-SHA256, 2048 iterations"
    assert lines[1] == (
        "encrypted safe contents: PBES2 (PBKDF2-HMAC-SHA256, 600000 "
        "iterations, AES-256-CBC)"
    )


def test_written_empty_password(
    backend: Backend, openssl: str, tmp_path: Path, server_parts: Any
) -> None:
    key, certificate, _ = server_parts
    data = dump_pkcs12(
        key, certificate, password="", iterations=10, backend=backend
    )
    path = tmp_path / "empty.p12"
    path.write_bytes(data)
    _openssl(
        openssl, "pkcs12", "-info", "-noout", "-in", str(path),
        "-passin", "pass:",
    )  # fmt: skip
    assert load_pkcs12(data, None, backend=backend).key == key


def test_rejects_mismatched_certificate(
    backend: Backend, openssl_fixtures: Path, server_parts: Any
) -> None:
    key, _, chain = server_parts
    with pytest.raises(ValueError, match="does not match"):
        dump_pkcs12(key, chain[0], password="pw", backend=backend)


def test_nested_safe_contents(backend: Backend, server_parts: Any) -> None:
    # A safeContentsBag (RFC 7292 section 4.2.6) holding the certificate
    # bags, next to a plain keyBag, in one unencrypted data ContentInfo.
    from purepki.asn1 import der
    from purepki.keys import PrivateFormat

    key, certificate, chain = server_parts
    empty = der.encode_tlv(0x31, b"")
    certs = der.encode_sequence(
        pkcs12._cert_bag(certificate, empty),
        *(pkcs12._cert_bag(extra, empty) for extra in chain),
    )
    bags = der.encode_sequence(
        pkcs12._safe_bag(
            pkcs12.KEY_BAG, key.to_der(PrivateFormat.PKCS8), empty
        ),
        pkcs12._safe_bag(pkcs12.SAFE_CONTENTS_BAG, certs, empty),
    )
    auth_safe = der.encode_sequence(pkcs12._data_content_info(bags))
    mac = pkcs12._encode_mac(auth_safe, "pw", pkcs12.HashAlgorithm.SHA1, 1)
    data = der.encode_sequence(
        der.encode_integer(3), pkcs12._data_content_info(auth_safe), mac
    )
    contents = load_pkcs12(data, "pw", backend=backend)
    assert contents.key == key
    assert contents.certificate == certificate
    assert list(contents.additional_certificates) == chain


# --- Malformed input ---------------------------------------------------------


def test_truncated_file(backend: Backend, openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server.p12").read_bytes()
    with pytest.raises(DecodeError):
        load_pkcs12(data[:-10], PASSWORD, backend=backend)


def test_modified_file_fails_mac(
    backend: Backend, openssl_fixtures: Path
) -> None:
    data = bytearray((openssl_fixtures / "server.p12").read_bytes())
    data[200] ^= 0x01
    with pytest.raises((BadPassword, DecodeError)):
        load_pkcs12(bytes(data), PASSWORD, backend=backend)


def test_pem_is_wrong_object(backend: Backend, openssl_fixtures: Path) -> None:
    data = (openssl_fixtures / "server.crt").read_bytes()
    with pytest.raises(WrongObjectType, match="PEM"):
        load_pkcs12(data, PASSWORD, backend=backend)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02", b"\x30\x03\x02\x01\x03", b"\x30\x80\x00\x00"],
)
def test_junk_is_decode_error(backend: Backend, data: bytes) -> None:
    with pytest.raises(DecodeError):
        load_pkcs12(data, PASSWORD, backend=backend)


def test_certificate_der_is_not_pkcs12(
    backend: Backend, openssl_fixtures: Path
) -> None:
    data = (openssl_fixtures / "server-der.cer").read_bytes()
    with pytest.raises(DecodeError):
        load_pkcs12(data, PASSWORD, backend=backend)


# --- PBMAC1 (RFC 9579) -----------------------------------------------------

#: RFC 9579 appendix A.1: a PKCS#12 file with a PBMAC1 MAC (PBKDF2 with
#: HMAC-SHA256 as PRF, HMAC-SHA256 as MAC), password "1234".
RFC9579_A1 = (
    "MIIKigIBAzCCCgUGCSqGSIb3DQEHAaCCCfYEggnyMIIJ7jCCBGIGCSqGSIb3DQEH"
    "BqCCBFMwggRPAgEAMIIESAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqG"
    "SIb3DQEFDDAcBAg9pxXxY2yscwICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQME"
    "ASoEEK7yYaFQDi1pYwWzm9F/fs+AggPgFIT2XapyaFgDppdvLkdvaF3HXw+zjzKb"
    "7xFC76DtVPhVTWVHD+kIss+jsj+XyvMwY0aCuAhAG/Dig+vzWomnsqB5ssw5/kTb"
    "+TMQ5PXLkNeoBmB6ArKeGc/QmCBQvQG/a6b+nXSWmxNpP+71772dmWmB8gcSJ0kF"
    "Fj75NrIbmNiDMCb71Q8gOzBMFf6BpXf/3xWAJtxyic+tSNETfOJa8zTZb0+lV0w9"
    "5eUmDrPUpuxEVbb0KJtIc63gRkcfrPtDd6Ii4Zzbzj2Evr4/S4hnrQBsiryVzJWy"
    "IEjaD0y6+DmG0JwMgRuGi1wBoGowi37GMrDCOyOZWC4n5wHLtYyhR6JaElxbrhxP"
    "H46z2USLKmZoF+YgEQgYcSBXMgP0t36+XQocFWYi2N5niy02TnctwF430FYsQlhJ"
    "Suma4I33E808dJuMv8T/soF66HsD4Zj46hOf4nWmas7IaoSAbGKXgIa7KhGRJvij"
    "xM3WOX0aqNi/8bhnxSA7fCmIy/7opyx5UYJFWGBSmHP1pBHBVmx7Ad8SAsB9MSsh"
    "nbGjGiUk4h0QcOi29/M9WwFlo4urePyI8PK2qtVAmpD3rTLlsmgzguZ69L0Q/CFU"
    "fbtqsMF0bgEuh8cfivd1DYFABEt1gypuwCUtCqQ7AXK2nQqOjsQCxVz9i9K8NDeD"
    "aau98VAl0To2sk3/VR/QUq0PRwU1jPN5BzUevhE7SOy/ImuJKwpGqqFljYdrQmj5"
    "jDe+LmYH9QGVRlfN8zuU+48FY8CAoeBeHn5AAPml0PYPVUnt3/jQN1+v+CahNVI+"
    "La8q1Nen+j1R44aa2I3y/pUgtzXRwK+tPrxTQbG030EU51LYJn8amPWmn3w75ZIA"
    "MJrXWeKj44de7u4zdUsEBVC2uM44rIHM8MFjyYAwYsey0rcp0emsaxzar+7ZA67r"
    "lDoXvvS3NqsnTXHcn3T9tkPRoee6L7Dh3x4Od96lcRwgdYT5BwyH7e34ld4VTUmJ"
    "bDEq7Ijvn4JKrwQJh1RCC+Z/ObfkC42xAm7G010u3g08xB0Qujpdg4a7VcuWrywF"
    "c7hLNquuaF4qoDaVwYXHH3iuX6YlJ/3siTKbYCVXPEZOAMBP9lF/OU76UMJBQNfU"
    "0xjDx+3AhUVgnGuCsmYlK6ETDp8qOZKGyV0KrNSGtqLx3uMhd7PETeW+ML3tDQ/0"
    "X9fMkcZHi4C2fXnoHV/qa2dGhBj4jjQ0Xh1poU6mxGn2Mebe2hDsBZkkBpnn7pK4"
    "wP/VqXdQTwqEuvzGHLVFsCuADe40ZFBmtBrf70wG7ZkO8SUZ8Zz1IX3+S024g7yj"
    "QRev/6x6TtkwggWEBgkqhkiG9w0BBwGgggV1BIIFcTCCBW0wggVpBgsqhkiG9w0B"
    "DAoBAqCCBTEwggUtMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhTxzw+"
    "VptrYAICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEK9nSqc1I2t4tMVG"
    "bWHpdtQEggTQzCwI7j34gCTvfj6nuOSndAjShGv7mN2j7WMV0pslTpq2b9Bn3vn1"
    "Y0JMvL4E7sLrUzNU02pdOcfCnEpMFccNv2sQrLp1mOCKxu8OjSqHZLoKVL0ROVsZ"
    "8dMECLLigDlPKRiSyLErl14tErX4/zbkUaWMROO28kFbTbubQ8YoHlRUwsKW1xLg"
    "vfi0gRkG/zHXRfQHjX/8NStv7hXlehn7/Gy2EKPsRFhadm/iUHAfmCMkMgHTU248"
    "JER9+nsXltd59H+IeDpj/kbxZ+YvHow9XUZKu828d3MQnUpLZ1BfJGhMBPVwbVUD"
    "A40CiQBVdCoGtPJyalL28xoS3H0ILFCnwQOr6u0HwleNJPGHq78HUyH6Hwxnh0b0"
    "5o163r6wTFZn5cMOxpbs/Ttd+3TrxmrYpd2XnuRme3cnaYJ0ILvpc/8eLLR7SKjD"
    "T4JhZ0h/CfcV2WWvhpQugkY0pWrZ+EIMneB1dZB96mJVLxOi148OeSgi0PsxZMNi"
    "YM33rTpwQT5WqOsEyDwUQpne5b8Kkt/s7EN0LJNnPyJJRL1LcqOdr6j+6YqRtPa7"
    "a9oWJqMcuTP+bqzGRJh+3HDlFBw2Yzp9iadv4KmB2MzhStLUoi2MSjvnnkkd5Led"
    "sshAd6WbKfF7kLAHQHT4Ai6dMEO4EKkEVF9JBtxCR4JEn6C98Lpg+Lk+rfY7gHOf"
    "ZxtgGURwgXRY3aLUrdT55ZKgk3ExVKPzi5EhdpAau7JKhpOwyKozAp/OKWMNrz6h"
    "obu2Mbn1B+IA60psYHHxynBgsJHv7WQmbYh8HyGfHgVvaA8pZCYqxxjpLjSJrR8B"
    "Bu9H9xkTh7KlhxgreXYv19uAYbUd95kcox9izad6VPnovgFSb+Omdy6PJACPj6hF"
    "W6PJbucP0YPpO0VtWtQdZZ3df1P0hZ7qvKwOPFA+gKZSckgqASfygiP9V3Zc8jIi"
    "wjNzoDM2QT+UUJKiiGYXJUEOO9hxzFHlGj759DcNRhpgl5AgR57ofISD9yBuCAJY"
    "PQ/aZHPFuRTrcVG3RaIbCAS73nEznKyFaLOXfzyfyaSmyhsH253tnyL1MejC+2bR"
    "Eko/yldgFUxvU5JI+Q3KJ6Awj+PnduHXx71E4UwSuu2xXYMpxnQwI6rroQpZBX82"
    "HhqgcLV83P8lpzQwPdHjH5zkoxmWdC0+jU/tcQfNXYpJdyoaX7tDmVclLhwl9ps/"
    "O841pIsNLJWXwvxG6B+3LN/kw4QjwN194PopiOD7+oDm5mhttO78CrBrRxHMD/0Q"
    "qniZjKzSZepxlZq+J792u8vtMnuzzChxu0Bf3PhIXcJNcVhwUtr0yKe/N+NvC0tm"
    "p8wyik/BlndxN9eKbdTOi2wIi64h2QG8nOk66wQ/PSIJYwZl6eDNEQSzH/1mGCfU"
    "QnUT17UC/p+Qgenf6Auap2GWlvsJrB7u/pytz65rtjt/ouo6Ih6EwWqwVVpGXZD0"
    "7gVWH0Ke/Vr6aPGNvkLcmftPuDZsn9jiig3guhdeyRVf10Ox369kKWcG75q77hxE"
    "IzSzDyUlBNbnom9SIjut3r+qVYmWONatC6q/4D0I42Lnjd3dEyZx7jmH3g/S2ASM"
    "FzWr9pvXc61dsYOkdZ4PYa9XPUZxXFagZsoS3F1sU799+IJVU0tC0MExJTAjBgkq"
    "hkiG9w0BCRUxFgQUwWO5DorvVWYF3BWUmAw0rUEajScwfDBtMEkGCSqGSIb3DQEF"
    "DjA8MCwGCSqGSIb3DQEFDDAfBAhvRzw4sC4xcwICCAACASAwDAYIKoZIhvcNAgkF"
    "ADAMBggqhkiG9w0CCQUABCB6pW2FOdcCNj87zS64NUXG36K5aXDnFHctIk5Bf4kG"
    "3QQITk9UIFVTRUQCAQE="
)


def test_pbmac1_rfc9579(backend: Backend) -> None:
    data = base64.b64decode(RFC9579_A1)
    contents = load_pkcs12(data, "1234", backend=backend)
    assert contents.mac == (
        "PBMAC1 (PBKDF2-HMAC-SHA256, 2048 iterations, HMAC-SHA256)"
    )
    assert contents.key is not None
    assert contents.certificate is not None
    assert contents.certificate.public_key == contents.key.public_key()
    with pytest.raises(BadPassword, match="PBMAC1"):
        load_pkcs12(data, "4321", backend=backend)
