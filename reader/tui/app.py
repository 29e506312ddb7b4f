"""The annotation app: for now the article view of one document and a placeholder side panel.

`create_app` is the one way to build it, for the command line and the tests alike. Annotations are
loaded read-only here (no lock, no save): editing arrives with the tag panel.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Footer, Static

from ..errors import UserError
from ..model import DocAnnotations
from ..project import Project
from .article import ArticleView


class SidePanel(Static):
    """Placeholder for the tag panel: where the cursor is and what span is under it."""

    def show(self, view: ArticleView) -> None:
        doc = view.annotations.document
        lines = [doc.title, "", f"{len(view.annotations)} spans", f"cursor {view.cursor}"]
        if view.selection:
            start, end = view.selection
            lines.append(f"selection {start}-{end}")
        span = view.span_at_cursor()
        if span is not None:
            lines.append(f"{span.label} {span.start}-{span.end}")
        self.update(Content("\n".join(lines)))  # Content: the title is data, never markup


class ReaderApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "reader"

    def __init__(self, project: Project, annotator: str, doc_ids: list[str], keymap: str) -> None:
        super().__init__()
        self.project = project
        self.annotator = annotator
        self.doc_ids = doc_ids
        self.keymap_name = keymap
        """Applied by the keymap issue; kept so the command line's option is not lost."""

    def load(self, doc_id: str) -> DocAnnotations:
        doc = self.project.corpus.get(doc_id)
        return self.project.store.load(self.annotator, doc).annotations

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield ArticleView(self.load(self.doc_ids[0]), self.project.schema, id="article")
            yield SidePanel(id="side")
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(ArticleView)
        view.focus()
        self.sub_title = view.annotations.document.title
        self.query_one(SidePanel).show(view)

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.query_one(SidePanel).show(message.view)


def create_app(
    project: Project, annotator: str, doc_ids: list[str] | None = None, keymap: str = "default"
) -> ReaderApp:
    """The app on `project`, showing the first of `doc_ids` (default: the corpus's first document)."""
    corpus = project.corpus
    ids = list(doc_ids or [])
    for doc_id in ids:
        corpus.get(doc_id)  # UserError naming an unknown id, before any screen is drawn
    if not ids:
        if not corpus.ids:
            raise UserError("no documents in seeds/", project.path)
        ids = corpus.ids[:1]
    return ReaderApp(project, annotator, ids, keymap)
