"""Export speed: prints one JSON object a line, {"name", "value", "unit"}.

A synthetic project (10,000 documents of about 1.5 KB, 200,000 spans, 100,000 links, some text with
emoji) is built in a temporary folder, its annotation files written in the store's own layout.

- export_jsonl_ratio: writing the jsonl export of the records (`formats.jsonl.export`, file included)
  over `json.dumps` of the same records in one loop, measured in the same run (goal < 2);
- export_jsonl_end_to_end_ratio / _s: `reader export --format jsonl` as a whole (reading 10,000
  annotation files and the seeds too) over the same baseline, and in seconds;
- export_conll_s: `reader export --format conll` as a whole (tokenizing every document);
- export_w3c_book_s / _ratio: the W3C annotations of one book (../shared/corpora/war-and-peace.txt,
  about 20,000 spans: the first word of every sentence, evenly thinned), whose quote contexts must grow
  until unique, in seconds and over the same with the one-search-a-step algorithm before the index
  (`export_w3c_book_old_s`), measured in the same run; both must give the same annotations.
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.core.model import Span
from reader.files.annotation_file import span_record
from reader.files.project import Project
from reader.formats import export, w3c
from reader.formats import jsonl as jsonl_format
from reader.formats.common import Output, load_records

DOCS = 10_000
SPANS_PER_DOC = 20
WORDS = ("the minister said police officers were beating detainees in the capital while a spokesman "
         "denied every allegation and called the report lies according to human rights watch 👍🏽 café").split()
LABELS = ("claim", "quote", "allegation", "source")
BOOK = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "war-and-peace.txt"
BOOK_SPANS = 20_000


def build(root: Path) -> Project:
    rng = random.Random(1)
    (root / "seeds").mkdir(parents=True)
    folder = root / "annotations" / "bench"
    folder.mkdir(parents=True)
    (root / "annotations" / "labels.yaml").write_text(
        (Path(__file__).resolve().parent.parent / "annotations" / "labels.yaml").read_text("utf-8"), "utf-8")
    import hashlib

    for d in range(DOCS):
        words = [rng.choice(WORDS) for _ in range(220)]
        text = " ".join(words) + "."
        starts, pos = [], 0
        for w in words:
            starts.append((pos, pos + len(w)))
            pos += len(w) + 1
        doc_id = f"doc{d:05d}"
        (root / "seeds" / f"{doc_id}.txt").write_text(text, "utf-8")
        spans = {}
        step = len(words) // SPANS_PER_DOC
        for k in range(SPANS_PER_DOC):
            a = starts[k * step][0]
            b = starts[k * step + rng.randint(0, step - 2)][1]
            label = "source" if k % 2 else rng.choice(LABELS[:3])
            span = Span(f"s{k + 1}", a, b, label, text[a:b], {}, "", "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")
            spans[str(k + 1)] = span_record(span, text)
        rels = {str(k + 1): {"id": f"r{k + 1}", "head": f"s{2 * k + 1}", "tail": f"s{2 * k + 2}", "label": "attributed_to"}
                for k in range(SPANS_PER_DOC // 2)}
        meta = {"1": {"doc_id": doc_id, "sha256": hashlib.sha256(text.encode()).hexdigest(), "annotator": "bench",
                      "status": "done", "schema_version": 1, "updated": "2026-01-01T00:00:00+00:00", "cursor": 0}}
        (folder / f"{doc_id}.json").write_text(json.dumps({"meta": meta, "spans": spans, "relations": rels},
                                                          sort_keys=True, indent=2, ensure_ascii=False), "utf-8")
    return Project(root)


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit}), flush=True)


def book_record(text: str) -> dict:
    """The book as one record, a claim on the first word of every sentence (thinned to BOOK_SPANS)."""
    words = [m.span(1) for m in re.finditer(r"(?:^|[.!?]\s+)(\w+)", text)]
    picked = words[::max(1, len(words) // BOOK_SPANS)][:BOOK_SPANS]
    spans = [{"id": f"s{k}", "start": a, "end": b, "label": "claim", "attrs": {}, "note": ""}
             for k, (a, b) in enumerate(picked)]
    return {"id": "war-and-peace", "text": text, "annotator": "bench", "spans": spans, "relations": []}


class OldContexts:
    """The contexts as computed before the index: two searches of the whole text a span and step."""

    def __init__(self, text: str, folded: str | None = None) -> None:
        self.text, self.folded = text, folded

    def __call__(self, start: int, end: int) -> tuple[str, str]:
        text, folded, n = self.text, self.folded, w3c.AFFIX
        while True:
            prefix, suffix = text[max(0, start - n):start], text[end:end + n]
            quote = prefix + text[start:end] + suffix
            unique = w3c._occurs_once(text, quote) and (folded is None or w3c._occurs_once(folded, quote.lower()))
            if unique or (start - n <= 0 and end + n >= len(text)):
                return prefix, suffix
            n *= 2


def w3c_book() -> None:
    if not BOOK.exists():
        print(f"{BOOK}: not found, no export_w3c_book figures", file=sys.stderr)
        return
    record = book_record(BOOK.read_text("utf-8"))
    got: list = []
    new = best(lambda: got.append(w3c.annotations(record, "urn:reader:")), repeat=3)
    index = w3c.Contexts
    w3c.Contexts = OldContexts  # type: ignore[misc, assignment]
    try:
        old = best(lambda: got.append(w3c.annotations(record, "urn:reader:")), repeat=1)
    finally:
        w3c.Contexts = index  # type: ignore[misc]
    assert got[0] == got[-1], "the index changed the W3C annotations"
    emit("export_w3c_book_spans", len(record["spans"]), "spans")
    emit("export_w3c_book_s", new, "s")
    emit("export_w3c_book_old_s", old, "s")
    emit("export_w3c_book_ratio", new / old, "ratio")


def main() -> None:
    w3c_book()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = build(root / "proj")
        records = load_records(project, "bench").records
        assert len(records) == DOCS and sum(len(r["spans"]) for r in records) == DOCS * SPANS_PER_DOC

        def baseline() -> None:
            for record in records:
                json.dumps(record)

        def jsonl_only() -> None:
            jsonl_format.export(Output(root / "jsonl"), {"data": records})

        base = best(baseline)
        emit("export_jsonl_baseline_s", base, "s")
        emit("export_jsonl_ratio", best(jsonl_only) / base, "ratio")
        whole = best(lambda: export(Project(root / "proj"), "jsonl", root / "e2e", annotator="bench"), repeat=2)
        emit("export_jsonl_end_to_end_s", whole, "s")
        emit("export_jsonl_end_to_end_ratio", whole / base, "ratio")
        emit("export_conll_s", best(lambda: export(Project(root / "proj"), "conll", root / "conll", annotator="bench"), repeat=2), "s")


if __name__ == "__main__":
    main()
