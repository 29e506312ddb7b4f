"""The review app (`reader review A B [C ...]`). `create_review_app` is the one way to build it, for the command
line and the tests, as `create_app` is for annotating.

The keymap is read and checked before the app starts and applied once with `App.set_keymap`. The app
owns the `ReviewSession`; quitting waits for the last save and refuses to drop one that keeps failing.
"""

from __future__ import annotations

from reader.files.keymap import Keymap
from reader.files.project import Project
from reader.review.session import ReviewSession
from reader.tui.base_app import KeyedApp
from reader.tui.help import HelpRow
from reader.tui.review import ReviewScreen


class ReviewApp(KeyedApp):
    TITLE = "reader review"
    LOST = "the last decisions"

    def __init__(self, session: ReviewSession, keymap: Keymap, report: list[str] | None = None) -> None:
        """`session` has its first document open already (`create_review_app` opens it, so a file that
        cannot be read is a one-line error before the app runs); `report` is what the store repaired."""
        super().__init__()
        self.session = session
        self.project = session.project
        self.keymap = keymap
        self._report = list(report or [])

    def on_mount(self) -> None:
        self.set_keymap(self.keymap.keys)
        self.session.report_save = self._report_save
        if self.session.review is None:  # built by hand, not by create_review_app
            self._report = self.session.open(self.session.first_document())
        self.push_screen(ReviewScreen(self.session))
        for line in self._report:
            self.notify(line, severity="warning", timeout=10)

    def on_unmount(self) -> None:
        self.session.stop_counting()

    def help_rows(self) -> list[HelpRow]:
        # the review's own keys first: they are the ones this screen is about
        rows = super().help_rows()
        rows.sort(key=lambda r: (r.context not in ("review screen", "anywhere"), r.context != "review screen"))
        return rows


def create_review_app(
    project: Project, a: str, b: str, into: str = "gold", doc_ids: list[str] | None = None, keymap: str = "default",
    others: tuple[str, ...] | list[str] = (), auto_accept: int | None = None,
) -> ReviewApp:
    """The review of annotators `a` and `b` (and `others`) into `into` over the documents all of them
    annotated (or `doc_ids`); with three or more, `auto_accept` K takes what K of them made.

    Unknown annotators, a shared document missing, nothing shared, or a file of the first document
    that cannot be read are one-line UserErrors here, before any screen is drawn: the first document
    is opened (and its gold locked) here, not in `on_mount`."""
    from reader.tui.catalog import app_keymap

    session = ReviewSession(project, a, b, into, doc_ids, others=others, auto_accept=auto_accept)
    try:
        loaded_keymap = app_keymap(keymap, project.path)
        report = session.open(session.first_document())
    except BaseException:
        session.stop_counting()
        raise
    return ReviewApp(session, loaded_keymap, report)
