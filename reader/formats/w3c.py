"""W3C Web Annotation (JSON-LD): one `AnnotationCollection` a split (`train.jsonld`, ... or
`data.jsonld`), the texts beside it (`texts/<doc>.txt`, the annotations' target sources).

A span is an annotation with `motivation: "classifying"`, a `TextualBody` with the label (and one
`describing` body for a note), and a target with both a `TextPositionSelector` (code points, as the
model defines them: Python's offsets) and a `TextQuoteSelector` (`exact` with `prefix` and `suffix`),
so a consumer can anchor it even if the text moved. A link is an annotation with `motivation:
"linking"` whose target is the claim, quote or allegation annotation and whose body is the source
annotation (W3C Web Annotation Data Model, 3.3.5 and 4.2.1).

The model says prefix and suffix should make the quote unique in its source. 32 characters of each
do not when a passage repeats (a quote said twice, boilerplate, a list of `"lies"` and `"lies"`), so
both grow (doubling) until `prefix + exact + suffix` occurs once in the text, compared exactly and
also case-insensitively (anchorpoint, like several clients, matches ignoring case), or until they
reach the ends of the text, where it is unique by construction.

A span in fragments (a quote split by its attribution) has one target a fragment, each with its own
two selectors, in a `List` (section 3.2.7: an ordered list of resources, all of which the annotation
is about), in text order. Not a `Choice`: a Choice offers alternatives, of which a client shows one,
and a quote is all of its pieces. A span in one piece keeps its single target.

This format was called `webanno` before; that name now means WebAnno TSV 3.3 (`webanno_tsv`), as
INCEpTION and WebAnno users use it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from reader.formats.common import Output, Record, pretty

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
AFFIX = 32


def _occurs_once(haystack: str, needle: str) -> bool:
    first = haystack.find(needle)
    return first >= 0 and haystack.find(needle, first + 1) < 0


def quote_context(text: str, start: int, end: int, folded: str | None = None) -> tuple[str, str]:
    """`(prefix, suffix)` around `text[start:end]`, AFFIX characters each, longer where needed so that
    the quote with its context occurs exactly once in `text` (and in `folded`, its lower-case form
    when that keeps the offsets: `str.lower` may change lengths, then only the exact check applies)."""
    n = AFFIX
    while True:
        prefix, suffix = text[max(0, start - n):start], text[end:end + n]
        quote = prefix + text[start:end] + suffix
        unique = _occurs_once(text, quote) and (folded is None or _occurs_once(folded, quote.lower()))
        if unique or (start - n <= 0 and end + n >= len(text)):
            return prefix, suffix
        n *= 2


def annotations(record: Record, base: str) -> list[dict[str, Any]]:
    text = record["text"]
    doc = quote(record["id"])
    source = f"texts/{doc}.txt"
    items: list[dict[str, Any]] = []
    lowered = text.lower()
    folded = lowered if len(lowered) == len(text) else None
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
            "target": _target(text, source, s, folded),
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


def _piece(text: str, source: str, start: int, end: int, folded: str | None) -> dict[str, Any]:
    prefix, suffix = quote_context(text, start, end, folded)
    return {
        "source": source,
        "selector": [
            {"type": "TextPositionSelector", "start": start, "end": end},
            {"type": "TextQuoteSelector", "exact": text[start:end], "prefix": prefix, "suffix": suffix},
        ],
    }


def _target(text: str, source: str, span: dict[str, Any], folded: str | None) -> dict[str, Any]:
    """One target with both selectors, or for a span in fragments a `List` of one a fragment."""
    if not span.get("fragments"):
        return _piece(text, source, span["start"], span["end"], folded)
    return {"type": "List", "items": [_piece(text, source, s, e, folded) for s, e in span["fragments"]]}


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
                     "(code points) and TextQuoteSelector (prefix and suffix long enough to make the quote unique), a span in "
                     "fragments as a `List` of such targets, one a fragment; links as `linking` annotations (target: the claim/quote/"
                     "allegation, body: the source); texts in `texts/`.")
