"""Prodigy: the JSONL its recipes write (`ner.manual`, `spans.manual`, `rel.manual`, `db-out`), in and out.

A Prodigy task is `{"text", "tokens": [{"text", "start", "end", "id", "ws"}], "spans": [{"start",
"end", "token_start", "token_end", "label"}], "relations": [{"head", "child", "head_span",
"child_span", "label"}], "answer": "accept" | "reject" | "ignore", "_input_hash", "_task_hash",
"meta": {...}}`. `token_end` is inclusive, and a relation's `head`/`child` are the index of the last
token of its span (`rel.manual` writes `head_span`/`child_span` beside them).

Import (`--format prodigy`, or `--format jsonl`, which hands a file with Prodigy's keys to here):

- Prodigy writes no document id: the id is the task's own `id` when it has one, else `prodigy-` and
  its `_input_hash` (stable: the hash of the text), else the file's name and the line number; a
  notice says which. A later answer to the same input replaces an earlier one, with a notice;
- tasks answered `reject` or `ignore` are not annotations: they are skipped with a notice, and
  `--keep-rejected` imports them (their answer in the document's meta);
- spans take their character offsets (or, without them, their tokens' offsets); a relation's ends are
  the spans at `head_span`/`child_span` (or the span whose last token is `head`/`child`); a relation
  to a token that is no span has no label to import and is skipped with a notice;
- `meta` becomes the document's meta, `_input_hash` kept in it so that an export writes it back.

Export (`reader export --format prodigy`): one task a document with `tokens` from the one tokenizer
(`common.tokenize`, split at span edges so every span is a run of whole tokens), `spans` with their
token offsets, `relations` in `rel.manual`'s shape (head = claim, quote or allegation; child = its
source), `answer: "accept"`, the document id as `id` and in `meta`. `_task_hash` is left out (the
spans may have changed since Prodigy hashed them): `prodigy db-in` computes it, and `_input_hash`
too for a document that did not come from Prodigy. Attributes and notes, which Prodigy tasks have no
field for, go into `meta` (`span_attributes`, `span_notes`, keyed by the span's index in `spans`),
which Prodigy shows beside the task and keeps; import reads them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reader.core.errors import UserError
from reader.files.corpus import jsonl_records
from reader.formats.common import (
    Output,
    Record,
    dumps,
    one_span_a_fragment,
    split_at,
    tokenize,
)
from reader.formats.importing import Imported

PRODIGY_KEYS = ("_input_hash", "_task_hash", "answer", "tokens", "_view_id", "_session_id", "_annotator_id")
SKIPPED_ANSWERS = ("reject", "ignore")
META_OUT = ("file", "normalised")
"""Document meta the corpus adds (the seed's file name, how its line ends were normalised): not exported."""


def looks_like_prodigy(rec: Any) -> bool:
    """A line Prodigy wrote: one of its own keys, token offsets on a span, or a relation with a child."""
    if not isinstance(rec, dict):
        return False
    if any(k in rec for k in PRODIGY_KEYS):
        return True
    spans, rels = rec.get("spans"), rec.get("relations")
    return (isinstance(spans, list) and any(isinstance(s, dict) and "token_start" in s for s in spans)) or (
        isinstance(rels, list) and any(isinstance(r, dict) and "child" in r for r in rels))


# --------------------------------------------------------------------------- import


def read(path: Path, offsets: str = "codepoints", keep_rejected: bool = False) -> list[Imported]:
    """The documents of a Prodigy JSONL file (a folder: its *.jsonl files)."""
    path = Path(path)
    if path.is_dir():
        return [doc for file in sorted(path.rglob("*.jsonl")) for doc in read(file, offsets, keep_rejected)]
    try:
        raw = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise UserError("not UTF-8", path) from None
    return read_records(path, jsonl_records(path, raw), offsets, keep_rejected)


def read_records(path: Path, records: Iterable[tuple[int, Any]], offsets: str = "codepoints",
                 keep_rejected: bool = False) -> list[Imported]:
    docs: dict[str, Imported] = {}
    skipped: dict[str, list[int]] = {}
    derived = {"hash": 0, "line": 0}
    replaced: list[int] = []
    sessions: set[str] = set()
    for number, rec in records:
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            raise UserError("each line needs a string 'text'", path, number)
        answer = rec.get("answer")
        if answer in SKIPPED_ANSWERS and not keep_rejected:
            skipped.setdefault(answer, []).append(number)
            continue
        if isinstance(rec.get("_annotator_id"), str):
            sessions.add(rec["_annotator_id"])
        doc_id, how = _doc_id(path, number, rec)
        if how:
            derived[how] += 1
        doc = _task(path, number, rec, doc_id, offsets)
        if answer is not None and answer != "accept":
            doc.meta["answer"] = answer
        if doc_id in docs and how:
            replaced.append(number)
        docs[doc_id] = doc
    out = list(docs.values())
    if not out and not skipped:
        return out
    notices = out[0].notices if out else []
    if derived["hash"] or derived["line"]:
        parts = [f"{n} from {'_input_hash (prodigy-<hash>)' if how == 'hash' else 'the line number'}"
                 for how, n in derived.items() if n]
        notices.append(f"{path}: Prodigy tasks have no 'id'; document ids derived: " + ", ".join(parts))
    if replaced:
        notices.append(f"{path}: {len(replaced)} later answers to the same input replaced earlier ones "
                       f"(lines {_lines(replaced)})")
    for answer, lines in sorted(skipped.items()):
        notices.append(f"{path}: {len(lines)} tasks answered {answer!r} not imported (lines {_lines(lines)}); "
                       "--keep-rejected imports them")
    if len(sessions) > 1:
        notices.append(f"{path}: answers of {len(sessions)} Prodigy sessions ({', '.join(sorted(sessions)[:5])}) "
                       "imported as one annotator; split the file by _annotator_id to keep them apart")
    if not out:  # no document to carry the notices: a file of nothing but rejected answers is refused
        raise UserError(f"every task is answered reject or ignore ({sum(map(len, skipped.values()))}); nothing to "
                        "import (--keep-rejected imports them)", path)
    return out


def _lines(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + (", ..." if len(numbers) > 10 else "")


def _doc_id(path: Path, number: int, rec: dict[str, Any]) -> tuple[str, str]:
    """The document id and how it was derived ("" when the task has its own)."""
    if isinstance(rec.get("id"), (str, int)) and not isinstance(rec.get("id"), bool):
        return str(rec["id"]), ""
    meta = rec.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("id"), (str, int)) and not isinstance(meta.get("id"), bool):
        return str(meta["id"]), ""
    h = rec.get("_input_hash")
    if isinstance(h, int) and not isinstance(h, bool):
        return f"prodigy-{h}" if h >= 0 else f"prodigy-m{-h}", "hash"
    return f"{path.stem}-{number}", "line"


def _task(path: Path, number: int, rec: dict[str, Any], doc_id: str, offsets: str) -> Imported:
    meta = dict(rec["meta"]) if isinstance(rec.get("meta"), dict) else {}
    attrs = meta.pop("span_attributes", None) or {}
    notes = meta.pop("span_notes", None) or {}
    if meta.get("id") == doc_id:
        meta.pop("id")
    if isinstance(rec.get("_input_hash"), int):
        meta["_input_hash"] = rec["_input_hash"]
    if isinstance(rec.get("accept"), list):  # a choice task's selected options: document-level, not spans
        meta["accept"] = rec["accept"]
    if isinstance(rec.get("label"), str) and not rec.get("spans"):  # a binary text classification task
        meta["label"] = rec["label"]
    doc = Imported(doc_id, rec["text"], meta, path, number, offsets=offsets)
    tokens = rec.get("tokens") if isinstance(rec.get("tokens"), list) else []
    spans, rels = rec.get("spans") or [], rec.get("relations") or []
    if not isinstance(spans, list) or not isinstance(rels, list):
        raise UserError("'spans' and 'relations' must be lists", path, number)
    by_extent: dict[tuple[int, int], list[tuple[str, str]]] = {}
    last_token: dict[int, str] = {}
    for n, s in enumerate(spans):
        try:
            start, end = _extent(s, tokens)
            label = s.get("label") if isinstance(s.get("label"), str) else rec.get("label")
            if not isinstance(label, str):
                raise KeyError("label")
            given = s.get("text") if isinstance(s.get("text"), str) else None
            span_attrs = {str(k): str(v) for k, v in (attrs.get(str(n)) or {}).items()}
            key = doc.add_span(start, end, label, f"_{n}", span_attrs, str(notes.get(str(n)) or ""), given)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise UserError(f"malformed span {n} ({exc!r})", path, number) from None
        by_extent.setdefault((start, end), []).append((label, key))
        if isinstance(s.get("token_end"), int):
            last_token.setdefault(s["token_end"], key)
    for n, r in enumerate(rels):
        try:
            ends = [_relation_end(r.get(f"{side}_span"), r.get(side), tokens, by_extent, last_token)
                    for side in ("head", "child")]
            label = str(r.get("label") or "attributed_to")
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise UserError(f"malformed relation {n} ({exc!r})", path, number) from None
        if None in ends:
            doc.notices.append(f"{path}:{number}: relation {n} ({label}) has an end that is a token, not a span; "
                               "not imported (a span needs a label)")
            continue
        doc.add_relation(ends[0], ends[1], label)
    return doc


def _extent(s: dict[str, Any], tokens: list[Any]) -> tuple[int, int]:
    if "start" in s and "end" in s:
        return int(s["start"]), int(s["end"])
    return int(tokens[s["token_start"]]["start"]), int(tokens[s["token_end"]]["end"])


def _relation_end(span: Any, token: Any, tokens: list[Any], by_extent: dict[tuple[int, int], list[tuple[str, str]]],
                  last_token: dict[int, str]) -> str | None:
    """The key of the span a relation end names: by `*_span`'s extent and label, else its last token."""
    if isinstance(span, dict):
        extent = _extent(span, tokens)
        found = by_extent.get(extent, [])
        match = [key for label, key in found if label == span.get("label")] or [key for _label, key in found]
        if match:
            return match[0]
        if isinstance(span.get("token_end"), int) and span["token_end"] in last_token:
            return last_token[span["token_end"]]
        return None
    if isinstance(token, int):
        return last_token.get(token)
    return None


# --------------------------------------------------------------------------- export


def task(record: Record) -> dict[str, Any]:
    """One record as a Prodigy task (Prodigy's spans are in one piece: a span in fragments is one a fragment)."""
    record = one_span_a_fragment(record)
    text = record["text"]
    cuts = [x for s in record["spans"] for x in (s["start"], s["end"])]
    extents = split_at(tokenize(text), cuts)
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": e < len(text) and text[e].isspace()}
              for i, (s, e) in enumerate(extents)]
    first = {s: i for i, (s, _e) in enumerate(extents)}
    last = {e: i for i, (_s, e) in enumerate(extents)}
    spans: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    attrs: dict[str, dict[str, str]] = {}
    notes: dict[str, str] = {}
    for s in record["spans"]:
        index[s["id"]] = len(spans)
        spans.append({"start": s["start"], "end": s["end"], "token_start": first[s["start"]],
                      "token_end": last[s["end"]], "label": s["label"]})
        if s["attrs"]:
            attrs[str(index[s["id"]])] = dict(s["attrs"])
        if s["note"]:
            notes[str(index[s["id"]])] = s["note"]
    relations = []
    for r in record["relations"]:
        head, child = spans[index[r["head"]]], spans[index[r["tail"]]]
        relations.append({"head": head["token_end"], "child": child["token_end"], "head_span": dict(head),
                          "child_span": dict(child), "label": r["label"]})
    meta = {k: v for k, v in record["meta"].items() if k not in META_OUT}
    input_hash = meta.pop("_input_hash", None)
    meta["id"] = record["id"]
    if attrs:
        meta["span_attributes"] = attrs
    if notes:
        meta["span_notes"] = notes
    out: dict[str, Any] = {"id": record["id"], "text": text, "meta": meta, "tokens": tokens, "spans": spans,
                           "relations": relations, "answer": "accept"}
    if isinstance(input_hash, int):
        out["_input_hash"] = input_hash
    return out


def export(out: Output, splits: dict[str, list[Record]], **_: Any) -> None:
    for name, records in splits.items():
        with out.open(f"{name}.jsonl") as handle:
            for record in records:
                handle.write(dumps(task(record)) + "\n")
    out.notes.append(
        "Prodigy JSONL, one task a document (`prodigy db-in DATASET data.jsonl`): `text`, `tokens` (the shared "
        "tokenizer, split at span edges), `spans` with `token_start`/`token_end` (inclusive), `relations` as "
        "`rel.manual` writes them (`head`/`child` the last token of each span, `head_span`/`child_span`; head = "
        "claim, quote or allegation, child = its source), `answer: accept`; offsets count code points. `meta` holds "
        "the document id and meta, and the attributes and notes (`span_attributes`, `span_notes`, by span index). "
        "`_task_hash` is left for `db-in` to compute."
    )
