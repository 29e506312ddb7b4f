"""Speed of `reader diff` on a synthetic corpus; prints one JSON object a line {"name", "value", "unit"}.

- diff_10k_s: wall time of `python -m reader diff alice bob` (text output to /dev/null) over 10,000
  documents of about 2,000 characters with 200,000 spans per annotator (20 a document) and 50,000
  links each. Includes interpreter start-up and reading the 10,000 seeds and 20,000 annotation files.
  The median of three runs: on a shared machine one run is anything from 6 to 12 s.
- diff_10k_cpu_s: the CPU time (user + system) of those runs, the command and its worker processes
  together (median): the work done, which other load on the machine changes far less than the wall.
- diff_growth_ratio: time of the same comparison in-process (compare_project + format_diff) at 10,000
  documents / (10 x the time at 1,000). In-process so that interpreter start-up does not flatter it.
- diff_growth_ratio_one_process, diff_10k_one_process_s: the same with jobs=1 (no worker
  processes), whose start-up is a constant that would flatter the ratio; the comparison as such.

The projects are built in a temporary folder, the annotation files written directly as JSON in the
exact layout `Store.save` writes (sorted keys, indentation, TinyDB tables), without fsync, to keep
the set-up to seconds. B is A with changes: about 75% of spans identical, the rest moved, relabelled,
dropped or added.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.files.annotation_file import CONTEXT, dumps
from reader.files.project import Project

WORDS = (
    "the police said on Tuesday that detainees were beaten and tortured in Almaty after protests "
    "government officials denied any wrongdoing according to Human Rights Watch report dozens of "
    "people arrested relatives gathered near a station minister spokesperson told reporters"
).split()
LABELS = ("claim", "quote", "allegation", "source")
STAMP = "2026-11-26T12:00:00+00:00"


def make_text(rng: random.Random, n_chars: int = 2000) -> str:
    out, size = [], 0
    while size < n_chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ",\" he said.", "!"])
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)


def word_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() and start is None:
            start = i
        elif not ch.isalnum() and start is not None:
            spans.append((start, i))
            start = None
    return spans


def annotate(rng: random.Random, text: str, n: int) -> list[tuple[int, int, str]]:
    words = word_spans(text)
    step = len(words) // n
    out = []
    for k in range(n):
        first = k * step + rng.randint(0, 2)
        last = min(first + rng.randint(0, max(1, step - 4)), k * step + step - 2, len(words) - 1)
        out.append((words[first][0], words[last][1], LABELS[k % 4] if k % 4 else "source"))
    return out


def perturb(rng: random.Random, text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    words = word_spans(text)
    starts = {s: i for i, (s, _) in enumerate(words)}
    out = []
    for s, e, label in spans:
        r = rng.random()
        if r < 0.75:
            out.append((s, e, label))
        elif r < 0.85:  # boundary: one more word on the left when there is one
            i = starts[s]
            out.append((words[max(0, i - 1)][0], e, label))
        elif r < 0.90:
            out.append((s, e, rng.choice([l for l in LABELS if l != label])))
        elif r < 0.95:
            continue
        else:
            out.append((s, e, label))
            i = starts[s]
            if i > 0 and words[i - 1][1] < s:
                pass
    return out


def records(text: str, spans: list[tuple[int, int, str]], annotator: str, doc_id: str, sha: str) -> str:
    span_table, rel_table = {}, {}
    ids = []
    for n, (s, e, label) in enumerate(sorted(set(spans)), 1):
        ids.append((f"s{n}", label))
        span_table[str(n)] = {
            "id": f"s{n}", "start": s, "end": e, "label": label, "text": text[s:e], "attrs": {}, "note": "",
            "created": STAMP, "updated": STAMP,
            "context_before": text[max(0, s - CONTEXT) : s], "context_after": text[e : e + CONTEXT],
        }
    source = None
    r = 0
    for ident, label in ids:
        if label == "source":
            source = ident
        elif source is not None and r < len(ids) // 4:
            r += 1
            rel_table[str(r)] = {"id": f"r{r}", "head": ident, "tail": source, "label": "attributed_to"}
    meta = {"doc_id": doc_id, "sha256": sha, "annotator": annotator, "status": "done", "schema_version": 1,
            "updated": STAMP, "cursor": 0}
    return dumps({"meta": {"1": meta}, "spans": span_table, "relations": rel_table})


def build(root: Path, n_docs: int, spans_per_doc: int = 20, seed: int = 7) -> Project:
    import hashlib

    rng = random.Random(seed)
    (root / "seeds").mkdir(parents=True)
    shutil.copy(ROOT / "annotations" / "labels.yaml", root / "labels.yaml")
    for who in ("alice", "bob"):
        (root / "annotations" / who).mkdir(parents=True)
    shutil.move(str(root / "labels.yaml"), root / "annotations" / "labels.yaml")
    for k in range(n_docs):
        doc_id = f"doc{k:05d}"
        text = make_text(rng)
        (root / "seeds" / f"{doc_id}.txt").write_text(text, "utf-8")
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        a = annotate(rng, text, spans_per_doc)
        b = perturb(rng, text, a)
        while len(set(b)) < spans_per_doc:  # keep 20 spans a side: add B-only spans where B has none
            s, e, _ = rng.choice(a)
            b.append((s, e, "claim" if (s, e, "claim") not in b else "quote"))
        (root / "annotations" / "alice" / f"{doc_id}.json").write_text(records(text, a, "alice", doc_id, sha), "utf-8")
        (root / "annotations" / "bob" / f"{doc_id}.json").write_text(records(text, b, "bob", doc_id, sha), "utf-8")
    return Project(root)


def in_process(root: Path, jobs: int | None = None) -> float:
    from reader.review.diff import compare_project, format_diff

    project = Project(root)
    t0 = time.perf_counter()
    result = compare_project(project, "alice", "bob", jobs=jobs)
    io.StringIO().write(format_diff(result))
    return time.perf_counter() - t0


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit}), flush=True)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="compare-bench-"))
    try:
        small = tmp / "p1k"
        big = tmp / "p10k"
        build(small, 1_000)
        build(big, 10_000)
        cmd = [sys.executable, "-m", "reader", "--project", str(big), "diff", "alice", "bob"]
        walls, cpus = [], []
        with open(os.devnull, "w") as null:
            for _ in range(3):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=null, cwd=ROOT)
                walls.append(time.perf_counter() - t0)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers are waited for: counted
                cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        emit("diff_10k_s", statistics.median(walls), "s")
        emit("diff_10k_cpu_s", statistics.median(cpus), "s")
        t_small = min(in_process(small) for _ in range(3))
        t_big = min(in_process(big) for _ in range(2))
        emit("diff_growth_ratio", t_big / (10 * t_small), "ratio")
        # The same in one process: the workers' start-up (a constant) flatters the ratio above.
        t_small = min(in_process(small, jobs=1) for _ in range(3))
        t_big = min(in_process(big, jobs=1) for _ in range(2))
        emit("diff_growth_ratio_one_process", t_big / (10 * t_small), "ratio")
        emit("diff_10k_one_process_s", t_big, "s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
