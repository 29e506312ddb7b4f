"""`reader diff A B C`: Krippendorff's alpha over links, all annotators at once. A unit is a content
span aligned across annotators, a value the (aligned) source its span is linked to, "none" for a span
without a link, missing for an annotator without the span. The figure is checked against the
`krippendorff` package on a reliability matrix written out here by hand."""

from __future__ import annotations

import json
import math

import pytest

from reader.commands.cli import main
from reader.review.diff_many import compare_many
from tests.conftest import annotations_by_text, make_project

TEXT = (
    'Anna said "we will win". Mr Ben said "taxes will fall". Carl claimed the vote was rigged. '
    "Dana wrote that prices rose. Eve thinks rain is coming."
)
NAMES = ["alice", "bob", "carol"]
Q1, Q2, C3, C4, C5 = "we will win", "taxes will fall", "the vote was rigged", "prices rose", "rain is coming"
SOURCES = [("Anna", "source"), ("Ben", "source"), ("Carl", "source"), ("Dana", "source")]
CONTENT = [(Q1, "quote"), (Q2, "quote"), (C3, "claim"), (C4, "claim")]
AGREED_LINKS = [(Q1, "Anna"), (Q2, "Ben"), (C3, "Carl"), (C4, "Dana")]


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


build = annotations_by_text


def project_of(tmp_path, annotations):
    project = make_project(tmp_path / "p", {"art": TEXT})
    doc = project.corpus.get("art")
    for name, (items, links) in annotations.items():
        project.store.save(name, build(doc, project.schema, items, links))
    return project


def package_alpha(rows):
    """The `krippendorff` package's nominal alpha of rows (annotators) x columns (units), None = missing."""
    np = pytest.importorskip("numpy")
    krippendorff = pytest.importorskip("krippendorff")
    codes: dict[str, int] = {}
    data = np.array([[math.nan if v is None else codes.setdefault(v, len(codes)) for v in row] for row in rows], dtype=float)
    return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")


def test_all_linking_every_content_span_to_the_same_source_is_one(tmp_path):
    same = (SOURCES + CONTENT, AGREED_LINKS)
    project = project_of(tmp_path, {name: same for name in NAMES})
    overall = compare_many(project, NAMES).figures()["overall"]
    rows = [["Anna", "Ben", "Carl", "Dana"]] * 3
    assert overall["link_alpha"] == pytest.approx(1.0)
    assert overall["link_alpha"] == pytest.approx(package_alpha(rows))
    assert overall["link_units"] == 4


@pytest.fixture
def disagreeing(tmp_path):
    """alice links each content span to its speaker; bob too, but marks "Mr Ben" and the quote of Q2
    with its quotation marks (both aligned to alice's), leaves C3 unlinked and adds C5, which only he
    has; carol links every quote to a different source and lacks C4."""
    bob_sources = [("Anna", "source"), ("Mr Ben", "source"), ("Carl", "source"), ("Dana", "source")]
    bob_content = [(Q1, "quote"), (f'"{Q2}"', "quote"), (C3, "claim"), (C4, "claim"), (C5, "claim")]
    return project_of(tmp_path, {
        "alice": (SOURCES + CONTENT, AGREED_LINKS),
        "bob": (bob_sources + bob_content, [(Q1, "Anna"), (f'"{Q2}"', "Mr Ben"), (C4, "Dana")]),
        "carol": (SOURCES + CONTENT[:3], [(Q1, "Ben"), (Q2, "Carl"), (C3, "Anna")]),
    })


# the units: Q1, Q2, C3, C4 (C5 has one annotator: nothing to pair, left out by the package as here)
DISAGREEING_ROWS = [
    ["Anna", "Ben", "Carl", "Dana"],  # alice
    ["Anna", "Ben", "none", "Dana"],  # bob: "Mr Ben" is Ben, his C3 has no link
    ["Ben", "Carl", "Anna", None],  # carol: every quote to another source, no C4
]


def test_one_annotator_linking_to_other_sources_lowers_the_link_alpha_as_the_package_computes(disagreeing):
    overall = compare_many(disagreeing, NAMES).figures()["overall"]
    expected = package_alpha(DISAGREEING_ROWS)
    assert overall["link_alpha"] == pytest.approx(expected)
    assert overall["link_alpha"] < 0.5  # only Q1 and C4 have a majority; Q2, C3 are split
    assert overall["link_units"] == 4
    # carol alone disagrees: without her, alice and bob differ on C3 only
    pair = compare_many(disagreeing, ["alice", "bob"]).figures()["overall"]["link_alpha"]
    assert pair == pytest.approx(package_alpha([row for row in DISAGREEING_ROWS[:2]]))
    assert pair > overall["link_alpha"]


def test_the_command_line_shows_the_link_alpha_in_text_and_json(disagreeing, capsys):
    expected = package_alpha(DISAGREEING_ROWS)
    assert main(["--project", str(disagreeing.path), "diff", *NAMES]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("link alpha"))
    assert line.split()[2] == f"{expected:.3f}"
    assert "over 4 content spans" in line
    assert main(["--project", str(disagreeing.path), "diff", *NAMES, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["link_alpha"] == pytest.approx(expected)
    assert data["overall"]["link_units"] == 4
