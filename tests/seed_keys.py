"""Key scripts of a full manual annotation of the seed article, and the replay that drives the app by them.

Each script, pressed from the document's start with the default keymap, makes the reference
annotation of `tests/reference_seed.py` (37 spans, 19 links, 10 quote kinds, status done) and
nothing else: `tests/test_key_replay.py` checks the saved file, `benchmarks/keys_bench.py` counts
the keys.

- `SCRIPT` is today's path: content then source, the source picker opening after each label key
  (a number links a marked source or marks a name near the span; `p` picks in the text), `e` for
  clauses and quotations, `"`/`'` to the next/previous quotation, `}` then `b` to a sentence's end.
- `BEFORE` is the same annotation with the keys of the app before issue 15 (commit 6f4aedf): no
  picker after a label, arrows in the dialogs, the cursor back at a span's start after labelling,
  `w` stopping inside "month's", edges by whitespace words. It is kept so that the benchmark can
  replay it on that commit and measure the baseline in the same run.

A step is one unit of the annotation: a span, or a claim, quote or allegation with its source
(marked first, or picked from the picker), its quote kind included. Keys are Textual key names,
with the shorthands in `SHORT` (`}` is right_curly_bracket, `esc` is escape).

This module imports only what both versions of the app have (`create_app`, the store's `load`),
so the benchmark can run it on the old commit.
"""

from __future__ import annotations

SHORT = {
    "}": "right_curly_bracket", "{": "left_curly_bracket", ")": "right_parenthesis", "(": "left_parenthesis",
    ",": "comma", ".": "full_stop", "<": "less_than_sign", ">": "greater_than_sign", '"': "quotation_mark",
    "'": "apostrophe", "esc": "escape",
}

SCRIPT: list[tuple[str, str]] = [
    ("line 1: allegation (clause) <- new source Human Rights Watch", "e 3 1"),
    ("line 9: claim (sentence without its full stop), no source", "} } 1 esc ,"),
    ("line 12: allegation (clause) <- new source Human Rights Watch", "} e 3 2"),
    ("line 14: allegation <- new source NGO (the sentence, linked, trimmed)", "} 3 6 > > > ,"),
    ("line 14: partial quote <- NGO", "' e 2 1 a 2"),
    ("line 16: direct quote <- new source HRW", '" e 2 4 a 1'),
    ("line 18: source Kazakh authorities, then the claim after 'that' <- it", "} v w w 4 ) b e 1 1"),
    ("line 20: claim, no source", "} 1 esc ,"),
    ("line 22: claim, no source", "} 1 esc ,"),
    ("line 24: allegation after 'that' <- new source Asset Abichev", "} } b e e 3 7"),
    ("line 26: direct quote <- Asset Abichev", '" e 2 1 a 1'),
    ("line 28: direct quote <- new source Abichev", '" e 2 6 a 1'),
    ("line 28: direct quote <- Abichev", '" e 2 1 a 1'),
    ("line 30: source Kazakh prosecutors (clause, trimmed), then the claim <- it", "} e 4 > > ) b e e 1 1"),
    ("line 32: source Many of those released, then the allegation after 'that' <- it", "} v w w w w 4 ) b e 3 1"),
    ("line 34: partial quote <- new source Hugh Williamson", '" e 2 9 a 2'),
    ("line 34: claim (clause without 'said') <- Hugh Williamson", "e e e 1 1 >"),
    ("line 36: direct quote <- Hugh Williamson", '} " e 2 1 a 1'),
    ("line 38: claim after 'that' <- new source President Kassym-Jomart Tokayev", "} } b e 1 6"),
    ("line 40: claim, no source", "} 1 esc ,"),
    ("line 40: partial quote 'bandits' <- new source Tokayev", "' e 2 6 a 2"),
    ("line 40: partial quote 'terrorists' <- Tokayev", "' e 2 1 a 2"),
    ("line 42: claim, no source", "} 1 esc ,"),
    ("line 42: partial quote <- new source President", "' e 2 6 a 2"),
    ("done", "d"),
]
"""Today's keys, one unit a step."""

BEFORE: list[tuple[str, str]] = [
    ("line 1: allegation <- picked source Human Rights Watch", "v w w w w w w 3 l enter w w w w w w w w v end enter"),
    ("line 9: claim, no source", "} } 1 ,"),
    ("line 12: allegation <- picked source Human Rights Watch", "} s 3 , , , , , , , , , l down enter ) b b b v b b b enter"),
    ("line 14: source NGO, then the allegation <- it", "} w v w 4 w w v ) 3 , l enter"),
    ("line 14: partial quote <- NGO", "w w w w w e 2 l enter a down enter"),
    ("line 16: direct quote <- picked source HRW", "} w e 2 l down down down enter ) b b b b b b enter N a enter"),
    ("line 18: source Kazakh authorities, then the claim <- it", "} v w w 4 w w w w w v ) 1 , l enter"),
    ("line 20: claim, no source", "} 1 ,"),
    ("line 22: claim, no source", "} 1 ,"),
    ("line 24: source Asset Abichev, then the allegation <- it", "} w w v w w 4 w w w w w v ) 3 , l enter"),
    ("line 26: direct quote <- Asset Abichev", "} w e 2 l enter a enter"),
    ("line 28: direct quote <- picked source Abichev", "} w e 2 l down down down down down down enter ) b b b enter N a enter"),
    ("line 28: direct quote <- Abichev", ") w e 2 l enter a enter"),
    ("line 30: source Kazakh prosecutors, then the claim <- it", "} w w v w w 4 w w w v ) 1 , l enter"),
    ("line 32: source Many of those released, then the allegation <- it", "} v w w w w 4 w w w w w w w w w w v ) 3 , l enter"),
    ("line 34: source Hugh Williamson, then the claim <- it",
     "} v w w 4 w w w w w w w w w w w w w w v ) left left left 1 l enter"),
    ("line 34: partial quote <- Hugh Williamson", "w w w w w w e 2 l enter a down enter"),
    ("line 36: direct quote <- Hugh Williamson", "} w e 2 l enter a enter"),
    ("line 38: source President Kassym-Jomart Tokayev, then the claim <- it", "} v w w w w w 4 w w w w w w w w w v ) 1 , l enter"),
    ("line 40: claim, no source", "} 1 ,"),
    ("line 40: source Tokayev", "v w 4"),
    ("line 40: partial quote 'terrorists' <- Tokayev", "w w w w w w w e 2 l enter a down enter"),
    ("line 40: partial quote 'bandits' <- Tokayev", "w w w w w w w e 2 l enter a down enter"),
    ("line 42: claim, no source", "} 1 ,"),
    ("line 42: source President", "w w w w w v w 4"),
    ("line 42: partial quote <- President", "w w w w w e 2 l enter a down enter"),
    ("done", "d"),
]
"""The keys of the app before issue 15 (commit 6f4aedf), for the baseline."""

SIZE = (160, 50)
"""The terminal the scripts are written for (`end` goes to the end of a screen row)."""


def keys(step: str) -> list[str]:
    """The Textual key names of one step."""
    return [SHORT.get(k, k) for k in step.split()]


def count(script: list[tuple[str, str]]) -> list[int]:
    """Keys of each step."""
    return [len(keys(step)) for _what, step in script]


async def replay(pilot, script: list[tuple[str, str]]) -> list[int]:
    """Press every key of `script` (Pilot waits for the app after each), and return the keys of each step."""
    counts = []
    for _what, step in script:
        for key in keys(step):
            await pilot.press(key)
        counts.append(len(keys(step)))
    await pilot.pause()
    return counts


def normalised(ann) -> tuple[list, list, str]:
    """What an annotation says, without ids and times: spans (offsets, label, attributes, note), links
    by their ends, the status."""
    spans = ann.spans
    out = sorted((s.start, s.end, s.label, tuple(sorted(s.attrs.items())), s.note) for s in spans.values())
    links = sorted(
        ((spans[r.head].start, spans[r.head].end, spans[r.head].label),
         (spans[r.tail].start, spans[r.tail].end, spans[r.tail].label), r.label)
        for r in ann.relations.values()
    )
    return out, links, ann.status


def saved(app, doc_id: str):
    """The annotator's file of `doc_id` as the store reads it back, once the last save is written."""
    session = app.session
    if session.saver is not None:
        assert session.saver.flush(10)
    document = app.project.corpus.get(doc_id)
    return app.project.store.load(session.annotator, document).annotations
