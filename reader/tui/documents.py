"""The documents screen: every document's status for this annotator, span counts, overall progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, Static

from reader.annotate.documents import DocProgress
from reader.tui.base_app import KeyFooter

STATUS_STYLE = {"done": "bold green", "in-progress": "yellow", "todo": "dim", "unreadable": "bold red"}


class DocumentTable(DataTable):
    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="documents.open"),
        Binding("up", "cursor_up", "Up", show=False, id="documents.up"),
        Binding("down", "cursor_down", "Down", show=False, id="documents.down"),
    ]


class DocumentsScreen(Screen[str | None]):
    """Dismissed with the chosen document id, or None."""

    BINDINGS = [Binding("escape,D", "close", "Back", id="documents.close")]
    DEFAULT_CSS = """
    DocumentsScreen #progress-row { height: 1; padding: 0 1; margin: 1 0; }
    DocumentsScreen #progress-label { width: auto; padding-right: 2; }
    DocumentsScreen DataTable { height: 1fr; }
    """

    def __init__(self, rows: list[DocProgress], current: str | None = None) -> None:
        super().__init__()
        self.rows = rows
        self.current = current

    def compose(self) -> ComposeResult:
        done = sum(1 for r in self.rows if r.status == "done")
        with Horizontal(id="progress-row"):
            yield Static(Content(f"Documents {done}/{len(self.rows)} done"), id="progress-label")
            yield ProgressBar(total=max(1, len(self.rows)), show_eta=False, id="progress")
        yield DocumentTable(cursor_type="row", zebra_stripes=True, id="documents")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ProgressBar).update(progress=sum(1 for r in self.rows if r.status == "done"))
        table = self.query_one(DocumentTable)
        table.add_columns("status", "spans", "links", "document", "title")
        for row in self.rows:
            table.add_row(
                Text(row.status, style=STATUS_STYLE.get(row.status, "")),
                Text(str(row.spans), justify="right"),
                Text(str(row.relations), justify="right"),
                Text(row.doc_id[:40]),
                Text(row.title[:50]),
                key=row.doc_id,
            )
        ids = [r.doc_id for r in self.rows]
        if self.current in ids:
            table.move_cursor(row=ids.index(self.current))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(str(event.row_key.value))

    def action_close(self) -> None:
        self.dismiss(None)
