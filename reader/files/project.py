"""An annotation project: a folder with `seeds/` and `annotations/`, opened once for every command.

Holds the schema, the corpus and the store together so that the command line, the app and the
tests reach them the same way. The corpus is read lazily: `reader show FILE` needs none of it.
"""

from __future__ import annotations

import getpass
import os
from functools import cached_property
from pathlib import Path

from reader.core.errors import UserError
from reader.core.schema import Schema
from reader.files.corpus import Corpus, check_name, load_corpus
from reader.files.labels import load_schema, write_schema
from reader.files.store import Store


def default_annotator() -> str:
    """`$READER_ANNOTATOR`, else the login name."""
    name = os.environ.get("READER_ANNOTATOR") or ""
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no login name (containers): fall back to a fixed one
            name = "annotator"
    return check_name("annotator", name)


class Project:
    def __init__(self, path: Path | str = ".") -> None:
        self.path = Path(path).resolve()

    def require(self) -> "Project":
        """Refuse a folder that is not a project (no seeds/ and no annotations/)."""
        if not self.path.is_dir():
            raise UserError("no such folder", self.path)
        if not (self.path / "seeds").is_dir() and not (self.path / "annotations").is_dir():
            raise UserError("not an annotation project (no seeds/ or annotations/ folder)", self.path)
        return self

    def create(self, schema: Schema | None = None) -> "Project":
        """Make the folder a project: seeds/, annotations/ and a labels.yaml if it has none."""
        (self.path / "seeds").mkdir(parents=True, exist_ok=True)
        (self.path / "annotations").mkdir(parents=True, exist_ok=True)
        if not (self.path / "annotations" / "labels.yaml").exists():
            write_schema(self.path, schema or load_schema(self.path))
        ignore = self.path / "annotations" / ".gitignore"
        if not ignore.exists():  # locks, journals, unfinished saves, cursors: the machine's, not the project's
            ignore.write_text("# written by reader: lock files, edit journals, unfinished saves, cursors\n"
                              ".*.lock\n**/.*.lock\n**/.*.tmp\n**/.*.journal\n**/.state.json\n")
        self.__dict__.pop("schema", None)
        return self

    @cached_property
    def schema(self) -> Schema:
        return load_schema(self.path)

    @cached_property
    def corpus(self) -> Corpus:
        return load_corpus(self.path)

    @cached_property
    def store(self) -> Store:
        return Store(self.path, self.schema)

    def reload(self) -> None:
        for name in ("schema", "corpus", "store"):
            self.__dict__.pop(name, None)
