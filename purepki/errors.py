"""The purepki exception hierarchy and warning category.

Every error purepki raises derives from :class:`PurePKIError`. Subclasses
also derive from the built-in exception they resemble, so callers that
already catch ``ValueError`` or ``LookupError`` keep working.
"""

from __future__ import annotations

import enum
from typing import Optional


class PurePKIError(Exception):
    """Root of every error raised by purepki."""


class PurePKIWarning(UserWarning):
    """Input that breaks a rule but that mainstream tools accept.

    Parsers issue this warning through :func:`warnings.warn` for deviations
    found in real files (a negative serial number, explicit EC curve
    parameters); builders never write such input.
    """


class DecodeError(PurePKIError, ValueError):
    """Input that is not valid DER, PEM or the expected structure.

    Attributes:
        offset: Byte offset of the element being read, or ``None`` when the
            error is not tied to one position.
        path: Dotted field path being read, for example
            ``tbsCertificate.validity.notAfter``; empty at the top level.
        source: File name or description of the input.
        reason: The bare problem, without location.
    """

    def __init__(
        self,
        reason: str,
        *,
        offset: Optional[int] = None,
        path: str = "",
        source: str = "",
    ) -> None:
        self.reason = reason
        self.offset = offset
        self.path = path
        self.source = source
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.path:
            where.append(self.path)
        if self.offset is not None:
            where.append(f"offset {self.offset}")
        if not where:
            return self.reason
        return f"{', '.join(where)}: {self.reason}"

    def relocate(
        self, *, source: str = "", base_offset: int = 0, path_prefix: str = ""
    ) -> DecodeError:
        """Return a copy placed inside an enclosing input.

        Args:
            source: File name to record when none is set yet.
            base_offset: Offset of the inner input within the outer one.
            path_prefix: Field path of the inner input within the outer one.
        """
        offset = None if self.offset is None else self.offset + base_offset
        path = self.path
        if path_prefix:
            path = f"{path_prefix}.{path}" if path else path_prefix
        copy = type(self).__new__(type(self))
        DecodeError.__init__(
            copy,
            self.reason,
            offset=offset,
            path=path,
            source=self.source or source,
        )
        return copy


class LimitExceeded(DecodeError):
    """Input larger, deeper or longer than a configured safety limit."""


class PEMError(DecodeError):
    """Text that is not valid PEM armour."""


class KeyFormatError(DecodeError):
    """A key file whose structure or numbers are invalid."""


class WrongObjectType(DecodeError):
    """A valid object of another kind than expected (a public key given
    where a private key is needed, a certificate given as a key)."""


class EncryptedKeyError(PurePKIError, ValueError):
    """A private key that is protected by a password."""


class UnsupportedReason(enum.Enum):
    """Category of an unsupported algorithm or format."""

    PUBLIC_KEY_ALGORITHM = "public key algorithm"
    CURVE = "elliptic curve"
    HASH = "hash algorithm"
    SIGNATURE_ALGORITHM = "signature algorithm"
    KEY_SIZE = "key size"
    OPERATION = "operation"
    FORMAT = "format"


class UnsupportedAlgorithm(PurePKIError, ValueError):
    """A well-formed input that uses an algorithm purepki does not handle.

    Attributes:
        reason: What kind of thing is unsupported.
    """

    def __init__(self, message: str, reason: UnsupportedReason) -> None:
        self.reason = reason
        super().__init__(message)


class InvalidSignature(PurePKIError):
    """A signature that does not verify.

    The message is one of two constant texts, so nothing about the key or
    the arithmetic leaks: :attr:`MESSAGE` for a signature that does not
    match, :attr:`ENCODING` for a signature value that is not in its exact
    DER or fixed-length form.
    """

    MESSAGE = "signature verification failed"
    ENCODING = "invalid signature encoding"

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class BackendNotFound(PurePKIError, LookupError):
    """A requested crypto backend that is not installed."""
