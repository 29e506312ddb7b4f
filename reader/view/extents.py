"""Which text an annotation key means: the selection or the sentence, the word at the cursor, a span's
edge moved by a word, the next span, the next match of a search.

Plain functions of the text and offsets (no Textual), so that what each key would mark, resize or
jump to is tested headless; the main screen (`tui/annotate.py` and its action modules) only asks
and then edits through `DocAnnotations`.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from reader.core.model import Span, trim_extent
from reader.core.text import Segmenter


def target_extent(seg: Segmenter, selection: tuple[int, int] | None, cursor: int) -> tuple[int, int] | None:
    """What a label key marks: the selection, or else the sentence under the cursor, trimmed of edge
    whitespace (None: nothing but whitespace there)."""
    extent = selection or seg.sentence_at(cursor)
    if extent is None:
        return None
    start, end = trim_extent(seg.text, *extent)
    return (start, end) if start < end else None


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The run of letters and digits around `offset` (None: there is none)."""
    start = end = offset
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return (start, end) if start < end else None


def moved_edge(seg: Segmenter, start: int, end: int, edge: str, step: int) -> tuple[int, int]:
    """[start, end) with its `edge` ("start" or "end") moved a word left (`step` < 0) or right,
    trimmed of edge whitespace; growing the end takes in the whole next word. An empty result
    (start >= end) means the span cannot shrink further."""
    text = seg.text
    if edge == "start":
        start = seg.prev_word(start) if step < 0 else seg.next_word(start)
    else:
        end = seg.next_word(end) if step > 0 else seg.prev_word(end)
        if step > 0:  # to the end of that word, not the start of the one after
            while end < len(text) and not text[end].isspace():
                end += 1
    return trim_extent(text, start, end)


def next_start(spans: Sequence[Span], cursor: int, step: int) -> Span | None:
    """The first span in text order that starts after `cursor` (`step` > 0), or the last that starts
    before it; `spans` sorted by start."""
    if step > 0:
        return next((s for s in spans if s.start > cursor), None)
    return next((s for s in reversed(spans) if s.start < cursor), None)


def find(text: str, query: str, cursor: int, step: int, from_cursor: bool = False) -> tuple[int, int] | None:
    """The next match of `query` (literal, case-insensitive) after the cursor (at it if `from_cursor`),
    or the previous one before it (`step` < 0), wrapping around the text; None if there is none."""
    flags = regex.IGNORECASE | regex.V1
    if step > 0:
        pattern = regex.compile(regex.escape(query), flags)
        found = pattern.search(text, cursor if from_cursor else cursor + 1) or pattern.search(text)
    else:
        pattern = regex.compile(regex.escape(query), flags | regex.REVERSE)
        found = pattern.search(text, 0, cursor) or pattern.search(text)
    return None if found is None else (found.start(), found.end())
