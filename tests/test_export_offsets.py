"""The shared pieces every format relies on: UTF-16 offsets, the tokenizer, import's offset mapping."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.files.corpus import normalise_text
from reader.formats.common import Utf16, split_at, tokenize
from reader.formats.importing import offset_mapper

ALPHABET = st.sampled_from(list("ab é\u0301\n\r\t.,\"'👍🏽🇰🇿日本-") + ["\u200d", "\U0001f469"])
texts = st.text(alphabet=ALPHABET, max_size=60)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_utf16_offsets_count_code_units_both_ways(text):
    conv = Utf16(text)
    for i in range(len(text) + 1):
        units = len(text[:i].encode("utf-16-le")) // 2
        assert conv.to_units(i) == units
        assert conv.to_codepoints(units) == i


def test_utf16_example_from_the_notes():
    text = 'Intro.\r\nHRW said "police beat detainees 👍🏽".'
    start = text.index("police")
    end = start + len("police beat detainees 👍🏽")
    assert (start, end) == (18, 42)
    conv = Utf16(text)
    assert (conv.to_units(start), conv.to_units(end)) == (18, 44)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_tokens_are_never_whitespace_and_never_split_a_grapheme(text):
    tokens = tokenize(text)
    clusters = {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}
    covered = set()
    for start, end in tokens:
        on_space = start > 0 and text[start - 1].isspace()  # marks on a space: the space is not in the token
        assert start < end and (start in clusters or on_space) and end in clusters
        assert not text[start:end].isspace() and not any(c.isspace() for c in text[start:end])
        covered.update(range(start, end))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_the_fast_tokenizer_agrees_when_nothing_extends_a_cluster(text):
    from reader.formats.common import _FAST_RE, _HAS_EXT, TOKEN_RE

    if not _HAS_EXT.search(text):
        assert [m.span() for m in _FAST_RE.finditer(text)] == [m.span() for m in TOKEN_RE.finditer(text)]


def test_emoji_with_skin_tone_and_combining_mark_are_one_token():
    text = "Cafe\u0301 👍🏽 ok"
    assert [text[s:e] for s, e in tokenize(text)] == ["Cafe\u0301", "👍🏽", "ok"]
    assert split_at([(0, 5)], [3]) == [(0, 3), (3, 5)]


@settings(max_examples=200, deadline=None)
@given(texts)
def test_import_offsets_follow_the_newline_normalisation(raw):
    text, _ = normalise_text(raw)
    to_norm = offset_mapper(raw, "codepoints")
    # every raw offset that is not inside a CRLF maps onto the same character
    for i in range(len(raw)):
        if raw[i] == "\n" and i and raw[i - 1] == "\r":
            continue
        assert text[to_norm(i)] == normalise_text(raw[i])[0]  # the same character, normalised alone
