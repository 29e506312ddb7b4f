"""Spans in fragments in the app: p adds the selection as a fragment, P takes one out, the fragments
are drawn as one span (their cells alike, the attribution between them not), n and N visit the span
once, and the span list shows its fragments joined by " … " behind a broken bar."""

from __future__ import annotations

import json

import pytest
from rich.style import Style

from reader.core.annotations import DocAnnotations
from reader.core.model import Document
from reader.core.schema import default_schema
from reader.tui.app import create_app
from reader.tui.article import ArticleView
from reader.tui.dialogs import ChoiceDialog
from reader.tui.tag_panel import SpanList
from reader.view.paint import Palette, SpanIndex, paint_row
from tests.conftest import make_project

SIZE = (120, 34)
TEXT = ('"We are not a political party," the spokesperson said, "but rather a social approach."\n\n'
        "The ministry denied it.\n")
FIRST = (TEXT.index("We"), TEXT.index("party") + 6)  # with the comma inside the marks
SECOND = (TEXT.index("but"), TEXT.index("approach") + 9)
SPEAKER = (TEXT.index("the spokesperson"), TEXT.index("the spokesperson") + 16)


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def split_project(tmp_path):
    return make_project(tmp_path / "p", {"split": TEXT})


def view(app) -> ArticleView:
    return app.screen_stack[1].query_one(ArticleView)


async def select(pilot, app, extent) -> None:
    view(app).select(*extent)
    await pilot.pause()


def quote(app):
    return next(s for s in app.session.annotations.spans.values() if s.label == "quote")


async def mark_split_quote(pilot, app) -> None:
    await select(pilot, app, FIRST)
    await pilot.press("2")  # quote
    if isinstance(app.screen, ChoiceDialog):  # the source picker after a label key
        await pilot.press("escape")
    await select(pilot, app, SECOND)
    await pilot.press("p")


async def test_p_adds_the_selection_to_the_quote_just_marked_and_it_is_saved(split_project):
    app = create_app(split_project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await mark_split_quote(pilot, app)
        q = quote(app)
        assert q.fragments == (FIRST, SECOND) and len(app.session.annotations) == 1
        assert q.joined_text == "We are not a political party, … but rather a social approach."
        assert app.session.saver is None or app.session.saver.flush(10)
        data = json.loads(split_project.store.path("tester", "split").read_text("utf-8"))
        assert [r.get("fragments") for r in data["spans"].values()] == [[list(FIRST), list(SECOND)]]
        await pilot.press("u")
        assert quote(app).fragments == () and (quote(app).start, quote(app).end) == FIRST


async def test_the_span_list_shows_one_line_with_the_fragments_joined(split_project):
    app = create_app(split_project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await mark_split_quote(pilot, app)
        spans = app.screen_stack[1].query_one(SpanList)
        await pilot.pause()
        line = "".join(seg.text for seg in spans.render_line(0))
        assert line.startswith("╏ quote We are not a political party, … b")  # the panel is 38 cells wide
        assert "spokesperson" not in line
        assert "".join(seg.text for seg in spans.render_line(1)).strip() == ""  # one line for the span


async def test_n_and_N_visit_a_span_in_fragments_once(split_project):
    app = create_app(split_project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await mark_split_quote(pilot, app)
        await select(pilot, app, SPEAKER)
        await pilot.press("4")  # the speaker, inside the quote's gap
        article = view(app)
        article.move_to(0)
        stops = []
        for _ in range(3):
            await pilot.press("n")
            stops.append(article.cursor)
        assert stops[:2] == [FIRST[0], SPEAKER[0]]  # the quote once, then the speaker, not its second fragment
        await pilot.press("N")
        assert article.cursor == FIRST[0]


async def test_the_cursor_in_the_gap_is_not_on_the_quote_and_P_takes_a_fragment_out(split_project):
    app = create_app(split_project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await mark_split_quote(pilot, app)
        article = view(app)
        article.move_to(SPEAKER[0] + 3)
        await pilot.pause()
        assert article.span_at_cursor() is None
        article.move_to(SECOND[0] + 2)
        await pilot.pause()
        assert article.span_at_cursor().id == quote(app).id
        await pilot.press("P")
        assert quote(app).fragments == () and (quote(app).start, quote(app).end) == FIRST
        await pilot.press("P")  # nothing under the cursor now
        assert (quote(app).start, quote(app).end) == FIRST


async def test_p_without_a_selection_says_what_to_do_and_changes_nothing(split_project):
    app = create_app(split_project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert len(app.session.annotations) == 0
        assert any("Select the words" in str(n.message) for n in app._notifications)


def test_fragments_are_painted_alike_and_the_gap_between_them_not():
    ann = DocAnnotations(Document("d", TEXT), default_schema())
    q = ann.add_span(0, 0, "quote", fragments=[FIRST, SECOND])
    tint, focus = Style(bgcolor="red"), Style(bgcolor="blue", bold=True)
    palette = Palette(base=Style(), cursor=Style(reverse=True), selection=Style(underline=True),
                      overlap=Style(italic=True), tint={"quote": tint}, focus={"quote": focus}, ghost={})
    line_end = TEXT.index("\n")
    cells = [(i, TEXT[i], 1) for i in range(line_end)]
    style_at = {}
    for seg in paint_row(cells, line_end, True, [q], [], None, None, -1, palette):
        for _ in seg.text:
            style_at[len(style_at)] = seg.style
    assert style_at[FIRST[0]] == style_at[SECOND[0]] == Style() + tint
    assert style_at[SPEAKER[0]] == Style()  # the attribution is not the quote's
    focused = paint_row(cells, line_end, True, [q], [], q, None, -1, palette)
    assert sum(len(s.text) for s in focused if s.style == Style() + focus) == q.length
    index = SpanIndex([q])
    assert index.at(SPEAKER[0]) == [] and index.at(SECOND[0]) == [q]
