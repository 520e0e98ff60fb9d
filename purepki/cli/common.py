"""Pieces every ``purepki`` subcommand shares: exit codes, errors, output,
and the parsing of names, attributes and times given on the command line.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

from purepki.errors import PurePKIError
from purepki.x509time import UTC

#: Exit codes, as ``purepki --help`` documents them.
EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_INPUT = 3

EXIT_CODES_HELP = """\
exit codes:
  0  success
  1  the check failed (key and certificate do not match, a wrong
     password, verification or a usage rule failed)
  2  usage error (bad option, name or attribute; an output file exists)
  3  input error (a missing, unreadable or invalid file)"""


class UsageError(PurePKIError, ValueError):
    """A command line that cannot be run as given (exit code 2)."""


class InputError(PurePKIError, ValueError):
    """A file that is missing, unreadable or invalid (exit code 3)."""


# --- Output ------------------------------------------------------------------


def out(text: str = "") -> None:
    """Print a result line on standard output."""
    print(text, file=sys.stdout)


def note(text: str) -> None:
    """Print a diagnostic line on standard error."""
    print(text, file=sys.stderr)


def count_of(number: int, noun: str, plural: str = "") -> str:
    """Format a count with its noun in the singular or plural:
    ``1 certificate``, ``2 certificates``; ``plural`` defaults to the
    noun with ``s`` added."""
    if number == 1:
        return f"{number} {noun}"
    return f"{number} {plural or noun + 's'}"


def print_json(value: Any) -> None:
    """Print JSON on standard output, indented and key-sorted."""
    import json

    out(json.dumps(value, indent=2, sort_keys=True, default=str))


@contextmanager
def progress(message: str, enabled: bool) -> Iterator[None]:
    """Show ``message`` and the seconds elapsed on standard error while
    the block runs, when ``enabled`` and standard error is a terminal."""
    stream = sys.stderr
    if not enabled or not stream.isatty():
        yield
        return
    done = threading.Event()
    start = time.monotonic()

    def tick() -> None:
        while not done.wait(0.5):
            elapsed = time.monotonic() - start
            stream.write(f"\r{message} ... {elapsed:4.0f} s")
            stream.flush()

    thread = threading.Thread(target=tick, daemon=True)
    stream.write(f"{message} ...")
    stream.flush()
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        elapsed = time.monotonic() - start
        stream.write(f"\r{message} ... done in {elapsed:.1f} s\n")
        stream.flush()


# --- Names and folders -------------------------------------------------------

_NAME = re.compile(r"[A-Za-z0-9-]+")


def check_name(name: str) -> str:
    """Check a NAME argument: letters, digits and ``-`` only.

    The appliance rejects ``.`` (a dot may appear only before the
    extension) and ``_``; separators and spaces would escape the folder or
    break scripts.

    Raises:
        UsageError: The name contains another character.
    """
    if not name:
        raise UsageError("NAME is empty; use letters, digits and '-'")
    if _NAME.fullmatch(name) and not name.startswith("-"):
        return name
    reasons = []
    if "." in name:
        reasons.append(
            "'.' is not allowed (give NAME without an extension; purepki "
            "adds .key, .csr and .crt)"
        )
    if "_" in name:
        reasons.append("'_' is not allowed (the appliance rejects it)")
    if "/" in name or "\\" in name:
        reasons.append(
            "path separators are not allowed (use --dir to choose the folder)"
        )
    if any(character.isspace() for character in name):
        reasons.append("spaces are not allowed")
    if name.startswith("-"):
        reasons.append("NAME may not start with '-'")
    if not reasons:
        bad = sorted({ch for ch in name if not _NAME.fullmatch(ch)})
        reasons.append(f"{', '.join(repr(ch) for ch in bad)} not allowed")
    raise UsageError(
        f"invalid NAME {name!r}: {'; '.join(reasons)}; use letters, "
        "digits and '-' only"
    )


def folder_of(args: argparse.Namespace) -> Path:
    """Return the ``--dir`` folder, checked to exist.

    Raises:
        InputError: The folder does not exist.
    """
    folder = Path(getattr(args, "dir", None) or ".")
    if not folder.is_dir():
        raise InputError(f"folder {folder} not found; create it first")
    return folder


# --- Times -------------------------------------------------------------------


def parse_moment(text: Optional[str]) -> Optional[datetime.datetime]:
    """Parse an ``--at`` value: an ISO 8601 date and time with a time
    zone, such as ``2026-06-01T00:00:00Z`` or ``2026-06-01T02:00:00+02:00``.

    A date alone or a time without a zone is rejected rather than read
    as UTC, because the user may have meant local time.

    Raises:
        UsageError: The text is not such a time.
    """
    if text is None:
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    example = "2026-06-01T00:00:00Z"
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--at {text!r} is not an ISO 8601 time; write it as {example}"
        ) from None
    # Python 3.11 reads a date alone as midnight, and drops the zone of
    # a date with an offset but no time, such as 2026-06-01+00:00.
    if "T" not in value.upper() and " " not in value:
        raise UsageError(
            f"--at {text!r} is a date without a time and time zone; give "
            f"both, such as {example} (midnight UTC)"
        )
    if moment.tzinfo is None:
        raise UsageError(
            f"--at {text!r} has no time zone; add Z for UTC or an offset "
            f"such as +02:00, as in {example}"
        )
    return moment.astimezone(UTC)


def now_or(moment: Optional[datetime.datetime]) -> datetime.datetime:
    """Return ``moment``, or the current time when it is ``None``."""
    return moment or datetime.datetime.now(UTC).replace(microsecond=0)


# --- Attributes --------------------------------------------------------------

#: The attributes of ``csr`` and ``selfsigned``, in the order their RDNs
#: are written (most significant first, as ``openssl req -subj`` writes
#: them).
SUBJECT_ATTRIBUTES = ("C", "ST", "L", "O", "OU", "CN", "emailAddress")
SAN_ATTRIBUTE = "subjectAltName"
ACCEPTED_ATTRIBUTES = (*SUBJECT_ATTRIBUTES, SAN_ATTRIBUTE)
_REPEATABLE = frozenset({"OU"})
_CANONICAL = {name.lower(): name for name in ACCEPTED_ATTRIBUTES}


class Attributes:
    """The ``ATTR:VALUE`` arguments of ``csr`` and ``selfsigned``.

    Attributes:
        subject: (attribute, value) pairs in RDN order.
        san_items: The subjectAltName items, spaces stripped; ``None``
            when no subjectAltName was given.
        notes: Remarks about the input to show on standard error.
    """

    def __init__(
        self,
        subject: tuple[tuple[str, str], ...],
        san_items: Optional[tuple[str, ...]],
        notes: tuple[str, ...],
    ) -> None:
        self.subject = subject
        self.san_items = san_items
        self.notes = notes

    @property
    def common_name(self) -> Optional[str]:
        """The CN value, if given."""
        for attribute, value in self.subject:
            if attribute == "CN":
                return value
        return None


def _split_attribute(
    argument: str, previous: Optional[str] = None
) -> tuple[str, str]:
    """Split ``ATTR:VALUE``; ``previous`` is the argument before it, for
    the hint about a value that the shell split at a space."""
    accepted = ", ".join(ACCEPTED_ATTRIBUTES)
    if ":" not in argument:
        hint = _missing_colon_hint(argument, previous)
        raise UsageError(
            f"argument {argument!r} is not ATTR:VALUE{hint} (attributes: "
            f"{accepted})"
        )
    attribute, value = argument.split(":", 1)
    canonical = _CANONICAL.get(attribute.strip().lower())
    if canonical is None:
        raise UsageError(
            f"unknown attribute {attribute!r} in {argument!r}; use one of "
            f"{accepted}"
        )
    return canonical, value


def _missing_colon_hint(argument: str, previous: Optional[str]) -> str:
    if "=" in argument:
        return f"; write {argument.split('=', 1)[0]}:VALUE, with a colon"
    if previous is None or ":" not in previous:
        return ""
    attribute, value = previous.split(":", 1)
    if attribute.strip().lower() == SAN_ATTRIBUTE.lower():
        return (
            f"; to add it to the subjectAltName list, write "
            f"{previous},{argument} (commas, no spaces)"
        )
    return (
        f"; if it belongs to the value of {previous!r}, put the whole "
        f'value in double quotes: {attribute}:"{value} {argument}"'
    )


def parse_attributes(arguments: Sequence[str]) -> Attributes:
    """Parse ``ATTR:VALUE`` arguments as the appliance does.

    ``subjectAltName`` takes a comma-separated list. A list typed with a
    space after a comma reaches the program as one argument with spaces
    when quoted, or split in two when not. Both are accepted, and the
    spaces are dropped with a note.

    Raises:
        UsageError: An argument is not ``ATTR:VALUE``, names an unknown
            attribute, has an empty value, or repeats an attribute that
            may appear once.
    """
    values: dict[str, list[str]] = {}
    san: Optional[list[str]] = None
    notes: list[str] = []
    previous: Optional[str] = None
    for argument in arguments:
        if san is not None and san and san[-1] == "" and ":" not in argument:
            # "subjectAltName:a.example.com, b.example.com" unquoted: the
            # shell splits after the comma.
            san[-1:] = [item.strip() for item in argument.split(",")]
            notes.append(
                f"subjectAltName: joined {argument!r} to the list; write "
                "the list without spaces after commas"
            )
            continue
        attribute, value = _split_attribute(argument, previous)
        previous = argument
        if attribute == SAN_ATTRIBUTE:
            if san is not None:
                raise UsageError(
                    "subjectAltName given twice; give one comma-separated list"
                )
            san = _san_items(value, notes)
            continue
        if not value.strip():
            raise UsageError(
                f"{attribute} has an empty value ({value!r}); write "
                f"{attribute}:VALUE, in double quotes when the value "
                f'contains spaces ({attribute}:"Example Value"), or leave '
                f"{attribute} out"
            )
        if attribute in values and attribute not in _REPEATABLE:
            raise UsageError(f"{attribute} given twice; give it once")
        values.setdefault(attribute, []).append(value)
    subject = tuple(
        (attribute, value)
        for attribute in SUBJECT_ATTRIBUTES
        for value in values.get(attribute, ())
    )
    items = None if san is None else tuple(item for item in san if item)
    return Attributes(subject, items, tuple(notes))


def _san_items(value: str, notes: list[str]) -> list[str]:
    raw = value.split(",")
    items = [item.strip() for item in raw]
    if any(item != original for item, original in zip(items, raw)):
        notes.append(
            "subjectAltName: removed spaces around list items; the list "
            "takes no spaces after commas"
        )
    return items
