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

Beside the file, `.<doc_id>.journal` (`files.journal`) holds the edits made since the file was last
written; `read_file` and `read_tables` replay it over the tables, so every reader sees what the app
shows even when the app was killed before it wrote the file (`journal=False` reads the file alone).

The file is written in TinyDB's layout (tables of records keyed by number), with sorted keys and
indentation for readable diffs, through a temporary file in the same folder, flushed, fsynced and
`os.replace`d, so a crash or a kill at any moment leaves the old file or the new one, never a torn one.
A span's key is the number in its span id (`s12` -> 12), so a span keeps its key from save to save and
`git diff` shows only what changed. The bytes are put together by `files.table_text` rather than
through TinyDB's inserts, which cost what every record costs on every save: with a `WriteCache`, a
record is encoded again only when it changed, so a save of a book with 20,000 spans after one edit
costs that edit plus copying the file out (TinyDB opens the file as its own; a test says so). The
cursor is not written: it is the annotator's place, not their work, and lives in the store's
per-user state file.

At about 540 lines the module is over the house's 500: reading, checking and writing the records
stay together on purpose, since keeping one set of rules for the file in one place is its reason
to exist (the byte-level writing is already apart, in `files.table_text` and `files.readable_json`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from reader.core.errors import UserError
from reader.core.model import Document, Orphan, Relation, Span
from reader.files import journal
from reader.files.atomic import write_atomic
from reader.files.readable_json import dumps  # noqa: F401  (others write with it: one place to import from)
from reader.files.table_text import (
    TableCache,
    file_bytes,
    number,
    record_bytes,
    table_bytes,
)

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
    if not raw or raw.isspace():  # (not raw.strip(): no copy of the file's text)
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StoreError(f"not valid JSON ({exc.msg}, column {exc.colno})", path, exc.lineno) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise StoreError("not a TinyDB file (expected tables of records)", path)
    return raw, data


# --------------------------------------------------------------------------- what a file holds


@dataclass(frozen=True)
class Meta:
    """The `meta` table: whose work on which document, how far it is, and what the text was."""

    doc_id: str
    annotator: str
    sha256: str = ""
    """Of the document's text when it was saved; empty when unknown (a file written by hand)."""
    status: str = "todo"
    cursor: int | None = None
    """Only in files written before the cursor moved to the per-user state file (`Store.cursor`)."""
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
            "schema_version": self.schema_version, "updated": self.updated,
            **({"cursor": self.cursor} if self.cursor is not None else {}),
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
    journal: int = 0
    """Entries of the file's journal replayed over it (edits the file itself does not have yet)."""

    def summary(self) -> FileSummary:
        orphans = sum(1 for s in self.spans if s.orphaned is not None)
        return FileSummary(
            path=self.path, annotator=self.path.parent.name, doc_id=self.meta.doc_id, status=self.meta.status,
            spans=len(self.spans) - orphans, relations=len(self.relations), orphans=orphans,
            cursor=self.meta.cursor or 0, sha256=self.meta.sha256, updated=self.meta.updated,
            suggestions=len(self.suggested_spans),
        )


# --------------------------------------------------------------------------- reading


def read_tables(path: Path, *, journal: bool = True) -> dict[str, dict[str, Any]]:
    """The tables of one file as TinyDB holds them, its journal replayed; StoreError if it is not a
    readable TinyDB file."""
    loaded = _load_replayed(Path(path), journal)
    if loaded is None:
        raise StoreError("empty annotation file", path)
    return loaded.tables


@dataclass
class _Replayed:
    raw: str
    tables: dict[str, dict[str, Any]]
    entries: int
    origin: dict[tuple[str, str], int]
    """(table, key) -> journal line of the records the journal set."""


def _load_replayed(path: Path, use_journal: bool) -> _Replayed | None:
    """The file's text and tables with its journal replayed over them (a document whose first edits are
    only in the journal starts from no tables); None when there is neither.

    The journal is read first: if the app folds it into the file meanwhile, the file read next already
    has those entries, and replaying them again changes nothing (the other order could miss them)."""
    entries: list[tuple[int, dict[str, Any]]] = []
    if use_journal:
        where = journal.journal_path(path)
        try:
            entries = journal.read(where)
        except journal.JournalError as exc:
            raise StoreError(f"journal {where.name} line {exc.line}: {exc.what}", path) from None
        except OSError as exc:
            raise StoreError(f"cannot read its journal {where.name} ({exc.strerror or exc})", path) from None
    loaded = _load_json(path)
    if loaded is None and not entries:
        return None
    raw, tables = loaded if loaded is not None else ("", {})
    origin = journal.apply(tables, entries) if entries else {}
    return _Replayed(raw, tables, len(entries), origin)


def records(tables: Mapping[str, Mapping[str, Any]], table: str) -> list[tuple[str, Any]]:
    """(key, record) of one table, in the order of the keys' numbers."""
    rows = tables.get(table) or {}
    try:
        keys = sorted(rows, key=int)  # TinyDB's keys are numbers
    except ValueError:  # a file edited by hand: keys that are not numbers first, as they come
        keys = sorted(rows, key=lambda k: int(k) if k.isdigit() else 0)
    return [(k, rows[k]) for k in keys]


def read_file(path: Path, *, strict: bool = True, journal: bool = True) -> AnnotationFile:
    """Every table of one annotation file, its journal replayed (unless `journal=False`), checked
    record by record.

    StoreError when the file is missing (and has no journal), empty, not UTF-8, not JSON or not TinyDB
    tables, or its journal has a line that is not an entry; with `strict`, also for the first malformed
    record (a `MalformedRecord`), else those are collected in `malformed` and left out."""
    path = Path(path)
    loaded = _load_replayed(path, journal)
    if loaded is None:
        raise StoreError("empty annotation file" if path.exists() else "no such file", path)
    tables = loaded.tables
    reader = _Reader(path, loaded.raw, strict, loaded.origin)
    out = AnnotationFile(path, reader.meta(tables), journal=loaded.entries)
    out.spans = reader.rows(tables, "spans", "span", reader.stored_span)
    out.relations = reader.rows(tables, "relations", "relation", reader.stored_relation)
    out.suggested_spans = reader.rows(tables, "suggested_spans", "suggestion", reader.span)
    out.suggested_relations = reader.rows(tables, "suggested_relations", "suggested link", reader.relation)
    out.malformed = reader.malformed
    return out


class _Bad(Exception):
    """A record's problem, turned into a MalformedRecord by `_Reader.rows`."""


_new_stored_span = tuple.__new__
"""Builds a StoredSpan from a tuple of all its fields: a corpus diff reads 400,000 records."""


class _Reader:
    """The rules for a record, one method a kind; each raises _Bad with what is wrong."""

    def __init__(self, path: Path, raw: str, strict: bool, origin: Mapping[tuple[str, str], int]) -> None:
        self.path, self.raw, self.strict, self.origin = path, raw, strict, origin
        self.malformed: list[MalformedRecord] = []

    def _where(self, what: str, table: str, key: str) -> tuple[str, int | None]:
        """`what`, and the line of the record in the file; one the journal set is named by its line there."""
        line = self.origin.get((table, key))
        if line is not None:
            return f"{what} in journal {journal.journal_path(self.path).name} line {line}", None
        return what, _line_of(self.raw, table, key)

    def rows(self, tables: Mapping[str, Mapping[str, Any]], table: str, kind: str, parse: Any) -> list:
        out = []
        for key, record in records(tables, table):
            try:
                if not isinstance(record, dict):
                    raise _Bad(f"record {key} is not an object")
                out.append(parse(record))
            except _Bad as exc:
                item = str(record.get("id", "-")) if isinstance(record, dict) else "-"
                what, line = self._where(f"malformed {kind} ({exc})", table, key)
                self._fail(MalformedRecord(what, self.path, line, item))
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
                cursor=_int(record, "cursor", 0) if "cursor" in record else None,
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
        get = record.get
        attrs = get("attrs")
        if attrs:
            if not isinstance(attrs, dict):
                raise _Bad(f"attrs {attrs!r} is not an object")
            attrs = {str(k): str(v) for k, v in attrs.items()}
        note, created, updated = get("note") or "", get("created") or "", get("updated") or ""
        before, after = get("context_before") or "", get("context_after") or ""
        if not (type(ident) is type(label) is type(text) is type(note) is type(created) is type(updated)
                is type(before) is type(after) is str):  # the files we write hold strings: one check
            ident, label, text, note, created, updated, before, after = map(
                str, (ident, label, text, note, created, updated, before, after))
        return _new_stored_span(StoredSpan, (  # StoredSpan(...) without its Python-level __new__
            ident, start, end, label, text, attrs or {}, note, created, updated, (before, after),
            str(get("orphan_reason") or "could not be placed") if get("orphaned") else None,
            _fragments(get("fragments"), start, end) if "fragments" in record else (),
        ))

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


WriteCache = TableCache
"""What one file's last write made, so that the next one encodes only what changed (`table_text`)."""


def write_file(
    path: Path,
    meta: Meta,
    text: str,
    spans: Iterable[Span],
    relations: Iterable[Relation],
    orphans: Iterable[Orphan] = (),
    suggested_spans: Iterable[Span] = (),
    suggested_relations: Iterable[Relation] = (),
    cache: WriteCache | None = None,
) -> None:
    """Write one annotation file whole, once, atomically: `spans` placed in `text` (which gives their
    context), `orphans` with the context they kept, relations in the order of their numbers.

    The bytes are those of `dumps` over the tables (sorted keys, indented); `cache` (the same one for
    the same file) keeps the records' text from one write to the next (`table_text`)."""
    write_atomic(path, encode_file(meta, text, spans, relations, orphans, suggested_spans, suggested_relations,
                                   cache))


def encode_file(
    meta: Meta,
    text: str,
    spans: Iterable[Span],
    relations: Iterable[Relation],
    orphans: Iterable[Orphan] = (),
    suggested_spans: Iterable[Span] = (),
    suggested_relations: Iterable[Relation] = (),
    cache: WriteCache | None = None,
) -> bytes:
    """The bytes `write_file` writes (with `cache`, what it encodes is kept for the next write)."""
    cache = cache or WriteCache()
    spans, orphans, suggested_spans = list(spans), list(orphans), list(suggested_spans)
    in_pieces = any(s.fragments for s in spans) or any(
        isinstance(o.item, Span) and o.item.fragments for o in orphans) or any(s.fragments for s in suggested_spans)
    if in_pieces != (meta.format_version >= FORMAT_VERSION):  # the version says what a reader must know
        meta = replace(meta, format_version=FORMAT_VERSION if in_pieces else 1)
    lost_spans = [o for o in orphans if isinstance(o.item, Span)]
    lost_links = [o for o in orphans if not isinstance(o.item, Span)]
    with cache.lock:
        cache.against(text)
        tables = {
            "meta": table_bytes([b'"1": ' + record_bytes(meta.record())]),
            "spans": cache.keyed_table("spans", [
                (spans, None, lambda s: span_record(s, text)), (lost_spans, _item_id, _orphan_span_record)]),
            "relations": cache.keyed_table("relations", [
                (sorted(relations, key=lambda r: (number(r.id) or 0, r.id)), None, relation_record),
                (lost_links, _item_id, _orphan_relation_record)]),
        }
        if suggested_spans or suggested_relations:
            tables["suggested_spans"] = cache.list_table("suggested_spans", suggested_spans, lambda s: span_record(s, text))
            tables["suggested_relations"] = cache.list_table("suggested_relations", list(suggested_relations),
                                                             relation_record)
        return file_bytes(tables)


def _item_id(orphan: Orphan) -> str:
    return orphan.item.id


def _orphan_span_record(orphan: Orphan) -> dict[str, Any]:
    record = span_record(orphan.item, "")  # type: ignore[arg-type]
    record.update(orphaned=True, orphan_reason=orphan.reason)
    record["context_before"], record["context_after"] = orphan.context
    return record


def _orphan_relation_record(orphan: Orphan) -> dict[str, Any]:
    return {**relation_record(orphan.item), "orphaned": True, "orphan_reason": orphan.reason}  # type: ignore[arg-type]
