"""What a trained model sees of a document: its tokens, paragraph by paragraph, each with its features.

The features are the ones BBC's Citron gives its CRF taggers, built on the package's own units so a
token means what it means everywhere else (the one tokenizer, `core.text.tokenize`; the one sentence
splitter, `core.text.Segmenter`):

- the word itself, lower-cased, its first and last three letters, its shape (Xxxx, dd, ...), and
  the words on either side (a window of three; the shapes of two), plus the word pairs around it;
- cue words: a token of the rules' cue lexicon (`suggest.cues`, every language's: reporting verbs,
  "according to"...) or of the project's own, learned from the words its annotators marked as `cue`
  (a word whose first five letters are a cue's counts as a near cue: German "erklärt", "erklärte");
  where the nearest cue word of the sentence is, in tokens, before or after, which cue words the
  sentence holds, and whether a comma or colon follows the cue (the cue is what makes a span a
  source or a content);
- words of the label: those seen mostly inside one label's spans in the project's annotations
  ("Sprecher", "sei"), on the token and for its sentence;
- quotation marks: a token that is one (opening, closing, either), and the position of a token in a
  quotation the rules found (first, inside, last; marks just before and after), since a content
  span starts and ends at them;
- sentence and paragraph position: first or last token, the sentence holds a cue or a mark;
- how far the rules' nearest quote or claim is, before and after, in the sentence or beyond, and
  whether a cue word lies between (a source stands next to what it says: measured on de-quotes dev,
  +0.01 source F1);
- the rules' own suggestions (a token inside a suggested source, claim or quote), so the model can
  learn where the rules are right for this project and where they are not.

A paragraph is one sequence (a CRF's unit): quotes and claims run over sentences, and the speaker is
often named in the sentence before or after, while paragraphs bound what a span holds. Features are
lists of strings (binary features), the lightest form crfsuite takes.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex

from reader.core.model import Document, Span
from reader.core.text import Segmenter, tokenize
from reader.suggest.cues import Cues

_SHAPE = [(regex.compile(r"\p{Lu}"), "X"), (regex.compile(r"\p{Ll}"), "x"), (regex.compile(r"\d"), "d")]
_SQUEEZE = regex.compile(r"(.)\1+")
_PUNCT = regex.compile(r"^[^\w\s]+$")


def shape(word: str) -> str:
    """Xxxx -> Xx, 2024 -> d, U.S. -> X.X.: letters by case, digits, the rest as they are, runs squeezed."""
    out = word
    for pattern, char in _SHAPE:
        out = pattern.sub(char, out)
    return _SQUEEZE.sub(r"\1", out)[:6]


_SETS = ("cues", "learned", "openers", "closers", "pronouns")


@dataclass
class Lexicon:
    """The words the features look up: cue words (the rules' and the project's), quotation marks,
    pronoun-like sources. Saved with a model, so it tags with the lexicon it was trained with."""

    cues: frozenset[str] = frozenset()
    learned: frozenset[str] = frozenset()
    """Cue words learned from the project's annotations (see `learn_lexicon`)."""
    openers: frozenset[str] = frozenset()
    closers: frozenset[str] = frozenset()
    pronouns: frozenset[str] = frozenset()
    indicative: dict[str, frozenset[str]] = field(default_factory=dict)
    """label -> words seen mostly inside that label's spans (learned: "Sprecher", "sei")."""

    def __post_init__(self) -> None:
        self.stems = frozenset(w[:5] for w in self.cues | self.learned if len(w) >= 6)

    @classmethod
    def from_cues(cls, cues: Cues) -> Lexicon:
        """The cue words of every language the cues hold (a model learns which of them matter)."""
        codes = getattr(cues, "codes", None)
        sections = [cues.language(code) for code in codes] if codes else [cues]
        words: set[str] = set()
        pronouns: set[str] = set()
        for lc in sections:
            for name in ("reporting", "that_verbs", "quote_verbs", "tag_cues"):
                words |= set(getattr(lc, name, ()) or ())
            for name in ("according", "according_after"):
                words |= {w for phrase in getattr(lc, name, ()) or () for w in phrase.split()}
            pronouns |= set(getattr(lc, "pronouns", {}) or {})
        return cls(
            cues=frozenset(words),
            openers=frozenset(o for o, _ in cues.quote_pairs),
            closers=frozenset(c for _, c in cues.quote_pairs),
            pronouns=frozenset(pronouns),
        )

    def to_json(self) -> dict:
        out: dict = {k: sorted(getattr(self, k)) for k in _SETS}
        out["indicative"] = {label: sorted(words) for label, words in sorted(self.indicative.items())}
        return out

    @classmethod
    def from_json(cls, data: dict) -> Lexicon:
        return cls(**{k: frozenset(data.get(k) or ()) for k in _SETS},
                   indicative={str(k): frozenset(v) for k, v in (data.get("indicative") or {}).items()})

    def is_cue(self, word: str) -> bool:
        return word in self.cues or word in self.learned


def learn_lexicon(base: Lexicon, examples: Iterable[tuple[str, Sequence[Span]]], cue_label: str = "cue") -> Lexicon:
    """`base` with the words of the project's own annotations: every word inside a span labelled
    `cue_label` seen at least twice (German "sagte", "erklärte"), the single lower-case words
    marked as a source at least twice (pronouns: "er", "sie"), and per label the words seen at least
    five times of which at least a third are inside a span of that label (`indicative`)."""
    cue_words: Counter[str] = Counter()
    pronouns: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    inside: dict[str, Counter[str]] = {}
    for text, spans in examples:
        seen.update(text[a:b].lower() for a, b in tokenize(text))
        for s in spans:
            words = [text[a:b].lower() for a, b in tokenize(text, s.start, s.end)]
            inside.setdefault(s.label, Counter()).update(set(words))
            if s.label == cue_label:
                cue_words.update(w for w in words if w.isalpha())
            elif s.label == "source" and len(words) == 1 and text[s.start].islower():
                pronouns[words[0]] += 1
    learned = frozenset(w for w, n in cue_words.items() if n >= 2 and len(w) > 1)
    indicative = {
        label: frozenset(w for w, n in counts.items() if n >= 5 and n * 3 >= seen[w] and any(c.isalpha() for c in w))
        for label, counts in inside.items() if label != cue_label
    }
    return Lexicon(base.cues, learned, base.openers, base.closers,
                   base.pronouns | frozenset(w for w, n in pronouns.items() if n >= 2), indicative)


@dataclass
class Paragraph:
    """One paragraph: its tokens (extents in the document) and their features."""

    tokens: list[tuple[int, int]]
    features: list[list[str]] = field(default_factory=list)


@dataclass
class DocTokens:
    """A document cut for the models: paragraphs of tokens, and where each token's sentence is."""

    text: str
    paragraphs: list[Paragraph]
    sentence_starts: list[int]
    """Start offsets of the sentences, sorted (sentence of an offset: bisect)."""

    def sentence_of(self, offset: int) -> int:
        return bisect.bisect_right(self.sentence_starts, offset) - 1

    def all_tokens(self) -> list[tuple[int, int]]:
        return [t for p in self.paragraphs for t in p.tokens]


def _bucket(n: int) -> str:
    if n <= 3:
        return str(n)
    return "4-6" if n <= 6 else ("7-12" if n <= 12 else "13+")


def featurize(doc: Document | str, lexicon: Lexicon, rule_spans: Sequence[Span] = ()) -> DocTokens:
    """The document's paragraphs as token sequences with their features (see the module docstring).

    `rule_spans`: the rules' suggestions for this text (`rules.suggest(...).spans`)."""
    text = doc.text if isinstance(doc, Document) else doc
    seg = Segmenter(text)
    sentences = list(seg.sentences())
    sent_starts = [s for s, _ in sentences]
    sent_ends = [e for _, e in sentences]
    rule_at: dict[str, list[tuple[int, int]]] = {}
    for s in rule_spans:
        rule_at.setdefault(s.label, []).append((s.start, s.end))
    for extents in rule_at.values():
        extents.sort()
    quotes = rule_at.get("quote", [])
    quote_starts = [q[0] for q in quotes]
    paragraphs: list[Paragraph] = []
    for pstart, pend in zip(*seg.blocks):
        toks = tokenize(text, pstart, pend)
        if toks:
            paragraphs.append(Paragraph(toks, _paragraph_features(text, toks, lexicon, sent_starts, sent_ends,
                                                                  rule_at, quotes, quote_starts)))
    return DocTokens(text, paragraphs, sent_starts)


def _inside(extents: list[tuple[int, int]], starts: list[int], a: int, b: int) -> tuple[int, int] | None:
    """The extent of `extents` (sorted; `starts` their starts) holding the token [a, b), if any: the
    nearest few before it are looked at, enough for the rules' rare overlaps."""
    i = bisect.bisect_right(starts, a) - 1
    for k in range(i, max(i - 3, -1), -1):
        s, e = extents[k]
        if s <= a and b <= e:
            return s, e
    return None


def _paragraph_features(text: str, toks: list[tuple[int, int]], lex: Lexicon, sent_starts: list[int],
                        sent_ends: list[int], rule_at: dict[str, list[tuple[int, int]]],
                        quotes: list[tuple[int, int]], quote_starts: list[int]) -> list[list[str]]:
    words = [text[a:b] for a, b in toks]
    lower = [w.lower() for w in words]
    shapes = [shape(w) for w in words]
    n = len(toks)
    cue = [lex.is_cue(w) for w in lower]
    near_cue = [c or (len(w) >= 6 and w[:5] in lex.stems) for c, w in zip(cue, lower)]
    marks_of = {label: [w in words for w in lower] for label, words in lex.indicative.items()}
    mark = ["qo" if w in lex.openers and w not in lex.closers else "qc" if w in lex.closers and w not in lex.openers
            else "qb" if w in lex.openers else "" for w in words]
    sent = [bisect.bisect_right(sent_starts, a) - 1 for a, _ in toks]
    # the nearest cue token of the same sentence, before and after each token
    last_cue: list[int | None] = [None] * n
    next_cue: list[int | None] = [None] * n
    prev = None
    for i in range(n):
        if i and sent[i] != sent[i - 1]:
            prev = None
        last_cue[i] = prev
        if cue[i]:
            prev = i
    nxt = None
    for i in range(n - 1, -1, -1):
        if i < n - 1 and sent[i] != sent[i + 1]:
            nxt = None
        next_cue[i] = nxt
        if cue[i]:
            nxt = i
    sent_has_cue: dict[int, bool] = {}
    sent_has_mark: dict[int, bool] = {}
    sent_first: dict[int, int] = {}
    sent_words: dict[int, set[str]] = {}
    for i in range(n):
        si = sent[i]
        sent_first.setdefault(si, i)
        sent_has_cue[si] = sent_has_cue.get(si, False) or cue[i]
        sent_has_mark[si] = sent_has_mark.get(si, False) or bool(mark[i])
        bag = sent_words.setdefault(si, set())
        if cue[i]:
            bag.add("sc=" + lower[i])
        for label, hits in marks_of.items():
            if hits[i]:
                bag.add("s_ind=" + label)
    rules = {label: (ext, [e[0] for e in ext]) for label, ext in rule_at.items() if label != "quote"}
    next_content, prev_content = _content_distances(toks, rule_at)
    out: list[list[str]] = []
    for i, (a, b) in enumerate(toks):
        w = lower[i]
        f = [
            "b", "w=" + w, "s=" + shapes[i], "p3=" + w[:3], "x3=" + w[-3:], "x2=" + w[-2:],
        ]
        if words[i][:1].isupper():
            f.append("cap")
        if _PUNCT.match(words[i]):
            f.append("punct")
        if cue[i]:
            f.append("cue")
        elif near_cue[i]:
            f.append("cue~")
        for label, hits in marks_of.items():
            if hits[i]:
                f.append("ind=" + label)
        if w in lex.pronouns:
            f.append("pron")
        if mark[i]:
            f.append("m=" + mark[i])
        for d in (-3, -2, -1, 1, 2, 3):
            j = i + d
            if 0 <= j < n:
                f.append(f"{d}w={lower[j]}")
                if abs(d) < 3:
                    f.append(f"{d}s={shapes[j]}")
                if near_cue[j]:
                    f.append(f"{d}cue")
                if mark[j]:
                    f.append(f"{d}m={mark[j]}")
            else:
                f.append(f"{d}pad")
        if i > 0:
            f.append(f"-1w|w={lower[i - 1]}|{w}")
        if i < n - 1:
            f.append(f"w|+1w={w}|{lower[i + 1]}")
        si = sent[i]
        if a == sent_starts[si] or (i == 0 or sent[i - 1] != si):
            f.append("sent_first")
        if i == n - 1 or sent[i + 1] != si:
            f.append("sent_last")
        if i == 0:
            f.append("para_first")
        if i == n - 1:
            f.append("para_last")
        f.append("sent_pos=" + _bucket(i - sent_first[si]))
        f.extend(sent_words[si])
        if sent_has_cue[si]:
            f.append("sent_cue")
            if last_cue[i] is not None:
                f.append("cue_before=" + _bucket(i - last_cue[i]))  # type: ignore[operator]
                if any(lower[k] in (",", ":") for k in range(last_cue[i] + 1, i + 1)):  # type: ignore[operator]
                    f.append("cue_then_comma")
            if next_cue[i] is not None:
                f.append("cue_after=" + _bucket(next_cue[i] - i))  # type: ignore[operator]
        if sent_has_mark[si]:
            f.append("sent_mark")
        q = _inside(quotes, quote_starts, a, b)
        if q is not None:
            f.append("inq")
            if a == q[0]:
                f.append("inq_first")
            if b == q[1]:
                f.append("inq_last")
        elif mark[i]:
            before = bisect.bisect_left(quote_starts, b)
            if before < len(quotes) and text[b:quotes[before][0]].strip() == "":
                f.append("q_opens")
            elif before > 0 and text[quotes[before - 1][1]:a].strip() == "":
                f.append("q_closes")
        for label, (ext, starts) in rules.items():
            hit = _inside(ext, starts, a, b)
            if hit is not None:
                f.append(("rB=" if hit[0] == a else "rI=") + label)
        for name, j in (("rc_next", next_content[i]), ("rc_prev", prev_content[i])):
            if j is not None:
                same = "s" if sent[j] == si else "n"
                f.append(f"{name}={same}{_bucket(abs(j - i))}")
                lo, hi = min(i, j), max(i, j)
                if any(cue[k] for k in range(lo + 1, hi)):
                    f.append(f"{name}_cue={same}")
        out.append(f)
    return out


def _content_distances(toks: list[tuple[int, int]], rule_at: dict[str, list[tuple[int, int]]]
                       ) -> tuple[list[int | None], list[int | None]]:
    """Per token outside the rules' contents (quotes, claims, allegations): the first token of the
    next one in the paragraph and the last token of the one before (None: none, or inside one). A
    source sits next to what it says, often with a cue between."""
    n = len(toks)
    inside = [False] * n
    firsts, lasts = set(), set()
    starts = [a for a, _ in toks]
    lo, hi = toks[0][0], toks[-1][1]
    for label in ("quote", "claim", "allegation"):
        for s, e in rule_at.get(label, ()):
            if e <= lo or s >= hi:
                continue
            i = max(0, bisect.bisect_right(starts, s) - 1)
            j = bisect.bisect_left(starts, e)
            if i >= j:
                continue
            firsts.add(i)
            lasts.add(j - 1)
            for k in range(i, j):
                inside[k] = True
    nxt: list[int | None] = [None] * n
    prv: list[int | None] = [None] * n
    seen = None
    for i in range(n - 1, -1, -1):
        if i in firsts:
            seen = i
        nxt[i] = None if inside[i] else seen
    seen = None
    for i in range(n):
        if i in lasts:
            seen = i
        prv[i] = None if inside[i] else seen
    return nxt, prv


# --------------------------------------------------------------------------- tags <-> spans


def tags_for(seq: Paragraph, spans: Iterable[Span], label: str) -> list[str]:
    """BIO tags of one label over one paragraph: a token shares a character with the span. Of two
    spans of the label over the same tokens, the first (the longer at the same start) wins."""
    toks = seq.tokens
    starts = [a for a, _ in toks]
    tags = ["O"] * len(toks)
    if not toks:
        return tags
    lo, hi = toks[0][0], toks[-1][1]
    for s in sorted((s for s in spans if s.label == label and s.start < hi and s.end > lo), key=lambda s: (s.start, -s.end)):
        i = max(0, bisect.bisect_right(starts, s.start) - 1)
        if toks[i][1] <= s.start:
            i += 1
        j = i
        while j < len(toks) and toks[j][0] < s.end:
            j += 1
        if i >= j or any(t != "O" for t in tags[i:j]):
            continue
        tags[i] = "B"
        for k in range(i + 1, j):
            tags[k] = "I"
    return tags


def spans_of(seq: Paragraph, tags: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """(start, end, first token, end token) of each tagged run; an I after O starts a run too."""
    out = []
    begin = None
    for i, tag in enumerate(tags):
        if tag == "B" or (tag == "I" and begin is None):
            if begin is not None:
                out.append((begin, i))
            begin = i
        elif tag == "O" and begin is not None:
            out.append((begin, i))
            begin = None
    if begin is not None:
        out.append((begin, len(tags)))
    return [(seq.tokens[i][0], seq.tokens[j - 1][1], i, j) for i, j in out]
