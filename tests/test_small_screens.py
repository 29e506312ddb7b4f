"""An 80x24 terminal (ssh, tmux's default pane): what a user sees of the footer, of ctrl+c and of the
toasts. Each test reads the screen as the compositor draws it (toasts included: `notifications=True`,
which `run_test` turns off by default)."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from reader.tui.app import create_app
from reader.tui.article import ArticleView
from tests.test_titles import screen_rows


def footer_row(app) -> str:
    return screen_rows(app)[app.screen.query_one(Footer).region.y]


async def test_the_footer_keeps_help_and_quit_at_80x24_and_shows_only_whole_keys(project) -> None:
    app = create_app(project, "tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        row = footer_row(app)
        assert "? Help" in row and "^q Quit" in row and "^p palette" in row
        shown = [key for key in app.screen.query(FooterKey) if key.display]
        hidden = [key for key in app.screen.query(FooterKey) if not key.display]
        assert hidden, "at 80 columns some keys leave the footer (help and the palette list them)"
        for key in shown:
            assert key.render().plain.strip() in row  # none cut in half
        await pilot.resize_terminal(200, 24)
        await pilot.pause()
        row = footer_row(app)
        assert "? Help" in row and "^q Quit" in row and "u Undo" in row and "D Documents" in row
        assert all(key.display for key in app.screen.query(FooterKey))


async def test_ctrl_c_says_how_to_quit_in_plain_words(project) -> None:
    app = create_app(project, "tester")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        text = "\n".join(screen_rows(app))
        assert "Press ctrl+q to quit" in text
        assert "[b]" not in text and "[/b]" not in text
        assert app.is_running  # ctrl+c did not quit


async def test_ten_fast_undos_show_one_plain_toast_off_the_article(project) -> None:
    app = create_app(project, "tester")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for _ in range(5):
            await pilot.press("s", "4", "right_parenthesis")  # five sources, one a sentence
        assert len(app.session.annotations.spans) == 5
        for _ in range(10):
            await pilot.press("u")
        await pilot.pause()
        assert not app.session.annotations.spans
        toasts = [toast for toast in app.screen.query(Toast) if toast.region.area]
        assert len(toasts) == 1
        assert toasts[0].render().plain == "Nothing to undo."  # the last one, as written
        article = app.screen.query_one(ArticleView).region
        assert not toasts[0].region.overlaps(article)
        text = "\n".join(screen_rows(app))
        assert "Nothing to undo." in text and "Undone" not in text


async def test_a_warning_stays_while_news_replace_each_other(project) -> None:
    app = create_app(project, "tester")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("Could not save (disk full).", severity="error", timeout=30)
        for n in range(4):
            app.notify(f"news {n}", timeout=30)
        app.notify("Could not save (disk full).", severity="error", timeout=30)  # its repeat: one toast
        await pilot.pause()
        shown = sorted(toast.render().plain for toast in app.screen.query(Toast))
        assert shown == ["Could not save (disk full).", "news 3"]
