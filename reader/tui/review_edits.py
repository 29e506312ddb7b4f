"""The hand edits the review screen offers for one disagreement (key 5): mark the selection with a
label, delete a gold span near it, link or unlink a link disagreement's head, take any candidate of
a contest of three annotators or more (also those past the number keys), or keep the gold as it is.

Apart from the screen so that it stays about keys and moving; the choices are plain values the
screen's dialog answer turns into edits of the gold.
"""

from __future__ import annotations

from typing import Any

from reader.review.alignment import Link
from reader.review.candidates import Contest
from reader.tui.dialogs import Choice
from reader.tui.tag_panel import snippet


def edit_choices(review: Any, schema: Any, d: Any, start: int, end: int, cursor: int) -> list[Choice]:
    """Every hand edit for disagreement `d`, the selection (or its extent) being start..end."""
    gold = review.gold
    choices: list[Choice] = []
    if start < end:
        for label in schema.labels:
            if gold.find_span(start, end, label.name) is None:
                choices.append(Choice(f"add:{label.name}", f"Mark “{snippet(gold.text[start:end], 36)}” as {label.name}"))
    nearby = [s for s in gold.sorted_spans() if s.overlaps(d.start, d.end) or s.start <= cursor < s.end]
    for span in nearby:
        choices.append(Choice(f"delete:{span.id}", f"Delete the gold {span.label} “{snippet(span.text, 36)}”"))
    choices += link_choices(review, schema, d)
    if isinstance(d, Contest):
        choices[:0] = [
            Choice(f"take:{k}", f"Take candidate {k} alone ({', '.join(review.makers(cand))})")
            for k, cand in enumerate(d.candidates, 1)
        ]
    choices.append(Choice("keep", "Keep the gold as it is (settled by hand)"))
    return choices


def link_choices(review: Any, schema: Any, d: Any) -> list[Choice]:
    """For a link disagreement: link (or unlink) each head the gold holds to each source it holds."""
    gold = review.gold
    out: dict[str, Choice] = {}
    sides = [c.item for c in d.candidates] if isinstance(d, Contest) else [d.a, d.b]
    for link in sides:
        if not isinstance(link, Link):
            continue
        head = gold.find_span(*link.head.key)
        if head is None:
            continue
        linked = {r.tail: r for r in gold.relations.values() if r.head == head.id}
        targets = schema.link_targets(head.label)
        for source in gold.sorted_spans():
            if source.label not in targets:
                continue
            what = f"“{snippet(head.text, 24)}” → “{snippet(source.text, 24)}”"
            if source.id in linked:
                out[f"unlink:{linked[source.id].id}"] = Choice(f"unlink:{linked[source.id].id}", f"Unlink {what}")
            else:
                out[f"link:{head.id}:{source.id}"] = Choice(f"link:{head.id}:{source.id}", f"Link {what}")
    return list(out.values())
