"""Small modal dialogs: choose one of a list (link target, label, attribute value, yes/no) or type a line.

Textual's own `OptionList` and `Input` do the work; the subclasses only redeclare the bindings we use
with ids (Textual 8's widgets have none), so a keymap can remap them. Prompts are `Content` built from
plain strings: article text in a choice is never read as markup.

A list answers to the keys it shows: each row is drawn with its key (a label's own key, a digit,
a letter) and pressing that key chooses the row at once, as arrows and enter do. Rows without a
key of their own are numbered 1-9 in order. A choice key is a plain character (digits, letters),
never one of the dialog's bindings (arrows, enter, escape, the keymap's `dialog.*` keys).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.tui.modal_keys import (
    CHOICE_DIALOG_BINDINGS,
    CHOICES_BINDINGS,
    LINE_INPUT_BINDINGS,
    TEXT_DIALOG_BINDINGS,
)


@dataclass(frozen=True)
class Choice:
    value: str
    prompt: Content | str
    key: str = ""
    """The character that chooses this row ("" in a dialog that numbers its rows: its number)."""


class Choices(OptionList):
    """An OptionList whose bindings have ids."""

    BINDINGS = CHOICES_BINDINGS


class LineInput(Input):
    BINDINGS = LINE_INPUT_BINDINGS


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


def numbered(choices: list[Choice]) -> list[Choice]:
    """`choices` with the rows that have no key numbered 1-9 in order (the rest keep theirs)."""
    taken = {c.key for c in choices if c.key}
    free = iter(str(n) for n in range(1, 10) if str(n) not in taken)
    return [c if c.key else Choice(c.value, c.prompt, next(free, "")) for c in choices]


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one value by its key, or with the arrows and enter; escape gives None."""

    DEFAULT_CSS = DIALOG_CSS.format(cls="ChoiceDialog")
    BINDINGS = CHOICE_DIALOG_BINDINGS

    def __init__(self, title: str, choices: list[Choice], hint: str = "", highlight: int = 0) -> None:
        super().__init__()
        self.title_text = title
        self.choices = numbered(choices)
        self.hint = hint
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog--title")
            options = [Option(self._prompt(c), id=str(i)) for i, c in enumerate(self.choices)]
            yield Choices(*options, markup=False)
            if self.hint:
                yield Static(Content(self.hint), classes="dialog--hint")

    @staticmethod
    def _prompt(choice: Choice) -> Content:
        prompt = choice.prompt if isinstance(choice.prompt, Content) else Content(choice.prompt)
        if not choice.key:
            return Content("   ") + prompt
        return Content.styled(f"{choice.key:>2} ", "bold") + prompt

    def on_key(self, event) -> None:
        """A row's key chooses it (before the bindings: a row key is never a dialog binding)."""
        if event.character:
            for choice in self.choices:
                if choice.key and choice.key == event.character:
                    event.stop()
                    event.prevent_default()
                    self.dismiss(choice.value)
                    return

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
    BINDINGS = TEXT_DIALOG_BINDINGS

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
