"""The tag panel: the schema's labels with keys, colours and counts, and the document's spans in text order.

The span list is a `ScrollView` drawing one line per span with the Line API rather than an
`OptionList`: a book can carry 20,000 spans, and rebuilding 20,000 options after every label key would
cost far more than the 33 ms a key may take. Lines are made on demand from
`DocAnnotations.sorted_spans()`, with the span -> sources map cached on `annotations.version`.
Article text is data: every line is built from plain strings, never markup. A line too long for the
panel ends in "…" (the span's text is cut first, then its sources, attributes and note). A span in
fragments is one line: its fragments' texts joined by " … ", and a broken bar (`╏`, not `▌`) in
its label's colour at the margin says it is in pieces.

Suggestions (`reader suggest`'s ghosts) are not spans yet: the title counts them beside the spans,
and a line under it names the one under the cursor, with its sources, its note (a trained model's
confidence, or the rule that found it) and the keys that decide it.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
from reader.core.schema import Schema


def snippet(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(0, width - 1)] + "…"


class LabelLegend(Static):
    """Each label: its colour, key, name and how many spans carry it."""

    DEFAULT_CSS = "LabelLegend { height: auto; padding: 0 1; }"

    def show_counts(self, schema: Schema, annotations: DocAnnotations) -> None:
        counts = annotations.label_counts()
        parts: list[Content] = []
        for label in schema.labels:
            parts.append(Content.styled("  ", f"on {label.color}"))
            parts.append(Content(f" {label.key} {label.name} "))
            parts.append(Content.styled(str(counts.get(label.name, 0)), "bold"))
            parts.append(Content("\n"))
        self.update(Content("").join(parts[:-1]) if parts else Content(""))


class SpanList(ScrollView, can_focus=True):
    """One line per span in text order; enter jumps to it in the article."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous", show=False, id="spans.up"),
        Binding("down", "move(1)", "Next", show=False, id="spans.down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="spans.page_up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="spans.page_down"),
        Binding("enter", "choose", "Go to span", id="spans.choose"),
    ]

    COMPONENT_CLASSES = {"span-list--cursor", "span-list--current"}

    DEFAULT_CSS = """
    SpanList { height: 1fr; }
    SpanList > .span-list--cursor { background: $accent 40%; }
    SpanList > .span-list--current { text-style: bold; }
    """

    row: reactive[int] = reactive(0)
    """The highlighted row (the list's own cursor)."""

    class Chosen(Message):
        """The user chose a span: the screen jumps the article to it."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    def __init__(self, annotations: DocAnnotations, schema: Schema, **kwargs) -> None:
        super().__init__(**kwargs)
        self.annotations = annotations
        self.schema = schema
        self.current: str | None = None
        """Id of the span under the article's cursor, drawn bold."""
        self._sources: dict[str, list[str]] = {}
        self._version = -1

    def load(self, annotations: DocAnnotations) -> None:
        self.annotations = annotations
        self.row = 0
        self.refresh_spans()

    def refresh_spans(self) -> None:
        spans = self.annotations.sorted_spans()
        self.virtual_size = Size(self.size.width, len(spans))
        if self.row >= len(spans):
            self.row = max(0, len(spans) - 1)
        self.refresh()

    def show_current(self, span: Span | None) -> None:
        """Mark the span under the article's cursor, and bring it into view."""
        ident = span.id if span else None
        if ident == self.current:
            return
        self.current = ident
        if span is not None:
            index = self._index_of(span)
            if index is not None:
                self.row = index
        self.refresh()

    def _index_of(self, span: Span) -> int | None:
        import bisect

        spans = self.annotations.sorted_spans()
        keys = (span.start, -span.end, span.label, span.id)
        i = bisect.bisect_left(spans, keys, key=lambda s: (s.start, -s.end, s.label, s.id))
        return i if i < len(spans) and spans[i].id == span.id else None

    def watch_row(self, row: int) -> None:
        self.scroll_to(y=max(0, row - self.size.height // 2), animate=False) if not (
            self.scroll_offset.y <= row < self.scroll_offset.y + self.size.height
        ) else None
        self.refresh()

    def action_move(self, delta: int) -> None:
        count = len(self.annotations.spans)
        if count:
            self.row = max(0, min(count - 1, self.row + delta))

    def action_choose(self) -> None:
        spans = self.annotations.sorted_spans()
        if 0 <= self.row < len(spans):
            self.post_message(self.Chosen(spans[self.row]))

    def on_click(self, event) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < len(self.annotations.spans):
            self.row = row
            self.action_choose()

    def _sources_of(self) -> dict[str, list[str]]:
        if self._version != self.annotations.version:
            out: dict[str, list[str]] = {}
            spans = self.annotations.spans
            for rel in self.annotations.relations.values():
                tail = spans.get(rel.tail)
                if tail is not None:
                    out.setdefault(rel.head, []).append(tail.joined_text)
            self._sources, self._version = out, self.annotations.version
        return self._sources

    def render_line(self, y: int) -> Strip:
        row = y + self.scroll_offset.y
        spans = self.annotations.sorted_spans()
        width = self.size.width
        base = self.rich_style
        if row >= len(spans):
            return Strip.blank(width, base)
        span = spans[row]
        label = self.schema.label(span.label)
        colour = label.color if label else "#888888"
        style = base
        if row == self.row and self.has_focus:
            style = base + self.get_component_rich_style("span-list--cursor")
        if span.id == self.current:
            style = style + self.get_component_rich_style("span-list--current")
        tail = ""
        sources = self._sources_of().get(span.id)
        if sources:
            tail += " ← " + ", ".join(snippet(s, 18) for s in sources)
        if span.attrs:
            tail += " [" + " ".join(f"{k}={v}" for k, v in sorted(span.attrs.items())) + "]"
        if span.note:
            tail += " ✎ " + snippet(span.note, 24)
        name = f" {span.label[:5]:<5} "
        room = max(0, width - 1 - len(name))
        if len(tail) > room // 2:
            tail = snippet(tail, max(1, room // 2))
        text = snippet(span.joined_text, max(1, room - len(tail)))
        segments = [
            Segment("╏" if span.fragments else "▌", Style(color=colour)),
            Segment(name[:max(0, width - 1)], style + Style(color=colour, bold=True)),
            Segment(text, style),
            Segment(tail, style + Style(dim=True)),
        ]
        return Strip(segments).crop_extend(0, width, style)


class TagPanel(Vertical):
    """The side panel: the legend above the span list."""

    DEFAULT_CSS = """
    TagPanel { width: 38; border-left: tall $panel-lighten-2; }
    TagPanel > .tag-panel--title { padding: 0 1; text-style: bold; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    TagPanel > .tag-panel--suggestion { padding: 0 1; height: auto; text-style: italic; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, annotations: DocAnnotations, schema: Schema, **kwargs) -> None:
        super().__init__(**kwargs)
        self.annotations = annotations
        self.schema = schema

    def compose(self):
        yield Static(Content("Labels"), classes="tag-panel--title")
        yield LabelLegend(id="legend")
        yield Static(Content("Spans"), classes="tag-panel--title", id="spans-title")
        yield Static(Content(""), classes="tag-panel--suggestion", id="suggestion-here")
        yield SpanList(self.annotations, self.schema, id="span-list")

    def on_mount(self) -> None:
        self.refresh_spans()
        self.show_suggestion(None)

    def load(self, annotations: DocAnnotations) -> None:
        self.annotations = annotations
        self.query_one(SpanList).load(annotations)
        self.refresh_spans()

    def refresh_spans(self, pending: int = 0) -> None:
        """Counts and lines again; `pending`: how many suggestions wait for a decision."""
        self.query_one(LabelLegend).show_counts(self.schema, self.annotations)
        count = len(self.annotations.spans)
        title = f"Spans ({count})" + (f" · {pending} suggested (f goes to the next)" if pending else "")
        self.query_one("#spans-title", Static).update(Content(title))
        self.query_one(SpanList).refresh_spans()

    def show_suggestion(self, ghost: Span | None, sources: list[str] = ()) -> None:
        """Name the suggestion under the cursor (None: there is none, the line goes), with its note: a
        trained model's confidence in it, or the rule that found it."""
        line = self.query_one("#suggestion-here", Static)
        line.display = ghost is not None
        if ghost is None:
            return
        label = self.schema.label(ghost.label)
        colour = label.color if label else "#888888"
        head = f"suggested {ghost.label}: " + snippet(ghost.text, 24)
        if sources:
            head += " ← " + ", ".join(snippet(s, 18) for s in sources)
        body = Content.styled("▌", colour) + Content(head)
        note = ghost.note.removeprefix("suggested: ").strip()  # the rules' notes say it again
        if note:  # a model's confidence ("model de: 0.83; source 'HRW' 0.71") or the rule that found it
            room = self.content_region.width - 6  # the line's padding, indent and brackets (the line may
            # have been hidden until now, so its own width is not laid out yet; the panel's is)
            body += Content("\n  (" + snippet(note, room if room > 8 else 60) + ")")
        line.update(body + Content("\n  y accepts · X rejects · A all"))
