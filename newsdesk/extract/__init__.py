"""Page HTML -> article text and metadata (pure), plus the benchmark metric to measure it.

``extract_article`` is the step the pipeline calls (``extract_with_tree`` when it reads
more of the page); ``evaluate_directory`` scores it on a
benchmark directory (the only function here that reads files).
"""

from newsdesk.extract.article import ExtractOptions, extract_article, extract_with_tree
from newsdesk.extract.evaluate import EvalReport, evaluate_directory
from newsdesk.extract.score import PageScore, Scores, aggregate, score_page

__all__ = [
    "EvalReport",
    "ExtractOptions",
    "PageScore",
    "Scores",
    "aggregate",
    "evaluate_directory",
    "extract_article",
    "extract_with_tree",
    "score_page",
]
