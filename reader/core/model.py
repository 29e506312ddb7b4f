"""Documents, spans and relations: the immutable values every layer passes around.

Offsets are Python `str` code points of the document text as loaded (line endings already
normalised by `files.corpus`), `[start, end)`, so `text[span.start:span.end] == span.text`.
`DocAnnotations` (in `core.annotations`) is the one place that changes them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Mapping

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
        text = self.text
        start = len(text) - len(text[:4096].lstrip()) if text[:4096].strip() else 0
        end = text.find("\n", start)
        first = text[start : end if end >= 0 else start + 200][:200].strip()
        return first[:80] or self.id


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

    def __hash__(self) -> int:  # attrs is a dict: hash on what identifies the span
        return hash((self.id, self.start, self.end, self.label))

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


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


def trim_extent(text: str, start: int, end: int) -> tuple[int, int]:
    """Clamp [start, end) to the text and shrink it so that it neither starts nor ends with whitespace."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
