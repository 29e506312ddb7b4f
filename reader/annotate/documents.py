"""The rows of the documents screen: every document's status for one annotator, read from the files' meta.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.files.annotation_file import StoreError, read_file
from reader.files.project import Project


@dataclass(frozen=True)
class DocProgress:
    """One row of the documents screen."""

    doc_id: str
    title: str
    status: str
    spans: int
    relations: int
    characters: int


def progress(project: Project, annotator: str) -> list[DocProgress]:
    """Every document's status for one annotator: todo without a file, else the file's own status."""
    rows = []
    store = project.store
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
        rows.append(DocProgress(doc.id, doc.title, status, spans, relations, len(doc.text)))
    return rows
