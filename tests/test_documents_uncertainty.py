"""Active learning on the screen: the documents screen shows the model's uncertainty from a real
`.uncertainty.json` and orders by it on a key; the panel's suggestion line shows a ghost's confidence."""

from __future__ import annotations

import pytest

from reader.core.annotations import DocAnnotations
from reader.core.model import Relation, Span
from reader.files.uncertainty import save_uncertainty
from reader.suggest.rules import Suggestions, put_suggestions
from reader.tui.app import create_app
from reader.tui.article import ArticleView
from reader.tui.documents import DocumentsScreen, DocumentTable
from tests.conftest import SEED_ID, make_project

KEYMAPS = ["default", "vim", "emacs"]
TEXTS = {
    "a-calm": "A calm story.\n\nNothing happened.\n",
    "b-done": "A done story.\n\nPolice said so.\n",
    "c-hard": "A hard story.\n\nSomeone, somewhere, said something.\n",
    "d-unseen": "An unseen story.\n\nNo model read it.\n",
    "e-harder": "A harder story.\n\nIt was said, they say.\n",
}
UNSURE = {"a-calm": 0.05, "b-done": 0.4, "c-hard": 0.142, "e-harder": 0.31}
"""What the model left: b-done is the most uncertain but done; d-unseen it never read."""


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


def key(app, binding_id: str) -> str:
    return app.keymap.keys[binding_id].split(",")[0].strip()


def unsure_project(root, uncertainty: dict[str, float] | None = UNSURE):
    project = make_project(root, TEXTS)
    done = DocAnnotations(project.corpus.get("b-done"), project.schema)
    done.status = "done"
    project.store.save("tester", done)
    if uncertainty:
        save_uncertainty(project.store.path("tester", "a-calm").parent, "de", uncertainty)
    return project


def shown(screen: DocumentsScreen) -> list[tuple[str, str, str]]:
    """(document, status, unsure) of each row as the table shows them, top to bottom."""
    table = screen.query_one(DocumentTable)
    labels = [str(c.label) for c in table.columns.values()]
    out = []
    for i in range(table.row_count):
        cells = [str(c) for c in table.get_row_at(i)]
        unsure = cells[labels.index("unsure")] if "unsure" in labels else "-"
        out.append((cells[labels.index("document")], cells[labels.index("status")], unsure))
    return out


def footer(app) -> dict[str, str]:
    """Key -> what the footer says it does."""
    from textual.widgets._footer import FooterKey

    return {k.key: k.description for k in app.screen.query(FooterKey)}


def under_cursor(screen: DocumentsScreen) -> str:
    table = screen.query_one(DocumentTable)
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


@pytest.mark.parametrize("keymap", KEYMAPS)
async def test_the_order_key_puts_the_most_uncertain_undone_first_and_back(tmp_path, keymap):
    app = create_app(unsure_project(tmp_path / "p"), "tester", keymap=keymap)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press(key(app, "doc.list"))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        corpus = shown(screen)
        assert [d for d, _s, _u in corpus] == sorted(TEXTS)  # opens in corpus order
        assert {d: u for d, _s, u in corpus} == {d: f"{UNSURE[d]:.3f}" if d in UNSURE else "" for d in TEXTS}
        order_key = key(app, "documents.by_uncertainty")
        assert footer(app)[order_key] == "Most unsure first"
        assert "by model uncertainty" not in str(screen.query_one("#progress-label").render())

        await pilot.press(key(app, "documents.down"), key(app, "documents.down"))  # onto c-hard
        assert under_cursor(screen) == "c-hard"
        await pilot.press(key(app, "documents.by_uncertainty"))
        await pilot.pause()
        ordered = shown(screen)
        undone = sorted((d for d in UNSURE if d != "b-done"), key=lambda d: -UNSURE[d])
        assert [d for d, _s, _u in ordered] == undone + ["d-unseen", "b-done"]
        assert ordered[0][0] == "e-harder" and ordered[-1][1] == "done"
        assert under_cursor(screen) == "e-harder"  # the cursor on what to label next
        assert "by model uncertainty" in str(screen.query_one("#progress-label").render())
        assert footer(app)[order_key] == "Corpus order"  # the key now says where it goes back to

        await pilot.press(key(app, "documents.by_uncertainty"))
        await pilot.pause()
        assert shown(screen) == corpus
        assert under_cursor(screen) == "e-harder"  # back in corpus order, the cursor keeps its document
        await pilot.press(key(app, "documents.open"))
        await pilot.pause()
        assert app.session.doc_id == "e-harder"


async def test_without_a_model_there_is_no_unsure_column_nor_order_key(tmp_path):
    app = create_app(unsure_project(tmp_path / "p", None), "tester")
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("D")
        await pilot.pause()
        labels = [str(c.label) for c in app.screen.query_one(DocumentTable).columns.values()]
        assert "unsure" not in labels and labels[:3] == ["status", "spans", "links"]
        assert "s" not in footer(app)
        before = shown(app.screen)
        await pilot.press("s")
        await pilot.pause()
        assert shown(app.screen) == before


def model_ghosts(root, note: str):
    """The seed with a model's ghost quote linked to a ghost source, as `reader suggest --model` leaves them."""
    project = make_project(root)
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    quote = "Police ... subjected some detainees to ill-treatment and torture"
    qs, hs = doc.text.index(quote), doc.text.index("HRW")
    put_suggestions(ann, Suggestions(
        [Span("g1", qs, qs + len(quote), "quote", quote, {}, note),
         Span("g2", hs, hs + 3, "source", "HRW", {}, "model de: 0.64")],
        [Relation("gr1", "g1", "g2")]))
    project.store.save("tester", ann)
    return project


@pytest.mark.parametrize("size", [(80, 24), (140, 36)], ids=["80x24", "wide"])
async def test_the_suggestion_line_shows_the_model_ghosts_confidence(tmp_path, size):
    note = "model de: 0.83; source '[b]HRW' 0.71"  # article text in a note is data, never markup
    app = create_app(model_ghosts(tmp_path / "p", note), "tester")
    async with app.run_test(size=size) as pilot:
        panel = app.screen.panel
        line = panel.query_one("#suggestion-here")
        text = app.session.annotations.text
        for phrase, confidence in (("subjected some", "(model de: 0.83"), ("HRW)", "(model de: 0.64)")):
            app.screen.query_one(ArticleView).move_to(text.index(phrase))
            await pilot.pause()
            rows = str(line.render()).split("\n")
            assert len(rows) == 3 and rows[0].startswith("▌suggested ") and "y accepts" in rows[2]
            assert rows[1].startswith("  " + confidence)
            assert len(rows[1]) <= line.content_region.width  # cut to the panel, its bracket in view
            assert rows[1].endswith(")")
        app.screen.query_one(ArticleView).move_to(text.index("subjected some"))
        await pilot.pause()
        if size[0] > 100:
            assert str(line.render()).split("\n")[1] == f"  ({note})"
