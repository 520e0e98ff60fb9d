"""PKCS#12 (RFC 7292) files: read a key with its certificates, write one.

Reading handles the files openssl, Windows and browsers write. The
integrity check is the password MAC, from the PKCS#12 key derivation
with SHA-1 or a SHA-2 hash, or PBMAC1 (RFC 9579). Certificates may sit in
plain or encrypted safe contents, keys in shrouded or plain key bags, and
bags in nested safe contents bags, with friendlyName and localKeyId
attributes. Encryption uses the
schemes of :mod:`purepki.pbe`: PBES2 and the legacy PKCS#12 TDEA and RC2
schemes, so old files need no ``-legacy`` switch. An empty password is
tried in both encodings RFC 7292 appendix B.1 allows (two zero bytes, or
no bytes). A file without a MAC loads with a
:class:`~purepki.errors.PurePKIWarning`.

Writing gives a key, its certificate and a chain, protected with PBES2,
PBKDF2-HMAC-SHA256 and AES-256-CBC and a SHA-256 MAC by default, or with
the legacy schemes (TDEA for the key, RC2-40 for the certificates, a
SHA-1 MAC) for readers that know nothing else.

Not read: the public-key integrity and privacy modes (signedData and
envelopedData, RFC 7292 section 3.1), CRL and secret bags (skipped), and
BER encodings such as indefinite lengths, which strict DER decoding
rejects.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Optional

from pyasn1.type import char, univ
from pyasn1_modules import rfc5652, rfc7292, rfc8018

from purepki import ciphers, pbe, pem
from purepki._record import dataclass, field
from purepki.algorithms import HashAlgorithm
from purepki.asn1 import der
from purepki.asn1.oids import display_name
from purepki.backend import BackendLike
from purepki.certificate import Certificate
from purepki.errors import (
    DecodeError,
    PurePKIWarning,
    UnsupportedAlgorithm,
    WrongObjectType,
)
from purepki.keys import PrivateFormat, PrivateKey, load_private_key
from purepki.pbe import (
    BadPassword,
    Password,
    PasswordEncryption,
    UnsupportedScheme,
)

# RFC 7292 appendix D and RFC 5652 section 4 to 8.
DATA = "1.2.840.113549.1.7.1"
SIGNED_DATA = "1.2.840.113549.1.7.2"
ENVELOPED_DATA = "1.2.840.113549.1.7.3"
ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
_BAGS = "1.2.840.113549.1.12.10.1"
KEY_BAG = f"{_BAGS}.1"
SHROUDED_KEY_BAG = f"{_BAGS}.2"
CERT_BAG = f"{_BAGS}.3"
CRL_BAG = f"{_BAGS}.4"
SECRET_BAG = f"{_BAGS}.5"
SAFE_CONTENTS_BAG = f"{_BAGS}.6"
X509_CERTIFICATE = "1.2.840.113549.1.9.22.1"
FRIENDLY_NAME = "1.2.840.113549.1.9.20"
LOCAL_KEY_ID = "1.2.840.113549.1.9.21"

_MAC_HASHES = {member.oid.dotted: member for member in HashAlgorithm}

#: Deepest nesting of safe contents bags read.
MAX_NESTING = 8

#: MAC iterations written, as ``openssl pkcs12 -export`` of OpenSSL 3.0
#: writes them.
#: NOTE: the MAC lets an attacker test a password guess at the cost of
#: these iterations, whatever the PBKDF2 count of the encrypted parts.
#: The PKCS#12 derivation runs in Python (about 2 microseconds per
#: iteration), so pass ``mac_iterations`` to raise the cost.
DEFAULT_MAC_ITERATIONS = 2048

_CONTENT_NAMES = {
    SIGNED_DATA: "signedData (public-key integrity mode)",
    ENVELOPED_DATA: "envelopedData (public-key privacy mode)",
}


class PKCS12FormatError(DecodeError):
    """A PKCS#12 file whose structure is invalid."""


@dataclass(frozen=True)
class PKCS12:
    """The contents of a PKCS#12 file.

    Attributes:
        key: The private key, or ``None`` when the file contains none.
        certificate: The certificate whose public key matches ``key``.
        additional_certificates: The other certificates, in file order.
        friendly_name: The friendlyName of the key (or of the
            certificate, when only it has one).
        local_key_id: The localKeyId of the key or its certificate.
        mac: How the MAC was computed, or ``None`` without a MAC.
        schemes: Encryption of each encrypted part (``certificates:
            PBES2 (...)``, ``key: ...``), for display.
    """

    key: Optional[PrivateKey]
    certificate: Optional[Certificate]
    additional_certificates: tuple[Certificate, ...] = ()
    friendly_name: Optional[str] = None
    local_key_id: Optional[bytes] = field(default=None, repr=False)
    mac: Optional[str] = None
    schemes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Bag:
    kind: str
    value: Any
    friendly_name: Optional[str]
    local_key_id: Optional[bytes]


@dataclass
class _Reader:
    """State of one :func:`load_pkcs12` call."""

    source: str
    candidates: list[Optional[Password]]
    backend: BackendLike
    bags: list[_Bag] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)

    def error(self, reason: str, path: str = "") -> PKCS12FormatError:
        return PKCS12FormatError(reason, source=self.source, path=path)


# --- Reading -----------------------------------------------------------------


def load_pkcs12(
    data: bytes,
    password: Optional[Password],
    *,
    source: str = "PKCS#12 file",
    backend: BackendLike = None,
) -> PKCS12:
    """Read a PKCS#12 file.

    Args:
        data: The DER file content.
        password: The password, as text or UTF-8 bytes. Give ``""`` or
            ``None`` for a file without a password, and both RFC 7292
            encodings of the empty password are tried.
        source: File name shown in errors.
        backend: Runs the ciphers and derives EC public points.

    Returns:
        The key, the certificate matching it, the other certificates and
        the attributes.

    Raises:
        BadPassword: The MAC does not verify with the password, or a part
            does not decrypt.
        UnsupportedScheme: A part uses a scheme or cipher purepki does not
            implement; the message names the part.
        DecodeError: The file is not valid DER PKCS#12.
        WrongObjectType: The file is PEM, or another DER object.
    """
    data = pem.as_bytes(data, source)
    auth_safe, mac_data = _read_pfx(data, source)
    candidates = _password_candidates(password)
    mac = None
    if mac_data is None:
        warnings.warn(
            f"{source}: PKCS#12 file has no MAC, so its integrity is not "
            "checked; recreate it with a password if it came from outside",
            PurePKIWarning,
            stacklevel=2,
        )
    else:
        mac, matched = _verify_mac(mac_data, auth_safe, candidates, source)
        candidates = [matched]
    reader = _Reader(source, candidates, backend)
    _read_authenticated_safe(reader, auth_safe)
    return _assemble(reader, mac)


def _password_candidates(
    password: Optional[Password],
) -> list[Optional[Password]]:
    if not password:
        # RFC 7292 appendix B.1: the empty password is two zero bytes;
        # some writers (and OpenSSL given no password) use no bytes.
        return ["", None]
    return [password]


def _read_pfx(data: bytes, source: str) -> tuple[bytes, Optional[Any]]:
    if pem.looks_like_pem(data):
        raise WrongObjectType(
            "expected a DER PKCS#12 file, found PEM text; PKCS#12 files "
            "are binary (.p12, .pfx)",
            source=source,
        )
    if not pem.looks_like_der(data):
        raise PKCS12FormatError(
            "not a PKCS#12 file (DER files start with 0x30)", source=source
        )
    pfx = der.decode(data, rfc7292.PFX(), source=source)
    version = int(pfx["version"])
    if version != 3:
        raise PKCS12FormatError(
            f"PFX version {version}, expected 3 (RFC 7292 section 4)",
            source=source,
            path="version",
        )
    auth_safe = _data_content(pfx["authSafe"], source, "authSafe")
    mac_data = pfx["macData"] if pfx["macData"].isValue else None
    return auth_safe, mac_data


def _data_content(info: Any, source: str, path: str) -> bytes:
    """Return the octets of a ContentInfo of type data."""
    content_type = str(info["contentType"])
    if content_type != DATA:
        name = _CONTENT_NAMES.get(content_type, display_name(content_type))
        raise UnsupportedScheme(
            f"{source}: {path} is {name}; purepki reads PKCS#12 files in "
            "password integrity mode (content type data)"
        )
    octets = _decode(bytes(info["content"]), univ.OctetString(), source, path)
    return bytes(octets)


def _decode(data: bytes, schema: Any, source: str, path: str) -> Any:
    try:
        return der.decode(data, schema, source=source)
    except DecodeError as error:
        raise error.relocate(source=source, path_prefix=path) from None


# --- The MAC -----------------------------------------------------------------


def _verify_mac(
    mac_data: Any,
    auth_safe: bytes,
    candidates: list[Optional[Password]],
    source: str,
) -> tuple[str, Optional[Password]]:
    """Check the MAC with each password candidate.

    Returns:
        A description of the MAC and the candidate that verified it.
    """
    algorithm = mac_data["mac"]["digestAlgorithm"]
    oid = str(algorithm["algorithm"])
    expected = bytes(mac_data["mac"]["digest"])
    salt = bytes(mac_data["macSalt"])
    iterations = int(mac_data["iterations"])
    if not 1 <= iterations <= pbe.MAX_ITERATIONS:
        raise PKCS12FormatError(
            f"MAC iteration count {iterations} is outside 1 to "
            f"{pbe.MAX_ITERATIONS}",
            source=source,
            path="macData.iterations",
        )
    if oid == pbe.PBMAC1:
        params = algorithm["parameters"]
        raw = bytes(params) if params.isValue else b""
        compute, description = _pbmac1(raw, auth_safe, source)
    elif oid in _MAC_HASHES:
        hash = _MAC_HASHES[oid]
        description = (
            f"HMAC-{hash.name} with the PKCS#12 key derivation, "
            f"{iterations} iterations"
        )

        def compute(secret: Optional[Password]) -> bytes:
            key = pbe.pkcs12_kdf(
                hash,
                pbe.bmp_password(secret),
                salt,
                pbe.PKCS12_MAC,
                iterations,
                hash.digest_size,
            )
            return hmac.new(key, auth_safe, hash.hashlib_name).digest()
    else:
        raise UnsupportedScheme(
            f"{source}: unsupported MAC algorithm {display_name(oid)} "
            f"({oid}) in macData; purepki checks SHA-1 and SHA-2 MACs and "
            "PBMAC1"
        )
    for candidate in candidates:
        if hmac.compare_digest(compute(candidate), expected):
            return description, candidate
    raise BadPassword(
        f"{source}: bad password: the PKCS#12 MAC ({description}) does "
        "not verify; check the password (a file changed after it was "
        "written fails the same way)"
    )


def _pbmac1(
    raw: bytes, auth_safe: bytes, source: str
) -> tuple[Callable[[Optional[Password]], bytes], str]:
    """Read PBMAC1 parameters (RFC 8018 section 7.1, RFC 9579).

    RFC 9579 section 3 derives the key with PBKDF2 from the UTF-8
    password and ignores macSalt and iterations of MacData.
    """
    path = "macData.mac.digestAlgorithm.parameters"
    params = _decode(raw, rfc8018.PBMAC1_params(), source, path)
    kdf = params["keyDerivationFunc"]
    scheme = params["messageAuthScheme"]
    mac_oid = str(scheme["algorithm"])
    mac_hash = pbe.hmac_hash(mac_oid)
    if str(kdf["algorithm"]) != pbe.PBKDF2 or mac_hash is None:
        raise UnsupportedScheme(
            f"{source}: unsupported PBMAC1 parameters (KDF "
            f"{display_name(str(kdf['algorithm']))}, MAC "
            f"{display_name(mac_oid)}); purepki reads PBKDF2 with HMAC-SHA-1 "
            "and SHA-2"
        )
    kdf_params = _decode(
        bytes(kdf["parameters"]), rfc8018.PBKDF2_params(), source, path
    )
    prf_hash = pbe.hmac_hash(str(kdf_params["prf"]["algorithm"]))
    if prf_hash is None or kdf_params["salt"].getName() != "specified":
        raise UnsupportedScheme(
            f"{source}: unsupported PBMAC1 PBKDF2 parameters"
        )
    salt = bytes(kdf_params["salt"]["specified"])
    iterations = int(kdf_params["iterationCount"])
    if not 1 <= iterations <= pbe.MAX_ITERATIONS:
        raise PKCS12FormatError(
            f"PBMAC1 iteration count {iterations} is outside 1 to "
            f"{pbe.MAX_ITERATIONS}",
            source=source,
            path=path,
        )
    if not kdf_params["keyLength"].isValue:
        # RFC 9579 section 5 requires keyLength.
        raise PKCS12FormatError(
            "PBMAC1 PBKDF2 parameters lack keyLength (RFC 9579 section 5)",
            source=source,
            path=path,
        )
    length = int(kdf_params["keyLength"])

    def compute(secret: Optional[Password]) -> bytes:
        key = pbe.pbkdf2(
            prf_hash, pbe.utf8_password(secret), salt, iterations, length
        )
        return hmac.new(key, auth_safe, mac_hash.hashlib_name).digest()

    description = (
        f"PBMAC1 (PBKDF2-HMAC-{prf_hash.name}, {iterations} iterations, "
        f"HMAC-{mac_hash.name})"
    )
    return compute, description


# --- Safe contents -----------------------------------------------------------


def _read_authenticated_safe(reader: _Reader, auth_safe: bytes) -> None:
    infos = _decode(
        auth_safe, rfc7292.AuthenticatedSafe(), reader.source, "authSafe"
    )
    for index, info in enumerate(infos):
        path = f"authSafe[{index}]"
        content_type = str(info["contentType"])
        if content_type == ENCRYPTED_DATA:
            contents = _decrypt_safe(reader, bytes(info["content"]), path)
        else:
            contents = _data_content(info, reader.source, path)
        _read_safe_contents(reader, contents, path, 0)


def _decrypt_safe(reader: _Reader, data: bytes, path: str) -> bytes:
    value = _decode(data, rfc5652.EncryptedData(), reader.source, path)
    info = value["encryptedContentInfo"]
    algorithm = der.encode(info["contentEncryptionAlgorithm"])
    scheme = _parse_scheme(reader, algorithm, "certificate bag", path)
    reader.schemes.append(f"certificates: {scheme.describe()}")
    if not info["encryptedContent"].isValue:
        raise reader.error("encrypted safe contents are missing", path)
    encrypted = bytes(info["encryptedContent"])
    plain = _decrypt_any(reader, scheme, encrypted, "certificate bag")
    try:
        der.scan(plain)
    except DecodeError:
        raise pbe.bad_password(
            "certificate bag", scheme, reader.source
        ) from None
    return plain


def _parse_scheme(
    reader: _Reader, algorithm: bytes, label: str, path: str
) -> PasswordEncryption:
    try:
        return pbe.parse_algorithm(algorithm, source=reader.source, path=path)
    except UnsupportedScheme as error:
        raise UnsupportedScheme(
            f"{reader.source}: unsupported cipher {error.scheme_name} in "
            f"{label}; purepki reads PBES2 and the PKCS#12 TDEA and RC2 "
            "schemes"
        ) from None


def _decrypt_any(
    reader: _Reader,
    scheme: PasswordEncryption,
    encrypted: bytes,
    label: str,
) -> bytes:
    """Decrypt with the first password candidate whose padding checks."""
    last: Optional[BadPassword] = None
    for candidate in reader.candidates:
        try:
            return pbe.decrypt(
                scheme,
                candidate,
                encrypted,
                label=label,
                source=reader.source,
                backend=reader.backend,
            )
        except BadPassword as error:
            last = error
        except UnsupportedAlgorithm as error:
            raise UnsupportedScheme(
                f"{reader.source}: unsupported cipher "
                f"{scheme.cipher.name} in {label} ({error})"
            ) from None
    assert last is not None
    raise last


def _read_safe_contents(
    reader: _Reader, data: bytes, path: str, depth: int
) -> None:
    if depth > MAX_NESTING:
        raise reader.error(
            f"safe contents nested deeper than {MAX_NESTING} levels", path
        )
    bags = _decode(data, rfc7292.SafeContents(), reader.source, path)
    for index, bag in enumerate(bags):
        _read_bag(reader, bag, f"{path}.safeContents[{index}]", depth)


def _read_bag(reader: _Reader, bag: Any, path: str, depth: int) -> None:
    bag_id = str(bag["bagId"])
    value = bytes(bag["bagValue"])
    name, key_id = _attributes(reader, bag["bagAttributes"], path)
    if bag_id == SAFE_CONTENTS_BAG:
        _read_safe_contents(reader, value, path, depth + 1)
        return
    if bag_id == CERT_BAG:
        certificate = _read_cert_bag(reader, value, path)
        if certificate is not None:
            reader.bags.append(_Bag("certificate", certificate, name, key_id))
        return
    if bag_id == KEY_BAG:
        key = load_private_key(
            value, source=reader.source, backend=reader.backend
        )
        reader.bags.append(_Bag("key", key, name, key_id))
        return
    if bag_id == SHROUDED_KEY_BAG:
        key = _read_shrouded_key(reader, value, path)
        reader.bags.append(_Bag("key", key, name, key_id))
        return
    # CRL and secret bags, and unknown bag types, carry nothing that
    # purepki returns.


def _read_cert_bag(
    reader: _Reader, value: bytes, path: str
) -> Optional[Certificate]:
    bag = _decode(value, rfc7292.CertBag(), reader.source, path)
    cert_type = str(bag["certId"])
    if cert_type != X509_CERTIFICATE:
        warnings.warn(
            f"{reader.source}: {path}: skipped a certificate of type "
            f"{display_name(cert_type)}; purepki reads X.509 certificates",
            PurePKIWarning,
            stacklevel=5,
        )
        return None
    octets = _decode(
        bytes(bag["certValue"]), univ.OctetString(), reader.source, path
    )
    return Certificate.from_der(bytes(octets), source=reader.source)


def _read_shrouded_key(reader: _Reader, value: bytes, path: str) -> Any:
    try:
        scheme, encrypted = pbe.read_encrypted_pkcs8(
            value, source=reader.source
        )
    except UnsupportedScheme as error:
        raise UnsupportedScheme(
            f"{reader.source}: unsupported cipher {error.scheme_name} in "
            "key bag; purepki reads PBES2 and the PKCS#12 TDEA and RC2 "
            "schemes"
        ) from None
    reader.schemes.append(f"key: {scheme.describe()}")
    plain = _decrypt_any(reader, scheme, encrypted, "key bag")
    try:
        return load_private_key(
            plain, source=reader.source, backend=reader.backend
        )
    except DecodeError:
        raise pbe.bad_password("key bag", scheme, reader.source) from None


def _attributes(
    reader: _Reader, attributes: Any, path: str
) -> tuple[Optional[str], Optional[bytes]]:
    name: Optional[str] = None
    key_id: Optional[bytes] = None
    if not attributes.isValue:
        return name, key_id
    for attribute in attributes:
        kind = str(attribute["attrType"])
        values = list(attribute["attrValues"])
        if not values:
            continue
        raw = bytes(values[0])
        if kind == FRIENDLY_NAME:
            text = _decode(raw, char.BMPString(), reader.source, path)
            name = str(text)
        elif kind == LOCAL_KEY_ID:
            octets = _decode(raw, univ.OctetString(), reader.source, path)
            key_id = bytes(octets)
    return name, key_id


def _assemble(reader: _Reader, mac: Optional[str]) -> PKCS12:
    keys = [bag for bag in reader.bags if bag.kind == "key"]
    certificates = [bag for bag in reader.bags if bag.kind == "certificate"]
    if len(keys) > 1:
        warnings.warn(
            f"{reader.source}: PKCS#12 file holds {len(keys)} keys; "
            "purepki returns the first",
            PurePKIWarning,
            stacklevel=3,
        )
    key_bag = keys[0] if keys else None
    leaf = _matching_certificate(key_bag, certificates)
    others = tuple(bag.value for bag in certificates if bag is not leaf)
    name = None
    key_id = None
    for bag in (key_bag, leaf):
        if bag is not None:
            name = name or bag.friendly_name
            key_id = key_id or bag.local_key_id
    return PKCS12(
        key=key_bag.value if key_bag else None,
        certificate=leaf.value if leaf else None,
        additional_certificates=others,
        friendly_name=name,
        local_key_id=key_id,
        mac=mac,
        schemes=tuple(reader.schemes),
    )


def _matching_certificate(
    key_bag: Optional[_Bag], certificates: list[_Bag]
) -> Optional[_Bag]:
    """Return the certificate bag of the key: same public key, and the
    same localKeyId first when several have the key."""
    if key_bag is None:
        return None
    public = key_bag.value.public_key()
    matches = []
    for bag in certificates:
        try:
            if bag.value.public_key == public:
                matches.append(bag)
        except (DecodeError, UnsupportedAlgorithm):
            continue
    for bag in matches:
        if key_bag.local_key_id and bag.local_key_id == key_bag.local_key_id:
            return bag
    return matches[0] if matches else None


# --- Describing without a password -------------------------------------------


def describe_pkcs12(
    data: bytes, *, source: str = "PKCS#12 file"
) -> tuple[str, ...]:
    """Describe the MAC and the encryption of a PKCS#12 file without its
    password, for ``inspect`` and ``list``.

    Returns:
        Lines such as ``MAC: HMAC-SHA256 ...``, ``certificates: PBES2
        (...)`` and ``key: pbeWithSHAAnd3-KeyTripleDES-CBC (...)``.

    Raises:
        DecodeError: The file is not valid DER PKCS#12.
        WrongObjectType: The file is PEM.
        UnsupportedScheme: The file is in a public-key mode.
    """
    auth_safe, mac_data = _read_pfx(data, source)
    lines = [f"MAC: {_describe_mac(mac_data)}"]
    infos = _decode(auth_safe, rfc7292.AuthenticatedSafe(), source, "")
    for index, info in enumerate(infos):
        path = f"authSafe[{index}]"
        content_type = str(info["contentType"])
        if content_type == ENCRYPTED_DATA:
            value = _decode(
                bytes(info["content"]), rfc5652.EncryptedData(), source, path
            )
            algorithm = value["encryptedContentInfo"][
                "contentEncryptionAlgorithm"
            ]
            scheme = pbe.describe_algorithm(der.encode(algorithm))
            lines.append(f"encrypted safe contents: {scheme}")
            continue
        contents = _data_content(info, source, path)
        bags = _decode(contents, rfc7292.SafeContents(), source, path)
        lines.extend(_describe_bags(bags))
    return tuple(lines)


def _describe_mac(mac_data: Optional[Any]) -> str:
    if mac_data is None:
        return "none (integrity not checked)"
    oid = str(mac_data["mac"]["digestAlgorithm"]["algorithm"])
    if oid == pbe.PBMAC1:
        return "PBMAC1"
    hash = _MAC_HASHES.get(oid)
    name = f"HMAC-{hash.name}" if hash else f"unsupported {display_name(oid)}"
    return f"{name}, {int(mac_data['iterations'])} iterations"


def _describe_bags(bags: Any) -> list[str]:
    lines = []
    for bag in bags:
        bag_id = str(bag["bagId"])
        if bag_id == SHROUDED_KEY_BAG:
            value = der.decode(
                bytes(bag["bagValue"]), rfc7292.EncryptedPrivateKeyInfo()
            )
            scheme = pbe.describe_algorithm(
                der.encode(value["encryptionAlgorithm"])
            )
            lines.append(f"key: {scheme}")
        elif bag_id == KEY_BAG:
            lines.append("key: not encrypted")
        elif bag_id == CERT_BAG:
            lines.append("certificate: not encrypted")
    return lines


# --- Writing -----------------------------------------------------------------


def dump_pkcs12(
    key: PrivateKey,
    certificate: Certificate,
    chain: Sequence[Certificate] = (),
    *,
    password: Password,
    legacy: bool = False,
    friendly_name: Optional[str] = None,
    iterations: Optional[int] = None,
    mac_iterations: int = DEFAULT_MAC_ITERATIONS,
    backend: BackendLike = None,
) -> bytes:
    """Write a key, its certificate and a chain as a PKCS#12 file.

    Args:
        key: The private key.
        certificate: The certificate of ``key``.
        chain: Further certificates (intermediates, root), in order.
        password: The password, as text or UTF-8 bytes; may be empty.
        legacy: Use pbeWithSHAAnd3-KeyTripleDES-CBC for the key,
            pbeWithSHAAnd40BitRC2-CBC for the certificates and a SHA-1
            MAC, as ``openssl pkcs12 -export -legacy`` does, for readers
            such as Windows before Server 2019 and old Java.
        friendly_name: The friendlyName of the key and certificate.
        iterations: Key derivation iterations; defaults to
            :data:`purepki.pbe.DEFAULT_ITERATIONS` (PBES2) or
            :data:`purepki.pbe.DEFAULT_PKCS12_ITERATIONS` (legacy).
        mac_iterations: Iterations of the MAC key derivation.
        backend: See :func:`purepki.backend.get_backend`.

    Raises:
        ValueError: ``certificate`` does not hold the public key of
            ``key``.
    """
    if certificate.public_key != key.public_key():
        raise ValueError(
            "the certificate does not match the key (different public "
            "keys); give the certificate issued for this key"
        )
    if legacy:
        count = iterations or pbe.DEFAULT_PKCS12_ITERATIONS
        key_scheme = pbe.pkcs12_pbe(ciphers.DES_EDE3_CBC, iterations=count)
        cert_scheme = pbe.pkcs12_pbe(ciphers.RC2_40_CBC, iterations=count)
        mac_hash = HashAlgorithm.SHA1
    else:
        count = iterations or pbe.DEFAULT_ITERATIONS
        key_scheme = pbe.pbes2(iterations=count)
        cert_scheme = pbe.pbes2(iterations=count)
        mac_hash = HashAlgorithm.SHA256
    attributes = _encode_attributes(
        friendly_name, hashlib.sha1(certificate.to_der()).digest()
    )
    cert_bags = [_cert_bag(certificate, attributes)]
    cert_bags.extend(_cert_bag(extra, b"") for extra in chain)
    cert_contents = der.encode_sequence(*cert_bags)
    encrypted_certs = pbe.encrypt(
        cert_scheme, password, cert_contents, backend=backend
    )
    key_info = pbe.encrypt_pkcs8(
        key.to_der(PrivateFormat.PKCS8), password, key_scheme, backend=backend
    )
    key_contents = der.encode_sequence(
        _safe_bag(SHROUDED_KEY_BAG, key_info, attributes)
    )
    auth_safe = der.encode_sequence(
        _encrypted_content_info(cert_scheme, encrypted_certs),
        _data_content_info(key_contents),
    )
    mac_data = _encode_mac(auth_safe, password, mac_hash, mac_iterations)
    return der.encode_sequence(
        der.encode_integer(3), _data_content_info(auth_safe), mac_data
    )


def _oid(dotted: str) -> bytes:
    return der.encode(univ.ObjectIdentifier(dotted))


def _octets(data: bytes) -> bytes:
    return der.encode_tlv(0x04, data)


def _explicit(data: bytes) -> bytes:
    return der.encode_tlv(0xA0, data)


def _encode_attributes(name: Optional[str], key_id: bytes) -> bytes:
    """Encode bagAttributes: a SET OF Attribute, sorted as DER requires
    (X.690 section 11.6)."""
    encoded = [
        der.encode_sequence(
            _oid(LOCAL_KEY_ID), der.encode_tlv(0x31, _octets(key_id))
        )
    ]
    if name is not None:
        bmp = der.encode_tlv(0x1E, name.encode("utf-16-be"))
        encoded.append(
            der.encode_sequence(_oid(FRIENDLY_NAME), der.encode_tlv(0x31, bmp))
        )
    return der.encode_tlv(0x31, b"".join(sorted(encoded)))


def _safe_bag(bag_id: str, value: bytes, attributes: bytes) -> bytes:
    return der.encode_sequence(_oid(bag_id), _explicit(value), attributes)


def _cert_bag(certificate: Certificate, attributes: bytes) -> bytes:
    value = der.encode_sequence(
        _oid(X509_CERTIFICATE), _explicit(_octets(certificate.to_der()))
    )
    return _safe_bag(CERT_BAG, value, attributes)


def _data_content_info(content: bytes) -> bytes:
    return der.encode_sequence(_oid(DATA), _explicit(_octets(content)))


def _encrypted_content_info(
    scheme: PasswordEncryption, encrypted: bytes
) -> bytes:
    # EncryptedData (RFC 5652 section 8) with version 0 and the content
    # as [0] IMPLICIT OCTET STRING.
    content_info = der.encode_sequence(
        _oid(DATA), scheme.to_der(), der.encode_tlv(0x80, encrypted)
    )
    encrypted_data = der.encode_sequence(der.encode_integer(0), content_info)
    return der.encode_sequence(_oid(ENCRYPTED_DATA), _explicit(encrypted_data))


def _encode_mac(
    auth_safe: bytes, password: Password, hash: HashAlgorithm, iterations: int
) -> bytes:
    salt = os.urandom(8)
    key = pbe.pkcs12_kdf(
        hash,
        pbe.bmp_password(password),
        salt,
        pbe.PKCS12_MAC,
        iterations,
        hash.digest_size,
    )
    mac = hmac.new(key, auth_safe, hash.hashlib_name).digest()
    algorithm = der.encode_sequence(_oid(hash.oid.dotted), b"\x05\x00")
    digest_info = der.encode_sequence(algorithm, _octets(mac))
    return der.encode_sequence(
        digest_info, _octets(salt), der.encode_integer(iterations)
    )


__all__ = [
    "DEFAULT_MAC_ITERATIONS",
    "PKCS12",
    "PKCS12FormatError",
    "describe_pkcs12",
    "dump_pkcs12",
    "load_pkcs12",
]
