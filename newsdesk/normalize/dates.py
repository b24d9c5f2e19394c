"""Dates as feeds write them (RFC 822, ISO 8601, W3C-DTF and worse) -> aware UTC datetimes."""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from dateutil import parser as dateutil_parser

__all__ = [
    "DEFAULT_FUTURE_SLACK",
    "EARLIEST_DATE",
    "ZONE_OFFSETS",
    "clamp_future",
    "parse_date",
]

#: Dates before this are placeholders (the Unix epoch, year 1, 1900), not publication dates.
EARLIEST_DATE = datetime(1971, 1, 1, tzinfo=UTC)

#: How far ahead of ``now`` a date may be before ``clamp_future`` calls it bogus: a day
#: covers wrong server clocks and local times mislabelled as UTC anywhere on Earth.
DEFAULT_FUTURE_SLACK = timedelta(days=1)

#: Longer inputs are not dates; they are refused before any parser sees them.
_MAX_LENGTH = 200


def _hours(hours: float) -> int:
    return int(hours * 3600)


#: Zone abbreviations seen in feeds, as UTC offsets in seconds. RFC 822's own names (UT,
#: GMT, Z and the US zones) take precedence over other meanings of the same letters: CST is
#: US Central, not China Standard Time, as RFC 822 defines it. IST is India (the feeds that
#: write it are Indian); BST is British Summer Time.
ZONE_OFFSETS: dict[str, int] = {
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "EST": _hours(-5),
    "EDT": _hours(-4),
    "CST": _hours(-6),
    "CDT": _hours(-5),
    "MST": _hours(-7),
    "MDT": _hours(-6),
    "PST": _hours(-8),
    "PDT": _hours(-7),
    "AKST": _hours(-9),
    "AKDT": _hours(-8),
    "HST": _hours(-10),
    "AST": _hours(-4),
    "ADT": _hours(-3),
    "NST": _hours(-3.5),
    "NDT": _hours(-2.5),
    "BRT": _hours(-3),
    "ART": _hours(-3),
    "BST": _hours(1),
    "WEST": _hours(1),
    "CET": _hours(1),
    "MET": _hours(1),
    "CEST": _hours(2),
    "MEST": _hours(2),
    "EET": _hours(2),
    "EEST": _hours(3),
    "MSK": _hours(3),
    "IST": _hours(5.5),
    "PKT": _hours(5),
    "ICT": _hours(7),
    "WIB": _hours(7),
    "HKT": _hours(8),
    "SGT": _hours(8),
    "AWST": _hours(8),
    "PHT": _hours(8),
    "JST": _hours(9),
    "KST": _hours(9),
    "ACST": _hours(9.5),
    "AEST": _hours(10),
    "AEDT": _hours(11),
    "NZST": _hours(12),
    "NZDT": _hours(13),
}

_ISO_START = re.compile(r"^\d{4}-?\d{2}")
_TRAILING_ZONE = re.compile(r"(?<=\s)\(?([A-Za-z]{1,5})\)?\s*$")
_EPOCH = re.compile(r"^\d{9,10}(?:\.\d+)?$|^\d{12,13}$")
# The shape of an RFC 822 date: [weekday,] day month-name year time [zone]. Other text
# with month names goes to dateutil: email.utils accepts too much and guesses wrongly.
_RFC822 = re.compile(
    r"^(?:[^\W\d_]{2,}\.?,?\s+)?\d{1,2}\s+[A-Za-z]{3,}\.?\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s+\S+)?$"
)
_COLON_OFFSET = re.compile(r"([+-]\d{2}):(\d{2})$")
# East Asian layouts: 2024年1月15日 10:30, 2024年1月15日 10時30分, 2024년 1월 15일.
_CJK_DATE = re.compile(
    r"^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"
    r"(?:\s*[(（][^)）]{1,3}[)）])?(?:\s*(\d{1,2})\s*[:時시]\s*(\d{1,2})\s*[分분]?)?$"
)
# Two defaults that differ in every date field: a string that sets year, month and day
# parses to the same date under both; one that leaves a field out does not.
_DEFAULT_A = datetime(2000, 1, 1)
_DEFAULT_B = datetime(2001, 2, 2)


def parse_date(value: str | None, *, default_tz: tzinfo = UTC) -> datetime | None:
    """The instant ``value`` names, as a timezone-aware UTC datetime, or None.

    Understands RFC 822 / 2822 (``Tue, 10 Jun 2003 04:00:00 GMT``, two-digit years, numeric
    offsets such as ``+0900`` and the zone names in ``ZONE_OFFSETS``), ISO 8601 and W3C-DTF
    (``2003-06-10T04:00:00Z``, ``2003-06-10``, fractions, ``+09:00``), Unix timestamps in
    seconds or milliseconds, and what python-dateutil reads in other layouts. A value
    without a zone (or with ``-0000`` or an unknown zone name) is read in ``default_tz``.

    None means "no usable date": None, blank, garbage, a value missing its year, month or
    day (``2003``, ``June 2003``), longer than 200 characters, before ``EARLIEST_DATE`` or
    beyond ``datetime``'s range. Never raises for any string input.
    """
    if value is None:
        return None
    text = " ".join(value.split())
    if not text or len(text) > _MAX_LENGTH:
        return None
    parsed = None
    if _ISO_START.match(text):
        parsed = _parse_iso(text)
    if parsed is None and _EPOCH.match(text):
        parsed = _parse_epoch(text)
    if parsed is None and _RFC822.match(text):
        parsed = _parse_rfc822(text)
    if parsed is None and (match := _CJK_DATE.match(text)):
        parsed = _parse_cjk(match)
    if parsed is None:
        parsed = _parse_other(text)
    if parsed is None:
        return None
    try:
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            parsed = parsed.replace(tzinfo=default_tz)
        result = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return result if result >= EARLIEST_DATE else None


def _parse_iso(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text[-1:] in "zZ" else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _parse_epoch(text: str) -> datetime | None:
    seconds = float(text) / (1000 if len(text) >= 12 and "." not in text else 1)
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_rfc822(text: str) -> datetime | None:
    match = _TRAILING_ZONE.search(text)
    if match and match.group(1).upper() in ZONE_OFFSETS:
        offset = ZONE_OFFSETS[match.group(1).upper()]
        sign = "-" if offset < 0 else "+"
        hours, minutes = divmod(abs(offset) // 60, 60)
        text = f"{text[: match.start()]}{sign}{hours:02d}{minutes:02d}"
    text = _COLON_OFFSET.sub(r"\1\2", text)
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed


def _parse_cjk(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute = (int(group) if group else 0 for group in match.groups())
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def _tzinfos(name: str | None, offset: int | None) -> tzinfo | None:
    """For dateutil: numeric offsets and ``ZONE_OFFSETS`` names; None (then ``default_tz``)
    for anything else. A callable keeps dateutil from consulting the machine's local zone."""
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if name and name.upper() in ZONE_OFFSETS:
        return timezone(timedelta(seconds=ZONE_OFFSETS[name.upper()]))
    return None


def _parse_other(text: str) -> datetime | None:
    try:
        first = dateutil_parser.parse(text, default=_DEFAULT_A, tzinfos=_tzinfos)
        second = dateutil_parser.parse(text, default=_DEFAULT_B, tzinfos=_tzinfos)
    except (dateutil_parser.ParserError, ValueError, OverflowError, TypeError):
        return None
    if first.date() != second.date():
        return None
    return first


def clamp_future(
    dt: datetime | None, now: datetime, slack: timedelta = DEFAULT_FUTURE_SLACK
) -> datetime | None:
    """``dt`` checked against the clock reading ``now`` (an argument: this module never
    reads the clock).

    Returns None when ``dt`` is None or later than ``now + slack`` (a bogus or embargo
    date that would pin the entry to the top of every list); ``now`` when ``dt`` is in the
    future but within ``slack`` (clock skew); ``dt`` otherwise. Raises ValueError when
    ``now`` or ``dt`` is naive.
    """
    if dt is None:
        return None
    if now.utcoffset() is None or dt.utcoffset() is None:
        raise ValueError("clamp_future needs timezone-aware datetimes")
    if dt > now + slack:
        return None
    return min(dt, now)
