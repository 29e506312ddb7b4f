"""Shared fixtures: a throw-away annotation project made from the repository's own seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.core.annotations import DocAnnotations
from reader.files.project import Project

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED_ID = "euronews-kazakhstan-torture"


def make_project(root: Path, texts: dict[str, str] | None = None) -> Project:
    """A project folder under `root`: the repository's labels.yaml, and seeds from `texts` or the repo."""
    (root / "annotations").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "annotations" / "labels.yaml", root / "annotations" / "labels.yaml")
    seeds = root / "seeds"
    seeds.mkdir(exist_ok=True)
    if texts is None:
        for path in (REPO / "seeds").iterdir():
            shutil.copy(path, seeds / path.name)
    else:
        for name, text in texts.items():
            (seeds / (name if "." in name else name + ".txt")).write_bytes(text.encode("utf-8"))
    return Project(root)


@pytest.fixture(autouse=True)
def truecolor_terminal(monkeypatch):
    """Apps built in a test draw as in a truecolor terminal, whatever the runner's TERM: the article
    picks its tints per colour depth, and the snapshots are truecolor (tests/test_colour_depths.py
    sets each depth itself)."""
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")


def annotations_by_text(doc, schema, items, links=()) -> DocAnnotations:
    """Annotations of `doc` from (text, label) items, each at the first place its text occurs, and
    (head text, tail text) links: the review, adjudication and agreement tests' way of saying who
    marked what."""
    ann = DocAnnotations(doc, schema)
    ids = {}
    for sub, label in items:
        start = doc.text.index(sub)
        ids[sub] = ann.add_span(start, start + len(sub), label).id
    for head, tail in links:
        ann.link(ids[head], ids[tail])
    return ann


def spans_by_document(project: Project, annotator: str) -> dict[str, list[tuple[str, str]]]:
    """doc id -> sorted (text, label) of the annotator's spans, for the documents they have a file for."""
    out = {}
    for doc in project.corpus:
        loaded = project.store.load(annotator, doc)
        if loaded.exists:
            out[doc.id] = sorted((s.text, s.label) for s in loaded.annotations.spans.values())
    return out


def suggested(text: str, meta: dict | None = None, cues=None) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """What a reviewer sees of the rules' suggestions for `text`: (label, text) of each ghost and
    (head text, source text) of each link; every ghost's text is the text at its offsets."""
    from reader.core.model import Document
    from reader.core.schema import default_schema
    from reader.suggest.cues import load_cues
    from reader.suggest.rules import suggest

    out = suggest(Document("t", text, meta or {}), cues or load_cues(), default_schema())
    by_id = {s.id: s for s in out.spans}
    for s in out.spans:
        assert text[s.start : s.end] == s.text
    return {(s.label, s.text) for s in out.spans}, {(by_id[r.head].text, by_id[r.tail].text) for r in out.relations}
