"""Autosave: edits reach the disk off the UI thread; a failed save is reported and retried, never lost."""

from __future__ import annotations

import json

from reader.core.annotations import DocAnnotations
from reader.files.autosave import AutoSaver
from tests.conftest import SEED_ID


def test_every_edit_reaches_the_disk_and_bursts_are_merged(project):
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    saver = AutoSaver(project.store, "alice")
    words = [i for i in range(1, len(doc.text)) if doc.text[i].isalpha() and doc.text[i - 1] == " "][:50]
    for at in words:
        end = at
        while doc.text[end].isalpha():
            end += 1
        ann.add_span(at, end, "claim")
        saver.request(ann)
    assert saver.close()
    data = json.loads(project.store.path("alice", SEED_ID).read_text())
    assert len(data["spans"]) == 50
    assert 1 <= saver.saves <= 50


def test_a_failed_save_is_reported_kept_and_retried_until_it_succeeds(project):
    doc = project.corpus.get(SEED_ID)
    blocker = project.path / "annotations" / "alice"
    blocker.write_text("a file where the annotator's folder should be")
    reports: list[str | None] = []
    saver = AutoSaver(project.store, "alice", report=reports.append)
    ann = DocAnnotations(doc, project.schema)
    ann.add_span(0, 10, "claim")
    saver.request(ann)
    assert not saver.flush(timeout=0.6)  # still failing
    assert reports and reports[0].startswith("save failed, retrying:")
    blocker.unlink()
    assert saver.flush(timeout=10)
    assert reports[-1] is None  # told that it recovered
    data = json.loads(project.store.path("alice", SEED_ID).read_text())
    assert [s["text"] for s in data["spans"].values()] == ["Kazakhstan"]
    saver.close()


def test_the_snapshot_is_taken_at_request_time(project):
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    ann.add_span(0, 10, "claim")
    saver = AutoSaver(project.store, "alice")
    saver.request(ann)
    ann.add_span(11, 21, "claim")  # not requested: must not be saved behind the app's back
    assert saver.close()
    data = json.loads(project.store.path("alice", SEED_ID).read_text())
    assert len(data["spans"]) == 1


def test_a_journal_that_cannot_be_written_is_reported_and_the_edit_is_journalled_with_the_next(project, monkeypatch):
    from reader.files import autosave
    from reader.files.annotation_file import read_file

    monkeypatch.setattr(autosave, "IDLE", 3600.0)  # folds only when flushed
    doc = project.corpus.get(SEED_ID)
    first = DocAnnotations(doc, project.schema)
    first.add_span(0, 10, "claim")
    path = project.store.save("alice", first)
    loaded = project.store.load("alice", doc, lock=True)
    journal = project.store.journal_path("alice", SEED_ID)
    journal.mkdir()  # something in the journal's place
    reports: list[str | None] = []
    saver = AutoSaver(project.store, "alice", loaded.lock, reports.append, loaded=loaded)
    ann = loaded.annotations
    ann.add_span(11, 21, "claim")
    saver.request(ann)
    assert saver.flush()
    assert reports and reports[0].startswith("could not write the journal")
    assert [s.text for s in read_file(path, journal=False).spans] == ["Kazakhstan", "protesters"]
    journal.rmdir()
    ann.add_span(22, 30, "claim")
    saver.request(ann)
    [entry] = [json.loads(line) for line in journal.read_text().splitlines()]
    assert sorted(entry["spans"]) == ["s2", "s3"]  # what the journal missed comes with the next edit
    assert saver.close()
    loaded.lock.release()
    assert [s.id for s in read_file(path, journal=False).spans] == ["s1", "s2", "s3"]
