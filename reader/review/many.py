"""Adjudication of three or more annotators on one document: candidates, who made each, and majority.

`reader review A B C ...` reviews N annotators at once. Their spans and links become candidates with
the annotators who made each (`review.candidates`), grouped into contests; the reviewer keeps the
candidates they want of each contest. `ManyReview` has the same face as the two-annotator `Review`
(`choice`, `settle`, `blocked`, `undo`, the queue), so the session and the screen drive either.

Choices: "1", "2", ... keep that candidate alone (numbered as the screen lists them: most makers
first), "1+3" keeps several, "all" keeps every one, "none" keeps none, "edit" is a hand edit. The
two-annotator keys map onto these: a -> 1, b -> 2, both -> all, neither -> none.

Majority (`--auto-accept K`, 1 <= K <= N, default N): a candidate that at least K annotators made goes
into a new gold without a decision, and so does a link K made once its ends are in; its contest
counts as settled, recorded "auto" (the reviewer can revisit and change it). A rival that fewer made
stays out. A new gold starts with the agreements (what every annotator made) and those; an existing
gold is taken as it is. As with two, the gold is the truth of what was decided: a contest stands as
the candidates the gold holds.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import Relation, Span, now_iso
from reader.files.corpus import check_name
from reader.review.adjudication import check_reviewers, read_record
from reader.review.alignment import Link, Unit
from reader.review.candidates import Candidate, Contest, candidates
from reader.review.comparison import units_of
from reader.review.gold import AdjudicationError, GoldReview

ALIASES = {"a": "1", "b": "2", "both": "all", "neither": "none"}


def check_auto_accept(k: int | None, n: int) -> int:
    """K as given, or N (only what everyone made) when not given; a UserError outside 1..N."""
    if k is None:
        return n
    if not 1 <= k <= n:
        raise UserError(f"--auto-accept {k}: give a number of annotators from 1 to {n} (the annotators compared)")
    return k


class ManyReview(GoldReview):
    """The adjudication of one document by N annotators: contests of candidates, and the gold."""

    def __init__(
        self,
        annotations: Sequence[DocAnnotations],
        gold: DocAnnotations | None = None,
        decisions: Mapping[str, str] | None = None,
        names: Sequence[str] | None = None,
        auto_accept: int | None = None,
    ) -> None:
        if len(annotations) < 2:
            raise UserError("a review needs two annotators or more")
        first = annotations[0].document
        for ann in annotations[1:]:
            if ann.document.id != first.id:
                raise UserError(f"cannot review {first.id!r} against {ann.document.id!r}")
        self.annotations = list(annotations)
        self.names = tuple(names or (f"annotator {i + 1}" for i in range(len(annotations))))
        self.auto_accept = check_auto_accept(auto_accept, len(annotations))
        sides = [units_of(ann) for ann in annotations]
        found = candidates(first.id, [units for units, _ in sides], [links for _, links in sides])
        self.agreed = found.agreed
        self.agreed_links = found.agreed_links
        self.disagreements: list[Contest] = found.contests
        self.decisions: dict[str, str] = {str(k): str(v) for k, v in (decisions or {}).items()}
        self.fresh = gold is None
        self._start_history()
        self.gold = gold if gold is not None else self._start_gold()

    # ----------------------------------------------------------------- the start

    def _span(self, cand: Candidate, n: int, stamp: str) -> Span:
        """The gold's copy of a span candidate: the attributes every maker gave, the first note."""
        made = [self.annotations[w].spans[i] for w, i in zip(cand.who, cand.ids)]
        attrs = {k: v for k, v in made[0].attrs.items() if all(s.attrs.get(k) == v for s in made[1:])}
        note = next((s.note for s in made if s.note), "")
        u = cand.item
        return Span(f"s{n}", u.start, u.end, u.label, made[0].text, attrs, note, stamp, stamp, u.fragments)

    def _start_gold(self) -> DocAnnotations:
        """The agreements, then every candidate at least K made (a link once its ends are in)."""
        stamp = now_iso()
        spans: dict[tuple, Span] = {}
        taken = list(self.agreed)
        for contest in self.disagreements:
            taken += [c for c in contest.candidates if isinstance(c.item, Unit) and len(c.who) >= self.auto_accept]
        for cand in taken:
            spans.setdefault(cand.key, self._span(cand, len(spans) + 1, stamp))
        relations: dict[tuple, Relation] = {}
        links = list(self.agreed_links)
        for contest in self.disagreements:
            links += [c for c in contest.candidates if isinstance(c.item, Link) and len(c.who) >= self.auto_accept]
        for cand in links:
            link = cand.item
            head, tail = spans.get(link.head.key), spans.get(link.tail.key)
            if head is not None and tail is not None:
                relations.setdefault(cand.key, Relation(f"r{len(relations) + 1}", head.id, tail.id, link.label))
        gold = DocAnnotations(self.annotations[0].document, self.annotations[0].schema, spans.values(), relations.values())
        gold.status = "in-progress"
        self.gold = gold
        for contest in self.disagreements:
            if any(self.present(c.item) for c in contest.candidates):
                self.decisions[contest.key] = "auto"
        return gold

    # ----------------------------------------------------------------- reading

    def makers(self, cand: Candidate) -> list[str]:
        return [self.names[w] for w in cand.who]

    def choice(self, which: int | Contest) -> str | None:
        """How a contest stands in the gold: the candidates it holds ("1", "1+3", "all"), "none",
        "edit", or None when it is not settled yet."""
        d = self._get(which)
        recorded = self.decisions.get(d.key)
        if recorded == "edit":
            return "edit"
        kept = [i for i, c in enumerate(d.candidates, 1) if self.present(c.item)]
        if kept:
            return "all" if len(kept) == len(d.candidates) > 1 else "+".join(map(str, kept))
        return "none" if recorded == "none" else None

    def automatic(self, which: int | Contest) -> bool:
        """Whether the contest stands as the majority left it (taken without a decision)."""
        d = self._get(which)
        return self.decisions.get(d.key) == "auto" and self.choice(d) is not None

    def _wanted(self, d: Contest, choice: str) -> list[bool]:
        choice = ALIASES.get(choice, choice)
        n = len(d.candidates)
        if choice == "all":
            return [True] * n
        if choice in ("none", "edit"):
            return [False] * n
        try:
            picked = {int(part) for part in choice.split("+")}
        except ValueError:
            picked = set()
        if not picked or not picked <= set(range(1, n + 1)):
            raise AdjudicationError(
                f"unknown choice {choice!r} (candidates 1 to {n}, joined by +, or all, none, edit)"
            )
        return [i in picked for i in range(1, n + 1)]

    def blocked(self, which: int | Contest, choice: str) -> str | None:
        """Why `choice` cannot be made now (a link whose ends are not in the gold), or None."""
        d = self._get(which)
        try:
            wanting = self._wanted(d, choice)
        except AdjudicationError:
            return None  # not a choice of this contest: `settle` says so, nothing is blocked
        wanted = [c.item for c, want in zip(d.candidates, wanting) if want and isinstance(c.item, Link)]
        return self.missing_end(wanted)

    # ----------------------------------------------------------------- settling

    def settle(
        self, which: int | Contest, choice: str, edits: list[Callable[[DocAnnotations], object]] | None = None
    ) -> None:
        """Keep the chosen candidates of one contest and no other; one edit of the gold (undoable).
        "edit" runs the reviewer's own `edits` instead, as one step with the record."""
        d = self._get(which)
        choice = ALIASES.get(choice, choice)
        wanted = self._wanted(d, choice)
        if choice == "edit":
            self._apply(d.key, f"settle {d.kind}: edit", list(edits or []), "edit")
            return
        reason = self.blocked(d, choice)
        if reason is not None:
            raise AdjudicationError(reason)
        todo: list[Callable[[DocAnnotations], object]] = []
        for cand, want in zip(d.candidates, wanted):
            if not want and self.present(cand.item):
                todo.append(self._remove(cand.item))
        stamp = now_iso()
        for cand, want in zip(d.candidates, wanted):
            if want and not self.present(cand.item):
                if isinstance(cand.item, Link):
                    todo.append(self._add_link(cand.item))
                else:
                    span = self._span(cand, 0, stamp)
                    todo.append(lambda g, s=span: g.add_span(s.start, s.end, s.label, attrs=dict(s.attrs), note=s.note,
                                                             fragments=s.fragments))
        decision = choice if choice in ("all", "none") else "+".join(str(i) for i, w in enumerate(wanted, 1) if w)
        self._apply(d.key, f"settle {d.kind}: {decision}", todo, decision)


def open_many_review(
    project: Any, names: Sequence[str], doc_id: str, into: str = "gold", lock: bool = False,
    auto_accept: int | None = None, checked: bool = False,
) -> tuple[ManyReview, Any]:
    """Load every annotator's file, the gold so far and its decisions for one document (as
    `adjudication.open_review` does for two)."""
    check_name("annotator", into)
    check_reviewers(names[0], names[1], into, *names[2:])
    store = project.store
    known = names if checked else store.annotators()
    for name in names:
        if name not in known:
            raise UserError(f"no annotator {name!r} in {store.root} (annotators: {', '.join(known) or 'none yet'})")
    doc = project.corpus.get(doc_id)
    annotations = [store.load(name, doc).annotations for name in names]
    loaded = store.load(into, doc, lock=lock)
    try:
        record = read_record(project, into, doc_id) or {}
        decisions = {str(k): str(v) for k, v in dict(record.get("decisions") or {}).items()}
        review = ManyReview(annotations, loaded.annotations if loaded.exists else None, decisions, names, auto_accept)
    except BaseException:
        if loaded.lock is not None:
            loaded.lock.release()
        raise
    return review, loaded
