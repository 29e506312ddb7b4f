"""Keymaps: YAML files mapping Textual binding ids to keys, checked before Textual sees them.

A keymap file is a mapping `binding.id: "key1,key2"` (a YAML list of keys works too). Three ship in
the repository's `keymaps/` folder, package data as `reader.keymaps` (default, vim, emacs);
`--keymap NAME|PATH` picks one. The effective keymap is the bindings' own keys, overridden by the
chosen file, overridden by the user's file (`$READER_CONFIG_DIR/keymap.yaml`, else
`$XDG_CONFIG_HOME/reader/keymap.yaml`, else `~/.config/reader/keymap.yaml`) when it exists. The result goes to `App.set_keymap` as is.

Textual itself silently ignores unknown ids and lets clashing keys shadow each other; users of a
keymap file deserve better, so this module refuses, with one line naming the file and line:
bad YAML, an unknown binding id, a value that is not keys, and one key bound to two ids that are
active at the same time (same context: the part of the id before the first dot, with the article,
span, label, document and app ids sharing the main screen's context).

This module does not import Textual: the TUI (`reader.tui.catalog.app_keymap`) passes the binding
ids it knows and a normaliser that spells keys as Textual does (`"("` and `"left_parenthesis"` are
the same key).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable, Mapping

import yaml

from reader.core.errors import UserError

KEYMAP_DIR = Path(str(resources.files("reader.keymaps")))
"""The shipped keymaps: the repository's `keymaps/` folder, installed as the package `reader.keymaps`."""

MAIN_CONTEXT = ("article", "span", "label", "doc", "app", "search", "suggest")
"""Id prefixes whose bindings are all live on the main screen at once."""


class KeymapError(UserError):
    """A keymap file that cannot be applied."""


@dataclass(frozen=True)
class Keymap:
    """The effective binding id -> keys, and where each override came from (for the help screen)."""

    keys: dict[str, str]
    sources: tuple[str, ...]


def user_keymap_path() -> Path:
    base = os.environ.get("READER_CONFIG_DIR")
    if base:
        return Path(base) / "keymap.yaml"
    xdg = os.environ.get("XDG_CONFIG_HOME")
    root = Path(xdg) if xdg else Path.home() / ".config"
    return root / "reader" / "keymap.yaml"


def resolve(name_or_path: str, project: Path | None = None) -> Path:
    """A keymap's file: a path as given, else `keymaps/NAME.yaml` in the project, else the shipped one."""
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix in (".yaml", ".yml") or os.sep in name_or_path:
        if not candidate.is_file():
            raise KeymapError("no such keymap file", candidate)
        return candidate
    for folder in ([Path(project) / "keymaps"] if project else []) + [KEYMAP_DIR]:
        path = folder / f"{name_or_path}.yaml"
        if path.is_file():
            return path
    shipped = ", ".join(sorted(p.stem for p in KEYMAP_DIR.glob("*.yaml")))
    raise KeymapError(f"no keymap named {name_or_path!r} (shipped: {shipped})")


def read_keymap_file(path: Path, known: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """Binding id -> (keys, line) from one file; refuses unknown ids and values that are not keys."""
    try:
        text = Path(path).read_text("utf-8")
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 10x faster
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise KeymapError(
            f"not valid YAML ({getattr(exc, 'problem', None) or exc})", path, mark.line + 1 if mark else None
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeymapError(f"cannot read ({exc})", path) from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise KeymapError("a keymap must map binding ids to keys", path, root.start_mark.line + 1)
    out: dict[str, tuple[str, int]] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        ident = str(key_node.value)
        if ident not in known:
            raise KeymapError(f"unknown binding id {ident!r}", path, line)
        if ident in out:
            raise KeymapError(f"binding id {ident!r} is given twice", path, line)
        if isinstance(value_node, yaml.ScalarNode) and str(value_node.value).strip():
            keys = str(value_node.value)
        elif isinstance(value_node, yaml.SequenceNode) and value_node.value and all(
            isinstance(v, yaml.ScalarNode) and str(v.value).strip() for v in value_node.value
        ):
            keys = ",".join(str(v.value) for v in value_node.value)
        else:
            raise KeymapError(f"binding id {ident!r}: expected keys such as \"ctrl+s\" or a list of keys", path, line)
        out[ident] = (",".join(k.strip() for k in keys.split(",")), line)
    return out


def context_of(ident: str) -> str:
    prefix = ident.split(".", 1)[0]
    return "main" if prefix in MAIN_CONTEXT else prefix


def load_keymap(
    name_or_path: str,
    known: Mapping[str, str],
    normalise: Callable[[str], str] = lambda keys: keys,
    project: Path | None = None,
    user_file: Path | None = None,
) -> Keymap:
    """The effective keymap for `known` binding ids (id -> default keys), checked for clashes."""
    layers: list[tuple[Path, dict[str, tuple[str, int]]]] = [(resolve(name_or_path, project), {})]
    layers[0] = (layers[0][0], read_keymap_file(layers[0][0], known))
    user = user_file if user_file is not None else user_keymap_path()
    if user.is_file():
        layers.append((user, read_keymap_file(user, known)))
    effective = {ident: (keys, None, None) for ident, keys in known.items()}
    for path, entries in layers:
        for ident, (keys, line) in entries.items():
            effective[ident] = (keys, path, line)
    owners: dict[tuple[str, str], str] = {}
    for ident in sorted(effective, key=lambda i: (effective[i][1] is not None, i)):
        keys, path, line = effective[ident]
        for key in normalise(keys).split(","):
            slot = (context_of(ident), key.strip())
            other = owners.get(slot)
            if other is not None:
                where = path if path is not None else effective[other][1]
                at = line if path is not None else effective[other][2]
                raise KeymapError(f"key {key.strip()!r} is bound to both {other!r} and {ident!r}", where, at)
            owners[slot] = ident
    return Keymap(
        {ident: keys for ident, (keys, _p, _l) in effective.items()},
        tuple(str(p) for p, _ in layers),
    )
