"""Reviewing suggestions: ghosts in `DocAnnotations.suggested_*` turned into real spans and links, or dropped.

The TUI calls these; they work headless. Accepting goes through `DocAnnotations` edits, so it is
checked and undoable like any other edit (`accept_all` is one undo step). A ghost is not removed when
it is accepted: it is *shadowed* by the real span at the same place with the same label, and
`pending_spans` leaves it out. So undoing an accept brings the ghost back, as a reviewer expects;
`prune` drops shadowed ghosts for good (`reader suggest` does, and a view may before saving).

A suggested link's ends are ghost ids (`g12`) or real span ids (when the source was already
annotated). Accepting a span makes real links for each of its suggested links whose other end is
real already (or accepted in the same step, with `with_sources=True` or `accept_all`); links whose
other end is still a ghost stay pending and become real when that end is accepted.

Rejecting is not an edit of the annotations (suggestions are not undone by the model): `reject`
returns what it removed so that a view can offer to `restore` it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import UserError
from .model import DocAnnotations, InvariantError, Relation, Span


@dataclass
class Rejected:
    """What `reject` removed, for `restore`."""

    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def _ghosts(ann: DocAnnotations) -> dict[str, Span]:
    return {g.id: g for g in ann.suggested_spans}


def accepted_as(ann: DocAnnotations, ghost: Span) -> Span | None:
    """The real span that shadows `ghost` (same extent, same label), if there is one."""
    return ann.find_span(ghost.start, ghost.end, ghost.label)


def _real_id(ann: DocAnnotations, ident: str, ghosts: dict[str, Span]) -> str | None:
    ghost = ghosts.get(ident)
    if ghost is None:
        return ident if ident in ann.spans else None
    real = accepted_as(ann, ghost)
    return real.id if real is not None else None


def _linked(ann: DocAnnotations, head: str, tail: str, label: str) -> bool:
    return any((r.head, r.tail, r.label) == (head, tail, label) for r in ann.relations.values())


def pending_spans(ann: DocAnnotations) -> list[Span]:
    """The ghosts to show: suggestions not yet accepted (nor rejected), in text order."""
    return [g for g in ann.suggested_spans if accepted_as(ann, g) is None]


def pending_relations(ann: DocAnnotations) -> list[Relation]:
    """Suggested links still to decide: both ends exist (as ghost or span) and the link is not real yet."""
    ghosts = _ghosts(ann)
    out = []
    for rel in ann.suggested_relations:
        ends = [rel.head, rel.tail]
        if not all(e in ghosts or e in ann.spans for e in ends):
            continue
        head, tail = (_real_id(ann, e, ghosts) for e in ends)
        if head is not None and tail is not None and _linked(ann, head, tail, rel.label):
            continue
        out.append(rel)
    return out


def suggestions_at(ann: DocAnnotations, offset: int) -> list[Span]:
    """Pending ghosts under `offset`, innermost first: what an accept key under the cursor means."""
    hits = [g for g in pending_spans(ann) if g.start <= offset < g.end]
    return sorted(hits, key=lambda g: (g.end - g.start, g.start, g.id))


def _realise(ann: DocAnnotations, ghost: Span) -> Span:
    real = accepted_as(ann, ghost)
    if real is not None:
        return real
    return ann.add_span(ghost.start, ghost.end, ghost.label, attrs=dict(ghost.attrs))


def _link_pending(ann: DocAnnotations, rels: list[Relation], ghosts: dict[str, Span]) -> int:
    made = 0
    for rel in rels:
        head, tail = _real_id(ann, rel.head, ghosts), _real_id(ann, rel.tail, ghosts)
        if head is None or tail is None or _linked(ann, head, tail, rel.label):
            continue
        ann.link(head, tail, rel.label)
        made += 1
    return made


def accept(ann: DocAnnotations, suggestion_id: str, *, with_sources: bool = False) -> Span | Relation:
    """Make one suggestion real, as one undoable edit, and return the real span (or link).

    A ghost span becomes a span, and its suggested links whose other end is real become links; with
    `with_sources=True` the ghost sources it is linked to are accepted with it. A suggested link id
    accepts both its ends and the link.
    """
    ghosts = _ghosts(ann)
    ghost = ghosts.get(suggestion_id)
    rel = next((r for r in ann.suggested_relations if r.id == suggestion_id), None)
    if ghost is None and rel is None:
        raise UserError(f"no suggestion {suggestion_id!r}")
    result: list[Span | Relation] = []

    def edit(a: DocAnnotations) -> None:
        if ghost is not None:
            result.append(_realise(a, ghost))
            rels = [r for r in a.suggested_relations if suggestion_id in (r.head, r.tail)]
            if with_sources:
                for r in rels:
                    other = ghosts.get(r.tail if r.head == suggestion_id else r.head)
                    if other is not None and other.label == "source":
                        _realise(a, other)
            _link_pending(a, rels, ghosts)
            return
        assert rel is not None
        ends = []
        for end in (rel.head, rel.tail):
            g = ghosts.get(end)
            if g is None and end not in a.spans:
                raise UserError(f"suggested link {rel.id}: span {end!r} no longer exists")
            ends.append(_realise(a, g).id if g is not None else end)
        existing = next((r for r in a.relations.values() if (r.head, r.tail, r.label) == (ends[0], ends[1], rel.label)), None)
        result.append(existing or a.link(ends[0], ends[1], rel.label))

    label = ghost.label if ghost is not None else "link"
    ann.batch(f"accept suggested {label}", [edit])
    return result[0]


def accept_all(ann: DocAnnotations) -> int:
    """Accept every pending suggestion as one undo step; returns how many spans were accepted.

    A suggestion the annotations cannot take (a label the project's schema lacks, say) is skipped.
    """
    ghosts = _ghosts(ann)
    todo = pending_spans(ann)
    rels = pending_relations(ann)
    done: list[Span] = []

    def edit(a: DocAnnotations) -> None:
        for ghost in todo:
            try:
                done.append(_realise(a, ghost))
            except InvariantError:
                continue
        for rel in rels:
            try:
                _link_pending(a, [rel], ghosts)
            except InvariantError:
                continue

    ann.batch("accept all suggestions", [edit])
    return len(done)


def reject(ann: DocAnnotations, suggestion_id: str) -> Rejected:
    """Drop a ghost span (with its suggested links) or one suggested link; returns what went."""
    out = Rejected()
    if any(g.id == suggestion_id for g in ann.suggested_spans):
        out.spans = [g for g in ann.suggested_spans if g.id == suggestion_id]
        out.relations = [r for r in ann.suggested_relations if suggestion_id in (r.head, r.tail)]
    else:
        out.relations = [r for r in ann.suggested_relations if r.id == suggestion_id]
        if not out.relations:
            raise UserError(f"no suggestion {suggestion_id!r}")
    ann.suggested_spans = [g for g in ann.suggested_spans if g not in out.spans]
    ann.suggested_relations = [r for r in ann.suggested_relations if r not in out.relations]
    ann.version += 1
    return out


def restore(ann: DocAnnotations, rejected: Rejected) -> None:
    """Put back what `reject` removed (the view's undo of a reject)."""
    have = {g.id for g in ann.suggested_spans}
    ann.suggested_spans = sorted(
        ann.suggested_spans + [g for g in rejected.spans if g.id not in have],
        key=lambda g: (g.start, -g.end, g.label, g.id),
    )
    have_rel = {r.id for r in ann.suggested_relations}
    ann.suggested_relations = ann.suggested_relations + [r for r in rejected.relations if r.id not in have_rel]
    ann.version += 1


def prune(ann: DocAnnotations) -> int:
    """Drop accepted ghosts and links that are real now, for good; returns how many went."""
    before = len(ann.suggested_spans) + len(ann.suggested_relations)
    keep_rels = pending_relations(ann)
    ghosts = pending_spans(ann)
    ids = {g.id for g in ghosts}
    # a pending link may still point at an accepted ghost: point it at the real span instead
    every = _ghosts(ann)
    rels = []
    for rel in keep_rels:
        head = rel.head if rel.head in ids or rel.head not in every else _real_id(ann, rel.head, every)
        tail = rel.tail if rel.tail in ids or rel.tail not in every else _real_id(ann, rel.tail, every)
        if head is not None and tail is not None:
            rels.append(Relation(rel.id, head, tail, rel.label))
    ann.suggested_spans, ann.suggested_relations = ghosts, rels
    gone = before - len(ghosts) - len(rels)
    if gone:
        ann.version += 1
    return gone
