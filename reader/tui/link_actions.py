"""Linking a claim, quote or allegation to its source: from the numbered picker or by picking the
source in the text.

The picker (`view.link_choices`) lists the sources already marked, nearest first, then "pick in
the text", then the names near the span not marked yet, each with its distance and a few words
around it (enter takes the first row: a marked source, else the pick, never a new span); a row's number
chooses it (choosing a linked one unlinks it, choosing a name marks it as a source and links it,
one undo step), `p` picks a new source in the text: select it (or put the cursor on a name) and
press enter or a source label key. While picking, enter and escape belong to the pick
(`AnnotateScreen.check_action` enables them only then).

The flow: after a label key marks a claim, quote or allegation, the picker opens at once
(`AnnotateScreen.link_after_label`, on by default; `ctrl+l`, id `span.link_after_label`, turns it
off and on), so that a quote whose source is named near it is selection, label key, enter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.model import Span, trim_extent
from reader.tui.tag_panel import snippet

if TYPE_CHECKING:  # the picker and its dialog load when first used, not before the first frame
    from reader.view.link_choices import LinkChoice


def describe(choice: LinkChoice) -> str:
    """One picker row: the source, what it is, how far and where, and the words around it."""
    what = choice.label if choice.span_id else f"new {choice.label}"
    far = "overlaps" if choice.where == "inside" else f"{choice.distance} chars {choice.where}"
    mark = "   linked: choose to unlink" if choice.linked else ""
    return f"{snippet(choice.text, 30)}  ({what}, {far})  {snippet(choice.context, 44)}{mark}"


class LinkActions:
    """Mixed into `AnnotateScreen`: uses its `session`, `article`, `picking_for`, `cues`,
    `_span_here`, `_keep_current`, `_edit`, `notify`, `refresh_bindings` and `app`."""

    def action_link(self) -> None:
        span = self._span_here()
        if span is not None:
            self._offer_sources(span)

    def action_toggle_link_after_label(self) -> None:
        self.link_after_label = not self.link_after_label
        state = "on" if self.link_after_label else "off"
        self.notify(f"Source picker after a label key: {state}.", timeout=3)

    def _offer_sources(self, span: Span, after_label: bool = False) -> None:
        """The numbered source picker for `span`."""
        from reader.tui.dialogs import Choice, ChoiceDialog
        from reader.view.link_choices import link_choices

        ann = self.session.annotations
        targets = self.session.project.schema.link_targets(span.label)
        if not targets:
            self.notify(f"A {span.label} is not linked to anything (see labels.yaml).", severity="warning", timeout=3)
            return
        rows = link_choices(ann, span, targets, self.cues.articles)
        choices = [Choice(f"{i}", describe(row)) for i, row in enumerate(rows)]
        marked = sum(1 for row in rows if row.span_id is not None)
        choices.insert(marked, Choice("pick", "Pick a new source in the text…", "p"))
        hint = "a number links, p picks in the text, escape " + ("leaves it without a source" if after_label else "cancels")

        def answer(value: str | None) -> None:
            if value == "pick":
                self.picking_for = span.id
                self.refresh_bindings()
                self.notify("Select the source (v, moves, s, e) or put the cursor on its name, then enter; escape cancels.", timeout=6)
            elif value is not None:
                self._link_to(span, rows[int(value)])

        title = f"Source of “{snippet(span.text, 40)}” ({span.label})"
        self.app.push_screen(ChoiceDialog(title, choices, hint), answer)

    def _link_to(self, head: Span, row: LinkChoice) -> None:
        ann = self.session.annotations
        if row.span_id is None:
            self._make_source_and_link(head.id, (row.start, row.end), row.label)
            return
        existing = next((r for r in ann.relations.values() if r.head == head.id and r.tail == row.span_id), None)
        if existing is not None:
            self._edit(lambda: ann.unlink(existing.id), "Unlinked")
        elif self._edit(lambda: ann.link(head.id, row.span_id), f"Linked to “{snippet(row.text, 30)}”"):
            self._after_link(head.id, row.end)

    def _after_link(self, head_id: str, tail_end: int) -> None:
        """The cursor to the later of the two ends when both are in one paragraph (where the next span
        usually starts); the linked span stays the one under the caret."""
        head = self.session.annotations.spans.get(head_id)
        if head is None:
            return
        seg = self.article.seg
        target = max(head.end, tail_end)
        if target > self.article.cursor and seg.block_index(target - 1) == seg.block_index(head.end - 1):
            self.article.move_to(target)
        self._keep_current(head_id)

    def _pick_extent(self) -> tuple[int, int] | None:
        """What a pick takes: the selection, else the name (or word) at the cursor."""
        from reader.view.extents import name_at

        text = self.session.annotations.text
        extent = self.article.selection or name_at(text, self.article.cursor, self.cues.articles)
        if extent is None:
            return None
        start, end = trim_extent(text, *extent)
        return (start, end) if start < end else None

    def action_pick_source(self) -> None:
        head = self.picking_for
        if head is None:
            return
        extent = self._pick_extent()
        if extent is None:
            return
        targets = self.session.project.schema.link_targets(self.session.annotations.spans[head].label)
        self._make_source_and_link(head, extent, targets[0])

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
            self._after_link(head, extent[1])
