"""Finding and reading the documents of a project's `seeds/` folder.

Formats: `.txt` (the file name without extension is the id), `.md` with optional YAML front matter
(title, source, url, date), `.jsonl` with `id` and `text` on each line (other keys become meta).

Text is normalised once, here, so that offsets mean the same everywhere after:
- every line break that `str.splitlines` knows (`\\r\\n`, `\\r`, `\\v`, `\\f`, `\\x1c`-`\\x1e`,
  U+0085, U+2028, U+2029) becomes `\\n`;
- other C0/C1 control characters (ESC among them) become a visible placeholder, one character for one,
  so nothing reaches the terminal raw and offsets of the rest do not move.
A file that is not UTF-8, is binary or is empty gives one error for that file; the rest still loads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from reader.core.errors import UserError
from reader.core.model import Document

SUFFIXES = (".txt", ".md", ".jsonl")

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# C0 controls but \t and \n -> the Control Pictures block (U+2400 + code); DEL -> U+2421;
# C1 controls -> U+FFFD (Unicode has no pictures for them).
_CONTROLS = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROLS[0x7F] = 0x2421
_CONTROLS.update({c: 0xFFFD for c in range(0x80, 0xA0)})
_HAS_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ID_BAD = re.compile(r"[/\\\x00-\x1f]")


class CorpusError(UserError):
    """A seed file that cannot be read as a document."""


def check_name(kind: str, name: str) -> str:
    """Refuse names that would escape their folder or cannot be file names: empty, separators, '..'."""
    if not isinstance(name, str) or not name.strip():
        raise UserError(f"{kind} must not be empty")
    if _ID_BAD.search(name) or name in (".", "..") or ".." in name or name.startswith("."):
        raise UserError(f"{kind} {name!r} is not allowed (no path separators, '..' or leading '.')")
    return name


def normalise_text(raw: str) -> tuple[str, list[str]]:
    """Line breaks to `\\n`, control characters to placeholders; returns the text and what was done."""
    done: list[str] = []
    if raw.startswith("\ufeff"):
        raw = raw[1:]
        done.append("bom")
    text = _LINE_BREAKS.sub("\n", raw)
    if len(text) != len(raw) or text != raw:
        done.append("newlines")
    if _HAS_CONTROL.search(text):
        text = text.translate(_CONTROLS)
        done.append("controls")
    return text, done


def decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise CorpusError("binary file (contains NUL bytes), not text", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", path) from None
    if not text.strip():
        raise CorpusError("empty document", path)
    return text


def _front_matter(path: Path, text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CorpusError(
            f"front matter is not valid YAML ({getattr(exc, 'problem', exc)})",
            path,
            mark.line + 2 if mark is not None else None,
        ) from None
    if not isinstance(meta, dict):
        raise CorpusError("front matter must be a mapping", path)
    meta = {str(k): (v if isinstance(v, (str, int, float, bool)) or v is None else str(v)) for k, v in meta.items()}
    return meta, text[end + 5 :]


def read_documents(path: Path) -> list[Document]:
    """The documents in one seed file (several for `.jsonl`); raises CorpusError for a bad file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read ({exc.strerror})", path) from None
    raw = decode(path, data)
    if path.suffix == ".jsonl":
        return _read_jsonl(path, raw)
    meta: dict = {}
    text, done = normalise_text(raw)
    if path.suffix == ".md":
        meta, text = _front_matter(path, text)
        if not text.strip():
            raise CorpusError("empty document (front matter only)", path)
    doc_id = check_name("document id", path.stem)
    meta = {**meta, "file": path.name}
    if done:
        meta["normalised"] = done
    return [Document(doc_id, text, meta)]


def jsonl_records(path: Path, raw: str, error: type[UserError] = UserError) -> Iterator[tuple[int, Any]]:
    """(line number, value) of every non-blank line of a JSON Lines text; one line naming file and
    line for a line that is not JSON. Shared by the corpus and the formats that import JSON Lines."""
    for number, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"not valid JSON ({exc.msg})", path, number) from None


def _read_jsonl(path: Path, raw: str) -> list[Document]:
    docs: list[Document] = []
    for number, record in jsonl_records(path, raw, CorpusError):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise CorpusError("each line needs a string 'text'", path, number)
        doc_id = record.get("id")
        if not isinstance(doc_id, (str, int)):
            raise CorpusError("each line needs an 'id'", path, number)
        try:
            doc_id = check_name("document id", str(doc_id))
        except UserError as exc:
            raise CorpusError(exc.message, path, number) from None
        if not record["text"].strip():
            raise CorpusError(f"document {doc_id!r} is empty", path, number)
        text, done = normalise_text(record["text"])
        meta = {k: v for k, v in record.items() if k not in ("id", "text")}
        meta["file"] = path.name
        if done:
            meta["normalised"] = done
        docs.append(Document(doc_id, text, meta))
    return docs


@dataclass
class Corpus:
    """The documents of a project in a stable order (file name, then line), and the files that failed."""

    documents: dict[str, Document] = field(default_factory=dict)
    errors: list[CorpusError] = field(default_factory=list)

    def __iter__(self):
        return iter(self.documents.values())

    def __len__(self) -> int:
        return len(self.documents)

    @property
    def ids(self) -> list[str]:
        return list(self.documents)

    def get(self, doc_id: str) -> Document:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise UserError(f"no document {doc_id!r} in the corpus") from None


def seed_files(project: Path) -> list[Path]:
    folder = Path(project) / "seeds"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in SUFFIXES)


def load_corpus(project: Path) -> Corpus:
    """Every document in `seeds/`; a bad file is recorded in `errors` and the rest still load."""
    corpus = Corpus()
    for path in seed_files(project):
        try:
            docs = read_documents(path)
        except CorpusError as exc:
            corpus.errors.append(exc)
            continue
        for doc in docs:
            if doc.id in corpus.documents:
                corpus.errors.append(CorpusError(f"document id {doc.id!r} is used twice", path))
                continue
            corpus.documents[doc.id] = doc
    return corpus
