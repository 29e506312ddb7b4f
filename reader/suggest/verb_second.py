"""Who speaks where the finite verb comes second (German): the subject before the verb or after it.

In English the speaker of "said" stands before it or, inverted, right after it ("..., said X"). In a
verb-second language any phrase may open the main clause, and the subject then follows the finite
verb: "Der Sprecher sagte ..." but "Am Montag sagte der Sprecher ...", "Die Lage bezeichnete er als
ernst". With a participle cue ("Die Partei hat sich ... geäußert") the finite verb is the
auxiliary; in a subordinate clause the verb comes last ("wie die Polizei mitteilte", "..., die von
Erschütterungen sprachen"). `VerbSecond.subject` answers from the words before the cue, using only
the language's cue lists (`not_subjects`, `auxiliaries`, `passive_auxiliaries`, `clause_words`,
`relative_pronouns`, ...), so the rules stay the same for any verb-second language given its words.
It is used only when the language's `verb_second` rule is on.
"""

from __future__ import annotations

from reader.suggest.names import ADJECTIVE_ENDINGS, Names, Token

Found = tuple[list[Token], "int | None", bool]
"""(the speaker's words, the offset of a comma before them, whether to look after the verb instead)."""


class VerbSecond:
    """The speaker of a reporting verb in a verb-second language."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.cues = names.cues

    def fronted(self, after: list[Token]) -> int:
        """Where the speaker follows the verb, the adverbs before it: "erklärte gestern ein Sprecher"."""
        cues = self.cues
        i = 0
        while i < min(len(after), 4) and after[i][2].lower() in cues.not_subjects \
                and after[i][2].lower() not in cues.articles and after[i][2].lower() not in cues.prepositions:
            i += 1
        return i

    def clause_start(self, before: list[Token]) -> int:
        """Index of the first word of the clause the cue ends (after a comma, colon, bracket or quotation mark)."""
        cues = self.cues
        c = len(before)
        while c > 0:
            if before[c - 1][2] == ")" or self._closing(before[c - 1][2]):
                k = self._group_open(before, c - 1)
                if k is not None:  # "Thomas de Maizière (CDU) hat", "die Zeitschrift „Jungle World“ hatte"
                    c = k
                    continue
            if (before[c - 1][2] in ",;:()" or before[c - 1][2] in cues.closers) and not (
                before[c - 1][2] == ":" and c > 1 and before[c - 2][2].isdigit()  # "Um 10:05 Uhr"
            ):
                break
            c -= 1
        while c < len(before) - 1 and before[c][2].lower() in cues.position_zero:
            c += 1  # "Aber Zeitungen berichteten, ...": the conjunction stands before the clause
        return c

    def _adverb(self, w: str) -> bool:
        """A capitalised adverb at a sentence's start ("Offiziell", "Monatelang"), by its ending; a
        word only a little longer than its ending may be a name ("Lang")."""
        lw = w.lower()
        return any(lw.endswith(e) and len(lw) > len(e) + 3 for e in self.cues.adverb_endings)

    def _closing(self, w: str) -> bool:
        return any(w in closing for closing in self.cues.closers.values())

    def _group_open(self, before: list[Token], j: int) -> int | None:
        """Where a parenthesis or a quoted name inside the writer's phrase opens, that before[j]
        closes: "(CDU)", "„Jungle World“" after a word; None for a quotation or a bracket that
        opens the clause."""
        opening = "(" if before[j][2] == ")" else None
        k = j - 1
        while k >= 0 and j - k <= 8 and self.names.is_word(before[k][2]) and before[k][2] != opening:
            k -= 1
        if k < 1 or k == j - 1 or not self.names.is_word(before[k - 1][2]):
            return None
        if opening is not None:
            return k if before[k][2] == "(" else None
        return k if before[k][2] in self.cues.closers and before[j][2] in self.cues.closers[before[k][2]] else None

    def _before_auxiliary(self, before: list[Token], i: int) -> tuple[list[Token], int]:
        """The phrase that ends before the auxiliary before[i], past a parenthesis ("Thomas de
        Maizière (CDU) hat") and with a quoted name ("die Zeitschrift „Jungle World“ hatte"), and
        the index of the token before it."""
        j = i - 1
        if j >= 0 and before[j][2] == ")":
            k = self._group_open(before, j)
            if k is not None:
                j = k - 1
        if j >= 0 and self._closing(before[j][2]):
            k = self._group_open(before, j)
            if k is None:
                return [], j
            head, k2 = self.names.np_back(before, k - 1)
            return head + before[k : j + 1], k2
        return self.names.np_back(before, j)

    def _extend(self, before: list[Token], np: list[Token], k: int, opens) -> tuple[list[Token], int]:
        """ "Ein Regierungssprecher in Berlin sagte": a prepositional phrase inside the speaker's name."""
        for _ in range(2):
            if opens(np, k) or not np or k < 1 or before[k][2].lower() not in self.cues.np_prepositions:
                break
            head, k2 = self.names.np_back(before, k - 1)
            if not head:
                break
            np, k = head + [before[k]] + np, k2
        return np, k

    def subject(self, before: list[Token], np: list[Token], k: int, comma_before: int | None, cue: str) -> Found:
        """The speaker from the words before the cue: `np` (the phrase right before it, ending at
        before[k + 1:]) when it opens the clause, else the subject at the auxiliary, a relative
        pronoun, the agent of a passive, or (the third value) the phrase after the verb."""
        cues, names = self.cues, self.names
        c = self.clause_start(before)
        passive = any(t[2].lower() in cues.passive for t in before[c:])
        if passive:
            return self._passive(before, c, cue)

        def opens_clause(phrase: list[Token], k: int) -> bool:
            first = next((i for i, t in enumerate(before) if phrase and t[0] == phrase[0][0]), 0)
            if first > 0 and before[first - 1][2].lower() in cues.object_articles:
                return False  # "Den Schaden schätzt die Polizei auf ...": an object, not the speaker
            if phrase and k < c and self._adverb(phrase[0][2]) and (len(phrase) == 1 or phrase[1][2].lower() in cues.prepositions):
                return False  # "Offiziell geht die Regierung davon aus", "Stellvertretend für die EU empfahl X"
            return bool(phrase) and phrase[0][2].lower() not in cues.not_subjects and (
                k < c or (k == c and before[k][2].lower() in cues.clause_words | cues.articles)
                or (k == c - 1 and before[k][2] == ",")
            )

        np, k = self._extend(before, np, k, opens_clause)
        if opens_clause(np, k):
            return np, comma_before, False
        if 0 < c < len(before) and before[c - 1][2] == "," and before[c][2].lower() in cues.relative_pronouns and not (
            c + 1 < len(before) and names.capital(before[c + 1][2])
        ) and not (  # "..., das gesamte Kabinett hätte": an article, its adjective and noun
            c + 2 < len(before) and before[c + 1][2].endswith(ADJECTIVE_ENDINGS) and names.capital(before[c + 2][2])
        ):  # "..., die von Erschütterungen sprachen": the relative pronoun speaks
            return [before[c]], None, False
        w = next((i for i in (c, c + 1) if i < len(before) and before[i][2].lower() in cues.clause_words), None)
        if w is not None:  # "Wie die NATO am Montag mitteilte", "Denn wie schon die WHO sagte"
            subject = names.np_forward(before, w + 1 + self.fronted(before[w + 1 :]))
            if subject and subject[0][2].lower() not in cues.not_subjects:
                comma = before[c - 1][0] if c > 0 and before[c - 1][2] == "," else None
                return subject, comma, False
        for i in range(len(before) - 2, c - 1, -1):
            if before[i][2].lower() in cues.auxiliaries:  # "Die Partei hat sich zuversichtlich geäußert"
                if i == c and i > 0 and before[i - 1][2] == ",":  # "X, Sprecher der Y, hat ... gesagt"
                    subject, comma = names.apposition(before, i - 1)
                    if subject and subject[0][2].lower() not in cues.not_subjects:
                        return subject, comma, False
                subject, k2 = self._before_auxiliary(before, i)
                subject, k2 = self._extend(before, subject, k2, opens_clause)
                if opens_clause(subject, k2):
                    return subject, None, False
                subject = names.np_forward(before[: len(before) - 1], i + 1) or names.np_forward(before, i + 1)
                if subject and before[i + 1][2].lower() not in cues.not_subjects:
                    return subject, None, False
                break
        if cue in cues.impersonal and np and k >= 0 and before[k][2].lower() in cues.prepositions:
            return np, None, False  # "In der Pressemitteilung heißt es, ...": the text speaks
        return [], None, True  # the speaker follows the verb

    def _passive(self, before: list[Token], c: int, cue: str) -> Found:
        """ "X wird von Reuters mit den Worten zitiert": X; "... wurden von Minister Y als
        unrealistisch bezeichnet": Y; "Die Details wurden bekanntgegeben": nobody."""
        cues, names = self.cues, self.names
        if cue in cues.quoted_passive:  # "„...“, wird Panetta zitiert": past the auxiliary too
            i = c + self.fronted(before[c:])
            while i < len(before) and before[i][2].lower() in cues.passive:
                i += 1
            subject = names.np_forward(before, i)
            if subject and names.capital(subject[0][2]):
                return subject, None, False
        for i in range(c, len(before) - 1):
            fronted = i == c and any(t[2].lower() in cues.passive for t in before[i:])  # "Von der Opposition wurde ... kritisiert"
            if before[i][2].lower() in cues.agents and (fronted or any(t[2].lower() in cues.passive for t in before[c:i])):
                agent = names.np_forward(before, i + 1)
                if agent and any(names.capital(t[2]) for t in agent):  # "vom österreichischen Verfassungsgerichtshof"
                    return agent, None, False
        return [], None, False

    def subject_after(self, after: list[Token]) -> bool:
        """A name right after the verb (after any adverbs): "..., fordert UN-Generalsekretär Annan"."""
        i = self.fronted(after)
        if i < len(after) and after[i][2].lower() in self.cues.object_articles:
            return False
        if i < len(after) and after[i][2].lower() in self.cues.articles:
            i += 1
        return i < len(after) and self.names.capital(after[i][2]) and self.names.is_word(after[i][2]) \
            and after[i][2].lower() not in self.cues.stop

    @staticmethod
    def particle_follows(after: list[Token], particles: list[str]) -> bool:
        """One of a separable verb's particles ends its clause: "teilte die Polizei am Montag mit"."""
        commas = 0
        for n, (_s, _e, w) in enumerate(after[:24]):
            commas += w == ","
            ordinal = w == "." and n > 0 and after[n - 1][2].isdigit()  # "am 27. März"
            if (w in ";:.!?" and not ordinal) or commas > 2:
                return False
            nxt = after[n + 1][2] if n + 1 < len(after) else "."
            if w.lower() in particles and (nxt in ",;:.!?" or not nxt[0].isalnum()):
                return True  # the particle closes the clause: "gab ... bekannt, dass"
            if w.lower() in particles and VerbSecond._predicative(after, n + 1):
                return True  # "hält es für möglich, dass", "hielten ihn für immer unwahrscheinlicher"
        return False

    @staticmethod
    def _predicative(after: list[Token], i: int) -> bool:
        """One or two lowercase words from after[i] that close the clause: the adjective after a
        particle ("für wahrscheinlich.", "zu bedenken, dass")."""
        for n in range(i, min(i + 2, len(after))):
            w = after[n][2]
            if not (w[:1].isalpha() and w[:1].islower()):
                return False
            nxt = after[n + 1][2] if n + 1 < len(after) else "."
            if nxt in ",;:.!?":
                return True
        return False

    def colon_subject(self, toks: list[Token]) -> list[Token]:
        """The subject of a clause that ends in a colon: "Das Fazit lautete:", "In der ARD zeigt sich
        der Bundestrainer zufrieden:" (past a fronted phrase and its verb)."""
        cues, names = self.cues, self.names
        i = 0
        if toks[0][2].lower() in cues.prepositions | cues.not_subjects:
            i = next((n + 1 for n, t in enumerate(toks) if n > 0 and t[2][:1].islower() and t[2].lower() not in
                      cues.articles | cues.prepositions | cues.connectors and names.is_word(t[2])), len(toks))
            i += self.fronted(toks[i:])
            while i < len(toks) and toks[i][2].lower() in ("sich", "es"):
                i += 1
        np = names.np_forward(toks, i)
        return np if np and np[0][2].lower() not in cues.not_subjects else []

    def by_preposition(self, cue: str, before: list[Token], after: list[Token]) -> tuple[list[Token], bool] | None:
        """The speaker of a verb that names it by a preposition (`source_prepositions`): "Wie aus
        dem Bericht hervorgeht" (before the verb), "Dies geht aus einer Mitteilung hervor", "...,
        heißt es in der Erklärung" (after it: the second value says so); None when there is none."""
        cues, names = self.cues, self.names
        preps = cues.source_prepositions.get(cue)
        if not preps:
            return None
        c = self.clause_start(before)
        i = c + (c < len(before) and before[c][2].lower() in cues.clause_words)
        while i < len(before) and before[i][2].lower() in ("sich", "es"):
            i += 1
        if i < len(before) and before[i][2].lower() in preps:
            np = names.np_forward(before, i + 1)
            return (np, False) if np else None
        j = self.fronted(after)
        while j < len(after) and after[j][2].lower() in ("sich", "es"):
            j += 1
        if j < len(after) and after[j][2].lower() in preps and before and (
            before[-1][2] in ",;:" or before[-1][2] in cues.closers or any(before[-1][2] in c for c in cues.closers.values())
            or before[-1][2].lower() in cues.anaphora | cues.not_subjects
        ):
            np = names.np_forward(after, j + 1)
            return (np, True) if np else None
        return None

    def quoted_object(self, after: list[Token], subject: list[Token], inverted: bool) -> list[Token]:
        """Whom a quoting verb (`quoting_verbs`) quotes: the object after it, past the subject when
        that follows the verb ("Ein Sender zitierte Papandreou", "„...“, zitiert die Zeitung den
        Minister"); [] when there is none (a passive: "X wird zitiert")."""
        cues, names = self.cues, self.names
        i = self.fronted(after)
        if inverted:
            if not subject or subject[-1] not in after:
                return []
            i = after.index(subject[-1]) + 1
            if i < len(after) and any(after[i][2] in c for c in cues.closers.values()):
                i += 1  # past the closing mark of "die „Computerwoche“"
        if i >= len(after) or after[i][2].lower() in cues.passive or not names.is_word(after[i][2]):
            return []
        np = names.np_forward(after, i)
        if not np or np[0][2].lower() in cues.stop or not any(names.capital(t[2]) for t in np):
            return []
        return np
