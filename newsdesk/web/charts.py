"""Small SVG charts rendered on the server: no JavaScript, no external assets.

Pure: values in, SVG text out. Only numbers and dates reach the markup (and they are
escaped anyway), so the result is safe to embed in a page as it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from newsdesk.store.base import VolumePoint

__all__ = ["daily_volume_svg"]

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
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<line x1="{_PAD_LEFT}" y1="{HEIGHT - _PAD_BOTTOM}" x2="{WIDTH - 4}" '
        f'y2="{HEIGHT - _PAD_BOTTOM}" class="axis"/>',
        f'<text x="{_PAD_LEFT - 4}" y="{_PAD_TOP + 10}" text-anchor="end" '
        f'class="tick">{peak}</text>',
        f'<text x="{_PAD_LEFT - 4}" y="{HEIGHT - _PAD_BOTTOM}" text-anchor="end" '
        'class="tick">0</text>',
    ]
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
