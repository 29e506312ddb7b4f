"""How good the rule suggestions are: scored against one annotator's spans, per label and per document.

A team wants to know how far to trust pre-annotation before accepting it, and whoever improves the
rules (or trains a model) needs figures on news the rules were not written against. This module
gives them, headless: `score_document` for any spans and links (a `Suggestions` from
`reader.suggest.rules.suggest`, a `DocAnnotations`' tables, jsonl records as dicts), `score_project`
for `reader suggest --evaluate ANNOTATOR`, which reads the annotator's files and writes nothing.

It lives in `review`, not in `suggest`, because it is a comparison of two annotations and reuses the
comparison's parts: the one-to-one alignment of `review.alignment` (exact, then overlap matches of
the same label, largest overlap first, so the figures mean what `reader diff` means by them) and the
P/R/F1 and extent merging of `review.metrics`. `review` sits above `suggest` in the layer contract,
so it may call the rules; `suggest` could not import these.

The annotator is the reference (recall = matched / the annotator's spans, precision = matched /
the suggestions). The figures, all summed over documents before dividing (never averaged):

- per label: exact and overlap P/R/F1 (overlap: same label, at least one shared character);
- source: the `source` label's row, named for the headline;
- content: quote, claim and allegation taken as one label and aligned again, so a suggested claim
  over the annotator's quote counts as found content (per label the rows above);
- content characters: the characters inside any content span of each side (overlaps merged),
  P/R/F1 of the shared ones;
- links: a suggested link matches a reference link when both heads are content spans that overlap
  and both tails overlap (one-to-one, most shared characters first); P/R/F1;
- direct quotes: the share of the annotator's quotes (kind `direct`, or no kind) that a suggested
  quote overlaps.

A span in fragments (a quote interrupted by "she said") is scored piece by piece, on both sides,
and its links as links of each piece: that is how the suggestions give such a quote (one ghost a
piece) and how corpora such as de-quotes annotate it, so a quote found in its two pieces counts
twice found, not once found and once wrong. Spans of labels not scored (the German corpus's `cue`)
and links touching them are left out and counted under `ignored`. A figure with nothing to measure is None (`null`, `-`), as in `reader diff`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.core.errors import UserError
from reader.core.model import Document
from reader.core.progress import track
from reader.review.alignment import Link, Unit, align
from reader.review.comparison import LabelCounts
from reader.review.metrics import merge_extents, prf

LABELS = ("quote", "claim", "allegation", "source")
CONTENT = ("quote", "claim", "allegation")
SOURCE = "source"


def _get(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, Mapping) else getattr(item, name, default)


@dataclass
class Side:
    """One side's spans and links as the comparison needs them, and what was left out."""

    units: list[Unit]
    links: list[Link]
    direct: list[Unit] = field(default_factory=list)
    """Quotes whose `kind` is direct or not given: the quotes direct-quote recall asks about."""
    ignored: Counter = field(default_factory=Counter)
    """label -> spans left out (not scored), and "links" -> links touching them."""


def side(spans: Iterable[Any], relations: Iterable[Any] = (), labels: Sequence[str] = LABELS) -> Side:
    """Spans (objects or mappings with id, start, end, label[, attrs]) and relations (head, tail[,
    label]: span ids) as a `Side`; spans of other labels and their links are counted as ignored."""
    wanted = set(labels)
    units: dict[str, list[Unit]] = {}
    direct: list[Unit] = []
    ignored: Counter = Counter()
    for n, s in enumerate(spans):
        label = str(_get(s, "label"))
        if label not in wanted:
            ignored[label] += 1
            continue
        sid = str(_get(s, "id", "") or f"#{n}")
        pieces = [tuple(f) for f in (_get(s, "fragments") or ())] or [(_get(s, "start"), _get(s, "end"))]
        units[sid] = [Unit(int(a), int(b), label, sid if len(pieces) == 1 else f"{sid}/{k}")
                      for k, (a, b) in enumerate(pieces, 1)]
        if label == "quote" and (_get(s, "attrs") or {}).get("kind", "direct") == "direct":
            direct.extend(units[sid])
    links = []
    for r in relations:
        heads, tails = units.get(str(_get(r, "head"))), units.get(str(_get(r, "tail")))
        if heads is None or tails is None:
            ignored["links"] += 1
            continue
        links.extend(Link(head, tail, str(_get(r, "label") or "attributed_to"), str(_get(r, "id", "")))
                     for head in heads for tail in tails)
    return Side(sorted(u for pieces in units.values() for u in pieces), links, direct, ignored)


# --------------------------------------------------------------------------- one document


@dataclass
class DocScore:
    """The counts of one document (or, added up, of many): the figures are computed from these."""

    doc_id: str = ""
    documents: int = 1
    labels: dict[str, LabelCounts] = field(default_factory=dict)
    """label -> (a = reference spans, b = suggested, exact, overlap matches)."""
    content: LabelCounts = field(default_factory=LabelCounts)
    chars: list[int] = field(default_factory=lambda: [0, 0, 0])
    """Content characters: [reference, suggested, shared]."""
    links: list[int] = field(default_factory=lambda: [0, 0, 0])
    """[reference links, suggested links, matched]."""
    quotes: list[int] = field(default_factory=lambda: [0, 0])
    """[reference direct quotes, found by a suggested quote]."""
    ignored: dict[str, Counter] = field(default_factory=lambda: {"reference": Counter(), "suggested": Counter()})

    def add(self, other: DocScore) -> None:
        self.documents += other.documents
        for label, c in other.labels.items():
            mine = self.labels.setdefault(label, LabelCounts())
            mine.a, mine.b, mine.exact, mine.overlap = mine.a + c.a, mine.b + c.b, mine.exact + c.exact, mine.overlap + c.overlap
        c, m = other.content, self.content
        m.a, m.b, m.exact, m.overlap = m.a + c.a, m.b + c.b, m.exact + c.exact, m.overlap + c.overlap
        for mine_list, theirs in ((self.chars, other.chars), (self.links, other.links), (self.quotes, other.quotes)):
            for i, value in enumerate(theirs):
                mine_list[i] += value
        for who in ("reference", "suggested"):
            self.ignored[who].update(other.ignored[who])

    def figures(self) -> dict[str, Any]:
        per_label = {label: _label_figures(c) for label, c in self.labels.items()}
        cp, cr, cf = prf(self.chars[2], self.chars[0], self.chars[1])
        lp, lr, lf = prf(self.links[2], self.links[0], self.links[1])
        return {
            "per_label": per_label,
            "source": per_label.get(SOURCE, _label_figures(LabelCounts())),
            "content": _label_figures(self.content),
            "content_chars": {"precision": cp, "recall": cr, "f1": cf,
                              "reference": self.chars[0], "suggested": self.chars[1], "shared": self.chars[2]},
            "links": {"precision": lp, "recall": lr, "f1": lf,
                      "reference": self.links[0], "suggested": self.links[1], "matches": self.links[2]},
            "direct_quotes": {"recall": self.quotes[1] / self.quotes[0] if self.quotes[0] else None,
                              "reference": self.quotes[0], "found": self.quotes[1]},
            "ignored": {who: dict(sorted(c.items())) for who, c in self.ignored.items()},
        }


def _label_figures(c: LabelCounts) -> dict[str, Any]:
    ep, er, ef = prf(c.exact, c.a, c.b)
    op, orr, of = prf(c.overlap, c.a, c.b)
    return {
        "exact_precision": ep, "exact_recall": er, "exact_f1": ef,
        "overlap_precision": op, "overlap_recall": orr, "overlap_f1": of,
        "reference": c.a, "suggested": c.b, "exact_matches": c.exact, "overlap_matches": c.overlap,
    }


def _shared(a: Unit, b: Unit) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _count_alignment(ref: Sequence[Unit], sug: Sequence[Unit], into: dict[str, LabelCounts]) -> None:
    for u in ref:
        into.setdefault(u.label, LabelCounts()).a += 1
    for u in sug:
        into.setdefault(u.label, LabelCounts()).b += 1
    al = align(ref, sug)
    for u, _ in al.exact:
        into[u.label].exact += 1
        into[u.label].overlap += 1
    for u, _ in al.boundary:
        into[u.label].overlap += 1


def _covered(units: Iterable[Unit]) -> list[tuple[int, int]]:
    return merge_extents((u.start, u.end) for u in units if u.label in CONTENT)


def _shared_chars(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    total = i = j = 0
    while i < len(a) and j < len(b):
        total += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _link_matches(ref: Sequence[Link], sug: Sequence[Link]) -> int:
    """One-to-one matches of links whose heads (content) and tails overlap, most shared first."""
    candidates = []
    for i, a in enumerate(ref):
        for j, b in enumerate(sug):
            if a.label != b.label or a.head.label not in CONTENT or b.head.label not in CONTENT:
                continue
            if a.tail.label != b.tail.label:
                continue
            head, tail = _shared(a.head, b.head), _shared(a.tail, b.tail)
            if head > 0 and tail > 0:
                candidates.append((-(head + tail), i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def score_document(doc_id: str, reference: Side, suggested: Side, labels: Sequence[str] = LABELS) -> DocScore:
    """The counts of one document: `reference` (the annotator) against `suggested`."""
    out = DocScore(doc_id, labels={label: LabelCounts() for label in labels})
    _count_alignment(reference.units, suggested.units, out.labels)
    as_content = {}
    for who, s in (("reference", reference), ("suggested", suggested)):
        as_content[who] = [u._replace(label="content") for u in s.units if u.label in CONTENT]
        out.ignored[who].update(s.ignored)
    content: dict[str, LabelCounts] = {"content": out.content}
    _count_alignment(as_content["reference"], as_content["suggested"], content)
    ref_chars, sug_chars = _covered(reference.units), _covered(suggested.units)
    out.chars = [sum(e - s for s, e in ref_chars), sum(e - s for s, e in sug_chars), _shared_chars(ref_chars, sug_chars)]
    out.links = [len(reference.links), len(suggested.links), _link_matches(reference.links, suggested.links)]
    quotes = [u for u in suggested.units if u.label == "quote"]
    found = sum(1 for q in reference.direct if any(_shared(q, s) > 0 for s in quotes))
    out.quotes = [len(reference.direct), found]
    return out


# --------------------------------------------------------------------------- many documents


@dataclass
class SuggestionScores:
    """Scores of the suggestions over some documents: each document's counts and their sum."""

    reference: str
    labels: list[str]
    docs: list[DocScore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Files left out (their document is not in seeds/) and files re-anchored while reading."""

    def add(self, doc: DocScore) -> None:
        self.docs.append(doc)

    def total(self) -> DocScore:
        out = DocScore("", documents=0, labels={label: LabelCounts() for label in self.labels})
        for d in self.docs:
            out.add(d)
        return out

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"documents": len(self.docs), "reference": self.reference}
        out.update(self.total().figures())
        out["per_document"] = {d.doc_id: d.figures() for d in self.docs}
        out["notes"] = list(self.notes)
        return out


def score_suggestions(
    reference: str, docs: Iterable[tuple[str, Side, Side]], labels: Sequence[str] = LABELS
) -> SuggestionScores:
    """Scores of (doc id, reference side, suggested side) triples."""
    out = SuggestionScores(reference, list(labels))
    for doc_id, ref, sug in docs:
        out.add(score_document(doc_id, ref, sug, labels))
    return out


def score_project(project: Any, annotator: str, doc_ids: Sequence[str] | None = None, progress: bool = False) -> SuggestionScores:
    """`reader suggest --evaluate ANNOTATOR`: fresh rule suggestions of each document the annotator
    has a file for (or of `doc_ids`), scored against that file. Nothing is written: the files are
    read without a lock, and the suggestions are never stored."""
    from reader.suggest.cues import load_cues
    from reader.suggest.rules import suggest

    store, corpus = project.store, project.corpus
    store.path(annotator, "x")  # validates the name
    known = store.annotators()
    if annotator not in known:
        raise UserError(f"no annotator {annotator!r} in {store.root} (annotators: {', '.join(known) or 'none yet'})")
    files = {p.stem for p in store.files(annotator)}
    result = SuggestionScores(annotator, list(project.schema.label_names))
    if doc_ids:
        docs: list[Document] = []
        for doc_id in doc_ids:
            doc = corpus.get(doc_id)
            if doc_id not in files:
                raise UserError(f"annotator {annotator!r} has no file for document {doc_id!r}")
            docs.append(doc)
    else:
        docs = [corpus.documents[d] for d in corpus.ids if d in files]
        result.notes.extend(f"{d}: not in seeds/; left out" for d in sorted(files - set(corpus.ids)))
    cues, schema = load_cues(project.path), project.schema
    for doc in track(docs, "scoring suggestions", threshold=5, show=progress):
        loaded = store.load(annotator, doc)
        result.notes.extend(loaded.report)
        ann = loaded.annotations
        found = suggest(doc, cues, schema)
        ref = side(ann.spans.values(), ann.relations.values(), result.labels)
        result.add(score_document(doc.id, ref, side(found.spans, found.relations, result.labels), result.labels))
    return result


# --------------------------------------------------------------------------- text report


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_scores(scores: SuggestionScores) -> str:
    """The table a user reads: per label, content, characters, links, direct quotes, then per document."""
    fig = scores.total().figures()
    n = len(scores.docs)
    lines = [f"suggestions scored against {scores.reference} (the reference) on {n} document{'s' if n != 1 else ''}", ""]
    lines.append(f"{'':<24} {'ref':>5} {'sugg':>5}  {'exact P':>7} {'R':>6} {'F1':>6}  {'overlap P':>9} {'R':>6} {'F1':>6}")
    rows = [(label, f) for label, f in fig["per_label"].items()] + [("content", fig["content"])]
    for name, f in rows:
        lines.append(
            f"{name:<24} {f['reference']:>5} {f['suggested']:>5}  {_f(f['exact_precision']):>7} {_f(f['exact_recall']):>6} "
            f"{_f(f['exact_f1']):>6}  {_f(f['overlap_precision']):>9} {_f(f['overlap_recall']):>6} {_f(f['overlap_f1']):>6}"
        )
    ch, ln, dq = fig["content_chars"], fig["links"], fig["direct_quotes"]
    lines.append(f"{'content characters':<24} {ch['reference']:>5} {ch['suggested']:>5}  {'':>21}  "
                 f"{_f(ch['precision']):>9} {_f(ch['recall']):>6} {_f(ch['f1']):>6}")
    lines.append(f"{'links (ends overlap)':<24} {ln['reference']:>5} {ln['suggested']:>5}  {'':>21}  "
                 f"{_f(ln['precision']):>9} {_f(ln['recall']):>6} {_f(ln['f1']):>6}")
    lines.append(f"direct quotes found: {_f(dq['recall'])} ({dq['found']} of {dq['reference']})")
    lines.append("(content: " + ", ".join(CONTENT) + " taken as one label; a link matches when both its ends overlap)")
    for who in ("reference", "suggested"):
        if fig["ignored"][who]:
            left = ", ".join(f"{k} {v}" for k, v in fig["ignored"][who].items())
            lines.append(f"not scored ({who}): {left}")
    if n > 1:
        lines += ["", f"{'document':<36} {'source F1':>9} {'content F1':>10} {'chars F1':>8} {'links F1':>8} {'direct quotes':>14}"]
        for d in scores.docs:
            f = d.figures()
            q = f["direct_quotes"]
            lines.append(
                f"{d.doc_id:<36} {_f(f['source']['overlap_f1']):>9} {_f(f['content']['overlap_f1']):>10} "
                f"{_f(f['content_chars']['f1']):>8} {_f(f['links']['f1']):>8} {str(q['found']) + ' of ' + str(q['reference']):>14}"
            )
    for note in scores.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines) + "\n"
