"""Plain GETs: compression, headers sent, conditional GET, status errors, logging."""

from __future__ import annotations

import logging

import pytest

from newsdesk.errors import ConnectFailure, FetchError, HTTPStatusError, InvalidURL
from newsdesk.fetch import Fetcher, FetchOptions, FetchResult
from tests.integration.fetch.conftest import UA, options
from tests.support.trickster import FEED, Trickster


async def test_200_gzip_decoded_with_project_headers(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(server.url("/feed"), max_bytes=1_000_000)
    assert isinstance(result, FetchResult)
    assert (result.status, result.body) == (200, FEED)
    assert result.headers["content-encoding"] == "gzip"
    assert result.content_type == "application/rss+xml"
    assert result.charset == "utf-8"
    assert result.cache_max_age == 600
    assert result.permanent_url is None
    assert result.attempts == 1
    assert result.url == server.url("/feed")
    sent = server.requests[0].headers
    assert sent["user-agent"] == UA
    for coding in ("gzip", "br", "zstd"):
        assert coding in sent["accept-encoding"]
    assert sent["accept"].startswith("application/rss+xml")
    assert "if-none-match" not in sent


@pytest.mark.parametrize("coding", ["br", "zstd"])
async def test_brotli_and_zstd_decoded(server: Trickster, coding: str) -> None:
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(server.url(f"/feed?coding={coding}"), max_bytes=1_000_000)
    assert result.headers["content-encoding"] == coding
    assert result.body == FEED


async def test_304_with_etag_and_last_modified(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(
            server.url("/feed"),
            etag='"v1"',
            last_modified="Sat, 28 Nov 2026 10:00:00 GMT",
            max_bytes=1_000_000,
        )
    assert result.status == 304
    assert result.not_modified
    assert result.body == b""
    sent = server.requests[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Sat, 28 Nov 2026 10:00:00 GMT"


def test_options_from_settings() -> None:
    from newsdesk.config import Settings

    settings = Settings(per_host_delay=0.5, allow_private_networks=True)
    opts = FetchOptions.from_settings(settings)
    assert opts.user_agent == settings.user_agent
    assert opts.per_host_delay == 0.5
    assert opts.allow_private_networks is True
    assert opts.max_redirects == settings.max_redirects


async def test_custom_accept(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        await fetcher.get(server.url("/feed"), max_bytes=1_000_000, accept="text/html")
    assert server.requests[0].headers["accept"] == "text/html"


@pytest.mark.parametrize("status", [404, 410, 403])
async def test_client_errors_raise_at_once(server: Trickster, status: int) -> None:
    async with Fetcher(options(retries=3)) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.get(server.url(f"/status/{status}"), max_bytes=1000)
    assert caught.value.status == status
    assert caught.value.kind == f"http_{status}"
    assert len(server.requests) == 1


async def test_protocol_garbage_is_a_fetch_error_not_an_httpx_one(server: Trickster) -> None:
    async with Fetcher(options(retries=0)) as fetcher:
        with pytest.raises(ConnectFailure) as caught:
            await fetcher.get(server.url("/garbage"), max_bytes=1000)
    assert caught.value.__cause__ is not None  # the httpx error is kept as the cause


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/feed", "file:///etc/passwd", "gopher://x/", "not a url", "/rel"]
)
async def test_non_http_urls_refused(url: str) -> None:
    async with Fetcher(options()) as fetcher:
        with pytest.raises(InvalidURL):
            await fetcher.get(url, max_bytes=1000)


async def test_one_structured_log_line_per_outcome(
    server: Trickster, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="newsdesk.fetch")
    async with Fetcher(options()) as fetcher:
        await fetcher.get(server.url("/feed"), max_bytes=1_000_000)
        with pytest.raises(FetchError):
            await fetcher.get(server.url("/status/404"), max_bytes=1000)
    records = [r for r in caplog.records if r.name.startswith("newsdesk.fetch")]
    assert len(records) == 2
    ok, failed = (r.__dict__["fetch"] for r in records)
    assert ok["url"] == server.url("/feed")
    assert ok["status"] == 200 and ok["attempts"] == 1 and ok["error_kind"] is None
    assert isinstance(ok["elapsed_ms"], int)
    assert failed["status"] == 404 and failed["error_kind"] == "http_404"
    assert records[1].levelno == logging.WARNING
    assert "status=404" in records[1].getMessage()
