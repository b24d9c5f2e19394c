"""Articles -> stories: streaming clustering with a bounded cost per article (pure).

``StoryClusterer.add`` is the step the pipeline calls for each new article; it returns an
:class:`Assignment`. ``StoryClusterer.snapshot``/``restore`` carry the live state between
processes. ``evaluate_jsonl`` scores the clusterer on a labelled JSONL stream (the only
function here that reads files). See docs/design-stories.md.
"""

from newsdesk.stories.cluster import StoryClusterer
from newsdesk.stories.evaluate import ClusteringReport, evaluate_jsonl
from newsdesk.stories.model import (
    ArticleView,
    Assignment,
    ClusterOptions,
    CrossLink,
    StoryState,
)

__all__ = [
    "ArticleView",
    "Assignment",
    "ClusterOptions",
    "ClusteringReport",
    "CrossLink",
    "StoryClusterer",
    "StoryState",
    "evaluate_jsonl",
]
