"""The journal beside an annotation file, and the writer that makes a save cost what changed: every
reader sees what the app shows, a line cut short is never an edit, and the file is the bytes `dumps`
writes whether its records came from the cache or not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from reader.commands.cli import main
from reader.commands.validate import validate
from reader.core.annotations import DocAnnotations
from reader.core.model import Orphan, Span
from reader.files.annotation_file import (
    Meta,
    StoreError,
    WriteCache,
    read_file,
    write_file,
)
from reader.files.autosave import Changes
from reader.files.journal import Journal
from reader.files.project import Project
from reader.files.readable_json import dumps
from tests.conftest import REPO, SEED_ID, make_project

TEXT = 'Police "beat detainees", HRW said.\nThe ministry denied it: «никогда» 👍🏽.\nAlice said so.\n'


def small_project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "p", {"d": TEXT})


def word(text: str, w: str, n: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(n + 1):
        at = text.index(w, at + 1)
    return at, at + len(w)


def journal_edits(project: Project, ann: DocAnnotations, *edits) -> Path:
    """Apply `edits` to `ann`, each journalled as the app's saver does, and fold none of them
    (as if the app had been killed): the journal's path."""
    path = project.store.journal_path("alice", ann.document.id)
    journal, changes = Journal(path), Changes(ann)
    for edit in edits:
        edit(ann)
        entry = changes.entry(ann)
        if entry is not None:
            journal.append(entry)
    journal._close()
    return path


def state(ann: DocAnnotations) -> tuple:
    return (
        sorted((s.id, s.start, s.end, s.label, sorted(s.attrs.items()), s.note, s.updated) for s in ann.spans.values()),
        sorted((r.id, r.head, r.tail, r.label) for r in ann.relations.values()),
        ann.status,
        [(g.id, g.start, g.end) for g in ann.suggested_spans],
        [(r.id, r.head, r.tail) for r in ann.suggested_relations],
    )


def test_every_kind_of_edit_replays_to_what_the_app_had(tmp_path):
    project = small_project(tmp_path)
    doc = project.corpus.get("d")
    ann = project.store.load("alice", doc).annotations
    ann.add_span(*word(TEXT, "beat detainees"), "claim")
    ann.set_suggestions(
        [Span("g1", *word(TEXT, "HRW"), "source", "HRW"), Span("g2", *word(TEXT, "Alice"), "source", "Alice")],
        [],
    )
    project.store.save("alice", ann)  # the file has one span and two suggestions
    ann = project.store.load("alice", doc).annotations

    def add_and_link(a):
        quote = a.add_span(*word(TEXT, "никогда"), "quote", {"kind": "direct"})
        source = a.add_span(*word(TEXT, "HRW"), "source")
        a.link(quote.id, source.id)

    journal_edits(
        project, ann,
        add_and_link,
        lambda a: a.set_note("s1", 'a note with "quotes"\nand a line break'),
        lambda a: a.relabel("s1", "allegation"),
        lambda a: a.delete_span("s1"),
        lambda a: a.undo(),  # s1 back as it was before the delete
        lambda a: setattr(a, "status", "done"),
        lambda a: a.set_suggestions([a.suggested_spans[1]]),  # a suggestion dropped
        lambda a: a.set_suggestions(a.suggested_spans + [Span("g1", *word(TEXT, "HRW"), "source", "HRW")]),
    )  # back, but not in text order: the journal says the whole table
    again = project.store.load("alice", doc)
    assert state(again.annotations) == state(ann)
    assert again.unsaved  # its journal was replayed: the file is to be written
    assert read_file(project.store.path("alice", "d")).journal == 8
    assert validate(project) == []


def test_a_document_whose_edits_are_only_in_its_journal_is_seen_by_every_command(tmp_path, capsys):
    project = small_project(tmp_path)
    doc = project.corpus.get("d")
    ann = project.store.load("alice", doc).annotations
    journal_edits(project, ann, lambda a: a.add_span(*word(TEXT, "Alice said so."), "claim"),
                  lambda a: setattr(a, "status", "done"))
    path = project.store.path("alice", "d")
    assert not path.exists()  # killed before the first write
    assert project.store.files("alice") == [path]
    assert state(project.store.load("alice", doc).annotations) == state(ann)
    assert validate(project) == []
    loaded = project.store.load("alice", doc, lock=True)  # the app opens it: the file is made at once
    loaded.lock.release()
    assert read_file(path, journal=False).meta.status == "done"
    where = ["--project", str(project.path)]
    assert main([*where, "validate"]) == 0
    assert main([*where, "stats", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"alice"' in out and '"done"' in out
    assert main([*where, "export", "--format", "jsonl", "--annotator", "alice", "--out", str(tmp_path / "out")]) == 0
    exported = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.jsonl"))
    assert "Alice said so." in exported


def test_show_and_diff_read_the_journal_over_the_file(tmp_path, capsys):
    project = small_project(tmp_path)
    doc = project.corpus.get("d")
    for name in ("alice", "bob"):
        ann = DocAnnotations(doc, project.schema)
        ann.add_span(*word(TEXT, "HRW"), "source")
        project.store.save(name, ann)
    ann = project.store.load("alice", doc).annotations
    journal_edits(project, ann, lambda a: a.add_span(*word(TEXT, "beat detainees"), "claim"))
    assert main(["show", str(project.store.path("alice", "d"))]) == 0
    assert '"beat detainees"' in capsys.readouterr().out
    # git's textconv shows what git would stage: the file, without the edits still in its journal
    assert main(["show", "--textconv", str(project.store.path("alice", "d"))]) == 0
    staged = capsys.readouterr().out
    assert '"HRW"' in staged and '"beat detainees"' not in staged
    assert main(["--project", str(project.path), "diff", "alice", "bob", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "beat detainees" in json.dumps(report)
    assert main(["--project", str(project.path), "stats", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["annotators"]
    assert counts["alice"]["labels"] == {"claim": 1, "source": 1} and counts["bob"]["labels"] == {"source": 1}
    out = tmp_path / "out"
    assert main(["--project", str(project.path), "export", "--format", "jsonl", "--annotator", "alice", "--out", str(out)]) == 0
    assert "beat detainees" in "".join(p.read_text() for p in out.rglob("*.jsonl"))


def test_a_line_cut_short_is_no_edit_and_is_cut_off_when_the_document_is_opened(tmp_path):
    project = small_project(tmp_path)
    doc = project.corpus.get("d")
    ann = project.store.load("alice", doc).annotations
    path = journal_edits(project, ann, lambda a: a.add_span(*word(TEXT, "HRW"), "source"))
    whole = path.read_bytes()
    with open(path, "ab") as handle:
        handle.write(b'{"spans": {"s2": {"id": "s2", "sta')  # the kill came in the middle of a write
    assert [s.text for s in read_file(project.store.path("alice", "d")).spans] == ["HRW"]
    loaded = project.store.load("alice", doc, lock=True)
    assert path.read_bytes() == whole
    loaded.lock.release()


def test_a_journal_line_that_is_not_an_entry_is_named_by_line(tmp_path):
    project = small_project(tmp_path)
    doc = project.corpus.get("d")
    ann = project.store.load("alice", doc).annotations
    path = journal_edits(project, ann, lambda a: a.add_span(*word(TEXT, "HRW"), "source"))
    path.write_bytes(path.read_bytes() + b"not json\n" + b'{"spans": {"s9": "x"}}\n')
    problems = [str(p) for p in validate(project)]
    assert problems == [("annotations/alice/d.json: -: journal .d.journal line 2: not an entry "
                         "(Expecting value: line 1 column 1 (char 0))")]
    with pytest.raises(StoreError, match=r"d\.json: journal \.d\.journal line 2"):
        project.store.load("alice", doc)
    lines = path.read_bytes().splitlines()
    path.write_bytes(lines[0] + b"\n" + b'{"spans": {"s9": {"id": "s9", "end": 3}}}\n')
    [problem] = validate(project)
    assert str(problem) == "annotations/alice/d.json: s9: malformed span (no 'start') in journal .d.journal line 2"


def test_a_save_by_another_command_takes_in_the_journal_and_removes_it(tmp_path):
    project = small_project(tmp_path)
    doc = project.corpus.get("d")
    ann = project.store.load("alice", doc).annotations
    path = journal_edits(project, ann, lambda a: a.add_span(*word(TEXT, "HRW"), "source"))
    loaded = project.store.load("alice", doc, lock=True)  # as `reader suggest` does
    project.store.save("alice", loaded.annotations, lock=loaded.lock)
    loaded.lock.release()
    assert not path.exists()
    assert [s.text for s in read_file(project.store.path("alice", "d"), journal=False).spans] == ["HRW"]


def test_folding_keeps_the_entries_that_came_after_the_mark(tmp_path):
    path = tmp_path / ".d.journal"
    journal = Journal(path)
    journal.append({"meta": {"status": "in-progress"}})
    mark = journal.mark()
    journal.append({"meta": {"status": "done"}})
    journal.folded(mark)
    assert [json.loads(line) for line in path.read_bytes().splitlines()] == [{"meta": {"status": "done"}}]
    journal.append({"meta": {"status": "todo"}})
    journal.folded(journal.mark())
    assert path.read_bytes() == b"" and not journal.pending
    journal.close()
    assert not path.exists()


# ----------------------------------------------------------------------------- the writer


def rich_annotations(project: Project) -> DocAnnotations:
    doc = project.corpus.get("d")
    ann = DocAnnotations(doc, project.schema)
    claim = ann.add_span(*word(TEXT, "beat detainees"), "claim", note='said "twice"\n\ttabbed')
    quote = ann.add_span(*word(TEXT, "никогда"), "quote", {"kind": "direct"})
    source = ann.add_span(*word(TEXT, "HRW"), "source")
    ann.link(claim.id, source.id)
    ann.link(quote.id, source.id)
    ann.add_span(*word(TEXT, "👍🏽"), "claim")
    ann.keep_aside(Orphan(Span("s99", 0, 4, "claim", "Gone"), "could not be placed", ("before ", " after")))
    ann.set_suggestions([Span("g1", *word(TEXT, "Alice"), "source", "Alice")], [])
    return ann


def write(path: Path, ann: DocAnnotations, cache: WriteCache | None) -> bytes:
    meta = Meta(doc_id="d", annotator="alice", sha256=ann.document.sha256, status=ann.status,
                updated="2026-01-01T00:00:00+00:00", last_ids=ann.highest_ids())
    write_file(path, meta, ann.text, ann.sorted_spans(), ann.relations.values(), ann.orphans,
               ann.suggested_spans, ann.suggested_relations, cache=cache)
    return path.read_bytes()


def test_the_file_is_what_dumps_writes_with_or_without_the_cache_and_tinydb_reads_it(tmp_path):
    project = small_project(tmp_path)
    ann = rich_annotations(project)
    cache = WriteCache()
    first = write(tmp_path / "a.json", ann, cache)
    assert first == dumps(json.loads(first)).encode()
    ann.relabel("s4", "allegation")
    ann.delete_span("s3")  # and both its links
    ann.add_span(*word(TEXT, "Alice said so."), "claim")
    cached = write(tmp_path / "a.json", ann, cache)
    assert cached == write(tmp_path / "b.json", ann, None)  # the cache changes nothing but the time
    assert cached == dumps(json.loads(cached)).encode()
    assert cached != first
    db = TinyDB(tmp_path / "a.json", access_mode="r")
    assert sorted(r["id"] for r in db.table("spans").all()) == ["s1", "s100", "s2", "s4", "s99"]
    assert db.table("relations").all() == []
    db.close()


def test_a_file_written_today_is_not_torn_by_a_reader_of_the_journal_and_has_no_cursor(project):
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    ann.add_span(0, 10, "claim")
    ann.cursor = 42
    path = project.store.save("alice", ann)
    assert "cursor" not in json.loads(path.read_text())["meta"]["1"]


# ----------------------------------------------------------------------------- git


def _ignored(repo: Path, paths: list[str]) -> list[str]:
    done = subprocess.run(["git", "-C", str(repo), "check-ignore", "--no-index", *paths],
                          capture_output=True, text=True, check=False)  # 1 when none is ignored
    return done.stdout.split()


MACHINE_FILES = [".{doc}.journal", ".state.json", ".{doc}.json.1234.abc_123.tmp", "..{doc}.journal.99.x.tmp",
                 ".{doc}.lock"]


def test_this_repository_ignores_journals_cursors_locks_and_unfinished_saves():
    paths = [f"annotations/alice/{name.format(doc=SEED_ID)}" for name in MACHINE_FILES]
    assert _ignored(REPO, paths) == paths
    assert _ignored(REPO, [f"annotations/alice/{SEED_ID}.json"]) == []


def test_a_project_made_by_reader_ignores_them_too(tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    Project(folder).create()
    paths = [f"annotations/alice/{name.format(doc='d')}" for name in MACHINE_FILES]
    assert _ignored(folder, paths) == paths
    assert _ignored(folder, ["annotations/alice/d.json"]) == []


def test_stale_temporary_files_are_removed_when_the_document_is_opened(tmp_path):
    project = small_project(tmp_path)
    doc = project.corpus.get("d")
    folder = project.store.path("alice", "d").parent
    folder.mkdir(parents=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid nobody has now
    stale = [".d.json.abc123.tmp", f".d.json.{os.getpid()}.x1.tmp", f"..d.journal.{gone.pid}.y.tmp",
             f".other.json.{gone.pid}.z.tmp", f"..state.json.{gone.pid}.q.tmp"]
    kept = [f".other.json.{os.getpid()}.w.tmp", ".other.json.old.tmp"]  # another document, being written
    for name in stale + kept:
        (folder / name).write_text("{")
    loaded = project.store.load("alice", doc, lock=True)
    loaded.lock.release()
    assert sorted(p.name for p in folder.glob("*.tmp")) == sorted(kept)

STEPS = st.lists(st.tuples(st.sampled_from(["add", "delete", "relabel", "note", "link", "undo", "odd", "ghost"]),
                           st.integers(0, 10_000)), max_size=25)


@settings(max_examples=60, deadline=None)
@given(STEPS)
def test_a_file_written_through_the_cache_is_byte_for_byte_a_fresh_one_after_any_edits(tmp_path_factory, steps):
    tmp = tmp_path_factory.mktemp("w")
    project = make_project(tmp / "p", {"d": TEXT * 12})
    ann = DocAnnotations(project.corpus.get("d"), project.schema)
    text = ann.text
    starts = [i for i in range(len(text)) if text[i].isalnum() and (i == 0 or not text[i - 1].isalnum())]
    for at in starts[::2]:  # many spans, so that one edit is put in place, not the table made again
        end = at
        while end < len(text) and text[end].isalnum():
            end += 1
        ann.add_span(at, end, "claim")
    cache = WriteCache()
    for kind, n in [("start", 0), *steps]:
        ids = sorted(ann.spans)
        try:
            if kind == "add":
                at = starts[n % len(starts)]
                end = at
                while end < len(text) and text[end].isalnum():
                    end += 1
                ann.add_span(at, end, ["claim", "source", "quote"][n % 3])
            elif kind == "delete" and ids:
                ann.delete_span(ids[n % len(ids)])
            elif kind == "relabel" and ids:
                ann.relabel(ids[n % len(ids)], ["claim", "allegation"][n % 2])
            elif kind == "note" and ids:
                ann.set_note(ids[n % len(ids)], f"«{n}»\n")
            elif kind == "link" and len(ids) > 1:
                ann.link(ids[n % len(ids)], ids[(n + 1) % len(ids)])
            elif kind == "undo":
                ann.undo()
            elif kind == "odd":  # ids that ask for no key, or for a key in use: the table is keyed again
                ident = ["x1", f"s0{n % 9 + 1}", f"s{n % 9 + 1}"][n % 3]
                ann.restore_span(Span(ident, 0, 6, "claim", text[0:6]))
            elif kind == "ghost":
                ann.set_suggestions([Span(f"g{k}", *word(text, "Alice", k), "source", "Alice") for k in range(n % 12)])
        except Exception as exc:  # an edit the model refuses changes nothing
            if type(exc).__name__ != "InvariantError":
                raise
        cached = write(tmp / "a.json", ann, cache)
        assert cached == write(tmp / "b.json", ann, None)
        assert cached == dumps(json.loads(cached)).encode()
