"""Two (or more) extents of one text drawn one above the other, column for column, with the
characters that differ marked: how the review panel shows a boundary disagreement.

`A claim 370-457 "Around 10,000 people were detained after widesp..."` and `B claim 370-458` look the
same when each is cut to a width. Here both are drawn over the same columns: a character in a row's
extent shows, one outside it is blank (as wide as the character, so that wide characters keep the
columns aligned), and a column is marked when some extents hold it and others do not. Long shared
stretches are elided with "…" on every row at once, keeping a few characters round every edge;
newlines and tabs show as visible marks. `caret_row` puts "^" under the differing columns, so the
difference reads without colour too; `edge_notes` says it in words ("B ends 1 later: “r”").
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

VISIBLE = {"\n": "⏎", "\t": "→", "\r": "␍"}


@dataclass(frozen=True)
class Row:
    """One extent's row: (text, differs) chunks over the shared columns."""

    name: str
    chunks: list[tuple[str, bool]]

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.chunks)


def _windows(edges: list[int], lo: int, hi: int, room: int) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for e in sorted(set(edges)):
        start, end = max(lo, e - room), min(hi, e + room)
        if out and start <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out if s < e]


def _columns(text: str, extents: list[tuple[str, int, int]], width: int) -> list[tuple[list[str], bool]]:
    """Every shown column: each row's cell text (its character, or a blank as wide) and whether the
    extents differ there; "…" columns stand for an elided stretch."""
    lo = min(s for _, s, _ in extents)
    hi = max(e for _, _, e in extents)
    edges = [x for _, s, e in extents for x in (s, e)]
    room = max(3, width // 2)
    windows = _windows(edges, lo, hi, room)
    while room > 3 and sum(e - s + 1 for s, e in windows) + 1 > width:  # the widest that fits
        room -= 1
        windows = _windows(edges, lo, hi, room)
    columns: list[tuple[list[str], bool]] = []
    for k, (ws, we) in enumerate(windows):
        if k or ws > lo:
            columns.append((["…"] * len(extents), False))
        for pos in range(ws, we):
            ch = VISIBLE.get(text[pos], text[pos])
            inside = [s <= pos < e for _, s, e in extents]
            cells = [ch if held else " " * cell_len(ch) for held in inside]
            columns.append((cells, any(inside) and not all(inside)))
    if windows and windows[-1][1] < hi:
        columns.append((["…"] * len(extents), False))
    return columns


def aligned_rows(text: str, extents: list[tuple[str, int, int]], width: int = 44) -> list[Row]:
    """Rows for `extents` (name, start, end) over the same columns, at most about `width` wide."""
    columns = _columns(text, extents, width)
    rows = []
    for r, (name, _s, _e) in enumerate(extents):
        chunks = [(cells[r], differs and not cells[r].isspace()) for cells, differs in columns]
        rows.append(Row(name, _merge(chunks)))
    return rows


def caret_row(text: str, extents: list[tuple[str, int, int]], width: int = 44) -> str:
    """A row of "^" under the columns where the extents differ, blank elsewhere."""
    return "".join(
        ("^" if differs else " ") * cell_len(cells[0]) for cells, differs in _columns(text, extents, width)
    ).rstrip()


def edge_notes(text: str, a: tuple[str, int, int], b: tuple[str, int, int]) -> list[str]:
    """What differs between two extents, in words: who starts earlier or ends later, by what text."""
    notes = []
    (na, sa, ea), (nb, sb, eb) = a, b
    if sa != sb:
        first, other = (na, nb) if sa < sb else (nb, na)
        extra = text[min(sa, sb) : max(sa, sb)]
        notes.append(f"{first} starts {abs(sa - sb)} earlier than {other}: “{_flat(extra)}”")
    if ea != eb:
        last, other = (na, nb) if ea > eb else (nb, na)
        extra = text[min(ea, eb) : max(ea, eb)]
        notes.append(f"{last} ends {abs(ea - eb)} later than {other}: “{_flat(extra)}”")
    return notes


def _flat(text: str, width: int = 24) -> str:
    shown = "".join(VISIBLE.get(ch, ch) for ch in text)
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def _merge(chunks: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for text, differs in chunks:
        if out and out[-1][1] == differs:
            out[-1] = (out[-1][0] + text, differs)
        else:
            out.append((text, differs))
    return out
