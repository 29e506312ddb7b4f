"""The help screen: the active keys, generated from the bindings and the keymap in force, never by hand.

It lists the keys of the screen it was opened on (the annotate screen does not list the review
screen's keys, nor the other way round); `a` shows every screen's keys, and again only this one's.
Every row it was given stays in `rows`, whichever are shown. A description too long for its column
wraps onto a second line rather than being cut mid-word.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from reader.tui.modal_keys import HELP_BINDINGS


@dataclass(frozen=True)
class HelpRow:
    context: str
    keys: str
    description: str
    binding_id: str


ELSEWHERE = {
    "ReviewScreen": frozenset({"main screen", "span list", "documents"}),
}
"""Contexts whose keys do nothing on a screen (by its class name); any other screen: the review's."""

ELSEWHERE_DEFAULT = frozenset({"review screen"})

NOTES = {
    "AnnotateScreen": (
        "A label key marks the selection; with nothing selected it relabels the span under the cursor "
        "(undo takes it back) or, on no span, marks the sentence. After a claim, quote or allegation the "
        "source picker opens: a number links, p picks in the text, escape leaves it without "
        "(span.link_after_label turns the picker off). Every list answers to the keys it shows."
    ),
}
"""What a screen's keys do together, which no single row says (by the screen's class name)."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = HELP_BINDINGS
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > Vertical { width: 96; max-width: 98%; height: 90%; border: thick $accent; background: $surface; }
    HelpScreen .help--title { text-style: bold; padding: 0 1; }
    HelpScreen .help--note { color: $text-muted; padding: 0 1 1 1; }
    HelpScreen DataTable { height: 1fr; }
    """

    def __init__(self, rows: list[HelpRow], keymap_sources: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.rows = rows
        """Every row the app gave, shown or not."""
        self.keymap_sources = keymap_sources
        self.show_all = False
        self._hidden: frozenset[str] = ELSEWHERE_DEFAULT

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(""), classes="help--title", id="help-title")
            yield Static(Content(""), classes="help--note", id="help-note")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="help-table")

    @property
    def shown(self) -> list[HelpRow]:
        """The rows on screen: this screen's keys, or every row with `a`."""
        return self.rows if self.show_all else [r for r in self.rows if r.context not in self._hidden]

    def on_mount(self) -> None:
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        self._hidden = ELSEWHERE.get(type(below).__name__, ELSEWHERE_DEFAULT)
        note = self.query_one("#help-note", Static)
        note.update(Content(NOTES.get(type(below).__name__, "")))
        note.display = type(below).__name__ in NOTES
        table = self.query_one(DataTable)
        table.add_column("where", width=11)
        table.add_column("keys", width=12)
        table.add_column("does", width=38)
        table.add_column("binding id", width=24)
        self._fill()
        table.focus()

    def _fill(self) -> None:
        title = "Keys of this screen" if not self.show_all else "Keys of every screen"
        if self.keymap_sources:
            title += " (keymap: " + ", then ".join(self.keymap_sources) + ")"
        title += "   a: " + ("only this screen's" if self.show_all else "every screen's")
        self.query_one("#help-title", Static).update(Content(title))
        table = self.query_one(DataTable)
        table.clear()
        for row in self.shown:
            table.add_row(Text(row.context), Text(row.keys, style="bold"), Text(row.description),
                          Text(row.binding_id, style="dim"), height=None)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self._fill()

    def action_close(self) -> None:
        self.dismiss(None)
