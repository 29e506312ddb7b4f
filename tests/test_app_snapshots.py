"""What the app draws: main screen, documents screen and help, at 80x24 and wide, dark and light."""

from __future__ import annotations

import pytest

from reader.core.annotations import DocAnnotations
from reader.tui.app import create_app
from tests.conftest import SEED_ID, make_project


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


def annotated_project(root):
    """The seed with a quote linked to its source, a claim, an allegation, and a second document."""
    project = make_project(root)
    (project.path / "seeds" / "zz-second.txt").write_text("A second article.\n\nPolice said nothing.\n")
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    text = doc.text

    def add(phrase, label, nth=0):
        at = -1
        for _ in range(nth + 1):
            at = text.index(phrase, at + 1)
        return ann.add_span(at, at + len(phrase), label)

    quote = add("Police ... subjected some detainees to ill-treatment and torture", "quote")
    hrw = add("HRW", "source", 1)
    ann.link(quote.id, hrw.id)
    ann.set_attr(quote.id, "kind", "direct")
    add("Around 10,000 people were detained after widespread anti-government protests last month.", "claim")
    add("beaten and tortured by the authorities", "allegation")
    add("Human Rights Watch", "source", 1)
    ann.status = "in-progress"
    project.store.save("tester", ann)
    return project


@pytest.mark.parametrize("size", [(80, 24), (140, 36)], ids=["80x24", "wide"])
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_main_screen(snap_compare, tmp_path, size, theme):
    app = create_app(annotated_project(tmp_path / "p"), "tester")

    async def run_before(pilot):
        pilot.app.theme = theme
        await pilot.press("right_parenthesis", "right_parenthesis", "right_parenthesis")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_documents_screen(snap_compare, tmp_path):
    app = create_app(annotated_project(tmp_path / "p"), "tester")

    async def run_before(pilot):
        await pilot.press("D")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)


def test_help_screen(snap_compare, tmp_path):
    app = create_app(annotated_project(tmp_path / "p"), "tester", keymap="vim")

    async def run_before(pilot):
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
