"""Every binding of the app in one place: the ids a keymap may name, the help screen, the palette.

Generated from the widgets' and screens' own `BINDINGS`, so help and keymap checks can never drift
from what the keys really do. `app_keymap` is how both apps read and check their keymap.
"""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from reader.files.keymap import Keymap, load_keymap
from reader.tui.annotate import AnnotateScreen
from reader.tui.article import ArticleView
from reader.tui.modal_keys import MODAL_BINDINGS
from reader.tui.review_keys import REVIEW_BINDINGS
from reader.tui.tag_panel import SpanList

WHERE = {
    "KeyedApp": "anywhere",
    "AnnotateScreen": "main screen",
    "ArticleView": "article",
    "SpanList": "span list",
    "Choices": "dialog",
    "ChoiceDialog": "dialog",
    "LineInput": "dialog",
    "TextDialog": "dialog",
    "DocumentsScreen": "documents",
    "DocumentTable": "documents",
    "HelpScreen": "help",
    "ReviewScreen": "review screen",
}


def binding_tables() -> list[tuple[str, list]]:
    """(class name, its own BINDINGS) of every screen and widget; the review screen's come from
    `review_keys` and the dialogs', documents' and help's from `modal_keys`, so that the annotate
    app's keymap check loads neither the review code nor those screens."""
    from reader.tui.base_app import (
        KeyedApp,  # the apps' own bindings (quit): both apps build on it
    )

    classes = [KeyedApp, AnnotateScreen, ArticleView, SpanList]
    return ([(cls.__name__, cls.__dict__.get("BINDINGS", [])) for cls in classes] + list(MODAL_BINDINGS.items())
            + [("ReviewScreen", REVIEW_BINDINGS)])


def bindings() -> list[tuple[str, Binding]]:
    """(where, binding) for every binding that has an id, in the order the classes declare them."""
    out: list[tuple[str, Binding]] = []
    seen: set[tuple[str, str]] = set()
    for name, table in binding_tables():
        for item in table:
            if isinstance(item, Binding) and item.id:
                where = WHERE.get(name, name)
                if (where, item.id) not in seen:
                    seen.add((where, item.id))
                    out.append((where, item))
    return out


def known_ids() -> dict[str, str]:
    """Binding id -> its default keys."""
    return {binding.id: binding.key for _where, binding in bindings() if binding.id}


def normalise_keys(keys: str) -> str:
    """Comma-separated keys in Textual's own spelling ("(" is "left_parenthesis", "?" is
    "question_mark"), so that `load_keymap` sees two spellings of one key as one key, as Textual will.

    Textual's own helper for this (`textual.keys._normalize_key_list`, what `App.set_keymap` uses) is
    private; this goes through the public `Binding.make_bindings`, which spells the keys of a
    `BINDINGS` entry the same way. An empty key (as in "a,,b") is kept as it is, for `load_keymap`
    to report rather than raise here.
    """
    return ",".join(
        next(iter(Binding.make_bindings([Binding(key, "")]))).key if key else key
        for key in (k.strip() for k in keys.split(","))
    )


def app_keymap(name_or_path: str, project: Path | None = None) -> Keymap:
    """The effective keymap `name_or_path` for every binding of the app, checked (`load_keymap`)."""
    return load_keymap(name_or_path, known_ids(), normalise_keys, project)
