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

from reader.review.aligned import aligned_rows, caret_row, edge_notes
from reader.review.alignment import Unit
from reader.review.candidates import Contest
from reader.review.session import ReviewSession, context, describe

KIND_NAMES = {
    "boundary": "boundary: same label, different extent",
    "label": "label: same extent, different label",
    "only_a": "only A marked this",
    "only_b": "only B marked this",
    "link": "link: different source",
    "some": "only some marked this",
    "mixed": "different extents and labels",
}

CHOICE_NAMES = {
    "a": "took A", "b": "took B", "both": "took both", "neither": "took neither", "edit": "edited by hand",
    "all": "took every candidate", "none": "took none",
}

DIFFER = "reverse bold"
"""How the panel marks the characters in which aligned extents differ (a caret row says it too)."""


def choice_name(choice: str) -> str:
    return CHOICE_NAMES.get(choice) or f"took {choice.replace('+', ' and ')}"


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
        if session.counting:
            counted = session.counted
            progress = Content.assemble(
                ("Settled ", "bold"), f"{settled}/{total} here · {all_settled}/{all_total} in {counted} of {docs} document(s)",
                f"\ncounting the others… ({left} with disagreements left so far)",
            )
        else:
            progress = Content.assemble(
                ("Settled ", "bold"), f"{settled}/{total} here · {all_settled}/{all_total} in {docs} document(s)",
                f"\n{left} document(s) with disagreements left" if left else "\nEvery disagreement is settled",
            )
        self.query_one("#review-progress", Static).update(progress)
        self.query_one("#review-current", Static).update(self._current(session, current))
        many = len(review.names) > 2
        if many:
            auto = f" · auto-accept {session.auto_accept} of {len(review.names)}" if session.auto_accept else ""
            legend = Content.assemble(
                ("Annotators ", "bold"), ", ".join(review.names), auto, "\n",
                Content.styled(" 1st candidate ", "bold $text-warning"), " ",
                Content.styled(" others ", "bold italic $text-primary"), " ",
                Content.styled(" all ", "bold underline $text-success"), " ",
                Content.styled(" differs ", DIFFER),
            )
        else:
            a, b = review.names
            legend = Content.assemble(
                ("A", "bold"), f" {a}  ", ("B", "bold"), f" {b}\n",
                Content.styled(" A only ", "bold $text-warning"), " ",
                Content.styled(" B only ", "bold italic $text-primary"), " ",
                Content.styled(" both ", "bold underline $text-success"), " ",
                Content.styled(" differs ", DIFFER),
            )
        self.query_one("#review-legend", Static).update(legend)
        takes = (
            f"{keys['review.take_a']} take 1st · {keys['review.take_b']} take 2nd · {keys['review.take_both']} all\n"
            f"{keys['review.take_neither']} none · {keys['review.edit']} edit or another · {keys['review.undo']} undo\n"
            if many else
            f"{keys['review.take_a']} take A · {keys['review.take_b']} take B · {keys['review.take_both']} both\n"
            f"{keys['review.take_neither']} neither · {keys['review.edit']} edit · {keys['review.undo']} undo\n"
        )
        self.query_one("#review-keys", Static).update(
            Content(
                takes +
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
        d = review.disagreements[current]
        text = review.text
        choice = review.choice(current)
        state = choice_name(choice) if choice else "not settled"
        if getattr(review, "automatic", None) is not None and review.automatic(current):
            state = f"{state}, made by {session.auto_accept} or more (auto-accept)"
        parts: list[Content | str | tuple[str, str]] = [
            (f"Disagreement {current + 1} of {len(review)}", "bold"), f" · {state}\n",
            KIND_NAMES.get(d.kind, d.kind), "\n",
        ]
        if isinstance(d, Contest):
            parts += self._candidates(review, d, text)
            blocked = [f"{k}: {why}" for k in range(1, len(d.candidates) + 1) if (why := review.blocked(current, str(k)))]
        else:
            parts += [
                ("A ", "bold $text-warning"), describe(d.a, text), "\n",
                ("B ", "bold italic $text-primary"), describe(d.b, text), "\n",
            ]
            if d.kind == "boundary" and isinstance(d.a, Unit) and isinstance(d.b, Unit):
                parts += self._aligned(text, [("A", d.a.start, d.a.end), ("B", d.b.start, d.b.end)])
            blocked = [f"{name}: {why}" for name, c in (("A", "a"), ("B", "b"), ("both", "both")) if (why := review.blocked(current, c))]
        parts.append((context(d, text, 56), "italic"))
        if blocked:
            parts += ["\n", ("Blocked ", "bold $text-error"), blocked[0]]
        return Content.assemble(*parts)

    def _candidates(self, review, d: Contest, text: str) -> list:
        """Each candidate, numbered as the keys take them, with who made it; boundaries aligned."""
        n = len(review.names)
        parts: list = []
        for k, cand in enumerate(d.candidates, 1):
            style = "bold $text-warning" if k == 1 else "bold italic $text-primary"
            parts += [(f"{k} ", style), describe(cand.item, text), "\n",
                      f"  by {', '.join(review.makers(cand))} ({len(cand.who)}/{n})\n"]
        units = [c.item for c in d.candidates if isinstance(c.item, Unit)]
        if d.kind in ("boundary", "mixed") and len({(u.start, u.end) for u in units}) > 1:
            parts += self._aligned(text, [(str(k), u.start, u.end) for k, u in enumerate(units, 1)])
        return parts

    def _aligned(self, text: str, extents: list[tuple[str, int, int]]) -> list:
        """The extents one above the other over the same columns, the differing characters marked."""
        width = max(20, (self.size.width or 44) - 6)
        parts: list = []
        for row in aligned_rows(text, extents, width):
            parts.append((f"{row.name:<2}", "bold"))
            parts += [(chunk, DIFFER) if differs else chunk for chunk, differs in row.chunks]
            parts.append("\n")
        parts += ["  " + caret_row(text, extents, width), "\n"]
        if len(extents) == 2:
            parts += [note + "\n" for note in edge_notes(text, extents[0], extents[1])]
        return parts
