"""Agreement figures of two annotators on one document and over a corpus, from their aligned spans.

Per label, micro-averaged, per document and summed over the corpus (never averaged over documents,
so long documents weigh what they contain):

- exact and overlap P/R/F1, A taken as the reference (recall = matches / A's spans);
- token-level Cohen's kappa over the tokens of the token exports (`core.text.tokenize`: words with
  their inner apostrophes, numbers, whole grapheme clusters, each other mark alone), so that the
  figure is about the units a model trained on the export sees. A token belongs to a span when they
  share a character. Per label, a yes/no kappa: is the token in a span of this label? Micro, one
  multi-class kappa over the token labels, a token taking the label of the shortest span it is in
  (`innermost`), "O" when none: the figure that says whether the two agree on what each word is,
  overlaps resolved the same way for both;
- Krippendorff's unitizing alpha per label over the characters (`review.metrics`); over the corpus
  the documents are one continuum laid end to end in id order;
- link P/R/F1.

A span in fragments counts by its pieces everywhere: exact match needs all its fragments, overlap
match shared characters of the pieces, a token is in the span when it shares a character with a
piece (the attribution between two pieces of a quote is not the quote's), the innermost rule takes
the span's length as its pieces' characters, and u-alpha's units are the pieces.

Spans are compared as light `Unit` tuples, so that `reader diff` (`review.diff`) can read 10,000
documents' files without building a `DocAnnotations` for each; the review screen passes its
`DocAnnotations` through `compare_annotations`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from reader.core.annotations import DocAnnotations
from reader.core.model import Document
from reader.core.text import token_pattern, tokenize, widen_to_tokens
from reader.review.alignment import (
    Alignment,
    Disagreement,
    Link,
    Unit,
    align,
    disagreements,
)
from reader.review.metrics import (
    Continuum,
    Sections,
    Unitizing,
    alpha_over_categories,
    binary_kappa,
    kappa_from_confusion,
    merge_extents,
    observed_sum,
    prf,
)


def innermost(spans: Iterable[Unit], rank: dict[str, int]) -> str:
    """The label a token takes from the spans that overlap it: the shortest span's, "O" when none.

    Shortest, because nested spans are more specific (a source inside a claim); equal lengths go to
    the label listed first in the schema.
    """
    best = min(spans, key=lambda u: (u.length, rank.get(u.label, len(rank)), u.label), default=None)
    return "O" if best is None else best.label


def token_labels(text: str, units: Sequence[Unit], rank: dict[str, int]) -> list[str]:
    """Each token's label, token by token: slow and plain, for the tests and for reading."""
    return [innermost((u for u in units if u.overlaps(s, e)), rank) for s, e in tokenize(text)]


@dataclass
class TokenCounts:
    tokens: int = 0
    confusion: Counter = field(default_factory=Counter)
    """(A's label, B's label) -> tokens, with the innermost rule: the multi-class micro kappa."""
    binary: dict[str, list[int]] = field(default_factory=dict)
    """label -> [both, A only, B only, neither]: the per-label yes/no kappa."""

    def add(self, other: "TokenCounts") -> None:
        self.tokens += other.tokens
        self.confusion.update(other.confusion)
        for label, counts in other.binary.items():
            mine = self.binary.setdefault(label, [0, 0, 0, 0])
            for i in range(4):
                mine[i] += counts[i]


def token_confusion(text: str, a: Sequence[Unit], b: Sequence[Unit], labels: Sequence[str], rank: dict[str, int]) -> TokenCounts:
    """Token label counts of one document without listing its tokens.

    Spans are widened to whole tokens (`widen_to_tokens`), so every span edge is a token edge and the
    text between two consecutive edges holds whole tokens with one and the same cover on each side:
    it is counted once (`findall` between the edges) instead of token by token. Equal, token for
    token, to `token_labels` on both sides (tested).
    """
    pattern = token_pattern(text)
    findall = pattern.findall
    units = [*a, *b]
    events: list[tuple[int, int, int]] = []  # (position, 0 = end / 1 = start, index in units)
    for i, u in enumerate(units):
        pieces = [widen_to_tokens(text, fs, fe, pattern) for fs, fe in u.extents] if u.fragments else [
            widen_to_tokens(text, u.start, u.end, pattern)]
        for s, e in merge_extents(pieces) if u.fragments else pieces:  # widened pieces may meet in a token
            events.append((s, 1, i))
            events.append((e, 0, i))
    events.sort()
    split = len(a)
    active: tuple[list[Unit], list[Unit]] = ([], [])
    confusion: Counter = Counter()
    binary = {label: [0, 0, 0, 0] for label in labels}
    tokens = covered = prev = 0
    for pos, starts, i in events:
        if pos > prev:
            count = len(findall(text, prev, pos))  # every stretch once: the text is read once
            tokens += count
            if count and (active[0] or active[1]):
                covered += count
                in_a = {u.label for u in active[0]}
                in_b = {u.label for u in active[1]}
                la = innermost(active[0], rank) if len(in_a) > 1 else next(iter(in_a), "O")
                lb = innermost(active[1], rank) if len(in_b) > 1 else next(iter(in_b), "O")
                confusion[(la, lb)] += count
                for label in in_a | in_b:
                    cell = binary.setdefault(label, [0, 0, 0, 0])
                    cell[0 if label in in_a and label in in_b else 1 if label in in_a else 2] += count
            prev = pos
        side = 0 if i < split else 1
        if starts:
            active[side].append(units[i])
        else:
            active[side].remove(units[i])
    tokens += len(findall(text, prev))
    if tokens > covered:
        confusion[("O", "O")] += tokens - covered
    for cell in binary.values():
        cell[3] = tokens - cell[0] - cell[1] - cell[2]
    return TokenCounts(tokens, confusion, binary)


# --------------------------------------------------------------------------- one document


@dataclass
class LabelCounts:
    a: int = 0
    b: int = 0
    exact: int = 0
    overlap: int = 0


@dataclass
class DocComparison:
    """Everything known about A against B on one document; sums of these give the corpus figures."""

    doc_id: str
    length: int
    alignment: Alignment
    disagreements: list[Disagreement]
    labels: dict[str, LabelCounts]
    tokens: TokenCounts
    sections: dict[str, tuple[Sections, Sections, int]]
    """label -> (A's sections, B's sections, S) for u-alpha."""
    links: tuple[int, int, int]
    """(A's links, B's links, links in both)."""

    _figures: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    slimmed: bool = False

    def slim(self) -> None:
        """Drop what only the figures need, once computed and added to a Tally (a corpus diff keeps
        10,000 of these)."""
        self.figures(list(self.labels))
        self.sections = {}
        self.alignment = Alignment()
        self.slimmed = True

    def figures(self, labels: Sequence[str] | None = None) -> dict[str, Any]:
        """This document's figures (computed once: the text report and the JSON both ask).

        Labels are those `compare_units` was given plus any other found in the files; `labels` is
        accepted for symmetry with the module-level `figures` and not needed.
        """
        if self._figures is None:
            per_label: dict[str, Any] = {}
            parts = []
            totals = LabelCounts()
            tokens = self.tokens
            for label, c in self.labels.items():
                totals.a, totals.b = totals.a + c.a, totals.b + c.b
                totals.exact, totals.overlap = totals.exact + c.exact, totals.overlap + c.overlap
                sa, sb, observed = self.sections[label]
                u = Unitizing(self.length, observed, sa.units + sb.units, sa.gaps() + sb.gaps())
                parts.append(u)
                kappa = binary_kappa(*tokens.binary.get(label, [0, 0, 0, tokens.tokens]))
                per_label[label] = _label_figures(c, kappa, u.alpha())
            micro = _label_figures(totals, kappa_from_confusion(tokens.confusion), alpha_over_categories(parts))
            micro["tokens"] = tokens.tokens
            p, r, f = prf(self.links[2], self.links[0], self.links[1])
            links = {"f1": f, "precision": p, "recall": r, "a": self.links[0], "b": self.links[1], "matches": self.links[2]}
            self._figures = {"per_label": per_label, "micro": micro, "links": links}
        return self._figures


def compare_units(
    doc: Document, a: Sequence[Unit], b: Sequence[Unit], a_links: Sequence[Link], b_links: Sequence[Link],
    labels: Sequence[str],
) -> DocComparison:
    """Align and count one document."""
    rank = {label: i for i, label in enumerate(labels)}
    al = align(a, b, a_links, b_links)
    counts = {label: LabelCounts() for label in labels}
    for u in a:
        counts.setdefault(u.label, LabelCounts()).a += 1
    for u in b:
        counts.setdefault(u.label, LabelCounts()).b += 1
    for ua, _ in al.exact:
        counts[ua.label].exact += 1
        counts[ua.label].overlap += 1
    for ua, _ in al.boundary:
        counts[ua.label].overlap += 1
    length = len(doc.text)
    sections = {}
    for label in counts:
        ea = merge_extents(x for u in a if u.label == label for x in u.extents)
        eb = merge_extents(x for u in b if u.label == label for x in u.extents)
        sections[label] = (Sections.of(ea, length), Sections.of(eb, length), observed_sum(ea, eb))
    return DocComparison(
        doc_id=doc.id,
        length=length,
        alignment=al,
        disagreements=disagreements(doc.id, al),
        labels=counts,
        tokens=token_confusion(doc.text, a, b, list(counts), rank),
        sections=sections,
        links=(len(a_links), len(b_links), len(al.links)),
    )


def units_of(ann: DocAnnotations) -> tuple[list[Unit], list[Link]]:
    """A `DocAnnotations` as units and links (orphans left out: they have no place in the text)."""
    units = {s.id: Unit(s.start, s.end, s.label, s.id, s.fragments) for s in ann.spans.values()}
    links = [
        Link(units[r.head], units[r.tail], r.label, r.id)
        for r in ann.relations.values()
        if r.head in units and r.tail in units
    ]
    return sorted(units.values()), links


def compare_annotations(a: DocAnnotations, b: DocAnnotations, labels: Sequence[str] | None = None) -> DocComparison:
    """Compare two annotators' `DocAnnotations` of the same document (what the review screen uses)."""
    if labels is None:
        labels = a.schema.label_names if a.schema is not None else ()
    ua, la = units_of(a)
    ub, lb = units_of(b)
    return compare_units(a.document, ua, ub, la, lb, labels)


# --------------------------------------------------------------------------- figures


class Tally:
    """Sums of document comparisons, added one document at a time: the corpus figures come from
    these sums (never from averaging documents), and a document can be dropped once added."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.counts = {label: LabelCounts() for label in self.labels}
        self.tokens = TokenCounts()
        self.continua = {label: Continuum() for label in self.labels}
        self.links = [0, 0, 0]
        self.documents = 0
        self._length = 0

    def add(self, d: DocComparison) -> None:
        if d.slimmed:
            raise ValueError(f"{d.doc_id}: add a document to a Tally before slimming it")
        self.documents += 1
        self.tokens.add(d.tokens)
        for label, lc in d.labels.items():
            if label not in self.counts:
                self.labels.append(label)
                self.counts[label] = LabelCounts()
                self.continua[label] = Continuum()
                if self._length:  # a label first seen now: the documents before are one gap for it
                    self.continua[label].add(Sections.of((), self._length), Sections.of((), self._length), 0)
            c = self.counts[label]
            c.a, c.b, c.exact, c.overlap = c.a + lc.a, c.b + lc.b, c.exact + lc.exact, c.overlap + lc.overlap
        for label, continuum in self.continua.items():
            if label in d.sections:
                continuum.add(*d.sections[label])
            else:
                continuum.add(Sections.of((), d.length), Sections.of((), d.length), 0)
        self._length += d.length
        for i in range(3):
            self.links[i] += d.links[i]

    def figures(self) -> dict[str, Any]:
        tokens = self.tokens
        per_label: dict[str, Any] = {}
        parts: list[Unitizing] = []
        totals = LabelCounts()
        for label in self.labels:
            c = self.counts[label]
            totals.a, totals.b = totals.a + c.a, totals.b + c.b
            totals.exact, totals.overlap = totals.exact + c.exact, totals.overlap + c.overlap
            u = self.continua[label].close()
            parts.append(u)
            kappa = binary_kappa(*tokens.binary.get(label, [0, 0, 0, tokens.tokens]))
            per_label[label] = _label_figures(c, kappa, u.alpha())
        micro = _label_figures(totals, kappa_from_confusion(tokens.confusion), alpha_over_categories(parts))
        micro["tokens"] = tokens.tokens
        la, lb, lm = self.links
        p, r, f = prf(lm, la, lb)
        return {
            "per_label": per_label,
            "micro": micro,
            "links": {"f1": f, "precision": p, "recall": r, "a": la, "b": lb, "matches": lm},
        }


def figures(docs: Sequence[DocComparison], labels: Sequence[str]) -> dict[str, Any]:
    """per_label, micro and links figures of one or more documents, from summed counts."""
    tally = Tally(labels)
    for d in docs:
        tally.add(d)
    return tally.figures()


def _label_figures(c: LabelCounts, kappa: float | None, alpha: float | None) -> dict[str, Any]:
    ep, er, ef = prf(c.exact, c.a, c.b)
    op, orr, of = prf(c.overlap, c.a, c.b)
    return {
        "exact_f1": ef, "exact_precision": ep, "exact_recall": er,
        "overlap_f1": of, "overlap_precision": op, "overlap_recall": orr,
        "kappa": kappa, "u_alpha": alpha,
        "a": c.a, "b": c.b, "exact_matches": c.exact, "overlap_matches": c.overlap,
    }
