"""Import of WebAnno TSV 3.x (3.2 and 3.3, as INCEpTION and WebAnno export it): one document a file.

Read as INCEpTION's own reader (`Tsv3XDeserializer`) reads it, so the text and the offsets agree
with what INCEpTION shows:

- the text is rebuilt from the `#Text=` lines (unescaped, joined by line breaks), each sentence
  placed at its first token's offset, a gap padded with spaces, and the line break after the last
  line dropped where the next sentence starts right there; the one line break the format adds
  after the very last sentence is dropped too. Offsets are UTF-16 units (the format's own).
- span layers (`#T_SP=`): every annotation becomes a span; a row's stacked values (`|`) are told
  apart by their position, and an annotation over several rows by its `[n]` id. Its label is the
  feature `value` (INCEpTION's usual name), else the layer's first feature, else (`*`, no value)
  the layer's short name (`NamedEntity`); its other features become attributes, and a feature
  `note` its note. Slot features (`ROLE_...`) become links from the span to each filler, the
  role as their type.
- relation layers (`#T_RL=`): each relation becomes a link from its source (the row named in the
  `BT_` column, `[source_target]` ids where stacked) to its target (the row it is written on),
  labelled by `value`, else the first feature, else the layer's short name. Relations on a layer
  that is not in the file (`BT_...Token`) link spans made for those tokens, with a notice.
- chain layers (`#T_CH=`, coreference): each element becomes a span (its `referenceType`), each
  link of the chain a link (its `referenceRelation`, or `coref`).

Features a link cannot hold (a relation layer's second feature) are counted in a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from reader.core.errors import UserError
from reader.formats.importing import Imported
from reader.formats.webanno_tsv import unescape_text, unescape_value

_FORMAT = re.compile(r"#FORMAT=(.*) (\d+)\.(\d+)")
_STACK = re.compile(r"(?<!\\)\|")
_SLOT = re.compile(r"(?<!\\);")
_CHAIN = re.compile(r"(.*)(?<!\\)->(\d+)-(\d+)")


@dataclass
class _Column:
    layer: str
    kind: str  # "span", "relation", "chain"
    feature: str | None  # None: a layer without features (the placeholder column)
    role: str = ""  # "slot-role", "slot-target", "ref" (a relation's source), or ""
    target: str = ""  # the layer a slot's fillers or a relation's ends are on


@dataclass
class _Ann:
    layer: str
    start: int
    end: int
    line: int
    features: dict[str, str | None] = field(default_factory=dict)
    key: str = ""


def _short(layer: str) -> str:
    return layer.rsplit(".", 1)[-1]


def _schema(lines: list[str], path: Path) -> tuple[list[_Column], int]:
    """The columns the header declares, and the index of the line after it."""
    m = _FORMAT.fullmatch(lines[0].rstrip("\r")) if lines else None
    if not m or m.group(1) != "WebAnno TSV" or m.group(2) != "3":
        raise UserError("not a WebAnno TSV 3 file (its first line must be #FORMAT=WebAnno TSV 3.x)", path, 1)
    cols: list[_Column] = []
    n = 1
    while n < len(lines) and lines[n].strip():
        line = lines[n].rstrip("\r")
        kind = {"#T_SP=": "span", "#T_RL=": "relation", "#T_CH=": "chain"}.get(line[:6])
        if kind is None:
            raise UserError(f"unknown header line {line[:40]!r} (expected #T_SP=, #T_RL= or #T_CH=)", path, n + 1)
        layer, *features = line[6:].split("|")
        if not features:
            cols.append(_Column(layer, kind, None))
        for feature in features:
            if kind == "relation" and feature.startswith("BT_"):
                cols.append(_Column(layer, kind, None, "ref", feature[3:]))
            elif kind == "span" and feature.startswith("ROLE_"):
                # ROLE_<layer>:<feature>_<link type>
                cols.append(_Column(layer, kind, feature[5:].rsplit("_", 1)[0].split(":", 1)[-1], "slot-role"))
            elif kind == "span" and cols and cols[-1].role == "slot-role" and cols[-1].layer == layer:
                cols.append(_Column(layer, kind, cols[-1].feature, "slot-target", feature))
            else:
                cols.append(_Column(layer, kind, feature))
        n += 1
    return cols, n


def _split_id(value: str) -> tuple[str, str | None]:
    """`PER[3]` -> ("PER", "3"); an escaped `\\]` is part of the value."""
    if value.endswith("]") and not value.endswith("\\]") and "[" in value:
        i = value.rindex("[")
        return value[:i], value[i + 1:-1]
    return value, None


def _value(raw: str) -> str | None:
    return None if raw == "*" else unescape_value(raw)


class _Reader:
    """One file's rows turned into annotations; links wait (`pending`) until every row is read."""

    def __init__(self, path: Path, cols: list[_Column]) -> None:
        self.path, self.cols = path, cols
        self.units: dict[str, tuple[int, int]] = {}
        self.at: dict[tuple[str, str], list[_Ann]] = {}  # (row id, layer) -> annotations in stacking order
        self.by_id: dict[tuple[str, str], _Ann] = {}  # (layer, [n]) -> annotation
        self.anns: list[_Ann] = []
        self.pending: list[tuple[str, str, str, str, str, str, int]] = []
        """(link type, layer of the head, head row, head id, layer of the tail, tail row, tail id, line)"""
        self.chains: dict[tuple[str, str], dict[int, _Ann]] = {}
        self.made: dict[str, int] = {}
        self.lost: dict[str, int] = {}

    def span(self, layer: str, unit: str, index: int, ident: str | None, line: int) -> _Ann:
        here = self.at.setdefault((unit, layer), [])
        if index < len(here):
            return here[index]
        begin, end = self.units[unit]
        ann = self.by_id.get((layer, ident)) if ident else None
        if ann is None:
            ann = _Ann(layer, begin, end, line)
            self.anns.append(ann)
            if ident:
                self.by_id[(layer, ident)] = ann
        else:
            ann.start, ann.end = min(ann.start, begin), max(ann.end, end)
        here.append(ann)
        return ann

    def find(self, layer: str, unit: str, ident: str | None, line: int) -> _Ann:
        """The annotation of `layer` at row `unit` (by its id where given); a span made for the row
        when the layer has no annotation there (relations between tokens, `BT_...Token`)."""
        if unit not in self.units:
            raise UserError(f"reference to row {unit}, which is not in this file", self.path, line)
        if ident and ident != "0" and (layer, ident) in self.by_id:
            return self.by_id[(layer, ident)]
        here = self.at.get((unit, layer))
        if here:
            return here[0]
        ann = _Ann(layer, *self.units[unit], line)
        self.anns.append(ann)
        self.at[(unit, layer)] = [ann]
        self.made[_short(layer)] = self.made.get(_short(layer), 0) + 1
        return ann

    def row(self, fields: list[str], line: int) -> None:
        unit = fields[0]
        rel_features: dict[str, list[dict[str, str | None]]] = {}
        chain_types: dict[str, list[str]] = {}
        for i, col in enumerate(self.cols):
            raw = fields[3 + i]
            if raw == "_":
                continue
            values = _STACK.split(raw)
            if col.kind == "relation":
                feats = rel_features.setdefault(col.layer, [])
                for k, value in enumerate(values):
                    while len(feats) <= k:
                        feats.append({})
                    if col.role != "ref":
                        feats[k][col.feature or ""] = _value(value)
                        continue
                    head, ids = _split_id(value)
                    head_id, tail_id = ids.split("_", 1) if ids and "_" in ids else ("0", "0")
                    label = _label(feats[k], col.layer)
                    self.lost_features(feats[k], col.layer)
                    self.pending.append((label, col.target, head, head_id, col.target, unit, tail_id, line))
            elif col.kind == "chain":
                if col.feature == "referenceType":
                    chain_types[col.layer] = values
                    continue
                for k, value in enumerate(values):
                    self.chain(col.layer, unit, value, chain_types.get(col.layer, [])[k:k + 1], line)
            elif col.role == "slot-target":
                for k, value in enumerate(values):
                    owner = self.at[(unit, col.layer)][k]
                    roles = owner.features.pop("\0roles:" + str(col.feature), None) or ""
                    for role, target in zip(_SLOT.split(roles), _SLOT.split(value)):
                        filler, ident = _split_id(target)
                        label = unescape_value(role) if role not in ("", "*") else str(col.feature)
                        self.pending.append((label, "\0owner", str(id(owner)), "", col.target, filler, ident or "0", line))
                        self.by_id[("\0owner", str(id(owner)))] = owner
            else:
                for k, value in enumerate(values):
                    value, ident = _split_id(value)
                    ann = self.span(col.layer, unit, k, ident, line)
                    if col.role == "slot-role":
                        ann.features["\0roles:" + str(col.feature)] = value
                    elif col.feature is not None:
                        ann.features[col.feature] = _value(value)

    def lost_features(self, features: dict[str, str | None], layer: str) -> None:
        keep = "value" if features.get("value") else next(iter(features), None)
        for name, value in features.items():
            if name != keep and value is not None:
                what = f"values of relation feature {name} ({_short(layer)})"
                self.lost[what] = self.lost.get(what, 0) + 1

    def chain(self, layer: str, unit: str, value: str, types: list[str], line: int) -> None:
        m = _CHAIN.fullmatch(value)
        if not m:
            raise UserError(f"chain link {value!r} is not relation->chain-link", self.path, line)
        begin, end = self.units[unit]
        links = self.chains.setdefault((layer, m.group(2)), {})
        ann = links.get(int(m.group(3)))
        if ann is None:
            ann = links[int(m.group(3))] = _Ann(layer, begin, end, line)
            self.anns.append(ann)
            self.at.setdefault((unit, layer), []).append(ann)
        ann.start, ann.end = min(ann.start, begin), max(ann.end, end)
        ann.features["\0relation"] = _value(m.group(1))
        if types:
            ann.features["\0type"] = _value(_split_id(types[0])[0])


def _label(features: dict[str, str | None], layer: str) -> str:
    """`value`, else the first feature, else (no value) the layer's short name."""
    if features.get("value"):
        return str(features["value"])
    first = next((k for k in features if not k.startswith("\0") and k != "note"), None)
    if first is not None and features[first]:
        return str(features[first])
    return _short(layer)


def _span(ann: _Ann) -> tuple[str, dict[str, str], str]:
    """label, attributes, note of one annotation."""
    feats = ann.features
    if "\0relation" in feats:  # a chain element
        return str(feats.get("\0type") or _short(ann.layer)), {}, ""
    named = {k: v for k, v in feats.items() if not k.startswith("\0")}
    label = _label(named, ann.layer)
    used = "value" if named.get("value") else next((k for k in named if k != "note"), None)
    attrs = {k: str(v) for k, v in named.items() if v is not None and k not in (used, "note")}
    return label, attrs, str(named.get("note") or "")


def read_file(path: Path) -> Imported:
    try:
        lines = path.read_bytes().decode("utf-8-sig").split("\n")
    except UnicodeDecodeError:
        raise UserError("not UTF-8", path) from None
    cols, n = _schema(lines, path)
    reader = _Reader(path, cols)
    parts: list[str] = []
    length = 0  # UTF-16 units in parts
    sentence: list[str] = []
    in_rows = False
    for number in range(n + 1, len(lines) + 1):
        line = lines[number - 1].rstrip("\r")
        if not line:
            in_rows = False
            continue
        if line.startswith("#"):
            if in_rows:
                raise UserError("a sentence header among token rows (a blank line must end a sentence)", path, number)
            if line.startswith("#Text="):
                sentence.append(unescape_text(line[6:]))
            continue
        fields = line.split("\t")
        if len(fields) < 3 + len(cols):
            raise UserError(f"row has {len(fields)} fields; the header declares {3 + len(cols)}", path, number)
        try:
            begin, end = (int(x) for x in fields[1].split("-"))
        except ValueError:
            raise UserError(f"offsets {fields[1]!r} are not begin-end", path, number) from None
        if sentence:  # the first row of a sentence places it, as INCEpTION's reader does
            if length > begin:
                if length != begin + 1 or not parts[-1].endswith("\n"):
                    raise UserError(f"sentence starts at {begin}, inside the text before it (which ends at {length})",
                                    path, number)
                parts[-1] = parts[-1][:-1]
                length -= 1
            text = " " * (begin - length) + "\n".join(sentence) + "\n"
            parts.append(text)
            length += len(text.encode("utf-16-le")) // 2
            sentence = []
        elif not in_rows:
            raise UserError("token rows without a #Text= line before them", path, number)
        in_rows = True
        if not 0 <= begin <= end <= length:
            raise UserError(f"row {fields[0]}: offsets {begin}-{end} outside its sentence's text", path, number)
        reader.units[fields[0]] = (begin, end)
        reader.row(fields, number)
    text = "".join(parts)
    text = text.removesuffix("\n")  # the line break the format adds after the last sentence
    doc = Imported(path.stem, text, {}, path, line=n + 1, offsets="utf16")
    _build(reader, doc)
    return doc


def _build(reader: _Reader, doc: Imported) -> None:
    """Spans from the annotations, then the links between them (every row is read by now)."""
    links: list[tuple[_Ann, _Ann, str, int]] = []
    for label, head_layer, head_unit, head_id, tail_layer, tail_unit, tail_id, line in reader.pending:
        if head_layer == "\0owner":
            head = reader.by_id[(head_layer, head_unit)]
        else:
            head = reader.find(head_layer, head_unit, head_id, line)
        links.append((head, reader.find(tail_layer, tail_unit, tail_id, line), label, line))
    for chain in reader.chains.values():
        ordered = [chain[k] for k in sorted(chain)]
        for a, b in pairwise(ordered):
            links.append((a, b, a.features.get("\0relation") or "coref", a.line))
    for n, ann in enumerate(reader.anns, 1):
        label, attrs, note = _span(ann)
        if ann.start >= ann.end:  # INCEpTION allows zero-width annotations; a span here has a text
            doc.notices.append(f"{doc.path}:{ann.line}: zero-width {label} annotation at {ann.start} not imported")
            continue
        ann.key = f"_w{n}"
        doc.add_span(ann.start, ann.end, label, ann.key, attrs=attrs, note=note, line=ann.line)
    for head, tail, label, line in links:
        if not head.key or not tail.key:
            doc.notices.append(f"{doc.path}:{line}: {label} link to a zero-width annotation not imported")
            continue
        if head is tail:  # a dependency ROOT points at its own token
            doc.notices.append(f"{doc.path}:{line}: {label} links an annotation to itself; not imported")
            continue
        doc.add_relation(head.key, tail.key, label, line=line)
    for layer, count in sorted(reader.made.items()):
        doc.notices.append(f"{doc.path}: {count} {layer} rows that relations link made spans of their own "
                           f"(the layer has no annotations in the file)")
    for what, count in sorted(reader.lost.items()):
        doc.notices.append(f"{doc.path}: {count} {what} not imported (a link has a type, no attributes)")


def read(path: Path, offsets: str = "codepoints") -> list[Imported]:
    """Every `.tsv` under `path` (or the one file). Offsets are UTF-16 units by the format's definition,
    whatever `--offsets` says."""
    files = sorted(p for p in path.rglob("*.tsv") if p.is_file()) if path.is_dir() else [path]
    return [read_file(f) for f in files]
