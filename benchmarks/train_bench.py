"""Training: how long `reader train` takes on 700 articles, and how good the model is on news it never saw.

Prints one JSON object a line, {"name", "value", "unit"}, like every script here.

The German de-quotes corpus (../shared/corpora/de-quotes/: 700 Wikinews articles to train on, 150
dev articles to measure on; quote, claim, source and cue spans) is imported into a throwaway project
as `reader import` would (train as annotator `ref`, dev as `dev`); `reader train --annotator ref`
trains on it (its own held-out tenth picks the thresholds), and the model's suggestions merged with
the rules, as `reader suggest --model` writes them, are scored on the dev articles with the scorer
of `reader suggest --evaluate` (`reader.review.suggestion_scores`):

- `train_de_s`: seconds to train (reading, features, the CRFs in parallel, the link model, tuning
  and the held-out figures, the card);
- `train_de_doc_ms`: mean time to suggest one dev document with the model (rules included);
- `train_de_dev_{source,content}_overlap_{precision,recall,f1}`, `train_de_dev_link_{...}`,
  `train_de_dev_content_char_f1`, `train_de_dev_direct_quote_recall`;
- `train_de_rules_dev_{source,content,link}_f1`: the rules alone on the same articles, to compare;
- `train_de_heldout_{source,content,link}_f1`: the card's figures (the train split's held-out tenth).

The issue's goals, trained on about 800 articles of the same kind: source >= 0.85, content >= 0.83,
links >= 0.7. `--keep DIR` trains into DIR instead of a temporary folder (and leaves it there).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reader.commands.cli import main as reader_main
from reader.files.project import Project
from reader.review.suggestion_scores import score_suggestions, side
from reader.suggest.cues import load_cues
from reader.suggest.rules import suggest
from reader.suggest.trained import TrainedModel
from reader.suggest.training import train_project

CORPUS = [REPO / ".." / "shared" / "corpora" / "de-quotes", Path("/work/shared/corpora/de-quotes")]


def emit(name: str, value: float | None, unit: str) -> None:
    print(json.dumps({"name": name, "value": None if value is None else round(value, 4), "unit": unit}), flush=True)


def corpus() -> Path:
    for folder in CORPUS:
        if (folder / "train.jsonl").exists() and (folder / "dev.jsonl").exists():
            return folder.resolve()
    raise SystemExit("de-quotes (train.jsonl, dev.jsonl) not found in ../shared/corpora or /work/shared/corpora")


REFERENCE_RULES = "rules:\n  pronoun_sources: true\n  numeric_claims: false\n"
"""The reference's conventions, as a project following it sets them in annotations/suggest.yaml (the
same as suggest_bench's): a pronoun speaker is a source, the writer's own statements are no claims."""


def build(root: Path, data: Path) -> Project:
    (root / "annotations").mkdir(parents=True, exist_ok=True)
    (root / "annotations" / "suggest.yaml").write_text(REFERENCE_RULES, "utf-8")
    for split, annotator in (("train", "ref"), ("dev", "dev")):
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            code = reader_main(["--project", str(root), "import", str(data / f"{split}.jsonl"), "--format", "jsonl",
                                "--annotator", annotator])
        if code != 0:
            raise SystemExit(f"importing {split}.jsonl failed ({code})")
    return Project(root)


def measure(project: Project) -> None:
    started = time.perf_counter()
    report = train_project(project, "ref", name="de", progress=False)
    emit("train_de_s", time.perf_counter() - started, "s")
    held = report.info["held_out"]["model"]
    if held:
        emit("train_de_heldout_source_f1", held["per_label"].get("source", {}).get("overlap_f1"), "ratio")
        emit("train_de_heldout_content_f1", held["content"]["overlap_f1"], "ratio")
        emit("train_de_heldout_link_f1", held["links"]["f1"], "ratio")
    model = TrainedModel.load(project.path, "de")
    cues, schema, store = load_cues(project.path), project.schema, project.store
    labels = list(schema.label_names)
    docs = [project.corpus.get(p.stem) for p in store.files("dev")]
    refs = {}
    for doc in docs:
        ann = store.load("dev", doc).annotations
        refs[doc.id] = side(ann.spans.values(), ann.relations.values(), labels)
    mine, rules, seconds = [], [], 0.0
    for doc in docs:
        t = time.perf_counter()
        found = model.predict(doc, cues, schema).suggestions
        seconds += time.perf_counter() - t
        mine.append((doc.id, refs[doc.id], side(found.spans, found.relations, labels)))
        plain = suggest(doc, cues, schema)
        rules.append((doc.id, refs[doc.id], side(plain.spans, plain.relations, labels)))
    emit("train_de_doc_ms", 1000 * seconds / max(1, len(docs)), "ms")
    fig = score_suggestions("dev", mine, labels).total().figures()
    for what, row in (("source", fig["source"]), ("content", fig["content"])):
        for k in ("precision", "recall", "f1"):
            emit(f"train_de_dev_{what}_overlap_{k}", row[f"overlap_{k}"], "ratio")
    for k in ("precision", "recall", "f1"):
        emit(f"train_de_dev_link_{k}", fig["links"][k], "ratio")
    emit("train_de_dev_content_char_f1", fig["content_chars"]["f1"], "ratio")
    emit("train_de_dev_direct_quote_recall", fig["direct_quotes"]["recall"], "ratio")
    base = score_suggestions("dev", rules, labels).total().figures()
    emit("train_de_rules_dev_source_f1", base["source"]["overlap_f1"], "ratio")
    emit("train_de_rules_dev_content_f1", base["content"]["overlap_f1"], "ratio")
    emit("train_de_rules_dev_link_f1", base["links"]["f1"], "ratio")


def run() -> None:
    data = corpus()
    if "--keep" in sys.argv:
        root = Path(sys.argv[sys.argv.index("--keep") + 1])
        measure(build(root, data))
        return
    with tempfile.TemporaryDirectory(prefix="train-bench-") as tmp:
        measure(build(Path(tmp) / "project", data))


if __name__ == "__main__":
    run()
