"""Second, independent reference annotation of euronews-kazakhstan-torture (annotator "second").

Made by hand from the article text alone, without looking at the suggester, its rules or the first
reference annotation. Run from the worktree root:

    /work/main/.venv/bin/python tests/reference2_seed.py

It writes tests/data/reference2/annotations/second/euronews-kazakhstan-torture.json (the project
folder tests/data/reference2 holds a copy of the article in seeds/ and annotations/labels.yaml).

Judgement calls
---------------
1. The headline (line 1) and the standfirst (line 9) are annotated: they are not among the parts to
   skip (photo caption, byline, "Share this article", "You might also like"). The headline's
   "..., says Human Rights Watch" makes it an allegation attributed to that mention of Human Rights
   Watch; the standfirst has no source in its own sentence, so its claim stays unlinked (it is not
   linked forward to "Kazakh authorities" in line 18).
2. Quotes keep the punctuation that stands inside the marks (the trailing comma of '"...," he
   said', the full stop of the Williamson quote): the convention removes only the marks and edge
   whitespace, and it drops the final full stop for claims/allegations only. The ellipsis in the
   HRW quote and the editorial "[Young men]" in Abichev's quote are inside the marks and kept.
3. Quotes that accuse (HRW's statement, Abichev's three quotes, Williamson's call) are quotes only,
   not also allegations. Reported accusations (headline, lines 12, 14, 24, 32, 40) are allegations.
4. Line 14: "NGO" is a source span of its own (the convention's own example), and the allegation
   and the partial quote "arbitrarily arrested" link to it rather than back to Human Rights Watch.
   Likewise line 42: "President" (without "the") is the source span of the partial quote "shoot to
   kill"; it is not linked back to "Tokayev".
5. Line 12: the source is "Human Rights Watch"; "(HRW)" after it is not a second source span.
6. Line 24: AFP is the outlet Abichev spoke to, not the source of what he says; it is not a source.
   The allegation links to "Asset Abichev" (title "Opposition activist" left out). Line 26's quote
   ("he said") links to that same mention: it is both the antecedent of "he" and the nearest mention
   that names him (98 characters before, against 108 to "Abichev" in line 28). Line 28's two quotes
   (split by "Abichev added") link to "Abichev" in that line.
7. Line 30: prosecutors' figure of people charged is a claim (a checkable count), not an allegation,
   even though the charges are themselves accusations.
8. Line 32: the source span is the whole subject "Many of those released"; "social media" is the
   channel, not the source.
9. Line 34: Williamson's "cause for deep concern" is a partial quote only; his view that the reports
   are a cause for concern is an opinion, not a checkable claim. "Human Rights Watch" in his job
   title is not a source span (nothing is attributed to it there).
10. Line 36: the unattributed full-sentence quote follows Williamson's paragraph and is his (the
    paragraph continues his statement); it links to "Hugh Williamson" in line 34.
11. Line 38: source "Kassym-Jomart Tokayev" without "President"; claim without "said last week that".
12. Line 40: Tokayev's blaming of the unrest on "terrorists" and "bandits" is an allegation; its span
    is 'blamed the unrest on "terrorists" and foreign-trained "bandits"' (the attribution "Tokayev
    has" left out). "terrorists" and "bandits" are two partial quotes of Tokayev. The reporter's
    "has not provided any evidence to support his claims" is an unsourced claim.
13. Reporter's background statements presented as fact (lines 20, 22, 42) are unsourced claims, one
    per sentence (line 22 is not split at "which saw ..."). The line 42 claim contains the partial
    quote "shoot to kill".
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.core.annotations import DocAnnotations
from reader.files.corpus import read_documents
from reader.files.labels import load_schema
from reader.files.store import Store

PROJECT = ROOT / "tests" / "data" / "reference2"
DOC_ID = "euronews-kazakhstan-torture"
ANNOTATOR = "second"
CLOCK = "2026-11-26T14:00:00+00:00"


def build() -> DocAnnotations:
    schema = load_schema(PROJECT)
    (doc,) = read_documents(PROJECT / "seeds" / f"{DOC_ID}.txt")
    ann = DocAnnotations(doc, schema, clock=lambda: CLOCK)
    text = doc.text

    def at(phrase: str, context: str | None = None) -> tuple[int, int]:
        """Offsets of `phrase`, found exactly once in the text, or exactly once inside a unique `context`."""
        if context is None:
            assert text.count(phrase) == 1, f"{phrase!r} occurs {text.count(phrase)} times"
            start = text.index(phrase)
        else:
            assert text.count(context) == 1, f"context {context!r} occurs {text.count(context)} times"
            assert context.count(phrase) == 1, f"{phrase!r} occurs {context.count(phrase)} times in its context"
            start = text.index(context) + context.index(phrase)
        return start, start + len(phrase)

    def span(label: str, phrase: str, context: str | None = None, **attrs: str) -> str:
        start, end = at(phrase, context)
        s = ann.add_span(start, end, label, attrs or None)
        assert s.text == phrase
        return s.id

    def quote(phrase: str, kind: str, context: str | None = None) -> str:
        return span("quote", phrase, context, kind=kind)

    # Line 1, headline.
    hrw_head = span("source", "Human Rights Watch", "unrest, says Human Rights Watch")
    ann.link(span("allegation", "Kazakhstan protesters were tortured after unrest"), hrw_head)

    # Line 9, standfirst: no source in the sentence.
    span("claim", "Around 10,000 people were detained after widespread anti-government protests last month")

    # Line 12.
    hrw = span("source", "Human Rights Watch", "according to Human Rights Watch (HRW)")
    ann.link(
        span("allegation", "Dozens of protesters in Kazakhstan were beaten and tortured by the authorities after last month's unrest"),
        hrw,
    )

    # Line 14.
    ngo = span("source", "NGO")
    ann.link(
        span("allegation", 'Kazakh security forces had "arbitrarily arrested" peaceful protesters and denied them access to lawyers'),
        ngo,
    )
    ann.link(quote("arbitrarily arrested", "partial"), ngo)

    # Line 16.
    hrw16 = span("source", "HRW", 'HRW said in a statement')
    ann.link(
        quote(
            "Police ... subjected some detainees to ill-treatment and torture, including with electric shocks and beatings with batons,",
            "direct",
        ),
        hrw16,
    )

    # Line 18.
    authorities = span("source", "Kazakh authorities", "Kazakh authorities have stated")
    ann.link(
        span("claim", "nearly 10,000 people were detained across the country in connection with January’s protests"),
        authorities,
    )

    # Lines 20 and 22: the reporter's background, no source.
    span(
        "claim",
        "Demonstrations initially broke out over a rise in oil prices but later descended into unprecedented, "
        "wider anger about living conditions in the former Soviet country",
    )
    span(
        "claim",
        "At least 227 people were also killed in the riots, which saw the country's influential former president "
        "Nursultan Nazarbayev ousted from positions of power",
    )

    # Line 24.
    abichev = span("source", "Asset Abichev")
    ann.link(
        span("allegation", "he was arrested on a bus by police, held without charge and tortured for a week"),
        abichev,
    )

    # Line 26: "he said" -> Asset Abichev (line 24).
    ann.link(
        quote("They beat me on my chest with their fists, they beat me on my back and arms with a stick and a rifle butt,", "direct"),
        abichev,
    )

    # Line 28: one quotation split by "Abichev added" -> two quotes.
    abichev28 = span("source", "Abichev", "Abichev added")
    ann.link(
        quote("[Young men] had plastic bags put over their heads, they were thrown to the ground, jumped on,", "direct"),
        abichev28,
    )
    ann.link(quote("They had broken ribs, but received no medical attention", "direct"), abichev28)

    # Line 30.
    prosecutors = span("source", "Kazakh prosecutors")
    ann.link(
        span("claim", "nearly 900 of those arrested face various criminal charges, including mass rioting and acts of terrorism"),
        prosecutors,
    )

    # Line 32.
    released = span("source", "Many of those released")
    ann.link(
        span("allegation", "they were beaten and tortured by the authorities during their detention"),
        released,
    )

    # Line 34.
    williamson = span("source", "Hugh Williamson")
    ann.link(quote("cause for deep concern", "partial"), williamson)

    # Line 36: continues Williamson's statement.
    ann.link(
        quote(
            "Kazakh authorities should immediately put a stop to the abuses, ensure that every detainee’s rights are "
            "protected, and bring to justice those who beat or tortured them.",
            "direct",
        ),
        williamson,
    )

    # Line 38.
    tokayev38 = span("source", "Kassym-Jomart Tokayev")
    ann.link(
        span("claim", "Kazakh human rights officials were investigating complaints from detainees"),
        tokayev38,
    )

    # Line 40.
    tokayev = span("source", "Tokayev", "Tokayev has blamed")
    ann.link(span("allegation", 'blamed the unrest on "terrorists" and foreign-trained "bandits"'), tokayev)
    ann.link(quote("terrorists", "partial"), tokayev)
    ann.link(quote("bandits", "partial"), tokayev)
    span("claim", "has not provided any evidence to support his claims")

    # Line 42.
    span(
        "claim",
        'During the riots, the President ordered police to "shoot to kill" and also called in support from '
        "Russian-led alliance troops",
    )
    president = span("source", "President", "the President ordered")
    ann.link(quote("shoot to kill", "partial"), president)

    assert not ann.problems(), ann.problems()
    ann.status = "done"
    return ann


def main() -> Path:
    ann = build()
    path = Store(PROJECT, ann.schema).save(ANNOTATOR, ann)
    counts = dict(sorted(ann.label_counts().items()))
    print(f"{path.relative_to(ROOT)}: {counts}, {len(ann.relations)} links")
    return path


if __name__ == "__main__":
    main()
