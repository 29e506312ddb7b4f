"""What `reader validate`, `reader stats` and `reader show` print: headless, so tests call them directly."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UserError
from .model import DocAnnotations, InvariantError, Relation, Span
from .project import Project
from .store import Store, StoreError


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
                tables = store.read_tables(path)
            except StoreError:
                status["unreadable"] += 1
                continue
            meta = next(iter(store.records(tables, "meta")), {})
            status[str(meta.get("status", "todo"))] += 1
            for record in store.records(tables, "spans"):
                if not record.get("orphaned"):
                    labels[str(record.get("label"))] += 1
                    spans += 1
            relations += len(store.records(tables, "relations"))
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


def show(path: Path, textconv: bool = False) -> str:
    """A stable, readable listing of one annotation file: a line per span, sources after their arrows.

    Usable as a git textconv driver: it needs only the file, not the project. With `textconv`, a
    file that is not an annotation file (a merge conflict, a review's decisions) is shown as it is
    instead of failing, because a failing textconv stops `git diff` altogether.
    """
    path = Path(path)
    if not path.exists():
        raise UserError("no such file", path)
    if textconv:
        try:
            tables = Store.read_tables(path)
        except StoreError as exc:  # git must still show something: a conflicted or foreign file as is
            raw = path.read_bytes().decode("utf-8", errors="replace")
            return f"# {path.name}: {exc.message}; shown as it is\n" + raw + ("" if raw.endswith("\n") else "\n")
    else:
        tables = Store.read_tables(path)
    meta = next(iter(Store.records(tables, "meta")), {})
    spans = Store.records(tables, "spans")
    rels = Store.records(tables, "relations")
    by_id = {str(s.get("id")): s for s in spans}
    sources: dict[str, list[str]] = {}
    for rel in rels:
        tail = by_id.get(str(rel.get("tail")))
        name = json.dumps(tail["text"], ensure_ascii=False) if tail else f"?{rel.get('tail')}"
        sources.setdefault(str(rel.get("head")), []).append(f"{rel.get('label', '')} {rel.get('tail')} {name}")
    out = [
        f"# {meta.get('doc_id', path.stem)} by {meta.get('annotator', path.parent.name)}: "
        f"{meta.get('status', 'todo')}; spans {len(spans)}, links {len(rels)}"
    ]
    ordered = sorted(spans, key=lambda s: (int(s.get("start", 0)), -int(s.get("end", 0)), str(s.get("id"))))
    for s in ordered:
        text = json.dumps(str(s.get("text", "")), ensure_ascii=False)
        line = f"{s.get('start', '?')}-{s.get('end', '?')}\t{s.get('id')}\t{s.get('label')}\t{text}"
        attrs = s.get("attrs") or {}
        if attrs:
            line += "\t" + " ".join(f"{k}={v}" for k, v in sorted(attrs.items()))
        if s.get("orphaned"):
            line += "\tORPHANED"
        out.append(line)
        for src in sources.get(str(s.get("id")), []):
            out.append(f"\t-> {src}")
        if s.get("note"):
            out.append(f"\tnote: {json.dumps(s['note'], ensure_ascii=False)}")
    return "\n".join(out) + "\n"


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
                summary = store.summary(path)
            except StoreError:
                status = "unreadable"
            else:
                spans, relations = summary.spans, summary.relations
                status = summary.status if summary.status == "done" or spans == 0 else "in-progress"
        rows.append(DocProgress(doc.id, doc.title, status, spans, relations, len(doc.text)))
    return rows
