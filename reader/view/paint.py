"""Painting one row of the article: spans, ghost spans, selection and cursor as rich Segments.

No Textual here: the view hands in the row's cells and the styles it resolved from its CSS, so the
colour rules are tested headless. Text goes straight into `Segment`s: nothing is ever parsed as
markup, so `[bold]` or `[link=x]` in an article is drawn as written.

Rules (readable in dark and light themes, because tints are blends of the label colour into the
widget's own background and the text keeps the theme's foreground):
- a span's cells get its label's tint; where spans nest or overlap, the innermost (shortest) span's
  tint wins and the cells are underlined, so both stay visible;
- a span in fragments tints its fragments only, all alike (the text between them is not the span's),
  and its length is its fragments' characters;
- the span under the cursor is drawn with a stronger tint and bold;
- ghost spans (suggestions) are italic in their label's colour, with no tint of their own;
- an optional hook adds a style per span (a review screen marks side A/B with it);
- the selection, then the cursor, are drawn over everything (and toggle reverse video where the
  palette says colours do not show).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style

from reader.core.model import Span

BUCKET = 2048
"""Code points per bucket of the span index: a row asks one or two buckets for its spans."""


class SpanIndex:
    """Spans by position: which spans overlap [start, end), in time independent of their number.

    Spans are bucketed by start; the few longer than a bucket are also kept aside and checked on
    every query. Building it is one pass over the spans (20,000: about 10 ms), so after an edit the
    view applies the model's span changes with `add`/`remove` instead."""

    def __init__(self, spans: Iterable[Span]) -> None:
        buckets: dict[int, list[Span]] = defaultdict(list)
        long: list[Span] = []
        for span in spans:
            buckets[span.start // BUCKET].append(span)
            if span.end - span.start > BUCKET:
                long.append(span)
        self._buckets = dict(buckets)
        self._long = long

    def add(self, span: Span) -> None:
        self._buckets.setdefault(span.start // BUCKET, []).append(span)
        if span.end - span.start > BUCKET:
            self._long.append(span)

    def remove(self, span: Span) -> None:
        bucket = self._buckets.get(span.start // BUCKET, [])
        for i, other in enumerate(bucket):
            if other.id == span.id:
                del bucket[i]
                break
        if span.end - span.start > BUCKET:
            self._long = [s for s in self._long if s.id != span.id]

    def overlapping(self, start: int, end: int) -> list[Span]:
        found = [s for s in self._long if s.start < end and start < s.end]
        seen = {s.id for s in found}
        for b in range(start // BUCKET - 1, max(start, end - 1) // BUCKET + 1):
            for span in self._buckets.get(b, ()):
                if span.start < end and start < span.end and span.id not in seen:
                    found.append(span)
        return found

    def at(self, offset: int) -> list[Span]:
        """Spans containing `offset` (in one of their fragments), innermost (shortest) first."""
        hits = [s for s in self.overlapping(offset, offset + 1) if not s.fragments or _in_piece(s, offset)]
        return sorted(hits, key=lambda s: (s.length, s.start, s.id))


def _in_piece(span: Span, offset: int) -> bool:
    """Whether `offset` is in one of the span's fragments (a span in one piece: between its ends)."""
    return any(s <= offset < e for s, e in span.fragments) if span.fragments else span.start <= offset < span.end


@dataclass(frozen=True)
class Palette:
    """The resolved styles the painter combines."""

    base: Style
    cursor: Style
    selection: Style
    overlap: Style
    tint: Mapping[str, Style]
    """label -> style of its spans."""
    focus: Mapping[str, Style]
    """label -> style of the span under the cursor."""
    ghost: Mapping[str, Style]
    """label -> style of its ghost spans."""
    fallback: Style = Style()
    invert: bool = False
    """The cursor and the selection also toggle reverse video: where no colour reaches the terminal
    (NO_COLOR, a monochrome terminal) that is what shows them, over any label's style."""


def paint_row(
    cells: Sequence[tuple[int, str, int]],
    row_end: int,
    row_last: bool,
    spans: Sequence[Span],
    ghosts: Sequence[Span],
    focus: Span | None,
    selection: tuple[int, int] | None,
    cursor: int,
    palette: Palette,
    span_style: Callable[[Span], Style | None] | None = None,
) -> list[Segment]:
    """Segments for one row: `cells` are (offset, text, width). The last row of a line gets one
    blank cell for its end (the `\n` or the text's end) when the cursor or the selection is there."""
    base = palette.base
    out: list[Segment] = []
    run_text: list[str] = []
    run_style: Style | None = None
    spans = sorted(spans, key=lambda s: (s.length, s.start, s.id))
    ghosts = sorted(ghosts, key=lambda s: (s.length, s.start, s.id))
    sel_start, sel_end = selection if selection else (-1, -1)

    def flush() -> None:
        if run_text:
            out.append(Segment("".join(run_text), run_style))
            run_text.clear()

    for offset, text, _width in cells:
        style = base
        ghost = next((g for g in ghosts if g.start <= offset < g.end and (not g.fragments or _in_piece(g, offset))), None)
        if ghost is not None:
            style = style + palette.ghost.get(ghost.label, palette.fallback)
        inside = [s for s in spans if s.start <= offset < s.end and (not s.fragments or _in_piece(s, offset))]
        if inside:
            inner = inside[0]
            table = palette.focus if inner is focus else palette.tint
            style = style + table.get(inner.label, palette.fallback)
            if len(inside) > 1:
                style = style + palette.overlap
            if focus is not None and inner is not focus and focus in inside:
                style = style + Style(bold=True)
            if span_style is not None:
                extra = span_style(inner)
                if extra is not None:
                    style = style + extra
        if sel_start <= offset < sel_end:
            style = _mark(style, palette.selection, palette.invert)
        if offset == cursor:
            style = _mark(style, palette.cursor, palette.invert)
        if style != run_style:
            flush()
            run_style = style
        run_text.append(text)
    flush()
    if row_last and (cursor == row_end or sel_start <= row_end < sel_end):
        style = base
        if sel_start <= row_end < sel_end:
            style = _mark(style, palette.selection, palette.invert)
        if cursor == row_end:
            style = _mark(style, palette.cursor, palette.invert)
        out.append(Segment(" ", style))
    return out


def _mark(style: Style, mark: Style, invert: bool) -> Style:
    style = style + mark
    return style + Style(reverse=not style.reverse) if invert else style
