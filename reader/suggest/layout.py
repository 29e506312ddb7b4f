"""The text as the suggest rules read it: its paragraphs, its sentences and where its quotations are.

Every rule asks the same few questions of the text (which sentence holds this offset, does this
paragraph open with a quotation mark, is this offset inside a quote), so they are answered here once,
from sorted offsets with `bisect`.
"""

from __future__ import annotations

import bisect

import regex

from reader.suggest.cues import Cues
from reader.suggest.quotes import find_quotes

_PARA = regex.compile(r"\n[ \t]*\n\s*")
_SENT = regex.compile(
    r"(?<=[.!?…][\"'”’»」』)\]]*)\s+(?=[\"“„«»「『(\[‘']?[\p{Lu}\p{N}])|\n[ \t]*\n\s*"
)
_LAST_WORD = regex.compile(r"[\p{L}]+$")
_CLOSERS = "\"'”’»」』)]"


class Layout:
    """Paragraphs, sentence starts and quotations of one text."""

    def __init__(self, text: str, cues: Cues) -> None:
        self.text = text
        self.cues = cues
        self.paras = self._paragraphs()
        self.para_starts = [p[0] for p in self.paras]
        self.sent_starts = self._sentences()
        self.quotes = find_quotes(text, self.paras, cues) if cues.on("quotes") else []
        self.quote_opens = [q.open for q in self.quotes]
        self.quote_ends = [q.close if q.close is not None else q.para_end for q in self.quotes]

    def _paragraphs(self) -> list[tuple[int, int]]:
        out, at = [], 0
        for m in _PARA.finditer(self.text):
            out.append((at, m.start()))
            at = m.end()
        out.append((at, len(self.text)))
        return out

    def _sentences(self) -> list[int]:
        text, abbreviations = self.text, self.cues.abbreviations
        starts = [0]
        for m in _SENT.finditer(text):
            if "\n\n" not in m.group().replace(" ", "").replace("\t", ""):
                k = m.start() - 1
                while k > 0 and text[k] in _CLOSERS:
                    k -= 1
                if text[k] == ".":
                    word = _LAST_WORD.search(text, max(0, k - 20), k)
                    if word and (word.group().lower() in abbreviations or (len(word.group()) == 1 and word.group().isupper())):
                        continue
            starts.append(m.end())
        return starts

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
