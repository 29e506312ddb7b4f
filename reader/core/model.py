"""Documents, spans and relations: the immutable values every layer passes around.

Offsets are Python `str` code points of the document text as loaded (line endings already
normalised by `files.corpus`), `[start, end)`, so `text[span.start:span.end] == span.text`.
`DocAnnotations` (in `core.annotations`) is the one place that changes them.

A span may be discontinuous: a quote split by its attribution (`"We are not a party," she said,
"but a movement."`) is one quote in two `fragments`, each `(start, end)`, in text order, apart by
more than whitespace and never overlapping. `start` is the first fragment's start and `end` the last
one's end, and `text` stays `text[start:end]`, the gap included: every reader that knows nothing of
fragments (an older `reader validate`, a tool reading the file) still finds the span where it says
and sees it as one piece over the whole stretch. What the span says is `fragment_texts`, one a
fragment, or `joined_text`, those joined by " … " (what the panel shows and what a format with one
text a span writes). A span in one piece has no fragments (an empty tuple), so nothing changes for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Mapping

from reader.core.errors import UserError


class InvariantError(UserError):
    """An edit that would break an invariant; nothing was changed."""


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Document:
    """One article: its id (file name without extension), its text and what is known about it."""

    id: str
    text: str
    meta: Mapping[str, object] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        cached = self.__dict__.get("_sha256")
        if cached is None:
            cached = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
            object.__setattr__(self, "_sha256", cached)
        return cached

    @property
    def title(self) -> str:
        title = self.meta.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
        head = self.text[:4096]  # the first line with text, looked for in the head only (a book is MBs)
        start = len(head) - len(head.lstrip())
        end = head.find("\n", start)
        first = head[start : end if end >= 0 else start + 200][:200].strip()
        return first[:80].rstrip() or self.id


@dataclass(frozen=True)
class Span:
    id: str
    start: int
    end: int
    label: str
    text: str
    attrs: Mapping[str, str] = field(default_factory=dict)
    note: str = ""
    created: str = ""
    updated: str = ""
    fragments: tuple[tuple[int, int], ...] = ()
    """The pieces of a discontinuous span, each (start, end), in text order; empty for one piece."""

    def __post_init__(self) -> None:
        frags = self.fragments
        if frags and (type(frags) is not tuple or any(type(f) is not tuple for f in frags)):  # lists from JSON
            object.__setattr__(self, "fragments", tuple((int(s), int(e)) for s, e in frags))

    def __hash__(self) -> int:  # attrs is a dict: hash on what identifies the span
        return hash((self.id, self.start, self.end, self.label))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a character with the span (with one of its fragments, not a gap)."""
        if not (self.start < end and start < self.end):
            return False
        return not self.fragments or any(s < end and start < e for s, e in self.fragments)

    @property
    def extents(self) -> tuple[tuple[int, int], ...]:
        """The span's pieces: its fragments, or its one (start, end)."""
        return self.fragments or ((self.start, self.end),)

    @property
    def fragment_texts(self) -> tuple[str, ...]:
        """The text of each piece, in order (taken from `text`, which runs from the first to the last)."""
        if not self.fragments:
            return (self.text,)
        return tuple(self.text[s - self.start : e - self.start] for s, e in self.fragments)

    @property
    def joined_text(self) -> str:
        """The pieces' texts joined by " … ": what the span says, without the gaps."""
        return JOINER.join(self.fragment_texts) if self.fragments else self.text

    @property
    def length(self) -> int:
        """Characters in the span's pieces (the gaps between fragments not counted)."""
        return sum(e - s for s, e in self.extents)


@dataclass(frozen=True)
class Relation:
    id: str
    head: str
    """Span id of the claim/quote/allegation."""
    tail: str
    """Span id of the source."""
    label: str = "attributed_to"


@dataclass(frozen=True)
class Orphan:
    """A span (or a relation to one) that could not be placed: kept, saved back, reported, never dropped."""

    item: Span | Relation
    reason: str
    context: tuple[str, str] = ("", "")
    """The text before and after a span where it last fitted, for placing it again later."""


JOINER = " … "
"""Between the texts of a span's fragments wherever it is shown or written as one text."""


def join_extents(text: str, extents: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Extents as a span's fragments: each trimmed of whitespace (empty ones left out), sorted, and
    those that overlap, touch or stand apart by whitespace only merged. One piece comes back as one
    extent, none as an empty tuple; `Span.fragments` takes the result when it has two or more."""
    out: list[list[int]] = []
    for s, e in sorted(trim_extent(text, s, e) for s, e in extents):
        if s >= e:
            continue
        if out and (s <= out[-1][1] or not text[out[-1][1] : s].strip()):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def trim_extent(text: str, start: int, end: int) -> tuple[int, int]:
    """Clamp [start, end) to the text and shrink it so that it neither starts nor ends with whitespace."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
