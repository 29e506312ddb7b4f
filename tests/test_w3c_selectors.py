"""The W3C export's TextQuoteSelector contexts (prefix and suffix grown until the quote is unique)
come out exactly as the plain definition gives them, on texts that repeat passages, with emoji, CRLF,
letters whose lower case is longer or depends on the context (İ, Σ), and spans at the text's edges."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.formats import w3c

AFFIX = 32


def reference_context(text: str, start: int, end: int, folded: str | None = None) -> tuple[str, str]:
    """The algorithm as it was before the index (one text search a span and doubling step), frozen here."""

    def occurs_once(haystack: str, needle: str) -> bool:
        first = haystack.find(needle)
        return first >= 0 and haystack.find(needle, first + 1) < 0

    n = AFFIX
    while True:
        prefix, suffix = text[max(0, start - n):start], text[end:end + n]
        quote = prefix + text[start:end] + suffix
        unique = occurs_once(text, quote) and (folded is None or occurs_once(folded, quote.lower()))
        if unique or (start - n <= 0 and end + n >= len(text)):
            return prefix, suffix
        n *= 2


def folded_of(text: str) -> str | None:
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


PIECES = ["lies", "Lies", "LIES", " ", " ", "\r\n", "\n", ", ", ".", "said", "the minister", "👍🏽", "🇺🇦",
          "café", "Σ", "σ", "ς", "ΟΔΟΣ", "İ", "a", "aaaa", "‘", "\u0301"]
texts = st.lists(st.sampled_from(PIECES), min_size=0, max_size=120).map("".join)


@st.composite
def text_and_spans(draw):
    text = draw(texts)
    size = len(text)
    edge = st.sampled_from([0, 1, size - 1, size]).filter(lambda i: 0 <= i <= size)
    anywhere = st.integers(0, size)
    spans = []
    for _ in range(draw(st.integers(1, 8))):
        a, b = sorted((draw(st.one_of(edge, anywhere)), draw(st.one_of(edge, anywhere))))
        spans.append((a, b))
    return text, spans


def _check(text: str, spans: list[tuple[int, int]], **index) -> None:
    for folded in (folded_of(text), None):
        contexts = w3c.Contexts(text, folded, **{"plain_below": 0, **index})
        for start, end in spans:
            assert contexts(start, end) == reference_context(text, start, end, folded), (text, start, end, index)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_and_spans(), st.sampled_from([(1, 1), (1, 3), (2, 2), (3, 1), (4, 5), (16, 16), (16, 20), (33, 2)]),
       st.sampled_from([None, 0, 3, 10_000]))
def test_contexts_are_the_reference_contexts(case, shape, budget):
    """Every index shape (small ones so that short texts use the index too) and budget (0: always
    the plain search) gives the reference's prefix and suffix."""
    text, spans = case
    step, gram = shape
    _check(text, spans, step=step, gram=gram, budget=budget)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join),
       st.integers(2, 40), st.integers(0, 3), st.data())
def test_long_repeats_grow_the_same_way(passage, times, seam, data):
    """A passage repeated many times (boilerplate) makes quotes grow over several doublings."""
    text = ("x" * seam).join([passage] * times) + data.draw(st.sampled_from(["", "END", "Σ", "👍🏽"]))
    size = len(text)
    spans = [tuple(sorted((data.draw(st.integers(0, size)), data.draw(st.integers(0, size))))) for _ in range(4)]
    _check(text, spans)
    _check(text, spans, step=2, gram=3)


def test_every_quote_with_its_context_is_unique_in_the_export():
    """What a client relies on: in a text that says the same thing twice, each quote's selector matches
    one place only, ignoring case too, and a quote that occurs once keeps its 32 characters."""
    line = "The minister said the report was lies. "
    text = line * 3 + "THE MINISTER SAID THE REPORT WAS LIES. " + "Then she left."
    record = {"id": "doc", "text": text, "annotator": "a", "relations": [],
              "spans": [{"id": f"s{k}", "start": k * len(line) + 4, "end": k * len(line) + 12, "label": "source",
                         "attrs": {}, "note": ""} for k in range(4)]
              + [{"id": "s9", "start": text.index("she"), "end": text.index("she") + 3, "label": "source",
                  "attrs": {}, "note": ""}]}
    items = w3c.annotations(record, "urn:x:")
    for item in items:
        quote = next(s for s in item["target"]["selector"] if s["type"] == "TextQuoteSelector")
        whole = quote["prefix"] + quote["exact"] + quote["suffix"]
        assert text.count(whole) == 1 and text.lower().count(whole.lower()) == 1
    last = next(s for s in items[-1]["target"]["selector"] if s["type"] == "TextQuoteSelector")
    assert len(last["prefix"]) == 32 and last["suffix"] == " left."


def test_a_book_sized_text_gives_the_reference_contexts():
    """The default index on a long text with repeated sentences, for spans everywhere."""
    import random

    rng = random.Random(7)
    words = ["he", "said", "she", "the", "prince", "Andrew", "Natasha", "war", "peace", "👍🏽", "\r\n", ",", ".", "ΣΟΦΙΑ"]
    sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(2, 9))) + ". " for _ in range(300)]
    text = "".join(rng.choice(sentences) for _ in range(3000))
    spans = []
    for _ in range(300):
        a = rng.randrange(len(text))
        spans.append((a, min(len(text), a + rng.randint(0, 12))))
    spans += [(0, 3), (len(text) - 2, len(text)), (len(text), len(text))]
    _check(text, spans)
    # and through the export itself, with its own choice of index
    record = {"id": "book", "text": text, "annotator": "a", "relations": [],
              "spans": [{"id": f"s{k}", "start": a, "end": b, "label": "claim", "attrs": {}, "note": ""}
                        for k, (a, b) in enumerate(spans)]}
    for item, (a, b) in zip(w3c.annotations(record, "urn:x:"), spans):
        quote = next(s for s in item["target"]["selector"] if s["type"] == "TextQuoteSelector")
        assert (quote["prefix"], quote["suffix"]) == reference_context(text, a, b, folded_of(text))


def test_final_sigma_and_short_quotes_every_span():
    """Every span of up to three characters, in texts where a capital sigma lower-cases to `ς` or `σ`
    by what surrounds it (so a quote's lower case need not be the lower-cased text's slice), and index
    shapes whose pieces are longer than the shortest first-step quote."""
    cases = ["ΟΔΟΣΑ" * 30, "abcdefghijklmnopQ" * 3 + "#" * 20, ("ΟΔΟΣ ΟΔΟΣΑ ς σ " * 12) + "ΑΣ", "x" + "ΑΣΑ" * 40 + "Σ", ("ab\r\n" * 20) + "İ" + "ab\r\n" * 20]
    for text in cases:
        spans = [(a, a + k) for a in range(len(text) + 1) for k in range(4) if a + k <= len(text)]
        for shape in ((16, 16), (16, 20), (2, 2)):
            _check(text, spans, step=shape[0], gram=shape[1])
