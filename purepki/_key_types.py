"""RSA and EC key classes: immutable values that check their numbers.

Signing and verifying go through the active backend after the checks of
:mod:`purepki.signatures`. The DER encoders are in
:mod:`purepki._key_encoding`, except the SubjectPublicKeyInfo encoder,
which is here because it tells RSA from EC keys by their class. Import
these names from :mod:`purepki.keys`.
"""

from __future__ import annotations

import functools
import hashlib
import math
from typing import TYPE_CHECKING, Optional, Union, cast

from pyasn1.type import univ
from pyasn1_modules import rfc5280

from purepki import pem
from purepki._key_encoding import (
    _NULL_DER,
    Password,
    PrivateFormat,
    PublicFormat,
    _algorithm_identifier,
    _encode_ec_private,
    _encode_named_curve,
    _encode_pkcs8,
    _encode_pss_params,
    _encode_rsa_private,
    _encode_rsa_public,
    encrypt_private_key,
)
from purepki._record import dataclass, field
from purepki.algorithms import HashAlgorithm, SignatureAlgorithm
from purepki.asn1 import der
from purepki.asn1.oids import PublicKeyOID
from purepki.backend import BackendLike, get_backend
from purepki.curves import Curve
from purepki.errors import (
    KeyFormatError,
    UnsupportedAlgorithm,
    UnsupportedReason,
)

if TYPE_CHECKING:
    from purepki.pbe import PasswordEncryption

#: Smallest RSA modulus loaded, in bits. Smaller keys are broken (RSA-512
#: has been factored many times) and no current tool makes them.
MIN_RSA_LOAD_SIZE = 1024

#: Largest RSA modulus loaded, in bits, which bounds the cost of one
#: modular exponentiation on hostile input.
MAX_RSA_LOAD_SIZE = 16384


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


class _EncryptedPKCS8:
    """The encrypted PKCS#8 encoders that RSA and EC private keys
    share."""

    def to_encrypted_der(
        self,
        password: Password,
        *,
        scheme: Optional[PasswordEncryption] = None,
        backend: BackendLike = None,
    ) -> bytes:
        """Encode the key as encrypted PKCS#8 DER; see
        :func:`encrypt_private_key`."""
        key = cast("PrivateKey", self)
        return encrypt_private_key(
            key, password, scheme=scheme, backend=backend
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
        encrypted = self.to_encrypted_der(
            password, scheme=scheme, backend=backend
        )
        return pem.encode(pem.ENCRYPTED_PRIVATE_KEY_LABEL, encrypted)


@dataclass(frozen=True)
class RSAPrivateKey(_EncryptedPKCS8):
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
class ECPrivateKey(_EncryptedPKCS8):
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


def is_private_key(value: object) -> bool:
    """Tell whether ``value`` is a purepki private key."""
    return isinstance(value, (RSAPrivateKey, ECPrivateKey))


# signatures imports the key classes above, so it is imported last. A
# "from purepki import signatures" inside each method instead runs
# importlib's Python-level _handle_fromlist on every signature.
from purepki import signatures  # noqa: E402
