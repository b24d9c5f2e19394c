"""StoryClusterer: joining, new stories, languages, lifecycle, merges, links, snapshots."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from newsdesk.errors import ConfigError
from newsdesk.stories import ArticleView, ClusterOptions, StoryClusterer
from newsdesk.stories.learned import FEATURES
from newsdesk.stories.story import Story, date_share, day_of_year

T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)

QUAKE_1 = ArticleView(
    "q1",
    "Earthquake of magnitude 7.1 strikes off Hokkaido, Japan",
    "A powerful earthquake of magnitude 7.1 struck off the coast of Hokkaido on Sunday, "
    "the Japan Meteorological Agency said. A tsunami warning was issued for Hokkaido.",
    T0,
    "en",
    "nhk.or.jp",
    "JP",
)
QUAKE_2 = ArticleView(
    "q2",
    "Japan: 7.1 quake hits Hokkaido, tsunami warning issued",
    "The Japan Meteorological Agency issued a tsunami warning after a magnitude 7.1 "
    "earthquake hit Hokkaido.",
    T0 + timedelta(minutes=20),
    "en",
    "bbc.co.uk",
    "GB",
    is_primary=True,
)
IPAD = ArticleView(
    "i1",
    "Apple unveils new iPad Pro with M5 chip",
    "Apple on Sunday unveiled a new iPad Pro powered by its M5 chip, from $999.",
    T0 + timedelta(minutes=30),
    "en",
    "theverge.com",
    "US",
)
QUAKE_DE = ArticleView(
    "d1",
    "Erdbeben der Stärke 7,1 erschüttert Hokkaido in Japan",
    "Ein Erdbeben der Stärke 7,1 hat die japanische Insel Hokkaido erschüttert. Die Japan "
    "Meteorological Agency gab eine Tsunami-Warnung heraus.",
    T0 + timedelta(minutes=40),
    "de",
    "spiegel.de",
    "DE",
)


def _at(view: ArticleView, published: datetime | None, new_id: str) -> ArticleView:
    return ArticleView(new_id, view.title, view.text, published, view.language,
                       view.source, view.country, view.is_primary)  # fmt: skip


def test_same_event_joins_other_event_starts_a_story() -> None:
    clusterer = StoryClusterer()
    first = clusterer.add(QUAKE_1)
    second = clusterer.add(QUAKE_2)
    other = clusterer.add(IPAD)
    assert (first.is_new, first.story_id, first.score) == (True, "q1", 0.0)
    assert (second.is_new, second.story_id) == (False, "q1")
    assert second.score > 0.6
    assert other.is_new
    state = clusterer.story("q1")
    assert state.size == 2
    assert state.outlets == ("bbc.co.uk", "nhk.or.jp")
    assert state.countries == ("GB", "JP")
    assert state.first_seen == T0
    assert state.last_update == T0 + timedelta(minutes=20)
    assert state.headline_article_id == "q2"  # the primary source's headline
    assert state.status == "active"


def test_languages_cluster_apart_and_are_linked() -> None:
    clusterer = StoryClusterer()
    for view in (QUAKE_1, QUAKE_2, IPAD):
        clusterer.add(view)
    german = clusterer.add(QUAKE_DE)
    assert german.is_new
    assert [link.story_id for link in german.links] == ["q1"]
    assert german.links[0].language == "en"
    assert 0.5 <= german.links[0].confidence <= 1.0
    assert clusterer.story("q1").languages == ("de", "en")
    assert clusterer.story("i1").links == ()

    unlinked = StoryClusterer(ClusterOptions(cross_lingual=False))
    for view in (QUAKE_1, QUAKE_DE):
        assert unlinked.add(view).links == ()


DEC_5 = datetime(2026, 12, 5, 9, tzinfo=UTC)


def _view(article_id: str, title: str, text: str, language: str, minutes: int) -> ArticleView:
    return ArticleView(article_id, title, text, DEC_5 + timedelta(minutes=minutes), language)


KUMAMOTO_EN = _view(
    "k1",
    "TSMC starts building its second Kumamoto chip plant",
    "Taiwan's TSMC began construction of its second chip factory in Kumamoto, Japan, on "
    "December 5, 2026, an investment of 1.2 trillion yen.",
    "en",
    0,
)
# Another TSMC story writing the same day, two days earlier (it announced the date).
ARIZONA_EN = _view(
    "a1",
    "TSMC to open third Arizona fab",
    "The third Phoenix, Arizona, fab of TSMC will open on December 5 and make 2nm wafers.",
    "en",
    -48 * 60,
)
# The Japanese report names one party in Latin script, and the date.
KUMAMOTO_JA = _view(
    "j1",
    "台湾TSMC、熊本第2工場の建設を開始",
    "TSMCは2026年12月5日、熊本県で第2工場の建設を始めたと発表した。投資額は1兆2000億円。",
    "ja",
    10,
)
EARNINGS_JA = _view(
    "j2",
    "TSMC、7～9月期は増益",
    "TSMCは10月16日、7～9月期の決算を発表した。純利益は前年同期比で増えた。",
    "ja",
    20,
)


def test_one_name_and_a_date_link_when_only_one_story_shares_them() -> None:
    clusterer = StoryClusterer()
    clusterer.add(KUMAMOTO_EN)
    japanese = clusterer.add(KUMAMOTO_JA)
    assert japanese.is_new  # clustering stays within a language
    assert [(link.story_id, link.language) for link in japanese.links] == [("k1", "en")]
    assert 0.5 <= japanese.links[0].confidence <= 1.0
    assert clusterer.story("k1").languages == ("en", "ja")
    # The same name without a shared date is no evidence of the same event.
    assert clusterer.add(EARNINGS_JA).links == ()


def test_one_name_and_a_date_shared_by_two_stories_link_neither() -> None:
    clusterer = StoryClusterer()
    clusterer.add(ARIZONA_EN)
    assert clusterer.add(KUMAMOTO_EN).is_new
    assert clusterer.add(KUMAMOTO_JA).links == ()


def test_one_name_and_an_amount_link_across_languages() -> None:
    # The German report shares one name (TSMC) and no date, but the amount.
    english = _view(
        "s1",
        "Japan pledges subsidies for TSMC",
        "Japan will give TSMC subsidies of up to 732 billion yen for its second plant.",
        "en",
        0,
    )
    german = _view(
        "s2",
        "Tokio fördert TSMC-Werk",
        "Die Regierung sagt Zuschüsse von bis zu 732 Milliarden Yen zu.",
        "de",
        24 * 60,
    )
    clusterer = StoryClusterer()
    clusterer.add(english)
    linked = clusterer.add(german)
    assert [(link.story_id, link.language) for link in linked.links] == [("s1", "en")]


def test_an_article_links_one_story_of_each_other_language() -> None:
    # Two English stories share the names of a German report; it links the closer one.
    quake_2 = _view(
        "q9",
        "Hokkaido quake: Japan Meteorological Agency lifts tsunami warning",
        "The Japan Meteorological Agency lifted the tsunami warning for Hokkaido.",
        "en",
        0,
    )
    clusterer = StoryClusterer(ClusterOptions(join_threshold=0.999))  # keep them apart
    clusterer.add(_at(QUAKE_1, DEC_5, "q1"))
    clusterer.add(quake_2)
    german = clusterer.add(_at(QUAKE_DE, DEC_5 + timedelta(minutes=5), "d1"))
    assert len(german.links) == 1 and german.links[0].language == "en"


JAN_6 = datetime(2017, 1, 6, 12, tzinfo=UTC)
CYBER_ES = ArticleView(
    "s1",
    "EEUU dice que Putin ordenó ciberataques para ayudar a Donald Trump",
    "Los servicios de inteligencia de EEUU afirman que Vladimir Putin ordenó una campaña "
    "de ciberataques para favorecer a Donald Trump frente a Hillary Clinton.",
    JAN_6 + timedelta(hours=1),
    "es",
)


def test_a_story_keeps_its_most_confident_link_of_each_language() -> None:
    # The Spanish report first links the only English story naming Donald Trump (another
    # event); the English story of its own event arrives later and links it more surely,
    # which replaces the first link on both sides; a still weaker one is then not made.
    day = JAN_6
    inauguration = ArticleView(
        "e1",
        "US agency frees up protest sites for Donald Trump inauguration",
        "The National Park Service will free up space on the National Mall for protests "
        "during Donald Trump's inauguration in Washington.",
        day,
        "en",
    )
    report = ArticleView(
        "e2",
        "US intelligence report says Putin directed cyber campaign to help Trump",
        "Russian President Vladimir Putin ordered a cyber campaign to help Donald Trump "
        "defeat Hillary Clinton, a US intelligence report said.",
        day + timedelta(hours=2),
        "en",
    )
    ambassadors = ArticleView(
        "e3",
        "Donald Trump asks ambassadors to leave by inauguration day",
        "Ambassadors appointed by the outgoing administration must leave their posts "
        "before Donald Trump takes office in Washington.",
        day + timedelta(hours=3),
        "en",
    )
    clusterer = StoryClusterer()
    clusterer.add(inauguration)
    early = clusterer.add(CYBER_ES)
    assert [link.story_id for link in early.links] == ["e1"]
    late = clusterer.add(report)
    assert late.is_new and [link.story_id for link in late.links] == ["s1"]
    assert late.unlinked == ("e1",)
    assert late.links[0].confidence > early.links[0].confidence
    assert [link.story_id for link in clusterer.story("s1").links] == ["e2"]
    assert clusterer.story("e1").links == ()
    weaker = clusterer.add(ambassadors)
    assert weaker.links == ()
    assert [link.story_id for link in clusterer.story("s1").links] == ["e2"]


def test_a_bare_headline_naming_two_people_is_no_sure_link() -> None:
    # The English story names only Donald Trump: a Spanish report naming him among others
    # may link it, but not with full confidence (its two names are all the story has).
    headline = ArticleView("u1", "UN chief has very positive discussion with Donald Trump",
                           "", JAN_6, "en")  # fmt: skip
    clusterer = StoryClusterer()
    clusterer.add(headline)
    links = clusterer.add(CYBER_ES).links
    assert all(link.confidence < 0.7 for link in links), links


NIKKEI = _view(
    "n1",
    "Nikkei rises as exporters gain",
    "TOKYO, Dec 5 (Reuters) - Japan's Nikkei share average rose 1.2% on Friday as exporters "
    "such as Toyota gained on a weaker yen.",
    "en",
    0,
)
EXPORTS = _view(
    "c1",
    "China exports beat forecasts",
    "BEIJING, Dec 5 (Reuters) - China's exports grew 5% in November from a year earlier, "
    "customs data showed on Friday, beating forecasts.",
    "en",
    10,
)


def test_a_dateline_is_no_evidence_of_the_event() -> None:
    # Two wire reports of the day share the agency and the date of their datelines.
    clusterer = StoryClusterer()
    clusterer.add(NIKKEI)
    assert clusterer.add(EXPORTS).is_new
    # A date away from the publication day is the event's: it counts.
    dates = FEATURES.index("dates")
    follow_up = _view("f1", "Arson suspected", "The fire of December 3 in Osaka", "en", 0)
    fire = _view("o1", "Fire in Osaka", "A fire broke out in Osaka on December 3.", "en", -2880)
    for published, expected in ((follow_up.published, 1.0), (fire.published, 0.0)):
        clusterer = StoryClusterer()
        clusterer.add(fire)
        view = ArticleView("x", follow_up.title, follow_up.text, published, "en")
        [(_story, features)] = clusterer.observe(view, "x")
        assert features[dates] == expected


CLOSES = (  # one outlet's closing reports of four trading days: four events, alike in words
    ("Nikkei rises as exporters gain", "rose 1.2% on Friday as exporters such as Toyota "
     "gained on a weaker yen. The broader Topix index added 0.9%.", 0),
    ("Nikkei falls as yen firms", "fell 0.8% on Monday as a firmer yen weighed on exporters "
     "such as Toyota. The broader Topix index lost 0.6%.", 72),
    ("Nikkei edges up, chip stocks lead", "edged up 0.3% on Tuesday, led by chip-related "
     "stocks such as Tokyo Electron, while Toyota slipped. The Topix was flat.", 96),
    ("Nikkei slips ahead of BOJ meeting", "slipped 0.5% on Wednesday as investors waited for "
     "the Bank of Japan's policy meeting; exporters such as Toyota were mixed.", 120),
)  # fmt: skip


@pytest.mark.parametrize(
    ("source", "options", "stories"),
    [
        ("reuters.com", ClusterOptions(), 4),
        ("reuters.com", ClusterOptions(source_gap_hours=None), 1),  # the rule turned off
        ("reuters.com", ClusterOptions(source_gap_hours=200), 1),
    ],
)
def test_one_outlets_reports_of_other_days_are_other_stories(
    source: str | None, options: ClusterOptions, stories: int
) -> None:
    clusterer = StoryClusterer(options)
    for number, (title, text, hours) in enumerate(CLOSES):
        text = f"TOKYO (Reuters) - Japan's Nikkei share average {text}"
        when = T0 + timedelta(hours=hours)
        clusterer.add(ArticleView(f"n{number}", title, text, when, "en", source))
    assert len(clusterer) == stories


def test_one_outlets_updates_of_the_same_day_stay_together() -> None:
    clusterer = StoryClusterer()
    clusterer.add(_at(QUAKE_1, T0, "a"))
    update = ArticleView("b", QUAKE_2.title, QUAKE_2.text, T0 + timedelta(hours=6), "en",
                         QUAKE_1.source)  # fmt: skip
    assert not clusterer.add(update).is_new


def test_window_dormancy_revival_and_forgetting() -> None:
    options = ClusterOptions(window_hours=24, dormant_hours=48)
    clusterer = StoryClusterer(options)
    clusterer.add(QUAKE_1)
    clusterer.add(_at(IPAD, T0 + timedelta(hours=30), "late"))
    assert clusterer.story("q1").status == "dormant"
    revived = clusterer.add(_at(QUAKE_2, T0 + timedelta(hours=31), "follow-up"))
    assert (revived.story_id, revived.revived) == ("q1", True)
    assert clusterer.story("q1").status == "active"
    clusterer.add(_at(IPAD, T0 + timedelta(hours=31 + 24 + 48 + 1), "much-later"))
    with pytest.raises(KeyError):
        clusterer.story("q1")


def test_weak_follow_up_does_not_revive() -> None:
    options = ClusterOptions(window_hours=24, revive_threshold=0.999999)
    clusterer = StoryClusterer(options)
    clusterer.add(QUAKE_1)
    late = clusterer.add(_at(QUAKE_2, T0 + timedelta(hours=30), "late"))
    assert late.is_new


def test_articles_without_dates_never_expire() -> None:
    clusterer = StoryClusterer(ClusterOptions(window_hours=1))
    clusterer.add(_at(QUAKE_1, None, "a"))
    assert clusterer.add(_at(QUAKE_2, None, "b")).story_id == "a"
    assert clusterer.story("a").first_seen is None


def test_a_bridging_article_merges_two_stories() -> None:
    options = ClusterOptions(method="threshold", threshold=0.3, merge_threshold=0.05,
                             merge_floor=0.3)  # fmt: skip
    clusterer = StoryClusterer(options)
    left = ArticleView("l", "Acme files lawsuit", "Acme Corporation lawsuit filed in Delaware")
    right = ArticleView("r", "Globex responds", "Globex denies wrongdoing, spokesperson says")
    bridge = ArticleView(
        "b",
        "Acme lawsuit: Globex responds",
        "Acme Corporation lawsuit filed in Delaware; Globex denies wrongdoing, spokesperson",
    )
    assert clusterer.add(left).is_new
    assert clusterer.add(right).is_new
    result = clusterer.add(bridge)
    assert not result.is_new
    assert len(result.merged) == 1
    survivor = clusterer.story(result.story_id)
    assert survivor.size == 3
    assert len(clusterer) == 1
    with pytest.raises(KeyError):
        clusterer.story(result.merged[0])


def test_an_article_either_fragment_would_take_merges_them() -> None:
    # Two reports of one robbery told with different words start two stories; a third
    # that each would take (join probability >= merge_floor, 0.7) merges them, although
    # their centroids are far apart (the old rule wanted a cosine of 0.6 and kept them).
    left = ArticleView(
        "l",
        "Robbers in drag steal diamonds from Harry Winston store in Paris",
        "Armed robbers, some of them dressed as women, stole diamonds worth 85 million "
        "euros from the Harry Winston jewellery store on Avenue Montaigne in Paris on "
        "Thursday, police said.",
    )
    right = ArticleView(
        "r",
        "Gang empties Harry Winston boutique near the Champs-Elysees",
        "A gang of four thieves cleaned out nearly all the jewels of the Harry Winston "
        "boutique near the Champs-Elysees, taking rings, necklaces and watches, "
        "investigators said on Friday.",
    )
    bridge = ArticleView(
        "b",
        "Harry Winston robbers in drag empty Paris boutique of diamonds",
        "Four armed robbers, two of them dressed as women, stole diamonds worth 85 million "
        "euros from the Harry Winston store on Avenue Montaigne: the gang cleaned out "
        "nearly all the jewels of the boutique near the Champs-Elysees, taking rings, "
        "necklaces and watches, investigators said.",
    )
    for options, merged in ((ClusterOptions(), ("r",)), (ClusterOptions(merge_threshold=0.6), ())):
        clusterer = StoryClusterer(options)
        assert clusterer.add(left).is_new
        assert clusterer.add(right).is_new
        result = clusterer.add(bridge)
        assert (result.story_id, result.merged) == ("l", merged)
        assert clusterer.story("l").size == 1 + len(merged) + 1


def test_the_frequency_tables_stay_bounded_however_long_the_stream() -> None:
    # Every article brings names, numbers and words never seen before, as a real stream
    # does: the tables keep at most max_vocabulary terms, and the common words stay.
    options = ClusterOptions(max_vocabulary=1000)
    clusterer = StoryClusterer(options)
    views = [
        ArticleView(
            f"a{n}",
            f"Parliament votes on budget of Qx{n}a",
            f"Minister Zy{n}b said {n * 7919} people in Wv{n}c and Tu{n}d watched the "
            f"budget vote, ur{n}e os{n}f.",
            T0 + timedelta(minutes=n),
            "en",
        )
        for n in range(660)
    ]
    for view in views[:600]:
        clusterer.add(view)
    tables = [*clusterer._df.values(), clusterer._names_df]
    assert all(len(table.counts) <= 1000 for table in tables)
    assert clusterer._df["en"].df("budget") == 600
    assert clusterer._names_df.df("parliament") == 600
    assert clusterer.index_stats()["vocabulary"] <= 2000
    # The pruned tables are part of the state: a restored clusterer goes on identically.
    restored = StoryClusterer.restore(json.loads(json.dumps(clusterer.snapshot())), options)
    for view in views[600:]:
        assert clusterer.add(view) == restored.add(view)
    assert json.dumps(clusterer.snapshot()) == json.dumps(restored.snapshot())


def test_snapshot_is_json_and_restore_continues_identically() -> None:
    first = StoryClusterer()
    for view in (QUAKE_1, IPAD):
        first.add(view)
    data = json.loads(json.dumps(first.snapshot()))
    second = StoryClusterer.restore(data)
    for view in (QUAKE_2, QUAKE_DE):
        assert first.add(view) == second.add(view)
    assert list(first.stories()) == list(second.stories())
    assert json.dumps(first.snapshot()) == json.dumps(second.snapshot())


def _is_interned(key: str) -> bool:
    return key is sys.intern("".join(key))  # the join makes a new string of equal text


def test_live_and_restored_stories_share_one_string_per_term() -> None:
    # Thousands of live stories keep the same terms as keys: one interned string each
    # (a third of the clusterer's memory otherwise), also after a restore from JSON.
    clusterer = StoryClusterer()
    for view in (QUAKE_1, QUAKE_2, IPAD):
        clusterer.add(view)
    restored = StoryClusterer.restore(json.loads(json.dumps(clusterer.snapshot())))
    for each in (clusterer, restored):
        for story in each._stories.values():
            keys = [*story.centroid, *story.titles, *story.names, *story.numbers, *story.keys]
            keys += [term for member in story.members for term in member]
            assert keys and all(_is_interned(key) for key in keys)
        # The term tables hold the stories' strings too (not copies of their own).
        assert all(_is_interned(key) for table in each._df.values() for key in table.counts)


def test_partial_snapshots_add_up_to_the_whole_state() -> None:
    # What the story desk does: one whole snapshot, then only the stories changed since the
    # previous save (joins, merges, links, refreshes) and the ids of those gone (merged
    # away, forgotten past dormancy). Applied in turn to the saved stories they must give
    # back, at every save, exactly the clusterer's whole state.
    options = ClusterOptions(window_hours=2.0, dormant_hours=2.0)
    clusterer = StoryClusterer(options)
    saved: dict[str, Any] = {str(story["id"]): story for story in clusterer.snapshot()["stories"]}
    clusterer.mark_saved()
    robbery = [
        ArticleView(
            "l",
            "Robbers in drag steal diamonds from Harry Winston store in Paris",
            "Armed robbers, some of them dressed as women, stole diamonds worth 85 "
            "million euros from the Harry Winston jewellery store on Avenue Montaigne "
            "in Paris on Thursday, police said.",
            T0 + timedelta(minutes=50),
            "en",
        ),
        ArticleView(
            "r",
            "Gang empties Harry Winston boutique near the Champs-Elysees",
            "A gang of four thieves cleaned out nearly all the jewels of the Harry "
            "Winston boutique near the Champs-Elysees, taking rings, necklaces and "
            "watches, investigators said on Friday.",
            T0 + timedelta(minutes=55),
            "en",
        ),
        ArticleView(
            "b",
            "Harry Winston robbers in drag empty Paris boutique of diamonds",
            "Four armed robbers, two of them dressed as women, stole diamonds worth 85 "
            "million euros from the Harry Winston store on Avenue Montaigne: the gang "
            "cleaned out nearly all the jewels of the boutique near the "
            "Champs-Elysees, taking rings, necklaces and watches, investigators said.",
            T0 + timedelta(minutes=58),
            "en",
        ),
    ]
    later = [
        ArticleView(
            f"v{n}",
            f"Parliament votes on budget of Qx{n}a",
            f"Minister Zy{n}b said {n * 7919} people watched the budget vote.",
            T0 + timedelta(hours=3 + n),
            "en",
        )
        for n in range(4)
    ]
    seen: set[str] = set()
    linked: set[str] = set()
    for view in (QUAKE_1, IPAD, QUAKE_2, QUAKE_DE, *robbery, *later):
        result = clusterer.add(view)
        seen.update(result.merged)
        linked.update(link.story_id for link in result.links)
        part = clusterer.snapshot(partial=True)
        changed = {str(story["id"]) for story in part["stories"]}
        assert result.story_id in changed and changed <= set(part["order"])
        for gone in part["gone"]:
            saved.pop(gone, None)
        saved.update({str(story["id"]): story for story in part["stories"]})
        clusterer.mark_saved()
        rebuilt = {k: v for k, v in part.items() if k not in ("partial", "gone")}
        rebuilt["stories"] = [saved[story_id] for story_id in part["order"]]
        assert json.dumps(rebuilt) == json.dumps(clusterer.snapshot())
    assert seen == {"r"} and linked == {"q1"}  # a bridging merge, a cross-lingual link
    assert "q1" not in saved and "d1" not in saved  # forgotten past window + dormancy
    assert clusterer.snapshot(partial=True)["stories"] == []  # nothing changed since
    with pytest.raises(ValueError, match="partial"):
        StoryClusterer.restore(clusterer.snapshot(partial=True), options)


def test_version_1_snapshot_restores_without_dates() -> None:
    first = StoryClusterer()
    for view in (QUAKE_1, IPAD):
        first.add(view)
    data = json.loads(json.dumps(first.snapshot()))
    assert data["version"] == 2
    data["version"] = 1
    for story in data["stories"]:
        del story["dates"]
    second = StoryClusterer.restore(data)
    assert [s.size for s in second.stories()] == [1, 1]
    assert second.add(QUAKE_2).story_id == "q1"


@pytest.mark.parametrize("snapshot", [{}, {"version": 99}, {"version": 1, "now": None}])
def test_restore_rejects_bad_snapshots(snapshot: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        StoryClusterer.restore(snapshot)


@pytest.mark.parametrize(
    "options",
    [
        ClusterOptions(method="bert"),
        ClusterOptions(coefficients=(1.0, 2.0)),
        ClusterOptions(max_vocabulary=999),
    ],
)
def test_bad_options_raise_config_error(options: ClusterOptions) -> None:
    with pytest.raises(ConfigError):
        StoryClusterer(options)


def test_candidates_are_bounded_whatever_the_number_of_stories() -> None:
    options = ClusterOptions(max_candidates=5)
    clusterer = StoryClusterer(options)
    # Headlines of one morning sharing one word, each with names of its own: 60 stories,
    # all of them candidates for "Storm".
    for number in range(60):
        words = " ".join(f"W{number}x{k}" for k in range(8))
        view = ArticleView(f"s{number}", f"Storm {words}", words, T0)
        assert clusterer.add(view).is_new
    article = clusterer._prepare(ArticleView("x", "Storm", "storm", T0))
    assert len(clusterer._features(article)) <= 5
    stats = clusterer.index_stats()
    assert stats["stories"] == stats["indexed"] // 2 == 60


@pytest.mark.parametrize(("published", "joins"), [(None, True), (T0, False)])
def test_only_dated_headlines_use_the_headline_model(
    published: datetime | None, joins: bool
) -> None:
    # Text model: always join; headline model: never. An undated headline has no recency
    # evidence, so the text model (fitted on undated articles) decides for it.
    width = len(FEATURES)
    options = ClusterOptions(
        coefficients=(0.0,) * width + (10.0,), title_coefficients=(0.0,) * width + (-10.0,)
    )
    clusterer = StoryClusterer(options)
    first = clusterer.add(
        ArticleView("h1", "Hokkaido earthquake magnitude 7.1", published=published)
    )
    second = clusterer.add(
        ArticleView("h2", "Magnitude 7.1 earthquake hits Hokkaido", published=published)
    )
    assert (second.story_id == first.story_id) is joins


@pytest.mark.parametrize(
    ("second_date", "joins"),
    [
        ("Friday, March 3", True),
        ("2026-03-04", True),  # a day later
        ("March 6", False),
        ("", False),
    ],
)
def test_a_date_written_in_both_articles_is_evidence(second_date: str, joins: bool) -> None:
    # Only the dates feature has a weight: a shared date (give or take a day) joins.
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("dates")] = 10.0
    options = ClusterOptions(coefficients=(*weights, -5.0))
    clusterer = StoryClusterer(options)
    first = clusterer.add(ArticleView("d1", "Storm floods harbour", "Published March 3, 2026."))
    second = clusterer.add(ArticleView("d2", "Storm floods harbour", f"Updated {second_date}."))
    assert (second.story_id == first.story_id) is joins


def test_date_share_counts_a_day_either_way_across_the_new_year() -> None:
    story = Story("s", "en")
    story.size = 2
    story.dates = {day_of_year("12-31"): 1, day_of_year("06-15"): 2}
    assert date_share(frozenset({day_of_year("01-01")}), story) == 1.0  # 1 of 2 articles
    assert date_share(frozenset({day_of_year("06-16"), day_of_year("02-01")}), story) == 0.5
    assert date_share(frozenset({day_of_year("06-18")}), story) == 0.0
    assert date_share(frozenset(), story) == 0.0
