"""Sources: who said it. Each reporting cue with the name it points to, and the speaker of each quote.

- An attribution is a reporting cue outside quotes ("said", "told", "according to", "blamed";
  "sagte", "teilte ... mit", "laut", "zufolge") with the noun phrase it names: before it ("X said"),
  after it when inverted ("..., said X", "According to X"), from an apposition ("X, Europe director
  at HRW, said"), before a parenthesis ("Human Rights Watch (HRW) said"); where the verb comes
  second, after a fronted phrase ("Am Montag sagte der Minister", `verb_second`). Kinds beyond the
  verbs: "X zufolge" (`according_after`), "..., so X" (`tag_cues`), "nach Angaben der Polizei"
  (`according_with_noun`: only before a noun of what was said), "Demnach" (`self_sources`: the
  cue is the source), a second verb of the same speaker ("... und ergänzte, ..."). Its statement
  is asked of `claims`.
- A pronoun source ("he") is linked to the nearest fitting named source before it (he/she: a person,
  they: a group; German "sie": either), or kept as the pronoun when there is none; with
  `pronoun_sources` it stays the source and `stands_for` remembers the name.
- A quote's speaker: a cue right after it ('"...," he said', '"...," said X'), else the nearest cue
  before it in its sentence ('X said: "..."'), else the subject of the clause a colon ends ("Der
  Bundestrainer zeigte sich zufrieden: „...“"), else the other part of a split quote, else the
  speaker of the previous sentence; never across a paragraph that opens with a quote (in dialogue,
  a new quoted paragraph is the other speaker's turn).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from reader.suggest.claims import Claims
from reader.suggest.layout import Layout
from reader.suggest.names import Names, Token
from reader.suggest.quotes import Quote
from reader.suggest.verb_second import VerbSecond

_DASH_NAME = regex.compile(r"[ \t]*[—–][ \t]*(?=\p{Lu})")
"""A pull quote's speaker after a dash: '"..." — Karin Holm'."""
WINDOW = 300
"""Characters looked at on either side of a cue: keeps the work per match bounded."""


@dataclass
class Attribution:
    cue_start: int
    cue_end: int
    kind: str
    """reporting | that | quote | according ("laut X") | after ("X zufolge") | tag ("..., so X")"""
    sentence: int
    source: tuple[int, int]
    pronoun: str | None
    group: bool
    begin: int
    """Start of the attribution as a whole (its source or its cue, whichever comes first)."""
    content: tuple[int, int] | None = None
    more: tuple[int, int] | None = None
    """The second part of a statement the attribution sits inside ("Die Lage ist laut Polizei ernst")."""
    resolved: tuple[int, int] | None = None


class Sources:
    """The attributions of one text and the speakers of its quotes."""

    def __init__(self, layout: Layout, names: Names, claims: Claims) -> None:
        self.layout = layout
        self.names = names
        self.claims = claims
        self.text = layout.text
        self.cues = layout.cues
        self._cue_word = ""
        self.v2 = VerbSecond(names)
        self.stands_for: dict[tuple[int, int], tuple[int, int]] = {}
        """A pronoun source's extent -> the name it stands for (with `pronoun_sources`)."""
        data = self.cues.data
        self.aside_words = frozenset(str(w).lower() for w in data.get("aside_prepositions") or ())
        """ "Claire Dobson, 36, of Mill Lane, said": a place after a name is no apposition."""
        self.np_links = [str(w).lower().split() for w in data.get("source_links") or ()]
        """ "documents seen by this paper show": words that join a source noun to the phrase after it."""
        self.determiners = self.cues.articles | frozenset(str(w).lower() for w in data.get("demonstratives") or ())
        self.per_units = frozenset(str(w).lower() for w in data.get("per_units") or ())
        """ "$5 per share": words after "per" that make it no attribution."""
        self.participle_cues = frozenset(str(w).lower() for w in data.get("participle_cues") or ())
        """ "..., telling reporters that": a cue whose speaker is the subject of its sentence."""

    def attributions(self) -> list[Attribution]:
        """Every reporting cue outside quotes with the source it names, in text order."""
        cues, out = self.cues, []
        if cues.cue_re is None:
            return out
        for m in cues.cue_re.finditer(self.text):
            if self.layout.inside_quote(m.start()):
                continue
            previous = out[-1] if out else None
            attr = self._attribution(m.start(), m.end(), " ".join(m.group().lower().split()), previous)
            if attr is not None:
                out.append(attr)
        citing = set(cues.data.get("citing_cues") or ())
        if citing:  # "Das berichtet Kyodo unter Berufung auf einen Beamten": Kyodo says it
            reporters = {a.sentence for a in out if " ".join(self.text[a.cue_start:a.cue_end].lower().split()) not in citing}
            out = [a for a in out if a.sentence not in reporters
                   or " ".join(self.text[a.cue_start:a.cue_end].lower().split()) not in citing]
        return out

    def _attribution(self, cs: int, ce: int, cue: str, previous: Attribution | None = None) -> Attribution | None:
        cues, names = self.cues, self.names
        self._cue_word = cue
        if cue in cues.according_noun:
            return self._noun_attribution(cs, ce, previous)
        kind = ("according" if cue in cues.according else "after" if cue in cues.according_after
                else "tag" if cue in cues.tag_cues else "self" if cue in cues.self_sources
                else "reporting" if cue in cues.reporting or cue in cues.separable
                else "that" if cue in cues.that_verbs else "quote")
        si = self.layout.sentence_of(cs)
        ss, se = self.layout.sentence_bounds(si)
        before = names.tokens(max(ss, cs - WINDOW), cs)
        after = names.tokens(ce, min(se, ce + WINDOW))
        if not names.capitalised:
            before = [t for t in before if t[2] != "&"]  # "Barrow & Finch, said": one name
            if cue in (cues.data.get("noun_cues") or ()) and (self.text[cs].isupper() or (
                before and before[-1][2][:1].islower() and names.is_word(before[-1][2])
                and before[-1][2].lower() not in cues.pronouns and before[-1][2].lower() not in cues.between
                and not names.adverb(before[-1][2])
            )):
                return None  # "member states", "the United States": a noun
        if cue in cues.according_start and not (
            (not before or before[-1][2] in ",;:—–-") and after
            and (after[0][2].lower() in cues.articles or (names.capital(after[0][2]) and names.is_word(after[0][2]))
                 or (before and names.is_word(after[0][2]) and after[0][2].lower() not in self.per_units))
        ):
            return None  # "$5 per share": not "Per a report, ...", ", per two officials"
        if cue in cues.separable and cue not in cues.reporting and not self.v2.particle_follows(after, cues.separable[cue]) \
                and self.v2.by_preposition(cue, before, after) is None:  # but "Dies geht aus X hervor"
            return None  # "gab es keine": not "gab ... bekannt"
        if before and before[-1][2].lower() in cues.infinitive_markers and kind in ("reporting", "that", "quote"):
            return None  # "hätte das Dekret zu bestätigen": an infinitive reports nothing
        if cues.on("verb_second") and kind in ("reporting", "that", "quote") and after and after[0][2].lower() in cues.passive:
            return None  # "..., der wegen Befehlsverweigerung verurteilt worden war": a passive, nobody speaks
        if kind == "self":  # "Demnach ...": the cue names the source it refers to
            if before and names.is_word(before[-1][2]):
                return None
            source = (cs, ce)
            if before and before[-1][2] == "," and len(before) > 1:  # "Berichte, wonach ...": the reports
                closing = any(before[-2][2] in c for c in cues.closers.values())
                np = names.quoted_name_before(before, len(before) - 2) if closing else names.np_back(before, len(before) - 2)[0]
                if np and not (len(np) == 1 and np[0][2].lower() in cues.pronouns):
                    source = (np[0][0], np[-1][1])
            attr = Attribution(cs, ce, kind, si, source, None, True, cs)
            if cues.on("indirect"):
                attr.content = self.claims.statement(attr, True, None, after, ss, se)
            return attr
        np: list[Token] = []
        inverted = kind in ("according", "tag")
        comma_before: int | None = None
        coordinated = self._coordinated(before, ss, previous, si)
        if isinstance(coordinated, tuple) and previous is not None:  # "X sagte ... und ergänzte, ..."
            attr = Attribution(cs, ce, kind, si, previous.source, previous.pronoun, previous.group, cs)
            if cues.on("indirect"):
                attr.content = self.claims.statement(attr, False, None, after, ss, se)
            return attr
        quoted = self._quoted_as(before) if cue in self.participle_cues and not names.capitalised else None
        if quoted:  # "OSA quoted Prime Minister Lena Dorn as saying", "X was quoted by Y as saying"
            coordinated = quoted
        if coordinated is None and not names.capitalised and kind in ("reporting", "that") and before and (
            before[-1][2].lower() in cues.coordinators
            or (cue in self.participle_cues and before[-1][2].lower() in (",", "by"))
        ):
            coordinated = self._sentence_subject(before) or None  # "Judge X set a date and said ..."
        if coordinated:  # "Er legte sein Amt nieder und verkündete, ..."
            np = coordinated  # type: ignore[assignment]
        elif kind == "tag":  # "..., so der Sprecher."
            if not before or before[-1][2] != ",":
                return None
            comma_before = before[-1][0]
        elif kind == "after":  # "der Polizei zufolge"
            np, k = names.np_back(before, len(before) - 1)
            if np and k >= 0 and before[k][2] == ",":
                comma_before = before[k][0]
        elif not inverted:
            np, comma_before, inverted = self._subject_before(before, after)
        if not inverted and np and cues.on("verb_second") and kind in ("reporting", "quote") and after \
                and after[0][2].lower() in cues.pronouns and coordinated is None \
                and not (cues.pronouns[after[0][2].lower()] == "any" and names.speaker_like(np)):
            # "Der Politik schlug er vor, ...": the pronoun after the verb speaks; but "Der Sprecher
            # nannte sie „fahrlässig“": a pronoun that may be an object, after a subject who speaks
            np = [after[0]]
        if inverted:
            if kind == "quote" and not cues.on("verb_second"):
                return None  # but "Als Grund nannte die NASA ..."
            start = self.v2.fronted(after) if cues.on("verb_second") else 0
            if kind == "tag" and start < len(after) and after[start][2].lower() in cues.reporting:
                start += 1  # "..., so schätzen die Forscher, ..."
            np = names.np_forward(after, start) if not (
                cues.on("verb_second") and kind in ("reporting", "that") and start < len(after)
                and after[start][2].lower() in cues.object_articles
            ) else []  # "..., wies den Vorwurf zurück": an object, not the speaker
            if not np and kind == "according" and after and names.is_word(after[0][2]) and after[0][2].lower() not in cues.stop \
                    and not (not names.capitalised and after[0][2].lower() in cues.articles):
                np = after[:1]  # "laut taz": a name written in lower case
            rest = [t for t in after if np and t[0] >= np[-1][1]]
            if not cues.on("verb_second") and rest and names.is_word(rest[0][2]) and not (
                rest[0][2].lower() in cues.not_clause or names.adverb(rest[0][2])
            ):
                return None  # ", told a story that ...": not "..., said X"
            if kind == "tag" and rest and names.is_word(rest[0][2]) and rest[0][2].lower() not in cues.stop:
                return None  # ", so viele Menschen wie nie": not a source
            if np and not names.proper(np):  # "said the group's leader, Omar Khalid": the name
                if rest and rest[0][2] == ",":
                    name = names.np_forward(rest, 1)
                    if name and names.proper(name) and not names.capitalised:
                        np = name
        if cues.on("verb_second") and cues.source_prepositions and kind == "reporting":
            by_prep = self.v2.by_preposition(cue, before, after)  # "Wie aus dem Bericht hervorgeht"
            if by_prep is not None:
                np, inverted = by_prep
                comma_before = before[-1][0] if inverted and before and before[-1][2] == "," else None
                if inverted and comma_before is None:
                    after = []  # "Dies geht aus X hervor, die ...": what it says is the sentence before
        if cues.on("verb_second") and cue in cues.quoting and kind == "reporting" and np:
            quoted = self.v2.quoted_object(after, np, inverted)  # "Ein Sender zitierte Papandreou mit den Worten"
            if quoted:
                np = quoted
        if not np:
            return None
        if self.text[np[0][0] - 2 : np[0][0]].strip() == "(" and self.text[ce : ce + 1] == ")":
            return None  # "(Wikinews berichtete)": a pointer to an earlier report, no attribution
        source = (np[0][0], np[-1][1])
        first = np[0][2].lower()
        pronoun = first if len(np) == 1 and first in cues.pronouns else None
        attr = Attribution(cs, ce, kind, si, source, pronoun, names.is_group(np), min(cs, source[0]))
        if cues.on("indirect"):
            attr.content = self.claims.statement(attr, inverted, comma_before, after, ss, se)
            if attr.content is None and kind in ("according", "after") and comma_before is None:
                attr.content, attr.more = self.claims.around(attr, ss, se)
            if attr.content is None and cues.anaphora:
                attr.content, attr.more = self.claims.anaphoric(attr, ss)
                if attr.content is None:
                    attr.more = None
            if attr.content is None and kind == "quote" and cues.on("allegations") and cue in cues.accusation_words \
                    and not names.capitalised:
                attr.content = self.claims.clean((ce, se))  # "X accused Y of Z (and said ...)": what follows the verb
            if attr.content is None and cues.on("whole_sentence_claims") and kind in ("reporting", "quote"):
                attr.content = self.claims.whole_sentence(ss, se)
            if attr.content is not None and attr.more is None and not names.capitalised:
                attr.content, attr.more = self._two_clauses(attr.content)
        return attr

    def _two_clauses(self, span: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int] | None]:
        """ "said A and that B": two statements, A and B (outside quotes)."""
        cues, text = self.cues, self.text
        for t in self.names.tokens(*span)[1:]:
            if t[2].lower() not in cues.complementisers or self.layout.inside_quote(t[0]):
                continue
            lead = text[span[0]:t[0]].rstrip().rstrip(",").rstrip()
            word = lead.rsplit(None, 1)[-1].lower() if lead.split() else ""
            if word not in cues.coordinators:
                continue
            first = self.claims.clean((span[0], span[0] + len(lead) - len(word)))
            second = self.claims.clean((t[1], span[1]))
            if first is not None and second is not None:
                return first, second
        return span, None

    def _coordinated(self, before: list[Token], ss: int, previous: Attribution | None,
                     si: int) -> tuple[int, int] | list[Token] | None:
        """ "X dankte den Menschen und ergänzte, ...": the second verb's speaker is the first's, the
        attribution before it in the sentence, or (where nouns are capitalised, so a name ends at
        the verb) the name that opens the sentence."""
        cues, names = self.cues, self.names
        if not before or before[-1][2].lower() not in cues.coordinators:
            return None
        if previous is not None and previous.sentence == si:
            return previous.source
        if names.capitalised:
            np = names.np_forward(before, 0)
            if np and np[0][2].lower() not in cues.not_subjects and (np[0][0] - ss < 8):
                return np
        return None

    def _quoted_as(self, before: list[Token]) -> list[Token]:
        """The speaker of "quoted X as saying" (X) and of "X was quoted by Y as saying" (X)."""
        if len(before) < 3 or before[-1][2].lower() != "as":
            return []
        verbs = self.cues.data.get("quoted_as") or ()
        q = next((n for n in range(len(before) - 2, -1, -1) if before[n][2].lower() in verbs), None)
        if q is None:
            return []
        if q > 0 and before[q - 1][2].lower() in (self.cues.data.get("passive_words") or ()):
            np, _comma, inverted = self._subject_before(before[: q - 1])
            return [] if inverted else np
        np = self.names.np_forward(before, q + 1)
        return np if np and np[-1] == before[-2] else []

    def _sentence_subject(self, before: list[Token]) -> list[Token]:
        """The name that opens the sentence, when a verb follows it: the speaker of a second verb
        ("Judge Arthur Benn set a date and said ...") or a participle ("X resigned, telling ...",
        "X ended by saying ...")."""
        names, cues = self.names, self.cues
        i = 0
        dash = next((n for n, t in enumerate(before[:12]) if t[2] in ("—", "–", "-")), None)
        if dash is not None and all(not t[2][:1].islower() for t in before[:dash]):
            i = dash + 1  # "HARTWELL, Tenland (AP) — Tenland Gov. Maria Castellano vetoed ..."
        while i < len(before) and before[i][2].lower() in cues.articles:
            i += 1
        n = i
        while n < len(before) and names.is_word(before[n][2]) and (before[n][2][0].isupper() or (
            before[n][2].lower() in cues.connectors and n + 1 < len(before) and before[n + 1][2][0].isupper()
        )):
            n += 1
        np = before[i:n]
        if n < len(before) and before[n][2] == "," and not (np and names.proper(np) and len(np) > 1
                                                             and before[n + 1][2][:1].islower()):
            # "The Home Secretary, Priya Rahman, has refused ...": the name between the commas
            m = n + 1
            while m < len(before) and names.is_word(before[m][2]) and before[m][2][:1].isupper():
                m += 1
            if m - n > 2 and m + 1 < len(before) and before[m][2] == "," and before[m + 1][2][:1].islower():
                np, n = before[n + 1 : m], m + 1
        if not np or n >= len(before) or not names.is_word(before[n][2]) or not before[n][2][0].islower():
            return []
        if np[0][2].lower() in cues.not_subjects or (len(np) == 1 and np[0][2].lower() in cues.stop | cues.not_clause | cues.between):
            return []  # "Another time he interrupted, saying ...": no subject
        return np

    def _asides(self, toks: list[Token], j: int) -> int:
        """Where the name before a verb ends, past what sits between commas after it: an age
        ("Claire Dobson, 36, said"), a place ("X, of Mill Lane, said"), a relative clause ("X, who
        spoke on condition of anonymity, said"). j is the comma before the verb; returns the comma
        after the name (j itself when there is nothing to skip)."""
        rel = self.cues.relative_pronouns
        while True:
            k = j - 1
            while k >= 0 and toks[k][2] not in ",.;:!?" and j - k <= 30:
                k -= 1
            if k <= 0 or toks[k][2] != ",":
                return j
            inner = [t[2] for t in toks[k + 1 : j]]
            if not inner:
                return j
            age = len(inner) == 1 and inner[0].isdigit()
            place = inner[0].lower() in self.aside_words and len(inner) > 1 and inner[1][:1].isupper()
            relative = inner[0].lower() in rel
            if not (age or place or relative):
                return j
            j = k

    def _name_inside(self, toks: list[Token], j: int) -> list[Token]:
        """The name that ends the words between the comma j and the comma before it, when it has
        a capitalised word before its last ("state Sen. Dale Whitford")."""
        k = j - 1
        while k >= 0 and self.names.is_word(toks[k][2]) and j - k <= 12:
            k -= 1
        inner = toks[k + 1 : j]
        n = len(inner)
        while n > 0 and inner[n - 1][2][:1].isupper():
            n -= 1
        name = inner[n:]
        if any(t[2].lower() in self.cues.stop for t in inner):
            return []  # "carried out by Northgate Research": a participle, not a name
        return inner if len(name) >= 2 and k >= 0 and toks[k][2] == "," else []

    def _verbal(self, toks: list[Token], j: int) -> bool:
        """The words between the comma j and the comma before it form a clause, not an apposition
        ("would pay more for steel, and some of the cost would be passed on, said X")."""
        k = j - 1
        while k >= 0 and self.names.is_word(toks[k][2]) and j - k <= 12:
            k -= 1
        inner = [t[2].lower() for t in toks[k + 1 : j]]
        finite = self.cues.data.get("finite_words") or ()
        return bool(inner) and (inner[0] in self.cues.coordinators or any(w in finite for w in inner))

    def _subject_before(self, before: list[Token], after: list[Token] | None = None) -> tuple[list[Token], int | None, bool]:
        """The speaker before a verb ("X said", "X, director at Y, said", "X (HRW) said"): its
        tokens, the comma before it, and whether to look after the verb instead ("..., said X";
        in a verb-second language also "Am Montag sagte der Minister")."""
        cues, names = self.cues, self.names
        np: list[Token] = []
        comma_before: int | None = None
        j = len(before) - 1
        skipped = 0
        while j >= 0 and (before[j][2].lower() in cues.between or names.adverb(before[j][2])) and skipped < 3:
            j, skipped = j - 1, skipped + 1
        if j < 0 or not names.is_word(before[j][2]):
            punct = before[j][2] if j >= 0 else ""
            if punct == ")":
                k = j - 1
                while k >= 0 and before[k][2] != "(" and j - k < 10:
                    k -= 1
                if k >= 0 and before[k][2] == "(":
                    if cues.on("verb_second"):  # the parenthesis is transparent: "Am Ende (Stand: 0:35) gab X"
                        return self._subject_before(before[:k] + before[j + 1 :], after)
                    np, _ = names.np_back(before, k - 1)
            elif punct == "," and not skipped and cues.on("verb_second") and j > 0 and before[j - 1][2][:1].islower() \
                    and after and self.v2.subject_after(after):
                return [], before[j][0], True  # "..., fordert UN-Generalsekretär Kofi Annan ein Ende"
            elif punct == "," and skipped and not names.capitalised:
                np, comma_before = self.names.apposition(before, j)  # "X's spokesman, Kyle Brandt, later said"
                if not (np and names.proper(np)):
                    np, comma_before = [], None
            elif punct == "," and not skipped:
                j2 = self._asides(before, j) if not names.capitalised else j
                if j2 != j and j2 > 0 and names.is_word(before[j2 - 1][2]):
                    np, k = names.np_back(before, j2 - 1)  # "Claire Dobson, 36, of Mill Lane, said"
                    comma_before = before[k][0] if np and k >= 0 and before[k][2] == "," else None
                    if np:
                        return np, comma_before, False
                if names.capitalised or not self._verbal(before, j2):
                    np, comma_before = self.names.apposition(before, j2)
                    if np and not names.capitalised and (not names.proper(np) or (
                        len(np) == 1 and np[0][2].lower() in cues.person_titles
                    )):  # "The bill's sponsor, state Sen. Dale Whitford, said"; "the Chancellor, Tom Ashby, said"
                        np = self._name_inside(before, j2) or np
            elif punct and j > 0 and any(punct in closing for closing in cues.closers.values()):
                np = self.names.quoted_name_before(before, j)
            if not np:
                return [], before[j][0] if punct == "," else None, True
            return np, comma_before, False
        np, k = names.np_back(before, j)
        np, k = self._linked_back(before, np, k)
        if k >= 0 and before[k][2].lower() in cues.clause_words:  # "..., wie die Polizei mitteilte"
            k -= 1
        if np and k >= 0 and before[k][2] == ",":
            comma_before = before[k][0]
        if cues.on("verb_second"):
            return self.v2.subject(before, np, k, comma_before, self._cue_word)
        return np, comma_before, False

    def _linked_back(self, toks: list[Token], np: list[Token], k: int) -> tuple[list[Token], int]:
        """The source noun before "seen by", "from", ... joined to the phrase np after it:
        "documents seen by this paper show", "Figures from the Office for National Statistics show"."""
        names = self.names
        if not np or k < 0:
            return np, k
        at = k - 1 if toks[k][2].lower() in self.determiners else k  # "seen by this paper"
        for link in self.np_links:
            n = len(link)
            if at - n + 1 < 1 or [t[2].lower() for t in toks[at - n + 1 : at + 1]] != link:
                continue
            j = at - n
            if not names.is_word(toks[j][2]) or toks[j][2].lower() in self.cues.stop:
                continue
            head, k2 = names.np_back(toks, j)
            if k2 >= 0 and toks[k2][2].lower() in self.cues.not_clause:
                continue  # "looking with pleasure at the table": an object, not a speaker
            if head and not (len(head) == 1 and head[0][2].lower() in self.cues.pronouns):
                return toks[toks.index(head[0]) : toks.index(np[-1]) + 1], k2
        return np, k

    def _noun_attribution(self, cs: int, ce: int, previous: Attribution | None) -> Attribution | None:
        """ "nach Angaben der Polizei" (the phrase after the cue) or "seiner Meinung nach" (before
        it): an attribution only when that phrase holds one of the `source_nouns`."""
        names, nouns = self.names, self.cues.source_nouns
        si = self.layout.sentence_of(cs)
        ss, se = self.layout.sentence_bounds(si)
        after = names.tokens(ce, min(se, ce + WINDOW))
        before = names.tokens(max(ss, cs - WINDOW), cs)

        def has_noun(np: list[Token]) -> bool:
            return any(w.lower().endswith(n) for _s, _e, w in np for n in nouns)

        np = names.np_forward(after, 0)
        cut = next((n for n, t in enumerate(np) if has_noun([t])), None)
        if cut is not None and cut + 1 < len(np) and np[cut + 1][2][:1].islower() \
                and np[cut + 1][2].lower() not in self.cues.genitive | self.cues.connectors:
            np = np[: cut + 1]  # "nach Medienberichten weitere Teilnehmer": the reports, not who follows
        if np and has_noun(np) and not any(names.capital(t[2]) for t in np[:cut]):  # not "nach der Ablehnung des Gesetzes"
            start = next(t[0] for t in after if t[0] >= ce)  # the article too: "nach den Angaben"
            return self._attribution_with(cs, ce, "according", si, (start, np[-1][1]), np, after, ss, se)
        np, k = names.np_back(before, len(before) - 1)
        if np and has_noun(np):
            first = before[k + 1][0] if k + 1 < len(before) else np[0][0]
            comma = before[k][0] if k >= 0 and before[k][2] == "," else None
            return self._attribution_with(cs, ce, "after", si, (first, np[-1][1]), np, after, ss, se, comma)
        return None

    def _attribution_with(self, cs: int, ce: int, kind: str, si: int, source: tuple[int, int], np: list[Token],
                          after: list[Token], ss: int, se: int, comma: int | None = None) -> Attribution:
        """An "according" or "after" attribution with its source found, and its statement."""
        attr = Attribution(cs, ce, kind, si, source, None, True, min(cs, source[0]))
        if self.cues.on("indirect"):
            attr.content = self.claims.statement(attr, True, comma, after, ss, se)
            if attr.content is None and comma is None:
                attr.content, attr.more = self.claims.around(attr, ss, se)
        return attr

    def _colon_speaker(self, start: int, colon: int) -> tuple[int, int] | None:
        """The subject of the clause a colon ends, when no cue names the speaker of the quote after
        it: "Das Fazit lautete: ...", "In der ARD zeigt sich der Bundestrainer zufrieden: ..."; in
        English only a name that the colon (or an apposition) follows: "Erkki Tuomioja, president of
        the council: ..."."""
        names, cues = self.names, self.cues
        toks = names.tokens(start, colon)
        if not toks or not names.is_word(toks[0][2]):
            return None
        if not names.capitalised:
            np = names.np_forward(toks, 0)
            rest = [t for t in toks if np and t[0] >= np[-1][1]]
            ok = np and names.proper(np) and (not rest or rest[0][2] == ",") and not (
                len(np) == 1 and np[0][2].lower() in cues.stop | cues.not_clause | cues.between
            )  # "Later: ..." is no speaker
            return (np[0][0], np[-1][1]) if ok else None
        np = self.v2.colon_subject(toks)
        return (np[0][0], np[-1][1]) if np else None

    def resolve(self, attrs: list[Attribution]) -> None:
        """A pronoun stands for the nearest fitting named source before it (he/she: a person, they: a group)."""
        last: dict[str, tuple[int, int]] = {}
        own = self.cues.on("pronoun_sources")
        for a in attrs:
            if a.pronoun is None:
                a.resolved = a.source
                last["group" if a.group else "person"] = last["any"] = a.source
                continue
            fits = last.get(self.cues.pronouns[a.pronoun])
            if fits is None or a.source[0] - fits[0] >= 20 * WINDOW:
                a.resolved = a.source
            elif own:  # the pronoun is the source span, noted with the name it stands for
                a.resolved = a.source
                self.stands_for[a.source] = fits
            else:
                a.resolved = fits

    def quote_source(self, qi: int, q: Quote, attrs: list[Attribution], cue_starts: list[int],
                     quote_sources: list[tuple[int, int] | None],
                     by_sentence: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
        """The speaker of quote `qi`, given the speakers found for the quotes before it."""
        text, layout = self.text, self.layout
        if q.cont is not None and quote_sources[q.cont] is not None:
            return quote_sources[q.cont]
        next_open = layout.quote_opens[qi + 1] if qi + 1 < len(layout.quotes) else len(text)
        if q.close is not None:  # '"...," he said' / '"...," said X'
            sentence_end = layout.sentence_bounds(layout.sentence_of(q.close + 1))[1]
            limit = min(sentence_end, q.close + 150, next_open)
            i = bisect.bisect_right(cue_starts, q.close)
            if i < len(attrs) and attrs[i].cue_start < limit:
                a = attrs[i]
                gap = text[q.close + 1 : a.begin].replace(",", " ").replace(";", " ").split()
                if all(w.lower() in self.cues.articles | self.cues.passive or w in ":—–-" for w in gap):  # "„...“, wird X zitiert"
                    return a.resolved
                if a.pronoun is None and not self.names.capitalised and len(gap) <= 4 and all(  # '"...," deputy press secretary Tom Avery said'
                    w.isalpha() and w.islower() and w not in self.cues.stop | self.cues.not_clause for w in gap
                ) and text[q.close + 1 : a.begin].startswith((",", " ")):
                    return a.resolved
        if q.close is not None and not self.names.capitalised:  # '"..." — Karin Holm, to the Parliament'
            m = _DASH_NAME.match(text, q.close + 1)
            if m is not None:
                toks = self.names.tokens(m.end(), min(len(text), m.end() + 80))
                np = self.names.np_forward(toks, 0)
                if np and self.names.proper(np):
                    return np[0][0], np[-1][1]
        ss, _se = layout.sentence_bounds(layout.sentence_of(q.open))
        prev_close = layout.quote_ends[qi - 1] if qi > 0 else 0
        start = max(ss, prev_close, q.open - WINDOW)
        i = bisect.bisect_left(cue_starts, q.open) - 1
        if i >= 0 and attrs[i].cue_start >= start:  # 'X said: "..."' / 'X blamed it on "..."'
            nested = text[attrs[i].source[0]:attrs[i].source[1]].split()
            evidence = self.cues.data.get("evidence_nouns") or ()
            if attrs[i].kind != "quote" and nested and nested[-1].lower() in evidence and not self.names.capitalised:
                outer = next((a for a in attrs[:i] if a.sentence == attrs[i].sentence and a.content is not None
                              and a.content[0] <= attrs[i].begin and q.end <= a.content[1]), None)
                if outer is not None:  # 'X said the figures showed "the scale of the challenge"': figures quote nobody
                    return outer.resolved
            return attrs[i].resolved
        if text[start : q.open].rstrip().endswith(":"):  # 'Der Bundestrainer zeigte sich zufrieden: „...“'
            speaker = self._colon_speaker(start, text.rindex(":", start, q.open))
            if speaker is not None:
                return speaker
        same_sentence = qi > 0 and layout.sentence_of(layout.quote_opens[qi - 1]) == layout.sentence_of(q.open)
        if same_sentence and quote_sources[qi - 1] is not None:
            return quote_sources[qi - 1]  # the second part of a split quote
        previous = layout.sentence_of(q.open) - 1
        if previous < 0:
            return None
        para = bisect.bisect_right(layout.para_starts, q.open) - 1
        if layout.sent_starts[previous] < layout.para_starts[para] and para > 0:
            # the speaker of the previous paragraph: only when it is reported speech, not a line of
            # dialogue (a new quoted paragraph after a quoted one is the other speaker's turn)
            if self.text[layout.para_starts[para - 1]] in self.cues.closers:
                return None
        return by_sentence.get(previous)  # the neighbouring sentence's speaker
