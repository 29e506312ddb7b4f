"""Names in a sentence: the words of a source's noun phrase, found walking back or forward from a cue.

A source is written as the name at the attribution, with a capitalised title that is part of it
("President Kassym-Jomart Tokayev") but without a lowercase description before it ("opposition
activist") or a leading determiner ("the NGO" -> "NGO"). Words are the tokenizer's `word` unit, in
which hyphens and dots join letters ("Kassym-Jomart", "U.S") and an abbreviation keeps its full stop
("Mr."), so a name is never cut at its punctuation. The cue lists (articles, connectors, pronouns,
titles...) come from `suggest.yaml`.
"""

from __future__ import annotations

import regex

from reader.core.text import ABBREVIATIONS, tokenize
from reader.suggest.cues import LanguageCues

MAX_NP = 7
"""Longest source noun phrase, in words."""
MAX_NP_CAPITALISED = 12
"""... where nouns are capitalised, so a name ends at the verb ("Der Vorsitzende des Haushaltsausschusses
des Parlaments Alain Lamassoure erklärte")."""

Token = tuple[int, int, str]
"""(start, end, text) of one word."""

_LAST_WORD = regex.compile(r"[\p{L}]+$")
ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
"""How a German adjective before its noun ends (kanadischen, neue, ersten)."""


def capital(w: str) -> bool:
    """A word that may be (part of) a name where nouns are capitalised: "Polizei", "el-Baradei",
    "ndr.de", "3sat" (not "sagte", "die")."""
    return not w[0].islower() or "." in w or ("-" in w and w.rsplit("-", 1)[-1][:1].isupper())


class Names:
    """Noun phrases of one text, by the cue words."""

    capital = staticmethod(capital)

    def __init__(self, text: str, cues: LanguageCues) -> None:
        self.text = text
        self.cues = cues
        self.abbreviations = ABBREVIATIONS | cues.abbreviations
        self.capitalised = cues.on("capitalised_nouns")
        self.max_np = MAX_NP_CAPITALISED if self.capitalised else MAX_NP

    def tokens(self, start: int, end: int) -> list[Token]:
        """The words of text[start:end] (the tokenizer's `word` unit), an abbreviation with its stop."""
        out: list[Token] = []
        for s, e in tokenize(self.text, start, end, unit="word"):
            w = self.text[s:e]
            if w == "." and out and out[-1][1] == s and out[-1][2].lower() in self.abbreviations:
                out[-1] = (out[-1][0], e, out[-1][2] + ".")  # "Mr." is one word of a name
                continue
            out.append((s, e, w))
        return out

    @staticmethod
    def is_word(tok: str) -> bool:
        return tok[0].isalnum()

    def adverb(self, tok: str) -> bool:
        return len(tok) > 4 and tok.endswith("ly") and tok.islower() and tok not in self.cues.not_adverbs

    def trim_name(self, toks: list[Token]) -> list[Token]:
        """Keep the name at the end of a phrase: "opposition activist Asset Abichev" -> "Asset Abichev"."""
        cues = self.cues
        while toks and toks[0][2].lower() in cues.connectors:
            toks = toks[1:]
        while toks and toks[-1][2].lower() in cues.connectors:
            toks = toks[:-1]
        if self.capitalised:
            return toks  # its lowercase words are adjectives and articles inside it, not a description
        cut = -1
        for i, (_s, _e, w) in enumerate(toks):
            if w[0].isupper() or w[0].isdigit():
                continue
            between_caps = (
                w.lower() in cues.connectors and 0 < i < len(toks) - 1
                and toks[i - 1][2][0].isupper() and toks[i + 1][2][0].isupper()
            )
            if not between_caps:
                cut = i
        if 0 <= cut < len(toks) - 1 and toks[cut][2].lower() not in cues.articles | cues.connectors:
            toks = toks[cut + 1 :]  # a description before the name, not a name inside "of the ..."
        return toks

    def _lowercase_stops(self, w: str, got: list[Token]) -> bool:
        """Where nouns are capitalised (German), a lowercase word ends a name unless it is an
        adjective before a noun ("kanadischen Ermittler") or a connector ("Ministerium für")."""
        if not self.capitalised or capital(w) or w.lower() in self.cues.connectors:
            return False
        nxt = got[-1][2] if got else ""
        adjective_before = nxt[:1].islower() and nxt.endswith(ADJECTIVE_ENDINGS) and len(nxt) > 3  # "kritischen thailändischen Medien"
        return not (got and (nxt[:1].isupper() or adjective_before) and w.endswith(ADJECTIVE_ENDINGS))

    def _genitive_back(self, toks: list[Token], i: int, got: list[Token]) -> bool:
        """ "Sprecher der Polizei": an article after a noun, before the name, opens a genitive."""
        return bool(got) and i > 0 and toks[i][2].lower() in self.cues.genitive and toks[i - 1][2][:1].isupper() \
            and self.is_word(toks[i - 1][2]) and toks[i - 1][2].lower() not in self.cues.stop

    def np_back(self, toks: list[Token], i: int) -> tuple[list[Token], int]:
        """The noun phrase ending at toks[i], walking back; also the index of the token before it."""
        cues = self.cues
        got: list[Token] = []
        while i >= 0 and len(got) < self.max_np:
            w = toks[i][2]
            lw = w.lower()
            if not self.is_word(w):
                break
            if lw in cues.pronouns and not got:
                return [toks[i]], i - 1
            if self._genitive_back(toks, i, got):
                got.append(toks[i])
                i -= 1
                continue
            if lw in cues.articles:
                if got and i > 0 and toks[i - 1][2].lower() in ("of", "for"):
                    got.append(toks[i])  # "spokesperson for the Home Office": the article inside
                    i -= 1
                    continue
                i -= 1
                break
            if self.adverb(w) or self._lowercase_stops(w, got[-1:] if got else []):
                break
            if lw in cues.stop and not (
                lw in cues.connectors and got and i > 0 and toks[i - 1][2][0].isupper() and got[-1][2][0].isupper()
            ):
                break
            got.append(toks[i])
            i -= 1
        got.reverse()
        return self.trim_name(got), i

    def np_forward(self, toks: list[Token], i: int) -> list[Token]:
        cues = self.cues
        got: list[Token] = []
        first = i
        while i < len(toks) and toks[i][2].lower() in cues.articles and not got:
            i += 1
        if i > first and self.capitalised:
            got = self._extended_attribute(toks, i)  # "der für die Region zuständige Koordinator"
            i += len(got)
        if i < len(toks) and toks[i][2] in cues.closers:  # laut „Welt“: the name in the marks
            j = i + 1
            while j < len(toks) and j - i <= 8 and self.is_word(toks[j][2]):
                j += 1
            if j > i + 1 and j < len(toks) and any(toks[j][2] in c for c in cues.closers.values()):
                return got + toks[i + 1 : j]
        while i < len(toks) and len(got) < self.max_np:
            w = toks[i][2]
            lw = w.lower()
            if not self.is_word(w):
                break
            if lw in cues.pronouns and not got:
                return [toks[i]]
            if lw in cues.genitive and got and got[-1][2][:1].isupper() and i + 1 < len(toks) and toks[i + 1][2][:1].isupper():
                got.append(toks[i])  # "der Sprecher der Polizei"
                i += 1
                continue
            if lw in cues.articles and not (got and got[-1][2].lower() == "of"):
                break
            if self.adverb(w):
                break
            if self.capitalised and got and w[0].isdigit() and i + 1 < len(toks) and toks[i + 1][2][:1].isupper():
                break  # "laut der Netzzeitung 40 Menschen": the number starts the statement
            if self.capitalised and not capital(w) and lw not in cues.connectors and not (
                w.endswith(ADJECTIVE_ENDINGS) and i + 1 < len(toks) and toks[i + 1][2][:1].isupper()
            ):
                break  # German: the lowercase verb after the name
            if lw in cues.stop and not (
                lw in cues.connectors and got and got[-1][2][0].isupper()
                and i + 1 < len(toks) and toks[i + 1][2][0].isupper()
            ):
                break
            got.append(toks[i])
            i += 1
        return self.trim_name(got)

    def _extended_attribute(self, toks: list[Token], i: int) -> list[Token]:
        """After an article, the words of an adjective's own phrase before its noun ("der für die
        Region zuständige Koordinator", "die in New York geborene Lopez", "der 2004 verstorbene
        Bundespräsident"), up to the adjective: they belong to the name; [] when toks[i] opens none."""
        if i >= len(toks) or capital(toks[i][2]) and not toks[i][2][0].isdigit():
            return []
        for j in range(i, min(len(toks) - 1, i + 9)):
            w = toks[j][2]
            if not self.is_word(w) or w.lower() in self.cues.stop and w.lower() not in self.cues.prepositions:
                return []
            nxt = toks[j + 1][2]
            if j > i and w[:1].islower() and w.endswith(ADJECTIVE_ENDINGS) and len(w) > 4 \
                    and (capital(nxt) and self.is_word(nxt) or nxt in self.cues.closers):
                return toks[i : j + 1]
        return []

    def proper(self, toks: list[Token]) -> bool:
        """A name: every word capitalised, but for connectors inside it (Ministry of Justice)."""
        return all(w[0].isupper() or w[0].isdigit() or w.lower() in self.cues.connectors for _s, _e, w in toks)

    def speaker_like(self, toks: list[Token]) -> bool:
        """A phrase that names who may speak: a pronoun, a body ("Polizei", "Bundesregierung",
        "CDU") or a person by a title ("Innenminister", "Sprecherin")."""
        words = [w.lower() for _s, _e, w in toks]
        if len(words) == 1 and words[0] in self.cues.pronouns:
            return True
        if any(w in self.cues.group_words or w.endswith(self.cues.group_suffixes or ("\0",)) for w in words):
            return True
        if any(w.endswith(self.cues.title_endings) for w in words if self.cues.title_endings):
            return True
        return any(len(w) > 1 and w.isupper() and w.isalpha() for _s, _e, w in toks)

    def is_group(self, toks: list[Token]) -> bool:
        """A body or several people ("they"), not one person ("he", "she")."""
        words = [w for _s, _e, w in toks]
        if any(w.lower() in self.cues.group_words for w in words):
            return True
        if self.cues.group_suffixes and any(w.lower().endswith(self.cues.group_suffixes) for w in words):
            return True  # Bundesregierung, Staatsanwaltschaft
        if any(len(w) > 1 and w.isupper() and w.isalpha() for w in words):
            return True
        last = words[-1]
        if last[0].islower():
            return last.endswith("s")
        before = _LAST_WORD.search(self.text, max(0, toks[0][0] - 8), toks[0][0] - 1) if toks[0][0] > 0 else None
        definite = before is not None and before.group().lower() == "the" and before.end() == toks[0][0] - 1
        return definite and last.lower() not in self.cues.person_titles

    def quoted_name_before(self, before: list[Token], j: int) -> list[Token]:
        """ "Die „Süddeutsche Zeitung“ berichtete": the name between quotation marks before the verb."""
        k = j - 1
        while k >= 0 and j - k <= 8 and before[k][2] not in self.cues.closers:
            k -= 1
        if k < 0 or before[k][2] not in self.cues.closers or not all(self.is_word(t[2]) for t in before[k + 1 : j]):
            return []
        inner = before[k + 1 : j]
        lead = before[k - 1][2].lower() if k > 0 else ""
        if lead in self.cues.prepositions or (lead in self.cues.articles and k > 1 and before[k - 2][2].lower() in self.cues.prepositions):
            return []  # "In der „BILD am Sonntag“ schreibt X": a place, not the speaker
        short_brand = len(inner) <= 3 and lead in self.cues.articles | self.cues.clause_words  # Wie „heise online“ berichtet
        if inner and not self.capital(inner[0][2]) and short_brand:
            return before[k : j + 1]  # with its marks: the name, not a quotation of its own
        return inner if inner and self.capital(inner[0][2]) else []

    def apposition(self, toks: list[Token], j: int) -> tuple[list[Token], int | None]:
        """ "Hugh Williamson, Europe director at HRW, said": the name, from one side of the commas or the other."""
        k = j - 1
        paren = None
        if self.capitalised and k > 0 and toks[k][2] == ")":  # "..., Henning Scherf (SPD), warnte"
            paren = k
            while paren >= 0 and toks[paren][2] != "(" and j - paren <= 8:
                paren -= 1
            if paren < 1 or toks[paren][2] != "(":
                return [], None
            k = paren - 1
        while k >= 0 and self.is_word(toks[k][2]) and j - k <= 12:
            k -= 1
        if k < 0 or toks[k][2] != ",":
            return [], None
        inner = toks[k + 1 : paren if paren is not None else j]
        name, m = self.np_back(toks, k - 1)
        if inner and self.proper(inner) and not (name and self.proper(name)):
            name = self.trim_name(inner) + (toks[paren:j] if paren is not None else [])
        comma = toks[m][0] if name and m >= 0 and toks[m][2] == "," else None
        return name, comma
