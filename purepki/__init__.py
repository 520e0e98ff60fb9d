"""purepki: a pure-Python PKI toolkit.

Strict DER on pyasn1, RSA and EC keys in every common file format, and a
crypto backend interface whose default implementation needs no compiled
code.
"""

from purepki.backend import available_backends, get_backend, use_backend
from purepki.errors import (
    BackendNotFound,
    DecodeError,
    EncryptedKeyError,
    InvalidSignature,
    KeyFormatError,
    LimitExceeded,
    PEMError,
    PurePKIError,
    PurePKIWarning,
    UnsupportedAlgorithm,
    WrongObjectType,
)
from purepki.keys import (
    ECPrivateKey,
    ECPublicKey,
    RSAPrivateKey,
    RSAPublicKey,
    generate_ec_key,
    generate_rsa_key,
    load_private_key,
    load_public_key,
)

__version__ = "0.1.0"

__all__ = [
    "BackendNotFound",
    "DecodeError",
    "ECPrivateKey",
    "ECPublicKey",
    "EncryptedKeyError",
    "InvalidSignature",
    "KeyFormatError",
    "LimitExceeded",
    "PEMError",
    "PurePKIError",
    "PurePKIWarning",
    "RSAPrivateKey",
    "RSAPublicKey",
    "UnsupportedAlgorithm",
    "WrongObjectType",
    "__version__",
    "available_backends",
    "generate_ec_key",
    "generate_rsa_key",
    "get_backend",
    "load_private_key",
    "load_public_key",
    "use_backend",
]
