"""parse_html builds the tree trafilatura's own loader would build, faster on clean pages."""

from __future__ import annotations

import pytest
from lxml import etree
from trafilatura.utils import load_html

from newsdesk.extract.parse import parse_html

CASES = [
    "<!DOCTYPE html><html lang='en'><head><title>T</title></head><body><p>a</p></body></html>",
    "<html/>\n<body><p>x\x01y\x0bz</p></body>",
    "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN' 'http://www.w3.org/TR/x.dtd'/>\n"
    "<html><body><p>a</p></body></html>",
    "<div>\ufffe</div><p>b</p><p>c</p>",
    "<p>only a fragment</p>",
    "plain text, no markup at all",
    "<html><head><meta charset='utf-8'></head><body>" + "<div>" * 300 + "x</body></html>",
]


@pytest.mark.parametrize("text", CASES)
def test_same_tree_as_trafilatura(text: str) -> None:
    ours = parse_html(text)
    theirs = load_html(text)
    if theirs is None:
        assert ours is None
    else:
        assert ours is not None
        assert etree.tostring(ours) == etree.tostring(theirs)


def test_xml_declaration_is_dropped() -> None:
    tree = parse_html("<?xml version='1.0' encoding='utf-8'?>\n<html><body><p>x</p></body></html>")
    assert tree is not None
    assert tree.findtext(".//p") == "x"


def test_invalid_xml_characters_are_removed() -> None:
    tree = parse_html("<html><body><p>a\x00b\x1fc\uffffd</p></body></html>")
    assert tree is not None
    assert tree.findtext(".//p") == "abcd"
