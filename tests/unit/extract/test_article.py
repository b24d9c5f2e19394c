"""extract_article on small inline pages: text choice, metadata sources, hostile input."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import trafilatura
from lxml import etree

from newsdesk.errors import ExtractError
from newsdesk.extract import article as article_module
from newsdesk.extract import extract_article
from newsdesk.extract.decode import decode_html
from newsdesk.extract.metadata import declared_metadata
from newsdesk.extract.parse import parse_html

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the riverside park by twelve hectares, "
    "ending a dispute that had lasted almost a decade.",
    "Supporters said the new land would give families in the eastern districts their first "
    "green space within walking distance of home.",
    "Opponents argued that the money should have gone to repairing the old bridges, several "
    "of which have been closed to heavy traffic since the spring floods.",
    "Work is expected to begin next year and to take about three years to complete, the "
    "mayor's office said in a statement released after the vote.",
]
BODY = "\n".join(PARAGRAPHS)


def page(head: str = "", body: str | None = None, html_attrs: str = "") -> str:
    if body is None:
        body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html {html_attrs}><head><meta charset='utf-8'>{head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Council expands riverside park</h1>{body}</article>"
        f"<footer>Copyright 2019 Example News. All rights reserved.</footer></body></html>"
    )


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_main_text_without_chrome() -> None:
    article = extract_article(page())
    assert article.text.splitlines() == PARAGRAPHS


def test_bytes_in_declared_charset() -> None:
    html = page(body="<p>Über die Brücke gehen täglich viele Menschen. " * 8 + "</p>")
    html = html.replace("charset='utf-8'", "charset='iso-8859-1'")
    article = extract_article(html.encode("iso-8859-1"))
    assert "Über die Brücke" in article.text


def test_decode_falls_back_when_the_declaration_is_wrong() -> None:
    data = "<html><head><meta charset='ascii'></head><body>Ça va très bien</body></html>"
    text, encoding = decode_html(data.encode("utf-8"))
    assert "Ça va très bien" in text
    assert encoding == "utf-8"


def test_jsonld_metadata() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Council expands riverside park",
        "author": [{"@type": "Person", "name": "Ana  Ruiz"}, {"name": "Bo Li"}],
        "datePublished": "2019-11-18T10:30:00-05:00",
        "dateModified": "2019-11-18T12:00:00Z",
        "inLanguage": "en-GB",
        "image": {"@type": "ImageObject", "url": "/img/park.jpg"},
        "publisher": {"@type": "Organization", "name": "Example News"},
        "description": "The park grows by twelve hectares.",
        "articleBody": BODY,
    }
    article = extract_article(page(jsonld(data)), url="https://news.example/a/1")
    assert article.title == "Council expands riverside park"
    assert article.authors == ("Ana Ruiz", "Bo Li")
    assert article.published == datetime(2019, 11, 18, 15, 30, tzinfo=UTC)
    assert article.modified == datetime(2019, 11, 18, 12, 0, tzinfo=UTC)
    assert article.language == "en"
    assert article.image == "https://news.example/img/park.jpg"
    assert article.site_name == "Example News"
    assert article.description == "The park grows by twelve hectares."
    assert article.text.splitlines() == PARAGRAPHS


def test_jsonld_graph_body_rescues_an_incomplete_extraction() -> None:
    # The markup shows only a teaser; the page declares the full story in an @graph.
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Example News"},
            {"@type": ["Article", "NewsArticle"], "headline": "H", "articleBody": BODY},
        ],
    }
    html = page(jsonld(graph), body=f"<p>{PARAGRAPHS[0]}</p>")
    article = extract_article(html)
    assert article.text.splitlines() == PARAGRAPHS


def test_jsonld_body_with_markup_is_flattened() -> None:
    data = {"@type": "BlogPosting", "articleBody": "".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
    html = page(jsonld(data), body=f"<p>{PARAGRAPHS[0]}</p>")
    assert extract_article(html).text.splitlines() == PARAGRAPHS


def test_broken_jsonld_is_ignored() -> None:
    html = page('<script type="application/ld+json">{"@type": "NewsArticle", </script>')
    assert extract_article(html).text.splitlines() == PARAGRAPHS


def test_jsonld_lone_surrogate_escape_becomes_a_replacement_character() -> None:
    # json.dumps writes "\\ud83d" for a lone surrogate: half an emoji, as cut pages have it.
    data = {"@type": "NewsArticle", "headline": "Park opens \ud83d", "author": "Ana \udc00 Ruiz"}
    article = extract_article(page(jsonld(data)))
    assert article.title == "Park opens \ufffd"
    assert article.authors == ("Ana \ufffd Ruiz",)
    assert article.title.encode("utf-8")  # storable: no surrogate left


def test_microdata_article_body() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        "<html><body><div itemscope itemtype='https://schema.org/NewsArticle'>"
        f"<div itemprop='articleBody'>{body}</div></div></body></html>"
    )
    assert extract_article(html).text.splitlines() == PARAGRAPHS


def test_declared_body_text_leaves_out_page_furniture_and_hidden_text() -> None:
    # A microdata articleBody element often wraps the tag list, the author box and widgets.
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    chrome = (
        "<footer><dl><dt>Tags</dt><dd><a href='/t'>Parks</a></dd></dl></footer>"
        "<aside><div>By</div> <a href='/a'>Editorial Staff</a></aside>"
        "<div style='display: none'>Thanks for watching!</div><button>Visit Website</button>"
        "<nav><a href='/next'>Next story</a></nav><div hidden>Loading comments</div>"
    )
    html = (
        "<html><body><div itemscope itemtype='https://schema.org/NewsArticle'>"
        f"<div itemprop='articleBody'>{body}{chrome}</div></div></body></html>"
    )
    tree = parse_html(html)
    assert tree is not None
    assert declared_metadata(tree).microdata_body == "\n".join(PARAGRAPHS)


def test_opengraph_and_meta() -> None:
    head = (
        "<title>Council expands park | Example</title>"
        "<meta property='og:title' content='Council expands riverside park'>"
        "<meta property='og:site_name' content='Example News'>"
        "<meta property='og:image' content='https://cdn.example/park.jpg'>"
        "<meta property='og:description' content='Twelve more hectares.'>"
        "<meta property='og:url' content='https://news.example/og-url'>"
        "<meta property='og:locale' content='fr_FR'>"
        "<meta property='article:published_time' content='2019-11-18'>"
        "<meta name='author' content='Claire Dupont'>"
        "<link rel='canonical' href='/a/park'>"
    )
    article = extract_article(page(head), url="https://news.example/a/park?utm=x")
    assert article.title == "Council expands riverside park"
    assert article.site_name == "Example News"
    assert article.image == "https://cdn.example/park.jpg"
    assert article.description == "Twelve more hectares."
    assert article.canonical_url == "https://news.example/a/park"  # <link> beats og:url
    assert article.language == "fr"
    assert article.published == datetime(2019, 11, 18, tzinfo=UTC)
    assert article.authors == ("Claire Dupont",)


def test_og_url_when_no_canonical_link() -> None:
    head = "<meta property='og:url' content='https://news.example/og-url'>"
    assert extract_article(page(head)).canonical_url == "https://news.example/og-url"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-11-18T10:30:00+01:00", datetime(2019, 11, 18, 9, 30, tzinfo=UTC)),
        ("2019-11-18 10:30", datetime(2019, 11, 18, 10, 30, tzinfo=UTC)),
        ("Mon, 18 Nov 2019 10:30:00 EST", datetime(2019, 11, 18, 15, 30, tzinfo=UTC)),
        ("November 18, 2019", datetime(2019, 11, 18, tzinfo=UTC)),
        ("not a date", None),
        ("November 18", None),  # no year: not filled in from today's date
    ],
)
def test_dates_are_utc_aware(value: str, expected: datetime | None) -> None:
    head = f"<meta property='article:published_time' content='{value}'><title>T</title>"
    assert extract_article(page(head)).published == expected


def test_html_lang_and_detected_language() -> None:
    assert extract_article(page(html_attrs="lang='pt-BR'")).language == "pt"
    assert extract_article(page()).language == "en"  # nothing declared: guessed from text


def test_headline_repeated_in_the_body_is_dropped() -> None:
    head = "<meta property='og:title' content='Council expands riverside park'>"
    assert "Council expands" not in extract_article(page(head)).text


def test_headline_repeated_after_the_lede_is_dropped_too() -> None:
    head = "<meta property='og:title' content='Council expands riverside park'>"
    body = "".join(
        f"<p>{p}</p>" for p in [PARAGRAPHS[0], "Council expands riverside park", *PARAGRAPHS[1:]]
    )
    assert extract_article(page(head, body=body)).text.splitlines() == PARAGRAPHS


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n ",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 50,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20,
        "Plain text without any markup at all. " * 40,
        '{"not": "html", "items": [1, 2, 3]}',
        "<html><head><title>Empty</title></head><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
    ],
)
def test_no_article_raises(data: bytes | str) -> None:
    with pytest.raises(ExtractError):
        extract_article(data)


def test_hostile_deep_nesting_does_not_crash() -> None:
    html = "<html><body>" + "<div>" * 50_000 + "<p>deep</p>" + "</div>" * 50_000 + "</body></html>"
    with contextlib.suppress(ExtractError):
        extract_article(html)


def test_hostile_5mb_of_junk_markup() -> None:
    junk = "x<b>y</i>&amp;<<>><td>" * 250_000
    html = page(body="".join(f"<p>{p}</p>" for p in PARAGRAPHS) + f"<div>{junk}</div>")
    assert len(html) > 5_000_000
    try:
        article = extract_article(html)
    except ExtractError:
        return
    assert isinstance(article.text, str)


def test_too_many_elements_is_refused_quickly() -> None:
    html = page(body="<p>" + PARAGRAPHS[0] + "</p>" + "<span>a</span>" * 200_000)
    with pytest.raises(ExtractError, match="too large"):
        extract_article(html)


def test_scripts_and_styles_are_not_text() -> None:
    body = (
        "<script>var secret = 'do not show';" + "x=1;" * 10_000 + "</script>"
        "<style>.a{color:red}</style>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    )
    text = extract_article(page(body=body)).text
    assert "secret" not in text and "color" not in text
    assert text.splitlines() == PARAGRAPHS


def test_broken_markup() -> None:
    body = "<p>" + "</span><p><div>".join(PARAGRAPHS) + "<table><tr><td>"
    text = extract_article(page(body=body)).text
    assert PARAGRAPHS[1] in text


def test_xhtml_with_xml_declaration() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>' + page()
    assert extract_article(html.encode()).text.splitlines() == PARAGRAPHS


def test_short_chrome_lines_go_but_paragraphs_starting_alike_stay() -> None:
    kept = (
        "Subscribers to the city's newsletter were the first to learn of the vote, which "
        "followed a long evening of public comment from residents of both districts."
    )
    body = (
        f"<p>{PARAGRAPHS[0]}</p><p>READ MORE: Mayor wins second term [VIDEO]</p>"
        f"<p>{PARAGRAPHS[1]}</p><p>Advertisement</p><p>{kept}</p><p>{PARAGRAPHS[2]}</p>"
    )
    text = extract_article(page(body=body)).text
    assert "READ MORE" not in text and "Advertisement" not in text
    assert kept in text


def test_rescued_declared_body_loses_its_chrome_lines_too() -> None:
    declared = "\n".join([PARAGRAPHS[0], "ADVERTISEMENT", *PARAGRAPHS[1:], "Tags:"])
    html = page(
        jsonld({"@type": "NewsArticle", "articleBody": declared}), body=f"<p>{PARAGRAPHS[0]}</p>"
    )
    assert extract_article(html).text.splitlines() == PARAGRAPHS


@pytest.mark.parametrize(
    "line",
    [
        "(Reporting by Jane Roe in London; Editing by John Doe)",
        "Additional reporting by Jane Roe.",
        "Jane Roe contributed reporting from Berlin.",
        "Associated Press writers Jane Roe and John Doe contributed to this report.",
        "5 min read",
        "Reading time: 3 minutes",
        "Tempo de leitura: 2 minutos",
    ],
)
def test_credit_and_reading_time_lines_go(line: str) -> None:
    body = "".join(f"<p>{p}</p>" for p in [line, *PARAGRAPHS, line])
    assert extract_article(page(body=body)).text.splitlines() == PARAGRAPHS


def test_ordinary_lines_that_start_like_chrome_stay() -> None:
    lines = [
        "See more photos of the new park on the council's website.",
        "Share this with us.",
        "The doctors contributed money and raised more from friends to pay for the vaccines.",
        "Reporting by the local paper first drew attention to the closed bridges.",
        "Reading time with the children was cut short by the storm.",
    ]
    body = "".join(f"<p>{p}</p>" for p in [PARAGRAPHS[0], *lines, *PARAGRAPHS[1:]])
    text = extract_article(page(body=body)).text
    assert all(line in text for line in lines)


def count_trafilatura_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    runs: list[bool] = []
    real = trafilatura.extract

    def counting(*args: Any, **kwargs: Any) -> str | None:
        runs.append(bool(kwargs.get("favor_precision")))
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura, "extract", counting)
    return runs


def test_a_long_precise_run_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = count_trafilatura_runs(monkeypatch)
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 3)
    assert len(extract_article(page(body=body)).text.split()) > 200
    assert runs == [True]


def test_a_short_precise_run_is_checked_against_a_plain_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = count_trafilatura_runs(monkeypatch)
    assert extract_article(page()).text.splitlines() == PARAGRAPHS
    assert runs == [True, False]


def test_trafilatura_leaves_the_shared_tree_alone() -> None:
    # Both runs and the metadata readers share one parse: that is only sound while
    # trafilatura prunes a copy of a tree it is given (2.3.1 does), not the tree itself.
    tree = parse_html(page(body="<div class='comments'><p>First!</p></div>" + "<p>x</p>" * 3))
    assert tree is not None
    before = etree.tostring(tree)
    for precise in (True, False):
        article_module._trafilatura(tree, None, precise=precise)
    assert etree.tostring(tree) == before
