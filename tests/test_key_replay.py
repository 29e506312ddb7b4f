"""A full manual annotation of the seed article by keys alone, checked in the file it saves.

Pilot presses `tests/seed_keys.py`'s script (default keymap, from the document's start); the saved
file must say exactly what the hand-made reference annotation says (`tests/reference_seed.py`):
every span with its offsets, label, attributes and note, every link, the status. The issue's goal
is checked too: the whole annotation in under 200 keys (it took 392 before).
"""

from __future__ import annotations

import pytest

from reader.tui.app import create_app
from tests import reference_seed
from tests.conftest import SEED_ID
from tests.seed_keys import SCRIPT, SIZE, normalised, replay, saved


@pytest.fixture(autouse=True)
def no_user_keymap(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "config"))


async def test_the_key_script_annotates_the_seed_as_the_reference(project):
    app = create_app(project, "replay")
    async with app.run_test(size=SIZE) as pilot:
        counts = await replay(pilot, SCRIPT)
        mine = normalised(saved(app, SEED_ID))
    reference = normalised(reference_seed.build())
    assert mine[0] == reference[0]  # spans: offsets, labels, quote kinds, notes
    assert mine[1] == reference[1]  # links by their ends
    assert mine[2] == reference[2] == "done"
    assert sum(counts) < 200 and len(reference[0]) == 37

