"""Settings that are resolved from the machine or the home folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.config import MAX_AUTO_EXTRACT_PROCESSES, load_settings
from newsdesk.errors import ConfigError
from newsdesk.storydesk import cluster_options


@pytest.mark.parametrize("cores", [None, 1, 2, 16])
def test_extract_processes_default_follows_the_cores_up_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int | None
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    resolved = load_settings(tmp_path).resolved_extract_processes
    assert resolved == max(1, min(MAX_AUTO_EXTRACT_PROCESSES, cores or 1))


@pytest.mark.parametrize("value", [0, 1, 3])
def test_extract_processes_given_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: int
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert load_settings(tmp_path, extract_processes=value).resolved_extract_processes == value
    monkeypatch.setenv("NEWSDESK_EXTRACT_PROCESSES", str(value))
    assert load_settings(tmp_path).resolved_extract_processes == value


def test_negative_extract_processes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(tmp_path, extract_processes=-1)


def test_story_embeddings_turn_on_the_clusterers_embeddings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not cluster_options(load_settings(tmp_path)).embeddings
    monkeypatch.setattr("newsdesk.config.find_spec", lambda name: object())  # "installed"
    assert cluster_options(load_settings(tmp_path, story_embeddings=True)).embeddings


def test_story_embeddings_without_the_extra_are_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("newsdesk.config.find_spec", lambda name: None)  # nothing installed
    with pytest.raises(ConfigError, match=r"embeddings' extra.*missing: torch"):
        load_settings(tmp_path, story_embeddings=True)


def test_story_join_thresholds_reach_the_clusterer(tmp_path: Path) -> None:
    default = cluster_options(load_settings(tmp_path))
    assert (default.join_threshold, default.title_join_threshold) == (0.6, 0.4)
    options = cluster_options(
        load_settings(tmp_path, story_join_threshold=0.7, story_headline_join_threshold=0.5)
    )
    assert (options.join_threshold, options.title_join_threshold) == (0.7, 0.5)
    with pytest.raises(ConfigError):
        load_settings(tmp_path, story_join_threshold=1.5)


def test_story_source_gap_reaches_the_clusterer_and_can_be_turned_off(tmp_path: Path) -> None:
    assert cluster_options(load_settings(tmp_path)).source_gap_hours == 20.0
    assert cluster_options(load_settings(tmp_path, story_source_gap_hours=6)).source_gap_hours == 6
    assert (
        cluster_options(load_settings(tmp_path, story_source_gap_hours=0)).source_gap_hours is None
    )
