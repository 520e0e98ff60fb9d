"""Object identifiers: one table of dotted form, constant and display name.

Each namespace class lists OIDs of one kind as UPPER_SNAKE constants. An
:class:`OID` is a ``str`` holding the dotted form, so it compares equal to
the dotted string that pyasn1 prints, and it carries the display name that
OpenSSL and the defining RFC use. :func:`display_name` looks any dotted OID
up in the one table built from these classes.
"""

from __future__ import annotations

from typing import Optional


class OID(str):
    """An object identifier in dotted form with its display name.

    Attributes:
        display: The short name OpenSSL prints (``sha256WithRSAEncryption``),
            or the RFC's name where OpenSSL has none.
    """

    display: str

    def __new__(cls, dotted: str, display: str) -> OID:
        self = super().__new__(cls, dotted)
        self.display = display
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        # pickle and copy call __new__ with these; str's own give only the
        # dotted text, and __new__ needs the display name too.
        return (self.dotted, self.display)

    @property
    def dotted(self) -> str:
        """The OID as a plain dotted string."""
        return str.__str__(self)

    @property
    def arcs(self) -> tuple[int, ...]:
        """The arcs as integers."""
        return tuple(int(arc) for arc in self.split("."))


class HashOID:
    """Hash algorithms (RFC 8017 appendix B.1, RFC 3279)."""

    MD5 = OID("1.2.840.113549.2.5", "md5")
    SHA1 = OID("1.3.14.3.2.26", "sha1")
    SHA224 = OID("2.16.840.1.101.3.4.2.4", "sha224")
    SHA256 = OID("2.16.840.1.101.3.4.2.1", "sha256")
    SHA384 = OID("2.16.840.1.101.3.4.2.2", "sha384")
    SHA512 = OID("2.16.840.1.101.3.4.2.3", "sha512")
    MGF1 = OID("1.2.840.113549.1.1.8", "mgf1")


class PublicKeyOID:
    """Subject public key algorithms (RFC 3279, 4055, 5480 and 8410)."""

    RSA_ENCRYPTION = OID("1.2.840.113549.1.1.1", "rsaEncryption")
    RSASSA_PSS = OID("1.2.840.113549.1.1.10", "rsassaPss")
    EC_PUBLIC_KEY = OID("1.2.840.10045.2.1", "id-ecPublicKey")
    DSA = OID("1.2.840.10040.4.1", "dsaEncryption")
    DH = OID("1.2.840.10046.2.1", "dhpublicnumber")
    ED25519 = OID("1.3.101.112", "ED25519")
    ED448 = OID("1.3.101.113", "ED448")
    X25519 = OID("1.3.101.110", "X25519")
    X448 = OID("1.3.101.111", "X448")
    PRIME_FIELD = OID("1.2.840.10045.1.1", "prime-field")


class CurveOID:
    """Named elliptic curves (RFC 5480 section 2.1.1.1)."""

    SECP256R1 = OID("1.2.840.10045.3.1.7", "prime256v1")
    SECP384R1 = OID("1.3.132.0.34", "secp384r1")
    SECP521R1 = OID("1.3.132.0.35", "secp521r1")
    SECP256K1 = OID("1.3.132.0.10", "secp256k1")
    SECP224R1 = OID("1.3.132.0.33", "secp224r1")
    PRIME192V1 = OID("1.2.840.10045.3.1.1", "prime192v1")
    BRAINPOOL_P256R1 = OID("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1")


class SignatureAlgorithmOID:
    """Signature algorithms (RFC 8017 appendix C, RFC 5758 section 3.2)."""

    MD5_WITH_RSA = OID("1.2.840.113549.1.1.4", "md5WithRSAEncryption")
    SHA1_WITH_RSA = OID("1.2.840.113549.1.1.5", "sha1WithRSAEncryption")
    SHA224_WITH_RSA = OID("1.2.840.113549.1.1.14", "sha224WithRSAEncryption")
    SHA256_WITH_RSA = OID("1.2.840.113549.1.1.11", "sha256WithRSAEncryption")
    SHA384_WITH_RSA = OID("1.2.840.113549.1.1.12", "sha384WithRSAEncryption")
    SHA512_WITH_RSA = OID("1.2.840.113549.1.1.13", "sha512WithRSAEncryption")
    RSASSA_PSS = OID("1.2.840.113549.1.1.10", "rsassaPss")
    ECDSA_WITH_SHA1 = OID("1.2.840.10045.4.1", "ecdsa-with-SHA1")
    ECDSA_WITH_SHA224 = OID("1.2.840.10045.4.3.1", "ecdsa-with-SHA224")
    ECDSA_WITH_SHA256 = OID("1.2.840.10045.4.3.2", "ecdsa-with-SHA256")
    ECDSA_WITH_SHA384 = OID("1.2.840.10045.4.3.3", "ecdsa-with-SHA384")
    ECDSA_WITH_SHA512 = OID("1.2.840.10045.4.3.4", "ecdsa-with-SHA512")
    ED25519 = OID("1.3.101.112", "ED25519")
    DSA_WITH_SHA1 = OID("1.2.840.10040.4.3", "dsaWithSHA1")
    DSA_WITH_SHA256 = OID("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256")


class NameOID:
    """Attribute types of distinguished names (RFC 5280 appendix A.1,
    RFC 4519)."""

    COMMON_NAME = OID("2.5.4.3", "CN")
    SURNAME = OID("2.5.4.4", "SN")
    SERIAL_NUMBER = OID("2.5.4.5", "serialNumber")
    COUNTRY_NAME = OID("2.5.4.6", "C")
    LOCALITY_NAME = OID("2.5.4.7", "L")
    STATE_OR_PROVINCE_NAME = OID("2.5.4.8", "ST")
    STREET_ADDRESS = OID("2.5.4.9", "street")
    ORGANIZATION_NAME = OID("2.5.4.10", "O")
    ORGANIZATIONAL_UNIT_NAME = OID("2.5.4.11", "OU")
    TITLE = OID("2.5.4.12", "title")
    POSTAL_CODE = OID("2.5.4.17", "postalCode")
    GIVEN_NAME = OID("2.5.4.42", "GN")
    INITIALS = OID("2.5.4.43", "initials")
    GENERATION_QUALIFIER = OID("2.5.4.44", "generationQualifier")
    DN_QUALIFIER = OID("2.5.4.46", "dnQualifier")
    PSEUDONYM = OID("2.5.4.65", "pseudonym")
    ORGANIZATION_IDENTIFIER = OID("2.5.4.97", "organizationIdentifier")
    DOMAIN_COMPONENT = OID("0.9.2342.19200300.100.1.25", "DC")
    USER_ID = OID("0.9.2342.19200300.100.1.1", "UID")
    EMAIL_ADDRESS = OID("1.2.840.113549.1.9.1", "emailAddress")
    BUSINESS_CATEGORY = OID("2.5.4.15", "businessCategory")
    JURISDICTION_COUNTRY = OID("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC")


class ExtensionOID:
    """Certificate extensions (RFC 5280 section 4.2)."""

    SUBJECT_KEY_IDENTIFIER = OID("2.5.29.14", "subjectKeyIdentifier")
    KEY_USAGE = OID("2.5.29.15", "keyUsage")
    SUBJECT_ALTERNATIVE_NAME = OID("2.5.29.17", "subjectAltName")
    ISSUER_ALTERNATIVE_NAME = OID("2.5.29.18", "issuerAltName")
    BASIC_CONSTRAINTS = OID("2.5.29.19", "basicConstraints")
    CRL_NUMBER = OID("2.5.29.20", "crlNumber")
    CRL_REASON = OID("2.5.29.21", "CRLReason")
    INVALIDITY_DATE = OID("2.5.29.24", "invalidityDate")
    DELTA_CRL_INDICATOR = OID("2.5.29.27", "deltaCRLIndicator")
    CERTIFICATE_ISSUER = OID("2.5.29.29", "certificateIssuer")
    NAME_CONSTRAINTS = OID("2.5.29.30", "nameConstraints")
    CRL_DISTRIBUTION_POINTS = OID("2.5.29.31", "crlDistributionPoints")
    CERTIFICATE_POLICIES = OID("2.5.29.32", "certificatePolicies")
    POLICY_MAPPINGS = OID("2.5.29.33", "policyMappings")
    AUTHORITY_KEY_IDENTIFIER = OID("2.5.29.35", "authorityKeyIdentifier")
    POLICY_CONSTRAINTS = OID("2.5.29.36", "policyConstraints")
    EXTENDED_KEY_USAGE = OID("2.5.29.37", "extendedKeyUsage")
    FRESHEST_CRL = OID("2.5.29.46", "freshestCRL")
    INHIBIT_ANY_POLICY = OID("2.5.29.54", "inhibitAnyPolicy")
    SUBJECT_DIRECTORY_ATTRIBUTES = OID(
        "2.5.29.9", "subjectDirectoryAttributes"
    )
    ISSUING_DISTRIBUTION_POINT = OID("2.5.29.28", "issuingDistributionPoint")
    AUTHORITY_INFORMATION_ACCESS = OID(
        "1.3.6.1.5.5.7.1.1", "authorityInfoAccess"
    )
    SUBJECT_INFORMATION_ACCESS = OID("1.3.6.1.5.5.7.1.11", "subjectInfoAccess")
    TLS_FEATURE = OID("1.3.6.1.5.5.7.1.24", "tlsfeature")
    PRECERT_SCTS = OID("1.3.6.1.4.1.11129.2.4.2", "ct_precert_scts")
    PRECERT_POISON = OID("1.3.6.1.4.1.11129.2.4.3", "ct_precert_poison")
    NETSCAPE_CERT_TYPE = OID("2.16.840.1.113730.1.1", "nsCertType")
    NETSCAPE_COMMENT = OID("2.16.840.1.113730.1.13", "nsComment")


class ExtendedKeyUsageOID:
    """Key purposes (RFC 5280 section 4.2.1.12)."""

    SERVER_AUTH = OID("1.3.6.1.5.5.7.3.1", "serverAuth")
    CLIENT_AUTH = OID("1.3.6.1.5.5.7.3.2", "clientAuth")
    CODE_SIGNING = OID("1.3.6.1.5.5.7.3.3", "codeSigning")
    EMAIL_PROTECTION = OID("1.3.6.1.5.5.7.3.4", "emailProtection")
    TIME_STAMPING = OID("1.3.6.1.5.5.7.3.8", "timeStamping")
    OCSP_SIGNING = OID("1.3.6.1.5.5.7.3.9", "OCSPSigning")
    ANY_EXTENDED_KEY_USAGE = OID("2.5.29.37.0", "anyExtendedKeyUsage")
    MICROSOFT_SGC = OID("1.3.6.1.4.1.311.10.3.3", "msSGC")
    NETSCAPE_SGC = OID("2.16.840.1.113730.4.1", "nsSGC")


class AccessMethodOID:
    """Access methods of authorityInfoAccess (RFC 5280 section 4.2.2.1)."""

    OCSP = OID("1.3.6.1.5.5.7.48.1", "OCSP")
    CA_ISSUERS = OID("1.3.6.1.5.5.7.48.2", "caIssuers")


class PolicyOID:
    """Certificate policy identifiers and qualifiers (RFC 5280 4.2.1.4)."""

    ANY_POLICY = OID("2.5.29.32.0", "anyPolicy")
    CPS = OID("1.3.6.1.5.5.7.2.1", "cps")
    USER_NOTICE = OID("1.3.6.1.5.5.7.2.2", "unotice")


class AttributeOID:
    """PKCS#9 attributes (RFC 2985) used in CSRs and PKCS#12."""

    CHALLENGE_PASSWORD = OID("1.2.840.113549.1.9.7", "challengePassword")
    UNSTRUCTURED_NAME = OID("1.2.840.113549.1.9.2", "unstructuredName")
    EXTENSION_REQUEST = OID("1.2.840.113549.1.9.14", "extensionRequest")
    FRIENDLY_NAME = OID("1.2.840.113549.1.9.20", "friendlyName")
    LOCAL_KEY_ID = OID("1.2.840.113549.1.9.21", "localKeyID")
    MS_EXTENSION_REQUEST = OID("1.3.6.1.4.1.311.2.1.14", "msExtReq")


class ContentTypeOID:
    """CMS and PKCS#7 content types (RFC 5652 section 4 and 5)."""

    DATA = OID("1.2.840.113549.1.7.1", "pkcs7-data")
    SIGNED_DATA = OID("1.2.840.113549.1.7.2", "pkcs7-signedData")
    ENCRYPTED_DATA = OID("1.2.840.113549.1.7.6", "pkcs7-encryptedData")


_NAMESPACES = (
    HashOID,
    PublicKeyOID,
    CurveOID,
    SignatureAlgorithmOID,
    NameOID,
    ExtensionOID,
    ExtendedKeyUsageOID,
    AccessMethodOID,
    PolicyOID,
    AttributeOID,
    ContentTypeOID,
)


def _build_table() -> dict[str, tuple[str, OID]]:
    table: dict[str, tuple[str, OID]] = {}
    for namespace in _NAMESPACES:
        for constant, value in vars(namespace).items():
            if isinstance(value, OID):
                qualified = f"{namespace.__name__}.{constant}"
                table.setdefault(value.dotted, (qualified, value))
    return table


#: dotted form -> (qualified constant name, OID), over every namespace.
TABLE = _build_table()


def display_name(dotted: str) -> str:
    """Return the display name of an OID, or the dotted form if unknown."""
    entry = TABLE.get(str(dotted))
    return entry[1].display if entry else str(dotted)


def constant_name(dotted: str) -> Optional[str]:
    """Return the constant naming an OID (``HashOID.SHA256``), if any."""
    entry = TABLE.get(str(dotted))
    return entry[0] if entry else None


def lookup(dotted: str) -> Optional[OID]:
    """Return the :class:`OID` with its display name, if it is known."""
    entry = TABLE.get(str(dotted))
    return entry[1] if entry else None
