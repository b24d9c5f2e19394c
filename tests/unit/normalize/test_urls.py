"""canonicalize_url, registered_domain, same_site: one row per rule."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from newsdesk.errors import InvalidURL
from newsdesk.normalize import canonicalize_url, is_tracking_param, registered_domain, same_site
from newsdesk.normalize.urls import MAX_URL_LENGTH


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host case
        ("HTTP://Example.COM/Path", "http://example.com/Path"),
        ("HtTpS://WWW.Example.com/a", "https://www.example.com/a"),
        # default ports dropped, others kept
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        # empty path, fragment, stray "?"
        ("https://example.com", "https://example.com/"),
        ("https://example.com#top", "https://example.com/"),
        ("https://example.com/a?#frag", "https://example.com/a"),
        # trailing slash kept as given
        ("https://example.com/a/", "https://example.com/a/"),
        ("https://example.com/a", "https://example.com/a"),
        # dot segments
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/../../a", "https://example.com/a"),
        ("https://example.com/a/b/..", "https://example.com/a/"),
        ("https://example.com/a/%2E%2E/b", "https://example.com/b"),
        # percent-encoding: upper-case hex, unreserved decoded, reserved kept
        ("https://example.com/%7euser/%e3%81%82", "https://example.com/~user/%E3%81%82"),
        ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
        ("https://example.com/%41%42%2D", "https://example.com/AB-"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/a b/日本", "https://example.com/a%20b/%E6%97%A5%E6%9C%AC"),
        ("https://example.com/?q=%7e%20x", "https://example.com/?q=~%20x"),
        # tracking parameters dropped, others kept in order
        ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
        ("https://example.com/a?b=2&utm_campaign=x&a=1", "https://example.com/a?b=2&a=1"),
        ("https://example.com/a?UTM_Source=x&FBCLID=y&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?gclid=1&msclkid=2&yclid=3&igshid=4", "https://example.com/a"),
        ("https://example.com/a?mc_cid=1&mc_eid=2&_ga=3&_hsenc=4&_hsmi=5", "https://example.com/a"),
        (
            "https://www.bbc.co.uk/news/x?at_medium=RSS&at_campaign=KARANGA",
            "https://www.bbc.co.uk/news/x",
        ),
        ("https://www.theguardian.com/x?CMP=share_btn_tw", "https://www.theguardian.com/x"),
        ("https://www.lemonde.fr/x.html?xtor=RSS-3208", "https://www.lemonde.fr/x.html"),
        (
            "https://www.heise.de/news/x.html?wt_mc=rss.ho.beitrag.rdf",
            "https://www.heise.de/news/x.html",
        ),
        (
            "http://www.nytimes.com/2017/01/06/us/x.html?partner=rss&emc=rss",
            "http://www.nytimes.com/2017/01/06/us/x.html?partner=rss",
        ),
        (
            "http://www.dailymail.co.uk/news/index.html?ITO=1490&ns_mchannel=rss&ns_campaign=1490",
            "http://www.dailymail.co.uk/news/index.html",
        ),
        (
            "https://example.com/a?ref=home&source=rss&cid=7",
            "https://example.com/a?ref=home&source=rss&cid=7",
        ),
        ("https://example.com/a?x=1&&y=2&", "https://example.com/a?x=1&y=2"),
        ("https://example.com/a?q=a+b&utm_term=z", "https://example.com/a?q=a+b"),
        # userinfo dropped, trailing dot on host dropped
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        # IDNA: unicode hosts become punycode; punycode stays
        ("https://bücher.de/x", "https://xn--bcher-kva.de/x"),
        ("https://日本語.jp/", "https://xn--wgv71a119e.jp/"),
        ("https://XN--WGV71A119E.jp/", "https://xn--wgv71a119e.jp/"),
        # IP literals
        ("http://192.168.0.1:80/", "http://192.168.0.1/"),
        ("https://[2001:DB8:0:0::1]:443/", "https://[2001:db8::1]/"),
        # whitespace and control characters removed
        ("  https://example.com/a\n  ", "https://example.com/a"),
        ("https://exam\tple.com/a", "https://example.com/a"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/b/c", "https://example.com/a/feed.xml", "https://example.com/b/c"),
        ("c?utm_source=x", "https://example.com/a/feed.xml", "https://example.com/a/c"),
        ("../x", "https://example.com/a/b/feed", "https://example.com/a/x"),
        ("//cdn.example.com/p", "https://example.com/", "https://cdn.example.com/p"),
        ("https://other.org/p", "https://example.com/", "https://other.org/p"),
        ("?page=2", "https://example.com/list?page=1", "https://example.com/list?page=2"),
    ],
)
def test_canonicalize_url_resolves_against_base(url: str, base: str, expected: str) -> None:
    assert canonicalize_url(url, base=base) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(document.cookie)",
        "data:text/html,<script>x</script>",
        "mailto:editor@example.com",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "//example.com/no-scheme",
        "example.com/no-scheme",
        "http://",
        "https:///path-only",
        "http://exa mple.com/",
        "http://example.com:99999/",
        "http://example.com:port/",
        "http://[::1",
        "http://[not-an-ip]/",
        "http://" + "a" * 64 + ".com/",
        "http://" + "a" * (MAX_URL_LENGTH + 1) + ".com/",
        "https://example.com/" + "x" * MAX_URL_LENGTH,
        "http://\ud800.com/",
    ],
)
def test_canonicalize_url_rejects(url: str) -> None:
    with pytest.raises(InvalidURL):
        canonicalize_url(url)


def test_relative_url_without_base_is_rejected() -> None:
    with pytest.raises(InvalidURL):
        canonicalize_url("/just/a/path")


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("x", "http://[::1"),
        ("x", "javascript:alert(1)"),
        ("x", "https://example.com/" + "a" * (MAX_URL_LENGTH + 1)),
        ("?q=" + "a" * 5000, "https://example.com/" + "b" * 5000),
    ],
)
def test_bad_base_is_rejected(url: str, base: str) -> None:
    with pytest.raises(InvalidURL):
        canonicalize_url(url, base=base)


def test_javascript_url_stays_rejected_with_a_base() -> None:
    with pytest.raises(InvalidURL):
        canonicalize_url("javascript:void(0)", base="https://example.com/")


def test_canonicalize_url_is_idempotent() -> None:
    once = canonicalize_url("HTTPS://Bücher.DE:443/a/../%7eb c?utm_source=x&k=%e2%82%ac#f")
    assert canonicalize_url(once) == once


def test_long_but_allowed_url_is_kept() -> None:
    url = "https://example.com/" + "a" * 4000 + "?q=" + "b" * 3000
    assert canonicalize_url(url) == url


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("utm_source", True),
        ("UTM_CONTENT", True),
        ("utm_whatever_new", True),
        ("ns_mchannel", True),
        ("at_custom3", True),
        ("fbclid", True),
        ("page", False),
        ("ref", False),
        ("id", False),
    ],
)
def test_is_tracking_param(name: str, expected: bool) -> None:
    assert is_tracking_param(name) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("https://news.bbc.co.uk/world", "bbc.co.uk"),
        ("https://www.nikkei.com/article/1", "nikkei.com"),
        ("https://www3.nhk.or.jp/news/", "nhk.or.jp"),
        ("https://en.yna.co.kr/view", "yna.co.kr"),
        ("https://www.cna.com.tw/", "cna.com.tw"),
        ("WWW.Example.COM:8080", "example.com"),
        ("example.com/path?q=1", "example.com"),
        ("//cdn.example.org/x", "example.org"),
        ("https://日本語.jp/", "xn--wgv71a119e.jp"),
        ("https://user.github.io/", "github.io"),
        ("localhost", "localhost"),
        ("http://127.0.0.1:8000/", "127.0.0.1"),
        ("http://[::1]/", "[::1]"),
    ],
)
def test_registered_domain(value: str, expected: str) -> None:
    assert registered_domain(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "http://", "exa mple.com"])
def test_registered_domain_rejects(value: str) -> None:
    with pytest.raises(InvalidURL):
        registered_domain(value)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("https://news.bbc.co.uk/a", "http://www.bbc.co.uk:8080/b", True),
        ("https://www.theguardian.com/", "theguardian.com", True),
        ("https://bbc.co.uk/", "https://bbc.com/", False),
        ("https://a.github.io/", "https://b.github.io/", True),
        ("https://example.co.jp/", "https://other.co.jp/", False),
    ],
)
def test_same_site(a: str, b: str, expected: bool) -> None:
    assert same_site(a, b) is expected


def test_registered_domain_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh offline extractor answers with every socket refused."""
    from newsdesk.normalize import urls

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    urls._extractor.cache_clear()
    try:
        assert registered_domain("https://www.asahi.com/articles/") == "asahi.com"
        assert registered_domain("https://news.example.co.uk/") == "example.co.uk"
    finally:
        urls._extractor.cache_clear()
