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
import unicodedata
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
from purepki.cli.loading import (
    describe_name,
    key_summary,
    load_certificate_list,
    read_file,
)
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
    ValidityError,
    default_days,
    ignored_request_extensions,
    max_validity_days,
    self_signed_ca,
    sign_request,
    validity_period,
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


def _is_control(character: str) -> bool:
    """Tell whether a character is a C0 or C1 control or DEL (Unicode
    category Cc), or a line or paragraph separator (Zl, Zp)."""
    return unicodedata.category(character) in ("Cc", "Zl", "Zp")


def _code_points(characters: str) -> str:
    return ", ".join(f"U+{ord(ch):04X}" for ch in characters)


def check_attribute_value(attribute: str, value: str) -> None:
    """Reject an attribute value that is valid DER but unusual enough to
    be a typing or quoting mistake.

    :meth:`purepki.name.Name.build` checks the rest: empty values, the
    RFC 5280 appendix A upper bounds (CN, O and OU 64 characters, L and
    ST 128, emailAddress 255), PrintableString and IA5String characters.

    Raises:
        UsageError: The value contains a control character, starts or
            ends with white space, or is a ``C`` that is not an ISO
            3166-1 alpha-2 code in upper case.
    """
    rejected = "".join(dict.fromkeys(ch for ch in value if _is_control(ch)))
    if rejected:
        raise UsageError(
            f"{attribute} value {value!r} contains the control character "
            f"{_code_points(rejected)}; remove it (certificate viewers "
            "hide or act on control characters, so the name shown would "
            "differ from the name in the certificate)"
        )
    if value != value.strip():
        raise UsageError(
            f"{attribute} value {value!r} starts or ends with white space; "
            f'write {attribute}:"{value.strip()}" (RFC 4518 name comparison '
            "ignores such spaces, so they only make names look different)"
        )
    if attribute == "C":
        _check_country(value)


def _check_country(value: str) -> None:
    """Check a countryName value: a PrintableString of exactly two
    characters, an ISO 3166-1 alpha-2 code (RFC 5280 appendix A,
    X520countryName), which ISO 3166-1 writes in upper case."""
    is_letters = value.isascii() and value.isalpha()
    if len(value) == 2 and is_letters and not value.isupper():
        raise UsageError(
            f"C value {value!r} is not upper case; country codes are "
            f"upper-case ISO 3166-1 alpha-2 codes, so write C:{value.upper()}"
        )
    if len(value) != 2 or not is_letters:
        alpha_3 = (
            ", not an alpha-3 code such as USA"
            if len(value) == 3 and is_letters
            else ""
        )
        raise UsageError(
            f"C value {value!r} is not a two-letter country code: "
            "countryName is a PrintableString of exactly two characters, "
            f"the ISO 3166-1 alpha-2 code (RFC 5280 appendix A){alpha_3}; "
            "use a code such as GB, US or DE"
        )
    if value == "UK":
        note(
            "warning: C value 'UK' is reserved in ISO 3166-1, not assigned; "
            "the code of the United Kingdom is GB, and public CAs require "
            "an assigned code"
        )


def _subject(attributes: Attributes) -> Name:
    for attribute, value in attributes.subject:
        check_attribute_value(attribute, value)
    try:
        return Name.build(list(attributes.subject))
    except InvalidName as error:
        raise UsageError(str(error)) from None


def _is_host_name(common_name: str) -> bool:
    try:
        parse_san_items([common_name])
    except InvalidRequest:
        return False
    return True


def _alternative_names(
    attributes: Attributes, *, for_service: bool = True
) -> tuple[GeneralName, ...]:
    """Return the SAN items with the CN appended, as the appliance does.

    For a service certificate (``for_service``), warn about a CN that no
    TLS client can match. A CA's CN names the CA and is never matched to
    a host name, so ``selfsigned`` passes ``for_service=False``.
    """
    common_name = attributes.common_name
    if attributes.san_items is None:
        unmatched = common_name is not None and not _is_host_name(common_name)
        if for_service and unmatched:
            # The appliance matches the CN when there is no SAN, so a
            # CN that is not a host name never matches.
            note(
                f"note: CN {common_name!r} is not a DNS name or IP address. "
                "That is right for a CA, but TLS clients cannot match it to "
                "a server's host name: for a TLS server, give the host name "
                "as CN or add subjectAltName:HOST"
            )
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
    try:
        return with_common_name(names, common_name)
    except InvalidRequest:
        if not for_service:
            return names
        note(
            f"warning: CN {common_name!r} was not copied into "
            "subjectAltName, because it is not a DNS name or IP address. "
            "TLS clients match host names only against subjectAltName when "
            "it is present (RFC 6125 section 6.4.4), so no client matches "
            "this CN; give the service's host name as CN if it should match"
        )
        return names


def _describe_names(names: tuple[GeneralName, ...]) -> str:
    return ", ".join(str(name) for name in names)


def _check_days(days: Optional[int]) -> None:
    """Check ``--days`` against a validity that starts now.

    Raises:
        UsageError: ``days`` is below 1, or notAfter would pass
            9999-12-31T23:59:59Z.
    """
    if days is None:
        return
    if days < 1:
        raise UsageError(f"--days {days}; give a whole number of at least 1")
    start = datetime.datetime.now(UTC).replace(microsecond=0)
    max_days = max_validity_days(start)
    if days > max_days:
        raise _days_too_large(days, max_days)


def _days_too_large(days: object, max_days: int) -> UsageError:
    return UsageError(
        f"--days {days} is too large: the certificate would be valid "
        "after 9999-12-31T23:59:59Z, the latest notAfter (RFC 5280 "
        f"section 4.1.2.5); the largest value allowed today is {max_days}"
    )


def _usage_error(error: ValidityError) -> UsageError:
    """Reword the library's error about a validity period in terms of
    ``--days``."""
    if error.max_days < 1:
        return UsageError(
            f"--days {error.days}; give a whole number of at least 1"
        )
    return _days_too_large(error.days, error.max_days)


#: The largest --path-length accepted, the largest signed 64-bit
#: integer. pathLenConstraint counts the CAs allowed below a CA, so any
#: value above the depth of real chains limits nothing.
#: NOTE: RFC 5280 sets no upper bound, and this one is a choice that
#: keeps the value within the 64-bit integers that parsers use.
MAX_PATH_LENGTH = 2**63 - 1


def _check_path_length(path_length: Optional[int]) -> None:
    if path_length is None:
        return
    if path_length < 0:
        raise UsageError(
            f"--path-length {path_length}; give a whole number of 0 or more"
        )
    if path_length > MAX_PATH_LENGTH:
        raise UsageError(
            f"--path-length {path_length} is too large; the largest value "
            f"allowed is {MAX_PATH_LENGTH} (2^63 - 1), and any value above "
            "the depth of real chains limits nothing"
        )


def _paths(folder: Path, name: str, *extensions: str) -> tuple[Path, ...]:
    return tuple(folder / f"{name}{extension}" for extension in extensions)


# --- Files left from an earlier key -----------------------------------------

# csr and selfsigned make a new NAME.key, and the other NAME files made
# from the previous key stay as they are, because these commands delete
# no file that the user did not name. These functions warn about each.


def _warn_old_certificate(folder: Path, name: str) -> None:
    certificate = folder / f"{name}.crt"
    if certificate.is_file():
        note(
            f"warning: {certificate} is from before this run and does not "
            f"match the new {name}.key; sign the new {name}.csr to replace "
            f"it, for example with 'purepki sign {name} CA_NAME --force'"
        )
    _warn_old_pkcs12(folder, name, "after signing, rebuild")


def _warn_old_request(folder: Path, name: str) -> None:
    request = folder / f"{name}.csr"
    if request.is_file():
        note(
            f"warning: {request} is from before this run and contains "
            f"another public key than the new {name}.key; make a new CSR "
            f"with 'purepki csr {name} CN:... --force' if {name} needs one"
        )
    _warn_old_pkcs12(folder, name, "rebuild")


def _warn_old_pkcs12(folder: Path, name: str, rebuild: str) -> None:
    pkcs12 = folder / f"{name}.p12"
    if pkcs12.is_file():
        note(
            f"warning: {pkcs12} contains an earlier key, not the new "
            f"{name}.key; {rebuild} it with 'purepki pkcs12 {name} --force'"
        )


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
    _warn_old_certificate(key_path.parent, name)
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
    start, end = validity_period(days)
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
        .not_valid_after(end)
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
    names = _alternative_names(attributes, for_service=False)
    _check_days(args.days)
    _check_path_length(args.path_length)
    check_key_options(args)
    key_path, cert_path = _paths(folder_of(args), name, ".key", ".crt")
    output = OutputFiles(force=args.force)
    output.check((key_path, cert_path))

    key = generate_key(args)
    days = args.days or DEFAULT_CA_DAYS
    try:
        certificate = _self_signed(key, subject, names, days, args.path_length)
    except ValidityError as error:
        raise _usage_error(error) from None
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
    _warn_old_request(key_path.parent, name)
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
    cert_path = _find(folder, ca_name, (".crt", ".pem", ".cer", ".der"))
    key_path = _find(folder, ca_name, (".key", ".pem", ".der"))
    certificate = load_certificate_list(cert_path)[0]
    key = load_private_key(read_file(key_path), source=str(key_path))
    return certificate, key


def _capped_not_after(
    days: Optional[int], purpose: Purpose, ca_certificate: Certificate
) -> Optional[datetime.datetime]:
    """Return the CA certificate's notAfter when the default validity
    (no ``--days``) would outlive it, else ``None``.

    A certificate valid after its issuer expires fails verification from
    then on. An expired CA is not capped, since notAfter would then come
    before notBefore; the warning after signing reports it.
    """
    if days is not None:
        return None
    start = datetime.datetime.now(UTC).replace(microsecond=0)
    end = start + datetime.timedelta(days=default_days(purpose))
    ca_end = ca_certificate.not_after
    if start < ca_end < end:
        return ca_end
    return None


def run_sign(args: argparse.Namespace) -> int:
    """Sign NAME.csr with CA_NAME.key and CA_NAME.crt into NAME.crt."""
    name = check_name(args.name)
    ca_name = check_name(args.ca_name)
    purpose = Purpose(args.purpose)
    if args.path_length is not None and purpose is not Purpose.CA:
        raise UsageError("--path-length applies only to --purpose ca")
    _check_path_length(args.path_length)
    _check_days(args.days)
    folder = folder_of(args)
    csr_path = folder / f"{name}.csr"
    (cert_path,) = _paths(folder, name, ".crt")
    output = OutputFiles(force=args.force)
    output.check((cert_path,))

    request = load_csr(read_file(csr_path), source=str(csr_path))
    ca_certificate, ca_key = _load_ca(folder, ca_name)
    not_after = _capped_not_after(args.days, purpose, ca_certificate)
    try:
        certificate = sign_request(
            request,
            ca_certificate,
            ca_key,
            purpose=purpose,
            days=None if not_after else args.days,
            not_after=not_after,
            path_length=args.path_length,
        )
    except ValidityError as error:
        raise _usage_error(error) from None
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
    if not_after is not None:
        out(
            f"  notAfter capped at {ca_name}'s notAfter, because the "
            f"default of {default_days(purpose)} days would outlive it; "
            "give --days to choose the validity"
        )
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
