"""`reader import`: export -> import gives the same annotations; others' files land where they should."""

from __future__ import annotations

import json

import pytest

from reader.commands.cli import main
from reader.files.labels import load_schema
from reader.files.project import Project
from reader.formats import export, import_paths
from tests.formats_helpers import ANNOTATOR, build_project, full


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("imp") / "proj")


def spans_and_links(state: dict) -> dict:
    """What survives a format without attributes and notes: texts, extents + labels, links by their ends."""
    return {
        doc: (text, sorted(s[:4] for s in spans), sorted((h[:4], t[:4], label) for h, t, label in links))
        for doc, (text, spans, links) in state.items()
    }


@pytest.mark.parametrize(
    "fmt, options, lossless",
    [
        ("jsonl", {}, True),
        ("jsonl", {"offsets": "utf16"}, True),
        ("brat", {}, True),
        ("brat", {"split": "0.5,0.5"}, True),
        ("doccano", {}, False),
        ("doccano", {"offsets": "utf16"}, False),
        ("labelstudio", {"offsets": "utf16"}, False),
    ],
)
def test_export_then_import_gives_equal_annotations(proj, tmp_path, fmt, options, lossless):
    out = tmp_path / "out"
    export(proj, fmt, out, annotator=ANNOTATOR, **options)
    target = tmp_path / "new"  # not a project yet
    paths = [out / "data.jsonl"] if fmt in ("jsonl", "doccano") and "split" not in options else [out]
    if fmt == "labelstudio":
        paths = [out / "data.json"]
    report = import_paths(target, paths, fmt, annotator="imp", offsets=options.get("offsets", "codepoints"))
    assert report.created_project and report.new_seeds == 3
    imported = Project(target)
    assert imported.corpus.errors == []
    before, after = full(proj, ANNOTATOR), full(imported, "imp")
    if lossless:
        assert after == before
    else:
        assert spans_and_links(after) == spans_and_links(before)
    # a second import of the same files changes nothing and is not an error
    again = import_paths(target, paths, fmt, annotator="imp", offsets=options.get("offsets", "codepoints"))
    assert again.new_seeds == 0 and full(Project(target), "imp") == after


def test_import_keeps_span_ids_of_our_own_exports(proj, tmp_path):
    export(proj, "jsonl", tmp_path / "out", annotator=ANNOTATOR)
    import_paths(tmp_path / "new", [tmp_path / "out" / "data.jsonl"], "jsonl", annotator="imp")
    doc = proj.corpus.get("hrw-report")
    a = proj.store.load(ANNOTATOR, doc).annotations
    b = Project(tmp_path / "new").store.load("imp", doc).annotations
    assert a.spans.keys() == b.spans.keys() and a.relations == b.relations


def test_import_txt_and_md_creates_a_project(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.txt").write_bytes("First line.\r\nSecond 👍🏽 line.\r\n".encode())
    (src / "two.md").write_text("---\ntitle: Two\n---\nBody of two.\n", "utf-8")
    target = tmp_path / "proj"
    assert main(["import", str(src / "one.txt"), "--format", "txt", "--project", str(target)]) == 0
    assert main(["import", str(src), "--format", "md", "--project", str(target)]) == 0
    project = Project(target)
    assert (target / "annotations" / "labels.yaml").exists()
    assert project.corpus.get("one").text == "First line.\nSecond 👍🏽 line.\n"
    assert project.corpus.get("two").title == "Two"
    assert (target / "seeds" / "one.txt").read_bytes() == (src / "one.txt").read_bytes()


def test_existing_seed_with_other_text_is_an_error_not_an_overwrite(tmp_path, capsys):
    target = tmp_path / "proj"
    (target / "seeds").mkdir(parents=True)
    (target / "annotations").mkdir()
    (target / "seeds" / "doc.txt").write_text("Original text.", "utf-8")
    file = tmp_path / "in.jsonl"
    file.write_text(json.dumps({"id": "other", "text": "Fine."}) + "\n" + json.dumps({"id": "doc", "text": "Changed text."}) + "\n")
    assert main(["import", str(file), "--format", "jsonl", "--project", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{file}:2:" in err and "different text" in err
    assert (target / "seeds" / "doc.txt").read_text("utf-8") == "Original text."
    assert not (target / "seeds" / "other.txt").exists()  # nothing written when any document is refused


@pytest.mark.parametrize(
    "content, where, what",
    [
        ('{"id": "a", "text": "Hello."}\n{"id": "b", "text": \n', 2, "not valid JSON"),
        ('{"id": "a", "text": "Hello there.", "spans": [{"start": 0, "end": 99, "label": "claim"}]}\n', 1, "outside the text"),
        ('{"id": "a", "text": "Hello there.", "spans": [{"start": 0, "end": 5, "label": "claim", "text": "Hullo"}]}\n', 1, "is not the text"),
        ('{"id": "a/b", "text": "Hello."}\n', 1, "not allowed"),
    ],
)
def test_bad_files_give_one_line_naming_file_and_line(tmp_path, capsys, content, where, what):
    file = tmp_path / "bad.jsonl"
    file.write_text(content, "utf-8")
    assert main(["import", str(file), "--format", "jsonl", "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{file}:{where}:" in err and what in err, err


def test_unknown_labels_are_added_and_label_map_renames(tmp_path, capsys):
    file = tmp_path / "in.jsonl"
    text = "Officials said the vote was rigged, according to Ana."
    spans = [
        {"id": "s1", "start": 0, "end": 9, "label": "SPEAKER"},
        {"id": "s2", "start": 15, "end": 34, "label": "rumour"},
        {"id": "s3", "start": 49, "end": 52, "label": "SPEAKER"},
    ]
    rels = [{"id": "r1", "head": "s2", "tail": "s3", "label": "said_by"}]
    file.write_text(json.dumps({"id": "vote", "text": text, "spans": spans, "relations": rels}) + "\n", "utf-8")
    target = tmp_path / "proj"
    code = main(["import", str(file), "--format", "jsonl", "--annotator", "bob", "--label-map",
                 "SPEAKER=source,said_by=attributed_to", "--project", str(target)])
    assert code == 0
    err = capsys.readouterr().err
    assert "labels added to annotations/labels.yaml: rumour" in err
    schema = load_schema(target)
    assert schema.label("rumour") is not None and schema.relation_allowed("attributed_to", "rumour", "source")
    ann = Project(target).store.load("bob", Project(target).corpus.get("vote")).annotations
    assert sorted(s.label for s in ann.spans.values()) == ["rumour", "source", "source"]
    assert [r.label for r in ann.relations.values()] == ["attributed_to"]


def test_brat_discontinuous_spans_and_events_become_spans_and_links(tmp_path, capsys):
    """A discontinuous brat span is one span in fragments (issue 16; it was one span a fragment)."""
    src = tmp_path / "brat"
    src.mkdir()
    text = "Police\r\nsaid the protest was illegal, and arrested leaders."
    (src / "doc.txt").write_bytes(text.encode())
    seen = text.replace("\r\n", "\n")  # brat reads the .txt with newline translation

    def at(word: str) -> str:
        return f"{seen.index(word)} {seen.index(word) + len(word)}"

    (src / "doc.ann").write_text(
        f"T1\tsource {at('Police')}\tPolice\n"
        f"T2\tclaim {at('protest')};{at('illegal, and')}\tprotest illegal, and\n"  # text between: discontinuous
        f"T3\tEvent {at('arrested')}\tarrested\n"
        f"T4\tsource {at('leaders')}\tleaders\n"
        "E1\tArrest:T3 Agent:T1 Theme:T4\n"
        "A1\tNegated T2\n"
        "#1\tAnnotatorNotes T1\tthe city police\n"
        "R1\tattributed_to Arg1:T2 Arg2:T1\n",
        "utf-8",
    )
    assert main(["import", str(src), "--format", "brat", "--annotator", "b", "--project", str(tmp_path / "p")]) == 0
    err = capsys.readouterr().err
    assert "event E1 (Arrest) imported as its trigger span and 2 links" in err
    project = Project(tmp_path / "p")
    doc = project.corpus.get("doc")
    ann = project.store.load("b", doc).annotations
    got = sorted((s.fragment_texts, s.label) for s in ann.spans.values())
    assert got == [(("Police",), "source"), (("arrested",), "Event"), (("leaders",), "source"),
                   (("protest", "illegal, and"), "claim")]
    police = next(s for s in ann.spans.values() if s.text == "Police")
    assert police.note == "the city police"
    links = sorted((ann.spans[r.head].joined_text, r.label, ann.spans[r.tail].text) for r in ann.relations.values())
    assert links == [("arrested", "Agent", "Police"), ("arrested", "Theme", "leaders"),
                     ("protest … illegal, and", "attributed_to", "Police")]
    assert next(s for s in ann.spans.values() if s.label == "claim").attrs == {"Negated": "true"}


def test_existing_other_annotations_are_not_overwritten(proj, tmp_path, capsys):
    export(proj, "jsonl", tmp_path / "out", annotator=ANNOTATOR)
    target = tmp_path / "new"
    import_paths(target, [tmp_path / "out" / "data.jsonl"], "jsonl", annotator="imp")
    lines = (tmp_path / "out" / "data.jsonl").read_text("utf-8").splitlines()
    rec = json.loads(lines[0])
    rec["spans"] = rec["spans"][:1]
    rec["relations"] = []
    (tmp_path / "changed.jsonl").write_text(json.dumps(rec) + "\n", "utf-8")
    assert main(["import", str(tmp_path / "changed.jsonl"), "--format", "jsonl", "--annotator", "imp",
                 "--project", str(target)]) == 2
    assert "not overwritten" in capsys.readouterr().err


def _bare_project(root):
    (root / "seeds").mkdir(parents=True)
    (root / "annotations").mkdir()
    return root


def test_import_never_overwrites_a_seed_file_holding_other_documents(tmp_path, capsys):
    target = _bare_project(tmp_path / "proj")
    news = target / "seeds" / "news.jsonl"
    news.write_text(json.dumps({"id": "a1", "text": "First."}) + "\n" + json.dumps({"id": "a2", "text": "Second."}) + "\n",
                    "utf-8")
    before = news.read_bytes()
    file = tmp_path / "in.jsonl"
    file.write_text(json.dumps({"id": "fine", "text": "Fine."}) + "\n"
                    + json.dumps({"id": "news", "text": "Other news.", "meta": {"source": "wire"}}) + "\n", "utf-8")
    assert main(["import", str(file), "--format", "jsonl", "--project", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(news) in err and "not overwritten" in err, err
    assert news.read_bytes() == before
    assert Project(target).corpus.ids == ["a1", "a2"]
    assert sorted(p.name for p in (target / "seeds").iterdir()) == ["news.jsonl"]  # nothing written


def test_import_never_replaces_a_seed_the_corpus_could_not_read(tmp_path, capsys):
    target = _bare_project(tmp_path / "proj")
    old = target / "seeds" / "old.txt"
    old.write_bytes("Caf\xe9 in Latin-1.".encode("latin-1"))
    assert Project(target).corpus.errors
    src = tmp_path / "src"
    src.mkdir()
    (src / "old.txt").write_text("Café in UTF-8.", "utf-8")
    assert main(["import", str(src / "old.txt"), "--format", "txt", "--project", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(old) in err and "not UTF-8" in err, err
    assert old.read_bytes() == "Caf\xe9 in Latin-1.".encode("latin-1")


def test_import_of_the_same_seed_bytes_again_is_not_an_error(tmp_path):
    target = _bare_project(tmp_path / "proj")
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.txt").write_bytes(b"Line one.\r\nLine two.\r\n")
    assert main(["import", str(src / "one.txt"), "--format", "txt", "--project", str(target)]) == 0
    assert main(["import", str(src / "one.txt"), "--format", "txt", "--project", str(target)]) == 0
    assert (target / "seeds" / "one.txt").read_bytes() == b"Line one.\r\nLine two.\r\n"


def _kept_aside(ann):
    from reader.core.model import Orphan, Span

    ann.orphans.append(Orphan(Span("s9", 0, 4, "claim", "Gone"), "its text changed"))


def _done(ann):
    ann.status = "done"


def _suggested(ann):
    from reader.core.model import Span

    ann.suggested_spans.append(Span("g1", 0, 4, "claim", ann.document.text[:4]))


@pytest.mark.parametrize("prepare", [_kept_aside, _done, _suggested], ids=["orphans", "done", "suggestions"])
def test_an_existing_annotation_file_is_never_overwritten_whatever_it_holds(tmp_path, capsys, prepare):
    from tests.conftest import make_project

    project = make_project(tmp_path / "proj", {"doc": "Officials said the vote was rigged."})
    ann = project.store.load("bob", project.corpus.get("doc")).annotations
    prepare(ann)
    path = project.store.save("bob", ann)
    before = path.read_bytes()
    file = tmp_path / "in.jsonl"
    spans = [{"id": "s1", "start": 0, "end": 9, "label": "source"}]
    file.write_text(json.dumps({"id": "doc", "text": "Officials said the vote was rigged.", "spans": spans}) + "\n", "utf-8")
    assert main(["import", str(file), "--format", "jsonl", "--annotator", "bob", "--project", str(project.path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and "not overwritten" in err, err
    assert path.read_bytes() == before


@pytest.mark.parametrize("fmt, name", [("labelstudio", "data.json"), ("jsonl", "data.jsonl")])
def test_utf16_import_of_a_code_point_file_is_refused_when_its_span_text_disagrees(proj, tmp_path, capsys, fmt, name):
    out = tmp_path / "out"
    export(proj, fmt, out, annotator=ANNOTATOR)  # code points
    target = tmp_path / "new"
    assert main(["import", str(out / name), "--format", fmt, "--offsets", "utf16", "--annotator", "imp",
                 "--project", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(out / name) in err and "is not the text" in err, err
    assert not (target / "annotations" / "imp").exists()


def test_a_code_point_doccano_file_imported_as_utf16_is_refused(proj, tmp_path, capsys):
    out = tmp_path / "out"
    export(proj, "doccano", out, annotator=ANNOTATOR)  # code points, and doccano gives no span text
    target = tmp_path / "new"
    assert main(["import", str(out / "data.jsonl"), "--format", "doccano", "--offsets", "utf16", "--annotator", "imp",
                 "--project", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{out / 'data.jsonl'}:2:" in err, err
    assert "grapheme cluster" in err or "surrogate pair" in err, err
    assert not (target / "annotations" / "imp").exists()


def test_a_span_edge_inside_a_grapheme_cluster_is_refused(tmp_path, capsys):
    file = tmp_path / "thumb.jsonl"
    # 👍🏽 is two code points, four UTF-16 units: unit 2 is a code point boundary inside the cluster
    file.write_text(json.dumps({"id": "t", "text": "👍🏽 said Ana", "label": [[0, 2, "source"]]}) + "\n", "utf-8")
    assert main(["import", str(file), "--format", "doccano", "--offsets", "utf16", "--project", str(tmp_path / "p1")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{file}:1:" in err and "grapheme cluster" in err, err
    # the same with a combining mark, in code points: "e" of "Cafe\u0301" without its accent
    file = tmp_path / "cut.jsonl"
    file.write_text(json.dumps({"id": "cafe", "text": "Cafe\u0301 owner", "label": [[0, 4, "source"]]}) + "\n", "utf-8")
    assert main(["import", str(file), "--format", "doccano", "--project", str(tmp_path / "p2")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{file}:1:" in err and "grapheme cluster" in err, err


def test_a_utf16_offset_inside_a_surrogate_pair_is_refused(tmp_path, capsys):
    file = tmp_path / "pair.jsonl"
    # 𝒳 is one code point, two UTF-16 units (1-3); 2 falls between them
    file.write_text(json.dumps({"id": "x", "text": "A𝒳 said", "label": [[0, 2, "source"]]}) + "\n", "utf-8")
    assert main(["import", str(file), "--format", "doccano", "--offsets", "utf16", "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{file}:1:" in err and "surrogate" in err, err


def test_brat_fragments_whose_mention_disagrees_are_refused(tmp_path, capsys):
    src = tmp_path / "brat"
    src.mkdir()
    (src / "d.txt").write_text("Hello\nworld, said Ana.", "utf-8")
    (src / "d.ann").write_text("T1\tclaim 0 5;6 11\tHello there\n", "utf-8")
    assert main(["import", str(src), "--format", "brat", "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{src / 'd.ann'}:1:" in err and "not the text" in err, err
    (src / "d.ann").write_text("T1\tclaim 0 5;6 11\tHello world\n", "utf-8")
    assert main(["import", str(src), "--format", "brat", "--project", str(tmp_path / "p")]) == 0


def test_a_refused_import_does_not_even_create_the_project(tmp_path, capsys):
    file = tmp_path / "bad.jsonl"
    file.write_text('{"id": "a", "text": "Hello there.", "spans": [{"start": 0, "end": 99, "label": "claim"}]}\n', "utf-8")
    target = tmp_path / "p"
    assert main(["import", str(file), "--format", "jsonl", "--project", str(target)]) == 2
    assert "outside the text" in capsys.readouterr().err
    assert not target.exists()
