"""SSRF guard: private targets refused after DNS and on every hop; pinning to the
checked address. Nothing here ever connects anywhere but 127.0.0.1."""

from __future__ import annotations

import pytest

from newsdesk.errors import BlockedAddress, DNSFailure
from newsdesk.fetch import Fetcher, is_public_address
from tests.integration.fetch.conftest import options
from tests.support.trickster import FEED, LoopbackTransport, Trickster, static_resolver

PUBLIC = "93.184.216.34"  # looks public to the guard; LoopbackTransport never dials it


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "169.254.1.1", "100.64.0.1", "100.127.255.255", "0.0.0.0",
        "224.0.0.1", "255.255.255.255", "240.0.0.1", "192.0.2.1", "::", "::1", "fc00::1",
        "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
        "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::1",
    ],
)  # fmt: skip
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1",
                "2606:4700:4700::1111", "::ffff:8.8.8.8"],
)  # fmt: skip
def test_public_addresses(address: str) -> None:
    assert is_public_address(address)


async def test_loopback_blocked_by_default(server: Trickster) -> None:
    async with Fetcher(options(allow_private_networks=False)) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.get(server.url("/feed"), max_bytes=1000)
        with pytest.raises(BlockedAddress):
            await fetcher.get(server.url("/feed"), max_bytes=1000, check_robots=True)
    assert server.requests == []


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "::ffff:127.0.0.1"])
async def test_names_resolving_to_private_blocked(address: str) -> None:
    resolver = static_resolver({"intranet.example": [address]})
    async with Fetcher(options(allow_private_networks=False), resolver=resolver) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.get("http://intranet.example/latest", max_bytes=1000)


async def test_one_private_answer_among_public_ones_blocks() -> None:
    resolver = static_resolver({"mixed.example": [PUBLIC, "10.1.2.3"]})
    async with Fetcher(options(allow_private_networks=False), resolver=resolver) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.get("http://mixed.example/", max_bytes=1000)


async def test_unknown_name_is_dns_failure() -> None:
    async with Fetcher(options(), resolver=static_resolver({})) as fetcher:
        with pytest.raises(DNSFailure):
            await fetcher.get("http://nowhere.example/feed", max_bytes=1000)


async def test_private_allowed_when_enabled(server: Trickster) -> None:
    async with Fetcher(options(allow_private_networks=True)) as fetcher:
        result = await fetcher.get(server.url("/feed"), max_bytes=1_000_000)
    assert result.body == FEED


async def test_connection_goes_to_the_checked_address(server: Trickster) -> None:
    # "feed.example" resolves only through our resolver; the default transport must dial
    # the address the guard checked, while Host and the URL keep the name.
    resolver = static_resolver({"feed.example": ["127.0.0.1"]})
    async with Fetcher(options(), resolver=resolver) as fetcher:
        result = await fetcher.get(server.url("/feed", host="feed.example"), max_bytes=1_000_000)
    assert result.url == server.url("/feed", host="feed.example")
    assert server.requests[0].headers["host"] == f"feed.example:{server.port}"


async def test_international_name_resolved_and_pinned_in_idna_form(server: Trickster) -> None:
    resolver = static_resolver({"xn--bcher-kva.example": ["127.0.0.1"]})
    async with Fetcher(options(), resolver=resolver) as fetcher:
        result = await fetcher.get(server.url("/feed", host="bücher.example"), max_bytes=100_000)
    assert result.status == 200
    assert server.requests[0].headers["host"] == f"xn--bcher-kva.example:{server.port}"


@pytest.mark.parametrize("target", ["http://127.0.0.1/feed", "http://intranet.example/feed"])
async def test_redirect_from_public_to_private_blocked(server: Trickster, target: str) -> None:
    resolver = static_resolver({"news.example": [PUBLIC], "intranet.example": ["10.0.0.1"]})
    async with Fetcher(
        options(allow_private_networks=False),
        resolver=resolver,
        transport=LoopbackTransport(server.port),
    ) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.get(f"http://news.example/redirect?to={target}", max_bytes=1000)
    assert server.paths() == [f"/redirect?to={target}"]
