"""The figures a model is judged by on held-out documents, and its card (`README.md` in its folder).

A small scorer of its own, because `reader.review.suggestion_scores` (the scorer of `reader suggest
--evaluate`) sits in a higher layer than `suggest`. It counts what that one counts, the same way,
for the card's headline figures: per label, overlap matches (same label, at least one shared
character, one-to-one, the largest overlap first) and exact matches; content (quote, claim and
allegation as one label); links whose two ends both overlap the reference's. `reader suggest
--evaluate ANNOTATOR --model NAME` gives the full report with the shared scorer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

CONTENT = ("quote", "claim", "allegation")

Item = tuple[int, int, str]
"""(start, end, label)."""


@dataclass
class Counts:
    reference: int = 0
    suggested: int = 0
    overlap: int = 0
    exact: int = 0

    def add(self, other: Counts) -> None:
        self.reference += other.reference
        self.suggested += other.suggested
        self.overlap += other.overlap
        self.exact += other.exact

    def figures(self) -> dict[str, Any]:
        p, r, f = prf(self.overlap, self.reference, self.suggested)
        ef = prf(self.exact, self.reference, self.suggested)[2]
        return {"reference": self.reference, "suggested": self.suggested, "overlap_precision": p,
                "overlap_recall": r, "overlap_f1": f, "exact_f1": ef}


def prf(matched: int, reference: int, suggested: int) -> tuple[float | None, float | None, float | None]:
    p = matched / suggested if suggested else None
    r = matched / reference if reference else None
    f = 2 * matched / (reference + suggested) if reference + suggested else None
    return p, r, f


def _pairs(ref: Sequence[Item], sug: Sequence[Item]) -> list[tuple[int, int]]:
    """One-to-one overlap matches of the same label, the largest overlap first (exact ones first)."""
    cands = []
    for i, (a0, a1, al) in enumerate(ref):
        for j, (b0, b1, bl) in enumerate(sug):
            shared = min(a1, b1) - max(a0, b0)
            if al == bl and shared > 0:
                cands.append((-(a0 == b0 and a1 == b1), -shared, i, j))
    cands.sort()
    used_i: set[int] = set()
    used_j: set[int] = set()
    out = []
    for _, _, i, j in cands:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            out.append((i, j))
    return out


def _count(ref: Sequence[Item], sug: Sequence[Item]) -> Counts:
    pairs = _pairs(ref, sug)
    exact = sum(1 for i, j in pairs if ref[i][:2] == sug[j][:2])
    return Counts(len(ref), len(sug), len(pairs), exact)


@dataclass
class Scores:
    """Counts summed over documents (never averaged)."""

    labels: dict[str, Counts] = field(default_factory=dict)
    content: Counts = field(default_factory=Counts)
    links: list[int] = field(default_factory=lambda: [0, 0, 0])
    """[reference links, suggested, matched]."""
    documents: int = 0

    def add_document(self, ref: Sequence[Item], ref_links: Iterable[tuple[int, int]],
                     sug: Sequence[Item], sug_links: Iterable[tuple[int, int]], labels: Sequence[str]) -> None:
        """Spans as (start, end, label) lists; links as (head index, tail index) into them."""
        self.documents += 1
        for label in labels:
            c = _count([x for x in ref if x[2] == label], [x for x in sug if x[2] == label])
            self.labels.setdefault(label, Counts()).add(c)
        as_content = [(a, b, "content") for a, b, lab in ref if lab in CONTENT]
        sug_content = [(a, b, "content") for a, b, lab in sug if lab in CONTENT]
        self.content.add(_count(as_content, sug_content))
        rl, sl = list(ref_links), list(sug_links)
        cands = []
        for i, (h, t) in enumerate(rl):
            for j, (h2, t2) in enumerate(sl):
                hs = min(ref[h][1], sug[h2][1]) - max(ref[h][0], sug[h2][0])
                ts = min(ref[t][1], sug[t2][1]) - max(ref[t][0], sug[t2][0])
                if hs > 0 and ts > 0 and ref[t][2] == sug[t2][2] and ref[h][2] in CONTENT and sug[h2][2] in CONTENT:
                    cands.append((-(hs + ts), i, j))
        cands.sort()
        ui: set[int] = set()
        uj: set[int] = set()
        for _, i, j in cands:
            if i not in ui and j not in uj:
                ui.add(i)
                uj.add(j)
        self.links[0] += len(rl)
        self.links[1] += len(sl)
        self.links[2] += len(ui)

    def figures(self) -> dict[str, Any]:
        p, r, f = prf(self.links[2], self.links[0], self.links[1])
        return {
            "documents": self.documents,
            "per_label": {label: c.figures() for label, c in sorted(self.labels.items())},
            "content": self.content.figures(),
            "links": {"precision": p, "recall": r, "f1": f, "reference": self.links[0],
                      "suggested": self.links[1], "matches": self.links[2]},
        }


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def card_text(info: dict[str, Any]) -> str:
    """The model's README.md from the facts training gathered (`training.train_project`)."""
    held = info["held_out"]
    lines = [
        f"# Model `{info['name']}`",
        "",
        (f"Trained by `reader train` on {info['trained']} from the annotations of **{info['annotator']}**"
         f"{' (documents marked done only)' if info['done_only'] else ''}: {info['documents']} documents, "
         f"{info['train_documents']} to train on and {info['held_out_documents']} held out to measure it. "
         f"Training took {info['seconds']:.0f} s."),
        "",
        "Use it with `reader suggest --model " + info["name"] + "` (ghosts carry their confidence in their note);",
        "`reader suggest --evaluate ANNOTATOR --model " + info["name"] + "` scores it on any annotator's files.",
        "",
        "## Data",
        "",
        "| part | documents | tokens | links | " + " | ".join(info["labels_seen"]) + " |",
        "|---|---|---|---|" + "---|" * len(info["labels_seen"]),
    ]
    for part in ("train", "held_out"):
        d = info["data"][part]
        counts = " | ".join(str(d["spans"].get(label, 0)) for label in info["labels_seen"])
        lines.append(f"| {part.replace('_', '-')} | {d['documents']} | {d['tokens']} | {d['links']} | {counts} |")
    lines += ["", "## Labels", ""]
    if info["not_learned"]:
        lines.append("Not learned (no spans in the training part): " + ", ".join(info["not_learned"]) + ".")
        lines.append("")
    lines += ["| label | tagger threshold | held-out overlap P | R | F1 | exact F1 | rules alone F1 |",
              "|---|---|---|---|---|---|---|"]
    model_f, rules_f = held.get("model"), held.get("rules")
    for label, threshold in info["thresholds"].items():
        m = (model_f or {}).get("per_label", {}).get(label, {})
        r = (rules_f or {}).get("per_label", {}).get(label, {})
        lines.append(f"| {label} | {threshold} | {_f(m.get('overlap_precision'))} | {_f(m.get('overlap_recall'))} | "
                     f"{_f(m.get('overlap_f1'))} | {_f(m.get('exact_f1'))} | {_f(r.get('overlap_f1'))} |")
    lines += ["", "## Held-out figures", ""]
    if model_f is None:
        lines.append("None: too few documents to hold any out (at least 3 are needed); the model was "
                     "trained on all of them with the default thresholds.")
    else:
        c, lk = model_f["content"], model_f["links"]
        rc, rl = rules_f["content"], rules_f["links"]
        src = model_f["per_label"].get("source", {})
        rsrc = rules_f["per_label"].get("source", {})
        lines += [
            (f"On {model_f['documents']} held-out documents of the project, the merged suggestions (rules and "
             "model) as they would be accepted, against the annotator:"),
            "",
            "| figure | model + rules | rules alone |",
            "|---|---|---|",
            f"| source overlap F1 | {_f(src.get('overlap_f1'))} | {_f(rsrc.get('overlap_f1'))} |",
            f"| content overlap F1 (quote, claim, allegation as one) | {_f(c['overlap_f1'])} | {_f(rc['overlap_f1'])} |",
            (f"| content overlap P / R | {_f(c['overlap_precision'])} / {_f(c['overlap_recall'])} | "
             f"{_f(rc['overlap_precision'])} / {_f(rc['overlap_recall'])} |"),
            f"| links F1 (both ends overlap) | {_f(lk['f1'])} | {_f(rl['f1'])} |",
            f"| links P / R | {_f(lk['precision'])} / {_f(lk['recall'])} | {_f(rl['precision'])} / {_f(rl['recall'])} |",
        ]
    lines += [
        "",
        "## How it suggests",
        "",
        "One CRF per label over the tokens of each paragraph (features: the words and their window, cue words "
        "of the rules and of this project's annotations, quotation marks and the position in a quotation, "
        "sentence position, how far the rules' nearest quote or claim is, the rules' own suggestions); a "
        "logistic regression over (content, source) pairs for the links, which knows the pairs the rules "
        "linked. The rules' quotes are kept as they are and the model's spans added where they overlap "
        "no kept rule span of their label; rule spans of other labels kept: "
        + (", ".join(sorted(set(info["rule_labels"]) - {"quote"})) or "none") + "; labels left to the rules "
        "alone (they scored better without the model): " + (", ".join(info.get("rules_only_labels") or ()) or "none") + ". "
        f"Link threshold {info['link_threshold']}"
        + ("; where the rules linked a content span to a source of the merged set, their link is kept"
           if info.get("rule_links_first") else "") + "; model sources linked to nothing are "
        + _unlinked_sources(info["unlinked_source_confidence"]) + ".",
        "",
        "## Library versions",
        "",
    ]
    lines += [f"- {name} {version}" for name, version in info["versions"].items()]
    return "\n".join(lines) + "\n"


def _unlinked_sources(floor: float) -> str:
    if floor <= 0:
        return "kept"
    return "left out" if floor > 1 else f"kept when the tagger's confidence in them is at least {floor}"
