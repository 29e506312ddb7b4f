"""CSV, one row a span, for spreadsheets and pandas: `doc_id, annotator, span_id, start, end, label,
text, attrs, note, sources, source_texts` (`attrs` as JSON; `sources` the ids of the spans it is
`attributed_to`, joined by `;`, and their texts joined by ` | `). Documents without spans have no
row; the card counts them. Written with `\\n` line ends, every field quoted where it must be.
"""

from __future__ import annotations

import csv
from typing import Any

from reader.formats.common import Output, Record, dumps, offset_converter

COLUMNS = ["doc_id", "annotator", "span_id", "start", "end", "label", "text", "attrs", "note", "sources", "source_texts"]


def export(out: Output, splits: dict[str, list[Record]], offsets: str = "codepoints", **_: Any) -> None:
    convert = offset_converter(offsets)
    for name, records in splits.items():
        with out.open(f"{name}.csv") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            for record in records:
                to = convert(record["text"])
                by_id = {s["id"]: s for s in record["spans"]}
                for s in record["spans"]:
                    tails = [r["tail"] for r in record["relations"] if r["head"] == s["id"]]
                    writer.writerow([record["id"], record["annotator"], s["id"], to(s["start"]), to(s["end"]), s["label"],
                                     s["text"], dumps(s["attrs"]), s["note"], ";".join(tails),
                                     " | ".join(by_id[t]["text"] for t in tails)])
    unit = "UTF-16 code units" if offsets == "utf16" else "code points"
    out.notes.append(f"CSV, one row a span: {', '.join(f'`{c}`' for c in COLUMNS)}; offsets in {unit}; "
                     "`sources` are the span ids the row is attributed to.")
