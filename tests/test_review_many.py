"""Three annotators: `reader diff A B C` (the pairwise figures, Krippendorff's alpha over all) and
`reader review A B C [--auto-accept K]` (candidates with who made them, majority taken without a
decision), headless and on the screen. Every check reads what a user reads: the figures, the gold
file on disk, the panel."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.commands.cli import main
from reader.core.annotations import DocAnnotations
from reader.review.alignment import Unit
from reader.review.comparison import token_labels, units_of
from reader.review.diff import compare_project
from reader.review.diff_many import compare_many, token_values
from reader.review.many import ManyReview, open_many_review
from reader.review.metrics import Sections, merge_extents, unitizing, unitizing_many
from reader.tui.review_app import create_review_app
from tests.conftest import annotations_by_text, make_project

TEXT = (
    'Police said "the detainees were beaten" on Tuesday. HRW alleged torture in Almaty. '
    "Officials denied it."
)
OTHER = "The minister said the report was false. Critics disagreed, and the minister resigned."
QA, QB = "the detainees were beaten", '"the detainees were beaten"'
NAMES = ["alice", "bob", "carol"]
ITEMS = {
    "alice": [("Police", "source"), (QA, "quote"), ("HRW", "source")],
    "bob": [("Police", "source"), (QB, "quote"), ("HRW", "source"), ("Officials", "source")],
    "carol": [("Police", "source"), (QA, "quote"), ("torture in Almaty", "claim")],
}
LINKS = {"alice": [(QA, "Police")], "bob": [(QB, "Police")], "carol": [(QA, "Police")]}
OTHER_ITEMS = {
    "alice": [("The minister", "source"), ("the report was false", "claim")],
    "bob": [("The minister", "source"), ("the report was false", "allegation")],
    "carol": [("minister", "source"), ("the report was false", "claim"), ("Critics", "source")],
}
SIZE = (100, 34)


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


build = annotations_by_text


@pytest.fixture
def three(tmp_path):
    project = make_project(tmp_path / "p", {"art": TEXT, "other": OTHER, "lonely": "Only two read this."})
    for name in NAMES:
        project.store.save(name, build(project.corpus.get("art"), project.schema, ITEMS[name], LINKS[name]))
        project.store.save(name, build(project.corpus.get("other"), project.schema, OTHER_ITEMS[name]))
    for name in NAMES[:2]:
        project.store.save(name, build(project.corpus.get("lonely"), project.schema, [("Only two", "claim")]))
    return project


def gold_spans(project, doc_id="art", into="gold"):
    data = json.loads(project.store.path(into, doc_id).read_text("utf-8"))
    return sorted((s["text"], s["label"]) for s in data["spans"].values())


# --------------------------------------------------------------------------- reader diff A B C


def test_the_pairwise_figures_equal_each_pair_compared_alone(three):
    """Every cell of the matrix is what `reader diff A B` says of that pair over the same documents."""
    lonely = three.store.path("bob", "lonely")
    lonely.unlink()  # now every document all three have is one each pair has
    many = compare_many(three, NAMES)
    assert many.documents == ["art", "other"]
    assert "lonely: only alice have a file" in many.skipped
    for (a, b), tally in many.pairs.items():
        alone = compare_project(three, a, b)
        assert json.dumps(tally.figures(), sort_keys=True) == json.dumps(alone.figures(), sort_keys=True), (a, b)
    assert len(many.pairs) == 3


def _reliability(project, names, doc_ids):
    rank = {label: i for i, label in enumerate(project.schema.label_names)}
    rows = [[] for _ in names]
    for doc_id in doc_ids:
        doc = project.corpus.get(doc_id)
        for row, name in zip(rows, names):
            units, _ = units_of(project.store.load(name, doc).annotations)
            row.extend(token_labels(doc.text, units, rank))
    return rows


def test_token_alpha_over_all_equals_the_krippendorff_package(three):
    np = pytest.importorskip("numpy")
    krippendorff = pytest.importorskip("krippendorff")
    many = compare_many(three, NAMES)
    rows = _reliability(three, NAMES, many.documents)
    codes: dict[str, int] = {}
    data = np.array([[codes.setdefault(v, len(codes)) for v in row] for row in rows], dtype=float)
    figures = many.figures()
    assert figures["overall"]["token_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    for label in ("source", "claim"):  # per label: is the token in a span of it, yes or no
        binary = np.array([[float(v == label) for v in row] for row in rows])
        assert figures["per_label"][label]["token_alpha"] == pytest.approx(
            krippendorff.alpha(reliability_data=binary, level_of_measurement="nominal")), label


def test_unitizing_alpha_of_two_is_the_pairs_and_of_identical_coders_is_one():
    a, b = merge_extents([(10, 30), (50, 60)]), merge_extents([(12, 30), (70, 80)])
    pair = unitizing(Sections.of(a, 100), Sections.of(b, 100), a, b)
    assert unitizing_many([a, b], 100).alpha() == pytest.approx(pair.alpha())
    assert unitizing_many([a, a, a], 100).alpha() == pytest.approx(1.0)
    assert unitizing_many([a, a, b], 100).alpha() > pair.alpha()  # two of three agree: better than one pair alone


@st.composite
def sides(draw):
    text = draw(st.text(alphabet="ab c.,'", min_size=1, max_size=40))
    n = len(text)
    labels = ["claim", "source"]
    out = []
    for _ in range(3):
        units = []
        for k in range(draw(st.integers(0, 4))):
            s = draw(st.integers(0, n - 1))
            e = draw(st.integers(s + 1, n))
            units.append(Unit(s, e, draw(st.sampled_from(labels)), f"s{k}"))
        out.append(units)
    return text, out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sides())
def test_counting_runs_of_tokens_equals_labelling_each_token(example):
    text, units = example
    rank = {"claim": 0, "source": 1}
    tokens, values, marked = token_values(text, units, rank)
    per_token = list(zip(*(token_labels(text, u, rank) for u in units)))
    assert tokens == len(per_token)
    assert dict(values) == {k: v for k, v in __import__("collections").Counter(per_token).items()}
    for label in ("claim", "source"):
        if label in marked:
            assert sum(marked[label].values()) == tokens


def test_diff_of_three_from_the_command_line(three, capsys):
    assert main(["--project", str(three.path), "diff", *NAMES]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 documents compared by 3 annotators: alice, bob, carol")
    pairs = [line.split() for line in out.splitlines() if line.split()[:2] in (["alice", "bob"], ["alice", "carol"], ["bob", "carol"])]
    assert len(pairs) == 3
    assert "all 3 annotators (Krippendorff's alpha)" in out and "overall" in out
    assert '  2/3 quote 13-38 "the detainees were beaten"  (alice, carol)' in out
    assert '  1/3 quote 12-39 "\\"the detainees were beaten\\""  (bob)' in out
    assert "skipped lonely: only alice, bob have a file" in out
    assert main(["--project", str(three.path), "diff", *NAMES, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["pairs"]) == {"alice/bob", "alice/carol", "bob/carol"}
    assert data["annotators"] == NAMES and data["documents"] == 2
    assert {"token_alpha", "u_alpha"} <= set(data["overall"])
    quote = next(c for c in data["candidates"] if c["kind"] == "boundary" and c["doc"] == "art")
    assert [c["made_by"] for c in quote["candidates"]] == [["alice", "carol"], ["bob"]]


def test_diff_of_three_refuses_bad_names_in_one_line(three, capsys):
    assert main(["--project", str(three.path), "diff", "alice", "bob", "nobody"]) == 2
    assert "no annotator 'nobody'" in capsys.readouterr().err
    assert main(["--project", str(three.path), "diff", "alice", "bob", "alice"]) == 2
    assert "'alice' is named twice" in capsys.readouterr().err


# --------------------------------------------------------------------------- the review, headless


def test_without_auto_accept_only_what_all_made_is_in_the_new_gold(three):
    review, _ = open_many_review(three, NAMES, "art")
    assert sorted((s.text, s.label) for s in review.gold.spans.values()) == [("Police", "source")]
    quote = next(d for d in review.disagreements if d.kind == "boundary")
    assert [review.makers(c) for c in quote.candidates] == [["alice", "carol"], ["bob"]]
    assert review.settled == 0
    kinds = [d.kind for d in review.disagreements]
    assert kinds.index("link") > kinds.index("boundary")  # a link after the spans it needs


def test_auto_accept_takes_what_k_made_and_leaves_the_rest_to_decide(three):
    review, _ = open_many_review(three, NAMES, "art", auto_accept=2)
    assert sorted((s.text, s.label) for s in review.gold.spans.values()) == sorted(
        [("Police", "source"), (QA, "quote"), ("HRW", "source")])
    assert len(review.gold.relations) == 1  # the link two made, its ends being in
    by_kind = {d.kind + str(i): i for i, d in enumerate(review.disagreements)}
    auto = [i for i in range(len(review)) if review.automatic(i)]
    assert [review.disagreements[i].kind for i in auto] == ["boundary", "link", "some"]
    left = [review.disagreements[i] for i in range(len(review)) if review.choice(i) is None]
    assert [(d.kind, [review.makers(c) for c in d.candidates]) for d in left] == [
        ("some", [["carol"]]), ("some", [["bob"]])]
    assert by_kind


def test_settling_candidates_by_number_all_none_and_undo(three):
    review, _ = open_many_review(three, NAMES, "art")
    i = next(i for i, d in enumerate(review.disagreements) if d.kind == "boundary")
    link = next(i for i, d in enumerate(review.disagreements) if d.kind == "link")
    assert "into the gold first" in review.blocked(link, "1")
    review.settle(i, "b")  # the two-annotator keys: b is the second candidate
    assert review.choice(i) == "2" and (QB, "quote") in [(s.text, s.label) for s in review.gold.spans.values()]
    review.settle(i, "all")
    assert review.choice(i) == "all"
    review.settle(link, "1")
    assert review.choice(link) == "1" and len(review.gold.relations) == 1
    review.settle(i, "none")  # dropping the quotes drops the link with them
    assert review.choice(i) == "none" and review.choice(link) is None
    assert review.undo() and review.undone == review.disagreements[i].key and review.choice(i) == "all"
    with pytest.raises(Exception, match="unknown choice '7'"):
        review.settle(i, "7")


def test_a_review_of_three_is_resumed_from_its_file(three):
    from reader.review.adjudication import save_review

    review, _ = open_many_review(three, NAMES, "art", auto_accept=2)
    some = next(i for i, d in enumerate(review.disagreements) if review.choice(i) is None)
    review.settle(some, "none")
    save_review(three, review)
    again, loaded = open_many_review(three, NAMES, "art", auto_accept=2)
    assert loaded.exists and again.settled == review.settled and again.choice(some) == "none"
    record = json.loads((three.store.root / "gold" / ".art.review.json").read_text("utf-8"))
    assert record["annotators"] == NAMES and record["auto_accept"] == 2


def test_auto_accept_out_of_range_and_with_two_annotators_is_refused(three, capsys, monkeypatch):
    from reader.tui.review_app import ReviewApp

    monkeypatch.setattr(ReviewApp, "run", lambda self, *a, **k: pytest.fail("the review app ran"))
    for args, message in [
        (NAMES + ["--auto-accept", "4"], "--auto-accept 4: give a number of annotators from 1 to 3"),
        (NAMES[:2] + ["--auto-accept", "1"], "--auto-accept is for three annotators or more"),
        (NAMES + ["--into", "carol"], "must not be saved as annotator 'carol', one of the 3 compared"),
    ]:
        assert main(["--project", str(three.path), "review", *args]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, args


def test_many_review_needs_one_document(three):
    doc = three.corpus.get("art")
    with pytest.raises(Exception, match="cannot review"):
        ManyReview([DocAnnotations(doc, three.schema), DocAnnotations(three.corpus.get("other"), three.schema)])


# --------------------------------------------------------------------------- the review, on the screen


def key(app, binding_id):
    return app.keymap.keys[binding_id].split(",")[0].strip()


async def press(pilot, app, *ids):
    for ident in ids:
        await pilot.press(key(app, ident))
    await pilot.pause()


def panel_text(app) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query("ReviewPanel Static").results(Static))


async def test_the_screen_shows_who_made_each_candidate_and_the_keys_take_them(three):
    app = create_review_app(three, "alice", "bob", others=["carol"], doc_ids=["art"])
    async with app.run_test(size=SIZE) as pilot:
        review = app.session.review
        assert review.disagreements[app.screen.current].kind == "boundary"
        shown = panel_text(app)
        assert "by alice, carol (2/3)" in shown and "by bob (1/3)" in shown
        assert "Annotators alice, bob, carol" in shown and "1 take 1st" in shown
        assert "^" in shown  # the two quotes aligned, the differing quote marks marked
        await press(pilot, app, "review.take_a")  # the first candidate: alice's and carol's quote
        assert app.session.saver.flush(10)
        assert (QA, "quote") in gold_spans(three)
        assert review.disagreements[app.screen.current].kind == "link"  # its link, now free, comes next
        await press(pilot, app, "review.take_a", "app.quit")
    data = json.loads(three.store.path("gold", "art").read_text("utf-8"))
    assert len(data["relations"]) == 1


async def test_auto_accept_on_the_screen_starts_at_what_is_left(three):
    app = create_review_app(three, "alice", "bob", others=["carol"], doc_ids=["art"], auto_accept=2)
    async with app.run_test(size=SIZE) as pilot:
        review = app.session.review
        current = review.disagreements[app.screen.current]
        assert current.kind == "some" and review.makers(current.candidates[0]) == ["carol"]
        assert "Settled 3/5 here" in panel_text(app) and "auto-accept 2 of 3" in panel_text(app)
        await press(pilot, app, "review.previous_any")  # an accepted one is there to see and change
        assert "made by 2 or more (auto-accept)" in panel_text(app)
        await press(pilot, app, "review.edit")
        values = [c.value for c in app.screen.choices]
        assert values[0] == "take:1"
        await press(pilot, app, "dialog.cancel")
        await press(pilot, app, "app.quit")
    assert gold_spans(three) == sorted([("Police", "source"), (QA, "quote"), ("HRW", "source")])
