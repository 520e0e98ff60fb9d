"""Elliptic curve domain parameters for the NIST prime curves.

The numbers are those of SEC 2 version 2 section 2.4 (secp256r1 = P-256,
secp384r1 = P-384, secp521r1 = P-521), which FIPS 186-5 and NIST SP
800-186 repeat. They let purepki check that a point lies on its curve and
recognise explicit parameters without a crypto library.
"""

from __future__ import annotations

from typing import Optional

from purepki._record import dataclass, field
from purepki.asn1.oids import OID, CurveOID
from purepki.errors import UnsupportedAlgorithm, UnsupportedReason


@dataclass(frozen=True)
class Curve:
    """A short Weierstrass curve y^2 = x^3 + ax + b over GF(p).

    Attributes:
        name: NIST name (``P-256``).
        openssl_name: Name OpenSSL prints (``prime256v1``).
        oid: The namedCurve OID (RFC 5480 section 2.1.1.1).
        p: Field prime.
        a: Coefficient a.
        b: Coefficient b.
        gx: Base point x.
        gy: Base point y.
        n: Order of the base point.
        h: Cofactor.
        can_sign: Whether purepki generates keys and signs on this curve;
            the others are for verification only.
    """

    name: str
    openssl_name: str
    oid: OID
    p: int = field(repr=False)
    a: int = field(repr=False)
    b: int = field(repr=False)
    gx: int = field(repr=False)
    gy: int = field(repr=False)
    n: int = field(repr=False)
    h: int = field(repr=False, default=1)
    can_sign: bool = field(repr=False, default=True)

    def __hash__(self) -> int:
        # Equal curves have equal OIDs, and the backends' key caches hash
        # a key's curve on every signature: the OID, a str, caches its
        # hash, while hashing all the parameters costs about a
        # microsecond.
        return hash(self.oid)

    @property
    def key_size(self) -> int:
        """Size of the group order in bits."""
        return self.n.bit_length()

    @property
    def coordinate_size(self) -> int:
        """Octets of one field element (SEC 1 section 2.3.5)."""
        return (self.p.bit_length() + 7) // 8

    def contains(self, x: int, y: int) -> bool:
        """Tell whether (x, y) is a finite point of this curve."""
        if not (0 <= x < self.p and 0 <= y < self.p):
            return False
        return (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0


P256 = Curve(
    name="P-256",
    openssl_name="prime256v1",
    oid=CurveOID.SECP256R1,
    p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
    a=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
    b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
)

P384 = Curve(
    name="P-384",
    openssl_name="secp384r1",
    oid=CurveOID.SECP384R1,
    p=int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE"
        "FFFFFFFF0000000000000000FFFFFFFF",
        16,
    ),
    a=int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE"
        "FFFFFFFF0000000000000000FFFFFFFC",
        16,
    ),
    b=int(
        "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875A"
        "C656398D8A2ED19D2A85C8EDD3EC2AEF",
        16,
    ),
    gx=int(
        "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A38"
        "5502F25DBF55296C3A545E3872760AB7",
        16,
    ),
    gy=int(
        "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C0"
        "0A60B1CE1D7E819D7A431D7C90EA0E5F",
        16,
    ),
    n=int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
        "581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
)

P521 = Curve(
    name="P-521",
    openssl_name="secp521r1",
    oid=CurveOID.SECP521R1,
    p=2**521 - 1,
    a=2**521 - 4,
    b=int(
        "0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF1"
        "09E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B50"
        "3F00",
        16,
    ),
    gx=int(
        "00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D"
        "3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5"
        "BD66",
        16,
    ),
    gy=int(
        "011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E"
        "662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD1"
        "6650",
        16,
    ),
    n=int(
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "FA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E913864"
        "09",
        16,
    ),
    can_sign=False,
)

CURVES = (P256, P384, P521)


def curve_from_oid(oid: str) -> Curve:
    """Return the curve a namedCurve OID names.

    Raises:
        UnsupportedAlgorithm: purepki does not support that curve.
    """
    for curve in CURVES:
        if curve.oid == oid:
            return curve
    from purepki.asn1.oids import display_name

    raise UnsupportedAlgorithm(
        f"unsupported elliptic curve {display_name(oid)} ({oid}); purepki "
        "supports P-256 (prime256v1), and P-384 and P-521 for verification",
        UnsupportedReason.CURVE,
    )


def curve_from_name(name: str) -> Curve:
    """Return the curve called ``name`` (``P-256``, ``prime256v1``,
    ``secp384r1``).

    Raises:
        UnsupportedAlgorithm: No supported curve has that name.
    """
    wanted = name.lower().replace("-", "")
    for curve in CURVES:
        names = {curve.name.lower().replace("-", ""), curve.openssl_name}
        names.add(f"secp{curve.key_size}r1")
        if wanted in names:
            return curve
    raise UnsupportedAlgorithm(
        f"unsupported elliptic curve {name!r}; use P-256 or P-384",
        UnsupportedReason.CURVE,
    )


def curve_from_parameters(
    p: int, a: int, b: int, gx: int, gy: int, n: int, h: Optional[int]
) -> Curve:
    """Return the named curve equal to explicit domain parameters.

    Raises:
        UnsupportedAlgorithm: The parameters match no supported curve.
    """
    for curve in CURVES:
        same = (curve.p, curve.a, curve.b, curve.gx, curve.gy, curve.n) == (
            p,
            a,
            b,
            gx,
            gy,
            n,
        )
        if same and h in (None, curve.h):
            return curve
    raise UnsupportedAlgorithm(
        f"unsupported elliptic curve: explicit parameters of a "
        f"{p.bit_length()}-bit prime field that match no named curve; "
        "purepki supports P-256, P-384 and P-521",
        UnsupportedReason.CURVE,
    )
