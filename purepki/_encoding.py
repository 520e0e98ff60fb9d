"""DER encodings shared by the certificate and CSR builders."""

from __future__ import annotations

from purepki.asn1 import der
from purepki.extensions import Extension
from purepki.general_names import encode_oid

__all__ = ["encode_extension", "encode_oid"]


def encode_extension(extension: Extension) -> bytes:
    """Encode one Extension (RFC 5280 section 4.1), leaving out critical
    when it is FALSE, since DER omits DEFAULT values (X.690 11.5)."""
    parts = [encode_oid(extension.oid)]
    if extension.critical:
        parts.append(b"\x01\x01\xff")
    parts.append(der.encode_tlv(0x04, extension.der_value))
    return der.encode_sequence(*parts)
