"""Saving and loading one annotator's annotations of one document: `annotations/<annotator>/<doc_id>.json`.

One TinyDB file per annotator per document keeps a save as cheap as that document's annotations,
whatever the size of the corpus (TinyDB rewrites the whole file on every write), and keeps two
annotators out of each other's files so git merges stay clean.

The file's format (its tables, the rules for a record, the atomic write) is `files.annotation_file`;
the store decides where files live, holds the locks, and turns a file into `DocAnnotations` and back.

A lock file (`.<doc_id>.lock`, held with `flock`, released by the kernel when a process dies) keeps a
second process from writing the same file: that one opens read-only and is told so.

When the document's text changed since the spans were saved (its sha256 differs), or a span no longer
fits its offsets, the span is re-anchored by its text and the context saved beside it; one that cannot
be placed is kept as an orphan, saved back as it was, and reported. A span in fragments is placed
fragment by fragment, each by its own text and the text around it (the gap between two fragments is
the context of both), in order; if one fragment cannot be placed, the span is kept aside whole.

A file written by a newer reader (its `format_version` above `annotation_file.FORMAT_VERSION`) is
opened read-only, so that saving cannot drop what this version does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, Orphan, Span, join_extents, now_iso
from reader.core.schema import Schema
from reader.files import annotation_file
from reader.files.annotation_file import (
    FileSummary,
    Meta,
    StoredSpan,
    StoreError,
    read_file,
    write_file,
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
    format_version: int = 1
    """The file's layout (`annotation_file.FORMAT_VERSION`); a newer one is opened read-only."""


def reanchor(span: Span, text: str, before: str, after: str) -> Span | None:
    """Place `span` in `text` by its own text, choosing the occurrence whose context fits best.

    A span in fragments is placed piece by piece, in order, each after the one before it."""
    if span.fragments:
        return _reanchor_pieces(span, text, before, after)
    at = _find_best(span.text, text, before, after, span.start)
    if at is None:
        return None
    return replace(span, start=at, end=at + len(span.text))


def _reanchor_pieces(span: Span, text: str, before: str, after: str) -> Span | None:
    """Each fragment by its text, with what was saved before and after it as its context (for the
    inner ones: the text of the gaps), at or after the end of the fragment placed before it."""
    whole = before + span.text + after
    shift = len(before) - span.start  # offset in `whole` of a saved offset
    placed: list[tuple[int, int]] = []
    floor, moved = 0, 0
    for s, e in span.fragments:
        piece = span.text[s - span.start : e - span.start]
        left = whole[max(0, s + shift - annotation_file.CONTEXT) : s + shift]
        right = whole[e + shift : e + shift + annotation_file.CONTEXT]
        at = _find_best(piece, text, left, right, s + moved, floor)
        if at is None:
            return None
        placed.append((at, at + len(piece)))
        floor, moved = at + len(piece), at - s
    frags = join_extents(text, placed)
    start, end = frags[0][0], frags[-1][1]
    return replace(span, start=start, end=end, text=text[start:end], fragments=frags if len(frags) > 1 else ())


def _find_best(needle: str, text: str, before: str, after: str, near: int, floor: int = 0) -> int | None:
    """The offset of the occurrence of `needle` at or after `floor` whose context fits best (ties: nearest `near`)."""
    if not needle:
        return None
    best: tuple[int, int, int] | None = None
    at = text.find(needle, floor)
    while at >= 0:
        left = text[max(0, at - len(before)) : at]
        right = text[at + len(needle) : at + len(needle) + len(after)]
        score = _common_suffix(left, before) + _common_prefix(right, after)
        key = (-score, abs(at - near), at)
        if best is None or key < best:
            best = key
        at = text.find(needle, at + 1)
    return None if best is None else best[2]


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

    # ----------------------------------------------------------------- reading without the model

    @staticmethod
    def read_tables(path: Path) -> dict[str, dict[str, Any]]:
        """The raw tables of one file (`annotation_file.read_tables`); prefer `read_file`."""
        return annotation_file.read_tables(path)

    @staticmethod
    def records(tables: dict[str, dict[str, Any]], table: str) -> list[Any]:
        """The raw records of one table, in key order (`annotation_file.records`); prefer `read_file`."""
        return [record for _key, record in annotation_file.records(tables, table)]

    @staticmethod
    def summary(path: Path) -> FileSummary:
        """The meta table and counts of one file; StoreError if it cannot be read."""
        return read_file(path).summary()

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
        newer = loaded.exists and loaded.format_version > annotation_file.FORMAT_VERSION
        if newer and held is not None:
            held.release()
            held = None
        loaded.readonly, loaded.lock = readonly or newer, held
        if newer:
            loaded.report.insert(0, f"{path}: opened read-only, written by a newer reader (format "
                                    f"{loaded.format_version}; this one knows up to {annotation_file.FORMAT_VERSION})")
        elif readonly:
            why = self.last_refusal or "another process is editing it"
            loaded.report.insert(0, f"{path}: opened read-only, {why}")
        return loaded

    def _load(self, path: Path, doc: Document) -> Loaded:
        ann = DocAnnotations(doc, self.schema)
        if not path.exists():
            return Loaded(ann)
        file = read_file(path)
        report: list[str] = []
        if file.meta.text_changed(doc):
            report.append(f"{path}: the document's text changed since it was annotated; spans re-anchored")
        for stored in file.spans:
            report.extend(self._place(path, ann, stored))
        ann.id_floor = file.meta.last_ids
        for stored_rel in file.relations:
            rel = stored_rel.relation
            problem = ann.restore_relation(rel)
            if problem is not None:
                ann.keep_aside(Orphan(rel, problem))
                report.append(f"{path}: relation {rel.id} kept aside: {problem}")
        ann.status, ann.cursor = file.meta.status, file.meta.cursor
        fitting = []
        for span in file.suggested_spans:
            if 0 <= span.start < span.end <= len(doc.text) and doc.text[span.start : span.end] == span.text:
                fitting.append(span)
            else:
                report.append(f"{path}: suggestion {span.id} no longer fits the text; dropped (run reader suggest again)")
        ann.set_suggestions(fitting, file.suggested_relations)
        return Loaded(ann, report=report, exists=True, format_version=file.meta.format_version)

    @staticmethod
    def _place(path: Path, ann: DocAnnotations, stored: StoredSpan) -> list[str]:
        """Restore one saved span where it fits, else re-anchored, else kept aside; the report lines."""
        span, context, text = stored.span, stored.context, ann.document.text
        if stored.orphaned is not None:  # kept aside before: placed again if its text is back
            placed = reanchor(span, text, *context)
            if placed is None or ann.restore_span(placed) is not None:
                ann.keep_aside(Orphan(span, stored.orphaned, context))
                return [f"{path}: span {span.id} ({span.label} {span.text[:30]!r}) is still orphaned"]
            return [f"{path}: orphaned span {span.id} placed again at {placed.start}-{placed.end}"]
        problem = ann.restore_span(span)
        if problem is None:
            return []
        placed = reanchor(span, text, *context)
        if placed is not None and placed != span and ann.restore_span(placed) is None:
            return [f"{path}: span {span.id} re-anchored from {span.start}-{span.end} to {placed.start}-{placed.end}"]
        ann.keep_aside(Orphan(span, problem, context))
        return [f"{path}: span {span.id} orphaned: {problem}"]

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
        meta = Meta(
            doc_id=ann.document.id,
            annotator=annotator,
            sha256=ann.document.sha256,
            status=ann.status,
            cursor=ann.cursor,
            schema_version=self.schema.version if self.schema else 1,
            updated=now_iso(),
            last_ids=ann.highest_ids(),
        )
        write_file(
            path, meta, ann.document.text, ann.sorted_spans(), ann.relations.values(), ann.orphans,
            ann.suggested_spans, ann.suggested_relations,
        )
