"""Adjudication: settling two annotators' disagreements on one document into a gold `DocAnnotations`.

Headless, for the review screen to drive: `open_review` loads A, B and the gold so far, a `Review`
lists the disagreements (`compare.disagreements`, in text order) and settles one at a time with
`settle(i, choice)`, choice one of:

- "a" / "b": keep that side's span (or link) and not the other's;
- "both": keep both (two spans on one extent with different labels, say);
- "neither": keep none;
- "edit": the reviewer changed the gold by hand for this one (the edits given to `settle`, one undo
  step with the record); it counts as settled as it is.

A span or link only one side has takes "a"/"both" as "keep it" and "b"/"neither" as "drop it".
Every settlement is one edit of the gold, so the gold's own undo works, and `Review.undo` takes back
the last settlement with its record.

The gold is the truth of what was decided: a disagreement is settled "a" when the gold holds A's
side and not B's, and so on, whoever put it there. Only "neither" and "edit" leave nothing to see
in the gold, so the decisions are also kept beside it, in `annotations/<gold>/.<doc_id>.review.json`
(a dot file: `Store.files`, export and stats skip it). That is what makes a review resumable.

A new gold starts with every agreement (exact matches, with the attributes both gave, and links
both made); an existing gold is taken as it is, so an agreement the reviewer removed stays removed.
Taking a link needs both its ends in the gold first: settle its spans, then the link.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Mapping

from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import Relation, Span, now_iso
from reader.files.annotation_file import dumps
from reader.files.atomic import write_atomic
from reader.files.corpus import check_name
from reader.review.alignment import Disagreement, Link, Unit
from reader.review.comparison import compare_annotations

CHOICES = ("a", "b", "both", "neither", "edit")


class AdjudicationError(UserError):
    """A settlement that cannot be made as asked (nothing in the gold was changed)."""


class Review:
    """The adjudication of one document: A, B, their disagreements and the gold being built."""

    def __init__(
        self,
        a: DocAnnotations,
        b: DocAnnotations,
        gold: DocAnnotations | None = None,
        decisions: Mapping[str, str] | None = None,
        names: tuple[str, str] = ("a", "b"),
    ) -> None:
        if a.document.id != b.document.id:
            raise UserError(f"cannot review {a.document.id!r} against {b.document.id!r}")
        self.a, self.b = a, b
        self.names = names
        self.comparison = compare_annotations(a, b)
        self.disagreements: list[Disagreement] = self.comparison.disagreements
        self.decisions: dict[str, str] = {k: v for k, v in (decisions or {}).items() if v in CHOICES}
        self.fresh = gold is None
        self.gold = gold if gold is not None else self._agreed_gold()
        self._history: list[tuple[str, str | None, Any]] = []
        """(disagreement key, decision before, the gold's `Edit` it made or None): for undo."""

    # ----------------------------------------------------------------- the start

    @property
    def agreements(self) -> list[tuple[Unit, Unit]]:
        return self.comparison.alignment.exact

    def _agreed_gold(self) -> DocAnnotations:
        """A gold holding the agreements: exact matches (shared attributes; A's note, else B's) and agreed links."""
        stamp = now_iso()
        spans: dict[tuple, Span] = {}
        for n, (ua, ub) in enumerate(self.agreements, 1):
            sa, sb = self.a.spans[ua.id], self.b.spans[ub.id]
            attrs = {k: v for k, v in sa.attrs.items() if sb.attrs.get(k) == v}
            spans[ua.key] = Span(f"s{n}", ua.start, ua.end, ua.label, sa.text, attrs, sa.note or sb.note, stamp, stamp)
        relations = []
        for n, (la, _lb) in enumerate(self.comparison.alignment.links, 1):
            relations.append(Relation(f"r{n}", spans[la.head.key].id, spans[la.tail.key].id, la.label))
        gold = DocAnnotations(self.a.document, self.a.schema, spans.values(), relations)
        gold.status = "in-progress"
        return gold

    # ----------------------------------------------------------------- reading

    def __len__(self) -> int:
        return len(self.disagreements)

    def _get(self, which: int | Disagreement) -> Disagreement:
        if isinstance(which, Disagreement):
            return which
        return self.disagreements[which]

    def _index(self) -> tuple[dict[tuple, Span], dict[tuple, Relation]]:
        """The gold's spans by (start, end, label) and links by (head id, tail id, label), rebuilt
        only when the gold changed: the screen asks for every disagreement's state on each redraw."""
        cached = self.__dict__.get("_cached_index")
        if cached is None or cached[0] != (id(self.gold), self.gold.version):
            spans: dict[tuple, Span] = {}
            for span in self.gold.sorted_spans():
                spans.setdefault((span.start, span.end, span.label), span)
            links = {(r.head, r.tail, r.label): r for r in self.gold.relations.values()}
            cached = ((id(self.gold), self.gold.version), spans, links)
            self.__dict__["_cached_index"] = cached
        return cached[1], cached[2]

    def _find_span(self, u: Unit) -> Span | None:
        return self._index()[0].get(u.key)

    def _find_link(self, link: Link) -> Relation | None:
        spans, links = self._index()
        head, tail = spans.get(link.head.key), spans.get(link.tail.key)
        if head is None or tail is None:
            return None
        return links.get((head.id, tail.id, link.label))

    def present(self, side: Unit | Link | None) -> bool:
        """Whether the gold holds this side of a disagreement (by offsets and labels)."""
        if side is None:
            return False
        if isinstance(side, Link):
            return self._find_link(side) is not None
        return self._find_span(side) is not None

    def choice(self, which: int | Disagreement) -> str | None:
        """How a disagreement stands in the gold: one of CHOICES, or None when it is not settled yet."""
        d = self._get(which)
        recorded = self.decisions.get(d.key)
        if recorded == "edit":
            return "edit"
        has_a, has_b = self.present(d.a), self.present(d.b)
        if has_a and has_b:
            return "both"
        if has_a:
            return "a"
        if has_b:
            return "b"
        return "neither" if recorded in ("neither", "a", "b") and self._dropped(d, recorded) else None

    def _dropped(self, d: Disagreement, recorded: str) -> bool:
        # "a" on a B-only span (and "b" on an A-only one) means "drop it": settled as neither.
        return recorded == "neither" or (recorded == "a" and d.a is None) or (recorded == "b" and d.b is None)

    @property
    def settled(self) -> int:
        return sum(1 for i in range(len(self.disagreements)) if self.choice(i) is not None)

    @property
    def done(self) -> bool:
        return self.settled == len(self.disagreements)

    def next_unsettled(self, after: int = -1) -> int | None:
        """The index of the next unsettled disagreement after `after`, wrapping round; None when all are."""
        n = len(self.disagreements)
        for step in range(1, n + 1):
            i = (after + step) % n
            if self.choice(i) is None:
                return i
        return None

    def previous_unsettled(self, before: int | None = None) -> int | None:
        n = len(self.disagreements)
        start = n if before is None else before
        for step in range(1, n + 1):
            i = (start - step) % n
            if self.choice(i) is None:
                return i
        return None

    def blocked(self, which: int | Disagreement, choice: str) -> str | None:
        """Why `choice` cannot be made now (a link whose ends are not in the gold), or None."""
        d = self._get(which)
        for side, want in zip((d.a, d.b), self._wanted(d, choice)):
            if want and isinstance(side, Link):
                for end in (side.head, side.tail):
                    if self._find_span(end) is None:
                        text = self.a.text[end.start : end.end]
                        return f"take the {end.label} {end.start}-{end.end} {json.dumps(text, ensure_ascii=False)} into the gold first"
        return None

    # ----------------------------------------------------------------- settling

    @staticmethod
    def _wanted(d: Disagreement, choice: str) -> tuple[bool, bool]:
        if choice not in CHOICES:
            raise AdjudicationError(f"unknown choice {choice!r} (one of {', '.join(CHOICES)})")
        if choice == "edit":
            return False, False
        return choice in ("a", "both"), choice in ("b", "both")

    def settle(
        self, which: int | Disagreement, choice: str, edits: list[Callable[[DocAnnotations], object]] | None = None
    ) -> None:
        """Settle one disagreement; one edit of the gold (undoable), or none when the gold already fits.

        With "edit", `edits` are the reviewer's own changes to the gold (add a span, delete one...):
        run as one step with the record, so `undo` takes back both; a failing edit changes nothing."""
        d = self._get(which)
        want_a, want_b = self._wanted(d, choice)
        before = self.decisions.get(d.key)
        if choice == "edit":
            made = None
            if edits:
                self.gold.batch(f"settle {d.kind}: edit", list(edits))
                made = self.gold.last_edit
            self.decisions[d.key] = "edit"
            self._history.append((d.key, before, made))
            return
        reason = self.blocked(d, choice)
        if reason is not None:
            raise AdjudicationError(reason)
        edits: list[Callable[[DocAnnotations], object]] = []
        for side, want in ((d.a, want_a), (d.b, want_b)):
            if side is not None and not want and self.present(side):
                edits.append(self._remove(side))
        for side, source, want in ((d.a, self.a, want_a), (d.b, self.b, want_b)):
            if side is not None and want and not self.present(side):
                edits.append(self._add(side, source))
        made = None
        if edits:
            self.gold.batch(f"settle {d.kind}: {choice}", edits)
            made = self.gold.last_edit
        self.decisions[d.key] = choice
        self._history.append((d.key, before, made))

    def _remove(self, side: Unit | Link) -> Callable[[DocAnnotations], object]:
        if isinstance(side, Link):
            return lambda g: g.unlink(self._find_link(side).id)  # type: ignore[union-attr]
        return lambda g: g.delete_span(self._find_span(side).id)  # type: ignore[union-attr]

    def _add(self, side: Unit | Link, source: DocAnnotations) -> Callable[[DocAnnotations], object]:
        if isinstance(side, Link):
            return lambda g: g.link(self._find_span(side.head).id, self._find_span(side.tail).id, side.label)  # type: ignore[union-attr]
        span = source.spans[side.id]
        return lambda g: g.add_span(span.start, span.end, span.label, attrs=dict(span.attrs), note=span.note)

    def undo(self) -> bool:
        """Take back the last settlement (its gold edit and its record). False when there is none, or
        when the gold was edited by hand since (then undo that edit through the gold itself)."""
        if not self._history:
            return False
        key, before, made = self._history[-1]
        if made is not None:
            if self.gold.last_edit is not made:  # edited by hand since: that edit first
                return False
            self.gold.undo()
        self._history.pop()
        if before is None:
            self.decisions.pop(key, None)
        else:
            self.decisions[key] = before
        return True

    def snapshot(self) -> "Review":
        """A frozen copy for saving in another thread: the gold's tables and the decisions copied."""
        copy = Review.__new__(Review)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.pop("_cached_index", None)
        copy.gold = self.gold.snapshot()
        copy.decisions = dict(self.decisions)
        copy._history = []
        return copy

    def saved_decisions(self) -> dict[str, str]:
        """The decisions worth keeping: those of the current disagreements."""
        keys = {d.key for d in self.disagreements}
        return {k: v for k, v in sorted(self.decisions.items()) if k in keys}


# --------------------------------------------------------------------------- files


def review_path(project: Any, into: str, doc_id: str) -> Path:
    """Where the decisions of a review are kept, beside the gold file."""
    return Path(project.store.path(into, doc_id)).with_name(f".{doc_id}.review.json")


def check_reviewers(a: str, b: str, into: str) -> None:
    """One line when A and B are one annotator, or when the gold would be saved over one of them."""
    if a == b:
        raise UserError(f"annotators A and B must differ (both are {a!r}): there is nothing to review")
    if into in (a, b):
        raise UserError(f"the adjudicated set must not be saved as annotator {into!r}, one of the two compared")


def check_target(project: Any, into: str) -> None:
    """Refuse to review into an annotator's own work.

    `into` may be new, an empty folder, `gold`, or a previous review target (its folder holds
    decisions files, `.<doc>.review.json`). Any other annotator with annotation files is someone's
    work: a review would take their spans as the gold so far and rewrite their files."""
    if into == "gold":
        return
    folder = Path(project.store.root) / into
    if not project.store.files(into) or any(folder.glob(".*.review.json")):
        return
    raise UserError(
        f"annotator {into!r} has annotations of their own and was never reviewed into; the review would "
        "take them as the gold and rewrite them (review into another name)",
        folder,
    )


def open_review(project: Any, a: str, b: str, doc_id: str, into: str = "gold", lock: bool = False) -> tuple[Review, Any]:
    """Load A, B and the gold so far (with its decisions) for one document.

    Returns the Review and the gold's `Loaded` (read-only flag, lock, repair report) so the screen
    can hold the lock and say what was repaired. A and B must differ, and `into` must not be A or B:
    the gold never overwrites an annotator's work (`check_target`, once per review, checks the
    other annotators).
    """
    check_name("annotator", into)
    check_reviewers(a, b, into)
    store = project.store
    known = store.annotators()
    for name in (a, b):
        if name not in known:
            raise UserError(f"no annotator {name!r} in {store.root} (annotators: {', '.join(known) or 'none yet'})")
    doc = project.corpus.get(doc_id)
    ann_a = store.load(a, doc).annotations
    ann_b = store.load(b, doc).annotations
    loaded = store.load(into, doc, lock=lock)
    try:
        decisions: dict[str, str] = {}
        path = review_path(project, into, doc_id)
        if path.exists():
            try:
                data = json.loads(path.read_text("utf-8"))
                decisions = {str(k): str(v) for k, v in dict(data.get("decisions") or {}).items()}
            except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
                raise UserError("not a review file (expected JSON with 'decisions')", path) from None
        review = Review(ann_a, ann_b, loaded.annotations if loaded.exists else None, decisions, (a, b))
    except BaseException:
        if loaded.lock is not None:  # nothing holds the lock if this fails: never leave it taken
            loaded.lock.release()
        raise
    return review, loaded


def save_review(project: Any, review: Review, into: str = "gold", lock: Any = None) -> Path:
    """Save the gold through the store (status done when every disagreement is settled) and its decisions."""
    review.gold.status = "done" if review.done else "in-progress"
    path = project.store.save(into, review.gold, lock=lock)
    record = {
        "doc_id": review.gold.document.id,
        "a": review.names[0],
        "b": review.names[1],
        "settled": review.settled,
        "disagreements": len(review),
        "decisions": review.saved_decisions(),
    }
    write_atomic(review_path(project, into, review.gold.document.id), dumps(record))
    return path
