"""Bringing others' texts and annotations into a project: `reader import PATH... --format F`.

Each format's `read()` gives `Imported` documents: the text as found (raw: CRLF, a BOM, ...), spans
with offsets into that raw text (code points, or UTF-16 units with `--offsets utf16`) and relations
between the source's own span ids. Here they are checked as a whole before anything is written:

- the text is normalised like every seed (`corpus.normalise_text`) and the offsets are moved with it,
  so a CRLF file annotated by another tool lands on the same characters;
- a span with whitespace at an edge is trimmed (with a notice); one outside the text, or whose given
  text is not the text at its offsets (after converting UTF-16 offsets: a code-point file imported
  with `--offsets utf16` is caught here), is an error naming the file and line;
- a UTF-16 offset between the two halves of a surrogate pair is an error; so is a span edge inside a
  grapheme cluster (an emoji with its skin tone, a letter with its combining accent) unless the file
  gave the span's text and it matched (then it is imported as given, with a notice): such an edge
  is what offsets counted in the wrong unit look like;
- a document whose id is already in `seeds/` with a *different* text is an error, never an
  overwrite: rename it or remove the seed first. The same text is simply reused;
- a new document's seed file (`seeds/<id>.txt`, `.md` or `.jsonl`) is never written over an existing
  file, whether the corpus loaded it (a `.jsonl` holding other documents) or not (a file it could not
  read): an existing file with other bytes is an error naming it, one with the same bytes is left alone;
- an annotation file of that annotator that already exists is never written over: when it holds
  exactly the imported spans and links it is left alone, anything else (other spans, spans kept aside
  as orphans, a `done` status, suggestions, even an empty file) is an error naming it (import under
  another `--annotator`, or move the file first);
- labels, relation types and attribute values the schema lacks are added to `labels.yaml`, each with a
  notice; `--label-map old=new,...` renames labels (and relation types) first.

Only then are seeds, labels.yaml and the annotation files (through `Store.save`, atomic) written.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import Document, InvariantError, Relation, Span, trim_extent
from reader.core.progress import track
from reader.core.schema import RelationType, Schema
from reader.core.text import Segmenter
from reader.files.corpus import check_name, normalise_text
from reader.files.labels import write_schema
from reader.files.project import Project, default_annotator
from reader.formats.common import Utf16


@dataclass
class Imported:
    """One document read from an import file, before it is checked against the project."""

    doc_id: str
    text: str
    meta: dict[str, Any]
    path: Path
    line: int | None = None
    annotator: str | None = None
    offsets: str = "codepoints"
    spans: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    seed_bytes: bytes | None = None
    """For txt/md imports: the file itself, copied into seeds/ as it is."""
    seed_suffix: str = ".txt"

    def add_span(self, start: int, end: int, label: str, key: Any = None, attrs: dict[str, str] | None = None,
                 note: str = "", text: str | None = None, line: int | None = None) -> str:
        key = str(key) if key is not None else f"_{len(self.spans) + 1}"
        self.spans.append({"key": key, "start": start, "end": end, "label": label, "attrs": dict(attrs or {}),
                           "note": note, "text": text, "line": line or self.line})
        return key

    def add_relation(self, head: Any, tail: Any, label: str, key: Any = None, line: int | None = None) -> None:
        self.relations.append({"key": None if key is None else str(key), "head": str(head), "tail": str(tail),
                               "label": label, "line": line or self.line})


@dataclass
class ImportReport:
    documents: int = 0
    new_seeds: int = 0
    spans: int = 0
    relations: int = 0
    annotators: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    created_project: bool = False


def parse_label_map(value: str | None) -> dict[str, str]:
    if not value:
        return {}
    out: dict[str, str] = {}
    for part in value.split(","):
        old, sep, new = part.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise UserError(f"--label-map {value!r}: expected old=new,... (got {part!r})")
        out[old.strip()] = new.strip()
    return out


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


def _where(doc: Imported, line: int | None = None) -> tuple[str, int | None]:
    return str(doc.path), line if line is not None else doc.line


def build(doc: Imported, text: str, label_map: dict[str, str]) -> tuple[list[Span], list[Relation], list[str]]:
    """The spans and relations of one imported document on its normalised text (no schema checks yet)."""
    notices: list[str] = []
    to_norm = offset_mapper(doc.text, doc.offsets)
    raw_len = len(doc.text) if doc.offsets == "codepoints" else len(doc.text.encode("utf-16-le")) // 2
    keys: dict[str, str] = {}
    spans: list[Span] = []
    taken = {s["key"] for s in doc.spans}
    used_ids: set[str] = set()
    seen: dict[tuple[int, int, str], str] = {}
    next_n = 0
    utf16 = Utf16(doc.text) if doc.offsets == "utf16" else None
    if utf16 is not None:
        unit_hint = "; are they code points? (import without --offsets utf16)"
    elif any(ord(ch) > 0xFFFF for ch in doc.text):
        unit_hint = "; do they count UTF-16 units? (try --offsets utf16)"
    else:
        unit_hint = ""
    segmenter: Segmenter | None = None
    for s in doc.spans:
        path, line = _where(doc, s["line"])
        if not isinstance(s["start"], int) or not isinstance(s["end"], int) or not 0 <= s["start"] < s["end"] <= raw_len:
            raise UserError(f"span {s['key']}: offsets {s['start']}-{s['end']} outside the text (0-{raw_len})", path, line)
        if utf16 is not None:
            raw_start, raw_end = utf16.to_codepoints(s["start"]), utf16.to_codepoints(s["end"])
        else:
            raw_start, raw_end = s["start"], s["end"]
        given = s["text"]
        if given is not None and doc.text[raw_start:raw_end] != given:
            raise UserError(f"span {s['key']}: text {str(given)[:40]!r} is not the text at "
                            f"{s['start']}-{s['end']} ({doc.text[raw_start:raw_end][:40]!r})"
                            + unit_hint, path, line)
        if utf16 is not None:
            for edge in (s["start"], s["end"]):
                if utf16.inside_pair(edge):
                    raise UserError(f"span {s['key']}: offset {edge} falls between the two UTF-16 units (surrogate pair) "
                                    f"of one character{unit_hint}", path, line)
        start, end = to_norm(s["start"]), to_norm(s["end"])
        t_start, t_end = trim_extent(text, start, end)
        if t_start >= t_end:
            notices.append(f"{path}:{line}: span {s['key']} is only whitespace; not imported")
            continue
        if (t_start, t_end) != (start, end):
            notices.append(f"{path}:{line}: span {s['key']} trimmed of whitespace at its edges")
        if not text.isascii():
            segmenter = segmenter or Segmenter(text)
            inside = [o for o in (t_start, t_end) if not segmenter.is_boundary(o)]
            if inside:
                o = inside[0]
                cluster = text[segmenter.floor(o):segmenter.ceil(o + 1)]
                if given is None:
                    raise UserError(f"span {s['key']}: an edge at {o} falls inside the grapheme cluster {cluster!r}"
                                    + (unit_hint.replace("; are they", "; are the offsets").replace("; do they", "; do the offsets")
                                       or " (a span may not cut a character from its accents or modifiers)"),
                                    path, line)
                notices.append(f"{path}:{line}: span {s['key']} has an edge inside the grapheme cluster {cluster!r}; "
                               "imported as given (its text matches)")
        label = label_map.get(s["label"], s["label"])
        if (t_start, t_end, label) in seen:
            keys[s["key"]] = seen[(t_start, t_end, label)]
            notices.append(f"{path}:{line}: span {s['key']} repeats {label} at {t_start}-{t_end}; merged")
            continue
        # keep the source's id when it is one of ours (s12), else number after the highest
        sid = s["key"] if re.fullmatch(r"s[1-9]\d*", s["key"]) and s["key"] not in used_ids else None
        if sid is None:
            while True:
                next_n += 1
                sid = f"s{next_n}"
                if sid not in taken and sid not in used_ids:
                    break
        used_ids.add(sid)
        keys[s["key"]] = sid
        seen[(t_start, t_end, label)] = sid
        spans.append(Span(sid, t_start, t_end, label, text[t_start:t_end], s["attrs"], s["note"]))
    relations: list[Relation] = []
    rel_taken = {r["key"] for r in doc.relations if r["key"]}
    rel_ids: set[str] = set()
    pairs: set[tuple[str, str, str]] = set()
    n = 0
    for r in doc.relations:
        path, line = _where(doc, r["line"])
        head, tail = keys.get(r["head"]), keys.get(r["tail"])
        if head is None or tail is None:
            missing = r["head"] if head is None else r["tail"]
            if any(s["key"] == missing for s in doc.spans):  # the span was dropped above, with a notice
                notices.append(f"{path}:{line}: link {r['key'] or ''} to span {missing} not imported")
                continue
            raise UserError(f"relation {r['key'] or ''}: no span {missing!r}", path, line)
        label = label_map.get(r["label"], r["label"])
        if (head, tail, label) in pairs or head == tail:
            continue
        pairs.add((head, tail, label))
        rid = r["key"] if r["key"] and re.fullmatch(r"r[1-9]\d*", r["key"]) and r["key"] not in rel_ids else None
        if rid is None:
            while True:
                n += 1
                rid = f"r{n}"
                if rid not in rel_taken and rid not in rel_ids:
                    break
        rel_ids.add(rid)
        relations.append(Relation(rid, head, tail, label))
    return spans, relations, notices


def extend_schema(schema: Schema, docs: list[tuple[Imported, list[Span], list[Relation]]]) -> tuple[Schema, list[str]]:
    """The schema with every label, relation type and attribute value the imported annotations use."""
    notices: list[str] = []
    new_labels: list[str] = []
    for _doc, spans, _rels in docs:
        for span in spans:
            if schema.label(span.label) is None and span.label not in new_labels:
                new_labels.append(span.label)
    if new_labels:
        schema = schema.with_labels(new_labels)
        notices.append("labels added to annotations/labels.yaml: " + ", ".join(new_labels))
    relations = {r.name: (list(r.heads), list(r.tails)) for r in schema.relations}
    attributes = {label: {k: list(v) for k, v in attrs.items()} for label, attrs in schema.attributes.items()}
    changed = False
    for _doc, spans, rels in docs:
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
        for span in spans:
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


def _same(a: DocAnnotations, b: DocAnnotations) -> bool:
    key = lambda s: (s.start, s.end, s.label, tuple(sorted(s.attrs.items())), s.note)  # noqa: E731
    if sorted(map(key, a.spans.values())) != sorted(map(key, b.spans.values())):
        return False
    ends = lambda ann: sorted(  # noqa: E731
        (key(ann.spans[r.head]), key(ann.spans[r.tail]), r.label) for r in ann.relations.values()
    )
    return ends(a) == ends(b)


def _holds(store: Any, path: Path) -> str:
    """What an existing annotation file holds, in a few words, for the refusal."""
    summary = store.summary(path)
    suggestions = len(store.records(store.read_tables(path), "suggested_spans"))
    parts = [f"{n} {what}" for n, what in ((summary.spans, "spans"), (summary.relations, "links"),
                                             (summary.orphans, "spans kept aside"), (suggestions, "suggestions")) if n]
    parts.append(f"status {summary.status}")
    return ", ".join(parts)


def _seed_file(doc: Imported, document: Document) -> tuple[str, bytes]:
    """The name in seeds/ and the bytes of a new document's seed file."""
    if doc.seed_bytes is not None:
        return f"{document.id}{doc.seed_suffix}", doc.seed_bytes
    if document.meta:
        line = json.dumps({"id": document.id, "text": document.text, **document.meta}, ensure_ascii=False, sort_keys=True)
        return f"{document.id}.jsonl", (line + "\n").encode("utf-8")
    return f"{document.id}.txt", document.text.encode("utf-8")


def _why_not_loaded(target: Path, corpus: Any) -> str:
    """What the corpus made of an existing seed file, for the refusal."""
    for err in corpus.errors:
        if err.path is not None and Path(err.path) == target:
            return f" (the corpus could not read it: {err.message})"
    held = [d.id for d in corpus if d.meta.get("file") == target.name]
    if held:
        return f" (it holds {len(held)} other document{'s' if len(held) > 1 else ''}: {', '.join(held[:5])}" \
               + (", ..." if len(held) > 5 else "") + ")"
    return ""


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`; never replaces a file (one that appeared since the check is an error)."""
    try:
        with open(path, "xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise UserError("appeared while importing; not overwritten", path) from None
    except OSError as exc:
        raise UserError(f"cannot write ({exc.strerror})", path) from None


def import_documents(project_path: Path | str, docs: list[Imported], annotator: str | None = None,
                     label_map: dict[str, str] | None = None, with_annotations: bool = True) -> ImportReport:
    """Check every imported document against the project, then write seeds, labels and annotations."""
    report = ImportReport()
    project = Project(project_path)
    if project.path.exists() and not project.path.is_dir():
        raise UserError("--project must be a folder", project.path)
    # made a project only in phase 2: a refused import leaves no trace, not even the folders
    incomplete = not (project.path / "seeds").is_dir() or not (project.path / "annotations").is_dir()
    report.created_project = not (project.path / "seeds").is_dir() and not (project.path / "annotations").is_dir()
    corpus = project.corpus
    label_map = label_map or {}
    for doc in docs:
        report.notices.extend(doc.notices)
    # ---- phase 1: check everything
    planned: list[tuple[Imported, str, Document, bool, list[Span], list[Relation]]] = []
    new_ids: dict[str, str] = {}
    seen_pairs: set[tuple[str, str]] = set()
    for doc in track(docs, "checking"):
        path, line = _where(doc)
        try:
            doc_id = check_name("document id", doc.doc_id)
        except UserError as exc:
            raise UserError(exc.message, path, line) from None
        text, _done = normalise_text(doc.text)
        if not text.strip():
            raise UserError(f"document {doc_id!r} is empty", path, line)
        existing = corpus.documents.get(doc_id)
        if existing is not None and existing.text != text:
            raise UserError(f"document {doc_id!r} is already in seeds/ with a different text; not overwritten "
                            "(rename the document or remove the seed first)", path, line)
        if doc_id in new_ids and new_ids[doc_id] != text:
            raise UserError(f"document {doc_id!r} is imported twice with different texts", path, line)
        is_new = existing is None and doc_id not in new_ids
        new_ids[doc_id] = text
        meta = {k: v for k, v in doc.meta.items() if k not in ("file", "normalised")}
        document = existing or Document(doc_id, text, meta)
        if is_new:
            seed_name, seed_data = _seed_file(doc, document)
            target = project.path / "seeds" / seed_name
            if target.exists() or target.is_symlink():
                if not target.is_file() or target.read_bytes() != seed_data:
                    raise UserError(f"document {doc_id!r} would be written to {target}, which already exists"
                                    f"{_why_not_loaded(target, corpus)}; not overwritten "
                                    "(rename the document or move that file first)", path, line)
                is_new = False  # the very same bytes are there already
                report.notices.append(f"{target}: already holds {doc_id!r} as imported; left as it is")
        name = check_name("annotator", annotator or doc.annotator or default_annotator())
        if with_annotations and (doc.spans or doc.relations or doc.seed_bytes is None):
            if (name, doc_id) in seen_pairs:
                raise UserError(f"document {doc_id!r} has annotations by {name!r} twice in this import", path, line)
            seen_pairs.add((name, doc_id))
            spans, rels, notices = build(doc, text, label_map)
            report.notices.extend(notices)
        else:
            spans, rels = [], []
            name = ""
        planned.append((doc, name, document, is_new, spans, rels))
    schema, notices = extend_schema(project.schema, [(d, s, r) for d, n, _, _, s, r in planned if n])
    report.notices.extend(notices)
    store = project.store
    store.schema = schema
    built: list[tuple[Imported, str, Document, bool, DocAnnotations | None]] = []
    for doc, name, document, is_new, spans, rels in planned:
        ann = None
        if name:
            try:
                ann = DocAnnotations(document, schema, spans, rels)
            except InvariantError as exc:
                raise UserError(exc.message, *_where(doc)) from None
            target = store.path(name, document.id)
            if target.exists() or target.is_symlink():
                old = store.load(name, document).annotations
                if _same(old, ann):
                    report.notices.append(f"{target}: already holds these annotations; left as it is")
                    ann = None
                else:
                    raise UserError(f"{name} already has a file for {document.id!r}: {target} "
                                    f"({_holds(store, target)}); not overwritten "
                                    "(import with another --annotator, or move that file first)", *_where(doc))
        built.append((doc, name, document, is_new, ann))
    # ---- phase 2: write
    if incomplete:
        try:
            project.create()
        except OSError as exc:
            raise UserError(f"cannot create the project ({exc.strerror or exc})", exc.filename or project.path) from None
        if report.created_project:
            report.notices.insert(0, f"{project.path}: not an annotation project yet; created seeds/ and annotations/labels.yaml")
    if schema != project.schema:
        write_schema(project.path, schema)
    seeds = project.path / "seeds"
    written: set[str] = set()
    for doc, name, document, is_new, ann in track(built, "importing"):
        if is_new and document.id not in written:
            written.add(document.id)
            report.new_seeds += 1
            seed_name, seed_data = _seed_file(doc, document)
            _write_new(seeds / seed_name, seed_data)
        report.documents += 1
        if ann is not None:
            target = store.path(name, document.id)
            if target.exists() or target.is_symlink():
                raise UserError("appeared while importing; not overwritten", target)
            store.save(name, ann)
            report.spans += len(ann.spans)
            report.relations += len(ann.relations)
            if name not in report.annotators:
                report.annotators.append(name)
    project.reload()
    return report
