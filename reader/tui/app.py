"""The annotation app. `create_app` is the one way to build it, for the command line and the tests.

The keymap is read and checked before the app starts (a bad file is a one-line error, not a broken
screen) and applied once with `App.set_keymap`. The app owns the `Session` (open document, lock,
autosave); quitting waits for the last save and refuses to drop one that keeps failing.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Iterable

from textual.app import SystemCommand
from textual.screen import Screen

from reader.annotate.session import Session
from reader.core.errors import UserError
from reader.files.keymap import Keymap
from reader.files.project import Project
from reader.tui.annotate import AnnotateScreen
from reader.tui.base_app import KeyedApp

if TYPE_CHECKING:
    from reader.tui.help import HelpRow


class ReaderApp(KeyedApp):
    TITLE = "reader"

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

    def on_mount(self) -> None:
        self.set_keymap(self.keymap.keys)
        report = self.open_report
        self.push_screen(AnnotateScreen(self.session))
        for error in self.project.corpus.errors:
            self.notify(str(error), severity="error", timeout=10)
        for line in report:
            self.notify(line, severity="warning", timeout=10)

    def help_rows(self) -> list[HelpRow]:
        """The label keys say which label they apply (from labels.yaml); keys no label has are left out."""
        from reader.tui.help import HelpRow

        rows = []
        for row in super().help_rows():
            if row.binding_id.startswith("label."):
                label = self.project.schema.label_for_key(row.binding_id.split(".", 1)[1])
                if label is None:
                    continue
                row = HelpRow(row.context, row.keys, f"Mark as {label.name}", row.binding_id)
            rows.append(row)
        return rows

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the main screen and the article, in the palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, AnnotateScreen):
            return
        from reader.tui.article import ArticleView
        from reader.tui.catalog import bindings

        article = screen.query_one(ArticleView)
        schema = self.project.schema
        for where, binding in bindings():
            target = {"main screen": screen, "article": article}.get(where)
            if target is None or binding.id.startswith("pick."):
                continue
            title = binding.tooltip or binding.description
            if binding.id.startswith("label."):  # named after the label its key applies; none: not offered
                label = schema.label_for_key(binding.id.split(".", 1)[1])
                if label is None:
                    continue
                title = f"Label as {label.name} (to the selection; with none, relabel the span under the cursor or mark the sentence)"
            yield SystemCommand(title, f"{binding.id} ({binding.key})", partial(target.run_action, binding.action))


def create_app(project: Project, annotator: str, doc_ids: list[str] | None = None, keymap: str = "default") -> ReaderApp:
    """The app on `project`, opening the first of `doc_ids` (default: the first document)."""
    from reader.tui.catalog import app_keymap

    corpus = project.corpus
    ids = list(doc_ids or [])
    for doc_id in ids:
        corpus.get(doc_id)  # UserError naming an unknown id, before any screen is drawn
    if not corpus.ids:
        raise UserError("no documents in seeds/", project.path)
    if not ids:
        ids = corpus.ids[:1]
    return ReaderApp(project, annotator, ids, app_keymap(keymap, project.path))
