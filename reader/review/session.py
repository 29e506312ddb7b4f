"""One reviewer adjudicating two annotators (or more) over their shared documents: the open review,
its lock, its saves, where to go next, and the progress over every document.

Headless, like `reader.annotate.session.Session` for annotating and on the same base
(`reader.annotate.base.DocumentSession`: open, leave, the lock, the neighbours), so that what the
review screen does (open, settle, undo, switch, resume, never lose a save) is tested without a
terminal. The screen calls `settle`, `hand_edit` and `undo`; each queues a save of the gold and its
decisions through `save_review` on the autosave thread, so no key waits for the disk and a failed
save is retried, never dropped.

Where to go next (`next_after`): the next unsettled disagreement, except that a link refused
because an end was not in the gold yet waits, and is offered again as soon as that end is taken.
`undo` goes back to the disagreement whose decision it took back (`review.undone`).

Starting does not open every document: the progress over documents is counted for the first
COUNTED_AT_START documents before the screen opens, and for the rest in a background thread (from the
review's saved record when it is newer than every file it counts, else by opening the document
read-only), so a review of 1,000 documents starts as fast as one of 10 and the panel fills in its
totals as they come (`counting`).

What the article draws is `review.merged` (re-exported here).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from reader.annotate.base import DocumentSession
from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.files.store import Loaded
from reader.review.adjudication import (
    check_reviewers,
    check_target,
    open_review,
    save_review,
    saved_counts,
)
from reader.review.alignment import Disagreement, Link, Unit
from reader.review.diff_many import shared_by_all
from reader.review.gold import AdjudicationError, GoldReview
from reader.review.many import check_auto_accept, open_many_review
from reader.review.merged import MergedView, display_annotations, merged_view

__all__ = ["ReviewSession", "MergedView", "merged_view", "display_annotations", "describe", "context"]

COUNTED_AT_START = 12
"""Documents whose disagreements are counted before the review opens; the rest are counted in the
background. A constant, so that starting costs the same whatever the corpus."""


class ReviewSession(DocumentSession):
    """Review of annotators `a`, `b` (and `others`) into annotator `into`, one document open at a time."""

    def __init__(
        self,
        project: Any,
        a: str,
        b: str,
        into: str = "gold",
        doc_ids: list[str] | None = None,
        report_save: Callable[[str | None], None] = lambda error: None,
        others: tuple[str, ...] | list[str] = (),
        auto_accept: int | None = None,
    ) -> None:
        others = tuple(others)
        check_reviewers(a, b, into, *others)
        self.names: tuple[str, ...] = (a, b, *others)
        if others:
            self.auto_accept: int | None = check_auto_accept(auto_accept, len(self.names))
        elif auto_accept is not None:
            raise UserError("--auto-accept is for three annotators or more (with two, what both made is in the gold already)")
        else:
            self.auto_accept = None
        shared, _skipped = shared_by_all(project, self.names)
        for doc_id in doc_ids or ():
            shared_by_all(project, self.names, doc_id)  # one line naming what is missing
        if doc_ids:
            shared = list(doc_ids)
        if not shared:
            who = f"annotators {a!r} and {b!r}" if not others else "annotators " + ", ".join(map(repr, self.names))
            raise UserError(f"{who} share no document: nothing to review")
        check_target(project, into)
        super().__init__(project, into, shared, report_save)
        self.a, self.b, self.into = a, b, into
        self.counts: dict[str, tuple[int, int]] = {}
        """doc id -> (settled, disagreements), for the progress over every document (filled lazily)."""
        self.count_errors: dict[str, str] = {}
        """Documents the background count could not read, and why (opening one says it again)."""
        self._counts_lock = threading.Lock()
        self._stop = threading.Event()
        self._begun = threading.Event()
        """Set once a document is open: the background count waits for it, so as not to slow the start."""
        self._counter: threading.Thread | None = None
        self.review: GoldReview | None = None
        """The open document's review (None when none is open); `loaded` is its gold's file."""
        self.waiting: tuple[str, str] | None = None
        """(key, choice) of a link refused because an end was not in the gold: offered again once it can be."""
        for doc_id in shared[:COUNTED_AT_START]:
            self.count(doc_id)
        if len(shared) > COUNTED_AT_START:
            self._counter = threading.Thread(target=self._count_rest, name="review-count", daemon=True)
            self._counter.start()

    # ----------------------------------------------------------------- counting

    def _open(self, doc_id: str, lock: bool) -> tuple[GoldReview, Loaded]:
        """The names were checked at the start: opening does not list the annotators again."""
        if len(self.names) > 2:
            return open_many_review(self.project, self.names, doc_id, self.into, lock=lock, auto_accept=self.auto_accept,
                                    checked=True)
        return open_review(self.project, self.a, self.b, doc_id, self.into, lock=lock, checked=True)

    def count(self, doc_id: str) -> tuple[int, int]:
        """(settled, disagreements) of one document: known, saved by its last review, or counted now."""
        with self._counts_lock:
            known = self.counts.get(doc_id)
        if known is not None:
            return known
        found = saved_counts(self.project, self.into, doc_id, self.names)
        if found is None:
            review, _ = self._open(doc_id, lock=False)
            found = (review.settled, len(review))
        with self._counts_lock:
            return self.counts.setdefault(doc_id, found)

    def _count_rest(self) -> None:
        while not self._begun.wait(0.1):
            if self._stop.is_set():
                return
        for doc_id in self.doc_ids:
            if self._stop.is_set():
                return
            try:
                self.count(doc_id)
            except Exception as exc:  # an unreadable file: said again, in one line, when it is opened
                self.count_errors[doc_id] = str(exc)

    @property
    def counting(self) -> bool:
        """Whether some documents are not counted yet (the background count is going)."""
        return self._counter is not None and self._counter.is_alive()

    def stop_counting(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._counter is not None:
            self._counter.join(timeout)

    def wait_counted(self, timeout: float = 60.0) -> bool:
        """Wait for the background count (tests, benchmarks); True when every document is counted."""
        self._begun.set()
        if self._counter is not None:
            self._counter.join(timeout)
        return not self.counting

    # ----------------------------------------------------------------- documents

    def first_document(self) -> str:
        """Where a review resumes: the first document with something left to settle."""
        for doc_id in self.doc_ids:
            try:
                settled, total = self.count(doc_id)
            except UserError:
                return doc_id  # opening it says what is wrong, in one line
            if settled < total:
                return doc_id
        return self.doc_ids[0]

    def _read(self, doc_id: str) -> tuple[GoldReview, Loaded]:
        """Every annotator's file and the gold so far; an unreadable one is a UserError."""
        return self._open(doc_id, lock=True)

    def _writer(self, loaded: Loaded) -> Callable[[Any], object]:
        """The gold and its decisions, both (`save_review`)."""
        return lambda snap: save_review(self.project, snap, self.into, loaded.lock)

    def _entered(self, opened: GoldReview) -> None:
        """A document opened for the first time gets its gold (the agreements) saved at once, so a
        document with nothing to settle is in the gold too."""
        self.review = opened
        self.waiting = None
        self._begun.set()
        if self.saver is not None and opened.fresh:
            self.saver.request(opened)
        self._count()

    def _left(self) -> None:
        self.review = None

    # ----------------------------------------------------------------- settling

    def _changed(self) -> None:
        self._count()
        if self.saver is not None:
            self.saver.request(self.review)

    def _count(self) -> None:
        if self.review is not None:
            with self._counts_lock:
                self.counts[self.doc_id] = (self.review.settled, len(self.review))

    def _writable(self) -> None:
        if self.readonly:
            raise UserError("this document's gold is open read-only (another process is reviewing it)")

    def settle(self, i: int, choice: str) -> None:
        """Settle disagreement `i` and queue the save; AdjudicationError (nothing changed) when it
        cannot be made now. A link refused for a missing end waits (`next_after` comes back to it)."""
        self._writable()
        assert self.review is not None
        try:
            self.review.settle(i, choice)
        except AdjudicationError:
            if self.review.blocked(i, choice) is not None:
                self.waiting = (self.review.disagreements[i].key, choice)
            raise
        if self.waiting is not None and self.waiting[0] == self.review.disagreements[i].key:
            self.waiting = None
        self._changed()

    def hand_edit(self, i: int, edits: list[Callable[[DocAnnotations], object]]) -> None:
        """The reviewer's own change to the gold, recorded as settling `i` by "edit" (one undo step)."""
        self._writable()
        assert self.review is not None
        self.review.settle(i, "edit", edits)
        self._changed()

    def next_after(self, i: int) -> int | None:
        """Where to go after settling `i`: a waiting link once it can be taken, else the next unsettled."""
        review = self.review
        assert review is not None
        if self.waiting is not None:
            key, choice = self.waiting
            j = review.index_of(key)
            if j is None or review.choice(j) is not None:
                self.waiting = None
            elif review.blocked(j, choice) is None:
                self.waiting = None
                return j
        return review.next_unsettled(i)

    def undo(self) -> bool:
        if self.readonly or self.review is None or not self.review.undo():
            return False
        self._changed()
        return True

    def undone_index(self) -> int | None:
        """The disagreement the last undo took a decision back from (to go back to it)."""
        return None if self.review is None else self.review.index_of(self.review.undone)

    # ----------------------------------------------------------------- progress

    def progress(self) -> tuple[int, int, int, int]:
        """(settled, disagreements) in the open document, then over every document counted so far."""
        with self._counts_lock:
            counts = list(self.counts.values())
            settled, total = self.counts[self.doc_id]
        return (settled, total, sum(s for s, _ in counts), sum(t for _, t in counts))

    @property
    def counted(self) -> int:
        with self._counts_lock:
            return len(self.counts)

    def documents_left(self) -> list[str]:
        """Documents counted so far with something left to settle, in order."""
        with self._counts_lock:
            counts = dict(self.counts)
        return [d for d in self.doc_ids if d in counts and counts[d][0] < counts[d][1]]


def describe(side: Unit | Link | None, text: str, width: int = 48) -> str:
    if side is None:
        return "(nothing)"
    if isinstance(side, Link):
        return f"{describe(side.head, text, width // 2)} → {describe(side.tail, text, width // 2)}"
    return f"{side.label} {side.start}-{side.end} “{_snip(text[side.start:side.end], width)}”"


def _snip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(0, width - 1)] + "…"


def context(d: Disagreement, text: str, width: int = 60) -> str:
    """The disagreement's text with a little on each side, on one line."""
    room = max(0, (width - (d.end - d.start)) // 2)
    start, end = max(0, d.start - room), min(len(text), d.end + room)
    return ("…" if start > 0 else "") + _snip(text[start:end], width) + ("…" if end < len(text) else "")
