"""German constructions of reported speech the rules learnt from real news: speakers before an
auxiliary, behind a focus particle, in an apposition, a parenthesis or quotation marks; what a
"wonach" clause reports and whose; and the look-alikes that name no speaker (a passive participle,
an infinitive).

Every sentence here was written for the test; none comes from a measuring set.
"""

from __future__ import annotations

import pytest

from reader.suggest.cues import load_cues
from tests.conftest import suggested


def german(text: str, **rules: bool) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(label, text) of each suggestion and (head text, source text) of each link."""
    return suggested(text, {"lang": "de"}, load_cues(extra={"rules": rules}) if rules else None)


@pytest.mark.parametrize(("sentence", "claim", "source"), [
    # the subject before the auxiliary, past an apposition, a parenthesis or a quoted name
    ("Die Sprecherin des Verbandes, Anna Berg, hat am Dienstag gefordert, dass die Gebühren sinken.",
     "die Gebühren sinken", "Anna Berg"),
    ("Am Rande des Treffens hat der Landrat Peter Maier (SPD) am Montag bekanntgegeben, dass die Brücke gesperrt bleibt.",
     "die Brücke gesperrt bleibt", "Landrat Peter Maier"),
    ("Selbst die Wochenzeitung „Der Bote“ hatte im Mai kritisiert, dass die Stadt zu spät handle.",
     "die Stadt zu spät handle", "Wochenzeitung „Der Bote“"),
    # the subject after the auxiliary, right before the participle
    ("Im Rahmen der Verhandlungen hat die EU zugesagt, die Zölle bis zum Sommer zu senken.",
     "die Zölle bis zum Sommer zu senken", "EU"),
    # a focus particle before the subject
    ("Auch der frühere Trainer Karl Huber kritisierte, die Mannschaft habe zu wenig gekämpft.",
     "die Mannschaft habe zu wenig gekämpft", "frühere Trainer Karl Huber"),
    # verbs and separable verbs of reporting
    ("Der Verband schlägt vor, die Abgabe nur für Lastwagen zu erheben.", "die Abgabe nur für Lastwagen zu erheben", "Verband"),
    ("Die Forscher fanden heraus, dass die Bienen den Weg am Geruch erkennen.",
     "die Bienen den Weg am Geruch erkennen", "Forscher"),
    ("Die Kläger bemängeln, dass das Amt die Frist nicht eingehalten habe.",
     "das Amt die Frist nicht eingehalten habe", "Kläger"),
])
def test_german_speakers_a_reader_would_name(sentence, claim, source):
    spans, links = german(sentence)
    assert ("claim", claim) in spans
    assert (claim, source) in links


def test_a_report_that_a_wonach_clause_follows_is_its_source():
    spans, links = german("Die Polizei wies einen Bericht der Zeitung „Abendpost“, wonach der Täter gefasst sei, als falsch zurück.")
    assert ("source", "Abendpost") in spans
    assert ("der Täter gefasst sei", "Abendpost") in links
    assert ("source", "wonach") not in spans


def test_the_reports_named_after_nach_are_the_source_not_the_words_after_them():
    spans, links = german("Bei der Razzia wurden nach Medienberichten weitere Verdächtige festgenommen.")
    assert ("source", "Medienberichten") in spans
    assert all(source == "Medienberichten" for _head, source in links)


@pytest.mark.parametrize("sentence", [
    # a relative clause in the passive: the one it is about is no speaker
    "Das Gericht hörte einen Soldaten an, der wegen Befehlsverweigerung verurteilt worden war.",
    # an infinitive after "zu" reports nothing
    "Das Kabinett hätte jeden einzelnen Artikel des Dekrets zu bestätigen.",
])
def test_look_alike_cues_that_name_no_speaker(sentence):
    spans, _links = german(sentence)
    assert not any(label == "source" for label, _text in spans)


def test_a_statement_before_a_quote_ends_at_the_colon():
    spans, links = german("Er glaubt weiterhin, dass die Mannschaft gestärkt aus der Saison hervorgehe: „Wir haben viel gelernt.“")
    assert ("claim", "die Mannschaft gestärkt aus der Saison hervorgehe") in spans
    assert ("quote", "Wir haben viel gelernt.") in spans
    assert ("Wir haben viel gelernt.", "Er") in links


def test_reported_speech_after_a_sentence_whose_subject_names_a_speaker_is_that_speakers():
    text = ("Der Bürgermeister gab sich am Abend zuversichtlich. Die Stadt sei für den Winter gut vorbereitet.\n\n"
            "Der Fluss trat am Morgen über die Ufer. Die Schäden seien noch nicht abzusehen.")
    spans, links = german(text, pronoun_sources=True)
    assert ("Die Stadt sei für den Winter gut vorbereitet", "Bürgermeister") in links
    # a river is no speaker: the claim stands without a source
    assert ("claim", "Die Schäden seien noch nicht abzusehen") in spans
    assert not any(head == "Die Schäden seien noch nicht abzusehen" for head, _source in links)


def test_reported_speech_whose_sentence_opens_with_its_own_speaker_is_that_speakers():
    text = ("Der Bürgermeister sagte, die Stadt sei gut vorbereitet. "
            "Die Gewerkschaft hegt den Verdacht, die Dienstpläne seien zu knapp. "
            "Die Feuerwehr habe genug Fahrzeuge.")
    _spans, links = german(text)
    heads = {head: source for head, source in links}
    assert any(source == "Die Gewerkschaft" and "Dienstpläne seien zu knapp" in head for head, source in links)
    assert not any("Dienstpläne" in head and source == "Bürgermeister" for head, source in links)
    # the subject of the reported verb itself is what was said, not who said it
    assert heads.get("Die Feuerwehr habe genug Fahrzeuge") == "Die Gewerkschaft"
    # a relative clause in reported speech does not make the subject before it a speaker
    _spans, links = german("Der Minister sagte, der Plan sei fertig. Die Firma hat eine Anlage gebaut, die bald Strom liefern solle.")
    assert not any(source == "Die Firma" for _head, source in links)


@pytest.mark.parametrize(("sentence", "claim", "source"), [
    # "nach" with a noun of what was said or written: an opinion, an analysis, a law
    ("Nach einer Stellungnahme der Armee befand sich der Hubschrauber auf einem Übungsflug.",
     "befand sich der Hubschrauber auf einem Übungsflug", "einer Stellungnahme der Armee"),
    ("Nach dem Grundgesetz bestimmt der Kanzler die Richtlinien der Politik.",
     "bestimmt der Kanzler die Richtlinien der Politik", "dem Grundgesetz"),
    # a separable verb whose particle comes first, in a clause opened by "wie"
    ("Wie das Landratsamt bekannt gab, bleibt die Straße bis Freitag gesperrt.",
     "bleibt die Straße bis Freitag gesperrt", "Landratsamt"),
    # a name in quotation marks written in lower case
    ("Wie „netzpolitik heute“ berichtet, hat der Anbieter die Daten gelöscht.",
     "hat der Anbieter die Daten gelöscht", "„netzpolitik heute“"),
    # "..., so schätzen die Forscher, ...": the tag with a plural verb
    ("Das Eis wird bis 2050 verschwunden sein, so schätzen die Forscher.",
     "Das Eis wird bis 2050 verschwunden sein", "Forscher"),
])
def test_german_attributions_by_a_noun_a_particle_or_a_tag(sentence, claim, source):
    spans, links = german(sentence)
    assert ("claim", claim) in spans
    assert (claim, source) in links


def test_a_speaker_after_the_verb_with_a_phrase_before_its_noun_is_named_whole():
    _spans, links = german("Am Montag sagte der für die Deiche zuständige Ingenieur, das Wasser steige weiter.")
    assert ("das Wasser steige weiter", "für die Deiche zuständige Ingenieur") in links
    _spans, links = german("Gestern berichtete die in Hamburg erscheinende Zeitung, der Hafen werde erweitert.")
    assert ("der Hafen werde erweitert", "in Hamburg erscheinende Zeitung") in links


def test_a_word_after_the_tagged_speaker_does_not_hide_it():
    _spans, links = german("„Wir geben nicht auf“, so Berger wörtlich.")
    assert ("Wir geben nicht auf", "Berger") in links


@pytest.mark.parametrize(("text", "claim", "source"), [
    # the speaker is the object of "aus" or "in": before the verb, or after it
    ("Wie aus einem Bericht der Vereinten Nationen hervorgeht, hungern in der Region zwei Millionen Menschen.",
     "hungern in der Region zwei Millionen Menschen", "Bericht der Vereinten Nationen"),
    ("Der Umsatz ist um ein Drittel gesunken. Dies geht aus einer Mitteilung des Konzerns hervor, die am Montag erschien.",
     "Der Umsatz ist um ein Drittel gesunken", "Mitteilung des Konzerns"),
    ("Die Lieferungen würden bis Juni ausgesetzt, heißt es in der Erklärung der Regierung.",
     "Die Lieferungen würden bis Juni ausgesetzt", "Erklärung der Regierung"),
    # a verb that names words, with its speaker after it
    ("Als Grund nannte die Behörde den Mangel an Personal.", "Als Grund nannte die Behörde den Mangel an Personal", "Behörde"),
])
def test_german_speakers_named_by_a_preposition_or_after_a_naming_verb(text, claim, source):
    spans, links = german(text)
    assert ("claim", claim) in spans
    assert (claim, source) in links


def test_coming_out_of_an_election_is_no_attribution():
    spans, _links = german("Als Sieger aus der Wahl ging die Partei der Bauern hervor.")
    assert not any(label == "source" for label, _text in spans)


def test_a_speaker_in_an_apposition_with_a_party_is_not_the_object_after_the_verb():
    spans, links = german("Der frühere Bürgermeister, Henning Berg (SPD), warnte die CDU vor einem „schmutzigen Wahlkampf“.")
    assert ("schmutzigen Wahlkampf", "Henning Berg (SPD)") in links
    assert ("source", "CDU") not in spans


def test_a_newspaper_named_after_a_preposition_is_where_the_speaker_writes():
    spans, links = german("In der „Rundschau am Sonntag“ schreibt Müller, dass die Stadt sparen müsse.")
    assert ("die Stadt sparen müsse", "Müller") in links
    assert ("quote", "Rundschau am Sonntag") not in spans  # a title, not a quotation


@pytest.mark.parametrize("sentence", [
    "Er stellte Anzeige gegen den Musiker, der mit bürgerlichem Namen Rodney Price heißt.",
    "Derzeit steht in dem Entwurf noch der alte Passus.",
])
def test_german_look_alikes_of_a_speaker(sentence):
    spans, _links = german(sentence)
    assert not any(label == "source" for label, _text in spans)


def test_verbs_that_tell_or_speculate_report_speech():
    _spans, links = german("Ein Augenzeuge erzählte der Zeitung, die Soldaten hätten in die Menge geschossen.")
    assert ("die Soldaten hätten in die Menge geschossen", "Augenzeuge") in links


def test_holding_something_likely_is_an_opinion_of_its_subject():
    _spans, links = german("Analysten halten einen Preis von 60 Dollar für wahrscheinlich.")
    assert ("Analysten halten einen Preis von 60 Dollar für wahrscheinlich", "Analysten") in links
    _spans, links = german("Beobachter halten es jedoch für unwahrscheinlich, dass das Gericht die Wahl aufhebt.")
    assert ("das Gericht die Wahl aufhebt", "Beobachter") in links


def test_the_agent_of_a_passive_that_opens_the_sentence_speaks():
    _spans, links = german("Von der Opposition wurde die Art des Besuchs als unangemessen kritisiert.")
    assert any(source == "Opposition" for _head, source in links)
    _spans, links = german("Das System wurde vom österreichischen Verfassungsgerichtshof für rechtswidrig erklärt.")
    assert any(source.endswith("Verfassungsgerichtshof") for _head, source in links)


@pytest.mark.parametrize(("sentence", "quote", "source"), [
    # a quoting verb: its object speaks, whether its subject comes before it or after it
    ("Ein Sender zitierte Papandreou mit den Worten: „Ich klebe nicht an meinem Stuhl.“",
     "Ich klebe nicht an meinem Stuhl.", "Papandreou"),
    ("„Wir brauchen mehr Geld“, zitiert die „Abendzeitung“ den Minister.", "Wir brauchen mehr Geld", "Minister"),
    # the passive of quoting: its subject speaks, past the auxiliary
    ("„Wir sind bereit“, wird der Trainer zitiert.", "Wir sind bereit", "Trainer"),
])
def test_whom_a_quoting_verb_quotes_is_the_speaker(sentence, quote, source):
    _spans, links = german(sentence)
    assert (quote, source) in links


def test_an_object_with_a_possessive_before_the_verb_is_not_the_speaker():
    spans, links = german("Ihren Widersacher Peter Lang forderte Müller auf, über einen Rücktritt nachzudenken.")
    assert ("über einen Rücktritt nachzudenken", "Müller") in links
    assert ("source", "Widersacher Peter Lang") not in spans


def test_a_speaker_with_two_adjectives_is_the_subject_not_the_object():
    spans, links = german("Vertreter der kritischen thailändischen Presse bezeichneten das Auftreten der Polizei als „zurückhaltend“.")
    assert ("zurückhaltend", "Vertreter der kritischen thailändischen Presse") in links
    assert ("source", "Auftreten der Polizei") not in spans


def test_verbs_that_compare_or_ask_report_speech():
    _spans, links = german("Die Bürgermeisterin bat die Anwohner, die Keller zu räumen.")
    assert any(source == "Bürgermeisterin" for _head, source in links)
    _spans, links = german("Zudem regte ein Sprecher der Union eine Konferenz der Nachbarstaaten an.")
    assert any(source == "Sprecher der Union" for _head, source in links)


def test_a_pronoun_after_the_verb_of_a_subject_who_speaks_is_its_object():
    # "sie" may be whom the speaker names; the subject before the verb says it
    _spans, links = german("Der Sprecher der Kammer nannte sie „völlig überzogen“.")
    assert ("völlig überzogen", "Sprecher der Kammer") in links
    # after a fronted object that is nobody who speaks, the pronoun is the speaker
    _spans, links = german("Dem Nachbarn schlug sie „eine neue Prüfung“ vor.")
    assert ("eine neue Prüfung", "sie") in links


def test_whom_a_reporter_cites_is_not_the_source_of_its_report():
    _spans, links = german("Die Zeitung „Bote“ berichtet unter Berufung auf einen Wärter, dass die Gefangenen geflohen sind.")
    assert any(head.endswith("die Gefangenen geflohen sind") and "Bote" in source for head, source in links)
    assert not any("Wärter" in source for _head, source in links)
    _spans, links = german("Laut NDRInfo unter Berufung auf Scotland Yard wurde der Mann bei einer Durchsuchung festgenommen.")
    assert {source for _head, source in links} == {"NDRInfo"}
    # with nobody else in the sentence, whom it cites is the source
    _spans, links = german("Unter Berufung auf Diplomaten hieß es, die Gespräche seien gescheitert.")
    assert ("die Gespräche seien gescheitert", "Diplomaten") in links
