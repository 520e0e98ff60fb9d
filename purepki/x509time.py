"""Certificate validity times (RFC 5280 section 4.1.2.5).

The DER layer has already checked the strings' form (``YYMMDDHHMMSSZ`` and
``YYYYMMDDHHMMSS[.f]Z``). This module adds the certificate rules: UTCTime
years 50 to 99 are 1950 to 1999 (section 4.1.2.5.1); GeneralizedTime has
no fractional seconds (section 4.1.2.5.2); dates through 2049 are UTCTime
and dates from 2050 GeneralizedTime. Readers accept a GeneralizedTime
before 2050 with a :class:`~purepki.errors.PurePKIWarning`, and the
strict verifier flags it.
"""

from __future__ import annotations

import datetime
import warnings
from typing import Any

from pyasn1.type import useful
from pyasn1_modules import rfc5280

from purepki.errors import DecodeError, PurePKIWarning

UTC = datetime.timezone.utc

#: The first instant that RFC 5280 section 4.1.2.5 encodes as
#: GeneralizedTime.
GENERALIZED_TIME_FROM = datetime.datetime(2050, 1, 1, tzinfo=UTC)

#: notAfter value meaning "no well-defined expiration date" (RFC 5280
#: section 4.1.2.5).
NO_EXPIRATION = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def _digits(text: str, start: int, end: int) -> int:
    return int(text[start:end])


def parse_time(
    value: Any, *, source: str = "", path: str = ""
) -> tuple[datetime.datetime, bool]:
    """Read a decoded ``Time`` CHOICE.

    Returns:
        The time in UTC, and whether its type is the one RFC 5280 requires for
        that date (False for a GeneralizedTime before 2050).

    Raises:
        DecodeError: A GeneralizedTime with fractional seconds.
    """
    kind = value.getName()
    text = str(value.getComponent())
    if kind == "utcTime":
        year = _digits(text, 0, 2)
        year += 1900 if year >= 50 else 2000
        rest = text[2:12]
    else:
        if "." in text:
            raise DecodeError(
                f"GeneralizedTime {text!r} has fractional seconds, which "
                "RFC 5280 section 4.1.2.5.2 forbids",
                source=source,
                path=path,
            )
        year = _digits(text, 0, 4)
        rest = text[4:14]
    moment = datetime.datetime(
        year,
        _digits(rest, 0, 2),
        _digits(rest, 2, 4),
        _digits(rest, 4, 6),
        _digits(rest, 6, 8),
        _digits(rest, 8, 10),
        tzinfo=UTC,
    )
    proper = kind == "utcTime" or moment >= GENERALIZED_TIME_FROM
    if not proper:
        warnings.warn(
            f"{source or 'certificate'}: {path} {text!r} is a "
            "GeneralizedTime before 2050; RFC 5280 section 4.1.2.5 requires "
            "UTCTime there",
            PurePKIWarning,
            stacklevel=3,
        )
    return moment, proper


def encode_time(moment: datetime.datetime) -> Any:
    """Build the ``Time`` CHOICE for a moment, as RFC 5280 section 4.1.2.5
    requires: UTCTime through 2049, GeneralizedTime from 2050.

    Raises:
        ValueError: ``moment`` has no time zone, is before 1950, or has
            fractional seconds that would be lost silently.
    """
    if moment.tzinfo is None:
        raise ValueError(
            f"time {moment.isoformat()} has no time zone; pass an aware "
            "datetime in whole seconds, such as "
            "datetime.now(timezone.utc).replace(microsecond=0)"
        )
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        raise ValueError(
            f"time {moment.isoformat()} has fractional seconds, and "
            "certificates hold whole seconds; pass "
            "moment.replace(microsecond=0)"
        )
    if moment.year < 1950:
        raise ValueError(f"time {moment.isoformat()} is before 1950")
    time = rfc5280.Time()
    if moment < GENERALIZED_TIME_FROM:
        time["utcTime"] = useful.UTCTime(moment.strftime("%y%m%d%H%M%SZ"))
    else:
        time["generalTime"] = useful.GeneralizedTime(
            moment.strftime("%Y%m%d%H%M%SZ")
        )
    return time


def format_time(moment: datetime.datetime) -> str:
    """Format a time as ``openssl x509 -text`` does:
    ``Jun  1 00:00:00 2026 GMT``."""
    day = f"{moment.day:2d}"
    return moment.strftime(f"%b {day} %H:%M:%S %Y GMT")
