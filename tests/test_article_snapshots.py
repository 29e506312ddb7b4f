"""Snapshots: a page with nested and overlapping spans in all four label colours, in a dark and a
light theme. The view's cursor does not blink, so the pictures are stable."""

from __future__ import annotations

import pytest

from tests.viewapp import ViewApp

TEXT = (
    "Kazakhstan protesters were tortured after unrest, says Human Rights Watch\n"
    "\n"
    "Dozens of protesters in Kazakhstan were beaten and tortured by the authorities after last "
    "month's unrest, according to Human Rights Watch (HRW).\n"
    "\n"
    '"Police ... subjected some detainees to ill-treatment and torture, including with electric '
    'shocks and beatings with batons," HRW said in a statement. Literal [bold]markup[/bold] 中文 👍🏽.\n'
)


def spans() -> list[tuple[int, int, str]]:
    def at(needle: str, label: str, extra: int = 0) -> tuple[int, int, str]:
        start = TEXT.index(needle)
        return start, start + len(needle) + extra, label

    return [
        at("Kazakhstan protesters were tortured after unrest", "claim"),
        at("Human Rights Watch", "source"),
        at("Dozens of protesters in Kazakhstan were beaten and tortured by the authorities", "allegation"),
        at("protesters in Kazakhstan were beaten", "claim"),  # nested in the allegation
        at("Human Rights Watch (HRW)", "source"),
        at('"Police ... subjected some detainees to ill-treatment and torture', "quote"),
        at("ill-treatment and torture, including with electric shocks", "allegation"),  # overlaps
        at("HRW", "source"),
    ]


def make_app(theme: str) -> ViewApp:
    app = ViewApp(TEXT, spans())
    app.theme = theme
    return app


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_overlapping_spans_page(snap_compare, theme: str) -> None:
    async def run_before(pilot) -> None:
        view = pilot.app.query_one("#view")
        view.move_to(TEXT.index("beaten"))  # the cursor in the nested claim: emphasised
        await pilot.press("shift+right", "shift+right", "shift+right")

    assert snap_compare(make_app(theme), terminal_size=(80, 16), run_before=run_before)
