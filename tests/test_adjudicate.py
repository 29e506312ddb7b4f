"""Adjudication: each kind of disagreement settled each way, links after their ends, undo, resume."""

from __future__ import annotations

import pytest

from reader.commands.show import show
from reader.core.errors import UserError
from reader.review.adjudication import (
    AdjudicationError,
    Review,
    open_review,
    review_path,
    save_review,
)
from tests.conftest import annotations_by_text, make_project

TEXT = (
    'Police said "the detainees were beaten" on Tuesday. HRW alleged torture in Almaty. '
    "Officials denied it."
)
QA, QB = "the detainees were beaten", '"the detainees were beaten"'


build = annotations_by_text


A_ITEMS = [("Police", "source"), (QA, "quote"), ("HRW", "source"), ("torture in Almaty", "allegation"), ("Officials", "source")]
A_LINKS = [(QA, "Police"), ("torture in Almaty", "HRW")]
B_ITEMS = [("Police", "source"), (QB, "quote"), ("HRW", "source"), ("torture in Almaty", "claim"), ("denied it", "claim")]
B_LINKS = [(QB, "Police")]


@pytest.fixture
def project(tmp_path):
    project = make_project(tmp_path / "p", {"art": TEXT})
    doc = project.corpus.get("art")
    project.store.save("alice", build(doc, project.schema, A_ITEMS, A_LINKS))
    project.store.save("bob", build(doc, project.schema, B_ITEMS, B_LINKS))
    return project


@pytest.fixture
def review(project):
    return open_review(project, "alice", "bob", "art")[0]


def spans(gold):
    return sorted((s.text, s.label) for s in gold.spans.values())


def links(gold):
    return sorted((gold.spans[r.head].text, gold.spans[r.tail].text) for r in gold.relations.values())


def find(review, kind, nth=0):
    return [i for i, d in enumerate(review.disagreements) if d.kind == kind][nth]


AGREED = [("HRW", "source"), ("Police", "source")]


def test_a_new_gold_holds_the_agreements_and_nothing_is_settled(review):
    assert sorted(d.kind for d in review.disagreements) == ["boundary", "label", "link", "link", "only_a", "only_b"]
    assert spans(review.gold) == AGREED
    assert review.settled == 0 and not review.done
    assert review.next_unsettled() == 0


@pytest.mark.parametrize(
    "kind, choice, expected, state",
    [
        ("boundary", "a", [(QA, "quote")], "a"),
        ("boundary", "b", [(QB, "quote")], "b"),
        ("boundary", "both", [(QA, "quote"), (QB, "quote")], "both"),
        ("boundary", "neither", [], "neither"),
        ("label", "a", [("torture in Almaty", "allegation")], "a"),
        ("label", "b", [("torture in Almaty", "claim")], "b"),
        ("label", "both", [("torture in Almaty", "allegation"), ("torture in Almaty", "claim")], "both"),
        ("label", "neither", [], "neither"),
        ("only_a", "a", [("Officials", "source")], "a"),
        ("only_a", "both", [("Officials", "source")], "a"),
        ("only_a", "b", [], "neither"),
        ("only_a", "neither", [], "neither"),
        ("only_b", "b", [("denied it", "claim")], "b"),
        ("only_b", "both", [("denied it", "claim")], "b"),
        ("only_b", "a", [], "neither"),
        ("only_b", "neither", [], "neither"),
    ],
)
def test_settling_a_span_disagreement(review, kind, choice, expected, state):
    i = find(review, kind)
    review.settle(i, choice)
    assert spans(review.gold) == sorted(AGREED + expected)
    assert review.choice(i) == state
    assert review.settled == 1


def test_settling_again_replaces_the_first_choice(review):
    i = find(review, "label")
    review.settle(i, "a")
    review.settle(i, "b")
    assert spans(review.gold) == sorted(AGREED + [("torture in Almaty", "claim")])
    review.settle(i, "neither")
    assert spans(review.gold) == AGREED and review.choice(i) == "neither"


def test_a_link_needs_its_ends_in_the_gold_first(review):
    pair = find(review, "link", 0)  # quote -> Police, the quotes differing by their boundary
    assert review.blocked(pair, "a") is not None
    with pytest.raises(AdjudicationError, match="take the quote 13-38 \"the detainees were beaten\" into the gold first"):
        review.settle(pair, "a")
    assert spans(review.gold) == AGREED and review.gold.relations == {}
    review.settle(find(review, "boundary"), "both")
    for choice, expected in [
        ("a", [(QA, "Police")]),
        ("b", [(QB, "Police")]),
        ("both", [(QA, "Police"), (QB, "Police")]),
        ("neither", []),
    ]:
        review.settle(pair, choice)
        assert links(review.gold) == sorted(expected), choice
        assert review.choice(pair) == choice


def test_a_link_only_one_side_made(review):
    only = find(review, "link", 1)  # alice's allegation -> HRW
    review.settle(find(review, "label"), "a")
    review.settle(only, "a")
    assert links(review.gold) == [("torture in Almaty", "HRW")]
    # dropping the span drops its link, and the link is no longer settled
    review.settle(find(review, "label"), "b")
    assert links(review.gold) == [] and review.choice(only) is None


def test_undo_takes_back_the_last_settlement(review):
    i = find(review, "only_b")
    review.settle(i, "b")
    assert review.undo() is True
    assert spans(review.gold) == AGREED and review.choice(i) is None
    assert review.undo() is False


def test_undo_walks_back_several_settlements_in_order(review):
    review.settle(find(review, "only_a"), "a")
    review.settle(find(review, "only_b"), "b")
    assert review.undo() and review.undo()
    assert spans(review.gold) == AGREED and review.settled == 0


def test_an_edit_settlement_carries_the_hand_edit_and_undo_takes_both_back(review):
    i = find(review, "only_b")
    start = TEXT.index("Officials denied it")
    review.settle(i, "edit", [lambda g: g.add_span(start, start + len("Officials denied it"), "claim")])
    assert ("Officials denied it", "claim") in spans(review.gold) and review.choice(i) == "edit"
    assert review.undo()
    assert spans(review.gold) == AGREED and review.choice(i) is None


def test_a_snapshot_saves_what_was_decided_while_the_review_goes_on(project, review):
    review.settle(find(review, "only_a"), "a")
    snap = review.snapshot()
    review.settle(find(review, "only_b"), "b")
    save_review(project, snap)
    again, _ = open_review(project, "alice", "bob", "art")
    assert again.settled == 1 and spans(again.gold) == sorted(AGREED + [("Officials", "source")])


def test_undo_leaves_a_hand_edit_alone(review):
    review.settle(find(review, "only_a"), "a")
    review.gold.add_span(0, 6, "claim")  # the reviewer edits by hand
    assert review.undo() is False
    assert ("Officials", "source") in spans(review.gold)


def test_partial_review_saved_reloaded_and_finished(project):
    review, _ = open_review(project, "alice", "bob", "art")
    review.settle(find(review, "boundary"), "a")
    review.settle(find(review, "only_b"), "neither")  # leaves nothing in the gold to see
    review.settle(find(review, "label"), "edit")
    save_review(project, review)
    assert project.store.load("gold", project.corpus.get("art")).annotations.status == "in-progress"

    again, loaded = open_review(project, "alice", "bob", "art")
    assert loaded.exists and not again.fresh
    assert again.settled == 3
    assert again.choice(find(again, "boundary")) == "a"
    assert again.choice(find(again, "only_b")) == "neither"
    assert again.choice(find(again, "label")) == "edit"
    assert spans(again.gold) == sorted(AGREED + [(QA, "quote")])
    todo = []
    i = again.next_unsettled()
    while i is not None:
        todo.append(again.disagreements[i].kind)
        again.settle(i, "a" if again.blocked(i, "a") is None else "neither")
        i = again.next_unsettled(i)
    assert sorted(todo) == ["link", "link", "only_a"]
    assert again.done
    save_review(project, again)

    gold = project.store.load("gold", project.corpus.get("art")).annotations
    assert gold.status == "done"
    assert spans(gold) == sorted(AGREED + [(QA, "quote"), ("Officials", "source")])
    assert links(gold) == [(QA, "Police")]  # the allegation (settled by hand) is not there to link
    listing = show(project.store.path("gold", "art"))
    assert '"the detainees were beaten"' in listing and "-> attributed_to" in listing
    assert [p.name for p in project.store.files("gold")] == ["art.json"]  # the decisions file is hidden
    assert review_path(project, "gold", "art").exists()


def test_an_existing_gold_is_taken_as_it_is(project):
    review, _ = open_review(project, "alice", "bob", "art")
    police = review.gold.find_span(0, 6, "source")
    review.gold.delete_span(police.id)  # the reviewer disagrees with both annotators
    save_review(project, review)
    again, _ = open_review(project, "alice", "bob", "art")
    assert spans(again.gold) == [("HRW", "source")]


def test_the_gold_never_overwrites_an_annotator(project):
    with pytest.raises(UserError, match="must not be saved as annotator 'alice'"):
        open_review(project, "alice", "bob", "art", into="alice")


def test_reviewing_one_annotator_against_itself_has_nothing_to_settle(project):
    doc = project.corpus.get("art")
    a = build(doc, project.schema, A_ITEMS, A_LINKS)
    review = Review(a, build(doc, project.schema, A_ITEMS, A_LINKS))
    assert len(review) == 0 and review.done
    assert spans(review.gold) == spans(a) and links(review.gold) == links(a)
