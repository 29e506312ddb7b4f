"""Label Studio: tasks JSON in and out, with the labelling config beside the export.

Export: a tasks file a split (`train.json`, ... or `data.json`) and `labeling_config.xml` (`Labels`
for the spans, `Relations` for the links, a per-region `Choices` for each attribute and a per-region
`TextArea` for the note). A task is `{"data": {<text key>, "doc_id", <meta>...}, "annotations":
[{"result": [...]}]}`: one `labels` result a span, one `choices` result an attribute and one
`textarea` result a note, all three with the span's region id, and one `relation` result a link
(`from_id` the claim, quote or allegation, `to_id` the source). A document imported from Label Studio
keeps the names it came with (`from_name`, `to_name`, the data key of `<Text value="$ner">`) and its
region ids (in the document's meta, `labelstudio`), and gets them back, so that an export can go
back into the project it came from and passes Label Studio's validation against that config.

Import reads what Label Studio exports and imports:

- the JSON export (`[{"data", "annotations": [{"result"}], "predictions"}]`, one task or a list),
  whatever the data key holds the text (`labeling_config.xml` beside the file says which; else `text`,
  the results' `to_name`, the key that holds every span's text, or the only string);
- flat tasks (`[{"text": ...}]`, as Label Studio imports them) and JSON-MIN exports (`[{"text",
  "label": [{"start", "end", "text", "labels"}], "annotator", "annotation_id", ...}]`; a key of
  results is the control's name; JSON-MIN has no relations and no region ids);
- `predictions` become suggestions (ghosts to accept or reject in the app, with the model version
  and score in their note), never spans; per-region `choices` become attributes, per-region
  `textarea` the note; task-level choices and text go into the document's meta; a cancelled
  (skipped) annotation is left out with a notice (`--keep-rejected` imports it), and so is every
  result of a type this corpus has no place for (rectangles, ratings, ...).

Notices and errors name the file and the task (`file: task 3: ...`). Label Studio's front end
counts UTF-16 code units: export with `--offsets utf16` for it, and import its exports with
`--offsets utf16` too.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from reader.core.errors import UserError
from reader.formats.common import (
    Output,
    Record,
    offset_converter,
    one_span_a_fragment,
    pretty,
)
from reader.formats.importing import Imported

DEFAULT_NAMES = {"from_name": "label", "to_name": "text", "data_key": "text", "note_name": "note"}
META_KEY = "labelstudio"
"""The document meta key under which the names and region ids of a Label Studio import are kept."""
META_OUT = ("file", "normalised", META_KEY)
BOOKKEEPING = ("id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement",
               "inner_id", "total_annotations", "cancelled_annotations", "total_predictions", "project",
               "updated_by", "file_upload", "comment_count", "unresolved_comment_count", "last_comment_updated_at",
               "comment_authors", "drafts", "meta", "doc_id")
"""Keys of a task (and of a JSON-MIN line) that are Label Studio's own bookkeeping, not document data."""

# --------------------------------------------------------------------------- export


def _names(records: list[Record]) -> tuple[dict[str, str], int]:
    """The control names of the export: those the documents imported from Label Studio came with (the
    first one's, for a name they disagree on), and how many documents came with other names."""
    found = [{k: v for k, v in (r["meta"].get(META_KEY) or {}).items() if k in DEFAULT_NAMES}
             for r in records if isinstance(r["meta"].get(META_KEY), dict)]
    names: dict[str, str] = {}
    for f in found:
        for k, v in f.items():
            names.setdefault(k, v)
    return {**DEFAULT_NAMES, **names}, sum(1 for f in found if any(names[k] != v for k, v in f.items()))


def _task_results(record: Record) -> list[dict[str, Any]]:
    """The task-level results (choices, text) this annotator's document came from Label Studio with."""
    kept = (record["meta"].get(META_KEY) or {}).get("task_results") or {}
    return [r for r in kept.get(record["annotator"]) or [] if isinstance(r, dict)]


def _attribute_names(schema: Any, records: list[Record]) -> dict[str, list[str]]:
    """Attribute -> its values, from the schema and the data (one per-region Choices each)."""
    values: dict[str, list[str]] = {}
    if schema is not None:
        for attrs in schema.attributes.values():
            for key, vals in attrs.items():
                values.setdefault(key, [])
                values[key] += [v for v in vals if v not in values[key]]
    for r in records:
        for s in r["spans"]:
            for key, value in s["attrs"].items():
                values.setdefault(key, [])
                if value not in values[key]:
                    values[key].append(value)
    return dict(sorted(values.items()))


def _control(key: str, names: dict[str, str]) -> str:
    """The Choices name of an attribute: its own, unless another tag has that name."""
    taken = {names["from_name"], names["to_name"], names["note_name"]}
    return key if key not in taken else f"attr_{key}"


def config(schema: Any, records: list[Record], names: dict[str, str] | None = None) -> str:
    names = names or dict(DEFAULT_NAMES)
    labels = list(schema.label_names) if schema is not None else []
    labels += sorted({s["label"] for r in records for s in r["spans"]} - set(labels))
    colours = {l.name: l.color for l in schema.labels} if schema is not None else {}
    rels = [r.name for r in schema.relations] if schema is not None else []
    rels += sorted({x["label"] for r in records for x in r["relations"]} - set(rels))
    to = quoteattr(names["to_name"])
    lines = ["<View>", f"  <Labels name={quoteattr(names['from_name'])} toName={to}>"]
    for label in labels:
        colour = f" background={quoteattr(colours[label])}" if label in colours else ""
        lines.append(f"    <Label value={quoteattr(label)}{colour}/>")
    lines += ["  </Labels>", f"  <Text name={to} value={quoteattr('$' + names['data_key'])}/>", "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(r)}/>" for r in rels]
    lines.append("  </Relations>")
    for key, values in _attribute_names(schema, records).items():
        lines.append(f"  <Choices name={quoteattr(_control(key, names))} toName={to} perRegion=\"true\" "
                     "visibleWhen=\"region-selected\">")
        lines += [f"    <Choice value={quoteattr(v)}/>" for v in values]
        lines.append("  </Choices>")
    lines.append(f"  <TextArea name={quoteattr(names['note_name'])} toName={to} perRegion=\"true\" "
                 "visibleWhen=\"region-selected\" editable=\"true\"/>")
    task_level: dict[tuple[str, str], list[str]] = {}
    for r in records:
        for item in _task_results(r):
            values = task_level.setdefault((str(item.get("from_name")), str(item.get("type"))), [])
            values += [str(c) for c in (item.get("value") or {}).get("choices") or [] if str(c) not in values]
    for (name, kind), values in sorted(task_level.items()):
        if kind == "choices":
            lines.append(f"  <Choices name={quoteattr(name)} toName={to}>")
            lines += [f"    <Choice value={quoteattr(v)}/>" for v in values]
            lines.append("  </Choices>")
        elif kind == "textarea":
            lines.append(f"  <TextArea name={quoteattr(name)} toName={to}/>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _results(record: Record, names: dict[str, str], to: Callable[[int], int]) -> list[dict[str, Any]]:
    kept = ((record["meta"].get(META_KEY) or {}).get("results") or {}).get(record["annotator"]) or {}
    rid: dict[str, str] = {}
    used: set[str] = set()
    for s in record["spans"]:
        ident = str(kept.get(s["id"], s["id"]))
        while ident in used:
            ident += "_"
        used.add(ident)
        rid[s["id"]] = ident
    base = {"to_name": names["to_name"]}
    result: list[dict[str, Any]] = []
    for s in record["spans"]:
        region = {"start": to(s["start"]), "end": to(s["end"]), "text": s["text"]}
        result.append({**base, "id": rid[s["id"]], "from_name": names["from_name"], "type": "labels",
                       "value": {**region, "labels": [s["label"]]}})
        for key, value in sorted(s["attrs"].items()):
            result.append({**base, "id": rid[s["id"]], "from_name": _control(key, names), "type": "choices",
                           "value": {**region, "choices": [value]}})
        if s["note"]:
            result.append({**base, "id": rid[s["id"]], "from_name": names["note_name"], "type": "textarea",
                           "value": {**{k: region[k] for k in ("start", "end")}, "text": [s["note"]]}})
    result += [
        {"from_id": rid[r["head"]], "to_id": rid[r["tail"]], "type": "relation", "direction": "right", "labels": [r["label"]]}
        for r in record["relations"]
    ]
    result += [{**item, **base} for item in _task_results(record)]
    return result


def export(out: Output, splits: dict[str, list[Record]], offsets: str = "codepoints", schema: Any = None, **_: Any) -> None:
    convert = offset_converter(offsets)
    everything = [r for v in splits.values() for r in v]
    names, others = _names(everything)
    out.write_text("labeling_config.xml", config(schema, everything, names))
    for name, records in splits.items():
        tasks = []
        for n, record in enumerate(records, 1):
            record = one_span_a_fragment(record)  # Label Studio has no discontinuous regions
            data: dict[str, Any] = {k: v for k, v in record["meta"].items() if k not in META_OUT}
            data.update({names["data_key"]: record["text"], "doc_id": record["id"]})
            tasks.append({"id": n, "data": data, "annotations": [
                {"result": _results(record, names, convert(record["text"])), "completed_by": record["annotator"]}]})
        out.write_text(f"{name}.json", pretty(tasks))
    unit = "UTF-16 code units (as Label Studio's front end counts)" if offsets == "utf16" else "code points"
    out.notes.append(f"Label Studio tasks JSON with `labeling_config.xml` (text `${names['data_key']}`, spans "
                     f"`{names['from_name']}`); span offsets in {unit}; attributes as per-region `choices`, notes as "
                     "per-region `textarea` results with the span's region id; links as `relation` results.")
    if others:
        out.notices.append(f"{others} documents were imported from Label Studio with other control names; written "
                           f"with {names['from_name']!r}/{names['to_name']!r} like the rest (one config for all)")


# --------------------------------------------------------------------------- import


def _config_key(file: Path) -> str | None:
    """The data key of the `<Text value="$key">` in a labeling_config.xml beside the file."""
    conf = file.parent / "labeling_config.xml"
    if not conf.is_file():
        return None
    try:
        root = ET.parse(conf).getroot()
    except (ET.ParseError, OSError) as exc:
        raise UserError(f"not a labelling config ({exc})", conf) from None
    for tag in root.iter():
        if tag.tag in ("Text", "HyperText") and str(tag.get("value", "")).startswith("$"):
            return str(tag.get("value"))[1:]
    return None


def _text_key(data: dict[str, Any], results: list[Any], config_key: str | None) -> str | None:
    """Which data key holds the text (see the module docstring)."""
    if config_key and isinstance(data.get(config_key), str):
        return config_key
    if isinstance(data.get("text"), str):
        return "text"
    for r in results:
        if isinstance(r, dict) and isinstance(data.get(r.get("to_name")), str):
            return r["to_name"]
    strings = [k for k, v in data.items() if isinstance(v, str) and k not in BOOKKEEPING]
    given = [r["value"]["text"] for r in results if isinstance(r, dict) and isinstance(r.get("value"), dict)
             and isinstance(r["value"].get("text"), str)]
    holding = [k for k in strings if given and all(t in data[k] for t in given)]
    if len(holding) == 1:
        return holding[0]
    return strings[0] if len(strings) == 1 else None


def _is_min_result(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, dict) and "start" in v and "end" in v for v in value)


def _min_results(items: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """JSON-MIN's `name: [values]` as results; regions at the same extent share an id."""
    out = []
    for name, values in items.items():
        for v in values:
            kind = ("labels" if any(k.endswith("labels") for k in v) else "choices" if "choices" in v
                    else "textarea" if isinstance(v.get("text"), list) else "unknown")
            out.append({"id": f"{v['start']}-{v['end']}", "from_name": name, "type": kind, "value": v})
    return out


class _Task:
    """One task's results turned into spans (or suggestions), attributes, notes and relations."""

    def __init__(self, doc: Imported, skipped: Counter) -> None:
        self.doc, self.skipped = doc, skipped
        self.names: dict[str, str] = {}

    def add(self, results: list[Any], prefix: str = "", about: dict[str, Any] | None = None) -> None:
        """Read one result list: an annotation's, or (with `prefix` and `about`, the prediction) a prediction's."""
        doc = self.doc
        ghost = bool(prefix)
        regions: dict[str, list[dict[str, Any]]] = {}
        later: list[dict[str, Any]] = []
        for item in results:
            if not isinstance(item, dict):
                raise TypeError(f"result {item!r} is not an object")
            value = item.get("value") if isinstance(item.get("value"), dict) else {}
            kind = str(item.get("type") or "")
            if kind == "relation":
                later.append(item)
                continue
            label_key = next((k for k in value if k.endswith("labels") and isinstance(value[k], list)), None)
            if label_key is not None and "start" in value and "end" in value:
                given = value.get("text") if isinstance(value.get("text"), str) else None
                key = prefix + str(item.get("id") or f"{value['start']}-{value['end']}")
                for label in value[label_key]:
                    add = doc.add_suggestion if ghost else doc.add_span
                    add(int(value["start"]), int(value["end"]), str(label), key, text=given,
                        note=_prediction_note(about, item) if ghost else "")
                    regions.setdefault(key, []).append((doc.suggested_spans if ghost else doc.spans)[-1])
                if not ghost:
                    self.names.setdefault("from_name", str(item.get("from_name") or DEFAULT_NAMES["from_name"]))
                    if item.get("to_name"):
                        self.names.setdefault("to_name", str(item["to_name"]))
            elif kind in ("choices", "textarea"):
                later.append(item)
            else:
                self.skipped[kind or "without a type"] += 1
        for item in later:
            value = item.get("value") if isinstance(item.get("value"), dict) else {}
            if item.get("type") == "relation":
                labels = item.get("labels") or ["attributed_to"]
                head, tail = prefix + str(item["from_id"]), prefix + str(item["to_id"])
                if item.get("direction") == "left":
                    head, tail = tail, head
                if ghost:
                    doc.add_suggested_relation(head, tail, str(labels[0]))
                else:
                    doc.add_relation(head, tail, str(labels[0]))
                continue
            name = str(item.get("from_name") or item["type"])
            spans = regions.get(prefix + str(item.get("id"))) or regions.get(
                f"{prefix}{value.get('start')}-{value.get('end')}", [])
            if item["type"] == "choices":
                choices = [str(c) for c in value.get("choices") or []]
                for span in spans:
                    span["attrs"][name] = ",".join(choices)
            else:
                text = "\n".join(str(t) for t in value.get("text") or [])
                for span in spans:
                    span["note"] = "\n".join(x for x in (span["note"], text) if x)
                if spans and not ghost:
                    self.names.setdefault("note_name", name)
            if not spans and not ghost:  # about the whole task: kept to be written back, and in the meta
                doc.meta[name] = value.get("choices") if item["type"] == "choices" else value.get("text")
                doc.keep_extra.setdefault("task_results", []).append(
                    {k: item[k] for k in ("id", "from_name", "type", "value") if k in item})


def _prediction_note(prediction: dict[str, Any] | None, item: dict[str, Any]) -> str:
    """A ghost's note: which model suggested it, and how sure it was (the region's score, else the prediction's)."""
    prediction = prediction or {}
    score = item.get("score", prediction.get("score"))
    about = ", ".join(x for x in (str(prediction.get("model_version") or ""),
                                  f"score {score}" if score is not None else "") if x)
    return "Label Studio prediction" + (f" ({about})" if about else "")


def read(path: Path, offsets: str = "codepoints", keep_rejected: bool = False) -> list[Imported]:
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
        first = len(out)
        counts: Counter = Counter()
        skipped: Counter = Counter()
        seen_tasks: set[Any] = set()
        config_key = _config_key(file)
        for n, task in enumerate(tasks, 1):
            if not isinstance(task, dict):
                raise UserError(f"task {n}: not an object", file)
            if "data" not in task and "annotation_id" in task and task.get("id") is not None:
                if task["id"] in seen_tasks:  # JSON-MIN: one line per annotation of a task
                    counts["more annotations"] += 1
                    continue
                seen_tasks.add(task["id"])
            try:
                doc = _read_task(file, n, task, offsets, keep_rejected, config_key, counts, skipped)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                raise UserError(f"task {n}: malformed result ({exc!r})", file) from None
            out.append(doc)
        if len(out) > first:
            out[first].notices.extend(_file_notices(file, counts, skipped))
    return out


def _file_notices(file: Path, counts: Counter, skipped: Counter) -> list[str]:
    notices = []
    if counts["more annotations"]:
        notices.append(f"{file}: {counts['more annotations']} tasks have more than one annotation; the first of each "
                       "is imported")
    if counts["cancelled"]:
        notices.append(f"{file}: {counts['cancelled']} cancelled (skipped) annotations not imported; "
                       "--keep-rejected imports them")
    if counts["predictions"]:
        notices.append(f"{file}: {counts['predictions']} predictions imported as suggestions (ghosts to accept or "
                       "reject), not as spans")
    if counts["json-min"]:
        notices.append(f"{file}: a JSON-MIN export: it holds no relations and no region ids")
    if skipped:
        notices.append(f"{file}: results this corpus has no place for, not imported: "
                       + ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items())))
    return notices


def _read_task(file: Path, n: int, task: dict[str, Any], offsets: str, keep_rejected: bool, config_key: str | None,
               counts: Counter, skipped: Counter) -> Imported:
    if isinstance(task.get("data"), dict):
        data = dict(task["data"])
        groups = task.get("annotations") or task.get("completions") or []
        minimal: list[dict[str, Any]] = []
    else:  # a flat task, or a JSON-MIN line: the task is its data
        data = {k: v for k, v in task.items() if k not in ("annotations", "completions", "predictions")}
        found = {k: data.pop(k) for k in [k for k, v in data.items() if _is_min_result(v)]}
        minimal = _min_results(found)
        groups = [{"result": minimal}] if minimal else []
        counts["json-min"] += bool(minimal) or "annotation_id" in task
    if not isinstance(groups, list):
        raise TypeError("'annotations' is not a list")
    cancelled = [g for g in groups if isinstance(g, dict) and (g.get("was_cancelled") or g.get("skipped"))]
    if not keep_rejected:
        counts["cancelled"] += len(cancelled)
        groups = [g for g in groups if g not in cancelled]
    if len(groups) > 1:
        counts["more annotations"] += 1
    results = (groups[0].get("result") or []) if groups else []
    key = _text_key(data, results, config_key)
    if key is None:
        raise UserError(f"task {n}: which data key holds the text? none is 'text' and "
                        f"{', '.join(sorted(data)) or 'data is empty'} do not say (put the project's "
                        "labeling_config.xml, with its <Text value=\"$key\">, beside the file)", file)
    doc_id = data.pop("doc_id", None) or task.get("id") or f"{file.stem}-{n}"
    text = data.pop(key)
    full = isinstance(task.get("data"), dict)
    meta = {k: v for k, v in data.items() if full or k not in BOOKKEEPING}  # a flat line's own bookkeeping goes
    if isinstance(task.get("meta"), dict):
        meta.update(task["meta"])
    doc = Imported(str(doc_id), text, meta, file, None, offsets=offsets, place=f"task {n}")
    reading = _Task(doc, skipped)
    reading.add(results)
    for i, prediction in enumerate(task.get("predictions") or [], 1):
        if not isinstance(prediction, dict):
            raise TypeError(f"prediction {prediction!r} is not an object")
        reading.add(prediction.get("result") or [], prefix=f"p{i}:", about=prediction)
        counts["predictions"] += 1
    names = {**reading.names, "data_key": key}  # only the names this task shows
    if minimal and "to_name" not in reading.names:
        names["to_name"] = key  # JSON-MIN does not say; `<Text name="text" value="$text">` is the usual pairing
    if not minimal:
        doc.keep_ids = META_KEY
    if any(DEFAULT_NAMES[k] != v for k, v in names.items()):
        doc.meta[META_KEY] = dict(sorted(names.items()))
    return doc
