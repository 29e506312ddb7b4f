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

Beside each file, the edits not yet in it are in its journal (`files.journal`, written by the app's
saver, replayed by every read). Opening a document with its lock takes over a journal a killed process
left, and the first one in a folder removes the temporary files killed writes left there
(`atomic.remove_stale`: once a process, as a folder may hold thousands of files); a save by anything
but the app's saver (`reader suggest`, an import, a review) writes everything the journal had, so it
removes the journal. A save writes only when asked, and the app asks only when the annotations or the
status changed: opening a document and leaving it writes nothing.

The cursor is the annotator's place, not their work, so it is not in the annotation file (it would
change the tracked file on every visit): it lives in `annotations/<annotator>/.state.json`, one small
per-user file beside the annotator's work that `.gitignore` covers, written when a document is left
with the cursor moved. Beside the work rather than under `$XDG_STATE_HOME` because it belongs to this
project's copy of it: it moves with the folder and needs no key for which project it is.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
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
    WriteCache,
    encode_file,
    read_file,
    write_file,
)
from reader.files.atomic import remove_stale, write_atomic
from reader.files.corpus import check_name
from reader.files.journal import Journal, journal_path
from reader.files.lock import DocLock

CACHED_FILES = 4
"""Annotation files whose records' text the store keeps between saves (`WriteCache`), newest first."""


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
    unsaved: bool = False
    """The annotations differ from the file: its journal was replayed, or spans were re-anchored,
    placed again or kept aside, or suggestions dropped. Saving writes what the repair made."""
    journal: Journal | None = None
    """The document's journal, for the process holding the lock (None when read-only)."""
    cursor: int = 0
    """Where the cursor was when the document was left last (the state file), as opened."""


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
        self._caches: OrderedDict[Path, WriteCache] = OrderedDict()
        self._caches_lock = threading.Lock()
        self._states: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
        self._swept: set[Path] = set()
        """Annotator folders whose stale temporary files this store removed (a kill leaves them)."""

    # ----------------------------------------------------------------- paths

    def path(self, annotator: str, doc_id: str) -> Path:
        check_name("annotator", annotator)
        check_name("document id", doc_id)
        return self.root / annotator / f"{doc_id}.json"

    def lock_path(self, annotator: str, doc_id: str) -> Path:
        return self.root / annotator / f".{doc_id}.lock"

    def journal_path(self, annotator: str, doc_id: str) -> Path:
        return journal_path(self.path(annotator, doc_id))

    def state_path(self, annotator: str) -> Path:
        """The annotator's own state on this machine (the cursor in each document): not their work."""
        check_name("annotator", annotator)
        return self.root / annotator / ".state.json"

    def annotators(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(  # a folder with no annotation file yet (opened, nothing saved) is nobody's work
            p.name for p in self.root.iterdir()
            if p.is_dir() and not p.name.startswith((".", "_")) and _documents(p)
        )

    def files(self, annotator: str | None = None) -> list[Path]:
        """Every annotation file of the annotator (or of everyone), with those whose edits are only in
        a journal so far (the path of the file they will be folded into)."""
        names = [annotator] if annotator else self.annotators()
        out: list[Path] = []
        for name in names:
            folder = self.root / name
            if folder.is_dir():
                out.extend(sorted(folder / f"{doc_id}.json" for doc_id in _documents(folder)))
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
            taken = None
            if held is not None:  # nobody else writes this document now: what a kill left is ours
                if path.parent not in self._swept:  # once a process: a folder may hold 10,000 files
                    remove_stale(path.parent, (path.name, journal_path(path).name))
                    self._swept.add(path.parent)
                taken = Journal.open(journal_path(path))
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
        loaded.journal = taken if held is not None else None
        if held is not None and loaded.unsaved and not path.exists():  # edits only in a journal so far:
            self._write(path, annotator, loaded.annotations)  # every reader looks for the file first
        loaded.cursor = loaded.annotations.cursor = self.cursor(annotator, doc.id, loaded.cursor)
        if newer:
            loaded.report.insert(0, f"{path}: opened read-only, written by a newer reader (format "
                                    f"{loaded.format_version}; this one knows up to {annotation_file.FORMAT_VERSION})")
        elif readonly:
            why = self.last_refusal or "another process is editing it"
            loaded.report.insert(0, f"{path}: opened read-only, {why}")
        return loaded

    def _load(self, path: Path, doc: Document) -> Loaded:
        ann = DocAnnotations(doc, self.schema)
        if not path.exists() and not journal_path(path).exists():
            return Loaded(ann)
        file = read_file(path)
        report: list[str] = []
        unsaved = file.journal > 0 or file.meta.text_changed(doc)
        if file.meta.text_changed(doc):
            report.append(f"{path}: the document's text changed since it was annotated; spans re-anchored")
        for stored in file.spans:
            lines = self._place(path, ann, stored)
            report.extend(lines)  # moved, kept aside or placed again: the file will say so
            unsaved = unsaved or (bool(lines) if stored.orphaned is None else stored.id in ann.spans)
        ann.id_floor = file.meta.last_ids
        for stored_rel in file.relations:
            rel = stored_rel.relation
            problem = ann.restore_relation(rel)
            if problem is not None:
                ann.keep_aside(Orphan(rel, problem))
                report.append(f"{path}: relation {rel.id} kept aside: {problem}")
            unsaved = unsaved or (problem is None) != (stored_rel.orphaned is None)
        ann.status = file.meta.status
        fitting = []
        for span in file.suggested_spans:
            if 0 <= span.start < span.end <= len(doc.text) and doc.text[span.start : span.end] == span.text:
                fitting.append(span)
            else:
                unsaved = True
                report.append(f"{path}: suggestion {span.id} no longer fits the text; dropped (run reader suggest again)")
        ann.set_suggestions(fitting, file.suggested_relations)
        return Loaded(ann, report=report, exists=True, format_version=file.meta.format_version, unsaved=unsaved,
                      cursor=file.meta.cursor or 0)

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

    def save(self, annotator: str, ann: DocAnnotations, *, lock: DocLock | None = None,
             keep_journal: bool = False) -> Path:
        """Write the whole file once, atomically. Refuses when another process holds the lock.

        The file then holds everything the document's journal had (`ann` was loaded with it replayed),
        so the journal is removed, unless `keep_journal` (the app's saver, which folds it itself)."""
        path = self.path(annotator, ann.document.id)
        own = None
        if lock is None or not lock.held:
            own = self.lock(annotator, ann.document.id)
            if own is None:
                raise StoreError("another process is editing this file; not saved", path)
        try:
            self._write(path, annotator, ann)
            if not keep_journal:
                journal_path(path).unlink(missing_ok=True)
        finally:
            if own is not None:
                own.release()
        return path

    def warm(self, annotator: str, ann: DocAnnotations) -> None:
        """Encode `ann` as its file would be written, keeping the records' text for the next save and
        writing nothing: the app's saver does it while the annotator reads, so that the first save of a
        long document costs what changed too."""
        path = self.path(annotator, ann.document.id)
        encode_file(self._meta(annotator, ann), ann.document.text, ann.sorted_spans(), ann.relations.values(),
                    ann.orphans, ann.suggested_spans, ann.suggested_relations, cache=self._cache(path))

    def _write(self, path: Path, annotator: str, ann: DocAnnotations) -> None:
        write_file(
            path, self._meta(annotator, ann), ann.document.text, ann.sorted_spans(), ann.relations.values(),
            ann.orphans, ann.suggested_spans, ann.suggested_relations, cache=self._cache(path),
        )

    def _meta(self, annotator: str, ann: DocAnnotations) -> Meta:
        return Meta(
            doc_id=ann.document.id,
            annotator=annotator,
            sha256=ann.document.sha256,
            status=ann.status,
            schema_version=self.schema.version if self.schema else 1,
            updated=now_iso(),
            last_ids=ann.highest_ids(),
        )

    def _cache(self, path: Path) -> WriteCache:
        with self._caches_lock:
            cache = self._caches.pop(path, None) or WriteCache()
            self._caches[path] = cache
            while len(self._caches) > CACHED_FILES:
                self._caches.popitem(last=False)
            return cache

    # ----------------------------------------------------------------- the annotator's own state

    def cursor(self, annotator: str, doc_id: str, default: int = 0) -> int:
        """Where the annotator left `doc_id` (the state file), else `default`."""
        entry = self._state(annotator).get(doc_id)
        cursor = entry.get("cursor") if isinstance(entry, dict) else None
        return cursor if type(cursor) is int and cursor >= 0 else default

    def remember_cursor(self, annotator: str, doc_id: str, cursor: int) -> None:
        """Keep where the annotator leaves `doc_id`, in the state file (read again first: another
        process of the same annotator may have left another document meanwhile)."""
        state = self._state(annotator)
        state[doc_id] = {**(state.get(doc_id) if isinstance(state.get(doc_id), dict) else {}), "cursor": cursor}
        write_atomic(self.state_path(annotator), json.dumps(dict(sorted(state.items())), indent=1) + "\n")

    def _state(self, annotator: str) -> dict[str, Any]:
        """The state file's documents (a copy); an unreadable one counts as empty (it is rewritten on
        the next leave, and holds nothing but where cursors were). Read again only when it changed:
        a command loading every document of a corpus asks for each one's cursor."""
        path = self.state_path(annotator)
        try:
            info = path.stat()
        except OSError:
            return {}
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)  # each write is a new file (an inode)
        known = self._states.get(annotator)
        if known is None or known[0] != stamp:
            try:
                data = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                data = {}
            known = self._states[annotator] = (stamp, data if isinstance(data, dict) else {})
        return dict(known[1])


def _documents(folder: Path) -> set[str]:
    """The ids of the documents with an annotation file or a journal in an annotator's folder."""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return set()
    found = {n[:-5] for n in names if n.endswith(".json") and not n.startswith(".")}
    found.update(n[1:-8] for n in names if n.startswith(".") and n.endswith(".journal") and len(n) > 9)
    return found
