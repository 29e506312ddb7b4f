"""Claims and allegations: the statement a reporting cue attributes, and the unattributed sentences.

- A statement is the reported clause itself, without the attribution ("X said that"), the
  complementiser and the final full stop: the clause after "said (that)", "told AFP that", the
  sentence before ", X said", the rest of the sentence after "According to X,". A statement that a
  quotation crosses is not a clean clause and is left out.
- An unattributed sentence outside quotes with an accusation verb is an allegation (of the source
  whose cue comes before the verb in that sentence, when there is one); one that ends with a full
  stop and states a number is a checkable claim (the `numeric_claims` rule).
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from reader.suggest.layout import Layout
from reader.suggest.names import Names, Token

if TYPE_CHECKING:
    from reader.suggest.sources import Attribution

Proposal = tuple[int, int, str, str, "tuple[int, int] | None"]
"""(start, end, label, note, the extent of its source or None) of one suggested span."""


class Claims:
    """The statements of one text's attributions, and its unattributed claims and allegations."""

    def __init__(self, layout: Layout, names: Names) -> None:
        self.layout = layout
        self.names = names
        self.text = layout.text
        self.cues = layout.cues

    def statement(self, attr: Attribution, inverted: bool, comma_before: int | None,
                  after: list[Token], ss: int, se: int) -> tuple[int, int] | None:
        """The statement a cue attributes: its clause after the verb, or the sentence before ", X said"."""
        cues = self.cues
        span: tuple[int, int] | None = None
        if attr.kind == "according":
            skip = self.names.np_forward(after, 0)
            rest = [t for t in after if t[0] >= (skip[-1][1] if skip else attr.cue_end)]
            if comma_before is None and self.text[ss:attr.cue_start].strip(" \"'“„«(") == "" and rest and rest[0][2] == ",":
                span = (rest[0][1], se)
            elif comma_before is not None:
                span = (ss, comma_before)
            else:
                head = self.layout.trim(ss, attr.cue_start)
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
                    if not self.names.is_word(w) and w != ",":
                        break
                if span is None and attr.kind == "reporting" and after:
                    w = after[0][2]
                    opens = cues.clause_phrases is not None and cues.clause_phrases.match(self.text, after[0][0])
                    if self.names.is_word(w) and (opens or (w.lower() not in cues.not_clause and not w.lower().endswith("ly"))):
                        span = (after[0][0], se)
            if span is None and comma_before is not None and attr.kind in ("reporting", "that"):
                tail = [t for t in after if self.names.is_word(t[2])]
                if len(tail) <= 5 and not any(not self.names.is_word(t[2]) and t[2] not in ".!?," for t in after):
                    span = (ss, comma_before)
        if span is None:
            return None
        start, end = self.layout.trim(span[0], span[1], ".!?;:,")
        if end - start < 8 or len(self.text[start:end].split()) < 3:
            return None
        first = self.text[start]
        if first in self.cues.closers or self.layout.inside_quote(start):
            return None
        for i in range(max(0, bisect.bisect_left(self.layout.quote_opens, start) - 1), len(self.layout.quotes)):
            q_open, q_end = self.layout.quote_opens[i], self.layout.quote_ends[i]
            if q_open >= end:
                break
            if q_end > start and not (start <= q_open and q_end < end):
                return None  # a quote crossing the statement's edge: not a clean clause
        return start, end

    def unattributed(self, stated: set[int], attributed: dict[int, list[Attribution]]) -> list[Proposal]:
        """Unattributed sentences: an accusation is an allegation; a number makes a checkable claim.

        `stated` holds the sentences whose statement a cue attributes already, `attributed` each
        sentence's attributions (an accusation verb after one is that source's allegation).
        """
        cues, text = self.cues, self.text
        out: list[Proposal] = []
        seen: set[int] = set(stated)
        quoted = {self.layout.sentence_of(q.open) for q in self.layout.quotes}
        if cues.on("allegations") and cues.accusation_re is not None:
            for m in cues.accusation_re.finditer(text):
                si = self.layout.sentence_of(m.start())
                if si in seen or si in quoted or self.layout.inside_quote(m.start()):
                    continue
                seen.add(si)
                start, end = self.layout.trim(*self.layout.sentence_bounds(si), ".!?;:,")
                # "HRW accused police of torturing detainees": what follows the cue, from its source
                cue = next((a for a in reversed(attributed.get(si, [])) if a.cue_start <= m.start()), None)
                if cue is not None:
                    start = self.layout.trim(cue.cue_end, end)[0]
                if len(text[start:end].split()) >= 3:
                    source = cue.resolved if cue is not None and cues.on("sources") else None
                    out.append((start, end, "allegation", f"suggested: accusation '{m.group()}'", source))
        if cues.on("numeric_claims"):
            for si in range(len(self.layout.sent_starts)):
                if si in seen or si in quoted or si in attributed:
                    continue
                start, end = self.layout.trim(*self.layout.sentence_bounds(si))
                if end <= start or text[end - 1] not in ".!?" or self.layout.inside_quote(start):
                    continue
                if cues.number_re.search(text, start, end) and len(text[start:end].split()) >= 5:
                    start, end = self.layout.trim(start, end, ".!?")
                    out.append((start, end, "claim", "suggested: a statement with a number", None))
        return out
