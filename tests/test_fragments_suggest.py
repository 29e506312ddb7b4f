"""A quotation split by its attribution is found as one quotation in two fragments (suggest/quotes)."""

from __future__ import annotations

import pytest

from reader.core.annotations import DocAnnotations
from reader.core.model import Document, Span
from reader.core.schema import default_schema
from reader.suggest.cues import load_cues
from reader.suggest.layout import Layout
from reader.suggest.pending import accept
from reader.suggest.quotes import split_fragments
from reader.suggest.rules import suggest_into

CUES = load_cues()


def found(text: str, lang: str = "en") -> list[list[str]]:
    quotes = Layout(text, CUES.for_document(text, {"lang": lang})).quotes
    return [[text[s:e] for s, e in frags] for frags in split_fragments(quotes).values()]


@pytest.mark.parametrize(("text", "lang", "want"), [
    ('"We are not a political party," the spokesperson said, "but rather a social approach."', "en",
     [["We are not a political party,", "but rather a social approach."]]),
    ('"This is," said Anna Berg of HRW, "a cover-up."', "en", [["This is,", "a cover-up."]]),
    ("„Wir sind keine Partei“, sagte der Sprecher, „sondern ein sozialer Ansatz.“", "de",
     [["Wir sind keine Partei", "sondern ein sozialer Ansatz."]]),
])
def test_a_quotation_split_by_its_attribution_is_one_in_two_fragments(text, lang, want):
    assert found(text, lang) == want


@pytest.mark.parametrize("text", [
    '"We won." he said. "Now we rest."',  # two sentences, two quotations
    '"We won," he said. "Now we rest."',  # the attribution ends the sentence
    '"We won," the spokesperson of the regional council of the eastern provinces said, "and rest."',  # too long
    '"We won," he said,\n\n"and now we rest."',  # another paragraph
    '"We won," and then, "we rest."',  # no reporting cue between them
])
def test_two_quotations_that_only_look_split_stay_two(text):
    assert found(text) == []


def test_the_fragments_found_make_a_valid_span_in_pieces():
    text = 'Police said "we act," the chief told reporters, "within the law" on Monday.'
    quotes = Layout(text, CUES.for_document(text, {"lang": "en"})).quotes
    (frags,) = split_fragments(quotes).values()
    ann = DocAnnotations(Document("d", text), default_schema())
    quote = ann.add_span(0, 0, "quote", fragments=frags)
    assert quote.joined_text == "we act, … within the law"


def test_an_accepted_suggestion_in_pieces_stays_in_pieces():
    text = '"We won," he said, "and now we rest."'
    ann = DocAnnotations(Document("d", text), default_schema())
    frags = ((1, 8), (20, 36))
    ann.suggested_spans.append(Span("g1", 1, 36, "quote", text[1:36], fragments=frags))
    real = accept(ann, "g1")
    assert real.fragments == frags
    assert ann.spans[real.id].joined_text == "We won, … and now we rest."


def test_reader_suggest_offers_a_split_quote_as_one_ghost_in_fragments_and_accepts_it_so():
    text = 'The judge was clear. "We will appeal," Sarah Connor said, "and we will win."'
    ann = DocAnnotations(Document("d", text, {"lang": "en"}), default_schema())
    suggest_into(ann, CUES)
    (ghost,) = [g for g in ann.suggested_spans if g.label == "quote"]
    assert ghost.joined_text == "We will appeal, … and we will win."
    quote = accept(ann, ghost.id, with_sources=True)
    assert quote.fragment_texts == ("We will appeal,", "and we will win.")
    assert [ann.spans[r.tail].text for r in ann.relations_of(quote.id)] == ["Sarah Connor"]


def test_a_models_quote_in_pieces_stays_in_pieces_when_put_among_the_suggestions():
    from reader.suggest.rules import Suggestions, put_suggestions

    text = '"We will appeal," Sarah Connor said, "and we will win."'
    first, second = "We will appeal,", "and we will win."
    pieces = ((text.index(first), text.index(first) + len(first)), (text.index(second), text.index(second) + len(second)))
    ann = DocAnnotations(Document("d", text), default_schema())
    quote = Span("g1", pieces[0][0], pieces[1][1], "quote", text[pieces[0][0]:pieces[1][1]], fragments=pieces)
    put_suggestions(ann, Suggestions([quote], []))
    assert [g.fragments for g in ann.suggested_spans] == [pieces]
