"""What the review's article shows: the gold as it stands plus each unsettled disagreement's sides.

`merged_view` is the gold (agreements and settled choices, drawn normally) plus, for every unsettled
disagreement, each side's span marked by whose it is: "a", "b", or "both" for text both marked (the
shared part of a boundary disagreement; one extent with two labels). With three annotators or more
(`ManyReview`) the first candidate (most makers) is marked as "a", the others as "b", and the part
every candidate of a boundary contest covers as "both". A span in fragments is drawn in its pieces,
and the part both marked is the pieces they share (in pieces too when that is more than one).

`differ` names the side spans of unsettled boundary disagreements: where such a span is the innermost
one drawn, the character is in one extent and not the other (the shared part is a shorter span over
the rest), so the article marks exactly the differing characters by styling those spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
from reader.review.alignment import Link, Unit
from reader.review.gold import GoldReview
from reader.review.many import ManyReview


@dataclass(frozen=True)
class MergedView:
    """Spans to draw, which side each unsettled one is, and which of them belong to each disagreement
    (by index), so the current one can be picked out. Ids are prefixed by origin: g (gold), a, b (or
    c for a candidate of N annotators), and "*" for the part of a boundary disagreement both marked
    (it sorts first, so it is drawn on top when it is as long as one side's span)."""

    spans: list[Span]
    side: dict[str, str]
    members: dict[int, set[str]]
    differ: set[str] = field(default_factory=set)
    """Side spans whose innermost characters differ between the extents (boundary disagreements)."""


def _gold_spans(gold: DocAnnotations) -> tuple[dict[str, Span], dict[tuple, Span]]:
    spans = {"g" + s.id: replace(s, id="g" + s.id) for s in gold.sorted_spans()}
    return spans, {Unit(s.start, s.end, s.label, fragments=s.fragments).key: s for s in gold.sorted_spans()}


def _common(units: list[Unit]) -> tuple[tuple[int, int], ...]:
    """The pieces every unit covers (a span in fragments covers its pieces, not the gaps), in order."""
    common = list(units[0].extents)
    for u in units[1:]:
        common = [(max(s, t), min(e, f)) for s, e in common for t, f in u.extents if max(s, t) < min(e, f)]
    return tuple(common)


def _shared_span(span: Span, ident: str, pieces: tuple[tuple[int, int], ...], text: str) -> Span:
    """`span` cut down to `pieces` (the part all sides marked), drawn as "both"."""
    start, end = pieces[0][0], pieces[-1][1]
    return replace(span, id=ident, start=start, end=end, text=text[start:end], fragments=pieces if len(pieces) > 1 else ())


def merged_view(review: GoldReview) -> MergedView:
    """The gold's spans, plus the sides of the unsettled disagreements (two annotators or more)."""
    if isinstance(review, ManyReview):
        return _many_view(review)
    return _pair_view(review)


def _pair_view(review) -> MergedView:
    spans, by_key = _gold_spans(review.gold)
    side: dict[str, str] = {}
    members: dict[int, set[str]] = {}
    differ: set[str] = set()

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
            pieces = _common([d.a, d.b])
            if pieces:
                shared = _shared_span(review.a.spans[d.a.id], f"*{i}", pieces, review.a.text)
                spans[shared.id] = shared
                side[shared.id] = "both"
                own.add(shared.id)
            differ.update({f"a{d.a.id}", f"b{d.b.id}"} & set(spans))
    return MergedView(list(spans.values()), side, members, differ)


def _many_view(review) -> MergedView:
    spans, by_key = _gold_spans(review.gold)
    side: dict[str, str] = {}
    members: dict[int, set[str]] = {}
    differ: set[str] = set()
    shown: dict[tuple, str] = {}  # candidate key -> the id drawn for it
    text = review.gold.text
    for i, d in enumerate(review.disagreements):
        own: set[str] = set()
        members[i] = own
        if d.is_link:
            continue
        settled = review.choice(i) is not None
        drawn = []
        for k, cand in enumerate(d.candidates):
            held = by_key.get(cand.key)
            if held is not None:
                own.add("g" + held.id)
                continue
            if settled:
                continue
            u = cand.item
            ident = f"c{i}.{k}"
            first = review.annotations[cand.who[0]].spans[cand.ids[0]]
            spans[ident] = replace(first, id=ident)
            side[ident] = "a" if k == 0 else "b"
            shown[cand.key] = ident
            own.add(ident)
            drawn.append(u)
        if settled or d.kind not in ("boundary", "mixed") or len(drawn) < 2:
            continue
        pieces = _common(drawn)
        if pieces and len({u.extents for u in drawn}) > 1:
            shared = _shared_span(spans[f"c{i}.0"], f"*{i}", pieces, text)
            spans[shared.id] = shared
            side[shared.id] = "both"
            own.add(shared.id)
            differ.update(ident for ident in own if ident.startswith("c"))
    for i, d in enumerate(review.disagreements):
        if d.is_link:
            for cand in d.candidates:
                for end in (cand.item.head, cand.item.tail):
                    held = by_key.get(end.key)
                    ident = "g" + held.id if held is not None else shown.get(end.key)
                    if ident is not None:
                        members[i].add(ident)
    return MergedView(list(spans.values()), side, members, differ)


def display_annotations(review: GoldReview, view: MergedView) -> DocAnnotations:
    """The merged view as annotations the article view can draw (never saved)."""
    return DocAnnotations(review.gold.document, review.gold.schema, view.spans)
