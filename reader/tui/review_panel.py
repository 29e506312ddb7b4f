"""The review screen's side panel: the current disagreement, both sides, progress and the keys.

Its own widget so the screen module stays about keys and decisions. Everything shown is built from
plain strings with `Content` (article text and annotator names are data, never markup); the keys
come from the keymap in force, so the panel never lies about them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from reader.review.alignment import Disagreement
from reader.review.session import ReviewSession, context, describe

KIND_NAMES = {
    "boundary": "boundary: same label, different extent",
    "label": "label: same extent, different label",
    "only_a": "only A marked this",
    "only_b": "only B marked this",
    "link": "link: different source",
}

CHOICE_NAMES = {"a": "took A", "b": "took B", "both": "took both", "neither": "took neither", "edit": "edited by hand"}


class ReviewPanel(Vertical):
    """What is being decided and how far the review is; the screen calls `show` after every change."""

    DEFAULT_CSS = """
    ReviewPanel { padding: 0 1; background: $panel; }
    ReviewPanel > Static { height: auto; margin-bottom: 1; }
    ReviewPanel > #review-progress { color: $text; }
    ReviewPanel > #review-keys { color: $text-muted; margin-bottom: 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="review-progress")
        yield Static(id="review-current")
        yield Static(id="review-legend")
        yield Static(id="review-keys")

    def show(self, session: ReviewSession, current: int | None, keys: dict[str, str]) -> None:
        review = session.review
        assert review is not None
        settled, total, all_settled, all_total = session.progress()
        docs = len(session.doc_ids)
        left = len(session.documents_left())
        progress = Content.assemble(
            ("Settled ", "bold"), f"{settled}/{total} here · {all_settled}/{all_total} in {docs} document(s)",
            f"\n{left} document(s) with disagreements left" if left else "\nEvery disagreement is settled",
        )
        self.query_one("#review-progress", Static).update(progress)
        self.query_one("#review-current", Static).update(self._current(session, current))
        a, b = review.names
        self.query_one("#review-legend", Static).update(
            Content.assemble(
                ("A", "bold"), f" {a}  ", ("B", "bold"), f" {b}\n",
                Content.styled(" A only ", "bold $text-warning"), " ",
                Content.styled(" B only ", "bold italic $text-primary"), " ",
                Content.styled(" both ", "bold underline $text-success"),
            )
        )
        self.query_one("#review-keys", Static).update(
            Content(
                f"{keys['review.take_a']} take A · {keys['review.take_b']} take B · {keys['review.take_both']} both\n"
                f"{keys['review.take_neither']} neither · {keys['review.edit']} edit · {keys['review.undo']} undo\n"
                f"{keys['review.next']}/{keys['review.previous']} next/prev unsettled\n"
                f"{keys['review.next_any']}/{keys['review.previous_any']} next/prev any · "
                f"{keys['review.next_doc']}/{keys['review.previous_doc']} document"
            )
        )

    def _current(self, session: ReviewSession, current: int | None) -> Content:
        review = session.review
        assert review is not None
        if current is None:
            return Content("No disagreement in this document: the agreements are the gold.")
        d: Disagreement = review.disagreements[current]
        text = review.a.text
        choice = review.choice(current)
        state = CHOICE_NAMES[choice] if choice else "not settled"
        parts: list[Content | str | tuple[str, str]] = [
            (f"Disagreement {current + 1} of {len(review)}", "bold"), f" · {state}\n",
            KIND_NAMES.get(d.kind, d.kind), "\n",
            ("A ", "bold $text-warning"), describe(d.a, text), "\n",
            ("B ", "bold italic $text-primary"), describe(d.b, text), "\n",
            (context(d, text, 56), "italic"),
        ]
        blocked = [f"{name}: {why}" for name, c in (("A", "a"), ("B", "b"), ("both", "both")) if (why := review.blocked(current, c))]
        if blocked:
            parts += ["\n", ("Blocked ", "bold $text-error"), blocked[0]]
        return Content.assemble(*parts)
