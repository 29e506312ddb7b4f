"""CoNLL and WebAnno TSV 3.3 files in the layouts their tools write: CoNLL-2003 (IOB1, POS and chunk
columns), doccano's and Label Studio's CoNLL exports, BIOES token-tag files; WebAnno TSV as INCEpTION
writes it. Tags are cross-checked with seqeval's reading; TSV files with the structure of INCEpTION's
own reader and test files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.commands.cli import main
from reader.files.project import Project
from reader.formats import export, import_paths
from tests.conftest import DATA, spans_by_document
from tests.formats_helpers import ANNOTATOR, build_project, full

CONLL = DATA / "interop" / "conll"
TSV = DATA / "interop" / "webanno"


spans_of = spans_by_document


def seqeval_reading(path: Path, label_studio: bool = False) -> dict[int, list[tuple[str, str]]]:
    """document number -> (entity text, label) as seqeval reads the tags, on the rebuilt text."""
    from seqeval.metrics.sequence_labeling import get_entities

    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in path.read_text("utf-8").split("\n") + [""]:
        cols = line.split("\t") if "\t" in line else line.split()
        if cols and cols[0] == "-DOCSTART-":
            docs.append([])
        elif not cols:
            if sentence:
                if not docs or label_studio:
                    docs.append([])
                docs[-1].append(sentence)
            sentence = []
        else:
            sentence.append((cols[0], cols[-1]))
    docs = [d for d in docs if d]
    out = {}
    for n, sentences in enumerate(docs, 1):
        found = []
        for tokens in sentences:
            for label, first, last in get_entities([tag for _w, tag in tokens]):
                found.append((" ".join(w for w, _t in tokens[first:last + 1]), label))
        out[n] = sorted(found)
    return out


@pytest.mark.parametrize("name, ids, scheme", [
    ("conll2003_eng.conll", ["conll2003_eng-1", "conll2003_eng-2"], "IOB1"),
    ("doccano_export.conll", ["doccano_export-1", "doccano_export-2"], "IOB2"),
    ("labelstudio_result.conll", ["labelstudio_result-1", "labelstudio_result-2"], "IOB2"),
    ("bioes_tokens.conll", ["bioes_tokens"], "BIOES"),
])
def test_conll_layouts_import_as_seqeval_reads_their_tags(tmp_path, capsys, name, ids, scheme):
    pytest.importorskip("seqeval")
    code = main(["import", str(CONLL / name), "--format", "conll", "--annotator", "c", "--project", str(tmp_path / "p")])
    assert code == 0
    err = capsys.readouterr().err
    assert f"tags read as {scheme};" in err
    got = spans_of(Project(tmp_path / "p"), "c")
    assert sorted(got) == ids
    want = seqeval_reading(CONLL / name, label_studio=name.startswith("labelstudio"))
    assert {doc: got[doc] for doc in ids} == {doc: want[n] for n, doc in enumerate(ids, 1)}


def test_conll2003_columns_and_texts(tmp_path, capsys):
    assert main(["import", str(CONLL / "conll2003_eng.conll"), "--format", "conll", "--annotator", "c",
                 "--project", str(tmp_path / "p")]) == 0
    err = capsys.readouterr().err
    assert "column 2 (e.g. 'NNP'), column 3 (e.g. 'I-NP') not imported" in err
    project = Project(tmp_path / "p")
    doc = project.corpus.get("conll2003_eng-1")
    assert doc.text == ("Amnesty International said police in Almaty beat detainees .\n"
                        "Interior Ministry spokesman Ruslan Abdikalikov denied it .")
    # IOB1: I-LOC followed by B-LOC is two places, not one
    assert spans_of(project, "c")["conll2003_eng-2"] == [("Almaty", "LOC"), ("Bishkek", "LOC"), ("Reuters", "ORG")]


def test_label_studio_conll_tasks_become_documents(tmp_path, capsys):
    import_paths(tmp_path / "p", [CONLL / "labelstudio_result.conll"], "conll", annotator="c")
    project = Project(tmp_path / "p")
    assert project.corpus.get("labelstudio_result-2").text == "Reuters reported that ministers resigned ."


def test_our_conll_export_imports_back(tmp_path):
    pytest.importorskip("seqeval")
    project = build_project(tmp_path / "proj")
    export(project, "conll", tmp_path / "out", annotator=ANNOTATOR)
    import_paths(tmp_path / "new", [tmp_path / "out" / "data.conll"], "conll", annotator="c")
    got = spans_of(Project(tmp_path / "new"), "c")
    want = seqeval_reading(tmp_path / "out" / "data.conll")
    order = ["cafe", "hrw-report", "quiet"]  # corpus order; the ids come back from the export's card
    assert got == {doc: want[n] for n, doc in enumerate(order, 1)}
    assert ("police beat detainees 👍🏽", "quote") in got["hrw-report"]


def test_a_stray_i_tag_in_iob2_is_imported_and_reported(tmp_path, capsys):
    path = tmp_path / "x.conll"
    path.write_text("HRW\tB-source\nsaid\tO\npolice\tI-quote\nbeat\tI-quote\n.\tO\n", "utf-8")
    assert main(["import", str(path), "--format", "conll", "--annotator", "c", "--project", str(tmp_path / "p")]) == 0
    err = capsys.readouterr().err
    assert f"{path}:3: 1 spans start with I- after O or another label (invalid IOB2)" in err
    assert spans_of(Project(tmp_path / "p"), "c")["x"] == [("HRW", "source"), ("police beat", "quote")]


@pytest.mark.parametrize("content, line, what", [
    ("HRW\tB-source\nsaid\n", 2, "expected a token and a tag"),
    ("HRW\tB-\n", 1, "tag 'B-' has no label after its prefix"),
])
def test_a_bad_conll_line_is_one_error_naming_file_and_line(tmp_path, capsys, content, line, what):
    path = tmp_path / "bad.conll"
    path.write_text(content, "utf-8")
    assert main(["import", str(path), "--format", "conll", "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"reader: {path}:{line}:") and what in err and "\n" not in err
    assert not (tmp_path / "p").exists()


# --------------------------------------------------------------------------- WebAnno TSV 3.3


def check_tsv(path: Path) -> list[str]:
    """The structure INCEpTION's reader (Tsv3XDeserializer) expects and its writer produces, as in
    its tsv3-suite test files: problems found, none when the file is in shape."""
    lines = path.read_text("utf-8").split("\n")
    problems: list[str] = []
    if lines[0] != "#FORMAT=WebAnno TSV 3.3":
        problems.append("line 1 is not #FORMAT=WebAnno TSV 3.3")
    n, ncols, kinds, span_layers = 1, 0, [], set()
    while lines[n].startswith("#T_"):
        kind, rest = lines[n][:6], lines[n][6:].split("|")
        kinds.append(kind)
        if kind == "#T_SP=":
            span_layers.add(rest[0])
        if kind == "#T_RL=" and not (rest[-1].startswith("BT_") and rest[-1][3:] in span_layers | {
                "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"}):
            problems.append(f"relation layer {rest[0]} does not end with BT_ a span layer")
        ncols += max(len(rest) - 1, 1)
        n += 1
    if kinds != sorted(kinds, key=["#T_SP=", "#T_CH=", "#T_RL="].index):
        problems.append("layers not in the order span, chain, relation")
    if lines[n:n + 2] != ["", ""] or not lines[n + 2].startswith("#Text="):
        problems.append("not exactly two empty lines after the header")
    if lines[-1] != "" or lines[-2] == "":
        problems.append("the file does not end right after its last row")
    text, length, sentence, rows, last_token = "", 0, [], {}, None
    s_no = 0
    for number, line in enumerate(lines[n + 2:-1], n + 3):
        if line.startswith("#Text="):
            sentence.append(line[6:].replace("\\t", "\t").replace("\\\\", "\\"))
            continue
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != 3 + ncols + 1 or fields[-1] != "":
            problems.append(f"line {number}: {len(fields)} fields, not {3 + ncols} and a trailing tab")
            continue
        begin, end = map(int, fields[1].split("-"))
        if sentence:
            s_no += 1
            t_no = 0
            if length > begin:
                text, length = text[:-1], length - 1
            text += " " * (begin - length) + "\n".join(sentence) + "\n"
            length = len(text.encode("utf-16-le")) // 2
            sentence = []
        m = re.fullmatch(r"(\d+)-(\d+)(?:\.(\d+))?", fields[0])
        if not m or int(m.group(1)) != s_no:
            problems.append(f"line {number}: id {fields[0]} is not sentence-token of sentence {s_no}")
            continue
        if m.group(3) is None:
            t_no += 1
            sub_no = 0
            last_token = (begin, end)
            if int(m.group(2)) != t_no:
                problems.append(f"line {number}: token {fields[0]} out of sequence")
        else:
            sub_no += 1
            if int(m.group(2)) != t_no or int(m.group(3)) != sub_no or not (last_token[0] <= begin <= end <= last_token[1]):
                problems.append(f"line {number}: sub-token {fields[0]} not inside the token before it")
        units = text.encode("utf-16-le")[2 * begin:2 * end].decode("utf-16-le")
        if units != fields[2]:
            problems.append(f"line {number}: {fields[2]!r} is not the text at {begin}-{end} ({units!r})")
        rows[fields[0]] = fields
    for fields in rows.values():  # relation sources name rows that exist
        for value in fields[3:-1]:
            for ref in re.findall(r"(?<![\w.])(\d+-\d+(?:\.\d+)?)(?=\[\d+_\d+\]|$|\|)", value):
                if ref not in rows:
                    problems.append(f"row {fields[0]}: reference to row {ref}, which is not in the file")
    return problems


@pytest.mark.parametrize("name", ["inception_custom_layers.tsv", "dkpro_layers.tsv"])
def test_the_inception_shaped_fixtures_pass_the_structure_check(name):
    assert check_tsv(TSV / name) == []


def test_the_structure_check_finds_a_row_without_its_trailing_tab(tmp_path):
    broken = tmp_path / "b.tsv"
    broken.write_text((TSV / "inception_custom_layers.tsv").read_text("utf-8").replace("\tquote[2]\t_\t_\t\n", "\tquote[2]\t_\t_\n", 1), "utf-8")
    assert check_tsv(broken) and "trailing tab" in check_tsv(broken)[0]


def test_webanno_export_has_inceptions_structure_and_comes_back_unchanged(tmp_path):
    project = build_project(tmp_path / "proj")  # CRLF, emoji, combining marks, nested, crossing, mid-word spans
    report = export(project, "webanno", tmp_path / "out", annotator=ANNOTATOR, split="0.5,0.5", seed=3)
    files = sorted((tmp_path / "out").rglob("*.tsv"))
    assert len(files) == 3 and not report.dropped
    for path in files:
        assert check_tsv(path) == [], path
    hrw = next(p for p in files if p.stem == "hrw-report").read_text("utf-8")
    assert "\t84-88\t👍🏽\t" in hrw  # UTF-16 offsets: the emoji and its skin tone are 4 units
    assert "quote[3]|allegation[4]" in hrw  # stacked, with disambiguation ids
    cafe = next(p for p in files if p.stem == "cafe").read_text("utf-8")
    assert "\n2-5.1\t69-75\tresign\tclaim[3]\t" in cafe  # a span ending inside a word: a sub-token row
    import_paths(tmp_path / "new", [tmp_path / "out"], "webanno", annotator="imp")
    assert full(Project(tmp_path / "new"), "imp") == full(project, ANNOTATOR)  # texts, spans, attributes, notes, links


def _state(project: Project, doc_id: str, annotator: str = "w"):
    ann = project.store.load(annotator, project.corpus.get(doc_id)).annotations
    spans = sorted((s.text, s.label, tuple(sorted(s.attrs.items()))) for s in ann.spans.values())
    links = sorted((ann.spans[r.head].text, r.label, ann.spans[r.tail].text) for r in ann.relations.values())
    return spans, links


def test_inception_custom_layers_import(tmp_path, capsys):
    assert main(["import", str(TSV / "inception_custom_layers.tsv"), "--format", "webanno", "--annotator", "w",
                 "--project", str(tmp_path / "p")]) == 0
    project = Project(tmp_path / "p")
    doc = project.corpus.get("inception_custom_layers")
    assert doc.text == "Reporters said “police beat us 😡” at the rally.\nThe ministry's spokeswoman denied it."
    spans, links = _state(project, doc.id)
    assert spans == [
        ("Reporters", "source", (("kind", "direct"),)),
        ("The ministry", "source", ()),  # a token and a sub-token row, one [4]
        ("denied it", "claim", ()),
        ("police beat", "allegation", (("kind", "in_part"),)),  # stacked, its value unescaped
        ("police beat us 😡", "quote", (("kind", "direct"),)),  # UTF-16 offsets past the emoji
    ]
    assert links == [("denied it", "attributed_to", "The ministry"), ("police beat us 😡", "attributed_to", "Reporters")]


def test_dkpro_layers_chains_and_dependencies_import(tmp_path, capsys):
    assert main(["import", str(TSV / "dkpro_layers.tsv"), "--format", "webanno", "--annotator", "w",
                 "--project", str(tmp_path / "p")]) == 0
    err = capsys.readouterr().err
    assert "ROOT links an annotation to itself; not imported" in err
    spans, links = _state(Project(tmp_path / "p"), "dkpro_layers")
    assert ("Ms. Nur", "PER", ()) in spans
    assert ("Almaty", "LOC", (("identifier", "http://www.wikidata.org/entity/Q35493"),)) in spans
    assert ("Ms. Nur", "pr", ()) in spans and ("she", "pr", ()) in spans  # coreference chain elements
    assert ("Ms. Nur", "coref", "she") in links
    assert ("Nur", "NAME", "Ms.") in links and ("left", "OBJ", "Almaty") in links  # governor -> dependent
    assert sum(label == "NNP" for _t, label, _a in spans) == 3


def test_a_tsv_file_that_is_not_tsv3_is_refused_with_its_name(tmp_path, capsys):
    path = tmp_path / "old.tsv"
    path.write_text("#FORMAT=WebAnno TSV 2\n", "utf-8")
    assert main(["import", str(path), "--format", "webanno", "--project", str(tmp_path / "p")]) == 2
    assert capsys.readouterr().err.strip().startswith(f"reader: {path}:1: not a WebAnno TSV 3 file")
