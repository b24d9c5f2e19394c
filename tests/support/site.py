"""A local website for tests and benchmarks: serves recorded feeds and pages on loopback.

Routes map a path to bytes and headers. Every 200 answer carries an ETag, and a request
with a matching ``If-None-Match`` gets a 304, as a well-behaved news site would.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["Page", "Site", "benchmark_pages", "rss_feed"]


@dataclass(slots=True)
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    _etag: tuple[bytes | None, str] = field(default=(None, ""), init=False, repr=False)

    @property
    def etag(self) -> str:
        """The body's validator, worked out once per body (a benchmark serves the same
        pages many times, and this server should take as little CPU as it can)."""
        if self._etag[0] is not self.body:
            self._etag = (self.body, '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"')
        return self._etag[1]


class Site:
    """A threaded HTTP server on 127.0.0.1 with mutable routes; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Page] = {}
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("#", 1)[0]
                with site._lock:
                    site.hits[path] = site.hits.get(path, 0) + 1
                    page = site.routes.get(path)
                if page is not None and page.delay:
                    time.sleep(page.delay)
                if page is None:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                etag = page.etag
                if page.status == 200 and self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", {"ETag": etag})
                    return
                headers = {"Content-Type": page.content_type, **page.headers}
                if page.status == 200:
                    headers.setdefault("ETag", etag)
                self._send(page.status, page.body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            # socketserver's default listen backlog is 5: a client opening more connections
            # at once had SYNs dropped and waited a second for the retransmission
            request_queue_size = 128

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up (or was killed) is part of the tests

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        **kwargs: object,
    ) -> str:
        self.routes[path] = Page(body, content_type, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def rss_feed(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document; items are (guid, link, title)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>http://example.org/</link>",
    ]
    for guid, link, item_title in items:
        parts.append(
            f"<item><guid>{escape(guid)}</guid><link>{escape(link)}</link>"
            f"<title>{escape(item_title)}</title>"
            "<pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def benchmark_pages(data: Path) -> Iterator[tuple[str, str, bytes]]:
    """(page id, original URL, raw HTML) of every page of the extraction benchmark."""
    bench = data / "extraction-benchmark"
    truth = json.loads(gzip.decompress((bench / "ground-truth.json.gz").read_bytes()))
    for page_id, item in sorted(truth.items()):
        yield (
            page_id,
            item["url"],
            gzip.decompress((bench / "html" / f"{page_id}.html.gz").read_bytes()),
        )
