"""Every export format, read back by the tool that consumes it, against the annotator's own spans and links."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reader.formats import export
from reader.formats.common import tokenize
from tests.formats_helpers import ANNOTATOR, build_project, expected


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("fmt") / "proj")


@pytest.fixture(scope="module")
def want(proj):
    return expected(proj)


def run(proj, fmt, out, **kw):
    return export(proj, fmt, out, annotator=ANNOTATOR, **kw)


def texts(proj):
    return {d.id: d.text for d in proj.corpus}


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def links_of(spans: dict[str, tuple], relations) -> set:
    return {(spans[h], spans[t]) for h, t in relations}


def test_jsonl_loads_with_datasets(proj, want, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    report = run(proj, "jsonl", tmp_path / "out")
    assert report.documents == 3 and not report.dropped
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "out" / "data.jsonl"), split="train",
                               cache_dir=str(tmp_path / "cache"))
    got = {}
    for row in ds:
        for s in row["spans"]:
            assert row["text"][s["start"]:s["end"]] == s["text"]
        spans = {s["id"]: (s["start"], s["end"], s["label"]) for s in row["spans"]}
        got[row["id"]] = (set(spans.values()), links_of(spans, [(r["head"], r["tail"]) for r in row["relations"]]))
        assert row["annotator"] == ANNOTATOR
    assert got == want
    hrw = next(r for r in ds if r["id"] == "hrw-report")
    q1 = next(s for s in hrw["spans"] if s["text"] == "we act within the law")
    assert q1["attrs"] == {"kind": "direct"} and q1["note"] == "said at a briefing"
    assert "\r" not in hrw["text"]


def test_jsonl_splits_load_by_name_from_the_card(proj, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    report = run(proj, "jsonl", tmp_path / "out", split="0.34,0.33,0.33", seed=1)
    assert sorted(report.splits) == ["test", "train", "validation"] and sum(report.splits.values()) == 3
    dd = datasets.load_dataset(str(tmp_path / "out"), cache_dir=str(tmp_path / "cache"))
    ids = [r["id"] for name in dd for r in dd[name]]
    assert sorted(ids) == ["cafe", "hrw-report", "quiet"]


def test_utf16_offsets_in_jsonl(proj, tmp_path):
    run(proj, "jsonl", tmp_path / "out", offsets="utf16")
    for line in (tmp_path / "out" / "data.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        for s in rec["spans"]:
            assert utf16_slice(rec["text"], s["start"], s["end"]) == s["text"]
    assert "UTF-16" in (tmp_path / "out" / "README.md").read_text("utf-8")


def test_spacy_docbin_strict_char_spans(proj, want, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    run(proj, "spacy", tmp_path / "out")
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(tmp_path / "out" / "data.spacy").get_docs(nlp.vocab))
    source = texts(proj)
    got = {}
    for doc in docs:
        data = doc.user_data["reader"]
        assert doc.text == source[data["id"]]
        sc = {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]}
        for start, end, label in sc:
            span = doc.char_span(start, end, label=label, alignment_mode="strict")
            assert span is not None and span.text == doc.text[start:end]
        ids = {s["id"]: (s["start"], s["end"], s["label"]) for s in data["spans"]}
        assert set(ids.values()) == sc
        got[data["id"]] = (sc, links_of(ids, [(r["head"], r["tail"]) for r in data["relations"]]))
        if data["id"] == "cafe":  # no overlaps: entities too
            assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} == sc
        if data["id"] == "hrw-report":  # overlaps: spans only
            assert len(doc.ents) == 0
    assert got == want


def read_conll(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (token, tag), as a CoNLL reader splits them."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in path.read_text("utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            docs.append([])
            continue
        if not line:
            if sentence:
                docs[-1].append(sentence)
            sentence = []
            continue
        token, tag = line.split("\t")
        sentence.append((token, tag))
    assert not sentence
    return docs


def card_dropped(out: Path) -> set:
    rows = re.findall(r"^\| ([\w-]+) \| (s\d+) \| (\w+) \| (\d+) \| (\d+) \| (.+) \|$", (out / "README.md").read_text("utf-8"), re.M)
    return {(doc, (int(s), int(e), label)) for doc, _id, label, s, e, _why in rows}


def test_conll_iob2_with_seqeval_and_a_report_of_what_was_left_out(proj, want, tmp_path):
    pytest.importorskip("seqeval")
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2, Entities

    report = run(proj, "conll", tmp_path / "out")
    docs = read_conll(tmp_path / "out" / "data.conll")
    order = [r for r in ("cafe", "hrw-report", "quiet")]  # corpus order: seed file names
    source = texts(proj)
    written = set()
    for doc_id, sentences in zip(order, docs):
        text = source[doc_id]
        offsets = tokenize(text)
        flat = [tok for sent in sentences for tok in sent]
        assert [t for t, _ in flat] == [text[s:e] for s, e in offsets]  # the one tokenizer
        tags = [[tag for _t, tag in sent] for sent in sentences]
        strict = Entities(tags, IOB2, suffix=False).entities
        lenient = [get_entities(sent) for sent in tags]
        base = 0
        for sent, ents, loose in zip(sentences, strict, lenient):
            assert sorted((e.tag, e.start, e.end - 1) for e in ents) == sorted(loose)  # valid IOB2: no orphan I-
            for e in ents:
                start, end = offsets[base + e.start][0], offsets[base + e.end - 1][1]
                written.add((doc_id, (start, end, e.tag)))
            base += len(sent)
    everything = {(d, s) for d, (spans, _l) in want.items() for s in spans}
    dropped = card_dropped(tmp_path / "out")
    assert written | dropped == everything and not written & dropped
    assert {(d.doc_id, (d.start, d.end, d.label)) for d in report.dropped} == dropped
    reasons = {d.reason.split(":")[0] for d in report.dropped}
    assert reasons == {"overlap", "not on token boundaries"}
    # the outer span of a nest is kept; the span across the line break is one entity in one sentence
    assert ("hrw-report", (121, 153, "claim")) in written and ("hrw-report", (133, 137, "quote")) in dropped


def test_conll_sentence_never_breaks_inside_a_written_span(tmp_path):
    from reader.formats.conll import tag_document

    text = 'He said "Stop.\nNow." Then left.'
    rec = {"id": "d", "text": text, "spans": [{"id": "s1", "start": 9, "end": 19, "label": "quote"}], "relations": []}
    sentences = tag_document(None, rec)
    assert [t for t, _ in sentences[0]] == ["He", "said", '"', "Stop", ".", "Now", ".", '"']
    assert [tag for _t, tag in sentences[0]][3:7] == ["B-quote", "I-quote", "I-quote", "I-quote"]
    assert [t for t, _ in sentences[1]] == ["Then", "left", "."]


def test_conll_hf_layout_has_classlabel_names(proj, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    run(proj, "conll", tmp_path / "out", layout="hf", split="0.5,0.5", seed=0)
    dd = datasets.load_dataset(str(tmp_path / "out"), cache_dir=str(tmp_path / "cache"))
    names = dd["train"].features["ner_tags"].feature.names
    assert names[0] == "O" and "B-quote" in names and "I-source" in names
    conll_dir = tmp_path / "conll"
    run(proj, "conll", conll_dir, split="0.5,0.5", seed=0)
    for split in dd:
        rows = list(dd[split])
        sentences = [s for d in read_conll(conll_dir / f"{split}.conll") for s in d]
        assert [r["tokens"] for r in rows] == [[t for t, _ in s] for s in sentences]
        assert [[names[i] for i in r["ner_tags"]] for r in rows] == [[g for _, g in s] for s in sentences]


def test_brat_read_back_with_pybrat(proj, want, tmp_path):
    pytest.importorskip("pybrat")
    from pybrat.parser import BratParser

    run(proj, "brat", tmp_path / "out")
    assert (tmp_path / "out" / "annotation.conf").exists()
    assert b"\r" not in (tmp_path / "out" / "hrw-report.txt").read_bytes()
    got = {}
    for example in BratParser(error="raise").parse(tmp_path / "out"):
        ents = {}
        for e in example.entities:
            ents[e.id] = (e.spans[0].start, e.spans[-1].end, e.type)
            assert e.mention == " ".join(example.text[f.start:f.end] for f in e.spans)
            assert all("\n" not in example.text[f.start:f.end] for f in e.spans)
        got[example.id] = (set(ents.values()), links_of(ents, [(r.arg1.id, r.arg2.id) for r in example.relations]))
    assert got == want
    ann = (tmp_path / "out" / "hrw-report.ann").read_text("utf-8")
    assert "\tkind T2 direct\n" in ann and "\tAnnotatorNotes T2\tsaid at a briefing\n" in ann


def test_brat_split_layout(proj, tmp_path):
    report = run(proj, "brat", tmp_path / "out", split="0.5,0.5", seed=2)
    for name, n in report.splits.items():
        assert len(list((tmp_path / "out" / name).glob("*.ann"))) == n
        assert len(list((tmp_path / "out" / name).glob("*.txt"))) == n
    assert (tmp_path / "out" / "annotation.conf").exists() and (tmp_path / "out" / "README.md").exists()


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_doccano_relation_layout(proj, want, tmp_path, offsets):
    run(proj, "doccano", tmp_path / "out", offsets=offsets)
    got = {}
    for line in (tmp_path / "out" / "data.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        if offsets == "utf16":
            convert = lambda s, e: (len(rec["text"].encode("utf-16-le")[: 2 * s].decode("utf-16-le")),  # noqa: E731
                                    len(rec["text"].encode("utf-16-le")[: 2 * e].decode("utf-16-le")))
        else:
            convert = lambda s, e: (s, e)  # noqa: E731
        ents = {e["id"]: (*convert(e["start_offset"], e["end_offset"]), e["label"]) for e in rec["entities"]}
        got[rec["id"]] = (set(ents.values()), links_of(ents, [(r["from_id"], r["to_id"]) for r in rec["relations"]]))
    assert got == want


def test_doccano_utf16_counts_like_javascript(proj, tmp_path):
    run(proj, "doccano", tmp_path / "out", offsets="utf16", layout="seq")
    rec = next(json.loads(l) for l in (tmp_path / "out" / "data.jsonl").read_text("utf-8").splitlines() if '"hrw-report"' in l)
    quote = next(l for l in rec["label"] if utf16_slice(rec["text"], l[0], l[1]) == "police beat detainees 👍🏽")
    cp = rec["text"].index("police beat detainees 👍🏽")
    assert quote[0] == cp and quote[1] == cp + len("police beat detainees 👍🏽") + 2  # two astral characters


def test_labelstudio_tasks_and_config(proj, want, tmp_path):
    run(proj, "labelstudio", tmp_path / "out", offsets="utf16")
    config = ET.parse(tmp_path / "out" / "labeling_config.xml").getroot()
    assert {l.get("value") for l in config.iter("Label")} == {"claim", "quote", "allegation", "source"}
    assert config.find("Text").get("value") == "$text"
    got = {}
    for task in json.loads((tmp_path / "out" / "data.json").read_text("utf-8")):
        text = task["data"]["text"]
        result = task["annotations"][0]["result"]
        ents = {}
        for r in result:
            if r["type"] == "labels":
                v = r["value"]
                assert utf16_slice(text, v["start"], v["end"]) == v["text"]
                start = len(utf16_slice(text, 0, v["start"]))
                ents[r["id"]] = (start, start + len(v["text"]), v["labels"][0])
        rels = [(r["from_id"], r["to_id"]) for r in result if r["type"] == "relation"]
        got[task["data"]["doc_id"]] = (set(ents.values()), links_of(ents, rels))
    assert got == want


def test_w3c_selectors_anchor_with_anchorpoint(proj, want, tmp_path):
    pytest.importorskip("anchorpoint")
    from anchorpoint.textselectors import TextPositionSelector, TextQuoteSelector

    run(proj, "w3c", tmp_path / "out")
    collection = json.loads((tmp_path / "out" / "data.jsonld").read_text("utf-8"))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld" and collection["type"] == "AnnotationCollection"
    items = collection["first"]["items"]
    assert collection["total"] == len(items)
    spans, docs, links = {}, {}, []
    for item in items:
        if item["motivation"] == "linking":
            links.append((item["target"], item["body"][0]["id"]))
            continue
        source = item["target"]["source"]
        text = (tmp_path / "out" / source).read_text("utf-8")
        pos, quote = item["target"]["selector"]
        assert TextPositionSelector(start=pos["start"], end=pos["end"]).select_text(text) == quote["exact"]
        anchored = TextQuoteSelector(exact=quote["exact"], prefix=quote["prefix"], suffix=quote["suffix"]).as_position(text)
        assert (anchored.start, anchored.end) == (pos["start"], pos["end"])
        label = next(b["value"] for b in item["body"] if b["purpose"] == "classifying")
        spans[item["id"]] = (pos["start"], pos["end"], label)
        docs[item["id"]] = Path(source).stem
    got = {d: (set(), set()) for d in want}
    for ident, extent in spans.items():
        got[docs[ident]][0].add(extent)
    for head, tail in links:
        got[docs[head]][1].add((spans[head], spans[tail]))
    assert got == want


def test_csv_one_row_a_span(proj, want, tmp_path):
    run(proj, "csv", tmp_path / "out")
    with open(tmp_path / "out" / "data.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    source = texts(proj)
    got = {d: (set(), set()) for d in want}
    by_id = {(r["doc_id"], r["span_id"]): (int(r["start"]), int(r["end"]), r["label"]) for r in rows}
    for r in rows:
        assert source[r["doc_id"]][int(r["start"]):int(r["end"])] == r["text"]
        got[r["doc_id"]][0].add(by_id[(r["doc_id"], r["span_id"])])
        for tail in filter(None, r["sources"].split(";")):
            got[r["doc_id"]][1].add((by_id[(r["doc_id"], r["span_id"])], by_id[(r["doc_id"], tail)]))
    assert got == want


FORMATS = ["jsonl", "spacy", "conll", "brat", "doccano", "labelstudio", "w3c", "csv"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_byte_for_byte_deterministic(proj, tmp_path, fmt):
    if fmt == "spacy":
        pytest.importorskip("spacy")
    a = run(proj, fmt, tmp_path / "a", split="0.5,0.5", seed=7)
    b = run(proj, fmt, tmp_path / "b", split="0.5,0.5", seed=7)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in a.files)
    assert files_a == sorted(p.relative_to(tmp_path / "b") for p in b.files)
    assert Path("README.md") in files_a
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
