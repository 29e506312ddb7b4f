"""A bare app around one ArticleView, for the Pilot and snapshot tests."""

from __future__ import annotations

from textual.app import App, ComposeResult

from reader.core.annotations import DocAnnotations
from reader.core.model import Document
from reader.core.schema import default_schema
from reader.tui.article import ArticleView


def annotations(text: str, spans: list[tuple[int, int, str]] = ()) -> DocAnnotations:
    ann = DocAnnotations(Document("doc", text), default_schema())
    for start, end, label in spans:
        ann.add_span(start, end, label)
    return ann


class ViewApp(App):
    CSS = "ArticleView { height: 1fr; }"

    def __init__(self, text: str, spans: list[tuple[int, int, str]] = ()) -> None:
        super().__init__()
        self.ann = annotations(text, spans)
        self.moves: list[ArticleView.CursorMoved] = []

    def compose(self) -> ComposeResult:
        yield ArticleView(self.ann, default_schema(), id="view")

    def on_mount(self) -> None:
        self.query_one(ArticleView).focus()

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.moves.append(message)


def lines(view: ArticleView) -> list[str]:
    """The text of every row on screen, as drawn."""
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]
