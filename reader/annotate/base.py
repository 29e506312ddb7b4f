"""What annotating and reviewing share: a list of documents, one open at a time, its lock and its saves.

`Session` (annotating) and `ReviewSession` (adjudicating, in `reader.review`) differ in what they read
for a document and how they save it, not in how a document is opened and left: the next one is read
(and its file locked) before the open one is left, so an unreadable file, or a save that keeps
failing, keeps the user on the document they have, still locked and saving. Leaving waits for the
last save and releases the lock; a save that keeps failing keeps the document open (its saver keeps
retrying) and the app must not drop it. Leaving a document nobody edited writes nothing (its saver has
nothing pending), so it takes no longer than releasing the lock.

A subclass says what it reads (`_read`), what it keeps of it (`_entered`), what it saves last before
leaving (`_last_request`) and, when it is more than one annotator's file, how it saves (`_writer`).
It sits here, under `reader.review`, because the layer contract lets review build on annotate, not
the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reader.core.errors import UserError
from reader.files.autosave import AutoSaver
from reader.files.project import Project
from reader.files.store import Loaded


class DocumentSession:
    """One document of `doc_ids` open at a time, written as `owner` (an annotator, or a review's target)."""

    def __init__(
        self,
        project: Project,
        owner: str,
        doc_ids: list[str],
        report_save: Callable[[str | None], None] = lambda error: None,
    ) -> None:
        self.project = project
        self.owner = owner
        self.doc_ids = doc_ids
        self.report_save = report_save
        """Called from the autosave thread: `report_save(message)` on a failed save, `(None)` when one
        succeeds again. May be replaced while a document is open (the app sets its own on mount)."""
        self.loaded: Loaded | None = None
        """The open document's file as the store read it (lock, read-only flag, repair report)."""
        self.saver: AutoSaver | None = None
        """Saves the open document; None when nothing is open or it is read-only."""

    # ----------------------------------------------------------------- what subclasses say

    def _read(self, doc_id: str) -> tuple[Any, Loaded]:
        """Read `doc_id` with its file locked (read-only if another process has the lock): what the
        subclass keeps of it, and the `Loaded`. Raises UserError (holding no lock) if it cannot."""
        raise NotImplementedError

    def _entered(self, opened: Any) -> None:
        """`opened` (from `_read`) is now the open document; its saver, if writable, exists."""

    def _writer(self, loaded: Loaded) -> Callable[[Any], object] | None:
        """How a snapshot is saved, if not by `store.save(owner, ...)`."""
        return None

    def _last_request(self, saver: AutoSaver) -> None:
        """Queue what must be saved on leaving (before the last flush)."""

    def _left(self) -> None:
        """The open document was left: drop what `_entered` kept."""

    # ----------------------------------------------------------------- documents

    @property
    def doc_id(self) -> str:
        assert self.loaded is not None, "no document open"
        return self.loaded.annotations.document.id

    @property
    def index(self) -> int:
        return self.doc_ids.index(self.doc_id)

    @property
    def readonly(self) -> bool:
        return self.loaded is not None and self.loaded.readonly

    def neighbour(self, step: int) -> str | None:
        """The id `step` documents away from the open one, or None past either end."""
        i = self.index + step
        return self.doc_ids[i] if 0 <= i < len(self.doc_ids) else None

    def open(self, doc_id: str, timeout: float = 10.0) -> list[str]:
        """Open `doc_id`, then leave the open document (saved, its lock released); returns what the
        store repaired. Opening the document already open does nothing.

        The new document is read first: if it cannot be, the UserError says so and the open document
        stays open, locked and saving, as before. If the open one's last save keeps failing, the new
        one's lock is released again and the UserError (after `timeout` seconds) says the user stays where
        they are.
        """
        if self.loaded is not None and doc_id == self.doc_id:
            return []
        opened, loaded = self._read(doc_id)
        if not self.leave(timeout):
            if loaded.lock is not None:
                loaded.lock.release()
            error = self.saver.last_error if self.saver else ""
            raise UserError(f"could not save {self.doc_id}; staying on it ({error})")
        self.loaded = loaded
        if not loaded.readonly:
            self.saver = AutoSaver(
                self.project.store, self.owner, loaded.lock, lambda error: self.report_save(error),
                save=self._writer(loaded), loaded=loaded,
            )
        self._entered(opened)
        return list(loaded.report)

    def leave(self, timeout: float = 10.0) -> bool:
        """Save the open document and release its lock; False (and still open, its saver retrying) if
        the save keeps failing for `timeout` seconds."""
        if self.loaded is None:
            return True
        if self.saver is not None:
            self._last_request(self.saver)
            if not self.saver.flush(timeout):
                return False
            self.saver.close(timeout)
            self.saver = None
        if self.loaded.lock is not None:
            self.loaded.lock.release()
        self.loaded = None
        self._left()
        return True
