"""Cost of one save, and how it grows with the corpus: prints one JSON object a line.

- `save_growth_ratio`: median time of one save after one edit in a project of 10,000 documents (each
  with an annotation file of 20 spans) over the same in a project of 10 documents, measured in the
  same run, interleaved so that machine noise hits both alike. Goal <= 1.2.
- `save_ms`: median time of one save after one edit of a document with 1,000 spans. Goal < 20.
- `save_10k_ms`, `save_10_ms`: the two medians behind the ratio, for the record.

The book (War and Peace with 20,000 spans, as in view_bench), where a save used to cost 435-611 ms:
- `book_first_save_ms`: the first save of the book in a process (every record encoded);
- `book_edit_save_ms`: median save after one edit, as the app's saver folds its journal (the records
  of the spans that did not change are reused): what a save costs now is what changed plus copying
  the text out and fsync;
- `journal_append_ms`: median time the UI thread spends on one label edit's `AutoSaver.request` in
  the book (the journal entry written and fdatasynced, the snapshot taken): what an edit waits on
  before it is drawn;
- `quit_idle_ms`: median time `Session.leave` takes on the book with nothing pending (opened and
  left without an edit, and left after an edit that was already folded): what quitting costs beyond
  Textual's own teardown. Goal < 100.
- `quit_one_edit_ms`: median `Session.leave` on the book opened, read for a second and a half (the
  saver encodes the file meanwhile, writing nothing) and edited once: the first fold of a visit.

Run: `python benchmarks/store_bench.py [--book PATH]` (about a minute; builds its projects in a temp folder).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

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


def book_project(root: Path, book: Path) -> Project:
    """A project whose one document is the book, with 20,000 saved spans (view_bench's)."""
    from view_bench import build_annotations, load_text

    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "book.txt").write_text(load_text("book", book), "utf-8")
    write_schema(root, default_schema())
    project = Project(root)
    ann, _schema = build_annotations(project.corpus.get("book").text, 20000)
    ann.document = project.corpus.get("book")
    Project(root).store.save("bench", ann)  # another store: nothing cached for the figures below
    return project


def book_figures(project: Project) -> dict[str, float]:
    """The book's save, journal and quit figures (see the module docstring), in milliseconds."""
    from reader.annotate.session import Session
    from reader.files import autosave

    doc = project.corpus.get("book")
    ann = project.store.load("bench", doc).annotations
    t = time.perf_counter()
    project.store.save("bench", ann)
    first = time.perf_counter() - t
    saves = []
    for n in range(30):
        span = ann.sorted_spans()[n * 97]
        ann.relabel(span.id, "claim" if span.label != "claim" else "quote")
        t = time.perf_counter()
        project.store.save("bench", ann, keep_journal=True)
        saves.append(time.perf_counter() - t)
    autosave.IDLE = 3600.0  # the folds wait for leave(): the requests alone are timed
    session = Session(project, "bench")
    session.open("book")
    words = [i for i in range(1, len(doc.text)) if doc.text[i].isalpha() and doc.text[i - 1] == " "]
    appends = []
    for n in range(60):
        at = words[(n * 7919) % len(words)]
        end = at
        while doc.text[end].isalpha():
            end += 1
        if session.annotations.find_span(at, end, "claim") is None:
            session.annotations.add_span(at, end, "claim")
        t = time.perf_counter()
        session.edited()
        appends.append(time.perf_counter() - t)
    session.leave()
    autosave.IDLE = 0.5
    quits = []
    for n in range(10):
        session.open("book")
        if n % 2:  # an edit, folded before leaving: nothing pending either
            span = session.annotations.sorted_spans()[n]
            session.annotations.set_note(span.id, f"note {n}")
            session.edited()
            session.saver.flush()
        t = time.perf_counter()
        session.leave()
        quits.append(time.perf_counter() - t)
    pending = []
    for n in range(5):
        session.open("book")
        time.sleep(1.5)  # the annotator reads: the saver warms up
        span = session.annotations.sorted_spans()[n]
        session.annotations.set_note(span.id, f"again {n}")
        session.edited()
        t = time.perf_counter()
        session.leave()
        pending.append(time.perf_counter() - t)
    return {
        "book_first_save_ms": first * 1000,
        "book_edit_save_ms": statistics.median(saves) * 1000,
        "journal_append_ms": statistics.median(appends) * 1000,
        "quit_idle_ms": statistics.median(quits) * 1000,
        "quit_one_edit_ms": statistics.median(pending) * 1000,
    }


def main() -> None:
    from view_bench import BOOK

    parser = argparse.ArgumentParser()
    parser.add_argument("--book", type=Path, default=BOOK)
    args = parser.parse_args()
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
    with tempfile.TemporaryDirectory() as tmp:
        for name, value in book_figures(book_project(Path(tmp) / "book", args.book)).items():
            emit(name, value, "ms")


if __name__ == "__main__":
    main()
