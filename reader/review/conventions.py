"""Which rule conventions an annotator follows: the `rules:` flags of suggest.yaml that, flipped,
make the suggestions agree better with their files (`reader suggest --evaluate ANNOTATOR`).

Annotators differ on conventions the rules can only guess: is "she" in '"...," she said' a source of
its own or the name it stands for (`pronoun_sources`)? Is the writer's own sentence with a number a
claim (`numeric_claims`)? On real news annotated elsewhere the defaults can be far off (English
held-out: source F1 0.78 with the seed's conventions, 0.91 with the references'), and nothing else
tells a user so. The rules take about a millisecond a document, so trying the flags is cheap:

- the flags are the boolean `rules:` of the packaged suggest.yaml, as the project has them now (read
  from the loaded cues, not listed here); a language whose section sets a flag itself (German
  `verb_second`) has its own flag, `languages.de.verb_second`, tried only when the documents are in
  that language, and the shared flag only when some document's language does not set it;
- greedy: each flag flipped alone, the best kept, then each other flag on top of it, while a step
  gains; at most n + (n-1) + ... + 1 passes over the documents for n flags (and one for the project's
  own setting), each document's suggestions cached by the rules its language reads;
- the score is source overlap F1 + content overlap F1 + link F1 (a figure with nothing to measure
  counts 0); a step must gain at least `MIN_GAIN`, so a hint never reads "0.78 -> 0.78".

Nothing is written: the user copies the hint into annotations/suggest.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.core.errors import UserError
from reader.core.model import Document
from reader.core.progress import track
from reader.review.comparison import LabelCounts
from reader.review.suggestion_scores import DocScore, Side, score_document, side

MIN_GAIN = 0.005
"""Least gain of the summed F1 for a flip to count (half a point at the two decimals shown)."""
FIGURES = (("source_f1", "source F1"), ("content_f1", "content"), ("links_f1", "links"))


@dataclass(frozen=True)
class Flag:
    """One boolean rule convention: shared (`language` None) or a language's own."""

    name: str
    language: str | None
    value: bool
    """As the project has it now."""

    @property
    def key(self) -> str:
        return self.name if self.language is None else f"languages.{self.language}.{self.name}"


@dataclass
class Conventions:
    """What the search found: the flags now, the flips that score better (empty: none), the figures."""

    annotator: str
    documents: int
    current: dict[str, bool] = field(default_factory=dict)
    suggested: dict[str, bool] = field(default_factory=dict)
    """Flag key -> the value that agrees better, in the order the greedy search took them."""
    before: dict[str, float | None] = field(default_factory=dict)
    after: dict[str, float | None] = field(default_factory=dict)
    alone: dict[str, float] = field(default_factory=dict)
    """Flag key -> the summed F1 gained (or lost) by flipping it alone."""
    passes: int = 0
    """Settings scored over the documents (the project's own included)."""

    def yaml(self) -> str:
        """The suggestion as suggest.yaml writes it: `rules: {...}`, `languages: {de: {rules: {...}}}`."""
        shared = {k: v for k, v in self.suggested.items() if "." not in k}
        own: dict[str, dict[str, bool]] = {}
        for k, v in self.suggested.items():
            if "." in k:
                _, code, name = k.split(".", 2)
                own.setdefault(code, {})[name] = v
        parts = []
        if shared:
            parts.append(f"rules: {_flow(shared)}")
        if own:
            parts.append("languages: {" + ", ".join(f"{c}: {{rules: {_flow(f)}}}" for c, f in own.items()) + "}")
        return " and ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "current": dict(self.current),
            "suggested": dict(self.suggested),
            "figures": {k: [self.before.get(k), self.after.get(k)] for k, _ in FIGURES},
            "alone": {k: round(v, 4) for k, v in self.alone.items()},
            "yaml": self.yaml(),
            "documents": self.documents,
            "passes": self.passes,
        }


def _flow(flags: dict[str, bool]) -> str:
    return "{" + ", ".join(f"{k}: {'true' if v else 'false'}" for k, v in flags.items()) + "}"


def _figures(total: DocScore) -> dict[str, float | None]:
    fig = total.figures()
    return {"source_f1": fig["source"]["overlap_f1"], "content_f1": fig["content"]["overlap_f1"],
            "links_f1": fig["links"]["f1"]}


def _score(figures: dict[str, float | None]) -> float:
    return sum(v or 0.0 for v in figures.values())


def flags_of(cues: Any, languages: set[str]) -> list[Flag]:
    """The boolean flags that change something for documents in `languages` (see the module's doc)."""
    from reader.suggest.cues import load_cues

    defaults = load_cues().data.get("rules") or {}
    names = [k for k, v in defaults.items() if isinstance(v, bool)]
    own = {code: (cues.sections.get(code) or {}).get("rules") or {} for code in sorted(languages)}
    out = []
    for name in names:
        if any(name not in rules for rules in own.values()):
            out.append(Flag(name, None, cues.on(name)))
        for code, rules in own.items():
            if name in rules:
                out.append(Flag(name, code, cues.language(code).on(name)))
    return out


def _extra(flips: Sequence[Flag]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for f in flips:
        if f.language is None:
            extra.setdefault("rules", {})[f.name] = not f.value
        else:
            extra.setdefault("languages", {}).setdefault(f.language, {}).setdefault("rules", {})[f.name] = not f.value
    return extra


def search(project_path: Any, schema: Any, docs: Sequence[tuple[Document, Side]], annotator: str = "",
           labels: Sequence[str] | None = None, progress: bool = False) -> Conventions:
    """The greedy search over (document, the annotator's side) pairs, with the project's cues as
    they are (annotations/suggest.yaml under `project_path`, or the packaged ones for None)."""
    from reader.suggest.cues import load_cues
    from reader.suggest.rules import suggest

    labels = list(labels or schema.label_names)
    base = load_cues(project_path)
    codes = [base.for_document(doc.text, doc.meta).code for doc, _ in docs]
    flags = flags_of(base, set(codes))
    out = Conventions(annotator, len(docs), current={f.key: f.value for f in flags})
    cache: dict[tuple[int, frozenset], DocScore] = {}

    def run(flips: Sequence[Flag]) -> dict[str, float | None]:
        cues = load_cues(project_path, extra=_extra(flips)) if flips else base
        total = DocScore("", documents=0, labels={label: LabelCounts() for label in labels})
        for i, ((doc, ref), code) in enumerate(zip(docs, codes)):
            lang = cues.language(code)
            key = (i, frozenset(lang.rules.items()))
            if key not in cache:
                found = suggest(doc, lang, schema)
                cache[key] = score_document(doc.id, ref, side(found.spans, found.relations, labels), labels)
            total.add(cache[key])
        out.passes += 1
        return _figures(total)

    out.before = best_figures = run(())
    best, chosen = _score(best_figures), []
    show = progress and len(docs) >= 20
    while True:
        left = [f for f in flags if f not in chosen]
        step = None
        for f in track(left, f"trying rule conventions ({len(chosen) + 1})", threshold=0, show=show):
            figures = run([*chosen, f])
            if not chosen:
                out.alone[f.key] = _score(figures) - best
            if _score(figures) >= best + MIN_GAIN and (step is None or _score(figures) > _score(step[1])):
                step = (f, figures)
        if step is None:
            break
        chosen.append(step[0])
        best_figures, best = step[1], _score(step[1])
    out.suggested = {f.key: not f.value for f in chosen}
    out.after = best_figures
    return out


def find_conventions(project: Any, annotator: str, doc_ids: Sequence[str], progress: bool = False) -> Conventions:
    """`reader suggest --evaluate ANNOTATOR`'s hint: the search over the annotator's files of
    `doc_ids` (those `score_project` scored), read without a lock; nothing is written."""
    store, corpus = project.store, project.corpus
    if annotator not in store.annotators():
        raise UserError(f"no annotator {annotator!r} in {store.root}")
    labels = list(project.schema.label_names)
    pairs = []
    for doc_id in doc_ids:
        doc = corpus.get(doc_id)
        ann = store.load(annotator, doc).annotations
        pairs.append((doc, side(ann.spans.values(), ann.relations.values(), labels)))
    return search(project.path, project.schema, pairs, annotator, labels, progress)


def format_conventions(c: Conventions) -> str:
    """The hint after the table: one line naming the better setting and its figures, one saying
    nothing was written; empty when the project's own setting scores best."""
    if not c.suggested:
        return ""
    figures = ", ".join(f"{name} {_f(c.before.get(k))} -> {_f(c.after.get(k))}" for k, name in FIGURES)
    over = f"on {c.documents} document{'s' if c.documents != 1 else ''}"
    lines = ["", f"annotator {c.annotator}'s spans agree better with {c.yaml()} in annotations/suggest.yaml "
                 f"({over}): {figures}"]
    alone = ", ".join(f"{k} {c.alone[k]:+.2f}" for k in c.suggested if k in c.alone)
    caution = "; a few documents are a thin basis, evaluate on more before trusting it" if c.documents < 10 else ""
    lines.append(f"(nothing was written: set that in annotations/suggest.yaml to keep it; flipped alone: {alone}{caution})")
    return "\n".join(lines) + "\n"


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"
