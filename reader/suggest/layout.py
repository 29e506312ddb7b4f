"""The text as the suggest rules read it: its paragraphs, its sentences and where its quotations are.

Paragraphs and sentences are the reader's own (`core.text.Segmenter`, the ones the cursor moves by),
with the project's `suggest.yaml` abbreviations added to the shared list, so a suggested claim is a
sentence the annotator can select with one key. Every rule asks the same few questions of the text
(which sentence holds this offset, does this paragraph open with a quotation mark, is this offset
inside a quote), so they are answered here once, from sorted offsets with `bisect`.
"""

from __future__ import annotations

import bisect

import regex

from reader.core.text import ABBREVIATIONS, Segmenter
from reader.suggest.cues import LanguageCues
from reader.suggest.quotes import find_quotes

_ORDINAL_BEFORE = regex.compile(r"(?<![\d.,])\d{1,3}\.\s+$")
_WORD_AFTER = regex.compile(r"\p{L}+")


class Layout:
    """Paragraphs, sentence starts and quotations of one text."""

    def __init__(self, text: str, cues: LanguageCues) -> None:
        self.text = text
        self.cues = cues
        self.paras: list[tuple[int, int]] = []
        """(start, end) of each paragraph, trimmed."""
        self.para_starts: list[int] = []
        self.sent_starts: list[int] = []
        """Where each sentence starts; sentence i runs to the next start (its trailing space included)."""
        self._paragraphs_and_sentences()
        self.quotes = find_quotes(text, self.paras, cues) if cues.on("quotes") else []
        self.quote_opens = [q.open for q in self.quotes]
        self.quote_ends = [q.close if q.close is not None else q.para_end for q in self.quotes]

    def _paragraphs_and_sentences(self) -> None:
        segmenter = Segmenter(self.text, ABBREVIATIONS | self.cues.abbreviations)
        self.paras = list(zip(*segmenter.blocks))
        self.para_starts = [p[0] for p in self.paras]
        self.sent_starts = [0]  # the first sentence holds any whitespace before it
        self.sent_starts += [start for start, _end in segmenter.sentences() if start > 0 and not self._ordinal(start)]

    def _ordinal(self, start: int) -> bool:
        """ "am 5. August", "der 2. Weltkrieg": a number's full stop that marks an ordinal, before a
        word of the language's `ordinal_words`, does not end a sentence."""
        words = self.cues.ordinal_words
        if not words:
            return False
        m = _ORDINAL_BEFORE.search(self.text, max(0, start - 8), start)
        if m is None:
            return False
        w = _WORD_AFTER.match(self.text, start)
        return w is not None and w.group().lower() in words

    def sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self.sent_starts, pos) - 1

    def sentence_bounds(self, index: int) -> tuple[int, int]:
        end = self.sent_starts[index + 1] if index + 1 < len(self.sent_starts) else len(self.text)
        return self.sent_starts[index], end

    def paragraph_of(self, pos: int) -> int:
        return bisect.bisect_right(self.para_starts, pos) - 1

    def inside_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quote_opens, pos) - 1
        return i >= 0 and self.quote_opens[i] < pos < self.quote_ends[i]

    def trim(self, start: int, end: int, final: str = "") -> tuple[int, int]:
        """Shrink to no edge whitespace, dropping trailing characters in `final` (a sentence's full stop)."""
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in final):
            end -= 1
        return start, end
