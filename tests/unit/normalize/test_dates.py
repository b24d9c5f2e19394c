"""parse_date and clamp_future."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdesk.normalize import clamp_future, parse_date


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 822 / 2822
        ("Tue, 10 Jun 2003 04:00:00 GMT", utc(2003, 6, 10, 4)),
        ("Tue, 10 Jun 2003 04:00:00 +0000", utc(2003, 6, 10, 4)),
        ("Mon, 15 Jan 2024 10:00:00 +0900", utc(2024, 1, 15, 1)),
        ("Mon, 15 Jan 2024 10:00:00 +09:00", utc(2024, 1, 15, 1)),
        ("Mon, 15 Jan 2024 10:00:00 EST", utc(2024, 1, 15, 15)),
        ("Mon, 15 Jul 2024 10:00:00 PDT", utc(2024, 7, 15, 17)),
        ("Mon, 15 Jan 2024 10:00:00 JST", utc(2024, 1, 15, 1)),
        ("Mon, 15 Jan 2024 10:00:00 KST", utc(2024, 1, 15, 1)),
        ("Mon, 15 Jan 2024 10:00:00 CET", utc(2024, 1, 15, 9)),
        ("Mon, 15 Jan 2024 10:00:00 UT", utc(2024, 1, 15, 10)),
        ("Mon, 15 Jan 2024 10:00:00 Z", utc(2024, 1, 15, 10)),
        ("15 Jan 2024 10:00 GMT", utc(2024, 1, 15, 10)),
        ("Mon, 15 Jan 24 10:00:00 GMT", utc(2024, 1, 15, 10)),
        ("Mo, 15 Jan 2024 10:00:00 +0100", utc(2024, 1, 15, 9)),
        ("Wed, 15 Jan 2024 10:00:00 GMT", utc(2024, 1, 15, 10)),  # wrong weekday ignored
        ("Mon, 15 Jan 2024 10:00:00 -0000", utc(2024, 1, 15, 10)),
        ("Mon, 15 Jan 2024 10:00:00 XYZ", utc(2024, 1, 15, 10)),  # unknown zone: default
        ("Tue, 10 June 2003 04:00:00 GMT", utc(2003, 6, 10, 4)),
        # ISO 8601 / W3C-DTF
        ("2024-01-15T10:00:00Z", utc(2024, 1, 15, 10)),
        ("2024-01-15T10:00:00z", utc(2024, 1, 15, 10)),
        ("2024-01-15T10:00:00+09:00", utc(2024, 1, 15, 1)),
        ("2024-01-15T10:00:00-05:00", utc(2024, 1, 15, 15)),
        ("2024-01-15T10:00:00.5Z", utc(2024, 1, 15, 10, 0, 0, 500000)),
        ("2024-01-15T10:00:00.123456789+00:00", utc(2024, 1, 15, 10, 0, 0, 123456)),
        ("2024-01-15T10:00Z", utc(2024, 1, 15, 10)),
        ("2024-01-15", utc(2024, 1, 15)),
        ("2024-01-15 10:00:00", utc(2024, 1, 15, 10)),
        ("20240115T100000Z", utc(2024, 1, 15, 10)),
        # other layouts
        ("January 15, 2024 3:00 PM EST", utc(2024, 1, 15, 20)),
        ("Mon Jan 15 10:00:00 UTC 2024", utc(2024, 1, 15, 10)),
        ("15.01.2024 10:00", utc(2024, 1, 15, 10)),
        ("2024年1月15日", utc(2024, 1, 15)),
        ("2024年1月15日(月) 10時30分", utc(2024, 1, 15, 10, 30)),
        ("2024년 1월 15일 9:05", utc(2024, 1, 15, 9, 5)),
        # Unix timestamps
        ("1700000000", utc(2023, 11, 14, 22, 13, 20)),
        ("1700000000000", utc(2023, 11, 14, 22, 13, 20)),
        # whitespace
        ("  2024-01-15T10:00:00Z\n", utc(2024, 1, 15, 10)),
    ],
)
def test_parse_date(value: str, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "garbage",
        "yesterday",
        "5",
        "10:00",
        "2024",
        "June 2024",
        "2024-01",
        "0000-00-00",
        "0000-00-00T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "2024-13-45",
        "2024年2月30日",
        "Mon, 32 Jan 2024 10:00:00 GMT",
        "Mon, 15 Jan 2024 25:00:00 GMT",
        "9999-12-31T23:59:59-12:00",
        "99999999999999999999",
        "2024-01-15T10:00:00Z" + " " * 300 + "x",
        "x" * 10_000,
        "\x00\ud800",
    ],
)
def test_parse_date_garbage_is_none(value: str | None) -> None:
    assert parse_date(value) is None


def test_default_tz_applies_to_naive_values_only() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert parse_date("2024-01-15 10:00", default_tz=tokyo) == utc(2024, 1, 15, 1)
    assert parse_date("2024-01-15T10:00:00Z", default_tz=tokyo) == utc(2024, 1, 15, 10)


NOW = utc(2024, 6, 1, 12)


@pytest.mark.parametrize(
    ("dt", "slack", "expected"),
    [
        (None, timedelta(days=1), None),
        (utc(2024, 5, 1), timedelta(days=1), utc(2024, 5, 1)),
        (NOW, timedelta(days=1), NOW),
        (utc(2024, 6, 1, 18), timedelta(days=1), NOW),  # within slack: clock skew
        (utc(2024, 6, 3), timedelta(days=1), None),  # far future
        (utc(2030, 1, 1), timedelta(days=1), None),
        (utc(2024, 6, 1, 13), timedelta(0), None),
        (
            datetime(2024, 6, 1, 20, tzinfo=timezone(timedelta(hours=9))),
            timedelta(0),
            datetime(2024, 6, 1, 20, tzinfo=timezone(timedelta(hours=9))),
        ),
    ],
)
def test_clamp_future(dt: datetime | None, slack: timedelta, expected: datetime | None) -> None:
    assert clamp_future(dt, NOW, slack) == expected


def test_clamp_future_default_slack_is_a_day() -> None:
    assert clamp_future(NOW + timedelta(hours=23), NOW) == NOW
    assert clamp_future(NOW + timedelta(hours=25), NOW) is None


def test_clamp_future_rejects_naive() -> None:
    with pytest.raises(ValueError):
        clamp_future(datetime(2024, 1, 1), NOW)
    with pytest.raises(ValueError):
        clamp_future(NOW, datetime(2024, 1, 1))
