"""``match KEY CERT``: whether a private key and a certificate (or CSR)
are two halves of one identity, block by block in combined files.

Keys are compared by their numbers (RSA ``n`` and ``e``, an EC curve and
point), so a key written in another format, or a certificate whose curve
is given by explicit parameters, still matches.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from purepki.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    InputError,
    out,
    print_json,
)
from purepki.cli.loading import (
    KEY_TYPES,
    Item,
    describe_name,
    key_identity,
    key_summary,
    load_items,
    public_of,
)
from purepki.files import Kind

_PARTNER_KINDS = (Kind.CERTIFICATE, Kind.TRUSTED_CERTIFICATE, Kind.CSR)


def _private_keys(path: Path, items: list[Item]) -> list[Item]:
    keys = [
        item
        for item in items
        if item.kind is Kind.PRIVATE_KEY and item.value is not None
    ]
    if keys:
        return keys
    for item in items:
        if item.kind in (Kind.PRIVATE_KEY, Kind.ENCRYPTED_PRIVATE_KEY):
            raise InputError(item.status or item.error)
    raise InputError(
        f"{path}: no private key found (the file contains {_kinds(items)}); "
        "give the key file first, then the certificate"
    )


def _partners(path: Path, items: list[Item]) -> list[Item]:
    found = [
        item
        for item in items
        if item.kind in _PARTNER_KINDS and item.value is not None
    ]
    if found:
        return found
    for item in items:
        if item.kind in _PARTNER_KINDS and item.error:
            raise InputError(item.error)
    raise InputError(
        f"{path}: no CERTIFICATE block found (the file contains "
        f"{_kinds(items)})"
    )


def _kinds(items: list[Item]) -> str:
    kinds = sorted({item.kind.value for item in items})
    return ", ".join(kinds) or "nothing"


def _subject(item: Item) -> str:
    subject = getattr(item.value, "subject", None)
    return describe_name(subject) if subject is not None else ""


def _fingerprint(item: Item) -> str:
    public = public_of(item.value)
    return public.fingerprint() if public is not None else "(unsupported key)"


def find_pairs(
    keys: list[Item], partners: list[Item]
) -> list[tuple[Item, Item]]:
    """Return every (key, certificate or CSR) pair with the same key."""
    pairs = []
    for key in keys:
        public = public_of(key.value)
        if public is None:
            continue
        identity = key_identity(public)
        for partner in partners:
            other = public_of(partner.value)
            if other is not None and key_identity(other) == identity:
                pairs.append((key, partner))
    return pairs


def run_match(args: argparse.Namespace) -> int:
    """Tell whether the key of KEY matches the certificate of CERT."""
    key_path, cert_path = Path(args.key), Path(args.cert)
    keys = _private_keys(key_path, load_items(key_path))
    partners = _partners(cert_path, load_items(cert_path))
    pairs = find_pairs(keys, partners)
    if args.json:
        print_json(_json(keys, partners, pairs))
    elif pairs:
        _print_pairs(pairs, partners)
    else:
        _print_mismatch(keys, partners)
    return EXIT_OK if pairs else EXIT_CHECK_FAILED


def _print_pairs(pairs: list[tuple[Item, Item]], partners: list[Item]) -> None:
    for key, partner in pairs:
        out(
            f"MATCH: private key {key.short_name} and {partner.kind.value} "
            f"{partner.short_name} ({_subject(partner)}) are two halves of "
            "one identity"
        )
        out(f"  public key SHA-256: {_fingerprint(key)}")
    paired = {id(partner) for _, partner in pairs}
    rest = [partner for partner in partners if id(partner) not in paired]
    if rest:
        out("Not matched by the key (issuer certificates, most likely):")
        for partner in rest:
            out(f"  {partner.short_name}: {_subject(partner)}")


def _print_mismatch(keys: list[Item], partners: list[Item]) -> None:
    noun = "certificate" if len(partners) == 1 else "certificates"
    out(f"MISMATCH: the {noun} and key do not match")
    for key in keys:
        value = key.value
        summary = key_summary(value) if isinstance(value, KEY_TYPES) else ""
        out(
            f"  private key {key.short_name} ({summary}): public key "
            f"SHA-256 {_fingerprint(key)}"
        )
    for partner in partners:
        out(
            f"  {partner.kind.value} {partner.short_name} "
            f"({_subject(partner)}): public key SHA-256 "
            f"{_fingerprint(partner)}"
        )


def _json(
    keys: list[Item], partners: list[Item], pairs: list[tuple[Item, Item]]
) -> dict[str, Any]:
    def describe(item: Item) -> dict[str, Any]:
        return {
            "where": item.where,
            "kind": item.kind.value,
            "subject": _subject(item),
            "public_key_sha256": _fingerprint(item),
        }

    return {
        "match": bool(pairs),
        "pairs": [
            {"key": describe(key), "match": describe(partner)}
            for key, partner in pairs
        ],
        "keys": [describe(key) for key in keys],
        "certificates": [describe(partner) for partner in partners],
    }
