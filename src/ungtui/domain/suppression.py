"""Small numbers: what may leave the screen.

A figure that counts 1–4 individuals is shown as '<5' in everything exported, and so is
any figure built on so few people (a share, a median). Hiding one cell is not enough when
other published figures give it back by subtraction: a total and its parts (women, men,
other), a group and a group inside it (16–29 and 16–24), two figures of which one counts
a part of the other (the unemployed, and those of them who started work), or a share
together with a count. So the cells to hide are worked out over every published table of
a report at once:

- every count that is 1–4 is hidden, and every share whose part, whole or rest is 1–4;
- a share of 0 % or 100 % over fewer than ten people is hidden too: it tells something
  about every one of them;
- a shown share makes its part and its whole known, as if they were published;
- then, as long as some small number can still be worked out from what is shown — a
  hidden cell, the hidden parts of a total together, or the rest of a group beside a
  group within it; by any sum, difference or combination of the relations, not only one
  at a time — one more cell is hidden: a figure near it whose hiding stops it, the
  smallest first, parts before totals.

Zero is never hidden: knowing that nobody is in a cell tells nothing about a person.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
S = TypeVar("S", bound=Hashable)

SMALL_MAX = 4
HIDDEN = "<5"
# A cell hidden only so that other figures cannot give a small one away. It is not
# small, so calling it '<5' would be untrue — and would let a reader solve the sum: two
# '<5' cells that add up to 8 must both be 4.
PROTECTED = "x"
# A share of everyone or no one tells each member's answer; over this few it is hidden.
ALL_OR_NONE_MIN = 10


def is_small(people: int) -> bool:
    return 1 <= people <= SMALL_MAX


def share_is_hidden(part: int, whole: int) -> bool:
    """A share reveals its part, and the rest, once the whole is known; 0 % or 100 % of a
    small group reveals the answer of every member."""
    if whole <= 0:
        return False
    if is_small(whole) or is_small(part) or is_small(whole - part):
        return True
    return whole < ALL_OR_NONE_MIN and part in (0, whole)


def hidden_cells(values: Mapping[K, int], sums: Iterable[tuple[K, Sequence[K]]]) -> set[K]:
    """The cells to hide of one table whose totals are the sums of their parts."""
    return protect(values, set(values), [(t, tuple(p)) for t, p in sums])[0]


class _Space:
    """The linear relations among the unknown cells, reduced, to tell which sums of
    unknowns the known figures pin down."""

    def __init__(self, rows: Iterable[dict]) -> None:
        self.pivots: dict = {}  # pivot variable -> reduced row (pivot coefficient 1)
        for row in rows:
            self._add(row)

    def _reduce(self, row: dict) -> dict:
        # Pivot rows hold no other pivot variable, so one pass over them is enough.
        row = dict(row)
        for var in [v for v in row if v in self.pivots]:
            factor = row.pop(var)
            for other, coef in self.pivots[var].items():
                if other == var:
                    continue
                value = row.get(other, 0) - factor * coef
                if value:
                    row[other] = value
                else:
                    row.pop(other, None)
        return row

    def _add(self, row: dict) -> None:
        row = self._reduce(row)
        if not row:
            return
        pivot = min(row, key=repr)
        scale = row[pivot]
        row = {var: coef / scale for var, coef in row.items()}
        for other in self.pivots.values():
            if pivot in other:
                factor = other[pivot]
                for v, coef in row.items():
                    value = other.get(v, 0) - factor * coef
                    if value:
                        other[v] = value
                    else:
                        other.pop(v, None)
        self.pivots[pivot] = row

    def determined(self, form: dict) -> bool:
        """Whether the sum `form` (variable -> coefficient) of unknowns is pinned down."""
        return not self._reduce(form)


def protect(
    values: Mapping[K, int],
    published: set[K],
    exact: Sequence[tuple[K, tuple[K, ...]]] = (),
    subsets: Sequence[tuple[K, tuple[K, ...]]] = (),
    shares: Mapping[S, tuple[K, K]] | None = None,
    is_total: Callable[[K], int] = lambda _key: 0,
) -> tuple[set[K], set[S], set[S]]:
    """(the published counts to hide, the shares hidden as small, the shares hidden to
    protect others).

    `values` holds every count the relations mention, published or not; `exact` says a
    total is the sum of its parts; `subsets` says a group counts everyone its subgroups
    (kept apart from each other) count, and maybe more — the rest is then a number too;
    `shares` gives each share's part and whole. `is_total` ranks the cells to hide last
    (a total of totals last of all)."""
    shares = dict(shares or {})
    hidden = {key for key in published if is_small(values[key])}
    small_shares = {s for s, (p, w) in shares.items() if share_is_hidden(values[p], values[w])}
    protected_shares: set[S] = set()
    exposed_by: dict[K, set[S]] = {}
    for s, (p, w) in shares.items():
        exposed_by.setdefault(p, set()).add(s)
        exposed_by.setdefault(w, set()).add(s)
    relations = [(total, tuple(parts)) for total, parts in exact]
    touching: dict[K, list[int]] = {}
    for n, (total, parts) in enumerate(relations):
        for cell in (total, *parts):
            touching.setdefault(cell, []).append(n)
    small_cells = [key for key in values if is_small(values[key])]
    differences = [
        (group, inner)
        for group, inner in subsets
        if is_small(values[group] - sum(values[cell] for cell in inner))
    ]

    cache: dict[frozenset, _Space] = {}
    terms = [_terms(total, parts) for total, parts in relations]

    def state(hidden_now: set[K], protected_now: set[S]) -> tuple[set[K], _Spaces]:
        known = {key for key in published if key not in hidden_now}
        for s in shares:
            if s not in small_shares and s not in protected_now:
                known.update(shares[s])
        return known, _Spaces(terms, known, cache)

    def unknown_form(form: dict, known: set[K]) -> dict:
        return {c: Fraction(v) for c, v in form.items() if c not in known}

    def check(hidden_now: set[K], protected_now: set[S]):
        """The first small number still worked out from what is shown, as (the sum of
        cells it is, the cells it concerns), or None."""
        known, space = state(hidden_now, protected_now)
        for key in small_cells:
            if key not in known and space.determined({key: Fraction(1)}):
                return ({key: 1}, (key,)), known
        # The hidden parts of a total together: 9 in all and 6 women shown give away
        # that 3 are men or other, however the 3 are hidden.
        for total, parts in relations:
            unknown = [p for p in parts if p not in known]
            if len(unknown) > 1 and is_small(sum(values[p] for p in unknown)):
                form = {p: 1 for p in unknown}
                if space.determined(unknown_form(form, known)):
                    return (form, (*unknown, total)), known
        for group, inner in differences:
            form = _terms(group, inner)
            if space.determined(unknown_form(form, known)):
                return (form, (*inner, group)), known
        return None, known

    def hiding(cell: K) -> tuple[set[K], set[S]]:
        more = hidden | {cell} if cell in published else set(hidden)
        return more, protected_shares | (exposed_by.get(cell, set()) - small_shares)

    while True:
        problem, known = check(hidden, protected_shares)
        if problem is None:
            return hidden, small_shares, protected_shares
        form, cells = problem

        def resolves(cell: K, form=form) -> bool:
            known_then, space = state(*hiding(cell))
            return not space.determined(unknown_form(form, known_then))

        chosen = _choose(cells, relations, touching, known, values, is_total, resolves)
        hidden, protected_shares = hiding(chosen)


def _choose(problem, relations, touching, known, values, is_total, resolves):
    """The cell to hide next: of the shown non-zero cells, parts before totals, nearest
    the problem in the web of relations (the smaller group itself for a difference) and
    smaller before larger, the first whose hiding stops the small figure being worked
    out; failing that, one of a relation that gives it straight away."""
    distance = {cell: 0 for cell in problem}
    frontier = list(problem)
    while frontier:
        following = []
        for cell in frontier:
            for n in touching.get(cell, ()):
                total, parts = relations[n]
                for other in (total, *parts):
                    if other not in distance:
                        distance[other] = distance[cell] + 1
                        following.append(other)
        frontier = following
    usable = [c for c in distance if c in known and values.get(c, 0) > 0]
    if not usable:
        usable = [c for c in known if values.get(c, 0) > 0]
        distance.update({c: len(values) for c in usable})
    ordered = sorted(usable, key=lambda c: (is_total(c), distance[c], values[c], repr(c)))
    # The nearest few are enough to try; far ones rarely stop it alone.
    for cell in ordered[:8]:
        if resolves(cell):
            return cell
    # No one cell is enough: start where the figure is given straight away, by a relation
    # whose other cells are all shown — its smallest part, else its total.
    for cell in problem:
        for n in touching.get(cell, ()):
            total, parts = relations[n]
            others = [c for c in (total, *parts) if c != cell]
            if all(c in known for c in others):
                for group in ([p for p in parts if p != cell], [total]):
                    found = [c for c in ordered if c in group]
                    if found:
                        return found[0]
    return ordered[0]


class _Spaces:
    """The relations among the unknown cells, split into the groups of cells they tie
    together and reduced per group; a group unchanged since an earlier round is reused."""

    def __init__(self, terms: list[dict], known: set, cache: dict) -> None:
        rows = []
        for relation in terms:
            row = {c: v for c, v in relation.items() if c not in known}
            if row:
                rows.append(row)
        parent: dict = {}

        def find(x):
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for row in rows:
            first, *rest = row
            for other in rest:
                a, b = find(first), find(other)
                if a != b:
                    parent[a] = b
        groups: dict = {}
        for row in rows:
            groups.setdefault(find(next(iter(row))), []).append(row)
        self.group_of = {cell: find(cell) for cell in parent}
        self.spaces: dict = {}
        for root, found in groups.items():
            key = frozenset(frozenset(row.items()) for row in found)
            space = cache.get(key)
            if space is None:
                space = cache[key] = _Space(
                    {c: Fraction(v) for c, v in row.items()} for row in found
                )
            self.spaces[root] = space

    def determined(self, form: dict) -> bool:
        by_group: dict = {}
        for cell, coef in form.items():
            root = self.group_of.get(cell)
            if root is None:
                return False  # in no relation: nothing can pin it down
            by_group.setdefault(root, {})[cell] = coef
        return all(self.spaces[root].determined(part) for root, part in by_group.items())


def _terms(total, parts) -> dict:
    terms: dict = {total: 1}
    for part in parts:
        terms[part] = terms.get(part, 0) - 1
    return {cell: coef for cell, coef in terms.items() if coef}
