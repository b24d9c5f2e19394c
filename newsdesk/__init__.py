"""newsdesk: an open-source automatic aggregator of global news media."""

__all__ = ["__version__"]
__version__ = "0.1.0"
