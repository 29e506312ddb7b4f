"""Agreement on spans in fragments: exact match needs every fragment, overlap match and the
character figures (u-alpha, token kappa) count the pieces, never the gap between them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, join_extents
from reader.core.schema import default_schema
from reader.core.text import tokenize
from reader.review.alignment import Unit, align
from reader.review.comparison import (
    compare_annotations,
    compare_units,
    token_confusion,
    token_labels,
)

SCHEMA = default_schema()
LABELS = list(SCHEMA.label_names)
RANK = {label: i for i, label in enumerate(LABELS)}
TEXT = '"We are not a political party," the spokesperson said, "but rather a social approach." Fine.\n'
DOC = Document("split", TEXT)
FIRST = (TEXT.index("We"), TEXT.index("party") + 5)
SECOND = (TEXT.index("but"), TEXT.index("approach") + 8)
SAID = (TEXT.index("the spokesperson"), TEXT.index("said") + 4)


def annotator(*spans) -> DocAnnotations:
    ann = DocAnnotations(DOC, SCHEMA)
    for label, pieces in spans:
        ann.add_span(0, 0, label, fragments=pieces)
    return ann


def figures(a: DocAnnotations, b: DocAnnotations) -> dict:
    return compare_annotations(a, b, LABELS).figures()["per_label"]["quote"]


def test_the_same_fragments_are_an_exact_match():
    quote = annotator(("quote", [FIRST, SECOND]))
    fig = figures(quote, annotator(("quote", [FIRST, SECOND])))
    assert (fig["exact_matches"], fig["exact_f1"], fig["u_alpha"], fig["kappa"]) == (1, 1.0, 1.0, 1.0)


def test_one_fragment_of_two_or_the_whole_stretch_is_an_overlap_not_an_exact_match():
    quote = annotator(("quote", [FIRST, SECOND]))
    for other in ([FIRST], [(FIRST[0], SECOND[1])]):
        comparison = compare_annotations(quote, annotator(("quote", other)), LABELS)
        fig = comparison.figures()["per_label"]["quote"]
        assert (fig["exact_matches"], fig["overlap_matches"]) == (0, 1)
        assert [d.kind for d in comparison.disagreements] == ["boundary"]
        assert fig["u_alpha"] < 1 and fig["kappa"] < 1


def test_a_span_in_the_gap_between_two_fragments_overlaps_nothing():
    quote = annotator(("quote", [FIRST, SECOND]))
    inside = annotator(("quote", [SAID]))
    comparison = compare_annotations(quote, inside, LABELS)
    assert sorted(d.kind for d in comparison.disagreements) == ["only_a", "only_b"]
    assert comparison.figures()["per_label"]["quote"]["overlap_matches"] == 0


def test_tokens_between_the_fragments_are_not_the_quotes():
    units = [Unit(FIRST[0], SECOND[1], "quote", "s1", (FIRST, SECOND)), Unit(*SAID, "source", "s2")]
    labels = dict(zip((TEXT[s:e] for s, e in tokenize(TEXT)), token_labels(TEXT, units, RANK)))
    assert labels["spokesperson"] == "source" and labels["party"] == "quote" and labels["approach"] == "quote"
    assert labels["Fine"] == "O"


def test_a_one_piece_unit_keeps_its_key_so_remembered_decisions_still_apply():
    assert Unit(3, 9, "quote", "s1").key == (3, 9, "quote")
    assert Unit(3, 20, "quote", "s1", ((3, 9), (12, 20))).key == (3, 20, "quote", ((3, 9), (12, 20)))


pieces = st.lists(st.tuples(st.integers(0, len(TEXT)), st.integers(0, len(TEXT))), min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(st.lists(pieces, max_size=3), st.lists(pieces, max_size=3))
def test_character_figures_equal_those_of_the_pieces_as_separate_spans(a_spans, b_spans):
    """u-alpha and the per-label token kappa count characters and tokens of the pieces: a span in
    fragments gives what its pieces would as spans of their own (one label, so nothing nests)."""

    def units(spans):
        joined, apart = [], []
        for i, extents in enumerate(spans):
            frags = join_extents(TEXT, extents)
            if not frags:
                continue
            joined.append(Unit(frags[0][0], frags[-1][1], "quote", f"s{i}", frags if len(frags) > 1 else ()))
            apart += [Unit(s, e, "quote", f"s{i}.{k}") for k, (s, e) in enumerate(frags)]
        return joined, apart

    (ja, pa), (jb, pb) = units(a_spans), units(b_spans)
    whole = compare_units(DOC, ja, jb, [], [], LABELS).figures()["per_label"]["quote"]
    split = compare_units(DOC, pa, pb, [], [], LABELS).figures()["per_label"]["quote"]
    assert whole["u_alpha"] == split["u_alpha"]
    assert whole["kappa"] == split["kappa"]
    assert token_confusion(TEXT, ja, jb, LABELS, RANK).binary == token_confusion(TEXT, pa, pb, LABELS, RANK).binary
    for ua, ub in align(ja, jb).exact:
        assert ua.fragments == ub.fragments
