"""HTTPS through the pinned transport: the connection goes to the checked address while
SNI and certificate verification still use the host name."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from newsdesk.errors import ConnectFailure
from newsdesk.fetch import Fetcher
from newsdesk.fetch.transport import PinnedTransport
from tests.integration.fetch.conftest import options
from tests.support.trickster import FEED, Trickster, static_resolver

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

RESOLVER = static_resolver({"feed.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=feed.example",
         "-addext", "subjectAltName=DNS:feed.example"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
async def tls_server(certificate: tuple[Path, Path]) -> AsyncIterator[Trickster]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    async with Trickster(tls=context) as trickster:
        yield trickster


def transport(certificate: tuple[Path, Path]) -> PinnedTransport:
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    return PinnedTransport(limits=httpx.Limits(max_connections=4), ssl_context=trusted)


async def test_https_to_pinned_address_verifies_the_name(
    tls_server: Trickster, certificate: tuple[Path, Path]
) -> None:
    async with Fetcher(options(), resolver=RESOLVER, transport=transport(certificate)) as fetcher:
        result = await fetcher.get(tls_server.url("/feed", "feed.example"), max_bytes=100_000)
    assert result.body == FEED
    assert result.url.startswith("https://feed.example:")


async def test_https_certificate_for_another_name_refused(
    tls_server: Trickster, certificate: tuple[Path, Path]
) -> None:
    lookups: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return await RESOLVER(host, port)

    async with Fetcher(
        options(retries=2), resolver=resolver, transport=transport(certificate)
    ) as fetcher:
        with pytest.raises(ConnectFailure, match="certificate"):
            await fetcher.get(tls_server.url("/feed", "other.example"), max_bytes=100_000)
    assert lookups == ["other.example"]  # a refused certificate is not retried
