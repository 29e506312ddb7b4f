"""The link model: which source a quote, claim or allegation is attributed to.

Every content span is paired with each source span of its paragraph and the paragraphs on either
side (the candidates), and a logistic regression (scikit-learn) scores each pair from what decides
attribution in news text: the order of the two, how many tokens and sentences lie between them,
whether a cue word (or a cue span) sits between them or next to the source, how many other sources
are nearer, whether the source is a pronoun, and the words between them when they are few
(", sagte", "said", "according to"), and whether the rules linked the two (a rule's link, whose
ends overlap the pair's, is a feature like any other: the model learns how far to trust the rules
for this project). Each content span is linked to its best candidate when the model is sure enough
(the threshold is picked on held-out documents).

Why a logistic regression over candidate pairs: attribution is a choice among a handful of
candidates, which a pairwise classifier with ranking features (the nearest source before, the
second nearest...) makes well from a few thousand links, trains in seconds, and whose every weight
can be read. Its weights are saved as JSON, not pickled, so loading a model runs no code.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from reader.suggest.features import DocTokens, Lexicon

CONTENT = ("quote", "claim", "allegation")
WINDOW_PARAGRAPHS = 1
"""Candidates come from the content's paragraph and this many on either side."""


@dataclass(frozen=True)
class Extent:
    start: int
    end: int
    label: str
    text: str = ""


def _bucket(n: int) -> str:
    for limit, name in ((0, "0"), (1, "1"), (2, "2"), (3, "3"), (6, "4-6"), (12, "7-12"), (25, "13-25"), (50, "26-50")):
        if n <= limit:
            return name
    return "51+"


class _Index:
    """Token positions, sentences and paragraphs of one document, for the pair features."""

    def __init__(self, doc: DocTokens, lexicon: Lexicon, cues: Sequence[Extent]) -> None:
        self.doc = doc
        self.tokens = doc.all_tokens()
        self.starts = [a for a, _ in self.tokens]
        self.para_starts = [p.tokens[0][0] for p in doc.paragraphs]
        text = doc.text
        self.lower = [text[a:b].lower() for a, b in self.tokens]
        cue_starts = sorted(c.start for c in cues)
        cue_flags = []
        for (a, b), w in zip(self.tokens, self.lower):
            k = bisect.bisect_right(cue_starts, a) - 1
            in_span = k >= 0 and any(c.start <= a < c.end for c in cues if c.start == cue_starts[k])
            cue_flags.append(lexicon.is_cue(w) or in_span)
        self.cue_prefix = [0]
        for flag in cue_flags:
            self.cue_prefix.append(self.cue_prefix[-1] + flag)
        self.lexicon = lexicon

    def token(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def paragraph(self, offset: int) -> int:
        return bisect.bisect_right(self.para_starts, offset) - 1

    def cues_between(self, i: int, j: int) -> int:
        return self.cue_prefix[max(i, j)] - self.cue_prefix[min(i, j)] if j != i else 0


RuleLink = tuple[Extent, Extent]
"""(content, source) of a link the rules suggested."""


def _rule_linked(content: Extent, source: Extent, rule_links: Sequence[RuleLink]) -> str | None:
    """"same" when the rules linked these very extents, "overlap" when a rule link's ends overlap them."""
    found = None
    for h, t in rule_links:
        if h.start < content.end and content.start < h.end and t.start < source.end and source.start < t.end:
            if (h.start, h.end, t.start, t.end) == (content.start, content.end, source.start, source.end):
                return "same"
            found = "overlap"
    return found


def pair_features(index: _Index, content: Extent, source: Extent, sources: Sequence[Extent],
                  rule_links: Sequence[RuleLink] = ()) -> list[str]:
    """The features of one (content, source) candidate (see the module docstring)."""
    doc = index.doc
    c0, c1 = index.token(content.start), index.token(content.end - 1) + 1
    s0, s1 = index.token(source.start), index.token(source.end - 1) + 1
    if source.end <= content.start:
        order, gap, lo, hi = "before", c0 - s1, s1, c0
        sent = doc.sentence_of(content.start) - doc.sentence_of(source.start)
    elif source.start >= content.end:
        order, gap, lo, hi = "after", s0 - c1, c1, s0
        sent = doc.sentence_of(source.start) - doc.sentence_of(content.end - 1)
    else:
        order, gap, lo, hi = "inside", 0, s0, s0
        sent = 0
    sent_name = str(min(sent, 3))
    para = index.paragraph(source.start) - index.paragraph(content.start)
    nearer = sum(1 for o in sources if o is not source and _side(o, content) == order and _gap(index, o, content) < gap)
    words = index.lower[s0:s1]
    pron = len(words) == 1 and (words[0] in index.lexicon.pronouns or doc.text[source.start].islower())
    cue_between = index.cues_between(lo, hi) > 0
    cue_next = index.cues_between(max(0, s0 - 2), min(len(index.tokens), s1 + 2)) > 0
    f = [
        "bias", "head=" + content.label, "order=" + order, "gap=" + _bucket(gap), "sent=" + sent_name,
        "para=" + str(para), "rank=" + _bucket(nearer), f"order_sent={order}_{sent_name}",
        f"order_rank={order}_{_bucket(nearer)}", f"order_gap={order}_{_bucket(gap)}",
        "src_len=" + _bucket(len(words)),
    ]
    if pron:
        f += ["pron", "pron_order=" + order]
    if cue_between:
        f += ["cue_between", "cue_between_order=" + order]
    if cue_next:
        f += ["cue_next_src", "cue_next_order=" + order]
    if 0 < gap <= 3:
        f.append("between=" + " ".join(index.lower[lo:hi]))
    ruled = _rule_linked(content, source, rule_links)
    if ruled:
        f += ["rule_link", f"rule_link_{ruled}", f"rule_link_order={order}"]
    elif rule_links and any(h.start < content.end and content.start < h.end for h, _ in rule_links):
        f.append("rule_linked_elsewhere")
    for k, name in ((s0 - 1, "src_prev="), (s1, "src_next=")):
        if 0 <= k < len(index.lower):
            f.append(name + index.lower[k])
    return f


def _side(o: Extent, content: Extent) -> str:
    return "before" if o.end <= content.start else ("after" if o.start >= content.end else "inside")


def _gap(index: _Index, o: Extent, content: Extent) -> int:
    if o.end <= content.start:
        return index.token(content.start) - index.token(o.end - 1) - 1
    if o.start >= content.end:
        return index.token(o.start) - index.token(content.end - 1) - 1
    return 0


def candidate_pairs(doc: DocTokens, lexicon: Lexicon, contents: Sequence[Extent], sources: Sequence[Extent],
                    cues: Sequence[Extent] = (), rule_links: Sequence[RuleLink] = ()) -> list[tuple[int, int, list[str]]]:
    """(content index, source index, features) of every candidate pair of one document."""
    index = _Index(doc, lexicon, cues)
    by_paragraph: dict[int, list[int]] = {}  # so that a book's pairs stay linear in its length
    for si, s in enumerate(sources):
        by_paragraph.setdefault(index.paragraph(s.start), []).append(si)
    ruled_in: dict[int, list[RuleLink]] = {}
    for link in rule_links:  # under every paragraph its content touches
        for p in range(index.paragraph(link[0].start), index.paragraph(max(link[0].start, link[0].end - 1)) + 1):
            ruled_in.setdefault(p, []).append(link)
    out = []
    for ci, c in enumerate(contents):
        pc = index.paragraph(c.start)
        near = sorted(si for p in range(pc - WINDOW_PARAGRAPHS, pc + WINDOW_PARAGRAPHS + 1) for si in by_paragraph.get(p, ()))
        group = [sources[si] for si in near]
        last = index.paragraph(max(c.start, c.end - 1))
        mine = list(dict.fromkeys((h, t) for p in range(pc, last + 1) for h, t in ruled_in.get(p, ())
                                  if h.start < c.end and c.start < h.end))  # rule links whose content overlaps c
        for si in near:
            out.append((ci, si, pair_features(index, c, sources[si], group, mine)))
    return out


class LinkModel:
    """Logistic-regression weights over pair features, and the threshold to link at."""

    def __init__(self, weights: dict[str, float], intercept: float, threshold: float = 0.5) -> None:
        self.weights = weights
        self.intercept = intercept
        self.threshold = threshold

    def probability(self, features: Sequence[str]) -> float:
        z = self.intercept + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"intercept": self.intercept, "threshold": self.threshold,
                "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if abs(v) > 1e-9}}

    @classmethod
    def from_json(cls, data: dict) -> LinkModel:
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["intercept"]),
                   float(data.get("threshold", 0.5)))

    def link(self, doc: DocTokens, lexicon: Lexicon, contents: Sequence[Extent], sources: Sequence[Extent],
             cues: Sequence[Extent] = (), threshold: float | None = None,
             rule_links: Sequence[RuleLink] = ()) -> list[tuple[int, int, float]]:
        """(content index, source index, probability): each content's best source when it passes the
        threshold."""
        threshold = self.threshold if threshold is None else threshold
        best: dict[int, tuple[float, int]] = {}
        for ci, si, feats in candidate_pairs(doc, lexicon, contents, sources, cues, rule_links):
            p = self.probability(feats)
            if p > best.get(ci, (-1.0, -1))[0]:
                best[ci] = (p, si)
        return [(ci, si, round(p, 3)) for ci, (p, si) in sorted(best.items()) if p >= threshold]


def train_links(examples: Sequence[tuple[DocTokens, list[Extent], list[Extent], list[Extent], set[tuple[int, int]],
                                         list[RuleLink]]],
                lexicon: Lexicon) -> LinkModel:
    """Fit the pair classifier on (document, contents, sources, cues, linked (content, source) index
    pairs, the rules' links) examples: every candidate pair, positive when the annotator linked it."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, ys = [], []
    for doc, contents, sources, cues, links, rule_links in examples:
        for ci, si, feats in candidate_pairs(doc, lexicon, contents, sources, cues, rule_links):
            rows.append(dict.fromkeys(feats, 1))
            ys.append(1 if (ci, si) in links else 0)
    if not rows or len(set(ys)) < 2:
        return LinkModel({"order=before": 1.0, "rank=0": 1.0}, -1.0)  # nothing to learn from: nearest before
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    lr = LogisticRegression(C=1.0, max_iter=2000)
    lr.fit(x, ys)
    names = vec.get_feature_names_out()
    weights = {str(n): float(w) for n, w in zip(names, lr.coef_[0])}
    return LinkModel(weights, float(lr.intercept_[0]))
