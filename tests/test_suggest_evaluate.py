"""`reader suggest --evaluate ANNOTATOR` and the scores behind it (reader/review/suggestion_scores.py),
on cases small enough to check by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.commands.cli import main
from reader.core.annotations import DocAnnotations
from reader.review.suggestion_scores import score_document, side
from tests.conftest import make_project

# --------------------------------------------------------------------------- the figures, by hand


def span(sid: str, start: int, end: int, label: str, **attrs: str) -> dict:
    return {"id": sid, "start": start, "end": end, "label": label, "attrs": attrs}


def link(head: str, tail: str) -> dict:
    return {"head": head, "tail": tail, "label": "attributed_to"}


REFERENCE = side(
    [span("s1", 0, 8, "source"), span("q", 10, 30, "quote", kind="direct"), span("s2", 32, 38, "source"),
     span("c", 40, 60, "claim"), span("cue", 50, 52, "cue")],
    [link("q", "s1"), link("c", "s2"), link("cue", "s2")],
)
SUGGESTED = side(
    [span("g1", 2, 8, "source"), span("g2", 10, 30, "quote", kind="direct"), span("g3", 45, 70, "allegation"),
     span("g4", 80, 90, "claim")],
    [link("g2", "g1"), link("g3", "g1")],
)


def test_scores_per_label_content_characters_links_and_quotes_by_hand():
    f = score_document("d", REFERENCE, SUGGESTED).figures()
    per = f["per_label"]
    # the quote is found exactly
    assert (per["quote"]["exact_precision"], per["quote"]["exact_recall"], per["quote"]["exact_f1"]) == (1.0, 1.0, 1.0)
    # the claim 40-60 is suggested as an allegation 45-70, and the suggested claim 80-90 is wrong
    assert (per["claim"]["overlap_precision"], per["claim"]["overlap_recall"], per["claim"]["overlap_f1"]) == (0.0, 0.0, 0.0)
    assert per["allegation"]["overlap_precision"] == 0.0 and per["allegation"]["overlap_recall"] is None
    # one of two sources found, by overlap (2-8 in 0-8), not exactly
    src = f["source"]
    assert (src["reference"], src["suggested"], src["exact_matches"], src["overlap_matches"]) == (2, 1, 0, 1)
    assert (src["overlap_precision"], src["overlap_recall"]) == (1.0, 0.5)
    assert src["overlap_f1"] == pytest.approx(2 / 3)
    # content as one label: quote exact, claim~allegation overlap, 80-90 extra
    con = f["content"]
    assert (con["reference"], con["suggested"], con["exact_matches"], con["overlap_matches"]) == (2, 3, 1, 2)
    assert (con["overlap_precision"], con["overlap_recall"], con["overlap_f1"]) == (pytest.approx(2 / 3), 1.0, 0.8)
    # characters: reference 20 + 20 = 40, suggested 20 + 25 + 10 = 55, shared 20 + 15 = 35
    ch = f["content_chars"]
    assert (ch["reference"], ch["suggested"], ch["shared"]) == (40, 55, 35)
    assert ch["f1"] == pytest.approx(70 / 95)
    # links: q->s1 matches g2->g1 (both ends overlap); g3->g1 has the claim's head but the wrong source
    assert (f["links"]["reference"], f["links"]["suggested"], f["links"]["matches"]) == (2, 2, 1)
    assert f["links"]["f1"] == 0.5
    assert f["direct_quotes"] == {"recall": 1.0, "reference": 1, "found": 1}
    # the cue span and its link are not scored, and say so
    assert f["ignored"] == {"reference": {"cue": 1, "links": 1}, "suggested": {}}


def test_a_link_is_matched_once_however_many_suggestions_cover_it():
    ref = side([span("q", 0, 10, "quote"), span("s", 20, 25, "source")], [link("q", "s")])
    sug = side([span("a", 0, 5, "quote"), span("b", 5, 10, "quote"), span("s", 20, 25, "source")],
               [link("a", "s"), link("b", "s")])
    f = score_document("d", ref, sug).figures()
    assert (f["links"]["matches"], f["links"]["precision"], f["links"]["recall"]) == (1, 0.5, 1.0)
    assert f["per_label"]["quote"]["overlap_matches"] == 1  # one to one, as in `reader diff`


def test_partial_quotes_are_left_out_of_direct_quote_recall():
    ref = side([span("q1", 0, 10, "quote", kind="direct"), span("q2", 20, 30, "quote", kind="partial"),
                span("q3", 40, 50, "quote")])
    sug = side([span("g", 20, 30, "quote")])
    assert score_document("d", ref, sug).figures()["direct_quotes"] == {"recall": 0.0, "reference": 2, "found": 0}


# --------------------------------------------------------------------------- the command

TEXT = 'Anna Berg said: "We will win the vote." The minister said taxes would fall and wages would rise.\n'


@pytest.fixture
def vote(tmp_path):
    """alice's file of the `vote` article: Berg's quote (source "Berg", the rules say "Anna Berg"), and
    the minister's statement as two claims where the rules make one."""
    project = make_project(tmp_path / "proj", {"vote": TEXT, "other": "Nothing is said here.\n"})
    ann = DocAnnotations(project.corpus.get("vote"), project.schema)

    def add(phrase: str, label: str, **attrs: str) -> str:
        start = TEXT.find(phrase)
        return ann.add_span(start, start + len(phrase), label, attrs or None).id

    berg, minister = add("Berg", "source"), add("minister", "source")
    ann.link(add("We will win the vote.", "quote", kind="direct"), berg)
    ann.link(add("taxes would fall", "claim"), minister)
    ann.link(add("wages would rise", "claim"), minister)
    project.store.save("alice", ann)
    project.store.lock_path("alice", "vote").unlink(missing_ok=True)
    return project


def files_of(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()}


def run(project, *words: str, capsys) -> tuple[int, str, str]:
    code = main(["--project", str(project.path), "suggest", *words])
    out, err = capsys.readouterr()
    return code, out, err


def test_evaluate_scores_the_rules_against_the_annotator_and_writes_nothing(vote, capsys):
    before = files_of(vote.path)
    code, out, err = run(vote, "--evaluate", "alice", "--json", capsys=capsys)
    assert code == 0, err
    assert files_of(vote.path) == before  # no suggestions stored, no lock, no new file
    data = json.loads(out)
    assert data["documents"] == 1 and data["reference"] == "alice"  # "other" has no file of alice's
    assert set(data) == {"documents", "reference", "per_label", "source", "content", "content_chars", "links",
                         "direct_quotes", "ignored", "per_document", "notes", "conventions"}
    assert set(data["per_label"]) == {"claim", "quote", "allegation", "source"}
    assert set(data["per_label"]["quote"]) == {
        "exact_precision", "exact_recall", "exact_f1", "overlap_precision", "overlap_recall", "overlap_f1",
        "reference", "suggested", "exact_matches", "overlap_matches"}
    assert set(data["per_document"]) == {"vote"}
    assert set(data["per_document"]["vote"]) == set(data) - {"documents", "reference", "per_document", "notes", "conventions"}
    # by hand: the rules give source "Anna Berg", the quote, source "minister" and one claim
    # "taxes would fall and wages would rise", each statement linked to its speaker
    assert data["per_label"]["quote"]["exact_f1"] == 1.0
    assert (data["source"]["exact_matches"], data["source"]["overlap_matches"], data["source"]["overlap_f1"]) == (1, 2, 1.0)
    claim = data["per_label"]["claim"]
    assert (claim["reference"], claim["suggested"], claim["exact_matches"], claim["overlap_matches"]) == (2, 1, 0, 1)
    assert (data["content"]["overlap_precision"], data["content"]["overlap_recall"]) == (1.0, pytest.approx(2 / 3))
    # characters: alice 21 + 16 + 16 = 53, the rules 21 + 37 = 58, all of alice's covered
    assert (data["content_chars"]["reference"], data["content_chars"]["suggested"], data["content_chars"]["shared"]) == (53, 58, 53)
    # links: the quote's, and one of the minister's two (one to one)
    assert (data["links"]["reference"], data["links"]["suggested"], data["links"]["matches"]) == (3, 2, 2)
    assert data["direct_quotes"]["recall"] == 1.0


def test_evaluate_ignores_the_annotators_pending_suggestions(vote, capsys):
    assert main(["--project", str(vote.path), "suggest", "--annotator", "alice"]) == 0
    capsys.readouterr()
    code, out, _ = run(vote, "vote", "--evaluate", "alice", "--json", capsys=capsys)
    assert code == 0
    assert json.loads(out)["per_label"]["claim"]["reference"] == 2  # ghosts are not alice's spans


def test_evaluate_prints_a_table(vote, capsys):
    code, out, _ = run(vote, "--evaluate", "alice", capsys=capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "suggestions scored against alice (the reference) on 1 document"
    row = next(l for l in lines if l.startswith("links (ends overlap)")).split()
    assert row[-5:] == ["3", "2", "1.000", "0.667", "0.800"]
    assert "direct quotes found: 1.000 (1 of 1)" in lines


@pytest.mark.parametrize(
    "words, message",
    [
        (["--evaluate", "nobody"], "no annotator 'nobody'"),
        (["other", "--evaluate", "alice"], "annotator 'alice' has no file for document 'other'"),
        (["--json"], "--json goes with --evaluate"),
    ],
)
def test_evaluate_mistakes_are_one_line_and_status_2(vote, capsys, words, message):
    before = files_of(vote.path)
    code, out, err = run(vote, *words, capsys=capsys)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert files_of(vote.path) == before


def test_a_quote_in_fragments_is_scored_piece_by_piece_with_its_link():
    # "A," she said, "B."  The annotator's quote is one span in two fragments, linked to "she";
    # the suggestions give the two pieces as two ghosts, each linked to "she".
    reference = side([{"id": "q", "start": 0, "end": 30, "label": "quote", "fragments": [[0, 10], [20, 30]]},
                      span("s", 12, 15, "source")], [link("q", "s")])
    pieces = side([span("g1", 0, 10, "quote"), span("g2", 20, 30, "quote"), span("g3", 12, 15, "source")],
                  [link("g1", "g3"), link("g2", "g3")])
    f = score_document("d", reference, pieces).figures()
    assert (f["per_label"]["quote"]["reference"], f["per_label"]["quote"]["overlap_matches"]) == (2, 2)
    assert f["per_label"]["quote"]["overlap_precision"] == 1.0
    assert (f["links"]["reference"], f["links"]["f1"]) == (2, 1.0)
    # one ghost over the whole stretch finds one piece of two, and the gap between is not the quote
    whole = side([span("g1", 0, 30, "quote"), span("g3", 12, 15, "source")], [link("g1", "g3")])
    f = score_document("d", reference, whole).figures()
    assert f["per_label"]["quote"]["overlap_recall"] == 0.5
