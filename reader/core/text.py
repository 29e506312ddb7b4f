"""Where the cursor may stop in a text: grapheme clusters, words, sentences and paragraphs.

Headless (no Textual), so the moves are tested without a terminal and reused by `suggest` and
`compare`. Everything is lazy and cached so that a keypress in a 3 MB book costs what one line or
one paragraph costs: lines are found with `find`/`rfind` around the offset, grapheme boundaries are
cached per line (a `\\n` is always a cluster boundary), sentences per paragraph. The one whole-text
pass, a C-speed regex scan for blank lines (paragraph starts), runs once, on the first paragraph or
sentence move.

Decisions:
- A *paragraph* is a block of non-blank lines between blank lines (or the text's ends), as news text
  and books separate them; a single newline (a byline under a caption, a hard-wrapped book line)
  stays inside its paragraph.
- A *sentence* ends at `.`, `!`, `?` or `…` (plus closing quotes/brackets) followed by whitespace and
  an upper-case letter, digit, opening quote or bracket, or at the end of its block; not after a known
  abbreviation ("Mr.", "Dr.", "U.S.", "e.g.") or a single initial ("J."). A line without final
  punctuation also ends a sentence when it is the last of its paragraph (a headline) or when it is
  short (under 60% of the paragraph's longest line) and the next line starts with a capital (a byline).
- Spans returned never include whitespace at either edge.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

import regex

from reader.core.model import trim_extent

_CLUSTER = regex.compile(r"\X")
_WORD = regex.compile(r"\w+|[^\w\s]+")
_WORD_REV = regex.compile(r"(?r)\w+|[^\w\s]+")
_BLANK_RUN = regex.compile(r"\n(?:[^\S\n]*\n)+")
_TERMINATOR = regex.compile(
    r"""[.!?…]+[\"'”’»)\]]*(?=\s+(?:[\p{Lu}\p{N}\"'“‘«(\[]|$)|$)"""
)
_TOKEN_BEFORE = regex.compile(r"(?r)[\w.]+(?=[.!?…]*$)")
_QUOTES = regex.compile(r"“[^“”]*”|\"[^\"\n]*\"|«[^«»]*»|„[^„“”]*[“”]")
_FINAL_PUNCT = frozenset(".!?…:;\"'”’»)]")

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr vs etc e.g i.e u.s u.k u.n u.s.a no gen col lt sgt capt rev hon
    inc ltd co corp dept est fig jan feb mar apr jun jul aug sep sept oct nov dec mt ave blvd rd
    gov sen rep pres a.m p.m approx vol pp op cf al""".split()
)


class Segmenter:
    """Boundaries of one immutable text, computed lazily and cached."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._blocks: tuple[list[int], list[int]] | None = None
        self._sentences: dict[int, list[tuple[int, int]]] = {}
        self.clusters = lru_cache(maxsize=256)(self._clusters)

    # ----------------------------------------------------------------- lines

    def line_start(self, offset: int) -> int:
        """Start of the line holding `offset` (a `\\n` belongs to the line it ends)."""
        return self.text.rfind("\n", 0, max(0, offset)) + 1

    def line_end(self, start: int) -> int:
        """End of the line starting at `start`, without its `\\n`."""
        end = self.text.find("\n", start)
        return len(self.text) if end < 0 else end

    # ----------------------------------------------------------------- grapheme clusters

    def _clusters(self, line: int) -> list[int]:
        """Start offsets of the clusters of the line starting at `line`, plus the line's end."""
        end = self.line_end(line)
        out = [m.start() for m in _CLUSTER.finditer(self.text, line, end)]
        out.append(end)
        return out

    def is_boundary(self, offset: int) -> bool:
        if offset <= 0 or offset >= len(self.text):
            return True
        bounds = self.clusters(self.line_start(offset))
        i = bisect.bisect_left(bounds, offset)
        return i < len(bounds) and bounds[i] == offset

    def floor(self, offset: int) -> int:
        """The cluster boundary at or before `offset` (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        if offset == len(self.text):
            return offset
        bounds = self.clusters(self.line_start(offset))
        return bounds[bisect.bisect_right(bounds, offset) - 1]

    def ceil(self, offset: int) -> int:
        """The cluster boundary at or after `offset` (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        if offset == len(self.text):
            return offset
        bounds = self.clusters(self.line_start(offset))
        return bounds[bisect.bisect_left(bounds, offset)]

    def next_cluster(self, offset: int) -> int:
        """The boundary after `offset`; a line's `\\n` is one step, like any cluster."""
        offset = self.floor(offset)
        if offset >= len(self.text):
            return len(self.text)
        bounds = self.clusters(self.line_start(offset))
        i = bisect.bisect_right(bounds, offset)
        return bounds[i] if i < len(bounds) else offset + 1  # past the line end: over the \n

    def prev_cluster(self, offset: int) -> int:
        offset = self.ceil(offset)
        if offset <= 0:
            return 0
        bounds = self.clusters(self.line_start(offset))
        i = bisect.bisect_left(bounds, offset)
        return bounds[i - 1] if i > 0 else offset - 1  # at a line start: back over the \n

    # ----------------------------------------------------------------- words

    def next_word(self, offset: int) -> int:
        """Start of the next word or run of punctuation after `offset`, else the end of the text."""
        if offset >= len(self.text):
            return len(self.text)
        match = _WORD.match(self.text, offset)  # skip the rest of the run under the cursor
        pos = match.end() if match else offset
        match = _WORD.search(self.text, pos)
        return self.ceil(match.start()) if match else len(self.text)

    def prev_word(self, offset: int) -> int:
        """Start of the word or punctuation run before `offset`, else 0."""
        if offset <= 0:
            return 0
        match = _WORD_REV.search(self.text, 0, offset)
        return self.floor(match.start()) if match else 0

    # ----------------------------------------------------------------- paragraphs (blocks)

    @property
    def blocks(self) -> tuple[list[int], list[int]]:
        """Starts and ends of the paragraphs, trimmed of edge whitespace."""
        if self._blocks is None:
            starts: list[int] = []
            ends: list[int] = []
            pos = 0
            text = self.text
            for m in _BLANK_RUN.finditer(text):
                self._add_block(pos, m.start(), starts, ends)
                pos = m.end()
            self._add_block(pos, len(text), starts, ends)
            self._blocks = (starts, ends)
        return self._blocks

    def _add_block(self, start: int, end: int, starts: list[int], ends: list[int]) -> None:
        start, end = trim_extent(self.text, start, end)
        if start < end:
            starts.append(start)
            ends.append(end)

    def block_index(self, offset: int) -> int:
        """The paragraph containing `offset`, else the one before it (-1 when none)."""
        return bisect.bisect_right(self.blocks[0], offset) - 1

    def paragraph_at(self, offset: int) -> tuple[int, int] | None:
        """The paragraph containing `offset`, else the next one, else the previous one."""
        starts, ends = self.blocks
        if not starts:
            return None
        i = self.block_index(offset)
        if i < 0 or (offset > ends[i] and i + 1 < len(starts)):
            i += 1
        return starts[i], ends[i]

    def next_paragraph(self, offset: int) -> int:
        starts = self.blocks[0]
        i = bisect.bisect_right(starts, offset)
        return self.ceil(starts[i]) if i < len(starts) else len(self.text)

    def prev_paragraph(self, offset: int) -> int:
        starts = self.blocks[0]
        i = bisect.bisect_left(starts, offset) - 1
        return self.floor(starts[i]) if i >= 0 else 0

    # ----------------------------------------------------------------- sentences

    def sentences_of_block(self, index: int) -> list[tuple[int, int]]:
        cached = self._sentences.get(index)
        if cached is None:
            starts, ends = self.blocks
            cached = split_sentences(self.text, starts[index], ends[index])
            if len(self._sentences) > 4096:
                self._sentences.clear()
            self._sentences[index] = cached
        return cached

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        """The sentence containing `offset` (or ending right at it); in the whitespace between two
        sentences, the next one (the last one at the end of the text); never with edge whitespace."""
        starts, ends = self.blocks
        if not starts:
            return None
        i = self.block_index(offset)
        if i < 0:
            i = 0
        elif offset > ends[i] and i + 1 < len(starts):
            i += 1
        sentences = self.sentences_of_block(i)
        for start, end in sentences:
            if offset <= end:
                return start, end
        return sentences[-1]

    def next_sentence(self, offset: int) -> int:
        """Start of the first sentence after `offset`, else the end of the text."""
        starts = self.blocks[0]
        i = max(self.block_index(offset), 0)
        while i < len(starts):
            for start, _end in self.sentences_of_block(i):
                if start > offset:
                    return self.ceil(start)  # a combining mark on a space: not inside its cluster
            i += 1
        return len(self.text)

    def prev_sentence(self, offset: int) -> int:
        """Start of the last sentence before `offset`, else 0."""
        i = self.block_index(offset)
        if i >= len(self.blocks[0]):
            i = len(self.blocks[0]) - 1
        while i >= 0:
            for start, _end in reversed(self.sentences_of_block(i)):
                if start < offset:
                    return self.floor(start)
            i -= 1
        return 0

    # ----------------------------------------------------------------- growing a selection

    def expand(self, start: int, end: int) -> tuple[int, int] | None:
        """The smallest unit strictly larger than [start, end) that contains it: the inside of the
        enclosing quotation marks, the quotation with its marks, the sentence, the paragraph."""
        para = self.paragraph_at(start)
        if para is None:
            return None
        candidates: list[tuple[int, int]] = []
        if para[0] <= start and end <= para[1]:
            for m in _QUOTES.finditer(self.text, para[0], para[1]):
                inner = trim_extent(self.text, m.start() + 1, m.end() - 1)
                candidates.extend((inner, m.span()))
            candidates.extend(self.sentences_of_block(self.block_index(para[0])))
        candidates.append(para)
        candidates.append((0, len(self.text)))
        fits = [
            (s, e) for s, e in candidates
            if s <= start and end <= e and (e - s) > (end - start) and s < e
        ]
        return min(fits, key=lambda se: se[1] - se[0]) if fits else None


def _is_abbreviation(text: str, block_start: int, at: int) -> bool:
    """Is the `.` at `at` the end of an abbreviation or an initial rather than a sentence end?"""
    match = _TOKEN_BEFORE.search(text, max(block_start, at - 24), at + 1)
    if match is None:
        return False
    token = match.group().lower().rstrip(".")
    if token in ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isalpha():  # an initial: "J. K. Rowling"
        return True
    return "." in token and all(len(part) <= 2 for part in token.split("."))  # "U.S", "a.k.a"


def _line_cuts(text: str, start: int, end: int) -> list[int]:
    """Line ends that end a sentence without punctuation: the last line of a block (a headline)
    and a short line (under 60% of the block's longest) followed by a capitalised line (bylines)."""
    lines = [m.span() for m in regex.finditer(r"[^\n]+", text[start:end])]
    longest = max(e - s for s, e in lines)
    cuts: list[int] = []
    for (s, e), (ns, _ne) in zip(lines, lines[1:]):
        line = text[start + s : start + e].rstrip()
        if not line or line[-1] in _FINAL_PUNCT:
            continue
        is_last = (ns, _ne) == lines[-1] and text[end - 1] not in _FINAL_PUNCT
        short = len(line) < 0.6 * longest and text[start + ns].isupper()
        if is_last or short:
            cuts.append(start + e)
    return cuts


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of the block text[start:end] (one paragraph), each trimmed; never empty."""
    cuts: list[int] = []
    for m in _TERMINATOR.finditer(text, start, end):
        dot = m.start()
        if text[dot] == "." and m.group()[:3] != "..." and _is_abbreviation(text, start, dot):
            continue
        cuts.append(m.end())
    if "\n" in text[start:end]:
        cuts.extend(_line_cuts(text, start, end))
    out: list[tuple[int, int]] = []
    pos = start
    for cut in sorted(set(cuts)):
        if cut <= pos:
            continue
        s, e = trim_extent(text, pos, cut)
        if s < e:
            out.append((s, e))
        pos = cut
    s, e = trim_extent(text, pos, end)
    if s < e:
        out.append((s, e))
    return out or [trim_extent(text, start, end)]
