"""The documents screen: every document's status for this annotator, span counts, overall progress.

When `reader suggest --model` has left the annotator an `.uncertainty.json`, an "unsure" column
shows how unsure the model was of each document, and `s` toggles the order between the corpus's and
active learning's (`by_uncertainty`: not done first, the most uncertain first), so that a team labels
what teaches the model most. The cursor stays on its document across a re-sort.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, Static

from reader.annotate.documents import DocProgress, by_uncertainty
from reader.tui.base_app import KeyFooter
from reader.tui.modal_keys import DOCUMENT_TABLE_BINDINGS, DOCUMENTS_SCREEN_BINDINGS

STATUS_STYLE = {"done": "bold green", "in-progress": "yellow", "todo": "dim", "unreadable": "bold red"}


class DocumentTable(DataTable):
    BINDINGS = DOCUMENT_TABLE_BINDINGS


class DocumentsScreen(Screen[str | None]):
    """Dismissed with the chosen document id, or None."""

    BINDINGS = DOCUMENTS_SCREEN_BINDINGS
    """One key, two bindings under one id: the footer names the order the key goes to."""
    DEFAULT_CSS = """
    DocumentsScreen #progress-row { height: 1; padding: 0 1; margin: 1 0; }
    DocumentsScreen #progress-label { width: auto; padding-right: 2; }
    DocumentsScreen DataTable { height: 1fr; }
    """

    def __init__(self, rows: list[DocProgress], current: str | None = None) -> None:
        super().__init__()
        self.rows = rows
        """Every document in corpus order."""
        self.current = current
        self.by_model = False
        """Shown in active learning's order (`by_uncertainty`) rather than the corpus's."""
        self.has_uncertainty = any(r.uncertainty is not None for r in rows)
        """A model has suggested some document: the unsure column and the order key are there."""

    @property
    def shown(self) -> list[DocProgress]:
        """The rows in the order the table shows them."""
        return by_uncertainty(self.rows) if self.by_model else self.rows

    def compose(self) -> ComposeResult:
        with Horizontal(id="progress-row"):
            yield Static(self._progress_text(), id="progress-label")
            yield ProgressBar(total=max(1, len(self.rows)), show_eta=False, id="progress")
        yield DocumentTable(cursor_type="row", zebra_stripes=True, id="documents")
        yield KeyFooter()

    def _progress_text(self) -> Content:
        done = sum(1 for r in self.rows if r.status == "done")
        return Content(f"Documents {done}/{len(self.rows)} done" + (" · by model uncertainty" if self.by_model else ""))

    def on_mount(self) -> None:
        self.query_one(ProgressBar).update(progress=sum(1 for r in self.rows if r.status == "done"))
        table = self.query_one(DocumentTable)
        table.add_columns("status", "spans", "links", *(["unsure"] if self.has_uncertainty else []), "document", "title")
        self._fill(self.current)
        table.focus()

    def _fill(self, current: str | None) -> None:
        """(Re)write the table's rows in the shown order, the cursor on `current` if it is there."""
        table = self.query_one(DocumentTable)
        table.clear()
        for row in self.shown:
            unsure = f"{row.uncertainty:.3f}" if row.uncertainty is not None else ""
            table.add_row(
                Text(row.status, style=STATUS_STYLE.get(row.status, "")),
                Text(str(row.spans), justify="right"),
                Text(str(row.relations), justify="right"),
                *([Text(unsure, justify="right")] if self.has_uncertainty else []),
                Text(row.doc_id[:40]),
                Text(row.title[:50]),
                key=row.doc_id,
            )
        ids = [r.doc_id for r in self.shown]
        if current in ids:
            table.move_cursor(row=ids.index(current))

    def cursor_doc(self) -> str | None:
        """The id of the document under the table's cursor (None: the table is empty)."""
        table = self.query_one(DocumentTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "order":  # no model has suggested anything: nothing to order by
            return self.has_uncertainty and parameters[0] != self.by_model
        return True

    def action_order(self, by_model: bool) -> None:
        """The model's order with the cursor on its first row (the document that would teach the
        model most: what the key is pressed for; on a long list the document the cursor was on may
        be far down), or corpus order with the cursor on the same document."""
        current = self.cursor_doc()
        self.by_model = by_model
        self._fill(self.shown[0].doc_id if by_model and self.shown else current)
        self.query_one("#progress-label", Static).update(self._progress_text())
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(str(event.row_key.value))

    def action_close(self) -> None:
        self.dismiss(None)
