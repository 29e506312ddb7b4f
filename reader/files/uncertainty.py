"""How unsure a trained model was of each of an annotator's documents: `.uncertainty.json` beside
their files, written by `reader suggest --model` and read by the documents screen (active learning).

In `files` rather than `suggest` so that the documents screen can read it without loading the
suggestion code at start-up.
"""

from __future__ import annotations

import json
from pathlib import Path

from reader.core.model import now_iso
from reader.files.atomic import write_atomic

UNCERTAINTY_FILE = ".uncertainty.json"


def read_uncertainty(folder: Path) -> dict[str, float]:
    """doc id -> the model's uncertainty, from an annotator's `.uncertainty.json` (empty if none or
    unreadable: it is a hint for ordering, never something to fail on)."""
    try:
        data = json.loads((Path(folder) / UNCERTAINTY_FILE).read_text("utf-8"))
        docs = data.get("documents") or {}
        return {str(k): float(v["uncertainty"]) for k, v in docs.items() if isinstance(v, dict) and "uncertainty" in v}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def save_uncertainty(folder: Path, model: str, values: dict[str, float]) -> None:
    """Add these documents' uncertainty (by `model`) to the annotator's `.uncertainty.json`."""
    path = Path(folder) / UNCERTAINTY_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
        docs = data.get("documents") if isinstance(data, dict) else None
        docs = docs if isinstance(docs, dict) else {}
    except (OSError, ValueError):
        docs = {}
    stamp = now_iso()
    for doc_id, value in values.items():
        docs[doc_id] = {"uncertainty": value, "model": model, "updated": stamp}
    body = {"about": "how unsure a trained model was of each document at `reader suggest --model` "
                     "(mean over tokens of 1 - the tagger's largest marginal); higher teaches it more",
            "documents": dict(sorted(docs.items()))}
    write_atomic(path, json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
