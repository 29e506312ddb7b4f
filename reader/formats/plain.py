"""Import of plain texts (`.txt`) and Markdown with YAML front matter (`.md`): the files are copied
into seeds/ as they are, and read back exactly as the corpus reads every seed."""

from __future__ import annotations

from pathlib import Path

from reader.files.corpus import read_documents
from reader.formats.importing import Imported


def read(path: Path, fmt: str) -> list[Imported]:
    suffix = f".{fmt}"
    files = sorted(p for p in path.rglob(f"*{suffix}") if p.is_file()) if path.is_dir() else [path]
    out: list[Imported] = []
    for file in files:
        data = file.read_bytes()
        for doc in read_documents(file):
            raw = doc.text
            out.append(Imported(doc.id, raw, dict(doc.meta), file, seed_bytes=data, seed_suffix=suffix))
    return out
