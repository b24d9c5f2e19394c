"""Pure normalisation: canonical URLs, registered domains, identity keys, dates, languages.

Values in, values out: no I/O, no clock (``now`` is an argument), no environment.
"""

from newsdesk.normalize.dates import clamp_future, parse_date
from newsdesk.normalize.identity import content_hash, entry_keys, is_junk_guid
from newsdesk.normalize.language import detect_language, normalize_language
from newsdesk.normalize.urls import (
    canonicalize_url,
    domain_or_none,
    is_tracking_param,
    registered_domain,
    same_site,
)

__all__ = [
    "canonicalize_url",
    "clamp_future",
    "content_hash",
    "detect_language",
    "domain_or_none",
    "entry_keys",
    "is_junk_guid",
    "is_tracking_param",
    "normalize_language",
    "parse_date",
    "registered_domain",
    "same_site",
]
