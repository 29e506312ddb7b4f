"""Saving after every edit without ever blocking the keyboard, and without losing a failed save.

The app calls `request(annotations)` after each edit: a snapshot is taken at once (cheap: the tables
are copied, spans are immutable) and a background thread writes the newest one through the store.
Edits that arrive while a save runs are merged into the next one, so a burst of keys costs one or two
writes. A failed save keeps its snapshot, is reported through `report`, and is retried with a growing
pause until it succeeds or a newer edit replaces it; `flush()` waits for the last save (on quit or when
switching documents) and says whether everything reached the disk.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from reader.core.annotations import DocAnnotations
from reader.files.lock import DocLock
from reader.files.store import Store

RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)
SETTLE = 0.05
"""Seconds a save waits after the first unsaved edit, so the key that made it is drawn first (the
writer thread shares the GIL with the UI) and a burst of keys becomes one write."""


class AutoSaver:
    def __init__(
        self,
        store: Store,
        annotator: str,
        lock: DocLock | None = None,
        report: Callable[[str | None], None] = lambda error: None,
        save: Callable[[Any], object] | None = None,
    ) -> None:
        """`report(None)` after a successful save that followed a failure; `report(message)` on failure.

        `save(snapshot)` replaces `store.save` for objects that are more than one annotator's file
        (a review saves its gold and its decisions); whatever is requested must have `snapshot()`."""
        self.store = store
        self.save = save
        self.annotator = annotator
        self.lock = lock
        self.report = report
        self.saves = 0
        self.last_error: str | None = None
        self._pending: DocAnnotations | None = None
        self._busy = False
        self._closed = False
        self._flushing = 0
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="reader-autosave", daemon=True)
        self._thread.start()

    def request(self, annotations: DocAnnotations) -> None:
        with self._cond:
            self._pending = annotations.snapshot()
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
        done = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=1.0)
        return done

    def _run(self) -> None:
        attempt = 0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None and self._closed:
                    return
                if not self._closed and not self._flushing:
                    self._cond.wait(SETTLE)  # flush() and close() cut this short
                snapshot, self._pending, self._busy = self._pending, None, True
            try:
                if self.save is not None:
                    self.save(snapshot)
                else:
                    self.store.save(self.annotator, snapshot, lock=self.lock)
            except Exception as exc:  # kept and retried: a save is never dropped
                attempt += 1
                self.last_error = str(exc)
                with self._cond:
                    if self._pending is None:
                        self._pending = snapshot
                    self._busy = False
                    self._cond.notify_all()
                self.report(f"save failed, retrying: {exc}")
                with self._cond:
                    self._cond.wait(RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)])
                continue
            with self._cond:
                self._busy = False
                self.saves += 1
                self._cond.notify_all()
            if attempt:
                attempt = 0
                self.last_error = None
                self.report(None)
