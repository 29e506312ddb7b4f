"""Undo and redo for `DocAnnotations`: every edit is a list of primitive changes, run either way.

A user's edit (add, delete, relabel, a batch such as "accept all suggestions") is recorded as the
primitive changes it made, each the old and the new value of one span or one relation, so undo and redo
are the same code run backwards and forwards, as deep as the session. `DocAnnotations` owns the tables
and applies the changes; this module holds the two stacks, and `Overlay`, the spans as an edit would
leave them, so that an edit is checked as a whole before anything changes.
"""

from __future__ import annotations

from collections import abc
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from reader.core.model import Span

Change = tuple[str, str, object, object]
"""A primitive change: (kind, key, old, new) with kind "span" or "rel"; None means absent."""


@dataclass
class Edit:
    """One user-visible edit: a name for the undo message and the changes it made."""

    name: str
    changes: list[Change]


class Overlay(abc.Mapping):
    """The spans as they will be after an edit, without copying every span of a book."""

    def __init__(self, base: Mapping[str, Span], changed: Mapping[str, Span | None]) -> None:
        self.base, self.changed = base, changed

    def __getitem__(self, key: str) -> Span:
        if key in self.changed:
            value = self.changed[key]
            if value is None:
                raise KeyError(key)
            return value
        return self.base[key]

    def __iter__(self) -> Iterator[str]:
        yield from (k for k in self.base if k not in self.changed)
        yield from (k for k, v in self.changed.items() if v is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class History:
    """The undo and redo stacks of one annotator's document; `apply(changes, forward)` runs an edit."""

    def __init__(self, apply: Callable[[list[Change], bool], None]) -> None:
        self._apply = apply
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def last(self) -> Edit | None:
        """The edit `undo` would take back."""
        return self._undo[-1] if self._undo else None

    def record(self, edit: Edit) -> None:
        """A new edit, already applied: it can be undone, and what was undone can no longer be redone."""
        self._undo.append(edit)
        self._redo.clear()

    def undo(self) -> str | None:
        """Run the last edit backwards; its name, or None when there is nothing to undo."""
        if not self._undo:
            return None
        edit = self._undo.pop()
        self._apply(edit.changes, False)
        self._redo.append(edit)
        return edit.name

    def redo(self) -> str | None:
        """Run the last undone edit forwards again; its name, or None."""
        if not self._redo:
            return None
        edit = self._redo.pop()
        self._apply(edit.changes, True)
        self._undo.append(edit)
        return edit.name

    def as_one(self, name: str, run: Callable[[], object]) -> None:
        """Whatever edits `run()` records become one edit called `name`; if it raises, all are undone."""
        mark = len(self._undo)
        try:
            run()
        except Exception:
            while len(self._undo) > mark:
                self._apply(self._undo.pop().changes, False)
            raise
        merged: list[Change] = [change for edit in self._undo[mark:] for change in edit.changes]
        del self._undo[mark:]
        if merged:
            self._undo.append(Edit(name, merged))

    def keys(self) -> Iterator[str]:
        """Every span and relation id some edit in either stack touched."""
        for edit in self._undo + self._redo:
            for _kind, key, _old, _new in edit.changes:
                yield key
