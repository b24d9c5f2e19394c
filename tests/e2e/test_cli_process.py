"""newsdesk as a user runs it: a subprocess against a local site, killed and restarted."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsdesk.store import open_store
from tests.support.site import Site, rss_feed

PAGE = (
    "<html><head><title>{t}</title></head><body><article><h1>{t}</h1>"
    + "<p>{t} is the subject of this report. " * 1
    + "Semiconductor export controls were discussed at length by ministers from several "
    "countries, who agreed on a common approach to licensing and enforcement.</p>"
    * 6
    + "</article></body></html>"
)


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(
        NEWSDESK_HOME=str(home),
        NEWSDESK_ALLOW_PRIVATE_NETWORKS="1",
        NEWSDESK_PER_HOST_DELAY="0",
        NEWSDESK_PER_HOST_CONCURRENCY="2",
        NEWSDESK_LOAD_CATALOG="false",
        NEWSDESK_TICK_SECONDS="0.5",
    )
    return env


def newsdesk(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args],
        env=env_for(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"newsdesk {args} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def news_site() -> Iterator[Site]:
    with Site() as site:
        items = []
        for i in range(30):
            title = f"Report number {i} on chips"
            # slow pages, fetched two at a time: the round lasts seconds, extraction keeps
            # up with fetching, so the test can kill it with some pages done and some not
            url = site.add(f"/a/{i}.html", PAGE.format(t=title).encode(), delay=0.5)
            items.append((f"guid-{i}", url, title))
        site.add("/feed.xml", rss_feed("Local news", items), "application/rss+xml")
        yield site


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc; Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def article_states(home: Path) -> list[str]:
    store = open_store(f"sqlite:///{home / 'newsdesk.db'}")
    try:
        return [a.status for a in sorted(store.list_articles(limit=1000), key=lambda a: a.id)]
    finally:
        store.close()


def test_kill_9_mid_round_then_restart_loses_nothing(tmp_path: Path, news_site: Site) -> None:
    newsdesk(tmp_path, "sources", "add", news_site.url("/feed.xml"), "--no-check")
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "fetch", "--once", "--json"],
        env=env_for(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "newsdesk.db").exists() or article_states(tmp_path).count("ok") < 5:
        assert proc.poll() is None, "the round ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    workers = children_of(proc.pid)
    assert workers, "the extraction worker process was expected"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    # the extraction worker does not outlive its killed parent
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, f"worker processes {workers} stayed behind"
        time.sleep(0.2)

    before = article_states(tmp_path)
    assert len(before) == 30  # the feed's entries were committed before pages were fetched
    assert 0 < before.count("ok") < 30
    hits_before = dict(news_site.hits)

    result = json.loads(newsdesk(tmp_path, "fetch", "--once", "--json").stdout)
    assert result["new_articles"] == 0
    assert article_states(tmp_path) == ["ok"] * 30
    # every page extracted before the kill was kept: the restart fetched only the rest
    refetched = sum(
        news_site.hits[p] - hits_before.get(p, 0) for p in news_site.hits if p.startswith("/a/")
    )
    assert refetched <= 30 - before.count("ok") + 2 * 3  # retries under load allowed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_serves_status_stops_on_ctrl_c_and_resumes(tmp_path: Path, news_site: Site) -> None:
    newsdesk(tmp_path, "sources", "add", news_site.url("/feed.xml"), "--no-check")
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "run", "--port", str(port)],
            env=env_for(tmp_path),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            status: dict[str, int] = {}
            while time.monotonic() < deadline:
                try:
                    status = httpx.get(f"http://127.0.0.1:{port}/api/v1/status").json()
                    if status["articles"] == 30 and status["articles_pending"] == 0:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            assert status.get("articles") == 30, log.read_text()
            front = httpx.get(f"http://127.0.0.1:{port}/")
            assert front.status_code == 200 and "<h1" in front.text
            # the pages share their text, so lists fold them as copies: ask for all
            listed = httpx.get(f"http://127.0.0.1:{port}/api/v1/articles?copies=all&limit=50")
            titles = {item["title"] for item in listed.json()["items"]}
            assert {f"Report number {i} on chips" for i in range(30)} == titles
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=20) == 0, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
    listed = json.loads(newsdesk(tmp_path, "sources", "list", "--json").stdout)
    assert listed[0]["articles"] == 30
    assert listed[0]["last_success"] is not None
