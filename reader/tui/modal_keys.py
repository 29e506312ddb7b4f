"""The keys of the dialogs, the documents screen and the help, apart from those screens, so that
checking a keymap at start-up (the catalog of every binding id) does not import them: they load when
first opened, after the article is on screen."""

from __future__ import annotations

from textual.binding import Binding

CHOICES_BINDINGS = [
    Binding("up", "cursor_up", "Up", show=False, id="dialog.up"),
    Binding("down", "cursor_down", "Down", show=False, id="dialog.down"),
    Binding("enter", "select", "Choose", id="dialog.choose"),
    Binding("home", "first", "First", show=False, id="dialog.first"),
    Binding("end", "last", "Last", show=False, id="dialog.last"),
]
LINE_INPUT_BINDINGS = [Binding("enter", "submit", "Done", show=False, id="input.submit")]
CHOICE_DIALOG_BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
TEXT_DIALOG_BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

DOCUMENT_TABLE_BINDINGS = [
    Binding("enter", "select_cursor", "Open", id="documents.open"),
    Binding("up", "cursor_up", "Up", show=False, id="documents.up"),
    Binding("down", "cursor_down", "Down", show=False, id="documents.down"),
]
DOCUMENTS_SCREEN_BINDINGS = [
    Binding("escape,D", "close", "Back", id="documents.close"),
    Binding("s", "order(True)", "Most unsure first", id="documents.by_uncertainty",
            tooltip="Order by the model's uncertainty (not done and most unsure first), or back to corpus order"),
    Binding("s", "order(False)", "Corpus order", id="documents.by_uncertainty",
            tooltip="Back to corpus order"),
]
"""One key, two bindings under one id: the footer names the order the key goes to."""

HELP_BINDINGS = [
    Binding("escape,question_mark,q", "close", "Close", id="help.close"),
    Binding("a", "toggle_all", "All screens", id="help.all", tooltip="Show every screen's keys (again: only this screen's)"),
]

MODAL_BINDINGS = {
    "ChoiceDialog": CHOICE_DIALOG_BINDINGS,
    "Choices": CHOICES_BINDINGS,
    "TextDialog": TEXT_DIALOG_BINDINGS,
    "LineInput": LINE_INPUT_BINDINGS,
    "DocumentsScreen": DOCUMENTS_SCREEN_BINDINGS,
    "DocumentTable": DOCUMENT_TABLE_BINDINGS,
    "HelpScreen": HELP_BINDINGS,
}
"""Class name -> its own BINDINGS, in the order the catalog lists them."""
