"""Cost of one save, and how it grows with the corpus: prints one JSON object a line.

- `save_growth_ratio`: median time of one save after one edit in a project of 10,000 documents (each
  with an annotation file of 20 spans) over the same in a project of 10 documents, measured in the
  same run, interleaved so that machine noise hits both alike. Goal <= 1.2.
- `save_ms`: median time of one save after one edit of a document with 1,000 spans. Goal < 20.
- `save_10k_ms`, `save_10_ms`: the two medians behind the ratio, for the record.

Run: `python benchmarks/store_bench.py` (about a minute; builds its projects in a temp folder).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.core.annotations import DocAnnotations
from reader.core.schema import default_schema
from reader.files.annotation_file import dumps, span_record
from reader.files.labels import write_schema
from reader.files.project import Project

SENTENCE = "Officials said that {n} detainees were beaten, according to the group. "


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit}), flush=True)


def make_project(root: Path, documents: int, spans_each: int) -> Project:
    """A project whose seeds sit in one jsonl file and whose annotation files are written directly."""
    (root / "seeds").mkdir(parents=True)
    schema = default_schema()
    write_schema(root, schema)
    texts = {f"doc{i:05d}": "".join(SENTENCE.format(n=i + k) for k in range(spans_each)) for i in range(documents)}
    with open(root / "seeds" / "corpus.jsonl", "w") as handle:
        for doc_id, text in texts.items():
            handle.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    project = Project(root)
    folder = root / "annotations" / "alice"
    folder.mkdir(parents=True)
    for doc in project.corpus:
        ann = DocAnnotations(doc, schema)
        records = {}
        at = 0
        for k in range(spans_each):
            start = doc.text.index("detainees", at)
            records[str(k + 1)] = span_record(ann.add_span(start, start + 9, "claim"), doc.text)
            at = start + 1
        data = {"meta": {"1": {"doc_id": doc.id, "sha256": doc.sha256, "status": "in-progress"}}, "spans": records, "relations": {}}
        (folder / f"{doc.id}.json").write_text(dumps(data))
    return project


def one_save(project: Project, doc_id: str, loaded: dict) -> float:
    """Time one edit's save (the edit itself is outside the clock)."""
    ann = loaded.get(doc_id)
    if ann is None:
        ann = loaded[doc_id] = project.store.load("alice", project.corpus.get(doc_id)).annotations
    span = next(iter(ann.spans.values()))
    ann.set_note(span.id, f"note {time.perf_counter_ns()}")
    start = time.perf_counter()
    project.store.save("alice", ann)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small = make_project(Path(tmp) / "small", 10, 20)
        big = make_project(Path(tmp) / "big", 10_000, 20)
        heavy = make_project(Path(tmp) / "heavy", 1, 1_000)
        small_ids, big_ids = small.corpus.ids, big.corpus.ids
        small_cache: dict = {}
        big_cache: dict = {}
        small_times, big_times = [], []
        for i in range(300):  # interleaved: noise on the shared machine hits both sides alike
            small_times.append(one_save(small, small_ids[i % len(small_ids)], small_cache))
            big_times.append(one_save(big, big_ids[(i * 37) % len(big_ids)], big_cache))
        heavy_cache: dict = {}
        heavy_times = [one_save(heavy, heavy.corpus.ids[0], heavy_cache) for _ in range(60)]
    emit("save_growth_ratio", statistics.median(big_times) / statistics.median(small_times), "ratio")
    emit("save_10k_ms", statistics.median(big_times) * 1000, "ms")
    emit("save_10_ms", statistics.median(small_times) * 1000, "ms")
    emit("save_ms", statistics.median(heavy_times) * 1000, "ms")


if __name__ == "__main__":
    main()
