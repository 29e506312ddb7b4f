"""The article view under Pilot: moves, selection by keys and mouse, exact offsets, literal text;
and, headless, the state behind it and the text each annotation key means (`reader.view`)."""

from __future__ import annotations

import pytest

from reader.commands.cli import main
from reader.core.text import Segmenter
from reader.tui.annotate import DocHeader
from reader.tui.app import create_app
from reader.tui.article import ArticleView
from reader.view.caret import Caret, Drawn, changed_extents, marks_on
from reader.view.extents import find, moved_edge, next_start, target_extent, word_at
from reader.view.spans import SpanLookup
from reader.view.viewport import rows_showing, scroll_for_cursor
from reader.view.wrap import Layout, Row
from tests.viewapp import ViewApp, annotations, lines

EMOJI = "👍🏽"
TRICKY = f"a{EMOJI}e\u0301中\tb"
ARTICLE = (
    "Police beat detainees, says HRW\n"
    "\n"
    'Mr. Abichev said "they beat me on my chest" in Almaty. He was held for a week. Police denied it.\n'
    "\n"
    "A second paragraph here. It ends."
)


async def run(app: ViewApp, size=(60, 12)):
    return app.run_test(size=size)


@pytest.mark.parametrize("key", ["right", "left"])
async def test_left_right_step_by_grapheme_cluster(key: str) -> None:
    app = ViewApp(TRICKY)
    stops = [0, 1, 1 + len(EMOJI), 3 + len(EMOJI), 4 + len(EMOJI), 5 + len(EMOJI), len(TRICKY)]
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        if key == "left":
            view.move_to(len(TRICKY))
            stops = stops[::-1]
        seen = [view.cursor]
        for _ in stops[1:]:
            await pilot.press(key)
            seen.append(view.cursor)
        assert seen == stops


async def test_up_down_keep_the_column_on_wrapped_rows() -> None:
    text = "aaaa bbbb cccc dddd\nxy\neeee ffff"
    app = ViewApp(text)
    async with app.run_test(size=(14, 8)) as pilot:  # 12 content cells: wrap at 10
        view = app.query_one(ArticleView)
        assert lines(view)[:5] == ["aaaa bbbb", "cccc dddd", "xy", "eeee ffff", ""]
        view.move_to(7)
        await pilot.press("down")
        assert view.cursor == 17  # same column, next row
        await pilot.press("down")
        assert view.cursor == text.index("xy") + 2  # the short line's end
        await pilot.press("down")
        assert view.cursor == text.index("eeee") + 7  # the goal column is kept
        await pilot.press("up", "up", "up")
        assert view.cursor == 7


async def test_word_sentence_paragraph_start_end_moves() -> None:
    app = ViewApp(ARTICLE)
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("w")
        assert view.cursor == ARTICLE.index("beat")
        await pilot.press("b")
        assert view.cursor == 0
        await pilot.press("right_parenthesis")
        assert view.cursor == ARTICLE.index("Mr.")
        await pilot.press("right_parenthesis")
        assert view.cursor == ARTICLE.index("He was")
        await pilot.press("left_parenthesis")
        assert view.cursor == ARTICLE.index("Mr.")
        await pilot.press("right_curly_bracket")
        assert view.cursor == ARTICLE.index("A second")
        await pilot.press("left_curly_bracket")
        assert view.cursor == ARTICLE.index("Mr.")
        await pilot.press("G")
        assert view.cursor == len(ARTICLE)
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("ctrl+end")
        assert view.cursor == len(ARTICLE)
        await pilot.press("ctrl+home")
        assert view.cursor == 0
        await pilot.press("end")
        assert view.cursor == ARTICLE.index("\n")
        await pilot.press("home")
        assert view.cursor == 0


async def test_page_down_and_up_keep_the_cursor_in_sight() -> None:
    text = "\n".join(f"line {i}" for i in range(200))
    app = ViewApp(text)
    async with app.run_test(size=(30, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("pagedown", "pagedown")
        y, _ = view.layout.locate(view.cursor)
        assert y == 18  # two pages of 9 rows
        assert view.scroll_offset.y <= y < view.scroll_offset.y + 10
        assert f"line {y}" in lines(view)
        await pilot.press("pageup")
        assert view.layout.locate(view.cursor)[0] == 9
        await pilot.press("G")
        assert lines(view)[-1] == "line 199"
        await pilot.press("g")
        assert lines(view)[0] == "line 0"


async def test_scroll_to_offset_jumps_and_shows_the_cursor() -> None:
    text = "\n".join(f"line {i}" for i in range(500))
    app = ViewApp(text)
    async with app.run_test(size=(30, 10)) as pilot:
        view = app.query_one(ArticleView)
        target = text.index("line 321")
        view.scroll_to_offset(target + 2)
        await pilot.pause()
        assert view.cursor == target + 2
        assert "line 321" in lines(view)
        await pilot.press("down")
        assert "line 322" in lines(view)


async def test_shift_arrows_v_and_escape_select() -> None:
    app = ViewApp(TRICKY)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("right", "shift+right", "shift+right")
        assert view.selection == (1, 3 + len(EMOJI))
        assert TRICKY[slice(*view.selection)] == EMOJI + "e\u0301"
        await pilot.press("shift+left")
        assert view.selection == (1, 1 + len(EMOJI))
        await pilot.press("right")
        assert view.selection is None
        await pilot.press("v", "right", "right")
        assert view.selection == (3 + len(EMOJI), 5 + len(EMOJI))  # every move extends
        await pilot.press("escape")
        assert view.selection is None
        await pilot.press("left")
        assert view.selection is None  # moves no longer extend
        assert app.moves[-1].cursor == view.cursor and app.moves[-1].selection is None


async def test_select_sentence_and_expand() -> None:
    app = ViewApp(ARTICLE)
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(ARTICLE.index("chest"))
        await pilot.press("s")
        assert ARTICLE[slice(*view.selection)] == 'Mr. Abichev said "they beat me on my chest" in Almaty.'
        await pilot.press("escape")
        view.move_to(ARTICLE.index("chest"))
        steps = []
        for _ in range(3):
            await pilot.press("e")
            steps.append(ARTICLE[slice(*view.selection)])
        assert steps == [
            "they beat me on my chest",
            '"they beat me on my chest"',
            'Mr. Abichev said "they beat me on my chest" in Almaty.',
        ]
        await pilot.press("e")
        assert ARTICLE[slice(*view.selection)].endswith("Police denied it.")
        view.move_to(0)
        await pilot.press("s")
        assert ARTICLE[slice(*view.selection)] == "Police beat detainees, says HRW"  # the headline


async def test_click_and_drag_give_exact_offsets_on_wide_text() -> None:
    text = f"中文{EMOJI}e\u0301 x\tend"
    app = ViewApp(text)
    async with app.run_test(size=(40, 5)) as pilot:
        view = app.query_one(ArticleView)
        # Widget-relative: column 0 is the left padding, text starts at column 1.
        await pilot.click(ArticleView, offset=(4, 0))  # the right half of 文
        assert view.cursor == 1
        await pilot.click(ArticleView, offset=(5, 0))  # the emoji
        assert view.cursor == 2
        await pilot.click(ArticleView, offset=(7, 0))  # e + accent
        assert view.cursor == 2 + len(EMOJI)
        await pilot.click(ArticleView, offset=(12, 0))  # inside the tab (cells 10-15)
        assert view.cursor == text.index("\t")
        await pilot.click(ArticleView, offset=(17, 0))  # "e" of "end" after the tab stop at 16
        assert view.cursor == text.index("end")
        await pilot.mouse_down(ArticleView, offset=(3, 0))
        await pilot.hover(ArticleView, offset=(8, 0))
        await pilot.mouse_up(ArticleView, offset=(8, 0))
        assert view.selection == (1, text.index(" x"))
        assert text[slice(*view.selection)] == f"文{EMOJI}e\u0301"


async def test_markup_escapes_and_placeholders_are_drawn_literally() -> None:
    text = "[bold]x[/bold] [link=http://e]y[/link] \u241b[31mred\n:smile: \\[b]"
    app = ViewApp(text)
    async with app.run_test(size=(70, 5)) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert lines(view)[:2] == [
            "[bold]x[/bold] [link=http://e]y[/link] \u241b[31mred",
            ":smile: \\[b]",
        ]
        assert not any(seg.style and seg.style.bold for seg in view.render_line(0))
        assert not any(seg.style and seg.style.link for seg in view.render_line(0))


async def test_spans_are_tinted_overlaps_underlined_cursor_span_bold() -> None:
    text = "The minister said the report was false."
    claim = (text.index("the report"), len(text) - 1)
    source = (text.index("The minister"), text.index(" said"))
    quote = (text.index("report"), text.index(" was"))
    app = ViewApp(text, [(*claim, "claim"), (*source, "source"), (*quote, "quote")])
    async with app.run_test(size=(60, 4)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(len(text))  # the cursor away from every span
        await pilot.pause()

        def style_at(offset: int):
            x = offset + 0  # one row, every cell one column wide
            return view.render_line(0).crop(x, x + 1)._segments[0].style

        plain = style_at(text.index(" said"))
        in_claim, in_quote, in_source = style_at(claim[0]), style_at(quote[0]), style_at(0)
        assert len({plain.bgcolor, in_claim.bgcolor, in_quote.bgcolor, in_source.bgcolor}) == 4
        assert in_quote.underline and not in_claim.underline  # the quote sits inside the claim
        assert not in_source.bold
        view.move_to(1)
        await pilot.pause()
        assert view.span_at_cursor().label == "source"
        assert style_at(0).bold and style_at(0).bgcolor != in_source.bgcolor
        view.move_to(quote[0] + 1)
        assert view.span_at_cursor().label == "quote"  # the innermost


async def test_ghost_spans_are_italic_and_refresh_spans_redraws() -> None:
    text = "Alpha beta gamma."
    app = ViewApp(text)
    async with app.run_test(size=(40, 4)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(len(text))
        from reader.core.model import Span

        view.ghost_spans = [Span("g1", 6, 10, "quote", "beta")]
        await pilot.pause()
        assert view.render_line(0).crop(6, 7)._segments[0].style.italic
        assert not view.render_line(0).crop(0, 1)._segments[0].style.italic
        before = view.render_line(0).crop(0, 1)._segments[0].style.bgcolor
        view.annotations.add_span(0, 5, "claim")
        view.refresh_spans()
        await pilot.pause()
        assert view.render_line(0).crop(0, 1)._segments[0].style.bgcolor != before
        from rich.style import Style

        view.span_style = lambda span: Style(strike=True) if span.label == "claim" else None
        await pilot.pause()
        assert view.render_line(0).crop(0, 1)._segments[0].style.strike  # side A/B marks, later
        assert not view.render_line(0).crop(6, 7)._segments[0].style.strike


async def test_app_shows_the_first_document_and_its_header(project) -> None:
    app = create_app(project, "tester")
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.screen.query_one(ArticleView)
        assert lines(view)[0].startswith("Kazakhstan protesters were tortured")
        await pilot.press("right_parenthesis")
        await pilot.pause()
        assert view.cursor == view.annotations.text.index("Relatives")
        header = str(app.screen.query_one(DocHeader).render())
        assert header.startswith("Kazakhstan protesters were tortured") and "tester" in header


def test_annotate_unknown_document_is_a_usage_error(project, capsys) -> None:
    assert main(["--project", str(project.path), "annotate", "nope"]) == 2
    assert "no document 'nope'" in capsys.readouterr().err


async def test_escape_without_selection_reaches_the_app() -> None:
    class App2(ViewApp):
        BINDINGS = [("escape", "app_escape", "")]
        escaped = 0

        def action_app_escape(self) -> None:
            self.escaped += 1

    app = App2(ARTICLE)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("shift+right", "escape")
        assert app.query_one(ArticleView).selection is None and app.escaped == 0
        await pilot.press("escape")
        assert app.escaped == 1


async def test_screen_stays_put_when_row_counts_become_exact() -> None:
    text = "\n\n".join(("word " * (30 + i % 50)).strip() for i in range(3000))  # long lines
    app = ViewApp(text)
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(ArticleView)
        view._last_input = float("inf")  # hold the background pass back
        view.scroll_to_offset(len(text) * 3 // 4)
        await pilot.pause()
        before = lines(view)
        assert not view.layout.exact
        view.layout.complete()  # every estimate above the screen corrected at once
        await pilot.pause()
        assert view.layout.exact
        assert lines(view) == before
        y, _ = view.layout.locate(view.cursor)
        assert view.scroll_offset.y <= y < view.scroll_offset.y + 12


async def test_raw_control_characters_never_reach_the_terminal() -> None:
    app = ViewApp("a\x1b[31mb\x07c")  # not through the corpus: raw ESC and BEL
    async with app.run_test(size=(40, 4)) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert lines(view)[0] == "a\u241b[31mb\u2407c"
        view.move_to(2)
        assert view.layout.locate(view.cursor) == (0, 2)


# ----------------------------------------------------------------- the headless state behind the view

def test_caret_selection_never_cuts_a_grapheme_cluster_and_v_mode_extends() -> None:
    caret = Caret(Segmenter(TRICKY), 2)  # inside the emoji and its skin tone
    assert caret.cursor == 1
    caret.select(2, 2 + len(EMOJI) + 1)  # from inside the emoji to inside e + accent
    assert caret.selection == (1, 5 + len(EMOJI) - 2)
    caret.jump(0)
    caret.start_selecting()
    caret.move_to(1)
    caret.move_to(1 + len(EMOJI))
    assert caret.selection == (0, 1 + len(EMOJI))
    assert caret.clear() and caret.selection is None and not caret.selecting
    assert not caret.clear()  # nothing left to redraw


def test_a_move_redraws_only_the_changed_ends_of_a_long_selection() -> None:
    old = Drawn(5000, (0, 5000), None)
    new = Drawn(5001, (0, 5001), (4990, 5010))
    extents = changed_extents(old, new)
    assert all(end - start <= 20 for start, end in extents)  # never the whole selection
    assert (4990, 5010) in extents and (5000, 5000) in extents and (5001, 5001) in extents


def test_a_row_sees_only_its_part_of_the_cursor_selection_and_focus() -> None:
    ann = annotations(ARTICLE, [(0, 6, "source")])
    span = next(iter(ann.spans.values()))
    row = Row(line=33, start=40, end=60, last=False)
    assert marks_on(row, 10, (20, 50), span) == (-1, (40, 50), None)
    assert marks_on(row, 60, None, None).cursor == 60  # the row's end is a place for the cursor
    assert marks_on(Row(0, 0, 31, True), 3, (20, 50), span) == (3, (20, 32), span)


def test_scrolling_keeps_the_cursor_in_sight_and_centres_only_a_jump() -> None:
    assert scroll_for_cursor(12, top=10, height=5) is None
    assert scroll_for_cursor(20, top=10, height=5) == 16  # just enough
    assert scroll_for_cursor(3, top=10, height=5) == 3
    assert scroll_for_cursor(100, top=10, height=5, center=True) == 98
    assert scroll_for_cursor(12, top=10, height=5, center=True) is None  # in sight: stays put
    layout = Layout(Segmenter("aaaa bbbb cccc dddd\nxy\neeee ffff"), 10)
    assert rows_showing(layout, 7, 17, top=0, height=10) == (0, 2)
    assert rows_showing(layout, 0, 30, top=1, height=2) == (1, 2)  # clipped to the screen
    assert rows_showing(layout, 25, 30, top=0, height=2) is None  # off screen: nothing to redraw


def test_span_lookup_follows_edits_and_another_documents_spans() -> None:
    ann = annotations(ARTICLE)
    lookup = SpanLookup(ann)
    assert lookup.focus(3) is None
    quote = ann.add_span(ARTICLE.index("they"), ARTICLE.index(" in Almaty") - 1, "quote")
    assert lookup.stale and lookup.focus(ARTICLE.index("beat me")) == quote
    ann.resize(quote.id, quote.start, quote.start + 4)
    assert lookup.at(ARTICLE.index("beat me")) is None and not lookup.stale


def test_span_lookup_shows_the_new_documents_span_under_the_same_cursor() -> None:
    lookup = SpanLookup(annotations(ARTICLE, [(0, 6, "claim")]))
    assert lookup.focus(3).label == "claim"
    other = annotations(ARTICLE, [(0, 6, "source")])
    assert other.version == lookup.annotations.version  # same cursor, same version counter
    lookup.replace(other)
    assert lookup.focus(3).label == "source"


def test_what_each_annotation_key_means_in_the_text() -> None:
    text = 'Mr. Abichev said "they beat me" in Almaty. He was held.  '
    seg = Segmenter(text)
    assert target_extent(seg, None, 45) == (43, 55)  # the sentence under the cursor
    assert target_extent(seg, (11, 18), 0) == (12, 18)  # the selection, trimmed of spaces
    assert target_extent(seg, (55, 57), 0) is None  # only spaces: nothing to mark
    assert word_at(text, 6) == (4, 11) and word_at(text, 3) is None
    name = text.index("Abichev")
    assert text[slice(*moved_edge(seg, name, name + 7, "end", 1))] == "Abichev said"
    start, end = moved_edge(seg, name, name + 7, "start", 1)
    assert start >= end  # shrinking past the end: the screen refuses
    spans = annotations(text, [(0, 3, "source"), (17, 31, "quote")]).sorted_spans()
    assert next_start(spans, 0, 1).label == "quote" and next_start(spans, 17, -1).label == "source"
    assert next_start(spans, 17, 1) is None


def test_search_is_literal_case_insensitive_and_wraps_around() -> None:
    text = 'Mr. Abichev said "they beat me" in Almaty. He was held.'
    assert find(text, "HE", 0, 1) == (text.index("he"), text.index("he") + 2)
    assert find(text, "he", 45, 1) == (50, 52)  # "held"
    assert find(text, "he", 53, 1) == (8, 10)  # past the last match: from the top ("Abichev")
    assert find(text, "he", 0, -1) == (50, 52)  # backwards from the start: the last one
    assert find(text, "r.", 0, 1) == (1, 3)  # "." is a full stop, not any character
    assert find(text, "[b", 0, 1) is None
