"""The ``newsdesk`` command."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdesk.config import Settings, load_settings
from newsdesk.errors import NewsdeskError
from newsdesk.feeds.opml import OpmlOutline, parse_opml, write_opml
from newsdesk.fetch import Fetcher, FetchOptions
from newsdesk.model import Source
from newsdesk.pipeline import PipelineContext, discover_feed, make_extract_executor
from newsdesk.runners.embedded import RoundSummary, run_forever, run_round
from newsdesk.store import open_store
from newsdesk.store.base import Store

__all__ = ["app", "main"]

app = typer.Typer(
    help="newsdesk: an automatic aggregator of global news media.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
sources_app = typer.Typer(
    help="Follow, list and remove news sources (feeds).", no_args_is_help=True
)
config_app = typer.Typer(help="Show the configuration in force.", no_args_is_help=True)
eval_app = typer.Typer(help="Score parts of the pipeline on labelled data.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
app.add_typer(config_app, name="config")
app.add_typer(eval_app, name="eval")

out = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="NEWSDESK_HOME",
            help="Folder holding newsdesk.toml and the SQLite database (default: ./.newsdesk).",
        ),
    ] = None,
) -> None:
    ctx.obj = home


def _settings(ctx: typer.Context, **overrides: Any) -> Settings:
    try:
        settings = load_settings(ctx.find_root().obj, **overrides)
    except NewsdeskError as exc:
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    return settings


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    settings.home.mkdir(parents=True, exist_ok=True)
    store = open_store(settings.resolved_database_url)
    try:
        yield store
    finally:
        store.close()


@asynccontextmanager
async def _pipeline(settings: Settings, store: Store) -> AsyncIterator[PipelineContext]:
    async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
        context = PipelineContext(
            settings=settings,
            store=store,
            fetcher=fetcher,
            extract_executor=make_extract_executor(settings),
        )
        try:
            yield context
        finally:
            context.close()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def _now() -> datetime:
    return datetime.now(UTC)


def _find_source(store: Store, ref: str) -> Source | None:
    if ref.isdigit():
        return store.get_source(int(ref))
    return store.get_source_by_url(ref)


def _load_catalog_if_empty(settings: Settings, store: Store) -> int:
    from newsdesk.catalog import load_catalog

    if not settings.load_catalog or store.list_sources():
        return 0
    return _import_outlines(store, parse_opml(load_catalog()))


def _import_outlines(store: Store, outlines: list[OpmlOutline]) -> int:
    added = 0
    now = _now()
    for o in outlines:
        if store.get_source_by_url(o.xml_url) is None:
            added += 1
        store.add_source(
            o.xml_url,
            now=now,
            title=o.title,
            site_url=o.html_url,
            country=o.country,
            language=o.language,
        )
    return added


# --- run / fetch ------------------------------------------------------------------------


@app.command()
def run(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Web server address (default: 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Web server port (default: 8000).")] = None,
) -> None:
    """Run scheduler, pipeline and web server in one process until Ctrl-C."""
    overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = _settings(ctx, **overrides)
    with _store(settings) as store:
        added = _load_catalog_if_empty(settings, store)
        if added:
            err.print(f"loaded the built-in catalog: {added} sources")
        err.print(f"newsdesk on http://{settings.host}:{settings.port}/ (Ctrl-C stops)")
        with suppress(KeyboardInterrupt):
            asyncio.run(_serve(settings, store))
        err.print("stopped")


async def _serve(settings: Settings, store: Store) -> None:
    import uvicorn

    from newsdesk.web.app import create_app

    config = uvicorn.Config(
        create_app(settings, store),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        lifespan="off",
    )
    server = uvicorn.Server(config)
    async with _pipeline(settings, store) as pipeline:
        worker = asyncio.create_task(run_forever(pipeline))
        try:
            await server.serve()
        finally:
            worker.cancel()
            with suppress(asyncio.CancelledError):
                await worker


@app.command()
def fetch(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Run one polling round and exit.")] = True,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only this source (URL or id); repeatable. Default: all."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Poll sources once, fetch and extract their new articles, and print a summary."""
    settings = _settings(ctx)
    with _store(settings) as store:
        if source:
            chosen = []
            for ref in source:
                found = _find_source(store, ref)
                if found is None:
                    err.print(f"[red]no such source:[/red] {ref}")
                    raise typer.Exit(1)
                chosen.append(found)
        else:
            chosen = [s for s in store.list_sources() if s.enabled]
        summary = asyncio.run(_fetch_round(settings, store, chosen, show=not as_json))
    if as_json:
        _print_json(summary.as_dict())
        return
    table = Table(title="polling round", show_header=False)
    for key, value in summary.as_dict().items():
        if key != "errors":
            table.add_row(key.replace("_", " "), str(value))
    for kind, count in sorted(summary.errors.items()):
        table.add_row(f"errors: {kind}", str(count))
    out.print(table)


async def _fetch_round(
    settings: Settings, store: Store, sources: list[Source], *, show: bool
) -> RoundSummary:
    async with _pipeline(settings, store) as pipeline:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=not show,
        ) as progress:
            feeds = progress.add_task("feeds", total=len(sources))
            pages = progress.add_task("articles", total=0)

            def step(stage: str, n: int) -> None:
                if stage == "feed":
                    progress.advance(feeds, n)
                elif stage == "article":
                    progress.advance(pages, n)
                elif stage == "articles-total":
                    total = progress.tasks[pages].total or 0
                    progress.update(pages, total=total + n)

            return await run_round(pipeline, sources=sources, progress=step)


# --- sources ----------------------------------------------------------------------------


def _source_dict(s: Source) -> dict[str, Any]:
    d = asdict(s)
    d["articles"] = s.articles
    return d


@sources_app.command("add")
def sources_add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="A feed URL, or a site's home page to autodiscover.")],
    title: Annotated[str, typer.Option(help="Display name.")] = "",
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code, e.g. JP.")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639-1 language, e.g. ja.")] = None,
    no_check: Annotated[
        bool, typer.Option("--no-check", help="Add the URL as given, without fetching it.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Follow a feed. A home page is searched for its feed (<link rel=alternate>, common paths)."""
    settings = _settings(ctx)
    feed_url, feed_title = url, title
    if not no_check:
        try:
            feed_url, found_title = asyncio.run(_discover(settings, url))
        except NewsdeskError as exc:
            err.print(f"[red]cannot add {url}:[/red] {exc} ({exc.kind})")
            raise typer.Exit(1) from exc
        feed_title = title or found_title
    with _store(settings) as store:
        source = store.add_source(
            feed_url, now=_now(), title=feed_title, country=country, language=language
        )
    if as_json:
        _print_json(_source_dict(source))
    else:
        out.print(
            f"following [bold]{source.title or source.url}[/bold] ({source.url}) as #{source.id}"
        )


async def _discover(settings: Settings, url: str) -> tuple[str, str]:
    async with Fetcher(FetchOptions.from_settings(settings)) as fetcher:
        feed_url, parsed = await discover_feed(fetcher, url, max_bytes=settings.max_feed_bytes)
    return feed_url, parsed.title


@sources_app.command("import")
def sources_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="An OPML file.", exists=True, dir_okay=False)],
) -> None:
    """Follow every feed listed in an OPML file (already followed ones are kept)."""
    settings = _settings(ctx)
    try:
        outlines = parse_opml(file.read_bytes())
    except NewsdeskError as exc:
        err.print(f"[red]cannot read {file}:[/red] {exc}")
        raise typer.Exit(1) from exc
    with _store(settings) as store:
        added = _import_outlines(store, outlines)
    out.print(f"{added} sources added, {len(outlines) - added} already followed")


@sources_app.command("export")
def sources_export(ctx: typer.Context) -> None:
    """Print every followed source as OPML."""
    settings = _settings(ctx)
    with _store(settings) as store:
        outlines = [
            OpmlOutline(
                xml_url=s.url,
                title=s.title or s.url,
                html_url=s.site_url,
                category=None,
                country=s.country,
                language=s.language,
            )
            for s in store.list_sources()
        ]
    sys.stdout.buffer.write(write_opml(outlines, title="newsdesk sources"))


@sources_app.command("list")
def sources_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every source with its health: last success, last error, failures, next poll."""
    settings = _settings(ctx)
    with _store(settings) as store:
        sources = store.list_sources()
    if as_json:
        _print_json([_source_dict(s) for s in sources])
        return
    table = Table("id", "source", "articles", "last success", "failures", "last error", "next poll")
    for s in sources:
        table.add_row(
            str(s.id),
            f"{s.title}\n{s.url}" if s.title else s.url,
            str(s.articles),
            _when(s.last_success),
            str(s.failures) if s.failures else "",
            f"{s.last_error_kind}: {s.last_error}" if s.last_error else "",
            "disabled" if not s.enabled else _when(s.next_poll),
        )
    out.print(table)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


@sources_app.command("remove")
def sources_remove(
    ctx: typer.Context, ref: Annotated[str, typer.Argument(help="The source's URL or id.")]
) -> None:
    """Stop following a source and delete its articles."""
    settings = _settings(ctx)
    with _store(settings) as store:
        found = _find_source(store, ref)
        if found is None or not store.remove_source(found.id):
            err.print(f"[red]no such source:[/red] {ref}")
            raise typer.Exit(1)
    out.print(f"removed {found.url}")


# --- status, config, eval, reextract, recluster -----------------------------------------


@app.command()
def status(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Counts of sources and articles, failing sources and errors by kind."""
    from newsdesk.web.app import status_payload

    settings = _settings(ctx)
    with _store(settings) as store:
        payload = status_payload(store)
    if as_json:
        _print_json(payload)
        return
    for key, value in payload.items():
        out.print(f"{key.replace('_', ' ')}: {value}")


@config_app.command("show")
def config_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Print every setting and its value (file, environment and defaults merged)."""
    settings = _settings(ctx)
    values = settings.model_dump()
    values["database_url"] = settings.resolved_database_url
    if as_json:
        _print_json(values)
        return
    table = Table("setting", "value", "meaning")
    for name, field in Settings.model_fields.items():
        table.add_row(name, str(values[name]), field.description or "")
    out.print(table)


@eval_app.command("extraction")
def eval_extraction(
    directory: Annotated[
        Path, typer.Argument(help="A folder laid out like extraction-benchmark.", exists=True)
    ],
    as_json: JsonOpt = False,
) -> None:
    """Score the article extractor: precision, recall, F1 (shingle metric) and pages/s."""
    from newsdesk.extract.evaluate import evaluate_directory

    report = evaluate_directory(directory)
    result = {
        "precision": report.precision,
        "recall": report.recall,
        "f1": report.f1,
        "pages": report.pages,
        "pages_per_second": report.pages_per_second,
    }
    if as_json:
        _print_json(result)
        return
    for key, value in result.items():
        out.print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")


@eval_app.command("dedup")
def eval_dedup(
    file: Annotated[
        Path, typer.Argument(help="Labelled JSON Lines, one article a line.", exists=True)
    ],
    wires: Annotated[
        Path | None, typer.Option(help="A JSON file extending the built-in wire-service list.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score copy detection and primary-source attribution on a labelled set."""
    from newsdesk.dedup.evaluate import evaluate_jsonl
    from newsdesk.dedup.wires import load_registry

    try:
        report = evaluate_jsonl(file, wires=load_registry(wires) if wires else None)
    except (NewsdeskError, ValueError, OSError) as exc:
        err.print(f"[red]cannot score {file}:[/red] {exc}")
        raise typer.Exit(1) from exc
    if as_json:
        _print_json(report.as_dict())
    else:
        out.print(report.format_text())


@eval_app.command("clustering")
def eval_clustering(
    path: Annotated[
        Path, typer.Argument(help="JSON Lines: id, cluster, title, text, date?, order?, lang?.")
    ],
    as_json: JsonOpt = False,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Add the sentence-embedding features (needs the optional 'embeddings' "
            "extra: make embeddings). Loading the model is not timed; embedding is.",
        ),
    ] = False,
    speed_up: Annotated[
        float,
        typer.Option(
            "--speed-up",
            min=0.001,
            help="Run the articles' clock this many times faster: the same stories among "
            "that many times more articles an hour (the UCI sample is a hundredth of a real "
            "stream).",
        ),
    ] = 1.0,
    join_threshold: Annotated[
        float | None,
        typer.Option(
            min=0.001,
            max=0.999,
            help="Join probability an article with text needs (the story_join_threshold "
            "setting; default 0.6).",
        ),
    ] = None,
    headline_join_threshold: Annotated[
        float | None,
        typer.Option(
            min=0.001,
            max=0.999,
            help="The same for a dated headline alone (story_headline_join_threshold; "
            "default 0.4).",
        ),
    ] = None,
) -> None:
    """Cluster a labelled stream in order (no look-ahead) and score pairwise and BCubed."""
    from dataclasses import replace

    from newsdesk.stories import ClusterOptions
    from newsdesk.stories.evaluate import evaluate_jsonl

    if not path.exists():
        err.print(f"[red]no such file:[/red] {path}")
        raise typer.Exit(1)
    try:
        options = ClusterOptions(embeddings=embeddings)
        if join_threshold is not None:
            options = replace(options, join_threshold=join_threshold)
        if headline_join_threshold is not None:
            options = replace(options, title_join_threshold=headline_join_threshold)
        report = evaluate_jsonl(path, options=options, speed=speed_up).as_dict()
    except (NewsdeskError, ValueError, OSError) as exc:
        err.print(f"[red]cannot score {path}:[/red] {exc}")
        raise typer.Exit(1) from exc
    if as_json:
        _print_json(report)
        return
    for key, value in report.items():
        out.print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")


@app.command()
def reextract(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option(help="Only this source (URL or id).")] = None,
) -> None:
    """Run the extractor again on the raw HTML kept in the store (no network)."""
    from newsdesk.errors import ExtractError, InvalidURL
    from newsdesk.extract import extract_article
    from newsdesk.normalize import canonicalize_url

    settings = _settings(ctx)
    done = failed = 0
    with _store(settings) as store:
        source_id = None
        if source:
            found = _find_source(store, source)
            if found is None:
                err.print(f"[red]no such source:[/red] {source}")
                raise typer.Exit(1)
            source_id = found.id
        for article_id, url, html in list(store.iter_raw_pages(source_id=source_id)):
            try:
                extracted = extract_article(html, url=url)
            except ExtractError as exc:
                failed += 1
                store.record_event(
                    now=_now(), kind=exc.kind, message=f"{url}: {exc}", article_id=article_id
                )
                continue
            try:
                canonical = canonicalize_url(extracted.canonical_url or url, base=url)
            except InvalidURL:
                canonical = canonicalize_url(url)
            store.save_extraction(
                article_id, extracted, now=_now(), raw_html=html, canonical_url=canonical
            )
            done += 1
        if settings.raw_html_retention_days > 0:
            store.prune_raw_pages(
                older_than=_now() - timedelta(days=settings.raw_html_retention_days)
            )
    out.print(f"re-extracted {done} articles, {failed} failed")


@app.command()
def recluster(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only rebuild from the articles first seen at or after this date or time "
            "(ISO 8601, e.g. 2026-11-01 or 2026-11-01T06:00; UTC unless a zone is given). "
            "Default: every story.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Rebuild stories from the stored articles (left unchanged), e.g. after new story settings.

    Clusters the extracted articles again in arrival order. Stop `newsdesk run` first."""
    from newsdesk.storydesk import cluster_options
    from newsdesk.storydesk import recluster as rebuild

    start: datetime | None = None
    if since:
        try:
            start = datetime.fromisoformat(since)
        except ValueError as exc:
            err.print(f"[red]not a date:[/red] {since} (ISO 8601, e.g. 2026-11-01)")
            raise typer.Exit(2) from exc
        start = start.replace(tzinfo=UTC) if start.tzinfo is None else start.astimezone(UTC)
    settings = _settings(ctx)
    with _store(settings) as store:
        try:
            report = rebuild(store, cluster_options(settings), clock=_now, since=start)
        except NewsdeskError as exc:
            err.print(f"[red]recluster failed:[/red] {exc}")
            raise typer.Exit(1) from exc
    if as_json:
        _print_json(report.as_dict())
        return
    out.print(
        f"reclustered {report.articles} articles into {report.stories} stories "
        f"({report.copies} copies joined their original's story)"
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
