"""GeneralName values of X.509 extensions (RFC 5280 section 4.2.1.6).

Each alternative of the GeneralName CHOICE is an immutable value class
whose ``str()`` is the form ``openssl x509 -text`` prints in alternative
names and access descriptions (``DNS:a.example.test``, ``IP
Address:2001:DB8:0:0:0:0:0:1``). :meth:`GeneralName.print_form` gives the
form OpenSSL prints in name constraints and CRL distribution points, which
differs for directory names and other names.

Parsing is strict DER against the pyasn1-modules ``rfc5280`` schema. Names
are read from the element tree of the input, so a directoryName keeps the
bytes it was received with and an error names the field and its offset.
"""

from __future__ import annotations

import abc
import ipaddress
import re
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Optional, Union

from pyasn1.type import char, univ
from pyasn1_modules import rfc5280

from purepki._record import dataclass
from purepki.asn1 import der
from purepki.errors import DecodeError, PurePKIError, PurePKIWarning

if TYPE_CHECKING:
    from purepki.name import Name

IPAddressValue = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetworkValue = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

# Context tag numbers of the GeneralName alternatives (RFC 5280 4.2.1.6).
TAG_OTHER_NAME = 0
TAG_RFC822_NAME = 1
TAG_DNS_NAME = 2
TAG_X400_ADDRESS = 3
TAG_DIRECTORY_NAME = 4
TAG_EDI_PARTY_NAME = 5
TAG_URI = 6
TAG_IP_ADDRESS = 7
TAG_REGISTERED_ID = 8

_CONTEXT = 0x80
_CONSTRUCTED = 0x20
_UTF8_STRING = 0x0C
_IA5_STRING = 0x16

#: Long names OpenSSL 3.0 prints for the OIDs that appear inside
#: extensions; other OIDs are displayed in dotted form.
OPENSSL_LONG_NAMES = {
    "1.3.6.1.5.5.7.3.1": "TLS Web Server Authentication",
    "1.3.6.1.5.5.7.3.2": "TLS Web Client Authentication",
    "1.3.6.1.5.5.7.3.3": "Code Signing",
    "1.3.6.1.5.5.7.3.4": "E-mail Protection",
    "1.3.6.1.5.5.7.3.5": "IPSec End System",
    "1.3.6.1.5.5.7.3.6": "IPSec Tunnel",
    "1.3.6.1.5.5.7.3.7": "IPSec User",
    "1.3.6.1.5.5.7.3.8": "Time Stamping",
    "1.3.6.1.5.5.7.3.9": "OCSP Signing",
    "1.3.6.1.5.5.7.3.17": "ipsec Internet Key Exchange",
    "2.5.29.37.0": "Any Extended Key Usage",
    "1.3.6.1.4.1.311.10.3.3": "Microsoft Server Gated Crypto",
    "1.3.6.1.4.1.311.10.3.4": "Microsoft Encrypted File System",
    "1.3.6.1.4.1.311.2.1.21": "Microsoft Individual Code Signing",
    "1.3.6.1.4.1.311.2.1.22": "Microsoft Commercial Code Signing",
    "1.3.6.1.4.1.311.20.2.2": "Microsoft Smartcard Login",
    "1.3.6.1.5.2.3.4": "PKINIT Client Auth",
    "1.3.6.1.5.2.3.5": "Signing KDC Response",
    "2.16.840.1.113730.4.1": "Netscape Server Gated Crypto",
    "1.3.6.1.5.5.7.48.1": "OCSP",
    "1.3.6.1.5.5.7.48.2": "CA Issuers",
    "1.3.6.1.5.5.7.48.3": "AD Time Stamping",
    "1.3.6.1.5.5.7.48.5": "CA Repository",
    "2.5.29.32.0": "X509v3 Any Policy",
    "1.3.6.1.5.5.7.2.1": "Policy Qualifier CPS",
    "1.3.6.1.5.5.7.2.2": "Policy Qualifier User Notice",
    "1.2.840.113549.1.1.1": "rsaEncryption",
    "1.2.840.10045.2.1": "id-ecPublicKey",
    "2.5.4.3": "commonName",
}

# otherName types that OpenSSL 3.0 prints by name, with the string type
# it requires for the value.
_OTHER_NAME_LABELS = {
    "1.3.6.1.4.1.311.20.2.3": ("UPN", _UTF8_STRING),
    "1.3.6.1.5.5.7.8.5": ("XmppAddr", _UTF8_STRING),
    "1.3.6.1.5.5.7.8.7": ("SRVName", _IA5_STRING),
    "1.3.6.1.5.5.7.8.8": ("NAIRealm", _UTF8_STRING),
    "1.3.6.1.5.5.7.8.9": ("SmtpUTF8Mailbox", _UTF8_STRING),
}


def openssl_long_name(oid: str) -> str:
    """Return the name OpenSSL 3.0 prints for ``oid``, else its dotted form.

    Only OIDs of :data:`OPENSSL_LONG_NAMES` are known.
    """
    return OPENSSL_LONG_NAMES.get(str(oid), str(oid))


class ExtensionValueError(PurePKIError, ValueError):
    """A value that a general name or an extension cannot hold.

    Builders raise it before anything is encoded, so no invalid structure
    is ever written.
    """


# --- DER writing ------------------------------------------------------------


def encode_oid(oid: str) -> bytes:
    """Encode a dotted OID as a DER OBJECT IDENTIFIER.

    Raises:
        ExtensionValueError: ``oid`` is not a valid dotted OID.
    """
    return der.encode(_oid_value(oid, "OID"))


def _oid_value(oid: str, field: str) -> Any:
    text = str(oid)
    arcs = text.split(".")
    valid = len(arcs) >= 2 and all(arc.isdigit() for arc in arcs)
    if valid and (
        int(arcs[0]) > 2 or (int(arcs[0]) < 2 and int(arcs[1]) > 39)
    ):
        valid = False
    if not valid:
        message = (
            f"{field} {text!r} is not a dotted object identifier; "
            "write it as arcs of digits, such as 1.3.6.1.4.1.311.20.2.3"
        )
        raise ExtensionValueError(message)
    return univ.ObjectIdentifier(text)


def _ascii(value: str, field: str) -> bytes:
    try:
        return value.encode("ascii")
    except UnicodeEncodeError:
        message = (
            f"{field} {value!r} contains non-ASCII characters, which an "
            "IA5String cannot hold; write internationalised domain names "
            "as A-labels (xn--...)"
        )
        raise ExtensionValueError(message) from None


def _printable(text: str) -> str:
    """Replace control characters by ``.`` as OpenSSL's string printer."""
    return "".join(
        "." if ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in text
    )


# --- The GeneralName alternatives ------------------------------------------


_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")


def normalize_dns(name: str) -> str:
    """Lower-case a DNS name and drop one trailing dot."""
    lowered = name.lower()
    return lowered[:-1] if lowered.endswith(".") else lowered


def is_valid_dns_name(name: str, *, allow_wildcard: bool = False) -> bool:
    """Tell whether ``name`` is a preferred-syntax DNS name (RFC 1034
    section 3.5, RFC 5280 section 4.2.1.6), optionally with a wildcard as
    the whole first label followed by at least two labels."""
    if not name or len(name) > 253 or not name.isascii():
        return False
    labels = normalize_dns(name).split(".")
    if allow_wildcard and labels[0] == "*":
        if len(labels) < 3:
            return False
        labels = labels[1:]
    return all(_LABEL.match(label) for label in labels)


class GeneralName(abc.ABC):
    """One GeneralName (RFC 5280 section 4.2.1.6).

    Attributes:
        TAG: The context tag number of the CHOICE alternative.
    """

    TAG: ClassVar[int]

    @abc.abstractmethod
    def to_der(self) -> bytes:
        """Encode the name as its tagged DER element."""

    @abc.abstractmethod
    def to_json(self) -> dict[str, Any]:
        """Return the name as JSON-ready data with a ``type`` key."""

    def print_form(self) -> str:
        """Return the form OpenSSL prints in name constraints and CRL
        distribution points (its ``GENERAL_NAME_print``)."""
        return str(self)


@dataclass(frozen=True)
class _StringName(GeneralName):
    """A name held in an IA5String."""

    value: str
    LABEL: ClassVar[str] = ""
    JSON_TYPE: ClassVar[str] = ""
    FIELD: ClassVar[str] = ""

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            message = (
                f"{self.FIELD} must be a str, found "
                f"{type(self.value).__name__}"
            )
            raise ExtensionValueError(message)
        _ascii(self.value, self.FIELD)

    def to_der(self) -> bytes:
        return der.encode_tlv(_CONTEXT | self.TAG, self.value.encode("ascii"))

    def to_json(self) -> dict[str, Any]:
        return {"type": self.JSON_TYPE, "value": self.value}

    def __str__(self) -> str:
        return f"{self.LABEL}:{_printable(self.value)}"


@dataclass(frozen=True)
class DNSName(_StringName):
    """A dNSName: a host name, or a domain in name constraints."""

    TAG: ClassVar[int] = TAG_DNS_NAME
    LABEL: ClassVar[str] = "DNS"
    JSON_TYPE: ClassVar[str] = "dns"
    FIELD: ClassVar[str] = "dNSName"


@dataclass(frozen=True)
class RFC822Name(_StringName):
    """An rfc822Name: an email address, or a mailbox domain in name
    constraints."""

    TAG: ClassVar[int] = TAG_RFC822_NAME
    LABEL: ClassVar[str] = "email"
    JSON_TYPE: ClassVar[str] = "email"
    FIELD: ClassVar[str] = "rfc822Name"


@dataclass(frozen=True)
class UniformResourceIdentifier(_StringName):
    """A uniformResourceIdentifier: a URI, or a host in name constraints."""

    TAG: ClassVar[int] = TAG_URI
    LABEL: ClassVar[str] = "URI"
    JSON_TYPE: ClassVar[str] = "uri"
    FIELD: ClassVar[str] = "uniformResourceIdentifier"


def _openssl_ip(packed: bytes) -> str:
    """Format an address as OpenSSL does: IPv6 as 8 uncompressed groups."""
    if len(packed) == 4:
        return ".".join(str(octet) for octet in packed)
    groups = [
        int.from_bytes(packed[i : i + 2], "big") for i in range(0, 16, 2)
    ]
    return ":".join(f"{group:X}" for group in groups)


@dataclass(frozen=True)
class IPAddress(GeneralName):
    """An iPAddress of an alternative name: 4 or 16 octets."""

    value: IPAddressValue
    TAG: ClassVar[int] = TAG_IP_ADDRESS

    def __post_init__(self) -> None:
        if not isinstance(
            self.value, (ipaddress.IPv4Address, ipaddress.IPv6Address)
        ):
            message = (
                "iPAddress must be an ipaddress.IPv4Address or "
                f"IPv6Address, found {self.value!r}; convert text with "
                "ipaddress.ip_address()"
            )
            raise ExtensionValueError(message)

    def to_der(self) -> bytes:
        return der.encode_tlv(_CONTEXT | self.TAG, self.value.packed)

    def to_json(self) -> dict[str, Any]:
        return {"type": "ip", "value": str(self.value)}

    def __str__(self) -> str:
        return f"IP Address:{_openssl_ip(self.value.packed)}"


@dataclass(frozen=True)
class IPNetwork(GeneralName):
    """An iPAddress of a name constraint: address and mask octets
    (RFC 5280 section 4.2.1.10)."""

    value: IPNetworkValue
    TAG: ClassVar[int] = TAG_IP_ADDRESS

    def __post_init__(self) -> None:
        if not isinstance(
            self.value, (ipaddress.IPv4Network, ipaddress.IPv6Network)
        ):
            message = (
                "name constraint iPAddress must be an ipaddress.IPv4Network "
                f"or IPv6Network, found {self.value!r}; convert text with "
                "ipaddress.ip_network()"
            )
            raise ExtensionValueError(message)

    def to_der(self) -> bytes:
        content = self.value.network_address.packed + self.value.netmask.packed
        return der.encode_tlv(_CONTEXT | self.TAG, content)

    def to_json(self) -> dict[str, Any]:
        return {"type": "ip_network", "value": str(self.value)}

    def __str__(self) -> str:
        address = _openssl_ip(self.value.network_address.packed)
        mask = _openssl_ip(self.value.netmask.packed)
        return f"IP:{address}/{mask}"


@dataclass(frozen=True)
class DirectoryName(GeneralName):
    """A directoryName: an X.509 distinguished name."""

    value: Name
    TAG: ClassVar[int] = TAG_DIRECTORY_NAME

    def to_der(self) -> bytes:
        # Name is an untagged CHOICE, so its [4] tag is explicit even in the
        # IMPLICIT TAGS module of RFC 5280.
        return der.encode_tlv(
            _CONTEXT | _CONSTRUCTED | self.TAG, self.value.to_der()
        )

    def to_json(self) -> dict[str, Any]:
        return {"type": "directory_name", "value": self.value.rfc4514()}

    def __str__(self) -> str:
        return f"DirName:{slash_oneline(self.value)}"

    def print_form(self) -> str:
        return f"DirName:{self.value.openssl_oneline()}"


def slash_oneline(name: Name) -> str:
    """Return ``name`` as OpenSSL's ``X509_NAME_oneline`` writes it, the
    form ``x509 -text`` prints in alternative names:
    ``/C=GB/O=Example/CN=x``.

    Attributes of one RDN are joined by ``+``. Value octets outside
    printable ASCII (a space to ``~``) are written as ``\\xHH``, so a
    UTF-8 value shows the hex of its multi-octet characters.
    """
    parts = []
    for rdn in name.rdns:
        for index, attribute in enumerate(rdn.attributes):
            separator = "+" if index else "/"
            value = _escape_octets(_value_octets(attribute.raw))
            parts.append(f"{separator}{attribute.short_name}={value}")
    return "".join(parts)


def _value_octets(raw: bytes) -> bytes:
    try:
        node = der.scan(raw)
    except DecodeError:
        return raw
    return node.content(raw)


def _escape_octets(octets: bytes) -> str:
    return "".join(
        chr(octet) if 0x20 <= octet <= 0x7E else f"\\x{octet:02X}"
        for octet in octets
    )


@dataclass(frozen=True)
class OtherName(GeneralName):
    """An otherName: a type OID and the DER of its value.

    Attributes:
        type_id: The dotted OID naming the type.
        value_der: The value's own DER element, without the ``[0]``
            explicit tag around it.
    """

    type_id: str
    value_der: bytes
    TAG: ClassVar[int] = TAG_OTHER_NAME

    def __post_init__(self) -> None:
        _oid_value(self.type_id, "otherName type-id")
        object.__setattr__(self, "type_id", str(self.type_id))
        try:
            der.scan(bytes(self.value_der))
        except DecodeError as error:
            message = (
                f"otherName value for {self.type_id} is not one DER "
                f"element ({error.reason}); pass the encoded value, such as "
                "OtherName.from_utf8(type_id, text)"
            )
            raise ExtensionValueError(message) from None

    @classmethod
    def from_utf8(cls, type_id: str, text: str) -> OtherName:
        """Make an otherName whose value is a UTF8String, as the Microsoft
        UPN (1.3.6.1.4.1.311.20.2.3) uses."""
        return cls(type_id, der.encode_tlv(_UTF8_STRING, text.encode("utf-8")))

    @property
    def text(self) -> Optional[str]:
        """The value as text when it is a UTF8String or an IA5String."""
        tag, content = self._string()
        return content if tag in (_UTF8_STRING, _IA5_STRING) else None

    def _string(self) -> tuple[int, Optional[str]]:
        node = der.scan(self.value_der)
        content = node.content(self.value_der)
        if node.tag_class != der.CLASS_UNIVERSAL or node.constructed:
            return -1, None
        tag = node.number
        if tag == _UTF8_STRING:
            return tag, content.decode("utf-8")
        if tag == _IA5_STRING and content.isascii():
            return tag, content.decode("ascii")
        return tag, None

    def to_der(self) -> bytes:
        explicit = der.encode_tlv(_CONTEXT | _CONSTRUCTED | 0, self.value_der)
        content = encode_oid(self.type_id) + explicit
        return der.encode_tlv(_CONTEXT | _CONSTRUCTED | self.TAG, content)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "other_name",
            "type_id": self.type_id,
            "value_der": self.value_der.hex(),
            "text": self.text,
        }

    def __str__(self) -> str:
        tag, text = self._string()
        known = _OTHER_NAME_LABELS.get(self.type_id)
        if known is not None:
            label, required = known
            displayed = text if tag == required and text is not None else None
        else:
            label = openssl_long_name(self.type_id)
            displayed = text
        value = "<unsupported>" if displayed is None else _printable(displayed)
        return f"othername: {label}::{value}"

    def print_form(self) -> str:
        tag, text = self._string()
        known = _OTHER_NAME_LABELS.get(self.type_id)
        if known is None or tag != known[1] or text is None:
            return "othername:<unsupported>"
        return f"othername:{known[0]}:{_printable(text)}"


@dataclass(frozen=True)
class RegisteredID(GeneralName):
    """A registeredID: an OBJECT IDENTIFIER."""

    oid: str
    TAG: ClassVar[int] = TAG_REGISTERED_ID

    def __post_init__(self) -> None:
        _oid_value(self.oid, "registeredID")
        object.__setattr__(self, "oid", str(self.oid))

    def to_der(self) -> bytes:
        content = encode_oid(self.oid)[2:]
        return der.encode_tlv(_CONTEXT | self.TAG, content)

    def to_json(self) -> dict[str, Any]:
        return {"type": "registered_id", "value": self.oid}

    def __str__(self) -> str:
        return f"Registered ID:{openssl_long_name(self.oid)}"


@dataclass(frozen=True)
class UnsupportedGeneralName(GeneralName):
    """An x400Address or ediPartyName, kept as its DER element.

    Attributes:
        tag: The context tag number (3 or 5).
        der: The whole tagged element as received.
    """

    tag: int
    der: bytes
    TAG: ClassVar[int] = -1

    def to_der(self) -> bytes:
        return self.der

    def to_json(self) -> dict[str, Any]:
        return {"type": "unsupported", "tag": self.tag, "der": self.der.hex()}

    def __str__(self) -> str:
        label = "X400Name" if self.tag == TAG_X400_ADDRESS else "EdiPartyName"
        return f"{label}:<unsupported>"


# --- Strict decoding with field paths --------------------------------------


def join_path(path: str, name: str) -> str:
    """Append a field name or an ``[index]`` to a field path."""
    if not name:
        return path
    if not path or name.startswith("["):
        return f"{path}{name}"
    return f"{path}.{name}"


def decode_with_tree(
    data: bytes, schema: Any, *, source: str = "", path: str = ""
) -> tuple[Any, der.Node]:
    """Decode strict DER and return the pyasn1 value with its element tree.

    Strings of an ASCII type (IA5String and PrintableString among them)
    with other bytes are reported with the field path and offset, which
    the pyasn1 value builder alone does not give.

    Args:
        data: The encoded value.
        schema: A pyasn1 type instance.
        source: File name or description displayed in errors.
        path: Field path of ``data`` within its container, put in front
            of the paths of errors.

    Raises:
        DecodeError: The input is not valid DER of ``schema``.
    """
    try:
        tree = der.decode_tree(data, schema, source=source)
        try:
            value = der.decode(data, schema, source=source)
        except DecodeError as error:
            if error.offset is not None:
                raise
            found = _find_invalid_string(schema, tree, data, "")
            if found is None:
                raise
            where, node, reason = found
            raise DecodeError(
                reason, offset=node.offset, path=where, source=source
            ) from None
    except DecodeError as error:
        raise prefix_error(error, path) from None
    return value, tree


def prefix_error(error: DecodeError, path: str) -> DecodeError:
    """Return ``error`` with ``path`` put in front of its field path."""
    if not path:
        return error
    copy = type(error).__new__(type(error))
    DecodeError.__init__(
        copy,
        error.reason,
        offset=error.offset,
        path=join_path(path, error.path) if error.path else path,
        source=error.source,
    )
    return copy


def _tag_layers(schema: Any) -> tuple[list[tuple[int, int]], Any]:
    """Return the explicit wrapper tags, outermost first, and the own tag
    (``None`` for an untagged CHOICE or ANY)."""
    tags = [(t.tagClass >> 6, t.tagId) for t in schema.tagSet.superTags]
    if isinstance(schema, (univ.Choice, univ.Any)):
        return list(reversed(tags)), None
    return list(reversed(tags[1:])), tags[0]


def _starts(schema: Any, node: der.Node) -> bool:
    wrappers, own = _tag_layers(schema)
    tag = (node.tag_class, node.number)
    if wrappers:
        return wrappers[0] == tag
    if own is not None:
        return bool(own == tag)
    if isinstance(schema, univ.Choice):
        return any(
            _starts(named.asn1Object, node)
            for named in schema.componentType.namedTypes
        )
    return True


def _find_invalid_string(
    schema: Any, node: der.Node, data: bytes, path: str
) -> Optional[tuple[str, der.Node, str]]:
    """Find the first ASCII-only string whose content has other bytes.

    Runs over a tree that :func:`purepki.asn1.der.decode_tree` accepted
    for ``schema``, so tags and field order are already known to fit.
    """
    wrappers, _ = _tag_layers(schema)
    for _wrapper in wrappers:
        node = node.children[0]
    if isinstance(schema, univ.Any):
        return None
    if isinstance(schema, univ.Choice):
        for named in schema.componentType.namedTypes:
            if _starts(named.asn1Object, node):
                inner = join_path(path, named.name)
                return _find_invalid_string(
                    named.asn1Object, node, data, inner
                )
        return None
    if isinstance(schema, char.AbstractCharacterString):
        return _check_ascii(schema, node, data, path)
    if isinstance(schema, (univ.SequenceOf, univ.SetOf)):
        for index, child in enumerate(node.children):
            found = _find_invalid_string(
                schema.componentType, child, data, f"{path}[{index}]"
            )
            if found is not None:
                return found
        return None
    if isinstance(schema, (univ.Sequence, univ.Set)):
        return _find_in_fields(schema, node, data, path)
    return None


def _find_in_fields(
    schema: Any, node: der.Node, data: bytes, path: str
) -> Optional[tuple[str, der.Node, str]]:
    fields = list(schema.componentType.namedTypes)
    index = 0
    for child in node.children:
        while index < len(fields) and not _starts(
            fields[index].asn1Object, child
        ):
            index += 1
        if index == len(fields):
            return None
        field = fields[index]
        index += 1
        found = _find_invalid_string(
            field.asn1Object, child, data, join_path(path, field.name)
        )
        if found is not None:
            return found
    return None


def _check_ascii(
    schema: Any, node: der.Node, data: bytes, path: str
) -> Optional[tuple[str, der.Node, str]]:
    if schema.encoding != "us-ascii":
        return None
    content = node.content(data)
    for position, octet in enumerate(content):
        if octet >= 0x80:
            kind = type(schema).__name__
            for base in type(schema).__mro__:
                if base.__module__ == char.__name__:
                    kind = base.__name__
                    break
            reason = (
                f"{kind} contains byte 0x{octet:02X} at octet {position}, "
                "but the type allows ASCII characters only"
            )
            return path, node, reason
    return None


# --- Parsing GeneralName elements ------------------------------------------


def general_name_from_tree(
    value: Any,
    node: der.Node,
    data: bytes,
    *,
    path: str = "",
    in_name_constraints: bool = False,
) -> GeneralName:
    """Build a :class:`GeneralName` from a decoded value and its element.

    Args:
        value: The pyasn1 ``rfc5280.GeneralName`` value.
        node: Its element in the tree of ``data``.
        data: The input the tree describes.
        path: Field path of the name, for errors.
        in_name_constraints: Read an iPAddress as address and mask
            (RFC 5280 section 4.2.1.10).

    Raises:
        DecodeError: The name breaks a rule of RFC 5280.
    """
    kind = value.getName()
    component = value.getComponent()
    where = join_path(path, kind)
    if kind in ("dNSName", "rfc822Name", "uniformResourceIdentifier"):
        cls = _STRING_CLASSES[kind]
        return cls(str(component))
    if kind == "iPAddress":
        octets = node.content(data)
        if in_name_constraints:
            return _ip_network(octets, node, where)
        return _ip_address(octets, node, where)
    if kind == "registeredID":
        return RegisteredID(str(component))
    if kind == "otherName":
        wrapper = node.children[1]
        inner = wrapper.children[0]
        return OtherName(
            str(component["type-id"]), data[inner.offset : inner.end]
        )
    if kind == "directoryName":
        return _directory_name(node, data, where)
    return UnsupportedGeneralName(node.number, data[node.offset : node.end])


_STRING_CLASSES: dict[str, type[_StringName]] = {
    "dNSName": DNSName,
    "rfc822Name": RFC822Name,
    "uniformResourceIdentifier": UniformResourceIdentifier,
}


def _ip_address(octets: bytes, node: der.Node, path: str) -> IPAddress:
    if len(octets) == 4:
        return IPAddress(ipaddress.IPv4Address(octets))
    if len(octets) == 16:
        return IPAddress(ipaddress.IPv6Address(octets))
    reason = (
        f"iPAddress has {len(octets)} octets; an alternative name contains "
        "4 (IPv4) or 16 (IPv6) (RFC 5280 section 4.2.1.6)"
    )
    raise DecodeError(reason, offset=node.offset, path=path)


def _ip_network(octets: bytes, node: der.Node, path: str) -> IPNetwork:
    if len(octets) not in (8, 32):
        reason = (
            f"iPAddress has {len(octets)} octets; a name constraint contains "
            "address and mask, 8 (IPv4) or 32 (IPv6) "
            "(RFC 5280 section 4.2.1.10)"
        )
        raise DecodeError(reason, offset=node.offset, path=path)
    half = len(octets) // 2
    address = int.from_bytes(octets[:half], "big")
    mask = int.from_bytes(octets[half:], "big")
    bits = half * 8
    inverted = ~mask & ((1 << bits) - 1)
    if inverted & (inverted + 1):
        displayed = _openssl_ip(octets[half:])
        reason = (
            f"name constraint mask {displayed} is not contiguous; it must be "
            "leading one bits (a CIDR prefix, RFC 4632)"
        )
        raise DecodeError(reason, offset=node.offset, path=path)
    prefix = bits - inverted.bit_length()
    network = ipaddress.ip_network((address, prefix), strict=False)
    if address & inverted:
        message = (
            f"{path}: name constraint address "
            f"{ipaddress.ip_address(address)} has bits set outside its "
            f"/{prefix} mask; reading it as {network}"
        )
        warnings.warn(message, PurePKIWarning, stacklevel=2)
    return IPNetwork(network)


def _directory_name(node: der.Node, data: bytes, path: str) -> DirectoryName:
    from purepki.name import Name

    inner = node.children[0]
    encoded = data[inner.offset : inner.end]
    try:
        name = Name.from_der(encoded, source="")
    except DecodeError as error:
        located = error.relocate(base_offset=inner.offset)
        raise prefix_error(located, path) from None
    return DirectoryName(name)


def general_names_from_tree(
    value: Any,
    node: der.Node,
    data: bytes,
    *,
    path: str = "",
    in_name_constraints: bool = False,
) -> tuple[GeneralName, ...]:
    """Build the names of a decoded GeneralNames from its element.

    Raises:
        DecodeError: The list is empty (RFC 5280 section 4.2.1.6 requires
            at least one name) or a name is invalid.
    """
    if len(node.children) == 0:
        reason = (
            "GeneralNames is empty; RFC 5280 section 4.2.1.6 requires at "
            "least one name"
        )
        raise DecodeError(reason, offset=node.offset, path=path)
    return tuple(
        general_name_from_tree(
            item,
            child,
            data,
            path=f"{path}[{index}]",
            in_name_constraints=in_name_constraints,
        )
        for index, (item, child) in enumerate(zip(value, node.children))
    )


def general_name_from_pyasn1(
    value: Any, *, in_name_constraints: bool = False
) -> GeneralName:
    """Build a :class:`GeneralName` from a pyasn1 ``rfc5280.GeneralName``.

    The value is re-encoded to find its elements, so a directoryName whose
    received encoding was not DER (an unsorted SET OF) may get different
    bytes. :func:`parse_general_names` keeps the received bytes.

    Raises:
        DecodeError: The name breaks a rule of RFC 5280.
    """
    data = der.encode(value)
    node = der.scan(data)
    return general_name_from_tree(
        value, node, data, in_name_constraints=in_name_constraints
    )


def general_name_to_pyasn1(name: GeneralName) -> Any:
    """Return ``name`` as a pyasn1 ``rfc5280.GeneralName`` value."""
    return der.decode(name.to_der(), rfc5280.GeneralName())


def parse_general_names(
    data: bytes, *, source: str = "", in_name_constraints: bool = False
) -> tuple[GeneralName, ...]:
    """Parse DER GeneralNames (a SEQUENCE of GeneralName).

    Args:
        data: The encoded SEQUENCE.
        source: File name or description displayed in errors.
        in_name_constraints: Read iPAddress values as address and mask.

    Returns:
        The names in order.

    Raises:
        DecodeError: The input is not strict DER GeneralNames, is empty,
            or contains an invalid name.
    """
    value, tree = decode_with_tree(
        bytes(data), rfc5280.GeneralNames(), source=source
    )
    try:
        return general_names_from_tree(
            value, tree, data, in_name_constraints=in_name_constraints
        )
    except DecodeError as error:
        raise error.relocate(source=source) from None


def encode_general_names(names: Iterable[GeneralName]) -> bytes:
    """Encode GeneralNames as DER.

    Raises:
        ExtensionValueError: ``names`` is empty (RFC 5280 section 4.2.1.6
            requires at least one name) or contains a non-GeneralName.
    """
    items = tuple(names)
    check_general_names(items, "GeneralNames")
    return der.encode_tlv(0x30, b"".join(name.to_der() for name in items))


def check_general_names(names: tuple[Any, ...], field: str) -> None:
    """Check that ``names`` is a non-empty tuple of GeneralName values.

    Raises:
        ExtensionValueError: It is empty or contains something else.
    """
    if not names:
        message = (
            f"{field} has no names; RFC 5280 section 4.2.1.6 requires at "
            "least one, so leave the extension out instead"
        )
        raise ExtensionValueError(message)
    for name in names:
        if not isinstance(name, GeneralName):
            message = (
                f"{field} holds {name!r}, which is not a GeneralName; wrap "
                "it, such as DNSName('a.example.test')"
            )
            raise ExtensionValueError(message)
