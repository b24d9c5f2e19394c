"""The built-in source catalog: an OPML of real outlets' public feeds.

``default.opml`` groups feeds in folders by topic or region (``Technology policy``,
``Semiconductors``, ``Japan`` ...); every feed outline carries ``country`` (ISO 3166-1
alpha-2, ``EU`` for EU institutions) and ``language`` (ISO 639-1) attributes, which
``newsdesk.feeds.opml.parse_opml`` reads. Feed URLs come from public catalogs and may move.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["CATALOG_NAME", "load_catalog"]

#: File name of the catalog inside this package.
CATALOG_NAME = "default.opml"


def load_catalog() -> bytes:
    """The bytes of the built-in OPML catalog, read from the installed package.

    Raises FileNotFoundError only if the package was installed without its data file.
    """
    return resources.files(__name__).joinpath(CATALOG_NAME).read_bytes()
