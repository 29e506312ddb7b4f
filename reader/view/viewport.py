"""The article's window on its rows: where to scroll, which rows to redraw, when to count in the background.

Plain arithmetic over a `wrap.Layout` and the top row on screen, without Textual, so that the rules
that keep the view calm are tested headless: the cursor stays in sight (centred only after a jump),
a change redraws only the rows it touched, and the background pass that makes row counts exact
never runs right after a key or a click.
"""

from __future__ import annotations

from time import perf_counter

from reader.view.wrap import Layout

QUIET = 0.2
"""Seconds after a key or a click during which the background pass stays idle."""

SLICE = 0.002
"""Seconds of background work at a time: short enough that a key never waits for it."""


def scroll_for_cursor(y: int, top: int, height: int, center: bool = False) -> int | None:
    """The new top row that brings row `y` into a window of `height` rows from `top` (None: it is
    in sight already). `center` puts a row that was out of sight in the middle (a jump); else the
    window moves just enough."""
    if center and not (top <= y < top + height):
        return max(0, y - height // 2)
    if y < top:
        return y
    if y >= top + height:
        return y - height + 1
    return None


def rows_showing(layout: Layout, start: int, end: int, top: int, height: int) -> tuple[int, int] | None:
    """(first row, count) of the rows on screen that show offsets start..end, or None."""
    first = max(layout.locate(start)[0], top)
    last = min(layout.locate(end)[0], top + height - 1)
    return (first, last - first + 1) if first <= last else None


def count_rows(layout: Layout, until: float) -> bool:
    """Make more chunks' row counts exact until `until` (a `perf_counter` time); False once every
    count is exact (the background pass can stop)."""
    while perf_counter() < until:
        if not layout.exact_next():
            return False
    return True
