"""What the source picker offers for a claim, quote or allegation: the sources already marked and the
names near it not marked yet, nearest first, each with its distance and a few words around it.

Headless (no Textual), so the order and the wording of the rows are tested without a terminal; the
main screen (`tui/link_actions.py`) shows them as a numbered list.

Why names that are not marked yet: attribution annotators mark the content, then its source, and
the source is most often a name in the same sentence (", says Human Rights Watch") or the one
before it ("Abichev added."). Offering those names saves selecting them by hand; choosing one marks
it and links it in one step. A name is a run of capitalised words (`extents.names_in`), nothing
more clever, so the rows are predictable; anything else is picked in the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
from reader.core.text import Segmenter
from reader.view.extents import names_in

MAX_ROWS = 9
"""Rows the picker numbers (keys 1-9); the list is cut there."""

MAX_MARKED = 5
"""Marked sources offered (the nearest), so that names near the span keep a row in a long document."""


@dataclass(frozen=True)
class LinkChoice:
    start: int
    end: int
    text: str
    span_id: str | None
    """The marked source's id; None for a name not marked yet."""
    label: str
    """The source's label (for a name: the label it will get)."""
    distance: int
    """Characters between the two spans (0: they touch or overlap)."""
    where: str
    """"before", "after" or "inside" the span being linked."""
    context: str
    """A few words around the source, one line."""
    linked: bool = False
    """Already linked to the span (choosing it unlinks)."""


def _where(span: Span, start: int, end: int) -> tuple[str, int]:
    if end <= span.start:
        return "before", span.start - end
    if start >= span.end:
        return "after", start - span.end
    return "inside", 0


def context_of(text: str, start: int, end: int, words: int = 3) -> str:
    """The source and about `words` words on each side, on one line, with … where it is cut."""
    left = text[max(0, start - 60):start].rsplit("\n", 1)[-1]  # on the source's own line
    right = text[end:end + 60].split("\n", 1)[0]
    left_words = left.split(" ")
    right_words = right.split(" ")
    before = " ".join(left_words[-(words + 1):]).lstrip()
    after = " ".join(right_words[:words + 1]).rstrip()
    lead = "…" if len(left_words) > words + 1 else ""
    tail = "…" if len(right_words) > words + 1 else ""
    return f"{lead}{before}{text[start:end]}{after}{tail}"


def _nearby(seg: Segmenter, span: Span) -> tuple[int, int]:
    """The sentences the span is in, and the one before them: where its source is usually named."""
    first = seg.sentence_at(span.start) or (span.start, span.end)
    last = seg.sentence_at(max(span.start, span.end - 1)) or first
    before = seg.prev_sentence(first[0])
    return min(before, first[0], span.start), max(last[1], span.end)


def link_choices(
    ann: DocAnnotations,
    span: Span,
    targets: tuple[str, ...],
    seg: Segmenter | None = None,
    articles: Iterable[str] = ("the", "a", "an"),
) -> list[LinkChoice]:
    """The rows of the source picker for `span` (at most `MAX_ROWS`): the spans whose label is in
    `targets`, nearest first (at most `MAX_MARKED`), then the names in its sentence and the one before that no such span
    covers yet, nearest first (the names inside the span last: "The NGO said ..." marked whole
    offers "NGO", to be linked before the span is trimmed). Marked sources come first so that enter (the first row) never makes
    a new span unasked. `targets` must not be empty (the first is the label a chosen name gets)."""
    text = ann.text
    seg = seg or Segmenter(text)
    linked = {r.tail for r in ann.relations.values() if r.head == span.id}
    rows: list[LinkChoice] = []
    marked: list[Span] = []
    for cand in ann.spans.values():
        if cand.label not in targets or cand.id == span.id:
            continue
        marked.append(cand)
        where, distance = _where(span, cand.start, cand.end)
        rows.append(LinkChoice(cand.start, cand.end, cand.text, cand.id, cand.label, distance, where,
                               context_of(text, cand.start, cand.end), cand.id in linked))
    lo, hi = _nearby(seg, span)
    for start, end in names_in(text, lo, hi, articles):
        if (start, end) == (span.start, span.end):
            continue
        if any(m.start <= start and end <= m.end for m in marked):
            continue  # marked already: offered as that span
        where, distance = _where(span, start, end)
        rows.append(LinkChoice(start, end, text[start:end], None, targets[0], distance, where,
                               context_of(text, start, end)))
    rows.sort(key=lambda r: (r.span_id is None, r.span_id is None and r.where == "inside", r.distance, r.start))
    marked_rows = [r for r in rows if r.span_id is not None][:MAX_MARKED]
    return (marked_rows + [r for r in rows if r.span_id is None])[:MAX_ROWS]
