"""Claims and allegations: the statement a reporting cue attributes, and the unattributed sentences.

- A statement is the reported clause itself, without the attribution ("X said that"), the
  complementiser and the final full stop: the clause after "said (that)", "told AFP that", the
  sentence before ", X said", the rest of the sentence after "According to X,"; in German the
  clause after the comma or "dass" ("teilte am Montag mit, dass ..."), the rest after "Laut X"
  (no comma there), and both parts around a "laut X" inside the sentence ("Die Zahl ist laut
  Polizei gestiegen"), as the German reference splits them. A statement ends before a second verb
  of the same speaker ("said A but warned that B"). A statement that a quotation crosses is not a
  clean clause and is left out.
- A sentence in reported speech (a verb of the language's `subjunctive` list, outside quotes) is
  a claim of the speaker of the sentence before it, or of nobody when its verb can only be
  reported speech (`subjunctive_strong`: "sei", "habe").
- An unattributed sentence outside quotes with an accusation verb is an allegation (of the source
  whose cue comes before the verb in that sentence, when there is one); one that ends with a full
  stop and states a number is a checkable claim (the `numeric_claims` rule).
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import regex

from reader.suggest.layout import Layout
from reader.suggest.names import Names, Token
from reader.suggest.verb_second import VerbSecond

if TYPE_CHECKING:
    from reader.suggest.sources import Attribution

_WORD = regex.compile(r"\p{L}+")
REPORTED_BACK = 1
"""How many sentences back a sentence in reported speech looks for its speaker."""

Proposal = tuple[int, int, str, str, "tuple[int, int] | None"]
"""(start, end, label, note, the extent of its source or None) of one suggested span."""


class Claims:
    """The statements of one text's attributions, and its unattributed claims and allegations."""

    def __init__(self, layout: Layout, names: Names) -> None:
        self.layout = layout
        self.names = names
        self.text = layout.text
        self.cues = layout.cues
        self.v2 = VerbSecond(names)

    def statement(self, attr: Attribution, inverted: bool, comma_before: int | None,
                  after: list[Token], ss: int, se: int) -> tuple[int, int] | None:
        """The statement a cue attributes: its clause after the verb, or the sentence before ", X said"."""
        cues, text = self.cues, self.text
        span: tuple[int, int] | None = None
        at_start = text[ss:attr.begin].strip(" \"'“„«»(") == ""
        if attr.kind == "according":
            skip = self.names.np_forward(after, 0)
            src_end = max(attr.source[1], attr.cue_end)
            rest = [t for t in after if t[0] >= max(src_end, skip[-1][1] if skip else attr.cue_end)]
            if comma_before is None and at_start and rest and rest[0][2] == ",":
                span = (rest[0][1], se)  # "According to X, A"
            elif comma_before is None and at_start and self._short_then_comma(rest):
                comma = next(t for t in rest if t[2] == ",")
                span = (comma[1], se)  # "Per a report released last week, A"
            elif comma_before is None and at_start and rest and self.names.is_word(rest[0][2]):
                span = (rest[0][0], se)  # "Laut Polizei wurden ..."
            elif comma_before is not None:
                span = (ss, comma_before)  # "A, according to X"
            else:
                head = self.layout.trim(ss, attr.cue_start)
                if head[1] > head[0] and text[head[1] - 1] == ",":
                    span = (ss, head[1] - 1)

        elif attr.kind == "after":
            if comma_before is not None:
                span = (ss, comma_before)
            elif at_start:
                span = (attr.cue_end, se)  # "Der Polizei zufolge wurden ..."
        elif attr.kind == "self":
            span = (attr.cue_end, se)  # "Demnach habe ..."
            if not at_start:  # "ein Bericht, wonach A sei, wurde ...": the clause ends at its verb and a comma
                end = next((t[0] for n, t in enumerate(after) if n > 1 and t[2] == "," and after[n - 1][2][:1].islower()), None)
                span = (attr.cue_end, end if end is not None else se)
        elif attr.kind == "tag":
            span = (ss, comma_before) if comma_before is not None else None
        elif inverted and (comma_before is not None or not cues.on("verb_second")):
            if comma_before is not None:
                span = (ss, comma_before)
        else:
            if attr.kind in ("reporting", "that") and not (comma_before is not None and after and after[0][2] == ","
                                                           and not cues.on("verb_second")):
                span = self._clause_after(attr, after, se)
            elif attr.kind in ("reporting", "that"):
                span = (ss, comma_before)  # "A, X said, B": A
            if span is None and comma_before is not None and attr.kind in ("reporting", "that"):
                tail = [t for t in after if self.names.is_word(t[2])]
                short = len(tail) <= 5 and not any(not self.names.is_word(t[2]) and t[2] not in ".!?," for t in after)
                if short or self._short_then_comma(after):  # "A, X said on Monday, as the city ..."
                    span = (ss, comma_before)
        return self._clean(span)

    def _short_then_comma(self, after: list[Token]) -> bool:
        """After the verb, at most four words (when, where) and then a comma: the statement was before it."""
        for n, (_s, _e, w) in enumerate(after[:6]):
            if w == ",":
                return n > 0
            if not self.names.is_word(w) or n >= 4:
                return False
        return False

    def _clause_after(self, attr: Attribution, after: list[Token], se: int) -> tuple[int, int] | None:
        """The clause after a reporting verb: after "that"/"dass", after the verb itself ("said the
        budget was ..."), or, where the verb comes second (German), after the comma or colon that
        ends the speaker and the particles ("teilte die Polizei am Montag mit, ...")."""
        cues = self.cues
        complementisers = cues.complementisers
        if cues.on("verb_second"):
            for n, (ts, te, w) in enumerate(after[:24]):  # "gab der Leiter, Andreas Huber, bekannt, dass"
                if w in ".!?;:" or w in cues.closers:
                    break
                if w.lower() in complementisers:
                    return (te, se)
            particles = cues.separable.get(self.text[attr.cue_start:attr.cue_end].lower(), ())
            skip = next((n + 1 for n, t in enumerate(after[:24]) if t[2].lower() in particles and (
                n + 1 == len(after) or not self.names.is_word(after[n + 1][2]))), 0)  # "mit," not "auf Zivilisten"
            for n, (ts, te, w) in enumerate(after[skip:skip + 16], skip):
                if w in ",:":
                    rest = after[n + 1 :]
                    if rest and rest[0][2].lower() in complementisers:
                        rest = rest[1:]
                    return (rest[0][0], se) if rest and self.names.is_word(rest[0][2]) else None
                if w.lower() in complementisers:
                    return (te, se)
                if w in ".!?;" or w in cues.closers or (w[0].islower() and w.endswith(("te", "ten")) and n > 0):
                    return None
            return None
        reach = 16 if after and after[0][2].lower() in (cues.data.get("adjunct_prepositions") or ()) else 8
        for ts, te, w in after[:reach]:
            if w.lower() in complementisers:
                return (te, se)
            if (not self.names.is_word(w) and w not in (",", "'", "’")) or w.lower() in cues.coordinators:
                break  # "said the plan was welcome but warned that ...": not this verb's "that"
        data = cues.data
        verb = self.text[attr.cue_start:attr.cue_end].lower()
        if attr.kind == "that" and after and verb in (data.get("addressee_verbs") or ()):
            clause = self._after_addressee(after)
            if clause is not None:
                return (clause, se)  # "told the Clarion the flat was let"
        source_word = self.text[attr.source[0]:attr.source[1]].split()[-1:] if attr.source[1] > attr.source[0] else []
        evidence = attr.kind == "that" and verb in (data.get("evidence_verbs") or ()) and bool(source_word) \
            and source_word[0].lower() in (data.get("evidence_nouns") or ())
        if (attr.kind == "reporting" or evidence) and after:
            w = after[0][2]
            opens = cues.clause_phrases is not None and cues.clause_phrases.match(self.text, after[0][0])
            if self.names.is_word(w) and (opens or (w.lower() not in cues.not_clause and not w.lower().endswith("ly"))):
                return (after[0][0], se)
            determiners = cues.data.get("clause_determiners") or ()
            if w.lower() in determiners and self._finite_soon(after[1:]):
                return (after[0][0], se)  # "said no decision had been made", not "said no to", "said no more"
        return None

    def _after_addressee(self, after: list[Token]) -> int | None:
        """Where the clause starts after "told" and its addressee, without "that": "told reporters
        the plan was dead", "told the BBC he would resign" (a finite verb within a few words; not
        "told the court the story of his life")."""
        cues, names = self.cues, self.names
        if after[0][2].lower() in cues.not_clause:
            return None  # "told of an accident"
        addressee = names.np_forward(after, 0)
        if not addressee:
            return None
        rest = [t for t in after if t[0] >= addressee[-1][1]]
        if not rest or not names.is_word(rest[0][2]) or rest[0][2].lower() in cues.not_clause \
                or rest[0][2].lower() in cues.complementisers:
            return None
        return rest[0][0] if self._finite_soon(rest) else None

    def _finite_soon(self, toks: list[Token]) -> bool:
        """A clause opens at toks[0]: a word, not a preposition, and a finite verb (`finite_words`)
        within the next few words, before any punctuation ("no decision had been made")."""
        names, cues = self.names, self.cues
        if not toks or not names.is_word(toks[0][2]) or toks[0][2].lower() in cues.not_clause:
            return False
        finite = cues.data.get("finite_words") or ()
        for _s, _e, w in toks[1:7]:
            if not names.is_word(w):
                return False
            if w.lower() in finite:
                return True
        return False

    def anaphoric(self, attr: Attribution, ss: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """ "Dies gab die Polizei bekannt.": the sentence before (what "Dies" stands for) and the word."""
        m = _WORD.match(self.text, ss + len(self.text[ss:attr.cue_start]) - len(self.text[ss:attr.cue_start].lstrip()))
        if m is None or m.group().lower() not in self.cues.anaphora or attr.sentence == 0:
            return None, None
        if attr.source[0] < m.end() or len(self.text[m.end():attr.cue_start].split()) > 1:
            return None, None
        ps, pe = self.layout.sentence_bounds(attr.sentence - 1)
        if self.layout.paragraph_of(ps) != self.layout.paragraph_of(ss):
            return None, None
        return self._clean((ps, pe)), (m.start(), m.end())

    def whole_sentence(self, ss: int, se: int) -> tuple[int, int] | None:
        """A sentence whose verb reports but takes no clause ("Die EU fordert seit Jahren eine
        bessere Bekämpfung der Korruption."): the whole sentence, when no quotation is in it."""
        i = bisect.bisect_left(self.layout.quote_opens, ss)
        if i < len(self.layout.quotes) and self.layout.quote_opens[i] < se:
            return None
        return self._clean((ss, se))

    def around(self, attr: Attribution, ss: int, se: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """A statement with "laut X" or "X zufolge" inside it ("Anschließend sei laut X die
        Bearbeitung erfolgt"): the part after it, and the part before it when it has two words."""
        text = self.text
        if text[ss:attr.begin].strip(" \"'“„«»(") == "":
            return None, None
        second = self._clean((max(attr.source[1], attr.cue_end), se))
        if second is None:
            return None, None
        start, end = self.layout.trim(ss, attr.begin, ",;:")
        first = (start, end) if len(text[start:end].split()) >= 2 and not self.layout.inside_quote(start) else None
        return (first, second) if first is not None else (second, None)

    def clean(self, span: tuple[int, int] | None) -> tuple[int, int] | None:
        """A part of a statement, trimmed as a statement is (None when too short)."""
        return self._clean(span)

    def _clean(self, span: tuple[int, int] | None) -> tuple[int, int] | None:
        """The statement trimmed, or None when it is too short or a quotation crosses its edge; it
        ends before a second reporting verb of its speaker ("said A but warned that B")."""
        if span is None:
            return None
        start, end = self.layout.trim(span[0], span[1], ".!?;:,")
        cue_re = self.cues.cue_re
        if cue_re is not None and self.cues.coordinators:
            for m in cue_re.finditer(self.text, start, end):
                words = self.text[max(start, m.start() - 12):m.start()].split()
                if words and words[-1].lower().strip(",") in self.cues.coordinators:
                    end = self.layout.trim(start, m.start() - len(words[-1]) - 1, ",;")[1]
                    break
        i = bisect.bisect_left(self.layout.quote_opens, start)
        while i < len(self.layout.quotes) and self.layout.quote_opens[i] < end:
            lead = self.text[start:self.layout.quote_opens[i]].rstrip()
            if lead.endswith(":") and len(lead) > 1:  # "sagte, dass A: „...“": the quote is its own span
                end = self.layout.trim(start, start + len(lead) - 1, ".!?;:,")[1]
                break
            i += 1
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

    def reported(self, stated: set[int], attributed: dict[int, list[Attribution]],
                 by_sentence: dict[int, tuple[int, int]]) -> list[tuple[int, int, tuple[int, int] | None]]:
        """Sentences in reported speech (a subjunctive verb: "Die Lage sei ernst.") outside quotes:
        (start, end, speaker). The speaker is that of the nearest sentence before it, up to
        `REPORTED_BACK` sentences back in its paragraph or the one before (`by_sentence` learns
        them, so a run of such sentences is one speaker's), never across a paragraph of dialogue;
        with none found, a sentence whose verb is unmistakably reported (`subjunctive_strong`: "sei",
        "habe") is still a claim, without a source."""
        cues, text, layout = self.cues, self.text, self.layout
        out: list[tuple[int, int, tuple[int, int] | None]] = []
        if not cues.subjunctive:
            return out
        for si in range(len(layout.sent_starts)):
            if si in stated or si in attributed or si in by_sentence:
                continue
            start, end = layout.trim(*layout.sentence_bounds(si))
            if end - start < 8 or text[start] in cues.closers or layout.inside_quote(start):
                continue
            words = [m.group().lower() for m in _WORD.finditer(text, start, end) if not layout.inside_quote(m.start())]
            if not any(w in cues.subjunctive for w in words):
                continue
            speaker = self._own_subject(start, end) or self._speaker_before(si, by_sentence)
            strong = any(w in cues.subjunctive_strong for w in words)
            if speaker is None and strong and si > 0 and si - 1 not in attributed:
                speaker = self._subject_before(si, by_sentence)
            if speaker is None and not strong:
                continue
            start, end = layout.trim(start, end, ".!?;:,")
            out.append((start, end, speaker))
            if speaker is not None:
                by_sentence[si] = speaker
        return out

    def _own_subject(self, start: int, end: int) -> tuple[int, int] | None:
        """The sentence's own speaker when it opens with one before an indicative verb: "Die
        Aktivistin zeigte sich besorgt, dass ... würde" is hers, not the previous speaker's; "Die
        Regierung werde ..." (the subject of the reported verb) is not."""
        cues, names = self.cues, self.names
        toks = names.tokens(start, end)
        if len(toks) < 3 or not self.names.is_word(toks[0][2]) or toks[0][2].lower() in cues.not_subjects:
            return None
        np = self.names.np_forward(toks, 0)
        k = toks.index(np[-1]) + 1 if np else len(toks)
        if k >= len(toks) or np[0][2].lower() in cues.pronouns or np[0][2].lower() in cues.relative_pronouns:
            return None
        verb = toks[k][2]
        lv = verb.lower()
        if not verb[:1].islower() or not self.names.is_word(verb) or lv in cues.subjunctive \
                or lv in cues.articles | cues.prepositions | cues.connectors:
            return None
        if not self.names.speaker_like(np) or np[0][2].lower() in cues.prepositions or self.names.adverb(np[0][2]):
            return None
        # the reported verb in a clause after the main verb ("..., dass ... würde", "..., die Lage
        # sei"), not in a relative clause ("Forscher haben eine Technik entwickelt, die bald ... soll")
        comma = next((n for n in range(k + 1, len(toks) - 2) if toks[n][2] == "," or toks[n + 1][2] == "dass"), None)
        if comma is None or toks[comma + 1][2].lower() in cues.prepositions:
            return None
        if toks[comma + 1][2].lower() in cues.relative_pronouns and not names.capital(toks[comma + 2][2]):
            return None
        if not any(t[2].lower() in cues.subjunctive for t in toks[comma + 1:] if not self.layout.inside_quote(t[0])):
            return None
        return toks[0][0], np[-1][1]  # the article too: "Die Aktivistin"

    def _subject_before(self, si: int, by_sentence: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
        """The subject of the sentence before, in the same paragraph and without a quotation, when
        it names somebody who speaks ("Larson gab sich optimistisch. Man sei ..."; `Names.speaker_like`,
        or a name that speaks elsewhere in the text)."""
        layout = self.layout
        ps, pe = layout.sentence_bounds(si - 1)
        if layout.paragraph_of(ps) != layout.paragraph_of(layout.sent_starts[si]):
            return None
        i = bisect.bisect_left(layout.quote_opens, ps)
        if i < len(layout.quotes) and layout.quote_opens[i] < pe:
            return None
        toks = self.names.tokens(ps, pe)
        if not toks or not self.names.is_word(toks[0][2]):
            return None
        np = self.v2.colon_subject(toks)
        if not np or np[0][2].lower() in self.cues.relative_pronouns:
            return None
        known = {self.text[s:e].split()[-1].lower() for s, e in by_sentence.values() if e > s}
        if self.names.speaker_like(np) or np[-1][2].lower() in known:
            return np[0][0], np[-1][1]
        return None

    def _speaker_before(self, si: int, by_sentence: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
        layout, text = self.layout, self.text
        para = layout.paragraph_of(layout.sent_starts[si])
        for back in range(si - 1, max(-1, si - 1 - REPORTED_BACK), -1):
            p = layout.paragraph_of(layout.sent_starts[back])
            if p < para - 1:
                return None
            if p != para and text[layout.para_starts[para]] in self.cues.closers:
                return None  # a new quoted paragraph: the other speaker's turn
            if back in by_sentence:
                return by_sentence[back]
        return None

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
