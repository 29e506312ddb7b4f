"""More than two annotators on one document: every distinct span (and link) as a candidate with the
annotators who made it, grouped into contests the reviewer settles.

Two annotators are aligned pair by pair (`review.alignment`). With N of them a pairing is no longer
one answer, so candidates are used instead, as curation tools do (INCEpTION's curation view shows
each distinct annotation with the annotators who made it):

- a *candidate* is one (start, end, label) that at least one annotator marked, with the annotators
  who marked exactly that (an annotator counts once, however many copies they made); a span in
  fragments is a candidate by its fragments (`Unit.key`), as the two-annotator alignment compares it;
- candidates are grouped into *contests*: two candidates are in the same contest when they have the
  same label and pieces sharing a character (a "boundary" difference; the gap between two
  fragments shares none) or the same pieces (a "label" difference), and so on transitively;
- a contest of one candidate every annotator made is an *agreement*, not a contest; any other group
  is one, of kind "boundary", "label", "mixed" (both) or "some" (one candidate that only some made);
- links are candidates by both ends' (start, end, label) and the link's label; those every
  annotator made are agreements, the others are grouped by their head into "link" contests (links
  whose heads are candidates of one contest are one contest: the quote's extents differ, and so
  do the links from it).

Within a contest the candidates are ordered by how many annotators made them, most first, then in
text order: key 1 takes the first. `queue_order` puts each link after the contests holding its ends,
so that a link is never offered before the spans it needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reader.review.alignment import Link, Unit


@dataclass(frozen=True)
class Candidate:
    """One distinct span or link and who made it: `who` are indices into the annotators' names,
    `ids` each one's id for it (same order). `item` is the first maker's unit or link."""

    item: Unit | Link
    who: tuple[int, ...]
    ids: tuple[str, ...]

    @property
    def key(self) -> tuple:
        return self.item.key


@dataclass(frozen=True)
class Contest:
    """The candidates the reviewer chooses among at one place of one document."""

    doc: str
    kind: str
    start: int
    """Extent covered by the candidates (for links: by their heads), for display and navigation."""
    end: int
    candidates: tuple[Candidate, ...]

    @property
    def key(self) -> str:
        """A stable name (kind and the candidates' keys), used to remember the decision."""
        return repr((self.kind, tuple(c.key for c in self.candidates)))

    @property
    def is_link(self) -> bool:
        return self.kind == "link"


@dataclass
class Candidates:
    """One document's agreements and contests among N annotators."""

    agreed: list[Candidate]
    agreed_links: list[Candidate]
    contests: list[Contest]


def collect_candidates(sides: Sequence[Sequence[Any]]) -> list[Candidate]:
    """One candidate per distinct item (by key) over every side, with who made it and their ids."""
    found: dict[tuple, tuple[Any, list[int], list[str]]] = {}
    for i, items in enumerate(sides):
        for item in items:
            entry = found.setdefault(item.key, (item, [], []))
            if i not in entry[1]:
                entry[1].append(i)
                entry[2].append(item.id)
    return [Candidate(item, tuple(who), tuple(ids)) for item, who, ids in found.values()]


def overlap_groups(cands: list[Candidate]) -> list[list[Candidate]]:
    """Span candidates grouped transitively by (same label and overlapping) or (same extent)."""
    cands = sorted(cands, key=lambda c: c.key)
    parent = list(range(len(cands)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    active: list[int] = []
    for i, c in enumerate(cands):
        u = c.item
        active = [j for j in active if cands[j].item.end > u.start]
        for j in active:
            v = cands[j].item
            if (v.label == u.label and v.shared(u) > 0) or v.extents == u.extents:
                parent[root(j)] = root(i)
        active.append(i)
    groups: dict[int, list[Candidate]] = {}
    for i, c in enumerate(cands):
        groups.setdefault(root(i), []).append(c)
    return list(groups.values())


def _ordered(group: list[Candidate]) -> tuple[Candidate, ...]:
    return tuple(sorted(group, key=lambda c: (-len(c.who), c.key)))


def _span_kind(group: Sequence[Candidate]) -> str:
    if len(group) == 1:
        return "some"
    labels = {c.item.label for c in group}
    extents = {c.item.extents for c in group}
    if len(labels) == 1:
        return "boundary"
    return "label" if len(extents) == 1 else "mixed"


def candidates(doc_id: str, sides: Sequence[Sequence[Unit]], side_links: Sequence[Sequence[Link]] = ()) -> Candidates:
    """Agreements and contests of one document, annotator by annotator in `sides` (rules above)."""
    n = len(sides)
    out = Candidates([], [], [])
    for group in overlap_groups(collect_candidates(sides)):
        if len(group) == 1 and len(group[0].who) == n:
            out.agreed.append(group[0])
            continue
        ordered = _ordered(group)
        start = min(c.item.start for c in ordered)
        end = max(c.item.end for c in ordered)
        out.contests.append(Contest(doc_id, _span_kind(ordered), start, end, ordered))
    contest_of = {c.key: i for i, contest in enumerate(out.contests) for c in contest.candidates}
    by_head: dict[tuple, list[Candidate]] = {}
    for cand in sorted(collect_candidates(side_links or [[] for _ in sides]), key=lambda c: c.key):
        if len(cand.who) == n:
            out.agreed_links.append(cand)
        else:  # links whose heads are rivals (one contest) are rivals too
            head = cand.item.head.key
            by_head.setdefault((contest_of.get(head, head), cand.item.label), []).append(cand)
    for group in by_head.values():
        ordered = _ordered(group)
        heads = [c.item.head for c in ordered]
        out.contests.append(Contest(doc_id, "link", min(h.start for h in heads), max(h.end for h in heads), ordered))
    out.agreed.sort(key=lambda c: c.key)
    out.contests = queue_order(sorted(out.contests, key=lambda d: (d.start, d.is_link, d.end, d.kind, d.key)))
    return out


# --------------------------------------------------------------------------- the order of the queue


def ends_of(item: Any) -> list[Unit]:
    """The spans a link disagreement (two sides or candidates) needs in the gold."""
    if isinstance(item, Contest):
        links = [c.item for c in item.candidates if isinstance(c.item, Link)]
    else:
        links = [side for side in (item.a, item.b) if isinstance(side, Link)]
    return [end for link in links for end in (link.head, link.tail)]


def spans_of(item: Any) -> list[Unit]:
    """The spans a span disagreement (two sides or candidates) offers."""
    if isinstance(item, Contest):
        return [c.item for c in item.candidates if isinstance(c.item, Unit)]
    return [side for side in (item.a, item.b) if isinstance(side, Unit)]


def queue_order(items: list[Any]) -> list[Any]:
    """Disagreements in text order, except that a link comes after every span disagreement holding
    one of its ends (its source may come later in the text than its claim). Stable otherwise."""
    where: dict[tuple, int] = {}
    for i, d in enumerate(items):
        for unit in spans_of(d):
            where[unit.key] = max(where.get(unit.key, -1), i)
    keyed = []
    for i, d in enumerate(items):
        after = max((where.get(end.key, -1) for end in ends_of(d)), default=-1)
        keyed.append(((max(i, after), 1 if after > i else 0, i), d))
    keyed.sort(key=lambda pair: pair[0])
    return [d for _key, d in keyed]
