"""The pure text-revision logic: what counts as a change, what is reported, the schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.config import load_settings
from newsdesk.errors import ConfigError
from newsdesk.revisions import (
    MAX_PASSAGE_CHARS,
    MAX_PASSAGES,
    TextChange,
    looks_truncated,
    next_revisit,
    normalise,
    sentences,
    text_change,
    word_count,
)

TEXT = (
    "A fire broke out at a warehouse in the port district on Monday night.\n"
    "Five people were taken to hospital, officials said. Police are investigating.\n"
    "The company said operations would resume on Wednesday."
)


def changed(before: str, after: str) -> TextChange:
    found = text_change(before, after)
    assert found is not None
    return found


@pytest.mark.parametrize(
    "after",
    [
        TEXT,
        TEXT.replace(" ", "  ").replace("\n", "\n\n  "),  # whitespace
        TEXT.replace("said", "said\u00ad"),  # a soft hyphen
        TEXT.replace("officials said", "officials said\u200b"),  # a zero-width space
        TEXT.upper(),  # case
        TEXT.replace(".", "!"),  # punctuation
        TEXT.replace("Monday night.", "Monday night\u2014"),  # a dash for a full stop
        TEXT.replace("Police", "\ufeffPolice"),  # a byte-order mark
        TEXT.replace("\n", " "),  # paragraphs joined: the same sentences
        TEXT.replace(" officials said. ", " officials said.\n"),  # a sentence split off
    ],
)
def test_trivial_differences_are_no_revision(after: str) -> None:
    assert text_change(TEXT, after) is None


def test_typography_is_not_a_change() -> None:
    assert text_change("He said \u201cyes\u201d \u2013 twice.", 'He said "yes" - twice.') is None
    assert text_change("\uff21\uff22\uff23 rose 5\uff05.", "ABC rose 5%.") is None  # NFKC


def test_a_changed_number_is_one_word_each_way() -> None:
    change = changed(TEXT, TEXT.replace("Five people", "Seven people"))
    assert (change.words_added, change.words_removed) == (1, 1)
    assert change.added == ("Seven people were taken to hospital, officials said.",)
    assert change.removed == ("Five people were taken to hospital, officials said.",)
    assert change.words_before == change.words_after == word_count(TEXT)


def test_an_added_correction_and_a_removed_sentence() -> None:
    after = (
        TEXT.replace(" Police are investigating.", "")
        + "\nCorrection: an earlier version of this article misstated the day."
    )
    change = changed(TEXT, after)
    assert change.added == ("Correction: an earlier version of this article misstated the day.",)
    assert change.removed == ("Police are investigating.",)
    assert change.words_added == 10 and change.words_removed == 3
    assert change.words_after == change.words_before + 7


def test_a_moved_sentence_is_not_a_change_but_moving_and_editing_is() -> None:
    lines = TEXT.splitlines()
    moved = "\n".join([lines[2], lines[0], lines[1]])
    assert text_change(TEXT, moved) is None
    edited = moved.replace("Wednesday", "Thursday")
    change = changed(TEXT, edited)
    assert change.added == ("The company said operations would resume on Thursday.",)
    assert change.removed == ("The company said operations would resume on Wednesday.",)
    assert (change.words_added, change.words_removed) == (1, 1)


def test_passages_are_bounded() -> None:
    before = "\n".join(f"Sentence number {i} of the old text." for i in range(80))
    after = "\n".join(f"Line {i} of a new text entirely." for i in range(80)) + "\n" + "x" * 5000
    change = changed(before, after)
    assert len(change.added) == MAX_PASSAGES and len(change.removed) == MAX_PASSAGES
    assert change.removed[0] == "Sentence number 0 of the old text."
    long = changed("Short.", "Short.\n" + "word " * 1000)
    assert len(long.added[0]) == MAX_PASSAGE_CHARS


def test_cjk_text_counts_half_a_word_a_character() -> None:
    before = "政府は月曜日に新しい規制を発表した。企業は反発している。"
    after = "政府は火曜日に新しい規制を発表した。企業は反発している。"
    change = changed(before, after)
    assert change.added == ("政府は火曜日に新しい規制を発表した。",)
    assert change.removed == ("政府は月曜日に新しい規制を発表した。",)
    assert (change.words_added, change.words_removed) == (1, 1)
    assert word_count(before) == 13  # 26 characters


def test_sentences_split_at_full_stops_but_not_abbreviations() -> None:
    assert sentences('He said "yes." Then U.S. officials left.\n\n3.5 percent! 晴れ。雨') == [
        'He said "yes."',
        "Then U.S. officials left.",
        "3.5 percent!",
        "晴れ。",
        "雨",
    ]
    assert normalise("  a\u00a0 b\t\n c ") == "a b c"


def test_a_page_that_lost_most_of_its_words_looks_truncated() -> None:
    gutted = changed(TEXT, "Please accept cookies to continue.")
    assert looks_truncated(gutted)
    trimmed = changed(TEXT, "\n".join(TEXT.splitlines()[:2]))
    assert not looks_truncated(trimmed)


def test_the_revisit_schedule_is_bounded() -> None:
    first = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    hours = (2.0, 24.0)
    assert next_revisit(first, after=first, hours=hours) == first + timedelta(hours=2)
    assert next_revisit(first, after=first + timedelta(hours=2), hours=hours) == (
        first + timedelta(hours=24)
    )
    assert next_revisit(first, after=first + timedelta(hours=3), hours=(24.0, 2.0)) == (
        first + timedelta(hours=24)
    )
    assert next_revisit(first, after=first + timedelta(hours=24), hours=hours) is None
    assert next_revisit(first, after=first, hours=()) is None


def test_revisit_hours_come_from_the_file_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings(tmp_path).revisit_hours == (2.0, 24.0)
    (tmp_path / "newsdesk.toml").write_text("revisit_hours = [24, 1.5]\n")
    assert load_settings(tmp_path).revisit_hours == (1.5, 24.0)
    monkeypatch.setenv("NEWSDESK_REVISIT_HOURS", "6, 48")
    assert load_settings(tmp_path).revisit_hours == (6.0, 48.0)
    monkeypatch.setenv("NEWSDESK_REVISIT_HOURS", "")
    assert load_settings(tmp_path).revisit_hours == ()
    monkeypatch.setenv("NEWSDESK_REVISIT_HOURS", "-2")
    with pytest.raises(ConfigError):
        load_settings(tmp_path)
