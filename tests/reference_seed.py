"""The hand-made reference annotation of the seed article, and the evaluation of suggestions against it.

Written by a person reading the article, not by the suggester, following the conventions of
`reader/suggest.py` (quote: the text inside the marks; source: the name as written, no leading
determiner, no apposition; claim/allegation: the statement without its attribution or full stop).
Judgements a reader may want to know:
- the photo caption and the "You might also like" headlines are not the article: not annotated;
- the writer's own checkable statements are claims with no source (lines 9, 20, 22, 40, 42);
- a direct quote that accuses is a quote, not also an allegation; a reported accusation
  ("X said security forces had arbitrarily arrested ...") is an allegation;
- "he said" is attributed to "Asset Abichev" (the name the pronoun stands for); "the NGO" and
  "the President" are sources in their own right (noun phrases, not pronouns); the unattributed
  quote paragraph after Hugh Williamson's statement is his.

Offsets are found by searching the exact phrase (inside a longer, unique context when the phrase
occurs more than once), so they are exact. Run `python tests/reference_seed.py` to print the evaluation; `--write` writes
tests/data/reference/annotations/reference/euronews-kazakhstan-torture.json again, and
`--diff-project DIR` makes a project in which `reader diff reference suggest` compares the two.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, Relation, Span
from reader.core.schema import Schema, default_schema
from reader.files.corpus import read_documents
from reader.files.store import Store

SEED_ID = "euronews-kazakhstan-torture"
SEED = REPO / "seeds" / f"{SEED_ID}.txt"
PROJECT = REPO / "tests" / "data" / "reference"
ANNOTATOR = "reference"

# (key, label, phrase, unique context containing it or None)
SOURCES = [
    ("S1", "Human Rights Watch", "unrest, says Human Rights Watch"),
    ("S2", "Human Rights Watch", "according to Human Rights Watch (HRW)"),
    ("S3", "NGO", "The NGO said"),
    ("S4", "HRW", "HRW said in a statement"),
    ("S5", "Kazakh authorities", "Kazakh authorities have stated"),
    ("S6", "Asset Abichev", None),
    ("S7", "Abichev", "Abichev added"),
    ("S8", "Kazakh prosecutors", None),
    ("S9", "Many of those released", None),
    ("S10", "Hugh Williamson", None),
    ("S11", "President Kassym-Jomart Tokayev", None),
    ("S12", "Tokayev", "Tokayev has blamed"),
    ("S13", "President", "the President ordered"),
]
# (label, phrase, context, source key or None, attrs)
STATEMENTS = [
    ("allegation", "Kazakhstan protesters were tortured after unrest", None, "S1", {}),
    ("claim", "Around 10,000 people were detained after widespread anti-government protests last month", None, None, {}),
    ("allegation", "Dozens of protesters in Kazakhstan were beaten and tortured by the authorities after last month's unrest", None, "S2", {}),
    ("allegation", 'Kazakh security forces had "arbitrarily arrested" peaceful protesters and denied them access to lawyers', None, "S3", {}),
    ("quote", "arbitrarily arrested", None, "S3", {"kind": "partial"}),
    ("quote", "Police ... subjected some detainees to ill-treatment and torture, including with electric shocks and beatings with batons,", None, "S4", {"kind": "direct"}),
    ("claim", "nearly 10,000 people were detained across the country in connection with January’s protests", None, "S5", {}),
    ("claim", "Demonstrations initially broke out over a rise in oil prices but later descended into unprecedented, wider anger about living conditions in the former Soviet country", None, None, {}),
    ("claim", "At least 227 people were also killed in the riots, which saw the country's influential former president Nursultan Nazarbayev ousted from positions of power", None, None, {}),
    ("allegation", "he was arrested on a bus by police, held without charge and tortured for a week", None, "S6", {}),
    ("quote", "They beat me on my chest with their fists, they beat me on my back and arms with a stick and a rifle butt,", None, "S6", {"kind": "direct"}),
    ("quote", "[Young men] had plastic bags put over their heads, they were thrown to the ground, jumped on,", None, "S7", {"kind": "direct"}),
    ("quote", "They had broken ribs, but received no medical attention", None, "S7", {"kind": "direct"}),
    ("claim", "nearly 900 of those arrested face various criminal charges, including mass rioting and acts of terrorism", None, "S8", {}),
    ("allegation", "they were beaten and tortured by the authorities during their detention", None, "S9", {}),
    ("claim", 'the reports of torture was "cause for deep concern"', None, "S10", {}),
    ("quote", "cause for deep concern", None, "S10", {"kind": "partial"}),
    ("quote", "Kazakh authorities should immediately put a stop to the abuses, ensure that every detainee’s rights are protected, and bring to justice those who beat or tortured them.", None, "S10", {"kind": "direct"}),
    ("claim", "Kazakh human rights officials were investigating complaints from detainees", None, "S11", {}),
    ("claim", 'Tokayev has blamed the unrest on "terrorists" and foreign-trained "bandits" but has not provided any evidence to support his claims', None, None, {}),
    ("quote", "terrorists", None, "S12", {"kind": "partial"}),
    ("quote", "bandits", None, "S12", {"kind": "partial"}),
    ("claim", 'During the riots, the President ordered police to "shoot to kill" and also called in support from Russian-led alliance troops', None, None, {}),
    ("quote", "shoot to kill", None, "S13", {"kind": "partial"}),
]


def seed_document() -> Document:
    return read_documents(SEED)[0]


def locate(text: str, phrase: str, context: str | None = None) -> tuple[int, int]:
    """Exact offsets of `phrase`, which must occur once in the text (or once in its unique `context`)."""
    where = context or phrase
    at = text.find(where)
    if at < 0 or text.find(where, at + 1) >= 0:
        raise ValueError(f"{where!r} must occur exactly once in the seed")
    start = at + (where.find(phrase) if context else 0)
    if context and where.find(phrase) < 0:
        raise ValueError(f"{phrase!r} is not inside {context!r}")
    return start, start + len(phrase)


def build(doc: Document | None = None, schema: Schema | None = None) -> DocAnnotations:
    """The reference annotation, made through DocAnnotations so every invariant is checked."""
    doc = doc or seed_document()
    ann = DocAnnotations(doc, schema or default_schema(), clock=lambda: "2026-11-26T00:00:00+00:00")
    ids: dict[str, str] = {}
    for key, phrase, context in SOURCES:
        ids[key] = ann.add_span(*locate(doc.text, phrase, context), "source").id
    for label, phrase, context, source, attrs in STATEMENTS:
        span = ann.add_span(*locate(doc.text, phrase, context), label, attrs=attrs)
        if source is not None:
            ann.link(span.id, ids[source])
    ann.status = "done"
    return ann


def save(project: Path = PROJECT) -> Path:
    store = Store(project, default_schema())
    path = store.save(ANNOTATOR, build())
    store.lock_path(ANNOTATOR, SEED_ID).unlink(missing_ok=True)  # not part of the fixture
    return path


def load(project: Path = PROJECT) -> DocAnnotations:
    return Store(project, default_schema()).load(ANNOTATOR, seed_document()).annotations


# --------------------------------------------------------------------------- evaluation


def _key(s: Span) -> tuple[int, int, str]:
    return (s.start, s.end, s.label)


def evaluate(gold: DocAnnotations, spans: list[Span], relations: list[Relation]) -> dict:
    """Precision and recall per label (exact and overlap match) and how many gold quotes got their source.

    Overlap: a suggestion counts when it overlaps a gold span of its label, and a gold span when a
    suggestion of its label overlaps it. A quote is correctly linked when the suggestion that matches
    it exactly is linked to a source that overlaps (or, for `linked_exact`, equals) a gold source of it.
    """
    labels = sorted({s.label for s in gold.spans.values()} | {s.label for s in spans})
    out: dict = {"labels": {}}
    for label in labels:
        g = [s for s in gold.spans.values() if s.label == label]
        p = [s for s in spans if s.label == label]
        gk, pk = {_key(s) for s in g}, {_key(s) for s in p}
        hit = len(gk & pk)
        p_ov = sum(1 for s in p if any(s.overlaps(x.start, x.end) for x in g))
        g_ov = sum(1 for x in g if any(s.overlaps(x.start, x.end) for s in p))
        out["labels"][label] = {
            "gold": len(g), "suggested": len(p),
            "exact_p": round(hit / len(p), 3) if p else 0.0, "exact_r": round(hit / len(g), 3) if g else 0.0,
            "overlap_p": round(p_ov / len(p), 3) if p else 0.0, "overlap_r": round(g_ov / len(g), 3) if g else 0.0,
        }
    by_key = {_key(s): s for s in spans}
    by_id = {s.id: s for s in spans}
    quotes = [s for s in gold.spans.values() if s.label == "quote"]
    linked = linked_exact = 0
    for q in quotes:
        mine = by_key.get(_key(q))
        if mine is None:
            continue
        gold_sources = gold.sources_of(q.id)
        tails = [by_id[r.tail] for r in relations if r.head == mine.id and r.tail in by_id]
        if any(t.overlaps(s.start, s.end) for t in tails for s in gold_sources):
            linked += 1
        if any(_key(t) == _key(s) for t in tails for s in gold_sources):
            linked_exact += 1
    out["quotes_linked"] = round(linked / len(quotes), 3) if quotes else 0.0
    out["quotes_linked_exact"] = round(linked_exact / len(quotes), 3) if quotes else 0.0
    return out


def format_evaluation(result: dict) -> str:
    lines = [f"{'label':<11}{'gold':>5}{'sugg':>6}{'P exact':>9}{'R exact':>9}{'P overlap':>11}{'R overlap':>11}"]
    for label, r in result["labels"].items():
        lines.append(f"{label:<11}{r['gold']:>5}{r['suggested']:>6}{r['exact_p']:>9.2f}{r['exact_r']:>9.2f}"
                     f"{r['overlap_p']:>11.2f}{r['overlap_r']:>11.2f}")
    lines.append(f"quotes linked to a right source: {result['quotes_linked']:.2f} "
                 f"(exactly that source span: {result['quotes_linked_exact']:.2f})")
    return "\n".join(lines)


def diff_project(folder: Path) -> Path:
    """A project with the seed, the reference and the accepted suggestions (annotator `suggest`), for
    `reader --project FOLDER diff reference suggest`."""
    import shutil

    from reader.suggest.pending import accept_all
    from reader.suggest.rules import suggest_into

    folder = Path(folder)
    (folder / "seeds").mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, folder / "seeds" / SEED.name)
    (folder / "annotations").mkdir(exist_ok=True)
    shutil.copy(REPO / "annotations" / "labels.yaml", folder / "annotations" / "labels.yaml")
    store = Store(folder, default_schema())
    store.save(ANNOTATOR, build())
    ann = DocAnnotations(seed_document(), default_schema())
    suggest_into(ann)
    accept_all(ann)
    ann.suggested_spans, ann.suggested_relations = [], []
    store.save("suggest", ann)
    return folder


def main() -> None:
    from reader.suggest.cues import load_cues
    from reader.suggest.rules import suggest

    if "--write" in sys.argv:
        print(f"wrote {save().relative_to(REPO)}")
    if "--diff-project" in sys.argv:
        folder = diff_project(Path(sys.argv[sys.argv.index("--diff-project") + 1]))
        print(f"wrote {folder}: run `reader --project {folder} diff reference suggest`")
    gold = load()
    found = suggest(gold.document, load_cues(), default_schema())
    print(format_evaluation(evaluate(gold, found.spans, found.relations)))


if __name__ == "__main__":
    main()
