"""The annotation app. `create_app` is the one way to build it, for the command line and the tests.

The keymap is read and checked before the app starts (a bad file is a one-line error, not a broken
screen) and applied once with `App.set_keymap`. The app owns the `Session` (open document, lock,
autosave); quitting waits for the last save and refuses to drop one that keeps failing.
"""

from __future__ import annotations

from functools import partial
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..errors import UserError
from ..keymap import Keymap, load_keymap
from ..project import Project
from ..session import Session
from .annotate import AnnotateScreen
from .help import HelpRow, HelpScreen


class ReaderApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "reader"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit", tooltip="Save and quit")]

    def __init__(self, project: Project, annotator: str, doc_ids: list[str], keymap: Keymap) -> None:
        super().__init__()
        self.project = project
        self.annotator = annotator
        self.doc_ids = doc_ids
        self.keymap = keymap
        self.session = Session(project, annotator, self._report_save)
        self.open_report = self.session.open(doc_ids[0])
        """What the store repaired in the first document; opened before the app runs, so that a file
        that cannot be read is a one-line error from the command line, not a broken screen."""
        self._quit_anyway = False

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Never markup: messages carry article text, search words, ids and paths (a `[/x]` would
        crash Textual's markup parser, a `[sic]` would vanish). Widgets pass markup=True: ignored."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _report_save(self, error: str | None) -> None:
        """Called from the autosave thread."""
        message = error or "Saved again after the failure; nothing was lost."
        self.call_from_thread(self.notify, message, severity="error" if error else "information", timeout=6)

    def on_mount(self) -> None:
        self.set_keymap(self.keymap.keys)
        report = self.open_report
        self.push_screen(AnnotateScreen(self.session))
        for error in self.project.corpus.errors:
            self.notify(str(error), severity="error", timeout=10)
        for line in report:
            self.notify(line, severity="warning", timeout=10)

    async def action_quit(self) -> None:
        if not self.session.leave(timeout=5.0) and not self._quit_anyway:
            self._quit_anyway = True
            error = self.session.saver.last_error if self.session.saver else "unknown error"
            self.notify(f"Could not save ({error}). Press ctrl+q again to quit and lose the last edits.", severity="error", timeout=15)
            return
        self.exit()

    def action_help(self) -> None:
        from .catalog import bindings

        rows = []
        for where, binding in bindings():
            keys = self._keymap.get(binding.id, binding.key) if binding.id else binding.key
            shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
            rows.append(HelpRow(where, shown, binding.tooltip or binding.description, binding.id or ""))
        self.push_screen(HelpScreen(rows, tuple(_short(path) for path in self.keymap.sources)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the main screen and the article, in the palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, AnnotateScreen):
            return
        from .article import ArticleView
        from .catalog import bindings

        article = screen.query_one(ArticleView)
        for where, binding in bindings():
            target = {"main screen": screen, "article": article}.get(where)
            if target is None or binding.id.startswith("pick."):
                continue
            title = binding.tooltip or binding.description
            yield SystemCommand(title, f"{binding.id} ({binding.key})", partial(target.run_action, binding.action))


def _short(path: str) -> str:
    """A shipped keymap by its name, another file by its path (home as ~)."""
    from pathlib import Path

    from ..keymap import KEYMAP_DIR

    p = Path(path)
    if p.parent == KEYMAP_DIR:
        return p.stem
    home = str(Path.home())
    return "~" + path[len(home):] if path.startswith(home + "/") else path


def create_app(project: Project, annotator: str, doc_ids: list[str] | None = None, keymap: str = "default") -> ReaderApp:
    """The app on `project`, opening the first of `doc_ids` (default: the first document)."""
    from textual.keys import _normalize_key_list

    from .catalog import known_ids

    corpus = project.corpus
    ids = list(doc_ids or [])
    for doc_id in ids:
        corpus.get(doc_id)  # UserError naming an unknown id, before any screen is drawn
    if not corpus.ids:
        raise UserError("no documents in seeds/", project.path)
    if not ids:
        ids = corpus.ids[:1]
    loaded_keymap = load_keymap(keymap, known_ids(), _normalize_key_list, project.path)
    return ReaderApp(project, annotator, ids, loaded_keymap)
