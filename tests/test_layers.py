"""The headless core stays headless: nothing outside reader/tui imports Textual (DESIGN.md layers)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import reader
from tests.conftest import REPO

CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(reader.__path__, "reader.")
    if not m.name.startswith("reader.tui") and m.name not in ("reader.__main__",)
)


def test_core_modules_import_without_textual():
    assert "reader.model" in CORE and "reader.store" in CORE
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "", f"Textual imported by the core: {out.stdout.strip()}"
