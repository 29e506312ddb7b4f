"""Rule-based pre-annotation: quotes, their sources, and the claims and allegations attributed to them.

Most of a news article's annotation is mechanical, so rules propose it and a reviewer accepts or
corrects. Every cue word lives in YAML (`reader/data/suggest.yaml`, extended by a project's
`annotations/suggest.yaml`, see `load_cues`), so a team can adapt the rules to its language.

Conventions (the reference annotation follows them too):

- quote: the text inside the quotation marks, without the marks and without edge whitespace;
  punctuation inside the marks is kept ("...with batons,"). A quote that runs over paragraphs gives
  one quote span per paragraph, all linked to the same source. `kind` is `direct` for a quoted
  sentence, `partial` for words quoted inside the writer's sentence.
- source: the name as written at the attribution, with a capitalised title that is part of it
  ("President Kassym-Jomart Tokayev") but without a lowercase description ("opposition activist"),
  an apposition (", Europe director at HRW,") or a parenthesised acronym ("(HRW)"); a noun phrase
  without a leading determiner ("the NGO" -> "NGO", "Kazakh authorities"). A pronoun source ("he")
  is linked to the nearest fitting named source before it, or kept as the pronoun when there is none.
- claim / allegation: the reported statement itself, without the attribution ("X said that"),
  the complementiser and the final full stop. An allegation is a statement whose verb accuses
  (the `accusations` lexicon); a direct quote is labelled quote only, never also allegation.

The rules, each switchable under `rules:` in the YAML:

- quotes: marks paired per paragraph; a quote still open at a paragraph's end continues only when the
  next paragraph opens with the same mark, else it is dropped as unbalanced.
- sources: a reporting cue right after the quote ('"...," he said', '"...," said X'), else the nearest
  cue before it in its sentence ('X said: "..."', 'X blamed it on "..."'), else the other part of a
  split quote, else the speaker of the neighbouring (previous) sentence; never across a paragraph
  that opens with a quote (in dialogue, a new quoted paragraph is the other speaker's turn).
- indirect: "X said (that) ...", "X told AFP that ...", "..., X said.", "According to X, ...".
- allegations: the statements above whose verb accuses, and unattributed sentences outside quotes
  with an accusation verb (no source).
- numeric_claims: an unattributed sentence that ends with a full stop and states a number.

Everything here is linear in the text: one pass of compiled patterns each, then local windows of a
few hundred characters around each match. Cue loading is in `suggest_cues`, the review API
(accept, reject, accept_all) in `suggestions`; both are re-exported here.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, Relation, Span
from reader.core.schema import Schema
from reader.suggest.cues import Cues, CuesError, load_cues, merge_cues
from reader.suggest.pending import (
    Rejected,
    accept,
    accept_all,
    forget_accepted,
    pending_relations,
    pending_spans,
    prune,
    reject,
    restore,
    suggestions_at,
)

__all__ = [
    "Cues", "CuesError", "Rejected", "SuggestReport", "Suggestions", "accept", "accept_all",
    "forget_accepted", "load_cues", "merge_cues", "pending_relations", "pending_spans", "prune",
    "reject", "restore", "suggest", "suggest_into", "suggestions_at",
]

WINDOW = 300
"""Characters looked at on either side of a cue: keeps the work per match bounded."""
MAX_NP = 7
"""Longest source noun phrase, in words."""

_WORD = regex.compile(
    r"[\p{L}\p{M}\p{N}]+(?:(?:['’\-.]|(?<=\d),(?=\d))[\p{L}\p{M}\p{N}]+)*(?:(?<=s)['’](?![\p{L}\p{N}]))?|\S"
)
_PARA = regex.compile(r"\n[ \t]*\n\s*")
_SENT = regex.compile(
    r"(?<=[.!?…][\"'”’»」』)\]]*)\s+(?=[\"“„«»「『(\[‘']?[\p{Lu}\p{N}])|\n[ \t]*\n\s*"
)
_LETTER = regex.compile(r"\p{L}")
_LAST_WORD = regex.compile(r"[\p{L}]+$")
_CLOSERS = "\"'”’»」』)]"


# --------------------------------------------------------------------------- the rules


@dataclass
class _Quote:
    open: int
    close: int | None
    """Offset of the closing mark; None when the quote runs on into the next paragraph."""
    start: int
    end: int
    para_end: int
    cont: int | None = None
    """Index of the quote part in the previous paragraph this one continues."""


@dataclass
class _Attribution:
    cue_start: int
    cue_end: int
    kind: str
    """reporting | that | quote | according"""
    sentence: int
    source: tuple[int, int]
    pronoun: str | None
    group: bool
    begin: int
    """Start of the attribution as a whole (its source or its cue, whichever comes first)."""
    content: tuple[int, int] | None = None
    resolved: tuple[int, int] | None = None


@dataclass
class Suggestions:
    """Candidate spans (ids g1, g2, ...) and links (gr1, ...) of one document."""

    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


class _Rules:
    """The rules over one text; `run()` gives the candidates in text order."""

    def __init__(self, text: str, cues: Cues) -> None:
        self.text = text
        self.cues = cues
        self.paras = self._paragraphs()
        self.para_starts = [p[0] for p in self.paras]
        self.sent_starts = self._sentences()
        self.quotes = self._quotes() if cues.on("quotes") else []
        self.quote_opens = [q.open for q in self.quotes]
        self.quote_ends = [q.close if q.close is not None else q.para_end for q in self.quotes]
        self.spans: dict[tuple[int, int, str], dict[str, str]] = {}
        self.notes: dict[tuple[int, int, str], str] = {}
        self.links: list[tuple[tuple[int, int, str], tuple[int, int, str]]] = []

    # ----------------------------------------------------------------- segmentation

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

    # ----------------------------------------------------------------- quotes

    def _quotes(self) -> list[_Quote]:
        """Pair quotation marks paragraph by paragraph; an unclosed quote continues only if the next
        paragraph opens with the same mark (the English convention), else it is dropped as unbalanced."""
        text, cues = self.text, self.cues
        mark_re, closers = cues.mark_re, cues.closers
        if mark_re is None:
            return []
        quotes: list[_Quote] = []
        carried: tuple[str, int] | None = None
        for pi, (ps, pe) in enumerate(self.paras):
            state: tuple[str, int, int | None] | None = None
            for m in mark_re.finditer(text, ps, pe):
                c, pos = m.group(), m.start()
                if state is None:
                    if c in closers:
                        cont = carried[1] if carried and pos == ps and c == carried[0] else None
                        state = (c, pos, cont)
                    carried = None
                elif c in closers[state[0]]:
                    self._add_quote(quotes, state, pos, pos, pe)
                    state = None
            carried = None
            if state is not None:
                nxt = self.paras[pi + 1][0] if pi + 1 < len(self.paras) else None
                if nxt is not None and nxt < len(text) and text[nxt] == state[0]:
                    index = self._add_quote(quotes, state, None, pe, pe)
                    carried = (state[0], index) if index is not None else None
        return quotes

    def _add_quote(self, quotes: list[_Quote], state: tuple[str, int, int | None], close: int | None,
                   inner_end: int, para_end: int) -> int | None:
        start, end = self.trim(state[1] + 1, inner_end)
        if start >= end or not _LETTER.search(self.text, start, end):
            return None
        quotes.append(_Quote(state[1], close, start, end, para_end, state[2]))
        return len(quotes) - 1

    def _quote_kind(self, q: _Quote) -> str:
        """direct for a quoted sentence, partial for words quoted inside the writer's own sentence."""
        first = self.text[q.start]
        if q.cont is not None:
            return "direct"
        if not (first.isupper() or first.isdigit() or first in "[(…."):
            return "partial"
        before = self.text[max(0, q.open - 1) : q.open]
        inner = self.text[q.start : q.end]
        if before.isalnum() and not any(p in inner for p in ".!?,"):
            return "partial"
        return "direct"

    # ----------------------------------------------------------------- noun phrases

    def _tokens(self, start: int, end: int) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        for m in _WORD.finditer(self.text, start, end):
            w = m.group()
            if w == "." and out and out[-1][1] == m.start() and out[-1][2].lower() in self.cues.abbreviations:
                out[-1] = (out[-1][0], m.end(), out[-1][2] + ".")  # "Mr." is one word of a name
                continue
            out.append((m.start(), m.end(), w))
        return out

    @staticmethod
    def _is_word(tok: str) -> bool:
        return tok[0].isalnum()

    def _adverb(self, tok: str) -> bool:
        return len(tok) > 4 and tok.endswith("ly") and tok.islower() and tok not in self.cues.not_adverbs

    def _trim_name(self, toks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Keep the name at the end of a phrase: "opposition activist Asset Abichev" -> "Asset Abichev"."""
        cues = self.cues
        while toks and toks[0][2].lower() in cues.connectors:
            toks = toks[1:]
        while toks and toks[-1][2].lower() in cues.connectors:
            toks = toks[:-1]
        cut = -1
        for i, (_s, _e, w) in enumerate(toks):
            if w[0].isupper() or w[0].isdigit():
                continue
            between_caps = (
                w.lower() in cues.connectors and 0 < i < len(toks) - 1
                and toks[i - 1][2][0].isupper() and toks[i + 1][2][0].isupper()
            )
            if not between_caps:
                cut = i
        if 0 <= cut < len(toks) - 1 and toks[cut][2].lower() not in cues.articles | cues.connectors:
            toks = toks[cut + 1 :]  # a description before the name, not a name inside "of the ..."
        return toks

    def _np_back(self, toks: list[tuple[int, int, str]], i: int) -> tuple[list[tuple[int, int, str]], int]:
        """The noun phrase ending at toks[i], walking back; also the index of the token before it."""
        cues = self.cues
        got: list[tuple[int, int, str]] = []
        while i >= 0 and len(got) < MAX_NP:
            w = toks[i][2]
            lw = w.lower()
            if not self._is_word(w):
                break
            if lw in cues.pronouns and not got:
                return [toks[i]], i - 1
            if lw in cues.articles:
                if got and i > 0 and toks[i - 1][2].lower() in ("of", "for"):
                    got.append(toks[i])  # "spokesperson for the Home Office": the article inside
                    i -= 1
                    continue
                i -= 1
                break
            if self._adverb(w):
                break
            if lw in cues.stop and not (
                lw in cues.connectors and got and i > 0 and toks[i - 1][2][0].isupper() and got[-1][2][0].isupper()
            ):
                break
            got.append(toks[i])
            i -= 1
        got.reverse()
        return self._trim_name(got), i

    def _np_forward(self, toks: list[tuple[int, int, str]], i: int) -> list[tuple[int, int, str]]:
        cues = self.cues
        got: list[tuple[int, int, str]] = []
        while i < len(toks) and toks[i][2].lower() in cues.articles and not got:
            i += 1
        while i < len(toks) and len(got) < MAX_NP:
            w = toks[i][2]
            lw = w.lower()
            if not self._is_word(w):
                break
            if lw in cues.pronouns and not got:
                return [toks[i]]
            if lw in cues.articles and not (got and got[-1][2].lower() == "of"):
                break
            if self._adverb(w):
                break
            if lw in cues.stop and not (
                lw in cues.connectors and got and got[-1][2][0].isupper()
                and i + 1 < len(toks) and toks[i + 1][2][0].isupper()
            ):
                break
            got.append(toks[i])
            i += 1
        return self._trim_name(got)

    def _proper(self, toks: list[tuple[int, int, str]]) -> bool:
        """A name: every word capitalised, but for connectors inside it (Ministry of Justice)."""
        return all(w[0].isupper() or w[0].isdigit() or w.lower() in self.cues.connectors for _s, _e, w in toks)

    def _is_group(self, toks: list[tuple[int, int, str]]) -> bool:
        """A body or several people ("they"), not one person ("he", "she")."""
        words = [w for _s, _e, w in toks]
        if any(w.lower() in self.cues.group_words for w in words):
            return True
        if any(len(w) > 1 and w.isupper() and w.isalpha() for w in words):
            return True
        last = words[-1]
        if last[0].islower():
            return last.endswith("s")
        before = _LAST_WORD.search(self.text, max(0, toks[0][0] - 8), toks[0][0] - 1) if toks[0][0] > 0 else None
        definite = before is not None and before.group().lower() == "the" and before.end() == toks[0][0] - 1
        return definite and last.lower() not in self.cues.person_titles

    # ----------------------------------------------------------------- attributions

    def attributions(self) -> list[_Attribution]:
        """Every reporting cue outside quotes with the source it names, in text order."""
        cues, out = self.cues, []
        if cues.cue_re is None:
            return out
        for m in cues.cue_re.finditer(self.text):
            if self.inside_quote(m.start()):
                continue
            attr = self._attribution(m.start(), m.end(), " ".join(m.group().lower().split()))
            if attr is not None:
                out.append(attr)
        return out

    def _attribution(self, cs: int, ce: int, cue: str) -> _Attribution | None:
        cues = self.cues
        kind = ("according" if cue in cues.according else "reporting" if cue in cues.reporting
                else "that" if cue in cues.that_verbs else "quote")
        si = self.sentence_of(cs)
        ss, se = self.sentence_bounds(si)
        before = self._tokens(max(ss, cs - WINDOW), cs)
        after = self._tokens(ce, min(se, ce + WINDOW))
        np: list[tuple[int, int, str]] = []
        inverted = kind == "according"
        comma_before: int | None = None
        if not inverted:
            j = len(before) - 1
            skipped = 0
            while j >= 0 and (before[j][2].lower() in cues.between or self._adverb(before[j][2])) and skipped < 3:
                j, skipped = j - 1, skipped + 1
            if j < 0 or not self._is_word(before[j][2]):
                punct = before[j][2] if j >= 0 else ""
                if punct == ")":
                    k = j - 1
                    while k >= 0 and before[k][2] != "(" and j - k < 10:
                        k -= 1
                    if k >= 0 and before[k][2] == "(":
                        np, _ = self._np_back(before, k - 1)
                elif punct == "," and not skipped:
                    np, comma_before = self._apposition(before, j)
                if not np:
                    inverted = True
                    comma_before = before[j][0] if punct == "," else None
            else:
                np, k = self._np_back(before, j)
                if np and k >= 0 and before[k][2] == ",":
                    comma_before = before[k][0]
        if inverted:
            if kind == "quote":
                return None
            np = self._np_forward(after, 0)
            rest = [t for t in after if np and t[0] >= np[-1][1]]
            if rest and self._is_word(rest[0][2]) and not (
                rest[0][2].lower() in cues.not_clause or self._adverb(rest[0][2])
            ):
                return None  # ", told a story that ...": not "..., said X"
            if np and not self._proper(np):  # "said the group's leader, Omar Khalid": the name
                if rest and rest[0][2] == ",":
                    name = self._np_forward(rest, 1)
                    if name and self._proper(name):
                        np = name
        if not np:
            return None
        source = (np[0][0], np[-1][1])
        first = np[0][2].lower()
        pronoun = first if len(np) == 1 and first in cues.pronouns else None
        attr = _Attribution(cs, ce, kind, si, source, pronoun, self._is_group(np), min(cs, source[0]))
        if cues.on("indirect"):
            attr.content = self._content(attr, inverted, comma_before, after, ss, se)
        return attr

    def _apposition(self, toks: list[tuple[int, int, str]], j: int) -> tuple[list[tuple[int, int, str]], int | None]:
        """ "Hugh Williamson, Europe director at HRW, said": the name, from one side of the commas or the other."""
        k = j - 1
        while k >= 0 and self._is_word(toks[k][2]) and j - k <= 12:
            k -= 1
        if k < 0 or toks[k][2] != ",":
            return [], None
        inner = toks[k + 1 : j]
        name, m = self._np_back(toks, k - 1)
        if inner and self._proper(inner) and not (name and self._proper(name)):
            name = self._trim_name(inner)
        comma = toks[m][0] if name and m >= 0 and toks[m][2] == "," else None
        return name, comma

    def _content(self, attr: _Attribution, inverted: bool, comma_before: int | None,
                 after: list[tuple[int, int, str]], ss: int, se: int) -> tuple[int, int] | None:
        """The statement a cue attributes: its clause after the verb, or the sentence before ", X said"."""
        cues = self.cues
        span: tuple[int, int] | None = None
        if attr.kind == "according":
            skip = self._np_forward(after, 0)
            rest = [t for t in after if t[0] >= (skip[-1][1] if skip else attr.cue_end)]
            if comma_before is None and self.text[ss:attr.cue_start].strip(" \"'“„«(") == "" and rest and rest[0][2] == ",":
                span = (rest[0][1], se)
            elif comma_before is not None:
                span = (ss, comma_before)
            else:
                head = self.trim(ss, attr.cue_start)
                if head[1] > head[0] and self.text[head[1] - 1] == ",":
                    span = (ss, head[1] - 1)
        elif inverted:
            if comma_before is not None:
                span = (ss, comma_before)
        else:
            if attr.kind in ("reporting", "that"):
                for n, (ts, te, w) in enumerate(after[:8]):
                    if w.lower() == "that":
                        span = (te, se)
                        break
                    if not self._is_word(w) and w != ",":
                        break
                if span is None and attr.kind == "reporting" and after:
                    w = after[0][2]
                    opens = cues.clause_phrases is not None and cues.clause_phrases.match(self.text, after[0][0])
                    if self._is_word(w) and (opens or (w.lower() not in cues.not_clause and not w.lower().endswith("ly"))):
                        span = (after[0][0], se)
            if span is None and comma_before is not None and attr.kind in ("reporting", "that"):
                tail = [t for t in after if self._is_word(t[2])]
                if len(tail) <= 5 and not any(not self._is_word(t[2]) and t[2] not in ".!?," for t in after):
                    span = (ss, comma_before)
        if span is None:
            return None
        start, end = self.trim(span[0], span[1], ".!?;:,")
        if end - start < 8 or len(self.text[start:end].split()) < 3:
            return None
        first = self.text[start]
        if first in self.cues.closers or self.inside_quote(start):
            return None
        for i in range(max(0, bisect.bisect_left(self.quote_opens, start) - 1), len(self.quotes)):
            q_open, q_end = self.quote_opens[i], self.quote_ends[i]
            if q_open >= end:
                break
            if q_end > start and not (start <= q_open and q_end < end):
                return None  # a quote crossing the statement's edge: not a clean clause
        return start, end

    # ----------------------------------------------------------------- putting it together

    def _span(self, start: int, end: int, label: str, note: str, attrs: dict[str, str] | None = None) -> tuple[int, int, str]:
        key = (start, end, label)
        if key not in self.spans:
            self.spans[key] = dict(attrs or {})
            self.notes[key] = note
        return key

    def run(self) -> None:
        cues, text = self.cues, self.text
        attrs = self.attributions() if cues.on("sources") or cues.on("indirect") else []
        self._resolve(attrs)
        cue_starts = [a.cue_start for a in attrs]
        by_sentence: dict[int, tuple[int, int]] = {}
        for a in attrs:
            by_sentence[a.sentence] = a.resolved  # type: ignore[assignment]
        stated: set[int] = set()
        self.attributed: dict[int, list[_Attribution]] = {}
        for a in attrs:
            self.attributed.setdefault(a.sentence, []).append(a)
            if a.content is None:
                continue
            accusing = a.kind != "according" and text[a.cue_start : a.cue_end].lower() in cues.accusation_words
            if not accusing and cues.on("allegations") and cues.accusation_re is not None:
                accusing = cues.accusation_re.search(text, *a.content) is not None
            label = "allegation" if accusing else "claim"
            head = self._span(*a.content, label, f"suggested: statement attributed by '{text[a.cue_start:a.cue_end]}'")
            if cues.on("sources"):
                self.links.append((head, self._span(*a.resolved, "source", "suggested: named at a reporting cue")))  # type: ignore[misc]
            stated.add(a.sentence)
        quote_sources: list[tuple[int, int] | None] = []
        for qi, q in enumerate(self.quotes):
            source = self._quote_source(qi, q, attrs, cue_starts, quote_sources, by_sentence)
            quote_sources.append(source)
            if source is not None:
                for si in range(self.sentence_of(q.open), self.sentence_of(q.end) + 1):
                    by_sentence[si] = source
        for qi in range(len(self.quotes) - 1, -1, -1):  # a quote over paragraphs: one speaker for every part
            cont = self.quotes[qi].cont
            if cont is not None and quote_sources[cont] is None:
                quote_sources[cont] = quote_sources[qi]
        for q, source in zip(self.quotes, quote_sources):
            head = self._span(q.start, q.end, "quote", "suggested: between quotation marks", {"kind": self._quote_kind(q)})
            if source is not None and cues.on("sources"):
                self.links.append((head, self._span(*source, "source", "suggested: speaker of a quote")))
        self._sentence_rules(stated)

    def _resolve(self, attrs: list[_Attribution]) -> None:
        """A pronoun stands for the nearest fitting named source before it (he/she: a person, they: a group)."""
        last: dict[str, tuple[int, int]] = {}
        for a in attrs:
            if a.pronoun is None:
                a.resolved = a.source
                last["group" if a.group else "person"] = a.source
                continue
            fits = last.get(self.cues.pronouns[a.pronoun])
            a.resolved = fits if fits is not None and a.source[0] - fits[0] < 20 * WINDOW else a.source

    def _quote_source(self, qi: int, q: _Quote, attrs: list[_Attribution], cue_starts: list[int],
                      quote_sources: list[tuple[int, int] | None], by_sentence: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
        text = self.text
        if q.cont is not None and quote_sources[q.cont] is not None:
            return quote_sources[q.cont]
        next_open = self.quote_opens[qi + 1] if qi + 1 < len(self.quotes) else len(text)
        if q.close is not None:  # '"...," he said' / '"...," said X'
            sentence_end = self.sentence_bounds(self.sentence_of(q.close + 1))[1]
            limit = min(sentence_end, q.close + 150, next_open)
            i = bisect.bisect_right(cue_starts, q.close)
            if i < len(attrs) and attrs[i].cue_start < limit:
                a = attrs[i]
                gap = text[q.close + 1 : a.begin].replace(",", " ").replace(";", " ").split()
                if all(w.lower() in self.cues.articles or w in ":—–-" for w in gap):
                    return a.resolved
        ss, _se = self.sentence_bounds(self.sentence_of(q.open))
        prev_close = self.quote_ends[qi - 1] if qi > 0 else 0
        start = max(ss, prev_close, q.open - WINDOW)
        i = bisect.bisect_left(cue_starts, q.open) - 1
        if i >= 0 and attrs[i].cue_start >= start:  # 'X said: "..."' / 'X blamed it on "..."'
            return attrs[i].resolved
        if qi > 0 and quote_sources[qi - 1] is not None and self.sentence_of(self.quote_opens[qi - 1]) == self.sentence_of(q.open):
            return quote_sources[qi - 1]  # the second part of a split quote
        previous = self.sentence_of(q.open) - 1
        if previous < 0:
            return None
        para = bisect.bisect_right(self.para_starts, q.open) - 1
        if self.sent_starts[previous] < self.para_starts[para] and para > 0:
            # the speaker of the previous paragraph: only when it is reported speech, not a line of
            # dialogue (a new quoted paragraph after a quoted one is the other speaker's turn)
            if self.text[self.para_starts[para - 1]] in self.cues.closers:
                return None
        return by_sentence.get(previous)  # the neighbouring sentence's speaker

    def _sentence_rules(self, stated: set[int]) -> None:
        """Unattributed sentences: an accusation is an allegation; a number makes a checkable claim."""
        cues, text = self.cues, self.text
        seen: set[int] = set(stated)
        quoted = {self.sentence_of(q.open) for q in self.quotes}
        if cues.on("allegations") and cues.accusation_re is not None:
            for m in cues.accusation_re.finditer(text):
                si = self.sentence_of(m.start())
                if si in seen or si in quoted or self.inside_quote(m.start()):
                    continue
                seen.add(si)
                start, end = self.trim(*self.sentence_bounds(si), ".!?;:,")
                # "HRW accused police of torturing detainees": what follows the cue, from its source
                cue = next((a for a in reversed(self.attributed.get(si, [])) if a.cue_start <= m.start()), None)
                if cue is not None:
                    start = self.trim(cue.cue_end, end)[0]
                if len(text[start:end].split()) >= 3:
                    head = self._span(start, end, "allegation", f"suggested: accusation '{m.group()}'")
                    if cue is not None and cues.on("sources"):
                        self.links.append((head, self._span(*cue.resolved, "source", "suggested: named at a reporting cue")))  # type: ignore[misc]
        if cues.on("numeric_claims"):
            for si in range(len(self.sent_starts)):
                if si in seen or si in quoted or si in self.attributed:
                    continue
                start, end = self.trim(*self.sentence_bounds(si))
                if end <= start or text[end - 1] not in ".!?" or self.inside_quote(start):
                    continue
                if cues.number_re.search(text, start, end) and len(text[start:end].split()) >= 5:
                    start, end = self.trim(start, end, ".!?")
                    self._span(start, end, "claim", "suggested: a statement with a number")


def suggest(document: Document | str, cues: Cues | None = None, schema: Schema | None = None) -> Suggestions:
    """Candidate spans and links for one document, in text order; labels the schema lacks are left out."""
    text = document.text if isinstance(document, Document) else document
    rules = _Rules(text, cues or load_cues())
    rules.run()
    allowed_kind = schema.attribute_values("quote", "kind") if schema is not None else ("direct", "partial")
    out = Suggestions()
    ids: dict[tuple[int, int, str], str] = {}
    for key in sorted(rules.spans, key=lambda k: (k[0], -k[1], k[2])):
        start, end, label = key
        if schema is not None and schema.label(label) is None:
            continue
        attrs = {k: v for k, v in rules.spans[key].items() if allowed_kind and v in allowed_kind}
        ids[key] = f"g{len(ids) + 1}"
        out.spans.append(Span(ids[key], start, end, label, text[start:end], attrs, rules.notes[key]))
    seen: set[tuple[str, str]] = set()
    for head, tail in rules.links:
        pair = (ids.get(head, ""), ids.get(tail, ""))
        if not all(pair) or pair in seen or pair[0] == pair[1]:
            continue
        if schema is not None and not schema.relation_allowed("attributed_to", head[2], tail[2]):
            continue
        seen.add(pair)
        out.relations.append(Relation(f"gr{len(out.relations) + 1}", pair[0], pair[1]))
    return out


# --------------------------------------------------------------------------- into an annotator's file


@dataclass
class SuggestReport:
    """What `suggest_into` wrote for one document: one line of `reader suggest`'s summary."""

    doc_id: str
    counts: dict[str, int] = field(default_factory=dict)
    links: int = 0
    skipped: int = 0
    """Suggestions left out because the annotator already has that span."""

    def __str__(self) -> str:
        order = ("quote", "source", "claim", "allegation")
        labels = sorted(self.counts, key=lambda l: (order.index(l) if l in order else len(order), l))
        parts = ", ".join(f"{self.counts[l]} {l}{'s' if self.counts[l] != 1 else ''}" for l in labels)
        line = f"{self.doc_id}: {parts or 'no suggestions'}; {self.links} link{'s' if self.links != 1 else ''}"
        if self.skipped:
            line += f"; {self.skipped} left out (already annotated)"
        return line


def suggest_into(ann: DocAnnotations, cues: Cues | None = None) -> SuggestReport:
    """Replace `ann`'s pending suggestions with fresh ones, never over the annotator's own spans.

    A suggestion at the extent of an existing span, or overlapping an existing span of its label, is
    left out (the annotator has decided that one); its suggested links then go to that span instead,
    unless it has such a link already. Real spans and links are not touched.
    """
    found = suggest(ann.document, cues, ann.schema)
    existing = sorted(ann.spans.values(), key=lambda s: (s.start, s.end))
    extents = {(s.start, s.end) for s in existing}
    by_label: dict[str, tuple[list[int], list[int], list[Span]]] = {}
    for s in existing:
        starts, maxends, spans = by_label.setdefault(s.label, ([], [], []))
        starts.append(s.start)
        maxends.append(max(s.end, maxends[-1] if maxends else 0))
        spans.append(s)

    def same_label_overlap(g: Span) -> Span | None:
        starts, maxends, spans = by_label.get(g.label, ([], [], []))
        j = bisect.bisect_left(starts, g.end) - 1
        while j >= 0 and maxends[j] > g.start:
            if spans[j].end > g.start:
                return spans[j]
            j -= 1
        return None

    report = SuggestReport(ann.document.id)
    kept: list[Span] = []
    to: dict[str, str | None] = {}
    for g in found.spans:
        hit = same_label_overlap(g)
        if hit is not None or (g.start, g.end) in extents:
            to[g.id] = hit.id if hit is not None else None
            report.skipped += 1
            continue
        new = Span(f"g{len(kept) + 1}", g.start, g.end, g.label, g.text, dict(g.attrs), g.note)
        to[g.id] = new.id
        kept.append(new)
        report.counts[new.label] = report.counts.get(new.label, 0) + 1
    rels: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    for r in found.relations:
        head, tail = to.get(r.head), to.get(r.tail)
        if head is None or tail is None or (head, tail) in seen:
            continue
        if head in ann.spans and any(x.head == head and x.label == r.label for x in ann.relations.values()):
            continue  # the annotator has attributed it already
        seen.add((head, tail))
        rels.append(Relation(f"gr{len(rels) + 1}", head, tail, r.label))
    forget_accepted(ann)
    ann.set_suggestions(kept, rels)
    report.links = len(rels)
    return report
