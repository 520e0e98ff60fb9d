"""``unlock`` and ``pkcs12-to-ssh``: commands of the appliance that need
password-based decryption.

NOTE: decrypting keys (PBES2, legacy PEM encryption) and PKCS#12 files is
not implemented in this version. The commands are listed in ``--help`` so
that appliance users find them, and exit with code 2 and a message that
says what to use meanwhile.
"""

from __future__ import annotations

import argparse

from purepki.cli.common import UsageError


def run_unlock(args: argparse.Namespace) -> int:
    """Refuse ``unlock`` until key decryption exists."""
    raise UsageError(
        f"unlock is not available yet in this version; to unlock "
        f"{args.key} meanwhile, run 'openssl pkey -in {args.key} -out "
        "UNLOCKED.key' and check the result with 'purepki inspect'"
    )


def run_pkcs12_to_ssh(args: argparse.Namespace) -> int:
    """Refuse ``pkcs12-to-ssh`` until PKCS#12 decryption exists."""
    raise UsageError(
        "pkcs12-to-ssh is not available yet in this version; meanwhile "
        f"run 'openssl pkcs12 -in {args.user}.pub -nokeys -clcerts | "
        "openssl x509 -pubkey -noout > key.pem' and 'ssh-keygen -i -m "
        "PKCS8 -f key.pem'"
    )
