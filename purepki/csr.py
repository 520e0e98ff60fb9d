"""PKCS#10 certificate signing requests (RFC 2986): parser and builder.

Requested extensions travel in the PKCS#9 extensionRequest attribute
(1.2.840.113549.1.9.14, RFC 2985 section 5.4.2), which ``openssl req
-text`` shows under "Requested Extensions". The parser keeps every other
attribute: challengePassword is decoded, unknown ones are kept as raw
bytes so that they can be shown.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any, Optional, Union

from purepki import pem, sigalg
from purepki._encoding import encode_extension, encode_oid
from purepki._record import dataclass, replace
from purepki._signed import SignedStructure
from purepki.algorithms import SignatureAlgorithm
from purepki.asn1 import der
from purepki.asn1.oids import AttributeOID, display_name
from purepki.backend import BackendLike
from purepki.certificate import BuilderError
from purepki.errors import DecodeError, PEMError, WrongObjectType
from purepki.extensions import (
    Extension,
    Extensions,
    ExtensionValue,
    SubjectAlternativeName,
)
from purepki.general_names import DNSName, GeneralName, IPAddress
from purepki.keys import PrivateKey, PublicKey, public_key_from_spki
from purepki.name import Name

# Universal tag numbers of the string types an attribute value may use.
_STRING_TAGS = frozenset({12, 18, 19, 20, 22, 26, 28, 30})
_STRING_CODECS = {20: "latin-1", 28: "utf-32-be", 30: "utf-16-be"}


_EXTENSION_REQUEST_OIDS = (
    AttributeOID.EXTENSION_REQUEST,
    AttributeOID.MS_EXTENSION_REQUEST,
)

#: The DER of the empty Name (an empty RDNSequence).
_EMPTY_NAME_DER = b"\x30\x00"


class InvalidRequest(BuilderError):
    """A CSR builder argument that breaks a rule, such as a
    subjectAltName item that is neither a DNS name nor an IP address."""


@dataclass(frozen=True)
class Attribute:
    """One CSR attribute.

    Attributes:
        oid: The attribute type.
        values: The DER of each value, as received.
        text: The values decoded as strings where they are strings.
    """

    oid: str
    values: tuple[bytes, ...]
    text: tuple[str, ...]

    @property
    def name(self) -> str:
        """Display name of the attribute type."""
        return display_name(self.oid)


def _string_value(encoded: bytes) -> Optional[str]:
    """Decode a DER string value, or return None when it is not one."""
    try:
        node = der.scan(encoded)
    except DecodeError:
        return None
    if node.tag_class != der.CLASS_UNIVERSAL or node.number not in (
        _STRING_TAGS
    ):
        return None
    codec = _STRING_CODECS.get(node.number, "utf-8")
    return node.content(encoded).decode(codec, errors="replace")


class CertificateSigningRequest(SignedStructure):
    """A parsed PKCS#10 request; compares and hashes by its DER."""

    def __init__(
        self, data: bytes, value: Any, tree: der.Node, source: str
    ) -> None:
        super().__init__(data, value, tree, source)
        info = value["certificationRequestInfo"]
        if int(info["version"]) != 0:
            raise DecodeError(
                f"CSR version {int(info['version'])}, expected 0 (RFC 2986 "
                "section 4.1)",
                source=source,
                path="certificationRequestInfo.version",
            )
        if len(value["signature"]) % 8:
            raise DecodeError(
                "signature is not a whole number of octets",
                source=source,
                path="signature",
            )
        # Read the subject and the requested extensions now, so that a
        # malformed value or a repeated extension is reported on load.
        self.subject  # noqa: B018
        self.extensions  # noqa: B018

    @classmethod
    def from_der(
        cls, data: bytes, *, source: str = "certificate request"
    ) -> CertificateSigningRequest:
        """Parse a DER request.

        Raises:
            DecodeError: The bytes are not a valid request.
        """
        # Imported here so that commands that read no request, such as
        # verify, skip the import.
        from pyasn1_modules import rfc2986

        data = bytes(data)
        value, tree = der.decode_with_tree(
            data, rfc2986.CertificationRequest(), source=source
        )
        return cls(data, value, tree, source)

    @classmethod
    def from_pem(
        cls, text: Union[bytes, str], *, source: str = "certificate request"
    ) -> CertificateSigningRequest:
        """Parse the first ``CERTIFICATE REQUEST`` or ``NEW CERTIFICATE
        REQUEST`` block.

        Raises:
            WrongObjectType: The text contains no request block.
        """
        return load_csr(
            text.encode() if isinstance(text, str) else text, source=source
        )

    def to_pem(self) -> str:
        """Return the request as a canonical PEM block."""
        return pem.encode("CERTIFICATE REQUEST", self._der)

    @property
    def source(self) -> str:
        """File name or description the request was read from."""
        return self._source

    @functools.cached_property
    def info_der(self) -> bytes:
        """The certificationRequestInfo bytes, which the signature covers:
        :attr:`tbs_der` under the name RFC 2986 gives it."""
        return self.tbs_der

    @functools.cached_property
    def subject(self) -> Name:
        """The subject name as received; may be empty (RFC 2986 allows it
        when the subjectAltName carries the identity)."""
        node = self._tree.children[0].children[1]
        raw = self._der[node.offset : node.end]
        info = self._value["certificationRequestInfo"]
        return Name.from_pyasn1(
            info["subject"],
            raw,
            source=self._source,
            path="certificationRequestInfo.subject",
            offset=node.offset,
        )

    @functools.cached_property
    def spki_der(self) -> bytes:
        """The SubjectPublicKeyInfo bytes as received."""
        node = self._tree.children[0].children[2]
        return self._der[node.offset : node.end]

    @functools.cached_property
    def public_key(self) -> PublicKey:
        """The requested public key."""
        info = self._value["certificationRequestInfo"]
        return public_key_from_spki(info["subjectPKInfo"], self._source)

    @functools.cached_property
    def attributes(self) -> tuple[Attribute, ...]:
        """Every attribute, extensionRequest included, in order."""
        info = self._value["certificationRequestInfo"]
        found = []
        for attribute in info["attributes"]:
            values = tuple(bytes(value) for value in attribute["values"])
            text = tuple(
                decoded
                for decoded in (_string_value(value) for value in values)
                if decoded is not None
            )
            found.append(Attribute(str(attribute["type"]), values, text))
        return tuple(found)

    @property
    def challenge_password(self) -> Optional[str]:
        """The challengePassword attribute (RFC 2985 section 5.4.1)."""
        for attribute in self.attributes:
            if attribute.oid == AttributeOID.CHALLENGE_PASSWORD:
                return attribute.text[0] if attribute.text else ""
        return None

    @functools.cached_property
    def extensions(self) -> Extensions:
        """The requested extensions (empty when there is no
        extensionRequest attribute).

        Raises:
            DecodeError: The attribute appears twice, has more than one
                value, or repeats an extension.
        """
        requests = [
            attribute
            for attribute in self.attributes
            if attribute.oid in _EXTENSION_REQUEST_OIDS
        ]
        if not requests:
            return Extensions(())
        path = "certificationRequestInfo.attributes.extensionRequest"
        if len(requests) > 1 or len(requests[0].values) != 1:
            raise DecodeError(
                "extensionRequest must appear once with one value (RFC 2985 "
                "section 5.4.2); the request has "
                f"{len(requests)} attribute(s) with "
                f"{sum(len(r.values) for r in requests)} value(s)",
                source=self._source,
                path=path,
            )
        try:
            return Extensions.from_der(
                requests[0].values[0], source=self._source
            )
        except DecodeError as error:
            raise error.relocate(path_prefix=path) from None

    @property
    def subject_alternative_name(self) -> Optional[SubjectAlternativeName]:
        """The requested subjectAltName, if any."""
        extension = self.extensions.get(SubjectAlternativeName)
        if extension is None or not isinstance(
            extension.value, SubjectAlternativeName
        ):
            return None
        return extension.value

    def verify_signature(self, *, backend: BackendLike = None) -> None:
        """Check the request's self-signature over the received
        certificationRequestInfo bytes.

        Raises:
            InvalidSignature: The signature does not verify.
        """
        self._verify_with(self.public_key, backend)

    def __repr__(self) -> str:
        return f"CertificateSigningRequest(subject={self.subject.rfc4514()!r})"


def load_csr(
    data: bytes, *, source: str = "certificate request"
) -> CertificateSigningRequest:
    """Read a request from PEM (either label) or DER, detected by content.

    Raises:
        WrongObjectType: A PEM file without a request block.
        DecodeError: The request is malformed.
    """
    data = pem.as_bytes(data, source)
    if pem.looks_like_pem(data):
        blocks = pem.read_blocks(data, source)
        for block in blocks:
            if block.label in pem.CSR_LABELS:
                return CertificateSigningRequest.from_der(
                    block.der, source=source
                )
        labels = sorted({block.label for block in blocks})
        found_labels = ", ".join(f"'{label}'" for label in labels)
        raise WrongObjectType(
            "no CERTIFICATE REQUEST block found (the file contains "
            f"{found_labels or 'no block'})",
            source=source,
        )
    if not pem.looks_like_der(data):
        first = f"{data[0]:#04x}" if data else "nothing"
        raise PEMError(
            "not PEM (no '-----BEGIN' line) and not DER (starts with "
            f"{first}; a DER request starts with 0x30)",
            source=source,
        )
    return CertificateSigningRequest.from_der(data, source=source)


# --- Building ----------------------------------------------------------------


def _split_items(items: Union[str, Iterable[str]]) -> list[str]:
    if isinstance(items, str):
        items = [items]
    return [part for item in items for part in item.split(",")]


def parse_san_items(
    items: Union[str, Iterable[str]],
) -> tuple[GeneralName, ...]:
    """Turn appliance-style subjectAltName items into general names.

    Each item is a DNS name or an IPv4 or IPv6 address; IP addresses
    become iPAddress entries and everything else a dNSName. ``items`` may
    be one comma-separated string or a sequence of items, and an item may
    itself hold commas. Spaces around an item are removed, so
    ``"a.example.com, b.example.com"`` gives two clean names. Empty items
    and repeated items are dropped, keeping the first occurrence. DNS
    names are lowercased, and a trailing dot is removed.

    Args:
        items: The items, such as ``"a.example.com,192.0.2.25"``.

    Returns:
        The names in the order given; empty for an empty list.

    Raises:
        InvalidRequest: An item contains inner whitespace, is not ASCII,
            or is neither a valid DNS name nor an IP address.
    """
    names: list[GeneralName] = []
    for raw in _split_items(items):
        item = raw.strip()
        if not item:
            continue
        if any(character.isspace() for character in item):
            raise InvalidRequest(
                f"subjectAltName item {raw!r} contains a space; separate "
                "items with commas only"
            )
        name = _general_name(item)
        if name not in names:
            names.append(name)
    return tuple(names)


def _general_name(item: str) -> GeneralName:
    try:
        return IPAddress(ipaddress.ip_address(item))
    except ValueError:
        return DNSName(_check_dns_name(item))


def _check_dns_name(item: str) -> str:
    name = item.rstrip(".").lower()
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        raise InvalidRequest(
            f"subjectAltName item {item!r} is not ASCII; give the "
            "internationalised name in its xn-- (A-label) form"
        ) from None
    labels = name.split(".")
    valid = all(
        0 < len(label) <= 63
        and ((label == "*" and index == 0) or _is_ldh(label))
        for index, label in enumerate(labels)
    )
    if not valid or len(name) > 253:
        raise InvalidRequest(
            f"subjectAltName item {item!r} is neither a valid DNS name "
            "(letters, digits and hyphens, a '*' only as the whole first "
            "label) nor an IP address"
        )
    return name


_LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _is_ldh(label: str) -> bool:
    return set(label) <= _LDH and not (
        label.startswith("-") or label.endswith("-")
    )


def _same_name(name: GeneralName, common_name: str) -> bool:
    if isinstance(name, DNSName):
        return name.value.lower() == common_name.lower().rstrip(".")
    if isinstance(name, IPAddress):
        try:
            return name.value == ipaddress.ip_address(common_name)
        except ValueError:
            return False
    return False


def with_common_name(
    names: Sequence[GeneralName], common_name: Optional[str]
) -> tuple[GeneralName, ...]:
    """Append the commonName to a subjectAltName list unless it is there.

    This is the appliance rule: when a SAN list is given, the CN joins it,
    so users do not list it twice. Without a SAN list (``names`` empty)
    nothing is added. A DNS name matches without regard to case or a
    trailing dot, and an address matches in any notation.

    Args:
        names: The SAN entries, as :func:`parse_san_items` returns them.
        common_name: The subject's CN, or ``None``.

    Returns:
        The entries, with the CN last when it was not among them.

    Raises:
        InvalidRequest: The CN must be appended but is neither a DNS name
            nor an IP address.
    """
    if not names or not common_name:
        return tuple(names)
    if any(_same_name(name, common_name.strip()) for name in names):
        return tuple(names)
    try:
        added = parse_san_items([common_name])
    except InvalidRequest:
        raise InvalidRequest(
            f"commonName {common_name!r} is neither a DNS name nor an IP "
            "address, so it cannot be appended to the subjectAltName list; "
            "give the service's host name as CN"
        ) from None
    return (*names, *added)


@dataclass(frozen=True)
class CSRBuilder:
    """An immutable PKCS#10 request builder.

    Setters check their value at once and return a new builder; setting a
    field twice or requesting an extension twice raises
    :class:`InvalidRequest`. The subjectAltName is set with
    :meth:`subject_alternative_names`, which decides its critical flag
    when the request is encoded: critical exactly when the subject is
    empty (RFC 5280 section 4.2.1.6).
    """

    _subject: Optional[Name] = None
    _alternative_names: tuple[GeneralName, ...] = ()
    _extensions: tuple[Extension, ...] = ()

    def subject_name(self, name: Name) -> CSRBuilder:
        """Set the subject; an empty name is allowed when a
        subjectAltName carries the identity.

        Raises:
            InvalidRequest: The subject is already set, or ``name`` is not
                a :class:`~purepki.name.Name`.
        """
        if self._subject is not None:
            raise InvalidRequest(
                "subject is already set; start from a new CSRBuilder to "
                "change it"
            )
        if not isinstance(name, Name):
            raise InvalidRequest(
                f"subject must be a purepki.name.Name, found "
                f"{type(name).__name__}"
            )
        return replace(self, _subject=name)

    def subject_alternative_names(
        self, names: Sequence[GeneralName]
    ) -> CSRBuilder:
        """Request a subjectAltName with ``names``.

        An empty ``names`` requests no extension, since RFC 5280 section
        4.2.1.6 forbids an empty one.

        Raises:
            InvalidRequest: A subjectAltName is already requested.
            ExtensionValueError: A name is not valid in a subjectAltName.
        """
        if self._alternative_names:
            raise InvalidRequest(
                "duplicate extension 2.5.29.17 (subjectAltName): it is "
                "already requested; give every name in one call"
            )
        if not names:
            return self
        value = SubjectAlternativeName(tuple(names))
        Extension.build(value, critical=False)
        return replace(self, _alternative_names=value.names)

    def add_extension(
        self, value: ExtensionValue, critical: bool
    ) -> CSRBuilder:
        """Request an extension other than subjectAltName.

        Raises:
            InvalidRequest: The extension is already requested, or it is a
                subjectAltName (use :meth:`subject_alternative_names`).
            ExtensionValueError: The value or flag breaks a builder rule.
        """
        if isinstance(value, SubjectAlternativeName):
            raise InvalidRequest(
                "request the subjectAltName with "
                "subject_alternative_names(), which sets its critical flag "
                "from the subject"
            )
        extension = Extension.build(value, critical)
        if any(other.oid == extension.oid for other in self._extensions):
            raise InvalidRequest(
                f"duplicate extension {extension.oid} ({extension.name}); "
                "RFC 5280 section 4.2 allows each extension once"
            )
        return replace(self, _extensions=(*self._extensions, extension))

    @property
    def subject(self) -> Name:
        """The subject, the empty name when none is set."""
        if self._subject is None:
            return Name.from_der(_EMPTY_NAME_DER)
        return self._subject

    @property
    def extensions(self) -> Extensions:
        """The extensions the request will carry, subjectAltName first."""
        found = list(self._extensions)
        if self._alternative_names:
            value = SubjectAlternativeName(self._alternative_names)
            critical = self.subject.is_empty
            found.insert(0, Extension.build(value, critical))
        return Extensions(tuple(found))

    def info_der(self, key: PublicKey) -> bytes:
        """Encode the certificationRequestInfo for ``key``.

        The extensions go in one PKCS#9 extensionRequest attribute (RFC
        2985 section 5.4.2); without extensions the attributes are empty.
        """
        extensions = self.extensions
        attributes = b""
        if len(extensions):
            encoded = der.encode_sequence(
                *(encode_extension(ext) for ext in extensions)
            )
            attributes = der.encode_sequence(
                encode_oid(AttributeOID.EXTENSION_REQUEST),
                der.encode_tlv(0x31, encoded),
            )
        return der.encode_sequence(
            der.encode_integer(0),
            self.subject.to_der(),
            key.to_der(),
            der.encode_tlv(0xA0, attributes),
        )

    def sign(
        self,
        private_key: PrivateKey,
        algorithm: Optional[SignatureAlgorithm] = None,
        *,
        backend: BackendLike = None,
        source: str = "new certificate request",
    ) -> CertificateSigningRequest:
        """Sign the request with the subject's key.

        Args:
            private_key: The key whose public half the request carries.
            algorithm: By default SHA-256 with PKCS#1 v1.5 for RSA, and
                ECDSA with the curve's hash.
            backend: See :func:`purepki.backend.get_backend`.
            source: Description used in errors and in the result.

        Raises:
            InvalidRequest: Neither a subject nor a subjectAltName is set.
            UnsupportedAlgorithm: The key cannot sign with the algorithm.
        """
        from purepki import signatures

        if self.subject.is_empty and not self._alternative_names:
            raise InvalidRequest(
                "a CSR needs a subject or a subjectAltName; set a non-empty "
                "Name with subject_name(), for example Name.build([('CN', "
                "'www.example.com')]), or names with "
                "subject_alternative_names()"
            )
        algorithm = algorithm or signatures.default_algorithm(private_key)
        info = self.info_der(private_key.public_key())
        signature = private_key.sign(info, algorithm, backend=backend)
        encoded = der.encode_sequence(
            info,
            sigalg.to_der(algorithm),
            der.encode_tlv(0x03, b"\x00" + signature),
        )
        return CertificateSigningRequest.from_der(encoded, source=source)
