"""CoNLL documents: one `-DOCSTART-<TAB>O` a document, the ids in the export's card, and `reader import`
naming the documents by it, so an export imports back under its own document ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from reader.commands.cli import main
from reader.core.text import tokenize
from reader.files.project import Project
from tests.conftest import spans_by_document
from tests.formats_helpers import ANNOTATOR, build_project

ORDER = ["cafe", "hrw-report", "quiet"]  # the annotated documents in corpus order; "untouched" has none


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("docstart") / "proj")


def export(proj: Project, out: Path, *extra: str) -> None:
    assert main(["export", "--format", "conll", "--annotator", ANNOTATOR, "--out", str(out),
                 "--project", str(proj.path), *extra]) == 0


def documents(path: Path) -> list[list[list[tuple[str, str]]]]:
    """The file's documents -> sentences -> (token, tag), split at `-DOCSTART-` lines."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in path.read_text("utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            assert line == "-DOCSTART-\tO" and not sentence
            docs.append([])
        elif not line:
            if sentence:
                docs[-1].append(sentence)
            sentence = []
        else:
            token, tag = line.split("\t")
            sentence.append((token, tag))
    return docs


def card_ids(out: Path) -> dict[str, list[str]]:
    text = (out / "README.md").read_text("utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text[4:text.index("\n---\n", 3)])["documents"]


def test_one_docstart_a_document_in_document_order_with_the_ids_in_the_card(proj, tmp_path):
    export(proj, tmp_path / "out")
    raw = (tmp_path / "out" / "data.conll").read_text("utf-8")
    assert raw.startswith("-DOCSTART-\tO\n\n") and raw.count("-DOCSTART-\tO\n\n") == 3
    assert card_ids(tmp_path / "out") == {"data.conll": ORDER}
    for doc_id, sentences in zip(ORDER, documents(tmp_path / "out" / "data.conll"), strict=True):
        text = proj.corpus.get(doc_id).text
        assert [w for s in sentences for w, _t in s] == [text[s:e] for s, e in tokenize(text)]


def test_each_split_file_lists_its_own_documents(proj, tmp_path):
    export(proj, tmp_path / "out", "--split", "0.5,0.5", "--seed", "0")
    listed = card_ids(tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out").glob("*.conll"))
    assert sorted(listed) == files and sorted(i for ids in listed.values() for i in ids) == ORDER
    for name, ids in listed.items():
        docs = documents(tmp_path / "out" / name)
        assert len(docs) == len(ids)
        for doc_id, sentences in zip(ids, docs):
            text = proj.corpus.get(doc_id).text
            assert [w for s in sentences for w, _t in s] == [text[s:e] for s, e in tokenize(text)]


def test_the_hf_layout_names_the_document_of_every_sentence(proj, tmp_path):
    export(proj, tmp_path / "hf", "--conll-layout", "hf")
    rows = [json.loads(line) for line in (tmp_path / "hf" / "data.jsonl").read_text("utf-8").splitlines()]
    seen = [r["document"] for r in rows]
    assert sorted(set(seen), key=seen.index) == ORDER
    export(proj, tmp_path / "conll")
    per_doc = documents(tmp_path / "conll" / "data.conll")
    assert [len([r for r in rows if r["document"] == d]) for d in ORDER] == [len(s) for s in per_doc]


def test_seqeval_and_spacy_still_read_the_entities(proj, tmp_path, capsys):
    pytest.importorskip("seqeval")
    from seqeval.metrics.sequence_labeling import get_entities

    export(proj, tmp_path / "out")
    err = capsys.readouterr().err
    path = tmp_path / "out" / "data.conll"
    found = [sum(len(get_entities([t for _w, t in s])) for s in doc) for doc in documents(path)]
    spans = [len(proj.store.load(ANNOTATOR, proj.corpus.get(d)).annotations.spans) for d in ORDER]
    dropped = int(re.search(r"(\d+) items not written", err).group(1))
    assert sum(found) == sum(spans) - dropped and found[0] > 0 and found[1] > 0 and found[2] == 0  # "quiet" has none
    # spaCy's converter takes `-DOCSTART-<TAB>O` for a token tagged O: the same entities
    pytest.importorskip("spacy")
    from spacy.training.converters import conll_ner_to_docs

    docs = list(conll_ner_to_docs(path.read_text("utf-8"), n_sents=0, no_print=True))
    assert sum(len(d.ents) for d in docs) == sum(found)


spans_of = spans_by_document


def written(path: Path) -> dict[int, list[tuple[str, str]]]:
    """Per document of the file, (entity text on the rebuilt text, label) as seqeval reads the tags."""
    from seqeval.metrics.sequence_labeling import get_entities

    out = {}
    for n, doc in enumerate(documents(path)):
        out[n] = sorted((" ".join(w for w, _t in s[a:b + 1]), label)
                        for s in doc for label, a, b in get_entities([t for _w, t in s]))
    return out


def test_export_then_import_restores_the_documents_ids_and_spans(proj, tmp_path, capsys):
    pytest.importorskip("seqeval")
    export(proj, tmp_path / "out")
    path = tmp_path / "out" / "data.conll"
    assert main(["import", str(path), "--format", "conll", "--annotator", "c", "--project", str(tmp_path / "new")]) == 0
    assert f"document ids from {tmp_path / 'out' / 'README.md'}" in capsys.readouterr().err
    new = Project(tmp_path / "new")
    assert sorted(d.id for d in new.corpus) == sorted(ORDER)
    got = spans_of(new, "c")
    want = written(path)
    assert got == {doc: want[n] for n, doc in enumerate(ORDER)}
    assert ("police beat detainees 👍🏽", "quote") in got["hrw-report"]
    for doc_id, sentences in zip(ORDER, documents(path)):
        assert new.corpus.get(doc_id).text == "\n".join(" ".join(w for w, _t in s) for s in sentences)


def test_a_split_export_folder_imports_back_under_its_ids(proj, tmp_path):
    export(proj, tmp_path / "out", "--split", "0.5,0.5", "--seed", "0")
    assert main(["import", str(tmp_path / "out"), "--format", "conll", "--annotator", "c",
                 "--project", str(tmp_path / "new")]) == 0
    assert sorted(d.id for d in Project(tmp_path / "new").corpus) == sorted(ORDER)


def test_a_card_that_does_not_fit_the_file_is_not_used_and_says_so(proj, tmp_path, capsys):
    export(proj, tmp_path / "out")
    path = tmp_path / "out" / "data.conll"
    raw = path.read_text("utf-8")
    second = raw.index("-DOCSTART-", 1)
    path.write_text(raw[:second] + raw[second:].replace("-DOCSTART-\tO\n\n", "", 1), "utf-8")  # two documents left
    assert main(["import", str(path), "--format", "conll", "--annotator", "c", "--project", str(tmp_path / "new")]) == 0
    err = capsys.readouterr().err
    assert "lists 3 documents for data.conll, which has 2 -DOCSTART- lines; documents named after the file" in err
    assert sorted(d.id for d in Project(tmp_path / "new").corpus) == ["data-1", "data-2"]


def test_tokens_before_the_first_docstart_leave_the_card_unused(proj, tmp_path, capsys):
    export(proj, tmp_path / "out")
    path = tmp_path / "out" / "data.conll"
    raw = path.read_text("utf-8")
    path.write_text("Extra\tO\n\n" + raw, "utf-8")
    assert main(["import", str(path), "--format", "conll", "--annotator", "c", "--project", str(tmp_path / "new")]) == 0
    assert "tokens before the first -DOCSTART-" in capsys.readouterr().err
    assert sorted(d.id for d in Project(tmp_path / "new").corpus) == ["data-1", "data-2", "data-3", "data-4"]
