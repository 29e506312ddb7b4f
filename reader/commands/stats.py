"""What `reader stats` prints: documents, annotators, statuses and label counts of a project.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reader.files.annotation_file import StoreError, read_file
from reader.files.project import Project


def stats(project: Project) -> dict[str, Any]:
    """Documents, annotators, statuses and label counts of the project."""
    store = project.store
    docs = project.corpus.documents
    per_annotator: dict[str, Any] = {}
    labels_total: Counter[str] = Counter()
    for annotator in store.annotators():
        labels: Counter[str] = Counter()
        status: Counter[str] = Counter()
        relations = spans = 0
        files = store.files(annotator)
        for path in files:
            try:
                file = read_file(path)
            except StoreError:
                status["unreadable"] += 1
                continue
            status[file.meta.status] += 1
            for stored in file.spans:
                if stored.orphaned is None:
                    labels[stored.label] += 1
                    spans += 1
            relations += len(file.relations)
        status["todo"] += max(0, len(docs) - len(files))
        labels_total.update(labels)
        per_annotator[annotator] = {
            "files": len(files),
            "spans": spans,
            "relations": relations,
            "labels": dict(sorted(labels.items())),
            "status": dict(sorted(status.items())),
        }
    return {
        "documents": len(docs),
        "characters": sum(len(d.text) for d in docs.values()),
        "corpus_errors": [str(e) for e in project.corpus.errors],
        "annotators": per_annotator,
        "labels": {name: labels_total.get(name, 0) for name in project.schema.label_names},
    }


def format_stats(data: dict[str, Any]) -> str:
    lines = [f"documents   {data['documents']}  ({data['characters']:,} characters)"]
    lines.append("labels      " + "  ".join(f"{k} {v}" for k, v in data["labels"].items()))
    for name, info in data["annotators"].items():
        status = ", ".join(f"{k} {v}" for k, v in info["status"].items())
        lines.append(f"annotator   {name}: {info['spans']} spans, {info['relations']} links; {status}")
    for error in data["corpus_errors"]:
        lines.append(f"error       {error}")
    return "\n".join(lines)
