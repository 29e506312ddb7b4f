"""One reviewer adjudicating two annotators over their shared documents: the open `Review`, its lock,
its saves, and the progress over every document.

Headless, like `reader.annotate.session.Session` for annotating and on the same base
(`reader.annotate.base.DocumentSession`: open, leave, the lock, the neighbours), so that what the
review screen does (open, settle, undo, switch, resume, never lose a save) is tested without a
terminal. The screen calls `settle`, `hand_edit` and `undo`; each queues a save of the gold and its
decisions through `save_review` on the autosave thread, so no key waits for the disk and a failed
save is retried, never dropped.

`merged_view` is what the article shows: the gold as it stands (agreements and settled choices,
drawn normally) plus, for every unsettled disagreement, each side's span marked by whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from reader.annotate.base import DocumentSession
from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import Span
from reader.files.store import Loaded
from reader.review.adjudication import (
    Review,
    check_reviewers,
    check_target,
    open_review,
    save_review,
)
from reader.review.alignment import Disagreement, Link, Unit
from reader.review.diff import shared_documents


@dataclass(frozen=True)
class MergedView:
    """Spans to draw, which side each unsettled one is, and which of them belong to each disagreement
    (by index), so the current one can be picked out. Ids are prefixed by origin: g (gold), a, b, and
    "*" for the part of a boundary disagreement both marked (it sorts first, so it is drawn on top
    when it is as long as one side's span)."""

    spans: list[Span]
    side: dict[str, str]
    members: dict[int, set[str]]


def merged_view(review: Review) -> MergedView:
    """The gold's spans, plus A's and B's sides of the unsettled disagreements.

    Where both sides mark text (the shared part of a boundary disagreement, the same extent with two
    labels) it is marked "both": one extra span over the shared part, or A's span of a label pair.
    Settled disagreements show only what the gold holds, so the article shows the decision.
    """
    spans: dict[str, Span] = {}
    side: dict[str, str] = {}
    members: dict[int, set[str]] = {}
    gold = review.gold
    by_key = {(s.start, s.end, s.label): s for s in gold.sorted_spans()}
    for s in gold.sorted_spans():
        spans["g" + s.id] = replace(s, id="g" + s.id)

    def gold_id(unit: Unit) -> str | None:
        found = by_key.get(unit.key)
        return "g" + found.id if found is not None else None

    for i, d in enumerate(review.disagreements):
        own: set[str] = set()
        members[i] = own
        if isinstance(d.a, Link) or isinstance(d.b, Link):
            for who, link in (("a", d.a), ("b", d.b)):
                if isinstance(link, Link):
                    own.update(gold_id(end) or f"{who}{end.id}" for end in (link.head, link.tail))
            continue
        settled = review.choice(i) is not None
        for who, unit, source in (("a", d.a, review.a), ("b", d.b, review.b)):
            if not isinstance(unit, Unit):
                continue
            held = gold_id(unit)
            if held is not None:
                own.add(held)
                continue
            if settled:
                continue
            span = replace(source.spans[unit.id], id=f"{who}{unit.id}")
            spans[span.id] = span
            side[span.id] = who
            own.add(span.id)
        if settled or not (isinstance(d.a, Unit) and isinstance(d.b, Unit)):
            continue
        if d.kind == "label":
            side[f"a{d.a.id}"] = "both"
        elif d.kind == "boundary":
            start, end = max(d.a.start, d.b.start), min(d.a.end, d.b.end)
            if start < end:
                shared = replace(review.a.spans[d.a.id], id=f"*{i}", start=start, end=end, text=review.a.text[start:end])
                spans[shared.id] = shared
                side[shared.id] = "both"
                own.add(shared.id)
    return MergedView(list(spans.values()), side, members)


def display_annotations(review: Review, view: MergedView) -> DocAnnotations:
    """The merged view as annotations the article view can draw (never saved)."""
    return DocAnnotations(review.gold.document, review.gold.schema, view.spans)


class ReviewSession(DocumentSession):
    """Review of annotators `a` and `b` into annotator `into`, one document open at a time."""

    def __init__(
        self,
        project: Any,
        a: str,
        b: str,
        into: str = "gold",
        doc_ids: list[str] | None = None,
        report_save: Callable[[str | None], None] = lambda error: None,
    ) -> None:
        check_reviewers(a, b, into)
        shared, _skipped = shared_documents(project, a, b)
        if doc_ids:
            for doc_id in doc_ids:
                shared_documents(project, a, b, doc_id)  # one line naming what is missing
            shared = list(doc_ids)
        if not shared:
            raise UserError(f"annotators {a!r} and {b!r} share no document: nothing to review")
        check_target(project, into)
        super().__init__(project, into, shared, report_save)
        self.a, self.b, self.into = a, b, into
        self.counts: dict[str, tuple[int, int]] = {}
        """doc id -> (settled, disagreements), for the progress over every document."""
        for doc_id in shared:
            review, _ = open_review(project, a, b, doc_id, into)
            self.counts[doc_id] = (review.settled, len(review))
        self.review: Review | None = None
        """The open document's review (None when none is open); `loaded` is its gold's file."""

    # ----------------------------------------------------------------- documents

    def first_document(self) -> str:
        """Where a review resumes: the first document with something left to settle."""
        return next((d for d in self.doc_ids if self.counts[d][0] < self.counts[d][1]), self.doc_ids[0])

    def _read(self, doc_id: str) -> tuple[Review, Loaded]:
        """A, B and the gold so far; an unreadable A, B, gold or decisions file is a UserError."""
        return open_review(self.project, self.a, self.b, doc_id, self.into, lock=True)

    def _writer(self, loaded: Loaded) -> Callable[[Any], object]:
        """The gold and its decisions, both (`save_review`)."""
        return lambda snap: save_review(self.project, snap, self.into, loaded.lock)

    def _entered(self, opened: Review) -> None:
        """A document opened for the first time gets its gold (the agreements) saved at once, so a
        document with nothing to settle is in the gold too."""
        self.review = opened
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
            self.counts[self.doc_id] = (self.review.settled, len(self.review))

    def _writable(self) -> None:
        if self.readonly:
            raise UserError("this document's gold is open read-only (another process is reviewing it)")

    def settle(self, i: int, choice: str) -> None:
        """Settle disagreement `i` ("a", "b", "both", "neither") and queue the save; AdjudicationError
        (nothing changed) when it cannot be made now."""
        self._writable()
        assert self.review is not None
        self.review.settle(i, choice)
        self._changed()

    def hand_edit(self, i: int, edits: list[Callable[[DocAnnotations], object]]) -> None:
        """The reviewer's own change to the gold, recorded as settling `i` by "edit" (one undo step)."""
        self._writable()
        assert self.review is not None
        self.review.settle(i, "edit", edits)
        self._changed()

    def undo(self) -> bool:
        if self.readonly or self.review is None or not self.review.undo():
            return False
        self._changed()
        return True

    # ----------------------------------------------------------------- progress

    def progress(self) -> tuple[int, int, int, int]:
        """(settled, disagreements) in the open document, then over every document."""
        settled, total = self.counts[self.doc_id]
        return (settled, total, sum(s for s, _ in self.counts.values()), sum(t for _, t in self.counts.values()))

    def documents_left(self) -> list[str]:
        return [d for d in self.doc_ids if self.counts[d][0] < self.counts[d][1]]


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
