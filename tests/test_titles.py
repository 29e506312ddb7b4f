"""A document's title: its first line with text, however long the document; in the header, cut by
terminal cells so that the annotator, status and progress stay on screen whatever the script."""

from __future__ import annotations

from rich.cells import cell_len

from reader.core.model import Document
from reader.tui.app import create_app
from reader.tui.annotate import DocHeader
from tests.conftest import make_project


def screen_rows(app) -> list[str]:
    """The characters of each row of the terminal, as the compositor draws them for a full screen."""
    update = app.screen._compositor.render_update(full=True)
    return ["".join(segment.text for strip in line for segment in strip) for line in update.strips]


def test_a_long_document_is_titled_by_its_first_line_not_one_near_its_end() -> None:
    text = "\n\n  Police beat detainees, HRW says\nALMATY - " + "Protesters were held. " * 400 + "\nThe last line."
    assert len(text) > 4096
    assert Document("d", text).title == "Police beat detainees, HRW says"


def test_a_long_first_line_and_blank_heads_still_give_a_title() -> None:
    assert Document("d", "word " * 2000).title == ("word " * 16).strip()
    assert Document("d", "\n" * 5000 + "Late text.").title == "d"  # nothing in the head: the id
    assert Document("d", "").title == "d"


CJK_TITLE = "哈萨克斯坦抗议者在骚乱后遭受酷刑人权观察组织称警察殴打被拘留者并拒绝让他们见律师"


async def test_a_cjk_title_leaves_annotator_status_and_progress_on_screen_at_80x24(tmp_path) -> None:
    project = make_project(tmp_path / "p", {"cjk": CJK_TITLE + "\n\n正文。", "other": "Second document.\n"})
    app = create_app(project, "tester", ["cjk"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        row = screen_rows(app)[0]
        assert cell_len(row) == 80
        assert row.rstrip().endswith("tester · todo · doc 1/2 · 0/2 done")
        assert row.startswith(" 哈萨克斯坦") and "…" in row  # the title, cut with an ellipsis
        header = app.screen.query_one(DocHeader)
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        row = screen_rows(app)[0]
        assert cell_len(row) == 60 and row.rstrip().endswith("0/2 done")
        assert header.region.width == 60


async def test_an_emoji_title_is_cut_by_cells_too(tmp_path) -> None:
    title = "Protest 🎉🎉 👍🏽 " * 8
    project = make_project(tmp_path / "p", {"emoji": title + "\n\nBody."})
    app = create_app(project, "tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        row = screen_rows(app)[0]
        assert cell_len(row) == 80 and row.rstrip().endswith("tester · todo · doc 1/1 · 0/1 done")
