"""`reader train`: a span tagger per label and a link model, learned from the project's own annotations.

The data is every document one annotator (or the gold) has a file for, or those marked done, each
span in fragments taken as its pieces (`in_pieces`). A
tenth of them (at least one, once there are three; chosen by a hash of the document id, so the same
documents stay out run after run) is held out: the model is trained on the rest, its thresholds are
picked on the held-out part (per label, where the marginals count as "inside"; for the links; which
of the rules' labels to keep beside the model's, or alone; how sure of an unlinked source the
tagger must be for it to stay), and the figures on the card are measured there, with the settings
picked, against the rules alone. The
model saved is the one measured (not retrained on everything), so the card's figures are its own.

Offline and CPU only: the features are computed once (`features`), and the label's CRFs, which are
independent, train in parallel processes (forked, so they share the features without copying),
as many as there are cores. The model is written to a temporary folder beside its place and
renamed into it, so a failed or interrupted training leaves the previous model as it was.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from reader.core.errors import UserError
from reader.core.model import Document, Relation, Span, now_iso
from reader.core.progress import Bar, track
from reader.suggest.card import CONTENT, Scores, card_text
from reader.suggest.cues import load_cues
from reader.suggest.features import (
    DocTokens,
    Lexicon,
    featurize,
    learn_lexicon,
    tags_for,
)
from reader.suggest.linker import Extent, LinkModel, train_links
from reader.suggest.rules import Suggestions, suggest
from reader.suggest.tagger import CRF_PARAMS, SpanTagger, decode, train_tagger
from reader.suggest.trained import (
    FORMAT,
    MODELS,
    TrainedModel,
    merge,
    missing_library,
    model_dir,
    rule_links,
)

HELD_OUT = 0.1
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
LINK_THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
RULES_ONLY_MARGIN = 0.02
"""How much better the rules alone must score a label on the held-out documents for the model's
spans of it to be left out: about one standard error of an F1 over 70 articles' spans (on
de-quotes the choice flipped from run to run without it, and cost 0.01 source F1 on dev)."""
UNLINKED_SOURCE_CONFIDENCE = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
"""How sure the tagger must be of a source the link model links to nothing for it to stay (0: all
stay, 1.01: none): a source alone is often a name that says nothing."""
PARALLEL_TOKENS = 20_000
"""Below this many training tokens the taggers train one after the other (a process costs more)."""


@dataclass
class Example:
    doc: Document
    spans: list[Span]
    relations: list[Relation]
    rules: Suggestions = field(default_factory=Suggestions)
    tokens: DocTokens | None = None


@dataclass
class TrainReport:
    name: str
    path: Path
    info: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def collect(project: Any, annotator: str, done_only: bool = False) -> tuple[list[Example], list[str]]:
    """Every document `annotator` has a file for (or only those marked done), with their spans."""
    store, corpus = project.store, project.corpus
    store.path(annotator, "x")  # checks the name
    known = store.annotators()
    if annotator not in known:
        raise UserError(f"no annotator {annotator!r} in {store.root} (annotators: {', '.join(known) or 'none yet'})")
    notes: list[str] = []
    out = []
    for path in store.files(annotator):
        doc = corpus.documents.get(path.stem)
        if doc is None:
            notes.append(f"{path}: no document {path.stem!r} in seeds/; left out")
            continue
        loaded = store.load(annotator, doc)
        notes.extend(loaded.report)
        ann = loaded.annotations
        if done_only and ann.status != "done":
            continue
        spans, relations = in_pieces(doc.text, ann.spans.values(), ann.relations.values())
        out.append(Example(doc, sorted(spans, key=lambda s: (s.start, s.end)), relations))
    if not out:
        what = "marked done" if done_only else "with a file"
        raise UserError(f"annotator {annotator!r} has no documents {what} to train on")
    return out, notes


def in_pieces(text: str, spans: Sequence[Span] | Any, relations: Sequence[Relation] | Any
              ) -> tuple[list[Span], list[Relation]]:
    """Spans in fragments as one span a piece, each linked as the whole was. The models tag and link
    pieces (a quote interrupted by "sagte er" is two runs of tokens, and the words between are not
    in it), and the held-out figures count them so, as `reader suggest --evaluate` does."""
    out: list[Span] = []
    pieces: dict[str, list[str]] = {}
    for s in spans:
        if not s.fragments:
            out.append(s)
            continue
        pieces[s.id] = []
        for k, (a, b) in enumerate(s.fragments, 1):
            out.append(Span(f"{s.id}/{k}", a, b, s.label, text[a:b], dict(s.attrs), s.note))
            pieces[s.id].append(f"{s.id}/{k}")
    rels = []
    for r in relations:
        for head in pieces.get(r.head, [r.head]):
            for tail in pieces.get(r.tail, [r.tail]):
                rels.append(Relation(r.id if (head, tail) == (r.head, r.tail) else f"{r.id}/{head}/{tail}", head, tail, r.label))
    return out, rels


def held_out_split(examples: Sequence[Example], fraction: float = HELD_OUT) -> tuple[list[Example], list[Example]]:
    """(train, held out): the held-out tenth by a hash of the ids; none below three documents."""
    if len(examples) < 3:
        return list(examples), []
    n = max(1, round(len(examples) * fraction))
    ranked = sorted(examples, key=lambda e: hashlib.sha256(e.doc.id.encode()).hexdigest())
    held = {e.doc.id for e in ranked[:n]}
    return [e for e in examples if e.doc.id not in held], [e for e in examples if e.doc.id in held]


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for package in ("reader", "sklearn-crfsuite", "python-crfsuite", "scikit-learn"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out


_JOBS: dict[str, tuple[list, list, str]] = {}
"""label -> (features, tags, model path): set before the workers fork, read by `_fit` in them."""
_ITERATIONS: Any = None
"""A shared array (one count a label, in `_JOBS`' order) of the optimiser's iterations done, made
before the workers fork so that they count in it and the progress bar reads it."""


def _fit(label: str) -> str:
    features, tags, path = _JOBS[label]
    slot = list(_JOBS).index(label)

    def count() -> None:
        if _ITERATIONS is not None:
            _ITERATIONS[slot] += 1  # one writer a slot: no lock needed

    train_tagger(features, tags, Path(path), on_iteration=count)
    return label


def _train_taggers(jobs: dict[str, tuple[list, list, str]], progress: bool | None) -> None:
    """Train every label's CRF, in parallel (forked workers) when there is enough to do; the bar
    follows the optimiser's iterations (a label that converges early counts as done when it ends)."""
    global _ITERATIONS
    tokens = sum(len(x) for features, _, _ in jobs.values() for x in features) // max(1, len(jobs))
    workers = min(len(jobs), os.cpu_count() or 1)
    context = get_context("fork") if "fork" in _start_methods() else get_context()
    _JOBS.clear()
    _JOBS.update(jobs)
    _ITERATIONS = context.Array("i", len(jobs), lock=False)
    limit = int(CRF_PARAMS["max_iterations"])
    bar = Bar(f"training {len(jobs)} taggers", len(jobs) * limit, show=progress)
    finished: set[int] = set()

    def done_so_far() -> int:
        return sum(limit if k in finished else min(limit, _ITERATIONS[k]) for k in range(len(jobs)))

    try:
        if workers > 1 and tokens >= PARALLEL_TOKENS and context.get_start_method() == "fork":
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(_fit, label): k for k, label in enumerate(jobs)}  # forks before the bar's thread starts
                pending = set(futures)
                with bar:
                    while pending:
                        ended, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                        for future in ended:
                            future.result()
                            finished.add(futures[future])
                        bar.update(done_so_far())
        else:
            with bar:
                for k, label in enumerate(jobs):
                    _fit(label)
                    finished.add(k)
                    bar.update(done_so_far())
    finally:
        _JOBS.clear()
        _ITERATIONS = None


def _start_methods() -> list[str]:
    from multiprocessing import get_all_start_methods

    return get_all_start_methods()


def train_project(project: Any, annotator: str, done_only: bool = False, name: str | None = None,
                  progress: bool | None = None) -> TrainReport:
    """Train, measure on the held-out part, and save `annotations/models/NAME/` (default NAME: the
    annotator's name)."""
    try:
        import pycrfsuite  # noqa: F401
        import sklearn  # noqa: F401
        import sklearn_crfsuite  # noqa: F401
    except ImportError:
        raise missing_library("reader train") from None
    started = time.perf_counter()
    name = name or annotator
    final = model_dir(project.path, name)
    examples, notes = collect(project, annotator, done_only)
    train, held = held_out_split(examples)
    cues, schema = load_cues(project.path), project.schema
    lexicon = learn_lexicon(Lexicon.from_cues(cues), [(e.doc.text, e.spans) for e in train])
    for e in track(examples, "reading documents", threshold=5, show=progress):
        e.rules = suggest(e.doc, cues, schema)
        e.tokens = featurize(e.doc, lexicon, e.rules.spans)
    seen = [l for l in schema.label_names if any(s.label == l for e in train for s in e.spans)]
    seen += sorted({s.label for e in train for s in e.spans} - set(seen))
    not_learned = [l for l in schema.label_names if l not in seen]
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=final.parent))
    try:
        features = [p.features for e in train for p in e.tokens.paragraphs]  # type: ignore[union-attr]
        jobs = {label: (features, [tags_for(p, e.spans, label) for e in train for p in e.tokens.paragraphs],  # type: ignore[union-attr]
                        str(tmp / f"{label}.crfsuite")) for label in seen}
        _train_taggers(jobs, progress)
        links = train_links([_link_example(e) for e in train], lexicon)
        taggers = {label: SpanTagger(label, tmp / f"{label}.crfsuite") for label in seen}
        settings = _tune(held, taggers, links, lexicon, schema, seen)
        data = {
            "format": FORMAT, "name": name, "trained": now_iso(), "annotator": annotator, "done_only": done_only,
            "labels": {label: {"file": f"{label}.crfsuite", "threshold": settings["thresholds"][label]} for label in seen},
            "rule_labels": settings["rule_labels"], "unlinked_source_confidence": settings["unlinked_source_confidence"],
            "rules_only_labels": settings["rules_only"], "rule_links_first": settings["rule_links_first"],
            "lexicon": lexicon.to_json(), "links": {**links.to_json(), "threshold": settings["link_threshold"]},
            "held_out_documents": sorted(e.doc.id for e in held), "versions": _versions(),
        }
        (tmp / "model.json").write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
        model = TrainedModel.open(tmp, name)
        figures = _held_out_figures(held, model, seen, progress)
        info = {
            "name": name, "annotator": annotator, "done_only": done_only, "trained": data["trained"],
            "documents": len(examples), "train_documents": len(train), "held_out_documents": len(held),
            "labels_seen": seen, "not_learned": not_learned, "thresholds": settings["thresholds"],
            "rule_labels": settings["rule_labels"], "rules_only_labels": settings["rules_only"],
            "link_threshold": settings["link_threshold"],
            "unlinked_source_confidence": settings["unlinked_source_confidence"],
            "rule_links_first": settings["rule_links_first"], "held_out": figures,
            "data": {"train": _data_counts(train), "held_out": _data_counts(held)},
            "versions": data["versions"], "seconds": time.perf_counter() - started,
        }
        data["card"] = {"held_out": figures, "seconds": round(info["seconds"], 1)}
        (tmp / "model.json").write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
        (tmp / "README.md").write_text(card_text(info), "utf-8")
        _replace_dir(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return TrainReport(name, final, info, notes)


def _replace_dir(tmp: Path, final: Path) -> None:
    """Put the new model in place of the old one; the old one stays whole until the new one is there."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _data_counts(examples: Sequence[Example]) -> dict[str, Any]:
    spans: dict[str, int] = {}
    for e in examples:
        for s in e.spans:
            spans[s.label] = spans.get(s.label, 0) + 1
    return {"documents": len(examples), "tokens": sum(len(p.tokens) for e in examples for p in e.tokens.paragraphs),  # type: ignore[union-attr]
            "links": sum(len(e.relations) for e in examples), "spans": spans}


def _extents(spans: Sequence[Span]) -> list[Extent]:
    return [Extent(s.start, s.end, s.label) for s in spans]


def _link_example(e: Example) -> tuple:
    contents = [s for s in e.spans if s.label in CONTENT]
    sources = [s for s in e.spans if s.label == "source"]
    ci = {s.id: i for i, s in enumerate(contents)}
    si = {s.id: i for i, s in enumerate(sources)}
    links = {(ci[r.head], si[r.tail]) for r in e.relations if r.head in ci and r.tail in si}
    cues = [s for s in e.spans if s.label == "cue"]
    return e.tokens, _extents(contents), _extents(sources), _extents(cues), links, rule_links(e.rules)


def _reference(e: Example) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    index = {s.id: i for i, s in enumerate(e.spans)}
    items = [(s.start, s.end, s.label) for s in e.spans]
    return items, [(index[r.head], index[r.tail]) for r in e.relations if r.head in index and r.tail in index]


def _suggested(sug: Suggestions) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Items and links of suggestions, piece by piece, as the references are (`in_pieces`)."""
    spans, relations = in_pieces("", sug.spans, sug.relations)  # the pieces' text is not needed here
    sug = Suggestions(spans, relations)
    index = {s.id: i for i, s in enumerate(sug.spans)}
    items = [(s.start, s.end, s.label) for s in sug.spans]
    return items, [(index[r.head], index[r.tail]) for r in sug.relations if r.head in index and r.tail in index]


def _label_f1(refs: Sequence[list[tuple[int, int, str]]], found: Sequence[list[tuple[int, int, str]]], label: str) -> float:
    """Overlap F1 of one label's suggested spans against the references, summed over documents."""
    s = Scores()
    for ref, sug in zip(refs, found):
        s.add_document([x for x in ref if x[2] == label], [], [x for x in sug if x[2] == label], [], [label])
    return s.labels[label].figures()["overlap_f1"] or 0.0


def _tune(held: Sequence[Example], taggers: dict[str, SpanTagger], links: LinkModel, lexicon: Lexicon,
          schema: Any, labels: Sequence[str]) -> dict[str, Any]:
    """The settings that score best on the held-out documents (the defaults without any): each
    label's threshold, the rules' labels worth keeping (beside the model's spans, or alone), the link
    threshold, unlinked sources."""
    settings: dict[str, Any] = {"thresholds": {label: 0.5 for label in labels}, "rule_labels": ["quote"],
                                "rules_only": [], "link_threshold": 0.5, "unlinked_source_confidence": 0.0,
                                "rule_links_first": False}
    if not held:
        return settings
    tokens = [e.tokens for e in held]
    marginals = [{label: t.marginals(tk) for label, t in taggers.items()} for tk in tokens]  # type: ignore[arg-type]
    refs = [_reference(e)[0] for e in held]
    for label in labels:
        def score(th: float, label: str = label) -> tuple[float, float]:
            found = [[(t.start, t.end, label) for t in decode(tk, m[label], label, th)] for tk, m in zip(tokens, marginals)]  # type: ignore[arg-type]
            return _label_f1(refs, found, label), -abs(th - 0.5)
        settings["thresholds"][label] = max(THRESHOLDS, key=score)
    found = [{label: decode(tk, m[label], label, settings["thresholds"][label]) for label in labels}  # type: ignore[arg-type]
             for tk, m in zip(tokens, marginals)]
    rule_labels: list[str] = ["quote"]
    rules_only: list[str] = []
    for label in sorted({s.label for e in held for s in e.rules.spans} - {"quote"}):
        def merged(keep: list[str], alone: Sequence[str] = ()) -> list[list[tuple[int, int, str]]]:
            return [[(m.extent.start, m.extent.end, m.extent.label)
                     for m in merge(e.rules.spans, fd, set(keep), schema, frozenset(alone), e.rules.relations)]
                    for e, fd in zip(held, found)]
        options = [(_label_f1(refs, merged(rule_labels), label), 0), (_label_f1(refs, merged(rule_labels + [label]), label), 1),
                   (_label_f1(refs, merged(rule_labels + [label], [label]), label), 2)]
        options[2] = (options[2][0] - RULES_ONLY_MARGIN, 2)
        best_choice = max(options, key=lambda o: (o[0], -o[1]))[1]  # ties: the model's spans alone
        if best_choice:
            rule_labels.append(label)
        if best_choice == 2:
            rules_only.append(label)
    settings["rule_labels"], settings["rules_only"] = rule_labels, rules_only
    best: tuple[tuple[float, float], float, float, bool] | None = None
    merged_held = [merge(e.rules.spans, fd, set(rule_labels), schema, frozenset(rules_only), e.rules.relations)
                   for e, fd in zip(held, found)]
    for first, floor, th in itertools.product((False, True), UNLINKED_SOURCE_CONFIDENCE, LINK_THRESHOLDS):
        model = TrainedModel("tuning", taggers, lexicon, LinkModel(links.weights, links.intercept, th), rule_labels, floor,
                             rules_only=rules_only, rule_links_first=first)
        s = Scores()
        for e, m, spans in zip(held, marginals, merged_held):
            pred = model._finish(e.doc, e.tokens, spans, m, 0.0, rule_links(e.rules))  # type: ignore[arg-type]
            s.add_document(*_reference(e), *_suggested(pred.suggestions), labels)
        fig = s.figures()
        key = ((fig["links"]["f1"] or 0.0) + (fig["per_label"].get("source", {}).get("overlap_f1") or 0.0), -abs(th - 0.5))
        if best is None or key > best[0]:
            best = (key, th, floor, first)
    assert best is not None
    settings["link_threshold"], settings["unlinked_source_confidence"], settings["rule_links_first"] = best[1:]
    return settings


def _held_out_figures(held: Sequence[Example], model: TrainedModel, labels: Sequence[str],
                      progress: bool | None) -> dict[str, Any]:
    """The card's figures: the merged suggestions and the rules alone, on the held-out documents."""
    if not held:
        return {"model": None, "rules": None}
    mine, rules = Scores(), Scores()
    scored = sorted(set(labels) | {"quote", "claim", "allegation", "source"})
    for e in track(held, "measuring on held-out documents", threshold=5, show=progress):
        ref, ref_links = _reference(e)
        pred = model.predict(e.doc, rules=e.rules)
        mine.add_document(ref, ref_links, *_suggested(pred.suggestions), scored)
        rules.add_document(ref, ref_links, *_suggested(e.rules), scored)
    return {"model": mine.figures(), "rules": rules.figures()}


__all__ = ["MODELS", "TrainReport", "collect", "held_out_split", "train_project"]
