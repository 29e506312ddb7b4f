"""The export/import fixture: a small project whose annotations hit every awkward case at once.

CRLF text, an emoji with a skin tone, combining marks, a span at the very start and one at the very
end, a span across a line break, nested and crossing spans, several quotes linked to one source, a
span that ends inside a word, a document without spans and one that was never annotated.
"""

from __future__ import annotations

from pathlib import Path

from reader.files.project import Project
from tests.conftest import make_project

ANNOTATOR = "ana"

TEXTS = {
    # seeds written as raw bytes: the CRLF is normalised by the corpus on load
    "hrw-report": (
        'Police chief Aida Nur said "we act within the law".\r\n'
        'HRW said "police beat detainees 👍🏽".\r\n'
        'The ministry denied it, calling the report "lies" and "slander".'
    ),
    "cafe": "Cafe\u0301 owner Zoë said the mayor lied.\nReuters reported that ministers resigned.",
    "quiet": "Nothing to see here.\nJust text, no claims.",
    "untouched": "Nobody has opened this one yet.",
}

# (doc, key, substring, occurrence, label, attrs, note)
SPANS = [
    ("hrw-report", "chief", "Police chief Aida Nur", 0, "source", {}, ""),  # at the very start
    ("hrw-report", "q1", "we act within the law", 0, "quote", {"kind": "direct"}, "said at a briefing"),
    ("hrw-report", "hrw", "HRW", 0, "source", {}, ""),
    ("hrw-report", "q2", "police beat detainees 👍🏽", 0, "quote", {"kind": "direct"}, ""),  # ends with the emoji
    ("hrw-report", "a1", "police beat detainees", 0, "allegation", {}, ""),  # nested in q2
    ("hrw-report", "c1", 'detainees 👍🏽".\nThe ministry denied it', 0, "claim", {}, "crosses a line break"),  # crosses q2 and the line
    ("hrw-report", "min", "The ministry", 0, "source", {}, ""),
    ("hrw-report", "q3", "lies", 0, "quote", {"kind": "partial"}, ""),
    ("hrw-report", "q4", "slander", 0, "quote", {}, ""),
    ("hrw-report", "c2", 'the report "lies" and "slander".', 0, "claim", {}, ""),  # at the very end, holds q3 and q4
    ("cafe", "zoe", "Cafe\u0301 owner Zoë", 0, "source", {}, ""),  # combining mark, at the start
    ("cafe", "a2", "the mayor lied", 0, "allegation", {}, ""),
    ("cafe", "reu", "Reuters", 0, "source", {}, ""),
    ("cafe", "c3", "ministers resign", 0, "claim", {}, ""),  # ends inside a word
]
LINKS = [
    ("hrw-report", "q1", "chief"),
    ("hrw-report", "q2", "hrw"),
    ("hrw-report", "a1", "hrw"),
    ("hrw-report", "q3", "min"),  # several quotes, one source
    ("hrw-report", "q4", "min"),
    ("hrw-report", "c2", "min"),
    ("cafe", "a2", "zoe"),
    ("cafe", "c3", "reu"),
]


def build_project(root: Path, annotator: str = ANNOTATOR) -> Project:
    project = make_project(root, TEXTS)
    ids: dict[tuple[str, str], str] = {}
    for doc_id in ("hrw-report", "cafe", "quiet"):
        doc = project.corpus.get(doc_id)
        ann = project.store.load(annotator, doc).annotations
        for d, key, sub, occ, label, attrs, note in SPANS:
            if d != doc_id:
                continue
            at = -1
            for _ in range(occ + 1):
                at = doc.text.index(sub, at + 1)
            ids[(d, key)] = ann.add_span(at, at + len(sub), label, attrs=attrs, note=note).id
        for d, head, tail in LINKS:
            if d == doc_id:
                ann.link(ids[(d, head)], ids[(d, tail)])
        project.store.save(annotator, ann)
    return project


def expected(project: Project, annotator: str = ANNOTATOR) -> dict[str, tuple[set, set]]:
    """doc id -> (spans as (start, end, label), links as (head extent+label, tail extent+label))."""
    out = {}
    for doc_id in ("hrw-report", "cafe", "quiet"):
        ann = project.store.load(annotator, project.corpus.get(doc_id)).annotations
        spans = {(s.start, s.end, s.label) for s in ann.spans.values()}
        key = lambda s: (s.start, s.end, s.label)  # noqa: E731
        links = {(key(ann.spans[r.head]), key(ann.spans[r.tail])) for r in ann.relations.values()}
        out[doc_id] = (spans, links)
    return out


def full(project: Project, annotator: str = ANNOTATOR) -> dict[str, tuple]:
    """Everything an annotator would notice: spans with attrs and notes, links by their ends."""
    out = {}
    for doc in project.corpus:
        loaded = project.store.load(annotator, doc)
        if not loaded.exists:
            continue
        ann = loaded.annotations
        key = lambda s: (s.start, s.end, s.label, s.text, tuple(sorted(s.attrs.items())), s.note)  # noqa: E731
        out[doc.id] = (
            doc.text,
            sorted(key(s) for s in ann.spans.values()),
            sorted((key(ann.spans[r.head]), key(ann.spans[r.tail]), r.label) for r in ann.relations.values()),
        )
    return out
