"""The store: readable atomic files, locks, re-anchoring, and nothing lost on bad input."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import Document
from reader.files.annotation_file import StoreError
from tests.conftest import REPO, SEED_ID

QUOTE = "Police ... subjected some detainees to ill-treatment and torture"


def annotate(project) -> tuple[Document, DocAnnotations]:
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    at = doc.text.index(QUOTE)
    quote = ann.add_span(at, at + len(QUOTE), "quote", {"kind": "direct"})
    hrw = doc.text.index("HRW said")
    source = ann.add_span(hrw, hrw + 3, "source")
    ann.link(quote.id, source.id)
    return doc, ann


def test_saved_file_is_sorted_indented_tinydb_json_with_three_tables(project):
    doc, ann = annotate(project)
    path = project.store.save("alice", ann)
    assert path == project.path / "annotations" / "alice" / f"{SEED_ID}.json"
    raw = path.read_text()
    data = json.loads(raw)
    assert set(data) == {"meta", "spans", "relations"}
    assert raw == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert data["meta"]["1"]["sha256"] == doc.sha256
    assert [s["text"] for s in data["spans"].values()] == [QUOTE, "HRW"]
    assert list(path.parent.glob(".*.tmp")) == []
    assert path.stat().st_mode & 0o077 == 0o044 & ~_umask()  # readable by the team like any file


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_span_keeps_its_key_in_the_file_so_git_diffs_stay_small(project):
    doc, ann = annotate(project)
    path = project.store.save("alice", ann)
    before = json.loads(path.read_text())["spans"]
    ann.add_span(0, 10, "claim")  # before both in text order
    after = json.loads(project.store.save("alice", ann).read_text())["spans"]
    assert all(after[k]["id"] == v["id"] for k, v in before.items())


def test_second_process_opens_read_only_and_cannot_save(project):
    doc, ann = annotate(project)
    first = project.store.load("alice", doc, lock=True)
    assert not first.readonly
    script = textwrap.dedent(
        f"""
        import sys
        from reader.files.project import Project
        p = Project({str(project.path)!r})
        doc = p.corpus.get({SEED_ID!r})
        loaded = p.store.load("alice", doc, lock=True)
        print(loaded.readonly, loaded.report[0] if loaded.report else "")
        try:
            p.store.save("alice", loaded.annotations)
        except Exception as exc:
            print(type(exc).__name__, exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.splitlines()[0].startswith("True ") and "read-only" in out.splitlines()[0]
    assert "StoreError" in out and "not saved" in out
    first.lock.release()
    again = project.store.load("alice", doc, lock=True)
    assert not again.readonly
    again.lock.release()


CHILD = """
import sys
from reader.files.project import Project
from reader.core.annotations import DocAnnotations
p = Project(sys.argv[1])
doc = p.corpus.get(sys.argv[2])
words = [i for i in range(len(doc.text) - 1) if doc.text[i].isalnum() and (i == 0 or not doc.text[i - 1].isalnum())]
ann = DocAnnotations(doc, p.schema)
n = 0
print("ready", flush=True)
while True:
    n += 1
    at = words[n % len(words)]
    end = at
    while end < len(doc.text) and doc.text[end].isalnum():
        end += 1
    if ann.find_span(at, end, "claim") is None:
        ann.add_span(at, end, "claim")  # ids s1, s2, ... and none deleted: a self-check follows
    p.store.save("alice", ann)
"""


def test_kill_at_random_moments_never_leaves_a_torn_file(project):
    path = project.store.path("alice", SEED_ID)
    rng = random.Random(7)
    seen_counts = set()
    for _ in range(25):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(project.path), SEED_ID], cwd=REPO, stdout=subprocess.PIPE
        )
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.15))  # a random moment to kill at; nothing is timed
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if not path.exists():
            continue
        data = json.loads(path.read_text())  # never torn: always parses
        meta = data["meta"]["1"]
        count = meta["last_ids"].get("s", 0)  # the highest id is the number of spans in every state
        assert count == len(data["spans"]), "a file mixing two states"
        loaded = project.store.load("alice", project.corpus.get(SEED_ID))
        assert loaded.report == [] and len(loaded.annotations) == count
        seen_counts.add(count)
    assert len(seen_counts) > 3, "the child was killed before it saved anything"


def test_malformed_json_is_named_with_its_line_and_left_untouched(project):
    path = project.store.path("alice", SEED_ID)
    path.parent.mkdir(parents=True)
    path.write_text('{\n  "meta": {\n    "1": {"doc_id": \n')
    with pytest.raises(StoreError) as err:
        project.store.load("alice", project.corpus.get(SEED_ID))
    assert str(err.value).startswith(str(path) + ":4: not valid JSON")
    assert path.read_text() == '{\n  "meta": {\n    "1": {"doc_id": \n'


def _write_spans(project, spans: list[dict], sha: str | None = None) -> Path:
    doc = project.corpus.get(SEED_ID)
    path = project.store.path("alice", SEED_ID)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "meta": {"1": {"doc_id": SEED_ID, "sha256": sha or doc.sha256, "status": "in-progress", "cursor": 5}},
        "spans": {str(i): s for i, s in enumerate(spans, 1)},
        "relations": {},
    }
    path.write_text(json.dumps(data))
    return path


def test_bad_spans_are_kept_as_orphans_reported_and_saved_back(project):
    doc = project.corpus.get(SEED_ID)
    good_at = doc.text.index("HRW said")
    _write_spans(
        project,
        [
            {"id": "s1", "start": good_at, "end": good_at + 3, "label": "source", "text": "HRW"},
            {"id": "s2", "start": 5000, "end": 5010, "label": "claim", "text": "nowhere!!!"},
            {"id": "s3", "start": 0, "end": 10, "label": "opinion", "text": "Kazakhstan"},
            {"id": "s4", "start": 0, "end": 10, "label": "claim", "text": "Not there!"},
        ],
    )
    loaded = project.store.load("alice", doc)
    assert sorted(loaded.annotations.spans) == ["s1"]
    assert {o.item.id for o in loaded.annotations.orphans} == {"s2", "s3", "s4"}
    assert len(loaded.report) == 3 and all("orphaned" in line for line in loaded.report)
    path = project.store.save("alice", loaded.annotations)
    saved = json.loads(path.read_text())["spans"]
    assert sorted(s["id"] for s in saved.values()) == ["s1", "s2", "s3", "s4"]
    assert sorted(s["id"] for s in saved.values() if s.get("orphaned")) == ["s2", "s3", "s4"]


def save_second_hrw(project) -> tuple[int, Path]:
    """Save alice's source span on the second "HRW" of the seed (the word occurs several times, so
    only the context tells which one); returns its offset and the seed's path."""
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    second = doc.text.index("HRW said")
    ann.add_span(second, second + 3, "source")
    project.store.save("alice", ann)
    return second, project.path / "seeds" / f"{SEED_ID}.txt"


def test_changed_document_reanchors_spans_by_text_and_context(project):
    second, seed = save_second_hrw(project)
    seed.write_text("An editor's note added at the top.\n\n" + seed.read_text())
    project.reload()
    changed = project.corpus.get(SEED_ID)
    loaded = project.store.load("alice", changed)
    [span] = loaded.annotations.spans.values()
    assert span.start == second + len("An editor's note added at the top.\n\n")
    assert changed.text[span.start : span.end + 5] == "HRW said"
    assert any("changed" in line for line in loaded.report)


@pytest.mark.parametrize("name", ["../x", "a/b", "..", "", ".hidden", "x\\y"])
def test_annotator_names_that_escape_the_folder_are_refused(project, name):
    with pytest.raises(UserError, match="annotator"):
        project.store.path(name, SEED_ID)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

from reader.files.annotation_file import dumps

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_the_fast_writer_writes_exactly_what_json_dumps_writes(value):
    assert dumps(value) == json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_new_spans_never_take_the_ids_of_kept_aside_or_deleted_ones(tmp_path):
    from tests.conftest import make_project

    text = "The sky is green. The sea is red. Alice said so, Bob agreed.\n"
    project = make_project(tmp_path / "p", {"d": text})
    ann = project.store.load("al", project.corpus.get("d")).annotations
    c1, c2 = ann.add_span(0, 17, "claim"), ann.add_span(18, 33, "claim")
    alice = ann.add_span(text.index("Alice"), text.index("Alice") + 5, "source")
    ann.link(c1.id, alice.id)
    project.store.save("al", ann)
    (project.path / "seeds" / "d.txt").write_text(text.replace("Alice", "Alicia"))  # Alice no longer fits
    project.reload()
    doc = project.corpus.get("d")
    ann = project.store.load("al", doc).annotations
    assert [o.item.id for o in ann.orphans] == [alice.id, "r1"]
    bob = ann.add_span(doc.text.index("Bob"), doc.text.index("Bob") + 3, "source")
    link = ann.link(c2.id, bob.id)
    assert bob.id not in (c1.id, c2.id, alice.id) and link.id != "r1"
    project.store.save("al", ann)
    again = project.store.load("al", doc).annotations
    links = {(again.spans[r.head].text, again.spans[r.tail].text) for r in again.relations.values()}
    assert links == {("The sea is red.", "Bob")}
    assert {o.item.id for o in again.orphans} == {alice.id, "r1"}
    again.delete_span(bob.id)  # the highest id: after a restart it must not come back
    project.store.save("al", again)
    fresh = project.store.load("al", doc).annotations
    assert fresh.add_span(0, 3, "claim").id not in (bob.id, alice.id, c1.id, c2.id)


def test_kept_aside_spans_keep_their_context_for_a_later_placement(project):
    second, seed = save_second_hrw(project)
    original = seed.read_text()
    seed.write_text(original.replace("HRW", "H.R.W."))  # no HRW anywhere: kept aside
    project.reload()
    loaded = project.store.load("alice", project.corpus.get(SEED_ID))
    assert len(loaded.annotations.orphans) == 1
    project.store.save("alice", loaded.annotations)
    # HRW is back, and an added preface puts the *first* HRW where the span used to be: only the
    # saved context can tell the right one.
    preface = "x" * (second - original.index("HRW") - 2) + "\n\n"
    seed.write_text(preface + original)
    project.reload()
    back = project.store.load("alice", project.corpus.get(SEED_ID)).annotations
    [span] = back.spans.values()
    assert span.start == second + len(preface)


def _line_of_record(path: Path, table: str, key: str) -> int:
    """The line number of record `key` of `table` in an indented file, found by hand."""
    lines = path.read_text().splitlines()
    at = lines.index(f'  "{table}": {{')
    return next(i for i in range(at, len(lines)) if lines[i].startswith(f'    "{key}": ')) + 1


def test_a_malformed_record_is_one_error_naming_file_line_and_record(project):
    doc, ann = annotate(project)
    path = project.store.save("alice", ann)
    data = json.loads(path.read_text())
    del data["spans"]["2"]["start"]
    path.write_text(json.dumps(data, sort_keys=True, indent=2))
    with pytest.raises(StoreError) as err:
        project.store.load("alice", doc)
    assert str(err.value) == f"{path}:{_line_of_record(path, 'spans', '2')}: s2: malformed span (no 'start')"
    assert json.loads(path.read_text()) == data  # left as it was


def test_validate_names_every_malformed_record_and_a_record_that_is_not_an_object(project):
    from reader.commands.validate import validate

    _doc, ann = annotate(project)
    path = project.store.save("alice", ann)
    data = json.loads(path.read_text())
    data["spans"]["1"]["end"] = "later"
    data["relations"]["1"] = ["not", "a", "record"]
    path.write_text(json.dumps(data, sort_keys=True, indent=2))
    where = f"annotations/alice/{SEED_ID}.json"
    problems = [str(p) for p in validate(project)]
    assert f"{where}:{_line_of_record(path, 'spans', '1')}: s1: malformed span (end 'later' is not a whole number)" in problems
    assert f"{where}:{_line_of_record(path, 'relations', '1')}: -: malformed relation (record 1 is not an object)" in problems
