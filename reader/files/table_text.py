"""The bytes of an annotation file, put together from the text of its records kept between writes.

An annotation file is TinyDB's layout written by `readable_json.dumps`: sorted keys, two-space
indentation, each table's records keyed by number. Written whole on every save, that cost a book with
20,000 spans 435-611 ms of encoding, most of it holding the GIL the UI needs. Here each record's text
(UTF-8, indented as it sits in the file) is kept with the value it was made from; spans and relations
are immutable, so the same object makes the same text, and a save encodes only the records whose
value is another object, puts the changed ones in place in the table's sorted order, and joins the
rest as they were. A table nobody changed is not even joined again. The bytes are exactly those of
`dumps` over the same tables (a test compares them).

What goes in a record is `annotation_file`'s business (it passes the values and how to make each
record); this module knows only the layout: the keys, their order, the indentation.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from reader.files.readable_json import dumps

INDENT = "\n    "
"""What a record's lines start with inside a table (two levels in)."""

Group = tuple[Iterable[Any], Callable[[Any], str] | None, Callable[[Any], Mapping[str, Any]]]
"""Values of one kind for a keyed table: the values, the id of one (None: its `id`), the record of one."""


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """A record as `dumps` writes it inside a table: the same bytes, made alone."""
    return dumps(record)[:-1].replace("\n", INDENT).encode("utf-8")


def number(ident: str) -> int | None:
    """The key a record's id asks for: the number in `s12` or `r3`; None for any other id."""
    digits = ident[1:]
    return int(digits) if ident[:1] in ("s", "r") and digits.isdigit() and int(digits) > 0 else None


def keyed(idents: Sequence[str]) -> list[str]:
    """The keys of records with these ids, in order: the number in the id, so that a record keeps its
    key from save to save; one without a number (or whose number is taken) gets the next after the
    highest."""
    numbers = [number(ident) for ident in idents]
    spare = max((n for n in numbers if n is not None), default=0)
    seen: set[int] = set()
    out = []
    for n in numbers:
        if n is None or n in seen:
            spare += 1
            n = spare
        seen.add(n)
        out.append(str(n))
    return out


_OPEN, _BETWEEN, _CLOSE = b"{" + INDENT.encode(), b"," + INDENT.encode(), b"\n  }"


def table_bytes(pieces: Sequence[bytes]) -> bytes:
    """A table of `"key": record` pieces already in the order of their keys."""
    if not pieces:
        return b"{}"
    return b"".join((_OPEN, _BETWEEN.join(pieces), _CLOSE))


def file_bytes(tables: Mapping[str, bytes]) -> bytes:
    """The whole file from its tables' text (joined once: a book's file is megabytes)."""
    parts = [b"{\n  "]
    for name in sorted(tables):
        parts += [b'"', name.encode(), b'": ', tables[name], b",\n  "]
    parts[-1] = b"\n}\n"
    return b"".join(parts)


def _piece(key: str, body: bytes) -> bytes:
    return b'"' + key.encode() + b'": ' + body


class KeyedTable:
    """A table whose keys come from its records' ids (spans, relations), kept between writes."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[Any, str, bytes]] = {}
        """id -> (the value, its key, its record's text)."""
        self.order: list[str] = []
        """The keys in the file's order (as strings)."""
        self.pieces: list[bytes] = []
        """`"key": record` for each key of `order`."""
        self.text: bytes | None = None
        self.simple = True
        """Every key is the number in its id: changes go in place. Otherwise the table is rebuilt."""

    def update(self, groups: Sequence[Group]) -> bytes:
        """The table's text for these values (their order decides keys only for ids without a number)."""
        rows = self.rows
        changed: list[tuple[str, Any, Callable[[Any], Mapping[str, Any]]]] = []
        count = added = 0
        for values, id_of, make in groups:
            for value in values:
                count += 1
                ident = value.id if id_of is None else id_of(value)
                row = rows.get(ident)
                if row is None:
                    added += 1
                elif row[0] is value:
                    continue
                changed.append((ident, value, make))
        if not changed and count == len(rows) and self.text is not None:
            return self.text
        many = len(changed) * 8 > len(rows)  # the first write, a big change: sorting once is cheaper
        if many or not self.simple or not self._in_place(groups, changed, count - added != len(rows)):
            self._rebuild(groups)
        self.text = table_bytes(self.pieces)
        return self.text

    def _in_place(self, groups: Sequence[Group], changed: list, removals: bool) -> bool:
        """Put `changed` in place (and drop what is gone); False, untouched, when a key clashes."""
        rows, order = self.rows, self.order
        gone: list[str] = []
        if removals:
            present = [_ident(v, id_of) for values, id_of, _make in groups for v in values]
            if len(set(present)) != len(present):  # an id twice: only `keyed` knows what to do
                return False
            kept = set(present)
            gone = [ident for ident in rows if ident not in kept]
        fresh: dict[str, str] = {}
        asked: set[str] = set()
        for ident, _value, _make in changed:
            if ident in rows:
                continue
            n = number(ident)
            key = None if n is None else str(n)
            i = -1 if key is None else bisect.bisect_left(order, key)
            taken = i >= 0 and i < len(order) and order[i] == key and rows_key_owner(rows, key) not in gone
            if key is None or taken or key in asked:
                return False
            fresh[ident] = key
            asked.add(key)
        for ident in gone:
            key = rows.pop(ident)[1]
            i = bisect.bisect_left(order, key)
            del order[i], self.pieces[i]
        for ident, value, make in changed:
            body = record_bytes(make(value))
            key = fresh.get(ident) or rows[ident][1]
            i = bisect.bisect_left(order, key)
            if ident in fresh:
                order.insert(i, key)
                self.pieces.insert(i, _piece(key, body))
            else:
                self.pieces[i] = _piece(key, body)
            rows[ident] = (value, key, body)
        return True

    def _rebuild(self, groups: Sequence[Group]) -> None:
        """Every key again (`keyed`), reusing the text of records whose value is the same object."""
        old = self.rows
        items = [(_ident(v, id_of), v, make) for values, id_of, make in groups for v in values]
        keys = keyed([ident for ident, _v, _m in items])
        rows: dict[str, tuple[Any, str, bytes]] = {}
        pieces = []
        for (ident, value, make), key in zip(items, keys):
            row = old.get(ident)
            body = row[2] if row is not None and row[0] is value else record_bytes(make(value))
            rows[ident] = (value, key, body)
            pieces.append((key, _piece(key, body)))
        pieces.sort()
        self.rows, self.order, self.pieces = rows, [k for k, _p in pieces], [p for _k, p in pieces]
        self.simple = len(rows) == len(items) and all(number(i) is not None and str(number(i)) == k
                                                      for i, (_v, k, _b) in rows.items())


def _ident(value: Any, id_of: Callable[[Any], str] | None) -> str:
    return value.id if id_of is None else id_of(value)


def rows_key_owner(rows: Mapping[str, tuple[Any, str, bytes]], key: str) -> str | None:
    """The id whose record has `key` (only looked for when a new id asks for a key in use)."""
    return next((ident for ident, row in rows.items() if row[1] == key), None)


class ListTable:
    """A table numbered 1..n in list order (the suggestions), kept between writes."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.bodies: dict[str, tuple[Any, bytes]] = {}
        self.text: bytes | None = None

    def update(self, values: Sequence[Any], make: Callable[[Any], Mapping[str, Any]]) -> bytes:
        if self.text is not None and list(values) == self.values:
            return self.text
        bodies = {}
        texts = []
        for value in values:
            hit = self.bodies.get(value.id)
            if hit is None or hit[0] is not value:
                hit = (value, record_bytes(make(value)))
            bodies[value.id] = hit
            texts.append(hit[1])
        keys = sorted(range(1, len(values) + 1), key=str)
        self.text = table_bytes([_piece(str(k), texts[k - 1]) for k in keys])
        self.values, self.bodies = list(values), bodies
        return self.text


class TableCache:
    """Every table of one file between its writes; `text` is the document text the records were made
    against (their context comes from it). One write at a time (`lock`)."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.keyed: dict[str, KeyedTable] = {}
        self.lists: dict[str, ListTable] = {}
        self.lock = threading.Lock()

    def against(self, text: str) -> None:
        """Forget everything if the records are to be made against another text."""
        if self.text is not text:
            self.keyed.clear()
            self.lists.clear()
            self.text = text

    def keyed_table(self, name: str, groups: Sequence[Group]) -> bytes:
        return self.keyed.setdefault(name, KeyedTable()).update(groups)

    def list_table(self, name: str, values: Sequence[Any], make: Callable[[Any], Mapping[str, Any]]) -> bytes:
        return self.lists.setdefault(name, ListTable()).update(values, make)
