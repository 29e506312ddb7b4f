"""What a review of two annotators (`adjudication.Review`) and of more (`many.ManyReview`) share: the
gold being built, finding a disagreement's spans and links in it, the queue, and undo.

The gold is the truth of what was decided: a subclass says how a disagreement stands by looking
at what the gold holds (`choice`), and keeps its decisions beside it only for what leaves nothing to
see there ("neither", "edit"). Each settlement is one edit of the gold, recorded with the decision
before it, so `undo` takes back both, and says which disagreement it went back to (`undone`).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import Relation, Span
from reader.review.alignment import Link, Unit


class AdjudicationError(UserError):
    """A settlement that cannot be made as asked (nothing in the gold was changed)."""


class GoldReview:
    """The shared half of a review of one document: `disagreements`, `decisions` and `gold` are set
    by the subclass, which also says how one stands (`choice`) and how it is settled (`settle`)."""

    disagreements: list[Any]
    decisions: dict[str, str]
    gold: DocAnnotations
    names: tuple[str, ...]

    def _start_history(self) -> None:
        self._history: list[tuple[str, str | None, Any]] = []
        """(disagreement key, decision before, the gold's `Edit` it made or None): for undo."""
        self.undone: str | None = None
        """The key of the disagreement the last `undo` took a decision back from."""

    # ----------------------------------------------------------------- reading

    def __len__(self) -> int:
        return len(self.disagreements)

    def _get(self, which: Any) -> Any:
        return self.disagreements[which] if isinstance(which, int) else which

    def index_of(self, key: str | None) -> int | None:
        """Where the disagreement named `key` is in the queue (None when it is not there)."""
        return next((i for i, d in enumerate(self.disagreements) if d.key == key), None)

    @property
    def text(self) -> str:
        return self.gold.text

    def _index(self) -> tuple[dict[tuple, Span], dict[tuple, Relation]]:
        """The gold's spans by `Unit.key` (extent and label, and the pieces of a span in fragments) and links by (head id, tail id, label), rebuilt
        only when the gold changed: the screen asks for every disagreement's state on each redraw."""
        cached = self.__dict__.get("_cached_index")
        if cached is None or cached[0] != (id(self.gold), self.gold.version):
            spans: dict[tuple, Span] = {}
            for span in self.gold.sorted_spans():
                spans.setdefault(Unit(span.start, span.end, span.label, fragments=span.fragments).key, span)
            links = {(r.head, r.tail, r.label): r for r in self.gold.relations.values()}
            cached = ((id(self.gold), self.gold.version), spans, links)
            self.__dict__["_cached_index"] = cached
        return cached[1], cached[2]

    def _find_span(self, u: Unit) -> Span | None:
        return self._index()[0].get(u.key)

    def _find_link(self, link: Link) -> Relation | None:
        spans, links = self._index()
        head, tail = spans.get(link.head.key), spans.get(link.tail.key)
        if head is None or tail is None:
            return None
        return links.get((head.id, tail.id, link.label))

    def present(self, side: Unit | Link | None) -> bool:
        """Whether the gold holds this span or link (by offsets and labels)."""
        if side is None:
            return False
        if isinstance(side, Link):
            return self._find_link(side) is not None
        return self._find_span(side) is not None

    def choice(self, which: Any) -> str | None:  # pragma: no cover - each subclass says
        raise NotImplementedError

    @property
    def settled(self) -> int:
        return sum(1 for i in range(len(self.disagreements)) if self.choice(i) is not None)

    @property
    def done(self) -> bool:
        return self.settled == len(self.disagreements)

    def next_unsettled(self, after: int = -1) -> int | None:
        """The index of the next unsettled disagreement after `after`, wrapping round; None when all are."""
        n = len(self.disagreements)
        for step in range(1, n + 1):
            i = (after + step) % n
            if self.choice(i) is None:
                return i
        return None

    def previous_unsettled(self, before: int | None = None) -> int | None:
        n = len(self.disagreements)
        start = n if before is None else before
        for step in range(1, n + 1):
            i = (start - step) % n
            if self.choice(i) is None:
                return i
        return None

    def missing_end(self, links: list[Link]) -> str | None:
        """Why these links cannot be taken now (an end not in the gold), or None."""
        for link in links:
            for end in (link.head, link.tail):
                if self._find_span(end) is None:
                    text = self.text[end.start : end.end]
                    return f"take the {end.label} {end.start}-{end.end} {json.dumps(text, ensure_ascii=False)} into the gold first"
        return None

    # ----------------------------------------------------------------- editing the gold

    def _remove(self, side: Unit | Link) -> Callable[[DocAnnotations], object]:
        if isinstance(side, Link):
            return lambda g: g.unlink(self._find_link(side).id)  # type: ignore[union-attr]
        return lambda g: g.delete_span(self._find_span(side).id)  # type: ignore[union-attr]

    def _add_link(self, link: Link) -> Callable[[DocAnnotations], object]:
        return lambda g: g.link(self._find_span(link.head).id, self._find_span(link.tail).id, link.label)  # type: ignore[union-attr]

    def _apply(self, key: str, title: str, edits: list[Callable[[DocAnnotations], object]], decision: str) -> None:
        """Run `edits` as one step of the gold, record `decision` for `key`, and remember both for undo."""
        before = self.decisions.get(key)
        made = None
        if edits:
            self.gold.batch(title, list(edits))
            made = self.gold.last_edit
        self.decisions[key] = decision
        self._history.append((key, before, made))

    def undo(self) -> bool:
        """Take back the last settlement (its gold edit and its record). False when there is none, or
        when the gold was edited by hand since (then undo that edit through the gold itself)."""
        if not self._history:
            return False
        key, before, made = self._history[-1]
        if made is not None:
            if self.gold.last_edit is not made:  # edited by hand since: that edit first
                return False
            self.gold.undo()
        self._history.pop()
        if before is None:
            self.decisions.pop(key, None)
        else:
            self.decisions[key] = before
        self.undone = key
        return True

    def snapshot(self) -> "GoldReview":
        """A frozen copy for saving in another thread: the gold's tables and the decisions copied."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__.pop("_cached_index", None)
        copy.gold = self.gold.snapshot()
        copy.decisions = dict(self.decisions)
        copy._history = []
        return copy

    def saved_decisions(self) -> dict[str, str]:
        """The decisions worth keeping: those of the current disagreements."""
        keys = {d.key for d in self.disagreements}
        return {k: v for k, v in sorted(self.decisions.items()) if k in keys}
