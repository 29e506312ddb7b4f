"""A trained model as `reader suggest --model NAME` uses it: loaded from `annotations/models/NAME/`,
run on a document, merged with the rules.

The folder holds `model.json` (labels with their CRF file and threshold, the lexicon the features
used, the link model's weights, which of the rules' labels to keep, what it was trained on), one
CRFsuite file per label (`<label>.crfsuite`) and the card (`README.md`). Nothing in it is pickled:
loading a model from a shared repository runs no code.

Merging with the rules: the rules' quotes are kept as they are (quotation marks give precise
edges), a model quote overlapping one of them is left out, and the model's spans of every other
label are added. A rule span of another label is kept only for the labels where keeping them
scored better on the held-out documents at training (`rule_labels` in model.json), and for a label
where the rules alone scored better than with the model (`rules_only_labels`), the model's spans of
it are left out. The link model then links every content span (the rules' quotes too) to the
sources of the merged set, knowing which pairs the rules linked; a model source it links to
nothing is left out unless the tagger is at least as sure of it as the held-out documents said
was worth it (`unlinked_source_confidence`: 0 keeps them all, above 1 none).

Every ghost carries its confidence in its note (the schema allows any note, and no attribute that
the label does not declare, so an attribute would make the ghost impossible to accept): the mean
probability the label's tagger gives its tokens, and for a content span the probability of its link.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.errors import UserError
from reader.core.model import Document, Relation, Span
from reader.core.schema import Schema
from reader.suggest.cues import Cues, load_cues
from reader.suggest.features import DocTokens, Lexicon, featurize
from reader.suggest.linker import CONTENT, Extent, LinkModel, RuleLink
from reader.suggest.rules import Suggestions, suggest
from reader.suggest.tagger import SpanTagger, decode

MODELS = "models"
"""`annotations/models/`: where trained models live (a folder of folders, so never an annotator)."""
FORMAT = 1


class ModelError(UserError):
    """A model that is missing or cannot be read."""


def model_dir(project_path: Path, name: str) -> Path:
    from reader.files.corpus import check_name

    check_name("model name", name)
    return Path(project_path) / "annotations" / MODELS / name


def model_names(project_path: Path) -> list[str]:
    root = Path(project_path) / "annotations" / MODELS
    return sorted(p.name for p in root.iterdir() if (p / "model.json").is_file()) if root.is_dir() else []


def missing_library(what: str) -> ModelError:
    return ModelError(f"{what} needs sklearn-crfsuite and scikit-learn: pip install 'reader[train]'")


@dataclass
class Prediction:
    """A model's suggestions for one document, merged with the rules."""

    suggestions: Suggestions
    uncertainty: float
    """Mean over paragraphs and labels of 1 - P(the tagger's best reading): how unsure the taggers are
    (see `tagger`); 0 is sure of every paragraph."""
    confidence: dict[str, float] = field(default_factory=dict)
    """Ghost id -> confidence of the span."""
    link_confidence: dict[str, float] = field(default_factory=dict)
    """Suggested link id -> its probability."""


class TrainedModel:
    """The taggers, lexicon and link model of one saved model."""

    def __init__(self, name: str, taggers: dict[str, SpanTagger], lexicon: Lexicon, links: LinkModel,
                 rule_labels: Sequence[str] = ("quote",), unlinked_source_confidence: float = 0.0,
                 data: dict | None = None, rules_only: Sequence[str] = (), rule_links_first: bool = False) -> None:
        self.name = name
        self.taggers = taggers
        self.lexicon = lexicon
        self.links = links
        self.rule_labels = set(rule_labels) | {"quote"} | set(rules_only)
        self.rules_only = set(rules_only)
        self.rule_links_first = rule_links_first
        """A content span the rules linked keeps the rules' link when its source is in the merged set."""
        self.unlinked_source_confidence = unlinked_source_confidence
        """An unlinked model source is kept when its confidence is at least this (0: always)."""
        self.data = data or {}
        """model.json as read (what it was trained on, the card's figures)."""

    @classmethod
    def load(cls, project_path: Path, name: str) -> TrainedModel:
        """The model `annotations/models/NAME/` of a project; ModelError (one line) when it is missing."""
        path = model_dir(project_path, name)
        if not (path / "model.json").is_file():
            known = model_names(project_path)
            raise ModelError(f"no model {name!r} in {path.parent} (models: {', '.join(known) or 'none yet; run reader train'})")
        return cls.open(path, name)

    @classmethod
    def open(cls, path: Path, name: str | None = None) -> TrainedModel:
        """The model saved in the folder `path` (named `name`, default the folder's name)."""
        meta = path / "model.json"
        try:
            data = json.loads(meta.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"cannot read the model ({exc})", meta) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT or "links" not in data:
            raise ModelError(f"not a model file of this version (format {FORMAT} expected)", meta)
        try:
            import pycrfsuite  # noqa: F401
        except ImportError:
            raise missing_library("reader suggest --model") from None
        taggers = {}
        for label, info in (data.get("labels") or {}).items():
            file = path / str(info["file"])
            if not file.is_file():
                raise ModelError(f"the model's file for {label!r} is missing", file)
            try:
                taggers[label] = SpanTagger(label, file, float(info.get("threshold", 0.5)))
            except (OSError, ValueError) as exc:
                raise ModelError(f"cannot open the model's {label!r} tagger ({exc})", file) from None
        try:
            return cls(name or path.name, taggers, Lexicon.from_json(data.get("lexicon") or {}),
                       LinkModel.from_json(data["links"]), data.get("rule_labels") or ("quote",),
                       _unlinked_confidence(data), data, data.get("rules_only_labels") or (),
                       bool(data.get("rule_links_first", False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"not a model file of this version ({exc})", meta) from None

    def predict(self, doc: Document, cues: Cues | None = None, schema: Schema | None = None,
                rules: Suggestions | None = None) -> Prediction:
        """The merged suggestions for `doc` (ghost ids g1..., link ids gr1...), with confidences."""
        rules = rules if rules is not None else suggest(doc, cues or load_cues(), schema)
        tokens = featurize(doc, self.lexicon, rules.spans)
        marginals, total = {}, 0.0
        for label, tagger in self.taggers.items():
            marginals[label], doubt = tagger.read(tokens, doubt=True)
            total += doubt
        count = len(tokens.paragraphs) * len(self.taggers)
        found = {label: decode(tokens, m, label, self.taggers[label].threshold) for label, m in marginals.items()}
        spans = merge(rules.spans, found, self.rule_labels, schema, self.rules_only, rules.relations)
        return self._finish(doc, tokens, spans, marginals, total / count if count else 0.0, rule_links(rules))

    def _finish(self, doc: Document, tokens: DocTokens, spans: list[Merged], marginals: dict,
                unsure: float, ruled: Sequence[RuleLink] = ()) -> Prediction:
        contents = [i for i, m in enumerate(spans) if m.extent.label in CONTENT]
        sources = [i for i, m in enumerate(spans) if m.extent.label == "source"]
        cues = [m.extent for m in spans if m.extent.label == "cue"]
        pairs = self.links.link(tokens, self.lexicon, [spans[i].extent for i in contents],
                                [spans[i].extent for i in sources], cues, rule_links=ruled)
        if self.rule_links_first and ruled:
            pairs = _rules_first(pairs, [spans[i].extent for i in contents], [spans[i].extent for i in sources], ruled)
        linked_sources = {sources[si] for _, si, _ in pairs}
        floor = self.unlinked_source_confidence
        keep = [i for i, m in enumerate(spans)
                if not (floor > 0 and m.extent.label == "source" and m.origin == "model" and i not in linked_sources
                        and (_mean_inside(tokens, marginals.get("source"), m.extent) or 0.0) < floor)]
        ids = {i: f"g{n}" for n, i in enumerate(keep, 1)}
        link_of = {contents[ci]: (sources[si], p) for ci, si, p in pairs if sources[si] in ids}
        out = Suggestions()
        pred = Prediction(out, round(unsure, 4))
        for i in keep:
            m = spans[i]
            extent = m.extent
            conf = _mean_inside(tokens, marginals.get(extent.label), extent)
            note = f"model {self.name}: {conf:.2f}" if conf is not None else f"model {self.name}: label not learned"
            if m.origin == "rules":
                note = f"{m.note}; {note}"
            if i in link_of:
                tail, p = link_of[i]
                t = spans[tail].extent
                note += f"; source {doc.text[t.start:t.end][:30]!r} {p:.2f}"
            out.spans.append(Span(ids[i], extent.start, extent.end, extent.label, doc.text[extent.start:extent.end],
                                  dict(m.attrs), note, fragments=m.fragments))
            if conf is not None:
                pred.confidence[ids[i]] = conf
        for head, (tail, p) in sorted(link_of.items()):
            if head in ids:
                rid = f"gr{len(out.relations) + 1}"
                out.relations.append(Relation(rid, ids[head], ids[tail]))
                pred.link_confidence[rid] = p
        return pred


@dataclass(frozen=True)
class Merged:
    """One span of the merged suggestions and where it came from."""

    extent: Extent
    origin: str
    """"rules" or "model"."""
    attrs: dict = field(default_factory=dict)
    note: str = ""
    fragments: tuple[tuple[int, int], ...] = ()
    """A rule quote's pieces (an attribution between them is not the quote's), kept as they are."""


def rule_links(rules: Suggestions) -> list[RuleLink]:
    """(content, source) extents of the rules' suggested links, for the link model's features."""
    by_id = {s.id: s for s in rules.spans}
    out = []
    for r in rules.relations:
        head, tail = by_id.get(r.head), by_id.get(r.tail)
        if head is not None and tail is not None and head.label in CONTENT and tail.label == "source":
            out.append((Extent(head.start, head.end, head.label), Extent(tail.start, tail.end, tail.label)))
    return out


class _Taken:
    """Extents already kept, asked whether a new one overlaps any of them: sorted by start, so a
    book's merge stays near linear (a scan of every kept span for each new one was quadratic)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.longest = 0

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        self.longest = max(self.longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        lo = bisect.bisect_right(self.starts, start - self.longest)  # an earlier one is too short to reach
        hi = bisect.bisect_left(self.starts, end)
        return any(self.ends[i] > start for i in range(lo, hi))


def merge(rule_spans: Sequence[Span], found: dict[str, list], rule_labels: set[str],
          schema: Schema | None = None, rules_only: set[str] | frozenset[str] = frozenset(),
          rule_relations: Sequence[Relation] = ()) -> list[Merged]:
    """The merged spans in text order: the rules' spans of `rule_labels` (always their quotes), then
    the model's spans that overlap no kept rule span of their label (none of `rules_only`'s), then
    the rules' sources of a kept rule quote or claim that no model source overlaps (the rules found
    who said it; a model that missed the speaker must not lose the link)."""
    kept: list[Merged] = []
    for s in rule_spans:
        if s.label == "quote" or s.label in rule_labels:
            kept.append(Merged(Extent(s.start, s.end, s.label), "rules", dict(s.attrs), s.note or "suggested by rule",
                               s.fragments))
    by_label: dict[str, _Taken] = {}
    for m in kept:
        by_label.setdefault(m.extent.label, _Taken()).add(m.extent.start, m.extent.end)
    for label, spans in found.items():
        if (schema is not None and schema.label(label) is None) or label in rules_only:
            continue
        theirs = by_label.get(label, _Taken())
        for t in spans:
            if not theirs.overlaps(t.start, t.end):
                kept.append(Merged(Extent(t.start, t.end, label), "model"))
    if "source" not in rule_labels and rule_relations:
        by_id = {s.id: s for s in rule_spans}
        kept_rule = {(m.extent.start, m.extent.end, m.extent.label) for m in kept if m.origin == "rules"}
        sources = _Taken()
        for m in kept:
            if m.extent.label == "source":
                sources.add(m.extent.start, m.extent.end)
        for r in rule_relations:
            head, tail = by_id.get(r.head), by_id.get(r.tail)
            if head is None or tail is None or (head.start, head.end, head.label) not in kept_rule:
                continue
            if not sources.overlaps(tail.start, tail.end):
                kept.append(Merged(Extent(tail.start, tail.end, "source"), "rules", dict(tail.attrs),
                                   tail.note or "suggested by rule"))
                sources.add(tail.start, tail.end)
    kept.sort(key=lambda m: (m.extent.start, -m.extent.end, m.extent.label))
    return kept


def _rules_first(pairs: list[tuple[int, int, float]], contents: Sequence[Extent], sources: Sequence[Extent],
                 ruled: Sequence[RuleLink]) -> list[tuple[int, int, float]]:
    """The link model's (content, source, p) with the rules' own link instead wherever the rules linked
    that very content to a source of the merged set (p 1.0: the rules are sure or say nothing)."""
    where = {(s.start, s.end): si for si, s in enumerate(sources)}
    mine = {(c.start, c.end, c.label): ci for ci, c in enumerate(contents)}
    chosen = {ci: (si, p) for ci, si, p in pairs}
    for head, tail in ruled:
        ci, si = mine.get((head.start, head.end, head.label)), where.get((tail.start, tail.end))
        if ci is not None and si is not None:
            chosen[ci] = (si, 1.0)
    return [(ci, si, p) for ci, (si, p) in sorted(chosen.items())]


def _unlinked_confidence(data: dict) -> float:
    """model.json's `unlinked_source_confidence`; a model of the first version said it as a yes or no
    (`drop_unlinked_sources`), which is above 1 (none kept) or 0 (all kept)."""
    if "unlinked_source_confidence" in data:
        return float(data["unlinked_source_confidence"])
    return 1.01 if data.get("drop_unlinked_sources") else 0.0


def _mean_inside(tokens: DocTokens, marginals: list | None, extent: Extent) -> float | None:
    """The mean P(inside) the label's tagger gives the tokens of `extent` (None: no tagger)."""
    if marginals is None:
        return None
    probs = []
    for para, rows in zip(tokens.paragraphs, marginals):
        if para.tokens[-1][1] <= extent.start or para.tokens[0][0] >= extent.end:
            continue
        for (a, b), row in zip(para.tokens, rows):
            if a < extent.end and extent.start < b:
                probs.append(row[0] + row[1])
    return round(sum(probs) / len(probs), 2) if probs else 0.0
