"""``unlock``, ``pkcs12-to-ssh`` and ``pkcs12``: commands that read or
write password-protected keys and PKCS#12 files.

``unlock`` and ``pkcs12-to-ssh`` replace their input file, as the
appliance's commands do. Each builds the new content in memory, loads it
back to check it, and only then renames it over the old file through
:class:`purepki.files.OutputFiles`. A wrong password or any other error
therefore leaves the file exactly as it was.

Passwords come from ``--password-file FILE``, from ``--password-stdin``,
or from a prompt without echo when standard input is a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from pathlib import Path
from typing import Optional

from purepki import ssh
from purepki.certificate import Certificate
from purepki.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    InputError,
    UsageError,
    check_name,
    folder_of,
    note,
    out,
    progress,
)
from purepki.cli.loading import (
    describe_name,
    key_identity,
    key_summary,
    load_certificate_list,
    read_file,
)
from purepki.curves import P256
from purepki.errors import UnsupportedAlgorithm, UnsupportedReason
from purepki.files import Element, Kind, OutputFiles, read_elements
from purepki.keys import (
    ECPublicKey,
    Password,
    PrivateFormat,
    PrivateKey,
    PublicKey,
    load_private_key,
    private_key_encryption,
)
from purepki.pbe import BadPassword
from purepki.pkcs12 import (
    PKCS12,
    describe_pkcs12,
    dump_pkcs12,
    load_pkcs12,
)

#: Largest password file read, in bytes; a longer file is not a password.
MAX_PASSWORD_FILE_SIZE = 4096

#: OpenSSH key types that ``pkcs12-to-ssh`` writes, as the appliance
#: accepts them.
SSH_KEY_TYPES = ("ssh-rsa", "ecdsa-sha2-nistp256")

_PASSWORD_OPTIONS = "--password-file FILE or --password-stdin"


# --- Passwords ---------------------------------------------------------------


def _strip_newline(text: str) -> str:
    """Remove one line end (LF or CRLF) from the end of ``text``."""
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith("\n"):
        return text[:-1]
    return text


def _password_from_file(path: Path) -> Password:
    """Read a password file, without its last line end.

    Raises:
        InputError: The file is larger than a password can be, or is
            not UTF-8.
        OSError: The file cannot be read.
    """
    with path.open("rb") as handle:
        data = handle.read(MAX_PASSWORD_FILE_SIZE + 1)
    if len(data) > MAX_PASSWORD_FILE_SIZE:
        raise InputError(
            f"password file {path} is larger than {MAX_PASSWORD_FILE_SIZE} "
            "bytes; give a file that contains only the password"
        )
    try:
        return _strip_newline(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(
            f"password file {path} is not UTF-8 text; save the password "
            "as UTF-8"
        ) from None


def _ask(prompt: str) -> str:
    """Prompt on standard error and read a password without echo."""
    try:
        return getpass.getpass(prompt, stream=sys.stderr)
    except EOFError:
        raise UsageError(
            "no password given: the input ended at the password prompt"
        ) from None


def prompt_password(prompt: str, options: str, *, confirm: bool) -> str:
    """Prompt for a password, twice when ``confirm`` is set.

    Args:
        prompt: The prompt, such as ``Password for x.key: ``.
        options: The options that give the password without a prompt,
            named in the error when no prompt is possible.
        confirm: Ask a second time and compare, for a new password.

    Raises:
        UsageError: Standard input is not a terminal, the input ended, or
            the two passwords differ.
    """
    if sys.stdin is None or not sys.stdin.isatty():
        raise UsageError(
            "a password is needed but standard input is not a terminal, so "
            f"purepki cannot prompt for it; pass {options}"
        )
    password = _ask(prompt)
    if confirm and _ask("Repeat the password: ") != password:
        raise UsageError(
            "the two passwords differ; run the command again and type "
            "the same password twice"
        )
    return password


def read_password(
    args: argparse.Namespace, prompt: str, *, confirm: bool = False
) -> Password:
    """Return the password from ``--password-file``, ``--password-stdin``
    or a prompt (see :func:`prompt_password`).

    Both options drop one line end (LF or CRLF) after the password.

    Raises:
        UsageError: No password option was given and no prompt is
            possible, or the prompted passwords differ.
        InputError: The password file is not a password file.
        OSError: The password file cannot be read.
    """
    if args.password_file is not None:
        return _password_from_file(Path(args.password_file))
    if args.password_stdin:
        if sys.stdin is None:
            raise UsageError(
                "--password-stdin given, but this process has no standard "
                "input; pass --password-file FILE"
            )
        return _strip_newline(sys.stdin.read())
    return prompt_password(prompt, _PASSWORD_OPTIONS, confirm=confirm)


def _report_bad_password(args: argparse.Namespace, error: Exception) -> int:
    """Print a bad-password error and return exit code 1."""
    note(f"{args.command_name}: error: {error}")
    return EXIT_CHECK_FAILED


# --- unlock ------------------------------------------------------------------


def _key_element(elements: list[Element], path: Path) -> Element:
    """Return the one private key element of a file that ``unlock`` may
    replace as a whole.

    Raises:
        InputError: The file contains no private key, or is PKCS#12.
        UsageError: The file contains more than the key (an ``EC
            PARAMETERS`` block aside), which replacing it would drop.
    """
    kinds = sorted({element.kind.value for element in elements})
    if any(element.kind is Kind.PKCS12 for element in elements):
        raise InputError(
            f"{path} is a PKCS#12 file, not a private key; extract its key "
            f"with 'openssl pkcs12 -in {path} -nocerts' first"
        )
    keys = [
        element
        for element in elements
        if element.kind in (Kind.PRIVATE_KEY, Kind.ENCRYPTED_PRIVATE_KEY)
    ]
    if not keys:
        raise InputError(
            f"{path} contains no private key (found: {', '.join(kinds)}); "
            "give the file of a password-protected private key"
        )
    others = [
        element
        for element in elements
        if element not in keys and element.kind is not Kind.EC_PARAMETERS
    ]
    if len(keys) > 1 or others:
        raise UsageError(
            f"{path} contains {len(elements)} elements ({', '.join(kinds)}), "
            "and unlock replaces the whole file with one unlocked key; copy "
            "the key block into a file of its own and unlock that"
        )
    return keys[0]


def _unlocked_content(key: PrivateKey, element: Element) -> tuple[bytes, str]:
    """Encode the key unencrypted in the format family of the file.

    DER stays PKCS#8 DER. PEM under ``RSA PRIVATE KEY`` or ``EC PRIVATE
    KEY`` (legacy OpenSSL encryption) becomes the traditional form, and
    other PEM becomes PKCS#8 PEM.

    Returns:
        The content and a description of its format.
    """
    if element.encoding == "DER":
        return key.to_der(PrivateFormat.PKCS8), "PKCS#8 DER"
    if element.label in ("RSA PRIVATE KEY", "EC PRIVATE KEY"):
        pem_text = key.to_pem(PrivateFormat.TRADITIONAL)
        return pem_text.encode("ascii"), f"PEM '{element.label}'"
    pem_text = key.to_pem(PrivateFormat.PKCS8)
    return pem_text.encode("ascii"), "PEM 'PRIVATE KEY' (PKCS#8)"


def _check_unlocked(content: bytes, key: PrivateKey, path: Path) -> None:
    """Check that the new content loads, unencrypted, as the same key.

    Raises:
        InputError: It does not; the file is then left as it was.
    """
    source = f"{path} (unlocked)"
    reloaded = load_private_key(content, source=source)
    encryption = private_key_encryption(content, source=source)
    if reloaded != key or encryption is not None:
        raise InputError(
            f"the unlocked key of {path} does not load back as the same "
            "key, so the file was left unchanged; please report this as a "
            "purepki bug"
        )


def run_unlock(args: argparse.Namespace) -> int:
    """Replace a password-protected key file with the unlocked key."""
    path = Path(args.key)
    source = str(path)
    data = read_file(path)
    elements = read_elements(data, source)
    element = _key_element(elements, path)
    # Unsupported schemes and malformed parameters fail here, before the
    # password prompt.
    scheme = private_key_encryption(data, source=source)
    if scheme is None:
        key = load_private_key(data, source=source)
        out(
            f"{path} is not password-protected ({key_summary(key)}); "
            "nothing to do"
        )
        return EXIT_OK

    password = read_password(args, f"Password for {path}: ")
    try:
        key = load_private_key(data, password=password, source=source)
    except BadPassword as error:
        return _report_bad_password(args, error)
    content, form = _unlocked_content(key, element)
    _check_unlocked(content, key, path)
    # Replace the file a symbolic link points to, not the link.
    output = OutputFiles(force=True)
    output.add(Path(os.path.realpath(path)), content, private=True)
    output.commit()

    out(
        f"wrote {path}: unlocked private key, {key_summary(key)}, {form} "
        "(mode 0600)"
    )
    out(f"  removed encryption: {scheme}")
    if len(elements) > 1:
        out("  dropped the EC PARAMETERS block; the key names its curve")
    out("  the key has no password now; keep the file private")
    return EXIT_OK


# --- pkcs12-to-ssh -----------------------------------------------------------

_USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")


def check_user(user: str) -> str:
    """Check a USER argument: letters, digits, ``.``, ``_`` and ``-``,
    not starting with ``.`` or ``-``, without the ``.pub`` extension.

    Raises:
        UsageError: The name breaks one of these rules.
    """
    if user.endswith(".pub"):
        raise UsageError(
            f"give USER without the .pub extension, as in 'purepki "
            f"pkcs12-to-ssh {user[:-4]}'"
        )
    if not _USER.fullmatch(user):
        raise UsageError(
            f"invalid USER {user!r}: use letters, digits, '.', '_' and '-', "
            "not starting with '.' or '-' (use --dir to choose the folder)"
        )
    return user


def _existing_ssh_key(data: bytes, path: Path) -> Optional[PublicKey]:
    """Return the key of a file that already contains an OpenSSH public key
    line, or ``None`` for other files.

    Raises:
        purepki.ssh.SSHKeyError: The line is malformed.
        UnsupportedAlgorithm: The line contains another key type.
    """
    text = data.lstrip()
    if not text.startswith((b"ssh-", b"ecdsa-sha2-")):
        return None
    first_line = text.splitlines()[0]
    return ssh.load_public_key_line(first_line, source=str(path))


def _pkcs12_der(data: bytes, path: Path) -> bytes:
    """Return the DER of a PKCS#12 file, DER or PEM-armoured.

    Raises:
        InputError: The file contains something else.
        DecodeError: The file is neither PEM nor DER.
    """
    elements = read_elements(data, str(path))
    if len(elements) == 1 and elements[0].kind is Kind.PKCS12:
        return elements[0].der
    found = ", ".join(element.kind.value for element in elements)
    raise InputError(
        f"{path} is not a PKCS#12 file (found: {found}); pkcs12-to-ssh "
        "converts a USER.pub exported as PKCS#12 (.p12, .pfx)"
    )


def _ssh_line(public: PublicKey, comment: str, path: Path) -> str:
    """Build the OpenSSH line of ``public`` and check that it reads back
    as the same key.

    Raises:
        UnsupportedAlgorithm: The key is not RSA or P-256.
        InputError: The line does not read back as the key.
    """
    if isinstance(public, ECPublicKey) and public.curve.name != P256.name:
        accepted = " and ".join(SSH_KEY_TYPES)
        raise UnsupportedAlgorithm(
            f"{path}: unsupported key type EC {public.curve.name} for "
            f"pkcs12-to-ssh; the appliance accepts {accepted} keys, so "
            "export an RSA or P-256 key",
            UnsupportedReason.CURVE,
        )
    # ssh.key_type raises for an RSA-PSS key, which ssh-rsa cannot carry.
    line = ssh.public_key_line(public, comment)
    reloaded = ssh.load_public_key_line(line, source=f"{path} (new)")
    if key_identity(reloaded) != key_identity(public):
        raise InputError(
            f"the OpenSSH line built for {path} does not read back as the "
            "same key, so the file was left unchanged; please report this "
            "as a purepki bug"
        )
    return line


def _public_key_of(contents: PKCS12, path: Path) -> PublicKey:
    """Return the public key of the private key in a PKCS#12 file, or of
    its only certificate when it contains no private key.

    Raises:
        InputError: The file contains no private key and not exactly one
            certificate.
    """
    if contents.key is not None:
        return contents.key.public_key()
    certificates = contents.additional_certificates
    if len(certificates) != 1:
        raise InputError(
            f"{path} contains no private key and {len(certificates)} "
            "certificates, so the key to convert is unknown; export the "
            "PKCS#12 file again with its private key"
        )
    note(
        f"{path} contains no private key; using the public key of its "
        f"certificate for {describe_name(certificates[0].subject)}"
    )
    return certificates[0].public_key


def run_pkcs12_to_ssh(args: argparse.Namespace) -> int:
    """Replace USER.pub, a PKCS#12 file, with the OpenSSH public key line
    of the key it contains."""
    user = check_user(args.user)
    path = folder_of(args) / f"{user}.pub"
    data = read_file(path)
    existing = _existing_ssh_key(data, path)
    if existing is not None:
        out(
            f"{path} already contains an OpenSSH public key "
            f"({ssh.key_type(existing)}, {ssh.fingerprint(existing)}); "
            "nothing to do"
        )
        return EXIT_OK
    pfx = _pkcs12_der(data, path)
    # Check the structure before the prompt.
    describe_pkcs12(pfx, source=str(path))

    password = read_password(args, f"Password for {path}: ")
    try:
        contents = load_pkcs12(pfx, password, source=str(path))
    except BadPassword as error:
        return _report_bad_password(args, error)
    public = _public_key_of(contents, path)
    line = _ssh_line(public, user, path)
    output = OutputFiles(force=True)
    output.add(Path(os.path.realpath(path)), f"{line}\n".encode("ascii"))
    output.commit()

    out(
        f"wrote {path}: OpenSSH public key {ssh.key_type(public)}, "
        f"{key_summary(public)}"
    )
    out(f"  fingerprint {ssh.fingerprint(public)}")
    return EXIT_OK


# --- pkcs12 ------------------------------------------------------------------


def _load_key(args: argparse.Namespace, path: Path) -> PrivateKey:
    """Load NAME.key, with its password when it is encrypted.

    Raises:
        BadPassword: The password does not decrypt the key.
        UsageError: The key is encrypted and no password can be read.
    """
    data = read_file(path)
    source = str(path)
    scheme = private_key_encryption(data, source=source)
    if scheme is None:
        return load_private_key(data, source=source)
    password: Password
    if args.key_password_file is not None:
        password = _password_from_file(Path(args.key_password_file))
    else:
        password = prompt_password(
            f"Password for {path}: ",
            f"--key-password-file FILE (the key is encrypted, {scheme})",
            confirm=False,
        )
    return load_private_key(data, password=password, source=source)


def _split_certificates(
    key: PrivateKey, certificates: list[Certificate]
) -> tuple[Optional[Certificate], list[Certificate]]:
    """Return the certificate of ``key`` and the others, in order and
    without repeats."""
    identity = key_identity(key.public_key())
    leaf: Optional[Certificate] = None
    chain: list[Certificate] = []
    seen: set[bytes] = set()
    for certificate in certificates:
        encoded = certificate.to_der()
        if encoded in seen:
            continue
        seen.add(encoded)
        if leaf is None and key_identity(certificate.public_key) == identity:
            leaf = certificate
        else:
            chain.append(certificate)
    return leaf, chain


def _reject_empty_option_password(
    args: argparse.Namespace, p12_path: Path
) -> None:
    """Reject an empty password that came from --password-file or
    --password-stdin, which is almost always an empty file or a failed
    pipe rather than a choice.

    Raises:
        UsageError: The password came from one of those options.
    """
    if args.password_file is not None:
        source = f"--password-file {args.password_file}"
        cause = "the file is empty or holds only a line end"
    elif args.password_stdin:
        source = "--password-stdin"
        cause = "the command before the pipe failed or printed nothing"
    else:
        return
    raise UsageError(
        f"the password read from {source} is empty, so {p12_path} would "
        f"not be protected (usually {cause}); give the password, or to write "
        f"{p12_path.name} with an empty password on purpose, run the "
        "command in a terminal without a password option and press Enter "
        "at both prompts"
    )


def run_pkcs12(args: argparse.Namespace) -> int:
    """Write NAME.p12 from NAME.key, NAME.crt and an optional bundle."""
    name = check_name(args.name)
    folder = folder_of(args)
    key_path = folder / f"{name}.key"
    cert_path = folder / f"{name}.crt"
    p12_path = folder / f"{name}.p12"
    output = OutputFiles(force=args.force)
    output.check((p12_path,))

    try:
        key = _load_key(args, key_path)
    except BadPassword as error:
        return _report_bad_password(args, error)
    certificates = load_certificate_list(cert_path)
    if args.bundle is not None:
        certificates += load_certificate_list(Path(args.bundle))
    leaf, chain = _split_certificates(key, certificates)
    if leaf is None:
        note(
            f"{args.command_name}: error: {cert_path} contains no certificate "
            f"for the key in {key_path} (public key SHA-256 "
            f"{key.public_key().fingerprint()}); give the certificate "
            "issued for this key"
        )
        return EXIT_CHECK_FAILED
    password = read_password(args, f"Password for {p12_path}: ", confirm=True)
    if not password:
        _reject_empty_option_password(args, p12_path)
        note(
            f"warning: the password of {p12_path} is empty, so anyone who "
            "has the file can read the key"
        )

    with progress(f"encrypting {p12_path.name}", enabled=True):
        data = dump_pkcs12(
            key,
            leaf,
            chain,
            password=password,
            legacy=args.legacy,
            friendly_name=name,
        )
    output.add(p12_path, data, private=True)
    output.commit()
    _print_pkcs12(p12_path, key, leaf, chain, data)
    return EXIT_OK


def _print_pkcs12(
    path: Path,
    key: PrivateKey,
    leaf: Certificate,
    chain: list[Certificate],
    data: bytes,
) -> None:
    out(f"wrote {path}: PKCS#12 file (mode 0600)")
    out(f"  private key: {key_summary(key)}")
    out(f"  certificate: {describe_name(leaf.subject)}")
    for certificate in chain:
        out(f"  chain: {describe_name(certificate.subject)}")
    for line in describe_pkcs12(data, source=str(path)):
        out(f"  {line}")
