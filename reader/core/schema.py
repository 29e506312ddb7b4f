"""The label schema of a project, read from `annotations/labels.yaml`.

A schema says which labels exist (name, key, colour, description), which relations may join which
labels, and which attributes each label takes. The package ships a default with claim, quote,
allegation and source, the relation `attributed_to`, and the attribute `kind` on quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from reader.core.errors import UserError

DEFAULT_SCHEMA_TEXT = resources.files("reader").joinpath("data/labels.yaml").read_text("utf-8")


KEYS = tuple("123456789")
"""The keys a label may have: the app binds 1-9 (`label.1` ... `label.9`)."""


class SchemaError(UserError):
    """A labels.yaml that cannot be used."""


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    color: str
    description: str = ""


@dataclass(frozen=True)
class RelationType:
    name: str
    heads: tuple[str, ...]
    """Labels a relation of this type may start from."""
    tails: tuple[str, ...]
    """Labels it may point to."""


@dataclass(frozen=True)
class Schema:
    labels: tuple[Label, ...]
    relations: tuple[RelationType, ...] = ()
    attributes: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    """label -> attribute name -> allowed values."""
    version: int = 1
    link_after_label: bool = True
    """Offer the source picker as soon as a label key marks a span that links (labels.yaml
    `link_after_label: false` turns it off for the project; ctrl+l toggles it in a session)."""

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def label(self, name: str) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)

    def label_for_key(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)

    def relation(self, name: str) -> RelationType | None:
        return next((rel for rel in self.relations if rel.name == name), None)

    def relation_allowed(self, name: str, head_label: str, tail_label: str) -> bool:
        rel = self.relation(name)
        return rel is not None and head_label in rel.heads and tail_label in rel.tails

    def link_targets(self, head_label: str) -> tuple[str, ...]:
        """The labels a span with `head_label` may be linked to, over all relation types."""
        out: list[str] = []
        for rel in self.relations:
            if head_label in rel.heads:
                out.extend(t for t in rel.tails if t not in out)
        return tuple(out)

    def attribute_values(self, label: str, attr: str) -> tuple[str, ...] | None:
        return self.attributes.get(label, {}).get(attr)

    def with_labels(self, names: list[str]) -> "Schema":
        """A copy with extra labels (given free keys and a neutral colour): used by import."""
        palette = ["#c678dd", "#56b6c2", "#d19a66", "#abb2bf", "#be5046", "#7ec699"]
        used = {label.key for label in self.labels}
        labels = list(self.labels)
        for i, name in enumerate(names):
            if self.label(name) is not None or any(l.name == name for l in labels):
                continue
            key = next((str(k) for k in range(1, 10) if str(k) not in used), "")
            used.add(key)
            labels.append(Label(name, key, palette[i % len(palette)], "Imported label."))
        return Schema(tuple(labels), self.relations, self.attributes, self.version, self.link_after_label)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version}
        if not self.link_after_label:  # written only when set, so existing files stay as they are
            out["link_after_label"] = False
        return out | {
            "labels": [
                {"name": l.name, "key": l.key, "color": l.color, "description": l.description}
                for l in self.labels
            ],
            "relations": [
                {"name": r.name, "from": list(r.heads), "to": list(r.tails)} for r in self.relations
            ],
            "attributes": {
                label: {name: list(values) for name, values in attrs.items()}
                for label, attrs in self.attributes.items()
            },
        }


def _names(value: Any, what: str, path: str) -> tuple[str, ...]:
    """A list of names (a lone string is refused: `to: claim` would otherwise become c, l, a, i, m)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SchemaError(f"{what} must be a list of names, like [claim, quote]", path)
    return tuple(value)


def _colour(value: Any, label: str, path: str) -> str:
    from rich.color import Color, ColorParseError

    try:
        Color.parse(str(value))
    except ColorParseError:
        raise SchemaError(f"label {label!r}: {value!r} is not a colour (use #rrggbb or a colour name)", path) from None
    return str(value)


def parse_schema(data: Any, path: str = "labels.yaml") -> Schema:
    """Build a Schema from parsed YAML, with a one-line error naming `path` for any fault."""
    if not isinstance(data, dict):
        raise SchemaError("expected a mapping with 'labels'", path)
    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise SchemaError("'labels' must be a non-empty list", path)
    labels: list[Label] = []
    keys: set[str] = set()
    for i, item in enumerate(raw_labels):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise SchemaError(f"label #{i + 1} needs a name", path)
        name = item["name"]
        if any(l.name == name for l in labels):
            raise SchemaError(f"label {name!r} is defined twice", path)
        key = str(item.get("key", "") or "")
        if key and key not in KEYS:
            raise SchemaError(f"label {name!r}: key {key!r} must be one of 1-9 (the label keys of the app)", path)
        if key and key in keys:
            raise SchemaError(f"label {name!r}: key {key!r} is already used", path)
        keys.add(key)
        colour = _colour(item.get("color", "#abb2bf"), name, path)
        labels.append(Label(name, key, colour, str(item.get("description", ""))))
    names = {l.name for l in labels}
    relations: list[RelationType] = []
    raw_relations = data.get("relations") or []
    if not isinstance(raw_relations, list):
        raise SchemaError("'relations' must be a list", path)
    for item in raw_relations:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SchemaError("each relation needs a name", path)
        heads = _names(item.get("from") or [], f"relation {item['name']!r}: 'from'", path)
        tails = _names(item.get("to") or [], f"relation {item['name']!r}: 'to'", path)
        for label in heads + tails:
            if label not in names:
                raise SchemaError(f"relation {item['name']!r} names unknown label {label!r}", path)
        relations.append(RelationType(item["name"], heads, tails))
    attributes: dict[str, dict[str, tuple[str, ...]]] = {}
    raw_attrs = data.get("attributes") or {}
    if not isinstance(raw_attrs, dict):
        raise SchemaError("'attributes' must map labels to attributes", path)
    for label, attrs in raw_attrs.items():
        if label not in names:
            raise SchemaError(f"attributes given for unknown label {label!r}", path)
        if not isinstance(attrs, dict):
            raise SchemaError(f"attributes of {label!r} must map names to lists of values", path)
        attributes[label] = {
            str(k): tuple(str(v) for v in _names([str(x) for x in vals] if isinstance(vals, list) else vals,
                                                   f"attribute {label}.{k}", path))
            for k, vals in attrs.items()
        }
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SchemaError(f"'version' must be a whole number, not {version!r}", path)
    link_after_label = data.get("link_after_label", True)
    if not isinstance(link_after_label, bool):
        raise SchemaError(f"'link_after_label' must be true or false, not {link_after_label!r}", path)
    return Schema(tuple(labels), tuple(relations), attributes, version, link_after_label)


def default_schema() -> Schema:
    """Read with libyaml when there (as a project's labels.yaml is): the pure-Python loader takes
    ~2 ms of every start of a project without its own labels.yaml."""
    return parse_schema(yaml.load(DEFAULT_SCHEMA_TEXT, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)),
                        "<default labels.yaml>")
