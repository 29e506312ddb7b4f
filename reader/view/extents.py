"""Which text an annotation key means: the selection or the sentence, the name at the cursor, a span's
edge moved by a word or a punctuation mark, the next unit `e` grows to, the next quotation, the next
span, the next match of a search.

Plain functions of the text and offsets (no Textual), so that what each key would mark, resize or
jump to is tested headless; the main screen (`tui/annotate.py` and its action modules) only asks
and then edits through `DocAnnotations`.

Decisions:
- A span's edge moves by *units*: a word (letters and digits joined by inner apostrophes and
  hyphens, "month's", "Kassym-Jomart", and digits by inner `.`/`,`, "10,000") or a single
  punctuation mark, so `concern"` (a word and its closing quote) is one press from `concern`, and
  never across a paragraph break (a span of one paragraph stays in it).
- `e` grows to the smallest unit strictly larger than the selection: a clause (a sentence's part
  between `,` `;` `:`, dashes or "that" outside quotation marks, or such a part with the rest of
  the sentence, without its final stop: the statement of "X said that ..."), the inside of a
  quotation, the quotation with its marks, the sentence, the paragraph. Quotation marks are the pairs `suggest` knows (its
  cue file's `quote_pairs`), passed in by the caller, since this layer does not read cue files.
- A *name* is a run of capitalised words ("Human Rights Watch", "President Kassym-Jomart Tokayev");
  a leading article ("The NGO") is not part of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex

from reader.core.model import Span, trim_extent
from reader.core.text import ABBREVIATIONS, Segmenter

UNIT = regex.compile(r"\w+(?:(?:['’\-]|(?<=\d)[.,](?=\d))\w+)*|(?![\w\s])\X")
"""A span edge's step: a word with its inner apostrophes, hyphens and digit separators, or one
punctuation mark (a whole grapheme cluster)."""

_CLAUSE_BREAK = regex.compile(r"[,;:](?=\s)|\s[—–-]+\s|—|–|(?<=\s)that(?=\s)")
"""Where a clause ends inside a sentence (only outside quotation marks counts): `,` `;` `:`, a
dash, and the English "that" that opens a reported statement ("X said that ...")."""

_FINAL_STOP = regex.compile(r"[.!?…]+$")

_WORD = regex.compile(r"\w+(?:(?:['’\-]|(?<=\d)[.,](?=\d))\w+)*")


def target_extent(seg: Segmenter, selection: tuple[int, int] | None, cursor: int) -> tuple[int, int] | None:
    """What a label key marks: the selection, or else the sentence under the cursor, trimmed of edge
    whitespace (None: nothing but whitespace there)."""
    extent = selection or seg.sentence_at(cursor)
    if extent is None:
        return None
    start, end = trim_extent(seg.text, *extent)
    return (start, end) if start < end else None


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word at `offset` or ending right at it (letters and digits with inner apostrophes and
    hyphens; None: there is none)."""
    line_start = text.rfind("\n", 0, offset) + 1
    lo = max(line_start, offset - 256)
    for m in _WORD.finditer(text, lo, min(len(text), offset + 256)):
        if m.start() <= offset <= m.end():
            return m.span()
        if m.start() > offset:
            break
    return None


# --------------------------------------------------------------------------- names


def names_in(text: str, start: int, end: int, articles: Iterable[str] = ("the", "a", "an")) -> list[tuple[int, int]]:
    """The names in text[start:end]: runs of capitalised words one space apart (a hyphen or an
    apostrophe stays inside a word, "Mr." keeps its full stop); a leading article is left out."""
    skip = {a.lower() for a in articles}
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []

    def close() -> None:
        while run and text[run[0][0]:run[0][1]].lower() in skip:
            run.pop(0)
        if run:
            out.append((run[0][0], run[-1][1]))
        run.clear()

    for m in _WORD.finditer(text, start, end):
        capital = m.group()[:1].isupper()
        if run:
            gap = text[run[-1][1]:m.start()]
            joined = gap == " " or (gap == ". " and text[run[-1][0]:run[-1][1]].lower() in ABBREVIATIONS)
            if not (capital and joined):
                close()
        if capital:
            run.append(m.span())
    close()
    return out


def name_at(text: str, offset: int, articles: Iterable[str] = ("the", "a", "an")) -> tuple[int, int] | None:
    """The name (or else the word) at `offset`: what enter takes as a source with nothing selected."""
    word = word_at(text, offset)
    if word is None:
        return None
    line_start = text.rfind("\n", 0, word[0]) + 1
    line_end = text.find("\n", word[1])
    lo = max(line_start, word[0] - 256)
    hi = min(len(text) if line_end < 0 else line_end, word[1] + 256)
    for s, e in names_in(text, lo, hi, articles):
        if s <= word[0] and word[1] <= e:
            return s, e
    return word


# --------------------------------------------------------------------------- span edges


def _units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in UNIT.finditer(text, start, end)]


def moved_edge(seg: Segmenter, start: int, end: int, edge: str, step: int) -> tuple[int, int]:
    """[start, end) with its `edge` ("start" or "end") moved one unit (a word or a punctuation mark)
    left (`step` < 0) or right, never across a paragraph break. An empty result (start >= end)
    means the span cannot shrink further; an unchanged one, that it cannot grow that way."""
    text = seg.text
    if edge == "end" and step > 0:
        para = seg.paragraph_at(max(start, end - 1))
        limit = para[1] if para and para[0] <= end <= para[1] else end
        nxt = UNIT.search(text, end, limit)
        return (start, seg.ceil(nxt.end())) if nxt else (start, end)
    if edge == "start" and step < 0:
        para = seg.paragraph_at(start)
        limit = para[0] if para and para[0] <= start <= para[1] else start
        units = _units(text, limit, start)  # a word the start is inside ends at the start
        return (seg.floor(units[-1][0]), end) if units else (start, end)
    inside = _units(text, start, end)
    if len(inside) <= 1:
        return (end, end)
    if edge == "end":
        return start, seg.ceil(inside[-2][1])
    return seg.floor(inside[1][0]), end


# --------------------------------------------------------------------------- growing the selection


def quotations(text: str, start: int, end: int, pairs: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
    """(open, close end) of every quotation in text[start:end] for each pair of marks; a quotation
    with the same mark at both ends stays on one line."""
    out: set[tuple[int, int]] = set()
    for opening, closing in pairs:
        o, c = regex.escape(opening), regex.escape(closing)
        if opening == closing:
            pattern = rf"{o}[^{o}\n]*{c}"
        else:
            pattern = rf"{o}[^{o}{c}]*{c}"
        out.update(m.span() for m in regex.finditer(pattern, text[start:end]))
    return sorted((s + start, e + start) for s, e in out)


def clauses(text: str, start: int, end: int, quotes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The clauses of the sentence text[start:end]: its parts between clause breaks outside
    quotation marks, and each part with the rest of the sentence after it ("X said that | he was
    arrested, | held for a week." gives "he was arrested, held for a week" too), without the
    sentence's final stop. A sentence without a break has none (the sentence is its own unit)."""
    cuts = [m.span() for m in _CLAUSE_BREAK.finditer(text, start, end)
            if not any(qs < m.start() < qe for qs, qe in quotes)]
    if not cuts:
        return []
    stop = _FINAL_STOP.search(text, start, end)
    last = stop.start() if stop else end
    out: list[tuple[int, int]] = []
    pos = start
    for cut_start, cut_end in cuts + [(last, last)]:
        s, e = trim_extent(text, pos, cut_start)
        if s < e:
            out.append((s, e))
            rest = trim_extent(text, pos, last)
            if rest != (s, e):
                out.append(rest)
        pos = cut_end
    return out


def grow(seg: Segmenter, start: int, end: int, pairs: Sequence[tuple[str, str]]) -> tuple[int, int] | None:
    """The smallest unit strictly larger than [start, end) that contains it: a clause, the inside of
    a quotation, the quotation with its marks, the sentence, the paragraph, the text (None: none)."""
    para = seg.paragraph_at(start)
    if para is None:
        return None
    text = seg.text
    candidates: list[tuple[int, int]] = []
    if para[0] <= start and end <= para[1]:
        quotes = quotations(text, para[0], para[1], pairs)
        for qs, qe in quotes:
            candidates.extend((trim_extent(text, qs + 1, qe - 1), (qs, qe)))
        for sentence in seg.sentences_of_block(seg.block_index(para[0])):
            candidates.append(sentence)
            if sentence[0] <= start and end <= sentence[1]:
                candidates.extend(clauses(text, *sentence, quotes))
    candidates.append(para)
    candidates.append((0, len(text)))
    fits = [(s, e) for s, e in candidates if s <= start and end <= e and (e - s) > (end - start) and s < e]
    return min(fits, key=lambda se: se[1] - se[0]) if fits else None


QUOTE_REACH = 200
"""Paragraphs the quotation moves look through (a key in a book without quotation marks stays cheap)."""


def next_quotation(seg: Segmenter, cursor: int, step: int, pairs: Sequence[tuple[str, str]]) -> int | None:
    """The start of the inside of the next quotation after the cursor (`step` > 0), or of the last
    one that ends before it, in the cursor's paragraph and the `QUOTE_REACH` after (before) it; None
    when there is none there."""
    starts, ends = seg.blocks
    if not starts:
        return None
    i = max(0, seg.block_index(cursor))
    if step > 0:
        indices = range(i, min(len(starts), i + QUOTE_REACH))
    else:
        indices = range(min(i, len(starts) - 1), max(-1, i - QUOTE_REACH), -1)
    for b in indices:
        quotes = quotations(seg.text, starts[b], ends[b], pairs)
        inner = [trim_extent(seg.text, qs + 1, qe - 1) for qs, qe in quotes if qe - qs > 2]
        if step > 0:
            found = [s for s, _e in inner if s > cursor]
        else:  # wholly before the cursor: not the one the cursor is in or at the end of
            found = [s for s, e in inner if e < cursor]
        if found:
            return min(found) if step > 0 else max(found)
    return None


# --------------------------------------------------------------------------- spans and search


def next_start(spans: Sequence[Span], cursor: int, step: int) -> Span | None:
    """The first span in text order that starts after `cursor` (`step` > 0), or the last that starts
    before it; `spans` sorted by start."""
    if step > 0:
        return next((s for s in spans if s.start > cursor), None)
    return next((s for s in reversed(spans) if s.start < cursor), None)


def find(text: str, query: str, cursor: int, step: int, from_cursor: bool = False) -> tuple[int, int] | None:
    """The next match of `query` (literal, case-insensitive) after the cursor (at it if `from_cursor`),
    or the previous one ending before it (`step` < 0: the caller passes the current match's start,
    so that it is not found again), wrapping around the text; None if there is none."""
    flags = regex.IGNORECASE | regex.V1
    if step > 0:
        pattern = regex.compile(regex.escape(query), flags)
        found = pattern.search(text, cursor if from_cursor else cursor + 1) or pattern.search(text)
    else:
        pattern = regex.compile(regex.escape(query), flags | regex.REVERSE)
        found = pattern.search(text, 0, cursor) or pattern.search(text)
    return None if found is None else (found.start(), found.end())
