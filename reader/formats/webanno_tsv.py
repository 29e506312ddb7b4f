"""WebAnno TSV 3.3, the format INCEpTION and WebAnno users exchange: export (`reader export --format
webanno`); the import is `webanno_tsv_import`, which shares the escaping and the names below.

One `<doc>.tsv` a document (a folder a split), laid out as INCEpTION's own writer
(`Tsv3XSerializer`) lays it out, so INCEpTION imports it after the two layers are created in the
project (custom span layer `ReaderSpan` with string features `value` (the label), one a span
attribute, and `note`; custom relation layer `ReaderRelation` on it with the string feature `value`):

    #FORMAT=WebAnno TSV 3.3
    #T_SP=webanno.custom.ReaderSpan|value|kind|note
    #T_RL=webanno.custom.ReaderRelation|value|BT_webanno.custom.ReaderSpan
    (two empty lines)
    #Text=HRW said "police beat detainees 👍🏽".
    2-1<TAB>53-56<TAB>HRW<TAB>source<TAB>*<TAB>*<TAB>_<TAB>_<TAB>
    ...

- Rows are tokens (`common.tokenize`, the one tokenizer) numbered `sentence-token`, with UTF-16
  offsets (the format's unit: Java counts UTF-16), then one column a feature and a trailing tab.
  `_` is "no annotation here", `*` "an annotation without a value"; values are escaped as
  INCEpTION escapes them (`\\|`, `\\_`, `\\*`, ...). A span that starts or ends inside a token gets
  a sub-token row (`3-5.1`), as INCEpTION writes one, so no span is moved or dropped.
- Stacked spans on one row are joined by `|`; a span over several rows, or stacked, carries a
  disambiguation id `[n]` on every row. A link is written on the first row of its tail (INCEpTION's
  target, the source of a quote) with the row id of its head and, when either end has an id,
  `[head_tail]` (`0` for the end without one).
- Sentences break at line breaks and after `.`/`!`/`?` before a capital, but never inside a span.
  A sentence's `#Text=` lines run up to the next sentence (or the last line break before it), so
  INCEpTION's reader, which rebuilds the text from those lines and pads gaps with spaces, gets back
  exactly this text; the one exception is whitespace before the first word, which it can only pad
  with spaces.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

from reader.formats.common import Output, Record, Utf16, one_span_a_fragment, tokenize

FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
SPAN_LAYER = "webanno.custom.ReaderSpan"
RELATION_LAYER = "webanno.custom.ReaderRelation"
_FEATURE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# ---------------------------------------------------------------- escaping (INCEpTION's Escaping.java)

_VALUE_ESC = {"\\": "\\\\", "[": "\\[", "]": "\\]", "|": "\\|", "_": "\\_", "->": "\\->", ";": "\\;",
              "\t": "\\t", "\n": "\\n", "*": "\\*"}
_VALUE_RE = re.compile("->|[\\\\\\[\\]|_;\t\n*]")
_VALUE_UNESC = {v: k for k, v in _VALUE_ESC.items()}
_VALUE_UNRE = re.compile(r"\\->|\\[\\\[\]|_;tn*]")
_TEXT_ESC = {chr(i): "\\" + chr(i) for i in range(32) if not 8 <= i <= 13}
_TEXT_ESC.update({"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b", "\\": "\\\\"})
_TEXT_RE = re.compile("[" + re.escape("".join(_TEXT_ESC)) + "]")
_TEXT_UNESC = {v: k for k, v in _TEXT_ESC.items()}
_TEXT_UNRE = re.compile("|".join(re.escape(k) for k in sorted(_TEXT_UNESC, key=len, reverse=True)))


def escape_value(value: str) -> str:
    return _VALUE_RE.sub(lambda m: _VALUE_ESC[m.group()], value)


def unescape_value(value: str) -> str:
    return _VALUE_UNRE.sub(lambda m: _VALUE_UNESC[m.group()], value)


def escape_text(text: str) -> str:
    return _TEXT_RE.sub(lambda m: _TEXT_ESC[m.group()], text)


def unescape_text(text: str) -> str:
    return _TEXT_UNRE.sub(lambda m: _TEXT_UNESC[m.group()], text)


# ---------------------------------------------------------------- export

_ENDERS = {".", "!", "?", "…"}
_CLOSERS = set("\"'”’»)]}")
_OPENERS = set("\"'“‘«([{")


def sentence_starts(text: str, tokens: list[tuple[int, int]], spans: list[dict[str, Any]]) -> list[int]:
    """Indices of the tokens that start a sentence: after a line break, or after sentence-final
    punctuation (and closing quotes) before a capital, digit or opening quote; never inside a span."""
    starts = [s for s, _e in tokens]
    inside = [0] * (len(tokens) + 1)  # difference array: tokens that start strictly inside a span
    for span in spans:
        lo, hi = bisect_right(starts, span["start"]), bisect_left(starts, span["end"])
        if lo < hi:
            inside[lo] += 1
            inside[hi] -= 1
    out = [0] if tokens else []
    depth = inside[0]
    for i in range(1, len(tokens)):
        depth += inside[i]
        if depth:
            continue
        gap = text[tokens[i - 1][1]:tokens[i][0]]
        if "\n" in gap:
            out.append(i)
            continue
        j = i - 1
        while j > 0 and text[tokens[j][0]:tokens[j][1]] in _CLOSERS and tokens[j][0] == tokens[j - 1][1]:
            j -= 1
        nxt = text[tokens[i][0]]
        if gap and text[tokens[j][0]:tokens[j][1]] in _ENDERS and (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
            out.append(i)
    return out


def _units(tokens: list[tuple[int, int]], spans: list[dict[str, Any]]):
    """Where each span is written, as INCEpTION's Tsv3XCasDocumentBuilder places it: the tokens it
    covers whole, and sub-tokens `(token, start, end)` where an edge falls inside a token.
    Returns per span the list of units (`("t", i)` or `("s", i, start, end)`), the first defining its id."""
    starts = [s for s, _e in tokens]
    out = []
    for span in spans:
        b, e = span["start"], span["end"]
        bt = max(bisect_right(starts, b) - 1, 0)
        if tokens[bt][1] <= b:
            bt += 1
        et = max(bisect_right(starts, e - 1) - 1, bt)
        units: list[tuple] = []
        if starts[bt] < b or (bt == et and tokens[bt][1] > e):
            units.append(("s", bt, b, min(tokens[bt][1], e)))
        else:
            units.append(("t", bt))
        units += [("t", i) for i in range(bt + 1, et)]
        if et != bt:
            units.append(("t", et) if tokens[et][1] == e else ("s", et, tokens[et][0], e))
        out.append(units)
    return out


def tsv_text(record: Record, features: list[str]) -> str:
    """One document as WebAnno TSV 3.3; `features` are the span layer's columns after `value`."""
    text = record["text"]
    spans, relations = record["spans"], record["relations"]
    tokens = tokenize(text)
    utf16 = Utf16(text).to_units
    header = [FORMAT_LINE, f"#T_SP={SPAN_LAYER}|value" + "".join(f"|{f}" for f in features),
              f"#T_RL={RELATION_LAYER}|value|BT_{SPAN_LAYER}"]
    if not tokens:
        return "\n".join(header) + "\n\n"
    placed = _units(tokens, spans)
    rows: dict[tuple, list[int]] = {}  # unit -> indices of the spans written on it
    for n, units in enumerate(placed):
        for unit in units:
            rows.setdefault(unit, []).append(n)
    ids: dict[int, int] = {}
    for n, units in enumerate(placed):
        if len(units) > 1 or any(len(rows[u]) > 1 for u in units):
            ids[n] = len(ids) + 1
    subtokens: dict[int, list[tuple]] = {}
    for unit in rows:
        if unit[0] == "s":
            subtokens.setdefault(unit[1], []).append(unit)
    first = sentence_starts(text, tokens, spans)
    sentence_of = [0] * len(tokens)
    for k, a in enumerate(first):
        for i in range(a, first[k + 1] if k + 1 < len(first) else len(tokens)):
            sentence_of[i] = k
    unit_id: dict[tuple, str] = {}
    for i in range(len(tokens)):
        unit_id[("t", i)] = f"{sentence_of[i] + 1}-{i - first[sentence_of[i]] + 1}"
        for k, sub in enumerate(sorted(subtokens.get(i, []), key=lambda u: (u[2], u[3])), 1):
            unit_id[sub] = f"{unit_id[('t', i)]}.{k}"
    index = {s["id"]: n for n, s in enumerate(spans)}
    on_tail: dict[tuple, list[dict[str, Any]]] = {}
    for rel in relations:
        on_tail.setdefault(placed[index[rel["tail"]]][0], []).append(rel)

    def span_cells(unit: tuple) -> list[str]:
        here = rows.get(unit)
        if not here:
            return ["_"] * (1 + len(features))
        cells = []
        for feature in ["value", *features]:
            values = []
            for n in here:
                s = spans[n]
                v = s["label"] if feature == "value" else s["note"] if feature == "note" else s["attrs"].get(feature)
                values.append((escape_value(v) if v else "*") + (f"[{ids[n]}]" if n in ids else ""))
            cells.append("|".join(values))
        return cells

    def relation_cells(unit: tuple) -> list[str]:
        rels = on_tail.get(unit)
        if not rels:
            return ["_", "_"]
        labels, refs = [], []
        for rel in rels:
            head, tail = index[rel["head"]], index[rel["tail"]]
            labels.append(escape_value(rel["label"]) if rel["label"] else "*")
            ref = unit_id[placed[head][0]]
            if head in ids or tail in ids:
                ref += f"[{ids.get(head, 0)}_{ids.get(tail, 0)}]"
            refs.append(ref)
        return ["|".join(labels), "|".join(refs)]

    def row(unit: tuple, start: int, end: int) -> str:
        return "\t".join([unit_id[unit], f"{utf16(start)}-{utf16(end)}", text[start:end],
                          *span_cells(unit), *relation_cells(unit)]) + "\t\n"

    out = ["\n".join(header) + "\n\n\n"]  # the layer lines, then two empty lines
    for k, a in enumerate(first):
        b = first[k + 1] if k + 1 < len(first) else len(tokens)
        begin = tokens[a][0]
        if b < len(tokens):
            nxt = tokens[b][0]
            end = nxt - 1 if text[nxt - 1] == "\n" else nxt  # the reader adds a line break after the last line
        else:
            end = len(text)  # the reader's final line break is dropped again on import
        lines = text[begin:end].split("\n")
        out.append("".join(f"#Text={escape_text(line)}\n" for line in lines))
        for i in range(a, b):
            out.append(row(("t", i), *tokens[i]))
            for sub in sorted(subtokens.get(i, []), key=lambda u: (u[2], u[3])):
                out.append(row(sub, sub[2], sub[3]))
        if k + 1 < len(first):
            out.append("\n")
    return "".join(out)


def export(out: Output, splits: dict[str, list[Record]], schema: Any = None, **_: Any) -> None:
    records = [r for recs in splits.values() for r in recs]
    keys = set()
    if schema is not None:
        keys.update(k for attrs in schema.attributes.values() for k in attrs)
    keys.update(k for r in records for s in r["spans"] for k in s["attrs"])
    bad = sorted(k for k in keys if not _FEATURE.fullmatch(k) or k in ("value", "note"))
    features = sorted(k for k in keys if k not in bad)
    if any(s["note"] for r in records for s in r["spans"]):
        features.append("note")
    for name, recs in splits.items():
        folder = "" if name == "data" else f"{name}/"
        for record in recs:
            record = one_span_a_fragment(record)  # a span layer here has no discontinuous spans
            if bad:
                for s in record["spans"]:
                    for k in bad:
                        if k in s["attrs"]:
                            out.drop(record["id"], s["id"], s["label"], s["start"], s["end"],
                                     f"attribute {k}: not a name INCEpTION allows for a feature; the span is written without it")
            out.write_text(f"{folder}{record['id']}.tsv", tsv_text(record, features))
    out.notes.append(
        "WebAnno TSV 3.3 (INCEpTION, WebAnno): one `<doc>.tsv` a document"
        + ("" if "data" in splits else ", a folder a split")
        + ". Before importing into INCEpTION, create the custom span layer `ReaderSpan` (string features "
        + ", ".join(f"`{f}`" for f in ["value", *features]) + ") and the relation layer `ReaderRelation` attached "
        "to it (string feature `value`). Offsets count UTF-16 units, as the format defines them; tokens come from the "
        "export tokenizer, sub-token rows hold span edges inside a word; a link is written on its source's (tail's) "
        "first row, pointing at the claim, quote or allegation.")
