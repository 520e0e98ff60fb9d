"""A short self-check: generate keys, write and reload them, sign, verify.

Run it with ``python -m purepki.selfcheck [--backend NAME]``. It exits 0
when every step succeeds and 1 otherwise, printing one line per step.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Callable, Optional

from purepki import keys
from purepki.backend import available_backends, get_backend
from purepki.errors import InvalidSignature, PurePKIError

_MESSAGE = b"purepki self-check message"


def _check_key(
    key: keys.PrivateKey, label: str, backend_name: str
) -> list[tuple[str, Callable[[], None]]]:
    def round_trip() -> None:
        for fmt in keys.PrivateFormat:
            for text in (key.to_pem(fmt).encode(), key.to_der(fmt)):
                loaded = keys.load_private_key(text, backend=backend_name)
                if loaded != key:
                    raise AssertionError(f"{fmt.value} reload differs")

    def sign_verify() -> None:
        signature = key.sign(_MESSAGE, backend=backend_name)
        key.public_key().verify(signature, _MESSAGE, backend=backend_name)

    def reject_tampered() -> None:
        signature = key.sign(_MESSAGE, backend=backend_name)
        try:
            key.public_key().verify(
                signature, _MESSAGE + b"!", backend=backend_name
            )
        except InvalidSignature:
            return
        raise AssertionError("a signature over other data verified")

    return [
        (f"{label}: save and reload in every format", round_trip),
        (f"{label}: sign and verify", sign_verify),
        (f"{label}: reject a signature over other data", reject_tampered),
    ]


def run(backend_name: Optional[str] = None) -> int:
    """Run the self-check and print one line per step; return 0 or 1."""
    backend = get_backend(backend_name)
    print(f"purepki self-check with the {backend.name!r} backend")
    print(f"installed backends: {', '.join(available_backends())}")
    started = time.perf_counter()
    rsa_key = keys.generate_rsa_key(2048, backend=backend.name)
    elapsed = time.perf_counter() - started
    print(f"ok    generated an RSA-2048 key in {elapsed:.2f} s")
    ec_key = keys.generate_ec_key(backend=backend.name)
    print("ok    generated a P-256 key")

    steps = _check_key(rsa_key, "RSA-2048", backend.name)
    steps += _check_key(ec_key, "P-256", backend.name)
    failures = 0
    for title, step in steps:
        try:
            step()
        except (AssertionError, PurePKIError) as error:
            failures += 1
            print(f"FAIL  {title}: {error}")
        else:
            print(f"ok    {title}")
    print("self-check passed" if not failures else "self-check FAILED")
    return 1 if failures else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Parse the command line and run the self-check."""
    parser = argparse.ArgumentParser(
        prog="python -m purepki.selfcheck",
        description="Generate keys, save, reload, sign and verify.",
    )
    parser.add_argument(
        "--backend",
        help="crypto backend to use (default: PUREPKI_BACKEND or 'pure')",
    )
    options = parser.parse_args(argv)
    try:
        return run(options.backend)
    except PurePKIError as error:
        print(f"purepki: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
