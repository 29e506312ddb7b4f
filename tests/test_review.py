"""`reader review A B`: settle every kind of disagreement by its key, hand edits, undo, quit and resume,
several documents, what the article marks, the command line, and `reader export --gold` afterwards.

Keys are looked up by binding id in the app's effective keymap (as in test_workflow), and every check
reads the gold file and the decisions file from disk: what a reviewer would find after quitting.
"""

from __future__ import annotations

import json

import pytest

from reader.commands.cli import main
from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.review.adjudication import review_path
from reader.review.session import ReviewSession, merged_view
from reader.tui.article import ArticleView
from reader.tui.dialogs import ChoiceDialog
from reader.tui.help import HelpScreen
from reader.tui.review_app import ReviewApp, create_review_app
from tests.conftest import annotations_by_text, make_project

KEYMAPS = ["default", "vim", "emacs"]
SIZE = (100, 30)

TEXT = (
    'Police said "the detainees were beaten" on Tuesday. HRW alleged torture in Almaty. '
    "Officials denied it."
)
QA, QB = "the detainees were beaten", '"the detainees were beaten"'
A_ITEMS = [("Police", "source"), (QA, "quote"), ("HRW", "source"), ("torture in Almaty", "allegation"), ("Officials", "source")]
A_LINKS = [(QA, "Police"), ("torture in Almaty", "HRW")]
B_ITEMS = [("Police", "source"), (QB, "quote"), ("HRW", "source"), ("torture in Almaty", "claim"), ("denied it", "claim")]
B_LINKS = [(QB, "Police")]
AGREED = [("HRW", "source"), ("Police", "source")]
SECOND = "Minister said the report was false. Reporters saw it."


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


build = annotations_by_text


@pytest.fixture
def project(tmp_path):
    """alice and bob on one article: a boundary, a label, an only-A, an only-B and two link disagreements."""
    project = make_project(tmp_path / "p", {"art": TEXT})
    doc = project.corpus.get("art")
    project.store.save("alice", build(doc, project.schema, A_ITEMS, A_LINKS))
    project.store.save("bob", build(doc, project.schema, B_ITEMS, B_LINKS))
    return project


@pytest.fixture
def two_docs(tmp_path):
    project = make_project(tmp_path / "two", {"art": TEXT, "second": SECOND})
    for name, items in (("alice", [("Minister", "source"), ("the report was false", "claim")]),
                        ("bob", [("Minister", "source"), ("Reporters", "source")])):
        doc = project.corpus.get("second")
        project.store.save(name, build(doc, project.schema, items))
    doc = project.corpus.get("art")
    project.store.save("alice", build(doc, project.schema, A_ITEMS, A_LINKS))
    project.store.save("bob", build(doc, project.schema, B_ITEMS, B_LINKS))
    return project


def key(app: ReviewApp, binding_id: str) -> str:
    return app.keymap.keys[binding_id].split(",")[0].strip()


async def press(pilot, app: ReviewApp, *ids: str) -> None:
    for ident in ids:
        await pilot.press(key(app, ident))
    await pilot.pause()


def gold_file(project, doc_id="art", into="gold") -> dict:
    return json.loads(project.store.path(into, doc_id).read_text("utf-8"))


def saved(app: ReviewApp, doc_id="art") -> tuple[dict, dict]:
    """The gold file and the decisions file as they are on disk once the last save is done."""
    if app.session.saver is not None:
        assert app.session.saver.flush(10)
    into = app.session.into
    decisions = json.loads(review_path(app.project, into, doc_id).read_text("utf-8"))
    return gold_file(app.project, doc_id, into), decisions


def spans(data: dict) -> list[tuple[str, str]]:
    return sorted((s["text"], s["label"]) for s in data["spans"].values())


def links(data: dict) -> list[tuple[str, str]]:
    by_id = {s["id"]: s["text"] for s in data["spans"].values()}
    return sorted((by_id[r["head"]], by_id[r["tail"]]) for r in data["relations"].values())


def current_kind(app: ReviewApp) -> str:
    return app.session.review.disagreements[app.screen.current].kind


async def go_to(pilot, app: ReviewApp, kind: str, nth: int = 0) -> None:
    """Step with the review's own key until the nth disagreement of `kind` (in text order) is current."""
    review = app.session.review
    target = [i for i, d in enumerate(review.disagreements) if d.kind == kind][nth]
    for _ in range(len(review)):
        if app.screen.current == target:
            return
        await press(pilot, app, "review.next_any")
    assert app.screen.current == target


def panel_text(app: ReviewApp) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query("ReviewPanel Static").results(Static))


# --------------------------------------------------------------------------- each kind, each key


@pytest.mark.parametrize(
    "kind, ident, added, decision",
    [
        ("boundary", "review.take_a", [(QA, "quote")], "a"),
        ("boundary", "review.take_b", [(QB, "quote")], "b"),
        ("boundary", "review.take_both", [(QA, "quote"), (QB, "quote")], "both"),
        ("boundary", "review.take_neither", [], "neither"),
        ("label", "review.take_a", [("torture in Almaty", "allegation")], "a"),
        ("label", "review.take_b", [("torture in Almaty", "claim")], "b"),
        ("label", "review.take_both", [("torture in Almaty", "allegation"), ("torture in Almaty", "claim")], "both"),
        ("label", "review.take_neither", [], "neither"),
        ("only_a", "review.take_a", [("Officials", "source")], "a"),
        ("only_a", "review.take_both", [("Officials", "source")], "both"),
        ("only_a", "review.take_b", [], "b"),  # B's side is nothing: taking it drops A's span
        ("only_a", "review.take_neither", [], "neither"),
        ("only_b", "review.take_b", [("denied it", "claim")], "b"),
        ("only_b", "review.take_both", [("denied it", "claim")], "both"),
        ("only_b", "review.take_a", [], "a"),
        ("only_b", "review.take_neither", [], "neither"),
    ],
)
async def test_a_key_settles_a_span_disagreement_into_the_gold_file(project, kind, ident, added, decision):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, kind)
        await press(pilot, app, ident)
        gold, record = saved(app)
        assert spans(gold) == sorted(AGREED + added)
        assert list(record["decisions"].values()) == [decision]
        assert record["settled"] == 1 and gold["meta"]["1"]["status"] == "in-progress"
        assert "Settled 1/6 here" in panel_text(app)


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_links_wait_for_their_ends_then_each_key_settles_them(project, keymap):
    app = create_review_app(project, "alice", "bob", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "link")  # quote -> Police; the two quotes differ by their boundary
        await press(pilot, app, "review.take_a")
        gold, record = saved(app)
        assert links(gold) == [] and record["decisions"] == {}  # refused: the quote is not in the gold yet
        assert "into the gold first" in panel_text(app)
        await go_to(pilot, app, "boundary")
        await press(pilot, app, "review.take_both")
        for ident, expected in [
            ("review.take_a", [(QA, "Police")]),
            ("review.take_b", [(QB, "Police")]),
            ("review.take_both", [(QA, "Police"), (QB, "Police")]),
            ("review.take_neither", []),
        ]:
            await go_to(pilot, app, "link")
            await press(pilot, app, ident)
            assert links(saved(app)[0]) == sorted(expected), ident
        await go_to(pilot, app, "label")
        await press(pilot, app, "review.take_a")  # the allegation, so alice's link to HRW can be taken
        await go_to(pilot, app, "link", 1)
        await press(pilot, app, "review.take_a")
        assert ("torture in Almaty", "HRW") in links(saved(app)[0])


# --------------------------------------------------------------------------- hand edits and undo


async def test_edit_by_hand_labels_the_selection_and_undo_takes_it_back(project):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "only_b")  # bob's claim "denied it"; the reviewer wants the whole sentence
        at = TEXT.index("Officials denied it")
        app.screen.query_one(ArticleView).select(at, at + len("Officials denied it"))
        await press(pilot, app, "review.edit")
        assert isinstance(app.screen, ChoiceDialog)
        values = [c.value for c in app.screen.choices]
        assert values[0] == "add:claim" and "keep" in values
        await press(pilot, app, "dialog.choose")
        gold, record = saved(app)
        assert ("Officials denied it", "claim") in spans(gold)
        assert list(record["decisions"].values()) == ["edit"]
        await press(pilot, app, "review.undo")
        gold, record = saved(app)
        assert spans(gold) == AGREED and record["decisions"] == {}


async def test_edit_by_hand_deletes_a_gold_span(project):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "boundary")
        await press(pilot, app, "review.take_b")
        await go_to(pilot, app, "boundary")
        await press(pilot, app, "review.edit")
        choice = next(c.value for c in app.screen.choices if c.value.startswith("delete:"))
        app.screen.query_one("Choices").highlighted = [c.value for c in app.screen.choices].index(choice)
        await press(pilot, app, "dialog.choose")
        gold, record = saved(app)
        assert spans(gold) == AGREED
        assert list(record["decisions"].values()) == ["edit"]


async def test_edit_by_hand_links_a_claim_to_another_source(project):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "label")
        await press(pilot, app, "review.take_a")  # the allegation is in the gold
        await go_to(pilot, app, "link", 1)  # alice linked it to HRW; the reviewer says Police
        await press(pilot, app, "review.edit")
        values = [c.value for c in app.screen.choices]
        police = next(c.value for c in app.screen.choices if c.value.startswith("link:") and "Police" in str(c.prompt))
        app.screen.query_one("Choices").highlighted = values.index(police)
        await press(pilot, app, "dialog.choose")
        gold, record = saved(app)
        assert links(gold) == [("torture in Almaty", "Police")]
        assert sorted(record["decisions"].values()) == ["a", "edit"]


async def test_undo_walks_back_decisions_in_order(project):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "only_a")
        await press(pilot, app, "review.take_a")
        await go_to(pilot, app, "only_b")
        await press(pilot, app, "review.take_b")
        await press(pilot, app, "review.undo")
        assert spans(saved(app)[0]) == sorted(AGREED + [("Officials", "source")])
        await press(pilot, app, "review.undo")
        assert spans(saved(app)[0]) == AGREED
        await press(pilot, app, "review.undo")  # nothing left: nothing changes
        assert saved(app)[1]["decisions"] == {}


# --------------------------------------------------------------------------- quit, resume, finish


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_quit_midway_resume_at_the_next_unsettled_and_finish(project, keymap):
    app = create_review_app(project, "alice", "bob", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        assert current_kind(app) == "boundary"  # the first, in text order
        await press(pilot, app, "review.take_a")  # then the cursor moves on to the next unsettled
        await go_to(pilot, app, "only_b")
        await press(pilot, app, "review.take_neither")  # leaves nothing in the gold: only the record says
        await press(pilot, app, "app.quit")
    gold = gold_file(project)
    assert spans(gold) == sorted(AGREED + [(QA, "quote")]) and gold["meta"]["1"]["status"] == "in-progress"

    again = create_review_app(project, "alice", "bob", keymap=keymap)
    async with again.run_test(size=SIZE) as pilot:
        review = again.session.review
        assert review.settled == 2
        assert again.screen.current == review.next_unsettled()
        assert "Settled 2/6 here" in panel_text(again)
        view = again.screen.query_one(ArticleView)
        assert view.cursor == review.disagreements[again.screen.current].start
        for _ in range(8):  # settle what is left: take A where it can be taken, else neither
            i = again.screen.current
            ident = "review.take_a" if review.choice(i) is None and review.blocked(i, "a") is None else "review.take_neither"
            await press(pilot, again, ident)
            if review.done:
                break
        assert review.done
        await press(pilot, again, "app.quit")
    gold = gold_file(project)
    assert gold["meta"]["1"]["status"] == "done"
    assert spans(gold) == sorted(AGREED + [(QA, "quote"), ("torture in Almaty", "allegation"), ("Officials", "source")])
    assert links(gold) == [(QA, "Police"), ("torture in Almaty", "HRW")]
    record = json.loads(review_path(project, "gold", "art").read_text("utf-8"))
    assert record["settled"] == record["disagreements"] == 6


async def test_each_decision_moves_on_to_the_next_unsettled_until_all_are(project):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        order = []
        for _ in range(6):
            order.append(app.screen.current)
            await press(pilot, app, "review.take_neither")
        assert sorted(order) == list(range(6))
        assert app.session.review.done
        before = app.screen.current
        await press(pilot, app, "review.next")
        assert app.screen.current == before
        assert "Every disagreement is settled" in panel_text(app)
        assert saved(app)[0]["meta"]["1"]["status"] == "done"


async def test_a_second_reviewer_of_the_same_gold_is_read_only(project):
    first = create_review_app(project, "alice", "bob")
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, first, "review.take_a")
        before = saved(first)
        second = create_review_app(project, "alice", "bob")
        async with second.run_test(size=SIZE) as pilot2:
            assert second.session.readonly
            assert "READ-ONLY" in str(second.screen.query_one("ReviewHeader").render())
            await press(pilot2, second, "review.take_neither")
            assert second.session.review.settled == 1  # the refused decision changed nothing
        assert saved(first) == before


def test_a_failed_save_is_reported_retried_and_never_lost(project, monkeypatch):
    import reader.review.session as rs

    real, calls, reports = rs.save_review, [], []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first save after a decision fails once
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(rs, "save_review", flaky)
    session = ReviewSession(project, "alice", "bob", report_save=reports.append)
    session.open("art")
    assert session.saver.flush(10)
    i = next(i for i, d in enumerate(session.review.disagreements) if d.kind == "only_a")
    session.settle(i, "a")
    assert session.saver.flush(10)
    assert reports == ["save failed, retrying: disk full", None]
    assert session.leave()
    assert ("Officials", "source") in spans(gold_file(project))


# --------------------------------------------------------------------------- several documents


async def test_documents_progress_across_them_and_resume_in_the_one_left(two_docs):
    app = create_review_app(two_docs, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.doc_id == "art"
        assert "0/8 in 2 document(s)" in panel_text(app)
        await press(pilot, app, "review.next_doc")
        assert app.session.doc_id == "second"
        await press(pilot, app, "review.take_a", "review.take_b")
        assert "Settled 2/2 here · 2/8 in 2 document(s)" in panel_text(app)
        gold, _ = saved(app, "second")
        assert spans(gold) == [("Minister", "source"), ("Reporters", "source"), ("the report was false", "claim")]
        assert gold["meta"]["1"]["status"] == "done"
        await press(pilot, app, "review.previous_doc")
        assert app.session.doc_id == "art"
        await press(pilot, app, "app.quit")
    assert gold_file(two_docs, "art")["meta"]["1"]["status"] == "in-progress"  # opened: agreements saved
    again = create_review_app(two_docs, "alice", "bob")
    async with again.run_test(size=SIZE) as pilot:
        assert again.session.doc_id == "art"  # the first document with something left


async def test_a_document_with_no_disagreement_is_saved_as_gold_when_opened(tmp_path):
    project = make_project(tmp_path / "same", {"art": TEXT})
    doc = project.corpus.get("art")
    for name in ("alice", "bob"):
        project.store.save(name, build(doc, project.schema, A_ITEMS, A_LINKS))
    app = create_review_app(project, "alice", "bob", into="adjudicated")
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.current is None
        assert "No disagreement in this document" in panel_text(app)
        await press(pilot, app, "app.quit")
    gold = gold_file(project, into="adjudicated")
    assert gold["meta"]["1"]["status"] == "done" and len(gold["spans"]) == 5 and len(gold["relations"]) == 2


# --------------------------------------------------------------------------- what is shown


def test_the_article_marks_each_side_of_the_unsettled_disagreements(project):
    from reader.review.adjudication import open_review

    review, _ = open_review(project, "alice", "bob", "art")
    view = merged_view(review)
    marked = sorted((TEXT[s.start : s.end], s.label, view.side.get(s.id, "gold")) for s in view.spans)
    assert marked == sorted([
        ("Police", "source", "gold"), ("HRW", "source", "gold"),
        (QA, "quote", "both"),  # the part both quotes share
        (QA, "quote", "a"), (QB, "quote", "b"),
        ("torture in Almaty", "allegation", "both"), ("torture in Almaty", "claim", "b"),  # one extent, two labels
        ("Officials", "source", "a"), ("denied it", "claim", "b"),
    ])
    review.settle(next(i for i, d in enumerate(review.disagreements) if d.kind == "only_a"), "neither")
    assert "Officials" not in [TEXT[s.start : s.end] for s in merged_view(review).spans]  # dropped: gone


async def test_article_text_is_never_markup_in_the_panel(tmp_path):
    text = "[bold]Police[/bold] said [link=x]so[/link]."
    project = make_project(tmp_path / "mk", {"art": text})
    doc = project.corpus.get("art")
    project.store.save("alice", build(doc, project.schema, [("[link=x]so[/link]", "claim")]))
    project.store.save("bob", build(doc, project.schema, [("[bold]Police[/bold]", "source")]))
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        assert "B source 0-19 “[bold]Police[/bold]”" in panel_text(app)
        await press(pilot, app, "review.next_any")
        assert "A claim 25-42 “[link=x]so[/link]”" in panel_text(app)


async def test_help_lists_the_review_keys_first(project):
    app = create_review_app(project, "alice", "bob", keymap="vim")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, app, "review.help")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.rows[0].binding_id.startswith("review.")
        assert {r.binding_id for r in app.screen.rows} >= {"review.take_a", "review.edit", "review.undo"}


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_review_snapshot(snap_compare, project, theme):
    """The first disagreement (a boundary): the shared part marked both, the quote marks B's only."""
    app = create_review_app(project, "alice", "bob")

    async def run_before(pilot):
        pilot.app.theme = theme
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# --------------------------------------------------------------------------- command line and export


@pytest.mark.parametrize(
    "args, message",
    [
        (["alice", "nobody"], "no annotator 'nobody'"),
        (["alice", "../x"], "annotator '../x' is not allowed"),
        (["alice", "bob", "--into", "alice"], "must not be saved as annotator 'alice'"),
        (["alice", "alice"], "annotators A and B must differ (both are 'alice')"),
        (["alice", "bob", "--into", "carol"], "annotations/carol: annotator 'carol' has annotations"),
        (["alice", "carol"], "share no document"),
        (["alice", "bob", "--keymap", "nano"], "no keymap named 'nano'"),
    ],
)
def test_review_refuses_bad_input_in_one_line(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.setattr(ReviewApp, "run", lambda self, *a, **k: pytest.fail("the review app ran"))
    project = make_project(tmp_path / "cli", {"art": TEXT, "zz": "Other text here."})
    for name, doc_id in (("alice", "art"), ("bob", "art"), ("carol", "zz")):
        project.store.save(name, DocAnnotations(project.corpus.get(doc_id), project.schema))
    assert main(["--project", str(project.path), "review", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


async def test_export_gold_writes_what_the_review_decided(project, tmp_path, capsys):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "only_a")
        await press(pilot, app, "review.take_a", "app.quit")
    out = tmp_path / "out"
    assert main(["--project", str(project.path), "export", "--format", "jsonl", "--gold", "--out", str(out)]) == 0
    [record] = [json.loads(line) for line in (out / "data.jsonl").read_text("utf-8").splitlines()]
    assert record["annotator"] == "gold"
    assert sorted((s["text"], s["label"]) for s in record["spans"]) == sorted(AGREED + [("Officials", "source")])


# --------------------------------------------------------------------------- unreadable files


def spoil(project, annotator, doc_id):
    project.store.path(annotator, doc_id).write_text("{not json", "utf-8")


def test_an_unreadable_next_document_leaves_the_open_one_open_and_saving(two_docs):
    session = ReviewSession(two_docs, "alice", "bob")
    session.open("art")
    spoil(two_docs, "bob", "second")
    with pytest.raises(UserError, match="second.json"):
        session.open("second")
    assert session.doc_id == "art" and not session.readonly
    assert two_docs.store.lock("gold", "art") is None  # still held by this review
    i = next(i for i, d in enumerate(session.review.disagreements) if d.kind == "only_a")
    session.settle(i, "a")
    assert session.leave()
    assert ("Officials", "source") in spans(gold_file(two_docs))


def test_an_unreadable_decisions_file_does_not_keep_the_gold_locked(two_docs):
    session = ReviewSession(two_docs, "alice", "bob")
    session.open("art")
    review_path(two_docs, "gold", "second").write_text("[", "utf-8")
    with pytest.raises(UserError, match="not a review file"):
        session.open("second")
    assert session.doc_id == "art"
    lock = two_docs.store.lock("gold", "second")
    assert lock is not None  # not left behind by the failed open
    lock.release()
    assert session.leave()


async def test_the_app_stays_on_its_document_when_the_next_one_is_unreadable(two_docs):
    app = create_review_app(two_docs, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.doc_id == "art"
        spoil(two_docs, "bob", "second")
        await press(pilot, app, "review.next_doc")
        assert app.session.doc_id == "art"
        await go_to(pilot, app, "only_a")
        await press(pilot, app, "review.take_a")  # no "no document open": the review goes on
        assert ("Officials", "source") in spans(saved(app)[0])


def test_the_first_document_is_opened_before_the_app_runs(project, monkeypatch):
    """A file that cannot be opened for the review (here: spoiled between counting and opening) is a
    one-line UserError from the factory, not a traceback from inside the running app."""
    import reader.review.session as rs

    real = rs.open_review

    def spoiled_when_locked(*args, lock=False, **kwargs):
        if lock:
            raise UserError("not valid JSON", project.store.path("bob", "art"), 1)
        return real(*args, lock=lock, **kwargs)

    monkeypatch.setattr(rs, "open_review", spoiled_when_locked)
    with pytest.raises(UserError, match="bob/art.json:1: not valid JSON"):
        create_review_app(project, "alice", "bob")
    monkeypatch.setattr(rs, "open_review", real)
    app = create_review_app(project, "alice", "bob")
    assert app.session.doc_id == "art"  # opened (and locked) before any screen is drawn
    assert app.session.leave()


def test_review_of_an_unreadable_file_is_one_line_from_the_command_line(project, capsys):
    spoil(project, "bob", "art")
    assert main(["--project", str(project.path), "review", "alice", "bob"]) == 2
    err = capsys.readouterr().err
    assert "bob/art.json:1: not valid JSON" in err and err.count("\n") == 1 and "Traceback" not in err


# --------------------------------------------------------------------------- notifications are plain text


def toasts(app: ReviewApp) -> list[str]:
    from textual.widgets._toast import Toast

    return [str(t.render()) for t in app.screen.query(Toast)]


async def test_notifications_show_brackets_literally(tmp_path):
    """File names, ids, document text and error messages are never markup in a notification: a path
    with "[/x]" in it neither crashes the app nor loses text, from the app or from a screen."""
    project = make_project(tmp_path / "p[" / "x]", {"art": TEXT, "second": SECOND})
    for name, items in (("alice", A_ITEMS), ("bob", B_ITEMS)):
        for doc_id in ("art", "second"):
            project.store.save(name, build(project.corpus.get(doc_id), project.schema, items if doc_id == "art" else []))
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        spoil(project, "bob", "second")
        await press(pilot, app, "review.next_doc")  # the screen's notify: the error names the file
        app.notify("quoted [sic] and [/x] [bold]", severity="warning")
        await pilot.pause()
        shown = "\n".join(toasts(app))
        assert f"{project.store.path('bob', 'second')}:1: not valid JSON" in shown
        assert "p[/x]/annotations/bob/second.json" in shown
        assert "quoted [sic] and [/x] [bold]" in shown
        assert app.session.doc_id == "art"
        await press(pilot, app, "review.take_a")
        assert app.session.review.settled == 1  # still running


# --------------------------------------------------------------------------- who is compared, into what


def test_review_into_an_annotator_with_work_of_their_own_is_refused_and_leaves_it(project):
    doc = project.corpus.get("art")
    project.store.save("carol", build(doc, project.schema, [("Officials", "claim")]))
    before = project.store.path("carol", "art").read_bytes()
    with pytest.raises(UserError, match=r"annotations/carol: annotator 'carol' has annotations of their own"):
        create_review_app(project, "alice", "bob", into="carol")
    assert project.store.path("carol", "art").read_bytes() == before
    assert not review_path(project, "carol", "art").exists()


async def test_review_into_a_previous_target_gold_or_an_empty_folder_is_allowed(project):
    app = create_review_app(project, "alice", "bob", into="final")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, app, "review.take_a", "app.quit")
    again = create_review_app(project, "alice", "bob", into="final")  # resuming: its decisions are there
    assert again.session.review.settled == 1 and again.session.leave()
    doc = project.corpus.get("art")
    project.store.save("gold", build(doc, project.schema, AGREED))  # a gold imported, not reviewed yet
    assert create_review_app(project, "alice", "bob").session.leave()
    (project.store.root / "empty").mkdir()
    assert create_review_app(project, "alice", "bob", into="empty").session.leave()


def test_an_annotator_is_not_reviewed_against_itself(project):
    with pytest.raises(UserError, match="annotators A and B must differ"):
        ReviewSession(project, "alice", "alice")


# --------------------------------------------------------------------------- issue 13: what a team notices


LONG = (
    "Officials spoke on Monday. Around 10,000 people were detained after widespread protests in January, "
    "the group said."
)


def test_a_boundary_disagreement_is_shown_aligned_with_the_differing_characters_marked(tmp_path):
    """Two claims cut one character apart look the same when each is cut to a width: the panel draws
    both over the same columns, marks the character only B has, and says so in words."""
    from reader.review.adjudication import open_review
    from reader.tui.review_panel import ReviewPanel

    project = make_project(tmp_path / "long", {"art": LONG})
    doc = project.corpus.get("art")
    claim = "Around 10,000 people were detained after widesp"
    start = LONG.index(claim)
    for name, end in (("alice", start + len(claim)), ("bob", start + len(claim) + 1)):
        ann = DocAnnotations(doc, project.schema)
        ann.add_span(start, end, "claim")
        project.store.save(name, ann)
    review, _ = open_review(project, "alice", "bob", "art")
    panel = ReviewPanel()
    parts = panel._aligned(LONG, [("A", start, start + len(claim)), ("B", start, start + len(claim) + 1)])
    text = "".join(p if isinstance(p, str) else p[0] for p in parts)
    rows = text.splitlines()
    assert rows[0].startswith("A Around") and rows[1].startswith("B Around")
    assert rows[0].rstrip().endswith("after widesp") and rows[1].endswith("after widespr")
    assert len(rows[0]) == len(rows[1])  # the same columns: the missing "r" is a blank
    assert rows[2].index("^") == rows[1].index("widespr") + len("widesp")
    assert "B ends 1 later than A: “r”" in text
    marked = [p[0] for p in parts if isinstance(p, tuple) and p[1] == "reverse bold"]
    assert marked == ["r"]
    view = merged_view(review)  # the article marks the same character: B's span is innermost only there
    [differ] = [s for s in view.spans if s.id in view.differ and view.side[s.id] == "b"]
    shared = next(s for s in view.spans if view.side.get(s.id) == "both")
    assert (shared.start, shared.end) == (start, start + len(claim)) and differ.end == shared.end + 1


async def test_the_article_marks_the_differing_characters(project):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE):
        assert current_kind(app) == "boundary"
        view = app.screen.view
        hook = app.screen.query_one(ArticleView).span_style
        differs = app.screen._marks()["differ"]
        b_side = next(s for s in view.spans if view.side.get(s.id) == "b" and s.id in view.differ)
        shared = next(s for s in view.spans if view.side.get(s.id) == "both" and s.label == "quote")
        assert hook(b_side).reverse == differs.reverse and differs.reverse
        assert not (hook(shared).reverse or False)
        assert "^" in panel_text(app)


def test_a_link_is_queued_after_the_span_of_its_source(tmp_path):
    """The claim comes first in the text, its source later: the link waits behind the source."""
    from reader.review.adjudication import open_review

    text = "Prices will rise, the minister said on Tuesday."
    project = make_project(tmp_path / "order", {"art": text})
    doc = project.corpus.get("art")
    project.store.save("alice", build(doc, project.schema, [("Prices will rise", "claim"), ("the minister", "source")],
                                      [("Prices will rise", "the minister")]))
    project.store.save("bob", build(doc, project.schema, [("Prices will rise", "claim"), ("minister", "source")],
                                    [("Prices will rise", "minister")]))
    review, _ = open_review(project, "alice", "bob", "art")
    kinds = [d.kind for d in review.disagreements]
    assert kinds == ["boundary", "link"]
    assert review.disagreements[1].start < review.disagreements[0].start  # text order would put it first


async def test_a_refused_link_is_offered_again_once_its_end_is_taken(project):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "link")
        link = app.screen.current
        await press(pilot, app, "review.take_a")  # refused: the quote is not in the gold
        assert app.session.review.choice(link) is None
        await go_to(pilot, app, "boundary")
        await press(pilot, app, "review.take_both")
        assert app.screen.current == link  # back, not on to the next
        await press(pilot, app, "review.take_a")
        assert links(saved(app)[0]) == [(QA, "Police")]


async def test_undo_goes_back_to_the_undone_decision(project):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "only_a")
        decided = app.screen.current
        await press(pilot, app, "review.take_a")
        assert app.screen.current != decided
        await press(pilot, app, "review.undo")
        assert app.screen.current == decided and app.session.review.choice(decided) is None


def test_reviewing_into_a_compared_annotator_says_what_to_type(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ReviewApp, "run", lambda self, *a, **k: pytest.fail("the review app ran"))
    project = make_project(tmp_path / "g", {"art": TEXT})
    for name in ("alice", "gold"):  # gold: an imported reference, compared like an annotator
        project.store.save(name, DocAnnotations(project.corpus.get("art"), project.schema))
    assert main(["--project", str(project.path), "review", "alice", "gold"]) == 2
    err = capsys.readouterr().err
    assert "must not be saved as annotator 'gold'" in err and "--into NAME" in err
    assert "'reader review alice gold --into gold2'" in err and err.count("\n") == 1


def test_starting_a_review_does_not_open_every_document(two_docs, monkeypatch):
    """Past COUNTED_AT_START documents the rest are counted in the background: the session exists
    (and its first document opens) while the count is still held up, and the totals come after."""
    import threading

    import reader.review.session as rs

    release = threading.Event()
    real = rs.open_review

    def slow_unlocked(*args, lock=False, **kwargs):
        if not lock and args[3] == "second":
            assert release.wait(10)
        return real(*args, lock=lock, **kwargs)

    monkeypatch.setattr(rs, "COUNTED_AT_START", 1)
    monkeypatch.setattr(rs, "open_review", slow_unlocked)
    session = ReviewSession(two_docs, "alice", "bob")
    try:
        assert session.counting and session.counted == 1
        session.open(session.first_document())
        assert session.progress()[2:] == (0, 6)  # only "art" is counted yet
    finally:
        release.set()
    assert session.wait_counted(10)
    assert session.progress()[2:] == (0, 8) and session.documents_left() == ["art", "second"]
    assert session.leave()


# --------------------------------------------------------------------------- export --gold, unsettled


async def test_export_gold_says_how_many_disagreements_are_unsettled_per_document(project, tmp_path, capsys):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, "only_a")
        await press(pilot, app, "review.take_a", "app.quit")
    out = tmp_path / "out"
    args = ["--project", str(project.path), "export", "--format", "jsonl", "--gold", "--out", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "gold: 5 of 6 disagreements in 1 document are not settled (settle them with 'reader review alice bob')" in err
    assert "gold: art: 5 of 6 disagreements not settled" in err
    card = (out / "README.md").read_text("utf-8")
    assert "- Review: 5 of 6 disagreements in 1 document(s) are not settled yet" in card
    assert "## Not settled" in card and "| art | 5 | 6 | alice, bob |" in card

    strict = tmp_path / "strict"
    assert main(args[:-1] + [str(strict), "--require-settled"]) == 2
    err = capsys.readouterr().err
    assert "--require-settled: gold: 5 of 6 disagreements in 1 document are not settled" in err and "art 5 of 6" in err
    assert err.count("\n") == 1 and not strict.exists()

    assert main(["--project", str(project.path), "export", "--format", "jsonl", "--annotator", "alice",
                 "--out", str(tmp_path / "a"), "--require-settled"]) == 2
    assert "--require-settled is for --gold" in capsys.readouterr().err


async def test_export_gold_of_a_finished_review_has_nothing_unsettled(project, tmp_path, capsys):
    app = create_review_app(project, "alice", "bob")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(6):
            await press(pilot, app, "review.take_neither")
        assert app.session.review.done
        await press(pilot, app, "app.quit")
    out = tmp_path / "out"
    assert main(["--project", str(project.path), "export", "--format", "jsonl", "--gold", "--out", str(out),
                 "--require-settled"]) == 0
    assert "not settled" not in capsys.readouterr().err
    assert "## Not settled" not in (out / "README.md").read_text("utf-8")
