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
  notice; `--label-map old=new,...` renames labels (and relation types) first;
- a document whose text is empty or only whitespace is skipped with a notice (with how many spans it
  had): one such line must not refuse a file of hundreds of good ones;
- another tool's predictions (`Imported.suggested_spans`) become suggestions, the ghosts `reader
  suggest` writes (tables `suggested_spans`, `suggested_relations`), never spans;
- `Imported.keep_ids` names a meta key under which the file's own span ids are kept in the new seed,
  per annotator (`{"results": {annotator: {our id: theirs}}}`), with `Imported.keep_extra` (other
  per-annotator things the format has no span for), so that an export can write them back.

The per-span checks live in `import_checks`. Only then are seeds, labels.yaml and the annotation files (through `Store.save`, atomic) written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import Document, InvariantError
from reader.core.progress import track
from reader.files.corpus import check_name, normalise_text
from reader.files.labels import write_schema
from reader.files.project import Project, default_annotator
from reader.formats.import_checks import (
    Built,
    build,
    extend_schema,
    fail,
    offset_mapper,
    where,
)

__all__ = ["ImportReport", "Imported", "import_documents", "offset_mapper", "parse_label_map"]


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
    place: str = ""
    """Where in the file, for a format without lines (`task 3` of a JSON list): notices and errors say it."""
    suggested_spans: list[dict[str, Any]] = field(default_factory=list)
    """Another tool's predictions, shaped like `spans`: imported as ghosts to accept or reject."""
    suggested_relations: list[dict[str, Any]] = field(default_factory=list)
    keep_ids: str | None = None
    """A meta key: the file's span ids are kept under it (see the module docstring)."""
    keep_extra: dict[str, Any] = field(default_factory=dict)
    """More to keep under `keep_ids`, per annotator: `{key: value}` -> `meta[keep_ids][key][annotator]`."""

    def add_span(self, start: int, end: int, label: str, key: Any = None, attrs: dict[str, str] | None = None,
                 note: str = "", text: str | None = None, line: int | None = None,
                 fragments: Any = None) -> str:
        """One span; `fragments`, (start, end) pairs in the file's offsets, makes it a span in pieces
        (`start`/`end` its first start and last end; `text`, if given, the text from one to the other)."""
        key = str(key) if key is not None else f"_{len(self.spans) + 1}"
        self.spans.append({"key": key, "start": start, "end": end, "label": label, "attrs": dict(attrs or {}),
                           "note": note, "text": text, "line": line or self.line,
                           **({"fragments": [tuple(f) for f in fragments]} if fragments else {})})
        return key

    def add_relation(self, head: Any, tail: Any, label: str, key: Any = None, line: int | None = None) -> None:
        self.relations.append({"key": None if key is None else str(key), "head": str(head), "tail": str(tail),
                               "label": label, "line": line or self.line})

    def add_suggestion(self, start: int, end: int, label: str, key: Any = None, attrs: dict[str, str] | None = None,
                       note: str = "", text: str | None = None, line: int | None = None) -> str:
        key = str(key) if key is not None else f"_g{len(self.suggested_spans) + 1}"
        self.suggested_spans.append({"key": key, "start": start, "end": end, "label": label, "attrs": dict(attrs or {}),
                                     "note": note, "text": text, "line": line or self.line})
        return key

    def add_suggested_relation(self, head: Any, tail: Any, label: str, line: int | None = None) -> None:
        self.suggested_relations.append({"key": None, "head": str(head), "tail": str(tail), "label": label,
                                         "line": line or self.line})


@dataclass
class ImportReport:
    documents: int = 0
    new_seeds: int = 0
    spans: int = 0
    relations: int = 0
    suggestions: int = 0
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


def _same(a: DocAnnotations, b: DocAnnotations) -> bool:
    key = lambda s: (s.start, s.end, s.label, tuple(sorted(s.attrs.items())), s.note, s.fragments)
    if sorted(map(key, a.spans.values())) != sorted(map(key, b.spans.values())):
        return False
    ends = lambda ann: sorted(
        (key(ann.spans[r.head]), key(ann.spans[r.tail]), r.label) for r in ann.relations.values()
    )
    if ends(a) != ends(b):
        return False
    ghosts = lambda ann: sorted((g.start, g.end, g.label) for g in ann.suggested_spans)
    return ghosts(a) == ghosts(b) and len(a.suggested_relations) == len(b.suggested_relations)


def _kept_ids(doc: Imported, name: str, made: Built) -> dict[str, Any] | None:
    """What to keep under `doc.keep_ids` for annotator `name`: `results` (our span id -> the file's,
    where they differ) and `doc.keep_extra`; None when there is nothing."""
    if not doc.keep_ids or not name:
        return None
    ids = {sid: key for key, sid in made.ids.items() if key != sid}
    kept = {k: v for k, v in {"results": dict(sorted(ids.items())), **doc.keep_extra}.items() if v}
    return kept or None


def _keep(meta: dict[str, Any], key: str, name: str, kept: dict[str, Any]) -> None:
    entry = meta[key] = dict(meta.get(key) or {})
    for what, value in kept.items():
        entry[what] = {**dict(entry.get(what) or {}), name: value}


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
    planned: list[tuple[Imported, str, Document, bool, Built]] = []
    new_docs: dict[str, Document] = {}
    seen_pairs: set[tuple[str, str]] = set()
    for doc in track(docs, "checking"):
        try:
            doc_id = check_name("document id", doc.doc_id)
        except UserError as exc:
            raise fail(doc, None, exc.message) from None
        text, _done = normalise_text(doc.text)
        if not text.strip():
            had = len(doc.spans) + len(doc.suggested_spans)
            report.notices.append(f"{where(doc)}: document {doc_id!r} is {'only whitespace' if text else 'empty'}"
                                  + (f" (with {had} span{'s' if had != 1 else ''})" if had else "") + "; skipped")
            continue
        existing = corpus.documents.get(doc_id)
        if existing is not None and existing.text != text:
            raise fail(doc, None, f"document {doc_id!r} is already in seeds/ with a different text; not overwritten "
                                  "(rename the document or remove the seed first)")
        if doc_id in new_docs and new_docs[doc_id].text != text:
            raise fail(doc, None, f"document {doc_id!r} is imported twice with different texts")
        name = check_name("annotator", annotator or doc.annotator or default_annotator())
        if with_annotations and (doc.spans or doc.relations or doc.suggested_spans or doc.seed_bytes is None):
            if (name, doc_id) in seen_pairs:
                why = (" (the file holds several annotators' work on it: import without --annotator to keep them apart)"
                       if doc.annotator and doc.annotator != name else "")
                raise fail(doc, None, f"document {doc_id!r} has annotations by {name!r} twice in this import{why}")
            seen_pairs.add((name, doc_id))
            made = build(doc, text, label_map)
            report.notices.extend(made.notices)
        else:
            made, name = Built(), ""
        kept = _kept_ids(doc, name, made)
        is_new = existing is None and doc_id not in new_docs
        if is_new:
            meta = {k: v for k, v in doc.meta.items() if k not in ("file", "normalised")}
            if kept is not None:
                _keep(meta, doc.keep_ids, name, kept)
            document = new_docs[doc_id] = Document(doc_id, text, meta)
            seed_name, seed_data = _seed_file(doc, document)
            target = project.path / "seeds" / seed_name
            if target.exists() or target.is_symlink():
                if not target.is_file() or target.read_bytes() != seed_data:
                    raise fail(doc, None, f"document {doc_id!r} would be written to {target}, which already exists"
                                          f"{_why_not_loaded(target, corpus)}; not overwritten "
                                          "(rename the document or move that file first)")
                is_new = False  # the very same bytes are there already
                report.notices.append(f"{target}: already holds {doc_id!r} as imported; left as it is")
        else:
            document = existing or new_docs[doc_id]
            if kept is not None and doc_id in new_docs:  # a second annotator of a document new in this import
                _keep(document.meta, doc.keep_ids, name, kept)  # type: ignore[arg-type]
            elif kept is not None and any((existing.meta.get(doc.keep_ids) or {}).get(k, {}).get(name) != v
                                          for k, v in kept.items()):
                report.notices.append(f"{where(doc)}: {doc_id!r} is in seeds/ already, so what the file has no "
                                      f"span for ({', '.join(kept)}: the tool's own ids, ...) is not kept for export")
        planned.append((doc, name, document, is_new, made))
    schema, notices = extend_schema(project.schema, [made for _d, name, _doc, _new, made in planned if name])
    report.notices.extend(notices)
    store = project.store
    store.schema = schema
    built: list[tuple[Imported, str, Document, bool, DocAnnotations | None]] = []
    for doc, name, document, is_new, made in planned:
        ann = None
        if name:
            try:
                ann = DocAnnotations(document, schema, made.spans, made.relations)
            except InvariantError as exc:
                raise fail(doc, None, exc.message) from None
            if made.suggested_spans or made.suggested_relations:
                ann.set_suggestions(made.suggested_spans, made.suggested_relations)
            target = store.path(name, document.id)
            if target.exists() or target.is_symlink():
                old = store.load(name, document).annotations
                if _same(old, ann):
                    report.notices.append(f"{target}: already holds these annotations; left as it is")
                    ann = None
                else:
                    raise fail(doc, None, f"{name} already has a file for {document.id!r}: {target} "
                                          f"({_holds(store, target)}); not overwritten "
                                          "(import with another --annotator, or move that file first)")
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
            report.suggestions += len(ann.suggested_spans)
            if name not in report.annotators:
                report.annotators.append(name)
    project.reload()
    return report
