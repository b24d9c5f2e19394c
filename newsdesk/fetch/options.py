"""FetchOptions: the fetching settings the HTTP adapter needs, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdesk.config import Settings

__all__ = ["FetchOptions"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchOptions:
    """How the Fetcher talks to the web. Field names and meanings are those of ``Settings``.

    Size caps are not here: each call to ``Fetcher.get`` passes its own ``max_bytes``
    (``max_feed_bytes`` for feeds, ``max_page_bytes`` for pages).
    """

    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_redirects: int = 5
    retries: int = 2
    retry_backoff: float = 1.0
    max_retry_after: float = 30.0
    global_concurrency: int = 32
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0
    respect_robots: bool = True
    allow_private_networks: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchOptions:
        """Copy the fetching fields of ``settings``."""
        return cls(
            user_agent=settings.user_agent,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            total_timeout=settings.total_timeout,
            max_redirects=settings.max_redirects,
            retries=settings.retries,
            retry_backoff=settings.retry_backoff,
            max_retry_after=settings.max_retry_after,
            global_concurrency=settings.global_concurrency,
            per_host_concurrency=settings.per_host_concurrency,
            per_host_delay=settings.per_host_delay,
            respect_robots=settings.respect_robots,
            allow_private_networks=settings.allow_private_networks,
        )
