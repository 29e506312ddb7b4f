"""The article view's colours, resolved from its CSS and the label schema into a `paint.Palette`.

Tints are the label colour blended into the widget's own background, so they follow the theme; the
span under the cursor gets a stronger tint and whichever of the theme's foreground and background
reads better on it (WCAG contrast), so it stays readable in dark and light themes alike. Ghost spans
take the label colour mixed into the foreground (a pure label colour on a light theme is unreadable).

That holds as drawn in a truecolor terminal. With fewer colours Rich downgrades every colour to the
nearest entry the terminal has, and soft blends collapse there: in a 256-colour terminal (tmux's
default) all four default tints of a dark theme become the same grey, in a 16-colour one the same
black. So the tints are picked per colour depth (`colour_depth`):
- truecolor: the blends above;
- 256 and 16 colours (and Windows' 16): entries of the terminal's own palette, chosen so that what
  reaches the terminal (Rich's `Color.downgrade`) differs for every label, and from the background,
  the selection and the cursor; the focused tints differ from the plain ones, and ghosts from the
  text and from each other. Each label takes the free entry nearest its blend (in Oklab, hue
  weighing more than lightness), a contrast with its text below WCAG AA counting against it (with
  16 colours, whose values each terminal sets, the worst over four common palettes);
- none (`NO_COLOR`, where Textual greys everything with its Monochrome filter, or a terminal that
  reports no colours): labels are told apart by text style, a cycle of combinations (`STYLE_CYCLE`),
  the selection by reverse video, the cursor by reverse video and blinking (it sits next to the
  selection's end), overlaps by a double underline.
Computed from whatever labels.yaml holds, not a table for the default four.
"""

from __future__ import annotations

from functools import cache, lru_cache
from math import atan2, hypot, pi
from typing import NamedTuple

from rich.color import EIGHT_BIT_PALETTE, STANDARD_PALETTE, WINDOWS_PALETTE, ColorSystem
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.widget import Widget

from reader.core.schema import Schema
from reader.view.paint import Palette

TINT = 0.35
"""How much of the label colour goes into a span's background."""
FOCUS_TINT = 0.7
"""The same for the span under the cursor."""
GHOST_MIX = 0.55
"""How much of the label colour goes into a ghost span's text."""
READABLE = 4.5
"""WCAG AA contrast a tint should give its text (or a ghost's text its background) at a lower depth;
where the truecolor blend itself reads less well, as well as the blend is enough."""
SHORTFALL = 0.25
"""What each unit of contrast below that costs, against a hue 180 degrees off (`HUE_WEIGHT`): a
slightly weaker contrast beats a wrong hue, a much weaker one does not."""
GREY = 0.03
"""Below this Oklab chroma a colour counts as grey: it has no hue to match."""
HUE_WEIGHT = {"256": 1.0, "standard": 2.0, "windows": 2.0}
"""What a hue 180 degrees off costs against the full range of lightness (1). With 256 colours each
hue comes in five lightness steps, so a tint can keep its blend's lightness (dark on a dark theme,
under the theme's own text); with 16 there is one dark and one bright entry a hue, and hue decides."""

STYLE_CYCLE = (
    Style(underline=True),
    Style(italic=True, underline=True),
    Style(strike=True),
    Style(italic=True, strike=True),
    Style(underline=True, strike=True),
    Style(italic=True, underline=True, strike=True),
    Style(overline=True),
    Style(italic=True, overline=True),
    Style(underline=True, overline=True),
)
"""Label styles without colour, in schema order (repeating after nine); the first four use only the
attributes nearly every terminal draws. Each has an underline, a strike or an overline, because the
other attributes mean something else: bold the focused span, dim italic a ghost, reverse video the
selection (and, blinking, the cursor), a double underline an overlap."""

XTERM = (
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
    (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
    (255, 0, 255), (0, 255, 255), (255, 255, 255),
)
TANGO = (
    (46, 52, 54), (204, 0, 0), (78, 154, 6), (196, 160, 0), (52, 101, 164), (117, 80, 123),
    (6, 152, 154), (211, 215, 207), (85, 87, 83), (239, 41, 41), (138, 226, 52), (252, 233, 79),
    (114, 159, 207), (173, 127, 168), (52, 226, 226), (238, 238, 236),
)
"""The first 16 colours are the terminal's to choose: xterm's defaults and Tango (GNOME's, and many
others'), besides Rich's VGA and Windows' Campbell tables. A text colour on a 16-colour tint has to
read in all four; with 256 colours the other 240 entries are the same everywhere."""

_SYSTEMS = {
    "256": (ColorSystem.EIGHT_BIT, EIGHT_BIT_PALETTE, range(16, 256)),
    "standard": (ColorSystem.STANDARD, STANDARD_PALETTE, range(16)),
    "windows": (ColorSystem.WINDOWS, WINDOWS_PALETTE, range(16)),
}
"""Depth -> how Rich downgrades to it, the colours it then assumes (the tables `Color.downgrade`
matches against), and the entries worth choosing (in 256 colours the first 16 are the terminal
theme's own, which Rich never downgrades to)."""


def colour_depth(app: App) -> str:
    """The depth Textual draws at: "truecolor", "256", "standard" or "windows" (16), or "none"."""
    if app.no_color:
        return "none"
    return app.console.color_system or "none"


def luminance(colour: Color) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    return _ratio(luminance(a), luminance(b))


def _ratio(a: float, b: float) -> float:
    high, low = (a, b) if a > b else (b, a)
    return (high + 0.05) / (low + 0.05)


def component(widget: Widget, name: str, background: Color) -> Style:
    """A component class's partial style, its translucent background composited over `background`
    (Rich has no alpha: `$accent 45%` would otherwise be drawn opaque)."""
    style = widget.get_component_rich_style(name, partial=True)
    styles = widget.get_component_styles(name)
    if styles.has_rule("background"):
        style = style + Style(bgcolor=(background + styles.background).rich_color)
    return style


def make_palette(widget: Widget, schema: Schema, prefix: str = "article--") -> Palette:
    base = widget.rich_style
    _, background = widget.background_colors
    foreground = Color.from_rich_color(base.color) if base.color else Color(224, 224, 224)
    focus_style = component(widget, prefix + "focus", background)
    ghost_style = component(widget, prefix + "ghost", background)
    cursor = component(widget, prefix + "cursor", background)
    selection = component(widget, prefix + "selection", background)
    overlap = component(widget, prefix + "overlap", background)
    depth = colour_depth(widget.app)
    if depth == "none":
        return _styles_only(base, schema, focus_style, ghost_style)
    colours = tuple(Color.parse(label.color) for label in schema.labels)
    if depth in _SYSTEMS:
        marks = tuple(Color.from_rich_color(s.bgcolor) for s in (cursor, selection) if s.bgcolor)
        tints, focuses, ghosts = _quantised(depth, background, foreground, marks, colours)
    else:
        tints, focuses, ghosts = _blended(background, foreground, colours)
    names = [label.name for label in schema.labels]
    return Palette(
        base=base,
        cursor=cursor,
        selection=selection,
        overlap=overlap,
        tint=dict(zip(names, tints)),
        focus={name: style + focus_style for name, style in zip(names, focuses)},
        ghost={name: style + ghost_style for name, style in zip(names, ghosts)},
        fallback=Style(underline=True),
    )


Styles = tuple[tuple[Style, ...], tuple[Style, ...], tuple[Style, ...]]
"""Per label, in schema order: its tint, its focused tint, its ghost style."""


def _blended(background: Color, foreground: Color, colours: tuple[Color, ...]) -> Styles:
    tints, focuses, ghosts = [], [], []
    for colour in colours:
        tints.append(Style(bgcolor=background.blend(colour, TINT).rich_color))
        strong = background.blend(colour, FOCUS_TINT)
        text = max((background, foreground), key=lambda c: contrast(c, strong))
        focuses.append(Style(color=text.rich_color, bgcolor=strong.rich_color))
        ghosts.append(Style(color=foreground.blend(colour, GHOST_MIX).rich_color))
    return tuple(tints), tuple(focuses), tuple(ghosts)


def _styles_only(base: Style, schema: Schema, focus_style: Style, ghost_style: Style) -> Palette:
    names = [label.name for label in schema.labels]
    looks = [STYLE_CYCLE[i % len(STYLE_CYCLE)] for i in range(len(names))]
    bold, ghostly = focus_style.without_color, ghost_style.without_color + Style(dim=True)
    return Palette(
        base=base,
        cursor=Style(blink=True),  # reverse and blinking, like a terminal's own cursor
        selection=Style(),
        overlap=Style(underline2=True),
        tint=dict(zip(names, looks)),
        focus={name: look + bold for name, look in zip(names, looks)},
        ghost={name: look + ghostly for name, look in zip(names, looks)},
        fallback=Style(underline=True),
        invert=True,
    )


class Entry(NamedTuple):
    """One colour a terminal can show: its palette number, its colour as Rich assumes it, and that
    colour's Oklab lightness, chroma and hue angle."""

    number: int
    colour: Color
    lightness: float
    chroma: float
    hue: float
    luminances: tuple[float, ...]
    """WCAG relative luminance in each palette a terminal at this depth may use."""


def oklab(colour: Color) -> tuple[float, float, float]:
    """Björn Ottosson's Oklab (L 0 to 1): unlike CIE L*a*b*, a blue keeps its hue as it lightens."""

    def linear(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = linear(colour.r), linear(colour.g), linear(colour.b)
    l_ = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3)
    m_ = (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3)
    s_ = (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3)
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def _entry(number: int, rgb: tuple[int, int, int], elsewhere: tuple[tuple[int, int, int], ...] = ()) -> Entry:
    """An entry `number` of colour `rgb`, which other terminals show as `elsewhere`."""
    colour = Color(*rgb)
    lightness, a, b = oklab(colour)
    lums = (luminance(colour), *(luminance(Color(*other)) for other in elsewhere))
    return Entry(number, colour, lightness, hypot(a, b), atan2(b, a), lums)


def _worst(a: Entry, b: Entry) -> float:
    """The lowest contrast of two entries over the palettes a terminal may use."""
    return min(_ratio(x, y) for x, y in zip(a.luminances, b.luminances))


def _elsewhere(depth: str, number: int) -> tuple[tuple[int, int, int], ...]:
    return () if depth == "256" else tuple(table[number] for table in (XTERM, TANGO, WINDOWS_PALETTE))


@cache
def _entries(depth: str) -> tuple[Entry, ...]:
    """The entries a truecolor colour can reach at `depth` (a colour given as an entry's own RGB
    downgrades to that entry)."""
    system, table, numbers = _SYSTEMS[depth]
    reach = [(n, tuple(table[n])) for n in numbers]
    return tuple(
        _entry(n, rgb, _elsewhere(depth, n)) for n, rgb in reach if Color(*rgb).rich_color.downgrade(system).number == n
    )


def shown(depth: str, colour: Color) -> Entry:
    """The entry a terminal at `depth` draws for `colour`."""
    system, table, _ = _SYSTEMS[depth]
    number = colour.rich_color.downgrade(system).number
    assert number is not None
    return _entry(number, tuple(table[number]), _elsewhere(depth, number))


def _cost(entry: Entry, ideal: Entry, hue_of: Entry, weight: float) -> float:
    """How far `entry` is from the tint a label wants: its hue against the label colour's (0 to 1 for
    0 to 180 degrees; a grey entry for a coloured label, or the reverse, counts as far), weighted by
    `weight`, plus its lightness against the ideal blend's (0 to 1)."""
    if hue_of.chroma < GREY:
        hue = min(entry.chroma / (4 * GREY), 1.0)
    elif entry.chroma < GREY:
        hue = 1.0
    else:
        hue = abs((entry.hue - hue_of.hue + pi) % (2 * pi) - pi) / pi
    return weight * hue + abs(entry.lightness - ideal.lightness)


def _pick(
    depth: str, ideal: Color, colour: Color, taken: set[int], score: dict[int, float], need: float,
) -> Entry | None:
    """The entry not `taken` nearest the `ideal` tint of a label of `colour`, where each unit of
    contrast (`score`, by entry number) short of `need` costs `SHORTFALL`; None if all are taken."""
    want, hue_of, weight = _entry(-1, ideal.rgb), _entry(-1, colour.rgb), HUE_WEIGHT[depth]

    def cost(entry: Entry) -> float:
        short = max(0.0, need - score[entry.number])
        return _cost(entry, want, hue_of, weight) + SHORTFALL * short

    return min((e for e in _entries(depth) if e.number not in taken), key=cost, default=None)


@lru_cache(maxsize=64)
def _quantised(
    depth: str, background: Color, foreground: Color, marks: tuple[Color, ...], colours: tuple[Color, ...],
) -> Styles:
    """Tints, focused tints and ghost colours that stay distinct once downgraded to `depth`.

    Labels pick in schema order: plain tints first (none the background's, the cursor's or the
    selection's), then focused tints (none of those either), then ghosts (neither the background's
    nor the text's). When the palette runs out (16 colours, many labels) a focused tint may repeat
    another label's plain one (it is still bold), a tint or a ghost another label's."""
    bg, fg = shown(depth, background), shown(depth, foreground)
    reserved = {bg.number} | {shown(depth, mark).number for mark in marks}
    entries = _entries(depth)
    under_text = {e.number: max(_worst(fg, e), _worst(bg, e)) for e in entries}
    on_background = {e.number: _worst(bg, e) for e in entries}

    def text_for(tint: Entry) -> Color:
        return foreground if _worst(fg, tint) >= _worst(bg, tint) else background

    def pick(ideal: Color, colour: Color, score: dict[int, float], *avoid: set[int]) -> Entry | None:
        """Avoiding all of `avoid`, else all but the last, ..."""
        against = (background,) if score is on_background else (background, foreground)
        need = min(READABLE, max(contrast(c, ideal) for c in against))  # as readable as the blend
        for n in range(len(avoid), 0, -1):
            entry = _pick(depth, ideal, colour, set().union(*avoid[:n]), score, need)
            if entry is not None:
                return entry
        return None

    plain: list[Entry] = []
    for colour in colours:
        ideal = background.blend(colour, TINT)
        plain.append(pick(ideal, colour, under_text, reserved, {e.number for e in plain}) or bg)
    tints = []
    for entry in plain:
        text = text_for(entry)
        if text == foreground or _worst(fg, entry) >= READABLE:
            tints.append(Style(bgcolor=entry.colour.rich_color))  # the theme's text, as in truecolor
        else:
            tints.append(Style(color=text.rich_color, bgcolor=entry.colour.rich_color))

    strong: list[Entry] = []
    for colour, own in zip(colours, plain):
        ideal = background.blend(colour, FOCUS_TINT)
        others = {e.number for e in plain} | {e.number for e in strong}
        strong.append(pick(ideal, colour, under_text, reserved | {own.number}, others) or own)
    focuses = tuple(Style(color=text_for(e).rich_color, bgcolor=e.colour.rich_color) for e in strong)

    ghosts: list[Entry] = []
    for colour in colours:
        ideal = foreground.blend(colour, GHOST_MIX)
        taken = {e.number for e in ghosts}
        ghosts.append(pick(ideal, colour, on_background, {bg.number}, {fg.number}, taken) or fg)
    return tuple(tints), focuses, tuple(Style(color=e.colour.rich_color) for e in ghosts)
