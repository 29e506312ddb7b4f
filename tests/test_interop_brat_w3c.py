"""brat and W3C files in their real layouts: events that share a trigger stay apart, brat's own
verifier rules accept our annotation.conf, and W3C quote selectors anchor uniquely."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader.commands.cli import main
from reader.files.project import Project
from reader.formats import export, import_paths
from tests.conftest import DATA, make_project
from tests.formats_helpers import ANNOTATOR, build_project

BRAT = DATA / "interop" / "brat"


def _links(ann) -> list[tuple]:
    return sorted((ann.spans[r.head].text, ann.spans[r.head].note, r.label, ann.spans[r.tail].text)
                  for r in ann.relations.values())


def test_bionlp_events_sharing_a_trigger_keep_their_links_and_modifiers(tmp_path):
    report = import_paths(tmp_path / "p", [BRAT / "bionlp"], "brat", annotator="ge")
    project = Project(tmp_path / "p")
    ann = project.store.load("ge", project.corpus.get("PMID-9015187")).annotations
    on = lambda text: sorted((s.note, s.attrs) for s in ann.spans.values() if s.text == text)
    # two events on "induce" with the very same argument and role: two spans, two Cause links to BCL6
    assert on("induce") == [
        ("brat event E7 (trigger T10, shared with E8)", {"Negation": "true"}),
        ("brat event E8 (trigger T10, shared with E7)", {"Speculation": "true"}),
    ]
    causes = [link for link in _links(ann) if link[0] == "induce" and link[2] == "Cause"]
    assert [(note[:13], tail) for _t, note, _l, tail in causes] == [("brat event E7", "BCL6"), ("brat event E8", "BCL6")]
    # E3 and E4 share trigger, Cause and TRAF2: both links survive, each with its own Theme event
    inhibits = [(note[:13], label, tail) for text, note, label, tail in _links(ann) if text == "inhibits"]
    assert inhibits == [("brat event E3", "Cause", "TRAF2"), ("brat event E3", "Theme", "phosphorylation"),
                        ("brat event E4", "Cause", "TRAF2"), ("brat event E4", "Theme", "phosphorylation")]
    themes = {tail_note for text, note, label, tail in _links(ann) if text == "inhibits" and label == "Theme"
              for tail_note in [next(ann.spans[r.tail].note for r in ann.relations.values()
                                     if ann.spans[r.head].note == note and r.label == "Theme")]}
    assert {t[:13] for t in themes} == {"brat event E1", "brat event E2"}  # E3 -> E1, E4 -> E2, not both to one
    assert report.relations == 13  # every argument of the 8 events
    assert any("event E8 (Positive_regulation) imported as a span of its own on trigger T10 (shared with E7) and 2 links"
               in n for n in report.notices)


def test_brat_tutorial_layout_events_modifiers_fragments_and_notes(tmp_path, capsys):
    assert main(["import", str(BRAT / "tutorial"), "--format", "brat", "--annotator", "b", "--project", str(tmp_path / "p")]) == 0
    err = capsys.readouterr().err
    assert "event E1 (Arrest) imported as its trigger span and 3 links" in err
    assert "event E2 (Arrest) imported as its trigger span and 1 link" in err
    project = Project(tmp_path / "p")
    ann = project.store.load("b", project.corpus.get("news")).annotations
    spans = {s.text: s for s in ann.spans.values()}
    assert spans["the\narrest"].attrs == {"Negation": "true"}  # the modifier of E2, on E2's fragmented trigger
    assert spans["detained"].attrs == {"Confidence": "High"}
    assert spans["the activist"].note == "name withheld"
    assert _links(ann) == [
        ("detained", "", "Agent", "Police"), ("detained", "", "Place", "Almaty"), ("detained", "", "Theme", "the activist"),
        ("her lawyer", "", "Says", "detained"), ("the\narrest", "", "Theme", "the activist"),
    ]


def _brat_overlap_errors(folder: Path, doc: str) -> list[tuple[str, str]]:
    """brat's verify_annotations.verify_entity_overlap, run on brat's own parser and config reader
    (bratiaa ships them as `bratsubset`)."""
    from bratsubset import annotation
    from bratsubset.projectconfig import ProjectConfiguration

    conf = ProjectConfiguration(str(folder))
    errors = []
    with annotation.TextAnnotations(str(folder / doc)) as ann:
        entities = [a for a in ann.get_textbounds() if conf.is_physical_entity_type(a.type)]
        for a1 in entities:
            for a2 in entities:
                if a1 is a2 or not (a2.first_start() < a1.last_end() and a2.last_end() > a1.first_start()):
                    continue
                if a1.same_span(a2):
                    ok = conf.spans_can_be_equal(a1.type, a2.type)
                elif a2.contains(a1):
                    ok = conf.span_can_contain(a1.type, a2.type)
                elif a1.contains(a2):
                    ok = conf.span_can_contain(a2.type, a1.type)
                else:
                    ok = conf.spans_can_cross(a1.type, a2.type)
                if not ok:
                    errors.append((a1.id, a2.id))
    return errors


def test_brat_export_declares_overlaps_so_brats_verifier_accepts_it(tmp_path):
    pytest.importorskip("bratiaa")
    project = build_project(tmp_path / "proj")  # nested, crossing spans
    export(project, "brat", tmp_path / "out", annotator=ANNOTATOR)
    assert _brat_overlap_errors(tmp_path / "out", "hrw-report") == []
    conf = tmp_path / "out" / "annotation.conf"
    bare = tmp_path / "bare"
    shutil.copytree(tmp_path / "out", bare)
    (bare / "annotation.conf").write_text(conf.read_text("utf-8").replace(
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n", ""), "utf-8")
    assert len(_brat_overlap_errors(bare, "hrw-report")) == 12  # what brat said of the export before


def test_shared_trigger_events_go_back_to_brat_and_bratiaa_agrees(tmp_path):
    """Loaded by brat's own parser (pybrat refuses two annotations on one extent, which brat allows)."""
    pytest.importorskip("bratiaa")
    from bratiaa import compute_f1_agreement
    from bratsubset import annotation

    import_paths(tmp_path / "p", [BRAT / "bionlp"], "brat", annotator="ge")
    project = Project(tmp_path / "p")
    iaa = tmp_path / "iaa"
    for name in ("a", "b"):
        export(project, "brat", tmp_path / name, annotator="ge")
        shutil.copytree(tmp_path / name, iaa / name, ignore=shutil.ignore_patterns("annotation.conf", "README.md", ".reader-export"))
    shutil.copy(tmp_path / "a" / "annotation.conf", iaa / "annotation.conf")
    with annotation.TextAnnotations(str(tmp_path / "a" / "PMID-9015187")) as doc:
        induce = [t for t in doc.get_textbounds() if t.get_text() == "induce"]
        assert len(induce) == 2 and len({tuple(t.spans) for t in induce}) == 1
        assert len(list(doc.get_relations())) == 13
        negated = [a.target for a in doc.get_attributes() if a.type == "Negation"]
        assert len(negated) == 1 and negated[0] in {t.id for t in induce}
    assert _brat_overlap_errors(tmp_path / "a", "PMID-9015187") == []
    f1 = compute_f1_agreement(str(iaa))
    assert f1.mean_sd_total()[0] == pytest.approx(1.0)
    ann = (tmp_path / "a" / "PMID-9015187.ann").read_text("utf-8")
    assert "\tNegation T" in ann and "\tNegation T11 true" not in ann  # binary attributes stay binary


def test_w3c_quote_selectors_are_unique_where_32_characters_are_not(tmp_path):
    pytest.importorskip("anchorpoint")
    from anchorpoint.textselectors import TextQuoteSelector

    line = "The minister called the report lies, and the opposition called it lies too.\n"
    text = line * 3 + "Then the minister called the report lies, and left."
    project = make_project(tmp_path / "proj", {"rep": text})
    doc = project.corpus.get("rep")
    ann = project.store.load("ana", doc).annotations
    at = [i for i in range(len(text)) if text.startswith("lies", i)]
    for i in at:
        ann.add_span(i, i + 4, "quote")
    project.store.save("ana", ann)
    export(project, "w3c", tmp_path / "out", annotator="ana")
    items = json.loads((tmp_path / "out" / "data.jsonld").read_text("utf-8"))["first"]["items"]
    ambiguous_at_32 = 0
    for item in items:
        pos, quote = item["target"]["selector"]
        selector = TextQuoteSelector(exact=quote["exact"], prefix=quote["prefix"], suffix=quote["suffix"])
        found = selector.as_unique_position(text)
        assert (found.start, found.end) == (pos["start"], pos["end"])
        short = TextQuoteSelector(exact=quote["exact"], prefix=text[max(0, pos["start"] - 32):pos["start"]],
                                  suffix=text[pos["end"]:pos["end"] + 32])
        ambiguous_at_32 += not short.is_unique_in(text)
    assert len(items) == 7 and ambiguous_at_32 >= 4  # the old 32 characters left these ambiguous


def test_format_names_webanno_is_tsv_and_w3c_is_web_annotation(tmp_path):
    build_project(tmp_path / "proj")
    for fmt, name in (("webanno", "hrw-report.tsv"), ("w3c", "data.jsonld")):
        assert main(["export", "--format", fmt, "--annotator", ANNOTATOR, "--out", str(tmp_path / fmt),
                     "--project", str(tmp_path / "proj")]) == 0
        assert (tmp_path / fmt / name).is_file()
    assert (tmp_path / "webanno" / "hrw-report.tsv").read_text("utf-8").startswith("#FORMAT=WebAnno TSV 3.3\n")
