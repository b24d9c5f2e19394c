"""parse_feed on every saved real-world feed in ../shared/data/real-feeds.

The files are third-party captures (see that folder's README.md and manifest.csv); they are
read in place, never copied. Each file is one test case.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC
from pathlib import Path

import pytest

from newsdesk.errors import NotAFeed, ParseError
from newsdesk.feeds import parse_feed
from newsdesk.feeds.decode import has_mojibake
from newsdesk.model import ParsedFeed
from tests.conftest import shared_data_dir

_DATA = shared_data_dir()
_MANIFEST = _DATA / "real-feeds" / "manifest.csv" if _DATA else None


def _manifest_rows() -> list[dict[str, str]]:
    if _MANIFEST is None or not _MANIFEST.is_file():
        return []  # no shared data: the parametrized test is reported as skipped
    with _MANIFEST.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = _manifest_rows()

# Known from the data's README and manifest notes.
TRUNCATED = {"NetNewsWire/allthis-partial.json"}
# Real items with neither link nor id (the file's name says so).
NO_IDENTITY = {"feed-rs/rss_0.91_missing_id.xml"}
# Microblogs whose posts mostly have no title (Dave Winer, micro.blog).
TITLE_LESS = {
    "NetNewsWire/ScriptingNews.json",
    "NetNewsWire/scriptingNews.rss",
    "NetNewsWire/markdown2.rss",
    "NetNewsWire/manton.rss",
}
_HAS_ITEMS = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]|\"items?\"\s*:\s*\[")
_MOJIBAKE_SAMPLES = ("Ã©", "Ã¤", "Ã¶", "Ã¼", "â€™", "â€œ", "Ã ")


def _path(shared_data: Path, row: dict[str, str]) -> Path:
    return shared_data / "real-feeds" / row["file"]


def _parse(shared_data: Path, row: dict[str, str]) -> tuple[bytes, ParsedFeed]:
    body = _path(shared_data, row).read_bytes()
    return body, parse_feed(body, url=f"https://feeds.example/{row['file']}")


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_real_feed(shared_data: Path, row: dict[str, str]) -> None:
    name = row["file"]
    if row["kind"] == "real-nonfeed":
        with pytest.raises(NotAFeed):
            _parse(shared_data, row)
        return
    if name in TRUNCATED:
        with pytest.raises(ParseError, match="JSON"):
            _parse(shared_data, row)
        return
    body, feed = _parse(shared_data, row)
    if _HAS_ITEMS.search(body):
        assert feed.items, f"{name}: the file has items but none were read"
    broken_source = b"\xef\xbf\xbd" in body  # U+FFFD already in the saved bytes
    titles = [feed.title, *(item.title for item in feed.items)]
    for title in titles:
        if not broken_source:
            assert "\ufffd" not in title, f"{name}: replacement character in {title!r}"
        assert not has_mojibake(title), f"{name}: mojibake in {title!r}"
        assert not any(s in title for s in _MOJIBAKE_SAMPLES), f"{name}: mojibake {title!r}"
    synthetic = row["kind"] == "synthetic-edge"
    for item in feed.items:
        if name not in NO_IDENTITY and not synthetic:
            assert item.url or item.guid, f"{name}: item without url or guid: {item}"
        if item.url:
            assert item.url.startswith(("http://", "https://")), item.url
        for stamp in (item.published, item.updated):
            assert stamp is None or stamp.utcoffset() == UTC.utcoffset(None)
        assert item.title == item.title.strip()
        assert "<" not in item.title or ">" not in item.title or "</" not in item.title
    if feed.items and name not in TITLE_LESS:
        titled = sum(1 for item in feed.items if item.title)
        assert titled >= 0.8 * len(feed.items), f"{name}: only {titled} titled items"


SPOT_CHECKS = [
    # (file, a title that must appear exactly: feed title or an item title)
    (
        "miniflux/encoding_ISO-8859-1.xml",
        "Projekt Jedi: Microsoft will weiter mit US-Militär zusammenarbeiten",
    ),
    ("feed-rs/rss_1.0_iso8859.xml", "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"),
    ("miniflux/encoding_WINDOWS-1251.xml", "Цитата #17703"),
    ("miniflux/koi8r.xml", "Первая новость"),
    ("NetNewsWire/kc0011.rss", "建国35周年纪念，华表，和平鸽"),
    ("miniflux/no_encoding_ISO-8859-1.xml", "Migrants : l'urgence thérapeutique"),
    ("rss-parser/uolNoticias.rss", "UOL Noticias"),
    ("rss-parser/encoding.rss", "Jornal de Notícias - Últimas Notícias"),
    ("laminas-feed/laut.de-rdf.xml", "Tom Waits: Sänger lässt den Teufel raus"),
    ("FeedReader/Rss091Stadtfeuerwehr.xml", "Stadtfeuerwehr Weiz - Einsätze"),
    ("FeedReader/Rss20LeMonde.xml", "Le Monde.fr - Actualités et Infos en France et dans le monde"),
    ("FeedReader/Rss20FazNet.xml", "Aktuell - FAZ.NET"),
    ("FeedReader/Rss20YandexRussia.xml", "Яндекс.Новости: Москва"),
    ("FeedReader/Rss10Minutos20Catalans.xml", "Cataluña"),
    ("fastfeedparser/utf16_encoded.xml", "UTF-16 Entry 1"),
    ("miniflux/utf8-incorrect-prolog.xml", "테스트 피드"),
    ("miniflux/windows-1252-incorrect-prolog.xml", "Euro €"),
    ("feedjira/DuplicateContentAtomFeed.xml", "Avian’s Blog"),
    ("miniflux/urdu_UTF8.xml", "صدر ٹرمپ کے ٹویٹ کو سنجیدگی سے لیتے ہیں: وزیر دفاع"),
]
PREFIX_CHECKS = [
    # Double-encoded captures: the item title must start with the repaired text.
    ("FeedReader/Rss20LeMonde.xml", "Piratage imputé à la Russie"),
    ("FeedReader/Rss20LeFigaro.xml", "LE FIGARO - Le Figaro - Culture : Cinéma, théâtre"),
    ("FeedReader/Rss20FazNet.xml", "Kältewelle in Europa: Flüchtlinge und Obdachlose"),
    ("FeedReader/Rss20Spiegel.xml", "Polizeieinsatz in Kölner Silvesternacht"),
    ("FeedReader/Rss20YandexRussia.xml", "В Москве из-за сильных морозов"),
    ("FeedReader/Rss20MassaNews.xml", "Massa News - Curitiba e região"),
]


def _row(name: str) -> dict[str, str]:
    return {"file": name}


@pytest.mark.parametrize(("name", "title"), SPOT_CHECKS, ids=[c[0] for c in SPOT_CHECKS])
def test_known_titles(shared_data: Path, name: str, title: str) -> None:
    _, feed = _parse(shared_data, _row(name))
    assert title in [feed.title, *(item.title for item in feed.items)]


@pytest.mark.parametrize(("name", "prefix"), PREFIX_CHECKS, ids=[c[0] for c in PREFIX_CHECKS])
def test_repaired_double_encoding(shared_data: Path, name: str, prefix: str) -> None:
    _, feed = _parse(shared_data, _row(name))
    assert any(t.startswith(prefix) for t in [feed.title, *(i.title for i in feed.items)])
    assert "repaired double-encoded UTF-8" in feed.warnings


def test_formats_and_fallbacks(shared_data: Path) -> None:
    _, heise = _parse(shared_data, _row("miniflux/rdf_UTF8.xml"))
    assert heise.format == "rss0.9"
    assert len(heise.items) == 60
    _, wrapped = _parse(shared_data, _row("feedjira/DuplicateContentAtomFeed.xml"))
    assert wrapped.format == "atom1.0"
    assert len(wrapped.items) == 10
    _, golem = _parse(shared_data, _row("miniflux/encoding_ISO-8859-1.xml"))
    assert golem.encoding == "windows-1252"
    assert golem.language == "de"
    _, json_feed = _parse(shared_data, _row("feed-rs/jsonfeed_elastic_1.1.json"))
    assert json_feed.format == "jsonfeed"
    _, youtube = _parse(shared_data, _row("feed-rs/atom_mediarss_youtube_1.xml"))
    assert youtube.items[0].image == "https://i1.ytimg.com/vi/0A1ouV7iD8o/hqdefault.jpg"


def test_html_redirect_page_is_not_a_feed(shared_data: Path) -> None:
    with pytest.raises(NotAFeed, match="HTML"):
        _parse(shared_data, _row("rss-parser/unrecognized.rss"))
