"""Reviewing suggestions: ghosts in `DocAnnotations.suggested_*` turned into real spans and links, or dropped.

The TUI calls these; they work headless. Accepting goes through `DocAnnotations` edits, so it is
checked and undoable like any other edit (`accept_all` is one undo step).

An accepted ghost leaves `suggested_spans` at once (so a view that draws that list stops drawing it),
and the suggested links that named it now name the real span, so they survive a save. The ghost is
kept aside in memory: when an undo takes the real span away, `pending_spans` (and every call here)
puts the ghost back, and a redo takes it out again. A view should draw `pending_spans(ann)` after
each edit, undo or redo. A ghost the annotator made real by hand (same extent and label) is treated
as accepted too.

A suggested link's ends are ghost ids (`g12`) or real span ids. Accepting a span makes real links for
its suggested links whose other end is real (or accepted in the same step, with `with_sources=True`
or `accept_all`); the others stay pending and become real when their other end is accepted. A
suggested link that is real already stays in `suggested_relations` but is no longer pending.

Rejecting is not an edit of the annotations (the model does not undo suggestions): `reject` returns
what it removed so that a view can `restore` it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import InvariantError, Relation, Span

_STASH = "_accepted_suggestions"
"""Attribute of a DocAnnotations: real span id -> the ghost it was accepted from (this session only)."""


@dataclass
class Rejected:
    """What `reject` removed, for `restore`."""

    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def _stash(ann: DocAnnotations) -> dict[str, Span]:
    stash = getattr(ann, _STASH, None)
    if stash is None:
        stash = {}
        setattr(ann, _STASH, stash)
    return stash


def _rename_ends(ann: DocAnnotations, renames: dict[str, str]) -> None:
    if renames:
        ann.suggested_relations = [
            Relation(r.id, renames.get(r.head, r.head), renames.get(r.tail, r.tail), r.label)
            for r in ann.suggested_relations
        ]


def _sync(ann: DocAnnotations) -> None:
    """Ghosts out of `suggested_spans` while a real span stands for them, back in when it is undone."""
    stash = _stash(ann)
    renames: dict[str, str] = {}
    back = []
    for real_id in [k for k in stash if k not in ann.spans]:  # undone: the ghost comes back
        back.append(stash.pop(real_id))
        renames[real_id] = back[-1].id
    if back:
        ann.suggested_spans = sorted(ann.suggested_spans + back, key=lambda g: (g.start, -g.end, g.label, g.id))
    if not ann.suggested_spans and not back:
        _rename_ends(ann, renames)
        return
    keep = []
    for ghost in ann.suggested_spans:
        found = ann.find_span(ghost.start, ghost.end, ghost.label)
        real_id = found.id if found is not None else None
        if real_id is None or real_id in stash:
            keep.append(ghost)
            continue
        stash[real_id] = ghost
        renames[ghost.id] = real_id
    if len(keep) != len(ann.suggested_spans) or back:
        ann.set_suggestions(keep)
    _rename_ends(ann, renames)


def _linked(ann: DocAnnotations, head: str, tail: str, label: str) -> bool:
    return any((r.head, r.tail, r.label) == (head, tail, label) for r in ann.relations.values())


def pending_spans(ann: DocAnnotations) -> list[Span]:
    """The ghosts to draw: suggestions not accepted nor rejected, in text order."""
    _sync(ann)
    return list(ann.suggested_spans)


def pending_relations(ann: DocAnnotations) -> list[Relation]:
    """Suggested links still to decide: both ends exist (as ghost or span) and the link is not real yet."""
    _sync(ann)
    ghosts = {g.id for g in ann.suggested_spans}
    out = []
    for rel in ann.suggested_relations:
        if not all(e in ghosts or e in ann.spans for e in (rel.head, rel.tail)):
            continue
        if rel.head in ann.spans and rel.tail in ann.spans and _linked(ann, rel.head, rel.tail, rel.label):
            continue
        out.append(rel)
    return out


def suggestions_at(ann: DocAnnotations, offset: int) -> list[Span]:
    """Pending ghosts under `offset`, innermost first: what an accept key under the cursor means."""
    hits = [g for g in pending_spans(ann) if g.start <= offset < g.end]
    return sorted(hits, key=lambda g: (g.end - g.start, g.start, g.id))


def _realise(ann: DocAnnotations, ghost: Span) -> Span:
    real = ann.find_span(ghost.start, ghost.end, ghost.label)
    if real is not None:
        return real
    return ann.add_span(ghost.start, ghost.end, ghost.label, attrs=dict(ghost.attrs), fragments=ghost.fragments)


def _link(ann: DocAnnotations, rel: Relation, made: dict[str, str]) -> Relation | None:
    """Make `rel` real if both its ends are real (a ghost end counts when `made` has its real id)."""
    head, tail = made.get(rel.head, rel.head), made.get(rel.tail, rel.tail)
    if head not in ann.spans or tail not in ann.spans:
        return None
    existing = next((r for r in ann.relations.values() if (r.head, r.tail, r.label) == (head, tail, rel.label)), None)
    return existing or ann.link(head, tail, rel.label)


def accept(ann: DocAnnotations, suggestion_id: str, *, with_sources: bool = False) -> Span | Relation:
    """Make one suggestion real, as one undoable edit, and return the real span (or link).

    A ghost span becomes a span, and its suggested links whose other end is real become links; with
    `with_sources=True` the ghost sources it is linked to are accepted with it. A suggested link id
    accepts both its ends and the link.
    """
    _sync(ann)
    ghosts = {g.id: g for g in ann.suggested_spans}
    ghost = ghosts.get(suggestion_id)
    rel = next((r for r in ann.suggested_relations if r.id == suggestion_id), None)
    if ghost is None and rel is None:
        raise UserError(f"no suggestion {suggestion_id!r}")
    result: list[Span | Relation] = []
    made: dict[str, str] = {}

    def realise(a: DocAnnotations, g: Span) -> Span:
        span = _realise(a, g)
        made[g.id] = span.id
        return span

    def edit(a: DocAnnotations) -> None:
        if ghost is not None:
            result.append(realise(a, ghost))
            rels = [r for r in a.suggested_relations if suggestion_id in (r.head, r.tail)]
            for r in rels:
                other = ghosts.get(r.tail if r.head == suggestion_id else r.head)
                if with_sources and other is not None and other.label == "source":
                    realise(a, other)
                _link(a, r, made)
            return
        assert rel is not None
        for end in (rel.head, rel.tail):
            if end in ghosts:
                realise(a, ghosts[end])
            elif end not in a.spans:
                raise UserError(f"suggested link {rel.id}: span {end!r} no longer exists")
        result.append(_link(a, rel, made))  # type: ignore[arg-type]

    ann.batch(f"accept suggested {ghost.label if ghost is not None else 'link'}", [edit])
    _sync(ann)
    return result[0]


def accept_all(ann: DocAnnotations) -> int:
    """Accept every pending suggestion as one undo step; returns how many spans were accepted.

    A suggestion the annotations cannot take (a label the project's schema lacks, say) is skipped.
    """
    todo = pending_spans(ann)
    rels = pending_relations(ann)
    made: dict[str, str] = {}

    def edit(a: DocAnnotations) -> None:
        for ghost in todo:
            try:
                made[ghost.id] = _realise(a, ghost).id
            except InvariantError:
                continue
        for rel in rels:
            try:
                _link(a, rel, made)
            except InvariantError:
                continue

    ann.batch("accept all suggestions", [edit])
    _sync(ann)
    return len(made)


def reject(ann: DocAnnotations, suggestion_id: str) -> Rejected:
    """Drop a ghost span (with its suggested links) or one suggested link; returns what went."""
    _sync(ann)
    out = Rejected()
    if any(g.id == suggestion_id for g in ann.suggested_spans):
        out.spans = [g for g in ann.suggested_spans if g.id == suggestion_id]
        out.relations = [r for r in ann.suggested_relations if suggestion_id in (r.head, r.tail)]
    else:
        out.relations = [r for r in ann.suggested_relations if r.id == suggestion_id]
        if not out.relations:
            raise UserError(f"no suggestion {suggestion_id!r}")
    ann.set_suggestions(
        [g for g in ann.suggested_spans if g not in out.spans],
        [r for r in ann.suggested_relations if r not in out.relations],
    )
    return out


def restore(ann: DocAnnotations, rejected: Rejected) -> None:
    """Put back what `reject` removed (the view's undo of a reject)."""
    have = {g.id for g in ann.suggested_spans}
    have_rel = {r.id for r in ann.suggested_relations}
    ann.set_suggestions(
        sorted(
            ann.suggested_spans + [g for g in rejected.spans if g.id not in have],
            key=lambda g: (g.start, -g.end, g.label, g.id),
        ),
        ann.suggested_relations + [r for r in rejected.relations if r.id not in have_rel],
    )
    _sync(ann)


def forget_accepted(ann: DocAnnotations) -> None:
    """Drop the ghosts kept for undo: fresh suggestions are on their way (`suggest_into`)."""
    _stash(ann).clear()


def prune(ann: DocAnnotations) -> int:
    """Forget accepted ghosts (undo no longer brings them back) and links that are real; returns how many."""
    _sync(ann)
    keep = pending_relations(ann)
    gone = len(_stash(ann)) + len(ann.suggested_relations) - len(keep)
    _stash(ann).clear()
    ann.suggested_relations = keep
    return gone
