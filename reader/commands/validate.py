"""What `reader validate` prints: every problem of every annotation file, checked against the corpus and the schema.

Spans in fragments are checked like every span (`DocAnnotations.check_span`: each fragment fits the
text, no whitespace at its edges, in order, apart, none overlapping another); a file of a newer layout
than this reader knows is named, since the app opens it read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.core.annotations import DocAnnotations
from reader.files.annotation_file import FORMAT_VERSION, StoreError, read_file
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
    for path in project.store.files():
        rel = _rel(project, path)
        try:
            file = read_file(path, strict=False)
        except StoreError as exc:
            problems.append(Problem(_at(rel, exc.line), "-", exc.message))
            continue
        problems += [Problem(_at(rel, bad.line), bad.item, bad.what) for bad in file.malformed]
        doc = project.corpus.documents.get(path.stem)
        if doc is None:
            problems.append(Problem(rel, "-", f"no document {path.stem!r} in seeds/"))
            continue
        if file.meta.format_version > FORMAT_VERSION:
            problems.append(Problem(rel, "-", f"written by a newer reader (format {file.meta.format_version}, this one "
                                              f"knows up to {FORMAT_VERSION}): checked as far as it can be, opened read-only"))
        if file.meta.text_changed(doc):
            problems.append(Problem(rel, "-", "the document's text changed since it was annotated (open it to re-anchor)"))
        ann = DocAnnotations(doc, project.schema)
        for stored in file.spans:
            if stored.orphaned is not None:
                problems.append(Problem(rel, stored.id, f"orphaned: {stored.orphaned}"))
                continue
            span = stored.span
            problem = ann.check_span(span)
            if problem is None and not ann.put_loaded(span):
                problem = "span id used twice"
            if problem is not None:
                problems.append(Problem(rel, span.id, problem.split(": ", 1)[-1]))
        for stored_rel in file.relations:
            problem = ann.check_relation(stored_rel.relation)
            if problem is not None:
                problems.append(Problem(rel, stored_rel.id, problem.split(": ", 1)[-1]))
    return problems


def _at(rel: str, line: int | None) -> str:
    return rel + (f":{line}" if line else "")


def _rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.path))
    except ValueError:
        return str(path)
