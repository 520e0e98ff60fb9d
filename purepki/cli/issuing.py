"""``csr``, ``selfsigned`` and ``sign``: make keys, requests and
certificates under the appliance's file names (NAME.key, NAME.csr,
NAME.crt in the ``--dir`` folder).

Every command prepares all of its output in memory before it writes a
file, and writes through :class:`purepki.files.OutputFiles`, so a failure
at any step leaves no file behind.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import Optional

from purepki.certificate import Certificate, CertificateBuilder
from purepki.cli.common import (
    EXIT_OK,
    Attributes,
    InputError,
    UsageError,
    check_name,
    folder_of,
    note,
    out,
    parse_attributes,
    progress,
)
from purepki.cli.loading import describe_name, key_summary, read_file
from purepki.csr import (
    CSRBuilder,
    InvalidRequest,
    load_csr,
    parse_san_items,
    with_common_name,
)
from purepki.curves import P256, P384
from purepki.errors import InvalidSignature
from purepki.extensions import (
    AuthorityKeyIdentifier,
    BasicConstraints,
    KeyUsage,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
)
from purepki.files import OutputFiles
from purepki.general_names import GeneralName
from purepki.keys import (
    PrivateKey,
    generate_ec_key,
    generate_rsa_key,
    load_private_key,
)
from purepki.name import InvalidName, Name
from purepki.profiles import (
    DEFAULT_CA_DAYS,
    Purpose,
    SigningError,
    ignored_request_extensions,
    self_signed_ca,
    sign_request,
)
from purepki.x509time import UTC, format_time

RSA_SIZES = (2048, 3072, 4096)
EC_CURVES = {256: P256, 384: P384}
DEFAULT_KEY_TYPE = "rsa"


# --- Keys --------------------------------------------------------------------


def check_key_options(args: argparse.Namespace) -> None:
    """Check ``--key-type`` and ``--bits`` before any work starts.

    Raises:
        UsageError: The size does not fit the key type.
    """
    bits = args.bits
    if bits is None:
        return
    if args.key_type == "rsa" and bits not in RSA_SIZES:
        sizes = ", ".join(str(size) for size in RSA_SIZES)
        raise UsageError(f"--bits {bits} for RSA; use one of {sizes}")
    if args.key_type == "ec" and bits not in EC_CURVES:
        raise UsageError(
            f"--bits {bits} for EC; use 256 (P-256) or 384 (P-384)"
        )


def generate_key(args: argparse.Namespace) -> PrivateKey:
    """Generate the key that ``--key-type`` and ``--bits`` describe,
    showing progress for RSA, whose prime search takes seconds."""
    check_key_options(args)
    if args.key_type == "ec":
        return generate_ec_key(EC_CURVES[args.bits or 256])
    bits = args.bits or 2048
    with progress(f"generating an RSA {bits} key", enabled=True):
        return generate_rsa_key(bits)


def _key_bytes(key: PrivateKey) -> bytes:
    return key.to_pem().encode("ascii")


# --- Names -------------------------------------------------------------------


def _subject(attributes: Attributes) -> Name:
    try:
        return Name.build(list(attributes.subject))
    except InvalidName as error:
        raise UsageError(str(error)) from None


def _alternative_names(attributes: Attributes) -> tuple[GeneralName, ...]:
    """Return the SAN items with the CN appended, as the appliance does."""
    if attributes.san_items is None:
        return ()
    if not attributes.san_items:
        note(
            "subjectAltName list is empty, so the request has no "
            "subjectAltName extension (RFC 5280 4.2.1.6 forbids an empty "
            "one)"
        )
        return ()
    try:
        names = parse_san_items(attributes.san_items)
    except InvalidRequest as error:
        raise UsageError(str(error)) from None
    common_name = attributes.common_name
    try:
        return with_common_name(names, common_name)
    except InvalidRequest:
        note(
            f"CN {common_name!r} is not a DNS name or IP address, so it is "
            "not added to the subjectAltName list"
        )
        return names


def _describe_names(names: tuple[GeneralName, ...]) -> str:
    return ", ".join(str(name) for name in names)


def _check_days(days: Optional[int]) -> None:
    if days is not None and days < 1:
        raise UsageError(f"--days {days}; give at least 1")


def _paths(folder: Path, name: str, *extensions: str) -> tuple[Path, ...]:
    return tuple(folder / f"{name}{extension}" for extension in extensions)


# --- csr ---------------------------------------------------------------------


def run_csr(args: argparse.Namespace) -> int:
    """Generate NAME.key and NAME.csr."""
    name = check_name(args.name)
    attributes = parse_attributes(args.attributes)
    for remark in attributes.notes:
        note(remark)
    if attributes.common_name is None:
        raise UsageError(
            "csr needs CN:NAME, the service's fully qualified domain name, "
            "for example CN:www.example.com"
        )
    subject = _subject(attributes)
    names = _alternative_names(attributes)
    check_key_options(args)
    key_path, csr_path = _paths(folder_of(args), name, ".key", ".csr")
    output = OutputFiles(force=args.force)
    output.check((key_path, csr_path))

    key = generate_key(args)
    builder = CSRBuilder().subject_name(subject)
    builder = builder.subject_alternative_names(names)
    request = builder.sign(key)
    output.add(key_path, _key_bytes(key), private=True)
    output.add(csr_path, request.to_pem().encode("ascii"))
    output.commit()

    out(f"wrote {key_path}: private key, {key_summary(key)} (mode 0600)")
    out(f"wrote {csr_path}: CSR for {describe_name(request.subject)}")
    if names:
        out(f"  subjectAltName: {_describe_names(names)}")
    out(
        f"Next: have a CA sign {csr_path.name}, for example with "
        f"'purepki sign {name} CA_NAME'."
    )
    return EXIT_OK


# --- selfsigned --------------------------------------------------------------


def _self_signed(
    key: PrivateKey,
    subject: Name,
    names: tuple[GeneralName, ...],
    days: int,
    path_length: Optional[int],
) -> Certificate:
    """Make a self-signed certificate that can sign others (cA TRUE,
    keyCertSign). With SAN items it also names a test-lab service."""
    if not names:
        return self_signed_ca(key, subject, days=days, path_length=path_length)
    public = key.public_key()
    start = datetime.datetime.now(UTC).replace(microsecond=0)
    ski = SubjectKeyIdentifier.from_public_key(public)
    usage = KeyUsage(
        frozenset({"key_cert_sign", "crl_sign", "digital_signature"})
    )
    builder = (
        CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .add_extensions(
            [
                (BasicConstraints(ca=True, path_length=path_length), True),
                (usage, True),
                (ski, False),
                (AuthorityKeyIdentifier(key_identifier=ski.digest), False),
                # RFC 5280 section 4.2.1.6: critical when the subject is
                # empty.
                (SubjectAlternativeName(names), subject.is_empty),
            ]
        )
    )
    return builder.sign(key)


def run_selfsigned(args: argparse.Namespace) -> int:
    """Generate NAME.key and a self-signed NAME.crt usable as a CA."""
    name = check_name(args.name)
    attributes = parse_attributes(args.attributes)
    for remark in attributes.notes:
        note(remark)
    if attributes.common_name is None:
        note(f"no CN given; using CN:{name}")
        attributes = Attributes(
            (*attributes.subject, ("CN", name)),
            attributes.san_items,
            attributes.notes,
        )
    subject = _subject(attributes)
    names = _alternative_names(attributes)
    _check_days(args.days)
    if args.path_length is not None and args.path_length < 0:
        raise UsageError(f"--path-length {args.path_length}; give 0 or more")
    check_key_options(args)
    key_path, cert_path = _paths(folder_of(args), name, ".key", ".crt")
    output = OutputFiles(force=args.force)
    output.check((key_path, cert_path))

    key = generate_key(args)
    days = args.days or DEFAULT_CA_DAYS
    certificate = _self_signed(key, subject, names, days, args.path_length)
    output.add(key_path, _key_bytes(key), private=True)
    output.add(cert_path, certificate.to_pem().encode("ascii"))
    output.commit()

    out(f"wrote {key_path}: private key, {key_summary(key)} (mode 0600)")
    out(
        f"wrote {cert_path}: self-signed CA certificate for "
        f"{describe_name(certificate.subject)}, valid until "
        f"{format_time(certificate.not_after)}"
    )
    if names:
        out(f"  subjectAltName: {_describe_names(names)}")
    out(f"Sign requests with it: 'purepki sign NAME {name}'.")
    return EXIT_OK


# --- sign --------------------------------------------------------------------


def _find(folder: Path, name: str, extensions: tuple[str, ...]) -> Path:
    """Return the first existing NAME.ext, or NAME plus the first
    extension (whose absence the caller then reports)."""
    for extension in extensions:
        candidate = folder / f"{name}{extension}"
        if candidate.is_file():
            return candidate
    return folder / f"{name}{extensions[0]}"


def _load_ca(folder: Path, ca_name: str) -> tuple[Certificate, PrivateKey]:
    from purepki.certificate import load_certificates

    cert_path = _find(folder, ca_name, (".crt", ".pem", ".cer", ".der"))
    key_path = _find(folder, ca_name, (".key", ".pem", ".der"))
    certificate = load_certificates(
        read_file(cert_path), source=str(cert_path)
    )[0]
    key = load_private_key(read_file(key_path), source=str(key_path))
    return certificate, key


def run_sign(args: argparse.Namespace) -> int:
    """Sign NAME.csr with CA_NAME.key and CA_NAME.crt into NAME.crt."""
    name = check_name(args.name)
    ca_name = check_name(args.ca_name)
    purpose = Purpose(args.purpose)
    if args.path_length is not None and purpose is not Purpose.CA:
        raise UsageError("--path-length applies only to --purpose ca")
    if args.path_length is not None and args.path_length < 0:
        raise UsageError(f"--path-length {args.path_length}; give 0 or more")
    _check_days(args.days)
    folder = folder_of(args)
    csr_path = folder / f"{name}.csr"
    (cert_path,) = _paths(folder, name, ".crt")
    output = OutputFiles(force=args.force)
    output.check((cert_path,))

    request = load_csr(read_file(csr_path), source=str(csr_path))
    ca_certificate, ca_key = _load_ca(folder, ca_name)
    try:
        certificate = sign_request(
            request,
            ca_certificate,
            ca_key,
            purpose=purpose,
            days=args.days,
            path_length=args.path_length,
        )
    except SigningError as error:
        raise InputError(f"cannot sign with {ca_name}: {error}") from None
    except InvalidSignature:
        raise InputError(
            f"{csr_path}: the CSR's signature does not verify; the request "
            "was altered or damaged, so make a new one"
        ) from None
    output.add(cert_path, certificate.to_pem().encode("ascii"))
    output.commit()
    _print_signed(cert_path, certificate, ca_certificate, purpose)
    if certificate.not_after > ca_certificate.not_after:
        note(
            f"{cert_path.name} is valid until "
            f"{format_time(certificate.not_after)}, after {ca_name} expires "
            f"({format_time(ca_certificate.not_after)}); verification "
            "fails from then on, so give a smaller --days"
        )
    for extension in ignored_request_extensions(request):
        note(
            f"the CSR requests {extension.name} ({extension.oid}), which "
            f"the {purpose.value} profile does not copy"
        )
    return EXIT_OK


_PURPOSE_TEXT = {
    Purpose.SERVER: "TLS server",
    Purpose.CLIENT: "TLS client",
    Purpose.BOTH: "TLS server and client",
    Purpose.CA: "CA",
}


def _print_signed(
    path: Path,
    certificate: Certificate,
    ca_certificate: Certificate,
    purpose: Purpose,
) -> None:
    out(
        f"wrote {path}: {_PURPOSE_TEXT[purpose]} certificate for "
        f"{describe_name(certificate.subject)}"
    )
    out(f"  issuer: {describe_name(certificate.issuer)}")
    out(f"  valid until {format_time(certificate.not_after)}")
    san = certificate.subject_alternative_name
    if san is not None:
        out(f"  subjectAltName: {_describe_names(san.names)}")
    if not ca_certificate.is_self_issued:
        out(
            f"{describe_name(ca_certificate.subject)} is an intermediate "
            "CA: install its bundle with the certificate (see 'purepki "
            "bundle')."
        )
