"""SSRF guard: which URLs and addresses the fetcher may connect to.

A URL is fetchable when its scheme is http or https and *every* address its host resolves
to is a public unicast address. Refused: loopback, private (RFC 1918, fc00::/7), link-local
(169.254/16 with the cloud metadata address, fe80::/10), CGNAT 100.64/10, unspecified,
multicast, reserved and documentation ranges, and IPv6 forms that embed one of those
(IPv4-mapped, NAT64, 6to4, Teredo). The check runs after DNS resolution and again on
every redirect hop; the fetcher then connects to the checked address itself (see
``transport.PinnedTransport``), so a DNS answer that changes between check and connect
(DNS rebinding) cannot redirect the connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import httpx

from newsdesk.errors import BlockedAddress, DNSFailure, InvalidURL

__all__ = [
    "Resolver",
    "check_address",
    "is_public_address",
    "parse_http_url",
    "resolve_checked",
    "system_resolver",
]

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) -> [ip, ...]``; raises OSError (e.g. ``socket.gaierror``) on failure."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Spelled out, not left to ``is_global``, so the list reads as the policy it is.
_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",
        "100.64.0.0/10",  # CGNAT shared address space
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, incl. 169.254.169.254 cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. broadcast
        "::/128",
        "::1/128",
        "100::/64",  # discard-only
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_public_address(address: str | IPAddress) -> bool:
    """True when ``address`` is a public unicast address we may connect to.

    Raises ValueError when ``address`` is not an IP address.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d on the wire
            return is_public_address(ip.ipv4_mapped)
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public_address(embedded):
            return False
    if any(ip.version == net.version and ip in net for net in _BLOCKED_NETWORKS):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_address(address: str, *, host: str) -> None:
    """Raise BlockedAddress unless ``address`` (resolved from ``host``) is public."""
    try:
        public = is_public_address(address)
    except ValueError as exc:
        raise BlockedAddress(f"{host} resolved to a non-address {address!r}") from exc
    if not public:
        raise BlockedAddress(f"{host} resolves to a non-public address {address}")


def parse_http_url(url: str | httpx.URL) -> httpx.URL:
    """Parse ``url``; raise InvalidURL unless it is an absolute http(s) URL with a host."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidURL(f"unparseable URL {url!r}: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        raise InvalidURL(f"not an http(s) URL: {str(url)[:200]!r}")
    if not parsed.host:
        raise InvalidURL(f"URL without a host: {str(url)[:200]!r}")
    return parsed


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the event loop's getaddrinfo; the default resolver."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = str(sockaddr[0]).split("%", 1)[0] if ":" in str(sockaddr[0]) else str(sockaddr[0])
        if ip not in seen:
            seen.append(ip)
    return seen


async def resolve_checked(
    url: httpx.URL,
    *,
    resolver: Resolver,
    allow_private: bool,
    timeout: float,
) -> str:
    """Resolve the host of ``url`` and return the address to connect to.

    An IP-literal host is not resolved. Every resolved address must pass
    ``is_public_address`` unless ``allow_private``. Raises DNSFailure, BlockedAddress.
    """
    host = url.raw_host.decode("ascii").lower()  # IDNA-encoded, as it goes on the wire
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if not allow_private:
            check_address(host, host=host)
        return host
    try:
        async with asyncio.timeout(timeout):
            addresses = await resolver(host, port)
    except TimeoutError as exc:
        raise DNSFailure(f"resolving {host} timed out") from exc
    except (OSError, UnicodeError) as exc:
        raise DNSFailure(f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise DNSFailure(f"{host} has no address")
    if not allow_private:
        for address in addresses:
            check_address(address, host=host)
    return addresses[0]
