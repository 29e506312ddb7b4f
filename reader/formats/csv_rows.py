"""CSV, one row a span, for spreadsheets and pandas: `doc_id, annotator, span_id, start, end, label,
text, attrs, note, sources, source_texts, fragments` (`attrs` as JSON; `sources` the ids of the spans
it is `attributed_to`, joined by `;`, and their texts joined by ` | `). Documents without spans have
no row; the card counts them. Written with `\\n` line ends, every field quoted where it must be.

A span in fragments (a quote split by its attribution) stays one row, so that a row is still a span
and its `sources` still name it once: `fragments` holds its pieces as `start-end;start-end` (empty
for a span in one piece), `start` and `end` run from the first piece to the last, and `text` is the
pieces' texts joined by ` … ` (`Span.joined_text`), without the words between them. The column
comes last so that a reader of the columns before it by position reads them as before.
"""

from __future__ import annotations

import csv
from typing import Any

from reader.core.model import JOINER
from reader.formats.common import Output, Record, dumps, offset_converter

COLUMNS = ["doc_id", "annotator", "span_id", "start", "end", "label", "text", "attrs", "note", "sources", "source_texts",
           "fragments"]


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
                    frags = s.get("fragments") or ()
                    writer.writerow([record["id"], record["annotator"], s["id"], to(s["start"]), to(s["end"]), s["label"],
                                     _text(record["text"], s), dumps(s["attrs"]), s["note"], ";".join(tails),
                                     " | ".join(_text(record["text"], by_id[t]) for t in tails),
                                     ";".join(f"{to(a)}-{to(b)}" for a, b in frags)])
    unit = "UTF-16 code units" if offsets == "utf16" else "code points"
    out.notes.append(f"CSV, one row a span: {', '.join(f'`{c}`' for c in COLUMNS)}; offsets in {unit}; "
                     "`sources` are the span ids the row is attributed to; a span in fragments is one row, its "
                     "pieces in `fragments` (`start-end;start-end`) and its `text` their texts joined by ` … `.")


def _text(text: str, span: Record) -> str:
    """What the span says: its pieces' texts joined by " … " for a span in fragments."""
    frags = span.get("fragments")
    return JOINER.join(text[a:b] for a, b in frags) if frags else span["text"]
