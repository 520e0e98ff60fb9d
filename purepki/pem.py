"""PEM armour: read every block of a file, write canonical blocks.

Reading follows RFC 7468 section 3's lax parser: text outside the armour is
ignored (``openssl pkcs12 -nodes`` prints ``Bag Attributes`` lines there),
lines may end in CRLF and carry trailing whitespace, and the last line may
lack its newline. A UTF-8 byte-order mark is skipped; UTF-16 text is
decoded with a :class:`~purepki.errors.PurePKIWarning`. The RFC 1421
headers of legacy encrypted keys (``Proc-Type``, ``DEK-Info``) are kept.

Writing follows RFC 7468's strict form: 64-column base64, LF line ends and
one newline at the end.
"""

from __future__ import annotations

import base64
import binascii
import re
import warnings

from purepki._record import dataclass, field
from purepki.errors import PEMError, PurePKIWarning

#: Labels of certificates, keys, requests and containers (RFC 7468 and the
#: labels OpenSSL writes).
CERTIFICATE_LABELS = frozenset({"CERTIFICATE", "X509 CERTIFICATE"})
TRUSTED_CERTIFICATE_LABEL = "TRUSTED CERTIFICATE"
CSR_LABELS = frozenset({"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"})
CRL_LABELS = frozenset({"X509 CRL"})
PKCS7_LABELS = frozenset({"PKCS7", "CMS"})
PRIVATE_KEY_LABELS = frozenset(
    {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"}
)
ENCRYPTED_PRIVATE_KEY_LABEL = "ENCRYPTED PRIVATE KEY"
PUBLIC_KEY_LABELS = frozenset({"PUBLIC KEY", "RSA PUBLIC KEY"})
EC_PARAMETERS_LABEL = "EC PARAMETERS"

_BEGIN = re.compile(r"^-----BEGIN ([A-Z0-9 ]*[A-Z0-9])-----\s*$")
_END = re.compile(r"^-----END ([A-Z0-9 ]*[A-Z0-9])-----\s*$")
_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.*?)\s*$")
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]*$")


@dataclass(frozen=True)
class PEMBlock:
    """One armoured block.

    Attributes:
        label: The text between ``BEGIN`` and the dashes.
        der: The decoded content.
        headers: RFC 1421 headers before the base64, in order.
        line: Line number of the ``BEGIN`` line, from 1.
    """

    label: str
    der: bytes = field(repr=False)
    headers: tuple[tuple[str, str], ...] = ()
    line: int = 1

    def header(self, name: str) -> str | None:
        """Return the value of a header, matched without case, if present."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def as_bytes(data: object, source: str = "input") -> bytes:
    """Return file content given as bytes, a bytes-like object or PEM text.

    Raises:
        TypeError: ``data`` is none of those.
    """
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    raise TypeError(
        f"{source}: expected the file content as bytes or str, got "
        f"{type(data).__name__}; read the file with open(path, 'rb')"
    )


def looks_like_pem(data: bytes) -> bool:
    """Tell whether ``data`` contains PEM armour, judging by its content."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return b"-----BEGIN " in data[:65536] or b"-----BEGIN " in data


def looks_like_der(data: bytes) -> bool:
    """Tell whether ``data`` may be DER: it starts with a SEQUENCE tag."""
    return data[:1] == b"\x30"


def decode_text(data: bytes, source: str = "input") -> str:
    """Decode file bytes to text for PEM parsing.

    Skips a UTF-8 byte-order mark, decodes UTF-16 (with a byte-order mark)
    with a warning, and rejects other non-ASCII bytes outside the armour
    only when they break UTF-8 inside a block.

    Raises:
        PEMError: The bytes are not text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            reason = (
                "file starts with a UTF-16 byte-order mark but is not "
                "valid UTF-16; save it as ASCII or UTF-8"
            )
            raise PEMError(reason, source=source) from None
        warnings.warn(
            f"{source}: file is UTF-16 text; read it as PEM, but save it "
            "as ASCII or UTF-8 for other tools",
            PurePKIWarning,
            stacklevel=3,
        )
        return text
    return data.decode("utf-8", errors="replace")


def read_blocks(data: bytes | str, source: str = "input") -> list[PEMBlock]:
    """Read every PEM block of a file, in order.

    Args:
        data: File content as bytes or text.
        source: File name shown in errors.

    Returns:
        The blocks; an empty list when the text has no ``BEGIN`` line.

    Raises:
        PEMError: A block is truncated, has a mismatched ``END`` line,
            invalid base64 or malformed headers.
    """
    text = data if isinstance(data, str) else decode_text(data, source)
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    blocks: list[PEMBlock] = []
    index = 0
    while index < len(lines):
        begin = _BEGIN.match(lines[index].strip())
        if begin is None:
            index += 1
            continue
        block, index = _read_block(lines, index, begin.group(1), source)
        blocks.append(block)
    return blocks


def _read_block(
    lines: list[str], start: int, label: str, source: str
) -> tuple[PEMBlock, int]:
    headers: list[tuple[str, str]] = []
    body: list[str] = []
    index = start + 1
    while index < len(lines):
        line = lines[index].strip()
        end = _END.match(line)
        if end is not None:
            if end.group(1) != label:
                reason = (
                    f"block '{label}' begun on line {start + 1} ends with "
                    f"'END {end.group(1)}' on line {index + 1}"
                )
                raise PEMError(reason, source=source)
            der = _decode_base64(body, label, start, source)
            block = PEMBlock(label, der, tuple(headers), start + 1)
            return block, index + 1
        if line.startswith("-----BEGIN "):
            break
        header = _HEADER.match(line) if not body else None
        if header is not None and ":" in line:
            index = _read_header(lines, index, header, headers)
            continue
        body.append(line)
        index += 1
    reason = (
        f"block '{label}' begun on line {start + 1} has no "
        f"'-----END {label}-----' line (truncated file?)"
    )
    raise PEMError(reason, source=source)


def _read_header(
    lines: list[str],
    index: int,
    header: re.Match[str],
    headers: list[tuple[str, str]],
) -> int:
    """Store one RFC 1421 header, joining continuation lines."""
    value = header.group(2)
    index += 1
    while index < len(lines) and lines[index][:1] in (" ", "\t"):
        value += lines[index].strip()
        index += 1
    headers.append((header.group(1), value))
    return index


def _decode_base64(
    body: list[str], label: str, start: int, source: str
) -> bytes:
    for offset, line in enumerate(body):
        if not _BASE64_LINE.match(line):
            line_number = start + 2 + offset
            reason = (
                f"block '{label}' has a line that is not base64 on line "
                f"{line_number} or near it: {line[:40]!r}"
            )
            raise PEMError(reason, source=source)
    joined = "".join(body)
    try:
        der = base64.b64decode(joined, validate=True)
    except binascii.Error:
        reason = (
            f"block '{label}' begun on line {start + 1} has invalid base64 "
            "(wrong length or padding; truncated file?)"
        )
        raise PEMError(reason, source=source) from None
    if not der:
        reason = f"block '{label}' begun on line {start + 1} is empty"
        raise PEMError(reason, source=source)
    return der


def encode(
    label: str,
    der: bytes,
    headers: tuple[tuple[str, str], ...] = (),
) -> str:
    """Armour DER bytes as one canonical PEM block.

    Returns:
        Text with 64-column base64 lines, LF line ends, ending in one
        newline.
    """
    if not _BEGIN.match(f"-----BEGIN {label}-----"):
        raise ValueError(f"invalid PEM label {label!r}")
    encoded = base64.b64encode(der).decode("ascii")
    lines = [f"-----BEGIN {label}-----"]
    lines.extend(f"{name}: {value}" for name, value in headers)
    if headers:
        lines.append("")
    lines.extend(encoded[i : i + 64] for i in range(0, len(encoded), 64))
    lines.append(f"-----END {label}-----")
    return "\n".join(lines) + "\n"
