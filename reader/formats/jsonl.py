"""The canonical export: one document a line, lossless, and loadable with `datasets.load_dataset("json")`.

Every line has the same keys and types (`meta` as written by the corpus, `attrs` as a mapping of
strings), so Arrow infers one schema for the whole file. With `--offsets utf16` the span offsets count
UTF-16 code units instead of code points (for JavaScript tools); the card says which.

A span in fragments has `"fragments": [[start, end], ...]` besides its `start` (the first one's) and
`end` (the last one's), and its `text` is the text from `start` to `end`; a span in one piece has no
such key (Arrow gives it `null`), so a corpus without fragments exports as it did. Import reads the
key back, and joins spans marked as the fragments of one quotation the way the German quotation
corpus marks them (`../shared/corpora/de-quotes/`: attributes `unit`, the quotation, and `fragment:
k/n`): spans of one label whose `unit` is the same become one span in fragments, without those two
attributes, their links made once (a notice counts them). A span whose `fragment` is not `k/n`, or
whose unit's fragments do not add up (a 2/3 without its 3/3), is imported as it is, with a notice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise
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
        record = {**record, "spans": [{**s, "start": to(s["start"]), "end": to(s["end"]),
                                       **({"fragments": [[to(a), to(b)] for a, b in s["fragments"]]} if "fragments" in s else {})}
                                      for s in record["spans"]]}
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
        "`text`, `attrs`, `note`, and `fragments` = [[start, end], ...] for a span in pieces, whose `text` then runs "
        "from the first piece to the last) and `relations` (`id`, `head`, `tail`, `label`: span ids). "
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
    counts = [0, 0, 0]
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
                frags = s.get("fragments")
                doc.add_span(int(s["start"]), int(s["end"]), str(s["label"]), s.get("id"),
                             {str(k): str(v) for k, v in (s.get("attrs") or {}).items()}, str(s.get("note") or ""),
                             s.get("text"), fragments=[(int(a), int(b)) for a, b in frags] if frags else None)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise UserError(f"malformed span ({exc!r})", path, number) from None
        for r in rels:
            try:
                doc.add_relation(str(r["head"]), str(r["tail"]), str(r.get("label") or "attributed_to"), r.get("id"))
            except (KeyError, TypeError, AttributeError) as exc:
                raise UserError(f"malformed relation ({exc!r})", path, number) from None
        joined = join_marked_fragments(doc)
        counts = [a + b for a, b in zip(counts, joined)]
        out.append(doc)
    if counts[1]:
        pieces, spans, whole = counts
        out[0].notices.append(
            f"{path}: {pieces} spans marked as fragments (attributes unit, fragment k/n) joined into {spans} "
            f"span{'s' if spans > 1 else ''} in fragments" + (f", {whole} more into one piece each (only whitespace "
                                                              "between their fragments)" if whole else ""))
    return out


_PLACE = re.compile(r"([1-9]\d*)/([1-9]\d*)")


def join_marked_fragments(doc: Imported) -> tuple[int, int, int]:
    """Spans marked `unit`=U and `fragment`=k/n (one label, n of them, k = 1..n) -> one span in fragments;
    (spans joined, spans in fragments they became, spans in one piece they became: only whitespace
    between the fragments).

    The joined span takes the first fragment's key (so links to any fragment end on it), the union of
    the fragments' other attributes and their notes; `unit` and `fragment` go (the span is the unit)."""
    units: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for s in doc.spans:
        if "unit" in s["attrs"] and "fragment" in s["attrs"] and "fragments" not in s:
            units[(s["label"], s["attrs"]["unit"])].append(s)
    if not units:
        return 0, 0, 0
    joined = whole = kept = 0
    merged_into: dict[str, str] = {}
    gone: set[int] = set()
    for (label, unit), members in units.items():
        places = [_PLACE.fullmatch(m["attrs"]["fragment"]) for m in members]
        numbered = sorted((int(p.group(1)), int(p.group(2))) for p in places if p)
        if numbered != [(k, len(members)) for k in range(1, len(members) + 1)]:  # 1/n ... n/n, once each
            kept += len(members)
            doc.notices.append(f"{where_of(doc, members[0])}: {label} unit {unit!r}: fragments "
                               f"{', '.join(m['attrs']['fragment'] for m in members)} do not add up; imported as they are")
            continue
        members.sort(key=lambda m: (m["start"], m["end"]))
        first = members[0]
        attrs = {k: v for m in members for k, v in m["attrs"].items() if k not in ("unit", "fragment")}
        apart = any(doc.text[a["end"] : b["start"]].strip() for a, b in pairwise(members))
        first.update(start=members[0]["start"], end=members[-1]["end"], text=None, attrs=attrs,
                     note="\n".join(dict.fromkeys(m["note"] for m in members if m["note"])),
                     fragments=[(m["start"], m["end"]) for m in members])
        if apart:
            joined += 1
        else:  # only whitespace (or nothing) between them: one piece
            del first["fragments"]
            whole += 1
        for m in members[1:]:
            merged_into[m["key"]] = first["key"]
            gone.add(id(m))
    doc.spans = [s for s in doc.spans if id(s) not in gone]
    for r in doc.relations:
        r["head"], r["tail"] = merged_into.get(r["head"], r["head"]), merged_into.get(r["tail"], r["tail"])
    return sum(len(m) for m in units.values()) - kept, joined, whole


def where_of(doc: Imported, span: dict[str, Any]) -> str:
    return f"{doc.path}:{span['line'] or doc.line}"
