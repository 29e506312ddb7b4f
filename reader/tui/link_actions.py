"""Linking a claim, quote or allegation to its source, from a list or by picking the source in the text.

The list offers the spans the schema allows as sources, nearest first (choosing a linked one unlinks
it); "pick in the text" lets the annotator select a new source and press enter (or a source label
key) to mark and link it in one undoable step. While picking, enter and escape belong to the pick
(`AnnotateScreen.check_action` enables them only then).
"""

from __future__ import annotations

from reader.core.model import trim_extent
from reader.tui.dialogs import Choice, ChoiceDialog
from reader.tui.tag_panel import snippet
from reader.view.extents import word_at


class LinkActions:
    """Mixed into `AnnotateScreen`: uses its `session`, `article`, `picking_for`, `_span_here`,
    `_edit`, `notify`, `refresh_bindings` and `app`."""

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
        extent = self.article.selection or word_at(self.session.annotations.text, self.article.cursor)
        if extent is None:
            return
        targets = self.session.project.schema.link_targets(self.session.annotations.spans[head].label)
        self._make_source_and_link(head, trim_extent(self.session.annotations.text, *extent), targets[0])

    def action_cancel_pick(self) -> None:
        self.picking_for = None
        self.refresh_bindings()
        self.notify("Linking cancelled.", timeout=2)

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
