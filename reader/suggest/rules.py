"""Rule-based pre-annotation: quotes, their sources, and the claims and allegations attributed to them.

Most of a news article's annotation is mechanical, so rules propose it and a reviewer accepts or
corrects. Every cue word lives in YAML (`reader/data/suggest.yaml`, extended by a project's
`annotations/suggest.yaml`, see `load_cues`), per language (English and German ship), so a team can
adapt the rules to its language; each document is read in its own (its meta `lang`, else a guess
from its function words: `Cues.for_document`). The rules are the same for every language; how a
language is written switches some on (`capitalised_nouns`, `verb_second`, `subjunctive_claims`,
`whole_sentence_claims` for German), and its word lists say what counts as a cue.

Conventions (the reference annotation follows them too):

- quote: the text inside the quotation marks, without the marks and without edge whitespace;
  punctuation inside the marks is kept ("...with batons,"). A quote that runs over paragraphs gives
  one quote span per paragraph, all linked to the same source; one split by its attribution in its
  sentence ('"We won," he said, "and now we rest."', `quotes.split_fragments`) is one quote span in
  fragments (the attribution between them is not the quote's), linked to its source once. `kind` is `direct` for a quoted
  sentence, `partial` for words quoted inside the writer's sentence.
- source: the name as written at the attribution, with a capitalised title that is part of it
  ("President Kassym-Jomart Tokayev") but without a lowercase description ("opposition activist"),
  an apposition (", Europe director at HRW,") or a parenthesised acronym ("(HRW)"); a noun phrase
  without a leading determiner ("the NGO" -> "NGO", "Kazakh authorities"). A pronoun source ("he")
  is linked to the nearest fitting named source before it, or kept as the pronoun when there is none;
  with the rule `pronoun_sources` the pronoun is always the source span (as the held-out English
  and German references annotate it), its note naming who it stands for.
- claim / allegation: the reported statement itself, without the attribution ("X said that"),
  the complementiser and the final full stop. An allegation is a statement whose verb accuses
  (the `accusations` lexicon); a direct quote is labelled quote only, never also allegation.

The rules, each switchable under `rules:` in the YAML:

- quotes: marks paired per paragraph; a quote still open at a paragraph's end continues only when the
  next paragraph opens with the same mark, else it is dropped as unbalanced. With `scare_quotes`, a
  few words in marks nobody is found to speak ('fact-finding' trip) and a name or title in marks
  (die Zeitung „Neues Deutschland“) are left out.
- sources: a reporting cue right after the quote ('"...," he said', '"...," said X'), else the nearest
  cue before it in its sentence ('X said: "..."', 'X blamed it on "..."'), else the other part of a
  split quote, else the speaker of the neighbouring (previous) sentence; never across a paragraph
  that opens with a quote (in dialogue, a new quoted paragraph is the other speaker's turn).
- indirect: "X said (that) ...", "X told AFP that ...", "..., X said.", "According to X, ...",
  "Per a report, ..."; in German "X sagte, ...", "Laut X ...", "X zufolge ...", "Nach Angaben
  von X ...", "..., so X.", "Wie X mitteilte, ..." (see `sources` and `verb_second`);
  `subjunctive_claims`: a sentence in reported speech ("Die Lage sei ernst.") is a claim of the
  speaker of the sentence before; `whole_sentence_claims`: a reporting verb without a clause makes
  its sentence the claim.
- allegations: the statements above whose verb accuses, and unattributed sentences outside quotes
  with an accusation verb (no source).
- numeric_claims: an unattributed sentence that ends with a full stop and states a number.

Everything here is linear in the text: one pass of compiled patterns each, then local windows of a
few hundred characters around each match.

Where each part lives: `layout` (paragraphs, sentences, where the quotes are), `quotes` (pairing the
marks), `names` (source noun phrases), `sources` (attributions, pronouns, a quote's speaker),
`verb_second` (the speaker where the verb comes second), `claims` (statements, sentences in
reported speech, unattributed sentences); this module runs them in order and turns what they
find into `Suggestions`, and `suggest_into` writes those into an annotator's file. Cue loading
(`cues`) and the review API (accept, reject, accept_all: `pending`) are re-exported here.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, Relation, Span
from reader.core.schema import Schema
from reader.suggest.claims import Claims
from reader.suggest.cues import Cues, CuesError, LanguageCues, load_cues, merge_cues
from reader.suggest.layout import Layout
from reader.suggest.names import Names
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
from reader.suggest.quotes import Quote, quote_kind, split_fragments
from reader.suggest.sources import Attribution, Sources

__all__ = [
    "Cues", "CuesError", "LanguageCues", "Rejected", "SuggestReport", "Suggestions", "accept", "accept_all",
    "forget_accepted", "load_cues", "merge_cues", "pending_relations", "pending_spans", "prune",
    "reject", "restore", "suggest", "suggest_into", "suggestions_at",
]

SCARE_WORDS = 3
"""A partial quote of at most this many words with no speaker found is not suggested (`scare_quotes`)."""

Key = tuple[int, int, str]
"""(start, end, label): one suggested span, the same whichever rule finds it first."""


@dataclass
class Suggestions:
    """Candidate spans (ids g1, g2, ...) and links (gr1, ...) of one document."""

    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


class _Rules:
    """The rules over one text; `run()` collects the candidates (`spans`, `notes`, `links`)."""

    def __init__(self, text: str, cues: LanguageCues) -> None:
        self.text = text
        self.cues = cues
        self.layout = Layout(text, cues)
        names = Names(text, cues)
        self.claims = Claims(self.layout, names)
        self.sources = Sources(self.layout, names, self.claims)
        self.spans: dict[Key, dict[str, str]] = {}
        self.notes: dict[Key, str] = {}
        self.fragments: dict[Key, tuple[tuple[int, int], ...]] = {}
        """A quote split by its attribution: its key -> its pieces (`Span.fragments`)."""
        self.links: list[tuple[Key, Key]] = []

    def _span(self, start: int, end: int, label: str, note: str, attrs: dict[str, str] | None = None) -> Key:
        """The key of a candidate span, added with its note the first time a rule names it."""
        key = (start, end, label)
        if key not in self.spans:
            self.spans[key] = dict(attrs or {})
            self.notes[key] = note
        return key

    def _source(self, extent: tuple[int, int], note: str) -> Key:
        """A source span; a pronoun standing for a name says which (`pronoun_sources`)."""
        named = self.sources.stands_for.get(extent)
        if named is not None:
            note += f"; '{self.text[extent[0]:extent[1]]}' stands for {self.text[named[0]:named[1]]}"
        return self._span(*extent, "source", note)

    def _scare_quote(self, q: Quote) -> bool:
        """A few words in quotation marks inside the writer's sentence, with nobody speaking them:
        a title, a name or scare quotes ('fact-finding' trip), not a quotation."""
        inner = self.text[q.start:q.end]
        if len(inner.split()) > SCARE_WORDS or any(p in inner for p in ".,!?;:…") or q.cont is not None:
            return False
        return self._inside_sentence(q)

    def _title(self, q: Quote) -> bool:
        """A name or a title in quotation marks (die Zeitung „Neues Deutschland“, the report "Hidden
        Costs"): every word capitalised, no punctuation, inside the writer's sentence."""
        inner = self.text[q.start:q.end]
        words = inner.split()
        if not words or any(p in inner for p in ".,!?;:…") or q.cont is not None:
            return False
        small = self.cues.connectors | self.cues.articles | self.cues.prepositions if self.cues.on("capitalised_nouns") \
            else self.cues.connectors | self.cues.articles  # "Rundschau am Sonntag", "Gesetz zur Änderung des Passgesetzes"
        if not words[0][0].isupper() and not words[0][0].isdigit() and self.cues.on("capitalised_nouns"):
            return False
        if not all(w[0].isupper() or w[0].isdigit() or not w[0].isalpha() or w.lower() in small for w in words):
            return False
        before = self.text[max(0, q.open - 12):q.open].split()
        if before and before[-1].lower() in self.cues.predicative:
            return False  # "bezeichnete die Pläne als „Wortbruch“": a word someone chose
        return self._inside_sentence(q)

    def _inside_sentence(self, q: Quote) -> bool:
        """The quote opens neither its sentence nor after a colon: words inside the writer's sentence."""
        before = self.text[max(0, q.open - 3):q.open].strip()
        return not (before.endswith(":") or q.open == self.layout.sent_starts[self.layout.sentence_of(q.open)])

    def run(self) -> None:
        cues, text, quotes = self.cues, self.text, self.layout.quotes
        attrs = self.sources.attributions() if cues.on("sources") or cues.on("indirect") else []
        self.sources.resolve(attrs)
        cue_starts = [a.cue_start for a in attrs]
        by_sentence: dict[int, tuple[int, int]] = {}
        for a in attrs:
            by_sentence[a.sentence] = a.resolved  # type: ignore[assignment]
        stated: set[int] = set()
        attributed: dict[int, list[Attribution]] = {}
        for a in attrs:
            attributed.setdefault(a.sentence, []).append(a)
            if a.content is None:
                continue
            accusing = a.kind != "according" and text[a.cue_start : a.cue_end].lower() in cues.accusation_words
            if not accusing and cues.on("allegations") and cues.accusation_re is not None:
                accusing = cues.accusation_re.search(text, *a.content) is not None
            label = "allegation" if accusing else "claim"
            note = f"suggested: statement attributed by '{text[a.cue_start:a.cue_end]}'"
            for part in (a.content, a.more):
                if part is not None:
                    head = self._span(*part, label, note)
                    if cues.on("sources"):
                        self.links.append((head, self._source(a.resolved, "suggested: named at a reporting cue")))  # type: ignore[arg-type]
            stated.add(a.sentence)
        quote_sources: list[tuple[int, int] | None] = []
        for qi, q in enumerate(quotes):
            source = self.sources.quote_source(qi, q, attrs, cue_starts, quote_sources, by_sentence)
            quote_sources.append(source)
            if source is not None:
                for si in range(self.layout.sentence_of(q.open), self.layout.sentence_of(q.end) + 1):
                    by_sentence[si] = source
        for qi in range(len(quotes) - 1, -1, -1):  # a quote over paragraphs: one speaker for every part
            cont = quotes[qi].cont
            if cont is not None and quote_sources[cont] is None:
                quote_sources[cont] = quote_sources[qi]
        split = split_fragments(quotes)
        for qi, (q, source) in enumerate(zip(quotes, quote_sources)):
            if q.joins is not None:
                continue  # a later piece of a quote split by its attribution: in its first piece's span
            frags = split.get(qi, ())
            if frags:  # one speaker for the whole quote: the first piece's, else the first a piece has
                source = next((quote_sources[i] for i, p in enumerate(quotes) if (i == qi or p.joins == qi)
                               and quote_sources[i] is not None), None)
            elif cues.on("scare_quotes") and (source is None and self._scare_quote(q) or self._title(q)):
                continue
            if source is not None and source[0] <= q.open and q.end <= source[1]:
                continue  # a name in quotation marks: Die „Süddeutsche Zeitung“ berichtete
            end = frags[-1][1] if frags else q.end
            head = self._span(q.start, end, "quote", "suggested: between quotation marks", {"kind": quote_kind(text, q)})
            if frags:
                self.fragments[head] = frags
            if source is not None and cues.on("sources"):
                self.links.append((head, self._source(source, "suggested: speaker of a quote")))
        if cues.on("subjunctive_claims") and cues.on("indirect"):
            for start, end, source in self.claims.reported(stated, attributed, by_sentence):
                head = self._span(start, end, "claim", "suggested: reported speech (subjunctive)")
                if cues.on("sources") and source is not None:
                    self.links.append((head, self._source(source, "suggested: speaker of the sentence before")))
                stated.add(self.layout.sentence_of(start))
        for start, end, label, note, source in self.claims.unattributed(stated, attributed):
            head = self._span(start, end, label, note)
            if source is not None:
                self.links.append((head, self._source(source, "suggested: named at a reporting cue")))


def suggest(document: Document | str, cues: Cues | LanguageCues | None = None, schema: Schema | None = None) -> Suggestions:
    """Candidate spans and links for one document, in text order; labels the schema lacks are left out.

    The cue words are those of the document's language (`Cues.for_document`: its meta `lang`, else
    a guess from its function words), unless one language's cues are given."""
    text = document.text if isinstance(document, Document) else document
    cues = cues or load_cues()
    meta = document.meta if isinstance(document, Document) else None
    rules = _Rules(text, cues if isinstance(cues, LanguageCues) else cues.for_document(text, meta))
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
        out.spans.append(Span(ids[key], start, end, label, text[start:end], attrs, rules.notes[key],
                              fragments=rules.fragments.get(key, ())))
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
    """Replace `ann`'s pending suggestions with fresh ones from the rules (see `put_suggestions`)."""
    return put_suggestions(ann, suggest(ann.document, cues, ann.schema))


def put_suggestions(ann: DocAnnotations, found: Suggestions) -> SuggestReport:
    """Replace `ann`'s pending suggestions with `found` (the rules' or a trained model's), never over
    the annotator's own spans.

    A suggestion at the extent of an existing span, or overlapping an existing span of its label, is
    left out (the annotator has decided that one); its suggested links then go to that span instead,
    unless it has such a link already. Real spans and links are not touched.
    """
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
        new = Span(f"g{len(kept) + 1}", g.start, g.end, g.label, g.text, dict(g.attrs), g.note, fragments=g.fragments)
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
