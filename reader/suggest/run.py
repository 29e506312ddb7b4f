"""`reader suggest` over a project: for each document, lock it, replace its pending suggestions, save.

A document another process is editing is skipped and said so; the annotator's own spans are never
touched (`suggest_into`, and `put_suggestions` for a model's, leave out what they already marked).

With `--model NAME` the ghosts are the trained model's merged with the rules (`suggest.trained`),
and each document's uncertainty (how unsure the model is of it) is kept in the annotator's
`.uncertainty.json` beside their files, so the documents screen can put first what would teach the
model most. A dot file, like the locks and the review records, so nothing takes it for a document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.core.progress import track
from reader.files.project import Project
from reader.files.uncertainty import save_uncertainty
from reader.suggest.cues import load_cues
from reader.suggest.rules import SuggestReport, put_suggestions, suggest_into


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
