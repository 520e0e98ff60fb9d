"""X.509 certificates: a strict parser and an immutable builder.

The parser decodes against the full RFC 5280 schema with the strict DER
layer, keeps the bytes as received (the whole certificate, the
tbsCertificate that the signature covers, and the issuer and subject
names), and derives every other property lazily. Signatures are checked
over the received tbsCertificate bytes, never over a re-encoding.

Rules enforced when parsing (each a :class:`~purepki.errors.DecodeError`):

- the outer signatureAlgorithm equals tbsCertificate.signature, byte for
  byte (RFC 5280 section 4.1.1.2);
- version 1 or 2 certificates carry no extensions, and version 1 ones no
  unique identifiers (RFC 5280 section 4.1.2.1);
- no extension appears twice (RFC 5280 section 4.2);
- the signature BIT STRING contains whole octets.

Deviations that mainstream verifiers accept are read with a
:class:`~purepki.errors.PurePKIWarning`: a serial number that is zero,
negative or longer than 20 octets (RFC 5280 section 4.1.2.2 asks readers to
cope), a version field that encodes the DEFAULT v1, and a GeneralizedTime
before 2050.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import secrets
import warnings
from collections.abc import Iterable
from typing import Any, Optional, TypeVar

from pyasn1_modules import rfc5280

from purepki import pem, sigalg
from purepki._encoding import encode_extension
from purepki._record import dataclass, replace
from purepki._signed import SignedStructure
from purepki.algorithms import SignatureAlgorithm
from purepki.asn1 import der
from purepki.backend import BackendLike
from purepki.errors import (
    DecodeError,
    InvalidSignature,
    PEMError,
    PurePKIError,
    PurePKIWarning,
    UnsupportedAlgorithm,
    WrongObjectType,
)
from purepki.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    ExtendedKeyUsage,
    Extension,
    Extensions,
    ExtensionValue,
    KeyUsage,
    NameConstraints,
    NetscapeCertType,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
    reject_duplicates,
)
from purepki.keys import (
    ECPublicKey,
    PrivateKey,
    PublicKey,
    RSAPublicKey,
    public_key_from_spki,
)
from purepki.name import Name
from purepki.x509time import UTC, encode_time, parse_time

#: Maximum serial number length RFC 5280 section 4.1.2.2 allows, in octets.
MAX_SERIAL_OCTETS = 20

_ValueT = TypeVar("_ValueT", bound=ExtensionValue)


class BuilderError(PurePKIError, ValueError):
    """A builder argument that breaks a rule, a field set twice, or a
    required field left unset."""


def _child(node: der.Node, index: int) -> der.Node:
    return node.children[index]


class Certificate(SignedStructure):
    """A parsed X.509 certificate.

    Create one with :meth:`from_der`, :meth:`from_pem` or
    :func:`load_certificates`; certificates compare and hash by their DER.
    """

    def __init__(
        self, data: bytes, value: Any, tree: der.Node, source: str
    ) -> None:
        super().__init__(data, value, tree, source)
        self._check_structure()

    # --- Construction ------------------------------------------------------

    @classmethod
    def from_der(
        cls, data: bytes, *, source: str = "certificate"
    ) -> Certificate:
        """Parse one DER certificate.

        Raises:
            DecodeError: The bytes are not a valid certificate, or carry
                trailing bytes.
        """
        data = bytes(data)
        value, tree = der.decode_with_tree(
            data, rfc5280.Certificate(), source=source
        )
        return cls(data, value, tree, source)

    @classmethod
    def from_pem(
        cls, text: bytes | str, *, source: str = "certificate"
    ) -> Certificate:
        """Parse the first ``CERTIFICATE`` block of PEM text.

        Raises:
            WrongObjectType: The text contains no certificate block.
            DecodeError: The block is not a valid certificate.
        """
        certificates = load_certificates(
            text.encode() if isinstance(text, str) else text, source=source
        )
        return certificates[0]

    # --- Structure checks --------------------------------------------------

    def _check_structure(self) -> None:
        tbs = self._value["tbsCertificate"]
        tbs_node = _child(self._tree, 0)
        outer = _child(self._tree, 1)
        inner = _child(tbs_node, self._field_index("signature"))
        if outer.content(self._der) != inner.content(self._der):
            raise DecodeError(
                "signatureAlgorithm differs from tbsCertificate.signature "
                "(RFC 5280 section 4.1.1.2 requires them to be equal)",
                source=self._source,
                path="signatureAlgorithm",
                offset=outer.offset,
            )
        version = self.version
        if version not in (1, 2, 3):
            raise DecodeError(
                f"unknown certificate version {version}",
                source=self._source,
                path="tbsCertificate.version",
            )
        has_unique_ids = (
            tbs["issuerUniqueID"].isValue or tbs["subjectUniqueID"].isValue
        )
        if version == 1 and has_unique_ids:
            raise DecodeError(
                "version 1 certificate with unique identifiers (RFC 5280 "
                "section 4.1.2.8 allows them from version 2)",
                source=self._source,
                path="tbsCertificate",
            )
        if version != 3 and tbs["extensions"].isValue:
            raise DecodeError(
                f"version {version} certificate with extensions (RFC 5280 "
                "section 4.1.2.9 allows them only in version 3)",
                source=self._source,
                path="tbsCertificate.extensions",
            )
        if len(self._value["signature"]) % 8:
            raise DecodeError(
                "signature is not a whole number of octets",
                source=self._source,
                path="signature",
            )
        self._warn_serial()
        self._warn_version_encoding(tbs_node)
        # The DER of every field is already checked. The times are read
        # now (cheap, and their warnings belong to loading), and repeated
        # extensions are rejected now, since no later reader may pick one
        # copy. Typed names and extension values are derived when first
        # read, which keeps parsing near the cost of the DER decode.
        self._validity  # noqa: B018
        if tbs["extensions"].isValue:
            self._reject_duplicate_extensions(tbs_node)

    def _reject_duplicate_extensions(self, tbs_node: der.Node) -> None:
        # Compare the encoded OIDs from the element tree, which is cheaper
        # than reading them from the pyasn1 value.
        wrapper = tbs_node.children[-1]
        encoded = [
            extension.children[0].content(self._der)
            for extension in wrapper.children[0].children
        ]
        if len(set(encoded)) != len(encoded):
            oids = [
                str(ext["extnID"])
                for ext in self._value["tbsCertificate"]["extensions"]
            ]
            reject_duplicates(oids, self._source)

    def check_fields(self) -> None:
        """Derive every typed field now: names, validity and extensions.

        Raises:
            DecodeError: A field's value is malformed, for example an
                extension value that breaks its RFC.
        """
        self.issuer  # noqa: B018
        self.subject  # noqa: B018
        self._validity  # noqa: B018
        self.extensions  # noqa: B018

    def _field_index(self, name: str) -> int:
        """Return the position of a tbsCertificate field in the tree."""
        names = [
            "serialNumber",
            "signature",
            "issuer",
            "validity",
            "subject",
            "subjectPublicKeyInfo",
        ]
        tbs_node = _child(self._tree, 0)
        first = tbs_node.children[0]
        shift = 1 if first.tag_class == der.CLASS_CONTEXT else 0
        return names.index(name) + shift

    def _warn_serial(self) -> None:
        serial = self.serial_number
        octets = len(self.serial_number_bytes)
        if serial <= 0:
            warnings.warn(
                f"{self._source}: serial number {hex_serial(serial)} is not "
                "positive (RFC 5280 section 4.1.2.2)",
                PurePKIWarning,
                stacklevel=4,
            )
        if octets > MAX_SERIAL_OCTETS:
            warnings.warn(
                f"{self._source}: serial number of {octets} octets is longer "
                f"than {MAX_SERIAL_OCTETS} (RFC 5280 section 4.1.2.2)",
                PurePKIWarning,
                stacklevel=4,
            )

    def _warn_version_encoding(self, tbs_node: der.Node) -> None:
        first = tbs_node.children[0]
        if first.tag_class == der.CLASS_CONTEXT and self.version == 1:
            warnings.warn(
                f"{self._source}: version field encodes the DEFAULT v1, "
                "which DER omits (X.690 section 11.5)",
                PurePKIWarning,
                stacklevel=4,
            )

    # --- Raw parts ---------------------------------------------------------

    @property
    def source(self) -> str:
        """File name or description the certificate was read from."""
        return self._source

    def to_pem(self) -> str:
        """Return the certificate as a canonical PEM block."""
        return pem.encode("CERTIFICATE", self._der)

    # --- tbsCertificate fields -----------------------------------------------

    @functools.cached_property
    def version(self) -> int:
        """The version as a number: 1, 2 or 3."""
        return int(self._value["tbsCertificate"]["version"]) + 1

    @functools.cached_property
    def serial_number(self) -> int:
        """The serial number; may be zero or negative in the wild."""
        return int(self._value["tbsCertificate"]["serialNumber"])

    @functools.cached_property
    def serial_number_bytes(self) -> bytes:
        """The content octets of the serial number INTEGER as received."""
        node = _child(_child(self._tree, 0), self._field_index("serialNumber"))
        return node.content(self._der)

    def _name(self, field: str) -> Name:
        node = _child(_child(self._tree, 0), self._field_index(field))
        raw = self._der[node.offset : node.end]
        return Name.from_pyasn1(
            self._value["tbsCertificate"][field],
            raw,
            source=self._source,
            path=f"tbsCertificate.{field}",
            offset=node.offset,
        )

    @functools.cached_property
    def issuer(self) -> Name:
        """The issuer name, with its bytes as received."""
        return self._name("issuer")

    @functools.cached_property
    def subject(self) -> Name:
        """The subject name, with its bytes as received."""
        return self._name("subject")

    @functools.cached_property
    def _validity(self) -> tuple[datetime.datetime, datetime.datetime, bool]:
        validity = self._value["tbsCertificate"]["validity"]
        path = "tbsCertificate.validity"
        start, start_ok = parse_time(
            validity["notBefore"],
            source=self._source,
            path=f"{path}.notBefore",
        )
        end, end_ok = parse_time(
            validity["notAfter"], source=self._source, path=f"{path}.notAfter"
        )
        return start, end, start_ok and end_ok

    @property
    def not_before(self) -> datetime.datetime:
        """Start of the validity period, in UTC."""
        return self._validity[0]

    @property
    def not_after(self) -> datetime.datetime:
        """End of the validity period, in UTC (inclusive, RFC 5280
        section 4.1.2.5)."""
        return self._validity[1]

    @property
    def validity_types_proper(self) -> bool:
        """Whether both times use the type that RFC 5280 section 4.1.2.5
        requires for their date: UTCTime through 2049, GeneralizedTime
        from 2050."""
        return self._validity[2]

    def is_valid_at(self, moment: datetime.datetime) -> bool:
        """Tell whether ``moment`` lies within the validity period."""
        return self.not_before <= moment <= self.not_after

    @functools.cached_property
    def spki_der(self) -> bytes:
        """The SubjectPublicKeyInfo bytes as received."""
        tbs = _child(self._tree, 0)
        node = _child(tbs, self._field_index("subjectPublicKeyInfo"))
        return self._der[node.offset : node.end]

    @functools.cached_property
    def public_key(self) -> PublicKey:
        """The subject public key.

        Raises:
            UnsupportedAlgorithm: The key type or curve is not supported.
            DecodeError: The key is malformed.
        """
        spki = self._value["tbsCertificate"]["subjectPublicKeyInfo"]
        return public_key_from_spki(spki, self._source)

    @functools.cached_property
    def extensions(self) -> Extensions:
        """The extensions, in order; empty for version 1 and 2."""
        value = self._value["tbsCertificate"]["extensions"]
        if not value.isValue:
            return Extensions(())
        return Extensions.from_pyasn1(value, source=self._source)

    def _extension_value(self, kind: type[_ValueT]) -> Optional[_ValueT]:
        return _typed_value(self.extensions, kind)

    @property
    def basic_constraints(self) -> Optional[BasicConstraints]:
        """The basicConstraints value, if present."""
        return self._extension_value(BasicConstraints)

    @property
    def key_usage(self) -> Optional[KeyUsage]:
        """The keyUsage value, if present."""
        return self._extension_value(KeyUsage)

    @property
    def extended_key_usage(self) -> Optional[ExtendedKeyUsage]:
        """The extendedKeyUsage value, if present."""
        return self._extension_value(ExtendedKeyUsage)

    @property
    def subject_alternative_name(self) -> Optional[SubjectAlternativeName]:
        """The subjectAltName value, if present."""
        return self._extension_value(SubjectAlternativeName)

    @property
    def subject_key_identifier(self) -> Optional[SubjectKeyIdentifier]:
        """The subjectKeyIdentifier value, if present."""
        return self._extension_value(SubjectKeyIdentifier)

    @property
    def authority_key_identifier(self) -> Optional[AuthorityKeyIdentifier]:
        """The authorityKeyIdentifier value, if present."""
        return self._extension_value(AuthorityKeyIdentifier)

    @property
    def name_constraints(self) -> Optional[NameConstraints]:
        """The nameConstraints value, if present."""
        return self._extension_value(NameConstraints)

    @property
    def netscape_cert_type(self) -> Optional[NetscapeCertType]:
        """The Netscape certificate type value, if present."""
        return self._extension_value(NetscapeCertType)

    # --- Derived facts -------------------------------------------------------

    def fingerprint(self, algorithm: str = "sha256") -> bytes:
        """Return a hash of the DER (``sha256`` or ``sha1``, as
        ``openssl x509 -fingerprint`` shows them)."""
        return hashlib.new(algorithm, self._der).digest()

    @property
    def is_ca(self) -> bool:
        """Whether basicConstraints is present with cA TRUE."""
        constraints = self.basic_constraints
        return constraints is not None and constraints.ca

    @property
    def is_self_issued(self) -> bool:
        """Whether subject and issuer match (RFC 5280 section 6.1)."""
        return self.subject.matches(self.issuer)

    def verify_signature(
        self,
        issuer_key: PublicKey,
        *,
        backend: BackendLike = None,
    ) -> None:
        """Check the signature over the received tbsCertificate bytes.

        Raises:
            InvalidSignature: The signature does not verify with the key.
            UnsupportedAlgorithm: The signature algorithm is unsupported.
        """
        self._verify_with(issuer_key, backend)

    def is_signed_by(
        self, issuer_key: PublicKey, *, backend: BackendLike = None
    ) -> bool:
        """Tell whether ``issuer_key`` verifies the signature."""
        try:
            self.verify_signature(issuer_key, backend=backend)
        except (InvalidSignature, UnsupportedAlgorithm):
            return False
        return True

    # --- Value semantics ----------------------------------------------------

    def __repr__(self) -> str:
        return (
            f"Certificate(subject={self.subject.rfc4514()!r}, "
            f"serial={hex_serial(self.serial_number)})"
        )


def _typed_value(
    extensions: Extensions, kind: type[_ValueT]
) -> Optional[_ValueT]:
    """Return the value of the extension of class ``kind``, if present."""
    extension = extensions.get(kind)
    if extension is None:
        return None
    value = extension.value
    return value if isinstance(value, kind) else None


def hex_serial(serial: int) -> str:
    """Format a serial number as hex with its sign: ``0x1f`` or ``-0x9a``.

    A negative serial (RFC 5280 section 4.1.2.2 forbids them, but some
    old certificates carry one) keeps its minus sign, so it is never
    shown as the positive number of the same octets.
    """
    return f"-0x{-serial:x}" if serial < 0 else f"0x{serial:x}"


def load_certificates(
    data: bytes, *, source: str = "certificates"
) -> list[Certificate]:
    """Read every certificate of a file: PEM blocks, or one or more DER
    certificates back to back.

    PEM and DER are distinguished by content, never by file name. Text
    outside the PEM armour is ignored, and blocks that are not
    certificates are skipped.

    Raises:
        WrongObjectType: The file contains no ``CERTIFICATE`` block.
        DecodeError: A certificate is malformed, or bytes after a DER
            certificate are not another certificate.
    """
    data = pem.as_bytes(data, source)
    if pem.looks_like_pem(data):
        blocks = pem.read_blocks(data, source)
        found = [
            Certificate.from_der(block.der, source=source)
            for block in blocks
            if block.label in pem.CERTIFICATE_LABELS
        ]
        if not found:
            labels = sorted({block.label for block in blocks})
            found_labels = ", ".join(f"'{label}'" for label in labels)
            raise WrongObjectType(
                "no CERTIFICATE block found (the file contains "
                f"{found_labels or 'no block'})",
                source=source,
            )
        return found
    if not pem.looks_like_der(data):
        first = f"{data[0]:#04x}" if data else "nothing"
        raise PEMError(
            "not PEM (no '-----BEGIN' line) and not DER (starts with "
            f"{first}; a DER certificate starts with 0x30)",
            source=source,
        )
    return _load_der_sequence(data, source)


def _load_der_sequence(data: bytes, source: str) -> list[Certificate]:
    found: list[Certificate] = []
    position = 0
    while position < len(data):
        rest = data[position:]
        try:
            node = der.scan(rest, allow_trailing=True)
        except DecodeError as error:
            if found:
                raise DecodeError(
                    f"{len(rest)} bytes after certificate {len(found)} are "
                    "not another DER certificate",
                    source=source,
                    offset=position,
                ) from None
            raise error.relocate(source=source) from None
        try:
            found.append(Certificate.from_der(rest[: node.end], source=source))
        except DecodeError as error:
            raise error.relocate(base_offset=position) from None
        position += node.end
    return found


# --- Building ----------------------------------------------------------------

#: Random bits in a serial number from :func:`random_serial_number`.
RANDOM_SERIAL_BITS = 158


def random_serial_number() -> int:
    """Return a random positive serial number of exactly 20 octets.

    The number has 158 random bits below a fixed top bit, so its DER
    content is 20 octets with no sign octet. RFC 5280 section 4.1.2.2
    allows at most 20 octets, and the CA/Browser Forum Baseline
    Requirements require at least 64 random bits.
    """
    return secrets.randbits(RANDOM_SERIAL_BITS) | (1 << RANDOM_SERIAL_BITS)


def _check_moment(moment: datetime.datetime, field: str) -> datetime.datetime:
    if not isinstance(moment, datetime.datetime):
        raise BuilderError(f"{field} must be a datetime, found {moment!r}")
    try:
        encode_time(moment)
        return moment.astimezone(UTC)
    except ValueError as error:
        raise BuilderError(f"{field}: {error}") from None
    except OverflowError:
        # A time near year 1 or 9999 whose UTC equivalent is outside
        # the range of datetime.
        raise BuilderError(
            f"{field} {moment.isoformat()} is outside the years 1950 to "
            "9999 that a certificate can hold (RFC 5280 section 4.1.2.5)"
        ) from None


_PUBLIC_KEY_TYPES = (RSAPublicKey, ECPublicKey)


@dataclass(frozen=True)
class CertificateBuilder:
    """An immutable X.509 v3 certificate builder.

    Each setter checks its value at once and returns a new builder; the
    builder it was called on is unchanged. Setting a field twice, or
    adding an extension whose OID is already present, raises
    :class:`BuilderError`. :meth:`sign` checks only that every required
    field (subject, issuer, public key, notBefore, notAfter) is set; the
    serial number is random when not set.
    """

    _subject: Optional[Name] = None
    _issuer: Optional[Name] = None
    _public_key: Optional[PublicKey] = None
    _serial_number: Optional[int] = None
    _not_before: Optional[datetime.datetime] = None
    _not_after: Optional[datetime.datetime] = None
    _extensions: tuple[Extension, ...] = ()

    def _check_unset(self, field: str, label: str) -> None:
        if getattr(self, field) is not None:
            raise BuilderError(
                f"{label} is already set; start from a new "
                "CertificateBuilder to change it"
            )

    def subject_name(self, name: Name) -> CertificateBuilder:
        """Set the subject name.

        Raises:
            BuilderError: The subject is already set, or ``name`` is not a
                :class:`~purepki.name.Name`.
        """
        self._check_unset("_subject", "subject")
        _check_name(name, "subject")
        return replace(self, _subject=name)

    def issuer_name(self, name: Name) -> CertificateBuilder:
        """Set the issuer name.

        Pass the CA certificate's ``subject``: a parsed name keeps its DER
        as received (string types, SET ordering), and the builder writes
        those bytes unchanged. Verifiers that compare names byte for byte
        then chain the certificate to the CA as well.

        Raises:
            BuilderError: The issuer is already set, or ``name`` is not a
                :class:`~purepki.name.Name`.
        """
        self._check_unset("_issuer", "issuer")
        _check_name(name, "issuer")
        return replace(self, _issuer=name)

    def public_key(self, key: PublicKey) -> CertificateBuilder:
        """Set the subject public key.

        Raises:
            BuilderError: The key is already set, or ``key`` is not an RSA
                or EC public key (pass ``private_key.public_key()``).
        """
        self._check_unset("_public_key", "public key")
        if not isinstance(key, _PUBLIC_KEY_TYPES):
            raise BuilderError(
                f"public key must be an RSAPublicKey or ECPublicKey, found "
                f"{type(key).__name__}; pass private_key.public_key()"
            )
        return replace(self, _public_key=key)

    def serial_number(self, serial: int) -> CertificateBuilder:
        """Set the serial number: positive, at most 20 octets.

        Raises:
            BuilderError: The serial is already set, or breaks RFC 5280
                section 4.1.2.2.
        """
        self._check_unset("_serial_number", "serial number")
        if not isinstance(serial, int) or isinstance(serial, bool):
            raise BuilderError(
                f"serial number must be an int, found {serial!r}"
            )
        if serial <= 0:
            raise BuilderError(
                f"serial number {serial} is not positive (RFC 5280 section "
                "4.1.2.2); use random_serial_number()"
            )
        octets = len(der.encode_integer(serial)) - 2
        if octets > MAX_SERIAL_OCTETS:
            raise BuilderError(
                f"serial number {serial:#x} takes {octets} octets, more than "
                f"the {MAX_SERIAL_OCTETS} RFC 5280 section 4.1.2.2 allows"
            )
        return replace(self, _serial_number=serial)

    def not_valid_before(
        self, moment: datetime.datetime
    ) -> CertificateBuilder:
        """Set notBefore, the start of validity.

        Args:
            moment: An aware datetime in whole seconds, from 1950 on.

        Raises:
            BuilderError: notBefore is already set, ``moment`` is naive,
                has fractional seconds or is before 1950, or it is later
                than notAfter.
        """
        self._check_unset("_not_before", "notBefore")
        moment = _check_moment(moment, "notBefore")
        if self._not_after is not None and moment > self._not_after:
            raise BuilderError(
                f"notBefore {moment.isoformat()} is after notAfter "
                f"{self._not_after.isoformat()}"
            )
        return replace(self, _not_before=moment)

    def not_valid_after(self, moment: datetime.datetime) -> CertificateBuilder:
        """Set notAfter, the last second of validity (inclusive, RFC 5280
        section 4.1.2.5).

        Args:
            moment: An aware datetime in whole seconds, from 1950 on.

        Raises:
            BuilderError: notAfter is already set, ``moment`` is naive,
                has fractional seconds or is before 1950, or it is earlier
                than notBefore.
        """
        self._check_unset("_not_after", "notAfter")
        moment = _check_moment(moment, "notAfter")
        if self._not_before is not None and moment < self._not_before:
            raise BuilderError(
                f"notAfter {moment.isoformat()} is before notBefore "
                f"{self._not_before.isoformat()}"
            )
        return replace(self, _not_after=moment)

    def add_extension(
        self, value: ExtensionValue, critical: bool
    ) -> CertificateBuilder:
        """Add an extension.

        Args:
            value: A typed value from :mod:`purepki.extensions`.
            critical: The critical flag; the value's class checks that the
                flag is allowed (basicConstraints of a CA must be
                critical, key identifiers must not).

        Raises:
            BuilderError: An extension with the same OID is already
                present (RFC 5280 section 4.2).
            ExtensionValueError: The value or flag breaks a builder rule.
        """
        extension = Extension.build(value, critical)
        if any(other.oid == extension.oid for other in self._extensions):
            raise BuilderError(
                f"duplicate extension {extension.oid} ({extension.name}); "
                "RFC 5280 section 4.2 allows each extension once"
            )
        return replace(self, _extensions=(*self._extensions, extension))

    def add_extensions(
        self, extensions: Iterable[tuple[ExtensionValue, bool]]
    ) -> CertificateBuilder:
        """Add several (value, critical) pairs in order, as
        :meth:`add_extension` does."""
        builder = self
        for value, critical in extensions:
            builder = builder.add_extension(value, critical)
        return builder

    @property
    def extensions(self) -> Extensions:
        """The extensions added so far."""
        return Extensions(self._extensions)

    def _required(
        self,
    ) -> tuple[Name, Name, PublicKey, datetime.datetime, datetime.datetime]:
        subject = self._subject
        issuer = self._issuer
        key = self._public_key
        start = self._not_before
        end = self._not_after
        if (
            subject is None
            or issuer is None
            or key is None
            or start is None
            or end is None
        ):
            fields = (
                ("subject", subject),
                ("issuer", issuer),
                ("public key", key),
                ("notBefore", start),
                ("notAfter", end),
            )
            missing = ", ".join(label for label, v in fields if v is None)
            raise BuilderError(
                f"certificate builder is missing: {missing}; set them "
                "before sign()"
            )
        return subject, issuer, key, start, end

    def tbs_der(self, algorithm: SignatureAlgorithm) -> bytes:
        """Encode the tbsCertificate, always as version 3.

        Args:
            algorithm: The signature algorithm written in the signature
                field.

        Returns:
            The DER; each call without a serial number set draws a new
            random serial.

        Raises:
            BuilderError: A required field is missing, or the subject is
                empty without a subjectAltName (RFC 5280 section 4.1.2.6).
        """
        subject, issuer, key, start, end = self._required()
        if subject.is_empty and not self._has_subject_alt_name():
            raise BuilderError(
                "the subject is empty and there is no subjectAltName; RFC "
                "5280 section 4.1.2.6 requires one of them"
            )
        number = self._serial_number or random_serial_number()
        validity = der.encode_sequence(
            der.encode(encode_time(start)), der.encode(encode_time(end))
        )
        parts = [
            der.encode_tlv(0xA0, der.encode_integer(2)),
            der.encode_integer(number),
            sigalg.to_der(algorithm),
            issuer.to_der(),
            validity,
            subject.to_der(),
            key.to_der(),
        ]
        if self._extensions:
            encoded = [encode_extension(ext) for ext in self._extensions]
            parts.append(der.encode_tlv(0xA3, der.encode_sequence(*encoded)))
        return der.encode_sequence(*parts)

    def _has_subject_alt_name(self) -> bool:
        return any(
            ext.oid == SubjectAlternativeName.OID for ext in self._extensions
        )

    def sign(
        self,
        private_key: PrivateKey,
        algorithm: Optional[SignatureAlgorithm] = None,
        *,
        backend: BackendLike = None,
        source: str = "new certificate",
    ) -> Certificate:
        """Sign the certificate with the issuer's key and parse the result.

        The certificate is version 3. The builder does not check that
        ``private_key`` belongs to the issuer; the profiles in
        :mod:`purepki.profiles` do.

        Args:
            private_key: The issuer's private key.
            algorithm: The signature algorithm; by default SHA-256 with
                PKCS#1 v1.5 for RSA and ECDSA with the curve's hash.
            backend: See :func:`purepki.backend.get_backend`.
            source: Description used in errors and in the result.

        Raises:
            BuilderError: A required field is missing.
            UnsupportedAlgorithm: The key cannot sign with the algorithm.
        """
        from purepki import signatures

        algorithm = algorithm or signatures.default_algorithm(private_key)
        tbs = self.tbs_der(algorithm)
        signature = private_key.sign(tbs, algorithm, backend=backend)
        encoded = assemble(tbs, algorithm, signature)
        return Certificate.from_der(encoded, source=source)


def _check_name(name: object, field: str) -> None:
    if not isinstance(name, Name):
        raise BuilderError(
            f"{field} must be a purepki.name.Name, found "
            f"{type(name).__name__}; make one with Name.build() or "
            "Name.from_rfc4514()"
        )


def assemble(
    tbs: bytes, algorithm: SignatureAlgorithm, signature: bytes
) -> bytes:
    """Join tbsCertificate DER, the signature algorithm and a signature
    into Certificate DER (RFC 5280 section 4.1), for re-signing a
    rewritten tbsCertificate."""
    return der.encode_sequence(
        tbs,
        sigalg.to_der(algorithm),
        der.encode_tlv(0x03, b"\x00" + signature),
    )
