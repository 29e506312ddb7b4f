"""Text cut into units: grapheme clusters, tokens, words, sentences and paragraphs.

The one tokenizer (`tokenize`) and the one sentence splitter (`split_sentences`, through
`Segmenter`) of the package, with the one list of abbreviations: the cursor moves by them, the
token exports (CoNLL, the Hugging Face layout, spaCy) and agreement's kappa count the same tokens,
and suggest reads the same sentences, so a sentence or a token means one thing everywhere. Headless
(no Textual), so all of it is tested without a terminal.

Everything is lazy and cached so that a keypress in a 3 MB book costs what one line or one
paragraph costs: lines are found with `find`/`rfind` around the offset, grapheme boundaries are
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
- A *token* comes in three units, because three needs differ (see `tokenize`): the exports' and
  kappa's `token`, suggest's `word` of a name, and the cursor's `stop`.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import Iterable, Iterator

import regex

from reader.core.model import trim_extent

_CLUSTER = regex.compile(r"\X")
_BLANK_RUN = regex.compile(r"\n(?:[^\S\n]*\n)+")
_TERMINATOR = regex.compile(
    r"""[.!?…]+[\"'”’»」』)\]]*(?=\s+(?:[\p{Lu}\p{N}\"'“‘„«»「『(\[]|$)|$)"""
)
_TOKEN_BEFORE = regex.compile(r"(?r)[\w.]+(?=[.!?…]*$)")
_QUOTES = regex.compile(r"“[^“”]*”|\"[^\"\n]*\"|«[^«»]*»|„[^„“”]*[“”]")
_FINAL_PUNCT = frozenset(".!?…:;\"'”’»)]")

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr vs etc e.g i.e u.s u.k u.n u.s.a no gen col lt sgt capt cmdr adm rev
    hon inc ltd co corp dept est fig jan feb mar apr jun jul aug sep sept oct nov dec mt ft ave blvd rd
    gov sen rep pres a.m p.m approx vol ed eds pp op cf al""".split()
)
"""Words whose full stop ends no sentence (lower case, without the final stop). The one list: the
sentences of the cursor, of suggest and of the CoNLL export use it; a project's `suggest.yaml` adds
to it for suggest (`Segmenter(text, abbreviations=...)`)."""


# --------------------------------------------------------------------------- tokens

_W = r"(?:(?=\w)\X)"  # a grapheme cluster that starts with a word character (a, é, e + U+0301, a + 🏽)
_D = r"(?:(?=\d)\X)"
_EXT = r"[\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=ZWJ}\p{Grapheme_Cluster_Break=SpacingMark}]"
TOKEN_RE = regex.compile(
    rf"{_D}+(?:[.,]{_D}+)+"  # 3.5, 1,000
    rf"|{_W}+(?:['’]{_W}+)*"  # words, don't, O’Brien
    rf"|(?!\s)\X"  # any other grapheme cluster: punctuation, 👍🏽, a flag, ZWJ sequences
    rf"|{_EXT}+",  # marks on a space: the space stays whitespace, the marks are a token
)
"""The unit `token`: it never splits a grapheme cluster, so an emoji with a skin tone or `e` + U+0301
stays one token, and no token holds whitespace (the one exception to the first rule: a combining
mark or modifier on a space is a token without it)."""

_HAS_EXT = regex.compile(_EXT)
_FAST_RE = regex.compile(r"\d+(?:[.,]\d+)+|\w+(?:['’]\w+)*|(?!\s)\X")
"""The same tokens when the text has no extending characters (most news text): a word character is
then a cluster of its own, and plain `\\w+` is about twice as fast."""

WORD_RE = regex.compile(
    r"[\p{L}\p{M}\p{N}]+(?:(?:['’\-.]|(?<=\d),(?=\d))[\p{L}\p{M}\p{N}]+)*(?:(?<=s)['’](?![\p{L}\p{N}]))?|\S"
)
"""The unit `word`: letters, marks and digits joined by inner apostrophes, hyphens and dots (and
commas between digits), with a plural possessive's apostrophe; any other character alone."""

_STOP = regex.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]+")
_STOP_REV = regex.compile(r"(?r)\w+(?:['’\-]\w+)*|[^\w\s]+")
_SPACE_REV = regex.compile(r"(?r)\s")

UNITS = ("token", "word", "stop")


def token_pattern(text: str, start: int = 0, end: int | None = None, unit: str = "token") -> regex.Pattern:
    """The compiled pattern of `unit` for text[start:end] (for `token`, the fast one when nothing in
    it extends a grapheme cluster): for callers that match many stretches of one text."""
    if unit == "token":
        end = len(text) if end is None else end
        plain = text.isascii() or not _HAS_EXT.search(text, start, end)  # no ASCII character extends
        return _FAST_RE if plain else TOKEN_RE
    if unit == "word":
        return WORD_RE
    if unit == "stop":
        return _STOP
    raise ValueError(f"unknown token unit {unit!r} (known: {', '.join(UNITS)})")


def tokenize(text: str, start: int = 0, end: int | None = None, unit: str = "token") -> list[tuple[int, int]]:
    """Extents `[start, end)` in code points of the tokens of text[start:end], in one of three units.

    One tokenizer, three needs, so three units rather than three tokenizers:
    - `token` (the default): what the token exports write (CoNLL, the Hugging Face layout, spaCy)
      and what agreement's kappa counts, so that the figure is about the units a model is trained
      on. Whole grapheme clusters (👍🏽 is one token), words with inner apostrophes (don't, O’Brien),
      numbers with inner `.`/`,` (3.5, 1,000), every other cluster alone; no whitespace.
    - `word`: a word of a name, for the suggest rules, where a source's noun phrase must not be cut
      at its punctuation: hyphens and dots join letters too (Kassym-Jomart, U.S, a.m) and a plural
      possessive keeps its apostrophe (activists'). Not the exports' unit, because an exported
      dataset's tokens must not change under the people who train on it.
    - `stop`: where the cursor's word moves stop, as vim's `w` does: a run of word characters
      joined by inner apostrophes and hyphens (month's, Kassym-Jomart: one keypress), or a run of
      other non-space characters (so `--` or `...` is one keypress).
    """
    end = len(text) if end is None else end
    return [m.span() for m in token_pattern(text, start, end, unit).finditer(text, start, end)]


def split_at(tokens: list[tuple[int, int]], cuts: Iterable[int]) -> list[tuple[int, int]]:
    """Tokens further split at the given offsets (span edges), so that every span is a run of tokens."""
    cuts = sorted(set(cuts))
    if not cuts:
        return tokens
    out: list[tuple[int, int]] = []
    for start, end in tokens:
        i = bisect.bisect_right(cuts, start)
        while i < len(cuts) and cuts[i] < end:
            out.append((start, cuts[i]))
            start = cuts[i]
            i += 1
        out.append((start, end))
    return out


def _token_holding(text: str, offset: int, pattern: regex.Pattern) -> tuple[int, int] | None:
    """The `token` holding the character at `offset`, if any. Tokens never hold whitespace, so the
    text is tokenized from the whitespace before `offset`, not from its start."""
    space = _SPACE_REV.search(text, 0, offset)
    for m in pattern.finditer(text, space.end() if space else 0):
        if m.end() > offset:
            return m.span() if m.start() <= offset else None
    return None


def widen_to_tokens(text: str, start: int, end: int, pattern: regex.Pattern | None = None) -> tuple[int, int]:
    """[start, end) widened so that every `token` it shares a character with is wholly inside it;
    `pattern` is `token_pattern(text)`, passed by a caller that widens many extents of one text."""
    if start >= end:
        return start, end
    pattern = pattern or token_pattern(text)
    if start > 0 and not text[start - 1].isspace():  # else no token runs over the edge
        first = _token_holding(text, start, pattern)
        start = first[0] if first else start
    if end < len(text) and not text[end].isspace():
        last = _token_holding(text, end - 1, pattern)
        end = last[1] if last else end
    return start, end


class Segmenter:
    """Boundaries of one immutable text, computed lazily and cached.

    `abbreviations` are the words whose full stop ends no sentence (suggest adds a project's own).
    """

    def __init__(self, text: str, abbreviations: frozenset[str] = ABBREVIATIONS) -> None:
        self.text = text
        self.abbreviations = abbreviations
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
        match = _STOP.match(self.text, offset)  # skip the rest of the run under the cursor
        pos = match.end() if match else offset
        match = _STOP.search(self.text, pos)
        return self.ceil(match.start()) if match else len(self.text)

    def prev_word(self, offset: int) -> int:
        """Start of the word or punctuation run before `offset`, else 0."""
        if offset <= 0:
            return 0
        match = _STOP_REV.search(self.text, 0, offset)
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
            cached = split_sentences(self.text, starts[index], ends[index], self.abbreviations)
            if len(self._sentences) > 4096:
                self._sentences.clear()
            self._sentences[index] = cached
        return cached

    def sentences(self) -> Iterator[tuple[int, int]]:
        """Every sentence of the text in order: the whole-text pass of suggest and the CoNLL export
        (not cached: the cursor's moves ask per paragraph)."""
        for start, end in zip(*self.blocks):
            yield from split_sentences(self.text, start, end, self.abbreviations)

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


def _is_abbreviation(text: str, block_start: int, at: int, abbreviations: frozenset[str]) -> bool:
    """Is the `.` at `at` the end of an abbreviation or an initial rather than a sentence end?"""
    match = _TOKEN_BEFORE.search(text, max(block_start, at - 24), at + 1)
    if match is None:
        return False
    token = match.group().lower().rstrip(".")
    if token in abbreviations:
        return True
    if len(token) == 1 and token.isalpha():  # an initial: "J. K. Rowling"
        return True
    # "U.S", "a.k.a"; not a number ("rose 2.5. Then")
    return "." in token and all(len(part) <= 2 and part.isalpha() for part in token.split("."))


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


def split_sentences(text: str, start: int, end: int,
                    abbreviations: frozenset[str] = ABBREVIATIONS) -> list[tuple[int, int]]:
    """Sentences of the block text[start:end] (one paragraph), each trimmed; never empty."""
    cuts: list[int] = []
    for m in _TERMINATOR.finditer(text, start, end):
        dot = m.start()
        if text[dot] == "." and m.group()[:3] != "..." and _is_abbreviation(text, start, dot, abbreviations):
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
