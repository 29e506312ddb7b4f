"""Comparing two annotators: span and link alignment, agreement figures, and `reader diff`.

Alignment of one document, in this order (each span is used at most once, so it is one-to-one):

1. exact matches: same start, end and label;
2. overlap matches: same label, extents overlap but differ ("boundary" disagreements). Pairs are
   taken greedily by the number of characters they share, largest first (ties: closer ends, then
   text order). Greedy rather than an optimal assignment because spans of one label rarely overlap
   more than one other span, and greedy is predictable for a reviewer;
3. label disagreements: same extent, different labels;
4. the rest: spans only one side has ("only_a", "only_b"). Two spans that overlap with different
   labels and different extents are two one-sided disagreements.

Links are aligned by the offsets and labels of both ends (and the link's label): an A link and a
B link are the same link when both their ends are exact matches. Unmatched links with the same head
(or else the same source) are shown as one "link" disagreement with both sides.

Figures, per label, micro-averaged, per document and summed over the corpus (never averaged over
documents, so long documents weigh what they contain):

- exact and overlap P/R/F1, A taken as the reference (recall = matches / A's spans);
- token-level Cohen's kappa: see `token_confusion`;
- Krippendorff's unitizing alpha per label over the characters (`agreement`); over the corpus the
  documents are one continuum laid end to end in id order;
- link P/R/F1.

Spans are read as light `Unit` tuples: a diff of 10,000 documents never builds a `DocAnnotations`
unless a file needs repair (text changed since it was annotated), in which case it goes through
`Store.load` so the figures see what the app would show.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple, Sequence

from .agreement import (
    Continuum,
    Sections,
    Unitizing,
    alpha_over_categories,
    binary_kappa,
    kappa_from_confusion,
    merge_extents,
    observed_sum,
    prf,
    unitizing,
)
from .model import DocAnnotations, Document

from json.encoder import encode_basestring as _encode  # json.dumps(str, ensure_ascii=False), minus its overhead

SPAN_KINDS = ("boundary", "label", "only_a", "only_b")
KINDS = SPAN_KINDS + ("link",)

TOKEN = re.compile(r"\w+|[^\w\s]")
"""Tokens for kappa: runs of word characters, and every other non-space character on its own."""


class Unit(NamedTuple):
    """What comparison needs of a span; `id` is the span's id in its annotator's file."""

    start: int
    end: int
    label: str
    id: str = ""

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


class Link(NamedTuple):
    head: Unit
    tail: Unit
    label: str = "attributed_to"
    id: str = ""

    @property
    def key(self) -> tuple:
        return (self.head.key, self.tail.key, self.label)


@dataclass(frozen=True)
class Disagreement:
    """One difference between A and B in one document; `a` or `b` is None when that side has nothing."""

    doc: str
    kind: str
    start: int
    """Extent covered by both sides (for a link: by its heads), for display and navigation."""
    end: int
    a: Unit | Link | None
    b: Unit | Link | None

    @property
    def key(self) -> str:
        """A stable name for this disagreement (kind and both sides' keys), used to remember decisions."""
        return repr((self.kind, self.a.key if self.a else None, self.b.key if self.b else None))


@dataclass
class Alignment:
    exact: list[tuple[Unit, Unit]] = field(default_factory=list)
    boundary: list[tuple[Unit, Unit]] = field(default_factory=list)
    label: list[tuple[Unit, Unit]] = field(default_factory=list)
    only_a: list[Unit] = field(default_factory=list)
    only_b: list[Unit] = field(default_factory=list)
    links: list[tuple[Link, Link]] = field(default_factory=list)
    link_pairs: list[tuple[Link | None, Link | None]] = field(default_factory=list)
    """Link disagreements: (A's, B's), one side None when nothing pairs with it."""


def align(a: Sequence[Unit], b: Sequence[Unit], a_links: Sequence[Link] = (), b_links: Sequence[Link] = ()) -> Alignment:
    """Align two annotators' spans and links of one document (the rules are in the module docstring)."""
    out = Alignment()
    by_key: dict[tuple, list[Unit]] = {}
    for u in sorted(b):
        by_key.setdefault(u.key, []).append(u)
    rest_a: list[Unit] = []
    for u in sorted(a):
        twins = by_key.get(u.key)
        if twins:
            out.exact.append((u, twins.pop(0)))
        else:
            rest_a.append(u)
    rest_b = [u for twins in by_key.values() for u in twins]
    if rest_a and rest_b:
        rest_a, rest_b = _overlap_matches(rest_a, rest_b, out.boundary)
        rest_a, rest_b = _label_matches(rest_a, rest_b, out.label)
    out.only_a = sorted(rest_a)
    out.only_b = sorted(rest_b)
    if a_links or b_links:
        _align_links(a_links, b_links, out)
    return out


def _overlap_matches(a: list[Unit], b: list[Unit], into: list) -> tuple[list[Unit], list[Unit]]:
    candidates = []
    b_sorted = sorted(b)
    for ua in a:
        for ub in b_sorted:
            if ub.start >= ua.end:
                break
            if ub.end > ua.start and ub.label == ua.label:
                shared = min(ua.end, ub.end) - max(ua.start, ub.start)
                off = abs(ua.start - ub.start) + abs(ua.end - ub.end)
                candidates.append((-shared, off, ua, ub))
    if not candidates:
        return a, b
    candidates.sort()
    used_a: set[Unit] = set()
    used_b: set[Unit] = set()
    for _shared, _off, ua, ub in candidates:
        if ua not in used_a and ub not in used_b:
            used_a.add(ua)
            used_b.add(ub)
            into.append((ua, ub))
    into.sort()
    return [u for u in a if u not in used_a], [u for u in b if u not in used_b]


def _label_matches(a: list[Unit], b: list[Unit], into: list) -> tuple[list[Unit], list[Unit]]:
    by_extent: dict[tuple[int, int], list[Unit]] = {}
    for ub in sorted(b):
        by_extent.setdefault((ub.start, ub.end), []).append(ub)
    rest_a = []
    for ua in sorted(a):
        same = by_extent.get((ua.start, ua.end))
        if same:
            into.append((ua, same.pop(0)))
        else:
            rest_a.append(ua)
    return rest_a, [u for us in by_extent.values() for u in us]


def _align_links(a: Sequence[Link], b: Sequence[Link], out: Alignment) -> None:
    pool: dict[tuple, list[Link]] = {}
    for link in sorted(b, key=lambda l: l.key):
        pool.setdefault(link.key, []).append(link)
    rest_a = []
    for link in sorted(a, key=lambda l: l.key):
        twins = pool.get(link.key)
        if twins:
            out.links.append((link, twins.pop(0)))
        else:
            rest_a.append(link)
    rest_b = [l for ls in pool.values() for l in ls]
    for end in ("head", "tail"):  # pair what is left by a shared head, then by a shared source
        left_b: dict[tuple, list[Link]] = {}
        for link in rest_b:
            left_b.setdefault((getattr(link, end).key, link.label), []).append(link)
        unpaired = []
        for link in rest_a:
            same = left_b.get((getattr(link, end).key, link.label))
            if same:
                out.link_pairs.append((link, same.pop(0)))
            else:
                unpaired.append(link)
        rest_a, rest_b = unpaired, [l for ls in left_b.values() for l in ls]
    out.link_pairs.extend((link, None) for link in rest_a)
    out.link_pairs.extend((None, link) for link in rest_b)


def disagreements(doc_id: str, al: Alignment) -> list[Disagreement]:
    """Every disagreement of one document in text order (spans before links at the same place)."""
    out: list[Disagreement] = []
    for kind, pairs in (("boundary", al.boundary), ("label", al.label)):
        for ua, ub in pairs:
            out.append(Disagreement(doc_id, kind, min(ua.start, ub.start), max(ua.end, ub.end), ua, ub))
    out.extend(Disagreement(doc_id, "only_a", u.start, u.end, u, None) for u in al.only_a)
    out.extend(Disagreement(doc_id, "only_b", u.start, u.end, None, u) for u in al.only_b)
    for la, lb in al.link_pairs:
        heads = [l.head for l in (la, lb) if l is not None]
        out.append(Disagreement(doc_id, "link", min(h.start for h in heads), max(h.end for h in heads), la, lb))
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda d: (d.start, d.kind == "link", d.end, order[d.kind], d.key))
    return out


# --------------------------------------------------------------------------- tokens


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) of every token; the reference the fast counting in `token_confusion` must equal."""
    return [m.span() for m in TOKEN.finditer(text)]


def innermost(spans: Iterable[Unit], rank: dict[str, int]) -> str:
    """The label a token takes from the spans that overlap it: the shortest span's, "O" when none.

    Shortest, because nested spans are more specific (a source inside a claim); equal lengths go to
    the label listed first in the schema.
    """
    best = min(spans, key=lambda u: (u.end - u.start, rank.get(u.label, len(rank)), u.label), default=None)
    return "O" if best is None else best.label


def token_labels(text: str, units: Sequence[Unit], rank: dict[str, int]) -> list[str]:
    """Each token's label, token by token: slow and plain, for the tests and for reading."""
    return [innermost((u for u in units if u.start < e and s < u.end), rank) for s, e in tokenize(text)]


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole tokens: a token belongs to a span when they share a character."""
    if start < len(text) and (text[start].isalnum() or text[start] == "_"):
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
    if end > 0 and (text[end - 1].isalnum() or text[end - 1] == "_"):
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
    return start, end


@dataclass
class TokenCounts:
    tokens: int = 0
    confusion: Counter = field(default_factory=Counter)
    """(A's label, B's label) -> tokens, with the innermost rule: the multi-class micro kappa."""
    binary: dict[str, list[int]] = field(default_factory=dict)
    """label -> [both, A only, B only, neither]: the per-label yes/no kappa."""

    def add(self, other: "TokenCounts") -> None:
        self.tokens += other.tokens
        self.confusion.update(other.confusion)
        for label, counts in other.binary.items():
            mine = self.binary.setdefault(label, [0, 0, 0, 0])
            for i in range(4):
                mine[i] += counts[i]


def token_confusion(text: str, a: Sequence[Unit], b: Sequence[Unit], labels: Sequence[str], rank: dict[str, int]) -> TokenCounts:
    """Token label counts of one document without listing its tokens.

    Spans are widened to whole tokens (`_snap`), so every span edge is a token edge and the text
    between two consecutive edges holds whole tokens with one and the same cover on each side: it is
    counted once (`findall` between the edges) instead of token by token. Equal, token for token, to
    `token_labels` on both sides (tested).
    """
    findall = TOKEN.findall
    units = [*a, *b]
    events: list[tuple[int, int, int]] = []  # (position, 0 = end / 1 = start, index in units)
    for i, u in enumerate(units):
        s, e = _snap(text, u.start, u.end)
        events.append((s, 1, i))
        events.append((e, 0, i))
    events.sort()
    split = len(a)
    active: tuple[list[Unit], list[Unit]] = ([], [])
    confusion: Counter = Counter()
    binary = {label: [0, 0, 0, 0] for label in labels}
    tokens = covered = prev = 0
    for pos, starts, i in events:
        if pos > prev:
            count = len(findall(text, prev, pos))  # every stretch once: the text is read once
            tokens += count
            if count and (active[0] or active[1]):
                covered += count
                in_a = {u.label for u in active[0]}
                in_b = {u.label for u in active[1]}
                la = innermost(active[0], rank) if len(in_a) > 1 else next(iter(in_a), "O")
                lb = innermost(active[1], rank) if len(in_b) > 1 else next(iter(in_b), "O")
                confusion[(la, lb)] += count
                for label in in_a | in_b:
                    cell = binary.setdefault(label, [0, 0, 0, 0])
                    cell[0 if label in in_a and label in in_b else 1 if label in in_a else 2] += count
            prev = pos
        side = 0 if i < split else 1
        if starts:
            active[side].append(units[i])
        else:
            active[side].remove(units[i])
    tokens += len(findall(text, prev))
    if tokens > covered:
        confusion[("O", "O")] += tokens - covered
    for cell in binary.values():
        cell[3] = tokens - cell[0] - cell[1] - cell[2]
    return TokenCounts(tokens, confusion, binary)


# --------------------------------------------------------------------------- one document


@dataclass
class LabelCounts:
    a: int = 0
    b: int = 0
    exact: int = 0
    overlap: int = 0


@dataclass
class DocComparison:
    """Everything known about A against B on one document; sums of these give the corpus figures."""

    doc_id: str
    length: int
    alignment: Alignment
    disagreements: list[Disagreement]
    labels: dict[str, LabelCounts]
    tokens: TokenCounts
    sections: dict[str, tuple[Sections, Sections, int]]
    """label -> (A's sections, B's sections, S) for u-alpha."""
    links: tuple[int, int, int]
    """(A's links, B's links, links in both)."""

    _figures: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def slim(self) -> None:
        """Drop what only the figures need, once they are computed (a corpus diff keeps 10,000 of these)."""
        self.sections = {}
        self.alignment = Alignment()

    def figures(self, labels: Sequence[str]) -> dict[str, Any]:
        """This document's figures (computed once: the text report and the JSON both ask)."""
        if self._figures is None:
            per_label: dict[str, Any] = {}
            parts = []
            totals = LabelCounts()
            tokens = self.tokens
            for label, c in self.labels.items():
                totals.a, totals.b = totals.a + c.a, totals.b + c.b
                totals.exact, totals.overlap = totals.exact + c.exact, totals.overlap + c.overlap
                sa, sb, observed = self.sections[label]
                u = Unitizing(self.length, observed, sa.units + sb.units, sa.gaps() + sb.gaps())
                parts.append(u)
                kappa = binary_kappa(*tokens.binary.get(label, [0, 0, 0, tokens.tokens]))
                per_label[label] = _label_figures(c, kappa, u.alpha())
            micro = _label_figures(totals, kappa_from_confusion(tokens.confusion), alpha_over_categories(parts))
            micro["tokens"] = tokens.tokens
            p, r, f = prf(self.links[2], self.links[0], self.links[1])
            links = {"f1": f, "precision": p, "recall": r, "a": self.links[0], "b": self.links[1], "matches": self.links[2]}
            self._figures = {"per_label": per_label, "micro": micro, "links": links}
        return self._figures


def compare_units(
    doc: Document, a: Sequence[Unit], b: Sequence[Unit], a_links: Sequence[Link], b_links: Sequence[Link],
    labels: Sequence[str],
) -> DocComparison:
    """Align and count one document."""
    rank = {label: i for i, label in enumerate(labels)}
    al = align(a, b, a_links, b_links)
    counts = {label: LabelCounts() for label in labels}
    for u in a:
        counts.setdefault(u.label, LabelCounts()).a += 1
    for u in b:
        counts.setdefault(u.label, LabelCounts()).b += 1
    for ua, _ in al.exact:
        counts[ua.label].exact += 1
        counts[ua.label].overlap += 1
    for ua, _ in al.boundary:
        counts[ua.label].overlap += 1
    length = len(doc.text)
    sections = {}
    for label in counts:
        ea = merge_extents((u.start, u.end) for u in a if u.label == label)
        eb = merge_extents((u.start, u.end) for u in b if u.label == label)
        sections[label] = (Sections.of(ea, length), Sections.of(eb, length), observed_sum(ea, eb))
    return DocComparison(
        doc_id=doc.id,
        length=length,
        alignment=al,
        disagreements=disagreements(doc.id, al),
        labels=counts,
        tokens=token_confusion(doc.text, a, b, list(counts), rank),
        sections=sections,
        links=(len(a_links), len(b_links), len(al.links)),
    )


def units_of(ann: DocAnnotations) -> tuple[list[Unit], list[Link]]:
    """A `DocAnnotations` as units and links (orphans left out: they have no place in the text)."""
    units = {s.id: Unit(s.start, s.end, s.label, s.id) for s in ann.spans.values()}
    links = [
        Link(units[r.head], units[r.tail], r.label, r.id)
        for r in ann.relations.values()
        if r.head in units and r.tail in units
    ]
    return sorted(units.values()), links


def compare_annotations(a: DocAnnotations, b: DocAnnotations, labels: Sequence[str] | None = None) -> DocComparison:
    """Compare two annotators' `DocAnnotations` of the same document (what the review screen uses)."""
    if labels is None:
        labels = a.schema.label_names if a.schema is not None else ()
    ua, la = units_of(a)
    ub, lb = units_of(b)
    return compare_units(a.document, ua, ub, la, lb, labels)


# --------------------------------------------------------------------------- figures


class Tally:
    """Sums of document comparisons, added one document at a time: the corpus figures come from
    these sums (never from averaging documents), and a document can be dropped once added."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.counts = {label: LabelCounts() for label in self.labels}
        self.tokens = TokenCounts()
        self.continua = {label: Continuum() for label in self.labels}
        self.links = [0, 0, 0]
        self.documents = 0
        self._length = 0

    def add(self, d: DocComparison) -> None:
        self.documents += 1
        self.tokens.add(d.tokens)
        for label, lc in d.labels.items():
            if label not in self.counts:
                self.labels.append(label)
                self.counts[label] = LabelCounts()
                self.continua[label] = Continuum()
                if self._length:  # a label first seen now: the documents before are one gap for it
                    self.continua[label].add(Sections.of((), self._length), Sections.of((), self._length), 0)
            c = self.counts[label]
            c.a, c.b, c.exact, c.overlap = c.a + lc.a, c.b + lc.b, c.exact + lc.exact, c.overlap + lc.overlap
        for label, continuum in self.continua.items():
            if label in d.sections:
                continuum.add(*d.sections[label])
            else:
                continuum.add(Sections.of((), d.length), Sections.of((), d.length), 0)
        self._length += d.length
        for i in range(3):
            self.links[i] += d.links[i]

    def figures(self) -> dict[str, Any]:
        tokens = self.tokens
        per_label: dict[str, Any] = {}
        parts: list[Unitizing] = []
        totals = LabelCounts()
        for label in self.labels:
            c = self.counts[label]
            totals.a, totals.b = totals.a + c.a, totals.b + c.b
            totals.exact, totals.overlap = totals.exact + c.exact, totals.overlap + c.overlap
            u = self.continua[label].close()
            parts.append(u)
            kappa = binary_kappa(*tokens.binary.get(label, [0, 0, 0, tokens.tokens]))
            per_label[label] = _label_figures(c, kappa, u.alpha())
        micro = _label_figures(totals, kappa_from_confusion(tokens.confusion), alpha_over_categories(parts))
        micro["tokens"] = tokens.tokens
        la, lb, lm = self.links
        p, r, f = prf(lm, la, lb)
        return {
            "per_label": per_label,
            "micro": micro,
            "links": {"f1": f, "precision": p, "recall": r, "a": la, "b": lb, "matches": lm},
        }


def figures(docs: Sequence[DocComparison], labels: Sequence[str]) -> dict[str, Any]:
    """per_label, micro and links figures of one or more documents, from summed counts."""
    tally = Tally(labels)
    for d in docs:
        tally.add(d)
    return tally.figures()


def _label_figures(c: LabelCounts, kappa: float | None, alpha: float | None) -> dict[str, Any]:
    ep, er, ef = prf(c.exact, c.a, c.b)
    op, orr, of = prf(c.overlap, c.a, c.b)
    return {
        "exact_f1": ef, "exact_precision": ep, "exact_recall": er,
        "overlap_f1": of, "overlap_precision": op, "overlap_recall": orr,
        "kappa": kappa, "u_alpha": alpha,
        "a": c.a, "b": c.b, "exact_matches": c.exact, "overlap_matches": c.overlap,
    }


# --------------------------------------------------------------------------- a project


@dataclass
class ProjectComparison:
    """`reader diff`: two annotators over the documents both have a file for."""

    a: str
    b: str
    labels: list[str]
    docs: list[DocComparison]
    texts: dict[str, str]
    skipped: list[str] = field(default_factory=list)
    """Files of one side only, or of documents no longer in seeds/: named, not compared."""
    repaired: list[str] = field(default_factory=list)

    tally: Tally | None = None

    def figures(self) -> dict[str, Any]:
        if self.tally is None:
            self.tally = Tally(self.labels)
            for d in self.docs:
                self.tally.add(d)
        if self._figures is None:
            self._figures = self.tally.figures()
        return self._figures

    _figures: dict[str, Any] | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"documents": len(self.docs), "a": self.a, "b": self.b}
        out.update(self.figures())
        out["per_document"] = {d.doc_id: d.figures(self.labels) for d in self.docs}
        out["disagreements"] = [
            {
                "doc": d.doc, "start": d.start, "end": d.end, "kind": d.kind,
                "a": _side_json(d.a, self.texts[d.doc]), "b": _side_json(d.b, self.texts[d.doc]),
            }
            for doc in self.docs
            for d in doc.disagreements
        ]
        out["skipped"] = self.skipped
        return out


def _side_json(side: Unit | Link | None, text: str) -> dict[str, Any] | None:
    if side is None:
        return None
    if isinstance(side, Link):
        return {"label": side.label, "id": side.id, "head": _side_json(side.head, text), "tail": _side_json(side.tail, text)}
    return {"start": side.start, "end": side.end, "label": side.label, "text": text[side.start : side.end], "id": side.id}


def read_units(store: Any, annotator: str, doc: Document) -> tuple[list[Unit], list[Link], bool]:
    """One annotator's units and links of `doc`, read straight from the file's tables.

    The file is read once and no model is built. When the text changed since it was annotated, or a
    span does not fit its offsets, the file goes through `Store.load` instead, which re-anchors what
    it can, exactly as the app would. The flag says whether that happened.
    """
    tables = store.read_tables(store.root / annotator / f"{doc.id}.json")  # both names checked already
    meta = next(iter(tables.get("meta", {}).values()), {})
    text = doc.text
    ok = not meta.get("sha256") or meta["sha256"] == doc.sha256
    units: dict[str, Unit] = {}
    if ok:  # the order of the records does not matter here: units are sorted below
        for r in tables.get("spans", {}).values():
            if not isinstance(r, dict) or r.get("orphaned"):
                continue
            try:
                u = Unit(int(r["start"]), int(r["end"]), str(r["label"]), str(r["id"]))
            except (KeyError, TypeError, ValueError):
                ok = False
                break
            if not (0 <= u.start < u.end <= len(text)) or text[u.start : u.end] != r.get("text") or u.id in units:
                ok = False
                break
            units[u.id] = u
    if not ok:
        loaded = store.load(annotator, doc)
        found, links = units_of(loaded.annotations)
        return found, links, True
    links = []
    for r in tables.get("relations", {}).values():
        if not isinstance(r, dict):
            continue
        head, tail = units.get(str(r.get("head"))), units.get(str(r.get("tail")))
        if head is not None and tail is not None and not r.get("orphaned"):
            links.append(Link(head, tail, str(r.get("label", "attributed_to")), str(r.get("id", ""))))
    return sorted(units.values()), links, False


def compare_project(project: Any, a: str, b: str, doc_id: str | None = None, progress: bool = False) -> ProjectComparison:
    """Compare annotators `a` and `b` over every document both have a file for (or only `doc_id`).

    Only documents both annotated are compared: a document one of them has not opened says nothing
    about their agreement. The others are listed in `skipped`.
    """
    from .errors import UserError

    store = project.store
    known = store.annotators()
    for name in (a, b):
        store.path(name, "x")  # validates the name
        if name not in known:
            listed = ", ".join(known) or "none yet"
            raise UserError(f"no annotator {name!r} in {store.root} (annotators: {listed})")
    files_a = {p.stem for p in store.files(a)}
    files_b = {p.stem for p in store.files(b)}
    corpus = project.corpus
    if doc_id is not None:
        corpus.get(doc_id)
        for name, files in ((a, files_a), (b, files_b)):
            if doc_id not in files:
                raise UserError(f"annotator {name!r} has no file for document {doc_id!r}")
        ids = [doc_id]
        skipped: list[str] = []
    else:
        both = files_a & files_b
        ids = [d for d in corpus.ids if d in both]
        skipped = sorted(
            [f"{x}: only {a} has a file" for x in files_a - files_b if x in corpus.documents]
            + [f"{x}: only {b} has a file" for x in files_b - files_a if x in corpus.documents]
            + [f"{x}: not in seeds/" for x in both if x not in corpus.documents]
        )
    labels = list(project.schema.label_names)
    result = ProjectComparison(a, b, labels, [], {}, skipped)
    tally = Tally(labels)
    # The loop only adds objects that are kept (no reference cycles to find): the cyclic collector
    # would walk the growing heap again and again for nothing and make the work grow faster than the
    # corpus. Reference counting still frees everything that is dropped.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for did in _progress(ids, progress, f"comparing {a} and {b}"):
            doc = corpus.documents[did]
            ua, la, fixed_a = read_units(store, a, doc)
            ub, lb, fixed_b = read_units(store, b, doc)
            if fixed_a or fixed_b:
                result.repaired.append(did)
            compared = compare_units(doc, ua, ub, la, lb, labels)
            compared.figures(labels)
            tally.add(compared)
            compared.slim()
            result.docs.append(compared)
            result.texts[did] = doc.text
        result.tally = tally
    finally:
        if collecting:
            gc.enable()
    return result


def _progress(items: list[str], show: bool, what: str) -> Iterable[str]:
    """A progress bar on stderr when asked (the command line asks when stderr is a terminal)."""
    if not show or len(items) < 50:
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=len(items))
        for item in items:
            yield item
            bar.advance(task)


# --------------------------------------------------------------------------- text report

CONTEXT = 30
"""Characters of context shown on each side of a disagreement."""


def _f(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def _quote(text: str) -> str:
    """Article text as data: JSON-escaped, so newlines, tabs and control characters show as escapes."""
    return _encode(text)


def _side_text(side: Unit | Link | None, text: str) -> str:
    if side is None:
        return "(nothing)"
    if isinstance(side, Link):
        return f"{side.head.label} {side.head.start}-{side.head.end} {_quote(text[side.head.start:side.head.end])} -{side.label}-> {side.tail.label} {side.tail.start}-{side.tail.end} {_quote(text[side.tail.start:side.tail.end])}"
    return f"{side.label} {side.start}-{side.end} {_quote(text[side.start:side.end])}"


def snippet(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """The disagreement's extent in «» with some context, escaped."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    body = ("…" if left else "") + text[left:start] + "«" + text[start:end] + "»" + text[end:right] + ("…" if right < len(text) else "")
    return _quote(body)


def format_diff(result: ProjectComparison) -> str:
    """The table of figures, a line per document, then every disagreement with its context."""
    fig = result.figures()
    lines = [f"{len(result.docs)} documents compared: A = {result.a} (reference), B = {result.b}", ""]
    head = f"{'label':<12} {'A':>6} {'B':>6}  {'exact P':>7} {'R':>6} {'F1':>6}  {'overlap F1':>10}  {'kappa':>6}  {'u-alpha':>7}"
    lines.append(head)
    rows = list(fig["per_label"].items()) + [("micro", fig["micro"])]
    for name, f in rows:
        lines.append(
            f"{name:<12} {f['a']:>6} {f['b']:>6}  {_f(f['exact_precision']):>7} {_f(f['exact_recall']):>6} "
            f"{_f(f['exact_f1']):>6}  {_f(f['overlap_f1']):>10}  {_f(f['kappa']):>6}  {_f(f['u_alpha']):>7}"
        )
    links = fig["links"]
    lines.append(f"{'links':<12} {links['a']:>6} {links['b']:>6}  {_f(links['precision']):>7} {_f(links['recall']):>6} {_f(links['f1']):>6}")
    if len(result.docs) > 1:
        lines += ["", f"{'document':<40} {'exact F1':>8} {'overlap F1':>10} {'kappa':>6} {'u-alpha':>7} {'links F1':>8} {'differences':>11}"]
        for d in result.docs:
            f = d.figures(result.labels)
            m = f["micro"]
            lines.append(
                f"{d.doc_id:<40} {_f(m['exact_f1']):>8} {_f(m['overlap_f1']):>10} {_f(m['kappa']):>6} "
                f"{_f(m['u_alpha']):>7} {_f(f['links']['f1']):>8} {len(d.disagreements):>11}"
            )
    total = sum(len(d.disagreements) for d in result.docs)
    lines += ["", f"{total} disagreements" if total != 1 else "1 disagreement"]
    for doc in result.docs:
        text = result.texts[doc.doc_id]
        for d in doc.disagreements:
            lines.append(f"{d.doc} {d.start}-{d.end} {d.kind}")
            lines.append(f"  A: {_side_text(d.a, text)}")
            lines.append(f"  B: {_side_text(d.b, text)}")
            lines.append(f"  {snippet(text, d.start, d.end)}")
    for note in result.skipped:
        lines.append(f"skipped {note}")
    for did in result.repaired:
        lines.append(f"note: {did}: a file was re-anchored in memory (text changed since annotated)")
    return "\n".join(lines) + "\n"
