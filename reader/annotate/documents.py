"""The rows of the documents screen: every document's status for one annotator, read from the files' meta.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.files.annotation_file import StoreError, read_file
from reader.files.project import Project
from reader.files.uncertainty import read_uncertainty


@dataclass(frozen=True)
class DocProgress:
    """One row of the documents screen."""

    doc_id: str
    title: str
    status: str
    spans: int
    relations: int
    characters: int
    uncertainty: float | None = None
    """How unsure a trained model was of the document at its last `reader suggest --model` (higher:
    labelling it teaches the model more); None when no model has suggested it."""


def progress(project: Project, annotator: str) -> list[DocProgress]:
    """Every document's status for one annotator: todo without a file, else the file's own status."""
    rows = []
    store = project.store
    unsure = read_uncertainty(store.path(annotator, "x").parent)  # the name is checked first
    for doc in project.corpus:
        path = store.path(annotator, doc.id)
        status, spans, relations = "todo", 0, 0
        if path.exists():
            try:
                summary = read_file(path).summary()
            except StoreError:
                status = "unreadable"
            else:
                spans, relations = summary.spans, summary.relations
                status = summary.status if summary.status == "done" or spans == 0 else "in-progress"
        rows.append(DocProgress(doc.id, doc.title, status, spans, relations, len(doc.text), unsure.get(doc.id)))
    return rows


def by_uncertainty(rows: list[DocProgress]) -> list[DocProgress]:
    """Active learning's order: documents not done first, the ones the model is least sure of first,
    then those it has not seen, each group in corpus order (a stable sort)."""
    return sorted(rows, key=lambda r: (r.status == "done", r.uncertainty is None, -(r.uncertainty or 0.0)))
