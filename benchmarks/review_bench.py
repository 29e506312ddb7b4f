"""How long `reader review` takes to start, by corpus size; prints one JSON object a line
{"name", "value", "unit"}.

- review_start_s: `create_review_app` for 1,000 documents annotated by 3 annotators (alice, bob,
  carol; about 2,000 characters and 20 spans each, B and C perturbed copies of A), from a fresh
  `Project`: reading the corpus and the keymap, the reviewer checks, the documents counted before
  the screen, and the first document opened and locked. Goal: under 1 s.
- review_start_10_s: the same for 10 documents, the baseline of the ratio, measured in this run.
- review_start_ratio: review_start_s / review_start_10_s. Reading 1,000 seeds (the corpus is read
  whole, for every command) is in both; the review's own start is counted apart below.
- review_session_start_ratio: the review's own part (ReviewSession + the first document opened, the
  corpus already read) at 1,000 documents / at 10: near 1 when starting does not grow with the corpus.
- review_count_all_s: how long the background count of all 1,000 documents then takes (the panel's
  totals fill in meanwhile); what the review used to spend before its first screen.

The annotation files are written directly as JSON in the layout `Store.save` writes (the helpers of
compare_bench), so building the projects takes seconds.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from compare_bench import annotate, make_text, perturb, records  # noqa: E402

from reader.files.project import Project  # noqa: E402

NAMES = ("alice", "bob", "carol")


def build(root: Path, n_docs: int, spans_per_doc: int = 20, seed: int = 11) -> Path:
    import hashlib

    rng = random.Random(seed)
    (root / "seeds").mkdir(parents=True)
    (root / "annotations").mkdir()
    shutil.copy(ROOT / "annotations" / "labels.yaml", root / "annotations" / "labels.yaml")
    for who in NAMES:
        (root / "annotations" / who).mkdir()
    for k in range(n_docs):
        doc_id = f"doc{k:05d}"
        text = make_text(rng)
        (root / "seeds" / f"{doc_id}.txt").write_text(text, "utf-8")
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        a = annotate(rng, text, spans_per_doc)
        sides = {"alice": a, "bob": perturb(rng, text, a), "carol": perturb(rng, text, a)}
        for who, spans in sides.items():
            (root / "annotations" / who / f"{doc_id}.json").write_text(records(text, spans, who, doc_id, sha), "utf-8")
    return root


def start(root: Path) -> tuple[float, object]:
    """Wall time of create_review_app from a fresh Project; the app (not run) to close afterwards."""
    from reader.tui.review_app import create_review_app

    t0 = time.perf_counter()
    app = create_review_app(Project(root), "alice", "bob", into="gold", others=["carol"])
    return time.perf_counter() - t0, app


def session_start(root: Path) -> tuple[float, object]:
    """The review's own start: ReviewSession and its first document, the corpus already read."""
    from reader.review.session import ReviewSession

    project = Project(root)
    project.corpus  # noqa: B018  (read before the clock starts)
    project.store.annotators()
    t0 = time.perf_counter()
    session = ReviewSession(project, "alice", "bob", "gold", others=["carol"])
    session.open(session.first_document())
    return time.perf_counter() - t0, session


def close(app_or_session: object) -> None:
    session = getattr(app_or_session, "session", app_or_session)
    session.stop_counting()
    session.leave()


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit}), flush=True)


def best(fn, root: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t, held = fn(root)
        close(held)
        times.append(t)
    return min(times)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="review-bench-"))
    try:
        small = build(tmp / "p10", 10)
        big = build(tmp / "p1k", 1_000)
        start(small)[1].session.stop_counting()  # warm the imports (Textual, the keymaps) once
        t_small, t_big = best(start, small), best(start, big)
        emit("review_start_s", t_big, "s")
        emit("review_start_10_s", t_small, "s")
        emit("review_start_ratio", t_big / t_small, "ratio")
        s_small, s_big = best(session_start, small), best(session_start, big)
        emit("review_session_start_ratio", s_big / s_small, "ratio")
        _t, session = session_start(big)
        t0 = time.perf_counter()
        session.wait_counted(600)
        emit("review_count_all_s", time.perf_counter() - t0, "s")
        close(session)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
