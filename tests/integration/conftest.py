"""Fixtures for tests that run the real pipeline against a local site."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk.config import Settings, load_settings
from newsdesk.fetch import Fetcher, FetchOptions
from newsdesk.pipeline import PipelineContext
from newsdesk.store import open_store
from newsdesk.store.sql import SqlStore
from tests.support.site import Site


def local_settings(home: Path, **overrides: Any) -> Settings:
    """Settings for loopback tests: private networks allowed, politeness lifted."""
    values: dict[str, Any] = {
        "allow_private_networks": True,
        "per_host_delay": 0.0,
        "per_host_concurrency": 8,
        "retries": 0,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 5.0,
        **overrides,
    }
    return load_settings(home, **values)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as s:
        yield s


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return local_settings(tmp_path)


@pytest.fixture
def store(settings: Settings) -> Iterator[SqlStore]:
    settings.home.mkdir(parents=True, exist_ok=True)
    s = open_store(settings.resolved_database_url)
    yield s
    s.close()


@pytest.fixture
async def pipeline(settings: Settings, store: SqlStore) -> AsyncIterator[PipelineContext]:
    async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
        context = PipelineContext(settings=settings, store=store, fetcher=fetcher)
        yield context
        context.close()
