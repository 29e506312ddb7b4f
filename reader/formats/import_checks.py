"""Placing one imported document's spans, links and suggestions on its normalised text.

Split from `importing` (which checks documents against the project and writes them) because this is
the part every format shares span by span: offsets converted from the file's unit and moved with the
text's normalisation, the file's span text checked against the text at those offsets, edges inside
a grapheme cluster refused (unless the file's own text confirms them), whitespace trimmed, repeats
merged, ids kept when they are ours (`s12`) and numbered otherwise. Suggestions (another tool's
predictions) go through the same checks and become ghosts (`g1`, `gr1`), as `reader suggest` writes them.

A notice names the file and line, or the file and the place in it (`task 3`) when the format has no
lines (a JSON list); never `file:None:`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reader.core.errors import UserError
from reader.core.model import Relation, Span, join_extents, trim_extent
from reader.core.schema import RelationType, Schema
from reader.core.text import Segmenter
from reader.formats.common import Utf16

if TYPE_CHECKING:  # importing imports this module
    from reader.formats.importing import Imported

_CRLF = re.compile("\r\n")


def offset_mapper(raw: str, offsets: str):
    """raw offset (code points or UTF-16 units of the raw text) -> code point of the normalised text."""
    removed = [m.start() + 1 for m in _CRLF.finditer(raw)] if "\r" in raw else []
    if raw.startswith("\ufeff"):
        removed.insert(0, 0)
    utf16 = Utf16(raw).to_codepoints if offsets == "utf16" else None

    def to_norm(o: int) -> int:
        if utf16 is not None:
            o = utf16(o)
        return o - bisect_left(removed, o) if removed else o

    return to_norm


def where(doc: Imported, line: int | None = None) -> str:
    """`file:line`, or `file: task 3` for a format without lines, or just the file."""
    line = line if line is not None else doc.line
    if line is not None:
        return f"{doc.path}:{line}"
    return f"{doc.path}: {doc.place}" if doc.place else str(doc.path)


def fail(doc: Imported, line: int | None, message: str) -> UserError:
    """The error for one item of `doc`: file and line, or the place in the file inside the message."""
    line = line if line is not None else doc.line
    place = f"{doc.place}: " if line is None and doc.place else ""
    return UserError(place + message, doc.path, line)


@dataclass
class Built:
    """One imported document's annotations on its normalised text (schema not checked yet)."""

    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    suggested_spans: list[Span] = field(default_factory=list)
    suggested_relations: list[Relation] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    """The file's span key -> our span id, for the spans imported (not the merged repeats)."""
    notices: list[str] = field(default_factory=list)


class _Placer:
    """Converts and checks the offsets of one document's spans (real or suggested)."""

    def __init__(self, doc: Imported, text: str) -> None:
        self.doc, self.text = doc, text
        self.to_norm = offset_mapper(doc.text, doc.offsets)
        self.raw_len = len(doc.text) if doc.offsets == "codepoints" else len(doc.text.encode("utf-16-le")) // 2
        self.utf16 = Utf16(doc.text) if doc.offsets == "utf16" else None
        if self.utf16 is not None:
            self.unit_hint = "; are they code points? (import without --offsets utf16)"
        elif any(ord(ch) > 0xFFFF for ch in doc.text):
            self.unit_hint = "; do they count UTF-16 units? (try --offsets utf16)"
        else:
            self.unit_hint = ""
        self.segmenter: Segmenter | None = None

    def place(self, s: dict[str, Any], notices: list[str], what: str = "span") -> tuple[int, int] | None:
        """The normalised, trimmed extent of `s`, or None (with a notice) when it is only whitespace."""
        doc, text = self.doc, self.text
        at, line = where(doc, s["line"]), s["line"]
        name = f"{what} {s['key']}"
        if not isinstance(s["start"], int) or not isinstance(s["end"], int) or not 0 <= s["start"] < s["end"] <= self.raw_len:
            raise fail(doc, line, f"{name}: offsets {s['start']}-{s['end']} outside the text (0-{self.raw_len})")
        if self.utf16 is not None:
            raw_start, raw_end = self.utf16.to_codepoints(s["start"]), self.utf16.to_codepoints(s["end"])
        else:
            raw_start, raw_end = s["start"], s["end"]
        given = s["text"]
        if given is not None and doc.text[raw_start:raw_end] != given:
            raise fail(doc, line, f"{name}: text {str(given)[:40]!r} is not the text at {s['start']}-{s['end']} "
                                  f"({doc.text[raw_start:raw_end][:40]!r})" + self.unit_hint)
        if self.utf16 is not None:
            for edge in (s["start"], s["end"]):
                if self.utf16.inside_pair(edge):
                    raise fail(doc, line, f"{name}: offset {edge} falls between the two UTF-16 units (surrogate pair) "
                                          f"of one character{self.unit_hint}")
        start, end = self.to_norm(s["start"]), self.to_norm(s["end"])
        t_start, t_end = trim_extent(text, start, end)
        if t_start >= t_end:
            notices.append(f"{at}: {name} is only whitespace; not imported")
            return None
        if (t_start, t_end) != (start, end):
            notices.append(f"{at}: {name} trimmed of whitespace at its edges")
        if not text.isascii():
            self.segmenter = self.segmenter or Segmenter(text)
            inside = [o for o in (t_start, t_end) if not self.segmenter.is_boundary(o)]
            if inside:
                o = inside[0]
                cluster = text[self.segmenter.floor(o):self.segmenter.ceil(o + 1)]
                if given is None:
                    hint = self.unit_hint.replace("; are they", "; are the offsets").replace("; do they", "; do the offsets")
                    raise fail(doc, line, f"{name}: an edge at {o} falls inside the grapheme cluster {cluster!r}"
                                          + (hint or " (a span may not cut a character from its accents or modifiers)"))
                notices.append(f"{at}: {name} has an edge inside the grapheme cluster {cluster!r}; "
                               "imported as given (its text matches)")
        return t_start, t_end

    def place_pieces(self, s: dict[str, Any], notices: list[str], what: str = "span") -> tuple[tuple[int, int], ...]:
        """The normalised extents of `s`: one, or, for a span in fragments, each fragment placed as a
        span is (a fragment of whitespace only left out with a notice), then joined (`join_extents`:
        fragments that touch or stand apart by whitespace only are one piece). Empty when nothing is left."""
        frags = s.get("fragments")
        if not frags:
            extent = self.place(s, notices, what)
            return () if extent is None else (extent,)
        if s["text"] is not None:
            self.place(s, [], what)  # the file's text from the first fragment to the last, checked
        placed = []
        for k, (start, end) in enumerate(frags, 1):
            extent = self.place({**s, "start": start, "end": end, "text": None, "key": f"{s['key']} fragment {k}"},
                                notices, what)
            if extent is not None:
                placed.append(extent)
        return join_extents(self.text, placed)


def _next_id(prefix: str, counter: list[int], taken: set[str], used: set[str]) -> str:
    while True:
        counter[0] += 1
        ident = f"{prefix}{counter[0]}"
        if ident not in taken and ident not in used:
            return ident


def _spans(placer: _Placer, items: list[dict[str, Any]], label_map: dict[str, str], prefix: str, own: bool,
           notices: list[str], what: str, skip: dict[tuple[int, int, str], str] | None = None
           ) -> tuple[list[Span], dict[str, str]]:
    """Spans with ids `prefix`N; `own`: keep a key that is already one of ours. `skip`: extents
    already taken by real spans (a suggestion there is the real span)."""
    text = placer.text
    keys: dict[str, str] = {}
    out: list[Span] = []
    taken = {s["key"] for s in items}
    used: set[str] = set()
    seen: dict[tuple, str] = {}
    counter = [0]
    for s in items:
        pieces = placer.place_pieces(s, notices, what)
        if not pieces:
            continue
        (t_start, _), (_, t_end) = pieces[0], pieces[-1]
        frags = pieces if len(pieces) > 1 else ()
        label = label_map.get(s["label"], s["label"])
        if skip is not None and (t_start, t_end, label) in skip and not frags:
            keys[s["key"]] = skip[(t_start, t_end, label)]
            continue
        same = (t_start, t_end, label, tuple(sorted(s["attrs"].items())), s["note"], frags)  # merged only when it repeats a span
        if same in seen:  # entirely: two brat events on one trigger differ in their notes
            keys[s["key"]] = seen[same]
            notices.append(f"{where(placer.doc, s['line'])}: {what} {s['key']} repeats {label} at {t_start}-{t_end}; merged")
            continue
        sid = s["key"] if own and re.fullmatch(rf"{prefix}[1-9]\d*", s["key"]) and s["key"] not in used else None
        if sid is None:
            sid = _next_id(prefix, counter, taken, used)
        used.add(sid)
        keys[s["key"]] = sid
        seen[same] = sid
        out.append(Span(sid, t_start, t_end, label, text[t_start:t_end], s["attrs"], s["note"], fragments=frags))
    return out, keys


def _relations(doc: Imported, items: list[dict[str, Any]], keys: dict[str, str], known: set[str],
               label_map: dict[str, str], prefix: str, own: bool, notices: list[str]) -> list[Relation]:
    """Relations between the spans `keys` maps; a link to a span dropped with a notice goes with a notice."""
    out: list[Relation] = []
    taken = {r["key"] for r in items if r["key"]}
    used: set[str] = set()
    pairs: set[tuple[str, str, str]] = set()
    counter = [0]
    for r in items:
        head, tail = keys.get(r["head"]), keys.get(r["tail"])
        if head is None or tail is None:
            missing = r["head"] if head is None else r["tail"]
            if missing in known:  # the span was dropped, with a notice
                notices.append(f"{where(doc, r['line'])}: link {r['key'] or ''} to span {missing} not imported")
                continue
            raise fail(doc, r["line"], f"relation {r['key'] or ''}: no span {missing!r}")
        label = label_map.get(r["label"], r["label"])
        if (head, tail, label) in pairs or head == tail:
            continue
        pairs.add((head, tail, label))
        rid = r["key"] if own and r["key"] and re.fullmatch(rf"{prefix}[1-9]\d*", r["key"]) and r["key"] not in used else None
        if rid is None:
            rid = _next_id(prefix, counter, taken, used)
        used.add(rid)
        out.append(Relation(rid, head, tail, label))
    return out


def build(doc: Imported, text: str, label_map: dict[str, str]) -> Built:
    """The spans, relations and suggestions of one imported document on its normalised text."""
    placer = _Placer(doc, text)
    out = Built()
    out.spans, out.ids = _spans(placer, doc.spans, label_map, "s", True, out.notices, "span")
    known = {s["key"] for s in doc.spans}
    out.relations = _relations(doc, doc.relations, out.ids, known, label_map, "r", True, out.notices)
    if doc.suggested_spans or doc.suggested_relations:
        real = {(s.start, s.end, s.label): s.id for s in out.spans}
        out.suggested_spans, ghost_keys = _spans(placer, doc.suggested_spans, label_map, "g", False, out.notices,
                                                 "suggestion", skip=real)
        ends = {**out.ids, **ghost_keys}
        known |= {s["key"] for s in doc.suggested_spans}
        out.suggested_relations = _relations(doc, doc.suggested_relations, ends, known, label_map, "gr", False,
                                             out.notices)
    return out


def extend_schema(schema: Schema, built: list[Built]) -> tuple[Schema, list[str]]:
    """The schema with every label, relation type and attribute value the imported annotations use
    (suggestions included: a ghost whose label the schema lacks could never be accepted)."""
    notices: list[str] = []
    new_labels: list[str] = []
    for b in built:
        for span in b.spans + b.suggested_spans:
            if schema.label(span.label) is None and span.label not in new_labels:
                new_labels.append(span.label)
    if new_labels:
        schema = schema.with_labels(new_labels)
        notices.append("labels added to annotations/labels.yaml: " + ", ".join(new_labels))
    relations = {r.name: (list(r.heads), list(r.tails)) for r in schema.relations}
    attributes = {label: {k: list(v) for k, v in attrs.items()} for label, attrs in schema.attributes.items()}
    changed = False
    for b in built:
        for spans, rels in ((b.spans, b.relations), (b.spans + b.suggested_spans, b.suggested_relations)):
            by_id = {s.id: s for s in spans}
            for rel in rels:
                heads, tails = relations.setdefault(rel.label, ([], []))
                head, tail = by_id[rel.head].label, by_id[rel.tail].label
                if head not in heads or tail not in tails:
                    if head not in heads:
                        heads.append(head)
                    if tail not in tails:
                        tails.append(tail)
                    changed = True
                    notices.append(f"relation type {rel.label} now allowed from {head} to {tail} in labels.yaml")
        for span in b.spans + b.suggested_spans:
            for key, value in span.attrs.items():
                values = attributes.setdefault(span.label, {}).setdefault(key, [])
                if value not in values:
                    values.append(value)
                    changed = True
                    notices.append(f"attribute value {key}={value} added to {span.label} in labels.yaml")
    if changed:
        schema = Schema(
            schema.labels,
            tuple(RelationType(name, tuple(h), tuple(t)) for name, (h, t) in relations.items()),
            {label: {k: tuple(v) for k, v in attrs.items()} for label, attrs in attributes.items()},
            schema.version,
        )
    return schema, notices
