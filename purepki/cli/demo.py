"""``demo [DIR]``: the whole certificate workflow in a new folder, one
``purepki`` command per step, each shown before it runs.

The steps make a root CA, an intermediate CA signed by it, a server key
and CSR, the server certificate, a full-chain bundle, and then verify the
chain for the server name. EC P-256 keys keep the run to a few seconds.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
from collections.abc import Sequence
from pathlib import Path

from purepki.cli.common import EXIT_OK, UsageError, out

DEFAULT_HOST = "www.example.test"
DEFAULT_FOLDER = "purepki-demo"


def _new_folder(requested: str | None) -> tuple[Path, bool]:
    """Return the demo folder and whether the demo created it.

    Raises:
        UsageError: A requested folder contains files.
    """
    if requested:
        folder = Path(requested)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise UsageError(
                f"{folder} exists and is not an empty folder; give a new "
                "folder name"
            )
        created = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        return folder, created
    folder = Path(DEFAULT_FOLDER)
    number = 1
    while folder.exists():
        number += 1
        folder = Path(f"{DEFAULT_FOLDER}-{number}")
    folder.mkdir()
    return folder, True


def demo_steps(
    folder: Path, host: str, key_options: Sequence[str]
) -> list[tuple[str, list[str]]]:
    """Return each step's explanation and its ``purepki`` arguments."""
    place = ["--dir", str(folder)]
    keys = list(key_options)

    def path(name: str) -> str:
        return str(folder / name)

    return [
        (
            "Make the root CA: a private key and a self-signed CA "
            "certificate, valid 10 years.",
            [
                "selfsigned",
                "demo-root",
                "CN:purepki Demo Root CA",
                "O:purepki demo",
                *keys,
                *place,
            ],
        ),
        (
            "Make the intermediate CA's key and certificate signing request.",
            [
                "csr",
                "demo-intermediate",
                "CN:purepki Demo Intermediate CA",
                "O:purepki demo",
                *keys,
                *place,
            ],
        ),
        (
            "Sign the intermediate with the root, as a CA that may sign "
            "end-entity certificates only (path length 0).",
            [
                "sign",
                "demo-intermediate",
                "demo-root",
                "--purpose",
                "ca",
                "--path-length",
                "0",
                *place,
            ],
        ),
        (
            f"Make the server's key and CSR for {host}.",
            ["csr", "demo-server", f"CN:{host}", *keys, *place],
        ),
        (
            "Sign the server's CSR with the intermediate, as a TLS server "
            "and client certificate.",
            ["sign", "demo-server", "demo-intermediate", *place],
        ),
        (
            "Write the full-chain file a TLS server sends: the server "
            "certificate, then its issuers in order.",
            [
                "bundle",
                path("demo-server.crt"),
                path("demo-intermediate.crt"),
                path("demo-root.crt"),
                "--full-chain",
                "-o",
                path("demo-server-fullchain.pem"),
            ],
        ),
        (
            "Verify the chain up to the root, for the server's name, "
            "showing every check.",
            [
                "verify",
                path("demo-server-fullchain.pem"),
                path("demo-root.crt"),
                "--purpose",
                "server",
                "--host",
                host,
                "--explain",
            ],
        ),
        (
            "List the files made and which key belongs to which certificate.",
            ["list", str(folder)],
        ),
    ]


def run_demo(args: argparse.Namespace) -> int:
    """Run the demo steps; on a failure, remove what the demo wrote."""
    from purepki.cli import main

    key_options = ["--key-type", args.key_type]
    if args.bits:
        key_options += ["--bits", str(args.bits)]
    if args.backend:
        key_options += ["--backend", args.backend]
    folder, created = _new_folder(args.folder)
    steps = demo_steps(folder, args.host, key_options)
    for number, (explanation, arguments) in enumerate(steps, start=1):
        out(f"Step {number} of {len(steps)}: {explanation}")
        out(f"$ purepki {shlex.join(arguments)}")
        code = main(arguments)
        out()
        if code != EXIT_OK:
            out(f"The demo stopped at step {number} (exit code {code}).")
            _clean(folder, created)
            return code
    out(
        f"Done. The files are in {folder}; inspect any of them with "
        f"'purepki inspect {folder / 'demo-server.crt'}'."
    )
    return EXIT_OK


def _clean(folder: Path, created: bool) -> None:
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for path in folder.iterdir():
        if path.is_file() and path.name.startswith("demo-"):
            path.unlink()
