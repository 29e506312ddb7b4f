"""The cue words of `reader suggest`: the packaged `reader/data/suggest.yaml` and a project's own.

A project's `annotations/suggest.yaml` is read on top of the packaged file, so that a team adds the
words of its language or house style without copying the defaults (and gets later additions to
them): a list is added to, a mapping (rules, pronouns) merged by key, `replace: [name, ...]` takes the
project's list as it is, and `remove: {name: [item, ...]}` drops defaults. An unknown name is an
error, so a typo does not silently switch nothing on.

Cue lists become compiled patterns shaped as tries, so matching a hundred verbs costs about one.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import regex
import yaml

from reader.core.errors import UserError

DEFAULT_CUES_TEXT = resources.files("reader").joinpath("data/suggest.yaml").read_text("utf-8")
PROJECT_CUES = Path("annotations") / "suggest.yaml"


class CuesError(UserError):
    """A suggest.yaml that cannot be used."""


def _words(items: Any) -> frozenset[str]:
    return frozenset(str(i).lower() for i in items or ())


def _trie(words: list[str]) -> str:
    """An alternation shaped as a trie (say|said|s(?:ays|tated)...): no backtracking over long lists."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return build(root)


def _phrase_pattern(phrases: Any) -> re.Pattern | None:
    """One compiled pattern of whole-word phrases (any case; a space matches any run of whitespace)."""
    words = sorted({" ".join(str(p).lower().split()) for p in phrases or () if str(p).strip()})
    if not words:
        return None
    return re.compile(rf"(?<![\w'’\-])(?:{_trie(words)})(?![\w'’\-])", re.I)


class Cues:
    """The cue words of the rules, merged from the packaged default and the project's file."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.rules = {str(k): bool(v) for k, v in (data.get("rules") or {}).items()}
        self.quote_pairs = [(str(o), str(c)) for o, c in data.get("quote_pairs") or ()]
        self.reporting = _words(data.get("reporting_verbs"))
        self.that_verbs = _words(data.get("that_verbs"))
        self.quote_verbs = _words(data.get("quote_verbs"))
        self.according = _words(" ".join(str(p).split()) for p in data.get("according_to") or ())
        self.between = _words(data.get("between_words"))
        self.not_adverbs = _words(data.get("not_adverbs"))
        self.articles = _words(data.get("articles"))
        self.stop = _words(data.get("np_stop"))
        self.connectors = _words(data.get("name_connectors"))
        self.pronouns = {str(k).lower(): str(v) for k, v in (data.get("pronouns") or {}).items()}
        self.group_words = _words(data.get("group_words"))
        self.not_clause = _words(data.get("not_clause_starters"))
        self.clause_phrases = _phrase_pattern(data.get("clause_phrases"))
        self.person_titles = _words(data.get("person_titles"))
        self.accusation_words = _words(data.get("accusations"))
        self.abbreviations = _words(data.get("abbreviations"))
        self.cue_re = _phrase_pattern(
            list(self.reporting | self.that_verbs | self.quote_verbs) + list(data.get("according_to") or ())
        )
        self.accusation_re = _phrase_pattern(data.get("accusations"))
        numbers = _phrase_pattern(data.get("number_words"))
        self.number_re = re.compile(r"\d" + (f"|{numbers.pattern}" if numbers else ""), re.I)
        closers: dict[str, set[str]] = {}
        for opening, closing in self.quote_pairs:
            closers.setdefault(opening, set()).add(closing)
        self.closers = closers
        marks = {m for pair in self.quote_pairs for m in pair}
        self.mark_re = regex.compile("[" + "".join(regex.escape(m) for m in sorted(marks)) + "]") if marks else None

    def on(self, rule: str) -> bool:
        return self.rules.get(rule, True)


def merge_cues(base: dict[str, Any], extra: Any, path: str) -> dict[str, Any]:
    """`extra` on top of `base`: lists are added to, mappings merged by key, unless named in `replace`."""
    if extra is None:
        return dict(base)
    if not isinstance(extra, dict):
        raise CuesError("expected a mapping of cue names to lists", path)
    replace = set(extra.get("replace") or ())
    remove = extra.get("remove") or {}
    if not isinstance(remove, dict):
        raise CuesError("'remove' must map cue names to lists of items", path)
    out = dict(base)
    for key, value in extra.items():
        if key in ("replace", "remove", "version"):
            continue
        if key not in base:
            raise CuesError(f"unknown cue {key!r} (known: {', '.join(k for k in base if k != 'version')})", path)
        kind = dict if isinstance(base[key], dict) else list
        if not isinstance(value, kind):
            raise CuesError(f"{key!r} must be a {'mapping' if kind is dict else 'list'}", path)
        if key in replace:
            out[key] = value
        elif kind is dict:
            out[key] = {**base[key], **value}
        else:
            out[key] = list(base[key]) + [v for v in value if v not in base[key]]
    for key, items in remove.items():
        if key not in out or not isinstance(out[key], list):
            raise CuesError(f"cannot remove from {key!r}: not a list of cues", path)
        out[key] = [v for v in out[key] if v not in (items or ())]
    if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in out.get("quote_pairs") or ()):
        raise CuesError("each of 'quote_pairs' must be [opening, closing]", path)
    return out


def _read_yaml(text: str, path: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CuesError(f"not valid YAML ({getattr(exc, 'problem', exc)})", path,
                        mark.line + 1 if mark is not None else None) from None


def load_cues(project: Path | str | None = None) -> Cues:
    """The packaged cues, with the project's `annotations/suggest.yaml` on top when it has one."""
    data = _read_yaml(DEFAULT_CUES_TEXT, "<default suggest.yaml>")
    if project is not None:
        path = Path(project) / PROJECT_CUES
        if path.exists():
            try:
                text = path.read_text("utf-8")
            except UnicodeDecodeError:
                raise CuesError("not UTF-8", path) from None
            data = merge_cues(data, _read_yaml(text, str(path)), str(path))
    return Cues(data)
