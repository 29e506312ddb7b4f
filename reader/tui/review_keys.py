"""The review screen's keys, apart from the screen, so that checking a keymap at start-up (the
catalog of every binding id) does not import the review code."""

from __future__ import annotations

from textual.binding import Binding


def _b(key: str, action: str, description: str, ident: str, tooltip: str, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"review.{ident}", tooltip=tooltip)


REVIEW_BINDINGS = [
    _b("n", "step(1, True)", "Next", "next", "Go to the next unsettled disagreement"),
    _b("N", "step(-1, True)", "Prev", "previous", "Go to the previous unsettled disagreement", show=False),
    _b("tab", "step(1, False)", "Next any", "next_any", "Go to the next disagreement, settled or not", show=False),
    _b("shift+tab", "step(-1, False)", "Prev any", "previous_any", "Go to the previous disagreement, settled or not", show=False),
    _b("1", "take('a')", "Take A", "take_a", "Settle the current disagreement with A's side"),
    _b("2", "take('b')", "Take B", "take_b", "Settle the current disagreement with B's side"),
    _b("3", "take('both')", "Both", "take_both", "Settle the current disagreement keeping both sides"),
    _b("4", "take('neither')", "Neither", "take_neither", "Settle the current disagreement keeping neither side"),
    _b("5", "edit", "Edit", "edit", "Edit the gold by hand here (label the selection, delete a span) and settle"),
    _b("u,ctrl+z", "undo", "Undo", "undo", "Take back the last decision"),
    _b("right_square_bracket", "document(1)", "Next doc", "next_doc", "Open the next document", show=False),
    _b("left_square_bracket", "document(-1)", "Prev doc", "previous_doc", "Open the previous document", show=False),
    _b("question_mark", "app.help", "Help", "help", "Show the active keys"),
]
