"""Soft wrapping of a document into screen rows, and the mapping between offsets and cells.

No Textual here (only rich's cell widths), so it is tested headless. A row is a slice of one text
line: `\\n` always ends a row, long lines break after a space (which may hang one cell past the
measure) or, in a word longer than the measure, between two grapheme clusters. Widths are rich's
`cell_len` of each cluster (the same sums the Strips use, so what we map is what Textual draws); a
tab is expanded to the next multiple of `TAB` cells from the row's start.

Cost: counting rows touches every line once per width (a 3 MB book: tens of milliseconds), but only
with `len()` for lines that obviously fit; the break positions of a line are computed when that line
is drawn or navigated, and kept in an LRU cache.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import regex
from rich.cells import cell_len

from ..segment import Segmenter

TAB = 8


class Row(NamedTuple):
    line: int
    start: int
    end: int
    """Exclusive; the `\\n` is not part of any row."""
    last: bool
    """Last row of its line: its end is a place for the cursor (the line's end)."""


_NARROW = regex.compile(r"[\x20-\x7e\xa0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2500-\u25ff]*")
"""Characters that are one cluster and one cell each (rich agrees): lines made only of these wrap by
plain index arithmetic, like ASCII."""


def tab_width(col: int, width: int) -> int:
    """Cells of a tab at `col`: to the next tab stop, but never past the row's end (one cell there)."""
    return max(1, min(TAB - col % TAB, width - col))


def _is_break(cluster: str) -> bool:
    return cluster == " " or cluster == "\t"


class Layout:
    """The rows of one text at one width."""

    def __init__(self, seg: Segmenter, width: int) -> None:
        self.seg = seg
        self.text = seg.text
        self.width = max(4, width)
        self.breaks = lru_cache(maxsize=1024)(self._breaks)
        starts = seg.line_starts
        text = self.text
        n = len(starts)
        width = self.width
        half = width // 2
        counts = [1] * n
        tabbed = {seg.line_of(m.start()) for m in regex.finditer("\t", text)}
        for i in range(n):
            start = starts[i]
            end = starts[i + 1] - 1 if i + 1 < n else len(text)
            if end - start > half or i in tabbed:
                counts[i] = len(self._breaks(i))
        self.first_row = [0, *accumulate(counts)]
        """first_row[i]: the row where line i starts; the last item is the number of rows."""

    @property
    def height(self) -> int:
        return self.first_row[-1]

    # ----------------------------------------------------------------- breaking

    def _breaks(self, line: int) -> list[int]:
        """Offsets where the rows of `line` start (the first is the line's start)."""
        start, end = self.seg.line_span(line)
        text = self.text
        width = self.width
        if end - start <= width // 2 and "\t" not in text[start:end]:
            return [start]
        if _NARROW.fullmatch(text, start, end):
            return [start] if end - start <= width else self._breaks_ascii(start, end)
        return self._breaks_cells(line, start, end)

    def _breaks_ascii(self, start: int, end: int) -> list[int]:
        text, width = self.text, self.width
        out = [start]
        pos = start
        while end - pos > width:
            cut = text.rfind(" ", pos + 1, pos + width + 1)
            pos = cut + 1 if cut > pos else pos + width
            if pos >= end:
                break
            out.append(pos)
        return out

    def _breaks_cells(self, line: int, start: int, end: int) -> list[int]:
        text, width = self.text, self.width
        bounds = self.seg.clusters(line)
        out = [start]
        col = 0
        row_start = start
        last_break = -1
        col_at_break = 0
        for i in range(len(bounds) - 1):
            off = bounds[i]
            cluster = text[off : bounds[i + 1]]
            space = _is_break(cluster)
            w = tab_width(col, width) if cluster == "\t" else cell_len(cluster)
            if col + w > width + space and col > 0:
                if last_break > row_start:
                    row_start, col = last_break, col - col_at_break
                else:
                    row_start, col = off, 0
                out.append(row_start)
                last_break = -1
                if cluster == "\t":
                    w = tab_width(col, width)
            col += w
            if space and off > row_start:
                last_break, col_at_break = bounds[i + 1], col
        return out

    # ----------------------------------------------------------------- rows

    def row(self, y: int) -> Row:
        line = bisect.bisect_right(self.first_row, y) - 1
        line = min(max(line, 0), len(self.seg.line_starts) - 1)
        starts = self.breaks(line)
        k = min(max(y - self.first_row[line], 0), len(starts) - 1)
        last = k + 1 >= len(starts)
        end = self.seg.line_span(line)[1] if last else starts[k + 1]
        return Row(line, starts[k], end, last)

    def cells(self, row: Row) -> list[tuple[int, str, int]]:
        """(offset, text to draw, cells) for each cluster of a row; tabs become spaces."""
        text = self.text
        if _NARROW.fullmatch(text, row.start, row.end):
            return [(row.start + i, c, 1) for i, c in enumerate(text[row.start : row.end])]
        bounds = self.seg.clusters(row.line)
        i = bisect.bisect_left(bounds, row.start)
        out = []
        col = 0
        while i + 1 < len(bounds) and bounds[i] < row.end:
            cluster = text[bounds[i] : bounds[i + 1]]
            if cluster == "\t":
                w = tab_width(col, self.width)
                out.append((bounds[i], " " * w, w))
            else:
                w = cell_len(cluster)
                out.append((bounds[i], cluster, w))
            col += w
            i += 1
        return out

    def locate(self, offset: int) -> tuple[int, int]:
        """(row, cell column) where the cursor at `offset` is drawn."""
        offset = max(0, min(offset, len(self.text)))
        line = self.seg.line_of(offset)
        starts = self.breaks(line)
        k = bisect.bisect_right(starts, offset) - 1
        y = self.first_row[line] + k
        x = 0
        for off, _text, w in self.cells(self.row(y)):
            if off >= offset:
                break
            x += w
        return y, x

    def offset_at(self, y: int, x: int) -> int:
        """The offset of the cluster drawn at cell (x, y); past a row's end, its end."""
        y = max(0, min(y, self.height - 1))
        row = self.row(y)
        col = 0
        cells = self.cells(row)
        for off, _text, w in cells:
            if x < col + w:
                return off
            col += w
        if row.last or not cells:
            return row.end
        return cells[-1][0]
