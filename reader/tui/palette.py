"""The article view's colours, resolved from its CSS and the label schema into a `paint.Palette`.

Tints are the label colour blended into the widget's own background, so they follow the theme; the
span under the cursor gets a stronger tint and whichever of the theme's foreground and background
reads better on it (WCAG contrast), so it stays readable in dark and light themes alike. Ghost spans
take the label colour mixed into the foreground (a pure label colour on a light theme is unreadable).
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.widget import Widget

from reader.core.schema import Schema
from reader.view.paint import Palette

TINT = 0.35
"""How much of the label colour goes into a span's background."""
FOCUS_TINT = 0.7
"""The same for the span under the cursor."""


def luminance(colour: Color) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
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
    tint: dict[str, Style] = {}
    focus: dict[str, Style] = {}
    ghost: dict[str, Style] = {}
    for label in schema.labels:
        colour = Color.parse(label.color)
        tint[label.name] = Style(bgcolor=background.blend(colour, TINT).rich_color)
        strong = background.blend(colour, FOCUS_TINT)
        text = max((background, foreground), key=lambda c: contrast(c, strong))
        focus[label.name] = Style(color=text.rich_color, bgcolor=strong.rich_color) + focus_style
        ghost[label.name] = Style(color=foreground.blend(colour, 0.55).rich_color) + ghost_style
    return Palette(
        base=base,
        cursor=component(widget, prefix + "cursor", background),
        selection=component(widget, prefix + "selection", background),
        overlap=component(widget, prefix + "overlap", background),
        tint=tint,
        focus=focus,
        ghost=ghost,
        fallback=Style(underline=True),
    )
