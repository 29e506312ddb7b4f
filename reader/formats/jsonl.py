"""The canonical export: one document a line, lossless, and loadable with `datasets.load_dataset("json")`.

Every line has the same keys and types (`meta` as written by the corpus, `attrs` as a mapping of
strings), so Arrow infers one schema for the whole file. With `--offsets utf16` the span offsets count
UTF-16 code units instead of code points (for JavaScript tools); the card says which.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.core.errors import UserError
from reader.files.corpus import jsonl_records
from reader.formats.common import Output, Record, dumps, offset_converter
from reader.formats.importing import Imported
from reader.formats.prodigy import looks_like_prodigy, read_records


def record_line(record: Record, convert=None) -> str:
    if convert is not None:
        to = convert(record["text"])
        record = {**record, "spans": [{**s, "start": to(s["start"]), "end": to(s["end"])} for s in record["spans"]]}
    return dumps(record)


def export(out: Output, splits: dict[str, list[Record]], offsets: str = "codepoints", **_: Any) -> None:
    convert = offset_converter(offsets) if offsets == "utf16" else None
    for name, records in splits.items():
        with out.open(f"{name}.jsonl") as handle:
            for record in records:
                handle.write(record_line(record, convert))
                handle.write("\n")
    out.notes.append(
        "One document a line: `id`, `text`, `meta`, `annotator`, `spans` (`id`, `start`, `end`, `label`, "
        "`text`, `attrs`, `note`) and `relations` (`id`, `head`, `tail`, `label`: span ids). "
        + ("Offsets count UTF-16 code units." if offsets == "utf16" else "Offsets count code points, `text[start:end]` is the span.")
    )
    files = {n: f"{n}.jsonl" for n in splits}
    out.card_yaml["configs"] = [{"config_name": "default", "data_files": [{"split": n, "path": f} for n, f in files.items()]}]


def read(path: Path, offsets: str = "codepoints", keep_rejected: bool = False) -> list[Imported]:
    """Documents of a jsonl export (ours, or any `{"id", "text", "spans"?: [...]}` lines); a folder: its *.jsonl.

    A file with Prodigy's keys (`_input_hash`, `answer`, `tokens`, token offsets on spans, ...) is
    Prodigy's, whose tasks have no id: it is read by `prodigy.read_records` (see there), and so is a
    file of lines without ids (Prodigy's input files): their ids are derived, with a notice."""
    if Path(path).is_dir():
        return [doc for file in sorted(Path(path).rglob("*.jsonl")) for doc in read(file, offsets, keep_rejected)]
    out: list[Imported] = []
    try:
        raw = Path(path).read_text("utf-8")
    except UnicodeDecodeError:
        raise UserError("not UTF-8", path) from None
    records = list(jsonl_records(path, raw))
    if any(looks_like_prodigy(rec) or (isinstance(rec, dict) and "id" not in rec) for _n, rec in records):
        return read_records(path, records, offsets, keep_rejected)
    for number, rec in records:
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or not isinstance(rec.get("id"), (str, int)):
            raise UserError("each line needs an 'id' and a string 'text'", path, number)
        spans, rels = rec.get("spans") or [], rec.get("relations") or []
        if not isinstance(spans, list) or not isinstance(rels, list):
            raise UserError("'spans' and 'relations' must be lists", path, number)
        doc = Imported(str(rec["id"]), rec["text"], dict(rec.get("meta") or {}), path, number,
                       annotator=rec.get("annotator") if isinstance(rec.get("annotator"), str) else None,
                       offsets=offsets)
        for s in spans:
            try:
                doc.add_span(int(s["start"]), int(s["end"]), str(s["label"]), s.get("id"),
                             {str(k): str(v) for k, v in (s.get("attrs") or {}).items()}, str(s.get("note") or ""),
                             s.get("text"))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise UserError(f"malformed span ({exc!r})", path, number) from None
        for r in rels:
            try:
                doc.add_relation(str(r["head"]), str(r["tail"]), str(r.get("label") or "attributed_to"), r.get("id"))
            except (KeyError, TypeError, AttributeError) as exc:
                raise UserError(f"malformed relation ({exc!r})", path, number) from None
        out.append(doc)
    return out
