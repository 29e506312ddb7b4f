"""What `reader validate` prints: every problem of every annotation file, checked against the corpus and the schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.core.annotations import DocAnnotations
from reader.core.model import InvariantError, Relation, Span
from reader.files.annotation_file import StoreError
from reader.files.project import Project


@dataclass(frozen=True)
class Problem:
    path: str
    item: str
    """Span or relation id, or '-' for the file as a whole."""
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.item}: {self.what}"


def validate(project: Project) -> list[Problem]:
    """Every problem in every annotation file, checked against the corpus and the schema."""
    problems: list[Problem] = [Problem(e.path or "seeds", "-", e.message) for e in project.corpus.errors]
    store = project.store
    for path in store.files():
        rel = _rel(project, path)
        try:
            tables = store.read_tables(path)
        except StoreError as exc:
            problems.append(Problem(rel + (f":{exc.line}" if exc.line else ""), "-", exc.message))
            continue
        doc = project.corpus.documents.get(path.stem)
        if doc is None:
            problems.append(Problem(rel, "-", f"no document {path.stem!r} in seeds/"))
            continue
        meta = next(iter(store.records(tables, "meta")), {})
        if meta.get("sha256") and meta["sha256"] != doc.sha256:
            problems.append(Problem(rel, "-", "the document's text changed since it was annotated (open it to re-anchor)"))
        ann = DocAnnotations(doc, project.schema)
        spans = store.records(tables, "spans")
        for record in spans:
            ident = str(record.get("id", "?"))
            if record.get("orphaned"):
                problems.append(Problem(rel, ident, f"orphaned: {record.get('orphan_reason', 'could not be placed')}"))
                continue
            try:
                span = Span(ident, int(record["start"]), int(record["end"]), str(record["label"]),
                            str(record["text"]), dict(record.get("attrs") or {}))
                ann._check_span(span)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(Problem(rel, ident, f"malformed span ({exc})"))
                continue
            except InvariantError as exc:
                problems.append(Problem(rel, ident, exc.message.split(": ", 1)[-1]))
                continue
            if ident in ann.spans:
                problems.append(Problem(rel, ident, "span id used twice"))
            ann.spans[ident] = span
        for record in store.records(tables, "relations"):
            ident = str(record.get("id", "?"))
            try:
                ann._check_relation(Relation(ident, str(record["head"]), str(record["tail"]), str(record.get("label", ""))))
            except KeyError as exc:
                problems.append(Problem(rel, ident, f"malformed relation (no {exc})"))
            except InvariantError as exc:
                problems.append(Problem(rel, ident, exc.message.split(": ", 1)[-1]))
    return problems


def _rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.path))
    except ValueError:
        return str(path)
