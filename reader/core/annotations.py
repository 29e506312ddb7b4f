"""Documents, spans, relations and the undoable edits of one annotator's work on one document.

Offsets are Python `str` code points of the document text as loaded (line endings already
normalised by `corpus`). Every edit goes through `DocAnnotations`, which checks the invariants of
DESIGN.md before it changes anything, so a failed edit leaves the annotations as they were:

- 0 <= start < end <= len(text) and text[start:end] == span.text;
- no whitespace at either edge of a span;
- labels, relation types and attribute values allowed by the schema;
- both ends of every relation exist.

Each edit is recorded as a list of primitive changes (old value -> new value of one span or one
relation), so undo and redo are the same code run backwards and forwards, as deep as the session.
"""

from __future__ import annotations

import bisect
from collections import abc
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Mapping

from reader.core.model import Document, InvariantError, Orphan, Relation, Span, now_iso
from reader.core.schema import Schema


def _order(span: Span) -> tuple[int, int, str, str]:
    """Text order: start, then the longer first, then label and id."""
    return (span.start, -span.end, span.label, span.id)


def _note_id(highest: dict[str, int], key: str) -> None:
    digits = key.lstrip("abcdefghijklmnopqrstuvwxyz")
    prefix = key[: len(key) - len(digits)]
    if digits.isdigit() and prefix:
        highest[prefix] = max(highest.get(prefix, 0), int(digits))


class _Overlay(abc.Mapping):
    """The spans as they will be after an edit, without copying every span of a book."""

    def __init__(self, base: Mapping[str, Span], changed: Mapping[str, Span | None]) -> None:
        self.base, self.changed = base, changed

    def __getitem__(self, key: str) -> Span:
        if key in self.changed:
            value = self.changed[key]
            if value is None:
                raise KeyError(key)
            return value
        return self.base[key]

    def __iter__(self):
        yield from (k for k in self.base if k not in self.changed)
        yield from (k for k, v in self.changed.items() if v is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


# A primitive change: (kind, key, old, new) with kind "span" or "rel"; None means absent.
Change = tuple[str, str, object, object]


@dataclass
class Edit:
    """One user-visible edit: a name for the undo message and the changes it made."""

    name: str
    changes: list[Change]


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
        self.status: str = "todo"
        self.cursor: int = 0
        self.id_floor: dict[str, int] = {}
        """Highest id numbers the saved file had used (see `highest_ids`)."""
        self.suggested_spans: list[Span] = []
        """Candidate spans from `suggest`, shown as ghosts until accepted; not checked, not undone."""
        self.suggested_relations: list[Relation] = []
        """Candidate links; their ends are suggested span ids (or accepted span ids)."""
        self.version = 0
        """Goes up by one with every change, undo and redo: a cheap "has it changed?" for views."""
        self._clock = clock
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []
        for span in spans:
            self._check_span(span)
            if span.id in self.spans:
                raise InvariantError(f"span id {span.id!r} is used twice")
            self.spans[span.id] = span
        for rel in relations:
            self._check_relation(rel)
            if rel.id in self.relations:
                raise InvariantError(f"relation id {rel.id!r} is used twice")
            self.relations[rel.id] = rel
        self._sorted: list[Span] | None = None
        self._counts: dict[str, int] | None = None
        self._highest: dict[str, int] | None = None
        self._log: list[tuple[int, Span | None, Span | None]] = []
        """(version, old, new) of recent span changes, for views that update an index instead of rebuilding."""
        self._log_since = 0
        """The oldest version the log can answer for."""

    # ----------------------------------------------------------------- reading

    @property
    def text(self) -> str:
        return self.document.text

    def sorted_spans(self) -> list[Span]:
        """Spans in text order (start, then longer first, then label, id); kept sorted across edits.

        Treat it as read-only: it is the cached list itself (a copy per call would cost what a book's
        20,000 spans cost on every key).
        """
        if self._sorted is None:
            self._sorted = sorted(self.spans.values(), key=_order)
        return self._sorted

    def label_counts(self) -> dict[str, int]:
        """How many spans carry each label, kept up to date across edits."""
        if self._counts is None:
            counts: dict[str, int] = {}
            for span in self.spans.values():
                counts[span.label] = counts.get(span.label, 0) + 1
            self._counts = counts
        return self._counts

    def span_changes_since(self, version: int) -> list[tuple[Span | None, Span | None]] | None:
        """The (old, new) span changes after `version`, oldest first; None if that is too far back."""
        if version < self._log_since:
            return None
        return [(old, new) for v, old, new in self._log if v > version]

    def spans_at(self, offset: int) -> list[Span]:
        """Spans that contain `offset`, innermost (shortest) first."""
        hits = [s for s in self.spans.values() if s.start <= offset < s.end]
        return sorted(hits, key=lambda s: (s.end - s.start, s.start, s.id))

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
        out: list[tuple[str, str]] = []
        for span in self.spans.values():
            try:
                self._check_span(span)
            except InvariantError as exc:
                out.append((span.id, exc.message))
        for rel in self.relations.values():
            try:
                self._check_relation(rel)
            except InvariantError as exc:
                out.append((rel.id, exc.message))
        return out

    # ----------------------------------------------------------------- checks

    def _check_span(self, span: Span) -> None:
        text = self.document.text
        if not (0 <= span.start < span.end <= len(text)):
            raise InvariantError(
                f"span {span.id}: offsets {span.start}-{span.end} outside the text (0-{len(text)})"
            )
        actual = text[span.start : span.end]
        if actual != span.text:
            raise InvariantError(
                f"span {span.id}: text {span.text[:40]!r} does not match the document's {actual[:40]!r}"
            )
        if actual[0].isspace() or actual[-1].isspace():
            raise InvariantError(f"span {span.id}: starts or ends with whitespace")
        schema = self.schema
        if schema is not None:
            if schema.label(span.label) is None:
                raise InvariantError(f"span {span.id}: unknown label {span.label!r}")
            for key, value in span.attrs.items():
                allowed = schema.attribute_values(span.label, key)
                if allowed is None:
                    raise InvariantError(f"span {span.id}: attribute {key!r} not allowed on {span.label}")
                if value not in allowed:
                    raise InvariantError(
                        f"span {span.id}: {key}={value!r} is not one of {', '.join(allowed)}"
                    )

    def _check_relation(self, rel: Relation, spans: Mapping[str, Span] | None = None) -> None:
        spans = self.spans if spans is None else spans
        head, tail = spans.get(rel.head), spans.get(rel.tail)
        if head is None or tail is None:
            missing = rel.head if head is None else rel.tail
            raise InvariantError(f"relation {rel.id}: span {missing!r} does not exist")
        if rel.head == rel.tail:
            raise InvariantError(f"relation {rel.id}: a span cannot be linked to itself")
        if self.schema is not None and not self.schema.relation_allowed(rel.label, head.label, tail.label):
            raise InvariantError(
                f"relation {rel.id}: {rel.label} from {head.label} to {tail.label} is not in the schema"
            )

    # ----------------------------------------------------------------- ids

    def highest_ids(self) -> dict[str, int]:
        """The highest number ever given to an id with each prefix (`s`, `r`): live, kept aside,
        in the undo history, or saved before (`id_floor`). Saved with the file, so a new span never
        takes the id of one that was deleted or kept aside, even after a restart."""
        if self._highest is None:
            highest: dict[str, int] = {k: int(v) for k, v in self.id_floor.items()}
            keys = list(self.spans) + list(self.relations) + [o.item.id for o in self.orphans]
            keys += [key for edit in self._undo + self._redo for _k, key, _o, _n in edit.changes]
            for key in keys:
                _note_id(highest, key)
            self._highest = highest
        return self._highest

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{self.highest_ids().get(prefix, 0) + 1}"

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
            if self._highest is not None:
                _note_id(self._highest, key)
            if kind == "span":
                self._span_changed(current, value)  # type: ignore[arg-type]
        self.version += 1

    def _span_changed(self, old: Span | None, new: Span | None) -> None:
        """Keep the sorted list, the label counts and the change log in step with one span change."""
        if self._sorted is not None:
            if old is not None:
                i = bisect.bisect_left(self._sorted, _order(old), key=_order)
                while i < len(self._sorted) and self._sorted[i].id != old.id:
                    i += 1
                if i < len(self._sorted):
                    del self._sorted[i]
            if new is not None:
                bisect.insort(self._sorted, new, key=_order)
        if self._counts is not None:
            if old is not None:
                self._counts[old.label] -= 1
            if new is not None:
                self._counts[new.label] = self._counts.get(new.label, 0) + 1
        self._log.append((self.version + 1, old, new))
        if len(self._log) > 4096:
            del self._log[:2048]
            self._log_since = self._log[0][0] - 1

    def set_suggestions(self, spans: Iterable[Span] | None = None, relations: Iterable[Relation] | None = None) -> None:
        """Replace the pending suggestions (either table; None keeps it), so that views see the change."""
        if spans is not None:
            self.suggested_spans = list(spans)
        if relations is not None:
            self.suggested_relations = list(relations)
        self.version += 1

    def put_loaded(self, span: Span) -> bool:
        """Add a span while loading (no undo entry); False if it breaks an invariant or its id is taken."""
        if span.id in self.spans:
            return False
        try:
            self._check_span(span)
        except InvariantError:
            return False
        self.spans[span.id] = span
        self._sorted = self._counts = self._highest = None
        self.version += 1
        self._log.clear()
        self._log_since = self.version
        return True

    def _commit(self, name: str, changes: list[Change]) -> Edit:
        """Check the result of `changes` as a whole, then apply them as one undoable edit.

        Only what the changes touch is checked: the changed spans, the changed relations and the
        relations of changed spans (the rest held before and cannot have broken).
        """
        spans: dict[str, Span | None] = {}
        relations: dict[str, Relation | None] = {}
        for kind, key, _old, new in changes:
            if kind == "span":
                if new is not None:
                    self._check_span(new)  # type: ignore[arg-type]
                spans[key] = new  # type: ignore[assignment]
            else:
                relations[key] = new  # type: ignore[assignment]
        view = _Overlay(self.spans, spans)
        touched = {k: r for k, r in relations.items() if r is not None}
        if spans:
            for rel in self.relations.values():
                if rel.id not in relations and (rel.head in spans or rel.tail in spans):
                    touched[rel.id] = rel
        for rel in touched.values():
            self._check_relation(rel, view)
        edit = Edit(name, changes)
        self._apply(changes, forward=True)
        self._undo.append(edit)
        self._redo.clear()
        return edit

    # ----------------------------------------------------------------- edits

    def add_span(
        self,
        start: int,
        end: int,
        label: str,
        attrs: Mapping[str, str] | None = None,
        note: str = "",
        span_id: str | None = None,
    ) -> Span:
        stamp = self._clock()
        span = Span(
            span_id or self._next_id("s"),
            start,
            end,
            label,
            self.document.text[max(start, 0) : max(end, 0)],
            dict(attrs or {}),
            note,
            stamp,
            stamp,
        )
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
        attrs = {
            k: v
            for k, v in span.attrs.items()
            if self.schema is None or self.schema.attribute_values(label, k) is not None
        }
        new = replace(span, label=label, attrs=attrs, updated=self._clock())
        changes: list[Change] = [("span", span_id, span, new)]
        if self.schema is not None:
            for rel in self.relations_of(span_id):
                head = new if rel.head == span_id else self.spans[rel.head]
                tail = new if rel.tail == span_id else self.spans[rel.tail]
                if not self.schema.relation_allowed(rel.label, head.label, tail.label):
                    changes.insert(0, ("rel", rel.id, rel, None))
        self._commit(f"relabel to {label}", changes)
        return new

    def resize(self, span_id: str, start: int, end: int) -> Span:
        span = self._get(span_id)
        new = replace(
            span, start=start, end=end, text=self.document.text[max(start, 0) : max(end, 0)],
            updated=self._clock(),
        )
        self._commit("resize", [("span", span_id, span, new)])
        return new

    def link(self, head_id: str, tail_id: str, label: str = "attributed_to") -> Relation:
        for rel in self.relations.values():
            if (rel.head, rel.tail, rel.label) == (head_id, tail_id, label):
                raise InvariantError(f"{head_id} is already linked to {tail_id}")
        rel = Relation(self._next_id("r"), head_id, tail_id, label)
        self._commit("link", [("rel", rel.id, None, rel)])
        return rel

    def unlink(self, rel_id: str) -> None:
        rel = self.relations.get(rel_id)
        if rel is None:
            raise InvariantError(f"relation {rel_id!r} does not exist")
        self._commit("unlink", [("rel", rel_id, rel, None)])

    def set_attr(self, span_id: str, key: str, value: str | None) -> Span:
        """Set an attribute, or remove it with value None."""
        span = self._get(span_id)
        attrs = dict(span.attrs)
        if value is None:
            attrs.pop(key, None)
        else:
            attrs[key] = value
        new = replace(span, attrs=attrs, updated=self._clock())
        self._commit(f"set {key}", [("span", span_id, span, new)])
        return new

    def set_note(self, span_id: str, note: str) -> Span:
        span = self._get(span_id)
        new = replace(span, note=note, updated=self._clock())
        self._commit("note", [("span", span_id, span, new)])
        return new

    def batch(self, name: str, edits: list[Callable[["DocAnnotations"], object]]) -> None:
        """Run several edits as one undo step (for example: accept all suggestions)."""
        depth = len(self._undo)
        try:
            for edit in edits:
                edit(self)
        except Exception:
            while len(self._undo) > depth:
                self._apply(self._undo.pop().changes, forward=False)
            raise
        merged: list[Change] = []
        for edit in self._undo[depth:]:
            merged.extend(edit.changes)
        del self._undo[depth:]
        if merged:
            self._undo.append(Edit(name, merged))

    def _get(self, span_id: str) -> Span:
        span = self.spans.get(span_id)
        if span is None:
            raise InvariantError(f"span {span_id!r} does not exist")
        return span

    # ----------------------------------------------------------------- undo / redo

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def last_edit(self) -> Edit | None:
        """The edit `undo` would take back (a review checks that it is still its own)."""
        return self._undo[-1] if self._undo else None

    def undo(self) -> str | None:
        """Undo the last edit; returns its name, or None when there is nothing to undo."""
        if not self._undo:
            return None
        edit = self._undo.pop()
        self._apply(edit.changes, forward=False)
        self._redo.append(edit)
        return edit.name

    def redo(self) -> str | None:
        if not self._redo:
            return None
        edit = self._redo.pop()
        self._apply(edit.changes, forward=True)
        self._undo.append(edit)
        return edit.name

    def snapshot(self) -> "DocAnnotations":
        """A frozen copy for saving in another thread: the tables are copied, spans are immutable."""
        copy = DocAnnotations.__new__(DocAnnotations)
        copy.__dict__.update(self.__dict__)
        copy.spans, copy.relations = dict(self.spans), dict(self.relations)
        copy.orphans = list(self.orphans)
        copy.suggested_spans, copy.suggested_relations = list(self.suggested_spans), list(self.suggested_relations)
        copy._undo, copy._redo = [], []
        # The caches are updated in place by later edits: the copy gets its own.
        copy._sorted = None if self._sorted is None else list(self._sorted)
        copy._counts = None if self._counts is None else dict(self._counts)
        copy._highest = None if self._highest is None else dict(self._highest)
        copy._log = []
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
