"""Suggestions: how fast over a whole book, and how good on news the rules were not written against.

Prints one JSON object a line, {"name", "value", "unit"}, like every script here.

Speed: `suggest_book_s`, seconds to suggest for War and Peace (3 MB). The rules are meant to be
linear in the text (one pass of compiled patterns, bounded windows around each match), so this also
prints the time per MB and the number of suggestions, to see that it stays so.

Quality (`reader.review.suggestion_scores`, the figures of `reader suggest --evaluate`) on two
held-out sets nobody tunes the rules to, each document in its language (its meta `language`, else
the rules' guess):

- `en`: benchmarks/data/suggest-en/dev.jsonl, 12 English articles written and annotated by hand for
  this purpose, in several house styles (its README says how);
- `de`: ../shared/corpora/de-quotes/dev.jsonl, 150 German Wikinews articles (quote, claim, source;
  its `cue` spans are not scored).

Both references follow the same two conventions, which are the rules' defaults now (the seed
followed the other two): a pronoun speaker ("she said") is a source span of its own, and the
writer's unattributed statements are not claims. The figures are those of the rules with these
conventions (`REFERENCE_RULES`: `rules: {pronoun_sources: true, numeric_claims: false}`) and, for
comparison, the same three F1 with the seed's (`suggest_<lang>_seed_conventions_{source,content,link}_f1`).

For each: `suggest_<lang>_{source,content,link}_overlap_{precision,recall,f1}`,
`suggest_<lang>_content_char_f1`, `suggest_<lang>_direct_quote_recall` and `suggest_<lang>_doc_ms`
(mean time to suggest one document, best of three passes). A corpus that is not there is named on
stderr and skipped. `--quality` skips the book.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reader.core.model import Document
from reader.core.schema import default_schema
from reader.files.corpus import read_documents
from reader.review.suggestion_scores import score_suggestions, side
from reader.suggest.cues import load_cues
from reader.suggest.rules import suggest

BOOK = "war-and-peace.txt"
REFERENCE_RULES = {"rules": {"pronoun_sources": True, "numeric_claims": False}}
"""The conventions of both held-out references (the defaults now; said again, so that the figures
stay theirs if the defaults change)."""
SEED_RULES = {"rules": {"pronoun_sources": False, "numeric_claims": True}}
"""The seed's conventions (the defaults before), for comparison."""
DEV_SETS = {
    "en": [REPO / "benchmarks" / "data" / "suggest-en" / "dev.jsonl"],
    "de": [REPO / ".." / "shared" / "corpora" / "de-quotes" / "dev.jsonl",
           Path("/work/shared/corpora/de-quotes/dev.jsonl")],
}


def book_path() -> Path:
    for candidate in (REPO / ".." / "shared" / "corpora" / BOOK, Path("/work/shared/corpora") / BOOK):
        if candidate.exists():
            return candidate.resolve()
    raise SystemExit(f"{BOOK} not found in ../shared/corpora or /work/shared/corpora")


def emit(name: str, value: float | None, unit: str) -> None:
    print(json.dumps({"name": name, "value": None if value is None else round(value, 4), "unit": unit}), flush=True)


def book() -> None:
    doc = read_documents(book_path())[0]
    cues, schema = load_cues(), default_schema()
    suggest(doc.text[:20_000], cues, schema)  # warm up: compile patterns, import lazily loaded bits
    best = float("inf")
    found = None
    for _ in range(3):
        t0 = time.perf_counter()
        found = suggest(doc, cues, schema)
        best = min(best, time.perf_counter() - t0)
    assert found is not None
    emit("suggest_book_s", best, "s")
    emit("suggest_s_per_mb", best / (len(doc.text.encode("utf-8")) / 1e6), "s")
    emit("suggest_book_spans", len(found.spans), "spans")
    emit("suggest_book_links", len(found.relations), "links")


def dev_set(lang: str) -> None:
    path = next((p for p in DEV_SETS[lang] if p.exists()), None)
    if path is None:
        print(f"suggest_bench: {DEV_SETS[lang][0]} not found; {lang} skipped", file=sys.stderr)
        return
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    docs = [Document(str(r["id"]), r["text"], r.get("meta") or {}) for r in records]
    cues, schema = load_cues(extra=REFERENCE_RULES), default_schema()
    best = float("inf")
    found = []
    for _ in range(3):
        t0 = time.perf_counter()
        found = [suggest(doc, cues, schema) for doc in docs]
        best = min(best, time.perf_counter() - t0)

    def figures(found: list) -> dict:
        return score_suggestions(
            path.name,
            ((r["id"], side(r.get("spans") or [], r.get("relations") or []), side(f.spans, f.relations))
             for r, f in zip(records, found)),
        ).total().figures()

    fig = figures(found)
    for name, part in (("source", fig["source"]), ("content", fig["content"])):
        for what in ("precision", "recall", "f1"):
            emit(f"suggest_{lang}_{name}_overlap_{what}", part[f"overlap_{what}"], "fraction")
    for what in ("precision", "recall", "f1"):
        emit(f"suggest_{lang}_link_overlap_{what}", fig["links"][what], "fraction")
    emit(f"suggest_{lang}_content_char_f1", fig["content_chars"]["f1"], "fraction")
    emit(f"suggest_{lang}_direct_quote_recall", fig["direct_quotes"]["recall"], "fraction")
    emit(f"suggest_{lang}_doc_ms", 1000 * best / len(docs), "ms")
    emit(f"suggest_{lang}_documents", len(docs), "documents")
    seed = figures([suggest(doc, load_cues(extra=SEED_RULES), schema) for doc in docs])
    emit(f"suggest_{lang}_seed_conventions_source_f1", seed["source"]["overlap_f1"], "fraction")
    emit(f"suggest_{lang}_seed_conventions_content_f1", seed["content"]["overlap_f1"], "fraction")
    emit(f"suggest_{lang}_seed_conventions_link_f1", seed["links"]["f1"], "fraction")


def main() -> None:
    if "--quality" not in sys.argv:
        book()
    for lang in DEV_SETS:
        dev_set(lang)


if __name__ == "__main__":
    main()
