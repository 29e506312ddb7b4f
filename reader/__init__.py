"""A keyboard-first terminal reader for annotating news text: claims, quotes, allegations, sources."""

__version__ = "0.1.0"
