"""Saving after every edit without ever blocking the keyboard, and without losing an edit to a kill.

The app calls `request(annotations)` after each edit. With the document's journal (`Loaded.journal`),
what the edit changed is appended to it and made durable before `request` returns (`Changes` finds
it: the spans the model's change log names, the relations, status and suggestions that are other
objects than last time), so an edit on screen survives a kill at any moment. A snapshot is taken at
once too (cheap: the tables are copied, spans are immutable), and a background thread folds the
newest one into the annotation file once the keys pause (`IDLE`, at most `MAX_DELAY` after the first
unsaved edit), then empties the journal up to that snapshot. A burst of keys costs one write, and the
write of a long document never competes with the keys that make it. A write encodes only the records
that changed (`table_text`); the first one of a visit would encode them all, so the file is encoded
once, writing nothing, while the annotator reads (`_warm_up`, after `IDLE` with no edit).

A write happens only when the file would change: a snapshot equal to what the file holds (an edit and
its undo) empties the journal and writes nothing. A failed save keeps its snapshot, is reported
through `report`, and is retried with a growing pause until it succeeds or a newer edit replaces it;
`flush()` waits for the last save (on quit or when switching documents) and says whether everything
reached the file. Without a journal (a review saving its gold and decisions through `save`), the
snapshot is the only copy, so it is written after `SETTLE`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
from reader.files.annotation_file import StoreError, relation_record, span_record
from reader.files.lock import DocLock
from reader.files.store import Loaded, Store

RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)
SETTLE = 0.05
"""Seconds a save without a journal waits after the first unsaved edit, so the key that made it is
drawn first (the writer thread shares the GIL with the UI) and a burst of keys becomes one write."""
IDLE = 0.5
"""Seconds without an edit before the journal is folded into the file: the edits are safe meanwhile."""
MAX_DELAY = 20.0
"""Seconds after the first unsaved edit by which the fold happens even while keys keep coming."""


class AutoSaver:
    def __init__(
        self,
        store: Store,
        annotator: str,
        lock: DocLock | None = None,
        report: Callable[[str | None], None] = lambda error: None,
        save: Callable[[Any], object] | None = None,
        loaded: Loaded | None = None,
    ) -> None:
        """`report(None)` after a successful save that followed a failure; `report(message)` on failure
        (both from the saver's thread).

        `save(snapshot)` replaces `store.save` for objects that are more than one annotator's file
        (a review saves its gold and its decisions); whatever is requested must have `snapshot()`.
        `loaded` (what `Store.load` gave, with its lock) brings the journal and what the file holds."""
        self.store = store
        self.save = save
        self.annotator = annotator
        self.lock = lock
        self.report = report
        self.saves = 0
        """Writes of the file so far."""
        self.last_error: str | None = None
        self._journal = loaded.journal if loaded is not None and save is None else None
        self._changes = Changes(loaded.annotations) if self._journal is not None else None
        self._written: DocAnnotations | None = None
        """What the file holds, as far as this saver knows (None: unknown, so the next save writes)."""
        if loaded is not None and save is None and not loaded.unsaved:
            self._written = loaded.annotations.snapshot()
        self._idle = IDLE if self._journal is not None else SETTLE
        self._has_file = loaded is None or loaded.exists
        self._unjournaled: dict[str, Any] | None = None
        """An entry the journal could not take (a full disk): written with the next one."""
        self._journal_error: str | None = None
        self._pending: tuple[Any, int] | None = None
        """The newest snapshot to save and the journal's mark when it was taken."""
        self._first = self._last = 0.0
        self._busy = False
        self._closed = False
        self._flushing = 0
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="reader-autosave", daemon=True)
        self._thread.start()
        self._keys_came = threading.Event()
        """Set by the first request (or closing): the warm-up is no longer worth it."""
        if loaded is not None and save is None and loaded.unsaved:  # a replayed journal, a repair
            self._queue(loaded.annotations)
        elif self._journal is not None and loaded is not None:
            threading.Thread(target=self._warm_up, args=(self._written,), name="reader-warm", daemon=True).start()

    def _warm_up(self, snapshot: DocAnnotations) -> None:
        """While the annotator reads, encode the file as it stands (writing nothing), so that the
        first fold of a long document costs what changed too. Not joined: leaving never waits for it."""
        if self._keys_came.wait(self._idle):
            return
        try:
            self.store.warm(self.annotator, snapshot)
        except Exception:  # noqa: BLE001 - only a head start: the fold encodes whatever is missing
            pass

    @property
    def pending(self) -> bool:
        """Whether something is not in the file yet (a snapshot waiting or being saved, or a journal)."""
        with self._cond:
            waiting = self._pending is not None or self._busy
        return waiting or (self._journal is not None and self._journal.pending)

    @property
    def journaled(self) -> bool:
        """Whether every edit not yet in the file is safe in the journal, so that quitting despite a
        failing save loses none of them (they are replayed when the document is opened)."""
        return self._journal is not None and self._unjournaled is None

    def request(self, annotations: Any) -> None:
        """Record an edit: in the journal, durably, before this returns (when there is one); in the file
        soon, on the saver's thread."""
        self._keys_came.set()
        if self._changes is not None:
            entry = self._changes.entry(annotations)
            if entry is None and self._unjournaled is None:
                if not self.pending:
                    return  # nothing changed since the file was written
            elif not self._has_file and self._write_now(annotations):
                return
            else:
                self._append(entry)
        self._queue(annotations)

    def _write_now(self, annotations: DocAnnotations) -> bool:
        """A document's first edit makes its file at once (it holds one edit: small), so that every
        reader finds it; whether it was written (if not, the edit goes to the journal)."""
        snapshot = annotations.snapshot()
        with self._cond:
            self._cond.wait_for(lambda: not self._busy)
            try:
                self.store.save(self.annotator, snapshot, lock=self.lock, keep_journal=True)
            except (OSError, StoreError):
                return False
            assert self._journal is not None
            self._journal.folded(self._journal.mark())
            self._pending, self._written, self._has_file, self._unjournaled = None, snapshot, True, None
            self.saves += 1
            self._cond.notify_all()
        return True

    def _append(self, entry: dict[str, Any] | None) -> None:
        assert self._journal is not None and self._changes is not None
        if self._unjournaled is not None:
            entry = self._changes.merge(self._unjournaled, entry or {})
        try:
            self._journal.append(entry or {})
        except OSError as exc:  # the file write still follows; said from the saver's thread
            self._unjournaled, self._journal_error = entry, f"could not write the journal: {exc}"
            return
        self._unjournaled = None

    def _queue(self, annotations: Any) -> None:
        mark = self._journal.mark() if self._journal is not None else 0
        snapshot = annotations.snapshot()
        with self._cond:
            now = time.monotonic()
            if self._pending is None:
                self._first = now
            self._last = now
            self._pending = (snapshot, mark)
            self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every requested save is on disk; False if one is still failing after `timeout`."""
        with self._cond:
            self._flushing += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: self._pending is None and not self._busy, timeout)
            finally:
                self._flushing -= 1

    def close(self, timeout: float = 10.0) -> bool:
        """Flush, stop the thread and close the journal (kept if it still holds unsaved edits)."""
        self._keys_came.set()
        done = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=1.0)
        if self._journal is not None:
            self._journal.close()
        return done

    def _wait_for_pause(self) -> None:
        """With the condition held: until the keys pause, or a flush or close cuts it short."""
        while not self._closed and not self._flushing:
            left = min(self._last + self._idle, self._first + MAX_DELAY) - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(left)

    def _run(self) -> None:
        attempt = 0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None and self._closed:
                    return
                self._wait_for_pause()
                if self._pending is None:
                    continue
                (snapshot, mark), self._pending, self._busy = self._pending, None, True
            if self._journal_error is not None:
                self.report(self._journal_error)
                self._journal_error = None
            try:
                self._fold(snapshot, mark)
            except Exception as exc:  # kept and retried: a save is never dropped
                attempt += 1
                self.last_error = str(exc)
                with self._cond:
                    if self._pending is None:
                        self._pending = (snapshot, mark)
                    self._busy = False
                    self._cond.notify_all()
                self.report(f"save failed, retrying: {exc}")
                with self._cond:
                    self._cond.wait(RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)])
                continue
            with self._cond:
                self._busy = False
                self._cond.notify_all()
            if attempt:
                attempt = 0
                self.last_error = None
                self.report(None)

    def _fold(self, snapshot: Any, mark: int) -> None:
        """Write `snapshot` unless the file holds it already, then drop the journal up to `mark`."""
        if self.save is not None:
            self.save(snapshot)
            self.saves += 1
            return
        if self._written is None or not same_file(snapshot, self._written):
            self.store.save(self.annotator, snapshot, lock=self.lock, keep_journal=self._journal is not None)
            self.saves += 1
            self._written, self._has_file = snapshot, True
        if self._journal is not None:
            self._journal.folded(mark)


def same_file(a: DocAnnotations, b: DocAnnotations) -> bool:
    """Whether saving `a` would write what saving `b` wrote (but for the time it was written)."""
    return (
        a == b and a.status == b.status and a.suggested_spans == b.suggested_spans
        and a.suggested_relations == b.suggested_relations
        and [o.reason for o in a.orphans] == [o.reason for o in b.orphans]
    )


class Changes:
    """What the journal holds of one document's annotations, and so what an entry must say next.

    Only what changed is looked at: the spans the model's change log names since the last entry (all
    spans, by identity, when the log does not reach back that far), the relations and suggestions by
    identity (spans and relations are immutable: another object is a change), status and ids."""

    def __init__(self, ann: DocAnnotations) -> None:
        self._text = ann.document.text
        self._version = ann.version
        self._spans = dict(ann.spans)
        self._relations = dict(ann.relations)
        self._status = ann.status
        self._ids = dict(ann.highest_ids())
        self._ghosts = list(ann.suggested_spans)
        self._links = list(ann.suggested_relations)

    def entry(self, ann: DocAnnotations) -> dict[str, Any] | None:
        """The journal entry that brings what the journal holds to `ann`, or None if nothing changed."""
        out: dict[str, Any] = {}
        text = self._text
        spans = self._span_changes(ann)
        if spans:
            out["spans"] = {k: None if s is None else span_record(s, text) for k, s in spans.items()}
        relations = _changed(self._relations, ann.relations)
        if relations:
            out["relations"] = {k: None if r is None else relation_record(r) for k, r in relations.items()}
            self._relations = dict(ann.relations)
        meta: dict[str, Any] = {}
        if ann.status != self._status:
            meta["status"] = self._status = ann.status
        ids = ann.highest_ids()
        if ids != self._ids:
            self._ids = dict(ids)
            meta["last_ids"] = dict(sorted(ids.items()))
        if meta:
            out["meta"] = meta
        if ann.suggested_spans != self._ghosts:
            out["suggested_spans"] = _list_changes(self._ghosts, ann.suggested_spans, True, lambda s: span_record(s, text))
            self._ghosts = list(ann.suggested_spans)
        if ann.suggested_relations != self._links:
            out["suggested_relations"] = _list_changes(self._links, ann.suggested_relations, False, relation_record)
            self._links = list(ann.suggested_relations)
        self._version = ann.version
        return out or None

    def _span_changes(self, ann: DocAnnotations) -> dict[str, Span | None]:
        log = ann.span_changes_since(self._version)
        if log is None:
            changed = _changed(self._spans, ann.spans)
        else:
            changed = {}
            for old, new in log:
                key = (new or old).id  # type: ignore[union-attr]
                now = ann.spans.get(key)
                if now is not self._spans.get(key):
                    changed[key] = now
        for key, span in changed.items():
            if span is None:
                self._spans.pop(key, None)
            else:
                self._spans[key] = span
        if len(self._spans) != len(ann.spans):  # a change the log did not see: look at them all
            more = _changed(self._spans, ann.spans)
            changed.update(more)
            self._spans = dict(ann.spans)
        return changed

    def merge(self, older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
        """One entry saying what both say (`newer` wins); suggestions as the whole tables now."""
        out = {k: dict(v) for k, v in older.items() if isinstance(v, dict)}
        for name, value in newer.items():
            if isinstance(value, dict):
                out[name] = {**out.get(name, {}), **value}
        text = self._text
        if "suggested_spans" in older or "suggested_spans" in newer:
            out["suggested_spans"] = [span_record(s, text) for s in self._ghosts]
        if "suggested_relations" in older or "suggested_relations" in newer:
            out["suggested_relations"] = [relation_record(r) for r in self._links]
        return out


def _changed(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """key -> new value (None: gone) of what differs, by identity."""
    out = {k: v for k, v in new.items() if old.get(k) is not v}
    out.update((k, None) for k in old if k not in new)
    return out


def _list_changes(old: list, new: list, sort: bool, record: Callable[[Any], dict]) -> dict | list:
    """A suggestion table's entry: changes by id when replaying them gives `new` in its order
    (`journal.apply`: kept in place, added at the end, then the spans in text order), else the table."""
    before = {x.id: x for x in old}
    after = {x.id: x for x in new}
    changes: dict[str, Any] = {k: None for k in before if k not in after}
    changes.update((k, v) for k, v in after.items() if before.get(k) is not v)
    rows: list[Any] = list(old)
    where = {x.id: i for i, x in enumerate(rows)}
    added = False
    for key in sorted(changes):
        if key in where:
            rows[where[key]] = changes[key]
        elif changes[key] is not None:
            rows.append(changes[key])
            added = True
    rows = [x for x in rows if x is not None]
    if sort and added:
        rows.sort(key=lambda s: (s.start, -s.end, s.label, s.id))
    if [x.id for x in rows] != [x.id for x in new]:
        return [record(x) for x in new]
    return {k: None if v is None else record(v) for k, v in changes.items()}

