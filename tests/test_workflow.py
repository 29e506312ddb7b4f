"""The annotation workflow through the keys of every shipped keymap, checked in the file on disk.

Keys are looked up by binding id in the app's effective keymap, so each test drives the real keys
of `default`, `vim` and `emacs` alike.
"""

from __future__ import annotations

import json

import pytest

from reader.files.keymap import KeymapError
from reader.tui.app import ReaderApp, create_app
from reader.tui.article import ArticleView
from reader.tui.dialogs import ChoiceDialog, TextDialog
from reader.tui.documents import DocumentsScreen
from reader.tui.help import HelpScreen
from tests.conftest import SEED_ID, make_project

KEYMAPS = ["default", "vim", "emacs"]
HEADLINE = "Kazakhstan protesters were tortured after unrest, says Human Rights Watch"
SIZE = (110, 32)


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


def key(app: ReaderApp, binding_id: str) -> str:
    """The first key the effective keymap gives `binding_id`."""
    return app.keymap.keys[binding_id].split(",")[0].strip()


async def press(pilot, app: ReaderApp, *ids: str) -> None:
    for ident in ids:
        await pilot.press(key(app, ident))
    await pilot.pause()


def saved(app: ReaderApp, doc_id: str = SEED_ID) -> dict:
    if app.session.saver is not None:
        assert app.session.saver.flush(10)
    return json.loads(app.project.store.path(app.annotator, doc_id).read_text())


def spans(data: dict) -> list[tuple[str, str]]:
    return sorted((s["label"], s["text"]) for s in data["spans"].values())


def view(app: ReaderApp) -> ArticleView:
    return app.screen.query_one(ArticleView)


async def put_cursor(pilot, app: ReaderApp, phrase: str) -> int:
    at = app.session.annotations.text.index(phrase)
    view(app).move_to(at)
    await pilot.pause()
    return at


async def select(pilot, app: ReaderApp, phrase: str) -> None:
    at = app.session.annotations.text.index(phrase)
    view(app).select(at, at + len(phrase))
    await pilot.pause()


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "proj")


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_label_key_marks_the_sentence_under_the_cursor(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, app, "label.2", "dialog.cancel")  # the source picker opens: no source
        assert spans(saved(app)) == [("quote", HEADLINE)]
        await put_cursor(pilot, app, "Dozens of protesters")
        await press(pilot, app, "article.select_sentence", "label.1", "dialog.cancel")
        data = saved(app)
        assert ("claim", "Dozens of protesters in Kazakhstan were beaten and tortured by the authorities after "
                "last month's unrest, according to Human Rights Watch (HRW).") in spans(data)
        assert data["meta"]["1"]["status"] == "in-progress"


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_selection_by_keys_then_label(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app, "Human Rights Watch\n")
        await press(pilot, app, "article.toggle_selection", "article.word_next", "article.word_next", "article.word_next")
        await press(pilot, app, "article.left", "label.4")
        assert spans(saved(app)) == [("source", "Human Rights Watch")]


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_link_a_quote_to_the_nearest_source_and_unlink(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "HRW")  # the first HRW, far from the quote
        await press(pilot, app, "label.4")
        text = app.session.annotations.text
        second = text.index("HRW said")
        view(app).select(second, second + 3)
        await press(pilot, app, "label.4")
        await select(pilot, app, "Police ... subjected some detainees to ill-treatment and torture")
        await press(pilot, app, "label.2", "dialog.cancel")
        await press(pilot, app, "span.link")
        assert isinstance(app.screen, ChoiceDialog)
        await press(pilot, app, "dialog.choose")  # the nearest source comes first
        data = saved(app)
        [rel] = data["relations"].values()
        by_id = {s["id"]: s for s in data["spans"].values()}
        assert by_id[rel["head"]]["label"] == "quote" and by_id[rel["tail"]]["start"] == second
        await press(pilot, app, "span.link", "dialog.choose")  # choosing the linked one unlinks
        assert saved(app)["relations"] == {}


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_pick_a_new_source_in_the_text(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "They beat me on my chest")
        await press(pilot, app, "label.2", "dialog.cancel", "span.link")
        await press(pilot, app, "dialog.choose")  # the first choice: pick in the text
        await select(pilot, app, "Asset Abichev")
        await press(pilot, app, "pick.confirm")
        data = saved(app)
        assert spans(data) == [("quote", "They beat me on my chest"), ("source", "Asset Abichev")]
        assert len(data["relations"]) == 1
        await press(pilot, app, "app.undo")  # making and linking the source is one step
        assert spans(saved(app)) == [("quote", "They beat me on my chest")]


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_delete_a_source_asks_about_its_links_and_undo_redo(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "Asset Abichev")
        await press(pilot, app, "label.4")
        await select(pilot, app, "They beat me on my chest")
        await press(pilot, app, "label.2", "dialog.cancel", "span.link", "dialog.choose")
        await put_cursor(pilot, app, "Abichev told")
        await press(pilot, app, "span.delete")
        assert isinstance(app.screen, ChoiceDialog)
        await press(pilot, app, "dialog.choose")
        data = saved(app)
        assert spans(data) == [("quote", "They beat me on my chest")] and data["relations"] == {}
        await press(pilot, app, "app.undo")
        data = saved(app)
        assert len(data["spans"]) == 2 and len(data["relations"]) == 1
        await press(pilot, app, "app.redo")
        assert saved(app)["relations"] == {}


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_relabel_resize_note_and_attribute(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "beat me on my")
        await press(pilot, app, "label.1", "dialog.cancel")
        await put_cursor(pilot, app, "beat me on my")
        await press(pilot, app, "span.relabel")
        assert isinstance(app.screen, ChoiceDialog)
        await press(pilot, app, "dialog.choose")  # first other label: quote
        assert spans(saved(app)) == [("quote", "beat me on my")]
        await press(pilot, app, "span.grow_start", "span.grow_end")
        assert spans(saved(app)) == [("quote", "They beat me on my chest")]
        await press(pilot, app, "span.shrink_end", "span.shrink_start")
        assert spans(saved(app)) == [("quote", "beat me on my")]
        await press(pilot, app, "span.attribute", "dialog.choose")  # kind: direct
        await press(pilot, app, "span.note")
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*"partial quote")
        await press(pilot, app, "input.submit")
        [span] = saved(app)["spans"].values()
        assert span["attrs"] == {"kind": "direct"} and span["note"] == "partial quote"


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_search_and_next_span(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, app, "search.find")
        await pilot.press(*"police")
        await press(pilot, app, "input.submit")
        text = app.session.annotations.text
        at = text.lower().index("police")
        assert view(app).selection == (at, at + len("police"))
        await press(pilot, app, "search.next")
        assert view(app).selection[0] == text.lower().index("police", at + 1)
        await press(pilot, app, "label.1", "dialog.cancel")
        await press(pilot, app, "article.start", "span.next")
        assert view(app).cursor == text.lower().index("police", at + 1)


async def two_document_project(tmp_path):
    return make_project(tmp_path / "two", {"a-first": "First story.\n\nPolice said so.\n", "b-second": "Second story here.\n"})


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_documents_next_done_list_and_cursor_restored(tmp_path, keymap):
    project = await two_document_project(tmp_path)
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, app, "label.1", "dialog.cancel", "doc.done")
        await press(pilot, app, "doc.next")
        assert app.session.doc_id == "b-second"
        await put_cursor(pilot, app, "here")
        await press(pilot, app, "doc.list")
        assert isinstance(app.screen, DocumentsScreen)
        rows = {r.doc_id: r.status for r in app.screen.rows}
        assert rows == {"a-first": "done", "b-second": "todo"}
        await press(pilot, app, "documents.close")
        await press(pilot, app, "app.quit")
    assert saved(app, "a-first")["meta"]["1"]["status"] == "done"
    again = create_app(project, "tester", ["b-second"], keymap=keymap)
    async with again.run_test(size=SIZE) as pilot:
        assert view(again).cursor == len("Second story ")
        await press(pilot, again, "doc.previous")
        assert again.session.doc_id == "a-first"


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_tab_to_span_list_and_choose_a_span(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "Asset Abichev")
        await press(pilot, app, "label.4", "article.start", "app.switch_pane")
        assert not view(app).has_focus
        await press(pilot, app, "spans.choose")
        assert view(app).has_focus
        at = app.session.annotations.text.index("Asset Abichev")
        assert view(app).selection == (at, at + len("Asset Abichev"))


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_help_lists_the_keys_of_the_active_keymap(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, app, "app.help")
        assert isinstance(app.screen, HelpScreen)
        rows = {r.binding_id: r.keys for r in app.screen.rows}
        expected = app.get_key_display(type(app.BINDINGS[0])(key(app, "article.left"), ""))
        assert rows["article.left"].split(", ")[0] == expected
        labelled = {f"label.{label.key}" for label in app.project.schema.labels}
        assert set(app.keymap.keys) - set(rows) == {f"label.{n}" for n in range(1, 10)} - labelled
        descriptions = {r.binding_id: r.description for r in app.screen.rows}
        assert descriptions["label.2"].startswith("Mark as quote")


async def test_command_palette_offers_the_annotation_actions(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Link the span under the cursor to a source", "Undo the last edit", "Search the article"} <= titles
        labels = sorted(t for t in titles if t.startswith("Label as "))  # one a label, by name; 5-9 have none
        assert [t.split(" (")[0] for t in labels] == ["Label as allegation", "Label as claim", "Label as quote", "Label as source"]
        assert not any("key is 5" in t or "key is 9" in t for t in titles)


async def test_user_keymap_file_overrides_some_ids(project, tmp_path, monkeypatch):
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "keymap.yaml").write_text("span.link: k\n")
    monkeypatch.setenv("READER_CONFIG_DIR", str(config))
    app = create_app(project, "tester")
    assert app.keymap.keys["span.link"] == "k"
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "They beat me")
        await pilot.press("2", "escape", "k")  # escape: the picker that opens after a label
        assert isinstance(app.screen, ChoiceDialog)


def test_a_bad_keymap_is_refused_before_the_app_starts(project, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("article.left: h\nlabel.nope: z\n")
    with pytest.raises(KeymapError, match=r"bad.yaml:2: unknown binding id 'label.nope'"):
        create_app(project, "tester", keymap=str(bad))


async def test_second_app_on_the_same_document_is_read_only(project):
    first = create_app(project, "tester")
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, first, "label.2")
        second = create_app(project, "tester")
        async with second.run_test(size=SIZE) as pilot2:
            assert second.session.readonly
            await pilot2.press("1")
            assert len(second.session.annotations.spans) == 1  # the refused edit changed nothing
        assert spans(saved(first)) == [("quote", HEADLINE)]


def test_default_keymap_file_lists_every_binding_with_its_own_keys():
    from reader.files.keymap import KEYMAP_DIR, read_keymap_file
    from reader.tui.catalog import known_ids

    known = known_ids()
    listed = read_keymap_file(KEYMAP_DIR / "default.yaml", known)
    assert {ident: keys for ident, (keys, _line) in listed.items()} == known


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_escape_clears_the_selection_and_cancels_picking(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "They beat me")
        await press(pilot, app, "article.clear_selection")
        assert view(app).selection is None
        await select(pilot, app, "They beat me")
        await press(pilot, app, "label.2", "dialog.cancel", "span.link", "dialog.choose")
        assert app.screen.picking_for is not None
        await press(pilot, app, "pick.cancel")
        assert app.screen.picking_for is None
        await select(pilot, app, "Asset Abichev")
        await press(pilot, app, "pick.cancel")  # not picking: escape is the article's again
        assert view(app).selection is None and saved(app)["relations"] == {}


async def test_the_new_user_scenario_s_2_quit(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "2", "ctrl+q")
    data = json.loads(project.store.path("tester", SEED_ID).read_text())
    assert spans(data) == [("quote", HEADLINE)]


async def test_quitting_despite_a_failing_save_keeps_the_edits_in_the_journal(project, monkeypatch):
    from reader.files.annotation_file import StoreError

    app = create_app(project, "tester")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("s", "4")
        store = app.session.saver.store

        def failing(*_a, **_k):
            raise StoreError("disk full", store.path("tester", SEED_ID))

        monkeypatch.setattr(store, "save", failing)
        await pilot.press("G", "s", "1", "escape")  # a second span, the claim of the last sentence
        await pilot.press("ctrl+q")
        messages = [n.message for n in app._notifications]
        assert any("kept in its journal" in m for m in messages), messages
        assert app.is_running  # the first ctrl+q only warns
        await pilot.press("ctrl+q")
    monkeypatch.undo()
    reopened = project.store.load("tester", project.corpus.get(SEED_ID)).annotations
    assert sorted(s.label for s in reopened.spans.values()) == ["claim", "source"]


def suggested_project(root):
    from reader.core.annotations import DocAnnotations
    from reader.suggest.rules import suggest_into

    project = make_project(root)
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    suggest_into(ann)
    project.store.save("tester", ann)
    return project, len(ann.suggested_spans)


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_suggestions_accept_reject_accept_all_and_undo(tmp_path, keymap):
    from reader.suggest.pending import pending_spans

    project, count = suggested_project(tmp_path / "s")
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        assert len(view(app).ghost_spans) == count > 5
        text = app.session.annotations.text
        await put_cursor(pilot, app, "Police ... subjected")
        await press(pilot, app, "article.start", "suggest.next")
        first = next(g for g in view(app).ghost_spans if g.start > 0)
        assert view(app).cursor == first.start
        await put_cursor(pilot, app, "subjected some detainees")
        await press(pilot, app, "suggest.accept")
        data = saved(app)
        labels = spans(data)
        assert ("quote", "Police ... subjected some detainees to ill-treatment and torture, including with electric "
                "shocks and beatings with batons,") in labels
        assert ("source", "HRW") in labels and len(data["relations"]) == 1  # accepted with its source, linked
        assert len(data["suggested_spans"]) == count - 2
        await put_cursor(pilot, app, "They beat me")
        await press(pilot, app, "suggest.reject")
        assert len(saved(app)["suggested_spans"]) == count - 3
        await press(pilot, app, "app.undo")
        assert len(saved(app)["suggested_spans"]) == count - 2
        await press(pilot, app, "suggest.accept_all")
        data = saved(app)
        assert len(data["spans"]) == count and not pending_spans(app.session.annotations)
        await press(pilot, app, "app.undo")
        assert len(saved(app)["spans"]) == 2
        assert text == app.session.annotations.text


async def test_messages_are_never_read_as_markup(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, app, "search.find")
        await pilot.press(*"[/x] [sic]")
        await press(pilot, app, "input.submit")  # "Not found: [/x] [sic]" must not crash the app
        assert [n.message for n in app._notifications] == ["Not found: [/x] [sic]"]


async def test_an_unreadable_file_of_the_next_document_keeps_the_current_one_open(tmp_path):
    project = await two_document_project(tmp_path)
    bad = project.store.path("tester", "b-second")
    bad.parent.mkdir(parents=True)
    bad.write_text("{")
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, app, "doc.next")
        assert app.session.doc_id == "a-first"
        assert any("b-second.json:1: not valid JSON" in n.message for n in app._notifications)
        await press(pilot, app, "label.1")  # still working on the first document
        assert len(saved(app, "a-first")["spans"]) == 1


def test_an_unreadable_first_document_is_a_one_line_error(tmp_path, capsys):
    from reader.commands.cli import main

    project = make_project(tmp_path / "p")
    bad = project.store.path("tester", SEED_ID)
    bad.parent.mkdir(parents=True)
    bad.write_text("{")
    assert main(["--project", str(project.path), "annotate", "--annotator", "tester"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"reader: {bad}:1: not valid JSON") and len(err.splitlines()) == 1


# --------------------------------------------------------------------------- the session, headless


def test_a_save_that_keeps_failing_keeps_the_session_on_its_document(tmp_path, monkeypatch):
    from reader.annotate.session import Session
    from reader.core.errors import UserError

    project = make_project(tmp_path / "two", {"a-first": "First story.\n", "b-second": "Second story here.\n"})
    session = Session(project, "tester")
    session.open("a-first")
    real = project.store.save

    def full(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(project.store, "save", full)
    session.annotations.add_span(0, 5, "claim")
    session.edited()
    with pytest.raises(UserError, match=r"could not save a-first; staying on it \(disk full\)"):
        session.open("b-second", timeout=0.5)
    assert session.doc_id == "a-first" and not session.readonly
    lock = project.store.lock("tester", "b-second")
    assert lock is not None  # the next document's lock was given back
    lock.release()
    monkeypatch.setattr(project.store, "save", real)
    assert session.leave()
    assert [s["text"] for s in json.loads(project.store.path("tester", "a-first").read_text())["spans"].values()] == ["First"]


def test_opening_the_open_document_again_keeps_it_as_it_is(tmp_path):
    from reader.annotate.session import Session

    project = make_project(tmp_path / "two", {"a-first": "First story.\n", "b-second": "Second story here.\n"})
    session = Session(project, "tester")
    session.open("a-first")
    session.annotations.add_span(0, 5, "claim")
    session.edited()
    assert session.open("a-first") == []
    assert not session.readonly and len(session.annotations.spans) == 1  # not reread, not locked out by itself
    assert session.neighbour(1) == "b-second" and session.neighbour(-1) is None
    assert session.leave()
