"""brat standoff: `<doc>.txt` + `<doc>.ann` (T, R, A, `#` notes) and `annotation.conf`.

Export: brat reads `.txt` with newline translation, so the text is written with `\\n` (as loaded) and
offsets are code points. brat has no newline inside a span line: a span across a line break is
written as fragments (`T1<TAB>quote 10 42;43 60`), one a line, whitespace-only lines left out; the
import joins fragments separated only by whitespace back into one span. A span in fragments (a quote
split by its attribution) is brat's own discontinuous span: its fragments are written `s e;s e`
(each also cut at its line breaks) and read back as the fragments of one span. Span `sN` is written
`TN` and relation `rN` is `RN`, so ids survive the round trip. Notes become `#N<TAB>AnnotatorNotes TN`
(a line break or tab in a note becomes a space: brat notes are one line).

Binary attributes (every value of the key is `true`, as the import reads brat's `A1<TAB>Negated T1`)
are written back in brat's binary form. `annotation.conf` declares `<OVERLAP> Arg1:<ENTITY>,
Arg2:<ENTITY>, <OVL-TYPE>:<ANY>`: spans here may nest, cross and coincide, and without the
declaration brat's verifier (`verify_annotations.py`) rejects every overlap.

Import: besides T, R, A/M and notes, a truly discontinuous span (text between its fragments)
becomes one span in fragments (`Span.fragments`; fragments apart by whitespace only are one piece),
and events (`E1<TAB>Type:T3 Role:T4`) become their trigger span linked to each
argument with the role as the relation type (`Theme2` is a `Theme`); equivalences (`*`) become
`Equiv` links. Each is reported with a notice that counts the links actually made; normalisations
(`N`) are skipped with a notice.

Events that share a trigger (BioNLP data does this all the time: `E1 Binding:T5 Theme:T2`, `E2
Binding:T5 Theme:T3`) are not folded into one span: each event gets a span of its own on the
trigger's text, noted `brat event E2 (trigger T5, shared with E1)`, so two events with the same
argument and role stay two links and a modifier (`A1 Negation E2`) marks only its own event. This
is how INCEpTION imports brat events too (one stacked span per event). Within one event, an
argument given twice under one role, or an event that takes its own trigger as an argument, is one
or no link: the notice says so.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from reader.core.errors import UserError
from reader.formats.common import Output, Record
from reader.formats.importing import Imported


def _ids(items: list[dict[str, Any]], prefix: str, our: str) -> dict[str, str]:
    """Our ids (s12) -> brat ids (T12) when they are all canonical, else numbered in order."""
    names = [i["id"] for i in items]
    if all(re.fullmatch(our + r"[1-9]\d*", n) for n in names) and len(set(names)) == len(names):
        return {n: prefix + n[1:] for n in names}
    return {n: f"{prefix}{k}" for k, n in enumerate(names, 1)}


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at line breaks, each piece trimmed, whitespace-only pieces left out."""
    out = []
    pos = start
    for piece in text[start:end].split("\n"):
        s, e = pos, pos + len(piece)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"
"""brat's declaration that any span may nest in, cross or coincide with any other (configuration.html)."""


def ann_text(record: Record, binary: frozenset[str] = frozenset()) -> str:
    """The `.ann` of one record; attributes named in `binary` are written in brat's binary form."""
    text = record["text"]
    tids = _ids(record["spans"], "T", "s")
    rids = _ids(record["relations"], "R", "r")
    lines: list[str] = []
    attrs: list[tuple[str, str, str]] = []
    notes: list[tuple[str, str]] = []
    for span in record["spans"]:
        tid = tids[span["id"]]
        frags = [f for s, e in span.get("fragments") or [(span["start"], span["end"])] for f in fragments(text, s, e)]
        where = ";".join(f"{s} {e}" for s, e in frags)
        mention = " ".join(text[s:e] for s, e in frags)
        lines.append(f"{tid}\t{span['label']} {where}\t{mention}")
        for key, value in sorted(span["attrs"].items()):
            attrs.append((key, tid, value))
        if span["note"]:
            notes.append((tid, re.sub(r"[\r\n\t]", " ", span["note"])))
    for rel in record["relations"]:
        lines.append(f"{rids[rel['id']]}\t{rel['label']} Arg1:{tids[rel['head']]} Arg2:{tids[rel['tail']]}")
    for n, (key, tid, value) in enumerate(attrs, 1):
        lines.append(f"A{n}\t{key} {tid}" if key in binary else f"A{n}\t{key} {tid} {value}")
    for n, (tid, note) in enumerate(notes, 1):
        lines.append(f"#{n}\tAnnotatorNotes {tid}\t{note}")
    return "".join(line + "\n" for line in lines)


def attribute_values(schema: Any, records: list[Record]) -> dict[str, tuple[list[str], list[str]]]:
    """attribute key -> (labels that take it, its values), from the schema and the data."""
    attributes: dict[str, tuple[list[str], list[str]]] = {}
    if schema is not None:
        for label, attrs in schema.attributes.items():
            for key, values in attrs.items():
                owners, vals = attributes.setdefault(key, ([], []))
                owners.append(label)
                vals.extend(v for v in values if v not in vals)
    for r in records:
        for s in r["spans"]:
            for key, value in s["attrs"].items():
                owners, vals = attributes.setdefault(key, ([], []))
                if s["label"] not in owners:
                    owners.append(s["label"])
                if value not in vals:
                    vals.append(value)
    return attributes


def binary_keys(attributes: dict[str, tuple[list[str], list[str]]]) -> frozenset[str]:
    """Keys whose only value is `true`: brat's binary attributes (`A1<TAB>Negated T1`, which the import reads as true)."""
    return frozenset(key for key, (_owners, vals) in attributes.items() if vals == ["true"])


def annotation_conf(schema: Any, records: list[Record]) -> str:
    labels = list(schema.label_names) if schema is not None else []
    labels += sorted({s["label"] for r in records for s in r["spans"]} - set(labels))
    relations: dict[str, tuple[list[str], list[str]]] = {}
    if schema is not None:
        for rt in schema.relations:
            relations[rt.name] = (list(rt.heads), list(rt.tails))
    by_id = {}
    for r in records:
        by_id = {s["id"]: s["label"] for s in r["spans"]}
        for rel in r["relations"]:
            heads, tails = relations.setdefault(rel["label"], ([], []))
            if by_id[rel["head"]] not in heads:
                heads.append(by_id[rel["head"]])
            if by_id[rel["tail"]] not in tails:
                tails.append(by_id[rel["tail"]])
    attributes = attribute_values(schema, records)
    binary = binary_keys(attributes)
    out = ["[entities]", *labels, "", "[relations]", OVERLAP]
    for name, (heads, tails) in relations.items():
        out.append(f"{name}\tArg1:{'|'.join(heads)}, Arg2:{'|'.join(tails)}")
    out += ["", "[events]", "", "[attributes]"]
    for key, (owners, vals) in attributes.items():
        if key in binary:
            out.append(f"{key}\tArg:{'|'.join(owners)}")
        else:
            out.append(f"{key}\tArg:{'|'.join(owners)}, Value:{'|'.join(vals)}")
    return "\n".join(out) + "\n"


def export(out: Output, splits: dict[str, list[Record]], schema: Any = None, **_: Any) -> None:
    all_records = [r for recs in splits.values() for r in recs]
    out.write_text("annotation.conf", annotation_conf(schema, all_records))
    binary = binary_keys(attribute_values(schema, all_records))
    for name, records in splits.items():
        folder = "" if name == "data" else f"{name}/"
        for record in records:
            out.write_text(f"{folder}{record['id']}.txt", record["text"])
            out.write_text(f"{folder}{record['id']}.ann", ann_text(record, binary))
    out.notes.append("brat standoff: `<doc>.txt` (line breaks `\\n`) and `<doc>.ann`; offsets in code points; "
                     "a span across a line break, and a span in fragments, is written as fragments `s e;s e`; "
                     "`annotation.conf` at the root"
                     + (", one folder a split." if "data" not in splits else "."))


# --------------------------------------------------------------------------- import

_T = re.compile(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)")
_R = re.compile(r"(R\d+)\t(\S+) (\w+):(T\d+|E\d+) (\w+):(T\d+|E\d+)\s*")
_A = re.compile(r"([AM]\d+)\t(\S+) (T\d+|E\d+|R\d+)(?: (\S+))?\s*")
_E = re.compile(r"(E\d+)\t(\S+?):(T\d+)((?: \S+:[TE]\d+)*)\s*")
_NOTE = re.compile(r"(#\d*)\t\S+ (T\d+|R\d+|E\d+)\t(.*)")
_EQ = re.compile(r"\*\t(\S+)((?: T\d+)+)\s*")


def _key(tid: str) -> str:
    return "s" + tid[1:] if tid[1:].isdigit() and int(tid[1:]) > 0 else tid


def read_ann(ann: Path, txt: Path, doc_id: str) -> Imported:
    try:
        with open(txt, encoding="utf-8") as handle:  # newline translation, as brat itself reads it
            text = handle.read()
    except FileNotFoundError:
        raise UserError("no .txt beside this .ann", ann) from None
    except UnicodeDecodeError:
        raise UserError("not UTF-8", txt) from None
    doc = Imported(doc_id, text, {}, ann)
    try:
        lines = ann.read_text("utf-8").split("\n")
    except UnicodeDecodeError:
        raise UserError("not UTF-8", ann) from None
    rels, attrs, notes, events, equivs = [], [], [], [], []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        kind = line[0]
        if kind == "T":
            m = _T.fullmatch(line)
            if not m:
                raise UserError("not a brat text-bound annotation (T1<TAB>label start end<TAB>text)", ann, number)
            tid, label, where, mention = m.groups()
            frags = [tuple(map(int, part.split())) for part in where.split(";")]
            for s, e in frags:
                if not 0 <= s < e <= len(text):
                    raise UserError(f"{tid}: offsets {s}-{e} outside the text (0-{len(text)})", ann, number)
            frags.sort()
            given = mention or None  # brat writes the mention; a tool that leaves it out is not checked
            if given is not None and len(frags) > 1:
                joined = " ".join(text[s:e] for s, e in frags)  # brat joins fragments with a space
                if joined != given:
                    raise UserError(f"{tid}: text {given[:40]!r} is not the text of its fragments "
                                    f"({joined[:40]!r})", ann, number)
                given = None  # checked here; the span's own text has the line break (or the gap)
            pieces = [] if all(not text[a_e:b_s].strip() for (_a, a_e), (b_s, _b) in pairwise(frags)) else frags
            doc.add_span(frags[0][0], frags[-1][1], label, _key(tid), text=given, line=number, fragments=pieces)
        elif kind == "R":
            m = _R.fullmatch(line)
            if not m:
                raise UserError("not a brat relation (R1<TAB>type Arg1:T1 Arg2:T2)", ann, number)
            rels.append((m.group(1), m.group(2), m.group(4), m.group(6), number))
        elif kind in "AM":
            m = _A.fullmatch(line)
            if not m:
                raise UserError("not a brat attribute (A1<TAB>name T1 [value])", ann, number)
            attrs.append((m.group(2), m.group(3), m.group(4) or "true", number))
        elif kind == "E":
            m = _E.fullmatch(line)
            if not m:
                raise UserError("not a brat event (E1<TAB>Type:T1 Role:T2 ...)", ann, number)
            args = [a.split(":", 1) for a in m.group(4).split()]
            events.append((m.group(1), m.group(2), m.group(3), args, number))
        elif kind == "#":
            m = _NOTE.fullmatch(line)
            if not m:
                raise UserError("not a brat note (#1<TAB>AnnotatorNotes T1<TAB>text)", ann, number)
            notes.append((m.group(2), m.group(3), number))
        elif kind == "*":
            m = _EQ.fullmatch(line)
            if not m:
                raise UserError("not a brat equivalence (*<TAB>Equiv T1 T2 ...)", ann, number)
            equivs.append((m.group(1), m.group(2).split(), number))
        elif kind == "N":
            doc.notices.append(f"{ann}:{number}: normalisation {line.split(chr(9))[0]} skipped (no place for it)")
        else:
            raise UserError(f"unknown brat annotation line {line.split(chr(9))[0]!r}", ann, number)
    spans = {s["key"]: s for s in doc.spans}
    event_span = _event_spans(doc, ann, events, spans)

    def span_of(ref: str, number: int) -> str:
        key = event_span.get(ref) or _key(ref)
        if key not in spans:
            raise UserError(f"{ref} is not a text-bound annotation in this file", ann, number)
        return key

    made: set[tuple[str, str, str]] = set()

    def link(head: str, tail: str, label: str, key: str | None, number: int) -> str | None:
        """Add one link; None if it was made, else why not (the caller's notice says so)."""
        if head == tail:
            return "links a span to itself"
        if (head, tail, label) in made:
            return "repeats a link already made"
        made.add((head, tail, label))
        doc.add_relation(head, tail, label, key, number)
        return None

    for name, ref, value, number in attrs:
        if ref.startswith("R"):
            doc.notices.append(f"{ann}:{number}: attribute {name} on relation {ref} skipped")
            continue
        spans[span_of(ref, number)]["attrs"][name] = value
    for ref, note, number in notes:
        if ref.startswith("R"):
            doc.notices.append(f"{ann}:{number}: note on relation {ref} skipped")
            continue
        span = spans[span_of(ref, number)]
        span["note"] = "\n".join(x for x in (span["note"], note) if x)
    for rid, label, a, b, number in rels:
        why = link(span_of(a, number), span_of(b, number), label, "r" + rid[1:] if rid[1:].isdigit() else None, number)
        if why:
            doc.notices.append(f"{ann}:{number}: relation {rid} {why}; not imported")
    for eid, etype, trigger, args, number in events:
        made_here, lost = 0, []
        for role, ref in args:
            why = link(event_span[eid], span_of(ref, number), role.rstrip("0123456789") or role, None, number)
            if why:
                lost.append(f"{role}:{ref} {why}")
            else:
                made_here += 1
        shared = [e for e, _t, trig, _a, _n in events if trig == trigger and e != eid]
        what = f"a span of its own on trigger {trigger} (shared with {', '.join(shared)})" if shared else "its trigger span"
        doc.notices.append(f"{ann}:{number}: event {eid} ({etype}) imported as {what} and {made_here} "
                           f"link{'' if made_here == 1 else 's'}" + (f"; not imported: {'; '.join(lost)}" if lost else ""))
    for label, members, number in equivs:
        made_here = sum(link(span_of(a, number), span_of(b, number), label, None, number) is None
                        for a, b in pairwise(members))
        doc.notices.append(f"{ann}:{number}: {label} of {len(members)} spans imported as {made_here} "
                           f"link{'' if made_here == 1 else 's'}")
    return doc


def _event_spans(doc: Imported, ann: Path, events: list, spans: dict[str, dict[str, Any]]) -> dict[str, str]:
    """brat event id -> the key of its span: the trigger's own span, or, when several events share
    the trigger, one span each on the trigger's text (each noted, so that none merges with another)."""
    on: dict[str, list[str]] = {}
    for eid, _etype, trigger, _args, number in events:
        if _key(trigger) not in spans:
            raise UserError(f"event {eid}: trigger {trigger} is not a text-bound annotation in this file", ann, number)
        on.setdefault(trigger, []).append(eid)
    out: dict[str, str] = {}
    for eid, _etype, trigger, _args, number in events:
        sharing = on[trigger]
        if len(sharing) == 1:
            out[eid] = _key(trigger)
            continue
        note = f"brat event {eid} (trigger {trigger}, shared with {', '.join(e for e in sharing if e != eid)})"
        if eid == sharing[0]:  # the first event keeps the trigger's own span
            span = spans[_key(trigger)]
            span["note"] = "\n".join(x for x in (span["note"], note) if x)
            out[eid] = _key(trigger)
        else:
            t = spans[_key(trigger)]
            key = doc.add_span(t["start"], t["end"], t["label"], eid, text=t["text"], note=note, line=number)
            spans[key] = doc.spans[-1]
            out[eid] = key
    return out


def read(path: Path, offsets: str = "codepoints") -> list[Imported]:
    if offsets != "codepoints":
        raise UserError("brat counts code points; --offsets utf16 does not apply", path)
    anns = sorted(path.rglob("*.ann")) if path.is_dir() else [path if path.suffix == ".ann" else path.with_suffix(".ann")]
    out = []
    for ann in anns:
        if not ann.exists():
            raise UserError("no .ann file", ann)
        out.append(read_ann(ann, ann.with_suffix(".txt"), ann.stem))
    return out
