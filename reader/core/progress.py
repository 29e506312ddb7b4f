"""A progress bar on stderr for long work over many documents (import, export, suggest, diff).

Shown only when stderr is a terminal and the work is long enough to need one, so pipes, CI logs
and tests see nothing. rich draws it; Textual is not involved.
"""

from __future__ import annotations

import sys
from typing import Iterator, Sequence, TypeVar

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
