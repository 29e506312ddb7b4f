"""The data model: invariants hold through any sequence of edits, undo and redo (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, InvariantError, trim_extent
from reader.core.schema import default_schema
from reader.files.store import Store

SCHEMA = default_schema()
TEXT = (
    "Kazakh police \u201cbeat detainees\u201d, HRW said.\r\n"
    "Caf\u00e9 owner e\u0301milie told AFP: \U0001F44D\U0001F3FD \u4e2d\u6587 ok.\n\n"
    "\tTabs\tand [bold]markup[/bold] stay.\n"
).replace("\r\n", "\n")
DOC = Document("doc", TEXT)


def check_all(ann: DocAnnotations) -> None:
    assert ann.problems() == []
    for span in ann.spans.values():
        assert 0 <= span.start < span.end <= len(TEXT)
        assert TEXT[span.start : span.end] == span.text
        assert not span.text[0].isspace() and not span.text[-1].isspace()
        assert SCHEMA.label(span.label) is not None
    for rel in ann.relations.values():
        assert rel.head in ann.spans and rel.tail in ann.spans
        assert SCHEMA.relation_allowed(rel.label, ann.spans[rel.head].label, ann.spans[rel.tail].label)


def snapshot(ann: DocAnnotations):
    return dict(ann.spans), dict(ann.relations)


offsets = st.integers(min_value=-2, max_value=len(TEXT) + 2)
labels = st.sampled_from(["claim", "quote", "allegation", "source", "bogus"])


class EditMachine(RuleBasedStateMachine):
    """Random edits, some invalid; every failure must leave the state untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.ann = DocAnnotations(DOC, SCHEMA)
        self.history = [snapshot(self.ann)]  # states reachable by undo
        self.future: list = []
        self.replayed: dict = {}
        self.replayed_version = self.ann.version

    def _try(self, edit) -> None:
        before = snapshot(self.ann)
        try:
            edit()
        except InvariantError:
            assert snapshot(self.ann) == before, "a failed edit changed the annotations"
            return
        self.history.append(snapshot(self.ann))
        self.future.clear()

    def _span_id(self, data) -> str | None:
        ids = sorted(self.ann.spans)
        return data.draw(st.sampled_from(ids)) if ids else "s999"

    @rule(start=offsets, end=offsets, label=labels)
    def add(self, start, end, label):
        self._try(lambda: self.ann.add_span(*trim_extent(TEXT, start, end), label))

    @rule(start=offsets, end=offsets, label=labels)
    def add_untrimmed(self, start, end, label):
        self._try(lambda: self.ann.add_span(start, end, label))

    @rule(data=st.data())
    def delete(self, data):
        sid = self._span_id(data)
        self._try(lambda: self.ann.delete_span(sid))

    @rule(data=st.data(), label=labels)
    def relabel(self, data, label):
        sid = self._span_id(data)
        self._try(lambda: self.ann.relabel(sid, label))

    @rule(data=st.data(), start=offsets, end=offsets)
    def resize(self, data, start, end):
        sid = self._span_id(data)
        self._try(lambda: self.ann.resize(sid, start, end))

    @rule(data=st.data())
    def link(self, data):
        head, tail = self._span_id(data), self._span_id(data)
        self._try(lambda: self.ann.link(head, tail))

    @rule(data=st.data())
    def unlink(self, data):
        ids = sorted(self.ann.relations) or ["r999"]
        rid = data.draw(st.sampled_from(ids))
        self._try(lambda: self.ann.unlink(rid))

    @rule(data=st.data(), value=st.sampled_from(["direct", "partial", "indirect", "wrong", None]))
    def set_attr(self, data, value):
        sid = self._span_id(data)
        self._try(lambda: self.ann.set_attr(sid, "kind", value))

    @rule(data=st.data(), note=st.text(max_size=5))
    def set_note(self, data, note):
        sid = self._span_id(data)
        self._try(lambda: self.ann.set_note(sid, note))

    @precondition(lambda self: len(self.history) > 1)
    @rule()
    def undo(self):
        assert self.ann.undo() is not None
        self.future.append(self.history.pop())
        assert snapshot(self.ann) == self.history[-1]

    @precondition(lambda self: self.future)
    @rule()
    def redo(self):
        assert self.ann.redo() is not None
        self.history.append(self.future.pop())
        assert snapshot(self.ann) == self.history[-1]

    @invariant()
    def invariants_hold(self):
        check_all(self.ann)
        assert self.ann.can_undo == (len(self.history) > 1)

    @invariant()
    def caches_match_a_fresh_computation(self):
        ann = self.ann
        assert ann.sorted_spans() == sorted(ann.spans.values(), key=lambda s: (s.start, -s.end, s.label, s.id))
        counts = {}
        for span in ann.spans.values():
            counts[span.label] = counts.get(span.label, 0) + 1
        assert {k: v for k, v in ann.label_counts().items() if v} == counts
        for span in ann.spans.values():
            found = ann.find_span(span.start, span.end, span.label)
            assert found is not None and (found.start, found.end, found.label) == (span.start, span.end, span.label)
        replay = dict(self.replayed)
        for old, new in ann.span_changes_since(self.replayed_version):
            if old is not None:
                replay.pop(old.id, None)
            if new is not None:
                replay[new.id] = new
        assert replay == ann.spans
        self.replayed, self.replayed_version = dict(ann.spans), ann.version


TestEditSequences = EditMachine.TestCase
TestEditSequences.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(offsets, offsets, labels), max_size=12), st.data())
def test_save_then_load_gives_equal_annotations(tmp_path_factory, edits, data):
    ann = DocAnnotations(DOC, SCHEMA)
    for start, end, label in edits:
        try:
            ann.add_span(*trim_extent(TEXT, start, end), label)
        except InvariantError:
            pass
    ids = sorted(ann.spans)
    for _ in range(data.draw(st.integers(0, 3))):
        if len(ids) >= 2:
            try:
                ann.link(data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids)))
            except InvariantError:
                pass
    store = Store(tmp_path_factory.mktemp("p"), SCHEMA)
    store.save("alice", ann)
    loaded = store.load("alice", DOC)
    assert loaded.report == []
    assert loaded.annotations == ann


def test_failed_edit_says_why_and_changes_nothing():
    ann = DocAnnotations(DOC, SCHEMA)
    with pytest.raises(InvariantError, match="whitespace"):
        ann.add_span(0, TEXT.index("police") + 7, "claim")
    with pytest.raises(InvariantError, match="unknown label"):
        ann.add_span(0, 6, "opinion")
    with pytest.raises(InvariantError, match="outside the text"):
        ann.add_span(5, len(TEXT) + 3, "claim")
    assert len(ann) == 0 and not ann.can_undo


def test_delete_source_takes_its_links_and_undo_brings_both_back():
    ann = DocAnnotations(DOC, SCHEMA)
    quote = ann.add_span(TEXT.index("beat"), TEXT.index("detainees") + 9, "quote")
    hrw = ann.add_span(TEXT.index("HRW"), TEXT.index("HRW") + 3, "source")
    ann.link(quote.id, hrw.id)
    ann.delete_span(hrw.id)
    assert ann.relations == {} and hrw.id not in ann.spans
    ann.undo()
    assert hrw.id in ann.spans and [r.tail for r in ann.relations.values()] == [hrw.id]


def test_relabel_drops_links_and_attributes_the_new_label_cannot_keep():
    ann = DocAnnotations(DOC, SCHEMA)
    quote = ann.add_span(TEXT.index("beat"), TEXT.index("detainees") + 9, "quote", {"kind": "direct"})
    hrw = ann.add_span(TEXT.index("HRW"), TEXT.index("HRW") + 3, "source")
    ann.link(quote.id, hrw.id)
    ann.relabel(hrw.id, "claim")
    assert ann.relations == {}
    ann.relabel(quote.id, "claim")
    assert ann.spans[quote.id].attrs == {}
    ann.undo(), ann.undo()
    assert ann.spans[quote.id].attrs == {"kind": "direct"} and len(ann.relations) == 1


def test_ids_are_never_reused_after_undo():
    ann = DocAnnotations(DOC, SCHEMA)
    first = ann.add_span(0, 6, "claim")
    ann.undo()
    second = ann.add_span(0, 6, "claim")
    assert first.id != second.id


def test_grapheme_offsets_are_code_points():
    ann = DocAnnotations(DOC, SCHEMA)
    thumb = TEXT.index("\U0001F44D")
    span = ann.add_span(thumb, thumb + 2, "claim")
    assert span.text == "\U0001F44D\U0001F3FD"
    cafe = TEXT.index("e\u0301milie")
    assert ann.add_span(cafe, cafe + 7, "source").text == "e\u0301milie"


def test_restoring_a_saved_file_checks_each_record_and_says_what_is_wrong():
    from reader.core.model import Orphan, Relation, Span

    ann = DocAnnotations(DOC, SCHEMA)
    hrw_at = TEXT.index("HRW")
    hrw = Span("s3", hrw_at, hrw_at + 3, "source", "HRW")
    beat = Span("s7", TEXT.index("beat"), TEXT.index("beat") + 4, "claim", "beat")
    assert ann.check_span(hrw) is None
    assert ann.restore_span(hrw) is None and ann.restore_span(beat) is None
    assert ann.restore_span(hrw) == "span id 's3' is used twice"
    wrong = Span("s9", 0, 5, "claim", "Wrong")
    assert ann.check_span(wrong) == ann.restore_span(wrong) == "span s9: text 'Wrong' does not match the document's 'Kazak'"
    assert sorted(ann.spans) == ["s3", "s7"] and not ann.can_undo
    assert ann.restore_relation(Relation("r2", "s7", "s3")) is None
    assert ann.restore_relation(Relation("r4", "s7", "s8")) == "relation r4: span 's8' does not exist"
    assert ann.restore_relation(Relation("r2", "s3", "s7")) is not None  # source -> claim: not in the schema
    ann.keep_aside(Orphan(Relation("r2", "s7", "s99"), "its source is gone"))
    assert ann.restore_relation(Relation("r2", "s7", "s3", "attributed_to")) is None  # id taken: renumbered
    assert sorted(ann.relations) == ["r2", "r3"]
    assert ann.highest_ids() == {"s": 7, "r": 3}
    ann.id_floor = {"s": 40, "r": 12}
    assert ann.add_span(0, 6, "claim").id == "s41" and ann.link("s41", "s3").id == "r13"
    ann.keep_aside(Orphan(Span("s50", 0, 1, "claim", "K"), "gone"))
    assert ann.add_span(7, 13, "claim").id == "s51"
