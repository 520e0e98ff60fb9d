"""Certificates for the benchmarks: a root, an intermediate and a leaf.

The chain passes the web PKI policy of purepki and of ``cryptography``'s
``x509.verification``: every certificate carries a subject and authority
key identifier, the CAs a critical basicConstraints and keyCertSign, and
the leaf a subjectAltName with :data:`HOST` and the serverAuth purpose.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Union

from purepki.asn1.oids import ExtendedKeyUsageOID
from purepki.certificate import Certificate, CertificateBuilder
from purepki.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    ExtendedKeyUsage,
    KeyUsage,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
)
from purepki.general_names import DNSName
from purepki.keys import ECPrivateKey, RSAPrivateKey
from purepki.name import Name

PrivateKey = Union[ECPrivateKey, RSAPrivateKey]

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 1, 1, tzinfo=UTC)
END = START + datetime.timedelta(days=365)
#: The validation time: inside the validity of every certificate.
AT = datetime.datetime(2026, 6, 1, tzinfo=UTC)
HOST = "bench.example.test"


def leaf_extensions(
    public: Any, issuer_key: PrivateKey
) -> list[tuple[Any, bool]]:
    """Return the extensions of a TLS server certificate for ``public``,
    with their critical flags."""
    return [
        *_common_extensions(public, issuer_key, ca=False),
        (ExtendedKeyUsage((ExtendedKeyUsageOID.SERVER_AUTH,)), False),
        (SubjectAlternativeName((DNSName(HOST),)), False),
    ]


def _common_extensions(
    public: Any, issuer_key: PrivateKey, ca: bool
) -> list[tuple[Any, bool]]:
    usage = (
        frozenset({"key_cert_sign", "crl_sign"})
        if ca
        else frozenset({"digital_signature"})
    )
    issuer_id = SubjectKeyIdentifier.from_public_key(issuer_key.public_key())
    return [
        (BasicConstraints(ca=ca, path_length=None), True),
        (KeyUsage(usage), True),
        (SubjectKeyIdentifier.from_public_key(public), False),
        (AuthorityKeyIdentifier(key_identifier=issuer_id.digest), False),
    ]


def certificate(
    subject: str,
    key: PrivateKey,
    issuer_key: PrivateKey,
    issuer_name: Name,
    ca: bool,
    serial: int = 1,
) -> Certificate:
    """Build and sign one certificate with the ``pure`` backend."""
    public = key.public_key()
    extensions = (
        _common_extensions(public, issuer_key, ca=True)
        if ca
        else leaf_extensions(public, issuer_key)
    )
    builder = (
        CertificateBuilder()
        .subject_name(Name.from_rfc4514(subject))
        .issuer_name(issuer_name)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(START)
        .not_valid_after(END)
        .add_extensions(extensions)
    )
    return builder.sign(issuer_key, backend="pure")


@dataclass(frozen=True)
class Chain:
    """A root, an intermediate it signed and a leaf for :data:`HOST`."""

    root: Certificate
    intermediate: Certificate
    leaf: Certificate

    @property
    def leaf_der(self) -> bytes:
        """The leaf certificate as DER."""
        return self.leaf.to_der()

    @property
    def intermediate_der(self) -> bytes:
        """The intermediate certificate as DER."""
        return self.intermediate.to_der()


def make_chain(
    root_key: PrivateKey, intermediate_key: PrivateKey, leaf_key: PrivateKey
) -> Chain:
    """Build a three-certificate chain from three keys."""
    root_name = Name.from_rfc4514("CN=Bench Root")
    root = certificate("CN=Bench Root", root_key, root_key, root_name, True)
    intermediate = certificate(
        "CN=Bench Intermediate",
        intermediate_key,
        root_key,
        root.subject,
        True,
        serial=2,
    )
    leaf = certificate(
        f"CN={HOST}",
        leaf_key,
        intermediate_key,
        intermediate.subject,
        False,
        serial=3,
    )
    return Chain(root, intermediate, leaf)
