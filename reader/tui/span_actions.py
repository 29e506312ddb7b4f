"""The span keys of the main screen: mark with a label key, delete, relabel, note, attribute, move an
edge by a word or a punctuation mark, go to the next span.

Each key acts on the span under the caret (`_span_here`: the span just marked, resized or gone to,
until the cursor moves; else the innermost span at the cursor), asks in a dialog only what a key
cannot say, and edits through the screen's `_edit`, so every change is checked, saved and undoable.

`p` adds the selection to a span as one more fragment (a quote split by its attribution is one
quote): to the span under the caret, or, when the caret has left it to select the piece, to the span
last marked, resized or gone to; `P` takes the fragment under the cursor out of its span.

A label key with nothing selected on a span relabels that span (one undo step) rather than adding
a second span of another label on the same words, which is what a user pressing it there means;
to give the same words a second label, select them (`s`, `e`, `v`) and press the key.
"""

from __future__ import annotations

from reader.core.model import Span
from reader.tui.tag_panel import snippet


class SpanActions:
    """Mixed into `AnnotateScreen`: uses its `session`, `article`, `picking_for`, `link_after_label`,
    `_current`, `_edit`, `notify` and `app`, and `LinkActions` (`_make_source_and_link`,
    `_pick_extent`, `_offer_sources`). The dialogs and `view.extents` are imported where a key
    needs them, so that they load after the first frame, not before."""

    def _keep_current(self, span_id: str) -> None:
        """`span_id` stays the span under the caret until the cursor moves (its end is not inside it)."""
        self._current = (span_id, self.article.cursor)

    def _span_under_caret(self) -> Span | None:
        current = self._current
        if current is not None and current[1] == self.article.cursor:
            span = self.session.annotations.spans.get(current[0])
            if span is not None:
                return span
        return self.article.span_at_cursor()

    def _span_here(self) -> Span | None:
        span = self._span_under_caret()
        if span is None:
            self.notify("No span under the cursor.", severity="warning", timeout=2)
        return span

    def action_label(self, key: str) -> None:
        from reader.view.extents import target_extent
        schema = self.session.project.schema
        label = schema.label_for_key(key)
        if label is None:
            self.notify(f"No label has the key {key}.", severity="warning", timeout=2)
            return
        ann = self.session.annotations
        head = self.picking_for
        if head is not None and label.name in schema.link_targets(ann.spans[head].label):
            extent = self._pick_extent()
            if extent is not None:
                self._make_source_and_link(head, extent, label.name)
            return
        view = self.article
        if view.selection is None and head is None:
            here = self._span_under_caret()
            if here is not None:
                self._relabel_here(here, label.name)
                return
        extent = target_extent(view.seg, view.selection, view.cursor)
        if extent is None:
            return
        if ann.find_span(*extent, label.name) is not None:
            self.notify(f"That {label.name} is already marked.", timeout=2)
            return
        span = self._edit(lambda: ann.add_span(*extent, label.name))
        if span is None:
            return
        view.clear_selection()
        view.move_to(extent[1])  # where the next span usually starts
        self._keep_current(span.id)
        if self.link_after_label and head is None and schema.link_targets(label.name):
            self._offer_sources(span, after_label=True)

    def _relabel_here(self, span: Span, label: str) -> None:
        if span.label == label:
            self.notify(f"That {label} is already marked.", timeout=2)
            return
        ann = self.session.annotations
        if self._edit(lambda: ann.relabel(span.id, label), f"Relabelled {span.label} as {label} (u undoes)"):
            self._keep_current(span.id)

    def action_delete_span(self) -> None:
        from reader.tui.dialogs import Choice, ChoiceDialog
        span = self._span_here()
        if span is None:
            return
        ann = self.session.annotations
        links = [r for r in ann.relations.values() if r.tail == span.id]
        if not links:
            self._edit(lambda: ann.delete_span(span.id), f"Deleted {span.label} (u undoes)")
            return
        choices = [
            Choice("delete", f"Delete the {span.label} and its {len(links)} link(s)", "y"),
            Choice("cancel", "Keep it", "n"),
        ]

        def answer(value: str | None) -> None:
            if value == "delete":
                self._edit(lambda: ann.delete_span(span.id), f"Deleted {span.label} and {len(links)} link(s)")

        self.app.push_screen(
            ChoiceDialog(f"“{snippet(span.joined_text, 40)}” is the source of {len(links)} span(s).", choices), answer
        )

    def action_relabel(self) -> None:
        from reader.tui.dialogs import Choice, ChoiceDialog
        span = self._span_here()
        if span is None:
            return
        schema = self.session.project.schema
        choices = [
            Choice(l.name, f"{l.name}  ({l.description})", l.key or "")
            for l in schema.labels if l.name != span.label
        ]
        self.app.push_screen(
            ChoiceDialog(f"Relabel “{snippet(span.joined_text, 40)}” ({span.label}) as", choices),
            lambda value: value and self._relabel_here(span, value),
        )

    def action_note(self) -> None:
        from reader.tui.dialogs import TextDialog
        span = self._span_here()
        if span is None:
            return
        ann = self.session.annotations
        self.app.push_screen(
            TextDialog(f"Note on “{snippet(span.joined_text, 40)}”", span.note, "a note for this span", "enter saves, escape cancels"),
            lambda value: value is not None and value != span.note and self._edit(lambda: ann.set_note(span.id, value), "Note saved"),
        )

    def action_attributes(self) -> None:
        from reader.tui.dialogs import Choice, ChoiceDialog
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

        self.app.push_screen(ChoiceDialog(f"Attribute of “{snippet(span.joined_text, 40)}”", choices), answer)

    def action_edge(self, edge: str, step: int) -> None:
        from reader.view.extents import moved_edge
        span = self._span_here()
        if span is None:
            return
        start, end = moved_edge(self.article.seg, span.start, span.end, edge, step)
        if start >= end:
            self.notify("The span cannot shrink further.", severity="warning", timeout=2)
            return
        if (start, end) == (span.start, span.end):
            self.notify(f"The span's {edge} stays in its paragraph.", severity="warning", timeout=2)
            return
        ann = self.session.annotations
        if self._edit(lambda: ann.resize(span.id, start, end)):
            self.article.move_to(start if edge == "start" else end)  # the cursor shows the edge moved
            self._keep_current(span.id)

    def action_add_fragment(self) -> None:
        from reader.view.extents import target_extent
        view = self.article
        extent = target_extent(view.seg, view.selection, view.cursor) if view.selection is not None else None
        if extent is None:
            self.notify("Select the words to add to the span first (s, e or v), then press p.", severity="warning", timeout=3)
            return
        span = self._fragment_target(extent)
        if span is None:
            self.notify("Go to the span first (n, N or the span list), then select the piece and press p.",
                        severity="warning", timeout=3)
            return
        ann = self.session.annotations
        new = self._edit(lambda: ann.add_fragment(span.id, *extent))
        if new is None:
            return
        pieces = len(new.extents)
        self.notify(f"The {new.label} is in {pieces} fragments now: “{snippet(new.joined_text, 40)}” (u undoes)"
                    if pieces > 1 else f"The {new.label} is in one piece again (u undoes)", timeout=3)
        view.clear_selection()
        self._keep_current(new.id)

    def _fragment_target(self, extent: tuple[int, int]) -> Span | None:
        """The span under the caret (not one inside the selection), else the span last marked,
        resized or gone to, if it is still there."""
        here = self.article.span_at_cursor()
        if here is not None and not (extent[0] <= here.start and here.end <= extent[1]):
            return here
        if self._current is not None:
            return self.session.annotations.spans.get(self._current[0])
        return None

    def action_remove_fragment(self) -> None:
        span = self._span_here()
        if span is None:
            return
        if not span.fragments:
            self.notify(f"The {span.label} is in one piece (x deletes it).", severity="warning", timeout=2)
            return
        cursor = self.article.cursor
        index = next((i for i, (s, e) in enumerate(span.fragments) if s <= cursor < e), None)
        if index is None:
            self.notify("The cursor is between the fragments: go to the one to take out.", severity="warning", timeout=2)
            return
        ann = self.session.annotations
        piece = span.fragment_texts[index]
        new = self._edit(lambda: ann.remove_fragment(span.id, index), f"Took “{snippet(piece, 30)}” out of the {span.label} (u undoes)")
        if new is not None:
            self._keep_current(new.id)

    def action_next_span(self, step: int) -> None:
        from reader.view.extents import next_start
        target = next_start(self.session.annotations.sorted_spans(), self.article.cursor, step)
        if target is None:
            self.notify("No more spans that way.", timeout=2)
            return
        self.article.move_to(target.start)
        self._keep_current(target.id)
