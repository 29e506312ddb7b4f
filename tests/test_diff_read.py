"""`reader diff` reads each annotation file straight into comparison units (`review.diff.read_units`,
the fast path of a 10,000-document diff): what it reads must be what the app would load."""

from __future__ import annotations

from reader.core.annotations import DocAnnotations
from reader.review.comparison import compare_annotations, units_of
from reader.review.diff import compare_project, read_units
from tests.conftest import make_project

TEXT = '"We are not a political party," the spokesperson said, "but rather a social approach." Fine.\n'


def project_with(tmp_path, pieces_a, pieces_b):
    project = make_project(tmp_path / "p", {"split": TEXT})
    doc = project.corpus.get("split")
    sides = {}
    for who, pieces in (("alice", pieces_a), ("bob", pieces_b)):
        ann = DocAnnotations(doc, project.schema)
        ann.add_span(0, 0, "quote", fragments=pieces)
        source = ann.add_span(TEXT.index("the spokesperson"), TEXT.index("said") - 1, "source")
        ann.link(next(iter(s.id for s in ann.spans.values() if s.label == "quote")), source.id)
        project.store.save(who, ann)
        sides[who] = ann
    return project, doc, sides


def test_a_span_in_fragments_is_read_with_its_fragments(tmp_path) -> None:
    first = (TEXT.index("We"), TEXT.index("party") + 5)
    second = (TEXT.index("but"), TEXT.index("approach") + 8)
    whole = (first[0], second[1])
    project, doc, sides = project_with(tmp_path, [first, second], [whole])
    units, links, repaired = read_units(project.store, "alice", doc)
    assert not repaired
    assert (units, links) == units_of(project.store.load("alice", doc).annotations)
    quote = next(u for u in units if u.label == "quote")
    assert quote.fragments == (first, second)
    # the quote in two pieces against the whole stretch is not an exact match, as in the app's review
    diff = compare_project(project, "alice", "bob").figures()["per_label"]["quote"]
    assert diff["exact_f1"] == 0.0
    assert diff == compare_annotations(sides["alice"], sides["bob"], list(project.schema.label_names)).figures()["per_label"]["quote"]
