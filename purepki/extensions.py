"""Typed X.509 v3 extensions (RFC 5280 section 4.2).

An :class:`Extension` contains the OID, the critical flag, the extnValue
octets as received and a typed value parsed from them. Each value class
parses strict DER with the pyasn1-modules ``rfc5280`` schema
(``from_der``), encodes DER (``to_der``), renders the lines that ``openssl
x509 -text`` prints for it (``text_lines``, checked against OpenSSL 3.0)
and gives plain JSON data (``to_json``). An OID without a parser here
gives an :class:`UnrecognizedExtension` that keeps the raw bytes.

Reading is tolerant where real certificates break a rule that mainstream
verifiers accept: the value is parsed and a
:class:`~purepki.errors.PurePKIWarning` names the rule.
:meth:`Extension.build` is strict and rejects those values.

Error offsets count from the start of the extnValue contents; paths start
with ``extensions[<name>]``.
"""

from __future__ import annotations

import abc
import hashlib
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Optional,
    Protocol,
    TypeVar,
    Union,
    overload,
)

from pyasn1.type import char, namedtype, namedval, univ
from pyasn1_modules import rfc5280

from purepki._record import dataclass, field
from purepki.asn1 import der
from purepki.asn1.oids import (
    AccessMethodOID,
    ExtendedKeyUsageOID,
    ExtensionOID,
    PolicyOID,
    display_name,
)
from purepki.errors import DecodeError, PurePKIWarning
from purepki.general_names import (
    DirectoryName,
    DNSName,
    ExtensionValueError,
    GeneralName,
    IPAddress,
    IPNetwork,
    RFC822Name,
    UniformResourceIdentifier,
    check_general_names,
    decode_with_tree,
    encode_oid,
    general_name_from_tree,
    general_names_from_tree,
    is_valid_dns_name,
    join_path,
    openssl_long_name,
    prefix_error,
)

if TYPE_CHECKING:
    import ipaddress

    from purepki.name import Name

__all__ = [
    "AccessDescription",
    "AuthorityInformationAccess",
    "AuthorityKeyIdentifier",
    "BasicConstraints",
    "CPSUri",
    "CRLDistributionPoints",
    "CertificatePolicies",
    "DistributionPoint",
    "ExtendedKeyUsage",
    "Extension",
    "ExtensionValue",
    "ExtensionValueError",
    "Extensions",
    "FreshestCRL",
    "IssuerAlternativeName",
    "KeyUsage",
    "NameConstraints",
    "NetscapeCertType",
    "PolicyInformation",
    "SubjectAlternativeName",
    "SubjectInformationAccess",
    "SubjectKeyIdentifier",
    "UnknownPolicyQualifier",
    "UnrecognizedExtension",
    "UserNotice",
    "parse_extension",
]

_ValueT = TypeVar("_ValueT", bound="ExtensionValue")

_SEQUENCE = 0x30
_BOOLEAN_TRUE = b"\x01\x01\xff"

#: Extension titles as OpenSSL 3.0 prints them in ``x509 -text``.
OPENSSL_TITLES: dict[str, str] = {
    ExtensionOID.SUBJECT_KEY_IDENTIFIER: "X509v3 Subject Key Identifier",
    ExtensionOID.KEY_USAGE: "X509v3 Key Usage",
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME: "X509v3 Subject Alternative Name",
    ExtensionOID.ISSUER_ALTERNATIVE_NAME: "X509v3 Issuer Alternative Name",
    ExtensionOID.BASIC_CONSTRAINTS: "X509v3 Basic Constraints",
    ExtensionOID.NAME_CONSTRAINTS: "X509v3 Name Constraints",
    ExtensionOID.CRL_DISTRIBUTION_POINTS: "X509v3 CRL Distribution Points",
    ExtensionOID.CERTIFICATE_POLICIES: "X509v3 Certificate Policies",
    ExtensionOID.POLICY_MAPPINGS: "X509v3 Policy Mappings",
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER: "X509v3 Authority Key Identifier",
    ExtensionOID.POLICY_CONSTRAINTS: "X509v3 Policy Constraints",
    ExtensionOID.EXTENDED_KEY_USAGE: "X509v3 Extended Key Usage",
    ExtensionOID.FRESHEST_CRL: "X509v3 Freshest CRL",
    ExtensionOID.INHIBIT_ANY_POLICY: "X509v3 Inhibit Any Policy",
    ExtensionOID.AUTHORITY_INFORMATION_ACCESS: "Authority Information Access",
    ExtensionOID.SUBJECT_INFORMATION_ACCESS: "Subject Information Access",
    ExtensionOID.TLS_FEATURE: "TLS Feature",
    ExtensionOID.PRECERT_SCTS: "CT Precertificate SCTs",
    ExtensionOID.PRECERT_POISON: "CT Precertificate Poison",
    ExtensionOID.NETSCAPE_CERT_TYPE: "Netscape Cert Type",
    ExtensionOID.NETSCAPE_COMMENT: "Netscape Comment",
}


# --- Shared helpers ---------------------------------------------------------


def _hex_colons(data: bytes) -> str:
    return ":".join(f"{octet:02X}" for octet in data)


def _integer_content(value: int) -> bytes:
    """Return the content octets of the DER INTEGER ``value``."""
    size = (value + (value < 0)).bit_length() // 8 + 1
    return value.to_bytes(size, "big", signed=True)


def _bits_of(content: bytes) -> list[int]:
    """Return the bits of a BIT STRING's content octets, first bit first."""
    unused = content[0]
    octets = content[1:]
    total = len(octets) * 8 - unused
    return [(octets[i // 8] >> (7 - i % 8)) & 1 for i in range(total)]


def _bit_string_content(positions: Iterable[int]) -> bytes:
    """Return BIT STRING content octets with the given bits set and the
    trailing zero bits removed (X.690 section 11.2.2)."""
    ordered = sorted(set(positions))
    if not ordered:
        return b"\x00"
    size = ordered[-1] + 1
    octets = bytearray((size + 7) // 8)
    for position in ordered:
        octets[position // 8] |= 0x80 >> (position % 8)
    return bytes([len(octets) * 8 - size]) + bytes(octets)


def _as_tuple(
    items: Any, kind: Union[type, tuple[type, ...]], field_name: str
) -> tuple[Any, ...]:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    expected = " or ".join(k.__name__ for k in kinds)
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        message = (
            f"{field_name} must be a sequence of {expected}, found {items!r}"
        )
        raise ExtensionValueError(message)
    result = tuple(items)
    for item in result:
        if not isinstance(item, kinds):
            message = (
                f"{field_name} contains {item!r}, which is not a {expected}"
            )
            raise ExtensionValueError(message)
    return result


def _check_oid_text(oid: Any, field_name: str) -> str:
    encode_oid(str(oid))
    return str(oid)


@dataclass(frozen=True)
class _Input:
    """The encoded value being parsed, with where it sits for errors.

    Attributes:
        data: The encoded value.
        path: Field path of ``data``, such as ``extensions[keyUsage]``.
        source: File name or description of the whole input.
        base: Offset of ``data`` within the extnValue contents.
    """

    data: bytes
    path: str = ""
    source: str = ""
    base: int = 0

    def decode(self, schema: Any) -> tuple[Any, der.Node]:
        try:
            return decode_with_tree(
                self.data, schema, source=self.source, path=self.path
            )
        except DecodeError as error:
            raise error.relocate(base_offset=self.base) from None

    def tree(self, schema: Any) -> der.Node:
        """Check the DER against ``schema`` and return the element tree,
        for values read from the tree alone."""
        try:
            tree = der.decode_tree(self.data, schema, source=self.source)
        except DecodeError as error:
            located = prefix_error(error, self.path)
            raise located.relocate(base_offset=self.base) from None
        return tree

    def fail(
        self, reason: str, node: Optional[der.Node], name: str = ""
    ) -> DecodeError:
        offset = None if node is None else self.base + node.offset
        path = join_path(self.path, name) if name else self.path
        return DecodeError(
            reason, offset=offset, path=path, source=self.source
        )

    def warn(self, message: str, name: str = "") -> None:
        path = join_path(self.path, name) if name else self.path
        where = ", ".join(part for part in (self.source, path) if part)
        text = f"{where}: {message}" if where else message
        warnings.warn(text, PurePKIWarning, stacklevel=5)

    def inner(self, node: der.Node, name: str) -> _Input:
        """Return the input for the element ``node`` of this one."""
        return _Input(
            self.data[node.offset : node.end],
            join_path(self.path, name),
            self.source,
            self.base + node.offset,
        )

    def names(
        self,
        value: Any,
        node: der.Node,
        name: str,
        in_name_constraints: bool = False,
    ) -> tuple[GeneralName, ...]:
        try:
            return general_names_from_tree(
                value,
                node,
                self.data,
                path=join_path(self.path, name),
                in_name_constraints=in_name_constraints,
            )
        except DecodeError as error:
            raise self._located(error) from None

    def name(
        self,
        value: Any,
        node: der.Node,
        name: str,
        in_name_constraints: bool = False,
    ) -> GeneralName:
        try:
            return general_name_from_tree(
                value,
                node,
                self.data,
                path=join_path(self.path, name),
                in_name_constraints=in_name_constraints,
            )
        except DecodeError as error:
            raise self._located(error) from None

    def _located(self, error: DecodeError) -> DecodeError:
        relocated = error.relocate(base_offset=self.base)
        return relocated.relocate(source=self.source)


def _names_content(names: tuple[GeneralName, ...]) -> bytes:
    return b"".join(name.to_der() for name in names)


# --- The value base class ---------------------------------------------------


class ExtensionValue(abc.ABC):
    """The parsed value of one extension.

    Attributes:
        OID: The extension's OID in dotted form.
    """

    OID: ClassVar[str] = ""

    @classmethod
    def from_der(
        cls: type[_ValueT], data: bytes, *, source: str = "", path: str = ""
    ) -> _ValueT:
        """Parse the extnValue contents strictly.

        Args:
            data: The DER inside the extnValue OCTET STRING.
            source: File name or description shown in errors.
            path: Field path put in front of error paths.

        Raises:
            DecodeError: The value is not strict DER of this extension or
                breaks a rule of RFC 5280 that the class enforces.
        """
        return cls._parse(_Input(bytes(data), path, source))

    @classmethod
    @abc.abstractmethod
    def _parse(cls: type[_ValueT], source: _Input) -> _ValueT:
        """Parse ``source``; every error already carries its path."""

    @abc.abstractmethod
    def to_der(self) -> bytes:
        """Encode the value as the DER that goes inside extnValue."""

    @abc.abstractmethod
    def text_lines(self) -> list[str]:
        """Return the lines ``openssl x509 -text`` prints for the value,
        without the indentation of the extension block."""

    @abc.abstractmethod
    def to_json(self) -> Any:
        """Return the value as data that :func:`json.dumps` accepts."""

    def check_build(self, critical: bool) -> None:
        """Check the rules a builder must follow for this value.

        Raises:
            ExtensionValueError: A rule is broken.
        """
        return None

    def __str__(self) -> str:
        return "\n".join(self.text_lines())


def _require_critical(
    value: ExtensionValue, critical: bool, rule: str
) -> None:
    if not critical:
        name = display_name(value.OID)
        message = (
            f"{name} must be marked critical ({rule}); build it with "
            "critical=True"
        )
        raise ExtensionValueError(message)


def _reject_critical(value: ExtensionValue, critical: bool, rule: str) -> None:
    if critical:
        name = display_name(value.OID)
        message = (
            f"{name} must not be marked critical ({rule}); build it with "
            "critical=False"
        )
        raise ExtensionValueError(message)


# --- basicConstraints (RFC 5280 section 4.2.1.9) ---------------------------


@dataclass(frozen=True)
class BasicConstraints(ExtensionValue):
    """Whether the subject is a CA, and how many CAs may follow it.

    Attributes:
        ca: The cA flag.
        path_length: pathLenConstraint, or ``None`` for no limit.
    """

    ca: bool = False
    path_length: Optional[int] = None
    OID: ClassVar[str] = ExtensionOID.BASIC_CONSTRAINTS

    def __post_init__(self) -> None:
        if not isinstance(self.ca, bool):
            raise ExtensionValueError(
                f"basicConstraints cA must be a bool, found {self.ca!r}"
            )
        length = self.path_length
        valid = length is None or (
            isinstance(length, int)
            and not isinstance(length, bool)
            and length >= 0
        )
        if not valid:
            message = (
                "basicConstraints pathLenConstraint must be a non-negative "
                f"int or None, found {length!r}"
            )
            raise ExtensionValueError(message)

    @classmethod
    def _parse(cls, source: _Input) -> BasicConstraints:
        tree = source.tree(rfc5280.BasicConstraints())
        ca = False
        path_length = None
        for child in tree.children:
            content = child.content(source.data)
            if child.number == 1:
                ca = content == b"\xff"
                if not ca:
                    source.warn(
                        "cA FALSE is encoded, though DER leaves out a "
                        "DEFAULT value (X.690 section 11.5)",
                        "cA",
                    )
            else:
                path_length = int.from_bytes(content, "big", signed=True)
                if path_length < 0:
                    reason = (
                        f"pathLenConstraint is {path_length}; it must be "
                        "0 or more (RFC 5280 section 4.2.1.9)"
                    )
                    raise source.fail(reason, child, "pathLenConstraint")
        if path_length is not None and not ca:
            source.warn(
                "pathLenConstraint is set but cA is FALSE; RFC 5280 section "
                "4.2.1.9 allows it in CA certificates only",
                "pathLenConstraint",
            )
        return cls(ca, path_length)

    def to_der(self) -> bytes:
        parts = []
        if self.ca:
            parts.append(_BOOLEAN_TRUE)
        if self.path_length is not None:
            parts.append(der.encode_integer(self.path_length))
        return der.encode_sequence(*parts)

    def text_lines(self) -> list[str]:
        text = "CA:TRUE" if self.ca else "CA:FALSE"
        if self.path_length is not None:
            text += f", pathlen:{self.path_length}"
        return [text]

    def to_json(self) -> Any:
        return {"ca": self.ca, "path_length": self.path_length}

    def check_build(self, critical: bool) -> None:
        if self.path_length is not None and not self.ca:
            message = (
                "basicConstraints pathLenConstraint needs cA TRUE (RFC 5280 "
                "section 4.2.1.9); drop path_length or set ca=True"
            )
            raise ExtensionValueError(message)
        if self.ca:
            _require_critical(
                self, critical, "RFC 5280 section 4.2.1.9, CA certificates"
            )


# --- Named bit lists: keyUsage and nsCertType -------------------------------


@dataclass(frozen=True)
class _NamedBits(ExtensionValue):
    """A BIT STRING of named bits, held as the set of names that are set."""

    flags: frozenset[str] = frozenset()
    BITS: ClassVar[tuple[str, ...]] = ()
    LABELS: ClassVar[tuple[str, ...]] = ()
    ALIASES: ClassVar[dict[str, str]] = {}
    RULE: ClassVar[str] = ""

    def __post_init__(self) -> None:
        flags = self.flags
        if isinstance(flags, str) or not isinstance(flags, Iterable):
            message = (
                f"{display_name(self.OID)} flags must be a set of names, "
                f"found {flags!r}"
            )
            raise ExtensionValueError(message)
        names = frozenset(self.ALIASES.get(name, name) for name in flags)
        unknown = sorted(names - set(self.BITS))
        if unknown:
            message = (
                f"unknown {display_name(self.OID)} flag {unknown[0]!r}; "
                f"use one of {', '.join(self.BITS)}"
            )
            raise ExtensionValueError(message)
        object.__setattr__(self, "flags", names)

    @classmethod
    def _schema(cls) -> Any:
        raise NotImplementedError

    @classmethod
    def _read_bits(cls, source: _Input) -> tuple[frozenset[str], der.Node]:
        tree = source.tree(cls._schema())
        bits = _bits_of(tree.content(source.data))
        positions = [index for index, bit in enumerate(bits) if bit]
        extra = [
            position for position in positions if position >= len(cls.BITS)
        ]
        if extra:
            source.warn(
                f"bit {extra[0]} is set, but {cls.RULE} names bits 0 to "
                f"{len(cls.BITS) - 1} only; ignoring it"
            )
        if any(bits) and not bits[-1]:
            source.warn(
                "BIT STRING ends in zero bits, which DER removes from a "
                "named bit list (X.690 section 11.2.2)"
            )
        names = frozenset(cls.BITS[p] for p in positions if p < len(cls.BITS))
        return names, tree

    def to_der(self) -> bytes:
        positions = [self.BITS.index(name) for name in self.flags]
        return der.encode_tlv(0x03, _bit_string_content(positions))

    def text_lines(self) -> list[str]:
        labels = [
            label
            for name, label in zip(self.BITS, self.LABELS)
            if name in self.flags
        ]
        return [", ".join(labels)]

    def to_json(self) -> Any:
        return [name for name in self.BITS if name in self.flags]


@dataclass(frozen=True)
class KeyUsage(_NamedBits):
    """The purposes of the key (RFC 5280 section 4.2.1.3).

    Attributes:
        flags: Names of the bits that are set: ``digital_signature``,
            ``content_commitment`` (nonRepudiation), ``key_encipherment``,
            ``data_encipherment``, ``key_agreement``, ``key_cert_sign``,
            ``crl_sign``, ``encipher_only``, ``decipher_only``.
    """

    OID: ClassVar[str] = ExtensionOID.KEY_USAGE
    BITS: ClassVar[tuple[str, ...]] = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    LABELS: ClassVar[tuple[str, ...]] = (
        "Digital Signature",
        "Non Repudiation",
        "Key Encipherment",
        "Data Encipherment",
        "Key Agreement",
        "Certificate Sign",
        "CRL Sign",
        "Encipher Only",
        "Decipher Only",
    )
    ALIASES: ClassVar[dict[str, str]] = {
        "non_repudiation": "content_commitment"
    }
    RULE: ClassVar[str] = "RFC 5280 section 4.2.1.3"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.flags:
            message = (
                "keyUsage needs at least one bit set (RFC 5280 section "
                "4.2.1.3); leave the extension out instead"
            )
            raise ExtensionValueError(message)

    @classmethod
    def _schema(cls) -> Any:
        return rfc5280.KeyUsage()

    @classmethod
    def _parse(cls, source: _Input) -> KeyUsage:
        names, tree = cls._read_bits(source)
        if not names:
            reason = (
                "keyUsage has no bit set; RFC 5280 section 4.2.1.3 requires "
                "at least one"
            )
            raise source.fail(reason, tree)
        value = cls(names)
        if value._only_bits_without_agreement():
            source.warn(
                "encipherOnly or decipherOnly is set without keyAgreement, "
                "which leaves its meaning undefined (RFC 5280 section "
                "4.2.1.3)"
            )
        return value

    def _only_bits_without_agreement(self) -> bool:
        only = self.encipher_only or self.decipher_only
        return only and not self.key_agreement

    def check_build(self, critical: bool) -> None:
        if self._only_bits_without_agreement():
            message = (
                "keyUsage encipher_only and decipher_only need "
                "key_agreement (RFC 5280 section 4.2.1.3); add it or drop "
                "them"
            )
            raise ExtensionValueError(message)

    @property
    def digital_signature(self) -> bool:
        """The digitalSignature bit (0)."""
        return "digital_signature" in self.flags

    @property
    def content_commitment(self) -> bool:
        """The contentCommitment bit (1), formerly nonRepudiation."""
        return "content_commitment" in self.flags

    @property
    def key_encipherment(self) -> bool:
        """The keyEncipherment bit (2)."""
        return "key_encipherment" in self.flags

    @property
    def data_encipherment(self) -> bool:
        """The dataEncipherment bit (3)."""
        return "data_encipherment" in self.flags

    @property
    def key_agreement(self) -> bool:
        """The keyAgreement bit (4)."""
        return "key_agreement" in self.flags

    @property
    def key_cert_sign(self) -> bool:
        """The keyCertSign bit (5)."""
        return "key_cert_sign" in self.flags

    @property
    def crl_sign(self) -> bool:
        """The cRLSign bit (6)."""
        return "crl_sign" in self.flags

    @property
    def encipher_only(self) -> bool:
        """The encipherOnly bit (7)."""
        return "encipher_only" in self.flags

    @property
    def decipher_only(self) -> bool:
        """The decipherOnly bit (8)."""
        return "decipher_only" in self.flags


class _NetscapeCertTypeSchema(univ.BitString):
    """NetscapeCertType ::= BIT STRING, from the Netscape certificate
    extensions specification; pyasn1-modules has no module for it."""

    namedValues = namedval.NamedValues(
        ("sslClient", 0),
        ("sslServer", 1),
        ("smime", 2),
        ("objectSigning", 3),
        ("reserved", 4),
        ("sslCA", 5),
        ("smimeCA", 6),
        ("objectSigningCA", 7),
    )


@dataclass(frozen=True)
class NetscapeCertType(_NamedBits):
    """The Netscape certificate type (OID 2.16.840.1.113730.1.1).

    Attributes:
        flags: Names of the bits that are set, in the specification's bit
            order: ``ssl_client``, ``ssl_server``, ``smime``,
            ``object_signing``, ``reserved``, ``ssl_ca``, ``smime_ca``,
            ``object_signing_ca``.
    """

    OID: ClassVar[str] = ExtensionOID.NETSCAPE_CERT_TYPE
    BITS: ClassVar[tuple[str, ...]] = (
        "ssl_client",
        "ssl_server",
        "smime",
        "object_signing",
        "reserved",
        "ssl_ca",
        "smime_ca",
        "object_signing_ca",
    )
    LABELS: ClassVar[tuple[str, ...]] = (
        "SSL Client",
        "SSL Server",
        "S/MIME",
        "Object Signing",
        "Unused",
        "SSL CA",
        "S/MIME CA",
        "Object Signing CA",
    )
    RULE: ClassVar[str] = "the Netscape certificate type specification"

    @classmethod
    def _schema(cls) -> Any:
        return _NetscapeCertTypeSchema()

    @classmethod
    def _parse(cls, source: _Input) -> NetscapeCertType:
        return cls(cls._read_bits(source)[0])

    def check_build(self, critical: bool) -> None:
        if not self.flags:
            message = (
                "nsCertType needs at least one bit set; leave the extension "
                "out instead"
            )
            raise ExtensionValueError(message)
        if "reserved" in self.flags:
            message = (
                "nsCertType bit 4 is reserved by the Netscape "
                "specification; drop 'reserved'"
            )
            raise ExtensionValueError(message)

    @property
    def ssl_client(self) -> bool:
        """The SSL client bit (0)."""
        return "ssl_client" in self.flags

    @property
    def ssl_server(self) -> bool:
        """The SSL server bit (1)."""
        return "ssl_server" in self.flags

    @property
    def smime(self) -> bool:
        """The S/MIME bit (2)."""
        return "smime" in self.flags

    @property
    def object_signing(self) -> bool:
        """The object signing bit (3)."""
        return "object_signing" in self.flags

    @property
    def reserved(self) -> bool:
        """The reserved bit (4)."""
        return "reserved" in self.flags

    @property
    def ssl_ca(self) -> bool:
        """The SSL CA bit (5)."""
        return "ssl_ca" in self.flags

    @property
    def smime_ca(self) -> bool:
        """The S/MIME CA bit (6)."""
        return "smime_ca" in self.flags

    @property
    def object_signing_ca(self) -> bool:
        """The object signing CA bit (7)."""
        return "object_signing_ca" in self.flags


# --- extendedKeyUsage (RFC 5280 section 4.2.1.12) ---------------------------


@dataclass(frozen=True)
class ExtendedKeyUsage(ExtensionValue):
    """The key purposes, as dotted OIDs in the order received.

    Attributes:
        usages: KeyPurposeId OIDs, such as ``ExtendedKeyUsageOID.SERVER_AUTH``.
    """

    usages: tuple[str, ...] = ()
    OID: ClassVar[str] = ExtensionOID.EXTENDED_KEY_USAGE

    def __post_init__(self) -> None:
        usages = _as_tuple(self.usages, str, "extendedKeyUsage usages")
        if not usages:
            message = (
                "extendedKeyUsage needs at least one purpose (RFC 5280 "
                "section 4.2.1.12); leave the extension out instead"
            )
            raise ExtensionValueError(message)
        checked = tuple(
            _check_oid_text(usage, "KeyPurposeId") for usage in usages
        )
        object.__setattr__(self, "usages", checked)

    @classmethod
    def _parse(cls, source: _Input) -> ExtendedKeyUsage:
        value, tree = source.decode(rfc5280.ExtKeyUsageSyntax())
        if not tree.children:
            reason = (
                "extendedKeyUsage is empty; RFC 5280 section 4.2.1.12 "
                "requires at least one KeyPurposeId"
            )
            raise source.fail(reason, tree)
        return cls(tuple(str(usage) for usage in value))

    def __contains__(self, oid: object) -> bool:
        return str(oid) in self.usages

    @property
    def server_auth(self) -> bool:
        """Whether id-kp-serverAuth is listed."""
        return ExtendedKeyUsageOID.SERVER_AUTH in self.usages

    @property
    def client_auth(self) -> bool:
        """Whether id-kp-clientAuth is listed."""
        return ExtendedKeyUsageOID.CLIENT_AUTH in self.usages

    @property
    def any(self) -> bool:
        """Whether anyExtendedKeyUsage is listed."""
        return ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in self.usages

    def to_der(self) -> bytes:
        return der.encode_sequence(*(encode_oid(u) for u in self.usages))

    def text_lines(self) -> list[str]:
        return [", ".join(openssl_long_name(u) for u in self.usages)]

    def to_json(self) -> Any:
        return [{"oid": u, "name": display_name(u)} for u in self.usages]

    def check_build(self, critical: bool) -> None:
        if len(set(self.usages)) != len(self.usages):
            message = "extendedKeyUsage lists a purpose twice; list each once"
            raise ExtensionValueError(message)


# --- Alternative names (RFC 5280 sections 4.2.1.6 and 4.2.1.7) --------------


@dataclass(frozen=True)
class _AlternativeName(ExtensionValue):
    names: tuple[GeneralName, ...] = ()

    def __post_init__(self) -> None:
        field_name = display_name(self.OID)
        names = _as_tuple(self.names, GeneralName, field_name)
        check_general_names(names, field_name)
        object.__setattr__(self, "names", names)

    @classmethod
    def _parse(cls: type[_ValueT], source: _Input) -> _ValueT:
        value, tree = source.decode(rfc5280.GeneralNames())
        return cls(source.names(value, tree, ""))  # type: ignore[call-arg]

    @property
    def dns_names(self) -> tuple[str, ...]:
        """The dNSName values."""
        return tuple(n.value for n in self.names if isinstance(n, DNSName))

    @property
    def ip_addresses(
        self,
    ) -> tuple[Union[ipaddress.IPv4Address, ipaddress.IPv6Address], ...]:
        """The iPAddress values."""
        return tuple(n.value for n in self.names if isinstance(n, IPAddress))

    @property
    def emails(self) -> tuple[str, ...]:
        """The rfc822Name values."""
        return tuple(n.value for n in self.names if isinstance(n, RFC822Name))

    @property
    def uris(self) -> tuple[str, ...]:
        """The uniformResourceIdentifier values."""
        return tuple(
            n.value
            for n in self.names
            if isinstance(n, UniformResourceIdentifier)
        )

    @property
    def directory_names(self) -> tuple[Name, ...]:
        """The directoryName values."""
        return tuple(
            n.value for n in self.names if isinstance(n, DirectoryName)
        )

    def to_der(self) -> bytes:
        return der.encode_tlv(_SEQUENCE, _names_content(self.names))

    def text_lines(self) -> list[str]:
        return [", ".join(str(name) for name in self.names)]

    def to_json(self) -> Any:
        return [name.to_json() for name in self.names]

    def check_build(self, critical: bool) -> None:
        for name in self.names:
            _check_alternative_name(name, display_name(self.OID))


def _check_alternative_name(name: GeneralName, field_name: str) -> None:
    problem = None
    if isinstance(name, IPNetwork):
        problem = (
            "holds an address with a mask, which only name constraints "
            "use; give an IPAddress"
        )
    elif isinstance(name, DNSName):
        absolute = name.value.endswith(".")
        if absolute or not is_valid_dns_name(name.value, allow_wildcard=True):
            problem = (
                f"has the dNSName {name.value!r}, which is not a host name "
                "in the preferred name syntax: labels of letters, digits "
                "and inner hyphens, 63 characters at most, a '*' only as "
                "the whole left-most label, xn-- labels for other scripts "
                "and no trailing dot (RFC 5280 section 4.2.1.6, RFC 1034 "
                "section 3.5)"
            )
    elif isinstance(name, RFC822Name):
        if "@" not in name.value:
            problem = (
                f"has the rfc822Name {name.value!r}, which lacks the @ of a "
                "mailbox (RFC 5280 section 4.2.1.6)"
            )
    elif isinstance(name, UniformResourceIdentifier) and (
        ":" not in name.value
    ):
        problem = (
            f"has the URI {name.value!r} without a scheme; RFC 5280 "
            "section 4.2.1.6 requires an absolute URI"
        )
    if problem is not None:
        raise ExtensionValueError(f"{field_name} {problem}")


@dataclass(frozen=True)
class SubjectAlternativeName(_AlternativeName):
    """The subject's alternative names (RFC 5280 section 4.2.1.6)."""

    OID: ClassVar[str] = ExtensionOID.SUBJECT_ALTERNATIVE_NAME


@dataclass(frozen=True)
class IssuerAlternativeName(_AlternativeName):
    """The issuer's alternative names (RFC 5280 section 4.2.1.7)."""

    OID: ClassVar[str] = ExtensionOID.ISSUER_ALTERNATIVE_NAME


# --- Key identifiers (RFC 5280 sections 4.2.1.1 and 4.2.1.2) ----------------


class _HasDER(Protocol):
    def to_der(self) -> bytes: ...


@dataclass(frozen=True)
class SubjectKeyIdentifier(ExtensionValue):
    """The identifier of the subject's public key.

    Attributes:
        digest: The keyIdentifier octets.
    """

    digest: bytes = b""
    OID: ClassVar[str] = ExtensionOID.SUBJECT_KEY_IDENTIFIER

    def __post_init__(self) -> None:
        if not isinstance(self.digest, (bytes, bytearray)):
            message = (
                "subjectKeyIdentifier digest must be bytes, found "
                f"{self.digest!r}"
            )
            raise ExtensionValueError(message)
        object.__setattr__(self, "digest", bytes(self.digest))

    @classmethod
    def from_public_key(
        cls, key: Union[bytes, _HasDER]
    ) -> SubjectKeyIdentifier:
        """Compute the identifier by RFC 5280 section 4.2.1.2 method 1.

        The identifier is the SHA-1 of the subjectPublicKey BIT STRING
        value, without its tag, length and unused-bits octet, as OpenSSL 3
        computes it by default.

        Args:
            key: SubjectPublicKeyInfo DER, or a key object whose
                ``to_der()`` returns it. A private key object is replaced
                by its ``public_key()``.

        Raises:
            DecodeError: The bytes are not a SubjectPublicKeyInfo.
        """
        public_key = getattr(key, "public_key", None)
        if callable(public_key):
            key = public_key()
        if isinstance(key, (bytes, bytearray)):
            spki = bytes(key)
        else:
            spki = key.to_der()
        value = der.decode(
            spki, rfc5280.SubjectPublicKeyInfo(), source="public key"
        )
        bits = value["subjectPublicKey"].asOctets()
        return cls(hashlib.sha1(bits, usedforsecurity=False).digest())

    @classmethod
    def _parse(cls, source: _Input) -> SubjectKeyIdentifier:
        tree = source.tree(rfc5280.SubjectKeyIdentifier())
        digest = tree.content(source.data)
        if not digest:
            source.warn("keyIdentifier is empty")
        return cls(digest)

    def to_der(self) -> bytes:
        return der.encode_tlv(0x04, self.digest)

    def text_lines(self) -> list[str]:
        return [_hex_colons(self.digest)]

    def to_json(self) -> Any:
        return {"key_identifier": self.digest.hex()}

    def check_build(self, critical: bool) -> None:
        _reject_critical(self, critical, "RFC 5280 section 4.2.1.2")
        if not self.digest:
            message = (
                "subjectKeyIdentifier is empty; compute it with "
                "SubjectKeyIdentifier.from_public_key(key)"
            )
            raise ExtensionValueError(message)


@dataclass(frozen=True)
class AuthorityKeyIdentifier(ExtensionValue):
    """The identifier of the issuer's key, and optionally the issuer's
    issuer name and serial number.

    Attributes:
        key_identifier: keyIdentifier, normally the issuer's SKI.
        authority_cert_issuer: authorityCertIssuer names.
        authority_cert_serial_number: authorityCertSerialNumber.
    """

    key_identifier: Optional[bytes] = None
    authority_cert_issuer: Optional[tuple[GeneralName, ...]] = None
    authority_cert_serial_number: Optional[int] = None
    OID: ClassVar[str] = ExtensionOID.AUTHORITY_KEY_IDENTIFIER

    def __post_init__(self) -> None:
        identifier = self.key_identifier
        if identifier is not None:
            if not isinstance(identifier, (bytes, bytearray)):
                message = (
                    "authorityKeyIdentifier keyIdentifier must be bytes, "
                    f"found {identifier!r}"
                )
                raise ExtensionValueError(message)
            object.__setattr__(self, "key_identifier", bytes(identifier))
        if self.authority_cert_issuer is not None:
            issuer = _as_tuple(
                self.authority_cert_issuer, GeneralName, "authorityCertIssuer"
            )
            check_general_names(issuer, "authorityCertIssuer")
            object.__setattr__(self, "authority_cert_issuer", issuer)
        serial = self.authority_cert_serial_number
        if serial is not None and (
            not isinstance(serial, int) or isinstance(serial, bool)
        ):
            message = (
                f"authorityCertSerialNumber must be an int, found {serial!r}"
            )
            raise ExtensionValueError(message)

    @classmethod
    def from_issuer_ski(
        cls, ski: Union[SubjectKeyIdentifier, bytes]
    ) -> AuthorityKeyIdentifier:
        """Make the identifier from the issuer's subjectKeyIdentifier."""
        digest = ski.digest if isinstance(ski, SubjectKeyIdentifier) else ski
        return cls(key_identifier=bytes(digest))

    @classmethod
    def from_issuer_public_key(
        cls, key: Union[bytes, _HasDER]
    ) -> AuthorityKeyIdentifier:
        """Make the identifier from the issuer's public key, computed as
        :meth:`SubjectKeyIdentifier.from_public_key` does."""
        return cls.from_issuer_ski(SubjectKeyIdentifier.from_public_key(key))

    @classmethod
    def _parse(cls, source: _Input) -> AuthorityKeyIdentifier:
        value, tree = source.decode(rfc5280.AuthorityKeyIdentifier())
        identifier = issuer = serial = None
        for child in tree.children:
            content = child.content(source.data)
            if child.number == 0:
                identifier = content
            elif child.number == 1:
                issuer = source.names(
                    value["authorityCertIssuer"], child, "authorityCertIssuer"
                )
            else:
                serial = int.from_bytes(content, "big", signed=True)
        if (issuer is None) != (serial is None):
            source.warn(
                "authorityCertIssuer and authorityCertSerialNumber must be "
                "present together (RFC 5280 section 4.2.1.1)"
            )
        return cls(identifier, issuer, serial)

    def to_der(self) -> bytes:
        parts = []
        if self.key_identifier is not None:
            parts.append(der.encode_tlv(0x80, self.key_identifier))
        if self.authority_cert_issuer is not None:
            content = _names_content(self.authority_cert_issuer)
            parts.append(der.encode_tlv(0xA1, content))
        if self.authority_cert_serial_number is not None:
            serial = _integer_content(self.authority_cert_serial_number)
            parts.append(der.encode_tlv(0x82, serial))
        return der.encode_sequence(*parts)

    def _serial_text(self) -> Optional[str]:
        """Return the serial as OpenSSL prints it: the hex octets of its
        magnitude, with no sign octet."""
        serial = self.authority_cert_serial_number
        if serial is None:
            return None
        magnitude = abs(serial)
        octets = magnitude.to_bytes(
            max(1, (magnitude.bit_length() + 7) // 8), "big"
        )
        sign = "-" if serial < 0 else ""
        return sign + _hex_colons(octets)

    def text_lines(self) -> list[str]:
        # OpenSSL 3.0 prints a lone keyIdentifier without a label.
        only_key = (
            self.authority_cert_issuer is None
            and self.authority_cert_serial_number is None
        )
        lines = []
        if self.key_identifier is not None:
            label = "" if only_key else "keyid:"
            lines.append(label + _hex_colons(self.key_identifier))
        for name in self.authority_cert_issuer or ():
            lines.append(str(name))
        serial = self._serial_text()
        if serial is not None:
            lines.append(f"serial:{serial}")
        return lines

    def to_json(self) -> Any:
        issuer = self.authority_cert_issuer
        return {
            "key_identifier": (
                None
                if self.key_identifier is None
                else self.key_identifier.hex()
            ),
            "authority_cert_issuer": (
                None if issuer is None else [n.to_json() for n in issuer]
            ),
            "authority_cert_serial_number": self.authority_cert_serial_number,
        }

    def check_build(self, critical: bool) -> None:
        _reject_critical(self, critical, "RFC 5280 section 4.2.1.1")
        if (self.authority_cert_issuer is None) != (
            self.authority_cert_serial_number is None
        ):
            message = (
                "authorityKeyIdentifier needs authority_cert_issuer and "
                "authority_cert_serial_number together or neither (RFC "
                "5280 section 4.2.1.1)"
            )
            raise ExtensionValueError(message)
        if self.key_identifier is None and self.authority_cert_issuer is None:
            message = (
                "authorityKeyIdentifier is empty; give key_identifier, such "
                "as AuthorityKeyIdentifier.from_issuer_ski(ca_ski)"
            )
            raise ExtensionValueError(message)


# --- nameConstraints (RFC 5280 section 4.2.1.10) ----------------------------


@dataclass(frozen=True)
class NameConstraints(ExtensionValue):
    """The name spaces that certificates below a CA must, or must not,
    fall in. Each subtree is its base name, since RFC 5280 fixes minimum
    at 0 and leaves out maximum.

    Attributes:
        permitted: permittedSubtrees bases; empty when absent.
        excluded: excludedSubtrees bases; empty when absent.
    """

    permitted: tuple[GeneralName, ...] = ()
    excluded: tuple[GeneralName, ...] = ()
    OID: ClassVar[str] = ExtensionOID.NAME_CONSTRAINTS

    def __post_init__(self) -> None:
        permitted = _as_tuple(self.permitted, GeneralName, "permittedSubtrees")
        excluded = _as_tuple(self.excluded, GeneralName, "excludedSubtrees")
        if not permitted and not excluded:
            message = (
                "nameConstraints needs permitted or excluded subtrees (RFC "
                "5280 section 4.2.1.10); leave the extension out instead"
            )
            raise ExtensionValueError(message)
        object.__setattr__(self, "permitted", permitted)
        object.__setattr__(self, "excluded", excluded)

    @classmethod
    def _parse(cls, source: _Input) -> NameConstraints:
        value, tree = source.decode(rfc5280.NameConstraints())
        if not tree.children:
            reason = (
                "nameConstraints has neither permittedSubtrees nor "
                "excludedSubtrees (RFC 5280 section 4.2.1.10)"
            )
            raise source.fail(reason, tree)
        subtrees: dict[int, tuple[GeneralName, ...]] = {}
        for child in tree.children:
            name = (
                "permittedSubtrees"
                if child.number == 0
                else ("excludedSubtrees")
            )
            subtrees[child.number] = _read_subtrees(
                source, value[name], child, name
            )
        return cls(subtrees.get(0, ()), subtrees.get(1, ()))

    def to_der(self) -> bytes:
        parts = []
        for tag, bases in ((0xA0, self.permitted), (0xA1, self.excluded)):
            if bases:
                subtrees = b"".join(
                    der.encode_sequence(base.to_der()) for base in bases
                )
                parts.append(der.encode_tlv(tag, subtrees))
        return der.encode_sequence(*parts)

    def text_lines(self) -> list[str]:
        lines = []
        for title, bases in (
            ("Permitted:", self.permitted),
            ("Excluded:", self.excluded),
        ):
            if bases:
                lines.append(title)
                lines.extend(f"  {base.print_form()}" for base in bases)
        return lines

    def to_json(self) -> Any:
        return {
            "permitted": [base.to_json() for base in self.permitted],
            "excluded": [base.to_json() for base in self.excluded],
        }

    def check_build(self, critical: bool) -> None:
        _require_critical(self, critical, "RFC 5280 section 4.2.1.10")
        for base in (*self.permitted, *self.excluded):
            if isinstance(base, IPAddress):
                message = (
                    f"nameConstraints holds the address {base.value}; a "
                    "constraint is a range, so give IPNetwork, such as "
                    "IPNetwork(ipaddress.ip_network('192.0.2.0/24'))"
                )
                raise ExtensionValueError(message)


def _read_subtrees(
    source: _Input, value: Any, node: der.Node, name: str
) -> tuple[GeneralName, ...]:
    if not node.children:
        reason = (
            f"{name} is empty; RFC 5280 section 4.2.1.10 requires at least "
            "one GeneralSubtree"
        )
        raise source.fail(reason, node, name)
    bases = []
    for index, subtree in enumerate(node.children):
        where = f"{name}[{index}]"
        _check_subtree_distances(source, subtree, where)
        base = source.name(
            value[index]["base"],
            subtree.children[0],
            f"{where}.base",
            in_name_constraints=True,
        )
        bases.append(base)
    return tuple(bases)


def _check_subtree_distances(
    source: _Input, subtree: der.Node, where: str
) -> None:
    for child in subtree.children[1:]:
        content = child.content(source.data)
        number = int.from_bytes(content, "big", signed=True)
        if child.number == 1:
            reason = (
                f"maximum is {number}; RFC 5280 section 4.2.1.10 requires "
                "it to be absent"
            )
            raise source.fail(reason, child, f"{where}.maximum")
        if number != 0:
            reason = (
                f"minimum is {number}; RFC 5280 section 4.2.1.10 requires 0"
            )
            raise source.fail(reason, child, f"{where}.minimum")
        source.warn(
            "minimum 0 is encoded, though DER leaves out a DEFAULT value "
            "(X.690 section 11.5)",
            f"{where}.minimum",
        )


# --- cRLDistributionPoints (RFC 5280 section 4.2.1.13) ----------------------

_REASONS = (
    "unused",
    "key_compromise",
    "ca_compromise",
    "affiliation_changed",
    "superseded",
    "cessation_of_operation",
    "certificate_hold",
    "privilege_withdrawn",
    "aa_compromise",
)
_REASON_LABELS = (
    "Unused",
    "Key Compromise",
    "CA Compromise",
    "Affiliation Changed",
    "Superseded",
    "Cessation Of Operation",
    "Certificate Hold",
    "Privilege Withdrawn",
    "AA Compromise",
)


@dataclass(frozen=True)
class DistributionPoint:
    """One DistributionPoint: where a CRL is and which reasons it covers.

    Attributes:
        full_name: fullName of the distribution point.
        relative_name: nameRelativeToCRLIssuer, as a Name of one RDN.
        reasons: ReasonFlags names (``key_compromise``, ``ca_compromise``,
            ...), or ``None`` for all reasons.
        crl_issuer: cRLIssuer names, for indirect CRLs.
    """

    full_name: Optional[tuple[GeneralName, ...]] = None
    relative_name: Optional[Name] = None
    reasons: Optional[frozenset[str]] = None
    crl_issuer: Optional[tuple[GeneralName, ...]] = None

    def __post_init__(self) -> None:
        if self.full_name is not None:
            names = _as_tuple(self.full_name, GeneralName, "fullName")
            check_general_names(names, "fullName")
            object.__setattr__(self, "full_name", names)
        if self.crl_issuer is not None:
            names = _as_tuple(self.crl_issuer, GeneralName, "cRLIssuer")
            check_general_names(names, "cRLIssuer")
            object.__setattr__(self, "crl_issuer", names)
        if self.reasons is not None:
            reasons = frozenset(self.reasons)
            unknown = sorted(reasons - set(_REASONS))
            if unknown:
                message = (
                    f"unknown reason {unknown[0]!r}; use one of "
                    f"{', '.join(_REASONS[1:])}"
                )
                raise ExtensionValueError(message)
            object.__setattr__(self, "reasons", reasons)
        if self.full_name is not None and self.relative_name is not None:
            message = (
                "a distribution point has fullName or "
                "nameRelativeToCRLIssuer, not both (RFC 5280 section "
                "4.2.1.13)"
            )
            raise ExtensionValueError(message)

    def _rdn_content(self) -> bytes:
        assert self.relative_name is not None
        encoded = self.relative_name.to_der()
        tree = der.scan(encoded)
        if len(tree.children) != 1:
            message = (
                "nameRelativeToCRLIssuer must be a Name of exactly one RDN, "
                f"found {len(tree.children)}"
            )
            raise ExtensionValueError(message)
        return tree.children[0].content(encoded)

    def to_der(self) -> bytes:
        """Encode the DistributionPoint SEQUENCE."""
        parts = []
        if self.full_name is not None:
            inner = der.encode_tlv(0xA0, _names_content(self.full_name))
            parts.append(der.encode_tlv(0xA0, inner))
        elif self.relative_name is not None:
            inner = der.encode_tlv(0xA1, self._rdn_content())
            parts.append(der.encode_tlv(0xA0, inner))
        if self.reasons is not None:
            positions = [_REASONS.index(reason) for reason in self.reasons]
            parts.append(der.encode_tlv(0x81, _bit_string_content(positions)))
        if self.crl_issuer is not None:
            content = _names_content(self.crl_issuer)
            parts.append(der.encode_tlv(0xA2, content))
        return der.encode_sequence(*parts)

    def text_lines(self) -> list[str]:
        """Return the lines OpenSSL 3.0 prints for the point."""
        lines = []
        if self.full_name is not None:
            lines.append("Full Name:")
            lines.extend(f"  {name.print_form()}" for name in self.full_name)
        if self.relative_name is not None:
            lines.append("Relative Name:")
            lines.append(f"  {self.relative_name.openssl_oneline()}")
        if self.reasons is not None:
            labels = [
                label
                for reason, label in zip(_REASONS, _REASON_LABELS)
                if reason in self.reasons
            ]
            lines.extend(["Reasons:", f"  {', '.join(labels)}"])
        if self.crl_issuer is not None:
            lines.append("CRL Issuer:")
            lines.extend(f"  {name.print_form()}" for name in self.crl_issuer)
        return lines

    def to_json(self) -> Any:
        """Return the point as JSON-ready data."""
        return {
            "full_name": _names_json(self.full_name),
            "relative_name": (
                None
                if self.relative_name is None
                else self.relative_name.rfc4514()
            ),
            "reasons": (
                None
                if self.reasons is None
                else [r for r in _REASONS if r in self.reasons]
            ),
            "crl_issuer": _names_json(self.crl_issuer),
        }


def _names_json(names: Optional[tuple[GeneralName, ...]]) -> Any:
    return None if names is None else [name.to_json() for name in names]


@dataclass(frozen=True)
class CRLDistributionPoints(ExtensionValue):
    """The locations of the CRLs that cover the certificate.

    Attributes:
        points: The distribution points in order.
    """

    points: tuple[DistributionPoint, ...] = ()
    OID: ClassVar[str] = ExtensionOID.CRL_DISTRIBUTION_POINTS

    def __post_init__(self) -> None:
        points = _as_tuple(
            self.points, DistributionPoint, display_name(self.OID)
        )
        if not points:
            message = (
                f"{display_name(self.OID)} needs at least one distribution "
                "point (RFC 5280 section 4.2.1.13)"
            )
            raise ExtensionValueError(message)
        for point in points:
            if (
                point.full_name is None
                and point.relative_name is None
                and (point.crl_issuer is None)
            ):
                message = (
                    "a distribution point needs a distributionPoint name or "
                    "cRLIssuer (RFC 5280 section 4.2.1.13)"
                )
                raise ExtensionValueError(message)
        object.__setattr__(self, "points", points)

    @classmethod
    def _parse(cls: type[_ValueT], source: _Input) -> _ValueT:
        value, tree = source.decode(rfc5280.CRLDistributionPoints())
        if not tree.children:
            reason = (
                "the extension has no DistributionPoint; RFC 5280 section "
                "4.2.1.13 requires at least one"
            )
            raise source.fail(reason, tree)
        points = tuple(
            _read_point(source, item, node, f"[{index}]")
            for index, (item, node) in enumerate(zip(value, tree.children))
        )
        return cls(points)  # type: ignore[call-arg]

    def to_der(self) -> bytes:
        return der.encode_sequence(*(p.to_der() for p in self.points))

    def text_lines(self) -> list[str]:
        # OpenSSL 3.0 prints the points one after the other, with no
        # separating line.
        lines: list[str] = []
        for point in self.points:
            lines.extend(point.text_lines())
        return lines

    def to_json(self) -> Any:
        return [point.to_json() for point in self.points]


@dataclass(frozen=True)
class FreshestCRL(CRLDistributionPoints):
    """The locations of delta CRLs (RFC 5280 section 4.2.1.15)."""

    OID: ClassVar[str] = ExtensionOID.FRESHEST_CRL

    def check_build(self, critical: bool) -> None:
        _reject_critical(self, critical, "RFC 5280 section 4.2.1.15")


def _read_point(
    source: _Input, value: Any, node: der.Node, where: str
) -> DistributionPoint:
    full_name = relative_name = reasons = crl_issuer = None
    for child in node.children:
        if child.number == 0:
            full_name, relative_name = _read_point_name(
                source, value["distributionPoint"], child, where
            )
        elif child.number == 1:
            bits = _bits_of(child.content(source.data))
            reasons = frozenset(
                _REASONS[i]
                for i, bit in enumerate(bits[: len(_REASONS)])
                if bit
            )
        else:
            crl_issuer = source.names(
                value["cRLIssuer"], child, f"{where}.cRLIssuer"
            )
    if full_name is None and relative_name is None and crl_issuer is None:
        reason = (
            "DistributionPoint has neither distributionPoint nor "
            "cRLIssuer (RFC 5280 section 4.2.1.13)"
        )
        raise source.fail(reason, node, where)
    return DistributionPoint(full_name, relative_name, reasons, crl_issuer)


def _read_point_name(
    source: _Input, value: Any, node: der.Node, where: str
) -> tuple[Optional[tuple[GeneralName, ...]], Optional[Name]]:
    inner = node.children[0]
    path = f"{where}.distributionPoint"
    if inner.number == 0:
        names = source.names(value["fullName"], inner, f"{path}.fullName")
        return names, None
    from purepki.name import Name

    rdn = der.encode_tlv(0x31, inner.content(source.data))
    try:
        name = Name.from_der(der.encode_sequence(rdn), source="")
    except DecodeError as error:
        reason = f"nameRelativeToCRLIssuer is invalid: {error.reason}"
        raise source.fail(reason, inner, path) from None
    return None, name


# --- Information access (RFC 5280 sections 4.2.2.1 and 4.2.2.2) ------------


@dataclass(frozen=True)
class AccessDescription:
    """One AccessDescription: an access method OID and its location.

    Attributes:
        method: The accessMethod OID, such as ``AccessMethodOID.OCSP``.
        location: The accessLocation name, usually a URI.
    """

    method: str
    location: GeneralName

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "method", _check_oid_text(self.method, "accessMethod")
        )
        if not isinstance(self.location, GeneralName):
            message = (
                f"accessLocation must be a GeneralName, found "
                f"{self.location!r}; wrap a URL as "
                "UniformResourceIdentifier(url)"
            )
            raise ExtensionValueError(message)

    def to_der(self) -> bytes:
        """Encode the AccessDescription SEQUENCE."""
        return der.encode_sequence(
            encode_oid(self.method), self.location.to_der()
        )

    def __str__(self) -> str:
        return f"{openssl_long_name(self.method)} - {self.location}"

    def to_json(self) -> Any:
        """Return the description as JSON-ready data."""
        return {
            "method": self.method,
            "method_name": display_name(self.method),
            "location": self.location.to_json(),
        }


@dataclass(frozen=True)
class _InformationAccess(ExtensionValue):
    descriptions: tuple[AccessDescription, ...] = ()
    RULE: ClassVar[str] = ""

    def __post_init__(self) -> None:
        descriptions = _as_tuple(
            self.descriptions, AccessDescription, display_name(self.OID)
        )
        if not descriptions:
            message = (
                f"{display_name(self.OID)} needs at least one access "
                f"description ({self.RULE})"
            )
            raise ExtensionValueError(message)
        object.__setattr__(self, "descriptions", descriptions)

    @classmethod
    def _parse(cls: type[_ValueT], source: _Input) -> _ValueT:
        value, tree = source.decode(rfc5280.AuthorityInfoAccessSyntax())
        if not tree.children:
            reason = "the extension has no AccessDescription"
            raise source.fail(reason, tree)
        descriptions = []
        for index, (item, node) in enumerate(zip(value, tree.children)):
            location = source.name(
                item["accessLocation"],
                node.children[1],
                f"[{index}].accessLocation",
            )
            method = str(item["accessMethod"])
            descriptions.append(AccessDescription(method, location))
        return cls(tuple(descriptions))  # type: ignore[call-arg]

    def _locations(self, method: str) -> tuple[GeneralName, ...]:
        return tuple(
            d.location for d in self.descriptions if d.method == method
        )

    def to_der(self) -> bytes:
        return der.encode_sequence(*(d.to_der() for d in self.descriptions))

    def text_lines(self) -> list[str]:
        return [str(description) for description in self.descriptions]

    def to_json(self) -> Any:
        return [description.to_json() for description in self.descriptions]

    def check_build(self, critical: bool) -> None:
        _reject_critical(self, critical, self.RULE)


@dataclass(frozen=True)
class AuthorityInformationAccess(_InformationAccess):
    """The locations of the issuer's certificate and its OCSP responder
    (RFC 5280 section 4.2.2.1)."""

    OID: ClassVar[str] = ExtensionOID.AUTHORITY_INFORMATION_ACCESS
    RULE: ClassVar[str] = "RFC 5280 section 4.2.2.1"

    @property
    def ocsp(self) -> tuple[GeneralName, ...]:
        """The locations of the id-ad-ocsp method."""
        return self._locations(AccessMethodOID.OCSP)

    @property
    def ca_issuers(self) -> tuple[GeneralName, ...]:
        """The locations of the id-ad-caIssuers method."""
        return self._locations(AccessMethodOID.CA_ISSUERS)


@dataclass(frozen=True)
class SubjectInformationAccess(_InformationAccess):
    """The locations of services of the subject (RFC 5280 section
    4.2.2.2)."""

    OID: ClassVar[str] = ExtensionOID.SUBJECT_INFORMATION_ACCESS
    RULE: ClassVar[str] = "RFC 5280 section 4.2.2.2"


# --- certificatePolicies (RFC 5280 section 4.2.1.4) -------------------------

#: Maximum length of explicitText in characters (RFC 5280 section 4.2.1.4).
MAX_EXPLICIT_TEXT = 200


class _DisplayText(univ.Choice):
    """DisplayText without the SIZE (1..200) constraint, which pyasn1
    enforces with an error that names no field; the parser warns
    instead."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("ia5String", char.IA5String()),
        namedtype.NamedType("visibleString", char.VisibleString()),
        namedtype.NamedType("bmpString", char.BMPString()),
        namedtype.NamedType("utf8String", char.UTF8String()),
    )


class _NoticeReference(univ.Sequence):
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("organization", _DisplayText()),
        namedtype.NamedType(
            "noticeNumbers", univ.SequenceOf(componentType=univ.Integer())
        ),
    )


class _UserNotice(univ.Sequence):
    componentType = namedtype.NamedTypes(
        namedtype.OptionalNamedType("noticeRef", _NoticeReference()),
        namedtype.OptionalNamedType("explicitText", _DisplayText()),
    )


@dataclass(frozen=True)
class CPSUri:
    """A CPS pointer qualifier: the URI of the practice statement.

    Attributes:
        uri: The CPSuri value.
    """

    uri: str
    QUALIFIER_ID: ClassVar[str] = PolicyOID.CPS

    def qualifier_der(self) -> bytes:
        """Encode the qualifier value (an IA5String)."""
        return der.encode_tlv(0x16, self.uri.encode("ascii"))

    def text_lines(self) -> list[str]:
        """Return the lines OpenSSL 3.0 prints for the qualifier."""
        return [f"CPS: {self.uri}"]

    def to_json(self) -> Any:
        """Return the qualifier as JSON-ready data."""
        return {"type": "cps", "uri": self.uri}


@dataclass(frozen=True)
class UserNotice:
    """A user notice qualifier.

    Attributes:
        organization: noticeRef organization, or ``None``.
        notice_numbers: noticeRef noticeNumbers.
        explicit_text: explicitText, or ``None``.
    """

    organization: Optional[str] = None
    notice_numbers: tuple[int, ...] = ()
    explicit_text: Optional[str] = None
    QUALIFIER_ID: ClassVar[str] = PolicyOID.USER_NOTICE

    def qualifier_der(self) -> bytes:
        """Encode the UserNotice SEQUENCE, with UTF8String texts as RFC
        5280 section 4.2.1.4 recommends."""
        parts = []
        if self.organization is not None:
            numbers = der.encode_sequence(
                *(der.encode_integer(n) for n in self.notice_numbers)
            )
            parts.append(
                der.encode_sequence(_utf8(self.organization), numbers)
            )
        if self.explicit_text is not None:
            parts.append(_utf8(self.explicit_text))
        return der.encode_sequence(*parts)

    def text_lines(self) -> list[str]:
        """Return the lines OpenSSL 3.0 prints for the qualifier."""
        lines = ["User Notice:"]
        if self.organization is not None:
            plural = "s" if len(self.notice_numbers) > 1 else ""
            numbers = ", ".join(str(n) for n in self.notice_numbers)
            lines.append(f"  Organization: {self.organization}")
            lines.append(f"  Number{plural}: {numbers}")
        if self.explicit_text is not None:
            lines.append(f"  Explicit Text: {self.explicit_text}")
        return lines

    def to_json(self) -> Any:
        """Return the qualifier as JSON-ready data."""
        return {
            "type": "user_notice",
            "organization": self.organization,
            "notice_numbers": list(self.notice_numbers),
            "explicit_text": self.explicit_text,
        }


def _utf8(text: str) -> bytes:
    return der.encode_tlv(0x0C, text.encode("utf-8"))


@dataclass(frozen=True)
class UnknownPolicyQualifier:
    """A policy qualifier of another type, kept as its DER.

    Attributes:
        qualifier_id: The policyQualifierId OID.
        der: The qualifier value's DER element.
    """

    qualifier_id: str
    der: bytes

    def qualifier_der(self) -> bytes:
        """Return the qualifier value's DER element."""
        return self.der

    def text_lines(self) -> list[str]:
        """Return the line OpenSSL 3.0 prints for the qualifier."""
        return [f"Unknown Qualifier: {openssl_long_name(self.qualifier_id)}"]

    def to_json(self) -> Any:
        """Return the qualifier as JSON-ready data."""
        return {
            "type": "unknown",
            "qualifier_id": self.qualifier_id,
            "der": self.der.hex(),
        }


PolicyQualifier = Union[CPSUri, UserNotice, UnknownPolicyQualifier]


@dataclass(frozen=True)
class PolicyInformation:
    """One certificate policy with its qualifiers.

    Attributes:
        policy_id: The policy OID, such as ``PolicyOID.ANY_POLICY``.
        qualifiers: The policy qualifiers in order.
    """

    policy_id: str
    qualifiers: tuple[PolicyQualifier, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "policy_id", _check_oid_text(self.policy_id, "policy")
        )
        qualifiers = _as_tuple(
            self.qualifiers,
            (CPSUri, UserNotice, UnknownPolicyQualifier),
            "policyQualifiers",
        )
        object.__setattr__(self, "qualifiers", qualifiers)

    def qualifier_id(self, qualifier: PolicyQualifier) -> str:
        """Return the policyQualifierId of one of the qualifiers."""
        if isinstance(qualifier, UnknownPolicyQualifier):
            return qualifier.qualifier_id
        return qualifier.QUALIFIER_ID

    def to_der(self) -> bytes:
        """Encode the PolicyInformation SEQUENCE."""
        parts = [encode_oid(self.policy_id)]
        if self.qualifiers:
            infos = [
                der.encode_sequence(
                    encode_oid(self.qualifier_id(q)), q.qualifier_der()
                )
                for q in self.qualifiers
            ]
            parts.append(der.encode_sequence(*infos))
        return der.encode_sequence(*parts)

    def text_lines(self) -> list[str]:
        """Return the lines OpenSSL 3.0 prints for the policy."""
        lines = [f"Policy: {openssl_long_name(self.policy_id)}"]
        for qualifier in self.qualifiers:
            lines.extend(f"  {line}" for line in qualifier.text_lines())
        return lines

    def to_json(self) -> Any:
        """Return the policy as JSON-ready data."""
        return {
            "policy_id": self.policy_id,
            "qualifiers": [q.to_json() for q in self.qualifiers],
        }


@dataclass(frozen=True)
class CertificatePolicies(ExtensionValue):
    """The policies under which the certificate was issued.

    Attributes:
        policies: The policies in order.
    """

    policies: tuple[PolicyInformation, ...] = ()
    OID: ClassVar[str] = ExtensionOID.CERTIFICATE_POLICIES

    def __post_init__(self) -> None:
        policies = _as_tuple(
            self.policies, PolicyInformation, "certificatePolicies"
        )
        if not policies:
            message = (
                "certificatePolicies needs at least one policy (RFC 5280 "
                "section 4.2.1.4)"
            )
            raise ExtensionValueError(message)
        object.__setattr__(self, "policies", policies)

    @property
    def policy_ids(self) -> tuple[str, ...]:
        """The policy OIDs in order."""
        return tuple(policy.policy_id for policy in self.policies)

    @classmethod
    def _parse(cls, source: _Input) -> CertificatePolicies:
        value, tree = source.decode(rfc5280.CertificatePolicies())
        if not tree.children:
            reason = (
                "certificatePolicies is empty; RFC 5280 section 4.2.1.4 "
                "requires at least one PolicyInformation"
            )
            raise source.fail(reason, tree)
        policies = tuple(
            _read_policy(source, item, node, f"[{index}]")
            for index, (item, node) in enumerate(zip(value, tree.children))
        )
        result = cls(policies)
        if len(set(result.policy_ids)) != len(policies):
            source.warn(
                "a policy OID appears more than once, which RFC 5280 "
                "section 4.2.1.4 forbids"
            )
        return result

    def to_der(self) -> bytes:
        return der.encode_sequence(*(p.to_der() for p in self.policies))

    def text_lines(self) -> list[str]:
        lines: list[str] = []
        for policy in self.policies:
            lines.extend(policy.text_lines())
        return lines

    def to_json(self) -> Any:
        return [policy.to_json() for policy in self.policies]

    def check_build(self, critical: bool) -> None:
        if len(set(self.policy_ids)) != len(self.policies):
            message = (
                "certificatePolicies lists a policy OID twice (RFC 5280 "
                "section 4.2.1.4); list each once"
            )
            raise ExtensionValueError(message)


def _read_policy(
    source: _Input, value: Any, node: der.Node, where: str
) -> PolicyInformation:
    policy_id = str(value["policyIdentifier"])
    qualifiers = []
    if len(node.children) > 1:
        infos = node.children[1]
        for index, info in enumerate(infos.children):
            qualifier_id = str(
                value["policyQualifiers"][index]["policyQualifierId"]
            )
            inner = source.inner(
                info.children[1],
                f"{where}.policyQualifiers[{index}].qualifier",
            )
            qualifiers.append(_read_qualifier(inner, qualifier_id))
    return PolicyInformation(policy_id, tuple(qualifiers))


def _read_qualifier(source: _Input, qualifier_id: str) -> PolicyQualifier:
    if qualifier_id == PolicyOID.CPS:
        value = source.decode(rfc5280.CPSuri())[0]
        return CPSUri(str(value))
    if qualifier_id == PolicyOID.USER_NOTICE:
        return _read_user_notice(source)
    return UnknownPolicyQualifier(qualifier_id, source.data)


def _read_user_notice(source: _Input) -> UserNotice:
    value = source.decode(_UserNotice())[0]
    organization = None
    numbers: tuple[int, ...] = ()
    if value["noticeRef"].isValue:
        reference = value["noticeRef"]
        organization = str(reference["organization"].getComponent())
        numbers = tuple(int(n) for n in reference["noticeNumbers"])
    text = None
    if value["explicitText"].isValue:
        text = str(value["explicitText"].getComponent())
        if len(text) > MAX_EXPLICIT_TEXT:
            source.warn(
                f"explicitText has {len(text)} characters, more than the "
                f"{MAX_EXPLICIT_TEXT} RFC 5280 section 4.2.1.4 allows",
                "explicitText",
            )
    return UserNotice(organization, numbers, text)


# --- Extensions without a parser -------------------------------------------


@dataclass(frozen=True)
class UnrecognizedExtension(ExtensionValue):
    """The value of an extension that has no parser here, as received.

    Attributes:
        oid: The extension's OID.
        der: The extnValue contents.
    """

    oid: str = ""
    der: bytes = b""

    @classmethod
    def _parse(cls, source: _Input) -> UnrecognizedExtension:
        raise NotImplementedError("UnrecognizedExtension has no OID")

    def to_der(self) -> bytes:
        return self.der

    def text_lines(self) -> list[str]:
        text = _hex_colons(self.der)
        width = 16 * 3
        return [
            text[i : i + width].rstrip(":") for i in range(0, len(text), width)
        ]

    def to_json(self) -> Any:
        return {"der": self.der.hex()}


# --- Extension and Extensions ----------------------------------------------

# NOTE: policyMappings, policyConstraints and inhibitAnyPolicy have no
# parser yet, so unknown_critical() reports them when they are critical.
_VALUE_CLASSES: dict[str, type[ExtensionValue]] = {
    cls.OID: cls
    for cls in (
        BasicConstraints,
        KeyUsage,
        ExtendedKeyUsage,
        SubjectAlternativeName,
        IssuerAlternativeName,
        SubjectKeyIdentifier,
        AuthorityKeyIdentifier,
        NameConstraints,
        CRLDistributionPoints,
        FreshestCRL,
        AuthorityInformationAccess,
        SubjectInformationAccess,
        CertificatePolicies,
        NetscapeCertType,
    )
}


def parse_extension(
    oid: str, critical: bool, der_value: bytes, *, source: str = ""
) -> Extension:
    """Parse one extension, dispatching on its OID.

    Args:
        oid: The extnID in dotted form.
        critical: The critical flag.
        der_value: The extnValue contents.
        source: File name or description shown in errors.

    Returns:
        An :class:`Extension` whose value is typed, or an
        :class:`UnrecognizedExtension` for an OID without a parser.

    Raises:
        DecodeError: A known extension's value is malformed; the path is
            ``extensions[<name>]...`` and the offset counts from the start
            of ``der_value``.
    """
    oid = str(oid)
    data = bytes(der_value)
    cls = _VALUE_CLASSES.get(oid)
    value: ExtensionValue
    if cls is None:
        value = UnrecognizedExtension(oid, data)
    else:
        path = f"extensions[{display_name(oid)}]"
        value = cls.from_der(data, source=source, path=path)
    return Extension(oid, bool(critical), value, data)


@dataclass(frozen=True)
class Extension:
    """One certificate or CSR extension.

    Attributes:
        oid: The extnID in dotted form.
        critical: The critical flag.
        value: The typed value, or an :class:`UnrecognizedExtension`.
        der_value: The extnValue contents as received or built.
    """

    oid: str
    critical: bool
    value: ExtensionValue
    der_value: bytes

    def __post_init__(self) -> None:
        value_oid = (
            self.value.oid
            if isinstance(self.value, UnrecognizedExtension)
            else self.value.OID
        )
        if value_oid != self.oid:
            message = (
                f"extension {self.oid} has a value of "
                f"{display_name(value_oid)} ({value_oid}); give the value "
                "that belongs to the OID"
            )
            raise ExtensionValueError(message)

    @classmethod
    def build(cls, value: ExtensionValue, critical: bool) -> Extension:
        """Make an extension from a value, checking the builder rules.

        Raises:
            ExtensionValueError: The value breaks a rule of RFC 5280 that
                readers tolerate (for example pathLenConstraint without
                cA), or ``critical`` is not allowed for it.
        """
        if not isinstance(value, ExtensionValue):
            message = (
                f"extension value {value!r} is not an ExtensionValue, such "
                "as BasicConstraints(ca=True)"
            )
            raise ExtensionValueError(message)
        if not isinstance(critical, bool):
            raise ExtensionValueError(
                f"critical must be a bool, found {critical!r}"
            )
        value.check_build(critical)
        if isinstance(value, UnrecognizedExtension):
            oid = _check_oid_text(value.oid, "extnID")
        else:
            oid = value.OID
        return cls(oid, critical, value, value.to_der())

    @property
    def name(self) -> str:
        """The display name, such as ``subjectAltName``."""
        return display_name(self.oid)

    @property
    def title(self) -> str:
        """The title OpenSSL 3.0 prints, such as ``X509v3 Key Usage``."""
        return OPENSSL_TITLES.get(self.oid, display_name(self.oid))

    def to_der(self) -> bytes:
        """Encode the Extension SEQUENCE, leaving out critical FALSE as
        DER leaves out DEFAULT values (X.690 section 11.5)."""
        parts = [encode_oid(self.oid)]
        if self.critical:
            parts.append(_BOOLEAN_TRUE)
        parts.append(der.encode_tlv(0x04, self.der_value))
        return der.encode_sequence(*parts)

    def text_lines(self) -> list[str]:
        """Return the title line and the indented value lines, as
        ``openssl x509 -text`` prints them."""
        critical = " critical" if self.critical else ""
        lines = [f"{self.title}:{critical}"]
        body = self.value.text_lines()
        lines.extend(f"    {line}" if line else "" for line in body)
        return lines

    def to_json(self) -> Any:
        """Return the extension as JSON-ready data."""
        return {
            "oid": self.oid,
            "name": self.name,
            "critical": self.critical,
            "value": self.value.to_json(),
        }


@dataclass(frozen=True)
class Extensions(Sequence[Extension]):
    """The extensions of a certificate or CSR, in order, each OID once.

    Attributes:
        items: The extensions.
    """

    items: tuple[Extension, ...] = field(default=())

    def __post_init__(self) -> None:
        items = _as_tuple(self.items, Extension, "extensions")
        seen: set[str] = set()
        for extension in items:
            if extension.oid in seen:
                message = (
                    f"duplicate extension {extension.oid} (RFC 5280 section "
                    f"4.2): {extension.name} is present twice; keep one"
                )
                raise ExtensionValueError(message)
            seen.add(extension.oid)
        object.__setattr__(self, "items", items)

    @classmethod
    def from_pyasn1(cls, value: Any, *, source: str = "") -> Extensions:
        """Parse a pyasn1 ``rfc5280.Extensions`` value.

        Raises:
            DecodeError: An OID appears twice (RFC 5280 section 4.2), or a
                known extension's value is malformed.
        """
        # NOTE: a critical FALSE encoded explicitly, which DER forbids
        # (X.690 section 11.5), is not detected: the pyasn1 value reads
        # the same either way.
        entries = [
            (
                str(item["extnID"]),
                bool(item["critical"]),
                bytes(item["extnValue"]),
            )
            for item in value
        ]
        if not entries:
            warnings.warn(
                f"{source or 'input'}: extensions is an empty SEQUENCE; RFC "
                "5280 section 4.1 requires at least one extension when "
                "the field is present",
                PurePKIWarning,
                stacklevel=2,
            )
        reject_duplicates([oid for oid, _, _ in entries], source)
        return cls(
            tuple(
                parse_extension(oid, critical, data, source=source)
                for oid, critical, data in entries
            )
        )

    @classmethod
    def from_der(cls, data: bytes, *, source: str = "") -> Extensions:
        """Parse DER Extensions (a SEQUENCE of Extension).

        Raises:
            DecodeError: As :meth:`from_pyasn1`, or the input is not strict
                DER.
        """
        value = der.decode(bytes(data), rfc5280.Extensions(), source=source)
        return cls.from_pyasn1(value, source=source)

    @overload
    def __getitem__(self, index: int) -> Extension: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Extension, ...]: ...

    def __getitem__(
        self, index: Union[int, slice]
    ) -> Union[Extension, tuple[Extension, ...]]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Extension]:
        return iter(self.items)

    def get(
        self, oid_or_type: Union[str, type[ExtensionValue]]
    ) -> Optional[Extension]:
        """Return the extension with this OID or value class, if present."""
        if isinstance(oid_or_type, type):
            oid = oid_or_type.OID
        else:
            oid = str(oid_or_type)
        for extension in self.items:
            if extension.oid == oid:
                return extension
        return None

    def unknown_critical(self) -> tuple[Extension, ...]:
        """Return the critical extensions that have no parser here, which
        a verifier must reject (RFC 5280 section 4.2)."""
        return tuple(
            extension
            for extension in self.items
            if extension.critical
            and isinstance(extension.value, UnrecognizedExtension)
        )

    def to_der(self) -> bytes:
        """Encode the Extensions SEQUENCE.

        Raises:
            ExtensionValueError: There are no extensions (RFC 5280 section
                4.1 requires at least one when the field is present).
        """
        if not self.items:
            message = (
                "cannot encode an empty Extensions SEQUENCE (RFC 5280 "
                "section 4.1); leave the field out instead"
            )
            raise ExtensionValueError(message)
        return der.encode_sequence(*(e.to_der() for e in self.items))

    def to_pyasn1(self) -> Any:
        """Return the extensions as a pyasn1 ``rfc5280.Extensions`` value.

        Raises:
            ExtensionValueError: There are no extensions.
        """
        return der.decode(self.to_der(), rfc5280.Extensions())

    def to_json(self) -> Any:
        """Return the extensions as a JSON-ready list."""
        return [extension.to_json() for extension in self.items]

    def text_lines(self) -> list[str]:
        """Return the lines of every extension, as ``openssl x509 -text``
        prints them below ``X509v3 extensions:``."""
        lines: list[str] = []
        for extension in self.items:
            lines.extend(extension.text_lines())
        return lines


def reject_duplicates(oids: Sequence[str], source: str = "") -> None:
    """Reject a list of extension OIDs that names one OID twice.

    Raises:
        DecodeError: An OID repeats (RFC 5280 section 4.2).
    """
    first: dict[str, int] = {}
    for index, oid in enumerate(oids):
        if oid not in first:
            first[oid] = index
            continue
        reason = (
            f"duplicate extension {oid} (RFC 5280 section 4.2): "
            f"{display_name(oid)} appears at positions {first[oid]} and "
            f"{index}; a certificate carries each extension at most once, "
            "so have it reissued with one copy"
        )
        raise DecodeError(reason, path=f"extensions[{index}]", source=source)
