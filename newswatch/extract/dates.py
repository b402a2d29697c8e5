"""Parse the dates news pages print or declare, in German and English, into aware UTC datetimes.

Machine-readable values (ISO 8601 in JSON-LD, ``<meta>``, ``<time datetime>``) and the forms
German and English pages print ("23. Januar 2025, 14:30 Uhr", "23.01.2025 – 14:30",
"Stand: 23.01.2025 14:30 Uhr", "vor 3 Stunden", "3 hours ago", "gestern, 10:15 Uhr") are parsed
with dateutil plus a German vocabulary. Times without a zone are read in the page's zone
(``default_zone``; Europe/Berlin for German pages). A date before 1990 or later than the fetch
time (plus a small clock skew) is rejected as implausible for a news article.

``parse_local_date`` keeps the UTC offset the text states (or the offset of the zone a naive
time was read in), so that the date can be shown as the page printed it; ``parse_date`` is the
same instant in UTC.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
DEFAULT_SKEW = timedelta(hours=2)
BERLIN = "Europe/Berlin"


_MONTHS: list[tuple[str, ...]] = [
    ("Jan", "January", "Januar", "Jän", "Jänner", "Jaen"),
    ("Feb", "February", "Februar", "Febr"),
    ("Mar", "March", "März", "Mrz", "Maerz", "Marz"),
    ("Apr", "April"),
    ("May", "Mai"),
    ("Jun", "June", "Juni"),
    ("Jul", "July", "Juli"),
    ("Aug", "August"),
    ("Sep", "Sept", "September"),
    ("Oct", "October", "Okt", "Oktober"),
    ("Nov", "November"),
    ("Dec", "December", "Dez", "Dezember"),
]
_WEEKDAYS: list[tuple[str, ...]] = [
    ("Mon", "Monday", "Montag"),
    ("Tue", "Tuesday", "Tues", "Dienstag"),
    ("Wed", "Wednesday", "Mittwoch"),
    ("Thu", "Thursday", "Thurs", "Donnerstag"),
    ("Fri", "Friday", "Freitag"),
    ("Sat", "Saturday", "Samstag", "Sonnabend"),
    ("Sun", "Sunday", "Sonntag"),
]


class _GermanEnglishInfo(dateutil_parser.parserinfo):
    """dateutil vocabulary that also knows German month and weekday names."""

    MONTHS = _MONTHS  # type: ignore[assignment]
    WEEKDAYS = _WEEKDAYS  # type: ignore[assignment]
    JUMP = [  # noqa: RUF012 - dateutil reads these class attributes
        *dateutil_parser.parserinfo.JUMP,
        "um", "am", "den", "Uhr", "h", "|", "–", "—", "·", "•", "/",
    ]


# Zone abbreviations pages print after a time ("14:30 Uhr MESZ", "2:30 PM EST").
_TZ_ABBREVIATIONS: dict[str, int] = {
    "MEZ": 3600, "CET": 3600, "MESZ": 7200, "CEST": 7200, "UTC": 0, "GMT": 0, "WET": 0,
    "WEST": 3600, "BST": 3600, "EST": -18000, "EDT": -14400, "CDT": -18000, "MST": -25200,
    "MDT": -21600, "PST": -28800, "PDT": -25200,
}

_INFO = _GermanEnglishInfo(dayfirst=True)
_INFO_EN = dateutil_parser.parserinfo(dayfirst=False)

# Words that introduce a date on a page; removed before parsing.
_LEADING_LABEL = re.compile(
    r"^\s*(?:stand|aktualisiert(?:\s+am)?|zuletzt\s+aktualisiert(?:\s+am)?|update|updated(?:\s+on)?"
    r"|veröffentlicht(?:\s+am)?|erschienen(?:\s+am)?|erstellt(?:\s+am)?|published(?:\s+on)?"
    r"|posted(?:\s+on)?|last\s+modified|datum|date|am|vom|on)\b\s*:?\s*",
    re.IGNORECASE,
)
_HAS_DATE_EVIDENCE = re.compile(
    r"\b(?:1[89]|20)\d{2}\b|\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2}\b", re.IGNORECASE
)
# A day and a month, not just a year: a numeric date ("23.01.2025", "2025/01/23", "23.01.")
# or a month name dateutil knows. "04 mayo 2022" (a month name of another language) would
# otherwise be read as April 2022, and "2021" alone as 1 January.
_NUMERIC_DAY_MONTH = re.compile(
    r"\b\d{1,2}[./-]\s?\d{1,2}[./-]|\b\d{4}[./-]\d{1,2}[./-]\d{1,2}\b"
)
_WORD = re.compile(r"[^\W\d_]+")
#: Every month name and abbreviation parse_date understands (German and English).
MONTH_NAMES: tuple[str, ...] = tuple(name for names in _MONTHS for name in names)
_MONTH_WORDS = frozenset(name.casefold() for name in MONTH_NAMES)
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?")
_RELATIVE_DE = re.compile(
    r"\bvor\s+(?P<n>\d+|einer?|einem)\s+(?P<unit>sekunden?|minuten?|min\.?|stunden?|std\.?"
    r"|tag(?:en)?|wochen?)\b",
    re.IGNORECASE,
)
_RELATIVE_EN = re.compile(
    r"\b(?P<n>\d+|an?|one)\s+(?P<unit>seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b",
    re.IGNORECASE,
)
_DAY_WORD = re.compile(r"\b(?P<word>heute|gestern|vorgestern|today|yesterday)\b", re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"\b(?P<h>\d{1,2})[:.](?P<m>\d{2})\b")
_UNIT_SECONDS = {
    "s": 1, "se": 1, "mi": 60, "st": 3600, "ho": 3600, "hr": 3600, "ta": 86400, "da": 86400,
    "wo": 604800, "we": 604800,
}
_DAY_OFFSETS = {"heute": 0, "today": 0, "gestern": 1, "yesterday": 1, "vorgestern": 2}


def zone_for(name: str | None) -> tzinfo:
    """The zone of that IANA name, UTC when unknown or None."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def default_zone_for_language(language: str | None) -> str:
    """Europe/Berlin for German pages, UTC otherwise (override per source)."""
    return BERLIN if (language or "").lower().startswith("de") else "UTC"


def _in_stated_offset(value: datetime, zone: tzinfo) -> datetime:
    """``value`` with a fixed UTC offset: its own, or ``zone``'s at that time when naive."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=zone)
    offset = value.utcoffset() or timedelta(0)
    return value.astimezone(timezone(offset))


def is_plausible(value: datetime, *, now: datetime | None = None,
                 skew: timedelta = DEFAULT_SKEW) -> bool:
    """Between 1990 and the fetch time (plus a little clock skew)."""
    reference = now if now is not None else datetime.now(UTC)
    return EARLIEST <= value <= reference + skew


def _parse_relative(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    for pattern in (_RELATIVE_DE, _RELATIVE_EN):
        match = pattern.search(text)
        if match:
            raw = match.group("n").lower()
            count = int(raw) if raw.isdigit() else 1
            unit = match.group("unit").lower()
            seconds = _UNIT_SECONDS.get(unit[:2], _UNIT_SECONDS.get(unit[:1], 0))
            if seconds:
                return (now - timedelta(seconds=count * seconds)).astimezone(zone)
    match = _DAY_WORD.search(text)
    if match:
        local_now = now.astimezone(zone)
        day = local_now - timedelta(days=_DAY_OFFSETS[match.group("word").lower()])
        time_match = _TIME_OF_DAY.search(text, match.end())
        hour, minute = 0, 0
        if time_match and int(time_match.group("h")) < 24 and int(time_match.group("m")) < 60:
            hour, minute = int(time_match.group("h")), int(time_match.group("m"))
        local = datetime(day.year, day.month, day.day, hour, minute)
        return local.replace(tzinfo=zone)
    return None


def _clean_for_dateutil(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    text = _LEADING_LABEL.sub("", text, count=1)
    # "14.30 Uhr" -> "14:30"; "23. Januar" keeps its day dot out of the way.
    text = re.sub(r"\b(\d{1,2})\.(\d{2})\s*Uhr\b", r"\1:\2", text)
    text = re.sub(r"\s*Uhr\b", "", text)
    text = re.sub(r"\b(\d{1,2})\.\s+(?=[A-Za-zÄÖÜäöü])", r"\1 ", text)
    text = re.sub(r"[–—|·•,]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _has_day_and_month(text: str) -> bool:
    if _NUMERIC_DAY_MONTH.search(text):
        return True
    return any(word.casefold() in _MONTH_WORDS for word in _WORD.findall(text))


def parse_date(
    text: str | None,
    *,
    default_zone: str | tzinfo | None = None,
    now: datetime | None = None,
    skew: timedelta = DEFAULT_SKEW,
    dayfirst: bool = True,
) -> datetime | None:
    """An aware UTC datetime for ``text``, or None when it holds no plausible date.

    ``now`` is the fetch time (for "vor 3 Stunden" and the future check); naive times are read
    in ``default_zone`` (an IANA name or tzinfo; UTC when None). Never raises.
    """
    local = parse_local_date(text, default_zone=default_zone, now=now, skew=skew,
                             dayfirst=dayfirst)
    return local.astimezone(UTC) if local is not None else None


def utc_offset_minutes(value: datetime) -> int:
    """The UTC offset of an aware datetime in whole minutes (east of UTC positive)."""
    offset = value.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def parse_local_date(
    text: str | None,
    *,
    default_zone: str | tzinfo | None = None,
    now: datetime | None = None,
    skew: timedelta = DEFAULT_SKEW,
    dayfirst: bool = True,
) -> datetime | None:
    """Like ``parse_date``, but in the offset ``text`` states ("…T22:46:08-03:00" stays at
    −03:00, "…Z" at UTC), or in ``default_zone`` when it states none: the wall-clock time as
    the page gave it. Never raises.
    """
    if not text or not isinstance(text, str):
        return None
    text = text.strip()[:200]
    if not text:
        return None
    zone = default_zone if isinstance(default_zone, tzinfo) else zone_for(default_zone)
    reference = now if now is not None else datetime.now(UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    value: datetime | None = None
    try:
        if _ISO_LIKE.match(text):
            value = dateutil_parser.isoparse(text)
    except (ValueError, OverflowError):
        value = None
    if value is None:
        value = _parse_relative(text, reference, zone)
    if value is None:
        cleaned = _clean_for_dateutil(text)
        if not _HAS_DATE_EVIDENCE.search(cleaned) or not _has_day_and_month(cleaned):
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
                value = dateutil_parser.parse(
                    cleaned,
                    parserinfo=_INFO if dayfirst and not _ISO_LIKE.match(cleaned) else _INFO_EN,
                    fuzzy=True,
                    default=datetime(2000, 1, 1),
                    tzinfos=_TZ_ABBREVIATIONS,
                )
        except (ValueError, OverflowError, TypeError):
            return None
    try:
        result = _in_stated_offset(value, zone)
        plausible = is_plausible(result.astimezone(UTC), now=reference, skew=skew)
    except (ValueError, OverflowError):
        return None
    return result if plausible else None
