"""doccano JSONL: sequence labelling (`{"text", "label": [[start, end, label], ...]}`) or, with
`--doccano-layout relation` (the default, since links are the point of this corpus), the relation
project layout (`{"text", "entities": [{"id", "label", "start_offset", "end_offset"}],
"relations": [{"id", "from_id", "type", "to_id"}]}`).

doccano's front end counts UTF-16 code units: export with `--offsets utf16` for it (an emoji with a
skin tone is 4 units, 2 code points), and import its files with `--offsets utf16` too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.core.errors import UserError
from reader.files.corpus import jsonl_records
from reader.formats.common import Output, Record, dumps, offset_converter
from reader.formats.importing import Imported


def export(out: Output, splits: dict[str, list[Record]], offsets: str = "codepoints", layout: str = "relation", **_: Any) -> None:
    convert = offset_converter(offsets)
    for name, records in splits.items():
        with out.open(f"{name}.jsonl") as handle:
            for record in records:
                to = convert(record["text"])
                number = {s["id"]: n for n, s in enumerate(record["spans"], 1)}
                line: dict[str, Any] = {"id": record["id"], "text": record["text"]}
                if layout == "seq":
                    line["label"] = [[to(s["start"]), to(s["end"]), s["label"]] for s in record["spans"]]
                else:
                    line["entities"] = [
                        {"id": number[s["id"]], "label": s["label"], "start_offset": to(s["start"]), "end_offset": to(s["end"])}
                        for s in record["spans"]
                    ]
                    line["relations"] = [
                        {"id": n, "from_id": number[r["head"]], "to_id": number[r["tail"]], "type": r["label"]}
                        for n, r in enumerate(record["relations"], 1)
                    ]
                handle.write(dumps(line) + "\n")
    unit = "UTF-16 code units (as doccano's front end counts)" if offsets == "utf16" else "code points"
    if layout == "seq":
        out.notes.append(f"doccano sequence labelling JSONL: `text`, `label` = [start, end, label]; offsets in {unit}; relations are not in this layout.")
        rels = sum(len(r["relations"]) for recs in splits.values() for r in recs)
        if rels:
            out.notices.append(f"{rels} relations not written (use --doccano-layout relation)")
    else:
        out.notes.append(f"doccano relation JSONL: `text`, `entities`, `relations` (`from_id`/`to_id` are entity ids); offsets in {unit}.")


def read(path: Path, offsets: str = "codepoints") -> list[Imported]:
    files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
    out: list[Imported] = []
    for file in files:
        try:
            raw = file.read_text("utf-8")
        except UnicodeDecodeError:
            raise UserError("not UTF-8", file) from None
        for number, rec in jsonl_records(file, raw):
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise UserError("each line needs a string 'text'", file, number)
            doc_id = rec.get("id", f"{file.stem}-{number}")
            meta = {k: v for k, v in rec.items() if k not in ("id", "text", "label", "labels", "entities", "relations")
                    and isinstance(v, (str, int, float, bool))}
            doc = Imported(str(doc_id), rec["text"], meta, file, number, offsets=offsets)
            try:
                for start, end, label in rec.get("label") or rec.get("labels") or []:
                    doc.add_span(int(start), int(end), str(label))
                for ent in rec.get("entities") or []:
                    doc.add_span(int(ent["start_offset"]), int(ent["end_offset"]), str(ent["label"]), ent.get("id"))
                for rel in rec.get("relations") or []:
                    doc.add_relation(rel["from_id"], rel["to_id"], str(rel["type"]), None)
            except (KeyError, TypeError, ValueError) as exc:
                raise UserError(f"malformed doccano label ({exc!r})", file, number) from None
            out.append(doc)
    return out
