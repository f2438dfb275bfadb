"""The report for publication hides, besides each small count, every figure from which one
could be worked out by adding and subtracting what is shown: hand-made tables whose
answers are worked out in the comments, and random tables checked against a rank test
written here (a hidden cell is given away when dropping it lowers the rank of the
relations over the hidden cells)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from mbp_registry.registry.publication import HIDDEN, Fewer, for_publication
from mbp_registry.registry.suppression import hide

REQUIREMENTS = ("cpd", "retreat", "supervision")
FEWER = Fewer(3)


def _compliance_row(key: str, name: str, assessed: int, compliant: int, short=(0, 0, 0)) -> dict:
    return {
        key: name,
        "assessed": assessed,
        "compliant": compliant,
        "rate": round(compliant / assessed, 3),
        **{f"short_of_{req}": n for req, n in zip(REQUIREMENTS, short)},
    }


def _data(*, regions=(), organisations=(), where=None, workforce=(), joiners=()) -> dict:
    """The figures for_publication reads, made by hand: compliance rows (region, assessed,
    compliant[, shortfalls]) with their totals, active people by region (region, start,
    end), and joiners' regions."""
    by_region = [_compliance_row("region", *row) for row in regions]
    by_organisation = [_compliance_row("organisation", *row) for row in organisations]
    start, end = sum(r[1] for r in workforce), sum(r[2] for r in workforce)
    return {
        "workforce": {
            "total": {"start": start, "end": end, "change": end - start},
            "by_region": [{"region": r, "start": s, "end": e, "change": e - s} for r, s, e in workforce],
        },
        "movement": {"joiners": [{"region": r, "person": "X"} for r in joiners], "leavers": []},
        "compliance": {
            "year_end": {
                "assessed": sum(r["assessed"] for r in by_region),
                "compliant": sum(r["compliant"] for r in by_region),
                "by_requirement": [
                    {"requirement": req, "short": sum(r[f"short_of_{req}"] for r in by_region)} for req in REQUIREMENTS
                ],
                "by_region": by_region,
                "by_organisation": by_organisation,
            },
            "organisation_regions": where or {},
        },
        "succession": {"generations": [], "previous_generations": [], "new": [], "resolved": []},
        "lineage": {"generations": [], "programmes": []},
    }


def _columns(rows: list[dict], *columns: str) -> list[tuple]:
    return [tuple(row[c] for c in columns) for row in rows]


def test_a_few_not_compliant_hide_the_people_compliant_beside_those_assessed():
    # North: 10 assessed, 9 compliant, so 1 not compliant, which 10 - 9 would give away:
    # North's compliant is hidden. Then 24 compliant in all less South's 15 would give it
    # again: South's compliant is hidden too. Each region has one organisation, whose row
    # is its region's. The people assessed stay shown; no rate is shown beside a hidden count.
    data = _data(
        regions=[("North", 10, 9), ("South", 20, 15)],
        organisations=[("NORTH-TRUST", 10, 9), ("SOUTH-TRUST", 20, 15)],
        where={"NORTH-TRUST": "North", "SOUTH-TRUST": "South", "EAST-TRUST": "East"},
    )
    year_end = for_publication(data, 3)["compliance"]["year_end"]
    columns = ("assessed", "compliant", "rate")
    assert _columns(year_end["by_region"], *columns) == [(10, HIDDEN, HIDDEN), (20, HIDDEN, HIDDEN)]
    assert _columns(year_end["by_organisation"], *columns) == [(10, HIDDEN, HIDDEN), (20, HIDDEN, HIDDEN)]
    # Five not compliant in North (10, 5) is no small count: everything is shown.
    data = _data(regions=[("North", 10, 5), ("South", 20, 15)], organisations=[("NORTH-TRUST", 10, 5)],
                 where={"NORTH-TRUST": "North"})
    year_end = for_publication(data, 3)["compliance"]["year_end"]
    assert _columns(year_end["by_region"], *columns) == [(10, 5, 0.5), (20, 15, 0.75)]


def test_an_organisation_of_few_hides_another_of_its_region_and_not_the_region():
    # North (9) is organisations A (2) and B (7); South (10) is C (10). A's 2 would be 9 - 7:
    # B is hidden. The regions' 9 and 10 give A + B and C, never A alone.
    data = _data(
        regions=[("North", 9, 0), ("South", 10, 0)],
        organisations=[("A", 2, 0), ("B", 7, 0), ("C", 10, 0)],
        where={"A": "North", "B": "North", "C": "South"},
    )
    year_end = for_publication(data, 3)["compliance"]["year_end"]
    assert _columns(year_end["by_region"], "assessed", "rate") == [(9, 0.0), (10, 0.0)]
    assert _columns(year_end["by_organisation"], "assessed", "compliant", "rate") == [
        (FEWER, 0, HIDDEN), (HIDDEN, 0, HIDDEN), (10, 0, 0.0),
    ]


def test_shortfalls_are_hidden_the_same_way_column_by_column():
    # Short of CPD: North 1, South 6, East 4 (11 in all): East's 4 is the smallest above 3.
    # Short of retreat: North 0, South 6, East 4: no small count, all shown.
    data = _data(regions=[("East", 10, 4, (4, 4, 0)), ("North", 10, 9, (1, 0, 0)), ("South", 10, 4, (6, 6, 0))])
    rows = for_publication(data, 3)["compliance"]["year_end"]["by_region"]
    assert _columns(rows, "short_of_cpd", "short_of_retreat") == [(HIDDEN, 4), (FEWER, 0), (6, 6)]


def test_a_small_region_hides_the_smallest_other_region_above_the_threshold():
    # Joiners: North 1, South 3, East 6, 10 in all. Hiding South's 3 would leave North at
    # most 10 - 6 - 3 = 1: East's 6 is hidden instead, leaving North + East = 7.
    published = for_publication(_data(joiners=["North"] + ["South"] * 3 + ["East"] * 6), 3)["movement"]
    assert published["joiners"] == 10
    assert _columns(published["joiners_by_region"], "region", "count") == [
        ("East", HIDDEN), ("North", FEWER), ("South", 3),
    ]
    # Active people: North 1 to 1, South 5 to 6, East 8 to 8 (14 to 15): South is the
    # smallest above 3 at both dates, and a change is shown only beside both its counts.
    rows = for_publication(_data(workforce=[("East", 8, 8), ("North", 1, 1), ("South", 5, 6)]), 3)["workforce"]
    assert _columns(rows["by_region"], "start", "end", "change") == [
        (8, 8, 0), (FEWER, FEWER, HIDDEN), (HIDDEN, HIDDEN, HIDDEN),
    ]


def test_a_count_that_is_all_of_its_total_is_that_total():
    # Two joiners, both in North: the caption's total says what "fewer than 3" hides.
    published = for_publication(_data(joiners=["North", "North"]), 3)["movement"]
    assert (published["joiners"], _columns(published["joiners_by_region"], "count")) == (2, [(FEWER,)])


# ---------------------------------------------------------------- random tables against a rank test


def _rank(relations: list[dict], cells: list) -> int:
    matrix = [[Fraction(relation.get(cell, 0)) for cell in cells] for relation in relations]
    rank = 0
    for column in range(len(cells)):
        found = next((i for i in range(rank, len(matrix)) if matrix[i][column]), None)
        if found is None:
            continue
        matrix[rank], matrix[found] = matrix[found], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][column]:
                times = matrix[i][column] / matrix[rank][column]
                matrix[i] = [a - times * b for a, b in zip(matrix[i], matrix[rank])]
        rank += 1
    return rank


def _given_away(relations: list[dict], hidden: set, cell) -> bool:
    cells = sorted(hidden, key=repr)
    return _rank(relations, cells) == _rank(relations, [c for c in cells if c != cell]) + 1


@pytest.mark.parametrize("seed", range(60))
def test_no_small_count_of_a_random_table_can_be_worked_out(seed):
    rng = random.Random(seed)
    below = rng.choice([2, 3, 4])
    organisations = {
        f"O{r}{k}": (f"R{r}", rng.choice([0, 1, 1, 2, 3, 4, 5, 8]))
        for r in range(rng.randint(1, 4))
        for k in range(rng.randint(1, 3))
    }
    regions: dict[str, int] = {}
    for region, n in organisations.values():
        regions[region] = regions.get(region, 0) + n
    values = {("total",): sum(regions.values())}
    values.update({("region", r): n for r, n in regions.items()})
    values.update({("organisation", o): n for o, (_, n) in organisations.items()})
    relations = [
        {("total",): -1, **{("region", r): 1 for r in regions}},
        {("total",): -1, **{("organisation", o): 1 for o in organisations}},
        *[{("region", r): -1, **{("organisation", o): 1 for o, (w, _) in organisations.items() if w == r}}
          for r in regions],
    ]
    small = {cell for cell, n in values.items() if cell != ("total",) and 0 < n < below}
    hidden = hide(values, relations, small, set(small), {("total",)}, below)
    assert small <= hidden and ("total",) not in hidden
    assert all(values[cell] for cell in hidden)  # a 0 is never hidden
    for cell in small:
        peers = [n for other, n in values.items() if other[0] == cell[0] and other != cell and n]
        assert not peers or not _given_away(relations, hidden, cell), (cell, values, hidden)
