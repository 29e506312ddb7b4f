"""Commands that draw nothing never import Textual: they start in the time Python and our own code
take, not Textual's (the import-linter contract only sees direct imports; this runs the commands)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, SEED_ID, make_project

RUN = (
    "import sys\n"
    "from reader.commands.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "loaded = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] == 'textual'})\n"
    "print('TEXTUAL:' + ','.join(loaded), file=sys.stderr)\n"
    "raise SystemExit(code)\n"
)


@pytest.fixture
def annotated(tmp_path):
    project = make_project(tmp_path / "proj")
    for name in ("alice", "bob"):
        from reader.core.annotations import DocAnnotations

        doc = project.corpus.get(SEED_ID)
        ann = DocAnnotations(doc, project.schema)
        at = doc.text.index("Human Rights Watch")
        ann.add_span(at, at + len("Human Rights Watch"), "source")
        project.store.save(name, ann)
    return project


@pytest.mark.parametrize(
    "words",
    [
        ["validate"],
        ["stats", "--json"],
        ["show", "annotations/alice/{seed}.json"],
        ["export", "--format", "jsonl", "--annotator", "alice", "--out", "{tmp}/out"],
        ["diff", "alice", "bob", "--json"],
        ["suggest", "--annotator", "carol"],
        ["import", "{tmp}/extra.jsonl", "--format", "jsonl", "--annotator", "dave"],
    ],
    ids=lambda w: w[0],
)
def test_commands_that_draw_nothing_never_import_textual(annotated, tmp_path, words):
    (tmp_path / "extra.jsonl").write_text(json.dumps({"id": "extra", "text": "A new article."}) + "\n", "utf-8")
    argv = [w.format(seed=SEED_ID, tmp=tmp_path) for w in words]
    if argv[0] == "show":
        argv[1] = str(annotated.path / argv[1])
    done = subprocess.run(
        [sys.executable, "-c", RUN, "--project", str(annotated.path), *argv],
        capture_output=True, text=True, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "TEXTUAL:\n" in done.stderr, f"{argv[0]} imported Textual"
