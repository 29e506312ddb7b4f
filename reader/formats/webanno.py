"""W3C Web Annotation (JSON-LD): one `AnnotationCollection` a split (`train.jsonld`, ... or
`data.jsonld`), the texts beside it (`texts/<doc>.txt`, the annotations' target sources).

A span is an annotation with `motivation: "classifying"`, a `TextualBody` with the label (and one
`describing` body for a note), and a target with both a `TextPositionSelector` (code points, as the
model defines them: Python's offsets) and a `TextQuoteSelector` (`exact` with 32 characters of
`prefix` and `suffix`), so a consumer can anchor it even if the text moved. A link is an annotation
with `motivation: "linking"` whose target is the claim, quote or allegation annotation and whose
body is the source annotation (W3C Web Annotation Data Model, 3.3.5 and 4.2.1).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from reader.formats.common import Output, Record, pretty

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
AFFIX = 32


def annotations(record: Record, base: str) -> list[dict[str, Any]]:
    text = record["text"]
    doc = quote(record["id"])
    source = f"texts/{doc}.txt"
    items: list[dict[str, Any]] = []
    for s in record["spans"]:
        body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "classifying", "value": s["label"]}]
        for key, value in sorted(s["attrs"].items()):
            body.append({"type": "TextualBody", "purpose": "tagging", "value": f"{key}={value}"})
        if s["note"]:
            body.append({"type": "TextualBody", "purpose": "describing", "value": s["note"]})
        items.append({
            "id": f"{base}{doc}/{s['id']}",
            "type": "Annotation",
            "motivation": "classifying",
            "creator": record["annotator"],
            "body": body,
            "target": {
                "source": source,
                "selector": [
                    {"type": "TextPositionSelector", "start": s["start"], "end": s["end"]},
                    {"type": "TextQuoteSelector", "exact": s["text"],
                     "prefix": text[max(0, s["start"] - AFFIX):s["start"]], "suffix": text[s["end"]:s["end"] + AFFIX]},
                ],
            },
        })
    for r in record["relations"]:
        items.append({
            "id": f"{base}{doc}/{r['id']}",
            "type": "Annotation",
            "motivation": "linking",
            "creator": record["annotator"],
            "body": [{"id": f"{base}{doc}/{r['tail']}"}, {"type": "TextualBody", "purpose": "tagging", "value": r["label"]}],
            "target": f"{base}{doc}/{r['head']}",
        })
    return items


def export(out: Output, splits: dict[str, list[Record]], **_: Any) -> None:
    for name, records in splits.items():
        base = "urn:reader:"
        items = []
        for record in records:
            out.write_text(f"texts/{record['id']}.txt", record["text"])
            items.extend(annotations(record, base))
        out.write_text(f"{name}.jsonld", pretty({
            "@context": CONTEXT,
            "id": f"{base}collection/{name}",
            "type": "AnnotationCollection",
            "label": f"reader export, {name}",
            "total": len(items),
            "first": {"type": "AnnotationPage", "id": f"{base}collection/{name}/1", "startIndex": 0, "items": items},
        }))
    out.notes.append("W3C Web Annotation JSON-LD: spans as `classifying` annotations with TextPositionSelector "
                     "(code points) and TextQuoteSelector; links as `linking` annotations (target: the claim/quote/"
                     "allegation, body: the source); texts in `texts/`.")
