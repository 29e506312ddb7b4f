"""One annotator's spans and relations on one document, and the only way to change them.

Offsets are Python `str` code points of the document text as loaded (line endings already
normalised by `files.corpus`). Every edit goes through `DocAnnotations`, which checks the invariants
of DESIGN.md before it changes anything, so a failed edit leaves the annotations as they were:

- 0 <= start < end <= len(text) and text[start:end] == span.text;
- no whitespace at either edge of a span;
- a span in fragments (`Span.fragments`) has two or more, in text order, each non-empty with no
  whitespace at its edges, the first starting at `start` and the last ending at `end`, each apart
  from the next by more than whitespace (touching or overlapping pieces are one piece: `add_fragment`
  merges them); a span in one piece has no fragments;
- labels, relation types and attribute values allowed by the schema;
- both ends of every relation exist.

Loading goes through it too: `restore_span`, `restore_relation` and `keep_aside` restore a saved
file without undo entries (each says what is wrong instead of adding a record that breaks an
invariant), `id_floor` takes the ids the file had used, and `check_span`/`check_relation` say what
is wrong with a record without changing anything (validate). Undo and redo live in `core.history`,
the caches kept in step with the edits (text order, label counts, change log, highest ids) in
`core.caches`. The class is about 340 lines, more than the house's 300: the fragment edits
(`add_fragment`, `remove_fragment`, fragments in `add_span` and `resize`) belong with the other
edits, which check and record changes the same way.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from itertools import chain

from reader.core.caches import IdCounter, SpanIndex
from reader.core.history import Change, Edit, History, Overlay
from reader.core.model import (
    Document,
    InvariantError,
    Orphan,
    Relation,
    Span,
    join_extents,
    now_iso,
)
from reader.core.schema import Schema


def span_problem(text: str, schema: Schema | None, span: Span) -> str | None:
    """What is wrong with `span` in `text` under `schema`, or None: the span invariants."""
    if not (0 <= span.start < span.end <= len(text)):
        return f"span {span.id}: offsets {span.start}-{span.end} outside the text (0-{len(text)})"
    actual = text[span.start : span.end]
    if actual != span.text:
        return f"span {span.id}: text {span.text[:40]!r} does not match the document's {actual[:40]!r}"
    if actual[0].isspace() or actual[-1].isspace():
        return f"span {span.id}: starts or ends with whitespace"
    if span.fragments:
        problem = fragments_problem(text, span)
        if problem is not None:
            return f"span {span.id}: {problem}"
    if schema is not None:
        if schema.label(span.label) is None:
            return f"span {span.id}: unknown label {span.label!r}"
        for key, value in span.attrs.items():
            allowed = schema.attribute_values(span.label, key)
            if allowed is None:
                return f"span {span.id}: attribute {key!r} not allowed on {span.label}"
            if value not in allowed:
                return f"span {span.id}: {key}={value!r} is not one of {', '.join(allowed)}"
    return None


def fragments_problem(text: str, span: Span) -> str | None:
    """What is wrong with the fragments of `span` (its extent already checked), or None."""
    frags = span.fragments
    if len(frags) < 2:
        return "a span in one piece has no fragments list"
    if frags[0][0] != span.start or frags[-1][1] != span.end:
        return f"fragments {_where(frags)} do not run from its start to its end ({span.start}-{span.end})"
    prev = -1
    for s, e in frags:
        if not s < e:
            return f"fragment {s}-{e} is empty"
        if not span.start <= s < e <= span.end:
            return f"fragments {_where(frags)} overlap or are not in text order"
        if s < prev:
            return f"fragments {_where(frags)} overlap or are not in text order"
        if prev >= 0 and not text[prev:s].strip():
            return f"fragments {_where(frags)}: nothing but whitespace between two of them (they are one piece)"
        if text[s].isspace() or text[e - 1].isspace():
            return f"fragment {s}-{e} starts or ends with whitespace"
        prev = e
    return None


def _where(frags: tuple[tuple[int, int], ...]) -> str:
    return ";".join(f"{s}-{e}" for s, e in frags)


def relation_problem(schema: Schema | None, spans: Mapping[str, Span], rel: Relation) -> str | None:
    """What is wrong with `rel` among `spans` under `schema`, or None: the relation invariants."""
    head, tail = spans.get(rel.head), spans.get(rel.tail)
    if head is None or tail is None:
        missing = rel.head if head is None else rel.tail
        return f"relation {rel.id}: span {missing!r} does not exist"
    if rel.head == rel.tail:
        return f"relation {rel.id}: a span cannot be linked to itself"
    if schema is not None and not schema.relation_allowed(rel.label, head.label, tail.label):
        return f"relation {rel.id}: {rel.label} from {head.label} to {tail.label} is not in the schema"
    return None


def check_edit(ann: DocAnnotations, changes: list[Change]) -> None:
    """Raise InvariantError for the first invariant `changes` would break in `ann`, taken as a whole.

    Only what the changes touch is checked: the changed spans, the changed relations and the
    relations of changed spans (the rest held before and cannot have broken).
    """
    spans: dict[str, Span | None] = {}
    relations: dict[str, Relation | None] = {}
    for kind, key, _old, new in changes:
        if kind == "span":
            if new is not None:
                _require(ann.check_span(new))  # type: ignore[arg-type]
            spans[key] = new  # type: ignore[assignment]
        else:
            relations[key] = new  # type: ignore[assignment]
    view = Overlay(ann.spans, spans)
    touched = {k: r for k, r in relations.items() if r is not None}
    if spans:
        for rel in ann.relations.values():
            if rel.id not in relations and (rel.head in spans or rel.tail in spans):
                touched[rel.id] = rel
    for rel in touched.values():
        _require(ann.check_relation(rel, view))


def _pieces(text: str, frags: tuple[tuple[int, int], ...]) -> dict[str, object]:
    """The fields of a span made of `frags` in `text` (one piece: no fragments)."""
    start, end = frags[0][0], frags[-1][1]
    return {"start": start, "end": end, "text": text[start:end], "fragments": frags if len(frags) > 1 else ()}


def _require(problem: str | None) -> None:
    if problem is not None:
        raise InvariantError(problem)


class DocAnnotations:
    """One annotator's spans and relations on one document, with undo and redo."""

    def __init__(
        self,
        document: Document,
        schema: Schema | None = None,
        spans: Iterable[Span] = (),
        relations: Iterable[Relation] = (),
        orphans: Iterable[Orphan] = (),
        clock: Callable[[], str] = now_iso,
    ) -> None:
        self.document = document
        self.schema = schema
        self.spans: dict[str, Span] = {}
        self.relations: dict[str, Relation] = {}
        self.orphans: list[Orphan] = list(orphans)
        """Spans and relations that could not be placed: kept, saved back, reported (`keep_aside`)."""
        self.status: str = "todo"
        self.cursor: int = 0
        self.suggested_spans: list[Span] = []
        """Candidate spans from `suggest`, shown as ghosts until accepted; not checked, not undone."""
        self.suggested_relations: list[Relation] = []
        """Candidate links; their ends are suggested span ids (or accepted span ids)."""
        self.version = 0
        """Goes up by one with every change, undo and redo: a cheap "has it changed?" for views."""
        self._clock = clock
        self._history = History(self._apply)
        self._index = SpanIndex(self.spans)
        self._ids = IdCounter(self._id_keys)
        for span in spans:
            _require(self.restore_span(span))
        for rel in relations:
            _require(self.check_relation(rel) or (f"relation id {rel.id!r} is used twice" if rel.id in self.relations else None))
            self.relations[rel.id] = rel
        self.version = 0
        self._index.forget(0)

    # ----------------------------------------------------------------- reading

    @property
    def text(self) -> str:
        return self.document.text

    def sorted_spans(self) -> list[Span]:
        """Spans in text order (start, then longer first, then label, id); kept sorted across edits.

        Treat it as read-only: it is the cached list itself (a copy per call would cost what a book's
        20,000 spans cost on every key).
        """
        return self._index.sorted()

    def label_counts(self) -> dict[str, int]:
        """How many spans carry each label, kept up to date across edits."""
        return self._index.counts()

    def span_changes_since(self, version: int) -> list[tuple[Span | None, Span | None]] | None:
        """The (old, new) span changes after `version`, oldest first; None if that is too far back."""
        return self._index.changes_since(version)

    def relations_of(self, span_id: str) -> list[Relation]:
        return [r for r in self.relations.values() if span_id in (r.head, r.tail)]

    def sources_of(self, span_id: str) -> list[Span]:
        return [self.spans[r.tail] for r in self.relations.values() if r.head == span_id]

    def find_span(self, start: int, end: int, label: str) -> Span | None:
        """The span with exactly this extent and label (the first by id), found by bisection."""
        spans = self.sorted_spans()
        i = bisect.bisect_left(spans, (start, -end, label), key=lambda s: (s.start, -s.end, s.label))
        if i < len(spans) and (spans[i].start, spans[i].end, spans[i].label) == (start, end, label):
            return spans[i]
        return None

    def problems(self) -> list[tuple[str, str]]:
        """Every broken invariant as (span or relation id, what): empty when all hold."""
        out = [(s.id, p) for s in self.spans.values() if (p := self.check_span(s)) is not None]
        out += [(r.id, p) for r in self.relations.values() if (p := self.check_relation(r)) is not None]
        return out

    def check_span(self, span: Span) -> str | None:
        """What is wrong with `span` in this document and schema (ignoring its id), or None."""
        return span_problem(self.document.text, self.schema, span)

    def check_relation(self, rel: Relation, spans: Mapping[str, Span] | None = None) -> str | None:
        """What is wrong with `rel` among these spans (or `spans`), or None."""
        return relation_problem(self.schema, self.spans if spans is None else spans, rel)

    # ----------------------------------------------------------------- ids

    @property
    def id_floor(self) -> dict[str, int]:
        """Highest id numbers the saved file had used (see `highest_ids`)."""
        return self._ids.floor

    @id_floor.setter
    def id_floor(self, value: Mapping[str, int]) -> None:
        self._ids.floor = value

    def highest_ids(self) -> dict[str, int]:
        """The highest number ever given to an id with each prefix (`s`, `r`): live, kept aside,
        in the undo history, or saved before (`id_floor`). Saved with the file, so a new span never
        takes the id of one that was deleted or kept aside, even after a restart."""
        return self._ids.highest()

    def _id_keys(self) -> Iterable[str]:
        return chain(self.spans, self.relations, (o.item.id for o in self.orphans), self._history.keys())

    # ----------------------------------------------------------------- loading a saved file

    def restore_span(self, span: Span) -> str | None:
        """Add a saved span without an undo entry; what is wrong with it instead (nothing added), or None."""
        problem = self.check_span(span) or (f"span id {span.id!r} is used twice" if span.id in self.spans else None)
        if problem is None:
            self.spans[span.id] = span
            self._restored()
        return problem

    def put_loaded(self, span: Span) -> bool:
        """`restore_span`, as whether it was added."""
        return self.restore_span(span) is None

    def restore_relation(self, rel: Relation) -> str | None:
        """Add a saved relation without an undo entry; what is wrong with it instead, or None.

        One whose id a live relation already has (a kept-aside link whose id a newer one took) is
        added under a fresh id: both are kept."""
        problem = self.check_relation(rel)
        if problem is None:
            rel = replace(rel, id=self._ids.next("r")) if rel.id in self.relations else rel
            self.relations[rel.id] = rel
            self._restored()
        return problem

    def keep_aside(self, orphan: Orphan) -> None:
        """Keep a span or relation that could not be placed: saved back, reported, its id never reused."""
        self.orphans.append(orphan)
        self._ids.forget()

    def _restored(self) -> None:
        self.version += 1
        self._index.forget(self.version)
        self._ids.forget()

    def set_suggestions(self, spans: Iterable[Span] | None = None, relations: Iterable[Relation] | None = None) -> None:
        """Replace the pending suggestions (either table; None keeps it), so that views see the change."""
        if spans is not None:
            self.suggested_spans = list(spans)
        if relations is not None:
            self.suggested_relations = list(relations)
        self.version += 1

    # ----------------------------------------------------------------- applying changes

    def _apply(self, changes: list[Change], forward: bool) -> None:
        for kind, key, old, new in changes if forward else reversed(changes):
            value = new if forward else old
            table: dict = self.spans if kind == "span" else self.relations
            current = table.get(key)
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value
            self._ids.note(key)
            if kind == "span":
                self._index.changed(current, value, self.version + 1)  # type: ignore[arg-type]
        self.version += 1

    def _commit(self, name: str, changes: list[Change]) -> Edit:
        """Check the result of `changes` as a whole (`check_edit`), then apply them as one undoable edit."""
        check_edit(self, changes)
        edit = Edit(name, changes)
        self._apply(changes, forward=True)
        self._history.record(edit)
        return edit

    # ----------------------------------------------------------------- edits

    def add_span(self, start: int, end: int, label: str, attrs: Mapping[str, str] | None = None,
                 note: str = "", span_id: str | None = None,
                 fragments: Iterable[tuple[int, int]] = ()) -> Span:
        """A new span over [start, end), or, given `fragments` (two or more, as `Span.fragments`
        holds them), in those pieces: `start` and `end` are then the first start and the last end."""
        stamp = self._clock()
        frags = tuple((int(s), int(e)) for s, e in fragments)
        if len(frags) > 1:
            start, end = frags[0][0], frags[-1][1]
        elif frags:
            (start, end), frags = frags[0], ()
        text = self.document.text[max(start, 0) : max(end, 0)]
        span = Span(span_id or self._ids.next("s"), start, end, label, text, dict(attrs or {}), note, stamp, stamp,
                    frags)
        if span.id in self.spans:
            raise InvariantError(f"span id {span.id!r} is already used")
        self._commit(f"add {label}", [("span", span.id, None, span)])
        return span

    def delete_span(self, span_id: str) -> None:
        """Delete a span and every relation that touches it, as one edit."""
        span = self._get(span_id)
        changes: list[Change] = [("rel", r.id, r, None) for r in self.relations_of(span_id)]
        changes.append(("span", span_id, span, None))
        self._commit(f"delete {span.label}", changes)

    def relabel(self, span_id: str, label: str) -> Span:
        """Change a span's label; attributes the new label does not take and links it may not keep go."""
        span = self._get(span_id)
        schema = self.schema
        attrs = {k: v for k, v in span.attrs.items() if schema is None or schema.attribute_values(label, k) is not None}
        new = replace(span, label=label, attrs=attrs, updated=self._clock())
        changes: list[Change] = [("span", span_id, span, new)]
        if schema is not None:
            for rel in self.relations_of(span_id):
                head = new if rel.head == span_id else self.spans[rel.head]
                tail = new if rel.tail == span_id else self.spans[rel.tail]
                if not schema.relation_allowed(rel.label, head.label, tail.label):
                    changes.insert(0, ("rel", rel.id, rel, None))
        self._commit(f"relabel to {label}", changes)
        return new

    def resize(self, span_id: str, start: int, end: int) -> Span:
        """Move a span's edges; a span in fragments moves its first fragment's start and its last one's end."""
        text = self.document.text[max(start, 0) : max(end, 0)]
        frags = self._get(span_id).fragments
        if frags:
            frags = ((start, frags[0][1]), *frags[1:-1], (frags[-1][0], end))
        return self._change(span_id, "resize", start=start, end=end, text=text, fragments=frags)

    def add_fragment(self, span_id: str, start: int, end: int) -> Span:
        """Add [start, end) (trimmed of whitespace) to a span as one more fragment, as one edit.

        A piece that overlaps or touches one of the span's pieces, or stands apart from it by
        whitespace only, is merged with it (so adding the gap between two fragments joins them).
        """
        span = self._get(span_id)
        frags = join_extents(self.document.text, (*span.extents, (start, end)))
        if frags == span.extents:
            raise InvariantError(f"{start}-{end} adds nothing to span {span_id}")
        return self._change(span_id, "add fragment", **_pieces(self.document.text, frags))

    def remove_fragment(self, span_id: str, index: int) -> Span:
        """Take fragment `index` (of `Span.extents`) out of a span in fragments, as one edit."""
        span = self._get(span_id)
        if not span.fragments:
            raise InvariantError(f"span {span_id} is in one piece: no fragment to remove (delete the span instead)")
        if not 0 <= index < len(span.fragments):
            raise InvariantError(f"span {span_id} has no fragment {index + 1} (it has {len(span.fragments)})")
        rest = span.fragments[:index] + span.fragments[index + 1 :]
        return self._change(span_id, "remove fragment", **_pieces(self.document.text, rest))

    def link(self, head_id: str, tail_id: str, label: str = "attributed_to") -> Relation:
        for rel in self.relations.values():
            if (rel.head, rel.tail, rel.label) == (head_id, tail_id, label):
                raise InvariantError(f"{head_id} is already linked to {tail_id}")
        rel = Relation(self._ids.next("r"), head_id, tail_id, label)
        self._commit("link", [("rel", rel.id, None, rel)])
        return rel

    def unlink(self, rel_id: str) -> None:
        rel = self.relations.get(rel_id)
        if rel is None:
            raise InvariantError(f"relation {rel_id!r} does not exist")
        self._commit("unlink", [("rel", rel_id, rel, None)])

    def set_attr(self, span_id: str, key: str, value: str | None) -> Span:
        """Set an attribute, or remove it with value None."""
        attrs = {k: v for k, v in self._get(span_id).attrs.items() if k != key}
        if value is not None:
            attrs[key] = value
        return self._change(span_id, f"set {key}", attrs=attrs)

    def set_note(self, span_id: str, note: str) -> Span:
        return self._change(span_id, "note", note=note)

    def _change(self, span_id: str, name: str, **fields: object) -> Span:
        """Replace some fields of one span (stamped as updated now) as one edit."""
        span = self._get(span_id)
        new = replace(span, updated=self._clock(), **fields)  # type: ignore[arg-type]
        self._commit(name, [("span", span_id, span, new)])
        return new

    def batch(self, name: str, edits: list[Callable[[DocAnnotations], object]]) -> None:
        """Run several edits as one undo step (for example: accept all suggestions)."""
        self._history.as_one(name, lambda: [edit(self) for edit in edits])

    def _get(self, span_id: str) -> Span:
        span = self.spans.get(span_id)
        if span is None:
            raise InvariantError(f"span {span_id!r} does not exist")
        return span

    # ----------------------------------------------------------------- undo / redo

    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def last_edit(self) -> Edit | None:
        """The edit `undo` would take back (a review checks that it is still its own)."""
        return self._history.last

    def undo(self) -> str | None:
        """Undo the last edit; returns its name, or None when there is nothing to undo."""
        return self._history.undo()

    def redo(self) -> str | None:
        return self._history.redo()

    def snapshot(self) -> DocAnnotations:
        """A frozen copy for saving in another thread: the tables are copied, spans are immutable."""
        copy = DocAnnotations.__new__(DocAnnotations)
        copy.__dict__.update(self.__dict__)
        copy.spans, copy.relations = dict(self.spans), dict(self.relations)
        copy.orphans = list(self.orphans)
        copy.suggested_spans, copy.suggested_relations = list(self.suggested_spans), list(self.suggested_relations)
        copy._history = History(copy._apply)
        # The caches are updated in place by later edits: the copy gets its own.
        copy._index = self._index.copy(copy.spans, self.version)
        copy._ids = self._ids.copy(copy._id_keys)
        return copy

    # ----------------------------------------------------------------- comparison

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocAnnotations):
            return NotImplemented
        return (
            self.document.id == other.document.id
            and self.document.text == other.document.text
            and self.spans == other.spans
            and self.relations == other.relations
            and [o.item for o in self.orphans] == [o.item for o in other.orphans]
        )

    def __iter__(self) -> Iterator[Span]:
        return iter(self.sorted_spans())

    def __len__(self) -> int:
        return len(self.spans)
