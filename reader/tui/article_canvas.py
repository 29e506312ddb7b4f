"""Drawing the article: one document's rows, its spans in their label colours, the cursor and selection.

`ArticleCanvas` is what the article shows and how it scrolls; `article.ArticleView` builds on it
with what keys and the mouse do. Apart because this half carries the performance rules below and
the other half carries the keymap; the state both work on is headless (`view.caret`, `view.spans`).

Why a `ScrollView` with the Line API rather than a read-only `TextArea`: a TextArea moves by code
point (an emoji with a skin tone takes two presses), counts columns in code points, does
whole-document work per rendered line (1 MB: 90 ms a key; 5 MB: 440 ms) and wraps everything on its
first render (1.2 s at 1 MB). Here nothing is proportional to the document's length per key or
before the first screen:
- `render_line(y)` draws only visible rows, from an LRU cache of Strips keyed on what a row shows,
  and a move redraws only the rows it touched (old and new cursor, the selection's changed ends,
  the old and new span under the cursor);
- `wrap.Layout` counts rows chunk by chunk: estimated at first, made exact when seen and by a
  background pass in 2 ms slices that never runs within 0.2 s of a key; what is on screen stays put
  when a count above it is corrected (the only visible cost: the scrollbar is approximate for the
  first fraction of a second in a book);
- moves come from the headless `core.text.Segmenter` (grapheme clusters per line, sentences per
  paragraph) through `moves.target`; spans from a bucketed index (`paint.SpanIndex`) that
  `spans.SpanLookup` keeps in step with each edit.

Measured by benchmarks/view_bench.py on a shared 2-core machine, Textual 8.2.8, 120x40 (War and
Peace, 3.2 M code points, 20,000 spans, against a 1 KB article; one run, medians of three processes;
the annotations are built before the clock starts, as `Store.load` would give them):

| figure | this view | stock read-only TextArea, same book |
| :- | -: | -: |
| first drawn screen, book | 0.019 s (1.31x the 1 KB article; goal < 2) | 1.15 s (67x) |
| key to next screen refresh, book | 1.7 ms (1.04x the 1 KB article; goal < 1.3) | 46 ms (7.9x) |
| peak RSS, book (+ spans for the view) | 59 MB (0.65x the TextArea app; goal < 1.5) | 91 MB |
"""

from __future__ import annotations

from time import perf_counter
from typing import Callable

from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
from reader.core.schema import Schema
from reader.core.text import Segmenter
from reader.tui.palette import make_palette
from reader.view.caret import Caret, Drawn, changed_extents, marks_on
from reader.view.paint import Palette, paint_row
from reader.view.spans import SpanLookup
from reader.view.viewport import (
    QUIET,
    SLICE,
    count_rows,
    rows_showing,
    scroll_for_cursor,
)
from reader.view.wrap import Layout

MEASURE = 88
"""Widest text column in cells: longer lines are hard to read (a wide pane keeps the rest blank)."""


class ArticleCanvas(ScrollView):
    """One document drawn row by row, with its spans, ghost spans, cursor and selection; keeps the
    cursor in sight. Changes nothing itself: `ArticleView` moves the caret and calls `_changed`."""

    def __init__(
        self,
        annotations: DocAnnotations,
        schema: Schema,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.schema = schema
        self._span_style: Callable[[Span], Style | None] | None = None
        self._lookup = SpanLookup(annotations)
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._palette: Palette | None = None
        self._indexer: Timer | None = None
        self._last_input = 0.0
        """When the last key or click came: the background pass keeps `viewport.QUIET` from it."""
        self._drawn: Drawn | None = None
        self.load(annotations)

    # ----------------------------------------------------------------- what is shown

    def load(self, annotations: DocAnnotations) -> None:
        """Show another document (or the same one afresh): cursor from `annotations.cursor`."""
        self.annotations = annotations
        self.seg = Segmenter(annotations.text)
        self._layout: Layout | None = None
        self._lookup.replace(annotations)
        self._strips.clear()
        self._drawn = None
        self._caret = Caret(self.seg, annotations.cursor)
        if self.is_mounted:
            self._relayout()
            self.scroll_to(y=0, animate=False)
            self._show_cursor(center=True)
            self._changed()

    def replace_annotations(self, annotations: DocAnnotations) -> None:
        """Draw other annotations of the same text (a review's merged view after a decision),
        keeping cursor, selection and scroll where they are; `load` starts the document afresh."""
        if annotations.text != self.annotations.text:
            raise ValueError("replace_annotations needs the same text; use load()")
        annotations.cursor = self._caret.cursor
        self.annotations = annotations
        self._lookup.replace(annotations)
        self._strips.clear()
        self.refresh()

    @property
    def cursor(self) -> int:
        """The cursor as a code-point offset into the text (always on a grapheme boundary)."""
        return self._caret.cursor

    @property
    def anchor(self) -> int | None:
        """The fixed end of the selection (None: no selection)."""
        return self._caret.anchor

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selection as ordered (start, end) offsets, or None."""
        return self._caret.selection

    @property
    def span_style(self) -> Callable[[Span], Style | None] | None:
        """Optional extra style per span, drawn over its tint (e.g. side A/B in a review)."""
        return self._span_style

    @span_style.setter
    def span_style(self, hook: Callable[[Span], Style | None] | None) -> None:
        self._span_style = hook
        self._strips.clear()
        self.refresh()

    @property
    def ghost_spans(self) -> list[Span]:
        """Suggested spans, drawn italic in their label colour, apart from the real ones."""
        return self._lookup.ghosts

    @ghost_spans.setter
    def ghost_spans(self, spans: list[Span]) -> None:
        self._lookup.set_ghosts(spans)
        self.refresh()

    def refresh_spans(self) -> None:
        """Redraw after the annotations changed (cheap when they did not)."""
        if self._lookup.stale:
            self.refresh()

    def span_at_cursor(self) -> Span | None:
        """The innermost span containing the cursor."""
        return self._lookup.at(self._caret.cursor)

    def ghost_at_cursor(self) -> Span | None:
        """The innermost ghost span containing the cursor."""
        if not self._lookup.ghosts:
            return None
        hits = self._lookup.ghost_index.at(self._caret.cursor)
        return hits[0] if hits else None

    def _changed(self) -> None:
        """Redraw the rows the caret's change touched (only those: a key costs the same in any
        document); `ArticleView` also tells the parents."""
        caret = self._caret
        focus = self._lookup.focus(caret.cursor)
        state = Drawn(caret.cursor, caret.selection, (focus.start, focus.end) if focus else None)
        old, self._drawn = self._drawn, state
        if old is None or self._layout is None:
            self.refresh()
            return
        top = round(self.scroll_offset.y)
        for start, end in changed_extents(old, state):
            rows = rows_showing(self.layout, start, end, top, self._page_height)
            if rows is not None:
                self.refresh_lines(*rows)

    # ----------------------------------------------------------------- layout and scrolling

    @property
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _wrap_width(self) -> int:
        return max(4, min(MEASURE, self.scrollable_content_region.width - 1))

    @property
    def layout(self) -> Layout:
        """The rows at the current width (rebuilt when the width changed)."""
        width = self._wrap_width()
        if self._layout is None or self._layout.width != width:
            self._layout = Layout(self.seg, width, self._rows_changed)
            self._strips.clear()
            self._update_virtual_size()
            if self.is_mounted and self._indexer is None:
                self._indexer = self.set_interval(1 / 50, self._index_step, name="article-index")
        return self._layout

    def _update_virtual_size(self) -> None:
        if self._layout is not None:
            self.virtual_size = Size(self.scrollable_content_region.width, self._layout.height)

    def _rows_changed(self, first: int, old: int, delta: int) -> None:
        """A chunk's estimated row count became exact: keep the rows on screen where they are."""
        self._update_virtual_size()
        if first + old <= self.scroll_offset.y:
            self.scroll_to(y=self.scroll_offset.y + delta, animate=False)

    def _index_step(self) -> None:
        """Background work in slices of `viewport.SLICE`, never within `viewport.QUIET` of a key or
        a click: the span index, then exact row counts (so the scrollbar becomes exact), then nothing."""
        now = perf_counter()
        if now - self._last_input < QUIET:
            return
        self._lookup.index()
        if not count_rows(self.layout, now + SLICE) and self._indexer is not None:
            self._indexer.stop()
            self._indexer = None

    def _prepare_screen(self) -> None:
        """Make the rows on screen exact before they are drawn (no jump while drawing)."""
        layout = self.layout
        top = round(self.scroll_offset.y)
        for y in range(top, min(top + self._page_height, layout.height)):
            layout.row(y)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._layout is not None:
            self._prepare_screen()

    def _relayout(self) -> None:
        if self.scrollable_content_region.width > 0:  # not before the first real size
            self.layout  # noqa: B018 - builds it and sets the virtual size

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()
        self._show_cursor()
        self._prepare_screen()

    def on_mount(self) -> None:
        self._relayout()
        self._show_cursor(center=True)

    def _show_cursor(self, center: bool = False) -> None:
        if not self.is_mounted or self.scrollable_content_region.height <= 0:
            return
        y, _x = self.layout.locate(self._caret.cursor)
        top = scroll_for_cursor(y, round(self.scroll_offset.y), self._page_height, center)
        if top is not None:
            self.scroll_to(y=top, animate=False)

    # ----------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._palette = None
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._palette is None:
            self._palette = make_palette(self, self.schema)
        palette = self._palette
        layout = self.layout
        y += round(self.scroll_offset.y)
        if y >= layout.height:
            return Strip.blank(width, palette.base)
        row = layout.row(y)
        lookup, caret = self._lookup, self._caret
        index = lookup.index()  # first: the key names the version it shows
        marks = marks_on(row, caret.cursor, caret.selection, lookup.focus(caret.cursor))
        key = (row, width, marks.cursor, marks.selection, marks.focus.id if marks.focus else None,
               lookup.version, lookup.ghost_epoch, id(self.span_style))
        strip = self._strips.get(key)
        if strip is None:
            spans = index.overlapping(row.start, row.end + 1)
            ghosts = lookup.ghost_index.overlapping(row.start, row.end + 1)
            segments = paint_row(
                layout.cells(row), row.end, row.last, spans, ghosts, marks.focus, marks.selection,
                marks.cursor, palette, self.span_style,
            )
            strip = Strip(segments).crop_extend(0, width, palette.base)
            self._strips[key] = strip
        return strip
