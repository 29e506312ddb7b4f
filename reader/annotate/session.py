"""One annotator working through a project's documents: the open one, its lock, its autosave.

Headless, so the app's document handling (open, switch, mark done, progress, read-only when another
process edits the same file) is tested without a terminal. The app edits `session.annotations` and
calls `edited()`, which puts the edit in the document's journal before it returns (so what the screen
shows next survives a kill) and leaves the file to the saver's thread; the session never blocks on a
save except when the document is left. Where the cursor was goes to the annotator's state file when
the document is left (`Store.remember_cursor`), never into the annotation file.
"""

from __future__ import annotations

from typing import Callable

from reader.annotate.base import DocumentSession
from reader.annotate.documents import progress
from reader.core.annotations import DocAnnotations
from reader.files.autosave import AutoSaver
from reader.files.project import Project
from reader.files.store import Loaded


class Session(DocumentSession):
    """`annotator`'s work on every document of the project; opening, leaving, the lock and the saves
    are `DocumentSession`'s."""

    def __init__(
        self,
        project: Project,
        annotator: str,
        report_save: Callable[[str | None], None] = lambda error: None,
    ) -> None:
        super().__init__(project, annotator, project.corpus.ids, report_save)
        self.annotator = annotator
        self.statuses: dict[str, str] = {row.doc_id: row.status for row in progress(project, annotator)}

    @property
    def annotations(self) -> DocAnnotations:
        assert self.loaded is not None, "no document open"
        return self.loaded.annotations

    def _read(self, doc_id: str) -> tuple[None, Loaded]:
        return None, self.project.store.load(self.annotator, self.project.corpus.get(doc_id), lock=True)

    def _last_request(self, saver: AutoSaver) -> None:
        """The cursor, if it moved, so that reopening puts it back; nothing of it in the tracked file."""
        assert self.loaded is not None
        cursor = self.annotations.cursor
        if cursor != self.loaded.cursor:
            try:
                self.project.store.remember_cursor(self.annotator, self.doc_id, cursor)
            except OSError:  # only where the cursor was: not a reason to refuse to leave
                return
            self.loaded.cursor = cursor

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
