"""The span keys of the main screen: mark with a label key, delete, relabel, note, attribute, move an
edge by a word, go to the next span.

Each key acts on the span under the cursor (or, for a label key, on the selection or the sentence:
`view.extents`), asks in a dialog only what a key cannot say, and edits through the screen's
`_edit`, so every change is checked, saved and undoable.
"""

from __future__ import annotations

from reader.core.model import Span
from reader.tui.dialogs import Choice, ChoiceDialog, TextDialog
from reader.tui.tag_panel import snippet
from reader.view.extents import moved_edge, next_start, target_extent


class SpanActions:
    """Mixed into `AnnotateScreen`: uses its `session`, `article`, `picking_for`, `_edit`, `notify`
    and `app`, and `LinkActions._make_source_and_link` while a source is being picked."""

    def _span_here(self) -> Span | None:
        span = self.article.span_at_cursor()
        if span is None:
            self.notify("No span under the cursor.", severity="warning", timeout=2)
        return span

    def action_label(self, key: str) -> None:
        schema = self.session.project.schema
        label = schema.label_for_key(key)
        if label is None:
            self.notify(f"No label has the key {key}.", severity="warning", timeout=2)
            return
        view = self.article
        extent = target_extent(view.seg, view.selection, view.cursor)
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
        start, end = moved_edge(self.article.seg, span.start, span.end, edge, step)
        if start >= end:
            self.notify("The span cannot shrink further.", severity="warning", timeout=2)
            return
        ann = self.session.annotations
        self._edit(lambda: ann.resize(span.id, start, end))

    def action_next_span(self, step: int) -> None:
        target = next_start(self.session.annotations.sorted_spans(), self.article.cursor, step)
        if target is None:
            self.notify("No more spans that way.", timeout=2)
            return
        self.article.move_to(target.start)
