"""Suggestions in English and German: which language a document is read in, the German cue words and
word order, the English constructions of news in the wild, and a project's suggest.yaml per language.

Every sentence here was written for the test; none comes from a measuring set.
"""

from __future__ import annotations

import json

import pytest

from reader.core.errors import UserError
from reader.core.model import Document
from reader.core.schema import default_schema
from reader.review.suggestion_scores import score_suggestions, side
from reader.suggest.cues import load_cues
from reader.suggest.rules import suggest
from tests.conftest import REPO, make_project, suggested

OWN_PRONOUNS = {"rules": {"pronoun_sources": True}}


found = suggested


def german(text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    return found(text, {"lang": "de"})


# --------------------------------------------------------------------------- which language


def test_the_language_comes_from_the_documents_meta_else_from_its_function_words():
    cues = load_cues()
    assert cues.for_document("The minister said the plan was good.", {"lang": "de"}).code == "de"
    assert cues.for_document("Der Minister sagte, der Plan sei gut.", {"language": "en"}).code == "en"
    assert cues.for_document("Der Minister sagte, der Plan sei gut und die Lage nicht ernst.").code == "de"
    assert cues.for_document("The minister said that the plan was good for the city.").code == "en"
    assert cues.for_document("12 345", {"lang": "xx"}).code == "en"  # unknown code, no words: the default


def test_a_german_article_gets_german_suggestions_without_being_told():
    _, links = found("Der Sprecher der Polizei sagte, die Lage sei unter Kontrolle.")
    assert links == {("die Lage sei unter Kontrolle", "Sprecher der Polizei")}


# --------------------------------------------------------------------------- German


@pytest.mark.parametrize(
    "sentence, claim, source",
    [
        ("Der Sprecher sagte, die Lage sei ernst.", "die Lage sei ernst", "Sprecher"),
        ("Am Montag sagte der Minister, das Gesetz komme im Mai.", "das Gesetz komme im Mai", "Minister"),
        ("Die Lage sei ernst, sagte Anna Müller am Abend.", "Die Lage sei ernst", "Anna Müller"),
        ("Die Polizei teilte am Montag mit, dass zwei Menschen verletzt wurden.", "zwei Menschen verletzt wurden", "Polizei"),
        ("Wie die Feuerwehr am Morgen mitteilte, brach das Feuer im Keller aus.", "brach das Feuer im Keller aus", "Feuerwehr"),
        ("Laut Polizei wurden zwei Menschen leicht verletzt.", "wurden zwei Menschen leicht verletzt", "Polizei"),
        ("Der Polizei zufolge wurden zwei Menschen leicht verletzt.", "wurden zwei Menschen leicht verletzt", "Polizei"),
        ("Nach Angaben der Feuerwehr brach das Feuer im Keller aus.", "brach das Feuer im Keller aus", "Angaben der Feuerwehr"),
        ("Das Feuer brach im Keller aus, so der Sprecher der Feuerwehr.", "Das Feuer brach im Keller aus", "Sprecher der Feuerwehr"),
        ("Die Partei hat sich zuversichtlich geäußert, dass sie die Wahl gewinnt.", "sie die Wahl gewinnt", "Partei"),
        ("Aber Zeitungen berichteten, der Arzt sei entlassen worden.", "der Arzt sei entlassen worden", "Zeitungen"),
        ("Das erklärte gestern ein Sprecher des Ministeriums, der Plan sei fertig.", "der Plan sei fertig", "Sprecher des Ministeriums"),
    ],
)
def test_german_reported_speech_and_its_speaker(sentence, claim, source):
    spans, links = german(sentence)
    assert (claim, source) in links
    assert ("claim", claim) in spans and ("source", source) in spans


def test_german_phrases_that_look_like_cues_but_attribute_nothing():
    for sentence in (
        "Nach dem Spiel fuhr die Mannschaft nach Hause.",  # "nach" without a noun of what was said
        "Verletzte gab es keine, und das Haus blieb stehen.",  # "gab" without "bekannt"/"an"
        "Die Details wurden am Mittwoch bekanntgegeben.",  # a passive: nobody speaks
    ):
        spans, links = german(sentence)
        assert links == set() and not any(label == "source" for label, _t in spans), sentence


def test_german_sentences_in_reported_speech_continue_the_speakers_claim():
    text = "Der Bürgermeister sagte, die Brücke werde im Mai fertig. Die Kosten seien gestiegen. Der Bau beginnt heute."
    spans, links = german(text)
    assert ("Die Kosten seien gestiegen", "Bürgermeister") in links  # "seien": still the mayor's claim
    assert not any("Der Bau beginnt" in t for _label, t in spans)  # the indicative is the writer's


def test_german_quotation_marks_and_the_speaker_after_the_quote():
    spans, links = found("„Wir haben alles versucht“, sagte er. »Es war zu spät.«", {"lang": "de"}, load_cues(extra=OWN_PRONOUNS))
    assert ("Wir haben alles versucht", "er") in links
    assert ("quote", "Es war zu spät.") in spans


def test_the_speaker_of_a_quote_after_a_colon_is_the_clauses_subject():
    _, de = german("In der ARD zeigte sich der Bundestrainer zufrieden: „Wir haben gut gespielt.“")
    assert de == {("Wir haben gut gespielt.", "Bundestrainer")}
    _, en = found('Erkki Tuomioja, president of the council: "The law is a mistake."')
    assert en == {("The law is a mistake.", "Erkki Tuomioja")}
    _, later = found('Later: "The gates stay shut."')
    assert later == set()  # "Later" is no speaker


def test_german_ordinals_do_not_end_a_sentence():
    _, links = german("Am 5. August sagte die Ministerin, das Gesetz sei gescheitert.")
    assert ("das Gesetz sei gescheitert", "Ministerin") in links


def test_german_titles_in_quotation_marks_are_not_quotes():
    spans, _ = german("Die Zeitung „Neues Deutschland“ erscheint seit 1946 in Berlin.")
    assert not any(label == "quote" for label, _t in spans)


# --------------------------------------------------------------------------- English in the wild


def test_straight_single_quotes_are_found_and_apostrophes_are_not_quotes():
    text = "Cllr Gary Dunn said: 'It's a disgrace. People can't heat their homes.' The councillors' trip cost £9,000."
    spans, links = found(text)
    assert ("It's a disgrace. People can't heat their homes.", "Cllr Gary Dunn") in links
    assert {t for label, t in spans if label == "quote"} == {"It's a disgrace. People can't heat their homes."}


def test_british_single_quotes_whose_closing_mark_is_also_the_apostrophe():
    text = "‘We’ve seen the damage floods do to people’s homes,’ she said. ‘The workers’ rights are at stake.’"
    spans, _ = found(text)
    assert {t for label, t in spans if label == "quote"} == {
        "We’ve seen the damage floods do to people’s homes,", "The workers’ rights are at stake."}


def test_scare_quotes_with_nobody_speaking_are_left_out():
    spans, _ = found("Officers spent £9,000 on a 'team-building' weekend at a spa.")
    assert not any(label == "quote" for label, _t in spans)


def test_a_pronoun_speaker_is_its_own_source_span_noted_with_the_name_or_linked_to_the_name():
    text = "Anna Berg told the BBC the clinic was short of staff. \"We had no water for a week,\" she said."
    linked_spans, linked_links = found(text, cues=load_cues(extra={"rules": {"pronoun_sources": False}}))
    assert ("We had no water for a week,", "Anna Berg") in linked_links and ("source", "she") not in linked_spans
    out = suggest(Document("t", text), load_cues(), default_schema())  # the default, as OWN_PRONOUNS says
    she = next(s for s in out.spans if s.label == "source" and s.text == "she")
    quote = next(s for s in out.spans if s.label == "quote")
    assert any(r.head == quote.id and r.tail == she.id for r in out.relations)
    assert "stands for Anna Berg" in she.note


@pytest.mark.parametrize(
    "sentence, claim, source",
    [
        ("Per a report released last week, ridership is still 30 percent below its peak.",
         "ridership is still 30 percent below its peak", "report released"),
        ("The cut will cost about $14 million a year, according to the city's finance office.",
         "The cut will cost about $14 million a year", "city's finance office"),
        ("A spokesperson for the transit authority said the first routes would open in April.",
         "the first routes would open in April", "spokesperson for the transit authority"),
        ("Oakhaven will cut bus fares by a fifth, Mayor Lena Ortiz said on Monday, as the city tries to win riders back.",
         "Oakhaven will cut bus fares by a fifth", "Mayor Lena Ortiz"),
    ],
)
def test_english_attributions_in_the_wild(sentence, claim, source):
    _, links = found(sentence)
    assert (claim, source) in links


def test_per_cent_and_per_share_are_not_attributions():
    _, links = found("Shares rose 5 per cent to $12 per share on Monday.")
    assert links == set()


def test_two_verbs_of_one_speaker_give_two_claims():
    _, links = found("Councillor Dev Patel said the plan was welcome but warned that the money would come from road repairs.")
    assert links == {("the plan was welcome", "Councillor Dev Patel"),
                     ("the money would come from road repairs", "Councillor Dev Patel")}


def test_the_english_development_articles_are_suggested_well():
    """The five development articles (benchmarks/data/suggest-en-devel), accepted as suggested,
    with the conventions their annotation follows (pronoun speakers are source spans)."""
    path = REPO / "benchmarks" / "data" / "suggest-en-devel" / "devel.jsonl"
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    cues = load_cues(extra={"rules": {"pronoun_sources": True, "numeric_claims": False}})
    scores = score_suggestions("devel-en", (
        (r["id"], side(r["spans"], r["relations"]), side(f.spans, f.relations))
        for r in records for f in [suggest(Document(r["id"], r["text"], r["meta"]), cues, default_schema())]
    ))
    fig = scores.total().figures()
    assert fig["source"]["overlap_f1"] >= 0.9
    assert fig["content"]["overlap_f1"] >= 0.9
    assert fig["links"]["f1"] >= 0.9
    assert fig["direct_quotes"]["recall"] == 1.0


# --------------------------------------------------------------------------- a project's suggest.yaml


def _project_cues(tmp_path, yaml_text: str):
    project = make_project(tmp_path / "p", {"doc": "x"})
    (project.path / "annotations" / "suggest.yaml").write_text(yaml_text, "utf-8")
    return load_cues(project.path)


def test_a_cue_at_the_top_of_a_projects_file_goes_to_every_language(tmp_path):
    cues = _project_cues(tmp_path, "reporting_verbs: [grumbled, grummelte]\n")
    _, en = found('"The river is rising," grumbled Ole Hansen.', cues=cues)
    _, de = found("Ole Hansen grummelte, der Fluss steige.", {"lang": "de"}, cues)
    assert en == {("The river is rising,", "Ole Hansen")}
    assert de == {("der Fluss steige", "Ole Hansen")}


def test_a_projects_language_section_changes_that_language_only(tmp_path):
    cues = _project_cues(tmp_path, "languages:\n  de:\n    reporting_verbs: [grummelte]\n    remove: {according_to: [laut]}\n")
    _, de = found("Ole Hansen grummelte, der Fluss steige. Laut Polizei ist der Deich sicher.", {"lang": "de"}, cues)
    assert de == {("der Fluss steige", "Ole Hansen")}  # "laut" removed for German
    assert "grummelte" not in cues.language("en").reporting and "laut" not in cues.language("de").according


def test_a_new_language_code_starts_from_empty_lists(tmp_path):
    cues = _project_cues(tmp_path, "languages:\n  nl:\n    function_words: [de, het, een, en, niet]\n    reporting_verbs: [zei]\n")
    nl = cues.for_document("De minister zei dat het plan niet goed was en een fout.")
    assert nl.code == "nl" and nl.reporting == {"zei"} and nl.according == frozenset()


def test_an_unknown_cue_in_a_language_section_names_the_file(tmp_path):
    with pytest.raises(UserError) as err:
        _project_cues(tmp_path, "languages:\n  de:\n    reporting_verb: [sagte]\n")
    assert "suggest.yaml" in str(err.value) and "unknown cue 'reporting_verb' in languages.de" in str(err.value)


def test_yes_no_and_on_in_a_cue_list_are_words(tmp_path):
    cues = _project_cues(tmp_path, "np_stop: [on, off, yes, no]\n")
    assert {"on", "off", "yes", "no"} <= cues.language("en").stop
