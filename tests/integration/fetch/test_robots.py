"""robots.txt: fetched once per origin with our user agent; RFC 9309 failure rules."""

from __future__ import annotations

import pytest

from newsdesk.errors import RobotsDisallowed
from newsdesk.fetch import Fetcher
from tests.integration.fetch.conftest import UA, options
from tests.support.trickster import Trickster

ROBOTS = b"User-agent: *\nDisallow: /status/\n\nUser-agent: newsdesk\nDisallow: /hops/\n"


async def test_disallowed_for_our_agent_and_cached(server: Trickster) -> None:
    server.robots = (200, ROBOTS)
    async with Fetcher(options()) as fetcher:
        with pytest.raises(RobotsDisallowed):
            await fetcher.get(server.url("/hops/1"), max_bytes=1000, check_robots=True)
        # The "newsdesk" group applies, not "*": /status/ is allowed for us.
        result = await fetcher.get(server.url("/feed"), max_bytes=1_000_000, check_robots=True)
        assert result.status == 200
    assert server.paths() == ["/robots.txt", "/feed"]
    assert server.requests[0].headers["user-agent"] == UA


async def test_allowed_page_fetched(server: Trickster) -> None:
    server.robots = (200, b"User-agent: *\nDisallow: /private\n")
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(server.url("/feed"), max_bytes=1_000_000, check_robots=True)
    assert result.status == 200


async def test_404_robots_allows_all(server: Trickster) -> None:
    server.robots = (404, b"")
    async with Fetcher(options()) as fetcher:
        result = await fetcher.get(server.url("/feed"), max_bytes=1_000_000, check_robots=True)
        await fetcher.get(server.url("/feed"), max_bytes=1_000_000, check_robots=True)
    assert result.status == 200
    assert server.paths().count("/robots.txt") == 1


async def test_500_robots_disallows_all(server: Trickster) -> None:
    server.robots = (500, b"")
    async with Fetcher(options(retries=0)) as fetcher:
        with pytest.raises(RobotsDisallowed, match="unreachable"):
            await fetcher.get(server.url("/feed"), max_bytes=1000, check_robots=True)
    assert "/feed" not in server.paths()


async def test_unreachable_robots_disallows_all() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with Fetcher(options(retries=0)) as fetcher:
        with pytest.raises(RobotsDisallowed):
            await fetcher.get(f"http://127.0.0.1:{port}/feed", max_bytes=1000, check_robots=True)


async def test_robots_ignored_unless_asked_and_respected(server: Trickster) -> None:
    server.robots = (200, b"User-agent: *\nDisallow: /\n")
    async with Fetcher(options()) as fetcher:
        await fetcher.get(server.url("/feed"), max_bytes=1_000_000)  # feeds: not asked
    async with Fetcher(options(respect_robots=False)) as fetcher:
        await fetcher.get(server.url("/feed"), max_bytes=1_000_000, check_robots=True)
    assert server.paths() == ["/feed", "/feed"]
