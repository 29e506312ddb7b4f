"""`reader export` on the command line: the contract's flags, one-line errors, --gold, splits, hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.commands.cli import main
from reader.core.errors import UserError
from reader.formats.common import parse_split, split_records
from tests.formats_helpers import ANNOTATOR, build_project


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("cli") / "proj")


def test_export_command_writes_files_and_says_what_it_left_out(proj, tmp_path, capsys):
    code = main(["export", "--format", "conll", "--annotator", ANNOTATOR, "--out", str(tmp_path / "o"),
                 "--project", str(proj.path)])
    assert code == 0
    captured = capsys.readouterr()
    assert "exported 3 documents, 14 spans, 8 relations as conll" in captured.out
    assert "5 items not written (1 not on token boundaries, 4 overlap)" in captured.err
    assert (tmp_path / "o" / "data.conll").exists() and (tmp_path / "o" / "README.md").exists()


def test_gold_exports_the_adjudicated_set(tmp_path, capsys):
    project = build_project(tmp_path / "proj", annotator="gold")
    assert main(["--project", str(project.path), "export", "--format", "jsonl", "--gold", "--out", str(tmp_path / "o")]) == 0
    lines = (tmp_path / "o" / "data.jsonl").read_text("utf-8").splitlines()
    assert {json.loads(l)["annotator"] for l in lines} == {"gold"}
    assert "Annotator: `gold` (the adjudicated set)" in (tmp_path / "o" / "README.md").read_text("utf-8")


@pytest.mark.parametrize(
    "args, what",
    [
        (["--split", "0.8,0.3"], "sum to 1"),
        (["--split", "a,b"], "expected fractions"),
        (["--annotator", "nobody"], "no annotations by 'nobody'"),
        (["--format", "conll", "--offsets", "utf16"], "--offsets utf16 is for"),
    ],
)
def test_bad_export_arguments_are_one_line_and_exit_2(proj, tmp_path, capsys, args, what):
    argv = ["export", "--format", "jsonl", "--annotator", ANNOTATOR, "--out", str(tmp_path / "o"), "--project", str(proj.path)]
    for i in range(0, len(args), 2):  # later flags win in argparse
        argv += args[i : i + 2]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and what in err, err


def test_split_is_by_document_deterministic_and_complete():
    records = [{"id": f"d{i:02d}", "spans": [], "relations": []} for i in range(20)]
    a = split_records(records, parse_split("0.8,0.1,0.1"), seed=5)
    b = split_records(list(reversed(records)), parse_split("0.8,0.1,0.1"), seed=5)
    assert {k: len(v) for k, v in a.items()} == {"train": 16, "validation": 2, "test": 2}
    assert {k: sorted(r["id"] for r in v) for k, v in a.items()} == {k: sorted(r["id"] for r in v) for k, v in b.items()}
    ids = [r["id"] for v in a.values() for r in v]
    assert sorted(ids) == [r["id"] for r in records]
    c = split_records(records, parse_split("0.8,0.1,0.1"), seed=6)
    assert {k: [r["id"] for r in v] for k, v in c.items()} != {k: [r["id"] for r in v] for k, v in a.items()}


def test_spacy_missing_is_a_clear_message(proj, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    from reader.formats import export

    with pytest.raises(UserError, match=r"needs spaCy: pip install"):
        export(proj, "spacy", tmp_path / "o", annotator=ANNOTATOR)


def test_a_bad_seed_does_not_stop_the_export(tmp_path, capsys):
    project = build_project(tmp_path / "proj")
    (project.path / "seeds" / "broken.txt").write_bytes(b"\xff\xfe not utf-8")
    assert main(["export", "--format", "jsonl", "--annotator", ANNOTATOR, "--out", str(tmp_path / "o"),
                 "--project", str(project.path)]) == 0
    assert "broken.txt: not UTF-8" in capsys.readouterr().err


def test_formats_never_import_textual():
    code = (
        "import sys, importlib, pkgutil, reader.formats as f\n"
        "for m in pkgutil.iter_modules(f.__path__): importlib.import_module('reader.formats.' + m.name)\n"
        "assert not any(n == 'textual' or n.startswith('textual.') for n in sys.modules), 'textual imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_leftovers_of_an_earlier_export_are_pointed_out(proj, tmp_path, capsys):
    out = str(tmp_path / "o")
    base = ["export", "--format", "jsonl", "--annotator", ANNOTATOR, "--out", out, "--project", str(proj.path)]
    assert main(base) == 0
    assert main(base + ["--split", "0.5,0.5"]) == 0
    err = capsys.readouterr().err
    assert "1 files in" in err and "data.jsonl" in err


def test_progress_bar_on_a_terminal_yields_every_item(monkeypatch, capsys):
    from reader.core.progress import track

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert list(track(list(range(50)), "working")) == list(range(50))
    assert list(track([1, 2], "few")) == [1, 2]  # a few documents: no bar


def _tree(root):
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_export_into_the_project_folder_is_refused_and_writes_nothing(tmp_path, capsys):
    project = build_project(tmp_path / "proj")
    (project.path / "README.md").write_text("# My project\n", "utf-8")
    before = _tree(project.path)
    assert main(["export", "--format", "jsonl", "--annotator", ANNOTATOR, "--out", str(project.path),
                 "--project", str(project.path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(project.path) in err and "not empty" in err, err
    assert _tree(project.path) == before


def test_export_refuses_a_foreign_folder_but_accepts_an_empty_one_and_its_own(proj, tmp_path, capsys):
    base = ["export", "--format", "jsonl", "--annotator", ANNOTATOR, "--project", str(proj.path), "--out"]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "data.jsonl").write_text("mine\n", "utf-8")
    assert main(base + [str(foreign)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert _tree(foreign) == {Path("data.jsonl"): b"mine\n"}
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(base + [str(empty)]) == 0
    assert (empty / ".reader-export").is_file()
    assert main(base + [str(empty), "--split", "0.5,0.5"]) == 0  # an earlier export: written again


def test_export_to_an_unwritable_place_is_one_line_not_a_traceback(proj, tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", "utf-8")
    for out in (blocker / "sub", "/"):
        assert main(["export", "--format", "jsonl", "--annotator", ANNOTATOR, "--out", str(out),
                     "--project", str(proj.path)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("reader: ") and "Traceback" not in err, err
    assert blocker.read_text("utf-8") == "x"


def test_annotation_files_of_documents_no_longer_in_seeds_are_named(tmp_path, capsys):
    project = build_project(tmp_path / "proj")
    (project.path / "seeds" / "cafe.txt").unlink()
    assert main(["export", "--format", "jsonl", "--annotator", ANNOTATOR, "--out", str(tmp_path / "o"),
                 "--project", str(project.path)]) == 0
    captured = capsys.readouterr()
    assert "exported 2 documents" in captured.out
    lines = [l for l in captured.err.splitlines() if "cafe.json" in l]
    assert len(lines) == 1 and "not in seeds/" in lines[0] and "not exported" in lines[0], captured.err
    assert "cafe.json" in (tmp_path / "o" / "README.md").read_text("utf-8")


def test_export_never_writes_through_a_symlink_in_an_earlier_export(proj, tmp_path, capsys):
    out = tmp_path / "o"
    base = ["export", "--format", "jsonl", "--annotator", ANNOTATOR, "--out", str(out), "--project", str(proj.path)]
    assert main(base) == 0
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n", "utf-8")
    (out / "data.jsonl").unlink()
    (out / "data.jsonl").symlink_to(victim)
    assert main(base) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "data.jsonl" in err and "symbolic link" in err, err
    assert victim.read_text("utf-8") == "keep me\n"
