"""The main screen: the article beside the tag panel, and every annotation key.

Edits go through the open `DocAnnotations` (so each is checked and undoable) and the session's
autosave (so none blocks a key). Dialogs ask only what a key cannot say (which source, which label,
the note's words). Linking offers the source spans nearest first; "pick in the text" lets the
reviewer select a new source and press enter (or a source label key) to make and link it at once.
"""

from __future__ import annotations

from dataclasses import replace

import regex
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from reader.annotate.session import Session
from reader.core.errors import UserError
from reader.core.model import InvariantError, Span, trim_extent
from reader.suggest.pending import (
    Rejected,
    accept,
    accept_all,
    pending_spans,
    reject,
    restore,
    suggestions_at,
)
from reader.tui.article import ArticleView
from reader.tui.dialogs import Choice, ChoiceDialog, TextDialog
from reader.tui.documents import DocumentsScreen
from reader.tui.tag_panel import SpanList, TagPanel, snippet


def _label_bindings() -> list[Binding]:
    return [
        Binding(str(n), f"label('{n}')", f"Label {n}", show=False, id=f"label.{n}", tooltip=f"Apply the label whose key is {n}")
        for n in range(1, 10)
    ]


class DocHeader(Static):
    """Document title, annotator, status and progress; built from plain strings (titles are data)."""

    DEFAULT_CSS = "DocHeader { height: 1; background: $panel; color: $text; padding: 0 1; }"

    def show(self, session: Session) -> None:
        self.session = session
        ann = session.annotations
        done, total = session.progress()
        flags = "  READ-ONLY" if session.readonly else ""
        right = f"{session.annotator} · {ann.status} · doc {session.index + 1}/{total} · {done}/{total} done{flags}"
        room = max(10, self.size.width - 2 - len(right) - 3) if self.size.width else 60
        self.update(Content(f"{snippet(ann.document.title, room):<{room}}   {right}"))

    def on_resize(self) -> None:
        if getattr(self, "session", None) is not None:
            self.show(self.session)


class AnnotateScreen(Screen):
    BINDINGS = _label_bindings() + [
        Binding("l", "link", "Link", id="span.link", tooltip="Link the span under the cursor to a source"),
        Binding("x,delete", "delete_span", "Delete", id="span.delete", tooltip="Delete the span under the cursor"),
        Binding("r", "relabel", "Relabel", show=False, id="span.relabel", tooltip="Change the label of the span under the cursor"),
        Binding("m", "note", "Note", show=False, id="span.note", tooltip="Edit the note of the span under the cursor"),
        Binding("a", "attributes", "Attribute", show=False, id="span.attribute", tooltip="Set an attribute of the span under the cursor"),
        Binding("less_than_sign", "edge('start', -1)", "Grow start", show=False, id="span.grow_start", tooltip="Move the span's start a word left"),
        Binding("greater_than_sign", "edge('start', 1)", "Shrink start", show=False, id="span.shrink_start", tooltip="Move the span's start a word right"),
        Binding("comma", "edge('end', -1)", "Shrink end", show=False, id="span.shrink_end", tooltip="Move the span's end a word left"),
        Binding("full_stop", "edge('end', 1)", "Grow end", show=False, id="span.grow_end", tooltip="Move the span's end a word right"),
        Binding("n", "next_span(1)", "Next span", show=False, id="span.next", tooltip="Go to the next span"),
        Binding("N", "next_span(-1)", "Previous span", show=False, id="span.previous", tooltip="Go to the previous span"),
        Binding("y", "accept_suggestion", "Accept", show=False, id="suggest.accept", tooltip="Accept the suggestion under the cursor (with its sources)"),
        Binding("X", "reject_suggestion", "Reject", show=False, id="suggest.reject", tooltip="Reject the suggestion under the cursor"),
        Binding("A", "accept_all_suggestions", "Accept all", show=False, id="suggest.accept_all", tooltip="Accept every suggestion in the document"),
        Binding("f", "next_suggestion(1)", "Next suggestion", show=False, id="suggest.next", tooltip="Go to the next suggestion"),
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
        self._history: list[Rejected | None] = []
        """What `undo` takes back, newest last: None for an edit of the annotations, else a rejection."""
        self._future: list[Rejected | None] = []

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        ann = self.session.annotations
        yield DocHeader(id="doc-header")
        with Horizontal(id="main"):
            yield ArticleView(ann, self.session.project.schema, id="article")
            yield TagPanel(ann, self.session.project.schema, id="tags")
        yield Footer()

    def on_mount(self) -> None:
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
            self.article.ghost_spans = ghosts
        self.article.refresh_spans()
        self.panel.refresh_spans()
        self.panel.query_one(SpanList).show_current(self.article.span_at_cursor())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("pick_source", "cancel_pick"):
            return self.picking_for is not None
        return True

    # ----------------------------------------------------------------- events

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.panel.query_one(SpanList).show_current(self.article.span_at_cursor())

    def on_span_list_chosen(self, message: SpanList.Chosen) -> None:
        self.article.scroll_to_offset(message.span.start)
        self.article.select(message.span.start, message.span.end)
        self.article.focus()

    # ----------------------------------------------------------------- editing helpers

    def _edit(self, do, success: str | None = None) -> object | None:
        """Run one edit; refuse when read-only; show what went wrong in one line; save and redraw."""
        if self.session.readonly:
            self.notify("This document is open read-only (another process is editing it).", severity="warning")
            return None
        try:
            result = do()
        except (InvariantError, UserError) as exc:
            self.notify(exc.message, severity="error")
            return None
        self.session.edited()
        self._history.append(None)
        self._future.clear()
        self._refresh_all()
        if success:
            self.notify(success, timeout=2)
        return True if result is None else result

    def _span_here(self) -> Span | None:
        span = self.article.span_at_cursor()
        if span is None:
            self.notify("No span under the cursor.", severity="warning", timeout=2)
        return span

    def _target_extent(self) -> tuple[int, int] | None:
        """The selection, or else the sentence under the cursor, trimmed of edge whitespace."""
        view = self.article
        extent = view.selection or view.seg.sentence_at(view.cursor)
        if extent is None:
            return None
        start, end = trim_extent(view.annotations.text, *extent)
        return (start, end) if start < end else None

    # ----------------------------------------------------------------- label keys

    def action_label(self, key: str) -> None:
        schema = self.session.project.schema
        label = schema.label_for_key(key)
        if label is None:
            self.notify(f"No label has the key {key}.", severity="warning", timeout=2)
            return
        extent = self._target_extent()
        if extent is None:
            return
        ann = self.session.annotations
        existing = ann.find_span(*extent, label.name)
        if existing is not None and self.picking_for is None:
            self.notify(f"That {label.name} is already marked.", timeout=2)
            return
        head = self.picking_for
        if head is not None and label.name in schema.link_targets(ann.spans[head].label):
            self._make_source_and_link(head, extent, label.name)
            return
        span = self._edit(lambda: ann.add_span(*extent, label.name))
        if span is not None:
            self.article.clear_selection()
            self.article.move_to(extent[0])

    def _make_source_and_link(self, head: str, extent: tuple[int, int], label: str) -> None:
        """Mark `extent` as a source (unless it is one already) and link `head` to it: one undo step."""
        ann = self.session.annotations

        def add_and_link(a) -> None:
            tail = a.find_span(*extent, label) or a.add_span(*extent, label)
            a.link(head, tail.id)

        self.picking_for = None
        self.refresh_bindings()
        if self._edit(lambda: ann.batch("add source and link", [add_and_link]), f"Linked to the new {label}") is not None:
            self.article.clear_selection()

    # ----------------------------------------------------------------- span keys

    def action_delete_span(self) -> None:
        span = self._span_here()
        if span is None:
            return
        ann = self.session.annotations
        links = [r for r in ann.relations.values() if r.tail == span.id]
        if not links:
            self._edit(lambda: ann.delete_span(span.id), f"Deleted {span.label} (u undoes)")
            return
        choices = [
            Choice("delete", f"Delete the {span.label} and its {len(links)} link(s)"),
            Choice("cancel", "Keep it"),
        ]

        def answer(value: str | None) -> None:
            if value == "delete":
                self._edit(lambda: ann.delete_span(span.id), f"Deleted {span.label} and {len(links)} link(s)")

        self.app.push_screen(
            ChoiceDialog(f"“{snippet(span.text, 40)}” is the source of {len(links)} span(s).", choices), answer
        )

    def action_relabel(self) -> None:
        span = self._span_here()
        if span is None:
            return
        schema = self.session.project.schema
        choices = [Choice(l.name, f"{l.key}  {l.name}  ({l.description})") for l in schema.labels if l.name != span.label]
        ann = self.session.annotations
        self.app.push_screen(
            ChoiceDialog(f"Relabel “{snippet(span.text, 40)}” ({span.label}) as", choices),
            lambda value: value and self._edit(lambda: ann.relabel(span.id, value), f"Now {value}"),
        )

    def action_note(self) -> None:
        span = self._span_here()
        if span is None:
            return
        ann = self.session.annotations
        self.app.push_screen(
            TextDialog(f"Note on “{snippet(span.text, 40)}”", span.note, "a note for this span", "enter saves, escape cancels"),
            lambda value: value is not None and value != span.note and self._edit(lambda: ann.set_note(span.id, value), "Note saved"),
        )

    def action_attributes(self) -> None:
        span = self._span_here()
        if span is None:
            return
        attrs = self.session.project.schema.attributes.get(span.label, {})
        if not attrs:
            self.notify(f"The schema gives {span.label} no attributes.", severity="warning", timeout=2)
            return
        ann = self.session.annotations
        choices = [
            Choice(f"{name}={value}", f"{name}: {value}" + ("   (set)" if span.attrs.get(name) == value else ""))
            for name, values in attrs.items()
            for value in values
        ] + [Choice(f"{name}=", f"{name}: (none)") for name in attrs]

        def answer(value: str | None) -> None:
            if value:
                name, _, chosen = value.partition("=")
                self._edit(lambda: ann.set_attr(span.id, name, chosen or None), f"{name} = {chosen or '(none)'}")

        self.app.push_screen(ChoiceDialog(f"Attribute of “{snippet(span.text, 40)}”", choices), answer)

    def action_edge(self, edge: str, step: int) -> None:
        span = self._span_here()
        if span is None:
            return
        seg, text = self.article.seg, self.session.annotations.text
        start, end = span.start, span.end
        if edge == "start":
            start = seg.prev_word(start) if step < 0 else seg.next_word(start)
        else:
            end = seg.next_word(end) if step > 0 else seg.prev_word(end)
            if step > 0:  # to the end of that word, not the start of the one after
                while end < len(text) and not text[end].isspace():
                    end += 1
        start, end = trim_extent(text, start, end)
        if start >= end:
            self.notify("The span cannot shrink further.", severity="warning", timeout=2)
            return
        ann = self.session.annotations
        self._edit(lambda: ann.resize(span.id, start, end))

    def action_next_span(self, step: int) -> None:
        spans = self.session.annotations.sorted_spans()
        cursor = self.article.cursor
        if step > 0:
            target = next((s for s in spans if s.start > cursor), None)
        else:
            target = next((s for s in reversed(spans) if s.start < cursor), None)
        if target is None:
            self.notify("No more spans that way.", timeout=2)
            return
        self.article.move_to(target.start)

    # ----------------------------------------------------------------- links

    def action_link(self) -> None:
        span = self._span_here()
        if span is None:
            return
        ann = self.session.annotations
        targets = self.session.project.schema.link_targets(span.label)
        if not targets:
            self.notify(f"A {span.label} is not linked to anything (see labels.yaml).", severity="warning", timeout=3)
            return
        linked = {r.tail for r in ann.relations.values() if r.head == span.id}
        candidates = sorted(
            (s for s in ann.spans.values() if s.label in targets and s.id != span.id),
            key=lambda s: (min(abs(s.start - span.start), abs(s.end - span.end)), s.start),
        )
        choices = []
        for cand in candidates:
            where = "before" if cand.start < span.start else "after"
            mark = "  (linked: choose to unlink)" if cand.id in linked else ""
            choices.append(Choice(f"span:{cand.id}", f"{cand.label}: {snippet(cand.text, 40)}  ({where}){mark}"))
        choices.append(Choice("pick", "Pick a new source in the text…"))

        def answer(value: str | None) -> None:
            if value == "pick":
                self.picking_for = span.id
                self.refresh_bindings()
                self.notify("Select the source (v, moves, s, e), then enter; escape cancels.", timeout=6)
            elif value and value.startswith("span:"):
                tail = value[5:]
                existing = next((r for r in ann.relations.values() if r.head == span.id and r.tail == tail), None)
                if existing is not None:
                    self._edit(lambda: ann.unlink(existing.id), "Unlinked")
                else:
                    self._edit(lambda: ann.link(span.id, tail), f"Linked to “{snippet(ann.spans[tail].text, 30)}”")

        self.app.push_screen(
            ChoiceDialog(f"Source of “{snippet(span.text, 40)}” ({span.label})", choices, "arrows choose, enter links, escape cancels"),
            answer,
        )

    def action_pick_source(self) -> None:
        head = self.picking_for
        if head is None:
            return
        extent = self.article.selection or self._word_at_cursor()
        if extent is None:
            return
        targets = self.session.project.schema.link_targets(self.session.annotations.spans[head].label)
        self._make_source_and_link(head, trim_extent(self.session.annotations.text, *extent), targets[0])

    def action_cancel_pick(self) -> None:
        self.picking_for = None
        self.refresh_bindings()
        self.notify("Linking cancelled.", timeout=2)

    def _word_at_cursor(self) -> tuple[int, int] | None:
        text, at = self.session.annotations.text, self.article.cursor
        start = end = at
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
        return (start, end) if start < end else None

    # ----------------------------------------------------------------- undo, documents, search

    def action_undo(self) -> None:
        ann = self.session.annotations
        if self.session.readonly or not self._history and not ann.can_undo:
            self.notify("Nothing to undo.", timeout=2)
            return
        entry = self._history.pop() if self._history else None
        if entry is not None:
            restore(ann, entry)
            name = "reject suggestion"
        else:
            name = ann.undo()
        self._future.append(entry)
        self.session.edited()
        self._refresh_all()
        self.notify(f"Undone: {name}", timeout=2)

    def action_redo(self) -> None:
        ann = self.session.annotations
        if self.session.readonly or not self._future:
            self.notify("Nothing to redo.", timeout=2)
            return
        entry = self._future.pop()
        if entry is not None:
            ids = [g.id for g in entry.spans] or [r.id for r in entry.relations]
            entry = reject(ann, ids[0])
            name = "reject suggestion"
        else:
            name = ann.redo()
        self._history.append(entry)
        self.session.edited()
        self._refresh_all()
        self.notify(f"Redone: {name}", timeout=2)

    # ----------------------------------------------------------------- suggestions

    def _suggestion_here(self) -> Span | None:
        hits = suggestions_at(self.session.annotations, self.article.cursor)
        if not hits:
            self.notify("No suggestion under the cursor.", severity="warning", timeout=2)
        return hits[0] if hits else None

    def action_accept_suggestion(self) -> None:
        ghost = self._suggestion_here()
        if ghost is not None:
            ann = self.session.annotations
            self._edit(lambda: accept(ann, ghost.id, with_sources=True), f"Accepted {ghost.label}")

    def action_reject_suggestion(self) -> None:
        ghost = self._suggestion_here()
        if ghost is None or self.session.readonly:
            return
        rejected = reject(self.session.annotations, ghost.id)
        self._history.append(rejected)
        self._future.clear()
        self.session.edited()
        self._refresh_all()
        self.notify(f"Rejected {ghost.label} (u undoes)", timeout=2)

    def action_accept_all_suggestions(self) -> None:
        ann = self.session.annotations
        count = len(pending_spans(ann))
        if not count:
            self.notify("No suggestions here (reader suggest makes them).", timeout=3)
            return
        self._edit(lambda: accept_all(ann), f"Accepted {count} suggestions (u undoes)")

    def action_next_suggestion(self, step: int) -> None:
        ghosts = pending_spans(self.session.annotations)
        cursor = self.article.cursor
        if step > 0:
            target = next((g for g in ghosts if g.start > cursor), None)
        else:
            target = next((g for g in reversed(ghosts) if g.start < cursor), None)
        if target is None:
            self.notify("No more suggestions that way.", timeout=2)
            return
        self.article.move_to(target.start)

    def action_done(self) -> None:
        if self.session.readonly:
            self.notify("Read-only: cannot mark done.", severity="warning")
            return
        status = self.session.toggle_done()
        self._refresh_all()
        self.notify(f"Document marked {status}.", timeout=2)

    def action_document(self, step: int) -> None:
        doc_id = self.session.neighbour(step)
        if doc_id is None:
            self.notify("No more documents that way.", timeout=2)
            return
        self.open_document(doc_id)

    def open_document(self, doc_id: str) -> None:
        try:
            report = self.session.open(doc_id)
        except UserError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.picking_for = None
        self._history.clear()
        self._future.clear()
        ann = self.session.annotations
        self.article.load(ann)
        self.panel.load(ann)
        self._refresh_all()
        for line in report:
            self.notify(line, severity="warning", timeout=8)

    def action_documents(self) -> None:
        from reader.annotate.documents import progress

        ann = self.session.annotations  # the open document's latest state, saved or not yet
        rows = [
            replace(r, status=self.session.statuses[r.doc_id], spans=len(ann.spans), relations=len(ann.relations))
            if r.doc_id == self.session.doc_id
            else r
            for r in progress(self.session.project, self.session.annotator)
        ]
        self.app.push_screen(
            DocumentsScreen(rows, self.session.doc_id),
            lambda doc_id: doc_id and doc_id != self.session.doc_id and self.open_document(doc_id),
        )

    def action_search(self) -> None:
        def answer(value: str | None) -> None:
            if value:
                self.query_text = value
                self.action_search_next(1, from_cursor=True)

        self.app.push_screen(TextDialog("Search", self.query_text, "text to find (case-insensitive)"), answer)

    def action_search_next(self, step: int, from_cursor: bool = False) -> None:
        if not self.query_text:
            self.action_search()
            return
        text = self.session.annotations.text
        cursor = self.article.cursor
        flags = regex.IGNORECASE | regex.V1
        if step > 0:
            pattern = regex.compile(regex.escape(self.query_text), flags)
            found = pattern.search(text, cursor if from_cursor else cursor + 1) or pattern.search(text)
        else:
            pattern = regex.compile(regex.escape(self.query_text), flags | regex.REVERSE)
            found = pattern.search(text, 0, cursor) or pattern.search(text)
        if found is None:
            self.notify(f"Not found: {self.query_text}", severity="warning", timeout=2)
            return
        self.article.select(found.start(), found.end())

    def action_switch_pane(self) -> None:
        if self.article.has_focus:
            self.panel.query_one(SpanList).focus()
        else:
            self.article.focus()
