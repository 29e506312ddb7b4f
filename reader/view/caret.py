"""The article's cursor and selection: code-point offsets that stay on grapheme-cluster boundaries.

Kept apart from the widget so that what a key or a click does to the cursor and the selection is
plain state, tested without a terminal. The view (`tui/article.py`) adds scrolling, and redraws
only the rows `changed_extents` names, so a key costs the same in any document.
"""

from __future__ import annotations

from typing import NamedTuple

from reader.core.model import Span
from reader.core.text import Segmenter
from reader.view.wrap import Row


class Caret:
    """The cursor, the selection's fixed end, selection mode and the goal column of vertical moves."""

    def __init__(self, seg: Segmenter, cursor: int) -> None:
        self.seg = seg
        self.cursor = seg.floor(cursor)
        """Where the cursor is (always on a grapheme boundary)."""
        self.anchor: int | None = None
        """The fixed end of the selection (None: no selection)."""
        self.visual = False
        """Selection mode (`v`): every move extends the selection."""
        self.goal_x: int | None = None
        """The column up and down keep, so that a short row on the way does not pull the cursor left."""

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selection as ordered (start, end) offsets, or None."""
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    def move_to(self, offset: int, select: bool = False) -> None:
        """Cursor to `offset` (snapped to a grapheme boundary); extend the selection if `select` or
        in selection mode, else drop it."""
        offset = self.seg.floor(offset)
        if select or self.visual:
            if self.anchor is None:
                self.anchor = self.cursor
        else:
            self.anchor = None
        self.cursor = offset

    def select(self, start: int, end: int, cursor_at_end: bool = True) -> None:
        """Select [start, end) widened to grapheme boundaries, in selection mode (the next moves
        extend it, as after `v`); the cursor goes to the end (or the start, the anchor to the end)."""
        self.visual = True
        start, end = self.seg.floor(start), self.seg.ceil(end)
        self.anchor, self.cursor = (start, end) if cursor_at_end else (end, start)

    def jump(self, offset: int) -> None:
        """Cursor to `offset`, no selection and out of selection mode."""
        self.anchor = None
        self.visual = False
        self.cursor = self.seg.floor(offset)

    def clear(self) -> bool:
        """Leave selection mode and drop the selection; True if there was one to redraw."""
        self.visual = False
        if self.anchor is None:
            return False
        self.anchor = None
        return True

    def start_selecting(self) -> None:
        """Selection mode from the cursor on (`v`)."""
        self.visual = True
        self.anchor = self.cursor

    @property
    def selecting(self) -> bool:
        """In selection mode or holding a selection: what `v` and escape stop."""
        return self.visual or self.anchor is not None


class Drawn(NamedTuple):
    """What the view last drew of the cursor, the selection and the span under the cursor."""

    cursor: int
    selection: tuple[int, int] | None
    focus: tuple[int, int] | None
    """(start, end) of the span under the cursor."""


def changed_extents(old: Drawn, new: Drawn) -> list[tuple[int, int]]:
    """The offset ranges whose rows must be redrawn to go from `old` to `new`: both cursors, where
    the two selections differ, and the old and new span under the cursor."""
    ranges = [(old.cursor, old.cursor), (new.cursor, new.cursor)]
    if old.selection != new.selection:
        if old.selection and new.selection:  # only where the two selections differ
            ranges.append(tuple(sorted((old.selection[0], new.selection[0]))))
            ranges.append(tuple(sorted((old.selection[1], new.selection[1]))))
        else:
            ranges.extend(r for r in (old.selection, new.selection) if r)
    if old.focus != new.focus:
        ranges.extend(r for r in (old.focus, new.focus) if r)
    return ranges


class RowMarks(NamedTuple):
    """The cursor, the selection and the span under the cursor as one row sees them."""

    cursor: int
    """-1: not on this row."""
    selection: tuple[int, int] | None
    """Clipped to the row (its end cell included)."""
    focus: Span | None


def marks_on(row: Row, cursor: int, selection: tuple[int, int] | None, focus: Span | None) -> RowMarks:
    """Only what falls on `row` (its end counts: the cursor may sit there), so that a row's drawing
    can be cached on what it shows and stays cached while the cursor moves elsewhere."""
    if focus is not None and not (focus.start <= row.end and row.start < focus.end):
        focus = None
    if not row.start <= cursor <= row.end:
        cursor = -1
    if selection is not None:
        selection = (max(selection[0], row.start), min(selection[1], row.end + 1))
        if selection[0] >= selection[1]:
            selection = None
    return RowMarks(cursor, selection, focus)
