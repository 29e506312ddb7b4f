"""Agreement figures checked against independent computations, and `reader diff` as a user sees it."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.commands.cli import main
from reader.core.annotations import DocAnnotations
from reader.core.model import Document
from reader.review.alignment import Link, Unit, align
from reader.review.comparison import (
    compare_units,
    token_confusion,
    token_labels,
    tokenize,
)
from reader.review.metrics import (
    Sections,
    alpha_over_categories,
    merge_extents,
    observed_sum,
    unit_distance,
    unitizing,
)
from tests.conftest import make_project

LABELS = ["claim", "quote", "allegation", "source"]
RANK = {label: i for i, label in enumerate(LABELS)}


# --------------------------------------------------------------------------- u-alpha


def _study(units, category, begin=150):
    return merge_extents((s - begin, s - begin + length) for s, length, c in units if c == category)


# Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed., Thousand
# Oaks, CA: Sage, p. 254 (the unitizing example), with the figures DKPro Statistics' test
# `Krippendorff2004Test` checks: continuum 150-450, two coders, units (begin, length, category).
CODER_I = [(225, 70, "c"), (370, 30, "c"), (180, 60, "k"), (300, 50, "k")]
CODER_J = [(220, 80, "c"), (355, 20, "c"), (400, 20, "c"), (180, 60, "k"), (300, 50, "k")]


def _worked_example():
    out = {}
    for cat in "ck":
        a, b = _study(CODER_I, cat), _study(CODER_J, cat)
        out[cat] = unitizing(Sections.of(a, 300), Sections.of(b, 300), a, b)
    return out


def test_u_alpha_reproduces_krippendorffs_worked_example():
    parts = _worked_example()
    d_o, d_e = parts["c"].disagreements()
    assert d_o == pytest.approx(0.0144, abs=0.0001)
    assert d_e == pytest.approx(0.0532, abs=0.0001)
    assert parts["c"].alpha() == pytest.approx(0.7286, abs=0.0005)
    d_o, d_e = parts["k"].disagreements()
    assert d_o == 0.0
    assert d_e == pytest.approx(0.0490, abs=0.0001)
    assert parts["k"].alpha() == pytest.approx(1.0)
    assert alpha_over_categories(parts.values()) == pytest.approx(0.8591, abs=0.0005)


def test_u_alpha_distances_of_the_worked_example():
    assert unit_distance((225, 295), (220, 300)) == 50
    assert unit_distance((370, 400), (355, 375)) == 850
    # A gap (400, 50) of one coder holding the unit (400, 20, c) of the other: its squared length.
    assert observed_sum([], [(400, 420)]) == 400
    assert observed_sum([(0, 10)], [(400, 420)]) == 100 + 400


# --------------------------------------------------------------------------- random documents

WORDS = ["Police", "said", "the", "detainees", "were", "beaten", ",", "HRW", "alleged", "torture", ".", "“quote”", "Almaty's"]


@st.composite
def documents(draw):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=40))
    text = " ".join(words)

    def spans(side):
        out = []
        for i in range(draw(st.integers(0, 6))):
            s = draw(st.integers(0, len(text) - 1))
            e = draw(st.integers(s + 1, min(len(text), s + 40)))
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                out.append(Unit(s, e, draw(st.sampled_from(LABELS)), f"{side}{i}"))
        return out

    return Document("d", text), spans("a"), spans("b")


def _links(units):
    sources = [u for u in units if u.label == "source"]
    heads = [u for u in units if u.label != "source"]
    return [Link(h, sources[0], "attributed_to", f"r{i}") for i, h in enumerate(heads)] if sources else []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_kappa_equals_scikit_learn_on_the_same_token_labels(example):
    from sklearn.metrics import cohen_kappa_score

    doc, a, b = example
    fig = compare_units(doc, a, b, [], [], LABELS).figures(LABELS)
    la, lb = token_labels(doc.text, a, RANK), token_labels(doc.text, b, RANK)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cohen_kappa_score(la, lb)
    assert fig["micro"]["tokens"] == len(tokenize(doc.text))
    if expected != expected:  # nan: chance agreement 1, kappa undefined
        assert fig["micro"]["kappa"] is None
    else:
        assert fig["micro"]["kappa"] == pytest.approx(expected)
    spans_of = lambda units, s, e: {u.label for u in units if u.start < e and s < u.end}  # noqa: E731
    for label in LABELS:
        ya = [label in spans_of(a, s, e) for s, e in tokenize(doc.text)]
        yb = [label in spans_of(b, s, e) for s, e in tokenize(doc.text)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = cohen_kappa_score(ya, yb)
        got = fig["per_label"][label]["kappa"]
        assert got is None if expected != expected else got == pytest.approx(expected)


@settings(max_examples=150, deadline=None)
@given(documents())
def test_counting_tokens_by_stretches_equals_labelling_each_token(example):
    doc, a, b = example
    counts = token_confusion(doc.text, a, b, LABELS, RANK)
    expected = Counter(zip(token_labels(doc.text, a, RANK), token_labels(doc.text, b, RANK)))
    assert {k: v for k, v in counts.confusion.items() if v} == expected


@settings(max_examples=100, deadline=None)
@given(documents())
def test_an_annotator_agrees_perfectly_with_itself(example):
    doc, a, _ = example
    comparison = compare_units(doc, a, a, _links(a), _links(a), LABELS)
    fig = comparison.figures(LABELS)
    assert comparison.disagreements == []
    for label, f in fig["per_label"].items():
        has = any(u.label == label for u in a)
        for key in ("exact_f1", "overlap_f1", "exact_precision", "exact_recall", "u_alpha"):
            assert f[key] == (1.0 if has else None), (label, key)
        assert f["kappa"] in (1.0, None)
    assert fig["micro"]["kappa"] in (1.0, None)
    assert fig["links"]["f1"] == (1.0 if _links(a) else None)


@settings(max_examples=100, deadline=None)
@given(documents())
def test_swapping_a_and_b_keeps_f1_and_kappa(example):
    doc, a, b = example
    ab = compare_units(doc, a, b, _links(a), _links(b), LABELS).figures(LABELS)
    ba = compare_units(doc, b, a, _links(b), _links(a), LABELS).figures(LABELS)
    for key in ("exact_f1", "overlap_f1", "kappa", "u_alpha"):
        for label in LABELS:
            assert ab["per_label"][label][key] == pytest.approx(ba["per_label"][label][key]), (label, key)
        assert ab["micro"][key] == pytest.approx(ba["micro"][key]), key
    assert ab["micro"]["exact_precision"] == ba["micro"]["exact_recall"]
    assert ab["links"]["f1"] == ba["links"]["f1"]


@settings(max_examples=100, deadline=None)
@given(documents(), documents())
def test_corpus_u_alpha_is_that_of_the_documents_laid_end_to_end(first, second):
    from reader.review.comparison import figures

    (d1, a1, b1), (d2, a2, b2) = first, second
    shift = len(d1.text)
    moved = lambda units: [u._replace(start=u.start + shift, end=u.end + shift) for u in units]  # noqa: E731
    corpus = figures(
        [compare_units(d1, a1, b1, [], [], LABELS), compare_units(Document("e", d2.text), a2, b2, [], [], LABELS)], LABELS
    )
    one = compare_units(Document("de", d1.text + d2.text), a1 + moved(a2), b1 + moved(b2), [], [], LABELS).figures()
    for label in LABELS:
        for key in ("u_alpha", "exact_f1", "overlap_f1"):
            assert corpus["per_label"][label][key] == pytest.approx(one["per_label"][label][key]), (label, key)
    assert corpus["micro"]["u_alpha"] == pytest.approx(one["micro"]["u_alpha"])


# --------------------------------------------------------------------------- alignment by hand

TEXT = "Police said the detainees were beaten on Tuesday, HRW alleged torture in Almaty and Astana."


def at(text, sub, label, ident, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Unit(start, start + len(sub), label, ident)


def test_each_kind_of_disagreement_and_the_hand_computed_f1():
    a = [
        at(TEXT, "Police", "source", "a1"),
        at(TEXT, "the detainees were beaten", "claim", "a2"),
        at(TEXT, "HRW", "source", "a3"),
        at(TEXT, "torture in Almaty", "allegation", "a4"),
    ]
    b = [
        at(TEXT, "Police", "source", "b1"),  # exact
        at(TEXT, "detainees were beaten", "claim", "b2"),  # boundary
        at(TEXT, "HRW", "quote", "b3"),  # label
        at(TEXT, "Astana", "source", "b4"),  # only B
        at(TEXT, "Tuesday", "claim", "b5"),  # only B
    ]  # and A's allegation is only A's
    comparison = compare_units(Document("d", TEXT), a, b, [], [], LABELS)
    kinds = sorted(d.kind for d in comparison.disagreements)
    assert kinds == ["boundary", "label", "only_a", "only_b", "only_b"]
    fig = comparison.figures(LABELS)
    # By hand: 1 exact match of 4 (A) and 5 (B) spans: P 1/5, R 1/4, F1 2/9; overlap adds the claim.
    assert fig["micro"]["exact_precision"] == pytest.approx(1 / 5)
    assert fig["micro"]["exact_recall"] == pytest.approx(1 / 4)
    assert fig["micro"]["exact_f1"] == pytest.approx(2 / 9)
    assert fig["micro"]["overlap_f1"] == pytest.approx(4 / 9)
    # source: A {Police, HRW}, B {Police, Astana}: 1 match -> F1 2/4; claim: A 1, B 2, 0 exact, 1 overlap.
    assert fig["per_label"]["source"]["exact_f1"] == pytest.approx(0.5)
    assert fig["per_label"]["claim"]["exact_f1"] == 0.0
    assert fig["per_label"]["claim"]["overlap_f1"] == pytest.approx(2 / 3)
    assert fig["per_label"]["quote"]["exact_recall"] is None  # A has no quote: recall undefined


def test_overlap_matches_are_one_to_one_and_greedy_by_shared_characters():
    a = [Unit(0, 10, "claim", "a1")]
    b = [Unit(0, 4, "claim", "b1"), Unit(2, 10, "claim", "b2")]
    al = align(a, b)
    assert al.boundary == [(a[0], b[1])]  # shares 8 characters, against 4
    assert al.only_b == [b[0]]


def test_links_align_by_both_ends_and_unmatched_ones_pair_by_head():
    q, p, h = Unit(12, 37, "quote", "x"), Unit(0, 6, "source", "y"), Unit(50, 53, "source", "z")
    a_links = [Link(q, p, "attributed_to", "r1")]
    b_same = [Link(q._replace(id="u"), p._replace(id="v"), "attributed_to", "r9")]
    assert len(align([q, p], [q, p], a_links, b_same).links) == 1
    b_other = [Link(q, h, "attributed_to", "r2")]
    al = align([q, p, h], [q, p, h], a_links, b_other)
    assert al.links == [] and al.link_pairs == [(a_links[0], b_other[0])]


# --------------------------------------------------------------------------- reader diff

ARTICLE = (
    'Police said "the detainees were beaten" on Tuesday.\n'
    "HRW [bold]alleged[/bold] torture in Almaty. Officials denied it."
)
OTHER = "The minister said the report was false. Critics disagreed."


def _annotate(project, who, doc_id, items, links=()):
    doc = project.corpus.get(doc_id)
    ann = DocAnnotations(doc, project.schema)
    ids = {}
    for sub, label in items:
        start = doc.text.index(sub)
        ids[sub] = ann.add_span(start, start + len(sub), label).id
    for head, tail in links:
        ann.link(ids[head], ids[tail])
    project.store.save(who, ann)


@pytest.fixture
def pair(tmp_path):
    project = make_project(tmp_path / "p", {"art": ARTICLE, "other": OTHER, "lonely": "Only one annotator read this."})
    quote_a, quote_b = "the detainees were beaten", '"the detainees were beaten"'
    _annotate(project, "alice", "art",
              [("Police", "source"), (quote_a, "quote"), ("HRW", "source"), ("torture in Almaty", "allegation")],
              [(quote_a, "Police"), ("torture in Almaty", "HRW")])
    _annotate(project, "bob", "art",
              [("Police", "source"), (quote_b, "quote"), ("HRW", "source"), ("torture in Almaty", "claim")],
              [(quote_b, "Police")])
    _annotate(project, "alice", "other", [("The minister", "source"), ("the report was false", "claim")])
    _annotate(project, "bob", "other", [("The minister", "source"), ("the report was false", "claim")])
    _annotate(project, "alice", "lonely", [("Only one annotator", "claim")])
    return project


def run(project, *args):
    return main(["--project", str(project.path), "diff", *args])


def test_diff_text_shows_figures_then_each_disagreement_with_context(pair, capsys):
    assert run(pair, "alice", "bob") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("2 documents compared: A = alice (reference), B = bob")
    table = {line.split()[0]: line.split() for line in out.splitlines() if line.split()}
    # quote: one span each, different boundaries: exact F1 0, overlap F1 1.
    assert table["quote"][1:3] == ["1", "1"] and table["quote"][5] == "0.000" and table["quote"][6] == "1.000"
    assert table["other"][1] == "1.000"  # identical document
    assert "4 disagreements" in out
    assert "art 12-39 boundary" in out
    assert '  A: quote 13-38 "the detainees were beaten"' in out
    assert '  B: quote 12-39 "\\"the detainees were beaten\\""' in out
    # the label disagreement, with context: markup shown as text, the newline escaped
    assert "art 77-94 label" in out
    assert "  A: allegation 77-94" in out and "  B: claim 77-94" in out
    assert '"…day.\\nHRW [bold]alleged[/bold] «torture in Almaty». Officials denied it."' in out
    # the links: one pair that differs by the quote's boundary, one link only alice made
    assert "art 12-39 link" in out
    assert '  A: allegation 77-94 "torture in Almaty" -attributed_to-> source 52-55 "HRW"\n  B: (nothing)' in out
    assert "skipped lonely: only alice has a file" in out


def test_diff_json_has_the_stable_names(pair, capsys):
    assert run(pair, "alice", "bob", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == 2
    assert set(data["per_label"]) == set(LABELS)
    for figures in list(data["per_label"].values()) + [data["micro"]]:
        assert {"exact_f1", "overlap_f1", "kappa", "u_alpha"} <= set(figures)
    assert data["per_label"]["source"]["exact_f1"] == 1.0
    assert data["links"]["f1"] == 0.0 and data["links"]["a"] == 2 and data["links"]["b"] == 1
    assert [set(d) for d in data["disagreements"]] == [{"doc", "start", "end", "a", "b", "kind"}] * 4
    label = next(d for d in data["disagreements"] if d["kind"] == "label")
    assert label["a"]["label"] == "allegation" and label["b"]["label"] == "claim"
    assert label["a"]["text"] == "torture in Almaty"
    link = [d for d in data["disagreements"] if d["kind"] == "link"][1]
    assert link["b"] is None and link["a"]["tail"]["text"] == "HRW"
    assert data["per_document"]["other"]["micro"]["exact_f1"] == 1.0


def test_diff_one_document(pair, capsys):
    assert run(pair, "alice", "bob", "--doc", "other", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == 1 and data["disagreements"] == []
    assert data["micro"]["u_alpha"] == 1.0 and data["micro"]["kappa"] == 1.0


@pytest.mark.parametrize(
    "args, message",
    [
        (("alice", "carol"), "no annotator 'carol'"),
        (("alice", "bob", "--doc", "lonely"), "annotator 'bob' has no file for document 'lonely'"),
        (("alice", "bob", "--doc", "nope"), "no document 'nope'"),
        (("alice", "../x"), "not allowed"),
    ],
)
def test_diff_mistakes_are_one_line_and_exit_2(pair, capsys, args, message):
    assert run(pair, *args) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and message in err


def test_diff_reads_a_file_whose_text_changed_as_the_app_would(pair, capsys):
    seed = pair.path / "seeds" / "other.txt"
    seed.write_text("Breaking. " + OTHER, "utf-8")  # every offset moves by 10
    pair.reload()
    assert run(pair, "alice", "bob", "--doc", "other", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["micro"]["exact_f1"] == 1.0 and data["micro"]["a"] == 2


# --------------------------------------------------------------------------- bratiaa


def test_exact_f1_equals_bratiaa_on_the_brat_export(pair, tmp_path, capsys):
    bratiaa = pytest.importorskip("bratiaa")
    root = tmp_path / "iaa"
    for who in ("alice", "bob"):
        out = tmp_path / f"brat-{who}"
        proc = subprocess.run(
            [sys.executable, "-m", "reader", "--project", str(pair.path), "export", "--format", "brat",
             "--annotator", who, "--out", str(out)],
            capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
        )
        assert proc.returncode == 0, proc.stderr
        (root / who).mkdir(parents=True)
        for doc_id in ("art", "other"):  # the documents both annotated, as reader diff compares
            for ext in ("txt", "ann"):
                (root / who / f"{doc_id}.{ext}").write_bytes((out / f"{doc_id}.{ext}").read_bytes())
        if who == "alice":
            (root / "annotation.conf").write_bytes((out / "annotation.conf").read_bytes())
    agreement = bratiaa.compute_f1_agreement(str(root))
    theirs_per_label, _ = agreement.mean_sd_per_label()
    theirs_total, _ = agreement.mean_sd_total()
    assert run(pair, "alice", "bob", "--json") == 0
    ours = json.loads(capsys.readouterr().out)
    assert ours["micro"]["exact_f1"] == pytest.approx(float(theirs_total))
    assert set(ours["per_label"]) <= set(agreement.labels)
    for label, value in zip(agreement.labels, theirs_per_label):
        if label not in ours["per_label"]:  # an entity type the schema does not have: no span of it
            assert value != value, label
            continue
        mine = ours["per_label"][label]["exact_f1"]
        if mine is None:  # no span of this label on either side: bratiaa says nan
            assert value != value, label
        else:
            assert mine == pytest.approx(float(value)), label


def test_workers_give_the_same_figures_as_one_process(pair):
    from reader.review.diff import compare_project

    one = compare_project(pair, "alice", "bob", jobs=1).to_json()
    two = compare_project(pair, "alice", "bob", jobs=2).to_json()
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_annotation_file_is_named_in_one_line(pair, jobs):
    from reader.core.errors import UserError
    from reader.review.diff import compare_project

    broken = pair.store.path("bob", "other")
    broken.write_text('{"spans": {"1": ', "utf-8")
    with pytest.raises(UserError) as caught:
        compare_project(pair, "alice", "bob", jobs=jobs)
    assert str(broken) in str(caught.value) and "not valid JSON" in str(caught.value)
