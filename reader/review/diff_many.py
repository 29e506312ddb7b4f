"""`reader diff A B C ...`: three or more annotators over a project, pair by pair and all together.

Two figures a team asks for (as DKPro Statistics and INCEpTION's agreement page give them):

- the pairwise matrix: for every pair, exactly the figures `reader diff A B` gives (the same
  `comparison.Tally`), over the documents all N annotated, so that the cells are comparable;
- over all N at once, Krippendorff's alpha, which takes any number of coders:
  * token alpha (nominal) over the tokens of those documents, a token taking the label of the
    innermost span it is in, "O" when none (as the kappa of two does), and per label the yes/no
    alpha (is the token in a span of this label?);
  * unitizing alpha per label and over all labels (`metrics.unitizing_many`: D_o over every pair of
    coders, D_e pooling every coder's units and gaps), the documents laid end to end in corpus order;
  * link alpha (nominal): a unit is a content span aligned across annotators (the candidates'
    grouping of `review.candidates`: same label and sharing a character, or the same extent), an
    annotator's value the aligned source their span is linked to, "none" when they have the span
    but no link, missing when they lack it (`link_values`). Link F1 of a pair only counts links
    whose both ends match exactly; this asks, over all N, whether they agree on who said it.

Then the candidates not every annotator made (`review.candidates`), with who made them: what
`reader review A B C ...` will ask about. Documents that not all N have a file for are named and
left out, as `reader diff A B` does with two.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from reader.core.errors import UserError
from reader.core.model import JOINER
from reader.core.progress import track
from reader.review.alignment import Link, Unit
from reader.review.candidates import (
    Contest,
    candidates,
    collect_candidates,
    overlap_groups,
)
from reader.review.comparison import Tally, compare_units, innermost, tokenize
from reader.review.diff import _f, _quote, read_units, snippet
from reader.review.metrics import (
    Continuum,
    Sections,
    alpha_over_categories,
    merge_extents,
    nominal_alpha,
    observed_sum,
)


def shared_by_all(project: Any, names: Sequence[str], doc_id: str | None = None) -> tuple[list[str], list[str]]:
    """The documents every annotator in `names` has a file for, in corpus order, and a line for each
    left out; unknown or repeated annotators, and with `doc_id` one that lacks it, are UserErrors."""
    store = project.store
    known = store.annotators()
    for name in names:
        store.path(name, "x")  # validates the name
        if name not in known:
            raise UserError(f"no annotator {name!r} in {store.root} (annotators: {', '.join(known) or 'none yet'})")
    twice = sorted({n for n in names if list(names).count(n) > 1})
    if twice:
        raise UserError(f"each annotator may be named once ({', '.join(map(repr, twice))} is named twice)")
    files = {name: _file_ids(store.root / name) for name in names}
    corpus = project.corpus
    if doc_id is not None:
        corpus.get(doc_id)
        for name in names:
            if doc_id not in files[name]:
                raise UserError(f"annotator {name!r} has no file for document {doc_id!r}")
        return [doc_id], []
    every = set.intersection(*files.values())
    some = set.union(*files.values())
    skipped = sorted(
        [f"{d}: only {', '.join(n for n in names if d in files[n])} have a file" for d in some - every if d in corpus.documents]
        + [f"{d}: not in seeds/" for d in every if d not in corpus.documents]
    )
    return [d for d in corpus.ids if d in every], skipped


def _file_ids(folder: Any) -> set[str]:
    """The document ids of one annotator's files (`Store.files`, without building and sorting paths)."""
    try:
        with os.scandir(folder) as entries:
            return {e.name[:-5] for e in entries if e.name.endswith(".json") and not e.name.startswith(".") and e.is_file()}
    except FileNotFoundError:
        return set()


def token_values(text: str, sides: Sequence[Sequence[Unit]], rank: dict[str, int]) -> tuple[int, Counter, dict[str, Counter]]:
    """(tokens, {(label of each annotator): tokens}, {label: {annotators marking it: tokens}}) of one
    document, without listing each token's labels: every span becomes the run of tokens it shares a
    character with, and the runs between span edges are counted at once. Equal, token for token, to
    `comparison.token_labels` of each annotator (tested)."""
    tokens = tokenize(text)
    starts = [s for s, _ in tokens]
    ends = [e for _, e in tokens]
    n = len(sides)
    events: list[tuple[int, int, int, Unit]] = []  # (token index, 0 = leaves / 1 = enters, side, unit)
    for side, units in enumerate(sides):
        for u in units:
            runs: list[list[int]] = []  # a span in fragments: the token runs of its pieces, never the gaps
            for s, e in u.extents:
                first, last = bisect_right(ends, s), bisect_left(starts, e)
                if first >= last:
                    continue
                if runs and first <= runs[-1][1]:
                    runs[-1][1] = max(runs[-1][1], last)
                else:
                    runs.append([first, last])
            for first, last in runs:
                events.append((first, 1, side, u))
                events.append((last, 0, side, u))
    events.sort(key=lambda e: (e[0], e[1]))
    active: list[list[Unit]] = [[] for _ in range(n)]
    values: Counter = Counter()
    marked: dict[str, Counter] = {}
    prev = covered = 0
    for at, enters, side, unit in events:
        if at > prev:
            if any(active):  # tokens prev..at-1 have one and the same cover
                count = at - prev
                covered += count
                values[tuple(innermost(a, rank) for a in active)] += count
                for label in {u.label for a in active for u in a}:
                    marked.setdefault(label, Counter())[sum(1 for a in active if any(u.label == label for u in a))] += count
            prev = at
        if enters:
            active[side].append(unit)
        else:
            active[side].remove(unit)
    if len(tokens) > covered:
        values[("O",) * n] += len(tokens) - covered
    for counts in marked.values():
        counts[0] += len(tokens) - sum(counts.values())
    return len(tokens), values, marked


NO_LINK = "none"


def link_values(
    doc_id: str, sides: Sequence[Sequence[Unit]], links: Sequence[Sequence[Link]],
    content_labels: Collection[str] = (), source_labels: Collection[str] = (),
) -> Counter:
    """{(values of the annotators who have it, sorted): content spans} of one document, for the link alpha.

    Content spans (labels in `content_labels`, and every link's head) are aligned across annotators
    as candidates are grouped; sources (labels in `source_labels`, and every link's tail) likewise,
    each group named by document and extent so that sources of different documents differ. An
    annotator's value is the source group their span in the content group links to, NO_LINK when it
    links nowhere, several joined by "+" (when their spans there link to more than one source); an
    annotator with no span in the group is missing (left out of the tuple, as Krippendorff's alpha
    leaves out missing values)."""
    heads = [{l.head.key for l in side} for side in links]
    tails = [{l.tail.key for l in side} for side in links]
    content = [[u for u in units if u.label in content_labels or u.key in heads[i]] for i, units in enumerate(sides)]
    sources = [[u for u in units if u.label in source_labels or u.key in tails[i]] for i, units in enumerate(sides)]
    source_of: dict[tuple, str] = {}
    for group in overlap_groups(collect_candidates(sources)):
        name = f"{doc_id}@{min(c.item.start for c in group)}-{max(c.item.end for c in group)}"
        for cand in group:
            source_of[cand.key] = name
    linked: list[dict[tuple, set[str]]] = [{} for _ in sides]
    for i, side in enumerate(links):
        for l in side:
            where = source_of.get(l.tail.key) or f"{doc_id}@{l.tail.start}-{l.tail.end}"
            linked[i].setdefault(l.head.key, set()).add(where)
    out: Counter = Counter()
    for group in overlap_groups(collect_candidates(content)):
        values = []
        for i in sorted({w for cand in group for w in cand.who}):
            found = set().union(*(linked[i].get(cand.key, set()) for cand in group if i in cand.who))
            values.append("+".join(sorted(found)) if found else NO_LINK)
        out[tuple(sorted(values))] += 1
    return out


@dataclass
class ManyComparison:
    """`reader diff A B C ...`: the pairs' Tallies and the sums for the alphas over all."""

    names: list[str]
    labels: list[str]
    documents: list[str] = field(default_factory=list)
    pairs: dict[tuple[str, str], Tally] = field(default_factory=dict)
    tokens: int = 0
    values: Counter = field(default_factory=Counter)
    marked: dict[str, Counter] = field(default_factory=dict)
    continua: dict[str, Continuum] = field(default_factory=dict)
    contests: list[tuple[Contest, str]] = field(default_factory=list)
    content_labels: frozenset[str] = frozenset()
    """Labels a link may start from (the schema's relations): content spans, for the link alpha."""
    source_labels: frozenset[str] = frozenset()
    link_values: Counter = field(default_factory=Counter)
    """Every candidate not all made, with its document's text (for the report)."""
    skipped: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    _lengths: list[int] = field(default_factory=list, repr=False)

    def add(self, doc: Any, sides: list[list[Unit]], links: list[list[Link]]) -> None:
        rank = {label: i for i, label in enumerate(self.labels)}
        n = len(self.names)
        for i, j in combinations(range(n), 2):
            self.pairs[(self.names[i], self.names[j])].add(compare_units(doc, sides[i], sides[j], links[i], links[j], self.labels))
        tokens, values, marked = token_values(doc.text, sides, rank)
        self.tokens += tokens
        self.values.update(values)
        for label in {u.label for units in sides for u in units} - set(self.labels):
            self.labels.append(label)
        for label in self.labels:
            self.marked.setdefault(label, Counter()).update(marked.get(label, {0: tokens}))
            if label not in self.continua:
                self.continua[label] = Continuum()
                if self.documents:  # a label first seen now: the documents before are one gap for it
                    length = sum(self._lengths)
                    self.continua[label].add_sides([Sections.of((), length)] * n, 0)
            extents = [merge_extents(x for u in units if u.label == label for x in u.extents) for units in sides]
            observed = sum(observed_sum(extents[a], extents[b]) for a, b in combinations(range(n), 2))
            self.continua[label].add_sides([Sections.of(e, len(doc.text)) for e in extents], observed)
        self._lengths.append(len(doc.text))
        self.documents.append(doc.id)
        self.contests += [(c, doc.text) for c in candidates(doc.id, sides, links).contests]
        self.link_values.update(link_values(doc.id, sides, links, self.content_labels, self.source_labels))

    def figures(self) -> dict[str, Any]:
        per_label: dict[str, Any] = {}
        parts = []
        n = len(self.names)
        for label in self.labels:
            u = self.continua[label].close() if label in self.continua else None
            if u is not None:
                parts.append(u)
            marked = self.marked.get(label, Counter())
            binary = {(True,) * k + (False,) * (n - k): count for k, count in marked.items()}
            per_label[label] = {"token_alpha": nominal_alpha(binary), "u_alpha": u.alpha() if u else None}
        overall = {
            "token_alpha": nominal_alpha(self.values), "u_alpha": alpha_over_categories(parts), "tokens": self.tokens,
            "link_alpha": nominal_alpha(self.link_values),
            "link_units": sum(count for values, count in self.link_values.items() if len(values) > 1),
        }
        return {"per_label": per_label, "overall": overall}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"documents": len(self.documents), "annotators": list(self.names)}
        out.update(self.figures())
        out["pairs"] = {f"{a}/{b}": tally.figures() for (a, b), tally in self.pairs.items()}
        out["candidates"] = [
            {"doc": c.doc, "kind": c.kind, "start": c.start, "end": c.end,
             "candidates": [{"made_by": [self.names[w] for w in cand.who], **_item_json(cand.item, text)} for cand in c.candidates]}
            for c, text in self.contests
        ]
        out["skipped"] = self.skipped
        return out


def _item_json(item: Unit | Link, text: str) -> dict[str, Any]:
    if isinstance(item, Link):
        return {"label": item.label, "head": _item_json(item.head, text), "tail": _item_json(item.tail, text)}
    out: dict[str, Any] = {"start": item.start, "end": item.end, "label": item.label, "text": _text(item, text)}
    if item.fragments:
        out["fragments"] = [list(f) for f in item.fragments]
    return out


def _text(unit: Unit, text: str) -> str:
    """What a span says: its pieces joined by " … " for a span in fragments (`Span.joined_text`)."""
    return JOINER.join(text[s:e] for s, e in unit.extents)


def compare_many(project: Any, names: Sequence[str], doc_id: str | None = None, progress: bool = False) -> ManyComparison:
    """Compare every annotator in `names` over the documents all of them have (or only `doc_id`)."""
    ids, skipped = shared_by_all(project, names, doc_id)
    relations = project.schema.relations
    result = ManyComparison(
        list(names), list(project.schema.label_names), skipped=skipped,
        content_labels=frozenset(h for r in relations for h in r.heads),
        source_labels=frozenset(t for r in relations for t in r.tails),
    )
    for a, b in combinations(names, 2):
        result.pairs[(a, b)] = Tally(result.labels)
    corpus = project.corpus
    for did in track(ids, f"comparing {len(names)} annotators", threshold=49, show=progress):
        doc = corpus.documents[did]
        sides, links = [], []
        for name in names:
            units, side_links, fixed = read_units(project.store, name, doc)
            sides.append(units)
            links.append(side_links)
            if fixed and did not in result.repaired:
                result.repaired.append(did)
        result.add(doc, sides, links)
    return result


def format_many(result: ManyComparison) -> str:
    """The pairwise matrix, the alphas over all, then every candidate not all made, with who made it."""
    n = len(result.documents)
    names = result.names
    lines = [f"{n} document{'s' if n != 1 else ''} compared by {len(names)} annotators: {', '.join(names)}", ""]
    lines.append("pairs (A = the first named, the reference)")
    lines.append(f"{'A':<12} {'B':<12} {'exact F1':>8} {'overlap F1':>10} {'kappa':>6} {'u-alpha':>7} {'links F1':>8}")
    for (a, b), tally in result.pairs.items():
        fig = tally.figures()
        m = fig["micro"]
        lines.append(f"{a:<12} {b:<12} {_f(m['exact_f1']):>8} {_f(m['overlap_f1']):>10} {_f(m['kappa']):>6} "
                     f"{_f(m['u_alpha']):>7} {_f(fig['links']['f1']):>8}")
    fig = result.figures()
    lines += ["", f"all {len(names)} annotators (Krippendorff's alpha)", f"{'label':<12} {'token alpha':>11} {'u-alpha':>7}"]
    for label, f in list(fig["per_label"].items()) + [("overall", fig["overall"])]:
        lines.append(f"{label:<12} {_f(f['token_alpha']):>11} {_f(f['u_alpha']):>7}")
    units = fig["overall"]["link_units"]
    lines.append(f"link alpha {_f(fig['overall']['link_alpha'])} over {units} content span{'s' if units != 1 else ''} "
                 "more than one annotator marked (value: the source each linked it to, or none)")
    total = len(result.contests)
    lines += ["", f"{total} places where not all {len(names)} agree" if total != 1 else "1 place where not all agree"]
    for contest, text in result.contests:
        lines.append(f"{contest.doc} {contest.start}-{contest.end} {contest.kind}")
        for cand in contest.candidates:
            who = ", ".join(names[w] for w in cand.who)
            lines.append(f"  {len(cand.who)}/{len(names)} {_describe(cand.item, text)}  ({who})")
        lines.append(f"  {snippet(text, contest.start, contest.end)}")
    for note in result.skipped:
        lines.append(f"skipped {note}")
    for did in result.repaired:
        lines.append(f"note: {did}: a file was re-anchored in memory (text changed since annotated)")
    return "\n".join(lines) + "\n"


def _describe(item: Unit | Link, text: str) -> str:
    if isinstance(item, Link):
        return f"{_describe(item.head, text)} -{item.label}-> {_describe(item.tail, text)}"
    where = ";".join(f"{s}-{e}" for s, e in item.extents)
    return f"{item.label} {where} {_quote(_text(item, text))}"
