"""The `newsdesk` command, in-process, against a local site and a real SQLite file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.config import Settings
from tests.support.site import Site, benchmark_pages, rss_feed

ENV = {
    "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "1",
    "NEWSDESK_PER_HOST_DELAY": "0",
    "NEWSDESK_RETRIES": "0",
}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in list(__import__("os").environ):
        if name.startswith("NEWSDESK_"):
            monkeypatch.delenv(name)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path / "home"))
    return CliRunner()


def invoke(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_add_by_home_page_discovers_the_feed(cli: CliRunner, site: Site) -> None:
    feed = site.add(
        "/feeds/all.atom",
        b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Times</title><id>urn:x</id>
<updated>2026-11-02T10:00:00Z</updated>
<entry><id>urn:1</id><title>One</title><link href="/a/1"/>
<updated>2026-11-02T10:00:00Z</updated></entry>
</feed>""",
        "application/atom+xml",
    )
    home = site.add(
        "/",
        b'<html><head><title>Example</title><link rel="alternate" '
        b'type="application/atom+xml" href="/feeds/all.atom"></head></html>',
    )
    out = json.loads(invoke(cli, "sources", "add", home, "--json", "--country", "JP"))
    assert out["url"] == feed
    assert out["title"] == "Example Times"
    listed = json.loads(invoke(cli, "sources", "list", "--json"))
    assert [s["url"] for s in listed] == [feed]
    for key in ("url", "articles", "last_success", "last_error", "failures", "next_poll"):
        assert key in listed[0]


def test_add_finds_feed_at_common_path(cli: CliRunner, site: Site) -> None:
    site.add("/", b"<html><body>No link here</body></html>")
    feed = site.add(
        "/feed", rss_feed("Common", [("g", site.url("/a"), "A")]), "application/rss+xml"
    )
    out = json.loads(invoke(cli, "sources", "add", site.url("/"), "--json"))
    assert out["url"] == feed


def test_add_refuses_a_page_with_no_feed(cli: CliRunner, site: Site) -> None:
    site.add("/", b"<html><body>nothing</body></html>")
    result = cli.invoke(app, ["sources", "add", site.url("/")])
    assert result.exit_code == 1
    assert "not a feed" in result.output.lower() or "not_a_feed" in result.output


def test_opml_import_export_round_trip(cli: CliRunner, tmp_path: Path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text("""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="Tech"><outline type="rss" text="A" title="A" xmlUrl="https://a.example/feed"
 htmlUrl="https://a.example/" country="JP" language="ja"/>
<outline type="rss" text="B" xmlUrl="https://b.example/rss"/></outline></body></opml>""")
    assert "2 sources added" in invoke(cli, "sources", "import", str(opml))
    assert "0 sources added" in invoke(cli, "sources", "import", str(opml))
    exported = invoke(cli, "sources", "export")
    assert "https://a.example/feed" in exported and "https://b.example/rss" in exported
    again = tmp_path / "again.opml"
    again.write_text(exported)
    invoke(cli, "--home", str(tmp_path / "other"), "sources", "import", str(again))
    listed = json.loads(invoke(cli, "--home", str(tmp_path / "other"), "sources", "list", "--json"))
    assert {(s["url"], s["country"], s["language"]) for s in listed} == {
        ("https://a.example/feed", "JP", "ja"),
        ("https://b.example/rss", None, None),
    }
    assert "removed" in invoke(cli, "sources", "remove", "https://b.example/rss")
    assert len(json.loads(invoke(cli, "sources", "list", "--json"))) == 1


def test_fetch_once_prints_a_summary(cli: CliRunner, site: Site) -> None:
    page = (
        b"<html><body><article>"
        + b"<p>Chip export rules tighten again today.</p>" * 30
        + b"</article></body></html>"
    )
    items = [(f"g{i}", site.add(f"/a/{i}", page + str(i).encode()), f"T{i}") for i in range(3)]
    feed = site.add("/f.xml", rss_feed("F", items), "application/rss+xml")
    invoke(cli, "sources", "add", feed, "--no-check")
    summary = json.loads(invoke(cli, "fetch", "--once", "--json"))
    assert summary["feeds_polled"] == 1
    assert summary["new_articles"] == 3
    assert summary["articles_extracted"] == 3
    summary = json.loads(invoke(cli, "fetch", "--once", "--json", "--source", feed))
    assert summary["not_modified"] == 1
    assert "feeds polled" in invoke(cli, "fetch", "--once")


def test_config_show_merges_file_and_environment(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "newsdesk.toml").write_text("port = 9001\nper_host_delay = 3.5\n")
    monkeypatch.setenv("NEWSDESK_PER_HOST_DELAY", "0.25")
    shown = json.loads(invoke(cli, "config", "show", "--json"))
    assert shown["port"] == 9001
    assert shown["per_host_delay"] == 0.25
    assert shown["database_url"].endswith("newsdesk.db")
    assert set(Settings.model_fields) <= set(shown)


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) > 10, name


def test_eval_extraction_json(cli: CliRunner, shared_data: Path, tmp_path: Path) -> None:
    # A five-page folder in the benchmark's layout, built from the real benchmark.
    folder = tmp_path / "mini"
    (folder / "html").mkdir(parents=True)
    truth = json.loads(
        gzip.decompress(
            (shared_data / "extraction-benchmark" / "ground-truth.json.gz").read_bytes()
        )
    )
    chosen = {}
    for page_id, _, html in list(benchmark_pages(shared_data))[:5]:
        (folder / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html))
        chosen[page_id] = truth[page_id]
    (folder / "ground-truth.json.gz").write_bytes(gzip.compress(json.dumps(chosen).encode()))
    result = json.loads(invoke(cli, "eval", "extraction", str(folder), "--json"))
    assert set(result) >= {"precision", "recall", "f1", "pages_per_second"}
    assert 0.7 < result["f1"] <= 1.0
    assert result["pages_per_second"] > 0


def test_eval_clustering_json(cli: CliRunner, shared_data: Path) -> None:
    path = shared_data / "story-clusters" / "uci-news-sample" / "uci_sample_dev.jsonl"
    result = json.loads(invoke(cli, "eval", "clustering", str(path), "--json"))
    assert set(result) == {
        "pairwise_f1",
        "bcubed_f1",
        "pairwise_precision",
        "pairwise_recall",
        "bcubed_precision",
        "bcubed_recall",
        "stories",
        "articles_per_second",
    }
    assert result["bcubed_f1"] > 0.85
    denser = json.loads(invoke(cli, "eval", "clustering", str(path), "--json", "--speed-up", "20"))
    assert denser["stories"] != result["stories"]  # the clock matters to the headline model
    assert denser["bcubed_f1"] > 0.85
    stricter = json.loads(
        invoke(cli, "eval", "clustering", str(path), "--json", "--headline-join-threshold", "0.9")
    )
    assert stricter["stories"] > result["stories"]
    assert stricter["pairwise_precision"] >= result["pairwise_precision"]


def test_eval_dedup_json(cli: CliRunner, shared_data: Path, tmp_path: Path) -> None:
    from newsdesk.dedup.devset import build_devset, write_jsonl

    path = tmp_path / "dev.jsonl"
    write_jsonl(build_devset(shared_data, seed=3)[:300], path)
    result = json.loads(invoke(cli, "eval", "dedup", str(path), "--json"))
    assert set(result) == {
        "copy_precision",
        "copy_recall",
        "recall_by_kind",
        "same_story_false_copy_rate",
        "primary_accuracy",
    }
    assert result["copy_recall"] > 0.9


def test_help_shows_the_defaults_it_names(cli: CliRunner) -> None:
    # Help texts are rendered as Rich markup: a "[default: ...]" in one is read as a tag
    # and vanishes, leaving "Web server address ." behind.
    def text(*args: str) -> str:  # the words, without the panels' borders and wrapping
        return " ".join(invoke(cli, *args).replace("│", " ").split())

    assert "SQLite database (default: ./.newsdesk)." in text("--help")
    run = text("run", "--help")
    assert "(default: 127.0.0.1)" in run and "(default: 8000)" in run


def test_a_feed_item_with_half_an_emoji_loses_nothing(cli: CliRunner, site: Site) -> None:
    # A lone surrogate escape in one JSON Feed title could not be stored: every poll of
    # the feed failed as "internal", the good items with it.
    page = b"<html><body><article>" + b"<p>Chip export rules tighten.</p>" * 30 + b"</article>"
    items = [
        {"id": "1", "url": site.add("/a/1", page + b"1"), "title": "Half an emoji \ud83d"},
        {"id": "2", "url": site.add("/a/2", page + b"2"), "title": "A whole one \U0001f600"},
    ]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items})
    feed = site.add("/f.json", body.encode(), "application/feed+json")
    invoke(cli, "sources", "add", feed, "--no-check")
    summary = json.loads(invoke(cli, "fetch", "--once", "--json"))
    assert summary["errors"] == {}
    assert summary["new_articles"] == 2 and summary["articles_extracted"] == 2
