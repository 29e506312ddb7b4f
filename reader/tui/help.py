"""The help screen: the active keys, generated from the bindings and the keymap in force, never by hand."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


@dataclass(frozen=True)
class HelpRow:
    context: str
    keys: str
    description: str
    binding_id: str


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > Vertical { width: 90; max-width: 98%; height: 90%; border: thick $accent; background: $surface; }
    HelpScreen .help--title { text-style: bold; padding: 0 1; }
    HelpScreen DataTable { height: 1fr; }
    """

    def __init__(self, rows: list[HelpRow], keymap_sources: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.rows = rows
        self.keymap_sources = keymap_sources

    def compose(self) -> ComposeResult:
        with Vertical():
            title = "Keys"
            if self.keymap_sources:
                title += " (keymap: " + ", then ".join(self.keymap_sources) + ")"
            yield Static(Content(title), classes="help--title")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="help-table")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("where", "keys", "does", "binding id")
        for row in self.rows:
            table.add_row(Text(row.context), Text(row.keys, style="bold"), Text(row.description), Text(row.binding_id, style="dim"))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
