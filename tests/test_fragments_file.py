"""Spans in fragments on disk: saved and loaded, re-anchored piece by piece, validated and shown,
and a file with no fragments in it byte for byte what it was before fragments existed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.commands.show import show
from reader.commands.validate import validate
from reader.core.annotations import DocAnnotations
from reader.core.model import Document, Span, join_extents
from reader.core.schema import default_schema
from reader.files.annotation_file import (
    FORMAT_VERSION,
    read_file,
    read_tables,
    write_file,
)
from reader.files.project import Project
from reader.files.store import Store
from tests.conftest import DATA, SEED_ID, make_project

SCHEMA = default_schema()
TEXT = (
    'Kazakh police "beat detainees", HRW said.\n\n'
    '"We are not a political party," the spokesperson said, "but rather a social approach."\n'
    "The ministry denied it.\n"
)
DOC = Document("split", TEXT)
FIRST = (TEXT.index("We"), TEXT.index("party") + 5)
SECOND = (TEXT.index("but"), TEXT.index("approach") + 8)
SPEAKER = (TEXT.index("the spokesperson"), TEXT.index("the spokesperson") + 16)
GOLDEN = DATA / "fragments" / "one_piece.json"
"""Written by `annotation_file.write_file` before fragments existed (commit 18ce5f5): the reference
annotation of the seed article with a span kept aside and a suggestion."""


def split_quote(ann: DocAnnotations):
    quote = ann.add_span(0, 0, "quote", fragments=[FIRST, SECOND])
    speaker = ann.add_span(*SPEAKER, "source")
    ann.link(quote.id, speaker.id)
    return quote


def test_a_file_without_fragments_is_byte_for_byte_what_it_was(tmp_path):
    project = make_project(tmp_path / "p")
    folder = project.path / "annotations" / "reference"
    folder.mkdir()
    shutil.copy(GOLDEN, folder / f"{SEED_ID}.json")
    loaded = project.store.load("reference", project.corpus.documents[SEED_ID])
    assert [line.split(": ", 1)[1] for line in loaded.report] == ["span s40 (claim 'gone') is still orphaned"]
    assert loaded.format_version == 1
    ann, meta = loaded.annotations, read_file(GOLDEN).meta
    out = tmp_path / "again.json"
    write_file(out, meta, ann.document.text, ann.sorted_spans(), ann.relations.values(), ann.orphans,
               ann.suggested_spans, ann.suggested_relations)
    assert out.read_bytes() == GOLDEN.read_bytes()
    assert "fragments" not in out.read_text() and "format_version" not in out.read_text()


def test_a_split_quote_is_saved_as_one_span_with_a_fragments_list_and_loads_back(tmp_path):
    store = Store(tmp_path, SCHEMA)
    ann = DocAnnotations(DOC, SCHEMA)
    quote = split_quote(ann)
    path = store.save("alice", ann)
    tables = read_tables(path)
    record = next(r for r in tables["spans"].values() if r["id"] == quote.id)
    assert record["fragments"] == [list(FIRST), list(SECOND)]
    assert (record["start"], record["end"]) == (FIRST[0], SECOND[1])
    assert record["text"] == TEXT[FIRST[0] : SECOND[1]]
    assert tables["meta"]["1"]["format_version"] == FORMAT_VERSION == 2
    assert all("fragments" not in r for r in tables["spans"].values() if r["id"] != quote.id)
    loaded = store.load("alice", DOC)
    assert loaded.report == [] and loaded.annotations == ann
    assert loaded.annotations.spans[quote.id].fragment_texts == ("We are not a political party",
                                                                  "but rather a social approach")
    # once no span is in fragments, the file is a version 1 file again
    ann.remove_fragment(quote.id, 1)
    store.save("alice", ann)
    assert "format_version" not in path.read_text() and "fragments" not in path.read_text()


def test_an_older_reader_sees_the_span_in_fragments_as_one_valid_piece(tmp_path):
    """What this module did before fragments: read id, start, end, label, text and ignore the rest."""
    ann = DocAnnotations(DOC, SCHEMA)
    quote = split_quote(ann)
    path = Store(tmp_path, SCHEMA).save("alice", ann)
    older = DocAnnotations(DOC, SCHEMA)
    for r in read_tables(path)["spans"].values():
        assert older.restore_span(Span(r["id"], r["start"], r["end"], r["label"], r["text"])) is None
    whole = older.spans[quote.id]
    assert (whole.start, whole.end, whole.fragments) == (FIRST[0], SECOND[1], ())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.integers(0, len(TEXT)), st.integers(0, len(TEXT))), min_size=1, max_size=4),
                max_size=6),
       st.sampled_from(["claim", "quote", "source"]))
def test_any_spans_in_fragments_save_and_load_unchanged(tmp_path_factory, pieces, label):
    ann = DocAnnotations(DOC, SCHEMA)
    for extents in pieces:
        frags = join_extents(TEXT, extents)
        if frags:
            ann.add_span(0, 0, label, fragments=frags)
    store = Store(tmp_path_factory.mktemp("p"), SCHEMA)
    store.save("alice", ann)
    loaded = store.load("alice", DOC)
    assert loaded.report == [] and loaded.annotations == ann
    for span in loaded.annotations.spans.values():
        for (s, e), piece in zip(span.extents, span.fragment_texts):
            assert TEXT[s:e] == piece


def _project_with(tmp_path: Path, text: str) -> Project:
    return make_project(tmp_path / "p", {"split": text})


def test_when_the_text_changes_each_fragment_is_placed_again_by_its_own_text(tmp_path):
    project = _project_with(tmp_path, TEXT)
    ann = DocAnnotations(project.corpus.documents["split"], project.schema)
    quote = split_quote(ann)
    project.store.save("alice", ann)
    edited = "Updated. " + TEXT.replace("the spokesperson said", "said Anna Berg, the party's spokesperson,")
    (project.path / "seeds" / "split.txt").write_text(edited, "utf-8")
    project = Project(project.path)
    loaded = project.store.load("alice", project.corpus.documents["split"])
    placed = loaded.annotations.spans[quote.id]
    assert placed.fragment_texts == quote.fragment_texts
    for (s, e), piece in zip(placed.fragments, placed.fragment_texts):
        assert edited[s:e] == piece
    assert any(f"span {quote.id} re-anchored" in line for line in loaded.report)


def test_a_span_one_of_whose_fragments_is_gone_is_kept_aside_whole_and_saved_back(tmp_path):
    project = _project_with(tmp_path, TEXT)
    ann = DocAnnotations(project.corpus.documents["split"], project.schema)
    quote = split_quote(ann)
    project.store.save("alice", ann)
    (project.path / "seeds" / "split.txt").write_text(TEXT.replace("but rather a social approach", "no comment"), "utf-8")
    project = Project(project.path)
    doc = project.corpus.documents["split"]
    loaded = project.store.load("alice", doc)
    assert quote.id not in loaded.annotations.spans
    kept = [o.item for o in loaded.annotations.orphans if o.item.id == quote.id]
    assert kept and kept[0].fragments == quote.fragments
    assert any(f"span {quote.id} orphaned" in line for line in loaded.report)
    path = project.store.save("alice", loaded.annotations)
    record = next(r for r in read_tables(path)["spans"].values() if r["id"] == quote.id)
    assert record["orphaned"] is True and record["fragments"] == [list(FIRST), list(SECOND)]


def _write_by_hand(project: Project, edit) -> Path:
    ann = DocAnnotations(project.corpus.documents["split"], project.schema)
    split_quote(ann)
    path = project.store.save("alice", ann)
    data = json.loads(path.read_text("utf-8"))
    edit(data)
    path.write_text(json.dumps(data, indent=2), "utf-8")
    return path


def test_validate_names_fragments_that_overlap_or_are_not_pairs(tmp_path):
    project = _project_with(tmp_path, TEXT)

    def overlap(data):
        data["spans"]["1"]["fragments"] = [[FIRST[0], SECOND[0] + 3], list(SECOND)]

    _write_by_hand(project, overlap)
    problems = [str(p) for p in validate(project)]
    assert problems == [(f"annotations/alice/split.json: s1: fragments {FIRST[0]}-{SECOND[0] + 3};{SECOND[0]}-{SECOND[1]} "
                        "overlap or are not in text order"), "annotations/alice/split.json: r1: span 's1' does not exist"]

    def not_pairs(data):
        data["spans"]["1"]["fragments"] = [[FIRST[0]], "x"]

    path = _write_by_hand(project, not_pairs)
    lines = path.read_text("utf-8").splitlines()
    line = lines.index('    "1": {', lines.index('  "spans": {')) + 1  # the record's own line
    problems = [str(p) for p in validate(project)]
    assert problems[0] == (f"annotations/alice/split.json:{line}: s1: malformed span (fragments [[{FIRST[0]}], 'x'] "
                           "is not a list of [start, end] pairs of whole numbers)")


def test_a_file_of_a_newer_layout_opens_read_only_and_validate_says_so(tmp_path):
    project = _project_with(tmp_path, TEXT)

    def newer(data):
        data["meta"]["1"]["format_version"] = FORMAT_VERSION + 1

    path = _write_by_hand(project, newer)
    loaded = project.store.load("alice", project.corpus.documents["split"], lock=True)
    assert loaded.readonly and "written by a newer reader" in loaded.report[0] and str(path) in loaded.report[0]
    assert [p.what for p in validate(project)] == [
        (f"written by a newer reader (format {FORMAT_VERSION + 1}, this one knows up to {FORMAT_VERSION}): "
        "checked as far as it can be, opened read-only")]


def test_show_lists_a_span_in_fragments_once_with_its_pieces(tmp_path):
    ann = DocAnnotations(DOC, SCHEMA)
    quote = split_quote(ann)
    listing = show(Store(tmp_path, SCHEMA).save("alice", ann))
    line = next(l for l in listing.splitlines() if f"\t{quote.id}\t" in l)
    assert line == (f"{FIRST[0]}-{FIRST[1]};{SECOND[0]}-{SECOND[1]}\t{quote.id}\tquote\t"
                    '"We are not a political party … but rather a social approach"')
    assert '-> attributed_to s2 "the spokesperson"' in listing
