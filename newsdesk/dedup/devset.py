"""The copy-detection development set, generated from real texts in ``../shared/data``.

Reads the shared data at run time (it is never copied into the repository) and writes the
JSON Lines format that ``newsdesk eval dedup`` scores (see :mod:`newsdesk.dedup.evaluate`):

- **originals** with their real pages: the 181 articles of the extraction benchmark (ground
  truth text, real HTML, real URL);
- **copies** of those originals, each kind about equally often: ``verbatim`` (same text,
  another outlet, sometimes with rel=canonical back), ``templated`` (another page template:
  boilerplate lines added, a word or sentence changed, meta tags or JSON-LD or nothing),
  ``truncated`` (the first paragraphs and a "Read more" line), ``wire`` (the original is
  re-issued as a wire story with a dateline; partners reprint it crediting the wire, one
  of them with a clock earlier than the wire's) and ``spun`` (synonym swaps, reordered and
  dropped sentences, an aggregator's footer, no credit);
- **hard negatives**: the ECB+ DEV articles (``story-clusters/ecbplus``), where every story
  holds several independent reports of one event. As its README warns, some are real wire
  reprints: pairs whose 5-word-shingle containment is at least ``WIRE_CONTAINMENT`` are
  labelled copies (kind ``wire``; the earliest in stream order is the original, and gets the
  earliest time), the others independent reports. Some ECB+ reports also get a spun copy,
  so that spun copies sit among same-event reports.

Arrival order is mostly publication order, with some copies arriving before their original.
Deterministic for a given ``seed``. ``part`` (``a`` or ``b``) keeps half of the source texts
(benchmark pages by a hash of their id, ECB+ by topic parity, so a topic's look-alike reports
stay together): thresholds tuned on one half can be checked on texts they never saw.
Usage: ``python -m newsdesk.dedup.devset OUT.jsonl [DATA_DIR] [SEED] [PART]``.
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
import re
import sys
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from newsdesk.dedup.fingerprint import shingle_set
from newsdesk.dedup.spin import light_edit, spin, swap_words
from newsdesk.errors import InvalidURL
from newsdesk.normalize import registered_domain

__all__ = [
    "KINDS",
    "PARTS",
    "WIRE_CONTAINMENT",
    "build_devset",
    "containment",
    "main",
    "write_jsonl",
]

KINDS = ("verbatim", "templated", "truncated", "wire", "spun")
#: The two halves of the source texts that ``build_devset(part=...)`` can keep.
PARTS = ("a", "b")
WIRE_CONTAINMENT = 0.5

_EPOCH = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)
_OUTLET_WORDS_TEXT = """
daily herald courier gazette tribune chronicle observer sentinel ledger post times
express journal record bulletin dispatch monitor standard examiner beacon register
"""
_OUTLET_WORDS = tuple(_OUTLET_WORDS_TEXT.split())
_PLACES_TEXT = """
river lake valley coast metro north south east west bay harbor capital county highland
prairie summit union liberty pioneer
"""
_PLACES = tuple(_PLACES_TEXT.split())
_TLDS = ("com", "com", "com", "net", "co.uk", "com.au", "ca", "co.nz", "org", "news")
_WIRE_DOMAINS = (
    ("Reuters", "reuters.com", "(Reuters) -", "Reuters"),
    ("Associated Press", "apnews.com", "(AP) —", "Associated Press"),
    ("AFP", "afp.com", "(AFP) -", "AFP"),
    ("Kyodo", "kyodonews.net", "(Kyodo) --", "Kyodo News"),
    ("dpa", "dpa-international.com", "(dpa) -", "dpa"),
)
_CITIES = ("LONDON", "TOKYO", "WASHINGTON", "PARIS", "BERLIN", "NEW YORK", "SYDNEY", "MADRID")

# A spinner's thesaurus: what synonym-swapping tools do to news English.
_TEMPLATE_HEAD = (
    "Advertisement",
    "Share this article",
    "Subscribe to our newsletter for daily updates",
    "Share on Facebook",
)
_TEMPLATE_TAIL = (
    "Copyright {year} {outlet}. All rights reserved.",
    "Related stories:",
    "Read more: {outlet} latest headlines",
    "Follow us on Twitter and Facebook",
    "Leave a Comment",
)
_AGGREGATOR_FOOTER = (
    "Disclaimer: {outlet} is an automated news aggregator. Each story links to its primary "
    "source. All trademarks belong to their owners and all content to its authors. "
    "Complaints: write to us and we will act within 24 hours."
)


def containment(a: str, b: str) -> float:
    """5-word-shingle containment of the shorter text in the longer one (0.0 when either
    has no shingle), the measure used to label ECB+ reprints."""
    sa, sb = shingle_set(a), shingle_set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def _outlet(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(_PLACES)}{rng.choice(_OUTLET_WORDS)}{rng.randint(2, 99)}"
        domain = f"{name}.{rng.choice(_TLDS)}"
        if domain not in used:
            used.add(domain)
            return domain


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())[:8]
    return "-".join(words) or "story"


def _domain(url: str) -> str:
    try:
        return registered_domain(url)
    except InvalidURL:
        return "unknown.invalid"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _page(
    *,
    title: str,
    text: str,
    url: str,
    outlet: str,
    published: datetime,
    head: Sequence[str] = (),
    body_top: Sequence[str] = (),
    body_bottom: Sequence[str] = (),
) -> str:
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in _paragraphs(text))
    top = "\n".join(f'<div class="promo">{line}</div>' for line in body_top)
    bottom = "\n".join(f'<div class="footer-note">{line}</div>' for line in body_bottom)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} | {escape(outlet)}</title>"
        f'<meta property="og:url" content="{escape(url)}">'
        f'<meta property="article:published_time" content="{_iso(published)}">'
        f"{''.join(head)}</head><body><header><nav><a href='/'>Home</a> <a href='/world'>World"
        f"</a> <a href='/business'>Business</a></nav></header><main><article><h1>{escape(title)}"
        f"</h1>{top}{paragraphs}{bottom}</article></main><footer>© {outlet}</footer></body></html>"
    )


def _in_part(key: str | int, part: str | None) -> bool:
    if part is None:
        return True
    if isinstance(key, int):
        return PARTS[key % 2] == part
    return PARTS[zlib.crc32(key.encode("utf-8")) % 2] == part


def _benchmark_originals(data_dir: Path, part: str | None = None) -> list[dict[str, Any]]:
    folder = data_dir / "extraction-benchmark"
    with gzip.open(folder / "ground-truth.json.gz", "rt", encoding="utf-8") as handle:
        truth: dict[str, dict[str, str]] = json.load(handle)
    rows: list[dict[str, Any]] = []
    for page_id in sorted(truth):
        if not _in_part(page_id, part):
            continue
        item = truth[page_id]
        text = item["articleBody"].strip()
        if len(text.split()) < 80:
            continue
        with gzip.open(folder / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as handle:
            page = handle.read()
        title_el = lxml_html.document_fromstring(page.encode("utf-8")).find(".//title")
        title = (title_el.text_content() if title_el is not None else "").strip()
        rows.append(
            {
                "key": page_id,
                "url": item["url"],
                "title": title or text.split("\n")[0][:120],
                "text": text,
                "html": page,
            }
        )
    return rows


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: list[dict[str, Any]] = []
        self.domains: set[str] = set()
        self.counter = itertools.count(1)

    def add(self, **row: Any) -> str:
        row_id = f"d{next(self.counter):05d}"
        row["id"] = row_id
        self.rows.append(row)
        return row_id

    def copy_row(
        self, original: dict[str, Any], kind: str, published: datetime, *, arrival: float
    ) -> None:
        rng = self.rng
        outlet = _outlet(rng, self.domains)
        url = f"https://www.{outlet}/news/{published:%Y/%m/%d}/{_slug(original['title'])}"
        text: str = original["text"]
        head: list[str] = []
        top: list[str] = []
        bottom: list[str] = []
        title = original["title"]
        if kind == "verbatim":
            if rng.random() < 0.5:
                head.append(f'<link rel="canonical" href="{escape(original["url"])}">')
        elif kind == "templated":
            text = light_edit(text, rng)
            top = rng.sample(_TEMPLATE_HEAD, rng.randint(1, 2))
            bottom = [
                t.format(year=published.year, outlet=outlet)
                for t in rng.sample(_TEMPLATE_TAIL, rng.randint(1, 3))
            ]
            choice = rng.random()
            if choice < 0.3:
                head.append(f'<meta name="original-source" content="{escape(original["url"])}">')
            elif choice < 0.6:
                ld = {"@type": "NewsArticle", "headline": title, "isBasedOn": original["url"]}
                head.append(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
            text = "\n\n".join([*top, text, *bottom])
        elif kind == "truncated":
            paragraphs = _paragraphs(text)
            keep: list[str] = []
            for paragraph in paragraphs:
                keep.append(paragraph)
                if len(" ".join(keep).split()) >= rng.randint(40, 120):
                    break
            if len(keep) == len(paragraphs) and len(paragraphs) > 1:
                keep = keep[: max(1, len(keep) // 2)]
            more = rng.choice(
                [
                    f"Read the full story at {original['source']}",
                    f"Continue reading: {original['url']}",
                    f"Source: {original['url']}",
                    "Read more",
                ]
            )
            bottom = [more]
            text = "\n\n".join([*keep, more])
        elif kind == "spun":
            text = spin(text, rng, rate=rng.uniform(0.5, 0.9))
            title = swap_words(title, rng, 0.8)
            footer = _AGGREGATOR_FOOTER.format(outlet=outlet)
            bottom = ["Reference", footer, footer]
            text = "\n\n".join([text, *bottom])
        html = (
            _page(
                title=title,
                text=text,
                url=url,
                outlet=outlet,
                published=published,
                head=head,
                body_bottom=(),
                body_top=(),
            )
            if kind != "wire"
            else None
        )
        self.add(
            url=url,
            source=outlet,
            published=_iso(published),
            title=title,
            text=text,
            html=html,
            copy_of=original["id"],
            kind=kind,
            story=original["story"],
            arrival=arrival,
        )


def _wire_copies(
    builder: _Builder, original: dict[str, Any], base: datetime, wire: tuple[str, str, str, str]
) -> None:
    rng = builder.rng
    name, _domain_name, _dateline, byline = wire
    for n in range(rng.randint(1, 3)):
        outlet = _outlet(rng, builder.domains)
        # One partner's clock runs early: the credit, not the time, must decide.
        delay = timedelta(minutes=-7) if n == 1 else timedelta(minutes=rng.randint(5, 300))
        published = base + delay
        url = f"https://{outlet}/world/{_slug(original['title'])}-{rng.randint(1000, 9999)}"
        text = original["text"]
        style = rng.random()
        authors = ""
        if style < 0.4:
            text = f"By {byline}\n\n{text}"
        elif style < 0.7:
            authors = f'<meta name="author" content="{byline}">'
            text = light_edit(text, rng)
        else:
            text = f"{text}\n\n— {name}"
        html = _page(
            title=original["title"],
            text=text,
            url=url,
            outlet=outlet,
            published=published,
            head=[authors],
        )
        builder.add(
            url=url,
            source=outlet,
            published=_iso(published),
            title=original["title"],
            text=text,
            html=html,
            copy_of=original["id"],
            kind="wire",
            story=original["story"],
            arrival=published.timestamp() + rng.uniform(0, 600),
        )


def _add_benchmark(builder: _Builder, data_dir: Path, part: str | None) -> None:
    rng = builder.rng
    for index, page in enumerate(_benchmark_originals(data_dir, part)):
        base = _EPOCH + timedelta(hours=index * 3, minutes=rng.randint(0, 59))
        story = f"aeb-{page['key'][:10]}"
        kind = KINDS[index % len(KINDS)]
        url, source, text, html = page["url"], _domain(page["url"]), page["text"], page["html"]
        if kind == "wire":
            wire = _WIRE_DOMAINS[rng.randrange(len(_WIRE_DOMAINS))]
            source = wire[1]
            url = f"https://www.{source}/article/{_slug(page['title'])}-{page['key'][:8]}"
            city = rng.choice(_CITIES)
            text = f"{city}, {base:%B} {base.day} {wire[2]} {text}"
            html = _page(title=page["title"], text=text, url=url, outlet=wire[0], published=base)
        original = {
            "url": url,
            "source": source,
            "published": _iso(base),
            "title": page["title"],
            "text": text,
            "html": html,
            "copy_of": None,
            "kind": "original",
            "story": story,
        }
        # Some originals arrive after (one of) their copies: the feed was polled later.
        late = rng.random() < 0.2
        original["id"] = builder.add(
            **original, arrival=base.timestamp() + (9 * 3600 if late else 0)
        )
        if kind == "wire":
            _wire_copies(
                builder, original, base, _WIRE_DOMAINS[[w[1] for w in _WIRE_DOMAINS].index(source)]
            )
            continue
        kinds = [kind] + ([KINDS[(index + 2) % len(KINDS)]] if rng.random() < 0.5 else [])
        for copy_kind in kinds:
            if copy_kind == "wire":
                continue
            published = base + timedelta(minutes=rng.randint(10, 360))
            builder.copy_row(original, copy_kind, published, arrival=published.timestamp())


def _ecb_groups(docs: list[dict[str, Any]]) -> dict[str, str]:
    """doc id -> id of the original it reprints, for pairs at or above WIRE_CONTAINMENT."""
    parent: dict[str, str] = {}

    def root(doc_id: str) -> str:
        while parent.get(doc_id, doc_id) != doc_id:
            doc_id = parent[doc_id]
        return doc_id

    for a, b in itertools.combinations(docs, 2):
        if containment(a["full"], b["full"]) >= WIRE_CONTAINMENT:
            ra, rb = root(a["id"]), root(b["id"])
            if ra != rb:
                first, second = sorted(
                    (ra, rb), key=lambda d: next(x["order"] for x in docs if x["id"] == d)
                )
                parent[second] = first
    return {doc: root(doc) for doc in parent}


def _add_ecbplus(builder: _Builder, data_dir: Path, part: str | None) -> None:
    rng = builder.rng
    path = data_dir / "story-clusters" / "ecbplus" / "ecbplus_dev.jsonl"
    with path.open(encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle if line.strip()]
    by_cluster: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        full = f"{doc['title']}\n\n{doc['text']}".strip()
        if len(full.split()) < 30 or not _in_part(int(doc["topic"]), part):
            continue
        doc["full"] = full
        by_cluster[doc["cluster"]].append(doc)
    start = _EPOCH + timedelta(days=40)
    for c_index, cluster in enumerate(sorted(by_cluster)):
        members = sorted(by_cluster[cluster], key=lambda d: d["order"])
        copies = _ecb_groups(members)
        base = start + timedelta(days=c_index)
        ids: dict[str, str] = {}
        times: dict[str, datetime] = {}
        for rank, doc in enumerate(members):
            times[doc["id"]] = base + timedelta(minutes=rank * rng.randint(20, 90))
        # An original is published before every reprint of it.
        for doc_id, first in copies.items():
            if times[first] >= times[doc_id]:
                times[first], times[doc_id] = times[doc_id], times[first]
        ordered = sorted(members, key=lambda d: (d["id"] in copies, times[d["id"]]))
        for doc in ordered:
            url = (
                doc.get("url")
                or f"https://www.{_outlet(rng, builder.domains)}/{_slug(doc['title'])}"
            )
            source_id = copies.get(doc["id"])
            ids[doc["id"]] = builder.add(
                url=url,
                source=_domain(url),
                published=_iso(times[doc["id"]]),
                title=doc["title"][:200],
                text=doc["full"],
                html=None,
                copy_of=ids[source_id] if source_id else None,
                kind="wire" if source_id else "original",
                story=f"ecb-{cluster}",
                arrival=times[doc["id"]].timestamp() + rng.uniform(0, 1800),
            )
        # A spun copy of one independent report, among the other reports of its event.
        independent = [
            d for d in members if d["id"] not in copies and len(d["full"].split()) >= 120
        ]
        if independent and rng.random() < 0.6:
            doc = rng.choice(independent)
            original = {
                "id": ids[doc["id"]],
                "text": doc["full"],
                "title": doc["title"][:200],
                "url": doc.get("url") or "",
                "source": "",
                "story": f"ecb-{cluster}",
            }
            published = times[doc["id"]] + timedelta(hours=rng.randint(1, 12))
            builder.copy_row(original, "spun", published, arrival=published.timestamp())


def build_devset(
    data_dir: str | Path, *, seed: int = 7, part: str | None = None
) -> list[dict[str, Any]]:
    """The development set built from ``data_dir`` (the ``shared/data`` folder): rows in
    arrival order, each with ``id, url, source, published, title, text, html`` (or None)
    and the labels ``copy_of, kind, story``. ``part`` (one of :data:`PARTS`) keeps half of
    the source texts; None keeps all. Raises ``OSError`` or ``ValueError`` when the data is
    missing or malformed, ``ValueError`` for an unknown ``part``."""
    if part is not None and part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    builder = _Builder(seed)
    root = Path(data_dir)
    _add_benchmark(builder, root, part)
    _add_ecbplus(builder, root, part)
    rows = sorted(builder.rows, key=lambda r: (r.pop("arrival"), r["id"]))
    return [{k: v for k, v in row.items() if not (k == "html" and v is None)} for row in rows]


def write_jsonl(rows: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Writes ``rows`` as UTF-8 JSON Lines to ``path``; returns the number written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newsdesk.dedup.devset OUT.jsonl [DATA_DIR] [SEED] [PART]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (len(args) > 3 and args[3] not in PARTS):
        sys.stderr.write(
            "usage: python -m newsdesk.dedup.devset OUT.jsonl [DATA_DIR] [SEED] [a|b]\n"
        )
        return 2
    data_dir = (
        Path(args[1]) if len(args) > 1 else Path(__file__).resolve().parents[3] / "shared" / "data"
    )
    seed = int(args[2]) if len(args) > 2 else 7
    part = args[3] if len(args) > 3 else None
    count = write_jsonl(build_devset(data_dir, seed=seed, part=part), args[0])
    sys.stdout.write(f"{count} articles written to {args[0]}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
