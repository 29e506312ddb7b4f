"""The review screen: two annotators' spans (or N annotators' candidates) over one article, each
disagreement settled by one key.

Why a merged view rather than two panes: the reviewer reads the text once. The article shows a
`DocAnnotations` that is never saved (`review.merged.merged_view`): the gold as it stands in its
normal colours (agreements, taken over automatically, and decisions made), and each unsettled
disagreement's spans marked by side through `ArticleView.span_style` (A only, B only, both: the part
both marked, or one extent with two labels; with N annotators the first candidate, the others, and
what all cover); the characters in which a boundary disagreement's extents differ are marked too,
and the current disagreement is underlined. Links are not drawn in the text: the panel names both
sides of a link disagreement, and its ends are marked.

Every decision goes through `ReviewSession`, which edits the gold through `adjudication.Review` (or
`many.ManyReview`) and queues `save_review` on the autosave thread: the screen never writes a file and
no key waits for the disk. After a decision it goes where the session says (`next_after`: back to a
link that waited for its end, else the next unsettled); after undo, to the decision taken back.
Reopening resumes at the first unsettled disagreement.
"""

from __future__ import annotations

from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from reader.core.errors import UserError
from reader.core.model import InvariantError, Span, trim_extent
from reader.review.gold import AdjudicationError
from reader.review.session import (
    MergedView,
    ReviewSession,
    display_annotations,
    merged_view,
)
from reader.tui.article import ArticleView
from reader.tui.base_app import KeyFooter
from reader.tui.dialogs import ChoiceDialog
from reader.tui.review_edits import edit_choices
from reader.tui.review_keys import REVIEW_BINDINGS
from reader.tui.review_panel import ReviewPanel


class ReviewHeader(Static):
    """Document title, who is compared into what, and which document of how many."""

    DEFAULT_CSS = "ReviewHeader { height: 1; background: $panel; color: $text; padding: 0 1; }"

    def show(self, session: ReviewSession) -> None:
        self.session = session
        assert session.review is not None
        names = session.review.names
        flags = "  READ-ONLY" if session.readonly else ""
        who = " vs ".join(names) if len(names) == 2 else f"{len(names)} annotators"
        right = f"{who} → {session.into} · doc {session.index + 1}/{len(session.doc_ids)}{flags}"
        width = self.content_size.width or 118
        right_part = Content(right).truncate(width, ellipsis=True)
        room = width - right_part.cell_length - 3  # terminal cells: a CJK title takes two a character
        title = Content(" ".join(session.review.gold.document.title.split()))
        if room < 4:
            self.update(right_part.pad_left(width - right_part.cell_length))
            return
        self.update(Content.assemble(title.truncate(room, ellipsis=True, pad=True), "   ", right_part))

    def on_resize(self) -> None:
        if getattr(self, "session", None) is not None:
            self.show(self.session)


class ReviewScreen(Screen):
    """Settle A's and B's disagreements into the gold, one key each."""

    BINDINGS = REVIEW_BINDINGS
    """
    | Key(s) | Id (review.*) | Does |
    | :- | :- | :- |
    | n / N | next / previous | next / previous unsettled disagreement (wrapping round) |
    | tab / shift+tab | next_any / previous_any | next / previous disagreement, settled or not |
    | 1 2 3 4 | take_a take_b take_both take_neither | settle the current one, then go to the next unsettled |
    | 5 | edit | a dialog: label the selection (else the disagreement's extent), delete a gold span, link or unlink (link disagreements), or keep the gold as is; settles it as "edit" |
    | u, ctrl+z | undo | take back the last decision (and its hand edit) |
    | ] / [ | next_doc / previous_doc | the next / previous shared document |
    | ? | help | every key in force |
    """

    COMPONENT_CLASSES = {"review--side-a", "review--side-b", "review--both", "review--current", "review--differ"}
    """How the article marks A-only, B-only and both-sides text of unsettled disagreements, the current
    one, and the characters in which two extents of a boundary disagreement differ."""

    DEFAULT_CSS = """
    ReviewScreen {
        & > .review--side-a { color: $text-warning; text-style: bold; }
        & > .review--side-b { color: $text-primary; text-style: bold italic; }
        & > .review--both { color: $text-success; text-style: bold underline; }
        & > .review--current { text-style: underline; }
        & > .review--differ { text-style: reverse bold; }
        #review-main { height: 1fr; }
        #review-article { width: 1fr; height: 1fr; }
        #review-panel { width: 40%; min-width: 30; max-width: 52; height: 1fr; }
    }
    """

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session
        self.current: int | None = None
        """Index of the disagreement being decided (None: the document has none)."""
        self.view: MergedView | None = None

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        assert self.session.review is not None
        yield ReviewHeader(id="review-header")
        with Horizontal(id="review-main"):
            yield ArticleView(self.session.review.gold, self.session.project.schema, id="review-article")
            yield ReviewPanel(id="review-panel")
        yield KeyFooter()

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    def on_mount(self) -> None:
        self.article.focus()
        self._opened()
        if self.session.counting:  # the totals over documents fill in as the background count goes
            self._ticker = self.set_interval(0.5, self._tick)

    def _tick(self) -> None:
        self._show()
        if not self.session.counting:
            self._ticker.stop()

    def _opened(self) -> None:
        """A document was opened: draw it, and go to where the review stands (resume)."""
        review = self.session.review
        assert review is not None
        self.view = merged_view(review)
        self.article.load(display_annotations(review, self.view))
        self.article.span_style = self._style_hook()
        self.current = review.next_unsettled() if len(review) else None
        if self.current is None and len(review):
            self.current = 0
        self._go(self.current)
        self._show()

    def _redraw(self) -> None:
        """After a decision: the merged view again, cursor and scroll kept."""
        review = self.session.review
        assert review is not None
        self.view = merged_view(review)
        self.article.replace_annotations(display_annotations(review, self.view))
        self.article.span_style = self._style_hook()
        self._show()

    def _show(self) -> None:
        self.query_one(ReviewHeader).show(self.session)
        keys = {ident: self._key(ident) for ident in self.app.keymap.keys if ident.startswith("review.")}
        self.query_one(ReviewPanel).show(self.session, self.current, keys)

    def _key(self, ident: str) -> str:
        first = self.app.keymap.keys[ident].split(",")[0].strip()
        return self.app.get_key_display(Binding(first, ""))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None  # a theme change: the hook resolves its styles again (the article redraws)

    def _marks(self) -> dict[str, Style]:
        """The side and current styles from COMPONENT_CLASSES, resolved once per theme."""
        styles = getattr(self, "_styles", None)
        if styles is None:
            names = {"a": "review--side-a", "b": "review--side-b", "both": "review--both", "current": "review--current",
                     "differ": "review--differ"}
            styles = {key: self.get_component_rich_style(name, partial=True) for key, name in names.items()}
            self._styles = styles
        return styles

    def _style_hook(self):
        """A new hook per state (the article caches rows per hook): side and current-disagreement styles."""
        view = self.view
        assert view is not None
        current = view.members.get(self.current, set()) if self.current is not None else set()
        side, marks, differ = view.side, self._marks, view.differ

        def hook(span: Span) -> Style | None:
            styles = marks()
            style = styles.get(side.get(span.id, ""))
            if span.id in differ:
                style = styles["differ"] if style is None else style + styles["differ"]
            if span.id in current:
                style = styles["current"] if style is None else style + styles["current"]
            return style

        return hook

    def _go(self, i: int | None) -> None:
        self.current = i
        review = self.session.review
        if i is not None and review is not None:
            self.article.scroll_to_offset(review.disagreements[i].start)
        if self.view is not None:
            self.article.span_style = self._style_hook()

    # ----------------------------------------------------------------- moving

    def action_step(self, step: int, unsettled: bool) -> None:
        review = self.session.review
        assert review is not None
        n = len(review)
        if not n:
            self.notify("No disagreements in this document.", timeout=2)
            return
        here = self.current if self.current is not None else -1
        if unsettled:
            target = review.next_unsettled(here) if step > 0 else review.previous_unsettled(None if here < 0 else here)
            if target is None:
                self._all_settled()
                return
        else:
            target = (here + step) % n
        self._go(target)
        self._show()

    def _all_settled(self) -> None:
        left = self.session.documents_left()
        where = f" Documents with some left: {', '.join(left[:3])}{'…' if len(left) > 3 else ''}." if left else ""
        self.notify(f"Every disagreement here is settled.{where}", timeout=4)

    def action_document(self, step: int) -> None:
        doc_id = self.session.neighbour(step)
        if doc_id is None:
            self.notify("No more documents that way.", timeout=2)
            return
        try:
            report = self.session.open(doc_id)
        except UserError as exc:  # the open document stays open; the line names the file
            self.notify(str(exc), severity="error", timeout=10)
            return
        self._opened()
        for line in report:
            self.notify(line, severity="warning", timeout=8)

    # ----------------------------------------------------------------- deciding

    def _decide(self, do, done: str) -> bool:
        """Run one decision; a refusal is one line and changes nothing."""
        try:
            do()
        except (AdjudicationError, InvariantError, UserError) as exc:
            self.notify(exc.message, severity="warning" if isinstance(exc, AdjudicationError) else "error", timeout=5)
            return False
        self._redraw()
        self.notify(done, timeout=2)
        return True

    def action_take(self, choice: str) -> None:
        i = self.current
        if i is None:
            self.notify("No disagreement here to settle.", timeout=2)
            return
        review = self.session.review
        assert review is not None
        if self._decide(lambda: self.session.settle(i, choice), f"Settled: {choice}"):
            self._move_on(i)

    def _move_on(self, i: int) -> None:
        """After settling `i`: back to a link that waited for it, else on to the next unsettled."""
        review = self.session.review
        assert review is not None
        waited = self.session.waiting
        following = self.session.next_after(i)
        if following is None:
            self._all_settled()
            return
        if waited is not None and review.disagreements[following].key == waited[0]:
            self.notify("Back to the link that waited for this: it can be taken now.", timeout=3)
        self._go(following)
        self._show()

    def action_undo(self) -> None:
        if self.session.undo():
            self._redraw()
            back = self.session.undone_index()
            if back is not None:  # to the decision taken back, so that it can be made again
                self._go(back)
                self._show()
            self.notify("Undone: the last decision", timeout=2)
        else:
            self.notify("Nothing to undo.", timeout=2)

    def action_edit(self) -> None:
        """A dialog of hand edits for the current disagreement; whichever is chosen settles it as "edit"."""
        i = self.current
        review = self.session.review
        if i is None or review is None:
            self.notify("No disagreement here to settle.", timeout=2)
            return
        d = review.disagreements[i]
        start, end = trim_extent(review.gold.text, *(self.article.selection or (d.start, d.end)))
        choices = edit_choices(review, self.session.project.schema, d, start, end, self.article.cursor)

        def answer(value: str | None) -> None:
            if not value:
                return
            kind, _, arg = value.partition(":")
            if kind == "take":
                if self._decide(lambda: self.session.settle(i, arg), f"Settled: {arg}"):
                    self._move_on(i)
                return
            if kind == "add":
                edits = [lambda g: g.add_span(start, end, arg)]
            elif kind == "delete":
                edits = [lambda g: g.delete_span(arg)]
            elif kind == "link":
                head, _, tail = arg.partition(":")
                edits = [lambda g: g.link(head, tail)]
            elif kind == "unlink":
                edits = [lambda g: g.unlink(arg)]
            else:
                edits = []
            if self._decide(lambda: self.session.hand_edit(i, edits), "Settled by hand"):
                self.article.clear_selection()

        self.app.push_screen(ChoiceDialog(f"Edit the gold: {d.kind} at {d.start}-{d.end}", choices, "enter applies, escape cancels"), answer)
