"""A span tagger for one label: a linear-chain CRF over a paragraph's tokens (sklearn-crfsuite).

Why a CRF, and why sklearn-crfsuite: spans of news attribution (sources, quotes, claims) are runs of
tokens whose edges depend on the words around them (a quotation mark, a reporting verb, a comma),
which is what a CRF over hand-made features models well from a few hundred articles, where a neural
tagger trained from scratch would need far more. BBC's Citron uses the same models for the same
task. sklearn-crfsuite is a small, well-kept wrapper of CRFsuite (python-crfsuite), on PyPI with
wheels, CPU only, trains 200,000 tokens in about a minute, and its model file is CRFsuite's own
format, read back without unpickling anything (a model folder in a shared repository must never
run code when loaded).

One CRF per label rather than one over all labels, because the labels overlap (a claim may hold a
quote or its source) and one tag per token could not say so; the CRFs are independent, so they
train in parallel.

Decoding reads the marginals (the probability that a token is inside a span of the label), not only
the best path: a token is inside when that probability passes the label's threshold, which training
picks on held-out documents (recall is worth more than a cautious best path to a reviewer who
accepts or rejects ghosts). A span's confidence is the mean probability of its tokens; a document's
uncertainty is the mean, over its paragraphs, of the chance that the tagger's best reading of the
paragraph is wrong (1 - the probability of its best tag sequence: "least confidence", the measure
of active learning for sequences, Settles and Craven 2008). The mean over tokens of 1 - the
largest marginal, tried first, says almost nothing: most tokens are surely outside every span, so
every document came out between 0.000 and 0.03.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.suggest.features import DocTokens

CRF_PARAMS = {"algorithm": "lbfgs", "c1": 0.05, "c2": 0.01, "max_iterations": 150,
              "all_possible_transitions": True}
"""Elastic-net regularised L-BFGS; measured on the German de-quotes split (README, "Training")."""

TAGS = ("B", "I", "O")


def train_tagger(features: Sequence[list[list[str]]], tags: Sequence[list[str]], path: Path,
                 params: dict | None = None, on_iteration: Callable[[], None] | None = None) -> None:
    """Fit one label's CRF on sequences of token features and BIO tags, written to `path`;
    `on_iteration` is called after each of the optimiser's iterations (for a progress bar)."""
    import pycrfsuite
    import sklearn_crfsuite

    class Trainer(pycrfsuite.Trainer):
        """CRFsuite's trainer, silent (its log goes to stdout), telling `on_iteration` of each
        iteration: CRFsuite reports iterations only in verbose mode, so it is verbose and the
        handlers that would print say nothing."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["verbose"] = True
            super().__init__(*args, **kwargs)

        def on_iteration(self, log: str, info: dict) -> None:
            if on_iteration is not None:
                on_iteration()

        def on_start(self, log: str) -> None: ...
        def on_featgen_progress(self, log: str, percent: int) -> None: ...
        def on_featgen_end(self, log: str) -> None: ...
        def on_prepared(self, log: str) -> None: ...
        def on_prepare_error(self, log: str) -> None: ...
        def on_optimization_end(self, log: str) -> None: ...
        def on_end(self, log: str) -> None: ...

    crf = sklearn_crfsuite.CRF(**{**CRF_PARAMS, **(params or {})}, model_filename=str(path), trainer_cls=Trainer)
    crf.fit(list(features), list(tags))


@dataclass(frozen=True)
class Tagged:
    """One span a tagger found: offsets and the mean probability of its tokens."""

    start: int
    end: int
    label: str
    confidence: float


class SpanTagger:
    """A trained CRF of one label, opened from its model file."""

    def __init__(self, label: str, path: Path, threshold: float = 0.5) -> None:
        import pycrfsuite

        self.label = label
        self.threshold = threshold
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        known = set(self._tagger.labels())
        self._inside = [t for t in ("B", "I") if t in known]

    def marginals(self, doc: DocTokens) -> list[list[tuple[float, float, float]]]:
        """Per paragraph, per token: (P(B), P(I), P(O))."""
        return self.read(doc)[0]

    def read(self, doc: DocTokens, doubt: bool = False) -> tuple[list[list[tuple[float, float, float]]], float]:
        """The marginals and, with `doubt`, the sum over paragraphs of 1 - P(the best tag sequence)
        (how unsure of `doc`, see the module docstring), in one pass: setting a paragraph is the
        costly step, and a suggestion needs both."""
        out = []
        total = 0.0
        tagger = self._tagger
        have_b, have_i = "B" in self._inside, "I" in self._inside
        for para in doc.paragraphs:
            tagger.set(para.features)
            rows = []
            for i in range(len(para.tokens)):
                b = tagger.marginal("B", i) if have_b else 0.0
                inside = tagger.marginal("I", i) if have_i else 0.0
                rows.append((b, inside, max(0.0, 1.0 - b - inside)))
            out.append(rows)
            if doubt:
                total += 1.0 - tagger.probability(tagger.tag())
        return out, total

    def tag(self, doc: DocTokens, threshold: float | None = None,
            marginals: list[list[tuple[float, float, float]]] | None = None) -> list[Tagged]:
        """The spans of the label, decoded from the marginals at `threshold` (default: the trained one)."""
        return decode(doc, marginals if marginals is not None else self.marginals(doc), self.label,
                      self.threshold if threshold is None else threshold)


def decode(doc: DocTokens, marginals: list[list[tuple[float, float, float]]], label: str,
           threshold: float) -> list[Tagged]:
    """Runs of tokens whose P(inside) passes `threshold`; a token more likely B than I starts a new
    span, so two spans side by side stay two."""
    out: list[Tagged] = []
    for para, rows in zip(doc.paragraphs, marginals):
        begin, probs = None, []
        for i, (b, inside, _o) in enumerate(rows):
            p = b + inside
            if p > threshold:
                if begin is not None and b > inside:
                    out.append(_span(para.tokens, begin, i, label, probs))
                    begin, probs = None, []
                if begin is None:
                    begin = i
                probs.append(p)
            elif begin is not None:
                out.append(_span(para.tokens, begin, i, label, probs))
                begin, probs = None, []
        if begin is not None:
            out.append(_span(para.tokens, begin, len(rows), label, probs))
    return out


def _span(tokens: list[tuple[int, int]], i: int, j: int, label: str, probs: list[float]) -> Tagged:
    return Tagged(tokens[i][0], tokens[j - 1][1], label, round(sum(probs) / len(probs), 3))
