"""Spans in fragments through the formats: jsonl and brat give them back, W3C and spaCy keep every
piece, the formats with no discontinuous spans write one span a fragment and the card lists each,
and the German quotation corpus's split quotations import as fragments of one span."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest

from reader.core.annotations import DocAnnotations
from reader.files.project import Project
from reader.formats import export, import_paths
from tests.conftest import make_project

TEXT = ('"We are not a political party 👍🏽," the spokesperson said,\n"but rather a social approach."\n'
        "The ministry denied it.\n")
FIRST = (TEXT.index("We"), TEXT.index("👍🏽") + 2)
SECOND = (TEXT.index("but"), TEXT.index("approach") + 8)
SPEAKER = (TEXT.index("the spokesperson"), TEXT.index("the spokesperson") + 16)
DE_QUOTES = next((p for p in (Path(__file__).resolve().parents[2] / "shared" / "corpora" / "de-quotes",
                              Path("/work/shared/corpora/de-quotes")) if p.is_dir()), None)


def fragmented_project(root: Path) -> Project:
    project = make_project(root, {"split": TEXT, "plain": "Nobody said anything, the police said."})
    ann = DocAnnotations(project.corpus.documents["split"], project.schema)
    quote = ann.add_span(0, 0, "quote", {"kind": "direct"}, "split by its attribution", fragments=[FIRST, SECOND])
    speaker = ann.add_span(*SPEAKER, "source")
    ann.link(quote.id, speaker.id)
    project.store.save("ana", ann)
    plain = DocAnnotations(project.corpus.documents["plain"], project.schema)
    plain.add_span(0, 20, "claim")
    project.store.save("ana", plain)
    return project


def pieces(project: Project, annotator: str, doc: str = "split") -> list[tuple]:
    ann = project.store.load(annotator, project.corpus.documents[doc]).annotations
    return sorted((s.label, s.extents, tuple(sorted(s.attrs.items())), s.note) for s in ann.spans.values())


def links(project: Project, annotator: str) -> list[tuple]:
    ann = project.store.load(annotator, project.corpus.documents["split"]).annotations
    return sorted((ann.spans[r.head].joined_text, ann.spans[r.tail].joined_text) for r in ann.relations.values())


WANT = [("quote", (FIRST, SECOND), (("kind", "direct"),), "split by its attribution"),
        ("source", (SPEAKER,), (), "")]


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_jsonl_round_trip_keeps_the_fragments(tmp_path, offsets):
    project = fragmented_project(tmp_path / "p")
    export(project, "jsonl", tmp_path / "out", annotator="ana", offsets=offsets)
    lines = [json.loads(line) for line in (tmp_path / "out" / "data.jsonl").read_text("utf-8").splitlines()]
    quote = next(s for s in next(r for r in lines if r["id"] == "split")["spans"] if s["label"] == "quote")
    shift = 1 if offsets == "utf16" else 0  # the emoji's skin tone is two UTF-16 units before the second piece
    assert quote["fragments"] == [[FIRST[0], FIRST[1] + 2 * shift], [SECOND[0] + 2 * shift, SECOND[1] + 2 * shift]]
    assert all("fragments" not in s for r in lines for s in r["spans"] if s["label"] != "quote")
    import_paths(tmp_path / "back", [tmp_path / "out" / "data.jsonl"], "jsonl", annotator="imp", offsets=offsets)
    back = Project(tmp_path / "back")
    assert pieces(back, "imp") == WANT
    assert links(back, "imp") == [("We are not a political party 👍🏽 … but rather a social approach", "the spokesperson")]


def test_jsonl_loads_with_datasets_with_and_without_fragments(tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    project = fragmented_project(tmp_path / "p")
    export(project, "jsonl", tmp_path / "out", annotator="ana")
    data = datasets.load_dataset("json", data_files=str(tmp_path / "out" / "data.jsonl"), split="train",
                                 cache_dir=str(tmp_path / "cache"))
    frags = sorted(str(s.get("fragments")) for r in data for s in r["spans"])
    assert frags == sorted(["None", "None", str([list(FIRST), list(SECOND)])])


def test_brat_writes_fragments_natively_and_reads_them_back(tmp_path):
    project = fragmented_project(tmp_path / "p")
    export(project, "brat", tmp_path / "out", annotator="ana")
    ann = (tmp_path / "out" / "split.ann").read_text("utf-8")
    mention = f"{TEXT[slice(*FIRST)]} {TEXT[slice(*SECOND)]}"
    assert f"T1\tquote {FIRST[0]} {FIRST[1]};{SECOND[0]} {SECOND[1]}\t{mention}\n" in ann
    import_paths(tmp_path / "back", [tmp_path / "out"], "brat", annotator="imp")
    back = Project(tmp_path / "back")
    assert pieces(back, "imp") == WANT


def test_brat_fragments_read_by_brats_own_parser(tmp_path):
    pytest.importorskip("bratiaa")
    from bratsubset import annotation

    project = fragmented_project(tmp_path / "p")
    export(project, "brat", tmp_path / "out", annotator="ana")
    with annotation.TextAnnotations(str(tmp_path / "out" / "split")) as doc:
        quote = next(t for t in doc.get_textbounds() if t.type == "quote")
        assert [tuple(s) for s in quote.spans] == [FIRST, SECOND]


def test_w3c_writes_one_target_a_fragment_in_a_list(tmp_path):
    pytest.importorskip("anchorpoint")
    from anchorpoint.textselectors import TextPositionSelector, TextQuoteSelector

    project = fragmented_project(tmp_path / "p")
    export(project, "w3c", tmp_path / "out", annotator="ana")
    items = json.loads((tmp_path / "out" / "data.jsonld").read_text("utf-8"))["first"]["items"]
    quote = next(i for i in items if any(b.get("value") == "quote" for b in i["body"]))
    target = quote["target"]
    assert target["type"] == "List" and len(target["items"]) == 2
    text = (tmp_path / "out" / target["items"][0]["source"]).read_text("utf-8")
    got = []
    for piece in target["items"]:
        pos, sel = piece["selector"]
        assert TextPositionSelector(start=pos["start"], end=pos["end"]).select_text(text) == sel["exact"]
        anchored = TextQuoteSelector(exact=sel["exact"], prefix=sel["prefix"], suffix=sel["suffix"]).as_position(text)
        got.append((anchored.start, anchored.end))
    assert got == [FIRST, SECOND]
    source = next(i for i in items if any(b.get("value") == "source" for b in i.get("body", [])))
    assert "selector" in source["target"]  # one piece: one target, as before


def test_spacy_gets_one_span_a_fragment_sharing_the_id(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    project = fragmented_project(tmp_path / "p")
    export(project, "spacy", tmp_path / "out", annotator="ana")
    docs = {d.user_data["reader"]["id"]: d for d in DocBin().from_disk(tmp_path / "out" / "data.spacy").get_docs(
        spacy.blank("xx").vocab)}
    doc = docs["split"]
    entries = doc.user_data["reader"]["spans"]
    sc = list(doc.spans["sc"])
    assert [(s.start_char, s.end_char, s.label_) for s in sc] == [(*FIRST, "quote"), (*SPEAKER, "source"), (*SECOND, "quote")]
    assert [(e["id"], e.get("fragment")) for e in entries] == [("s1", "1/2"), ("s2", None), ("s1", "2/2")]
    assert [(e["start"], e["end"]) for e in entries] == [(s.start_char, s.end_char) for s in sc]


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano", "conll", "webanno", "prodigy"])
def test_formats_without_discontinuous_spans_write_a_span_a_fragment_and_the_card_lists_it(tmp_path, fmt, capsys):
    project = fragmented_project(tmp_path / "p")
    report = export(project, fmt, tmp_path / "out", annotator="ana")
    card = (tmp_path / "out" / "README.md").read_text("utf-8")
    assert "## Split into pieces" in card
    assert f"| split | s1 | quote | {FIRST[0]}-{FIRST[1]};{SECOND[0]}-{SECOND[1]} | written as 2 spans, s1 and s1.2 |" in card
    assert any("1 span in fragments written as one span a fragment" in n for n in report.notices)
    if fmt == "conll":
        return  # token tags: the two B-quote runs are checked below
    fmt_in = {"webanno": "webanno", "labelstudio": "labelstudio", "doccano": "doccano", "prodigy": "prodigy"}[fmt]
    import_paths(tmp_path / "back", [tmp_path / "out"], fmt_in, annotator="imp")
    back = pieces(Project(tmp_path / "back"), "imp")
    quotes = sorted(extents for label, extents, _a, _n in back if label == "quote")
    assert quotes == [(FIRST,), (SECOND,)]


def test_conll_tags_each_fragment_as_its_own_entity(tmp_path):
    project = fragmented_project(tmp_path / "p")
    export(project, "conll", tmp_path / "out", annotator="ana")
    rows = [line.split("\t") for line in (tmp_path / "out" / "data.conll").read_text("utf-8").splitlines() if "\t" in line]
    tags = [t for _w, t in rows]
    assert tags.count("B-quote") == 2
    assert dict(rows)["spokesperson"] == "I-source"


@pytest.mark.parametrize("offsets", ["codepoints", "utf16"])
def test_csv_writes_a_span_in_fragments_as_one_row_with_its_pieces(tmp_path, offsets):
    project = fragmented_project(tmp_path / "p")
    report = export(project, "csv", tmp_path / "out", annotator="ana", offsets=offsets)
    with open(tmp_path / "out" / "data.csv", newline="", encoding="utf-8") as handle:
        rows = {(r["doc_id"], r["label"]): r for r in csv.DictReader(handle)}
    quote, speaker, claim = rows[("split", "quote")], rows[("split", "source")], rows[("plain", "claim")]
    shift = 2 if offsets == "utf16" else 0  # the emoji is two astral characters, each two UTF-16 units
    assert quote["fragments"] == f"{FIRST[0]}-{FIRST[1] + shift};{SECOND[0] + shift}-{SECOND[1] + shift}"
    assert (quote["start"], quote["end"]) == (str(FIRST[0]), str(SECOND[1] + shift))
    assert quote["text"] == "We are not a political party 👍🏽 … but rather a social approach"
    assert quote["sources"] == speaker["span_id"] and quote["source_texts"] == "the spokesperson"
    assert speaker["fragments"] == claim["fragments"] == ""
    card = (tmp_path / "out" / "README.md").read_text("utf-8")
    assert "Split into pieces" not in card and not any("one span a fragment" in n for n in report.notices)


def test_a_project_without_fragments_exports_without_the_key_or_the_section(tmp_path):
    project = make_project(tmp_path / "p", {"plain": "Nobody said anything, the police said."})
    plain = DocAnnotations(project.corpus.documents["plain"], project.schema)
    plain.add_span(0, 20, "claim")
    project.store.save("ana", plain)
    for fmt in ("jsonl", "labelstudio"):
        export(project, fmt, tmp_path / fmt, annotator="ana")
        assert "fragments" not in "".join(p.read_text("utf-8") for p in (tmp_path / fmt).glob("*.json*"))
        assert "Split into pieces" not in (tmp_path / fmt / "README.md").read_text("utf-8")


@pytest.mark.skipif(DE_QUOTES is None, reason="../shared/corpora/de-quotes is not here")
def test_the_german_corpuss_split_quotations_import_as_fragments_of_one_span(tmp_path):
    source = DE_QUOTES / "train.jsonl"
    lines = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]
    record = next(r for r in lines if r["id"] == "dewn-1034")
    marked = [s for s in record["spans"] if s["attrs"].get("unit")]
    assert len(marked) == 2 and {s["attrs"]["fragment"] for s in marked} == {"1/2", "2/2"}
    subset = tmp_path / "de.jsonl"
    subset.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    report = import_paths(tmp_path / "p", [subset], "jsonl", annotator="de")
    assert any("2 spans marked as fragments (attributes unit, fragment k/n) joined into 1 span in fragments" in n
               for n in report.notices)
    project = Project(tmp_path / "p")
    ann = project.store.load("de", project.corpus.documents["dewn-1034"]).annotations
    claim = next(s for s in ann.spans.values() if s.fragments)
    assert claim.label == marked[0]["label"] and claim.attrs == {}
    assert claim.fragment_texts == tuple(s["text"] for s in sorted(marked, key=lambda s: s["start"]))
    assert claim.joined_text == "Ein Tatverdacht bestehe … nicht mehr"
    speakers = {r["tail"] for r in record["relations"] if r["head"] in {s["id"] for s in marked}}
    assert len(speakers) == 1
    linked = [r for r in ann.relations.values() if r.head == claim.id]
    assert len(linked) == 1, "each fragment's link to the speaker becomes one link of the span"
    assert len(ann) == len(record["spans"]) - 1


@pytest.mark.skipif(DE_QUOTES is None, reason="../shared/corpora/de-quotes is not here")
def test_every_split_quotation_of_the_dev_set_is_one_span_and_validates(tmp_path, capsys):
    from reader.commands.validate import validate

    source = DE_QUOTES / "dev.jsonl"
    lines = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]
    split = 0  # units whose fragments are all there (1/n ... n/n) with text between two of them
    for r in lines:
        units: dict = {}
        for s in r["spans"]:
            if "unit" in s["attrs"]:
                units.setdefault((s["label"], s["attrs"]["unit"]), []).append(s)
        for members in units.values():
            members.sort(key=lambda s: s["start"])
            complete = sorted(m["attrs"]["fragment"] for m in members) == [f"{k}/{len(members)}" for k in
                                                                            range(1, len(members) + 1)]
            split += complete and any(r["text"][a["end"]:b["start"]].strip() for a, b in itertools.pairwise(members))
    report = import_paths(tmp_path / "p", [source], "jsonl", annotator="de")
    assert any(f"joined into {split} spans in fragments, 3 more into one piece each" in n for n in report.notices)
    project = Project(tmp_path / "p")
    assert validate(project) == []
    in_pieces = 0
    for doc in project.corpus:
        ann = project.store.load("de", doc).annotations
        in_pieces += sum(1 for s in ann.spans.values() if s.fragments)
        assert all("unit" not in s.attrs or not s.fragments for s in ann.spans.values())
    assert in_pieces == split == 50
