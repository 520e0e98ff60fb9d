"""The crypto backend interface and the registry of installed backends.

purepki keeps its own key objects and asks a backend only for arithmetic:
generate a key, derive an EC public point, sign, verify, and run the
block ciphers of password-protected keys on whole blocks. The default
backend, ``pure``, uses the ``rsa`` and ``ecdsa`` packages and Python
integers. Other backends are separate distributions that register a class
under the ``purepki.backends`` entry point group (see ``backends/`` in the
source tree).

The active backend is chosen in this order: the ``backend`` argument of a
call, the context set with :func:`use_backend`, the ``PUREPKI_BACKEND``
environment variable, then ``pure``. No fallback chain: a backend that was
asked for and is not installed is an error.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional, Protocol, Union, runtime_checkable

from purepki.errors import BackendNotFound

if TYPE_CHECKING:
    from purepki.algorithms import SignatureAlgorithm
    from purepki.ciphers import Cipher
    from purepki.curves import Curve
    from purepki.keys import (
        ECPrivateKey,
        PrivateKey,
        PublicKey,
        RSAPrivateKey,
    )

ENTRY_POINT_GROUP = "purepki.backends"
ENVIRONMENT_VARIABLE = "PUREPKI_BACKEND"
DEFAULT_BACKEND = "pure"


@runtime_checkable
class Backend(Protocol):
    """Interface of a crypto backend.

    Implementations receive purepki key objects, which are immutable, and
    may cache native key objects keyed by them. Input checks that do not
    depend on the arithmetic (signature encodings, key sizes, banned
    hashes) are done by purepki before a backend is called, so every
    backend rejects the same inputs.
    """

    #: Name under which the backend is registered.
    name: str

    def generate_rsa_key(
        self, bits: int, public_exponent: int
    ) -> RSAPrivateKey:
        """Generate an RSA key with a modulus of exactly ``bits`` bits."""
        ...

    def generate_ec_key(self, curve: Curve) -> ECPrivateKey:
        """Generate an EC key on ``curve``."""
        ...

    def ec_public_point(self, curve: Curve, secret: int) -> tuple[int, int]:
        """Return the affine coordinates of ``secret`` times the base point."""
        ...

    def sign(
        self, key: PrivateKey, data: bytes, algorithm: SignatureAlgorithm
    ) -> bytes:
        """Sign ``data`` (hashing it with ``algorithm.hash``).

        ECDSA signatures are DER ``Ecdsa-Sig-Value`` with RFC 6979
        deterministic nonces, so every backend gives the same bytes.
        """
        ...

    def verify(
        self,
        key: PublicKey,
        signature: bytes,
        data: bytes,
        algorithm: SignatureAlgorithm,
    ) -> None:
        """Verify a signature over ``data``.

        Raises:
            InvalidSignature: The signature does not verify.
        """
        ...

    def cbc_encrypt(
        self, cipher: Cipher, key: bytes, iv: bytes, data: bytes
    ) -> bytes:
        """Encrypt whole blocks of ``data`` with ``cipher`` in CBC mode.

        purepki pads the data and checks the key, IV and data lengths
        before the call; the backend adds no padding.
        """
        ...

    def cbc_decrypt(
        self, cipher: Cipher, key: bytes, iv: bytes, data: bytes
    ) -> bytes:
        """Decrypt whole blocks of ``data`` with ``cipher`` in CBC mode.

        The result still carries its padding, which purepki checks, so
        every backend rejects the same inputs.
        """
        ...


BackendLike = Union[Backend, str, None]

_active: contextvars.ContextVar[Optional[Backend]] = contextvars.ContextVar(
    "purepki_backend", default=None
)
_instances: dict[str, Backend] = {}
#: Backends by the name exactly as a caller or PUREPKI_BACKEND gave it,
#: which skips stripping and the lookup by stripped name on later calls.
_by_request: dict[str, Backend] = {}


def _entry_points() -> dict[str, object]:
    from importlib import metadata

    if sys.version_info >= (3, 10):
        found = metadata.entry_points(group=ENTRY_POINT_GROUP)
    else:  # pragma: no cover - Python 3.9
        found = metadata.entry_points().get(ENTRY_POINT_GROUP, ())
    return {entry.name: entry for entry in found}


def available_backends() -> list[str]:
    """Return the names of the installed backends, ``pure`` first."""
    names = set(_entry_points())
    names.add(DEFAULT_BACKEND)
    return [DEFAULT_BACKEND, *sorted(names - {DEFAULT_BACKEND})]


def _load(name: str) -> Backend:
    if name in _instances:
        return _instances[name]
    if name == DEFAULT_BACKEND:
        from purepki._pure import PureBackend

        backend: Backend = PureBackend()
    else:
        entry = _entry_points().get(name)
        if entry is None:
            installed = ", ".join(available_backends())
            raise BackendNotFound(
                f"crypto backend {name!r} is not installed (installed: "
                f"{installed}); name an installed one (the command's "
                f"--backend option or {ENVIRONMENT_VARIABLE}), or install "
                "the distribution that registers it, such as 'pip install "
                "./backends/cryptography' from the purepki source tree"
            )
        try:
            backend = entry.load()()  # type: ignore[attr-defined]
        except ImportError as error:
            raise BackendNotFound(
                f"crypto backend {name!r} is registered but cannot be "
                f"imported ({error}); reinstall it with 'pip install "
                f"./backends/{name}'"
            ) from None
    _instances[name] = backend
    return backend


def get_backend(backend: BackendLike = None) -> Backend:
    """Return the backend to use for one call.

    Args:
        backend: A backend object, a backend name, or ``None`` for the
            context's backend, then ``PUREPKI_BACKEND``, then ``pure``.

    Raises:
        BackendNotFound: The named backend is not installed.
    """
    if backend is None:
        current = _active.get()
        if current is not None:
            return current
        # Read on every call, so a changed PUREPKI_BACKEND takes effect.
        backend = os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_BACKEND
    elif not isinstance(backend, str):
        return backend
    # _by_request maps each name as given, spaces and all, to its backend.
    loaded = _by_request.get(backend)
    if loaded is None:
        loaded = _load(backend.strip())
        _by_request[backend] = loaded
    return loaded


@contextlib.contextmanager
def use_backend(backend: Union[Backend, str]) -> Iterator[Backend]:
    """Make ``backend`` the default for the calls inside a ``with`` block.

    Raises:
        BackendNotFound: The named backend is not installed.
    """
    resolved = get_backend(backend)
    token = _active.set(resolved)
    try:
        yield resolved
    finally:
        _active.reset(token)
