"""The ``purepki`` command: the appliance's ``pki`` commands and more.

:func:`main` parses the arguments, runs one subcommand and maps errors to
exit codes; :func:`run` is the console script entry point. Results go to
standard output, diagnostics to standard error, and no user error ends in
a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import textwrap
import warnings
from collections.abc import Iterator, Sequence
from typing import Callable, Optional

from purepki.backend import get_backend, use_backend
from purepki.cli.common import (
    EXIT_CODES_HELP,
    EXIT_INPUT,
    EXIT_USAGE,
    UsageError,
)
from purepki.errors import BackendNotFound, PurePKIError, PurePKIWarning
from purepki.files import OutputExists

__all__ = ["main", "run"]

Handler = Callable[[argparse.Namespace], int]

_DESCRIPTION = """\
Manage keys, certificate signing requests and certificates the way the
appliance's pki commands do, in pure Python. Without a command, show the
PKI files of the current folder.

Attributes for csr and selfsigned are ATTR:VALUE pairs: CN, OU, O, L, ST,
C, emailAddress and subjectAltName (a comma-separated list of DNS names
and IP addresses, without spaces), for example
  purepki csr www CN:www.example.com O:"Example Inc." \\
      subjectAltName:a.example.com,192.0.2.25"""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter that keeps description line breaks, with the
    width found without importing shutil.

    argparse creates a formatter for every ``add_argument`` call, and
    without a width the formatter imports shutil (and with it bz2 and
    lzma) for ``shutil.get_terminal_size``. This reads the width the same
    way: ``COLUMNS``, else the terminal of standard output, else 80.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: Optional[int] = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    try:
        columns = (
            os.get_terminal_size(stdout.fileno()).columns if stdout else 0
        )
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns if columns > 0 else 80


_CERT_HELP = (
    "certificate file (PEM or DER); more certificates after the first "
    "are intermediates"
)
_NAME_HELP = (
    "name of the files to write, without extension: letters, digits and '-'"
)
_ATTRIBUTES_HELP = (
    "subject attribute CN, OU, O, L, ST, C or emailAddress, or "
    "subjectAltName (comma-separated DNS names and IP addresses)"
)


def _common_options(
    default: object = None,
) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--backend",
        metavar="NAME",
        default=default,
        help="crypto backend for this run (see 'purepki backends'; "
        "default: PUREPKI_BACKEND, then pure)",
    )
    return parent


def _at_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--at",
        metavar="TIME",
        help="validation time, ISO 8601 with a time zone, such as "
        "2026-06-01T00:00:00Z (default: now)",
    )


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print the result as JSON"
    )


def _host_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", metavar="DNSNAME", help="DNS name the leaf must match"
    )
    parser.add_argument(
        "--ip", metavar="ADDRESS", help="IP address the leaf must match"
    )


def _output_options(
    parser: argparse.ArgumentParser,
    files: str = "NAME.key, NAME.csr and NAME.crt",
) -> None:
    parser.add_argument(
        "--dir",
        metavar="FOLDER",
        help=f"folder of the {files} files (default: the current folder)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace existing files"
    )


def _key_options(
    parser: argparse.ArgumentParser, default_type: str = ""
) -> None:
    from purepki.cli import issuing

    default_type = default_type or issuing.DEFAULT_KEY_TYPE
    reason = ", as the appliance makes" if default_type == "rsa" else ""
    parser.add_argument(
        "--key-type",
        choices=("rsa", "ec"),
        default=default_type,
        help=f"key algorithm (default: {default_type}{reason})",
    )
    parser.add_argument(
        "--bits",
        type=int,
        help="key size: 2048 (default), 3072 or 4096 for RSA; 256 "
        "(default, P-256) or 384 (P-384) for EC",
    )


def _password_options(parser: argparse.ArgumentParser, target: str) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--password-file",
        metavar="FILE",
        help=f"read the password of {target} from FILE (one trailing line "
        "end is dropped)",
    )
    group.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"read the password of {target} from standard input (one "
        "trailing line end is dropped)",
    )


def _add(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
    name: str,
    handler: Handler,
    summary: str,
    description: str = "",
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        parents=[parent],
        help=summary,
        description=textwrap.fill(description or summary, 76),
        epilog=EXIT_CODES_HELP,
        formatter_class=_HelpFormatter,
    )
    parser.set_defaults(handler=handler, command_name=f"purepki {name}")
    return parser


def _add_list(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "list",
        _lazy("reading", "run_list"),
        "list the PKI files of a folder and which key matches "
        "which certificate",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        metavar="DIR",
        help="folder to list (default: --dir or the current folder)",
    )
    parser.add_argument("--dir", metavar="FOLDER", help="folder to list")
    _at_option(parser)
    _json_option(parser)


def _add_inspect(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "inspect",
        _lazy("reading", "run_inspect"),
        "show every key, certificate, CSR, CRL, PKCS#7 and "
        "PKCS#12 element of PEM or DER files",
    )
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="PEM or DER file of keys, certificates, CSRs, CRLs, PKCS#7 "
        "or PKCS#12",
    )
    _at_option(parser)
    _json_option(parser)


def _add_match(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "match",
        _lazy("matching", "run_match"),
        "tell whether a private key and a certificate (or CSR) "
        "belong together",
    )
    parser.add_argument(
        "key", metavar="KEY", help="private key file (PEM or DER)"
    )
    parser.add_argument(
        "cert",
        metavar="CERT",
        help="certificate or CSR file (PEM or DER); the first certificate "
        "is compared",
    )
    _json_option(parser)


def _add_verify(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "verify",
        _lazy("verification", "run_verify"),
        "verify CERT's chain to a trust anchor",
        "Verify CERT's chain. With two files, the self-signed "
        "certificates of the second are the trust anchors and the others "
        "intermediates. When the second file contains no self-signed "
        "certificate, all of its certificates are trusted as pinned "
        "certificates. With three files, the second contains "
        "intermediates and CA the trust anchors. Certificates after the "
        "first in CERT's own file are intermediates too.",
    )
    parser.add_argument("cert", metavar="CERT", help=_CERT_HELP)
    parser.add_argument(
        "bundle",
        metavar="BUNDLE_OR_CA",
        help="intermediates and trust anchors: its self-signed "
        "certificates, or all of them when none is self-signed, are "
        "trusted; with CA, intermediates only",
    )
    parser.add_argument(
        "ca", nargs="?", metavar="CA", help="trust anchor certificates"
    )
    parser.add_argument(
        "--purpose",
        choices=("server", "client", "any"),
        default="any",
        help="use the leaf is checked for (default: any)",
    )
    parser.add_argument(
        "--policy",
        choices=("appliance", "web-pki"),
        default="appliance",
        help="rule set: appliance (default) or web-pki "
        "(CA/Browser Forum profile)",
    )
    parser.add_argument(
        "--crl",
        action="append",
        metavar="FILE",
        help="CRLs (PEM or DER) to check revocation against; repeat for "
        "more files",
    )
    parser.add_argument(
        "--revocation",
        choices=("none", "leaf", "chain"),
        help="certificates whose revocation is checked: none, the leaf, "
        "or every certificate but the trust anchor (default: leaf with "
        "--crl, else none); one without a usable CRL fails",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print every check made"
    )
    _host_options(parser)
    _at_option(parser)
    _json_option(parser)


def _add_check(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "check",
        _lazy("verification", "run_check"),
        "apply the appliance's usage rules to CERT and its "
        "chain, showing each rule's outcome",
    )
    parser.add_argument("cert", metavar="CERT", help=_CERT_HELP)
    parser.add_argument(
        "bundle",
        nargs="?",
        metavar="BUNDLE",
        help="intermediate and root certificates of CERT's chain",
    )
    parser.add_argument(
        "--purpose",
        choices=("server", "client", "both"),
        default="server",
        help="TLS role to check (default: server)",
    )
    _host_options(parser)
    _at_option(parser)


def _add_csr(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "csr",
        _lazy("issuing", "run_csr"),
        "generate NAME.key and NAME.csr (CN required)",
    )
    parser.add_argument("name", metavar="NAME", help=_NAME_HELP)
    parser.add_argument(
        "attributes",
        nargs="+",
        metavar="ATTR:VALUE",
        help=_ATTRIBUTES_HELP,
    )
    _key_options(parser)
    _output_options(parser)


def _add_selfsigned(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "selfsigned",
        _lazy("issuing", "run_selfsigned"),
        "generate NAME.key and a self-signed CA certificate NAME.crt",
    )
    parser.add_argument("name", metavar="NAME", help=_NAME_HELP)
    parser.add_argument(
        "attributes",
        nargs="*",
        metavar="ATTR:VALUE",
        help=f"{_ATTRIBUTES_HELP}; without CN, CN:NAME is used",
    )
    _key_options(parser)
    parser.add_argument(
        "--days", type=int, help="validity in days (default: 3650)"
    )
    parser.add_argument(
        "--path-length", type=int, help="most CAs allowed below this one"
    )
    _output_options(parser)


def _add_sign(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "sign",
        _lazy("issuing", "run_sign"),
        "sign NAME.csr with CA_NAME.key and CA_NAME.crt, writing NAME.crt",
    )
    parser.add_argument(
        "name",
        metavar="NAME",
        help="name of the request: signs NAME.csr into NAME.crt",
    )
    parser.add_argument(
        "ca_name",
        metavar="CA_NAME",
        help="name of the CA: CA_NAME.crt (or .pem, .cer, .der) and "
        "CA_NAME.key",
    )
    parser.add_argument(
        "--purpose",
        choices=("server", "client", "both", "ca"),
        default="both",
        help="certificate profile (default: both, a TLS "
        "server and client certificate)",
    )
    parser.add_argument(
        "--path-length",
        type=int,
        help="with --purpose ca: most CAs allowed below",
    )
    parser.add_argument(
        "--days",
        type=int,
        help="validity in days (default: 365, or 3650 with --purpose ca, "
        "but no later than the CA certificate's notAfter)",
    )
    _output_options(parser)


def _add_bundle(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "bundle",
        _lazy("bundling", "run_bundle"),
        "write LEAF's issuers in chain order, root last, "
        "reporting missing, extra and duplicate certificates",
    )
    parser.add_argument(
        "leaf", metavar="LEAF", help="end-entity certificate file"
    )
    parser.add_argument(
        "certs",
        nargs="+",
        metavar="CERTS",
        help="files of the intermediate and root certificates, in any order",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="bundle file to write",
    )
    parser.add_argument(
        "--full-chain",
        action="store_true",
        help="start the file with the leaf",
    )
    parser.add_argument(
        "--no-root", action="store_true", help="leave out the self-signed root"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing FILE"
    )


def _add_asn1(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "asn1",
        _run_asn1,
        "annotated DER dump: offsets, lengths, tags, values, "
        "OID names and X.509 field names",
    )
    parser.add_argument("file", metavar="FILE", help="PEM or DER file to dump")


def _add_demo(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    from purepki.cli import demo

    parser = _add(
        commands,
        parent,
        "demo",
        _lazy("demo", "run_demo"),
        "run the whole workflow in a new folder: root CA, "
        "intermediate CA, server certificate from a CSR, "
        "full-chain bundle, verification",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        metavar="DIR",
        help="folder to create (default: a new purepki-demo folder here)",
    )
    parser.add_argument(
        "--host",
        default=demo.DEFAULT_HOST,
        help=f"server name (default: {demo.DEFAULT_HOST})",
    )
    _key_options(parser, default_type="ec")


def _add_backends(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    _add(
        commands,
        parent,
        "backends",
        _run_backends,
        "list the installed crypto backends and the active one",
    )


def _add_unlock(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "unlock",
        _lazy("containers", "run_unlock"),
        "replace a password-protected key with the unlocked key",
        "Replace KEY, a password-protected private key (encrypted PKCS#8 "
        "or legacy OpenSSL PEM), with the unlocked key under the same name "
        "and mode 0600, in the same format family. Without a password "
        "option, purepki prompts for the password when standard input is "
        "a terminal. A wrong password (exit code 1) or any other error "
        "leaves KEY as it was.",
    )
    parser.add_argument(
        "key", metavar="KEY", help="password-protected private key file"
    )
    _password_options(parser, "KEY")


def _add_pkcs12_to_ssh(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "pkcs12-to-ssh",
        _lazy("containers", "run_pkcs12_to_ssh"),
        "replace USER.pub, a PKCS#12 file, with its OpenSSH public key",
        "Replace USER.pub, a PKCS#12 file in --dir or the current folder, "
        "with the OpenSSH public key line (ssh-rsa or ecdsa-sha2-nistp256) "
        "of the key it contains, and print the key's SHA256 fingerprint. "
        "The rest of the PKCS#12 content is dropped. A wrong password "
        "(exit code 1) or any other error leaves USER.pub as it was.",
    )
    parser.add_argument(
        "user",
        metavar="USER",
        help="name of the PKCS#12 file USER.pub (letters, digits, '-')",
    )
    parser.add_argument(
        "--dir",
        metavar="FOLDER",
        help="folder of USER.pub (default: the current folder)",
    )
    _password_options(parser, "USER.pub")


def _add_pkcs12(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    parent: argparse.ArgumentParser,
) -> None:
    parser = _add(
        commands,
        parent,
        "pkcs12",
        _lazy("containers", "run_pkcs12"),
        "write NAME.p12 from NAME.key, NAME.crt and an optional bundle",
        "Write NAME.p12, mode 0600, from NAME.key, the certificate for it "
        "in NAME.crt, and the other certificates of NAME.crt and --bundle "
        "as its chain, for import into Windows or a browser. The default "
        "encryption is PBES2 with AES-256-CBC and a SHA-256 MAC. A wrong "
        "password for an encrypted NAME.key exits with code 1.",
    )
    parser.add_argument(
        "name",
        metavar="NAME",
        help="name of the files: reads NAME.key and NAME.crt, writes NAME.p12",
    )
    parser.add_argument(
        "--bundle",
        metavar="FILE",
        help="intermediate and root certificates to include",
    )
    parser.add_argument(
        "--legacy",
        action="store_true",
        help="encrypt with 3DES (key) and RC2-40 (certificates) and a "
        "SHA-1 MAC, for old Windows and Java versions",
    )
    parser.add_argument(
        "--key-password-file",
        metavar="FILE",
        help="read the password of an encrypted NAME.key from FILE",
    )
    _password_options(parser, "NAME.p12")
    _output_options(parser, "NAME.key, NAME.crt and NAME.p12")


def _lazy(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    """Return a handler that imports its command module when it runs, so
    each command loads only the modules it needs."""

    def handler(args: argparse.Namespace) -> int:
        imported = importlib.import_module(f"purepki.cli.{module}")
        result: int = getattr(imported, function)(args)
        return result

    return handler


def _run_asn1(args: argparse.Namespace) -> int:
    # The dump's schemas cost a noticeable share of start-up time, so
    # they are imported only for this command.
    from purepki.cli import asn1dump

    return asn1dump.run_asn1(args)


#: Each subcommand and the function that adds its parser, in the order
#: of the help listing.
_COMMANDS: dict[str, Callable[..., None]] = {
    "list": _add_list,
    "inspect": _add_inspect,
    "match": _add_match,
    "verify": _add_verify,
    "check": _add_check,
    "csr": _add_csr,
    "selfsigned": _add_selfsigned,
    "sign": _add_sign,
    "unlock": _add_unlock,
    "pkcs12-to-ssh": _add_pkcs12_to_ssh,
    "pkcs12": _add_pkcs12,
    "bundle": _add_bundle,
    "asn1": _add_asn1,
    "demo": _add_demo,
    "backends": _add_backends,
}


def build_parser(command: Optional[str] = None) -> argparse.ArgumentParser:
    """Build the argument parser.

    Args:
        command: Build the parser of this subcommand only, or of every
            subcommand when ``None``. Each parser costs about a
            millisecond to build, mostly argparse's gettext lookups, and
            one run uses one.
    """
    # The subcommands' --backend leaves the value alone when it is not
    # given, so '--backend NAME' may come before or after the command.
    parent = _common_options(default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="purepki",
        description=_DESCRIPTION,
        epilog=EXIT_CODES_HELP,
        formatter_class=_HelpFormatter,
        parents=[_common_options()],
    )
    parser.set_defaults(handler=_lazy("reading", "run_overview"))
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, add in _COMMANDS.items():
        if command is None or name == command:
            add(commands, parent)
    return parser


def _is_help_option(token: str) -> bool:
    """Tell whether ``token`` is ``--help`` or a prefix of it that
    argparse reads as ``--help``: every prefix from ``--h`` on, because
    no other top-level option starts with ``--h``."""
    return len(token) >= 3 and "--help".startswith(token)


def _command_of(argv: Sequence[str]) -> Optional[str]:
    """Return the subcommand that ``argv`` runs, or ``None`` when the
    whole parser is needed: for help, no command or an unknown one."""
    position = 0
    while position < len(argv):
        token = argv[position]
        if token in ("-h", "--") or _is_help_option(token):
            return None
        # argparse also takes a prefix of --backend, and its value follows.
        if len(token) > 2 and "--backend".startswith(token):
            position += 2
            continue
        if token.startswith("-"):
            position += 1
            continue
        return token if token in _COMMANDS else None
    return None


def _run_backends(args: argparse.Namespace) -> int:
    from purepki.backend import available_backends
    from purepki.cli.common import out

    active = get_backend().name
    for name in available_backends():
        mark = "* " if name == active else "  "
        out(f"{mark}{name}{' (active)' if name == active else ''}")
    return 0


def _list_backends_after_error(error: BackendNotFound) -> int:
    """List the installed backends when the one requested is missing,
    for ``purepki backends``: it is the command that diagnoses this."""
    from purepki.backend import available_backends
    from purepki.cli.common import note, out

    for name in available_backends():
        out(f"  {name}")
    note(f"purepki backends: error: {error}")
    return EXIT_USAGE


@contextlib.contextmanager
def _reported_warnings() -> Iterator[None]:
    """Print the library's warnings on standard error, once each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PurePKIWarning)
        try:
            yield
        finally:
            shown: set[str] = set()
            for warning in caught:
                message = str(warning.message)
                if message not in shown:
                    shown.add(message)
                    print(f"warning: {message}", file=sys.stderr)


def _exit_code(error: BaseException) -> int:
    usage = (UsageError, OutputExists, BackendNotFound)
    return EXIT_USAGE if isinstance(error, usage) else EXIT_INPUT


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and not isinstance(error, PurePKIError):
        target = error.filename or ""
        reason = error.strerror or str(error)
        return f"{target}: {reason}" if target else reason
    return str(error)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one ``purepki`` command.

    Args:
        argv: The arguments after the program name; default
            ``sys.argv[1:]``.

    Returns:
        The exit code: 0 success, 1 check failed, 2 usage error, 3 input
        error.
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_of(arguments))
    try:
        args = parser.parse_args(arguments)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    handler: Handler = args.handler
    command = getattr(args, "command_name", None) or "purepki"
    try:
        # The backend is resolved before the command runs, so that a name
        # that is not installed (in --backend or PUREPKI_BACKEND) stops
        # every command with a usage error. Inside a command, code that
        # reads a failed check as a result, such as the ordering of a
        # bundle, could otherwise take the error for a bad signature.
        try:
            backend = args.backend or get_backend()
            with _reported_warnings(), use_backend(backend):
                return handler(args)
        except BackendNotFound as error:
            if handler is _run_backends:
                return _list_backends_after_error(error)
            raise
    except BrokenPipeError:
        # The reader of standard output went away (``purepki ... | head``).
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (PurePKIError, OSError, ValueError) as error:
        print(f"{command}: error: {_describe(error)}", file=sys.stderr)
        return _exit_code(error)
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130


#: 128 plus SIGPIPE, as shells report a command killed by a closed pipe.
EXIT_BROKEN_PIPE = 141


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the flush at
    exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def run() -> None:
    """Console script entry point: exit with :func:`main`'s code."""
    sys.exit(main())
