"""Which spans the article draws where: the annotations' spans and the suggestions (ghosts), by position.

Why a layer between the model and the painter: a book has tens of thousands of spans, and every
drawn row and every cursor move asks which of them are near. The index is built once and then kept
in step with the model's span change log (an edit touches a span or two), and the span under the
cursor is looked up once per cursor position and annotation version, not once per drawn row.
"""

from __future__ import annotations

from typing import Iterable

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
from reader.view.paint import SpanIndex


class SpanLookup:
    """The spans of one `DocAnnotations` by position, and the ghost spans shown beside them."""

    def __init__(self, annotations: DocAnnotations) -> None:
        self.annotations = annotations
        self.version = -1
        """The annotations' version the index shows (-1: not built yet)."""
        self._index = SpanIndex(())
        self._focus_key: tuple[int, int] | None = None
        self._focus: Span | None = None
        self.ghosts: list[Span] = []
        """Suggested spans, drawn apart from the real ones."""
        self.ghost_index = SpanIndex(())
        self.ghost_epoch = 0
        """Counts changes of `ghosts`, so that cached rows know when they are stale."""

    def replace(self, annotations: DocAnnotations) -> None:
        """Other annotations of the same text: their version counts another history, so rebuild."""
        self.annotations = annotations
        self.version = -1
        self._focus_key = None

    @property
    def stale(self) -> bool:
        """The annotations changed since the index was brought up to date."""
        return self.version != self.annotations.version

    def index(self) -> SpanIndex:
        """The index, brought up to date with the annotations first."""
        ann = self.annotations
        if self.version != ann.version:
            changes = ann.span_changes_since(self.version) if self.version >= 0 else None
            if changes is None:
                self._index = SpanIndex(ann.spans.values())
            else:  # an edit changes a span or two: apply them rather than rebuild a book's index
                for old, new in changes:
                    if old is not None:
                        self._index.remove(old)
                    if new is not None:
                        self._index.add(new)
            self.version = ann.version
        return self._index

    def at(self, offset: int) -> Span | None:
        """The innermost span containing `offset`."""
        hits = self.index().at(offset)
        return hits[0] if hits else None

    def focus(self, cursor: int) -> Span | None:
        """`at(cursor)`, computed once per cursor position and annotation version (once a frame)."""
        key = (cursor, self.annotations.version)
        if self._focus_key != key:
            self._focus_key, self._focus = key, self.at(cursor)
        return self._focus

    def set_ghosts(self, spans: Iterable[Span]) -> None:
        self.ghosts = list(spans)
        self.ghost_index = SpanIndex(self.ghosts)
        self.ghost_epoch += 1
