"""The main screen: the article beside the tag panel, and every annotation key.

Edits go through the open `DocAnnotations` (so each is checked and undoable) and the session's
autosave (so none blocks a key). Dialogs ask only what a key cannot say (which source, which label,
the note's words). What each group of keys does is in its own module: `span_actions`,
`link_actions`, `suggestion_actions`, `document_actions` (documents and search) and `edits`
(running an edit, undo and redo); the text a key means is computed headless in `view.extents`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from reader.annotate.session import Session
from reader.suggest.pending import pending_relations, pending_spans
from reader.tui.article import ArticleView
from reader.tui.base_app import KeyFooter
from reader.tui.document_actions import DocumentActions
from reader.tui.edits import EditActions
from reader.tui.link_actions import LinkActions
from reader.tui.span_actions import SpanActions
from reader.tui.suggestion_actions import SuggestionActions
from reader.tui.tag_panel import SpanList, TagPanel

if TYPE_CHECKING:
    from reader.suggest.cues import Cues


def _label_bindings() -> list[Binding]:
    return [
        Binding(str(n), f"label('{n}')", f"Label {n}", show=False, id=f"label.{n}",
                tooltip=f"Apply the label whose key is {n} (to the selection; with none, relabel the span under the cursor or mark the sentence)")
        for n in range(1, 10)
    ]


class DocHeader(Static):
    """Document title, annotator, status and progress; built from plain strings (titles are data)."""

    DEFAULT_CSS = "DocHeader { height: 1; background: $panel; color: $text; padding: 0 1; }"

    def show(self, session: Session) -> None:
        """Widths in terminal cells, not code points (a CJK character or an emoji takes two): the
        right part (annotator, status, progress) always shows whole where it fits; the title gets
        the rest, cut with an ellipsis."""
        self.session = session
        ann = session.annotations
        done, total = session.progress()
        flags = "  READ-ONLY" if session.readonly else ""
        right = Content(f"{session.annotator} · {ann.status} · doc {session.index + 1}/{total} · {done}/{total} done{flags}")
        width = self.content_size.width or 118
        right = right.truncate(width, ellipsis=True)
        room = width - right.cell_length - 3
        title = Content(" ".join(ann.document.title.split()))
        if room < 4:  # no room for a title worth reading
            self.update(right.pad_left(width - right.cell_length))
            return
        self.update(Content.assemble(title.truncate(room, ellipsis=True, pad=True), "   ", right))

    def on_resize(self) -> None:
        if getattr(self, "session", None) is not None:
            self.show(self.session)


class AnnotateScreen(SpanActions, LinkActions, SuggestionActions, DocumentActions, EditActions, Screen):
    """The article, the tag panel and the keys; the actions live in one module per concern (spans,
    links, suggestions, documents and search, edits and undo), the keys table stays here, in one
    place, because the keymaps and the help name these ids."""

    BINDINGS = _label_bindings() + [
        Binding("l", "link", "Link", id="span.link", tooltip="Link the span under the cursor to a source"),
        Binding("ctrl+l", "toggle_link_after_label", "Picker after label", show=False, id="span.link_after_label",
                tooltip="Turn off (or on) the source picker that opens after a claim, quote or allegation is marked"),
        Binding("x,delete", "delete_span", "Delete", id="span.delete", tooltip="Delete the span under the cursor"),
        Binding("r", "relabel", "Relabel", show=False, id="span.relabel", tooltip="Change the label of the span under the cursor"),
        Binding("m", "note", "Note", show=False, id="span.note", tooltip="Edit the note of the span under the cursor"),
        Binding("a", "attributes", "Attribute", show=False, id="span.attribute", tooltip="Set an attribute of the span under the cursor"),
        Binding("less_than_sign", "edge('start', -1)", "Grow start", show=False, id="span.grow_start", tooltip="Move the span's start a word or mark left"),
        Binding("greater_than_sign", "edge('start', 1)", "Shrink start", show=False, id="span.shrink_start", tooltip="Move the span's start a word or mark right"),
        Binding("comma", "edge('end', -1)", "Shrink end", show=False, id="span.shrink_end", tooltip="Move the span's end a word or mark left"),
        Binding("full_stop", "edge('end', 1)", "Grow end", show=False, id="span.grow_end", tooltip="Move the span's end a word or mark right"),
        Binding("p", "add_fragment", "Add fragment", show=False, id="span.add_fragment",
                tooltip="Add the selection to the span under the cursor (or the one last marked) as one more fragment"),
        Binding("P", "remove_fragment", "Remove fragment", show=False, id="span.remove_fragment",
                tooltip="Take the fragment under the cursor out of its span"),
        Binding("n", "next_span(1)", "Next span", show=False, id="span.next", tooltip="Go to the next span"),
        Binding("N", "next_span(-1)", "Previous span", show=False, id="span.previous", tooltip="Go to the previous span"),
        Binding("y", "accept_suggestion", "Accept", id="suggest.accept", tooltip="Accept the suggestion under the cursor (with its sources)"),
        Binding("X", "reject_suggestion", "Reject", id="suggest.reject", tooltip="Reject the suggestion under the cursor"),
        Binding("A", "accept_all_suggestions", "Accept all", id="suggest.accept_all", tooltip="Accept every suggestion in the document"),
        Binding("f", "next_suggestion(1)", "Next sugg.", id="suggest.next", tooltip="Go to the next suggestion"),
        Binding("F", "next_suggestion(-1)", "Previous suggestion", show=False, id="suggest.previous", tooltip="Go to the previous suggestion"),
        Binding("u,ctrl+z", "undo", "Undo", id="app.undo", tooltip="Undo the last edit"),
        Binding("U,ctrl+y", "redo", "Redo", show=False, id="app.redo", tooltip="Redo the last undone edit"),
        Binding("right_square_bracket", "document(1)", "Next doc", show=False, id="doc.next", tooltip="Open the next document"),
        Binding("left_square_bracket", "document(-1)", "Prev doc", show=False, id="doc.previous", tooltip="Open the previous document"),
        Binding("d", "done", "Done", id="doc.done", tooltip="Mark the document done (again: in progress)"),
        Binding("D", "documents", "Documents", id="doc.list", tooltip="List every document and its status"),
        Binding("slash", "search", "Search", id="search.find", tooltip="Search the article"),
        Binding("f3", "search_next(1)", "Next match", show=False, id="search.next", tooltip="Next match of the search"),
        Binding("shift+f3", "search_next(-1)", "Previous match", show=False, id="search.previous", tooltip="Previous match of the search"),
        Binding("tab", "switch_pane", "Pane", show=False, id="app.switch_pane", tooltip="Move between the article and the span list"),
        Binding("question_mark", "app.help", "Help", id="app.help", tooltip="Show the active keys"),
        Binding("enter", "pick_source", "Link here", show=False, id="pick.confirm", tooltip="Make the selection a source and link it"),
        Binding("escape", "cancel_pick", "Cancel link", show=False, priority=True, id="pick.cancel", tooltip="Stop picking a source"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.picking_for: str | None = None
        """Id of the span waiting for a source picked in the text (None: not picking)."""
        self.query_text = ""
        """The last search, for f3 and shift+f3."""
        self.link_after_label = session.project.schema.link_after_label
        """Open the source picker right after a label key marks a span that links (labels.yaml's
        `link_after_label`, on unless it says false; ctrl+l toggles it for the session)."""
        self._current: tuple[str, int] | None = None
        """(span id, cursor) of the span just marked, resized or gone to: it stays the span under the
        caret while the cursor stays there (a span's end is not inside it)."""
        self._cues: Cues | None = None
        self._start_history()

    @property
    def cues(self) -> Cues:
        """`suggest`'s cue words of the project: the quotation marks of `e`, the articles of names.
        Read on first use, not at start (reading and compiling them takes tens of milliseconds)."""
        if self._cues is None:
            from reader.suggest.cues import CuesError, load_cues

            try:
                self._cues = load_cues(self.session.project.path)
            except CuesError as exc:
                self.notify(f"{exc} (using the default cue words)", severity="warning", timeout=8)
                self._cues = load_cues(None)
        return self._cues

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        ann = self.session.annotations
        yield DocHeader(id="doc-header")
        with Horizontal(id="main"):
            yield ArticleView(ann, self.session.project.schema, id="article")
            yield TagPanel(ann, self.session.project.schema, id="tags")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.article.quote_pairs = lambda: tuple(self.cues.quote_pairs)
        self.article.focus()
        self._refresh_all()

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def panel(self) -> TagPanel:
        return self.query_one(TagPanel)

    def _refresh_all(self) -> None:
        self.query_one(DocHeader).show(self.session)
        ghosts = pending_spans(self.session.annotations)
        if ghosts != self.article.ghost_spans:
            had = bool(self.article.ghost_spans)
            self.article.ghost_spans = ghosts
            if had != bool(ghosts):
                self.refresh_bindings()  # the suggestion keys join or leave the footer
        self.article.refresh_spans()
        self.panel.refresh_spans(len(ghosts))
        self._show_here()

    def _show_here(self) -> None:
        """The panel marks the span under the caret and says which suggestion is under the cursor."""
        self.panel.query_one(SpanList).show_current(self._span_under_caret())
        ghost = self.article.ghost_at_cursor()
        if ghost is None:
            self.panel.show_suggestion(None)
            return
        ann = self.session.annotations
        ends = {g.id: g for g in self.article.ghost_spans} | dict(ann.spans)
        sources = [ends[r.tail].text for r in pending_relations(ann) if r.head == ghost.id and r.tail in ends]
        self.panel.show_suggestion(ghost, sources)

    SUGGESTION_ACTIONS = frozenset({"accept_suggestion", "reject_suggestion", "accept_all_suggestions", "next_suggestion"})

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("pick_source", "cancel_pick"):
            return self.picking_for is not None
        if action in self.SUGGESTION_ACTIONS:
            return bool(self.article.ghost_spans)  # no suggestions: the keys leave the footer
        return True

    # ----------------------------------------------------------------- events

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self._show_here()

    def on_span_list_chosen(self, message: SpanList.Chosen) -> None:
        """The span selected with the cursor at its start (where it is read from), the article focused."""
        self.article.focus()
        self.article.scroll_to_offset(message.span.start)
        self.article.select(message.span.start, message.span.end, cursor_at_end=False)
        self._keep_current(message.span.id)

    def action_switch_pane(self) -> None:
        if self.article.has_focus:
            self.panel.query_one(SpanList).focus()
        else:
            self.article.focus()
