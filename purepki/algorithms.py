"""Hash and signature algorithm descriptions shared by every backend."""

from __future__ import annotations

import enum
import hashlib
from typing import Optional

from purepki._record import dataclass
from purepki.asn1.oids import OID, HashOID
from purepki.errors import UnsupportedAlgorithm, UnsupportedReason


class HashAlgorithm(enum.Enum):
    """Hash functions purepki signs or verifies with.

    SHA-1 and MD5 are listed so that old signatures can be named and, for
    SHA-1, verified; no backend signs with either.
    """

    MD5 = ("md5", 16, HashOID.MD5)
    SHA1 = ("sha1", 20, HashOID.SHA1)
    SHA224 = ("sha224", 28, HashOID.SHA224)
    SHA256 = ("sha256", 32, HashOID.SHA256)
    SHA384 = ("sha384", 48, HashOID.SHA384)
    SHA512 = ("sha512", 64, HashOID.SHA512)

    def __init__(self, hashlib_name: str, digest_size: int, oid: OID) -> None:
        self.hashlib_name = hashlib_name
        self.digest_size = digest_size
        self.oid = oid

    @property
    def display(self) -> str:
        """The name as RFCs write it: ``SHA-256``."""
        return (
            self.name
            if self is HashAlgorithm.MD5
            else (f"SHA-{self.name[3:]}")
        )

    def digest(self, data: bytes) -> bytes:
        """Return the hash of ``data``."""
        return hashlib.new(self.hashlib_name, data).digest()

    @property
    def digest_info_prefix(self) -> bytes:
        """DER DigestInfo up to the hash value (RFC 8017 section 9.2,
        note 1)."""
        return _DIGEST_INFO_PREFIXES[self]

    @classmethod
    def from_oid(cls, oid: str) -> HashAlgorithm:
        """Return the hash named by an OID.

        Raises:
            UnsupportedAlgorithm: The OID names no hash listed here.
        """
        for member in cls:
            if member.oid == oid:
                return member
        raise UnsupportedAlgorithm(
            f"unsupported hash algorithm {oid}", UnsupportedReason.HASH
        )

    @classmethod
    def from_name(cls, name: str) -> HashAlgorithm:
        """Return the hash called ``name`` (``sha256``, ``SHA-256``).

        Raises:
            UnsupportedAlgorithm: No hash has that name.
        """
        wanted = name.lower().replace("-", "")
        for member in cls:
            if member.hashlib_name == wanted:
                return member
        raise UnsupportedAlgorithm(
            f"unsupported hash algorithm {name!r}; use sha256, sha384 or "
            "sha512",
            UnsupportedReason.HASH,
        )


# From RFC 8017 section 9.2, note 1.
_DIGEST_INFO_PREFIXES = {
    HashAlgorithm.MD5: bytes.fromhex("3020300c06082a864886f70d020505000410"),
    HashAlgorithm.SHA1: bytes.fromhex("3021300906052b0e03021a05000414"),
    HashAlgorithm.SHA224: bytes.fromhex(
        "302d300d06096086480165030402040500041c"
    ),
    HashAlgorithm.SHA256: bytes.fromhex(
        "3031300d060960864801650304020105000420"
    ),
    HashAlgorithm.SHA384: bytes.fromhex(
        "3041300d060960864801650304020205000430"
    ),
    HashAlgorithm.SHA512: bytes.fromhex(
        "3051300d060960864801650304020305000440"
    ),
}

#: Hashes that no backend signs with (RFC 9155 deprecates both in TLS,
#: and CA/Browser Forum rules forbid them in certificates).
WEAK_HASHES = frozenset({HashAlgorithm.MD5, HashAlgorithm.SHA1})


class SignatureScheme(enum.Enum):
    """Signature scheme that turns a hash into a signature."""

    RSA_PKCS1V15 = "RSASSA-PKCS1-v1_5"
    RSA_PSS = "RSASSA-PSS"
    ECDSA = "ECDSA"


@dataclass(frozen=True)
class SignatureAlgorithm:
    """A signature scheme with its hash and, for PSS, its parameters.

    Attributes:
        scheme: The signature scheme.
        hash: The message hash.
        salt_length: PSS salt length in octets; ``None`` means the hash's
            digest size.
        mgf_hash: PSS MGF1 hash; ``None`` means the message hash.
    """

    scheme: SignatureScheme
    hash: HashAlgorithm
    salt_length: Optional[int] = None
    mgf_hash: Optional[HashAlgorithm] = None

    def __post_init__(self) -> None:
        if self.scheme is not SignatureScheme.RSA_PSS and (
            self.salt_length is not None or self.mgf_hash is not None
        ):
            raise ValueError("salt_length and mgf_hash apply only to PSS")
        if self.salt_length is not None and self.salt_length < 0:
            raise ValueError(f"invalid PSS salt length {self.salt_length}")

    @property
    def pss_salt_length(self) -> int:
        """PSS salt length in octets, with the default applied."""
        if self.salt_length is None:
            return self.hash.digest_size
        return self.salt_length

    @property
    def pss_mgf_hash(self) -> HashAlgorithm:
        """PSS MGF1 hash, with the default applied."""
        return self.mgf_hash or self.hash

    def __str__(self) -> str:
        text = f"{self.scheme.value} with {self.hash.display}"
        if self.scheme is SignatureScheme.RSA_PSS:
            text += (
                f" (MGF1 {self.pss_mgf_hash.display}, salt "
                f"{self.pss_salt_length})"
            )
        return text


RSA_PKCS1_SHA256 = SignatureAlgorithm(
    SignatureScheme.RSA_PKCS1V15, HashAlgorithm.SHA256
)
RSA_PKCS1_SHA384 = SignatureAlgorithm(
    SignatureScheme.RSA_PKCS1V15, HashAlgorithm.SHA384
)
RSA_PKCS1_SHA512 = SignatureAlgorithm(
    SignatureScheme.RSA_PKCS1V15, HashAlgorithm.SHA512
)
RSA_PSS_SHA256 = SignatureAlgorithm(
    SignatureScheme.RSA_PSS, HashAlgorithm.SHA256
)
ECDSA_SHA256 = SignatureAlgorithm(SignatureScheme.ECDSA, HashAlgorithm.SHA256)
ECDSA_SHA384 = SignatureAlgorithm(SignatureScheme.ECDSA, HashAlgorithm.SHA384)
ECDSA_SHA512 = SignatureAlgorithm(SignatureScheme.ECDSA, HashAlgorithm.SHA512)
