"""Quotations: quotation marks paired paragraph by paragraph, and whether a quote is direct or partial.

The marks come from the cues (`quote_pairs`), so a team adds its language's marks in YAML. English
single quotes (`' '`, `‘ ’`) share their mark with the apostrophe, so such a mark opens a quote only
after a space and before a word, and closes one only where no letter follows it (see `_opens`,
`_closes`): "don't", "the council’s" and "the workers’ rights" stay inside their quote. A quote
still open at a paragraph's end continues only when the next paragraph opens with the same mark (the
English convention for a quotation over several paragraphs); otherwise it is dropped as unbalanced,
because a stray mark must not swallow the rest of the article.

A quotation split by its attribution (`"We are not a party," the spokesperson said, "but a
movement."`, German `„…“, sagte er, „…“`) is one quotation: the second part's `joins` names the
first, so that it can be suggested as one quote in two fragments (`split_fragments`). The parts must
stand in one paragraph, the first end at a comma (inside or just after its closing mark), and
between them only a short attribution with a reporting cue, ending at a comma or a colon.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from reader.core.model import trim_extent
from reader.suggest.cues import LanguageCues

_LETTER = regex.compile(r"\p{L}")
APOSTROPHES = frozenset("'’")
"""Marks that are also the apostrophe: they open and close quotes only where a quotation mark can."""


@dataclass
class Quote:
    open: int
    close: int | None
    """Offset of the closing mark; None when the quote runs on into the next paragraph."""
    start: int
    end: int
    para_end: int
    cont: int | None = None
    """Index of the quote part in the previous paragraph this one continues."""
    joins: int | None = None
    """Index of the first part of the quotation this part continues after its attribution."""


def find_quotes(text: str, paras: list[tuple[int, int]], cues: LanguageCues) -> list[Quote]:
    """Pair quotation marks paragraph by paragraph; an unclosed quote continues only if the next
    paragraph opens with the same mark (the English convention), else it is dropped as unbalanced."""
    mark_re, closers = cues.mark_re, cues.closers
    if mark_re is None:
        return []
    quotes: list[Quote] = []
    carried: tuple[str, int] | None = None
    for pi, (ps, pe) in enumerate(paras):
        state: tuple[str, int, int | None] | None = None
        marks = [(m.group(), m.start()) for m in mark_re.finditer(text, ps, pe)]
        for k, (c, pos) in enumerate(marks):
            if state is None:
                if c in closers and (c not in APOSTROPHES or _opens(text, pos, ps)):
                    cont = carried[1] if carried and pos == ps and c == carried[0] else None
                    state = (c, pos, cont)
                carried = None
            elif c in closers[state[0]]:
                if c in APOSTROPHES and not _closes(text, pos, pe, marks, k, closers[state[0]]):
                    continue
                _add_quote(text, quotes, state, pos, pos, pe)
                state = None
        carried = None
        if state is not None:
            nxt = paras[pi + 1][0] if pi + 1 < len(paras) else None
            if nxt is not None and nxt < len(text) and text[nxt] == state[0]:
                index = _add_quote(text, quotes, state, None, pe, pe)
                carried = (state[0], index) if index is not None else None
    _join_split(text, quotes, cues)
    return quotes


SPLIT_GAP_WORDS = 8
"""At most this many words of attribution between the two parts of a split quotation."""


def _join_split(text: str, quotes: list[Quote], cues: LanguageCues) -> None:
    """Mark each quote that continues the one before it after its attribution (`Quote.joins`)."""
    cue_re = cues.cue_re
    if cue_re is None:
        return
    for i in range(1, len(quotes)):
        a, b = quotes[i - 1], quotes[i]
        if a.close is None or b.cont is not None or a.para_end != b.para_end:
            continue
        gap = text[a.close + 1 : b.open].strip()
        if not (text[a.end - 1] == "," or gap.startswith(",")) or not gap.endswith((",", ":")):
            continue
        words = gap.strip(",: ").split()
        if not words or len(words) > SPLIT_GAP_WORDS or any(c in gap for c in ".!?;\n"):
            continue
        if cue_re.search(text, a.close + 1, b.open) is None:
            continue
        b.joins = a.joins if a.joins is not None else i - 1


def split_fragments(quotes: list[Quote]) -> dict[int, tuple[tuple[int, int], ...]]:
    """The first part's index -> the fragments of the whole quotation, for each quotation split by
    its attribution (the later parts are in their first part's entry)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for i, q in enumerate(quotes):
        if q.joins is not None:
            first = quotes[q.joins]
            out.setdefault(q.joins, [(first.start, first.end)]).append((q.start, q.end))
    return {i: tuple(frags) for i, frags in out.items()}


def _opens(text: str, pos: int, para_start: int) -> bool:
    """An apostrophe-like mark opens a quote after a space (or an opening bracket or dash) and
    before a word: 'fact-finding', not don't or the councillors' trip."""
    before = text[pos - 1] if pos > para_start else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


def _closes(text: str, pos: int, para_end: int, marks: list[tuple[str, int]], k: int, closing: set[str]) -> bool:
    """An apostrophe-like mark closes the quote where no letter follows it (not don't, council’s);
    after a plural's s ("the workers’ rights") only if no later mark in the paragraph closes
    better (after punctuation, or before one) before another quote opens."""
    after = text[pos + 1] if pos + 1 < para_end else " "
    if after.isalnum():
        return False
    before = text[pos - 1]
    if before.isspace():
        return False
    if before in "sS" and after.isspace():
        for c, p in marks[k + 1 :]:
            if c in closing and _opens(text, p, 0):
                return True  # a new quote opens before any better closing mark: this one closes
            if c in closing and _strong_close(text, p, para_end):
                return False
    return True


def _strong_close(text: str, pos: int, para_end: int) -> bool:
    after = text[pos + 1] if pos + 1 < para_end else " "
    return not after.isalnum() and not text[pos - 1].isspace() and (text[pos - 1] in ".,!?;:…" or not after.isspace())


def _add_quote(text: str, quotes: list[Quote], state: tuple[str, int, int | None], close: int | None,
               inner_end: int, para_end: int) -> int | None:
    start, end = trim_extent(text, state[1] + 1, inner_end)
    if start >= end or not _LETTER.search(text, start, end):
        return None
    quotes.append(Quote(state[1], close, start, end, para_end, state[2]))
    return len(quotes) - 1


def quote_kind(text: str, q: Quote) -> str:
    """direct for a quoted sentence, partial for words quoted inside the writer's own sentence."""
    first = text[q.start]
    if q.cont is not None:
        return "direct"
    if not (first.isupper() or first.isdigit() or first in "[(…."):
        return "partial"
    before = text[max(0, q.open - 1) : q.open]
    inner = text[q.start : q.end]
    if before.isalnum() and not any(p in inner for p in ".!?,"):
        return "partial"
    return "direct"
