"""Sources: who said it. Each reporting cue with the name it points to, and the speaker of each quote.

- An attribution is a reporting cue outside quotes ("said", "told", "according to", "blamed")
  with the noun phrase it names: before it ("X said"), after it when inverted ("..., said X",
  "According to X"), from an apposition ("X, Europe director at HRW, said"), before a parenthesis
  ("Human Rights Watch (HRW) said"). Its statement is asked of `claims`.
- A pronoun source ("he") is linked to the nearest fitting named source before it (he/she: a person,
  they: a group), or kept as the pronoun when there is none.
- A quote's speaker: a cue right after it ('"...," he said', '"...," said X'), else the nearest cue
  before it in its sentence ('X said: "..."'), else the other part of a split quote, else the
  speaker of the previous sentence; never across a paragraph that opens with a quote (in dialogue,
  a new quoted paragraph is the other speaker's turn).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from reader.suggest.claims import Claims
from reader.suggest.layout import Layout
from reader.suggest.names import Names, Token
from reader.suggest.quotes import Quote

WINDOW = 300
"""Characters looked at on either side of a cue: keeps the work per match bounded."""


@dataclass
class Attribution:
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


class Sources:
    """The attributions of one text and the speakers of its quotes."""

    def __init__(self, layout: Layout, names: Names, claims: Claims) -> None:
        self.layout = layout
        self.names = names
        self.claims = claims
        self.text = layout.text
        self.cues = layout.cues

    def attributions(self) -> list[Attribution]:
        """Every reporting cue outside quotes with the source it names, in text order."""
        cues, out = self.cues, []
        if cues.cue_re is None:
            return out
        for m in cues.cue_re.finditer(self.text):
            if self.layout.inside_quote(m.start()):
                continue
            attr = self._attribution(m.start(), m.end(), " ".join(m.group().lower().split()))
            if attr is not None:
                out.append(attr)
        return out

    def _attribution(self, cs: int, ce: int, cue: str) -> Attribution | None:
        cues = self.cues
        kind = ("according" if cue in cues.according else "reporting" if cue in cues.reporting
                else "that" if cue in cues.that_verbs else "quote")
        si = self.layout.sentence_of(cs)
        ss, se = self.layout.sentence_bounds(si)
        before = self.names.tokens(max(ss, cs - WINDOW), cs)
        after = self.names.tokens(ce, min(se, ce + WINDOW))
        np: list[Token] = []
        inverted = kind == "according"
        comma_before: int | None = None
        if not inverted:
            j = len(before) - 1
            skipped = 0
            while j >= 0 and (before[j][2].lower() in cues.between or self.names.adverb(before[j][2])) and skipped < 3:
                j, skipped = j - 1, skipped + 1
            if j < 0 or not self.names.is_word(before[j][2]):
                punct = before[j][2] if j >= 0 else ""
                if punct == ")":
                    k = j - 1
                    while k >= 0 and before[k][2] != "(" and j - k < 10:
                        k -= 1
                    if k >= 0 and before[k][2] == "(":
                        np, _ = self.names.np_back(before, k - 1)
                elif punct == "," and not skipped:
                    np, comma_before = self._apposition(before, j)
                if not np:
                    inverted = True
                    comma_before = before[j][0] if punct == "," else None
            else:
                np, k = self.names.np_back(before, j)
                if np and k >= 0 and before[k][2] == ",":
                    comma_before = before[k][0]
        if inverted:
            if kind == "quote":
                return None
            np = self.names.np_forward(after, 0)
            rest = [t for t in after if np and t[0] >= np[-1][1]]
            if rest and self.names.is_word(rest[0][2]) and not (
                rest[0][2].lower() in cues.not_clause or self.names.adverb(rest[0][2])
            ):
                return None  # ", told a story that ...": not "..., said X"
            if np and not self.names.proper(np):  # "said the group's leader, Omar Khalid": the name
                if rest and rest[0][2] == ",":
                    name = self.names.np_forward(rest, 1)
                    if name and self.names.proper(name):
                        np = name
        if not np:
            return None
        source = (np[0][0], np[-1][1])
        first = np[0][2].lower()
        pronoun = first if len(np) == 1 and first in cues.pronouns else None
        attr = Attribution(cs, ce, kind, si, source, pronoun, self.names.is_group(np), min(cs, source[0]))
        if cues.on("indirect"):
            attr.content = self.claims.statement(attr, inverted, comma_before, after, ss, se)
        return attr

    def _apposition(self, toks: list[Token], j: int) -> tuple[list[Token], int | None]:
        """ "Hugh Williamson, Europe director at HRW, said": the name, from one side of the commas or the other."""
        k = j - 1
        while k >= 0 and self.names.is_word(toks[k][2]) and j - k <= 12:
            k -= 1
        if k < 0 or toks[k][2] != ",":
            return [], None
        inner = toks[k + 1 : j]
        name, m = self.names.np_back(toks, k - 1)
        if inner and self.names.proper(inner) and not (name and self.names.proper(name)):
            name = self.names.trim_name(inner)
        comma = toks[m][0] if name and m >= 0 and toks[m][2] == "," else None
        return name, comma

    def resolve(self, attrs: list[Attribution]) -> None:
        """A pronoun stands for the nearest fitting named source before it (he/she: a person, they: a group)."""
        last: dict[str, tuple[int, int]] = {}
        for a in attrs:
            if a.pronoun is None:
                a.resolved = a.source
                last["group" if a.group else "person"] = a.source
                continue
            fits = last.get(self.cues.pronouns[a.pronoun])
            a.resolved = fits if fits is not None and a.source[0] - fits[0] < 20 * WINDOW else a.source

    def quote_source(self, qi: int, q: Quote, attrs: list[Attribution], cue_starts: list[int],
                     quote_sources: list[tuple[int, int] | None],
                     by_sentence: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
        """The speaker of quote `qi`, given the speakers found for the quotes before it."""
        text, layout = self.text, self.layout
        if q.cont is not None and quote_sources[q.cont] is not None:
            return quote_sources[q.cont]
        next_open = layout.quote_opens[qi + 1] if qi + 1 < len(layout.quotes) else len(text)
        if q.close is not None:  # '"...," he said' / '"...," said X'
            sentence_end = layout.sentence_bounds(layout.sentence_of(q.close + 1))[1]
            limit = min(sentence_end, q.close + 150, next_open)
            i = bisect.bisect_right(cue_starts, q.close)
            if i < len(attrs) and attrs[i].cue_start < limit:
                a = attrs[i]
                gap = text[q.close + 1 : a.begin].replace(",", " ").replace(";", " ").split()
                if all(w.lower() in self.cues.articles or w in ":—–-" for w in gap):
                    return a.resolved
        ss, _se = layout.sentence_bounds(layout.sentence_of(q.open))
        prev_close = layout.quote_ends[qi - 1] if qi > 0 else 0
        start = max(ss, prev_close, q.open - WINDOW)
        i = bisect.bisect_left(cue_starts, q.open) - 1
        if i >= 0 and attrs[i].cue_start >= start:  # 'X said: "..."' / 'X blamed it on "..."'
            return attrs[i].resolved
        same_sentence = qi > 0 and layout.sentence_of(layout.quote_opens[qi - 1]) == layout.sentence_of(q.open)
        if same_sentence and quote_sources[qi - 1] is not None:
            return quote_sources[qi - 1]  # the second part of a split quote
        previous = layout.sentence_of(q.open) - 1
        if previous < 0:
            return None
        para = bisect.bisect_right(layout.para_starts, q.open) - 1
        if layout.sent_starts[previous] < layout.para_starts[para] and para > 0:
            # the speaker of the previous paragraph: only when it is reported speech, not a line of
            # dialogue (a new quoted paragraph after a quoted one is the other speaker's turn)
            if self.text[layout.para_starts[para - 1]] in self.cues.closers:
                return None
        return by_sentence.get(previous)  # the neighbouring sentence's speaker
