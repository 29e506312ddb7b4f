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

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.annotations import DocAnnotations
from reader.core.model import Span
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


BEFORE, AFTER = 300, 200
"""How far from the span names are looked for, in characters: about the sentence before it and its
own (a source is named there: "Abichev added. \"They had ..."), never past the paragraph before the
span's own or past the end of its own."""

NEARBY_MARKED = 64
"""Marked sources looked at on each side of the span, in text order, to find the nearest ones
without going through every span of a book."""


def _nearby(text: str, span: Span) -> tuple[int, int]:
    """Where names near `span` are looked for (see `BEFORE`), starting and ending between words."""
    own = text.rfind("\n\n", 0, span.start)
    previous = text.rfind("\n\n", 0, own) if own > 0 else -1
    lo = max(span.start - BEFORE, previous + 2 if previous >= 0 else 0)
    while 0 < lo < span.start and text[lo - 1].isalnum():
        lo += 1  # not from inside a word
    hi = min(len(text), span.end + AFTER)
    brk = text.find("\n\n", span.end, hi)
    hi = brk if brk >= 0 else hi
    while span.end < hi < len(text) and text[hi].isalnum():
        hi -= 1
    return lo, hi


def _marked_near(ann: DocAnnotations, span: Span, targets: tuple[str, ...]) -> list[Span]:
    """The spans with a target label nearest `span` in text order (`NEARBY_MARKED` each side), and
    every span linked to it however far."""
    spans = ann.sorted_spans()
    i = bisect.bisect_left(spans, (span.start, -span.end), key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for step, j in ((1, i), (-1, i - 1)):
        found = 0
        while 0 <= j < len(spans) and found < NEARBY_MARKED:
            cand = spans[j]
            if cand.label in targets and cand.id != span.id:
                out.append(cand)
                found += 1
            j += step
    out.extend(t for t in ann.sources_of(span.id) if t.label in targets and t not in out)
    return out


def link_choices(
    ann: DocAnnotations,
    span: Span,
    targets: tuple[str, ...],
    articles: Iterable[str] = ("the", "a", "an"),
) -> list[LinkChoice]:
    """The rows of the source picker for `span` (at most `MAX_ROWS`): the spans whose label is in
    `targets`, nearest first (at most `MAX_MARKED`), then the names near the span (`BEFORE`) no
    such span covers yet, nearest first (the names inside the span last: "The NGO said ..." marked
    whole offers "NGO", to be linked before the span is trimmed). Marked sources come first so that
    enter (the first row) never makes a new span unasked. `targets` must not be empty (the first is
    the label a chosen name gets). What it costs does not grow with the document."""
    text = ann.text
    linked = {t.id for t in ann.sources_of(span.id)}
    marked = _marked_near(ann, span, targets)
    nearest = sorted(marked, key=lambda c: (_where(span, c.start, c.end)[1], c.start))[:MAX_MARKED]
    rows = []
    for c in nearest:
        where, distance = _where(span, c.start, c.end)
        rows.append(LinkChoice(c.start, c.end, c.text, c.id, c.label, distance, where,
                               context_of(text, c.start, c.end), c.id in linked))
    names: list[LinkChoice] = []
    for start, end in names_in(text, *_nearby(text, span), articles):
        if (start, end) == (span.start, span.end) or any(m.start <= start and end <= m.end for m in marked):
            continue  # the span itself, or marked already (offered as that span)
        where, distance = _where(span, start, end)
        names.append(LinkChoice(start, end, text[start:end], None, targets[0], distance, where,
                                context_of(text, start, end)))
    names.sort(key=lambda r: (r.where == "inside", r.distance, r.start))
    return (rows + names)[:MAX_ROWS]
