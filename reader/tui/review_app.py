"""The review app (`reader review A B`). `create_review_app` is the one way to build it, for the command
line and the tests, as `create_app` is for annotating.

The keymap is read and checked before the app starts and applied once with `App.set_keymap`. The app
owns the `ReviewSession`; quitting waits for the last save and refuses to drop one that keeps failing.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from ..keymap import Keymap, load_keymap
from ..project import Project
from ..review_session import ReviewSession
from .help import HelpRow, HelpScreen
from .review import ReviewScreen


class ReviewApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "reader review"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit", tooltip="Save and quit")]

    def __init__(self, session: ReviewSession, keymap: Keymap, report: list[str] | None = None) -> None:
        """`session` has its first document open already (`create_review_app` opens it, so a file that
        cannot be read is a one-line error before the app runs); `report` is what the store repaired."""
        super().__init__()
        self.session = session
        self.project = session.project
        self.keymap = keymap
        self._report = list(report or [])
        self._quit_anyway = False

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """`App.notify`, but the message is always plain text: what this app notifies carries file
        names, ids, document text and error messages, and as markup "[/x]" raises MarkupError when the
        toast is drawn (the app dies) and "[sic]" vanishes. Forced, not only defaulted: a screen's
        `Widget.notify` passes its own `markup=True` on to here."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _report_save(self, error: str | None) -> None:
        """Called from the autosave thread."""
        message = error or "Saved again after the failure; nothing was lost."
        self.call_from_thread(self.notify, message, severity="error" if error else "information", timeout=6)

    def on_mount(self) -> None:
        self.set_keymap(self.keymap.keys)
        self.session.report_save = self._report_save
        if self.session.review is None:  # built by hand, not by create_review_app
            self._report = self.session.open(self.session.first_document())
        self.push_screen(ReviewScreen(self.session))
        for line in self._report:
            self.notify(line, severity="warning", timeout=10)

    async def action_quit(self) -> None:
        if not self.session.leave(timeout=5.0) and not self._quit_anyway:
            self._quit_anyway = True
            error = self.session.saver.last_error if self.session.saver else "unknown error"
            self.notify(f"Could not save ({error}). Press ctrl+q again to quit and lose the last decisions.", severity="error", timeout=15)
            return
        self.exit()

    def action_help(self) -> None:
        from .app import _short
        from .catalog import bindings

        rows = []
        for where, binding in bindings():
            keys = self._keymap.get(binding.id, binding.key) if binding.id else binding.key
            shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
            rows.append(HelpRow(where, shown, binding.tooltip or binding.description, binding.id or ""))
        # the review's own keys first: they are the ones this screen is about
        rows.sort(key=lambda r: (r.context not in ("review screen", "anywhere"), r.context != "review screen"))
        self.push_screen(HelpScreen(rows, tuple(_short(path) for path in self.keymap.sources)))


def create_review_app(
    project: Project, a: str, b: str, into: str = "gold", doc_ids: list[str] | None = None, keymap: str = "default"
) -> ReviewApp:
    """The review of annotators `a` and `b` into `into` over the documents both annotated (or `doc_ids`).

    Unknown annotators, a shared document missing, nothing shared, or a file of the first document
    that cannot be read are one-line UserErrors here, before any screen is drawn: the first document
    is opened (and its gold locked) here, not in `on_mount`."""
    from textual.keys import _normalize_key_list

    from .catalog import known_ids

    session = ReviewSession(project, a, b, into, doc_ids)
    loaded_keymap = load_keymap(keymap, known_ids(), _normalize_key_list, project.path)
    report = session.open(session.first_document())
    return ReviewApp(session, loaded_keymap, report)
