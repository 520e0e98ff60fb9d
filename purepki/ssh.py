"""OpenSSH public keys: the ``authorized_keys`` line and its fingerprint.

The key blob is the SSH wire encoding. For ``ssh-rsa`` (RFC 4253
section 6.6) it is the string "ssh-rsa", then e and n as mpints. For
``ecdsa-sha2-nistp256``, ``-nistp384`` and ``-nistp521`` (RFC 5656
section 3.1) it is the name, the curve identifier and the uncompressed
point, each as a string.
An mpint is two's complement, big-endian, without needless leading bytes,
so a value whose top bit is set gets a 00 byte in front (RFC 4251 section
5). The fingerprint is the one ``ssh-keygen -l`` prints: ``SHA256:`` and
the unpadded base64 of the SHA-256 of the blob.

NOTE: the OpenSSH private key format (``openssh-key-v1``) is not written;
``ssh-keygen`` and OpenSSH read the PKCS#8 and SEC 1 PEM that
:mod:`purepki.keys` writes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from typing import Optional, Union

from purepki.curves import P256, P384, P521, Curve
from purepki.errors import (
    DecodeError,
    UnsupportedAlgorithm,
    UnsupportedReason,
)
from purepki.keys import (
    ECPrivateKey,
    ECPublicKey,
    PublicKey,
    RSAPrivateKey,
    RSAPublicKey,
)

#: RFC 5656 section 10.1: curve identifiers of the NIST curves.
_CURVE_IDENTIFIERS = {
    P256.name: "nistp256",
    P384.name: "nistp384",
    P521.name: "nistp521",
}
_CURVES = {
    _CURVE_IDENTIFIERS[curve.name]: curve for curve in (P256, P384, P521)
}

KeyLike = Union[PublicKey, RSAPrivateKey, ECPrivateKey]


class SSHKeyError(DecodeError):
    """An OpenSSH public key line that is malformed."""


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _mpint(value: int) -> bytes:
    """Encode a non-negative integer as an SSH mpint (RFC 4251 5)."""
    if value == 0:
        return _string(b"")
    # One bit more than the magnitude keeps the sign bit clear, which
    # adds the 00 byte when the top bit of the magnitude is set.
    length = value.bit_length() // 8 + 1
    return _string(value.to_bytes(length, "big"))


def _public(key: KeyLike) -> PublicKey:
    if isinstance(key, (RSAPrivateKey, ECPrivateKey)):
        return key.public_key()
    if isinstance(key, (RSAPublicKey, ECPublicKey)):
        return key
    raise UnsupportedAlgorithm(
        f"unsupported key type {type(key).__name__} for OpenSSH; purepki "
        "writes ssh-rsa and ecdsa-sha2-nistp256 keys",
        UnsupportedReason.PUBLIC_KEY_ALGORITHM,
    )


def key_type(key: KeyLike) -> str:
    """Return the SSH key type name (``ssh-rsa``,
    ``ecdsa-sha2-nistp256``).

    Raises:
        UnsupportedAlgorithm: The key has no OpenSSH form: an RSA-PSS key
            (ssh-rsa cannot carry its restriction) or a curve outside
            RFC 5656's NIST curves.
    """
    public = _public(key)
    if isinstance(public, RSAPublicKey):
        if public.pss_only:
            raise UnsupportedAlgorithm(
                "unsupported key type RSA-PSS for OpenSSH: ssh-rsa would "
                "drop the key's PSS restriction; use an RSA or P-256 key",
                UnsupportedReason.PUBLIC_KEY_ALGORITHM,
            )
        return "ssh-rsa"
    identifier = _CURVE_IDENTIFIERS.get(public.curve.name)
    if identifier is None:
        raise UnsupportedAlgorithm(
            f"unsupported curve {public.curve.name} for OpenSSH; use "
            "P-256, P-384 or P-521 (RFC 5656 section 10.1)",
            UnsupportedReason.CURVE,
        )
    return f"ecdsa-sha2-{identifier}"


def public_key_blob(key: KeyLike) -> bytes:
    """Encode the SSH public key blob (RFC 4253 6.6, RFC 5656 3.1).

    Raises:
        UnsupportedAlgorithm: See :func:`key_type`.
    """
    name = key_type(key)
    public = _public(key)
    if isinstance(public, RSAPublicKey):
        return _string(name.encode()) + _mpint(public.e) + _mpint(public.n)
    identifier = name.rsplit("-", 1)[1]
    return (
        _string(name.encode())
        + _string(identifier.encode())
        + _string(public.point())
    )


def public_key_line(key: KeyLike, comment: str = "") -> str:
    """Return the ``authorized_keys`` line: type, base64 blob, comment.

    Raises:
        UnsupportedAlgorithm: See :func:`key_type`.
        ValueError: The comment contains a line break.
    """
    if "\n" in comment or "\r" in comment:
        raise ValueError("an OpenSSH key comment must be one line")
    blob = base64.b64encode(public_key_blob(key)).decode("ascii")
    line = f"{key_type(key)} {blob}"
    return f"{line} {comment}" if comment else line


def fingerprint(key: KeyLike) -> str:
    """Return the fingerprint ``ssh-keygen -l`` prints:
    ``SHA256:`` and the unpadded base64 of the blob's SHA-256.

    Raises:
        UnsupportedAlgorithm: See :func:`key_type`.
    """
    digest = hashlib.sha256(public_key_blob(key)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


# --- Reading ---------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes, source: str) -> None:
        self.data = data
        self.offset = 0
        self.source = source

    def string(self, field: str) -> bytes:
        if self.offset + 4 > len(self.data):
            raise self.error(f"{field}: truncated length")
        (length,) = struct.unpack_from(">I", self.data, self.offset)
        start = self.offset + 4
        if start + length > len(self.data):
            raise self.error(f"{field}: {length} bytes announced, fewer left")
        self.offset = start + length
        return self.data[start : self.offset]

    def mpint(self, field: str) -> int:
        raw = self.string(field)
        if raw and raw[0] & 0x80:
            raise self.error(f"{field}: negative mpint")
        if len(raw) > 1 and raw[0] == 0 and not raw[1] & 0x80:
            raise self.error(f"{field}: mpint with a needless leading 00")
        return int.from_bytes(raw, "big")

    def error(self, reason: str) -> SSHKeyError:
        return SSHKeyError(reason, source=self.source, offset=self.offset)


def load_public_key_line(
    line: Union[str, bytes], *, source: str = "OpenSSH public key"
) -> PublicKey:
    """Read an ``ssh-rsa`` or ``ecdsa-sha2-nistp*`` public key line.

    A line of an authorized_keys file may start with options before the
    key type (sshd(8), AUTHORIZED_KEYS FILE FORMAT); they are skipped.

    Raises:
        SSHKeyError: The line or its blob is malformed, or the type in
            the blob differs from the type before it.
        UnsupportedAlgorithm: The key type is another one.
        DecodeError: The numbers do not form a valid key.
    """
    text = line.decode("utf-8") if isinstance(line, bytes) else line
    fields = without_options(text.strip()).split()
    if len(fields) < 2:
        raise SSHKeyError(
            "expected 'TYPE BASE64 [COMMENT]' on one line", source=source
        )
    name = fields[0]
    try:
        blob = base64.b64decode(fields[1], validate=True)
    except binascii.Error:
        raise SSHKeyError(
            "key blob is not valid base64", source=source
        ) from None
    reader = _Reader(blob, source)
    inner = reader.string("key type").decode("ascii", errors="replace")
    if inner != name:
        raise SSHKeyError(
            f"key type {name!r} before the blob differs from {inner!r} "
            "inside it; the line is corrupt",
            source=source,
        )
    key = _read_key(reader, name)
    if reader.offset != len(blob):
        raise reader.error("bytes after the key in the blob")
    return key


#: The starts of OpenSSH key type names (the types of ``ssh-keygen -t``,
#: security keys included); an authorized_keys line that starts with
#: anything else starts with options.
KEY_TYPE_PREFIXES = ("ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-sha2-")


def without_options(text: str) -> str:
    """Drop the options field of an authorized_keys line, if it has one.

    The options are comma-separated and contain no spaces except inside
    double quotes, where a backslash escapes a quote (sshd(8),
    AUTHORIZED_KEYS FILE FORMAT). A line that starts with a key type has
    no options, and a line of options alone leaves nothing.
    """
    if text.startswith(KEY_TYPE_PREFIXES):
        return text
    quoted = False
    escaped = False
    for position, character in enumerate(text):
        if escaped:
            escaped = False
        elif character == "\\" and quoted:
            escaped = True
        elif character == '"':
            quoted = not quoted
        elif character.isspace() and not quoted:
            return text[position:].lstrip()
    # Options alone, or one word that is no key type: no key follows.
    return ""


def _read_key(reader: _Reader, name: str) -> PublicKey:
    if name == "ssh-rsa":
        e = reader.mpint("e")
        n = reader.mpint("n")
        return RSAPublicKey(n, e)
    curve = _curve_of(name)
    if curve is None:
        raise UnsupportedAlgorithm(
            f"{reader.source}: unsupported OpenSSH key type {name}; purepki "
            "reads ssh-rsa and ecdsa-sha2-nistp256, -nistp384, -nistp521",
            UnsupportedReason.PUBLIC_KEY_ALGORITHM,
        )
    identifier = reader.string("curve").decode("ascii", errors="replace")
    if f"ecdsa-sha2-{identifier}" != name:
        raise reader.error(f"curve {identifier!r} does not match {name}")
    return ECPublicKey.from_point(curve, reader.string("Q"))


def _curve_of(name: str) -> Optional[Curve]:
    prefix = "ecdsa-sha2-"
    if not name.startswith(prefix):
        return None
    return _CURVES.get(name[len(prefix) :])


__all__ = [
    "SSHKeyError",
    "fingerprint",
    "key_type",
    "load_public_key_line",
    "public_key_blob",
    "public_key_line",
    "without_options",
]
