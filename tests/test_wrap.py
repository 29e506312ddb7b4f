"""Soft wrapping and the offset <-> cell mapping, headless."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.text import Segmenter
from reader.view.wrap import TAB, Layout


def rows(text: str, width: int) -> list[str]:
    layout = Layout(Segmenter(text), width).complete()
    return [text[r.start : r.end] for r in map(layout.row, range(layout.height))]


def test_breaks_after_spaces_and_keeps_lines() -> None:
    assert rows("the quick brown fox\n\njumps", 10) == ["the quick ", "brown fox", "", "jumps"]


def test_long_word_breaks_between_clusters() -> None:
    assert rows("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert rows("中中中中中", 4) == ["中中", "中中", "中"]  # 2 cells each


def test_tabs_expand_to_tab_stops() -> None:
    layout = Layout(Segmenter("a\tb"), 40)
    cells = layout.cells(layout.row(0))
    assert [(t, w) for _o, t, w in cells] == [("a", 1), (" " * (TAB - 1), TAB - 1), ("b", 1)]
    assert layout.locate(2) == (0, TAB)


def test_locate_and_offset_at_wide_and_combining() -> None:
    text = "x👍🏽e\u0301中y"
    layout = Layout(Segmenter(text), 40)
    assert [layout.locate(o) for o in (0, 1, 3, 5, 6, 7)] == [
        (0, 0), (0, 1), (0, 3), (0, 4), (0, 6), (0, 7)
    ]  # emoji 2 cells, e + accent 1, 中 2 (rich 15 measures clusters)
    assert layout.offset_at(0, 2) == 1  # the right half of the emoji: the emoji
    assert layout.offset_at(0, 5) == 5  # the right half of 中
    assert layout.offset_at(0, 99) == len(text)


def test_book_layout_is_lazy_then_exact() -> None:
    line = "word " * 40 + "\n"
    text = line * 5000
    changes = []
    layout = Layout(Segmenter(text), 50, lambda first, old, delta: changes.append(delta))
    assert layout.row(0) == (0, 0, 50, False)
    assert layout.exact_next()  # chunk 0 was exact already: this is chunk 1
    assert not layout.exact
    y, x = layout.locate(len(line) * 4000 + 55)  # deep in the text: only its chunk is counted
    assert layout.offset_at(y, x) == len(line) * 4000 + 55
    assert sum(lines is not None for lines in layout._lines) == 3
    layout.complete()
    assert layout.exact
    assert layout.height == 5000 * 4 + 1  # and the empty line after the last \n
    assert layout.locate(len(line) * 4000 + 55) == (4000 * 4 + 1, 5)
    assert layout.row(4 * 2500 + 1).start == len(line) * 2500 + 50
    assert changes  # the estimates were corrected, and the owner told


TEXTS = st.lists(
    st.sampled_from(list("ab  \n\t中") + ["👍🏽", "e\u0301", "word ", "longerword "]), max_size=50
).map("".join)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(min_value=4, max_value=20))
def test_rows_tile_the_text_and_fit(text: str, width: int) -> None:
    seg = Segmenter(text)
    layout = Layout(seg, width).complete()
    ok = {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}
    pieces = []
    for y in range(layout.height):
        row = layout.row(y)
        assert row.start in ok
        cells = layout.cells(row)
        drawn = sum(w for _o, _t, w in cells)
        hang = 1 if cells and text[cells[-1][0]] in " \t" else 0
        assert drawn <= width + hang or len(cells) == 1
        pieces.append(text[row.start : row.end] + ("\n" if row.last and row.end < len(text) else ""))
    assert "".join(pieces) == text


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(min_value=4, max_value=20))
def test_locate_then_offset_at_is_identity_on_boundaries(text: str, width: int) -> None:
    seg = Segmenter(text)
    layout = Layout(seg, width)
    for offset in sorted({m.start() for m in regex.finditer(r"\X", text)} | {len(text)}):
        y, x = layout.locate(offset)
        assert layout.offset_at(y, x) == offset
