"""Quotations: quotation marks paired paragraph by paragraph, and whether a quote is direct or partial.

The marks come from the cues (`quote_pairs`), so a team adds its language's marks in YAML. A quote
still open at a paragraph's end continues only when the next paragraph opens with the same mark (the
English convention for a quotation over several paragraphs); otherwise it is dropped as unbalanced,
because a stray mark must not swallow the rest of the article.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from reader.core.model import trim_extent
from reader.suggest.cues import LanguageCues

_LETTER = regex.compile(r"\p{L}")


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
        for m in mark_re.finditer(text, ps, pe):
            c, pos = m.group(), m.start()
            if state is None:
                if c in closers:
                    cont = carried[1] if carried and pos == ps and c == carried[0] else None
                    state = (c, pos, cont)
                carried = None
            elif c in closers[state[0]]:
                _add_quote(text, quotes, state, pos, pos, pe)
                state = None
        carried = None
        if state is not None:
            nxt = paras[pi + 1][0] if pi + 1 < len(paras) else None
            if nxt is not None and nxt < len(text) and text[nxt] == state[0]:
                index = _add_quote(text, quotes, state, None, pe, pe)
                carried = (state[0], index) if index is not None else None
    return quotes


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
