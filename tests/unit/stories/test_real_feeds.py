"""Cross-lingual links on real news: the items of the real feeds in ../shared (headline +
feed summary, in time order) through the default clusterer. Several feeds of January 2017
(Le Monde, Spiegel, El País, the Indian Express, Reuters, NYT...) report the same events in
different languages."""

from __future__ import annotations

import csv
import html
import re
from collections import defaultdict
from pathlib import Path

import pytest

from newsdesk.errors import NewsdeskError
from newsdesk.feeds import parse_feed
from newsdesk.normalize import detect_language, normalize_language
from newsdesk.stories import ArticleView, CrossLink, StoryClusterer

_TAG = re.compile(r"<[^>]+>")


def _items(folder: Path) -> list[ArticleView]:
    views: list[ArticleView] = []
    with (folder / "manifest.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] == "real"]
    for row in rows:
        try:
            feed = parse_feed((folder / row["file"]).read_bytes(), url=f"http://x/{row['file']}")
        except NewsdeskError:
            continue
        for number, item in enumerate(feed.items):
            if not item.title:
                continue
            text = _TAG.sub(" ", html.unescape(item.summary or ""))
            language = normalize_language(item.language or feed.language or row["language"])
            views.append(
                ArticleView(
                    f"{row['file']}#{number}",
                    item.title,
                    text,
                    item.published,
                    language or detect_language(f"{item.title} {text}"),
                    row["file"],
                )
            )
    views.sort(key=lambda v: (v.published is None, v.published.timestamp() if v.published else 0))
    return views


_Made = dict[str, list[tuple[str, str]]]
_Stream = tuple[dict[str, tuple[CrossLink, ...]], dict[str, str], _Made]


@pytest.fixture(scope="module")
def stream(shared_data: Path) -> _Stream:
    """The links of each story as last seen (after each article, those of its story and of
    the stories it linked: the only ones a link can change), the first title of each
    story, and the links each article made: its title -> (language, first title)."""
    clusterer = StoryClusterer()
    first: dict[str, str] = {}
    last: dict[str, tuple[CrossLink, ...]] = {}
    made: _Made = defaultdict(list)
    for view in _items(shared_data / "real-feeds"):
        assignment = clusterer.add(view)
        first.setdefault(assignment.story_id, view.title)
        for link in assignment.links:
            made[view.title].append((link.language or "?", first[link.story_id]))
        for story_id in (assignment.story_id, *(link.story_id for link in assignment.links)):
            last[story_id] = clusterer.story(story_id).links
    return last, first, made


@pytest.fixture(scope="module")
def links(stream: _Stream) -> _Made:
    return stream[2]


def _linked(links: dict[str, list[tuple[str, str]]], title: str) -> list[tuple[str, str]]:
    [found] = [found for made, found in links.items() if made.startswith(title)]
    return found


def test_one_event_is_linked_across_languages(links: dict[str, list[tuple[str, str]]]) -> None:
    shooting = "At least five dead in Fort Lauderdale airport shooting"
    assert _linked(links, "Floride : ce que l’on sait de la fusillade") == [("en", shooting)]
    assert _linked(links, "Fünf Tote im Flughafen: Täter von Fort Lauderdale") == [("en", shooting)]
    [(language, english)] = _linked(links, "Restaurants machen dicht: Jamie Olivers")
    assert language == "en" and english.startswith("Jamie Oliver closes six restaurants")


def test_an_article_links_at_most_one_story_per_language(
    links: dict[str, list[tuple[str, str]]],
) -> None:
    assert len(links) >= 15
    for found in links.values():
        languages = [language for language, _title in found]
        assert len(languages) == len(set(languages)), found


def test_a_story_ends_linked_to_its_own_event(stream: _Stream) -> None:
    # 20 Minutos' report on the US intelligence finding first links an English story of
    # the day naming Donald Trump and Barack Obama (another event); the English report of
    # the finding comes minutes later and takes its place.
    last, first, _made = stream
    [spanish] = [sid for sid, title in first.items() if title.startswith("EEUU dice que Putin")]
    [linked] = [first[link.story_id] for link in last[spanish]]
    assert linked.startswith("US intelligence report says Putin directed cyber campaign")
    for found in last.values():
        languages = [link.language for link in found]
        assert len(languages) == len(set(languages)), found
