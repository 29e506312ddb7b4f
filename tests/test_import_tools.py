"""Files from the tools people use, in those tools' own layouts: Prodigy and doccano, in and out.

The fixtures under tests/data/tools/ copy the layouts these tools write (each test says which):
Prodigy's `ner.manual` and `rel.manual` `db-out` lines (`_input_hash`/`_task_hash`, `tokens`, spans
with inclusive `token_end`, `answer`, rel.manual's `head`/`child` token indices with
`head_span`/`child_span`), doccano 1.x's sequence labelling, relation and intent-detection exports and
doccano 1.0's `annotations` export (label ids, users, a `meta` dict). Label Studio is in
test_labelstudio_tools.py.
"""

from __future__ import annotations

import json

import pytest

from reader.commands.cli import main
from reader.files.project import Project
from reader.formats import export, import_paths
from reader.formats.common import tokenize
from tests.conftest import DATA
from tests.formats_helpers import ANNOTATOR, build_project, full

TOOLS = DATA / "tools"


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("tools") / "proj")


def spans_of(project: Project, annotator: str) -> dict[str, set[tuple[str, str]]]:
    """doc id -> {(label, text)} of one annotator's spans."""
    out = {}
    for doc in project.corpus:
        loaded = project.store.load(annotator, doc)
        if loaded.exists:
            out[doc.id] = {(s.label, s.text) for s in loaded.annotations.spans.values()}
    return out


def links_of(project: Project, annotator: str) -> dict[str, set[tuple[str, str, str]]]:
    out = {}
    for doc in project.corpus:
        ann = project.store.load(annotator, doc).annotations
        out[doc.id] = {(ann.spans[r.head].text, r.label, ann.spans[r.tail].text) for r in ann.relations.values()}
    return out


# --------------------------------------------------------------------------- Prodigy


def test_prodigy_ner_manual_ids_from_the_input_hash_and_rejected_answers_skipped(tmp_path, capsys):
    # ner_manual.jsonl: Prodigy `db-out` of a ner.manual dataset (no `id`; accept, reject, ignore; one
    # input answered twice, the later answer last, as Prodigy appends them)
    target = tmp_path / "p"
    assert main(["import", str(TOOLS / "prodigy" / "ner_manual.jsonl"), "--format", "jsonl", "--annotator", "ana",
                 "--project", str(target), "--label-map", "SOURCE=source,QUOTE=quote,ALLEGATION=allegation"]) == 0
    err = capsys.readouterr().err
    project = Project(target)
    assert sorted(project.corpus.ids) == ["prodigy-1859302741", "prodigy-m1043126476"]
    assert "Prodigy tasks have no 'id'; document ids derived: 3 from _input_hash (prodigy-<hash>)" in err
    assert "1 tasks answered 'reject' not imported (lines 3); --keep-rejected imports them" in err
    assert "1 tasks answered 'ignore' not imported (lines 4)" in err
    assert "later answers to the same input replaced earlier ones (lines 5)" in err
    got = spans_of(project, "ana")
    assert got["prodigy-1859302741"] == {("source", "HRW"), ("allegation", "police beat detainees")}  # the later answer
    assert got["prodigy-m1043126476"] == {("source", "Police chief Aida Nur"), ("quote", "we act within the law")}
    assert project.corpus.get("prodigy-1859302741").meta["_input_hash"] == 1859302741


def test_prodigy_keep_rejected_imports_them_with_their_answer(tmp_path, capsys):
    target = tmp_path / "p"
    assert main(["import", str(TOOLS / "prodigy" / "ner_manual.jsonl"), "--format", "prodigy", "--keep-rejected",
                 "--annotator", "ana", "--project", str(target)]) == 0
    assert "not imported" not in capsys.readouterr().err
    corpus = Project(target).corpus
    assert len(corpus.ids) == 4
    assert corpus.get("prodigy-778212133").meta["answer"] == "reject"
    assert corpus.get("prodigy-m92011187").meta["answer"] == "ignore"


def test_keep_rejected_is_refused_for_a_format_without_answers(tmp_path, capsys):
    assert main(["import", str(TOOLS / "doccano" / "relation.jsonl"), "--format", "doccano", "--keep-rejected",
                 "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--keep-rejected is for" in err
    assert not (tmp_path / "p").exists()


def test_prodigy_rel_manual_relations_are_read_from_head_and_child_spans(tmp_path, capsys):
    # rel_manual.jsonl: a rel.manual answer: spans, relations with head/child (the last token of each
    # span) and head_span/child_span, one relation to a plain token (rel.manual allows it), a meta dict
    target = tmp_path / "p"
    assert main(["import", str(TOOLS / "prodigy" / "rel_manual.jsonl"), "--format", "prodigy", "--annotator", "ana",
                 "--label-map", "SOURCE=source,CLAIM=claim,ATTRIBUTED_TO=attributed_to", "--project", str(target)]) == 0
    err = capsys.readouterr().err
    assert "KeyError" not in err
    assert "rel_manual.jsonl:1: relation 2 (ATTRIBUTED_TO) has an end that is a token, not a span; not imported" in err
    project = Project(target)
    (doc_id,) = project.corpus.ids
    assert links_of(project, "ana")[doc_id] == {("ministers resigned", "attributed_to", "Reuters"),
                                                ("ministers resigned", "attributed_to", "Ana Li")}
    meta = project.corpus.get(doc_id).meta
    assert meta["source"] == "wire" and meta["section"] == "politics"


def check_prodigy_task(task: dict) -> None:
    """What Prodigy's ner_manual/rel.manual interfaces rely on, checked on one exported task."""
    text, tokens = task["text"], task["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    for t in tokens:
        assert text[t["start"]:t["end"]] == t["text"] and t["text"].strip() == t["text"] != ""
        assert t["ws"] == (t["end"] < len(text) and text[t["end"]].isspace())
    for s in task["spans"]:
        assert tokens[s["token_start"]]["start"] == s["start"] and tokens[s["token_end"]]["end"] == s["end"]
    for r in task["relations"]:
        assert r["head_span"] in task["spans"] and r["child_span"] in task["spans"]
        assert r["head"] == r["head_span"]["token_end"] and r["child"] == r["child_span"]["token_end"]
    assert task["answer"] == "accept" and "_task_hash" not in task


def test_prodigy_export_has_token_offsets_and_rel_manual_relations_and_comes_back_unchanged(proj, tmp_path):
    out = tmp_path / "out"
    report = export(proj, "prodigy", out, annotator=ANNOTATOR)
    assert report.dropped == []
    tasks = [json.loads(line) for line in (out / "data.jsonl").read_text("utf-8").splitlines()]
    assert {t["id"] for t in tasks} == {"hrw-report", "cafe", "quiet"}
    for task in tasks:
        check_prodigy_task(task)
    hrw = next(t for t in tasks if t["id"] == "hrw-report")
    quote = next(i for i, s in enumerate(hrw["spans"]) if hrw["text"][s["start"]:s["end"]] == "we act within the law")
    assert hrw["meta"]["span_attributes"][str(quote)] == {"kind": "direct"}
    assert hrw["meta"]["span_notes"][str(quote)] == "said at a briefing"
    # the emoji with its skin tone is one token, as in every token format
    assert any(t["text"] == "👍🏽" for t in hrw["tokens"])
    assert "Nothing: every span, relation, attribute and note" in (out / "README.md").read_text("utf-8")
    target = tmp_path / "new"
    import_paths(target, [out / "data.jsonl"], "prodigy", annotator="imp")
    assert full(Project(target), "imp") == full(proj, ANNOTATOR)


def test_prodigy_export_writes_back_the_input_hash_it_came_with(tmp_path):
    target = tmp_path / "p"
    import_paths(target, [TOOLS / "prodigy" / "rel_manual.jsonl"], "prodigy", annotator="ana")
    export(Project(target), "prodigy", tmp_path / "out", annotator="ana")
    (task,) = [json.loads(line) for line in (tmp_path / "out" / "data.jsonl").read_text("utf-8").splitlines()]
    assert task["_input_hash"] == 523911 and "_input_hash" not in task["meta"]
    check_prodigy_task(task)
    assert {(r["head_span"]["label"], r["label"], r["child_span"]["label"]) for r in task["relations"]} == {
        ("CLAIM", "ATTRIBUTED_TO", "SOURCE")}


def test_prodigy_input_file_without_ids_gets_line_number_ids(tmp_path, capsys):
    src = tmp_path / "news.jsonl"  # a Prodigy input file: text and meta only
    src.write_text(json.dumps({"text": "One.", "meta": {"source": "a"}}) + "\n" + json.dumps({"text": "Two."}) + "\n", "utf-8")
    assert main(["import", str(src), "--format", "jsonl", "--project", str(tmp_path / "p")]) == 0
    assert "2 from the line number" in capsys.readouterr().err
    assert sorted(Project(tmp_path / "p").corpus.ids) == ["news-1", "news-2"]


# --------------------------------------------------------------------------- doccano


def test_doccano_1_0_annotations_with_label_ids_users_and_meta(tmp_path, capsys):
    # v1_annotations.jsonl: doccano 1.0's JSON export, `annotations` with label ids and users, a `meta` dict
    target = tmp_path / "p"
    assert main(["import", str(TOOLS / "doccano" / "v1_annotations.jsonl"), "--format", "doccano",
                 "--project", str(target)]) == 0
    err = capsys.readouterr().err
    assert "labels are doccano label ids (3, 5)" in err and "--label-map 3=" in err
    assert "annotated by several doccano users" in err
    project = Project(target)
    assert spans_of(project, "user1") == {"12": {("3", "HRW"), ("5", "police beat detainees")}, "13": {("3", "Officials")}}
    assert spans_of(project, "user2") == {"13": {("3", "Officials")}}
    assert project.corpus.get("12").meta["newspaper"] == "Vlast" and project.corpus.get("12").meta["date"] == "2021-03-04"
    assert project.corpus.get("13").meta["annotation_approver"] == "admin"


def test_doccano_1_0_label_ids_renamed_with_label_map(tmp_path):
    target = tmp_path / "p"
    import_paths(target, [TOOLS / "doccano" / "v1_annotations.jsonl"], "doccano", label_map="3=source,5=allegation")
    assert spans_of(Project(target), "user1")["12"] == {("source", "HRW"), ("allegation", "police beat detainees")}


def test_doccano_annotations_whose_keys_are_not_understood_are_refused(tmp_path, capsys):
    src = tmp_path / "odd.jsonl"
    src.write_text(json.dumps({"text": "HRW said so.", "label": []}) + "\n"
                   + json.dumps({"text": "HRW said so.", "annotations": [{"begin": 0, "finish": 3, "tag": "ORG"}]}) + "\n",
                   "utf-8")
    assert main(["import", str(src), "--format", "doccano", "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{src}:2:" in err and "begin, finish, tag not understood" in err, err
    assert not (tmp_path / "p").exists()


def test_doccano_keys_it_does_not_know_are_kept_and_named(tmp_path, capsys):
    src = tmp_path / "extra.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "HRW said so.", "label": [[0, 3, "source"]],
                               "tags": [{"start": 4, "kind": "verb"}], "reviewed": True}) + "\n", "utf-8")
    assert main(["import", str(src), "--format", "doccano", "--project", str(tmp_path / "p")]) == 0
    assert "keys tags are not doccano annotations this import understands; kept" in capsys.readouterr().err
    meta = Project(tmp_path / "p").corpus.get("x").meta
    assert meta["tags"] == [{"start": 4, "kind": "verb"}] and meta["reviewed"] is True


def test_doccano_intent_layout_entities_as_lists_with_cats(tmp_path, capsys):
    # intent.jsonl: doccano's "Intent Detection and Slot Filling" export
    target = tmp_path / "p"
    assert main(["import", str(TOOLS / "doccano" / "intent.jsonl"), "--format", "doccano", "--annotator", "ana",
                 "--project", str(target)]) == 0
    assert "TypeError" not in capsys.readouterr().err
    project = Project(target)
    assert spans_of(project, "ana") == {"20": {("City", "San Francisco"), ("Day", "Friday")}}
    assert project.corpus.get("20").meta["cats"] == ["flight_booking"]


def test_doccano_seq_export_with_a_whitespace_only_document_imports_the_rest(tmp_path, capsys):
    # seq_labeling.jsonl: doccano 1.x sequence labelling export (`label`, `Comments`, meta spread over the line)
    target = tmp_path / "p"
    file = TOOLS / "doccano" / "seq_labeling.jsonl"
    assert main(["import", str(file), "--format", "doccano", "--annotator", "ana", "--project", str(target)]) == 0
    captured = capsys.readouterr()
    assert f"{file}:3: document '3' is only whitespace; skipped" in captured.err
    assert "imported 2 documents" in captured.out
    project = Project(target)
    assert sorted(project.corpus.ids) == ["1", "2"]
    assert project.corpus.get("2").meta["source_url"] == "https://example.org/hrw"


def test_a_whitespace_only_jsonl_document_is_skipped_with_a_notice(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    lines = [{"id": "good", "text": "Fine."}, {"id": "blank", "text": " \r\n ", "spans": [{"start": 0, "end": 1, "label": "claim"}]}]
    src.write_text("".join(json.dumps(l) + "\n" for l in lines), "utf-8")
    assert main(["import", str(src), "--format", "jsonl", "--project", str(tmp_path / "p")]) == 0
    assert f"{src}:2: document 'blank' is only whitespace (with 1 span); skipped" in capsys.readouterr().err
    assert Project(tmp_path / "p").corpus.ids == ["good"]


@pytest.mark.parametrize("layout", ["relation", "seq"])
def test_doccano_export_keeps_attributes_and_notes_in_meta(proj, tmp_path, capsys, layout):
    out = tmp_path / "out"
    assert main(["export", "--format", "doccano", "--doccano-layout", layout, "--annotator", ANNOTATOR, "--out", str(out),
                 "--project", str(proj.path)]) == 0
    err = capsys.readouterr().err
    lines = {json.loads(l)["id"]: json.loads(l) for l in (out / "data.jsonl").read_text("utf-8").splitlines()}
    hrw = lines["hrw-report"]
    meta = hrw["meta"]
    assert {"kind": "direct"} in meta["span_attributes"].values()
    assert "said at a briefing" in meta["span_notes"].values()
    card = (out / "README.md").read_text("utf-8")
    target = tmp_path / "new"
    import_paths(target, [out / "data.jsonl"], "doccano", annotator="imp")
    before, after = full(proj, ANNOTATOR), full(Project(target), "imp")
    if layout == "relation":
        assert after == before and "Nothing: every span, relation, attribute and note" in card
        assert "not written" not in err
    else:  # the seq layout has no links: each is listed in the card and counted on stderr
        assert {d: (t, s) for d, (t, s, _links) in after.items()} == {d: (t, s) for d, (t, s, _links) in before.items()}
        assert "8 items not written (8 relation)" in err and card.count("the seq layout has no links") == 8


def test_conll_card_lists_the_attributes_notes_and_links_it_has_no_place_for(proj, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", "--format", "conll", "--annotator", ANNOTATOR, "--out", str(out), "--project", str(proj.path)]) == 0
    err = capsys.readouterr().err
    card = (out / "README.md").read_text("utf-8")
    assert "Nothing: every span" not in card
    assert "`conll` has no place for attributes, notes, relations: 3 attributes, 2 notes, 8 relations" in card
    assert "| hrw-report | s2 | quote | " in card and "| attribute kind=direct |" in card
    assert "not written, conll has no place for them: 3 attributes, 2 notes, 8 relations" in err


def test_the_one_tokenizer_is_the_one_prodigy_tokens_come_from(proj, tmp_path):
    export(proj, "prodigy", tmp_path / "out", annotator=ANNOTATOR)
    task = next(json.loads(l) for l in (tmp_path / "out" / "data.jsonl").read_text("utf-8").splitlines()
                if json.loads(l)["id"] == "quiet")
    assert [(t["start"], t["end"]) for t in task["tokens"]] == tokenize(task["text"])  # no span edges to split at



@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "labelstudio"])
def test_exports_with_attributes_and_notes_are_byte_for_byte_deterministic(proj, tmp_path, fmt):
    a = export(proj, fmt, tmp_path / "a", annotator=ANNOTATOR, split="0.5,0.5", seed=3)
    export(proj, fmt, tmp_path / "b", annotator=ANNOTATOR, split="0.5,0.5", seed=3)
    for path in a.files:
        rel = path.relative_to(tmp_path / "a")
        assert (tmp_path / "b" / rel).read_bytes() == path.read_bytes(), rel
