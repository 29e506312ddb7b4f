"""Keys a full manual annotation of the seed article takes, today and before issue 15, both replayed in
this run. Prints one JSON object a line: {"name", "value", "unit"}.

Both key scripts live in `tests/seed_keys.py` and make the same annotation (`tests/reference_seed.py`:
37 spans, 19 links, 10 quote kinds, status done); each replay's saved file is checked against it
before its keys count, so a figure is never that of a different annotation.
- today: `SCRIPT` pressed by Pilot in this process;
- the baseline: `BEFORE` pressed on commit 6f4aedf (the app before issue 15), which this script
  extracts with `git archive` into a temporary folder and runs in a subprocess with that package
  first on `sys.path` (the same replay code). Without git or that commit the baseline lines are
  left out and a line on stderr says why; the issue's own count by hand was 392 keys.

A *unit* is a step of a script: one span, or a claim, quote or allegation with its source linked
(its quote kind included); the goal is no unit over 8 keys and the whole seed under 200.

    python benchmarks/keys_bench.py
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_COMMIT = "6f4aedf"
"""The app before issue 15's keyboard flow."""


def emit(name: str, value, unit: str) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit}), flush=True)


def _seed_keys():
    """tests/seed_keys.py of this checkout, whichever `reader` and `tests` come first on sys.path."""
    spec = importlib.util.spec_from_file_location("seed_keys", ROOT / "tests" / "seed_keys.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _replay(script_name: str) -> dict:
    """Replay one script on the `reader` first on sys.path; its key counts and whether it made the reference."""
    from reader.tui.app import create_app
    from tests import reference_seed
    from tests.conftest import SEED_ID, make_project

    seed_keys = _seed_keys()
    script = getattr(seed_keys, script_name)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["READER_CONFIG_DIR"] = str(Path(tmp) / "config")  # no user keymap
        app = create_app(make_project(Path(tmp) / "project"), "replay")
        async with app.run_test(size=seed_keys.SIZE) as pilot:
            counts = await seed_keys.replay(pilot, script)
            made = seed_keys.normalised(seed_keys.saved(app, SEED_ID))
    reference = seed_keys.normalised(reference_seed.build())
    return {"counts": counts, "same": made == reference, "spans": len(reference[0]),
            "units": [what for what, _keys in script]}


def _old_tree(folder: Path) -> Path | None:
    """The package at BASE_COMMIT, extracted into `folder` (None: no git, or no such commit)."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", BASE_COMMIT],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"keys_bench: no baseline: cannot extract {BASE_COMMIT} ({exc})", file=sys.stderr)
        return None
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "reader" / "keymaps").symlink_to(folder / "keymaps")  # package data, as installed
    return folder


def _baseline() -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        tree = _old_tree(Path(tmp) / "old")
        if tree is None:
            return None
        done = subprocess.run([sys.executable, __file__, "--replay", "BEFORE", "--tree", str(tree)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"keys_bench: no baseline: the old app failed\n{done.stderr}", file=sys.stderr)
            return None
        return json.loads(done.stdout.splitlines()[-1])


def report(result: dict, suffix: str = "") -> None:
    counts, spans = result["counts"], result["spans"]
    emit(f"keys_total{suffix}", sum(counts), "keys")
    emit(f"keys_per_span{suffix}", round(sum(counts) / spans, 2), "keys/span")
    emit(f"keys_per_unit_max{suffix}", max(counts), "keys")
    emit(f"units_over_8_keys{suffix}", sum(1 for n in counts if n > 8), "units")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replay", help=argparse.SUPPRESS)  # the subprocess: one script, on --tree
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay:
        sys.path.insert(0, args.tree)
        print(json.dumps(asyncio.run(_replay(args.replay))))
        return 0
    sys.path.insert(0, str(ROOT))
    today = asyncio.run(_replay("SCRIPT"))
    if not today["same"]:
        print("keys_bench: today's script no longer makes the reference annotation", file=sys.stderr)
        return 1
    report(today)
    for what, n in zip(today["units"], today["counts"]):
        if n > 8:
            print(f"keys_bench: {n} keys: {what}", file=sys.stderr)
    before = _baseline()
    if before is None:
        return 0
    if not before["same"]:
        print("keys_bench: the baseline script no longer makes the reference annotation", file=sys.stderr)
        return 1
    report(before, "_baseline")
    emit("keys_ratio", round(sum(today["counts"]) / sum(before["counts"]), 2), "today/baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
