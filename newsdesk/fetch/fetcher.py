"""Fetcher: GET one URL politely and safely, and say exactly how it went.

One ``Fetcher`` owns one ``httpx.AsyncClient`` and the state shared by its requests: the
politeness budgets and the robots.txt cache. Every call of ``get`` goes through, in order:
URL check (http/https only), robots.txt (when asked), DNS resolution and the SSRF guard,
the politeness slot, then one HTTP exchange bounded by ``total_timeout`` and ``max_bytes``.
Redirects are followed here, hop by hop, so each hop is checked again; retries wrap the
whole chain. httpx exceptions never leave this module: they become ``FetchError``s.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType, TracebackType

import httpx

from newsdesk.errors import (
    BlockedAddress,
    ConnectFailure,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    RobotsDisallowed,
    TooLarge,
    TooManyRedirects,
)
from newsdesk.fetch.decoding import ACCEPT_ENCODING, DecodeFailed, decoder_for
from newsdesk.fetch.netguard import Resolver, parse_http_url, resolve_checked, system_resolver
from newsdesk.fetch.options import FetchOptions
from newsdesk.fetch.politeness import Politeness
from newsdesk.fetch.result import FetchResult, parse_retry_after
from newsdesk.fetch.robots import (
    ALLOW_ALL,
    DISALLOW_ALL,
    ROBOTS_MAX_BYTES,
    RobotsCache,
    RobotsRules,
)
from newsdesk.fetch.transport import PinnedTransport, pinned

__all__ = ["DEFAULT_ACCEPT", "Fetcher"]

log = logging.getLogger(__name__)

DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, "
    "text/html;q=0.7, */*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


def _retryable_status(status: int) -> bool:
    return status == 429 or (500 <= status < 600 and status not in (501, 505))


class _CertificateFailure(ConnectFailure):
    """A TLS certificate that does not verify: retrying will not change it."""


def _certificate_failed(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@dataclass(slots=True)
class _Progress:
    attempts: int = 0
    status: int | None = None
    final_url: str | None = None


@dataclass(frozen=True, slots=True)
class _Answer:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    permanent_url: str | None


class Fetcher:
    """An async HTTP client for feeds and pages. Use as ``async with Fetcher(opts) as f``.

    ``transport`` replaces the default one (which connects only to guard-checked
    addresses); ``resolver`` replaces ``loop.getaddrinfo`` for the SSRF guard and for the
    default transport's connections. ``clock`` (monotonic seconds), ``sleep`` and ``rng``
    are injectable for tests.
    """

    def __init__(
        self,
        options: FetchOptions,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._options = options
        self._resolver = resolver or system_resolver
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        connections = max(1, options.global_concurrency)
        limits = httpx.Limits(
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=5.0,
        )
        self._client = httpx.AsyncClient(
            transport=transport or PinnedTransport(limits=limits),
            timeout=httpx.Timeout(
                connect=options.connect_timeout,
                read=options.read_timeout,
                write=options.read_timeout,
                pool=options.total_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": options.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._politeness = Politeness(
            global_concurrency=options.global_concurrency,
            per_domain_concurrency=options.per_host_concurrency,
            per_domain_delay=options.per_host_delay,
            clock=clock,
            sleep=sleep,
        )
        self._robots = RobotsCache(clock=clock)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool. The Fetcher cannot be used afterwards."""
        await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int,
        check_robots: bool = False,
        accept: str | None = None,
    ) -> FetchResult:
        """GET ``url`` and return the final 2xx or 304 answer.

        ``etag``/``last_modified`` make the request conditional. ``max_bytes`` caps the
        decompressed body. ``check_robots`` consults robots.txt (when the options respect
        it). ``elapsed_ms`` covers the whole call: politeness waits, retries, redirects.

        Raises (all ``FetchError``): InvalidURL, DNSFailure, BlockedAddress,
        RobotsDisallowed, ConnectFailure, FetchTimeout, TooLarge, TooManyRedirects,
        HTTPStatusError (status and retry_after set; also when a Retry-After exceeds
        ``max_retry_after`` so the caller can reschedule).
        """
        return await self._get(
            url,
            etag=etag,
            last_modified=last_modified,
            max_bytes=max_bytes,
            check_robots=check_robots,
            accept=accept,
            truncate=False,
        )

    async def _get(
        self,
        url: str,
        *,
        etag: str | None,
        last_modified: str | None,
        max_bytes: int,
        check_robots: bool,
        accept: str | None,
        truncate: bool,
    ) -> FetchResult:
        started = self._clock()
        progress = _Progress()
        headers = {"Accept": accept or DEFAULT_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        robots = check_robots and self._options.respect_robots
        try:
            answer = await self._with_retries(
                url,
                headers,
                max_bytes=max_bytes,
                robots=robots,
                truncate=truncate,
                progress=progress,
            )
        except FetchError as exc:
            self._log(url, started, progress, exc)
            raise
        result = FetchResult(
            url=answer.url,
            status=answer.status,
            headers=answer.headers,
            body=answer.body,
            permanent_url=answer.permanent_url,
            elapsed_ms=self._elapsed_ms(started),
            attempts=progress.attempts,
        )
        self._log(url, started, progress, None)
        return result

    def _elapsed_ms(self, started: float) -> int:
        return max(0, round((self._clock() - started) * 1000))

    def _log(self, url: str, started: float, progress: _Progress, error: FetchError | None) -> None:
        status = error.status if isinstance(error, HTTPStatusError) else progress.status
        fields = {
            "url": url,
            "final_url": progress.final_url,
            "status": status,
            "elapsed_ms": self._elapsed_ms(started),
            "attempts": progress.attempts,
            "error_kind": error.kind if error is not None else None,
        }
        log.log(
            logging.INFO if error is None else logging.WARNING,
            "fetch url=%s status=%s elapsed_ms=%d attempts=%d error=%s%s",
            url,
            status,
            fields["elapsed_ms"],
            progress.attempts,
            fields["error_kind"] or "-",
            f" detail={error}" if error is not None else "",
            extra={"fetch": fields},
        )

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half fixed, half random."""
        base = self._options.retry_backoff * (2.0 ** (attempt - 1))
        return base / 2 + self._rng.uniform(0, base / 2)

    async def _with_retries(
        self,
        url: str,
        headers: dict[str, str],
        *,
        max_bytes: int,
        robots: bool,
        truncate: bool,
        progress: _Progress,
    ) -> _Answer:
        start = parse_http_url(url)
        last_attempt = max(0, self._options.retries) + 1
        for attempt in range(1, last_attempt + 1):
            progress.attempts = attempt
            try:
                return await self._follow(
                    start,
                    headers,
                    max_bytes=max_bytes,
                    robots=robots,
                    truncate=truncate,
                    progress=progress,
                )
            except _CertificateFailure:
                raise
            except (FetchTimeout, ConnectFailure):
                if attempt == last_attempt:
                    raise
                delay = self._backoff(attempt)
            except HTTPStatusError as exc:
                if not _retryable_status(exc.status):
                    raise
                if exc.retry_after is not None:
                    if exc.retry_after > self._options.max_retry_after:
                        raise  # the scheduler reschedules; waiting here would hog a worker
                    delay = exc.retry_after
                else:
                    delay = self._backoff(attempt)
                if attempt == last_attempt:
                    raise
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _follow(
        self,
        start: httpx.URL,
        headers: dict[str, str],
        *,
        max_bytes: int,
        robots: bool,
        truncate: bool,
        progress: _Progress,
    ) -> _Answer:
        current = start
        seen = {str(start)}
        hops = 0
        permanent = True
        while True:
            progress.final_url = str(current)
            if robots:
                await self._check_robots(current)
            status, response_headers, body = await self._exchange(
                current, headers, max_bytes=max_bytes, truncate=truncate
            )
            progress.status = status
            location = response_headers.get("location")
            if status in _REDIRECTS and location:
                hops += 1
                if hops > self._options.max_redirects:
                    raise TooManyRedirects(
                        f"{start}: more than {self._options.max_redirects} redirects"
                    )
                try:
                    target = parse_http_url(current.join(location.strip()))
                except httpx.InvalidURL as exc:
                    raise InvalidURL(f"bad redirect Location {location!r}: {exc}") from exc
                if str(target) in seen:
                    raise TooManyRedirects(f"{start}: redirect loop at {target}")
                seen.add(str(target))
                permanent = permanent and status in _PERMANENT
                current = target
                continue
            if status == 304 or 200 <= status < 300:
                final = str(current)
                return _Answer(
                    url=final,
                    status=status,
                    headers=response_headers,
                    body=body,
                    permanent_url=final if hops and permanent else None,
                )
            raise HTTPStatusError(
                f"HTTP {status} from {current}",
                status=status,
                retry_after=parse_retry_after(response_headers.get("retry-after"), now=time.time()),
            )

    async def _exchange(
        self, url: httpx.URL, headers: dict[str, str], *, max_bytes: int, truncate: bool
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One request/response, with the SSRF check, politeness and the total timeout."""
        opts = self._options
        host = url.raw_host.decode("ascii").lower()
        address = await resolve_checked(
            url,
            resolver=self._resolver,
            allow_private=opts.allow_private_networks,
            timeout=opts.connect_timeout,
        )
        async with self._politeness.slot(host):
            try:
                with pinned(host, address):
                    async with asyncio.timeout(opts.total_timeout):
                        request = self._client.build_request("GET", url, headers=headers)
                        response = await self._client.send(request, stream=True)
                        try:
                            return await _read(response, max_bytes=max_bytes, truncate=truncate)
                        finally:
                            await response.aclose()
            except TimeoutError as exc:
                raise FetchTimeout(f"{url}: no complete answer in {opts.total_timeout}s") from exc
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"{url}: {type(exc).__name__} {exc}") from exc
            except httpx.ConnectError as exc:
                if _certificate_failed(exc):
                    raise _CertificateFailure(f"{url}: TLS certificate refused: {exc}") from exc
                raise ConnectFailure(f"{url}: cannot connect: {exc}") from exc
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                raise ConnectFailure(f"{url}: connection failed: {exc}") from exc
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise InvalidURL(f"{url}: {exc}") from exc
            except (httpx.HTTPError, httpx.StreamError) as exc:
                raise FetchError(f"{url}: {type(exc).__name__} {exc}") from exc

    async def _check_robots(self, url: httpx.URL) -> None:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        rules = await self._robots.rules(origin, lambda: self._load_robots(origin))
        if not rules.allows(str(url), self._options.user_agent):
            raise RobotsDisallowed(f"{origin}/robots.txt disallows {url} ({rules.reason})")

    async def _load_robots(self, origin: str) -> RobotsRules:
        try:
            result = await self._get(
                f"{origin}/robots.txt",
                etag=None,
                last_modified=None,
                max_bytes=ROBOTS_MAX_BYTES,
                check_robots=False,
                accept="text/plain, */*;q=0.5",
                truncate=True,
            )
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return ALLOW_ALL
            return DISALLOW_ALL
        except BlockedAddress:
            raise
        except FetchError:
            return DISALLOW_ALL
        if result.status == 204:
            return ALLOW_ALL
        return RobotsRules.parse(result.body)


async def _read(
    response: httpx.Response, *, max_bytes: int, truncate: bool
) -> tuple[int, Mapping[str, str], bytes]:
    """Status, headers (lower-case keys) and the decoded body, at most ``max_bytes``."""
    status = response.status_code
    headers: Mapping[str, str] = MappingProxyType(dict(response.headers.items()))
    if status == 304 or not 200 <= status < 300:
        return status, headers, b""  # redirects and errors: the body is not wanted
    encoding = headers.get("content-encoding", "").strip().lower()
    length = headers.get("content-length", "")
    unencoded = encoding in ("", "identity")
    if not truncate and unencoded and length.isdigit() and int(length) > max_bytes:
        raise TooLarge(f"{response.url}: Content-Length {length} > {max_bytes} bytes")
    try:
        decoder = decoder_for(encoding)
        body = bytearray()
        async for chunk in response.aiter_raw():
            body += decoder.decode(chunk, max_bytes - len(body))
            if len(body) > max_bytes:
                break
        else:
            body += decoder.flush()
    except DecodeFailed as exc:
        raise FetchError(f"{response.url}: undecodable {encoding} body: {exc}") from exc
    if len(body) > max_bytes:
        if truncate:
            return status, headers, bytes(body[:max_bytes])
        raise TooLarge(f"{response.url}: body larger than {max_bytes} bytes after decoding")
    return status, headers, bytes(body)
