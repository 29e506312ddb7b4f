"""Deciding `reader suggest`'s suggestions (the ghost spans) on the main screen: accept, reject, accept
all, go to the next one.

Accepting is an edit of the annotations (through `_edit`, undone by the model); rejecting is not,
so the screen records it as its own undo step (`edits.EditActions`). The ghosts are drawn by the
article (`ArticleView.ghost_spans`), refreshed by the screen after every step.
"""

from __future__ import annotations

from reader.core.model import Span
from reader.suggest.pending import (
    accept,
    accept_all,
    pending_spans,
    reject,
    suggestions_at,
)


class SuggestionActions:
    """Mixed into `AnnotateScreen`: uses its `session`, `article`, `_edit`, `_recorded` and `notify`."""

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
        self._recorded(reject(self.session.annotations, ghost.id))
        self.notify(f"Rejected {ghost.label} (u undoes)", timeout=2)

    def action_accept_all_suggestions(self) -> None:
        ann = self.session.annotations
        count = len(pending_spans(ann))
        if not count:
            self.notify("No suggestions here (reader suggest makes them).", timeout=3)
            return
        self._edit(lambda: accept_all(ann), f"Accepted {count} suggestions (u undoes)")

    def action_next_suggestion(self, step: int) -> None:
        from reader.view.extents import next_start

        target = next_start(pending_spans(self.session.annotations), self.article.cursor, step)
        if target is None:
            self.notify("No more suggestions that way.", timeout=2)
            return
        self.article.move_to(target.start)
