"""The built-in catalog: well-formed OPML of enough real, varied, canonical feeds."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
from lxml import etree

from newsdesk.catalog import CATALOG_NAME, load_catalog
from newsdesk.feeds.opml import parse_opml
from newsdesk.normalize import canonicalize_url, normalize_language, registered_domain

#: Folders that hold the showcase field's sources.
SHOWCASE_FOLDERS = {"Technology policy", "AI", "Semiconductors"}
MIN_FEEDS = 60
MIN_OUTLETS = 60
MIN_COUNTRIES = 12
MIN_LANGUAGES = 6
MIN_SHOWCASE = 25
#: The showcase regions, each with at least this many sources.
SHOWCASE_COUNTRIES = {"EU": 2, "JP": 8, "CN": 4, "US": 8, "KR": 4, "TW": 4}


def _feeds() -> list[etree._Element]:
    root = etree.fromstring(load_catalog())
    return [node for node in root.iter("outline") if node.get("xmlUrl")]


def _folder(node: etree._Element) -> str | None:
    parent = node.getparent()
    return None if parent is None else parent.get("text")


def test_catalog_is_opml() -> None:
    data = load_catalog()
    assert CATALOG_NAME.endswith(".opml")
    root = etree.fromstring(data)
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    head = root.find("head")
    assert head is not None
    assert head.findtext("title")
    assert head.findtext("dateCreated")
    assert "may move" in (head.findtext("ownerName") or "")


def test_every_feed_outline_is_complete() -> None:
    for node in _feeds():
        for attribute in ("type", "text", "title", "xmlUrl", "htmlUrl", "country", "language"):
            assert node.get(attribute), (attribute, node.get("xmlUrl"))
        assert node.get("type") == "rss"


def test_feeds_sit_in_category_folders() -> None:
    for node in _feeds():
        parent = node.getparent()
        assert parent is not None and parent.tag == "outline" and parent.get("text")


def test_enough_distinct_feeds_and_outlets() -> None:
    feeds = _feeds()
    urls = [node.get("xmlUrl") for node in feeds]
    assert len(urls) >= MIN_FEEDS
    assert len(set(urls)) == len(urls), [u for u, n in Counter(urls).items() if n > 1]
    outlets = {registered_domain(str(node.get("htmlUrl"))) for node in feeds}
    assert len(outlets) >= MIN_OUTLETS


def test_urls_are_http_and_already_canonical() -> None:
    for node in _feeds():
        for attribute in ("xmlUrl", "htmlUrl"):
            url = str(node.get(attribute))
            assert urlsplit(url).scheme in ("http", "https"), url
            assert canonicalize_url(url) == url, url


def test_countries_and_languages() -> None:
    feeds = _feeds()
    countries = Counter(str(node.get("country")) for node in feeds)
    languages = Counter(str(node.get("language")) for node in feeds)
    assert len(countries) >= MIN_COUNTRIES, countries
    assert len(languages) >= MIN_LANGUAGES, languages
    for code in countries:
        assert len(code) == 2 and code.isupper() and code.isalpha(), code
    for code in languages:
        assert normalize_language(code) == code, code
    for code, minimum in SHOWCASE_COUNTRIES.items():
        assert countries[code] >= minimum, (code, countries[code])


@pytest.mark.parametrize("language", ["ja", "ko", "zh", "de", "fr", "en"])
def test_showcase_languages_present(language: str) -> None:
    assert any(node.get("language") == language for node in _feeds())


def test_enough_tech_policy_and_semiconductor_sources() -> None:
    folders = Counter(_folder(node) for node in _feeds())
    assert sum(folders[name] for name in SHOWCASE_FOLDERS) >= MIN_SHOWCASE, folders
    assert folders["Semiconductors"] >= 8, folders


def test_the_project_opml_reader_keeps_country_and_language() -> None:
    outlines = parse_opml(load_catalog())
    assert len(outlines) == len(_feeds())
    assert all(o.country and o.language and o.category for o in outlines)
