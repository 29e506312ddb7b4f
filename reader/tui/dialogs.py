"""Small modal dialogs: choose one of a list (link target, label, attribute value, yes/no) or type a line.

Textual's own `OptionList` and `Input` do the work; the subclasses only redeclare the bindings we use
with ids (Textual 8's widgets have none), so a keymap can remap them. Prompts are `Content` built from
plain strings: article text in a choice is never read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Choice:
    value: str
    prompt: Content | str


class Choices(OptionList):
    """An OptionList whose bindings have ids."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, id="dialog.up"),
        Binding("down", "cursor_down", "Down", show=False, id="dialog.down"),
        Binding("enter", "select", "Choose", id="dialog.choose"),
        Binding("home", "first", "First", show=False, id="dialog.first"),
        Binding("end", "last", "Last", show=False, id="dialog.last"),
    ]


class LineInput(Input):
    BINDINGS = [Binding("enter", "submit", "Done", show=False, id="input.submit")]


DIALOG_CSS = """
{cls} {{ align: center middle; background: $background 60%; }}
{cls} > Vertical {{
    width: 72; max-width: 95%; height: auto; max-height: 80%;
    border: thick $accent; background: $surface; padding: 0 1;
}}
{cls} .dialog--title {{ text-style: bold; padding-bottom: 1; }}
{cls} .dialog--hint {{ color: $text-muted; padding-top: 1; }}
{cls} Choices {{ height: auto; max-height: 20; border: none; }}
"""


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one value with the arrows and enter; escape gives None."""

    DEFAULT_CSS = DIALOG_CSS.format(cls="ChoiceDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, choices: list[Choice], hint: str = "", highlight: int = 0) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hint = hint
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog--title")
            options = [
                Option(c.prompt if isinstance(c.prompt, Content) else Content(c.prompt), id=str(i))
                for i, c in enumerate(self.choices)
            ]
            yield Choices(*options, markup=False)
            if self.hint:
                yield Static(Content(self.hint), classes="dialog--hint")

    def on_mount(self) -> None:
        options = self.query_one(Choices)
        options.highlighted = min(self.highlight, max(0, len(self.choices) - 1))
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id or 0)].value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextDialog(ModalScreen[str | None]):
    """Type one line (a note, a search); enter confirms, escape gives None."""

    DEFAULT_CSS = DIALOG_CSS.format(cls="TextDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog--title")
            yield LineInput(self.value, placeholder=self.placeholder)
            if self.hint:
                yield Static(Content(self.hint), classes="dialog--hint")

    def on_mount(self) -> None:
        self.query_one(LineInput).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
