"""A transport that connects to the address the SSRF guard checked, not to a fresh lookup.

The fetcher resolves and checks a host, then runs the request inside ``pinned(host, ip)``.
``PinnedTransport`` is an ``httpx.AsyncHTTPTransport`` whose connection pool dials through
a network backend that swaps the host name for that pinned address. Everything else stays
keyed by the host name: the connection pool (so two names on one CDN address never share
a connection), TLS SNI and certificate verification, and the Host header.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import httpcore
import httpx

__all__ = ["PinnedTransport", "pinned"]

_NO_PINS: Mapping[str, str] = MappingProxyType({})
_PINS: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "newsdesk_fetch_pins", default=_NO_PINS
)


@contextlib.contextmanager
def pinned(host: str, address: str) -> Iterator[None]:
    """Within this block (and this task), connections to ``host`` go to ``address``."""
    token = _PINS.set({**_PINS.get(), host.lower(): address})
    try:
        yield
    finally:
        _PINS.reset(token)


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Dials the pinned address for a host; refuses a host that was not pinned."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = _PINS.get().get(host.lower().strip("[]"))
        if address is None:
            # Fail closed: a connection whose address the guard never saw is a bug.
            raise httpcore.ConnectError(f"no checked address for {host}")
        return await self._inner.connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` (no proxy) that connects only to pinned addresses.

    ``ssl_context`` defaults to httpx's (certifi roots, hostname checking on).
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        http2: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(limits=limits, http2=http2, trust_env=False)
        # httpx builds its pool without a backend argument, so rebuild it with ours, with
        # the arguments httpx 0.28's AsyncHTTPTransport.__init__ uses. ``_pool`` is private
        # to httpx: the pinning tests fail loudly if a new httpx stops reading it.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
            network_backend=_PinnedBackend(httpcore.AnyIOBackend()),
        )
