"""Which figures of a published table to hide, besides the small counts themselves, so
that no small count can be worked out from what is shown.

Figures are cells, named by any key, tied by linear relations: a total is the sum of its
parts, people assessed are those compliant plus those not. A relation is a mapping
{cell: coefficient} whose sum over the cells' values is 0. A hidden cell is worked out
when some combination of relations holds it and no other hidden cell: it is then that
combination of the cells shown, the way North's count is the total less the other
regions'. `hide` hides a further cell of such a combination until none is left.

Of the cells it may hide it takes one above the threshold before one at it, then the
smallest: beside a count of "fewer than N" (1 to N-1), a hidden N can be read from the
total (with a total of N + 1, the small count can only be 1). A cell it hid on the way
that the cells shown give anyway is shown again.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Hashable, Iterable, Mapping

Relation = Mapping[Hashable, int]


def hide(
    values: Mapping[Hashable, int],
    relations: Iterable[Relation],
    protected: set,
    hidden: set,
    fixed: set,
    below: int,
) -> set:
    """The cells not to show: `hidden` (the `protected` cells and any others never shown),
    and the cells shown that would give a protected cell away, found greedily. `fixed`
    cells (totals the report shows elsewhere) are never hidden, nor is a cell of value 0;
    a protected cell that the fixed cells alone give away (the one nonzero part of its
    total) stays given away."""
    echelon, given_away = Echelon(relations, hidden), set()
    while True:
        found = echelon.worked_out(protected - given_away)
        if not found:
            break
        cell = min(found, key=repr)
        choices = [c for c in found[cell] if c not in fixed and values[c]]
        if not choices:
            given_away.add(cell)
            continue
        echelon.hide(min(choices, key=lambda c: (abs(values[c]) <= below, abs(values[c]), repr(c))))
    # A cell hidden on the way that the cells shown give anyway hides nothing: show it.
    return echelon.hidden - set(echelon.worked_out(echelon.hidden - set(hidden)))


class Echelon:
    """Relations in reduced row echelon form, pivoting on hidden cells only: a row for each
    pivot (holding no other pivot), and spare rows that hold no hidden cell. A row whose
    only hidden cell is its pivot gives the pivot away: it is that row's cells shown."""

    def __init__(self, relations: Iterable[Relation], hidden: set) -> None:
        self.hidden = set(hidden)
        self.rows: dict[Hashable, dict] = {}
        self.spare: list[dict] = []
        for relation in relations:
            row = {cell: Fraction(value) for cell, value in relation.items() if value}
            for pivot in [cell for cell in row if cell in self.rows]:
                _subtract(row, self.rows[pivot], row[pivot])
            free = sorted((cell for cell in row if cell in self.hidden), key=repr)
            if free:
                self._pivot(free[0], row)
            elif row:
                self.spare.append(row)

    def hide(self, cell: Hashable) -> None:
        """Hide one more cell: a spare row that holds it pivots on it; otherwise it is one
        more unknown in the rows that hold it."""
        self.hidden.add(cell)
        holder = next((row for row in self.spare if cell in row), None)
        if holder is not None:
            self.spare.remove(holder)
            self._pivot(cell, holder)

    def worked_out(self, cells: set) -> dict[Hashable, list]:
        """Those of `cells` that the cells shown give away, each with the cells shown it is
        worked out from."""
        return {
            pivot: sorted((cell for cell in row if cell not in self.hidden), key=repr)
            for pivot, row in self.rows.items()
            if pivot in cells and all(cell == pivot or cell not in self.hidden for cell in row)
        }

    def _pivot(self, pivot: Hashable, row: dict) -> None:
        scale = row[pivot]
        row = {cell: value / scale for cell, value in row.items()}
        for other in [*self.rows.values(), *self.spare]:
            if pivot in other:
                _subtract(other, row, other[pivot])
        self.rows[pivot] = row


def _subtract(row: dict, other: dict, times: Fraction) -> None:
    """row -= times * other, leaving out the cells that become 0."""
    for cell, value in other.items():
        left = row.get(cell, 0) - times * value
        if left:
            row[cell] = left
        else:
            row.pop(cell, None)
