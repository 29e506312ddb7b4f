"""The annotation file's format: the one module that reads and writes its TinyDB tables.

`annotations/<annotator>/<doc_id>.json` holds the tables `meta`, `spans`, `relations` and, after
`reader suggest`, `suggested_spans` and `suggested_relations`. Everything that reads them (the store,
validate, stats, show, the documents screen, diff, export) calls `read_file`, and the store writes
them with `write_file`, so the rules for a record are written once: a record that is not an object,
lacks a field or holds the wrong kind of value is a `MalformedRecord` naming the file, the line where
it can be found, the record and what is wrong. `read_file` raises the first one; with `strict=False`
(validate) it collects them all and leaves those records out.

A span in fragments (a quote split by its attribution) has a `fragments` list, `[[start, end], ...]`
in text order, and the file's meta says `"format_version": 2`; a span in one piece has no such key
and a file without fragments has no `format_version` (it is version 1), so a file nobody split a span
in is byte for byte what it was before fragments existed. A reader of version 1 (this module before
fragments) ignores both keys: it reads each span in fragments as one piece from its first start to
its last end with the text between them (which `text` holds), so its `reader validate`, `show`, diff
and export still work on the file, treating the span as that whole stretch; its app shows the same
stretch and, if it saves, writes the span back in one piece (the fragments are lost, nothing else).
A file of a newer version than `FORMAT_VERSION` is read as far as it can be, and the store opens it
read-only.

`read_file` gives values, not the model: spans as the file has them, with their orphan flags and the
context saved beside them. Whether a span still fits its document, and re-anchoring it when it does
not, is the store's business (the fast paths of diff and export take spans that `fits` as they are).

The file is written through `AtomicJSONStorage`: sorted keys and indentation for readable diffs, and a
temporary file in the same folder, flushed, fsynced and `os.replace`d, so a crash or a kill at any
moment leaves the old file or the new one, never a torn one. A span's TinyDB document id is the number
in its span id (`s12` -> 12), so a span keeps its key in the file from save to save and `git diff`
shows only what changed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document as TinyDocument

from reader.core.errors import UserError
from reader.core.model import Document, Orphan, Relation, Span
from reader.files.atomic import write_atomic
from reader.files.readable_json import dumps

CONTEXT = 24
"""Characters of context saved on each side of a span, for re-anchoring."""

FORMAT_VERSION = 2
"""The layout this module reads and writes: 2 added `fragments` (written only to files that need it)."""


class StoreError(UserError):
    """An annotation file that cannot be read or written."""


class MalformedRecord(StoreError):
    """One record of an annotation file that cannot be read: `item` is its id (or `-`), `what` the problem."""

    def __init__(self, what: str, path: Path, line: int | None, item: str) -> None:
        super().__init__(f"{item}: {what}", path, line)
        self.item, self.what = item, what


def _load_json(path: Path) -> tuple[str, dict[str, dict[str, Any]]] | None:
    """The text and the tables of a TinyDB file, None when it is missing or blank; StoreError if unreadable."""
    try:
        raw = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise StoreError("not UTF-8", path) from None
    except OSError as exc:  # a folder in its place, no permission
        raise StoreError(f"cannot read ({exc.strerror or exc})", path) from None
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StoreError(f"not valid JSON ({exc.msg}, column {exc.colno})", path, exc.lineno) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise StoreError("not a TinyDB file (expected tables of records)", path)
    return raw, data


class AtomicJSONStorage(Storage):
    """TinyDB storage that writes sorted, indented JSON atomically, and can batch writes into one."""

    def __init__(self, path: str | os.PathLike, create_dirs: bool = True) -> None:
        self.path = Path(path)
        self._create_dirs = create_dirs
        self._pending: dict | None = None
        self._batching = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._batching and self._pending is not None:
            return self._pending
        loaded = _load_json(self.path)
        data = None if loaded is None else loaded[1]
        if self._batching:
            self._pending = data
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._batching:
            self._pending = data
            return
        write_atomic(self.path, dumps(data), self._create_dirs)

    @contextmanager
    def batch(self, fresh: bool = False) -> Iterator[None]:
        """Collect every write inside the block and write the file once, atomically, at the end.

        With `fresh`, the block starts from empty tables instead of the file's (it is rewritten whole)."""
        self._batching, self._pending = True, ({} if fresh else None)
        try:
            yield
            data = self._pending
        finally:
            self._batching, self._pending = False, None
        if data is not None:
            write_atomic(self.path, dumps(data), self._create_dirs)

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------- what a file holds


@dataclass(frozen=True)
class Meta:
    """The `meta` table: whose work on which document, how far it is, and what the text was."""

    doc_id: str
    annotator: str
    sha256: str = ""
    """Of the document's text when it was saved; empty when unknown (a file written by hand)."""
    status: str = "todo"
    cursor: int = 0
    schema_version: int = 1
    updated: str = ""
    last_ids: Mapping[str, int] = field(default_factory=dict)
    """The highest id number each prefix had used (`s`, `r`), so that ids are never reused."""
    format_version: int = 1
    """The file's layout (`FORMAT_VERSION`); 1, and not written, unless a span is in fragments."""

    def text_changed(self, doc: Document) -> bool:
        """Whether `doc`'s text is not the one these annotations were made on (unknown counts as the same)."""
        return bool(self.sha256) and self.sha256 != doc.sha256

    def record(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id, "sha256": self.sha256, "annotator": self.annotator, "status": self.status,
            "schema_version": self.schema_version, "updated": self.updated, "cursor": self.cursor,
            "last_ids": dict(sorted(self.last_ids.items())),
            **({"format_version": self.format_version} if self.format_version != 1 else {}),
        }


class StoredSpan(NamedTuple):
    """A record of the `spans` table, checked; `span` makes the model's value of it.

    A tuple of the fields rather than a `Span` inside: diff and export read every span of a corpus
    straight from the files and never need the model's value, and a tuple is far cheaper to make."""

    id: str
    start: int
    end: int
    label: str
    text: str
    attrs: dict[str, str]
    note: str
    created: str
    updated: str
    context: tuple[str, str]
    """The text before and after the span where it was saved, for re-anchoring."""
    orphaned: str | None
    """Why the span was kept aside (it fits nowhere in the text), or None for a placed span."""
    fragments: tuple[tuple[int, int], ...] = ()
    """The span's pieces when it is in fragments (`Span.fragments`)."""

    @property
    def span(self) -> Span:
        return Span(*self[:9], fragments=self.fragments)

    def fits(self, text: str) -> bool:
        """Whether the span stands at its offsets in `text` (nothing else of the invariants)."""
        return 0 <= self.start < self.end <= len(text) and text[self.start : self.end] == self.text


class StoredRelation(NamedTuple):
    """A record of the `relations` table, checked; `relation` makes the model's value of it."""

    id: str
    head: str
    tail: str
    label: str
    orphaned: str | None
    """Why the link was kept aside (an end is not placed), or None."""

    @property
    def relation(self) -> Relation:
        return Relation(*self[:4])


@dataclass(frozen=True)
class FileSummary:
    """The meta table and counts of one annotation file."""

    path: Path
    annotator: str
    doc_id: str
    status: str
    spans: int
    """Placed spans (not those kept aside)."""
    relations: int
    orphans: int
    """Spans kept aside."""
    cursor: int
    sha256: str
    updated: str
    suggestions: int = 0
    """Suggested spans waiting for a decision."""


@dataclass
class AnnotationFile:
    """The tables of one annotation file as values, in the order of their keys."""

    path: Path
    meta: Meta
    spans: list[StoredSpan] = field(default_factory=list)
    relations: list[StoredRelation] = field(default_factory=list)
    suggested_spans: list[Span] = field(default_factory=list)
    suggested_relations: list[Relation] = field(default_factory=list)
    malformed: list[MalformedRecord] = field(default_factory=list)
    """The records that could not be read (only with `read_file(..., strict=False)`), left out above."""

    def summary(self) -> FileSummary:
        orphans = sum(1 for s in self.spans if s.orphaned is not None)
        return FileSummary(
            path=self.path, annotator=self.path.parent.name, doc_id=self.meta.doc_id, status=self.meta.status,
            spans=len(self.spans) - orphans, relations=len(self.relations), orphans=orphans,
            cursor=self.meta.cursor, sha256=self.meta.sha256, updated=self.meta.updated,
            suggestions=len(self.suggested_spans),
        )


# --------------------------------------------------------------------------- reading


def read_tables(path: Path) -> dict[str, dict[str, Any]]:
    """The tables of one file as TinyDB holds them; StoreError if it is not a readable TinyDB file."""
    loaded = _load_json(Path(path))
    if loaded is None:
        raise StoreError("empty annotation file", path)
    return loaded[1]


def records(tables: Mapping[str, Mapping[str, Any]], table: str) -> list[tuple[str, Any]]:
    """(key, record) of one table, in the order of the keys' numbers."""
    rows = tables.get(table) or {}
    try:
        keys = sorted(rows, key=int)  # TinyDB's keys are numbers
    except ValueError:  # a file edited by hand: keys that are not numbers first, as they come
        keys = sorted(rows, key=lambda k: int(k) if k.isdigit() else 0)
    return [(k, rows[k]) for k in keys]


def read_file(path: Path, *, strict: bool = True) -> AnnotationFile:
    """Every table of one annotation file, checked record by record.

    StoreError when the file is missing, empty, not UTF-8, not JSON or not TinyDB tables; with
    `strict`, also for the first malformed record (a `MalformedRecord`), else those are collected
    in `malformed` and left out."""
    path = Path(path)
    loaded = _load_json(path)
    if loaded is None:
        raise StoreError("empty annotation file" if path.exists() else "no such file", path)
    raw, tables = loaded
    reader = _Reader(path, raw, strict)
    out = AnnotationFile(path, reader.meta(tables))
    out.spans = reader.rows(tables, "spans", "span", reader.stored_span)
    out.relations = reader.rows(tables, "relations", "relation", reader.stored_relation)
    out.suggested_spans = reader.rows(tables, "suggested_spans", "suggestion", reader.span)
    out.suggested_relations = reader.rows(tables, "suggested_relations", "suggested link", reader.relation)
    out.malformed = reader.malformed
    return out


class _Bad(Exception):
    """A record's problem, turned into a MalformedRecord by `_Reader.rows`."""


class _Reader:
    """The rules for a record, one method a kind; each raises _Bad with what is wrong."""

    def __init__(self, path: Path, raw: str, strict: bool) -> None:
        self.path, self.raw, self.strict = path, raw, strict
        self.malformed: list[MalformedRecord] = []

    def rows(self, tables: Mapping[str, Mapping[str, Any]], table: str, kind: str, parse: Any) -> list:
        out = []
        for key, record in records(tables, table):
            try:
                if not isinstance(record, dict):
                    raise _Bad(f"record {key} is not an object")
                out.append(parse(record))
            except _Bad as exc:
                item = str(record.get("id", "-")) if isinstance(record, dict) else "-"
                self._fail(MalformedRecord(f"malformed {kind} ({exc})", self.path, _line_of(self.raw, table, key), item))
        return out

    def _fail(self, error: MalformedRecord) -> None:
        if self.strict:
            raise error
        self.malformed.append(error)

    def meta(self, tables: Mapping[str, Mapping[str, Any]]) -> Meta:
        found = records(tables, "meta")
        record = found[0][1] if found else {}
        try:
            if not isinstance(record, dict):
                raise _Bad(f"record {found[0][0]} is not an object")
            floor = record.get("last_ids")
            return Meta(
                doc_id=str(record.get("doc_id", self.path.stem)),
                annotator=str(record.get("annotator", self.path.parent.name)),
                sha256=str(record.get("sha256") or ""),
                status=str(record.get("status", "todo")),
                cursor=_int(record, "cursor", 0),
                schema_version=_int(record, "schema_version", 1),
                updated=str(record.get("updated", "")),
                last_ids={str(k): v for k, v in floor.items() if type(v) is int} if isinstance(floor, dict) else {},
                format_version=_int(record, "format_version", 1),
            )
        except _Bad as exc:
            line = _line_of(self.raw, "meta", found[0][0])
            self._fail(MalformedRecord(f"malformed meta ({exc})", self.path, line, "meta"))
            return Meta(self.path.stem, self.path.parent.name)

    def stored_span(self, record: dict[str, Any]) -> StoredSpan:
        try:
            ident, start, end, label, text = record["id"], record["start"], record["end"], record["label"], record["text"]
        except KeyError as exc:
            raise _Bad(f"no {exc}") from None
        if type(start) is not int or type(end) is not int:  # the files we write hold ints: one check
            start, end = _int(record, "start"), _int(record, "end")
        attrs = record.get("attrs")
        if attrs:
            if not isinstance(attrs, dict):
                raise _Bad(f"attrs {attrs!r} is not an object")
            attrs = {str(k): str(v) for k, v in attrs.items()}
        get = record.get
        return StoredSpan(
            str(ident), start, end, str(label), str(text), attrs or {}, str(get("note") or ""),
            str(get("created") or ""), str(get("updated") or ""),
            (str(get("context_before") or ""), str(get("context_after") or "")),
            str(get("orphan_reason") or "could not be placed") if get("orphaned") else None,
            _fragments(get("fragments"), start, end) if "fragments" in record else (),
        )

    def span(self, record: dict[str, Any]) -> Span:
        return self.stored_span(record).span

    def stored_relation(self, record: dict[str, Any]) -> StoredRelation:
        get = record.get
        try:
            return StoredRelation(
                str(record["id"]), str(record["head"]), str(record["tail"]), str(get("label", "attributed_to")),
                str(get("orphan_reason") or "an end is not placed") if get("orphaned") else None,
            )
        except KeyError as exc:
            raise _Bad(f"no {exc}") from None

    def relation(self, record: dict[str, Any]) -> Relation:
        return self.stored_relation(record).relation


def _fragments(value: Any, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """A record's `fragments`: pairs of whole numbers; one pair over the whole span is no fragments.
    Whether they fit the span (order, overlaps) is an invariant, checked with the others."""
    if not isinstance(value, list) or not all(
        isinstance(f, list) and len(f) == 2 and all(type(x) is int for x in f) for f in value
    ):
        raise _Bad(f"fragments {value!r} is not a list of [start, end] pairs of whole numbers")
    frags = tuple((s, e) for s, e in value)
    return () if frags in ((), ((start, end),)) else frags


def _int(record: Mapping[str, Any], key: str, default: int | None = None) -> int:
    value = record[key] if default is None else (record.get(key) or default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _Bad(f"{key} {value!r} is not a whole number") from None


def _line_of(raw: str, table: str, key: str) -> int | None:
    """The line of record `key` of `table` in the file's text (found only on the error path), or None."""
    at = re.search(r'(?<!\\)"' + re.escape(table) + r'"\s*:\s*\{', raw)
    if at is None:
        return None
    found = re.compile(r'(?<!\\)"' + re.escape(str(key)) + r'"\s*:').search(raw, at.end())
    return raw.count("\n", 0, (found or at).start()) + 1


# --------------------------------------------------------------------------- writing


def span_record(span: Span, text: str) -> dict[str, Any]:
    """A placed span as the `spans` table holds it, with the context around it in `text`."""
    record = {
        "id": span.id,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": span.text,
        "attrs": dict(span.attrs),
        "note": span.note,
        "created": span.created,
        "updated": span.updated,
        "context_before": text[max(0, span.start - CONTEXT) : span.start],
        "context_after": text[span.end : span.end + CONTEXT],
    }
    if span.fragments:
        record["fragments"] = [[s, e] for s, e in span.fragments]
    return record


def relation_record(rel: Relation) -> dict[str, Any]:
    return {"id": rel.id, "head": rel.head, "tail": rel.tail, "label": rel.label}


def write_file(
    path: Path,
    meta: Meta,
    text: str,
    spans: Iterable[Span],
    relations: Iterable[Relation],
    orphans: Iterable[Orphan] = (),
    suggested_spans: Iterable[Span] = (),
    suggested_relations: Iterable[Relation] = (),
) -> None:
    """Write one annotation file whole, once, atomically: `spans` placed in `text` (which gives their
    context), `orphans` with the context they kept, relations in the order of their numbers."""
    span_rows = [span_record(s, text) for s in spans]
    orphans, suggested_spans = list(orphans), list(suggested_spans)
    in_pieces = any("fragments" in r for r in span_rows) or any(
        isinstance(o.item, Span) and o.item.fragments for o in orphans) or any(s.fragments for s in suggested_spans)
    if in_pieces != (meta.format_version >= FORMAT_VERSION):  # the version says what a reader must know
        meta = replace(meta, format_version=FORMAT_VERSION if in_pieces else 1)
    rel_rows = [relation_record(r) for r in sorted(relations, key=lambda r: (_number(r.id) or 0, r.id))]
    for orphan in orphans:
        if isinstance(orphan.item, Span):
            record = span_record(orphan.item, "")
            record.update(orphaned=True, orphan_reason=orphan.reason)
            record["context_before"], record["context_after"] = orphan.context
            span_rows.append(record)
        else:
            rel_rows.append({**relation_record(orphan.item), "orphaned": True, "orphan_reason": orphan.reason})
    suggested = [span_record(s, text) for s in suggested_spans]
    suggested_links = [relation_record(r) for r in suggested_relations]
    storage_ref: list[AtomicJSONStorage] = []

    def make_storage(p: str, **kw: Any) -> AtomicJSONStorage:
        storage_ref.append(AtomicJSONStorage(p, **kw))
        return storage_ref[0]

    db = TinyDB(str(path), storage=make_storage)
    with storage_ref[0].batch(fresh=True):
        db.table("meta").insert(TinyDocument(meta.record(), doc_id=1))
        db.table("spans").insert_multiple(_keyed(span_rows))
        db.table("relations").insert_multiple(_keyed(rel_rows))
        if suggested or suggested_links:
            db.table("suggested_spans").insert_multiple(TinyDocument(r, doc_id=i) for i, r in enumerate(suggested, 1))
            db.table("suggested_relations").insert_multiple(
                TinyDocument(r, doc_id=i) for i, r in enumerate(suggested_links, 1)
            )
    db.close()


def _number(ident: str) -> int | None:
    digits = ident[1:]
    return int(digits) if ident[:1] in ("s", "r") and digits.isdigit() and int(digits) > 0 else None


def _keyed(records: list[dict[str, Any]]) -> list[TinyDocument]:
    """TinyDB documents keyed by the number in their id, so keys stay put from save to save."""
    used = {n for r in records if (n := _number(r["id"])) is not None}
    spare = max(used, default=0)
    out = []
    seen: set[int] = set()
    for record in records:
        n = _number(record["id"])
        if n is None or n in seen:
            spare += 1
            n = spare
        seen.add(n)
        out.append(TinyDocument(record, doc_id=n))
    return out
