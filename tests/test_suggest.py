"""Suggestions: each rule on sentences made for the test, a team's suggest.yaml, and the seed's reference."""

from __future__ import annotations

import json

import pytest

from reader.commands.cli import main
from reader.core.annotations import DocAnnotations
from reader.core.errors import UserError
from reader.core.model import Document
from reader.core.schema import default_schema
from reader.suggest.cues import Cues, load_cues
from reader.suggest.rules import suggest, suggest_into
from tests import reference_seed
from tests.conftest import SEED_ID, make_project, suggested


def found(text: str, cues: Cues | None = None) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """What a reviewer sees: (label, text) of each suggestion, and (head text, source text) of each link."""
    spans, links = suggested(text, cues=cues)
    assert all(t == t.strip() for _label, t in spans)
    return spans, links


def quotes(spans: set[tuple[str, str]]) -> set[str]:
    return {t for label, t in spans if label == "quote"}


# --------------------------------------------------------------------------- quotation marks


def test_straight_quote_with_its_speaker_after_it():
    spans, links = found('"The harbour will stay closed until Friday," Maria Lopez said.')
    assert quotes(spans) == {"The harbour will stay closed until Friday,"}
    assert links == {("The harbour will stay closed until Friday,", "Maria Lopez")}


@pytest.mark.parametrize(
    "opening, closing",
    [("“", "”"), ("«", "»"), ("„", "“"), ("「", "」")],
)
def test_other_quotation_marks(opening, closing):
    text = f"{opening}We expect the vote to pass easily,{closing} said Tom Harris, a spokesman."
    spans, links = found(text)
    assert quotes(spans) == {"We expect the vote to pass easily,"}
    assert links == {("We expect the vote to pass easily,", "Tom Harris")}


def test_quote_inside_the_marks_without_edge_whitespace():
    spans, _ = found('The coach said: " We played badly. "')
    assert quotes(spans) == {"We played badly."}


def test_quote_split_by_its_attribution_is_one_quote_in_two_fragments_with_one_source():
    text = 'The judge was clear. "We will appeal," Sarah Connor said, "and we will win."'
    out = suggest(Document("t", text), load_cues(), default_schema())
    by_id = {s.id: s for s in out.spans}
    assert [q.fragment_texts for q in out.spans if q.label == "quote"] == [("We will appeal,", "and we will win.")]
    assert [(by_id[r.head].joined_text, by_id[r.tail].text) for r in out.relations] == [
        ("We will appeal, … and we will win.", "Sarah Connor")]


def test_quote_running_over_paragraphs_english_convention():
    text = (
        'Mayor Ellen Park said the water was falling. "The flood took three bridges.\n\n'
        '"It will take a year to rebuild them," she said.\n'
    )
    spans, links = found(text)
    assert quotes(spans) == {"The flood took three bridges.", "It will take a year to rebuild them,"}
    assert links >= {
        ("The flood took three bridges.", "Mayor Ellen Park"),
        ("It will take a year to rebuild them,", "Mayor Ellen Park"),
    }


def test_quote_over_paragraphs_takes_its_speaker_from_the_last_part():
    text = '"The flood took three bridges.\n\n"It will take a year to rebuild them," said Mayor Ellen Park.\n'
    _, links = found(text)
    assert links == {
        ("The flood took three bridges.", "Mayor Ellen Park"),
        ("It will take a year to rebuild them,", "Mayor Ellen Park"),
    }


def test_unclosed_quote_at_a_paragraph_end_is_not_suggested():
    text = 'He wrote "forty pages on the matter\n\nThe committee met on Monday.'
    spans, _ = found(text)
    assert quotes(spans) == set()


# --------------------------------------------------------------------------- sources


@pytest.mark.parametrize(
    "sentence, source",
    [
        ('"Prices will rise," the central bank said in a statement.', "central bank"),
        ('"Prices will rise," said Central Bank governor Ana Silva.', "Ana Silva"),
        ('Top economist Raj Patel told Reuters: "Prices will rise."', "Raj Patel"),
        ('"Prices will rise," Raj Patel added.', "Raj Patel"),
        ('According to the finance ministry, "prices will rise."', "finance ministry"),
        ('Oxfam has stated: "Prices will rise."', "Oxfam"),
        ('Ana Silva, the governor of the Central Bank, said: "Prices will rise."', "Ana Silva"),
        ('A spokesperson for the Central Bank said: "Prices will rise."', "spokesperson for the Central Bank"),
        ('"Prices will rise," said the union\'s leader, Omar Khalid.', "Omar Khalid"),
        ('"Prices will rise," Foreign Minister Ana Silva told ARD on Sunday.', "Foreign Minister Ana Silva"),
        ('"Prices will rise," Mr. Patel said.', "Mr. Patel"),
        ('"Prices will rise," said Dr. Ana Silva.', "Dr. Ana Silva"),
    ],
)
def test_source_from_a_reporting_verb(sentence, source):
    spans, links = found(sentence)
    assert ("source", source) in spans
    assert {tail for _head, tail in links} == {source}


def test_source_in_the_neighbouring_sentence():
    text = 'Union leader Mark Webb said the strike would go on. "Nobody is going back to work."'
    _, links = found(text)
    assert ("Nobody is going back to work.", "Mark Webb") in links


LINKED_PRONOUNS = {"rules": {"pronoun_sources": False}}
"""The seed's convention: a pronoun speaker is no span of its own, its quote is linked to the name."""


def test_pronoun_source_linked_to_the_nearest_fitting_named_source():
    def found_linked(text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        return found(text, load_cues(extra=LINKED_PRONOUNS))

    text = (
        'Nurse Anna Berg worked at the clinic for ten years. The Red Cross said the clinic was closed. '
        '"We had no water for a week," she said.\n\n'
        'Local officials said repairs had started. "We are doing what we can," they said.'
    )
    spans, links = found_linked(text)
    assert ("We had no water for a week,", "Anna Berg") not in links  # Anna Berg named no speech: not a source
    text = (
        'Anna Berg, a nurse, told the BBC the clinic was short of staff. The Red Cross said the clinic '
        'was closed. "We had no water for a week," she said.\n\n'
        'Local officials said repairs had started. "We are doing what we can," they said.'
    )
    spans, links = found_linked(text)
    assert ("We had no water for a week,", "Anna Berg") in links  # "she": a person, not the Red Cross
    assert ("We are doing what we can,", "Local officials") in links  # "they": a group
    assert ("source", "she") not in spans and ("source", "they") not in spans


def test_pronoun_with_no_named_source_stays_the_source():
    _, links = found('"I saw the car leave," he said.')
    assert links == {("I saw the car leave,", "he")}


# --------------------------------------------------------------------------- claims and allegations


@pytest.mark.parametrize(
    "sentence, statement, source",
    [
        ("The mayor said that the bridge would reopen in May.", "the bridge would reopen in May", "mayor"),
        ("The minister said the budget was balanced for the first time.", "the budget was balanced for the first time", "minister"),
        ("Dam engineer Lee Chang told AFP that the dam was safe.", "the dam was safe", "Lee Chang"),
        ("According to the weather service, the storm will reach the coast tonight.", "the storm will reach the coast tonight", "weather service"),
        ("The storm will reach the coast tonight, according to the weather service.", "The storm will reach the coast tonight", "weather service"),
        ("The storm will reach the coast tonight, forecasters said.", "The storm will reach the coast tonight", "forecasters"),
        ("Turnout rose sharply this year, says the electoral commission", "Turnout rose sharply this year", "electoral commission"),
        ("Officials said at least 12 people were hurt.", "at least 12 people were hurt", "Officials"),
        ("The firm, which employs 5,000 people, said in a statement that sales had fallen.", "sales had fallen", "firm"),
    ],
)
def test_indirect_speech_is_a_claim_with_its_source(sentence, statement, source):
    spans, links = found(sentence)
    assert ("claim", statement) in spans
    assert (statement, source) in links


def test_accusation_makes_an_allegation():
    spans, links = found("The union said managers had harassed workers for months.")
    assert ("allegation", "managers had harassed workers for months") in spans
    assert ("managers had harassed workers for months", "union") in links
    spans, links = found("Rights groups have accused the government of torturing detainees.")
    assert ("the government of torturing detainees", "Rights groups") in links
    spans, links = found("Guards allegedly beat two prisoners in the yard.")
    assert spans == {("allegation", "Guards allegedly beat two prisoners in the yard")}
    assert links == set()


def test_a_verb_that_takes_an_object_reports_no_clause():
    spans, _ = found("The ministry denied the report on Friday.")
    assert spans == set()
    spans, _ = found("The ministry denied that the report was true.")
    assert ("claim", "the report was true") in spans


def test_a_quote_that_accuses_is_a_quote_not_an_allegation():
    spans, _ = found('"The guards tortured us every night," Ali Reza said.')
    assert {label for label, _t in spans} == {"quote", "source"}


def test_partial_quote_and_its_source():
    text = 'The governor called the protesters "a danger to public order" and closed the square.'
    out = suggest(Document("t", text), load_cues(), default_schema())
    quote = next(s for s in out.spans if s.label == "quote")
    assert quote.text == "a danger to public order" and quote.attrs == {"kind": "partial"}
    assert [s.text for s in out.spans if s.id in {r.tail for r in out.relations}] == ["governor"]


# --------------------------------------------------------------------------- a team's suggest.yaml


def test_team_suggest_yaml_changes_what_is_suggested(tmp_path):
    # (‘ ’ are English defaults now: the test's house marks are ❝ ❞, which no default has)
    text = '"The river is rising," grumbled Ole Hansen.\n\nLater: ❝Keep the gates shut,❞ the engineer said.\n'
    project = make_project(tmp_path / "p", {"doc": text})
    before = suggest(Document("doc", text), load_cues(project.path), project.schema)
    assert {s.text for s in before.spans} == {"The river is rising,"}  # no cue for "grumbled"; no ❝ ❞
    (project.path / "annotations" / "suggest.yaml").write_text(
        "reporting_verbs: [grumbled]\nquote_pairs: [['❝', '❞']]\n"
        "remove: {reporting_verbs: [said]}\n", "utf-8"
    )
    spans, links = found(text, load_cues(project.path))
    assert quotes(spans) == {"The river is rising,", "Keep the gates shut,"}
    assert links == {("The river is rising,", "Ole Hansen")}  # "grumbled" added; "said" removed: no "engineer"


def test_team_suggest_yaml_can_replace_a_list_and_switch_a_rule_off(tmp_path):
    project = make_project(tmp_path / "p", {"doc": "x"})
    (project.path / "annotations" / "suggest.yaml").write_text(
        "replace: [accusations]\naccusations: [bribed]\nrules: {numeric_claims: false}\n", "utf-8"
    )
    cues = load_cues(project.path)
    spans, _ = found("Officials bribed the judge in 2019. Police tortured a suspect.", cues)
    assert spans == {("allegation", "Officials bribed the judge in 2019")}


def test_team_abbreviation_keeps_a_title_in_the_source(tmp_path):
    text = "Insp. Karen Holt said 40 officers were suspended after the raid."
    project = make_project(tmp_path / "p", {"doc": text})
    spans, _ = found(text, load_cues(project.path))
    assert ("source", "Karen Holt") in spans  # "Insp." ends a sentence of its own
    (project.path / "annotations" / "suggest.yaml").write_text("abbreviations: [insp]\n", "utf-8")
    spans, links = found(text, load_cues(project.path))
    assert links == {("40 officers were suspended after the raid", "Insp. Karen Holt")}


def test_a_suggested_claim_is_the_sentence_the_cursor_selects():
    from reader.core.text import Segmenter

    text = "Mr. Smith went to Washington. The ministry counted 1,200 arrests in 2022. Nobody disputed it."
    assert not suggest(Document("t", text), load_cues(), default_schema()).spans  # by default: no one says it
    out = suggest(Document("t", text), load_cues(extra={"rules": {"numeric_claims": True}}), default_schema())
    (claim,) = [s for s in out.spans if s.label == "claim"]
    assert claim.text == "The ministry counted 1,200 arrests in 2022"
    assert Segmenter(text).sentence_at(claim.start) == (claim.start, claim.end + 1)  # with its full stop


def test_bad_suggest_yaml_names_the_file_and_line(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    path = project.path / "annotations" / "suggest.yaml"
    path.write_text("reporting_verbs: [said\n", "utf-8")
    with pytest.raises(UserError) as err:
        load_cues(project.path)
    assert str(path) in str(err.value) and ":" in str(err.value)
    path.write_text("reporting_verb: [said]\n", "utf-8")
    assert main(["--project", str(project.path), "suggest"]) == 2
    assert "unknown cue 'reporting_verb'" in capsys.readouterr().err


# --------------------------------------------------------------------------- reader suggest and review


def _tables(project, annotator: str, doc_id: str = SEED_ID) -> dict:
    return json.loads((project.path / "annotations" / annotator / f"{doc_id}.json").read_text("utf-8"))


def test_reader_suggest_writes_suggestions_and_a_summary(project, capsys):
    assert main(["--project", str(project.path), "suggest", "--annotator", "ann"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{SEED_ID}: 10 quotes, 14 sources")  # "they" is a source span of its own
    tables = _tables(project, "ann")
    assert len(tables["suggested_spans"]) >= 30 and len(tables["suggested_relations"]) >= 19
    assert tables["spans"] == {} and tables["relations"] == {}


def test_reader_suggest_never_over_existing_spans(project, capsys):
    doc = project.corpus.get(SEED_ID)
    loaded = project.store.load("ann", doc, lock=True)
    ann = loaded.annotations
    start = doc.text.index("They beat me")
    mine = ann.add_span(start, start + len("They beat me on my chest"), "quote")  # the annotator's own, shorter
    hrw = doc.text.index("HRW said")
    source = ann.add_span(hrw, hrw + 3, "source")
    project.store.save("ann", ann, lock=loaded.lock)
    loaded.lock.release()

    assert main(["--project", str(project.path), "suggest", SEED_ID, "--annotator", "ann"]) == 0
    assert "2 left out (already annotated)" in capsys.readouterr().out
    ann = project.store.load("ann", doc).annotations
    assert ann.spans.keys() == {mine.id, source.id}
    for ghost in ann.suggested_spans:
        for real in ann.spans.values():
            assert not (ghost.label == real.label and ghost.overlaps(real.start, real.end))
    # the suggested links now point at the annotator's own spans where those stand for the ghosts
    assert any(r.head == mine.id for r in ann.suggested_relations)
    police = next(g for g in ann.suggested_spans if g.text.startswith("Police ..."))
    assert any((r.head, r.tail) == (police.id, source.id) for r in ann.suggested_relations)


def test_reader_suggest_unknown_document_is_a_usage_error(project, capsys):
    assert main(["--project", str(project.path), "suggest", "no-such-doc"]) == 2
    assert "no-such-doc" in capsys.readouterr().err


def test_accepting_gives_real_undoable_spans_and_links_saved_by_the_store(project):
    from reader.suggest.pending import (
        accept,
        accept_all,
        pending_spans,
        reject,
        restore,
    )

    assert main(["--project", str(project.path), "suggest", "--annotator", "ann"]) == 0
    doc = project.corpus.get(SEED_ID)
    loaded = project.store.load("ann", doc, lock=True)
    ann = loaded.annotations
    quote = next(g for g in ann.suggested_spans if g.text == "cause for deep concern")
    pending = len(pending_spans(ann))

    real = accept(ann, quote.id, with_sources=True)
    assert (real.label, real.text, real.attrs) == ("quote", "cause for deep concern", {"kind": "partial"})
    assert [s.text for s in ann.sources_of(real.id)] == ["Hugh Williamson"]
    assert len(pending_spans(ann)) == pending - 2
    assert ann.undo() == "accept suggested quote"  # one step: quote, source and link
    assert len(ann) == 0 and len(ann.relations) == 0 and len(pending_spans(ann)) == pending
    ann.redo()
    assert len(ann) == 2 and len(ann.relations) == 1

    claim = next(g for g in ann.suggested_spans if g.text.startswith("the reports of torture"))
    accept(ann, claim.id)  # its source is real already: the link comes with it
    assert [s.text for s in ann.sources_of(ann.find_span(claim.start, claim.end, "claim").id)] == ["Hugh Williamson"]

    headline = next(g for g in ann.suggested_spans if g.text == "Kazakhstan protesters were tortured after unrest")
    gone = reject(ann, headline.id)
    assert headline not in pending_spans(ann)
    restore(ann, gone)
    assert headline in pending_spans(ann)

    accepted = accept_all(ann)
    assert accepted == pending - 3
    assert pending_spans(ann) == [] and len(ann.relations) == 19
    assert ann.problems() == []
    project.store.save("ann", ann, lock=loaded.lock)
    loaded.lock.release()

    again = project.store.load("ann", doc).annotations
    assert again.spans == ann.spans and again.relations == ann.relations
    assert pending_spans(again) == []
    assert ann.undo() == "accept all suggestions"  # one step back to the three accepted by hand
    assert len(ann) == 3


def test_suggest_into_replaces_pending_suggestions_and_skips_accepted_ones():
    doc = reference_seed.seed_document()
    ann = DocAnnotations(doc, default_schema())
    first = suggest_into(ann)
    from reader.suggest.pending import accept

    quote = next(g for g in ann.suggested_spans if g.label == "quote")
    accept(ann, quote.id)
    second = suggest_into(ann)
    assert second.skipped == 1 and second.counts["quote"] == first.counts["quote"] - 1
    assert not any(g.label == "quote" and (g.start, g.end) == (quote.start, quote.end) for g in ann.suggested_spans)


# --------------------------------------------------------------------------- the seed's reference


def test_reference_file_is_the_hand_made_annotation():
    saved = reference_seed.load()
    built = reference_seed.build()
    assert saved.spans.keys() == built.spans.keys()
    for key, span in built.spans.items():
        assert (saved.spans[key].start, saved.spans[key].end, saved.spans[key].label) == (span.start, span.end, span.label)
    assert saved.relations == built.relations and saved.problems() == []


def test_suggestions_meet_the_goals_on_the_seed_reference():
    gold = reference_seed.load()
    out = suggest(gold.document, load_cues(), default_schema())
    result = reference_seed.evaluate(gold, out.spans, out.relations)
    assert result["labels"]["quote"]["exact_r"] >= 0.9
    assert result["quotes_linked"] >= 0.8


# --------------------------------------------------------------------------- any text


from hypothesis import given, settings
from hypothesis import strategies as st

_PIECES = st.sampled_from([
    '"', "“", "”", "«", "»", "„", "「", "」", " ", "\n", "\n\n", ",", ".", "!", " said ", " he said",
    " according to ", "Anna Berg", "the police", " told AFP that ", " tortured ", " 12 ", "Mr.", "(HRW)",
    "they", " beat ", "word", "’s", ": ", "—",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=40).map("".join))
def test_any_text_gives_valid_suggestions_that_can_all_be_accepted(text):
    from reader.suggest.pending import accept_all, pending_spans

    if not text.strip():
        return
    ann = DocAnnotations(Document("t", text), default_schema())
    suggest_into(ann)
    for ghost in ann.suggested_spans:
        assert text[ghost.start : ghost.end] == ghost.text and ghost.text == ghost.text.strip()
    ghosts = len(ann.suggested_spans)
    assert accept_all(ann) == ghosts
    assert pending_spans(ann) == [] and ann.problems() == [] and len(ann) == ghosts


def test_reader_suggest_skips_a_document_another_process_is_editing(project, capsys):
    lock = project.store.lock("ann", SEED_ID)
    try:
        assert main(["--project", str(project.path), "suggest", "--annotator", "ann"]) == 1
    finally:
        lock.release()
    assert "another process is editing it; skipped" in capsys.readouterr().err
    assert not project.store.path("ann", SEED_ID).exists()


def test_an_accepted_ghost_leaves_the_list_and_undo_brings_it_back():
    from reader.suggest.pending import (
        accept,
        pending_relations,
        pending_spans,
        prune,
        suggestions_at,
    )

    ann = DocAnnotations(Document("t", '"We will win," said Ana Silva.'), default_schema())
    suggest_into(ann)
    quote = suggestions_at(ann, 3)[0]
    real = accept(ann, quote.id)  # the source is still a ghost: the link waits for it
    assert [g.text for g in ann.suggested_spans] == ["Ana Silva"]  # a view drawing the list stops drawing it
    assert [r.head for r in pending_relations(ann)] == [real.id]  # and the saved link names the real span
    ann.undo()
    assert [g.text for g in pending_spans(ann)] == ["We will win,", "Ana Silva"]
    assert [r.head for r in pending_relations(ann)] == [quote.id]
    ann.redo()
    assert [g.text for g in pending_spans(ann)] == ["Ana Silva"]
    source = accept(ann, pending_spans(ann)[0].id)
    assert ann.sources_of(real.id) == [source] and pending_relations(ann) == []
    assert prune(ann) == 3  # two accepted ghosts forgotten, one link made real
    ann.undo()
    assert pending_spans(ann) == []
