"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    """``../shared/data`` beside the checkout (or ``$NEWSDESK_SHARED/data``), if present."""
    base = Path(os.environ.get("NEWSDESK_SHARED", REPO_ROOT.parent / "shared"))
    data = base / "data"
    return data if data.is_dir() else None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real test material in ../shared/data; skips the test when it is absent."""
    data = shared_data_dir()
    if data is None:
        if os.environ.get("NEWSDESK_REQUIRE_SHARED") == "1":
            pytest.fail("NEWSDESK_REQUIRE_SHARED=1 but ../shared/data is absent")
        pytest.skip("../shared/data is absent (a fresh checkout): real-data tests skipped")
    return data
