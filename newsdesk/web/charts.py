"""Small SVG charts rendered on the server: no JavaScript, no external assets.

Pure: values in, SVG text out. Only numbers and dates reach the markup (and they are
escaped anyway), so the result is safe to embed in a page as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from html import escape

from newsdesk.store.base import VolumePoint

__all__ = ["coverage_timeline_svg", "daily_volume_svg", "timeline_step"]

WIDTH, HEIGHT = 600, 160
_PAD_LEFT, _PAD_BOTTOM, _PAD_TOP = 34, 22, 8


def daily_volume_svg(points: list[VolumePoint], *, first: date, last: date) -> str:
    """A bar per day from ``first`` to ``last`` (days without articles are zero bars),
    with a y-axis maximum and a few date labels. Includes a <title> and a text summary for
    screen readers."""
    counts = {p.day: p.articles for p in points}
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)] or [last]
    peak = max([counts.get(d, 0) for d in days] + [1])
    total = sum(counts.get(d, 0) for d in days)
    plot_w = WIDTH - _PAD_LEFT - 4
    plot_h = HEIGHT - _PAD_BOTTOM - _PAD_TOP
    step = plot_w / len(days)
    bar = max(1.0, step * 0.8)
    label = f"{total} articles from {first.isoformat()} to {last.isoformat()}, at most {peak} a day"
    parts = _frame(label, "chart", peak)
    label_every = max(1, len(days) // 6)
    for i, day in enumerate(days):
        n = counts.get(day, 0)
        h = plot_h * n / peak
        x = _PAD_LEFT + i * step + (step - bar) / 2
        y = HEIGHT - _PAD_BOTTOM - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" class="bar">'
            f"<title>{day.isoformat()}: {n}</title></rect>"
        )
        if i % label_every == 0 or i == len(days) - 1:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" '
                f'class="tick">{day.strftime("%m-%d")}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


#: Bucket widths a coverage timeline may use, narrowest first.
_STEPS = tuple(timedelta(hours=h) for h in (1, 2, 3, 6, 12, 24, 48, 24 * 7, 24 * 14, 24 * 28))
_MAX_BUCKETS = 36


def timeline_step(first: datetime, last: datetime) -> timedelta:
    """The narrowest bucket width that fits ``first``..``last`` in at most 36 buckets."""
    span = max(last - first, timedelta(0))
    for step in _STEPS:
        if span / step < _MAX_BUCKETS - 1:
            return step
    return _STEPS[-1]


def _floor(when: datetime, step: timedelta) -> datetime:
    when = when.astimezone(UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((when - epoch) // step) * step


def coverage_timeline_svg(
    coverage: Sequence[datetime], copies: Sequence[datetime] = (), *, min_buckets: int = 6
) -> str:
    """A story's coverage over time: one bar per bucket (an hour up to weeks, chosen so the
    whole span fits), coverage articles stacked under copies (``class="bar copy"``).
    Includes a <title> and a text summary for screen readers; "" when there are no times."""
    times = sorted([*coverage, *copies])
    if not times:
        return ""
    step = timeline_step(times[0], times[-1])
    start = _floor(times[0], step)
    count = max(min_buckets, int((_floor(times[-1], step) - start) / step) + 1)
    own = [0] * count
    copied = [0] * count
    for series, when_list in ((own, coverage), (copied, copies)):
        for when in when_list:
            series[min(count - 1, int((when.astimezone(UTC) - start) / step))] += 1
    peak = max([o + c for o, c in zip(own, copied, strict=True)] + [1])
    plot_w = WIDTH - _PAD_LEFT - 4
    plot_h = HEIGHT - _PAD_BOTTOM - _PAD_TOP
    slot = plot_w / count
    bar = max(1.0, slot * 0.8)
    hourly = step < timedelta(days=1)
    unit = f"{int(step.total_seconds() // 3600)} h" if hourly else f"{step.days} d"
    label = (
        f"{len(coverage)} articles and {len(copies)} copies from "
        f"{start.strftime('%Y-%m-%d %H:%M')} UTC, per {unit}, at most {peak} in one"
    )
    parts = _frame(label, "chart timeline", peak)
    label_every = max(1, count // 6)
    base = HEIGHT - _PAD_BOTTOM
    for i in range(count):
        at = start + i * step
        x = _PAD_LEFT + i * slot + (slot - bar) / 2
        h_own = plot_h * own[i] / peak
        h_copy = plot_h * copied[i] / peak
        stamp = at.strftime("%m-%d %H:%M" if hourly else "%Y-%m-%d")
        tip = f"{stamp}: {own[i]} articles" + (f", {copied[i]} copies" if copied[i] else "")
        parts.append(
            f'<rect x="{x:.1f}" y="{base - h_own:.1f}" width="{bar:.1f}" '
            f'height="{h_own:.1f}" class="bar"><title>{escape(tip)}</title></rect>'
        )
        if copied[i]:
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h_own - h_copy:.1f}" width="{bar:.1f}" '
                f'height="{h_copy:.1f}" class="bar copy"><title>{escape(tip)}</title></rect>'
            )
        if i % label_every == 0:
            # hours alone when buckets are short; the day too once a label spans days
            short = hourly and i and step < timedelta(hours=6)
            text = at.strftime("%H:%M" if short else "%m-%d %H:%M" if hourly else "%m-%d")
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" '
                f'class="tick">{text}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _frame(label: str, css_class: str, peak: int) -> list[str]:
    """The opening of a chart: the svg element labelled for screen readers, its title,
    the x axis and the y axis' two ticks (0 and ``peak``)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="{css_class}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{_PAD_LEFT}" y1="{HEIGHT - _PAD_BOTTOM}" x2="{WIDTH - 4}" '
        f'y2="{HEIGHT - _PAD_BOTTOM}" class="axis"/>',
        f'<text x="{_PAD_LEFT - 4}" y="{_PAD_TOP + 10}" text-anchor="end" '
        f'class="tick">{peak}</text>',
        f'<text x="{_PAD_LEFT - 4}" y="{HEIGHT - _PAD_BOTTOM}" text-anchor="end" '
        'class="tick">0</text>',
    ]
