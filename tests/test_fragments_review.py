"""Adjudication keeps a span's fragments: the gold of two or of many annotators holds the span in
its pieces, and the N-way diff and the candidates compare by the pieces as `reader diff A B` does."""

from __future__ import annotations

from collections import Counter

from reader.core.annotations import DocAnnotations
from reader.core.model import Document
from reader.core.schema import default_schema
from reader.core.text import tokenize
from reader.review.adjudication import Review
from reader.review.alignment import Unit
from reader.review.candidates import candidates
from reader.review.comparison import token_labels
from reader.review.diff_many import _describe, token_values
from reader.review.many import ManyReview
from reader.review.merged import merged_view

TEXT = 'The judge was clear. "We will appeal," Sarah Connor said, "and we will win."'
FIRST, SECOND = "We will appeal,", "and we will win."
PIECES = ((TEXT.index(FIRST), TEXT.index(FIRST) + len(FIRST)), (TEXT.index(SECOND), TEXT.index(SECOND) + len(SECOND)))
SOURCE = (TEXT.index("Sarah Connor"), TEXT.index("Sarah Connor") + len("Sarah Connor"))


def annotator(pieces=PIECES, label: str = "quote") -> DocAnnotations:
    ann = DocAnnotations(Document("d", TEXT), default_schema())
    quote = ann.add_span(0, 0, label, fragments=pieces) if len(pieces) > 1 else ann.add_span(*pieces[0], label)
    ann.link(quote.id, ann.add_span(*SOURCE, "source").id)
    return ann


def quotes(gold: DocAnnotations) -> list[tuple[str, ...]]:
    return [s.fragment_texts for s in gold.sorted_spans() if s.label == "quote"]


def test_two_annotators_agreeing_on_a_quote_in_pieces_give_a_gold_quote_in_those_pieces():
    review = Review(annotator(), annotator())
    assert quotes(review.gold) == [(FIRST, SECOND)]
    (link,) = review.gold.relations.values()
    assert review.gold.spans[link.head].joined_text == f"{FIRST} … {SECOND}"


def test_taking_one_annotators_quote_in_pieces_puts_it_in_the_gold_in_pieces():
    whole = ((PIECES[0][0], PIECES[1][1]),)
    review = Review(annotator(), annotator(whole))
    (i,) = [n for n, d in enumerate(review.disagreements) if d.kind != "link" and d.a is not None and d.a.label == "quote"]
    review.settle(i, "a")
    assert quotes(review.gold) == [(FIRST, SECOND)]
    assert review.choice(i) == "a"  # the gold's quote in pieces is A's, not B's over the whole stretch


def test_three_annotators_agreeing_on_a_quote_in_pieces_give_a_gold_quote_in_those_pieces():
    review = ManyReview([annotator(), annotator(), annotator()])
    assert review.disagreements == []
    assert quotes(review.gold) == [(FIRST, SECOND)]
    assert len(review.gold.relations) == 1


def test_settling_a_contest_for_the_quote_in_pieces_puts_it_in_the_gold_in_pieces():
    whole = ((PIECES[0][0], PIECES[1][1]),)
    review = ManyReview([annotator(), annotator(whole), annotator(whole)], auto_accept=3)
    (contest,) = [d for d in review.disagreements if d.kind != "link"]
    pick = [c.item.fragments == PIECES for c in contest.candidates].index(True)
    review.settle(review.disagreements.index(contest), str(pick + 1))
    assert quotes(review.gold) == [(FIRST, SECOND)]


def units(*spans: tuple[tuple[tuple[int, int], ...], str]) -> list[Unit]:
    return [Unit(p[0][0], p[-1][1], label, f"s{n}", p if len(p) > 1 else ()) for n, (p, label) in enumerate(spans)]


def test_a_quote_in_pieces_and_a_quote_over_its_gap_only_are_not_one_contest():
    gap = ((PIECES[0][1] + 2, PIECES[1][0] - 2),)  # 'Sarah Connor said', between the pieces
    found = candidates("d", [units((PIECES, "quote")), units((gap, "quote"))])
    assert sorted(c.kind for c in found.contests) == ["some", "some"]


def test_a_quote_in_pieces_and_a_claim_over_the_whole_stretch_are_not_a_label_contest():
    whole = ((PIECES[0][0], PIECES[1][1]),)  # same first start and last end, other pieces
    found = candidates("d", [units((PIECES, "quote")), units((whole, "claim"))])
    assert sorted(c.kind for c in found.contests) == ["some", "some"]


def test_the_n_way_token_figures_leave_the_gap_between_fragments_out():
    whole = ((PIECES[0][0], PIECES[1][1]),)
    sides = [units((PIECES, "quote")), units((whole, "quote"))]
    _, values, _ = token_values(TEXT, sides, {"quote": 0})
    a, b = (token_labels(TEXT, side, {"quote": 0}) for side in sides)
    assert values == Counter(zip(a, b))
    gap = TEXT[PIECES[0][1] : PIECES[1][0]]  # '" Sarah Connor said, "': in the whole stretch only
    assert values[("O", "quote")] == len(tokenize(gap)) == 6


def test_the_n_way_report_names_a_quote_in_pieces_by_its_pieces():
    (unit,) = units((PIECES, "quote"))
    assert _describe(unit, TEXT) == f'quote {PIECES[0][0]}-{PIECES[0][1]};{PIECES[1][0]}-{PIECES[1][1]} "{FIRST} … {SECOND}"'


def test_the_review_screen_finds_an_agreed_quote_in_pieces_in_the_gold():
    unlinked = annotator()
    unlinked.unlink(next(iter(unlinked.relations)))
    review = Review(annotator(), unlinked)
    (i,) = [n for n, d in enumerate(review.disagreements) if d.kind == "link"]
    view = merged_view(review)
    (quote,) = [s for s in review.gold.spans.values() if s.label == "quote"]
    assert "g" + quote.id in view.members[i]  # the link's head is the gold's quote, drawn in its pieces


def test_the_review_screen_draws_what_both_marked_of_a_quote_in_pieces_as_those_pieces():
    shorter = ((PIECES[0][0], SOURCE[1]),)  # 'We will appeal," Sarah Connor'
    review = Review(annotator(), annotator(shorter))
    (i,) = [n for n, d in enumerate(review.disagreements) if d.kind == "boundary"]
    both = next(s for s in merged_view(review).spans if s.id == f"*{i}")
    assert (both.text, both.fragments) == (FIRST, ())
