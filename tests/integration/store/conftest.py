"""Backends for the Store contract suite: SQLite always, PostgreSQL when it answers.

PostgreSQL is looked for on 127.0.0.1, port ``$NEWSDESK_TEST_PGPORT`` (default 5432), user
postgres with trust auth. Its tests run in a database of their own (``newsdesk_test_<random>``),
created and migrated once per session, emptied before each test and dropped at the end.
Without a server they are skipped with the reason, unless ``NEWSDESK_REQUIRE_POSTGRES=1``
(CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config

from newsdesk.store import open_store
from newsdesk.store.sql import MIGRATIONS, SqlStore

PG_HOST = "127.0.0.1"
PG_PORT = int(os.environ.get("NEWSDESK_TEST_PGPORT", "5432"))
PG_ADMIN_DSN = f"host={PG_HOST} port={PG_PORT} user=postgres dbname=postgres connect_timeout=3"
TABLES = (
    "sources, articles, entry_keys, article_titles, raw_pages, tombstones, events, dedup_keys,"
    " stories, story_links, cluster_snapshots, article_revisions"
)


def _postgres_missing() -> str | None:
    try:
        psycopg.connect(PG_ADMIN_DSN).close()
    except psycopg.Error as exc:
        return f"no PostgreSQL answering on {PG_HOST}:{PG_PORT} ({exc})".strip()
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A freshly created, migrated database for this session; dropped afterwards."""
    missing = _postgres_missing()
    if missing is not None:
        if os.environ.get("NEWSDESK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"NEWSDESK_REQUIRE_POSTGRES=1 but {missing}")
        print(f"skipping PostgreSQL store tests: {missing}")
        pytest.skip(missing)
    name = f"newsdesk_test_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    try:
        open_store(url).close()
        yield url
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database of each backend (SQLite's folder does not exist yet)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'newsdesk.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def backend(db_url: str) -> str:
    return "sqlite" if db_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    s = open_store(db_url)
    yield s
    s.close()


def fresh_store(db_url: str) -> SqlStore:
    """A migrated store on ``db_url`` opened by the test itself (its SQLite folder made),
    for tests that move the schema down and up and so cannot share the fixture's."""
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return open_store(db_url)


def downgrade(store: SqlStore, revision: str) -> None:
    """Run the migrations' downgrades to ``revision`` on ``store`` (``store.migrate()``
    goes back up)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    with store._write() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
