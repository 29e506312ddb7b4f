"""Everything but reader/tui (and the command line launching it) works without Textual."""

from __future__ import annotations

import subprocess
import sys

HEADLESS = ["reader.model", "reader.schema", "reader.corpus", "reader.store", "reader.project",
            "reader.segment", "reader.tui.wrap", "reader.tui.paint", "reader.tui.moves", "reader.cli"]


def test_headless_modules_do_not_import_textual() -> None:
    code = (
        "import sys, importlib\n"
        f"for name in {HEADLESS!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
