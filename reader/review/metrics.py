"""Agreement figures computed from counts: precision/recall/F1, Cohen's kappa, Krippendorff's u-alpha.

Hand-written rather than taken from a library, for three reasons: the figures are summed from
per-document counts (a corpus of 10,000 documents is never held as one token list, which the
`krippendorff` package's reliability matrix would need, with numpy); scikit-learn is an optional
extra and costs a second to import; and no package on PyPI implements the unitizing alpha (the
`krippendorff` package does the coding alpha only). The tests check every function here against an
independent computation (scikit-learn, bratiaa, the `krippendorff` package for the coding alpha of
N annotators, Krippendorff's worked example for the unitizing alpha).

A figure that is undefined (no spans on either side, chance agreement of 1) is `None`, not 0 or 1:
"nothing to agree on" is neither perfect nor failed agreement. JSON shows it as `null`.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence


def prf(matches: int, a_count: int, b_count: int) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 with A as the reference: recall = matches/|A|, precision = matches/|B|.

    F1 = 2·matches / (|A| + |B|) is symmetric, so it does not matter who is the reference.
    """
    precision = matches / b_count if b_count else None
    recall = matches / a_count if a_count else None
    f1 = 2 * matches / (a_count + b_count) if a_count + b_count else None
    return precision, recall, f1


def kappa_from_confusion(confusion: Mapping[tuple[str, str], int]) -> float | None:
    """Cohen's kappa from a confusion table {(label of A, label of B): count}.

    kappa = (p_o - p_e) / (1 - p_e) with p_o the observed agreement and p_e the agreement expected
    from each side's marginals. None when p_e is 1 (both gave every token the same single label).
    """
    n = sum(confusion.values())
    if n == 0:
        return None
    rows: dict[str, int] = {}
    cols: dict[str, int] = {}
    agree = 0
    for (a, b), count in confusion.items():
        rows[a] = rows.get(a, 0) + count
        cols[b] = cols.get(b, 0) + count
        if a == b:
            agree += count
    chance = sum(rows[k] * cols.get(k, 0) for k in rows)  # p_e * n^2, exact integers
    if chance == n * n:
        return None
    return (agree * n - chance) / (n * n - chance)


def binary_kappa(both: int, a_only: int, b_only: int, neither: int) -> float | None:
    """Cohen's kappa of a yes/no decision per token (has this label or not) from its 2x2 table."""
    return kappa_from_confusion({(1, 1): both, (1, 0): a_only, (0, 1): b_only, (0, 0): neither})  # type: ignore[dict-item]


# --------------------------------------------------------------------------- unitizing alpha
#
# Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology, 2nd ed., Sage,
# section 11.6 (pp. 251-256), for two coders and one category c at a time. Each coder's units of c
# cut the continuum [0, L) into units and gaps (the stretches with no unit of c).
#
#   observed   D_o = sum over every pair (section g of coder i, section h of coder j, i != j) of
#                    delta(g, h), divided by m(m-1)L^2, with m = 2 coders.
#   delta      two units that overlap:      (b_g - b_h)^2 + (e_g - e_h)^2   (begins and ends)
#              a unit lying inside a gap:   l_unit^2
#              anything else:               0
#   expected   D_e = 2/L * sum over units u of both coders of
#                    [ (N_c - 1)(2l^3 - 3l^2 + l)/3 + l^2 * sum over gaps g >= l of (g - l + 1) ]
#                    divided by  mL(mL - 1) - sum over units of l(l - 1),
#              N_c the number of units of c of both coders.
#   alpha      1 - D_o / D_e; over all categories 1 - sum(D_o) / sum(D_e).
#
# The ordered pairs (A,B) and (B,A) give the same sum, so D_o = S / L^2 with S summed once over
# pairs (a of A, b of B). Everything stays in integers until the last division.


@dataclass
class Sections:
    """One coder's units of one category on one continuum: unit lengths and the gaps between them.

    `lead` and `tail` are the gaps before the first unit and after the last (the whole continuum
    when there is no unit), kept apart so that continua can be joined end to end (`join`).
    """

    length: int
    units: list[int] = field(default_factory=list)
    inner: list[int] = field(default_factory=list)
    lead: int = 0
    tail: int = 0

    @classmethod
    def of(cls, extents: Iterable[tuple[int, int]], length: int) -> "Sections":
        units = merge_extents(extents)
        out = cls(length)
        if not units:
            out.lead = out.tail = length
            return out
        out.lead = units[0][0]
        out.tail = length - units[-1][1]
        for (s, e), nxt in zip(units, units[1:] + [None]):
            out.units.append(e - s)
            if nxt is not None and nxt[0] > e:
                out.inner.append(nxt[0] - e)
        return out

    def gaps(self) -> list[int]:
        if not self.units:
            return [self.length] if self.length else []
        return [g for g in (self.lead, *self.inner, self.tail) if g > 0]


def merge_extents(extents: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted extents with overlapping ones merged into their union.

    The measure needs each coder's units of one category to be disjoint; an annotator who marks a
    claim inside another claim has marked the union as claim, as far as u-alpha is concerned.
    Extents that only touch stay two units.
    """
    out: list[list[int]] = []
    for s, e in sorted(extents):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def unit_distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Krippendorff's delta^2 of two overlapping units (begin, end): squared begin and end differences."""
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def observed_sum(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    """S = sum of delta^2 over (section of A, section of B), for disjoint sorted units (merge_extents).

    Overlapping unit pairs give their begin/end distance; a unit that overlaps no unit of the other
    side lies inside one of its gaps and gives its squared length; all else gives 0.
    """
    total = 0
    matched_a = [False] * len(a)
    matched_b = [False] * len(b)
    j0 = 0
    for i, ua in enumerate(a):
        while j0 < len(b) and b[j0][1] <= ua[0]:
            j0 += 1
        j = j0
        while j < len(b) and b[j][0] < ua[1]:
            total += unit_distance(ua, b[j])
            matched_a[i] = matched_b[j] = True
            j += 1
    total += sum((e - s) ** 2 for (s, e), m in zip(a, matched_a) if not m)
    total += sum((e - s) ** 2 for (s, e), m in zip(b, matched_b) if not m)
    return total


def expected_numerator(units: Sequence[int], gaps: Sequence[int]) -> int:
    """3 × sum over units of [(N_c - 1)(2l^3 - 3l^2 + l)/3 + l^2 · sum over gaps >= l of (g - l + 1)].

    The gaps are sorted once and summed from the end, so each unit costs a bisection, not a pass.
    """
    n_c = len(units)
    ordered = sorted(gaps)
    suffix = [0] * (len(ordered) + 1)
    for k in range(len(ordered) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + ordered[k]
    total = 0
    for l in units:
        k = bisect_left(ordered, l)
        fits = suffix[k] - (l - 1) * (len(ordered) - k)
        total += (n_c - 1) * (2 * l**3 - 3 * l**2 + l) + 3 * l * l * fits
    return total


@dataclass
class Unitizing:
    """The sufficient figures of u-alpha for one category: added up document by document."""

    length: int = 0
    observed: int = 0
    """S, summed over documents (no unit crosses a document boundary) and over every pair of coders."""
    units: list[int] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)
    coders: int = 2
    """m: the sums above are over this many coders' units and gaps (and their m(m-1)/2 pairs)."""

    def disagreements(self, coders: int | None = None) -> tuple[float, float] | None:
        """(D_o, D_e), or None when there is no unit at all (nothing to agree on)."""
        coders = self.coders if coders is None else coders
        cached = self.__dict__.get("_cached")
        if cached is not None and cached[0] == (coders, self.length, self.observed, len(self.units), len(self.gaps)):
            return cached[1]
        result = self._disagreements(coders)
        self.__dict__["_cached"] = ((coders, self.length, self.observed, len(self.units), len(self.gaps)), result)
        return result

    def _disagreements(self, coders: int) -> tuple[float, float] | None:
        if not self.units or self.length == 0:
            return None
        length = self.length
        d_o = 2 * self.observed / (coders * (coders - 1) * length * length)
        denominator = coders * length * (coders * length - 1) - sum(l * (l - 1) for l in self.units)
        if denominator <= 0:
            return None
        d_e = 2 * expected_numerator(self.units, self.gaps) / (3 * length * denominator)
        return d_o, d_e

    def alpha(self) -> float | None:
        parts = self.disagreements()
        if parts is None or parts[1] == 0:
            return None
        return 1 - parts[0] / parts[1]


def unitizing(a: Sections, b: Sections, a_units: Sequence[tuple[int, int]], b_units: Sequence[tuple[int, int]]) -> Unitizing:
    """u-alpha figures of one continuum: `a_units`/`b_units` are merge_extents() of each side."""
    return Unitizing(a.length, observed_sum(a_units, b_units), a.units + b.units, a.gaps() + b.gaps())


def unitizing_many(extents: Sequence[Sequence[tuple[int, int]]], length: int) -> Unitizing:
    """u-alpha figures of m coders on one continuum: `extents` holds merge_extents() of each coder.

    Krippendorff's D_o sums delta over every ordered pair of coders (i, j), i != j; the pairs (i, j)
    and (j, i) give the same sum, so S is summed once over each unordered pair; D_e pools every
    coder's units and gaps. With two coders this is `unitizing`."""
    sections = [Sections.of(e, length) for e in extents]
    observed = sum(observed_sum(extents[i], extents[j]) for i in range(len(extents)) for j in range(i + 1, len(extents)))
    units = [l for s in sections for l in s.units]
    gaps = [g for s in sections for g in s.gaps()]
    return Unitizing(length, observed, units, gaps, len(extents))


class Continuum:
    """u-alpha figures of continua laid end to end (the documents of a corpus, in order), added one
    at a time. The gap at the end of one document and the gap at the start of the next become one
    gap, as in one long continuum. Two coders by default; `add_sides` takes any number (the same
    number every time)."""

    def __init__(self) -> None:
        self.result = Unitizing()
        self._carry: list[int] = []

    def add(self, a: Sections, b: Sections, observed: int) -> None:
        self.add_sides((a, b), observed)

    def add_sides(self, sides: Sequence[Sections], observed: int) -> None:
        """One more continuum: each coder's Sections of it, and S summed over every pair of coders."""
        out = self.result
        if not self._carry:
            self._carry = [0] * len(sides)
            out.coders = len(sides)
        elif len(sides) != len(self._carry):
            raise ValueError(f"{len(sides)} coders after {len(self._carry)}: every continuum needs the same coders")
        out.length += sides[0].length
        out.observed += observed
        for side, sec in enumerate(sides):
            if not sec.units:
                self._carry[side] += sec.length
                continue
            if self._carry[side] + sec.lead > 0:
                out.gaps.append(self._carry[side] + sec.lead)
            out.gaps.extend(sec.inner)
            out.units.extend(sec.units)
            self._carry[side] = sec.tail

    def close(self) -> Unitizing:
        """The figures, with the gaps still open at the end; adding more after this is a mistake."""
        r = self.result
        out = Unitizing(r.length, r.observed, list(r.units), list(r.gaps), r.coders)
        out.gaps.extend(g for g in self._carry if g > 0)
        return out


def join(parts: Iterable[tuple[Sections, Sections, int]]) -> Unitizing:
    """u-alpha figures of several continua laid end to end: (A's Sections, B's Sections, S) each."""
    continuum = Continuum()
    for a, b, observed in parts:
        continuum.add(a, b, observed)
    return continuum.close()


def alpha_over_categories(parts: Iterable[Unitizing]) -> float | None:
    """u-alpha over all categories: 1 - sum of D_o / sum of D_e (Krippendorff 2004, p. 256)."""
    d_o = d_e = 0.0
    for part in parts:
        pair = part.disagreements()
        if pair is not None:
            d_o += pair[0]
            d_e += pair[1]
    return None if d_e == 0 else 1 - d_o / d_e


# --------------------------------------------------------------------------- coding alpha


def nominal_alpha(values: Mapping[tuple, int]) -> float | None:
    """Krippendorff's alpha for nominal data from {(value of coder 1, ..., of coder m): units}.

    Every unit here is coded by every coder (a token of a document all of them annotated), so a
    unit with the values v_1..v_m adds n_v * (n_w - [v = w]) / (m - 1) to the coincidence of (v, w),
    n_v the coders who gave v. Then, with n_v the coincidence margins and n their sum,
    alpha = 1 - (n - 1) * sum_{v != w} o_vw / sum_{v != w} n_v n_w (Krippendorff 2011, "Computing
    Krippendorff's Alpha-Reliability"). None when every unit got one and the same value (nothing
    could have disagreed). Checked against the `krippendorff` package in the tests.
    """
    coincidence: dict[tuple, float] = {}
    for values_of_unit, count in values.items():
        m = len(values_of_unit)
        if m < 2 or not count:
            continue
        per_value: dict = {}
        for v in values_of_unit:
            per_value[v] = per_value.get(v, 0) + 1
        for v, nv in per_value.items():
            for w, nw in per_value.items():
                pairs = nv * (nw - 1) if v == w else nv * nw
                if pairs:
                    coincidence[(v, w)] = coincidence.get((v, w), 0.0) + count * pairs / (m - 1)
    margins: dict = {}
    for (v, _w), o in coincidence.items():
        margins[v] = margins.get(v, 0.0) + o
    n = sum(margins.values())
    observed = sum(o for (v, w), o in coincidence.items() if v != w)
    expected = n * n - sum(x * x for x in margins.values())  # sum over v != w of n_v n_w
    if n <= 1 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected
