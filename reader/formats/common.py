"""What every format needs: the records, the split, the tokenizer, UTF-16 offsets, the dataset card.

A *record* is one annotator's work on one document as a plain dict, exactly the canonical jsonl line:
`{"id", "text", "meta", "annotator", "spans": [{"id", "start", "end", "label", "text", "attrs",
"note"}], "relations": [{"id", "head", "tail", "label"}]}`, offsets in code points; a span in
fragments also has `"fragments": [[start, end], ...]` (its `text` is `text[start:end]`, gaps
included, as in the model). A format with no discontinuous spans writes such a span as one span a
fragment (`one_span_a_fragment`), and the card lists every span it split (`NO_PLACE_FOR`). Plain dicts,
not the model's classes, because a corpus of 10,000 documents is read straight from the annotation
files (`annotation_file.read_file`) and only a document whose text changed since it was annotated
goes through `Store.load` and its re-anchoring: export must cost about what writing the output costs.

Every format writes through `Output`, which makes files byte-for-byte reproducible (sorted keys,
`\\n` line ends, no timestamps but those in the data) and collects what could not be written, so the
command and the dataset card report it instead of dropping it.
"""

from __future__ import annotations

import json
import os
import random
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from reader.core.errors import UserError
from reader.core.model import Span
from reader.core.progress import track
from reader.core.text import _FAST_RE, _HAS_EXT, TOKEN_RE, split_at, tokenize  # noqa: F401  (re-exported: the tokenizer lives in core.text)
from reader.files.annotation_file import StoredSpan, read_file
from reader.files.project import Project

Record = dict[str, Any]
SPLIT_NAMES = {1: ("train",), 2: ("train", "test"), 3: ("train", "validation", "test")}

# --------------------------------------------------------------------------- UTF-16 offsets


class Utf16:
    """Code point <-> UTF-16 code unit offsets of one text (identity when it has no astral characters)."""

    def __init__(self, text: str) -> None:
        # Offsets (code points) of the characters that take two UTF-16 units.
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._units = [i + n + 1 for n, i in enumerate(self.astral)]  # unit offset between each one's two units

    def to_units(self, cp: int) -> int:
        return cp + bisect_right(self.astral, cp - 1) if self.astral else cp

    def to_codepoints(self, units: int) -> int:
        if not self.astral:
            return units
        n = bisect_right(self._units, units)
        return units - n

    def inside_pair(self, units: int) -> bool:
        """Whether a UTF-16 offset falls between the two units (surrogates) of one character."""
        if not self.astral:
            return False
        i = bisect_left(self._units, units)  # _units holds the offset between each pair's two units
        return i < len(self._units) and self._units[i] == units


def offset_converter(offsets: str) -> Callable[[str], Callable[[int], int]]:
    if offsets == "utf16":
        return lambda text: Utf16(text).to_units
    return lambda text: int


# --------------------------------------------------------------------------- reading the records


@dataclass
class Dropped:
    doc_id: str
    item: str
    label: str
    start: int
    end: int
    reason: str


@dataclass
class Records:
    annotator: str
    records: list[Record]
    skipped: list[str] = field(default_factory=list)
    """Documents of the corpus that this annotator has no file for."""
    dropped: list[Dropped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    """This annotator's annotation files (names) for documents that are not in the corpus."""
    unsettled: list[tuple[str, int, int, tuple[str, ...]]] = field(default_factory=list)
    """For the gold: (document, disagreements not settled, disagreements, annotators reviewed) of
    every reviewed document with some left (`formats.export` fills it from the review records)."""


def _span_out(span: Span | StoredSpan) -> dict[str, Any]:
    out = {
        "id": span.id, "start": span.start, "end": span.end, "label": span.label, "text": span.text,
        "attrs": dict(span.attrs), "note": span.note,
    }
    if span.fragments:
        out["fragments"] = [[s, e] for s, e in span.fragments]
    return out


def one_span_a_fragment(record: Record) -> Record:
    """`record` with each span in fragments written as one span a fragment, for the formats that have
    no discontinuous spans: the first piece keeps the span's id, the others are `<id>.2`, `<id>.3`...;
    each piece has the span's label and attributes, the first its note; each link of the span is
    written from (or to) every piece (`<id>.2`... for the links after the first), as the German quotation
    corpus links every fragment to its speaker. A record with no such span comes back as it is."""
    if not any("fragments" in s for s in record["spans"]):
        return record
    text = record["text"]
    spans: list[dict[str, Any]] = []
    names: dict[str, list[str]] = {}
    for s in record["spans"]:
        frags = s.get("fragments")
        if not frags:
            spans.append(s)
            continue
        names[s["id"]] = [s["id"]] + [f"{s['id']}.{k}" for k in range(2, len(frags) + 1)]
        for k, ((start, end), name) in enumerate(zip(frags, names[s["id"]])):
            piece = {key: value for key, value in s.items() if key != "fragments"}
            piece.update(id=name, start=start, end=end, text=text[start:end], note=s["note"] if k == 0 else "")
            spans.append(piece)
    spans.sort(key=_by_start)
    relations: list[dict[str, Any]] = []
    for r in record["relations"]:
        ends = [(h, t) for h in names.get(r["head"], [r["head"]]) for t in names.get(r["tail"], [r["tail"]])]
        relations += [{**r, "id": r["id"] if k == 0 else f"{r['id']}.{k + 1}", "head": h, "tail": t}
                      for k, (h, t) in enumerate(ends)]
    return {**record, "spans": spans, "relations": relations}


def _by_start(span: dict[str, Any]) -> tuple:
    return (span["start"], -span["end"], span["label"], span["id"])


def load_records(project: Project, annotator: str, progress: bool = True) -> Records:
    """Every document `annotator` has a file for, in corpus order, as records.

    Orphaned spans and relations (kept by the store, but not placed in the text) are not exported:
    they are listed in `dropped`. Annotation files for documents not in the corpus are listed in
    `stray` and named in `notices`. A document whose text changed is loaded through `Store.load`, which
    re-anchors its spans and says so in `notices`.
    """
    store = project.store
    corpus = project.corpus
    out = Records(annotator, [])
    for err in corpus.errors:
        out.notices.append(f"{err}; not exported")
    folder = store.root / annotator
    if not folder.is_dir():
        hint = " (adjudicate with 'reader review A B' first)" if annotator == "gold" else ""
        raise UserError(f"no annotations by {annotator!r} (no folder annotations/{annotator}){hint}", project.path)
    docs = list(corpus)
    for doc in track(docs, "reading annotations"):
        path = folder / f"{doc.id}.json"
        if not path.exists():
            out.skipped.append(doc.id)
            continue
        file = read_file(path)
        text = doc.text
        spans: list[dict[str, Any]] = []
        relations: list[dict[str, Any]] = []
        dropped: list[Dropped] = []
        fast = not file.meta.text_changed(doc)
        for s in file.spans if fast else ():
            if s.orphaned is not None:
                dropped.append(Dropped(doc.id, s.id, s.label, s.start, s.end, "orphaned: " + s.orphaned))
            elif s.fits(text):
                spans.append(_span_out(s))
            else:
                fast = False
                break
        if fast:
            ids = {s["id"] for s in spans}
            for r in file.relations:
                if r.orphaned is not None or r.head not in ids or r.tail not in ids:
                    dropped.append(Dropped(doc.id, r.id, r.label, -1, -1, "relation to a span that is not placed"))
                    continue
                relations.append({"id": r.id, "head": r.head, "tail": r.tail, "label": r.label})
        else:
            loaded = store.load(annotator, doc)
            out.notices.extend(loaded.report)
            ann = loaded.annotations
            dropped = []
            for orphan in ann.orphans:
                item = orphan.item
                start, end = (item.start, item.end) if isinstance(item, Span) else (-1, -1)
                dropped.append(Dropped(doc.id, item.id, item.label, start, end, "orphaned: " + orphan.reason))
            spans = [_span_out(s) for s in ann.spans.values()]
            relations = [{"id": r.id, "head": r.head, "tail": r.tail, "label": r.label} for r in ann.relations.values()]
        out.dropped.extend(dropped)
        spans.sort(key=_by_start)
        relations.sort(key=lambda r: (_num(r["id"]), r["id"]))
        out.records.append({
            "id": doc.id,
            "text": text,
            "meta": dict(doc.meta),
            "annotator": annotator,
            "spans": spans,
            "relations": relations,
        })
    known = set(corpus.ids)
    out.stray = [p.name for p in store.files(annotator) if p.stem not in known]
    if out.stray:
        shown = ", ".join(out.stray[:10]) + (f" and {len(out.stray) - 10} more" if len(out.stray) > 10 else "")
        out.notices.append(f"{folder}: {len(out.stray)} annotation file{'s' if len(out.stray) > 1 else ''} for documents "
                           f"not in seeds/ (removed, renamed, or a seed that could not be read); not exported: {shown}")
    return out


def _num(ident: str) -> int:
    digits = ident[1:]
    return int(digits) if digits.isdigit() else 0


# --------------------------------------------------------------------------- splits


def parse_split(value: str | None) -> tuple[float, ...] | None:
    if value is None or value == "":
        return None
    try:
        parts = tuple(float(p) for p in value.split(","))
    except ValueError:
        raise UserError(f"--split {value!r}: expected fractions such as 0.8,0.1,0.1") from None
    if not 1 <= len(parts) <= 3 or any(p < 0 for p in parts) or abs(sum(parts) - 1) > 1e-6:
        raise UserError(f"--split {value!r}: give one to three fractions (train, validation, test) that sum to 1")
    return parts


def split_records(records: list[Record], fractions: tuple[float, ...] | None, seed: int) -> dict[str, list[Record]]:
    """Assign whole documents to splits: ids sorted, shuffled with `random.Random(seed)`, cut by the
    fractions (rounded on the cumulative sum). The same ids, fractions and seed give the same splits."""
    if fractions is None:
        return {"data": list(records)}
    names = SPLIT_NAMES[len(fractions)]
    position = {r["id"]: i for i, r in enumerate(records)}
    order = sorted(records, key=lambda r: r["id"])
    random.Random(seed).shuffle(order)
    out: dict[str, list[Record]] = {}
    n, done, total = len(order), 0, 0.0
    for name, frac in zip(names, fractions):
        total += frac
        cut = n if name == names[-1] else round(total * n)
        chosen = order[done:cut]
        done = cut
        out[name] = sorted(chosen, key=lambda r: position[r["id"]])  # corpus order within a split
    return out


# --------------------------------------------------------------------------- output


MARKER = ".reader-export"
"""Written into every export folder: a folder holding it may be exported into again (its files are
replaced); any other folder that is not empty is refused, so an export never overwrites files it did
not write (a project's README.md, a folder of someone's data)."""


def check_out(root: Path) -> Path:
    """`--out` as a folder export may write into: new, empty, or an earlier export (it holds MARKER).

    Looks at the folder itself only (one directory entry at most), never walks the tree below it."""
    root = Path(root)
    try:
        if root.is_dir():
            if not (root / MARKER).is_file():
                with os.scandir(root) as entries:
                    if next(entries, None) is not None:
                        raise UserError(f"--out folder is not empty and is not an earlier export (no {MARKER} in it); "
                                        "nothing written: export into a new or empty folder", root)
        elif root.exists() or root.is_symlink():
            raise UserError("--out must be a folder, and this is a file", root)
    except OSError as exc:
        raise UserError(f"cannot use as --out ({exc.strerror or exc})", exc.filename or root) from None
    return root


def read_marker(root: Path) -> list[str]:
    """The files an earlier export into `root` wrote or left (relative paths), from its MARKER."""
    try:
        data = json.loads((root / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    names = list(data.get("files") or []) + list(data.get("left_from_earlier_exports") or [])
    return [n for n in names if isinstance(n, str)]


def write_marker(out: "Output", fmt: str, earlier: list[str]) -> list[str]:
    """Write MARKER listing this export's files; returns the files of earlier exports still there."""
    written = sorted({p.relative_to(out.root).as_posix() for p in out.files})
    stale = sorted({n for n in earlier if n not in written and n != MARKER and (out.root / n).is_file()})
    out.write_text(MARKER, pretty({"written_by": "reader export", "format": fmt, "files": written,
                                   "left_from_earlier_exports": stale}))
    return stale


class Output:
    """A folder of export files written deterministically, and what each format had to leave out."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise UserError("--out must be a folder", self.root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the --out folder ({exc.strerror or exc})", exc.filename or self.root) from None
        self.files: list[Path] = []
        self.dropped: list[Dropped] = []
        self.notes: list[str] = []
        """Format notes for the dataset card."""
        self.notices: list[str] = []
        """Lines for the terminal."""
        self.card_yaml: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        path = self.root / name
        if path.is_symlink():  # would write wherever it points: not a file of the export
            raise UserError("is a symbolic link; an export writes only its own files (remove the link first)", path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.files.append(path)
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.path(name)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return path

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.path(name)
        path.write_bytes(data)
        return path

    def open(self, name: str):
        return open(self.path(name), "w", encoding="utf-8", newline="\n")

    def drop(self, doc_id: str, item: str, label: str, start: int, end: int, reason: str) -> None:
        self.dropped.append(Dropped(doc_id, item, label, start, end, reason))


def dumps(value: Any) -> str:
    """Compact, sorted, UTF-8 JSON: the same record gives the same bytes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


# --------------------------------------------------------------------------- the dataset card


NO_PLACE_FOR: dict[str, tuple[str, ...]] = {
    "conll": ("attributes", "notes", "relations", "fragments"),
    "labelstudio": ("fragments",),
    "doccano": ("fragments",),
    "webanno": ("fragments",),
    "prodigy": ("fragments",),
}
"""What a format has no field for at all, besides what its exporter leaves out span by span
(`Output.drop`): the card lists every such attribute, note and relation of the annotator, and a
notice counts them on stderr. The formats not named here write all three (jsonl, spacy, brat,
doccano, labelstudio, w3c, csv, prodigy); a format that cannot must be named here or drop them.
`fragments`: the format has no discontinuous spans, so a span in fragments is written as one span
a fragment (`one_span_a_fragment`); the card lists every span so split, under its own heading
(they are in the files, in pieces). jsonl, brat, w3c and spacy keep fragments, and csv keeps a span
in fragments as one row: its pieces in a `fragments` column (`start-end;start-end`), its `text` their
texts joined by " … "."""


def _no_place(fmt: str, splits: dict[str, list[Record]]) -> list[tuple[str, str, str, str, str]]:
    """(document, item, label, extent, what) for everything `fmt` has no place for."""
    kinds = NO_PLACE_FOR.get(fmt, ())
    rows: list[tuple[str, str, str, str, str]] = []
    for recs in splits.values():
        for r in recs:
            spans = {s["id"]: s for s in r["spans"]}
            for s in r["spans"]:
                at = f"{s['start']}-{s['end']}"
                if "fragments" in kinds and s.get("fragments"):
                    n = len(s["fragments"])
                    rows.append((r["id"], s["id"], s["label"], ";".join(f"{a}-{b}" for a, b in s["fragments"]),
                                 f"fragments: written as {n} spans, {s['id']} and "
                                 + ", ".join(f"{s['id']}.{k}" for k in range(2, n + 1))))
                if "attributes" in kinds:
                    rows += [(r["id"], s["id"], s["label"], at, f"attribute {k}={v}") for k, v in sorted(s["attrs"].items())]
                if "notes" in kinds and s["note"]:
                    note = s["note"].replace("\n", " ")
                    rows.append((r["id"], s["id"], s["label"], at, f"note {note[:60]!r}"))
            if "relations" in kinds:
                for rel in r["relations"]:
                    head, tail = spans.get(rel["head"]), spans.get(rel["tail"])
                    at = f"{head['start']}-{head['end']}" if head else ""
                    rows.append((r["id"], rel["id"], rel["label"], at,
                                 f"relation {rel['head']} -> {rel['tail']}" + (f" ({tail['text'][:30]!r})" if tail else "")))
    return rows


def label_counts(records: Iterable[Record]) -> Counter:
    return Counter(s["label"] for r in records for s in r["spans"])


def write_card(out: Output, fmt: str, splits: dict[str, list[Record]], source: Records, options: dict[str, Any],
               label_order: Sequence[str]) -> None:
    """README.md beside the files: what is in them, how to load them, what was left out."""
    labels = list(label_order) + sorted({l for r in source.records for s in r["spans"] for l in [s["label"]]} - set(label_order))
    lines: list[str] = []
    if out.card_yaml:
        import yaml

        lines += ["---", yaml.safe_dump(out.card_yaml, sort_keys=True, allow_unicode=True).rstrip("\n"), "---", ""]
    lines += [
        f"# Dataset: {fmt} export",
        "",
        "Exported by `reader export` from an annotation project of news text: spans labelled "
        + ", ".join(f"`{l}`" for l in labels)
        + ", and `attributed_to` links from claims, quotes and allegations to their sources.",
        "",
        f"- Annotator: `{source.annotator}`" + (" (the adjudicated set)" if source.annotator == "gold" else ""),
        f"- Format: `{fmt}`" + "".join(f", {k} `{v}`" for k, v in sorted(options.items()) if v not in (None, "")),
        f"- Documents: {sum(len(v) for v in splits.values())}"
        + (f" ({len(source.skipped)} documents of the corpus have no annotations by `{source.annotator}` and are not included)"
           if source.skipped else ""),
        *([f"- Not included: {len(source.stray)} annotation files of `{source.annotator}` for documents that are not "
           "in the corpus: " + ", ".join(f"`{n}`" for n in source.stray)] if source.stray else []),
        "- Agreement: not computed by the export; see `reader diff`.",
        *([f"- Review: {sum(n for _, n, _, _ in source.unsettled)} of {sum(t for _, _, t, _ in source.unsettled)} "
           f"disagreements in {len(source.unsettled)} document(s) are not settled yet: those documents hold the "
           "agreements and the decisions made so far (see \"Not settled\")"] if source.unsettled else []),
        "",
        "## Splits",
        "",
        "| split | documents | spans | relations |",
        "|---|---:|---:|---:|",
    ]
    for name, recs in splits.items():
        lines.append(f"| {name} | {len(recs)} | {sum(len(r['spans']) for r in recs)} | {sum(len(r['relations']) for r in recs)} |")
    lines += ["", "## Labels (spans per split)", "", "| label | " + " | ".join(splits) + " |",
              "|---|" + "---:|" * len(splits)]
    counts = {name: label_counts(recs) for name, recs in splits.items()}
    for label in labels:
        lines.append(f"| {label} | " + " | ".join(str(counts[n][label]) for n in splits) + " |")
    if out.notes:
        lines += ["", "## Format notes", ""] + [f"- {n}" for n in out.notes]
    if source.unsettled:
        lines += ["", "## Not settled", "",
                  "Disagreements the review has not settled yet, as each document's review record says; "
                  "what the annotators disagree on there is in none of the files.", "",
                  "| document | not settled | disagreements | annotators |", "|---|---:|---:|---|"]
        lines += [f"| {d} | {n} | {t} | {', '.join(who)} |" for d, n, t, who in source.unsettled]
    dropped = list(source.dropped) + out.dropped
    everything = _no_place(fmt, splits)
    lost = [row for row in everything if not row[4].startswith("fragments: ")]
    split = [row for row in everything if row[4].startswith("fragments: ")]
    if split:
        lines += ["", "## Split into pieces", "",
                  f"`{fmt}` has no discontinuous spans: {len(split)} span{'s' if len(split) > 1 else ''} in fragments "
                  f"{'are' if len(split) > 1 else 'is'} written as one span a fragment (the first piece keeps the "
                  "span's id, the others are `<id>.2`, ...; each has the label and attributes, the first the note, "
                  "and each link of the span is written for every piece); every one is listed here.", "",
                  "| document | span | label | fragments | written as |", "|---|---|---|---|---|"]
        lines += [f"| {doc} | {item} | {label} | {at} | {what.split(': ', 1)[1]} |" for doc, item, label, at, what in split]
        out.notices.append(f"{len(split)} span{'s' if len(split) > 1 else ''} in fragments written as one span a "
                           f"fragment ({fmt} has no discontinuous spans); listed in {out.root / 'README.md'}")
    lines += ["", "## Not written", ""]
    if not dropped and not lost:
        lines.append("Nothing: every span, relation, attribute and note of the annotator is in the files.")
    if dropped:
        reasons = Counter(d.reason.split(":")[0] for d in dropped)
        lines.append(f"{len(dropped)} items could not be written ("
                     + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) + "); every one is listed here.")
        lines += ["", "| document | item | label | start | end | reason |", "|---|---|---|---:|---:|---|"]
        for d in dropped:
            lines.append(f"| {d.doc_id} | {d.item} | {d.label} | {d.start} | {d.end} | {d.reason.replace('|', '/')} |")
    if lost:
        kinds = Counter(what.split(" ")[0] for *_rest, what in lost)
        counted = ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in sorted(kinds.items()))
        places = [k for k in NO_PLACE_FOR[fmt] if k != "fragments"]
        lines += ["", f"`{fmt}` has no place for {', '.join(places)}: {counted} of the annotator are not in "
                  "the files; every one is listed here.", "",
                  "| document | item | label | at | not written |", "|---|---|---|---|---|"]
        lines += [f"| {doc} | {item} | {label} | {at} | {what.replace('|', '/')} |" for doc, item, label, at, what in lost]
        out.notices.append(f"not written, {fmt} has no place for them: {counted}; listed in {out.root / 'README.md'}")
    out.write_text("README.md", "\n".join(lines) + "\n")
