"""Reading seeds: formats, normalisation that keeps offsets exact, and one error per bad file."""

from __future__ import annotations

import json

import pytest

from reader.core.annotations import DocAnnotations
from reader.files.corpus import CorpusError, load_corpus, normalise_text, read_documents
from tests.conftest import make_project


def test_the_repository_seed_loads_with_its_headline_first(project):
    corpus = project.corpus
    assert corpus.errors == []
    doc = corpus.get("euronews-kazakhstan-torture")
    assert doc.title == "Kazakhstan protesters were tortured after unrest, says Human Rights Watch"
    assert len(doc.sha256) == 64


def test_crlf_and_every_splitlines_break_become_newlines(tmp_path):
    raw = "One.\r\nTwo.\rThree.\u2028Four.\x85Five.\x0cSix.\x1cSeven.\x1dEight.\x1eNine."
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "crlf.txt").write_bytes(raw.encode("utf-8"))
    [doc] = read_documents(tmp_path / "seeds" / "crlf.txt")
    assert doc.text.split("\n") == ["One.", "Two.", "Three.", "Four.", "Five.", "Six.", "Seven.", "Eight.", "Nine."]
    assert doc.text.splitlines() == doc.text.split("\n")  # no hidden line breaks left for TextArea & co
    assert "newlines" in doc.meta["normalised"]


def test_control_characters_become_visible_placeholders_one_for_one():
    text, done = normalise_text("red \x1b[31mALERT\x1b[0m bell\x07 del\x7f c1\x9b tab\tend")
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert text == "red \u241b[31mALERT\u241b[0m bell\u2407 del\u2421 c1\ufffd tab\tend"
    assert done == ["controls"]


def test_emoji_combining_and_cjk_keep_code_point_offsets(tmp_path):
    text = "Caf\u00e9 e\u0301 \U0001F44D\U0001F3FD \u5317\u4eac said \u201chi\u201d.\n"
    project = make_project(tmp_path / "p", {"uni": text})
    doc = project.corpus.get("uni")
    assert doc.text == text
    ann = DocAnnotations(doc, project.schema)
    at = text.index("\u5317")
    assert ann.add_span(at, at + 2, "source").text == "\u5317\u4eac"


def test_bad_files_each_give_one_error_and_the_rest_still_load(tmp_path):
    project = make_project(tmp_path / "p", {"good": "Fine text."})
    seeds = project.path / "seeds"
    (seeds / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (seeds / "latin1.txt").write_bytes("Caf\u00e9".encode("latin-1"))
    (seeds / "empty.txt").write_bytes(b"  \n\n")
    corpus = load_corpus(project.path)
    assert corpus.ids == ["good"]
    errors = {e.path.rsplit("/", 1)[-1]: e.message for e in corpus.errors}
    assert errors == {
        "binary.txt": "binary file (contains NUL bytes), not text",
        "empty.txt": "empty document",
        "latin1.txt": "not UTF-8 (byte 0xe9 at offset 3)",
    }
    assert all("\n" not in str(e) for e in corpus.errors)


def test_markdown_front_matter_gives_title_and_is_not_part_of_the_text(tmp_path):
    project = make_project(tmp_path / "p", {})
    (project.path / "seeds" / "art.md").write_text(
        "---\ntitle: Police accused\nsource: HRW\nurl: https://example.org/a\ndate: 2022-02-01\n---\nBody text.\n"
    )
    doc = project.corpus.get("art")
    assert doc.text == "Body text.\n"
    assert doc.title == "Police accused"
    assert doc.meta["url"] == "https://example.org/a" and doc.meta["date"] == "2022-02-01"


def test_jsonl_documents_and_a_bad_line_named_by_number(tmp_path):
    project = make_project(tmp_path / "p", {})
    lines = [json.dumps({"id": "a", "text": "First.", "source": "x"}), json.dumps({"id": "b", "text": "Second."})]
    (project.path / "seeds" / "batch.jsonl").write_text("\n".join(lines) + "\n")
    assert project.corpus.ids == ["a", "b"]
    assert project.corpus.get("a").meta["source"] == "x"
    (project.path / "seeds" / "broken.jsonl").write_text(lines[0].replace('"a"', '"c"') + "\n{oops\n")
    with pytest.raises(CorpusError, match=r"broken.jsonl:2: not valid JSON"):
        read_documents(project.path / "seeds" / "broken.jsonl")


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "..", ""])
def test_jsonl_ids_that_would_escape_the_folder_are_refused(tmp_path, bad_id):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"id": bad_id, "text": "t"}) + "\n")
    with pytest.raises(CorpusError, match=r"x.jsonl:1:"):
        read_documents(path)
