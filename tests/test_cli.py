"""The command line: validate, stats, show; one-line errors with exit 2; --project anywhere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reader.commands.cli import main
from reader.core.annotations import DocAnnotations
from tests.conftest import REPO, SEED_ID


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, cwd=cwd)


def annotate(project, annotator="alice"):
    doc = project.corpus.get(SEED_ID)
    ann = DocAnnotations(doc, project.schema)
    at = doc.text.index("HRW said")
    src = ann.add_span(at, at + 3, "source")
    quote_at = doc.text.index("Police ...")
    quote = ann.add_span(quote_at, quote_at + len("Police ... subjected"), "quote")
    ann.link(quote.id, src.id)
    ann.set_note(quote.id, "ellipsis in the original")
    project.store.save(annotator, ann)
    return ann


def test_validate_is_quiet_and_zero_on_a_clean_project(project, capsys):
    annotate(project)
    assert main(["validate", "--project", str(project.path)]) == 0
    assert capsys.readouterr().out.startswith("ok")


def test_validate_prints_a_line_per_problem_and_exits_1(project, capsys):
    annotate(project)
    path = project.store.path("alice", SEED_ID)
    data = json.loads(path.read_text())
    data["spans"]["1"]["text"] = "HRX"
    data["spans"]["2"]["label"] = "opinion"
    path.write_text(json.dumps(data))
    bob = project.path / "annotations" / "bob" / "ghost-doc.json"
    bob.parent.mkdir()
    bob.write_text('{"meta": {}}')
    broken = project.path / "annotations" / "bob" / f"{SEED_ID}.json"
    broken.write_text("{ nope")
    assert main(["--project", str(project.path), "validate"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "annotations/alice/euronews-kazakhstan-torture.json: s1: text 'HRX' does not match the document's 'HRW'" in lines[0]
    assert any(line.endswith("s2: unknown label 'opinion'") for line in lines)
    assert any("annotations/bob/ghost-doc.json: -: no document 'ghost-doc'" in line for line in lines)
    assert any(f"annotations/bob/{SEED_ID}.json:1: -: not valid JSON" in line for line in lines)
    assert len(lines) == 5  # the broken relation (its head no longer a known label) is the fifth


def test_stats_json_counts_labels_and_statuses(project, capsys):
    annotate(project)
    assert main(["stats", "--json", "--project", str(project.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == 1
    assert data["labels"] == {"claim": 0, "quote": 1, "allegation": 0, "source": 1}
    assert data["annotators"]["alice"]["relations"] == 1
    assert data["annotators"]["alice"]["status"] == {"todo": 1}


def test_show_lists_spans_in_text_order_with_their_sources(project, capsys):
    annotate(project)
    path = project.store.path("alice", SEED_ID)
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"# {SEED_ID} by alice: todo; spans 2, links 1"
    assert out[1].split("\t")[2:] == ["quote", '"Police ... subjected"']
    assert out[2] == '\t-> attributed_to s1 "HRW"'
    assert out[3] == '\tnote: "ellipsis in the original"'
    assert out[4].split("\t")[2:] == ["source", '"HRW"']


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "missing.json"], "missing.json: no such file"),
        (["validate", "--project", "/nonexistent/place"], "/nonexistent/place: no such folder"),
        (["export", "--format", "nope", "--out", "x"], "reader export: argument --format: invalid choice"),
        (["stats", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_user_mistakes_give_one_line_and_exit_2(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_show_of_a_malformed_file_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "spans": [1,\n')
    result = run("show", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"reader: {bad}:3: not valid JSON")


def test_project_option_works_before_and_after_the_command(project):
    annotate(project)
    for args in (["--project", str(project.path), "stats"], ["stats", "--project", str(project.path)]):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert "quote 1" in result.stdout


def test_show_as_textconv_never_fails_so_git_diff_keeps_working(tmp_path):
    conflicted = tmp_path / "doc.json"
    conflicted.write_text('{\n<<<<<<< HEAD\n  "spans": {}\n=======\n>>>>>>> other\n}\n')
    result = run("show", "--textconv", str(conflicted))
    assert result.returncode == 0
    assert result.stdout.startswith("# doc.json: not valid JSON") and "<<<<<<< HEAD" in result.stdout


@pytest.mark.parametrize(
    "labels, message",
    [
        ("labels:\n  - {name: claim, key: '1', color: notacolor}\n", "'notacolor' is not a colour"),
        ("version: abc\nlabels:\n  - {name: claim}\n", "'version' must be a whole number"),
        ("labels:\n  - {name: claim}\nrelations: 5\n", "'relations' must be a list"),
        ("labels:\n  - {name: claim}\n  - {name: source}\nrelations:\n  - {name: r, from: [claim], to: source}\n",
         "relation 'r': 'to' must be a list of names"),
        ("labels:\n  - {name: quote}\nattributes:\n  quote: {kind: direct}\n", "attribute quote.kind must be a list"),
        ("labels:\n  - {name: claim, key: c}\n", "key 'c' must be one of 1-9"),
    ],
)
def test_mistakes_in_labels_yaml_are_one_line_errors(project, labels, message):
    (project.path / "annotations" / "labels.yaml").write_text(labels)
    result = run("validate", "--project", str(project.path))
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "labels.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_folder_where_an_annotation_file_should_be_is_a_problem_not_a_traceback(project):
    (project.path / "annotations" / "al" / f"{SEED_ID}.json").mkdir(parents=True)
    result = run("validate", "--project", str(project.path))
    assert result.returncode == 1 and "cannot read" in result.stdout and "Traceback" not in result.stderr
    result = run("stats", "--project", str(project.path))
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_an_opened_but_never_saved_folder_is_not_an_annotator(project):
    project.store.load("nobody", project.corpus.get(SEED_ID), lock=True).lock.release()
    assert "nobody" not in project.store.annotators()


def test_show_of_a_file_with_a_malformed_record_names_it_and_textconv_still_shows_the_file(project):
    annotate(project)
    path = project.store.path("alice", SEED_ID)
    data = json.loads(path.read_text())
    data["spans"]["1"]["attrs"] = "direct"
    path.write_text(json.dumps(data, sort_keys=True, indent=2))
    result = run("show", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"reader: {path}:") and "s1: malformed span (attrs 'direct' is not an object)" in result.stderr
    conv = run("show", "--textconv", str(path))
    assert conv.returncode == 0 and conv.stdout.startswith(f"# {path.name}: s1: malformed span") and '"attrs": "direct"' in conv.stdout
