from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.model import FetchOutcome
from newsdesk.scheduler import ScheduleOptions, plan_after_failure, plan_after_success

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
OPTS = ScheduleOptions(min_interval=300, max_interval=86_400, default_interval=1800, jitter=0.0)


def hourly(n: int, every: timedelta) -> list[datetime]:
    return [NOW - i * every for i in range(n)]


def plan(outcome: FetchOutcome, previous: int = 1800, dates: list[datetime] | None = None) -> int:
    return plan_after_success(
        now=NOW,
        previous_interval=previous,
        outcome=outcome,
        item_dates=dates or [],
        options=OPTS,
        rng=random.Random(1),
    ).interval_seconds


def test_interval_follows_publication_rate() -> None:
    dates = hourly(20, timedelta(hours=1))
    assert plan(FetchOutcome(status=200, items_seen=20, items_new=3), dates=dates) == 3600


def test_busy_feed_is_polled_often_but_never_below_minimum() -> None:
    dates = hourly(50, timedelta(minutes=1))
    assert plan(FetchOutcome(status=200, items_seen=50, items_new=10), dates=dates) == 300


def test_slow_feed_is_capped_at_maximum() -> None:
    dates = hourly(10, timedelta(days=5))
    assert plan(FetchOutcome(status=200, items_seen=10, items_new=0), dates=dates) == 86_400


def test_mostly_new_items_poll_sooner() -> None:
    dates = hourly(10, timedelta(hours=2))
    calm = plan(FetchOutcome(status=200, items_seen=10, items_new=1), previous=7200, dates=dates)
    flooded = plan(
        FetchOutcome(status=200, items_seen=10, items_new=10), previous=7200, dates=dates
    )
    assert flooded < calm
    assert flooded == 3600


def test_short_feed_span_bounds_the_interval() -> None:
    # 10 items published within one hour: they scroll off fast, poll twice per span.
    dates = [*hourly(10, timedelta(minutes=6)), NOW - timedelta(days=3)]
    got = plan(FetchOutcome(status=200, items_seen=11, items_new=2), dates=dates)
    assert got <= 6 * 60 * 2


def test_nothing_new_stretches_interval() -> None:
    assert plan(FetchOutcome(status=200, items_seen=10, items_new=0), previous=1800) == 2700


def test_not_modified_stretches_gently() -> None:
    assert plan(FetchOutcome(status=304), previous=1800) == 2250


@pytest.mark.parametrize(
    ("outcome", "floor"),
    [
        (FetchOutcome(status=200, ttl_seconds=7200), 7200),
        (FetchOutcome(status=304, cache_max_age=10_000), 10_000),
        (FetchOutcome(status=200, retry_after=4000), 4000),
    ],
)
def test_server_hints_are_a_floor(outcome: FetchOutcome, floor: int) -> None:
    dates = hourly(50, timedelta(minutes=1))
    assert plan(outcome, previous=300, dates=dates) >= floor


def test_errors_back_off_exponentially_up_to_a_cap() -> None:
    waits = [
        plan_after_failure(
            now=NOW,
            interval=1800,
            failures=n,
            outcome=FetchOutcome(status=500),
            options=OPTS,
            rng=random.Random(1),
        ).next_poll
        - NOW
        for n in range(1, 12)
    ]
    assert waits[0] == timedelta(seconds=300)
    assert waits[1] == timedelta(seconds=600)
    assert all(a <= b for a, b in itertools.pairwise(waits))
    assert waits[-1] == timedelta(seconds=OPTS.max_error_backoff)


def test_error_backoff_honours_retry_after_and_jitters() -> None:
    opts = ScheduleOptions(jitter=0.2)
    got = {
        plan_after_failure(
            now=NOW,
            interval=1800,
            failures=1,
            outcome=FetchOutcome(status=429, retry_after=30),
            options=opts,
            rng=random.Random(seed),
        ).next_poll
        for seed in range(5)
    }
    assert len(got) == 5  # jitter spreads retries
    big = plan_after_failure(
        now=NOW,
        interval=1800,
        failures=1,
        outcome=FetchOutcome(status=429, retry_after=5000),
        options=opts,
        rng=random.Random(1),
    )
    assert big.next_poll - NOW >= timedelta(seconds=5000)
