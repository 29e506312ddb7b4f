"""Start-up: the plain `reader` command draws the article without loading what only a later key, a
dialog or another command needs (each module costs time before the first frame), and the keys of the
screens that load later can still be rebound from the start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.files.project import Project

FIRST_FRAME = """
import json, sys
from reader.commands.cli import main
from reader.tui import app as reader_app

original = reader_app.ReaderApp._display
def display(self, screen, renderable):
    original(self, screen, renderable)
    if renderable is not None and self.screen.query("ArticleView"):
        print(json.dumps(sorted(sys.modules)), flush=True)
        self.exit()
reader_app.ReaderApp._display = display
run = reader_app.ReaderApp.run
reader_app.ReaderApp.run = lambda self, **kw: run(self, headless=True, size=(120, 40))
sys.argv = ["reader", "--project", sys.argv[1]]
main()
"""

LATER = [
    # other commands
    "reader.formats", "reader.review", "reader.suggest.run", "reader.suggest.training", "reader.commands.validate",
    "reader.commands.stats", "reader.commands.show",
    # screens and code a key opens
    "reader.tui.dialogs", "reader.tui.documents", "reader.tui.help", "reader.view.link_choices", "reader.view.extents",
]


def modules_at_first_frame(project: Project, tmp_path: Path) -> set[str]:
    env = {**os.environ, "READER_ANNOTATOR": "tester", "READER_CONFIG_DIR": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(project.path)], capture_output=True, text=True,
                         env=env, timeout=120, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_article_is_drawn_before_other_commands_and_later_screens_load(project, tmp_path):
    loaded = modules_at_first_frame(project, tmp_path)
    assert "reader.tui.article" in loaded  # the probe saw the article drawn
    early = sorted(name for name in LATER if any(m == name or m.startswith(name + ".") for m in loaded))
    assert early == []


@pytest.mark.parametrize("module, names", [
    ("reader.tui.dialogs", ["Choices", "ChoiceDialog", "TextDialog", "LineInput"]),
    ("reader.tui.documents", ["DocumentsScreen", "DocumentTable"]),
    ("reader.tui.help", ["HelpScreen"]),
])
def test_every_key_of_a_later_screen_can_be_rebound_by_a_keymap(module, names):
    import importlib

    from reader.tui.catalog import known_ids

    known = known_ids()
    classes = importlib.import_module(module)
    for name in names:
        for binding in getattr(classes, name).BINDINGS:
            assert known.get(binding.id) == binding.key, binding.id
