"""RSA and EC key objects: generation, loading, saving, signing, verifying.

Key objects are immutable values that compare and hash by their numbers.
They know nothing of any crypto library: generating, signing and verifying
go through the active backend (:mod:`purepki.backend`).

Formats read and written, each as PEM or DER:

========================  =====================  ===========================
format                    PEM label              standard
========================  =====================  ===========================
PKCS#8                    ``PRIVATE KEY``        RFC 5208, RFC 5958
PKCS#1 private            ``RSA PRIVATE KEY``    RFC 8017 appendix A.1.2
SEC 1                     ``EC PRIVATE KEY``     RFC 5915
SubjectPublicKeyInfo      ``PUBLIC KEY``         RFC 5280 section 4.1
PKCS#1 public             ``RSA PUBLIC KEY``     RFC 8017 appendix A.1.1
========================  =====================  ===========================

Password-protected keys are read with the ``password`` argument of
:func:`load_private_key`: encrypted PKCS#8 (RFC 5958 section 3, under the
``ENCRYPTED PRIVATE KEY`` label, a plain ``PRIVATE KEY`` label or as DER)
with the schemes of :mod:`purepki.pbe`, and legacy OpenSSL PEM with
``Proc-Type: 4,ENCRYPTED`` and ``DEK-Info`` headers. Without a password
they raise :class:`~purepki.errors.EncryptedKeyError` naming the scheme.
:func:`encrypt_private_key` and the ``to_encrypted_der`` and
``to_encrypted_pem`` methods write encrypted PKCS#8, by default with
PBES2, PBKDF2-HMAC-SHA256 and AES-256-CBC.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import math
import warnings
from typing import TYPE_CHECKING, Any, Optional, Union

from pyasn1.type import namedtype, tag, univ
from pyasn1_modules import rfc3279, rfc4055, rfc5280

from purepki import pem
from purepki._record import dataclass, field
from purepki.algorithms import (
    HashAlgorithm,
    SignatureAlgorithm,
    SignatureScheme,
)
from purepki.asn1 import der, schemas
from purepki.asn1.oids import CurveOID, HashOID, PublicKeyOID, display_name
from purepki.backend import BackendLike, get_backend
from purepki.curves import (
    P256,
    Curve,
    curve_from_oid,
    curve_from_parameters,
)
from purepki.errors import (
    DecodeError,
    EncryptedKeyError,
    KeyFormatError,
    PurePKIWarning,
    UnsupportedAlgorithm,
    UnsupportedReason,
    WrongObjectType,
)

if TYPE_CHECKING:
    from purepki.pbe import PasswordEncryption

#: A password: text, or bytes taken as UTF-8.
Password = Union[str, bytes]

#: RSA modulus sizes purepki generates.
RSA_KEY_SIZES = (2048, 3072, 4096)
DEFAULT_RSA_KEY_SIZE = 2048
RSA_PUBLIC_EXPONENT = 65537

#: Smallest RSA modulus loaded, in bits. Smaller keys are broken (RSA-512
#: has been factored many times) and no current tool makes them.
MIN_RSA_LOAD_SIZE = 1024

#: Largest RSA modulus loaded, in bits, which bounds the cost of one
#: modular exponentiation on hostile input.
MAX_RSA_LOAD_SIZE = 16384


class Encoding(enum.Enum):
    """File encodings of keys."""

    PEM = "PEM"
    DER = "DER"


class PrivateFormat(enum.Enum):
    """Private key structures."""

    PKCS8 = "PKCS#8"
    #: PKCS#1 for RSA keys, SEC 1 for EC keys (OpenSSL's "traditional").
    TRADITIONAL = "traditional"


class PublicFormat(enum.Enum):
    """Public key structures."""

    SUBJECT_PUBLIC_KEY_INFO = "SubjectPublicKeyInfo"
    #: PKCS#1 ``RSAPublicKey``; RSA keys only.
    PKCS1 = "PKCS#1"


@dataclass(frozen=True)
class PSSRestrictions:
    """The RSASSA-PSS-params of an id-RSASSA-PSS key (RFC 4055 section 3.1).

    Attributes:
        hash: The hash the key may be used with.
        mgf_hash: The MGF1 hash.
        salt_length: The minimum salt length, in octets.
    """

    hash: HashAlgorithm
    mgf_hash: HashAlgorithm
    salt_length: int


# --- Key classes -----------------------------------------------------------


@dataclass(frozen=True)
class RSAPublicKey:
    """An RSA public key (RFC 8017 section 3.1).

    Attributes:
        n: The modulus.
        e: The public exponent.
        pss: For an id-RSASSA-PSS key, its parameters when the key carries
            them; ``None`` otherwise.
        pss_only: Whether the key is an id-RSASSA-PSS key (RFC 4055
            section 1.2), which may sign only with PSS.
    """

    n: int
    e: int
    pss_only: bool = False
    pss: Optional[PSSRestrictions] = None

    def __post_init__(self) -> None:
        _check_rsa_public(self.n, self.e)

    @property
    def key_size(self) -> int:
        """Modulus size in bits."""
        return self.n.bit_length()

    @property
    def algorithm_name(self) -> str:
        """``RSA`` or ``RSA-PSS``."""
        return "RSA-PSS" if self.pss_only else "RSA"

    def __repr__(self) -> str:
        return (
            f"RSAPublicKey({self.algorithm_name}, {self.key_size} bits, "
            f"sha256={self.fingerprint()[:16]}...)"
        )

    @functools.cached_property
    def _spki(self) -> bytes:
        return _encode_spki(self)

    def to_der(
        self,
        format: PublicFormat = PublicFormat.SUBJECT_PUBLIC_KEY_INFO,
    ) -> bytes:
        """Encode the key as DER."""
        if format is PublicFormat.PKCS1:
            return _encode_rsa_public(self.n, self.e)
        return self._spki

    def to_pem(
        self,
        format: PublicFormat = PublicFormat.SUBJECT_PUBLIC_KEY_INFO,
    ) -> str:
        """Encode the key as PEM."""
        label = (
            "RSA PUBLIC KEY"
            if format is PublicFormat.PKCS1
            else ("PUBLIC KEY")
        )
        return pem.encode(label, self.to_der(format))

    def fingerprint(self) -> str:
        """Return the SHA-256 of the SubjectPublicKeyInfo DER, as hex."""
        return hashlib.sha256(self._spki).hexdigest()

    def verify(
        self,
        signature: bytes,
        data: bytes,
        algorithm: Optional[SignatureAlgorithm] = None,
        *,
        backend: BackendLike = None,
    ) -> None:
        """Verify a signature over ``data``.

        Args:
            signature: The signature, exactly as long as the modulus.
            data: The signed message (not its hash).
            algorithm: Defaults to RSASSA-PKCS1-v1_5 with SHA-256.
            backend: See :func:`purepki.backend.get_backend`.

        Raises:
            InvalidSignature: The signature does not verify.
            UnsupportedAlgorithm: The algorithm is not an RSA one, or is
                not allowed for this key.
        """
        algorithm = algorithm or signatures.default_algorithm(self)
        signatures.check_rsa_verify(self, signature, algorithm)
        get_backend(backend).verify(self, signature, data, algorithm)


@dataclass(frozen=True)
class RSAPrivateKey:
    """An RSA private key with its CRT values (RFC 8017 section 3.2).

    Attributes:
        n: The modulus.
        e: The public exponent.
        d: The private exponent.
        p: The first prime factor.
        q: The second prime factor.
        dp: d mod (p - 1).
        dq: d mod (q - 1).
        qinv: q^-1 mod p.
        pss_only: Whether the key is an id-RSASSA-PSS key (RFC 4055
            section 1.2), which may sign only with PSS.
        pss: For an id-RSASSA-PSS key, its parameters when the key carries
            them; ``None`` otherwise.
    """

    n: int = field(repr=False)
    e: int = field(repr=False)
    d: int = field(repr=False)
    p: int = field(repr=False)
    q: int = field(repr=False)
    dp: int = field(repr=False)
    dq: int = field(repr=False)
    qinv: int = field(repr=False)
    pss_only: bool = field(default=False, repr=False)
    pss: Optional[PSSRestrictions] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        _check_rsa_private(self)

    @classmethod
    def from_primes(cls, p: int, q: int, e: int) -> RSAPrivateKey:
        """Build a key from its primes, with d as e^-1 mod lcm(p-1, q-1)
        (FIPS 186-5 appendix A.1.1)."""
        if p == q:
            raise KeyFormatError("RSA primes p and q are equal")
        if p < q:
            p, q = q, p
        lam = (
            math.lcm(p - 1, q - 1)
            if hasattr(math, "lcm")
            else ((p - 1) * (q - 1) // math.gcd(p - 1, q - 1))
        )
        d = pow(e, -1, lam)
        return cls(
            n=p * q,
            e=e,
            d=d,
            p=p,
            q=q,
            dp=d % (p - 1),
            dq=d % (q - 1),
            qinv=pow(q, -1, p),
        )

    @property
    def key_size(self) -> int:
        """Modulus size in bits."""
        return self.n.bit_length()

    def public_key(self) -> RSAPublicKey:
        """Return the public half."""
        return _rsa_public_of(self)

    @property
    def algorithm_name(self) -> str:
        """``RSA`` or ``RSA-PSS``."""
        return "RSA-PSS" if self.pss_only else "RSA"

    def __repr__(self) -> str:
        return (
            f"RSAPrivateKey({self.algorithm_name}, {self.key_size} bits, "
            f"sha256={self.public_key().fingerprint()[:16]}...)"
        )

    def to_der(self, format: PrivateFormat = PrivateFormat.PKCS8) -> bytes:
        """Encode the key as unencrypted DER.

        Raises:
            UnsupportedAlgorithm: ``format`` is PKCS#1 for an
                id-RSASSA-PSS key, which PKCS#1 cannot mark as PSS-only
                (``openssl pkey -traditional`` rejects such keys too).
        """
        traditional = _encode_rsa_private(self)
        if format is PrivateFormat.TRADITIONAL:
            if self.pss_only:
                raise UnsupportedAlgorithm(
                    "an RSA-PSS key cannot be written as PKCS#1 (RSA "
                    "PRIVATE KEY), which would drop its PSS restriction; "
                    "write it as PKCS#8",
                    UnsupportedReason.FORMAT,
                )
            return traditional
        if self.pss_only:
            params = None if self.pss is None else _encode_pss_params(self.pss)
            algorithm = _algorithm_identifier(PublicKeyOID.RSASSA_PSS, params)
        else:
            algorithm = _algorithm_identifier(
                PublicKeyOID.RSA_ENCRYPTION, _NULL_DER
            )
        return _encode_pkcs8(algorithm, traditional)

    def to_pem(self, format: PrivateFormat = PrivateFormat.PKCS8) -> str:
        """Encode the key as unencrypted PEM."""
        label = (
            "RSA PRIVATE KEY"
            if format is PrivateFormat.TRADITIONAL
            else ("PRIVATE KEY")
        )
        return pem.encode(label, self.to_der(format))

    def to_encrypted_der(
        self,
        password: Password,
        *,
        scheme: Optional[PasswordEncryption] = None,
        backend: BackendLike = None,
    ) -> bytes:
        """Encode the key as encrypted PKCS#8 DER; see
        :func:`encrypt_private_key`."""
        return encrypt_private_key(
            self, password, scheme=scheme, backend=backend
        )

    def to_encrypted_pem(
        self,
        password: Password,
        *,
        scheme: Optional[PasswordEncryption] = None,
        backend: BackendLike = None,
    ) -> str:
        """Encode the key as ``ENCRYPTED PRIVATE KEY`` PEM; see
        :func:`encrypt_private_key`."""
        encrypted = encrypt_private_key(
            self, password, scheme=scheme, backend=backend
        )
        return pem.encode(pem.ENCRYPTED_PRIVATE_KEY_LABEL, encrypted)

    def sign(
        self,
        data: bytes,
        algorithm: Optional[SignatureAlgorithm] = None,
        *,
        backend: BackendLike = None,
    ) -> bytes:
        """Sign ``data``.

        Args:
            data: The message (not its hash).
            algorithm: Defaults to RSASSA-PKCS1-v1_5 with SHA-256.
            backend: See :func:`purepki.backend.get_backend`.

        Raises:
            UnsupportedAlgorithm: The algorithm is not an RSA one or uses
                a hash that purepki does not sign with (MD5, SHA-1).
        """
        algorithm = algorithm or signatures.default_algorithm(self)
        signatures.check_sign(self, algorithm)
        return get_backend(backend).sign(self, data, algorithm)


@dataclass(frozen=True)
class ECPublicKey:
    """An EC public key: a point on a named curve (SEC 1 section 2.2).

    Attributes:
        curve: The curve.
        x: Affine x coordinate.
        y: Affine y coordinate.
        explicit_parameters: Whether the file gave the curve as explicit
            parameters rather than by name; not part of the key's value.
    """

    curve: Curve
    x: int = field(repr=False)
    y: int = field(repr=False)
    explicit_parameters: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if not self.curve.contains(self.x, self.y):
            raise KeyFormatError(
                f"EC public key: point is not on curve {self.curve.name}"
            )

    @classmethod
    def from_point(cls, curve: Curve, point: bytes) -> ECPublicKey:
        """Decode an uncompressed or compressed point (SEC 1 section
        2.3.4).

        Raises:
            KeyFormatError: The point is malformed or not on the curve.
        """
        x, y = _decode_point(curve, point)
        return cls(curve, x, y)

    @property
    def key_size(self) -> int:
        """Curve order size in bits."""
        return self.curve.key_size

    @property
    def algorithm_name(self) -> str:
        """``EC``."""
        return "EC"

    def point(self, compressed: bool = False) -> bytes:
        """Encode the point (SEC 1 section 2.3.3)."""
        size = self.curve.coordinate_size
        x = self.x.to_bytes(size, "big")
        if compressed:
            return bytes([2 + (self.y & 1)]) + x
        return b"\x04" + x + self.y.to_bytes(size, "big")

    def __repr__(self) -> str:
        return (
            f"ECPublicKey({self.curve.name}, "
            f"sha256={self.fingerprint()[:16]}...)"
        )

    @functools.cached_property
    def _spki(self) -> bytes:
        return _encode_spki(self)

    def to_der(
        self,
        format: PublicFormat = PublicFormat.SUBJECT_PUBLIC_KEY_INFO,
    ) -> bytes:
        """Encode the key as SubjectPublicKeyInfo DER.

        Raises:
            ValueError: ``format`` is PKCS#1, which holds only RSA keys.
        """
        if format is PublicFormat.PKCS1:
            raise ValueError("PKCS#1 public keys are RSA keys only")
        return self._spki

    def to_pem(
        self,
        format: PublicFormat = PublicFormat.SUBJECT_PUBLIC_KEY_INFO,
    ) -> str:
        """Encode the key as SubjectPublicKeyInfo PEM."""
        return pem.encode("PUBLIC KEY", self.to_der(format))

    def fingerprint(self) -> str:
        """Return the SHA-256 of the SubjectPublicKeyInfo DER, as hex."""
        return hashlib.sha256(self._spki).hexdigest()

    def verify(
        self,
        signature: bytes,
        data: bytes,
        algorithm: Optional[SignatureAlgorithm] = None,
        *,
        backend: BackendLike = None,
    ) -> None:
        """Verify a DER ``Ecdsa-Sig-Value`` signature over ``data``.

        Args:
            signature: The signature, in exact DER (RFC 3279 section
                2.2.3).
            data: The signed message (not its hash).
            algorithm: Defaults to ECDSA with the curve's usual hash
                (SHA-256 for P-256, SHA-384 for P-384, SHA-512 for P-521).
            backend: See :func:`purepki.backend.get_backend`.

        Raises:
            InvalidSignature: The signature is malformed or does not
                verify.
        """
        algorithm = algorithm or signatures.default_algorithm(self)
        signatures.check_ecdsa_verify(self, signature, algorithm)
        get_backend(backend).verify(self, signature, data, algorithm)


@dataclass(frozen=True)
class ECPrivateKey:
    """An EC private key with its public point.

    Attributes:
        curve: The curve.
        d: The private scalar, 1 <= d < n.
        x: Public point x coordinate.
        y: Public point y coordinate.
    """

    curve: Curve
    d: int = field(repr=False)
    x: int = field(repr=False)
    y: int = field(repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.d < self.curve.n:
            raise KeyFormatError(
                "EC private key: private value is outside 1 to n-1 for "
                f"curve {self.curve.name}"
            )
        if not self.curve.contains(self.x, self.y):
            raise KeyFormatError(
                f"EC private key: public point is not on curve "
                f"{self.curve.name}"
            )

    @classmethod
    def from_secret(
        cls, curve: Curve, d: int, *, backend: BackendLike = None
    ) -> ECPrivateKey:
        """Build a key from its private scalar, deriving the public point.

        Raises:
            KeyFormatError: ``d`` is outside 1 to n-1.
        """
        if not 1 <= d < curve.n:
            raise KeyFormatError(
                "EC private key: private value is outside 1 to n-1 for "
                f"curve {curve.name}"
            )
        x, y = get_backend(backend).ec_public_point(curve, d)
        return cls(curve, d, x, y)

    @property
    def key_size(self) -> int:
        """Curve order size in bits."""
        return self.curve.key_size

    def public_key(self) -> ECPublicKey:
        """Return the public half."""
        return _ec_public_of(self)

    def __repr__(self) -> str:
        return (
            f"ECPrivateKey({self.curve.name}, "
            f"sha256={self.public_key().fingerprint()[:16]}...)"
        )

    def to_der(self, format: PrivateFormat = PrivateFormat.PKCS8) -> bytes:
        """Encode the key as unencrypted DER.

        SEC 1 output names the curve and includes the public key, as
        ``openssl ec`` writes it; PKCS#8 output names the curve in the
        AlgorithmIdentifier and includes the public key in the SEC 1 body.
        """
        if format is PrivateFormat.TRADITIONAL:
            return _encode_ec_private(self, with_parameters=True)
        body = _encode_ec_private(self, with_parameters=False)
        algorithm = _algorithm_identifier(
            PublicKeyOID.EC_PUBLIC_KEY, _encode_named_curve(self.curve)
        )
        return _encode_pkcs8(algorithm, body)

    def to_pem(self, format: PrivateFormat = PrivateFormat.PKCS8) -> str:
        """Encode the key as unencrypted PEM."""
        label = (
            "EC PRIVATE KEY"
            if format is PrivateFormat.TRADITIONAL
            else ("PRIVATE KEY")
        )
        return pem.encode(label, self.to_der(format))

    def to_encrypted_der(
        self,
        password: Password,
        *,
        scheme: Optional[PasswordEncryption] = None,
        backend: BackendLike = None,
    ) -> bytes:
        """Encode the key as encrypted PKCS#8 DER; see
        :func:`encrypt_private_key`."""
        return encrypt_private_key(
            self, password, scheme=scheme, backend=backend
        )

    def to_encrypted_pem(
        self,
        password: Password,
        *,
        scheme: Optional[PasswordEncryption] = None,
        backend: BackendLike = None,
    ) -> str:
        """Encode the key as ``ENCRYPTED PRIVATE KEY`` PEM; see
        :func:`encrypt_private_key`."""
        encrypted = encrypt_private_key(
            self, password, scheme=scheme, backend=backend
        )
        return pem.encode(pem.ENCRYPTED_PRIVATE_KEY_LABEL, encrypted)

    def sign(
        self,
        data: bytes,
        algorithm: Optional[SignatureAlgorithm] = None,
        *,
        backend: BackendLike = None,
    ) -> bytes:
        """Sign ``data`` with deterministic ECDSA (RFC 6979).

        Returns:
            A DER ``Ecdsa-Sig-Value`` (RFC 3279 section 2.2.3).

        Raises:
            UnsupportedAlgorithm: The curve is for verification only, or
                the hash is one purepki does not sign with.
        """
        algorithm = algorithm or signatures.default_algorithm(self)
        signatures.check_sign(self, algorithm)
        return get_backend(backend).sign(self, data, algorithm)


PublicKey = Union[RSAPublicKey, ECPublicKey]
PrivateKey = Union[RSAPrivateKey, ECPrivateKey]


@functools.lru_cache(maxsize=256)
def _rsa_public_of(key: RSAPrivateKey) -> RSAPublicKey:
    return RSAPublicKey(key.n, key.e, pss_only=key.pss_only, pss=key.pss)


@functools.lru_cache(maxsize=256)
def _ec_public_of(key: ECPrivateKey) -> ECPublicKey:
    return ECPublicKey(key.curve, key.x, key.y)


# --- Number checks ---------------------------------------------------------


def _check_rsa_public(n: int, e: int) -> None:
    size = n.bit_length()
    if n <= 0 or n % 2 == 0:
        raise KeyFormatError("RSA key: modulus must be a positive odd number")
    if not MIN_RSA_LOAD_SIZE <= size <= MAX_RSA_LOAD_SIZE:
        raise UnsupportedAlgorithm(
            f"unsupported RSA key size {size} bits; purepki reads "
            f"{MIN_RSA_LOAD_SIZE} to {MAX_RSA_LOAD_SIZE} bits",
            UnsupportedReason.KEY_SIZE,
        )
    if e < 3 or e % 2 == 0 or e >= n:
        raise KeyFormatError(
            f"RSA key: public exponent {e} must be odd and between 3 and "
            "the modulus"
        )


def _check_rsa_private(key: RSAPrivateKey) -> None:
    _check_rsa_public(key.n, key.e)
    problems = []
    if key.p * key.q != key.n:
        problems.append("p * q differs from the modulus")
    elif key.p < 3 or key.q < 3:
        problems.append("a prime factor is too small")
    else:
        if key.dp != key.d % (key.p - 1) or key.dq != key.d % (key.q - 1):
            problems.append("the CRT exponents do not match d")
        if (key.qinv * key.q) % key.p != 1:
            problems.append("the CRT coefficient is not q^-1 mod p")
        if (key.e * key.dp) % (key.p - 1) != 1 or (key.e * key.dq) % (
            key.q - 1
        ) != 1:
            problems.append("d is not the inverse of e")
    if problems:
        raise KeyFormatError(
            "RSA private key is inconsistent: " + "; ".join(problems)
        )


def _decode_point(curve: Curve, point: bytes) -> tuple[int, int]:
    size = curve.coordinate_size
    if not point:
        raise KeyFormatError("EC public key: point is empty")
    kind = point[0]
    if kind == 4 and len(point) == 1 + 2 * size:
        x = int.from_bytes(point[1 : 1 + size], "big")
        y = int.from_bytes(point[1 + size :], "big")
        return x, y
    if kind in (2, 3) and len(point) == 1 + size:
        x = int.from_bytes(point[1:], "big")
        return x, _decompress_y(curve, x, kind & 1)
    if kind == 0:
        raise KeyFormatError("EC public key: point at infinity")
    raise KeyFormatError(
        f"EC public key: point of {len(point)} octets starting "
        f"{kind:#04x} is not a valid {curve.name} point encoding"
    )


def _decompress_y(curve: Curve, x: int, parity: int) -> int:
    """Recover y from x (SEC 1 section 2.3.4, step 2.4)."""
    if x >= curve.p:
        raise KeyFormatError("EC public key: x coordinate exceeds the field")
    alpha = (pow(x, 3, curve.p) + curve.a * x + curve.b) % curve.p
    # p = 3 (mod 4) for the NIST curves, so a square root is alpha^((p+1)/4).
    beta = pow(alpha, (curve.p + 1) // 4, curve.p)
    if beta * beta % curve.p != alpha:
        raise KeyFormatError(
            f"EC public key: point is not on curve {curve.name}"
        )
    return beta if beta & 1 == parity else curve.p - beta


# --- ASN.1 schemas not in pyasn1-modules in the needed form ----------------


class _ECPrivateKeySchema(univ.Sequence):
    """ECPrivateKey (RFC 5915 section 3), with parameters that may be
    explicit (RFC 3279's EcpkParameters) as OpenSSL writes them."""

    componentType = namedtype.NamedTypes(
        namedtype.NamedType("version", univ.Integer()),
        namedtype.NamedType("privateKey", univ.OctetString()),
        namedtype.OptionalNamedType(
            "parameters",
            rfc3279.EcpkParameters().subtype(
                explicitTag=tag.Tag(
                    tag.tagClassContext, tag.tagFormatConstructed, 0
                )
            ),
        ),
        namedtype.OptionalNamedType(
            "publicKey",
            univ.BitString().subtype(
                explicitTag=tag.Tag(
                    tag.tagClassContext, tag.tagFormatConstructed, 1
                )
            ),
        ),
    )


_NULL_DER = b"\x05\x00"

#: The saltLength DEFAULT of RSASSA-PSS-params (RFC 4055 section 3.1).
_PSS_DEFAULT_SALT_LENGTH = 20


# --- Encoding --------------------------------------------------------------


def _algorithm_identifier(oid: str, parameters: Optional[bytes]) -> Any:
    algorithm = rfc5280.AlgorithmIdentifier()
    algorithm["algorithm"] = univ.ObjectIdentifier(oid)
    if parameters is not None:
        algorithm["parameters"] = univ.Any(parameters)
    return algorithm


def _encode_named_curve(curve: Curve) -> bytes:
    return der.encode(univ.ObjectIdentifier(curve.oid.dotted))


def _encode_rsa_public(n: int, e: int) -> bytes:
    value = schemas.RSAPublicKey()
    value["modulus"] = n
    value["publicExponent"] = e
    return der.encode(value)


def _encode_spki(key: PublicKey) -> bytes:
    spki = rfc5280.SubjectPublicKeyInfo()
    if isinstance(key, RSAPublicKey):
        if key.pss_only:
            params = None if key.pss is None else _encode_pss_params(key.pss)
            algorithm = _algorithm_identifier(PublicKeyOID.RSASSA_PSS, params)
        else:
            algorithm = _algorithm_identifier(
                PublicKeyOID.RSA_ENCRYPTION, _NULL_DER
            )
        content = _encode_rsa_public(key.n, key.e)
    else:
        algorithm = _algorithm_identifier(
            PublicKeyOID.EC_PUBLIC_KEY, _encode_named_curve(key.curve)
        )
        content = key.point()
    spki["algorithm"] = algorithm
    spki["subjectPublicKey"] = univ.BitString.fromOctetString(content)
    return der.encode(spki)


def _encode_pss_params(restrictions: PSSRestrictions) -> bytes:
    """Encode RSASSA-PSS-params as OpenSSL writes them.

    Fields equal to their DEFAULT (SHA-1, MGF1 with SHA-1, salt length 20,
    trailer field 1) are omitted, as X.690 section 11.5 requires, and each
    hash AlgorithmIdentifier carries NULL parameters (RFC 4055 section 2.1).
    """
    params = rfc4055.RSASSA_PSS_params()
    if restrictions.hash is not HashAlgorithm.SHA1:
        hash_algorithm = params["hashAlgorithm"].clone()
        hash_algorithm["algorithm"] = restrictions.hash.oid.dotted
        hash_algorithm["parameters"] = univ.Any(_NULL_DER)
        params["hashAlgorithm"] = hash_algorithm
    if restrictions.mgf_hash is not HashAlgorithm.SHA1:
        mgf = params["maskGenAlgorithm"].clone()
        mgf["algorithm"] = rfc4055.id_mgf1
        mgf_hash = _algorithm_identifier(
            restrictions.mgf_hash.oid.dotted, _NULL_DER
        )
        mgf["parameters"] = univ.Any(der.encode(mgf_hash))
        params["maskGenAlgorithm"] = mgf
    if restrictions.salt_length != _PSS_DEFAULT_SALT_LENGTH:
        params["saltLength"] = restrictions.salt_length
    return der.encode(params)


def _encode_rsa_private(key: RSAPrivateKey) -> bytes:
    value = schemas.RSAPrivateKey()
    value["version"] = 0
    value["modulus"] = key.n
    value["publicExponent"] = key.e
    value["privateExponent"] = key.d
    value["prime1"] = key.p
    value["prime2"] = key.q
    value["exponent1"] = key.dp
    value["exponent2"] = key.dq
    value["coefficient"] = key.qinv
    return der.encode(value)


def _encode_ec_private(key: ECPrivateKey, with_parameters: bool) -> bytes:
    schema = _ECPrivateKeySchema()
    schema["version"] = 1
    size = (key.curve.n.bit_length() + 7) // 8
    schema["privateKey"] = key.d.to_bytes(size, "big")
    if with_parameters:
        parameters = schema["parameters"].clone()
        parameters["namedCurve"] = univ.ObjectIdentifier(key.curve.oid.dotted)
        schema["parameters"] = parameters
    point = key.public_key().point()
    schema["publicKey"] = schema["publicKey"].clone(hexValue=point.hex())
    return der.encode(schema)


def _encode_pkcs8(algorithm: Any, body: bytes) -> bytes:
    info = schemas.OneAsymmetricKey()
    info["version"] = 0
    info["privateKeyAlgorithm"] = algorithm
    info["privateKey"] = body
    return der.encode(info)


# --- Decoding --------------------------------------------------------------


def _decode_rsa_public(data: bytes, source: str, path: str) -> RSAPublicKey:
    try:
        value = der.decode(data, schemas.RSAPublicKey(), source=source)
    except DecodeError as error:
        raise error.relocate(path_prefix=path) from None
    return RSAPublicKey(int(value["modulus"]), int(value["publicExponent"]))


def _decode_pss_params(
    data: Optional[bytes], source: str
) -> Optional[PSSRestrictions]:
    """Read RSASSA-PSS-params (RFC 4055 section 3.1) of a PSS key."""
    if data is None:
        return None
    value = der.decode(data, rfc4055.RSASSA_PSS_params(), source=source)
    hash_algorithm = HashAlgorithm.SHA1
    if value["hashAlgorithm"].isValue:
        hash_algorithm = HashAlgorithm.from_oid(
            str(value["hashAlgorithm"]["algorithm"])
        )
    mgf_hash = HashAlgorithm.SHA1
    mgf = value["maskGenAlgorithm"]
    if mgf.isValue:
        if str(mgf["algorithm"]) != HashOID.MGF1:
            raise UnsupportedAlgorithm(
                f"{source}: unsupported PSS mask generation function "
                f"{mgf['algorithm']}",
                UnsupportedReason.SIGNATURE_ALGORITHM,
            )
        inner = der.decode(
            bytes(mgf["parameters"]),
            rfc5280.AlgorithmIdentifier(),
            source=source,
        )
        mgf_hash = HashAlgorithm.from_oid(str(inner["algorithm"]))
    salt = _PSS_DEFAULT_SALT_LENGTH
    if value["saltLength"].isValue:
        salt = int(value["saltLength"])
    trailer = value["trailerField"]
    if trailer.isValue and int(trailer) != 1:
        raise KeyFormatError(
            f"RSASSA-PSS trailerField is {int(trailer)}, expected 1 (RFC "
            "4055 section 3.1)",
            source=source,
            path="trailerField",
        )
    return PSSRestrictions(hash_algorithm, mgf_hash, salt)


def _ec_parameters(data: Optional[bytes], source: str) -> tuple[Curve, bool]:
    """Read EcpkParameters; return the curve and whether it was explicit."""
    if data is None:
        raise KeyFormatError(
            "EC key names no curve (parameters missing)", source=source
        )
    value = der.decode(data, rfc3279.EcpkParameters(), source=source)
    kind = value.getName()
    if kind == "namedCurve":
        return curve_from_oid(str(value["namedCurve"])), False
    if kind == "implicitlyCA":
        raise UnsupportedAlgorithm(
            f"{source}: unsupported EC parameters implicitlyCA (RFC 5480 "
            "section 2.1.1 forbids them); use a named curve",
            UnsupportedReason.CURVE,
        )
    curve = _explicit_curve(value["ecParameters"], source)
    warnings.warn(
        f"{source}: EC key uses explicit curve parameters equal to "
        f"{curve.name}; RFC 5480 section 2.1.1 requires a named curve, so "
        "other tools may reject this file",
        PurePKIWarning,
        stacklevel=4,
    )
    return curve, True


def _explicit_curve(params: Any, source: str) -> Curve:
    field_type = str(params["fieldID"]["fieldType"])
    if field_type != PublicKeyOID.PRIME_FIELD:
        raise UnsupportedAlgorithm(
            f"{source}: unsupported elliptic curve over field type "
            f"{display_name(field_type)}; purepki supports P-256, P-384 "
            "and P-521",
            UnsupportedReason.CURVE,
        )
    prime = der.decode(
        bytes(params["fieldID"]["parameters"]), univ.Integer(), source=source
    )
    p = int(prime)
    a = int.from_bytes(bytes(params["curve"]["a"]), "big")
    b = int.from_bytes(bytes(params["curve"]["b"]), "big")
    order = int(params["order"])
    cofactor = int(params["cofactor"]) if params["cofactor"].isValue else None
    base = bytes(params["base"])
    # Decode the base point against a provisional curve with these numbers
    # so a compressed base point is accepted too.
    provisional = Curve(
        "explicit", "explicit", CurveOID.SECP256R1, p, a, b, 0, 0, order
    )
    gx, gy = _decode_point(provisional, base)
    return curve_from_parameters(p, a, b, gx, gy, order, cofactor)


def _decode_spki(data: bytes, source: str) -> PublicKey:
    value = der.decode(data, rfc5280.SubjectPublicKeyInfo(), source=source)
    return public_key_from_spki(value, source)


def public_key_from_spki(value: Any, source: str = "public key") -> PublicKey:
    """Build a key from a decoded pyasn1 SubjectPublicKeyInfo.

    Raises:
        DecodeError: The key is malformed.
        UnsupportedAlgorithm: The algorithm or curve is not supported.
    """
    oid = str(value["algorithm"]["algorithm"])
    params = value["algorithm"]["parameters"]
    raw_params = bytes(params) if params.isValue else None
    bits = value["subjectPublicKey"]
    if len(bits) % 8:
        raise KeyFormatError(
            "subjectPublicKey is not a whole number of octets",
            source=source,
            path="subjectPublicKey",
        )
    content = bits.asOctets()
    if oid == PublicKeyOID.RSA_ENCRYPTION:
        if raw_params not in (None, _NULL_DER):
            raise KeyFormatError(
                "rsaEncryption parameters must be NULL (RFC 3279 section "
                "2.3.1)",
                source=source,
                path="algorithm.parameters",
            )
        return _decode_rsa_public(content, source, "subjectPublicKey")
    if oid == PublicKeyOID.RSASSA_PSS:
        key = _decode_rsa_public(content, source, "subjectPublicKey")
        pss = _decode_pss_params(raw_params, source)
        return RSAPublicKey(key.n, key.e, pss_only=True, pss=pss)
    if oid == PublicKeyOID.EC_PUBLIC_KEY:
        curve, explicit = _ec_parameters(raw_params, source)
        x, y = _decode_point(curve, content)
        return ECPublicKey(curve, x, y, explicit_parameters=explicit)
    raise UnsupportedAlgorithm(
        f"{source}: unsupported public key algorithm {display_name(oid)} "
        f"({oid}); purepki supports RSA and EC keys",
        UnsupportedReason.PUBLIC_KEY_ALGORITHM,
    )


def _decode_rsa_private(
    data: bytes,
    source: str,
    pss_only: bool = False,
    pss: Optional[PSSRestrictions] = None,
) -> RSAPrivateKey:
    value = der.decode(data, schemas.RSAPrivateKey(), source=source)
    if int(value["version"]) != 0 or value["otherPrimeInfos"].isValue:
        raise UnsupportedAlgorithm(
            f"{source}: unsupported multi-prime RSA key (RFC 8017 "
            "appendix A.1.2 version 1)",
            UnsupportedReason.FORMAT,
        )
    return RSAPrivateKey(
        n=int(value["modulus"]),
        e=int(value["publicExponent"]),
        d=int(value["privateExponent"]),
        p=int(value["prime1"]),
        q=int(value["prime2"]),
        dp=int(value["exponent1"]),
        dq=int(value["exponent2"]),
        qinv=int(value["coefficient"]),
        pss_only=pss_only,
        pss=pss,
    )


def _decode_ec_private(
    data: bytes,
    source: str,
    outer_parameters: Optional[bytes],
    backend: BackendLike,
) -> ECPrivateKey:
    value = der.decode(data, _ECPrivateKeySchema(), source=source)
    if int(value["version"]) != 1:
        raise KeyFormatError(
            f"ECPrivateKey version {int(value['version'])}, expected 1 "
            "(RFC 5915 section 3)",
            source=source,
            path="version",
        )
    inner = value["parameters"]
    inner_der = der.encode(inner.getComponent()) if inner.isValue else None
    if (
        outer_parameters is not None
        and inner_der is not None
        and (inner_der != outer_parameters)
    ):
        raise KeyFormatError(
            "EC key names two different curves (PKCS#8 algorithm and "
            "ECPrivateKey parameters)",
            source=source,
            path="parameters",
        )
    curve, _ = _ec_parameters(outer_parameters or inner_der, source)
    secret = bytes(value["privateKey"])
    if len(secret) > (curve.n.bit_length() + 7) // 8:
        raise KeyFormatError(
            f"EC private key is longer than a {curve.name} scalar",
            source=source,
            path="privateKey",
        )
    d = int.from_bytes(secret, "big")
    key = ECPrivateKey.from_secret(curve, d, backend=backend)
    if value["publicKey"].isValue:
        stored = _decode_point(curve, value["publicKey"].asOctets())
        if stored != (key.x, key.y):
            raise KeyFormatError(
                "EC private key: stored public key does not match the "
                "private value",
                source=source,
                path="publicKey",
            )
    return key


def _decode_pkcs8(
    data: bytes, source: str, backend: BackendLike
) -> PrivateKey:
    value = der.decode(data, schemas.OneAsymmetricKey(), source=source)
    version = int(value["version"])
    if version not in (0, 1):
        raise KeyFormatError(
            f"PKCS#8 version {version}, expected 0 or 1 (RFC 5958 section 2)",
            source=source,
            path="version",
        )
    algorithm = value["privateKeyAlgorithm"]
    oid = str(algorithm["algorithm"])
    params = algorithm["parameters"]
    raw_params = bytes(params) if params.isValue else None
    body = bytes(value["privateKey"])
    if oid == PublicKeyOID.RSA_ENCRYPTION:
        if raw_params not in (None, _NULL_DER):
            raise KeyFormatError(
                "rsaEncryption parameters must be NULL (RFC 3279 section "
                "2.3.1)",
                source=source,
                path="privateKeyAlgorithm.parameters",
            )
        return _decode_rsa_private(body, source)
    if oid == PublicKeyOID.RSASSA_PSS:
        pss = _decode_pss_params(raw_params, source)
        return _decode_rsa_private(body, source, pss_only=True, pss=pss)
    if oid == PublicKeyOID.EC_PUBLIC_KEY:
        return _decode_ec_private(body, source, raw_params, backend)
    raise UnsupportedAlgorithm(
        f"{source}: unsupported private key algorithm {display_name(oid)} "
        f"({oid}); purepki supports RSA and EC keys",
        UnsupportedReason.PUBLIC_KEY_ALGORITHM,
    )


# --- Detecting what a DER blob is ------------------------------------------


class _Shape(enum.Enum):
    PKCS8 = "PKCS#8 private key"
    ENCRYPTED_PKCS8 = "encrypted PKCS#8 private key"
    PKCS1_PRIVATE = "PKCS#1 RSA private key"
    SEC1 = "SEC 1 EC private key"
    SPKI = "public key (SubjectPublicKeyInfo)"
    PKCS1_PUBLIC = "PKCS#1 RSA public key"
    CERTIFICATE = "certificate"
    CSR = "certificate request"
    EC_PARAMETERS = "EC parameters"
    UNKNOWN = "unknown structure"


def _universal(node: der.Node, number: int) -> bool:
    return node.tag_class == der.CLASS_UNIVERSAL and node.number == number


def _shape(data: bytes, source: str) -> _Shape:
    """Guess which key structure DER ``data`` contains from its outline."""
    root = der.scan(data)
    if _universal(root, 6):
        return _Shape.EC_PARAMETERS
    if not _universal(root, 16):
        return _Shape.UNKNOWN
    kids = root.children
    tags = [(k.tag_class, k.number) for k in kids]
    universal = der.CLASS_UNIVERSAL
    if len(kids) >= 9 and all(_universal(k, 2) for k in kids[:9]):
        return _Shape.PKCS1_PRIVATE
    if tags == [(universal, 2), (universal, 2)]:
        return _Shape.PKCS1_PUBLIC
    if len(kids) >= 3 and _universal(kids[0], 2):
        if _universal(kids[1], 16) and _universal(kids[2], 4):
            return _Shape.PKCS8
        if _universal(kids[1], 4):
            return _Shape.SEC1
    if tags == [(universal, 16), (universal, 4)]:
        return _Shape.ENCRYPTED_PKCS8
    if tags == [(universal, 16), (universal, 3)]:
        return _Shape.SPKI
    if len(kids) == 3 and _universal(kids[0], 16):
        first = kids[0].children
        if first and _universal(first[0], 2) and len(first) == 4:
            return _Shape.CSR
        return _Shape.CERTIFICATE
    return _Shape.UNKNOWN


_PRIVATE_SHAPES = {_Shape.PKCS8, _Shape.PKCS1_PRIVATE, _Shape.SEC1}
_PUBLIC_SHAPES = {_Shape.SPKI, _Shape.PKCS1_PUBLIC}


def _decode_private_der(
    data: bytes, shape: _Shape, source: str, backend: BackendLike
) -> PrivateKey:
    if shape is _Shape.PKCS8:
        return _decode_pkcs8(data, source, backend)
    if shape is _Shape.PKCS1_PRIVATE:
        return _decode_rsa_private(data, source)
    return _decode_ec_private(data, source, None, backend)


def _decode_public_der(data: bytes, shape: _Shape, source: str) -> PublicKey:
    if shape is _Shape.SPKI:
        return _decode_spki(data, source)
    return _decode_rsa_public(data, source, "")


_LABEL_SHAPES = {
    "PRIVATE KEY": _Shape.PKCS8,
    "RSA PRIVATE KEY": _Shape.PKCS1_PRIVATE,
    "EC PRIVATE KEY": _Shape.SEC1,
    "PUBLIC KEY": _Shape.SPKI,
    "RSA PUBLIC KEY": _Shape.PKCS1_PUBLIC,
}


def _legacy_encrypted(block: pem.PEMBlock) -> bool:
    proc_type = block.header("Proc-Type")
    return proc_type is not None and "ENCRYPTED" in proc_type.upper()


def _encrypted_error(source: str, scheme: str) -> EncryptedKeyError:
    return EncryptedKeyError(
        f"{source}: private key is encrypted ({scheme}); give its password, "
        "or run 'purepki unlock KEY' on the file, which replaces it with "
        "the unencrypted key"
    )


def _decrypt_legacy_block(
    block: pem.PEMBlock,
    password: Optional[Password],
    source: str,
    backend: BackendLike,
) -> PrivateKey:
    """Decrypt a ``Proc-Type: 4,ENCRYPTED`` block and decode the key."""
    from purepki import pbe

    dek_info = block.header("DEK-Info")
    cipher, _ = pbe.legacy_pem_cipher(dek_info, source=source)
    if password is None:
        raise _encrypted_error(source, f"legacy PEM, {cipher.name}")
    plain = pbe.decrypt_legacy_pem(
        dek_info, block.der, password, source=source, backend=backend
    )
    shape = _LABEL_SHAPES.get(block.label, _Shape.PKCS8)
    try:
        return _decode_private_der(plain, shape, source, backend)
    except DecodeError:
        raise pbe.legacy_bad_password(cipher, source) from None


def _decrypt_pkcs8(
    data: bytes,
    password: Optional[Password],
    source: str,
    backend: BackendLike,
) -> PrivateKey:
    """Decrypt an EncryptedPrivateKeyInfo and decode the key inside."""
    from purepki import pbe

    scheme, _ = pbe.read_encrypted_pkcs8(data, source=source)
    if password is None:
        raise _encrypted_error(source, f"PKCS#8, {scheme.describe()}")
    plain = pbe.decrypt_pkcs8(data, password, source=source, backend=backend)
    try:
        return _decode_pkcs8(plain, source, backend)
    except DecodeError:
        raise pbe.bad_password("private key", scheme, source) from None


def _load_private_block(
    block: pem.PEMBlock,
    password: Optional[Password],
    source: str,
    backend: BackendLike,
) -> PrivateKey:
    if _legacy_encrypted(block):
        return _decrypt_legacy_block(block, password, source, backend)
    encrypted = block.label == pem.ENCRYPTED_PRIVATE_KEY_LABEL or (
        block.label == "PRIVATE KEY"
        and _der_shape(block.der, source) is _Shape.ENCRYPTED_PKCS8
    )
    if encrypted:
        return _decrypt_pkcs8(block.der, password, source, backend)
    shape = _LABEL_SHAPES[block.label]
    return _decode_private_der(block.der, shape, source, backend)


def _what_is(blocks: list[pem.PEMBlock]) -> str:
    labels = sorted({block.label for block in blocks})
    return ", ".join(f"'{label}'" for label in labels) or "no PEM block"


def load_private_key(
    data: bytes,
    *,
    password: Optional[Password] = None,
    source: str = "private key",
    backend: BackendLike = None,
) -> PrivateKey:
    """Load a private key from PEM or DER, decrypting it if needed.

    PEM is told from DER by content. In a PEM file holding several blocks
    (a key next to certificates), the first private key block is used and
    other blocks are ignored, including the ``EC PARAMETERS`` block that
    ``openssl ecparam -genkey`` writes before the key.

    Args:
        data: File content.
        password: The password of an encrypted key, as text or UTF-8
            bytes. It is ignored when the key is not encrypted; use
            :func:`private_key_encryption` to tell the two apart.
        source: File name shown in errors.
        backend: Runs the cipher, and derives an EC public point when the
            file lacks it.

    Raises:
        DecodeError: The content is not a valid key, or its encryption
            parameters are malformed.
        WrongObjectType: The content is a public key, a certificate or
            another object.
        EncryptedKeyError: The key is password-protected and no password
            was given; the message names the scheme.
        purepki.pbe.BadPassword: The password does not decrypt the key.
        UnsupportedAlgorithm: The key type or curve is not supported, or
            the key is encrypted with a scheme purepki does not implement
            (:class:`purepki.pbe.UnsupportedScheme`), whether or not a
            password was given.
    """
    data = pem.as_bytes(data, source)
    if pem.looks_like_pem(data):
        blocks = pem.read_blocks(data, source)
        for block in blocks:
            if block.label in pem.PRIVATE_KEY_LABELS or (
                block.label == pem.ENCRYPTED_PRIVATE_KEY_LABEL
            ):
                return _load_private_block(block, password, source, backend)
        raise WrongObjectType(
            f"no private key found: the file contains {_what_is(blocks)}; "
            "expected a 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY' "
            "block",
            source=source,
        )
    shape = _der_shape(data, source)
    if shape is _Shape.ENCRYPTED_PKCS8:
        return _decrypt_pkcs8(data, password, source, backend)
    if shape not in _PRIVATE_SHAPES:
        raise WrongObjectType(
            f"expected a private key, found a {shape.value}", source=source
        )
    return _decode_private_der(data, shape, source, backend)


def private_key_encryption(
    data: bytes, *, source: str = "private key"
) -> Optional[str]:
    """Describe how a private key file is encrypted, without a password.

    Returns:
        ``None`` for an unencrypted key, else the scheme, such as
        ``PKCS#8, PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations,
        AES-256-CBC)`` or ``legacy PEM, AES-128-CBC``.

    Raises:
        DecodeError: The content is not a key file, or the encryption
            parameters are malformed.
        WrongObjectType: The content contains no private key.
        purepki.pbe.UnsupportedScheme: The key is encrypted with a scheme
            purepki does not implement.
    """
    from purepki import pbe

    if pem.looks_like_pem(data):
        for block in pem.read_blocks(data, source):
            if block.label in pem.PRIVATE_KEY_LABELS or (
                block.label == pem.ENCRYPTED_PRIVATE_KEY_LABEL
            ):
                return _block_encryption(block, source)
        raise WrongObjectType("no private key found", source=source)
    if _der_shape(data, source) is not _Shape.ENCRYPTED_PKCS8:
        return None
    scheme, _ = pbe.read_encrypted_pkcs8(data, source=source)
    return f"PKCS#8, {scheme.describe()}"


def _block_encryption(block: pem.PEMBlock, source: str) -> Optional[str]:
    from purepki import pbe

    if _legacy_encrypted(block):
        header = block.header("DEK-Info")
        cipher, _ = pbe.legacy_pem_cipher(header, source=source)
        return f"legacy PEM, {cipher.name}"
    if block.label == pem.ENCRYPTED_PRIVATE_KEY_LABEL or (
        block.label == "PRIVATE KEY"
        and _der_shape(block.der, source) is _Shape.ENCRYPTED_PKCS8
    ):
        scheme, _ = pbe.read_encrypted_pkcs8(block.der, source=source)
        return f"PKCS#8, {scheme.describe()}"
    return None


def encrypt_private_key(
    key: PrivateKey,
    password: Password,
    *,
    scheme: Optional[PasswordEncryption] = None,
    backend: BackendLike = None,
) -> bytes:
    """Encode a key as encrypted PKCS#8 DER (RFC 5958 section 3).

    Args:
        key: The key.
        password: The password, as text or UTF-8 bytes; not empty.
        scheme: From :func:`purepki.pbe.pbes2` or
            :func:`purepki.pbe.pbes2_scrypt`; defaults to PBES2 with
            PBKDF2-HMAC-SHA256 (600,000 iterations) and AES-256-CBC.
        backend: See :func:`purepki.backend.get_backend`.

    Raises:
        ValueError: The password is empty.
    """
    from purepki import pbe

    if not password:
        raise ValueError(
            "the password of an encrypted key must not be empty; write an "
            "unencrypted key with to_pem() instead"
        )
    return pbe.encrypt_pkcs8(
        key.to_der(PrivateFormat.PKCS8), password, scheme, backend=backend
    )


def load_public_key(data: bytes, *, source: str = "public key") -> PublicKey:
    """Load a public key from PEM or DER (SubjectPublicKeyInfo or PKCS#1).

    Raises:
        DecodeError: The content is not a valid public key.
        WrongObjectType: The content is a private key or another object.
        UnsupportedAlgorithm: The key type or curve is not supported.
    """
    data = pem.as_bytes(data, source)
    if pem.looks_like_pem(data):
        blocks = pem.read_blocks(data, source)
        for block in blocks:
            if block.label in pem.PUBLIC_KEY_LABELS:
                shape = _LABEL_SHAPES[block.label]
                return _decode_public_der(block.der, shape, source)
        raise WrongObjectType(
            f"no public key found: the file contains {_what_is(blocks)}; "
            "expected a 'PUBLIC KEY' or 'RSA PUBLIC KEY' block",
            source=source,
        )
    shape = _der_shape(data, source)
    if shape not in _PUBLIC_SHAPES:
        raise WrongObjectType(
            f"expected a public key, found a {shape.value}", source=source
        )
    return _decode_public_der(data, shape, source)


def _der_shape(data: bytes, source: str) -> _Shape:
    if not data:
        raise DecodeError(
            "input is empty; expected a PEM or DER key", source=source
        )
    if not pem.looks_like_der(data):
        first = f"{data[0]:#04x}"
        raise DecodeError(
            f"not PEM (no '-----BEGIN' line) and not DER (starts with "
            f"{first}, DER keys start with 0x30)",
            source=source,
        )
    try:
        return _shape(data, source)
    except DecodeError as error:
        raise error.relocate(source=source) from None


# --- Generation ------------------------------------------------------------


def generate_rsa_key(
    bits: int = DEFAULT_RSA_KEY_SIZE, *, backend: BackendLike = None
) -> RSAPrivateKey:
    """Generate an RSA key with public exponent 65537.

    Args:
        bits: Modulus size: 2048, 3072 or 4096.
        backend: See :func:`purepki.backend.get_backend`.

    Raises:
        UnsupportedAlgorithm: ``bits`` is not one of the sizes above.
    """
    if bits not in RSA_KEY_SIZES:
        sizes = ", ".join(str(size) for size in RSA_KEY_SIZES)
        raise UnsupportedAlgorithm(
            f"unsupported RSA key size {bits}; use one of {sizes}",
            UnsupportedReason.KEY_SIZE,
        )
    return get_backend(backend).generate_rsa_key(bits, RSA_PUBLIC_EXPONENT)


def generate_ec_key(
    curve: Curve = P256, *, backend: BackendLike = None
) -> ECPrivateKey:
    """Generate an EC key on P-256 (the default) or P-384.

    Raises:
        UnsupportedAlgorithm: The curve is for verification only.
    """
    if not curve.can_sign:
        raise UnsupportedAlgorithm(
            f"purepki generates keys on P-256 and P-384, not {curve.name}",
            UnsupportedReason.CURVE,
        )
    return get_backend(backend).generate_ec_key(curve)


def is_private_key(value: object) -> bool:
    """Tell whether ``value`` is a purepki private key."""
    return isinstance(value, (RSAPrivateKey, ECPrivateKey))


__all__ = [
    "ECPrivateKey",
    "ECPublicKey",
    "Encoding",
    "PSSRestrictions",
    "PrivateFormat",
    "PrivateKey",
    "PublicFormat",
    "PublicKey",
    "RSAPrivateKey",
    "RSAPublicKey",
    "SignatureScheme",
    "encrypt_private_key",
    "generate_ec_key",
    "generate_rsa_key",
    "load_private_key",
    "load_public_key",
    "private_key_encryption",
    "public_key_from_spki",
]

# signatures imports the key classes above, so it is imported last. A
# "from purepki import signatures" inside each method instead runs
# importlib's Python-level _handle_fromlist on every signature.
from purepki import signatures  # noqa: E402
