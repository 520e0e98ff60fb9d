"""RSA and EC key generation through the active backend.

Import these names from :mod:`purepki.keys`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from purepki.backend import BackendLike, get_backend
from purepki.curves import P256, Curve
from purepki.errors import UnsupportedAlgorithm, UnsupportedReason

if TYPE_CHECKING:
    from purepki._key_types import ECPrivateKey, RSAPrivateKey

#: RSA modulus sizes purepki generates.
RSA_KEY_SIZES = (2048, 3072, 4096)
DEFAULT_RSA_KEY_SIZE = 2048
RSA_PUBLIC_EXPONENT = 65537


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
