"""The suggestions against a second reference annotation of the seed, made by hand by an annotator who
never saw the rules (tests/reference2_seed.py): the goals of issue 7, measured with `compare`."""

from __future__ import annotations

from reader.core.annotations import DocAnnotations
from reader.files.project import Project
from reader.review.comparison import compare_annotations
from reader.suggest.rules import suggest_into
from tests.conftest import REPO, SEED_ID


def test_suggestions_meet_the_goals_against_an_independent_reference():
    project = Project(REPO / "tests" / "data" / "reference2")
    doc = project.corpus.get(SEED_ID)
    reference = project.store.load("second", doc).annotations
    suggested = DocAnnotations(doc, project.schema)
    suggest_into(suggested)
    for ghost in suggested.suggested_spans:
        suggested.put_loaded(ghost)
    for rel in suggested.suggested_relations:
        suggested.relations[rel.id] = rel
    figures = compare_annotations(reference, suggested).figures()
    assert figures["per_label"]["quote"]["exact_recall"] >= 0.9
    linked = 0
    quotes = [s for s in reference.spans.values() if s.label == "quote"]
    for quote in quotes:
        match = suggested.find_span(quote.start, quote.end, "quote")
        want = {s.text for s in reference.sources_of(quote.id)}
        got = {s.text for s in suggested.sources_of(match.id)} if match else set()
        linked += bool(want & got)
    assert linked / len(quotes) >= 0.8
