"""`reader suggest` over a project: for each document, lock it, replace its pending suggestions, save.

A document another process is editing is skipped and said so; the annotator's own spans are never
touched (`suggest_into` leaves out what they already marked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from reader.core.progress import track
from reader.files.project import Project
from reader.suggest.cues import load_cues
from reader.suggest.rules import SuggestReport, suggest_into


@dataclass
class DocumentOutcome:
    doc_id: str
    report: SuggestReport | None
    """None when the document was skipped (locked by another process)."""
    notes: list[str] = field(default_factory=list)
    """What the store repaired while loading, or why the document was skipped."""


def suggest_documents(project: Project, annotator: str, doc_ids: list[str] | None = None) -> Iterator[DocumentOutcome]:
    corpus = project.corpus
    docs = [corpus.get(doc_id) for doc_id in doc_ids] if doc_ids else list(corpus)
    cues = load_cues(project.path)
    store = project.store
    for doc in track(docs, "suggesting", threshold=5):
        loaded = store.load(annotator, doc, lock=True)
        try:
            if loaded.readonly:
                yield DocumentOutcome(doc.id, None, [f"{store.path(annotator, doc.id)}: another process is editing it; skipped"])
                continue
            report = suggest_into(loaded.annotations, cues)
            store.save(annotator, loaded.annotations, lock=loaded.lock)
        finally:
            if loaded.lock is not None:
                loaded.lock.release()
        yield DocumentOutcome(doc.id, report, list(loaded.report))
