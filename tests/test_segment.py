"""The headless segmenter: clusters, words, sentences, paragraphs, and growing a selection."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.text import Segmenter, split_sentences, tokenize, widen_to_tokens

EMOJI = "👍🏽"  # thumbs up + skin tone: two code points, one cluster
E_ACUTE = "e\u0301"  # e + combining acute: two code points, one cluster


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, 0, len(text))]


def boundaries(text: str) -> set[int]:
    return {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}


def test_cursor_steps_over_whole_clusters() -> None:
    text = f"a{EMOJI}{E_ACUTE}中\tb"
    seg = Segmenter(text)
    stops = [0]
    while stops[-1] < len(text):
        stops.append(seg.next_cluster(stops[-1]))
    assert stops == [0, 1, 1 + len(EMOJI), 3 + len(EMOJI), 4 + len(EMOJI), 5 + len(EMOJI), len(text)]
    back = [len(text)]
    while back[-1] > 0:
        back.append(seg.prev_cluster(back[-1]))
    assert back == stops[::-1]


def test_newline_is_one_step() -> None:
    seg = Segmenter("ab\ncd")
    assert seg.next_cluster(2) == 3
    assert seg.prev_cluster(3) == 2


def test_floor_and_ceil_snap_inside_a_cluster() -> None:
    seg = Segmenter(f"x{EMOJI}y")
    assert seg.floor(2) == 1
    assert seg.ceil(2) == 3


def test_words() -> None:
    text = "Hello, world -- it's 10:30."
    seg = Segmenter(text)
    assert seg.next_word(0) == text.index(",")
    assert seg.next_word(text.index(",")) == text.index("world")
    assert seg.prev_word(text.index("world")) == text.index(",")
    assert seg.prev_word(text.index("world") + 2) == text.index("world")
    assert seg.next_word(len(text) - 1) == len(text)
    assert seg.prev_word(0) == 0


def test_sentences_with_abbreviations_and_quotes() -> None:
    text = (
        'Mr. Smith went to the U.S. on Monday. He said: "It is fine." Then he left… and came back. '
        "“Really?” she asked. Dr. J. K. Rowling wrote it. No. 5 was next."
    )
    assert sentences(text) == [
        "Mr. Smith went to the U.S. on Monday.",
        'He said: "It is fine."',
        "Then he left… and came back.",
        "“Really?” she asked.",
        "Dr. J. K. Rowling wrote it.",
        "No. 5 was next.",
    ]


def test_a_number_before_a_full_stop_still_ends_the_sentence() -> None:
    assert sentences("Inflation rose to 2.5. Then it fell to 1.9 in May.") == [
        "Inflation rose to 2.5.",
        "Then it fell to 1.9 in May.",
    ]


def test_other_languages_quotation_marks_close_and_open_sentences() -> None:
    assert sentences("He said 「We will win.」 Then he left.") == ["He said 「We will win.」", "Then he left."]
    assert sentences("Er ging. „Wir gewinnen“, sagte er.") == ["Er ging.", "„Wir gewinnen“, sagte er."]


def test_a_callers_abbreviations_keep_a_sentence_whole() -> None:
    text = "Abp. Tutu spoke. Then he left."
    assert [text[s:e] for s, e in Segmenter(text).sentences()] == ["Abp.", "Tutu spoke.", "Then he left."]
    more = Segmenter(text, abbreviations=frozenset({"abp"}))
    assert [text[s:e] for s, e in more.sentences()] == ["Abp. Tutu spoke.", "Then he left."]


def test_quote_ending_with_curly_quote() -> None:
    assert sentences("She said “we will win.” The crowd cheered.") == [
        "She said “we will win.”",
        "The crowd cheered.",
    ]


def test_headline_is_one_sentence() -> None:
    text = "Protesters were tortured, says HRW\n\nDozens were beaten. Police denied it."
    seg = Segmenter(text)
    assert seg.sentence_at(3) == (0, text.index("\n"))
    assert [text[s:e] for s, e in seg.sentences_of_block(1)] == [
        "Dozens were beaten.",
        "Police denied it.",
    ]


def test_byline_lines_in_a_block_stand_alone() -> None:
    text = "A long caption line that goes on and on about the photo, File\nBy Euronews\nShare this"
    assert sentences(text) == [
        "A long caption line that goes on and on about the photo, File\nBy Euronews",
        "Share this",
    ]


def test_every_sentence_of_the_text_in_order() -> None:
    text = "Protesters were tortured, says HRW\n\nDozens were beaten. Police denied it.\n\nEnd."
    seg = Segmenter(text)
    assert [text[s:e] for s, e in seg.sentences()] == [
        "Protesters were tortured, says HRW", "Dozens were beaten.", "Police denied it.", "End.",
    ]


def test_sentence_at_never_has_edge_whitespace() -> None:
    text = "  One here.   Two there.  \n\n  Three.  "
    seg = Segmenter(text)
    for offset in range(len(text) + 1):
        start, end = seg.sentence_at(offset)
        assert text[start:end] in ("One here.", "Two there.", "Three.")
    assert text[slice(*seg.sentence_at(text.index("Two")))] == "Two there."
    assert text[slice(*seg.sentence_at(text.index("One") + 9))] == "One here."  # right after the dot


def test_sentence_and_paragraph_moves() -> None:
    text = "One. Two.\n\nThree. Four.\n\n\nFive."
    seg = Segmenter(text)
    assert seg.next_sentence(0) == text.index("Two")
    assert seg.next_sentence(text.index("Two")) == text.index("Three")
    assert seg.prev_sentence(text.index("Three")) == text.index("Two")
    assert seg.prev_sentence(0) == 0
    assert seg.next_sentence(text.index("Five")) == len(text)
    assert seg.next_paragraph(0) == text.index("Three")
    assert seg.next_paragraph(text.index("Four")) == text.index("Five")
    assert seg.prev_paragraph(text.index("Five")) == text.index("Three")
    assert seg.prev_paragraph(text.index("Three")) == 0
    assert seg.paragraph_at(text.index("Four")) == (text.index("Three"), text.index("Four.") + 5)


def test_expand_quote_then_sentence_then_paragraph() -> None:
    text = 'Intro. HRW said "police beat detainees" on Monday. More.\n\nNext.'
    seg = Segmenter(text)
    at = text.index("beat")
    steps = []
    span = (at, at)
    while (grown := seg.expand(*span)) is not None:
        steps.append(text[slice(*grown)])
        span = grown
    assert steps == [
        "police beat detainees",
        '"police beat detainees"',
        'HRW said "police beat detainees" on Monday.',
        'Intro. HRW said "police beat detainees" on Monday. More.',
        text,
    ]


def test_book_sized_text_is_lazy() -> None:
    text = ("A sentence here. " * 20 + "\n\n") * 20000  # about 7 MB
    seg = Segmenter(text)
    mid = len(text) // 2
    assert seg.sentence_at(mid) is not None
    assert len(seg._sentences) == 1  # one paragraph split, not the book
    assert seg.clusters.cache_info().currsize <= 2


PIECES = list("ab .,!?\"“”\n\t中\u200d") + [EMOJI, E_ACUTE, "\u0301", "Mr. ", "U.S. ", "A"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=80))
def test_moves_land_on_cluster_boundaries(text: str, offset: int) -> None:
    seg = Segmenter(text)
    ok = boundaries(text)
    offset = seg.floor(offset)
    assert offset in ok
    for move in (seg.next_cluster, seg.prev_cluster, seg.next_word, seg.prev_word,
                 seg.next_sentence, seg.prev_sentence, seg.next_paragraph, seg.prev_paragraph):
        assert move(offset) in ok, move.__name__


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(min_value=0, max_value=80))
def test_sentences_are_trimmed_and_inside(text: str, offset: int) -> None:
    seg = Segmenter(text)
    found = seg.sentence_at(min(offset, len(text)))
    if not text.strip():
        assert found is None
        return
    start, end = found
    assert 0 <= start < end <= len(text)
    assert not text[start].isspace() and not text[end - 1].isspace()


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_next_moves_progress(text: str) -> None:
    seg = Segmenter(text)
    for move in (seg.next_cluster, seg.next_word, seg.next_sentence, seg.next_paragraph):
        pos, seen = 0, 0
        while pos < len(text):
            nxt = move(pos)
            assert nxt > pos
            pos, seen = nxt, seen + 1
            assert seen <= len(text) + 1


# --------------------------------------------------------------------------- tokens


def words(text: str, unit: str = "token") -> list[str]:
    return [text[s:e] for s, e in tokenize(text, unit=unit)]


def test_the_three_token_units() -> None:
    text = f"Kassym-Jomart's aides don't count 1,000 {EMOJI} -- activists' U.S. Caf{E_ACUTE}"
    assert words(text) == [
        "Kassym", "-", "Jomart's", "aides", "don't", "count", "1,000", EMOJI, "-", "-", "activists", "'",
        "U", ".", "S", ".", f"Caf{E_ACUTE}",
    ]
    assert words(text, "word") == [
        "Kassym-Jomart's", "aides", "don't", "count", "1,000", *EMOJI, "-", "-", "activists'", "U.S", ".",
        f"Caf{E_ACUTE}",
    ]
    assert words("Wait -- it's 10:30... Kassym-Jomart", "stop") == ["Wait", "--", "it's", "10", ":", "30", "...", "Kassym-Jomart"]


def test_a_slice_is_tokenized_in_place() -> None:
    text = "He said: don't go."
    assert tokenize(text, 9, 17) == [(9, 14), (15, 17)]


TOKEN_PIECES = ["Police", "don't", "3.5", "1,000", EMOJI, E_ACUTE, " \u0301", "中", ",", ".", "“", " ", "\n",
                "O’Brien", "a", "🇰🇿", "x\u200dy", "--", "_"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKEN_PIECES), min_size=1, max_size=30).map("".join), st.data())
def test_widening_takes_in_every_token_an_extent_touches_and_no_more(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    wide = widen_to_tokens(text, start, end)
    touched = [(s, e) for s, e in tokenize(text) if s < end and start < e]
    inside = [(s, e) for s, e in tokenize(text) if wide[0] <= s and e <= wide[1]]
    assert inside == touched
    assert wide[0] <= start and end <= wide[1]
    assert all(s >= wide[1] or e <= wide[0] or (wide[0] <= s and e <= wide[1]) for s, e in tokenize(text))
