"""Redirects are followed by hand: counted, resolved, checked, and classified."""

from __future__ import annotations

import pytest

from newsdesk.errors import TooManyRedirects
from newsdesk.fetch import Fetcher
from tests.integration.fetch.conftest import options
from tests.support.trickster import FEED, Trickster


async def test_301_chain_sets_permanent_url(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(server.url("/chain?codes=301,308"), max_bytes=1_000_000)
    assert result.body == FEED
    assert result.url == server.url("/chain?codes=")
    assert result.permanent_url == result.url
    assert len(server.requests) == 3


async def test_302_gives_no_permanent_url(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(server.url("/chain?codes=301,302"), max_bytes=1_000_000)
    assert result.status == 200
    assert result.permanent_url is None


async def test_redirect_loop(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        with pytest.raises(TooManyRedirects, match="loop"):
            await fetcher.get(server.url("/loop/a"), max_bytes=1000)
    assert server.paths() == ["/loop/a", "/loop/b"]


async def test_five_hops_allowed_six_refused(server: Trickster) -> None:
    async with Fetcher(options(max_redirects=5)) as fetcher:
        five = await fetcher.get(server.url("/hops/5"), max_bytes=1_000_000)
        assert five.permanent_url == server.url("/feed")
        with pytest.raises(TooManyRedirects):
            await fetcher.get(server.url("/hops/6"), max_bytes=1_000_000)
    assert "/feed" not in server.paths()[6:]  # the sixth hop's target was never asked


async def test_relative_location(server: Trickster) -> None:
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(server.url("/dir/sub/relative"), max_bytes=1_000_000)
    assert result.url == server.url("/dir/feed?rel=1")
    assert result.body == FEED


async def test_redirect_to_non_http_scheme_refused(server: Trickster) -> None:
    from newsdesk.errors import InvalidURL

    async with Fetcher(options()) as fetcher:
        with pytest.raises(InvalidURL):
            await fetcher.get(server.url("/redirect?to=file:///etc/passwd"), max_bytes=1000)
