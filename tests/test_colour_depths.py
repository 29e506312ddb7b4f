"""Labels stay apart in the article at every colour depth Textual draws with.

Each test sets the terminal's variables before the app is built (Textual reads them then), opens the
seed with one span of each default label and reads what the terminal would get: the escape sequence
Textual's driver writes for a full screen (the compositor's update rendered with the app's own
console, so colours are downgraded to the depth and NO_COLOR's Monochrome filter is applied), replayed
on a grid of cells, each with its character and SGR parameters.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pytest
from rich._palettes import EIGHT_BIT_PALETTE, STANDARD_PALETTE
from rich.cells import cell_len
from textual.color import Color

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
from reader.tui.app import create_app
from reader.tui.article import ArticleView
from reader.tui.palette import contrast
from tests.conftest import SEED_ID, make_project

DEPTHS = {
    "truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
    "256": {"TERM": "screen-256color"},
    "16": {"TERM": "xterm"},
    "no-color": {"TERM": "xterm-256color", "NO_COLOR": "1"},
    "monochrome": {"TERM": "dumb"},
}
"""Depth -> the environment that gives it (tmux's default is the 256 one)."""

LABELS = {
    "claim": "Around 10,000 people were detained after widespread anti-government protests last month.",
    "quote": "Police ... subjected some detainees to ill-treatment and torture",
    "allegation": "beaten and tortured by the authorities",
    "source": "Human Rights Watch",
}
"""Label -> the seed's phrase that carries it (its first occurrence)."""

ON_SCREEN = {"claim": "10,000 people", "quote": "ill-treatment", "allegation": "beaten and", "source": "Rights"}
"""Label -> a part of its phrase that fits on one row, to find its cells."""


class Cell(NamedTuple):
    attributes: frozenset[int]
    """SGR attribute codes: 1 bold, 2 dim, 3 italic, 4 underline, 7 reverse, 9 strike..."""
    fg: tuple[int, ...]
    """The text colour's parameters: (38, 5, n), (38, 2, r, g, b), (31,)... or () for the default."""
    bg: tuple[int, ...]


def parse_sgr(params: list[int]) -> Cell:
    attributes: set[int] = set()
    fg: tuple[int, ...] = ()
    bg: tuple[int, ...] = ()
    i = 0
    while i < len(params):
        code = params[i]
        if code in (38, 48):
            size = 3 if params[i + 1] == 5 else 5
            colour, i = tuple(params[i : i + size]), i + size
            fg, bg = (colour, bg) if code == 38 else (fg, colour)
            continue
        if 30 <= code <= 37 or 90 <= code <= 97:
            fg = (code,)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = (code,)
        elif code == 0:
            attributes, fg, bg = set(), (), ()
        elif code not in (39, 49):
            attributes.add(code)
        i += 1
    return Cell(frozenset(attributes), fg, bg)


TOKEN = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[([\d;]*)m|\x1b\]8;[^\x1b]*\x1b\\|\n|(.)", re.DOTALL)
"""Cursor moves, SGR, hyperlinks (skipped), the newline between rows (skipped), one character."""


def terminal_cells(app) -> dict[tuple[int, int], tuple[str, Cell]]:
    """(x, y) -> (character, style) of every cell, from the bytes Textual would write.

    Rich keeps a style's SGR codes on the Style object (and Textual a strip's on the Strip), for the
    colour system it first met: one process is one terminal, but this test run meets several, so
    the codes are forgotten before rendering and after (the snapshot tests render truecolor)."""
    update = app.screen._compositor.render_update(full=True)
    strips = [strip for line in update.strips for strip in line]

    def forget() -> None:
        for strip in strips:
            strip._render_cache = None
            for segment in strip:
                if segment.style is not None:
                    segment.style._ansi = None

    forget()
    try:
        data = update.render_segments(app.console)
    finally:
        forget()
    cells: dict[tuple[int, int], tuple[str, Cell]] = {}
    x = y = 0
    params: list[int] = []
    for match in TOKEN.finditer(data):
        move_y, move_x, sgr, char = match.groups()
        if move_y is not None:
            y, x = int(move_y) - 1, int(move_x) - 1
        elif sgr is not None:
            params = [] if sgr in ("", "0") else params + [int(p) for p in sgr.split(";") if p]
        elif char is not None:
            cells[x, y] = (char, parse_sgr(params))
            x += cell_len(char)
    return cells


class Screen:
    """The article's part of the terminal."""

    def __init__(self, app) -> None:
        self.cells = terminal_cells(app)
        self.region = app.screen.query_one(ArticleView).content_region

    def rows(self) -> list[tuple[int, str]]:
        r = self.region
        return [
            (y, "".join(self.cells.get((x, y), (" ",))[0] for x in range(r.x, r.right)))
            for y in range(r.y, r.bottom)
        ]

    def at(self, fragment: str, index: int | None = None) -> Cell:
        """The style of a cell of `fragment` (its middle one by default), where it is first drawn."""
        for y, text in self.rows():
            if fragment in text:
                x = self.region.x + text.index(fragment) + (len(fragment) // 2 if index is None else index)
                return self.cells[x, y][1]
        raise AssertionError(f"{fragment!r} is not on screen")


XTERM_16 = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
    (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
    (255, 0, 255), (0, 255, 255), (255, 255, 255),
]
"""xterm's default first 16 colours (TERM=xterm's own terminal); Rich assumes VGA's."""


def rgb(colour: tuple[int, ...], default: Color, sixteen=STANDARD_PALETTE) -> Color:
    """The colour a terminal shows for SGR colour parameters, the first 16 from `sixteen`."""
    if not colour:
        return default
    if colour[:2] in ((38, 2), (48, 2)):
        return Color(*colour[2:])
    if colour[:2] in ((38, 5), (48, 5)):
        return Color(*EIGHT_BIT_PALETTE[colour[2]])
    code = colour[0]
    return Color(*sixteen[code % 10 + (8 if code >= 90 else 0)])


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


def seed_app(root, monkeypatch, depth: str):
    for name in ("COLORTERM", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in DEPTHS[depth].items():
        monkeypatch.setenv(name, value)
    project = make_project(root)
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    for label, phrase in LABELS.items():
        at = doc.text.index(phrase)
        ann.add_span(at, at + len(phrase), label)
    project.store.save("tester", ann)
    return create_app(project, "tester"), doc.text


@pytest.mark.parametrize("depth", list(DEPTHS))
async def test_each_label_looks_different_at_every_depth(tmp_path, monkeypatch, depth):
    app, text = seed_app(tmp_path / "p", monkeypatch, depth)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        view.move_to(text.index("Dozens"))  # the cursor in plain text, no span focused
        await pilot.pause()
        screen = Screen(app)
        looks = {label: screen.at(fragment) for label, fragment in ON_SCREEN.items()}
        plain = screen.at("protesters in")
        colourless = depth in ("no-color", "monochrome")
        if colourless:  # told apart by style alone: what a terminal without colours shows
            marks = {label: look.attributes for label, look in looks.items()}
            assert len(set(marks.values())) == 4, marks
            assert plain.attributes not in marks.values()
        else:
            backgrounds = {label: look.bg for label, look in looks.items()}
            assert len(set(backgrounds.values())) == 4, backgrounds
            assert plain.bg not in backgrounds.values()
            # Readable: WCAG AA; with 16 colours, whose values are the terminal's, AA for large
            # text (3) in both VGA's and xterm's.
            need, tables = (4.5, [STANDARD_PALETTE]) if depth != "16" else (3.0, [STANDARD_PALETTE, XTERM_16])
            for label, look in looks.items():
                for table in tables:
                    base_text = rgb(plain.fg, Color(255, 255, 255), table)
                    shown = contrast(rgb(look.fg, base_text, table), rgb(look.bg, Color(0, 0, 0), table))
                    assert shown >= need, (label, look, shown)
        assert len(set(looks.values()) | {plain}) == 5

        # The span under the cursor stands out from the same label elsewhere and from the others.
        view.move_to(text.index("10,000 people"))
        await pilot.pause()
        focused = Screen(app).at("were detained")
        assert focused != looks["claim"] and focused not in looks.values()
        assert 1 in focused.attributes  # bold

        # The selection (over plain text and a label) and the cursor (at its end) show.
        start = text.index("Kazakhstan were beaten")
        view.select(start, text.index(" and tortured"))
        await pilot.pause()
        screen = Screen(app)
        selected = {screen.at("Kazakhstan were beaten", 2), screen.at("were beaten and", 7)}
        cursor, rest = screen.at("beaten and", 6), screen.at("beaten and", 8)
        assert rest not in (looks["allegation"], plain) and 1 in rest.attributes  # the focused allegation
        seen = set(looks.values()) | {plain, rest}
        assert not selected & seen and cursor not in seen | selected
        if colourless:
            marks = {look.attributes for look in seen}
            assert not {s.attributes for s in selected} & marks
            assert cursor.attributes not in marks | {s.attributes for s in selected}


@pytest.mark.parametrize("depth", list(DEPTHS))
async def test_ghost_spans_differ_from_text_labels_and_each_other(tmp_path, monkeypatch, depth):
    app, text = seed_app(tmp_path / "p", monkeypatch, depth)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        view.move_to(text.index("Dozens"))
        start = text.index("security forces")
        view.ghost_spans = [
            Span("g1", start, start + len("security"), "quote", "security"),
            Span("g2", start + len("security "), start + len("security forces"), "source", "forces"),
        ]
        await pilot.pause()
        screen = Screen(app)
        ghosts = {screen.at("security"), screen.at("forces")}
        plain = screen.at("protesters in")
        labels = {screen.at(fragment) for fragment in ON_SCREEN.values()}
        assert len(ghosts) == 2 and plain not in ghosts and not ghosts & labels
        if depth in ("no-color", "monochrome"):
            assert len({g.attributes for g in ghosts} | {plain.attributes}) == 3


async def test_truecolor_tints_are_todays_blends(tmp_path, monkeypatch):
    """In truecolor nothing changed: 35% of the label colour blended into the dark background."""
    app, text = seed_app(tmp_path / "p", monkeypatch, "truecolor")
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one(ArticleView).move_to(text.index("Dozens"))
        await pilot.pause()
        screen = Screen(app)
        assert screen.at(ON_SCREEN["claim"]).bg == (48, 2, 0x63, 0x56, 0x3E)
        assert screen.at(ON_SCREEN["quote"]).bg == (48, 2, 0x35, 0x50, 0x67)


async def test_256_colours_no_longer_collapse_to_one_grey(tmp_path, monkeypatch):
    """The issue's case: tmux's TERM gave every label 48;5;59."""
    app, text = seed_app(tmp_path / "p", monkeypatch, "256")
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one(ArticleView).move_to(text.index("Dozens"))
        await pilot.pause()
        screen = Screen(app)
        backgrounds = [screen.at(fragment).bg for fragment in ON_SCREEN.values()]
        assert all(bg[:2] == (48, 5) for bg in backgrounds)
        assert (48, 5, 59) not in backgrounds and len(set(backgrounds)) == 4
