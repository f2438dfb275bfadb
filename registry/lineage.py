"""The training lineage: who trained whom, as one graph read as of a date.

Nodes are people, edges are training records (trainer -> trainee, every stage). Nodes
carry names, stages, trainer generations and the succession risks, so that any export
(see render/lineage.py) reads everything from the graph.

`lineage_picture_data` is what a picture of a programme's trainer lineage shows (see
render/lineage_picture.py): each trainer with their generation, region, status and
risks, the lineage edges between them, and the same trainers counted per generation
and region, which is all a picture without names needs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import fields, models
from .errors import Invalid, NotFound
from .filters import known_value
from .queries import training_edges
from .succession import (
    Snapshot,
    leaving_soon,
    load_snapshot,
    no_successor,
    single_points_of_failure,
    trainer_lineage,
)
from .vocab import STAGES

# Around a person, how many training steps away the picture reaches unless told.
DEFAULT_DEPTH = 2
MAX_DEPTH = 50
# The generations a picture always has rows for: ASPIRE asks for second and third ones.
GENERATIONS_ASKED_FOR = 3


def lineage_graph(session: Session, *, as_of: dt.date, programme: str | None = None):
    """The lineage as a networkx MultiDiGraph, with names, stages, generations and risks on the nodes."""
    import networkx as nx

    snapshot = load_snapshot(session, as_of)
    graph = nx.MultiDiGraph()
    describe = _node_attributes(snapshot)
    for trainer, trainee, code, stage, trained_on in session.execute(training_edges(as_of=as_of, programme=programme)):
        for ref in (trainer, trainee):
            if ref not in graph:
                graph.add_node(ref, **describe(ref))
        graph.add_edge(trainer, trainee, programme=code, stage=stage, trained_on=trained_on.isoformat())
    return graph


def _node_attributes(snapshot: Snapshot):
    """A function giving the attributes of a person's node."""
    generations, _ = trainer_lineage(snapshot)
    risky = {risk["person"] for risk in single_points_of_failure(snapshot)}
    leaving = {row["person"] for row in leaving_soon(snapshot)}
    stages_of: dict[str, dict[str, str]] = {}
    for (ref, code), rank in snapshot.stages.items():
        stages_of.setdefault(ref, {})[code] = STAGES[rank - 1]

    def attributes(ref: str) -> dict:
        person = snapshot.people[ref]
        return {
            "name": person.name,
            "status": person.status,
            "region": person.region,
            "stages": dict(sorted(stages_of.get(ref, {}).items())),
            "generation": {code: g[ref] for code, g in sorted(generations.items()) if ref in g},
            "single_point_of_failure": ref in risky,
            "leaving_soon": ref in leaving,
        }

    return attributes


def person_lineage(session: Session, ref: str, *, as_of: dt.date) -> dict:
    """A person's place in the lineage: who trained them (up to the first generation) and
    whom they trained (down to the last), each with the stage trained towards."""
    name = session.execute(select(models.Person.name).where(models.Person.ref == ref)).scalar()
    if name is None:
        raise NotFound(f"ref: no person {ref!r} in the registry")
    graph = lineage_graph(session, as_of=as_of)
    if ref not in graph:
        return {"person": ref, "name": name, "generation": {}, "trained_by": [], "trained": []}
    node = graph.nodes[ref]
    return {
        "person": ref,
        "name": node["name"],
        "generation": node["generation"],
        "trained_by": _walk(graph, ref, "trained_by", None, frozenset({ref})),
        "trained": _walk(graph, ref, "trained", None, frozenset({ref})),
    }


def _walk(graph, person: str, branch: str, programme: str | None, seen: frozenset) -> list[dict]:
    """The people one step up (`trained_by`) or down (`trained`) from `person`, each with
    the rest of the walk beyond them; in one programme once the first step has chosen it."""
    upwards = branch == "trained_by"
    edges = graph.in_edges(person, data=True) if upwards else graph.out_edges(person, data=True)
    result = []
    for code, other, records in _steps(edges, 0 if upwards else 1, programme):
        node = graph.nodes[other]
        result.append(
            {
                "person": other,
                "name": node["name"],
                "programme": code,
                "stages": [{"stage": d["stage"], "trained_on": d["trained_on"]} for d in records],
                "generation": node["generation"].get(code),
                branch: [] if other in seen else _walk(graph, other, branch, code, seen | {other}),
            }
        )
    return result


def _steps(edges, other_end: int, programme: str | None) -> list[tuple[str, str, list[dict]]]:
    """Edges to the same person in the same programme, gathered into one step, oldest record first."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for edge in edges:
        data = edge[2]
        if programme is None or data["programme"] == programme:
            grouped.setdefault((data["programme"], edge[other_end]), []).append(data)
    return [
        (code, person, sorted(records, key=lambda d: d["trained_on"]))
        for (code, person), records in sorted(grouped.items())
    ]


# ---------------------------------------------------------------- what a picture shows


def lineage_picture_data(
    session: Session,
    *,
    as_of: dt.date,
    programme: str | None = None,
    region: str | None = None,
    around: str | None = None,
    depth=None,
    names: bool = True,
) -> dict:
    """The trainer lineage of each programme (or of `programme`) as of a date, for
    pictures: in `region` only, and/or only the trainers at most `depth` lineage steps
    from the trainer `around`. Each programme has a `summary` (trainers counted per
    generation and region, nobody named) and, with `names`, its `trainers` and `edges`.
    `programme` and `region` are taken as the registry spells them (filters.checked)."""
    snapshot = load_snapshot(session, as_of)
    generations, edges = trainer_lineage(snapshot)
    every = select(models.Programme.code).order_by(models.Programme.code)
    codes = [programme] if programme else list(session.scalars(every))
    steps = _depth(depth, around)
    if around is not None:
        around = known_value(session, "person", around, label="around")
        codes = _programmes_around(around, codes, generations, as_of, given=programme is not None)
    titles = {code: title for code, title in session.execute(select(models.Programme.code, models.Programme.name))}
    risks = {
        "no_successor": {(row["programme"], row["person"]) for row in no_successor(snapshot, edges)},
        "leaving_on": {row["person"]: row["planned_leaving_on"] for row in leaving_soon(snapshot)},
    }
    pictures = []
    for code in codes:
        lineage = generations.get(code, {})
        chosen = sorted(ref for ref in lineage if region is None or snapshot.people[ref].region == region)
        if around is not None:
            chosen = sorted(set(chosen) & _within(around, steps, edges[code]))
        summary = _summary(snapshot, code, lineage, chosen, region, around)
        picture = {"programme": code, "name": titles[code], "summary": summary}
        if names:
            picture["trainers"] = [_trainer(snapshot, code, ref, lineage[ref], risks) for ref in chosen]
            drawn = set(chosen)
            picture["edges"] = sorted((a, b) for a, b in edges[code] if a in drawn and b in drawn)
        pictures.append(picture)
    asked = {"as_of": as_of, "programme": programme, "region": region, "around": around, "depth": steps}
    return {**asked, "programmes": pictures}


def _depth(depth, around: str | None) -> int | None:
    if around is None:
        if depth is not None:
            raise Invalid(f"depth: {str(depth)!r} needs a person to draw around (around)")
        return None
    return DEFAULT_DEPTH if depth is None else fields.integer("depth", depth, low=1, high=MAX_DEPTH)


def _programmes_around(ref: str, codes: list[str], generations: dict, as_of: dt.date, *, given: bool) -> list[str]:
    """The programmes of `codes` in which `ref` is a trainer; an error when there are none."""
    found = [code for code in codes if ref in generations.get(code, {})]
    if not found:
        where = codes[0] if given else "any programme"
        raise Invalid(f"around: {ref!r} is not a trainer in {where} on {as_of.isoformat()}")
    return found


def _within(ref: str, steps: int, edges: set[tuple[str, str]]) -> set[str]:
    """The trainers at most `steps` lineage edges from `ref`, either way along them."""
    neighbours: dict[str, set[str]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    reached, frontier = {ref}, {ref}
    for _ in range(steps):
        frontier = {n for person in frontier for n in neighbours.get(person, ())} - reached
        reached |= frontier
    return reached


def _trainer(snapshot: Snapshot, code: str, ref: str, generation: int, risks: dict) -> dict:
    person = snapshot.people[ref]
    return {
        "person": ref,
        "name": person.name,
        "region": person.region,
        "status": person.status,
        "stage": STAGES[snapshot.stage(ref, code) - 1],
        "generation": generation,
        "no_successor": (code, ref) in risks["no_successor"],
        "leaving_on": risks["leaving_on"].get(ref),
    }


def _summary(snapshot: Snapshot, code: str, lineage: dict[str, int], chosen: list[str], region, around) -> dict:
    """The chosen trainers counted per generation and region, active or not. Regions are
    those where the programme is practised (anyone active holds a stage in it) and those
    of the chosen trainers; generations run from 1 to at least GENERATIONS_ASKED_FOR
    (around a person: those of the trainers drawn)."""
    if region is not None:
        regions = [region]
    else:
        practised = {snapshot.people[ref].region for ref, p in snapshot.stages if p == code and snapshot.active(ref)}
        practised = set() if around else practised
        regions = sorted(practised | {snapshot.people[ref].region for ref in chosen})
    found = [lineage[ref] for ref in chosen]
    if around is not None and found:
        rows = list(range(min(found), max(found) + 1))
    else:
        rows = list(range(1, max(found + [GENERATIONS_ASKED_FOR]) + 1))
    counts = {(g, r, active): 0 for g in rows for r in regions for active in (True, False)}
    for ref in chosen:
        counts[(lineage[ref], snapshot.people[ref].region, snapshot.active(ref))] += 1
    return {
        "regions": regions,
        "trainers": len(chosen),
        "active_trainers": sum(snapshot.active(ref) for ref in chosen),
        "rows": [
            {
                "generation": g,
                "active": {r: counts[(g, r, True)] for r in regions},
                "inactive": {r: counts[(g, r, False)] for r in regions},
            }
            for g in rows
        ],
    }
