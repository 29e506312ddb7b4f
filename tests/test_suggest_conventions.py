"""`reader suggest --evaluate ANNOTATOR` names the `rules:` conventions the annotator follows
(reader/review/conventions.py): a flag flipped from the project's setting that scores better is
printed after the table, with its figures, and nothing is written."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reader.commands.cli import main
from reader.core.annotations import DocAnnotations
from tests.conftest import make_project

TEXTS = {
    "strike": "Maria Lopez, a union leader, said the strike would go on. “We will stay,” she said.\n",
    "budget": "John Smith, the mayor, said the budget was balanced. “We have done our part,” he said.\n",
    "talks": "Anna Berg, the minister, said the talks had failed. “We are disappointed,” she said.\n",
}
SPEAKERS = {"strike": ("Maria Lopez", "she"), "budget": ("John Smith", "he"), "talks": ("Anna Berg", "she")}


def annotate(project, pronoun_sources: bool) -> None:
    """alice's files: the name as the claim's source; the quote's source the pronoun (a span of its
    own) or the name it stands for."""
    for doc_id, text in TEXTS.items():
        ann = DocAnnotations(project.corpus.get(doc_id), project.schema)

        def add(phrase: str, label: str, after: int = 0, ann=ann, text=text) -> str:
            start = text.index(phrase, after)
            return ann.add_span(start, start + len(phrase), label, None).id

        name, pronoun = SPEAKERS[doc_id]
        who = add(name, "source")
        ann.link(add(re.search(r"said (.+?)\.", text).group(1), "claim"), who)
        quote = add(re.search(r"“(.+?)”", text).group(1), "quote")
        ann.link(quote, add(pronoun, "source", text.index("”")) if pronoun_sources else who)
        project.store.save("alice", ann)
        project.store.lock_path("alice", doc_id).unlink(missing_ok=True)


def make(tmp_path: Path, rules: str | None, pronoun_sources: bool):
    project = make_project(tmp_path / "proj", TEXTS)
    if rules is not None:
        (project.path / "annotations" / "suggest.yaml").write_text(rules, "utf-8")
    annotate(project, pronoun_sources)
    return project


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(project, *words: str, capsys) -> tuple[int, str, str]:
    code = main(["--project", str(project.path), "suggest", *words])
    out, err = capsys.readouterr()
    return code, out, err


def hint_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "agree better with" in line]


def test_an_annotator_who_marks_pronoun_speakers_gets_pronoun_sources_true_and_its_gain(tmp_path, capsys):
    project = make(tmp_path, "rules: {pronoun_sources: false}\n", pronoun_sources=True)
    before = files_of(project.path / "annotations")
    code, out, err = run(project, "--evaluate", "alice", capsys=capsys)
    assert code == 0, err
    assert files_of(project.path / "annotations") == before  # suggest.yaml and alice's files untouched
    [hint] = hint_lines(out)
    assert hint.startswith("annotator alice's spans agree better with rules: {pronoun_sources: true} in annotations/suggest.yaml")
    assert "nothing was written" in out and out.index("agree better") > out.index("direct quotes found")
    documents = len(list((project.path / "annotations" / "alice").glob("*.json")))
    assert f"(on {documents} documents)" in hint  # how much the hint rests on
    assert ("a thin basis" in out) == (documents < 10)
    figures = dict(re.findall(r"(source F1|content|links) ([\d.-]+ -> [\d.-]+)", hint))
    src_before, src_after = (float(x) for x in figures["source F1"].split(" -> "))
    link_before, link_after = (float(x) for x in figures["links"].split(" -> "))
    assert src_after > src_before and link_after > link_before
    # the "before" is the table's own figure
    data = json.loads(run(project, "--evaluate", "alice", "--json", "--no-conventions", capsys=capsys)[1])
    assert f"{data['source']['overlap_f1']:.2f}" == f"{src_before:.2f}"
    # and the hint keeps its promise: with the setting copied into suggest.yaml, the table says "after"
    (project.path / "annotations" / "suggest.yaml").write_text("rules: {pronoun_sources: true}\n", "utf-8")
    code, out, _ = run(project, "--evaluate", "alice", "--json", capsys=capsys)
    data = json.loads(out)
    assert f"{data['source']['overlap_f1']:.2f}" == f"{src_after:.2f}"
    assert f"{data['links']['f1']:.2f}" == f"{link_after:.2f}"
    assert data["conventions"]["suggested"] == {}  # nothing better left to say


def test_the_json_has_the_conventions_object(tmp_path, capsys):
    project = make(tmp_path, "rules: {pronoun_sources: false}\n", pronoun_sources=True)
    code, out, _ = run(project, "--evaluate", "alice", "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    conv = data["conventions"]
    assert conv["current"]["pronoun_sources"] is False and conv["current"]["quotes"] is True
    assert all(isinstance(v, bool) for v in conv["current"].values())
    assert conv["suggested"] == {"pronoun_sources": True}
    before, after = conv["figures"]["source_f1"]
    assert before == data["source"]["overlap_f1"] and after > before
    assert conv["figures"]["links_f1"][0] == data["links"]["f1"]
    assert conv["alone"]["pronoun_sources"] > 0
    # linear: one pass for the project's setting, then n, n-1, ... at most
    n = len(conv["current"])
    assert conv["passes"] <= 1 + n * (n + 1) // 2


def test_an_annotator_who_follows_the_projects_conventions_gets_no_hint(tmp_path, capsys):
    project = make(tmp_path, None, pronoun_sources=True)  # the packaged default: pronoun_sources true
    code, out, _ = run(project, "--evaluate", "alice", capsys=capsys)
    assert code == 0 and hint_lines(out) == [] and "nothing was written" not in out
    conv = json.loads(run(project, "--evaluate", "alice", "--json", capsys=capsys)[1])["conventions"]
    assert conv["suggested"] == {}
    assert all(before == after for before, after in conv["figures"].values())


def test_the_other_way_round_the_hint_says_false(tmp_path, capsys):
    project = make(tmp_path, None, pronoun_sources=False)  # alice links the quote to the name
    code, out, _ = run(project, "--evaluate", "alice", capsys=capsys)
    [hint] = hint_lines(out)
    assert code == 0 and "rules: {pronoun_sources: false}" in hint


def test_no_conventions_prints_no_hint_and_no_object(tmp_path, capsys):
    project = make(tmp_path, "rules: {pronoun_sources: false}\n", pronoun_sources=True)
    code, out, _ = run(project, "--evaluate", "alice", "--no-conventions", capsys=capsys)
    assert code == 0 and "suggestions scored against alice" in out and hint_lines(out) == []
    data = json.loads(run(project, "--evaluate", "alice", "--json", "--no-conventions", capsys=capsys)[1])
    assert "conventions" not in data


def test_no_conventions_without_evaluate_is_a_usage_error(tmp_path, capsys):
    project = make(tmp_path, None, pronoun_sources=True)
    code, out, err = run(project, "--no-conventions", capsys=capsys)
    assert code == 2 and out == "" and "--no-conventions goes with --evaluate" in err


def test_a_flag_a_language_sets_itself_is_that_languages_own(tmp_path, capsys):
    # German documents read the German section's own verb_second; the shared one would change nothing
    text = "Der Minister sagte am Montag, die Gespräche seien gescheitert. „Wir sind enttäuscht“, sagte er.\n"
    project = make_project(tmp_path / "proj", {"gespraeche": text})
    ann = DocAnnotations(project.corpus.get("gespraeche"), project.schema)
    start = text.index("Minister")
    ann.add_span(start, start + len("Minister"), "source", None)
    project.store.save("alice", ann)
    conv = json.loads(run(project, "--evaluate", "alice", "--json", capsys=capsys)[1])["conventions"]
    assert conv["current"]["languages.de.verb_second"] is True
    assert "verb_second" not in conv["current"] and "pronoun_sources" in conv["current"]
