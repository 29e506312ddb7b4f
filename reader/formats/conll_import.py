"""Import of token-tag files: CoNLL-2003 columns, `token<TAB>tag`, and doccano's and Label Studio's
CoNLL exports, tagged IOB1, IOB2 or BIOES (BILOU too; bare `PER` tags are read as IO).

A CoNLL file has tokens, not the text they came from, so a document's text is rebuilt: tokens
joined by one space, sentences (blank-line blocks) by a line break. Spans are the tagged runs of
tokens on that text; nothing is guessed about the original spacing. The token is the first column
and the tag the last; columns in between (CoNLL-2003's part of speech and chunk tags) have no place
in a project and are reported, not silently dropped. A tab-separated file is split at tabs, any
other at runs of whitespace.

Documents start at `-DOCSTART-` lines (a file without one is one document). They are named by the
dataset card beside the file when it has them: `reader export --format conll` lists each file's
document ids, one a `-DOCSTART-`, under `documents` in the YAML header of its README.md, so an export
imports back under its own ids. Otherwise (no card, or one whose list does not fit the file, which a
notice says) they are named after the file: `<stem>` for a file of one document, `<stem>-<n>`
otherwise. Label Studio's CONLL2003 export writes a single `-DOCSTART- -X- O` and then each task as
one blank-line block (`token -X- _ TAG`): such a file is recognised by that layout and each block
becomes a document, as each was a task.

One decoder reads every scheme: `B-`/`S-`/`U-` start a span, `I-`/`E-`/`L-` continue one of the same
label or else start one (IOB1's rule, and conlleval's reading of a stray `I-` in IOB2), `E-`/`L-`/
`S-`/`U-` end it, `O` and the end of a sentence close it. A file that starts spans with `B-` and
also with a stray `I-` (invalid IOB2) is imported with a notice giving the count and the first line,
since a strict IOB2 reader (seqeval's) would drop those spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.errors import UserError
from reader.formats.importing import Imported

SUFFIXES = (".conll", ".conll03", ".conll2003", ".iob", ".iob1", ".iob2", ".bio", ".bioes")
"""Files a folder import picks up (a single file is read whatever its name). Not `.conllu`: CoNLL-U puts
an index before the token and has no entity tags."""

_TAG = re.compile(r"([BIESLU])[-_](.+)")
_PLACEHOLDERS = {"_", "-X-", "-x-"}
DOCSTART = "-DOCSTART-"


@dataclass
class _Sentence:
    tokens: list[str] = field(default_factory=list)
    tags: list[tuple[str | None, str | None, int]] = field(default_factory=list)
    """(prefix or None for O, label or None, line number) per token."""


@dataclass
class _Doc:
    line: int
    sentences: list[_Sentence] = field(default_factory=list)
    docstart: int | None = None
    """Which `-DOCSTART-` of the file (0, 1, ...) began it; None for tokens before the first."""


@dataclass
class _Scheme:
    """What the tags of one file looked like, for the notices."""

    bioes: bool = False
    bare: bool = False
    b_starts: int = 0
    """Spans started by B- (S-, U-) after O, another label or the sentence start: IOB2's (or BIOES') way."""
    i_starts: int = 0
    first_i_start: int | None = None
    spans: int = 0


def _parse_tag(tag: str, path: Path, number: int) -> tuple[str | None, str | None, bool]:
    """(prefix or None for O, label, whether the tag was a bare label: the IO scheme)."""
    if tag in ("O", "o"):
        return None, None, False
    m = _TAG.fullmatch(tag)
    if m:
        return m.group(1), m.group(2), False
    if tag[:2] in ("B-", "I-", "E-", "S-", "L-", "U-"):
        raise UserError(f"tag {tag!r} has no label after its prefix", path, number)
    return "I", tag, True


def _read_blocks(path: Path, scheme: _Scheme) -> tuple[list[_Doc], bool, str, int]:
    """The documents of one file; whether it has Label Studio's layout; the columns it drops, in words;
    how many `-DOCSTART-` lines it has."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("not UTF-8", path) from None
    docs: list[_Doc] = []
    current: _Doc | None = None
    sentence = _Sentence()
    docstarts: list[list[str]] = []
    middle: dict[int, str] = {}  # column index -> an example value that is not a placeholder
    ls_tokens = other_tokens = 0

    def end_sentence() -> None:
        nonlocal sentence, current
        if sentence.tokens:
            if current is None:
                current = _Doc(number)
                docs.append(current)
            current.sentences.append(sentence)
        sentence = _Sentence()

    number = 0
    for number, line in enumerate(raw.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            end_sentence()
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        cols = [c.strip() for c in cols]
        if cols[0] == DOCSTART:
            end_sentence()
            docstarts.append(cols)
            current = _Doc(number, docstart=len(docstarts) - 1)
            docs.append(current)
            continue
        if len(cols) < 2 or not cols[0]:
            raise UserError("expected a token and a tag (token<TAB>tag, or CoNLL-2003's four columns)", path, number)
        for i, value in enumerate(cols[1:-1], 1):
            if value not in _PLACEHOLDERS:
                middle.setdefault(i, value)
        if len(cols) == 4 and cols[1] == "-X-" and cols[2] == "_":
            ls_tokens += 1
        else:
            other_tokens += 1
        prefix, label, bare = _parse_tag(cols[-1], path, number)
        scheme.bare = scheme.bare or bare
        sentence.tokens.append(cols[0])
        sentence.tags.append((prefix, label, number))
    end_sentence()
    label_studio = (len(docstarts) == 1 and docstarts[0][1:] == ["-X-", "O"] and ls_tokens > 0 and other_tokens == 0)
    dropped = ""
    if middle:
        shown = ", ".join(f"column {i + 1} (e.g. {v!r})" for i, v in sorted(middle.items()))
        dropped = f"{shown} not imported: a project has no place for per-token tags such as part of speech or chunks"
    if label_studio:  # each blank-line block was one task: one document each
        docs = [_Doc(s.tags[0][2], [s]) for d in docs for s in d.sentences]
    return [d for d in docs if d.sentences], label_studio, dropped, len(docstarts)


def _card_ids(path: Path, docstarts: int, notes: list[str]) -> list[str] | None:
    """The document ids the export's card (README.md beside the file) lists for it, one a `-DOCSTART-`;
    None without a card that lists this file, or (with a notice) when its list does not fit the file."""
    card = path.parent / "README.md"
    try:
        text = card.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        return None
    import yaml

    try:
        header = yaml.safe_load(text[4:text.index("\n---\n", 3)])
    except yaml.YAMLError:
        notes.append(f"{card}: the YAML header does not parse; documents of {path.name} named after the file")
        return None
    listed = header.get("documents") if isinstance(header, dict) else None
    ids = listed.get(path.name) if isinstance(listed, dict) else None
    if ids is None:
        return None
    if not (isinstance(ids, list) and all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids)):
        notes.append(f"{card}: `documents` for {path.name} is not a list of distinct ids; documents named after the file")
        return None
    if len(ids) != docstarts:
        notes.append(f"{card}: lists {len(ids)} documents for {path.name}, which has {docstarts} -DOCSTART- lines; "
                     "documents named after the file")
        return None
    return ids


def _close(open_span: tuple[int, str, int] | None, end: int, spans: list, scheme: _Scheme) -> None:
    """End the open span (if any) at `end`; returns the new open span: none."""
    if open_span is not None:
        spans.append((open_span[0], end, open_span[1], open_span[2]))
        scheme.spans += 1


def _decode(doc: _Doc, scheme: _Scheme) -> tuple[str, list[tuple[int, int, str, int]]]:
    """The rebuilt text and the spans (start, end, label, line) of one document."""
    parts: list[str] = []
    spans: list[tuple[int, int, str, int]] = []
    pos = 0
    for n, sentence in enumerate(doc.sentences):
        if n:
            parts.append("\n")
            pos += 1
        open_span: tuple[int, str, int] | None = None  # start, label, line
        last_end = pos
        for i, (token, (prefix, label, line)) in enumerate(zip(sentence.tokens, sentence.tags)):
            if i:
                parts.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            parts.append(token)
            pos = end
            if prefix is None:
                open_span = _close(open_span, last_end, spans, scheme)
            elif prefix in ("B", "S", "U") or open_span is None or open_span[1] != label:
                if prefix in ("B", "S", "U"):
                    # B- after the same label is IOB1 too; after O or another label only IOB2 uses it
                    if open_span is None or open_span[1] != label:
                        scheme.b_starts += 1
                else:  # an I-/E-/L- that starts a span: IOB1, or a stray tag
                    scheme.i_starts += 1
                    if scheme.first_i_start is None:
                        scheme.first_i_start = line
                open_span = _close(open_span, last_end, spans, scheme)
                open_span = (start, label, line)
            last_end = end
            if prefix in ("E", "S", "L", "U"):
                scheme.bioes = True
                open_span = _close(open_span, last_end, spans, scheme)
        _close(open_span, last_end, spans, scheme)
    return "".join(parts), spans


def read_file(path: Path) -> list[Imported]:
    scheme = _Scheme()
    docs, label_studio, dropped, docstarts = _read_blocks(path, scheme)
    card_notes: list[str] = []
    ids = None
    if docs and not label_studio:
        ids = _card_ids(path, docstarts, card_notes)
        if ids is not None and any(d.docstart is None for d in docs):
            card_notes.append(f"{path}: tokens before the first -DOCSTART-, so the ids of "
                              f"{path.parent / 'README.md'} do not fit; documents named after the file")
            ids = None
    out: list[Imported] = []
    for n, block in enumerate(docs, 1):
        text, spans = _decode(block, scheme)
        if ids is not None and block.docstart is not None:
            doc_id = ids[block.docstart]
        else:
            doc_id = path.stem if len(docs) == 1 else f"{path.stem}-{n}"
        doc = Imported(doc_id, text, {}, path, line=block.line)
        for start, end, label, line in spans:
            doc.add_span(start, end, label, text=text[start:end], line=line)
        out.append(doc)
    if not out:
        return out
    if scheme.bare:
        name = "IO (bare labels)" if not (scheme.b_starts or scheme.bioes) else "IO mixed with prefixed tags"
    elif scheme.bioes:
        name = "BIOES"
    elif scheme.i_starts and not scheme.b_starts:
        name = "IOB1"
    else:
        name = "IOB2" if not scheme.i_starts else "IOB1/IOB2 mixed"
    notes = out[0].notices
    notes.append(f"{path}: {len(out)} document{'s' if len(out) != 1 else ''}, {scheme.spans} spans, tags read as {name}; "
                 "texts rebuilt from the tokens (joined by spaces, sentences by line breaks)"
                 + (f"; document ids from {path.parent / 'README.md'}" if ids is not None else ""))
    if ids is not None and len(out) < len(ids):
        notes.append(f"{path}: {len(ids) - len(out)} documents of the card have no tokens and are not imported")
    notes.extend(card_notes)
    if label_studio:
        notes.append(f"{path}: Label Studio's CoNLL layout (one -DOCSTART-, `token -X- _ TAG`): each blank-line block "
                     "(one task) imported as a document")
    if scheme.i_starts and scheme.b_starts and not scheme.bioes and not scheme.bare:
        notes.append(f"{path}:{scheme.first_i_start}: {scheme.i_starts} spans start with I- after O or another label "
                     "(invalid IOB2); imported as conlleval reads them (a strict IOB2 reader would drop them)")
    if dropped:
        notes.append(f"{path}: {dropped}")
    return out


def read(path: Path, offsets: str = "codepoints") -> list[Imported]:
    if offsets != "codepoints":
        raise UserError("CoNLL files have no character offsets; --offsets utf16 does not apply", path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    else:
        files = [path]
    out: list[Imported] = []
    for file in files:
        out.extend(read_file(file))
    return out
