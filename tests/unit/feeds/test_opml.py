"""OPML read/write: inline fixtures plus the public catalogs in ../shared/data/opml."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.errors import ParseError, UnsafeXML
from newsdesk.feeds import OpmlOutline, parse_opml, write_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="World">
    <outline text="Europe">
      <outline text="Le Monde" type="rss" xmlUrl="https://lemonde.example/rss"
               htmlUrl="https://lemonde.example/" country="FR" language="fr"/>
    </outline>
    <outline text="Reuters" title="Reuters World" xmlUrl="https://reuters.example/world"/>
  </outline>
  <outline text="Loose" xmlUrl="https://loose.example/feed" category="/Tech"/>
  <outline text="Dup" xmlUrl="https://reuters.example/world"/>
  <outline text="Folder without feeds"/>
</body></opml>"""


def test_nested_outlines_are_flattened_with_parent_category() -> None:
    assert parse_opml(NESTED) == [
        OpmlOutline(
            xml_url="https://lemonde.example/rss",
            title="Le Monde",
            html_url="https://lemonde.example/",
            category="Europe",
            country="FR",
            language="fr",
        ),
        OpmlOutline(
            xml_url="https://reuters.example/world", title="Reuters World", category="World"
        ),
        OpmlOutline(xml_url="https://loose.example/feed", title="Loose", category="/Tech"),
    ]


def test_write_then_read_round_trips() -> None:
    outlines = parse_opml(NESTED)
    written = write_opml(outlines, title="Export & more")
    assert written.startswith(b"<?xml")
    assert b"Export &amp; more" in written
    assert parse_opml(written) == outlines


@pytest.mark.parametrize("body", [b"", b"<html><body>no</body></html>", b"not xml at all"])
def test_not_opml(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_opml(body)


def test_opml_entities_are_refused() -> None:
    body = b'<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body/></opml>'
    with pytest.raises(UnsafeXML):
        parse_opml(body)


def test_real_catalogs(shared_data: Path) -> None:
    files = sorted((shared_data / "opml").rglob("*.opml"))
    assert files
    for path in files:
        outlines = parse_opml(path.read_bytes())
        assert outlines, path.name
        assert all(o.xml_url.startswith(("http://", "https://")) for o in outlines), path.name
    liferea = parse_opml((shared_data / "opml/liferea/feedlist_de.opml").read_bytes())
    tagesschau = next(o for o in liferea if "tagesschau" in o.xml_url)
    assert (tagesschau.title, tagesschau.category) == ("Tagesschau", "News")
