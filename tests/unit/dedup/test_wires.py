"""The wire list: credits, domains, user extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.dedup.wires import default_registry, load_registry, registry_from_json
from newsdesk.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "authors", "expected"),
    [
        ("LONDON, May 3 (Reuters) - Shares fell.", (), "Reuters"),
        ("WASHINGTON (AP) — The Senate voted.", (), "Associated Press"),
        ("AP — The Senate voted on Friday.", (), "Associated Press"),
        ("TOKYO (Kyodo) -- Japan's cabinet approved.", (), "Kyodo"),
        ("BERLIN (dpa) - Die Regierung.", (), "dpa"),
        ("The story text.\n\n— AFP", (), "AFP"),
        ("The story text.\nReporting by Jane Doe; Editing by John Roe", (), "Reuters"),
        ("The story text.", ("By The Associated Press",), "Associated Press"),
        ("The story text.", ("Reuters Staff",), "Reuters"),
        ("The story text.", ("Kyodo News",), "Kyodo"),
        # Mentions in running text are not credits.
        ("Reuters reported last week that the deal was near.", (), None),
        ("The AP poll shows a tight race in the middle of the article.", (), None),
        ("Shares fell (see chart).", ("Jane Doe",), None),
    ],
)
def test_credit_in(text: str, authors: tuple[str, ...], expected: str | None) -> None:
    wire = default_registry().credit_in(text, authors)
    assert (wire.name if wire else None) == expected


def test_domains_and_republishers() -> None:
    registry = default_registry()
    wire = registry.wire_for_domain("reuters.com")
    assert wire is not None and wire.name == "Reuters"
    assert registry.wire_for_domain("example.com") is None
    assert registry.is_republisher("msn.com") and not registry.is_republisher("bbc.co.uk")
    assert registry.is_republisher(None) is False


def test_user_file_extends_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "wires.json"
    path.write_text(
        '{"wires": [{"name": "Ritzau", "domains": ["ritzau.dk"], "aliases": ["Ritzau"]},'
        ' {"name": "Reuters", "domains": ["reuters.com"], "aliases": ["Reuters"]}],'
        ' "republishers": ["portal.example"]}',
        encoding="utf-8",
    )
    registry = load_registry(path)
    ritzau = registry.credit_in("KØBENHAVN (Ritzau) - Regeringen.")
    assert ritzau is not None and ritzau.name == "Ritzau"
    reuters = registry.wire_named("Reuters")
    assert reuters is not None and reuters.patterns == ()
    assert registry.is_republisher("portal.example") and registry.is_republisher("msn.com")


@pytest.mark.parametrize(
    "document",
    ["[]", "{", '{"wires": [{"domains": []}]}', '{"wires": [{"name": "X", "patterns": ["("]}]}'],
)
def test_bad_user_file_is_a_config_error(document: str) -> None:
    with pytest.raises(ConfigError):
        registry_from_json(document)


def test_missing_user_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_registry(tmp_path / "absent.json")
