"""Label Studio: a tasks JSON file a split (`train.json`, ... or `data.json`) with the labelling
config beside it (`labeling_config.xml`: `Labels` for the spans, `Relations` for the links).

Each task is `{"data": {"text", "doc_id"}, "annotations": [{"result": [...]}]}`: one `labels` result
a span (its `id` is the span id) and one `relation` result a link (`from_id` the claim, quote or
allegation, `to_id` the source). Label Studio's front end counts UTF-16 code units: export with
`--offsets utf16` for it, and import its exports with `--offsets utf16` too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from reader.core.errors import UserError
from reader.formats.common import Output, Record, offset_converter, pretty
from reader.formats.importing import Imported


def config(schema: Any, records: list[Record]) -> str:
    labels = list(schema.label_names) if schema is not None else []
    labels += sorted({s["label"] for r in records for s in r["spans"]} - set(labels))
    colours = {l.name: l.color for l in schema.labels} if schema is not None else {}
    rels = [r.name for r in schema.relations] if schema is not None else []
    rels += sorted({x["label"] for r in records for x in r["relations"]} - set(rels))
    lines = ["<View>", '  <Labels name="label" toName="text">']
    for label in labels:
        colour = f" background={quoteattr(colours[label])}" if label in colours else ""
        lines.append(f"    <Label value={quoteattr(label)}{colour}/>")
    lines += ["  </Labels>", '  <Text name="text" value="$text"/>', "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(r)}/>" for r in rels]
    lines += ["  </Relations>", "</View>"]
    return "\n".join(lines) + "\n"


def export(out: Output, splits: dict[str, list[Record]], offsets: str = "codepoints", schema: Any = None, **_: Any) -> None:
    convert = offset_converter(offsets)
    out.write_text("labeling_config.xml", config(schema, [r for v in splits.values() for r in v]))
    for name, records in splits.items():
        tasks = []
        for n, record in enumerate(records, 1):
            to = convert(record["text"])
            result: list[dict[str, Any]] = [
                {"id": s["id"], "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": to(s["start"]), "end": to(s["end"]), "text": s["text"], "labels": [s["label"]]}}
                for s in record["spans"]
            ]
            result += [
                {"from_id": r["head"], "to_id": r["tail"], "type": "relation", "direction": "right", "labels": [r["label"]]}
                for r in record["relations"]
            ]
            tasks.append({"id": n, "data": {"text": record["text"], "doc_id": record["id"]},
                          "annotations": [{"result": result, "completed_by": record["annotator"]}]})
        out.write_text(f"{name}.json", pretty(tasks))
    unit = "UTF-16 code units (as Label Studio's front end counts)" if offsets == "utf16" else "code points"
    out.notes.append(f"Label Studio tasks JSON with `labeling_config.xml`; span offsets in {unit}; links as `relation` results.")


def read(path: Path, offsets: str = "codepoints") -> list[Imported]:
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    out: list[Imported] = []
    for file in files:
        try:
            tasks = json.loads(file.read_text("utf-8"))
        except UnicodeDecodeError:
            raise UserError("not UTF-8", file) from None
        except json.JSONDecodeError as exc:
            raise UserError(f"not valid JSON ({exc.msg})", file, exc.lineno) from None
        if isinstance(tasks, dict):
            tasks = [tasks]
        if not isinstance(tasks, list):
            raise UserError("expected a list of Label Studio tasks", file)
        for n, task in enumerate(tasks, 1):
            data = task.get("data") if isinstance(task, dict) else None
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                raise UserError(f"task {n}: needs data.text", file)
            doc_id = data.get("doc_id") or task.get("id") or f"{file.stem}-{n}"
            meta = {k: v for k, v in data.items() if k not in ("text", "doc_id") and isinstance(v, (str, int, float, bool))}
            doc = Imported(str(doc_id), data["text"], meta, file, None, offsets=offsets)
            groups = task.get("annotations") or task.get("completions") or []
            if len(groups) > 1:
                doc.notices.append(f"{file}: task {n} has {len(groups)} annotations; the first is imported")
            try:
                for item in (groups[0].get("result") or []) if groups else []:
                    if item.get("type") == "relation":
                        labels = item.get("labels") or ["attributed_to"]
                        head, tail = item["from_id"], item["to_id"]
                        if item.get("direction") == "left":
                            head, tail = tail, head
                        doc.add_relation(head, tail, str(labels[0]))
                    elif "start" in (item.get("value") or {}):
                        value = item["value"]
                        for label in value.get("labels") or value.get("hypertextlabels") or []:
                            given = value.get("text")
                            doc.add_span(int(value["start"]), int(value["end"]), str(label), item.get("id"),
                                         text=given if isinstance(given, str) else None)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                raise UserError(f"task {n}: malformed result ({exc!r})", file) from None
            out.append(doc)
    return out
