"""The cue words of `reader suggest`: the packaged `reader/data/suggest.yaml` and a project's own.

The cue words are per language (`languages: {en: {...}, de: {...}}`), because the rules are the
same in every language while their words are not: "said" and "according to" in English, "sagte",
"laut" and "zufolge" in German. What every language shares sits at the top (`rules`,
`quote_pairs`); a language section may add its own quotation marks (English `‘ ’` and `' '`, whose
closing mark is also the apostrophe) and switch a rule on or off for itself.

A project's `annotations/suggest.yaml` is read on top of the packaged file, so that a team adds the
words of its language or house style without copying the defaults (and gets later additions to
them): a list is added to, a mapping (rules, pronouns) merged by key, `replace: [name, ...]` takes the
project's list as it is, and `remove: {name: [item, ...]}` drops defaults. A cue name at the top of
the project's file applies to every language (a house style's "grumbled" is added to each
language's `reporting_verbs`); inside `languages: {de: {...}}` it applies to that language only,
with the same rules; a new language code there starts a language from empty lists. An unknown
name is an error, so a typo does not silently switch nothing on.

Which language a document is in (`Cues.for_document`): its meta `lang` (or `language`) when the
cues know that code, else `guess_language`, a cheap count of each language's `function_words`
("the", "and", "of" against "der", "und", "nicht") in the first few thousand characters; the
default language (`default_language`, English) when nothing is counted.

Cue lists become compiled patterns shaped as tries, so matching a hundred verbs costs about one.
A language's patterns are compiled the first time a document of that language asks for them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import regex
import yaml

from reader.core.errors import UserError

DEFAULT_CUES_TEXT = resources.files("reader").joinpath("data/suggest.yaml").read_text("utf-8")
PROJECT_CUES = Path("annotations") / "suggest.yaml"
SHARED = ("rules", "quote_pairs")
_MAPPINGS = ("rules", "pronouns", "separable_verbs", "source_prepositions")
"""The cue names whose value is a mapping (merged key by key); every other one is a list."""
"""Names that hold for every language (a language section may add to them)."""
GUESS_CHARS = 4000
"""How much of a document `guess_language` reads."""
_GUESS_WORD = regex.compile(r"\p{L}+")


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
    return re.compile(rf"(?<![\w'’\-])(?:{_trie(words)})(?![\w'’\-])", re.IGNORECASE)


def _phrases(items: Any) -> frozenset[str]:
    return _words(" ".join(str(p).split()) for p in items or ())


class LanguageCues:
    """The cue words of one language, with the shared rules and marks: what the rules read."""

    def __init__(self, data: dict[str, Any], code: str = "en") -> None:
        self.code = code
        self.data = data
        self.rules = {str(k): bool(v) for k, v in (data.get("rules") or {}).items()}
        self.quote_pairs = [(str(o), str(c)) for o, c in data.get("quote_pairs") or ()]
        self.reporting = _words(data.get("reporting_verbs"))
        self.that_verbs = _words(data.get("that_verbs"))
        self.quote_verbs = _words(data.get("quote_verbs"))
        self.according = _phrases(data.get("according_to"))
        self.according_after = _phrases(data.get("according_after"))
        self.according_noun = _phrases(data.get("according_with_noun"))
        self.according_start = _phrases(data.get("according_at_clause_start"))
        self.tag_cues = _phrases(data.get("tag_cues"))
        self.clause_words = _words(data.get("clause_words"))
        self.complementisers = _words(data.get("complementisers"))
        self.particles = _words(data.get("verb_particles"))
        self.auxiliaries = _words(data.get("auxiliaries"))
        self.infinitive_markers = _words(data.get("infinitive_markers"))
        self.coordinators = _words(data.get("coordinators"))
        self.position_zero = _words(data.get("position_zero"))
        self.passive = _words(data.get("passive_auxiliaries"))
        self.agents = _words(data.get("agent_prepositions"))
        self.quoted_passive = _words(data.get("quoted_passive"))
        self.prepositions = _words(data.get("prepositions"))
        self.relative_pronouns = _words(data.get("relative_pronouns"))
        self.impersonal = _words(data.get("impersonal_verbs"))
        self.adverb_endings = tuple(sorted(_words(data.get("adverb_endings"))))
        self.object_articles = _words(data.get("object_articles"))
        self.np_prepositions = _words(data.get("np_prepositions"))
        self.self_sources = _phrases(data.get("self_sources"))
        self.anaphora = _words(data.get("anaphora"))
        self.separable = {str(k).lower(): [str(p).lower() for p in v or ()]
                          for k, v in (data.get("separable_verbs") or {}).items()}
        self.not_subjects = _words(data.get("not_subjects"))
        self.source_prepositions = {str(k).lower(): [str(p).lower() for p in v or ()]
                                    for k, v in (data.get("source_prepositions") or {}).items()}
        """Verbs whose speaker is the object of a preposition: "Wie aus dem Bericht hervorgeht"."""
        self.quoting = _words(data.get("quoting_verbs"))
        """Verbs whose object is the speaker: "Ein Sender zitierte Papandreou mit den Worten"."""
        self.subjunctive = _words(data.get("subjunctive"))
        self.subjunctive_strong = _words(data.get("subjunctive_strong"))
        self.between = _words(data.get("between_words"))
        self.not_adverbs = _words(data.get("not_adverbs"))
        self.articles = _words(data.get("articles"))
        self.stop = _words(data.get("np_stop"))
        self.connectors = _words(data.get("name_connectors"))
        self.pronouns = {str(k).lower(): str(v) for k, v in (data.get("pronouns") or {}).items()}
        self.group_words = _words(data.get("group_words"))
        self.group_suffixes = tuple(sorted(_words(data.get("group_suffixes"))))
        self.genitive = _words(data.get("genitive_articles"))
        self.source_nouns = _words(data.get("source_nouns"))
        self.not_clause = _words(data.get("not_clause_starters"))
        self.clause_phrases = _phrase_pattern(data.get("clause_phrases"))
        self.person_titles = _words(data.get("person_titles"))
        self.title_endings = tuple(sorted(self.person_titles))
        """Where nouns compound (German), a word ending in a title names a person: "Regierungssprecher"."""
        self.accusation_words = _words(data.get("accusations"))
        self.abbreviations = _words(data.get("abbreviations"))
        self.ordinal_words = _words(data.get("ordinal_words"))
        self.function_words = _words(data.get("function_words"))
        self.predicative = _words(data.get("predicative_words"))
        self.cue_re = _phrase_pattern(
            list(self.reporting | self.that_verbs | self.quote_verbs) + list(data.get("according_to") or ())
            + list(data.get("according_after") or ()) + list(data.get("tag_cues") or ())
            + list(data.get("self_sources") or ()) + list(self.separable) + list(self.according_noun)
        )
        self.accusation_re = _phrase_pattern(data.get("accusations"))
        numbers = _phrase_pattern(data.get("number_words"))
        self.number_re = re.compile(r"\d" + (f"|{numbers.pattern}" if numbers else ""), re.IGNORECASE)
        closers: dict[str, set[str]] = {}
        for opening, closing in self.quote_pairs:
            closers.setdefault(opening, set()).add(closing)
        self.closers = closers
        marks = {m for pair in self.quote_pairs for m in pair}
        self.mark_re = regex.compile("[" + "".join(regex.escape(m) for m in sorted(marks)) + "]") if marks else None

    def on(self, rule: str) -> bool:
        return self.rules.get(rule, True)


class Cues:
    """The cue words of every language, merged from the packaged default and the project's file.

    `rules` and `quote_pairs` are the shared ones (what the screens use for `e` and the quotation
    moves); `articles` is every language's, so a name picked in the text loses "the" or "der".
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.rules = {str(k): bool(v) for k, v in (data.get("rules") or {}).items()}
        self.quote_pairs = [(str(o), str(c)) for o, c in data.get("quote_pairs") or ()]
        self.sections: dict[str, dict[str, Any]] = dict(data.get("languages") or {})
        self.default_language = str(data.get("default_language") or next(iter(self.sections), "en"))
        self.codes = list(self.sections)
        self._compiled: dict[str, LanguageCues] = {}
        self.articles = frozenset().union(*(_words(s.get("articles")) for s in self.sections.values()))
        self._function_words = {code: _words(s.get("function_words")) for code, s in self.sections.items()}

    def on(self, rule: str) -> bool:
        return self.rules.get(rule, True)

    def language(self, code: str | None = None) -> LanguageCues:
        """One language's cues (the default language's for an unknown code), compiled once."""
        code = code if code in self.sections else self.default_language
        compiled = self._compiled.get(code)
        if compiled is None:
            section = self.sections.get(code) or {}
            flat = {k: v for k, v in section.items() if k not in SHARED}
            flat["rules"] = {**self.rules, **(section.get("rules") or {})}
            flat["quote_pairs"] = list(self.data.get("quote_pairs") or ()) + [
                p for p in section.get("quote_pairs") or () if p not in (self.data.get("quote_pairs") or ())
            ]
            compiled = self._compiled[code] = LanguageCues(flat, code)
        return compiled

    def guess_language(self, text: str) -> str:
        """The language whose function words are most frequent in the text's first few thousand
        characters (a word counts once per occurrence); the default language on a tie or none."""
        counts = dict.fromkeys(self.codes, 0)
        for m in _GUESS_WORD.finditer(text, 0, min(len(text), GUESS_CHARS)):
            word = m.group().lower()
            for code, words in self._function_words.items():
                if word in words:
                    counts[code] += 1
        best = max(counts.values(), default=0)
        winners = [code for code, n in counts.items() if n == best]
        if best == 0 or len(winners) > 1:
            return self.default_language
        return winners[0]

    def for_document(self, text: str, meta: Mapping[str, object] | None = None) -> LanguageCues:
        """The cues of a document's language: its meta `lang`/`language` if known, else a guess."""
        for key in ("lang", "language"):
            code = (meta or {}).get(key)
            if isinstance(code, str) and code.strip().lower() in self.sections:
                return self.language(code.strip().lower())
        return self.language(self.guess_language(text))


def _merge_section(base: dict[str, Any], extra: dict[str, Any], known: set[str], path: str,
                   replace: set[str], remove: Mapping[str, Any], where: str) -> dict[str, Any]:
    """`extra`'s cue names on top of one section: lists added to, mappings merged, unless replaced."""
    out = dict(base)
    for key, value in extra.items():
        if key not in known:
            raise CuesError(f"unknown cue {key!r}{where} (known: {', '.join(sorted(known))})", path)
        current = base.get(key)
        kind = dict if isinstance(current, dict) or (current is None and isinstance(value, dict) and key in _MAPPINGS) else list
        if not isinstance(value, kind):
            raise CuesError(f"{key!r} must be a {'mapping' if kind is dict else 'list'}", path)
        if key in replace or current is None:
            out[key] = value
        elif kind is dict:
            out[key] = {**current, **value}
        else:
            out[key] = list(current) + [v for v in value if v not in current]
    for key, items in remove.items():
        if key in out and isinstance(out[key], list):
            out[key] = [v for v in out[key] if v not in (items or ())]
    return out


def merge_cues(base: dict[str, Any], extra: Any, path: str) -> dict[str, Any]:
    """`extra` on top of `base`: lists are added to, mappings merged by key, unless named in `replace`.

    A name at the top of `extra` goes to the shared part (rules, quote_pairs) or to every language;
    `languages: {code: {...}}` to one language (a new code starts from empty lists).
    """
    if extra is None:
        return dict(base)
    if not isinstance(extra, dict):
        raise CuesError("expected a mapping of cue names to lists", path)
    sections: dict[str, dict[str, Any]] = dict(base.get("languages") or {})
    per_language = set().union(*(set(s) for s in sections.values())) - set(SHARED) if sections else set()
    known = per_language | set(SHARED)
    replace, remove = _replace_remove(extra, path)
    for key in remove:
        lists = [base.get(key)] if key in SHARED else [s.get(key) for s in sections.values()]
        if key not in known or not any(isinstance(x, list) for x in lists):
            raise CuesError(f"cannot remove from {key!r}: not a list of cues", path)
    top = {k: v for k, v in extra.items() if k not in ("replace", "remove", "version", "languages", "default_language")}
    out = dict(base)
    shared = _merge_section({k: base[k] for k in SHARED if k in base}, {k: v for k, v in top.items() if k in SHARED},
                            set(SHARED), path, replace, {k: v for k, v in remove.items() if k in SHARED}, "")
    out.update(shared)
    for key in top:
        if key not in known:
            raise CuesError(f"unknown cue {key!r} (known: {', '.join(sorted(known))})", path)
    every = {k: v for k, v in top.items() if k not in SHARED}
    every_remove = {k: v for k, v in remove.items() if k not in SHARED}
    merged = {code: _merge_section(section, every, known, path,
                                   replace, every_remove, "") for code, section in sections.items()}
    own = extra.get("languages") or {}
    if not isinstance(own, dict):
        raise CuesError("'languages' must map language codes to cue mappings", path)
    for code, section in own.items():
        if not isinstance(section, dict):
            raise CuesError(f"languages.{code} must be a mapping of cue names to lists", path)
        inner_replace, inner_remove = _replace_remove(section, path)
        body = {k: v for k, v in section.items() if k not in ("replace", "remove")}
        start = merged.get(str(code), dict(every))
        merged[str(code)] = _merge_section(start, body, known, path, inner_replace, inner_remove, f" in languages.{code}")
    out["languages"] = merged
    if "default_language" in extra:
        if str(extra["default_language"]) not in merged:
            raise CuesError(f"default_language {extra['default_language']!r} is not one of {', '.join(merged)}", path)
        out["default_language"] = str(extra["default_language"])
    pairs = list(out.get("quote_pairs") or ()) + [p for s in merged.values() for p in s.get("quote_pairs") or ()]
    if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in pairs):
        raise CuesError("each of 'quote_pairs' must be [opening, closing]", path)
    return out


def _replace_remove(extra: dict[str, Any], path: str) -> tuple[set[str], dict[str, Any]]:
    replace = extra.get("replace") or []
    remove = extra.get("remove") or {}
    if not isinstance(replace, list):
        raise CuesError("'replace' must be a list of cue names", path)
    if not isinstance(remove, dict):
        raise CuesError("'remove' must map cue names to lists of items", path)
    return {str(r) for r in replace}, remove


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser: about 10x faster
    """YAML with only true/false as booleans (as YAML 1.2 has it): in a cue list `on`, `no` and
    `yes` are words ("said on Monday"), not True and False."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _read_yaml(text: str, path: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CuesError(f"not valid YAML ({getattr(exc, 'problem', exc)})", path,
                        mark.line + 1 if mark is not None else None) from None


def load_cues(project: Path | str | None = None, extra: Mapping[str, Any] | None = None) -> Cues:
    """The packaged cues, with the project's `annotations/suggest.yaml` on top when it has one, and
    `extra` (the same shape, e.g. `{"rules": {"pronoun_sources": True}}`) on top of both."""
    data = _read_yaml(DEFAULT_CUES_TEXT, "<default suggest.yaml>")
    if project is not None:
        path = Path(project) / PROJECT_CUES
        if path.exists():
            try:
                text = path.read_text("utf-8")
            except UnicodeDecodeError:
                raise CuesError("not UTF-8", path) from None
            data = merge_cues(data, _read_yaml(text, str(path)), str(path))
    if extra:
        data = merge_cues(data, dict(extra), "<extra cues>")
    return Cues(data)
