"""Trickster: a local HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose.

It runs on the test's own event loop (``asyncio.start_server``), answers one request per
connection (``Connection: close``) and records every request with its monotonic arrival
time, so tests can measure pacing and concurrency from the server's side.

Routes (see ``Trickster._route``)::

    /feed              RSS, gzip/br/zstd as asked (?coding= picks one), ETag "v1",
                       304 on If-None-Match "v1"
    /hops/N            N redirects (301) down to /feed; /hops302/N the same with 302
    /chain?codes=301,308   one redirect per listed code, then /feed
    /loop/a  /loop/b   redirect to each other
    /dir/sub/relative  Location: ../feed?rel=1 (relative)
    /status/NNN        that status; ?retry_after=X adds Retry-After
    /flaky/KEY?fail=N&status=503&retry_after=X   fails N times per KEY, then /feed
    /big?mb=50[&length=1]   MB of bytes, streamed 64 KiB at a time
    /bomb              ~50 MB of zeros gzip-compressed to ~50 KB
    /trickle           one byte every ``trickle_interval`` seconds
    /slow              answers after ``slow_delay`` seconds (tracks concurrency)
    /redirect?to=URL   a 302 to any URL
    /garbage           a reply that is not HTTP
    /robots.txt        ``robots`` = (status, body)
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

import brotli
import httpx
import zstandard

from newsdesk.fetch import Resolver

__all__ = ["FEED", "LoopbackTransport", "Seen", "Trickster", "static_resolver"]

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>T</title>'
    + b"".join(b"<item><title>item %d</title></item>" % i for i in range(200))
    + b"</channel></rss>\n"
)
_BOMB = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
_REASONS = {200: "OK", 301: "Moved", 302: "Found", 304: "Not Modified", 404: "Not Found"}


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the server saw it."""

    at: float
    path: str
    headers: dict[str, str]


@dataclass(slots=True)
class Trickster:
    robots: tuple[int, bytes] = (404, b"")
    slow_delay: float = 0.3
    trickle_interval: float = 0.2
    requests: list[Seen] = field(default_factory=list)
    bytes_sent: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    max_in_flight: int = 0
    _failures: dict[str, int] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None  # serve HTTPS with this context when set
    _server: asyncio.Server | None = None
    port: int = 0

    async def __aenter__(self) -> Trickster:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            _method, target, _version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            self.requests.append(Seen(time.monotonic(), target, headers))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await self._route(target, headers, writer)
            finally:
                self.in_flight -= 1
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    @staticmethod
    def _head(status: int, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}"]
        lines += [f"{k}: {v}" for k, v in {**headers, "Connection": "close"}.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def _send(
        self, writer: asyncio.StreamWriter, status: int, body: bytes = b"", **headers: str
    ) -> None:
        hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
        hdrs["Content-Length"] = str(len(body))
        writer.write(self._head(status, hdrs) + body)
        await writer.drain()

    async def _redirect(self, writer: asyncio.StreamWriter, status: int, location: str) -> None:
        await self._send(writer, status, Location=location)

    async def _feed(
        self, writer: asyncio.StreamWriter, headers: dict[str, str], prefer: str | None = None
    ) -> None:
        if headers.get("if-none-match") == '"v1"':
            await self._send(writer, 304, ETag='"v1"')
            return
        accepted = [c.strip() for c in headers.get("accept-encoding", "").split(",")]
        extra = {
            "Content_Type": "application/rss+xml; charset=utf-8",
            "ETag": '"v1"',
            "Last_Modified": "Sat, 28 Nov 2026 10:00:00 GMT",
            "Cache_Control": "public, max-age=600",
        }
        encoders = {
            "gzip": gzip.compress,
            "br": brotli.compress,
            "zstd": zstandard.ZstdCompressor().compress,
        }
        order = [prefer] if prefer else list(encoders)
        for coding in order:
            if coding in accepted and coding in encoders:
                body = encoders[coding](FEED)
                await self._send(writer, 200, body, Content_Encoding=coding, **extra)
                return
        await self._send(writer, 200, FEED, **extra)

    async def _stream(
        self, writer: asyncio.StreamWriter, key: str, head: bytes, chunks: AsyncIterator[bytes]
    ) -> None:
        writer.write(head)
        await writer.drain()
        async for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            self.bytes_sent[key] = self.bytes_sent.get(key, 0) + len(chunk)

    async def _route(
        self, target: str, headers: dict[str, str], writer: asyncio.StreamWriter
    ) -> None:
        parts = urlsplit(target)
        path = parts.path
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if path == "/feed":
            await self._feed(writer, headers, query.get("coding"))
        elif path.startswith(("/hops/", "/hops302/")):
            n = int(path.rsplit("/", 1)[1])
            code = 302 if path.startswith("/hops302/") else 301
            nxt = f"/{path.split('/')[1]}/{n - 1}" if n > 1 else "/feed"
            await self._redirect(writer, code, self.url(nxt))
        elif path == "/chain":
            codes = [c for c in query.get("codes", "").split(",") if c]
            if not codes:
                await self._feed(writer, headers)
            else:
                rest = ",".join(codes[1:])
                await self._redirect(writer, int(codes[0]), f"/chain?codes={rest}")
        elif path == "/loop/a":
            await self._redirect(writer, 302, "/loop/b")
        elif path == "/loop/b":
            await self._redirect(writer, 302, "/loop/a")
        elif path == "/dir/sub/relative":
            await self._redirect(writer, 302, "../feed?rel=1")
        elif path == "/dir/feed":
            await self._feed(writer, headers)
        elif path.startswith("/status/"):
            extra = {"Retry_After": query["retry_after"]} if "retry_after" in query else {}
            await self._send(writer, int(path.rsplit("/", 1)[1]), b"nope", **extra)
        elif path.startswith("/flaky/"):
            key = path.rsplit("/", 1)[1]
            seen = self._failures.get(key, 0)
            if seen < int(query.get("fail", "1")):
                self._failures[key] = seen + 1
                extra = {"Retry_After": query["retry_after"]} if "retry_after" in query else {}
                await self._send(writer, int(query.get("status", "503")), b"later", **extra)
            else:
                await self._feed(writer, headers)
        elif path == "/big":
            await self._big(writer, int(query.get("mb", "50")), "length" in query)
        elif path == "/bomb":
            await self._send(
                writer, 200, _BOMB, Content_Encoding="gzip", Content_Type="application/rss+xml"
            )
        elif path == "/trickle":
            await self._trickle(writer)
        elif path == "/slow":
            await asyncio.sleep(self.slow_delay)
            await self._send(writer, 200, b"slow", Content_Type="text/plain")
        elif path == "/redirect":
            await self._redirect(writer, 302, query["to"])
        elif path == "/garbage":
            writer.write(b"THIS IS NOT HTTP\r\n\r\n")
            await writer.drain()
        elif path == "/robots.txt":
            status, body = self.robots
            await self._send(writer, status, body, Content_Type="text/plain")
        else:
            await self._send(writer, 404, b"no such route")

    async def _big(self, writer: asyncio.StreamWriter, mb: int, with_length: bool) -> None:
        size = mb * 1_000_000
        hdrs = {"Content-Type": "application/octet-stream"}
        if with_length:
            hdrs["Content-Length"] = str(size)

        async def chunks() -> AsyncIterator[bytes]:
            block = b"x" * 65_536
            sent = 0
            while sent < size:
                piece = block[: size - sent]
                sent += len(piece)
                yield piece

        await self._stream(writer, "/big", self._head(200, hdrs), chunks())

    async def _trickle(self, writer: asyncio.StreamWriter) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(100):
                await asyncio.sleep(self.trickle_interval)
                yield b"."

        head = self._head(200, {"Content-Length": "100", "Content-Type": "text/plain"})
        await self._stream(writer, "/trickle", head, chunks())


def static_resolver(table: dict[str, list[str]]) -> Resolver:
    """A resolver answering from ``table``; unknown names fail like a real NXDOMAIN."""

    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} not in the test table")
        return list(table[host])

    return resolve


class LoopbackTransport(httpx.AsyncBaseTransport):
    """Sends every request to 127.0.0.1:``port`` whatever its URL says (Host kept).

    For tests that make the SSRF guard see a public address while the bytes still go to
    the local Trickster: the guard checks the resolver's answer, this transport connects.
    """

    def __init__(self, port: int) -> None:
        self._port = port
        self._inner = httpx.AsyncHTTPTransport(trust_env=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host="127.0.0.1", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
