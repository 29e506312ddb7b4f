"""Every edit of the main screen goes through `_edit`; `u` and `U` take edits and rejections back.

Why the screen keeps a history of its own on top of the undo of `DocAnnotations`: rejecting a
suggestion is not an edit of the annotations (`suggest.pending` records it beside them), yet `u`
must take steps back in the order the annotator took them. So one stack holds what `u` takes
back, newest last: None for an edit the model undoes itself, a `Rejected` for a rejection.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.core.errors import UserError
from reader.core.model import InvariantError
from reader.suggest.pending import Rejected, reject, restore


class EditActions:
    """Mixed into `AnnotateScreen`: uses its `session`, `notify` and `_refresh_all`."""

    def _start_history(self) -> None:
        """An empty history (a screen's start, another document)."""
        self._history: list[Rejected | None] = []
        """What `undo` takes back, newest last: None for an edit of the annotations, else a rejection."""
        self._future: list[Rejected | None] = []
        """What `redo` does again, newest last."""

    def _edit(self, do: Callable[[], object], success: str | None = None) -> object | None:
        """Run one edit; refuse when read-only; show what went wrong in one line; save and redraw."""
        if self.session.readonly:
            self.notify("This document is open read-only (another process is editing it).", severity="warning")
            return None
        try:
            result = do()
        except (InvariantError, UserError) as exc:
            self.notify(exc.message, severity="error")
            return None
        self._recorded(None)
        if success:
            self.notify(success, timeout=2)
        return True if result is None else result

    def _recorded(self, step: Rejected | None) -> None:
        """One step done (None: an edit of the annotations): undoable, saved, redrawn."""
        self.session.edited()
        self._history.append(step)
        self._future.clear()
        self._refresh_all()

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
