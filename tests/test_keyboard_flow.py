"""Issue 15, key by key: the source picker after a label key, and each thing that cost keys (the cursor
after labelling, word stops, dialog keys, previous match, extending a match, span edges, a label key
on a span, suggestions in the panel and footer, the link dialog's rows, the span list, the help,
quotation marks). Under Pilot where a user would notice it on the screen, headless where it is text."""

from __future__ import annotations

import pytest

from reader.core.text import Segmenter
from reader.tui.app import create_app
from reader.tui.article import ArticleView, default_quote_pairs
from reader.tui.dialogs import ChoiceDialog
from reader.tui.help import HelpScreen
from reader.tui.tag_panel import SpanList
from reader.view.extents import grow, moved_edge, name_at, names_in, next_quotation
from reader.view.link_choices import link_choices
from tests.conftest import SEED_ID, make_project
from tests.viewapp import ViewApp, annotations

SIZE = (120, 34)


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


def view(app) -> ArticleView:
    return app.screen_stack[1].query_one(ArticleView)


def spans(app) -> list[tuple[str, str]]:
    return sorted((s.label, s.text) for s in app.session.annotations.spans.values())


def links(app) -> list[tuple[str, str]]:
    ann = app.session.annotations
    return sorted((ann.spans[r.head].text, ann.spans[r.tail].text) for r in ann.relations.values())


async def select(pilot, app, phrase: str, nth: int = 0) -> None:
    text = app.session.annotations.text
    at = -1
    for _ in range(nth + 1):
        at = text.index(phrase, at + 1)
    view(app).select(at, at + len(phrase))
    await pilot.pause()


async def put_cursor(pilot, app, phrase: str) -> int:
    at = app.session.annotations.text.index(phrase)
    view(app).move_to(at)
    await pilot.pause()
    return at


def rows(dialog: ChoiceDialog) -> list[str]:
    return [f"{c.key} {c.prompt}" for c in dialog.choices]


# --------------------------------------------------------------------------- the flow


async def test_a_quote_with_a_marked_source_is_selection_label_enter(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "HRW", 1)  # the HRW of "HRW said"
        await pilot.press("4")
        assert not isinstance(app.screen, ChoiceDialog)  # a source links nothing: no picker
        await select(pilot, app, "Police ... subjected some detainees")
        await pilot.press("2")
        assert isinstance(app.screen, ChoiceDialog)  # opened by the label key itself
        await pilot.press("enter")
        assert links(app) == [("Police ... subjected some detainees", "HRW")]


async def test_the_picker_offers_names_near_the_span_and_marks_the_one_chosen(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app, "Kazakhstan protesters")
        await pilot.press("e", "3")  # the clause before ", says Human Rights Watch"
        dialog = app.screen
        assert rows(dialog)[:2] == ["p Pick a new source in the text…",
                                    "1 Human Rights Watch  (new source, 7 chars after)  …after unrest, says Human Rights Watch"]
        await pilot.press("1")
        assert spans(app) == [("allegation", "Kazakhstan protesters were tortured after unrest"),
                              ("source", "Human Rights Watch")]
        assert links(app) == [("Kazakhstan protesters were tortured after unrest", "Human Rights Watch")]
        await pilot.press("u")  # marking the name and linking it is one step
        assert spans(app) == [("allegation", "Kazakhstan protesters were tortured after unrest")]


async def test_escape_leaves_a_claim_without_source_and_ctrl_l_turns_the_picker_off(project):
    app = create_app(project, "tester", keymap="emacs")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await put_cursor(pilot, app, "Around 10,000")
        await pilot.press("1", "escape")
        assert spans(app) == [("claim", "Around 10,000 people were detained after widespread anti-government protests last month.")]
        assert links(app) == [] and not isinstance(app.screen, ChoiceDialog)
        await pilot.press("ctrl+l")
        await put_cursor(pilot, app, "Demonstrations")
        await pilot.press("1")
        assert not isinstance(app.screen, ChoiceDialog) and len(spans(app)) == 2
        assert any("Source picker after a label key: off" in n.message for n in app._notifications)


async def test_labels_yaml_can_turn_the_picker_off_for_the_project(project):
    labels = project.path / "annotations" / "labels.yaml"
    labels.write_text("link_after_label: false\n" + labels.read_text("utf-8"), "utf-8")
    from reader.files.project import Project

    app = create_app(Project(project.path), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app, "Around 10,000")
        await pilot.press("1")
        assert not isinstance(app.screen, ChoiceDialog) and len(spans(app)) == 1
        await pilot.press("ctrl+l")  # and ctrl+l still turns it on for the session
        await put_cursor(pilot, app, "Demonstrations")
        await pilot.press("1")
        assert isinstance(app.screen, ChoiceDialog)


def test_link_after_label_in_labels_yaml_must_be_true_or_false(project):
    from reader.core.errors import UserError
    from reader.files.labels import load_schema

    labels = project.path / "annotations" / "labels.yaml"
    labels.write_text("link_after_label: sometimes\n" + labels.read_text("utf-8"), "utf-8")
    with pytest.raises(UserError, match="link_after_label"):
        load_schema(project.path)


async def test_a_source_picked_in_the_text_is_the_name_at_the_cursor(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app, "President Kassym-Jomart")
        await pilot.press("3", "p")  # the sentence; pick in the text
        await put_cursor(pilot, app, "Jomart")  # inside the name: no selection needed
        await pilot.press("enter")
        assert ("source", "President Kassym-Jomart Tokayev") in spans(app) and len(links(app)) == 1


# --------------------------------------------------------------------------- 1, 7: after a label key


async def test_after_labelling_the_cursor_is_at_the_span_end_and_a_label_key_relabels(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await select(pilot, app, "Asset Abichev")
        await pilot.press("4")
        text = app.session.annotations.text
        assert view(app).cursor == text.index("Asset Abichev") + len("Asset Abichev")
        await pilot.press("1")  # no selection, on the source: relabel it, not a second span
        assert spans(app) == [("claim", "Asset Abichev")]
        assert any("Relabelled source as claim (u undoes)" in n.message for n in app._notifications)
        await pilot.press("u")
        assert spans(app) == [("source", "Asset Abichev")]


async def test_the_cursor_after_labelling_leaves_the_next_span_a_word_away(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "Asset Abichev")
        await pilot.press("4", "w")
        assert view(app).cursor == app.session.annotations.text.index("told AFP")


# --------------------------------------------------------------------------- 2: word stops


async def test_w_and_b_stop_once_in_a_possessive_and_a_hyphenated_name() -> None:
    text = "after last month's unrest, Kassym-Jomart Tokayev said"
    app = ViewApp(text)
    async with app.run_test(size=(70, 4)) as pilot:
        v = app.query_one(ArticleView)
        seen = []
        for _ in range(6):
            await pilot.press("w")
            seen.append(text[v.cursor:].split(" ")[0])
        assert seen == ["last", "month's", "unrest,", ",", "Kassym-Jomart", "Tokayev"]
        await pilot.press("b")
        assert v.cursor == text.index("Kassym")
        await pilot.press("b", "b", "b")
        assert v.cursor == text.index("month's")


# --------------------------------------------------------------------------- 3: dialogs answer their keys


async def test_every_list_dialog_answers_to_the_keys_it_shows(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "They beat me on my chest")
        await pilot.press("2", "escape", "r")
        assert "3 allegation  (An accusation of wrongdoing made against someone.)" in rows(app.screen)
        await pilot.press("3")
        assert spans(app) == [("allegation", "They beat me on my chest")]
        await pilot.press("r", "2", "a")  # back to quote; its attributes, numbered
        assert rows(app.screen)[:2] == ["1 kind: direct", "2 kind: partial"]
        await pilot.press("2")
        assert next(iter(app.session.annotations.spans.values())).attrs == {"kind": "partial"}


# --------------------------------------------------------------------------- 4, 5: search


@pytest.mark.parametrize("keymap", ["default", "vim"])
async def test_previous_match_goes_back_and_a_match_can_be_extended(project, keymap):
    app = create_app(project, "tester", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        text = app.session.annotations.text
        lower = text.lower()
        await pilot.press("slash", *"human", "enter")
        first = lower.index("human")
        assert view(app).selection == (first, first + 5)
        nxt, prev = ("n", "N") if keymap == "vim" else ("f3", "shift+f3")
        await pilot.press(nxt, nxt)
        third = lower.index("human", lower.index("human", first + 1) + 1)
        assert view(app).selection[0] == third
        await pilot.press(prev)
        assert view(app).selection[0] == lower.index("human", first + 1)
        await pilot.press("w", "w")  # extends the match: Human Rights Watch
        start = lower.index("human", first + 1)
        assert text[slice(*view(app).selection)] == text[start:start + len("Human Rights ")]


# --------------------------------------------------------------------------- 6: span edges


async def test_span_edges_move_by_word_or_mark_and_the_span_stays_under_the_caret(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "cause for deep")
        await pilot.press("2", "escape", "full_stop")
        assert spans(app) == [("quote", "cause for deep concern")]
        await pilot.press("full_stop")
        assert spans(app) == [("quote", 'cause for deep concern"')]  # a word and its closing mark
        await pilot.press("comma", "comma", "comma")  # the end passes where the cursor was
        assert spans(app) == [("quote", "cause for")]
        await pilot.press("full_stop")  # still the span under the caret
        assert spans(app) == [("quote", "cause for deep")]


def test_an_edge_never_crosses_a_paragraph_break() -> None:
    text = "The claim ends here.\n\nNext paragraph starts."
    seg = Segmenter(text)
    end = text.index(".")
    assert moved_edge(seg, 4, end, "end", 1) == (4, end + 1)  # the full stop
    assert moved_edge(seg, 4, end + 1, "end", 1) == (4, end + 1)  # then no further
    nxt = text.index("Next")
    assert moved_edge(seg, nxt, nxt + 4, "start", -1) == (nxt, nxt + 4)
    assert moved_edge(seg, 4, 9, "start", 1) == (9, 9)  # one word left: cannot shrink


# --------------------------------------------------------------------------- 8: suggestions


def suggested_project(root):
    from reader.core.annotations import DocAnnotations
    from reader.suggest.rules import suggest_into

    project = make_project(root)
    ann = DocAnnotations(project.corpus.get(SEED_ID), project.schema)
    suggest_into(ann)
    project.store.save("tester", ann)
    return project, len(ann.suggested_spans)


def footer_keys(app) -> set[str]:
    from textual.widgets._footer import FooterKey

    return {k.key for k in app.screen.query(FooterKey)}


async def test_suggestions_are_counted_named_under_the_cursor_and_their_keys_shown(tmp_path, project):
    suggested, count = suggested_project(tmp_path / "s")
    app = create_app(suggested, "tester")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.screen.panel
        assert str(panel.query_one("#spans-title").render()).startswith(f"Spans (0) · {count} suggested")
        assert {"y", "X", "A", "f"} <= footer_keys(app)
        await put_cursor(pilot, app, "subjected some detainees")
        here = str(panel.query_one("#suggestion-here").render())
        assert "suggested quote: Police ... subjected" in here and "← HRW" in here and "y accepts" in here
        await put_cursor(pilot, app, "Share this article")
        assert not panel.query_one("#suggestion-here").display
    plain = create_app(project, "tester")
    async with plain.run_test(size=SIZE):
        assert not {"y", "X", "A", "f"} & footer_keys(plain)  # nothing to decide: not in the footer


# --------------------------------------------------------------------------- 9: link rows, span list


async def test_link_rows_tell_identical_sources_apart_and_going_to_a_span_shows_its_start(project):
    app = create_app(project, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "Human Rights Watch", 0)
        await pilot.press("4")
        await select(pilot, app, "Human Rights Watch", 1)
        await pilot.press("4")
        await select(pilot, app, "The NGO said")
        await pilot.press("1")
        shown = rows(app.screen)[:2]
        assert shown[0].startswith("1 Human Rights Watch  (source, 9 chars before)  …unrest, according to")
        assert shown[1].startswith("2 Human Rights Watch  (source, 534 chars before)  …after unrest, says")
        await pilot.press("escape", "g", "tab", "up", "enter")  # from the claim's row to the HRW before it
        at = app.session.annotations.text.index("Human Rights Watch (HRW)")
        assert view(app).has_focus and view(app).cursor == at
        assert view(app).selection == (at, at + len("Human Rights Watch"))


# --------------------------------------------------------------------------- 10: help and panel


async def test_help_shows_this_screens_keys_and_a_shows_every_screens(project):
    app = create_app(project, "tester")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = {r.binding_id for r in help_screen.shown}
        assert "span.link" in shown and not any(i.startswith("review.") for i in shown)
        await pilot.press("a")
        assert {"review.take_a", "span.link"} <= {r.binding_id for r in help_screen.shown}


async def test_the_span_list_shows_notes_and_ends_a_clipped_line_with_an_ellipsis(project):
    app = create_app(project, "tester")
    async with app.run_test(size=(90, 30)) as pilot:
        await select(pilot, app, "Police ... subjected some detainees to ill-treatment and torture")
        await pilot.press("2", "escape", "m", *"check the source", "enter")
        lines = app.screen.query_one(SpanList)
        line = lines.render_line(0).text
        assert line.rstrip().endswith("…") and len(line) == lines.size.width
        assert "✎ check" in line


# --------------------------------------------------------------------------- 11 and the headless units


@pytest.mark.parametrize("marks", ["「」", "『』", "“”", "«»"])
def test_e_knows_every_quotation_pair_suggest_knows(marks: str) -> None:
    text = f"他说{marks[0]}警察打了我{marks[1]}。"
    seg = Segmenter(text)
    inside = text.index("警")
    assert grow(seg, inside, inside + 1, default_quote_pairs()) == (inside, inside + 5)
    assert set(marks) <= {m for pair in default_quote_pairs() for m in pair}


def test_e_grows_to_the_clause_and_the_statement_after_that() -> None:
    text = "Asset Abichev told AFP that he was arrested by police, held and tortured for a week."
    seg = Segmenter(text)
    pairs = default_quote_pairs()
    at = text.index("held")
    first = grow(seg, at, at, pairs)
    assert text[slice(*first)] == "held and tortured for a week"
    assert text[slice(*grow(seg, *first, pairs))] == "he was arrested by police, held and tortured for a week"


def test_quotation_moves_and_names() -> None:
    text = 'Tokayev blamed "terrorists" and "bandits". The NGO said so. President Kassym-Jomart Tokayev spoke.'
    seg = Segmenter(text)
    pairs = default_quote_pairs()
    assert next_quotation(seg, 0, 1, pairs) == text.index("terrorists")
    after = text.index("bandits") + len("bandits")
    assert next_quotation(seg, after, -1, pairs) == text.index("terrorists")  # not the one it ends
    assert [text[s:e] for s, e in names_in(text, 0, len(text))] == ["Tokayev", "NGO", "President Kassym-Jomart Tokayev"]
    assert text[slice(*name_at(text, text.index("Jomart")))] == "President Kassym-Jomart Tokayev"


def test_link_choices_put_marked_sources_first_then_names_near_the_span() -> None:
    text = "HRW said this. Later, police said that the report was false, according to Amnesty."
    ann = annotations(text, [(0, 3, "source")])
    claim = ann.add_span(text.index("the report"), text.index(", according"), "claim")
    choices = link_choices(ann, claim, ("source",))
    assert [(c.text, c.span_id is None, c.where) for c in choices] == [
        ("HRW", False, "before"), ("Amnesty", True, "after"), ("Later", True, "before"),
    ]
    assert choices[1].distance == len(", according to ") and choices[1].context == "…false, according to Amnesty."
