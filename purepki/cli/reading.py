"""``inspect``, ``list`` and the bare ``purepki`` command: what PKI files
hold, with expired and soon-expiring certificates impossible to miss.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from purepki import text
from purepki.certificate import Certificate
from purepki.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    count_of,
    note,
    now_or,
    out,
    parse_moment,
    print_json,
)
from purepki.cli.loading import (
    KEY_TYPES,
    OPENSSH,
    Item,
    RevocationList,
    SignedDataBundle,
    describe_name,
    key_identity,
    key_summary,
    load_items,
    public_of,
)
from purepki.csr import CertificateSigningRequest
from purepki.errors import PurePKIError
from purepki.files import Kind
from purepki.keys import is_private_key
from purepki.x509time import format_time

#: File name extensions of PKI files, reported when they cannot be read;
#: other files that are neither PEM nor DER are left out of ``list``.
PKI_EXTENSIONS = frozenset(
    {
        ".pem",
        ".der",
        ".cer",
        ".crt",
        ".key",
        ".csr",
        ".req",
        ".crl",
        ".p7b",
        ".p7c",
        ".p12",
        ".pfx",
        ".pub",
    }
)


# --- Expiry ------------------------------------------------------------------


def expiry(
    certificate: Certificate, now: datetime.datetime
) -> tuple[str, str]:
    """Return the state and phrase of :func:`purepki.text.expiry_status`."""
    return text.expiry_status(
        certificate.not_before, certificate.not_after, now
    )


def banner(certificate: Certificate, now: datetime.datetime) -> str:
    """Return a line that shouts an expiry problem, or an empty string."""
    state, phrase = expiry(certificate, now)
    if state == "valid":
        return ""
    subject = describe_name(certificate.subject)
    if state == "not yet valid":
        start = format_time(certificate.not_before)
        return f"*** {phrase}: {subject} (from {start}) ***"
    end = format_time(certificate.not_after)
    return f"*** {phrase}: {subject} (Not After: {end}) ***"


# --- inspect -----------------------------------------------------------------


def run_inspect(args: argparse.Namespace) -> int:
    """Show every element of each file given."""
    now = now_or(parse_moment(args.at))
    failed = False
    reports: list[dict[str, Any]] = []
    for name in args.files:
        path = Path(name)
        try:
            items = load_items(path)
        except (PurePKIError, OSError) as error:
            note(f"purepki inspect: error: {_error_text(path, error)}")
            reports.append({"file": str(path), "error": str(error)})
            failed = True
            continue
        failed |= any(item.error for item in items)
        if args.json:
            reports.append(_file_json(path, items, now))
        else:
            _print_file(path, items, now)
    if args.json:
        print_json(reports)
    return EXIT_INPUT if failed else EXIT_OK


def _error_text(path: Path, error: Exception) -> str:
    if isinstance(error, OSError):
        return f"{path}: {error.strerror or error}"
    message = str(error)
    return message if str(path) in message else f"{path}: {message}"


def _print_file(path: Path, items: list[Item], now: datetime.datetime) -> None:
    encoding = items[0].element.encoding
    count = len(items)
    plural = "element" if count == 1 else "elements"
    out(f"=== {path}: {count} {plural} ({encoding})")
    for item in items:
        out(f"--- {item.element.where}: {_kind_text(item)}")
        _print_item(item, items, now)
    _print_summary(items, now)
    out()


def _kind_text(item: Item) -> str:
    if item.error:
        return f"{item.kind.value}, INVALID"
    value = item.value
    if isinstance(value, Certificate):
        return "certificate (CA)" if value.is_ca else "certificate"
    if isinstance(value, KEY_TYPES):
        return f"{item.kind.value}, {key_summary(value)}, {_structure(item)}"
    if item.ssh is not None:
        return f"{item.kind.value}, {item.ssh.key_type}, {OPENSSH}"
    return item.kind.value


def _structure(item: Item) -> str:
    return item.element.structure or item.element.label or "DER"


def _print_item(item: Item, items: list[Item], now: datetime.datetime) -> None:
    if item.error:
        out(f"    INVALID: {item.error}")
        note(f"purepki inspect: error: {item.where}: {item.error}")
        return
    if item.status:
        out(f"    {item.status}")
        for line in _encryption_lines(item):
            out(f"    {line}")
        return
    value = item.value
    if isinstance(value, Certificate):
        _print_certificate(value, now)
    elif isinstance(value, CertificateSigningRequest):
        _print_request(value)
    elif isinstance(value, RevocationList):
        _print_crl(value, now)
    elif isinstance(value, SignedDataBundle):
        _print_signed_data(value, now)
    elif value is not None:
        _print_key(item, items)


def _encryption_lines(item: Item) -> list[str]:
    """Return the protection of an encrypted key or a PKCS#12 file, one
    labelled line each."""
    if item.kind is Kind.PKCS12:
        return list(item.encryption)
    return [f"Encryption: {scheme}" for scheme in item.encryption]


def _print_certificate(
    certificate: Certificate, now: datetime.datetime
) -> None:
    shout = banner(certificate, now)
    if shout:
        out(shout)
    out(text.certificate_text(certificate, now).rstrip("\n"))
    if shout:
        out(shout)


def _print_request(request: CertificateSigningRequest) -> None:
    out(text.csr_text(request).rstrip("\n"))
    try:
        request.verify_signature()
    except PurePKIError as error:
        out(f"    Self-signature: INVALID ({error})")
    else:
        out("    Self-signature: valid")


def _print_crl(crl: RevocationList, now: datetime.datetime) -> None:
    out(f"    Issuer      : {describe_name(crl.issuer)}")
    out(f"    This Update : {format_time(crl.this_update)}")
    if crl.next_update is None:
        out("    Next Update : (none)")
    else:
        stale = " (OUT OF DATE)" if crl.next_update < now else ""
        out(f"    Next Update : {format_time(crl.next_update)}{stale}")
    if crl.crl_number is not None:
        out(f"    CRL Number  : {crl.crl_number}")
    if crl.authority_key_id:
        out(f"    Authority Key Identifier: {crl.authority_key_id}")
    out(f"    Revoked     : {count_of(crl.revoked, 'certificate')}")
    for entry in crl.entries:
        reason = f", {entry.reason}" if entry.reason else ""
        out(f"        {entry.serial}  {format_time(entry.date)}{reason}")
    out(f"    Signature   : {crl.signature_algorithm} (not checked)")
    if crl.strict_error:
        out(f"    Not usable for revocation checks: {crl.strict_error}")


def _print_signed_data(
    bundle: SignedDataBundle, now: datetime.datetime
) -> None:
    count = len(bundle.certificates)
    out(f"    PKCS#7 signedData holding {count_of(count, 'certificate')}")
    for number, certificate in enumerate(bundle.certificates, start=1):
        out(f"--- certificate {number} of {count} in the PKCS#7 structure")
        _print_certificate(certificate, now)


def _print_key(item: Item, items: list[Item]) -> None:
    public = public_of(item.value)
    if public is None:
        return
    if item.ssh is not None:
        out(f"    OpenSSH type      : {item.ssh.key_type}")
        out(f"    SSH fingerprint   : {item.ssh.fingerprint}")
        out(f"    Comment           : {item.ssh.comment or '(none)'}")
    out(f"    Public key SHA-256: {public.fingerprint()}")
    if item.kind is Kind.PRIVATE_KEY:
        for other in items:
            if other is item:
                continue
            other_key = public_of(other.value)
            if other_key is None or other.kind is Kind.PRIVATE_KEY:
                continue
            if key_identity(other_key) == key_identity(public):
                out(
                    f"    Matches the {other.kind.value} in "
                    f"{other.element.where}"
                )


def _print_summary(items: list[Item], now: datetime.datetime) -> None:
    problems = []
    for item in items:
        if isinstance(item.value, Certificate):
            state, phrase = expiry(item.value, now)
            if state != "valid":
                subject = describe_name(item.value.subject)
                problems.append(f"{item.element.where}: {subject}: {phrase}")
    for problem in problems:
        out(f"!!! {problem}")


# --- JSON --------------------------------------------------------------------


def _file_json(
    path: Path, items: list[Item], now: datetime.datetime
) -> dict[str, Any]:
    return {
        "file": str(path),
        "elements": [_item_json(item, now) for item in items],
    }


def _item_json(item: Item, now: datetime.datetime) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "where": item.element.where,
        "encoding": item.element.encoding,
        "kind": item.kind.value,
    }
    if item.error:
        facts["error"] = item.error
        return facts
    if item.status:
        facts["status"] = item.status
    if item.encryption:
        facts["encryption"] = list(item.encryption)
    value = item.value
    if isinstance(value, Certificate):
        facts.update(text.certificate_json(value, now))
    elif isinstance(value, CertificateSigningRequest):
        facts.update(text.csr_json(value))
    elif isinstance(value, RevocationList):
        facts.update(
            issuer=value.issuer.rfc4514(),
            this_update=value.this_update.isoformat(),
            next_update=value.next_update.isoformat()
            if value.next_update
            else None,
            revoked=value.revoked,
            crl_number=value.crl_number,
            authority_key_id=value.authority_key_id or None,
            revoked_certificates=[
                {
                    "serial": entry.serial,
                    "revocation_date": entry.date.isoformat(),
                    "reason": entry.reason or None,
                }
                for entry in value.entries
            ],
            strict_error=value.strict_error or None,
        )
    elif isinstance(value, SignedDataBundle):
        facts["certificates"] = [
            text.certificate_json(certificate, now)
            for certificate in value.certificates
        ]
    elif isinstance(value, KEY_TYPES):
        public = public_of(value)
        facts["structure"] = _structure(item)
        facts["key"] = key_summary(value)
        if public is not None:
            facts["public_key_sha256"] = public.fingerprint()
    if item.ssh is not None:
        facts["ssh_key_type"] = item.ssh.key_type
        facts["ssh_comment"] = item.ssh.comment
        if item.ssh.fingerprint:
            facts["ssh_fingerprint"] = item.ssh.fingerprint
    return facts


# --- list and the bare command -----------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    """List the PKI files of a folder and which key matches which
    certificate."""
    folder = Path(args.folder or args.dir or ".")
    now = now_or(parse_moment(getattr(args, "at", None)))
    return list_folder(folder, now, as_json=bool(getattr(args, "json", False)))


def list_folder(
    folder: Path, now: datetime.datetime, *, as_json: bool = False
) -> int:
    """Print what :func:`run_list` prints for ``folder``.

    Raises:
        UsageError: ``folder`` is a file.
        InputError: ``folder`` does not exist.
    """
    from purepki.cli.common import InputError, UsageError

    if folder.exists() and not folder.is_dir():
        raise UsageError(
            f"{folder} is a file, not a folder; list shows the files of a "
            f"folder, and 'purepki inspect {folder}' shows what a file "
            "contains"
        )
    if not folder.is_dir():
        raise InputError(f"folder {folder} not found")
    found, unreadable, others = _scan_folder(folder)
    if as_json:
        print_json(_folder_json(found, unreadable, now))
        return EXIT_INPUT if unreadable else EXIT_OK
    if not found and not unreadable:
        out(f"no PKI files in {folder}")
    for path, items in found:
        _print_listing(path, items, now)
    for path, message in unreadable:
        out(f"{path.name:<24} UNREADABLE: {message}")
        note(f"purepki list: error: {message}")
    _print_matches(found)
    _print_expiry_summary(found, now)
    if others:
        if others == 1:
            out("(1 other file is not a PKI file and is not shown)")
        else:
            out(f"({others} other files are not PKI files and are not shown)")
    return EXIT_INPUT if unreadable else EXIT_OK


def _scan_folder(
    folder: Path,
) -> tuple[list[tuple[Path, list[Item]]], list[tuple[Path, str]], int]:
    found: list[tuple[Path, list[Item]]] = []
    unreadable: list[tuple[Path, str]] = []
    others = 0
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            items = load_items(path)
        except (PurePKIError, OSError) as error:
            if path.suffix.lower() in PKI_EXTENSIONS:
                unreadable.append((path, _error_text(path, error)))
            else:
                others += 1
            continue
        found.append((path, items))
    return found, unreadable, others


def _print_listing(
    path: Path, items: list[Item], now: datetime.datetime
) -> None:
    if len(items) == 1:
        out(f"{path.name:<24} {_listing_line(items[0], now)}")
        return
    out(f"{path.name:<24} {len(items)} elements:")
    for item in items:
        where = item.element.where.split(" (")[0]
        out(f"  {where:<22} {_listing_line(item, now)}")


def _crl_status(crl: RevocationList, now: datetime.datetime) -> str:
    """Return the ``[...]`` status of a CRL in a listing: when its
    nextUpdate passes, or that it is out of date."""
    count = count_of(crl.revoked, "revoked certificate")
    if crl.next_update is None:
        return f"[{count}, no nextUpdate]"
    until = crl.next_update.strftime("%Y-%m-%d")
    if crl.next_update < now:
        return f"[{count}, OUT OF DATE since {until}]"
    return f"[{count}, next update by {until}]"


def _listing_line(item: Item, now: datetime.datetime) -> str:
    kind = _kind_text(item)
    value = item.value
    if item.error:
        return f"{kind}: {item.error}"
    if isinstance(value, Certificate):
        _, phrase = expiry(value, now)
        until = value.not_after.strftime("%Y-%m-%d")
        return (
            f"{kind:<26} {describe_name(value.subject)}  "
            f"[until {until}: {phrase}]"
        )
    if isinstance(value, CertificateSigningRequest):
        return f"{kind:<26} {describe_name(value.subject)}"
    if isinstance(value, RevocationList):
        return f"{kind:<26} issuer {describe_name(value.issuer)}  " + (
            _crl_status(value, now)
        )
    if isinstance(value, SignedDataBundle):
        subjects = ", ".join(
            describe_name(certificate.subject)
            for certificate in value.certificates
        )
        count = count_of(len(value.certificates), "certificate")
        return f"PKCS#7 with {count}: {subjects}"
    if item.ssh is not None:
        return _ssh_listing(kind, item)
    if item.encryption:
        return f"{kind}: {'; '.join(item.encryption)}"
    if item.status:
        return f"{kind}: {item.status}"
    return kind


def _ssh_listing(kind: str, item: Item) -> str:
    assert item.ssh is not None
    if not item.ssh.fingerprint:
        return f"{kind}: key type not read by purepki"
    comment = f" {item.ssh.comment}" if item.ssh.comment else ""
    return f"{kind:<26} {item.ssh.fingerprint}{comment}"


#: The kinds that list matches to the private keys of the folder.
_MATCHED_KINDS = (
    Kind.CERTIFICATE,
    Kind.CSR,
    Kind.TRUSTED_CERTIFICATE,
    Kind.PUBLIC_KEY,
)


def _print_matches(found: Sequence[tuple[Path, list[Item]]]) -> None:
    keys = [
        item
        for _, items in found
        for item in items
        if item.kind is Kind.PRIVATE_KEY and is_private_key(item.value)
    ]
    if not keys:
        return
    others = [
        item
        for _, items in found
        for item in items
        if item.kind in _MATCHED_KINDS
    ]
    out()
    out("Keys and the certificates, CSRs and public keys they match:")
    for key in keys:
        public = public_of(key.value)
        assert public is not None
        identity = key_identity(public)
        partners = [
            other
            for other in others
            if (other_key := public_of(other.value)) is not None
            and key_identity(other_key) == identity
        ]
        if not partners:
            out(
                f"  {key.short_name}: matches no certificate, CSR or public "
                "key here"
            )
            continue
        for partner in partners:
            out(
                f"  {key.short_name} matches {partner.kind.value} "
                f"{partner.short_name}{_partner_detail(partner)}"
            )


def _partner_detail(partner: Item) -> str:
    """Return the subject of a certificate or CSR in brackets, or the
    comment of an OpenSSH public key; empty when there is neither."""
    subject = getattr(partner.value, "subject", None)
    if subject is not None:
        return f" ({describe_name(subject)})"
    if partner.ssh is not None and partner.ssh.comment:
        return f" ({partner.ssh.comment})"
    return ""


def _print_expiry_summary(
    found: Sequence[tuple[Path, list[Item]]], now: datetime.datetime
) -> None:
    lines = []
    for _, items in found:
        for item in items:
            if not isinstance(item.value, Certificate):
                continue
            state, phrase = expiry(item.value, now)
            if state != "valid":
                subject = describe_name(item.value.subject)
                lines.append(f"!!! {item.short_name}: {subject}: {phrase}")
    if lines:
        out()
        for line in lines:
            out(line)


def _folder_json(
    found: Sequence[tuple[Path, list[Item]]],
    unreadable: Sequence[tuple[Path, str]],
    now: datetime.datetime,
) -> dict[str, Any]:
    files = [_file_json(path, items, now) for path, items in found]
    files.extend(
        {"file": str(path), "error": message} for path, message in unreadable
    )
    matches = []
    items = [item for _, group in found for item in group]
    for key in items:
        if key.kind is not Kind.PRIVATE_KEY or not is_private_key(key.value):
            continue
        public = public_of(key.value)
        assert public is not None
        for other in items:
            other_key = public_of(other.value)
            if other is key or other_key is None:
                continue
            if other.kind is Kind.PRIVATE_KEY:
                continue
            if key_identity(other_key) == key_identity(public):
                matches.append({"key": key.where, "match": other.where})
    return {"files": files, "matches": matches}


def run_overview(args: argparse.Namespace) -> int:
    """List the PKI files of the current folder, as the appliance's bare
    ``pki`` command does."""
    folder = Path(getattr(args, "dir", None) or ".")
    code = list_folder(folder, now_or(None))
    out()
    out("Run 'purepki --help' for the commands.")
    return code
