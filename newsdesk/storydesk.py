"""The story desk: one process's story clusterer, kept in step with the store.

:class:`StoryDesk` owns a :class:`~newsdesk.stories.StoryClusterer` (pure, in memory, not
thread-safe) and writes each of its decisions to the store, one article at a time:

* :meth:`StoryDesk.open` restores the clusterer from the saved snapshot, replays in order the
  assignments made after it (``story_seq`` above the snapshot's), then assigns the articles
  extracted since the snapshot that no story holds (a kill -9 between extraction and
  assignment) — so a restart continues the same stories and loses nothing.
* :meth:`StoryDesk.assign` puts one extracted article into a story: a copy whose original
  has a story joins it directly, unscored (it adds no outlet); any other article goes
  through the clusterer. The assignment, merges, story states and links are stored in one
  transaction by :meth:`~newsdesk.store.base.Store.save_story_assignment`.
* :meth:`StoryDesk.snapshot` saves the clusterer's state with the last assignment number
  it includes — the desk's first save every live story, later ones only the stories
  changed since — and marks stories past their window dormant.

:func:`recluster` rebuilds stories from the stored articles (``newsdesk recluster``).
The pipeline (:func:`newsdesk.pipeline.assign_story`) is the only other caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from newsdesk.config import Settings
from newsdesk.errors import NewsdeskError
from newsdesk.store.base import Store, StoryInput
from newsdesk.stories import Assignment, ClusterOptions, StoryClusterer, StoryState

__all__ = ["ReclusterReport", "StoryDesk", "StoryOutcome", "cluster_options", "recluster"]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Progress = Callable[[int], None]
_BATCH = 500
#: Catch-up looks this far before the snapshot: the first snapshot is saved while the
#: first article is being assigned, and that article must be retried if it then failed.
_CATCH_UP_MARGIN = timedelta(hours=1)


def cluster_options(settings: Settings) -> ClusterOptions:
    """The clusterer's options: its own defaults, with the settings that are set."""
    options = ClusterOptions()
    if settings.story_window_hours is not None:
        options = replace(options, window_hours=settings.story_window_hours)
    if settings.story_dormant_hours is not None:
        options = replace(options, dormant_hours=settings.story_dormant_hours)
    if settings.story_join_threshold is not None:
        options = replace(options, join_threshold=settings.story_join_threshold)
    if settings.story_headline_join_threshold is not None:
        options = replace(options, title_join_threshold=settings.story_headline_join_threshold)
    options = replace(options, source_gap_hours=settings.story_source_gap_hours or None)
    if settings.story_embeddings:
        options = replace(options, embeddings=True)
    return options


@dataclass(frozen=True, slots=True)
class StoryOutcome:
    """Where one article went: its story, its assignment number, whether the story is new,
    whether it joined as a copy (unscored), and the stories merged into it."""

    article_id: int
    story_id: int
    seq: int
    is_new: bool = False
    copy: bool = False
    merged: tuple[int, ...] = ()


class StoryDesk:
    """One process's clusterer and the store it writes to. Use :meth:`open`.

    ``seq`` is the last assignment number the clusterer includes, ``saved_seq`` the one
    the stored snapshot includes. Not thread-safe (nor is the clusterer): call it from one
    thread, one article at a time."""

    def __init__(
        self,
        store: Store,
        clusterer: StoryClusterer,
        *,
        clock: Clock,
        seq: int = 0,
        saved_seq: int = 0,
        snapshot_every: int = 500,
    ) -> None:
        self.store = store
        self.clusterer = clusterer
        self.clock = clock
        self.seq = seq
        self.saved_seq = saved_seq
        self.snapshot_every = max(1, snapshot_every)
        self._unsaved = 0
        self._saved_whole = False

    @classmethod
    def open(
        cls, store: Store, options: ClusterOptions, *, clock: Clock, snapshot_every: int = 500
    ) -> StoryDesk:
        """The clusterer as the store left it: snapshot, replay, then catch-up (see the
        module docstring). A snapshot that cannot be restored (another clusterer version)
        is logged and replaced by an empty clusterer: ``newsdesk recluster`` rebuilds.
        Raises StoreError when the store cannot be read."""
        saved = store.load_cluster_state()
        clusterer = StoryClusterer(options)
        seq = 0
        if saved is not None:
            seq = saved.seq
            try:
                clusterer = StoryClusterer.restore(saved.data, options)
            except ValueError as exc:
                log.warning("story clusterer state not restored (%s): starting empty", exc)
        desk = cls(
            store, clusterer, clock=clock, seq=seq, saved_seq=seq, snapshot_every=snapshot_every
        )
        replayed = desk._replay()
        if saved is None:
            desk.snapshot(force=True)  # the watermark of the next start's catch-up
        caught_up = desk._catch_up(saved.saved_at - _CATCH_UP_MARGIN) if saved else 0
        if replayed or caught_up:
            log.info("story clusterer resumed: %d replayed, %d caught up", replayed, caught_up)
        return desk

    # --- assigning ------------------------------------------------------------------------
    def assign(self, article_id: int) -> StoryOutcome | None:
        """Put one extracted article into a story and store it; None when the article is
        gone or already in a story. Snapshots every ``snapshot_every`` assignments.
        Raises StoreError (the clusterer may then hold an article the store does not:
        the caller should :meth:`open` a new desk)."""
        given = self.store.story_input(article_id)
        if given is None or given.story_id is not None:
            return None
        outcome = self._decide(given)
        self._unsaved += 1
        if self._unsaved >= self.snapshot_every:
            self.snapshot()
        return outcome

    def _decide(self, given: StoryInput) -> StoryOutcome | None:
        article_id = int(given.view.id)
        now = self.clock()
        if given.copy_of is not None and given.original_story_id is not None:
            joined = Assignment(given.view.id, str(given.original_story_id), 1.0, False)
            seq = self.store.save_story_assignment(joined, (), now=now)
            if seq is None:
                return None
            self.seq = max(self.seq, seq)
            return StoryOutcome(article_id, given.original_story_id, seq, copy=True)
        assignment = self.clusterer.add(given.view)
        seq = self.store.save_story_assignment(assignment, self._states(assignment), now=now)
        if seq is None:  # deleted meanwhile; the clusterer keeps a harmless ghost
            return None
        self.seq = max(self.seq, seq)
        return StoryOutcome(
            article_id,
            int(assignment.story_id),
            seq,
            is_new=assignment.is_new,
            merged=tuple(int(m) for m in assignment.merged),
        )

    def _states(self, assignment: Assignment) -> list[StoryState]:
        """The story's state, and those of the stories it was just linked to or that lost
        a link in exchange."""
        states = [self.clusterer.story(assignment.story_id)]
        for story_id in (*(link.story_id for link in assignment.links), *assignment.unlinked):
            try:
                states.append(self.clusterer.story(story_id))
            except KeyError:  # forgotten by the clusterer: the link is stored one way
                continue
        return states

    def _replay(self) -> int:
        """Give the clusterer, in order, the assignments its snapshot does not include.
        Copies joined directly stay as they are; other articles are decided again and
        stored again (keeping their numbers), so store and clusterer agree."""
        done = 0
        while batch := self.store.story_assignments_after(self.seq, limit=_BATCH):
            for seq, article_id in batch:
                given = self.store.story_input(article_id)
                if given is not None and not (
                    given.copy_of is not None and given.original_story_id is not None
                ):
                    self._safely(partial(self._decide, given))
                    done += 1
                self.seq = max(self.seq, seq)
        return done

    def _catch_up(self, since: datetime) -> int:
        """Assign the articles extracted since ``since`` that no story holds."""
        done = after = 0
        while batch := self.store.unassigned_articles(
            after_id=after, limit=_BATCH, extracted_since=since
        ):
            for article_id in batch:
                done += self._safely(partial(self.assign, article_id)) is not None
            after = batch[-1]
        return done

    def _safely(self, step: Callable[[], StoryOutcome | None]) -> StoryOutcome | None:
        """One article of a replay or catch-up: a failure is logged and recorded, never
        allowed to stop the desk from opening (it would fail the same way every time)."""
        try:
            return step()
        except Exception as exc:
            log.warning("story assignment failed during a resume", exc_info=True)
            try:
                self.store.record_event(
                    now=self.clock(), kind="stories", message=f"resume: {type(exc).__name__}: {exc}"
                )
            except NewsdeskError:
                log.exception("could not record a story failure")
            return None

    # --- saving ---------------------------------------------------------------------------
    def snapshot(self, *, force: bool = False) -> bool:
        """Save the clusterer's state (when it changed since the last save, or ``force``)
        and mark stories past the window dormant. Returns whether it saved."""
        if not force and self.seq == self.saved_seq and not self._unsaved:
            return False
        now = self.clock()
        # The first save of a desk writes every story (the store may hold another
        # clusterer's, or a snapshot of the older single-blob form); later ones only the
        # stories changed since.
        data = self.clusterer.snapshot(partial=self._saved_whole)
        self.store.save_cluster_state(data, seq=self.seq, now=now)
        self.clusterer.mark_saved()
        self._saved_whole = True
        self.saved_seq = self.seq
        self._unsaved = 0
        window = timedelta(hours=self.clusterer.options.window_hours)
        self.store.mark_dormant_stories(before=now - window)
        return True


@dataclass(frozen=True, slots=True)
class ReclusterReport:
    """What :func:`recluster` did: articles assigned, stories they form, copies joined."""

    articles: int
    stories: int
    copies: int
    unassigned: int

    def as_dict(self) -> dict[str, int]:
        return {
            "articles": self.articles,
            "stories": self.stories,
            "copies": self.copies,
            "unassigned": self.unassigned,
        }


def recluster(
    store: Store,
    options: ClusterOptions,
    *,
    clock: Clock,
    since: datetime | None = None,
    progress: Progress | None = None,
) -> ReclusterReport:
    """Rebuild stories from the stored extracted articles, in arrival (id) order, with a
    fresh clusterer; articles themselves are not changed.

    Without ``since`` every story is rebuilt. With it, the articles first seen at or after
    ``since`` are taken out of their stories and assigned again; earlier stories keep their
    earlier articles, and the fresh clusterer does not know them (a story running across
    ``since`` goes on as a new one). Run it while ``newsdesk run`` is stopped: a running
    pipeline's clusterer would not know the new stories. Raises StoreError."""
    unassigned = store.reset_stories(now=clock(), since=since)
    kept = store.last_story_seq()  # assignments before ``since``: not to be replayed
    desk = StoryDesk(
        store, StoryClusterer(options), clock=clock, seq=kept, saved_seq=kept, snapshot_every=10**9
    )
    articles = copies = 0
    live: set[int] = set()
    after = 0
    while batch := store.unassigned_articles(after_id=after, limit=_BATCH, arrived_since=since):
        for article_id in batch:
            outcome = desk.assign(article_id)
            if outcome is None:
                continue
            articles += 1
            copies += outcome.copy
            live.add(outcome.story_id)
            live.difference_update(outcome.merged)
        after = batch[-1]
        if progress:
            progress(len(batch))
    desk.snapshot(force=True)
    return ReclusterReport(
        articles=articles, stories=len(live), copies=copies, unassigned=unassigned
    )
