"""What a user notices of the journal: an edit on screen survives a kill at any moment, every file
parses and validates afterwards, no temporary file is left; opening a document and leaving it writes
nothing git would see, and the cursor comes back from the annotator's own state file."""

from __future__ import annotations

import inspect
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.annotate.session import Session
from reader.commands.validate import validate
from reader.core.annotations import DocAnnotations
from reader.files import autosave
from reader.files.annotation_file import read_file
from reader.files.project import Project
from tests.conftest import REPO, SEED_ID, make_project


def digest(ann):
    """What a user would check after reopening: every span (with its note and times), link and the status."""
    import hashlib

    spans = sorted((s.id, s.start, s.end, s.label, sorted(s.attrs.items()), s.note, s.created, s.updated,
                    tuple(getattr(s, "fragments", ()))) for s in ann.spans.values())
    links = sorted((r.id, r.head, r.tail, r.label) for r in ann.relations.values())
    return hashlib.sha1(repr((spans, links, ann.status)).encode()).hexdigest()[:16]


CHILD = inspect.getsource(digest) + '''
import random, sys, time
import reader.files.autosave as autosave
autosave.IDLE = 0.01  # fold often: the kills land in folds as well as between them
from reader.annotate.session import Session
from reader.core.model import InvariantError
from reader.files.project import Project

session = Session(Project(sys.argv[1]), "alice")
session.open(sys.argv[2])
ann = session.annotations
text = ann.text
rng = random.Random(int(sys.argv[3]))
starts = [i for i in range(1, len(text) - 1) if text[i].isalnum() and not text[i - 1].isalnum()]
print("ready", flush=True)
while True:
    pick = rng.random()
    try:
        if pick < 0.45 or not ann.spans:
            at = rng.choice(starts)
            end = at
            while end < len(text) and text[end].isalnum():
                end += 1
            ann.add_span(at, end, rng.choice(["claim", "source"]))
        elif pick < 0.55:
            ann.delete_span(rng.choice(sorted(ann.spans)))
        elif pick < 0.65:
            ann.relabel(rng.choice(sorted(ann.spans)), rng.choice(["claim", "quote", "allegation"]))
        elif pick < 0.75:
            ann.set_note(rng.choice(sorted(ann.spans)), "note %d" % rng.randrange(1000))
        elif pick < 0.85:
            heads = [s.id for s in ann.spans.values() if s.label != "source"]
            tails = [s.id for s in ann.spans.values() if s.label == "source"]
            ann.link(rng.choice(heads), rng.choice(tails))
        elif pick < 0.95:
            if ann.undo() is None:
                continue
        else:
            ann.status = "in-progress" if ann.status == "done" else "done"
    except (InvariantError, IndexError):
        continue
    if ann.status == "todo" and ann.spans:
        ann.status = "in-progress"  # what edited() does: part of the edit
    print("try", digest(ann), flush=True)
    session.edited()  # the edit is shown once this returns
    print("ack", digest(ann), flush=True)
    if rng.random() < 0.3:
        time.sleep(rng.uniform(0, 0.03))
'''


def book_like_project(tmp_path: Path) -> Project:
    """The seed eight times over with 1,500 spans saved: a file whose write takes a while."""
    seed = (REPO / "seeds" / f"{SEED_ID}.txt").read_text("utf-8")
    project = make_project(tmp_path / "p", {"long": "\n\n".join([seed] * 8)})
    doc = project.corpus.get("long")
    ann = DocAnnotations(doc, project.schema)
    text = doc.text
    starts = [i for i in range(1, len(text)) if text[i].isalpha() and not text[i - 1].isalnum()]
    for at in starts[::max(1, len(starts) // 1500)][:1500]:
        end = at
        while end < len(text) and text[end].isalnum():
            end += 1
        ann.add_span(at, end, "claim")
    project.store.save("alice", ann)
    return project


def test_every_acknowledged_edit_survives_a_kill_at_a_random_moment(tmp_path):
    project = book_like_project(tmp_path)
    path = project.store.path("alice", "long")
    folder = path.parent
    rng = random.Random(14)
    before = digest(project.store.load("alice", project.corpus.get("long")).annotations)
    replayed = edits = 0
    for round in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(project.path), "long", str(round)], cwd=REPO,
            stdout=subprocess.PIPE,
        )
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.05, 0.5))  # a random moment to kill at; nothing is timed
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        lines = [line.split() for line in child.stdout.read().decode().splitlines()]
        lines = [words for words in lines if len(words) == 2 and words[0] in ("try", "ack")]
        acks = [i for i, (kind, _d) in enumerate(lines) if kind == "ack"]
        last = acks[-1] if acks else -1
        allowed = {lines[last][1] if acks else before}  # what the screen showed last
        if last + 1 < len(lines):
            allowed.add(lines[last + 1][1])  # an edit made but not acknowledged yet may be there too
        edits += len(acks)
        json.loads(path.read_text("utf-8"))  # never torn
        replayed += read_file(path).journal > 0
        project = Project(project.path)
        loaded = project.store.load("alice", project.corpus.get("long"), lock=True)
        try:
            assert digest(loaded.annotations) in allowed, f"round {round}: not what the screen showed last"
            assert list(folder.glob("*.tmp")) == []  # what a killed write left is gone
        finally:
            loaded.lock.release()
        assert validate(project) == []
        before = digest(loaded.annotations)
    assert edits > 50, "the child was killed before it edited much"
    assert replayed > 0, "no kill found edits that were only in the journal"


def project_in_git(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "p", {"a": "First story.\n\nPolice said so.\n", "b": "Second story here.\n"})
    project.create()
    ann = DocAnnotations(project.corpus.get("a"), project.schema)
    ann.add_span(0, 12, "claim")
    ann.status = "in-progress"
    project.store.save("alice", ann)
    git = ["git", "-C", str(project.path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "start"], check=True)
    return project


def git_status(project: Project) -> str:
    return subprocess.run(["git", "-C", str(project.path), "status", "--porcelain", "--untracked-files=all"],
                          capture_output=True, text=True, check=True).stdout


def fingerprint(project: Project) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in project.store.files()}


def test_opening_and_leaving_without_an_edit_writes_nothing(tmp_path):
    project = project_in_git(tmp_path)
    before = fingerprint(project)
    session = Session(project, "alice")
    session.open("a")
    session.open("b")  # a document with no file yet: none is made
    assert session.leave()
    assert fingerprint(project) == before
    assert git_status(project) == ""
    assert not project.store.path("alice", "b").exists()


def test_the_cursor_goes_to_the_state_file_and_comes_back(tmp_path):
    project = project_in_git(tmp_path)
    before = fingerprint(project)
    session = Session(project, "alice")
    session.open("a")
    session.annotations.cursor = 14
    session.open("b")
    session.annotations.cursor = 7
    assert session.leave()
    assert fingerprint(project) == before and git_status(project) == ""
    assert json.loads(project.store.state_path("alice").read_text()) == {"a": {"cursor": 14}, "b": {"cursor": 7}}
    again = Session(project, "alice")
    again.open("a")
    assert again.annotations.cursor == 14
    again.open("b")
    assert again.annotations.cursor == 7
    again.leave()


def test_an_edit_and_its_undo_leave_the_file_as_it_was(tmp_path):
    project = project_in_git(tmp_path)
    before = fingerprint(project)
    session = Session(project, "alice")
    session.open("a")
    session.annotations.add_span(14, 20, "source")
    session.edited()
    session.annotations.undo()
    session.edited()
    assert session.leave()
    assert fingerprint(project) == before and git_status(project) == ""
    assert not project.store.journal_path("alice", "a").exists()


def test_an_edit_is_on_disk_when_edited_returns_and_in_the_file_when_the_document_is_left(tmp_path, monkeypatch):
    monkeypatch.setattr(autosave, "IDLE", 3600.0)  # no fold on its own during the test
    project = project_in_git(tmp_path)
    path = project.store.path("alice", "a")
    written = path.read_bytes()
    session = Session(project, "alice")
    session.open("a")
    session.annotations.add_span(14, 20, "source")
    session.edited()
    assert path.read_bytes() == written  # the file waits for a pause in the keys...
    assert [s.text for s in read_file(path).spans] == ["First story.", "Police"]  # ...the journal has it
    session.toggle_done()
    assert read_file(path).meta.status == "done"
    assert session.leave()
    assert [s.text for s in read_file(path, journal=False).spans] == ["First story.", "Police"]
    assert read_file(path, journal=False).meta.status == "done"
    assert not project.store.journal_path("alice", "a").exists()
    assert git_status(project) == " M annotations/alice/a.json\n"


def test_the_first_edit_of_a_new_document_makes_its_file(tmp_path, monkeypatch):
    monkeypatch.setattr(autosave, "IDLE", 3600.0)
    project = project_in_git(tmp_path)
    session = Session(project, "alice")
    session.open("b")
    session.annotations.add_span(0, 6, "claim")
    session.edited()
    path = project.store.path("alice", "b")
    assert [s.text for s in read_file(path, journal=False).spans] == ["Second"]
    session.leave()


def test_a_journal_a_kill_left_is_folded_when_the_document_is_opened_again(tmp_path, monkeypatch):
    monkeypatch.setattr(autosave, "IDLE", 3600.0)
    project = project_in_git(tmp_path)
    session = Session(project, "alice")
    session.open("a")
    session.annotations.add_span(14, 20, "source")
    session.edited()
    journal = project.store.journal_path("alice", "a")
    assert journal.exists()
    session.saver._journal._close()  # as a kill leaves it: the lock goes with the process
    session.loaded.lock.release()
    again = Session(project, "alice")
    again.open("a")
    assert [s.text for s in again.annotations.sorted_spans()] == ["First story.", "Police"]
    assert again.leave()
    assert not journal.exists()
    assert [s.text for s in read_file(project.store.path("alice", "a"), journal=False).spans] == ["First story.", "Police"]


@pytest.mark.parametrize("broken", ["not json", '["a", "list"]'])
def test_a_state_file_that_cannot_be_read_only_loses_the_cursor(tmp_path, broken):
    project = project_in_git(tmp_path)
    project.store.state_path("alice").write_text(broken)
    session = Session(project, "alice")
    session.open("a")
    assert session.annotations.cursor == 0
    session.annotations.cursor = 3
    assert session.leave()
    assert project.store.cursor("alice", "a") == 3
