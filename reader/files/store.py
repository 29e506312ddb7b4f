"""Saving and loading one annotator's annotations of one document: `annotations/<annotator>/<doc_id>.json`.

One TinyDB file per annotator per document keeps a save as cheap as that document's annotations,
whatever the size of the corpus (TinyDB rewrites the whole file on every write), and keeps two
annotators out of each other's files so git merges stay clean.

The file is written through `AtomicJSONStorage`: sorted keys and indentation for readable diffs, and a
temporary file in the same folder, flushed, fsynced and `os.replace`d, so a crash or a kill at any
moment leaves the old file or the new one, never a torn one. A save batches TinyDB's table writes and
writes the file once. A span's TinyDB document id is the number in its span id (`s12` -> 12), so a
span keeps its key in the file from save to save and `git diff` shows only what changed.

A lock file (`.<doc_id>.lock`, held with `flock`, released by the kernel when a process dies) keeps a
second process from writing the same file: that one opens read-only and is told so.

When the document's text changed since the spans were saved (its sha256 differs), or a span no longer
fits its offsets, the span is re-anchored by its text and the context saved beside it; one that cannot
be placed is kept as an orphan, saved back as it was, and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document as TinyDocument

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, InvariantError, Orphan, Relation, Span, now_iso
from reader.core.schema import Schema
from reader.files.annotation_file import (
    AtomicJSONStorage,
    FileSummary,
    StoreError,
    _keyed,
    _number,
    _span_from,
    relation_record,
    span_record,
)
from reader.files.corpus import check_name
from reader.files.lock import DocLock

@dataclass
class Loaded:
    """What `Store.load` gives: the annotations, whether they may be saved, and what was repaired."""

    annotations: DocAnnotations
    readonly: bool = False
    report: list[str] = field(default_factory=list)
    """One line per span that was re-anchored or orphaned."""
    lock: DocLock | None = None
    exists: bool = False


def reanchor(span: Span, text: str, before: str, after: str) -> Span | None:
    """Place `span` in `text` by its own text, choosing the occurrence whose context fits best."""
    needle = span.text
    if not needle:
        return None
    best: tuple[int, int, int] | None = None
    at = text.find(needle)
    while at >= 0:
        left = text[max(0, at - len(before)) : at]
        right = text[at + len(needle) : at + len(needle) + len(after)]
        score = _common_suffix(left, before) + _common_prefix(right, after)
        key = (-score, abs(at - span.start), at)
        if best is None or key < best:
            best = key
        at = text.find(needle, at + 1)
    if best is None:
        return None
    start = best[2]
    return replace(span, start=start, end=start + len(needle))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


class Store:
    """The annotation files of one project."""

    def __init__(self, project: Path, schema: Schema | None = None) -> None:
        self.project = Path(project)
        self.root = self.project / "annotations"
        self.schema = schema
        self.last_refusal: str | None = None

    # ----------------------------------------------------------------- paths

    def path(self, annotator: str, doc_id: str) -> Path:
        check_name("annotator", annotator)
        check_name("document id", doc_id)
        return self.root / annotator / f"{doc_id}.json"

    def lock_path(self, annotator: str, doc_id: str) -> Path:
        return self.root / annotator / f".{doc_id}.lock"

    def annotators(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(  # a folder with no annotation file yet (opened, nothing saved) is nobody's work
            p.name for p in self.root.iterdir()
            if p.is_dir() and not p.name.startswith((".", "_")) and any(p.glob("[!.]*.json"))
        )

    def files(self, annotator: str | None = None) -> list[Path]:
        names = [annotator] if annotator else self.annotators()
        out: list[Path] = []
        for name in names:
            folder = self.root / name
            if folder.is_dir():
                out.extend(sorted(p for p in folder.glob("*.json") if not p.name.startswith(".")))
        return out

    # ----------------------------------------------------------------- raw reading

    @staticmethod
    def read_tables(path: Path) -> dict[str, dict[str, Any]]:
        """The tables of one file as TinyDB holds them; StoreError if it is not a readable TinyDB file."""
        data = AtomicJSONStorage(path, create_dirs=False).read()
        if data is None:
            raise StoreError("empty annotation file", path)
        return data

    @staticmethod
    def records(tables: dict[str, dict[str, Any]], table: str) -> list[dict[str, Any]]:
        rows = tables.get(table) or {}
        out = []
        for key in sorted(rows, key=lambda k: int(k) if str(k).isdigit() else 0):
            if isinstance(rows[key], dict):
                out.append(rows[key])
        return out

    def summary(self, path: Path) -> FileSummary:
        tables = self.read_tables(path)
        meta = next(iter(self.records(tables, "meta")), {})
        spans = self.records(tables, "spans")
        orphans = sum(1 for s in spans if s.get("orphaned"))
        return FileSummary(
            path=path,
            annotator=path.parent.name,
            doc_id=str(meta.get("doc_id", path.stem)),
            status=str(meta.get("status", "todo")),
            spans=len(spans) - orphans,
            relations=len(self.records(tables, "relations")),
            orphans=orphans,
            cursor=int(meta.get("cursor", 0) or 0),
            sha256=str(meta.get("sha256", "")),
            updated=str(meta.get("updated", "")),
        )

    # ----------------------------------------------------------------- load

    def lock(self, annotator: str, doc_id: str) -> DocLock | None:
        """Take the write lock on one document, or None when another process holds it (or the folder
        cannot be written: `last_refusal` then says why)."""
        lock = DocLock(self.lock_path(annotator, doc_id))
        ok = lock.acquire()
        self.last_refusal = lock.refusal
        return lock if ok else None

    def load(self, annotator: str, doc: Document, *, lock: bool = False) -> Loaded:
        """Read (or start) one annotator's annotations of `doc`, repairing what it can and saying so.

        With `lock=True` the write lock is taken; if another process has it, the result is read-only.
        """
        path = self.path(annotator, doc.id)
        held: DocLock | None = None
        readonly = False
        if lock:
            held = self.lock(annotator, doc.id)
            readonly = held is None
        try:
            loaded = self._load(path, doc)
        except BaseException:
            if held is not None:
                held.release()
            raise
        loaded.readonly, loaded.lock = readonly, held
        if readonly:
            why = self.last_refusal or "another process is editing it"
            loaded.report.insert(0, f"{path}: opened read-only, {why}")
        return loaded

    def _load(self, path: Path, doc: Document) -> Loaded:
        ann = DocAnnotations(doc, self.schema)
        if not path.exists():
            return Loaded(ann)
        tables = self.read_tables(path)
        meta = next(iter(self.records(tables, "meta")), {})
        changed = bool(meta.get("sha256")) and meta.get("sha256") != doc.sha256
        report: list[str] = []
        if changed:
            report.append(f"{path}: the document's text changed since it was annotated; spans re-anchored")
        for record in self.records(tables, "spans"):
            span = _span_from(record, path)
            if record.get("orphaned"):
                placed = reanchor(span, doc.text, str(record.get("context_before", "")), str(record.get("context_after", "")))
                if placed is None or not self._try_add(ann, placed):
                    context = (str(record.get("context_before", "")), str(record.get("context_after", "")))
                    ann.orphans.append(Orphan(span, str(record.get("orphan_reason") or "could not be placed"), context))
                    report.append(f"{path}: span {span.id} ({span.label} {span.text[:30]!r}) is still orphaned")
                else:
                    report.append(f"{path}: orphaned span {span.id} placed again at {placed.start}-{placed.end}")
                continue
            if self._try_add(ann, span):
                continue
            problem = self._problem(ann, span)
            placed = reanchor(span, doc.text, str(record.get("context_before", "")), str(record.get("context_after", "")))
            if placed is not None and placed != span and self._try_add(ann, placed):
                report.append(f"{path}: span {span.id} re-anchored from {span.start}-{span.end} to {placed.start}-{placed.end}")
                continue
            context = (str(record.get("context_before", "")), str(record.get("context_after", "")))
            ann.orphans.append(Orphan(span, problem, context))
            report.append(f"{path}: span {span.id} orphaned: {problem}")
        floor = meta.get("last_ids")
        if isinstance(floor, dict):
            ann.id_floor = {str(k): int(v) for k, v in floor.items() if isinstance(v, int)}
            ann._highest = None
        for record in self.records(tables, "relations"):
            try:
                rel = Relation(str(record["id"]), str(record["head"]), str(record["tail"]), str(record.get("label", "attributed_to")))
            except KeyError as exc:
                raise StoreError(f"relation {record.get('id', '?')!r} lacks {exc}", path) from None
            try:
                ann._check_relation(rel)
            except InvariantError as exc:
                ann.orphans.append(Orphan(rel, exc.message))
                report.append(f"{path}: relation {rel.id} kept aside: {exc.message}")
                continue
            if rel.id in ann.relations:  # a kept-aside link whose id a newer one took: keep both
                rel = Relation(ann._next_id("r"), rel.head, rel.tail, rel.label)
                ann._highest = None
            ann.relations[rel.id] = rel
        ann.status = str(meta.get("status", "todo"))
        ann.cursor = int(meta.get("cursor", 0) or 0)
        for record in self.records(tables, "suggested_spans"):
            span = _span_from(record, path)
            if 0 <= span.start < span.end <= len(doc.text) and doc.text[span.start : span.end] == span.text:
                ann.suggested_spans.append(span)
            else:
                report.append(f"{path}: suggestion {span.id} no longer fits the text; dropped (run reader suggest again)")
        for record in self.records(tables, "suggested_relations"):
            ann.suggested_relations.append(
                Relation(str(record["id"]), str(record["head"]), str(record["tail"]), str(record.get("label", "attributed_to")))
            )
        return Loaded(ann, report=report, exists=True)

    @staticmethod
    def _problem(ann: DocAnnotations, span: Span) -> str:
        try:
            ann._check_span(span)
        except InvariantError as exc:
            return exc.message
        return f"span id {span.id!r} is used twice"

    @staticmethod
    def _try_add(ann: DocAnnotations, span: Span) -> bool:
        return ann.put_loaded(span)

    # ----------------------------------------------------------------- save

    def save(self, annotator: str, ann: DocAnnotations, *, lock: DocLock | None = None) -> Path:
        """Write the whole file once, atomically. Refuses when another process holds the lock."""
        path = self.path(annotator, ann.document.id)
        own = None
        if lock is None or not lock.held:
            own = self.lock(annotator, ann.document.id)
            if own is None:
                raise StoreError("another process is editing this file; not saved", path)
        try:
            self._write(path, annotator, ann)
        finally:
            if own is not None:
                own.release()
        return path

    def _write(self, path: Path, annotator: str, ann: DocAnnotations) -> None:
        text = ann.document.text
        spans = [span_record(s, text) for s in ann.sorted_spans()]
        rels = [relation_record(r) for r in sorted(ann.relations.values(), key=lambda r: (_number(r.id) or 0, r.id))]
        for orphan in ann.orphans:
            if isinstance(orphan.item, Span):
                record = span_record(orphan.item, "")
                record.update(orphaned=True, orphan_reason=orphan.reason)
                record["context_before"], record["context_after"] = orphan.context
                spans.append(record)
            else:
                rels.append({**relation_record(orphan.item), "orphaned": True, "orphan_reason": orphan.reason})
        meta = {
            "doc_id": ann.document.id,
            "sha256": ann.document.sha256,
            "annotator": annotator,
            "status": ann.status,
            "schema_version": self.schema.version if self.schema else 1,
            "updated": now_iso(),
            "cursor": ann.cursor,
            "last_ids": dict(sorted(ann.highest_ids().items())),
        }
        storage_ref: list[AtomicJSONStorage] = []

        def make_storage(p: str, **kw: Any) -> AtomicJSONStorage:
            storage_ref.append(AtomicJSONStorage(p, **kw))
            return storage_ref[0]

        db = TinyDB(str(path), storage=make_storage)
        with storage_ref[0].batch():
            storage_ref[0]._pending = {}  # start from empty tables: the file is rewritten whole
            db.table("meta").insert(TinyDocument(meta, doc_id=1))
            db.table("spans").insert_multiple(_keyed(spans))
            db.table("relations").insert_multiple(_keyed(rels))
            if ann.suggested_spans or ann.suggested_relations:
                db.table("suggested_spans").insert_multiple(
                    TinyDocument(span_record(s, text), doc_id=i) for i, s in enumerate(ann.suggested_spans, 1)
                )
                db.table("suggested_relations").insert_multiple(
                    TinyDocument(relation_record(r), doc_id=i) for i, r in enumerate(ann.suggested_relations, 1)
                )
        db.close()
