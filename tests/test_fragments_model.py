"""Discontinuous spans in the model: the fragment invariants hold through any edits, undo and redo."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, InvariantError, Span, join_extents, trim_extent
from reader.core.schema import default_schema

SCHEMA = default_schema()
TEXT = (
    '"We are not a political party," the spokesperson said, "but rather a social approach."\n'
    "Caf\u00e9 owner e\u0301milie told AFP: \U0001F44D\U0001F3FD \u4e2d\u6587 ok, \u201cfine\u201d.\n"
)
DOC = Document("doc", TEXT)
FIRST = (TEXT.index("We"), TEXT.index("party") + 5)
SECOND = (TEXT.index("but"), TEXT.index("approach") + 8)


def check_fragments(ann: DocAnnotations) -> None:
    """What a user relies on: each piece is text of the document, pieces in order and apart."""
    assert ann.problems() == []
    for span in ann.spans.values():
        assert TEXT[span.start : span.end] == span.text
        if not span.fragments:
            assert span.extents == ((span.start, span.end),)
            continue
        assert len(span.fragments) >= 2
        assert span.fragments[0][0] == span.start and span.fragments[-1][1] == span.end
        for (s, e), piece in zip(span.fragments, span.fragment_texts):
            assert s < e and TEXT[s:e] == piece
            assert not piece[0].isspace() and not piece[-1].isspace()
        for (_s, e), (s2, _e2) in zip(span.fragments, span.fragments[1:]):
            assert e < s2, "fragments overlap or touch"
            assert TEXT[e:s2].strip(), "only whitespace between two fragments"
        assert span.joined_text == " … ".join(span.fragment_texts)


def state(ann: DocAnnotations):
    return dict(ann.spans), dict(ann.relations)


offsets = st.integers(min_value=-2, max_value=len(TEXT) + 2)
labels = st.sampled_from(["claim", "quote", "source"])


class FragmentMachine(RuleBasedStateMachine):
    """Random edits with fragments, some invalid; a failed edit changes nothing, undo restores."""

    def __init__(self) -> None:
        super().__init__()
        self.ann = DocAnnotations(DOC, SCHEMA)
        self.history = [state(self.ann)]
        self.future: list = []

    def _try(self, edit) -> None:
        before = state(self.ann)
        try:
            edit()
        except InvariantError:
            assert state(self.ann) == before, "a failed edit changed the annotations"
            return
        self.history.append(state(self.ann))
        self.future.clear()

    def _span_id(self, data) -> str:
        ids = sorted(self.ann.spans)
        return data.draw(st.sampled_from(ids)) if ids else "s999"

    @rule(start=offsets, end=offsets, label=labels)
    def add(self, start, end, label):
        self._try(lambda: self.ann.add_span(*trim_extent(TEXT, start, end), label))

    @rule(pieces=st.lists(st.tuples(offsets, offsets), min_size=2, max_size=4), label=labels)
    def add_in_pieces(self, pieces, label):
        frags = join_extents(TEXT, pieces)
        self._try(lambda: self.ann.add_span(0, 0, label, fragments=frags))

    @rule(pieces=st.lists(st.tuples(offsets, offsets), min_size=2, max_size=3), label=labels)
    def add_raw_pieces(self, pieces, label):  # not normalised: overlapping, unordered, untrimmed
        self._try(lambda: self.ann.add_span(0, 0, label, fragments=pieces))

    @rule(data=st.data(), start=offsets, end=offsets)
    def add_fragment(self, data, start, end):
        sid = self._span_id(data)
        self._try(lambda: self.ann.add_fragment(sid, start, end))

    @rule(data=st.data(), index=st.integers(-1, 4))
    def remove_fragment(self, data, index):
        sid = self._span_id(data)
        self._try(lambda: self.ann.remove_fragment(sid, index))

    @rule(data=st.data(), start=offsets, end=offsets)
    def resize(self, data, start, end):
        sid = self._span_id(data)
        self._try(lambda: self.ann.resize(sid, start, end))

    @rule(data=st.data())
    def link(self, data):
        head, tail = self._span_id(data), self._span_id(data)
        self._try(lambda: self.ann.link(head, tail))

    @rule(data=st.data())
    def delete(self, data):
        sid = self._span_id(data)
        self._try(lambda: self.ann.delete_span(sid))

    @precondition(lambda self: len(self.history) > 1)
    @rule()
    def undo(self):
        assert self.ann.undo() is not None
        self.future.append(self.history.pop())
        assert state(self.ann) == self.history[-1]

    @precondition(lambda self: self.future)
    @rule()
    def redo(self):
        assert self.ann.redo() is not None
        self.history.append(self.future.pop())
        assert state(self.ann) == self.history[-1]

    @invariant()
    def fragments_hold(self):
        check_fragments(self.ann)


TestFragmentEdits = FragmentMachine.TestCase
TestFragmentEdits.settings = settings(max_examples=80, stateful_step_count=30, deadline=None)


@given(st.lists(st.tuples(offsets, offsets), max_size=6))
def test_join_extents_gives_ordered_pieces_apart_by_text(pieces):
    joined = join_extents(TEXT, pieces)
    covered = {i for s, e in pieces for i in range(*trim_extent(TEXT, s, e))}
    assert {i for s, e in joined for i in range(s, e)} >= covered  # nothing selected is lost
    for s, e in joined:
        assert s < e and not TEXT[s].isspace() and not TEXT[e - 1].isspace()
    for (_s, e), (s2, _e) in itertools.pairwise(joined):
        assert e < s2 and TEXT[e:s2].strip()


def test_a_quote_split_by_its_attribution_is_one_span_in_two_pieces():
    ann = DocAnnotations(DOC, SCHEMA)
    quote = ann.add_span(*FIRST, "quote")
    quote = ann.add_fragment(quote.id, *SECOND)
    assert quote.fragments == (FIRST, SECOND)
    assert (quote.start, quote.end) == (FIRST[0], SECOND[1])
    assert quote.text == TEXT[FIRST[0] : SECOND[1]]  # the whole stretch: older readers find it there
    assert quote.fragment_texts == ("We are not a political party", "but rather a social approach")
    assert quote.joined_text == "We are not a political party … but rather a social approach"
    assert quote.length == len("We are not a political party") + len("but rather a social approach")
    said = TEXT.index("the spokesperson")
    assert not quote.overlaps(said, said + 16), "the attribution between the pieces is not the quote's"
    assert quote.overlaps(SECOND[0], SECOND[0] + 1)
    assert len(ann) == 1 and ann.undo() == "add fragment"
    assert ann.spans[quote.id].fragments == () and (ann.spans[quote.id].start, ann.spans[quote.id].end) == FIRST


def test_a_piece_touching_or_overlapping_a_fragment_is_merged_with_it():
    ann = DocAnnotations(DOC, SCHEMA)
    quote = ann.add_span(0, 0, "quote", fragments=[FIRST, SECOND])
    grown = ann.add_fragment(quote.id, SECOND[1] - 3, SECOND[1] + 1)  # over the end of the second, to the "."
    assert grown.fragments == (FIRST, (SECOND[0], SECOND[1] + 1))
    joined = ann.add_fragment(quote.id, FIRST[1], SECOND[0])  # the gap: one piece again
    assert joined.fragments == () and (joined.start, joined.end) == (FIRST[0], SECOND[1] + 1)


def test_removing_a_fragment_leaves_a_span_in_one_piece_and_undo_brings_it_back():
    ann = DocAnnotations(DOC, SCHEMA)
    quote = ann.add_span(0, 0, "quote", fragments=[FIRST, SECOND])
    left = ann.remove_fragment(quote.id, 0)
    assert left.fragments == () and (left.start, left.end, left.text) == (*SECOND, TEXT[slice(*SECOND)])
    with pytest.raises(InvariantError, match="one piece"):
        ann.remove_fragment(quote.id, 0)
    assert ann.undo() == "remove fragment"
    assert ann.spans[quote.id] == quote


def test_fragments_that_break_an_invariant_are_refused_with_the_reason():
    ann = DocAnnotations(DOC, SCHEMA)
    with pytest.raises(InvariantError, match="overlap or are not in text order"):
        ann.add_span(0, 0, "quote", fragments=[(FIRST[0], SECOND[0] + 3), SECOND])
    with pytest.raises(InvariantError, match="whitespace"):
        ann.add_span(0, 0, "quote", fragments=[FIRST, (SECOND[0] - 2, SECOND[1])])
    with pytest.raises(InvariantError, match="nothing but whitespace"):
        word = TEXT.index("not")
        ann.add_span(0, 0, "quote", fragments=[(FIRST[0], word - 1), (word, FIRST[1])])
    with pytest.raises(InvariantError, match="outside the text"):
        ann.add_span(0, 0, "quote", fragments=[FIRST, (len(TEXT) - 2, len(TEXT) + 4)])
    assert len(ann) == 0 and not ann.can_undo
    bad = Span("s1", FIRST[0], SECOND[1], "quote", TEXT[FIRST[0] : SECOND[1]], fragments=((FIRST[0] + 1, FIRST[1]), SECOND))
    assert "do not run from its start to its end" in (ann.restore_span(bad) or "")


def test_resizing_a_span_in_pieces_moves_its_outer_edges():
    ann = DocAnnotations(DOC, SCHEMA)
    quote = ann.add_span(0, 0, "quote", fragments=[FIRST, SECOND])
    wider = ann.resize(quote.id, FIRST[0] - 1, SECOND[1] + 1)  # the quotation marks
    assert wider.fragments == ((FIRST[0] - 1, FIRST[1]), (SECOND[0], SECOND[1] + 1))
    with pytest.raises(InvariantError, match="empty"):
        ann.resize(quote.id, FIRST[1] + 3, SECOND[1])
    assert ann.spans[quote.id] == wider
