"""One annotator working through a project's documents: the open one, its lock, its autosave.

Headless, so the app's document handling (open, switch, mark done, progress, read-only when another
process edits the same file) is tested without a terminal. The app edits `session.annotations` and
calls `edited()`; the session never blocks on a save except when the document is left.
"""

from __future__ import annotations

from typing import Callable

from reader.annotate.documents import progress
from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.files.autosave import AutoSaver
from reader.files.project import Project
from reader.files.store import Loaded


class Session:
    def __init__(
        self,
        project: Project,
        annotator: str,
        report_save: Callable[[str | None], None] = lambda error: None,
    ) -> None:
        self.project = project
        self.annotator = annotator
        self.report_save = report_save
        self.doc_ids: list[str] = project.corpus.ids
        self.statuses: dict[str, str] = {row.doc_id: row.status for row in progress(project, annotator)}
        self.loaded: Loaded | None = None
        self.saver: AutoSaver | None = None

    @property
    def annotations(self) -> DocAnnotations:
        assert self.loaded is not None, "no document open"
        return self.loaded.annotations

    @property
    def readonly(self) -> bool:
        return self.loaded is not None and self.loaded.readonly

    @property
    def doc_id(self) -> str:
        return self.annotations.document.id

    @property
    def index(self) -> int:
        return self.doc_ids.index(self.doc_id)

    def open(self, doc_id: str) -> list[str]:
        """Open `doc_id` and leave the current document (saving it); returns what the store repaired.

        The new document is read first: if its file cannot be read, the error is raised and the
        current document stays open, as it was.
        """
        doc = self.project.corpus.get(doc_id)
        loaded = self.project.store.load(self.annotator, doc, lock=True)
        if not self.leave():
            if loaded.lock is not None:
                loaded.lock.release()
            error = self.saver.last_error if self.saver else ""
            raise UserError(f"could not save {self.doc_id}; staying on it ({error})")
        self.loaded = loaded
        if not self.readonly:
            self.saver = AutoSaver(self.project.store, self.annotator, self.loaded.lock, self.report_save)
        return list(self.loaded.report)

    def neighbour(self, step: int) -> str | None:
        """The id `step` documents away from the open one, or None past either end."""
        i = self.index + step
        return self.doc_ids[i] if 0 <= i < len(self.doc_ids) else None

    def edited(self) -> None:
        """Record an edit: the status moves from todo to in progress, and a save is queued."""
        ann = self.annotations
        if ann.status == "todo" and ann.spans:
            ann.status = "in-progress"
        self._status_changed()
        if self.saver is not None:
            self.saver.request(ann)

    def toggle_done(self) -> str:
        ann = self.annotations
        ann.status = "in-progress" if ann.status == "done" else "done"
        self.edited()
        return ann.status

    def _status_changed(self) -> None:
        ann = self.annotations
        self.statuses[self.doc_id] = ann.status if (ann.spans or ann.status == "done") else "todo"

    def progress(self) -> tuple[int, int]:
        return sum(1 for s in self.statuses.values() if s == "done"), len(self.doc_ids)

    def leave(self, timeout: float = 10.0) -> bool:
        """Save the open document (cursor included) and release its lock.

        If the save keeps failing, the document stays open (and its saver keeps retrying) and False
        is returned: the app must not drop it.
        """
        if self.loaded is None:
            return True
        if self.saver is not None:
            if self.loaded.exists or self.annotations.spans or self.annotations.cursor:
                self.saver.request(self.annotations)  # the cursor, so reopening puts it back
            if not self.saver.flush(timeout):
                return False
            self.saver.close(timeout)
            self.saver = None
        if self.loaded.lock is not None:
            self.loaded.lock.release()
        self.loaded = None
        return True
