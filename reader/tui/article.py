"""The article view: one document, its spans in their label colours, a cursor and a selection.

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
- moves come from the headless `segment.Segmenter` (grapheme clusters per line, sentences per
  paragraph) through `moves.target`; spans from a bucketed index (`paint.SpanIndex`).

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
from textual.actions import SkipAction
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
from reader.core.schema import Schema
from reader.core.text import Segmenter
from reader.tui.palette import make_palette
from reader.view.moves import target
from reader.view.paint import Palette, SpanIndex, paint_row
from reader.view.wrap import Layout, Row

MEASURE = 88
"""Widest text column in cells: longer lines are hard to read (a wide pane keeps the rest blank)."""


def _b(key: str, action: str, description: str, ident: str, show: bool = False) -> Binding:
    return Binding(key, action, description, show=show, id=f"article.{ident}", tooltip=description)


class ArticleView(ScrollView, can_focus=True):
    """Reading pane of one document; reports cursor and selection as code-point offsets."""

    BINDINGS = [
        _b("left", "move('left')", "Left", "left"),
        _b("right", "move('right')", "Right", "right"),
        _b("up", "move('up')", "Up", "up"),
        _b("down", "move('down')", "Down", "down"),
        _b("shift+left", "move('left', True)", "Extend left", "select_left"),
        _b("shift+right", "move('right', True)", "Extend right", "select_right"),
        _b("shift+up", "move('up', True)", "Extend up", "select_up"),
        _b("shift+down", "move('down', True)", "Extend down", "select_down"),
        _b("w", "move('word_next')", "Next word", "word_next"),
        _b("b", "move('word_prev')", "Previous word", "word_prev"),
        _b("right_parenthesis", "move('sentence_next')", "Next sentence", "sentence_next"),
        _b("left_parenthesis", "move('sentence_prev')", "Previous sentence", "sentence_prev"),
        _b("right_curly_bracket", "move('paragraph_next')", "Next paragraph", "paragraph_next"),
        _b("left_curly_bracket", "move('paragraph_prev')", "Previous paragraph", "paragraph_prev"),
        _b("pagedown", "move('page_down')", "Page down", "page_down"),
        _b("pageup", "move('page_up')", "Page up", "page_up"),
        _b("g,ctrl+home", "move('start')", "Start", "start"),
        _b("G,ctrl+end", "move('end')", "End", "end"),
        _b("home", "move('line_start')", "Line start", "line_start"),
        _b("end", "move('line_end')", "Line end", "line_end"),
        _b("v", "toggle_selection", "Select", "toggle_selection", show=True),
        _b("escape", "clear_selection", "Clear selection", "clear_selection"),
        _b("s", "select_sentence", "Sentence", "select_sentence", show=True),
        _b("e", "expand_selection", "Expand", "expand_selection", show=True),
    ]
    """
    | Key(s) | Id (article.*) | Does |
    | :- | :- | :- |
    | left/right | left, right | one grapheme cluster |
    | up/down | up, down | one screen row, keeping the column |
    | shift+arrows | select_left ... select_down | the same, extending the selection |
    | w / b | word_next / word_prev | start of the next / previous word |
    | ) / ( | sentence_next / sentence_prev | start of the next / previous sentence |
    | } / { | paragraph_next / paragraph_prev | start of the next / previous paragraph |
    | pagedown / pageup | page_down / page_up | one screen |
    | g, ctrl+home / G, ctrl+end | start / end | the document's start / end |
    | home / end | line_start / line_end | the screen row's start / end |
    | v | toggle_selection | start (or stop) selecting: every move then extends |
    | escape | clear_selection | drop the selection |
    | s | select_sentence | select the sentence under the cursor |
    | e | expand_selection | grow to the quotation, then the sentence, then the paragraph |
    """

    COMPONENT_CLASSES = {
        "article--cursor",
        "article--selection",
        "article--focus",
        "article--overlap",
        "article--ghost",
    }
    """Painted parts: cursor, selection, the span under the cursor, overlapping spans, ghost spans."""

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        padding: 0 1;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        & > .article--cursor { background: $foreground; color: $surface; }
        & > .article--selection { background: $foreground 35%; color: $foreground; }
        & > .article--focus { text-style: bold; }
        & > .article--overlap { text-style: underline; }
        & > .article--ghost { text-style: italic; }
    }
    """

    class CursorMoved(Message):
        """The cursor or the selection changed; a newer one replaces one not yet handled."""

        def __init__(self, view: "ArticleView", cursor: int, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.view = view
            self.cursor = cursor
            self.selection = selection

        @property
        def control(self) -> "ArticleView":
            return self.view

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ArticleView.CursorMoved) and message.view is self.view

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
        self._ghosts: list[Span] = []
        self._ghost_index = SpanIndex(())
        self._ghost_epoch = 0
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._palette: Palette | None = None
        self._dragging = False
        self._indexer: Timer | None = None
        self._focus_key: tuple[int, int] | None = None
        self._focus: Span | None = None
        self._last_input = 0.0
        self._drawn: tuple | None = None
        self.load(annotations)

    # ----------------------------------------------------------------- document

    def load(self, annotations: DocAnnotations) -> None:
        """Show another document (or the same one afresh): cursor from `annotations.cursor`."""
        self.annotations = annotations
        self.seg = Segmenter(annotations.text)
        self._layout: Layout | None = None
        self._index_version = -1
        self._index = SpanIndex(())
        self._strips.clear()
        self._drawn = None
        self._cursor = self.seg.floor(annotations.cursor)
        self.anchor: int | None = None
        """The fixed end of the selection (None: no selection)."""
        self._visual = False
        self._goal_x: int | None = None
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
        annotations.cursor = self._cursor
        self.annotations = annotations
        self._index_version = -1
        self._focus_key = None
        self._strips.clear()
        self.refresh()

    @property
    def cursor(self) -> int:
        """The cursor as a code-point offset into the text (always on a grapheme boundary)."""
        return self._cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selection as ordered (start, end) offsets, or None."""
        if self.anchor is None or self.anchor == self._cursor:
            return None
        return min(self.anchor, self._cursor), max(self.anchor, self._cursor)

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
        return self._ghosts

    @ghost_spans.setter
    def ghost_spans(self, spans: list[Span]) -> None:
        self._ghosts = list(spans)
        self._ghost_index = SpanIndex(self._ghosts)
        self._ghost_epoch += 1
        self.refresh()

    def refresh_spans(self) -> None:
        """Redraw after the annotations changed (cheap when they did not)."""
        if self._index_version != self.annotations.version:
            self.refresh()

    def _spans(self) -> SpanIndex:
        ann = self.annotations
        if self._index_version != ann.version:
            changes = ann.span_changes_since(self._index_version) if self._index_version >= 0 else None
            if changes is None:
                self._index = SpanIndex(ann.spans.values())
            else:  # an edit changes a span or two: apply them rather than rebuild a book's index
                for old, new in changes:
                    if old is not None:
                        self._index.remove(old)
                    if new is not None:
                        self._index.add(new)
            self._index_version = ann.version
        return self._index

    def span_at_cursor(self) -> Span | None:
        """The innermost span containing the cursor."""
        hits = self._spans().at(self._cursor)
        return hits[0] if hits else None

    def _focus_span(self) -> Span | None:
        """`span_at_cursor`, computed once per cursor position and annotation version (per frame)."""
        key = (self._cursor, self.annotations.version)
        if self._focus_key != key:
            self._focus_key, self._focus = key, self.span_at_cursor()
        return self._focus

    # ----------------------------------------------------------------- moving

    def move_to(self, offset: int, select: bool = False) -> None:
        """Put the cursor at `offset` (snapped to a grapheme boundary); extend the selection if
        `select` or in selection mode, else drop it; scroll to keep the cursor in sight."""
        offset = self.seg.floor(offset)
        if select or self._visual:
            if self.anchor is None:
                self.anchor = self._cursor
        else:
            self.anchor = None
        self._set_cursor(offset)

    def select(self, start: int, end: int) -> None:
        """Select [start, end); the cursor goes to `end`."""
        start, end = self.seg.floor(start), self.seg.ceil(end)
        self._visual = False
        self.anchor = start
        self._set_cursor(end)

    def clear_selection(self) -> None:
        self._visual = False
        if self.anchor is not None:
            self.anchor = None
            self._changed()

    def scroll_to_offset(self, offset: int) -> None:
        """Jump: cursor to `offset`, its row in the middle of the screen."""
        self.anchor = None
        self._visual = False
        self._set_cursor(self.seg.floor(offset), center=True)

    def _set_cursor(self, offset: int, center: bool = False) -> None:
        self._cursor = offset
        self.annotations.cursor = offset
        self._show_cursor(center)
        self._changed()

    def _changed(self) -> None:
        """Redraw what the change touched (only those rows: a key costs the same in any document)
        and tell the parents."""
        focus = self._focus_span()
        state = (self._cursor, self.selection, (focus.start, focus.end) if focus else None)
        old, self._drawn = self._drawn, state
        if old is None or self._layout is None:
            self.refresh()
        else:
            ranges = [(old[0], old[0]), (state[0], state[0])]
            if old[1] != state[1]:
                if old[1] and state[1]:  # only where the two selections differ
                    ranges.append(tuple(sorted((old[1][0], state[1][0]))))
                    ranges.append(tuple(sorted((old[1][1], state[1][1]))))
                else:
                    ranges.extend(r for r in (old[1], state[1]) if r)
            if old[2] != state[2]:
                ranges.extend(r for r in (old[2], state[2]) if r)
            for start, end in ranges:
                self._refresh_range(start, end)
        self.post_message(self.CursorMoved(self, self._cursor, self.selection))

    def _refresh_range(self, start: int, end: int) -> None:
        """Redraw the rows on screen that show offsets start..end."""
        layout = self.layout
        top = round(self.scroll_offset.y)
        bottom = top + self._page_height
        first = max(layout.locate(start)[0], top)
        last = min(layout.locate(end)[0], bottom - 1)
        if first <= last:
            self.refresh_lines(first, last - first + 1)

    def action_move(self, kind: str, select: bool = False) -> None:
        self._last_input = perf_counter()
        page = max(1, self._page_height - 1)
        offset, self._goal_x = target(self.seg, self.layout, self._cursor, kind, self._goal_x, page)
        if kind in ("page_up", "page_down"):  # the page moves with the cursor
            self.scroll_to(y=self.scroll_offset.y + (page if kind == "page_down" else -page), animate=False)
        self.move_to(offset, select)

    def action_toggle_selection(self) -> None:
        if self._visual or self.anchor is not None:
            self.clear_selection()
        else:
            self._visual = True
            self.anchor = self._cursor
            self._changed()

    def action_clear_selection(self) -> None:
        if self.anchor is None and not self._visual:
            raise SkipAction()  # nothing to clear: escape goes on to the screen and the app
        self.clear_selection()

    def action_select_sentence(self) -> None:
        sentence = self.seg.sentence_at(self._cursor)
        if sentence is not None:
            self.select(*sentence)

    def action_expand_selection(self) -> None:
        start, end = self.selection or (self._cursor, self._cursor)
        grown = self.seg.expand(start, end)
        if grown is not None:
            self.select(*grown)

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
        """Background work in slices of two milliseconds, never within 0.2 s of a key or a click:
        the span index, then exact row counts (so the scrollbar becomes exact), then nothing."""
        now = perf_counter()
        if now - self._last_input < 0.2:
            return
        self._spans()
        layout = self.layout
        deadline = now + 0.002
        while perf_counter() < deadline:
            if not layout.exact_next():
                if self._indexer is not None:
                    self._indexer.stop()
                    self._indexer = None
                return

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
        y, _x = self.layout.locate(self._cursor)
        height = self._page_height
        top = round(self.scroll_offset.y)
        if center and not (top <= y < top + height):
            self.scroll_to(y=max(0, y - height // 2), animate=False)
        elif y < top:
            self.scroll_to(y=y, animate=False)
        elif y >= top + height:
            self.scroll_to(y=y - height + 1, animate=False)

    # ----------------------------------------------------------------- mouse

    def _offset_of(self, event: events.MouseEvent) -> int:
        where = event.get_content_offset_capture(self)
        return self.layout.offset_at(round(self.scroll_offset.y) + where.y, where.x)

    async def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        self.focus()
        self._last_input = perf_counter()
        self._dragging = True
        self.capture_mouse()
        self._goal_x = None
        if not event.shift:
            self._visual = False
            self.anchor = None
        self.move_to(self._offset_of(event), select=event.shift)

    async def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self.move_to(self._offset_of(event), select=True)

    async def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            if self.anchor == self._cursor:
                self.anchor = None

    # ----------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._palette = None
        self._strips.clear()

    def _get_palette(self) -> Palette:
        if self._palette is None:
            self._palette = make_palette(self, self.schema)
        return self._palette

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        palette = self._get_palette()
        layout = self.layout
        y += round(self.scroll_offset.y)
        if y >= layout.height:
            return Strip.blank(width, palette.base)
        row = layout.row(y)
        spans = self._spans().overlapping(row.start, row.end + 1)
        ghosts = self._ghost_index.overlapping(row.start, row.end + 1)
        focus = self._focus_span()
        if focus is not None and not (focus.start <= row.end and row.start < focus.end):
            focus = None
        cursor = self._cursor if row.start <= self._cursor <= row.end else -1
        selection = self.selection
        if selection is not None:
            selection = (max(selection[0], row.start), min(selection[1], row.end + 1))
            if selection[0] >= selection[1]:
                selection = None
        key = (
            row, width, cursor, selection, focus.id if focus else None,
            self._index_version, self._ghost_epoch, id(self.span_style),
        )
        strip = self._strips.get(key)
        if strip is None:
            strip = self._paint(row, spans, ghosts, focus, selection, cursor, palette, width)
            self._strips[key] = strip
        return strip

    def _paint(
        self, row: Row, spans: list[Span], ghosts: list[Span], focus: Span | None,
        selection: tuple[int, int] | None, cursor: int, palette: Palette, width: int,
    ) -> Strip:
        segments = paint_row(
            self.layout.cells(row), row.end, row.last, spans, ghosts, focus, selection, cursor,
            palette, self.span_style,
        )
        return Strip(segments).crop_extend(0, width, palette.base)
