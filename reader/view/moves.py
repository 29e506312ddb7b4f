"""Where each cursor move goes: the text's own units from `segment`, screen rows from `wrap`.

Headless (no Textual), so every move is checked without a terminal; the view only adds scrolling.
"""

from __future__ import annotations

from reader.core.text import Segmenter
from reader.view.wrap import Layout

SEGMENT_MOVES = {
    "left": "prev_cluster",
    "right": "next_cluster",
    "word_next": "next_word",
    "word_prev": "prev_word",
    "sentence_next": "next_sentence",
    "sentence_prev": "prev_sentence",
    "paragraph_next": "next_paragraph",
    "paragraph_prev": "prev_paragraph",
}
"""Moves that depend on the text only."""

VERTICAL = ("up", "down", "page_up", "page_down")
"""Moves that keep the goal column."""


def target(
    seg: Segmenter, layout: Layout, cursor: int, kind: str, goal_x: int | None, page: int
) -> tuple[int, int | None]:
    """The offset `kind` moves the cursor to, and the goal column to keep (None: forget it).

    `page` is the number of rows a page move goes; a vertical move past either end goes to the
    text's start or end."""
    if kind in SEGMENT_MOVES:
        return getattr(seg, SEGMENT_MOVES[kind])(cursor), None
    if kind == "start":
        return 0, None
    if kind == "end":
        return len(seg.text), None
    y, x = layout.locate(cursor)
    if kind == "line_start":
        return layout.row(y).start, None
    if kind == "line_end":
        row = layout.row(y)
        return (row.end if row.last else layout.offset_at(y, layout.width + 1)), None
    if kind not in VERTICAL:
        raise ValueError(f"unknown move {kind!r}")
    goal = x if goal_x is None else goal_x
    step = {"up": -1, "down": 1, "page_up": -page, "page_down": page}[kind]
    to = y + step
    if to < 0:
        return 0, goal
    if to >= layout.height:
        return len(seg.text), goal
    return layout.offset_at(to, goal), goal
