"""doccano JSONL, in the layouts its versions export and import.

Export: the relation project layout by default (links are the point of this corpus: `{"id", "text",
"entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [{"id", "from_id", "type",
"to_id"}]}`), or with `--doccano-layout seq` sequence labelling (`{"id", "text", "label": [[start,
end, label], ...]}`; it has no place for links: each one is listed as not written). doccano has no
field for a span's attributes or note: they go into the line's `meta` (`span_attributes`,
`span_notes`, keyed by the entity id, which in the seq layout is the 1-based position in `label`),
with the document's own meta. doccano keeps every key it does not know as the example's meta and
writes it back in its exports, and import here reads them back onto the spans.

Import reads every layout doccano has written:

- sequence labelling `"label"` (or `"labels"`, doccano 1.0-1.2) as `[start, end, label]` lists;
- the relation layout `"entities"` as dicts, and the intent-detection layout `"entities": [[0, 26,
  "City"]]` (lists) with its `"cats"`;
- doccano 1.0's `"annotations": [{"label" | "label_name", "start_offset", "end_offset", "user"}]`;
  a label that is a number is a doccano label id (a notice says so: name them with --label-map),
  and a document annotated by several users gives one annotator per user (`user1`, or the name);
- document-level labels (`cats`, a classification `label` list of strings, annotations without
  offsets) and `meta`, comments and every key not understood go into the document's meta; a key
  that is not understood and holds more than a plain value is named in a notice. An annotation
  whose keys are not understood is an error naming the file and line, never an import of nothing.

doccano's front end counts UTF-16 code units: export with `--offsets utf16` for it (an emoji with a
skin tone is 4 units, 2 code points), and import its files with `--offsets utf16` too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.core.errors import UserError
from reader.files.corpus import jsonl_records
from reader.formats.common import (
    Output,
    Record,
    dumps,
    offset_converter,
    one_span_a_fragment,
)
from reader.formats.importing import Imported

SPAN_KEYS = ("label", "labels", "entities", "annotations", "relations")
BOOKKEEPING = ("id", "text", "cats", "meta", "comments", "Comments", "annotation_approver")
META_OUT = ("file", "normalised")
"""Document meta the corpus adds (the seed's file name, how its line ends were normalised): not exported."""


def _meta_out(record: Record, attrs: dict[str, Any], notes: dict[str, str]) -> dict[str, Any]:
    meta = {k: v for k, v in record["meta"].items() if k not in META_OUT}
    if attrs:
        meta["span_attributes"] = attrs
    if notes:
        meta["span_notes"] = notes
    return meta


def export(out: Output, splits: dict[str, list[Record]], offsets: str = "codepoints", layout: str = "relation", **_: Any) -> None:
    convert = offset_converter(offsets)
    for name, records in splits.items():
        with out.open(f"{name}.jsonl") as handle:
            for record in records:
                record = one_span_a_fragment(record)  # doccano has no discontinuous spans
                to = convert(record["text"])
                number = {s["id"]: n for n, s in enumerate(record["spans"], 1)}
                line: dict[str, Any] = {"id": record["id"], "text": record["text"]}
                if layout == "seq":
                    line["label"] = [[to(s["start"]), to(s["end"]), s["label"]] for s in record["spans"]]
                    for r in record["relations"]:
                        head = next(s for s in record["spans"] if s["id"] == r["head"])
                        out.drop(record["id"], r["id"], r["label"], head["start"], head["end"],
                                 f"relation: the seq layout has no links (to {r['tail']}; use --doccano-layout relation)")
                else:
                    line["entities"] = [
                        {"id": number[s["id"]], "label": s["label"], "start_offset": to(s["start"]), "end_offset": to(s["end"])}
                        for s in record["spans"]
                    ]
                    line["relations"] = [
                        {"id": n, "from_id": number[r["head"]], "to_id": number[r["tail"]], "type": r["label"]}
                        for n, r in enumerate(record["relations"], 1)
                    ]
                attrs = {str(number[s["id"]]): dict(s["attrs"]) for s in record["spans"] if s["attrs"]}
                notes = {str(number[s["id"]]): s["note"] for s in record["spans"] if s["note"]}
                meta = _meta_out(record, attrs, notes)
                if meta:
                    line["meta"] = meta
                handle.write(dumps(line) + "\n")
    unit = "UTF-16 code units (as doccano's front end counts)" if offsets == "utf16" else "code points"
    extra = ("`meta` holds the document's meta and each span's attributes and note (`span_attributes`, `span_notes`, "
             "by entity id" + (", the 1-based position in `label`" if layout == "seq" else "") + ").")
    if layout == "seq":
        out.notes.append(f"doccano sequence labelling JSONL: `text`, `label` = [start, end, label]; offsets in {unit}; "
                         f"relations are not in this layout. {extra}")
        rels = sum(len(r["relations"]) for recs in splits.values() for r in recs)
        if rels:
            out.notices.append(f"{rels} relations not written (use --doccano-layout relation)")
    else:
        out.notes.append(f"doccano relation JSONL: `text`, `entities`, `relations` (`from_id`/`to_id` are entity ids); "
                         f"offsets in {unit}. {extra}")


# --------------------------------------------------------------------------- import


class _File:
    """What one file's lines had in common, for one notice each rather than one a line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label_ids: set[int] = set()
        self.kept_keys: set[str] = set()
        self.cats = 0
        self.users = 0
        self.split_users = False
        """Some document has annotations by several users: every document's go to one annotator a user."""

    def notices(self) -> list[str]:
        out = []
        if self.label_ids:
            ids = sorted(self.label_ids)
            out.append(f"{self.path}: labels are doccano label ids ({', '.join(map(str, ids[:8]))}); imported as "
                       f"those numbers: name them with --label-map {ids[0]}=claim,...")
        if self.kept_keys:
            out.append(f"{self.path}: keys {', '.join(sorted(self.kept_keys))} are not doccano annotations this "
                       "import understands; kept in the documents' meta")
        if self.cats:
            out.append(f"{self.path}: {self.cats} documents have document-level labels (classification); kept in "
                       "their meta as `cats`, not as spans")
        if self.users:
            out.append(f"{self.path}: {self.users} documents were annotated by several doccano users; each user's "
                       "annotations are imported as one annotator (user<N>)")
        return out


def read(path: Path, offsets: str = "codepoints") -> list[Imported]:
    files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
    out: list[Imported] = []
    for file in files:
        try:
            raw = file.read_text("utf-8")
        except UnicodeDecodeError:
            raise UserError("not UTF-8", file) from None
        seen = _File(file)
        first = len(out)
        records = list(jsonl_records(file, raw))
        seen.split_users = any(len(_users(rec)) > 1 for _n, rec in records)
        for number, rec in records:
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise UserError("each line needs a string 'text'", file, number)
            try:
                out.extend(_line(file, number, rec, offsets, seen))
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                raise UserError(f"malformed doccano label ({exc!r})", file, number) from None
        if len(out) > first:
            out[first].notices.extend(seen.notices())
    return out


def _users(rec: Any) -> set[Any]:
    if not isinstance(rec, dict) or not isinstance(rec.get("annotations"), list):
        return set()
    return {a.get("user") for a in rec["annotations"] if isinstance(a, dict) and a.get("user") is not None}


def _label(value: Any, seen: _File) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        seen.label_ids.add(value)
    elif not isinstance(value, str):
        raise TypeError(f"label {value!r} is not a name")
    return str(value)


def _line(file: Path, number: int, rec: dict[str, Any], offsets: str, seen: _File) -> list[Imported]:
    doc_id = str(rec.get("id", f"{file.stem}-{number}"))
    meta: dict[str, Any] = {}
    own = rec.get("meta")
    if isinstance(own, dict):
        meta.update(own)
    elif own not in (None, ""):
        meta["meta"] = own
    attrs = meta.pop("span_attributes", None) or {}
    notes = meta.pop("span_notes", None) or {}
    for key in ("comments", "Comments", "annotation_approver"):
        if rec.get(key) not in (None, [], {}, ""):
            meta[key.lower()] = rec[key]
    for key, value in rec.items():
        if key in SPAN_KEYS or key in BOOKKEEPING or value in (None, [], {}, ""):
            continue
        meta[key] = value
        if not isinstance(value, (str, int, float, bool)):
            seen.kept_keys.add(key)
    cats = [str(c) for c in rec.get("cats") or []]
    spans: list[tuple[Any, int, int, str, Any]] = []  # (key, start, end, label, user)
    for key in ("label", "labels", "entities"):
        value = rec.get(key) or []
        if isinstance(value, str) and key != "entities":
            value = [value]  # one document-level label
        if not isinstance(value, list):
            raise UserError(f"{key!r} is not a list", file, number)
        for n, item in enumerate(value, 1):
            if isinstance(item, (list, tuple)) and len(item) == 3:
                spans.append((n, int(item[0]), int(item[1]), _label(item[2], seen), None))
            elif isinstance(item, dict) and "start_offset" in item:
                spans.append((item.get("id", n), int(item["start_offset"]), int(item["end_offset"]),
                              _label(item["label"], seen), item.get("user")))
            elif isinstance(item, str) and key != "entities":
                cats.append(item)  # a classification project's labels
            else:
                raise UserError(f"{key!r} entry {item!r} not understood (expected [start, end, label] or "
                                "{start_offset, end_offset, label})", file, number)
    for n, ann in enumerate(rec.get("annotations") or [], 1):
        if not isinstance(ann, dict):
            raise UserError(f"'annotations' entry {ann!r} not understood", file, number)
        label = ann.get("label_name", ann.get("label"))
        if "start_offset" in ann and "end_offset" in ann and label is not None:
            spans.append((ann.get("id", n), int(ann["start_offset"]), int(ann["end_offset"]), _label(label, seen),
                          ann.get("user")))
        elif label is not None and "start_offset" not in ann and "end_offset" not in ann:
            cats.append(_label(label, seen))
        else:
            raise UserError(f"'annotations' entry with keys {', '.join(sorted(ann))} not understood (expected "
                            "start_offset, end_offset and label or label_name)", file, number)
    if cats:
        meta["cats"] = cats
        seen.cats += 1
    users = sorted({u for *_rest, u in spans if u is not None}, key=str)
    split = seen.split_users and users
    groups = [(u, [s for s in spans if s[4] == u]) for u in users] if split else [(None, spans)]
    if split and any(s[4] is None for s in spans):  # spans without a user: the importing annotator's
        groups.append((None, [s for s in spans if s[4] is None]))
    if len(users) > 1:
        seen.users += 1
    out = []
    for user, mine in groups:
        doc = Imported(doc_id, rec["text"], dict(meta), file, number, offsets=offsets,
                       annotator=None if user is None else (f"user{user}" if isinstance(user, int) else str(user)))
        for key, start, end, label, _user in mine:
            doc.add_span(start, end, label, key, {str(k): str(v) for k, v in (attrs.get(str(key)) or {}).items()},
                         str(notes.get(str(key)) or ""))
        keys = {str(s[0]) for s in mine}
        for rel in rec.get("relations") or []:
            if not split or {str(rel["from_id"]), str(rel["to_id"])} <= keys:
                doc.add_relation(rel["from_id"], rel["to_id"], str(rel["type"]), None)
        out.append(doc)
    return out
