"""File helpers for the ``purepki`` command: safe writes and file types.

Writes follow one rule: a command either writes every file it set out to
write, complete, or leaves the folder as it found it. :class:`OutputFiles`
collects the content of every file first, writes each to a temporary file
in the target folder (flushed with ``fsync``), and only then renames the
temporary files into place with :func:`os.replace`, which POSIX makes
atomic. A failure during the renames puts back what was there before.

Type detection reads content, never file names: PEM armour is split into
its blocks, and DER is split into its top-level elements, each classified
by its outline (the tags of its first levels).
"""

from __future__ import annotations

import contextlib
import enum
import os
import stat
from pathlib import Path
from typing import Optional

from purepki import pem
from purepki._record import dataclass, field
from purepki.asn1 import der
from purepki.asn1.oids import ContentTypeOID
from purepki.errors import DecodeError, PurePKIError

#: Mode of private key files: readable and writable by the owner only.
PRIVATE_MODE = 0o600

#: Widest mode of public files (certificates, CSRs, bundles): readable by
#: everyone and writable by the owner only. The umask may remove more bits.
PUBLIC_MODE = 0o644


class OutputExists(PurePKIError, FileExistsError):
    """A file that a command would write exists and may not be replaced."""


# --- Atomic writes -----------------------------------------------------------


@dataclass(frozen=True)
class PlannedFile:
    """One file a command will write.

    Attributes:
        path: Where the file goes.
        data: The complete content.
        private: Whether the file contains a secret (written with mode
            0600); other files get at most mode 0644.
    """

    path: Path
    data: bytes = field(repr=False)
    private: bool = False


def _public_mode() -> int:
    """Return :data:`PUBLIC_MODE` less the bits the umask removes."""
    # The umask can only be read by setting it; restore it at once.
    umask = os.umask(0)
    os.umask(umask)
    return PUBLIC_MODE & ~umask


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries so that a rename survives a crash."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        # Some file systems do not support fsync on folders.
        pass
    finally:
        os.close(descriptor)


def _write_temporary(planned: PlannedFile, mode: int) -> Path:
    """Write ``planned`` to a hidden temporary file next to its target."""
    # tempfile imports shutil, and with it bz2 and lzma, which commands
    # that write nothing do not need to load.
    import tempfile

    folder = planned.path.parent
    descriptor, name = tempfile.mkstemp(
        dir=folder, prefix=f".{planned.path.name}.", suffix=".tmp"
    )
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(planned.data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


@dataclass
class _Previous:
    """The previous state of a target: no file, or its bytes and mode."""

    path: Path
    data: Optional[bytes]
    mode: int


class OutputFiles:
    """The files one command writes, committed all together or not at all.

    Add each file with :meth:`add`. Call :meth:`check` before expensive
    work, so that an existing file is reported at once, and :meth:`commit`
    when every content is ready.
    """

    def __init__(self, *, force: bool = False) -> None:
        self.force = force
        self._planned: list[PlannedFile] = []

    @property
    def paths(self) -> tuple[Path, ...]:
        """The target paths, in the order added."""
        return tuple(planned.path for planned in self._planned)

    def add(self, path: Path, data: bytes, *, private: bool = False) -> None:
        """Plan one file.

        Raises:
            ValueError: The same path is planned twice.
        """
        if path in self.paths:
            raise ValueError(f"{path} is planned twice in one command")
        self._planned.append(PlannedFile(path, data, private))

    def check(self, paths: Optional[tuple[Path, ...]] = None) -> None:
        """Check that the targets can be written.

        Args:
            paths: Targets to check; default every planned one.

        Raises:
            OutputExists: A target exists and ``force`` is off.
            OSError: A target's folder does not exist, or a target is a
                folder.
        """
        for path in paths if paths is not None else self.paths:
            if not path.parent.is_dir():
                raise FileNotFoundError(
                    2, "folder not found; create it first", str(path.parent)
                )
            if path.is_dir():
                raise IsADirectoryError(
                    21, "is a folder, not a file", str(path)
                )
            if path.exists() and not path.is_file():
                # A FIFO or device would block the backup read and is
                # never replaced by a file.
                raise OutputExists(
                    f"{path} is not a regular file; choose another name"
                )
            if path.exists() and not self.force:
                raise OutputExists(
                    f"{path} exists; pass --force to replace it, or choose "
                    "another name"
                )

    def commit(self) -> None:
        """Write every planned file, or none.

        Raises:
            OutputExists: A target appeared since :meth:`check`.
            OSError: A write failed; every target is as it was before.
        """
        self.check()
        public = _public_mode()
        temporaries: list[Path] = []
        try:
            for planned in self._planned:
                mode = PRIVATE_MODE if planned.private else public
                temporaries.append(_write_temporary(planned, mode))
            self._rename(temporaries)
        finally:
            for temporary in temporaries:
                temporary.unlink(missing_ok=True)
        for folder in {planned.path.parent for planned in self._planned}:
            _fsync_folder(folder)

    def _rename(self, temporaries: list[Path]) -> None:
        done: list[_Previous] = []
        try:
            for planned, temporary in zip(self._planned, temporaries):
                previous = _remember(planned.path)
                os.replace(temporary, planned.path)
                done.append(previous)
        except BaseException:
            for previous in reversed(done):
                _restore(previous)
            raise


def _remember(path: Path) -> _Previous:
    try:
        data = path.read_bytes()
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return _Previous(path, None, 0)
    return _Previous(path, data, mode)


def _restore(previous: _Previous) -> None:
    """Put back what a target held before a failed commit."""
    with contextlib.suppress(OSError):
        if previous.data is None:
            previous.path.unlink(missing_ok=True)
            return
        planned = PlannedFile(previous.path, previous.data)
        temporary = _write_temporary(planned, previous.mode)
        os.replace(temporary, previous.path)


# --- File type detection -----------------------------------------------------


class Kind(enum.Enum):
    """The kind of one element of a file."""

    CERTIFICATE = "certificate"
    TRUSTED_CERTIFICATE = "certificate (OpenSSL trusted form)"
    CSR = "certificate request"
    CRL = "certificate revocation list"
    PRIVATE_KEY = "private key"
    ENCRYPTED_PRIVATE_KEY = "encrypted private key"
    PUBLIC_KEY = "public key"
    EC_PARAMETERS = "EC parameters"
    PKCS7 = "PKCS#7"
    PKCS12 = "PKCS#12"
    UNKNOWN = "unknown"


#: Key structures, as shown next to a key.
PKCS8 = "PKCS#8"
PKCS1 = "PKCS#1"
SEC1 = "SEC 1"
SPKI = "SubjectPublicKeyInfo"

_LABEL_KINDS = {
    **dict.fromkeys(pem.CERTIFICATE_LABELS, Kind.CERTIFICATE),
    pem.TRUSTED_CERTIFICATE_LABEL: Kind.TRUSTED_CERTIFICATE,
    **dict.fromkeys(pem.CSR_LABELS, Kind.CSR),
    **dict.fromkeys(pem.CRL_LABELS, Kind.CRL),
    **dict.fromkeys(pem.PKCS7_LABELS, Kind.PKCS7),
    **dict.fromkeys(pem.PRIVATE_KEY_LABELS, Kind.PRIVATE_KEY),
    pem.ENCRYPTED_PRIVATE_KEY_LABEL: Kind.ENCRYPTED_PRIVATE_KEY,
    **dict.fromkeys(pem.PUBLIC_KEY_LABELS, Kind.PUBLIC_KEY),
    pem.EC_PARAMETERS_LABEL: Kind.EC_PARAMETERS,
    "PKCS12": Kind.PKCS12,
}

_LABEL_FORMATS = {
    "PRIVATE KEY": PKCS8,
    "ENCRYPTED PRIVATE KEY": PKCS8,
    "RSA PRIVATE KEY": PKCS1,
    "EC PRIVATE KEY": SEC1,
    "PUBLIC KEY": SPKI,
    "RSA PUBLIC KEY": PKCS1,
}


@dataclass(frozen=True)
class Element:
    """One element of a file: a PEM block or a top-level DER element.

    Attributes:
        kind: What the element is.
        der: Its DER bytes.
        encoding: ``PEM`` or ``DER``.
        where: Its place, for messages: ``block 2 (line 31)`` or
            ``offset 0``.
        label: The PEM label; empty for DER.
        headers: The RFC 1421 headers of a PEM block.
        structure: The key structure (``PKCS#8``, ``PKCS#1``, ``SEC 1``,
            ``SubjectPublicKeyInfo``) for keys; empty otherwise.
        problem: Why the element could not be split off cleanly (bytes
            that are not DER after the last element); empty otherwise.
    """

    kind: Kind
    der: bytes = field(repr=False)
    encoding: str
    where: str
    label: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    structure: str = ""
    problem: str = ""

    def as_pem(self) -> bytes:
        """Return the element alone, armoured (keeping its headers)."""
        label = self.label or _default_label(self.kind)
        return pem.encode(label, self.der, self.headers).encode("ascii")


def _default_label(kind: Kind) -> str:
    labels = {
        Kind.CERTIFICATE: "CERTIFICATE",
        Kind.CSR: "CERTIFICATE REQUEST",
        Kind.CRL: "X509 CRL",
        Kind.PRIVATE_KEY: "PRIVATE KEY",
        Kind.ENCRYPTED_PRIVATE_KEY: "ENCRYPTED PRIVATE KEY",
        Kind.PUBLIC_KEY: "PUBLIC KEY",
        Kind.PKCS7: "PKCS7",
        Kind.PKCS12: "PKCS12",
        Kind.EC_PARAMETERS: "EC PARAMETERS",
    }
    return labels.get(kind, "UNKNOWN")


def read_elements(data: bytes, source: str) -> list[Element]:
    """Split a file into its elements, detecting PEM or DER by content.

    Text outside PEM armour is ignored. Bytes after the last DER element
    that are not DER are returned as an ``UNKNOWN`` element whose
    ``problem`` names their offset, so that nothing is dropped silently.

    Raises:
        PEMError: A PEM block is truncated or its base64 is invalid.
        DecodeError: The content is neither PEM nor DER, or is empty.
    """
    if not data.strip():
        raise DecodeError("file is empty", source=source)
    if pem.looks_like_pem(data):
        return _pem_elements(data, source)
    if not pem.looks_like_der(data):
        raise DecodeError(
            "not PEM (no '-----BEGIN' line) and not DER (starts with "
            f"{data[0]:#04x}; DER files start with 0x30)",
            source=source,
        )
    return _der_elements(data, source)


def _pem_elements(data: bytes, source: str) -> list[Element]:
    blocks = pem.read_blocks(data, source)
    if not blocks:
        raise DecodeError(
            "file has a '-----BEGIN' marker but no complete PEM block",
            source=source,
        )
    elements = []
    for number, block in enumerate(blocks, start=1):
        kind = _LABEL_KINDS.get(block.label, Kind.UNKNOWN)
        structure = _LABEL_FORMATS.get(block.label, "")
        if kind is Kind.PRIVATE_KEY and _legacy_encrypted(block):
            kind = Kind.ENCRYPTED_PRIVATE_KEY
        elements.append(
            Element(
                kind,
                block.der,
                "PEM",
                f"block {number} (line {block.line})",
                block.label,
                block.headers,
                structure,
            )
        )
    return elements


def _legacy_encrypted(block: pem.PEMBlock) -> bool:
    proc_type = block.header("Proc-Type") or ""
    return "ENCRYPTED" in proc_type.upper()


def _der_elements(data: bytes, source: str) -> list[Element]:
    elements: list[Element] = []
    position = 0
    while position < len(data):
        rest = data[position:]
        try:
            node = der.scan(rest, allow_trailing=True)
        except DecodeError as error:
            if not elements:
                raise error.relocate(source=source) from None
            problem = (
                f"{len(rest)} bytes at offset {position} after the last "
                f"DER element are not DER ({error.reason})"
            )
            elements.append(
                Element(
                    Kind.UNKNOWN,
                    rest,
                    "DER",
                    f"offset {position}",
                    problem=problem,
                )
            )
            break
        element = rest[: node.end]
        kind, structure = classify_der(element, node)
        elements.append(
            Element(
                kind, element, "DER", f"offset {position}", structure=structure
            )
        )
        position += node.end
    return elements


def _is(node: der.Node, number: int) -> bool:
    return node.tag_class == der.CLASS_UNIVERSAL and node.number == number


def _oid_of(node: der.Node, data: bytes) -> str:
    return decode_oid(node.content(data))


def decode_oid(content: bytes) -> str:
    """Return the dotted form of OBJECT IDENTIFIER content octets that
    :func:`purepki.asn1.der.scan` has checked."""
    arcs: list[int] = []
    value = 0
    for octet in content:
        value = (value << 7) | (octet & 0x7F)
        if not octet & 0x80:
            arcs.append(value)
            value = 0
    if not arcs:
        return ""
    first = min(arcs[0] // 40, 2)
    return ".".join(
        str(arc) for arc in (first, arcs[0] - 40 * first, *arcs[1:])
    )


def classify_der(
    data: bytes, node: Optional[der.Node] = None
) -> tuple[Kind, str]:
    """Tell what one DER element is from its outline.

    Args:
        data: The element's bytes.
        node: Its element tree from :func:`purepki.asn1.der.scan`, if
            already scanned.

    Returns:
        The kind and, for keys, the key structure.

    Raises:
        DecodeError: ``data`` is not one DER element.
    """
    root = node if node is not None else der.scan(data)
    if _is(root, 6):
        return Kind.EC_PARAMETERS, ""
    if not _is(root, 16):
        return Kind.UNKNOWN, ""
    kids = root.children
    shape = _key_shape(kids)
    if shape is not None:
        return shape
    if _is_pfx(kids, data):
        return Kind.PKCS12, ""
    if _is_content_info(kids, data):
        return Kind.PKCS7, ""
    signed = (
        len(kids) == 3
        and _is(kids[0], 16)
        and _is(kids[1], 16)
        and _is(kids[2], 3)
    )
    if signed:
        return _signed_kind(kids[0]), ""
    return Kind.UNKNOWN, ""


def _key_shape(kids: list[der.Node]) -> Optional[tuple[Kind, str]]:
    tags = [(kid.tag_class, kid.number) for kid in kids]
    universal = der.CLASS_UNIVERSAL
    if len(kids) >= 9 and all(_is(kid, 2) for kid in kids[:9]):
        return Kind.PRIVATE_KEY, PKCS1
    if tags == [(universal, 2), (universal, 2)]:
        return Kind.PUBLIC_KEY, PKCS1
    if len(kids) >= 3 and _is(kids[0], 2):
        if _is(kids[1], 16) and _is(kids[2], 4):
            return Kind.PRIVATE_KEY, PKCS8
        if _is(kids[1], 4):
            return Kind.PRIVATE_KEY, SEC1
    if tags == [(universal, 16), (universal, 4)]:
        return Kind.ENCRYPTED_PRIVATE_KEY, PKCS8
    if tags == [(universal, 16), (universal, 3)]:
        return Kind.PUBLIC_KEY, SPKI
    return None


def _is_pfx(kids: list[der.Node], data: bytes) -> bool:
    """PFX (RFC 7292 section 4): SEQUENCE { INTEGER 3, ContentInfo of
    type data, ... }."""
    if len(kids) not in (2, 3) or not _is(kids[0], 2):
        return False
    if kids[0].content(data) != b"\x03" or not _is(kids[1], 16):
        return False
    inner = kids[1].children
    return (
        bool(inner)
        and _is(inner[0], 6)
        and (_oid_of(inner[0], data) == ContentTypeOID.DATA)
    )


def _is_content_info(kids: list[der.Node], data: bytes) -> bool:
    """ContentInfo (RFC 5652 section 3) of a PKCS#7 content type."""
    if len(kids) != 2 or not _is(kids[0], 6):
        return False
    explicit = kids[1].tag_class == der.CLASS_CONTEXT and kids[1].number == 0
    return explicit and _oid_of(kids[0], data).startswith(
        "1.2.840.113549.1.7."
    )


def _signed_kind(tbs: der.Node) -> Kind:
    """Tell a certificate, a CRL and a CSR apart by their signed part."""
    fields = tbs.children
    if (
        len(fields) == 4
        and _is(fields[0], 2)
        and fields[3].tag_class == der.CLASS_CONTEXT
    ):
        return Kind.CSR
    # tbsCertList: version (optional INTEGER), signature, issuer,
    # thisUpdate (a time); tbsCertificate has validity, a SEQUENCE, there.
    start = 1 if fields and _is(fields[0], 2) else 0
    if len(fields) > start + 2:
        third = fields[start + 2]
        if _is(third, 23) or _is(third, 24):
            return Kind.CRL
    return Kind.CERTIFICATE
