"""Label Studio files in, and back out into the project they came from.

Fixtures under tests/data/tools/ copy Label Studio's own layouts:
- labelstudio/project-3-at-...json: a project's JSON export (tasks with `data` keyed by the config's
  `<Text value="$ner">`, `annotations[].result[]` with `from_name`/`to_name`/`id`/`type`, per-region
  `choices` and `textarea` results on a region's id, a `relation` result, a task-level `choices`, a
  `rating` this corpus has no place for, `predictions` with scores, a cancelled annotation and the
  bookkeeping keys Label Studio adds), with the project's labeling_config.xml beside it;
- labelstudio_flat/tasks.json: flat tasks as Label Studio imports them (`[{"text": ...}]`);
- labelstudio_min/...json-min.json: the JSON-MIN export of the same project as
  `label_studio_sdk.converter` writes it (results under the control's name, one line an annotation).

An export is checked against the labelling config twice: with label-studio-sdk's own validation
(`LabelInterface.validate`, `validate_task`, and the annotation as a prediction with errors returned),
when it is installed (the `interop` extra), and always structurally against the config's XML.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reader.commands.cli import main
from reader.files.project import Project
from reader.formats import export, import_paths
from tests.conftest import DATA
from tests.formats_helpers import ANNOTATOR, build_project, full

LS = DATA / "tools" / "labelstudio"
EXPORT = LS / "project-3-at-2024-05-02-09-20-4b1e2c.json"
CONFIG = LS / "labeling_config.xml"
FLAT = DATA / "tools" / "labelstudio_flat" / "tasks.json"
MIN = DATA / "tools" / "labelstudio_min" / "project-3-at-2024-05-02-09-21-json-min.json"


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("ls") / "proj")


def structural_errors(config: str, task: dict) -> list[str]:
    """What Label Studio checks of a task against its config, read from the config's XML: the data
    key of every `$value`, every result's control and object names and type, labels and choices among
    the declared values, region ids unique per type, relations between regions that exist."""
    root = ET.fromstring(config)
    objects = {t.get("name"): t for t in root.iter() if t.get("value", "").startswith("$")}
    controls = {t.get("name"): t for t in root.iter() if t.get("toName")}
    errors = [f"data lacks {t.get('value')}" for t in objects.values() if t.get("value")[1:] not in task["data"]]
    regions = set()
    for r in task["annotations"][0]["result"]:
        if r["type"] == "relation":
            continue
        control = controls.get(r["from_name"])
        if control is None or r["to_name"] not in control.get("toName").split(",") or r["to_name"] not in objects:
            errors.append(f"{r['from_name']} -> {r['to_name']}: no such control or object")
            continue
        if control.tag.lower() != r["type"]:
            errors.append(f"{r['from_name']}: type {r['type']} is not {control.tag}")
        allowed = {c.get("value") for c in control}
        chosen = r["value"].get("labels") or r["value"].get("choices") or []
        if allowed and not set(chosen) <= allowed:
            errors.append(f"{r['from_name']}: {chosen} not among {sorted(allowed)}")
        if r["type"] == "labels":
            regions.add(r["id"])
    for r in task["annotations"][0]["result"]:
        if r["type"] == "relation" and not {r["from_id"], r["to_id"]} <= regions:
            errors.append(f"relation {r['from_id']} -> {r['to_id']}: no such region")
    return errors


def sdk_errors(config: str, task: dict) -> list[str] | None:
    """label-studio-sdk's validation of the config and of one task and its annotation (None: not installed)."""
    try:
        from label_studio_sdk.label_interface import LabelInterface
    except ImportError:
        return None
    interface = LabelInterface(config)
    interface.validate()  # raises on a config Label Studio would refuse
    errors = [] if interface.validate_task({"data": task["data"]}) else ["data does not fit the config"]
    return errors + interface.validate_prediction(task["annotations"][0], return_errors=True)


def errors_against(config: str, task: dict) -> list[str]:
    found = sdk_errors(config, task)
    return structural_errors(config, task) + (found or [])


def import_export(tmp_path: Path) -> tuple[Project, Path, list[dict]]:
    target = tmp_path / "p"
    import_paths(target, [EXPORT], "labelstudio", annotator="ana", offsets="utf16")
    out = tmp_path / "out"
    export(Project(target), "labelstudio", out, annotator="ana", offsets="utf16")
    return Project(target), out, json.loads((out / "data.json").read_text("utf-8"))


def test_a_project_export_with_another_data_key_imports_spans_attributes_notes_and_links(tmp_path, capsys):
    target = tmp_path / "p"
    assert main(["import", str(EXPORT), "--format", "labelstudio", "--offsets", "utf16", "--annotator", "ana",
                 "--project", str(target)]) == 0
    captured = capsys.readouterr()
    assert ":None:" not in captured.err
    assert f"{EXPORT}: 1 cancelled (skipped) annotations not imported; --keep-rejected imports them" in captured.err
    assert "results this corpus has no place for, not imported: 1 rating" in captured.err
    assert "1 predictions imported as suggestions" in captured.err and "1 suggestions" in captured.out
    project = Project(target)
    doc = project.corpus.get("41")
    assert doc.text.startswith("Police chief Aida Nur said")  # data.ner, the config's $ner
    assert doc.meta["headline"] == "Police chief defends raids" and doc.meta["topic"] == ["politics"]
    ann = project.store.load("ana", doc).annotations
    spans = {s.text: s for s in ann.spans.values()}
    assert set(spans) == {"Police chief Aida Nur", "we act within the law"}
    quote = spans["we act within the law"]
    assert quote.label == "quote" and dict(quote.attrs) == {"kind": "direct"} and quote.note == "said at a briefing"
    assert [(ann.spans[r.head].text, ann.spans[r.tail].text) for r in ann.relations.values()] == [
        ("we act within the law", "Police chief Aida Nur")]


def test_predictions_become_suggestions_not_spans(tmp_path):
    target = tmp_path / "p"
    import_paths(target, [EXPORT], "labelstudio", annotator="ana", offsets="utf16")
    project = Project(target)
    ann = project.store.load("ana", project.corpus.get("41")).annotations
    assert "Reuters" not in {s.text for s in ann.spans.values()}
    # the prediction that agrees with a real span is that span; the other is a ghost to accept or reject
    (ghost,) = ann.suggested_spans
    assert (ghost.id, ghost.label, ghost.text) == ("g1", "source", "Reuters")
    assert "ner-v2" in ghost.note and "0.87" in ghost.note


def test_keep_rejected_imports_a_cancelled_annotation(tmp_path):
    target = tmp_path / "p"
    import_paths(target, [EXPORT], "labelstudio", annotator="ana", offsets="utf16", keep_rejected=True)
    project = Project(target)
    ann = project.store.load("ana", project.corpus.get("42")).annotations
    assert {s.text for s in ann.spans.values()} == {"Officials"}


def test_export_goes_back_into_the_project_it_came_from(tmp_path):
    _project, out, tasks = import_export(tmp_path)
    original = CONFIG.read_text("utf-8")
    ours = (out / "labeling_config.xml").read_text("utf-8")
    task = next(t for t in tasks if t["data"]["doc_id"] == "41")
    result = task["annotations"][0]["result"]
    # the names and region ids that came in
    assert "ner" in task["data"] and "text" not in task["data"]
    assert {r["from_name"] for r in result if r["type"] != "relation"} == {"ner_labels", "kind", "comment", "topic"}
    assert {r["to_name"] for r in result if r["type"] != "relation"} == {"ner_text"}
    assert {r["id"] for r in result if r["type"] == "labels"} == {"Dx_aB91ISN", "k2Xq_0pLmA"}
    assert {"from_id": "k2Xq_0pLmA", "to_id": "Dx_aB91ISN"}.items() <= next(r for r in result if r["type"] == "relation").items()
    # attributes and notes as per-region results on the span's region id, the task-level choice back
    assert {(r["type"], r["id"], json.dumps(r["value"].get("choices") or r["value"].get("text")))
            for r in result if r["type"] in ("choices", "textarea")} == {
        ("choices", "k2Xq_0pLmA", '["direct"]'), ("textarea", "k2Xq_0pLmA", '["said at a briefing"]'),
        ("choices", "tOp1c_0001", '["politics"]')}
    for config in (original, ours):
        for t in tasks:
            assert errors_against(config, t) == []


def test_the_validation_catches_an_export_under_the_wrong_names(tmp_path):
    """The old export's names (`label`/`text`) against the project's config: what the checks must refuse."""
    _project, _out, tasks = import_export(tmp_path)
    task = json.loads(json.dumps(next(t for t in tasks if t["data"]["doc_id"] == "41")))
    for r in task["annotations"][0]["result"]:
        if r["type"] == "labels":
            r["from_name"], r["to_name"] = "label", "text"
    task["data"] = {"text": task["data"].pop("ner")}
    config = CONFIG.read_text("utf-8")
    assert structural_errors(config, task)
    found = sdk_errors(config, task)
    assert found is None or found


def test_sdk_validates_the_export_of_our_own_project(proj, tmp_path):
    pytest.importorskip("label_studio_sdk")
    export(proj, "labelstudio", tmp_path / "out", annotator=ANNOTATOR, offsets="utf16")
    config = (tmp_path / "out" / "labeling_config.xml").read_text("utf-8")
    tasks = json.loads((tmp_path / "out" / "data.json").read_text("utf-8"))
    assert any(r["type"] == "choices" for t in tasks for r in t["annotations"][0]["result"])
    for task in tasks:
        assert sdk_errors(config, task) == [] and structural_errors(config, task) == []


def test_our_export_comes_back_unchanged_with_attributes_and_notes(proj, tmp_path):
    out = tmp_path / "out"
    export(proj, "labelstudio", out, annotator=ANNOTATOR, offsets="utf16")
    assert "Nothing: every span, relation, attribute and note" in (out / "README.md").read_text("utf-8")
    target = tmp_path / "new"
    import_paths(target, [out / "data.json"], "labelstudio", annotator="imp", offsets="utf16")
    assert full(Project(target), "imp") == full(proj, ANNOTATOR)
    assert all(p.suffix == ".txt" for p in (target / "seeds").iterdir())  # nothing to keep: plain seeds


def test_flat_tasks_import_and_a_whitespace_only_task_is_skipped(tmp_path, capsys):
    target = tmp_path / "p"
    assert main(["import", str(FLAT), "--format", "labelstudio", "--project", str(target)]) == 0
    captured = capsys.readouterr()
    assert f"{FLAT}: task 3: document 'tasks-3' is only whitespace; skipped" in captured.err
    assert "imported 2 documents" in captured.out
    project = Project(target)
    assert sorted(project.corpus.ids) == ["tasks-1", "tasks-2"]
    assert project.corpus.get("tasks-1").meta["headline"] == "Raids"


def test_json_min_export_imports_spans_and_per_region_choices(tmp_path, capsys):
    target = tmp_path / "p"
    assert main(["import", str(MIN), "--format", "labelstudio", "--offsets", "utf16", "--annotator", "ana",
                 "--project", str(target)]) == 0
    err = capsys.readouterr().err
    assert "1 tasks have more than one annotation; the first of each is imported" in err
    assert "a JSON-MIN export: it holds no relations and no region ids" in err
    project = Project(target)
    doc = project.corpus.get("41")
    ann = project.store.load("ana", doc).annotations
    assert {(s.label, s.text, tuple(s.attrs.items())) for s in ann.spans.values()} == {
        ("source", "Police chief Aida Nur", (("kind", "partial"),)), ("quote", "we act within the law", (("kind", "direct"),))}
    assert doc.meta["topic"] == "politics" and "annotation_id" not in doc.meta and "lead_time" not in doc.meta


def test_json_min_written_by_the_sdk_converter_imports_like_the_json_export(tmp_path):
    pytest.importorskip("label_studio_sdk")
    from label_studio_sdk.converter import Converter

    converter = Converter(config=CONFIG.read_text("utf-8"), project_dir=None, download_resources=False)
    converter.convert_to_json_min(str(EXPORT), str(tmp_path / "min"), is_dir=False)
    import_paths(tmp_path / "a", [tmp_path / "min" / "result.json"], "labelstudio", annotator="ana", offsets="utf16")
    import_paths(tmp_path / "b", [EXPORT], "labelstudio", annotator="ana", offsets="utf16")
    a, b = Project(tmp_path / "a"), Project(tmp_path / "b")
    spans = lambda p: {(s.start, s.end, s.label) for s in p.store.load("ana", p.corpus.get("41")).annotations.spans.values()}
    assert spans(a) == spans(b)
    # one per-region choice collapses to a plain value in JSON-MIN: kept in the meta, not lost
    assert a.corpus.get("41").meta["kind"] == "direct" and a.corpus.get("41").meta["comment"] == "said at a briefing"


def test_a_task_whose_text_key_is_unknown_is_refused_naming_the_task(tmp_path, capsys):
    src = tmp_path / "in.json"
    src.write_text(json.dumps([{"data": {"title": "A", "body": "B"}}]), "utf-8")
    assert main(["import", str(src), "--format", "labelstudio", "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{src}: task 1: which data key holds the text?" in err
    assert "labeling_config.xml" in err


def test_notices_name_the_task_not_none(tmp_path, capsys):
    src = tmp_path / "in.json"
    src.write_text(json.dumps([{"data": {"text": " x "}, "annotations": [{"result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 3, "text": " x ", "labels": ["claim"]}}]}]}]), "utf-8")
    assert main(["import", str(src), "--format", "labelstudio", "--project", str(tmp_path / "p")]) == 0
    err = capsys.readouterr().err
    assert f"{src}: task 1: span a trimmed of whitespace at its edges" in err and ":None:" not in err


def test_importing_the_same_export_again_changes_nothing(tmp_path, capsys):
    target = tmp_path / "p"
    args = ["import", str(EXPORT), "--format", "labelstudio", "--offsets", "utf16", "--annotator", "ana", "--project", str(target)]
    assert main(args) == 0
    files = {p: p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()}
    capsys.readouterr()
    assert main(args) == 0  # the same spans, links and suggestions: left as they are, not refused
    assert "already holds these annotations; left as it is" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()} == files
