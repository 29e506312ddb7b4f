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
from reader.review.candidates import queue_order
from reader.review.comparison import compare_annotations
from reader.review.gold import AdjudicationError, GoldReview

CHOICES = ("a", "b", "both", "neither", "edit")


class Review(GoldReview):
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
        self.disagreements: list[Disagreement] = queue_order(self.comparison.disagreements)
        self.decisions: dict[str, str] = {k: v for k, v in (decisions or {}).items() if v in CHOICES}
        self.fresh = gold is None
        self.gold = gold if gold is not None else self._agreed_gold()
        self._start_history()

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
            spans[ua.key] = Span(f"s{n}", ua.start, ua.end, ua.label, sa.text, attrs, sa.note or sb.note, stamp, stamp,
                                 ua.fragments)
        relations = []
        for n, (la, _lb) in enumerate(self.comparison.alignment.links, 1):
            relations.append(Relation(f"r{n}", spans[la.head.key].id, spans[la.tail.key].id, la.label))
        gold = DocAnnotations(self.a.document, self.a.schema, spans.values(), relations)
        gold.status = "in-progress"
        return gold

    # ----------------------------------------------------------------- reading

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

    def blocked(self, which: int | Disagreement, choice: str) -> str | None:
        """Why `choice` cannot be made now (a link whose ends are not in the gold), or None."""
        d = self._get(which)
        wanted = [side for side, want in zip((d.a, d.b), self._wanted(d, choice)) if want and isinstance(side, Link)]
        return self.missing_end(wanted)

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
        if choice == "edit":
            self._apply(d.key, f"settle {d.kind}: edit", list(edits or []), "edit")
            return
        reason = self.blocked(d, choice)
        if reason is not None:
            raise AdjudicationError(reason)
        todo: list[Callable[[DocAnnotations], object]] = []
        for side, want in ((d.a, want_a), (d.b, want_b)):
            if side is not None and not want and self.present(side):
                todo.append(self._remove(side))
        for side, source, want in ((d.a, self.a, want_a), (d.b, self.b, want_b)):
            if side is not None and want and not self.present(side):
                todo.append(self._add(side, source))
        self._apply(d.key, f"settle {d.kind}: {choice}", todo, choice)

    def _add(self, side: Unit | Link, source: DocAnnotations) -> Callable[[DocAnnotations], object]:
        if isinstance(side, Link):
            return self._add_link(side)
        span = source.spans[side.id]
        return lambda g: g.add_span(span.start, span.end, span.label, attrs=dict(span.attrs), note=span.note,
                                    fragments=span.fragments)


# --------------------------------------------------------------------------- files


def review_path(project: Any, into: str, doc_id: str) -> Path:
    """Where the decisions of a review are kept, beside the gold file."""
    return Path(project.store.path(into, doc_id)).with_name(f".{doc_id}.review.json")


def check_reviewers(a: str, b: str, into: str, *others: str) -> None:
    """One line when an annotator is named twice, or when the gold would be saved over one of them."""
    names = (a, b, *others)
    if a == b and not others:
        raise UserError(f"annotators A and B must differ (both are {a!r}): there is nothing to review")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UserError(f"each annotator may be named once ({', '.join(map(repr, twice))} is named twice)")
    if into in names:
        which = "one of the two compared" if not others else f"one of the {len(names)} compared"
        free = next(f"{into}{n}" for n in range(2, 100) if f"{into}{n}" not in names)
        raise UserError(
            f"the adjudicated set must not be saved as annotator {into!r}, {which}: name another target "
            f"with --into NAME, e.g. 'reader review {' '.join(names)} --into {free}'"
        )


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


def open_review(
    project: Any, a: str, b: str, doc_id: str, into: str = "gold", lock: bool = False, checked: bool = False
) -> tuple[Review, Any]:
    """Load A, B and the gold so far (with its decisions) for one document.

    Returns the Review and the gold's `Loaded` (read-only flag, lock, repair report) so the screen
    can hold the lock and say what was repaired. A and B must differ, and `into` must not be A or B:
    the gold never overwrites an annotator's work (`check_target`, once per review, checks the
    other annotators). `checked`: the caller checked the names already (a session, once at its start).
    """
    check_name("annotator", into)
    check_reviewers(a, b, into)
    store = project.store
    known = (a, b) if checked else store.annotators()
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


def save_review(project: Any, review: GoldReview, into: str = "gold", lock: Any = None) -> Path:
    """Save the gold through the store (status done when every disagreement is settled) and its decisions.

    The record also keeps the counts (settled, disagreements) as of this save, which `saved_counts`
    reads back: `reader export --gold` and the review's progress over documents not opened yet."""
    review.gold.status = "done" if review.done else "in-progress"
    path = project.store.save(into, review.gold, lock=lock)
    record: dict[str, Any] = {
        "doc_id": review.gold.document.id,
        "a": review.names[0],
        "b": review.names[1],
        "settled": review.settled,
        "disagreements": len(review),
        "decisions": review.saved_decisions(),
    }
    if len(review.names) > 2:
        record["annotators"] = list(review.names)
        record["auto_accept"] = getattr(review, "auto_accept", None)
    write_atomic(review_path(project, into, review.gold.document.id), dumps(record))
    return path


def read_record(project: Any, into: str, doc_id: str) -> dict[str, Any] | None:
    """The decisions file of one document as saved (None when there is none); a UserError naming the
    file when it is not one."""
    path = review_path(project, into, doc_id)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict):
            raise TypeError
        dict(data.get("decisions") or {})
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
        raise UserError("not a review file (expected JSON with 'decisions')", path) from None
    return data


def saved_counts(project: Any, into: str, doc_id: str, annotators: tuple[str, ...] | None = None) -> tuple[int, int] | None:
    """(settled, disagreements) of one document as its last review save left them, without opening it.

    None when there is no record, when it counts something else (no counts, or other annotators than
    `annotators`), or when it is older than an annotator's file or the gold (someone changed them since:
    only a comparison can tell)."""
    data = read_record(project, into, doc_id)
    if data is None:
        return None
    settled, total = data.get("settled"), data.get("disagreements")
    if not isinstance(settled, int) or not isinstance(total, int):
        return None
    names = tuple(data.get("annotators") or (data.get("a"), data.get("b")))
    if annotators is not None:
        if names != tuple(annotators):
            return None
        when = review_path(project, into, doc_id).stat().st_mtime_ns
        for name in (*names, into):
            path = project.store.path(name, doc_id)
            if path.exists() and path.stat().st_mtime_ns > when:
                return None
    return settled, total


def unsettled_reviews(project: Any, into: str, doc_ids: list[str]) -> list[tuple[str, int, int, tuple[str, ...]]]:
    """(document, disagreements not settled, disagreements, annotators reviewed) of every document of
    `doc_ids` whose review record says something is left, as its last save left it: what `reader
    export --gold` reports (a gold with no record, imported say, has nothing to report)."""
    out = []
    for doc_id in doc_ids:
        data = read_record(project, into, doc_id)
        if data is None:
            continue
        counts = saved_counts(project, into, doc_id)
        if counts is None:
            continue
        settled, total = counts
        if settled < total:
            names = tuple(data.get("annotators") or (data.get("a"), data.get("b")))
            out.append((doc_id, total - settled, total, tuple(str(n) for n in names)))
    return out
