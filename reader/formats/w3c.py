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


def quote_context(text: str, start: int, end: int, folded: str | None = None, n: int = AFFIX) -> tuple[str, str]:
    """`(prefix, suffix)` around `text[start:end]`, AFFIX characters each, longer where needed so that
    the quote with its context occurs exactly once in `text` (and in `folded`, its lower-case form
    when that keeps the offsets: `str.lower` may change lengths, then only the exact check applies).

    The definition, two searches of the whole text a step; `Contexts` gives the same for many quotes
    at once, and falls back on this from step `n` where its index does not help."""
    while True:
        prefix, suffix = text[max(0, start - n):start], text[end:end + n]
        quote = prefix + text[start:end] + suffix
        unique = _occurs_once(text, quote) and (folded is None or _occurs_once(folded, quote.lower()))
        if unique or (start - n <= 0 and end + n >= len(text)):
            return prefix, suffix
        n *= 2


class Contexts:
    """`quote_context` for the quotes of one text, without searching the whole text a quote and step
    (a 5 MB book with 20,000 spans took 16 s so).

    One index of the text's `gram`-character pieces at every `step`-th offset finds every occurrence of
    a first-step quote (at least step + gram - 1 characters long) by its pieces; each doubling keeps only
    the previous occurrences that still match, since the longer quote contains the shorter one. Both
    checks run on one key string: `folded` when given, as lower-casing is then one character for one
    (each occurrence in the text is one in `folded` too), except that a capital sigma lower-cases by
    its context (final sigma), so with one in the text the key also reads every small sigma as `σ` and
    each occurrence is checked in the text and in `folded` as `quote_context` does. Where the index
    would offer more than `budget` candidates (long runs of one character), `quote_context` goes on;
    for a text shorter than `plain_below` (a news article) it does all the work, as searching a few
    kilobytes costs less than the index (measured on the book's pieces: even at about 10,000)."""

    def __init__(self, text: str, folded: str | None = None, step: int = 16, gram: int = 16,
                 budget: int | None = None, plain_below: int = 12_000) -> None:
        self.text, self.folded = text, folded
        self.plain = len(text) < plain_below
        self.check = folded is not None and "\u03a3" in text
        key = text if folded is None else folded
        self.key = key = key.replace("\u03c2", "\u03c3") if self.check else key
        self.step, self.gram = step, gram
        self.budget = 64 + len(key) // 256 if budget is None else budget
        index: dict[str, list[int]] = {}
        for i in range(0, 0 if self.plain else len(key) - gram + 1, step):
            index.setdefault(key[i:i + gram], []).append(i)
        self.index = index
        self.cache: dict[tuple[int, int], tuple[str, str]] = {}

    def __call__(self, start: int, end: int) -> tuple[str, str]:
        found = self.cache.get((start, end))
        if found is None:
            found = self.cache[(start, end)] = self._context(start, end)
        return found

    def _context(self, start: int, end: int) -> tuple[str, str]:
        text, key, size = self.text, self.key, len(self.text)
        n = AFFIX
        if self.plain or not 0 <= start <= end <= size:
            return quote_context(text, start, end, self.folded)
        a, b = max(0, start - n), min(size, end + n)
        hits = self._occurrences(a, b)
        while True:
            if hits is None:
                return quote_context(text, start, end, self.folded, n)
            if (start - n <= 0 and end + n >= size) or self._unique(hits, a, b):
                return text[a:start], text[end:b]
            n *= 2
            wider, b = max(0, start - n), min(size, end + n)
            shift, a = a - wider, wider
            needle = key[a:b]
            hits = [q - shift for q in hits if q >= shift and key.startswith(needle, q - shift)]

    def _occurrences(self, a: int, b: int) -> list[int] | None:
        """Every offset where `key[a:b]` occurs in the key, or None if too short or too common to look up."""
        step, gram, key = self.step, self.gram, self.key
        if b - a < step + gram - 1:
            return None
        needle = key[a:b]
        hits: list[int] = []
        offered = 0
        for o in range(step):
            # an occurrence at q has exactly one indexed offset i in [q, q + step): found once, at o = i - q
            posting = self.index.get(key[a + o:a + o + gram], ())
            offered += len(posting)
            if offered > self.budget:
                return None
            hits.extend(i - o for i in posting if i >= o and key.startswith(needle, i - o))
        return hits

    def _unique(self, hits: list[int], a: int, b: int) -> bool:
        if not self.check:
            return len(hits) == 1
        text, folded = self.text, self.folded or ""
        quote = text[a:b]
        lowered = quote.lower()
        return (sum(text.startswith(quote, q) for q in hits) == 1
                and sum(folded.startswith(lowered, q) for q in hits) == 1)


def annotations(record: Record, base: str) -> list[dict[str, Any]]:
    text = record["text"]
    doc = quote(record["id"])
    source = f"texts/{doc}.txt"
    items: list[dict[str, Any]] = []
    lowered = text.lower()
    # the index is for the spans: a record without any needs none
    contexts = Contexts(text, lowered if len(lowered) == len(text) else None) if record["spans"] else Contexts("")
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
            "target": _target(text, source, s, contexts),
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


def _piece(text: str, source: str, start: int, end: int, contexts: Contexts) -> dict[str, Any]:
    prefix, suffix = contexts(start, end)
    return {
        "source": source,
        "selector": [
            {"type": "TextPositionSelector", "start": start, "end": end},
            {"type": "TextQuoteSelector", "exact": text[start:end], "prefix": prefix, "suffix": suffix},
        ],
    }


def _target(text: str, source: str, span: dict[str, Any], contexts: Contexts) -> dict[str, Any]:
    """One target with both selectors, or for a span in fragments a `List` of one a fragment."""
    if not span.get("fragments"):
        return _piece(text, source, span["start"], span["end"], contexts)
    return {"type": "List", "items": [_piece(text, source, s, e, contexts) for s, e in span["fragments"]]}


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
