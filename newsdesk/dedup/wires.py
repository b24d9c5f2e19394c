"""Known wire services and known re-publishers: the built-in, editable list.

A *wire service* sells its stories to other outlets, which reprint them with a credit in the
byline or dateline ("LONDON (Reuters) -", "AP —", "By Kyodo News"): when such a credit is
found, the wire is the primary source. A *re-publisher* (news portals, automatic
aggregators) shows other outlets' stories: it is never taken for a primary source while a
copy from anyone else is known.

To add or correct an entry, edit ``WIRES`` / ``REPUBLISHERS`` below, or give users a JSON file
of the same shape (``{"wires": [{"name", "domains", "aliases", "patterns"}],
"republishers": ["domain", ...]}``) and load it with :func:`load_registry`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from newsdesk.errors import ConfigError

__all__ = [
    "REPUBLISHERS",
    "WIRES",
    "WireRegistry",
    "WireService",
    "default_registry",
    "load_registry",
    "registry_from_json",
]


@dataclass(frozen=True, slots=True)
class WireService:
    """One wire. ``aliases`` are the names used in credits (matched as whole words, case
    sensitive, in a dateline "(NAME)", a byline, or a closing credit); ``patterns`` are extra
    regular expressions that mark the wire's copy anywhere in the first or last lines
    (for example Reuters' "Reporting by ...; Editing by ...")."""

    name: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]
    patterns: tuple[str, ...] = ()


WIRES: tuple[WireService, ...] = (
    WireService(
        "Reuters",
        ("reuters.com", "thomsonreuters.com"),
        ("Reuters", "Thomson Reuters"),
        (r"\bReporting by [^\n]{2,200}\bEditing by\b",),
    ),
    WireService(
        "Associated Press",
        ("apnews.com", "ap.org"),
        ("AP", "Associated Press", "The Associated Press"),
        (r"Copyright \d{4} The Associated Press",),
    ),
    WireService("AFP", ("afp.com",), ("AFP", "Agence France-Presse", "Agence France Presse")),
    WireService("Kyodo", ("kyodonews.net", "kyodonews.jp"), ("Kyodo", "Kyodo News")),
    WireService(
        "dpa", ("dpa.com", "dpa-international.com"), ("dpa", "DPA", "Deutsche Presse-Agentur")
    ),
    WireService("Bloomberg", ("bloomberg.com",), ("Bloomberg", "Bloomberg News")),
    WireService("Xinhua", ("xinhuanet.com", "news.cn"), ("Xinhua",)),
    WireService("EFE", ("efe.com",), ("EFE", "Agencia EFE")),
    WireService("ANSA", ("ansa.it",), ("ANSA",)),
    WireService("Yonhap", ("yna.co.kr", "yonhapnews.co.kr"), ("Yonhap",)),
    WireService("Jiji Press", ("jiji.com",), ("Jiji", "Jiji Press")),
    WireService("Anadolu Agency", ("aa.com.tr",), ("Anadolu Agency", "Anadolu")),
    WireService("TASS", ("tass.com", "tass.ru"), ("TASS",)),
    WireService("UPI", ("upi.com",), ("UPI", "United Press International")),
    WireService("Press Trust of India", ("ptinews.com",), ("PTI", "Press Trust of India")),
    WireService("ANI", ("aninews.in",), ("ANI", "Asian News International")),
    WireService("IANS", ("ians.in",), ("IANS",)),
    WireService("The Canadian Press", ("thecanadianpress.com",), ("The Canadian Press", "CP")),
    WireService("AAP", ("aap.com.au",), ("AAP", "Australian Associated Press")),
    WireService("PA Media", ("pa.media",), ("PA Media", "Press Association")),
    WireService("Europa Press", ("europapress.es",), ("Europa Press",)),
    WireService("Agência Brasil", ("agenciabrasil.ebc.com.br",), ("Agência Brasil",)),
    WireService("Interfax", ("interfax.com", "interfax.ru"), ("Interfax",)),
)

#: Domains (registered domains) of portals and automatic aggregators that republish others.
REPUBLISHERS: frozenset[str] = frozenset(
    {
        "msn.com",
        "yahoo.com",
        "newsbreak.com",
        "flipboard.com",
        "headtopics.com",
        "newsnow.co.uk",
        "inkl.com",
        "ground.news",
        "vigourtimes.com",
        "newsbeezer.com",
        "newsylist.com",
        "knews.uk",
        "dailyhunt.in",
        "smartnews.com",
        "newsr.in",
        "bignewsnetwork.com",
        "devdiscourse.com",
        "latestly.com",
        "marketscreener.com",
        "investing.com",
        "newsnationusa.com",
        "opera.news",
        "pressreader.com",
    }
)


@dataclass(frozen=True, slots=True)
class WireRegistry:
    """Wires and re-publishers, with the credit matchers compiled once."""

    wires: tuple[WireService, ...]
    republishers: frozenset[str]
    _by_domain: dict[str, WireService] = field(init=False, repr=False, compare=False)
    _dateline: tuple[tuple[re.Pattern[str], WireService], ...] = field(
        init=False, repr=False, compare=False
    )
    _anywhere: tuple[tuple[re.Pattern[str], WireService], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_domain = {d.lower(): w for w in self.wires for d in w.domains}
        dateline: list[tuple[re.Pattern[str], WireService]] = []
        anywhere: list[tuple[re.Pattern[str], WireService]] = []
        for wire in self.wires:
            names = "|".join(re.escape(a) for a in sorted(wire.aliases, key=len, reverse=True))
            # "(Reuters) -", "(AP) —", "AP —" or "Kyodo:" opening the text, "— AFP" closing it.
            dateline.append(
                (
                    re.compile(
                        rf"\((?:{names})\)(?:\s*[-—–:]|\s*$)|^(?:By\s+)?(?:{names})\s*[-—–:]\s"
                        rf"|[-—–]\s*(?:{names})\s*$|^(?:By\s+)?(?:{names})(?:\s+(?:Staff|Reporters?|News))?\s*$"
                        rf"|(?:©|Copyright)\s*(?:\d{{4}}\s*)?(?:{names})\b",
                        re.MULTILINE,
                    ),
                    wire,
                )
            )
            anywhere.extend((re.compile(p), wire) for p in wire.patterns)
        object.__setattr__(self, "_by_domain", by_domain)
        object.__setattr__(self, "_dateline", tuple(dateline))
        object.__setattr__(self, "_anywhere", tuple(anywhere))

    def wire_for_domain(self, domain: str | None) -> WireService | None:
        """The wire whose site ``domain`` (a registered domain) is, if any."""
        return self._by_domain.get(domain.lower()) if domain else None

    def wire_named(self, name: str | None) -> WireService | None:
        """The wire with this name or alias (case-insensitive), if any."""
        if not name:
            return None
        folded = name.strip().casefold()
        for wire in self.wires:
            if folded == wire.name.casefold() or folded in (a.casefold() for a in wire.aliases):
                return wire
        return None

    def is_republisher(self, domain: str | None) -> bool:
        return bool(domain) and domain.lower() in self.republishers  # type: ignore[union-attr]

    def credit_in(self, text: str, authors: Iterable[str] = ()) -> WireService | None:
        """The wire credited by ``text`` or ``authors``: a byline naming the wire
        ("Reuters", "By The Associated Press"), a dateline "(Reuters) -" or "AP —" in the
        first lines, a closing "— AFP" or "© AFP" in the last lines, or one of the wire's
        ``patterns`` there. None when nothing is credited."""
        for author in authors:
            wire = self.wire_named(
                re.sub(r"^By\s+|\s+(?:Staff|News|Reporters?)$", "", author.strip())
            )
            if wire is not None:
                return wire
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        head = "\n".join(line[:300] for line in lines[:3])
        tail = "\n".join(line[-300:] for line in lines[-3:])
        for part in (head, tail):
            for pattern, wire in self._dateline:
                # A substring test first: most texts credit no wire, and 20-odd regular
                # expressions per text would cost more than the rest of the signals.
                if any(alias in part for alias in wire.aliases) and pattern.search(part):
                    return wire
            for pattern, wire in self._anywhere:
                if pattern.search(part):
                    return wire
        return None


@cache
def default_registry() -> WireRegistry:
    """The built-in list (``WIRES``, ``REPUBLISHERS``); made once (a registry is immutable,
    and compiling its matchers costs more than reading one page's signals)."""
    return WireRegistry(WIRES, REPUBLISHERS)


def registry_from_json(text: str, *, base: WireRegistry | None = None) -> WireRegistry:
    """``base`` (default: the built-in list) extended by a JSON document: wires with a name
    already known replace the built-in entry, others are added; re-publishers are added.
    Raises ``ConfigError`` when the document is not of that shape."""
    start = base or default_registry()
    try:
        data = json.loads(text)
        if not isinstance(data, Mapping):
            raise TypeError("top level is not an object")
        wires = {w.name: w for w in start.wires}
        for entry in data.get("wires", []):
            wire = WireService(
                name=str(entry["name"]),
                domains=tuple(str(d).lower() for d in entry.get("domains", [])),
                aliases=tuple(str(a) for a in entry.get("aliases", [entry["name"]])),
                patterns=tuple(str(p) for p in entry.get("patterns", [])),
            )
            for pattern in wire.patterns:
                re.compile(pattern)
            wires[wire.name] = wire
        extra = {str(d).lower() for d in data.get("republishers", [])}
    except (ValueError, TypeError, KeyError, re.error) as exc:
        raise ConfigError(f"bad wire list: {exc}") from exc
    return WireRegistry(tuple(wires.values()), start.republishers | extra)


def load_registry(path: str | Path, *, base: WireRegistry | None = None) -> WireRegistry:
    """:func:`registry_from_json` on the file at ``path``; ``ConfigError`` when it cannot be
    read or parsed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read wire list {path}: {exc}") from exc
    return registry_from_json(text, base=base)
