"""The journal beside an annotation file: every edit on disk the moment it is shown.

`annotations/<annotator>/.<doc_id>.journal` holds one JSON object a line, each what one edit changed:

    {"spans": {"s12": {...the record...}, "s3": null}, "relations": {...}, "meta": {"status": "done"},
     "suggested_spans": {"g4": null}, "suggested_relations": {...}}

A record is the one the annotation file's table holds (`annotation_file.span_record`), null a record
that is gone; `meta` sets fields of the meta record. Every value is the record's whole new state, never
a difference, so replaying an entry twice, or over a file that already has it, changes nothing: that is
what lets the file be folded while edits go on. A table may instead be a list: the table as a whole
(the suggestions, when their order is not the one replay would give).

Why a journal: the annotation file is JSON, rewritten whole, and for a book with 20,000 spans that
takes longer than a key. An append of one short line, flushed and `fdatasync`ed, takes a fraction of a
millisecond, so it is done before the edit is drawn; the background saver folds the journal into the
file later (`Journal.folded`) and empties it. A kill at any moment leaves every acknowledged edit in the
file or in the journal. A line cut short by a crash (no newline at its end) was never acknowledged and
is left out; the store cuts it off when it next opens the document with its lock.

Everything that reads an annotation file applies its journal (`annotation_file.read_file`), so `reader
validate`, `stats`, `show`, `diff` and `export` see what the app shows. The journal is the machine's, not
the project's: `.gitignore` covers it, and only the process holding the document's lock writes it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reader.files.atomic import write_atomic

TABLES = ("spans", "relations", "suggested_spans", "suggested_relations")
"""The tables an entry may change besides `meta`."""


def journal_path(path: Path) -> Path:
    """The journal of the annotation file `path` (`doc.json` -> `.doc.journal`)."""
    return path.with_name(f".{path.stem}.journal")


class JournalError(Exception):
    """A journal line that is not an entry: `line` (1-based) and what is wrong."""

    def __init__(self, line: int, what: str) -> None:
        super().__init__(what)
        self.line, self.what = line, what


def parse(raw: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(line number, entry) of every complete line; a last line without its newline is left out."""
    end = raw.rfind(b"\n") + 1
    out = []
    for number, line in enumerate(raw[:end].splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise JournalError(number, f"not an entry ({exc})") from None
        if not isinstance(entry, dict):
            raise JournalError(number, "not an entry (expected an object)")
        for name, value in entry.items():
            if name == "meta":
                ok = isinstance(value, dict)
            elif name in TABLES:
                ok = isinstance(value, list) or isinstance(value, dict) and all(
                    v is None or isinstance(v, dict) for v in value.values()
                )
            else:
                raise JournalError(number, f"unknown table {name!r}")
            if not ok:
                raise JournalError(number, f"malformed {name} (expected records by id)")
        out.append((number, entry))
    return out


def read(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The entries of the journal at `path` (the journal's own path), [] when there is none."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    return parse(raw)


def apply(tables: dict[str, dict[str, Any]], entries: list[tuple[int, dict[str, Any]]]) -> dict[tuple[str, str], int]:
    """Replay `entries` over a file's tables, in place; (table, key) -> journal line of every record
    they set (so that a record found wrong is named where it came from).

    A record keeps its key; a new one takes the number in its id (`s12` -> 12) when that key is free.
    Suggestions are numbered 1..n in list order: one that comes back goes to its place in text order,
    as the app puts it."""
    origin: dict[tuple[str, str], int] = {}
    keyed: dict[str, _Keyed] = {}
    for line, entry in entries:
        for name, changes in entry.items():
            if name == "meta":
                meta = tables.setdefault("meta", {})
                key = min(meta, key=_key_number) if meta else "1"
                record = meta.get(key)
                meta[key] = {**(record if isinstance(record, dict) else {}), **changes}
                origin[("meta", key)] = line
                continue
            if isinstance(changes, list):
                tables[name] = {str(i): r for i, r in enumerate(changes, 1)}
                ids = {r.get("id") for r in changes if isinstance(r, dict)}
            elif name.startswith("suggested_"):
                tables[name] = _numbered(tables.get(name) or {}, changes, sort=name == "suggested_spans")
                ids = {i for i, r in changes.items() if r is not None}
            else:
                if name not in keyed:
                    keyed[name] = _Keyed(tables.setdefault(name, {}))
                origin.update(((name, key), line) for key in keyed[name].set(changes))
                continue
            for key, record in tables[name].items():
                if isinstance(record, dict) and record.get("id") in ids:
                    origin[(name, key)] = line
    return origin


def _key_number(key: str) -> int:
    return int(key) if key.isdigit() else 0


def _number(ident: object) -> int | None:
    """The number in a span or relation id (`s12` -> 12), as the file's keys have it."""
    if not isinstance(ident, str) or ident[:1] not in ("s", "r") or not ident[1:].isdigit():
        return None
    return int(ident[1:]) or None


class _Keyed:
    """A keyed table (spans, relations) with its index by id, kept across the entries of one replay."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.table = table
        self.where = {r.get("id"): k for k, r in table.items() if isinstance(r, dict)}
        self.spare = max((_key_number(k) for k in table), default=0)

    def set(self, changes: Mapping[str, dict[str, Any] | None]) -> list[str]:
        """Set or drop records by id; the keys set."""
        table, where = self.table, self.where
        keys = []
        for ident, record in changes.items():
            key = where.get(ident)
            if record is None:
                if key is not None:
                    del table[key]
                    del where[ident]
                continue
            if key is None:
                n = _number(ident)
                if n is None or str(n) in table:
                    n = max(self.spare, n or 0) + 1
                self.spare = max(self.spare, n)
                key = where[ident] = str(n)
            table[key] = record
            keys.append(key)
        return keys


def _numbered(table: Mapping[str, Any], changes: Mapping[str, dict[str, Any] | None], sort: bool) -> dict[str, Any]:
    rows = [r for _k, r in sorted(table.items(), key=lambda kv: _key_number(kv[0]))]
    at = {r.get("id"): i for i, r in enumerate(rows) if isinstance(r, dict)}
    added = False
    for ident, record in changes.items():
        i = at.get(ident)
        if i is not None:
            rows[i] = record
        elif record is not None:
            at[ident] = len(rows)
            rows.append(record)
            added = True
    rows = [r for r in rows if r is not None]
    if sort and added:
        rows.sort(key=_text_order)
    return {str(i): r for i, r in enumerate(rows, 1)}


def _text_order(record: Any) -> tuple:
    if not isinstance(record, dict):
        return (0, 0, "", "")
    start, end = record.get("start"), record.get("end")
    if type(start) is not int or type(end) is not int:
        return (0, 0, "", "")
    return (start, -end, str(record.get("label", "")), str(record.get("id", "")))


def encode(entry: Mapping[str, Any]) -> bytes:
    """One journal line."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


class Journal:
    """The journal of one document, for the process that holds its lock.

    `append` is called by the UI thread for every edit, `folded` by the saver's thread once the
    annotation file holds everything up to a `mark`; a lock keeps the two apart. Entries appended
    after the mark stay (rewritten atomically into a shorter journal); with none, the file is emptied.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        """The journal's own path."""
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._lines: list[bytes] = []
        """The lines in the file now, oldest first (what a fold has not emptied yet)."""
        self._count = 0
        """Entries ever in the file during this process (marks count them)."""

    @classmethod
    def open(cls, path: Path) -> Journal:
        """Take over the journal a process left (a kill): its entries stay until folded, a line cut
        short is cut off so that the next one starts on its own line."""
        journal = cls(path)
        try:
            raw = journal.path.read_bytes()
        except FileNotFoundError:
            return journal
        end = raw.rfind(b"\n") + 1
        if end < len(raw):
            with open(journal.path, "r+b") as handle:
                handle.truncate(end)
                handle.flush()
                os.fsync(handle.fileno())
        journal._lines = [line + b"\n" for line in raw[:end].splitlines() if line.strip()]
        journal._count = len(journal._lines)
        return journal

    @property
    def pending(self) -> bool:
        """Whether the journal holds entries the annotation file may not have."""
        return bool(self._lines)

    def mark(self) -> int:
        """Where the journal is now: pass it to `folded` once the file holds everything before it."""
        return self._count

    def append(self, entry: Mapping[str, Any]) -> None:
        """Write one entry and make it durable before returning (OSError if it could not be)."""
        line = encode(entry)
        with self._lock:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            view = memoryview(line)
            while view:
                view = view[os.write(self._fd, view):]
            os.fdatasync(self._fd)
            self._lines.append(line)
            self._count += 1

    def folded(self, mark: int) -> None:
        """The annotation file now holds every entry before `mark`: drop them from the journal."""
        with self._lock:
            keep = self._count - mark
            if keep >= len(self._lines):
                return
            tail = self._lines[len(self._lines) - keep :] if keep > 0 else []
            if tail:  # edits came in during the fold: a shorter journal, atomically
                self._close()
                write_atomic(self.path, b"".join(tail))
            elif self._fd is not None:
                os.ftruncate(self._fd, 0)
                os.fdatasync(self._fd)
            else:
                try:
                    with open(self.path, "r+b") as handle:
                        handle.truncate(0)
                        os.fsync(handle.fileno())
                except FileNotFoundError:
                    pass
            self._lines = tail

    def close(self) -> None:
        """Stop writing; an empty journal file is removed."""
        with self._lock:
            self._close()
            if not self._lines:
                try:
                    self.path.unlink()
                except FileNotFoundError:
                    pass

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
