"""What `DocAnnotations` keeps in step with its edits instead of computing it again on every key.

A book has 20,000 spans: sorting them, counting their labels or scanning every id for the highest
number on each keystroke would cost what the book costs. `SpanIndex` keeps the spans in text order,
the label counts and a log of recent span changes (for views that update an index of their own);
`IdCounter` keeps the highest number each id prefix ever had. Both are updated by one change at a time
and rebuilt lazily from the tables when told to forget.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping

from reader.core.model import Span

LOG_SIZE = 4096
"""Span changes kept for `SpanIndex.changes_since`; half is dropped when it is full."""


def text_order(span: Span) -> tuple[int, int, str, str]:
    """Text order: start, then the longer first, then label and id."""
    return (span.start, -span.end, span.label, span.id)


class SpanIndex:
    """The spans of one table in text order, their label counts, and the recent changes to them."""

    def __init__(self, spans: Mapping[str, Span]) -> None:
        self._spans = spans
        self._sorted: list[Span] | None = None
        self._counts: dict[str, int] | None = None
        self._log: list[tuple[int, Span | None, Span | None]] = []
        """(version, old, new) of recent span changes."""
        self._log_since = 0
        """The oldest version the log can answer for."""

    def sorted(self) -> list[Span]:
        if self._sorted is None:
            self._sorted = sorted(self._spans.values(), key=text_order)
        return self._sorted

    def counts(self) -> dict[str, int]:
        if self._counts is None:
            counts: dict[str, int] = {}
            for span in self._spans.values():
                counts[span.label] = counts.get(span.label, 0) + 1
            self._counts = counts
        return self._counts

    def changes_since(self, version: int) -> list[tuple[Span | None, Span | None]] | None:
        """The (old, new) span changes after `version`, oldest first; None if that is too far back."""
        if version < self._log_since:
            return None
        return [(old, new) for v, old, new in self._log if v > version]

    def changed(self, old: Span | None, new: Span | None, version: int) -> None:
        """One span changed from `old` to `new` (None: absent), making `version`."""
        if self._sorted is not None:
            if old is not None:
                i = bisect.bisect_left(self._sorted, text_order(old), key=text_order)
                while i < len(self._sorted) and self._sorted[i].id != old.id:
                    i += 1
                if i < len(self._sorted):
                    del self._sorted[i]
            if new is not None:
                bisect.insort(self._sorted, new, key=text_order)
        if self._counts is not None:
            if old is not None:
                self._counts[old.label] -= 1
            if new is not None:
                self._counts[new.label] = self._counts.get(new.label, 0) + 1
        self._log.append((version, old, new))
        if len(self._log) > LOG_SIZE:
            del self._log[: LOG_SIZE // 2]
            self._log_since = self._log[0][0] - 1

    def forget(self, version: int) -> None:
        """The table changed without a log entry (loading): rebuild on demand, answer from `version` on."""
        self._sorted = self._counts = None
        self._log.clear()
        self._log_since = version

    def copy(self, spans: Mapping[str, Span], version: int) -> SpanIndex:
        """The same caches over a copy of the table (the log is not copied: it answers from `version`)."""
        twin = SpanIndex(spans)
        twin._sorted = None if self._sorted is None else list(self._sorted)
        twin._counts = None if self._counts is None else dict(self._counts)
        twin._log_since = version
        return twin


def _note_id(highest: dict[str, int], key: str) -> None:
    digits = key.lstrip("abcdefghijklmnopqrstuvwxyz")
    prefix = key[: len(key) - len(digits)]
    if digits.isdigit() and prefix:
        highest[prefix] = max(highest.get(prefix, 0), int(digits))


class IdCounter:
    """The highest number ever given to an id with each prefix (`s`, `r`), so that a new id is fresh.

    `keys()` lists every id in use (live, kept aside, in the undo history); `floor` adds the numbers
    a saved file had used, so an id deleted before a restart does not come back either.
    """

    def __init__(self, keys: Callable[[], Iterable[str]]) -> None:
        self._keys = keys
        self._floor: dict[str, int] = {}
        self._highest: dict[str, int] | None = None

    @property
    def floor(self) -> dict[str, int]:
        return dict(self._floor)

    @floor.setter
    def floor(self, value: Mapping[str, int]) -> None:
        self._floor = {str(k): int(v) for k, v in value.items()}
        self._highest = None

    def highest(self) -> dict[str, int]:
        if self._highest is None:
            highest = dict(self._floor)
            for key in self._keys():
                _note_id(highest, key)
            self._highest = highest
        return self._highest

    def next(self, prefix: str) -> str:
        return f"{prefix}{self.highest().get(prefix, 0) + 1}"

    def note(self, key: str) -> None:
        """`key` is in use now."""
        if self._highest is not None:
            _note_id(self._highest, key)

    def forget(self) -> None:
        """Ids were added in a way `note` did not see: count them again on demand."""
        self._highest = None

    def copy(self, keys: Callable[[], Iterable[str]]) -> IdCounter:
        twin = IdCounter(keys)
        twin._floor = dict(self._floor)
        twin._highest = None if self._highest is None else dict(self._highest)
        return twin
