"""When is each source due again? Pure functions of a feed's history and HTTP hints.

The scheduler decides and runs nothing itself: the runner asks the store for due sources
and calls :func:`plan_after_success` / :func:`plan_after_failure` to store the next poll.

Adaptive interval, in words:

* **How often the feed publishes.** From the publication times of the items in the feed,
  the median gap between consecutive items is the natural interval: polling much more often
  finds nothing new, much less often lets items pile up.
* **How much of the last poll was new.** If most items were new, items may be falling off
  the feed before we see them: poll sooner (halve). If none were new, stretch (×1.5).
  The feed's whole time span bounds the interval too: poll at least twice per span, or
  items scroll off between polls.
* **What the server asks.** Never below the feed's ``<ttl>``/``sy:updatePeriod``,
  ``Cache-Control: max-age`` or ``Retry-After``; always within ``[min_interval, max_interval]``.
* **Errors** back off exponentially with jitter up to ``max_error_backoff``; the source stays
  enabled and visible as failing (only a 410 Gone disables it).
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdesk.config import Settings
from newsdesk.model import FetchOutcome

__all__ = ["Plan", "ScheduleOptions", "plan_after_failure", "plan_after_success"]


@dataclass(frozen=True, slots=True)
class ScheduleOptions:
    min_interval: int = 300
    max_interval: int = 86_400
    default_interval: int = 1800
    max_error_backoff: int = 21_600
    jitter: float = 0.1

    @classmethod
    def from_settings(cls, settings: Settings) -> ScheduleOptions:
        return cls(
            min_interval=settings.min_interval,
            max_interval=settings.max_interval,
            default_interval=settings.default_interval,
            max_error_backoff=settings.max_error_backoff,
        )


@dataclass(frozen=True, slots=True)
class Plan:
    interval_seconds: int
    next_poll: datetime


def _publication_interval(dates: Sequence[datetime]) -> tuple[float, float] | None:
    """Median gap between items and the whole span covered, in seconds."""
    ordered = sorted(set(dates), reverse=True)
    if len(ordered) < 2:
        return None
    gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(ordered)]
    span = (ordered[0] - ordered[-1]).total_seconds()
    return max(statistics.median(gaps), 1.0), span


def _floor(outcome: FetchOutcome, options: ScheduleOptions) -> float:
    hints = [options.min_interval]
    hints += [h for h in (outcome.ttl_seconds, outcome.cache_max_age) if h]
    if outcome.retry_after:
        hints.append(int(outcome.retry_after))
    return float(max(hints))


def _jittered(seconds: float, options: ScheduleOptions, rng: random.Random) -> float:
    return seconds * (1 + rng.uniform(-options.jitter, options.jitter))


def plan_after_success(
    *,
    now: datetime,
    previous_interval: int,
    outcome: FetchOutcome,
    item_dates: Sequence[datetime] = (),
    options: ScheduleOptions,
    rng: random.Random,
) -> Plan:
    """Next poll after a 200 or 304. ``item_dates`` are the published times in the feed."""
    interval = float(previous_interval or options.default_interval)
    if outcome.status == 304:
        interval *= 1.25  # nothing changed: stretch gently
    else:
        publication = _publication_interval(item_dates)
        if publication is not None:
            gap, span = publication
            interval = gap
            if span > 0:
                interval = min(interval, span / 2)
        if outcome.items_seen:
            new_share = outcome.items_new / outcome.items_seen
            if new_share > 0.5:
                interval = min(interval, previous_interval * 0.5)
            elif outcome.items_new == 0:
                interval = max(interval, previous_interval * 1.5)
    floor = _floor(outcome, options)
    interval = max(floor, min(float(options.max_interval), interval))
    # Jitter spreads sources that were added together; it never goes below the floor.
    seconds = max(floor, _jittered(interval, options, rng))
    return Plan(interval_seconds=round(interval), next_poll=now + timedelta(seconds=seconds))


def plan_after_failure(
    *,
    now: datetime,
    interval: int,
    failures: int,
    outcome: FetchOutcome,
    options: ScheduleOptions,
    rng: random.Random,
) -> Plan:
    """Next poll after the ``failures``-th consecutive failure (1 for the first)."""
    backoff = options.min_interval * 2 ** max(0, min(failures - 1, 20))
    backoff = min(float(options.max_error_backoff), backoff)
    # Jitter only upwards here: retries of sources that failed together spread out, and
    # a retry never comes sooner than the backoff (or the server's Retry-After) allows.
    seconds = max(_floor(outcome, options), backoff) * (1 + rng.uniform(0, options.jitter))
    return Plan(interval_seconds=interval, next_poll=now + timedelta(seconds=seconds))
