"""`reader suggest` over a project: for each document, lock it, replace its pending suggestions, save.

A document another process is editing is skipped and said so; the annotator's own spans are never
touched (`suggest_into`, and `put_suggestions` for a model's, leave out what they already marked).

With `--model NAME` the ghosts are the trained model's merged with the rules (`suggest.trained`),
and each document's uncertainty (how unsure the model is of it) is kept in the annotator's
`.uncertainty.json` beside their files, so the documents screen can put first what would teach the
model most. A dot file, like the locks and the review records, so nothing takes it for a document.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.core.annotations import DocAnnotations
from reader.core.model import Relation, Span
from reader.core.progress import track
from reader.files.project import Project
from reader.files.uncertainty import save_uncertainty
from reader.suggest.cues import load_cues
from reader.suggest.pending import forget_accepted
from reader.suggest.rules import Suggestions, SuggestReport, suggest_into



@dataclass
class DocumentOutcome:
    doc_id: str
    report: SuggestReport | None
    """None when the document was skipped (locked by another process)."""
    notes: list[str] = field(default_factory=list)
    """What the store repaired while loading, or why the document was skipped."""
    uncertainty: float | None = None
    """With a model: how unsure it is of this document (higher: more to learn from it)."""


def suggest_documents(project: Project, annotator: str, doc_ids: list[str] | None = None,
                      model: str | None = None) -> Iterator[DocumentOutcome]:
    corpus = project.corpus
    trained = None
    if model is not None:
        from reader.suggest.trained import TrainedModel

        trained = TrainedModel.load(project.path, model)  # a missing model fails before any file is touched
    docs = [corpus.get(doc_id) for doc_id in doc_ids] if doc_ids else list(corpus)
    cues = load_cues(project.path)
    store = project.store
    store.path(annotator, "x")  # checks the name before the first document
    uncertain: dict[str, float] = {}
    try:
        for doc in track(docs, "suggesting", threshold=5):
            loaded = store.load(annotator, doc, lock=True)
            unsure = None
            try:
                if loaded.readonly:
                    yield DocumentOutcome(doc.id, None, [f"{store.path(annotator, doc.id)}: another process is editing it; skipped"])
                    continue
                if trained is None:
                    report = suggest_into(loaded.annotations, cues)
                else:
                    prediction = trained.predict(doc, cues, loaded.annotations.schema)
                    report = put_suggestions(loaded.annotations, prediction.suggestions)
                    unsure = uncertain[doc.id] = prediction.uncertainty
                store.save(annotator, loaded.annotations, lock=loaded.lock)
            finally:
                if loaded.lock is not None:
                    loaded.lock.release()
            yield DocumentOutcome(doc.id, report, list(loaded.report), unsure)
    finally:
        if uncertain and trained is not None:
            save_uncertainty(store.root / annotator, trained.name, uncertain)


def put_suggestions(ann: DocAnnotations, found: Suggestions) -> SuggestReport:
    """Replace `ann`'s pending suggestions with `found`, never over the annotator's own spans: the
    policy of `rules.suggest_into` for suggestions made elsewhere (a model's). A suggestion at the
    extent of an existing span, or overlapping an existing span of its label, is left out and its
    links go to that span, unless it is attributed already; real spans and links are not touched."""
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
            continue
        seen.add((head, tail))
        rels.append(Relation(f"gr{len(rels) + 1}", head, tail, r.label))
    forget_accepted(ann)
    ann.set_suggestions(kept, rels)
    report.links = len(rels)
    return report
