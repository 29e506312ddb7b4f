"""`reader train` and `reader suggest --model NAME`: a model learned from a project's own annotations.

The project is small and made up, in a house style the rules cannot know: the speaker "zorbles"
(a reporting verb of this project only) and the claim follows "that". What the model suggests on
a document it never saw shows that it learned the convention from the annotations.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("sklearn_crfsuite")

from reader.annotate.documents import by_uncertainty, progress
from reader.commands.cli import main
from reader.core.annotations import DocAnnotations
from reader.files.project import Project
from reader.suggest.cues import load_cues
from reader.suggest.rules import suggest
from tests.conftest import make_project

FIRST = ["Tamsin", "Oriel", "Bastian", "Celeste", "Dorian", "Elspeth", "Fenwick", "Giselle", "Hollis",
         "Isolde", "Jasper", "Katell", "Lorcan", "Mireille", "Nevin", "Ottilie", "Perrin", "Quilla"]
LAST = ["Vale", "Marsh", "Thorne", "Ashby", "Crane", "Dunmore", "Everly", "Fairweather", "Grimsby",
        "Hartwell", "Ingram", "Jessop", "Kestrel", "Lowther", "Merriweather", "Norcott"]
CLAUSES = ["the bridge would stay closed until spring", "the harbour fees had doubled since March",
           "the council had ignored three warnings", "the new ferry was running late every day",
           "the school roof needed urgent repairs", "the market would move to the square",
           "the water tests showed nothing unusual", "the library was losing its funding",
           "the tram line would reach the hospital", "the festival had sold every ticket"]
FILLER = ["The weather in Brisk was mild on Monday.", "Traffic on the coast road was light.",
          "Shops in the old town opened early.", "A fog lifted over the estuary by noon."]
NEW_NAME = ("Wendeline", "Oakhurst")  # never in the training documents


def article(rng: random.Random, names: list[tuple[str, str]] | None = None) -> tuple[str, list[tuple[int, int, int, int]]]:
    """A text of a few paragraphs and, per attribution, (source start, end, claim start, end)."""
    parts: list[str] = []
    marks = []
    pos = 0
    for k in range(3):
        first, last = names[k % len(names)] if names else (rng.choice(FIRST), rng.choice(LAST))
        filler = rng.choice(FILLER) + " "
        name = f"{first} {last}"
        clause = rng.choice(CLAUSES)
        sentence = f"{name} zorbled that {clause}."
        para = filler + sentence
        s0 = pos + len(filler)
        c0 = s0 + len(name) + len(" zorbled that ")
        marks.append((s0, s0 + len(name), c0, c0 + len(clause)))
        parts.append(para)
        pos += len(para) + 2
    return "\n\n".join(parts), marks


def annotate(project: Project, annotator: str, doc_id: str, marks: list[tuple[int, int, int, int]], done: bool = True) -> None:
    doc = project.corpus.get(doc_id)
    ann = DocAnnotations(doc, project.schema)
    for s0, s1, c0, c1 in marks:
        source = ann.add_span(s0, s1, "source")
        claim = ann.add_span(c0, c1, "claim")
        ann.link(claim.id, source.id)
    ann.status = "done" if done else "in-progress"
    project.store.save(annotator, ann)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Project, dict[str, list]]:
    rng = random.Random(7)
    texts, marks = {}, {}
    for i in range(14):
        texts[f"train-{i:02d}"], marks[f"train-{i:02d}"] = article(rng)
    texts["unseen"], marks["unseen"] = article(rng, [NEW_NAME])
    texts["other"], marks["other"] = article(rng, [("Quilla", "Norcott")])
    project = make_project(tmp_path_factory.mktemp("train") / "proj", texts)
    for i in range(14):
        annotate(project, "alice", f"train-{i:02d}", marks[f"train-{i:02d}"], done=i < 12)
    assert main(["--project", str(project.path), "train", "--annotator", "alice", "--name", "house"]) == 0
    return Project(project.path), marks


def ghosts(project: Project, annotator: str, doc_id: str) -> DocAnnotations:
    return project.store.load(annotator, project.corpus.get(doc_id)).annotations


def test_the_model_finds_what_it_was_taught_on_a_document_it_never_saw(trained, capsys):
    project, marks = trained
    s0, s1, c0, c1 = marks["unseen"][0]
    text = project.corpus.get("unseen").text
    rules = suggest(project.corpus.get("unseen"), load_cues(project.path), project.schema)
    assert not any(g.label == "source" and g.start < s1 and s0 < g.end for g in rules.spans)  # the rules cannot
    assert main(["--project", str(project.path), "suggest", "unseen", "--annotator", "bob", "--model", "house"]) == 0
    ann = ghosts(project, "bob", "unseen")
    by_id = {g.id: g for g in ann.suggested_spans}
    sources = [g for g in ann.suggested_spans if g.label == "source"]
    claims = [g for g in ann.suggested_spans if g.label == "claim"]
    assert [g.text for g in sources] == ["Wendeline Oakhurst"] * 3
    assert any(g.start < c1 and c0 < g.end for g in claims), [g.text for g in claims]
    linked = {(by_id[r.head].text, by_id[r.tail].text) for r in ann.suggested_relations}
    claim_text = next(g.text for g in claims if g.start < c1 and c0 < g.end)
    assert (claim_text, "Wendeline Oakhurst") in linked
    assert text[s0:s1] == "Wendeline Oakhurst"
    assert ann.spans == {}  # ghosts only
    assert "unseen:" in capsys.readouterr().out


def test_the_card_says_what_it_was_trained_on_and_how_well_it_did(trained):
    project, _ = trained
    folder = project.path / "annotations" / "models" / "house"
    card = (folder / "README.md").read_text("utf-8")
    data = json.loads((folder / "model.json").read_text("utf-8"))
    assert "annotations of **alice**" in card and "14 documents" in card
    assert "## Held-out figures" in card and "source overlap F1" in card and "links F1" in card
    for library in ("sklearn-crfsuite", "python-crfsuite", "scikit-learn"):
        assert library in card
    model = data["card"]["held_out"]["model"]
    assert model["documents"] == 1 and len(data["held_out_documents"]) == 1
    assert model["per_label"]["source"]["overlap_f1"] == 1.0
    assert model["links"]["f1"] == 1.0
    assert "allegation" in card.split("Not learned", 1)[1].split("\n", 1)[0]  # no examples, said so
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "claim.crfsuite", "model.json", "source.crfsuite"]


def test_ghosts_carry_their_confidence_and_never_go_over_the_annotators_spans(trained):
    project, marks = trained
    doc = project.corpus.get("other")
    s0, s1, c0, c1 = marks["other"][0]
    mine = DocAnnotations(doc, project.schema)
    own = mine.add_span(s0, s1, "source")
    project.store.save("carol", mine)
    assert main(["--project", str(project.path), "suggest", "other", "--annotator", "carol", "--model", "house"]) == 0
    ann = ghosts(project, "carol", "other")
    assert list(ann.spans) == [own.id] and ann.spans[own.id].text == "Quilla Norcott"
    assert not any(g.label == "source" and g.start < s1 and s0 < g.end for g in ann.suggested_spans)
    for g in ann.suggested_spans:
        assert "model house: " in g.note
        confidence = float(g.note.split("model house: ")[1][:4])
        assert 0.0 < confidence <= 1.0
    claim = next(g for g in ann.suggested_spans if g.label == "claim" and g.start < c1 and c0 < g.end)
    assert any(r.head == claim.id and r.tail == own.id for r in ann.suggested_relations)  # linked to her span
    assert "source 'Quilla Norcott'" in claim.note


def test_documents_can_be_ordered_by_the_models_uncertainty(trained):
    project, _ = trained
    assert main(["--project", str(project.path), "suggest", "unseen", "other", "train-00",
                 "--annotator", "dave", "--model", "house"]) == 0
    rows = {r.doc_id: r for r in progress(project, "dave")}
    for doc_id in ("unseen", "other", "train-00"):
        assert rows[doc_id].uncertainty is not None and rows[doc_id].uncertainty >= 0.0
    assert rows["train-01"].uncertainty is None
    ordered = [r.doc_id for r in by_uncertainty(list(rows.values()))]
    suggested = sorted(("unseen", "other", "train-00"), key=lambda d: -rows[d].uncertainty)  # type: ignore[operator]
    assert ordered[:3] == suggested
    assert (project.path / "annotations" / "dave" / ".uncertainty.json").is_file()


def test_evaluate_with_a_model_scores_it_and_writes_nothing(trained, capsys):
    project, _ = trained
    before = {p: p.read_bytes() for p in (project.path / "annotations" / "alice").iterdir()}
    capsys.readouterr()
    assert main(["--project", str(project.path), "suggest", "--evaluate", "alice", "--model", "house", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["documents"] == 14
    assert scores["source"]["overlap_f1"] > 0.9 and scores["links"]["f1"] > 0.9
    assert {p: p.read_bytes() for p in (project.path / "annotations" / "alice").iterdir()} == before


def test_the_models_folder_is_nobodys_annotations(trained, capsys):
    project, _ = trained
    capsys.readouterr()
    main(["--project", str(project.path), "stats", "--json"])
    assert "models" not in json.loads(capsys.readouterr().out)["annotators"]
    main(["--project", str(project.path), "validate"])
    assert "models" not in capsys.readouterr().out


def test_done_only_trains_on_the_documents_marked_done(trained, capsys):
    project, _ = trained
    capsys.readouterr()
    assert main(["--project", str(project.path), "train", "--annotator", "alice", "--done-only", "--name", "done"]) == 0
    data = json.loads((project.path / "annotations" / "models" / "done" / "model.json").read_text("utf-8"))
    assert data["card"]["held_out"]["model"]["documents"] == 1
    assert "trained done on 11 documents of alice" in capsys.readouterr().out  # 12 done, 1 held out


def test_a_missing_model_is_a_one_line_error(trained, capsys):
    project, _ = trained
    capsys.readouterr()
    assert main(["--project", str(project.path), "suggest", "unseen", "--annotator", "erin", "--model", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no model 'nope'" in err and "house" in err
    assert not (project.path / "annotations" / "erin").exists()


def test_training_without_documents_is_a_one_line_error(tmp_path: Path, capsys):
    project = make_project(tmp_path / "p", {"a": "Nothing here."})
    assert main(["--project", str(project.path), "train", "--annotator", "nobody"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no annotator 'nobody'" in err
    annotate(project, "zed", "a", [], done=False)
    assert main(["--project", str(project.path), "train", "--annotator", "zed", "--done-only"]) == 2
    assert "no documents marked done" in capsys.readouterr().err


def test_a_quote_in_fragments_is_learned_as_its_pieces_not_the_words_between():
    from reader.core.model import Relation, Span
    from reader.suggest.features import Lexicon, featurize, tags_for
    from reader.suggest.training import in_pieces

    text = "„Wir bleiben“, sagte Anna Berg, „bis zum Ende.“"
    a, b = text.index("„Wir"), text.index("“,") + 1
    c, d = text.index("„bis"), len(text)
    s0, s1 = text.index("Anna"), text.index(", „bis")
    quote = Span("q", a, d, "quote", text[a:d], fragments=((a, b), (c, d)))
    source = Span("s", s0, s1, "source", text[s0:s1])
    spans, relations = in_pieces(text, [quote, source], [Relation("r", "q", "s")])
    assert sorted((s.start, s.end, s.label) for s in spans) == [(a, b, "quote"), (s0, s1, "source"), (c, d, "quote")]
    assert sorted((r.head, r.tail) for r in relations) == [("q/1", "s"), ("q/2", "s")]
    para = featurize(text, Lexicon()).paragraphs[0]
    tags = tags_for(para, spans, "quote")
    inside = {text[x:y] for (x, y), t in zip(para.tokens, tags) if t != "O"}
    assert "Wir" in inside and "Ende" in inside
    assert not inside & {"sagte", "Anna", "Berg"}


def test_the_link_model_can_follow_the_rules_links_over_the_nearest_source():
    from reader.suggest.features import Lexicon, featurize
    from reader.suggest.linker import Extent, LinkModel

    text = "Anna Berg sagte, Peter Maier habe recht."
    anna, peter = Extent(0, 9, "source"), Extent(17, 28, "source")
    claim = Extent(17, 39, "claim")
    doc = featurize(text, Lexicon())
    model = LinkModel({"rule_link": 4.0, "order=inside": 1.0}, -2.0, threshold=0.2)
    assert [(ci, si) for ci, si, _ in model.link(doc, Lexicon(), [claim], [anna, peter])] == [(0, 1)]  # "inside" wins
    ruled = model.link(doc, Lexicon(), [claim], [anna, peter], rule_links=[(claim, anna)])
    assert [(ci, si) for ci, si, _ in ruled] == [(0, 0)]


def test_a_label_the_rules_do_better_keeps_only_the_rules_spans():
    from reader.core.model import Span
    from reader.suggest.tagger import Tagged
    from reader.suggest.trained import merge

    rules = [Span("g1", 0, 10, "claim", "x" * 10), Span("g2", 20, 25, "quote", "x" * 5)]
    found = {"claim": [Tagged(30, 40, "claim", 0.9)], "source": [Tagged(12, 15, "source", 0.8)]}
    both = merge(rules, found, {"quote", "claim"})
    assert [(m.extent.start, m.extent.label, m.origin) for m in both] == [
        (0, "claim", "rules"), (12, "source", "model"), (20, "quote", "rules"), (30, "claim", "model")]
    alone = merge(rules, found, {"quote", "claim"}, rules_only=frozenset({"claim"}))
    assert [(m.extent.start, m.extent.label, m.origin) for m in alone] == [
        (0, "claim", "rules"), (12, "source", "model"), (20, "quote", "rules")]


def test_a_model_of_the_first_version_still_says_whether_unlinked_sources_stay(trained, tmp_path):
    import shutil

    from reader.suggest.trained import TrainedModel, model_dir

    project, _ = trained
    copy = tmp_path / "old"
    shutil.copytree(model_dir(project.path, "house"), copy)
    data = json.loads((copy / "model.json").read_text("utf-8"))
    assert 0.0 <= TrainedModel.open(copy).unlinked_source_confidence <= 1.01
    del data["unlinked_source_confidence"]
    for old, floor in ((True, 1.01), (False, 0.0)):
        data["drop_unlinked_sources"] = old
        (copy / "model.json").write_text(json.dumps(data), "utf-8")
        assert TrainedModel.open(copy).unlinked_source_confidence == floor


def test_the_model_is_less_sure_of_a_house_style_it_never_saw(trained):
    from reader.core.model import Document
    from reader.suggest.trained import TrainedModel

    project, _ = trained
    model = TrainedModel.load(project.path, "house")
    seen = project.corpus.get("train-00")
    odd = Document("odd", "Traffic on the coast road was light. Tamsin Vale zorbled the bridge would stay closed, "
                          "and that the harbour fees had doubled, zorbled Oriel Marsh.")
    sure, unsure = model.predict(seen).uncertainty, model.predict(odd).uncertainty
    assert 0.0 <= sure < unsure <= 1.0
    assert unsure > 0.05  # a measure that tells documents apart, not one that reads 0.00 for all


def test_training_a_tagger_counts_its_iterations_and_prints_nothing(tmp_path, capfd):
    from reader.suggest.tagger import train_tagger

    seen = []
    features = [[["w=anna", "cap"], ["w=said"], ["w=yes"]], [["w=bob", "cap"], ["w=said"], ["w=no"]]]
    tags = [["B", "O", "O"], ["B", "O", "O"]]
    train_tagger(features, tags, tmp_path / "t.crfsuite", {"max_iterations": 7}, on_iteration=lambda: seen.append(1))
    assert 1 <= len(seen) <= 7 and (tmp_path / "t.crfsuite").is_file()
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # CRFsuite's log would otherwise break the progress bar


def test_a_rule_quote_in_pieces_stays_in_pieces_in_the_models_suggestions(trained):
    from reader.core.model import Document
    from reader.suggest.trained import TrainedModel

    project, _ = trained
    text = 'Shops in the old town opened early. "We won," Tamsin Vale said, "and now we rest."'
    found = TrainedModel.load(project.path, "house").predict(Document("q", text)).suggestions
    (quote,) = [s for s in found.spans if s.label == "quote"]
    assert [text[a:b] for a, b in quote.fragments] == ["We won,", "and now we rest."]
    assert "said" not in "".join(text[a:b] for a, b in quote.extents)


def test_the_rules_speaker_of_a_kept_rule_claim_stays_when_the_model_missed_it():
    from reader.core.model import Relation, Span
    from reader.suggest.linker import Extent
    from reader.suggest.tagger import Tagged
    from reader.suggest.trained import _rules_first, merge

    rules = [Span("g1", 0, 9, "source", "x" * 9), Span("g2", 17, 39, "claim", "x" * 22), Span("g3", 50, 55, "source", "x" * 5)]
    relations = [Relation("gr1", "g2", "g1")]
    merged = merge(rules, {"source": [Tagged(60, 65, "source", 0.9)]}, {"quote", "claim"}, rule_relations=relations)
    assert [(m.extent.start, m.extent.label, m.origin) for m in merged] == [
        (0, "source", "rules"), (17, "claim", "rules"), (60, "source", "model")]  # g3, linked to nothing, is not kept
    contents, sources = [Extent(17, 39, "claim")], [Extent(0, 9, "source"), Extent(60, 65, "source")]
    ruled = [(Extent(17, 39, "claim"), Extent(0, 9, "source"))]
    assert _rules_first([(0, 1, 0.7)], contents, sources, ruled) == [(0, 0, 1.0)]
    assert _rules_first([(0, 0, 0.7)], contents, sources[1:], ruled) == [(0, 0, 0.7)]  # its source is not there


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25)), max_size=30), st.integers(0, 80), st.integers(1, 30))
def test_the_merges_overlap_index_answers_as_a_scan_of_every_kept_span_would(kept, start, length):
    from reader.suggest.trained import _Taken

    taken = _Taken()
    for a, n in kept:
        taken.add(a, a + n)
    end = start + length
    assert taken.overlaps(start, end) == any(a < end and start < a + n for a, n in kept)
