"""The article view: reading one document with the keyboard and the mouse, and saying where the cursor is.

What keys and clicks do to the cursor and the selection (the moves come from the headless
`moves.target`, the state from `view.caret`), and the `CursorMoved` message the screens listen to.
How the article is drawn and scrolled, and why it stays fast in a book, is `article_canvas`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from time import perf_counter

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.message import Message

from reader.tui.article_canvas import ArticleCanvas
from reader.view.moves import target


@lru_cache(maxsize=1)
def default_quote_pairs() -> tuple[tuple[str, str], ...]:
    """The quotation marks `reader suggest` knows by default (its packaged cue file), for a view
    that was given none (the screens give the project's own: `ArticleView.quote_pairs`)."""
    from reader.suggest.cues import load_cues

    return tuple(load_cues(None).quote_pairs)


def _b(key: str, action: str, description: str, ident: str, show: bool = False) -> Binding:
    return Binding(key, action, description, show=show, id=f"article.{ident}", tooltip=description)


class ArticleView(ArticleCanvas, can_focus=True):
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
        _b("quotation_mark", "quote(1)", "Next quotation", "quote_next"),
        _b("apostrophe", "quote(-1)", "Previous quotation", "quote_prev"),
    ]
    """
    | Key(s) | Id (article.*) | Does |
    | :- | :- | :- |
    | left/right | left, right | one grapheme cluster |
    | up/down | up, down | one screen row, keeping the column |
    | shift+arrows | select_left ... select_down | the same, extending the selection |
    | w / b | word_next / word_prev | start of the next / previous word (or run of punctuation) |
    | ) / ( | sentence_next / sentence_prev | start of the next / previous sentence |
    | } / { | paragraph_next / paragraph_prev | start of the next / previous paragraph |
    | pagedown / pageup | page_down / page_up | one screen |
    | g, ctrl+home / G, ctrl+end | start / end | the document's start / end |
    | home / end | line_start / line_end | the screen row's start / end |
    | v | toggle_selection | start (or stop) selecting: every move then extends |
    | escape | clear_selection | drop the selection |
    | s | select_sentence | select the sentence under the cursor |
    | e | expand_selection | grow to the clause, the quotation (inside, then with its marks), the sentence, the paragraph |
    | " / ' | quote_next / quote_prev | inside of the next / previous quotation |
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

    _dragging = False
    """A left-button drag is under way: mouse moves extend the selection."""

    quote_pairs: Callable[[], Sequence[tuple[str, str]]] | None = None
    """Gives the quotation marks `e` and the quotation moves know, asked on the first such key
    (None: `suggest`'s default ones); the screen gives the project's own."""

    # ----------------------------------------------------------------- moving

    def move_to(self, offset: int, select: bool = False) -> None:
        """Put the cursor at `offset` (snapped to a grapheme boundary); extend the selection if
        `select` or in selection mode, else drop it; scroll to keep the cursor in sight."""
        self._caret.move_to(offset, select)
        self._cursor_moved()

    def select(self, start: int, end: int, cursor_at_end: bool = True) -> None:
        """Select [start, end) in selection mode (moves then extend it); the cursor goes to `end`
        (or to `start`)."""
        self._caret.select(start, end, cursor_at_end)
        self._cursor_moved()

    def clear_selection(self) -> None:
        if self._caret.clear():
            self._changed()

    def scroll_to_offset(self, offset: int) -> None:
        """Jump: cursor to `offset`, its row in the middle of the screen."""
        self._caret.jump(offset)
        self._cursor_moved(center=True)

    def _cursor_moved(self, center: bool = False) -> None:
        self.annotations.cursor = self._caret.cursor
        self._show_cursor(center)
        self._changed()

    def _changed(self) -> None:
        """Redraw what the change touched and tell the parents."""
        super()._changed()
        self.post_message(self.CursorMoved(self, self._caret.cursor, self._caret.selection))

    def action_move(self, kind: str, select: bool = False) -> None:
        self._last_input = perf_counter()
        caret = self._caret
        page = max(1, self._page_height - 1)
        offset, caret.goal_x = target(self.seg, self.layout, caret.cursor, kind, caret.goal_x, page)
        if kind in ("page_up", "page_down"):  # the page moves with the cursor
            self.scroll_to(y=self.scroll_offset.y + (page if kind == "page_down" else -page), animate=False)
        self.move_to(offset, select)

    def action_toggle_selection(self) -> None:
        if self._caret.selecting:
            self.clear_selection()
        else:
            self._caret.start_selecting()
            self._changed()

    def action_clear_selection(self) -> None:
        if not self._caret.selecting:
            raise SkipAction()  # nothing to clear: escape goes on to the screen and the app
        self.clear_selection()

    def action_select_sentence(self) -> None:
        sentence = self.seg.sentence_at(self._caret.cursor)
        if sentence is not None:
            self.select(*sentence)

    def _pairs(self) -> Sequence[tuple[str, str]]:
        return self.quote_pairs() if self.quote_pairs is not None else default_quote_pairs()

    def action_expand_selection(self) -> None:
        from reader.view.extents import grow  # loads on the first use, not before the first frame

        start, end = self.selection or (self._caret.cursor, self._caret.cursor)
        grown = grow(self.seg, start, end, self._pairs())
        if grown is not None:
            self.select(*grown)

    def action_quote(self, step: int) -> None:
        from reader.view.extents import next_quotation

        self._last_input = perf_counter()
        offset = next_quotation(self.seg, self._caret.cursor, step, self._pairs())
        if offset is None:
            self.notify("No more quotations that way.", timeout=2)
            return
        self.move_to(offset)

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
        self._caret.goal_x = None
        if not event.shift:
            self._caret.clear()
        self.move_to(self._offset_of(event), select=event.shift)

    async def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self.move_to(self._offset_of(event), select=True)

    async def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            if self._caret.anchor == self._caret.cursor:
                self._caret.anchor = None
