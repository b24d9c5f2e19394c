"""similarity, match, prefer and decide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.dedup.decide import (
    Candidate,
    DecideOptions,
    DocId,
    DocView,
    decide,
    match,
    prefer,
)
from newsdesk.dedup.signals import AttributionHints
from newsdesk.dedup.similarity import Similarity, compare, text_features

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

ORIGINAL = """Firefighters brought a blaze at the Harbour Street warehouse under control early on
Sunday after a night in which flames forced the evacuation of 140 residents.

Fire chief Marta Olsen said three crews had worked for nine hours. "The wind turned twice,
and twice we had to pull back," she said. No one was injured.

The warehouse, owned by Nordlys Logistics, stored paper and packaging. The company said it
would cooperate with investigators, who have not yet named a cause.

Residents were allowed back into their homes at 8 a.m., the city said in a statement."""

SPUN = """Firefighters got a fire at the Harbour Street depot under control early Sunday
following a night in which blaze forced the evacuation of 140 people.

Fire chief Marta Olsen stated three teams had labored for nine hours. "The wind shifted
twice, and twice we had to pull back," she explained. No one was hurt.

The depot, owned by Nordlys Logistics, stored paper and wrapping. The firm stated it would
cooperate with investigators, who have not yet identified a cause.

People were permitted back into their houses at 8 a.m., the town stated in a release."""

OTHER_REPORT = """A warehouse fire on Harbour Street kept 140 residents out of their homes
overnight, and the cause is still unknown.

Nordlys Logistics, which owns the building, has used it for paper storage since 2015. Its
director declined to comment on the insurance position.

Neighbours described seeing smoke from across the bay. One, a retired teacher, said she had
packed a bag within minutes. Fire chief Marta Olsen praised the crews on local radio."""

# Another outlet's rewrite of the same story: the same facts in the same order, but
# sentences merged, split and extended with its own clauses.
REWRITE = """Firefighters brought a blaze at the Harbour Street warehouse under control on Sunday
morning, hours after flames forced 140 residents to leave their homes in the middle of the night.

Three crews worked for nine hours, fire chief Marta Olsen said, adding that the wind had turned
twice and forced them to pull back each time. Nobody was hurt in the blaze, the worst in the
district this year.

Nordlys Logistics, which owns the warehouse, stored paper and packaging there. The company said
in a brief statement that it would cooperate with investigators, who have not named a cause.

The city let residents return to their homes at 8 a.m., and a council spokesman said the street
would stay closed to traffic until Monday."""


def view(doc_id: str, text: str, **kw: object) -> DocView:
    kw.setdefault("source", f"{doc_id}.example")
    kw.setdefault("url", f"https://{doc_id}.example/story")
    return DocView(id=doc_id, text=text, **kw)  # type: ignore[arg-type]


def sim(a: str, b: str) -> Similarity:
    return compare(text_features(a), text_features(b))


def test_similarity_is_symmetric_and_exact_for_copies() -> None:
    assert sim(ORIGINAL, SPUN) == sim(SPUN, ORIGINAL)
    same = sim(ORIGINAL, ORIGINAL)
    assert same.containment == same.jaccard == same.aligned == same.coverage == 1.0


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (ORIGINAL, "near"),
        ("Advertisement\n" + ORIGINAL + "\nShare this article", "near"),
        (ORIGINAL.split("\n\n")[0] + "\n\n" + ORIGINAL.split("\n\n")[1], "near"),
        (SPUN, "spun"),
        (REWRITE, None),
        (OTHER_REPORT, None),
    ],
)
def test_match_kinds(text: str, kind: str | None) -> None:
    a, b = view("a", ORIGINAL), view("b", text)
    fa, fb = text_features(ORIGINAL), text_features(text)
    found = match(b, a, compare(fa, fb), content_words=(fa.content_words, fb.content_words))
    assert (found.kind if found else None) == kind


@pytest.mark.parametrize(
    ("a_kw", "b_kw", "same"),
    [
        ({"url": "https://x.example/1?utm_source=feed"}, {"url": "https://x.example/1"}, True),
        ({"guid": "urn:1"}, {"guid": "urn:1"}, True),
        ({"guid": "urn:1"}, {"guid": "urn:2"}, False),
    ],
)
def test_match_exact_identity(a_kw: dict[str, object], b_kw: dict[str, object], same: bool) -> None:
    a, b = view("a", "One text.", **a_kw), view("b", "Another text entirely.", **b_kw)
    found = match(b, a, sim(a.text, b.text))
    assert (found is not None and found.kind == "exact") is same


def test_rewrite_aligns_like_a_spun_copy_but_keeps_less_wording() -> None:
    spun, rewrite = sim(ORIGINAL, SPUN), sim(ORIGINAL, REWRITE)
    # Aligned and coverage alone cannot tell them apart ...
    assert rewrite.aligned >= spun.aligned and rewrite.coverage >= 0.6
    # ... the wording kept in place can: a spinner swaps words inside sentences.
    assert spun.kept >= 0.8 > rewrite.kept
    a, b = view("a", ORIGINAL), view("b", REWRITE)
    words = (text_features(ORIGINAL).content_words, text_features(REWRITE).content_words)
    assert match(b, a, rewrite, content_words=words) is None
    loose = DecideOptions(spun_kept=0.0)
    found = match(b, a, rewrite, content_words=words, options=loose)
    assert found is not None and found.kind == "spun"


@pytest.mark.parametrize(
    ("text", "exact"), [(ORIGINAL.replace("nine", "ten"), True), (OTHER_REPORT, False)]
)
@pytest.mark.parametrize("same", [{"url": "https://live.example/fire"}, {"guid": "urn:fire"}])
def test_same_url_or_guid_needs_shared_text(same: dict[str, str], text: str, exact: bool) -> None:
    # A live page (or a feed reusing a GUID) that now carries another report is not a copy.
    a, b = view("a", ORIGINAL, **same), view("b", text, **same)
    fa, fb = text_features(ORIGINAL), text_features(text)
    found = match(b, a, compare(fa, fb), content_words=(fa.content_words, fb.content_words))
    assert (found is not None and found.kind == "exact") is exact


REUTERS = AttributionHints(wire_credit="Reuters")


@pytest.mark.parametrize(
    ("incumbent", "challenger", "winner", "reason"),
    [
        # Time: the earlier one.
        (dict(published=T0 + timedelta(hours=2)), dict(published=T0), "b", "published 2 h earlier"),
        (
            dict(published=T0),
            dict(published=T0 + timedelta(minutes=30)),
            "a",
            "published 30 min earlier",
        ),
        # A credit beats the clock (a partner's clock runs early).
        (
            dict(source="reuters.com", published=T0),
            dict(published=T0 - timedelta(minutes=7), hints=REUTERS),
            "a",
            "Reuters byline credit",
        ),
        (
            dict(published=T0, hints=AttributionHints(canonical_url="https://b.example/story")),
            dict(published=T0 + timedelta(hours=1)),
            "b",
            "rel=canonical",
        ),
        (
            dict(published=T0, hints=AttributionHints(original_source_url="https://b.example/x")),
            dict(published=T0 + timedelta(hours=1)),
            "b",
            "original-source meta",
        ),
        # No times: wire service, then re-publisher, then arrival.
        (dict(), dict(source="apnews.com"), "b", "wire service"),
        (dict(source="msn.com"), dict(), "b", "msn.com is a re-publisher"),
        (dict(), dict(), "a", "seen first"),
        (dict(published=T0), dict(published=T0 + timedelta(seconds=20)), "a", "seen first"),
    ],
)
def test_prefer(
    incumbent: dict[str, object], challenger: dict[str, object], winner: str, reason: str
) -> None:
    a, b = view("a", ORIGINAL, **incumbent), view("b", ORIGINAL, **challenger)
    chosen, reasons = prefer(a, b)
    assert chosen.id == winner
    assert reasons[0] == reason


def test_decide_copy_names_primary_and_reasons() -> None:
    wire = view("w", ORIGINAL, source="reuters.com", published=T0)
    copy = view("c", ORIGINAL, published=T0 + timedelta(hours=2), hints=REUTERS)
    candidate = Candidate(wire, sim(ORIGINAL, ORIGINAL), "near", 1.0, "100% shared")
    primaries: dict[DocId, DocView] = {"w": wire}
    decision = decide(copy, [candidate], lookup=primaries.get)
    assert decision.copy_of == "w" and decision.primary_id == "w"
    assert decision.kind_guess == "wire"
    assert (
        decision.reasons[-1]
        == "primary source: Reuters — Reuters byline credit; published 2 h earlier"
    )


def test_decide_new_original_supersedes_group_primary() -> None:
    early_copy = view("c", SPUN, published=T0 + timedelta(hours=3))
    original = view("o", ORIGINAL, published=T0)
    candidate = Candidate(early_copy, sim(ORIGINAL, SPUN), "spun", 0.6, "reworded")
    primaries: dict[DocId, DocView] = {"c": early_copy}
    decision = decide(original, [candidate], lookup=primaries.get)
    assert decision.copy_of is None and decision.primary_id == "o"
    assert decision.supersedes == ("c",)


def test_decide_without_candidates() -> None:
    plain = decide(view("x", ORIGINAL), [], lookup=lambda _: None)
    assert (plain.copy_of, plain.primary_id, plain.kind_guess) == (None, "x", "original")
    credited = decide(view("y", ORIGINAL, hints=REUTERS), [], lookup=lambda _: None)
    assert credited.primary_source == "Reuters" and credited.primary_id == "y"
    assert "its copy is not known" in credited.reasons[0]


PARAPHRASE = """Overnight, flames at a Harbour Street warehouse forced 140 residents out, and it
took until early Sunday before firefighters had the fire under control.

Three crews worked for nine hours, said fire chief Marta Olsen, adding that the wind turned
twice. Nobody was hurt.

Nordlys Logistics owns the warehouse, where paper and packaging were stored; the company
promised to cooperate with investigators, who have named no cause yet. Residents went home
at 8 a.m., the city said."""


@pytest.mark.parametrize(
    ("text", "credited", "kind"),
    [
        # Sentences recast, not words swapped: without a credit it reads like another
        # outlet's rewrite of the same story (REWRITE), so it is not called a copy.
        (PARAPHRASE, None, None),
        (PARAPHRASE, "credit link", "credited"),
        # Too short for the spun rule: only the credit makes it a copy.
        (PARAPHRASE.split("\n\n")[0], None, None),
        (PARAPHRASE.split("\n\n")[0], "credit link", "credited"),
        (OTHER_REPORT, "credit link", None),
    ],
)
def test_a_page_naming_its_source_is_a_copy_when_the_texts_align(
    text: str, credited: str | None, kind: str | None
) -> None:
    a, b = view("a", ORIGINAL), view("b", text)
    fa, fb = text_features(ORIGINAL), text_features(text)
    found = match(
        b, a, compare(fa, fb), credited=credited, content_words=(fa.content_words, fb.content_words)
    )
    assert (found.kind if found else None) == kind
