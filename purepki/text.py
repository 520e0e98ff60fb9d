"""Readable text and JSON for certificates and CSRs.

The text follows the layout of ``openssl x509 -text`` and ``openssl req
-text`` (OpenSSL 3.0), so that people who know those outputs find each
fact where they expect it. It adds what administrators need most: how
long ago a certificate expired or how soon it will, and its SHA-256 and
SHA-1 fingerprints, computed over the DER as received, as ``openssl x509
-fingerprint`` computes them. The JSON forms carry the same facts as
plain data that :func:`json.dumps` accepts.
"""

from __future__ import annotations

import datetime
from typing import Any, Optional, Union

from purepki import sigalg
from purepki.algorithms import SignatureScheme
from purepki.asn1.oids import display_name
from purepki.certificate import Certificate, hex_serial
from purepki.csr import Attribute, CertificateSigningRequest
from purepki.errors import PurePKIError
from purepki.extensions import Extensions
from purepki.keys import ECPublicKey, PublicKey, RSAPublicKey
from purepki.x509time import UTC, format_time

#: Days before expiry from which a certificate counts as expiring soon.
EXPIRY_WARNING_DAYS = 30

#: Largest serial that OpenSSL prints in decimal; larger ones are hex.
_DECIMAL_SERIAL_LIMIT = 2**63

_CSR_EXTENSION_ATTRIBUTES = ("extensionRequest", "msExtReq")

_Signed = Union[Certificate, CertificateSigningRequest]


def hex_colons(data: bytes, upper: bool = False) -> str:
    """Format bytes as ``ab:cd:ef`` (or ``AB:CD:EF`` with ``upper``)."""
    text = ":".join(f"{octet:02x}" for octet in data)
    return text.upper() if upper else text


def _wrap_hex(data: bytes, indent: str, per_line: int = 15) -> list[str]:
    octets = [f"{octet:02x}" for octet in data]
    lines = []
    for start in range(0, len(octets), per_line):
        chunk = ":".join(octets[start : start + per_line])
        last = start + per_line >= len(octets)
        lines.append(indent + chunk + ("" if last else ":"))
    return lines


def _days(count: int) -> str:
    if count == 0:
        return "less than 1 day"
    return "1 day" if count == 1 else f"{count} days"


def expiry_status(
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    now: datetime.datetime,
) -> tuple[str, str]:
    """Describe a validity period at ``now``.

    Days are whole days, rounded down.

    Returns:
        A state, one of ``valid``, ``expiring`` (less than
        :data:`EXPIRY_WARNING_DAYS` days left), ``expired`` and ``not yet
        valid``, and a phrase such as ``EXPIRED 3 days ago``, ``EXPIRES
        SOON: expires in 5 days`` or ``valid, expires in 200 days``.
    """
    if now < not_before:
        days = _days((not_before - now).days)
        return "not yet valid", f"NOT YET VALID: starts in {days}"
    if now > not_after:
        days = _days((now - not_after).days)
        return "expired", f"EXPIRED {days} ago"
    left = (not_after - now).days
    if left < EXPIRY_WARNING_DAYS:
        return "expiring", f"EXPIRES SOON: expires in {_days(left)}"
    return "valid", f"valid, expires in {_days(left)}"


def _check_now(now: Optional[datetime.datetime]) -> datetime.datetime:
    if now is None:
        return datetime.datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError(
            f"time {now.isoformat()} has no time zone; pass an aware "
            "datetime such as datetime.now(timezone.utc)"
        )
    return now


def _serial_lines(certificate: Certificate) -> list[str]:
    serial = certificate.serial_number
    magnitude = abs(serial)
    if magnitude < _DECIMAL_SERIAL_LIMIT:
        sign = "-" if serial < 0 else ""
        line = (
            f"        Serial Number: {sign}{magnitude} ({hex_serial(serial)})"
        )
        lines = [line]
    else:
        digits = magnitude.to_bytes((magnitude.bit_length() + 7) // 8, "big")
        prefix = "(Negative)" if serial < 0 else ""
        lines = [
            "        Serial Number:",
            f"            {prefix}{hex_colons(digits)}",
        ]
    if serial <= 0:
        lines.append(
            f"            ({hex_serial(serial)} is not positive, which RFC "
            "5280 section 4.1.2.2 requires)"
        )
    return lines


def _rsa_lines(key: RSAPublicKey, indent: str) -> list[str]:
    # OpenSSL puts a 00 octet before a modulus whose top bit is set.
    size = key.n.bit_length() // 8 + 1
    lines = [
        f"{indent}Public-Key: ({key.key_size} bit)",
        f"{indent}Modulus:",
        *_wrap_hex(key.n.to_bytes(size, "big"), indent + "    "),
        f"{indent}Exponent: {key.e} ({key.e:#x})",
    ]
    if not key.pss_only:
        return lines
    if key.pss is None:
        lines.append(f"{indent}No PSS parameter restrictions")
        return lines
    pss = key.pss
    lines += [
        f"{indent}PSS parameter restrictions:",
        f"{indent}  Hash Algorithm: {pss.hash.hashlib_name}",
        f"{indent}  Mask Algorithm: mgf1 with {pss.mgf_hash.hashlib_name}",
        f"{indent}  Minimum Salt Length: {pss.salt_length}",
    ]
    return lines


def _ec_lines(key: ECPublicKey, indent: str) -> list[str]:
    lines = [
        f"{indent}Public-Key: ({key.key_size} bit)",
        f"{indent}pub:",
        *_wrap_hex(key.point(), indent + "    "),
        f"{indent}ASN1 OID: {key.curve.openssl_name}",
        f"{indent}NIST CURVE: {key.curve.name}",
    ]
    if key.explicit_parameters:
        # NOTE: OpenSSL prints the explicit curve parameters themselves
        # here; this shows the named curve they are equal to.
        lines.append(f"{indent}(given as explicit parameters)")
    return lines


def _public_key_lines(key: PublicKey) -> list[str]:
    indent = " " * 16
    if isinstance(key, RSAPublicKey):
        algorithm = "rsassaPss" if key.pss_only else "rsaEncryption"
        body = _rsa_lines(key, indent)
    else:
        algorithm = "id-ecPublicKey"
        body = _ec_lines(key, indent)
    return [f"            Public Key Algorithm: {algorithm}", *body]


def _safe_public_key_lines(subject: _Signed) -> list[str]:
    try:
        return _public_key_lines(subject.public_key)
    except PurePKIError as error:
        return [f"            Public Key: unsupported ({error})"]


def _extensions_lines(extensions: Extensions, indent: int) -> list[str]:
    pad = " " * indent
    return [pad + line if line else "" for line in extensions.text_lines()]


def _signature_name(subject: _Signed) -> str:
    try:
        return sigalg.name_of(subject.signature_algorithm)
    except PurePKIError:
        return display_name(subject.signature_algorithm_oid)


def _pss_parameter_lines(subject: _Signed) -> list[str]:
    """The RSASSA-PSS parameters as OpenSSL 3.0 prints them below the
    algorithm name; empty for other algorithms."""
    try:
        algorithm = subject.signature_algorithm
    except PurePKIError:
        return []
    if algorithm.scheme is not SignatureScheme.RSA_PSS:
        return []
    indent = " " * 8
    return [
        f"{indent}Hash Algorithm: {algorithm.hash.hashlib_name}",
        f"{indent}Mask Algorithm: mgf1 with "
        f"{algorithm.pss_mgf_hash.hashlib_name}",
        f"{indent} Salt Length: 0x{algorithm.pss_salt_length:X}",
        f"{indent}Trailer Field: 0x01 (default)",
    ]


def _signature_lines(subject: _Signed) -> list[str]:
    # OpenSSL 3.0 prints the PSS parameters after "Signature Value:".
    return [
        f"    Signature Algorithm: {_signature_name(subject)}",
        "    Signature Value:",
        *_pss_parameter_lines(subject),
        *_wrap_hex(subject.signature, "        ", 18),
    ]


def certificate_text(
    certificate: Certificate, now: Optional[datetime.datetime] = None
) -> str:
    """Render a certificate as ``openssl x509 -text`` does, with its
    expiry status and its fingerprints.

    Args:
        certificate: The certificate.
        now: The time the status is computed for (an aware datetime);
            the current time when ``None``.

    Raises:
        ValueError: ``now`` is a naive datetime.
    """
    now = _check_now(now)
    _, phrase = expiry_status(
        certificate.not_before, certificate.not_after, now
    )
    lines = [
        "Certificate:",
        "    Data:",
        f"        Version: {certificate.version} "
        f"({certificate.version - 1:#x})",
        *_serial_lines(certificate),
        f"        Signature Algorithm: {_signature_name(certificate)}",
        *_pss_parameter_lines(certificate),
        f"        Issuer: {certificate.issuer.openssl_oneline()}",
        "        Validity",
        f"            Not Before: {format_time(certificate.not_before)}",
        f"            Not After : {format_time(certificate.not_after)}",
        f"            Status    : {phrase}",
        f"        Subject: {certificate.subject.openssl_oneline()}",
        "        Subject Public Key Info:",
        *_safe_public_key_lines(certificate),
    ]
    if len(certificate.extensions):
        lines.append("        X509v3 extensions:")
        lines += _extensions_lines(certificate.extensions, 12)
    lines += _signature_lines(certificate)
    sha256 = hex_colons(certificate.fingerprint("sha256"), upper=True)
    sha1 = hex_colons(certificate.fingerprint("sha1"), upper=True)
    lines += [
        "    Fingerprints:",
        f"        SHA256: {sha256}",
        f"        SHA1:   {sha1}",
    ]
    return "\n".join(lines) + "\n"


def _attribute_text(attribute: Attribute) -> str:
    if attribute.text:
        return ", ".join(attribute.text)
    return hex_colons(b"".join(attribute.values))


def _other_attributes(
    request: CertificateSigningRequest,
) -> list[Attribute]:
    return [
        attribute
        for attribute in request.attributes
        if attribute.name not in _CSR_EXTENSION_ATTRIBUTES
    ]


def csr_text(request: CertificateSigningRequest) -> str:
    """Render a CSR as ``openssl req -text`` does, with every attribute.

    Attributes other than extensionRequest are shown by name (the dotted
    OID when the name is unknown), string values as text and other values
    as hex of their DER. The signature is shown but not checked; use
    :meth:`CertificateSigningRequest.verify_signature`.
    """
    lines = [
        "Certificate Request:",
        "    Data:",
        "        Version: 1 (0x0)",
        f"        Subject: {request.subject.openssl_oneline()}",
        "        Subject Public Key Info:",
        *_safe_public_key_lines(request),
        "        Attributes:",
    ]
    attributes = _other_attributes(request)
    if not attributes and not len(request.extensions):
        lines.append("            (none)")
    for attribute in attributes:
        shown = _attribute_text(attribute)
        lines.append(f"            {attribute.name:<25}:{shown}")
    if len(request.extensions):
        lines.append("            Requested Extensions:")
        lines += _extensions_lines(request.extensions, 16)
    lines += _signature_lines(request)
    return "\n".join(lines) + "\n"


def _key_json(subject: _Signed) -> dict[str, Any]:
    try:
        key = subject.public_key
    except PurePKIError as error:
        return {"supported": False, "error": str(error)}
    facts: dict[str, Any] = {
        "supported": True,
        "type": key.algorithm_name,
        "bits": key.key_size,
        "sha256": key.fingerprint(),
    }
    if isinstance(key, ECPublicKey):
        facts["curve"] = key.curve.name
        facts["explicit_parameters"] = key.explicit_parameters
    else:
        facts["exponent"] = key.e
    return facts


def certificate_json(
    certificate: Certificate, now: Optional[datetime.datetime] = None
) -> dict[str, Any]:
    """Return the facts of :func:`certificate_text` as JSON-ready data.

    Args:
        certificate: The certificate.
        now: As for :func:`certificate_text`.

    Raises:
        ValueError: ``now`` is a naive datetime.
    """
    now = _check_now(now)
    state, phrase = expiry_status(
        certificate.not_before, certificate.not_after, now
    )
    return {
        "type": "certificate",
        "version": certificate.version,
        "serial_number": hex_serial(certificate.serial_number),
        "serial_number_decimal": str(certificate.serial_number),
        "signature_algorithm": _signature_name(certificate),
        "issuer": certificate.issuer.rfc4514(),
        "subject": certificate.subject.rfc4514(),
        "not_before": certificate.not_before.isoformat(),
        "not_after": certificate.not_after.isoformat(),
        "status": state,
        "status_text": phrase,
        "days_left": (certificate.not_after - now).days,
        "public_key": _key_json(certificate),
        "extensions": certificate.extensions.to_json(),
        "signature": certificate.signature.hex(),
        "sha256_fingerprint": certificate.fingerprint("sha256").hex(),
        "sha1_fingerprint": certificate.fingerprint("sha1").hex(),
    }


def csr_json(request: CertificateSigningRequest) -> dict[str, Any]:
    """Return the facts of :func:`csr_text` as JSON-ready data."""
    attributes = [
        {
            "oid": attribute.oid,
            "name": attribute.name,
            "values": list(attribute.text),
            "der": [value.hex() for value in attribute.values],
        }
        for attribute in _other_attributes(request)
    ]
    return {
        "type": "certificate request",
        "version": 1,
        "subject": request.subject.rfc4514(),
        "public_key": _key_json(request),
        "attributes": attributes,
        "extensions": request.extensions.to_json(),
        "signature_algorithm": _signature_name(request),
        "signature": request.signature.hex(),
    }
