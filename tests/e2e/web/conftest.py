"""A real `newsdesk run` on a free port, fed by a local site, and Debian's chromium driven by
Playwright. Skips with a printed reason when chromium (or playwright) is missing, unless
NEWSDESK_REQUIRE_BROWSER=1 (CI), which makes that a failure. The server's log is printed
when a test fails."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsdesk.store import open_store
from tests.e2e.test_cli_process import env_for, free_port
from tests.integration.web.conftest import plant_hostile_article
from tests.integration.web.newsfeed import BuiltSite, build_site
from tests.support.site import Site

CHROMIUM = Path(os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium"))
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# `make screenshots` points this at docs/screenshots; plain test runs keep the tree clean.
SCREENSHOTS = Path(
    os.environ.get("NEWSDESK_SCREENSHOTS") or Path(tempfile.gettempdir()) / "newsdesk-screenshots"
)
EXPECTED_ARTICLES = 12 + 6 + 1 + 1 + 5 + 1  # tech, world, xss, planted, copycat, partner
STORIES = "/api/v1/stories?since=2000-01-01&limit=100"


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not CHROMIUM.exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass(frozen=True, slots=True)
class Server:
    base: str
    log: Path
    site: Site
    built: BuiltSite
    ids: dict[str, int]
    planted: int

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("NEWSDESK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NEWSDESK_REQUIRE_BROWSER=1 but {missing}")
        print(f"skipping browser tests: {missing}")
        pytest.skip(missing)
    home = tmp_path_factory.mktemp("e2e-web")
    now = datetime.now(UTC).replace(microsecond=0)
    with Site() as site:
        built = build_site(site, base=now - timedelta(minutes=20), spacing=timedelta(hours=7))
        store = open_store(f"sqlite:///{home / 'newsdesk.db'}")
        try:
            meta = {
                "tech": ("Tech Daily", "JP", "en"),
                "world": ("Welt Heute", "DE", "de"),
                "xss": ('Hostile <img src=x onerror="window.__xss=5">', "US", "en"),
                "broken": ("Broken Times", "FR", "fr"),
                "copycat": ("Copycat News", "US", "en"),
                "partner": ("Partner Post", "GB", "en"),
            }
            ids = {
                name: store.add_source(
                    url, now=now, title=meta[name][0], country=meta[name][1], language=meta[name][2]
                ).id
                for name, url in built.feeds.items()
            }
            planted = plant_hostile_article(store, ids["xss"], site.url("/xss/planted.html"))
        finally:
            store.close()
        port = free_port()
        log = home / "server.log"
        env = env_for(home) | {"NEWSDESK_RESPECT_ROBOTS": "false"}
        with log.open("w") as log_file:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newsdesk.cli", "run", "--port", str(port)],
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 40
            status: dict[str, Any] = {}
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    status = httpx.get(base + "/api/v1/status", timeout=2).json()
                    if status["articles"] == EXPECTED_ARTICLES and not status["articles_pending"]:
                        # stories are assigned just after extraction: wait for them too
                        stories = httpx.get(base + STORIES, timeout=2).json()["items"]
                        if sum(s["articles"] for s in stories) >= EXPECTED_ARTICLES - 1:
                            break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            else:
                pytest.fail(f"server not ready ({status}):\n{log.read_text()}")
            yield Server(base=base, log=log, site=site, built=built, ids=ids, planted=planted)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(autouse=True)
def _dump_server_log(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and "server" in request.fixturenames:
        srv: Server = request.getfixturevalue("server")
        print(f"--- newsdesk server log ({srv.log}) ---\n{srv.log.read_text()[-20000:]}")


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records every dialog (an XSS would open one) and page error."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.dialogs = []
    tab.errors = []

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def shot(page: Any, name: str, *, full: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full)


__all__ = ["SCREENSHOTS", "Server", "shot"]
