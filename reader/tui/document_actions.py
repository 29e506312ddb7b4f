"""The document keys of the main screen: mark done, next and previous document, the document list,
and searching the article.

Opening another document goes through the session (which saves and unlocks the one left, and reports
what it repaired in the new one); the screen then forgets its undo history, any pending pick and
the span under the caret, since they belong to the document left. A search match is selected in
selection mode, so `w` and the other moves extend it; shift+f3 goes back from the match's start.
"""

from __future__ import annotations

from dataclasses import replace

from reader.core.errors import UserError


class DocumentActions:
    """Mixed into `AnnotateScreen`: uses its `session`, `article`, `panel`, `picking_for`,
    `query_text`, `_start_history`, `_refresh_all`, `notify` and `app`."""

    def action_done(self) -> None:
        if self.session.readonly:
            self.notify("Read-only: cannot mark done.", severity="warning")
            return
        status = self.session.toggle_done()
        self._refresh_all()
        self.notify(f"Document marked {status}.", timeout=2)

    def action_document(self, step: int) -> None:
        doc_id = self.session.neighbour(step)
        if doc_id is None:
            self.notify("No more documents that way.", timeout=2)
            return
        self.open_document(doc_id)

    def open_document(self, doc_id: str) -> None:
        try:
            report = self.session.open(doc_id)
        except UserError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.picking_for = None
        self._current = None
        self._start_history()
        ann = self.session.annotations
        self.article.load(ann)
        self.panel.load(ann)
        self._refresh_all()
        for line in report:
            self.notify(line, severity="warning", timeout=8)

    def action_documents(self) -> None:
        from reader.annotate.documents import progress
        from reader.tui.documents import DocumentsScreen  # loads when first opened, not before the first frame

        ann = self.session.annotations  # the open document's latest state, saved or not yet
        rows = [
            replace(r, status=self.session.statuses[r.doc_id], spans=len(ann.spans), relations=len(ann.relations))
            if r.doc_id == self.session.doc_id
            else r
            for r in progress(self.session.project, self.session.annotator)
        ]
        self.app.push_screen(
            DocumentsScreen(rows, self.session.doc_id),
            lambda doc_id: doc_id and doc_id != self.session.doc_id and self.open_document(doc_id),
        )

    def action_search(self) -> None:
        from reader.tui.dialogs import TextDialog

        def answer(value: str | None) -> None:
            if value:
                self.query_text = value
                self.action_search_next(1, from_cursor=True)

        self.app.push_screen(TextDialog("Search", self.query_text, "text to find (case-insensitive)"), answer)

    def action_search_next(self, step: int, from_cursor: bool = False) -> None:
        if not self.query_text:
            self.action_search()
            return
        from reader.view.extents import find

        view = self.article
        # backwards from the current match's start, or the match itself would be found again
        origin = view.selection[0] if step < 0 and view.selection else view.cursor
        found = find(self.session.annotations.text, self.query_text, origin, step, from_cursor)
        if found is None:
            self.notify(f"Not found: {self.query_text}", severity="warning", timeout=2)
            return
        view.select(*found)  # in selection mode: the next moves extend the match
