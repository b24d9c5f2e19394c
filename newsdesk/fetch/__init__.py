"""HTTP adapter: conditional GET, politeness, robots.txt, size caps, SSRF guard.

Public API::

    async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
        result = await fetcher.get(url, etag=..., last_modified=..., max_bytes=...)

Failures raise the ``FetchError`` subclasses of ``newsdesk.errors``; httpx exceptions never
escape. Modules: ``fetcher`` (the client), ``netguard`` (SSRF checks), ``transport``
(connect to the checked address), ``politeness`` (per-domain and global limits),
``robots`` (robots.txt cache), ``decoding`` (bounded decompression), ``result``, ``options``.
"""

from newsdesk.fetch.fetcher import DEFAULT_ACCEPT, Fetcher
from newsdesk.fetch.netguard import Resolver, is_public_address
from newsdesk.fetch.options import FetchOptions
from newsdesk.fetch.politeness import politeness_key
from newsdesk.fetch.result import FetchResult

__all__ = [
    "DEFAULT_ACCEPT",
    "FetchOptions",
    "FetchResult",
    "Fetcher",
    "Resolver",
    "is_public_address",
    "politeness_key",
]
