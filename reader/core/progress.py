"""A progress bar on stderr for long work over many documents (import, export, suggest, diff).

Shown only when stderr is a terminal and the work is long enough to need one, so pipes, CI logs
and tests see nothing. rich draws it; Textual is not involved.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Self, TypeVar

T = TypeVar("T")


def track(items: Sequence[T], description: str, threshold: int = 20, show: bool | None = None) -> Iterator[T]:
    """Iterate over `items`, with a transient progress bar when `show` (default: stderr is a terminal)
    and there are more than `threshold` of them."""
    if show is None:
        show = sys.stderr.isatty()
    if not show or len(items) <= threshold:
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=len(items))
        for item in items:
            yield item
            progress.advance(task)


class Bar:
    """A bar for work measured in steps the caller counts itself (training's iterations), drawn like
    `track`'s: only when `show` (default: stderr is a terminal); a context manager."""

    def __init__(self, description: str, total: int, show: bool | None = None) -> None:
        self.description, self.total = description, total
        self.show = sys.stderr.isatty() if show is None else show
        self._progress = None
        self._task = None

    def __enter__(self) -> Self:
        if self.show:
            from rich.console import Console
            from rich.progress import Progress

            self._progress = Progress(console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=self.total)
        return self

    def update(self, completed: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=completed)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
