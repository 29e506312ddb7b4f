"""Soft wrapping of a document into screen rows, and the mapping between offsets and cells.

No Textual here (only rich's cell widths), so it is tested headless. A row is a slice of one text
line: `\\n` always ends a row, long lines break after a space (which may hang one cell past the
measure) or, in a word longer than the measure, between two grapheme clusters. Widths are rich's
`cell_len` of each cluster (the same sums the Strips use, so what we map is what Textual draws); a
tab is expanded to the next multiple of `TAB` cells from the row's start.

Lazy, so that opening a 3 MB book costs what its first screen costs: the text is cut into chunks of
`CHUNK` code points (each holding the lines that start in it); a chunk's row count is an estimate
until the chunk is *made exact* (its lines found and counted), which happens when one of its rows is
asked for, and for every chunk in the background (`exact_next`). The owner is told of every change
of a chunk's row count, so it can keep what is on screen in place. Break positions of a line are
computed when the line is drawn or navigated, and kept in an LRU cache.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from itertools import accumulate
from typing import Callable, NamedTuple

import regex
from rich.cells import cell_len

from reader.core.text import Segmenter

TAB = 8
CHUNK = 16384
"""Code points per chunk: one chunk is made exact in about a millisecond."""

_NARROW = regex.compile(r"[\x20-\x7e\xa0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u2500-\u25ff]*")
"""Characters that are one cluster and one cell each (rich agrees): lines made only of these wrap by
plain index arithmetic, like ASCII."""


def tab_width(col: int, width: int) -> int:
    """Cells of a tab at `col`: to the next tab stop, but never past the row's end (one cell there)."""
    return max(1, min(TAB - col % TAB, width - col))


_CONTROL = regex.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421} | {c: 0xFFFD for c in range(0x80, 0xA0)}


def visible(cluster: str) -> str:
    """What to draw for a cluster: control characters as their pictures, so that text loaded
    without `corpus` (which already does this) still never sends ESC to the terminal."""
    return cluster.translate(_PICTURES) if _CONTROL.search(cluster) else cluster


def _is_break(cluster: str) -> bool:
    return cluster == " " or cluster == "\t"


class Row(NamedTuple):
    line: int
    """Offset where the row's text line starts."""
    start: int
    end: int
    """Exclusive; the `\\n` is not part of any row."""
    last: bool
    """Last row of its line: its end is a place for the cursor (the line's end)."""


class Layout:
    """The rows of one text at one width, counted chunk by chunk."""

    def __init__(
        self, seg: Segmenter, width: int, on_change: Callable[[int, int, int], None] | None = None
    ) -> None:
        self.seg = seg
        self.text = seg.text
        self.width = max(4, width)
        self.on_change = on_change
        """Called with (first row of the chunk, its old row count, the change) when a count changes."""
        self.breaks = lru_cache(maxsize=1024)(self._breaks)
        n = len(self.text)
        self.chunks = n // CHUNK + 1
        self._lines: list[list[int] | None] = [None] * self.chunks
        self._line_rows: list[list[int]] = [[] for _ in range(self.chunks)]
        self._counts = [self._estimate(k) for k in range(self.chunks)]
        self._prefix: list[int] | None = None
        self._next = 0

    def _estimate(self, k: int) -> int:
        """Rows of chunk k before it is counted: from its length alone (no pass over the text)."""
        a, b = k * CHUNK, min(len(self.text), (k + 1) * CHUNK)
        return max(1, round((b - a) / (0.9 * self.width)))

    @property
    def prefix(self) -> list[int]:
        """prefix[k]: the first row of chunk k (estimated before it); the last item is the height."""
        if self._prefix is None:
            self._prefix = [0, *accumulate(self._counts)]
        return self._prefix

    @property
    def height(self) -> int:
        return self.prefix[-1]

    @property
    def exact(self) -> bool:
        return all(lines is not None for lines in self._lines)

    def exact_next(self) -> bool:
        """Make the next estimated chunk exact; False when none is left."""
        while self._next < self.chunks and self._lines[self._next] is not None:
            self._next += 1
        if self._next >= self.chunks:
            return False
        self._make_exact(self._next)
        return True

    def complete(self) -> "Layout":
        while self.exact_next():
            pass
        return self

    def _make_exact(self, k: int) -> None:
        text, width = self.text, self.width
        limit = (k + 1) * CHUNK
        lines: list[int] = []
        start = 0 if k == 0 else text.find("\n", k * CHUNK - 1) + 1
        if (k == 0 or start > 0) and start < limit:
            lines.append(start)
            while (nl := text.find("\n", lines[-1])) >= 0 and nl + 1 < limit:
                lines.append(nl + 1)
        counts = []
        for i, line in enumerate(lines):
            end = lines[i + 1] - 1 if i + 1 < len(lines) else self.seg.line_end(line)
            if end - line <= width // 2 and text.find("\t", line, end) < 0:
                counts.append(1)
            elif end - line <= width and _NARROW.fullmatch(text, line, end):
                counts.append(1)
            else:
                counts.append(len(self._breaks(line)))
        self._lines[k] = lines
        self._line_rows[k] = [0, *accumulate(counts)]
        old = self._counts[k]
        total = self._line_rows[k][-1]
        if total != old:
            first = self.prefix[k]
            self._counts[k] = total
            self._prefix = None
            if self.on_change is not None:
                self.on_change(first, old, total - old)

    def _chunk_of_row(self, y: int) -> int:
        while True:
            prefix = self.prefix
            y = min(max(y, 0), prefix[-1] - 1)
            k = bisect.bisect_right(prefix, y) - 1
            if self._lines[k] is not None:
                return k
            self._make_exact(k)

    # ----------------------------------------------------------------- breaking

    def _breaks(self, line: int) -> list[int]:
        """Offsets where the rows of the line starting at `line` start (the first is `line`)."""
        start, end = line, self.seg.line_end(line)
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

    def _breaks_cells(self, line: int, start: int, end: int) -> list[int]:  # noqa: ARG002
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
            w = tab_width(col, width) if cluster == "\t" else cell_len(visible(cluster))
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
        k = self._chunk_of_row(y)
        y = min(max(y, 0), self.height - 1) - self.prefix[k]
        line_rows = self._line_rows[k]
        i = bisect.bisect_right(line_rows, y) - 1
        line = self._lines[k][i]  # type: ignore[index]
        starts = self.breaks(line)
        j = min(y - line_rows[i], len(starts) - 1)
        last = j + 1 >= len(starts)
        end = self.seg.line_end(line) if last else starts[j + 1]
        return Row(line, starts[j], end, last)

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
                shown = visible(cluster)
                w = cell_len(shown)
                out.append((bounds[i], shown, w))
            col += w
            i += 1
        return out

    def locate(self, offset: int) -> tuple[int, int]:
        """(row, cell column) where the cursor at `offset` is drawn."""
        offset = max(0, min(offset, len(self.text)))
        line = self.seg.line_start(offset)
        k = line // CHUNK
        if self._lines[k] is None:
            self._make_exact(k)
        lines = self._lines[k]
        i = bisect.bisect_left(lines, line)  # type: ignore[arg-type]
        starts = self.breaks(line)
        j = bisect.bisect_right(starts, offset) - 1
        y = self.prefix[k] + self._line_rows[k][i] + j
        x = 0
        for off, _text, w in self.cells(self.row(y)):
            if off >= offset:
                break
            x += w
        return y, x

    def offset_at(self, y: int, x: int) -> int:
        """The offset of the cluster drawn at cell (x, y); past a row's end, its end."""
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
