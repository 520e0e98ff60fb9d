"""X.509 distinguished names: parse, build, RFC 4514 text and comparison.

A :class:`Name` is an immutable value that keeps its DER bytes exactly as
received. A name copied into another certificate (a subject used as an
issuer) therefore keeps its string types, its bytes and the order of its
SET OF elements. Names compare and hash by those bytes. :meth:`Name.matches`
and :attr:`Name.comparison_key` compare them as RFC 5280 section 7.1
specifies, ignoring case and insignificant spaces.

Attribute values of every DirectoryString type are read: UTF8String,
PrintableString, TeletexString (read as Latin-1, as OpenSSL and browsers
do), BMPString (UTF-16BE), UniversalString (UTF-32BE), and also IA5String,
NumericString and VisibleString. Deviations found in real certificates are
read with a :class:`~purepki.errors.PurePKIWarning`: a PrintableString with
characters outside its set, a TeletexString containing UTF-8, a value
that is not a string. The builders are strict and write UTF8String,
PrintableString for country codes and IA5String for email addresses (RFC
5280 appendix A.1).

Three text forms:

- :meth:`Name.rfc4514`: RFC 4514 section 2, last RDN first, with escapes.
- :meth:`Name.from_rfc4514`: the inverse, with escapes, ``#`` hex values
  and multi-valued RDNs.
- :meth:`Name.openssl_oneline`: what ``openssl x509 -noout -subject
  -nameopt oneline`` prints after ``subject=`` (OpenSSL 3.0).
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, Optional, Union

from pyasn1_modules import rfc5280

from purepki._record import dataclass, field
from purepki.asn1 import der
from purepki.asn1.oids import OID, AttributeOID, NameOID, display_name
from purepki.errors import DecodeError, PurePKIError, PurePKIWarning


class InvalidName(PurePKIError, ValueError):
    """A name attribute or value that the builders reject."""


class StringType(enum.IntEnum):
    """Universal tag numbers of the string types read in names."""

    UTF8_STRING = 12
    NUMERIC_STRING = 18
    PRINTABLE_STRING = 19
    TELETEX_STRING = 20
    IA5_STRING = 22
    VISIBLE_STRING = 26
    UNIVERSAL_STRING = 28
    BMP_STRING = 30


#: ``NameAttribute.string_type`` of a value whose tag is not universal.
NOT_UNIVERSAL = -1

_STRING_TYPES = frozenset(int(member) for member in StringType)

# Types read one octet per character, as Latin-1.
_OCTET_TYPES = frozenset(
    {
        StringType.NUMERIC_STRING,
        StringType.PRINTABLE_STRING,
        StringType.TELETEX_STRING,
        StringType.IA5_STRING,
        StringType.VISIBLE_STRING,
    }
)

# Character sets that X.680 defines for the restricted string types.
# TeletexString has no check, because its T.61 repertoire is read as Latin-1.
_PRINTABLE_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    " '()+,-./:=?"
)
_ALLOWED_CHARACTERS = {
    StringType.NUMERIC_STRING: frozenset("0123456789 "),
    StringType.PRINTABLE_STRING: _PRINTABLE_CHARACTERS,
    StringType.IA5_STRING: frozenset(chr(code) for code in range(0x80)),
    StringType.VISIBLE_STRING: frozenset(
        chr(code) for code in range(0x20, 0x7F)
    ),
}

# Display names of name attributes that purepki.asn1.oids does not list,
# spelled as OpenSSL 3.0 prints them.
# NOTE: OpenSSL names more attribute types (houseIdentifier, for one). Here
# their display names are dotted OIDs, so openssl_oneline differs for them.
_EXTRA_DISPLAY_NAMES = {
    "2.5.4.13": "description",
    "2.5.4.16": "postalAddress",
    "2.5.4.18": "postOfficeBox",
    "2.5.4.41": "name",
    "2.5.4.45": "x500UniqueIdentifier",
    "2.5.4.54": "dmdName",
    "2.5.4.72": "role",
    "1.2.840.113549.1.9.8": "unstructuredAddress",
    "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
    "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
}

# Attribute types whose values are strings (X.520, RFC 4519, PKCS#9). A
# value of another type under one of them is read with a warning.
_STRING_ATTRIBUTES = frozenset(
    {
        *(
            str(value)
            for value in vars(NameOID).values()
            if isinstance(value, OID)
        ),
        AttributeOID.UNSTRUCTURED_NAME,
        "2.5.4.13",
        "2.5.4.18",
        "2.5.4.41",
        "2.5.4.54",
        "1.2.840.113549.1.9.8",
        "1.3.6.1.4.1.311.60.2.1.1",
        "1.3.6.1.4.1.311.60.2.1.2",
    }
)

# Attribute type names of RFC 4514 output: the table of RFC 4514 section 3,
# then descriptors that RFC 4519 defines, and emailAddress as OpenSSL and
# most tools write it. Other types are written as dotted OIDs.
_RFC4514_NAMES: dict[str, str] = {
    NameOID.COMMON_NAME: "CN",
    NameOID.LOCALITY_NAME: "L",
    NameOID.STATE_OR_PROVINCE_NAME: "ST",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.COUNTRY_NAME: "C",
    NameOID.STREET_ADDRESS: "STREET",
    NameOID.DOMAIN_COMPONENT: "DC",
    NameOID.USER_ID: "UID",
    NameOID.SURNAME: "SN",
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.TITLE: "title",
    NameOID.POSTAL_CODE: "postalCode",
    NameOID.GIVEN_NAME: "givenName",
    NameOID.INITIALS: "initials",
    NameOID.GENERATION_QUALIFIER: "generationQualifier",
    NameOID.DN_QUALIFIER: "dnQualifier",
    NameOID.BUSINESS_CATEGORY: "businessCategory",
    NameOID.EMAIL_ADDRESS: "emailAddress",
    "2.5.4.13": "description",
    "2.5.4.41": "name",
    "2.5.4.18": "postOfficeBox",
}

# Long names (X.520 and OpenSSL) accepted in RFC 4514 input.
_LONG_NAMES: dict[str, str] = {
    "commonName": NameOID.COMMON_NAME,
    "surname": NameOID.SURNAME,
    "countryName": NameOID.COUNTRY_NAME,
    "localityName": NameOID.LOCALITY_NAME,
    "stateOrProvinceName": NameOID.STATE_OR_PROVINCE_NAME,
    "streetAddress": NameOID.STREET_ADDRESS,
    "organizationName": NameOID.ORGANIZATION_NAME,
    "organizationalUnitName": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "domainComponent": NameOID.DOMAIN_COMPONENT,
    "userId": NameOID.USER_ID,
    "email": NameOID.EMAIL_ADDRESS,
    # Windows certificate tools print emailAddress as E.
    "E": NameOID.EMAIL_ADDRESS,
    "jurisdictionCountryName": NameOID.JURISDICTION_COUNTRY,
}


def _build_type_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for value in vars(NameOID).values():
        if isinstance(value, OID):
            names[value.display.lower()] = value.dotted
    for dotted, display in _EXTRA_DISPLAY_NAMES.items():
        names[display.lower()] = dotted
    for dotted, descriptor in _RFC4514_NAMES.items():
        names[descriptor.lower()] = str(dotted)
    for long_name, dotted in _LONG_NAMES.items():
        names[long_name.lower()] = str(dotted)
    return names


# Lower-case attribute type name -> dotted OID, for RFC 4514 input.
_TYPE_NAMES = _build_type_names()

#: Attribute names :meth:`Name.build` accepts, short and long, with OIDs.
BUILDER_ATTRIBUTES: dict[str, str] = {
    "CN": NameOID.COMMON_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "L": NameOID.LOCALITY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "C": NameOID.COUNTRY_NAME,
    "emailAddress": NameOID.EMAIL_ADDRESS,
    "commonName": NameOID.COMMON_NAME,
    "organizationalUnitName": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "organizationName": NameOID.ORGANIZATION_NAME,
    "localityName": NameOID.LOCALITY_NAME,
    "stateOrProvinceName": NameOID.STATE_OR_PROVINCE_NAME,
    "countryName": NameOID.COUNTRY_NAME,
}
_BUILDER_LOOKUP = {key.lower(): oid for key, oid in BUILDER_ATTRIBUTES.items()}

# Upper bounds of value lengths in characters (RFC 5280 appendix A.1:
# ub-common-name, ub-locality-name, ub-state-name, ub-organization-name,
# ub-organizational-unit-name, ub-title, ub-serial-number, ub-pseudonym,
# ub-emailaddress-length, and ub-name for the X520name types).
_UPPER_BOUNDS: dict[str, int] = {
    NameOID.COMMON_NAME: 64,
    NameOID.LOCALITY_NAME: 128,
    NameOID.STATE_OR_PROVINCE_NAME: 128,
    NameOID.ORGANIZATION_NAME: 64,
    NameOID.ORGANIZATIONAL_UNIT_NAME: 64,
    NameOID.TITLE: 64,
    NameOID.SERIAL_NUMBER: 64,
    NameOID.PSEUDONYM: 128,
    NameOID.EMAIL_ADDRESS: 255,
    NameOID.SURNAME: 32768,
    NameOID.GIVEN_NAME: 32768,
    NameOID.INITIALS: 32768,
    NameOID.GENERATION_QUALIFIER: 32768,
}

# Country codes are PrintableString SIZE (2): RFC 5280 appendix A.1 for
# countryName, and the CA/Browser Forum EV Guidelines use the same ISO 3166
# codes for jurisdictionCountryName.
_COUNTRY_ATTRIBUTES = frozenset(
    {NameOID.COUNTRY_NAME, NameOID.JURISDICTION_COUNTRY}
)
_PRINTABLE_ATTRIBUTES = frozenset(
    {*_COUNTRY_ATTRIBUTES, NameOID.SERIAL_NUMBER, NameOID.DN_QUALIFIER}
)
# emailAddress is IA5String (RFC 5280 appendix A.1, PKCS#9) and
# domainComponent is IA5String (RFC 4519).
_IA5_ATTRIBUTES = frozenset({NameOID.EMAIL_ADDRESS, NameOID.DOMAIN_COMPONENT})

_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")
_DOTTED_OID = re.compile(
    r"(?:[01]\.(?:[0-9]|[1-3][0-9])|2\.(?:0|[1-9][0-9]*))"
    r"(?:\.(?:0|[1-9][0-9]*))*"
)


# --- Value objects ---------------------------------------------------------


@dataclass(frozen=True)
class NameAttribute:
    """One AttributeTypeAndValue of a name.

    Attributes:
        oid: The attribute type as a dotted OID; compare it with the
            :class:`~purepki.asn1.oids.NameOID` constants.
        value: The decoded text. A value that is not a string is shown as
            ``#`` and the hex of its DER, the RFC 4514 form.
        string_type: Universal tag number of the value (see
            :class:`StringType`), or :data:`NOT_UNIVERSAL`.
        raw: DER of the AttributeValue, exactly as received or built.
    """

    oid: str
    value: str
    string_type: int
    raw: bytes = field(repr=False)

    @property
    def short_name(self) -> str:
        """The type's short name as OpenSSL prints it (``CN``, ``O``,
        ``emailAddress``), or the dotted OID when it is unknown."""
        return _display_name(self.oid)

    @property
    def is_string(self) -> bool:
        """Whether the value is one of the string types of
        :class:`StringType`."""
        return self.string_type in _STRING_TYPES


@dataclass(frozen=True)
class RelativeDistinguishedName:
    """One RDN: a SET OF attributes, in the order they were encoded.

    Attributes:
        attributes: The attributes; most RDNs have exactly one.
    """

    attributes: tuple[NameAttribute, ...]

    def __iter__(self) -> Iterator[NameAttribute]:
        return iter(self.attributes)

    def __len__(self) -> int:
        return len(self.attributes)


@dataclass(frozen=True, eq=False, repr=False)
class Name:
    """An X.509 Name (RFC 5280 section 4.1.2.4), kept with its DER bytes.

    Make names with :meth:`from_der`, :meth:`from_pyasn1`, :meth:`build`
    or :meth:`from_rfc4514`, because the constructor does not check that
    ``encoded`` contains ``rdns``. Names compare and hash by their DER
    bytes. Use :meth:`matches` for the comparison of RFC 5280 section 7.1.

    Attributes:
        rdns: The RDNs in encoded order, the most significant first (the
            country or the domain component of the top level).
        encoded: The DER bytes.
    """

    rdns: tuple[RelativeDistinguishedName, ...]
    encoded: bytes

    # --- Parsing -----------------------------------------------------------

    @classmethod
    def from_der(cls, data: bytes, *, source: str = "name") -> Name:
        """Parse a DER-encoded Name, keeping its bytes.

        Args:
            data: The encoded Name; nothing may follow it.
            source: File name or description shown in errors and warnings.

        Returns:
            The name; :meth:`to_der` returns ``data`` unchanged.

        Raises:
            DecodeError: The input is not DER, not a Name, has an empty
                RDN, or contains a value that is invalid in its string type
                (an odd-length BMPString, a UniversalString character above
                U+10FFFF). The error names the offset and the field path.
        """
        name, notes = _parse(bytes(data), source)
        _emit(notes)
        return name

    @classmethod
    def from_pyasn1(
        cls,
        value: Any,
        der: bytes,
        *,
        source: str = "name",
        path: str = "",
        offset: int = 0,
    ) -> Name:
        """Make a name from a decoded ``rfc5280.Name`` and its bytes.

        The attributes are read from ``der``, which must be the bytes
        ``value`` was decoded from; only the number of RDNs is compared.

        Args:
            value: The pyasn1 ``rfc5280.Name``.
            der: Its DER encoding as received.
            source: File name or description shown in errors and warnings.
            path: Field path of the name in its enclosing structure, such
                as ``tbsCertificate.subject``.
            offset: Offset of the name in its enclosing input, added to
                error offsets.

        Returns:
            The name; :meth:`to_der` returns ``der`` unchanged.

        Raises:
            DecodeError: As :meth:`from_der`, located with ``path`` and
                ``offset``.
            ValueError: ``value`` and ``der`` differ in their number of
                RDNs.
        """
        name, notes = _parse(bytes(der), source, path, offset)
        expected = len(value["rdnSequence"])
        if expected != len(name.rdns):
            raise ValueError(
                f"{_where(source, path)}: the decoded Name has {expected} "
                f"RDNs but its bytes hold {len(name.rdns)}; pass the bytes "
                "the value was decoded from"
            )
        _emit(notes)
        return name

    # --- Building ----------------------------------------------------------

    @classmethod
    def build(cls, attributes: Sequence[tuple[str, str]]) -> Name:
        """Build a name from (attribute, value) pairs, one RDN each.

        Attribute names are those of the appliance's ``pki csr`` command,
        ``CN``, ``OU``, ``O``, ``L``, ``ST``, ``C`` and ``emailAddress``,
        their long names (``commonName`` and so on), in any letter case,
        or dotted OIDs. RDNs appear in the order given, so list ``C`` first
        for the usual most-significant-first order.

        Values are written as UTF8String, except ``C`` as PrintableString
        and ``emailAddress`` as IA5String (RFC 5280 appendix A.1).

        Args:
            attributes: The (attribute, value) pairs.

        Returns:
            The name, in canonical DER.

        Raises:
            InvalidName: An unknown attribute name, an empty value, a value
                longer than its RFC 5280 upper bound, a ``C`` that is not
                two ASCII letters, or an ``emailAddress`` that is not ASCII.
        """
        rdns: list[list[bytes]] = []
        for attribute, text in attributes:
            oid = _builder_oid(attribute)
            rdns.append([_encode_attribute(oid, text)])
        name, _ = _parse(_encode_name(rdns), "built name")
        return name

    @classmethod
    def from_rfc4514(cls, text: str) -> Name:
        """Parse an RFC 4514 string such as ``CN=host,O=Example,C=GB``.

        The string lists the last RDN first, so the name's first RDN is the
        string's last. Escapes are a backslash before a special character
        (``\\,``, ``\\+``, ``\\"``, ``\\\\``) or before two hex digits,
        which give one octet of UTF-8. A value may also be ``#`` and the
        hex of its BER, and ``+`` joins the attributes of a multi-valued
        RDN. Attribute types are short names (``CN``, ``UID``,
        ``emailAddress``), long names or dotted OIDs, in any letter case.
        Spaces before an attribute type are skipped. Other spaces at the
        start or end of a value must be escaped as ``\\ ``.

        String values are encoded as :meth:`build` encodes them, with
        domainComponent as IA5String and serialNumber and dnQualifier as
        PrintableString. Multi-valued RDNs are sorted as DER requires.

        Args:
            text: The RFC 4514 string; an empty string is the empty name.

        Returns:
            The name, in canonical DER.

        Raises:
            DecodeError: The string breaks the RFC 4514 grammar, names an
                unknown attribute type, or a ``#`` value is not one DER
                element. The offset counts characters.
            InvalidName: A value breaks a rule of :meth:`build`.
        """
        source = _rfc4514_source(text)
        rdns: list[list[bytes]] = []
        for rdn in reversed(_RFC4514Parser(text, source).parse()):
            rdns.append([_encode_parsed(oid, value) for oid, value in rdn])
        name, notes = _parse(_encode_name(rdns), source)
        _emit(notes)
        return name

    # --- Encoding ----------------------------------------------------------

    def to_der(self) -> bytes:
        """Return the DER bytes: as received when parsed, canonical when
        built."""
        return self.encoded

    def to_pyasn1(self) -> Any:
        """Return a new ``rfc5280.Name`` decoded from :meth:`to_der`."""
        return der.decode(self.encoded, rfc5280.Name())

    # --- Text forms --------------------------------------------------------

    def rfc4514(self) -> str:
        """Return the name as RFC 4514 section 2 writes it.

        The last RDN comes first; the attributes of a multi-valued RDN keep
        their encoded order, joined by ``+``. Types without an RFC 4514 or
        RFC 4519 short name are dotted OIDs with ``#`` hex values, as are
        values that are not strings or hold unpaired surrogates. Control,
        format and separator characters other than the space are escaped
        as ``\\`` and hex octets of UTF-8, so the text is safe to print.
        """
        parts = []
        for rdn in reversed(self.rdns):
            parts.append("+".join(_rfc4514_attribute(a) for a in rdn))
        return ",".join(parts)

    def openssl_oneline(self) -> str:
        """Return the name as ``openssl x509 -noout -subject -nameopt
        oneline`` prints it after ``subject=`` (OpenSSL 3.0).

        RDNs come in encoded order, joined by ``", "``, and the attributes
        of a multi-valued RDN are joined by ``" + "``, each as ``type =
        value``. A value containing ``, + ; < >``, with a space at either
        end or with a leading ``#`` is put in double quotes. A backslash
        escapes ``"`` and ``\\``. Control characters and each octet of a
        non-ASCII character's UTF-8 are written as ``\\XX``. Values that
        are not strings are ``#`` and the hex of their DER.

        NOTE: OpenSSL 3.0 rejects a certificate whose BMPString or
        UniversalString contains a surrogate. This method prints a lone
        surrogate as ``\\UXXXX`` (OpenSSL's notation for characters above
        U+00FF) and a surrogate pair in a BMPString as the character.
        """
        parts = []
        for rdn in self.rdns:
            parts.append(" + ".join(_oneline_attribute(a) for a in rdn))
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"Name({self.rfc4514()!r})"

    # --- Queries -----------------------------------------------------------

    @property
    def attributes(self) -> tuple[NameAttribute, ...]:
        """Every attribute, in encoded order."""
        return tuple(a for rdn in self.rdns for a in rdn)

    def get(self, oid: str) -> tuple[str, ...]:
        """Return the values of one attribute type, in encoded order.

        Args:
            oid: The dotted OID, such as ``NameOID.COMMON_NAME``.
        """
        dotted = str(oid)
        return tuple(a.value for a in self.attributes if a.oid == dotted)

    @property
    def common_names(self) -> tuple[str, ...]:
        """The commonName values, in encoded order."""
        return self.get(NameOID.COMMON_NAME)

    @property
    def is_empty(self) -> bool:
        """Whether the name has no RDNs (allowed in a CSR or a certificate
        whose subjectAltName carries the identity)."""
        return not self.rdns

    # --- Comparison --------------------------------------------------------

    @functools.cached_property
    def comparison_key(self) -> tuple[tuple[tuple[str, str, str], ...], ...]:
        """A hashable key that is equal for names that :meth:`matches`.

        The key has one entry per RDN, in order. Each entry is the sorted
        tuple of the RDN's attributes as (OID, kind, value). String values
        are prepared with :func:`prepare_string`, and other values are the
        hex of their DER.
        """
        return tuple(
            tuple(sorted(_attribute_key(a) for a in rdn)) for rdn in self.rdns
        )

    def matches(self, other: Name) -> bool:
        """Compare with another name as RFC 5280 section 7.1 specifies.

        Names match when they have the same number of RDNs and each RDN
        matches the one in the same position. RDNs match when they contain
        the same attributes in any order. Attributes match when their
        types are equal and their values are equal after
        :func:`prepare_string`, whatever their string types; values that
        are not strings must have equal DER.

        Args:
            other: The name to compare with.
        """
        return self.comparison_key == other.comparison_key

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Name):
            return NotImplemented
        return self.encoded == other.encoded

    def __hash__(self) -> int:
        return hash(self.encoded)

    def __iter__(self) -> Iterator[RelativeDistinguishedName]:
        return iter(self.rdns)


# --- String preparation (RFC 4518) ----------------------------------------

# RFC 4518 section 2.2: code points mapped to SPACE (the listed controls
# and every Zs, Zl and Zp character) and code points mapped to nothing.
_MAP_TO_SPACE = frozenset("\t\n\x0b\x0c\r\x85")
_MAP_TO_NOTHING_RANGES = (
    (0x0000, 0x0008),
    (0x000E, 0x001F),
    (0x007F, 0x0084),
    (0x0086, 0x009F),
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x1806, 0x1806),
    (0x180B, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2063),
    (0x206A, 0x206F),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFC),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_MAP_TO_NOTHING = frozenset(
    chr(code)
    for low, high in _MAP_TO_NOTHING_RANGES
    for code in range(low, high + 1)
)


def prepare_string(text: str) -> str:
    """Prepare a string value for comparison (RFC 4518, as RFC 5280
    section 7.1 requires).

    The first step maps characters as RFC 4518 section 2.2 lists: tabs,
    line ends and separators to SPACE, soft hyphens, joiners and other
    controls to nothing. Then come NFKC normalisation, case folding with
    :meth:`str.casefold` and NFKC again. The last step handles
    insignificant spaces: leading and trailing spaces are removed and
    inner runs of spaces collapse to one.

    NOTE: the prohibit step of RFC 4518 section 2.4 is not applied, so a
    value with unassigned or private-use code points is compared as it is
    instead of matching nothing.

    Args:
        text: The decoded value.

    Returns:
        The prepared value.
    """
    if text.isascii() and text.isprintable():
        # Printable ASCII maps to itself and NFKC leaves it unchanged.
        folded = text.lower()
    else:
        mapped = "".join(_map_character(ch) for ch in text)
        folded = unicodedata.normalize("NFKC", mapped).casefold()
        folded = unicodedata.normalize("NFKC", folded)
    return " ".join(part for part in folded.split(" ") if part)


def _map_character(ch: str) -> str:
    if ch in _MAP_TO_SPACE or unicodedata.category(ch) in ("Zs", "Zl", "Zp"):
        return " "
    if ch in _MAP_TO_NOTHING:
        return ""
    return ch


def _attribute_key(attribute: NameAttribute) -> tuple[str, str, str]:
    if attribute.is_string:
        return (attribute.oid, "string", prepare_string(attribute.value))
    return (attribute.oid, "der", attribute.raw.hex())


# --- Reading DER ------------------------------------------------------------


def _where(source: str, path: str) -> str:
    return ", ".join(part for part in (source, path) if part)


def _join_path(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


def _emit(notes: list[str]) -> None:
    # stacklevel 3: the caller of the Name class method that read the name.
    for note in notes:
        warnings.warn(note, PurePKIWarning, stacklevel=3)


def _parse(
    data: bytes, source: str, prefix: str = "", offset: int = 0
) -> tuple[Name, list[str]]:
    """Parse a Name; return it and the warnings to issue.

    ``prefix`` and ``offset`` place the name in an enclosing input.
    """
    try:
        root = der.decode_tree(data, rfc5280.Name(), source=source)
    except DecodeError as error:
        if not (prefix or offset):
            raise
        raise type(error)(
            error.reason,
            offset=None if error.offset is None else error.offset + offset,
            path=_join_path(prefix, error.path),
            source=error.source,
        ) from None
    return _read_name(data, root, source, prefix, offset)


def _read_name(
    data: bytes, root: der.Node, source: str, prefix: str, offset: int
) -> tuple[Name, list[str]]:
    """Read the attributes of a Name whose tree passed the schema check;
    return the name and the warnings to issue."""
    notes: list[str] = []
    rdns = []
    for index, rdn_node in enumerate(root.children):
        path = _join_path(prefix, f"[{index}]")
        if not rdn_node.children:
            raise DecodeError(
                "empty RelativeDistinguishedName; RFC 5280 section "
                "4.1.2.4 requires at least one attribute in each RDN",
                offset=offset + rdn_node.offset,
                path=path,
                source=source,
            )
        attributes = []
        for position, atv_node in enumerate(rdn_node.children):
            where = (source, f"{path}[{position}]", offset)
            attributes.append(_read_attribute(data, atv_node, where, notes))
        rdns.append(RelativeDistinguishedName(tuple(attributes)))
    return Name(tuple(rdns), data), notes


def _read_attribute(
    data: bytes,
    atv_node: der.Node,
    where: tuple[str, str, int],
    notes: list[str],
) -> NameAttribute:
    type_node, value_node = atv_node.children
    oid = _decode_oid(type_node.content(data))
    raw = data[value_node.offset : value_node.end]
    return _attribute_from_node(oid, raw, value_node, data, where, notes)


def _attribute_from_node(
    oid: str,
    raw: bytes,
    node: der.Node,
    data: bytes,
    where: tuple[str, str, int],
    notes: list[str],
) -> NameAttribute:
    source, path, offset = where
    universal = node.tag_class == der.CLASS_UNIVERSAL
    string_type = node.number if universal else NOT_UNIVERSAL
    deviation: Optional[str] = None
    if node.constructed or string_type not in _STRING_TYPES:
        text = "#" + raw.hex()
        if oid in _STRING_ATTRIBUTES:
            deviation = (
                f"value is {node.describe()}, not a string type (X.520); "
                "read as hex DER"
            )
    else:
        try:
            text, deviation = _decode_string(string_type, node.content(data))
        except _ValueProblem as problem:
            raise DecodeError(
                str(problem),
                offset=offset + node.offset,
                path=path + ".value",
                source=source,
            ) from None

    if deviation is not None:
        label = _where(source, path + ".value")
        notes.append(f"{label} ({_display_name(oid)}): {deviation}")
    return NameAttribute(oid, text, string_type, raw)


class _ValueProblem(Exception):
    """Content that its string type cannot contain."""


def _decode_string(
    string_type: int, content: bytes
) -> tuple[str, Optional[str]]:
    """Decode a string value; return the text and the deviation to warn
    about, if any."""
    if string_type == StringType.UTF8_STRING:
        try:
            return content.decode("utf-8"), None
        except UnicodeDecodeError as error:
            reason = f"UTF8String is not valid UTF-8 at octet {error.start}"
            raise _ValueProblem(reason) from None
    if string_type == StringType.BMP_STRING:
        return _decode_bmp(content)
    if string_type == StringType.UNIVERSAL_STRING:
        return _decode_universal(content)
    text = content.decode("latin-1")
    if string_type == StringType.TELETEX_STRING:
        return text, _teletex_deviation(content, text)
    return text, _character_deviation(StringType(string_type), text)


def _decode_bmp(content: bytes) -> tuple[str, Optional[str]]:
    if len(content) % 2:
        raise _ValueProblem(
            f"BMPString has an odd length ({len(content)} octets); it "
            "contains 2-octet UTF-16BE code units"
        )
    units = [
        int.from_bytes(content[i : i + 2], "big")
        for i in range(0, len(content), 2)
    ]
    text = content.decode("utf-16-be", "surrogatepass")
    if any(0xD800 <= unit <= 0xDFFF for unit in units):
        deviation = (
            "BMPString contains UTF-16 surrogate code units, which its "
            "UCS-2 repertoire excludes; read as UTF-16BE"
        )
        return text, deviation
    return text, None


def _decode_universal(content: bytes) -> tuple[str, Optional[str]]:
    if len(content) % 4:
        raise _ValueProblem(
            f"UniversalString length {len(content)} is not a multiple of "
            "4; it contains 4-octet UTF-32BE characters"
        )
    codes = [
        int.from_bytes(content[i : i + 4], "big")
        for i in range(0, len(content), 4)
    ]
    for code in codes:
        if code > 0x10FFFF:
            raise _ValueProblem(
                f"invalid UniversalString character 0x{code:08X}: it is "
                "above the last Unicode code point U+10FFFF"
            )
    text = "".join(chr(code) for code in codes)
    if any(0xD800 <= code <= 0xDFFF for code in codes):
        deviation = (
            "UniversalString contains surrogate code points, which are "
            "not characters; escaped in text output"
        )
        return text, deviation
    return text, None


def _teletex_deviation(content: bytes, text: str) -> Optional[str]:
    if content.isascii():
        return None
    try:
        as_utf8 = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return (
        f"TeletexString contains UTF-8 bytes ({as_utf8!r} as UTF-8); read "
        f"as Latin-1 ({text!r}) as OpenSSL and browsers do"
    )


def _character_deviation(string_type: StringType, text: str) -> Optional[str]:
    outside = sorted(set(text) - _ALLOWED_CHARACTERS[string_type])
    if not outside:
        return None
    listed = ", ".join(repr(ch) for ch in outside)
    type_name = der.UNIVERSAL_NAMES[int(string_type)]
    return (
        f"{type_name} {text!r} contains {listed}, outside the {type_name} "
        "character set (X.680); read as Latin-1 text"
    )


@functools.lru_cache(maxsize=256)
def _decode_oid(content: bytes) -> str:
    """Decode OBJECT IDENTIFIER content that the DER scan checked."""
    arcs: list[int] = []
    value = 0
    for octet in content:
        value = (value << 7) | (octet & 0x7F)
        if not octet & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(
        str(arc) for arc in (first, arcs[0] - 40 * first, *arcs[1:])
    )


def _display_name(oid: str) -> str:
    name = display_name(oid)
    if name == oid:
        return _EXTRA_DISPLAY_NAMES.get(oid, oid)
    return name


# --- Writing DER ------------------------------------------------------------


def _tlv(identifier: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        header = bytes([identifier, length])
    else:
        octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
        header = bytes([identifier, 0x80 | len(octets)]) + octets
    return header + content


def _encode_oid(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    content = bytearray()
    for arc in (40 * arcs[0] + arcs[1], *arcs[2:]):
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        content += bytes(reversed(chunk))
    return _tlv(0x06, bytes(content))


def _encode_name(rdns: Sequence[Sequence[bytes]]) -> bytes:
    """Encode a Name from the DER of each RDN's AttributeTypeAndValues.

    DER sorts a SET OF by the encodings of its elements, padded with zero
    octets (X.690 section 11.6). Sorting bytes gives that order, because
    it puts a prefix first.
    """
    encoded = [_tlv(0x31, b"".join(sorted(rdn))) for rdn in rdns]
    return _tlv(0x30, b"".join(encoded))


def _atv(oid: str, value: bytes) -> bytes:
    return _tlv(0x30, _encode_oid(oid) + value)


def _builder_oid(attribute: str) -> str:
    oid = _BUILDER_LOOKUP.get(attribute.lower())
    if oid is not None:
        return str(oid)
    if _is_dotted_oid(attribute):
        return attribute
    accepted = ", ".join(BUILDER_ATTRIBUTES)
    raise InvalidName(
        f"unknown name attribute {attribute!r}; use one of {accepted}, "
        "or a dotted OID such as 2.5.4.3"
    )


def _is_dotted_oid(text: str) -> bool:
    if not _DOTTED_OID.fullmatch(text):
        return False
    return text.count(".") < der.MAX_OID_ARCS


def _encode_attribute(oid: str, text: str) -> bytes:
    """Encode one attribute under the builder's rules."""
    label = _display_name(oid)
    _check_value(oid, label, text)
    if oid in _PRINTABLE_ATTRIBUTES:
        content = text.encode("ascii")
        return _atv(oid, _tlv(StringType.PRINTABLE_STRING, content))
    if oid in _IA5_ATTRIBUTES:
        return _atv(oid, _tlv(StringType.IA5_STRING, text.encode("ascii")))
    return _atv(oid, _tlv(StringType.UTF8_STRING, text.encode("utf-8")))


def _check_value(oid: str, label: str, text: str) -> None:
    if not isinstance(text, str):
        raise InvalidName(
            f"{label} value must be text, not {type(text).__name__} ({text!r})"
        )
    if not text:
        raise InvalidName(
            f"{label} value is empty; give a value or leave the attribute "
            "out (RFC 5280 appendix A.1 requires at least one character)"
        )
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise InvalidName(
            f"{label} value {text!r} contains an unpaired surrogate, which "
            "UTF-8 cannot encode; fix the text"
        )
    bound = _UPPER_BOUNDS.get(oid)
    if bound is not None and len(text) > bound:
        raise InvalidName(
            f"{label} value of {len(text)} characters is longer than the "
            f"maximum of {bound} (RFC 5280 appendix A.1); shorten it"
        )
    if oid in _COUNTRY_ATTRIBUTES and not _COUNTRY_CODE.fullmatch(text):
        raise InvalidName(
            f"{label} value {text!r} is not a two-letter country code; use "
            "the ISO 3166-1 alpha-2 code, such as GB or US"
        )
    if oid in _PRINTABLE_ATTRIBUTES:
        outside = sorted(set(text) - _PRINTABLE_CHARACTERS)
        if outside:
            listed = ", ".join(repr(ch) for ch in outside)
            raise InvalidName(
                f"{label} value {text!r} contains {listed}, which a "
                "PrintableString cannot contain; use letters, digits, spaces "
                "and ' ( ) + , - . / : = ?"
            )
    if oid in _IA5_ATTRIBUTES and not text.isascii():
        raise InvalidName(
            f"{label} value {text!r} is not ASCII, which its IA5String "
            "type requires; use ASCII characters only"
        )


# --- RFC 4514 input ---------------------------------------------------------


@dataclass(frozen=True)
class _BerValue:
    """A ``#`` hex value of RFC 4514 input, with its position."""

    raw: bytes
    position: int
    source: str


_ParsedValue = Union[str, _BerValue]


# RFC 4514 section 3: characters that follow a backslash as themselves.
_RFC4514_SPECIALS = frozenset('"+,;<> #=\\')
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_DESCRIPTOR = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_NUMERIC_OID = re.compile(r"[0-9]+(?:\.[0-9]+)+")


def _rfc4514_source(text: str) -> str:
    if len(text) <= 60:
        return f"RFC 4514 name {text!r}"
    return "RFC 4514 name"


class _RFC4514Parser:
    """A parser of the grammar of RFC 4514 section 3."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.position = 0

    def error(self, reason: str, position: Optional[int] = None) -> NoReturn:
        where = self.position if position is None else position
        raise DecodeError(reason, offset=where, source=self.source)

    def parse(self) -> list[list[tuple[str, _ParsedValue]]]:
        """Return the RDNs in string order, each as (OID, value) pairs."""
        rdns: list[list[tuple[str, _ParsedValue]]] = []
        if not self.text:
            return rdns
        rdn: list[tuple[str, _ParsedValue]] = []
        while True:
            rdn.append(self.attribute())
            if self.position == len(self.text):
                rdns.append(rdn)
                return rdns
            separator = self.text[self.position]
            self.position += 1
            if separator == ",":
                rdns.append(rdn)
                rdn = []

    def attribute(self) -> tuple[str, _ParsedValue]:
        while self.text.startswith(" ", self.position):
            self.position += 1
        oid = self.attribute_type()
        if not self.text.startswith("=", self.position):
            self.error("expected '=' after the attribute type")
        self.position += 1
        if self.text.startswith("#", self.position):
            return oid, self.hex_value()
        return oid, self.string_value()

    def attribute_type(self) -> str:
        start = self.position
        for pattern in (_NUMERIC_OID, _DESCRIPTOR):
            match = pattern.match(self.text, start)
            if match is None:
                continue
            self.position = match.end()
            return self.resolve_type(match.group(), start)
        self.error("expected an attribute type such as CN or 2.5.4.3")

    def resolve_type(self, name: str, start: int) -> str:
        if name[0].isdigit():
            if not _is_dotted_oid(name):
                self.error(f"invalid OID {name!r}", start)
            return name
        oid = _TYPE_NAMES.get(name.lower())
        if oid is None:
            self.error(
                f"unknown attribute type {name!r}; use a name such as CN, "
                "O, OU, L, ST, C, DC, UID or emailAddress, or a dotted OID",
                start,
            )
        return oid

    def hex_value(self) -> _BerValue:
        start = self.position
        self.position += 1
        end = self.position
        while end < len(self.text) and self.text[end] in _HEX_DIGITS:
            end += 1
        digits = self.text[self.position : end]
        if not digits or len(digits) % 2:
            self.error("'#' must be followed by pairs of hex digits", start)
        self.position = end
        self.expect_separator()
        return _BerValue(bytes.fromhex(digits), start, self.source)

    def string_value(self) -> str:
        octets = bytearray()
        start = self.position
        trailing_space = False
        while self.position < len(self.text):
            ch = self.text[self.position]
            if ch in ",+":
                break
            trailing_space = False
            if ch == "\\":
                octets += self.escape()
                continue
            self.check_plain(ch, start)
            trailing_space = ch == " "
            octets += ch.encode("utf-8", "surrogatepass")
            self.position += 1
        if trailing_space:
            self.error(
                "unescaped space at the end of a value; write it as '\\ '",
                self.position - 1,
            )
        try:
            return octets.decode("utf-8")
        except UnicodeDecodeError:
            self.error("the escaped octets are not valid UTF-8", start)

    def check_plain(self, ch: str, start: int) -> None:
        if ch in '";<>\x00':
            self.error(f"{ch!r} must be escaped with a backslash")
        if ch == " " and self.position == start:
            self.error("a leading space must be escaped as '\\ '")

    def escape(self) -> bytes:
        start = self.position
        pair = self.text[start + 1 : start + 3]
        if len(pair) == 2 and set(pair) <= _HEX_DIGITS:
            self.position += 3
            return bytes.fromhex(pair)
        following = self.text[start + 1 : start + 2]
        if following and following in _RFC4514_SPECIALS:
            self.position += 2
            return following.encode("ascii")
        self.error(
            "a backslash must precede a special character or two hex digits",
            start,
        )

    def expect_separator(self) -> None:
        if (
            self.position < len(self.text)
            and self.text[self.position] not in ",+"
        ):
            self.error("expected ',' or '+' after the hex value")


def _encode_parsed(oid: str, value: _ParsedValue) -> bytes:
    if isinstance(value, str):
        return _encode_attribute(oid, value)
    try:
        der.scan(value.raw)
    except DecodeError as error:
        raise DecodeError(
            f"'#' value is not one DER element: {error.reason}",
            offset=value.position,
            source=value.source,
        ) from None
    return _atv(oid, value.raw)


# --- Text output ------------------------------------------------------------

# RFC 4514 section 2.4: characters escaped anywhere in a value.
_RFC4514_ESCAPED = frozenset('"+,;<>\\')


def _rfc4514_attribute(attribute: NameAttribute) -> str:
    name = _RFC4514_NAMES.get(attribute.oid)
    text = _rfc4514_text(attribute.value) if attribute.is_string else None
    if name is None or text is None:
        return f"{name or attribute.oid}=#{attribute.raw.hex()}"
    return f"{name}={text}"


def _rfc4514_text(value: str) -> Optional[str]:
    """Escape a value for RFC 4514, or return ``None`` when it contains
    a surrogate, which has no UTF-8 form."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        return None
    last = len(value) - 1
    out = []
    for index, ch in enumerate(value):
        edge_space = ch == " " and index in (0, last)
        if ch in _RFC4514_ESCAPED or edge_space:
            out.append("\\" + ch)
        elif ch == "#" and index == 0:
            out.append("\\#")
        elif _is_unprintable(ch):
            out.append("".join(f"\\{o:02X}" for o in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def _is_unprintable(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category[0] == "C" or category in ("Zl", "Zp"):
        return True
    return category == "Zs" and ch != " "


# OpenSSL's oneline escaping (ASN1_STRFLGS_RFC2253 with ESC_QUOTE): these
# characters put the value in quotes and are written as they are.
_ONELINE_QUOTED = frozenset(",+;<>")


def _oneline_attribute(attribute: NameAttribute) -> str:
    if attribute.string_type not in _STRING_TYPES:
        value = "#" + attribute.raw.hex().upper()
    else:
        value = _oneline_text(attribute.value)
    return f"{attribute.short_name} = {value}"


def _oneline_text(value: str) -> str:
    """Escape a value as OpenSSL's ``do_esc_char`` does for oneline."""
    quote = False
    last = len(value) - 1
    out = []
    for index, ch in enumerate(value):
        code = ord(ch)
        if code >= 0x80:
            out.append(_utf8_escapes(ch))
        elif ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\{code:02X}")
        else:
            # OpenSSL flags the last character as last only, so a value of
            # one '#' is not quoted.
            leading_hash = ch == "#" and index == 0 and index != last
            edge_space = ch == " " and index in (0, last)
            if ch in _ONELINE_QUOTED or leading_hash or edge_space:
                quote = True
            out.append(ch)
    text = "".join(out)
    return f'"{text}"' if quote else text


def _utf8_escapes(ch: str) -> str:
    try:
        octets = ch.encode("utf-8")
    except UnicodeEncodeError:
        return f"\\U{ord(ch):04X}"
    return "".join(f"\\{octet:02X}" for octet in octets)
