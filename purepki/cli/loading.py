"""Read PKI files for the commands: every element of a file, parsed into
the library's objects, with a reason for each element that cannot be.
"""

from __future__ import annotations

import datetime
import stat
from pathlib import Path
from typing import Any, Optional, Union

from pyasn1_modules import rfc5280

from purepki._record import dataclass, replace
from purepki.asn1 import der
from purepki.asn1.oids import ContentTypeOID, display_name
from purepki.certificate import Certificate, load_certificates
from purepki.cli.common import InputError
from purepki.csr import CertificateSigningRequest
from purepki.errors import (
    DecodeError,
    EncryptedKeyError,
    PurePKIError,
    UnsupportedAlgorithm,
)
from purepki.files import Element, Kind, read_elements
from purepki.keys import (
    ECPrivateKey,
    ECPublicKey,
    PrivateKey,
    PublicKey,
    RSAPrivateKey,
    RSAPublicKey,
    load_private_key,
    load_public_key,
    private_key_encryption,
)
from purepki.name import Name
from purepki.x509time import parse_time

#: The key classes, for ``isinstance`` checks.
KEY_TYPES = (RSAPrivateKey, ECPrivateKey, RSAPublicKey, ECPublicKey)

#: Largest file the commands read, in bytes (the DER layer's limit).
MAX_FILE_SIZE = der.MAX_INPUT_SIZE


@dataclass(frozen=True)
class RevokedEntry:
    """One revoked certificate of a CRL, as ``inspect`` shows it.

    Attributes:
        serial: The serial number in colon-separated hex.
        date: The revocationDate.
        reason: The reasonCode's name, or empty.
    """

    serial: str
    date: datetime.datetime
    reason: str


@dataclass(frozen=True)
class RevocationList:
    """The facts of a CRL that ``inspect`` shows (RFC 5280 section 5.1).

    The CRL's signature is not checked.
    """

    issuer: Name
    this_update: datetime.datetime
    next_update: Optional[datetime.datetime]
    revoked: int
    signature_algorithm: str
    crl_number: Optional[int] = None
    authority_key_id: str = ""
    entries: tuple[RevokedEntry, ...] = ()
    strict_error: str = ""


@dataclass(frozen=True)
class SignedDataBundle:
    """A PKCS#7 / CMS signedData (RFC 5652 section 5) and its
    certificates; ``openssl crl2pkcs7`` and Windows ``.p7b`` exports hold
    certificate chains this way."""

    certificates: tuple[Certificate, ...]


Value = Union[
    Certificate,
    CertificateSigningRequest,
    PrivateKey,
    PublicKey,
    RevocationList,
    SignedDataBundle,
    None,
]


@dataclass(frozen=True)
class SSHFacts:
    """The facts of an OpenSSH public key line besides the key.

    Attributes:
        key_type: The type before the blob, such as ``ssh-rsa``.
        fingerprint: The fingerprint ``ssh-keygen -l`` prints
            (``SHA256:`` and unpadded base64); empty when purepki does
            not read the key type.
        comment: The text after the blob; empty when there is none.
    """

    key_type: str
    fingerprint: str
    comment: str


@dataclass(frozen=True)
class Item:
    """One element of a file with what it parsed into.

    Attributes:
        path: The file.
        element: The element's bytes, kind and place.
        value: The parsed object; ``None`` when it could not be parsed.
        status: Why ``value`` is ``None`` although the element is fine
            (an encrypted key, a PKCS#12 file); empty otherwise.
        error: Why the element is invalid; empty when it is valid.
        total: How many elements the file contains.
        encryption: How the element is protected, read without a
            password: the scheme of an encrypted key, or the MAC and the
            schemes of a PKCS#12 file; empty otherwise.
        ssh: The facts of an OpenSSH public key line; ``None`` for
            other elements.
    """

    path: Path
    element: Element
    value: Value = None
    status: str = ""
    error: str = ""
    total: int = 1
    encryption: tuple[str, ...] = ()
    ssh: Optional[SSHFacts] = None

    @property
    def kind(self) -> Kind:
        """What the element is."""
        return self.element.kind

    @property
    def where(self) -> str:
        """The file and the element's place in it."""
        return f"{self.path}, {self.element.where}"

    @property
    def short_name(self) -> str:
        """The file name, followed by the element's place when the file
        contains several: ``combo.pem block 2``."""
        if self.total == 1:
            return self.path.name
        return f"{self.path.name} {self.element.where.split(' (')[0]}"


def read_file(path: Path) -> bytes:
    """Read a file the commands take as input.

    Raises:
        InputError: The path is a folder, or the file is empty (or
            white space only) or too large.
        OSError: The file is missing or unreadable.
    """
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file")
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):
        # Reading a FIFO or a device could block for ever.
        raise InputError(f"{path} is not a regular file; give a file")
    size = status.st_size
    if size > MAX_FILE_SIZE:
        raise InputError(
            f"{path} has {size} bytes, more than the {MAX_FILE_SIZE} "
            "purepki reads; it is no certificate, key or CSR file"
        )
    data = path.read_bytes()
    if not data.strip():
        content = "0 bytes" if not data else "white space only"
        raise InputError(
            f"{path} is empty ({content}); give a file that contains PEM "
            "or DER data, or copy it again if the copy was cut short"
        )
    return data


def load_items(path: Path) -> list[Item]:
    """Read and parse every element of a file: PEM blocks, DER elements,
    or the lines of an OpenSSH public key file.

    Raises:
        DecodeError: The file is neither PEM nor DER nor OpenSSH public
            key lines, or its PEM armour is broken.
        OSError: The file cannot be read.
        InputError: See :func:`read_file`.
    """
    data = read_file(path)
    try:
        elements = read_elements(data, str(path))
    except DecodeError:
        ssh_items = _openssh_items(path, data)
        if ssh_items is None:
            raise
        return ssh_items
    return [
        replace(_parse(path, element), total=len(elements))
        for element in elements
    ]


#: Encoding shown for OpenSSH public key lines, next to PEM and DER.
OPENSSH = "OpenSSH"


def _openssh_items(path: Path, data: bytes) -> Optional[list[Item]]:
    """Parse a file of OpenSSH public key lines (``TYPE BASE64
    [COMMENT]``, as ``ssh-keygen`` and ``pkcs12-to-ssh`` write them, or
    an authorized_keys file, whose options are skipped), one item per
    line.

    Returns ``None`` when the first line that is neither blank nor a
    ``#`` comment does not start with an OpenSSH key type after its
    options.
    """
    from purepki import ssh

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = [
        (number, ssh.without_options(line.strip()))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines or not lines[0][1].startswith(ssh.KEY_TYPE_PREFIXES):
        return None
    items = [_openssh_item(path, number, line) for number, line in lines]
    return [replace(item, total=len(items)) for item in items]


def _openssh_item(path: Path, number: int, line: str) -> Item:
    from purepki import ssh

    fields = line.split(None, 2)
    comment = fields[2] if len(fields) > 2 else ""
    element = Element(
        Kind.PUBLIC_KEY, b"", OPENSSH, f"line {number}", structure=OPENSSH
    )
    try:
        key = ssh.load_public_key_line(line, source=f"{path}, line {number}")
    except UnsupportedAlgorithm as error:
        facts = SSHFacts(fields[0], "", comment)
        return Item(path, element, status=str(error), ssh=facts)
    except DecodeError as error:
        # The item's place already names the file and line.
        return Item(path, element, error=error.reason)
    except PurePKIError as error:
        return Item(path, element, error=str(error))
    facts = SSHFacts(fields[0], ssh.fingerprint(key), comment)
    element = replace(element, der=key.to_der())
    return Item(path, element, key, ssh=facts)


def _parse(path: Path, element: Element) -> Item:
    if element.problem:
        return Item(path, element, error=element.problem)
    parser = _PARSERS.get(element.kind)
    if parser is None:
        return _unparsed(path, element)
    try:
        return Item(path, element, parser(element, str(path)))
    except EncryptedKeyError:
        # An encrypted PKCS#8 key under the plain PRIVATE KEY label.
        return _encrypted_key(path, element)
    except PurePKIError as error:
        return Item(path, element, error=str(error))


def _encrypted_key(path: Path, element: Element) -> Item:
    """Describe an encrypted private key by its scheme, without asking
    for its password."""
    try:
        scheme = private_key_encryption(_key_bytes(element), source=str(path))
    except PurePKIError as error:
        return Item(path, element, error=str(error))
    if scheme is None:
        reason = "the key looks encrypted, but no encryption scheme was found"
        return Item(path, element, error=reason)
    status = (
        f"private key is encrypted; 'purepki unlock {path}' replaces the "
        "file with the unencrypted key"
    )
    return Item(path, element, status=status, encryption=(scheme,))


def _pkcs12(path: Path, element: Element) -> Item:
    """Describe a PKCS#12 file by its MAC and encryption schemes, without
    asking for its password."""
    try:
        # Imported here: the PKCS#12 schemas add to every command's
        # start-up time, and most commands meet no PKCS#12 file.
        from purepki.pkcs12 import describe_pkcs12

        lines = describe_pkcs12(element.der, source=str(path))
    except PurePKIError as error:
        return Item(path, element, error=str(error))
    status = (
        "PKCS#12 (PFX) container; its contents are not shown, because "
        "inspect and list do not ask for passwords"
    )
    return Item(path, element, status=status, encryption=lines)


def _unparsed(path: Path, element: Element) -> Item:
    if element.kind is Kind.ENCRYPTED_PRIVATE_KEY:
        return _encrypted_key(path, element)
    if element.kind is Kind.PKCS12:
        return _pkcs12(path, element)
    if element.kind is Kind.EC_PARAMETERS:
        return Item(path, element, status=_curve_parameters(element.der))
    if element.label == "OPENSSH PRIVATE KEY":
        return Item(
            path,
            element,
            status="OpenSSH private key (openssh-key-v1), a format purepki "
            "does not read; 'ssh-keygen -p -m PEM -f FILE' rewrites it in "
            "PEM (PKCS#1 or SEC 1), which it reads",
        )
    label = f" '{element.label}'" if element.label else ""
    return Item(
        path,
        element,
        error=f"unknown content{label}: not a key, certificate, CSR, CRL, "
        "PKCS#7 or PKCS#12 structure",
    )


def _curve_parameters(data: bytes) -> str:
    node = der.scan(data)
    if node.tag_class == der.CLASS_UNIVERSAL and node.number == 6:
        from pyasn1.type import univ

        oid = str(der.decode(data, univ.ObjectIdentifier()))
        return f"named curve {display_name(oid)} ({oid})"
    return "explicit curve parameters"


def _key_bytes(element: Element) -> bytes:
    return element.as_pem() if element.encoding == "PEM" else element.der


def _certificate(element: Element, source: str) -> Certificate:
    return Certificate.from_der(element.der, source=source)


def _trusted_certificate(element: Element, source: str) -> Certificate:
    # OpenSSL's TRUSTED CERTIFICATE is a certificate followed by its trust
    # settings (X509_AUX); only the certificate is read.
    node = der.scan(element.der, allow_trailing=True)
    return Certificate.from_der(element.der[: node.end], source=source)


def _csr(element: Element, source: str) -> CertificateSigningRequest:
    return CertificateSigningRequest.from_der(element.der, source=source)


def _private_key(element: Element, source: str) -> PrivateKey:
    return load_private_key(_key_bytes(element), source=source)


def _public_key(element: Element, source: str) -> PublicKey:
    return load_public_key(_key_bytes(element), source=source)


def _crl(element: Element, source: str) -> RevocationList:
    value, tree = der.decode_with_tree(
        element.der, rfc5280.CertificateList(), source=source
    )
    tbs = value["tbsCertList"]
    tbs_node = tree.children[0]
    shift = 1 if tbs["version"].isValue else 0
    issuer_node = tbs_node.children[1 + shift]
    issuer_der = element.der[issuer_node.offset : issuer_node.end]
    path = "tbsCertList"
    this_update, _ = parse_time(
        tbs["thisUpdate"], source=source, path=f"{path}.thisUpdate"
    )
    next_update = None
    if tbs["nextUpdate"].isValue:
        next_update, _ = parse_time(
            tbs["nextUpdate"], source=source, path=f"{path}.nextUpdate"
        )
    revoked = (
        len(tbs["revokedCertificates"])
        if tbs["revokedCertificates"].isValue
        else 0
    )
    algorithm = display_name(str(value["signatureAlgorithm"]["algorithm"]))
    summary = RevocationList(
        Name.from_pyasn1(tbs["issuer"], issuer_der),
        this_update,
        next_update,
        revoked,
        algorithm,
    )
    return _with_crl_details(summary, element.der, source)


def _with_crl_details(
    summary: RevocationList, data: bytes, source: str
) -> RevocationList:
    """Add the cRLNumber, the key identifier and the entries, read by the
    strict parser of :mod:`purepki.crl`. A CRL that it rejects is still
    shown, with the reason, because ``inspect`` describes what it reads.
    """
    from purepki.certificate import hex_serial
    from purepki.crl import CertificateRevocationList

    try:
        crl = CertificateRevocationList.from_der(data, source=source)
        entries = tuple(
            RevokedEntry(
                hex_serial(entry.serial_number),
                entry.revocation_date,
                entry.reason.label if entry.reason is not None else "",
            )
            for entry in crl.revoked_certificates
        )
        identifier = crl.authority_key_identifier
        key_id = identifier.key_identifier if identifier else None
        return replace(
            summary,
            crl_number=crl.crl_number,
            authority_key_id=key_id.hex(":").upper() if key_id else "",
            entries=entries,
        )
    except PurePKIError as error:
        return replace(summary, strict_error=str(error))


def _signed_data(element: Element, source: str) -> SignedDataBundle:
    """Read the certificates of a signedData from the bytes as received:
    ContentInfo { contentType, [0] EXPLICIT SignedData }, whose
    ``certificates`` field is the ``[0] IMPLICIT`` SET of SignedData."""
    data = element.der
    root = der.scan(data)
    type_node, explicit = root.children
    content_type = _oid_text(data[type_node.offset : type_node.end])
    if content_type != ContentTypeOID.SIGNED_DATA:
        raise DecodeError(
            f"PKCS#7 content type {display_name(content_type)} "
            f"({content_type}) contains no certificates purepki can read",
            source=source,
        )
    if not explicit.children:
        raise DecodeError("PKCS#7 signedData is empty", source=source)
    signed = explicit.children[0]
    found: list[Certificate] = []
    for field in signed.children:
        if field.tag_class == der.CLASS_CONTEXT and field.number == 0:
            for child in field.children:
                if child.tag_class == der.CLASS_UNIVERSAL and (
                    child.number == 16
                ):
                    encoded = data[child.offset : child.end]
                    found.append(Certificate.from_der(encoded, source=source))
    return SignedDataBundle(tuple(found))


def _oid_text(encoded: bytes) -> str:
    from pyasn1.type import univ

    return str(der.decode(encoded, univ.ObjectIdentifier()))


_PARSERS: dict[Kind, Any] = {
    Kind.CERTIFICATE: _certificate,
    Kind.TRUSTED_CERTIFICATE: _trusted_certificate,
    Kind.CSR: _csr,
    Kind.PRIVATE_KEY: _private_key,
    Kind.PUBLIC_KEY: _public_key,
    Kind.CRL: _crl,
    Kind.PKCS7: _signed_data,
}


# --- Helpers for commands that need one kind ---------------------------------


def load_certificate_list(path: Path) -> list[Certificate]:
    """Read every certificate of a PEM or DER file, in order.

    Raises:
        InputError: The file is empty, a PKCS#12 or PKCS#7 file, or a
            DER file of other PKI elements (named in the message).
        WrongObjectType: The file contains no ``CERTIFICATE`` block.
        DecodeError: A certificate is malformed.
        OSError: The file cannot be read.
    """
    data = read_file(path)
    try:
        return load_certificates(data, source=str(path))
    except DecodeError:
        # The file's kind is found only when it is not certificates, so
        # that the common case parses once.
        problem = _not_certificates(path, data)
        if problem is None:
            raise
        raise problem from None


_CERTIFICATE_KINDS = (Kind.CERTIFICATE, Kind.TRUSTED_CERTIFICATE)


def _not_certificates(path: Path, data: bytes) -> Optional[InputError]:
    """Return the error that names what a file contains instead of
    certificates, or ``None`` to keep the loader's error: for a PEM file,
    which lists the labels found, or a malformed certificate."""
    try:
        elements = read_elements(data, str(path))
    except DecodeError:
        return None
    kinds = [element.kind for element in elements]
    target = path.with_name(f"{path.stem}-certs.pem")
    if Kind.PKCS12 in kinds:
        return InputError(_pkcs12_message(path, target))
    if Kind.PKCS7 in kinds and Kind.CERTIFICATE not in kinds:
        return InputError(
            f"{path} is a PKCS#7 file, not PEM or DER certificates; "
            f"convert it with 'openssl pkcs7 -in {path} -print_certs "
            f"-out {target}' and give {target}"
        )
    if elements[0].encoding == "PEM":
        # The PEM reader's message already lists the labels found.
        return None
    others = [kind for kind in kinds if kind not in _CERTIFICATE_KINDS]
    if len(others) < len(kinds):
        return None
    found = ", ".join(dict.fromkeys(kind.value for kind in others))
    return InputError(
        f"{path} contains no certificate (found: {found}); give a PEM or "
        "DER certificate file"
    )


def load_crl_list(path: Path) -> list[Any]:
    """Read every CRL of a PEM or DER file, in order.

    Returns:
        :class:`purepki.crl.CertificateRevocationList` values; the CRL
        module is imported only here, for the commands that read CRLs.

    Raises:
        InputError: The file is empty, or a DER file that contains other PKI
            elements (named in the message).
        WrongObjectType: The PEM file contains no ``X509 CRL`` block.
        DecodeError: A CRL is malformed.
        UnsupportedCRL: A CRL uses a feature purepki does not process.
        OSError: The file cannot be read.
    """
    from purepki.crl import load_crls

    data = read_file(path)
    try:
        return load_crls(data, source=str(path))
    except DecodeError:
        problem = _not_crls(path, data)
        if problem is None:
            raise
        raise problem from None


def _not_crls(path: Path, data: bytes) -> Optional[InputError]:
    """Return the error that names what a DER file contains instead of
    CRLs, or ``None`` to keep the loader's error (a PEM file's error
    already lists the labels found, or the CRL itself is malformed)."""
    try:
        elements = read_elements(data, str(path))
    except DecodeError:
        return None
    kinds = [element.kind for element in elements]
    if elements[0].encoding == "PEM" or Kind.CRL in kinds:
        return None
    found = ", ".join(dict.fromkeys(kind.value for kind in kinds))
    return InputError(
        f"{path} contains no certificate revocation list (found: {found}); "
        "give a CRL file, PEM ('X509 CRL') or DER, such as one that "
        "'openssl ca -gencrl' writes"
    )


def _pkcs12_message(path: Path, target: Path) -> str:
    return (
        f"{path} is a PKCS#12 (PFX) file, not PEM or DER certificates; it "
        "keeps its key and certificates behind a password, and purepki "
        "does not extract them. Extract the certificates with 'openssl "
        f"pkcs12 -in {path} -nokeys -out {target}' (OpenSSL 3 needs "
        "-legacy for RC2, which 'purepki inspect' shows) and give "
        f"{target}"
    )


def describe_name(name: Name) -> str:
    """Return a name in RFC 4514 form, or ``(empty subject)``."""
    return name.rfc4514() or "(empty name)"


def key_identity(key: PublicKey) -> tuple[object, ...]:
    """Return what makes two public keys the same key: RSA ``n`` and
    ``e`` (an RSA-PSS key included), or an EC curve and point."""
    if isinstance(key, RSAPublicKey):
        return ("RSA", key.n, key.e)
    assert isinstance(key, ECPublicKey)
    return ("EC", key.curve.name, key.x, key.y)


def key_summary(key: Union[PrivateKey, PublicKey]) -> str:
    """Describe a key in a few words: ``RSA 2048 bits``, ``EC P-256``."""
    if isinstance(key, (ECPrivateKey, ECPublicKey)):
        return f"EC {key.curve.name}"
    return f"{key.algorithm_name} {key.key_size} bits"


def public_of(value: Value) -> Optional[PublicKey]:
    """Return the public key of a key, certificate or CSR, or ``None``
    for other values and for keys purepki does not support."""
    if isinstance(value, (Certificate, CertificateSigningRequest)):
        try:
            return value.public_key
        except PurePKIError:
            return None
    if isinstance(value, (RSAPrivateKey, ECPrivateKey)):
        return value.public_key()
    if isinstance(value, (RSAPublicKey, ECPublicKey)):
        return value
    return None
