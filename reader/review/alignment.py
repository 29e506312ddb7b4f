"""Aligning two annotators' spans and links of one document, and naming their disagreements.

Alignment of one document, in this order (each span is used at most once, so it is one-to-one):

1. exact matches: same start, end and label;
2. overlap matches: same label, extents overlap but differ ("boundary" disagreements). Pairs are
   taken greedily by the number of characters they share, largest first (ties: closer ends, then
   text order). Greedy rather than an optimal assignment because spans of one label rarely overlap
   more than one other span, and greedy is predictable for a reviewer;
3. label disagreements: same extent, different labels;
4. the rest: spans only one side has ("only_a", "only_b"). Two spans that overlap with different
   labels and different extents are two one-sided disagreements.

A span in fragments (`Span.fragments`) is compared by its pieces: an exact match needs the same
fragments, an overlap match shares characters of the pieces (not of the gaps between them), and the
characters shared are counted over the pieces. A span in one piece compares as it always did.

Links are aligned by the offsets and labels of both ends (and the link's label): an A link and a
B link are the same link when both their ends are exact matches. Unmatched links with the same head
(or else the same source) are shown as one "link" disagreement with both sides.

The figures computed from an alignment are in `review.comparison`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Sequence

SPAN_KINDS = ("boundary", "label", "only_a", "only_b")
KINDS = SPAN_KINDS + ("link",)

class Unit(NamedTuple):
    """What comparison needs of a span; `id` is the span's id in its annotator's file."""

    start: int
    end: int
    label: str
    id: str = ""
    fragments: tuple[tuple[int, int], ...] = ()
    """The pieces of a span in fragments (`Span.fragments`), empty for one piece."""

    @property
    def key(self) -> tuple:
        """Extent and label; with the fragments for a span in pieces (a one-piece key is as it was, so
        decisions remembered by key before fragments existed still find their disagreements)."""
        if self.fragments:
            return (self.start, self.end, self.label, self.fragments)
        return (self.start, self.end, self.label)

    @property
    def extents(self) -> tuple[tuple[int, int], ...]:
        return self.fragments or ((self.start, self.end),)

    @property
    def length(self) -> int:
        """Characters in the pieces."""
        return sum(e - s for s, e in self.fragments) if self.fragments else self.end - self.start

    def shared(self, other: Unit) -> int:
        """Characters this unit's pieces share with `other`'s."""
        if not self.fragments and not other.fragments:
            return max(0, min(self.end, other.end) - max(self.start, other.start))
        return sum(max(0, min(e, f) - max(s, t)) for s, e in self.extents for t, f in other.extents)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a character with one of the pieces."""
        return any(s < end and start < e for s, e in self.extents)


class Link(NamedTuple):
    head: Unit
    tail: Unit
    label: str = "attributed_to"
    id: str = ""

    @property
    def key(self) -> tuple:
        return (self.head.key, self.tail.key, self.label)


@dataclass(frozen=True)
class Disagreement:
    """One difference between A and B in one document; `a` or `b` is None when that side has nothing."""

    doc: str
    kind: str
    start: int
    """Extent covered by both sides (for a link: by its heads), for display and navigation."""
    end: int
    a: Unit | Link | None
    b: Unit | Link | None

    @property
    def key(self) -> str:
        """A stable name for this disagreement (kind and both sides' keys), used to remember decisions."""
        return repr((self.kind, self.a.key if self.a else None, self.b.key if self.b else None))


@dataclass
class Alignment:
    exact: list[tuple[Unit, Unit]] = field(default_factory=list)
    boundary: list[tuple[Unit, Unit]] = field(default_factory=list)
    label: list[tuple[Unit, Unit]] = field(default_factory=list)
    only_a: list[Unit] = field(default_factory=list)
    only_b: list[Unit] = field(default_factory=list)
    links: list[tuple[Link, Link]] = field(default_factory=list)
    link_pairs: list[tuple[Link | None, Link | None]] = field(default_factory=list)
    """Link disagreements: (A's, B's), one side None when nothing pairs with it."""


def align(a: Sequence[Unit], b: Sequence[Unit], a_links: Sequence[Link] = (), b_links: Sequence[Link] = ()) -> Alignment:
    """Align two annotators' spans and links of one document (the rules are in the module docstring)."""
    out = Alignment()
    by_key: dict[tuple, list[Unit]] = {}
    for u in sorted(b):
        by_key.setdefault(u.key, []).append(u)
    rest_a: list[Unit] = []
    for u in sorted(a):
        twins = by_key.get(u.key)
        if twins:
            out.exact.append((u, twins.pop(0)))
        else:
            rest_a.append(u)
    rest_b = [u for twins in by_key.values() for u in twins]
    if rest_a and rest_b:
        rest_a, rest_b = _overlap_matches(rest_a, rest_b, out.boundary)
        rest_a, rest_b = _label_matches(rest_a, rest_b, out.label)
    out.only_a = sorted(rest_a)
    out.only_b = sorted(rest_b)
    if a_links or b_links:
        _align_links(a_links, b_links, out)
    return out


def _overlap_matches(a: list[Unit], b: list[Unit], into: list) -> tuple[list[Unit], list[Unit]]:
    candidates = []
    b_sorted = sorted(b)
    for ua in a:
        for ub in b_sorted:
            if ub.start >= ua.end:
                break
            if ub.end > ua.start and ub.label == ua.label:
                shared = ua.shared(ub)
                if not shared:  # only their gaps meet: pieces of one inside the gap of the other
                    continue
                off = abs(ua.start - ub.start) + abs(ua.end - ub.end)
                ea, eb = (ua.start, ua.end), (ub.start, ub.end)
                # the order depends on the pair, not on who is A: swapping A and B matches the same
                candidates.append((-shared, off, min(ea, eb), max(ea, eb), ua, ub))
    if not candidates:
        return a, b
    candidates.sort(key=lambda c: c[:4])
    used_a: set[Unit] = set()
    used_b: set[Unit] = set()
    for *_order, ua, ub in candidates:
        if ua not in used_a and ub not in used_b:
            used_a.add(ua)
            used_b.add(ub)
            into.append((ua, ub))
    into.sort()
    return [u for u in a if u not in used_a], [u for u in b if u not in used_b]


def _label_matches(a: list[Unit], b: list[Unit], into: list) -> tuple[list[Unit], list[Unit]]:
    by_extent: dict[tuple, list[Unit]] = {}
    for ub in sorted(b):
        by_extent.setdefault((ub.start, ub.end, ub.fragments), []).append(ub)
    rest_a = []
    for ua in sorted(a):
        same = by_extent.get((ua.start, ua.end, ua.fragments))
        if same:
            into.append((ua, same.pop(0)))
        else:
            rest_a.append(ua)
    return rest_a, [u for us in by_extent.values() for u in us]


def _align_links(a: Sequence[Link], b: Sequence[Link], out: Alignment) -> None:
    pool: dict[tuple, list[Link]] = {}
    for link in sorted(b, key=lambda l: l.key):
        pool.setdefault(link.key, []).append(link)
    rest_a = []
    for link in sorted(a, key=lambda l: l.key):
        twins = pool.get(link.key)
        if twins:
            out.links.append((link, twins.pop(0)))
        else:
            rest_a.append(link)
    rest_b = [l for ls in pool.values() for l in ls]
    for end in ("head", "tail"):  # pair what is left by a shared head, then by a shared source
        left_b: dict[tuple, list[Link]] = {}
        for link in rest_b:
            left_b.setdefault((getattr(link, end).key, link.label), []).append(link)
        unpaired = []
        for link in rest_a:
            same = left_b.get((getattr(link, end).key, link.label))
            if same:
                out.link_pairs.append((link, same.pop(0)))
            else:
                unpaired.append(link)
        rest_a, rest_b = unpaired, [l for ls in left_b.values() for l in ls]
    out.link_pairs.extend((link, None) for link in rest_a)
    out.link_pairs.extend((None, link) for link in rest_b)


def disagreements(doc_id: str, al: Alignment) -> list[Disagreement]:
    """Every disagreement of one document in text order (spans before links at the same place)."""
    out: list[Disagreement] = []
    for kind, pairs in (("boundary", al.boundary), ("label", al.label)):
        for ua, ub in pairs:
            out.append(Disagreement(doc_id, kind, min(ua.start, ub.start), max(ua.end, ub.end), ua, ub))
    out.extend(Disagreement(doc_id, "only_a", u.start, u.end, u, None) for u in al.only_a)
    out.extend(Disagreement(doc_id, "only_b", u.start, u.end, None, u) for u in al.only_b)
    for la, lb in al.link_pairs:
        heads = [l.head for l in (la, lb) if l is not None]
        out.append(Disagreement(doc_id, "link", min(h.start for h in heads), max(h.end for h in heads), la, lb))
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda d: (d.start, d.kind == "link", d.end, order[d.kind], d.key))
    return out


# --------------------------------------------------------------------------- tokens
